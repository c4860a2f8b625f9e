// What lets a person or a program act as an account: the account's password hash and approval
// key (credential), and the session tokens and API keys issued to it (access_token). They live in
// the store beside the accounts (both backends), never in side files, and hold no usable secret:
// an Argon2id hash, a minisign secret key encrypted with the account's own password, and the
// BLAKE2b-256 hashes of tokens. An exported account (account.hpp) still carries none of them.
#pragma once
#include "common.hpp"

PBGDPL_NAMESPACE_BEGIN

using token_id = id<struct token_tag>;

// One per account; its id is the account's id.
struct credential {
  account_id id;
  int schema_version = model_schema_version;
  std::uint64_t version = 0;
  std::string password_hash;  // "$argon2id$v=19$..." (trust/passwords.hpp)
  std::optional<timestamp> password_changed_at;
  // Approvers sign with their own key (trust/approval.hpp). The secret key is kept as a minisign
  // .key text encrypted with the account's password, so the server can sign only while the
  // approver types it; the public key (minisign .pub text) verifies the signatures anywhere.
  std::string approval_public_key;
  std::string approval_secret_key;

  friend bool operator==(const credential&, const credential&) = default;
};

template <class V>
void describe(V& f, credential& x) {
  using model_io::need;
  model_io::head(f, x);
  f("password_hash", x.password_hash, need::required, model_io::short_text);
  f("password_changed_at", x.password_changed_at);
  f("approval_public_key", x.approval_public_key, need::optional, model_io::short_text);
  f("approval_secret_key", x.approval_secret_key, need::optional, model_io::short_text);
}
PBGDPL_MODEL_DECLARE(credential)

enum class access_kind { session, api_key };
PBGDPL_ENUM_NAMES(access_kind, {access_kind::session, "session"}, {access_kind::api_key, "api_key"});

// A session or API key, stored under the hash of its text: a presented token is found with one
// read by id, and a stolen store yields no usable token.
struct access_token {
  token_id id;  // hex BLAKE2b-256 of the token text (trust::token_hash)
  int schema_version = model_schema_version;
  std::uint64_t version = 0;
  std::string handle;  // public handle for lists and revoking ("tok_" + 16 hex)
  access_kind kind = access_kind::session;
  account_id subject;  // the account the token acts as
  std::string label;   // an API key's purpose ("Nhập văn bản từ phần mềm quản lý"), for its holder
  timestamp created_at{};
  timestamp expires_at{};
  std::optional<timestamp> revoked_at;

  friend bool operator==(const access_token&, const access_token&) = default;
};

template <class V>
void describe(V& f, access_token& x) {
  using model_io::need;
  model_io::head(f, x);
  f("handle", x.handle, need::required, model_io::short_text);
  f("kind", x.kind, need::required);
  f("subject", x.subject, need::required);
  f("label", x.label, need::optional, model_io::short_text);
  f("created_at", x.created_at, need::required);
  f("expires_at", x.expires_at, need::required);
  f("revoked_at", x.revoked_at);
}
PBGDPL_MODEL_DECLARE(access_token)

// Usable at `t`: not revoked and not expired.
inline bool is_live(const access_token& k, timestamp t) noexcept { return !k.revoked_at && t < k.expires_at; }

PBGDPL_DECL void validate(const credential& c, validator& v);
PBGDPL_DECL void validate(const access_token& k, validator& v);

PBGDPL_MODEL_EXTERN(credential)
PBGDPL_MODEL_EXTERN(access_token)

PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/credential.ipp"
#endif
