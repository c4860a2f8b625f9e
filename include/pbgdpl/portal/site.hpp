// The PBGDPL section of a school's or division's website, as an HTTP handler a vendor mounts
// into its own server or runs standalone: reader pages, feeds, search, sitemap and the JSON API,
// for many units on one server (chosen by Host header or by the /don-vi/<unit> path prefix).
// Pages are rendered once, cached, and dropped from the cache when content changes.
#pragma once
#include "../http/middleware.hpp"
#include "../http/router.hpp"
#include "../model.hpp"
#include "../publish/feeds.hpp"
#include "../publish/markdown.hpp"
#include "../publish/rendered.hpp"
#include "../publish/template.hpp"
#include "../store/store.hpp"
#include "default_theme.hpp"
#include "i18n.hpp"

#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <type_traits>
#include <string>
#include <string_view>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace portal {

// Decides whether a caller may write. The portal asks it before every API write; the default
// (none set) refuses all writes, so a vendor must opt in to writing.
using authorizer = std::function<result<void>(const http::principal&, std::string_view action, const std::string& unit)>;
// Turns an "Authorization: Bearer <key>" value into a principal (trust/tokens.hpp keys).
using authenticator = std::function<std::optional<http::principal>(std::string_view bearer)>;

struct options {
  std::string base_url = "http://127.0.0.1:8080";  // absolute URLs (feeds, sitemap, Open Graph)
  std::string default_unit;                        // the unit served for unknown Host headers
  std::map<std::string, std::string, std::less<>> hosts;  // Host header (without port) → unit id
  std::filesystem::path theme_dir;                 // optional: templates that replace built-ins
  std::optional<banner> city_banner;               // shown on every page (plan task 1.1)
  std::size_t page_size = 10;
  std::size_t feed_size = 20;
  authenticator authenticate;
  authorizer authorize;
  // The page cache. Unless set here, its policy keys pages on the query parameters the portal
  // reads (page_query_params) and treats only keyed API calls as personal, so a random query
  // string or a stray Authorization header on a page is answered from the cache.
  http::cache_limits cache{};
  // Per-client rates for what the cache cannot absorb: searches (each new query runs one) and
  // API writes (checked before the key, so they also slow key guessing). 429 with Retry-After.
  http::rate_limit_config search_rate{20, 100};
  http::rate_limit_config write_rate{5, 50};
  // Proxies (addresses or CIDR prefixes) whose X-Forwarded-For names the client for the rates
  // above; used when a rate's own trusted_proxies is empty.
  std::vector<std::string> trusted_proxies;
};

// The query parameters each cache partition keys on: exactly those its handlers read. A parameter
// a handler reads must be listed for its partition, or two different answers would share an
// entry; one listed but not read would let a stranger make endless entries of one page.
// Pages: ?lang= everywhere, ?sau= on category pages only (pages() refuses it elsewhere).
inline const std::vector<std::string>& page_query_params() {
  static const std::vector<std::string> p{"lang", "sau"};
  return p;
}
inline const std::vector<std::string>& search_query_params() {
  static const std::vector<std::string> p{"lang", "q", "sau", "loai"};
  return p;
}
inline const std::vector<std::string>& api_query_params() {
  static const std::vector<std::string> p{"limit", "cursor", "unit", "kind", "category", "state",
                                          "type", "level", "status", "field", "from", "to"};
  return p;
}

// Public-facing URL scheme, in one place so pages, feeds and the sitemap agree.
struct urls {
  std::string base;  // "" or "/don-vi/th-van-yen"
  std::string section() const { return base + "/pbgdpl/"; }
  std::string category(std::string_view slug) const { return base + "/pbgdpl/" + std::string(slug) + "/"; }
  std::string article(std::string_view id) const { return base + "/pbgdpl/bai-viet/" + std::string(id); }
  std::string document(std::string_view id) const { return base + "/pbgdpl/van-ban/" + std::string(id); }
  std::string question(std::string_view id) const { return base + "/pbgdpl/hoi-dap/" + std::string(id); }
  std::string search() const { return base + "/tim-kiem"; }
  std::string feed(std::string_view ext, std::string_view category = {}) const {
    return category.empty() ? base + "/pbgdpl/feed." + std::string(ext)
                            : base + "/pbgdpl/" + std::string(category) + "/feed." + std::string(ext);
  }
  std::string statics() const { return base + "/pbgdpl/static"; }
};

class site {
 public:
  site(store::store& s, options o)
      : store_(s),
        opt_(with_defaults(std::move(o))),
        cache_(opt_.cache),
        search_cache_(partition(opt_.cache, 1000, 16u * 1024u * 1024u, search_query_params())),
        api_cache_(partition(opt_.cache, 2000, 16u * 1024u * 1024u, api_query_params())),
        search_limiter_(opt_.search_rate),
        write_limiter_(opt_.write_rate) {
    for (const auto& [name, source] : theme::templates) templates_.add(std::string(name), source).value();
    if (!opt_.theme_dir.empty()) templates_.load_directory(opt_.theme_dir).value();
    build_api();
  }
  site(const site&) = delete;
  site& operator=(const site&) = delete;

  // The whole portal as one handler: security headers, conditional GET and the page cache
  // around the routes. The site must outlive it.
  http::handler handler() {
    http::pipeline p;
    // The request is decoded first: the cache keys on the decoded path, and bad targets end here.
    p.use(http::security_headers());
    p.use([](http::request& req, const http::handler& next) {
      if (auto ok = req.prepare(); !ok) return http::error_response(ok.err(), http::status::bad_request);
      return next(req);
    });
    // Only hosts the operator configured reach the cache key as sent; any other Host shows the
    // default unit and is keyed as one, so Host variants cannot multiply entries or force renders.
    p.use([this](http::request& req, const http::handler& next) {
      req.message().set(http::bhttp::field::host, canonical_host(req.host()));
      return next(req);
    });
    // Three partitions: search results and API answers (whose query space a stranger can make
    // endless) are kept apart from pages, so filling them never evicts the site's pages.
    p.use(http::conditional_get()).use([this](http::request& req, const http::handler& next) {
      return cache_for(req).serve(req, next);
    });
    return p.build([this](http::request& req) { return route(req); });
  }

