// Bodies of store/sqlite/row_sets.hpp: compiled once into the store tier (src/store/sqlite.cpp),
// or included by the header in header-only builds.
#pragma once
#include "../row_sets.hpp"

#include <sqlite3.h>

PBGDPL_NAMESPACE_BEGIN
namespace store {
namespace sqlite_detail {

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

PBGDPL_DECL result<void> term_row_sets::refresh(connection& db) {
  auto dv = db.query_int("PRAGMA data_version");
  if (!dv) return dv.err();
  auto changes = db.total_changes();
  if (*dv != data_version_ || changes != changes_) {
    sets_.clear();
    data_version_ = *dv;
    changes_ = changes;
  }
  return {};
}

PBGDPL_DECL void term_row_sets::make_room(std::size_t n) {
  if (sets_.size() + n > max_sets_) sets_.clear();
}

PBGDPL_DECL result<const row_set*> term_row_sets::get(connection& db, const std::string& table, const std::string& phrase) {
  auto key = table + '\n' + phrase;
  if (auto it = sets_.find(key); it != sets_.end()) return &it->second;
  auto st = db.prepare("SELECT rowid FROM " + table + " WHERE " + table + " MATCH ?");
  if (!st) return st.err();
  st->bind(1, phrase);
  row_set rows;
  int rc;
  while ((rc = st->step()) == SQLITE_ROW) {
    if (st->i64(0) < 0) continue;  // rowids are entity seqs, never negative
    auto row = static_cast<std::uint64_t>(st->i64(0));
    if (rows.bits.size() <= (row >> 6)) rows.bits.resize((row >> 6) + 1 + rows.bits.size() / 2);
    rows.bits[row >> 6] |= std::uint64_t{1} << (row & 63);
  }
  if (rc != SQLITE_DONE) return db.fail(rc, "search");
  return &sets_.emplace(std::move(key), std::move(rows)).first->second;
}

}  // namespace sqlite_detail
}  // namespace store
PBGDPL_NAMESPACE_END
