// The webhook notifier as a plugin (channel "webhook"; see webhook.hpp).
#include "webhook.hpp"

namespace {

using namespace pbgdpl;
namespace sdk = pbgdpl::plugin;  // inside the class, `plugin` names the base class

class webhook_plugin final : public sdk::plugin, public sdk::notifier {
 public:
  static constexpr const char* notifier_channel = "webhook";
  webhook_plugin(sdk::host h, const json& config)
      : n_(sdk::services_from(h), sdk::webhook::config_from_json(config).value()) {}
  sdk::notifier* as_notifier() override { return this; }
  result<std::size_t> send(std::string_view event, const json& data) override { return n_.send(event, data); }

 private:
  sdk::webhook::notifier n_;
};

}  // namespace

PBGDPL_PLUGIN(webhook_plugin, "webhook", "1.0.0", "MIT",
              "Notifies by signed webhook POSTs (HMAC-SHA256, the portal's own scheme), once per event", PBGDPL_KIND_NOTIFIER)
