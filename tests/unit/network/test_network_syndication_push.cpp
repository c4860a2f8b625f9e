#include <pbgdpl/network/syndication_push.hpp>

#include <doctest/doctest.h>

#include <pbgdpl/http/router.hpp>
#include <pbgdpl/http/server.hpp>
#include <pbgdpl/store/memory.hpp>

#include "../store/fixtures.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>

using namespace pbgdpl;
using namespace fixtures;
using namespace std::chrono_literals;

namespace {

// The city's endpoint on 127.0.0.1 (port 0): answers 503 to the first `failures` POSTs, then 202,
// and remembers each POST's idempotency key and body.
struct fake_city {
  std::mutex mu;
  unsigned failures = 0;
  unsigned answer_after = 202;
  std::vector<std::string> keys, bodies;
  std::unique_ptr<http::server> srv;

  explicit fake_city(unsigned fail_first, unsigned then = 202) : failures(fail_first), answer_after(then) {
    http::server_config cfg;
    cfg.address = "127.0.0.1";
    cfg.port = 0;
    cfg.threads = 1;
    srv = std::make_unique<http::server>(cfg, [this](http::request& req) {
      std::lock_guard lock(mu);
      keys.emplace_back(req.header("Idempotency-Key"));
      bodies.push_back(req.body());
      if (keys.size() <= failures) return http::response::text("tạm thời không nhận", http::status::service_unavailable);
      return http::response::text("đã nhận", static_cast<http::status>(answer_after));
    });
    srv->start();
  }
  ~fake_city() { srv->stop(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(srv->port()) + "/lien-thong/nhan"; }
  std::size_t count() {
    std::lock_guard lock(mu);
    return keys.size();
  }
};

// A socket that listens and never accepts: the connection completes in the kernel's backlog, and
// no answer ever comes.
struct silent_endpoint {
  int fd = -1;
  std::uint16_t port = 0;
  silent_endpoint() {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::listen(fd, 8) == 0);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
  }
  ~silent_endpoint() { ::close(fd); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port) + "/nhan"; }
};

network::signed_package sample_package() {
  auto key = trust::secret_key::generate();
  network::package p;
  p.unit = {unit_id{"pgd-ha-dong"}, "Phòng Giáo dục và Đào tạo quận Hà Đông", "education_division", ""};
  p.generated_at = at("2023-04-02T10:00:00+07:00");
  p.items.push_back(network::article_item("art-1", "", at("2023-03-22T08:00:00+07:00"), at("2023-03-22T08:00:00+07:00"),
                                          R"({"id":"art-1","title":"Ngày Pháp luật"})", {}));
  auto s = network::sign_package(p, key);
  REQUIRE(s.has_value());
  return *s;
}

// Options for tests: loopback allowed, the backoff's waits counted instead of slept.
network::push_options quick(std::string url, std::vector<std::chrono::milliseconds>* waits) {
  network::push_options o;
  o.url = std::move(url);
  o.fetch.allow_private_addresses = true;
  o.fetch.timeout = 2s;
  o.retry.first = 1s;
  o.retry.factor = 2;
  o.retry.jitter = 0;
  o.retry.max_attempts = 5;
  o.sleep = [waits](std::chrono::milliseconds d) { waits->push_back(d); };
  return o;
}

}  // namespace

