// Reports rolled up along the unit hierarchy valid for their period: the schools' sent reports
// of a period are added up at every unit above them, on the tree of the period's due date (the
// units that received the reports then). A report of 2024-2025 (due 30 June 2025) goes up
// through the Hà Đông education division; one due after 1 July 2025 through the ward that took
// the school over. docs/domain.md, "Units over time".
#pragma once
#include "report.hpp"
#include "unit_directory.hpp"

#include <span>
#include <string>
#include <vector>

PBGDPL_NAMESPACE_BEGIN

// One indicator over the reports that reached a unit: numbers add up, percents average, yes/no
// count the yeses; text indicators are not totalled.
struct indicator_total {
  std::string code;
  indicator_kind kind = indicator_kind::number;
  double sum = 0;          // number: the total; percent: the sum of the values (mean = sum / count)
  std::size_t count = 0;   // reports that gave a value
  std::size_t yes = 0;     // boolean: how many said yes
  double mean() const noexcept { return count ? sum / static_cast<double>(count) : 0; }
  friend bool operator==(const indicator_total&, const indicator_total&) = default;
};

// What reached one unit: its own report and those of every unit below it on the period's tree.
struct rollup_node {
  unit_id unit;
  std::string name;                    // the unit's name on that day
  std::vector<indicator_total> totals; // in the template's order
  std::vector<unit_id> reported;       // units whose sent report counted here
  std::vector<unit_id> missing;        // open schools here with no sent report
};

struct report_rollup {
  date as_of{};                      // the period's due date: whose tree the reports went up
  std::vector<rollup_node> nodes;    // units with a report or a missing school, in tree order
  std::vector<unit_id> unplaced;     // sent reports of units not on that day's tree
  const rollup_node* find(std::string_view unit) const noexcept {
    for (const auto& n : nodes)
      if (n.unit.value == unit) return &n;
    return nullptr;
  }
};

// Rolls up the sent (submitted or accepted) reports of period `p` of template `t` over `units`
// as they were on p.due_on. Reports of other periods or templates, drafts and returned ones are
// left out. Linear in reports x depth of the tree plus the units.
PBGDPL_DECL report_rollup roll_up(const report_template& t, const report_period& p,
                                  std::span<const report_submission> reports, std::vector<unit> units);

PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/report_rollup.ipp"
#endif
