// What the reference plugins' logic needs from the host, as plain C++ callables: an HTTP
// exchange, a clock and a log. The plugin glue fills it from pbgdpl::plugin::host; tests fill it
// with whatever they like. Keeping the logic off the C ABI lets it be tested without loading.
#pragma once
#include <pbgdpl/core/json.hpp>
#include <pbgdpl/core/result.hpp>
#include <pbgdpl/core/time.hpp>
#include <pbgdpl/plugin/sdk.hpp>

#include <functional>
#include <string_view>

PBGDPL_NAMESPACE_BEGIN
namespace plugin {

struct services {
  std::function<result<http_response>(const http_request&)> http;
  std::function<timestamp()> now;
  std::function<void(pbgdpl_log_level, std::string_view)> log;  // may be empty
};

// The host's services for a plugin instance (sdk.hpp's host is cheap to copy).
inline services services_from(const host& h) {
  services s;
  s.http = [h](const http_request& r) { return h.http(r); };
  s.now = [h] { return h.now(); };
  s.log = [h](pbgdpl_log_level level, std::string_view m) { h.log(level, m); };
  return s;
}

}  // namespace plugin
PBGDPL_NAMESPACE_END
