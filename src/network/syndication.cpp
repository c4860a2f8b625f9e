// Compiled mode (PBGDPL_SEPARATE_COMPILATION): the syndication package, its signature and its
// verification (network/syndication.hpp), compiled once into the network tier.
#include <pbgdpl/network/syndication.hpp>

#include <pbgdpl/network/impl/syndication.ipp>
