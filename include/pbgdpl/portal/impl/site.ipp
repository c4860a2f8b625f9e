// Definitions for portal/site.hpp (inline in header-only mode, compiled once from src/portal/).
#pragma once
#include "../media_library.hpp"
#include "../widgets.hpp"
#include "../../publish/rendered.hpp"

#include <algorithm>
#include <set>
#include <type_traits>

PBGDPL_NAMESPACE_BEGIN
namespace portal {

PBGDPL_DECL site::site(store::store& s, options o)
    : store_(s),
      opt_(with_defaults(s, std::move(o))),
      units_(opt_.units),
      schedule_(s),
      cache_(opt_.cache),
      search_cache_(partition(opt_.cache, 1000, 16u * 1024u * 1024u, search_query_params())),
      api_cache_(partition(opt_.cache, 2000, 16u * 1024u * 1024u, api_query_params())),
      widget_cache_(partition(opt_.cache, 1000, 8u * 1024u * 1024u, widget_query_params())),
      pages_(s, opt_, *units_, schedule_),
      // The API's writes reach the caches through the store's listener, like everyone's.
      api_(s, opt_),
      routes_(std::make_shared<http::router>()) {
  build_routes();
  changes_ = store_.subscribe([this](const std::vector<store::change>& batch) { on_changes(batch); });
}

PBGDPL_DECL options site::with_defaults(store::store& s, options o) {
  vendor_params_ = o.cache.policy.page_params.has_value();
  if (!o.cache.policy.page_params) o.cache.policy.page_params = page_query_params();
  // Only API calls of a known caller depend on who asks: a key, or the host's own login
  // (api::personal). Read relative to where the site is mounted, so a vendor's prefix
  // (/phap-luat/api/...) keeps such answers out of the cache too.
  if (!o.cache.policy.personal)
    o.cache.policy.personal = [this](const http::request& req) {
      auto p = req.route_path();
      return (p == "/api" || p.starts_with("/api/")) && api_.personal(req);
    };
  // A trusted proxy's public scheme and prefix change the links in an answer: part of every key
  // (with the vendor's own vary part, if any), so one mount's pages are never served at another.
  o.cache.policy.vary = [this, own = std::move(o.cache.policy.vary)](const http::request& req, std::string& key) {
    append_public_url(opt_, req, key);
    if (own) {
      key.push_back(' ');
      own(req, key);
    }
  };
  for (auto* r : {&o.search_rate, &o.write_rate, &o.ask_rate})
    if (r->trusted_proxies.empty()) r->trusted_proxies = o.trusted_proxies;
  if (!o.now) o.now = [] { return pbgdpl::now(); };
  // A bad prefix is a programming error of the host: refused here, never written into a link.
  o.public_prefix = checked_public_prefix(o.public_prefix).value();
  hotline_tel(o.hotline).value();
  checked_ask_url(o.ask_url).value();
  if (!o.units) o.units = std::make_shared<live_units>(s, o.now);
  return o;
}

PBGDPL_DECL void site::build_routes() {
  routes_->get("/healthz", [this](http::request&) { return health(); });
  // Browsers ask for /favicon.ico on every site; an empty answer keeps a 404 out of their consoles.
  routes_->get("/favicon.ico", [](http::request&) {
    http::response r(http::status::no_content);
    r.set("Cache-Control", "public, max-age=86400");
    return r;
  });
  routes_->get("/robots.txt", [this](http::request& req) { return robots(req); });
  routes_->mount("/api", api_.routes());
  // The same page routes twice: for the unit the path names, and at the root for the unit of
  // the Host (or the default unit). Neither rewrites the request; the pages read the {unit}
  // parameter and the base of their links from where they were mounted.
  if (opt_.editor_routes) routes_->mount("/quan-tri", opt_.editor_routes);
  if (opt_.media) routes_->mount("/don-vi/{unit}/pbgdpl/tep", opt_.media->routes());
  routes_->mount("/don-vi/{unit}", pages_.routes());
  routes_->mount("/", pages_.routes());
}

PBGDPL_DECL http::handler site::handler() {
  // The middleware, outermost first. docs/design.md shows this list; keep the two the same.
  http::pipeline p;
  // 1. Security headers on every answer, the 400s below included.
  p.use(http::security_headers());
  // 2. The request is checked and decoded once, here: a bad target is a 400 before any cache,
  //    router or handler sees it, and everything below reads the decoded path.
  p.use([](http::request& req, const http::handler& next) {
    if (auto ok = req.prepare(); !ok) return http::error_response(ok.err(), http::status::bad_request);
    return next(req);
  });
  // 3. Host as the portal reads it: a configured host as configured, any other as "" (the default
  //    unit), so Host variants cannot multiply cache entries or force renders. A trusted proxy's
  //    X-Forwarded-Host (forwarded(): an allowed one only) stands for Host: the unit, the key.
  p.use([this](http::request& req, const http::handler& next) {
    auto fwd = forwarded(opt_, req);
    req.message().set(http::bhttp::field::host, canonical_host(opt_, fwd.host.empty() ? req.host() : fwd.host));
    return next(req);
  });
  // 4. Commits by other writers of the store's file (another process) are read, and the site's
  //    listener drops what they changed: one look at the WAL header when nothing did. A store that cannot say
  //    leaves nothing cached that might be stale. Then, a scheduled article that came due drops
  //    the cached answers rendered before its time.
  p.use([this](http::request& req, const http::handler& next) {
    if (!store_.poll_changes()) content_changed();
    const auto t = opt_.now();
    if (schedule_.due(t)) drop_all_answers();
    // A new day (Asia/Ho_Chi_Minh) may bring a new hierarchy (a unit that ended, a school that
    // moved): nothing rendered on the hierarchy of yesterday is served after midnight.
    const auto today = static_cast<std::int64_t>(std::chrono::sys_days(local_date(t)).time_since_epoch().count());
    if (auto seen = day_.load(std::memory_order_acquire); seen != today && day_.compare_exchange_strong(seen, today)) {
      if (seen != 0) drop_all_answers();
    }
    return next(req);
  });
  // 5. Conditional GET (ETag, 304), around
  // 6. the response cache in three partitions: search results and API answers (whose query space
  //    a stranger can make endless) apart from pages, so filling them never evicts the pages.
  //    A write that commits while an answer is rendered from what was read before it may be
  //    dropped from the cache before that answer is stored: then the answer's entry goes too.
  //    Every drop counts first (drops_), so either the drop finds the entry or this sees the count.
  p.use(http::conditional_get()).use([this](http::request& req, const http::handler& next) {
    auto& cache = cache_for(req);
    auto before = drops_.load();
    auto r = cache.serve(req, next);
    if (drops_.load() != before) cache.invalidate(req);
    return r;
  });
  // 7. The routes: /healthz, /favicon.ico, /robots.txt, /api (its own rate limit and keys),
  //    /don-vi/{unit}/... and the Host's unit at the root (search has its own rate limit).
  return p.build([this](http::request& req) { return routes_->handle_prepared(req); });
}

PBGDPL_DECL void site::drop_all_answers() {
  ++drops_;  // before anything is dropped (see the cache step in handler())
  cache_.invalidate_tag("content");
  search_cache_.invalidate_tag("content");
  api_cache_.invalidate_tag("content");
  widget_cache_.invalidate_tag("content");
}

PBGDPL_DECL void site::content_changed() {
  drop_all_answers();
  units_->changed();
  schedule_.changed();
}

PBGDPL_DECL void site::came_due(const article& a) {
  store::change c;
  c.kind = std::string(store::entity_traits<article>::kind);
  c.id = a.id.value;
  c.unit = a.unit.value;
  c.op = store::write_op::update;
  c.version = a.version;
  on_changes({c});
}

PBGDPL_DECL void site::on_changes(const std::vector<store::change>& batch) {
  ++drops_;  // before anything is dropped (see the cache step in handler())
  bool all_pages = false, search = false, api = false, articles = false;
  std::vector<std::string> up, down;  // units whose pages drop with their ancestors' / descendants'
  auto owner = [&](std::vector<std::string>& to, const std::string& u) {
    if (u.empty()) all_pages = true;  // a document of no unit shows everywhere; else unknown (old log)
    else to.push_back(u);
  };
  for (const auto& c : batch) {
    if (c.kind == store::entity_traits<unit>::kind) {
      content_changed();  // names, parents, archived marks: every page shows the tree
      return;
    }
    const bool is_article = c.kind == store::entity_traits<article>::kind;
    const bool is_document = c.kind == store::entity_traits<legal_document>::kind;
    if (is_article || is_document || c.kind == store::entity_traits<question>::kind) {
      search = api = true;
      articles = articles || is_article;
      owner(is_document ? down : up, c.unit);
      if (c.previous_unit) owner(is_document ? down : up, *c.previous_unit);
    } else if (c.kind == store::entity_traits<dialogue_session>::kind) {
      owner(up, c.unit);  // its page, the unit's list of sessions (and the units above list nothing of it)
      if (c.previous_unit) owner(up, *c.previous_unit);
    } else if (c.kind == store::entity_traits<compliance_run>::kind) {
      // A finished crawl: the KPI page of the unit whose schools it checked (and the API).
      api = true;
      if (!c.unit.empty()) cache_.invalidate_tag("unit:" + c.unit);
    } else if (c.kind == store::entity_traits<aggregated_entry>::kind) {
      owner(up, c.unit);  // the school's entry shows on the news pages of the units above it
    } else if (c.kind == store::entity_traits<media_asset>::kind) {
      api = true;
    } else if (c.kind == store::entity_traits<banner>::kind) {
      // A unit's own banner: every page of the unit shows it (and its kit page and images).
      owner(up, c.unit);
      if (c.previous_unit) owner(up, *c.previous_unit);
    }
  }
  if (api) api_cache_.invalidate_tag("content");
  if (search) search_cache_.invalidate_tag("content");
  if (articles) schedule_.changed();
  if (all_pages) {
    cache_.invalidate_tag("content");
    widget_cache_.invalidate_tag("content");
    return;
  }
  if (up.empty() && down.empty()) return;
  std::set<std::string, std::less<>> units;
  auto snapshot = units_->get();
  // A unit that ended is listed by the units that took it over (unit_directory::listed_under):
  // their pages, and those above or below them, show its content too.
  const auto& tree = snapshot->tree;
  for (const auto& u : up) {
    units.insert(u);
    for (const auto* a : tree.ancestors(u)) units.insert(a->id.value);
    for (const auto& h : tree.heirs(u)) {
      units.insert(h);
      for (const auto* a : tree.ancestors(h)) units.insert(a->id.value);
    }
  }
  for (const auto& u : down) {
    units.insert(u);
    for (const auto& d : tree.subtree(u)) units.insert(d.id.value);
    for (const auto& h : tree.heirs(u))
      for (const auto& d : tree.subtree(h)) units.insert(d.id.value);
  }
  for (const auto& u : units) {
    cache_.invalidate_tag("unit:" + u);
    widget_cache_.invalidate_tag("unit:" + u);
  }
}

PBGDPL_DECL http::cache_limits site::partition(const http::cache_limits& pages, std::size_t entries, std::size_t bytes,
                                               const std::vector<std::string>& params) const {
  auto l = pages;
  l.max_entries = std::min(pages.max_entries, entries);
  l.max_bytes = std::min(pages.max_bytes, bytes);
  if (!vendor_params_) l.policy.page_params = params;
  return l;
}

PBGDPL_DECL http::response_cache& site::cache_for(const http::request& req) {
  auto path = req.route_path();
  if (path == "/api" || path.starts_with("/api/")) return api_cache_;
  // Widgets read their own parameters (n, theme, colours): keyed on those, apart from the pages.
  if (is_widget_path(path)) return widget_cache_;
  if (path.ends_with("/tim-kiem") || path.ends_with("/tim-kiem/")) return search_cache_;
  // Later pages of a category: their cursors are anyone's to invent (each a valid page), so they
  // live with the search answers, whose filling never evicts the pages everyone reads.
  if (req.query("sau")) return search_cache_;
  return cache_;
}

PBGDPL_DECL http::response site::health() {
  // Reads through the store, so a broken database shows here and a load balancer stops sending.
  store::list_query q;
  q.limit = 1;
  auto ok = store_.list<unit>(q);
  json j{{"status", ok ? "ok" : "error"}, {"version", PBGDPL_VERSION_STRING}};
  // The caches' counters, for monitoring (and benchmarks/portal/cache_hit_rate.py): how often a
  // page, a search or an API answer came from memory since start, and how many are held.
  auto counts = [](const http::response_cache& c) {
    return json{{"hits", c.hits()}, {"misses", c.misses()}, {"entries", c.size()}};
  };
  j["cache"] = {{"pages", counts(cache_)}, {"search", counts(search_cache_)}, {"api", counts(api_cache_)},
                {"widgets", counts(widget_cache_)}};
  if (!ok) j["error"] = error_to_json(ok.err());
  auto r = http::response::json(j, ok ? http::status::ok : http::status::service_unavailable);
  r.set("Cache-Control", "no-store");
  return r;
}

PBGDPL_DECL http::response site::robots(const http::request& req) {
  // Crawlers read robots.txt only at a host's root, so under a prefix this answer matters only
  // when the host serves it there (docs/embedding.md); its paths carry the prefix either way.
  auto origin = pages_.origin_of(req);
  auto base = mount_base(opt_, req);
  auto r = http::response::text("User-agent: *\nAllow: " + base + "/\nDisallow: " + base + "/api/\nDisallow: " + base +
                                "/tim-kiem\nDisallow: " + base + "/don-vi/*/tim-kiem\nSitemap: " +
                                origin + base + "/sitemap.xml\n");
  r.cacheable = true;
  return r;
}

namespace detail {
inline bool needs_html(const article& a) { return !a.body_html && !a.body_markdown.empty(); }
inline bool needs_html(const legal_document& d) { return !d.body_html && !d.body_markdown.empty(); }
inline bool needs_html(const question& q) {
  return (!q.body_html && !q.body.empty()) || (!q.answer_html && !q.answer_markdown.empty());
}
}  // namespace detail

PBGDPL_DECL result<std::size_t> site::render_missing(std::string_view actor) {
  std::size_t n = 0;
  auto each = [&]<class T>(std::type_identity<T>) -> result<void> {
    store::list_query q;
    q.limit = 100;
    q.where.include_archived = true;
    for (;;) {
      auto p = store_.list<T>(q);
      if (!p) return p.err();
      // One transaction a page: a store of 10,000 old records is rendered in seconds, not
      // 10,000 synchronous commits.
      auto w = store_.transaction([&]() -> result<void> {
        for (auto& v : p->items) {
          if (!detail::needs_html(v)) continue;
          if (!publish::render_html(v)) continue;
          if (auto u = store_.update(std::move(v), actor); u) ++n;
        }
        return {};
      });
      if (!w) return w;
      if (p->next_cursor.empty()) return {};
      q.cursor = p->next_cursor;
    }
  };
  if (auto r = each(std::type_identity<article>{}); !r) return r.err();
  if (auto r = each(std::type_identity<legal_document>{}); !r) return r.err();
  if (auto r = each(std::type_identity<question>{}); !r) return r.err();
  return n;  // the store's listener dropped the pages of what was updated
}

}  // namespace portal
PBGDPL_NAMESPACE_END
