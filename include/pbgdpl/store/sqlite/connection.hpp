// The SQLite store's connection and statements: opening the file (owner-only when new), the
// durability settings, a cache of prepared statements, transactions that nest as savepoints,
// online backup, and SQLite result codes as pbgdpl errors. No sqlite3.h here (compiled mode):
// the handles are declared, the bodies are in impl/connection.ipp.
#pragma once
#include "../../core/errors.hpp"
#include "../../core/result.hpp"
#include "options.hpp"

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

PBGDPL_NAMESPACE_BEGIN
namespace store {
namespace sqlite_detail {

// An error for an SQLite result code (corrupt, storage_full, read_only, busy, io_error,
// already_exists, ...), bilingual, with SQLite's own message in the English text.
error make_error(int rc, std::string_view what, const char* msg = nullptr);

// A prepared statement borrowed from a connection's cache; reset when the borrow ends.
class statement {
 public:
  explicit statement(sqlite3_stmt* s) noexcept : s_(s) {}
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;
  statement(statement&& o) noexcept : s_(o.s_) { o.s_ = nullptr; }
  statement& operator=(statement&&) = delete;
  ~statement();

  // A default string_view binds '' (SQLite would bind NULL for its null data()).
  statement& bind(int i, std::string_view v);
  statement& bind(int i, std::int64_t v);
  statement& bind(int i, double v);
  statement& bind_null(int i);
  // SQLITE_ROW or SQLITE_DONE, or an error code.
  int step();
  std::int64_t i64(int c) const;
  double dbl(int c) const;
  std::string str(int c) const;
  // The column's text without a copy; valid until the next step or reset.
  std::string_view text(int c) const;
  bool is_null(int c) const;

 private:
  sqlite3_stmt* s_;
};

// The WAL index's header, as every connection to the database sees it in the -shm file: it
// changes with every commit by any connection (its iChange counter, mxFrame and salts; the
// layout is in https://www.sqlite.org/walformat.html, shared by every SQLite version that opens
// the file, so stable). Comparing a copy costs nanoseconds; PRAGMA data_version starts a read
// transaction, which takes shared-memory locks (microseconds). Readers ask SQLite only when the
// header moved: a copy taken before a query, equal to the header later, means nobody committed
// in between. A torn read while a writer updates it only looks like a change.
class wal_header_watch {
 public:
  static constexpr std::size_t header_bytes = 96;  // both copies of the header
  using header = std::array<unsigned char, header_bytes>;
  wal_header_watch() = default;
  wal_header_watch(const wal_header_watch&) = delete;
  wal_header_watch& operator=(const wal_header_watch&) = delete;
  ~wal_header_watch();
  // Maps the database's -shm file read-only (the connection must be open, in WAL mode, and have
  // read once, so that the file is there and initialised). False when it cannot: read() then
  // says nullopt and callers always ask SQLite.
  bool open(const std::filesystem::path& db_path);
  std::optional<header> read() const noexcept;

 private:
  const unsigned char* map_ = nullptr;
  std::size_t len_ = 0;
};

class connection {
 public:
  connection() = default;
  ~connection();
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  // Opens `path`, creating it (and its directory) when missing: a new file is made owner-only
  // (0600) before SQLite opens it, and its -wal and -shm files inherit that. `existed` says
  // whether it was there. Errors: read_only (directory not writable), io_error, corrupt.
  result<void> open(const std::filesystem::path& path, int busy_timeout_ms, bool& existed);
  // The settings every connection of the store runs with: WAL, foreign keys, the page cache,
  // synchronous FULL (or NORMAL when asked), the page cap.
  result<void> configure(const sqlite_options& opt);

  // A statement from the cache (prepared once, persistent).
  result<statement> prepare(const std::string& sql);
  result<void> exec(const std::string& sql);
  // The first column of the first row as an int (0 when there is no row).
  result<int> query_int(const std::string& sql);
  int query_int_or(const std::string& sql, int fallback) { return query_int(sql).value_or(fallback); }
  // The error of the call that just failed with `rc`, with SQLite's message.
  error fail(int rc, std::string_view what);

  // Runs fn in a transaction (BEGIN IMMEDIATE: a writer takes the write lock before reading, so
  // a read-modify-write never fails late on a stale snapshot), or a savepoint when nested. All
  // or nothing: an error or an exception from fn rolls back.
  result<void> in_transaction(const std::function<result<void>()>& fn);
  int depth() const noexcept { return depth_; }
  // No transaction open on the connection (SQLite's autocommit mode).
  bool autocommit() const noexcept;
  std::int64_t last_insert_rowid() const noexcept;
  // Rows changed through this connection since it opened, rolled back ones included.
  std::int64_t total_changes() const noexcept;

  // A consistent copy of the live database into `dest` (overwritten).
  result<void> backup_to(const std::filesystem::path& dest);

  sqlite3* handle() const noexcept { return db_; }
  // The main database's file name as SQLite opened it (absolute).
  std::filesystem::path filename() const;

 private:
  void rollback(bool outer);

  sqlite3* db_ = nullptr;
  int depth_ = 0;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

}  // namespace sqlite_detail
}  // namespace store
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/connection.ipp"
#endif
