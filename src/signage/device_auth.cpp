// Compiled mode (PBGDPL_SEPARATE_COMPILATION): signed device requests (signage/device_auth.hpp),
// compiled once into the signage tier.
#include <pbgdpl/signage/device_auth.hpp>

#include <pbgdpl/signage/impl/device_auth.ipp>
