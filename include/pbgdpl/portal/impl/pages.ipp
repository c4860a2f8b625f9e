// Definitions for portal/pages.hpp (inline in header-only mode, compiled once from src/portal/).
#pragma once
#include "../../publish/workflow.hpp"
#include "../../publish/feeds.hpp"
#include "../../publish/rendered.hpp"
#include "../default_theme.hpp"
#include "../media_library.hpp"
#include "../widgets.hpp"

#include <algorithm>
#include <cstdio>

PBGDPL_NAMESPACE_BEGIN
namespace portal {

namespace detail {

inline const std::string& owner_of(const article& a) { return a.unit.value; }
inline const std::string& owner_of(const question& q) { return q.unit.value; }

// Where a record sits in the store's list order, as a cursor that resumes after it.
template <class T>
std::string cursor_after(const T& v) {
  store::record r;
  store::entity_traits<T>::index(v, r);
  return store::key_cursor(r.sort_key, v.id.value);
}

// A unit's records (its own and those of every unit below it), newest first, through `keep`.
// The portal holds the unit tree, so it chooses how the store is asked:
//  - a unit holding at least half of the units (the division a portal is for) reads the newest
//    records of every unit and keeps its own: the store's unit filter would expand its thousands
//    of schools on every query (a recursive CTE: 7.7 ms per list at 3,000 schools), while here
//    nearly every record read is kept. If its records turn out sparse, the store's filter
//    finishes the page after max_scan_reads reads;
//  - a small subtree names its owners exactly (store filter unit_in);
//  - anything else uses the store's descendant filter.
// The page's cursor is always taken from the last record returned.
// `fetch` answers one store page (list_query → result<shared_page<T>>): from the record cache
// for the pages, from the store's list for the sitemap's walk over everything.
template <class T, class Fetch, class Keep>
result<shared_page<T>> list_owned(Fetch fetch, const unit_directory& tree, const unit& u, store::list_query q,
                                  std::size_t limit, Keep keep) {
  constexpr std::size_t small_subtree = 32;
  constexpr std::size_t max_scan_reads = 4;
  constexpr std::size_t max_filtered_reads = 10;
  const auto sub = tree.subtree(u.id.value);
  shared_page<T> out;
  // Adds the records of one store page; true when the page is full and one more was seen.
  auto take = [&](std::vector<std::shared_ptr<const T>>& items, bool check_owner) {
    for (auto& v : items) {
      if (check_owner && !tree.listed_under(owner_of(*v), u.id.value)) continue;
      if (!keep(*v)) continue;
      if (out.items.size() == limit) {
        out.next_cursor = cursor_after(*out.items.back());
        return true;
      }
      out.items.push_back(std::move(v));
    }
    return false;
  };
  if (sub.size() > 1 && sub.size() * 2 >= tree.size()) {
    q.limit = std::min<std::size_t>(100, limit + 1);
    for (std::size_t read = 0; read < max_scan_reads; ++read) {
      auto p = fetch(q);
      if (!p) return p.err();
      if (take(p->items, true)) return out;
      if (p->next_cursor.empty()) return out;
      q.cursor = std::move(p->next_cursor);
      q.limit = 100;
    }
    // Sparse: the rest of the page from the store's own filter, from where the reads stopped.
  }
  // Units that ended and passed their duties into this subtree: their content is listed here too
  // (unit_directory::listed_under). Their records are filtered by owner id, so with them the list
  // of owners is spelled out up to max_listed_owners; beyond that the store's own walk of the
  // subtree answers (it follows stored parent links, not successions: docs/design.md).
  constexpr std::size_t max_listed_owners = 1000;
  std::vector<std::string> predecessors;
  if (sub.size() < max_listed_owners) {
    std::vector<std::string> ids;
    ids.reserve(sub.size());
    for (const auto& x : sub) ids.push_back(x.id.value);
    predecessors = tree.predecessors_of(ids, max_listed_owners - sub.size());
    if (sub.size() <= small_subtree || !predecessors.empty()) {
      q.where.unit_in = std::move(ids);
      q.where.unit_in.insert(q.where.unit_in.end(), predecessors.begin(), predecessors.end());
    }
  }
  if (q.where.unit_in.empty()) q.where.unit = u.id.value;
  for (std::size_t read = 0; read < max_filtered_reads; ++read) {
    q.limit = std::min<std::size_t>(100, limit - out.items.size() + 1);
    auto p = fetch(q);
    if (!p) return p.err();
    if (take(p->items, false)) return out;
    if (p->next_cursor.empty()) return out;
    q.cursor = std::move(p->next_cursor);  // `keep` dropped some: read on
  }
  // Bounded: a short page whose cursor is its own last record, never one it dropped.
  if (!out.items.empty()) out.next_cursor = cursor_after(*out.items.back());
  return out;
}

// One store page of T: through the record cache when there is a reader, else the store's list
// (each entity then shared once, kept by nobody).
template <class T>
result<shared_page<T>> fetch_page(store::store& db, store::record_cache::reader* records, const store::list_query& q) {
  if (records) return records->list<T>(q);
  auto p = db.list<T>(q);
  if (!p) return p.err();
  shared_page<T> out;
  out.next_cursor = std::move(p->next_cursor);
  out.items.reserve(p->items.size());
  for (auto& v : p->items) out.items.push_back(std::make_shared<const T>(std::move(v)));
  return out;
}

// A date as the page's language writes it: "ngày 22 tháng 3 năm 2023" in Vietnamese, ISO 8601 in
// English (as the English notices already write them). The view fields keep their names
// (published_vi, issued_vi...): themes use them.
inline std::string date_text(const page_context& ctx, date d) {
  return ctx.lang == language::en ? format_date(d) : format_vietnamese_date(d);
}

inline std::string format_size(std::uint64_t n) {
  char b[32];
  if (n >= 1024 * 1024) std::snprintf(b, sizeof b, "%.1f MB", static_cast<double>(n) / (1024.0 * 1024.0));
  else if (n >= 1024) std::snprintf(b, sizeof b, "%.0f KB", static_cast<double>(n) / 1024.0);
  else std::snprintf(b, sizeof b, "%llu B", static_cast<unsigned long long>(n));
  return b;
}

// Permanent ids: tag URIs on a unit's own domain when it has one, never on the request's Host.
inline std::string tag_authority(std::string host) {
  if (auto p = host.find("://"); p != std::string::npos) host = host.substr(p + 3);
  if (auto s = host.find('/'); s != std::string::npos) host.resize(s);
  if (host.empty()) host = "pbgdpl.invalid";
  return host;
}

inline http::response redirect(const std::string& to) {
  http::response r(http::status::moved_permanently);
  r.set("Location", to);
  r.set("Content-Type", "text/plain; charset=utf-8");
  r.body = to;
  return r;
}

inline constexpr std::size_t feed_content_bytes = 64 * 1024;

}  // namespace detail

PBGDPL_DECL pages::pages(store::store& db, const options& opt, live_units& units, publication_schedule& schedule)
    : db_(db), opt_(opt), records_(db, opt.records), units_(units), schedule_(schedule), search_limiter_(opt.search_rate),
      ask_limiter_(opt.ask_rate), form_signer_(opt.form_secret ? trust::form_signer(*opt.form_secret) : trust::form_signer()),
      routes_(std::make_shared<http::router>()) {
  for (const auto& [name, source] : theme::templates) templates_.add(std::string(name), source).value();
  if (!opt_.theme_dir.empty()) templates_.load_directory(opt_.theme_dir).value();
  // Every page carries the city banner (plan task 1.1): the vendor's, else the city portal's own.
  if (opt_.city_banner) {
    city_banner_ = *opt_.city_banner;
  } else {
    city_banner_.target_url = std::string(city_portal_url);
    city_banner_.required_text = std::string(city_portal_banner_text);
    city_banner_.alt_text = std::string(city_portal_banner_text);
  }
  build_routes();
}

PBGDPL_DECL void pages::page(std::string_view pattern, page_handler h, bool paged, http::verb method) {
  routes_->route(method, pattern, [this, h, paged](http::request& req) -> http::response {
    auto c = context_of(req);
    if (auto* answer = std::get_if<http::response>(&c)) return std::move(*answer);
    const auto& ctx = std::get<page_context>(c);
    // ?sau= pages categories and search; anywhere else it would only make one more cache entry
    // of the same page, so it is refused cheaply (no template) rather than rendered.
    if (!paged && req.query("sau"))
      return http::error_response(http::status::bad_request, errc::invalid_argument,
                                  "Trang này không phân trang (tham số sau)", "This page is not paged (parameter sau)");
    auto r = (this->*h)(req, ctx);
    // Filed under the unit whose section it is, beside "content": the site drops a unit's pages
    // when a write changes what they show (site::on_changes), and leaves other schools' pages.
    if (!r.cache_tags.empty()) r.cache_tags.push_back("unit:" + ctx.u->id.value);
    return r;
  });
}

PBGDPL_DECL void pages::build_routes() {
  page("/", &pages::to_section);
  page("/pbgdpl", &pages::to_section);
  page("/pbgdpl/", &pages::home);
  page("/pbgdpl/static/style.css", &pages::stylesheet);
  page("/pbgdpl/feed.{ext}", &pages::section_feed);
  // Before /pbgdpl/{category}/...: the export for the city portal (impl/syndication_pages.ipp).
  page("/pbgdpl/lien-thong/goi.json", &pages::syndication_package);
  page("/pbgdpl/lien-thong/goi.json.minisig", &pages::syndication_signature);
  page("/pbgdpl/lien-thong/khoa.pub", &pages::syndication_key);
  page("/pbgdpl/lien-thong/feed.atom", &pages::syndication_feed);
  page("/pbgdpl/lien-thong/phe-duyet/{file}", &pages::syndication_approval);
  page("/pbgdpl/lien-thong/noi-dung/{file}", &pages::syndication_content);
  // Before /pbgdpl/hoi-dap/{id}: literal segments win over parameters.
  page("/pbgdpl/hoi-dap/gui-cau-hoi", &pages::ask_form);
  page("/pbgdpl/hoi-dap/gui-cau-hoi", &pages::ask_post, false, http::verb::post);
  page("/pbgdpl/hoi-dap/theo-doi/{token}", &pages::follow_page);
  // Before /pbgdpl/{category}/: the unit's dialogue sessions and each session's page (impl/ask.ipp).
  page("/pbgdpl/doi-thoai/", &pages::dialogue_list);
  page("/pbgdpl/doi-thoai/{id}", &pages::dialogue_page);
  // The compliance KPIs of the schools below the unit (impl/compliance_page.ipp).
  page("/pbgdpl/kiem-tra-trang-truong/", &pages::compliance_page);
  // Before /pbgdpl/{category}/: the banner kit and its images (impl/banner_pages.ipp).
  page("/pbgdpl/bieu-ngu/", &pages::banner_kit_page);
  // Before /pbgdpl/{category}/: the legal staircase (impl/signage_pages.ipp).
  page("/pbgdpl/cau-thang-phap-luat/", &pages::signage_page);
  page("/pbgdpl/cau-thang-phap-luat/anh/{media}/{file}", &pages::signage_thumbnail);
  page("/pbgdpl/cau-thang-phap-luat/kiosk.js", &pages::kiosk_asset);
  page("/pbgdpl/cau-thang-phap-luat/kiosk.css", &pages::kiosk_asset);
  page("/pbgdpl/cau-thang-phap-luat/kiosk/{display}", &pages::kiosk_page);
  page("/pbgdpl/cau-thang-phap-luat/kiosk/{display}/now.json", &pages::kiosk_now);
  page("/pbgdpl/cau-thang-phap-luat/kiosk/{display}/noi-dung/{blake2b}", &pages::kiosk_content);
  page("/pbgdpl/cau-thang-phap-luat/kiosk/{display}/plays", &pages::kiosk_plays, false, http::verb::post);
  page("/pbgdpl/bieu-ngu/{file}", &pages::banner_image);
  // Before /pbgdpl/{category}/: the embeddable widgets (issue 20, portal/widgets.hpp).
  widgets_ = std::make_shared<widgets>(*this, opt_);
  widgets_->add_routes(*routes_);
  page("/pbgdpl/tin-cac-truong/", &pages::school_news, true);
  page("/pbgdpl/tin-cac-truong/feed.atom", &pages::school_news_feed);
  for (const char* kind : {"bai-viet", "van-ban", "hoi-dap"}) {
    auto h = kind[0] == 'b' ? &pages::article_page : kind[0] == 'v' ? &pages::document_page : &pages::question_page;
    page(std::string("/pbgdpl/") + kind + "/{id}", h);
    page(std::string("/pbgdpl/") + kind + "/{id}/", h);
  }
  page("/pbgdpl/{category}", &pages::category_redirect);
  page("/pbgdpl/{category}/", &pages::category_page, true);
  page("/pbgdpl/{category}/feed.{ext}", &pages::category_feed);
  page("/tim-kiem", &pages::search_page, true);
  page("/tim-kiem/", &pages::search_page, true);
  page("/sitemap.xml", &pages::sitemap);
  page("/sitemap/{file}", &pages::sitemap_file);
  routes_->on_not_found([this](http::request& req) -> http::response {
    auto c = context_of(req);
    if (auto* answer = std::get_if<http::response>(&c)) return std::move(*answer);
    return not_found(req, std::get<page_context>(c));
  });
  // Pages are read, never written (the question form alone takes a POST): any other method is a
  // 405 page in the unit's own look.
  routes_->on_method_not_allowed([this](http::request& req, std::string_view allow) -> http::response {
    auto c = context_of(req);
    if (auto* answer = std::get_if<http::response>(&c)) return std::move(*answer);
    auto r = error_page(std::get<page_context>(c), http::status::method_not_allowed, "Phương thức không được hỗ trợ",
                        "Method not allowed");
    r.set("Allow", allow.empty() ? std::string("GET, HEAD") : std::string(allow));
    return r;
  });
}

PBGDPL_DECL std::variant<page_context, http::response> pages::context_of(const http::request& req) const {
  page_context ctx;
  ctx.units = units_.get();
  // Mounted under /don-vi/{unit}: that unit. At the root: the unit of a configured Host, else
  // the default unit (the same reading of Host as the cache key's and absolute URLs').
  std::string id(req.param("unit"));
  if (id.empty()) {
    auto it = opt_.hosts.find(canonical_host(opt_, req.host()));
    id = it != opt_.hosts.end() ? it->second : opt_.default_unit;
  }
  ctx.u = ctx.units->active(id);
  if (!ctx.u)
    return http::error_response(http::status::not_found, errc::not_found, "Không tìm thấy đơn vị hoặc trang",
                                "No such unit or page");
  // Links start where the routes were mounted ("", "/don-vi/th-van-yen", a vendor's prefix):
  // the decoded path the routers consumed. With a {unit} in it, that unit exists, so the base is
  // a plain identifier and a redirect's Location never carries bytes a client chose.
  ctx.links.base = mount_base(opt_, req);
  // Only the two languages the site has: any other ?lang= would be one more cache entry of the
  // same page for each value a stranger invents.
  auto lang = req.query("lang").value_or("vi");
  if (lang != "vi" && lang != "en")
    return http::error_response(http::status::bad_request, errc::invalid_argument, "Ngôn ngữ chỉ có vi hoặc en",
                                "The language is vi or en");
  ctx.lang = parse_language(lang);
  ctx.origin = origin_of(req);
  ctx.prefix = public_prefix_of(opt_, req);
  ctx.now = opt_.now ? opt_.now() : now();
  return ctx;
}

PBGDPL_DECL std::string pages::origin_of(const http::request& req) const { return public_origin(opt_, req); }

PBGDPL_DECL std::string pages::absolute(const page_context& ctx, const std::string& path) const {
  return (ctx.origin.empty() ? opt_.base_url : ctx.origin) + path;
}

PBGDPL_DECL std::string pages::with_lang(const page_context& ctx, std::string url) {
  if (ctx.lang == language::en) url += (url.find('?') == std::string::npos ? "?lang=en" : "&lang=en");
  return url;
}

// --- what the pages list ---------------------------------------------------------------------

PBGDPL_DECL bool pages::visible_here(const page_context& ctx, std::string_view owner) const {
  return ctx.units->tree.listed_under(owner, ctx.u->id.value);
}

// A unit's pages show the documents of the unit, of the units above it, of the units that ended
// and passed their duties to any of these (plan 19 of the ended division shows on the pages of the
// schools now under the ward), and of no unit.
PBGDPL_DECL std::vector<std::string> pages::document_owners(const page_context& ctx) const {
  auto owners = ctx.units->tree.self_and_ancestor_ids(ctx.u->id.value);
  auto before = ctx.units->tree.predecessors_of(owners);
  owners.insert(owners.end(), before.begin(), before.end());
  return owners;
}

PBGDPL_DECL bool pages::document_visible_here(const page_context& ctx, const legal_document& d) const {
  if (!is_published(d)) return false;
  if (!d.unit) return true;
  auto owners = document_owners(ctx);
  return std::find(owners.begin(), owners.end(), d.unit->value) != owners.end();
}

PBGDPL_DECL result<shared_page<article>> pages::articles_of(const page_context& ctx, std::optional<article_kind> kind,
                                                            std::size_t limit, std::string cursor,
                                                            store::record_cache::reader* records) {
  store::list_query q;
  q.where.state = "published";
  if (kind) q.where.kind = std::string(to_string(*kind));
  q.cursor = clamp_cursor(std::move(cursor), ctx.now);
  return detail::list_owned<article>([&](const store::list_query& page) { return detail::fetch_page<article>(db_, records, page); },
                                     ctx.units->tree, *ctx.u, std::move(q), limit,
                                     [&](const article& a) { return is_visible_at(a, ctx.now); });
}

PBGDPL_DECL result<shared_page<legal_document>> pages::documents(const page_context& ctx, std::size_t limit,
                                                                 std::string cursor, store::record_cache::reader* records) {
  store::list_query q;
  q.where.state = "published";
  q.where.unit_in = document_owners(ctx);
  q.where.unit_in.emplace_back();
  q.limit = limit;
  q.cursor = std::move(cursor);
  return detail::fetch_page<legal_document>(db_, records, q);
}

PBGDPL_DECL result<shared_page<question>> pages::questions_of(const page_context& ctx, std::size_t limit,
                                                              std::string cursor, store::record_cache::reader* records) {
  store::list_query q;
  q.where.state = "published";
  q.cursor = std::move(cursor);
  return detail::list_owned<question>([&](const store::list_query& page) { return detail::fetch_page<question>(db_, records, page); },
                                      ctx.units->tree, *ctx.u, std::move(q), limit,
                                      [](const question&) { return true; });
}

// --- view data -------------------------------------------------------------------------------

PBGDPL_DECL std::string_view pages::owner_name(const page_context& ctx, std::string_view owner) const {
  return ctx.units->tree.name(owner);
}

PBGDPL_DECL views::common pages::common(const page_context& ctx, std::string_view current_category) const {
  const bool en = ctx.lang == language::en;
  const auto& u = *ctx.u;
  views::common c;
  c.lang = language_code(ctx.lang);
  c.lang_en = en;
  auto section = with_lang(ctx, ctx.links.section());
  std::string ask = ask_link(ctx);
  c.site = {u.name, u.address, u.website.empty() ? section : u.website, section, ctx.links.search(), ctx.links.statics(),
            opt_.hotline, hotline_tel(opt_.hotline).value_or(std::string()), std::move(ask)};
  c.nav.reserve(categories.size());
  for (const auto& cat : categories) {
    auto& item = c.nav.emplace_back();
    item.url = with_lang(ctx, ctx.links.category(cat.slug));
    item.label = en ? cat.label_en : cat.label_vi;
    if (cat.slug == current_category) item.current = true;
  }
  c.feeds = {ctx.links.feed("atom", current_category), ctx.links.feed("rss", current_category),
             ctx.links.feed("json", current_category)};
  c.lang_switch = {en ? "vi" : "en", en ? "Tiếng Việt" : "English", en ? ctx.links.section() : ctx.links.section() + "?lang=en"};
  {
    const auto& b = city_banner_;
    // The alt text is what a crawler (and a screen reader) reads: the required sentence must be in it.
    auto& info = c.banner.emplace();
    info.target_url = b.target_url;
    info.required_text = b.required_text;
    info.alt_text = b.alt_text.empty() ? b.required_text : b.alt_text;
    info.kit_url = with_lang(ctx, ctx.links.banner_kit());
    // The 300×100 slot, with its 2× for dense screens. Without a font for the default, only a unit
    // that uploaded its own has an image; the others show the sentence as text.
    if (!defaults().failure || own_banner(ctx, 300, 100)) {
      info.image = ctx.links.banner_image(300, 100);
      info.image_2x = ctx.links.banner_image(600, 200);
      info.width = "300";
      info.height = "100";
    }
  }
  c.place = place_of(ctx);
  return c;
}

namespace detail {
// Where the site's routes are mounted, as seen from a unit's page: the page's base without its own
// /don-vi/{unit} (the site serves every unit under {site root}/don-vi/{unit}, whichever host the
// current page came through).
inline std::string site_root(const page_context& ctx) {
  const std::string own_mount = "/don-vi/" + ctx.u->id.value;
  const std::string& base = ctx.links.base;
  return base.ends_with(own_mount) ? base.substr(0, base.size() - own_mount.size()) : base;
}
}  // namespace detail

// The unit's place in today's hierarchy, and across a reorganisation (docs/domain.md).
PBGDPL_DECL views::unit_place pages::place_of(const page_context& ctx) const {
  const bool en = ctx.lang == language::en;
  const auto& tree = ctx.units->tree;
  const auto& u = *ctx.u;
  views::unit_place p;
  p.label = en ? "Where this unit sits" : "Vị trí đơn vị";
  p.kind = en ? unit_kind_label_en(u.kind) : unit_kind_label_vi(u.kind);
  p.below_label = en ? "Units under it" : "Đơn vị trực thuộc";
  p.predecessors_label = en ? "Took over from (units that ended)" : "Tiếp nhận nhiệm vụ từ (đơn vị đã kết thúc)";
  p.successors_label = en ? "Taken over by" : "Đơn vị tiếp nhận";
  // Links to a unit's section (archived units have none, so they are named without one).
  const std::string site_root = detail::site_root(ctx);
  auto link = [&](const unit& x) {
    views::unit_link l;
    l.name = x.name;
    if (ctx.units->active(x.id.value)) l.url = with_lang(ctx, site_root + "/don-vi/" + x.id.value + "/pbgdpl/");
    return l;
  };
  auto above = tree.ancestors(u.id.value);
  for (auto it = above.rbegin(); it != above.rend(); ++it) p.above.push_back(link(**it));
  for (const auto* c : tree.children(u.id.value))
    if (!tree.ended(c->id.value)) p.below.push_back(link(*c));
  for (const auto* x : tree.predecessors(u.id.value)) p.predecessors.push_back(link(*x));
  if (tree.ended(u.id.value))  // successions take effect when the unit has ended
    for (const auto* x : tree.successors(u.id.value)) p.successors.push_back(link(*x));
  p.has_below = !p.below.empty();
  p.has_predecessors = !p.predecessors.empty();
  p.has_successors = !p.successors.empty();
  if (tree.ended(u.id.value)) {
    std::string decision;
    for (const auto& s : u.successors)
      if (!s.decision.empty()) {
        decision = s.decision;
        break;
      }
    const date last = *u.closed_on;
    if (en)
      p.ended = "This unit ended on " + format_date(last) + (decision.empty() ? "" : " (" + decision + ")") +
                ". Its content stays published here as an archive" +
                (p.successors.empty() ? std::string(".") : std::string("; its duties passed to the units below."));
    else
      p.ended = "Đơn vị đã kết thúc hoạt động " + format_vietnamese_date(last) +
                (decision.empty() ? "" : " (theo " + decision + ")") +
                ". Nội dung của đơn vị được giữ nguyên tại đây để tra cứu" +
                (p.successors.empty() ? std::string(".") : std::string("; nhiệm vụ đã chuyển giao cho các đơn vị dưới đây."));
  }
  return p;
}

PBGDPL_DECL std::string_view pages::ended_mark(const page_context& ctx, std::string_view owner) const {
  if (!ctx.units->tree.ended(owner)) return {};
  return ctx.lang == language::en ? "a unit that has ended" : "đơn vị đã kết thúc hoạt động";
}

PBGDPL_DECL views::meta pages::page_meta(const page_context& ctx, std::string title, std::string description,
                                         const std::string& path) const {
  views::meta m;
  m.title = std::move(title);
  m.description = std::move(description);
  m.canonical = absolute(ctx, path);
  return m;
}

PBGDPL_DECL views::article_item pages::article_item(const page_context& ctx, const article& a) const {
  auto t = a.published_at.value_or(a.created_at);
  return {with_lang(ctx, ctx.links.article(a.id.value)),
          a.title,
          a.summary,
          format_timestamp(t),
          detail::date_text(ctx, local_date(t)),
          a.unit.value == ctx.u->id.value ? std::string_view() : owner_name(ctx, a.unit.value),
          ended_mark(ctx, a.unit.value)};
}

namespace detail {
// "2023–2027", or "" when the document has no period.
inline std::string period_text(const legal_document& d) {
  if (!d.period_from || !d.period_to) return {};
  return std::to_string(*d.period_from) + "–" + std::to_string(*d.period_to);
}
}  // namespace detail

PBGDPL_DECL views::document_item pages::document_item(const page_context& ctx, const legal_document& d) const {
  views::document_item item;
  item.url = with_lang(ctx, ctx.links.document(d.id.value));
  item.number = d.number;
  item.title = d.title;
  item.issued_vi = detail::date_text(ctx, d.issued_on);
  const auto family = family_of(d);
  item.family = to_string(family);
  // The status shows only where it applies (legal normative documents).
  if (family == document_family::normative && d.status) {
    item.status = to_string(*d.status);
    item.status_label = ctx.lang == language::en ? validity_status_label_en(*d.status) : validity_status_label_vi(*d.status);
  }
  item.period = detail::period_text(d);
  item.level = d.level;
  return item;
}

PBGDPL_DECL std::vector<views::document_section> pages::document_sections(const page_context& ctx,
                                                                         const std::vector<views::document_item>& items) {
  const bool en = ctx.lang == language::en;
  std::vector<views::document_section> out;
  for (auto family : {document_family::normative, document_family::administrative}) {
    views::document_section section;
    section.family = to_string(family);
    section.label = en ? label_en(family) : label_vi(family);
    section.normative = family == document_family::normative;
    for (const auto& [level, name] : enum_names<document_level>::values) {
      views::document_level_group group;
      group.label = en ? label_en(level) : label_vi(level);
      group.region = std::string(section.label) + ": " + std::string(group.label);
      for (const auto& item : items)
        if (item.level == level && item.family == section.family) group.documents.push_back(item);
      if (!group.documents.empty()) section.levels.push_back(std::move(group));
    }
    if (!section.levels.empty()) out.push_back(std::move(section));
  }
  return out;
}

PBGDPL_DECL views::article_item pages::question_item(const page_context& ctx, const question& q) const {
  auto t = q.answered_at.value_or(q.asked_at);
  return {with_lang(ctx, ctx.links.question(q.id.value)),
          q.title,
          publish::stored_summary(q.body_html, q.body, 200),
          format_timestamp(t),
          detail::date_text(ctx, local_date(t)),
          q.unit.value == ctx.u->id.value ? std::string_view() : owner_name(ctx, q.unit.value),
          ended_mark(ctx, q.unit.value)};
}

// --- rendering -------------------------------------------------------------------------------

PBGDPL_DECL http::response pages::render(const page_context& ctx, const views::common& common, const std::string& tpl,
                                         publish::view data, views::meta meta, http::status code) {
  auto inner = templates_.get(tpl);
  if (!inner) return http::error_response(inner.err());
  auto layout = templates_.get("layout");
  if (!layout) return http::error_response(layout.err());
  // The contexts, outermost first: the dictionary ({{t.…}}), what every page has, the page's own
  // data; the layout sees those and its own (the content, rendered in place, and the <head> data).
  const publish::view page_contexts[] = {publish::view::of(translation_context(ctx.lang)), publish::view::of(common), data};
  views::layout outer{{&templates_, std::move(*inner), page_contexts}, std::move(meta)};
  const publish::view layout_contexts[] = {page_contexts[0], page_contexts[1], page_contexts[2], publish::view::of(outer)};
  std::string body;
  body.reserve(16 * 1024);
  (*layout)->render_to(body, layout_contexts, &templates_);
  auto r = http::response::html(std::move(body), code);
  r.set("Content-Language", std::string(language_code(ctx.lang)));
  if (code == http::status::ok) {
    r.cache_tags = {"content"};
    // Caches downstream (a browser, a proxy) may keep it but must ask again each time (the ETag
    // makes that a 304 from this portal's own cache): a change shows on the next request, not
    // after a minute (issue 14). Before, max-age=60, capped by the next scheduled publication.
    r.set("Cache-Control", "public, no-cache");
  }
  return r;
}

namespace detail {
// An error page's heading in Vietnamese: http::reason() is the English reason phrase.
inline std::string_view status_title_vi(http::status code) {
  switch (code) {
    case http::status::bad_request: return "Yêu cầu không hợp lệ";
    case http::status::forbidden: return "Không có quyền truy cập";
    case http::status::not_found: return "Không tìm thấy";
    case http::status::method_not_allowed: return "Phương thức không được hỗ trợ";
    case http::status::too_many_requests: return "Quá nhiều yêu cầu";
    case http::status::service_unavailable: return "Dịch vụ tạm thời gián đoạn";
    default: return static_cast<int>(code) < 500 ? "Không thực hiện được yêu cầu" : "Lỗi máy chủ";
  }
}

// What an empty list says: "Chưa có bài viết." only where it lists articles.
inline std::string_view empty_text(language l, bool of_articles) {
  return translations(l).at(of_articles ? "empty" : "empty_content").get_ref<const std::string&>();
}
}  // namespace detail

PBGDPL_DECL http::response pages::error_page(const page_context& ctx, http::status code, const std::string& vi,
                                             const std::string& en) {
  const bool e = ctx.lang == language::en;
  auto heading = e ? http::reason(code) : detail::status_title_vi(code);
  views::error_page page{{std::to_string(static_cast<int>(code)) + " – " + std::string(heading), e ? en : vi}};
  auto r = render(ctx, common(ctx), "error", publish::view::of(page), page_meta(ctx, e ? en : vi, e ? en : vi, ctx.links.section()),
                  code);
  r.set("Cache-Control", "no-store");
  return r;
}

PBGDPL_DECL http::response pages::bad_cursor(const page_context& ctx, const error& e) {
  auto code = e.code == errc::invalid_argument ? http::status::bad_request : http::status_for(e.code);
  return error_page(ctx, code, e.message_vi, e.message_en);
}

PBGDPL_DECL http::response pages::not_found(http::request&, const page_context& ctx) {
  return error_page(ctx, http::status::not_found, "Không tìm thấy trang bạn cần.", "The page was not found.");
}

// --- pages -----------------------------------------------------------------------------------

PBGDPL_DECL http::response pages::to_section(http::request&, const page_context& ctx) {
  return detail::redirect(with_lang(ctx, ctx.links.section()));
}

PBGDPL_DECL http::response pages::stylesheet(http::request&, const page_context&) {
  http::response r;
  r.body = std::string(theme::style_css);
  r.set("Content-Type", "text/css; charset=utf-8");
  r.set("Cache-Control", "public, max-age=3600");
  r.cacheable = true;
  return r;
}

PBGDPL_DECL http::response pages::home(http::request&, const page_context& ctx) {
  const bool en = ctx.lang == language::en;
  auto records = records_.begin();
  views::home_page page;
  page.categories.reserve(categories.size());
  for (const auto& c : categories) {
    auto& cat = page.categories.emplace_back();
    cat.slug = c.slug;
    cat.url = with_lang(ctx, ctx.links.category(c.slug));
    cat.label = en ? c.label_en : c.label_vi;
    cat.empty_text = detail::empty_text(ctx.lang, c.source != category_source::questions);
    cat.questions = c.source == category_source::questions;
    if (c.source == category_source::questions) {
      if (auto p = questions_of(ctx, 5, {}, &records))
        for (const auto& q : p->items) cat.articles.push_back(question_item(ctx, *q));
    } else if (auto p = articles_of(ctx, c.kind, 5, {}, &records)) {
      for (const auto& a : p->items) cat.articles.push_back(article_item(ctx, *a));
    }
  }
  // The newest five of each family, so an old law is not crowded out by this year's plans.
  if (auto p = documents(ctx, 20, {}, &records)) {
    std::size_t normative = 0, administrative = 0;
    std::vector<std::string> shown;
    for (const auto& d : p->items) {
      auto& n = is_normative(*d) ? normative : administrative;
      if (n < 5) {
        ++n;
        page.documents.push_back(document_item(ctx, *d));
        shown.push_back(d->id.value);
      }
    }
    // More than twenty newer documents (this year's plans) may hide every law: the normative ones
    // are looked up by their status too (only they have one), newest first, up to five in all.
    if (normative < 5 && !p->next_cursor.empty()) {
      std::vector<std::shared_ptr<const legal_document>> more;
      for (const auto& [status, name] : enum_names<validity_status>::values) {
        store::list_query q;
        q.where.state = "published";
        q.where.unit_in = document_owners(ctx);
        q.where.unit_in.emplace_back();
        q.where.doc_status = std::string(name);
        q.limit = 5;
        if (auto r = detail::fetch_page<legal_document>(db_, &records, q))
          for (auto& d : r->items)
            if (is_normative(*d) && std::find(shown.begin(), shown.end(), d->id.value) == shown.end()) more.push_back(d);
      }
      std::sort(more.begin(), more.end(), [](const auto& a, const auto& b) { return a->issued_on > b->issued_on; });
      for (const auto& d : more) {
        if (normative == 5) break;
        if (std::find(shown.begin(), shown.end(), d->id.value) != shown.end()) continue;
        ++normative;
        shown.push_back(d->id.value);
        page.documents.push_back(document_item(ctx, *d));
      }
    }
  }
  page.document_sections = document_sections(ctx, page.documents);
  auto title = std::string(en ? "Legal dissemination and education" : "Phổ biến, giáo dục pháp luật");
  auto description = title + " – " + ctx.u->name;
  return render(ctx, common(ctx), "home", publish::view::of(page),
                page_meta(ctx, std::move(title), std::move(description), ctx.links.section()));
}

PBGDPL_DECL http::response pages::category_redirect(http::request& req, const page_context& ctx) {
  const auto* cat = find_category(req.param("category"));
  if (!cat) return not_found(req, ctx);
  return detail::redirect(with_lang(ctx, ctx.links.category(cat->slug)));
}

PBGDPL_DECL http::response pages::category_page(http::request& req, const page_context& ctx) {
  const auto* found = find_category(req.param("category"));
  if (!found) return not_found(req, ctx);
  const auto& cat = *found;
  const bool en = ctx.lang == language::en;
  std::string cursor(req.query("sau").value_or(""));
  views::category_page page;
  page.category = {en ? cat.label_en : cat.label_vi, en ? cat.description_en : cat.description_vi,
                   detail::empty_text(ctx.lang, cat.source == category_source::articles),
                   cat.source == category_source::questions, {}, {}};
  if (cat.source == category_source::articles && cat.kind == article_kind::policy_dialogue) {
    page.category.dialogues_url = with_lang(ctx, ctx.links.dialogues());
    page.category.dialogues_label = en ? "Dialogue sessions: ask before and during, read the answers after"
                                       : "Các phiên đối thoại: gửi câu hỏi trước và trong phiên, xem trả lời sau phiên";
  }
  std::string next;
  auto records = records_.begin();
  if (cat.source == category_source::documents) {
    auto p = documents(ctx, opt_.page_size, cursor, &records);
    if (!p) return bad_cursor(ctx, p.err());
    for (const auto& d : p->items) page.documents.push_back(document_item(ctx, *d));
    page.document_sections = document_sections(ctx, page.documents);
    next = p->next_cursor;
  } else if (cat.source == category_source::questions) {
    auto p = questions_of(ctx, opt_.page_size, cursor, &records);
    if (!p) return bad_cursor(ctx, p.err());
    for (const auto& q : p->items) page.articles.push_back(question_item(ctx, *q));
    next = p->next_cursor;
  } else {
    auto p = articles_of(ctx, cat.kind, opt_.page_size, cursor, &records);
    if (!p) return bad_cursor(ctx, p.err());
    for (const auto& a : p->items) page.articles.push_back(article_item(ctx, *a));
    next = p->next_cursor;
  }
  auto base = ctx.links.category(cat.slug);
  page.pages.number = cursor.empty() ? "1" : "…";
  if (!cursor.empty()) page.pages.prev = with_lang(ctx, base);
  if (!next.empty()) page.pages.next = with_lang(ctx, base + "?sau=" + http::percent_encode(next));
  return render(ctx, common(ctx, cat.slug), "category", publish::view::of(page),
                page_meta(ctx, std::string(en ? cat.label_en : cat.label_vi),
                          std::string(en ? cat.description_en : cat.description_vi), base));
}

// "Trường Tiểu học Văn Yên (Người duyệt nhà trường), ngày 01 tháng 12 năm 2026 – chữ ký đã kiểm tra":
// the newest approval of the article, shown only when its signature verifies now, with the
// approver's public key, over the article's current content (publish/workflow.hpp).
PBGDPL_DECL std::string pages::approval_line(const page_context& ctx, const article& a) {
  store::list_query q;
  q.limit = 1;
  q.where.category = a.id.value;
  auto p = db_.list<approval_record>(q);
  if (!p || p->items.empty() || !p->items.front().approver) return {};
  const auto& r = p->items.front();
  auto c = db_.get<credential>(r.approver->value);
  if (!c) return {};
  auto pk = trust::public_key::parse(c->approval_public_key);
  if (!pk || !publish::verify_article_approval(a, r, *pk)) return {};
  const bool en = ctx.lang == language::en;
  std::string who = r.approver_unit.value;
  if (const auto* u = ctx.units->tree.find(r.approver_unit.value)) who = u->name;
  return who + " (" + std::string(en ? label_en(r.approver_role) : label_vi(r.approver_role)) + "), " +
         (en ? format_date(local_date(r.valid_from)) : format_vietnamese_date(local_date(r.valid_from))) +
         (en ? " – signature verified" : " – chữ ký đã được kiểm tra");
}

PBGDPL_DECL http::response pages::article_page(http::request& req, const page_context& ctx) {
  auto records = records_.begin();
  auto found = records.get<article>(req.param("id"));
  if (!found) return not_found(req, ctx);
  const article& a = **found;  // shared, as the record cache holds it: viewed, not copied
  if (!is_visible_at(a, ctx.now) || !visible_here(ctx, a.unit.value)) return not_found(req, ctx);
  const auto& cat = category_for(a.kind);
  const bool en = ctx.lang == language::en;
  auto t = a.published_at.value_or(a.created_at);
  std::vector<std::shared_ptr<const legal_document>> docs;  // the related documents shown, held while rendering
  views::article_page page;
  auto& v = page.article;
  for (const auto& did : a.documents)
    if (auto d = records.get<legal_document>(did.value); d && document_visible_here(ctx, **d)) {
      const auto& doc = *docs.emplace_back(std::move(*d));
      v.documents.push_back({with_lang(ctx, ctx.links.document(doc.id.value)), doc.number, doc.title});
    }
  std::string plain_body;  // only for a record stored without HTML
  if (!a.body_html) plain_body = publish::plain_text_html(a.body_markdown);
  v.title = a.title;
  v.summary = std::string_view(a.summary);
  v.body_html = a.body_html ? std::string_view(*a.body_html) : std::string_view(plain_body);
  v.published_iso = format_timestamp(t);
  v.published_vi = detail::date_text(ctx, local_date(t));
  v.unit_name = owner_name(ctx, a.unit.value);
  v.unit_ended = ended_mark(ctx, a.unit.value);
  v.tags = a.tags;
  v.category_url = with_lang(ctx, ctx.links.category(cat.slug));
  v.category_label = en ? cat.label_en : cat.label_vi;
  if (a.byline) v.byline = *a.byline;
  // The cover: an image of the article's unit whose file this portal holds (a record imported
  // without its file shows nothing rather than a broken image).
  if (a.cover && opt_.media)
    if (auto m = records.get<media_asset>(a.cover->value);
        m && (*m)->type == media_type::image && (*m)->unit == a.unit && opt_.media->has_files(**m)) {
      v.cover_url = media_library::original_path(ctx.prefix, **m);
      v.cover_alt = (*m)->alt_text;
    }
  v.approved_by = approval_line(ctx, a);
  if (a.source) {
    v.source_name = a.source->name;
    if (rules::is_web_url(a.source->url)) v.source_url = a.source->url;  // checked when written; never a script link
  }
  auto meta = page_meta(ctx, a.title,
                        a.summary.empty() ? publish::stored_summary(a.body_html, a.body_markdown, 200) : a.summary,
                        ctx.links.article(a.id.value));
  meta.og_type = "article";
  meta.published_time = v.published_iso;
  return render(ctx, common(ctx, cat.slug), "article", publish::view::of(page), std::move(meta));
}

PBGDPL_DECL http::response pages::document_page(http::request& req, const page_context& ctx) {
  auto records = records_.begin();
  auto found = records.get<legal_document>(req.param("id"));
  if (!found || !document_visible_here(ctx, **found)) return not_found(req, ctx);
  const legal_document& d = **found;
  const bool en = ctx.lang == language::en;
  views::document_page page;
  auto& v = page.doc;
  v.history.reserve(d.status_history.size());
  if (is_normative(d))
    for (const auto& h : d.status_history)
      v.history.push_back({format_date(h.on), detail::date_text(ctx, h.on),
                           en ? validity_status_label_en(h.status) : validity_status_label_vi(h.status), h.note});
  std::vector<std::shared_ptr<const legal_document>> targets;  // held while rendering
  v.relations.reserve(d.relations.size());
  for (const auto& r : d.relations) {
    auto& item = v.relations.emplace_back();
    item.label = en ? label_en(r.kind) : label_vi(r.kind);
    item.number = r.number;
    item.title = r.title;
    if (r.target) {
      if (auto t = records.get<legal_document>(r.target->value); t && document_visible_here(ctx, **t)) {
        const auto& target = *targets.emplace_back(std::move(*t));
        item.url = with_lang(ctx, ctx.links.document(target.id.value));
        if (item.number.empty()) item.number = target.number;
        if (item.title.empty()) item.title = target.title;
      }
    }
  }
  v.files.reserve(d.files.size());
  // A file links to where it is published (its url). The portal serves no media bytes (media
  // records are metadata: /api/media/{id}), so a file with only a media id has no link here.
  for (const auto& f : d.files)
    v.files.push_back({f.file_name, f.size ? detail::format_size(f.size) : std::string(), f.url});
  std::string plain_body;  // only for a record stored without HTML
  if (!d.body_html && !d.body_markdown.empty()) plain_body = publish::plain_text_html(d.body_markdown);
  v.number = d.number;
  v.type_name = en ? document_type_name_en(d) : document_type_name_vi(d);
  v.level_label = en ? label_en(d.level) : label_vi(d.level);
  v.title = d.title;
  v.issuer = d.issuer;
  v.parent_issuer = d.parent_issuer;
  v.place_date = date_line(d);
  v.signer = format_signer(d.signed_by);
  v.signer_lines = signer_title_lines(d.signed_by);
  v.signer_name = d.signed_by.name;
  const auto family = family_of(d);
  v.family = to_string(family);
  v.family_label = en ? label_en(family) : label_vi(family);
  v.period = detail::period_text(d);
  // A document whose issuer has ended (plan 19 of the Hà Đông division, ended on 30 June 2025)
  // stays published; the page says so, and who took the issuer's duties over.
  if (d.unit && ctx.units->tree.ended(d.unit->value)) {
    const auto* issuer = ctx.units->tree.find(d.unit->value);
    std::string decision, heirs;
    for (const auto& s : issuer->successors)
      if (!s.decision.empty()) {
        decision = s.decision;
        break;
      }
    for (const auto* h : ctx.units->tree.successors(issuer->id.value)) heirs += (heirs.empty() ? "" : ", ") + h->name;
    if (en)
      v.issuer_note = "The issuing unit, " + issuer->name + ", ended on " + format_date(*issuer->closed_on) +
                      (decision.empty() ? "" : " (" + decision + ")") + ". The document stays published for reference" +
                      (v.period.empty() ? "" : "; its implementation period is " + v.period) +
                      (heirs.empty() ? "" : "; the issuer's duties passed to " + heirs) + ".";
    else
      v.issuer_note = "Cơ quan ban hành, " + issuer->name + ", đã kết thúc hoạt động " +
                      format_vietnamese_date(*issuer->closed_on) + (decision.empty() ? "" : " (theo " + decision + ")") +
                      ". Văn bản vẫn được đăng để tra cứu" +
                      (v.period.empty() ? "" : "; thời gian thực hiện: " + v.period) +
                      (heirs.empty() ? "" : "; nhiệm vụ của cơ quan ban hành do " + heirs + " tiếp nhận") + ".";
  }
  v.effective_vi = d.effective_on ? detail::date_text(ctx, *d.effective_on) : std::string();
  v.expires_vi = d.expires_on ? detail::date_text(ctx, *d.expires_on) : std::string();
  if (family == document_family::normative && d.status) {
    v.status = to_string(*d.status);
    v.status_label = en ? validity_status_label_en(*d.status) : validity_status_label_vi(*d.status);
  }
  v.fields_of_law = d.fields;
  v.recipients = d.recipients;
  v.body_html = d.body_markdown.empty() ? std::string_view() : d.body_html ? std::string_view(*d.body_html) : std::string_view(plain_body);
  v.category_url = with_lang(ctx, ctx.links.category("van-ban-moi"));
  auto meta = page_meta(ctx, std::string(document_type_name_vi(d)) + " " + d.number, d.title, ctx.links.document(d.id.value));
  meta.og_type = "article";
  return render(ctx, common(ctx, "van-ban-moi"), "document", publish::view::of(page), std::move(meta));
}

PBGDPL_DECL http::response pages::question_page(http::request& req, const page_context& ctx) {
  auto q = records_.get<question>(req.param("id"));
  if (!q || !is_published(**q) || !visible_here(ctx, (*q)->unit.value)) return not_found(req, ctx);
  auto pub = public_view(**q);
  auto t = pub.answered_at.value_or(pub.asked_at);
  const auto& cat = *find_category("hoi-dap-phap-luat");
  const bool en = ctx.lang == language::en;
  // The question page reuses the article template: the question as the lead, the answer as the
  // body, both from the HTML stored when they were written. On the English page the body is
  // marked Vietnamese (the stored text is), so its two English labels say they are English.
  const std::string_view label_open = en ? "<p><strong lang=\"en\">" : "<p><strong>";
  std::string body = std::string(label_open) + (en ? "Question" : "Câu hỏi") + "</strong> (" +
                     publish::escape_html(pub.asker_name) + "):</p>\n" + publish::stored_html(pub.body_html, pub.body) +
                     std::string(label_open) + (en ? "Answer" : "Trả lời") + ":</strong></p>\n" +
                     publish::stored_html(pub.answer_html, pub.answer_markdown);
  views::article_page page;
  auto& v = page.article;
  v.title = pub.title;
  v.body_html = body;
  v.published_iso = format_timestamp(t);
  v.published_vi = detail::date_text(ctx, local_date(t));
  v.unit_name = owner_name(ctx, pub.unit.value);
  v.category_url = with_lang(ctx, ctx.links.category(cat.slug));
  v.category_label = en ? cat.label_en : cat.label_vi;
  return render(ctx, common(ctx, cat.slug), "article", publish::view::of(page),
                page_meta(ctx, pub.title, pub.title, ctx.links.question(pub.id.value)));
}

PBGDPL_DECL http::response pages::search_page(http::request& req, const page_context& ctx) {
  const bool en = ctx.lang == language::en;
  std::string q(req.query("q").value_or(""));
  // ?sap-xep=moi-nhat ("sắp xếp: mới nhất") lists the matches newest first; without it (or with
  // lien-quan) by relevance. Any other value is refused before the search, cheaply.
  bool newest = false;
  if (auto sort = req.query("sap-xep"); sort && !sort->empty()) {
    if (*sort == "moi-nhat") newest = true;
    else if (*sort != "lien-quan")
      return http::error_response(http::status::bad_request, errc::invalid_argument,
                                  "Cách sắp xếp không hợp lệ (sap-xep=lien-quan hoặc sap-xep=moi-nhat)",
                                  "Unknown sort order (sap-xep=lien-quan or sap-xep=moi-nhat)");
  }
  // A query the cache has not seen runs a search: those are rated per client.
  if (!q.empty())
    if (auto limited = search_limiter_.check(req)) return std::move(*limited);
  const std::string kind(req.query("loai").value_or(""));
  // The links keep the query and the kind; each order starts again at its first page (a cursor
  // is a position in one order).
  const std::string base = ctx.links.search() + "?q=" + http::percent_encode(q) + (kind.empty() ? "" : "&loai=" + http::percent_encode(kind));
  views::search_page page;
  page.search.q = q;
  page.search.newest = newest;
  page.search.relevance_url = with_lang(ctx, base);
  page.search.newest_url = with_lang(ctx, base + "&sap-xep=moi-nhat");
  std::optional<result<store::search_page>> res;
  if (!q.empty()) {
    store::search_request sr;
    sr.q = q;
    // Only public records reach the result list and its paging: filtering drafts out after the
    // search would leave a "next page" that tells a stranger a hidden record holds the words.
    sr.where.state = "published";
    // Scheduled articles too: dropped after paging, they left pages of no results with a "next".
    sr.where.visible_by(ctx.now);
    sr.limit = opt_.page_size;
    sr.cursor = std::string(req.query("sau").value_or(""));
    if (!kind.empty()) sr.kinds = {kind};
    if (newest) sr.order = store::search_order::newest;
    res = db_.search(sr);
    if (!*res) {
      page.search.error = std::string_view(en ? res->err().message_en : res->err().message_vi);
    } else {
      page.search.approximate = (*res)->approximate;
      for (const auto& h : (*res)->items) {
        views::search_result item;
        item.title = h.title;
        item.snippet_html = h.snippet_html;
        if (h.kind == "article") {
          auto a = db_.get<article>(h);
          if (!a || !is_visible_at(*a, ctx.now) || !visible_here(ctx, a->unit.value)) continue;
          item.url = with_lang(ctx, ctx.links.article(h.id));
          item.kind_label = std::string(en ? article_kind_label_en(a->kind) : article_kind_label_vi(a->kind));
          item.date_vi = detail::date_text(ctx, local_date(a->published_at.value_or(a->created_at)));
        } else if (h.kind == "legal_document") {
          auto d = db_.get<legal_document>(h);
          if (!d || !document_visible_here(ctx, *d)) continue;
          item.url = with_lang(ctx, ctx.links.document(h.id));
          item.kind_label = d->number;
          item.date_vi = detail::date_text(ctx, d->issued_on);
        } else if (h.kind == "question") {
          auto qq = db_.get<question>(h);
          if (!qq || !is_published(*qq) || !visible_here(ctx, qq->unit.value)) continue;
          item.url = with_lang(ctx, ctx.links.question(h.id));
          item.kind_label = std::string(en ? article_kind_label_en(article_kind::question_answer)
                                           : article_kind_label_vi(article_kind::question_answer));
        } else {
          continue;  // publications have no page of their own yet
        }
        page.results.push_back(std::move(item));
      }
      if (!(*res)->next_cursor.empty())
        page.pages = views::pagination{"…", std::nullopt,
                                       with_lang(ctx, base + (newest ? "&sap-xep=moi-nhat" : "") + "&sau=" +
                                                          http::percent_encode((*res)->next_cursor))};
    }
  }
  auto title = std::string(en ? "Search" : "Tìm kiếm") + (q.empty() ? "" : ": " + q);
  auto r = render(ctx, common(ctx), "search", publish::view::of(page), page_meta(ctx, title, title, ctx.links.search()));
  r.set("X-Robots-Tag", "noindex");
  return r;
}

// --- feeds ------------------------------------------------------------------------

PBGDPL_DECL http::response pages::section_feed(http::request& req, const page_context& ctx) {
  auto ext = req.param("ext");
  if (ext != "atom" && ext != "rss" && ext != "json") return not_found(req, ctx);
  return feed(ctx, nullptr, ext);
}

PBGDPL_DECL http::response pages::category_feed(http::request& req, const page_context& ctx) {
  const auto* cat = find_category(req.param("category"));
  auto ext = req.param("ext");
  if (!cat || (ext != "atom" && ext != "rss" && ext != "json")) return not_found(req, ctx);
  return feed(ctx, cat, ext);
}

PBGDPL_DECL http::response pages::feed(const page_context& ctx, const category* cat, std::string_view ext) {
  std::vector<publish::feed_entry> entries;
  timestamp newest{};
  auto authority = detail::tag_authority(ctx.u->website);
  auto records = records_.begin();
  auto p = articles_of(ctx, cat ? cat->kind : std::nullopt, opt_.feed_size, {}, &records);
  if (p) {
    for (const auto& shared : p->items) {
      const article& a = *shared;
      publish::feed_entry e;
      auto published = a.published_at.value_or(a.created_at);
      // On the owning unit's domain: a school's article has one id in the school's feed and in
      // the division's, so a reader following both sees it once.
      const auto* owner = ctx.units->tree.find(a.unit.value);
      e.id = "tag:" + (owner ? detail::tag_authority(owner->website) : authority) + "," +
             std::to_string(static_cast<int>(local_date(a.created_at).year())) + ":pbgdpl/article/" + a.id.value;
      e.title = a.title;
      e.url = absolute(ctx, ctx.links.article(a.id.value));
      e.summary = a.summary.empty() ? publish::stored_summary(a.body_html, a.body_markdown, 300) : a.summary;
      // Long bodies stay on the site: a feed carries at most feed_content_bytes of HTML per
      // entry (else the summary and the link), so its size is bounded by feed_size.
      if (auto html = publish::stored_html(a.body_html, a.body_markdown); html.size() <= detail::feed_content_bytes)
        e.content_html = std::move(html);
      e.author = owner_name(ctx, a.unit.value);
      e.published = published;
      e.updated = std::max(a.updated_at, published);
      e.categories = {std::string(category_for(a.kind).label_vi)};
      newest = std::max(newest, e.updated);
      entries.push_back(std::move(e));
    }
  }
  publish::feed_meta m;
  m.id = "tag:" + authority + ",2023:pbgdpl" + (cat ? "/" + std::string(cat->slug) : std::string());
  m.title = std::string("Phổ biến, giáo dục pháp luật – ") + (cat ? std::string(cat->label_vi) + " – " : "") + ctx.u->name;
  m.subtitle = cat ? std::string(cat->description_vi) : "Chuyên mục phổ biến, giáo dục pháp luật của " + ctx.u->name;
  m.site_url = absolute(ctx, cat ? ctx.links.category(cat->slug) : ctx.links.section());
  m.self_url = absolute(ctx, ctx.links.feed(ext, cat ? cat->slug : std::string_view{}));
  m.author = ctx.u->name;
  m.updated = newest == timestamp{} ? local_midnight(date{std::chrono::year{2023}, std::chrono::March, std::chrono::day{22}})
                                    : newest;
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
  r.set("Cache-Control", "public, no-cache");  // as pages: revalidated (304) on each poll, never stale
  r.cache_tags = {"content"};
  return r;
}

// The sitemap: impl/sitemap.ipp.

}  // namespace portal
PBGDPL_NAMESPACE_END

#include "ask.ipp"
#include "compliance_page.ipp"
#include "banner_pages.ipp"
#include "school_news.ipp"
#include "syndication_pages.ipp"
#include "signage_pages.ipp"
#include "signage_kiosk.ipp"
#include "sitemap.ipp"
