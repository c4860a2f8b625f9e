#include <pbgdpl/reports/validation.hpp>

#include <doctest/doctest.h>

using namespace pbgdpl;

namespace {

indicator ind(std::string code, std::string label, indicator_kind k = indicator_kind::number) {
  indicator i;
  i.code = std::move(code);
  i.label = std::move(label);
  i.label_en = "EN " + i.code;
  i.kind = k;
  return i;
}

validation_rule rule(std::string code, std::string left, rule_op op, std::string right,
                     rule_severity s = rule_severity::blocking) {
  validation_rule r;
  r.code = std::move(code);
  r.left = std::move(left);
  r.op = op;
  r.right = std::move(right);
  r.severity = s;
  return r;
}

validation_rule rule_value(std::string code, std::string left, rule_op op, double value,
                           rule_severity s = rule_severity::blocking) {
  validation_rule r;
  r.code = std::move(code);
  r.left = std::move(left);
  r.op = op;
  r.value = value;
  r.severity = s;
  return r;
}

report_template staff_template() {
  report_template t;
  t.id = report_template_id{"bc-kh19"};
  t.name = "Báo cáo";
  t.owner = unit_id{"pgd"};
  t.indicators = {ind("staff_trained", "Số người được tập huấn"), ind("staff_total", "Tổng số cán bộ"),
                  ind("trained_percent", "Tỷ lệ được tập huấn", indicator_kind::percent),
                  ind("has_section", "Có chuyên mục", indicator_kind::boolean), ind("highlights", "Nổi bật", indicator_kind::text)};
  return t;
}

indicator_value number(std::string code, double x) {
  indicator_value v;
  v.code = std::move(code);
  v.number = x;
  return v;
}

report_submission with(std::vector<indicator_value> vs) {
  report_submission s;
  s.id = submission_id{"bc-kh19-2026-1.th-a"};
  s.template_id = report_template_id{"bc-kh19"};
  s.period_id = report_period_id{"bc-kh19-2026-1"};
  s.unit = unit_id{"th-a"};
  s.values = std::move(vs);
  return s;
}

std::vector<std::string> rules_of(const std::vector<reports::rule_finding>& fs) {
  std::vector<std::string> out;
  for (const auto& f : fs) out.push_back(f.rule);
  return out;
}

}  // namespace

TEST_CASE("a blocking rule comparing two indicators fails when the values break it, with a default message naming both") {
  auto t = staff_template();
  t.rules.push_back(rule("trained_le_total", "staff_trained", rule_op::le, "staff_total"));
  auto bad = reports::check_rules(t, with({number("staff_trained", 12), number("staff_total", 10)}));
  REQUIRE(bad.size() == 1);
  CHECK(bad[0].rule == "trained_le_total");
  CHECK(bad[0].severity == rule_severity::blocking);
  CHECK(bad[0].codes == std::vector<std::string>{"staff_trained", "staff_total"});
  CHECK(bad[0].message_vi == "“Số người được tập huấn” (12) phải nhỏ hơn hoặc bằng “Tổng số cán bộ” (10)");
  CHECK(bad[0].message_en == "“EN staff_trained” (12) must be at most “EN staff_total” (10)");
  CHECK(reports::has_blocking(bad));

  CHECK(reports::check_rules(t, with({number("staff_trained", 10), number("staff_total", 10)})).empty());
  CHECK(reports::check_rules(t, with({number("staff_trained", 3), number("staff_total", 10)})).empty());
}

TEST_CASE("each comparison holds exactly where it should, with sums of decimals treated as equal") {
  auto t = staff_template();
  struct row {
    rule_op op;
    double a, b;
    bool holds;
  };
  const row rows[] = {{rule_op::lt, 1, 2, true},  {rule_op::lt, 2, 2, false}, {rule_op::le, 2, 2, true},  {rule_op::le, 3, 2, false},
                      {rule_op::eq, 2, 2, true},  {rule_op::eq, 2, 3, false}, {rule_op::ne, 2, 3, true},  {rule_op::ne, 2, 2, false},
                      {rule_op::ge, 2, 2, true},  {rule_op::ge, 1, 2, false}, {rule_op::gt, 3, 2, true},  {rule_op::gt, 2, 2, false},
                      {rule_op::eq, 0.1 + 0.2, 0.3, true}, {rule_op::lt, 0.1 + 0.2, 0.3, false}};
  for (const auto& r : rows) {
    auto tt = t;
    tt.rules = {rule_value("r", "staff_trained", r.op, r.b)};
    auto fs = reports::check_rules(tt, with({number("staff_trained", r.a)}));
    CAPTURE(static_cast<int>(r.op));
    CAPTURE(r.a);
    CAPTURE(r.b);
    CHECK(fs.empty() == r.holds);
  }
}

