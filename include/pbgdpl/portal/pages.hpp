// The reader pages of one unit's section as routes on an http::router: home, categories, article,
// document and question pages, search, feeds, sitemap and the stylesheet. The router is mounted
// once per way of naming a unit (/don-vi/{unit}/... and, at the root, by Host); a page learns its
// unit from the {unit} parameter or the Host, and its links' base from where it was mounted, so
// the same routes serve under a vendor's prefix too.
// Thread safety: the page handlers run on the server's threads at once (the site's parts they
// read lock or are immutable); build and route on one thread, as the site does.
#pragma once
#include "../http/middleware.hpp"
#include "../http/router.hpp"
#include "../model.hpp"
#include "../model/kiosk.hpp"
#include "../publish/template.hpp"
#include "../store/record_cache.hpp"
#include "../store/store.hpp"
#include "../trust/form_tokens.hpp"
#include "i18n.hpp"
#include "options.hpp"
#include "schedule.hpp"
#include "signage_view.hpp"
#include "units.hpp"
#include "views.hpp"

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

PBGDPL_NAMESPACE_BEGIN
namespace portal {

class widgets;  // widgets.hpp: routes on these pages' router, reading through them

// A page of entities as the record cache shares them.
template <class T>
using shared_page = store::page<std::shared_ptr<const T>>;

// What one page request knows once its unit is found. Holds the unit snapshot it started with,
// so a unit written meanwhile cannot pull the unit out from under the page.
struct page_context {
  std::shared_ptr<const unit_snapshot> units;
  const unit* u = nullptr;  // the unit whose section this is (inside units->tree)
  urls links;
  language lang = language::vi;
  std::string origin;  // the origin of absolute URLs (public_origin): "https://truong.edu.vn"
  std::string prefix;  // the public prefix (public_prefix_of): "" or "/phap-luat"
  timestamp now{};     // the portal's clock when the request began
};

class pages {
 public:
  // The parts must outlive the pages. `schedule` bounds how long a page may be cached.
  pages(store::store& db, const options& opt, live_units& units, publication_schedule& schedule);
  pages(const pages&) = delete;
  pages& operator=(const pages&) = delete;

  // The page routes, relative to a unit's root ("/pbgdpl/", "/tim-kiem", "/sitemap.xml").
  std::shared_ptr<const http::router> routes() const noexcept { return routes_; }

  // The unit and context of a request (by {unit} parameter, else Host, else the default unit),
  // or the answer when there is none: 404 for an unknown unit, 400 for an unknown ?lang=.
  std::variant<page_context, http::response> context_of(const http::request& req) const;

  // The decoded records the single-record pages reuse between requests (options::records).
  store::record_cache& records() noexcept { return records_; }

  // The origin for absolute URLs (canonical links, feeds, sitemap, robots.txt): public_origin(),
  // a Host the operator configured (or a trusted proxy's X-Forwarded-Host/-Proto), else base_url;
  // any other Host is never echoed.
  std::string origin_of(const http::request& req) const;

 private:
  friend class widgets;
  using page_handler = http::response (pages::*)(http::request&, const page_context&);
  void build_routes();
  // Registers `pattern` (GET unless told) for a page; `paged` pages take ?sau=, the others refuse
  // it cheaply.
  void page(std::string_view pattern, page_handler h, bool paged = false, http::verb method = http::verb::get);

