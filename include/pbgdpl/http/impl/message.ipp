// Bodies of http/message.hpp (target decoding, header layout, dates): compiled once into the
// http tier (src/http/message.cpp), or included by the header in header-only builds.
#pragma once
#include "../message.hpp"

#include "../../core/files.hpp"
#include "../../core/text.hpp"

#include <charconv>
#include <chrono>
#include <cstdio>

PBGDPL_NAMESPACE_BEGIN
namespace http {

namespace detail {
PBGDPL_DECL int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
PBGDPL_DECL bool is_unreserved(unsigned char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
}
PBGDPL_DECL bool is_sub_delim(unsigned char c) noexcept {
  return c == '!' || c == '$' || c == '&' || c == '\'' || c == '(' || c == ')' || c == '*' || c == '+' || c == ',' ||
         c == ';' || c == '=';
}
PBGDPL_DECL void append_escaped(std::string& out, unsigned char c) {
  static constexpr char hex[] = "0123456789ABCDEF";
  out.push_back('%');
  out.push_back(hex[c >> 4]);
  out.push_back(hex[c & 15]);
}
// CR, LF and NUL never reach the wire inside a header: a value holding them could end the header
// early and start one of the client's choosing (response splitting).
PBGDPL_DECL void append_header_text(std::string& out, std::string_view v) {
  if (v.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos) {
    out.append(v);
    return;
  }
  for (char c : v) out.push_back(c == '\r' || c == '\n' || c == '\0' ? ' ' : c);
}
PBGDPL_DECL void append_header_line(std::string& out, std::string_view k, std::string_view v) {
  out.append("\r\n");
  append_header_text(out, k);
  out.append(": ");
  if (iequals(k, "Location") || iequals(k, "Content-Location")) out.append(encode_location(v));
  else append_header_text(out, v);
}
// The value of header `name` in a laid-out head ("HTTP/1.1 200 OK\r\nName: value\r\n..."), or empty.
PBGDPL_DECL std::string_view find_in_head(std::string_view head, std::string_view name) {
  std::size_t pos = head.find("\r\n");
  while (pos != std::string_view::npos && pos + 2 < head.size()) {
    pos += 2;
    auto end = head.find("\r\n", pos);
    std::string_view line = head.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    auto colon = line.find(':');
    if (colon != std::string_view::npos && iequals(line.substr(0, colon), name)) {
      auto v = line.substr(colon + 1);
      while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
      return v;
    }
    pos = end;
  }
  return {};
}
}  // namespace detail

PBGDPL_DECL result<std::string> percent_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size()) return error(errc::parse_error, {}, "Mã %XX bị cắt cụt", "Truncated percent escape");
      int hi = detail::hex_value(s[i + 1]), lo = detail::hex_value(s[i + 2]);
      if (hi < 0 || lo < 0) return error(errc::parse_error, {}, "Mã %XX không hợp lệ", "Bad percent escape");
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  if (!text::is_valid_utf8(out)) return error(errc::invalid_utf8);
  return out;
}

PBGDPL_DECL std::string percent_encode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (detail::is_unreserved(c)) out.push_back(static_cast<char>(c));
    else detail::append_escaped(out, c);
  }
  return out;
}

PBGDPL_DECL std::string encode_location(std::string_view location) {
  std::string out;
  out.reserve(location.size());
  for (std::size_t i = 0; i < location.size(); ++i) {
    auto c = static_cast<unsigned char>(location[i]);
    if (c == '%') {
      if (i + 2 < location.size() && detail::hex_value(location[i + 1]) >= 0 && detail::hex_value(location[i + 2]) >= 0)
        out.push_back('%');
      else
        detail::append_escaped(out, c);
    } else if (detail::is_unreserved(c) || detail::is_sub_delim(c) || c == ':' || c == '/' || c == '?' || c == '#' ||
               c == '[' || c == ']' || c == '@') {
      out.push_back(static_cast<char>(c));
    } else {
      detail::append_escaped(out, c);
    }
  }
  return out;
}

PBGDPL_DECL std::string encode_path(std::string_view decoded_path) {
  std::string out;
  out.reserve(decoded_path.size());
  for (std::size_t i = 0; i < decoded_path.size(); ++i) {
    auto c = static_cast<unsigned char>(decoded_path[i]);
    if (c == '/' && i == 1 && decoded_path[0] == '/') detail::append_escaped(out, c);
    else if (c == '/' || detail::is_unreserved(c) || detail::is_sub_delim(c) || c == ':' || c == '@') out.push_back(static_cast<char>(c));
    else detail::append_escaped(out, c);
  }
  return out;
}

