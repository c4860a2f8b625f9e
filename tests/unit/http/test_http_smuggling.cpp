// Request smuggling (issue 9, hole 5): framing a proxy in front could read differently from us is
// refused with 400 (501 for a coding we do not decode) and the connection closes, so the bytes
// sent as a body are never parsed as a second request.
#include <pbgdpl/http/server.hpp>

#include "support.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <string>

using namespace test_http;

namespace {
int count(std::string_view hay, std::string_view needle) {
  int n = 0;
  for (auto p = hay.find(needle); p != std::string_view::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

// A router that counts what reaches a handler, so a smuggled request shows up.
struct counting {
  std::shared_ptr<http::router> r = sample_router();
  std::atomic<int> smuggled{0};
  counting() {
    r->get("/smuggled", [this](http::request&) {
      ++smuggled;
      return http::response::text("SMUGGLED");
    });
    r->post("/", [](http::request& q) { return http::response::text("body=" + q.body()); });
  }
};

// Headers of one request, then a body that is itself a complete request.
std::string with_smuggled_body(std::string_view headers) {
  const std::string inner = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
  return "POST / HTTP/1.1\r\nHost: x\r\n" + std::string(headers) + "Content-Type: text/plain\r\n\r\n" + inner;
}
}  // namespace

TEST_CASE("a Transfer-Encoding that is not exactly a final chunked answers 400 and closes") {
  counting c;
  running s(http::router::as_handler(c.r));
  for (std::string te : {"gzip", "identity", "xchunked", "chunked, gzip", "chunked , identity", "chunkedx", "", " ",
                         "chunked, chunked", ", chunked"}) {
    CAPTURE(te);
    auto r = s.raw(with_smuggled_body("Transfer-Encoding: " + te + "\r\n"));
    CHECK(r.received.starts_with("HTTP/1.1 400"));
    CHECK(r.received.find("Connection: close") != std::string::npos);
    CHECK(r.closed_by_server);
    CHECK(count(r.received, "HTTP/1.1 200") == 0);
    CHECK(r.received.find("SMUGGLED") == std::string::npos);
  }
  // Two header lines that together do not end in chunked.
  auto two = s.raw(with_smuggled_body("Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n"));
  CHECK(two.received.starts_with("HTTP/1.1 400"));
  CHECK(count(two.received, "HTTP/1.1 200") == 0);
  CHECK(c.smuggled == 0);
  CHECK(s.alive());
}

TEST_CASE("a coding before chunked is not decoded: 501 and close") {
  counting c;
  running s(http::router::as_handler(c.r));
  auto r = s.raw("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
  CHECK(r.received.starts_with("HTTP/1.1 501"));
  CHECK(r.closed_by_server);
  CHECK(s.alive());
}

TEST_CASE("chunked bodies still work, also with the coding in another case") {
  counting c;
  running s(http::router::as_handler(c.r));
  auto r = s.raw("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
                 "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  CHECK(r.received.starts_with("HTTP/1.1 200"));
  CHECK(r.received.find("body=hello") != std::string::npos);
  CHECK(count(r.received, "HTTP/1.1 200") == 2);
}

TEST_CASE("Content-Length with Transfer-Encoding, or repeated and differing lengths, answer 400 and close") {
  counting c;
  running s(http::router::as_handler(c.r));
  const std::string inner = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string n = std::to_string(inner.size());
  for (std::string h : {"Content-Length: " + n + "\r\nTransfer-Encoding: chunked\r\n",
                        "Transfer-Encoding: chunked\r\nContent-Length: " + n + "\r\n",
                        "Transfer-Encoding: gzip\r\nContent-Length: " + n + "\r\n",
                        "Content-Length: " + n + "\r\nTransfer-Encoding: identity\r\n",
                        "Content-Length: " + n + "\r\nContent-Length: " + n + "\r\n",
                        "Content-Length: " + n + ", " + n + "\r\n", "Content-Length: 0\r\nContent-Length: " + n + "\r\n",
                        "Content-Length: +" + n + "\r\n"}) {
    CAPTURE(h);
    auto r = s.raw("POST / HTTP/1.1\r\nHost: x\r\n" + h + "\r\n" + inner);
    CHECK(r.received.starts_with("HTTP/1.1 400"));
    CHECK(r.closed_by_server);
    CHECK(count(r.received, "HTTP/1.1 200") == 0);
  }
  CHECK(c.smuggled == 0);
  // One Content-Length frames a body as before.
  auto ok = s.raw("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello");
  CHECK(ok.received.starts_with("HTTP/1.1 200"));
  CHECK(ok.received.find("body=hello") != std::string::npos);
}

TEST_CASE("a missing or repeated Host, and folded header lines, answer 400 and close") {
  counting c;
  running s(http::router::as_handler(c.r));
  for (std::string req : {std::string("GET /healthz HTTP/1.1\r\n\r\n"),
                          std::string("GET /healthz HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n"),
                          std::string("GET /healthz HTTP/1.1\r\nHost: x\r\nhost: x\r\n\r\n"),
                          std::string("GET /healthz HTTP/1.0\r\nHost: x\r\nHost: y\r\n\r\n"),
                          std::string("GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n folded\r\n\r\n"),
                          std::string("GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n\tfolded\r\n\r\n"),
                          std::string("GET /healthz HTTP/1.1\r\n Host: x\r\n\r\n"),
                          std::string("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip,\r\n chunked\r\n\r\n0\r\n\r\n"),
                          std::string("POST / HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")}) {
    CAPTURE(req);
    auto r = s.raw(req);
    CHECK(r.received.starts_with("HTTP/1.1 400"));
    CHECK(r.closed_by_server);
    CHECK(r.received.find("message_en") != std::string::npos);
  }
  // HTTP/1.0 without Host is still fine.
  auto ten = s.raw("GET /healthz HTTP/1.0\r\n\r\n");
  CHECK(ten.received.starts_with("HTTP/1.1 200"));
  CHECK(s.alive());
}

TEST_CASE("a header arriving in pieces is still parsed, and one that never ends is 431") {
  counting c;
  running s(http::router::as_handler(c.r));
  auto cl = http::send_raw("127.0.0.1", s.port(), "GET /healthz HTTP/1.1\r\nHo", 300ms);
  CHECK(cl);  // times out client-side or 408s: either way nothing is served half-parsed
  auto big = s.raw("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(10000, 'a'));
  CHECK(big.received.starts_with("HTTP/1.1 431"));
  CHECK(s.alive());
}

TEST_CASE("empty lines before a request line are ignored (RFC 9112 2.2), as after a body with a stray CRLF") {
  counting c;
  running s(http::router::as_handler(c.r));
  auto r = s.raw("\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  CHECK(r.received.starts_with("HTTP/1.1 200"));
  auto two = s.raw("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nab\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  CHECK(count(two.received, "HTTP/1.1 200") == 2);
  CHECK(s.alive());
}
