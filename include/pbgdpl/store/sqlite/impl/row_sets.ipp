// Bodies of store/sqlite/row_sets.hpp: compiled once into the store tier (src/store/sqlite.cpp),
// or included by the header in header-only builds.
#pragma once
#include "../row_sets.hpp"

#include <algorithm>

#include <sqlite3.h>

PBGDPL_NAMESPACE_BEGIN
namespace store {
namespace sqlite_detail {

PBGDPL_DECL void row_set::set(std::int64_t row, bool on) {
  if (row < 0) return;  // rowids are entity seqs, never negative
  auto r = static_cast<std::uint64_t>(row);
  if (bits.size() <= (r >> 6)) {
    if (!on) return;
    bits.resize((r >> 6) + 1 + bits.size() / 2);
  }
  if (on) bits[r >> 6] |= std::uint64_t{1} << (r & 63);
  else bits[r >> 6] &= ~(std::uint64_t{1} << (r & 63));
}

PBGDPL_DECL result<void> term_row_sets::register_function(connection& db) {
  auto has_terms = [](sqlite3_context* ctx, int, sqlite3_value** v) {
    auto self = static_cast<const term_row_sets*>(sqlite3_user_data(ctx));
    sqlite3_result_int(ctx, self->in_every_checked(sqlite3_value_int64(v[0])) ? 1 : 0);
  };
  if (sqlite3_create_function(db.handle(), "pbgdpl_has_terms", 1, SQLITE_UTF8 | SQLITE_DIRECTONLY, this, has_terms, nullptr,
                              nullptr) != SQLITE_OK)
    return db.fail(sqlite3_errcode(db.handle()), "register");
  return {};
}

PBGDPL_DECL void term_row_sets::drop() noexcept {
  if (!sets_.empty()) ++stats_.dropped;
  checking_.clear();
  sets_.clear();
}

PBGDPL_DECL result<void> term_row_sets::refresh(connection& db) {
  auto dv = db.query_int("PRAGMA data_version");
  if (!dv) return dv.err();
  auto changes = db.total_changes();
  if (*dv != data_version_ || changes != changes_) {
    drop();
    data_version_ = *dv;
    changes_ = changes;
  }
  return {};
}

// The set used longest ago that the running query (clock_) does not use. A linear scan: the
// cache holds a few hundred sets, and an eviction comes with an index scan that costs far more.
PBGDPL_DECL void term_row_sets::evict_one() {
  auto oldest = sets_.end();
  for (auto it = sets_.begin(); it != sets_.end(); ++it)
    if (it->second.used < clock_ && (oldest == sets_.end() || it->second.used < oldest->second.used)) oldest = it;
  if (oldest == sets_.end()) return;
  sets_.erase(oldest);
  ++stats_.evicted;
}

PBGDPL_DECL result<void> term_row_sets::check(connection& db, const std::string& table, const std::vector<std::string>& phrases) {
  checking_.clear();
  ++clock_;
  std::vector<std::string> keys;
  keys.reserve(phrases.size());
  // Mark every cached set this query needs first, so that making room for the missing ones
  // never evicts one of them.
  for (const auto& p : phrases) {
    keys.push_back(table + '\n' + p);
    if (auto it = sets_.find(keys.back()); it != sets_.end()) it->second.used = clock_;
  }
  for (std::size_t i = 0; i < phrases.size(); ++i) {
    if (auto it = sets_.find(keys[i]); it != sets_.end()) {
      ++stats_.hits;
      checking_.push_back(&it->second.rows);
      continue;
    }
    auto st = db.prepare("SELECT rowid FROM " + table + " WHERE " + table + " MATCH ?");
    if (!st) {
      checking_.clear();
      return st.err();
    }
    st->bind(1, phrases[i]);
    row_set rows;
    int rc;
    while ((rc = st->step()) == SQLITE_ROW) rows.set(st->i64(0), true);
    if (rc != SQLITE_DONE) {
      checking_.clear();
      return db.fail(rc, "search");
    }
    ++stats_.builds;
    while (sets_.size() >= max_sets_ && sets_.size() > 0) {
      auto before = sets_.size();
      evict_one();
      if (sets_.size() == before) break;  // every set held is this query's
    }
    // unordered_map never moves its elements, so the pointers taken before stay valid.
    auto& e = sets_[keys[i]];
    e.rows = std::move(rows);
    e.table = table;
    e.phrase = phrases[i];
    e.used = clock_;
    checking_.push_back(&e.rows);
  }
  return {};
}

PBGDPL_DECL void term_row_sets::committed(connection& db, std::int64_t changes_before) {
  std::vector<std::int64_t> rows;
  rows.swap(written_);
  // Out of step before this transaction (a rollback, a write we were not told about): leave
  // changes_ behind, so refresh() drops the sets.
  if (changes_before != changes_) return;
  std::sort(rows.begin(), rows.end());
  rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  // One indexed look-up per set and row (~10 us on a common term at 100k rows), paid by the
  // writer: bounded at ~10 ms per commit; a bulk write is cheaper to follow by building again.
  constexpr std::size_t max_checks = 1024;
  if (!sets_.empty() && rows.size() * sets_.size() > max_checks) return;
  // Re-checking after the commit reads what was committed, whatever savepoints rolled back
  // inside the transaction. Any failure leaves changes_ behind: refresh() drops the sets.
  for (auto& [key, e] : sets_) {
    auto sql = "SELECT 1 FROM " + e.table + " WHERE " + e.table + " MATCH ? AND rowid = ?";
    for (auto row : rows) {
      auto st = db.prepare(sql);
      if (!st) return;
      st->bind(1, e.phrase).bind(2, row);
      int rc = st->step();
      if (rc != SQLITE_ROW && rc != SQLITE_DONE) return;
      e.rows.set(row, rc == SQLITE_ROW);
    }
  }
  if (!sets_.empty()) ++stats_.patched;
  changes_ = db.total_changes();
}

}  // namespace sqlite_detail
}  // namespace store
PBGDPL_NAMESPACE_END
