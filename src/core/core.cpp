// Compiled mode (PBGDPL_SEPARATE_COMPILATION): the core layer's bodies (errors aside, which stay
// inline), compiled once. One TU for them: each would otherwise parse nlohmann/json again.
#include <pbgdpl/core/document_number.hpp>
#include <pbgdpl/core/ids.hpp>
#include <pbgdpl/core/json.hpp>
#include <pbgdpl/core/text.hpp>
#include <pbgdpl/core/time.hpp>

#include <pbgdpl/core/impl/document_number.ipp>
#include <pbgdpl/core/impl/ids.ipp>
#include <pbgdpl/core/impl/json.ipp>
#include <pbgdpl/core/impl/text.ipp>
#include <pbgdpl/core/impl/time.ipp>