PBGDPL_DECL std::int64_t request::param_int(std::string_view name) const {
  auto v = param(name);
  std::int64_t out = 0;
  auto r = std::from_chars(v.data(), v.data() + v.size(), out);
  if (r.ec != std::errc{} || r.ptr != v.data() + v.size()) throw_error(error(errc::invalid_argument, std::string(name)));
  return out;
}

PBGDPL_DECL result<void> request::prepare() {
  if (prepared_) return {};
  std::string_view t = target();
  if (!t.empty() && t.front() != '/') {
    if (auto r = to_origin_form(); !r) return r;
    t = target();
  }
  if (t.empty() || t.front() != '/')
    return error(errc::parse_error, {}, "Đích yêu cầu phải bắt đầu bằng '/'", "Request target must start with '/'");
  auto q = t.find('?');
  std::string_view raw_path = t.substr(0, q);
  if (auto h = raw_path.find('#'); h != std::string_view::npos) raw_path = raw_path.substr(0, h);
  std::string_view raw_query = q == std::string_view::npos ? std::string_view{} : t.substr(q + 1);
  if (auto h = raw_query.find('#'); h != std::string_view::npos) raw_query = raw_query.substr(0, h);
  query_pos_ = q == std::string_view::npos ? 0 : q + 1;
  query_len_ = raw_query.size();

  path_.clear();
  path_.reserve(raw_path.size());
  std::size_t pos = 1;
  while (true) {
    auto slash = raw_path.find('/', pos);
    std::string_view seg = raw_path.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
    path_.push_back('/');
    if (seg.find('%') == std::string_view::npos) {
      if (auto r = files::check_segment(seg); !r) return r;
      path_.append(seg);
    } else {
      auto d = percent_decode(seg);
      if (!d) return d.err();
      if (d->find('/') != std::string::npos)
        return error(errc::unsafe_path, {}, "Đường dẫn chứa '/' được mã hóa", "Encoded '/' in path");
      if (auto r = files::check_segment(*d); !r) return r;
      path_.append(*d);
    }
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  if (!text::is_valid_utf8(path_)) return error(errc::invalid_utf8);

  query_.clear();
  std::string_view rest = raw_query;
  while (!rest.empty()) {
    auto amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    auto k = percent_decode(pair.substr(0, eq), true);
    if (!k) return k.err();
    auto v = percent_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), true);
    if (!v) return v.err();
    if (query_.size() >= 256) return error(errc::too_large, "/query");
    query_.emplace_back(std::move(*k), std::move(*v));
  }
  prepared_ = true;
  return {};
}

// RFC 9112 3.2.2: a server must accept the absolute-form ("GET http://host/path HTTP/1.1").
// It is rewritten to the origin form, so every later reader (router, cache key, static files,
// logs) sees one path, and only when its authority is exactly the Host header (which RFC 9112
// 3.3 would otherwise have it override): the Host keeps deciding, and no two readers can
// disagree about which site was asked for. Userinfo, another scheme or no authority: 400.
PBGDPL_DECL result<void> request::to_origin_form() {
  std::string_view t = target();
  std::size_t scheme = 0;
  auto starts = [&](std::string_view p) { return t.size() >= p.size() && iequals(t.substr(0, p.size()), p); };
  if (starts("http://")) scheme = 7;
  else if (starts("https://")) scheme = 8;
  else return error(errc::parse_error, {}, "Đích yêu cầu phải bắt đầu bằng '/'", "Request target must start with '/'");
  std::string_view rest = t.substr(scheme);
  auto end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  if (authority.empty() || authority.find('@') != std::string_view::npos || !iequals(authority, host()))
    return error(errc::parse_error, {}, "Đích dạng tuyệt đối phải chỉ đúng máy trong tiêu đề Host",
                 "An absolute-form target must name the host in the Host header");
  std::string origin;
  if (end == std::string_view::npos) origin = "/";
  else {
    if (rest[end] != '/') origin = "/";
    origin.append(rest.substr(end));
  }
  msg_.target(origin);
  return {};
}

PBGDPL_DECL std::string_view response::get(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return v;
  if (frozen) {
    if (iequals(name, "ETag")) return frozen->etag;
    if (iequals(name, "Last-Modified")) return frozen->last_modified;
    if (iequals(name, "Content-Type")) return frozen->content_type;
    return detail::find_in_head(frozen->head, name);
  }
  return {};
}

PBGDPL_DECL response& response::set(std::string_view name, std::string_view value) {
  for (auto& [k, v] : headers)
    if (iequals(k, name)) {
      v.assign(value);
      return *this;
    }
  headers.emplace_back(std::string(name), std::string(value));
  return *this;
}

PBGDPL_DECL response& response::erase(std::string_view name) {
  std::erase_if(headers, [&](const auto& kv) { return iequals(kv.first, name); });
  return *this;
}

