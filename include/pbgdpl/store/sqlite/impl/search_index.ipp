// Bodies of store/sqlite/search_index.hpp: compiled once into the store tier
// (src/store/sqlite.cpp), or included by the header in header-only builds.
#pragma once
#include "../search_index.hpp"
#include "../row_scorer.hpp"
#include "../../kinds.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include <sqlite3.h>

PBGDPL_NAMESPACE_BEGIN
namespace store {
namespace sqlite_detail {

// BM25 over the phrases of each term (folded, then exact when it differs), with column weights:
// title above body, exact accents above folded. Arguments: for each term, its estimated document
// frequency and its number of phrases (2, or 1 when both forms are the same tokens, as for
// anything typed without accents). Document frequencies come in from the caller so no call
// scans a whole doclist, which is what makes bm25() slow on common terms.
// Columns: 0 title exact, 1 title folded, 2 body exact, 3 body folded; title_fts has the first
// two only. Phrases carry no column filter: a folded token only occurs in a folded column, or in
// an exact one where the text itself was typed without marks, which is an exact match.
PBGDPL_DECL void score_function(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_context* ctx, int nval,
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
  double norm = bm25_norm(static_cast<double>(dl), avg);
  double s = 0;
  for (int t = 0, p = 0; t < nterm; ++t) {
    double df = std::min(sqlite3_value_double(vals[2 * t]), static_cast<double>(nrow));
    int n = sqlite3_value_int(vals[2 * t + 1]) == 1 ? 1 : 2;
    if (p + n > nphrase) break;
    int pf = p, pe = p + n - 1;
    p += n;
    double idf = bm25_idf(df, static_cast<double>(nrow));
    double w = 4.0 * tf[pf][1] + 1.0 * tf[pf][3] + 6.0 * tf[pe][0] + 1.5 * tf[pe][2];
    s += bm25_part(idf, w, norm);
  }
  sqlite3_result_double(ctx, s);
}

// pbgdpl_stats(search_fts, 0) is the index's row count, (search_fts, 1) its token total (all
// columns), as pbgdpl_score sees them: the lists' scores and bounds use the same.
PBGDPL_DECL void stats_function(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_context* ctx, int nval,
                                sqlite3_value** vals) {
  sqlite3_int64 nrow = 0, total = 0;
  api->xRowCount(fts, &nrow);
  api->xColumnTotalSize(fts, -1, &total);
  int which = nval > 0 ? sqlite3_value_int(vals[0]) : 0;
  sqlite3_result_double(ctx, static_cast<double>(which == 0 ? nrow : total));
}

PBGDPL_DECL std::string fts_phrase(const std::vector<std::string>& toks, bool prefix) {
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

PBGDPL_DECL bool has_exact_phrase(const search_term& t) { return t.exact != t.folded; }

PBGDPL_DECL std::string match_expression(const parsed_query& q) {
  std::string e;
  for (const auto& t : q.terms) {
    if (!e.empty()) e += " AND ";
    if (has_exact_phrase(t)) e += "(" + fts_phrase(t.folded, t.prefix) + " OR " + fts_phrase(t.exact, t.prefix) + ")";
    else e += fts_phrase(t.folded, t.prefix);
  }
  return e;
}

PBGDPL_DECL sql_filter build_filter(const filter& f) {
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
      // The unit kind is written into the SQL, not bound: only then can SQLite see that the
      // walk matches the partial index entities_parent (WHERE kind = 'unit').
      s.cte = "WITH RECURSIVE sub(id) AS (SELECT ? UNION SELECT c.id FROM entities c JOIN sub ON c.parent = sub.id "
              "WHERE c.kind = '" + std::string(entity_traits<unit>::kind) + "') ";
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
  if (f.visible_at) {  // an article's sort key is its publication time (entity_traits<article>::index)
    s.where += " AND NOT (e.kind = '" + std::string(entity_traits<article>::kind) + "' AND e.sort_key > ?)";
    s.binds.push_back(detail::ts_key(*f.visible_at));
  }
  return s;
}

PBGDPL_DECL result<void> expand_units(connection& db, filter& f) {
  if (!f.unit || !f.include_descendants) return {};
  auto st = db.prepare("WITH RECURSIVE sub(id) AS (SELECT ? UNION SELECT c.id FROM entities c JOIN sub ON c.parent = sub.id "
                       "WHERE c.kind = '" + std::string(entity_traits<unit>::kind) + "') SELECT id FROM sub");
  if (!st) return st.err();
  st->bind(1, *f.unit);
  std::vector<std::string> ids;
  int rc;
  while ((rc = st->step()) == SQLITE_ROW) ids.push_back(st->str(0));
  if (rc != SQLITE_DONE) return db.fail(rc, "search: units");
  if (!f.unit_in.empty()) {
    std::vector<std::string> both;
    for (auto& u : ids)
      if (std::find(f.unit_in.begin(), f.unit_in.end(), u) != f.unit_in.end()) both.push_back(std::move(u));
    ids = std::move(both);
    if (ids.empty()) ids.push_back("\x01");  // no unit is in both: a value no record has
  }
  f.unit_in = std::move(ids);
  f.unit.reset();
  return {};
}

PBGDPL_DECL void bind_each(statement& st, int& i, const std::vector<std::string>& values) {
  for (const auto& v : values) st.bind(i++, v);
}

// --- search_index ------------------------------------------------------------------------------

PBGDPL_DECL result<void> search_index::register_functions() {
  fts5_api* api = nullptr;
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db_.handle(), "SELECT fts5(?1)", -1, &s, nullptr) != SQLITE_OK)
    return error(errc::internal, {}, "SQLite không có FTS5", "SQLite lacks FTS5");
  sqlite3_bind_pointer(s, 1, static_cast<void*>(&api), "fts5_api_ptr", nullptr);
  sqlite3_step(s);
  sqlite3_finalize(s);
  if (!api || api->iVersion < 2) return error(errc::internal, {}, "SQLite không có FTS5", "SQLite lacks FTS5 (v2 API)");
  api->xCreateFunction(api, "pbgdpl_score", nullptr, &score_function, nullptr);
  api->xCreateFunction(api, "pbgdpl_stats", nullptr, &stats_function, nullptr);
  if (auto t = impacts_.open(api); !t) return t;
  return {};
}

PBGDPL_DECL result<void> search_index::add(std::int64_t seq, const indexed_text& t, const record& r, bool titles) {
  auto b = index_form(r.text);
  auto st = db_.prepare("INSERT INTO search_fts(rowid, title_e, title_f, body_e, body_f) VALUES(?, ?, ?, ?, ?)");
  if (!st) return st.err();
  st->bind(1, seq).bind(2, t.exact).bind(3, t.folded).bind(4, b.exact).bind(5, b.folded);
  if (int rc = st->step(); rc != SQLITE_DONE) return db_.fail(rc, "index");
  if (schema_ >= 6)
    if (auto c = add_citations(seq, r); !c) return c;
  if (auto i = impacts_.add(seq, t.exact, t.folded, b.exact, b.folded); !i) return i;
  if (!titles || schema_ < 3 || schema_ >= 7) return {};  // title_fts: schemas 3 to 6
  auto tt = db_.prepare("INSERT INTO title_fts(rowid, title_e, title_f) VALUES(?, ?, ?)");
  if (!tt) return tt.err();
  tt->bind(1, seq).bind(2, t.exact).bind(3, t.folded);
  if (int rc = tt->step(); rc != SQLITE_DONE) return db_.fail(rc, "index: titles");
  return {};
}

PBGDPL_DECL result<void> search_index::add_citations(std::int64_t seq, const record& r) {
  if (!r.number_key.empty()) {
    auto k = db_.prepare("UPDATE entities SET number_key = ? WHERE seq = ?");
    if (!k) return k.err();
    k->bind(1, r.number_key).bind(2, seq);
    if (int rc = k->step(); rc != SQLITE_DONE) return db_.fail(rc, "index: number");
  }
  for (const auto& c : r.cites) {
    auto st = db_.prepare("INSERT INTO search_cites(entity, target) VALUES(?, ?)");
    if (!st) return st.err();
    st->bind(1, seq).bind(2, c);
    if (int rc = st->step(); rc != SQLITE_DONE) return db_.fail(rc, "index: citations");
  }
  return {};
}

PBGDPL_DECL result<void> search_index::add_with_keys(std::int64_t seq, const record& r, bool titles) {
  if (!r.searchable) return {};
  auto t = index_form(r.title);
  auto k = db_.prepare("UPDATE entities SET title_key = ?, title_fold = ? WHERE seq = ?");
  if (!k) return k.err();
  k->bind(1, t.exact).bind(2, t.folded).bind(3, seq);
  if (int rc = k->step(); rc != SQLITE_DONE) return db_.fail(rc, "index");
  return add(seq, t, r, titles);
}

PBGDPL_DECL result<void> search_index::remove(std::int64_t seq, const std::string& title_key, const std::string& title_fold) {
  bool indexed = false;
  {
    auto q = db_.prepare("SELECT 1 FROM search_fts WHERE rowid = ?");
    if (!q) return q.err();
    q->bind(1, seq);
    int rc = q->step();
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return db_.fail(rc, "write: search index");
    indexed = rc == SQLITE_ROW;
  }
  if (!indexed) return {};
  if (auto i = impacts_.remove(seq); !i) return i;
  if (schema_ >= 6) {  // an archived record is not found by its number and cites nothing
    for (const char* sql : {"DELETE FROM search_cites WHERE entity = ?", "UPDATE entities SET number_key = '' WHERE seq = ? AND number_key <> ''"}) {
      auto c = db_.prepare(sql);
      if (!c) return c.err();
      c->bind(1, seq);
      if (int rc = c->step(); rc != SQLITE_DONE) return db_.fail(rc, "write: citations");
    }
  }
  auto d = db_.prepare("DELETE FROM search_fts WHERE rowid = ?");
  if (!d) return d.err();
  d->bind(1, seq);
  if (int rc = d->step(); rc != SQLITE_DONE) return db_.fail(rc, "write: search index");
  if (schema_ < 3 || schema_ >= 7) return {};
  auto t = db_.prepare("INSERT INTO title_fts(title_fts, rowid, title_e, title_f) VALUES('delete', ?, ?, ?)");
  if (!t) return t.err();
  t->bind(1, seq).bind(2, title_key).bind(3, title_fold);
  if (int rc = t->step(); rc != SQLITE_DONE) return db_.fail(rc, "write: title index");
  return {};
}

// A row's score costs about one phrase look-up per term: the row caps are for queries of up to
// two terms and shrink with more (never below a tenth), so a long query costs what a short one does.
PBGDPL_DECL std::size_t per_term_share(std::size_t cap, std::size_t terms) {
  if (terms <= 2) return cap;
  return std::max(cap / 10, cap * 2 / terms);
}

PBGDPL_DECL result<void> search_index::score_rows(const std::string& sql_head, const std::string& sql_tail,
                                                  const std::vector<std::string>& cte_binds, const std::vector<double>& score_args,
                                                  const std::string& match, const std::vector<std::string>& tail_binds,
                                                  const std::vector<std::int64_t>& seqs, std::unordered_map<std::int64_t, double>& out) {
  // A fixed number of placeholders, so one cached statement serves every batch (seq 0 is no row).
  constexpr std::size_t batch = 64;
  std::string in = " AND search_fts.rowid IN (";
  for (std::size_t i = 0; i < batch; ++i) in += i ? ",?" : "?";
  in += ")";
  auto st = db_.prepare(sql_head + in + sql_tail);
  if (!st) return st.err();
  for (std::size_t from = 0; from < seqs.size(); from += batch) {
    int i = 1;
    bind_each(*st, i, cte_binds);
    for (double d : score_args) st->bind(i++, d);
    st->bind(i++, match);
    for (std::size_t k = 0; k < batch; ++k) st->bind(i++, from + k < seqs.size() ? seqs[from + k] : std::int64_t{0});
    bind_each(*st, i, tail_binds);
    int rc;
    while ((rc = st->step()) == SQLITE_ROW) out[st->i64(0)] = st->dbl(1);
    if (rc != SQLITE_DONE) return search_error(rc);
  }
  return {};
}

PBGDPL_DECL result<std::optional<std::pair<double, double>>> search_index::index_stats(const std::string& match) {
  auto st = db_.prepare("SELECT pbgdpl_stats(search_fts, 0), pbgdpl_stats(search_fts, 1) FROM search_fts WHERE search_fts MATCH ? LIMIT 1");
  if (!st) return st.err();
  st->bind(1, match);
  int rc = st->step();
  if (rc == SQLITE_DONE) return std::optional<std::pair<double, double>>{};
  if (rc != SQLITE_ROW) return search_error(rc);
  double nrow = st->dbl(0), total = st->dbl(1);
  return std::optional<std::pair<double, double>>{std::pair{nrow, nrow > 0 && total > 0 ? total / nrow : 1.0}};  // as score_function
}

PBGDPL_DECL result<std::vector<scored_row>> search_index::rank(const parsed_query& q, const std::vector<std::string>& kinds,
                                                               bool all_kinds, std::size_t best) {
  last_ = {};
  // Rows this transaction indexed are in the lists before they are read.
  if (impacts_.pending())
    if (auto fl = impacts_.flush(); !fl) return fl.err();
  // The estimate is part of the scoring: exhaustive scoring uses the same.
  std::int64_t max_rowid = 0;
  auto estimated = estimate_dfs(db_, q, max_rowid);
  if (!estimated) return estimated.err();
  const std::vector<double>& dfs = *estimated;  // per term
  std::vector<double> score_args;  // per term: document frequency, phrase count
  for (std::size_t t = 0; t < q.terms.size(); ++t) {
    score_args.push_back(dfs[t]);
    score_args.push_back(has_exact_phrase(q.terms[t]) ? 2.0 : 1.0);
  }

  auto f = build_filter(q.where);
  std::string kind_in = " AND e.kind IN (";
  for (std::size_t i = 0; i < kinds.size(); ++i) kind_in += i ? ",?" : "?";
  kind_in += ")";
  // "+e.kind": the title index, not the kind index, must drive the title lookup.
  auto title_kind_in = " AND +e.kind" + kind_in.substr(std::string(" AND e.kind").size());
  // Only searchable, unarchived records are in the index: with no filter and every kind, the
  // matches need no look-up in entities at all.
  bool join = !all_kinds || !f.cte.empty() || !f.binds.empty();
  std::vector<std::string> tail_binds;
  if (join) {
    tail_binds = kinds;
    tail_binds.insert(tail_binds.end(), f.binds.begin(), f.binds.end());
  }
  std::string head = f.cte + "SELECT search_fts.rowid, pbgdpl_score(search_fts";
  for (std::size_t i = 0; i < score_args.size(); ++i) head += ", ?";
  head += join ? ") FROM search_fts CROSS JOIN entities e ON e.seq = search_fts.rowid WHERE search_fts MATCH ?"
               : ") FROM search_fts WHERE search_fts MATCH ?";
  std::string tail = join ? kind_in + f.where : "";
  std::string match = match_expression(q);
  // Rows scored from the impact lists are checked against the filters alone (64 per statement).
  // The rows come first and entities is read by rowid (CROSS JOIN keeps that order): written as
  // "e.seq IN (...)", SQLite 3.40 with statistics chose the kind index and read every article
  // (80-110 ms a statement at a million articles).
  std::string filter_sql = (f.cte.empty() ? std::string("WITH ") : f.cte + ", ") + "cand(seq) AS (VALUES ";
  for (std::size_t i = 0; i < 64; ++i) filter_sql += i ? ",(?)" : "(?)";
  filter_sql += ") SELECT e.seq FROM cand CROSS JOIN entities e ON e.seq = cand.seq WHERE 1" + tail;

  std::unordered_map<std::int64_t, double> scores;
  // Every match scored, newest first, up to `cap` rows (0: no cap), beside what is scored already.
  // Returns whether it reached every match.
  auto score_matches = [&](std::size_t cap) -> result<bool> {
    last_.exhaustive = true;
    auto st = db_.prepare(head + tail + (cap ? " ORDER BY search_fts.rowid DESC LIMIT ?" : ""));
    if (!st) return st.err();
    int i = 1;
    bind_each(*st, i, f.cte_binds);
    for (double d : score_args) st->bind(i++, d);
    st->bind(i++, match);
    bind_each(*st, i, tail_binds);
    if (cap) st->bind(i++, static_cast<std::int64_t>(cap));
    std::size_t n = 0;
    int rc;
    while ((rc = st->step()) == SQLITE_ROW) {
      scores[st->i64(0)] = st->dbl(1);  // FTS5's own score wins over any kept before
      ++n;
    }
    if (rc != SQLITE_DONE) return search_error(rc);
    last_.scored += n;
    return cap == 0 || n < cap;
  };

  // The order of preference: the impact lists' proof; else every match, but no more than
  // max_scored_matches of them (the newest), so no query costs more than that, whoever sends it;
  // past it the ranking is the best of the rows scored, and says so (search_page::approximate).
  bool proven = false;
  // A filter on a few units (a school's own search) keeps few rows: they are scored one by one
  // from their columns, every one of them, which is exact and costs what the unit holds. Walking
  // the words' matches instead would read a common word's whole doclist for a few of its rows.
  if (!opt_.exhaustive_search && impacts_.enabled() && !q.terms.empty() && !q.where.unit_in.empty()) {
    auto st = db_.prepare(f.cte + "SELECT e.seq FROM entities e WHERE 1" + kind_in + f.where + " LIMIT " +
                          std::to_string(opt_.max_filtered_rows + 1));
    if (!st) return st.err();
    int i = 1;
    bind_each(*st, i, f.cte_binds);
    bind_each(*st, i, kinds);
    bind_each(*st, i, f.binds);
    std::vector<std::int64_t> rows;
    int rc;
    while ((rc = st->step()) == SQLITE_ROW) rows.push_back(st->i64(0));
    if (rc != SQLITE_DONE) return db_.fail(rc, "search: filter");
    if (rows.size() <= opt_.max_filtered_rows) {
      auto stats = index_stats(match);
      if (!stats) return stats.err();
      if (*stats) {
        row_scorer here(impacts_, q, dfs, (*stats)->first, (*stats)->second);
        if (here.ok()) {
          if (auto r = here.score(db_, rows, scores); !r) return r.err();
          last_.scored = rows.size();
          last_.filtered = true;
          proven = true;
        }
      } else {
        proven = true;  // nothing matches
      }
    }
  }
  // A query with a word in few rows has few matches: scoring them all (FTS5 walks that word's
  // rows and seeks the others) is exact and costs about that word's rows. The lists would prove
  // the same only if that word's list held every row it is in; at a million articles a word in
  // 2,000 rows does not, and a selective AND of such words has fewer than k matches to prove with.
  double rarest = dfs.empty() ? 0 : *std::min_element(dfs.begin(), dfs.end());
  bool prefix_only = std::all_of(q.terms.begin(), q.terms.end(), [](const search_term& t) { return t.prefix; });
  // The frequency is an estimate (from where a word's newest matches lie): a word common in old
  // rows and gone from new ones looks rare, so this too stops at a cap and hands over.
  if (!proven && !opt_.exhaustive_search && rarest <= static_cast<double>(opt_.rare_word_rows) && !prefix_only) {
    auto all = score_matches(4 * opt_.rare_word_rows);
    if (!all) return all.err();
    proven = *all;
  }
  // Words each in many rows but rarely together (a pasted title at a million articles): if the
  // words were independent, this many rows would hold them all. Few: their matches are scored up
  // to rare_word_rows, which settles it when they are fewer; else the lists go on from there.
  double together = static_cast<double>(max_rowid);
  for (double df : dfs) together *= std::min(1.0, df / std::max(1.0, static_cast<double>(max_rowid)));
  if (!proven && !opt_.exhaustive_search && opt_.rare_word_rows > 0 && together <= 100 && !prefix_only) {
    auto all = score_matches(opt_.rare_word_rows);
    if (!all) return all.err();
    proven = *all;
  }
  if (!proven && !opt_.exhaustive_search && impacts_.enabled() && !q.terms.empty()) {
    auto r = rank_by_impacts(q, dfs, head, tail, f.cte_binds, score_args, match, tail_binds, filter_sql, best, scores);
    if (!r) return r.err();
    proven = *r;
  }
  if (!proven) {
    auto all = score_matches(opt_.exhaustive_search ? 0 : per_term_share(opt_.max_scored_matches, q.terms.size()));
    if (!all) return all.err();
    last_.approximate = !*all;
  }

  // The boost rules (search.hpp): a document whose number is in the query, then what
  // cites it, then a title equal to the query (accents included, then folded), then a title that
  // begins with the query's words; however common the words are. Each is one bounded look-up on
  // an indexed column; a row gets its highest boost once.
  std::unordered_map<std::int64_t, double> boosts;
  // `all_or_none`: the rule boosts only when it found fewer rows than its limit (the title
  // prefix rules: a beginning many titles share says nothing about which one is meant).
  auto lookup = [&](const std::string& cond, const std::vector<std::string>& args, double boost,
                    bool all_or_none = false) -> result<void> {
    std::string sql = f.cte + "SELECT e.seq FROM entities e WHERE " + cond + title_kind_in + f.where + " LIMIT " +
                      std::to_string(max_boosted_rows);
    auto st = db_.prepare(sql);
    if (!st) return st.err();
    int i = 1;
    bind_each(*st, i, f.cte_binds);
    bind_each(*st, i, args);
    bind_each(*st, i, kinds);
    bind_each(*st, i, f.binds);
    std::vector<std::int64_t> found;
    int rc;
    while ((rc = st->step()) == SQLITE_ROW) found.push_back(st->i64(0));
    if (rc != SQLITE_DONE) return db_.fail(rc, "search: boost");
    if (all_or_none && found.size() >= max_boosted_rows) return {};
    for (auto seq : found) {
      auto& b = boosts[seq];
      b = std::max(b, boost);
    }
    return {};
  };
  auto placeholders = [](std::size_t n) {
    std::string p = "(";
    for (std::size_t i = 0; i < n; ++i) p += i ? ",?" : "?";
    return p + ")";
  };
  if (schema_ >= 6 && !q.numbers.empty()) {
    // "<> ''" written out: only then may SQLite use the partial index on number_key.
    std::string in = placeholders(q.numbers.size());
    if (auto r = lookup("e.number_key IN " + in + " AND e.number_key <> ''", q.numbers, boost_number); !r) return r.err();
    std::vector<std::string> cited;
    for (const auto& n : q.numbers) cited.push_back("no:" + n);
    {
      auto st = db_.prepare("SELECT id FROM entities WHERE number_key IN " + in + " AND number_key <> '' AND archived = 0 LIMIT " +
                            std::to_string(max_boosted_rows));
      if (!st) return st.err();
      int i = 1;
      bind_each(*st, i, q.numbers);
      int rc;
      while ((rc = st->step()) == SQLITE_ROW) cited.push_back("id:" + st->str(0));
      if (rc != SQLITE_DONE) return db_.fail(rc, "search: numbers");
    }
    if (auto r = lookup("e.seq IN (SELECT entity FROM search_cites WHERE target IN " + placeholders(cited.size()) + ")", cited,
                        boost_cites_number);
        !r)
      return r.err();
  }
  if (auto r = lookup("e.title_key = ?", {q.exact_key}, boost_title_exact); !r) return r.err();
  if (auto r = lookup("e.title_fold = ?", {q.folded_key}, boost_title_folded); !r) return r.err();
  // A prefix at a word boundary: keys from "words " up to (not including) "words!" (' ' + 1).
  auto words = static_cast<std::size_t>(std::count(q.folded_key.begin(), q.folded_key.end(), ' ')) + 1;
  // The folded range (which holds the exact one) is counted first, up to prefix_range_cap: a
  // beginning more titles share gets no boost, and the filtered look-ups below then walk at most
  // that many index entries instead of every title of a common beginning.
  if (words >= min_title_prefix_words) {
    auto st = db_.prepare("SELECT count(*) FROM (SELECT 1 FROM entities WHERE title_fold >= ? AND title_fold < ? LIMIT " +
                          std::to_string(prefix_range_cap) + ")");
    if (!st) return st.err();
    st->bind(1, q.folded_key + " ");
    st->bind(2, q.folded_key + "!");
    if (int rc = st->step(); rc != SQLITE_ROW) return db_.fail(rc, "search: prefix range");
    if (static_cast<std::size_t>(st->i64(0)) < prefix_range_cap) {
      if (auto r = lookup("e.title_key >= ? AND e.title_key < ?", {q.exact_key + " ", q.exact_key + "!"}, boost_prefix_exact, true);
          !r)
        return r.err();
      if (auto r = lookup("e.title_fold >= ? AND e.title_fold < ?", {q.folded_key + " ", q.folded_key + "!"}, boost_prefix_folded,
                          true);
          !r)
        return r.err();
    }
  }
  // A boosted row the pruned scoring did not reach still gets its words' score (0 when it does
  // not match them all: a document found by its number alone).
  // From the rows' own columns (row_scorer): an FTS5 "MATCH ... AND rowid IN (...)" walked the
  // common words' doclists for each statement (seconds for a pasted title, benchmark). The
  // boost look-ups applied the filters already.
  {
    std::vector<std::int64_t> unscored;
    for (const auto& [seq, b] : boosts)
      if (!scores.count(seq)) unscored.push_back(seq);
    if (!unscored.empty()) {
      auto stats = index_stats(match);
      if (!stats) return stats.err();
      std::optional<row_scorer> here;
      if (*stats) here.emplace(impacts_, q, dfs, (*stats)->first, (*stats)->second);
      if (!*stats) {
        // Nothing matches every word: the boosted rows keep their boost alone.
      } else if (here->ok()) {
        if (auto r = here->score(db_, unscored, scores); !r) return r.err();
      } else if (auto r = score_rows(head, tail, f.cte_binds, score_args, match, tail_binds, unscored, scores); !r) {
        return r.err();
      }
    }
  }
  for (const auto& [seq, b] : boosts) scores[seq] += b;

  std::vector<scored_row> ranked;
  ranked.reserve(scores.size());
  for (auto& [row, s] : scores) ranked.push_back({s, row});
  auto end = std::min(ranked.size(), best);
  std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(end), ranked.end(),
                    [](const scored_row& a, const scored_row& b) { return a.score != b.score ? a.score > b.score : a.seq > b.seq; });
  return ranked;
}

