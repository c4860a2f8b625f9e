// The division's and the city's view of a report period: each school's values, totals by the
// indicator's aggregation rule (sum, average, share of units, last), splits by school level, the
// plan's KPIs against their targets, a ranking for commendation and trend charts across years.
// Pure functions over values (template, period, submissions, units): no store, no I/O. The tree
// is the one of the period's due date (docs/domain.md, "Units over time"), so a school's 2024
// report goes up through the education division and its December 2025 report through the ward.
#pragma once
#include "../model/report.hpp"
#include "../model/unit.hpp"

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace reports {

struct rollup_options {
  // Count reports sent but not yet approved too (a preview before approval); by default only
  // accepted (approved, locked) reports count.
  bool include_submitted = false;
};

// One indicator over some units (or one unit's own value). What `value` means follows the
// indicator's aggregation_of(): sum -> the total; average -> the mean over the units that gave a
// value; share_of_units -> the percent (0..100) of answering units that said yes (boolean) or
// gave more than 0 (number); last -> the latest value by submitted_at (number in value, text in
// text). No unit gave a value: value is empty (and text "").
struct cell {
  std::string code;
  std::optional<double> value;
  std::size_t units = 0;  // units that gave a value
  std::size_t yes = 0;    // share_of_units: those that said yes / gave more than 0
  std::string text;       // text indicators (last), or a unit's own text
  std::string comment;    // a unit's own comment on the value (unit rows only)
  friend bool operator==(const cell&, const cell&) = default;
};

// One school under the unit: its own values (template order) and where its report stands.
struct unit_row {
  unit_id unit;
  std::string name;  // the name on the period's due date
  std::optional<school_level> level;
  std::optional<submission_state> state;  // empty: no report at all (missing)
  bool counted = false;                   // its values are in the totals
  std::optional<timestamp> submitted_at;
  std::vector<cell> cells;  // empty for a school whose report does not count
  friend bool operator==(const unit_row&, const unit_row&) = default;
};

// The counted schools of one level, for the indicators whose breakdowns hold "school_level".
struct level_row {
  std::string level;  // "mn", "th", "thcs"; "" for schools with no level
  std::vector<cell> cells;
  std::size_t units = 0;  // counted schools of the level
  friend bool operator==(const level_row&, const level_row&) = default;
};

// An indicator with a target (indicator::target): the aggregate against it. met = actual >=
// target; no value at all counts as 0.
struct kpi {
  std::string code;
  double target = 0;
  double actual = 0;
  bool met = false;
  friend bool operator==(const kpi&, const kpi&) = default;
};

// A school's place in the commendation ranking. score = 100 x kpis_met / kpis (the share of the
// plan's targets the school's own values meet: a share_of_units target is met by a yes or a value
// above 0, any other by a value >= target); ties go to more articles published (the indicator
// whose source is "articles.published", else code "articles_published"), then to the name.
struct ranking_entry {
  unit_id unit;
  std::string name;
  double score = 0;
  std::size_t kpis_met = 0, kpis = 0;
  double articles = 0;
  friend bool operator==(const ranking_entry&, const ranking_entry&) = default;
};
// The formula above, for pages to show beside the ranking.
PBGDPL_DECL std::string_view ranking_formula_vi() noexcept;
PBGDPL_DECL std::string_view ranking_formula_en() noexcept;

struct division_view {
  report_period_id period;
  report_template_id template_id;
  unit_id unit;      // the unit above the schools on the period's due date
  std::string name;  // its name on that day
  date as_of{};      // the period's due date
  bool include_submitted = false;
  std::vector<unit_row> schools;   // every open school below the unit that day, by name
  std::vector<level_row> by_level;  // mn, th, thcs, then "" (levels with a counted school)
  std::vector<cell> total;         // the counted schools, template order
  std::vector<kpi> kpis;           // template order
  std::vector<ranking_entry> ranking;  // counted schools, best first
  // Schools: open that day; whose report counts; excused; sent but not yet approved (not counted
  // unless include_submitted); with no report or only a draft or a returned one.
  std::size_t expected = 0, counted = 0, excused = 0, awaiting = 0, missing = 0;
  friend bool operator==(const division_view&, const division_view&) = default;
};

// The roll-up of period `p` (template `t`, whose codes are read from the reports: a report begun
// on an earlier edition counts by code) at `division` over `units` as they were on p.due_on.
// Submissions of other periods or of units not below `division` that day are ignored; of several
// reports of one school the furthest along counts (accepted, submitted, excused, returned,
// draft; then the latest). Excused schools are listed, not counted. Linear in the reports, the
// units and the indicators. An unknown `division` gives an empty view (no schools).
PBGDPL_DECL division_view division_rollup(const report_template& t, const report_period& p,
                              std::span<const report_submission> submissions, std::vector<unit> units,
                              const unit_id& division, const rollup_options& options = {});

// One unit directly above schools (an education division, a ward's office) in the city view.
struct area_row {
  unit_id unit;
  std::string name;
  unit_kind kind = unit_kind::education_division;
  std::size_t expected = 0, counted = 0, excused = 0, awaiting = 0, missing = 0;  // schools, as division_view
  double completeness = 0;  // 100 x (counted + awaiting + excused) / expected; 100 if none expected
  std::vector<cell> cells;  // its counted schools, template order
  std::vector<kpi> kpis;
  friend bool operator==(const area_row&, const area_row&) = default;
};

struct city_view {
  report_period_id period;
  report_template_id template_id;
  unit_id unit;
  std::string name;
  date as_of{};
  bool include_submitted = false;
  std::vector<area_row> areas;  // one per unit that is a school's parent that day, by name
  std::vector<cell> total;      // every counted school below the city (not an average of areas)
  std::vector<kpi> kpis;
  std::size_t expected = 0, counted = 0, excused = 0, awaiting = 0, missing = 0;
  friend bool operator==(const city_view&, const city_view&) = default;
};

// The same over every school below `city` that day, grouped by each school's parent that day.
PBGDPL_DECL city_view city_rollup(const report_template& t, const report_period& p,
                      std::span<const report_submission> submissions, std::vector<unit> units,
                      const unit_id& city, const rollup_options& options = {});

// Trends: the same indicators over several periods.
struct trend_series {
  std::string code;
  std::string label;
  std::vector<std::optional<double>> values;  // one per x label; empty: no data that period
  friend bool operator==(const trend_series&, const trend_series&) = default;
};
struct trend_chart {
  std::string title;
  std::string unit_label;            // y axis: "bài", "%"
  std::vector<std::string> x_labels;  // "2024 đợt 1"
  std::vector<trend_series> series;
  friend bool operator==(const trend_chart&, const trend_chart&) = default;
};
// The totals of `codes` in each view, periods[i] being the period of views[i] (same length;
// extra entries of the longer one are ignored); sorted by calendar_before. Labels in English
// when `english`.
PBGDPL_DECL trend_chart trend_of(const report_template& t, std::span<const report_period> periods,
                     std::span<const division_view> views, std::span<const std::string> codes,
                     bool english = false);
enum class chart_style { line, bar };
// A standalone SVG document (viewBox, role="img", <title> and <desc>, every text escaped, no
// script, style attribute or external reference): years on x, one series per indicator, a legend.
// `id` prefixes the ids of its title and description ("<id>-title"; letters, digits, - and _
// kept): give each chart of one page its own.
PBGDPL_DECL std::string trend_svg(const trend_chart& chart, chart_style style = chart_style::line,
                                  std::string_view id = "trend");

}  // namespace reports
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/rollup.ipp"
#endif
