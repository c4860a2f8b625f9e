// HMAC-SHA256 (RFC 2104 over SHA-256, libsodium's crypto_auth_hmacsha256): what webhook receivers
// verify a delivery's body with. Keys of any length (libsodium hashes those over 64 bytes, as RFC
// 2104 says); the comparison of a received signature is constant-time.
#pragma once
#include "hash.hpp"

#include <span>
#include <string>
#include <string_view>

PBGDPL_NAMESPACE_BEGIN
namespace trust {

PBGDPL_DECL digest256 hmac_sha256(std::span<const std::uint8_t> key, std::span<const std::uint8_t> message);
inline digest256 hmac_sha256(std::string_view key, std::string_view message) {
  return hmac_sha256(as_bytes(key), as_bytes(message));
}
// Lower-case hex of hmac_sha256(key, message).
inline std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
  return to_hex(hmac_sha256(key, message));
}
// True when `hex` (either case) is hmac_sha256(key, message); compared in constant time.
PBGDPL_DECL bool verify_hmac_sha256_hex(std::string_view key, std::string_view message, std::string_view hex);

// SHA-256 (libsodium's crypto_hash_sha256), for ids derived from their content.
PBGDPL_DECL digest256 sha256(std::string_view message);

// `bytes` random bytes from libsodium's CSPRNG, as lower-case hex (a webhook's secret).
PBGDPL_DECL std::string random_hex(std::size_t bytes);

}  // namespace trust
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/hmac.ipp"
#endif
