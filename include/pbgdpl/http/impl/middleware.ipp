// Bodies of http/middleware.hpp: compiled once into the http tier (src/http/middleware.cpp), or
// included by the header in header-only builds.
#pragma once
#include "../middleware.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#ifdef PBGDPL_HTTP_GZIP
#include <zlib.h>
#endif

PBGDPL_NAMESPACE_BEGIN
namespace http {

PBGDPL_DECL handler pipeline::build(handler inner) const {
  handler h = std::move(inner);
  for (auto it = layers_.rbegin(); it != layers_.rend(); ++it)
    h = [m = *it, next = std::move(h)](request& r) { return m(r, next); };
  return h;
}

// --- Access log ------------------------------------------------------------------------------
PBGDPL_DECL void stderr_access_sink(const access_entry& e) {
  std::fprintf(stderr, "%.*s \"%.*s %.*s\" %u %zu %lldus\n", static_cast<int>(e.remote.size()), e.remote.data(),
               static_cast<int>(e.method.size()), e.method.data(), static_cast<int>(e.target.size()), e.target.data(),
               e.status, e.bytes, static_cast<long long>(e.duration.count()));
}

PBGDPL_DECL middleware access_log(access_sink sink) {
  return [sink = std::move(sink)](request& req, const handler& next) {
    auto t0 = std::chrono::steady_clock::now();
    response res = next(req);
    access_entry e;
    e.remote = req.remote_address;
    e.method = req.method_name();
    e.target = req.target();
    e.status = static_cast<unsigned>(res.code);
    e.bytes = res.body_view().size();
    e.duration = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0);
    sink(e);
    return res;
  };
}

// --- Security headers ------------------------------------------------------------------------
PBGDPL_DECL middleware security_headers(security_policy p) {
  return [p = std::move(p)](request& req, const handler& next) {
    response res = next(req);
    // A response that states its own frame-ancestors (a page made to be framed, such as the
    // portal's widgets) gets no X-Frame-Options: the two would contradict each other.
    const bool own_framing = res.get("Content-Security-Policy").find("frame-ancestors") != std::string_view::npos;
    if (!res.has("Content-Security-Policy")) res.set("Content-Security-Policy", p.content_security_policy);
    if (!res.has("X-Content-Type-Options")) res.set("X-Content-Type-Options", "nosniff");
    if (!res.has("Referrer-Policy")) res.set("Referrer-Policy", p.referrer_policy);
    if (!res.has("X-Frame-Options") && !own_framing) res.set("X-Frame-Options", p.frame_options);
    return res;
  };
}

