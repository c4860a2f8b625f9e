// The embedded default store: one SQLite file (WAL, busy timeout, foreign keys, prepared
// statements only, versioned migrations, integrity check, online backup) with FTS5 search that
// ranks a bounded candidate set instead of scoring every match (see docs/design.md, "Search").
#pragma once
#include "store.hpp"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

PBGDPL_NAMESPACE_BEGIN
namespace store {

struct sqlite_options {
  int busy_timeout_ms = 5000;
  // Migrate up to this schema version only (tests build "old" databases with it).
  int schema_version = 4;
  // >0 caps the file at this many pages: how tests simulate a full disk without privileges.
  std::int64_t max_page_count = 0;
  // FULL survives power loss in WAL mode; NORMAL survives only a process crash but writes faster.
  bool synchronous_full = true;
  // Search: how many of the most recent matches are ranked (body tier, then title-only tier).
  std::size_t candidate_limit = 500;
  std::size_t title_candidate_limit = 200;
  // Search: a term in more than this share of rows is checked against a cached row set instead
  // of walked in the index (0 turns the row sets off).
  double common_term_share = 0.05;
  // How many such row sets (bitmaps of max-rowid bits each) a connection keeps at most.
  std::size_t max_term_row_sets = 256;
  // Page cache per connection, KiB (SQLite's default is 2 MiB; search reads many index pages).
  int cache_kib = 32768;
};

namespace sqlite_detail {

inline constexpr int current_schema = 4;
inline constexpr int application_id = 0x50424744;  // "PBGD": refuse other programs' databases

inline error make_error(int rc, std::string_view what, const char* msg = nullptr) {
  std::string detail = msg ? msg : sqlite3_errstr(rc);
  std::string en = std::string(what) + ": " + detail;
  switch (rc & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return error(errc::corrupt, {}, "Tệp cơ sở dữ liệu bị hỏng hoặc không phải cơ sở dữ liệu SQLite", en);
    case SQLITE_FULL:
      return error(errc::storage_full, {}, "Hết dung lượng lưu trữ; dữ liệu đã có vẫn nguyên vẹn", en);
    case SQLITE_READONLY:
      return error(errc::read_only, {}, "Cơ sở dữ liệu chỉ đọc, không ghi được", en);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return error(errc::busy, {}, "Cơ sở dữ liệu đang bận, hãy thử lại", en);
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
      return error(errc::io_error, {}, "Lỗi đọc/ghi cơ sở dữ liệu", en);
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
        return error(errc::already_exists, {}, "Bản ghi đã tồn tại", en);
      return error(errc::invalid_argument, {}, "Dữ liệu vi phạm ràng buộc", en);
    case SQLITE_TOOBIG:
      return error(errc::too_large, {}, "Dữ liệu quá lớn", en);
    default:
      return error(errc::internal, {}, "Lỗi cơ sở dữ liệu", en);
  }
}

// A prepared statement borrowed from the cache; reset when the borrow ends.
class stmt {
 public:
  stmt(sqlite3* db, sqlite3_stmt* s) : db_(db), s_(s) {}
  stmt(const stmt&) = delete;
  stmt& operator=(const stmt&) = delete;
  stmt(stmt&& o) noexcept : db_(o.db_), s_(o.s_) { o.s_ = nullptr; }
  stmt& operator=(stmt&&) = delete;
  ~stmt() {
    if (s_) {
      sqlite3_reset(s_);
      sqlite3_clear_bindings(s_);
    }
  }
  stmt& bind(int i, std::string_view v) {
    // A default string_view has a null data(): SQLite would bind NULL, not ''.
    sqlite3_bind_text(s_, i, v.data() ? v.data() : "", static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  stmt& bind(int i, std::int64_t v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  stmt& bind(int i, double v) {
    sqlite3_bind_double(s_, i, v);
    return *this;
  }
  stmt& bind_null(int i) {
    sqlite3_bind_null(s_, i);
    return *this;
  }
  // SQLITE_ROW or SQLITE_DONE, or an error code.
  int step() { return sqlite3_step(s_); }
  std::int64_t i64(int c) const { return sqlite3_column_int64(s_, c); }
  double dbl(int c) const { return sqlite3_column_double(s_, c); }
  std::string str(int c) const {
    auto p = sqlite3_column_text(s_, c);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(s_, c)))
             : std::string();
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* s_;
};

// BM25 over the phrases of each term (folded, then exact when it differs), with column weights:
// title above body, exact accents above folded. Arguments: for each term, its estimated document
// frequency and its number of phrases (2, or 1 when both forms are the same tokens, as for
// anything typed without accents). Document frequencies come in from the caller so no call
// scans a whole doclist, which is what makes bm25() slow on common terms.
// Columns: 0 title exact, 1 title folded, 2 body exact, 3 body folded; title_fts has the first
// two only. Phrases carry no column filter: a folded token only occurs in a folded column, or in
// an exact one where the text itself was typed without marks, which is an exact match.
inline void score_function(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_context* ctx, int nval,
                           sqlite3_value** vals) {
  constexpr int max_phrases = 64;
  int nphrase = api->xPhraseCount(fts);
  int nterm = nval / 2;
  if (nphrase > max_phrases) {
    sqlite3_result_double(ctx, 0);
    return;
  }
  double tf[max_phrases][4] = {};
  int ninst = 0;
  if (api->xInstCount(fts, &ninst) != SQLITE_OK) {
    sqlite3_result_error(ctx, "pbgdpl_score: xInstCount failed", -1);
    return;
  }
  for (int i = 0; i < ninst; ++i) {
    int p = 0, c = 0, o = 0;
    if (api->xInst(fts, i, &p, &c, &o) == SQLITE_OK && p >= 0 && p < max_phrases && c >= 0 && c < 4) tf[p][c] += 1;
  }
  sqlite3_int64 nrow = 1, total = 1;
  api->xRowCount(fts, &nrow);
  api->xColumnTotalSize(fts, -1, &total);
  int dl = 0;
  api->xColumnSize(fts, -1, &dl);
  double avg = nrow > 0 && total > 0 ? static_cast<double>(total) / static_cast<double>(nrow) : 1.0;
  constexpr double k1 = 1.2, b = 0.75;
  double norm = k1 * (1 - b + b * dl / avg);
  double s = 0;
  for (int t = 0, p = 0; t < nterm; ++t) {
    double df = std::min(sqlite3_value_double(vals[2 * t]), static_cast<double>(nrow));
    int n = sqlite3_value_int(vals[2 * t + 1]) == 1 ? 1 : 2;
    if (p + n > nphrase) break;
    int pf = p, pe = p + n - 1;
    p += n;
    double idf = std::log(1.0 + (static_cast<double>(nrow) - df + 0.5) / (df + 0.5));
    double w = 4.0 * tf[pf][1] + 1.0 * tf[pf][3] + 6.0 * tf[pe][0] + 1.5 * tf[pe][2];
    s += idf * w * (k1 + 1) / (w + norm);
  }
  sqlite3_result_double(ctx, s);
}

inline std::string fts_phrase(const std::vector<std::string>& toks, bool prefix) {
  std::string s = "\"";
  for (std::size_t i = 0; i < toks.size(); ++i) {
    if (i) s += ' ';
    for (char c : toks[i]) {
      if (c == '"') s += '"';
      s += c;
    }
  }
  s += '"';
  if (prefix) s += " *";
  return s;
}

// Whether a term needs its exact form as a phrase of its own (it has marks or đ).
inline bool has_exact_phrase(const search_term& t) { return t.exact != t.folded; }

// The FTS5 expression for parsed terms, the same for search_fts and title_fts. Every user token
// is inside a quoted string, so nothing the user typed is FTS syntax. The exact phrase only adds
// rows the folded one already matches; it is there for the score's exact-accent counts.
inline std::string match_expression(const parsed_query& q) {
  std::string e;
  for (const auto& t : q.terms) {
    if (!e.empty()) e += " AND ";
    if (has_exact_phrase(t)) e += "(" + fts_phrase(t.folded, t.prefix) + " OR " + fts_phrase(t.exact, t.prefix) + ")";
    else e += fts_phrase(t.folded, t.prefix);
  }
  return e;
}

using bind_value = std::string;

// WHERE fragments for a filter over `entities e`; the unit subtree comes from the CTE `sub`.
struct sql_filter {
  std::string cte;    // "WITH RECURSIVE sub(id) AS (...) " or empty
  std::string where;  // " AND ..." fragments
  std::vector<bind_value> cte_binds, binds;
};

inline sql_filter build_filter(const filter& f) {
  sql_filter s;
  if (!f.unit_in.empty()) {
    s.where += " AND e.unit IN (";
    for (std::size_t i = 0; i < f.unit_in.size(); ++i) {
      s.where += i ? ",?" : "?";
      s.binds.push_back(f.unit_in[i]);
    }
    s.where += ")";
  }
  if (f.unit) {
    if (f.include_descendants) {
      s.cte = "WITH RECURSIVE sub(id) AS (SELECT ? UNION SELECT c.id FROM entities c JOIN sub ON c.parent = sub.id "
              "WHERE c.kind = 'unit') ";
      s.cte_binds.push_back(*f.unit);
      s.where += " AND e.unit IN (SELECT id FROM sub)";
    } else {
      s.where += " AND e.unit = ?";
      s.binds.push_back(*f.unit);
    }
  }
  auto eq = [&](const std::optional<std::string>& v, const char* col) {
    if (!v) return;
    s.where += std::string(" AND e.") + col + " = ?";
    s.binds.push_back(*v);
  };
  eq(f.kind, "sub_kind");
  eq(f.category, "category");
  eq(f.state, "state");
  eq(f.doc_type, "doc_type");
  eq(f.doc_level, "doc_level");
  eq(f.doc_status, "doc_status");
  if (f.field) {
    s.where += " AND EXISTS (SELECT 1 FROM entity_fields x WHERE x.entity = e.seq AND x.field = ?)";
    s.binds.push_back(*f.field);
  }
  if (f.from) {
    s.where += " AND e.day >= ?";
    s.binds.push_back(format_date(*f.from));
  }
  if (f.to) {
    s.where += " AND e.day <= ? AND e.day <> ''";
    s.binds.push_back(format_date(*f.to));
  }
  if (!f.include_archived) s.where += " AND e.archived = 0";
  return s;
}

}  // namespace sqlite_detail

class sqlite_store final : public store {
 public:
  // Opens (creating if needed) the database at `path` and migrates it. Errors: corrupt (not a
  // SQLite or not a pbgdpl file), unsupported_version (made by a newer pbgdpl), read_only,
  // storage_full, io_error.
  static result<std::unique_ptr<sqlite_store>> open(const std::filesystem::path& path, sqlite_options opt = {}) {
    std::unique_ptr<sqlite_store> s(new sqlite_store(opt));
    auto r = s->open_impl(path);
    if (!r) return r.err();
    return s;
  }

