// Compiled mode (PBGDPL_SEPARATE_COMPILATION): the bodies of http/address.hpp, compiled once.
#include <pbgdpl/http/address.hpp>

#include <pbgdpl/http/impl/address.ipp>
