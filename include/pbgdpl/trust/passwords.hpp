// Password storage: Argon2id through libsodium's crypto_pwhash_str, which writes the algorithm,
// limits and salt into one self-describing string. When the limits rise, needs_rehash() says so
// and the caller rehashes at the next successful login.
#pragma once
#include "hash.hpp"

#include <string>
#include <string_view>

PBGDPL_NAMESPACE_BEGIN
namespace trust {

// INTERACTIVE (2 passes, 64 MiB, ~0.2 s) is libsodium's level for online logins and above the
// OWASP minimum for Argon2id (19 MiB, t=2). (crypto_pwhash_*LIMIT_INTERACTIVE, checked in the .ipp.)
struct password_policy {
  unsigned long long opslimit = 2u;
  std::size_t memlimit = 67108864u;
  std::size_t min_length = 8;    // bytes of UTF-8
  std::size_t max_length = 1024;  // bounds the work an attacker can ask for
};

PBGDPL_DECL result<void> check_password_shape(std::string_view password, const password_policy& p = {});

// The stored form ("$argon2id$v=19$m=65536,t=2,p=1$...").
PBGDPL_DECL result<std::string> hash_password(std::string_view password, const password_policy& p = {});

// Constant-time inside libsodium. A malformed stored hash is simply "no".
PBGDPL_DECL bool verify_password(std::string_view stored, std::string_view password, const password_policy& p = {});

// True when the stored hash used other limits (or another algorithm) than the policy.
PBGDPL_DECL bool needs_rehash(std::string_view stored, const password_policy& p = {});

}  // namespace trust
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/passwords.ipp"
#endif
