// Compiled mode (PBGDPL_SEPARATE_COMPILATION): the yearly report's workflow (reports/workflow.hpp),
// compiled once into the reports tier.
#include <pbgdpl/reports/workflow.hpp>

#include <pbgdpl/reports/impl/workflow.ipp>
