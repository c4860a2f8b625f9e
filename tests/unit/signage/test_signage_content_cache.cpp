#include <pbgdpl/signage/content_cache.hpp>

#include <doctest/doctest.h>

#include "loopback_server.hpp"

#include <pbgdpl/trust/hash.hpp>

#include <csignal>
#include <fstream>
#include <mutex>

#include <sys/resource.h>
#include <sys/stat.h>

using namespace pbgdpl;
namespace fs = std::filesystem;

namespace {

struct temp_dir {
  fs::path path;
  temp_dir() {
    path = fs::temp_directory_path() / ("pbgdpl-cache-" + std::to_string(::getpid()) + "-" + random_id_string().substr(0, 8));
    fs::create_directories(path);
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

std::string bytes_of(std::size_t n, char seed) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>(seed + (i * 7) % 251);
  return s;
}

std::string address_of(std::string_view bytes) { return trust::to_hex(trust::blake2b_256(bytes)); }

// Serves `content` under any target with Range support; remembers each Range asked. A request whose
// number is in `break_at` gets its head and half its body, then the connection closes.
struct range_site {
  std::mutex mu;
  std::string content;
  std::vector<std::string> ranges;
  std::set<std::size_t> break_at;  // request numbers (0-based)
  bool ignore_range = false;
  std::size_t count = 0;
  std::string handle(const test_loop::request& r) {
    std::lock_guard lock(mu);
    std::size_t n = count++;
    auto range = r.header("Range");
    ranges.push_back(range);
    std::uint64_t a = 0, b = content.size() - 1;
    if (ignore_range || range.empty()) return test_loop::response(200, content, "Content-Type: image/png\r\n");
    std::sscanf(range.c_str(), "bytes=%lu-%lu", &a, &b);
    if (a >= content.size()) return test_loop::response(416, "");
    b = std::min<std::uint64_t>(b, content.size() - 1);
    auto part = content.substr(a, b - a + 1);
    auto head = "HTTP/1.1 206 Partial\r\nContent-Type: image/png\r\nContent-Range: bytes " + std::to_string(a) + "-" +
                std::to_string(b) + "/" + std::to_string(content.size()) + "\r\nContent-Length: " + std::to_string(part.size()) +
                "\r\nConnection: close\r\n\r\n";
    if (break_at.contains(n)) return head + part.substr(0, part.size() / 2);
    return head + part;
  }
};

signage::download_options options(std::size_t chunk) {
  signage::download_options o;
  o.chunk_bytes = chunk;
  o.fetch.allow_private_addresses = true;
  o.fetch.timeout = std::chrono::milliseconds(5000);
  return o;
}

}  // namespace

TEST_CASE("a content address is 64 lower-case hex digits and nothing that could leave the cache directory") {
  CHECK(signage::is_content_address(std::string(64, 'a')));
  CHECK_FALSE(signage::is_content_address(std::string(64, 'A')));
  CHECK_FALSE(signage::is_content_address(std::string(63, 'a')));
  CHECK_FALSE(signage::is_content_address("../device.key"));
  CHECK_FALSE(signage::is_content_address(std::string(61, 'a') + "/.."));
  temp_dir t;
  auto cache = signage::content_cache::open(t.path / "cache").value();
  CHECK(cache.has("../device.key").err().code == errc::invalid_argument);
  CHECK(cache.append_part("../../x", "y").err().code == errc::invalid_argument);
}

TEST_CASE("a file downloads in Range chunks and enters the cache only with its digest") {
  temp_dir t;
  auto cache = signage::content_cache::open(t.path / "cache").value();
  range_site site;
  site.content = bytes_of(2500, 'a');
  test_loop::server srv([&](const test_loop::request& r) { return site.handle(r); });
  auto addr = address_of(site.content);
  auto r = signage::download(cache, srv.base() + "/api/v1/signage/content/" + addr, addr, site.content.size(), options(1000));
  REQUIRE_FALSE(r.failure);
  REQUIRE(r.digest);
  CHECK(trust::to_hex(r.digest->b256) == addr);
  CHECK(site.ranges == std::vector<std::string>{"bytes=0-999", "bytes=1000-1999", "bytes=2000-2499"});
  CHECK(cache.has(addr).value());
  CHECK(cache.partial_size(addr).value() == 0);
  CHECK(cache.used_bytes() == 2500);
  auto d = cache.digest(addr).value();
  CHECK(d.b512 == r.digest->b512);
}

TEST_CASE("bytes that do not match their digest are removed, never cached") {
  temp_dir t;
  auto cache = signage::content_cache::open(t.path / "cache").value();
  range_site site;
  site.content = bytes_of(1500, 'a');
  auto addr = address_of(site.content);
  site.content[700] ^= 1;  // the server's copy was altered
  test_loop::server srv([&](const test_loop::request& r) { return site.handle(r); });
  auto r = signage::download(cache, srv.base() + "/c/" + addr, addr, 1500, options(1000));
  REQUIRE(r.failure);
  CHECK(r.failure->why.code == errc::tampered);
  CHECK_FALSE(r.failure->offline);
  CHECK_FALSE(cache.has(addr).value());
  CHECK(cache.partial_size(addr).value() == 0);
  CHECK(cache.entries().empty());
}

TEST_CASE("a connection closed mid-chunk keeps the whole chunks and the next attempt asks only for the rest") {
  temp_dir t;
  auto cache = signage::content_cache::open(t.path / "cache").value();
  range_site site;
  site.content = bytes_of(3500, 'b');
  site.break_at = {1};  // the second chunk: half of it, then the connection closes
  test_loop::server srv([&](const test_loop::request& r) { return site.handle(r); });
  auto addr = address_of(site.content);
  auto url = srv.base() + "/c/" + addr;
  auto first = signage::download(cache, url, addr, 3500, options(1000));
  REQUIRE(first.failure);
  CHECK(first.failure->offline);
  CHECK(cache.partial_size(addr).value() == 1000);
  CHECK_FALSE(cache.has(addr).value());
  site.ranges.clear();
  auto second = signage::download(cache, url, addr, 3500, options(1000));
  REQUIRE_FALSE(second.failure);
  CHECK(site.ranges == std::vector<std::string>{"bytes=1000-1999", "bytes=2000-2999", "bytes=3000-3499"});
  CHECK(second.bytes_received == 2500);
  CHECK(cache.has(addr).value());
}

TEST_CASE("a server that ignores Range and answers 200 starts the file over") {
  temp_dir t;
  auto cache = signage::content_cache::open(t.path / "cache").value();
  range_site site;
  site.content = bytes_of(2200, 'c');
  site.ignore_range = true;
  test_loop::server srv([&](const test_loop::request& r) { return site.handle(r); });
  auto addr = address_of(site.content);
  REQUIRE(cache.append_part(addr, std::string(600, 'x')));  // stale bytes from an earlier attempt
  auto r = signage::download(cache, srv.base() + "/c/" + addr, addr, 2200, options(1000));
  // The first answer is a 200: its first chunk replaces the stale part; the rest keeps coming as
  // 200s, each starting the file over, so the download never gets past the first chunk.
  REQUIRE(r.failure);
  CHECK(site.ranges.front() == "bytes=600-1599");
  site.ignore_range = false;
  site.ranges.clear();
  auto again = signage::download(cache, srv.base() + "/c/" + addr, addr, 2200, options(1000));
  REQUIRE_FALSE(again.failure);
  CHECK(site.ranges.front() == "bytes=1000-1999");  // resumed from the 200's first chunk, not the stale bytes
  CHECK(cache.has(addr).value());
}

TEST_CASE("links and FIFOs planted in the cache are refused, not followed or read") {
  temp_dir t;
  auto cache = signage::content_cache::open(t.path / "cache").value();
  auto content = bytes_of(100, 'd');
  auto addr = address_of(content);
  {
    std::ofstream(t.path / "outside") << content;
  }
  fs::create_symlink(t.path / "outside", cache.file(addr));
  CHECK(cache.has(addr).err().code == errc::unsafe_path);
  CHECK(cache.digest(addr).err().code == errc::unsafe_path);
  fs::remove(cache.file(addr));
  // A link at the .part path: appending must not write through it.
  fs::create_symlink(t.path / "outside", cache.part(addr));
  CHECK(cache.append_part(addr, "more").err().code == errc::unsafe_path);
  CHECK(fs::file_size(t.path / "outside") == 100);
  fs::remove(cache.part(addr));
  // A FIFO at the .part path: refused at once, not a hang.
  REQUIRE(::mkfifo(cache.part(addr).c_str(), 0600) == 0);
  CHECK(cache.partial_size(addr).err().code == errc::unsafe_path);
  CHECK(cache.append_part(addr, "more").err().code == errc::unsafe_path);
  fs::remove(cache.part(addr));
  // The cache directory itself may not be a link.
  fs::create_directories(t.path / "real");
  fs::create_directory_symlink(t.path / "real", t.path / "linked");
  CHECK(signage::content_cache::open(t.path / "linked").err().code == errc::unsafe_path);
}

TEST_CASE("making room evicts unreferenced files oldest first and never what is kept") {
  temp_dir t;
  auto cache = signage::content_cache::open(t.path / "cache").value();
  std::vector<std::string> addrs;
  for (char c : {'a', 'b', 'c'}) {
    auto content = bytes_of(1000, c);
    auto a = address_of(content);
    REQUIRE(cache.append_part(a, content));
    REQUIRE(cache.finish(a, 1000));
    fs::last_write_time(cache.file(a), fs::file_time_type::clock::now() - std::chrono::hours(10 - (c - 'a')));
    addrs.push_back(a);
  }
  // a is the oldest; keep it, so b goes first.
  REQUIRE(cache.make_room(1000, 3000, {addrs[0]}));
  CHECK(cache.has(addrs[0]).value());
  CHECK_FALSE(cache.has(addrs[1]).value());
  CHECK(cache.has(addrs[2]).value());
  // Nothing else may go: 2000 kept + 2000 needed > 3000.
  auto full = cache.make_room(2000, 3000, {addrs[0], addrs[2]});
  REQUIRE_FALSE(full);
  CHECK(full.err().code == errc::storage_full);
  CHECK(cache.has(addrs[0]).value());
  CHECK(cache.has(addrs[2]).value());
}

TEST_CASE("a full disk while downloading is storage_full and leaves no partial file") {
  temp_dir t;
  auto cache = signage::content_cache::open(t.path / "cache").value();
  range_site site;
  site.content = bytes_of(3000, 'e');
  test_loop::server srv([&](const test_loop::request& r) { return site.handle(r); });
  auto addr = address_of(site.content);
  // The file-size limit makes write() fail with EFBIG past 1,500 bytes, as a full disk would.
  struct rlimit old {};
  REQUIRE(::getrlimit(RLIMIT_FSIZE, &old) == 0);
  auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  struct rlimit small = old;
  small.rlim_cur = 1500;
  REQUIRE(::setrlimit(RLIMIT_FSIZE, &small) == 0);
  auto r = signage::download(cache, srv.base() + "/c/" + addr, addr, 3000, options(1000));
  ::setrlimit(RLIMIT_FSIZE, &old);
  std::signal(SIGXFSZ, old_handler);
  REQUIRE(r.failure);
  CHECK(r.failure->why.code == errc::storage_full);
  CHECK(cache.partial_size(addr).value() == 0);
  CHECK_FALSE(cache.has(addr).value());
}
