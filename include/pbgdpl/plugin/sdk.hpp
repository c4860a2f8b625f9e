// The C++ SDK for plugin authors: the host's services as a small class, one interface per plugin
// kind, and PBGDPL_PLUGIN(...), which writes the ABI's descriptor and entry point (abi.h) and
// wraps every call in an exception barrier. Needs only the core and store tiers. Start with
// docs/plugins.md.
#pragma once
#include "../core/json.hpp"
#include "../core/result.hpp"
#include "../core/time.hpp"
#include "../store/store.hpp"
#include "abi.h"
#include "codec.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace plugin {

// The largest JSON document either side accepts across the boundary: a page of records can hold
// many entities of up to PBGDPL_MAX_JSON_BYTES each.
inline constexpr std::size_t max_boundary_bytes = 64u << 20;

struct http_request {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // bytes (sent as body_base64 when not UTF-8)
  std::chrono::milliseconds timeout{10000};
};

struct http_response {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower case
  std::string body;
  std::optional<std::string> header(std::string_view lower_name) const {
    for (const auto& [n, v] : headers)
      if (n == lower_name) return v;
    return std::nullopt;
  }
};

// The JSON forms of an HTTP exchange (abi.h pbgdpl_host_api::http), for both sides.
json http_request_to_json(const http_request& r);
result<http_request> http_request_from_json(const json& j);
json http_response_to_json(const http_response& r);
result<http_response> http_response_from_json(const json& j);

// The host's services, for the plugin's code (wraps a const pbgdpl_host_api*). Copyable, cheap;
// valid while the instance it was given to lives.
class host {
 public:
  host(const pbgdpl_host_api* api, void* host_instance) : api_(api), instance_(host_instance) {}
  void log(pbgdpl_log_level level, std::string_view message) const;
  timestamp now() const;  // host->now_ms, to the second
  std::chrono::sys_time<std::chrono::milliseconds> now_ms() const;
  // Errors: io_error (no answer), permission_denied (the host's policy), too_large. An HTTP
  // error status is a response, not an error.
  result<http_response> http(const http_request& r) const;
  result<json> normalize(std::string_view json_text) const;  // host->json_normalize, parsed
  void store_changed(const std::vector<store::change>& batch) const;
  const pbgdpl_host_api* api() const noexcept { return api_; }
  void* host_instance() const noexcept { return instance_; }

 private:
  // Calls a host function that returns a HOST-OWNED document, taking ownership of out and error.
  result<std::string> call_for_text(
      pbgdpl_status (*fn)(void*, const char*, std::size_t, pbgdpl_buffer*, pbgdpl_buffer*), std::string_view in) const;
  std::string take(pbgdpl_buffer& b) const;
  const pbgdpl_host_api* api_;
  void* instance_;
};

// --- the kinds (a plugin instance implements any of them) -------------------------------------

// Shapes: abi.h pbgdpl_publisher_api.
class publisher {
 public:
  virtual ~publisher() = default;
  virtual result<json> publish(const json& post) = 0;
  virtual result<json> drain(std::size_t max) = 0;
};

// Mirrors reports::notifier (reports/notifier.hpp); the channel's name is the plugin class's
// static `notifier_channel`.
class notifier {
 public:
  virtual ~notifier() = default;
  virtual result<std::size_t> send(std::string_view event, const json& data) = 0;
};

// The formats are the plugin class's static `export_formats` (a JSON array, abi.h).
class exporter {
 public:
  virtual ~exporter() = default;
  virtual result<std::string> export_records(std::string_view format, const std::vector<store::record>& records) = 0;
};

class connector {
 public:
  virtual ~connector() = default;
  // {"legal_documents": [...model JSON...], "publications": [...], "warnings": [{"line"?, "vi", "en"}]}
  virtual result<json> import_catalogue(std::string_view format, std::string_view content) = 0;
  // request: {"legal_documents": [...], "publications": [...]} -> the file's bytes
  virtual result<std::string> export_catalogue(std::string_view format, const json& request) = 0;
};

// One plugin instance (one per create()). Override the accessors of the kinds provided; each
// returned pointer lives as long as the instance. A store kind is served from the store::store
// returned: its record-level virtuals answer the host, and the batches it notify()s after each
// commit go to host->store_changed.
class plugin {
 public:
  virtual ~plugin() = default;
  virtual store::store* as_store() { return nullptr; }
  virtual publisher* as_publisher() { return nullptr; }
  virtual notifier* as_notifier() { return nullptr; }
  virtual exporter* as_exporter() { return nullptr; }
  virtual connector* as_connector() { return nullptr; }
};

}  // namespace plugin
PBGDPL_NAMESPACE_END

#include "impl/sdk.ipp"

// pbgdpl_add_plugin() passes the manifest's id and kinds; PBGDPL_PLUGIN checks that its own
// agree at compile time (a plugin whose manifest lies is refused by the host at load time).
#if defined(PBGDPL_PLUGIN_ID)
#define PBGDPL_DETAIL_BUILD_ID PBGDPL_PLUGIN_ID
#else
#define PBGDPL_DETAIL_BUILD_ID nullptr
#endif
#if defined(PBGDPL_PLUGIN_KINDS)
#define PBGDPL_DETAIL_BUILD_KINDS (PBGDPL_PLUGIN_KINDS)
#else
#define PBGDPL_DETAIL_BUILD_KINDS 0u
#endif

// In exactly one .cpp of the plugin:
//   PBGDPL_PLUGIN(my_plugin, "id", "1.0.0", "MIT", "One-line description", PBGDPL_KIND_STORE)
// my_plugin derives from pbgdpl::plugin::plugin and has my_plugin(pbgdpl::plugin::host,
// const pbgdpl::json& config), which may throw pbgdpl::exception (create() then fails with that
// error). Optional static members: plugin_flags (PBGDPL_PLUGIN_THREAD_SAFE), notifier_channel,
// export_formats (see docs/plugins.md).
#define PBGDPL_PLUGIN(cls, id, version, license, description, kinds)                                             \
  static_assert(::pbgdpl::plugin::detail::same_id(id, PBGDPL_DETAIL_BUILD_ID),                                   \
                "PBGDPL_PLUGIN: the id differs from pbgdpl_add_plugin()'s (the manifest's)");                     \
  static_assert(::pbgdpl::plugin::detail::same_kinds((kinds), PBGDPL_DETAIL_BUILD_KINDS),                        \
                "PBGDPL_PLUGIN: the kinds differ from pbgdpl_add_plugin()'s KINDS (the manifest's)");             \
  extern "C" PBGDPL_PLUGIN_EXPORT pbgdpl_status pbgdpl_plugin_init(const pbgdpl_host_info* pbgdpl_host_info_,     \
                                                                   const pbgdpl_plugin_desc** pbgdpl_desc_) {     \
    return ::pbgdpl::plugin::detail::entry<cls>(pbgdpl_host_info_, pbgdpl_desc_, id, version, license, description, \
                                                (kinds));                                                         \
  }
