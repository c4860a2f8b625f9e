// Middleware around a handler: access logging, security headers, conditional GET (ETag = XXH3-128
// of the body, Last-Modified, 304s), an in-memory response cache invalidated by tag, a bearer
// auth hook for trust/ to plug into, rate and size limits, and optional gzip (zlib).
#pragma once
#include "address.hpp"
#include "etag.hpp"
#include "router.hpp"

#include <atomic>
#include <chrono>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

// gzip_compression() exists when zlib does (the http tier links it); define PBGDPL_NO_ZLIB to
// leave it out. Every TU of a program must agree.
#if !defined(PBGDPL_NO_ZLIB) && __has_include(<zlib.h>)
#define PBGDPL_HTTP_GZIP 1
#endif

PBGDPL_NAMESPACE_BEGIN
namespace http {

// A middleware sees the request, may answer itself, or calls `next` and adjusts its response.
using middleware = std::function<response(request&, const handler& next)>;

// Composes middleware around a final handler: the first added is the outermost.
class pipeline {
 public:
  pipeline& use(middleware m) {
    layers_.push_back(std::move(m));
    return *this;
  }
  handler build(handler inner) const;

 private:
  std::vector<middleware> layers_;
};

namespace detail {
// A transparent string hash (XXH3-64) for the tables keyed by text.
struct sv_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return key_hash(s); }
};
}  // namespace detail

// --- Access log ------------------------------------------------------------------------------
struct access_entry {
  std::string_view remote;
  std::string_view method;
  std::string_view target;
  unsigned status = 0;
  std::size_t bytes = 0;
  std::chrono::microseconds duration{0};
};
using access_sink = std::function<void(const access_entry&)>;

// One line per request to stderr, in a form log tools read.
PBGDPL_DECL void stderr_access_sink(const access_entry& e);

PBGDPL_DECL middleware access_log(access_sink sink = stderr_access_sink);

// --- Security headers ------------------------------------------------------------------------
struct security_policy {
  // Strict by default: no inline script or style (the theme ships none), no plugins, no framing
  // by other sites.
  std::string content_security_policy =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
      "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'";
  std::string referrer_policy = "strict-origin-when-cross-origin";
  std::string frame_options = "SAMEORIGIN";  // for browsers without frame-ancestors
};

PBGDPL_DECL middleware security_headers(security_policy p = {});

// --- Conditional GET -------------------------------------------------------------------------
namespace detail {
// True when an If-None-Match list names `etag` (weak comparison, as RFC 9110 asks for GET).
PBGDPL_DECL bool etag_listed(std::string_view list, std::string_view etag);
// True when an Accept-Encoding value accepts gzip ("gzip;q=0" is a refusal).
PBGDPL_DECL bool accepts_gzip(std::string_view accept_encoding);
}  // namespace detail

// The 304 for `res`: its validators and caching headers, no body.
PBGDPL_DECL response not_modified_from(const response& res);

// True when the client's copy is current: If-None-Match first; If-Modified-Since only when there
// is no If-None-Match.
PBGDPL_DECL bool is_not_modified(const request& req, const response& res);

// Gives 200 GET/HEAD responses an ETag (unless they have one) and answers 304 when the client's
// copy is current (is_not_modified).
PBGDPL_DECL middleware conditional_get();

// --- Response cache --------------------------------------------------------------------------
// True when a request carries an Authorization header.
inline bool has_authorization(const request& req) { return !req.header(bhttp::field::authorization).empty(); }

// A `personal` predicate for a site whose only answers that depend on the caller live under
// `prefix` ("/api/"): a request is personal when its path is there and it carries Authorization.
// A stray Authorization header on an HTML page then still gets the cached page.
PBGDPL_DECL std::function<bool(const request&)> personal_under(std::string prefix);

// Which requests share a cached page, and which never touch the cache.
struct cache_policy {
  // The query parameters that change a page ("page", "q", ...). When set, a page's key holds only
  // these, decoded and in a canonical order (by name; repeated names keep their order), so
  // "?utm=x" or "?x=<random>" hits the same entry as no query at all and cannot force a render.
  // Every parameter a cached handler reads must be listed, or pages that differ would share an
  // entry. Unset: the whole raw query is part of the key.
  std::optional<std::vector<std::string>> page_params{};
  // True when the answer depends on who asks: such a request is neither served from the cache nor
  // stored. Unset: any request with an Authorization header (has_authorization).
  std::function<bool(const request&)> personal{};
  // What else changes an answer besides host, path and page parameters (the portal: the public
  // scheme and path prefix a trusted reverse proxy names): appended to the key, so two requests
  // whose answers differ never share an entry. It must write no '\n' and only a bounded set of
  // values (a value a stranger chooses would let them mint entries). Unset: nothing.
  std::function<void(const request&, std::string& key)> vary{};
};

