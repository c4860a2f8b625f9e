#include <pbgdpl/network/crawler.hpp>
#include <pbgdpl/model/banner.hpp>
#include <pbgdpl/network/sitemap.hpp>

#include <doctest/doctest.h>

#include <map>
#include <mutex>
#include <set>

using namespace pbgdpl;
using namespace pbgdpl::network;

namespace {

// A web of fake school sites in memory: URL → answer. Anything else is a connection failure.
struct fake_web {
  struct answer {
    unsigned status = 200;
    std::string body;
    std::string content_type = "text/html; charset=utf-8";
  };
  std::map<std::string, answer> pages;
  std::mutex mu;
  std::vector<std::string> asked;

  void add(const std::string& u, std::string body, std::string type = "text/html; charset=utf-8", unsigned status = 200) {
    pages[u] = {status, std::move(body), std::move(type)};
  }
  network::crawl_fetcher get() {
    return [this](const std::string& u, const fetch_options&) {
      std::lock_guard lock(mu);
      asked.push_back(u);
      fetch_response r;
      r.url = u;
      auto it = pages.find(u);
      if (it == pages.end()) {
        r.failure = fetch_failure::connect;
        r.error_en = "connection refused";
        return r;
      }
      r.status = it->second.status;
      r.body = it->second.body;
      r.headers.emplace_back("Content-Type", it->second.content_type);
      return r;
    };
  }
};

const timestamp today = *parse_timestamp("2026-11-30T10:00:00+07:00");

crawl_config config_for(fake_web& web, ocr_reader ocr = {}) {
  crawl_config c;
  c.division_url = "https://pgdhadong.edu.vn/";
  c.today = today;
  c.recent_days = 30;
  c.fetch_with = web.get();
  c.read_image = std::move(ocr);
  c.ocr = static_cast<bool>(c.read_image);
  return c;
}

const criterion_result& get(const site_result& r, criterion c) {
  auto p = r.find(c);
  REQUIRE(p != nullptr);
  return *p;
}

std::string method_of(const site_result& r, criterion c) {
  const auto& x = get(r, c);
  return x.evidence.empty() ? std::string() : x.evidence.front().method;
}

const std::string banner_sentence(city_portal_banner_text);

// A Quảng Ích school: menu li.it-menu > a[title], ad columns, /c/ and /ct/ URLs, a sitemap.
void add_qig_school(fake_web& web, const std::string& host, const std::string& section_title,
                    const std::string& section_slug, const std::string& lastmod, const std::string& banner_alt) {
  const std::string base = "http://" + host;
  web.add(base + "/robots.txt", "User-agent: *\nDisallow: /Timkiem\nSitemap: " + base + "/sitemap.xml\n", "text/plain");
  web.add(base + "/",
          "<!doctype html><html><head><title>Trường</title></head><body><ul class='menu'>"
          "<li class='it-menu'><a href='/gioi-thieu/c/100' title='Giới thiệu'>Giới thiệu</a></li>"
          "<li class='it-menu'><a href='/" + section_slug + "/c/101' title='" + section_title + "'>" + section_title + "</a></li>"
          "</ul><div id='qctrai'><div id='divAdLeft'><a target=_blank href='https://pgdhadong.edu.vn'>"
          "<img src='/UploadImages/Advertising/a/L1.png' alt=''></a></div></div>"
          "<div id='qcphai'><div id='divAdRight'><a target=_blank href='https://pbgdpl.hanoi.gov.vn/'>"
          "<img class='qiwithqctraiphai' alt='" + banner_alt + "' src='/UploadImages/Advertising/a/R1.png'></a></div></div>"
          "<a href='https://qig.vn'>Powered by</a></body></html>");
  web.add(base + "/" + section_slug + "/c/101",
          "<html><body><ul class='menu'><li class='it-menu'><a href='/gioi-thieu/c/100'>Giới thiệu</a></li></ul>"
          "<div class='list'><a href='/" + section_slug + "/huong-ung-ngay-phap-luat-viet-nam/ct/101/5001'>"
          "Hưởng ứng Ngày Pháp luật Việt Nam</a></div></body></html>");
  web.add(base + "/sitemap.xml",
          "<?xml version='1.0' encoding='UTF-8'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
          "<url><loc>" + base + "/gioi-thieu/c/100</loc><lastmod>2026-11-29</lastmod></url>"
          "<url><loc>" + base + "/" + section_slug + "/huong-ung-ngay-phap-luat-viet-nam/ct/101/5001</loc><lastmod>" +
              lastmod + "</lastmod></url></urlset>",
          "application/xml");
}

}  // namespace

