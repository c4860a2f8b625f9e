#include <pbgdpl/http/multipart.hpp>
#include <pbgdpl/http/server.hpp>

#include <doctest/doctest.h>

#include <string>

using namespace pbgdpl;

namespace {
const std::string B = "----pbgdplBoundary7MA4YWxk";
std::string part(std::string_view name, std::string_view value) {
  return "--" + B + "\r\nContent-Disposition: form-data; name=\"" + std::string(name) + "\"\r\n\r\n" + std::string(value) + "\r\n";
}
std::string file(std::string_view name, std::string_view fname, std::string_view type, std::string_view bytes) {
  return "--" + B + "\r\nContent-Disposition: form-data; name=\"" + std::string(name) + "\"; filename=\"" + std::string(fname) +
         "\"\r\nContent-Type: " + std::string(type) + "\r\n\r\n" + std::string(bytes) + "\r\n";
}
std::string close() { return "--" + B + "--\r\n"; }
}  // namespace

TEST_CASE("the boundary is read from a multipart/form-data Content-Type, quoted or not") {
  CHECK(http::multipart_boundary("multipart/form-data; boundary=" + B) == B);
  CHECK(http::multipart_boundary("Multipart/Form-Data; charset=utf-8; boundary=\"a b\"") == "a b");
  CHECK(!http::multipart_boundary("application/x-www-form-urlencoded"));
  CHECK(!http::multipart_boundary("multipart/form-data"));
  CHECK(!http::multipart_boundary("multipart/form-data; boundary="));
  CHECK(!http::multipart_boundary("multipart/form-data; boundary=" + std::string(71, 'x')));
  CHECK(!http::multipart_boundary("multipart/mixed; boundary=abc"));
}

TEST_CASE("text fields and a binary file come out as sent") {
  // Binary, with NUL bytes, a CRLF, a blank line and the start of the delimiter inside.
  std::string bytes = std::string("\x89PNG\r\n\x1a\n\0\0", 10) + "--" + B.substr(0, 5) + "\r\n\r\n\r\n--" + B.substr(0, 9);
  auto body = part("csrf", "abc123") + part("alt_text", "Ảnh lễ ra quân") + file("file", "anh.png", "image/png", bytes) + close();
  auto r = http::parse_multipart(body, B);
  REQUIRE(r);
  REQUIRE(r->size() == 3);
  CHECK((*r)[0].name == "csrf");
  CHECK((*r)[0].body == "abc123");
  CHECK(!(*r)[0].file_name);
  CHECK((*r)[1].body == "Ảnh lễ ra quân");
  CHECK((*r)[2].file_name == "anh.png");
  CHECK((*r)[2].content_type == "image/png");
  CHECK((*r)[2].body == bytes);
}

TEST_CASE("a file name loses its directory and an empty file input is kept as such") {
  auto body = file("file", "C:\\Users\\co.lan\\anh.jpg", "image/jpeg", "x") + file("other", "", "application/octet-stream", "") + close();
  auto r = http::parse_multipart(body, B);
  REQUIRE(r);
  CHECK((*r)[0].file_name == "anh.jpg");
  CHECK((*r)[1].file_name == "");
  CHECK((*r)[1].body.empty());
  auto dots = http::parse_multipart(file("file", "../../etc/passwd", "text/plain", "x") + close(), B);
  REQUIRE(dots);
  CHECK((*dots)[0].file_name == "passwd");
}