TEST_CASE("warnings are reported but do not block, and a rule's own messages are used") {
  auto t = staff_template();
  auto w = rule_value("percent_target", "trained_percent", rule_op::ge, 100, rule_severity::warning);
  w.message = "Chưa đạt mục tiêu 100% cán bộ được tập huấn";
  w.message_en = "The 100% training target is not met";
  t.rules.push_back(w);
  t.rules.push_back(rule("trained_le_total", "staff_trained", rule_op::le, "staff_total"));
  auto fs = reports::check_rules(t, with({number("trained_percent", 80), number("staff_trained", 4), number("staff_total", 5)}));
  REQUIRE(fs.size() == 1);
  CHECK(fs[0].severity == rule_severity::warning);
  CHECK(fs[0].message_vi == "Chưa đạt mục tiêu 100% cán bộ được tập huấn");
  CHECK(fs[0].message_en == "The 100% training target is not met");
  CHECK(fs[0].codes == std::vector<std::string>{"trained_percent"});
  CHECK_FALSE(reports::has_blocking(fs));

  // Both failing: in the template's order, and now one blocks.
  fs = reports::check_rules(t, with({number("trained_percent", 80), number("staff_trained", 6), number("staff_total", 5)}));
  CHECK(rules_of(fs) == std::vector<std::string>{"percent_target", "trained_le_total"});
  CHECK(reports::has_blocking(fs));
  CHECK_FALSE(reports::has_blocking({}));
}

TEST_CASE("a rule with a missing or wrongly typed operand is not evaluated") {
  auto t = staff_template();
  t.rules = {rule("trained_le_total", "staff_trained", rule_op::le, "staff_total"),
             rule_value("section_const", "has_section", rule_op::eq, 1),     // a yes/no is not a number
             rule_value("text_const", "highlights", rule_op::eq, 1),         // nor is a text
             rule_value("unknown_code", "not_in_template", rule_op::eq, 1)};  // nor an unknown code
  // No staff total given: nothing to compare.
  CHECK(reports::check_rules(t, with({number("staff_trained", 12)})).empty());
  // A flag where a number is wanted is validate_against()'s business, not a rule's.
  indicator_value flag_given;
  flag_given.code = "staff_total";
  flag_given.flag = true;
  indicator_value yes;
  yes.code = "has_section";
  yes.flag = false;
  indicator_value text;
  text.code = "highlights";
  text.text = "x";
  CHECK(reports::check_rules(t, with({number("staff_trained", 12), flag_given, yes, text, number("not_in_template", 5)})).empty());
  // And a rule naming both sides and a constant, or neither, is skipped (validate() refuses it).
  auto both = rule("both", "staff_trained", rule_op::lt, "staff_total");
  both.value = 1;
  auto neither = rule_value("neither", "staff_trained", rule_op::lt, 1);
  neither.value.reset();
  t.rules = {both, neither};
  CHECK(reports::check_rules(t, with({number("staff_trained", 12), number("staff_total", 1)})).empty());
}

TEST_CASE("a default message prints a decimal with a comma in Vietnamese and a point in English") {
  auto t = staff_template();
  t.rules = {rule_value("max", "trained_percent", rule_op::le, 99.5)};
  auto fs = reports::check_rules(t, with({number("trained_percent", 99.75)}));
  REQUIRE(fs.size() == 1);
  CHECK(fs[0].message_vi == "“Tỷ lệ được tập huấn” (99,75) phải nhỏ hơn hoặc bằng 99,5");
  CHECK(fs[0].message_en == "“EN trained_percent” (99.75) must be at most 99.5");
}
