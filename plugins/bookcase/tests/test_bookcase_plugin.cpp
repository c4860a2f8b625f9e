// The bookcase plugin as the host sees it: the built pbgdpl-bookcase.so loaded through the fake
// host and through plugin_host from its manifest, answering exactly what the catalogue code
// answers when called directly, with the host's clock, and refusing a bad configuration.
#include "catalogue.hpp"

#include <pbgdpl/plugin/fake_host.hpp>
#include <pbgdpl/plugin/host.hpp>

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

using namespace pbgdpl;

namespace {

std::string sample(const std::string& name) {
  std::ifstream f(std::string(PBGDPL_BOOKCASE_DATA) + "/" + name, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

const std::filesystem::path so_file = std::filesystem::path(PBGDPL_PLUGIN_DIR) / "pbgdpl-bookcase.so";

}  // namespace

TEST_CASE("the built plugin answers through the fake host what the catalogue code answers") {
  plugin::fake_host fake;
  const auto at = parse_timestamp("2026-12-01T09:00:00+07:00").value();
  fake.set_now(at);
  auto loaded = fake.load(so_file, json{{"unit", "pgd-ha-dong"}});
  REQUIRE_MESSAGE(loaded.has_value(), (loaded ? std::string() : loaded.err().describe()));
  const auto& d = (*loaded)->descriptor();
  CHECK(std::string(d.id) == "bookcase");
  CHECK(d.kinds == (PBGDPL_KIND_CONNECTOR | PBGDPL_KIND_EXPORTER));
  CHECK((d.flags & PBGDPL_PLUGIN_THREAD_SAFE) != 0);

  bookcase::options o;
  o.unit = unit_id{"pgd-ha-dong"};
  o.now = at;
  for (auto [format, file] : {std::pair{"csv", "catalogue.csv"}, std::pair{"json", "catalogue.json"}}) {
    auto via_plugin = (*loaded)->call_import(format, sample(file));
    REQUIRE_MESSAGE(via_plugin.has_value(), (via_plugin ? std::string() : via_plugin.err().describe()));
    auto direct = bookcase::import_catalogue(format, sample(file), o);
    REQUIRE(direct.has_value());
    CHECK(*via_plugin == *direct);  // the host's clock stamped the entities
    CHECK((*via_plugin)["legal_documents"].size() == 10);

    auto exported = (*loaded)->call_export_catalogue(format, *via_plugin);
    REQUIRE(exported.has_value());
    CHECK(*exported == bookcase::export_catalogue(format, *direct).value());
  }

  // The exporter kind, over records as the store keeps them.
  auto imported = bookcase::import_catalogue("csv", sample("catalogue.csv"), o).value();
  std::vector<store::record> records;
  for (const auto& j : imported["legal_documents"]) {
    auto r = store::store::to_record(from_json_value<legal_document>(j).value());
    REQUIRE(r.has_value());
    records.push_back(*r);
  }
  auto csv = (*loaded)->call_export("bookcase-csv", records);
  REQUIRE(csv.has_value());
  CHECK(*csv == bookcase::export_records("bookcase-csv", records).value());

  // An error crosses the boundary in both languages, with its code.
  auto bad = (*loaded)->call_import("csv", "number,issuer\n1/KH-A,X\n");
  REQUIRE(!bad.has_value());
  CHECK(bad.err().code == errc::missing_field);
  CHECK(bad.err().message_vi.find("title") != std::string::npos);
  CHECK(bad.err().message_en.find("title column") != std::string::npos);
}

TEST_CASE("plugin_host finds the plugin by its manifest and refuses a bad configuration") {
  plugin::host_options ho;
  ho.enabled = true;
  ho.dirs = {PBGDPL_PLUGIN_DIR};
  ho.use_env_path = false;
  ho.log = [](pbgdpl_log_level, std::string_view, std::string_view) {};
  plugin::plugin_host h(std::move(ho));

  auto exporter = plugin::open_exporter(h, "bookcase", json::object());
  REQUIRE_MESSAGE(exporter.has_value(), (exporter ? std::string() : exporter.err().describe()));
  const auto& formats = (*exporter)->formats();
  REQUIRE(formats.size() == 2);
  CHECK(formats[0].format == "bookcase-json");
  CHECK(formats[1].content_type == "text/csv; charset=utf-8");
  CHECK(!(*exporter)->export_records("csv", {}).has_value());  // not a format it lists

  auto connector = plugin::open_connector(h, "bookcase", json{{"unit", "pgd-ha-dong"}});
  REQUIRE(connector.has_value());
  auto out = (*connector)->import_catalogue("json", sample("catalogue.json"));
  REQUIRE(out.has_value());
  CHECK((*out)["publications"].size() == 4);
  CHECK((*out)["warnings"].size() == 5);

  for (const auto& config : {json{{"unit", "../etc"}}, json{{"default_level", "galaxy"}}, json{{"max_bytes", -1}}}) {
    auto refused = plugin::open_connector(h, "bookcase", config);
    REQUIRE(!refused.has_value());
    CHECK(!refused.err().message_vi.empty());
    CHECK(!refused.err().message_en.empty());
    CHECK(refused.err().message_vi != refused.err().message_en);
  }
}
