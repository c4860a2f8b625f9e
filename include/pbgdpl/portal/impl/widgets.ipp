// Definitions for portal/widgets.hpp (inline in header-only mode, compiled once from src/portal/).
// Every widget is made once as a fragment of HTML (absolute links, escaped text, no script or
// style); the iframe page wraps that same fragment in a small document with its own stylesheet.
#pragma once
#include "../widgets.hpp"
#include "widget_assets.ipp"

#include "../../publish/template.hpp"
#include "../signage_api.hpp"

#include <algorithm>
#include <array>
#include <charconv>

PBGDPL_NAMESPACE_BEGIN
namespace portal {

PBGDPL_DECL const std::vector<std::string>& widget_query_params() {
  // "sau" too: no widget is paged, but one asked for is refused, cached answer or not.
  static const std::vector<std::string> p{"lang", "n", "sau", "theme", "accent", "bg", "fg", "font"};
  return p;
}

PBGDPL_DECL bool is_widget_path(std::string_view p) noexcept {
  return p.starts_with("/pbgdpl/tien-ich/") || (p.starts_with("/don-vi/") && p.find("/pbgdpl/tien-ich/") != std::string_view::npos);
}

namespace widget_detail {

inline error bad(std::string_view field, std::string vi, std::string en) {
  return error(errc::invalid_argument, "/" + std::string(field), std::move(vi), std::move(en));
}

// "0b2e6b" (6 hex digits in lower case; '#' is not asked for: it would need %23 in a URL). One
// spelling per colour, as for every widget parameter: a stranger cannot fill the widgets' cache
// with "0B2E6B", "0b2E6b", ... of one answer (tien-ich.js lowers what a host page wrote).
inline std::optional<std::string> colour(std::string_view v) {
  if (v.size() != 6) return std::nullopt;
  std::string out = "#";
  for (char c : v) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
    out += c;
  }
  return out;
}

inline constexpr std::array<std::pair<std::string_view, std::string_view>, 3> fonts{{
    {"system", "system-ui,-apple-system,\"Segoe UI\",Roboto,\"Noto Sans\",Arial,sans-serif"},
    {"serif", "\"Noto Serif\",Georgia,\"Times New Roman\",serif"},
    {"sans-serif", "\"Noto Sans\",Arial,Helvetica,sans-serif"},
}};

// The theme parameters are refused where they do nothing (fragments, the script): listed for the
// cache, a value nobody reads would make one more entry of the same answer.
inline std::optional<std::string_view> theme_param_in(const http::request& req) {
  for (std::string_view p : {"theme", "accent", "bg", "fg", "font"})
    if (req.query(p)) return p;
  return std::nullopt;
}

// The stylesheet's address with the theme's parameters (checked values only, in a fixed order).
inline std::string with_theme_query(std::string url, const widget_theme& t) {
  char sep = '?';
  auto add = [&](std::string_view name, std::string_view value) {
    if (value.empty()) return;
    if (value.front() == '#') value.remove_prefix(1);
    url += sep;
    url += name;
    url += '=';
    url += value;
    sep = '&';
  };
  add("theme", t.theme);
  add("accent", t.accent);
  add("bg", t.bg);
  add("fg", t.fg);
  add("font", t.font);
  return url;
}

inline std::string e(std::string_view s) { return publish::escape_html(s); }

// lang="vi" on stored (Vietnamese) text when the widget is in English (WCAG 3.1.2).
inline std::string vi_attr(bool en) { return en ? " lang=\"vi\"" : ""; }

// A link as the widget writes it: absolute (a fragment is read on another site), opening in a new
// tab from a frame (the host page stays where it is).
inline std::string link_attrs(bool frame) { return frame ? " target=\"_blank\" rel=\"noopener\"" : ""; }

}  // namespace widget_detail

