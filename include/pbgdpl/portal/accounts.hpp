// Accounts as people and programs use them: passwords (Argon2id), sign-in with throttling,
// sessions and API keys, and the approver's signing key, all kept in the store (credential and
// access_token records, model/credential.hpp), so every portal node on one store agrees and no
// side file holds a secret. The editor UI (editor.hpp) signs people in through this; the API's
// Bearer keys are checked through store_key_authenticator().
// Thread safety: one account_service serves all threads (the throttle is locked; the store is
// shareable). Password hashing is bounded to a few at once: each takes 64 MiB and ~0.2 s.
#pragma once
#include "../store/store.hpp"
#include "../trust/minisign.hpp"
#include "../trust/passwords.hpp"
#include "../trust/tokens.hpp"
#include "options.hpp"

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

PBGDPL_NAMESPACE_BEGIN
namespace portal {

// Failed attempts counted per key (an account, a client address) in a sliding window: past
// `max_failures` the key is refused until the window has passed, before any password is checked.
class failure_throttle {
 public:
  struct limits {
    std::size_t max_failures = 5;
    std::chrono::seconds window{15 * 60};
    std::size_t max_keys = 100000;  // bound: the oldest key is forgotten first
  };
  explicit failure_throttle(limits l) : l_(l) {}
  // Seconds until `key` may try again; 0 when it may now.
  std::int64_t blocked_for(const std::string& key, timestamp now);
  void failed(const std::string& key, timestamp now);
  void succeeded(const std::string& key);

 private:
  struct entry {
    std::size_t failures = 0;
    timestamp first{};
  };
  limits l_;
  std::mutex mu_;
  std::map<std::string, entry, std::less<>> entries_;
};

struct account_limits {
  std::chrono::seconds session_lifetime{8 * 3600};  // a working day
  failure_throttle::limits per_account{5, std::chrono::seconds(15 * 60), 100000};
  failure_throttle::limits per_client{20, std::chrono::seconds(15 * 60), 100000};
  std::size_t concurrent_hashes = 2;  // Argon2id at once (memory and CPU bound)
  trust::password_policy passwords{};
  // scrypt work for the approver's key file: minisign's own format, interactive limits so that
  // signing takes a fraction of a second, not minisign -G's seconds.
  trust::kdf_limits key_kdf = trust::kdf_limits::interactive();
};

struct signed_in {
  std::string token;  // the session cookie's value: shown to the browser once, stored hashed
  access_token record;
  account who;
};

class account_service {
 public:
  account_service(store::store& db, clock now = {}, account_limits l = {});

  // Sets an account's password (hashing it), and, for an account with an approver role, makes
  // its approval key if it has none or re-encrypts it under the new password (old_password opens
  // it). The account must exist in the store.
  result<void> set_password(const account_id& who, std::string_view password, std::string_view actor,
                            std::optional<std::string_view> old_password = std::nullopt);

  // Checks the password and opens a new session (a fresh token each time: a token planted
  // before sign-in is never promoted). Throttled per account and per client address; a wrong
  // name, a wrong password, a disabled account and a throttled attempt all answer alike
  // (errc::unauthenticated), except the throttle also says when to retry (errc::rate_limited).
  result<signed_in> sign_in(std::string_view username, std::string_view password, std::string_view client);
  result<void> sign_out(std::string_view token);
  // The account of a live session token (not expired, not revoked, account enabled).
  std::optional<account> session(std::string_view token);

  // A new API key for `who` (its text returned once); API keys are revoked by handle.
  result<trust::issued_token> issue_api_key(const account_id& who, std::string label, std::chrono::seconds lifetime,
                                            std::string_view actor);
  result<void> revoke(const std::string& handle_or_hash, std::string_view actor);
  // The account a live API key stands for.
  std::optional<account> api_key_account(std::string_view presented);
  // Keys recorded elsewhere before (var/api-keys.json): stored as access_token records, once.
  result<std::size_t> import_token_records(const std::vector<trust::token_record>& rs, std::string_view actor);

  // The approver's signing key, opened with the password they typed; and its public half.
  result<trust::secret_key> approval_key(const account_id& who, std::string_view password);
  result<trust::public_key> approval_public_key(const account_id& who);

  store::store& db() noexcept { return db_; }

 private:
  timestamp now() const { return now_ ? now_() : pbgdpl::now(); }
  bool verify_bounded(std::string_view hash, std::string_view password);
  result<access_token> store_token(const trust::issued_token& t, std::string label, std::string_view actor);

  store::store& db_;
  clock now_;
  account_limits l_;
  failure_throttle by_account_, by_client_;
  std::mutex hash_mu_;
  std::condition_variable hash_cv_;
  std::size_t hashing_ = 0;
};

// Bearer API keys checked against the store's access_token records (the store-backed successor
// of key_authenticator over an api_key_registry).
authenticator store_key_authenticator(account_service& accounts);

}  // namespace portal
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/accounts.ipp"
#endif