TEST_CASE("a push that fails twice is retried with backoff and one idempotency key until accepted") {
  fake_city city(2);
  pbgdpl::store::memory_store db;  // qualified: in a unity batch clang also sees store::store
  auto pkg = sample_package();
  std::vector<std::chrono::milliseconds> waits;
  auto r = network::push(pkg, quick(city.url(), &waits), &db);
  REQUIRE_MESSAGE(r.has_value(), r.err().describe());
  CHECK(r->state == delivery_state::delivered);
  CHECK(r->delivered_at.has_value());
  REQUIRE(city.count() == 3);
  CHECK(r->attempts.size() == 3);
  CHECK(r->attempts[0].status == 503);
  CHECK(r->attempts[1].status == 503);
  CHECK(r->attempts[2].status == 202);
  // One key for every attempt, the package's.
  CHECK(city.keys[0] == network::idempotency_key(pkg));
  CHECK(city.keys[1] == city.keys[0]);
  CHECK(city.keys[2] == city.keys[0]);
  // Every attempt sends the same bytes: the package text and its signature, whole.
  CHECK(city.bodies[0] == city.bodies[2]);
  auto body = json::parse(city.bodies[0]);
  CHECK(body["format"] == "pbgdpl/syndication-push/1");
  CHECK(body["package"] == pkg.text);
  CHECK(body["signature"] == pkg.signature);
  // Waits of 1 s, then 2 s (in steps of at most 200 ms).
  std::chrono::milliseconds total{0};
  for (auto w : waits) total += w;
  CHECK(total == 3s);
  // The log in the store says the same.
  auto stored = db.get<syndication_push>(network::idempotency_key(pkg));
  REQUIRE(stored.has_value());
  CHECK(stored->state == delivery_state::delivered);
  CHECK(stored->attempts.size() == 3);
  CHECK(stored->package_blake2b == pkg.blake2b);
  auto listed = network::list_pushes(db, unit_id{"pgd-ha-dong"});
  REQUIRE(listed.has_value());
  CHECK(listed->items.size() == 1);
  // The same package again: already delivered, not sent again.
  auto again = network::push(pkg, quick(city.url(), &waits), &db);
  REQUIRE(again.has_value());
  CHECK(again->state == delivery_state::delivered);
  CHECK(city.count() == 3);
}

TEST_CASE("a push the endpoint refuses for good is not retried") {
  fake_city city(0, 422);
  pbgdpl::store::memory_store db;  // qualified: in a unity batch clang also sees store::store
  std::vector<std::chrono::milliseconds> waits;
  auto r = network::push(sample_package(), quick(city.url(), &waits), &db);
  REQUIRE(r.has_value());
  CHECK(r->state == delivery_state::failed);
  CHECK(r->last_status == 422);
  CHECK(city.count() == 1);
  CHECK(waits.empty());
}

TEST_CASE("an endpoint that never answers times out each attempt, is logged, and the package stays pushable") {
  silent_endpoint silent;
  pbgdpl::store::memory_store db;  // qualified: in a unity batch clang also sees store::store
  auto pkg = sample_package();
  std::vector<std::chrono::milliseconds> waits;
  auto o = quick(silent.url(), &waits);
  o.fetch.timeout = 300ms;
  o.retry.max_attempts = 2;
  auto t0 = std::chrono::steady_clock::now();
  auto r = network::push(pkg, o, &db);
  auto took = std::chrono::steady_clock::now() - t0;
  REQUIRE(r.has_value());
  CHECK(r->state == delivery_state::failed);
  REQUIRE(r->attempts.size() == 2);
  CHECK(r->attempts[0].status == 0);
  CHECK(r->attempts[0].error.rfind("timeout", 0) == 0);
  CHECK(took < 5s);
  auto stored = db.get<syndication_push>(network::idempotency_key(pkg));
  REQUIRE(stored.has_value());
  CHECK(stored->state == delivery_state::failed);
  CHECK(stored->attempts.size() == 2);
  // Nothing lost: the same package pushed again later, to an endpoint that answers, continues
  // its record under the same key and is delivered.
  fake_city city(0);
  auto later = network::push(pkg, quick(city.url(), &waits), &db);
  REQUIRE(later.has_value());
  CHECK(later->state == delivery_state::delivered);
  CHECK(later->attempts.size() == 3);
  CHECK(city.keys.at(0) == network::idempotency_key(pkg));
}

TEST_CASE("a push stops waiting when asked to stop") {
  fake_city city(100);
  std::vector<std::chrono::milliseconds> waits;
  auto o = quick(city.url(), &waits);
  std::atomic<int> asked{0};
  o.stopping = [&] { return ++asked > 1; };
  auto r = network::push(sample_package(), o, nullptr);
  REQUIRE(r.has_value());
  CHECK(r->state == delivery_state::failed);
  CHECK(city.count() == 1);
}

TEST_CASE("a push to a URL that is not http or https is refused before sending") {
  std::vector<std::chrono::milliseconds> waits;
  auto r = network::push(sample_package(), quick("file:///etc/passwd", &waits), nullptr);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.err().code == errc::invalid_argument);
}
