// Reading pages of sites we do not control with a real HTML5 parser (gumbo): the parse tree is
// flattened once, by an iterative walk, into elements with their attributes, their parent, their
// depth and a range of the document's text, so nothing here recurses on hostile nesting and
// asking for an element's text costs no copy. On top of that, what the compliance crawler reads:
// links (with the image inside), feeds, dates, the declared charset.
// Thread safety: a document is an immutable value once parsed.
#pragma once
#include "../core/result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace network::html {

inline constexpr std::size_t no_parent = static_cast<std::size_t>(-1);

struct element {
  std::string tag;  // lower case ("a", "img", "li"); the original name for unknown tags
  std::vector<std::pair<std::string, std::string>> attributes;  // names lower case, in order
  std::size_t parent = no_parent;  // index into document::elements()
  std::uint32_t depth = 0;         // 0 for <html>
  // [text_begin, text_end) of document::text(): the element's descendant text, in order.
  std::size_t text_begin = 0, text_end = 0;

  // The attribute's value, or "" (an absent attribute and an empty one read the same).
  std::string_view attr(std::string_view name) const noexcept;
  bool has_attr(std::string_view name) const noexcept;
  // True when the class attribute lists `cls` (whitespace-separated, exact, case-sensitive).
  bool has_class(std::string_view cls) const noexcept;
};

// A link as the crawler weighs it: where it goes, what it says, and the image it may wrap.
struct link {
  std::size_t index = 0;  // the <a> element
  std::string href;       // as written (resolve it against the page's URL)
  std::string text;       // its text, whitespace collapsed
  std::string title;
  std::string img_src, img_alt, img_title;  // the first <img> inside, if any
  bool in_menu = false;   // inside <nav>, or an element whose id or class names a menu
};

struct parse_options {
  // A page whose tags nest deeper than this (by a linear estimate) is parsed only up to there:
  // the parser's cost grows with the square of the nesting, and real pages stay under 100.
  std::uint32_t max_nesting = 400;
  // Elements deeper than this are not flattened (their text still counts for their ancestors);
  // the walk is iterative, this only bounds the work per page.
  std::uint32_t max_depth = 512;
  std::size_t max_elements = 200'000;
};

class document {
 public:
  document() = default;
  // `utf8` must be UTF-8 (decode_to_utf8 first); gumbo replaces invalid sequences.
  static document parse(std::string_view utf8, const parse_options& opt = {});

  const std::vector<element>& elements() const noexcept { return elements_; }
  const std::string& text() const noexcept { return text_; }
  // The element's text as it is in the page (whitespace as written).
  std::string_view raw_text(const element& e) const noexcept;
  // The element's text with runs of whitespace made one space, trimmed.
  std::string text_of(const element& e) const;
  // The nearest ancestor (or the element itself) with that tag, or no_parent.
  std::size_t closest(std::size_t index, std::string_view tag) const noexcept;
  // "li.it-menu > a": the element and its parent, each by tag and first class.
  std::string path_of(std::size_t index) const;
  // "<a href=… title=…>text</a>", at most `max` bytes: evidence of what was seen.
  std::string outer_summary(std::size_t index, std::size_t max = 240) const;

  // <title>, collapsed.
  std::string title() const;
  std::vector<link> links() const;
  // <link rel=alternate type=application/rss+xml|atom+xml|feed+json href>: the hrefs.
  std::vector<std::string> feeds() const;
  // <meta name=… content> or <meta property=… content> (first match, name compared without case).
  std::string meta(std::string_view name) const;
  // Dates the page states about itself: <time datetime>, article:published_time and the like,
  // as written.
  std::vector<std::string> declared_dates() const;
  bool truncated() const noexcept { return truncated_; }  // the limits cut the flattening short

 private:
  std::vector<element> elements_;
  std::string text_;
  bool truncated_ = false;
};

// The charset a page declares: the Content-Type header's charset= first, then <meta charset> or
// <meta http-equiv=content-type content="…charset=…"> within the first 4 KiB; lower case; "" if
// none.
PBGDPL_DECL std::string declared_charset(std::string_view content_type, std::string_view body);

// The body as UTF-8 (NFC): UTF-8 (or none declared) is checked and kept; windows-1258,
// windows-1252, ISO-8859-1 and the other charsets iconv knows are converted. An error
// (errc::unsupported) names a charset we cannot convert; invalid UTF-8 is repaired with U+FFFD.
PBGDPL_DECL result<std::string> decode_to_utf8(std::string_view body, std::string_view charset);

// Whitespace runs made one space, ends trimmed.
PBGDPL_DECL std::string collapse_space(std::string_view s);

}  // namespace network::html
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/html.ipp"
#endif
