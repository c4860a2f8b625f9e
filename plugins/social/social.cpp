// The social publishers' logic: posts, text limits, the four platforms' requests and the queue.
// The request formats, as checked against each platform's documentation:
//  - Facebook Pages API: POST https://graph.facebook.com/{version}/{page-id}/feed with `message`,
//    `link` and the Page access token as `access_token` (developers.facebook.com/docs/pages-api/
//    getting-started, "To publish a post, send a POST request to the /page_id/feed endpoint");
//    answer {"id": "{page-id}_{post-id}"}; errors {"error": {"message", "type", "code",
//    "is_transient"?}}. Photos: POST /{page-id}/photos with `url` (and `caption`, which we could
//    not confirm against the current reference: Graph has also taken `message` there).
//  - YouTube Data API v3 videos.insert by the resumable upload protocol
//    (developers.google.com/youtube/v3/guides/using_resumable_upload_protocol): POST
//    /upload/youtube/v3/videos?uploadType=resumable&part=snippet,status with the JSON metadata,
//    Authorization: Bearer, X-Upload-Content-Length and X-Upload-Content-Type; the session URL
//    comes back in Location; then PUT the bytes there. After an interruption, PUT with
//    "Content-Range: bytes */N" asks how much arrived (308 with Range: bytes=0-K) and the rest is
//    sent with "Content-Range: bytes K+1-(N-1)/N".
//  - X API v2 (docs.x.com/x-api/posts/manage-tweets/quickstart): POST https://api.x.com/2/tweets
//    with {"text": ...}, Authorization: Bearer <user access token> (OAuth 2.0 PKCE); answer 201
//    {"data": {"id", "text"}}; 429 carries x-rate-limit-reset (epoch seconds).
//  - Zalo Official Account Open API, `access_token` in a header (zaloplatform/zalo-java-sdk
//    examples): articles POST https://openapi.zalo.me/v2.0/article/create with {"type": "normal",
//    "title", "author", "cover": {"cover_type": "photo", "photo_url", "status": "show"},
//    "description", "body": [{"type": "text", "content"}...], "status", "comment"}; customer-care
//    messages POST /v3.0/oa/message/cs with {"recipient": {"user_id"}, "message": {"text"}}.
//    Zalo answers HTTP 200 with {"error": 0, "message", "data"} and a non-zero "error" on failure.
//    Not confirmed: the title and description limits of an article (150 and 300 characters here)
//    and which non-zero errors are transient (all are taken as final).
#include "social.hpp"

#include <pbgdpl/core/files.hpp>

#include <fcntl.h>
#include <unistd.h>
#include <algorithm>
#include <cctype>
#include <cstdint>

