// Compiled mode (PBGDPL_SEPARATE_COMPILATION): the bodies of trust/passwords.hpp, compiled once.
#include <pbgdpl/trust/passwords.hpp>

#include <pbgdpl/trust/impl/passwords.ipp>
