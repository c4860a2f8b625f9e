#include <pbgdpl/trust/passwords.hpp>
#include <pbgdpl/trust/tokens.hpp>

#include <doctest/doctest.h>
#include <sodium.h>  // the test compares with libsodium's own limits

using namespace pbgdpl;
using namespace std::chrono_literals;

TEST_CASE("a password verifies only as itself, and its hash is Argon2id") {
  auto h = trust::hash_password("Mật khẩu rất dài 2023");
  REQUIRE(h);
  CHECK(h->starts_with("$argon2id$"));
  CHECK(h->find("Mật khẩu") == std::string::npos);
  CHECK(trust::verify_password(*h, "Mật khẩu rất dài 2023"));
  CHECK_FALSE(trust::verify_password(*h, "Mat khau rat dai 2023"));
  CHECK_FALSE(trust::verify_password(*h, ""));
  CHECK_FALSE(trust::verify_password("not a hash", "Mật khẩu rất dài 2023"));
  CHECK_FALSE(trust::verify_password("", ""));
  CHECK(*h != *trust::hash_password("Mật khẩu rất dài 2023"));  // salted
}

TEST_CASE("too short or too long passwords are refused before hashing") {
  CHECK(trust::hash_password("short").err().code == errc::invalid_argument);
  CHECK(trust::hash_password(std::string(2000, 'a')).err().code == errc::too_large);
}

TEST_CASE("a hash made with lower limits asks to be rehashed") {
  trust::password_policy low;
  low.opslimit = crypto_pwhash_OPSLIMIT_MIN + 1;
  low.memlimit = 8 * 1024 * 1024;
  auto weak = trust::hash_password("correct horse battery", low);
  REQUIRE(weak);
  CHECK(trust::verify_password(*weak, "correct horse battery"));
  CHECK(trust::needs_rehash(*weak));
  CHECK_FALSE(trust::needs_rehash(*weak, low));
  auto strong = trust::hash_password("correct horse battery");
  CHECK_FALSE(trust::needs_rehash(*strong));
  CHECK(trust::needs_rehash("garbage"));
}

TEST_CASE("a session token is 256 random bits, stored only as its hash") {
  auto t0 = timestamp{std::chrono::sys_days{2024y / 1 / 1}};
  auto a = trust::issue_token(trust::token_kind::session, "acc-1", t0, 8h);
  auto b = trust::issue_token(trust::token_kind::session, "acc-1", t0, 8h);
  CHECK(a.token != b.token);
  CHECK(a.token.size() == 4 + 64);
  CHECK(a.token.starts_with("pbs_"));
  CHECK(a.record.hash == trust::token_hash(a.token));
  auto stored = to_json_value(a.record).dump();
  CHECK(stored.find(a.token.substr(4)) == std::string::npos);
  auto back = from_json_text<trust::token_record>(stored);
  REQUIRE(back);
  CHECK(*back == a.record);
  CHECK(trust::check_token(a.record, a.token, t0 + 1h).has_value());
  CHECK(trust::check_token(a.record, b.token, t0 + 1h).err().code == errc::unauthenticated);
  CHECK(trust::check_token(a.record, "", t0 + 1h).err().code == errc::unauthenticated);
}

TEST_CASE("an expired token is refused") {
  auto t0 = timestamp{std::chrono::sys_days{2024y / 1 / 1}};
  auto k = trust::issue_token(trust::token_kind::api_key, "acc-2", t0, 24h);
  CHECK(k.token.starts_with("pbk_"));
  CHECK(trust::check_token(k.record, k.token, t0 + 23h).has_value());
  CHECK(trust::check_token(k.record, k.token, t0 + 24h).err().code == errc::expired);
}

TEST_CASE("a revoked token is refused from the moment of revocation") {
  auto t0 = timestamp{std::chrono::sys_days{2024y / 1 / 1}};
  auto k = trust::issue_token(trust::token_kind::api_key, "acc-3", t0, 720h);
  trust::revoke(k.record, t0 + 2h);
  CHECK(trust::check_token(k.record, k.token, t0 + 1h).has_value());
  CHECK(trust::check_token(k.record, k.token, t0 + 2h).err().code == errc::revoked);
  trust::revoke(k.record, t0 + 5h);  // a second revocation keeps the first time
  CHECK(*k.record.revoked_at == t0 + 2h);
}
