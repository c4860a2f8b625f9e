// Compiled mode (PBGDPL_SEPARATE_COMPILATION): what the portal's report screens and report API
// share (portal/reports_view.hpp), compiled once.
#include <pbgdpl/portal/reports_view.hpp>

#include <pbgdpl/portal/impl/reports_view.ipp>
