// Compiled mode (PBGDPL_SEPARATE_COMPILATION): pushing syndication packages with retries and a
// delivery log (network/syndication_push.hpp), compiled once into the network tier.
#include <pbgdpl/network/syndication_push.hpp>

#include <pbgdpl/network/impl/syndication_push.ipp>
