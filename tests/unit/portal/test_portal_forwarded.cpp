// Issue 20: the portal behind a reverse proxy. X-Forwarded-Proto, -Host and -Prefix are read only
// from options::trusted_proxies and only when each passes its check (portal/options.hpp
// forwarded_url); what they change (the links' scheme, host and prefix) is part of the page
// cache's key, so one mount's answer is never served at another, and a stranger's forged
// headers change no byte. tests/integration/test_reverse_proxy.py runs the same behind nginx.
#include "portal_fixture.hpp"

using namespace pbgdpl;
using pbgdpl_test::portal_fixture;

namespace forwarded_test {
using fwd_headers = std::vector<std::pair<std::string, std::string>>;

http::request fwd_request(const std::string& target, const fwd_headers& hs, std::string peer, std::string host = "127.0.0.1:8080") {
  http::beast_request m{http::verb::get, target, 11};
  m.set(http::bhttp::field::host, host);
  for (const auto& [k, v] : hs) m.insert(k, v);  // insert: repeated lines stay repeated
  http::request req(std::move(m));
  req.remote_address = std::move(peer);
  REQUIRE(req.prepare());
  return req;
}

portal::options fwd_options() {
  portal::options o;
  o.base_url = "http://school.example";
  o.hosts = {{"thvanyen.edu.vn", "th-van-yen"}};
  o.trusted_proxies = {"10.0.0.0/8", "::1"};
  return o;
}

http::response fwd_send(portal_fixture& f, const std::string& target, const fwd_headers& hs, const std::string& peer) {
  auto req = fwd_request(target, hs, peer);
  return f.handle(req);
}

std::string fwd_text(const http::response& r) { return std::string(r.body_view()); }
}  // namespace forwarded_test
using namespace forwarded_test;

