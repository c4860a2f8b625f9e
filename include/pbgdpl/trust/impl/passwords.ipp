// Bodies of trust/passwords.hpp: compiled once into the trust tier (src/trust/passwords.cpp), or
// included by the header in header-only builds.
#pragma once
#include "../passwords.hpp"

#include <sodium.h>

PBGDPL_NAMESPACE_BEGIN
namespace trust {

static_assert(password_policy{}.opslimit == crypto_pwhash_OPSLIMIT_INTERACTIVE &&
              password_policy{}.memlimit == crypto_pwhash_MEMLIMIT_INTERACTIVE);

PBGDPL_DECL result<void> check_password_shape(std::string_view password, const password_policy& p) {
  if (password.size() < p.min_length)
    return error(errc::invalid_argument, {}, "Mật khẩu phải có ít nhất " + std::to_string(p.min_length) + " ký tự",
                 "A password needs at least " + std::to_string(p.min_length) + " characters");
  if (password.size() > p.max_length) return error(errc::too_large, {}, "Mật khẩu quá dài", "Password too long");
  return {};
}

PBGDPL_DECL result<std::string> hash_password(std::string_view password, const password_policy& p) {
  ensure_sodium();
  if (auto r = check_password_shape(password, p); !r) return r.err();
  std::string out(crypto_pwhash_STRBYTES, '\0');
  if (crypto_pwhash_str(out.data(), password.data(), password.size(), p.opslimit, p.memlimit) != 0)
    return error(errc::internal, {}, "Không đủ bộ nhớ để băm mật khẩu", "Out of memory while hashing the password");
  out.resize(std::strlen(out.c_str()));
  return out;
}

PBGDPL_DECL bool verify_password(std::string_view stored, std::string_view password, const password_policy& p) {
  ensure_sodium();
  if (stored.empty() || stored.size() >= crypto_pwhash_STRBYTES || password.size() > p.max_length) return false;
  std::string s(stored);  // NUL-terminated copy
  return crypto_pwhash_str_verify(s.c_str(), password.data(), password.size()) == 0;
}

PBGDPL_DECL bool needs_rehash(std::string_view stored, const password_policy& p) {
  ensure_sodium();
  if (stored.empty() || stored.size() >= crypto_pwhash_STRBYTES) return true;
  std::string s(stored);
  return crypto_pwhash_str_needs_rehash(s.c_str(), p.opslimit, p.memlimit) != 0;
}

}  // namespace trust
PBGDPL_NAMESPACE_END
