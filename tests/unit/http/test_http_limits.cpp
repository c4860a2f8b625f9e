// Per-client request rates (issue 9, hole 6): the rate_limiter's buckets, its bounded table, the
// 429 it answers, and who "the client" is behind trusted proxies.
#include <pbgdpl/http/address.hpp>
#include <pbgdpl/http/middleware.hpp>

#include "support.hpp"

#include <doctest/doctest.h>

#include <thread>
#include <vector>

using namespace test_http;

namespace {
http::request from(std::string peer, std::vector<std::string> xff = {}) {
  http::beast_request m{http::verb::get, "/tim-kiem?q=x", 11};
  m.set(http::bhttp::field::host, "t");
  for (auto& x : xff) m.insert("X-Forwarded-For", x);
  http::request r(std::move(m));
  r.remote_address = std::move(peer);
  return r;
}
}  // namespace

TEST_CASE("client_address believes X-Forwarded-For only from a trusted proxy, and only its rightmost untrusted entry") {
  std::vector<std::string> proxies{"10.0.0.0/8", "192.0.2.7", "2001:db8:aa::/48"};
  // Not through a proxy: the peer, whatever the header says.
  CHECK(http::client_address(from("203.0.113.9", {"1.2.3.4"}), proxies) == "203.0.113.9");
  CHECK(http::client_address(from("203.0.113.9"), {}) == "203.0.113.9");
  // Through a proxy: what the proxy appended (the rightmost), not what the client wrote.
  CHECK(http::client_address(from("10.1.2.3", {"6.6.6.6, 198.51.100.4"}), proxies) == "198.51.100.4");
  // A chain of trusted proxies is skipped, also across header lines.
  CHECK(http::client_address(from("192.0.2.7", {"6.6.6.6, 198.51.100.4", "10.9.9.9"}), proxies) == "198.51.100.4");
  CHECK(http::client_address(from("10.1.2.3", {"2001:db8:aa:1::5, 2001:db8:1::9"}), proxies) == "2001:db8:1::9");
  CHECK(http::client_address(from("10.1.2.3", {"[2001:db8:1::9]:443"}), proxies) == "2001:db8:1::9");
  CHECK(http::client_address(from("10.1.2.3", {"198.51.100.4:5555"}), proxies) == "198.51.100.4");
  // No header, or garbage where the proxy's entry should be: the peer.
  CHECK(http::client_address(from("10.1.2.3"), proxies) == "10.1.2.3");
  CHECK(http::client_address(from("10.1.2.3", {"1.2.3.4, not-an-ip"}), proxies) == "10.1.2.3");
  // Exact entries match exactly; IPv4-mapped peers are IPv4.
  CHECK(http::client_address(from("192.0.2.8", {"1.2.3.4"}), proxies) == "192.0.2.8");
  CHECK(http::client_address(from("::ffff:10.0.0.1", {"1.2.3.4"}), proxies) == "1.2.3.4");
  CHECK(http::client_address(from("::ffff:203.0.113.9", {"1.2.3.4"}), proxies) == "203.0.113.9");
  // IPv6 networks and prefix bits that are not whole bytes.
  CHECK(http::client_address(from("2001:db8:aa:ffff::1", {"1.2.3.4"}), proxies) == "1.2.3.4");
  CHECK(http::client_address(from("2001:db8:ab::1", {"1.2.3.4"}), proxies) == "2001:db8:ab::1");
  http::address_list odd({"172.16.0.0/12", "garbage", "10.0.0.0/33"});
  CHECK(odd.contains("172.31.255.255"));
  CHECK_FALSE(odd.contains("172.32.0.0"));
  CHECK(odd.invalid().size() == 2);
  CHECK(http::address_key("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64");
  CHECK(http::address_key("::ffff:1.2.3.4") == "1.2.3.4");
}

TEST_CASE("rate_limiter: a bucket per client, refilled over time, with a Retry-After") {
  http::rate_limiter lim({.requests_per_second = 10, .burst = 3});
  CHECK(lim.allow("a"));
  CHECK(lim.allow("a"));
  CHECK(lim.allow("a"));
  CHECK_FALSE(lim.allow("a"));
  CHECK(lim.allow("b"));  // another client has its own bucket
  CHECK(lim.retry_after("a").count() == 1);
  std::this_thread::sleep_for(150ms);
  CHECK(lim.allow("a"));
  auto r = http::too_many_requests(std::chrono::seconds(7));
  CHECK(r.code == http::status::too_many_requests);
  CHECK(r.get("Retry-After") == "7");
  CHECK(r.body.find("Quá nhiều yêu cầu") != std::string::npos);
  CHECK(r.body.find("Too many requests") != std::string::npos);
}

TEST_CASE("rate_limiter: a full table evicts the least recently seen client, never everyone") {
  http::rate_limiter lim({.requests_per_second = 0.001, .burst = 2, .max_clients = 3});
  CHECK(lim.allow("abuser"));
  CHECK(lim.allow("abuser"));
  CHECK_FALSE(lim.allow("abuser"));
  // Fresh keys push the table past its bound; the abuser keeps asking, so its bucket stays.
  for (int i = 0; i < 100; ++i) {
    CHECK(lim.allow("k" + std::to_string(i)));
    CHECK_FALSE(lim.allow("abuser"));
    CHECK(lim.size() <= 3);
  }
  CHECK(lim.size() == 3);
}

TEST_CASE("rate_limiter: thread-safe under concurrent clients") {
  http::rate_limiter lim({.requests_per_second = 0.001, .burst = 100, .max_clients = 50});
  std::atomic<int> allowed{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t)
    ts.emplace_back([&] {
      for (int i = 0; i < 1000; ++i)
        if (lim.allow("same")) ++allowed;
    });
  for (auto& t : ts) t.join();
  CHECK(allowed == 100);
}

TEST_CASE("check() and the middleware count forwarded clients behind a trusted proxy") {
  auto lim = std::make_shared<http::rate_limiter>(
      http::rate_limit_config{.requests_per_second = 0.001, .burst = 2, .trusted_proxies = {"127.0.0.1"}});
  auto a = from("127.0.0.1", {"198.51.100.1"});
  auto b = from("127.0.0.1", {"198.51.100.2"});
  CHECK_FALSE(lim->check(a));
  CHECK_FALSE(lim->check(a));
  auto refused = lim->check(a);
  REQUIRE(refused);
  CHECK(refused->code == http::status::too_many_requests);
  CHECK(std::stoi(std::string(refused->get("Retry-After"))) >= 1);
  CHECK_FALSE(lim->check(b));  // another client behind the same proxy
  // Over a real socket: a handler guarded with rate_limited(), and the pipeline middleware.
  auto r = sample_router();
  auto guarded = std::make_shared<http::rate_limiter>(
      http::rate_limit_config{.requests_per_second = 0.001, .burst = 1, .trusted_proxies = {"127.0.0.1"}});
  r->get("/tim-kiem", http::rate_limited(guarded, [](http::request&) { return http::response::text("results"); }));
  running s(http::router::as_handler(r));
  auto c = s.client();
  CHECK(c.get("/tim-kiem", {{"X-Forwarded-For", "198.51.100.1"}}).value().status == 200);
  CHECK(c.get("/tim-kiem", {{"X-Forwarded-For", "198.51.100.1"}}).value().status == 429);
  CHECK(c.get("/tim-kiem", {{"X-Forwarded-For", "198.51.100.2"}}).value().status == 200);
  CHECK(c.get("/healthz").value().status == 200);  // other routes are not limited
}
