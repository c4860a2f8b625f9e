// Vietnamese search, independent of any backend: parsing a user's query (words, "phrases",
// prefix*, key:value filters), the exact (NFC, lower case) and folded (marks removed, đ → d)
// token forms every backend indexes, a reference scorer, and HTML-safe highlighted snippets.
#pragma once
#include "../core/json.hpp"
#include "../core/time.hpp"
#include "record.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace store {

// What list and search queries filter on. Every member is optional; strings compare exactly.
struct filter {
  std::optional<std::string> unit;  // this unit (and, with include_descendants, every unit below it)
  bool include_descendants = true;
  // When not empty: the owning unit is exactly one of these ("" stands for records of no unit).
  // The portal shows a legal document on its issuing unit's pages and on those of units below it.
  std::vector<std::string> unit_in;
  std::optional<std::string> kind;      // article_kind, publication_kind, unit_kind...
  std::optional<std::string> category;  // article category, question category
  std::optional<std::string> state;     // article_state, question_state...
  std::optional<std::string> doc_type;  // legal document type code: "KH", "QĐ"
  std::optional<std::string> doc_level;   // document_level
  std::optional<std::string> doc_status;  // validity_status
  std::optional<std::string> field;       // lĩnh vực of a legal document
  std::optional<date> from, to;           // inclusive, on the entity's main date
  bool include_archived = false;
};

// One search result: what a result list shows, and the record the search read, so the entity
// itself needs no second read (store::get<T>(hit) decodes it).
struct search_hit {
  std::string kind;  // "article", "legal_document", "question", "publication"
  std::string id;
  std::string title;
  std::string title_html;    // the title, HTML-escaped, matches in <mark>
  std::string snippet_html;  // a window of the text, HTML-escaped, matches in <mark>
  double score = 0;
  // The record as stored (body and indexed columns). A backend that leaves it empty (kind "")
  // makes get<T>(hit) read the entity by id instead.
  record stored;
};

struct search_request {
  std::string q;                   // what the user typed
  std::vector<std::string> kinds;  // entity kinds to search; empty = all searchable kinds
  filter where;                    // merged with key:value filters written in q
  std::size_t limit = 20;          // 1..100
  std::string cursor;              // from the previous page's next_cursor
};

struct search_page {
  std::vector<search_hit> items;
  std::string next_cursor;  // empty on the last page
};

// A token of a text: its bytes in the (NFC) source and its two search forms.
struct token {
  std::size_t begin = 0, end = 0;
  std::string exact;   // NFC, case folded, accents kept
  std::string folded;  // case folded, marks removed, đ → d
};

// Splits NFC text into letter/digit runs (syllables, for Vietnamese). Invalid UTF-8 yields no
// tokens: callers validate text before it reaches here.
// `want_exact` false leaves token::exact empty (snippets only compare folded forms).
std::vector<token> tokenize(std::string_view s, std::size_t max_tokens = static_cast<std::size_t>(-1),
                            bool want_exact = true);

// The forms a backend indexes for one text: exact tokens and folded tokens, space separated,
// position for position (token i of one is token i of the other).
struct indexed_text {
  std::string exact, folded;
};

indexed_text index_form(std::string_view nfc_text);

// One query term: a word or a "quoted phrase" (several tokens in a row), maybe a prefix.
struct search_term {
  std::vector<std::string> exact, folded;
  bool prefix = false;  // the last token is a prefix ("hoa*")
};

struct parsed_query {
  std::vector<search_term> terms;
  std::string exact_key;  // all tokens, exact form: equals a title's key when the query is that title
  std::string folded_key;
  filter where;
};

inline constexpr std::size_t max_query_bytes = 1000;
inline constexpr std::size_t max_query_terms = 32;

// Parses what a user typed. Everything that is not a known key:value filter is text: FTS or SQL
// syntax (NEAR(, ^, *, quotes, "; DROP TABLE") is just punctuation between words, so no input
// reaches a backend's query language unescaped. key:value filters ("loai:KH", "type:KH") narrow
// the search; they never replace a filter the caller set in `base` (a portal's state:published
// stays, whatever "state:draft" the user types). Errors are bilingual and about the query only.
result<parsed_query> parse_query(std::string_view raw, filter base = {});

// The key a title is looked up by when a query equals it: its exact tokens joined by spaces.
std::string title_key(std::string_view title);
std::string title_fold_key(std::string_view title);

// An HTML-safe excerpt of `text` (NFC) around the first match, at most `max_tokens` words, each
// matching word wrapped in <mark>; the rest is escaped, so stored markup is shown, never run.
std::string snippet(std::string_view text, const parsed_query& q, std::size_t max_tokens = 32);

// Reference relevance for backends without a full-text engine (and the meaning the SQLite
// ranking approximates): every term must occur (folded); a query equal to the title wins; title
// hits outweigh body hits; exact-accent hits outweigh folded ones. Returns 0 for no match.
class scorer {
 public:
  explicit scorer(const parsed_query& q) : q_(q) {}
  double score(std::string_view title, std::string_view body) const;

 private:
  static int count(const std::vector<token>& toks, const search_term& term, bool exact);
  const parsed_query& q_;
};

// Opaque page cursors: hex of a small tagged string, so clients cannot mistake them for ids.
std::string encode_cursor(std::string_view raw);
result<std::string> decode_cursor(std::string_view s);

// Search pages are positions in one ranking: the cursor carries the offset.
std::string offset_cursor(std::size_t offset);
result<std::size_t> cursor_offset(std::string_view cursor);

// Page sizes are 1..100.
result<void> check_limit(std::size_t limit);

}  // namespace store
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/search.ipp"
#endif