PBGDPL_DECL response response::text(std::string b, status s) {
  response r(s);
  r.set("Content-Type", "text/plain; charset=utf-8");
  r.body = std::move(b);
  return r;
}
PBGDPL_DECL response response::html(std::string b, status s) {
  response r(s);
  r.set("Content-Type", "text/html; charset=utf-8");
  r.body = std::move(b);
  return r;
}
PBGDPL_DECL response response::json(const nlohmann::json& j, status s) {
  response r(s);
  r.set("Content-Type", "application/json; charset=utf-8");
  r.body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}
PBGDPL_DECL response response::redirect(std::string_view location, status s) {
  response r(s);
  r.set("Location", encode_location(location));
  r.set("Cache-Control", "no-store");
  return r;
}

PBGDPL_DECL response error_response(const error& e, std::optional<status> s) {
  response r = response::json(nlohmann::json{{"error", error_to_json(e)}}, s.value_or(status_for(e.code)));
  r.set("Cache-Control", "no-store");
  return r;
}
PBGDPL_DECL response error_response(status s, errc c, std::string vi, std::string en) {
  return error_response(error(c, {}, std::move(vi), std::move(en)), s);
}

PBGDPL_DECL std::string format_http_date(timestamp t) {
  static constexpr const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto dp = std::chrono::floor<std::chrono::days>(t);
  std::chrono::year_month_day ymd{dp};
  std::chrono::hh_mm_ss hms{t - dp};
  std::chrono::weekday wd{dp};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02d:%02d:%02d GMT", days[wd.c_encoding()],
                static_cast<unsigned>(ymd.day()), months[static_cast<unsigned>(ymd.month()) - 1],
                static_cast<int>(ymd.year()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
  return buf;
}

PBGDPL_DECL std::optional<timestamp> parse_http_date(std::string_view s) {
  static constexpr std::string_view months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  // "Sun, 06 Nov 1994 08:49:37 GMT"
  if (s.size() != 29 || s[3] != ',' || s[4] != ' ' || s.substr(26) != "GMT") return std::nullopt;
  auto num = [&](std::size_t at, std::size_t n, int& out) {
    auto r = std::from_chars(s.data() + at, s.data() + at + n, out);
    return r.ec == std::errc{} && r.ptr == s.data() + at + n;
  };
  int d = 0, y = 0, hh = 0, mm = 0, ss = 0;
  if (!num(5, 2, d) || !num(12, 4, y) || !num(17, 2, hh) || !num(20, 2, mm) || !num(23, 2, ss))
    return std::nullopt;
  unsigned mon = 0;
  for (unsigned i = 0; i < 12; ++i)
    if (s.substr(8, 3) == months[i]) mon = i + 1;
  if (mon == 0 || hh > 23 || mm > 59 || ss > 60) return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{mon}, std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days{ymd} + std::chrono::hours{hh} + std::chrono::minutes{mm} + std::chrono::seconds{ss};
}

PBGDPL_DECL std::string_view reason(status s) {
  auto r = bhttp::obsolete_reason(s);
  return r.empty() ? std::string_view("Unknown") : std::string_view(r.data(), r.size());
}

PBGDPL_DECL void append_head(std::string& out, status s, const std::vector<std::pair<std::string, std::string>>& headers) {
  out.append("HTTP/1.1 ");
  char num[8];
  auto r = std::to_chars(num, num + sizeof num, static_cast<unsigned>(s));
  out.append(num, r.ptr);
  out.push_back(' ');
  out.append(reason(s));
  for (const auto& [k, v] : headers) detail::append_header_line(out, k, v);
}

PBGDPL_DECL beast_response to_beast(const response& r, unsigned version, bool keep_alive) {
  beast_response out;
  out.version(version);
  out.result(r.status_code());
  if (r.frozen) {
    std::string_view head = r.frozen->head;
    std::size_t pos = head.find("\r\n");
    while (pos != std::string_view::npos) {
      pos += 2;
      auto end = head.find("\r\n", pos);
      auto line = head.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
      auto colon = line.find(':');
      if (colon != std::string_view::npos) {
        auto v = line.substr(colon + 1);
        while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
        out.insert(boost::beast::string_view(line.data(), colon), boost::beast::string_view(v.data(), v.size()));
      }
      pos = end;
    }
  }
  for (const auto& [k, v] : r.headers) {
    std::string line;
    detail::append_header_line(line, k, v);  // "\r\nName: value", sanitised as on our own wire
    auto colon = line.find(": ");
    out.set(line.substr(2, colon - 2), line.substr(colon + 2));
  }
  out.body() = std::string(r.body_view());
  out.keep_alive(keep_alive && !r.close);
  out.prepare_payload();
  return out;
}

}  // namespace http
PBGDPL_NAMESPACE_END
