// Definitions for portal/units.hpp (inline in header-only mode, compiled once from src/portal/).
#pragma once
#include <algorithm>

PBGDPL_NAMESPACE_BEGIN
namespace portal {

PBGDPL_DECL bool unit_snapshot::is_archived(std::string_view id) const {
  return std::binary_search(archived.begin(), archived.end(), id, std::less<>());
}

PBGDPL_DECL const unit* unit_snapshot::active(std::string_view id) const {
  const unit* u = tree.find(id);
  return u && !is_archived(id) ? u : nullptr;
}

PBGDPL_DECL std::shared_ptr<const unit_snapshot> live_units::get() {
  auto wanted = generation_.load(std::memory_order_acquire);
  const date day = today();
  {
    std::shared_lock lock(mu_);
    if (current_ && loaded_generation_ == wanted && loaded_day_ == day) return current_;
  }
  std::lock_guard loading(load_mu_);
  wanted = generation_.load(std::memory_order_acquire);
  {
    std::shared_lock lock(mu_);
    if (current_ && loaded_generation_ == wanted && loaded_day_ == day) return current_;  // another request loaded it
  }
  loads_.fetch_add(1, std::memory_order_relaxed);
  auto fresh = load_units(db_, day);
  std::unique_lock lock(mu_);
  if (fresh) {
    current_ = std::move(*fresh);
    loaded_generation_ = wanted;  // a change during the load leaves the generation ahead: read again
    loaded_day_ = day;
  } else if (!current_) {
    current_ = std::make_shared<const unit_snapshot>();
  }
  return current_;
}

PBGDPL_DECL result<std::shared_ptr<const unit_snapshot>> load_units(store::store& db) {
  return load_units(db, local_date(now()));
}

PBGDPL_DECL std::string managing_unit(const unit_directory& today) {
  std::string division;
  for (const auto& u : today.units())
    if (u.kind == unit_kind::education_division) {
      division = u.id.value;
      break;
    }
  // Bounded by the tree's size: a cycle of successions cannot loop.
  for (std::size_t steps = 0; !division.empty() && today.ended(division) && steps < today.size(); ++steps) {
    auto next = today.successors(division);
    if (next.empty()) break;
    division = next.front()->id.value;
  }
  if (division.empty())
    for (const auto& u : today.units())
      if (!u.parent) return u.id.value;
  return division;
}

PBGDPL_DECL result<std::shared_ptr<const unit_snapshot>> load_units(store::store& db, date on) {
  std::vector<unit> units;
  std::vector<std::string> archived;
  store::list_query q;
  q.limit = 100;
  q.where.include_archived = true;
  // Records, not typed values: a unit's archived mark is the record's, not the unit's.
  for (;;) {
    auto p = db.list_records(store::entity_traits<unit>::kind, q);
    if (!p) return p.err();
    for (auto& r : p->items) {
      auto u = from_json_value<unit>(r.body);
      if (!u) return u.err();
      if (r.archived) archived.push_back(u->id.value);
      units.push_back(std::move(*u));
    }
    if (p->next_cursor.empty()) break;
    q.cursor = std::move(p->next_cursor);
  }
  auto s = std::make_shared<unit_snapshot>();
  s->tree = unit_directory::at(std::move(units), on);
  std::sort(archived.begin(), archived.end());
  s->archived = std::move(archived);
  return std::shared_ptr<const unit_snapshot>(std::move(s));
}

}  // namespace portal
PBGDPL_NAMESPACE_END