TEST_CASE("a compliant Quang Ich school meets all four criteria, each with its evidence") {
  fake_web web;
  add_qig_school(web, "thcs-a.hadong.edu.vn", "Phổ biến giáo dục pháp luật", "pho-bien-giao-duc-phap-luat", "2026-11-20",
                 banner_sentence);
  auto r = crawl_site({std::nullopt, "http://thcs-a.hadong.edu.vn/", ""}, config_for(web));
  CHECK(r.platform == platform::qig);
  CHECK(r.compliant());
  CHECK(r.errors.empty());
  // How the section was found, then the posts that confirm it.
  REQUIRE(get(r, criterion::section).evidence.size() == 2);
  CHECK(method_of(r, criterion::section) == "menu-title");
  CHECK(get(r, criterion::section).evidence[0].element == "li.it-menu > a");
  CHECK(get(r, criterion::section).evidence[0].matched == "Phổ biến giáo dục pháp luật");
  CHECK(get(r, criterion::section).evidence[1].method == "section-posts");
  CHECK(get(r, criterion::section).evidence[1].matched == "Hưởng ứng Ngày Pháp luật Việt Nam");
  CHECK(method_of(r, criterion::division_link) == "href-host");
  CHECK(method_of(r, criterion::city_banner) == "alt");
  CHECK(get(r, criterion::city_banner).evidence[0].element.find("R1.png") != std::string::npos);
  CHECK(method_of(r, criterion::recent_post) == "sitemap-lastmod");
  CHECK(get(r, criterion::recent_post).evidence[0].matched == "2026-11-20");
  // The city portal is never fetched, robots.txt is, /Timkiem is not.
  for (const auto& u : web.asked) CHECK(u.find("pbgdpl.hanoi.gov.vn") == std::string::npos);
  CHECK(web.asked.front() == "http://thcs-a.hadong.edu.vn/robots.txt");
  // JSON round trip of the whole result.
  auto back = from_json_value<site_result>(to_json_value(r));
  REQUIRE(back);
  CHECK(*back == r);
}

TEST_CASE("each section naming seen on real sites is found") {
  for (auto [title, slug] : std::vector<std::pair<std::string, std::string>>{
           {"Phổ biến pháp luật", "pho-bien-phap-luat"},
           {"Hoạt động tuyên truyền", "hoat-dong-tuyen-truyen"},
           {"Góc tuyên truyền", "goc-tuyen-truyen"},
           {"PBGDPL", "pbgdpl"},
           {"Tin tức", "pho-bien-giao-duc-phap-luat"}}) {
    const auto& slug_seen = slug;  // clang < 16 cannot capture a structured binding in CAPTURE's lambda
    INFO("slug := ", slug_seen);
    fake_web web;
    add_qig_school(web, "th-b.hadong.edu.vn", title, slug, "2026-09-01", banner_sentence);
    auto r = crawl_site({std::nullopt, "http://th-b.hadong.edu.vn/", ""}, config_for(web));
    CHECK(get(r, criterion::section).verdict == verdict::met);
    // The menu title or, when it says nothing ("Tin tức"), the slug found it; posts confirm it.
    CHECK(method_of(r, criterion::section) == (title == "Tin tức" ? "slug" : "menu-title"));
    REQUIRE(get(r, criterion::section).evidence.size() == 2);
    CHECK(get(r, criterion::section).evidence[1].method == "section-posts");
    // Post dated 2026-09-01: 90 days before "today", older than 30.
    CHECK(get(r, criterion::recent_post).verdict == verdict::not_met);
    CHECK(get(r, criterion::recent_post).note_en == "The newest PBGDPL post is 90 days old.");
  }
}

