// Compiled mode (PBGDPL_SEPARATE_COMPILATION): compliance runs stored and counted
// (network/compliance_history.hpp).
#include <pbgdpl/network/compliance_history.hpp>

#include <pbgdpl/network/impl/compliance_history.ipp>
