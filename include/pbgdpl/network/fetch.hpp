// Fetching a URL from a site we do not control (a school's feed, a school's home page, the city
// portal's push endpoint): http:// and https:// (Beast over OpenSSL, the peer's certificate and
// host name checked against the system's CAs), every step under one deadline (resolve, connect,
// TLS handshake, write, read: a slow site costs at most `timeout`), bounded header and body
// sizes, redirects followed up to a limit with loops detected, and addresses checked after
// resolution so a public name cannot point the crawler at loopback or the private network unless
// the caller allows it (the demo and the tests crawl 127.0.0.1).
//
// A fetch never throws and never returns an error type: it returns what happened, including the
// failure and its reason in both languages, so one bad site or feed is one line in a report.
// Thread safety: fetch() is reentrant; each call has its own event loop and connection.
#pragma once
#include "url.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace network {

using header_list = std::vector<std::pair<std::string, std::string>>;

struct fetch_options {
  std::chrono::milliseconds timeout{15'000};  // the whole fetch, redirects included
  std::size_t max_body_bytes = 4u * 1024u * 1024u;
  std::size_t max_header_bytes = 16u * 1024u;
  // Over the limit: false = the fetch fails (too_large); true = the first max_body_bytes are kept
  // and `truncated` is set (a crawler can still read the top of an enormous page).
  bool keep_truncated = false;
  int max_redirects = 5;
  std::string user_agent = "pbgdpl/0.1 (+PBGDPL compliance and feeds)";
  // Loopback, private (RFC 1918, fc00::/7), link-local and unspecified addresses are refused
  // unless allowed: a school's URL or redirect must not reach the division's own network.
  bool allow_private_addresses = false;
  bool verify_tls = true;
  std::string extra_ca_file;  // PEM, trusted besides the system store (tests, a private CA)
  // Like curl's --connect-to: connections for a host name go to another address and port while
  // the Host header, TLS SNI and certificate check keep the name. Tests serve many fake school
  // sites ("thcs-a.hadong.edu.vn") from one loopback port this way. {"host", "127.0.0.1:8081"}.
  std::vector<std::pair<std::string, std::string>> connect_to;
};

enum class fetch_failure {
  none,
  bad_url,            // not an absolute http(s) URL
  resolve,            // DNS found nothing
  forbidden_address,  // resolved to loopback/private while not allowed
  connect,
  tls,                // handshake or certificate failure
  timeout,
  too_large,          // headers or body over the limits (and keep_truncated off)
  too_many_redirects,
  redirect_loop,
  protocol,           // not HTTP, or malformed
};

// "timeout", "redirect_loop", ...: stable names for reports and JSON.
PBGDPL_DECL std::string_view fetch_failure_name(fetch_failure f) noexcept;

struct fetch_response {
  fetch_failure failure = fetch_failure::none;
  std::string error_vi, error_en;  // why it failed, for a person
  unsigned status = 0;             // of the last response (0 when none came)
  std::string url;                 // the last URL asked (after redirects)
  std::vector<std::string> redirects;  // each URL that answered with a redirect, in order
  header_list headers;
  std::string body;
  bool truncated = false;
  std::chrono::milliseconds elapsed{0};

  bool ok() const noexcept { return failure == fetch_failure::none; }
  // First header of that name (case-insensitive), or "".
  std::string_view header(std::string_view name) const noexcept;
};

// GET (or another method) `u`, sending `headers` (e.g. If-None-Match). Redirects (301, 302, 303,
// 307, 308) are followed for GET and HEAD only; a 304 or any other status is returned as is.
PBGDPL_DECL fetch_response fetch(std::string_view u, const header_list& headers = {}, const fetch_options& opt = {},
                                 std::string_view method = "GET", std::string_view body = {});

// True for loopback, private, link-local, unspecified, multicast and documentation addresses
// (IPv4 and IPv6, v4-mapped included). Exposed for tests.
PBGDPL_DECL bool is_private_address(std::string_view ip) noexcept;

}  // namespace network
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/fetch.ipp"
#endif
