// Compiled mode (PBGDPL_SEPARATE_COMPILATION): the bodies of trust/minisign.hpp, compiled once.
#include <pbgdpl/trust/minisign.hpp>

#include <pbgdpl/trust/impl/minisign.ipp>