  ~sqlite_store() override {
    for (auto& [k, st] : cache_) sqlite3_finalize(st);
    if (db_) sqlite3_close_v2(db_);
  }
  sqlite_store(const sqlite_store&) = delete;
  sqlite_store& operator=(const sqlite_store&) = delete;

  int schema_version() {
    std::lock_guard lock(mu_);
    return pragma_int("PRAGMA user_version");
  }

  // PRAGMA integrity_check plus the FTS index's own check.
  result<void> integrity_check() {
    std::lock_guard lock(mu_);
    std::string problems;
    {
      auto st = prepare("PRAGMA integrity_check");
      if (!st) return st.err();
      int rc;
      while ((rc = st->step()) == SQLITE_ROW) {
        auto line = st->str(0);
        if (line != "ok") problems += line + "\n";
      }
      if (rc != SQLITE_DONE) return fail(rc, "integrity_check");
    }
    if (problems.empty() && pragma_int("PRAGMA user_version") >= 2) {
      auto rc = exec("INSERT INTO search_fts(search_fts) VALUES('integrity-check')");
      if (!rc) problems += rc.err().message_en;
    }
    if (problems.empty() && pragma_int("PRAGMA user_version") >= 3) {
      auto rc = exec("INSERT INTO title_fts(title_fts) VALUES('integrity-check')");
      if (!rc) problems += rc.err().message_en;
      auto n = pragma_checked("SELECT (SELECT count(*) FROM search_fts_docsize) = (SELECT count(*) FROM title_fts_docsize)");
      if (n && *n != 1) problems += "title index and search index disagree\n";
    }
    if (!problems.empty()) return error(errc::corrupt, {}, "Cơ sở dữ liệu bị hỏng: " + problems, "Database is corrupt: " + problems);
    return {};
  }