PBGDPL_NAMESPACE_BEGIN
namespace plugin::social {

namespace {

constexpr std::size_t max_state_bytes = 64u << 20;

error bad(errc c, std::string path, std::string vi, std::string en) {
  return error(c, std::move(path), std::move(vi), std::move(en));
}

// The next code point of s at i (advancing i); a malformed byte reads as U+FFFD.
char32_t next_code_point(std::string_view s, std::size_t& i) {
  auto b = static_cast<unsigned char>(s[i]);
  std::size_t n = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
  if (n == 0 || i + n > s.size()) {
    ++i;
    return 0xFFFD;
  }
  char32_t cp = n == 1 ? b : n == 2 ? (b & 0x1F) : n == 3 ? (b & 0x0F) : (b & 0x07);
  for (std::size_t k = 1; k < n; ++k) {
    auto c = static_cast<unsigned char>(s[i + k]);
    if ((c & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (c & 0x3F);
  }
  i += n;
  return cp;
}

std::size_t code_points(std::string_view s) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size(); ++n) next_code_point(s, i);
  return n;
}

bool starts_with_url(std::string_view s, std::size_t i) {
  auto rest = s.substr(i);
  auto ieq = [](std::string_view a, std::string_view b) {
    if (a.size() < b.size()) return false;
    for (std::size_t k = 0; k < b.size(); ++k)
      if (std::tolower(static_cast<unsigned char>(a[k])) != b[k]) return false;
    return true;
  };
  return ieq(rest, "http://") || ieq(rest, "https://");
}

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

std::string trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return std::string(s);
}

// Title and text as one block: "title\n\ntext" (either may be empty).
std::string headline_and_text(const post& p) {
  std::string t = trim(p.title), x = trim(p.text);
  if (t.empty()) return x;
  if (x.empty()) return t;
  return t + "\n\n" + x;
}

// The longest prefix (whole code points, an ellipsis added when cut) that `fits` accepts.
template <class Fits>
std::string fit_by(std::string_view s, std::size_t max_code_points, Fits fits) {
  if (fits(s)) return std::string(s);
  std::vector<std::size_t> ends;  // byte offsets after each code point, up to the cap
  for (std::size_t i = 0; i < s.size() && ends.size() < max_code_points;) {
    next_code_point(s, i);
    ends.push_back(i);
  }
  for (std::size_t k = ends.size(); k > 0; --k) {
    std::string cand = trim(s.substr(0, ends[k - 1])) + "…";
    if (fits(cand)) return cand;
  }
  return {};
}

std::string percent_encode_form(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string form(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    if (v.empty()) continue;
    if (!out.empty()) out += '&';
    out += percent_encode_form(k) + "=" + percent_encode_form(v);
  }
  return out;
}

std::string html_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

bool is_http_url(std::string_view u) {
  if (!starts_with_url(u, 0) || u.size() > 2048) return false;
  for (char c : u)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return false;
  return true;
}

// "https://host:port" of an absolute http(s) URL, lower-cased, the default port spelt out.
std::string origin_of(std::string_view url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return {};
  std::string scheme(url.substr(0, scheme_end));
  auto rest = url.substr(scheme_end + 3);
  auto host = std::string(rest.substr(0, rest.find_first_of("/?#")));
  if (host.find('@') != std::string::npos) return {};  // userinfo: refuse rather than parse
  for (auto& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (auto& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (host.find(':') == std::string::npos || (host.front() == '[' && host.back() == ']'))
    host += scheme == "https" ? ":443" : ":80";
  return scheme + "://" + host;
}

std::optional<std::string> get_string(const json& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

result<void> take_string(const json& o, const char* key, std::string& out, std::size_t max_bytes,
                         const std::string& at) {
  auto it = o.find(key);
  if (it == o.end() || it->is_null()) return {};
  if (!it->is_string())
    return bad(errc::wrong_type, at + "/" + key, std::string("Trường \"") + key + "\" phải là chuỗi",
               std::string("\"") + key + "\" must be a string");
  auto s = it->get<std::string>();
  if (s.size() > max_bytes)
    return bad(errc::too_large, at + "/" + key,
               std::string("Trường \"") + key + "\" dài quá " + std::to_string(max_bytes) + " byte",
               std::string("\"") + key + "\" is longer than " + std::to_string(max_bytes) + " bytes");
  if (!text::is_valid_utf8(s))
    return bad(errc::invalid_utf8, at + "/" + key, std::string("Trường \"") + key + "\" không đúng mã UTF-8",
               std::string("\"") + key + "\" is not valid UTF-8");
  out = std::move(s);
  return {};
}

std::string clip_message(std::string s) {
  for (auto& c : s)
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  if (s.size() > 300) {
    std::size_t cut = 300;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    s = s.substr(0, cut) + "…";
  }
  return s;
}

std::string platform_label(platform p) {
  switch (p) {
    case platform::facebook:
      return "Facebook";
    case platform::youtube:
      return "YouTube";
    case platform::x:
      return "X";
    case platform::zalo:
      return "Zalo";
  }
  return "?";
}

// The platform's own words about a refusal, from its error JSON.
std::string platform_message(platform p, std::string_view body) {
  auto j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return {};
  switch (p) {
    case platform::facebook:
    case platform::youtube:
      if (auto e = j.find("error"); e != j.end() && e->is_object())
        if (auto m = get_string(*e, "message")) return *m;
      break;
    case platform::x:
      if (auto m = get_string(j, "detail")) return *m;
      if (auto e = j.find("errors"); e != j.end() && e->is_array() && !e->empty() && (*e)[0].is_object())
        if (auto m = get_string((*e)[0], "message")) return *m;
      if (auto m = get_string(j, "title")) return *m;
      break;
    case platform::zalo:
      if (auto m = get_string(j, "message")) return *m;
      break;
  }
  return {};
}

std::optional<std::chrono::seconds> retry_after_of(const http_response& r, timestamp now) {
  if (auto v = r.header("retry-after")) {
    std::uint64_t n = 0;
    bool digits = !v->empty() && v->size() <= 9;
    for (char c : *v) {
      if (c < '0' || c > '9')
        digits = false;
      else
        n = n * 10 + static_cast<unsigned>(c - '0');
    }
    if (digits) return std::chrono::seconds(n);
  }
  if (auto v = r.header("x-rate-limit-reset")) {  // X: when the window resets, epoch seconds
    std::int64_t n = 0;
    bool digits = !v->empty() && v->size() <= 12;
    for (char c : *v) {
      if (c < '0' || c > '9')
        digits = false;
      else
        n = n * 10 + (c - '0');
    }
    if (digits) {
      auto at = timestamp(std::chrono::seconds(n));
      return at > now ? std::chrono::duration_cast<std::chrono::seconds>(at - now) : std::chrono::seconds(0);
    }
  }
  return std::nullopt;
}

json error_json(const error& e) {
  return json{
      {"code", std::string(errc_name(e.code))}, {"path", e.path}, {"vi", e.message_vi}, {"en", e.message_en}};
}

}  // namespace

std::string_view platform_name(platform p) noexcept {
  switch (p) {
    case platform::facebook:
      return "facebook";
    case platform::youtube:
      return "youtube";
    case platform::x:
      return "x";
    case platform::zalo:
      return "zalo";
  }
  return "";
}

// --- Posts ---------------------------------------------------------------------------------------
result<post> post_from_json(const json& j) {
  if (!j.is_object())
    return bad(errc::wrong_type, "", "Yêu cầu đăng bài phải là một đối tượng JSON",
               "A publish request must be a JSON object");
  post p;
  const json* content = &j;
  std::string at;
  if (auto a = j.find("article"); a != j.end()) {
    if (!a->is_object())
      return bad(errc::wrong_type, "/article", "\"article\" phải là đối tượng",
                 "\"article\" must be an object");
    content = &*a;
    at = "/article";
    if (auto r = take_string(*a, "title", p.title, 1024, at); !r) return r.err();
    if (auto r = take_string(*a, "summary", p.text, 64 * 1024, at); !r) return r.err();
    if (p.text.empty())
      if (auto r = take_string(*a, "body_markdown", p.text, 64 * 1024, at); !r) return r.err();
  } else if (auto c = j.find("channel_post"); c != j.end()) {
    if (!c->is_object())
      return bad(errc::wrong_type, "/channel_post", "\"channel_post\" phải là đối tượng",
                 "\"channel_post\" must be an object");
    content = &*c;
    at = "/channel_post";
    if (auto r = take_string(*c, "title", p.title, 1024, at); !r) return r.err();
    if (auto r = take_string(*c, "url", p.url, 2048, at); !r) return r.err();
  } else {
    if (auto r = take_string(j, "title", p.title, 1024, ""); !r) return r.err();
    if (auto r = take_string(j, "text", p.text, 64 * 1024, ""); !r) return r.err();
  }
  if (auto r = take_string(j, "id", p.id, 200, ""); !r) return r.err();
  if (p.id.empty())
    if (auto r = take_string(*content, "id", p.id, 200, at); !r) return r.err();
  if (p.id.empty())
    return bad(errc::missing_field, "/id", "Thiếu \"id\" (khóa chống đăng trùng)",
               "\"id\" (the idempotency key) is missing");
  for (char c : p.id)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      return bad(errc::invalid_argument, "/id", "\"id\" chứa ký tự điều khiển",
                 "\"id\" holds a control character");
  if (auto r = take_string(j, "channel", p.channel, 200, ""); !r) return r.err();
  {
    std::string u;  // a link beside the entity (the portal's page of an article) wins
    if (auto r = take_string(j, "url", u, 2048, ""); !r) return r.err();
    if (!u.empty()) p.url = std::move(u);
  }
  if (!p.url.empty() && !is_http_url(p.url))
    return bad(errc::invalid_argument, "/url", "Liên kết phải bắt đầu bằng http:// hoặc https://",
               "The link must be an http:// or https:// URL");
  if (auto m = j.find("media"); m != j.end() && !m->is_null()) {
    if (!m->is_array())
      return bad(errc::wrong_type, "/media", "\"media\" phải là mảng", "\"media\" must be an array");
    if (m->size() > 16)
      return bad(errc::too_large, "/media", "Nhiều hơn 16 tệp đa phương tiện", "More than 16 media items");
    for (std::size_t i = 0; i < m->size(); ++i) {
      const auto& it = (*m)[i];
      auto path = "/media/" + std::to_string(i);
      if (!it.is_object())
        return bad(errc::wrong_type, path, "Mỗi tệp phải là đối tượng", "Each media item must be an object");
      media_item mi;
      if (auto r = take_string(it, "url", mi.url, 2048, path); !r) return r.err();
      if (auto r = take_string(it, "type", mi.type, 100, path); !r) return r.err();
      if (!is_http_url(mi.url))
        return bad(errc::invalid_argument, path + "/url", "Địa chỉ tệp phải là http:// hoặc https://",
                   "A media URL must be http:// or https://");
      p.media.push_back(std::move(mi));
    }
  }
  if (auto t = j.find("published_at"); t != j.end() && !t->is_null()) {
    if (!t->is_string())
      return bad(errc::wrong_type, "/published_at", "\"published_at\" phải là chuỗi ISO 8601",
                 "\"published_at\" must be an ISO 8601 string");
    auto ts = parse_timestamp(t->get<std::string>());
    if (!ts)
      return bad(errc::bad_date, "/published_at", "\"published_at\" không phải thời điểm hợp lệ",
                 "\"published_at\" is not a valid time");
    p.published_at = *ts;
  }
  if (trim(p.title).empty() && trim(p.text).empty() && p.url.empty() && p.media.empty())
    return bad(errc::missing_field, "", "Bài đăng trống: không có tiêu đề, nội dung, liên kết hay ảnh",
               "The post is empty: no title, text, link or media");
  return p;
}

json to_json(const post& p) {
  json j{{"id", p.id}, {"channel", p.channel}, {"title", p.title}, {"text", p.text}, {"url", p.url}};
  json m = json::array();
  for (const auto& x : p.media) m.push_back({{"url", x.url}, {"type", x.type}});
  j["media"] = std::move(m);
  if (p.published_at) j["published_at"] = format_timestamp(*p.published_at);
  return j;
}

// --- Text limits ---------------------------------------------------------------------------------
std::size_t x_weighted_length(std::string_view s) {
  std::size_t w = 0;
  for (std::size_t i = 0; i < s.size();) {
    if (starts_with_url(s, i) && (i == 0 || is_space(s[i - 1]))) {
      while (i < s.size() && !is_space(s[i])) ++i;
      w += 23;
      continue;
    }
    char32_t c = next_code_point(s, i);
    bool light = c <= 0x10FF || (c >= 0x2000 && c <= 0x200D) || (c >= 0x2010 && c <= 0x201F) ||
                 (c >= 0x2032 && c <= 0x2037);
    w += light ? 1 : 2;
  }
  return w;
}

std::string fit_code_points(std::string_view s, std::size_t max) {
  return fit_by(s, max, [max](std::string_view c) { return code_points(c) <= max; });
}

std::string x_text(const post& p) {
  std::string link = p.url.empty() ? "" : "\n" + p.url;
  const std::size_t budget = 280 - std::min<std::size_t>(280, x_weighted_length(link));
  auto body = fit_by(headline_and_text(p), budget,
                     [budget](std::string_view c) { return x_weighted_length(c) <= budget; });
  if (body.empty()) return p.url;
  return body + link;
}

std::string facebook_message(const post& p) { return fit_code_points(headline_and_text(p), 63206); }

std::string zalo_message_text(const post& p) {
  std::string link = p.url.empty() ? "" : "\n" + p.url;
  std::size_t budget = 2000 - std::min<std::size_t>(2000, code_points(link));
  auto body = fit_code_points(headline_and_text(p), budget);
  return body.empty() ? p.url : body + link;
}

// --- Configuration -------------------------------------------------------------------------------
result<config> config_from_json(const json& j) {
  if (!j.is_object())
    return bad(errc::wrong_type, "", "Cấu hình phải là đối tượng JSON",
               "The configuration must be a JSON object");
  static const std::vector<std::string> known{"platform",
                                              "base_url",
                                              "token",
                                              "page_id",
                                              "graph_version",
                                              "privacy_status",
                                              "category_id",
                                              "max_video_bytes",
                                              "mode",
                                              "user_id",
                                              "author",
                                              "cover_url",
                                              "state_dir",
                                              "name",
                                              "max_attempts",
                                              "retry_first_seconds",
                                              "retry_max_seconds",
                                              "timeout_ms",
                                              "max_items",
                                              "keep_finished_days"};
  for (const auto& [k, v] : j.items())
    if (std::find(known.begin(), known.end(), k) == known.end())
      return bad(errc::invalid_argument, "/" + json_io::pointer_token(k),
                 "Khóa cấu hình không được biết: " + k, "Unknown configuration key: " + k);
  config c;
  std::string kind;
  if (auto r = take_string(j, "platform", kind, 32, ""); !r) return r.err();
  if (kind == "facebook")
    c.kind = platform::facebook;
  else if (kind == "youtube")
    c.kind = platform::youtube;
  else if (kind == "x")
    c.kind = platform::x;
  else if (kind == "zalo")
    c.kind = platform::zalo;
  else
    return bad(errc::invalid_argument, "/platform", "\"platform\" phải là facebook, youtube, x hoặc zalo",
               "\"platform\" must be facebook, youtube, x or zalo");
  // The token goes into a header: no control character may reach it (header injection).
  if (auto r = take_string(j, "token", c.token, 8192, ""); !r) return r.err();
  if (c.token.empty())
    return bad(errc::missing_field, "/token", "Thiếu mã truy cập (\"token\")",
               "The access token (\"token\") is missing");
  for (char ch : c.token)
    if (static_cast<unsigned char>(ch) <= 0x20 || ch == 0x7f)
      return bad(errc::invalid_argument, "/token", "Mã truy cập chứa khoảng trắng hoặc ký tự điều khiển",
                 "The access token holds a space or a control character");
  if (auto r = take_string(j, "base_url", c.base_url, 512, ""); !r) return r.err();
  if (c.base_url.empty()) {
    switch (c.kind) {
      case platform::facebook:
        c.base_url = "https://graph.facebook.com";
        break;
      case platform::youtube:
        c.base_url = "https://www.googleapis.com";
        break;
      case platform::x:
        c.base_url = "https://api.x.com";
        break;
      case platform::zalo:
        c.base_url = "https://openapi.zalo.me";
        break;
    }
  }
  while (!c.base_url.empty() && c.base_url.back() == '/') c.base_url.pop_back();
  if (!is_http_url(c.base_url) || c.base_url.find_first_of("?#") != std::string::npos ||
      origin_of(c.base_url).empty())
    return bad(errc::invalid_argument, "/base_url", "\"base_url\" phải là địa chỉ http(s) không có truy vấn",
               "\"base_url\" must be an http(s) URL without a query");
  auto ident = [](std::string_view s, std::size_t max, std::string_view extra) {
    if (s.empty() || s.size() > max) return false;
    for (char ch : s)
      if (!std::isalnum(static_cast<unsigned char>(ch)) && extra.find(ch) == std::string_view::npos)
        return false;
    return true;
  };
  if (auto r = take_string(j, "page_id", c.page_id, 128, ""); !r) return r.err();
  if (auto r = take_string(j, "graph_version", c.graph_version, 16, ""); !r) return r.err();
  if (c.kind == platform::facebook) {
    if (!ident(c.page_id, 128, "_.-"))
      return bad(errc::invalid_argument, "/page_id", "Thiếu hoặc sai mã Trang Facebook (\"page_id\")",
                 "The Facebook Page id (\"page_id\") is missing or malformed");
    if (c.graph_version.size() < 2 || c.graph_version[0] != 'v' || !ident(c.graph_version.substr(1), 10, "."))
      return bad(errc::invalid_argument, "/graph_version", "\"graph_version\" phải có dạng v21.0",
                 "\"graph_version\" must look like v21.0");
  }
  if (auto r = take_string(j, "privacy_status", c.privacy_status, 16, ""); !r) return r.err();
  if (c.privacy_status != "public" && c.privacy_status != "unlisted" && c.privacy_status != "private")
    return bad(errc::invalid_argument, "/privacy_status",
               "\"privacy_status\" phải là public, unlisted hoặc private",
               "\"privacy_status\" must be public, unlisted or private");
  if (auto r = take_string(j, "category_id", c.category_id, 8, ""); !r) return r.err();
  if (!ident(c.category_id, 8, ""))
    return bad(errc::invalid_argument, "/category_id", "\"category_id\" phải là số",
               "\"category_id\" must be a number");
  if (auto r = take_string(j, "mode", c.zalo_mode, 16, ""); !r) return r.err();
  if (c.zalo_mode != "article" && c.zalo_mode != "message")
    return bad(errc::invalid_argument, "/mode", "\"mode\" phải là article hoặc message",
               "\"mode\" must be article or message");
  if (auto r = take_string(j, "user_id", c.zalo_user_id, 64, ""); !r) return r.err();
  if (c.kind == platform::zalo && c.zalo_mode == "message" && !ident(c.zalo_user_id, 64, ""))
    return bad(errc::invalid_argument, "/user_id", "Chế độ message cần \"user_id\" của người nhận",
               "The message mode needs the recipient's \"user_id\"");
  if (auto r = take_string(j, "author", c.zalo_author, 200, ""); !r) return r.err();
  if (auto r = take_string(j, "cover_url", c.zalo_cover_url, 2048, ""); !r) return r.err();
  if (!c.zalo_cover_url.empty() && !is_http_url(c.zalo_cover_url))
    return bad(errc::invalid_argument, "/cover_url", "\"cover_url\" phải là địa chỉ http(s)",
               "\"cover_url\" must be an http(s) URL");
  std::string dir;
  if (auto r = take_string(j, "state_dir", dir, 4096, ""); !r) return r.err();
  if (dir.empty())
    return bad(errc::missing_field, "/state_dir", "Thiếu thư mục lưu hàng đợi (\"state_dir\")",
               "The queue's directory (\"state_dir\") is missing");
  c.state_dir = dir;
  if (auto r = take_string(j, "name", c.name, 64, ""); !r) return r.err();
  if (c.name.empty()) c.name = std::string(platform_name(c.kind));
  for (char ch : c.name)
    if (!(std::islower(static_cast<unsigned char>(ch)) || std::isdigit(static_cast<unsigned char>(ch)) ||
          ch == '_' || ch == '-'))
      return bad(errc::invalid_argument, "/name", "\"name\" chỉ gồm a-z, 0-9, _ và -",
                 "\"name\" may hold only a-z, 0-9, _ and -");
  auto number = [&](const char* key, std::uint64_t lo, std::uint64_t hi, auto& out) -> result<void> {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return {};
    if (!it->is_number_integer() || it->get<std::int64_t>() < 0 || it->get<std::uint64_t>() < lo ||
        it->get<std::uint64_t>() > hi)
      return bad(errc::out_of_range, std::string("/") + key,
                 std::string("\"") + key + "\" phải là số nguyên từ " + std::to_string(lo) + " đến " +
                     std::to_string(hi),
                 std::string("\"") + key + "\" must be an integer from " + std::to_string(lo) + " to " +
                     std::to_string(hi));
    out = static_cast<std::remove_reference_t<decltype(out)>>(it->get<std::uint64_t>());
    return {};
  };
  std::uint64_t first = static_cast<std::uint64_t>(c.retry_first.count()),
                maxd = static_cast<std::uint64_t>(c.retry_max.count()),
                timeout = static_cast<std::uint64_t>(c.timeout.count()), keep_days = 90;
  if (auto r = number("max_attempts", 1, 100, c.max_attempts); !r) return r.err();
  if (auto r = number("retry_first_seconds", 1, 86400, first); !r) return r.err();
  if (auto r = number("retry_max_seconds", 1, 7 * 86400, maxd); !r) return r.err();
  if (auto r = number("timeout_ms", 100, 600'000, timeout); !r) return r.err();
  if (auto r = number("max_items", 1, 1'000'000, c.max_items); !r) return r.err();
  if (auto r = number("keep_finished_days", 1, 3650, keep_days); !r) return r.err();
  if (auto r = number("max_video_bytes", 1, std::uint64_t{2} << 30, c.max_video_bytes); !r) return r.err();
  c.retry_first = std::chrono::seconds(first);
  c.retry_max = std::chrono::seconds(std::max(first, maxd));
  c.timeout = std::chrono::milliseconds(timeout);
  c.keep_finished = std::chrono::seconds(keep_days * 86400);
  return c;
}

// --- The queue -----------------------------------------------------------------------------------
publisher_queue::publisher_queue(services s, config c) : svc_(std::move(s)), cfg_(std::move(c)) {
  if (!svc_.now) svc_.now = [] { return pbgdpl::now(); };
  if (!svc_.http)
    throw exception(
        bad(errc::invalid_argument, "", "Không có kết nối HTTP của máy chủ", "The host gave no HTTP client"));
  load();
}

std::filesystem::path publisher_queue::state_file() const {
  return cfg_.state_dir / ("social-" + cfg_.name + ".json");
}

void publisher_queue::log(pbgdpl_log_level level, const std::string& m) const {
  if (svc_.log) svc_.log(level, scrub(m));
}

std::string publisher_queue::scrub(std::string s) const {
  if (cfg_.token.size() < 4) return s;
  for (std::size_t at; (at = s.find(cfg_.token)) != std::string::npos;)
    s.replace(at, cfg_.token.size(), "***");
  return s;
}

void publisher_queue::load() {
  std::error_code ec;
  std::filesystem::create_directories(cfg_.state_dir, ec);
  if (!std::filesystem::is_directory(cfg_.state_dir, ec))
    throw exception(bad(errc::io_error, "/state_dir",
                        "Không tạo được thư mục hàng đợi: " + cfg_.state_dir.string(),
                        "Cannot create the queue's directory: " + cfg_.state_dir.string()));
  const auto file = state_file();
  auto st = std::filesystem::symlink_status(file, ec);
  if (st.type() == std::filesystem::file_type::not_found) return;
  auto bytes = files::read_regular(file, max_state_bytes);
  if (!bytes) throw exception(bytes.err());
  auto corrupt = [&](const std::string& why) {
    return exception(bad(errc::corrupt, file.string(), "Tệp hàng đợi bị hỏng (" + why + "): " + file.string(),
                         "The queue's state file is corrupt (" + why + "): " + file.string()));
  };
  auto j = json::parse(*bytes, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw corrupt("JSON");
  if (j.value("format", "") != "pbgdpl-social-queue" || j.value("version", 0) != 1)
    throw corrupt("format/version");
  if (j.value("platform", "") != platform_name(cfg_.kind))
    throw exception(
        bad(errc::invalid_argument, file.string(),
            "Tệp hàng đợi thuộc nền tảng khác (" + j.value("platform", "") + "): " + file.string(),
            "The queue's state file belongs to another platform (" + j.value("platform", "") +
                "): " + file.string()));
  auto items = j.find("entries");
  if (items == j.end() || !items->is_array()) throw corrupt("entries");
  try {
    for (const auto& x : *items) {
      entry e;
      e.id = x.at("id").get<std::string>();
      e.state = x.at("state").get<std::string>();
      if (e.state != "queued" && e.state != "sent" && e.state != "failed") throw corrupt("state");
      e.attempts = x.at("attempts").get<unsigned>();
      e.created_at = timestamp(std::chrono::seconds(x.at("created_at").get<std::int64_t>()));
      e.next_attempt_at = timestamp(std::chrono::seconds(x.at("next_attempt_at").get<std::int64_t>()));
      if (x.contains("finished_at"))
        e.finished_at = timestamp(std::chrono::seconds(x.at("finished_at").get<std::int64_t>()));
      e.remote_id = x.value("remote_id", "");
      e.remote_url = x.value("remote_url", "");
      if (x.contains("last_error")) {
        const auto& le = x.at("last_error");
        error err(errc::io_error, le.value("path", ""), le.at("vi").get<std::string>(),
                  le.at("en").get<std::string>());
        err.code = errc::io_error;
        for (int code = 0; code <= 99; ++code)
          if (errc_name(static_cast<errc>(code)) == le.at("code").get<std::string>())
            err.code = static_cast<errc>(code);
        e.last_error = std::move(err);
      }
      e.post = x.value("post", json());
      e.resume = x.value("resume", json::object());
      if (e.state == "queued") {
        if (!post_from_json(e.post)) throw corrupt("post");
        if (!e.resume.is_object()) throw corrupt("resume");
        // The session URL gets the bearer token: the rule it met when YouTube gave it holds here.
        if (auto u = e.resume.find("upload_url"); u != e.resume.end())
          if (!u->is_string() || !is_http_url(u->get<std::string>()) ||
              origin_of(u->get<std::string>()) != origin_of(cfg_.base_url))
            throw corrupt("resume");
      }
      if (by_id_.count(e.id)) throw corrupt("duplicate id");
      by_id_.emplace(e.id, entries_.size());
      entries_.push_back(std::move(e));
    }
  } catch (const nlohmann::json::exception& e) {
    throw corrupt(e.what());
  }
}

result<void> publisher_queue::save() {
  json items = json::array();
  for (const auto& e : entries_) {
    json x{{"id", e.id},
           {"state", e.state},
           {"attempts", e.attempts},
           {"created_at", e.created_at.time_since_epoch().count()},
           {"next_attempt_at", e.next_attempt_at.time_since_epoch().count()}};
    if (e.finished_at) x["finished_at"] = e.finished_at->time_since_epoch().count();
    if (!e.remote_id.empty()) x["remote_id"] = e.remote_id;
    if (!e.remote_url.empty()) x["remote_url"] = e.remote_url;
    if (e.last_error) x["last_error"] = error_json(*e.last_error);
    if (e.state == "queued") {
      x["post"] = e.post;
      if (!e.resume.empty()) x["resume"] = e.resume;
    }
    items.push_back(std::move(x));
  }
  json doc{{"format", "pbgdpl-social-queue"},
           {"version", 1},
           {"platform", platform_name(cfg_.kind)},
           {"entries", std::move(items)}};
  const auto file = state_file();
  auto text = doc.dump();
  // Never write what the next start could not read back.
  if (text.size() > max_state_bytes)
    return bad(errc::storage_full, "",
               "Hàng đợi đã quá lớn (" + std::to_string(max_state_bytes >> 20) + " MiB)",
               "The queue has grown too large (" + std::to_string(max_state_bytes >> 20) + " MiB)");
  if (auto r = files::replace_file(file, text, 0600); !r) return r;
  // The rename is durable only once the directory is synced.
  if (int fd = ::open(cfg_.state_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  return {};
}

void publisher_queue::prune(timestamp now) {
  std::vector<entry> kept;
  bool dropped = false;
  for (auto& e : entries_) {
    if (e.finished_at && *e.finished_at + cfg_.keep_finished < now) {
      dropped = true;
      continue;
    }
    kept.push_back(std::move(e));
  }
  if (!dropped) {
    entries_ = std::move(kept);
    return;
  }
  entries_ = std::move(kept);
  by_id_.clear();
  for (std::size_t i = 0; i < entries_.size(); ++i) by_id_.emplace(entries_[i].id, i);
}

json publisher_queue::state_of(const entry& e) const {
  json j{{"id", e.id}, {"state", e.state}, {"attempts", e.attempts}};
  if (!e.remote_id.empty()) j["remote_id"] = e.remote_id;
  if (!e.remote_url.empty()) j["remote_url"] = e.remote_url;
  if (e.state == "queued") j["next_attempt_at"] = format_timestamp(e.next_attempt_at);
  if (e.last_error) j["last_error"] = error_json(*e.last_error);
  return j;
}

result<json> publisher_queue::publish(const json& request) {
  auto p = post_from_json(request);
  if (!p) return p.err();
  if (auto it = by_id_.find(p->id); it != by_id_.end()) return state_of(entries_[it->second]);
  // What a platform cannot take at all is refused now, before anything is queued.
  bool has_video = std::any_of(p->media.begin(), p->media.end(),
                               [](const media_item& m) { return m.type.rfind("video/", 0) == 0; });
  bool has_image = std::any_of(p->media.begin(), p->media.end(),
                               [](const media_item& m) { return m.type.rfind("image/", 0) == 0; });
  if (cfg_.kind == platform::youtube && !has_video)
    return bad(errc::invalid_argument, "/media", "YouTube cần một tệp video (media có type video/...)",
               "YouTube needs a video (a media item of type video/...)");
  if (cfg_.kind == platform::zalo && cfg_.zalo_mode == "article" && !has_image && cfg_.zalo_cover_url.empty())
    return bad(errc::invalid_argument, "/media",
               "Bài viết Zalo cần ảnh bìa: thêm một ảnh hoặc cấu hình \"cover_url\"",
               "A Zalo article needs a cover: add an image or configure \"cover_url\"");
  const auto now = svc_.now();
  prune(now);
  if (entries_.size() >= cfg_.max_items)
    return bad(errc::storage_full, "", "Hàng đợi đã đầy (" + std::to_string(cfg_.max_items) + " mục)",
               "The queue is full (" + std::to_string(cfg_.max_items) + " entries)");
  entry e;
  e.id = p->id;
  e.post = to_json(*p);
  e.created_at = now;
  e.next_attempt_at = p->published_at && *p->published_at > now ? *p->published_at : now;
  by_id_.emplace(e.id, entries_.size());
  entries_.push_back(std::move(e));
  // Kept before it is sent: a crash mid-send leaves it queued (at least once, never lost).
  if (auto saved = save(); !saved) {
    by_id_.erase(entries_.back().id);
    entries_.pop_back();
    return saved.err();
  }
  auto& added = entries_.back();
  if (added.next_attempt_at <= now) attempt(added);
  return state_of(entries_[by_id_.at(p->id)]);
}

result<json> publisher_queue::drain(std::size_t max) {
  const auto now = svc_.now();
  prune(now);
  std::vector<std::string> due;
  std::vector<std::pair<timestamp, std::string>> order;
  for (const auto& e : entries_)
    if (e.state == "queued" && e.next_attempt_at <= now) order.emplace_back(e.next_attempt_at, e.id);
  std::sort(order.begin(), order.end());
  json items = json::array();
  std::size_t sent = 0, failed = 0;
  for (std::size_t k = 0; k < order.size() && k < max; ++k) {
    auto& e = entries_[by_id_.at(order[k].second)];
    attempt(e);
    if (e.state == "sent") ++sent;
    if (e.state == "failed") ++failed;
    items.push_back(state_of(e));
  }
  std::size_t queued = 0;
  for (const auto& e : entries_) queued += e.state == "queued";
  if (order.empty())
    if (auto r = save(); !r) return r.err();  // pruning is kept too
  return json{{"sent", sent}, {"failed", failed}, {"queued", queued}, {"items", std::move(items)}};
}

void publisher_queue::attempt(entry& e) {
  const auto now = svc_.now();
  auto p = post_from_json(e.post);
  outcome o;
  if (!p) {
    o.err = p.err();
  } else {
    ++e.attempts;
    o = send(e, *p);
  }
  const std::string where = std::string(platform_name(cfg_.kind)) + " " + e.id;
  switch (o.what) {
    case outcome::kind::sent:
      e.state = "sent";
      e.remote_id = o.remote_id;
      e.remote_url = o.remote_url;
      e.finished_at = now;
      e.last_error.reset();
      e.post = nullptr;
      e.resume = json::object();
      log(PBGDPL_LOG_INFO, "social: " + where + " sent as " + e.remote_id);
      break;
    case outcome::kind::retry:
      e.last_error = o.err;
      if (e.attempts >= cfg_.max_attempts) {
        e.state = "failed";
        e.finished_at = now;
        log(PBGDPL_LOG_ERROR, "social: " + where + " failed after " + std::to_string(e.attempts) +
                                  " attempts: " + o.err.message_en);
      } else {
        auto delay = cfg_.retry_first;
        for (unsigned k = 1; k < e.attempts && delay < cfg_.retry_max; ++k) delay *= 2;
        delay = std::min(delay, cfg_.retry_max);
        if (o.retry_after) delay = std::max(delay, std::min(*o.retry_after, std::chrono::seconds(86400)));
        e.next_attempt_at = now + delay;
        log(PBGDPL_LOG_WARNING, "social: " + where + " will be retried in " + std::to_string(delay.count()) +
                                    " s: " + o.err.message_en);
      }
      break;
    case outcome::kind::fail:
      e.state = "failed";
      e.finished_at = now;
      e.last_error = o.err;
      log(PBGDPL_LOG_ERROR, "social: " + where + " refused: " + o.err.message_en);
      break;
  }
  if (auto r = save(); !r)
    log(PBGDPL_LOG_ERROR, "social: the queue could not be saved: " + r.err().message_en);
}

result<http_response> publisher_queue::call(http_request r) {
  r.timeout = cfg_.timeout;
  return svc_.http(r);
}

outcome publisher_queue::classify(const result<http_response>& r, std::string_view what_vi,
                                  std::string_view what_en) {
  outcome o;
  const auto label = platform_label(cfg_.kind);
  const std::string at = "/" + std::string(platform_name(cfg_.kind));
  if (!r) {
    const auto& e = r.err();
    // Refused by the host's policy or too large: trying again changes nothing.
    bool final =
        e.code == errc::permission_denied || e.code == errc::too_large || e.code == errc::invalid_argument;
    o.what = final ? outcome::kind::fail : outcome::kind::retry;
    o.err = bad(e.code, at, scrub(label + ": " + std::string(what_vi) + " không thành công: " + e.message_vi),
                scrub(label + ": " + std::string(what_en) + " failed: " + e.message_en));
    return o;
  }
  const int status = r->status;
  if (status >= 200 && status < 300) {
    o.what = outcome::kind::sent;
    return o;
  }
  const auto said = clip_message(scrub(platform_message(cfg_.kind, r->body)));
  const auto tail_vi =
      (said.empty() ? std::string() : ": " + said) + " (HTTP " + std::to_string(status) + ")";
  const auto tail_en = tail_vi;
  if (status == 429 || status == 408 || status >= 500) {
    o.what = outcome::kind::retry;
    o.retry_after = retry_after_of(*r, svc_.now());
    o.err = bad(status == 429 ? errc::busy : errc::io_error, at,
                label + " chưa nhận (" + std::string(what_vi) + "), sẽ thử lại" + tail_vi,
                label + " did not take it (" + std::string(what_en) + "), will retry" + tail_en);
    return o;
  }
  o.what = outcome::kind::fail;
  errc code = status == 401 || status == 403 ? errc::permission_denied
              : status == 404                ? errc::not_found
                                             : errc::invalid_argument;
  o.err = bad(code, at, label + " từ chối (" + std::string(what_vi) + ")" + tail_vi,
              label + " refused it (" + std::string(what_en) + ")" + tail_en);
  return o;
}

outcome publisher_queue::send(entry& e, const post& p) {
  switch (cfg_.kind) {
    case platform::facebook:
      return send_facebook(p);
    case platform::x:
      return send_x(p);
    case platform::zalo:
      return send_zalo(p);
    case platform::youtube:
      return send_youtube(e, p);
  }
  return {};
}

outcome publisher_queue::send_facebook(const post& p) {
  const media_item* image = nullptr;
  for (const auto& m : p.media)
    if (m.type.rfind("image/", 0) == 0) image = &m;
  http_request r;
  r.method = "POST";
  r.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  const std::string node = cfg_.base_url + "/" + cfg_.graph_version + "/" + cfg_.page_id;
  std::string message = facebook_message(p);
  if (image && p.url.empty()) {
    r.url = node + "/photos";
    r.body = form({{"url", image->url}, {"caption", message}, {"access_token", cfg_.token}});
  } else {
    r.url = node + "/feed";
    r.body = form({{"message", message}, {"link", p.url}, {"access_token", cfg_.token}});
  }
  auto res = call(r);
  auto o = classify(res, "đăng bài lên Trang", "posting to the Page");
  if (res && o.what == outcome::kind::fail) {
    // Graph's throttling and transient errors come as 400/403 with their own codes.
    auto j = json::parse(res->body, nullptr, false);
    if (!j.is_discarded() && j.is_object() && j.contains("error") && j["error"].is_object()) {
      const auto& err = j["error"];
      int code = err.value("code", 0);
      bool transient = err.value("is_transient", false) || code == 1 || code == 2 || code == 4 ||
                       code == 17 || code == 32 || code == 341 || code == 613;
      if (transient) o.what = outcome::kind::retry;
    }
  }
  if (o.what != outcome::kind::sent) return o;
  auto j = json::parse(res->body, nullptr, false);
  std::string id;
  if (!j.is_discarded() && j.is_object())
    id = get_string(j, "post_id").value_or(get_string(j, "id").value_or(""));
  if (id.empty()) {
    o.what = outcome::kind::fail;
    o.err = bad(errc::corrupt, "/facebook", "Facebook trả lời không có mã bài đăng",
                "Facebook answered without a post id");
    return o;
  }
  o.remote_id = id;
  o.remote_url = "https://www.facebook.com/" + id;
  return o;
}

outcome publisher_queue::send_x(const post& p) {
  http_request r;
  r.method = "POST";
  r.url = cfg_.base_url + "/2/tweets";
  r.headers = {{"Authorization", "Bearer " + cfg_.token}, {"Content-Type", "application/json"}};
  r.body = json{{"text", x_text(p)}}.dump();
  auto res = call(r);
  auto o = classify(res, "đăng bài", "posting");
  if (o.what != outcome::kind::sent) return o;
  auto j = json::parse(res->body, nullptr, false);
  std::string id;
  if (!j.is_discarded() && j.is_object() && j.contains("data") && j["data"].is_object())
    id = get_string(j["data"], "id").value_or("");
  if (id.empty()) {
    o.what = outcome::kind::fail;
    o.err = bad(errc::corrupt, "/x", "X trả lời không có mã bài đăng", "X answered without a post id");
    return o;
  }
  o.remote_id = id;
  o.remote_url = "https://x.com/i/web/status/" + id;
  return o;
}

outcome publisher_queue::send_zalo(const post& p) {
  http_request r;
  r.method = "POST";
  r.headers = {{"access_token", cfg_.token}, {"Content-Type", "application/json"}};
  if (cfg_.zalo_mode == "message") {
    r.url = cfg_.base_url + "/v3.0/oa/message/cs";
    r.body =
        json{{"recipient", {{"user_id", cfg_.zalo_user_id}}}, {"message", {{"text", zalo_message_text(p)}}}}
            .dump();
  } else {
    std::string cover = cfg_.zalo_cover_url;
    for (const auto& m : p.media)
      if (m.type.rfind("image/", 0) == 0) {
        cover = m.url;
        break;
      }
    json body = json::array();
    // One text paragraph per block of the post, then the link.
    std::string text = trim(p.text);
    for (std::size_t start = 0; start < text.size();) {
      auto end = text.find("\n\n", start);
      auto para = trim(
          std::string_view(text).substr(start, end == std::string::npos ? std::string::npos : end - start));
      if (!para.empty()) body.push_back({{"type", "text"}, {"content", html_escape(para)}});
      if (end == std::string::npos) break;
      start = end + 2;
    }
    if (!p.url.empty()) body.push_back({{"type", "text"}, {"content", html_escape(p.url)}});
    std::string title = trim(p.title).empty() ? trim(p.text) : trim(p.title);
    r.url = cfg_.base_url + "/v2.0/article/create";
    r.body = json{
        {"type", "normal"},
        {"title", fit_code_points(title, 150)},
        {"author", fit_code_points(cfg_.zalo_author, 50)},
        {"cover", {{"cover_type", "photo"}, {"photo_url", cover}, {"status", "show"}}},
        {"description", fit_code_points(text.empty() ? title : text, 300)},
        {"body", std::move(body)},
        {"status", "show"},
        {"comment",
         "show"}}.dump();
  }
  auto res = call(r);
  auto o = classify(res, cfg_.zalo_mode == "message" ? "gửi tin nhắn" : "đăng bài viết",
                    cfg_.zalo_mode == "message" ? "sending the message" : "posting the article");
  if (o.what != outcome::kind::sent) return o;
  auto j = json::parse(res->body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("error") || !j["error"].is_number_integer()) {
    o.what = outcome::kind::fail;
    o.err =
        bad(errc::corrupt, "/zalo", "Zalo trả lời không đúng dạng", "Zalo's answer has an unexpected shape");
    return o;
  }
  if (j["error"].get<long long>() != 0) {
    auto said = clip_message(scrub(get_string(j, "message").value_or("")));
    auto code = std::to_string(j["error"].get<long long>());
    o.what = outcome::kind::fail;
    o.err = bad(errc::invalid_argument, "/zalo", "Zalo từ chối: " + said + " (mã " + code + ")",
                "Zalo refused it: " + said + " (error " + code + ")");
    return o;
  }
  const json data = j.contains("data") && j["data"].is_object() ? j["data"] : json::object();
  o.remote_id = get_string(data, "message_id")
                    .value_or(get_string(data, "token").value_or(get_string(data, "id").value_or("")));
  return o;
}

outcome publisher_queue::send_youtube(entry& e, const post& p) {
  const media_item* video = nullptr;
  for (const auto& m : p.media)
    if (m.type.rfind("video/", 0) == 0) {
      video = &m;
      break;
    }
  outcome o;
  if (!video) {
    o.err = bad(errc::invalid_argument, "/media", "YouTube cần một tệp video", "YouTube needs a video");
    return o;
  }
  // The bytes come through the host too (the portal's own media URL, on its allow list).
  http_request get;
  get.url = video->url;
  auto bytes = call(get);
  if (!bytes || bytes->status != 200) {
    o = classify(bytes, "tải tệp video", "fetching the video");
    if (bytes && o.what == outcome::kind::sent) o.what = outcome::kind::fail;  // a 2xx other than 200
    return o;
  }
  const std::string& video_bytes = bytes->body;
  if (video_bytes.empty() || video_bytes.size() > cfg_.max_video_bytes) {
    o.err = bad(errc::too_large, "/media", "Tệp video rỗng hoặc quá lớn", "The video is empty or too large");
    return o;
  }
  const std::string size = std::to_string(video_bytes.size());
  const std::string auth = "Bearer " + cfg_.token;
  std::string upload_url = e.resume.value("upload_url", "");
  std::size_t from = 0;
  http_response done;
  bool complete = false;
  if (!upload_url.empty()) {
    // A session from an earlier attempt: ask how much of the video it holds.
    http_request q;
    q.method = "PUT";
    q.url = upload_url;
    q.headers = {{"Authorization", auth}, {"Content-Range", "bytes */" + size}};
    auto res = call(q);
    if (res && (res->status == 200 || res->status == 201)) {
      done = *res;  // it all arrived before the interruption
      complete = true;
    } else if (res && res->status == 308) {
      if (auto range = res->header("range")) {
        auto dash = range->rfind('-');
        std::size_t last = 0;
        bool ok = dash != std::string::npos && dash + 1 < range->size();
        for (std::size_t k = dash + 1; ok && k < range->size(); ++k) {
          char c = (*range)[k];
          if (c < '0' || c > '9')
            ok = false;
          else
            last = last * 10 + static_cast<std::size_t>(c - '0');
        }
        if (ok && last + 1 <= video_bytes.size()) from = last + 1;
      }
    } else if (res && (res->status == 404 || res->status == 410)) {
      // The session expired: start a new one on the next attempt.
      e.resume.erase("upload_url");
      (void)save();
      o.what = outcome::kind::retry;
      o.err = bad(errc::expired, "/youtube", "Phiên tải lên YouTube đã hết hạn, sẽ bắt đầu lại",
                  "The YouTube upload session expired; starting again");
      return o;
    } else {
      return classify(res, "hỏi tiến độ tải lên", "asking the upload's progress");
    }
  }
  if (upload_url.empty()) {
    std::string title = fit_code_points(trim(p.title).empty() ? trim(p.text) : trim(p.title), 100);
    std::string description = fit_by(headline_and_text(p) + (p.url.empty() ? "" : "\n\n" + p.url), 5000,
                                     [](std::string_view c) { return c.size() <= 5000; });
    // YouTube refuses '<' and '>' in titles and descriptions.
    for (auto* s : {&title, &description}) {
      std::string out;
      for (char c : *s) out += c == '<' ? "‹" : c == '>' ? "›" : std::string(1, c);
      *s = std::move(out);
    }
    http_request init;
    init.method = "POST";
    init.url = cfg_.base_url + "/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status";
    init.headers = {{"Authorization", auth},
                    {"Content-Type", "application/json; charset=UTF-8"},
                    {"X-Upload-Content-Length", size},
                    {"X-Upload-Content-Type", video->type}};
    init.body = json{{"snippet",
                      {{"title", title},
                       {"description", description},
                       {"categoryId", cfg_.category_id},
                       {"defaultLanguage", "vi"}}},
                     {"status", {{"privacyStatus", cfg_.privacy_status}}}}
                    .dump();
    auto res = call(init);
    o = classify(res, "mở phiên tải lên", "starting the upload");
    if (o.what != outcome::kind::sent) return o;
    auto location = res->header("location").value_or("");
    if (!location.empty() && location.front() == '/') location = origin_of(cfg_.base_url) + location;
    // The session URL gets the bearer token: it must stay on the API's own origin.
    if (location.empty() || !is_http_url(location) || origin_of(location) != origin_of(cfg_.base_url)) {
      o.what = outcome::kind::fail;
      o.err =
          bad(errc::permission_denied, "/youtube", "YouTube trả về địa chỉ tải lên thiếu hoặc ở máy chủ khác",
              "YouTube's upload session URL is missing or on another origin");
      return o;
    }
    upload_url = location;
    e.resume["upload_url"] = upload_url;
    if (auto saved = save(); !saved)
      log(PBGDPL_LOG_ERROR, "social: the queue could not be saved: " + saved.err().message_en);
  }
  if (!complete) {
    http_request put;
    put.method = "PUT";
    put.url = upload_url;
    put.headers = {{"Authorization", auth}, {"Content-Type", video->type}};
    if (from > 0)
      put.headers.emplace_back("Content-Range", "bytes " + std::to_string(from) + "-" +
                                                    std::to_string(video_bytes.size() - 1) + "/" + size);
    put.body = video_bytes.substr(from);
    auto res = call(put);
    o = classify(res, "tải video lên", "uploading the video");
    if (o.what != outcome::kind::sent) {
      if (res && (res->status == 404 || res->status == 410)) {
        e.resume.erase("upload_url");
        o.what = outcome::kind::retry;
      }
      return o;
    }
    done = *res;
  }
  auto j = json::parse(done.body, nullptr, false);
  std::string id;
  if (!j.is_discarded() && j.is_object()) id = get_string(j, "id").value_or("");
  if (id.empty()) {
    o.what = outcome::kind::fail;
    o.err = bad(errc::corrupt, "/youtube", "YouTube trả lời không có mã video",
                "YouTube answered without a video id");
    return o;
  }
  o.remote_id = id;
  o.remote_url = "https://www.youtube.com/watch?v=" + id;
  return o;
}

}  // namespace plugin::social
PBGDPL_NAMESPACE_END

// --- The plugin: one instance per configured account -------------------------------------------

namespace {

using namespace pbgdpl;
namespace sdk = pbgdpl::plugin;  // inside the class, `plugin` names the base class

class social_plugin final : public sdk::plugin, public sdk::publisher {
 public:
  // A bad configuration throws pbgdpl::exception: create() fails with its bilingual error.
  social_plugin(sdk::host h, const json& config)
      : queue_(sdk::services_from(h), sdk::social::config_from_json(config).value()) {}
  sdk::publisher* as_publisher() override { return this; }
  result<json> publish(const json& post) override { return queue_.publish(post); }
  result<json> drain(std::size_t max) override { return queue_.drain(max); }

 private:
  sdk::social::publisher_queue queue_;
};

}  // namespace

PBGDPL_PLUGIN(social_plugin, "social", "1.0.0", "MIT",
              "Publishes to a Facebook Page, YouTube, X or a Zalo Official Account through an idempotent "
              "retrying queue",
              PBGDPL_KIND_PUBLISHER)