  // Drops every cached page and feed (after any write, and when units change).
  void content_changed() {
    cache_.invalidate_tag("content");
    search_cache_.invalidate_tag("content");
    api_cache_.invalidate_tag("content");
    std::unique_lock lock(units_mu_);
    units_loaded_ = false;
  }

  // Renders the HTML of stored articles, documents and questions that have none (written by an
  // older version or straight into the store), so pages stop showing them as plain text. Run at
  // start-up, not on a reader's request. Returns how many records were updated; records over
  // the render budget are left as they are (pages show their escaped text).
  result<std::size_t> render_missing(std::string_view actor = "system") {
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
            if (!needs_html(v)) continue;
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
    if (n) content_changed();
    return n;
  }

  http::response_cache& cache() noexcept { return cache_; }
  const options& config() const noexcept { return opt_; }

  // The OpenAPI 3 description of the JSON API (served at /api/openapi.json).
  static json openapi();

 private:
  // --- per request ----------------------------------------------------------------------------
  struct context {
    unit u;
    urls links;
    language lang = language::vi;
    std::string origin;  // "http://host:port" as the client reached us
  };

  http::response route(http::request& req) {
    if (auto ok = req.prepare(); !ok) return http::error_response(ok.err(), http::status::bad_request);
    auto path = req.route_path();
    if (path == "/healthz") return health();
    // Browsers ask for /favicon.ico on every site; an empty answer keeps a 404 out of their consoles.
    if (path == "/favicon.ico") return no_favicon();
    if (path == "/api" || path.starts_with("/api/")) return api_.handle(req);
    if (path == "/robots.txt") return robots(req);

    // Unit by path prefix (/don-vi/<id>/...), else by Host header, else the default unit.
    std::string unit_id;
    urls links;
    std::size_t offset = req.route_offset();
    if (path.starts_with("/don-vi/")) {
      auto rest = path.substr(8);
      auto slash = rest.find('/');
      unit_id = std::string(rest.substr(0, slash));
      links.base = "/don-vi/" + unit_id;
      // Redirect only to a unit that exists: its id is then a plain identifier, so the Location
      // never carries bytes a client chose.
      if (slash == std::string_view::npos) {
        if (!find_unit(unit_id)) return not_found_page(req, nullptr);
        return redirect(links.section());
      }
      offset += 8 + slash;
    } else {
      // The same reading of Host as the cache key's and absolute URLs' (case, port, final dot).
      auto it = opt_.hosts.find(canonical_host(req.host()));
      unit_id = it != opt_.hosts.end() ? it->second : opt_.default_unit;
    }
    auto u = find_unit(unit_id);
    if (!u) return not_found_page(req, nullptr);
    // Only the two languages the site has: any other ?lang= would be one more cache entry of the
    // same page for each value a stranger invents.
    auto lang_param = req.query("lang").value_or("vi");
    if (lang_param != "vi" && lang_param != "en")
      return http::error_response(http::status::bad_request, errc::invalid_argument, "Ngôn ngữ chỉ có vi hoặc en",
                                  "The language is vi or en");
    context ctx{*u, links, parse_language(lang_param), origin_of(req)};

    std::size_t saved = req.route_offset();
    req.set_route_offset(offset);
    struct restore {
      http::request& r;
      std::size_t off;
      ~restore() { r.set_route_offset(off); }
    } guard{req, saved};
    return pages(req, ctx);
  }

  http::response pages(http::request& req, const context& ctx) {
    auto path = req.route_path();
    if (req.method() != http::verb::get && req.method() != http::verb::head) {
      auto r = error_page(ctx, http::status::method_not_allowed, "Phương thức không được hỗ trợ", "Method not allowed");
      r.set("Allow", "GET, HEAD");
      return r;
    }
    if (path == "/" || path.empty()) return redirect(ctx.links.section());
    // ?sau= pages categories and search; on any other page it would only make one more cache
    // entry of the same page, so it is refused cheaply (no template) rather than rendered.
    if (req.query("sau") && !is_paged(path))
      return http::error_response(http::status::bad_request, errc::invalid_argument,
                                  "Trang này không phân trang (tham số sau)", "This page is not paged (parameter sau)");
    if (path == "/sitemap.xml") return sitemap(ctx);
    if (path == "/tim-kiem" || path == "/tim-kiem/") return search_page(req, ctx);
    if (path == "/pbgdpl") return redirect(ctx.links.section());
    if (!path.starts_with("/pbgdpl/")) return not_found_page(req, &ctx);
    auto rest = path.substr(8);
    if (rest.empty()) return home(ctx);
    if (rest == "static/style.css") return stylesheet();
    if (rest == "feed.atom" || rest == "feed.rss" || rest == "feed.json") return feed(ctx, nullptr, rest.substr(5));
    auto slash = rest.find('/');
    auto first = rest.substr(0, slash);
    auto second = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    if (!second.empty() && second.back() == '/') second.remove_suffix(1);
    if (first == "bai-viet" && !second.empty()) return article_page(req, ctx, second);
    if (first == "van-ban" && !second.empty()) return document_page(req, ctx, second);
    if (first == "hoi-dap" && !second.empty()) return question_page(req, ctx, second);
    if (const auto* cat = find_category(first)) {
      if (second.empty()) {
        if (slash == std::string_view::npos) return redirect(ctx.links.category(cat->slug));
        return category_page(req, ctx, *cat);
      }
      if (second == "feed.atom" || second == "feed.rss" || second == "feed.json") return feed(ctx, cat, second.substr(5));
    }
    return not_found_page(req, &ctx);
  }