PBGDPL_DECL result<widget_theme> parse_widget_theme(const http::request& req) {
  using namespace widget_detail;
  widget_theme t;
  if (auto v = req.query("theme")) {
    if (*v != "light" && *v != "dark")
      return bad("theme", "Giao diện (theme) chỉ có light hoặc dark", "The theme is light or dark");
    t.theme = std::string(*v);
  }
  for (auto [name, to] : {std::pair{"accent", &t.accent}, std::pair{"bg", &t.bg}, std::pair{"fg", &t.fg}}) {
    if (auto v = req.query(name)) {
      auto c = colour(*v);
      if (!c)
        return bad(name, std::string("Màu ") + name + " phải gồm đúng 6 chữ số hệ mười sáu viết thường, ví dụ 0b2e6b",
                   std::string("The colour ") + name + " must be exactly 6 lower-case hexadecimal digits, e.g. 0b2e6b");
      *to = *c;
    }
  }
  if (auto v = req.query("font")) {
    if (std::none_of(fonts.begin(), fonts.end(), [&](const auto& f) { return f.first == *v; }))
      return bad("font", "Phông chữ (font) chỉ có system, serif hoặc sans-serif", "The font is system, serif or sans-serif");
    t.font = std::string(*v);
  }
  return t;
}

PBGDPL_DECL std::string widget_theme_css(const widget_theme& t) {
  if (t.empty()) return {};
  std::string css = ":root{";
  auto var = [&](std::string_view name, std::string_view value) {
    css += "--pbgdpl-";
    css += name;
    css += ':';
    css += value;
    css += ';';
  };
  if (t.theme == "dark") {
    var("bg", "#121820");
    var("fg", "#f0f0f0");
    var("muted", "#c8c8c8");
    var("accent", "#8cb8ff");
  }
  if (!t.accent.empty()) var("accent", t.accent);
  if (!t.bg.empty()) var("bg", t.bg);
  if (!t.fg.empty()) {
    var("fg", t.fg);
    var("muted", t.fg);  // a chosen text colour is the one the vendor checked against its background
  }
  for (const auto& [name, stack] : widget_detail::fonts)
    if (name == t.font) var("font", stack);
  css += "}\n";
  return css;
}

PBGDPL_DECL result<std::string> checked_frame_ancestors(std::string_view sources) {
  // Host sources and the keywords 'self' / 'none': no ';' or ',' (which would end the directive or
  // the header) and nothing a header cannot carry.
  bool ok = !sources.empty() && std::all_of(sources.begin(), sources.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ' || c == '*' || c == '.' ||
           c == ':' || c == '/' || c == '-' || c == '\'' || c == '_' || c == '[' || c == ']';
  });
  if (!ok)
    return error(errc::invalid_argument, "/widget_frame_ancestors",
                 "Danh sách trang được nhúng tiện ích (frame-ancestors) chỉ gồm nguồn dạng https://*.edu.vn, * hoặc 'self', cách nhau bởi dấu cách",
                 "The sites that may frame the widgets (frame-ancestors) are sources such as https://*.edu.vn, * or 'self', separated by spaces");
  return std::string(sources);
}

// What one widget request knows once its unit (and display) are found.
struct widgets::request_view {
  page_context ctx;
  form f = form::fragment;
  std::size_t n = 5;
  std::optional<display> shown;  // the display of a preview
  const char* heading = "h2";    // a fragment sits inside the host's page; a frame is its own
  std::string title;             // the frame's <title>, set by the widget
  bool en() const noexcept { return ctx.lang == language::en; }
};

PBGDPL_DECL widgets::widgets(pages& p, const options& o)
    : pages_(p), opt_(o), frame_ancestors_(checked_frame_ancestors(o.widget_frame_ancestors).value()) {}

