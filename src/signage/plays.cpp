// Compiled mode (PBGDPL_SEPARATE_COMPILATION): signage/plays.hpp, compiled once into the signage tier.
#include <pbgdpl/signage/plays.hpp>

#include <pbgdpl/signage/impl/plays.ipp>
