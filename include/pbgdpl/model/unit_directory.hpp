// The unit tree, held once: ids, names, parents, children, ancestors and "is X under Y" in
// constant time (each unit's subtree is one interval of a pre-order walk), built from a list of
// units whatever it holds. The store refuses cycles and chains deeper than max_depth; a list read
// from an older or damaged store may still have them, and is cut so that every walk ends.
// Over time: unit_directory::at(units, d) is the hierarchy on day d (each unit's parent, kind and
// name of that day; units not yet opened left out; units that had ended kept where they were on
// their last day, marked ended()), and successors()/predecessors() follow the links a unit that
// ended leaves, so pages can list an ended unit's content with its successors'.
// Thread safety: immutable once built; any number of threads may read one directory at once.
#pragma once
#include "unit.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

PBGDPL_NAMESPACE_BEGIN

// An immutable snapshot of the units: share it (a std::shared_ptr<const unit_directory>) and build
// a new one when a unit changes. Rules for input the store would refuse:
//  - an id listed twice keeps its first entry;
//  - a parent that is not listed ends the chain (datasets may list a school before its division);
//  - in a cycle, the link that puts a unit under the unit of the lowest kind (a division under a
//    school) is dropped, ties to the smallest id: that unit becomes a root;
//  - a unit deeper than max_depth below its root becomes a root.
// Lookups by id cost one hash; within() and subtree() cost O(1); ancestors() O(depth).
class unit_directory {
 public:
  static constexpr std::size_t max_depth = 64;  // as the store's check of a unit's parent chain
  static constexpr std::uint32_t none = 0xffffffffu;

  unit_directory() = default;
  // The units as they are stored (each one's own fields: the latest state).
  explicit unit_directory(std::vector<unit> units);
  // The hierarchy on day d (see the top of this file).
  static unit_directory at(std::vector<unit> units, date d);

  // The day at() was asked for; none for a directory of the stored state.
  std::optional<date> as_of() const noexcept { return as_of_; }
  // Whether the unit had ended: its last day is before as_of() (without a day: it has a last
  // day). False for an unknown id.
  bool ended(std::string_view id) const noexcept {
    auto u = find(id);
    return u && u->closed_on && (!as_of_ || *u->closed_on < *as_of_);
  }
  // The listed units that took over from `id` (its successors' ids that the directory holds).
  std::vector<const unit*> successors(std::string_view id) const;
  // The listed units that name `id` among their successors.
  std::vector<const unit*> predecessors(std::string_view id) const;
  // Whether the content of `owner` is listed on the pages of `at`, whose lists show what units
  // below them own: `owner` lies under `at`, or one of the units that took over from it (through
  // any chain of successions) does. Succession chains may loop; every unit is visited once.
  bool listed_under(std::string_view owner, std::string_view at) const;
  // The units that took over from `id`, through any chain of successions (each once, `id` left
  // out), at most `limit`: whose pages also list `id`'s content.
  std::vector<std::string> heirs(std::string_view id, std::size_t limit = 1000) const;
  // The units that ended and whose successors (through any chain) include one of `ids`: the
  // owners a unit's pages list besides its own tree. At most `limit` ids, in no set order.
  std::vector<std::string> predecessors_of(std::span<const std::string> ids, std::size_t limit = 1000) const;

  std::size_t size() const noexcept { return units_.size(); }
  bool empty() const noexcept { return units_.empty(); }
  // Every unit in pre-order: each one directly before the units below it.
  std::span<const unit> units() const noexcept { return units_; }
  // How many parent links the rules above dropped (0 for a tree the store wrote).
  std::size_t links_cut() const noexcept { return cut_; }

