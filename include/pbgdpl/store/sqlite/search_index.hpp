// The SQLite store's index and search: the two FTS5 indexes (search_fts over titles and text,
// title_fts over titles alone), the scorer (BM25 with column weights, an SQL function), the FTS5
// expressions built from a parsed query, the filter builder shared with lists, and the ranking
// of a bounded candidate set (see docs/design.md, "Search").
#pragma once
#include "../record.hpp"
#include "../search.hpp"
#include "connection.hpp"
#include "row_sets.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace store {
namespace sqlite_detail {

// One FTS5 phrase of tokens ("a b" or "a b" * for a prefix); quotes inside are doubled, so
// nothing a user typed is FTS5 syntax.
std::string fts_phrase(const std::vector<std::string>& toks, bool prefix);
// Whether a term needs its exact form as a phrase of its own (it has marks or đ).
bool has_exact_phrase(const search_term& t);
// The FTS5 expression for parsed terms, the same for search_fts and title_fts. The exact phrase
// only adds rows the folded one already matches; it is there for the score's exact-accent counts.
std::string match_expression(const parsed_query& q);

// WHERE fragments for a filter over `entities e`; the unit subtree comes from the CTE `sub`.
struct sql_filter {
  std::string cte;    // "WITH RECURSIVE sub(id) AS (...) " or empty
  std::string where;  // " AND ..." fragments
  std::vector<std::string> cte_binds, binds;
};

sql_filter build_filter(const filter& f);
// Binds each value from parameter `i` on, advancing `i`.
void bind_each(statement& st, int& i, const std::vector<std::string>& values);

// A candidate row (an entity's seq) and its score.
struct scored_row {
  double score = 0;
  std::int64_t seq = 0;
};

class search_index {
 public:
  search_index(connection& db, const sqlite_options& opt) : db_(db), opt_(opt), rows_(opt.max_term_row_sets) {}
  search_index(const search_index&) = delete;
  search_index& operator=(const search_index&) = delete;

  // pbgdpl_score (the scorer) and pbgdpl_has_terms (the row-set check) on the connection.
  result<void> register_functions();
  // The schema the file has: title_fts exists from version 3 on.
  void set_schema(int version) noexcept { schema_ = version; }

  // Adds a stored record to the indexes (its title forms already computed for its row's title
  // keys); `titles` false leaves title_fts out (migration 2 runs before title_fts exists).
  result<void> add(std::int64_t seq, const indexed_text& title, const record& r, bool titles = true);
  // Writes a record's number key (entities.number_key) and what it cites (search_cites): schema 6.
  result<void> add_citations(std::int64_t seq, const record& r);
  // Sets a record's title keys in its row, then adds it (a record stored before it was indexed).
  result<void> add_with_keys(std::int64_t seq, const record& r, bool titles);
  // Takes a record out of both indexes if it is in them. The contentless title index must be
  // told the exact values it indexed, and only for a row it holds: search_fts says which.
  result<void> remove(std::int64_t seq, const std::string& title_key, const std::string& title_fold);

  // The candidates for `q` among `kinds` (every searchable kind when `all_kinds`), scored, the
  // first `best` of them sorted best first (ties: newer rows first).
  result<std::vector<scored_row>> rank(const parsed_query& q, const std::vector<std::string>& kinds, bool all_kinds,
                                       std::size_t best);

  // What FTS5's own checks of both indexes report; empty when they are sound.
  std::string integrity_problems();
  // Merges each index into one segment.
  result<void> optimize();

  // After this connection's outermost transaction, committed or rolled back; `changes_before`:
  // connection::total_changes() before it began. A commit patches the cached row sets for the
  // rows add() and remove() wrote instead of dropping them (row_sets.hpp).
  void committed(std::int64_t changes_before) { rows_.committed(db_, changes_before); }
  void rolled_back() noexcept { rows_.rolled_back(); }

  // What the row-set cache did (tests, benchmarks).
  row_set_stats row_set_counts() const noexcept { return rows_.stats(); }

  // A query error from FTS5 is a bug in how the expression was built, never the user's fault;
  // it is still reported cleanly and in both languages.
  error search_error(int rc);

 private:
  connection& db_;
  sqlite_options opt_;
  int schema_ = 0;
  term_row_sets rows_;
};

}  // namespace sqlite_detail
}  // namespace store
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/search_index.ipp"
#endif
