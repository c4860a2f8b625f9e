// Compiled mode (PBGDPL_SEPARATE_COMPILATION): the banner kit (network/banner_kit.hpp), compiled
// once into the network tier with its own private (static) copy of stb_image, stb_image_resize and
// stb_truetype.
#include <pbgdpl/network/banner_kit.hpp>

#include <pbgdpl/network/impl/banner_kit.ipp>
