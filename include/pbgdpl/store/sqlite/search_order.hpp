// Search ordered by date in the SQLite store (search_order::newest, "sắp xếp: mới nhất"): the
// rows that match every term, filtered as relevance filters them, newest first by
// entities.sort_key (the date lists sort on), ties by id. Two plans give the same rows; each
// query takes the cheaper by its rarest word's document frequency (see rank_newest).
// Thread safety: a free function on a connection, which it uses as the connection allows (one
// thread at a time: the store calls it with its own lock held).
#pragma once
#include "../search.hpp"
#include "connection.hpp"
#include "search_index.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace store {
namespace sqlite_detail {

// How rank_newest found its rows.
enum class newest_plan {
  // Every match from the full-text index, then sorted by date: costs about the rarest word's
  // matches, whatever `best` is. Best for rare words.
  match_scan,
  // Each kind's rows from entities_list (kind, sort_key, id) newest first, checked against the
  // index in batches until `best` match: one query over a batch's rowid range when its rows
  // lie close together (rows stored in date order), else one check per row. Costs about
  // best / (share of rows that match) rows. Best for common words, where the scan would read
  // and sort most of the corpus.
  index_walk,
};

// What one rank_newest call did (tests, benchmarks).
struct newest_stats {
  newest_plan plan = newest_plan::match_scan;
  bool walk_gave_up = false;   // the walk ran out of its allowance and the scan answered
  std::size_t checked = 0;     // rows the walk checked against the index
  std::size_t ranges = 0;      // batches of them checked by one query over their rowid range
  double rarest_df = 0;        // the rarest word's estimated document frequency
};

// The first `best` rows matching every term of `q` among `kinds` (every searchable kind when
// `all_kinds`), q.where applied as build_filter() writes it, by entities.sort_key descending, then
// id descending, then kind descending; each row's score is 0 (no score orders them; no boost).
// One more row follows the first `best` when more rows match: a caller asking for a page of
// `best` learns from it that a next page exists.
// The plan: the walk when the rows it expects to read (best x rows / the rarest word's frequency)
// are fewer than the scan's (that frequency). It may spend what the scan would; when it runs out
// (rows stored out of date order, words common apart and rare together, filters that reject
// most rows) the scan answers, so a query costs at most about twice the cheaper plan. `force`
// picks a plan (tests check that both give the same rows).
result<std::vector<scored_row>> rank_newest(connection& db, const parsed_query& q, const std::vector<std::string>& kinds,
                                            bool all_kinds, std::size_t best, newest_stats* stats = nullptr,
                                            std::optional<newest_plan> force = std::nullopt);

// A check of one row costs this many rows of the scan. Measured at 100,000 articles, warm: a scan
// row (a posting read, a row joined and sorted) ~1 us; a check parses the expression and seeks
// each phrase in each segment: 20-50 us on an optimized index, 200-700 us on one just migrated
// (many segments). 100 leans to range queries, whose cost does not grow with the segments.
inline constexpr double newest_walk_row_cost = 100;

}  // namespace sqlite_detail
}  // namespace store
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/search_order.ipp"
#endif
