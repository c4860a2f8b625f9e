#include <pbgdpl/http/middleware.hpp>
#include <pbgdpl/http/static_files.hpp>

#include "support.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <filesystem>
#include <fstream>

#include <zlib.h>  // the gzip test inflates what the server sent

using namespace test_http;

namespace {
// A tiny "portal": pages rendered by counting how often the handler ran, cached by tag.
struct portal_fixture {
  std::shared_ptr<http::router> routes = sample_router();
  http::response_cache cache;
  std::atomic<int> renders{0};
  std::atomic<int> version{1};
  std::unique_ptr<running> srv;

  explicit portal_fixture(http::server_config cfg = quick_config(), http::cache_limits limits = {}) : cache(limits) {
    routes->get("/pbgdpl/tin-tuc/{slug}", [this](http::request& q) {
      ++renders;
      auto r = http::response::html("<h1>" + std::string(q.param("slug")) + " v" + std::to_string(version.load()) + "</h1>");
      r.cache_tags = {"article:" + std::string(q.param("slug")), "category:tin-tuc"};
      r.set("Last-Modified", "Tue, 05 Mar 2024 08:00:00 GMT");
      return r;
    });
    routes->get("/uncached", [this](http::request&) {
      ++renders;
      return http::response::text("fresh " + std::to_string(renders.load()));
    });
    http::pipeline p;
    p.use(http::conditional_get()).use(cache.layer()).use(http::security_headers());
    srv = std::make_unique<running>(p.build(http::router::as_handler(routes)), cfg);
  }
};
}  // namespace

TEST_CASE("a matching If-None-Match answers 304 without a body") {
  portal_fixture f;
  auto first = f.srv->get("/pbgdpl/tin-tuc/a");
  REQUIRE(first.status == 200);
  auto etag = std::string(first.header("ETag"));
  CHECK(etag.size() == 34);  // 128-bit XXH3 in hex, quoted
  CHECK(etag == http::etag_for(first.body));
  auto again = f.srv->get("/pbgdpl/tin-tuc/a", {{"If-None-Match", etag}});
  CHECK(again.status == 304);
  CHECK(again.body.empty());
  CHECK(again.header("ETag") == etag);
  CHECK(f.srv->get("/pbgdpl/tin-tuc/a", {{"If-None-Match", "\"other\", W/" + etag}}).status == 304);
  CHECK(f.srv->get("/pbgdpl/tin-tuc/a", {{"If-None-Match", "\"other\""}}).status == 200);
  // Uncached responses get an ETag too, computed from their bytes.
  auto u = f.srv->get("/healthz");
  CHECK(u.header("ETag") == http::etag_for("ok"));
  CHECK(f.srv->get("/healthz", {{"If-None-Match", std::string(u.header("ETag"))}}).status == 304);
}

TEST_CASE("If-Modified-Since answers 304 unless the page changed later or If-None-Match disagrees") {
  portal_fixture f;
  CHECK(f.srv->get("/pbgdpl/tin-tuc/b", {{"If-Modified-Since", "Tue, 05 Mar 2024 08:00:00 GMT"}}).status == 304);
  CHECK(f.srv->get("/pbgdpl/tin-tuc/b", {{"If-Modified-Since", "Wed, 06 Mar 2024 00:00:00 GMT"}}).status == 304);
  CHECK(f.srv->get("/pbgdpl/tin-tuc/b", {{"If-Modified-Since", "Mon, 04 Mar 2024 23:59:59 GMT"}}).status == 200);
  CHECK(f.srv->get("/pbgdpl/tin-tuc/b", {{"If-Modified-Since", "not a date"}}).status == 200);
  // If-None-Match takes precedence (RFC 9110): a stale tag means 200 even if the date matches.
  CHECK(f.srv->get("/pbgdpl/tin-tuc/b", {{"If-Modified-Since", "Wed, 06 Mar 2024 00:00:00 GMT"},
                                           {"If-None-Match", "\"stale\""}})
            .status == 200);
}

TEST_CASE("cached pages are served without running the handler until their tag is invalidated") {
  portal_fixture f;
  CHECK(f.srv->get("/pbgdpl/tin-tuc/c").body == "<h1>c v1</h1>");
  CHECK(f.srv->get("/pbgdpl/tin-tuc/c").body == "<h1>c v1</h1>");
  CHECK(f.srv->get("/pbgdpl/tin-tuc/d").body == "<h1>d v1</h1>");
  CHECK(f.renders == 2);
  CHECK(f.cache.hits() >= 1);
  f.version = 2;
  CHECK(f.cache.invalidate_tag("article:c") == 1);
  CHECK(f.srv->get("/pbgdpl/tin-tuc/c").body == "<h1>c v2</h1>");
  CHECK(f.srv->get("/pbgdpl/tin-tuc/d").body == "<h1>d v1</h1>");  // untouched
  CHECK(f.renders == 3);
  CHECK(f.cache.invalidate_tag("category:tin-tuc") == 2);
  CHECK(f.srv->get("/pbgdpl/tin-tuc/d").body == "<h1>d v2</h1>");
  CHECK(f.cache.invalidate_tag("category:none") == 0);
  // Responses that did not ask to be cached never are.
  f.srv->get("/uncached");
  f.srv->get("/uncached");
  CHECK(f.renders == 6);
}

