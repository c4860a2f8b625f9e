// The compliance crawler (plan target 1: every school site has a PBGDPL section, links the
// division portal, carries the city portal's banner with its sentence, and posts recently).
// crawl_site() reads one site within a page budget, honouring robots.txt, using its sitemap
// and feeds where it has them, and decides each criterion with evidence (network/compliance.hpp);
// crawl() runs many sites on a pool of workers. Every fetch goes through network::fetch (or the
// config's fetcher, for tests): timeouts, redirect limits and size limits are its job.
// The city portal itself is never fetched: a link to it counts, whatever it answers.
// Thread safety: crawl_site is reentrant; the OCR cache is shared and locked.
#pragma once
#include "compliance.hpp"
#include "fetch.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace network {

// One site to crawl. division_url overrides the config's (a city-wide crawl has many divisions).
struct crawl_target {
  std::optional<unit_id> unit;
  std::string url;
  std::string division_url;
};

// Reads the text in an image (PNG, JPEG or GIF bytes): nothing when it could not be read.
using ocr_reader = std::function<std::optional<std::string>(std::string_view image)>;
using crawl_fetcher = std::function<fetch_response(const std::string& url, const fetch_options& opt)>;

struct crawl_config {
  std::string division_url;  // the division portal (criterion b): its host is what counts
  std::string city_portal_host = "pbgdpl.hanoi.gov.vn";
  std::string required_sentence;  // empty: model/banner.hpp's city_portal_banner_text
  unsigned recent_days = 30;      // criterion d: a PBGDPL post at most this many days old
  std::optional<timestamp> today;  // "now" for criterion d; tests pin it
  unsigned concurrency = 8;       // sites crawled at once by crawl()
  unsigned page_budget = 12;      // requests per site, robots.txt, sitemaps, feeds and images included
  std::string agent_token = "pbgdpl";  // the robots.txt product token we answer to
  fetch_options fetch = default_fetch();
  crawl_fetcher fetch_with;            // empty: network::fetch
  // OCR of a banner image whose link carries no sentence; empty: tesseract_reader() when
  // `ocr` is on. Images past max_image_bytes are not read.
  bool ocr = true;
  ocr_reader read_image;
  std::size_t max_image_bytes = 2u * 1024u * 1024u;

  static fetch_options default_fetch() {
    fetch_options o;
    o.timeout = std::chrono::seconds(10);
    o.max_body_bytes = 2u * 1024u * 1024u;
    o.keep_truncated = true;  // the top of an enormous page still has its menu and banners
    o.max_redirects = 5;
    return o;
  }
};

// Reads a site and decides the four criteria. Never throws; a site that cannot be read gets
// verdict::unknown with the failure in `errors`.
PBGDPL_DECL site_result crawl_site(const crawl_target& target, const crawl_config& config);

// Called after each site, from the worker that crawled it (serialised: one call at a time).
using crawl_progress = std::function<void(std::size_t done, std::size_t total, const site_result& last)>;

// Crawls every target with config.concurrency workers; results in the order of `targets`.
PBGDPL_DECL std::vector<site_result> crawl(const std::vector<crawl_target>& targets, const crawl_config& config,
                                           const crawl_progress& progress = {});

// OCR by Debian's tesseract (`tesseract <file> - -l vie`), run as a child process with a
// deadline, its output bounded; results cached by the image's BLAKE2b-256 for the process's
// lifetime. Nothing when tesseract is missing, fails or runs past the timeout.
PBGDPL_DECL ocr_reader tesseract_reader(std::string program = "tesseract", std::chrono::seconds timeout = std::chrono::seconds(20),
                                        std::string languages = "vie");

// Does `text` carry the sentence? Both folded (marks, case, đ), whitespace and punctuation
// ignored; `fuzzy` accepts OCR's slips: at least 80% of the sentence's words, in order. Returns
// the share of words found in order (1 for an exact match), 0 when not carried.
PBGDPL_DECL double sentence_match(std::string_view text, std::string_view sentence, bool fuzzy);

}  // namespace network
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/crawler.ipp"
#endif
