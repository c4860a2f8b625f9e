#include <pbgdpl/publish/feeds.hpp>

#include <doctest/doctest.h>

using namespace pbgdpl;

namespace {
publish::feed_meta meta() {
  publish::feed_meta m;
  m.id = "tag:pgd-hadong.edu.vn,2023:pbgdpl";
  m.title = "Phổ biến, giáo dục pháp luật";
  m.site_url = "http://127.0.0.1:8080/pbgdpl/";
  m.self_url = "http://127.0.0.1:8080/pbgdpl/feed.atom";
  m.author = "Phòng GDĐT quận Hà Đông";
  m.updated = *parse_timestamp("2023-03-22T08:30:00+07:00");
  return m;
}
publish::feed_entry hostile() {
  publish::feed_entry e;
  e.id = "tag:pgd-hadong.edu.vn,2023:article/a1";
  e.title = "<script>alert('x')</script> & \"quote\" \x01\x02";
  e.url = "http://127.0.0.1:8080/pbgdpl/bai-viet/a1?x=1&y=2";
  e.summary = "Tóm tắt </summary><evil/>";
  e.content_html = "<p>Nội dung</p>";
  e.author = "Trường TH Văn Yên";
  e.published = e.updated = *parse_timestamp("2023-03-22T08:30:00+07:00");
  e.categories = {"Tin hoạt động"};
  return e;
}
}  // namespace

TEST_SUITE("publish/feeds") {
  TEST_CASE("Atom escapes every text and drops characters XML forbids") {
    auto x = publish::atom_feed(meta(), {hostile()});
    CHECK(x.find("<script>") == std::string::npos);
    CHECK(x.find("&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt; &amp; &quot;quote&quot;") != std::string::npos);
    CHECK(x.find('\x01') == std::string::npos);
    CHECK(x.find("<evil/>") == std::string::npos);
    CHECK(x.find("href=\"http://127.0.0.1:8080/pbgdpl/bai-viet/a1?x=1&amp;y=2\"") != std::string::npos);
    CHECK(x.find("<id>tag:pgd-hadong.edu.vn,2023:article/a1</id>") != std::string::npos);
    CHECK(x.find("<updated>2023-03-22T08:30:00+07:00</updated>") != std::string::npos);
    CHECK(x.find("&lt;p&gt;Nội dung&lt;/p&gt;") != std::string::npos);  // html content is escaped text
  }

  TEST_CASE("RSS uses RFC 822 dates in Hà Nội time and a permanent guid") {
    auto x = publish::rss_feed(meta(), {hostile()});
    CHECK(x.find("<pubDate>Wed, 22 Mar 2023 08:30:00 +0700</pubDate>") != std::string::npos);
    CHECK(x.find("<guid isPermaLink=\"false\">tag:pgd-hadong.edu.vn,2023:article/a1</guid>") != std::string::npos);
    CHECK(x.find("<script>") == std::string::npos);
  }

  TEST_CASE("RSS descriptions are HTML: plain text in them (a unit's name, a summary) is escaped as HTML") {
    // Issue 21: a unit named "<img src=x onerror=alert(1)>" was put in the channel's description
    // escaped for XML only, which a reader decodes to live markup.
    auto m = meta();
    m.title = "Phổ biến – <img src=x onerror=alert(1)>";
    auto e = hostile();
    e.content_html.clear();  // no body: the summary stands in
    auto x = publish::rss_feed(m, {e});
    CHECK(x.find("<description>Phổ biến – &amp;lt;img src=x onerror=alert(1)&amp;gt;</description>") != std::string::npos);
    CHECK(x.find("<description>Tóm tắt &amp;lt;/summary&amp;gt;&amp;lt;evil/&amp;gt;</description>") != std::string::npos);
    CHECK(publish::rss_feed(meta(), {hostile()}).find("<description>&lt;p&gt;Nội dung&lt;/p&gt;</description>") != std::string::npos);
  }

  TEST_CASE("JSON Feed 1.1 is valid JSON with inert markup") {
    auto s = publish::json_feed(meta(), {hostile()});
    CHECK(s.find('<') == std::string::npos);
    auto j = json::parse(s);
    CHECK(j["version"] == "https://jsonfeed.org/version/1.1");
    CHECK(j["items"][0]["id"] == "tag:pgd-hadong.edu.vn,2023:article/a1");
    CHECK(j["items"][0]["title"].get<std::string>().rfind("<script>", 0) == 0);  // data intact, escaped only in transport
    CHECK(j["items"][0]["date_published"] == "2023-03-22T08:30:00+07:00");
  }
}