PBGDPL_DECL void widgets::add_routes(http::router& r) {
  // The script and the stylesheet: the same bytes for every unit (the stylesheet's theme aside).
  // A query (a vendor's "?v=2" to bust caches) changes nothing: the cache key leaves it out.
  r.get("/pbgdpl/tien-ich/tien-ich.js", [](http::request&) {
    http::response res;
    res.body = std::string(widget_detail::widget_js);
    res.set("Content-Type", "text/javascript; charset=utf-8");
    res.set("Cache-Control", "public, max-age=86400");
    res.set("Access-Control-Allow-Origin", "*");  // public bytes; lets a host page load it with integrity=
    res.cacheable = true;
    return res;
  });
  r.get("/pbgdpl/tien-ich/khung.js", [](http::request&) {
    http::response res;
    res.body = std::string(widget_detail::frame_js);
    res.set("Content-Type", "text/javascript; charset=utf-8");
    res.set("Cache-Control", "public, max-age=86400");
    res.cacheable = true;
    return res;
  });
  r.get("/pbgdpl/tien-ich/tien-ich.css", [](http::request& req) {
    auto t = parse_widget_theme(req);
    if (!t) return http::error_response(t.err(), http::status::bad_request);
    if (req.query("n") || req.query("lang"))
      return http::error_response(http::status::bad_request, errc::invalid_argument,
                                  "Bảng kiểu chỉ nhận các tham số giao diện", "The stylesheet takes only theme parameters");
    http::response res;
    res.body = widget_theme_css(*t) + std::string(widget_detail::widget_css);
    res.set("Content-Type", "text/css; charset=utf-8");
    res.set("Cache-Control", "public, max-age=86400");
    res.set("Access-Control-Allow-Origin", "*");
    res.cacheable = true;
    return res;
  });
  route(r, "/pbgdpl/tien-ich/tin-moi", &widgets::news, false);
  route(r, "/pbgdpl/tien-ich/bieu-ngu", &widgets::banner_box, false);
  route(r, "/pbgdpl/tien-ich/hoi-dap", &widgets::ask_box, false);
  route(r, "/pbgdpl/tien-ich/man-hinh/{display}", &widgets::display_preview, true);
}

PBGDPL_DECL void widgets::route(http::router& r, std::string_view pattern, body_maker make, bool per_display) {
  r.get(pattern, [this, make, per_display](http::request& req) { return answer(req, make, form::fragment, per_display); });
  r.get(std::string(pattern) + "/khung",
        [this, make, per_display](http::request& req) { return answer(req, make, form::frame, per_display); });
}