  // A consistent copy of the live database into `dest` (overwritten), while others keep working.
  result<void> backup_to(const std::filesystem::path& dest) {
    std::lock_guard lock(mu_);
    sqlite3* out = nullptr;
    int rc = sqlite3_open_v2(dest.c_str(), &out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    std::unique_ptr<sqlite3, decltype(&sqlite3_close_v2)> guard(out, &sqlite3_close_v2);
    if (rc != SQLITE_OK) return sqlite_detail::make_error(rc, "backup: open destination");
    auto* b = sqlite3_backup_init(out, "main", db_, "main");
    if (!b) return sqlite_detail::make_error(sqlite3_extended_errcode(out), "backup", sqlite3_errmsg(out));
    rc = sqlite3_backup_step(b, -1);
    int frc = sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) return sqlite_detail::make_error(rc, "backup");
    if (frc != SQLITE_OK) return sqlite_detail::make_error(frc, "backup");
    return {};
  }

  // Merges each search index into a single segment and truncates the WAL: worth running after a
  // bulk import or in a quiet hour. Writes keep the indexes usable without it (FTS5 merges as it
  // goes), but a query on common words then reads one doclist per segment instead of one.
  result<void> optimize() {
    std::lock_guard lock(mu_);
    auto r = in_tx([&]() -> result<void> {
      if (pragma_int("PRAGMA user_version") < 3) return {};
      if (auto a = exec("INSERT INTO search_fts(search_fts) VALUES('optimize')"); !a) return a;
      return exec("INSERT INTO title_fts(title_fts) VALUES('optimize')");
    });
    if (!r) return r;
    if (auto o = exec("PRAGMA optimize"); !o) return o;
    return exec("PRAGMA wal_checkpoint(TRUNCATE)");
  }

  sqlite3* handle() noexcept { return db_; }

  // --- store --------------------------------------------------------------------------------
  result<void> write(write_op op, const record& r, std::uint64_t expected, std::string_view actor) override {
    std::lock_guard lock(mu_);
    return in_tx([&]() -> result<void> { return write_impl(op, r, expected, actor); });
  }

  result<record> read(std::string_view kind, std::string_view id) override {
    std::lock_guard lock(mu_);
    auto st = prepare("SELECT " + std::string(columns) + " FROM entities e WHERE kind = ? AND id = ?");
    if (!st) return st.err();
    st->bind(1, kind).bind(2, id);
    int rc = st->step();
    if (rc == SQLITE_DONE) return not_found_error(kind, id);
    if (rc != SQLITE_ROW) return fail(rc, "read");
    return row_record(st.value());
  }

  result<page<record>> list_records(std::string_view kind, const list_query& q) override {
    if (auto l = check_limit(q.limit); !l) return l.err();
    std::optional<std::pair<std::string, std::string>> after;
    if (!q.cursor.empty()) {
      auto c = parse_key_cursor(q.cursor);
      if (!c) return c.err();
      after = std::move(*c);
    }
    auto f = sqlite_detail::build_filter(q.where);
    std::string sql = f.cte + "SELECT " + std::string(columns) + " FROM entities e WHERE e.kind = ?" + f.where;
    if (after) sql += q.oldest_first ? " AND (e.sort_key, e.id) > (?, ?)" : " AND (e.sort_key, e.id) < (?, ?)";
    sql += q.oldest_first ? " ORDER BY e.sort_key, e.id LIMIT ?" : " ORDER BY e.sort_key DESC, e.id DESC LIMIT ?";
    std::lock_guard lock(mu_);
    auto st = prepare(sql);
    if (!st) return st.err();
    int i = 1;
    for (auto& b : f.cte_binds) bind_any(st.value(), i++, b);
    st->bind(i++, kind);
    for (auto& b : f.binds) bind_any(st.value(), i++, b);
    if (after) {
      st->bind(i++, after->first);
      st->bind(i++, after->second);
    }
    st->bind(i++, static_cast<std::int64_t>(q.limit + 1));
    page<record> p;
    int rc;
    while ((rc = st->step()) == SQLITE_ROW) {
      auto r = row_record(st.value());
      if (!r) return r.err();
      p.items.push_back(std::move(*r));
    }
    if (rc != SQLITE_DONE) return fail(rc, "list");
    if (p.items.size() > q.limit) {
      p.items.pop_back();
      p.next_cursor = key_cursor(p.items.back().sort_key, p.items.back().id);
    }
    return p;
  }

