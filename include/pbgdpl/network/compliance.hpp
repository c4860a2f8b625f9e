// What the compliance crawler found on one school's site: for each of the plan's four criteria
// (a PBGDPL section, a link to the division portal, a banner linking the city portal with the
// required sentence, a recent PBGDPL post) a verdict and the evidence behind it (the URL, the
// element, what matched, how it was matched and how sure). Values with JSON both ways, so the
// portal can store each crawl and show the history; the crawling itself is network/crawler.hpp.
#pragma once
#include "../model/common.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace network {

enum class criterion { section, division_link, city_banner, recent_post };

// unknown: the site could not be read well enough to say (its home page failed, robots.txt
// forbids it): not the school's non-compliance, and counted apart in the KPIs.
enum class verdict { met, not_met, unknown };

// The CMS a site runs on, guessed from its URLs and markup; it decides where the crawler looks
// (a Quảng Ích sitemap, a NukeViet or WordPress feed).
enum class platform { unknown, qig, nukeviet, liferay, wordpress };

}  // namespace network

PBGDPL_ENUM_NAMES(network::criterion, {network::criterion::section, "section"},
                  {network::criterion::division_link, "division_link"}, {network::criterion::city_banner, "city_banner"},
                  {network::criterion::recent_post, "recent_post"});
PBGDPL_ENUM_NAMES(network::verdict, {network::verdict::met, "met"}, {network::verdict::not_met, "not_met"},
                  {network::verdict::unknown, "unknown"});
PBGDPL_ENUM_NAMES(network::platform, {network::platform::unknown, "unknown"}, {network::platform::qig, "qig"},
                  {network::platform::nukeviet, "nukeviet"}, {network::platform::liferay, "liferay"},
                  {network::platform::wordpress, "wordpress"});
PBGDPL_ENUM_LABELS(network::criterion, {network::criterion::section, "Chuyên mục phổ biến, giáo dục pháp luật", "PBGDPL section"},
                   {network::criterion::division_link, "Liên kết đến cổng thông tin của Phòng", "Link to the division portal"},
                   {network::criterion::city_banner, "Banner liên kết Trang phổ biến pháp luật thành phố",
                    "Banner linking the city PBGDPL portal"},
                   {network::criterion::recent_post, "Có bài phổ biến pháp luật gần đây", "A recent PBGDPL post"});
PBGDPL_ENUM_LABELS(network::verdict, {network::verdict::met, "Đạt", "Met"}, {network::verdict::not_met, "Chưa đạt", "Not met"},
                   {network::verdict::unknown, "Chưa xác định được", "Unknown"});
PBGDPL_ENUM_LABELS(network::platform, {network::platform::unknown, "Không rõ", "Unknown"},
                   {network::platform::qig, "Quảng Ích", "Quang Ich"}, {network::platform::nukeviet, "NukeViet", "NukeViet"},
                   {network::platform::liferay, "Liferay", "Liferay"}, {network::platform::wordpress, "WordPress", "WordPress"});

