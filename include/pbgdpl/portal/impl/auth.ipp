// Definitions for portal/auth.hpp (inline in header-only mode, compiled once from src/portal/).
#pragma once

PBGDPL_NAMESPACE_BEGIN
namespace portal {

PBGDPL_DECL void api_key_registry::add(trust::token_record r) {
  std::lock_guard lock(mu_);
  records_.push_back(std::move(r));
}

PBGDPL_DECL std::vector<trust::token_record> api_key_registry::records() const {
  std::lock_guard lock(mu_);
  return records_;
}

PBGDPL_DECL std::optional<std::string> api_key_registry::subject(std::string_view presented, timestamp at) const {
  auto h = trust::token_hash(presented);
  std::lock_guard lock(mu_);
  for (const auto& r : records_)
    if (r.hash.size() == h.size() && r.kind == trust::token_kind::api_key && trust::check_token(r, presented, at))
      return r.subject;
  return std::nullopt;
}

PBGDPL_DECL trust::action permission_for(std::string_view api_action) {
  if (api_action.starts_with("read:")) return trust::action::read;
  if (api_action.starts_with("moderate:")) return trust::action::edit_content;
  if (api_action.starts_with("publish:")) return trust::action::publish_content;
  if (api_action.starts_with("approve:")) return trust::action::approve_content;
  if (api_action.starts_with("manage:")) return trust::action::manage_displays;
  if (api_action.starts_with("schedule:") || api_action.starts_with("schedule-approved:"))
    return trust::action::schedule_signage;
  if (api_action.ends_with(":unit")) return trust::action::manage_units;
  return trust::action::edit_content;
}

PBGDPL_DECL trust::target_facts facts_for(std::string_view api_action) {
  trust::target_facts f;
  f.content_approved = api_action.starts_with("schedule-approved:");
  return f;
}

PBGDPL_DECL authenticator key_authenticator(const api_key_registry& keys, store::store& db) {
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

namespace detail {
inline result<void> require_at(store::store& db, const http::principal& p, std::string_view api_action,
                               const std::string& target, const unit_directory& tree) {
  auto acc = db.get<account>(p.id);
  if (!acc) return error(errc::unauthenticated);
  return trust::require(*acc, permission_for(api_action), unit_id{target}, tree, facts_for(api_action));
}
}  // namespace detail

PBGDPL_DECL authorizer account_authorizer(store::store& db, std::shared_ptr<live_units> units) {
  return [&db, units = std::move(units)](const http::principal& p, std::string_view api_action,
                                         const std::string& target) -> result<void> {
    auto snapshot = units->get();
    return detail::require_at(db, p, api_action, target, snapshot->tree);
  };
}

PBGDPL_DECL authorizer account_authorizer(store::store& db) {
  return [&db](const http::principal& p, std::string_view api_action, const std::string& target) -> result<void> {
    auto snapshot = load_units(db);
    if (!snapshot) return snapshot.err();
    return detail::require_at(db, p, api_action, target, (*snapshot)->tree);
  };
}

PBGDPL_DECL authorizer grants_authorizer(grants_source grants_of, std::shared_ptr<live_units> units) {
  return [grants_of = std::move(grants_of), units = std::move(units)](
             const http::principal& p, std::string_view api_action, const std::string& target) -> result<void> {
    const auto grants = grants_of(p);
    auto snapshot = units->get();
    return trust::require(std::span<const role_grant>(grants), p.name.empty() ? p.id : p.name, permission_for(api_action),
                          unit_id{target}, snapshot->tree, facts_for(api_action));
  };
}

}  // namespace portal
PBGDPL_NAMESPACE_END
