// The SQLite store itself: the store interface over one SQLite file, put together from its
// parts (connection.hpp: the file and its statements; schema.hpp: migrations; search_index.hpp:
// the full-text indexes and ranking; term_impacts.hpp: the search's per-word impact lists).
#pragma once
#include "../store.hpp"
#include "connection.hpp"
#include "options.hpp"
#include "search_index.hpp"

#include <filesystem>
#include <memory>
#include <mutex>
#include <set>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace store {

// Thread safety: one sqlite_store may be shared by any number of threads. Every call takes the
// store's one (recursive) mutex around its one connection, so calls run one at a time, reads
// included; a transaction holds it until its function returns, so other threads wait for it and
// must not be waited on from inside it. handle() is the exception: the raw connection, unlocked.
// Other processes may open the same file (SQLite's WAL and locking; change_stamp() sees their
// commits).
class sqlite_store final : public store {
 public:
  // Opens (creating if needed) the database at `path` and migrates it. Errors: corrupt (not a
  // SQLite or not a pbgdpl file), unsupported_version (made by a newer pbgdpl), read_only,
  // storage_full, io_error.
  static result<std::unique_ptr<sqlite_store>> open(const std::filesystem::path& path, sqlite_options opt = {});

  ~sqlite_store() override = default;
  sqlite_store(const sqlite_store&) = delete;
  sqlite_store& operator=(const sqlite_store&) = delete;

  int schema_version();

  // PRAGMA integrity_check plus the FTS indexes' own checks.
  result<void> integrity_check();

  // A consistent copy of the live database into `dest` (overwritten), while others keep working.
  result<void> backup_to(const std::filesystem::path& dest);

  // Merges each search index into a single segment and truncates the WAL: worth running after a
  // bulk import or in a quiet hour. Writes keep the indexes usable without it (FTS5 merges as it
  // goes), but a query on common words then reads one doclist per segment instead of one.
  result<void> optimize();

  // How this store's last search ranked (tests, benchmarks): whether it scored every match, how
  // many rows its impact lists offered and how many it scored.
  sqlite_detail::search_index::rank_stats last_search_stats();

  // The connection's SQLite handle (for tools and tests; the store locks around its own use).
  sqlite3* handle() noexcept { return db_.handle(); }

  // --- store --------------------------------------------------------------------------------
  result<void> write(write_op op, const record& r, std::uint64_t expected, std::string_view actor) override;
  result<record> read(std::string_view kind, std::string_view id) override;
  result<page<record>> list_records(std::string_view kind, const list_query& q) override;
  result<search_page> search(const search_request& req) override;
  result<std::vector<audit_entry>> audit_log(std::string_view kind = {}, std::string_view id = {},
                                             std::size_t limit = 100) override;
  result<void> transaction(const std::function<result<void>()>& fn) override;
  // Our own writes and transactions, counted, and other connections' commits, seen through
  // PRAGMA data_version (it changes when another connection commits to the file).
  std::optional<std::uint64_t> change_stamp() override;
  // Other connections' commits to the file (another sqlite_store object, another process): the
  // audit entries they appended since the last poll, told to the listeners as changes. One
  // PRAGMA data_version when nobody else committed (none at all when the WAL index shows that
  // nobody, this store included, committed since the last poll). Our own writes were told when they
  // committed and are not told again. Inside a transaction of this thread it does nothing (the
  // next poll outside it looks).
  result<std::size_t> poll_changes() override;

 private:
  explicit sqlite_store(sqlite_options opt) : opt_(opt), index_(db_, opt_) {}
  result<void> open_impl(const std::filesystem::path& path);
  result<void> write_impl(write_op op, const record& r, std::uint64_t expected, std::string_view actor, change& done);
  // At the end of a write or transaction, with mu_ held: when the outermost transaction is over,
  // the changes it committed (to be told once mu_ is released), and their audit entries marked
  // as ours so that poll_changes() skips them.
  std::vector<change> take_committed();
  // The record of a row selected with `columns` from column `c` on; without its body (left null,
  // the JSON not parsed) unless `body`.
  result<record> row_record(const sqlite_detail::statement& st, int c = 0, bool body = true);

  sqlite_options opt_;
  std::recursive_mutex mu_;
  sqlite_detail::connection db_;
  sqlite_detail::search_index index_;  // uses db_: declared after it
  int schema_ = 0;  // after migration; below 3 only in tests that build older databases
  // change_stamp(), guarded by mu_: +1 after each write and transaction of ours and whenever
  // data_version shows another connection's commit.
  std::uint64_t stamp_ = 0;
  std::int64_t data_version_ = -1;
  // Changes (store::subscribe), guarded by mu_: those of the transaction under way; the last
  // audit entry poll_changes() has seen (every entry up to it was told) and the data_version it
  // saw then; our own entries above that mark, which it must skip.
  std::vector<change> pending_;
  std::int64_t seen_seq_ = 0;
  std::int64_t poll_data_version_ = -1;
  std::set<std::int64_t> own_seqs_;
  // The WAL index header (wal_header_watch): when it is as it was at the last look, nobody
  // committed, and change_stamp() and poll_changes() answer without asking SQLite. Each keeps
  // the copy taken before its last query (guarded by mu_).
  sqlite_detail::wal_header_watch wal_;
  std::optional<sqlite_detail::wal_header_watch::header> stamp_header_, poll_header_;
};

// The demo's and a school server's store: the file (and its directory) are created when missing
// and reused when present, e.g. open_sqlite_store("var/pbgdpl.db").
result<std::unique_ptr<sqlite_store>> open_sqlite_store(const std::filesystem::path& path, sqlite_options opt = {});

}  // namespace store
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/sqlite_store.ipp"
#endif