namespace network {

// How each piece of evidence was found: stable names for JSON and the KPI page.
namespace evidence_methods {
inline constexpr std::string_view menu_title = "menu-title";  // a menu link's text or title, folded
inline constexpr std::string_view slug = "slug";              // a link's path segment
inline constexpr std::string_view post_title = "post-title";  // a legal post's title in general news
inline constexpr std::string_view section_posts = "section-posts";  // the section page lists posts
inline constexpr std::string_view href_host = "href-host";    // a link whose host is the wanted one
inline constexpr std::string_view link_text = "link-text";    // the sentence in the link's own text
inline constexpr std::string_view title = "title";            // ... in its title attribute
inline constexpr std::string_view alt = "alt";                // ... in its image's alt or title
inline constexpr std::string_view ocr = "ocr";                // ... read from the image by OCR
inline constexpr std::string_view no_sentence = "no-sentence";  // the link is there, the sentence is not
inline constexpr std::string_view sitemap_lastmod = "sitemap-lastmod";
inline constexpr std::string_view feed_date = "feed-date";    // RSS pubDate, Atom updated/published
inline constexpr std::string_view meta_date = "meta-date";    // <meta property=article:published_time>
inline constexpr std::string_view time_element = "time-element";  // <time datetime>
inline constexpr std::string_view text_date = "text-date";    // "ngày 22 tháng 3 năm 2023", "22/03/2023"
inline constexpr std::string_view url_date = "url-date";      // WordPress /2023/03/22/slug/
}  // namespace evidence_methods

struct evidence {
  std::string url;       // the page (or feed, sitemap) where it was seen
  std::string element;   // a short outer-HTML or a selector-like path ("li.it-menu > a[title]")
  std::string matched;   // the text, slug, alt, OCR text or date that matched
  std::string method;    // evidence_methods
  double confidence = 0; // 0..1
  friend bool operator==(const evidence&, const evidence&) = default;
};

template <class V>
void describe(V& f, evidence& x) {
  using model_io::need;
  using model_io::short_text;
  f("url", x.url, need::required, short_text);
  f("element", x.element, need::optional, short_text);
  f("matched", x.matched, need::optional, short_text);
  f("method", x.method, need::required, short_text);
  f("confidence", x.confidence);
}
PBGDPL_MODEL_JSON(evidence)

struct criterion_result {
  criterion which = criterion::section;
  enum verdict verdict = verdict::unknown;
  std::vector<network::evidence> evidence;  // best first
  std::string note_vi, note_en;    // one sentence for a person: why met, why not
  // The best evidence's confidence (0 when none).
  double confidence() const noexcept { return evidence.empty() ? 0.0 : evidence.front().confidence; }
  friend bool operator==(const criterion_result&, const criterion_result&) = default;
};

template <class V>
void describe(V& f, criterion_result& x) {
  using model_io::need;
  using model_io::short_text;
  f("criterion", x.which, need::required);
  f("verdict", x.verdict, need::required);
  f("evidence", x.evidence);
  f("note_vi", x.note_vi, need::optional, short_text);
  f("note_en", x.note_en, need::optional, short_text);
}
PBGDPL_MODEL_JSON(criterion_result)

// One request that did not give a usable page: the URL, fetch_failure_name() of the failure (or
// "http_status" for a 4xx/5xx answer, "robots" for a path robots.txt forbids, "encoding" for an
// unsupported charset) and a message.
struct fetch_error {
  std::string url;
  std::string failure;
  std::uint32_t status = 0;
  std::string message;
  friend bool operator==(const fetch_error&, const fetch_error&) = default;
};

template <class V>
void describe(V& f, fetch_error& x) {
  using model_io::need;
  using model_io::short_text;
  f("url", x.url, need::required, short_text);
  f("failure", x.failure, need::required, short_text);
  f("status", x.status);
  f("message", x.message, need::optional, short_text);
}
PBGDPL_MODEL_JSON(fetch_error)

inline constexpr int site_result_schema_version = 1;

struct site_result {
  int schema_version = site_result_schema_version;
  std::optional<unit_id> unit;  // the school, when the site came from the unit directory
  std::string site;             // the URL crawled (the home page)
  timestamp started{};
  timestamp finished{};
  std::vector<fetch_error> errors;
  std::uint32_t pages_fetched = 0;  // requests made, robots.txt, sitemaps and feeds included
  std::uint64_t bytes = 0;          // body bytes received
  enum platform platform = platform::unknown;
  // One per criterion, in the enum's order: section, division_link, city_banner, recent_post.
  std::vector<criterion_result> criteria;

  // The result for one criterion (nullptr when absent).
  const criterion_result* find(criterion c) const noexcept {
    for (const auto& r : criteria)
      if (r.which == c) return &r;
    return nullptr;
  }
  enum verdict verdict_of(criterion c) const noexcept {
    auto r = find(c);
    return r ? r->verdict : verdict::unknown;
  }
  // Every criterion met: the plan's target for this site.
  bool compliant() const noexcept {
    if (criteria.empty()) return false;
    for (const auto& r : criteria)
      if (r.verdict != verdict::met) return false;
    return true;
  }
  friend bool operator==(const site_result&, const site_result&) = default;
};

template <class V>
void describe(V& f, site_result& x) {
  using model_io::need;
  using model_io::short_text;
  f("schema_version", x.schema_version);
  f("unit", x.unit);
  f("site", x.site, need::required, short_text);
  f("started", x.started, need::required);
  f("finished", x.finished, need::required);
  f("errors", x.errors);
  f("pages_fetched", x.pages_fetched);
  f("bytes", x.bytes);
  f("platform", x.platform);
  f("criteria", x.criteria);
}
PBGDPL_MODEL_JSON(site_result)

}  // namespace network
PBGDPL_NAMESPACE_END
