// Compiled mode (PBGDPL_SEPARATE_COMPILATION): reports/exports.hpp, compiled once into the reports tier.
#include <pbgdpl/reports/exports.hpp>

#include <pbgdpl/reports/impl/exports.ipp>
