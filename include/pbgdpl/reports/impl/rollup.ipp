// Bodies of reports/rollup.hpp: compiled once into the reports tier (src/reports/rollup.cpp), or
// included by the header in header-only builds.
#pragma once
#include "../rollup.hpp"

PBGDPL_NAMESPACE_BEGIN
namespace reports {

PBGDPL_DECL std::string_view ranking_formula_vi() noexcept { return {}; }
PBGDPL_DECL std::string_view ranking_formula_en() noexcept { return {}; }
PBGDPL_DECL division_view division_rollup(const report_template&, const report_period&,
                                          std::span<const report_submission>, std::vector<unit>,
                                          const unit_id&, const rollup_options&) {
  return {};
}
PBGDPL_DECL city_view city_rollup(const report_template&, const report_period&, std::span<const report_submission>,
                                  std::vector<unit>, const unit_id&, const rollup_options&) {
  return {};
}
PBGDPL_DECL trend_chart trend_of(const report_template&, std::span<const report_period>,
                                 std::span<const division_view>, std::span<const std::string>, bool) {
  return {};
}
PBGDPL_DECL std::string trend_svg(const trend_chart&, chart_style) { return {}; }

}  // namespace reports
PBGDPL_NAMESPACE_END
