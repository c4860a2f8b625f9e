// pbgdpl_score of one indexed row, computed here from the row's four stored columns instead of by
// FTS5: the impact lists' rows that are not known for every word are scored this way. A row
// look-up through FTS5 (`MATCH ... AND rowid = ?`) parses the expression and seeks every phrase's
// doclist in every segment (~50-100 us for four common words at 100k articles); reading the row
// and counting the phrases in its tokens costs a fraction of that, and gives the same number:
// the same tokenizer (FTS5's unicode61, through term_impacts::tokens), the same phrase matching
// (consecutive tokens of one column, a prefix on the last), the same arithmetic (bm25_part).
// Tests compare every ranking with exhaustive FTS5 scoring.
//
// Thread safety: none of its own; used under the store's connection lock.
#pragma once
#include "../search.hpp"
#include "connection.hpp"
#include "term_impacts.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace store {
namespace sqlite_detail {

class row_scorer {
 public:
  // The query's phrases as FTS5 tokenizes them: per term its folded phrase, then its exact one
  // when it differs (as match_expression() writes them). `ok()` is false when a phrase has no
  // token (FTS5 would treat it its own way): the caller scores through FTS5 instead.
  row_scorer(term_impacts& tokenizer, const parsed_query& q, std::vector<double> dfs, double nrow, double avg);
  bool ok() const noexcept { return ok_; }

  // The score of each row of `seqs` that matches every term (rows that do not are left out).
  result<void> score(connection& db, const std::vector<std::int64_t>& seqs, std::unordered_map<std::int64_t, double>& out);

 private:
  struct phrase {
    std::vector<int> ids;  // token ids (into tokens_), the last one a prefix when `prefix`
    bool prefix = false;
  };
  struct term {
    int folded = 0, exact = 0;  // phrase indexes (equal when the term has no exact form)
    double idf = 0;
  };
  term_impacts& tok_;
  bool ok_ = true;
  double avg_ = 1;
  std::vector<std::string> tokens_;  // the distinct query tokens
  std::unordered_map<std::string, int> token_ids_;
  std::vector<int> prefix_tokens_;   // ids of tokens used as a prefix
  std::vector<phrase> phrases_;
  std::vector<term> terms_;
};

}  // namespace sqlite_detail
}  // namespace store
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/row_scorer.ipp"
#endif
