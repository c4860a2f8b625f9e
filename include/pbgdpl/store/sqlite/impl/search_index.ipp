// Bodies of store/sqlite/search_index.hpp: compiled once into the store tier
// (src/store/sqlite.cpp), or included by the header in header-only builds.
#pragma once
#include "../search_index.hpp"
#include "../../kinds.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>

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
  return rows_.register_function(db_);
}

PBGDPL_DECL result<void> search_index::add(std::int64_t seq, const indexed_text& t, const record& r, bool titles) {
  rows_.written(seq);  // before the write: whatever part of it happens is re-checked at commit
  auto b = index_form(r.text);
  auto st = db_.prepare("INSERT INTO search_fts(rowid, title_e, title_f, body_e, body_f) VALUES(?, ?, ?, ?, ?)");
  if (!st) return st.err();
  st->bind(1, seq).bind(2, t.exact).bind(3, t.folded).bind(4, b.exact).bind(5, b.folded);
  if (int rc = st->step(); rc != SQLITE_DONE) return db_.fail(rc, "index");
  if (schema_ >= 6)
    if (auto c = add_citations(seq, r); !c) return c;
  if (!titles || schema_ < 3) return {};
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
  if (schema_ >= 6) {  // an archived record is not found by its number and cites nothing
    for (const char* sql : {"DELETE FROM search_cites WHERE entity = ?", "UPDATE entities SET number_key = '' WHERE seq = ? AND number_key <> ''"}) {
      auto c = db_.prepare(sql);
      if (!c) return c.err();
      c->bind(1, seq);
      if (int rc = c->step(); rc != SQLITE_DONE) return db_.fail(rc, "write: citations");
    }
  }
  rows_.written(seq);
  auto d = db_.prepare("DELETE FROM search_fts WHERE rowid = ?");
  if (!d) return d.err();
  d->bind(1, seq);
  if (int rc = d->step(); rc != SQLITE_DONE) return db_.fail(rc, "write: search index");
  if (schema_ < 3) return {};
  auto t = db_.prepare("INSERT INTO title_fts(title_fts, rowid, title_e, title_f) VALUES('delete', ?, ?, ?)");
  if (!t) return t.err();
  t->bind(1, seq).bind(2, title_key).bind(3, title_fold);
  if (int rc = t->step(); rc != SQLITE_DONE) return db_.fail(rc, "write: title index");
  return {};
}

