// Definitions for reports/validation.hpp (inline in header-only mode, compiled once from
// src/reports/validation.cpp).
#pragma once
#include "../validation.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string_view>
#include <unordered_map>

PBGDPL_NAMESPACE_BEGIN
namespace reports {

namespace detail {

// The template's indicators and the submission's values by code, looked up once each (a rule
// list of 256 over thousands of values stays linear).
struct operands {
  std::unordered_map<std::string_view, const indicator*> indicators;
  std::unordered_map<std::string_view, const indicator_value*> values;
  operands(const report_template& t, const report_submission& s) {
    for (const auto& i : t.indicators) indicators.emplace(i.code, &i);
    for (const auto& v : s.values) values.emplace(v.code, &v);  // the first of a repeated code, as find_value
  }
  // An operand's value: the number given for a number or percent indicator of the template.
  std::optional<double> of(std::string_view code) const {
    auto i = indicators.find(code);
    if (i == indicators.end() || (i->second->kind != indicator_kind::number && i->second->kind != indicator_kind::percent))
      return std::nullopt;
    auto v = values.find(code);
    if (v == values.end() || !v->second->number || !std::isfinite(*v->second->number)) return std::nullopt;
    return *v->second->number;
  }
  std::string label(std::string_view code, bool vi) const {
    auto i = indicators.find(code);
    if (i == indicators.end()) return std::string(code);
    if (!vi && !i->second->label_en.empty()) return i->second->label_en;
    return i->second->label;
  }
};

// Values typed by people and sums of them: equal within a relative 1e-9.
inline bool holds(double a, rule_op op, double b) noexcept {
  const double eps = 1e-9 * std::max({1.0, std::fabs(a), std::fabs(b)});
  const bool eq = std::fabs(a - b) <= eps;
  switch (op) {
    case rule_op::lt: return a < b && !eq;
    case rule_op::le: return a < b || eq;
    case rule_op::eq: return eq;
    case rule_op::ne: return !eq;
    case rule_op::ge: return a > b || eq;
    case rule_op::gt: return a > b && !eq;
  }
  return true;
}

inline std::string_view op_vi(rule_op op) noexcept {
  switch (op) {
    case rule_op::lt: return "nhỏ hơn";
    case rule_op::le: return "nhỏ hơn hoặc bằng";
    case rule_op::eq: return "bằng";
    case rule_op::ne: return "khác";
    case rule_op::ge: return "lớn hơn hoặc bằng";
    case rule_op::gt: return "lớn hơn";
  }
  return "?";
}

inline std::string_view op_en(rule_op op) noexcept {
  switch (op) {
    case rule_op::lt: return "less than";
    case rule_op::le: return "at most";
    case rule_op::eq: return "equal to";
    case rule_op::ne: return "different from";
    case rule_op::ge: return "at least";
    case rule_op::gt: return "greater than";
  }
  return "?";
}

// "12", "0,5" (Vietnamese decimal comma) / "0.5".
inline std::string number_text(double x, bool vi) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.15g", x);
  std::string s = buf;
  if (vi) std::replace(s.begin(), s.end(), '.', ',');
  return s;
}

}  // namespace detail

PBGDPL_DECL std::vector<rule_finding> check_rules(const report_template& t, const report_submission& s) {
  std::vector<rule_finding> out;
  if (t.rules.empty()) return out;
  const detail::operands ops(t, s);
  for (const auto& rule : t.rules) {
    if (rule.right.has_value() == rule.value.has_value()) continue;  // malformed: validate() refuses it
    auto a = ops.of(rule.left);
    if (!a) continue;
    auto b = rule.right ? ops.of(*rule.right) : rule.value;
    if (!b || !std::isfinite(*b)) continue;
    if (detail::holds(*a, rule.op, *b)) continue;
    rule_finding f;
    f.rule = rule.code;
    f.severity = rule.severity;
    f.codes.push_back(rule.left);
    if (rule.right) f.codes.push_back(*rule.right);
    auto side = [&](bool vi) {
      std::string r = rule.right ? "“" + ops.label(*rule.right, vi) + "” (" + detail::number_text(*b, vi) + ")"
                                 : detail::number_text(*b, vi);
      return r;
    };
    f.message_vi = !rule.message.empty() ? rule.message
                                         : "“" + ops.label(rule.left, true) + "” (" + detail::number_text(*a, true) +
                                               ") phải " + std::string(detail::op_vi(rule.op)) + " " + side(true);
    f.message_en = !rule.message_en.empty() ? rule.message_en
                                            : "“" + ops.label(rule.left, false) + "” (" + detail::number_text(*a, false) +
                                                  ") must be " + std::string(detail::op_en(rule.op)) + " " + side(false);
    out.push_back(std::move(f));
  }
  return out;
}

PBGDPL_DECL bool has_blocking(std::span<const rule_finding> findings) noexcept {
  return std::any_of(findings.begin(), findings.end(), [](const rule_finding& f) { return f.severity == rule_severity::blocking; });
}

}  // namespace reports
PBGDPL_NAMESPACE_END
