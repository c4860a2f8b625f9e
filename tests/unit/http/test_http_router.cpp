#include <pbgdpl/http/router.hpp>

#include "support.hpp"

#include <doctest/doctest.h>

using namespace test_http;

TEST_CASE("typed path parameters reach the handler decoded") {
  running s(http::router::as_handler(sample_router()));
  auto a = s.get("/api/v1/articles/ke-hoach-2024");
  CHECK(a.status == 200);
  CHECK(a.body == "article ke-hoach-2024");
  auto p = s.get("/pbgdpl/tin-tuc/trang-3");
  CHECK(p.status == 200);
  CHECK(p.body == "tin-tuc page 3");
  auto v = s.get("/api/v1/articles/ph%C3%A1p-lu%E1%BA%ADt");
  CHECK(v.status == 200);
  CHECK(v.body == "article pháp-luật");
}

TEST_CASE("a parameter of the wrong type does not match the route") {
  running s(http::router::as_handler(sample_router()));
  CHECK(s.get("/pbgdpl/tin-tuc/trang-abc").status == 404);
  CHECK(s.get("/pbgdpl/tin-tuc/trang-").status == 404);
  CHECK(s.get("/pbgdpl/tin-tuc/page-2").status == 404);
  auto nf = s.get("/khong-co");
  CHECK(nf.status == 404);
  CHECK(nf.header("Content-Type").starts_with("application/json"));
  auto j = nlohmann::json::parse(nf.body);
  CHECK(j["error"]["code"] == "not_found");
  CHECK(j["error"]["message"] == "Không tìm thấy");
}

TEST_CASE("literal routes win over parameters regardless of order") {
  http::router r;
  r.get("/a/{x}", [](http::request&) { return http::response::text("param"); });
  r.get("/a/new", [](http::request&) { return http::response::text("literal"); });
  http::request q(http::beast_request(http::verb::get, "/a/new", 11));
  CHECK(r.handle(q).body == "literal");
  http::request q2(http::beast_request(http::verb::get, "/a/other", 11));
  CHECK(r.handle(q2).body == "param");
}

TEST_CASE("a known path with the wrong method answers 405 with Allow") {
  running s(http::router::as_handler(sample_router()));
  auto c = s.client();
  auto r = c.request(http::verb::delete_, "/echo").value();
  CHECK(r.status == 405);
  auto allow = std::string(r.header("Allow"));
  CHECK(allow.find("GET") != std::string::npos);
  CHECK(allow.find("POST") != std::string::npos);
  CHECK(allow.find("HEAD") != std::string::npos);
  CHECK(allow.find("DELETE") == std::string::npos);
  auto o = c.request(http::verb::options, "/echo").value();
  CHECK(o.status == 204);
  CHECK(std::string(o.header("Allow")).find("OPTIONS") != std::string::npos);
}

TEST_CASE("HEAD is answered by the GET route without a body") {
  running s(http::router::as_handler(sample_router()));
  auto c = s.client();
  auto g = c.get("/api/v1/articles/7").value();
  auto h = c.request(http::verb::head, "/api/v1/articles/7").value();
  CHECK(h.status == 200);
  CHECK(h.body.empty());
  CHECK(h.header("Content-Length") == std::to_string(g.body.size()));
  // The connection stays usable: no stray body bytes were sent after the HEAD answer.
  auto g2 = c.get("/api/v1/articles/8").value();
  CHECK(g2.body == "article 8");
  CHECK(c.connections_opened() == 1);
}

TEST_CASE("a router mounted under a prefix sees paths relative to it") {
  http::router inner;
  inner.get("/", [](http::request&) { return http::response::text("home"); });
  inner.get("/tin-tuc/{slug}", [](http::request& q) {
    return http::response::text(std::string(q.param("slug")) + "@" + std::string(q.route_path()));
  });
  auto outer = std::make_shared<http::router>();
  outer->get("/", [](http::request&) { return http::response::text("vendor"); });
  outer->get("/healthz", [](http::request&) { return http::response::text("ok"); });
  outer->mount("/pbgdpl", std::move(inner));
  running s(http::router::as_handler(outer));
  CHECK(s.get("/").body == "vendor");
  CHECK(s.get("/pbgdpl").body == "home");
  CHECK(s.get("/pbgdpl/").body == "home");
  CHECK(s.get("/pbgdpl/tin-tuc/abc").body == "abc@/tin-tuc/abc");
  CHECK(s.get("/pbgdplx/tin-tuc/abc").status == 404);
  CHECK(s.get("/tin-tuc/abc").status == 404);
}