// The top `best` of the matches through the impact lists: true when they proved it, else false
// (the caller scores every match). Every row of the query's lists gets an upper bound on its score,
// per term: its exact part when the row is listed under the term's own spelling (the entry's w and
// length give pbgdpl_score's number), else the weight its other list gives it or the lists' tau.
// Rows are taken best bound first: a row known for every term is checked against the filters only;
// any other is scored by the index. They stop when the next bound is below the best-th score. A
// row in no list is below the sum of the terms' taus; when that is below the best-th score too,
// nothing unscored can enter the top. A term whose lists hold every row it occurs in (tau 0) leaves
// no row outside.
PBGDPL_DECL result<bool> search_index::rank_by_impacts(const parsed_query& q, const std::vector<double>& dfs, const std::string& head,
                                                       const std::string& tail, const std::vector<std::string>& cte_binds,
                                                       const std::vector<double>& score_args, const std::string& match,
                                                       const std::vector<std::string>& tail_binds, const std::string& filter_sql,
                                                       std::size_t best, std::unordered_map<std::int64_t, double>& scores) {
  auto stats = index_stats(match);
  if (!stats) return stats.err();
  if (!*stats) return true;  // nothing matches
  double nrow = (*stats)->first, avg = (*stats)->second;
  auto ref = impacts_.reference_length();
  if (!ref) return ref.err();
  if (*ref <= 0) return false;
  // A tau was a weight at the reference length; at a longer average A a row's weight f = w / (w +
  // norm) can grow: its norm / w = 1/f - 1 shrinks by at most ref / A, so f_A <= 1 / (1 + (1/f - 1)
  // ref / A) (never above 1, and f itself when A <= ref). A listed row's weight is computed at
  // today's average from its entry.
  double shrink = std::min(1.0, *ref / avg);
  auto cap = [&](double f) { return f <= 0 ? 0.0 : 1.0 / (1.0 + (1.0 / f - 1.0) * shrink); };
  auto now = [&](const impact_entry& e) { return e.w < 0 ? 1.0 : e.w / (e.w + bm25_norm(static_cast<double>(e.dl), avg)); };
  constexpr double k1p1 = bm25_k1 + 1;

  struct term_state {
    double idf = 0;
    double outside = 1;  // bound on f for a row in none of the term's lists
    // Rows listed under the term's own spelling: w and length, so its exact part.
    std::unordered_map<std::int64_t, std::pair<double, std::int64_t>> exact;
    std::unordered_map<std::int64_t, double> other;  // rows listed only under its other key: bound on f
    double unlisted_own = 1;                          // bound on f for a row not listed under its own spelling
  };
  std::vector<term_state> terms(q.terms.size());
  std::vector<std::int64_t> candidates;
  std::unordered_set<std::int64_t> seen;
  bool closed = false;  // some term's lists hold every row it occurs in: no match is outside them
  for (std::size_t t = 0; t < q.terms.size(); ++t) {
    auto& ts = terms[t];
    ts.idf = bm25_idf(std::min(dfs[t], nrow), nrow);
    const auto& term = q.terms[t];
    if (term.prefix) continue;  // no list: a prefix's rows are bounded by 1
    // The keys: the first token (as FTS5 makes it) of the exact phrase, then of the folded one.
    // A phrase's occurrences are at most its first token's, column by column; only a one-token
    // term's entries give its exact part.
    std::vector<std::string> keys;
    bool one_token = true;
    for (const auto* forms : {&term.exact, &term.folded}) {
      std::string text;
      for (const auto& w : *forms) text += (text.empty() ? "" : " ") + w;
      auto toks = impacts_.tokens(text);
      if (!toks) return toks.err();
      if (toks->size() != 1) one_token = false;
      if (!toks->empty() && std::find(keys.begin(), keys.end(), toks->front()) == keys.end()) keys.push_back(toks->front());
    }
    if (keys.empty()) continue;
    std::vector<impact_list> lists;
    for (const auto& k : keys) {
      auto l = impacts_.read(k);
      if (!l) return l.err();
      lists.push_back(std::move(*l));
    }
    double outside = 0;
    for (const auto& l : lists) outside = std::max(outside, l.tau);
    ts.outside = cap(outside);
    if (outside == 0) closed = true;
    // Listed under its own spelling (keys[0]): for a one-token term, its exact part; for a
    // phrase, its entry bounds it. Else under the folded key: a row without that spelling weighs
    // at most its folded entry; a row with it but left out of that list, at most tau.
    ts.unlisted_own = cap(lists[0].tau);
    for (const auto& e : lists[0].entries) {
      if (seen.insert(e.seq).second) candidates.push_back(e.seq);
      if (one_token) ts.exact[e.seq] = {e.w, e.dl};
      else ts.other[e.seq] = now(e);
    }
    for (std::size_t i = 1; i < lists.size(); ++i)
      for (const auto& e : lists[i].entries) {
        if (seen.insert(e.seq).second) candidates.push_back(e.seq);
        if (ts.exact.count(e.seq)) continue;
        auto [it, fresh] = ts.other.emplace(e.seq, 0.0);
        it->second = std::max(it->second, std::max(now(e), ts.unlisted_own));
        (void)fresh;
      }
  }
  // Rows whose tokens did not line up (term_impacts::irregular_key): always scored, bound 1.
  auto irregular = impacts_.read(term_impacts::irregular_key);
  if (!irregular) return irregular.err();
  std::unordered_set<std::int64_t> unbounded;
  for (const auto& e : irregular->entries) {
    if (seen.insert(e.seq).second) candidates.push_back(e.seq);
    unbounded.insert(e.seq);
  }
  last_.candidates = candidates.size();

  // Per candidate: its bound, and whether that bound is its exact score (known for every term).
  struct candidate {
    double bound = 0;
    bool known = true;
    std::int64_t seq = 0;
  };
  std::vector<candidate> order;
  order.reserve(candidates.size());
  for (auto seq : candidates) {
    candidate c{0, true, seq};
    for (const auto& ts : terms) {
      if (unbounded.count(seq)) {
        c.bound += ts.idf * k1p1;
        c.known = false;
      } else if (auto it = ts.exact.find(seq); it != ts.exact.end()) {
        c.bound += bm25_part(ts.idf, it->second.first, bm25_norm(static_cast<double>(it->second.second), avg));
      } else {
        auto o = ts.other.find(seq);
        double f = o != ts.other.end() ? o->second : std::max(ts.outside, ts.unlisted_own);
        c.bound += ts.idf * k1p1 * f;
        c.known = false;
      }
    }
    order.push_back(c);
  }
  std::sort(order.begin(), order.end(), [](const candidate& a, const candidate& b) { return a.bound > b.bound; });
  double outside_bound = 0;  // a row in no list
  for (const auto& ts : terms) outside_bound += ts.idf * k1p1 * std::max(ts.outside, ts.unlisted_own);

  // Rows known for every term pass the filters or not: one look-up per batch in entities.
  bool join = !tail.empty();

  std::optional<row_scorer> here;  // made when a row needs it
  std::vector<double> top;  // min-heap of the best `best` scores
  auto take = [&](std::int64_t seq, double s) {
    scores[seq] = s;
    if (top.size() < best) {
      top.push_back(s);
      std::push_heap(top.begin(), top.end(), std::greater<>());
    } else if (s > top.front()) {
      std::pop_heap(top.begin(), top.end(), std::greater<>());
      top.back() = s;
      std::push_heap(top.begin(), top.end(), std::greater<>());
    }
  };
  // Bounds and scores are doubles computed in different orders: a bound within a relative 1e-9
  // of the k-th score counts as reaching it (a tie the newer row would win).
  constexpr double slack = 1e-9;
  auto kth = [&] { return top.size() < best ? -1.0 : top.front() * (1 - slack); };
  // Takes the rows of `found` (row -> score) that pass the filters: one look-up in entities per
  // 64 rows (the FTS5 statements apply the filters themselves; rows scored here do not).
  auto take_passing = [&](const std::unordered_map<std::int64_t, double>& found) -> result<void> {
    if (!join) {
      for (const auto& [seq, sc] : found) take(seq, sc);
      return {};
    }
    std::vector<std::int64_t> rows;
    for (const auto& [seq, sc] : found) rows.push_back(seq);
    for (std::size_t from = 0; from < rows.size(); from += 64) {
      auto st = db_.prepare(filter_sql);
      if (!st) return st.err();
      int i = 1;
      bind_each(*st, i, cte_binds);
      for (std::size_t k = 0; k < 64; ++k) st->bind(i++, from + k < rows.size() ? rows[from + k] : std::int64_t{0});
      bind_each(*st, i, tail_binds);
      int rc;
      while ((rc = st->step()) == SQLITE_ROW) take(st->i64(0), found.at(st->i64(0)));
      if (rc != SQLITE_DONE) return db_.fail(rc, "search: filter");
    }
    return {};
  };
  std::size_t next = 0;
  while (next < order.size() && order[next].bound >= kth()) {
    std::vector<std::int64_t> unknown;
    std::unordered_map<std::int64_t, double> known_score;  // known for every word: the bound is the score
    for (; next < order.size() && known_score.size() < 64 && unknown.size() < 64 && order[next].bound >= kth(); ++next) {
      if (order[next].known) known_score[order[next].seq] = order[next].bound;
      else unknown.push_back(order[next].seq);
    }
    if (!known_score.empty())
      if (auto r = take_passing(known_score); !r) return r.err();
    if (!unknown.empty()) {
      if (last_.scored + unknown.size() > per_term_share(opt_.max_scored_candidates, q.terms.size())) return false;
      std::unordered_map<std::int64_t, double> got;
      if (!here) here.emplace(impacts_, q, dfs, nrow, avg);
      if (here->ok()) {
        // Scored from the rows' own columns, then checked against the filters like known rows.
        if (auto r = here->score(db_, unknown, got); !r) return r.err();
        if (auto r = take_passing(got); !r) return r.err();
      } else {
        if (auto r = score_rows(head, tail, cte_binds, score_args, match, tail_binds, unknown, got); !r) return r.err();
        for (auto& [seq, sc] : got) take(seq, sc);
      }
      last_.scored += unknown.size();
    }
  }
  if (closed) return true;
  // Rows in no list: proven out only when their bound is below the best-th score (a tie could
  // still win on recency).
  return top.size() >= best && outside_bound * (1 + slack) < kth();
}