PBGDPL_DECL http::response widgets::answer(http::request& req, body_maker make, form f, bool per_display) {
  auto c = pages_.context_of(req);
  if (auto* res = std::get_if<http::response>(&c)) return std::move(*res);
  request_view v;
  v.ctx = std::get<page_context>(std::move(c));
  v.f = f;
  auto refuse = [&](http::status s, std::string vi, std::string e) {
    auto res = http::error_response(s, s == http::status::not_found ? errc::not_found : errc::invalid_argument, std::move(vi),
                                    std::move(e));
    res.set("Cache-Control", "no-store");
    return res;
  };
  // A unit that ended keeps its archive pages, but takes no place on another site's pages.
  if (v.ctx.units->tree.ended(v.ctx.u->id.value))
    return refuse(http::status::not_found, "Đơn vị đã kết thúc hoạt động: không có tiện ích", "The unit has ended: no widgets");
  // n: how many news items (1..10); only the news reads it.
  if (auto n = req.query("n")) {
    std::size_t value = 0;
    auto [end, ec] = std::from_chars(n->data(), n->data() + n->size(), value);
    // "3", never "03" or "+3": one spelling per value, so one cache entry per answer.
    if (make != &widgets::news || ec != std::errc{} || end != n->data() + n->size() || value < 1 || value > 10 ||
        n->front() == '0')
      return refuse(http::status::bad_request, "Tham số n là số tin từ 1 đến 10, chỉ dùng cho tiện ích tin mới",
                    "The parameter n is a number of news items from 1 to 10, for the news widget only");
    v.n = value;
  }
  if (req.query("sau")) return refuse(http::status::bad_request, "Tiện ích không phân trang (tham số sau)", "Widgets are not paged (parameter sau)");
  widget_theme theme;
  if (f == form::frame) {
    auto t = parse_widget_theme(req);
    if (!t) return refuse(http::status::bad_request, t.err().message_vi, t.err().message_en);
    theme = std::move(*t);
    v.heading = "h1";
  } else if (auto p = widget_detail::theme_param_in(req)) {
    return refuse(http::status::bad_request,
                  "Đoạn HTML không nhận tham số giao diện " + std::string(*p) + ": trang nhúng tự đặt biến CSS --pbgdpl-*",
                  "The HTML fragment takes no theme parameter " + std::string(*p) + ": the host page sets the --pbgdpl-* CSS variables");
  }
  if (per_display) {
    // Only an enabled display of this unit or a unit below it (as the public staircase page lists).
    auto id = req.param("display");
    auto d = is_valid_id(id) ? pages_.db_.get<display>(std::string(id)) : result<display>(error(errc::not_found, "/", "", ""));
    // get() also returns an archived (deleted) display, which the staircase page's list leaves out.
    auto archived = [&] {
      auto r = pages_.db_.read(store::entity_traits<display>::kind, id);
      return !r || r->archived;
    };
    if (!d || !d->enabled || !v.ctx.units->tree.within(d->unit.value, v.ctx.u->id.value) || archived())
      return refuse(http::status::not_found, "Không có màn hình này trong đơn vị", "No such display in this unit");
    v.shown = std::move(*d);
  }
  std::string fragment = (this->*make)(v);
  http::response res;
  if (f == form::fragment) {
    res = http::response::html(std::move(fragment));
    // Public content: a host page may also fetch the fragment from a script of its own.
    res.set("Access-Control-Allow-Origin", "*");
  } else {
    const auto css = widget_detail::with_theme_query(v.ctx.links.widget_stylesheet(), theme);
    std::string doc = "<!DOCTYPE html>\n<html lang=\"";
    doc += language_code(v.ctx.lang);
    doc += "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"robots\" content=\"noindex\"><title>";
    doc += publish::escape_html(v.title + " – " + v.ctx.u->name);
    doc += "</title><link rel=\"stylesheet\" href=\"" + publish::escape_html(css) + "\"><script src=\"" +
           publish::escape_html(v.ctx.links.widget_frame_script()) + "\" defer></script></head><body class=\"pbgdpl-frame\"><main>";
    doc += fragment;
    doc += "</main></body></html>\n";
    res = http::response::html(std::move(doc));
    // Framable by the sites configured (options::widget_frame_ancestors), and nothing else; its
    // one script (khung.js, the height), styles and images from this portal only.
    res.set("Content-Security-Policy",
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; "
            "frame-ancestors " + frame_ancestors_);
  }
  res.set("Content-Language", std::string(language_code(v.ctx.lang)));
  if (per_display) {
    // What plays depends on the clock, not only on writes: never in the page cache, and kept by a
    // browser or proxy for half a minute at most.
    res.set("Cache-Control", "public, max-age=30");
    res.cacheable = false;
  } else {
    res.set("Cache-Control", "public, no-cache");  // as pages: revalidated (304), never stale
    res.cache_tags = {"content", "unit:" + v.ctx.u->id.value};
  }
  return res;
}

// --- the widgets ---------------------------------------------------------------------------------

PBGDPL_DECL std::string widgets::news(request_view& v) {
  using namespace widget_detail;
  const bool en = v.en();
  const auto& ctx = v.ctx;
  v.title = en ? "Legal education news" : "Tin phổ biến, giáo dục pháp luật";
  std::string h = "<section class=\"pbgdpl-w pbgdpl-w-news\" lang=\"" + std::string(language_code(ctx.lang)) + "\"><" + v.heading +
                  " class=\"pbgdpl-w-title\">" + e(v.title) + "</" + v.heading + ">";
  // Published articles of the unit and the units below it, visible now, newest first: the same
  // list as the section's pages (drafts, scheduled and archived articles never reach it).
  auto records = pages_.records_.begin();
  auto list = pages_.articles_of(ctx, std::nullopt, v.n, {}, &records);
  if (!list || list->items.empty()) {
    h += std::string("<p>") + (en ? "No news yet." : "Chưa có tin.") + "</p>";
  } else {
    h += "<ul class=\"pbgdpl-w-list\">";
    for (const auto& a : list->items) {
      auto item = pages_.article_item(ctx, *a);
      h += "<li><a href=\"" + e(pages_.absolute(ctx, item.url)) + "\"" + link_attrs(v.f == form::frame) + vi_attr(en) + ">" +
           e(item.title) + "</a><span class=\"pbgdpl-w-meta\"><time datetime=\"" + e(item.published_iso) + "\">" +
           e(item.published_vi) + "</time>";
      if (!item.unit_name.empty()) h += " · <span" + vi_attr(en) + ">" + e(item.unit_name) + "</span>";
      h += "</span></li>";
    }
    h += "</ul>";
  }
  h += "<p class=\"pbgdpl-w-more\"><a href=\"" + e(pages_.absolute(ctx, pages::with_lang(ctx, ctx.links.section()))) + "\"" +
       link_attrs(v.f == form::frame) + ">" + (en ? "All legal education news of " : "Tất cả tin của ") + "<span" + vi_attr(en) + ">" +
       e(ctx.u->name) + "</span></a></p></section>";
  return h;
}

