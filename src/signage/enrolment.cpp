// Compiled mode (PBGDPL_SEPARATE_COMPILATION): signage/enrolment.hpp, compiled once into the signage tier.
#include <pbgdpl/signage/enrolment.hpp>

#include <pbgdpl/signage/impl/enrolment.ipp>
