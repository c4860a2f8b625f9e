// Compiled mode (PBGDPL_SEPARATE_COMPILATION): the bodies of http/multipart.hpp, compiled once.
#include <pbgdpl/http/multipart.hpp>

#include <pbgdpl/http/impl/multipart.ipp>