PBGDPL_DECL result<std::vector<scored_row>> search_index::rank(const parsed_query& q, const std::vector<std::string>& kinds,
                                                               bool all_kinds, std::size_t best) {
  static constexpr std::size_t df_cap = 100;
  // Document frequency of each term: counted when it is below a small cap, else estimated
  // from how far back (in rowids) its cap-th most recent match lies. Counting a common term
  // would read its whole doclist, the cost this design avoids; an estimate within a few per
  // cent moves its (small) IDF by less than that.
  std::int64_t max_rowid = 0;
  {
    auto st = db_.prepare("SELECT coalesce(max(seq), 0) FROM entities");
    if (!st) return st.err();
    if (int rc = st->step(); rc != SQLITE_ROW) return db_.fail(rc, "search");
    max_rowid = st->i64(0);
  }
  std::vector<double> dfs;  // per term
  for (const auto& t : q.terms) {
    auto st = db_.prepare("SELECT count(*), min(rowid) FROM (SELECT rowid FROM search_fts WHERE search_fts MATCH ? "
                          "ORDER BY rowid DESC LIMIT ?)");
    if (!st) return st.err();
    st->bind(1, fts_phrase(t.folded, t.prefix));
    st->bind(2, static_cast<std::int64_t>(df_cap));
    int rc = st->step();
    if (rc != SQLITE_ROW) return search_error(rc);
    auto n = st->i64(0), oldest = st->i64(1);
    if (n < static_cast<std::int64_t>(df_cap) || oldest <= 0) dfs.push_back(static_cast<double>(n));
    else dfs.push_back(static_cast<double>(n) * static_cast<double>(max_rowid) / static_cast<double>(max_rowid - oldest + 1));
  }

  // Which terms the index walks. An AND in FTS5 reads every term's doclist, and a common
  // word's doclist runs through most of the corpus: a pasted title with a rare word and five
  // common ones read ~10^6 postings (25-45 ms on 100,000 articles) to find 20 rows. So the
  // index walks the rarest term and the uncommon ones, and the common terms are checked per
  // row against cached row sets (row_sets.hpp). The rows found are exactly the AND's; the score
  // counts the walked terms only: a common term is in every candidate and its IDF is small.
  std::vector<std::size_t> checked;
  if (!opt_.exhaustive_search && opt_.common_term_share > 0 && q.terms.size() > 1 && db_.depth() == 0 && db_.autocommit()) {
    std::size_t rarest = static_cast<std::size_t>(std::min_element(dfs.begin(), dfs.end()) - dfs.begin());
    double common = opt_.common_term_share * static_cast<double>(max_rowid);
    for (std::size_t t = 0; t < q.terms.size(); ++t)
      if (t != rarest && dfs[t] > common) checked.push_back(t);
    if (!checked.empty())
      if (auto fresh = rows_.refresh(db_); !fresh) return fresh.err();
  }
  parsed_query walk_q;
  walk_q.exact_key = q.exact_key;
  walk_q.folded_key = q.folded_key;
  std::vector<double> score_args;  // per walked term: document frequency, phrase count
  for (std::size_t t = 0; t < q.terms.size(); ++t) {
    if (std::find(checked.begin(), checked.end(), t) != checked.end()) continue;
    walk_q.terms.push_back(q.terms[t]);
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
  // candidates need no look-up in entities at all.
  bool join = !all_kinds || !f.cte.empty() || !f.binds.empty();
  std::unordered_map<std::int64_t, double> scores;
  // Tiers 1 and 2: the most recent matches, all terms anywhere, then all terms in the title
  // (so an older title hit is not crowded out by recent body hits); each ranked by BM25.
  // The title tier reads the title-only index; a candidate found by both keeps its full score.
  // When the first tier found fewer rows than its limit it found every match, titles included.
  auto& checking = rows_.checking();
  for (int tier = 0; tier < (schema_ >= 3 ? 2 : 1); ++tier) {
    std::string table = tier == 0 ? "search_fts" : "title_fts";
    if (tier == 1 && (opt_.exhaustive_search || scores.size() < opt_.candidate_limit)) break;
    checking.clear();
    if (!checked.empty()) {
      std::vector<std::string> phrases;
      for (auto t : checked) phrases.push_back(fts_phrase(q.terms[t].folded, q.terms[t].prefix));
      if (auto c = rows_.check(db_, table, phrases); !c)
        return c.err().code == errc::internal ? search_error(SQLITE_ERROR) : c.err();
    }
    std::string check = checked.empty() ? "" : " AND pbgdpl_has_terms(" + table + ".rowid)";
    std::string sql = f.cte + "SELECT " + table + ".rowid, pbgdpl_score(" + table;
    for (std::size_t i = 0; i < score_args.size(); ++i) sql += ", ?";
    sql += join ? ") FROM " + table + " CROSS JOIN entities e ON e.seq = " + table + ".rowid WHERE " + table + " MATCH ?" +
                      check + kind_in + f.where + " ORDER BY " + table + ".rowid DESC LIMIT ?"
                : ") FROM " + table + " WHERE " + table + " MATCH ?" + check + " ORDER BY " + table + ".rowid DESC LIMIT ?";
    auto st = db_.prepare(sql);
    if (!st) {
      checking.clear();
      return st.err();
    }
    int i = 1;
    bind_each(*st, i, f.cte_binds);
    for (double d : score_args) st->bind(i++, d);
    st->bind(i++, match_expression(walk_q));
    if (join) {
      bind_each(*st, i, kinds);
      bind_each(*st, i, f.binds);
    }
    st->bind(i++, opt_.exhaustive_search ? std::int64_t{-1}  // no limit: every match is scored
                                         : static_cast<std::int64_t>(tier == 0 ? opt_.candidate_limit : opt_.title_candidate_limit));
    int rc;
    while ((rc = st->step()) == SQLITE_ROW) scores.emplace(st->i64(0), st->dbl(1));
    checking.clear();
    if (rc != SQLITE_DONE) return search_error(rc);
  }
  // Tier 0: the boost rules (search.hpp): a document whose number is in the query, then what
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
  for (const auto& [seq, b] : boosts) scores[seq] += b;

  std::vector<scored_row> ranked;
  ranked.reserve(scores.size());
  for (auto& [row, s] : scores) ranked.push_back({s, row});
  auto end = std::min(ranked.size(), best);
  std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(end), ranked.end(),
                    [](const scored_row& a, const scored_row& b) { return a.score != b.score ? a.score > b.score : a.seq > b.seq; });
  return ranked;
}

PBGDPL_DECL std::string search_index::integrity_problems() {
  std::string problems;
  if (schema_ >= 2) {
    auto rc = db_.exec("INSERT INTO search_fts(search_fts) VALUES('integrity-check')");
    if (!rc) problems += rc.err().message_en;
  }
  if (problems.empty() && schema_ >= 3) {
    auto rc = db_.exec("INSERT INTO title_fts(title_fts) VALUES('integrity-check')");
    if (!rc) problems += rc.err().message_en;
    auto n = db_.query_int("SELECT (SELECT count(*) FROM search_fts_docsize) = (SELECT count(*) FROM title_fts_docsize)");
    if (n && *n != 1) problems += "title index and search index disagree\n";
  }
  return problems;
}

PBGDPL_DECL result<void> search_index::optimize() {
  if (schema_ < 3) return {};
  if (auto a = db_.exec("INSERT INTO search_fts(search_fts) VALUES('optimize')"); !a) return a;
  return db_.exec("INSERT INTO title_fts(title_fts) VALUES('optimize')");
}

PBGDPL_DECL error search_index::search_error(int rc) {
  auto e = db_.fail(rc, "search");
  if (e.code == errc::internal)
    return error(errc::invalid_argument, "/q", "Không xử lý được câu tìm kiếm này", "This search query cannot be processed");
  return e;
}

}  // namespace sqlite_detail
}  // namespace store
PBGDPL_NAMESPACE_END
