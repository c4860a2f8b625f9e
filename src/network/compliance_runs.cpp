// Compiled mode (PBGDPL_SEPARATE_COMPILATION): a compliance run of a unit's schools, crawled and
// stored (network/compliance_runs.hpp).
#include <pbgdpl/network/compliance_runs.hpp>

#include <pbgdpl/network/impl/compliance_runs.ipp>
