// What the reference plugins' logic needs from the host, as plain C++ callables: an HTTP
// exchange, a clock and a log. The plugin glue fills it from pbgdpl::plugin::host; tests fill it
// with whatever they like. Keeping the logic off the C ABI lets it be tested without loading.
#pragma once
#include <pbgdpl/core/json.hpp>
#include <pbgdpl/core/result.hpp>
#include <pbgdpl/core/time.hpp>
#include <pbgdpl/plugin/abi.h>

#if __has_include(<pbgdpl/plugin/sdk.hpp>)
#include <pbgdpl/plugin/sdk.hpp>
#define PBGDPL_REFERENCE_PLUGINS_HAVE_SDK 1
#else
// Until the SDK lands: the two value types of sdk.hpp, exactly as the interface note gives them.
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>
PBGDPL_NAMESPACE_BEGIN
namespace plugin {
struct http_request {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds timeout{10000};
};
struct http_response {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::optional<std::string> header(std::string_view lower_name) const {
    for (const auto& [k, v] : headers)
      if (k == lower_name) return v;
    return std::nullopt;
  }
};
}  // namespace plugin
PBGDPL_NAMESPACE_END
#endif

#include <functional>
#include <string_view>

PBGDPL_NAMESPACE_BEGIN
namespace plugin {

struct services {
  std::function<result<http_response>(const http_request&)> http;
  std::function<timestamp()> now;
  std::function<void(pbgdpl_log_level, std::string_view)> log;  // may be empty
};

#if defined(PBGDPL_REFERENCE_PLUGINS_HAVE_SDK)
// The host's services for a plugin instance (sdk.hpp's host is cheap to copy).
inline services services_from(const host& h) {
  services s;
  s.http = [h](const http_request& r) { return h.http(r); };
  s.now = [h] { return h.now(); };
  s.log = [h](pbgdpl_log_level level, std::string_view m) { h.log(level, m); };
  return s;
}
#endif

}  // namespace plugin
PBGDPL_NAMESPACE_END
