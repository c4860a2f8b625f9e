// The PostgreSQL store: the store interface over one schema of a PostgreSQL database (libpq), so
// that several portal processes on several machines share one set of records. Same behaviour as
// the SQLite store (the conformance suite runs on both); search is PostgreSQL's full-text search
// for the candidates and the project's own scorer for the order (store::scorer, the boosts of
// search.hpp), so every backend ranks alike. Every commit NOTIFYs the other nodes.
#pragma once
#include <pbgdpl/store/store.hpp>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

typedef struct pg_conn PGconn;

PBGDPL_NAMESPACE_BEGIN
namespace store {

struct pg_options {
  // libpq connection string ("host=127.0.0.1 port=5432 dbname=pbgdpl user=... password=...").
  std::string conninfo;
  // The schema that holds this store's tables (created when missing): [a-z_][a-z0-9_]*, at most
  // 48 characters (the change channel's name is "pbgdpl_" + schema, within PostgreSQL's 63).
  std::string schema = "pbgdpl";
  // Migrate up to this version only (tests build old schemas with it).
  int schema_version = 3;
  // Search: the most candidate rows a query scores: records whose title holds every term (newest
  // first), then records holding every term anywhere (newest first). Past either cap the page is
  // the best of the rows scored and says so (search_page::approximate).
  std::size_t max_title_matches = 2000;
  std::size_t max_scored_matches = 2000;
  // Search: a query still running after this long is stopped and refused as too broad (0: none).
  int search_time_limit_ms = 2000;
  // true: change_stamp() and poll_changes() also ask the server (one indexed look at the audit
  // log's end), so they see a commit the instant it is made; false: they rely on the
  // notifications alone, which cost no round trip when nothing changed but arrive a moment
  // after the commit.
  bool exact_polling = true;
};

// Parses the plugin's configuration {"conninfo": "...", "schema": "...", ...}; unknown members
// and wrong types are refused (bilingual, with the member's path).
result<pg_options> pg_options_from_json(const json& config);

// Thread safety: one pg_store may be shared by any number of threads. It has one connection and
// one (recursive) mutex: calls run one at a time; a transaction holds the mutex until its
// function returns. Other pg_store objects (other threads' own, other processes, other machines)
// may use the same schema: writes serialise on a transaction-level advisory lock (so the audit
// log's sequence is the commit order), and each sees the others' commits through
// poll_changes()/change_stamp().
class pg_store final : public store {
 public:
  // Connects, creates the schema when missing and migrates it. Errors: io_error (no server, bad
  // credentials), invalid_argument (a bad schema name), unsupported_version (a schema made by a
  // newer pbgdpl), corrupt (the schema holds something else).
  static result<std::unique_ptr<pg_store>> open(pg_options opt);

  ~pg_store() override;
  pg_store(const pg_store&) = delete;
  pg_store& operator=(const pg_store&) = delete;

  int schema_version();
  const pg_options& options() const noexcept { return opt_; }

  result<void> write(write_op op, const record& r, std::uint64_t expected, std::string_view actor) override;
  result<record> read(std::string_view kind, std::string_view id) override;
  result<page<record>> list_records(std::string_view kind, const list_query& q) override;
  result<search_page> search(const search_request& req) override;
  result<std::vector<audit_entry>> audit_log(std::string_view kind = {}, std::string_view id = {},
                                             std::size_t limit = 100) override;
  result<void> transaction(const std::function<result<void>()>& fn) override;
  // Our own writes and transactions counted, plus other nodes' commits (notifications, and with
  // exact_polling the audit log's end).
  std::optional<std::uint64_t> change_stamp() override;
  // Other nodes' commits since the last poll, read from the audit log (at most max_poll_rows per
  // call; the rest at the next) and told to the listeners. Our own were told when they
  // committed. Inside a transaction of this store it does nothing.
  result<std::size_t> poll_changes() override;
  static constexpr std::size_t max_poll_rows = 5000;

  class connection;  // plugins/postgres/pg_store.cpp

 private:
  explicit pg_store(pg_options opt);
  result<void> open_impl();
  // Outside a transaction: a broken connection is opened again (search path, LISTEN) before use.
  result<void> ensure_connection();
  result<void> write_impl(write_op op, const record& r, std::uint64_t expected, std::string_view actor,
                          change& done);
  // BEGIN or SAVEPOINT, fn, then COMMIT (with the NOTIFY) or RELEASE; ROLLBACK (TO) on failure.
  result<void> in_transaction(const std::function<result<void>()>& fn);
  std::vector<change> take_committed();
  // Reads notifications already received; true when another node committed since the last call.
  bool drain_notifications();
  result<std::vector<std::string>> expand_units(const filter& f);
  result<std::optional<std::vector<std::string>>> unit_scope(const filter& f);
  result<std::int64_t> max_audit_seq();

  pg_options opt_;
  std::recursive_mutex mu_;
  std::unique_ptr<connection> db_;
  int depth_ = 0;                // open transactions (nested ones counted), guarded by mu_
  bool locked_ = false;          // this transaction holds the write lock
  std::int64_t notify_seq_ = 0;  // the highest audit seq this transaction wrote
  std::int64_t lock_seq_ = 0;    // the audit log's end when this transaction took the lock
  std::vector<change> pending_;
  std::uint64_t stamp_ = 0;
  // Others' commits seen in notifications, not yet read by poll_changes() / counted in stamp_.
  bool others_for_poll_ = false, others_for_stamp_ = false;
  std::int64_t seen_seq_ = 0;        // every audit entry up to it was told (or is ours)
  std::int64_t stamp_seq_ = 0;       // the audit log's end at the last change_stamp()
  std::set<std::int64_t> own_seqs_;  // ours above seen_seq_: poll_changes() skips them
  std::string channel_;
  int schema_ = 0;  // the schema's version once open (below 2 only in tests of the migration)
};

result<std::unique_ptr<pg_store>> open_pg_store(pg_options opt);

}  // namespace store
PBGDPL_NAMESPACE_END
