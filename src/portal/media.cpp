// Compiled mode (PBGDPL_SEPARATE_COMPILATION): the bodies of portal/media_library.hpp, compiled once.
#include <pbgdpl/portal/media_library.hpp>

#include <pbgdpl/portal/impl/media_library.ipp>
