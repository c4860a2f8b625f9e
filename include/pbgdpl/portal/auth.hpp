// Who is calling and what they may write: API keys checked against their stored hashes
// (trust/tokens.hpp), and an authorizer that asks trust/permissions.hpp with the caller's
// account and the unit tree read from the store. The portal itself only sees the two callbacks.
#pragma once
#include "../store/store.hpp"
#include "../trust/permissions.hpp"
#include "../trust/tokens.hpp"
#include "site.hpp"

#include <mutex>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace portal {

// API keys by hash. Only hashes are kept; a presented key is hashed and compared in constant time.
class api_key_registry {
 public:
  void add(trust::token_record r) {
    std::lock_guard lock(mu_);
    records_.push_back(std::move(r));
  }
  std::vector<trust::token_record> records() const {
    std::lock_guard lock(mu_);
    return records_;
  }
  // The account id a valid, unexpired, unrevoked key stands for.
  std::optional<std::string> subject(std::string_view presented, timestamp at = now()) const {
    auto h = trust::token_hash(presented);
    std::lock_guard lock(mu_);
    for (const auto& r : records_)
      if (r.hash.size() == h.size() && r.kind == trust::token_kind::api_key && trust::check_token(r, presented, at))
        return r.subject;
    return std::nullopt;
  }

 private:
  mutable std::mutex mu_;
  std::vector<trust::token_record> records_;
};

// API action ("create:article", "publish:article", "archive:unit") → permission action.
// "read:<kind>" (records that are not public) → read; "moderate:question" (askers' contact
// details) → edit_content, i.e. those who answer that unit's questions.
inline trust::action permission_for(std::string_view api_action) {
  if (api_action.starts_with("read:")) return trust::action::read;
  if (api_action.starts_with("moderate:")) return trust::action::edit_content;
  if (api_action.starts_with("publish:")) return trust::action::publish_content;
  if (api_action.starts_with("approve:")) return trust::action::approve_content;
  if (api_action.ends_with(":unit")) return trust::action::manage_units;
  return trust::action::edit_content;
}

inline authenticator key_authenticator(const api_key_registry& keys, store::store& db) {
  return [&keys, &db](std::string_view bearer) -> std::optional<http::principal> {
    auto who = keys.subject(bearer);
    if (!who) return std::nullopt;
    auto acc = db.get<account>(*who);
    if (!acc || acc->disabled) return std::nullopt;
    http::principal p;
    p.id = acc->id.value;
    p.name = acc->display_name;
    for (const auto& g : acc->grants) p.roles.emplace_back(to_string(g.r));
    return p;
  };
}

inline authorizer account_authorizer(store::store& db) {
  return [&db](const http::principal& p, std::string_view api_action, const std::string& target) -> result<void> {
    auto acc = db.get<account>(p.id);
    if (!acc) return error(errc::unauthenticated);
    trust::unit_tree tree;
    store::list_query q;
    q.limit = 100;
    // Archived units stay in the tree: archiving a division must not leave its schools outside
    // everyone's rights (nobody could then act on them, not even to undo it).
    q.where.include_archived = true;
    while (true) {
      auto page = db.list<unit>(q);
      if (!page) return page.err();
      for (const auto& u : page->items) tree.add(u);
      if (page->next_cursor.empty()) break;
      q.cursor = page->next_cursor;
    }
    if (target.empty())
      return error(errc::permission_denied, {}, "Nội dung không thuộc đơn vị nào", "The content belongs to no unit");
    return trust::require(*acc, permission_for(api_action), unit_id{target}, tree);
  };
}

}  // namespace portal
PBGDPL_NAMESPACE_END
