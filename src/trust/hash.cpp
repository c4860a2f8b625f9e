// Compiled mode (PBGDPL_SEPARATE_COMPILATION): the bodies of trust/hash.hpp, compiled once.
#include <pbgdpl/trust/hash.hpp>

#include <pbgdpl/trust/impl/hash.ipp>
