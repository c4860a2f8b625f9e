// Compiled mode (PBGDPL_SEPARATE_COMPILATION): the feed HTML sanitiser (network/sanitize.hpp).
#include <pbgdpl/network/sanitize.hpp>

#include <pbgdpl/network/impl/sanitize.ipp>
