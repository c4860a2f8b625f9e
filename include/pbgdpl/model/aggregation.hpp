// Feed aggregation across schools: a unit's subscription to one school's feed, with the state
// that conditional GET and backoff need, and the entries read from it, each keeping its source
// (the school's feed id, title and link) so that re-publishing can say where it came from
// (atom:source). Entry HTML is stored already sanitised (network/sanitize.hpp).
#pragma once
#include "common.hpp"

PBGDPL_NAMESPACE_BEGIN

using feed_subscription_id = id<struct feed_subscription_tag>;
using aggregated_entry_id = id<struct aggregated_entry_tag>;

struct feed_subscription {
  feed_subscription_id id;
  int schema_version = model_schema_version;
  std::uint64_t version = 0;
  unit_id unit;       // the school whose feed this is
  std::string url;    // the feed (configured, or discovered from the site's <link rel=alternate>)
  bool discovered = false;
  bool active = true;
  // Conditional GET: what the last 200 or 304 said (kept from every such answer, not only the
  // 200s: a server may change its ETag while Last-Modified stays).
  std::string etag, last_modified;
  // What the feed says of itself (for atom:source).
  std::string feed_id, feed_title, feed_link;
  timestamp created_at{};
  std::optional<timestamp> last_attempt_at, last_success_at;
  // After failures: not fetched before then (the backoff). After a success: when the reader that
  // made it would read again (another reader, with its own interval, may come sooner).
  timestamp next_attempt_at{};
  std::uint32_t failures = 0;   // in a row; 0 after a success
  std::uint32_t last_status = 0;
  std::string last_error;
  std::uint32_t entries = 0;  // entries stored from it

  friend bool operator==(const feed_subscription&, const feed_subscription&) = default;
};

template <class V>
void describe(V& f, feed_subscription& x) {
  using model_io::need;
  using model_io::short_text;
  model_io::head(f, x);
  f("unit", x.unit, need::required);
  f("url", x.url, need::required, short_text);
  f("discovered", x.discovered);
  f("active", x.active);
  f("etag", x.etag, need::optional, short_text);
  f("last_modified", x.last_modified, need::optional, short_text);
  f("feed_id", x.feed_id, need::optional, short_text);
  f("feed_title", x.feed_title, need::optional, short_text);
  f("feed_link", x.feed_link, need::optional, short_text);
  f("created_at", x.created_at, need::required);
  f("last_attempt_at", x.last_attempt_at);
  f("last_success_at", x.last_success_at);
  f("next_attempt_at", x.next_attempt_at, need::required);
  f("failures", x.failures);
  f("last_status", x.last_status);
  f("last_error", x.last_error, need::optional, short_text);
  f("entries", x.entries);
}
PBGDPL_MODEL_DECLARE(feed_subscription)

struct aggregated_entry {
  // Derived from the subscription and the entry's id (or its link when it has none): reading the
  // same entry again finds it instead of adding a second one.
  aggregated_entry_id id;
  int schema_version = model_schema_version;
  std::uint64_t version = 0;
  unit_id unit;  // the school
  feed_subscription_id subscription;
  std::string entry_id;  // as the feed gave it
  std::string link;
  std::string title;  // plain text
  std::string summary_html, content_html;  // sanitised
  std::vector<std::string> authors;
  std::optional<timestamp> published, updated;
  timestamp sort_at{};  // published, else updated, else when first read: the order of the lists
  // atom:source: the school's feed as it named itself.
  std::string source_id, source_title, source_link, source_url;
  timestamp created_at{};  // first read
  timestamp updated_at{};  // last changed

  friend bool operator==(const aggregated_entry&, const aggregated_entry&) = default;
};

template <class V>
void describe(V& f, aggregated_entry& x) {
  using model_io::need;
  using model_io::short_text;
  model_io::head(f, x);
  f("unit", x.unit, need::required);
  f("subscription", x.subscription, need::required);
  f("entry_id", x.entry_id, need::optional, short_text);
  f("link", x.link, need::optional, short_text);
  f("title", x.title, need::optional, short_text);
  f("summary_html", x.summary_html, need::optional, model_io::rendered_html);
  f("content_html", x.content_html, need::optional, model_io::rendered_html);
  f("authors", x.authors, need::optional, short_text);
  f("published", x.published);
  f("updated", x.updated);
  f("sort_at", x.sort_at, need::required);
  f("source_id", x.source_id, need::optional, short_text);
  f("source_title", x.source_title, need::optional, short_text);
  f("source_link", x.source_link, need::optional, short_text);
  f("source_url", x.source_url, need::optional, short_text);
  f("created_at", x.created_at, need::required);
  f("updated_at", x.updated_at, need::required);
}
PBGDPL_MODEL_DECLARE(aggregated_entry)

PBGDPL_DECL void validate(const feed_subscription& s, validator& v);
PBGDPL_DECL void validate(const aggregated_entry& e, validator& v);

// Compiled mode: decoding, encoding and checking these is instantiated once, in the library.
PBGDPL_MODEL_EXTERN(feed_subscription)
PBGDPL_MODEL_EXTERN(aggregated_entry)

PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/aggregation.ipp"
#endif
