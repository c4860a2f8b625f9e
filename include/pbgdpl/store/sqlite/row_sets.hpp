// The search's row-set cache. A term in a large share of the rows costs more to walk in the
// full-text index (its doclist runs through most of the corpus) than to check per candidate:
// for such a term and index the cache keeps the rows that hold it, as a bitmap over rowids, built
// by one index scan. pbgdpl_has_terms(rowid), an SQL function, checks a candidate row against the
// sets the running query needs.
// When full, the cache evicts the sets used longest ago (never one the running query uses), so a
// stream of queries never seen before keeps its common sets. It stays valid across this
// connection's own committed writes (each written row is re-checked in every cached set) and is
// dropped on anything else that changed the database: a rolled-back write, another connection's
// commit, a write it was not told about.
// Thread safety: none; an object belongs to one connection and is used under its store's lock.
#pragma once
#include "connection.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace store {
namespace sqlite_detail {

// The rows an index holds for one term: bit r is set when rowid r does.
struct row_set {
  std::vector<std::uint64_t> bits;
  bool has(std::int64_t row) const noexcept {
    auto w = static_cast<std::uint64_t>(row) >> 6;
    return row >= 0 && w < bits.size() && ((bits[w] >> (static_cast<std::uint64_t>(row) & 63)) & 1);
  }
  void set(std::int64_t row, bool on);
};

// What the cache did since it was made (for tests and benchmarks).
struct row_set_stats {
  std::size_t cached = 0;     // sets held now
  std::uint64_t hits = 0;     // sets a query found cached
  std::uint64_t builds = 0;   // sets built by an index scan
  std::uint64_t evicted = 0;  // sets evicted to make room
  std::uint64_t patched = 0;  // commits of this connection the sets were kept across
  std::uint64_t dropped = 0;  // times the whole cache was dropped because the database changed
};

class term_row_sets {
 public:
  explicit term_row_sets(std::size_t max_sets) : max_sets_(max_sets) {}
  term_row_sets(const term_row_sets&) = delete;
  term_row_sets& operator=(const term_row_sets&) = delete;

  // Registers pbgdpl_has_terms(rowid) on `db`, bound to this object (which must outlive it).
  result<void> register_function(connection& db);
  // Drops the sets when the database changed since they were last in step with it: through this
  // connection (total_changes counts every row written, even rolled back) or through another one
  // (data_version). Call outside transactions only.
  result<void> refresh(connection& db);
  // Makes checking() the sets of `phrases` (FTS5 phrases) in `table`: cached ones, and the others
  // built by one scan each. Room is made by evicting the sets used longest ago, never one of
  // these, so every pointer in checking() stays valid until the next call (the cache may hold
  // more than its maximum while one query needs more sets than that).
  result<void> check(connection& db, const std::string& table, const std::vector<std::string>& phrases);

  // A row this connection is writing to an index (its seq): re-checked when it commits.
  void written(std::int64_t row) { written_.push_back(row); }
  // After this connection's outermost commit; `changes_before` is total_changes() before its
  // transaction began. When the sets were in step with the database then, each written row is
  // re-checked in each set (one indexed look-up) and the sets stay; otherwise, or when that
  // would cost more than building them again, nothing is done and refresh() drops them.
  void committed(connection& db, std::int64_t changes_before);
  // After a rollback: the rows written are forgotten (total_changes moved, so refresh() drops).
  void rolled_back() noexcept { written_.clear(); }

  // The sets pbgdpl_has_terms checks while a query runs; empty between queries.
  std::vector<const row_set*>& checking() noexcept { return checking_; }
  bool in_every_checked(std::int64_t row) const noexcept {
    for (const auto* s : checking_)
      if (!s->has(row)) return false;
    return true;
  }
  std::size_t size() const noexcept { return sets_.size(); }
  row_set_stats stats() const noexcept {
    auto s = stats_;
    s.cached = sets_.size();
    return s;
  }

 private:
  struct entry {
    row_set rows;
    std::string table, phrase;
    std::uint64_t used = 0;  // clock_ of the last query that used it
  };
  void drop() noexcept;
  void evict_one();

  std::size_t max_sets_;
  std::unordered_map<std::string, entry> sets_;
  std::uint64_t clock_ = 0;
  int data_version_ = -1;
  std::int64_t changes_ = -1;
  std::vector<std::int64_t> written_;
  std::vector<const row_set*> checking_;
  row_set_stats stats_;
};

}  // namespace sqlite_detail
}  // namespace store
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/row_sets.ipp"
#endif
