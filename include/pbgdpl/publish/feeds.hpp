// Syndication: Atom (RFC 4287), RSS 2.0 and JSON Feed 1.1 from one neutral list of entries, so
// the portal, the division's aggregator and upward syndication all speak the same three formats.
// Entry ids are permanent (aggregators deduplicate by them); text is escaped for XML and any
// character XML 1.0 forbids is dropped, so stored payloads come out inert and well-formed.
#pragma once
#include "../core/escape.hpp"
#include "../core/json.hpp"
#include "../core/time.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace publish {

struct feed_entry {
  std::string id;            // permanent, e.g. "tag:pgd-hadong.edu.vn,2023:article/abc123"
  std::string title;
  std::string url;           // the entry's page (absolute)
  std::string summary;       // plain text
  std::string content_html;  // rendered safe HTML (or empty)
  std::string author;
  timestamp published{};
  timestamp updated{};
  std::vector<std::string> categories;
  std::optional<std::string> image_url;
  // Further Atom links of the entry (rel, type, href): the syndication feed names each article's
  // approval signature and approved bytes this way. Only the Atom feed writes them.
  struct link {
    std::string rel, type, href;
  };
  std::vector<link> links;
};

struct feed_meta {
  std::string id;         // permanent feed id (tag URI or the feed's URL)
  std::string title;
  std::string subtitle;
  std::string site_url;   // the HTML page the feed belongs to (absolute)
  std::string self_url;   // this feed's own URL (absolute)
  std::string language = "vi";
  std::string author;     // the publishing unit
  timestamp updated{};    // newest entry's update time (or the feed's own)
};

// XML escaping lives in core/escape.hpp.
using pbgdpl::append_xml_escaped;
inline std::string xml_escape(std::string_view s) { return xml_escaped(s); }

// RFC 822 date as RSS wants it, in Hà Nội time: "Wed, 22 Mar 2023 08:30:00 +0700".
std::string format_rfc822(timestamp t);

// Atom 1.0 (RFC 4287).
std::string atom_feed(const feed_meta& m, const std::vector<feed_entry>& entries);

// RSS 2.0.
std::string rss_feed(const feed_meta& m, const std::vector<feed_entry>& entries);

// JSON Feed 1.1, with '<' and '>' escaped so it is inert even if served as HTML.
std::string json_feed(const feed_meta& m, const std::vector<feed_entry>& entries);

}  // namespace publish
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/feeds.ipp"
#endif