  // A partition's limits: the pages' (or smaller) and its own parameters, unless the vendor set
  // page_params for the whole site.
  http::cache_limits partition(const http::cache_limits& pages, std::size_t entries, std::size_t bytes,
                               const std::vector<std::string>& params) const {
    auto l = pages;
    l.max_entries = std::min(pages.max_entries, entries);
    l.max_bytes = std::min(pages.max_bytes, bytes);
    if (!vendor_params_) l.policy.page_params = params;
    return l;
  }

  http::response_cache& cache_for(const http::request& req) {
    auto path = req.route_path();
    if (path == "/api" || path.starts_with("/api/")) return api_cache_;
    if (path.ends_with("/tim-kiem") || path.ends_with("/tim-kiem/")) return search_cache_;
    return cache_;
  }

  // A configured host (lower case, port dropped) as the operator wrote it; any other Host as "".
  std::string canonical_host(std::string_view host) const {
    if (auto colon = host.rfind(':'); colon != std::string_view::npos && host.find(']') == std::string_view::npos)
      host = host.substr(0, colon);
    std::string lower;
    for (char c : host) lower.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
    if (!lower.empty() && lower.back() == '.') lower.pop_back();
    auto it = opt_.hosts.find(lower);
    return it == opt_.hosts.end() ? std::string() : it->first;
  }

  options with_defaults(options o) {
    vendor_params_ = o.cache.policy.page_params.has_value();
    if (!o.cache.policy.page_params) o.cache.policy.page_params = page_query_params();
    if (!o.cache.policy.personal) o.cache.policy.personal = http::personal_under("/api/");
    for (auto* r : {&o.search_rate, &o.write_rate})
      if (r->trusted_proxies.empty()) r->trusted_proxies = o.trusted_proxies;
    return o;
  }

  static constexpr std::size_t feed_content_bytes = 64 * 1024;
  static constexpr std::size_t list_max_bytes = 2u * 1024u * 1024u;  // one API list answer
  static constexpr std::size_t list_scan_pages = 10;                 // store pages a keyed list may skip

  static bool needs_html(const article& a) { return !a.body_html && !a.body_markdown.empty(); }
  static bool needs_html(const legal_document& d) { return !d.body_html && !d.body_markdown.empty(); }
  static bool needs_html(const question& q) {
    return (!q.body_html && !q.body.empty()) || (!q.answer_html && !q.answer_markdown.empty());
  }

  // Category pages (/pbgdpl/<category>/) and search take ?sau=.
  bool is_paged(std::string_view path) const {
    if (path == "/tim-kiem" || path == "/tim-kiem/") return true;
    if (!path.starts_with("/pbgdpl/") || !path.ends_with("/")) return false;
    auto slug = path.substr(8, path.size() - 9);
    return !slug.empty() && slug.find('/') == std::string_view::npos && find_category(slug) != nullptr;
  }

  // --- units ----------------------------------------------------------------------------------
  std::optional<unit> find_unit(const std::string& id) {
    load_units();
    std::shared_lock lock(units_mu_);
    auto it = units_.find(id);
    if (it == units_.end()) return std::nullopt;
    return it->second;
  }

  // The unit and every unit below it: a division's section shows its schools' news too. Each
  // unit is taken once, so a cycle stored by an older version cannot make the walk endless.
  std::vector<std::string> unit_and_descendants(const std::string& id) {
    load_units();
    std::shared_lock lock(units_mu_);
    std::vector<std::string> out{id};
    std::set<std::string, std::less<>> seen{id};
    for (std::size_t i = 0; i < out.size(); ++i)
      for (const auto& [uid, u] : units_)
        if (u.parent && u.parent->value == out[i] && seen.insert(uid).second) out.push_back(uid);
    return out;
  }

  // The unit and the units above it, nearest first; bounded and cycle-safe like the walk down.
  std::vector<std::string> unit_and_ancestors(const std::string& id) {
    load_units();
    std::shared_lock lock(units_mu_);
    std::vector<std::string> out{id};
    std::set<std::string, std::less<>> seen{id};
    for (auto it = units_.find(id); it != units_.end() && it->second.parent;) {
      const auto& p = it->second.parent->value;
      if (!seen.insert(p).second) break;
      out.push_back(p);
      it = units_.find(p);
    }
    return out;
  }

  // A legal document is shown by the unit that issued it and by the units below it (a division's
  // plan concerns its schools); a document of no unit of ours (a law, a city decision) by all.
  // A school's record is not shown on the division's or another school's pages.
  bool document_visible_here(const context& ctx, const legal_document& d) {
    if (!is_published(d)) return false;
    if (!d.unit) return true;
    auto up = unit_and_ancestors(ctx.u.id.value);
    return std::find(up.begin(), up.end(), d.unit->value) != up.end();
  }

  void load_units() {
    {
      std::shared_lock lock(units_mu_);
      if (units_loaded_) return;
    }
    std::map<std::string, unit> loaded;
    store::list_query q;
    q.limit = 100;
    while (true) {
      auto p = store_.list<unit>(q);
      if (!p) break;
      for (auto& u : p->items) loaded.emplace(u.id.value, std::move(u));
      if (p->next_cursor.empty()) break;
      q.cursor = p->next_cursor;
    }
    std::unique_lock lock(units_mu_);
    units_ = std::move(loaded);
    units_loaded_ = true;
  }

  std::string unit_name(const std::string& id) {
    auto u = find_unit(id);
    return u ? u->name : std::string();
  }

