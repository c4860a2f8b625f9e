// Compiled mode (PBGDPL_SEPARATE_COMPILATION): the feed aggregator (network/aggregator.hpp).
#include <pbgdpl/network/aggregator.hpp>

#include <pbgdpl/network/impl/aggregator.ipp>
