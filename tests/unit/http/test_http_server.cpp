#include <pbgdpl/http/server.hpp>

#include "support.hpp"

#include <doctest/doctest.h>

#include <boost/asio/ip/tcp.hpp>  // a client that sends one byte at a time
#include <boost/asio/write.hpp>

#include <atomic>
#include <future>
#include <thread>

using namespace test_http;

namespace {
std::string get_line(std::string_view path, std::string_view extra = "") {
  return "GET " + std::string(path) + " HTTP/1.1\r\nHost: t\r\n" + std::string(extra) + "\r\n";
}
int count(std::string_view hay, std::string_view needle) {
  int n = 0;
  for (auto p = hay.find(needle); p != std::string_view::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}
}  // namespace

TEST_CASE("the bound port is reported when port 0 was asked for") {
  running s(http::router::as_handler(sample_router()));
  CHECK(s.port() != 0);
  CHECK(s.alive());
}

TEST_CASE("keep-alive reuses one connection for many requests") {
  running s(http::router::as_handler(sample_router()));
  auto before = s.srv->stats().connections_accepted;
  auto c = s.client();
  for (int i = 0; i < 20; ++i) {
    auto r = c.get("/api/v1/articles/" + std::to_string(i)).value();
    CHECK(r.status == 200);
    CHECK(r.body == "article " + std::to_string(i));
  }
  CHECK(c.connections_opened() == 1);
  CHECK(s.srv->stats().connections_accepted == before + 1);
}

TEST_CASE("pipelined requests are answered in order on one connection") {
  running s(http::router::as_handler(sample_router()));
  std::string batch;
  for (int i = 0; i < 5; ++i) batch += get_line("/api/v1/articles/" + std::to_string(i));
  batch += get_line("/api/v1/articles/last", "Connection: close\r\n");
  auto r = s.raw(batch);
  CHECK(r.closed_by_server);
  CHECK(count(r.received, "HTTP/1.1 200 OK") == 6);
  std::size_t pos = 0;
  for (std::string id : {"0", "1", "2", "3", "4", "last"}) {
    auto p = r.received.find("article " + id, pos);
    CHECK(p != std::string::npos);
    pos = p;
  }
}

TEST_CASE("malformed request lines answer 400 and the server stays up") {
  running s(http::router::as_handler(sample_router()));
  for (std::string bad : {std::string("GARBAGE\r\n\r\n"), std::string("GET\r\n\r\n"), std::string("GET / HTTP/9.9\r\n\r\n"),
                          std::string("GET / FTP/1.1\r\n\r\n"), std::string("G(T / HTTP/1.1\r\nHost: x\r\n\r\n"),
                          std::string("GET / HTTP/1.1\r\nBad Header\r\n\r\n"),
                          std::string("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"),
                          std::string("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"),
                          std::string("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
                          std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11),
                          std::string("GET http://evil/ HTTP/1.1\r\nHost: x\r\n\r\n"), std::string("GET * HTTP/1.1\r\nHost: x\r\n\r\n")}) {
    CAPTURE(bad);
    auto r = s.raw(bad);
    CHECK(r.received.starts_with("HTTP/1.1 400"));
    CHECK(r.closed_by_server);
  }
  CHECK(s.srv->stats().bad_requests >= 12);
  CHECK(s.alive());
}

TEST_CASE("an oversized header answers 431 and the server stays up") {
  running s(http::router::as_handler(sample_router()));
  auto r = s.raw(get_line("/healthz", "X-Big: " + std::string(8000, 'a') + "\r\n"));
  CHECK(r.received.starts_with("HTTP/1.1 431"));
  auto c = s.client();
  auto r2 = c.get("/healthz", {{"X-Big", std::string(10000, 'b')}});
  REQUIRE(r2);
  CHECK(r2->status == 431);
  CHECK(s.alive());
}

TEST_CASE("an oversized body answers 413 before it is read, and a body within the limit is served") {
  running s(http::router::as_handler(sample_router()));
  auto c = s.client();
  std::string big(100 * 1024, 'x');
  auto r = c.request(http::verb::post, "/echo", big).value();
  CHECK(r.status == 413);
  CHECK(nlohmann::json::parse(r.body)["error"]["code"] == "too_large");
  auto chunked = s.raw("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n20000\r\n" + std::string(70000, 'y'));
  CHECK(chunked.received.starts_with("HTTP/1.1 413"));
  auto c2 = s.client();
  auto ok = c2.request(http::verb::post, "/echo", std::string(1000, 'z')).value();
  CHECK(ok.status == 200);
  CHECK(ok.body.size() == 1000);
  CHECK(s.alive());
}

TEST_CASE("a slow client is answered 408 and dropped after the read timeout") {
  running s(http::router::as_handler(sample_router()));
  auto r = s.raw("GET /healthz HTTP/1.1\r\nHo", 5000ms);
  CHECK(r.closed_by_server);
  CHECK(r.received.starts_with("HTTP/1.1 408"));
  CHECK(r.elapsed < 2000ms);
  CHECK(r.elapsed >= 300ms);
  CHECK(s.alive());
}

TEST_CASE("a client that trickles bytes cannot extend the read timeout") {
  running s(http::router::as_handler(sample_router()));
  namespace asio = boost::asio;
  asio::io_context ioc;
  asio::ip::tcp::socket sock(ioc);
  sock.connect({asio::ip::make_address("127.0.0.1"), s.port()});
  auto t0 = std::chrono::steady_clock::now();
  std::string req = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  boost::system::error_code ec;
  for (char ch : req) {
    asio::write(sock, asio::buffer(&ch, 1), ec);
    if (ec) break;
    std::this_thread::sleep_for(20ms);
    if (std::chrono::steady_clock::now() - t0 > 3s) break;
  }
  CHECK(ec);  // the server closed the connection while we were still sending
  CHECK(std::chrono::steady_clock::now() - t0 < 2500ms);
  CHECK(s.alive());
}

TEST_CASE("an idle kept-alive connection is closed after the idle timeout") {
  auto cfg = quick_config();
  cfg.idle_timeout = 300ms;
  running s(http::router::as_handler(sample_router()), cfg);
  auto r = s.raw("", 3000ms);
  CHECK(r.closed_by_server);
  CHECK(r.received.empty());
  CHECK(r.elapsed < 1500ms);
  auto after = s.raw(get_line("/healthz"), 3000ms);
  CHECK(after.received.starts_with("HTTP/1.1 200"));
  CHECK(after.closed_by_server);  // served, then closed when idle
}

TEST_CASE("connections beyond the limit get 503 when none is idle, and the server recovers") {
  auto cfg = quick_config();
  cfg.max_connections = 2;
  cfg.reserved_connections = 0;
  cfg.max_connections_per_client = 0;
  cfg.idle_timeout = 3000ms;
  cfg.read_timeout = 3000ms;
  running s(http::router::as_handler(sample_router()), cfg);
  // Two connections in the middle of a request: neither is idle, so neither can make way.
  auto half = [&] {
    return std::async(std::launch::async, [&] { return http::send_raw("127.0.0.1", s.port(), "GET /healthz HTTP/1.1\r\nHost: t\r\n", 800ms); });
  };
  auto a = half();
  auto b = half();
  for (int i = 0; i < 100 && s.srv->stats().active_connections < 2; ++i) std::this_thread::sleep_for(10ms);
  std::this_thread::sleep_for(50ms);
  auto third = s.raw(get_line("/healthz"), 2000ms);
  CHECK(third.received.starts_with("HTTP/1.1 503"));
  CHECK(s.srv->stats().connections_rejected >= 1);
  (void)a.get();
  (void)b.get();
  bool recovered = false;
  for (int i = 0; i < 100 && !recovered; ++i) {
    recovered = s.alive();
    if (!recovered) std::this_thread::sleep_for(20ms);
  }
  CHECK(recovered);
}

TEST_CASE("graceful shutdown finishes the request in flight and refuses new connections") {
  std::promise<void> entered;
  auto r = sample_router();
  r->get("/slow", [&](http::request&) {
    entered.set_value();
    std::this_thread::sleep_for(300ms);
    return http::response::text("finished");
  });
  running s(http::router::as_handler(r));
  auto port = s.port();
  auto idle = s.client();
  REQUIRE(idle.get("/healthz"));
  auto fut = std::async(std::launch::async, [&] { return http::send_raw("127.0.0.1", port, get_line("/slow"), 3000ms); });
  entered.get_future().wait();
  s.srv->stop();
  auto res = fut.get().value();
  CHECK(res.received.starts_with("HTTP/1.1 200"));
  CHECK(res.received.find("Connection: close") != std::string::npos);
  CHECK(res.received.find("finished") != std::string::npos);
  CHECK(s.srv->stats().active_connections == 0);
  CHECK_FALSE(http::send_raw("127.0.0.1", port, get_line("/healthz"), 500ms).has_value());
}

TEST_CASE("request_stop from a handler stops a server that is waiting") {
  std::unique_ptr<http::server> srv;
  auto r = sample_router();
  r->get("/quit", [&](http::request&) {
    srv->request_stop();
    return http::response::text("bye");
  });
  srv = std::make_unique<http::server>(quick_config(), http::router::as_handler(r));
  srv->start();
  auto port = srv->port();
  auto waiter = std::async(std::launch::async, [&] { srv->wait(); });
  auto res = http::send_raw("127.0.0.1", port, get_line("/quit"), 2000ms).value();
  CHECK(res.received.find("bye") != std::string::npos);
  CHECK(waiter.wait_for(5s) == std::future_status::ready);
}

TEST_CASE("responses carry Date and framing headers a client can rely on") {
  running s(http::router::as_handler(sample_router()));
  auto r = s.get("/healthz");
  CHECK(http::parse_http_date(r.header("Date")).has_value());
  CHECK(r.header("Content-Length") == "2");
  auto ten = s.raw("GET /healthz HTTP/1.0\r\n\r\n");
  CHECK(ten.received.starts_with("HTTP/1.1 200"));
  CHECK(ten.received.find("Connection: close") != std::string::npos);
  CHECK(ten.closed_by_server);
}
