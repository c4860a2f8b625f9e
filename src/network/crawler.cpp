// Compiled mode (PBGDPL_SEPARATE_COMPILATION): the compliance crawler (network/crawler.hpp).
#include <pbgdpl/network/crawler.hpp>

#include <pbgdpl/network/impl/crawler.ipp>
