// Compiled mode (PBGDPL_SEPARATE_COMPILATION): the feed reader (network/feed_reader.hpp).
#include <pbgdpl/network/feed_reader.hpp>

#include <pbgdpl/network/impl/feed_reader.ipp>