  // --- page assembly --------------------------------------------------------------------------
  // The origin for absolute URLs (canonical links, feeds, sitemap, robots.txt): a Host the
  // operator configured in options::hosts, with base_url's scheme; any other Host header is never
  // echoed (it is the client's to choose), so those requests get base_url.
  std::string origin_of(const http::request& req) const {
    auto host = canonical_host(req.host());
    if (host.empty()) return {};
    auto scheme_end = opt_.base_url.find("://");
    return (scheme_end == std::string::npos ? std::string("http") : opt_.base_url.substr(0, scheme_end)) + "://" + host;
  }

  std::string absolute(const context& ctx, const std::string& path) const {
    return (ctx.origin.empty() ? opt_.base_url : ctx.origin) + path;
  }

  // Adds ?lang=en to internal links when reading in English.
  static std::string with_lang(const context& ctx, std::string url) {
    if (ctx.lang == language::en) url += (url.find('?') == std::string::npos ? "?lang=en" : "&lang=en");
    return url;
  }

  json common(const context& ctx, std::string_view current_category = {}) {
    const bool en = ctx.lang == language::en;
    json nav = json::array();
    for (const auto& c : categories) {
      json item{{"url", with_lang(ctx, ctx.links.category(c.slug))}, {"label", std::string(en ? c.label_en : c.label_vi)}};
      if (c.slug == current_category) item["current"] = true;
      nav.push_back(std::move(item));
    }
    json j{{"lang", std::string(language_code(ctx.lang))},
           {"lang_en", en},
           {"site",
            {{"name", ctx.u.name},
             {"address", ctx.u.address},
             {"home", ctx.u.website.empty() ? with_lang(ctx, ctx.links.section()) : ctx.u.website},
             {"section", with_lang(ctx, ctx.links.section())},
             {"search", ctx.links.search()},
             {"static", ctx.links.statics()}}},
           {"nav", std::move(nav)},
           {"feeds",
            {{"atom", ctx.links.feed("atom", current_category)},
             {"rss", ctx.links.feed("rss", current_category)},
             {"json", ctx.links.feed("json", current_category)}}},
           {"lang_switch",
            {{"code", en ? "vi" : "en"}, {"label", en ? "Tiếng Việt" : "English"}, {"url", en ? ctx.links.section() : ctx.links.section() + "?lang=en"}}}};
    if (opt_.city_banner) {
      const auto& b = *opt_.city_banner;
      j["banner"] = {{"target_url", b.target_url}, {"required_text", b.required_text}, {"alt_text", b.alt_text}};
    }
    return j;
  }

  http::response render(const context& ctx, const std::string& tpl, json data, json page_meta,
                        http::status code = http::status::ok) {
    const json* dictionary = &translation_context(ctx.lang);  // {{t.…}}
    auto inner = templates_.render(tpl, data, dictionary);
    if (!inner) return http::error_response(inner.err());
    data["content"] = std::move(*inner);
    if (!page_meta.contains("og_type")) page_meta["og_type"] = "website";
    data["page"] = std::move(page_meta);
    auto page = templates_.render("layout", data, dictionary);
    if (!page) return http::error_response(page.err());
    auto r = http::response::html(std::move(*page), code);
    r.set("Content-Language", std::string(language_code(ctx.lang)));
    if (code == http::status::ok) {
      r.cache_tags = {"content"};
      r.set("Cache-Control", "public, max-age=60");
    }
    return r;
  }

  json base_data(const context& ctx, std::string_view current_category = {}) { return common(ctx, current_category); }

  json page_meta(const context& ctx, const std::string& title, const std::string& description, const std::string& path) {
    return json{{"title", title}, {"description", description}, {"canonical", absolute(ctx, path)}};
  }

  json article_item(const context& ctx, const article& a) {
    auto t = a.published_at.value_or(a.created_at);
    json j{{"url", with_lang(ctx, ctx.links.article(a.id.value))},
           {"title", a.title},
           {"summary", a.summary},
           {"published_iso", format_timestamp(t)},
           {"published_vi", format_vietnamese_date(local_date(t))}};
    if (a.unit.value != ctx.u.id.value) j["unit_name"] = unit_name(a.unit.value);
    return j;
  }

  json document_item(const context& ctx, const legal_document& d) {
    return json{{"url", with_lang(ctx, ctx.links.document(d.id.value))},
                {"number", d.number},
                {"title", d.title},
                {"issued_vi", format_vietnamese_date(d.issued_on)},
                {"status", std::string(to_string(d.status))},
                {"status_label", std::string(ctx.lang == language::en ? validity_status_label_en(d.status)
                                                                       : validity_status_label_vi(d.status))}};
  }

  json question_item(const context& ctx, const question& q) {
    auto t = q.answered_at.value_or(q.asked_at);
    return json{{"url", with_lang(ctx, ctx.links.question(q.id.value))},
                {"title", q.title},
                {"summary", publish::stored_summary(q.body_html, q.body, 200)},
                {"published_iso", format_timestamp(t)},
                {"published_vi", format_vietnamese_date(local_date(t))}};
  }

  // Published articles of a kind for this unit (and its descendants), newest first.
  result<store::page<article>> articles_of(const context& ctx, std::optional<article_kind> kind, std::size_t limit,
                                           std::string cursor = {}) {
    store::list_query q;
    q.where.unit = ctx.u.id.value;
    q.where.state = "published";
    if (kind) q.where.kind = std::string(to_string(*kind));
    q.limit = limit;
    q.cursor = std::move(cursor);
    return store_.list<article>(q);
  }

  // Published documents this unit shows: its own and its ancestors', and those of no unit.
  result<store::page<legal_document>> documents(const context& ctx, std::size_t limit, std::string cursor = {}) {
    store::list_query q;
    q.where.state = "published";
    q.where.unit_in = unit_and_ancestors(ctx.u.id.value);
    q.where.unit_in.emplace_back();
    q.limit = limit;
    q.cursor = std::move(cursor);
    return store_.list<legal_document>(q);
  }