  const unit* find(std::string_view id) const noexcept {
    auto i = index_of(id);
    return i == none ? nullptr : &units_[i];
  }
  const unit* find(const unit_id& id) const noexcept { return find(std::string_view(id.value)); }
  bool contains(std::string_view id) const noexcept { return index_of(id) != none; }
  // The unit's name, or "" for an id not listed.
  std::string_view name(std::string_view id) const noexcept {
    auto u = find(id);
    return u ? std::string_view(u->name) : std::string_view{};
  }
  // The parent the directory keeps (nullptr for a root or an unknown id).
  const unit* parent(std::string_view id) const noexcept {
    auto i = index_of(id);
    return i == none || nodes_[i].parent == none ? nullptr : &units_[nodes_[i].parent];
  }
  // The units directly below, in the order they were listed.
  std::vector<const unit*> children(std::string_view id) const;
  // The units above, nearest first (not the unit itself); empty for a root or an unknown id.
  std::vector<const unit*> ancestors(std::string_view id) const;
  // The unit and the ids above it, nearest first: the owners whose records a unit's pages show.
  std::vector<std::string> self_and_ancestor_ids(std::string_view id) const;
  // The unit and every unit below it (empty for an unknown id).
  std::span<const unit> subtree(std::string_view id) const noexcept {
    auto i = index_of(id);
    if (i == none) return {};
    return std::span<const unit>(units_).subspan(i, nodes_[i].end - i);
  }
  // True when `id` is `ancestor` or lies below it; false when either is unknown.
  bool within(std::string_view id, std::string_view ancestor) const noexcept {
    auto i = index_of(id), a = index_of(ancestor);
    return i != none && a != none && a <= i && i < nodes_[a].end;
  }
  bool within(const unit_id& id, const unit_id& ancestor) const noexcept { return within(id.value, ancestor.value); }
  // The nearest unit of kind `k` at or above `id`.
  std::optional<unit_id> nearest(std::string_view id, unit_kind k) const;
  std::optional<unit_id> nearest(const unit_id& id, unit_kind k) const { return nearest(std::string_view(id.value), k); }
  // Levels above the unit (0 for a root); 0 for an unknown id.
  std::size_t depth(std::string_view id) const noexcept {
    auto i = index_of(id);
    return i == none ? 0 : nodes_[i].depth;
  }

 private:
  struct node {
    std::uint32_t parent = none;  // index in units_
    std::uint32_t end = 0;        // one past the last unit of the subtree, in units_
    std::uint32_t depth = 0;
  };
  // Hashes ids without copying the key a lookup passes.
  struct id_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };

  std::uint32_t index_of(std::string_view id) const noexcept {
    auto it = index_.find(id);
    return it == index_.end() ? none : it->second;
  }

  std::vector<unit> units_;  // pre-order
  std::vector<node> nodes_;  // parallel to units_
  std::unordered_map<std::string, std::uint32_t, id_hash, std::equal_to<>> index_;
  // successor id -> the units (indexes) that name it: the reverse of unit::successors.
  std::unordered_map<std::string, std::vector<std::uint32_t>, id_hash, std::equal_to<>> predecessors_;
  std::optional<date> as_of_;
  std::size_t cut_ = 0;
};

namespace detail {
// The rank used to pick which link of a cycle to drop: a link under a lower kind is the likely damage.
inline int unit_kind_rank(unit_kind k) noexcept {
  switch (k) {
    case unit_kind::school: return 0;
    case unit_kind::education_division:
    case unit_kind::district_office:
    case unit_kind::commune_office: return 1;
    case unit_kind::department: return 2;
    case unit_kind::district:
    case unit_kind::commune:
    case unit_kind::ward: return 3;
    case unit_kind::city: return 4;
  }
  return 0;
}
}  // namespace detail

