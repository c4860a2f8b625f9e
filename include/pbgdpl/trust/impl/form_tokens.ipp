// Bodies of trust/form_tokens.hpp: compiled once into the trust tier (src/trust/form_tokens.cpp),
// or included by the header in header-only builds.
#pragma once
#include "../../model/common.hpp"  // rules::is_hex
#include "../form_tokens.hpp"
#include "../hash.hpp"
#include "../hmac.hpp"
#include "../tokens.hpp"

#include <charconv>

#include <sodium.h>

PBGDPL_NAMESPACE_BEGIN
namespace trust {

PBGDPL_DECL form_signer::form_signer() {
  ensure_sodium();
  randombytes_buf(key_.data(), key_.size());
}

PBGDPL_DECL form_signer::~form_signer() { sodium_memzero(key_.data(), key_.size()); }

// The message names its purpose and form, so a token is never valid for another form of the site
// (another unit's, or a future form that signs with the same secret).
PBGDPL_DECL std::string form_signer::mac_hex(std::string_view scope, std::int64_t seconds) const {
  std::string msg = "pbgdpl-form-v1\n";
  msg += scope;
  msg += '\n';
  msg += std::to_string(seconds);
  return to_hex(hmac_sha256(std::span<const std::uint8_t>(key_), as_bytes(msg)));
}

PBGDPL_DECL std::string form_signer::issue(std::string_view scope, timestamp at) const {
  const auto s = static_cast<std::int64_t>(at.time_since_epoch().count());
  return std::to_string(s) + "." + mac_hex(scope, s);
}

PBGDPL_DECL result<void> form_signer::check(std::string_view token, std::string_view scope, timestamp at,
                                            const form_token_limits& limits) const {
  auto forged = [] {
    return error(errc::csrf, "/token",
                 "Biểu mẫu không hợp lệ hoặc không phải của trang này; hãy tải lại trang và gửi lại",
                 "The form is not valid or not from this site; reload the page and send it again");
  };
  const auto dot = token.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot > 12 || token.size() - dot - 1 != 64) return forged();
  std::int64_t s = 0;
  auto [end, ec] = std::from_chars(token.data(), token.data() + dot, s);
  if (ec != std::errc() || end != token.data() + dot) return forged();
  const auto want = mac_hex(scope, s);
  // Constant time: a forger learns nothing from how long a wrong MAC took to refuse.
  if (sodium_memcmp(want.data(), token.data() + dot + 1, want.size()) != 0) return forged();
  const auto issued = timestamp(std::chrono::seconds(s));
  if (at < issued + limits.min_age)
    return error(errc::not_yet_valid, "/token",
                 "Câu hỏi được gửi quá nhanh sau khi mở trang; hãy kiểm tra lại nội dung và gửi lại sau vài giây",
                 "The question was sent too soon after the page was opened; check it and send it again in a few seconds");
  if (at > issued + limits.max_age)
    return error(errc::expired, "/token", "Biểu mẫu đã mở quá lâu và hết hạn; hãy gửi lại",
                 "The form was open too long and has expired; send it again");
  return {};
}

PBGDPL_DECL follow_token issue_follow_token() {
  ensure_sodium();
  std::array<std::uint8_t, 32> secret{};
  randombytes_buf(secret.data(), secret.size());
  follow_token t;
  t.token = to_hex(secret);
  sodium_memzero(secret.data(), secret.size());
  t.hash = token_hash(t.token);
  return t;
}

PBGDPL_DECL bool is_follow_token(std::string_view s) noexcept { return rules::is_hex(s, 64); }

PBGDPL_DECL bool follow_token_matches(std::string_view stored_hash, std::string_view presented) {
  ensure_sodium();
  const auto got = token_hash(presented);
  if (stored_hash.size() != got.size()) return false;
  return sodium_memcmp(stored_hash.data(), got.data(), got.size()) == 0;
}

}  // namespace trust
PBGDPL_NAMESPACE_END
