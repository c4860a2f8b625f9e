// Reading the feeds of sites we do not control: Atom (RFC 4287), RSS 2.0, RSS 1.0 (RDF) and JSON
// Feed 1.1 into one structure. XML goes through expat with every entity declaration refused (a
// billion-laughs document fails at its first <!ENTITY>, before anything expands), no external
// entity or DTD ever loaded, and limits on size, depth, entries and text: a hostile feed costs
// at most its own bytes. Text comes out UTF-8 NFC; HTML comes out as the feed gave it (the
// aggregator sanitises it, network/sanitize.hpp).
// Thread safety: parse_feed is reentrant.
#pragma once
#include "../core/errors.hpp"
#include "../core/result.hpp"
#include "../core/time.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace network {

enum class feed_format { atom, rss, rdf, json_feed };
PBGDPL_DECL std::string_view to_string(feed_format f) noexcept;

struct feed_entry {
  std::string id;     // atom:id, RSS guid, JSON Feed id; "" when the feed gave none
  std::string link;   // the entry's page (absolute when the feed allowed it)
  std::string title;  // plain text
  std::string summary_html;  // HTML (a text summary arrives escaped into HTML)
  std::string content_html;
  std::optional<timestamp> published, updated;
  std::vector<std::string> authors;
};

struct feed {
  feed_format format = feed_format::atom;
  std::string id;     // atom:id; else the feed's link or the URL it was read from
  std::string title;  // plain text
  std::string link;   // the site (rel=alternate)
  std::string self;   // rel=self when the feed names itself
  std::optional<timestamp> updated;
  std::vector<feed_entry> entries;
};

struct feed_limits {
  std::size_t max_bytes = 8u * 1024u * 1024u;
  std::size_t max_depth = 48;         // nested elements (XML) or arrays and objects (JSON)
  std::size_t max_entries = 500;      // the rest are dropped (feeds list newest first)
  std::size_t max_text = 512u * 1024u;  // one element's text; longer is cut
};

// Parses `body`. The format is found from the document itself (the root element, or a JSON
// object with a jsonfeed.org version). `base_url` (where the feed was read) resolves relative
// links. Errors (errc::parse_error, errc::too_large, errc::invalid_argument) say what was wrong in
// Vietnamese and English: "entity declarations are refused", "encoding windows-1250 is not read".
// Encodings: UTF-8, UTF-16, ISO-8859-1 and US-ASCII (expat's own), windows-1252 and
// windows-1258 (Vietnamese, single-byte with combining tone marks: composed to NFC here).
PBGDPL_DECL result<feed> parse_feed(std::string_view body, std::string_view base_url = {}, const feed_limits& lim = {});

// A feed date: RFC 3339 ("2024-11-20T08:30:00+07:00", fractions, "z", a space for "T", a date
// alone) and RFC 822/1123 as feeds really write it ("Wed, 20 Nov 2024 08:30:00 +0700", no day
// name, no seconds, two-digit years, GMT/UT/Z/EST... zones, full month names). As a UTC instant;
// nothing when it is not a date.
PBGDPL_DECL std::optional<timestamp> parse_feed_date(std::string_view s);

}  // namespace network
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/feed_reader.ipp"
#endif