  // --- pages ----------------------------------------------------------------------------------
  http::response home(http::request&, const page_context&);
  http::response category_page(http::request&, const page_context&);
  http::response category_redirect(http::request&, const page_context&);
  http::response category_feed(http::request&, const page_context&);
  http::response section_feed(http::request&, const page_context&);
  http::response article_page(http::request&, const page_context&);
  std::string approval_line(const page_context&, const article&);
  http::response document_page(http::request&, const page_context&);
  http::response question_page(http::request&, const page_context&);
  http::response search_page(http::request&, const page_context&);
  // The sitemap (impl/sitemap.ipp): /sitemap.xml, one <urlset> while everything fits in
  // options::sitemap_limit URLs, else a <sitemapindex> of /sitemap/trang.xml (the section's fixed
  // pages) and one file per kind and day, /sitemap/{bai-viet|van-ban|hoi-dap}-YYYY-MM-DD.xml.
  http::response sitemap(http::request&, const page_context&);
  http::response sitemap_file(http::request&, const page_context&);
  // The published, visible items of one sitemap kind ("bai-viet", "van-ban", "hoi-dap"), newest
  // first from `cursor`, `batch` per store page: visit(path, lastmod, sort key) until it says false.
  using sitemap_visit = std::function<bool(const std::string&, std::optional<timestamp>, const std::string&)>;
  result<void> sitemap_walk(const page_context&, std::string_view kind, std::string cursor, std::size_t batch,
                            const sitemap_visit& visit);
  http::response to_section(http::request&, const page_context&);
  http::response stylesheet(http::request&, const page_context&);
  http::response not_found(http::request&, const page_context&);
  // The public question form (GET shows it, POST files the question), and the asker's private
  // follow page (impl/ask.ipp). None is cached: the form carries a fresh token, the others a secret.
  http::response ask_form(http::request&, const page_context&);
  http::response ask_post(http::request&, const page_context&);
  http::response follow_page(http::request&, const page_context&);
  http::response render_ask(const page_context&, views::ask_page page, http::status code);
  // A unit's policy-law dialogue sessions and one session's page: while planned or open, the
  // question form posting to ask_post with the session's id; once closed, the published answers
  // of its questions and the transcript (impl/ask.ipp).
  http::response dialogue_list(http::request&, const page_context&);
  http::response dialogue_page(http::request&, const page_context&);
  std::string dialogue_intro(const page_context&, const dialogue_session&) const;
  // "Tin từ các trường": the entries the aggregator read from the feeds of the schools below the
  // unit, newest first, paged, with their school; and the same as Atom with atom:source kept
  // (impl/school_news.ipp).
  http::response school_news(http::request&, const page_context&);
  http::response school_news_feed(http::request&, const page_context&);
  // Where "Gửi câu hỏi" leads: options::ask_url, else this unit's form, or (a unit that ended)
  // the form of the first unit that took it over; "" when there is none.
  std::string ask_link(const page_context&) const;
  http::response feed(const page_context&, const category* cat, std::string_view ext);
  // The compliance KPIs of the schools below the unit (impl/compliance_page.ipp).
  http::response compliance_page(http::request&, const page_context&);
  // The banner kit (impl/banner_pages.ipp): "Bộ biểu ngữ" (each size, its snippet) and the images
  // /pbgdpl/bieu-ngu/{w}x{h}.png: the unit's own upload (editor, "Biểu ngữ") or the default.
  http::response banner_kit_page(http::request&, const page_context&);
  // The legal staircase (impl/signage_pages.ipp): "Cầu thang pháp luật", the unit's screens, what
  // they play now and today, the approved content; its thumbnails /anh/{media}/{blake2b}.png.
  http::response signage_page(http::request&, const page_context&);
  http::response signage_thumbnail(http::request&, const page_context&);
  // The kiosk for browser-only screens (impl/signage_kiosk.ipp): the page, its script and style,
  // now.json (what each zone shows now, among the items verified as a player verifies them), the
  // content by digest (Range for video) and the completed plays it posts. Every request carries
  // the display's kiosk token (?k=).
  struct kiosk_view;
  result<kiosk_link> kiosk_check(const http::request&, std::string_view display) const;
  result<kiosk_view> kiosk_build(const display& d, timestamp t) const;
  http::response kiosk_page(http::request&, const page_context&);
  http::response kiosk_asset(http::request&, const page_context&);
  http::response kiosk_now(http::request&, const page_context&);
  http::response kiosk_content(http::request&, const page_context&);
  http::response kiosk_plays(http::request&, const page_context&);
  http::response banner_image(http::request&, const page_context&);
  // Upward syndication for the city portal (impl/syndication_pages.ipp), under
  // /pbgdpl/lien-thong/: the unit's signed package (goi.json, goi.json.minisig) and the key that
  // signs it (khoa.pub), an Atom feed of its own articles whose entries link each approval, and
  // each article's approval signature (phe-duyet/{id}.minisig) and approved bytes (noi-dung/{id}.json).
  http::response syndication_package(http::request&, const page_context&);
  http::response syndication_signature(http::request&, const page_context&);
  http::response syndication_key(http::request&, const page_context&);
  http::response syndication_feed(http::request&, const page_context&);
  http::response syndication_approval(http::request&, const page_context&);
  http::response syndication_content(http::request&, const page_context&);
  http::response syndication_file(http::request&, const page_context&, bool signature);

