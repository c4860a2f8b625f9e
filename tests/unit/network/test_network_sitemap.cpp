#include <pbgdpl/network/sitemap.hpp>
#include <pbgdpl/core/time.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <string>

using namespace pbgdpl;
using namespace pbgdpl::network;

TEST_CASE("dates in the forms sites and feeds write them") {
  auto iso = [](const char* s) { return format_timestamp(*parse_any_date(s)); };
  CHECK(iso("2026-11-20") == "2026-11-20T00:00:00+07:00");
  CHECK(iso("2026-11-20T01:00:00Z") == "2026-11-20T08:00:00+07:00");
  CHECK(iso("2026-11-20T08:00:00.123+07:00") == "2026-11-20T08:00:00+07:00");
  CHECK(iso("Fri, 20 Nov 2026 08:00:00 +0700") == "2026-11-20T08:00:00+07:00");
  CHECK(iso("20 Nov 2026 01:00:00 GMT") == "2026-11-20T08:00:00+07:00");
  CHECK(iso("22/03/2023") == "2023-03-22T00:00:00+07:00");
  CHECK(iso("ngày 22 tháng 3 năm 2023") == "2023-03-22T00:00:00+07:00");
  CHECK_FALSE(parse_any_date("31/02/2023"));
  CHECK_FALSE(parse_any_date("9/11"));
  CHECK_FALSE(parse_any_date("yesterday"));
  auto td = find_text_date("Hưởng ứng Ngày Pháp luật 9/11. Ngày 5 tháng 12 năm 2026, trường...");
  REQUIRE(td);
  CHECK(td->written == "Ngày 5 tháng 12 năm 2026");
}

TEST_CASE("sitemaps, sitemap indexes, RSS and Atom give their entries with dates") {
  auto m = parse_xml_list("<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
                          "<url><loc> https://a.edu.vn/x/ct/1/2 </loc><lastmod>2026-11-20</lastmod></url><url><loc>/y</loc></url></urlset>");
  REQUIRE(m);
  CHECK(m->kind == xml_list_kind::urlset);
  REQUIRE(m->entries.size() == 2);
  CHECK(m->entries[0].link == "https://a.edu.vn/x/ct/1/2");
  CHECK(format_timestamp(*m->entries[0].when) == "2026-11-20T00:00:00+07:00");
  CHECK_FALSE(m->entries[1].when);
  auto idx = parse_xml_list("<sitemapindex><sitemap><loc>https://a/s1.xml</loc></sitemap></sitemapindex>");
  REQUIRE(idx);
  CHECK(idx->kind == xml_list_kind::sitemap_index);
  auto rss = parse_xml_list("<rss><channel><title>chan</title><item><title>T</title><link>https://a/p</link><guid>g1</guid>"
                            "<pubDate>Wed, 25 Nov 2026 08:00:00 +0700</pubDate></item></channel></rss>");
  REQUIRE(rss);
  CHECK(rss->kind == xml_list_kind::rss);
  REQUIRE(rss->entries.size() == 1);
  CHECK(rss->entries[0].title == "T");
  CHECK(rss->entries[0].id == "g1");
  auto atom = parse_xml_list("<feed xmlns='http://www.w3.org/2005/Atom'><entry><title>A</title><link rel='edit' href='/e'/>"
                             "<link href='/p'/><id>x</id><updated>2026-11-01T00:00:00Z</updated></entry></feed>");
  REQUIRE(atom);
  CHECK(atom->entries.at(0).link == "/p");
  CHECK(atom->entries.at(0).date == "2026-11-01T00:00:00Z");
}

TEST_CASE("XML with a DOCTYPE (billion laughs, external entities) is refused at once") {
  std::string lol = "<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'>";
  std::string prev = "lol";
  for (int i = 1; i < 12; ++i) {
    std::string name = "lol" + std::to_string(i), body;
    for (int k = 0; k < 10; ++k) body += "&" + prev + ";";
    lol += "<!ENTITY " + name + " '" + body + "'>";
    prev = name;
  }
  lol += "]><urlset><url><loc>&" + prev + ";</loc></url></urlset>";
  const auto t0 = pbgdpl::thread_cpu_time();  // the work, not wall time a loaded machine stretches
  auto r = parse_xml_list(lol);
  CHECK_FALSE(r);
  CHECK(pbgdpl::thread_cpu_time() - t0 < std::chrono::seconds(1));
  CHECK_FALSE(parse_xml_list("<!DOCTYPE x SYSTEM 'file:///etc/passwd'><urlset/>"));
  CHECK_FALSE(parse_xml_list("not xml"));
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "<a>";
  CHECK_FALSE(parse_xml_list(deep));
}
