// Compiled mode (PBGDPL_SEPARATE_COMPILATION): signage/content.hpp, compiled once into the signage tier.
#include <pbgdpl/signage/content.hpp>

#include <pbgdpl/signage/impl/content.ipp>