inline unit_directory::unit_directory(std::vector<unit> units) {
  // Duplicates: the first entry of an id stays.
  std::vector<unit> listed;
  listed.reserve(units.size());
  {
    // Keys view the kept copies (`listed` never reallocates: reserved above).
    std::unordered_map<std::string_view, std::uint32_t> seen;
    seen.reserve(units.size());
    for (auto& u : units) {
      if (seen.count(u.id.value)) {
        ++cut_;
        continue;
      }
      listed.push_back(std::move(u));
      seen.emplace(listed.back().id.value, 0);
    }
  }
  const auto n = static_cast<std::uint32_t>(listed.size());
  std::unordered_map<std::string_view, std::uint32_t> pos;
  pos.reserve(n);
  for (std::uint32_t i = 0; i < n; ++i) pos.emplace(listed[i].id.value, i);
  std::vector<std::uint32_t> parent(n, none);
  for (std::uint32_t i = 0; i < n; ++i)
    if (listed[i].parent)
      if (auto it = pos.find(listed[i].parent->value); it != pos.end()) parent[i] = it->second;

  // Cycles: walk up from each unit not yet settled; meeting the current walk again is a cycle.
  {
    enum : std::uint8_t { unvisited, walking, settled };
    std::vector<std::uint8_t> state(n, unvisited);
    std::vector<std::uint32_t> path;
    for (std::uint32_t start = 0; start < n; ++start) {
      if (state[start] != unvisited) continue;
      path.clear();
      std::uint32_t cur = start;
      while (cur != none && state[cur] == unvisited) {
        state[cur] = walking;
        path.push_back(cur);
        cur = parent[cur];
      }
      if (cur != none && state[cur] == walking) {
        // The cycle is the tail of the path from `cur`.
        auto first = std::find(path.begin(), path.end(), cur);
        std::uint32_t drop = *first;
        for (auto it = first; it != path.end(); ++it) {
          auto key = [&](std::uint32_t i) { return std::pair(detail::unit_kind_rank(listed[parent[i]].kind), std::string_view(listed[i].id.value)); };
          if (key(*it) < key(drop)) drop = *it;
        }
        parent[drop] = none;
        ++cut_;
      }
      for (auto i : path) state[i] = settled;
    }
  }

  // Children in listed order (a compact adjacency list), then one iterative pre-order walk per root.
  std::vector<std::uint32_t> first_child(n + 1, 0), child(n);
  for (std::uint32_t i = 0; i < n; ++i)
    if (parent[i] != none) ++first_child[parent[i] + 1];
  for (std::uint32_t i = 0; i < n; ++i) first_child[i + 1] += first_child[i];
  {
    auto fill = first_child;
    for (std::uint32_t i = 0; i < n; ++i)
      if (parent[i] != none) child[fill[parent[i]]++] = i;
  }
  std::vector<std::uint32_t> order;  // listed index by pre-order position
  order.reserve(n);
  std::vector<std::uint32_t> at(n, none), depth(n, 0), end(n, 0);
  std::vector<std::uint32_t> roots;
  for (std::uint32_t i = 0; i < n; ++i)
    if (parent[i] == none) roots.push_back(i);
  struct frame {
    std::uint32_t unit, next_child;
  };
  std::vector<frame> stack;
  for (std::size_t r = 0; r < roots.size(); ++r) {
    stack.push_back({roots[r], first_child[roots[r]]});
    at[roots[r]] = static_cast<std::uint32_t>(order.size());
    order.push_back(roots[r]);
    while (!stack.empty()) {
      auto& f = stack.back();
      if (f.next_child == first_child[f.unit + 1]) {
        end[f.unit] = static_cast<std::uint32_t>(order.size());
        stack.pop_back();
        continue;
      }
      auto c = child[f.next_child++];
      if (depth[f.unit] + 1 > max_depth) {  // too deep: walked later as a root of its own
        parent[c] = none;
        roots.push_back(c);
        ++cut_;
        continue;
      }
      depth[c] = depth[f.unit] + 1;
      at[c] = static_cast<std::uint32_t>(order.size());
      order.push_back(c);
      stack.push_back({c, first_child[c]});
    }
  }

  units_.reserve(n);
  nodes_.reserve(n);
  index_.reserve(n);
  for (std::uint32_t p = 0; p < n; ++p) {
    auto i = order[p];
    node nd;
    nd.parent = parent[i] == none ? none : at[parent[i]];
    nd.end = end[i];
    nd.depth = depth[i];
    nodes_.push_back(nd);
    units_.push_back(std::move(listed[i]));
  }
  for (std::uint32_t p = 0; p < n; ++p) index_.emplace(units_[p].id.value, p);
  for (std::uint32_t p = 0; p < n; ++p)
    for (const auto& s : units_[p].successors) {
      auto& v = predecessors_[s.successor.value];
      if (v.empty() || v.back() != p) v.push_back(p);
    }
}

