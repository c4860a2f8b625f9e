#include <pbgdpl/network/feed_reader.hpp>
#include <pbgdpl/core/time.hpp>
#include <pbgdpl/network/sanitize.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <string>

using namespace pbgdpl;
using namespace std::chrono_literals;

namespace {

timestamp utc(int y, unsigned mo, unsigned d, int h, int mi, int s) {
  using namespace std::chrono;
  return timestamp{sys_days{year{y} / month{mo} / day{d}}} + hours{h} + minutes{mi} + seconds{s};
}

const char* atom_feed = R"(<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="html">Tin &lt;b&gt;THCS&lt;/b&gt; Văn Yên</title>
  <id>urn:uuid:school-a</id>
  <link rel="alternate" href="https://thcs-a.example.edu.vn/"/>
  <link rel="self" href="https://thcs-a.example.edu.vn/feed.atom"/>
  <updated>2024-11-20T08:30:00+07:00</updated>
  <entry>
    <id>tag:thcs-a,2024:1</id>
    <title>Ngày Pháp luật 9/11</title>
    <link href="/tin/ngay-phap-luat"/>
    <published>2024-11-09T07:00:00+07:00</published>
    <updated>2024-11-10T01:02:03Z</updated>
    <author><name>Cô Lan</name></author>
    <summary>Học sinh &amp; thầy cô</summary>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Hôm nay <b>cả trường</b></p></div></content>
  </entry>
</feed>)";

}  // namespace

TEST_CASE("an Atom feed gives its title, links, ids, dates, authors and XHTML content") {
  auto f = network::parse_feed(atom_feed, "https://thcs-a.example.edu.vn/feed.atom");
  REQUIRE(f);
  CHECK(f->format == network::feed_format::atom);
  CHECK(f->title == "Tin THCS Văn Yên");
  CHECK(f->id == "urn:uuid:school-a");
  CHECK(f->link == "https://thcs-a.example.edu.vn/");
  CHECK(f->self == "https://thcs-a.example.edu.vn/feed.atom");
  REQUIRE(f->entries.size() == 1);
  const auto& e = f->entries[0];
  CHECK(e.id == "tag:thcs-a,2024:1");
  CHECK(e.link == "https://thcs-a.example.edu.vn/tin/ngay-phap-luat");
  CHECK(e.title == "Ngày Pháp luật 9/11");
  CHECK(e.published == utc(2024, 11, 9, 0, 0, 0));
  CHECK(e.updated == utc(2024, 11, 10, 1, 2, 3));
  CHECK(e.authors == std::vector<std::string>{"Cô Lan"});
  CHECK(e.summary_html == "Học sinh &amp; thầy cô");
  CHECK(e.content_html == "<p>Hôm nay <b>cả trường</b></p>");
}

TEST_CASE("an RSS 2.0 feed reads namespaced content:encoded, dc:date, dc:creator and atom:link") {
  const char* rss = R"(<?xml version="1.0"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:a="http://www.w3.org/2005/Atom">
<channel>
  <title>TH Kiến Hưng</title><link>http://th-kh.example.edu.vn/</link><description>x</description>
  <a:link rel="self" href="http://th-kh.example.edu.vn/feed/"/>
  <item>
    <title>Tuyên truyền &lt;i&gt;pháp luật&lt;/i&gt;</title>
    <link>http://th-kh.example.edu.vn/?p=12</link>
    <guid isPermaLink="false">12@th-kh</guid>
    <description><![CDATA[<p>Tóm tắt</p>]]></description>
    <content:encoded><![CDATA[<p>Toàn văn</p>]]></content:encoded>
    <dc:creator>Admin</dc:creator>
    <pubDate>Sat, 09 Nov 2024 08:00:00 +0700</pubDate>
  </item>
  <item>
    <title>Không có ngày gửi</title>
    <guid>http://th-kh.example.edu.vn/?p=13</guid>
    <dc:date>2024-11-12T10:00:00Z</dc:date>
  </item>
</channel></rss>)";
  auto f = network::parse_feed(rss);
  REQUIRE(f);
  CHECK(f->format == network::feed_format::rss);
  CHECK(f->self == "http://th-kh.example.edu.vn/feed/");
  CHECK(f->id == "http://th-kh.example.edu.vn/feed/");
  REQUIRE(f->entries.size() == 2);
  CHECK(f->entries[0].title == "Tuyên truyền pháp luật");
  CHECK(f->entries[0].id == "12@th-kh");
  CHECK(f->entries[0].content_html == "<p>Toàn văn</p>");
  CHECK(f->entries[0].summary_html == "<p>Tóm tắt</p>");
  CHECK(f->entries[0].authors == std::vector<std::string>{"Admin"});
  CHECK(f->entries[0].published == utc(2024, 11, 9, 1, 0, 0));
  // A guid that is a permalink stands in for the missing link.
  CHECK(f->entries[1].link == "http://th-kh.example.edu.vn/?p=13");
  CHECK(f->entries[1].published == utc(2024, 11, 12, 10, 0, 0));
}

