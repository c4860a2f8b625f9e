// The webhook notifier plugin's logic: POSTs each event to the configured URLs, signed exactly as
// the project's own webhooks are (network/webhooks.hpp: X-Pbgdpl-Event, X-Pbgdpl-Delivery,
// X-Pbgdpl-Timestamp and X-Pbgdpl-Signature = "sha256=" + hex HMAC-SHA256(secret, timestamp + "."
// + body), with the same payload shape {"event", "delivery", "webhook", "occurred_at", "data"}),
// so a receiver written for the portal's webhooks takes these too. Idempotent by the event's
// data.id: an endpoint that took an event never gets it again; one that failed gets it on the
// next send of the same event.
#pragma once
#include "delivered.hpp"
#include "services.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace plugin::webhook {

struct endpoint {
  std::string id;                   // what the payload's "webhook" says; default "endpoint-<n>"
  std::string url;                  // http:// or https://
  std::string secret;               // the HMAC key (never logged)
  std::vector<std::string> events;  // empty: every event
};
struct config {
  std::vector<endpoint> endpoints;
  std::chrono::milliseconds timeout{10'000};
  std::filesystem::path state_dir;  // optional: remembers deliveries across restarts
  std::string name = "webhook";
};
// {"endpoints": [{"url", "secret", "id"?, "events"?}...], "timeout_ms"?, "state_dir"?, "name"?}
result<config> config_from_json(const json& j);

// "sha256=" + hex HMAC-SHA256(secret, timestamp + "." + body), as network::signature.
std::string signature(std::string_view secret, std::string_view timestamp, std::string_view body);
// 32 hex digits of SHA-256 over (endpoint id, event, data.id): one delivery of one event to one
// endpoint, the same whenever the event is sent again.
std::string delivery_id(std::string_view endpoint_id, std::string_view event, std::string_view event_id);

class notifier {
 public:
  notifier(services s, config c);  // throws pbgdpl::exception for a corrupt state file
  // -> how many endpoints took it now. An endpoint that fails makes the call fail (after the
  // others were tried), so the caller sends the event again later; those that took it are skipped then.
  result<std::size_t> send(std::string_view event, const json& data);

 private:
  services svc_;
  config cfg_;
  delivered_ids delivered_;
};

}  // namespace plugin::webhook
PBGDPL_NAMESPACE_END
