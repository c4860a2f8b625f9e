#include <pbgdpl/signage/device_auth.hpp>

#include <doctest/doctest.h>

#include <cctype>
#include <vector>

using namespace pbgdpl;
using namespace std::chrono_literals;
namespace sg = pbgdpl::signage;

namespace {
const timestamp t0 = timestamp{std::chrono::sys_days{std::chrono::year{2026} / 9 / 1}} + 8h;
const std::string body = R"({"status":"playing","manifest_sequence":7})";
const std::string target = "/api/v1/signage/heartbeat";

errc code_of(const result<void>& r) { return r ? errc::ok : r.err().code; }
}  // namespace

TEST_CASE("a device-signed request verifies with the device's key") {
  auto key = trust::secret_key::generate();
  auto h = sg::sign_request(key, "POST", target, body, t0);
  CHECK(h.device == key.id().hex());
  CHECK(h.time == std::to_string(t0.time_since_epoch().count()));
  CHECK(code_of(sg::verify_request(key.public_part(), h, "POST", target, body, t0 + 5s)) == errc::ok);
  // An empty body (a GET) too.
  auto g = sg::sign_request(key, "GET", "/api/v1/signage/manifest", "", t0);
  CHECK(code_of(sg::verify_request(key.public_part(), g, "GET", "/api/v1/signage/manifest", "", t0)) == errc::ok);
}

TEST_CASE("a device-signed request is refused for another body, method or target") {
  auto key = trust::secret_key::generate();
  auto h = sg::sign_request(key, "POST", target, body, t0);
  auto pk = key.public_part();
  CHECK(code_of(sg::verify_request(pk, h, "POST", target, body + " ", t0)) == errc::unauthenticated);
  CHECK(code_of(sg::verify_request(pk, h, "PUT", target, body, t0)) == errc::unauthenticated);
  CHECK(code_of(sg::verify_request(pk, h, "POST", "/api/v1/signage/plays", body, t0)) == errc::unauthenticated);
  CHECK(code_of(sg::verify_request(pk, h, "POST", target + "?x=1", body, t0)) == errc::unauthenticated);
  // The time is signed: moving it (to slip into the window) breaks the signature.
  auto moved = h;
  moved.time = std::to_string(t0.time_since_epoch().count() + 1);
  CHECK(code_of(sg::verify_request(pk, moved, "POST", target, body, t0)) == errc::unauthenticated);
}

TEST_CASE("a device-signed request is refused outside the time tolerance") {
  auto key = trust::secret_key::generate();
  auto pk = key.public_part();
  auto h = sg::sign_request(key, "POST", target, body, t0);
  CHECK(code_of(sg::verify_request(pk, h, "POST", target, body, t0 + 900s)) == errc::ok);
  CHECK(code_of(sg::verify_request(pk, h, "POST", target, body, t0 + 901s)) == errc::unauthenticated);
  CHECK(code_of(sg::verify_request(pk, h, "POST", target, body, t0 - 901s)) == errc::unauthenticated);
  CHECK(code_of(sg::verify_request(pk, h, "POST", target, body, t0 + 60s, 30s)) == errc::unauthenticated);
  auto r = sg::verify_request(pk, h, "POST", target, body, t0 + 1h);
  REQUIRE_FALSE(r);
  CHECK(r.err().message_en.find("3600 seconds off") != std::string::npos);
  CHECK(r.err().message_vi.find("lệch 3600 giây") != std::string::npos);
}

TEST_CASE("a device-signed request is refused under another device's key") {
  auto key = trust::secret_key::generate(), other = trust::secret_key::generate();
  auto h = sg::sign_request(key, "POST", target, body, t0);
  auto r = sg::verify_request(other.public_part(), h, "POST", target, body, t0);
  REQUIRE_FALSE(r);
  CHECK(r.err().code == errc::unauthenticated);
  CHECK(r.err().message_en.find("another device") != std::string::npos);
  // Another device that claims this device's id still cannot sign for it.
  auto forged = sg::sign_request(other, "POST", target, body, t0);
  forged.device = key.id().hex();
  CHECK(code_of(sg::verify_request(key.public_part(), forged, "POST", target, body, t0)) == errc::unauthenticated);
}

TEST_CASE("malformed device headers are refused with a message saying which") {
  auto key = trust::secret_key::generate();
  auto pk = key.public_part();
  auto h = sg::sign_request(key, "POST", target, body, t0);
  auto refuse = [&](sg::signed_headers bad, std::string_view en) {
    auto r = sg::verify_request(pk, bad, "POST", target, body, t0);
    REQUIRE_FALSE(r);
    CHECK(r.err().code == errc::unauthenticated);
    CHECK(r.err().message_en.find(en) != std::string::npos);
    CHECK(r.err().message_vi.rfind("Yêu cầu của thiết bị không được xác thực", 0) == 0);
  };
  auto b = h;
  b.device = "";
  refuse(b, "X-Pbgdpl-Device");
  b.device = h.device + "0";
  refuse(b, "X-Pbgdpl-Device");
  std::string lower = h.device;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower != h.device) {
    b.device = lower;
    refuse(b, "X-Pbgdpl-Device");
  }
  b = h;
  for (std::string t : std::vector<std::string>{"", "-5", "+1788220800", "1788220800.0", " 1788220800", "17882208000000000000000", "1e9"}) {
    b.time = t;
    refuse(b, "X-Pbgdpl-Time");
  }
  b = h;
  for (std::string s : {std::string(), std::string("AAAA"), h.signature.substr(1), h.signature + "=", h.signature + "\n",
                        std::string(h.signature.size(), '*')}) {
    b.signature = s;
    refuse(b, "X-Pbgdpl-Signature");
  }
}
