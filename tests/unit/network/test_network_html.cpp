#include <pbgdpl/network/html.hpp>
#include <pbgdpl/core/time.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <string>

using namespace pbgdpl;
using namespace pbgdpl::network;

TEST_CASE("a Quang Ich page gives its menu links, its banner image link, its feed and dates") {
  const auto doc = html::document::parse(R"(<!doctype html><html><head><title>THCS A  <b>x</b></title>
<meta property="article:published_time" content="2026-11-20T08:00:00+07:00">
<link rel="alternate" type="application/rss+xml" href="/news/rss/"></head><body>
<ul class="menu"><li class="it-menu"><a href="/pho-bien-phap-luat/c/1" title="Phổ biến pháp luật">PBPL</a></li></ul>
<div id="qcphai"><a target="_blank" href="https://pbgdpl.hanoi.gov.vn"><img class="qiwithqctraiphai" alt="" src="/UploadImages/R1.png"></a></div>
<p><time datetime="2026-11-21">21/11</time></p><script>document.write('<a href="/x">hidden</a>')</script></body></html>)");
  const auto links = doc.links();
  REQUIRE(links.size() == 2);
  CHECK(links[0].href == "/pho-bien-phap-luat/c/1");
  CHECK(links[0].title == "Phổ biến pháp luật");
  CHECK(links[0].text == "PBPL");
  CHECK(links[0].in_menu);
  CHECK(doc.path_of(links[0].index) == "li.it-menu > a");
  CHECK(links[1].href == "https://pbgdpl.hanoi.gov.vn");
  CHECK(links[1].img_src == "/UploadImages/R1.png");
  CHECK(links[1].img_alt.empty());
  CHECK_FALSE(links[1].in_menu);
  CHECK(doc.path_of(links[1].index) == "div#qcphai > a");
  CHECK(doc.outer_summary(links[1].index).find("<img alt=\"\" src=\"/UploadImages/R1.png\">") != std::string::npos);
  CHECK(doc.title() == "THCS A <b>x</b>");  // <title> is raw text: markup in it stays text
  REQUIRE(doc.feeds().size() == 1);
  CHECK(doc.feeds()[0] == "/news/rss/");
  const auto dates = doc.declared_dates();
  REQUIRE(dates.size() == 2);
  CHECK(dates[0] == "2026-11-20T08:00:00+07:00");
  CHECK(dates[1] == "2026-11-21");
  CHECK(doc.text().find("hidden") == std::string::npos);  // script is no text
}

TEST_CASE("broken HTML still gives its links") {
  const auto doc = html::document::parse("<div><a href='/a'>one<a href=/b>two</div></span><li><a href=\"/c\">three");
  const auto links = doc.links();
  REQUIRE(links.size() == 3);
  CHECK(links[0].text == "one");
  CHECK(links[1].href == "/b");
  CHECK(links[2].text == "three");
}

TEST_CASE("deeply nested hostile HTML is cut, not parsed for minutes or walked recursively") {
  for (const char* open : {"<div>", "<b>", "<span><i>", "<table><tr><td>"}) {
    CAPTURE(open);
    std::string page = "<a href='/top'>top</a>";
    for (int i = 0; i < 100'000; ++i) page += open;
    page += "<a href='/deep'>deep</a>";
    // This thread's CPU time: the work the page costs (a loaded machine stretches wall time only).
    const auto t0 = pbgdpl::thread_cpu_time();
    const auto doc = html::document::parse(page);
    const auto spent = pbgdpl::thread_cpu_time() - t0;
    CHECK(doc.truncated());
    CHECK(spent < std::chrono::seconds(2));
    REQUIRE_FALSE(doc.links().empty());
    CHECK(doc.links().front().href == "/top");
  }
  // Real pages are not cut: 300 levels and many siblings.
  std::string ok;
  for (int i = 0; i < 300; ++i) ok += "<div>";
  for (int i = 0; i < 5000; ++i) ok += "<p>para <br> <img src=x.png></p>";
  ok += "<a href='/end'>end</a>";
  const auto doc = html::document::parse(ok);
  CHECK_FALSE(doc.truncated());
  REQUIRE(doc.links().size() == 1);
  CHECK(doc.links()[0].href == "/end");
}

TEST_CASE("the declared charset comes from the header, then the meta") {
  CHECK(html::declared_charset("text/html; charset=Windows-1258", "<meta charset=utf-8>") == "windows-1258");
  CHECK(html::declared_charset("text/html", "<head><META charset=\"ISO-8859-1\">") == "iso-8859-1");
  CHECK(html::declared_charset("", "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\">") ==
        "windows-1252");
  CHECK(html::declared_charset("", "<p>charset=nothing</p>").empty());
}

TEST_CASE("windows-1258 and latin-1 pages become NFC UTF-8, an unknown charset is refused") {
  // "Phổ biến" in windows-1258: P h ô(F4) hook(D2) space b i ê(EA) acute(EC) n
  auto v = html::decode_to_utf8("Ph\xF4\xD2 bi\xEA\xECn", "windows-1258");
  REQUIRE(v);
  CHECK(*v == "Phổ biến");
  auto l = html::decode_to_utf8("caf\xE9 \x93q\x94", "iso-8859-1");
  REQUIRE(l);
  CHECK(*l == "café “q”");
  auto u = html::decode_to_utf8("ok \xFF end", "utf-8");
  REQUIRE(u);
  CHECK(*u == "ok \xEF\xBF\xBD end");
  CHECK_FALSE(html::decode_to_utf8("x", "x-no-such-charset"));
}
