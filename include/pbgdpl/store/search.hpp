// Vietnamese search, independent of any backend: parsing a user's query (words, "phrases",
// prefix*, key:value filters), the exact (NFC, lower case) and folded (marks removed, đ → d)
// token forms every backend indexes, a reference scorer, and HTML-safe highlighted snippets.
#pragma once
#include "../core/json.hpp"
#include "../core/time.hpp"
#include "../model/article.hpp"
#include "../model/legal_document.hpp"
#include "../model/media.hpp"
#include "../model/question.hpp"
#include "../model/unit.hpp"
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
// The with_*() setters take the model's enums and ids instead of their names (each sets the
// string member to the enum's stable name, to_string(), which is what the store indexes), so
// typed and string forms mix: `filter{}.with_unit(u.id).with_state(article_state::published)`.
// Thread safety: a value type (copy it per thread, or share it const).
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
  // When set: articles whose publication time is after it (scheduled ones) are left out, as
  // is_visible_at() would. A page for the public passes the current time, so its result list
  // and its paging agree with what it may show.
  std::optional<timestamp> visible_at;

  filter& with_unit(const unit_id& u, bool descendants = true) {
    unit = u.value;
    include_descendants = descendants;
    return *this;
  }
  filter& with_units(const std::vector<unit_id>& us) {
    unit_in.clear();
    for (const auto& u : us) unit_in.push_back(u.value);
    return *this;
  }
  filter& with_kind(article_kind k) { return set(kind, k); }
  filter& with_kind(publication_kind k) { return set(kind, k); }
  filter& with_kind(unit_kind k) { return set(kind, k); }
  filter& with_kind(media_type k) { return set(kind, k); }
  filter& with_state(article_state s) { return set(state, s); }  // articles, documents, publications
  filter& with_state(question_state s) { return set(state, s); }
  filter& with_state(dialogue_state s) { return set(state, s); }
  filter& with_level(document_level l) { return set(doc_level, l); }
  filter& with_status(validity_status s) { return set(doc_status, s); }
  filter& visible_by(timestamp t) {
    visible_at = t;
    return *this;
  }
  filter& with_dates(std::optional<date> first, std::optional<date> last) {
    from = first;
    to = last;
    return *this;
  }

 private:
  template <named_enum E>
  filter& set(std::optional<std::string>& member, E e) {
    member = std::string(to_string(e));
    return *this;
  }
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

// How a search orders what it finds. `relevance`: the store's own score with the boosts below
// (number, citers, title). `newest` ("sắp xếp: mới nhất"): the same matches (every term, the
// same filters and published rule) by their main date, newest first, as lists order them
// (record::sort_key: an article's publication time, a document's issue date), ties by id
// descending; no boost applies. Either pages with the offset cursors. (A plain value: any thread.)
enum class search_order { relevance, newest };

struct search_request {
  std::string q;                   // what the user typed
  std::vector<std::string> kinds;  // entity kinds to search; empty = all searchable kinds
  filter where;                    // merged with key:value filters written in q
  std::size_t limit = 20;          // 1..100
  std::string cursor;              // from the previous page's next_cursor
  // Search finds published records only (state "published": drafts, records awaiting approval
  // and questions not yet published are left out) unless this is true. A state the caller sets
  // in `where.state` is asked for too; a "state:" typed in q cannot widen either (a caller's
  // filter always wins over one typed in q, see parse_query).
  bool include_unpublished = false;
  search_order order = search_order::relevance;
};

// The filter a search applies before the user's key:value filters: the request's own, narrowed
// to published records unless it asks for more (search_request::include_unpublished). Every
// backend's search starts from it.
filter search_filter(const search_request& req);

struct search_page {
  std::vector<search_hit> items;
  std::string next_cursor;  // empty on the last page
  // The backend could not prove within its cost cap that these are the best of every match (the
  // SQLite store: sqlite_options::max_scored_matches); they are the best of the rows it scored.
  bool approximate = false;
};