PBGDPL_DECL std::string search_index::integrity_problems() {
  std::string problems;
  if (schema_ >= 2) {
    auto rc = db_.exec("INSERT INTO search_fts(search_fts) VALUES('integrity-check')");
    if (!rc) problems += rc.err().message_en;
  }
  if (problems.empty() && schema_ >= 3 && schema_ < 7) {
    auto rc = db_.exec("INSERT INTO title_fts(title_fts) VALUES('integrity-check')");
    if (!rc) problems += rc.err().message_en;
    auto n = db_.query_int("SELECT (SELECT count(*) FROM search_fts_docsize) = (SELECT count(*) FROM title_fts_docsize)");
    if (n && *n != 1) problems += "title index and search index disagree\n";
  }
  if (problems.empty() && schema_ >= 7) {  // every list entry names an indexed row; counts agree
    auto stale = db_.query_int("SELECT count(*) FROM search_impacts WHERE seq NOT IN (SELECT rowid FROM search_fts)");
    if (!stale || *stale != 0) problems += "impact lists name rows the search index lacks\n";
    auto counts = db_.query_int("SELECT count(*) FROM search_impact_terms t WHERE n <> (SELECT count(*) FROM search_impacts i WHERE i.term = t.term)");
    if (!counts || *counts != 0) problems += "impact list counts disagree with their entries\n";
  }
  return problems;
}