// --- Conditional GET -------------------------------------------------------------------------
PBGDPL_DECL bool detail::etag_listed(std::string_view list, std::string_view etag) {
  auto strip_weak = [](std::string_view t) {
    if (t.size() >= 2 && t[0] == 'W' && t[1] == '/') t.remove_prefix(2);
    return t;
  };
  etag = strip_weak(etag);
  while (!list.empty()) {
    auto comma = list.find(',');
    auto item = trim_ows(list.substr(0, comma));
    if (item == "*" || (!etag.empty() && strip_weak(item) == etag)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

PBGDPL_DECL bool detail::accepts_gzip(std::string_view ae) {
  // Enough for real browsers and tools; "gzip;q=0" is honoured as a refusal.
  auto p = ae.find("gzip");
  if (p == std::string_view::npos) return false;
  auto rest = ae.substr(p + 4);
  auto comma = rest.find(',');
  rest = rest.substr(0, comma);
  return rest.find("q=0") == std::string_view::npos || rest.find("q=0.") != std::string_view::npos;
}

PBGDPL_DECL response not_modified_from(const response& res) {
  response nm(status::not_modified);
  for (std::string_view h : {"ETag", "Last-Modified", "Cache-Control", "Vary", "Expires", "Content-Location"}) {
    auto v = res.get(h);
    if (!v.empty()) nm.set(h, v);
  }
  return nm;
}

PBGDPL_DECL bool is_not_modified(const request& req, const response& res) {
  auto inm = req.header(bhttp::field::if_none_match);
  if (!inm.empty()) return detail::etag_listed(inm, res.get("ETag"));
  auto ims = req.header(bhttp::field::if_modified_since);
  if (ims.empty()) return false;
  auto lm = res.frozen && res.frozen->last_modified_time ? res.frozen->last_modified_time
                                                         : parse_http_date(res.get("Last-Modified"));
  auto since = parse_http_date(ims);
  return lm && since && *lm <= *since;
}

PBGDPL_DECL middleware conditional_get() {
  return [](request& req, const handler& next) {
    response res = next(req);
    if ((req.method() != verb::get && req.method() != verb::head) || res.code != status::ok) return res;
    if (!res.frozen && !res.has("ETag")) res.set("ETag", etag_for(res.body));
    if (is_not_modified(req, res)) return not_modified_from(res);
    return res;
  };
}

// --- Response cache --------------------------------------------------------------------------
PBGDPL_DECL std::function<bool(const request&)> personal_under(std::string prefix) {
  return [prefix = std::move(prefix)](const request& req) {
    std::string_view p = req.path().empty() ? req.target() : std::string_view(req.path());
    std::string_view pre = prefix;
    bool under = p.starts_with(pre) || (pre.size() > 1 && pre.back() == '/' && p == pre.substr(0, pre.size() - 1));
    return under && has_authorization(req);
  };
}

PBGDPL_DECL response response_cache::serve(request& req, const handler& next) {
  if (req.method() != verb::get && req.method() != verb::head) return next(req);
  // Keys use the decoded path; a request handed over by a vendor's server may not be prepared
  // yet, and one that cannot be is never cached (the router answers it 400).
  if (!req.prepare()) return next(req);
  if (limits_.policy.personal ? limits_.policy.personal(req) : has_authorization(req)) return next(req);
  thread_local std::string key;
  make_key(key, req);
  {
    std::shared_lock lock(mu_);
    auto it = entries_.find(std::string_view(key));
    if (it != entries_.end()) {
      hits_.fetch_add(1, std::memory_order_relaxed);
      response r(it->second.frozen->code);
      r.frozen = it->second.frozen;
      return r;
    }
  }
  misses_.fetch_add(1, std::memory_order_relaxed);
  response res = next(req);
  if (res.code != status::ok || res.frozen || !(res.cacheable || !res.cache_tags.empty()) || res.has("Set-Cookie"))
    return res;
  if (res.body.size() > limits_.max_entry_bytes || limits_.max_entries == 0) return res;
  auto frozen = freeze(res);
  std::unique_lock lock(mu_);
  if (frozen->body.size() > limits_.max_bytes) return res;
  // The old entry of this key (if any) goes first; then, while full, whatever the hash table
  // holds first goes: in effect random replacement, since keys are spread by XXH3. It keeps a
  // hot page likely to stay without the bookkeeping of an LRU list.
  erase_locked(key);
  while (!entries_.empty() && (entries_.size() >= limits_.max_entries || bytes_ + frozen->body.size() > limits_.max_bytes))
    erase_locked(std::string(entries_.begin()->first));
  auto it = entries_.try_emplace(key).first;
  it->second.frozen = frozen;
  it->second.tags = res.cache_tags;
  bytes_ += frozen->body.size();
  for (const auto& t : res.cache_tags) by_tag_[t].insert(it->first);
  response r(frozen->code);
  r.frozen = std::move(frozen);
  return r;
}

PBGDPL_DECL std::size_t response_cache::invalidate_tag(std::string_view tag) {
  std::unique_lock lock(mu_);
  auto t = by_tag_.find(std::string(tag));
  if (t == by_tag_.end()) return 0;
  auto keys = std::move(t->second);
  by_tag_.erase(t);
  std::size_t n = 0;
  for (const auto& k : keys) n += erase_locked(k);
  return n;
}

PBGDPL_DECL bool response_cache::invalidate(std::string_view host, std::string_view path, std::string_view query) {
  std::string key;
  for (char c : host) key.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  key.push_back('\n');
  if (limits_.policy.vary) key.push_back('\n');  // the entry of an empty vary part (see make_base_key)
  key.append(path);
  if (limits_.policy.page_params) {
    param_list params;
    std::string_view rest = query;
    while (!rest.empty()) {
      auto amp = rest.find('&');
      auto pair = rest.substr(0, amp);
      rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
      if (pair.empty()) continue;
      auto eq = pair.find('=');
      auto k = percent_decode(pair.substr(0, eq), true);
      auto v = percent_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), true);
      if (k && v) params.emplace_back(std::move(*k), std::move(*v));
    }
    append_page_params(key, params);
  } else if (!query.empty()) {
    key.append("?").append(query);
  }
  std::unique_lock lock(mu_);
  auto n = erase_locked(key);
  return n + erase_locked(key + std::string(gzip_suffix)) > 0;
}

PBGDPL_DECL bool response_cache::invalidate(const request& req) {
  std::string key;
  make_base_key(key, req);
  std::unique_lock lock(mu_);
  auto n = erase_locked(key);
  return n + erase_locked(key + std::string(gzip_suffix)) > 0;
}

PBGDPL_DECL void response_cache::clear() {
  std::unique_lock lock(mu_);
  entries_.clear();
  by_tag_.clear();
  bytes_ = 0;
}

PBGDPL_DECL std::size_t response_cache::size() const {
  std::shared_lock lock(mu_);
  return entries_.size();
}

PBGDPL_DECL std::size_t response_cache::bytes() const {
  std::shared_lock lock(mu_);
  return bytes_;
}

PBGDPL_DECL std::shared_ptr<const frozen_response> response_cache::freeze(const response& res) {
  auto f = std::make_shared<frozen_response>();
  f->code = res.code;
  f->body = res.body;
  f->etag = std::string(res.get("ETag"));
  if (f->etag.empty()) f->etag = etag_for(f->body);
  f->last_modified = std::string(res.get("Last-Modified"));
  if (f->last_modified.empty()) f->last_modified = format_http_date(now());
  f->last_modified_time = parse_http_date(f->last_modified);
  f->content_type = std::string(res.get("Content-Type"));
  std::vector<std::pair<std::string, std::string>> hs;
  for (const auto& kv : res.headers)
    if (!iequals(kv.first, "ETag") && !iequals(kv.first, "Last-Modified")) hs.push_back(kv);
  hs.emplace_back("ETag", f->etag);
  hs.emplace_back("Last-Modified", f->last_modified);
  append_head(f->head, f->code, hs);
  return f;
}

PBGDPL_DECL void response_cache::init_policy() {
  if (!limits_.policy.page_params) return;
  auto& names = *limits_.policy.page_params;
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
}

PBGDPL_DECL void response_cache::append_page_params(std::string& key, const param_list& params) const {
  // The first copy of each parameter only: that is the one request::query() gives a handler, so
  // "?lang=vi&lang=vi&..." is the same page, not one more entry a stranger can mint per copy.
  bool first = true;
  for (const auto& name : *limits_.policy.page_params)
    for (const auto& [k, v] : params) {
      if (k != name) continue;
      key.append(first ? "?" : "&");
      first = false;
      key.append(percent_encode(k)).append("=").append(percent_encode(v));
      break;
    }
}

PBGDPL_DECL void response_cache::make_base_key(std::string& key, const request& req) const {
  key.clear();
  auto host = req.host();
  for (char c : host) key.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  key.push_back('\n');
  // The vary part sits between host and path, each closed by '\n' (which it never writes), so no
  // path can be read as another vary part.
  if (limits_.policy.vary) {
    limits_.policy.vary(req, key);
    key.push_back('\n');
  }
  key.append(req.path());
  if (limits_.policy.page_params) append_page_params(key, req.query_params());
  else if (!req.raw_query().empty()) key.append("?").append(req.raw_query());
}

PBGDPL_DECL void response_cache::make_key(std::string& key, const request& req) const {
  make_base_key(key, req);
  // Vary: Accept-Encoding. The gzip layer may sit inside the cache; each form is its own entry.
  if (detail::accepts_gzip(req.header(bhttp::field::accept_encoding))) key.append(gzip_suffix);
}

PBGDPL_DECL void response_cache::unlink_tags(const std::string& key, const std::vector<std::string>& tags) {
  for (const auto& t : tags) {
    auto it = by_tag_.find(t);
    if (it == by_tag_.end()) continue;
    it->second.erase(key);
    if (it->second.empty()) by_tag_.erase(it);
  }
}

PBGDPL_DECL std::size_t response_cache::erase_locked(const std::string& key) {
  auto it = entries_.find(std::string_view(key));
  if (it == entries_.end()) return 0;
  bytes_ -= it->second.frozen->body.size();
  unlink_tags(it->first, it->second.tags);
  entries_.erase(it);
  return 1;
}

// --- Authentication hook ---------------------------------------------------------------------
PBGDPL_DECL std::optional<std::string_view> bearer_token(const request& req) {
  auto h = req.header(bhttp::field::authorization);
  if (h.empty()) return std::nullopt;
  constexpr std::string_view scheme = "Bearer ";
  if (h.size() < scheme.size() || !iequals(h.substr(0, scheme.size()), scheme)) return std::string_view{};
  auto token = h.substr(scheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  return token;
}

PBGDPL_DECL middleware bearer_auth(authenticator auth) {
  return [auth = std::move(auth)](request& req, const handler& next) {
    auto token = bearer_token(req);
    if (!token) return next(req);
    std::optional<principal> p;
    if (!token->empty()) p = auth(*token);
    if (!p) {
      response r = error_response(status::unauthorized, errc::unauthenticated, "Khóa API không hợp lệ hoặc đã hết hạn",
                                  "Invalid or expired API key");
      r.set("WWW-Authenticate", "Bearer realm=\"pbgdpl\", error=\"invalid_token\"");
      return r;
    }
    req.principal = std::move(p);
    return next(req);
  };
}

PBGDPL_DECL handler require_auth(handler h, std::string role) {
  return [h = std::move(h), role = std::move(role)](request& req) {
    if (!req.principal) {
      response r = error_response(status::unauthorized, errc::unauthenticated);
      r.set("WWW-Authenticate", "Bearer realm=\"pbgdpl\"");
      return r;
    }
    if (!role.empty() && !req.principal->has_role(role)) return error_response(status::forbidden, errc::permission_denied);
    return h(req);
  };
}

// --- Same-origin checks ------------------------------------------------------------------------
namespace detail {
inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}
}  // namespace detail

PBGDPL_DECL std::optional<std::string> url_origin(std::string_view url) {
  auto sep = url.find("://");
  if (sep == std::string_view::npos) return std::nullopt;
  auto scheme = detail::ascii_lower(url.substr(0, sep));
  if (scheme != "http" && scheme != "https") return std::nullopt;
  auto rest = url.substr(sep + 3);
  auto authority = rest.substr(0, std::min(rest.find_first_of("/?#"), rest.size()));
  std::string_view host = authority, port;
  if (authority.starts_with('[')) {  // an IPv6 literal: its colons are not the port's
    auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = authority.substr(0, close + 1);
    auto after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') return std::nullopt;
    if (!after.empty()) port = after.substr(1);
    for (char c : host.substr(1, host.size() - 2))
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.'))
        return std::nullopt;
  } else {
    if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
    }
    // Letters, digits and . - _ only: user information ('@'), spaces or escapes mean a URL that
    // another reader might resolve to another host, so it matches nothing.
    for (char c : host)
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_'))
        return std::nullopt;
  }
  if (host.empty() || host == "[]") return std::nullopt;
  unsigned long n = 0;
  for (char c : port) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<unsigned long>(c - '0');
    if (n > 65535) return std::nullopt;
  }
  std::string out = scheme + "://" + detail::ascii_lower(host);
  const unsigned long default_port = scheme == "https" ? 443 : 80;
  if (!port.empty() && n != default_port) out += ":" + std::to_string(n);
  return out;
}