// A token of a text: its bytes in the (NFC) source and its two search forms.
struct token {
  std::size_t begin = 0, end = 0;
  std::string exact;   // NFC, case folded, accents kept (oa/oe/uy: the tone mark on the second vowel)
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
  // The document numbers written in the query (each word parse_document_number accepts, any
  // case, NFD or without marks), as number_key() forms: the documents with these numbers come
  // first, then the records that cite them (record::cites).
  std::vector<std::string> numbers;
};

// Ranking boosts every backend adds to its own score, so that the rules below hold whatever the
// words' scores are (a word score stays far below 1e5): a document whose number is in the query,
// then what cites it, then a title equal to the query (exact accents, then folded), then a title
// that begins with the query's words (at least three; exact, then folded). The prefix boosts
// apply only when fewer than max_boosted_rows records (after filters) begin with those words: a
// beginning that many titles share ("Tuyên truyền pháp luật ...") says nothing about which one
// is meant, and the words' own ranking decides.
inline constexpr double boost_number = 4e6;
inline constexpr double boost_cites_number = 2e6;
inline constexpr double boost_title_exact = 1e6;
inline constexpr double boost_title_folded = 5e5;
inline constexpr double boost_prefix_exact = 4e5;
inline constexpr double boost_prefix_folded = 3e5;
// How many words a query needs before its words as a title's beginning count.
inline constexpr std::size_t min_title_prefix_words = 3;
// The most records each boost rule adds or raises (bounded look-ups).
inline constexpr std::size_t max_boosted_rows = 50;
// The prefix boosts also need fewer than this many titles, whatever the filters, to begin with
// the query's words: the count is one bounded index walk, so filters that reject most of a
// beginning thousands of titles share cannot make every query walk all of them.
inline constexpr std::size_t prefix_range_cap = 1000;

// The key a document number is found by: its folded tokens joined by spaces ("19/KH-PGDĐT" and
// "19/kh-pgddt" both give "19 kh pgddt"). Empty when `number` is not a document number.
std::string number_key(std::string_view number);

// Whether the query's words, as a folded title key, are the beginning of `title_fold` at a word
// boundary (and the query has min_title_prefix_words words or more). Same for the exact keys.
bool title_starts_with_query(std::string_view title_key, std::string_view query_key);

// Plain text of Markdown, for search snippets and the indexed text: emphasis, code ticks,
// headings, list and quote markers, fences, rules and table bars are dropped, links and images
// keep their text ([t](u) -> t), HTML tags are dropped, backslash escapes and the common entities
// are resolved. Not a renderer: it only has to keep the words and lose the syntax. Linear time
// and no recursion whatever the input (Markdown is written by anyone who may post).
std::string markdown_to_text(std::string_view md);

inline constexpr std::size_t max_query_bytes = 1000;
inline constexpr std::size_t max_query_terms = 32;
// A prefix ("hoa*", "bóng đ"* after a phrase too) needs this many letters before the star, and a
// query has at most this many prefixes; past either, the word is searched as typed. A short
// prefix of Vietnamese syllables matches a large share of the vocabulary, and FTS5 merges every
// match of a prefix before the words around it narrow anything (seconds for "a* b* c*", 0.5 s for
// "tr* ch*" or "pháp l"* on 100,000 articles).
inline constexpr std::size_t min_prefix_letters = 3;
inline constexpr std::size_t max_prefix_terms = 2;

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

// Reference relevance for backends without a full-text engine: every term must occur (folded); a
// query equal to the title wins; title hits outweigh body hits; exact-accent hits outweigh folded
// ones. Returns 0 for no match. The SQLite store follows the same rules with its own numbers
// (pbgdpl_score, BM25), exactly: the conformance suite checks the rules on both, not the numbers.
class scorer {
 public:
  explicit scorer(const parsed_query& q) : q_(q) {}
  // `title_prefix`, when given, says whether the title begins with the query's words (not equal
  // to them): 2 with exact accents, 1 folded, 0 not. The caller adds the prefix boost, since it
  // applies only when few records share the prefix (see boost_prefix_exact).
  double score(std::string_view title, std::string_view body, int* title_prefix = nullptr) const;

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
