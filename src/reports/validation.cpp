// Compiled mode (PBGDPL_SEPARATE_COMPILATION): the validation rules of yearly reports
// (reports/validation.hpp), compiled once into the reports tier.
#include <pbgdpl/reports/validation.hpp>

#include <pbgdpl/reports/impl/validation.ipp>
