// The SQLite store's settings: durability, the file's size cap, the schema version to migrate
// to, and the search's candidate windows and row-set cache.
#pragma once
#include "../../config.hpp"

#include <cstddef>
#include <cstdint>

PBGDPL_NAMESPACE_BEGIN
namespace store {

struct sqlite_options {
  int busy_timeout_ms = 5000;
  // Migrate up to this schema version only (tests build "old" databases with it).
  int schema_version = 6;
  // >0 caps the file at this many pages: how tests simulate a full disk without privileges.
  std::int64_t max_page_count = 0;
  // FULL survives power loss in WAL mode; NORMAL survives only a process crash but writes faster.
  bool synchronous_full = true;
  // Search: score every match of a query (no candidate window, no row-set shortcut): the
  // ranking the store's own scoring gives when nothing is pruned. Slow on common words; for tests
  // and benchmarks that check the fast path against it.
  bool exhaustive_search = false;
  // Search: how many of the most recent matches are ranked (body tier, then title-only tier).
  std::size_t candidate_limit = 500;
  std::size_t title_candidate_limit = 200;
  // Search: a term in more than this share of rows is checked against a cached row set instead
  // of walked in the index (0 turns the row sets off).
  double common_term_share = 0.05;
  // How many such row sets (bitmaps of max-rowid bits each) a connection keeps; past it, the
  // sets used longest ago are evicted (a query needing more holds them all while it runs).
  std::size_t max_term_row_sets = 256;
  // Page cache per connection, KiB (SQLite's default is 2 MiB; search reads many index pages).
  int cache_kib = 32768;
};

}  // namespace store
PBGDPL_NAMESPACE_END
