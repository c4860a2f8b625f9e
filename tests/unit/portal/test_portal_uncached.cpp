// Issue 10: the page cache off (--no-page-cache), pages are assembled per request from records the
// pages keep decoded between requests (store::record_cache). What that reuses must never be older
// than the store: a write is visible on the very next request, whoever wrote it and however (the
// API, the store directly without telling the site, another connection to the same SQLite file).
#include "portal_fixture.hpp"

#include <pbgdpl/store/sqlite.hpp>

#include <filesystem>

using namespace pbgdpl;
using pbgdpl_test::portal_fixture;

namespace {

portal::options no_page_cache() {
  portal::options o;
  o.cache.max_entries = 0;
  return o;
}

bool shows(const http::response& r, std::string_view text) {
  return r.code == http::status::ok && portal_fixture::body(r).find(text) != std::string::npos;
}

}  // namespace

TEST_CASE("uncached pages: a write to the store is visible on the next request, without telling the site") {
  portal_fixture f(no_page_cache());
  const std::string plan = "/pbgdpl/van-ban/kh-19-pgddt-2023";
  const std::string article_page = "/pbgdpl/bai-viet/gioi-thieu-kh19";
  REQUIRE(shows(f.get(article_page), "Giới thiệu Kế hoạch số 19/KH-PGDĐT"));
  REQUIRE(shows(f.get(plan), "/pbgdpl/van-ban/kh-83-ubnd-ha-dong-2023"));
  // Twice each: the second answer comes from the decoded records.
  REQUIRE(shows(f.get(article_page), "Giới thiệu Kế hoạch số 19/KH-PGDĐT"));
  REQUIRE(f.site->records().stats().hits > 0);

  SUBCASE("an article's update") {
    auto a = f.db.get<article>("gioi-thieu-kh19").value();
    a.title = "Tiêu đề đã sửa trực tiếp trong kho";
    REQUIRE(f.db.update(a, "test"));
    auto r = f.get(article_page);
    CHECK(shows(r, "Tiêu đề đã sửa trực tiếp trong kho"));
    CHECK_FALSE(shows(r, "Giới thiệu Kế hoạch số 19/KH-PGDĐT ngày"));
  }
  SUBCASE("an article taken back to draft, then removed") {
    auto a = f.db.get<article>("gioi-thieu-kh19").value();
    a.state = article_state::draft;
    auto u = f.db.update(a, "test");
    REQUIRE(u);
    CHECK(f.get(article_page).code == http::status::not_found);
    REQUIRE(f.db.remove<article>("gioi-thieu-kh19", u->version, "test"));
    CHECK(f.get(article_page).code == http::status::not_found);
  }
  SUBCASE("the document itself, and a related document it links") {
    auto d = f.db.get<legal_document>("kh-19-pgddt-2023").value();
    d.title = "Kế hoạch đã sửa tên";
    REQUIRE(f.db.update(d, "test"));
    CHECK(shows(f.get(plan), "Kế hoạch đã sửa tên"));
    // A related document no longer published: its link goes from plan 19's page at once.
    auto related = f.db.get<legal_document>("kh-83-ubnd-ha-dong-2023").value();
    related.state = article_state::draft;
    REQUIRE(f.db.update(related, "test"));
    auto r = f.get(plan);
    CHECK(r.code == http::status::ok);
    CHECK_FALSE(shows(r, "/pbgdpl/van-ban/kh-83-ubnd-ha-dong-2023"));
    CHECK(shows(r, "83/KH-UBND"));  // still listed, by its number, without a link
  }
  SUBCASE("a listed article's update, on the home and category pages (entities from the kept records)") {
    REQUIRE(f.get("/pbgdpl/tin-hoat-dong/").code == http::status::ok);
    REQUIRE(f.get("/pbgdpl/").code == http::status::ok);
    auto a = f.db.get<article>("pgddt-trien-khai-kh19").value();
    a.title = "Tin đã sửa, trong danh sách";
    REQUIRE(f.db.update(a, "test"));
    CHECK(shows(f.get("/pbgdpl/tin-hoat-dong/"), "Tin đã sửa, trong danh sách"));
    CHECK(shows(f.get("/pbgdpl/"), "Tin đã sửa, trong danh sách"));
    REQUIRE(f.db.remove<article>("pgddt-trien-khai-kh19", a.version + 1, "test"));
    CHECK_FALSE(shows(f.get("/pbgdpl/tin-hoat-dong/"), "Tin đã sửa, trong danh sách"));
  }
  SUBCASE("a write rolled back is not shown") {
    CHECK_FALSE(f.db.transaction([&]() -> result<void> {
      auto a = f.db.get<article>("gioi-thieu-kh19").value();
      a.title = "Chưa chốt";
      if (auto u = f.db.update(a, "test"); !u) return u.err();
      CHECK(shows(f.get(article_page), "Chưa chốt"));  // read inside the transaction
      return errc::conflict;
    }));
    auto r = f.get(article_page);
    CHECK(shows(r, "Giới thiệu Kế hoạch số 19/KH-PGDĐT"));
    CHECK_FALSE(shows(r, "Chưa chốt"));
  }
}

