// The SQLite store's index and search: the two FTS5 indexes (search_fts over titles and text,
// title_fts over titles alone), the scorer (BM25 with column weights, an SQL function), the FTS5
// expressions built from a parsed query, the filter builder shared with lists, and the ranking
// of a bounded candidate set (see docs/design.md, "Search").
#pragma once
#include "../record.hpp"
#include "../search.hpp"
#include "connection.hpp"
#include "term_impacts.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <unordered_map>
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
// An FTS5 error from a search statement: a bug in how the expression was built, never the user's
// fault, reported cleanly in both languages (errc::invalid_argument at /q).
error query_error(connection& db, int rc);
// Each term's document frequency: counted when below a small cap, else estimated from how far
// back (in rowids) its cap-th newest match lies (counting a common word would read its whole
// doclist; an estimate within a few per cent moves its small IDF by less). `max_rowid` gets the
// highest row.
result<std::vector<double>> estimate_dfs(connection& db, const parsed_query& q, std::int64_t& max_rowid);
// A unit and the units below it as unit_in (intersected with a unit_in already set), read by one
// walk of the unit tree: inside a search's statement the recursive walk was planned with a scan of
// entities per step (80-120 ms at 100,000 articles, SQLite 3.40), alone it reads the parent index.
result<void> expand_units(connection& db, filter& f);
// `cap` rows for a query of `terms` terms (options' row caps are for two).
std::size_t per_term_share(std::size_t cap, std::size_t terms);
// Binds each value from parameter `i` on, advancing `i`.
void bind_each(statement& st, int& i, const std::vector<std::string>& values);

// A candidate row (an entity's seq) and its score.
struct scored_row {
  double score = 0;
  std::int64_t seq = 0;
};

class search_index {
 public:
  search_index(connection& db, const sqlite_options& opt)
      : db_(db), opt_(opt), impacts_(db, opt.impact_list_size) {}
  search_index(const search_index&) = delete;
  search_index& operator=(const search_index&) = delete;

  // pbgdpl_score (the scorer) and pbgdpl_stats on the connection; the tokenizer of the impact lists.
  result<void> register_functions();
  // The schema the file has: title_fts exists from version 3 on.
  void set_schema(int version) noexcept {
    schema_ = version;
    impacts_.set_schema(version);
  }
  // Before the outermost commit: writes the impact lists of the rows add() indexed (same
  // transaction, so the lists never disagree with the index).
  result<void> flush() { return impacts_.flush(); }
  // Migration 7: the impact lists anew from the index, at its rows' average length.
  result<void> rebuild_impacts();
  // The index's average row length (all columns), 0 when empty.
  result<double> average_row_length();

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

  // The matches of `q` among `kinds` (every searchable kind when `all_kinds`), scored, the first
  // `best` of them sorted best first (ties: newer rows first): exactly the first `best` of scoring
  // every match, found through the impact lists (term_impacts.hpp) when their bounds prove it,
  // else by scoring every match.
  result<std::vector<scored_row>> rank(const parsed_query& q, const std::vector<std::string>& kinds, bool all_kinds,
                                       std::size_t best);

  // What FTS5's own checks of both indexes report; empty when they are sound.
  std::string integrity_problems();
  // Merges each index into one segment.
  result<void> optimize();

  // After this connection's outermost transaction rolled back: the impact lists noted are forgotten.
  void rolled_back() noexcept { impacts_.discard(); }
  // A nested transaction rolled back (term_impacts::nested_rolled_back), and the outermost one ended.
  void nested_rolled_back() noexcept { impacts_.nested_rolled_back(); }
  void committed() noexcept { impacts_.end_transaction(); }

  // How the last rank() ended (tests, benchmarks).
  struct rank_stats {
    bool exhaustive = false;    // the matches were scored (asked for, or the bounds did not prove the top)
    bool approximate = false;   // ... but only the newest max_scored_matches of them: the top is not proven
    std::size_t candidates = 0; // rows in the query's impact lists
    std::size_t scored = 0;     // rows scored
    bool filtered = false;      // the filter's rows were few: each scored from its columns
  };
  rank_stats last_rank() const noexcept { return last_; }

  // A query error from FTS5 is a bug in how the expression was built, never the user's fault;
  // it is still reported cleanly and in both languages.
  error search_error(int rc);

 private:
  connection& db_;
  sqlite_options opt_;
  int schema_ = 0;
  term_impacts impacts_;
  rank_stats last_;
  // Scores rows by seq (those that match and pass the filter), into `out`.
  result<void> score_rows(const std::string& sql_head, const std::string& sql_tail, const std::vector<std::string>& cte_binds,
                          const std::vector<double>& score_args, const std::string& match, const std::vector<std::string>& tail_binds,
                          const std::vector<std::int64_t>& seqs, std::unordered_map<std::int64_t, double>& out);
  // The index's row count and average row length as pbgdpl_score sees them (read through a row
  // matching `match`; none when nothing matches).
  result<std::optional<std::pair<double, double>>> index_stats(const std::string& match);
  result<bool> rank_by_impacts(const parsed_query& q, const std::vector<double>& dfs, const std::string& head, const std::string& tail,
                               const std::vector<std::string>& cte_binds, const std::vector<double>& score_args,
                               const std::string& match, const std::vector<std::string>& tail_binds, const std::string& filter_sql,
                               std::size_t best, std::unordered_map<std::int64_t, double>& scores);
};

}  // namespace sqlite_detail
}  // namespace store
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/search_index.ipp"
#endif