inline unit_directory unit_directory::at(std::vector<unit> units, date d) {
  std::vector<unit> on_day;
  on_day.reserve(units.size());
  for (auto& u : units) {
    if (u.opened_on && d < *u.opened_on) continue;  // not yet there
    // A unit that had ended stays where it was on its last day (its archive keeps its place).
    const date day = has_ended_by(u, d) ? *u.closed_on : d;
    on_day.push_back(u.history.empty() ? std::move(u) : unit_state_on(u, day));
  }
  unit_directory out(std::move(on_day));
  out.as_of_ = d;
  return out;
}

inline std::vector<const unit*> unit_directory::successors(std::string_view id) const {
  std::vector<const unit*> out;
  if (auto u = find(id))
    for (const auto& s : u->successors)
      if (auto v = find(s.successor)) out.push_back(v);
  return out;
}

inline std::vector<const unit*> unit_directory::predecessors(std::string_view id) const {
  std::vector<const unit*> out;
  if (auto it = predecessors_.find(id); it != predecessors_.end())
    for (auto i : it->second)
      if (ended(units_[i].id.value)) out.push_back(&units_[i]);
  return out;
}

inline bool unit_directory::listed_under(std::string_view owner, std::string_view at) const {
  if (within(owner, at)) return true;
  // The units that took over from `owner` (one walk of the successions, loops ended, capped).
  for (const auto& h : heirs(owner))
    if (within(h, at)) return true;
  return false;
}

inline std::vector<std::string> unit_directory::heirs(std::string_view id, std::size_t limit) const {
  std::vector<std::string> out;
  auto first = find(id);
  if (!first || first->successors.empty()) return out;
  std::unordered_map<std::string_view, bool> seen{{id, true}};
  std::vector<std::string_view> queue{id};
  for (std::size_t q = 0; q < queue.size() && out.size() < limit; ++q) {
    auto u = find(queue[q]);
    if (!u || !ended(u->id.value)) continue;  // successions count once the unit has ended
    for (const auto& s : u->successors) {
      std::string_view next = s.successor.value;
      if (!seen.emplace(next, true).second) continue;
      out.emplace_back(next);
      queue.push_back(next);
      if (out.size() == limit) break;
    }
  }
  return out;
}

inline std::vector<std::string> unit_directory::predecessors_of(std::span<const std::string> ids, std::size_t limit) const {
  std::vector<std::string> out;
  if (predecessors_.empty()) return out;
  std::unordered_map<std::string_view, bool> seen;
  std::vector<std::string_view> queue;
  for (const auto& id : ids)
    if (seen.emplace(id, true).second) queue.push_back(id);
  for (std::size_t q = 0; q < queue.size() && out.size() < limit; ++q) {
    auto it = predecessors_.find(queue[q]);
    if (it == predecessors_.end()) continue;
    for (auto i : it->second) {
      std::string_view p = units_[i].id.value;
      if (!ended(p)) continue;  // not yet ended: its successions have not happened
      if (!seen.emplace(p, true).second) continue;
      out.emplace_back(p);
      queue.push_back(p);
      if (out.size() == limit) break;
    }
  }
  return out;
}

inline std::vector<const unit*> unit_directory::children(std::string_view id) const {
  std::vector<const unit*> out;
  auto i = index_of(id);
  if (i == none) return out;
  // In pre-order the first child follows its parent and each next one follows the last's subtree.
  for (auto c = i + 1; c < nodes_[i].end; c = nodes_[c].end) out.push_back(&units_[c]);
  return out;
}

inline std::vector<const unit*> unit_directory::ancestors(std::string_view id) const {
  std::vector<const unit*> out;
  auto i = index_of(id);
  if (i == none) return out;
  out.reserve(nodes_[i].depth);
  for (auto p = nodes_[i].parent; p != none; p = nodes_[p].parent) out.push_back(&units_[p]);
  return out;
}

inline std::vector<std::string> unit_directory::self_and_ancestor_ids(std::string_view id) const {
  std::vector<std::string> out{std::string(id)};
  for (const auto* u : ancestors(id)) out.push_back(u->id.value);
  return out;
}

inline std::optional<unit_id> unit_directory::nearest(std::string_view id, unit_kind k) const {
  for (auto i = index_of(id); i != none; i = nodes_[i].parent)
    if (units_[i].kind == k) return units_[i].id;
  return std::nullopt;
}

PBGDPL_NAMESPACE_END