TEST_CASE("uncached pages: another connection's commit to the SQLite file is visible on the next request") {
  auto dir = std::filesystem::path(PBGDPL_BINARY_DIR) / "tmp" / ("portal-uncached-" + random_id_string().substr(0, 8));
  std::filesystem::remove_all(dir);
  auto db = store::open_sqlite_store(dir / "pbgdpl.db").value();
  portal_fixture seed_only;  // for the demo data
  REQUIRE(store::import_dataset(*db, seed_only.seed));
  auto o = no_page_cache();
  o.default_unit = seed_only.division().id.value;
  portal::site site(*db, std::move(o));
  auto handle = site.handler();
  auto get = [&](const std::string& target) {
    http::beast_request m{http::verb::get, target, 11};
    m.set(http::bhttp::field::host, "127.0.0.1:8080");
    http::request req(std::move(m));
    return handle(req);
  };
  const std::string page = "/pbgdpl/bai-viet/gioi-thieu-kh19";
  const std::string list = "/pbgdpl/tin-hoat-dong/";  // the store lists ids and versions, the entities are kept
  REQUIRE(shows(get(page), "Giới thiệu Kế hoạch số 19/KH-PGDĐT"));
  REQUIRE(shows(get(page), "Giới thiệu Kế hoạch số 19/KH-PGDĐT"));
  const auto listed = db->get<article>("pgddt-trien-khai-kh19").value().title;
  REQUIRE(shows(get(list), listed));
  REQUIRE(shows(get(list), listed));
  CHECK(site.records().stats().hits >= 2);
  {
    // As another process (the CLI, an import) would write to the same file.
    auto other = store::open_sqlite_store(dir / "pbgdpl.db").value();
    auto a = other->get<article>("gioi-thieu-kh19").value();
    a.title = "Sửa bởi tiến trình khác";
    REQUIRE(other->update(a, "cli"));
    auto b = other->get<article>("pgddt-trien-khai-kh19").value();
    b.title = "Tin sửa bởi tiến trình khác";
    REQUIRE(other->update(b, "cli"));
  }
  CHECK(shows(get(page), "Sửa bởi tiến trình khác"));
  CHECK(shows(get(list), "Tin sửa bởi tiến trình khác"));
  CHECK_FALSE(shows(get(list), listed));
  db.reset();
  std::filesystem::remove_all(dir);
}

TEST_CASE("uncached pages: the decoded records stay within options::records") {
  auto o = no_page_cache();
  o.records.max_entries = 2;
  portal_fixture f(std::move(o));
  for (const char* id : {"gioi-thieu-kh19", "pgddt-trien-khai-kh19", "doi-thoai-tuyen-sinh-2023", "to-gap-atgt"})
    REQUIRE(f.get(std::string("/pbgdpl/bai-viet/") + id).code == http::status::ok);
  CHECK(f.site->records().stats().entries <= 2);
  CHECK(f.site->records().config().max_entries == 2);

  auto off = no_page_cache();
  off.records.max_entries = 0;  // read every time
  portal_fixture g(std::move(off));
  REQUIRE(g.get("/pbgdpl/bai-viet/gioi-thieu-kh19").code == http::status::ok);
  REQUIRE(g.get("/pbgdpl/bai-viet/gioi-thieu-kh19").code == http::status::ok);
  CHECK(g.site->records().stats().entries == 0);
  CHECK(g.site->records().stats().hits == 0);
}