TEST_CASE("legal posts only in general news: the section falls back to post titles, dates come from the post") {
  fake_web web;
  const std::string base = "http://mn-c.hadong.edu.vn";
  web.add(base + "/robots.txt", "", "text/plain", 404);
  web.add(base + "/",
          "<html><body><nav><a href='/tin-tuc'>Tin tức</a><a href='/lien-he'>Liên hệ</a></nav>"
          "<div class='news'><a href='/tin-tuc/truong-mam-non-c-huong-ung-ngay-phap-luat-9-11.html'>"
          "Trường Mầm non C hưởng ứng Ngày Pháp luật 9/11</a>"
          "<a href='/tin-tuc/le-khai-giang-nam-hoc-moi.html'>Lễ khai giảng năm học mới</a></div>"
          "<div class='ads'><a href='https://pbgdpl.hanoi.gov.vn'><img src='/banner-pl.png'></a></div></body></html>");
  web.add(base + "/tin-tuc/truong-mam-non-c-huong-ung-ngay-phap-luat-9-11.html",
          "<html><body><div class='top'>Thứ hai, 30/11/2026</div><h1>Trường Mầm non C hưởng ứng Ngày Pháp luật 9/11</h1>"
          "<p>Ngày 10 tháng 11 năm 2026, nhà trường tổ chức...</p></body></html>");
  web.add(base + "/banner-pl.png", "PNG-with-the-sentence", "image/png");
  std::vector<std::string> ocr_calls;
  auto ocr = [&](std::string_view image) -> std::optional<std::string> {
    ocr_calls.emplace_back(image);
    return std::string("TRANG THÔNG TIN ĐIỆN TỬ\nPHỔ BIẾN PHÁP LUẬT THÀNH PHỐ HÀ NỘl");  // OCR's l for I
  };
  auto r = crawl_site({std::nullopt, base + "/", ""}, config_for(web, ocr));
  CHECK(get(r, criterion::section).verdict == verdict::met);
  CHECK(method_of(r, criterion::section) == "post-title");
  CHECK(get(r, criterion::section).confidence() == doctest::Approx(0.4));
  CHECK(get(r, criterion::division_link).verdict == verdict::not_met);
  CHECK(get(r, criterion::city_banner).verdict == verdict::met);
  CHECK(method_of(r, criterion::city_banner) == "ocr");
  CHECK(get(r, criterion::city_banner).evidence[0].matched.find("PHỔ BIẾN PHÁP LUẬT") != std::string::npos);
  CHECK(ocr_calls == std::vector<std::string>{"PNG-with-the-sentence"});
  CHECK(get(r, criterion::recent_post).verdict == verdict::met);
  CHECK(method_of(r, criterion::recent_post) == "text-date");
  // The header's "today" is not the post's date: the one after the heading is.
  CHECK(get(r, criterion::recent_post).evidence[0].matched == "Ngày 10 tháng 11 năm 2026");
}

TEST_CASE("a banner link without the sentence anywhere is not met, and the evidence says what was read") {
  fake_web web;
  add_qig_school(web, "th-d.hadong.edu.vn", "Phổ biến pháp luật", "pho-bien-phap-luat", "2026-11-25", "");
  web.add("http://th-d.hadong.edu.vn/UploadImages/Advertising/a/R1.png", "PNG-other", "image/png");
  auto r = crawl_site({std::nullopt, "http://th-d.hadong.edu.vn/", ""},
                      config_for(web, [](std::string_view) { return std::optional<std::string>("Chào mừng năm học mới"); }));
  CHECK(get(r, criterion::city_banner).verdict == verdict::not_met);
  CHECK(method_of(r, criterion::city_banner) == "no-sentence");
  CHECK(get(r, criterion::city_banner).evidence[0].matched == "Chào mừng năm học mới");
  CHECK(get(r, criterion::section).verdict == verdict::met);
  CHECK(get(r, criterion::recent_post).verdict == verdict::met);
}

