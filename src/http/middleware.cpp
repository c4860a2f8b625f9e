// Compiled mode (PBGDPL_SEPARATE_COMPILATION): the bodies of http/middleware.hpp, compiled once.
#include <pbgdpl/http/middleware.hpp>

#include <pbgdpl/http/impl/middleware.ipp>
