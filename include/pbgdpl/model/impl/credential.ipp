// Bodies of model/credential.hpp (JSON codecs and validation): compiled once into the core tier
// (src/core/model.cpp), or included by the header in header-only builds.
#pragma once
#include "../credential.hpp"

PBGDPL_NAMESPACE_BEGIN

PBGDPL_MODEL_DEFINE(credential)
PBGDPL_MODEL_DEFINE(access_token)

PBGDPL_DECL void validate(const credential& c, validator& v) {
  rules::schema(v, c.schema_version);
  rules::identifier(v, c.id, "/id", "Mã tài khoản", "Account id");
  // Only a hash is ever stored: a plain password here would be a leak waiting in every backup.
  v.check(c.password_hash.starts_with("$argon2id$"), "/password_hash", errc::invalid_argument,
          "Mật khẩu phải được lưu dưới dạng băm Argon2id", "A password is stored only as an Argon2id hash");
  v.check(c.approval_secret_key.empty() || !c.approval_public_key.empty(), "/approval_public_key", errc::missing_field,
          "Khóa duyệt thiếu khóa công khai", "The approval key has no public key");
}

PBGDPL_DECL void validate(const access_token& k, validator& v) {
  rules::schema(v, k.schema_version);
  v.check(k.id.value.size() == 64 && rules::is_hex(k.id.value, 64), "/id", errc::invalid_argument,
          "Mã khóa phải là băm BLAKE2b-256 (64 ký tự hex)", "A token id is its BLAKE2b-256 hash (64 hex characters)");
  v.check(k.handle.starts_with("tok_") && k.handle.size() <= 40, "/handle", errc::invalid_argument,
          "Tên gọi của khóa không hợp lệ", "Invalid token handle");
  rules::identifier(v, k.subject, "/subject", "Tài khoản của khóa", "Token account");
  rules::known(v, k.kind, "/kind");
  rules::time_set(v, k.created_at, "/created_at", "Thời điểm tạo", "Creation time");
  v.check(k.expires_at > k.created_at, "/expires_at", errc::invalid_argument, "Hạn dùng phải sau thời điểm tạo",
          "Expiry must come after creation");
}

#if !defined(PBGDPL_HEADER_ONLY)
PBGDPL_MODEL_INSTANTIATE(credential)
PBGDPL_MODEL_INSTANTIATE(access_token)
#endif

PBGDPL_NAMESPACE_END
