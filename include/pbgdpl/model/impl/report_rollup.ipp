// Bodies of model/report_rollup.hpp: compiled once into the core tier (src/core/model.cpp), or
// included by the header in header-only builds.
#pragma once
#include "../report_rollup.hpp"

#include <unordered_map>

PBGDPL_NAMESPACE_BEGIN

PBGDPL_DECL report_rollup roll_up(const report_template& t, const report_period& p,
                                  std::span<const report_submission> reports, std::vector<unit> units) {
  report_rollup out;
  out.as_of = p.due_on;
  const auto tree = unit_directory::at(std::move(units), p.due_on);
  const auto all = tree.units();
  // One slot per unit of the tree, in its pre-order; nodes keep only those something reached.
  std::unordered_map<std::string_view, std::size_t> slot;
  std::vector<rollup_node> nodes(all.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    slot.emplace(all[i].id.value, i);
    nodes[i].unit = all[i].id;
    nodes[i].name = all[i].name;
    for (const auto& ind : t.indicators) nodes[i].totals.push_back({ind.code, ind.kind});
  }
  std::unordered_map<std::string_view, std::size_t> indicator_at;
  for (std::size_t k = 0; k < t.indicators.size(); ++k) indicator_at.emplace(t.indicators[k].code, k);

  // The unit itself and every unit above it on that day's tree.
  auto chain = [&](std::string_view id) {
    std::vector<std::size_t> c{slot.at(id)};
    for (const auto* a : tree.ancestors(id)) c.push_back(slot.at(a->id.value));
    return c;
  };
  std::unordered_map<std::string_view, bool> sent;
  for (const auto& r : reports) {
    if (r.period_id != p.id || r.template_id != t.id) continue;
    if (r.state != submission_state::submitted && r.state != submission_state::accepted) continue;
    if (!slot.count(r.unit.value) || tree.ended(r.unit.value)) {
      out.unplaced.push_back(r.unit);
      continue;
    }
    if (!sent.emplace(r.unit.value, true).second) continue;  // one report per unit and period
    for (auto n : chain(r.unit.value)) {
      nodes[n].reported.push_back(r.unit);
      for (const auto& v : r.values) {
        auto k = indicator_at.find(v.code);
        if (k == indicator_at.end()) continue;
        auto& tot = nodes[n].totals[k->second];
        if ((tot.kind == indicator_kind::number || tot.kind == indicator_kind::percent) && v.number) {
          tot.sum += *v.number;
          ++tot.count;
        } else if (tot.kind == indicator_kind::boolean && v.flag) {
          ++tot.count;
          if (*v.flag) ++tot.yes;
        }
      }
    }
  }
  for (const auto& u : all) {
    if (u.kind != unit_kind::school || tree.ended(u.id.value) || !is_open_on(u, p.due_on)) continue;
    if (sent.count(u.id.value)) continue;
    for (auto n : chain(u.id.value)) nodes[n].missing.push_back(u.id);
  }
  for (auto& n : nodes)
    if (!n.reported.empty() || !n.missing.empty()) out.nodes.push_back(std::move(n));
  return out;
}

PBGDPL_NAMESPACE_END
