// Bodies of plugin/host.hpp, part 2: the host table a plugin calls (abi.h pbgdpl_host_api):
// allocation, the log with the plugin's id, the clock, HTTP under the host's policy (allowed
// hosts, loopback only when allowed, no redirects, size and time limits), JSON normalisation to
// NFC with the library's limits, and store change batches.
#pragma once
#include "../host.hpp"
#include "../../network/fetch.hpp"
#include "../../network/url.hpp"
#include "../../store/store.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

PBGDPL_NAMESPACE_BEGIN
namespace plugin {
namespace detail {

// The most a plugin may ask the host to allocate at once.
inline constexpr std::size_t max_host_alloc = 256u << 20;

inline host_ctx& ctx_of(void* p) { return *static_cast<host_ctx*>(p); }

// Gives text to the plugin in a HOST-OWNED buffer (malloc: host->free is free).
inline void give_host_buffer(pbgdpl_buffer* b, std::string_view text) noexcept {
  if (!b) return;
  *b = {};
  if (text.empty()) return;
  auto* p = static_cast<char*>(std::malloc(text.size()));
  if (!p) return;
  std::memcpy(p, text.data(), text.size());
  *b = {p, text.size()};
}

inline pbgdpl_status host_fail(pbgdpl_buffer* err, const error& e) noexcept {
  try {
    give_host_buffer(err, error_to_abi_json(e).dump(-1, ' ', false, json::error_handler_t::replace));
  } catch (...) {
  }
  auto st = to_status(e.code);
  return st == PBGDPL_STATUS_OK ? PBGDPL_STATUS_INTERNAL : st;
}

inline void* pbgdpl_host_alloc(void*, std::size_t size) {
  if (size == 0 || size > max_host_alloc) return nullptr;
  return std::malloc(size);
}
inline void pbgdpl_host_free(void*, void* p) { std::free(p); }

inline void pbgdpl_host_log(void* c, pbgdpl_log_level level, const char* message, std::size_t len) {
  try {
    auto& x = ctx_of(c);
    if (!message) len = 0;
    std::string m(message ? message : "", std::min<std::size_t>(len, 64 * 1024));
    if (!text::is_valid_utf8(m)) m = "(invalid UTF-8 log line)";
    if (level < PBGDPL_LOG_DEBUG || level > PBGDPL_LOG_ERROR) level = PBGDPL_LOG_ERROR;
    x.host->log(x.plugin_id, level, m);
  } catch (...) {
  }
}

inline std::int64_t pbgdpl_host_now_ms(void* c) {
  try {
    return ctx_of(c).host->now_ms();
  } catch (...) {
    return 0;
  }
}

inline pbgdpl_status pbgdpl_host_http(void* c, const char* request, std::size_t len, pbgdpl_buffer* response,
                                      pbgdpl_buffer* err) {
  if (response) *response = {};
  if (err) *err = {};
  try {
    auto& x = ctx_of(c);
    auto j = parse_limited(std::string_view(request ? request : "", request ? len : 0), max_boundary_bytes);
    if (!j) return host_fail(err, j.err());
    auto r = http_request_from_json(*j);
    if (!r) return host_fail(err, r.err());
    auto answer = x.host->http(x.plugin_id, *r);
    if (!answer) return host_fail(err, answer.err());
    // A server's header bytes need not be UTF-8 (obs-text): shown as U+FFFD rather than failing
    // an exchange that happened (a delivered POST taken for a failure is sent again).
    give_host_buffer(response, http_response_to_json(*answer).dump(-1, ' ', false, json::error_handler_t::replace));
    return PBGDPL_STATUS_OK;
  } catch (const exception& e) {
    return host_fail(err, e.err());
  } catch (...) {
    return host_fail(err, error(errc::internal));
  }
}

inline pbgdpl_status pbgdpl_host_json_normalize(void*, const char* in, std::size_t len, pbgdpl_buffer* out, pbgdpl_buffer* err) {
  if (out) *out = {};
  if (err) *err = {};
  try {
    auto j = json_io::parse(std::string_view(in ? in : "", in ? len : 0));
    if (!j) return host_fail(err, j.err());
    bool changed = false;
    if (auto n = store::detail::normalize_strings(*j, changed); !n) return host_fail(err, n.err());
    give_host_buffer(out, j->dump());
    return PBGDPL_STATUS_OK;
  } catch (const exception& e) {
    return host_fail(err, e.err());
  } catch (...) {
    return host_fail(err, error(errc::internal));
  }
}

inline void pbgdpl_host_store_changed(void*, void* host_instance, const char* changes, std::size_t len) {
  if (!host_instance) return;
  static_cast<instance*>(host_instance)->deliver_changes(std::string_view(changes ? changes : "", changes ? len : 0));
}

PBGDPL_DECL std::unique_ptr<host_ctx> make_host_ctx(std::shared_ptr<services> host, std::string plugin_id, abi_version presented) {
  auto c = std::make_unique<host_ctx>();
  c->host = std::move(host);
  c->plugin_id = std::move(plugin_id);
  auto& a = c->api;
  a.struct_size = sizeof(pbgdpl_host_api);
  a.host_ctx = c.get();
  a.alloc = &pbgdpl_host_alloc;
  a.free = &pbgdpl_host_free;
  a.log = &pbgdpl_host_log;
  a.now_ms = &pbgdpl_host_now_ms;
  a.http = &pbgdpl_host_http;
  a.json_normalize = &pbgdpl_host_json_normalize;
  a.store_changed = &pbgdpl_host_store_changed;
  c->info.struct_size = sizeof(pbgdpl_host_info);
  c->info.abi_major = presented.major;
  c->info.abi_minor = presented.minor;
  c->info.host_version = PBGDPL_VERSION_STRING;
  c->info.api = &c->api;
  return c;
}

// Whether a plugin may reach `host` under the options' allow list.
inline bool host_allowed(const host_options& o, std::string_view host) {
  std::string h(host);
  std::transform(h.begin(), h.end(), h.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  if (o.http_allow_loopback && (h == "127.0.0.1" || h == "localhost" || h == "::1")) return true;
  for (auto a : o.http_allowed_hosts) {
    std::transform(a.begin(), a.end(), a.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    if (a == h) return true;
    // "*.example.com" allows the subdomains of example.com, not example.com.evil.
    if (a.size() > 2 && a.starts_with("*.") && h.size() > a.size() - 1 && h.ends_with(std::string_view(a).substr(1)))
      return true;
  }
  return false;
}

// Headers a plugin may not set: the host's client writes these itself.
inline bool reserved_header(std::string_view name) {
  static constexpr std::string_view reserved[] = {"host", "content-length", "transfer-encoding", "connection",
                                                  "upgrade", "te", "trailer", "proxy-authorization", "keep-alive"};
  std::string n(name);
  std::transform(n.begin(), n.end(), n.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return std::find(std::begin(reserved), std::end(reserved), n) != std::end(reserved);
}

inline bool header_token(std::string_view s) {
  if (s.empty() || s.size() > 256) return false;
  return std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
  });
}

class host_services final : public services {
 public:
  explicit host_services(const host_options& o) : o_(o) {}

  void log(std::string_view plugin_id, pbgdpl_log_level level, std::string_view message) override {
    if (o_.log) {
      o_.log(level, plugin_id, message);
      return;
    }
    static constexpr const char* names[] = {"debug", "info", "warning", "error"};
    std::fprintf(stderr, "pbgdpl plugin %.*s [%s]: %.*s\n", static_cast<int>(plugin_id.size()), plugin_id.data(),
                 names[std::clamp(static_cast<int>(level), 0, 3)], static_cast<int>(message.size()), message.data());
  }

  std::int64_t now_ms() override {
    if (o_.clock) return std::chrono::duration_cast<std::chrono::milliseconds>(o_.clock().time_since_epoch()).count();
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  }

  result<http_response> http(std::string_view plugin_id, const http_request& r) override {
    auto refuse = [&](std::string vi, std::string en) {
      return error(errc::permission_denied, {}, "Máy chủ không cho plugin \"" + std::string(plugin_id) + "\" gửi yêu cầu này: " + vi,
                   "The host does not let the plugin \"" + std::string(plugin_id) + "\" make this request: " + en);
    };
    static constexpr std::string_view methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"};
    if (std::find(std::begin(methods), std::end(methods), r.method) == std::end(methods))
      return error(errc::invalid_argument, {}, "Phương thức HTTP không được hỗ trợ: " + r.method.substr(0, 20),
                   "Unsupported HTTP method: " + r.method.substr(0, 20));
    auto u = network::parse_url(r.url);
    if (!u) return u.err();
    if (!host_allowed(o_, u->host)) return refuse("máy " + u->host + " không nằm trong danh sách cho phép", "the host " + u->host + " is not on the allow list");
    network::header_list headers;
    for (const auto& [n, v] : r.headers) {
      if (!header_token(n) || v.size() > 8192 || v.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos)
        return error(errc::invalid_argument, {}, "Tiêu đề HTTP không hợp lệ", "Invalid HTTP header");
      if (reserved_header(n)) return refuse("tiêu đề " + n + " do máy chủ tự đặt", "the header " + n + " is the host's to set");
      headers.emplace_back(n, v);
    }
    if (r.body.size() > o_.http_max_body)
      return error(errc::too_large, {}, "Nội dung yêu cầu HTTP quá lớn", "The HTTP request body is too large");
    network::fetch_options f;
    f.timeout = std::clamp(r.timeout, std::chrono::milliseconds(1), o_.http_max_timeout);
    f.max_body_bytes = o_.http_max_body;
    f.max_redirects = 0;  // a redirect comes back to the plugin as a response; it never leaves the allow list
    f.allow_private_addresses = o_.http_allow_loopback;
    f.connect_to = o_.http_connect_to;
    f.extra_ca_file = o_.http_extra_ca_file;
    f.user_agent = "pbgdpl-plugin/" + std::string(plugin_id);
    auto got = network::fetch(u->str(), headers, f, r.method, r.body);
    if (!got.ok()) {
      errc code = errc::io_error;
      if (got.failure == network::fetch_failure::too_large) code = errc::too_large;
      if (got.failure == network::fetch_failure::forbidden_address) code = errc::permission_denied;
      return error(code, {}, "Yêu cầu HTTP của plugin thất bại: " + got.error_vi, "The plugin's HTTP request failed: " + got.error_en);
    }
    http_response out;
    out.status = static_cast<int>(got.status);
    for (auto& [n, v] : got.headers) {
      std::string lower = n;
      std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
      out.headers.emplace_back(std::move(lower), std::move(v));
    }
    out.body = std::move(got.body);
    return out;
  }

 private:
  host_options o_;
};

PBGDPL_DECL std::shared_ptr<services> make_host_services(const host_options& o) { return std::make_shared<host_services>(o); }

}  // namespace detail
}  // namespace plugin
PBGDPL_NAMESPACE_END