TEST_CASE("an RSS 1.0 (RDF) feed reads its items beside the channel") {
  const char* rdf = R"(<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="http://x.example/"><title>RDF</title><link>http://x.example/</link></channel>
  <item rdf:about="http://x.example/1"><title>Một</title><link>http://x.example/1</link>
    <dc:date>2024-01-02T03:04:05+00:00</dc:date></item>
</rdf:RDF>)";
  auto f = network::parse_feed(rdf);
  REQUIRE(f);
  CHECK(f->format == network::feed_format::rdf);
  REQUIRE(f->entries.size() == 1);
  CHECK(f->entries[0].id == "http://x.example/1");
  CHECK(f->entries[0].published == utc(2024, 1, 2, 3, 4, 5));
}

TEST_CASE("a JSON Feed 1.1 gives its items, and deep nesting is refused before parsing") {
  const char* jf = R"({"version":"https://jsonfeed.org/version/1.1","title":"MN Hoa Sen","home_page_url":"https://mn.example/",
    "items":[{"id":"1","url":"/a","title":"Bé vui","content_html":"<p>Hi</p>","date_published":"2024-11-20T08:30:00+07:00",
    "authors":[{"name":"Cô Mai"}]},{"id":2,"content_text":"a < b"}]})";
  auto f = network::parse_feed(jf);
  REQUIRE(f);
  CHECK(f->format == network::feed_format::json_feed);
  REQUIRE(f->entries.size() == 2);
  CHECK(f->entries[0].link == "https://mn.example/a");
  CHECK(f->entries[0].published == utc(2024, 11, 20, 1, 30, 0));
  CHECK(f->entries[0].authors == std::vector<std::string>{"Cô Mai"});
  CHECK(f->entries[1].id == "2");
  CHECK(f->entries[1].content_html == "a &lt; b");
  std::string deep = "{\"items\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  auto bad = network::parse_feed(deep);
  REQUIRE(!bad);
  CHECK(bad.err().code == errc::too_large);
}

TEST_CASE("feed dates: RFC 3339 and RFC 822 as real feeds write them") {
  using network::parse_feed_date;
  CHECK(parse_feed_date("2024-11-20T08:30:00+07:00") == utc(2024, 11, 20, 1, 30, 0));
  CHECK(parse_feed_date("2024-11-20t01:30:00.123z") == utc(2024, 11, 20, 1, 30, 0));
  CHECK(parse_feed_date("2024-11-20 08:30:00+0700") == utc(2024, 11, 20, 1, 30, 0));
  CHECK(parse_feed_date("2024-11-20") == utc(2024, 11, 20, 0, 0, 0));
  CHECK(parse_feed_date("Wed, 20 Nov 2024 08:30:00 +0700") == utc(2024, 11, 20, 1, 30, 0));
  CHECK(parse_feed_date("20 Nov 2024 01:30 GMT") == utc(2024, 11, 20, 1, 30, 0));
  CHECK(parse_feed_date("Wed, 20 November 24 01:30:00 Z") == utc(2024, 11, 20, 1, 30, 0));
  CHECK(parse_feed_date("Tues, 19 Nov 2024 20:30:00 EST") == utc(2024, 11, 20, 1, 30, 0));
  CHECK(parse_feed_date("Wed, 20 Nov 2024 8:30:00 +07:00") == utc(2024, 11, 20, 1, 30, 0));
  CHECK(parse_feed_date("Wed,20 Nov 2024 01:30:00") == utc(2024, 11, 20, 1, 30, 0));
  CHECK(!parse_feed_date("hôm qua"));
  CHECK(!parse_feed_date("2024-02-30T00:00:00Z"));
  CHECK(!parse_feed_date("Wed, 20 Foo 2024 01:30:00 GMT"));
  CHECK(!parse_feed_date(""));
}

TEST_CASE("billion laughs is refused at its first entity declaration, in well under a second") {
  std::string bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n";
  for (int i = 1; i < 10; ++i)
    bomb += "<!ENTITY lol" + std::to_string(i) + " \"" + std::string(10, '&') + "\">\n";
  bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n";
  std::string prev = "lol";
  for (int i = 1; i < 10; ++i) {
    std::string name = "lol" + std::to_string(i), v;
    for (int k = 0; k < 10; ++k) v += "&" + prev + ";";
    bomb += "<!ENTITY " + name + " \"" + v + "\">\n";
    prev = name;
  }
  bomb += "]>\n<rss version=\"2.0\"><channel><title>&lol9;</title></channel></rss>";
  auto t0 = pbgdpl::thread_cpu_time();  // the work, not wall time a loaded machine stretches
  auto f = network::parse_feed(bomb);
  auto took = pbgdpl::thread_cpu_time() - t0;
  REQUIRE(!f);
  CHECK(f.err().code == errc::parse_error);
  CHECK(f.err().message_en.find("entities") != std::string::npos);
  CHECK(took < 100ms);
}

