// A vendor's plugin, built out of tree against the installed SDK (find_package(pbgdpl) and
// pbgdpl_add_plugin()): a notifier and an exporter that greet with their configuration.
#include <pbgdpl/plugin/sdk.hpp>

namespace {

class vendor_plugin final : public pbgdpl::plugin::plugin, pbgdpl::plugin::notifier, pbgdpl::plugin::exporter {
 public:
  static constexpr const char* notifier_channel = "vendor-mail";
  static constexpr const char* export_formats = R"([{"format": "txt", "content_type": "text/plain; charset=utf-8", "extension": "txt"}])";

  vendor_plugin(pbgdpl::plugin::host h, const pbgdpl::json& config) : host_(h) {
    greeting_ = config.value("greeting", std::string("Hello"));
  }
  pbgdpl::plugin::notifier* as_notifier() override { return this; }
  pbgdpl::plugin::exporter* as_exporter() override { return this; }

  pbgdpl::result<std::size_t> send(std::string_view event, const pbgdpl::json& data) override {
    host_.log(PBGDPL_LOG_INFO, std::string(event));
    return data.contains("to") ? data["to"].size() : std::size_t{0};
  }
  pbgdpl::result<std::string> export_records(std::string_view, const std::vector<pbgdpl::store::record>& records) override {
    std::string out;
    for (const auto& r : records) out += greeting_ + ": " + r.kind + " " + r.id + " " + r.title + "\n";
    return out;
  }

 private:
  pbgdpl::plugin::host host_;
  std::string greeting_;
};

}  // namespace

PBGDPL_PLUGIN(vendor_plugin, "vendorplug", "1.2.3", "Apache-2.0", "A vendor's notifier and exporter, built out of tree",
              PBGDPL_KIND_NOTIFIER | PBGDPL_KIND_EXPORTER)
