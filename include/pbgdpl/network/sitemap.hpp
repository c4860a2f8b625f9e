// The dated lists a site publishes about itself, read with expat: sitemap.xml (and sitemap
// indexes), RSS 2.0 and Atom feeds, reduced to what the compliance crawler needs: each entry's
// link, title, id and date. A document with a DOCTYPE is refused before any entity is declared
// (no billion laughs, no external entities); entries, text and depth are bounded.
#pragma once
#include "../core/result.hpp"
#include "../core/time.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace network {

struct dated_entry {
  std::string link;   // <loc>, RSS <link>, Atom <link href> (rel=alternate or none)
  std::string title;  // feeds only
  std::string id;     // RSS <guid>, Atom <id>
  std::string date;   // as written: <lastmod>, <pubDate>, <updated>/<published>
  std::optional<timestamp> when;  // parsed, when the form was understood
};

enum class xml_list_kind { unknown, urlset, sitemap_index, rss, atom };

struct xml_list {
  xml_list_kind kind = xml_list_kind::unknown;
  std::vector<dated_entry> entries;  // for a sitemap index: the child sitemaps
};

inline constexpr std::size_t xml_list_max_entries = 50'000;

// Parses a sitemap, sitemap index, RSS or Atom document. Errors: errc::parse_error (not XML, a
// DOCTYPE, nesting past 64 levels).
PBGDPL_DECL result<xml_list> parse_xml_list(std::string_view xml);

// The dates these documents carry: W3C datetime ("2026-11-20", "2026-11-20T08:00+07:00",
// "...Z"), RFC 822 ("Fri, 20 Nov 2026 08:00:00 +0700", "GMT") and the Vietnamese forms of page
// text ("ngày 22 tháng 3 năm 2023", "22/03/2023", "22-03-2023", "22.03.2023"); a date without a
// time is midnight in Hà Nội.
PBGDPL_DECL std::optional<timestamp> parse_any_date(std::string_view s);

// The first Vietnamese date written in `text` ("ngày 22 tháng 3 năm 2023", "22/03/2023"), as
// written and parsed. Linear in the text.
struct text_date {
  std::string written;
  timestamp when{};
};
PBGDPL_DECL std::optional<text_date> find_text_date(std::string_view text);

}  // namespace network
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/sitemap.ipp"
#endif