TEST_CASE("an external entity is refused and never read") {
  std::string xxe = "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                    "<rss version=\"2.0\"><channel><title>&x;</title></channel></rss>";
  auto f = network::parse_feed(xxe);
  REQUIRE(!f);
  CHECK(f.err().message_en.find("entities") != std::string::npos);
  // A DOCTYPE naming an external DTD (old RSS 0.91 feeds do) is read without fetching it.
  std::string old = "<?xml version=\"1.0\"?><!DOCTYPE rss PUBLIC \"-//Netscape Communications//DTD RSS 0.91//EN\" "
                    "\"http://my.netscape.com/publish/formats/rss-0.91.dtd\"><rss version=\"0.91\"><channel><title>A&nbsp;B</title>"
                    "<item><title>x</title><link>http://a.example/1</link></item></channel></rss>";
  auto o = network::parse_feed(old);
  REQUIRE(o);
  CHECK(o->title == "AB");
  CHECK(o->entries.size() == 1);
}

TEST_CASE("deep XML nesting and an oversized feed are refused with a clear error") {
  std::string deep = "<rss version=\"2.0\"><channel>";
  for (int i = 0; i < 10000; ++i) deep += "<x>";
  auto f = network::parse_feed(deep);
  REQUIRE(!f);
  CHECK(f.err().code == errc::too_large);
  network::feed_limits lim;
  lim.max_bytes = 1000;
  auto big = network::parse_feed(std::string(2000, ' ') + "<rss/>", {}, lim);
  REQUIRE(!big);
  CHECK(big.err().code == errc::too_large);
}

TEST_CASE("windows-1258 feeds are read and composed to NFC, unknown encodings are a clear error") {
  // "Trường" in windows-1258: T r 0xFD (ư) 0xF5 (ơ) 0xCC (combining grave) n g.
  std::string cp = "<?xml version=\"1.0\" encoding=\"windows-1258\"?><rss version=\"2.0\"><channel><title>Tr\xFD\xF5\xCCng</title>"
                   "</channel></rss>";
  auto f = network::parse_feed(cp);
  REQUIRE(f);
  CHECK(f->title == "Trường");
  std::string latin = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss version=\"2.0\"><channel><title>caf\xE9</title>"
                      "</channel></rss>";
  auto l = network::parse_feed(latin);
  REQUIRE(l);
  CHECK(l->title == "café");
  auto bad = network::parse_feed("<?xml version=\"1.0\" encoding=\"windows-1250\"?><rss/>");
  REQUIRE(!bad);
  CHECK(bad.err().message_en.find("windows-1250") != std::string::npos);
}

TEST_CASE("NFD text in a feed comes out NFC") {
  // "Việt" written decomposed: e + U+0323 + U+0302.
  std::string nfd = "<rss version=\"2.0\"><channel><title>Vie\xCC\xA3\xCC\x82t</title></channel></rss>";
  auto f = network::parse_feed(nfd);
  REQUIRE(f);
  CHECK(f->title == "Việt");
}

TEST_CASE("not a feed: HTML, broken XML and an unknown root are errors, not crashes") {
  CHECK(!network::parse_feed("<html><body>hi</body></html>"));
  CHECK(!network::parse_feed("<rss><channel><title>x</channel>"));
  CHECK(!network::parse_feed(""));
  CHECK(!network::parse_feed("{not json"));
}

TEST_CASE("duplicate entry ids are all returned: deduplication is the aggregator's") {
  std::string rss = "<rss version=\"2.0\"><channel><title>d</title>";
  for (int i = 0; i < 3; ++i) rss += "<item><guid>same</guid><title>t" + std::to_string(i) + "</title></item>";
  rss += "</channel></rss>";
  auto f = network::parse_feed(rss);
  REQUIRE(f);
  CHECK(f->entries.size() == 3);
  network::feed_limits lim;
  lim.max_entries = 2;
  auto g = network::parse_feed(rss, {}, lim);
  REQUIRE(g);
  CHECK(g->entries.size() == 2);
}

