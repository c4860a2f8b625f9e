// Compiled mode (PBGDPL_SEPARATE_COMPILATION): the bodies of http/server.hpp, compiled once.
#include <pbgdpl/http/server.hpp>

#include <pbgdpl/http/impl/server.ipp>
