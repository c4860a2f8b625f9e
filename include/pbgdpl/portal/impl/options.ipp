// Definitions for portal/options.hpp (inline in header-only mode, compiled once from src/portal/).
#pragma once
#include <algorithm>

PBGDPL_NAMESPACE_BEGIN
namespace portal {

PBGDPL_DECL const std::vector<std::string>& page_query_params() {
  static const std::vector<std::string> p{"lang", "sau"};
  return p;
}

PBGDPL_DECL const std::vector<std::string>& search_query_params() {
  static const std::vector<std::string> p{"lang", "q", "sau", "loai", "sap-xep"};
  return p;
}

PBGDPL_DECL const std::vector<std::string>& api_query_params() {
  static const std::vector<std::string> p{"limit", "cursor", "unit", "kind", "category", "state", "type",
                                          "level", "status", "field", "from", "to", "q", "sort", "kinds"};
  return p;
}

PBGDPL_DECL std::string canonical_host(const options& o, std::string_view host) {
  if (auto colon = host.rfind(':'); colon != std::string_view::npos && host.find(']') == std::string_view::npos)
    host = host.substr(0, colon);
  std::string lower;
  lower.reserve(host.size());
  for (char c : host) lower.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  if (!lower.empty() && lower.back() == '.') lower.pop_back();
  auto it = o.hosts.find(lower);
  return it == o.hosts.end() ? std::string() : it->first;
}

PBGDPL_DECL std::string mount_base(const options& o, const http::request& req) {
  const auto& path = req.path();
  return public_prefix_of(o, req) + path.substr(0, std::min(req.route_offset(), path.size()));
}

namespace detail {
// The rightmost comma-separated value of all lines of header `name`, trimmed; nullopt if absent.
inline std::optional<std::string_view> last_forwarded_value(const http::request& req, std::string_view name) {
  const auto& msg = req.message();
  auto range = msg.equal_range(boost::beast::string_view(name.data(), name.size()));
  std::optional<std::string_view> last;
  for (auto it = range.first; it != range.second; ++it) {
    std::string_view v(it->value().data(), it->value().size());
    auto comma = v.rfind(',');
    last = http::detail::trim_ows(comma == std::string_view::npos ? v : v.substr(comma + 1));
  }
  return last;
}

inline std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// base_url split at "://": the scheme ("http" when there is none) and what follows it.
inline std::pair<std::string_view, std::string_view> split_base_url(std::string_view base) {
  auto p = base.find("://");
  if (p == std::string_view::npos) return {"http", base};
  return {base.substr(0, p), base.substr(p + 3)};
}
}  // namespace detail

PBGDPL_DECL forwarded_url forwarded(const options& o, const http::request& req) {
  forwarded_url f;
  if (o.trusted_proxies.empty()) return f;
  auto proto = detail::last_forwarded_value(req, "X-Forwarded-Proto");
  auto host = detail::last_forwarded_value(req, "X-Forwarded-Host");
  auto prefix = detail::last_forwarded_value(req, "X-Forwarded-Prefix");
  if (!proto && !host && !prefix) return f;  // the common case costs no address parsing
  if (!http::address_list(o.trusted_proxies).contains(req.remote_address)) return f;
  if (proto) {
    auto p = detail::lower_ascii(*proto);
    if (p == "http" || p == "https") f.scheme = std::move(p);
  }
  if (host && !host->empty()) {
    auto h = detail::lower_ascii(*host);
    auto authority = detail::split_base_url(o.base_url).second;
    authority = authority.substr(0, authority.find('/'));
    if (h == detail::lower_ascii(authority) || o.hosts.find(h) != o.hosts.end()) f.host = std::move(h);
  }
  // Empty is "not sent" (a proxy's variable that came out empty); the root is "/".
  if (prefix && !prefix->empty())
    if (auto p = checked_public_prefix(*prefix)) f.prefix = std::move(*p);
  return f;
}

PBGDPL_DECL std::string public_prefix_of(const options& o, const http::request& req) {
  auto f = forwarded(o, req);
  return f.prefix ? *f.prefix : o.public_prefix;
}

PBGDPL_DECL std::string public_origin(const options& o, const http::request& req) {
  auto f = forwarded(o, req);
  auto [scheme, rest] = detail::split_base_url(o.base_url);
  auto host = canonical_host(o, f.host.empty() ? req.host() : std::string_view(f.host));
  std::string s = f.scheme.empty() ? std::string(scheme) : f.scheme;
  return s + "://" + (host.empty() ? std::string(rest) : host);
}

PBGDPL_DECL void append_public_url(const options& o, const http::request& req, std::string& key) {
  auto f = forwarded(o, req);
  // Host is in the key already (the site writes a trusted X-Forwarded-Host into it); the scheme
  // and prefix are each one of a few values only a trusted proxy can choose.
  key.append(f.scheme.empty() ? detail::split_base_url(o.base_url).first : std::string_view(f.scheme));
  key.push_back(' ');
  key.append(f.prefix ? *f.prefix : o.public_prefix);
}

PBGDPL_DECL result<std::string> checked_base_url(std::string_view url) {
  std::string u(url);
  while (u.ends_with('/')) u.pop_back();
  // An origin only: the path belongs to public_prefix, and a query or fragment would end up
  // inside every absolute URL.
  auto after = u.find("://");
  bool ok = rules::is_web_url(u) && after != std::string::npos && u.find_first_of("/?#@\\", after + 3) == std::string::npos &&
            u.size() > after + 3;
  if (!ok)
    return error(errc::invalid_argument, {},
                 "Địa chỉ gốc công khai phải có dạng http(s)://tên-máy[:cổng], không có đường dẫn (dùng tiền tố công khai): \"" +
                     std::string(url) + "\"",
                 "The public base URL must be http(s)://host[:port] without a path (use the public prefix): \"" + std::string(url) + "\"");
  return u;
}

PBGDPL_DECL result<std::string> checked_public_prefix(std::string_view prefix) {
  std::string out;
  std::size_t i = 0;
  while (i < prefix.size()) {
    while (i < prefix.size() && prefix[i] == '/') ++i;
    auto end = prefix.find('/', i);
    if (end == std::string_view::npos) end = prefix.size();
    auto seg = prefix.substr(i, end - i);
    i = end;
    if (seg.empty()) continue;
    bool ok = seg != "." && seg != ".." &&
              std::all_of(seg.begin(), seg.end(), [](char c) {
                return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
                       c == '_' || c == '~';
              });
    if (!ok)
      return error(errc::invalid_argument, "/public_prefix",
                   "Tiền tố đường dẫn công khai chỉ gồm chữ cái không dấu, chữ số và . _ ~ -: \"" + std::string(prefix) + "\"",
                   "The public path prefix may hold only ASCII letters, digits and . _ ~ -: \"" + std::string(prefix) + "\"");
    out += '/';
    out += seg;
  }
  return out;
}

PBGDPL_DECL result<std::string> hotline_tel(std::string_view hotline) {
  std::string digits;
  bool ok = true;
  for (std::size_t i = 0; i < hotline.size(); ++i) {
    char c = hotline[i];
    if (c >= '0' && c <= '9') digits += c;
    else if (c == '+' && digits.empty() && i == hotline.find_first_not_of(' ')) digits += c;
    else ok = ok && (c == ' ' || c == '.' || c == '-' || c == '(' || c == ')');
  }
  auto n = digits.size() - (digits.starts_with('+') ? 1 : 0);
  if (hotline.empty()) return std::string();
  if (!ok || n < 3 || n > 15)  // E.164 numbers have at most 15 digits; short hotlines have 3
    return error(errc::invalid_argument, "/hotline",
                 "Đường dây nóng phải là số điện thoại (chữ số, dấu cách, . - ( ), có thể bắt đầu bằng +): \"" +
                     std::string(hotline) + "\"",
                 "The hotline must be a phone number (digits, spaces, . - ( ), an optional leading +): \"" +
                     std::string(hotline) + "\"");
  return "tel:" + digits;
}

PBGDPL_DECL result<std::string> checked_ask_url(std::string_view url) {
  auto markup = [](unsigned char c) { return c <= 0x20 || c == '"' || c == '<' || c == '>'; };
  bool mail = url.size() > 7 && url.substr(0, 7) == "mailto:" && std::none_of(url.begin(), url.end(), markup);
  if (url.empty() || mail || rules::is_web_url(url)) return std::string(url);
  return error(errc::invalid_argument, "/ask_url", "Địa chỉ gửi câu hỏi phải bắt đầu bằng http://, https:// hoặc mailto:",
               "The address for questions must start with http://, https:// or mailto:");
}

}  // namespace portal
PBGDPL_NAMESPACE_END
