// Compiled mode (PBGDPL_SEPARATE_COMPILATION): the signage renderer (signage/render.hpp), compiled
// once into the signage tier with its own private (static) copy of stb_image_resize and
// stb_truetype.
#include <pbgdpl/signage/render.hpp>

#include <pbgdpl/signage/impl/render.ipp>
