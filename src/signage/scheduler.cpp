// Compiled mode (PBGDPL_SEPARATE_COMPILATION): the scheduler (signage/scheduler.hpp), compiled once
// into the signage tier.
#include <pbgdpl/signage/scheduler.hpp>

#include <pbgdpl/signage/impl/scheduler.ipp>
