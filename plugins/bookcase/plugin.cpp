// The bookcase plugin: a connector (import and export of the National Electronic Legal
// Bookcase's catalogue) and an exporter (stored legal documents and publications to that
// catalogue). The work is in catalogue.cpp; this file is the SDK's glue. Stateless between
// calls, so the host may call one instance from several threads.
#include "catalogue.hpp"

#include <pbgdpl/plugin/sdk.hpp>

namespace {

class bookcase_plugin final : public pbgdpl::plugin::plugin,
                              public pbgdpl::plugin::connector,
                              public pbgdpl::plugin::exporter {
 public:
  static constexpr std::uint32_t plugin_flags = PBGDPL_PLUGIN_THREAD_SAFE;
  static constexpr const char* export_formats = bookcase::export_formats;

  bookcase_plugin(pbgdpl::plugin::host h, const pbgdpl::json& config)
      : host_(h), options_(bookcase::options_from_config(config)) {}

  pbgdpl::plugin::connector* as_connector() override { return this; }
  pbgdpl::plugin::exporter* as_exporter() override { return this; }

  pbgdpl::result<pbgdpl::json> import_catalogue(std::string_view format, std::string_view content) override {
    auto o = options_;
    o.now = host_.now();  // the host's clock: tests move it, and every entity of one import shares it
    return bookcase::import_catalogue(format, content, o);
  }

  pbgdpl::result<std::string> export_catalogue(std::string_view format, const pbgdpl::json& request) override {
    return bookcase::export_catalogue(format, request);
  }

  pbgdpl::result<std::string> export_records(std::string_view format,
                                             const std::vector<pbgdpl::store::record>& records) override {
    return bookcase::export_records(format, records);
  }

 private:
  pbgdpl::plugin::host host_;
  bookcase::options options_;
};

}  // namespace

PBGDPL_PLUGIN(bookcase_plugin, "bookcase", "1.0.0", "MIT",
              "Tủ sách pháp luật điện tử quốc gia: nhập, xuất danh mục (JSON, CSV) / National Electronic Legal Bookcase catalogue import and export",
              PBGDPL_KIND_CONNECTOR | PBGDPL_KIND_EXPORTER)
