#include "portal_fixture.hpp"

using namespace pbgdpl;
using pbgdpl_test::portal_fixture;

TEST_SUITE("portal/pages") {
  TEST_CASE("the section home shows the four categories, the banner and feed links") {
    portal_fixture f;
    auto r = f.get("/pbgdpl/");
    REQUIRE(r.code == http::status::ok);
    auto b = portal_fixture::body(r);
    CHECK(b.find("<html lang=\"vi\">") != std::string::npos);
    for (auto label : {"Tin hoạt động", "Văn bản pháp luật mới", "Hỏi đáp, tư vấn pháp luật", "Đối thoại chính sách, pháp luật"})
      CHECK_MESSAGE(b.find(label) != std::string::npos, label);
    CHECK(b.find("Trang thông tin điện tử phổ biến pháp luật thành phố Hà Nội") != std::string::npos);
    CHECK(b.find("https://pbgdpl.hanoi.gov.vn") != std::string::npos);
    CHECK(b.find("application/atom+xml") != std::string::npos);
    CHECK(b.find("19/KH-PGDĐT") != std::string::npos);
    CHECK(r.get("Content-Security-Policy").find("script-src 'self'") != std::string::npos);
    CHECK(r.get("X-Content-Type-Options") == "nosniff");
  }

  TEST_CASE("the plan's document page shows its metadata table and date line") {
    portal_fixture f;
    std::string id;
    for (const auto& d : f.seed.legal_documents)
      if (d.number == "19/KH-PGDĐT") id = d.id.value;
    REQUIRE_FALSE(id.empty());
    auto r = f.get("/pbgdpl/van-ban/" + id);
    REQUIRE(r.code == http::status::ok);
    auto b = portal_fixture::body(r);
    CHECK(b.find("Hà Đông, ngày 22 tháng 3 năm 2023") != std::string::npos);
    CHECK(b.find("Thuộc tính văn bản") != std::string::npos);
    CHECK(b.find("Còn hiệu lực") != std::string::npos);
  }

  TEST_CASE("every published article has a page, a draft has none") {
    portal_fixture f;
    int published = 0;
    for (const auto& a : f.seed.articles) {
      auto r = f.get("/pbgdpl/bai-viet/" + a.id.value);
      if (is_published(a)) {
        ++published;
        CHECK_MESSAGE(r.code == http::status::ok, a.id.value);
        CHECK(portal_fixture::body(r).find("og:type\" content=\"article\"") != std::string::npos);
      } else {
        CHECK_MESSAGE(r.code == http::status::not_found, a.id.value);
      }
    }
    CHECK(published > 0);
  }

  TEST_CASE("English is available on every page") {
    portal_fixture f;
    auto r = f.get("/pbgdpl/?lang=en");
    REQUIRE(r.code == http::status::ok);
    auto b = portal_fixture::body(r);
    CHECK(b.find("<html lang=\"en\">") != std::string::npos);
    CHECK(b.find("Activity news") != std::string::npos);
  }

  TEST_CASE("search finds Kế hoạch from ke hoach, with highlighted snippets") {
    portal_fixture f;
    auto r = f.get("/tim-kiem?q=ke+hoach");
    REQUIRE(r.code == http::status::ok);
    auto b = portal_fixture::body(r);
    CHECK(b.find("<mark>") != std::string::npos);
    auto x = f.get("/tim-kiem?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E");
    REQUIRE(x.code == http::status::ok);
    CHECK(portal_fixture::body(x).find("<script>alert(1)") == std::string::npos);
  }

  TEST_CASE("schools are served under /don-vi/<unit>/ and unknown units are 404") {
    portal_fixture f;
    std::string school;
    for (const auto& u : f.seed.units)
      if (u.kind == unit_kind::school) school = u.id.value;
    auto r = f.get("/don-vi/" + school + "/pbgdpl/");
    CHECK(r.code == http::status::ok);
    CHECK(f.get("/don-vi/khong-co/pbgdpl/").code == http::status::not_found);
    CHECK(f.get("/pbgdpl/khong-co-trang").code == http::status::not_found);
  }

  TEST_CASE("feeds, sitemap, robots and health answer") {
    portal_fixture f;
    auto atom = f.get("/pbgdpl/feed.atom");
    REQUIRE(atom.code == http::status::ok);
    CHECK(atom.get("Content-Type").find("application/atom+xml") == 0);
    CHECK(portal_fixture::body(atom).find("<entry>") != std::string::npos);
    CHECK(f.get("/pbgdpl/feed.rss").code == http::status::ok);
    auto jf = f.get("/pbgdpl/feed.json");
    REQUIRE(jf.code == http::status::ok);
    CHECK(json::parse(portal_fixture::body(jf))["version"] == "https://jsonfeed.org/version/1.1");
    CHECK(f.get("/pbgdpl/tin-hoat-dong/feed.atom").code == http::status::ok);
    auto sm = f.get("/sitemap.xml");
    REQUIRE(sm.code == http::status::ok);
    CHECK(portal_fixture::body(sm).find("/pbgdpl/bai-viet/") != std::string::npos);
    CHECK(portal_fixture::body(f.get("/robots.txt")).find("Sitemap:") != std::string::npos);
    auto h = f.get("/healthz");
    CHECK(h.code == http::status::ok);
    CHECK(json::parse(portal_fixture::body(h))["status"] == "ok");
  }

  TEST_CASE("a cached page answers 304 to its ETag") {
    portal_fixture f;
    auto first = f.get("/pbgdpl/");
    auto etag = std::string(first.get("ETag"));
    REQUIRE_FALSE(etag.empty());
    auto again = f.get("/pbgdpl/", {{"If-None-Match", etag}});
    CHECK(again.code == http::status::not_modified);
    CHECK(f.site->cache().hits() >= 1);
  }
}
