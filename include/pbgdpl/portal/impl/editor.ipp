// Definitions for portal/editor.hpp (inline in header-only mode, compiled once from src/portal/).
#pragma once
#include "../../core/escape.hpp"
#include "../../http/address.hpp"
#include "../../publish/markdown.hpp"
#include "../../publish/questions.hpp"
#include "../../publish/rendered.hpp"
#include "../../trust/hash.hpp"
#include "../editor.hpp"

#include <sodium.h>

#include <algorithm>
#include <set>
#include <sstream>

PBGDPL_NAMESPACE_BEGIN
namespace portal {

PBGDPL_DECL result<std::map<std::string, std::string>> parse_form(std::string_view body) {
  std::map<std::string, std::string> out;
  std::size_t fields = 0;
  while (!body.empty()) {
    auto amp = body.find('&');
    auto part = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
    if (part.empty()) continue;
    if (++fields > 400)
      return error(errc::too_large, {}, "Biểu mẫu có quá nhiều trường", "The form has too many fields");
    auto eq = part.find('=');
    auto k = http::percent_decode(part.substr(0, eq), true);
    auto v = http::percent_decode(eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1), true);
    if (!k || !v)
      return error(errc::invalid_utf8, {}, "Biểu mẫu gửi lên không đúng mã UTF-8", "The form is not valid UTF-8");
    out.emplace(std::move(*k), std::move(*v));  // the first of a repeated name wins
  }
  return out;
}

PBGDPL_DECL std::string cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    auto semi = header.find(';');
    auto part = header.substr(0, semi);
    header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    auto eq = part.find('=');
    if (eq != std::string_view::npos && part.substr(0, eq) == name) return std::string(part.substr(eq + 1));
  }
  return {};
}

