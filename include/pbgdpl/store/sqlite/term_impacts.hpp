// Per-word impact lists (champion lists, as in "Introduction to Information Retrieval" §7.1.3,
// made exact with a bound): for each token of the search index, the rows where that token weighs
// most in the store's score, and `tau`, a bound on its weight in every row left out. The search
// scores the rows of the query's lists, best bound first, and stops when no row left (in a list
// or not) can beat the k-th score found; so the top k is the top k of scoring every match, without
// scoring every match. See docs/design.md, "Search: exact top-k".
//
// The weight of token K in a row is BM25's saturation of its column-weighted count, the part of
// pbgdpl_score that depends on the row (search_index.ipp: w = 4 title_f + 1 body_f + 6 title_e +
// 1.5 body_e occurrences; f = w / (w + k1 (1 - b + b dl / avg))), computed with a reference average
// length fixed per database. Keys are both forms of each token: an exact token (its own exact
// counts, its fold's folded counts: what a query typed with those marks scores) and a folded one
// (what a query typed without marks scores, and a bound for any accented spelling of it). Lists
// hold current rows only: a row rewritten or removed leaves its lists (remove()); `tau` never falls
// between rebuilds, so every bound stays a bound. An entry keeps the row's w and length too, so a
// row listed under every word of a query is scored from its entries, with pbgdpl_score's own
// arithmetic (bm25_part below), without reading the index.
//
// Thread safety: none of its own; used under the store's connection lock like the connection.
#pragma once
#include "connection.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace store {
namespace sqlite_detail {

// BM25 as pbgdpl_score computes it, one function for it and for scores from the lists, so both
// give the same double for the same row.
inline constexpr double bm25_k1 = 1.2, bm25_b = 0.75;
inline double bm25_norm(double dl, double avg) { return bm25_k1 * (1 - bm25_b + bm25_b * dl / avg); }
inline double bm25_idf(double df, double nrow) { return std::log(1.0 + (nrow - df + 0.5) / (df + 0.5)); }
inline double bm25_part(double idf, double w, double norm) { return idf * w * (bm25_k1 + 1) / (w + norm); }

struct impact_entry {
  double f = 0;
  std::int64_t seq = 0;
  double w = 0;       // the key's column-weighted count in the row (-1: an irregular row)
  std::int64_t dl = 0;  // the row's length, all columns
};

// One key's list as stored: its entries (any order) and the bound on every row not in them.
// tau 0: the list holds every row that ever had the key (no row was ever left out).
struct impact_list {
  std::vector<impact_entry> entries;
  double tau = 0;
};

// FTS5's own tokenizer (unicode61, as the indexes use it), so the counts here are the counts
// pbgdpl_score sees whatever characters a text holds.
struct fts_tokenizer;
void destroy_fts_tokenizer(fts_tokenizer* t) noexcept;

// One row's keys and weights, as term_impacts notes them.
struct noted_row {
  std::int64_t seq = 0;
  std::int64_t dl = 0;
  std::vector<std::pair<std::string, double>> weights;  // key, w
};

class term_impacts {
 public:
  // Rows containing at least one token whose exact and folded forms do not line up one to one
  // (never seen with the store's own tokenizer; a guard) are listed under this key with f = 1
  // and read by every query.
  static constexpr std::string_view irregular_key = "\x01";

  term_impacts(connection& db, std::size_t list_size) : db_(db), list_size_(list_size), tok_(nullptr, &destroy_fts_tokenizer) {}
  term_impacts(const term_impacts&) = delete;
  term_impacts& operator=(const term_impacts&) = delete;

  // The tokenizer, from the connection's FTS5 (after search_index registered its functions).
  result<void> open(void* fts5_api_ptr);
  void set_schema(int version) noexcept { schema_ = version; }
  bool enabled() const noexcept { return schema_ >= 7; }

  // Notes a row's four indexed columns; written by flush(), inside the same transaction.
  result<void> add(std::int64_t seq, std::string_view title_e, std::string_view title_f, std::string_view body_e,
                   std::string_view body_f);
  // Takes a row out of its lists (before it is rewritten or removed).
  result<void> remove(std::int64_t seq);
  bool pending() const noexcept { return !pending_.empty() || !rows_.empty(); }
  // Merges what add() noted into the stored lists.
  result<void> flush();
  // After a rollback: what was noted is forgotten (the lists rolled back with the transaction).
  void discard() noexcept;
  // A nested transaction (a savepoint) rolled back: what it noted, and any lists written while it
  // ran, are not what the rows now hold. The rows this transaction touched are taken out of their
  // lists and noted again from the index at the next flush().
  void nested_rolled_back() noexcept { dirty_ = true; }
  // After the outermost transaction ended (committed or not).
  void end_transaction() noexcept {
    touched_.clear();
    dirty_ = false;
  }

  // The list stored for one key (empty, tau 0, when no row ever had it).
  result<impact_list> read(std::string_view key);
  // The reference average row length the weights were computed with (0 before any row).
  result<double> reference_length();
  // The tokens FTS5 makes of `text` (for a query's phrase: its first token is its list key).
  result<std::vector<std::string>> tokens(std::string_view text);
  // The same, one call of `fn` per token (the bytes are valid during the call only).
  using token_fn = void (*)(void* ctx, std::string_view token);
  result<void> each_token(std::string_view text, void* ctx, token_fn fn);

  // Empties the lists and rebuilds them from the search index's rows with `avg` as the new
  // reference length (migration 7, and optimize() when the corpus's average length drifted).
  result<void> rebuild(double avg);

 private:
  struct pending_key {
    std::vector<impact_entry> heap;  // a min-heap of the best list_size_ noted
    double dropped = 0;              // the highest f that fell out of it
  };
  void note(const std::string& key, const impact_entry& e);
  // A row's keys with their w, and its length (as FTS5 tokenizes its columns).
  result<void> weigh(std::int64_t seq, std::string_view title_e, std::string_view title_f, std::string_view body_e,
                     std::string_view body_f, noted_row& row);
  double weight_f(double w, std::int64_t dl) const {
    return w < 0 ? 1.0 : w / (w + bm25_norm(static_cast<double>(dl), ref_));
  }
  result<void> flush_key(const std::string& key, pending_key& p);
  result<void> save_reference(double avg);

  connection& db_;
  std::size_t list_size_;
  int schema_ = 0;
  double ref_ = 0;  // cached reference_length(), 0 = not read yet
  std::unique_ptr<fts_tokenizer, void (*)(fts_tokenizer*) noexcept> tok_;
  // Rows noted before the database had a reference length: the first reference_sample of them
  // (or all a transaction wrote, if fewer) fix it as their average length.
  static constexpr std::size_t reference_sample = 1000;
  std::vector<noted_row> rows_;
  result<void> settle_reference();
  std::unordered_map<std::string, pending_key> pending_;
  std::unordered_set<std::int64_t> noted_;  // rows noted since the last flush
  std::unordered_set<std::int64_t> touched_;  // rows added or removed in this transaction
  bool dirty_ = false;
  result<void> repair();
};

}  // namespace sqlite_detail
}  // namespace store
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/term_impacts.ipp"
#endif
