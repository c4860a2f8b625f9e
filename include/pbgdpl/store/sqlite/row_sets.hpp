// The search's row-set cache. A term in a large share of the rows costs more to walk in the
// full-text index (its doclist runs through most of the corpus) than to check per candidate:
// for such a term and index the cache keeps the rows that hold it, as a bitmap over rowids, built
// by one index scan and dropped whenever the database changes. pbgdpl_has_terms(rowid), an SQL
// function, checks a candidate row against the sets the running query needs.
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
};

class term_row_sets {
 public:
  explicit term_row_sets(std::size_t max_sets) : max_sets_(max_sets) {}
  term_row_sets(const term_row_sets&) = delete;
  term_row_sets& operator=(const term_row_sets&) = delete;

  // Registers pbgdpl_has_terms(rowid) on `db`, bound to this object (which must outlive it).
  result<void> register_function(connection& db);
  // Drops the sets when the database changed since they were built: through this connection
  // (total_changes counts every row written, even rolled back) or through another one
  // (data_version). Call outside transactions only.
  result<void> refresh(connection& db);
  // Empties the cache when `n` more sets would not fit. Call before get(): get() never evicts,
  // so the pointers it returned earlier stay valid.
  void make_room(std::size_t n);
  // The set of `phrase` (an FTS5 phrase) in `table`, from the cache or built by one scan.
  result<const row_set*> get(connection& db, const std::string& table, const std::string& phrase);

  // The sets pbgdpl_has_terms checks while a query runs; empty between queries.
  std::vector<const row_set*>& checking() noexcept { return checking_; }
  bool in_every_checked(std::int64_t row) const noexcept {
    for (const auto* s : checking_)
      if (!s->has(row)) return false;
    return true;
  }
  std::size_t size() const noexcept { return sets_.size(); }

 private:
  std::size_t max_sets_;
  std::unordered_map<std::string, row_set> sets_;
  int data_version_ = -1;
  std::int64_t changes_ = -1;
  std::vector<const row_set*> checking_;
};

}  // namespace sqlite_detail
}  // namespace store
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/row_sets.ipp"
#endif
