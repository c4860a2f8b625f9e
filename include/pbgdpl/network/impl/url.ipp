// Bodies of network/url.hpp: compiled once into the network tier (src/network/url.cpp), or
// included by the header in header-only builds.
#pragma once
#include "../url.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace network {

namespace url_detail {

inline std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

inline bool bad_char(char c) noexcept {
  auto u = static_cast<unsigned char>(c);
  return u <= 0x20 || u == 0x7f;
}

// RFC 3986 5.2.4: remove "." and ".." segments ("/a/b/../c/./d" is "/a/c/d").
inline std::string remove_dot_segments(std::string_view in) {
  if (!in.empty() && in.front() == '/') in.remove_prefix(1);
  std::vector<std::string_view> out;
  bool trailing_slash = false;
  while (true) {
    auto j = in.find('/');
    auto seg = in.substr(0, j);
    bool last = j == std::string_view::npos;
    trailing_slash = last && (seg.empty() || seg == "." || seg == "..");
    if (seg == "..") {
      if (!out.empty()) out.pop_back();
    } else if (seg != "." && !(last && seg.empty())) {
      out.push_back(seg);
    }
    if (last) break;
    in.remove_prefix(j + 1);
  }
  std::string path = "/";
  for (std::size_t k = 0; k < out.size(); ++k) {
    if (k) path += '/';
    path += out[k];
  }
  if (trailing_slash && path.back() != '/') path += '/';
  return path;
}

}  // namespace url_detail

PBGDPL_DECL std::string url::authority() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (!default_port()) h += ":" + std::to_string(port);
  return h;
}

PBGDPL_DECL std::string url::target() const { return query.empty() ? path : path + "?" + query; }

PBGDPL_DECL std::string url::str() const { return scheme + "://" + authority() + target(); }

PBGDPL_DECL result<url> parse_url(std::string_view text) {
  auto bad = [&](std::string vi, std::string en) { return error(errc::invalid_argument, "/url", std::move(vi), std::move(en)); };
  if (text.size() > 8192) return bad("Địa chỉ quá dài", "URL too long");
  if (std::any_of(text.begin(), text.end(), url_detail::bad_char))
    return bad("Địa chỉ chứa dấu cách hoặc ký tự điều khiển", "URL contains spaces or control characters");
  auto colon = text.find("://");
  if (colon == std::string_view::npos) return bad("Địa chỉ phải bắt đầu bằng http:// hoặc https://", "URL must start with http:// or https://");
  url u;
  u.scheme = url_detail::lower(text.substr(0, colon));
  if (u.scheme != "http" && u.scheme != "https")
    return bad("Chỉ hỗ trợ địa chỉ http:// và https://", "Only http:// and https:// URLs are supported");
  auto rest = text.substr(colon + 3);
  if (auto h = rest.find('#'); h != std::string_view::npos) rest = rest.substr(0, h);
  auto end = rest.find_first_of("/?");
  auto authority = rest.substr(0, end);
  auto after = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
  if (authority.find('@') != std::string_view::npos)
    return bad("Địa chỉ không được chứa tên người dùng (user@host)", "URL must not carry user info (user@host)");
  std::string_view host = authority, port;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return bad("Địa chỉ IPv6 không hợp lệ", "Invalid IPv6 literal");
    host = authority.substr(1, close - 1);
    auto tail = authority.substr(close + 1);
    if (!tail.empty()) {
      if (tail.front() != ':') return bad("Địa chỉ không hợp lệ", "Invalid URL authority");
      port = tail.substr(1);
    }
  } else if (auto c = authority.rfind(':'); c != std::string_view::npos) {
    host = authority.substr(0, c);
    port = authority.substr(c + 1);
  }
  if (host.empty()) return bad("Địa chỉ thiếu tên máy", "URL has no host");
  u.host = url_detail::lower(host);
  u.port = u.https() ? 443 : 80;
  if (!port.empty()) {
    unsigned p = 0;
    auto r = std::from_chars(port.data(), port.data() + port.size(), p);
    if (r.ec != std::errc{} || r.ptr != port.data() + port.size() || p == 0 || p > 65535)
      return bad("Cổng không hợp lệ", "Invalid port");
    u.port = static_cast<std::uint16_t>(p);
  }
  auto q = after.find('?');
  u.path = url_detail::remove_dot_segments(after.substr(0, q));
  if (q != std::string_view::npos) u.query = std::string(after.substr(q + 1));
  return u;
}