  result<search_page> search(const search_request& req) override {
    if (auto l = check_limit(req.limit); !l) return l.err();
    auto offset = cursor_offset(req.cursor);
    if (!offset) return offset.err();
    auto pq = parse_query(req.q, req.where);
    if (!pq) return pq.err();
    const auto& q = *pq;
    const auto& kinds = req.kinds.empty() ? searchable_kinds() : req.kinds;
    for (const auto& k : kinds)
      if (!searchable_fields(k))
        return error(errc::invalid_argument, "/kinds", "Loại \"" + k + "\" không tìm kiếm được", "Kind \"" + k + "\" is not searchable");
    std::lock_guard lock(mu_);

    // Document frequency of each term: counted when it is below a small cap, else estimated
    // from how far back (in rowids) its cap-th most recent match lies. Counting a common term
    // would read its whole doclist, the cost this design avoids; an estimate within a few per
    // cent moves its (small) IDF by less than that.
    std::int64_t max_rowid = 0;
    {
      auto st = prepare("SELECT coalesce(max(seq), 0) FROM entities");
      if (!st) return st.err();
      if (int rc = st->step(); rc != SQLITE_ROW) return fail(rc, "search");
      max_rowid = st->i64(0);
    }
    std::vector<double> dfs;  // per term
    for (const auto& t : q.terms) {
      auto st = prepare("SELECT count(*), min(rowid) FROM (SELECT rowid FROM search_fts WHERE search_fts MATCH ? "
                        "ORDER BY rowid DESC LIMIT ?)");
      if (!st) return st.err();
      st->bind(1, sqlite_detail::fts_phrase(t.folded, t.prefix));
      st->bind(2, static_cast<std::int64_t>(df_cap));
      int rc = st->step();
      if (rc != SQLITE_ROW) return search_fail(rc);
      auto n = st->i64(0), oldest = st->i64(1);
      if (n < static_cast<std::int64_t>(df_cap) || oldest <= 0) dfs.push_back(static_cast<double>(n));
      else dfs.push_back(static_cast<double>(n) * static_cast<double>(max_rowid) / static_cast<double>(max_rowid - oldest + 1));
    }

    // Which terms the index walks. An AND in FTS5 reads every term's doclist, and a common
    // word's doclist runs through most of the corpus: a pasted title with a rare word and five
    // common ones read ~10^6 postings (25-45 ms on 100,000 articles) to find 20 rows. So the
    // index walks the rarest term and the uncommon ones, and the common terms are checked per
    // row against cached row sets (one bitmap per term and index, built by one scan, dropped
    // whenever the database changes). The rows found are exactly the AND's; the score counts the
    // walked terms only: a common term is in every candidate and its IDF is small.
    std::vector<std::size_t> checked;
    if (opt_.common_term_share > 0 && q.terms.size() > 1 && depth_ == 0 && sqlite3_get_autocommit(db_)) {
      std::size_t rarest = static_cast<std::size_t>(std::min_element(dfs.begin(), dfs.end()) - dfs.begin());
      double common = opt_.common_term_share * static_cast<double>(max_rowid);
      for (std::size_t t = 0; t < q.terms.size(); ++t)
        if (t != rarest && dfs[t] > common) checked.push_back(t);
      if (!checked.empty()) {
        if (auto fresh = refresh_term_rows(); !fresh) return fresh.err();
      }
    }
    parsed_query walk_q;
    walk_q.exact_key = q.exact_key;
    walk_q.folded_key = q.folded_key;
    std::vector<double> score_args;  // per walked term: document frequency, phrase count
    for (std::size_t t = 0; t < q.terms.size(); ++t) {
      if (std::find(checked.begin(), checked.end(), t) != checked.end()) continue;
      walk_q.terms.push_back(q.terms[t]);
      score_args.push_back(dfs[t]);
      score_args.push_back(sqlite_detail::has_exact_phrase(q.terms[t]) ? 2.0 : 1.0);
    }

    auto f = sqlite_detail::build_filter(q.where);
    std::string kind_in = " AND e.kind IN (";
    for (std::size_t i = 0; i < kinds.size(); ++i) kind_in += i ? ",?" : "?";
    kind_in += ")";
    // "+e.kind": the title index, not the kind index, must drive the title lookup.
    auto title_kind_in = " AND +e.kind" + kind_in.substr(std::string(" AND e.kind").size());

    // Only searchable, unarchived records are in the index: with no filter and every kind, the
    // candidates need no look-up in entities at all.
    bool all_kinds = true;
    for (const auto& k : searchable_kinds())
      if (std::find(kinds.begin(), kinds.end(), k) == kinds.end()) all_kinds = false;
    bool join = !all_kinds || !f.cte.empty() || !f.binds.empty();
    std::unordered_map<std::int64_t, double> scores;
    // Tiers 1 and 2: the most recent matches, all terms anywhere, then all terms in the title
    // (so an older title hit is not crowded out by recent body hits); each ranked by BM25.
    // The title tier reads the title-only index; a candidate found by both keeps its full score.
    // When the first tier found fewer rows than its limit it found every match, titles included.
    for (int tier = 0; tier < (schema_ >= 3 ? 2 : 1); ++tier) {
      std::string table = tier == 0 ? "search_fts" : "title_fts";
      if (tier == 1 && scores.size() < opt_.candidate_limit) break;
      checking_.clear();
      // Make room first: dropping the cache while collecting would leave dangling pointers.
      if (term_rows_.size() + checked.size() > opt_.max_term_row_sets) term_rows_.clear();
      for (auto t : checked) {
        auto rows = term_rows(table, sqlite_detail::fts_phrase(q.terms[t].folded, q.terms[t].prefix));
        if (!rows) return rows.err();
        checking_.push_back(*rows);
      }
      std::string check = checked.empty() ? "" : " AND pbgdpl_has_terms(" + table + ".rowid)";
      std::string sql = f.cte + "SELECT " + table + ".rowid, pbgdpl_score(" + table;
      for (std::size_t i = 0; i < score_args.size(); ++i) sql += ", ?";
      sql += join ? ") FROM " + table + " CROSS JOIN entities e ON e.seq = " + table + ".rowid WHERE " + table + " MATCH ?" +
                        check + kind_in + f.where + " ORDER BY " + table + ".rowid DESC LIMIT ?"
                  : ") FROM " + table + " WHERE " + table + " MATCH ?" + check + " ORDER BY " + table + ".rowid DESC LIMIT ?";
      auto st = prepare(sql);
      if (!st) return st.err();
      int i = 1;
      for (auto& b : f.cte_binds) bind_any(st.value(), i++, b);
      for (double d : score_args) st->bind(i++, d);
      st->bind(i++, sqlite_detail::match_expression(walk_q));
      if (join) {
        for (const auto& k : kinds) st->bind(i++, k);
        for (auto& b : f.binds) bind_any(st.value(), i++, b);
      }
      st->bind(i++, static_cast<std::int64_t>(tier == 0 ? opt_.candidate_limit : opt_.title_candidate_limit));
      int rc;
      while ((rc = st->step()) == SQLITE_ROW) scores.emplace(st->i64(0), st->dbl(1));
      checking_.clear();
      if (rc != SQLITE_DONE) return search_fail(rc);
    }
    // Tier 0: a query equal to a title (accents included, then folded) comes first, however
    // common its words are.
    for (int tier = 0; tier < 2; ++tier) {
      std::string sql = f.cte + "SELECT e.seq FROM entities e WHERE " + (tier == 0 ? "e.title_key" : "e.title_fold") +
                        " = ?" + title_kind_in + f.where + " LIMIT 50";
      auto st = prepare(sql);
      if (!st) return st.err();
      int i = 1;
      for (auto& b : f.cte_binds) bind_any(st.value(), i++, b);
      st->bind(i++, tier == 0 ? q.exact_key : q.folded_key);
      for (const auto& k : kinds) st->bind(i++, k);
      for (auto& b : f.binds) bind_any(st.value(), i++, b);
      int rc;
      while ((rc = st->step()) == SQLITE_ROW) {
        auto& s = scores[st->i64(0)];
        if (s < 1e5) s += tier == 0 ? 1e6 : 5e5;
      }
      if (rc != SQLITE_DONE) return fail(rc, "search: title");
    }

    std::vector<std::pair<double, std::int64_t>> ranked;
    ranked.reserve(scores.size());
    for (auto& [row, s] : scores) ranked.emplace_back(s, row);
    auto end = std::min(ranked.size(), *offset + req.limit);
    if (*offset < end)
      std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(end), ranked.end(),
                        [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second > b.second; });
    search_page p;
    for (std::size_t i = *offset; i < end; ++i) {
      auto st = prepare("SELECT " + std::string(columns) + " FROM entities e WHERE seq = ?");
      if (!st) return st.err();
      st->bind(1, ranked[i].second);
      int rc = st->step();
      if (rc != SQLITE_ROW) return fail(rc, "search: load");
      auto r = row_record(st.value());
      if (!r) return r.err();
      fill_search_text(*r);
      p.items.push_back({r->kind, r->id, r->title, snippet(r->title, q, 1000), snippet(r->text, q), ranked[i].first});
    }
    if (end < ranked.size()) p.next_cursor = offset_cursor(end);
    return p;
  }