// The rows' average length from FTS5's per-row sizes (%_docsize: each column's token count as
// SQLite varints), written with each row: FTS5's own totals record is written only when a
// transaction ends, so inside the one that just indexed every row (migration 7) it is stale. One
// pass over small rows; the auxiliary functions that report the totals need a MATCH.
PBGDPL_DECL result<double> search_index::average_row_length() {
  auto st = db_.prepare("SELECT sz FROM search_fts_docsize");
  if (!st) return st.err();
  std::uint64_t total = 0, rows = 0;
  int rc;
  while ((rc = st->step()) == SQLITE_ROW) {
    auto b = st->text(0);
    for (std::size_t at = 0; at < b.size();) {
      std::uint64_t v = 0;
      for (int i = 0; i < 9 && at < b.size(); ++i) {
        auto c = static_cast<unsigned char>(b[at++]);
        if (i == 8) {
          v = (v << 8) | c;
          break;
        }
        v = (v << 7) | (c & 0x7f);
        if (!(c & 0x80)) break;
      }
      total += v;
    }
    ++rows;
  }
  if (rc != SQLITE_DONE) return db_.fail(rc, "search: averages");
  return rows > 0 ? static_cast<double>(total) / static_cast<double>(rows) : 0.0;
}

PBGDPL_DECL result<void> search_index::rebuild_impacts() {
  auto avg = average_row_length();
  if (!avg) return avg.err();
  return impacts_.rebuild(*avg);
}