  result<store::page<question>> questions_of(const context& ctx, std::size_t limit, std::string cursor = {}) {
    store::list_query q;
    q.where.unit = ctx.u.id.value;
    q.where.state = "published";
    q.limit = limit;
    q.cursor = std::move(cursor);
    return store_.list<question>(q);
  }

  // --- pages ----------------------------------------------------------------------------------
  http::response home(const context& ctx) {
    const bool en = ctx.lang == language::en;
    json data = base_data(ctx);
    json cats = json::array();
    for (const auto& c : categories) {
      json items = json::array();
      if (c.source == category_source::questions) {
        if (auto p = questions_of(ctx, 5)) for (const auto& q : p->items) items.push_back(question_item(ctx, q));
      } else if (c.source == category_source::articles) {
        if (auto p = articles_of(ctx, c.kind, 5)) for (const auto& a : p->items) items.push_back(article_item(ctx, a));
      } else if (auto p = articles_of(ctx, c.kind, 5)) {
        for (const auto& a : p->items) items.push_back(article_item(ctx, a));
      }
      cats.push_back({{"slug", std::string(c.slug)},
                      {"url", with_lang(ctx, ctx.links.category(c.slug))},
                      {"label", std::string(en ? c.label_en : c.label_vi)},
                      {"articles", std::move(items)}});
    }
    data["categories"] = std::move(cats);
    data["documents"] = json::array();
    if (auto p = documents(ctx, 5)) for (const auto& d : p->items) data["documents"].push_back(document_item(ctx, d));
    auto title = std::string(en ? "Legal dissemination and education" : "Phổ biến, giáo dục pháp luật");
    return render(ctx, "home", std::move(data),
                  page_meta(ctx, title, title + " – " + ctx.u.name, ctx.links.section()));
  }

  http::response category_page(http::request& req, const context& ctx, const category& cat) {
    const bool en = ctx.lang == language::en;
    std::string cursor(req.query("sau").value_or(""));
    json data = base_data(ctx, cat.slug);
    data["category"] = {{"label", std::string(en ? cat.label_en : cat.label_vi)},
                        {"description", std::string(en ? cat.description_en : cat.description_vi)}};
    data["articles"] = json::array();
    data["documents"] = json::array();
    std::string next;
    if (cat.source == category_source::documents) {
      auto p = documents(ctx, opt_.page_size, cursor);
      if (!p) return bad_cursor(ctx, p.err());
      for (const auto& d : p->items) data["documents"].push_back(document_item(ctx, d));
      next = p->next_cursor;
    } else if (cat.source == category_source::questions) {
      auto p = questions_of(ctx, opt_.page_size, cursor);
      if (!p) return bad_cursor(ctx, p.err());
      for (const auto& q : p->items) data["articles"].push_back(question_item(ctx, q));
      next = p->next_cursor;
    } else {
      auto p = articles_of(ctx, cat.kind, opt_.page_size, cursor);
      if (!p) return bad_cursor(ctx, p.err());
      for (const auto& a : p->items) data["articles"].push_back(article_item(ctx, a));
      next = p->next_cursor;
    }
    auto base = ctx.links.category(cat.slug);
    json pg{{"number", cursor.empty() ? "1" : "…"}};
    if (!cursor.empty()) pg["prev"] = with_lang(ctx, base);
    if (!next.empty()) pg["next"] = with_lang(ctx, base + "?sau=" + http::percent_encode(next));
    data["pagination"] = std::move(pg);
    auto title = std::string(en ? cat.label_en : cat.label_vi);
    return render(ctx, "category", std::move(data),
                  page_meta(ctx, title, std::string(en ? cat.description_en : cat.description_vi), base));
  }

  http::response bad_cursor(const context& ctx, const error& e) {
    auto code = e.code == errc::invalid_argument ? http::status::bad_request : http::status_for(e.code);
    return error_page(ctx, code, e.message_vi, e.message_en);
  }

  // An article is shown by the unit that owns it and by the units above it.
  bool visible_here(const context& ctx, const std::string& owner) {
    auto units = unit_and_descendants(ctx.u.id.value);
    return std::find(units.begin(), units.end(), owner) != units.end();
  }

  http::response article_page(http::request& req, const context& ctx, std::string_view id) {
    auto a = store_.get<article>(id);
    if (!a || !is_published(*a) || !visible_here(ctx, a->unit.value)) return not_found_page(req, &ctx);
    const auto& cat = category_for(a->kind);
    const bool en = ctx.lang == language::en;
    auto t = a->published_at.value_or(a->created_at);
    json docs = json::array();
    for (const auto& did : a->documents)
      if (auto d = store_.get<legal_document>(did.value); d && document_visible_here(ctx, *d))
        docs.push_back({{"url", with_lang(ctx, ctx.links.document(d->id.value))}, {"number", d->number}, {"title", d->title}});
    json data = base_data(ctx, cat.slug);
    data["article"] = {{"title", a->title},
                       {"summary", a->summary},
                       {"body_html", publish::stored_html(a->body_html, a->body_markdown)},
                       {"published_iso", format_timestamp(t)},
                       {"published_vi", format_vietnamese_date(local_date(t))},
                       {"unit_name", unit_name(a->unit.value)},
                       {"tags", a->tags},
                       {"documents", std::move(docs)},
                       {"category_url", with_lang(ctx, ctx.links.category(cat.slug))},
                       {"category_label", std::string(en ? cat.label_en : cat.label_vi)}};
    auto meta = page_meta(ctx, a->title,
                          a->summary.empty() ? publish::stored_summary(a->body_html, a->body_markdown, 200) : a->summary,
                          ctx.links.article(a->id.value));
    meta["og_type"] = "article";
    meta["published_time"] = format_timestamp(t);
    return render(ctx, "article", std::move(data), std::move(meta));
  }

