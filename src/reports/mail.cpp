// Compiled mode (PBGDPL_SEPARATE_COMPILATION): reports/mail.hpp, compiled once into the reports tier.
#include <pbgdpl/reports/mail.hpp>

#include <pbgdpl/reports/impl/mail.ipp>
