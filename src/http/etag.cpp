// Compiled mode (PBGDPL_SEPARATE_COMPILATION): the bodies of http/etag.hpp, compiled once.
#include <pbgdpl/http/etag.hpp>

#include <pbgdpl/http/impl/etag.ipp>
