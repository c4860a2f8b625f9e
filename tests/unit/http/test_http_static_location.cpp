// Issue 9, hole 9 (HTTP parts): Location headers are percent-encoded URIs, no header value can
// split a response, and static_files serves only an allow-list of types inline (HTML, SVG and
// scripts are attachments unless the mount is the application's own), opening files without
// ever blocking on a FIFO.
#include <pbgdpl/http/static_files.hpp>

#include "support.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

using namespace test_http;
namespace fs = std::filesystem;

TEST_CASE("encode_location percent-encodes what may not appear raw in a URI and keeps the rest") {
  CHECK(http::encode_location("/pbgdpl/tin-tuc/") == "/pbgdpl/tin-tuc/");
  CHECK(http::encode_location("/don-vi/trường a/") == "/don-vi/tr%C6%B0%E1%BB%9Dng%20a/");
  CHECK(http::encode_location("/x\r\nSet-Cookie: a=1") == "/x%0D%0ASet-Cookie:%20a=1");
  CHECK(http::encode_location("/a%20b") == "/a%20b");          // a valid escape stays
  CHECK(http::encode_location("/100%") == "/100%25");          // a bare '%' does not
  CHECK(http::encode_location("/a%zzb") == "/a%25zzb");
  CHECK(http::encode_location("/q?a=1&b=x y#top") == "/q?a=1&b=x%20y#top");
  CHECK(http::encode_location("https://truong-a.edu.vn:8443/p?x=1") == "https://truong-a.edu.vn:8443/p?x=1");
  CHECK(http::encode_location(std::string("/a\0b\x7f<\"'>\\`{|}^", 15)) == "/a%00b%7F%3C%22'%3E%5C%60%7B%7C%7D%5E");
  CHECK(http::encode_location(http::encode_location("/đ ?#%")) == http::encode_location("/đ ?#%"));  // idempotent
  // encode_path: the input is a decoded path, so '%', '?' and '#' are data.
  CHECK(http::encode_path("/a?b#c%41") == "/a%3Fb%23c%2541");
  CHECK(http::encode_path("/don-vi/th-van-yen/pbgdpl/") == "/don-vi/th-van-yen/pbgdpl/");
  CHECK(http::encode_path("//evil.example/x") == "/%2Fevil.example/x");
}

