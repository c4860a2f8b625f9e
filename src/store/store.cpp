// Compiled mode (PBGDPL_SEPARATE_COMPILATION): the store tier's backend-independent bodies,
// compiled once (the registry of kinds, the store's helpers, search, the memory store, import,
// the decoded-record cache). One TU for them all: each would otherwise parse the model headers again.
#include <pbgdpl/store/changes.hpp>
#include <pbgdpl/store/import.hpp>
#include <pbgdpl/store/kinds.hpp>
#include <pbgdpl/store/memory.hpp>
#include <pbgdpl/store/record_cache.hpp>
#include <pbgdpl/store/search.hpp>
#include <pbgdpl/store/store.hpp>

#include <pbgdpl/store/impl/changes.ipp>
#include <pbgdpl/store/impl/import.ipp>
#include <pbgdpl/store/impl/kinds.ipp>
#include <pbgdpl/store/impl/memory.ipp>
#include <pbgdpl/store/impl/record_cache.ipp>
#include <pbgdpl/store/impl/search.ipp>
#include <pbgdpl/store/impl/store.ipp>
