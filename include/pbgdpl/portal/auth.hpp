// Who is calling and what they may write: API keys checked against their stored hashes
// (trust/tokens.hpp), and authorizers that ask trust/permissions.hpp with the caller's grants
// (from a stored account, or from the vendor's own user base) and the unit directory. The portal
// itself only sees the callbacks. Thread safety: api_key_registry is safe to share between
// threads (a mutex); every authenticator and authorizer made here may be called from the
// server's threads at once (they read the store and the shared unit snapshot, never write them).
#pragma once
#include "../store/store.hpp"
#include "../trust/permissions.hpp"
#include "../trust/tokens.hpp"
#include "options.hpp"
#include "units.hpp"

#include <functional>
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
// Screens (issue 16): "manage:<kind>" (displays, their groups, layouts) → manage_displays;
// "schedule:<kind>" (playlists, schedule entries) → schedule_signage; "schedule-approved:<kind>"
// → schedule_signage on content whose legal items all carry a valid approval (facts_for gives
// content_approved: what a signage operator may schedule).
trust::action permission_for(std::string_view api_action);
// The facts an action string states about its target (today only content_approved, above).
trust::target_facts facts_for(std::string_view api_action);

// Keys of `keys` for enabled accounts of `db`. Both must outlive the authenticator.
authenticator key_authenticator(const api_key_registry& keys, store::store& db);

// The account's permission at the target unit, over the unit tree `units` keeps in memory (share
// the site's: options::units). Archived units stay in the tree: archiving a division must not
// leave its schools outside everyone's rights (nobody could then act on them, not even to undo it).
// Records of no unit (a higher authority's documents, unit "") follow trust::allowed_unowned: only
// a grant with the right at every root of the unit tree may write them.
authorizer account_authorizer(store::store& db, std::shared_ptr<live_units> units);
// The same reading the units from the store at each call (a program without a site).
authorizer account_authorizer(store::store& db);

// The grants (role at a unit) of a caller the vendor knows: its own users keep their rights in its
// own database, and nothing is copied into pbgdpl's store. Called once per question the API asks
// (a request asks at most a few; reads memoise per request), from the server's threads at once.
// An empty list: no rights (the caller still reads what the public reads).
using grants_source = std::function<std::vector<role_grant>(const http::principal&)>;

// The same decision as account_authorizer (trust::require over `units`' tree, the same rule for
// records of no unit), with the grants `grants_of` gives for the principal.
//
//   auto units = std::make_shared<portal::live_units>(db);
//   o.units = units;
//   o.identify = [&](const http::request& r) { return my_sessions.principal(r.header("Cookie")); };
//   o.authorize = portal::grants_authorizer([&](const http::principal& p) { return my_users.grants(p.id); }, units);
authorizer grants_authorizer(grants_source grants_of, std::shared_ptr<live_units> units);

}  // namespace portal
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/auth.ipp"
#endif
