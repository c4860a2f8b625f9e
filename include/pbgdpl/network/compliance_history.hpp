// The compliance crawls kept and counted: a run's results stored (model/compliance.hpp: one
// compliance_run, one compliance_check per school with the crawler's evidence), and the KPIs the
// division follows: the share of its schools meeting each criterion, overall and per level
// (MN, TH, THCS), the trend over the runs, and the schools to follow up. Plus the trend as an SVG
// chart (server-drawn, no script) for the KPI page.
#pragma once
#include "compliance.hpp"

#include "../model/compliance.hpp"
#include "../model/unit_directory.hpp"
#include "../store/store.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace network {

// The schools a run covers: the open schools below `scope` in the hierarchy of that day.
PBGDPL_DECL std::vector<const unit*> schools_below(const unit_directory& dir, std::string_view scope);

// Stores a finished run and its results (one check per result; results without a unit are
// skipped). `level_of` gives each school's level on the run's day. The run's id is made here
// when empty ("YYYYMMDD-HHMMSS-<random>"); its finished_at and sites are set from the results.
PBGDPL_DECL result<compliance_run> save_run(store::store& db, compliance_run run, const std::vector<site_result>& results,
                                            const unit_directory& dir, std::string_view actor);

// Counts for one criterion (or for "all four") at one level.
struct kpi_cell {
  std::uint32_t met = 0, not_met = 0, unknown = 0;
  std::uint32_t total() const noexcept { return met + not_met + unknown; }
  // Met over every school counted (a school that could not be read is not compliant yet).
  double percent() const noexcept { return total() ? 100.0 * met / total() : 0.0; }
};

// Index 0..3: the criteria in their enum order; 4: all four met (the plan's target).
inline constexpr std::size_t kpi_all = 4;
using kpi_row = std::array<kpi_cell, 5>;

struct kpi_point {
  compliance_run run;
  std::array<double, 5> percent{};  // per criterion, then all four
};

struct compliance_kpis {
  std::optional<compliance_run> latest;         // the newest finished run of the unit
  kpi_row overall{};                            // of the latest run
  std::vector<std::pair<school_level, kpi_row>> by_level;  // MN, TH, THCS present in the run
  std::vector<compliance_check> checks;         // the latest run's, schools to follow up first
  std::vector<kpi_point> trend;                 // oldest first, at most max_runs
};

// Reads the runs of `scope` (the unit whose schools were crawled) and the latest one's checks.
PBGDPL_DECL result<compliance_kpis> read_kpis(store::store& db, const unit_id& scope, std::size_t max_runs = 24);

// Adds one check to a row of counts.
PBGDPL_DECL void count(kpi_row& row, const compliance_check& c);

// The trend as an accessible SVG line chart (a <title>, a <desc>, one labelled line per series,
// the y axis 0-100 %), sized width × height; `vi` picks the labels' language. Empty trend: a chart
// that says there is no run yet.
PBGDPL_DECL std::string trend_svg(const std::vector<kpi_point>& trend, bool vi, int width = 640, int height = 260);

}  // namespace network
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/compliance_history.ipp"
#endif
