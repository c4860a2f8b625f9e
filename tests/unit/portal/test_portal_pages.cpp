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
    for (auto label : {"Tin tức hoạt động", "Văn bản pháp luật mới", "Hỏi đáp, tư vấn pháp luật", "Đối thoại chính sách - pháp luật",
                       "Tài liệu, ấn phẩm"})
      CHECK_MESSAGE(b.find(label) != std::string::npos, label);
    // The spellings the sections had before they took the plan's words (issue 13).
    for (auto old : {"Tin hoạt động", "Đối thoại chính sách, pháp luật", "chính sách – pháp luật", "Ấn phẩm, tài liệu",
                     "phụ huynh"})
      CHECK_MESSAGE(b.find(old) == std::string::npos, old);
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

  TEST_CASE("an empty list says no articles only where it lists articles") {
    portal_fixture f;  // TH Lê Lợi has no articles and no published questions in the seed
    auto questions = portal_fixture::body(f.get("/don-vi/th-le-loi/pbgdpl/hoi-dap-phap-luat/"));
    CHECK(questions.find("Chưa có nội dung.") != std::string::npos);
    CHECK(questions.find("Chưa có bài viết.") == std::string::npos);
    auto news = portal_fixture::body(f.get("/don-vi/th-le-loi/pbgdpl/tin-hoat-dong/"));
    CHECK(news.find("Chưa có bài viết.") != std::string::npos);
    CHECK(news.find("Chưa có nội dung.") == std::string::npos);
    auto home = portal_fixture::body(f.get("/don-vi/th-le-loi/pbgdpl/"));
    CHECK(home.find("Chưa có nội dung.") != std::string::npos);  // its questions
    CHECK(home.find("Chưa có bài viết.") != std::string::npos);  // its news
    auto en = portal_fixture::body(f.get("/don-vi/th-le-loi/pbgdpl/hoi-dap-phap-luat/?lang=en"));
    CHECK(en.find("Nothing here yet.") != std::string::npos);
    CHECK(portal_fixture::body(f.get("/don-vi/th-le-loi/pbgdpl/tin-hoat-dong/?lang=en")).find("No articles yet.") !=
          std::string::npos);
  }

  TEST_CASE("a news article's page credits its writer and links its source, escaped") {
    portal_fixture f;
    const std::string path = "/don-vi/th-van-yen/pbgdpl/bai-viet/th-van-yen-ngay-phap-luat-2023";
    auto b = portal_fixture::body(f.get(path));
    CHECK(b.find("Tác giả: Nguyễn Thị Lan") != std::string::npos);  // the seed's byline
    CHECK(b.find("class=\"source\"") == std::string::npos);       // no source: nothing said
    auto a = f.db.get<article>("th-van-yen-ngay-phap-luat-2023").value();
    a.source = article_source{"Báo <Giáo dục> & Thời đại", "https://example.org/tin?a=1&b=2"};
    REQUIRE(f.db.update(a, "test"));
    b = portal_fixture::body(f.get(path));
    CHECK(b.find("Nguồn: <a href=\"https://example.org/tin?a=1&amp;b=2\" rel=\"noopener noreferrer\">"
                 "Báo &lt;Giáo dục&gt; &amp; Thời đại</a>") != std::string::npos);
    CHECK(portal_fixture::body(f.get(path + "?lang=en")).find("Source: <a") != std::string::npos);
    // A source link that is not http(s) is refused when written.
    a = f.db.get<article>("th-van-yen-ngay-phap-luat-2023").value();
    a.source->url = "javascript:alert(1)";
    CHECK_FALSE(f.db.update(a, "test"));
  }

  TEST_CASE("the questions page says where to send a question, and the hotline when there is one") {
    {
      portal_fixture f;  // the division has an email in the seed and the site no hotline
      auto b = portal_fixture::body(f.get("/pbgdpl/hoi-dap-phap-luat/"));
      CHECK(b.find("<a class=\"ask\" href=\"mailto:pgddt@hadong.edu.vn\">Gửi câu hỏi</a>") != std::string::npos);
      CHECK(b.find("Đường dây nóng") == std::string::npos);
      CHECK(portal_fixture::body(f.get("/pbgdpl/tin-hoat-dong/")).find("Gửi câu hỏi") == std::string::npos);
      // The section's home says it once, under its questions.
      auto home = portal_fixture::body(f.get("/pbgdpl/"));
      const std::string link = "<a class=\"ask\" href=\"mailto:pgddt@hadong.edu.vn\">Gửi câu hỏi</a>";
      auto at = home.find(link);
      REQUIRE(at != std::string::npos);
      CHECK(home.find("Gửi câu hỏi", at + link.size()) == std::string::npos);
      CHECK(home.substr(home.rfind("id=\"cat-", at)).starts_with("id=\"cat-hoi-dap-phap-luat\""));
      // A school without an email and a site without ask_url: no link.
      CHECK(portal_fixture::body(f.get("/don-vi/th-le-loi/pbgdpl/hoi-dap-phap-luat/")).find("Gửi câu hỏi") ==
            std::string::npos);
    }
    portal::options o;
    o.hotline = "0000 000 000";  // test data, not a real line
    o.ask_url = "https://example.org/gui-cau-hoi";
    portal_fixture f(o);
    auto b = portal_fixture::body(f.get("/pbgdpl/hoi-dap-phap-luat/"));
    CHECK(b.find("<a class=\"ask\" href=\"https://example.org/gui-cau-hoi\">Gửi câu hỏi</a>") != std::string::npos);
    CHECK(b.find("Đường dây nóng: <a href=\"tel:0000000000\">0000 000 000</a>") != std::string::npos);
    // Every page's footer carries the hotline.
    auto home = portal_fixture::body(f.get("/pbgdpl/?lang=en"));
    CHECK(home.find("<p class=\"hotline\">Hotline: <a href=\"tel:0000000000\">0000 000 000</a></p>") != std::string::npos);
  }

  TEST_CASE("a hotline that is not a phone number, or a question address that is not a link, is refused") {
    CHECK(portal::hotline_tel("+84 (24) 0000-0000").value() == "tel:+842400000000");
    CHECK(portal::hotline_tel("").value().empty());
    for (auto bad : {"javascript:alert(1)", "12", "0000 000 000 <b>", "1+2"}) CHECK_MESSAGE(!portal::hotline_tel(bad), bad);
    CHECK(portal::checked_ask_url("mailto:hoidap@example.org"));
    for (auto bad : {"javascript:alert(1)", "mailto:", "ftp://example.org", "mailto:a b"})
      CHECK_MESSAGE(!portal::checked_ask_url(bad), bad);
    portal::options o;
    o.hotline = "javascript:alert(1)";
    CHECK_THROWS(portal_fixture{o});
  }

  TEST_CASE("an error page is headed in its own language") {
    portal_fixture f;
    auto vi = portal_fixture::body(f.get("/pbgdpl/khong-co-trang"));
    CHECK(vi.find("<h1>404 – Không tìm thấy</h1>") != std::string::npos);
    CHECK(vi.find("Not Found") == std::string::npos);
    auto en = portal_fixture::body(f.get("/pbgdpl/khong-co-trang?lang=en"));
    CHECK(en.find("<h1>404 – Not Found</h1>") != std::string::npos);
    auto post = f.send(http::verb::post, "/pbgdpl/");
    REQUIRE(post.code == http::status::method_not_allowed);
    CHECK(portal_fixture::body(post).find("<h1>405 – Phương thức không được hỗ trợ</h1>") != std::string::npos);
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