  result<std::vector<audit_entry>> audit_log(std::string_view kind = {}, std::string_view id = {},
                                             std::size_t limit = 100) override {
    std::lock_guard lock(mu_);
    auto st = prepare(
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
      auto prev = st->str(7);
      a.previous = prev.empty() ? json(nullptr) : json_io::parse(prev).value_or(json(nullptr));
      out.push_back(std::move(a));
    }
    if (rc != SQLITE_DONE) return fail(rc, "audit_log");
    return out;
  }

  result<void> transaction(const std::function<result<void>()>& fn) override {
    std::lock_guard lock(mu_);
    return in_tx(fn);
  }

 private:
  static constexpr std::size_t df_cap = 100;
  static constexpr const char* columns =
      "e.kind, e.id, e.version, e.body, e.unit, e.parent, e.sub_kind, e.category, e.state, e.sort_key, e.day, "
      "e.doc_type, e.doc_level, e.doc_status, e.archived";

  explicit sqlite_store(sqlite_options opt) : opt_(opt) {}

  result<void> open_impl(const std::filesystem::path& path) {
    std::error_code ec;
    auto dir = path.parent_path();
    if (!dir.empty() && !std::filesystem::exists(dir, ec)) {
      std::filesystem::create_directories(dir, ec);
      if (ec) {
        bool ro = ec == std::errc::permission_denied || ec == std::errc::read_only_file_system;
        return error(ro ? errc::read_only : errc::io_error, {}, "Không tạo được thư mục dữ liệu " + dir.string(),
                     "Cannot create the data directory " + dir.string() + ": " + ec.message());
      }
    }
    bool existed = std::filesystem::exists(path, ec);
    auto dir_check = dir.empty() ? std::filesystem::path(".") : dir;
    if (::access(dir_check.c_str(), W_OK) != 0 && (errno == EACCES || errno == EROFS || errno == EPERM))
      return error(errc::read_only, {}, "Thư mục dữ liệu chỉ đọc: " + dir_check.string(),
                   "The data directory is read-only: " + dir_check.string());
    // A new database holds askers' contact details: it is created owner-only (0600), before SQLite
    // opens it, and its -wal and -shm files inherit that mode from it.
    if (!existed) {
      int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
      if (fd >= 0) ::close(fd);
    }
    int rc = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) return sqlite_detail::make_error(rc, "open " + path.string());
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, opt_.busy_timeout_ms);
    // The first read of the header: a non-SQLite file fails here, before anything is written.
    int app = 0, ver = 0;
    {
      auto a = pragma_checked("PRAGMA application_id");
      if (!a) return a.err();
      app = *a;
      auto v = pragma_checked("PRAGMA user_version");
      if (!v) return v.err();
      ver = *v;
    }
    if (ver > sqlite_detail::current_schema)
      return error(errc::unsupported_version, {},
                   "Cơ sở dữ liệu được tạo bởi phiên bản pbgdpl mới hơn (lược đồ " + std::to_string(ver) +
                       ", phiên bản này hỗ trợ đến " + std::to_string(sqlite_detail::current_schema) + ")",
                   "The database was made by a newer pbgdpl (schema " + std::to_string(ver) + ", this one supports up to " +
                       std::to_string(sqlite_detail::current_schema) + ")");
    if (existed && app != sqlite_detail::application_id) {
      auto n = pragma_checked("SELECT count(*) FROM sqlite_master");
      if (!n) return n.err();
      if (app != 0 || *n > 0)
        return error(errc::corrupt, {}, "Tệp này là cơ sở dữ liệu SQLite của chương trình khác, không phải của pbgdpl",
                     "This SQLite file belongs to another program, not pbgdpl");
    }
    for (const char* p : {"PRAGMA journal_mode=WAL", "PRAGMA foreign_keys=ON"}) {
      auto r = exec(p);
      if (!r) return r.err();
    }
    if (auto cs = exec("PRAGMA cache_size=-" + std::to_string(opt_.cache_kib)); !cs) return cs.err();
    auto r = exec(opt_.synchronous_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
    if (!r) return r.err();
    if (opt_.max_page_count > 0) {
      auto m = exec("PRAGMA max_page_count=" + std::to_string(opt_.max_page_count));
      if (!m) return m.err();
    }
    if (auto reg = register_score(); !reg) return reg;
    if (auto m = migrate(ver); !m) return m;
    schema_ = pragma_int("PRAGMA user_version");
    return {};
  }

