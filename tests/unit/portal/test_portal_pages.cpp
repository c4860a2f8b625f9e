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
    CHECK(b.find("<th scope=\"row\">Nơi, ngày ban hành</th><td>Hà Đông, ngày 22 tháng 3 năm 2023</td>") != std::string::npos);
    // A plan is administrative: its period, no validity status (issue 13).
    CHECK(b.find("Văn bản chỉ đạo, điều hành") != std::string::npos);
    CHECK(b.find("<th scope=\"row\">Giai đoạn thực hiện</th><td>2023–2027</td>") != std::string::npos);
    CHECK(b.find("Còn hiệu lực") == std::string::npos);
    CHECK(b.find("Tình trạng hiệu lực") == std::string::npos);
    CHECK(b.find("Ngày hết hiệu lực") == std::string::npos);
    // The whole signature block, the name included, line by line.
    auto kt = b.find(">KT. TRƯỞNG PHÒNG<"), pos = b.find(">PHÓ TRƯỞNG PHÒNG<"), name = b.find(">Nguyễn Thị Thu Hương<");
    CHECK(kt != std::string::npos);
    CHECK(pos != std::string::npos);
    CHECK(name != std::string::npos);
    CHECK((kt < pos && pos < name));
    // Its bases include the Party documents it cites.
    for (auto n : {"80-KL/TW", "32-CT/TW", "02-KH/TU"}) CHECK_MESSAGE(b.find(n) != std::string::npos, n);
  }

  TEST_CASE("the law's page shows its validity status, and only normative documents show one in lists") {
    portal_fixture f;
    auto r = f.get("/pbgdpl/van-ban/luat-pbgdpl-2012");
    REQUIRE(r.code == http::status::ok);
    auto b = portal_fixture::body(r);
    CHECK(b.find("Văn bản quy phạm pháp luật") != std::string::npos);
    CHECK(b.find("<span class=\"status status-in_force\">Còn hiệu lực</span>") != std::string::npos);
    auto list = portal_fixture::body(f.get("/pbgdpl/van-ban-moi/"));
    auto normative = list.find(">Văn bản quy phạm pháp luật</h2>");
    auto administrative = list.find(">Văn bản chỉ đạo, điều hành</h2>");
    REQUIRE(normative != std::string::npos);
    REQUIRE(administrative != std::string::npos);
    CHECK(normative < administrative);
    auto law = list.find(">14/2012/QH13<"), plan = list.find(">19/KH-PGDĐT<");
    CHECK((normative < law && law < administrative && administrative < plan));
    // One status badge in the list: the law's; the plans show their period.
    std::size_t badges = 0;
    for (auto at = list.find("class=\"status status-"); at != std::string::npos; at = list.find("class=\"status status-", at + 1))
      ++badges;
    CHECK(badges == 1);
    CHECK(list.find("2023–2027") != std::string::npos);
    // Grouped by issuing level, central first.
    auto central = list.find("<h3>Trung ương</h3>", administrative), city = list.find("<h3>Thành phố</h3>", administrative);
    auto sector = list.find("<h3>Ngành Giáo dục</h3>", administrative);
    CHECK((central != std::string::npos && central < city && city < sector));
    CHECK(list.find("<h3>Trung ương</h3>") < law);
    auto en = portal_fixture::body(f.get("/pbgdpl/van-ban-moi/?lang=en"));
    CHECK(en.find(">Legal normative documents</h2>") != std::string::npos);
    CHECK(en.find(">Administrative documents</h2>") != std::string::npos);
    auto home = portal_fixture::body(f.get("/pbgdpl/"));
    CHECK(home.find(">Văn bản quy phạm pháp luật</h3>") != std::string::npos);
    CHECK(home.find(">Văn bản chỉ đạo, điều hành</h3>") != std::string::npos);
  }

  TEST_CASE("a three-line signature block and a file's download link show on the document page") {
    portal_fixture f;
    auto doc = f.seed.legal_documents.front();
    for (const auto& d : f.seed.legal_documents)
      if (d.number == "19/KH-PGDĐT") doc = d;
    doc.id = legal_document_id{"kh-20-pgddt-2023"};
    doc.number = "20/KH-PGDĐT";
    doc.version = 0;
    doc.signed_by = {signer_authority::kt, "CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn A", {{signer_authority::tm, "ỦY BAN NHÂN DÂN"}}};
    doc.files = {{"20.KH-PGDĐT.pdf", "application/pdf", 1000, "", std::nullopt, "https://example.edu.vn/20.KH-PGDDT.pdf"},
                 {"phu-luc.pdf", "application/pdf", 0, "", media_id{"tep-kh19-pdf"}, ""}};
    REQUIRE(f.db.create(doc, "x"));
    auto r = f.get("/pbgdpl/van-ban/kh-20-pgddt-2023");
    REQUIRE(r.code == http::status::ok);
    auto b = portal_fixture::body(r);
    auto tm = b.find(">TM. ỦY BAN NHÂN DÂN<"), kt = b.find(">KT. CHỦ TỊCH<"), pos = b.find(">PHÓ CHỦ TỊCH<"),
         name = b.find(">Nguyễn Văn A<");
    CHECK((tm != std::string::npos && tm < kt && kt < pos && pos < name));
    CHECK(b.find("<a href=\"https://example.edu.vn/20.KH-PGDDT.pdf\" download>20.KH-PGDĐT.pdf</a>") != std::string::npos);
    // A file the portal cannot serve (a media id only) is named, not linked.
    CHECK(b.find("<li>phu-luc.pdf</li>") != std::string::npos);
    // A relation with no page here is not linked to another's page ({{#doc.relations.0}} is a
    // context its items must not read a missing url from): plan 19's Party bases stay text.
    CHECK(b.find("Căn cứ: 80-KL/TW ") != std::string::npos);
    CHECK(b.find("Căn cứ: 02-KH/TU ") != std::string::npos);
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
      portal_fixture f;  // no ask_url and no hotline: the unit's own form (issue 14), no hotline
      const std::string link = "<a class=\"ask\" href=\"/pbgdpl/hoi-dap/gui-cau-hoi\">Gửi câu hỏi</a>";
      auto b = portal_fixture::body(f.get("/pbgdpl/hoi-dap-phap-luat/"));
      CHECK(b.find(link) != std::string::npos);
      CHECK(b.find("Đường dây nóng") == std::string::npos);
      CHECK(portal_fixture::body(f.get("/pbgdpl/tin-hoat-dong/")).find("Gửi câu hỏi") == std::string::npos);
      // The section's home says it once, under its questions.
      auto home = portal_fixture::body(f.get("/pbgdpl/"));
      auto at = home.find(link);
      REQUIRE(at != std::string::npos);
      CHECK(home.find("Gửi câu hỏi", at + link.size()) == std::string::npos);
      CHECK(home.substr(home.rfind("id=\"cat-", at)).starts_with("id=\"cat-hoi-dap-phap-luat\""));
      // A school without an email has its form too.
      CHECK(portal_fixture::body(f.get("/don-vi/th-le-loi/pbgdpl/hoi-dap-phap-luat/"))
                .find("href=\"/don-vi/th-le-loi/pbgdpl/hoi-dap/gui-cau-hoi\">Gửi câu hỏi</a>") != std::string::npos);
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

TEST_CASE("portal: list pages skip no heading level (h1 then h2 items, or the home page h2 sections then h3)") {
  pbgdpl_test::portal_fixture f;
  // The heading levels of a page, in order.
  auto levels = [](const std::string& html) {
    std::vector<int> out;
    for (std::size_t p = html.find("<h"); p != std::string::npos; p = html.find("<h", p + 2))
      if (p + 2 < html.size() && html[p + 2] >= '1' && html[p + 2] <= '6' && (html[p + 3] == '>' || html[p + 3] == ' '))
        out.push_back(html[p + 2] - '0');
    return out;
  };
  for (const char* page : {"/pbgdpl/", "/pbgdpl/tin-hoat-dong/", "/pbgdpl/hoi-dap-phap-luat/", "/pbgdpl/van-ban-moi/",
                           "/pbgdpl/an-pham/", "/pbgdpl/bai-viet-chuyen-sau/", "/pbgdpl/doi-thoai-chinh-sach/"}) {
    CAPTURE(page);
    auto r = f.get(page);
    REQUIRE(r.code == http::status::ok);
    auto hs = levels(pbgdpl_test::portal_fixture::body(r));
    REQUIRE_FALSE(hs.empty());
    int last = 0;
    for (int h : hs) {
      CHECK(h <= last + 1);
      last = h;
    }
  }
}

TEST_CASE("portal: twenty newer plans do not push the law off the home page (red team F4)") {
  pbgdpl_test::portal_fixture f;
  auto plan = f.db.get<legal_document>("kh-19-pgddt-2023").value();
  for (int i = 0; i < 22; ++i) {
    auto x = plan;
    x.id = legal_document_id{"kh-" + std::to_string(100 + i) + "-pgddt-2024"};
    x.number = std::to_string(100 + i) + "/KH-PGDĐT";
    x.year = 2024;
    x.issued_on = date{std::chrono::year{2024}, std::chrono::month{1 + static_cast<unsigned>(i % 12)}, std::chrono::day{10}};
    x.version = 0;
    REQUIRE_MESSAGE(f.db.create(x, "test"), x.id.value);
  }
  f.site->content_changed();
  auto home = pbgdpl_test::portal_fixture::body(f.get("/pbgdpl/"));
  CHECK(home.find("14/2012/QH13") != std::string::npos);
  CHECK(home.find("Văn bản quy phạm pháp luật") != std::string::npos);
}
