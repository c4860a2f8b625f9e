// Compiled mode (PBGDPL_SEPARATE_COMPILATION): URL parsing and resolution (network/url.hpp).
#include <pbgdpl/network/url.hpp>

#include <pbgdpl/network/impl/url.ipp>
