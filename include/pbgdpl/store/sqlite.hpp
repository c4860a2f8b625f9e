// The embedded default store: one SQLite file (WAL, busy timeout, foreign keys, prepared
// statements only, versioned migrations, integrity check, online backup) with FTS5 search that
// ranks a bounded candidate set instead of scoring every match (see docs/design.md, "Search").
// This is the header to include; the store is made of parts under sqlite/:
//   options.hpp       sqlite_options
//   connection.hpp    the file, its settings, cached statements, transactions, backup
//   schema.hpp        which files it opens, and the migrations
//   search_index.hpp  the FTS5 indexes, the scorer, query expressions, the filter builder, ranking
//   term_impacts.hpp  the search's per-word impact lists (exact top-k)
//   row_scorer.hpp    a row's score from its stored columns (what the lists do not know)
//   search_order.hpp  search by date (search_order::newest)
//   sqlite_store.hpp  sqlite_store and open_sqlite_store
// In the compiled mode none of them includes sqlite3.h: code that calls SQLite itself (through
// sqlite_store::handle()) includes it.
#pragma once
#include "sqlite/sqlite_store.hpp"
#include "sqlite/schema.hpp"
#include "sqlite/search_order.hpp"
