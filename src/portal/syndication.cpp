// Compiled mode (PBGDPL_SEPARATE_COMPILATION): building, signing and pushing a unit's export
// package from the store (portal/syndication.hpp), compiled once into the portal tier.
#include <pbgdpl/portal/syndication.hpp>

#include <pbgdpl/portal/impl/syndication.ipp>