TEST_CASE("the cache keys on host, path and query and skips authorized requests") {
  portal_fixture f;
  auto c = f.srv->client();
  c.get("/pbgdpl/tin-tuc/e", {{"Host", "truong-a.edu.vn"}}).value();
  c.get("/pbgdpl/tin-tuc/e", {{"Host", "TRUONG-A.edu.vn"}}).value();
  CHECK(f.renders == 1);
  c.get("/pbgdpl/tin-tuc/e", {{"Host", "truong-b.edu.vn"}}).value();
  c.get("/pbgdpl/tin-tuc/e?page=2", {{"Host", "truong-a.edu.vn"}}).value();
  CHECK(f.renders == 3);
  c.get("/pbgdpl/tin-tuc/e", {{"Host", "truong-a.edu.vn"}, {"Authorization", "Bearer x"}}).value();
  CHECK(f.renders == 4);
  CHECK(f.cache.invalidate("truong-a.edu.vn", "/pbgdpl/tin-tuc/e"));
  c.get("/pbgdpl/tin-tuc/e", {{"Host", "truong-a.edu.vn"}}).value();
  CHECK(f.renders == 5);
  CHECK(f.cache.size() == 3);
  f.cache.clear();
  CHECK(f.cache.size() == 0);
}

TEST_CASE("a full cache evicts to keep new pages instead of refusing them") {
  http::cache_limits limits;
  limits.max_entries = 3;
  portal_fixture f(quick_config(), limits);
  for (int i = 0; i < 10; ++i) REQUIRE(f.srv->get("/pbgdpl/tin-tuc/p" + std::to_string(i)).status == 200);
  CHECK(f.cache.size() == 3);
  int before = f.renders;
  REQUIRE(f.srv->get("/pbgdpl/tin-tuc/p9").status == 200);  // the newest page is cached
  CHECK(f.renders == before);
  // Invalidation still finds every entry that is left, and none that was evicted.
  CHECK(f.cache.invalidate_tag("category:tin-tuc") == 3);
  CHECK(f.cache.size() == 0);
}

TEST_CASE("a response that states its own frame-ancestors gets no X-Frame-Options, every other one SAMEORIGIN") {
  auto run = [](std::optional<std::string> csp) {
    http::pipeline p;
    p.use(http::security_headers());
    auto h = p.build([csp](http::request&) {
      auto r = http::response::html("<p>x</p>");
      if (csp) r.set("Content-Security-Policy", *csp);
      return r;
    });
    http::beast_request m{http::verb::get, "/", 11};
    http::request req(std::move(m));
    return h(req);
  };
  auto plain = run(std::nullopt);
  CHECK(plain.get("X-Frame-Options") == "SAMEORIGIN");
  CHECK(std::string(plain.get("Content-Security-Policy")).find("frame-ancestors 'self'") != std::string::npos);
  auto own = run("default-src 'none'; frame-ancestors https://*.edu.vn");
  CHECK_FALSE(own.has("X-Frame-Options"));
  CHECK(own.get("Content-Security-Policy") == "default-src 'none'; frame-ancestors https://*.edu.vn");
  // A policy of its own that says nothing of framing keeps the default refusal.
  CHECK(run("default-src 'none'").get("X-Frame-Options") == "SAMEORIGIN");
}

TEST_CASE("cached and uncached responses carry the security headers") {
  portal_fixture f;
  for (int i = 0; i < 2; ++i) {
    auto r = f.srv->get("/pbgdpl/tin-tuc/sec");
    CHECK(r.header("X-Content-Type-Options") == "nosniff");
    auto csp = std::string(r.header("Content-Security-Policy"));
    CHECK(csp.find("default-src 'self'") != std::string::npos);
    CHECK(csp.find("frame-ancestors") != std::string::npos);
    CHECK(csp.find("unsafe-inline") == std::string::npos);
    CHECK(r.header("Referrer-Policy") == "strict-origin-when-cross-origin");
  }
  auto h = f.srv->get("/healthz");
  CHECK(h.header("X-Content-Type-Options") == "nosniff");
  // Errors the server itself produces are nosniff too.
  auto bad = f.srv->raw("NOT HTTP\r\n\r\n");
  CHECK(bad.received.find("X-Content-Type-Options: nosniff") != std::string::npos);
  CHECK(bad.received.find("Content-Security-Policy: default-src 'none'; frame-ancestors 'none'") != std::string::npos);
  auto huge = f.srv->raw("GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n");
  CHECK(huge.received.rfind("HTTP/1.1 431", 0) == 0);
  CHECK(huge.received.find("Content-Security-Policy: default-src 'none'") != std::string::npos);
}

