// Compiled mode (PBGDPL_SEPARATE_COMPILATION): the player core (signage/player.hpp), compiled once
// into the signage tier.
#include <pbgdpl/signage/player.hpp>

#include <pbgdpl/signage/impl/player.ipp>