TEST_CASE("a missing banner is not met with no evidence") {
  fake_web web;
  add_qig_school(web, "th-e.hadong.edu.vn", "Phổ biến pháp luật", "pho-bien-phap-luat", "2026-11-25", banner_sentence);
  auto& home = web.pages["http://th-e.hadong.edu.vn/"].body;
  home.replace(home.find("https://pbgdpl.hanoi.gov.vn/"), 28, "https://example.org/");
  auto r = crawl_site({std::nullopt, "http://th-e.hadong.edu.vn/", ""}, config_for(web));
  CHECK(get(r, criterion::city_banner).verdict == verdict::not_met);
  CHECK(get(r, criterion::city_banner).evidence.empty());
  CHECK(get(r, criterion::city_banner).note_en == "No banner links the city PBGDPL portal.");
}

TEST_CASE("a look-alike host is not the city portal") {
  fake_web web;
  add_qig_school(web, "th-f.hadong.edu.vn", "Phổ biến pháp luật", "pho-bien-phap-luat", "2026-11-25", banner_sentence);
  auto& home = web.pages["http://th-f.hadong.edu.vn/"].body;
  home.replace(home.find("https://pbgdpl.hanoi.gov.vn/"), 28, "https://pbgdpl.hanoi.gov.vn.evil.example/");
  auto r = crawl_site({std::nullopt, "http://th-f.hadong.edu.vn/", ""}, config_for(web));
  CHECK(get(r, criterion::city_banner).verdict == verdict::not_met);
}

TEST_CASE("a site that cannot be read is unknown on every criterion, with the failure recorded") {
  fake_web web;  // nothing answers
  auto r = crawl_site({std::nullopt, "http://down.hadong.edu.vn/", ""}, config_for(web));
  for (auto c : {criterion::section, criterion::division_link, criterion::city_banner, criterion::recent_post})
    CHECK(get(r, c).verdict == verdict::unknown);
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].url == "http://down.hadong.edu.vn/");
  CHECK(r.errors[0].failure == fetch_failure_name(fetch_failure::connect));
  CHECK_FALSE(r.compliant());

  auto bad = crawl_site({std::nullopt, "javascript:alert(1)", ""}, config_for(web));
  CHECK(get(bad, criterion::section).verdict == verdict::unknown);
  CHECK(bad.errors.at(0).failure == "bad_url");
}

TEST_CASE("robots.txt that forbids us makes the site unknown, and nothing else is fetched") {
  fake_web web;
  add_qig_school(web, "th-g.hadong.edu.vn", "Phổ biến pháp luật", "pho-bien-phap-luat", "2026-11-25", banner_sentence);
  web.add("http://th-g.hadong.edu.vn/robots.txt", "User-agent: *\nDisallow: /\n", "text/plain");
  auto r = crawl_site({std::nullopt, "http://th-g.hadong.edu.vn/", ""}, config_for(web));
  CHECK(get(r, criterion::section).verdict == verdict::unknown);
  CHECK(r.errors.at(0).failure == "robots");
  CHECK(web.asked == std::vector<std::string>{"http://th-g.hadong.edu.vn/robots.txt"});
}

