// The embeddable widgets (portal/widgets.hpp, issue 20) through the site's handler: the fragment,
// the framable page and the script of each widget; what they list (published only), what they
// refuse (unknown or ended units, other units' displays, bad parameters), their headers (CSP,
// framing, caching) and their cache partition.
#include <pbgdpl/portal/widgets.hpp>

#include "portal_fixture.hpp"

#include <doctest/doctest.h>

using namespace pbgdpl;
using namespace pbgdpl_test;

namespace {

bool has(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }

std::size_t count(const std::string& s, std::string_view part) {
  std::size_t n = 0;
  for (auto p = s.find(part); p != std::string::npos; p = s.find(part, p + part.size())) ++n;
  return n;
}

const std::string school = "/don-vi/thcs-van-yen/pbgdpl/tien-ich/";

article new_article(portal_fixture& f, const char* id, std::string title, article_state state) {
  article a = f.seed.articles.front();
  a.id = article_id{id};
  a.unit = unit_id{"thcs-van-yen"};
  a.title = std::move(title);
  a.state = state;
  a.published_at = f.site->config().now() - std::chrono::minutes(1);
  a.version = 0;
  return a;
}

std::size_t widget_entries(portal_fixture& f) {
  auto j = json::parse(portal_fixture::body(f.get("/healthz")));
  return j["cache"]["widgets"]["entries"].get<std::size_t>();
}

}  // namespace

TEST_CASE("widgets: the news fragment lists the unit's published articles, newest first, with absolute links") {
  portal_fixture f;
  auto r = f.get(school + "tin-moi");
  REQUIRE(r.code == http::status::ok);
  auto b = portal_fixture::body(r);
  CHECK(r.get("Content-Type").starts_with("text/html"));
  CHECK_FALSE(has(b, "<html"));
  CHECK_FALSE(has(b, "<script"));
  CHECK(b.starts_with("<section class=\"pbgdpl-w pbgdpl-w-news\" lang=\"vi\"><h2"));
  // The school's newest five of its own (the seed's school has four: 1 Dec, 10 Oct, 2 Oct 2023...).
  auto first = b.find("Ứng dụng mạng xã hội");
  auto later = b.find("Tờ gấp: Học sinh với an toàn giao thông");
  REQUIRE(first != std::string::npos);
  REQUIRE(later != std::string::npos);
  CHECK(first < later);
  // A fragment is read on another site: every link is absolute, none opens a new tab.
  CHECK(has(b, "href=\"http://127.0.0.1:8080/don-vi/thcs-van-yen/pbgdpl/bai-viet/mang-xa-hoi-pbgdpl-thcs\""));
  CHECK_FALSE(has(b, "href=\"/"));
  CHECK_FALSE(has(b, "target="));
  // The division's widget lists its schools' articles too, each with its school.
  auto division = portal_fixture::body(f.get("/pbgdpl/tien-ich/tin-moi?n=10"));
  CHECK(has(division, "Trường Tiểu học Văn Yên hưởng ứng"));
  // Eight of the seed's nine articles: the kindergarten's is only submitted.
  CHECK(count(division, "<li>") == 8);
  CHECK_FALSE(has(division, "mn-van-khe-be-vui-hoc-luat"));
  CHECK(count(portal_fixture::body(f.get("/pbgdpl/tien-ich/tin-moi?n=2")), "<li>") == 2);
  // English: the interface in English, the stored titles marked Vietnamese.
  auto en = portal_fixture::body(f.get(school + "tin-moi?lang=en"));
  CHECK(has(en, "Legal education news"));
  CHECK(has(en, "lang=\"vi\">Ứng dụng mạng xã hội"));
}