  http::response document_page(http::request& req, const context& ctx, std::string_view id) {
    auto d = store_.get<legal_document>(id);
    if (!d || !document_visible_here(ctx, *d)) return not_found_page(req, &ctx);
    const bool en = ctx.lang == language::en;
    json history = json::array();
    for (const auto& h : d->status_history)
      history.push_back({{"date_iso", format_date(h.on)},
                         {"date_vi", format_vietnamese_date(h.on)},
                         {"label", std::string(en ? validity_status_label_en(h.status) : validity_status_label_vi(h.status))},
                         {"note", h.note}});
    json relations = json::array();
    for (const auto& r : d->relations) {
      json item{{"label", std::string(relation_kind_label_vi(r.kind))}, {"number", r.number}, {"title", r.title}};
      if (r.target) {
        if (auto t = store_.get<legal_document>(r.target->value); t && document_visible_here(ctx, *t)) {
          item["url"] = with_lang(ctx, ctx.links.document(t->id.value));
          if (item["number"].get<std::string>().empty()) item["number"] = t->number;
          if (item["title"].get<std::string>().empty()) item["title"] = t->title;
        }
      }
      relations.push_back(std::move(item));
    }
    json files = json::array();
    for (const auto& f : d->files) files.push_back({{"name", f.file_name}, {"size", f.size ? format_size(f.size) : ""}});
    json data = base_data(ctx, "van-ban-moi");
    data["doc"] = {{"number", d->number},
                   {"type_name", std::string(en ? document_type_name_en(*d) : document_type_name_vi(*d))},
                   {"level_label", std::string(document_level_label_vi(d->level))},
                   {"title", d->title},
                   {"issuer", d->issuer},
                   {"parent_issuer", d->parent_issuer},
                   {"place_date", date_line(*d)},
                   {"signer", format_signer(d->signed_by)},
                   {"effective_vi", d->effective_on ? format_vietnamese_date(*d->effective_on) : ""},
                   {"expires_vi", d->expires_on ? format_vietnamese_date(*d->expires_on) : ""},
                   {"status", std::string(to_string(d->status))},
                   {"status_label", std::string(en ? validity_status_label_en(d->status) : validity_status_label_vi(d->status))},
                   {"fields", d->fields},
                   {"recipients", d->recipients},
                   {"history", std::move(history)},
                   {"relations", std::move(relations)},
                   {"files", std::move(files)},
                   {"body_html", d->body_markdown.empty() ? std::string() : publish::stored_html(d->body_html, d->body_markdown)},
                   {"category_url", with_lang(ctx, ctx.links.category("van-ban-moi"))}};
    auto title = std::string(document_type_name_vi(*d)) + " " + d->number;
    auto meta = page_meta(ctx, title, d->title, ctx.links.document(d->id.value));
    meta["og_type"] = "article";
    return render(ctx, "document", std::move(data), std::move(meta));
  }

  http::response question_page(http::request& req, const context& ctx, std::string_view id) {
    auto q = store_.get<question>(id);
    if (!q || !is_published(*q) || !visible_here(ctx, q->unit.value)) return not_found_page(req, &ctx);
    auto pub = public_view(*q);
    auto t = pub.answered_at.value_or(pub.asked_at);
    const auto& cat = *find_category("hoi-dap-phap-luat");
    const bool en = ctx.lang == language::en;
    // The question page reuses the article template: the question as the lead, the answer as the
    // body, both from the HTML stored when they were written.
    std::string body = "<p><strong>" + std::string(en ? "Question" : "Câu hỏi") + "</strong> (" +
                       publish::escape_html(pub.asker_name) + "):</p>\n" + publish::stored_html(pub.body_html, pub.body) +
                       "<p><strong>" + std::string(en ? "Answer" : "Trả lời") + ":</strong></p>\n" +
                       publish::stored_html(pub.answer_html, pub.answer_markdown);
    json data = base_data(ctx, cat.slug);
    data["article"] = {{"title", pub.title},
                       {"body_html", std::move(body)},
                       {"published_iso", format_timestamp(t)},
                       {"published_vi", format_vietnamese_date(local_date(t))},
                       {"unit_name", unit_name(pub.unit.value)},
                       {"tags", json::array()},
                       {"documents", json::array()},
                       {"category_url", with_lang(ctx, ctx.links.category(cat.slug))},
                       {"category_label", std::string(en ? cat.label_en : cat.label_vi)}};
    return render(ctx, "article", std::move(data), page_meta(ctx, pub.title, pub.title, ctx.links.question(pub.id.value)));
  }

