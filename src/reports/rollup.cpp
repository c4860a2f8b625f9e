// Compiled mode (PBGDPL_SEPARATE_COMPILATION): reports/rollup.hpp, compiled once into the reports tier.
#include <pbgdpl/reports/rollup.hpp>

#include <pbgdpl/reports/impl/rollup.ipp>
