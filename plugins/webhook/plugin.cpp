// The webhook notifier as a plugin (channel "webhook"; see webhook.hpp).
#include "webhook.hpp"

namespace {

using namespace pbgdpl;

class webhook_plugin final : public plugin::plugin, public plugin::notifier {
 public:
  static constexpr const char* notifier_channel = "webhook";
  webhook_plugin(plugin::host h, const json& config)
      : n_(plugin::services_from(h), plugin::webhook::config_from_json(config).value()) {}
  plugin::notifier* as_notifier() override { return this; }
  result<std::size_t> send(std::string_view event, const json& data) override { return n_.send(event, data); }

 private:
  plugin::webhook::notifier n_;
};

}  // namespace

PBGDPL_PLUGIN(webhook_plugin, "webhook", "1.0.0", "MIT",
              "Notifies by signed webhook POSTs (HMAC-SHA256, the portal's own scheme), once per event", PBGDPL_KIND_NOTIFIER)