TEST_CASE("the sanitiser keeps the allow-list and drops script, style, handlers and bad URLs") {
  network::sanitize_options o;
  o.base_url = "https://thcs-a.example.edu.vn/tin/1";
  auto s = network::sanitize_html(
      "<p onclick=\"x()\" style=\"color:red\">Xin <b>chào</b><script>alert(1)</script></p>"
      "<style>p{}</style><iframe src=\"https://evil.example\">inside</iframe>"
      "<a href=\"javascript:alert(1)\">js</a> <a href=\"../anh/2\" target=\"_blank\">rel</a>"
      "<img src=\"data:image/png;base64,xx\" onerror=\"x()\"><img src=\"/a.png\" alt=\"Ảnh\" width=\"30\" height=\"x\">"
      "<div><span>giữ chữ</span></div><a href=\"mailto:a@b.vn\">thư</a><svg><script>alert(2)</script></svg>",
      o);
  CHECK(s ==
        "<p>Xin <b>chào</b></p>js <a href=\"https://thcs-a.example.edu.vn/anh/2\" rel=\"nofollow noopener noreferrer ugc\">rel</a>"
        "<img src=\"https://thcs-a.example.edu.vn/a.png\" alt=\"Ảnh\" width=\"30\" loading=\"lazy\">giữ chữ"
        "<a href=\"mailto:a@b.vn\" rel=\"nofollow noopener noreferrer ugc\">thư</a>");
  CHECK(s.find("alert") == std::string::npos);
}

TEST_CASE("the sanitiser survives deep nesting and keeps text past the depth cap") {
  std::string deep;
  for (int i = 0; i < 20000; ++i) deep += "<blockquote>";
  deep += "đáy";
  auto t0 = std::chrono::steady_clock::now();
  auto s = network::sanitize_html(deep);
  CHECK(std::chrono::steady_clock::now() - t0 < 5s);
  CHECK(s.find("đáy") != std::string::npos);
  CHECK(s.size() < 32 * 40);
}

TEST_CASE("headings are demoted to strong paragraphs when the page owns its outline") {
  network::sanitize_options o;
  o.headings = false;
  CHECK(network::sanitize_html("<h1>A</h1><h4>B</h4>", o) == "<p><strong>A</strong></p><p><strong>B</strong></p>");
  CHECK(network::sanitize_html("<h1>A</h1><h6>B</h6>") == "<h2>A</h2><h4>B</h4>");
}

TEST_CASE("a combining long solidus cannot join a tag after normalisation") {
  auto s = network::sanitize_html("<p>\xCC\xB8 onmouseover=alert(1)</p>");
  CHECK(s == "<p>&#824; onmouseover=alert(1)</p>");
}

TEST_CASE("html_to_text drops script and separates blocks") {
  CHECK(network::html_to_text("<p>Một</p><p>Hai<script>x</script></p>") == "Một Hai");
  CHECK(network::html_to_text("<b>ab</b>cd", 3) == "abc");
}

TEST_CASE("nesting that would make gumbo quadratic is read as plain text, in well under a second") {
  std::string divs, bolds, late_close = "<script>x</SCRIPT>";
  for (int i = 0; i < 100000; ++i) divs += "<div>";
  for (int i = 0; i < 100000; ++i) bolds += "<b>";
  for (int i = 0; i < 100000; ++i) late_close += "<div>";
  divs += "đáy";
  for (const auto* s : {&divs, &bolds, &late_close}) {
    CHECK(!network::html_parse_is_cheap(*s));
    auto t0 = pbgdpl::thread_cpu_time();  // the work, not wall time a loaded machine stretches
    auto out = network::sanitize_html(*s);
    auto text = network::html_to_text(*s);
    CHECK(pbgdpl::thread_cpu_time() - t0 < 1s);
    CHECK(out.find('<') == (out.empty() ? std::string::npos : 0));  // at most one <p> around text
  }
  CHECK(network::sanitize_html(divs) == "<p>đáy</p>");
  // Real documents stay under the caps: unclosed paragraphs and list items do not nest.
  std::string paras;
  for (int i = 0; i < 5000; ++i) paras += "<p>Đoạn <b>đậm</b><li>mục";
  CHECK(network::html_parse_is_cheap(paras));
}

TEST_CASE("entry links that are not http(s) are dropped, relative ones resolved") {
  auto f = network::parse_feed(
      "<feed xmlns=\"http://www.w3.org/2005/Atom\"><id>x</id><entry><id>1</id><link href=\"javascript:alert(1)\"/></entry>"
      "<entry><id>2</id><link href=\"data:text/html,x\"/></entry><entry><id>3</id><link href=\"../b\"/></entry></feed>",
      "https://s.example/a/feed.atom");
  REQUIRE(f);
  REQUIRE(f->entries.size() == 3);
  CHECK(f->entries[0].link.empty());
  CHECK(f->entries[1].link.empty());
  CHECK(f->entries[2].link == "https://s.example/b");
}
