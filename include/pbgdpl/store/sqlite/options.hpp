// The SQLite store's settings: durability, the file's size cap, the schema version to migrate
// to, and the search's impact lists.
#pragma once
#include "../../config.hpp"

#include <cstddef>
#include <cstdint>

PBGDPL_NAMESPACE_BEGIN
namespace store {

struct sqlite_options {
  int busy_timeout_ms = 5000;
  // Migrate up to this schema version only (tests build "old" databases with it).
  int schema_version = 9;
  // >0 caps the file at this many pages: how tests simulate a full disk without privileges.
  std::int64_t max_page_count = 0;
  // FULL survives power loss in WAL mode; NORMAL survives only a process crash but writes faster.
  bool synchronous_full = true;
  // Search: score every match of a query (the impact lists left unread): the
  // ranking the store's own scoring gives when nothing is pruned. Slow on common words; for tests
  // and benchmarks that check the fast path against it.
  bool exhaustive_search = false;
  // Search: how many rows each word's impact list keeps (the rows where it weighs most; see
  // term_impacts.hpp). Longer lists prove the top of more queries without scoring every match,
  // and cost more to read and store.
  std::size_t impact_list_size = 500;
  // Search: how many rows of the impact lists a query scores through the index before it gives
  // up on the lists and scores the matches instead (filters that reject most rows). This and
  // max_scored_matches are for queries of two terms; longer ones get a share (at least a tenth).
  std::size_t max_scored_candidates = 2000;
  // Search: a query with a word in at most this many rows (estimated) scores all its matches,
  // exact and bounded by that word's rows, instead of reading the impact lists; so does a query
  // whose words would rarely meet if independent, up to this many matches. 0: the lists only.
  std::size_t rare_word_rows = 2000;
  // Search: a filter on units that keeps at most this many rows has each of them scored from its
  // own columns (exact, ~10 us a row) instead of the words' matches walked.
  std::size_t max_filtered_rows = 5000;
  // Search: the most matches a query scores when the lists did not prove its top (a phrase of
  // common words, all-prefix queries, filters that reject most rows), newest first: what bounds
  // the cost of any query anyone sends (~5 us a row). Past it the page is the best of the rows
  // scored and says so (search_page::approximate). 0: no cap.
  std::size_t max_scored_matches = 20000;
  // Search: a query still running after this long is stopped and refused as too broad (0: no
  // limit). The caps above bound the rows a query scores; this bounds what they do not: words
  // whose matches FTS5 must merge before the first row (prefixes of common syllables), long
  // queries of common words. Counted in the searching thread's CPU time (a starved machine does
  // not refuse an honest query), with a ceiling of ten times as much wall time (the search holds
  // the store's lock: a query stalled on a cold disk lets the others in after that).
  int search_time_limit_ms = 500 * PBGDPL_TIME_BUDGET_SCALE;
  // Page cache per connection, KiB (SQLite's default is 2 MiB; search reads many index pages).
  int cache_kib = 32768;
};

}  // namespace store
PBGDPL_NAMESPACE_END