TEST_CASE("a windows-1258 page is read in Vietnamese") {
  fake_web web;
  const std::string base = "http://thcs-h.hadong.edu.vn";
  web.add(base + "/robots.txt", "", "text/plain", 404);
  // "Phổ biến pháp luật" in windows-1258 (tones as combining marks).
  web.add(base + "/",
          "<html><head><meta http-equiv='Content-Type' content='text/html; charset=windows-1258'></head><body>"
          "<div id='menu'><a href='/chuyen-muc?id=7'>Ph\xF4\xD2 bi\xEA\xECn pha\xECp lu\xE2\xF2t</a></div></body></html>",
          "text/html");
  web.add(base + "/chuyen-muc?id=7", "<html><body><p>Chưa có bài</p></body></html>");
  auto r = crawl_site({std::nullopt, base + "/", ""}, config_for(web));
  CHECK(get(r, criterion::section).verdict == verdict::met);
  CHECK(method_of(r, criterion::section) == "menu-title");
  REQUIRE_FALSE(get(r, criterion::section).evidence.empty());
  CHECK(get(r, criterion::section).evidence[0].matched == "Phổ biến pháp luật");
  CHECK(get(r, criterion::section).note_en == "A PBGDPL section was found, but no posts in it.");
}

TEST_CASE("WordPress and NukeViet feeds date the posts") {
  fake_web web;
  const std::string wp = "http://thcs-wp.hadong.edu.vn";
  web.add(wp + "/robots.txt", "", "text/plain", 404);
  web.add(wp + "/",
          "<html><head><meta name='generator' content='WordPress 6.4'></head><body><nav class='menu'>"
          "<a href='/goc-tuyen-truyen/'>Góc tuyên truyền</a></nav>"
          "<a href='https://pbgdpl.hanoi.gov.vn'>Trang thông tin điện tử phổ biến pháp luật thành phố Hà Nội</a></body></html>");
  web.add(wp + "/goc-tuyen-truyen/", "<html><body><a href='/2026/11/25/tuyen-truyen-luat-giao-thong-duong-bo/'>Tuyên truyền luật giao thông</a></body></html>");
  web.add(wp + "/feed/",
          "<?xml version='1.0'?><rss version='2.0'><channel><item><title>Tuyên truyền luật giao thông</title>"
          "<link>" + wp + "/2026/11/25/tuyen-truyen-luat-giao-thong-duong-bo/</link><guid>1</guid>"
          "<pubDate>Wed, 25 Nov 2026 08:00:00 +0700</pubDate></item>"
          "<item><title>Tuyên truyền luật giao thông</title><link>" + wp + "/2026/11/25/tuyen-truyen-luat-giao-thong-duong-bo/</link>"
          "<guid>1</guid><pubDate>Wed, 25 Nov 2026 08:00:00 +0700</pubDate></item></channel></rss>",
          "application/rss+xml");
  auto r = crawl_site({std::nullopt, wp + "/", ""}, config_for(web));
  CHECK(r.platform == platform::wordpress);
  CHECK(get(r, criterion::section).verdict == verdict::met);
  CHECK(method_of(r, criterion::city_banner) == "link-text");
  CHECK(get(r, criterion::recent_post).verdict == verdict::met);
  CHECK(method_of(r, criterion::recent_post) == "feed-date");

  const std::string nv = "http://pgd-nv.hadong.edu.vn";
  web.add(nv + "/robots.txt", "", "text/plain", 404);
  web.add(nv + "/",
          "<html><head><meta name='generator' content='NukeViet v4.5'></head><body>"
          "<a href='https://pbgdpl.hanoi.gov.vn' title='Trang thông tin điện tử phổ biến pháp luật thành phố Hà Nội'>"
          "<img src='/b.png'></a></body></html>");
  web.add(nv + "/news/rss/",
          "<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><entry><title>Hưởng ứng Ngày Pháp luật</title>"
          "<link href='" + nv + "/news/hoat-dong/huong-ung-ngay-phap-luat-12.html'/><id>x</id>"
          "<updated>2026-10-01T00:00:00Z</updated></entry></feed>",
          "application/atom+xml");
  auto n = crawl_site({std::nullopt, nv + "/", ""}, config_for(web));
  CHECK(n.platform == platform::nukeviet);
  CHECK(method_of(n, criterion::city_banner) == "title");
  CHECK(get(n, criterion::recent_post).verdict == verdict::not_met);
  CHECK(method_of(n, criterion::recent_post) == "feed-date");
  // No section, but the feed's legal post title.
  CHECK(method_of(n, criterion::section) == "post-title");
}

