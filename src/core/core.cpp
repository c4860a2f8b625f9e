// Compiled mode (PBGDPL_SEPARATE_COMPILATION): the core tier's bodies, compiled once.
// Each heavy header's definitions live in include/pbgdpl/<layer>/impl/<name>.ipp; this TU and its
// neighbours in src/core/ include them. Header-only builds include them from the headers instead.
#include <pbgdpl/model.hpp>
