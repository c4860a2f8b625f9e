// URLs as the network layer meets them on real school sites: absolute http(s) URLs, links
// relative to a page (RFC 3986 section 5.2 reference resolution), hosts compared without case
// or a leading "www.". Only http and https are fetched; everything else (mailto:, javascript:,
// data:) parses as "not fetchable" and is skipped by callers.
#pragma once
#include "../core/errors.hpp"
#include "../core/result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

PBGDPL_NAMESPACE_BEGIN
namespace network {

struct url {
  std::string scheme;    // "http" or "https", lower case
  std::string host;      // lower case; an IPv6 literal without its brackets
  std::uint16_t port = 0;  // the scheme's default when none was written
  std::string path = "/";  // always starts with '/'
  std::string query;       // without the '?'; empty when none

  bool https() const noexcept { return scheme == "https"; }
  bool default_port() const noexcept { return port == (https() ? 443 : 80); }
  // "host" or "host:port" (IPv6 in brackets), as a Host header carries it.
  std::string authority() const;
  // path?query: what a request line carries.
  std::string target() const;
  // The whole URL, normalised (scheme and host lower case, default port dropped, no fragment).
  std::string str() const;
  friend bool operator==(const url&, const url&) = default;
};

// Parses an absolute http:// or https:// URL. The fragment is dropped. Refuses user info
// ("user@host": a classic way to disguise a host), other schemes, empty hosts, bad ports, and
// control characters or spaces.
PBGDPL_DECL result<url> parse_url(std::string_view text);

// Resolves `ref` (an href or a Location header: absolute, scheme-relative "//host/x",
// absolute-path "/x", relative "x", "../x", "?q") against `base`. Nothing for a reference that is
// not http(s) (mailto:, javascript:, tel:, data:) or does not parse.
PBGDPL_DECL std::optional<url> resolve(const url& base, std::string_view ref);

// The host without a leading "www." (school sites are linked both ways).
PBGDPL_DECL std::string_view site_host(std::string_view host) noexcept;

// True when `host` is `domain` or a subdomain of it ("a.pbgdpl.hanoi.gov.vn" is under
// "pbgdpl.hanoi.gov.vn"; "pbgdpl.hanoi.gov.vn.evil.example" is not). Compared without case and
// without a leading "www.".
PBGDPL_DECL bool host_within(std::string_view host, std::string_view domain) noexcept;

}  // namespace network
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/url.ipp"
#endif
