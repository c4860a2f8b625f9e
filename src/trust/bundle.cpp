// Compiled mode (PBGDPL_SEPARATE_COMPILATION): the bodies of media/bundle.hpp, compiled once.
#include <pbgdpl/media/bundle.hpp>

#include <pbgdpl/media/impl/bundle.ipp>
