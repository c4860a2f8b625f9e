#include <pbgdpl/trust/hmac.hpp>

#include <doctest/doctest.h>

using namespace pbgdpl;

namespace {
std::string repeat(unsigned char c, std::size_t n) { return std::string(n, static_cast<char>(c)); }
}  // namespace

// RFC 4231 section 4: the HMAC-SHA-256 results of test cases 1 to 7 (case 5 is truncated to 128 bits).
TEST_CASE("HMAC-SHA256 gives the RFC 4231 test vectors") {
  CHECK(trust::hmac_sha256_hex(repeat(0x0b, 20), "Hi There") ==
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  CHECK(trust::hmac_sha256_hex("Jefe", "what do ya want for nothing?") ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  CHECK(trust::hmac_sha256_hex(repeat(0xaa, 20), repeat(0xdd, 50)) ==
        "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
  std::string key4;
  for (int i = 1; i <= 25; ++i) key4.push_back(static_cast<char>(i));
  CHECK(trust::hmac_sha256_hex(key4, repeat(0xcd, 50)) ==
        "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
  CHECK(trust::hmac_sha256_hex(repeat(0x0c, 20), "Test With Truncation").substr(0, 32) == "a3b6167473100ee06e0c796c2955552b");
  // Keys longer than SHA-256's 64-byte block are hashed first.
  CHECK(trust::hmac_sha256_hex(repeat(0xaa, 131), "Test Using Larger Than Block-Size Key - Hash Key First") ==
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  CHECK(trust::hmac_sha256_hex(repeat(0xaa, 131),
                               "This is a test using a larger than block-size key and a larger than block-size data. The key "
                               "needs to be hashed before being used by the HMAC algorithm.") ==
        "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

TEST_CASE("an HMAC signature verifies only for its own key and message") {
  auto sig = trust::hmac_sha256_hex("khoa-bi-mat", "1700000000.{\"a\":1}");
  CHECK(trust::verify_hmac_sha256_hex("khoa-bi-mat", "1700000000.{\"a\":1}", sig));
  std::string upper = sig;
  for (auto& c : upper)
    if (c >= 'a' && c <= 'f') c = static_cast<char>(c - 'a' + 'A');
  CHECK(trust::verify_hmac_sha256_hex("khoa-bi-mat", "1700000000.{\"a\":1}", upper));
  CHECK_FALSE(trust::verify_hmac_sha256_hex("khoa-khac", "1700000000.{\"a\":1}", sig));
  CHECK_FALSE(trust::verify_hmac_sha256_hex("khoa-bi-mat", "1700000001.{\"a\":1}", sig));
  CHECK_FALSE(trust::verify_hmac_sha256_hex("khoa-bi-mat", "1700000000.{\"a\":1}", sig.substr(2)));
  CHECK_FALSE(trust::verify_hmac_sha256_hex("khoa-bi-mat", "1700000000.{\"a\":1}", "zz" + sig.substr(2)));
}

TEST_CASE("SHA-256 and random secrets") {
  CHECK(trust::to_hex(trust::sha256("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  auto a = trust::random_hex(32), b = trust::random_hex(32);
  CHECK(a.size() == 64);
  CHECK(a != b);
}