TEST_CASE("a cached page answers HEAD with its length and no body") {
  portal_fixture f;
  auto g = f.srv->get("/pbgdpl/tin-tuc/h");
  auto c = f.srv->client();
  auto h = c.request(http::verb::head, "/pbgdpl/tin-tuc/h").value();
  CHECK(h.status == 200);
  CHECK(h.body.empty());
  CHECK(h.header("Content-Length") == std::to_string(g.body.size()));
  CHECK(h.header("ETag") == g.header("ETag"));
  CHECK(c.get("/pbgdpl/tin-tuc/h").value().body == g.body);
}

TEST_CASE("bearer auth resolves a principal through the hook and refuses bad keys") {
  auto r = sample_router();
  r->get("/me", [](http::request& q) { return http::response::text(q.principal ? q.principal->name : "anonymous"); });
  r->post("/admin", http::require_auth([](http::request&) { return http::response::text("done"); }, "admin"));
  http::pipeline p;
  p.use(http::bearer_auth([](std::string_view token) -> std::optional<http::principal> {
    if (token == "key-editor") return http::principal{"u1", "Biên tập viên", {"editor"}};
    if (token == "key-admin") return http::principal{"u2", "Quản trị", {"admin"}};
    return std::nullopt;
  }));
  running s(p.build(http::router::as_handler(r)));
  auto c = s.client();
  CHECK(c.get("/me").value().body == "anonymous");
  CHECK(c.get("/me", {{"Authorization", "Bearer key-editor"}}).value().body == "Biên tập viên");
  auto bad = c.get("/me", {{"Authorization", "Bearer nope"}}).value();
  CHECK(bad.status == 401);
  CHECK(std::string(bad.header("WWW-Authenticate")).starts_with("Bearer"));
  CHECK(nlohmann::json::parse(bad.body)["error"]["code"] == "unauthenticated");
  CHECK(c.get("/me", {{"Authorization", "Basic abc"}}).value().status == 401);
  CHECK(c.request(http::verb::post, "/admin").value().status == 401);
  CHECK(c.request(http::verb::post, "/admin", {}, {{"Authorization", "Bearer key-editor"}}).value().status == 403);
  CHECK(c.request(http::verb::post, "/admin", {}, {{"Authorization", "Bearer key-admin"}}).value().body == "done");
}

TEST_CASE("the rate limit answers 429 past the burst and the body limit 413") {
  auto r = sample_router();
  http::pipeline p;
  p.use(http::rate_limit({.requests_per_second = 1, .burst = 3})).use(http::body_limit(10));
  running s(p.build(http::router::as_handler(r)));
  auto c = s.client();
  CHECK(c.request(http::verb::post, "/echo", "0123456789abc").value().status == 413);
  CHECK(c.get("/healthz").value().status == 200);
  CHECK(c.get("/healthz").value().status == 200);
  auto limited = c.get("/healthz").value();
  CHECK(limited.status == 429);
  CHECK(limited.header("Retry-After") == "1");
}

TEST_CASE("the access log records each request") {
  std::mutex mu;
  std::vector<std::string> lines;
  http::pipeline p;
  p.use(http::access_log([&](const http::access_entry& e) {
    std::lock_guard lock(mu);
    lines.push_back(std::string(e.method) + " " + std::string(e.target) + " " + std::to_string(e.status));
  }));
  running s(p.build(http::router::as_handler(sample_router())));
  s.get("/healthz");
  s.get("/nowhere");
  std::lock_guard lock(mu);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == "GET /healthz 200");
  CHECK(lines[1] == "GET /nowhere 404");
}