  http::response search_page(http::request& req, const context& ctx) {
    const bool en = ctx.lang == language::en;
    std::string q(req.query("q").value_or(""));
    // A query the cache has not seen runs a search: those are rated per client.
    if (!q.empty())
      if (auto limited = search_limiter_.check(req)) return std::move(*limited);
    json data = base_data(ctx);
    data["search"] = {{"q", q}};
    data["results"] = json::array();
    if (!q.empty()) {
      store::search_request sr;
      sr.q = q;
      // Only public records reach the result list and its paging: filtering drafts out after the
      // search would leave a "next page" that tells a stranger a hidden record holds the words.
      sr.where.state = "published";
      sr.limit = opt_.page_size;
      sr.cursor = std::string(req.query("sau").value_or(""));
      if (auto k = req.query("loai"); k && !k->empty()) sr.kinds = {std::string(*k)};
      auto res = store_.search(sr);
      if (!res) {
        data["search"]["error"] = en ? res.err().message_en : res.err().message_vi;
      } else {
        for (const auto& h : res->items) {
          json item{{"title", h.title}, {"snippet_html", h.snippet_html}};
          if (h.kind == "article") {
            auto a = store_.get<article>(h.id);
            if (!a || !is_published(*a) || !visible_here(ctx, a->unit.value)) continue;
            item["url"] = with_lang(ctx, ctx.links.article(h.id));
            item["kind_label"] = std::string(en ? article_kind_label_en(a->kind) : article_kind_label_vi(a->kind));
            item["date_vi"] = format_vietnamese_date(local_date(a->published_at.value_or(a->created_at)));
          } else if (h.kind == "legal_document") {
            auto d = store_.get<legal_document>(h.id);
            if (!d || !document_visible_here(ctx, *d)) continue;
            item["url"] = with_lang(ctx, ctx.links.document(h.id));
            item["kind_label"] = d->number;
            item["date_vi"] = format_vietnamese_date(d->issued_on);
          } else if (h.kind == "question") {
            auto qq = store_.get<question>(h.id);
            if (!qq || !is_published(*qq) || !visible_here(ctx, qq->unit.value)) continue;
            item["url"] = with_lang(ctx, ctx.links.question(h.id));
            item["kind_label"] = en ? "Question and answer" : "Hỏi đáp";
          } else {
            continue;  // publications have no page of their own yet
          }
          data["results"].push_back(std::move(item));
        }
        if (!res->next_cursor.empty())
          data["pagination"] = {{"number", "…"},
                                {"next", with_lang(ctx, ctx.links.search() + "?q=" + http::percent_encode(q) +
                                                            "&sau=" + http::percent_encode(res->next_cursor))}};
      }
    }
    auto title = std::string(en ? "Search" : "Tìm kiếm") + (q.empty() ? "" : ": " + q);
    auto r = render(ctx, "search", std::move(data), page_meta(ctx, title, title, ctx.links.search()));
    r.set("X-Robots-Tag", "noindex");
    return r;
  }

  // --- feeds, sitemap, robots -----------------------------------------------------------------
  // Permanent ids: tag URIs on a unit's own domain when it has one, never on the request's Host.
  static std::string tag_authority(std::string host) {
    if (auto p = host.find("://"); p != std::string::npos) host = host.substr(p + 3);
    if (auto s = host.find('/'); s != std::string::npos) host.resize(s);
    if (host.empty()) host = "pbgdpl.invalid";
    return host;
  }

  http::response feed(const context& ctx, const category* cat, std::string_view ext) {
    std::vector<publish::feed_entry> entries;
    timestamp newest{};
    auto authority = tag_authority(ctx.u.website);
    auto p = articles_of(ctx, cat ? cat->kind : std::nullopt, opt_.feed_size);
    if (p) {
      for (const auto& a : p->items) {
        publish::feed_entry e;
        auto published = a.published_at.value_or(a.created_at);
        // On the owning unit's domain: a school's article has one id in the school's feed and in
        // the division's, so a reader following both sees it once.
        auto owner = find_unit(a.unit.value);
        e.id = "tag:" + (owner ? tag_authority(owner->website) : authority) + "," +
               std::to_string(static_cast<int>(local_date(a.created_at).year())) + ":pbgdpl/article/" + a.id.value;
        e.title = a.title;
        e.url = absolute(ctx, ctx.links.article(a.id.value));
        e.summary = a.summary.empty() ? publish::stored_summary(a.body_html, a.body_markdown, 300) : a.summary;
        // Long bodies stay on the site: a feed carries at most feed_content_bytes of HTML per
        // entry (else the summary and the link), so its size is bounded by feed_size.
        if (auto html = publish::stored_html(a.body_html, a.body_markdown); html.size() <= feed_content_bytes)
          e.content_html = std::move(html);
        e.author = unit_name(a.unit.value);
        e.published = published;
        e.updated = std::max(a.updated_at, published);
        e.categories = {std::string(category_for(a.kind).label_vi)};
        newest = std::max(newest, e.updated);
        entries.push_back(std::move(e));
      }
    }
    publish::feed_meta m;
    m.id = "tag:" + authority + ",2023:pbgdpl" + (cat ? "/" + std::string(cat->slug) : std::string());
    m.title = std::string("Phổ biến, giáo dục pháp luật – ") + (cat ? std::string(cat->label_vi) + " – " : "") + ctx.u.name;
    m.subtitle = cat ? std::string(cat->description_vi) : "Chuyên mục phổ biến, giáo dục pháp luật của " + ctx.u.name;
    m.site_url = absolute(ctx, cat ? ctx.links.category(cat->slug) : ctx.links.section());
    m.self_url = absolute(ctx, ctx.links.feed(ext, cat ? cat->slug : std::string_view{}));
    m.author = ctx.u.name;
    m.updated = newest == timestamp{} ? local_midnight(date{std::chrono::year{2023}, std::chrono::March, std::chrono::day{22}}) : newest;
    http::response r;
    if (ext == "atom") {
      r.body = publish::atom_feed(m, entries);
      r.set("Content-Type", "application/atom+xml; charset=utf-8");
    } else if (ext == "rss") {
      r.body = publish::rss_feed(m, entries);
      r.set("Content-Type", "application/rss+xml; charset=utf-8");
    } else {
      r.body = publish::json_feed(m, entries);
      r.set("Content-Type", "application/feed+json; charset=utf-8");
    }
    r.set("Last-Modified", http::format_http_date(m.updated));
    r.set("Cache-Control", "public, max-age=300");
    r.cache_tags = {"content"};
    return r;
  }

