// Compiled mode (PBGDPL_SEPARATE_COMPILATION): the bodies of media/images.hpp (and stb), compiled once.
#include <pbgdpl/media/images.hpp>

#include <pbgdpl/media/impl/images.ipp>
