// The social publishers as a plugin: one instance per configured account (see social.hpp).
#include "social.hpp"

namespace {

using namespace pbgdpl;

class social_plugin final : public plugin::plugin, public plugin::publisher {
 public:
  // A bad configuration throws pbgdpl::exception: create() fails with its bilingual error.
  social_plugin(plugin::host h, const json& config)
      : queue_(plugin::services_from(h), plugin::social::config_from_json(config).value()) {}
  plugin::publisher* as_publisher() override { return this; }
  result<json> publish(const json& post) override { return queue_.publish(post); }
  result<json> drain(std::size_t max) override { return queue_.drain(max); }

 private:
  plugin::social::publisher_queue queue_;
};

}  // namespace

PBGDPL_PLUGIN(social_plugin, "social", "1.0.0", "MIT",
              "Publishes to a Facebook Page, YouTube, X or a Zalo Official Account through an idempotent retrying queue",
              PBGDPL_KIND_PUBLISHER)
