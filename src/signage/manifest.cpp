// Compiled mode (PBGDPL_SEPARATE_COMPILATION): signed display manifests (signage/manifest.hpp),
// compiled once into the signage tier.
#include <pbgdpl/signage/manifest.hpp>

#include <pbgdpl/signage/impl/manifest.ipp>