TEST_CASE("malformed multipart bodies are refused") {
  auto good = part("a", "1") + close();
  REQUIRE(http::parse_multipart(good, B));
  // No closing delimiter (cut off).
  CHECK(http::parse_multipart(part("a", "1"), B).err().code == errc::parse_error);
  CHECK(http::parse_multipart(good.substr(0, good.size() / 2), B).err().code == errc::parse_error);
  // Another boundary, no boundary at all, an empty body.
  CHECK(!http::parse_multipart(good, "other"));
  CHECK(!http::parse_multipart("", B));
  CHECK(!http::parse_multipart(good, ""));
  // No Content-Disposition, no name, not form-data, a header line without a colon.
  CHECK(!http::parse_multipart("--" + B + "\r\nContent-Type: text/plain\r\n\r\nx\r\n" + close(), B));
  CHECK(!http::parse_multipart("--" + B + "\r\nContent-Disposition: form-data\r\n\r\nx\r\n" + close(), B));
  CHECK(!http::parse_multipart("--" + B + "\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nx\r\n" + close(), B));
  CHECK(!http::parse_multipart("--" + B + "\r\nbroken header\r\n\r\nx\r\n" + close(), B));
  CHECK(!http::parse_multipart("--" + B + "\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n" + close(), B));
  // Headers never end.
  CHECK(!http::parse_multipart("--" + B + "\r\nContent-Disposition: form-data; name=\"a\"\r\n", B));
  // Garbage straight after the delimiter.
  CHECK(!http::parse_multipart("--" + B + "xx\r\n" + close(), B));
  // A text field that is not UTF-8.
  CHECK(http::parse_multipart(part("a", "\xC3\x28") + close(), B).err().code == errc::invalid_utf8);
}

TEST_CASE("limits on parts, headers and sizes hold") {
  http::multipart_limits lim;
  lim.max_parts = 3;
  std::string body;
  for (int i = 0; i < 4; ++i) body += part("f" + std::to_string(i), "v");
  body += close();
  auto many = http::parse_multipart(body, B, lim);
  REQUIRE(!many);
  CHECK(many.err().code == errc::too_large);
  lim = {};
  lim.max_file_bytes = 10;
  auto big = http::parse_multipart(file("file", "a.png", "image/png", std::string(11, 'x')) + close(), B, lim);
  REQUIRE(!big);
  CHECK(big.err().code == errc::too_large);
  CHECK(big.err().path == "/file");
  CHECK(http::parse_multipart(file("file", "a.png", "image/png", std::string(10, 'x')) + close(), B, lim));
  lim = {};
  lim.max_field_bytes = 4;
  CHECK(!http::parse_multipart(part("a", "12345") + close(), B, lim));
  lim = {};
  lim.max_header_bytes = 20;
  CHECK(!http::parse_multipart(part("a", "1") + close(), B, lim));
}

#include "support.hpp"

TEST_CASE("a route's own body limit: a larger declared body is not read and the handler says so") {
  auto r = std::make_shared<http::router>();
  r->get("/healthz", [](http::request&) { return http::response::text("ok"); });
  r->post("/tai-len", [](http::request& q) {
    return http::response::text(q.body_refused ? "refused" : "got " + std::to_string(q.body().size()));
  });
  r->post("/khac", [](http::request& q) { return http::response::text("got " + std::to_string(q.body().size())); });
  auto cfg = test_http::quick_config();
  cfg.max_body_bytes = 1000;
  cfg.body_limit_for = [](std::string_view target, std::string_view) -> std::optional<std::size_t> {
    if (target.substr(0, target.find('?')) == "/tai-len") return 5000;
    return std::nullopt;
  };
  test_http::running srv(http::router::as_handler(r), cfg);
  auto post = [&](std::string_view path, std::size_t n) {
    return srv.raw("POST " + std::string(path) + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(n) + "\r\n\r\n" +
                   std::string(n, 'a'));
  };
  // Over the server's default limit but within the route's: read whole.
  auto ok = post("/tai-len", 4000);
  CHECK_MESSAGE(ok.received.find("got 4000") != std::string::npos, ok.received);
  // Over the route's: the handler answers without the body, and the connection closes.
  auto big = post("/tai-len", 6000);
  CHECK_MESSAGE(big.received.find("refused") != std::string::npos, big.received);
  CHECK(big.received.find("Connection: close") != std::string::npos);
  // Other routes keep the default limit (the server's own 413).
  CHECK(post("/khac", 4000).received.find("413") != std::string::npos);
  CHECK(post("/khac", 900).received.find("got 900") != std::string::npos);
  CHECK(srv.alive());
}
