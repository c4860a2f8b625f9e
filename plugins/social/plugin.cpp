// The social publishers as a plugin: one instance per configured account (see social.hpp).
#include "social.hpp"

namespace {

using namespace pbgdpl;
namespace sdk = pbgdpl::plugin;  // inside the class, `plugin` names the base class

class social_plugin final : public sdk::plugin, public sdk::publisher {
 public:
  // A bad configuration throws pbgdpl::exception: create() fails with its bilingual error.
  social_plugin(sdk::host h, const json& config)
      : queue_(sdk::services_from(h), sdk::social::config_from_json(config).value()) {}
  sdk::publisher* as_publisher() override { return this; }
  result<json> publish(const json& post) override { return queue_.publish(post); }
  result<json> drain(std::size_t max) override { return queue_.drain(max); }

 private:
  sdk::social::publisher_queue queue_;
};

}  // namespace

PBGDPL_PLUGIN(social_plugin, "social", "1.0.0", "MIT",
              "Publishes to a Facebook Page, YouTube, X or a Zalo Official Account through an idempotent retrying queue",
              PBGDPL_KIND_PUBLISHER)