PBGDPL_DECL result<void> search_index::optimize() {
  if (schema_ < 3) return {};
  // The lists' taus are weights at the reference row length: once the rows' average is longer
  // they are scaled up (rank_by_impacts), and the top scores of common words lie within a fraction
  // of a per cent of each other (benchmark), so the drift costs proofs. Past 5 % longer (10 %
  // shorter) the lists are built anew at today's average (a full pass over the index).
  if (impacts_.enabled()) {
    auto avg_r = average_row_length();
    if (!avg_r) return avg_r.err();
    double avg = *avg_r;
    auto ref = impacts_.reference_length();
    if (!ref) return ref.err();
    if (avg > 0 && (*ref <= 0 || avg > *ref * 1.05 || avg < *ref * 0.9))
      if (auto r = impacts_.rebuild(avg); !r) return r;
  }
  if (auto a = db_.exec("INSERT INTO search_fts(search_fts) VALUES('optimize')"); !a) return a;
  if (schema_ >= 7) return {};
  return db_.exec("INSERT INTO title_fts(title_fts) VALUES('optimize')");
}

PBGDPL_DECL error search_index::search_error(int rc) { return query_error(db_, rc); }

PBGDPL_DECL error query_error(connection& db, int rc) {
  auto e = db.fail(rc, "search");
  if (e.code == errc::internal)
    return error(errc::invalid_argument, "/q", "Không xử lý được câu tìm kiếm này", "This search query cannot be processed");
  return e;
}

