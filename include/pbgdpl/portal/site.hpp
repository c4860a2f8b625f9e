// The PBGDPL section of a school's or division's website, as an HTTP handler a vendor mounts
// into its own server or runs standalone. The site composes its parts: the unit directory kept in
// memory (units.hpp), the reader pages (pages.hpp) mounted per unit, the JSON API (api.hpp), the
// schedule of coming publications (schedule.hpp), and the middleware and caches around them.
// Pages are rendered once, cached, and dropped from the cache when content changes: the site
// listens to its store (store::subscribe), so every committed write, whoever made it (the API,
// the vendor's own code through the store, another process on the same SQLite file, seen by
// store::poll_changes() at the start of each request), drops what it affects and nothing else.
// Thread safety: one site serves any number of threads at once (its handler, routes, caches and
// unit directory are shared and locked inside); construct and destroy it on one thread, with
// no request running. Its store must be shareable (both built-in stores are).
#pragma once
#include "../http/middleware.hpp"
#include "../http/router.hpp"
#include "../store/store.hpp"
#include "api.hpp"
#include "options.hpp"
#include "pages.hpp"
#include "schedule.hpp"
#include "units.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace portal {

class site {
 public:
  site(store::store& s, options o);
  site(const site&) = delete;
  site& operator=(const site&) = delete;

  // The whole portal as one handler: the routes inside the middleware (see handler()'s list).
  // The site must outlive it.
  http::handler handler();

  // The routes without the middleware, for a vendor's own pipeline (which must prepare() each
  // request at its entry): /healthz, /favicon.ico, /robots.txt, /api/..., /don-vi/{unit}/...
  // and every unit page at the root (the unit chosen by Host). Such a pipeline calls the
  // store's poll_changes() at each request's entry when another process writes the same file.
  std::shared_ptr<const http::router> routes() const noexcept { return routes_; }

  // Drops every cached page, feed and API answer, and reads the units and the next publication
  // time again. No longer a duty: writes through the store (any writer, any process on the
  // same SQLite file) reach the site by themselves and drop only what they affect. Kept for
  // compatibility, and for data the store does not see (a theme or options changed in place).
  void content_changed();

  // A scheduled article came due (its published_at passed): drops what shows it now (the pages of
  // its unit and those above, search, API answers) as a write of it would, without waiting for a
  // request. The publication timer (network::dispatcher_options::on_published) calls it at that
  // moment; requests still check the schedule themselves, for hosts that run no timer.
  void came_due(const article& a);

  // Renders the HTML of stored articles, documents and questions that have none (written by an
  // older version or straight into the store), so pages stop showing them as plain text. Run at
  // start-up, not on a reader's request. Returns how many records were updated; records over
  // the render budget are left as they are (pages show their escaped text).
  result<std::size_t> render_missing(std::string_view actor = "system");

  http::response_cache& cache() noexcept { return cache_; }
  const options& config() const noexcept { return opt_; }
  // The unit directory the pages and (when shared through options::units) the authorizer read.
  live_units& units() noexcept { return *units_; }
  // The decoded records the pages reuse between requests (what an uncached page still reuses):
  // dropped whenever the store changes; see options::records.
  store::record_cache& records() noexcept { return pages_.records(); }

  // The OpenAPI 3 description of the JSON API (served at /api/openapi.json).
  static json openapi() { return api::openapi(); }

 private:
  options with_defaults(store::store& s, options o);
  // A partition's limits: the pages' (or smaller) and its own parameters, unless the vendor set
  // page_params for the whole site.
  http::cache_limits partition(const http::cache_limits& pages, std::size_t entries, std::size_t bytes,
                               const std::vector<std::string>& params) const;
  http::response_cache& cache_for(const http::request& req);
  // The store's listener: drops what a batch of committed writes affects. A unit: everything
  // (the tree changed). An article or question of unit U: the pages of U and of U's ancestors
  // (they list it), the search and API partitions whole, and for articles the publication
  // schedule. A legal document of unit U: the pages of U and its descendants (they show it); of
  // no unit: every page. Media: the API partition. Other kinds (accounts, ...) show nowhere.
  // Pages carry the tag "unit:<id>" of the unit whose section they are (pages.ipp).
  void on_changes(const std::vector<store::change>& batch);
  // Drops every cached page, search and API answer (counting the drop first, see handler()).
  void drop_all_answers();
  void build_routes();
  http::response health();
  http::response robots(const http::request& req);

  store::store& store_;
  bool vendor_params_ = false;  // set before opt_ (declaration order): with_defaults() writes it
  options opt_;
  std::shared_ptr<live_units> units_;
  publication_schedule schedule_;
  std::atomic<std::int64_t> day_{0};  // the day (days since 1970, in Vietnam) the cached answers belong to
  http::response_cache cache_, search_cache_, api_cache_;
  http::response_cache widget_cache_;  // issue 20: the widgets' answers, keyed on their parameters
  portal::pages pages_;
  portal::api api_;
  std::shared_ptr<http::router> routes_;
  // Counts the times cached answers were dropped, each counted before it drops: an answer whose
  // render saw the count move may have been made from what a write changed.
  std::atomic<std::uint64_t> drops_{0};
  // Last, so it goes first: no change reaches a half-destroyed site.
  store::change_subscription changes_;
};

}  // namespace portal
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/site.ipp"
#endif