TEST_CASE("widgets: drafts and scheduled articles never reach the news, and a write shows at once") {
  portal_fixture f;
  REQUIRE(f.get(school + "tin-moi").code == http::status::ok);  // cached now
  REQUIRE(f.db.create(new_article(f, "ban-nhap-bi-mat", "Bản nháp bí mật", article_state::draft), "test"));
  auto later = new_article(f, "hen-gio", "Bài hẹn giờ ngày mai", article_state::published);
  later.published_at = f.site->config().now() + std::chrono::hours(24);
  REQUIRE(f.db.create(later, "test"));
  REQUIRE(f.db.create(new_article(f, "tin-vua-dang", "Tin vừa đăng <script>alert(1)</script>", article_state::published), "test"));
  auto b = portal_fixture::body(f.get(school + "tin-moi"));
  CHECK_FALSE(has(b, "Bản nháp bí mật"));
  CHECK_FALSE(has(b, "Bài hẹn giờ"));
  // The write dropped the cached widget; the title is escaped.
  CHECK(has(b, "Tin vừa đăng &lt;script&gt;alert(1)&lt;/script&gt;"));
  CHECK_FALSE(has(b, "<script>"));
  CHECK(b.find("Tin vừa đăng") < b.find("Ứng dụng mạng xã hội"));
}

TEST_CASE("widgets: the iframe page is a small document, framable, under a strict CSP, themed by checked parameters") {
  portal_fixture f;
  auto r = f.get(school + "tin-moi/khung?n=3&accent=b00020&theme=dark&font=serif");
  REQUIRE(r.code == http::status::ok);
  auto b = portal_fixture::body(r);
  CHECK(b.starts_with("<!DOCTYPE html>\n<html lang=\"vi\">"));
  CHECK(has(b, "<title>Tin phổ biến, giáo dục pháp luật – "));
  CHECK(has(b, "<h1 class=\"pbgdpl-w-title\">"));
  CHECK(count(b, "<li>") == 3);
  // Its stylesheet carries the theme; links open outside the frame.
  CHECK(has(b, "<link rel=\"stylesheet\" href=\"/don-vi/thcs-van-yen/pbgdpl/tien-ich/tien-ich.css?theme=dark&amp;accent=b00020&amp;font=serif\">"));
  CHECK(has(b, "target=\"_blank\" rel=\"noopener\""));
  // One script, the portal's own (it reports the page's height to the host's script); no inline
  // script or style.
  CHECK(count(b, "<script") == 1);
  CHECK(has(b, "<script src=\"/don-vi/thcs-van-yen/pbgdpl/tien-ich/khung.js\" defer></script>"));
  CHECK_FALSE(has(b, "style="));
  CHECK_FALSE(has(b, "<style"));
  // One spelling per value: "B00020" or "03" would be another cache entry of the same answer.
  CHECK(f.get(school + "tin-moi/khung?accent=B00020").code == http::status::bad_request);
  CHECK(f.get(school + "tin-moi?n=03").code == http::status::bad_request);
  auto csp = std::string(r.get("Content-Security-Policy"));
  CHECK(has(csp, "default-src 'none'"));
  CHECK(has(csp, "script-src 'self';"));
  CHECK(has(csp, "style-src 'self';"));
  CHECK(has(csp, "frame-ancestors *"));
  CHECK_FALSE(has(csp, "unsafe"));
  auto frame_js = f.get(school + "khung.js");
  CHECK(frame_js.code == http::status::ok);
  CHECK(has(portal_fixture::body(frame_js), "postMessage({ pbgdpl: \"height\""));
  CHECK_FALSE(r.has("X-Frame-Options"));
  // The rest of the site is not framable, as before.
  auto page = f.get("/don-vi/thcs-van-yen/pbgdpl/");
  CHECK(page.get("X-Frame-Options") == "SAMEORIGIN");
  CHECK(has(std::string(page.get("Content-Security-Policy")), "frame-ancestors 'self'"));
  CHECK(f.get(school + "tin-moi").get("X-Frame-Options") == "SAMEORIGIN");
  // The stylesheet the page names: the variables, then the rules.
  auto css = f.get("/don-vi/thcs-van-yen/pbgdpl/tien-ich/tien-ich.css?theme=dark&accent=b00020&font=serif");
  REQUIRE(css.code == http::status::ok);
  CHECK(css.get("Content-Type").starts_with("text/css"));
  auto cb = portal_fixture::body(css);
  CHECK(cb.starts_with(":root{--pbgdpl-bg:#121820;"));
  CHECK(has(cb, "--pbgdpl-accent:#b00020;"));
  CHECK(has(cb, "--pbgdpl-font:\"Noto Serif\""));
  CHECK(has(cb, ".pbgdpl-w{"));
}