struct cache_limits {
  std::size_t max_entries = 10000;                // 0: nothing is kept
  std::size_t max_bytes = 64u * 1024u * 1024u;    // bodies summed; past it entries make way
  std::size_t max_entry_bytes = 4u * 1024u * 1024u;  // a larger body is answered, never kept
  cache_policy policy{};
};

// Rendered responses by (host, path, query), dropped by tag when content changes: the portal tags
// a page with what it shows ("article:42", "category:tin-tuc", "feed") and calls
// invalidate_tag() after a write. Only responses that say `cacheable` (or carry tags) are kept.
class response_cache {
 public:
  explicit response_cache(cache_limits l = {}) : limits_(std::move(l)) { init_policy(); }
  response_cache(cache_limits l, cache_policy p) : limits_(std::move(l)) {
    limits_.policy = std::move(p);
    init_policy();
  }
  const cache_policy& policy() const noexcept { return limits_.policy; }

  // The middleware; the cache must outlive the handler it builds.
  middleware layer() {
    return [this](request& req, const handler& next) { return serve(req, next); };
  }

  response serve(request& req, const handler& next);

  // Drops every entry filed under `tag`; returns how many.
  std::size_t invalidate_tag(std::string_view tag);
  // Drops one page: host as the client sends it ("truong-a.edu.vn"), decoded path, raw query
  // (reduced to the page parameters when the policy names them).
  // With a `vary` policy this drops the entry of an empty vary part only; the overload below
  // drops exactly what `req` would be answered from.
  bool invalidate(std::string_view host, std::string_view path, std::string_view query = {});
  bool invalidate(const request& req);
  void clear();
  std::size_t size() const;
  // The bytes of the bodies held (what max_bytes bounds).
  std::size_t bytes() const;
  std::uint64_t hits() const noexcept { return hits_.load(); }
  std::uint64_t misses() const noexcept { return misses_.load(); }

  // Lays a response out once: its status line and headers, an ETag and Last-Modified.
  static std::shared_ptr<const frozen_response> freeze(const response& res);

 private:
  struct entry {
    std::shared_ptr<const frozen_response> frozen;
    std::vector<std::string> tags;
  };

  void init_policy();
  // "?k=v&k=v" of the page parameters present, by name (the names are sorted); nothing when none.
  void append_page_params(std::string& key, const param_list& params) const;
  // The key without its encoding suffix (make_key appends that).
  void make_base_key(std::string& key, const request& req) const;
  void make_key(std::string& key, const request& req) const;
  static constexpr std::string_view gzip_suffix = "\tgzip";
  void unlink_tags(const std::string& key, const std::vector<std::string>& tags);
  std::size_t erase_locked(const std::string& key);

  cache_limits limits_;
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, entry, detail::sv_hash, std::equal_to<>> entries_;
  std::unordered_map<std::string, std::unordered_set<std::string>> by_tag_;
  std::size_t bytes_ = 0;
  std::atomic<std::uint64_t> hits_{0}, misses_{0};
};

// --- Authentication hook ---------------------------------------------------------------------
// Turns an API key or token into a principal; trust/ provides one. Return nullopt for unknown,
// expired or revoked keys. The one authenticator type: the portal and a vendor's server take this.
using authenticator = std::function<std::optional<principal>(std::string_view token)>;

// The one reader of "Authorization: Bearer <token>" (the scheme in any case, RFC 9110 11.1; the
// spaces after it skipped). nullopt: there is no Authorization header (the caller is anonymous).
// An empty token: there is a header but no usable Bearer credential (another scheme, or nothing
// after "Bearer"), which callers answer with 401 rather than treat as anonymous.
PBGDPL_DECL std::optional<std::string_view> bearer_token(const request& req);

// Reads "Authorization: Bearer <token>". No header: the request goes on anonymous. A header that
// does not authenticate: 401, so a client with a bad key learns it at once.
PBGDPL_DECL middleware bearer_auth(authenticator auth);

// Wraps a handler so it answers 401 without a principal and 403 without `role` (when given).
PBGDPL_DECL handler require_auth(handler h, std::string role = {});

// A host's own login, asked with the whole request (its cookies, headers, remote_address): the
// principal of a session it knows, or nullopt. The host's code, so it must be safe to call from
// the server's threads at once.
using request_authenticator = std::function<std::optional<principal>(const request& req)>;

// --- Same-origin checks (cross-site request forgery) ------------------------------------------
// A browser sends cookies and other ambient credentials with a request any site starts, but it
// names the page that started it in Origin (on every POST, PUT, PATCH and DELETE of current
// browsers) or Referer. Writes authenticated that way check it; a Bearer key is never sent by a
// browser on its own and needs no such check.

// The origin of an absolute http(s) URL or of an Origin value ("HTTPS://Truong.edu.vn:443/x" ->
// "https://truong.edu.vn"): scheme and host lower case, the scheme's default port dropped.
// nullopt for anything else: another scheme, no host, user information ("https://a@b"), "null".
PBGDPL_DECL std::optional<std::string> url_origin(std::string_view url);