TEST_CASE("forwarded: read only from a trusted proxy, each value checked") {
  auto o = fwd_options();
  const fwd_headers all{{"X-Forwarded-Proto", "https"}, {"X-Forwarded-Host", "thvanyen.edu.vn"}, {"X-Forwarded-Prefix", "/phap-luat/"}};
  SUBCASE("a trusted peer: all three, the prefix made canonical") {
    for (const char* peer : {"10.1.2.3", "::1", "::ffff:10.0.0.1"}) {
      CAPTURE(peer);
      auto f = portal::forwarded(o, fwd_request("/pbgdpl/", all, peer));
      CHECK(f.scheme == "https");
      CHECK(f.host == "thvanyen.edu.vn");
      REQUIRE(f.prefix);
      CHECK(*f.prefix == "/phap-luat");
    }
  }
  SUBCASE("an untrusted peer, or no trusted proxies at all: nothing") {
    for (const char* peer : {"192.0.2.1", "11.0.0.1", "", "not an address"}) {
      CAPTURE(peer);
      auto f = portal::forwarded(o, fwd_request("/pbgdpl/", all, peer));
      CHECK(f.scheme.empty());
      CHECK(f.host.empty());
      CHECK_FALSE(f.prefix);
    }
    auto none = o;
    none.trusted_proxies.clear();
    CHECK_FALSE(portal::forwarded(none, fwd_request("/", all, "10.1.2.3")).prefix);
  }
  SUBCASE("values that fail their check are ignored, one by one") {
    auto f = portal::forwarded(o, fwd_request("/", {{"X-Forwarded-Proto", "gopher"}, {"X-Forwarded-Host", "evil.example"},
                                             {"X-Forwarded-Prefix", "//evil.example/x\"y"}},
                                       "10.0.0.1"));
    CHECK(f.scheme.empty());
    CHECK(f.host.empty());
    CHECK_FALSE(f.prefix);
    // Case is not a difference; a port on a configured host is (hosts carry none; base_url's has
    // its own), and neither is a Host a client may choose through a proxy that forwards it.
    CHECK(portal::forwarded(o, fwd_request("/", {{"X-Forwarded-Proto", "HTTPS"}}, "10.0.0.1")).scheme == "https");
    CHECK(portal::forwarded(o, fwd_request("/", {{"X-Forwarded-Host", "School.Example"}}, "10.0.0.1")).host == "school.example");
    CHECK(portal::forwarded(o, fwd_request("/", {{"X-Forwarded-Host", "thvanyen.edu.vn:6666"}}, "10.0.0.1")).host.empty());
    CHECK(portal::forwarded(o, fwd_request("/", {{"X-Forwarded-Host", "school.example.evil"}}, "10.0.0.1")).host.empty());
    for (const char* bad : {"/a b", "/..", "/%2e%2e", "/x?y", "/<script>", "/\xc3\xa1"}) {
      CAPTURE(bad);
      CHECK_FALSE(portal::forwarded(o, fwd_request("/", {{"X-Forwarded-Prefix", bad}}, "10.0.0.1")).prefix);
    }
    // "/" is the root: a proxy mounting the portal at its top.
    auto root = portal::forwarded(o, fwd_request("/", {{"X-Forwarded-Prefix", "/"}}, "10.0.0.1")).prefix;
    REQUIRE(root);
    CHECK(root->empty());
    CHECK_FALSE(portal::forwarded(o, fwd_request("/", {{"X-Forwarded-Prefix", ""}}, "10.0.0.1")).prefix);
  }
  SUBCASE("the rightmost value is the nearest proxy's: what a client prepended is not read") {
    auto f = portal::forwarded(o, fwd_request("/", {{"X-Forwarded-Proto", "http"}, {"X-Forwarded-Proto", "https"},
                                             {"X-Forwarded-Host", "evil.example, thvanyen.edu.vn"},
                                             {"X-Forwarded-Prefix", "/evil, /phap-luat"}},
                                       "10.0.0.1"));
    CHECK(f.scheme == "https");
    CHECK(f.host == "thvanyen.edu.vn");
    CHECK(f.prefix.value_or("?") == "/phap-luat");
    // And a client's value after the proxy's is the one read, and refused when it fails.
    CHECK(portal::forwarded(o, fwd_request("/", {{"X-Forwarded-Host", "thvanyen.edu.vn, evil.example"}}, "10.0.0.1")).host.empty());
  }
  SUBCASE("the public prefix, origin and mount base follow a trusted proxy only") {
    auto req = fwd_request("/pbgdpl/", all, "10.0.0.1");
    CHECK(portal::public_prefix_of(o, req) == "/phap-luat");
    CHECK(portal::public_origin(o, req) == "https://thvanyen.edu.vn");
    CHECK(portal::mount_base(o, req) == "/phap-luat");
    auto stranger = fwd_request("/pbgdpl/", all, "192.0.2.1");
    CHECK(portal::public_prefix_of(o, stranger).empty());
    CHECK(portal::public_origin(o, stranger) == "http://school.example");
    // base_url's host named by the proxy: base_url, with the proxy's scheme.
    auto own = fwd_request("/", {{"X-Forwarded-Proto", "https"}, {"X-Forwarded-Host", "school.example"}}, "10.0.0.1");
    CHECK(portal::public_origin(o, own) == "https://school.example");
    // options::public_prefix stands when the proxy names none, and is replaced when it does.
    o.public_prefix = "/cu";
    CHECK(portal::public_prefix_of(o, fwd_request("/", {}, "10.0.0.1")) == "/cu");
    CHECK(portal::public_prefix_of(o, fwd_request("/", {{"X-Forwarded-Prefix", "/moi"}}, "10.0.0.1")) == "/moi");
  }
}

TEST_CASE("response_cache: a vary part keeps answers apart, and invalidate(request) finds them") {
  http::cache_policy p;
  p.vary = [](const http::request& req, std::string& key) { key.append(req.header("X-V")); };
  http::response_cache cache({}, p);
  int renders = 0;
  http::handler h = [&](http::request& req) {
    ++renders;
    auto r = http::response::text("v=" + std::string(req.header("X-V")));
    r.cacheable = true;
    return r;
  };
  auto get = [&](std::string v) {
    auto req = fwd_request("/a", {{"X-V", v}}, "10.0.0.1");
    auto r = cache.serve(req, h);
    return std::string(r.body_view());
  };
  CHECK(get("1") == "v=1");
  CHECK(get("2") == "v=2");
  CHECK(get("1") == "v=1");
  CHECK(renders == 2);
  CHECK(cache.size() == 2);
  CHECK(cache.invalidate(fwd_request("/a", {{"X-V", "1"}}, "")));
  CHECK(cache.size() == 1);
  CHECK(get("2") == "v=2");
  CHECK(renders == 2);
}