  http::response sitemap(const context& ctx) {
    std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
    std::size_t count = 0;
    auto add = [&](const std::string& path, std::optional<timestamp> lastmod) {
      if (count++ >= 50000) return;  // the protocol's limit per file
      x += "  <url><loc>";
      publish::append_xml_escaped(x, absolute(ctx, path));
      x += "</loc>";
      if (lastmod) x += "<lastmod>" + format_timestamp(*lastmod) + "</lastmod>";
      x += "</url>\n";
    };
    add(ctx.links.section(), std::nullopt);
    for (const auto& c : categories) add(ctx.links.category(c.slug), std::nullopt);
    std::string cursor;
    do {
      auto p = articles_of(ctx, std::nullopt, 100, cursor);
      if (!p) break;
      for (const auto& a : p->items) add(ctx.links.article(a.id.value), a.updated_at);
      cursor = p->next_cursor;
    } while (!cursor.empty() && count < 50000);
    do {
      auto p = documents(ctx, 100, cursor);
      if (!p) break;
      for (const auto& d : p->items) add(ctx.links.document(d.id.value), d.updated_at);
      cursor = p->next_cursor;
    } while (!cursor.empty() && count < 50000);
    do {
      auto p = questions_of(ctx, 100, cursor);
      if (!p) break;
      for (const auto& q : p->items) add(ctx.links.question(q.id.value), q.answered_at);
      cursor = p->next_cursor;
    } while (!cursor.empty() && count < 50000);
    x += "</urlset>\n";
    http::response r;
    r.body = std::move(x);
    r.set("Content-Type", "application/xml; charset=utf-8");
    r.cache_tags = {"content"};
    return r;
  }

  http::response robots(const http::request& req) {
    auto origin = origin_of(req);
    auto r = http::response::text("User-agent: *\nAllow: /\nDisallow: /api/\nDisallow: /tim-kiem\nSitemap: " +
                                  (origin.empty() ? opt_.base_url : origin) + "/sitemap.xml\n");
    r.cacheable = true;
    return r;
  }

  static http::response no_favicon() {
    http::response r(http::status::no_content);
    r.set("Cache-Control", "public, max-age=86400");
    return r;
  }

  static http::response stylesheet() {
    http::response r;
    r.body = std::string(theme::style_css);
    r.set("Content-Type", "text/css; charset=utf-8");
    r.set("Cache-Control", "public, max-age=3600");
    r.cacheable = true;
    return r;
  }

  http::response health() {
    // Reads through the store, so a broken database shows here and a load balancer stops sending.
    store::list_query q;
    q.limit = 1;
    auto ok = store_.list<unit>(q);
    json j{{"status", ok ? "ok" : "error"}, {"version", PBGDPL_VERSION_STRING}};
    if (!ok) j["error"] = error_to_json(ok.err());
    auto r = http::response::json(j, ok ? http::status::ok : http::status::service_unavailable);
    r.set("Cache-Control", "no-store");
    return r;
  }

  static http::response redirect(const std::string& to) {
    http::response r(http::status::moved_permanently);
    r.set("Location", to);
    r.set("Content-Type", "text/plain; charset=utf-8");
    r.body = to;
    return r;
  }

  http::response error_page(const context& ctx, http::status code, const std::string& vi, const std::string& en) {
    json data = base_data(ctx);
    const bool e = ctx.lang == language::en;
    data["error"] = {{"title", std::to_string(static_cast<int>(code)) + " – " + std::string(http::reason(code))},
                     {"message", e ? en : vi}};
    auto r = render(ctx, "error", std::move(data), page_meta(ctx, e ? en : vi, e ? en : vi, ctx.links.section()), code);
    r.set("Cache-Control", "no-store");
    return r;
  }

  http::response not_found_page(const http::request& req, const context* ctx) {
    if (!ctx) {
      auto r = http::error_response(http::status::not_found, errc::not_found, "Không tìm thấy đơn vị hoặc trang",
                                    "No such unit or page");
      (void)req;
      return r;
    }
    return error_page(*ctx, http::status::not_found, "Không tìm thấy trang bạn cần.", "The page was not found.");
  }

  static std::string format_size(std::uint64_t n) {
    char b[32];
    if (n >= 1024 * 1024) std::snprintf(b, sizeof b, "%.1f MB", static_cast<double>(n) / (1024.0 * 1024.0));
    else if (n >= 1024) std::snprintf(b, sizeof b, "%.0f KB", static_cast<double>(n) / 1024.0);
    else std::snprintf(b, sizeof b, "%llu B", static_cast<unsigned long long>(n));
    return b;
  }

  // --- JSON API -------------------------------------------------------------------------------
  void build_api();

  template <class T>
  void api_collection(const std::string& path, bool writable);

  // Who is reading: nobody (no Authorization header), or the key's account. A header that does
  // not authenticate (unknown, expired, revoked, not Bearer) is an error, so a client with a bad
  // key learns it at once instead of silently reading as anonymous.
  result<std::optional<http::principal>> identify(const http::request& req) {
    if (req.header(http::bhttp::field::authorization).empty()) return std::optional<http::principal>();
    auto who = caller(req);
    if (!who) return who.err();
    return std::optional<http::principal>(std::move(*who));
  }

  friend class read_rights;

  result<http::principal> caller(const http::request& req) {
    auto h = req.header(http::bhttp::field::authorization);
    if (h.empty() || !opt_.authenticate)
      return error(errc::unauthenticated, {}, "Cần khóa API (Authorization: Bearer ...)", "An API key is required (Authorization: Bearer ...)");
    if (h.size() < 7 || !http::iequals(h.substr(0, 7), "Bearer "))
      return error(errc::unauthenticated, {}, "Chỉ nhận khóa API kiểu Bearer", "Only Bearer API keys are accepted");
    auto p = opt_.authenticate(h.substr(7));
    if (!p) return error(errc::unauthenticated, {}, "Khóa API không hợp lệ, hết hạn hoặc đã bị thu hồi", "Invalid, expired or revoked API key");
    return *p;
  }

  store::store& store_;
  bool vendor_params_ = false;  // set before opt_ (declaration order): with_defaults() writes it
  options opt_;
  publish::template_set templates_;
  http::response_cache cache_, search_cache_, api_cache_;
  http::rate_limiter search_limiter_, write_limiter_;
  http::router api_{"/api"};
  std::shared_mutex units_mu_;
  std::map<std::string, unit> units_;
  bool units_loaded_ = false;
};

}  // namespace portal
PBGDPL_NAMESPACE_END

#include "api.hpp"