TEST_CASE("widgets: bad parameters are a 400 in both languages, never raw CSS") {
  portal_fixture f;
  for (const char* q : {"tin-moi?n=0", "tin-moi?n=11", "tin-moi?n=3x", "tin-moi?n=-1", "bieu-ngu?n=3", "tin-moi?sau=abc",
                        "tin-moi/khung?accent=%230b2e6b", "tin-moi/khung?accent=0b2e6", "tin-moi/khung?bg=zzzzzz",
                        "tin-moi/khung?fg=000000%3B%7Dbody%7Bdisplay:none", "tin-moi/khung?theme=neon", "tin-moi/khung?font=Comic",
                        "tin-moi?accent=0b2e6b", "hoi-dap?theme=dark", "tien-ich.css?n=2", "tien-ich.css?bg=red",
                        "tin-moi?lang=fr"}) {
    const std::string query = q;
    CAPTURE(query);
    auto r = f.get(school + query);
    CHECK(r.code == http::status::bad_request);
    CHECK_FALSE(r.cacheable);
    CHECK(r.cache_tags.empty());
  }
  auto r = f.get(school + "tin-moi/khung?theme=neon&lang=en");
  CHECK(has(portal_fixture::body(r), "The theme is light or dark"));
  CHECK(has(portal_fixture::body(f.get(school + "tin-moi/khung?theme=neon")), "chỉ có light hoặc dark"));
}

TEST_CASE("widgets: an unknown unit, a unit that ended, an unknown display or another unit's display is a 404") {
  SUBCASE("unknown unit and display") {
    portal_fixture f;
    CHECK(f.get("/don-vi/khong-co/pbgdpl/tien-ich/tin-moi").code == http::status::not_found);
    CHECK(f.get("/don-vi/khong-co/pbgdpl/tien-ich/tin-moi/khung").code == http::status::not_found);
    CHECK(f.get(school + "man-hinh/khong-co").code == http::status::not_found);
    CHECK(f.get(school + "man-hinh/khong-co/khung").code == http::status::not_found);
    // A screen of thcs-van-yen seen from another school: not there. A disabled one: nowhere.
    CHECK(f.get("/don-vi/th-le-loi/pbgdpl/tien-ich/man-hinh/thcs-van-yen-cau-thang-a-t2").code == http::status::not_found);
    auto d = f.db.get<display>("thcs-van-yen-cau-thang-b-t1");
    REQUIRE(d);
    d->enabled = false;
    REQUIRE(f.db.update(*d, "test"));
    CHECK(f.get(school + "man-hinh/thcs-van-yen-cau-thang-b-t1").code == http::status::not_found);
    // The unit's own enabled screen, and the division's view of it (it lists its schools' screens).
    auto ok = f.get(school + "man-hinh/thcs-van-yen-cau-thang-a-t2");
    REQUIRE(ok.code == http::status::ok);
    CHECK(has(portal_fixture::body(ok), "Đang chiếu trên <span>Màn hình cầu thang A, tầng 2</span>"));
    CHECK(f.get("/pbgdpl/tien-ich/man-hinh/thcs-van-yen-cau-thang-a-t2/khung").code == http::status::ok);
    // Clock-dependent: never in the page cache, kept downstream half a minute.
    CHECK_FALSE(ok.cacheable);
    CHECK(ok.get("Cache-Control") == "public, max-age=30");
  }
  SUBCASE("an archived (deleted) display: gone from the staircase page, so from the widget too") {
    portal_fixture f;
    const std::string id = "thcs-van-yen-cau-thang-b-t1";
    REQUIRE(f.get(school + "man-hinh/" + id).code == http::status::ok);
    auto d = f.db.get<display>(id);
    REQUIRE(d);
    REQUIRE(f.db.archive<display>(id, d->version, "test"));
    CHECK_FALSE(has(portal_fixture::body(f.get("/don-vi/thcs-van-yen/pbgdpl/cau-thang-phap-luat/")), d->name));
    CHECK(f.get(school + "man-hinh/" + id).code == http::status::not_found);
    CHECK(f.get(school + "man-hinh/" + id + "/khung").code == http::status::not_found);
    CHECK(f.get("/pbgdpl/tien-ich/man-hinh/" + id).code == http::status::not_found);
  }
  SUBCASE("a unit that ended keeps its archive, but no widget") {
    portal::options o;
    const auto shift = now() - parse_timestamp("2025-08-01T09:00:00+07:00").value();
    o.now = [shift] { return now() - shift; };
    portal_fixture f(o);
    REQUIRE(f.get("/don-vi/pgddt-ha-dong/pbgdpl/").code == http::status::ok);
    for (const char* w : {"tin-moi", "tin-moi/khung", "bieu-ngu", "hoi-dap/khung"}) {
      const std::string widget = w;
      CAPTURE(widget);
      CHECK(f.get("/don-vi/pgddt-ha-dong/pbgdpl/tien-ich/" + widget).code == http::status::not_found);
    }
  }
}

