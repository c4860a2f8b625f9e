// Compiled mode (PBGDPL_SEPARATE_COMPILATION): the computed indicators of yearly reports
// (reports/indicators.hpp), compiled once into the reports tier.
#include <pbgdpl/reports/indicators.hpp>

#include <pbgdpl/reports/impl/indicators.ipp>
