// Compiled mode (PBGDPL_SEPARATE_COMPILATION): reports/periods.hpp, compiled once into the reports tier.
#include <pbgdpl/reports/periods.hpp>

#include <pbgdpl/reports/impl/periods.ipp>
