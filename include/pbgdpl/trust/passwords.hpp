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
// OWASP minimum for Argon2id (19 MiB, t=2).
struct password_policy {
  unsigned long long opslimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
  std::size_t memlimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;
  std::size_t min_length = 8;    // bytes of UTF-8
  std::size_t max_length = 1024;  // bounds the work an attacker can ask for
};

inline result<void> check_password_shape(std::string_view password, const password_policy& p = {}) {
  if (password.size() < p.min_length)
    return error(errc::invalid_argument, {}, "Mật khẩu phải có ít nhất " + std::to_string(p.min_length) + " ký tự",
                 "A password needs at least " + std::to_string(p.min_length) + " characters");
  if (password.size() > p.max_length)
    return error(errc::too_large, {}, "Mật khẩu quá dài", "Password too long");
  return {};
}

// The stored form ("$argon2id$v=19$m=65536,t=2,p=1$...").
inline result<std::string> hash_password(std::string_view password, const password_policy& p = {}) {
  ensure_sodium();
  if (auto r = check_password_shape(password, p); !r) return r.err();
  std::string out(crypto_pwhash_STRBYTES, '\0');
  if (crypto_pwhash_str(out.data(), password.data(), password.size(), p.opslimit, p.memlimit) != 0)
    return error(errc::internal, {}, "Không đủ bộ nhớ để băm mật khẩu", "Out of memory while hashing the password");
  out.resize(std::strlen(out.c_str()));
  return out;
}

// Constant-time inside libsodium. A malformed stored hash is simply "no".
inline bool verify_password(std::string_view stored, std::string_view password, const password_policy& p = {}) {
  ensure_sodium();
  if (stored.empty() || stored.size() >= crypto_pwhash_STRBYTES || password.size() > p.max_length) return false;
  std::string s(stored);  // NUL-terminated copy
  return crypto_pwhash_str_verify(s.c_str(), password.data(), password.size()) == 0;
}

// True when the stored hash used other limits (or another algorithm) than the policy.
inline bool needs_rehash(std::string_view stored, const password_policy& p = {}) {
  ensure_sodium();
  if (stored.empty() || stored.size() >= crypto_pwhash_STRBYTES) return true;
  std::string s(stored);
  return crypto_pwhash_str_needs_rehash(s.c_str(), p.opslimit, p.memlimit) != 0;
}

}  // namespace trust
PBGDPL_NAMESPACE_END