// Where a browser says the request comes from: the origin of Origin when the header is there
// (an unreadable or "null" Origin is nullopt, never the Referer's), else the origin of Referer.
// A request with two Origin or two Referer headers has none (nullopt).
PBGDPL_DECL std::optional<std::string> request_origin(const request& req);

// True when request_origin(req) is one of `allowed` (origins as url_origin() makes them).
PBGDPL_DECL bool same_origin(const request& req, const std::vector<std::string>& allowed);

// True when a Content-Type names JSON: "application/json", any case, with at most a charset
// parameter that is UTF-8 ("application/json; charset=utf-8"). Anything else, a missing header
// included, is not JSON: a form a browser posts cross-site without asking must never pass.
PBGDPL_DECL bool is_json_content_type(std::string_view content_type);

// --- Limits ----------------------------------------------------------------------------------
struct rate_limit_config {
  double requests_per_second = 50;
  double burst = 100;
  // The table's bound. When full, the client seen least recently loses its bucket (it starts
  // again full, as a new client would); the table is never emptied wholesale, which would hand
  // every client, the one being limited included, a fresh burst.
  std::size_t max_clients = 100000;
  // Peers (exact addresses or CIDR prefixes) whose X-Forwarded-For names the client: see
  // client_address(). Empty: every client is its peer address.
  std::vector<std::string> trusted_proxies{};
  // IPv6 clients are counted by this prefix (a subscriber can rotate the rest at will).
  unsigned ipv6_prefix_bits = 64;
};

// The 429 a limiter answers: Retry-After in whole seconds, a message in both languages, no-store.
PBGDPL_DECL response too_many_requests(std::chrono::seconds retry_after = std::chrono::seconds(1));

// Token buckets per client key, thread-safe, in a bounded table (least recently seen evicted).
// One limiter per kind of request ("search", "api-write"), shared by the routes it guards:
//
//   auto search = std::make_shared<http::rate_limiter>(http::rate_limit_config{.requests_per_second = 2,
//                                                                                .burst = 20});
//   if (auto refused = search->check(req)) return std::move(*refused);   // in the handler
class rate_limiter {
 public:
  using clock = std::chrono::steady_clock;

  explicit rate_limiter(rate_limit_config cfg = {}) : cfg_(std::move(cfg)), proxies_(cfg_.trusted_proxies) {}
  rate_limiter(const rate_limiter&) = delete;
  rate_limiter& operator=(const rate_limiter&) = delete;

  // Takes a token from `client_key`'s bucket; false when it is empty.
  bool allow(std::string_view client_key) { return take(client_key, clock::now()); }
  bool allow(const request& req) { return allow(client_key(req)); }

  // The key a request is counted under: client_address() (forwarded only through the trusted
  // proxies), IPv6 by its prefix.
  std::string client_key(const request& req) const;

  // How long until `client_key` has a token again (0 when it has one now).
  std::chrono::seconds retry_after(std::string_view client_key) const;

  // For a handler: nullopt to go on, or the 429 to answer (with Retry-After for this client).
  std::optional<response> check(const request& req);

  std::size_t size() const;
  const rate_limit_config& config() const noexcept { return cfg_; }

 private:
  struct bucket {
    std::string key;
    double tokens = 0;
    clock::time_point last{};
  };
  using list_type = std::list<bucket>;

  double refill(const bucket& b, clock::time_point now) const;
  bool take(std::string_view key, clock::time_point now);

  rate_limit_config cfg_;
  address_list proxies_;
  mutable std::mutex mu_;
  list_type order_;
  std::unordered_map<std::string_view, list_type::iterator, detail::sv_hash, std::equal_to<>> index_;
};

// A rate limit over everything behind it: a token bucket per client (see rate_limiter); 429 with
// Retry-After when empty.
PBGDPL_DECL middleware rate_limit(std::shared_ptr<rate_limiter> limiter);
PBGDPL_DECL middleware rate_limit(rate_limit_config cfg);

// The same around one handler (a route or a group of routes).
PBGDPL_DECL handler rate_limited(std::shared_ptr<rate_limiter> limiter, handler h);

// A tighter body limit than the server's, for one route or a group (e.g. 64 KiB for JSON writes).
PBGDPL_DECL middleware body_limit(std::size_t max_bytes);

// --- Compression -----------------------------------------------------------------------------
#ifdef PBGDPL_HTTP_GZIP
// gzip for text bodies worth it (>= min_bytes), when the client asks. Put it inside the cache
// (the cache keys on whether the client accepts gzip), so each page is compressed once.
PBGDPL_DECL middleware gzip_compression(std::size_t min_bytes = 1024);
#endif

}  // namespace http
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/middleware.ipp"
#endif