namespace editor_detail {

inline std::string esc(std::string_view s) { return html_escaped(s); }

// One request's reading: language, where links go, who is signed in and the CSRF token.
struct screen {
  bool en = false;
  std::string base;    // "<public prefix>/quan-tri"
  std::string portal;  // "<public prefix>" (the public pages)
  std::string lang_q;  // "" or "?lang=en"
  bool media = false;  // the media screen exists (editor_options::media)
  std::string t(std::string_view vi, std::string_view e) const { return std::string(en ? e : vi); }
  std::string link(std::string_view path) const { return base + std::string(path) + lang_q; }
};

// The reading of one request for every screen: its language and where links go.
inline screen screen_for(const http::request& req, const options& o, bool media) {
  screen s;
  s.en = req.query("lang").value_or("") == "en";
  s.portal = checked_public_prefix(public_prefix_of(o, req)).value_or("");
  s.base = s.portal + "/quan-tri";
  s.lang_q = s.en ? "?lang=en" : "";
  s.media = media;
  return s;
}

// A form's value and its error, kept to show again: the person never retypes.
struct field_errors {
  std::map<std::string, std::string> by_field;  // field → message (already in the screen's language)
  std::string general;
  bool empty() const { return by_field.empty() && general.empty(); }
};

inline void add_errors(field_errors& fe, const error& e, const screen& s) {
  auto put = [&](const error& x) {
    std::string field = x.path;
    if (!field.empty() && field.front() == '/') field.erase(0, 1);
    if (auto slash = field.find('/'); slash != std::string::npos) field.resize(slash);
    std::string msg = s.en ? x.message_en : x.message_vi;
    if (msg.empty()) msg = std::string(s.en ? errc_messages(x.code).second : errc_messages(x.code).first);
    if (field.empty()) {
      if (!fe.general.empty()) fe.general += " ";
      fe.general += msg;
    } else if (!fe.by_field.count(field)) {
      fe.by_field[field] = msg;
    }
  };
  if (e.details.empty()) put(e);
  for (const auto& d : e.details) put(d);
}

inline std::string page(const screen& s, std::string_view title, const std::optional<account>& who,
                        const std::string& csrf, std::string_view body) {
  std::string h;
  h.reserve(body.size() + 2048);
  h += "<!DOCTYPE html>\n<html lang=\"";
  h += s.en ? "en" : "vi";
  h += "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
       "<meta name=\"robots\" content=\"noindex\"><title>";
  h += esc(title);
  h += s.t(" – Quản trị PBGDPL", " – PBGDPL editor");
  h += "</title><link rel=\"stylesheet\" href=\"" + esc(s.portal) + "/pbgdpl/static/style.css\">"
       "<link rel=\"stylesheet\" href=\"" + esc(s.base) + "/static/editor.css\">"
       "<script src=\"" + esc(s.base) + "/static/editor.js\" defer></script></head><body>";
  h += "<a class=\"skip\" href=\"#noi-dung\">" + s.t("Bỏ qua, đến nội dung chính", "Skip to main content") + "</a>";
  h += "<header class=\"editor-header\"><p class=\"editor-brand\"><a href=\"" + esc(s.link("/")) + "\">" +
       s.t("Quản trị chuyên mục PBGDPL", "PBGDPL section editor") + "</a></p>";
  if (who) {
    h += "<nav aria-label=\"" + s.t("Quản trị", "Editor") + "\"><ul class=\"editor-nav\">";
    h += "<li><a href=\"" + esc(s.link("/")) + "\">" + s.t("Bảng công việc", "Dashboard") + "</a></li>";
    h += "<li><a href=\"" + esc(s.link("/bai-viet/moi")) + "\">" + s.t("Viết bài mới", "New article") + "</a></li>";
    h += "<li><a href=\"" + esc(s.link("/van-ban")) + "\">" + s.t("Văn bản", "Documents") + "</a></li>";
    h += "<li><a href=\"" + esc(s.link("/an-pham")) + "\">" + s.t("Ấn phẩm", "Publications") + "</a></li>";
    h += "<li><a href=\"" + esc(s.link("/cau-hoi")) + "\">" + s.t("Câu hỏi", "Questions") + "</a></li>";
    h += "<li><a href=\"" + esc(s.link("/doi-thoai")) + "\">" + s.t("Đối thoại", "Dialogues") + "</a></li>";
    h += "<li><a href=\"" + esc(s.link("/webhook")) + "\">" + s.t("Webhook", "Webhooks") + "</a></li>";
    if (s.media) h += "<li><a href=\"" + esc(s.link("/tep")) + "\">" + s.t("Tệp và ảnh", "Media") + "</a></li>";
    if (s.media) h += "<li><a href=\"" + esc(s.link("/bieu-ngu")) + "\">" + s.t("Biểu ngữ", "Banner") + "</a></li>";
    h += "<li><a href=\"" + esc(s.link("/man-hinh")) + "\">" + s.t("Màn hình", "Screens") + "</a></li>";
    h += "<li><a href=\"" + esc(s.link("/bao-cao")) + "\">" + s.t("Báo cáo", "Reports") + "</a></li>";
    h += "<li><a href=\"" + esc(s.link("/tap-huan")) + "\">" + s.t("Tập huấn và kênh", "Training and channels") + "</a></li>";
    h += "<li><a href=\"" + esc(s.portal) + "/pbgdpl/\">" + s.t("Trang công khai", "Public pages") + "</a></li>";
    h += "</ul></nav><form class=\"editor-signout\" method=\"post\" action=\"" + esc(s.link("/dang-xuat")) + "\">";
    h += "<input type=\"hidden\" name=\"csrf\" value=\"" + esc(csrf) + "\">";
    h += "<span>" + esc(who->display_name) + "</span> <button type=\"submit\">" + s.t("Đăng xuất", "Sign out") + "</button></form>";
  }
  h += "<p class=\"editor-lang\"><a href=\"?lang=" + std::string(s.en ? "vi" : "en") + "\" lang=\"" + (s.en ? "vi" : "en") + "\">" +
       (s.en ? "Tiếng Việt" : "English") + "</a></p></header>";
  h += "<main id=\"noi-dung\" tabindex=\"-1\"><h1>";
  h += esc(title);
  h += "</h1>";
  h += body;
  h += "</main></body></html>\n";
  return h;
}

inline http::response html(std::string body, http::status st = http::status::ok) {
  auto r = http::response::html(std::move(body), st);
  r.set("Cache-Control", "no-store");
  r.set("X-Robots-Tag", "noindex");
  r.cacheable = false;
  return r;
}

inline http::response see_other(const std::string& to) {
  auto r = http::response::redirect(to, http::status::see_other);
  r.set("Cache-Control", "no-store");
  return r;
}

inline std::string input(const screen& s, const field_errors& fe, std::string_view name, std::string_view label,
                         std::string_view value, std::string_view type = "text", bool required = false,
                         std::string_view hint = {}) {
  std::string id = "f-" + std::string(name);
  std::string h = "<div class=\"field" + std::string(fe.by_field.count(std::string(name)) ? " has-error" : "") + "\">";
  h += "<label for=\"" + id + "\">" + esc(label) + (required ? " <span aria-hidden=\"true\">*</span>" : "") + "</label>";
  std::string described;
  if (!hint.empty()) {
    h += "<p class=\"hint\" id=\"" + id + "-hint\">" + esc(hint) + "</p>";
    described = id + "-hint";
  }
  if (auto it = fe.by_field.find(std::string(name)); it != fe.by_field.end()) {
    h += "<p class=\"field-error\" id=\"" + id + "-error\">" + esc(it->second) + "</p>";
    described += (described.empty() ? "" : " ") + id + "-error";
  }
  const bool area = type == "textarea";
  h += area ? "<textarea" : "<input type=\"" + std::string(type) + "\"";
  h += " id=\"" + id + "\" name=\"" + std::string(name) + "\"";
  if (required) h += " required";
  if (!described.empty()) h += " aria-describedby=\"" + described + "\"";
  if (fe.by_field.count(std::string(name))) h += " aria-invalid=\"true\"";
  if (area) h += " rows=\"14\">" + esc(value) + "</textarea>";
  else h += " value=\"" + esc(value) + "\">";
  h += "</div>";
  (void)s;
  return h;
}

inline std::string errors_box(const screen& s, const field_errors& fe) {
  if (fe.empty()) return {};
  std::string h = "<div class=\"form-errors\" role=\"alert\"><p>" +
                  s.t("Chưa lưu được. Hãy sửa các mục được đánh dấu.", "Not saved. Please correct the marked fields.") + "</p>";
  if (!fe.general.empty()) h += "<p>" + esc(fe.general) + "</p>";
  h += "</div>";
  return h;
}

// "2026-12-01 08:30" in Hà Nội time, as the datetime-local input writes it.
inline std::string fmt_time(timestamp t) {
  auto s = format_timestamp(t);
  if (s.size() >= 16) s = s.substr(0, 10) + " " + s.substr(11, 5);
  return s;
}
// A datetime-local value ("2026-12-01T08:30", or with seconds "2026-12-01T08:30:15") in Hà Nội time.
inline std::optional<timestamp> parse_local_input(std::string_view v) {
  if (v.size() != 16 && v.size() != 19) return std::nullopt;
  auto t = parse_timestamp(std::string(v) + (v.size() == 16 ? ":00+07:00" : "+07:00"));
  if (!t) return std::nullopt;
  return *t;
}

// A line diff of two texts (longest common subsequence over lines, bounded): what a revision
// changed, readable without tools.
// `budget` is the comparison cells a page may still spend (the revisions screen shares one across
// its up to 100 revisions, so a page costs at most a few tens of millions of steps); a diff
// beyond what is left shows both texts whole.
inline std::string line_diff(std::string_view a, std::string_view b, std::uint64_t& budget) {
  auto split = [](std::string_view s) {
    std::vector<std::string_view> v;
    while (!s.empty()) {
      auto n = s.find('\n');
      v.push_back(s.substr(0, n));
      if (n == std::string_view::npos) break;
      s.remove_prefix(n + 1);
    }
    return v;
  };
  auto x = split(a), y = split(b);
  std::string out = "<pre class=\"diff\">";
  const std::uint64_t cells = static_cast<std::uint64_t>(x.size() + 1) * (y.size() + 1);
  // 2,000 lines each at most, and within what the page has left: beyond, O(n·m) is too much.
  if (cells > 4'000'000 || cells > budget) {
    // Not compared here (the page would be too costly or too large): restore shows the content.
    if (a == b) return out + "</pre>";
    return out + "</pre><p class=\"hint\">Quá dài để so sánh từng dòng trên trang này / too long to compare line by line here (" +
           std::to_string(x.size()) + " → " + std::to_string(y.size()) + " dòng / lines)</p>";
  }
  budget -= cells;
  std::vector<std::vector<std::uint32_t>> L(x.size() + 1, std::vector<std::uint32_t>(y.size() + 1, 0));
  for (std::size_t i = x.size(); i-- > 0;)
    for (std::size_t j = y.size(); j-- > 0;) L[i][j] = x[i] == y[j] ? L[i + 1][j + 1] + 1 : std::max(L[i + 1][j], L[i][j + 1]);
  std::size_t i = 0, j = 0;
  while (i < x.size() || j < y.size()) {
    if (i < x.size() && j < y.size() && x[i] == y[j]) {
      out += "  " + esc(x[i]) + "\n";
      ++i, ++j;
    } else if (j < y.size() && (i == x.size() || L[i][j + 1] >= L[i + 1][j])) {
      out += "<ins>+ " + esc(y[j]) + "</ins>\n";
      ++j;
    } else {
      out += "<del>- " + esc(x[i]) + "</del>\n";
      ++i;
    }
  }
  return out + "</pre>";
}

inline constexpr std::string_view editor_css = R"(.editor-header{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;padding:.5rem 1rem;background:#0b3d91;color:#fff}
.editor-header a{color:#fff}.editor-nav{display:flex;gap:1rem;list-style:none;margin:0;padding:0}
.editor-signout button{margin-left:.5rem}main{max-width:60rem;margin:1rem auto;padding:0 1rem}
.field{margin:1rem 0}.field label{display:block;font-weight:bold}.field input,.field textarea,.field select{width:100%;max-width:48rem;padding:.4rem;font:inherit}
.hint{margin:.2rem 0;color:#333}.field-error{color:#a00000;font-weight:bold;margin:.2rem 0}.has-error input,.has-error textarea{border:2px solid #a00000}
.form-errors{border:2px solid #a00000;padding:.5rem 1rem;margin:1rem 0;background:#fff5f5}
.notice{border:2px solid #1a6b1a;padding:.5rem 1rem;background:#f3fff3}
table.work{border-collapse:collapse;width:100%}table.work th,table.work td{border:1px solid #999;padding:.3rem;text-align:left}
.diff ins{background:#dfd;text-decoration:none}.diff del{background:#fdd}.preview{border:1px dashed #666;padding:.5rem 1rem}
.actions form{display:inline-block;margin:.5rem 1rem .5rem 0;vertical-align:top}
form.inline{display:inline}.snapshot{border:1px solid #999;height:auto}.secret{word-break:break-all}
.wide{overflow-x:auto}img.trend{max-width:100%;height:auto;border:1px solid #999}fieldset{margin:1rem 0}.computed strong{font-size:1.1em}
.media-list{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:1rem}.media-list li{max-width:12rem}.media-list img.thumb{display:block;max-width:100%;height:auto;border:1px solid #999}
)";

// The live preview: an enhancement only (the form's "Xem trước" button works without it).
inline constexpr std::string_view editor_js = R"((function(){
var area=document.getElementById('f-body_markdown'),out=document.getElementById('live-preview');
if(!area||!out||!window.fetch)return;var t=null,url=out.getAttribute('data-url'),csrf=out.getAttribute('data-csrf');
function go(){var b=new URLSearchParams();b.set('body_markdown',area.value);b.set('csrf',csrf);
fetch(url,{method:'POST',body:b,credentials:'same-origin',headers:{'Content-Type':'application/x-www-form-urlencoded'}})
.then(function(r){return r.ok?r.text():''}).then(function(h){out.innerHTML=h;});}
area.addEventListener('input',function(){clearTimeout(t);t=setTimeout(go,400);});})();
)";

// The token is the defence against forged posts; where the browser also names the page a post
// came from, that page must be one of ours (issue 21: a leaked token, a page of a sibling site that
// SameSite does not stop). Refused: Sec-Fetch-Site other than same-origin or none; an Origin (or,
// without one, a Referer) that is not this site's public origin, base_url's, a configured host's
// or an allowed origin, or that cannot be read. A post that names no page (an older browser, a
// script holding the session) is judged by the token alone.
inline bool posted_from_here(const options& o, const http::request& req) {
  if (auto site = req.header("Sec-Fetch-Site"); !site.empty() && site != "same-origin" && site != "none") return false;
  const auto& m = req.message();
  if (m.count(http::bhttp::field::origin) == 0 && m.count(http::bhttp::field::referer) == 0) return true;
  auto from = http::request_origin(req);
  if (!from) return false;
  std::vector<std::string> ours;
  for (const auto& u : {public_origin(o, req), o.base_url})
    if (auto x = http::url_origin(u)) ours.push_back(std::move(*x));
  const std::string scheme = o.base_url.substr(0, o.base_url.find("://"));
  for (const auto& [host, unit] : o.hosts)
    if (auto x = http::url_origin(scheme + "://" + host)) ours.push_back(std::move(*x));
  for (const auto& a : o.allowed_origins)
    if (auto x = http::url_origin(a)) ours.push_back(std::move(*x));
  return std::find(ours.begin(), ours.end(), *from) != ours.end();
}
}  // namespace editor_detail

PBGDPL_DECL editor::editor(store::store& db, account_service& accounts, std::shared_ptr<live_units> units,
                           const options& site_options, editor_options eo)
    : db_(db), accounts_(accounts), units_(std::move(units)), opt_(site_options), eo_(std::move(eo)),
      routes_(std::make_shared<http::router>()) {
  trust::ensure_sodium();
  randombytes_buf(csrf_key_.data(), csrf_key_.size());
  build();
  build_webhooks();
}

PBGDPL_DECL timestamp editor::now() const { return opt_.now ? opt_.now() : pbgdpl::now(); }

PBGDPL_DECL std::optional<account> editor::signed_in(const http::request& req, std::string* token) {
  auto t = cookie_value(req.header(http::bhttp::field::cookie), eo_.cookie_name);
  if (t.empty()) return std::nullopt;
  auto a = accounts_.session(t);
  if (a && token) *token = t;
  return a;
}

PBGDPL_DECL std::optional<http::principal> editor::principal(const http::request& req) {
  auto a = signed_in(req);
  if (!a) return std::nullopt;
  http::principal p;
  p.id = a->id.value;
  p.name = a->display_name;
  for (const auto& g : a->grants) p.roles.emplace_back(to_string(g.r));
  return p;
}

// The token a session's forms carry: keyed BLAKE2b of the session token under a key that lives
// only in this process (a restart signs everyone's forms anew; a page from before asks again).
PBGDPL_DECL std::string editor::csrf_for(std::string_view session_token) const {
  std::array<unsigned char, 32> out{};
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(session_token.data()),
                     session_token.size(), csrf_key_.data(), csrf_key_.size());
  return trust::to_hex(out);
}

PBGDPL_DECL bool editor::csrf_ok(const http::request& req, const std::map<std::string, std::string>& form,
                                 const std::string& session_token) const {
  auto it = form.find("csrf");
  if (it == form.end() || session_token.empty()) return false;
  if (!editor_detail::posted_from_here(opt_, req)) return false;
  auto want = csrf_for(session_token);
  return it->second.size() == want.size() && sodium_memcmp(it->second.data(), want.data(), want.size()) == 0;
}

}  // namespace portal
PBGDPL_NAMESPACE_END

#include "editor_media.ipp"
#include "editor_screens.ipp"
#include "editor_banner.ipp"
#include "editor_webhooks.ipp"
#include "editor_forms.ipp"
#include "editor_documents.ipp"
#include "editor_dialogues.ipp"
#include "editor_signage.ipp"
#include "editor_reports.ipp"
#include "editor_training.ipp"
