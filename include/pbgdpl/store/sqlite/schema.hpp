// The SQLite store's schema: which files it opens (its own, at most its own schema version) and
// the migrations that bring an older file up to date, one append-only step per version.
#pragma once
#include "connection.hpp"
#include "search_index.hpp"

PBGDPL_NAMESPACE_BEGIN
namespace store {
namespace sqlite_detail {

inline constexpr int current_schema = 9;
inline constexpr int application_id = 0x50424744;  // "PBGD": refuse other programs' databases

// The schema version of a freshly opened file (PRAGMA user_version). Reading the header is the
// first read, so a file that is not SQLite fails here (corrupt) before anything is written. A
// file made by a newer pbgdpl is unsupported_version; another program's database is corrupt.
result<int> check_file(connection& db, bool existed);

// Runs the steps after `from` up to `target` (at most current_schema) in one transaction, then
// stamps the application id. Step 2 indexes what version 1 stored, through `index`.
result<void> migrate(connection& db, search_index& index, int from, int target);

}  // namespace sqlite_detail
}  // namespace store
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/schema.ipp"
#endif
