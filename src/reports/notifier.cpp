// Compiled mode (PBGDPL_SEPARATE_COMPILATION): reports/notifier.hpp, compiled once into the reports tier.
#include <pbgdpl/reports/notifier.hpp>

#include <pbgdpl/reports/impl/notifier.ipp>
