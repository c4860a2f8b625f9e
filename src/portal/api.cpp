// Compiled mode (PBGDPL_SEPARATE_COMPILATION): the portal's JSON API, compiled once.
#include <pbgdpl/portal/api.hpp>

#include <pbgdpl/portal/impl/api.ipp>
