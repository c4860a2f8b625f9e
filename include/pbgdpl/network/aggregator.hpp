// Feed aggregation across schools: a unit (the division, a ward) pulls the feeds of the schools
// below it in the hierarchy at today's date and keeps their entries, sanitised, with their source.
// Each feed is read with a conditional GET (the ETag and Last-Modified of every 200 and 304 kept,
// so a server that changes one and not the other is still asked correctly); entries are matched by
// id, then by link, so a feed that re-sends or re-numbers its entries adds nothing twice; a
// failing feed waits longer after each failure (capped) while the others go on; a few feeds are
// read at once. A school's feed is configured (subscribe) or discovered from the <link
// rel="alternate"> of its site (unit::website).
// Thread safety: refresh() may run beside page views (the store must be shareable); one refresh
// of a unit at a time (the aggregator class serialises its own).
#pragma once
#include "../model/aggregation.hpp"
#include "../store/store.hpp"
#include "feed_reader.hpp"
#include "fetch.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace network {

// After n failures in a row a feed waits first * factor^(n-1), at most max_delay.
struct feed_backoff {
  std::chrono::seconds first{5 * 60};
  unsigned factor = 2;
  std::chrono::seconds max_delay{24 * 3600};
};
PBGDPL_DECL std::chrono::seconds backoff_after(const feed_backoff& b, unsigned failures);

using fetcher = std::function<fetch_response(std::string_view url, const header_list& headers, const fetch_options& opt)>;

struct aggregator_options {
  std::function<timestamp()> now;  // default: pbgdpl::now
  fetch_options fetch;             // allow_private_addresses for the demo and the tests
  fetcher get;                     // default: network::fetch
  unsigned concurrency = 4;        // feeds read at once
  std::chrono::seconds interval{30 * 60};  // after a success, the next regular read
  feed_backoff backoff;
  feed_limits limits;
  std::size_t max_entries_per_feed = 100;  // the newest the feed lists; older ones are left
  // Entries kept per school, the newest (by their date): older ones are removed when new ones
  // come. 0 keeps everything.
  std::size_t keep_per_school = 300;
  bool discover = true;  // refresh() first looks for the feeds of schools without a subscription
  std::string actor = "aggregator";
};

// What one feed gave in one refresh.
enum class feed_result { updated, not_modified, failed, waiting };
PBGDPL_DECL std::string_view to_string(feed_result r) noexcept;

struct feed_outcome {
  feed_subscription_id subscription;
  unit_id unit;
  std::string url;
  feed_result result = feed_result::waiting;
  unsigned status = 0;
  std::size_t added = 0, changed = 0;
  std::string error;  // English, for logs and the CLI
};

struct refresh_report {
  std::vector<feed_outcome> feeds;
  std::size_t added = 0, changed = 0, failed = 0, not_modified = 0, waiting = 0, discovered = 0;
  std::set<std::string> units_changed;  // schools with a new or changed entry
};

// The href of the first <link rel="alternate"> naming a feed (Atom, RSS or JSON Feed) in a page,
// resolved against the page's URL; "" when there is none.
PBGDPL_DECL std::string discover_feed_url(std::string_view html, std::string_view page_url);

// A configured feed for `school` (replaces the URL of its subscription if it has one).
PBGDPL_DECL result<feed_subscription> subscribe(store::store& db, const unit_id& school, std::string url,
                                                const aggregator_options& opt = {});

// The subscriptions of the units at or below `root` in the hierarchy at today's date.
PBGDPL_DECL result<std::vector<feed_subscription>> subscriptions_under(store::store& db, const unit_id& root,
                                                                       timestamp now);

// Reads every feed due under `root` (all of them with `force`), stores new and changed entries
// and each feed's state. A feed's failure is in its outcome; an error is returned only when the
// store itself fails.
PBGDPL_DECL result<refresh_report> refresh(store::store& db, const unit_id& root, const aggregator_options& opt = {},
                                           bool force = false);

// Entries of the schools at or below `root`, newest first, `limit` (1..100) per page.
PBGDPL_DECL result<store::page<aggregated_entry>> entries_under(store::store& db, const unit_id& root, std::size_t limit,
                                                                const std::string& cursor = {});

// Re-publishing: an Atom feed of `entries` with each entry's atom:source (the school's feed id,
// title, link and self URL) kept. `self` is this feed's URL, `id` its atom:id.
PBGDPL_DECL std::string aggregated_atom(const std::vector<aggregated_entry>& entries, std::string_view id,
                                        std::string_view title, std::string_view self, std::string_view alternate,
                                        timestamp now);

// A background refresh of some units every `interval` (the portal's timer), on its own thread.
class aggregator {
 public:
  aggregator(store::store& db, std::vector<unit_id> roots, aggregator_options opt = {});
  aggregator(const aggregator&) = delete;
  aggregator& operator=(const aggregator&) = delete;
  ~aggregator();
  void start();
  void stop();
  // One round now, on this thread (what the timer runs).
  refresh_report run_once(bool force = false);
  // Called after each round with its report (the portal logs it).
  std::function<void(const refresh_report&)> on_refreshed;

 private:
  store::store& db_;
  std::vector<unit_id> roots_;
  aggregator_options opt_;
  std::mutex mu_, run_mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace network
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/aggregator.ipp"
#endif
