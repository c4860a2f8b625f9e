// Compiled mode (PBGDPL_SEPARATE_COMPILATION): the HTML reader over gumbo (network/html.hpp).
#include <pbgdpl/network/html.hpp>

#include <pbgdpl/network/impl/html.ipp>
