// Compiled mode (PBGDPL_SEPARATE_COMPILATION): the player's content-addressed cache and Range
// downloads (signage/content_cache.hpp), compiled once into the signage tier.
#include <pbgdpl/signage/content_cache.hpp>

#include <pbgdpl/signage/impl/content_cache.ipp>