PBGDPL_DECL result<std::vector<double>> estimate_dfs(connection& db, const parsed_query& q, std::int64_t& max_rowid) {
  static constexpr std::int64_t df_cap = 100;
  {
    auto st = db.prepare("SELECT coalesce(max(seq), 0) FROM entities");
    if (!st) return st.err();
    if (int rc = st->step(); rc != SQLITE_ROW) return db.fail(rc, "search");
    max_rowid = st->i64(0);
  }
  std::vector<double> dfs;
  for (const auto& t : q.terms) {
    auto st = db.prepare("SELECT count(*), min(rowid) FROM (SELECT rowid FROM search_fts WHERE search_fts MATCH ? "
                         "ORDER BY rowid DESC LIMIT ?)");
    if (!st) return st.err();
    st->bind(1, fts_phrase(t.folded, t.prefix)).bind(2, df_cap);
    if (int rc = st->step(); rc != SQLITE_ROW) return query_error(db, rc);
    auto n = st->i64(0), oldest = st->i64(1);
    dfs.push_back(n < df_cap || oldest <= 0 ? static_cast<double>(n)
                                            : static_cast<double>(n) * static_cast<double>(max_rowid) /
                                                  static_cast<double>(max_rowid - oldest + 1));
  }
  return dfs;
}

}  // namespace sqlite_detail
}  // namespace store
PBGDPL_NAMESPACE_END
