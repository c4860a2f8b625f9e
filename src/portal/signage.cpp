// Compiled mode (PBGDPL_SEPARATE_COMPILATION): the portal's side of the screens' devices
// (portal/signage_api.hpp), compiled once.
#include <pbgdpl/portal/signage_api.hpp>

#include <pbgdpl/portal/impl/signage_api.ipp>
