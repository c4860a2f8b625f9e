// A search the store cannot rank fully within its cost cap (issue 12) says so: the API answers
// approximate: true and the search page shows a note, in the page's language.
#include <pbgdpl/portal/site.hpp>
#include <pbgdpl/publish/rendered.hpp>
#include <pbgdpl/store/import.hpp>
#include <pbgdpl/store/sqlite.hpp>

#include <doctest/doctest.h>

#include <filesystem>
#include <random>

using namespace pbgdpl;

namespace {
struct sqlite_portal {
  std::filesystem::path dir;
  std::unique_ptr<store::sqlite_store> db;
  std::unique_ptr<portal::site> site;
  http::handler handle;
  explicit sqlite_portal(store::sqlite_options o) {
    dir = std::filesystem::temp_directory_path() / ("pbgdpl-approx-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir);
    auto s = store::open_sqlite_store(dir / "p.db", o);
    REQUIRE(s);
    db = std::move(*s);
    // The demo data, as the other portal tests have it, then 40 articles of the division.
    auto raw = store::read_dataset_directory(std::string(PBGDPL_SOURCE_DIR) + "/data/seed");
    REQUIRE(raw);
    auto seed = dataset_from_json(*raw);
    REQUIRE(seed);
    REQUIRE(publish::render_html(*seed));
    REQUIRE(store::import_dataset(*db, *seed));
    unit_id division;
    for (const auto& x : seed->units)
      if (x.kind == unit_kind::education_division) division = x.id;
    for (int i = 0; i < 40; ++i) {
      article a;
      a.id = article_id{"a" + std::to_string(i)};
      a.title = "Tin số " + std::to_string(i);
      a.body_markdown = "Phổ biến giáo dục pháp luật cho học sinh.";
      a.unit = division;
      a.author = account_id{"e"};
      a.created_at = a.updated_at = parse_timestamp("2024-03-0" + std::to_string(1 + i % 9) + "T08:00:00+07:00").value();
      a.state = article_state::published;
      a.published_at = a.created_at;
      a.category = "tin-hoat-dong";
      REQUIRE(db->create(a, "x"));
    }
    portal::options po;
    po.default_unit = division.value;
    site = std::make_unique<portal::site>(*db, std::move(po));
    handle = site->handler();
  }
  ~sqlite_portal() {
    site.reset();
    db.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  http::response get(std::string target) {
    http::beast_request m{http::verb::get, target, 11};
    m.set(http::bhttp::field::host, "127.0.0.1:8080");
    m.prepare_payload();
    http::request req(std::move(m));
    return handle(req);
  }
};
}  // namespace

TEST_CASE("a search past the store's cost cap answers approximate in the API and on the page, and one within it does not") {
  store::sqlite_options tight;
  tight.impact_list_size = 2;     // lists that prove nothing here
  tight.max_scored_matches = 5;   // and a cap below the 40 matches
  tight.rare_word_rows = 0;       // (a small corpus: every word is in few rows)
  sqlite_portal capped(tight);
  auto api = capped.get("/api/v1/search?q=%22giao+duc+phap+luat%22");
  REQUIRE(api.code == http::status::ok);
  auto j = json::parse(std::string(api.body_view()));
  CHECK(j["approximate"] == true);
  CHECK(j["items"].size() == 5);
  auto page = capped.get("/tim-kiem?q=%22giao+duc+phap+luat%22");
  REQUIRE(page.code == http::status::ok);
  CHECK(std::string(page.body_view()).find("Kết quả gần đúng") != std::string::npos);
  auto en = capped.get("/tim-kiem?q=%22giao+duc+phap+luat%22&lang=en");
  CHECK(std::string(en.body_view()).find("Approximate results") != std::string::npos);

  sqlite_portal roomy(store::sqlite_options{});
  auto ok = json::parse(std::string(roomy.get("/api/v1/search?q=%22giao+duc+phap+luat%22").body_view()));
  CHECK(ok["approximate"] == false);
  CHECK(std::string(roomy.get("/tim-kiem?q=%22giao+duc+phap+luat%22").body_view()).find("Kết quả gần đúng") == std::string::npos);
}
