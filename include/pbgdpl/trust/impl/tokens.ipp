// Bodies of trust/tokens.hpp: compiled once into the trust tier (src/trust/tokens.cpp), or
// included by the header in header-only builds.
#pragma once
#include "../tokens.hpp"

#include <array>

#include <sodium.h>

PBGDPL_NAMESPACE_BEGIN
namespace trust {

PBGDPL_DECL std::string token_hash(std::string_view token) { return to_hex(blake2b_256(token)); }

PBGDPL_DECL issued_token issue_token(token_kind kind, std::string subject, timestamp now, std::chrono::seconds lifetime) {
  ensure_sodium();
  std::array<std::uint8_t, 32> secret{};
  randombytes_buf(secret.data(), secret.size());
  std::array<std::uint8_t, 8> handle{};
  randombytes_buf(handle.data(), handle.size());
  issued_token t;
  t.token = std::string(token_prefix(kind)) + to_hex(secret);
  sodium_memzero(secret.data(), secret.size());
  t.record.id = "tok_" + to_hex(handle);
  t.record.kind = kind;
  t.record.subject = std::move(subject);
  t.record.hash = token_hash(t.token);
  t.record.created_at = now;
  t.record.expires_at = now + lifetime;
  return t;
}

PBGDPL_DECL result<void> check_token(const token_record& r, std::string_view presented, timestamp now) {
  ensure_sodium();
  auto want = from_hex(r.hash);
  auto got = blake2b_256(presented);
  if (!want || want->size() != got.size() || sodium_memcmp(want->data(), got.data(), got.size()) != 0)
    return error(errc::unauthenticated, {}, "Mã truy cập không hợp lệ", "Invalid token");
  if (r.revoked_at && *r.revoked_at <= now) return error(errc::revoked, {}, "Mã truy cập đã bị thu hồi", "The token was revoked");
  if (now >= r.expires_at) return error(errc::expired, {}, "Phiên đăng nhập đã hết hạn", "The token has expired");
  if (now < r.created_at) return error(errc::not_yet_valid, {}, "Mã truy cập chưa có hiệu lực", "The token is not valid yet");
  return {};
}

template <class V>
void describe(V& f, token_record& r) {
  using model_io::need;
  f("id", r.id, need::required, model_io::short_text);
  f("kind", r.kind, need::required);
  f("subject", r.subject, need::required, model_io::short_text);
  f("hash", r.hash, need::required, model_io::short_text);
  f("created_at", r.created_at, need::required);
  f("expires_at", r.expires_at, need::required);
  f("revoked_at", r.revoked_at, need::optional);
}
PBGDPL_MODEL_DEFINE(token_record)

}  // namespace trust
PBGDPL_NAMESPACE_END
