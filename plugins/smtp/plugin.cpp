// The e-mail notifier as a plugin (channel "email"; see smtp.hpp).
#include "smtp.hpp"

namespace {

using namespace pbgdpl;
namespace sdk = pbgdpl::plugin;  // inside the class, `plugin` names the base class

class smtp_plugin final : public sdk::plugin, public sdk::notifier {
 public:
  static constexpr const char* notifier_channel = "email";
  smtp_plugin(sdk::host h, const json& config)
      : n_(sdk::services_from(h), sdk::smtp::config_from_json(config).value()) {}
  sdk::notifier* as_notifier() override { return this; }
  result<std::size_t> send(std::string_view event, const json& data) override { return n_.send(event, data); }

 private:
  sdk::smtp::notifier n_;
};

}  // namespace

PBGDPL_PLUGIN(smtp_plugin, "smtp", "1.0.0", "MIT", "Notifies by e-mail over SMTP (UTF-8, RFC 2047 subjects), once per event",
              PBGDPL_KIND_NOTIFIER)