PBGDPL_DECL std::optional<url> resolve(const url& base, std::string_view ref) {
  // Trim the spaces real pages put around hrefs.
  while (!ref.empty() && (ref.front() == ' ' || ref.front() == '\t' || ref.front() == '\n' || ref.front() == '\r')) ref.remove_prefix(1);
  while (!ref.empty() && (ref.back() == ' ' || ref.back() == '\t' || ref.back() == '\n' || ref.back() == '\r')) ref.remove_suffix(1);
  if (auto h = ref.find('#'); h != std::string_view::npos) ref = ref.substr(0, h);
  // A scheme: letters, digits, + - . before the first ':' that precedes any '/', '?'.
  auto colon = ref.find(':');
  auto first_sep = ref.find_first_of("/?");
  if (colon != std::string_view::npos && (first_sep == std::string_view::npos || colon < first_sep)) {
    auto scheme = url_detail::lower(ref.substr(0, colon));
    bool scheme_ok = !scheme.empty() && std::isalpha(static_cast<unsigned char>(scheme[0])) &&
                     std::all_of(scheme.begin(), scheme.end(), [](char c) {
                       return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
                     });
    if (scheme_ok) {
      if (scheme != "http" && scheme != "https") return std::nullopt;
      auto r = parse_url(ref);
      if (!r) return std::nullopt;
      return *r;
    }
  }
  if (std::any_of(ref.begin(), ref.end(), url_detail::bad_char)) {
    // Inner spaces are common in hand-written hrefs: percent-encode them rather than give up.
    std::string enc;
    for (char c : ref) {
      if (c == ' ') enc += "%20";
      else if (url_detail::bad_char(c)) return std::nullopt;
      else enc += c;
    }
    return resolve(base, enc);
  }
  if (ref.substr(0, 2) == "//") {
    auto r = parse_url(base.scheme + ":" + std::string(ref));
    if (!r) return std::nullopt;
    return *r;
  }
  url out = base;
  if (ref.empty()) return out;
  if (ref.front() == '?') {
    out.query = std::string(ref.substr(1));
    return out;
  }
  auto q = ref.find('?');
  auto path = ref.substr(0, q);
  out.query = q == std::string_view::npos ? std::string{} : std::string(ref.substr(q + 1));
  if (path.front() == '/') {
    out.path = url_detail::remove_dot_segments(path);
  } else {
    auto dir = base.path.substr(0, base.path.rfind('/') + 1);
    out.path = url_detail::remove_dot_segments(dir + std::string(path));
  }
  return out;
}

PBGDPL_DECL std::string_view site_host(std::string_view host) noexcept {
  if (host.size() > 4 && (host.substr(0, 4) == "www." || host.substr(0, 4) == "WWW.")) host.remove_prefix(4);
  while (!host.empty() && host.back() == '.') host.remove_suffix(1);
  return host;
}

PBGDPL_DECL bool host_within(std::string_view host, std::string_view domain) noexcept {
  host = site_host(host);
  domain = site_host(domain);
  if (domain.empty() || host.size() < domain.size()) return false;
  auto eq = [](std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
             return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
  };
  if (host.size() == domain.size()) return eq(host, domain);
  return host[host.size() - domain.size() - 1] == '.' && eq(host.substr(host.size() - domain.size()), domain);
}

}  // namespace network
PBGDPL_NAMESPACE_END
