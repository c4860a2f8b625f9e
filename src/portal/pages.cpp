// Compiled mode (PBGDPL_SEPARATE_COMPILATION): the portal's reader pages, compiled once.
#include <pbgdpl/portal/pages.hpp>

#include <pbgdpl/portal/impl/pages.ipp>
