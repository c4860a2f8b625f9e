// Who is calling and what they may write: API keys checked against their stored hashes
// (trust/tokens.hpp), and an authorizer that asks trust/permissions.hpp with the caller's
// account and the unit directory. The portal itself only sees the two callbacks.
#pragma once
#include "../store/store.hpp"
#include "../trust/permissions.hpp"
#include "../trust/tokens.hpp"
#include "options.hpp"
#include "units.hpp"

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace portal {

// API keys by hash. Only hashes are kept; a presented key is hashed and compared in constant time.
class api_key_registry {
 public:
  void add(trust::token_record r);
  std::vector<trust::token_record> records() const;
  // The account id a valid, unexpired, unrevoked key stands for.
  std::optional<std::string> subject(std::string_view presented, timestamp at = now()) const;

 private:
  mutable std::mutex mu_;
  std::vector<trust::token_record> records_;
};

// API action ("create:article", "publish:article", "archive:unit") → permission action.
// "read:<kind>" (records that are not public) → read; "moderate:question" (askers' contact
// details) → edit_content, i.e. those who answer that unit's questions.
trust::action permission_for(std::string_view api_action);

// Keys of `keys` for enabled accounts of `db`. Both must outlive the authenticator.
authenticator key_authenticator(const api_key_registry& keys, store::store& db);

// The account's permission at the target unit, over the unit tree `units` keeps in memory (share
// the site's: options::units). Archived units stay in the tree: archiving a division must not
// leave its schools outside everyone's rights (nobody could then act on them, not even to undo it).
authorizer account_authorizer(store::store& db, std::shared_ptr<live_units> units);
// The same reading the units from the store at each call (a program without a site).
authorizer account_authorizer(store::store& db);

}  // namespace portal
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/auth.ipp"
#endif
