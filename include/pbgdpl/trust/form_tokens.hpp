// Proofs for public forms that need no account, no server-side state and no outside service: a
// signed form token (HMAC-SHA-256 over the time the form was served and the form it belongs to,
// under a secret the site draws at start), which must be a few seconds old (a person reads and
// types; a script posting at once is refused) and at most a few hours old, and doubles as the
// form's CSRF token; and the private follow token an asker keeps, stored only as its hash.
#pragma once
#include "../core/result.hpp"
#include "../core/time.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

PBGDPL_NAMESPACE_BEGIN
namespace trust {

struct form_token_limits {
  std::chrono::seconds min_age{3};
  std::chrono::seconds max_age{std::chrono::hours(4)};
};

// Thread safety: const after construction; share it freely.
class form_signer {
 public:
  // A fresh random secret: tokens of another site, or of this one before a restart, do not check.
  PBGDPL_DECL form_signer();
  // A given secret (tests; several nodes of one site behind a load balancer share one).
  explicit form_signer(const std::array<std::uint8_t, 32>& secret) noexcept : key_(secret) {}
  PBGDPL_DECL ~form_signer();
  form_signer(const form_signer&) = delete;
  form_signer& operator=(const form_signer&) = delete;

  // "<unix seconds>.<64 hex of HMAC-SHA-256>" for the form `scope` (say "ask:th-van-yen"), issued at `at`.
  PBGDPL_DECL std::string issue(std::string_view scope, timestamp at) const;
  // Ok when `token` was issued by this signer for `scope` between max_age and min_age before `at`.
  // Errors (bilingual): csrf (missing, malformed, forged or of another form or site), not_yet_valid
  // (sent too soon after the form was served), expired (too old).
  PBGDPL_DECL result<void> check(std::string_view token, std::string_view scope, timestamp at,
                     const form_token_limits& limits = {}) const;

 private:
  PBGDPL_DECL std::string mac_hex(std::string_view scope, std::int64_t seconds) const;
  std::array<std::uint8_t, 32> key_{};
};

// A follow token: 256 random bits as 64 lower-case hex characters, shown once; `hash` is what is
// stored (token_hash: BLAKE2b-256 hex, as for sessions and API keys).
struct follow_token {
  std::string token;
  std::string hash;
};
PBGDPL_DECL follow_token issue_follow_token();
// 64 lower-case hex characters (checked before any hashing or lookup).
PBGDPL_DECL bool is_follow_token(std::string_view s) noexcept;
// Whether `presented` hashes to `stored_hash` (hex), compared in constant time.
PBGDPL_DECL bool follow_token_matches(std::string_view stored_hash, std::string_view presented);

}  // namespace trust
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/form_tokens.ipp"
#endif
