// Session tokens and API keys: 256 random bits shown to the holder once, stored only as a
// BLAKE2b-256 hash (a stolen database yields no usable token), compared in constant time, with
// expiry and revocation.
#pragma once
#include "../core/json.hpp"
#include "../core/time.hpp"
#include "../model/common.hpp"
#include "hash.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

PBGDPL_NAMESPACE_BEGIN
namespace trust {

enum class token_kind { session, api_key };
}  // namespace trust

PBGDPL_ENUM_NAMES(trust::token_kind, {trust::token_kind::session, "session"}, {trust::token_kind::api_key, "api_key"});

namespace trust {

// What the server keeps: never the token itself.
struct token_record {
  std::string id;       // public handle for listing and revoking ("tok_" + 16 hex)
  token_kind kind = token_kind::session;
  std::string subject;  // the account id the token stands for
  std::string hash;     // hex BLAKE2b-256 of the token text
  timestamp created_at{};
  timestamp expires_at{};
  std::optional<timestamp> revoked_at;
  friend bool operator==(const token_record&, const token_record&) = default;
};

struct issued_token {
  std::string token;  // give to the holder once; "pbs_..." (session) or "pbk_..." (API key)
  token_record record;
};

inline std::string_view token_prefix(token_kind k) noexcept { return k == token_kind::session ? "pbs_" : "pbk_"; }

// The hash under which a presented token is looked up and compared.
PBGDPL_DECL std::string token_hash(std::string_view token);

PBGDPL_DECL issued_token issue_token(token_kind kind, std::string subject, timestamp now, std::chrono::seconds lifetime);

inline void revoke(token_record& r, timestamp now) {
  if (!r.revoked_at) r.revoked_at = now;
}

// Checks a presented token against its record: the hash (constant time), revocation, expiry.
PBGDPL_DECL result<void> check_token(const token_record& r, std::string_view presented, timestamp now);

// Its JSON comes from one describe() field list (model/common.hpp's mechanism; impl/tokens.ipp).
PBGDPL_MODEL_DECLARE(token_record)

}  // namespace trust
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/tokens.ipp"
#endif
