// Compiled mode (PBGDPL_SEPARATE_COMPILATION): the roll-up's downloads the portal serves
// (portal/reports_files.hpp), compiled once.
#include <pbgdpl/portal/reports_files.hpp>

#include <pbgdpl/portal/impl/reports_files.ipp>
