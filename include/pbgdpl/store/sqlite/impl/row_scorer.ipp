// Bodies of store/sqlite/row_scorer.hpp: compiled once into the store tier (src/store/sqlite.cpp),
// or included by the header in header-only builds.
#pragma once
#include "../row_scorer.hpp"
#include "../search_index.hpp"

#include <algorithm>
#include <array>

#include <sqlite3.h>

PBGDPL_NAMESPACE_BEGIN
namespace store {
namespace sqlite_detail {

PBGDPL_DECL row_scorer::row_scorer(term_impacts& tokenizer, const parsed_query& q, std::vector<double> dfs, double nrow, double avg)
    : tok_(tokenizer), avg_(avg) {
  auto add_phrase = [&](const std::vector<std::string>& words, bool prefix) -> int {
    std::string text;
    for (const auto& w : words) text += (text.empty() ? "" : " ") + w;
    auto toks = tok_.tokens(text);
    if (!toks || toks->empty()) {
      ok_ = false;
      return 0;
    }
    phrase p;
    p.prefix = prefix;
    for (auto& t : *toks) {
      auto [it, fresh] = token_ids_.emplace(t, static_cast<int>(tokens_.size()));
      if (fresh) tokens_.push_back(t);
      p.ids.push_back(it->second);
    }
    if (prefix && std::find(prefix_tokens_.begin(), prefix_tokens_.end(), p.ids.back()) == prefix_tokens_.end())
      prefix_tokens_.push_back(p.ids.back());
    phrases_.push_back(std::move(p));
    return static_cast<int>(phrases_.size() - 1);
  };
  for (std::size_t t = 0; t < q.terms.size(); ++t) {
    term tm;
    tm.folded = add_phrase(q.terms[t].folded, q.terms[t].prefix);
    tm.exact = has_exact_phrase(q.terms[t]) ? add_phrase(q.terms[t].exact, q.terms[t].prefix) : tm.folded;
    tm.idf = bm25_idf(std::min(dfs[t], nrow), nrow);
    terms_.push_back(tm);
  }
  if (prefix_tokens_.size() > 64) ok_ = false;  // one bit each below
}

PBGDPL_DECL result<void> row_scorer::score(connection& db, const std::vector<std::int64_t>& seqs,
                                           std::unordered_map<std::int64_t, double>& out) {
  // One column's tokens as query token ids (-1: none) and, per position, which prefix tokens it
  // begins with (a bit each).
  struct column {
    std::vector<int> ids;
    std::vector<std::uint64_t> starts;
  };
  struct ctx {
    const row_scorer* self;
    column* col;
  };
  column cols[4];
  std::vector<std::array<double, 4>> tf(phrases_.size());
  for (auto seq : seqs) {
    // From the statement cache; reset when `st` goes at the end of the row.
    auto st = db.prepare("SELECT title_e, title_f, body_e, body_f FROM search_fts WHERE rowid = ?");
    if (!st) return st.err();
    st->bind(1, seq);
    int rc = st->step();
    if (rc == SQLITE_DONE) continue;  // not indexed (removed)
    if (rc != SQLITE_ROW) return db.fail(rc, "search: row");
    std::size_t dl = 0;
    for (int c = 0; c < 4; ++c) {
      cols[c].ids.clear();
      cols[c].starts.clear();
      ctx k{this, &cols[c]};
      auto r = tok_.each_token(st->text(c), &k, [](void* p, std::string_view t) {
        auto* x = static_cast<ctx*>(p);
        int id = -1;  // a query has few tokens: compared in place, nothing allocated per token
        for (std::size_t i = 0; i < x->self->tokens_.size() && id < 0; ++i)
          if (x->self->tokens_[i] == t) id = static_cast<int>(i);
        x->col->ids.push_back(id);
        std::uint64_t bits = 0;
        for (std::size_t i = 0; i < x->self->prefix_tokens_.size(); ++i) {
          const auto& pre = x->self->tokens_[static_cast<std::size_t>(x->self->prefix_tokens_[i])];
          if (t.size() >= pre.size() && t.compare(0, pre.size(), pre) == 0) bits |= std::uint64_t{1} << i;
        }
        x->col->starts.push_back(bits);
      });
      if (!r) return r.err();
      dl += cols[c].ids.size();
    }
    // Each phrase's occurrences per column: consecutive tokens, the last by prefix when asked.
    for (std::size_t p = 0; p < phrases_.size(); ++p) {
      const auto& ph = phrases_[p];
      auto bit = std::uint64_t{0};
      if (ph.prefix)
        bit = std::uint64_t{1} << (std::find(prefix_tokens_.begin(), prefix_tokens_.end(), ph.ids.back()) - prefix_tokens_.begin());
      for (int c = 0; c < 4; ++c) {
        const auto& col = cols[c];
        double n = 0;
        std::size_t len = ph.ids.size();
        for (std::size_t k = 0; k + len <= col.ids.size(); ++k) {
          bool hit = true;
          for (std::size_t j = 0; j + 1 < len && hit; ++j) hit = col.ids[k + j] == ph.ids[j];
          if (hit) hit = ph.prefix ? (col.starts[k + len - 1] & bit) != 0 : col.ids[k + len - 1] == ph.ids.back();
          n += hit ? 1 : 0;
        }
        tf[p][static_cast<std::size_t>(c)] = n;
      }
    }
    // Every term must occur (its folded or its exact phrase, in any column), as MATCH requires.
    bool match = true;
    for (const auto& t : terms_) {
      double any = 0;
      for (int c = 0; c < 4; ++c)
        any += tf[static_cast<std::size_t>(t.folded)][static_cast<std::size_t>(c)] + tf[static_cast<std::size_t>(t.exact)][static_cast<std::size_t>(c)];
      if (any == 0) match = false;
    }
    if (!match) continue;
    // As score_function: folded phrase in the folded columns (1 title, 3 body), exact phrase in
    // the exact ones (0 title, 2 body).
    double norm = bm25_norm(static_cast<double>(dl), avg_);
    double s = 0;
    for (const auto& t : terms_) {
      const auto& f = tf[static_cast<std::size_t>(t.folded)];
      const auto& e = tf[static_cast<std::size_t>(t.exact)];
      double w = 4.0 * f[1] + 1.0 * f[3] + 6.0 * e[0] + 1.5 * e[2];
      s += bm25_part(t.idf, w, norm);
    }
    out[seq] = s;
  }
  return {};
}

}  // namespace sqlite_detail
}  // namespace store
PBGDPL_NAMESPACE_END
