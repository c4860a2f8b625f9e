// Compiled mode (PBGDPL_SEPARATE_COMPILATION): proof of play (signage/proof_of_play.hpp), compiled
// once into the signage tier.
#include <pbgdpl/signage/proof_of_play.hpp>

#include <pbgdpl/signage/impl/proof_of_play.ipp>
