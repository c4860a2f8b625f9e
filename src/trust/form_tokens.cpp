// Compiled mode (PBGDPL_SEPARATE_COMPILATION): the bodies of trust/form_tokens.hpp, compiled once.
#include <pbgdpl/trust/form_tokens.hpp>

#include <pbgdpl/trust/impl/form_tokens.ipp>
