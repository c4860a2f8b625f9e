// The request and response that handlers, middleware and the router see: Beast's parsed message
// plus a decoded, traversal-checked path and UTF-8-checked query, and a response that can share
// pre-serialized bytes from the cache. Nothing here touches a socket.
// Thread safety: a request and a response belong to one request on one thread; the frozen bytes
// a response may share with the cache are immutable, so sharing them across threads is safe.
#pragma once
#include "../core/errors.hpp"
#include "../core/json.hpp"
#include "../core/result.hpp"
#include "../core/time.hpp"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/verb.hpp>

#include <charconv>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace http {

namespace bhttp = boost::beast::http;
using verb = bhttp::verb;
using status = bhttp::status;
using beast_request = bhttp::request<bhttp::string_body>;
using beast_response = bhttp::response<bhttp::string_body>;

// Who made a request, as the auth hook decided (trust/ fills it from an API key or session). A
// host's own middleware may set it on request::principal: the portal's API then takes it as the
// caller, before its own login hook and keys.
struct principal {
  std::string id;
  std::string name;
  std::vector<std::string> roles;
  bool has_role(std::string_view r) const {
    for (const auto& x : roles)
      if (x == r) return true;
    return false;
  }
};

// ASCII case-insensitive comparison: header names and tokens are case-insensitive (RFC 9110).
inline bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// Percent-decodes `s` (and '+' as space when `plus_is_space`, as in form/query encoding). A
// malformed escape or bytes that are not UTF-8 are an error: nothing half-decoded goes on.
PBGDPL_DECL result<std::string> percent_decode(std::string_view s, bool plus_is_space = false);

// Percent-encodes everything but RFC 3986 unreserved characters (for building links and queries).
PBGDPL_DECL std::string percent_encode(std::string_view s);

// Makes a Location (or any URI reference: "/path?query#frag", "https://host/path") safe to send:
// percent-encodes every byte that may not appear raw in a URI (controls, CR and LF, space,
// '"', '<', '>', '\\', '^', '`', '{', '|', '}', DEL, non-ASCII UTF-8 bytes) and every '%' that
// does not start a valid %XX escape. Unreserved and reserved characters and valid escapes are
// kept, so it is idempotent and leaves an already-encoded URL as it was.
PBGDPL_DECL std::string encode_location(std::string_view location);

// A decoded path ("/don-vi/trường a/") as a URI path: '/', unreserved characters, sub-delims,
// ':' and '@' stay; everything else, '%', '?' and '#' included, is percent-encoded. A leading
// "//" (which a browser reads as another host) becomes "/%2F".
PBGDPL_DECL std::string encode_path(std::string_view decoded_path);

using param_list = std::vector<std::pair<std::string, std::string>>;

// A request as handlers see it. `prepare()` must succeed before routing: it is where a bad target
// (not origin-form or an absolute-form naming the Host, bad escapes, invalid UTF-8, "." or ".."
// segments, encoded '/' or '\') becomes a 400 instead of reaching any handler or file system.
class request {
 public:
  request() = default;
  explicit request(beast_request m) : msg_(std::move(m)) {}

  // Reuses this object (and its buffers' capacity) for the next request on a connection.
  void reset(beast_request m) {
    msg_ = std::move(m);
    query_pos_ = query_len_ = 0;
    query_.clear();
    params_.clear();
    route_offset_ = 0;
    prepared_ = false;
    principal.reset();
    body_refused = false;
  }

  beast_request& message() noexcept { return msg_; }
  const beast_request& message() const noexcept { return msg_; }

  verb method() const noexcept { return msg_.method(); }
  std::string_view method_name() const noexcept {
    auto s = msg_.method_string();
    return {s.data(), s.size()};
  }
  std::string_view target() const noexcept {
    auto t = msg_.target();
    return {t.data(), t.size()};
  }
  unsigned version() const noexcept { return msg_.version(); }
  bool keep_alive() const { return msg_.keep_alive(); }
  const std::string& body() const noexcept { return msg_.body(); }

  std::string_view header(std::string_view name) const {
    auto it = msg_.find(boost::beast::string_view(name.data(), name.size()));
    if (it == msg_.end()) return {};
    auto v = it->value();
    return {v.data(), v.size()};
  }
  std::string_view header(bhttp::field f) const {
    auto it = msg_.find(f);
    if (it == msg_.end()) return {};
    auto v = it->value();
    return {v.data(), v.size()};
  }
  std::string_view host() const { return header(bhttp::field::host); }

  // The decoded full path ("/pbgdpl/tin-tuc"), and the part the current router matches (the full
  // path minus the prefixes of the routers it was mounted under).
  const std::string& path() const noexcept { return path_; }
  std::string_view route_path() const noexcept { return std::string_view(path_).substr(route_offset_); }
  std::string_view raw_query() const noexcept { return target().substr(query_pos_, query_len_); }

  const param_list& query_params() const noexcept { return query_; }
  std::optional<std::string_view> query(std::string_view key) const {
    for (const auto& [k, v] : query_)
      if (k == key) return std::string_view(v);
    return std::nullopt;
  }

  // Typed path parameters the router filled ("{id}", "{page:int}").
  const param_list& params() const noexcept { return params_; }
  std::string_view param(std::string_view name) const {
    for (const auto& [k, v] : params_)
      if (k == name) return v;
    return {};
  }
  // The parameter as an integer; throws pbgdpl::exception (invalid_argument) when it is not one.
  std::int64_t param_int(std::string_view name) const;

