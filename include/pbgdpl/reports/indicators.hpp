// Indicators a report fills from what the store already holds (issue 17, auto-fill): an
// indicator whose `source` names one of indicator_sources() is counted from the unit's own
// records over the period's window (window_of, Hà Nội days), with a line of evidence saying what
// was counted. Reads only the store; writes nothing.
#pragma once
#include "../model/report.hpp"
#include "../store/store.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace reports {

// A known `source` key, what it counts (for forms and documentation) and the indicator kind it
// fills: an indicator of another kind naming it is not computed.
struct source_info {
  std::string_view key, label_vi, label_en;
  indicator_kind kind = indicator_kind::number;
};

// Every known source key, in a fixed order.
PBGDPL_DECL std::span<const source_info> indicator_sources();
// nullptr when `key` is not a known source.
PBGDPL_DECL const source_info* find_source(std::string_view key) noexcept;

struct computed_value {
  std::string code;                      // the indicator's code
  std::optional<double> number;          // number and percent sources
  std::optional<bool> flag;              // boolean sources
  std::string evidence_vi, evidence_en;  // "12 bài viết đăng từ 01/09/2025 đến 30/06/2026"
  friend bool operator==(const computed_value&, const computed_value&) = default;
};

// Every indicator of `t` with a known source whose kind matches, for unit `u`, over
// window_of(p), in the template's order. Only `u`'s own records count (not those of the units
// below it). A source with nothing to say (no compliance check finished in the window, no
// question answered for the median) gives a value with neither number nor flag, and evidence
// that says why. The median answer time is in hours, rounded to a tenth; counts are whole.
PBGDPL_DECL result<std::vector<computed_value>> compute_indicators(store::store& s, const report_template& t,
                                                                   const report_period& p, const unit_id& u);

// The same for many units at once: one pass over each kind the template's sources need (listed
// by kind, not queried per unit), bucketed by unit. Keyed by unit id; every unit of `units` has
// an entry, those with no records too.
PBGDPL_DECL result<std::unordered_map<std::string, std::vector<computed_value>>> compute_for_units(
    store::store& s, const report_template& t, const report_period& p, std::span<const unit_id> units);

}  // namespace reports
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/indicators.ipp"
#endif
