// Compiled mode (PBGDPL_SEPARATE_COMPILATION): the editor's screens and the account service.
#include <pbgdpl/portal/editor.hpp>

#include <pbgdpl/portal/impl/editor.ipp>