TEST_CASE("widgets: a display preview shows only content whose approval is in force") {
  portal_fixture f;  // no signage service: nothing can be verified, so nothing is shown
  schedule_entry entry;  // the seed's entries are for school year 2023-2024: one for today
  entry.id = schedule_id{"ca-ngay"};
  entry.playlist = playlist_id{"pl-cau-thang-thcs-van-yen"};
  entry.group = display_group_id{"cau-thang-thcs-van-yen"};
  entry.start_time = "00:00";
  entry.end_time = "24:00";
  entry.valid_from = parse_date("2025-01-01").value();
  entry.priority = 5;
  REQUIRE(f.db.create(entry, "test"));
  auto b = portal_fixture::body(f.get(school + "man-hinh/thcs-van-yen-cau-thang-a-t2"));
  CHECK_FALSE(has(b, "màn hình nghỉ"));
  CHECK(has(b, "Không có nội dung đã phê duyệt để hiển thị."));
  CHECK_FALSE(has(b, "Infographic"));
}

TEST_CASE("widgets: the banner and the question box link out and write nothing") {
  portal_fixture f;
  auto banner = portal_fixture::body(f.get(school + "bieu-ngu"));
  const auto& cb = f.seed.banners.front();
  CHECK(has(banner, "href=\"" + publish::escape_html(cb.target_url) + "\""));
  CHECK(has(banner, publish::escape_html(cb.required_text)));
  auto ask = portal_fixture::body(f.get(school + "hoi-dap/khung"));
  CHECK(has(ask, "href=\"http://127.0.0.1:8080/don-vi/thcs-van-yen/pbgdpl/hoi-dap/gui-cau-hoi\" target=\"_blank\""));
  CHECK_FALSE(has(ask, "<form"));
  // The only write path stays the form, which is not framable.
  auto form = f.get("/don-vi/thcs-van-yen/pbgdpl/hoi-dap/gui-cau-hoi");
  CHECK(form.get("X-Frame-Options") == "SAMEORIGIN");
  CHECK(f.send(http::verb::post, school + "hoi-dap", "x=1", {{"Content-Type", "application/x-www-form-urlencoded"}}).code ==
        http::status::method_not_allowed);
}

