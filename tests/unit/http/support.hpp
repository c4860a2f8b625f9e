// Shared by the HTTP tests: a server on 127.0.0.1 with port 0 and short timeouts.
#pragma once
#include <pbgdpl/http/client.hpp>
#include <pbgdpl/http/middleware.hpp>
#include <pbgdpl/http/router.hpp>
#include <pbgdpl/http/server.hpp>

#include <memory>
#include <string>

namespace test_http {
namespace http = pbgdpl::http;
using namespace std::chrono_literals;

inline http::server_config quick_config() {
  http::server_config c;
  c.address = "127.0.0.1";
  c.port = 0;
  c.threads = 2;
  c.read_timeout = 400ms;
  c.idle_timeout = 1500ms;
  c.write_timeout = 2000ms;
  c.shutdown_grace = 1500ms;
  c.max_header_bytes = 4096;
  c.max_body_bytes = 64 * 1024;
  return c;
}

// Starts a server around `h`, stopped when the fixture goes away.
struct running {
  std::unique_ptr<http::server> srv;
  running(http::handler h, http::server_config c = quick_config())
      : srv(std::make_unique<http::server>(std::move(c), std::move(h))) {
    srv->start();
  }
  std::uint16_t port() const { return srv->port(); }
  http::client client(std::chrono::milliseconds timeout = 3000ms) const {
    http::client_options o;
    o.timeout = timeout;
    return http::client("127.0.0.1", port(), o);
  }
  http::client_response get(std::string_view target, const std::vector<std::pair<std::string, std::string>>& headers = {}) const {
    auto c = client();
    return c.get(target, headers).value();
  }
  http::raw_exchange raw(std::string_view bytes, std::chrono::milliseconds timeout = 3000ms) const {
    return http::send_raw("127.0.0.1", port(), bytes, timeout).value();
  }
  // The server still answers a normal request: what every bad-input test checks afterwards.
  bool alive() const {
    auto c = client();
    auto r = c.get("/healthz");
    return r && r->status == 200 && r->body == "ok";
  }
};

// The routes most tests use.
inline std::shared_ptr<http::router> sample_router() {
  auto r = std::make_shared<http::router>();
  r->get("/healthz", [](http::request&) { return http::response::text("ok"); });
  r->get("/api/v1/articles/{id}", [](http::request& q) { return http::response::text("article " + std::string(q.param("id"))); });
  r->get("/pbgdpl/{category}/trang-{page:int}", [](http::request& q) {
    return http::response::text(std::string(q.param("category")) + " page " + std::to_string(q.param_int("page")));
  });
  r->get("/echo", [](http::request& q) {
    std::string out;
    for (const auto& [k, v] : q.query_params()) out += k + "=" + v + ";";
    return http::response::text(out);
  });
  r->post("/echo", [](http::request& q) { return http::response::text(q.body()); });
  r->get("/files/{rest:path}", [](http::request& q) { return http::response::text("rest=" + std::string(q.param("rest"))); });
  return r;
}

}  // namespace test_http
