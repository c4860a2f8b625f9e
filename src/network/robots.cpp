// Compiled mode (PBGDPL_SEPARATE_COMPILATION): robots.txt parsing and matching (network/robots.hpp).
#include <pbgdpl/network/robots.hpp>

#include <pbgdpl/network/impl/robots.ipp>
