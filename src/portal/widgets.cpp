// Compiled mode (PBGDPL_SEPARATE_COMPILATION): the embeddable widgets (issue 20), compiled once.
#include <pbgdpl/portal/widgets.hpp>

#include <pbgdpl/portal/impl/widgets.ipp>
