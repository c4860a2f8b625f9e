// Bodies of trust/hmac.hpp: compiled once into the trust tier (src/trust/hmac.cpp), or included
// by the header in header-only builds.
#pragma once
#include "../hmac.hpp"

#include <sodium.h>

PBGDPL_NAMESPACE_BEGIN
namespace trust {

PBGDPL_DECL digest256 hmac_sha256(std::span<const std::uint8_t> key, std::span<const std::uint8_t> message) {
  static_assert(crypto_auth_hmacsha256_BYTES == 32);
  ensure_sodium();
  // The streaming form takes a key of any length; crypto_auth_hmacsha256() wants exactly 32 bytes.
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, key.data(), key.size());
  crypto_auth_hmacsha256_update(&st, message.data(), message.size());
  digest256 out{};
  crypto_auth_hmacsha256_final(&st, out.data());
  sodium_memzero(&st, sizeof st);
  return out;
}

PBGDPL_DECL bool verify_hmac_sha256_hex(std::string_view key, std::string_view message, std::string_view hex) {
  auto got = from_hex(hex);
  if (!got || got->size() != 32) return false;
  auto want = hmac_sha256(key, message);
  return sodium_memcmp(got->data(), want.data(), want.size()) == 0;
}

PBGDPL_DECL digest256 sha256(std::string_view message) {
  ensure_sodium();
  digest256 out{};
  crypto_hash_sha256(out.data(), reinterpret_cast<const unsigned char*>(message.data()), message.size());
  return out;
}

PBGDPL_DECL std::string random_hex(std::size_t bytes) {
  ensure_sodium();
  std::vector<std::uint8_t> b(bytes);
  randombytes_buf(b.data(), b.size());
  auto s = to_hex(b);
  sodium_memzero(b.data(), b.size());
  return s;
}

}  // namespace trust
PBGDPL_NAMESPACE_END
