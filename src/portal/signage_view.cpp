// Compiled mode (PBGDPL_SEPARATE_COMPILATION): what the legal staircase's pages read (displays,
// schedules, what plays now, checked approvals), compiled once.
#include <pbgdpl/portal/signage_view.hpp>

#include <pbgdpl/portal/impl/signage_view.ipp>