TEST_CASE("a billion-laughs sitemap is refused, the crawl goes on") {
  fake_web web;
  add_qig_school(web, "th-x.hadong.edu.vn", "Phổ biến pháp luật", "pho-bien-phap-luat", "2026-11-25", banner_sentence);
  std::string lol = "<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'>";
  for (int i = 1; i < 10; ++i)
    lol += "<!ENTITY lol" + std::to_string(i) + " '" + std::string(10, '&') + "'>";  // shape only: refused at DOCTYPE
  lol += "]><urlset><url><loc>&lol9;</loc></url></urlset>";
  web.add("http://th-x.hadong.edu.vn/sitemap.xml", lol, "application/xml");
  auto r = crawl_site({std::nullopt, "http://th-x.hadong.edu.vn/", ""}, config_for(web));
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].failure == "sitemap");
  CHECK(get(r, criterion::section).verdict == verdict::met);
  CHECK(get(r, criterion::recent_post).verdict == verdict::not_met);  // the only date was in the sitemap
}

TEST_CASE("the page budget bounds the requests per site") {
  fake_web web;
  add_qig_school(web, "th-y.hadong.edu.vn", "Phổ biến pháp luật", "pho-bien-phap-luat", "2026-11-25", banner_sentence);
  auto c = config_for(web);
  c.page_budget = 2;
  auto r = crawl_site({std::nullopt, "http://th-y.hadong.edu.vn/", ""}, c);
  CHECK(r.pages_fetched == 2);
  CHECK(web.asked.size() == 2);
  CHECK(get(r, criterion::section).verdict == verdict::met);  // the menu link, unconfirmed
  CHECK(r.errors.at(0).failure == "budget");
}

TEST_CASE("crawl runs many sites on a pool and reports progress once per site") {
  fake_web web;
  std::vector<crawl_target> targets;
  for (int i = 0; i < 40; ++i) {
    auto host = "s" + std::to_string(i) + ".hadong.edu.vn";
    if (i % 4 != 3) add_qig_school(web, host, "Phổ biến pháp luật", "pho-bien-phap-luat", "2026-11-25", banner_sentence);
    targets.push_back({unit_id{"u" + std::to_string(i)}, "http://" + host + "/", ""});
  }
  auto c = config_for(web);
  c.concurrency = 8;
  std::vector<std::size_t> seen;
  auto results = crawl(targets, c, [&](std::size_t done, std::size_t total, const site_result&) {
    CHECK(total == 40);
    seen.push_back(done);
  });
  REQUIRE(results.size() == 40);
  CHECK(seen.size() == 40);
  CHECK(std::is_sorted(seen.begin(), seen.end()));
  for (int i = 0; i < 40; ++i) {
    CAPTURE(i);
    CHECK(results[i].unit == unit_id{"u" + std::to_string(i)});
    CHECK(results[i].compliant() == (i % 4 != 3));
  }
}

TEST_CASE("the sentence is matched folded, and OCR slips are tolerated only where asked") {
  const std::string s(city_portal_banner_text);
  CHECK(sentence_match("Banner: TRANG THÔNG TIN ĐIỆN TỬ PHỔ BIẾN PHÁP LUẬT THÀNH PHỐ HÀ NỘI", s, false) == 1.0);
  CHECK(sentence_match("trang thong tin dien tu pho bien phap luat thanh pho ha noi", s, false) == 1.0);
  CHECK(sentence_match("Trang thông tin điện tử phổ biến pháp luật", s, false) == 0);
  CHECK(sentence_match("Trang thông tin điện tử phổ biến pháp luật", s, true) == 0);  // 9 of 12 words
  CHECK(sentence_match("Trang th0ng tin điện tử phổ biến pháp luật thành phố Hà Nội", s, true) > 0.9);
  CHECK(sentence_match("Hà Nội thành phố luật pháp biến phổ tử điện tin thông Trang", s, true) == 0);
}