TEST_CASE("a redirect or any header carrying CR, LF or raw bytes cannot split the response") {
  auto r = sample_router();
  r->get("/go", [](http::request&) { return http::response::redirect("/đích\r\nSet-Cookie: hacked=1"); });
  r->get("/raw", [](http::request&) {
    http::response res(http::status::found);
    res.set("Location", "/don-vi/x\r\nX-Injected: 1");
    res.set("X-Note", "a\r\nX-Injected: 2");
    return res;
  });
  running s(http::router::as_handler(r));
  for (const char* t : {"/go", "/raw"}) {
    CAPTURE(t);
    auto out = s.raw(std::string("GET ") + t + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").received;
    auto head = out.substr(0, out.find("\r\n\r\n"));
    CHECK(head.starts_with("HTTP/1.1 302"));
    CHECK(head.find("\r\nSet-Cookie") == std::string::npos);
    CHECK(head.find("\r\nX-Injected") == std::string::npos);
    for (unsigned char c : head.substr(head.find("\r\nLocation: ") + 12, head.find("\r\n", head.find("\r\nLocation: ") + 2) - head.find("\r\nLocation: ") - 12))
      CHECK((c > 0x20 && c < 0x7f));
  }
  auto go = s.get("/go");
  CHECK(go.header("Location") == "/%C4%91%C3%ADch%0D%0ASet-Cookie:%20hacked=1");
  // A vendor's Beast response gets the same treatment.
  http::response res(http::status::found);
  res.set("Location", "/a b\r\nX: 1");
  auto b = http::to_beast(res);
  CHECK(std::string(b[http::bhttp::field::location]) == "/a%20b%0D%0AX:%201");
}

namespace {
struct static_dir {
  // One directory per fixture and process: CTest runs test cases in parallel.
  fs::path base = fs::path(PBGDPL_BINARY_DIR) /
                  ("http-static-types-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
  static int& counter() {
    static int n = 0;
    return n;
  }
  static_dir() {
    std::error_code ec;
    fs::remove_all(base, ec);
    fs::create_directories(base / "uploads");
    for (const char* n : {"page.html", "page.htm", "logo.svg", "app.js", "feed.xml", "data.json", "tool.exe", "noext",
                          "site.css", "photo.png", "photo.JPG", "notes.txt", "doc.pdf", "font.woff2", "clip.mp4",
                          "tên tệp \"x\".html"})
      std::ofstream(base / "uploads" / n) << "<script>alert(1)</script>";
  }
  ~static_dir() {
    std::error_code ec;
    fs::remove_all(base, ec);
  }
};
}  // namespace

TEST_CASE("static_files: only allow-listed types inline from an untrusted mount, HTML, SVG and scripts always attachments") {
  static_dir d;
  auto r = sample_router();
  r->get("/media/{path:path}", http::static_files(d.base / "uploads"));
  running s(http::router::as_handler(r));
  for (const char* n : {"page.html", "page.htm", "logo.svg", "app.js", "feed.xml", "data.json", "tool.exe", "noext", "clip.mp4"}) {
    CAPTURE(n);
    auto res = s.get(std::string("/media/") + n);
    CHECK(res.status == 200);
    CHECK(res.header("Content-Disposition").starts_with("attachment; filename=\""));
    CHECK(res.header("X-Content-Type-Options") == "nosniff");
  }
  for (const char* n : {"site.css", "photo.png", "photo.JPG", "notes.txt", "doc.pdf", "font.woff2"}) {
    CAPTURE(n);
    auto res = s.get(std::string("/media/") + n);
    CHECK(res.status == 200);
    CHECK(res.header("Content-Disposition").empty());
    CHECK(res.header("X-Content-Type-Options") == "nosniff");
  }
  auto odd = s.get("/media/t%C3%AAn%20t%E1%BB%87p%20%22x%22.html");
  CHECK(odd.status == 200);
  CHECK(odd.header("Content-Disposition") ==
        "attachment; filename=\"t__n t___p _x_.html\"; filename*=UTF-8''t%C3%AAn%20t%E1%BB%87p%20%22x%22.html");
  // Listing an active type as inline does not make it inline.
  http::static_options o;
  o.inline_types = {"svg", "html", "png"};
  auto r2 = sample_router();
  r2->get("/media/{path:path}", http::static_files(d.base / "uploads", o));
  running s2(http::router::as_handler(r2));
  CHECK(s2.get("/media/logo.svg").header("Content-Disposition").starts_with("attachment"));
  CHECK(s2.get("/media/photo.png").header("Content-Disposition").empty());
  CHECK(s2.get("/media/site.css").header("Content-Disposition").starts_with("attachment"));  // not on this list
}

TEST_CASE("static_files: a mount marked as the application's own assets serves every type inline") {
  static_dir d;
  http::static_options o;
  o.trusted_assets = true;
  auto r = sample_router();
  r->get("/theme/{path:path}", http::static_files(d.base / "uploads", o));
  running s(http::router::as_handler(r));
  for (const char* n : {"page.html", "logo.svg", "app.js", "site.css"}) {
    CAPTURE(n);
    auto res = s.get(std::string("/theme/") + n);
    CHECK(res.status == 200);
    CHECK(res.header("Content-Disposition").empty());
  }
  CHECK(s.get("/theme/logo.svg").header("Content-Type") == "image/svg+xml");
}

TEST_CASE("static_files: a FIFO in the served directory is a 404 at once, not a hung worker") {
  static_dir d;
  REQUIRE(::mkfifo((d.base / "uploads" / "pipe.css").c_str(), 0644) == 0);
  auto r = sample_router();
  r->get("/media/{path:path}", http::static_files(d.base / "uploads"));
  auto cfg = quick_config();
  cfg.threads = 1;  // one worker: a blocked open would hang every request
  running s(http::router::as_handler(r), cfg);
  auto c = s.client(2000ms);
  auto t0 = std::chrono::steady_clock::now();
  auto res = c.get("/media/pipe.css");
  REQUIRE(res);
  CHECK(res->status == 404);
  CHECK(std::chrono::steady_clock::now() - t0 < 1000ms);
  CHECK(s.alive());
}