PBGDPL_DECL std::string widgets::banner_box(request_view& v) {
  using namespace widget_detail;
  const bool en = v.en();
  const auto& ctx = v.ctx;
  v.title = en ? "City legal education portal" : "Trang phổ biến pháp luật thành phố";
  // The banner every page of the unit carries (plan task 1.1): options::city_banner's link and
  // sentence, the unit's own uploaded image or the default drawn one.
  const auto c = pages_.common(ctx);
  std::string h = "<section class=\"pbgdpl-w pbgdpl-w-banner\" lang=\"" + std::string(language_code(ctx.lang)) + "\"><" + v.heading +
                  " class=\"pbgdpl-w-title\">" + e(v.title) + "</" + v.heading + ">";
  if (c.banner) {
    const auto& b = *c.banner;
    h += "<a href=\"" + e(b.target_url) + "\"" + link_attrs(v.f == form::frame) + vi_attr(en) + ">";
    if (!b.image.empty()) {
      h += "<img src=\"" + e(pages_.absolute(ctx, b.image)) + "\" srcset=\"" + e(pages_.absolute(ctx, b.image_2x)) + " 2x\" width=\"" +
           e(b.width) + "\" height=\"" + e(b.height) + "\" alt=\"" + e(b.alt_text) + "\">";
      // The sentence again as text: read once by a screen reader (the alt), seen by everyone.
      h += "<span class=\"pbgdpl-w-caption\" aria-hidden=\"true\">" + e(b.required_text) + "</span>";
    } else {
      h += "<span class=\"pbgdpl-w-caption\">" + e(b.required_text) + "</span>";
    }
    h += "</a>";
  }
  h += "</section>";
  return h;
}

PBGDPL_DECL std::string widgets::ask_box(request_view& v) {
  using namespace widget_detail;
  const bool en = v.en();
  const auto& ctx = v.ctx;
  v.title = en ? "Ask a legal question" : "Gửi câu hỏi pháp luật";
  std::string h = "<section class=\"pbgdpl-w pbgdpl-w-ask\" lang=\"" + std::string(language_code(ctx.lang)) + "\"><" + v.heading +
                  " class=\"pbgdpl-w-title\">" + e(v.title) + "</" + v.heading + ">";
  h += std::string("<p>") +
       (en ? "Pupils, parents and staff may ask a question about the law; the answer is published on the unit's legal education pages."
           : "Học sinh, cha mẹ học sinh và cán bộ, giáo viên có thể gửi câu hỏi về pháp luật; câu trả lời được đăng trên trang phổ biến, giáo dục pháp luật của đơn vị.") +
       "</p>";
  // A link to the unit's own form (or options::ask_url), never a second write path: the form keeps
  // its signed token, honeypot and rate, and is not framable, so nobody can post from a frame.
  auto target = pages_.ask_link(ctx);
  if (!target.empty()) {
    if (target.front() == '/') target = pages_.absolute(ctx, target);
    h += "<p><a class=\"pbgdpl-w-button\" href=\"" + e(target) + "\"" + link_attrs(v.f == form::frame) + ">" +
         (en ? "Send a question" : "Gửi câu hỏi") + "</a></p>";
  }
  if (!opt_.hotline.empty())
    h += std::string("<p>") + (en ? "Legal advice hotline: " : "Đường dây nóng tư vấn pháp luật: ") + "<a href=\"" +
         e(hotline_tel(opt_.hotline).value_or(std::string())) + "\">" + e(opt_.hotline) + "</a></p>";
  h += "</section>";
  return h;
}

