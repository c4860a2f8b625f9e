// Compiled mode (PBGDPL_SEPARATE_COMPILATION): signage/publisher.hpp, compiled once into the signage tier.
#include <pbgdpl/signage/publisher.hpp>

#include <pbgdpl/signage/impl/publisher.ipp>
