// Compiled mode (PBGDPL_SEPARATE_COMPILATION): the bodies of http/static_files.hpp, compiled once.
#include <pbgdpl/http/static_files.hpp>

#include <pbgdpl/http/impl/static_files.ipp>
