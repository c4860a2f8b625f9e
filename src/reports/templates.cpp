// Compiled mode (PBGDPL_SEPARATE_COMPILATION): reports/templates.hpp, compiled once into the reports tier.
#include <pbgdpl/reports/templates.hpp>

#include <pbgdpl/reports/impl/templates.ipp>
