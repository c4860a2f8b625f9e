// Compiled mode (PBGDPL_SEPARATE_COMPILATION): the bodies of trust/approval.hpp, compiled once.
#include <pbgdpl/trust/approval.hpp>

#include <pbgdpl/trust/impl/approval.ipp>