  std::optional<http::principal> principal;
  std::string remote_address;
  // Set by the server when the body declared (Content-Length) was over the limit that
  // server_config::body_limit_for gives this target: the body was not read (it is empty) and the
  // connection closes after the answer, so the handler can answer with a message of its own.
  bool body_refused = false;

  // Splits and decodes the target. Safe to call again (a mounted router does not re-decode).
  result<void> prepare();

  // Used by the router: what it matched, and where a mounted router starts matching.
  param_list& mutable_params() noexcept { return params_; }
  std::size_t route_offset() const noexcept { return route_offset_; }
  void set_route_offset(std::size_t off) noexcept { route_offset_ = off; }

 private:
  result<void> to_origin_form();

  beast_request msg_;
  std::string path_;
  std::size_t query_pos_ = 0, query_len_ = 0;
  param_list query_;
  param_list params_;
  std::size_t route_offset_ = 0;
  bool prepared_ = false;
};

// A response whose bytes were laid out once (by the cache): the status line and headers, minus
// the per-connection ones (Content-Length, Date, Connection), and the body. Shared, never copied.
struct frozen_response {
  status code = status::ok;
  std::string head;  // "HTTP/1.1 200 OK\r\nContent-Type: ...\r\n..." without the blank line
  std::string body;
  std::string etag;           // quoted, as sent
  std::string last_modified;  // IMF-fixdate, as sent; empty when unknown
  std::optional<timestamp> last_modified_time;
  std::string content_type;
};

// A response. Handlers fill status, headers and body; middleware may add headers; the cache may
// instead point `frozen` at shared bytes (then `headers` are extra lines sent after them).
struct response {
  status code = status::ok;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::shared_ptr<const frozen_response> frozen;
  // Tags a cacheable response is filed under ("article:42", "category:tin-tuc"); non-empty or
  // `cacheable` lets the response cache keep it.
  std::vector<std::string> cache_tags;
  bool cacheable = false;
  bool close = false;  // ask the server to close the connection after this response

  response() = default;
  explicit response(status s) : code(s) {}

  // A header's value (the first of that name, any case), or empty.
  std::string_view get(std::string_view name) const;
  bool has(std::string_view name) const { return !get(name).empty(); }
  // Replaces the header of that name (any case), or adds it.
  response& set(std::string_view name, std::string_view value);
  response& erase(std::string_view name);
  std::string_view body_view() const noexcept { return frozen ? std::string_view(frozen->body) : std::string_view(body); }
  status status_code() const noexcept { return code; }

  static response text(std::string b, status s = status::ok);
  static response html(std::string b, status s = status::ok);
  static response json(const nlohmann::json& j, status s = status::ok);
  // A redirect to `location` (a path with an optional query, or an absolute URL), made safe with
  // encode_location(). For a path built from decoded request parts, pass encode_path(path).
  static response redirect(std::string_view location, status s = status::found);
};

// The HTTP status a library error maps to: the API's contract, so append only.
constexpr status status_for(errc e) noexcept {
  switch (e) {
    case errc::ok: return status::ok;
    case errc::not_found: return status::not_found;
    case errc::conflict:
    case errc::already_exists: return status::conflict;
    case errc::permission_denied:
    case errc::csrf: return status::forbidden;
    case errc::unauthenticated: return status::unauthorized;
    case errc::too_many_attempts: return status::too_many_requests;
    case errc::too_large: return status::payload_too_large;
    case errc::validation_failed:
    case errc::bad_signature:
    case errc::unknown_key:
    case errc::tampered:
    case errc::expired:
    case errc::not_yet_valid:
    case errc::revoked:
    case errc::superseded:
    case errc::wrong_use:
    case errc::bad_key:
    case errc::clock_rollback: return status::unprocessable_entity;
    case errc::busy:
    case errc::read_only: return status::service_unavailable;
    case errc::storage_full: return status::insufficient_storage;
    case errc::io_error:
    case errc::corrupt:
    case errc::internal: return status::internal_server_error;
    default: return status::bad_request;
  }
}

// A JSON error body with the stable code (core/json.hpp's error_to_json), in both languages.
PBGDPL_DECL response error_response(const error& e, std::optional<status> s = std::nullopt);
PBGDPL_DECL response error_response(status s, errc c, std::string vi = {}, std::string en = {});

// IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), the only date form HTTP/1.1 senders use.
PBGDPL_DECL std::string format_http_date(timestamp t);

// Parses IMF-fixdate (the form every current client sends); other legacy forms give nullopt,
// which callers treat as "no condition", the safe side.
PBGDPL_DECL std::optional<timestamp> parse_http_date(std::string_view s);

// The reason phrase Beast knows, or "Unknown".
PBGDPL_DECL std::string_view reason(status s);

namespace detail {
// One "\r\nName: value" line, CR, LF and NUL blanked; Location and Content-Location go through
// encode_location(), so a redirect built from decoded bytes is sent as a valid URI.
PBGDPL_DECL void append_header_line(std::string& out, std::string_view k, std::string_view v);
}  // namespace detail

// Lays out the status line and headers (no Content-Length/Date/Connection) the way frozen
// responses and the server's writer both use.
PBGDPL_DECL void append_head(std::string& out, status s, const std::vector<std::pair<std::string, std::string>>& headers);

// Converts to and from Beast messages, for a vendor who mounts a router in their own server.
PBGDPL_DECL beast_response to_beast(const response& r, unsigned version = 11, bool keep_alive = true);

}  // namespace http
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/message.ipp"
#endif
