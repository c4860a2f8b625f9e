#include <pbgdpl/network/robots.hpp>
#include <pbgdpl/core/time.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <string>

using namespace pbgdpl::network;

TEST_CASE("robots.txt: our group over the star group, the longest rule wins, Allow wins a tie") {
  const auto r = parse_robots(
      "\xEF\xBB\xBF# comment\nUser-agent: *\nDisallow: /\n\nUser-agent: Googlebot\nUser-agent: pbgdpl\n"
      "Disallow: /Timkiem\nDisallow: /private/\nAllow: /private/ok\nDisallow: /*.pdf$\nAllow: /tie\nDisallow: /tie\n"
      "Sitemap: https://a.edu.vn/sitemap.xml\n");
  CHECK(r.sitemaps == std::vector<std::string>{"https://a.edu.vn/sitemap.xml"});
  CHECK(r.allowed("pbgdpl", "/"));
  CHECK(r.allowed("PBGDPL", "/tin-tuc/c/1"));
  CHECK_FALSE(r.allowed("pbgdpl", "/Timkiem?q=1"));
  CHECK_FALSE(r.allowed("pbgdpl", "/private/x"));
  CHECK(r.allowed("pbgdpl", "/private/ok/1"));
  CHECK_FALSE(r.allowed("pbgdpl", "/files/a.pdf"));
  CHECK(r.allowed("pbgdpl", "/files/a.pdf?x=1"));
  CHECK(r.allowed("pbgdpl", "/tie"));
  CHECK(r.allowed("pbgdpl", "/robots.txt"));
  CHECK_FALSE(r.allowed("otherbot", "/anything"));
}

TEST_CASE("robots.txt: no group for us means allowed, an empty Disallow allows all") {
  CHECK(parse_robots("User-agent: otherbot\nDisallow: /\n").allowed("pbgdpl", "/x"));
  CHECK(parse_robots("User-agent: *\nDisallow:\n").allowed("pbgdpl", "/x"));
  CHECK(parse_robots("").allowed("pbgdpl", "/x"));
  CHECK_FALSE(parse_robots("User-agent: *\r\nDisallow: /\r\n").allowed("pbgdpl", "/x"));
}

TEST_CASE("robots patterns: star and dollar") {
  CHECK(robots_match("/a*b", "/a123b"));
  CHECK(robots_match("/a*b", "/a123b/more"));
  CHECK_FALSE(robots_match("/a*b$", "/a123b/more"));
  CHECK(robots_match("/a*b$", "/abab"));
  CHECK(robots_match("*.php$", "/index.php"));
  CHECK_FALSE(robots_match("*.php$", "/index.php?x"));
  CHECK(robots_match("/x$", "/x"));
  CHECK_FALSE(robots_match("/x$", "/xy"));
  CHECK(robots_match("/a**c", "/abc"));
  CHECK_FALSE(robots_match("/a*c*e", "/abcd"));
}

TEST_CASE("a hostile robots.txt pattern matches in linear time") {
  std::string pattern = "/";
  for (int i = 0; i < 500; ++i) pattern += "a*";
  pattern += "b$";
  std::string text = "User-agent: *\nDisallow: " + pattern + "\n";
  for (int i = 0; i < 3000; ++i) text += "Disallow: /" + std::string(300, 'a') + "*" + std::string(300, 'a') + "*c\n";
  const auto r = parse_robots(text);
  const std::string path = "/" + std::string(100'000, 'a');
  const auto t0 = pbgdpl::thread_cpu_time();  // the work, not wall time a loaded machine stretches
  CHECK(r.allowed("pbgdpl", path));
  CHECK(pbgdpl::thread_cpu_time() - t0 < std::chrono::seconds(2));
}
