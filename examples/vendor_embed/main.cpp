// A vendor's own small Beast server that embeds the pbgdpl section: everything under /pbgdpl is
// handed to a pbgdpl router (no pbgdpl server involved), everything else stays the vendor's.
// Usage: pbgdpl_vendor_embed [PORT]      serve until killed (default 8081)
//        pbgdpl_vendor_embed --self-test start on a free port, fetch both parts, exit 0 if fine
#include <pbgdpl/http/client.hpp>
#include <pbgdpl/http/middleware.hpp>
#include <pbgdpl/http/router.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <vector>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <thread>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace http = pbgdpl::http;
using tcp = asio::ip::tcp;

// The pbgdpl part: a router that owns /pbgdpl, wrapped in the middleware a vendor would want.
static std::shared_ptr<http::router> make_section() {
  auto r = std::make_shared<http::router>("/pbgdpl");
  r->get("/", [](http::request&) {
    auto res = http::response::html(
        "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>Phổ biến, giáo dục pháp luật</title>"
        "</head><body><h1>Phổ biến, giáo dục pháp luật</h1><ul><li><a href=\"/pbgdpl/tin-tuc/trang-1\">Tin tức</a></li>"
        "</ul></body></html>");
    res.cache_tags = {"home"};
    return res;
  });
  r->get("/{category:slug}/trang-{page:int}", [](http::request& q) {
    return http::response::html("<p>" + std::string(q.param("category")) + ", trang " + std::to_string(q.param_int("page")) + "</p>");
  });
  r->get("/api/v1/ping", [](http::request&) { return http::response::json({{"ok", true}}); });
  return r;
}

// The vendor's loop: synchronous Beast, one thread per connection, as many vendors write it.
static void serve_connection(tcp::socket sock, const http::handler& section, const http::router& owner) {
  beast::flat_buffer buf;
  beast::error_code ec;
  for (;;) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(16 * 1024);
    parser.body_limit(1024 * 1024);
    bhttp::read(sock, buf, parser, ec);
    if (ec) break;
    auto req = parser.release();
    bool keep = req.keep_alive();
    bhttp::response<bhttp::string_body> res;
    std::string_view target(req.target().data(), req.target().size());
    if (owner.owns(target)) {
      // Hand the request over: pbgdpl answers with a Beast response.
      http::request preq(std::move(req));
      auto pres = section(preq);
      bool head = preq.method() == http::verb::head;
      res = http::to_beast(pres, preq.version(), keep);
      if (head) {
        auto n = res.body().size();
        res.body().clear();
        res.content_length(n);
      }
    } else {
      res = {bhttp::status::ok, req.version()};
      res.set(bhttp::field::content_type, "text/html; charset=utf-8");
      res.body() = "<!doctype html><title>Trường THCS Mẫu</title><h1>Trang của nhà cung cấp</h1>"
                   "<p><a href=\"/pbgdpl/\">Phổ biến, giáo dục pháp luật</a></p>";
      res.keep_alive(keep);
      res.prepare_payload();
    }
    bhttp::write(sock, res, ec);
    if (ec || !res.keep_alive()) break;
  }
  sock.shutdown(tcp::socket::shutdown_send, ec);
}

int main(int argc, char** argv) {
  bool self_test = argc > 1 && std::string(argv[1]) == "--self-test";
  unsigned short port = self_test ? 0 : static_cast<unsigned short>(argc > 1 ? std::atoi(argv[1]) : 8081);

  auto section_router = make_section();
  http::response_cache cache;
  http::pipeline p;
  p.use(http::conditional_get()).use(cache.layer()).use(http::security_headers());
  const http::handler section = p.build(http::router::as_handler(section_router));

  asio::io_context ioc;
  tcp::acceptor acceptor(ioc, {asio::ip::make_address("127.0.0.1"), port});
  port = acceptor.local_endpoint().port();
  std::printf("vendor server on http://127.0.0.1:%u/ (pbgdpl at /pbgdpl/)\n", port);
  std::fflush(stdout);

  std::atomic<bool> stopping{false};
  std::mutex threads_mu;
  std::vector<std::thread> connections;
  std::thread accept_loop([&] {
    for (;;) {
      beast::error_code ec;
      tcp::socket sock(ioc);
      acceptor.accept(sock, ec);
      if (ec || stopping) return;
      std::lock_guard lock(threads_mu);
      connections.emplace_back(serve_connection, std::move(sock), std::cref(section), std::cref(*section_router));
    }
  });

  if (!self_test) {
    accept_loop.join();
    return 0;
  }
  int failures = 0;
  auto expect = [&](bool ok, const char* what) {
    std::printf("%s: %s\n", ok ? "ok  " : "FAIL", what);
    failures += ok ? 0 : 1;
  };
  http::client c("127.0.0.1", port);
  auto home = c.get("/");
  expect(home && home->status == 200 && home->body.find("nhà cung cấp") != std::string::npos, "the vendor's page at /");
  auto sec = c.get("/pbgdpl/");
  expect(sec && sec->status == 200 && sec->body.find("Phổ biến") != std::string::npos, "the pbgdpl section at /pbgdpl/");
  expect(sec && sec->header("X-Content-Type-Options") == "nosniff", "security headers from pbgdpl middleware");
  auto page = c.get("/pbgdpl/tin-tuc/trang-2");
  expect(page && page->body == "<p>tin-tuc, trang 2</p>", "typed parameters under the prefix");
  auto nm = sec ? c.get("/pbgdpl/", {{"If-None-Match", std::string(sec->header("ETag"))}}) : sec;
  expect(nm && nm->status == 304, "conditional GET through the vendor's server");
  auto bad = c.get("/pbgdpl/%2e%2e/secret");
  expect(bad && bad->status == 400, "traversal refused");
  expect(c.connections_opened() == 1, "keep-alive through the vendor's loop");
  c.close();
  stopping = true;
  (void)http::send_raw("127.0.0.1", port, "", std::chrono::milliseconds(100));  // wakes the blocking accept
  accept_loop.join();
  for (auto& t : connections) t.join();
  return failures == 0 ? 0 : 1;
}