TEST_CASE("widgets: their own cache partition keys on their parameters, and strangers' parameters make no entry") {
  portal_fixture f;
  const auto before = widget_entries(f);
  REQUIRE(f.get(school + "tin-moi?n=3").code == http::status::ok);
  REQUIRE(f.get(school + "tin-moi?n=3&utm_source=x").code == http::status::ok);
  REQUIRE(f.get(school + "tin-moi?utm=1&n=3&x=" + std::string(40, 'a')).code == http::status::ok);
  CHECK(widget_entries(f) == before + 1);
  REQUIRE(f.get(school + "tin-moi?n=4").code == http::status::ok);
  CHECK(widget_entries(f) == before + 2);
  // Refused parameters make none.
  REQUIRE(f.get(school + "tin-moi?n=99").code == http::status::bad_request);
  CHECK(widget_entries(f) == before + 2);
  // A parameter the widgets refuse is refused whether or not the answer without it is cached:
  // every parameter a widget reads is in the key (sau was not: 400 cold, the cached 200 warm).
  CHECK(f.get(school + "tin-moi?n=3&sau=2").code == http::status::bad_request);
  CHECK(f.get(school + "tin-moi?n=3&accent=0b2e6b").code == http::status::bad_request);
  CHECK(widget_entries(f) == before + 2);
  // The script: static, cacheable for a day.
  auto js = f.get(school + "tien-ich.js");
  REQUIRE(js.code == http::status::ok);
  CHECK(js.get("Content-Type").starts_with("text/javascript"));
  CHECK(has(std::string(js.get("Cache-Control")), "max-age=86400"));
  auto src = portal_fixture::body(js);
  CHECK_FALSE(has(src, "eval("));
  CHECK_FALSE(has(src, "innerHTML"));
  CHECK_FALSE(has(src, "new Function"));
}

TEST_CASE("widgets: the theme and frame-ancestors checks") {
  CHECK(portal::widget_theme_css({}).empty());
  CHECK(portal::checked_frame_ancestors("https://*.edu.vn 'self'").value() == "https://*.edu.vn 'self'");
  CHECK_FALSE(portal::checked_frame_ancestors("*; script-src *"));
  CHECK_FALSE(portal::checked_frame_ancestors("https://a.vn,https://b.vn"));
  CHECK_FALSE(portal::checked_frame_ancestors("*\r\nSet-Cookie: x=1"));
  CHECK_FALSE(portal::checked_frame_ancestors(""));
  CHECK(portal::is_widget_path("/pbgdpl/tien-ich/tin-moi"));
  CHECK(portal::is_widget_path("/don-vi/th-a/pbgdpl/tien-ich/tin-moi/khung"));
  CHECK_FALSE(portal::is_widget_path("/pbgdpl/bai-viet/tien-ich"));
  CHECK_FALSE(portal::is_widget_path("/api/v1/pbgdpl/tien-ich/"));
}

TEST_CASE("widgets: under a vendor's public prefix every address carries it") {
  portal::options o;
  o.public_prefix = "/phap-luat";
  portal_fixture f(o);
  auto news = portal_fixture::body(f.get(school + "tin-moi"));
  CHECK(has(news, "href=\"http://127.0.0.1:8080/phap-luat/don-vi/thcs-van-yen/pbgdpl/bai-viet/mang-xa-hoi-pbgdpl-thcs\""));
  auto frame = portal_fixture::body(f.get(school + "bieu-ngu/khung"));
  CHECK(has(frame, "<link rel=\"stylesheet\" href=\"/phap-luat/don-vi/thcs-van-yen/pbgdpl/tien-ich/tien-ich.css\">"));
  CHECK(has(frame, "src=\"http://127.0.0.1:8080/phap-luat/don-vi/thcs-van-yen/pbgdpl/bieu-ngu/300x100.png\""));
  auto ask = portal_fixture::body(f.get(school + "hoi-dap"));
  CHECK(has(ask, "href=\"http://127.0.0.1:8080/phap-luat/don-vi/thcs-van-yen/pbgdpl/hoi-dap/gui-cau-hoi\""));
}
