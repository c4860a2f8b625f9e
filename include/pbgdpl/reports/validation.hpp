// A template's validation rules (left op right, DHIS2's shape: "staff trained ≤ staff total")
// checked over a submission's values: blocking findings stop a submission, warnings are shown.
// Whether required values are there and of the right kind is validate_against()'s job, not this.
#pragma once
#include "../model/report.hpp"

#include <span>
#include <string>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace reports {

struct rule_finding {
  std::string rule;  // the rule's code
  rule_severity severity = rule_severity::blocking;
  std::string message_vi, message_en;  // the rule's own, or a default naming the values
  std::vector<std::string> codes;      // the indicators it compared
  friend bool operator==(const rule_finding&, const rule_finding&) = default;
};

// The rules of `t` that fail on `s`, in the template's order. A rule with an operand missing
// (no value, a value of another kind, an indicator the template does not have or that is not a
// number or percent) is not evaluated and so does not fail.
PBGDPL_DECL std::vector<rule_finding> check_rules(const report_template& t, const report_submission& s);

PBGDPL_DECL bool has_blocking(std::span<const rule_finding> findings) noexcept;

}  // namespace reports
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/validation.ipp"
#endif