#ifdef PBGDPL_HTTP_GZIP
TEST_CASE("large text bodies are gzipped only for clients that ask") {
  auto r = sample_router();
  std::string page;
  for (int i = 0; i < 200; ++i) page += "<p>Phổ biến, giáo dục pháp luật " + std::to_string(i) + "</p>\n";
  r->get("/page", [&](http::request&) { return http::response::html(page); });
  http::pipeline p;
  p.use(http::conditional_get()).use(http::gzip_compression());
  running s(p.build(http::router::as_handler(r)));
  auto plain = s.get("/page");
  CHECK(plain.body == page);
  CHECK(plain.header("Content-Encoding").empty());
  CHECK(plain.header("Vary") == "Accept-Encoding");
  auto z = s.get("/page", {{"Accept-Encoding", "gzip, deflate"}});
  CHECK(z.header("Content-Encoding") == "gzip");
  CHECK(z.body.size() < page.size() / 3);
  CHECK(z.header("ETag") != plain.header("ETag"));
  // Inflate to check the bytes are the page.
  z_stream zs{};
  REQUIRE(inflateInit2(&zs, 15 + 16) == Z_OK);
  std::string out(page.size() + 100, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(z.body.data());
  zs.avail_in = static_cast<uInt>(z.body.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  CHECK(inflate(&zs, Z_FINISH) == Z_STREAM_END);
  out.resize(zs.total_out);
  inflateEnd(&zs);
  CHECK(out == page);
  CHECK(s.get("/page", {{"Accept-Encoding", "gzip;q=0"}}).header("Content-Encoding").empty());
}
#endif

TEST_CASE("static files are served from their directory and traversal never leaves it") {
  namespace fs = std::filesystem;
  fs::path base = fs::path(PBGDPL_BINARY_DIR) / "http-static-test";
  fs::remove_all(base);
  fs::create_directories(base / "root" / "css");
  std::ofstream(base / "root" / "css" / "site.css") << "body{color:#123}";
  std::ofstream(base / "secret.txt") << "SECRET";
  std::ofstream(base / "root" / ".env") << "SECRET";
  std::error_code ec;
  fs::create_symlink(base / "secret.txt", base / "root" / "link.txt", ec);
  auto r = sample_router();
  r->get("/assets/{path:path}", http::static_files(base / "root"));
  running s(http::router::as_handler(r));
  auto css = s.get("/assets/css/site.css");
  CHECK(css.status == 200);
  CHECK(css.body == "body{color:#123}");
  CHECK(css.header("Content-Type") == "text/css; charset=utf-8");
  CHECK(http::parse_http_date(css.header("Last-Modified")).has_value());
  for (const char* t : {"/assets/../secret.txt", "/assets/%2e%2e/secret.txt", "/assets/..%2fsecret.txt",
                        "/assets/css/%2e%2e/%2e%2e/secret.txt", "/assets/.env", "/assets/link.txt", "/assets/css",
                        "/assets/%2e%2e%5csecret.txt", "/assets/nope.css"}) {
    CAPTURE(t);
    auto res = s.get(t);
    CHECK(res.status >= 400);
    CHECK(res.body.find("SECRET") == std::string::npos);
  }
  CHECK_FALSE(http::resolve_under(base / "root", "../secret.txt"));
  CHECK(http::resolve_under(base / "root", "css/site.css"));
  fs::remove_all(base);
}

TEST_CASE("a cached pipeline called without a server keeps pages apart") {
  http::router r("/pbgdpl");
  r.get("/{slug}", [](http::request& q) {
    auto res = http::response::text(std::string(q.param("slug")));
    res.cacheable = true;
    return res;
  });
  http::response_cache cache;
  http::pipeline p;
  p.use(http::conditional_get()).use(cache.layer());
  auto h = p.build(r.as_handler());
  for (int round = 0; round < 2; ++round) {
    for (std::string slug : {"a", "b"}) {
      http::request q(http::beast_request(http::verb::get, "/pbgdpl/" + slug, 11));
      CHECK(h(q).body_view() == slug);
    }
    http::request bad(http::beast_request(http::verb::get, "/pbgdpl/%2e%2e/x", 11));
    CHECK(h(bad).code == http::status::bad_request);
  }
  CHECK(cache.size() == 2);
  CHECK(cache.hits() == 2);
}

#ifdef PBGDPL_HTTP_GZIP
TEST_CASE("with gzip inside the cache each client gets the form it asked for") {
  auto r = sample_router();
  std::string page(5000, 'a');
  std::atomic<int> renders{0};
  r->get("/big", [&](http::request&) {
    ++renders;
    auto res = http::response::html(page);
    res.cacheable = true;
    return res;
  });
  http::response_cache cache;
  http::pipeline p;
  p.use(http::conditional_get()).use(cache.layer()).use(http::gzip_compression());
  running s(p.build(http::router::as_handler(r)));
  for (int i = 0; i < 2; ++i) {
    CHECK(s.get("/big").body == page);
    auto z = s.get("/big", {{"Accept-Encoding", "gzip"}});
    CHECK(z.header("Content-Encoding") == "gzip");
    CHECK(z.body.size() < 200);
  }
  CHECK(renders == 2);
  CHECK(cache.invalidate("127.0.0.1:" + std::to_string(s.port()), "/big"));
  CHECK(cache.size() == 0);
}
#endif
