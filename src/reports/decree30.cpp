// Compiled mode (PBGDPL_SEPARATE_COMPILATION): reports/decree30.hpp, compiled once into the reports tier.
#include <pbgdpl/reports/decree30.hpp>

#include <pbgdpl/reports/impl/decree30.ipp>