TEST_CASE("portal behind a proxy: links, feeds, redirects and the cache follow the trusted proxy only") {
  portal_fixture f(fwd_options());
  const fwd_headers proxy{{"X-Forwarded-Proto", "https"}, {"X-Forwarded-Prefix", "/phap-luat"}};
  // Proxied first: the entry it makes must not be what a direct request is served.
  auto proxied = fwd_send(f, "/pbgdpl/", proxy, "10.0.0.1");
  REQUIRE(proxied.code == http::status::ok);
  CHECK(fwd_text(proxied).find("href=\"/phap-luat/pbgdpl/tin-hoat-dong/\"") != std::string::npos);
  auto direct = fwd_send(f, "/pbgdpl/", {}, "10.0.0.1");
  REQUIRE(direct.code == http::status::ok);
  CHECK(fwd_text(direct).find("/phap-luat/") == std::string::npos);
  CHECK(fwd_text(direct).find("href=\"/pbgdpl/tin-hoat-dong/\"") != std::string::npos);
  // Served again from the cache, each keeps its own answer.
  CHECK(fwd_text(fwd_send(f, "/pbgdpl/", proxy, "10.0.0.1")) == fwd_text(proxied));
  CHECK(fwd_text(fwd_send(f, "/pbgdpl/", {}, "10.0.0.1")) == fwd_text(direct));

  // The feed's absolute URLs: the proxy's scheme and prefix on base_url's host.
  auto feed = fwd_text(fwd_send(f, "/pbgdpl/feed.atom", proxy, "10.0.0.1"));
  CHECK(feed.find("https://school.example/phap-luat/pbgdpl/") != std::string::npos);
  CHECK(feed.find("http://school.example") == std::string::npos);
  // A configured host named by the proxy: that unit's pages, on that host.
  auto school = fwd_text(fwd_send(f, "/pbgdpl/feed.atom", {{"X-Forwarded-Host", "thvanyen.edu.vn"}, {"X-Forwarded-Prefix", "/pl"}}, "10.0.0.1"));
  CHECK(school.find("https://thvanyen.edu.vn") == std::string::npos);
  CHECK(school.find("http://thvanyen.edu.vn/pl/pbgdpl/") != std::string::npos);
  CHECK(school.find("th-van-yen-ngay-phap-luat-2023") != std::string::npos);
  CHECK(school.find("pgddt-trien-khai-kh19") == std::string::npos);

  // Redirects carry the prefix.
  auto to_section = fwd_send(f, "/pbgdpl", proxy, "10.0.0.1");
  CHECK(to_section.get("Location") == "/phap-luat/pbgdpl/");
  auto to_category = fwd_send(f, "/pbgdpl/tin-hoat-dong", proxy, "10.0.0.1");
  CHECK(to_category.get("Location") == "/phap-luat/pbgdpl/tin-hoat-dong/");

  // A stranger's forged headers: the same bytes as without them, and no new cache entry.
  const fwd_headers forged{{"X-Forwarded-Proto", "https"}, {"X-Forwarded-Host", "thvanyen.edu.vn"}, {"X-Forwarded-Prefix", "/evil"}};
  for (const char* target : {"/pbgdpl/", "/pbgdpl/feed.atom", "/sitemap.xml", "/robots.txt"}) {
    CAPTURE(target);
    auto plain = fwd_send(f, target, {}, "192.0.2.1");
    auto entries = [&] { return json::parse(fwd_text(fwd_send(f, "/healthz", {}, "192.0.2.1")))["cache"]["pages"]["entries"].get<int>(); };
    const auto before = entries();
    auto r = fwd_send(f, target, forged, "192.0.2.1");
    CHECK(entries() == before);
    CHECK(r.code == plain.code);
    CHECK(fwd_text(r) == fwd_text(plain));
    CHECK(fwd_text(r).find("/evil") == std::string::npos);
  }
  CHECK(fwd_send(f, "/pbgdpl", forged, "192.0.2.1").get("Location") == "/pbgdpl/");
}
