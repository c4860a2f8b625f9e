// Compiled mode (PBGDPL_SEPARATE_COMPILATION): time zones from TZif files (signage/time_zone.hpp),
// compiled once into the signage tier.
#include <pbgdpl/signage/time_zone.hpp>

#include <pbgdpl/signage/impl/time_zone.ipp>