  result<void> register_score() {
    fts5_api* api = nullptr;
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, "SELECT fts5(?1)", -1, &s, nullptr) != SQLITE_OK)
      return error(errc::internal, {}, "SQLite không có FTS5", "SQLite lacks FTS5");
    sqlite3_bind_pointer(s, 1, static_cast<void*>(&api), "fts5_api_ptr", nullptr);
    sqlite3_step(s);
    sqlite3_finalize(s);
    if (!api || api->iVersion < 2) return error(errc::internal, {}, "SQLite không có FTS5", "SQLite lacks FTS5 (v2 API)");
    api->xCreateFunction(api, "pbgdpl_score", nullptr, &sqlite_detail::score_function, nullptr);
    // pbgdpl_has_terms(rowid): whether the row is in every row set the running search checks.
    auto has_terms = [](sqlite3_context* ctx, int, sqlite3_value** v) {
      auto self = static_cast<sqlite_store*>(sqlite3_user_data(ctx));
      auto row = sqlite3_value_int64(v[0]);
      bool all = true;
      for (const auto* rows : self->checking_) all = all && rows->has(row);
      sqlite3_result_int(ctx, all ? 1 : 0);
    };
    if (sqlite3_create_function(db_, "pbgdpl_has_terms", 1, SQLITE_UTF8 | SQLITE_DIRECTONLY, this, has_terms, nullptr, nullptr) !=
        SQLITE_OK)
      return fail(sqlite3_errcode(db_), "register");
    return {};
  }

  // Schema steps, oldest first. Append only: a released step never changes.
  result<void> migrate(int from) {
    int target = std::min(opt_.schema_version, sqlite_detail::current_schema);
    if (from >= target) return {};
    return in_tx([&]() -> result<void> {
      for (int v = from + 1; v <= target; ++v) {
        auto r = v == 1 ? migration_1() : v == 2 ? migration_2() : v == 3 ? migration_3() : migration_4();
        if (!r) return r;
        auto s = exec("PRAGMA user_version=" + std::to_string(v));
        if (!s) return s;
      }
      return exec("PRAGMA application_id=" + std::to_string(sqlite_detail::application_id));
    });
  }

  result<void> migration_1() {
    return exec_script(R"sql(
CREATE TABLE entities(
  seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL,
  unit TEXT NOT NULL DEFAULT '', parent TEXT NOT NULL DEFAULT '',
  sub_kind TEXT NOT NULL DEFAULT '', category TEXT NOT NULL DEFAULT '', state TEXT NOT NULL DEFAULT '',
  sort_key TEXT NOT NULL DEFAULT '', day TEXT NOT NULL DEFAULT '', doc_type TEXT NOT NULL DEFAULT '',
  doc_level TEXT NOT NULL DEFAULT '', doc_status TEXT NOT NULL DEFAULT '', archived INTEGER NOT NULL DEFAULT 0,
  -- Last: filters read the columns before it without walking the JSON's overflow pages.
  body TEXT NOT NULL,
  UNIQUE(kind, id));
CREATE INDEX entities_list ON entities(kind, sort_key, id);
CREATE INDEX entities_unit ON entities(unit);
CREATE INDEX entities_parent ON entities(parent) WHERE kind = 'unit';
CREATE TABLE entity_fields(entity INTEGER NOT NULL REFERENCES entities(seq) ON DELETE CASCADE, field TEXT NOT NULL);
CREATE INDEX entity_fields_by_entity ON entity_fields(entity);
CREATE INDEX entity_fields_by_field ON entity_fields(field, entity);
CREATE TABLE audit_log(seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, actor TEXT NOT NULL,
  kind TEXT NOT NULL, id TEXT NOT NULL, action TEXT NOT NULL, version INTEGER NOT NULL, previous TEXT);
CREATE INDEX audit_by_entity ON audit_log(kind, id, seq);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
)sql");
  }

  // Search: exact and folded title/body columns, the title keys, then index what v1 stored.
  result<void> migration_2() {
    auto r = exec_script(R"sql(
ALTER TABLE entities ADD COLUMN title_key TEXT NOT NULL DEFAULT '';
ALTER TABLE entities ADD COLUMN title_fold TEXT NOT NULL DEFAULT '';
CREATE INDEX entities_title_key ON entities(title_key);
CREATE INDEX entities_title_fold ON entities(title_fold);
CREATE VIRTUAL TABLE search_fts USING fts5(title_e, title_f, body_e, body_f, tokenize = 'unicode61 remove_diacritics 0');
CREATE VIRTUAL TABLE search_vocab USING fts5vocab(search_fts, 'row');
)sql");
    if (!r) return r;
    std::vector<std::pair<std::int64_t, record>> rows;
    {
      auto st = prepare("SELECT e.seq, " + std::string(columns) + " FROM entities e");
      if (!st) return st.err();
      int rc;
      while ((rc = st->step()) == SQLITE_ROW) {
        auto rec = row_record(st.value(), 1);
        if (!rec) return rec.err();
        rows.emplace_back(st->i64(0), std::move(*rec));
      }
      if (rc != SQLITE_DONE) return fail(rc, "migration 2");
    }
    for (auto& [seq, rec] : rows) {
      fill_search_text(rec);
      if (auto w = index_search(seq, rec, false); !w) return w;
    }
    return {};
  }

  // Titles alone, in a small contentless index of their own: "all terms in the title" walks
  // only title postings. Over the main index it walked every body posting of the query's words
  // when they never met in a title (80-100 ms for a phrase of common words on 100k articles).
  // Contentless: the indexed values are entities.title_key/title_fold, which a delete replays.
  result<void> migration_3() {
    return exec_script(R"sql(
CREATE VIRTUAL TABLE title_fts USING fts5(title_e, title_f, content = '', tokenize = 'unicode61 remove_diacritics 0');
INSERT INTO title_fts(rowid, title_e, title_f)
  SELECT e.seq, e.title_key, e.title_fold FROM entities e WHERE e.seq IN (SELECT rowid FROM search_fts);
)sql");
  }

  // Legal documents gained an editorial state; the ones stored before were published acts.
  result<void> migration_4() {
    return exec("UPDATE entities SET state = 'published' WHERE kind = 'legal_document' AND state = ''");
  }

  // Indexes a record (migration 2). Writes set the title keys in their own INSERT/UPDATE and
  // call index_text: one row write fewer per article.
  result<void> index_search(std::int64_t seq, const record& r, bool titles = true) {
    if (!r.searchable) return {};
    auto t = index_form(r.title);
    auto k = prepare("UPDATE entities SET title_key = ?, title_fold = ? WHERE seq = ?");
    if (!k) return k.err();
    k->bind(1, t.exact).bind(2, t.folded).bind(3, seq);
    if (int rc = k->step(); rc != SQLITE_DONE) return fail(rc, "index");
    return index_text(seq, t, r, titles);
  }

  result<void> index_text(std::int64_t seq, const indexed_text& t, const record& r, bool titles = true) {
    auto b = index_form(r.text);
    auto st = prepare("INSERT INTO search_fts(rowid, title_e, title_f, body_e, body_f) VALUES(?, ?, ?, ?, ?)");
    if (!st) return st.err();
    st->bind(1, seq).bind(2, t.exact).bind(3, t.folded).bind(4, b.exact).bind(5, b.folded);
    if (int rc = st->step(); rc != SQLITE_DONE) return fail(rc, "index");
    if (!titles || schema_ < 3) return {};
    auto tt = prepare("INSERT INTO title_fts(rowid, title_e, title_f) VALUES(?, ?, ?)");
    if (!tt) return tt.err();
    tt->bind(1, seq).bind(2, t.exact).bind(3, t.folded);
    if (int rc = tt->step(); rc != SQLITE_DONE) return fail(rc, "index: titles");
    return {};
  }

  result<void> write_impl(write_op op, const record& r, std::uint64_t expected, std::string_view actor) {
    std::int64_t seq = 0;
    std::uint64_t stored = 0;
    std::string previous, old_title_key, old_title_fold;
    bool was_searchable = false;
    if (op != write_op::create) {
      auto st = prepare("SELECT seq, version, body, title_key, title_fold FROM entities WHERE kind = ? AND id = ?");
      if (!st) return st.err();
      st->bind(1, r.kind).bind(2, r.id);
      int rc = st->step();
      if (rc == SQLITE_DONE) return not_found_error(r.kind, r.id);
      if (rc != SQLITE_ROW) return fail(rc, "write");
      seq = st->i64(0);
      stored = static_cast<std::uint64_t>(st->i64(1));
      previous = st->str(2);
      old_title_key = st->str(3);
      old_title_fold = st->str(4);
      was_searchable = searchable_fields(r.kind) != nullptr;
      bool version_ok = op == write_op::remove ? (expected == 0 || stored == expected)
                                               : (stored == expected && r.version == expected + 1);
      if (!version_ok) return conflict_error(r.kind, r.id, expected, stored);
    }
    if (was_searchable)
      if (auto u = unindex(seq, old_title_key, old_title_fold); !u) return u;
    if (op == write_op::remove) {
      auto d = prepare("DELETE FROM entities WHERE seq = ?");
      if (!d) return d.err();
      d->bind(1, seq);
      if (int rc = d->step(); rc != SQLITE_DONE) return fail(rc, "remove");
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
      auto st = prepare(sql);
      if (!st) return st.err();
      st->bind(1, r.unit).bind(2, r.parent).bind(3, r.sub_kind).bind(4, r.category).bind(5, r.state);
      st->bind(6, r.sort_key).bind(7, r.day).bind(8, r.doc_type).bind(9, r.doc_level).bind(10, r.doc_status);
      st->bind(11, std::int64_t{r.archived ? 1 : 0}).bind(12, body).bind(13, static_cast<std::int64_t>(r.version));
      st->bind(14, title_forms.exact).bind(15, title_forms.folded).bind(16, r.kind).bind(17, r.id);
      int rc = st->step();
      if (rc != SQLITE_DONE) {
        auto e = fail(rc, "write");
        if (e.code == errc::already_exists)
          return error(errc::already_exists, "/id", "Đã có " + r.kind + " \"" + r.id + "\"", "A " + r.kind + " \"" + r.id + "\" already exists");
        return e;
      }
      if (op == write_op::create) seq = sqlite3_last_insert_rowid(db_);
      if (op != write_op::create) {
        auto d = prepare("DELETE FROM entity_fields WHERE entity = ?");
        if (!d) return d.err();
        d->bind(1, seq);
        if (int rc2 = d->step(); rc2 != SQLITE_DONE) return fail(rc2, "write: fields");
      }
      for (const auto& f : r.fields) {
        auto fi = prepare("INSERT INTO entity_fields(entity, field) VALUES(?, ?)");
        if (!fi) return fi.err();
        fi->bind(1, seq).bind(2, f);
        if (int rc2 = fi->step(); rc2 != SQLITE_DONE) return fail(rc2, "write: fields");
      }
      if (r.searchable && !r.archived)
        if (auto w = index_text(seq, title_forms, r); !w) return w;
    }
    auto a = prepare("INSERT INTO audit_log(at, actor, kind, id, action, version, previous) VALUES(?,?,?,?,?,?,?)");
    if (!a) return a.err();
    a->bind(1, format_timestamp_utc(now())).bind(2, actor).bind(3, r.kind).bind(4, r.id).bind(5, to_string(op));
    a->bind(6, static_cast<std::int64_t>(op == write_op::remove ? stored : r.version));
    if (previous.empty()) a->bind_null(7);
    else a->bind(7, previous);
    if (int rc = a->step(); rc != SQLITE_DONE) return fail(rc, "audit");
    return {};
  }

  // Takes a record out of both indexes if it is in them. The contentless title index must be
  // told the exact values it indexed, and only for a row it holds: search_fts says which.
  result<void> unindex(std::int64_t seq, const std::string& title_key, const std::string& title_fold) {
    bool indexed = false;
    {
      auto q = prepare("SELECT 1 FROM search_fts WHERE rowid = ?");
      if (!q) return q.err();
      q->bind(1, seq);
      int rc = q->step();
      if (rc != SQLITE_ROW && rc != SQLITE_DONE) return fail(rc, "write: search index");
      indexed = rc == SQLITE_ROW;
    }
    if (!indexed) return {};
    auto d = prepare("DELETE FROM search_fts WHERE rowid = ?");
    if (!d) return d.err();
    d->bind(1, seq);
    if (int rc = d->step(); rc != SQLITE_DONE) return fail(rc, "write: search index");
    if (schema_ < 3) return {};
    auto t = prepare("INSERT INTO title_fts(title_fts, rowid, title_e, title_f) VALUES('delete', ?, ?, ?)");
    if (!t) return t.err();
    t->bind(1, seq).bind(2, title_key).bind(3, title_fold);
    if (int rc = t->step(); rc != SQLITE_DONE) return fail(rc, "write: title index");
    return {};
  }

  // Runs fn in a transaction (BEGIN IMMEDIATE: a writer takes the write lock before reading, so
  // a read-modify-write never fails late on a stale snapshot), or a savepoint when nested.
  result<void> in_tx(const std::function<result<void>()>& fn) {
    bool outer = depth_ == 0;
    auto begin = exec(outer ? "BEGIN IMMEDIATE" : "SAVEPOINT nested");
    if (!begin) return begin;
    ++depth_;
    result<void> r;
    try {
      r = fn();
    } catch (...) {
      --depth_;
      rollback(outer);
      throw;
    }
    --depth_;
    if (!r) {
      rollback(outer);
      return r;
    }
    auto c = exec(outer ? "COMMIT" : "RELEASE nested");
    if (!c) {
      rollback(outer);
      return c;
    }
    return {};
  }

  void rollback(bool outer) {
    if (outer) {
      if (!sqlite3_get_autocommit(db_)) (void)exec("ROLLBACK");
    } else {
      (void)exec("ROLLBACK TO nested");
      (void)exec("RELEASE nested");
    }
  }

  result<record> row_record(const sqlite_detail::stmt& st, int c = 0) {
    record r;
    r.kind = st.str(c + 0);
    r.id = st.str(c + 1);
    r.version = static_cast<std::uint64_t>(st.i64(c + 2));
    auto body = json_io::parse(st.str(c + 3));
    if (!body) return error(errc::corrupt, {}, "Bản ghi " + r.kind + "/" + r.id + " bị hỏng", "Record " + r.kind + "/" + r.id + " is corrupt");
    r.body = std::move(*body);
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

  static void bind_any(sqlite_detail::stmt& st, int i, const sqlite_detail::bind_value& v) { st.bind(i, v); }

  result<sqlite_detail::stmt> prepare(const std::string& sql) {
    auto it = cache_.find(sql);
    if (it == cache_.end()) {
      sqlite3_stmt* s = nullptr;
      int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &s, nullptr);
      if (rc != SQLITE_OK) return fail(rc, "prepare");
      it = cache_.emplace(sql, s).first;
    }
    return sqlite_detail::stmt(db_, it->second);
  }

  error fail(int rc, std::string_view what) {
    int ext = sqlite3_extended_errcode(db_);
    return sqlite_detail::make_error(ext != SQLITE_OK ? ext : rc, what, sqlite3_errmsg(db_));
  }

  // A query error from FTS5 is a bug in how the expression was built, never the user's fault;
  // it is still reported cleanly and in both languages.
  error search_fail(int rc) {
    auto e = fail(rc, "search");
    if (e.code == errc::internal)
      return error(errc::invalid_argument, "/q", "Không xử lý được câu tìm kiếm này", "This search query cannot be processed");
    return e;
  }

  result<void> exec(const std::string& sql) {
    char* msg = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &msg);
    std::unique_ptr<char, decltype(&sqlite3_free)> guard(msg, &sqlite3_free);
    if (rc != SQLITE_OK) return sqlite_detail::make_error(sqlite3_extended_errcode(db_), sql, msg);
    return {};
  }
  result<void> exec_script(const char* sql) { return exec(sql); }

  result<int> pragma_checked(const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    int rc = sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr);
    std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> guard(s, &sqlite3_finalize);
    if (rc != SQLITE_OK) return sqlite_detail::make_error(sqlite3_extended_errcode(db_), sql, sqlite3_errmsg(db_));
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) return sqlite3_column_int(s, 0);
    if (rc == SQLITE_DONE) return 0;
    return sqlite_detail::make_error(sqlite3_extended_errcode(db_), sql, sqlite3_errmsg(db_));
  }
  int pragma_int(const std::string& sql) { return pragma_checked(sql).value_or(-1); }

  // The rows an index holds for one term (see search()): a bitmap over rowids.
  struct row_set {
    std::vector<std::uint64_t> bits;
    bool has(std::int64_t row) const {
      auto w = static_cast<std::uint64_t>(row) >> 6;
      return row >= 0 && w < bits.size() && ((bits[w] >> (static_cast<std::uint64_t>(row) & 63)) & 1);
    }
  };

  // Drops the cached row sets when the database changed since they were built: through this
  // connection (total_changes counts every row written, even rolled back) or through another
  // one (data_version). Called outside transactions only.
  result<void> refresh_term_rows() {
    auto dv = pragma_checked("PRAGMA data_version");
    if (!dv) return dv.err();
    auto changes = sqlite3_total_changes64(db_);
    if (*dv != term_rows_version_ || changes != term_rows_changes_) {
      term_rows_.clear();
      term_rows_version_ = *dv;
      term_rows_changes_ = changes;
    }
    return {};
  }

  // The cached row set of `phrase` (an FTS5 phrase) in `table`, built by one index scan. Never
  // evicts (the caller makes room), so pointers it returned earlier stay valid.
  result<const row_set*> term_rows(const std::string& table, const std::string& phrase) {
    auto key = table + '\n' + phrase;
    if (auto it = term_rows_.find(key); it != term_rows_.end()) return &it->second;
    auto st = prepare("SELECT rowid FROM " + table + " WHERE " + table + " MATCH ?");
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
    if (rc != SQLITE_DONE) return search_fail(rc);
    return &term_rows_.emplace(std::move(key), std::move(rows)).first->second;
  }

  sqlite_options opt_;
  sqlite3* db_ = nullptr;
  std::recursive_mutex mu_;
  int depth_ = 0;
  int schema_ = 0;  // after migration; below 3 only in tests that build older databases
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
  std::unordered_map<std::string, row_set> term_rows_;
  int term_rows_version_ = -1;
  std::int64_t term_rows_changes_ = -1;
  std::vector<const row_set*> checking_;  // the row sets pbgdpl_has_terms reads
};

// The demo's and a school server's store: the file (and its directory) are created when missing
// and reused when present, e.g. open_sqlite_store("var/pbgdpl.db").
inline result<std::unique_ptr<sqlite_store>> open_sqlite_store(const std::filesystem::path& path, sqlite_options opt = {}) {
  return sqlite_store::open(path, opt);
}

}  // namespace store
PBGDPL_NAMESPACE_END
