#include <pbgdpl/trust/form_tokens.hpp>
#include <pbgdpl/trust/tokens.hpp>

#include <doctest/doctest.h>

#include <set>

using namespace pbgdpl;
using namespace std::chrono_literals;

namespace {
const timestamp t0 = parse_timestamp("2026-11-09T08:00:00+07:00").value();
}

TEST_SUITE("trust/form_tokens") {
  TEST_CASE("a form token checks between its minimum and maximum age, for its own form only") {
    trust::form_signer s;
    const auto tok = s.issue("ask:th-van-yen", t0);
    const trust::form_token_limits lim{3s, 4h};
    CHECK(s.check(tok, "ask:th-van-yen", t0 + 3s, lim));
    CHECK(s.check(tok, "ask:th-van-yen", t0 + 4h, lim));
    // Too soon: a script posting the form the moment it is served.
    auto fresh = s.check(tok, "ask:th-van-yen", t0 + 2s, lim);
    REQUIRE_FALSE(fresh);
    CHECK(fresh.err().code == errc::not_yet_valid);
    CHECK_FALSE(fresh.err().message_vi.empty());
    CHECK_FALSE(fresh.err().message_en.empty());
    // Too old.
    auto old = s.check(tok, "ask:th-van-yen", t0 + 4h + 1s, lim);
    REQUIRE_FALSE(old);
    CHECK(old.err().code == errc::expired);
    // Another unit's form: refused as forged.
    auto other = s.check(tok, "ask:thcs-le-loi", t0 + 10s, lim);
    REQUIRE_FALSE(other);
    CHECK(other.err().code == errc::csrf);
  }

  TEST_CASE("a forged or foreign form token is refused") {
    trust::form_signer s, another_site;
    const auto tok = s.issue("ask:u", t0);
    const auto at = t0 + 10s;
    // Another site (or this one before a restart) signs with another secret.
    CHECK(another_site.check(tok, "ask:u", at).err().code == errc::csrf);
    CHECK(s.check(another_site.issue("ask:u", t0), "ask:u", at).err().code == errc::csrf);
    // A changed time keeps the MAC of the old one: refused (one cannot make a token look older).
    const auto dot = tok.find('.');
    const auto older = std::to_string(std::stoll(tok.substr(0, dot)) - 100) + tok.substr(dot);
    CHECK(s.check(older, "ask:u", at).err().code == errc::csrf);
    // A changed MAC, a missing one, junk.
    auto flipped = tok;
    flipped.back() = flipped.back() == '0' ? '1' : '0';
    for (std::string bad : {flipped, tok.substr(0, dot), std::string(), std::string("."), std::string("x.") + tok.substr(dot + 1),
                            "-1" + tok.substr(dot), tok + "0", std::string(" ") + tok})
      CHECK_MESSAGE(s.check(bad, "ask:u", at).err().code == errc::csrf, bad);
    // The same secret checks the other's tokens (several nodes of one site share it).
    std::array<std::uint8_t, 32> key{};
    key[0] = 7;
    trust::form_signer a(key), b(key);
    CHECK(b.check(a.issue("ask:u", t0), "ask:u", at));
  }

  TEST_CASE("a follow token is 256 random bits, stored only as its BLAKE2b-256 hash") {
    std::set<std::string> seen;
    for (int i = 0; i < 100; ++i) {
      auto t = trust::issue_follow_token();
      CHECK(trust::is_follow_token(t.token));
      CHECK(t.token.size() == 64);
      CHECK(t.hash == trust::token_hash(t.token));
      CHECK(t.hash != t.token);
      CHECK(trust::follow_token_matches(t.hash, t.token));
      CHECK(seen.insert(t.token).second);
    }
    auto t = trust::issue_follow_token();
    auto other = t.token;
    other[5] = other[5] == 'a' ? 'b' : 'a';
    CHECK_FALSE(trust::follow_token_matches(t.hash, other));
    CHECK_FALSE(trust::follow_token_matches(t.hash, ""));
    CHECK_FALSE(trust::follow_token_matches("", t.token));
    for (auto bad : {"", "ABC", "zz", "0123"}) CHECK_FALSE(trust::is_follow_token(bad));
    CHECK_FALSE(trust::is_follow_token(std::string(64, 'A')));
    CHECK_FALSE(trust::is_follow_token(std::string(63, 'a')));
  }
}