  // --- what the pages list ---------------------------------------------------------------------
  // With `records`, the entities come from the record cache (the store lists ids and versions,
  // no JSON parsed); without, from the store's list (the sitemap's walk over everything).
  // Published articles (of a kind) owned by the unit or a unit below it, visible now, newest first.
  result<shared_page<article>> articles_of(const page_context&, std::optional<article_kind> kind, std::size_t limit,
                                           std::string cursor = {}, store::record_cache::reader* records = nullptr);
  // Published documents this unit shows: its own and its ancestors', and those of no unit.
  result<shared_page<legal_document>> documents(const page_context&, std::size_t limit, std::string cursor = {},
                                                store::record_cache::reader* records = nullptr);
  result<shared_page<question>> questions_of(const page_context&, std::size_t limit, std::string cursor = {},
                                             store::record_cache::reader* records = nullptr);
  // An article is shown by the unit that owns it and by the units above it.
  bool visible_here(const page_context&, std::string_view owner) const;
  // A document by the unit that issued it and the units below it; one of no unit by all.
  std::vector<std::string> document_owners(const page_context& ctx) const;
  views::unit_place place_of(const page_context& ctx) const;
  // "đơn vị đã kết thúc hoạt động" when `owner` has ended, else empty.
  std::string_view ended_mark(const page_context& ctx, std::string_view owner) const;
  bool document_visible_here(const page_context&, const legal_document&) const;

  // --- view data (typed view models for the templates, views.hpp) -----------------------------
  views::common common(const page_context&, std::string_view current_category = {}) const;
  views::meta page_meta(const page_context&, std::string title, std::string description, const std::string& path) const;
  views::article_item article_item(const page_context&, const article&) const;
  views::document_item document_item(const page_context&, const legal_document&) const;
  // Items split into the two families (normative first), each grouped by issuing level in the
  // order central → school; the order of items within a group is kept. Empty ones are left out.
  static std::vector<views::document_section> document_sections(const page_context&, const std::vector<views::document_item>&);
  views::article_item question_item(const page_context&, const question&) const;
  std::string_view owner_name(const page_context&, std::string_view owner) const;

  // --- rendering -------------------------------------------------------------------------------
  // The page's template inside the layout, from the dictionary, `common` and the page's `data`.
  http::response render(const page_context&, const views::common& common, const std::string& tpl, publish::view data,
                        views::meta meta, http::status code = http::status::ok);
  http::response error_page(const page_context&, http::status code, const std::string& vi, const std::string& en);
  http::response bad_cursor(const page_context&, const error& e);
  std::string absolute(const page_context&, const std::string& path) const;

  // --- banner ----------------------------------------------------------------------------------
  // The default banner, drawn once per process at the first request that needs it (never per
  // request: it costs tens of milliseconds) in every size of network::banner_slots(); or why it
  // cannot be drawn (no font). It depends on nothing of a unit or of the options.
  struct default_banners {
    std::vector<std::string> png;  // in the order of banner_slots()
    std::optional<error> failure;
  };
  static const default_banners& defaults();
  // The unit's own banner image of a slot, read from the media library; nothing when it has none.
  std::optional<std::string> own_banner(const page_context&, std::uint32_t width, std::uint32_t height) const;
  // The banner the pages link: options::city_banner, else the city portal and its sentence.
  const banner& city_banner() const noexcept { return city_banner_; }
  static std::string with_lang(const page_context&, std::string url);

  store::store& db_;
  const options& opt_;
  store::record_cache records_;  // the records single-record pages show, decoded once per store state
  live_units& units_;
  publication_schedule& schedule_;
  publish::template_set templates_;
  http::rate_limiter search_limiter_;
  http::rate_limiter ask_limiter_;
  trust::form_signer form_signer_;  // options::form_secret, or one drawn at start
  std::shared_ptr<http::router> routes_;
  banner city_banner_;
  std::shared_ptr<widgets> widgets_;  // issue 20: added to routes_
};

}  // namespace portal
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/pages.ipp"
#endif