TEST_CASE("a router with its own prefix answers a vendor's Beast requests without a socket") {
  http::router r("/pbgdpl");
  r.get("/tin-tuc", [](http::request&) { return http::response::html("<p>tin</p>"); });
  CHECK(r.owns("/pbgdpl/tin-tuc?x=1"));
  CHECK_FALSE(r.owns("/other"));
  auto res = r.handle(http::beast_request(http::verb::get, "/pbgdpl/tin-tuc", 11));
  CHECK(res.result() == http::status::ok);
  CHECK(res.body() == "<p>tin</p>");
  CHECK(res[boost::beast::http::field::content_type] == "text/html; charset=utf-8");
  auto head = r.handle(http::beast_request(http::verb::head, "/pbgdpl/tin-tuc", 11));
  CHECK(head.body().empty());
  CHECK(head[boost::beast::http::field::content_length] == "10");
  CHECK(r.handle(http::beast_request(http::verb::get, "/tin-tuc", 11)).result() == http::status::not_found);
}

TEST_CASE("query parameters are percent-decoded and plus means space") {
  running s(http::router::as_handler(sample_router()));
  auto r = s.get("/echo?q=ph%C3%A1p+lu%E1%BA%ADt&page=2&empty=&flag");
  CHECK(r.status == 200);
  CHECK(r.body == "q=pháp luật;page=2;empty=;flag=;");
}

TEST_CASE("invalid UTF-8 or broken escapes in the query answer 400 and the server stays up") {
  running s(http::router::as_handler(sample_router()));
  for (const char* t : {"/echo?q=%C3", "/echo?q=%FF%FE", "/echo?q=%ED%A0%80", "/echo?q=%C0%AF", "/echo?q=%G1", "/echo?q=%"}) {
    CAPTURE(t);
    auto r = s.get(t);
    CHECK(r.status == 400);
    auto j = nlohmann::json::parse(r.body);
    CHECK(j["error"].contains("code"));
  }
  auto raw = s.raw("GET /echo?q=\xff\xfe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  CHECK(raw.received.starts_with("HTTP/1.1 400"));
  CHECK(s.alive());
}

TEST_CASE("path traversal in any spelling never escapes the route or the prefix") {
  auto outer = sample_router();
  outer->get("/admin", [](http::request&) { return http::response::text("SECRET"); });
  http::router inner;
  inner.get("/{x}", [](http::request& q) { return http::response::text("inner " + std::string(q.param("x"))); });
  outer->mount("/pbgdpl", std::move(inner));
  running s(http::router::as_handler(outer));
  for (const char* t : {"/pbgdpl/../admin", "/pbgdpl/%2e%2e/admin", "/pbgdpl/%2E%2E/admin", "/pbgdpl/..%2fadmin",
                        "/pbgdpl/..%2Fadmin", "/pbgdpl/%2e%2e%2fadmin", "/files/../../etc/passwd",
                        "/files/%2e%2e/%2e%2e/etc/passwd", "/files/..%5c..%5cwindows", "/files/a/./b",
                        "/pbgdpl/%00", "/files/a%2fb"}) {
    CAPTURE(t);
    auto r = s.get(t);
    CHECK(r.status == 400);
    CHECK(r.body.find("SECRET") == std::string::npos);
    CHECK(r.body.find("rest=") == std::string::npos);
  }
  CHECK(s.get("/files/a/b.css").body == "rest=a/b.css");
  CHECK(s.alive());
}

TEST_CASE("a handler that throws gives a JSON error, not a dead connection") {
  auto r = sample_router();
  r->get("/boom", [](http::request&) -> http::response { throw std::runtime_error("secret detail"); });
  r->get("/missing", [](http::request&) -> http::response { pbgdpl::throw_error(pbgdpl::error(pbgdpl::errc::not_found)); });
  running s(http::router::as_handler(r));
  auto b = s.get("/boom");
  CHECK(b.status == 500);
  CHECK(b.body.find("secret detail") == std::string::npos);
  CHECK(nlohmann::json::parse(b.body)["error"]["code"] == "internal");
  CHECK(s.get("/missing").status == 404);
  CHECK(s.alive());
}

TEST_CASE("bad route patterns are refused when added") {
  http::router r;
  auto h = [](http::request&) { return http::response::text(""); };
  CHECK_THROWS_AS(r.get("/a/{x", h), pbgdpl::exception);
  CHECK_THROWS_AS(r.get("/a/{x:float}", h), pbgdpl::exception);
  CHECK_THROWS_AS(r.get("/a/{p:path}/b", h), pbgdpl::exception);
  CHECK_THROWS_AS(r.get("/a/{}", h), pbgdpl::exception);
}
