// Compiled mode (PBGDPL_SEPARATE_COMPILATION): the bodies of trust/hmac.hpp, compiled once.
#include <pbgdpl/trust/hmac.hpp>

#include <pbgdpl/trust/impl/hmac.ipp>
