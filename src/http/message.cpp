// Compiled mode (PBGDPL_SEPARATE_COMPILATION): the bodies of http/message.hpp, compiled once.
#include <pbgdpl/http/message.hpp>

#include <pbgdpl/http/impl/message.ipp>