PBGDPL_DECL std::optional<std::string> request_origin(const request& req) {
  // Two Origin (or Referer) headers name no one origin: a proxy that merges or reorders them
  // could make the one we read differ from the one another part trusted. Fail closed.
  const auto& m = req.message();
  if (m.count(bhttp::field::origin) > 1 || m.count(bhttp::field::referer) > 1) return std::nullopt;
  if (auto o = req.header(bhttp::field::origin); !o.empty()) return url_origin(detail::trim_ows(o));
  if (auto r = req.header(bhttp::field::referer); !r.empty()) return url_origin(detail::trim_ows(r));
  return std::nullopt;
}

PBGDPL_DECL bool same_origin(const request& req, const std::vector<std::string>& allowed) {
  auto o = request_origin(req);
  return o && std::find(allowed.begin(), allowed.end(), *o) != allowed.end();
}

PBGDPL_DECL bool is_json_content_type(std::string_view content_type) {
  auto semi = content_type.find(';');
  if (!iequals(detail::trim_ows(content_type.substr(0, semi)), "application/json")) return false;
  while (semi != std::string_view::npos) {
    content_type.remove_prefix(semi + 1);
    semi = content_type.find(';');
    auto param = detail::trim_ows(content_type.substr(0, semi));
    if (param.empty()) continue;
    auto eq = param.find('=');
    if (eq == std::string_view::npos || !iequals(detail::trim_ows(param.substr(0, eq)), "charset")) return false;
    auto value = detail::trim_ows(param.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    if (!iequals(value, "utf-8")) return false;
  }
  return true;
}

// --- Limits ----------------------------------------------------------------------------------
PBGDPL_DECL response too_many_requests(std::chrono::seconds retry_after) {
  response r = error_response(status::too_many_requests, errc::busy, "Quá nhiều yêu cầu, hãy thử lại sau",
                              "Too many requests, try again later");
  r.set("Retry-After", std::to_string(std::max<std::int64_t>(1, retry_after.count())));
  return r;
}

PBGDPL_DECL std::string rate_limiter::client_key(const request& req) const {
  return address_key(proxies_.client_address(req), cfg_.ipv6_prefix_bits);
}

PBGDPL_DECL std::chrono::seconds rate_limiter::retry_after(std::string_view client_key) const {
  std::lock_guard lock(mu_);
  auto it = index_.find(client_key);
  if (it == index_.end()) return std::chrono::seconds(0);
  double tokens = refill(*it->second, clock::now());
  if (tokens >= 1.0 || cfg_.requests_per_second <= 0) return std::chrono::seconds(tokens >= 1.0 ? 0 : 3600);
  return std::chrono::seconds(static_cast<std::int64_t>(std::ceil((1.0 - tokens) / cfg_.requests_per_second)));
}

PBGDPL_DECL std::optional<response> rate_limiter::check(const request& req) {
  auto key = client_key(req);
  if (allow(key)) return std::nullopt;
  return too_many_requests(std::max(std::chrono::seconds(1), retry_after(key)));
}

PBGDPL_DECL std::size_t rate_limiter::size() const {
  std::lock_guard lock(mu_);
  return index_.size();
}

PBGDPL_DECL double rate_limiter::refill(const bucket& b, clock::time_point now) const {
  double add = std::chrono::duration<double>(now - b.last).count() * cfg_.requests_per_second;
  return std::min(cfg_.burst, b.tokens + std::max(0.0, add));
}

PBGDPL_DECL bool rate_limiter::take(std::string_view key, clock::time_point now) {
  std::lock_guard lock(mu_);
  auto it = index_.find(key);
  list_type::iterator b;
  if (it == index_.end()) {
    if (cfg_.max_clients == 0) return cfg_.burst >= 1.0;
    while (index_.size() >= cfg_.max_clients && !order_.empty()) {
      index_.erase(std::string_view(order_.back().key));
      order_.pop_back();
    }
    order_.push_front(bucket{std::string(key), cfg_.burst, now});
    b = order_.begin();
    index_.emplace(std::string_view(b->key), b);
  } else {
    b = it->second;
    order_.splice(order_.begin(), order_, b);  // most recently seen first
    b->tokens = refill(*b, now);
    b->last = now;
  }
  if (b->tokens < 1.0) return false;
  b->tokens -= 1.0;
  return true;
}

PBGDPL_DECL middleware rate_limit(std::shared_ptr<rate_limiter> limiter) {
  return [limiter = std::move(limiter)](request& req, const handler& next) {
    if (auto refused = limiter->check(req)) return std::move(*refused);
    return next(req);
  };
}
PBGDPL_DECL middleware rate_limit(rate_limit_config cfg) { return rate_limit(std::make_shared<rate_limiter>(std::move(cfg))); }

PBGDPL_DECL handler rate_limited(std::shared_ptr<rate_limiter> limiter, handler h) {
  return [limiter = std::move(limiter), h = std::move(h)](request& req) {
    if (auto refused = limiter->check(req)) return std::move(*refused);
    return h(req);
  };
}

PBGDPL_DECL middleware body_limit(std::size_t max_bytes) {
  return [max_bytes](request& req, const handler& next) {
    if (req.body().size() > max_bytes) return error_response(status::payload_too_large, errc::too_large);
    return next(req);
  };
}

// --- Compression -----------------------------------------------------------------------------
#ifdef PBGDPL_HTTP_GZIP
namespace detail {
PBGDPL_DECL std::optional<std::string> gzip(std::string_view in, int level) {
  z_stream zs{};
  if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return std::nullopt;
  std::string out;
  out.resize(deflateBound(&zs, static_cast<uLong>(in.size())) + 32);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return std::nullopt;
  return out;
}
}  // namespace detail

PBGDPL_DECL middleware gzip_compression(std::size_t min_bytes) {
  return [min_bytes](request& req, const handler& next) {
    response res = next(req);
    if (res.frozen || res.code != status::ok || res.body.size() < min_bytes || res.has("Content-Encoding")) return res;
    auto ct = res.get("Content-Type");
    bool texty = ct.starts_with("text/") || ct.find("json") != std::string_view::npos ||
                 ct.find("xml") != std::string_view::npos || ct.find("javascript") != std::string_view::npos;
    if (!texty) return res;
    res.set("Vary", "Accept-Encoding");
    if (!detail::accepts_gzip(req.header(bhttp::field::accept_encoding))) return res;
    if (!res.has("ETag")) res.set("ETag", etag_for(res.body));
    auto z = detail::gzip(res.body, 6);
    if (!z || z->size() >= res.body.size()) return res;
    res.body = std::move(*z);
    res.set("Content-Encoding", "gzip");
    // A different representation needs a different validator.
    std::string et(res.get("ETag"));
    if (et.size() >= 2 && et.back() == '"') et.insert(et.size() - 1, "-gz");
    res.set("ETag", et);
    return res;
  };
}
#endif

}  // namespace http
PBGDPL_NAMESPACE_END
