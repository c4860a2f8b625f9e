// Bodies of store/sqlite/sqlite_store.hpp: compiled once into the store tier
// (src/store/sqlite.cpp), or included by the header in header-only builds.
#pragma once
#include "../sqlite_store.hpp"
#include "../schema.hpp"
#include "../search_order.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <utility>

#include <sqlite3.h>

PBGDPL_NAMESPACE_BEGIN
namespace store {

namespace sqlite_detail {
// The columns row_record reads, in its order.
inline constexpr const char* record_columns =
    "e.kind, e.id, e.version, e.body, e.unit, e.parent, e.sub_kind, e.category, e.state, e.sort_key, e.day, "
    "e.doc_type, e.doc_level, e.doc_status, e.archived";
// The same without the body (a NULL in its place): the row's overflow pages are not read.
inline constexpr const char* record_columns_no_body =
    "e.kind, e.id, e.version, NULL, e.unit, e.parent, e.sub_kind, e.category, e.state, e.sort_key, e.day, "
    "e.doc_type, e.doc_level, e.doc_status, e.archived";
}  // namespace sqlite_detail

PBGDPL_DECL result<std::unique_ptr<sqlite_store>> sqlite_store::open(const std::filesystem::path& path, sqlite_options opt) {
  std::unique_ptr<sqlite_store> s(new sqlite_store(opt));
  auto r = s->open_impl(path);
  if (!r) return r.err();
  return s;
}

PBGDPL_DECL result<void> sqlite_store::open_impl(const std::filesystem::path& path) {
  bool existed = false;
  if (auto o = db_.open(path, opt_.busy_timeout_ms, existed); !o) return o;
  auto ver = sqlite_detail::check_file(db_, existed);
  if (!ver) return ver.err();
  if (auto c = db_.configure(opt_); !c) return c;
  if (auto reg = index_.register_functions(); !reg) return reg;
  if (auto m = sqlite_detail::migrate(db_, index_, *ver, opt_.schema_version); !m) return m;
  schema_ = db_.query_int_or("PRAGMA user_version", -1);
  index_.set_schema(schema_);
  // poll_changes() tells what others commit from now on: the WAL header and data_version first,
  // then the log's end, so that a commit between them is told (again) rather than missed.
  // Only in WAL mode (a file system without shared memory leaves the journal as it was, and a
  // stale -shm file would then never move): without the watch, every look asks SQLite.
  {
    auto jm = db_.prepare("PRAGMA journal_mode");
    if (jm && jm->step() == SQLITE_ROW && jm->text(0) == "wal") wal_.open(db_.filename());
  }
  poll_header_ = wal_.read();
  auto dv = db_.query_int("PRAGMA data_version");
  if (!dv) return dv.err();
  poll_data_version_ = *dv;
  auto st = db_.prepare("SELECT coalesce(max(seq), 0) FROM audit_log");
  if (!st) return st.err();
  if (int rc = st->step(); rc != SQLITE_ROW) return db_.fail(rc, "open: audit log");
  seen_seq_ = st->i64(0);
  return {};
}

PBGDPL_DECL int sqlite_store::schema_version() {
  std::lock_guard lock(mu_);
  return db_.query_int_or("PRAGMA user_version", -1);
}

PBGDPL_DECL result<void> sqlite_store::integrity_check() {
  std::lock_guard lock(mu_);
  std::string problems;
  {
    auto st = db_.prepare("PRAGMA integrity_check");
    if (!st) return st.err();
    int rc;
    while ((rc = st->step()) == SQLITE_ROW) {
      auto line = st->str(0);
      if (line != "ok") problems += line + "\n";
    }
    if (rc != SQLITE_DONE) return db_.fail(rc, "integrity_check");
  }
  if (problems.empty()) problems = index_.integrity_problems();
  if (!problems.empty()) return error(errc::corrupt, {}, "Cơ sở dữ liệu bị hỏng: " + problems, "Database is corrupt: " + problems);
  return {};
}

PBGDPL_DECL result<void> sqlite_store::backup_to(const std::filesystem::path& dest) {
  std::lock_guard lock(mu_);
  return db_.backup_to(dest);
}

PBGDPL_DECL result<void> sqlite_store::optimize() {
  std::lock_guard lock(mu_);
  if (auto r = db_.in_transaction([&] { return index_.optimize(); }); !r) return r;
  if (auto o = db_.exec("PRAGMA optimize"); !o) return o;
  return db_.exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

PBGDPL_DECL sqlite_detail::search_index::rank_stats sqlite_store::last_search_stats() {
  std::lock_guard lock(mu_);
  return index_.last_rank();
}

PBGDPL_DECL result<void> sqlite_store::write(write_op op, const record& r, std::uint64_t expected, std::string_view actor) {
  std::vector<change> batch;
  result<void> out;
  {
    std::lock_guard lock(mu_);
    detail::count_change counted{stamp_};
    change c;
    bool outer = db_.depth() == 0;
    try {
      out = db_.in_transaction([&]() -> result<void> {
        auto w = write_impl(op, r, expected, actor, c);
        if (w && outer) w = index_.flush();  // the impact lists, in the same commit
        return w;
      });
    } catch (...) {
      if (outer) index_.rolled_back();
      else index_.nested_rolled_back();
      throw;
    }
    if (outer) {
      if (out) index_.committed();
      else index_.rolled_back();
    } else if (!out) {
      index_.nested_rolled_back();
    }
    if (out) pending_.push_back(std::move(c));
    batch = take_committed();
  }
  notify(batch);  // outside mu_: a listener may read (or write) this store
  return out;
}

PBGDPL_DECL result<record> sqlite_store::read(std::string_view kind, std::string_view id) {
  std::lock_guard lock(mu_);
  auto st = db_.prepare("SELECT " + std::string(sqlite_detail::record_columns) + " FROM entities e WHERE kind = ? AND id = ?");
  if (!st) return st.err();
  st->bind(1, kind).bind(2, id);
  int rc = st->step();
  if (rc == SQLITE_DONE) return not_found_error(kind, id);
  if (rc != SQLITE_ROW) return db_.fail(rc, "read");
  return row_record(*st);
}

PBGDPL_DECL result<page<record>> sqlite_store::list_records(std::string_view kind, const list_query& q) {
  if (auto l = check_limit(q.limit); !l) return l.err();
  std::optional<std::pair<std::string, std::string>> after;
  if (!q.cursor.empty()) {
    auto c = parse_key_cursor(q.cursor);
    if (!c) return c.err();
    after = std::move(*c);
  }
  auto f = sqlite_detail::build_filter(q.where);
  std::string sql = f.cte + "SELECT " +
                    std::string(q.bodies ? sqlite_detail::record_columns : sqlite_detail::record_columns_no_body) +
                    " FROM entities e WHERE e.kind = ?" + f.where;
  if (after) sql += q.oldest_first ? " AND (e.sort_key, e.id) > (?, ?)" : " AND (e.sort_key, e.id) < (?, ?)";
  sql += q.oldest_first ? " ORDER BY e.sort_key, e.id LIMIT ?" : " ORDER BY e.sort_key DESC, e.id DESC LIMIT ?";
  std::lock_guard lock(mu_);
  auto st = db_.prepare(sql);
  if (!st) return st.err();
  int i = 1;
  sqlite_detail::bind_each(*st, i, f.cte_binds);
  st->bind(i++, kind);
  sqlite_detail::bind_each(*st, i, f.binds);
  if (after) {
    st->bind(i++, after->first);
    st->bind(i++, after->second);
  }
  st->bind(i++, static_cast<std::int64_t>(q.limit + 1));
  page<record> p;
  int rc;
  while ((rc = st->step()) == SQLITE_ROW) {
    auto r = row_record(*st, 0, q.bodies);
    if (!r) return r.err();
    p.items.push_back(std::move(*r));
  }
  if (rc != SQLITE_DONE) return db_.fail(rc, "list");
  if (p.items.size() > q.limit) {
    p.items.pop_back();
    p.next_cursor = key_cursor(p.items.back().sort_key, p.items.back().id);
  }
  return p;
}

PBGDPL_DECL result<search_page> sqlite_store::search(const search_request& req) {
  if (auto l = check_limit(req.limit); !l) return l.err();
  auto offset = cursor_offset(req.cursor);
  if (!offset) return offset.err();
  auto pq = parse_query(req.q, search_filter(req));
  if (!pq) return pq.err();
  auto& q = *pq;
  const auto& kinds = req.kinds.empty() ? searchable_kinds() : req.kinds;
  if (auto k = check_searchable(kinds); !k) return k.err();
  bool all_kinds = true;
  for (const auto& k : searchable_kinds())
    if (std::find(kinds.begin(), kinds.end(), k) == kinds.end()) all_kinds = false;
  std::lock_guard lock(mu_);
  // This transaction's rows into the impact lists first: a write the deadline interrupted halfway
  // would leave them short.
  if (auto fl = index_.flush(); !fl) return fl.err();
  if (auto u = sqlite_detail::expand_units(db_, q.where); !u) return u.err();
  // The deadline: SQLite calls the handler every 1000 virtual-machine steps; a non-zero return
  // interrupts the statement running (and the handler is taken off before the lock is released).
  // The limit is this thread's CPU time (options.hpp), read only once the wall clock, cheaper to
  // read, says it may be spent; ten times the limit in wall time ends the search regardless.
  struct deadline {
    std::chrono::steady_clock::time_point wall_start;
    std::chrono::nanoseconds cpu_start;
    std::chrono::nanoseconds limit;
    bool passed = false;
  } limit{std::chrono::steady_clock::now(), thread_cpu_time(), std::chrono::milliseconds(opt_.search_time_limit_ms)};
  struct handler_guard {
    sqlite3* db;
    ~handler_guard() { sqlite3_progress_handler(db, 0, nullptr, nullptr); }
  } guard{db_.handle()};
  if (opt_.search_time_limit_ms > 0)
    sqlite3_progress_handler(
        db_.handle(), 1000,
        [](void* p) -> int {
          auto* d = static_cast<deadline*>(p);
          auto wall = std::chrono::steady_clock::now() - d->wall_start;
          if (wall > d->limit && (wall > 10 * d->limit || thread_cpu_time() - d->cpu_start > d->limit)) d->passed = true;
          return d->passed ? 1 : 0;
        },
        &limit);
  auto ranked = req.order == search_order::newest ? sqlite_detail::rank_newest(db_, q, kinds, all_kinds, *offset + req.limit)
                                                  : index_.rank(q, kinds, all_kinds, *offset + req.limit);
  sqlite3_progress_handler(db_.handle(), 0, nullptr, nullptr);
  if (!ranked && limit.passed)
    return error(errc::invalid_argument, "/q", "Câu tìm kiếm quá rộng: hãy bớt những từ phổ biến hoặc viết đủ từ thay vì dấu *",
                 "This search is too broad: use fewer common words, or whole words instead of *");
  if (!ranked) return ranked.err();
  auto end = std::min(ranked->size(), *offset + req.limit);
  search_page p;
  p.approximate = req.order != search_order::newest && index_.last_rank().approximate;
  // The page's records are read once, here: each hit carries its record (search_hit::stored),
  // so showing the entity needs no second read (store::get<T>(hit)).
  for (std::size_t i = *offset; i < end; ++i) {
    auto st = db_.prepare("SELECT " + std::string(sqlite_detail::record_columns) + " FROM entities e WHERE seq = ?");
    if (!st) return st.err();
    st->bind(1, (*ranked)[i].seq);
    int rc = st->step();
    if (rc != SQLITE_ROW) return db_.fail(rc, "search: load");
    auto r = row_record(*st);
    if (!r) return r.err();
    fill_search_text(*r);
    search_hit h{r->kind, r->id, r->title, snippet(r->title, q, 1000), snippet(r->text, q), (*ranked)[i].score, {}};
    h.stored = std::move(*r);
    p.items.push_back(std::move(h));
  }
  if (end < ranked->size()) p.next_cursor = offset_cursor(end);
  return p;
}

PBGDPL_DECL result<std::vector<audit_entry>> sqlite_store::audit_log(std::string_view kind, std::string_view id, std::size_t limit) {
  std::lock_guard lock(mu_);
  auto st = db_.prepare(
      "SELECT seq, at, actor, kind, id, action, version, previous FROM audit_log WHERE (?1 = '' OR kind = ?1) AND "
      "(?2 = '' OR id = ?2) ORDER BY seq DESC LIMIT ?3");
  if (!st) return st.err();
  st->bind(1, kind).bind(2, id).bind(3, static_cast<std::int64_t>(limit));
  std::vector<audit_entry> out;
  int rc;
  while ((rc = st->step()) == SQLITE_ROW) {
    audit_entry a;
    a.seq = static_cast<std::uint64_t>(st->i64(0));
    a.at = parse_timestamp(st->str(1)).value_or(timestamp{});
    a.actor = st->str(2);
    a.kind = st->str(3);
    a.id = st->str(4);
    a.action = st->str(5);
    a.version = static_cast<std::uint64_t>(st->i64(6));
    auto prev = st->text(7);
    a.previous = prev.empty() ? json(nullptr) : json_io::parse(prev).value_or(json(nullptr));
    out.push_back(std::move(a));
  }
  if (rc != SQLITE_DONE) return db_.fail(rc, "audit_log");
  return out;
}

PBGDPL_DECL result<void> sqlite_store::transaction(const std::function<result<void>()>& fn) {
  std::vector<change> batch;
  result<void> out;
  {
    std::lock_guard lock(mu_);
    detail::count_change counted{stamp_};  // a rollback changes what reads return too
    auto mark = pending_.size();           // what rolls back (a savepoint, or all) is never told
    bool outer = db_.depth() == 0;
    try {
      out = db_.in_transaction([&]() -> result<void> {
        auto w = fn();
        if (w && outer) w = index_.flush();  // the impact lists, in the same commit
        return w;
      });
    } catch (...) {
      pending_.resize(mark);
      if (outer) index_.rolled_back();
      else index_.nested_rolled_back();
      throw;
    }
    if (!out) pending_.resize(mark);
    if (outer) {
      if (out) index_.committed();
      else index_.rolled_back();
    } else if (!out) {
      index_.nested_rolled_back();
    }
    batch = take_committed();
  }
  notify(batch);  // after the outermost commit, outside mu_
  return out;
}

PBGDPL_DECL std::vector<change> sqlite_store::take_committed() {
  std::vector<change> batch;
  if (db_.depth() > 0 || pending_.empty()) return batch;
  batch.swap(pending_);
  // Our entries must not come back through poll_changes(). When no other connection committed
  // since the last poll (data_version as it was then), every entry up to ours was either told
  // by that poll or is ours: the mark moves past them. Otherwise others' entries may lie
  // between, and ours are listed to be skipped.
  auto dv = db_.prepare("PRAGMA data_version");
  bool alone = dv && dv->step() == SQLITE_ROW && dv->i64(0) == poll_data_version_;
  if (alone) {
    for (const auto& c : batch) seen_seq_ = std::max(seen_seq_, static_cast<std::int64_t>(c.audit_seq));
    own_seqs_.clear();
  } else {
    for (const auto& c : batch) own_seqs_.insert(static_cast<std::int64_t>(c.audit_seq));
  }
  return batch;
}

namespace sqlite_detail {
inline bool parse_write_op(std::string_view action, write_op& op) {
  for (auto o : {write_op::create, write_op::update, write_op::archive, write_op::remove})
    if (to_string(o) == action) {
      op = o;
      return true;
    }
  return false;
}
}  // namespace sqlite_detail

PBGDPL_DECL result<std::size_t> sqlite_store::poll_changes() {
  std::vector<change> batch;
  std::optional<error> failed;
  {
    std::lock_guard lock(mu_);
    if (db_.depth() > 0) return std::size_t{0};  // this thread's transaction: told at its commit
    // Nobody (this store included) committed since the last poll: not even a PRAGMA.
    auto header = wal_.read();
    if (header && poll_header_ && *header == *poll_header_) return std::size_t{0};
    auto dv = db_.prepare("PRAGMA data_version");
    if (!dv) return dv.err();
    if (int rc = dv->step(); rc != SQLITE_ROW) return db_.fail(rc, "poll_changes");
    auto version = dv->i64(0);
    if (version == poll_data_version_) {
      poll_header_ = header;  // only our own commits moved it
      return std::size_t{0};
    }
    // data_version before the log (as at open): a commit in between is read now and its
    // data_version change makes the next poll look again, which finds nothing new. Both marks
    // move only once the log was read.
    auto st = db_.prepare(schema_ >= 5 ? "SELECT seq, kind, id, action, version, unit, previous_unit FROM audit_log "
                                         "WHERE seq > ? ORDER BY seq"
                                       : "SELECT seq, kind, id, action, version, '', NULL FROM audit_log "
                                         "WHERE seq > ? ORDER BY seq");
    if (!st) return st.err();
    st->bind(1, seen_seq_);
    int rc;
    while ((rc = st->step()) == SQLITE_ROW) {
      auto seq = st->i64(0);
      seen_seq_ = std::max(seen_seq_, seq);
      if (own_seqs_.erase(seq)) continue;  // ours: told when it committed
      change c;
      c.audit_seq = static_cast<std::uint64_t>(seq);
      c.kind = st->str(1);
      c.id = st->str(2);
      if (!sqlite_detail::parse_write_op(st->text(3), c.op)) c.op = write_op::update;  // a newer action: treat as a change
      c.version = static_cast<std::uint64_t>(st->i64(4));
      c.unit = st->str(5);
      if (!st->is_null(6)) c.previous_unit = st->str(6);
      batch.push_back(std::move(c));
    }
    own_seqs_.erase(own_seqs_.begin(), own_seqs_.upper_bound(seen_seq_));
    if (rc == SQLITE_DONE) {
      poll_data_version_ = version;
      poll_header_ = header;  // taken before the queries: a commit since then moved it
    } else {
      failed = db_.fail(rc, "poll_changes");  // what was read is told; the next poll reads on
    }
  }
  notify(batch);
  if (failed) return *failed;
  return batch.size();
}

PBGDPL_DECL std::optional<std::uint64_t> sqlite_store::change_stamp() {
  std::lock_guard lock(mu_);
  // Nobody committed since the last look (our own writes are counted in stamp_ as they end).
  auto header = wal_.read();
  if (header && stamp_header_ && *header == *stamp_header_) return stamp_;
  auto st = db_.prepare("PRAGMA data_version");
  if (!st || st->step() != SQLITE_ROW) return std::nullopt;  // cannot tell: nothing may be kept
  auto v = st->i64(0);
  if (v != data_version_) {
    data_version_ = v;
    ++stamp_;
  }
  stamp_header_ = header;  // taken before the query: a commit since then moved it
  return stamp_;
}

PBGDPL_DECL result<void> sqlite_store::write_impl(write_op op, const record& r, std::uint64_t expected, std::string_view actor,
                                                 change& done) {
  std::int64_t seq = 0;
  std::uint64_t stored = 0;
  std::string previous, old_title_key, old_title_fold, old_unit;
  bool was_searchable = false;
  if (op != write_op::create) {
    auto st = db_.prepare("SELECT seq, version, body, title_key, title_fold, unit FROM entities WHERE kind = ? AND id = ?");
    if (!st) return st.err();
    st->bind(1, r.kind).bind(2, r.id);
    int rc = st->step();
    if (rc == SQLITE_DONE) return not_found_error(r.kind, r.id);
    if (rc != SQLITE_ROW) return db_.fail(rc, "write");
    seq = st->i64(0);
    stored = static_cast<std::uint64_t>(st->i64(1));
    previous = st->str(2);
    old_title_key = st->str(3);
    old_title_fold = st->str(4);
    old_unit = st->str(5);
    was_searchable = searchable_fields(r.kind) != nullptr;
    bool version_ok = op == write_op::remove ? (expected == 0 || stored == expected)
                                             : (stored == expected && r.version == expected + 1);
    if (!version_ok) return conflict_error(r.kind, r.id, expected, stored);
  }
  if (was_searchable)
    if (auto u = index_.remove(seq, old_title_key, old_title_fold); !u) return u;
  if (op == write_op::remove) {
    auto d = db_.prepare("DELETE FROM entities WHERE seq = ?");
    if (!d) return d.err();
    d->bind(1, seq);
    if (int rc = d->step(); rc != SQLITE_DONE) return db_.fail(rc, "remove");
  } else {
    auto body = r.body.dump();
    std::string sql =
        op == write_op::create
            ? "INSERT INTO entities(unit, parent, sub_kind, category, state, sort_key, day, doc_type, doc_level, "
              "doc_status, archived, body, version, title_key, title_fold, kind, id) "
              "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
            : "UPDATE entities SET unit=?, parent=?, sub_kind=?, category=?, state=?, sort_key=?, day=?, doc_type=?, "
              "doc_level=?, doc_status=?, archived=?, body=?, version=?, title_key=?, title_fold=? WHERE kind=? AND id=?";
    indexed_text title_forms;
    if (r.searchable) title_forms = index_form(r.title);
    auto st = db_.prepare(sql);
    if (!st) return st.err();
    st->bind(1, r.unit).bind(2, r.parent).bind(3, r.sub_kind).bind(4, r.category).bind(5, r.state);
    st->bind(6, r.sort_key).bind(7, r.day).bind(8, r.doc_type).bind(9, r.doc_level).bind(10, r.doc_status);
    st->bind(11, std::int64_t{r.archived ? 1 : 0}).bind(12, body).bind(13, static_cast<std::int64_t>(r.version));
    st->bind(14, title_forms.exact).bind(15, title_forms.folded).bind(16, r.kind).bind(17, r.id);
    int rc = st->step();
    if (rc != SQLITE_DONE) {
      auto e = db_.fail(rc, "write");
      if (e.code == errc::already_exists)
        return error(errc::already_exists, "/id", "Đã có " + r.kind + " \"" + r.id + "\"", "A " + r.kind + " \"" + r.id + "\" already exists");
      return e;
    }
    if (op == write_op::create) seq = db_.last_insert_rowid();
    if (op != write_op::create) {
      auto d = db_.prepare("DELETE FROM entity_fields WHERE entity = ?");
      if (!d) return d.err();
      d->bind(1, seq);
      if (int rc2 = d->step(); rc2 != SQLITE_DONE) return db_.fail(rc2, "write: fields");
    }
    for (const auto& f : r.fields) {
      auto fi = db_.prepare("INSERT INTO entity_fields(entity, field) VALUES(?, ?)");
      if (!fi) return fi.err();
      fi->bind(1, seq).bind(2, f);
      if (int rc2 = fi->step(); rc2 != SQLITE_DONE) return db_.fail(rc2, "write: fields");
    }
    if (r.searchable && !r.archived)
      if (auto w = index_.add(seq, title_forms, r); !w) return w;
  }
  done.kind = r.kind;
  done.id = r.id;
  done.op = op;
  done.version = op == write_op::remove ? stored : r.version;
  done.unit = op == write_op::remove ? old_unit : r.unit;
  if (op == write_op::update || op == write_op::archive)
    if (old_unit != r.unit) done.previous_unit = old_unit;
  // Schema 5 names the units in the log, for other connections' poll_changes().
  auto a = db_.prepare(schema_ >= 5 ? "INSERT INTO audit_log(at, actor, kind, id, action, version, previous, unit, previous_unit) "
                                      "VALUES(?,?,?,?,?,?,?,?,?)"
                                    : "INSERT INTO audit_log(at, actor, kind, id, action, version, previous) VALUES(?,?,?,?,?,?,?)");
  if (!a) return a.err();
  a->bind(1, format_timestamp_utc(now())).bind(2, actor).bind(3, r.kind).bind(4, r.id).bind(5, to_string(op));
  a->bind(6, static_cast<std::int64_t>(done.version));
  if (previous.empty()) a->bind_null(7);
  else a->bind(7, previous);
  if (schema_ >= 5) {
    a->bind(8, done.unit);
    if (done.previous_unit) a->bind(9, *done.previous_unit);
    else a->bind_null(9);
  }
  if (int rc = a->step(); rc != SQLITE_DONE) return db_.fail(rc, "audit");
  done.audit_seq = static_cast<std::uint64_t>(db_.last_insert_rowid());
  return {};
}

PBGDPL_DECL result<record> sqlite_store::row_record(const sqlite_detail::statement& st, int c, bool with_body) {
  record r;
  r.kind = st.str(c + 0);
  r.id = st.str(c + 1);
  r.version = static_cast<std::uint64_t>(st.i64(c + 2));
  if (with_body) {
    auto body = json_io::parse(st.text(c + 3));
    if (!body) return detail::undecodable_record(r.kind, r.id, body.err());
    r.body = std::move(*body);
  }
  r.unit = st.str(c + 4);
  r.parent = st.str(c + 5);
  r.sub_kind = st.str(c + 6);
  r.category = st.str(c + 7);
  r.state = st.str(c + 8);
  r.sort_key = st.str(c + 9);
  r.day = st.str(c + 10);
  r.doc_type = st.str(c + 11);
  r.doc_level = st.str(c + 12);
  r.doc_status = st.str(c + 13);
  r.archived = st.i64(c + 14) != 0;
  r.searchable = searchable_fields(r.kind) != nullptr;
  return r;
}

PBGDPL_DECL result<std::unique_ptr<sqlite_store>> open_sqlite_store(const std::filesystem::path& path, sqlite_options opt) {
  return sqlite_store::open(path, opt);
}

}  // namespace store
PBGDPL_NAMESPACE_END
