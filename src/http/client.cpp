// Compiled mode (PBGDPL_SEPARATE_COMPILATION): the bodies of http/client.hpp, compiled once.
#include <pbgdpl/http/client.hpp>

#include <pbgdpl/http/impl/client.ipp>
