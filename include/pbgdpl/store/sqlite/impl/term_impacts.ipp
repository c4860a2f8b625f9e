// Bodies of store/sqlite/term_impacts.hpp: compiled once into the store tier
// (src/store/sqlite.cpp), or included by the header in header-only builds.
#pragma once
#include "../term_impacts.hpp"

#include <algorithm>
#include <cmath>

#include <sqlite3.h>

PBGDPL_NAMESPACE_BEGIN
namespace store {
namespace sqlite_detail {

struct fts_tokenizer {
  fts5_tokenizer api{};
  Fts5Tokenizer* tok = nullptr;
};

PBGDPL_DECL void destroy_fts_tokenizer(fts_tokenizer* t) noexcept {
  if (!t) return;
  if (t->tok) t->api.xDelete(t->tok);
  delete t;
}

PBGDPL_DECL result<void> term_impacts::open(void* fts5_api_ptr) {
  auto* api = static_cast<fts5_api*>(fts5_api_ptr);
  auto t = std::unique_ptr<fts_tokenizer, void (*)(fts_tokenizer*) noexcept>(new fts_tokenizer, &destroy_fts_tokenizer);
  void* user = nullptr;
  const char* args[] = {"remove_diacritics", "0"};  // as the indexes are declared (schema.ipp)
  if (!api || api->xFindTokenizer(api, "unicode61", &user, &t->api) != SQLITE_OK || t->api.xCreate(user, args, 2, &t->tok) != SQLITE_OK)
    return error(errc::internal, {}, "SQLite không có bộ tách từ unicode61 của FTS5", "SQLite's FTS5 lacks the unicode61 tokenizer");
  tok_ = std::move(t);
  return {};
}

PBGDPL_DECL result<std::vector<std::string>> term_impacts::tokens(std::string_view text) {
  std::vector<std::string> out;
  if (!tok_) return error(errc::internal, {}, "Chưa mở bộ tách từ", "The tokenizer is not open");
  auto cb = [](void* ctx, int, const char* p, int n, int, int) -> int {
    static_cast<std::vector<std::string>*>(ctx)->emplace_back(p, static_cast<std::size_t>(n));
    return SQLITE_OK;
  };
  if (tok_->api.xTokenize(tok_->tok, &out, FTS5_TOKENIZE_DOCUMENT, text.data(), static_cast<int>(text.size()), cb) != SQLITE_OK)
    return error(errc::internal, {}, "Không tách được từ", "Tokenizing failed");
  return out;
}

PBGDPL_DECL result<void> term_impacts::each_token(std::string_view text, void* ctx, token_fn fn) {
  if (!tok_) return error(errc::internal, {}, "Chưa mở bộ tách từ", "The tokenizer is not open");
  struct call {
    void* ctx;
    token_fn fn;
  } c{ctx, fn};
  auto cb = [](void* p, int, const char* t, int n, int, int) -> int {
    auto* k = static_cast<call*>(p);
    k->fn(k->ctx, std::string_view(t, static_cast<std::size_t>(n)));
    return SQLITE_OK;
  };
  if (tok_->api.xTokenize(tok_->tok, &c, FTS5_TOKENIZE_DOCUMENT, text.data(), static_cast<int>(text.size()), cb) != SQLITE_OK)
    return error(errc::internal, {}, "Không tách được từ", "Tokenizing failed");
  return {};
}

PBGDPL_DECL result<double> term_impacts::reference_length() {
  auto st = db_.prepare("SELECT value FROM search_settings WHERE name = 'avg_length'");
  if (!st) return st.err();
  int rc = st->step();
  if (rc == SQLITE_DONE) return 0.0;
  if (rc != SQLITE_ROW) return db_.fail(rc, "search: impacts");
  return st->dbl(0);
}

PBGDPL_DECL result<void> term_impacts::save_reference(double avg) {
  auto st = db_.prepare("INSERT INTO search_settings(name, value) VALUES('avg_length', ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value");
  if (!st) return st.err();
  st->bind(1, avg);
  if (int rc = st->step(); rc != SQLITE_DONE) return db_.fail(rc, "search: impacts");
  return {};
}

PBGDPL_DECL result<void> term_impacts::weigh(std::int64_t seq, std::string_view title_e, std::string_view title_f,
                                             std::string_view body_e, std::string_view body_f, noted_row& row) {
  auto te = tokens(title_e), tf = tokens(title_f), be = tokens(body_e), bf = tokens(body_f);
  for (auto* r : {&te, &tf, &be, &bf})
    if (!*r) return r->err();
  row.seq = seq;
  row.dl = static_cast<std::int64_t>(te->size() + tf->size() + be->size() + bf->size());
  // Per string: its occurrences in the four columns (title_e, title_f, body_e, body_f).
  struct counts {
    double c[4] = {0, 0, 0, 0};
  };
  std::unordered_map<std::string, counts> n;
  std::unordered_map<std::string, std::string> fold;  // exact token -> the folded token beside it
  bool regular = te->size() == tf->size() && be->size() == bf->size();
  auto count = [&](const std::vector<std::string>& ex, const std::vector<std::string>& fo, int ce, int cf) {
    for (std::size_t i = 0; i < ex.size() && regular; ++i) {
      n[ex[i]].c[ce] += 1;
      n[fo[i]].c[cf] += 1;
      auto [it, fresh] = fold.emplace(ex[i], fo[i]);
      if (!fresh && it->second != fo[i]) regular = false;
    }
  };
  count(*te, *tf, 0, 1);
  count(*be, *bf, 2, 3);
  if (!regular) {
    row.weights.emplace_back(std::string(irregular_key), -1.0);  // f = 1 whatever the length
    return {};
  }
  // A query word typed with marks (exact E, folded F) weighs 4 F + 1 F + 6 E + 1.5 E in the
  // columns title_f, body_f, title_e, body_e (pbgdpl_score's order); typed without marks, E = F.
  auto w = [&](const counts& f, const counts& e) { return 4.0 * f.c[1] + 1.0 * f.c[3] + 6.0 * e.c[0] + 1.5 * e.c[2]; };
  for (const auto& [key, c] : n) {
    auto it = fold.find(key);
    if (it == fold.end() || it->second == key) {
      if (c.c[1] + c.c[3] > 0) row.weights.emplace_back(key, w(c, c));  // a folded token
    } else {
      row.weights.emplace_back(key, w(n.find(it->second)->second, c));  // an exact token with marks
    }
  }
  return {};
}

PBGDPL_DECL result<void> term_impacts::add(std::int64_t seq, std::string_view title_e, std::string_view title_f,
                                           std::string_view body_e, std::string_view body_f) {
  if (!enabled()) return {};
  noted_row row;
  if (auto r = weigh(seq, title_e, title_f, body_e, body_f, row); !r) return r;
  noted_.insert(seq);
  touched_.insert(seq);
  if (ref_ <= 0) {
    auto r = reference_length();
    if (!r) return r.err();
    ref_ = *r;
  }
  if (ref_ <= 0) {
    rows_.push_back(std::move(row));
    if (rows_.size() >= reference_sample) return settle_reference();
    return {};
  }
  for (const auto& [key, w] : row.weights) note(key, {weight_f(w, row.dl), seq, w, row.dl});
  return {};
}

PBGDPL_DECL result<void> term_impacts::remove(std::int64_t seq) {
  if (!enabled()) return {};
  touched_.insert(seq);
  // Noted in this transaction and not yet written: forgotten there.
  if (noted_.count(seq)) {
    rows_.erase(std::remove_if(rows_.begin(), rows_.end(), [&](const noted_row& r) { return r.seq == seq; }), rows_.end());
    auto by_f = [](const impact_entry& a, const impact_entry& b) { return a.f != b.f ? a.f > b.f : a.seq > b.seq; };
    for (auto& [key, p] : pending_) {
      auto end = std::remove_if(p.heap.begin(), p.heap.end(), [&](const impact_entry& e) { return e.seq == seq; });
      if (end == p.heap.end()) continue;
      p.heap.erase(end, p.heap.end());
      std::make_heap(p.heap.begin(), p.heap.end(), by_f);
    }
  }
  // Stored: every entry of the row, by the seq index, and each list's count.
  auto terms = db_.prepare("SELECT term FROM search_impacts WHERE seq = ?");
  if (!terms) return terms.err();
  terms->bind(1, seq);
  std::vector<std::string> keys;
  int rc;
  while ((rc = terms->step()) == SQLITE_ROW) keys.push_back(terms->str(0));
  if (rc != SQLITE_DONE) return db_.fail(rc, "search: impacts");
  if (keys.empty()) return {};
  auto del = db_.prepare("DELETE FROM search_impacts WHERE seq = ?");
  if (!del) return del.err();
  del->bind(1, seq);
  if (rc = del->step(); rc != SQLITE_DONE) return db_.fail(rc, "search: impacts");
  for (const auto& k : keys) {
    auto n = db_.prepare("UPDATE search_impact_terms SET n = n - 1 WHERE term = ?");
    if (!n) return n.err();
    n->bind(1, k);
    if (rc = n->step(); rc != SQLITE_DONE) return db_.fail(rc, "search: impacts");
  }
  return {};
}

PBGDPL_DECL result<void> term_impacts::settle_reference() {
  if (rows_.empty()) return {};
  double sum = 0;
  for (const auto& r : rows_) sum += static_cast<double>(r.dl);
  ref_ = std::max(1.0, sum / static_cast<double>(rows_.size()));
  if (auto s = save_reference(ref_); !s) return s;
  for (const auto& r : rows_)
    for (const auto& [key, w] : r.weights) note(key, {weight_f(w, r.dl), r.seq, w, r.dl});
  rows_.clear();
  return {};
}

PBGDPL_DECL void term_impacts::note(const std::string& key, const impact_entry& e) {
  double f = e.f;
  auto& p = pending_[key];
  // Min-heap by weight, the older row first among equals: of two rows that weigh the same the
  // newer is kept, as the ranking's tie-break puts it first.
  auto by_f = [](const impact_entry& a, const impact_entry& b) { return a.f != b.f ? a.f > b.f : a.seq > b.seq; };
  // The irregular rows' list is never cut: a row left out of it would be in no list at all.
  if (p.heap.size() < list_size_ || key == irregular_key) {
    p.heap.push_back(e);
    std::push_heap(p.heap.begin(), p.heap.end(), by_f);
  } else if (f > p.heap.front().f || (f == p.heap.front().f && e.seq > p.heap.front().seq)) {
    p.dropped = std::max(p.dropped, p.heap.front().f);
    std::pop_heap(p.heap.begin(), p.heap.end(), by_f);
    p.heap.back() = e;
    std::push_heap(p.heap.begin(), p.heap.end(), by_f);
  } else {
    p.dropped = std::max(p.dropped, f);
  }
}

PBGDPL_DECL result<void> term_impacts::flush() {
  if (!enabled()) {
    discard();
    return {};
  }
  if (dirty_)
    if (auto r = repair(); !r) return r;
  if (auto s = settle_reference(); !s) return s;
  for (auto& [key, p] : pending_)
    if (auto r = flush_key(key, p); !r) return r;
  pending_.clear();
  noted_.clear();
  ref_ = 0;  // read again in the next transaction: another connection may rebuild the lists
  return {};
}

PBGDPL_DECL result<void> term_impacts::repair() {
  dirty_ = false;
  std::vector<std::int64_t> rows(touched_.begin(), touched_.end());
  for (auto seq : rows) {
    if (auto r = remove(seq); !r) return r;
    auto st = db_.prepare("SELECT title_e, title_f, body_e, body_f FROM search_fts WHERE rowid = ?");
    if (!st) return st.err();
    st->bind(1, seq);
    int rc = st->step();
    if (rc == SQLITE_DONE) continue;  // not indexed now
    if (rc != SQLITE_ROW) return db_.fail(rc, "search: impacts");
    if (auto a = add(seq, st->text(0), st->text(1), st->text(2), st->text(3)); !a) return a;
  }
  return {};
}

PBGDPL_DECL void term_impacts::discard() noexcept {
  pending_.clear();
  noted_.clear();
  touched_.clear();
  dirty_ = false;
  rows_.clear();
  ref_ = 0;
}

PBGDPL_DECL result<void> term_impacts::flush_key(const std::string& key, pending_key& p) {
  std::int64_t n = 0;
  double tau = 0;
  {
    auto st = db_.prepare("SELECT n, tau FROM search_impact_terms WHERE term = ?");
    if (!st) return st.err();
    st->bind(1, key);
    int rc = st->step();
    if (rc == SQLITE_ROW) {
      n = st->i64(0);
      tau = st->dbl(1);
    } else if (rc != SQLITE_DONE) {
      return db_.fail(rc, "search: impacts");
    }
  }
  tau = std::max(tau, p.dropped);
  std::sort(p.heap.begin(), p.heap.end(), [](const impact_entry& a, const impact_entry& b) { return a.f != b.f ? a.f > b.f : a.seq > b.seq; });
  auto insert = [&](const impact_entry& e) -> result<bool> {
    auto st = db_.prepare("INSERT OR IGNORE INTO search_impacts(term, f, seq, w, dl) VALUES(?, ?, ?, ?, ?)");
    if (!st) return st.err();
    st->bind(1, key).bind(2, e.f).bind(3, e.seq).bind(4, e.w).bind(5, e.dl);
    if (int rc = st->step(); rc != SQLITE_DONE) return db_.fail(rc, "search: impacts");
    return sqlite3_changes(db_.handle()) > 0;
  };
  for (const auto& e : p.heap) {
    if (n < static_cast<std::int64_t>(list_size_) || key == irregular_key) {
      auto in = insert(e);
      if (!in) return in.err();
      n += *in ? 1 : 0;
      continue;
    }
    // Full: the new entry replaces the list's weakest if it beats it; else it and everything
    // after it (weaker) stay out, and tau says so.
    impact_entry weakest;
    {
      auto st = db_.prepare("SELECT f, seq FROM search_impacts WHERE term = ? ORDER BY f, seq LIMIT 1");
      if (!st) return st.err();
      st->bind(1, key);
      if (int rc = st->step(); rc != SQLITE_ROW) return db_.fail(rc, "search: impacts");
      weakest.f = st->dbl(0);
      weakest.seq = st->i64(1);
    }
    if (e.f < weakest.f || (e.f == weakest.f && e.seq <= weakest.seq)) {
      tau = std::max(tau, e.f);
      break;
    }
    auto in = insert(e);
    if (!in) return in.err();
    if (!*in) continue;  // already listed with this weight
    auto del = db_.prepare("DELETE FROM search_impacts WHERE term = ? AND f = ? AND seq = ?");
    if (!del) return del.err();
    del->bind(1, key).bind(2, weakest.f).bind(3, weakest.seq);
    if (int rc = del->step(); rc != SQLITE_DONE) return db_.fail(rc, "search: impacts");
    tau = std::max(tau, weakest.f);
  }
  auto st = db_.prepare("INSERT INTO search_impact_terms(term, n, tau) VALUES(?, ?, ?) "
                        "ON CONFLICT(term) DO UPDATE SET n = excluded.n, tau = excluded.tau");
  if (!st) return st.err();
  st->bind(1, key).bind(2, n).bind(3, tau);
  if (int rc = st->step(); rc != SQLITE_DONE) return db_.fail(rc, "search: impacts");
  return {};
}

PBGDPL_DECL result<impact_list> term_impacts::read(std::string_view key) {
  impact_list out;
  {
    auto st = db_.prepare("SELECT tau FROM search_impact_terms WHERE term = ?");
    if (!st) return st.err();
    st->bind(1, key);
    int rc = st->step();
    if (rc == SQLITE_DONE) return out;
    if (rc != SQLITE_ROW) return db_.fail(rc, "search: impacts");
    out.tau = st->dbl(0);
  }
  auto st = db_.prepare("SELECT f, seq, w, dl FROM search_impacts WHERE term = ?");
  if (!st) return st.err();
  st->bind(1, key);
  int rc;
  while ((rc = st->step()) == SQLITE_ROW) out.entries.push_back({st->dbl(0), st->i64(1), st->dbl(2), st->i64(3)});
  if (rc != SQLITE_DONE) return db_.fail(rc, "search: impacts");
  return out;
}

PBGDPL_DECL result<void> term_impacts::rebuild(double avg) {
  discard();
  for (const char* sql : {"DELETE FROM search_impacts", "DELETE FROM search_impact_terms", "DELETE FROM search_settings WHERE name = 'avg_length'"})
    if (auto r = db_.exec(sql); !r) return r;
  if (avg > 0) {
    if (auto s = save_reference(avg); !s) return s;
    ref_ = avg;
  }
  auto st = db_.prepare("SELECT rowid, title_e, title_f, body_e, body_f FROM search_fts");
  if (!st) return st.err();
  int rc;
  while ((rc = st->step()) == SQLITE_ROW)
    if (auto a = add(st->i64(0), st->text(1), st->text(2), st->text(3), st->text(4)); !a) return a;
  if (rc != SQLITE_DONE) return db_.fail(rc, "search: impacts");
  return flush();
}

}  // namespace sqlite_detail
}  // namespace store
PBGDPL_NAMESPACE_END
