// Compiled mode (PBGDPL_SEPARATE_COMPILATION): the SQLite store's bodies, compiled once. The
// only TU of the store tier that includes sqlite3.h.
#include <pbgdpl/store/sqlite.hpp>

#include <pbgdpl/store/sqlite/impl/connection.ipp>
#include <pbgdpl/store/sqlite/impl/schema.ipp>
#include <pbgdpl/store/sqlite/impl/row_scorer.ipp>
#include <pbgdpl/store/sqlite/impl/search_index.ipp>
#include <pbgdpl/store/sqlite/impl/search_order.ipp>
#include <pbgdpl/store/sqlite/impl/term_impacts.ipp>
#include <pbgdpl/store/sqlite/impl/sqlite_store.ipp>
