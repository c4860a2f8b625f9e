// Compiled mode (PBGDPL_SEPARATE_COMPILATION): the bodies of trust/tokens.hpp, compiled once.
#include <pbgdpl/trust/tokens.hpp>

#include <pbgdpl/trust/impl/tokens.ipp>