PBGDPL_DECL std::string widgets::display_preview(request_view& v) {
  using namespace widget_detail;
  const bool en = v.en();
  const auto& ctx = v.ctx;
  const auto& d = *v.shown;
  v.title = (en ? "Now on the screen: " : "Đang chiếu: ") + d.name;
  std::string h = "<section class=\"pbgdpl-w pbgdpl-w-display\" lang=\"" + std::string(language_code(ctx.lang)) + "\"><" + v.heading +
                  " class=\"pbgdpl-w-title\">" + (en ? "Now on the screen " : "Đang chiếu trên ") + "<span" + vi_attr(en) + ">" +
                  e(d.name) + "</span></" + v.heading + ">";
  auto s = load_schedule(pages_.db_, d);
  auto np = s ? playing_at(*s, ctx.now) : std::nullopt;
  if (!np) {
    h += std::string("<p>") + (en ? "Nothing is scheduled now: the screen rests." : "Hiện không có lịch chiếu: màn hình nghỉ.") + "</p>";
  } else {
    h += "<p><span" + vi_attr(en) + ">" + e(np->list.name) + "</span></p>";
    // What each zone shows now, then the rest of the playlist: only media whose approval is in
    // force (signed by its approver over the bytes this portal holds, within its validity). Local
    // notices and anything unapproved are left out, as a player would refuse them.
    std::vector<std::string> now_playing;
    for (const auto& z : np->zones)
      if (z.item) now_playing.push_back(z.item->media.value);
    const signage::content_store* content = opt_.signage ? &opt_.signage->content() : nullptr;
    constexpr std::size_t max_items = 20;
    std::size_t shown = 0;
    std::vector<std::string> seen;
    std::string items;
    for (const auto& it : np->list.items) {
      if (std::find(seen.begin(), seen.end(), it.media.value) != seen.end()) continue;
      seen.push_back(it.media.value);
      auto m = pages_.db_.get<media_asset>(it.media.value);
      auto chk = m ? check_media_approval(pages_.db_, *m, it.approval, content, ctx.now) : std::nullopt;
      if (!chk || !chk->in_force) continue;
      if (shown == max_items) break;
      ++shown;
      const bool current = std::find(now_playing.begin(), now_playing.end(), m->id.value) != now_playing.end();
      const std::string name = m->title.empty() ? (m->alt_text.empty() ? m->id.value : m->alt_text) : m->title;
      items += std::string("<li") + (current ? " class=\"pbgdpl-w-now\"" : "") + ">";
      if (m->type == media_type::image && content && content->find(*m))
        items += "<img class=\"pbgdpl-w-thumb\" src=\"" +
                 e(pages_.absolute(ctx, ctx.links.signage() + "anh/" + m->id.value + "/" + m->blake2b + ".png")) + "\" alt=\"\" loading=\"lazy\">";
      items += "<span" + vi_attr(en) + ">" + e(name) + "</span><span class=\"pbgdpl-w-meta\">" +
               (current ? std::string(en ? "Playing now · " : "Đang chiếu · ") : std::string()) +
               (en ? "approved for " : "đã phê duyệt, dùng để ") + std::string(en ? label_en(chk->record.use) : label_vi(chk->record.use)) +
               "</span></li>";
    }
    if (items.empty()) h += std::string("<p>") + (en ? "No approved content to show." : "Không có nội dung đã phê duyệt để hiển thị.") + "</p>";
    else h += "<ul class=\"pbgdpl-w-list\">" + items + "</ul>";
  }
  h += "<p class=\"pbgdpl-w-more\"><a href=\"" + e(pages_.absolute(ctx, pages::with_lang(ctx, ctx.links.signage()))) + "\"" +
       link_attrs(v.f == form::frame) + ">" + (en ? "The legal staircase: every screen and its approvals" : "Cầu thang pháp luật: các màn hình và phê duyệt") +
       "</a></p></section>";
  return h;
}

}  // namespace portal
PBGDPL_NAMESPACE_END
