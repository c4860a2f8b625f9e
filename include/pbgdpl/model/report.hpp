// The plan's yearly self-evaluation: a report template (indicators), report periods (a school
// year, round 1 after the year's wrap-up, round 2 before 15 December) and each unit's
// submission of values, checked against the indicator kinds.
#pragma once
#include "common.hpp"

#include <cmath>

PBGDPL_NAMESPACE_BEGIN

enum class indicator_kind { number, percent, text, boolean };
PBGDPL_ENUM_NAMES(indicator_kind, {indicator_kind::number, "number"}, {indicator_kind::percent, "percent"},
                  {indicator_kind::text, "text"}, {indicator_kind::boolean, "boolean"});

struct indicator {
  std::string code;  // stable key, [a-z0-9_]: "articles_posted"
  std::string label;  // Vietnamese
  std::string label_en;
  std::string description;
  indicator_kind kind = indicator_kind::number;
  bool required = true;
  std::optional<double> min, max;  // for number; percent is always 0..100
  std::string unit_label;           // "bài", "người"
  friend bool operator==(const indicator&, const indicator&) = default;
};

template <class V>
void describe(V& f, indicator& x) {
  using model_io::need;
  using model_io::short_text;
  f("code", x.code, need::required, short_text);
  f("label", x.label, need::required, short_text);
  f("label_en", x.label_en, need::optional, short_text);
  f("description", x.description);
  f("kind", x.kind, need::required);
  f("required", x.required);
  f("min", x.min);
  f("max", x.max);
  f("unit_label", x.unit_label, need::optional, short_text);
}
PBGDPL_MODEL_JSON(indicator)

struct report_template {
  report_template_id id;
  int schema_version = model_schema_version;
  std::uint64_t version = 0;
  std::string name;
  std::string plan_number;  // "19/KH-PGDĐT"
  std::optional<legal_document_id> plan;
  unit_id owner;  // the unit that collects: the education division
  std::vector<indicator> indicators;

  friend bool operator==(const report_template&, const report_template&) = default;
};

template <class V>
void describe(V& f, report_template& x) {
  using model_io::need;
  using model_io::short_text;
  f("id", x.id, need::required);
  f.header(x.schema_version, x.version);
  f("name", x.name, need::required, short_text);
  f("plan_number", x.plan_number, need::optional, short_text);
  f("plan", x.plan);
  f("owner", x.owner, need::required);
  f("indicators", x.indicators, need::required);
}
PBGDPL_MODEL_JSON(report_template)

inline const indicator* find_indicator(const report_template& t, std::string_view code) noexcept {
  for (const auto& i : t.indicators)
    if (i.code == code) return &i;
  return nullptr;
}

inline bool is_indicator_code(std::string_view s) noexcept {
  if (s.empty() || s.size() > 64 || (s[0] >= '0' && s[0] <= '9')) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

inline void validate(const report_template& t, validator& v) {
  rules::schema(v, t.schema_version);
  rules::identifier(v, t.id, "/id", "Mã mẫu báo cáo", "Template id");
  rules::text(v, t.name, "/name", "Tên mẫu báo cáo", "Template name", true);
  if (!t.plan_number.empty())
    if (auto dn = parse_document_number(t.plan_number); !dn)
      v.add("/plan_number", errc::bad_document_number, dn.err().message_vi, dn.err().message_en);
  rules::identifier(v, t.plan, "/plan", "Kế hoạch", "Plan");
  rules::identifier(v, t.owner, "/owner", "Đơn vị tổng hợp", "Owner");
  v.check(!t.indicators.empty(), "/indicators", errc::missing_field, "Mẫu báo cáo phải có ít nhất một chỉ tiêu",
          "A template needs at least one indicator");
  for (std::size_t i = 0; i < t.indicators.size(); ++i) {
    auto p = "/indicators/" + std::to_string(i);
    const auto& x = t.indicators[i];
    rules::known(v, x.kind, p + "/kind");
    v.check(is_indicator_code(x.code), p + "/code", errc::invalid_argument,
            "Mã chỉ tiêu gồm chữ thường, số và '_' (không bắt đầu bằng số)",
            "An indicator code is lower-case letters, digits and '_' (not starting with a digit)");
    rules::text(v, x.label, p + "/label", "Tên chỉ tiêu", "Indicator label", true);
    rules::text(v, x.label_en, p + "/label_en", "Tên tiếng Anh", "English label", false);
    rules::long_text(v, x.description, p + "/description", "Mô tả", "Description", false);
    rules::text(v, x.unit_label, p + "/unit_label", "Đơn vị tính", "Unit label", false);
    bool numeric = x.kind == indicator_kind::number || x.kind == indicator_kind::percent;
    if (!numeric && (x.min || x.max))
      v.add(p + "/min", errc::invalid_argument, "Chỉ tiêu không phải số thì không có giới hạn",
            "Only numeric indicators have bounds");
    if (x.min && x.max && *x.min > *x.max)
      v.add(p + "/max", errc::out_of_range, "Giới hạn trên nhỏ hơn giới hạn dưới", "max is below min");
    for (std::size_t k = 0; k < i; ++k)
      if (t.indicators[k].code == x.code)
        v.add(p + "/code", errc::already_exists, "Mã chỉ tiêu bị lặp", "Duplicate indicator code");
  }
}

enum class report_round { first, second };
PBGDPL_ENUM_NAMES(report_round, {report_round::first, "first"}, {report_round::second, "second"});

inline std::string_view report_round_label_vi(report_round r) noexcept {
  return r == report_round::first ? "Đợt 1 (sau tổng kết năm học)" : "Đợt 2 (trước ngày 15 tháng 12)";
}

struct report_period {
  report_period_id id;
  int schema_version = model_schema_version;
  std::uint64_t version = 0;
  report_template_id template_id;
  school_year year;
  report_round round = report_round::first;
  date opens_on{};
  date due_on{};

  friend bool operator==(const report_period&, const report_period&) = default;
};

template <class V>
void describe(V& f, report_period& x) {
  using model_io::need;
  f("id", x.id, need::required);
  f.header(x.schema_version, x.version);
  f("template_id", x.template_id, need::required);
  f("year", x.year, need::required);
  f("round", x.round, need::required);
  f("opens_on", x.opens_on, need::required);
  f("due_on", x.due_on, need::required);
}
PBGDPL_MODEL_JSON(report_period)

// The plan's default deadlines. Round 1 follows the year's wrap-up: 30 June at the end of the
// school year. Round 2 is "before 15 December" each year: the December inside the school year.
// (An assumption the division can override per period.)
inline date default_due_on(school_year y, report_round r) noexcept {
  using namespace std::chrono;
  if (r == report_round::first) return date{year{y.start_year + 1}, June, day{30}};
  return date{year{y.start_year}, December, day{15}};
}

inline void validate(const report_period& p, validator& v) {
  rules::schema(v, p.schema_version);
  rules::known(v, p.round, "/round");
  rules::identifier(v, p.id, "/id", "Mã kỳ báo cáo", "Period id");
  rules::identifier(v, p.template_id, "/template_id", "Mẫu báo cáo", "Template");
  rules::not_before(v, p.due_on, p.opens_on, "/due_on", "Hạn nộp không được trước ngày mở",
                    "due_on must not be before opens_on");
}

enum class submission_state { draft, submitted, accepted, returned };
PBGDPL_ENUM_NAMES(submission_state, {submission_state::draft, "draft"}, {submission_state::submitted, "submitted"},
                  {submission_state::accepted, "accepted"}, {submission_state::returned, "returned"});

inline std::string_view submission_state_label_vi(submission_state s) noexcept {
  switch (s) {
    case submission_state::draft: return "Đang soạn";
    case submission_state::submitted: return "Đã gửi";
    case submission_state::accepted: return "Đã tiếp nhận";
    case submission_state::returned: return "Trả lại";
  }
  return {};
}

// One value: exactly one of number (number, percent), flag (boolean) or text is set.
struct indicator_value {
  std::string code;
  std::optional<double> number;
  std::optional<bool> flag;
  std::optional<std::string> text;
  std::string comment;
  friend bool operator==(const indicator_value&, const indicator_value&) = default;
};

template <class V>
void describe(V& f, indicator_value& x) {
  using model_io::need;
  f("code", x.code, need::required, model_io::short_text);
  f("number", x.number);
  f("flag", x.flag);
  f("text", x.text);
  f("comment", x.comment);
}
PBGDPL_MODEL_JSON(indicator_value)

struct report_submission {
  submission_id id;
  int schema_version = model_schema_version;
  std::uint64_t version = 0;
  report_template_id template_id;
  report_period_id period_id;
  unit_id unit;
  std::vector<indicator_value> values;
  submission_state state = submission_state::draft;
  std::optional<timestamp> submitted_at;
  std::optional<account_id> submitted_by;
  std::string review_note;  // why it was returned, or the reviewer's remark

  friend bool operator==(const report_submission&, const report_submission&) = default;
};

template <class V>
void describe(V& f, report_submission& x) {
  using model_io::need;
  f("id", x.id, need::required);
  f.header(x.schema_version, x.version);
  f("template_id", x.template_id, need::required);
  f("period_id", x.period_id, need::required);
  f("unit", x.unit, need::required);
  f("values", x.values);
  f("state", x.state, need::required);
  f("submitted_at", x.submitted_at);
  f("submitted_by", x.submitted_by);
  f("review_note", x.review_note);
}
PBGDPL_MODEL_JSON(report_submission)

inline const indicator_value* find_value(const report_submission& s, std::string_view code) noexcept {
  for (const auto& v : s.values)
    if (v.code == code) return &v;
  return nullptr;
}

// Shape only: each value has one kind of content, codes are unique, and a sent report says
// when and by whom. Checking against the template is validate_against().
inline void validate(const report_submission& s, validator& v) {
  rules::schema(v, s.schema_version);
  rules::known(v, s.state, "/state");
  rules::identifier(v, s.id, "/id", "Mã báo cáo", "Submission id");
  rules::identifier(v, s.template_id, "/template_id", "Mẫu báo cáo", "Template");
  rules::identifier(v, s.period_id, "/period_id", "Kỳ báo cáo", "Period");
  rules::identifier(v, s.unit, "/unit", "Đơn vị", "Unit");
  for (std::size_t i = 0; i < s.values.size(); ++i) {
    auto p = "/values/" + std::to_string(i);
    const auto& x = s.values[i];
    v.check(is_indicator_code(x.code), p + "/code", errc::invalid_argument, "Mã chỉ tiêu không hợp lệ",
            "Invalid indicator code");
    int set = (x.number ? 1 : 0) + (x.flag ? 1 : 0) + (x.text ? 1 : 0);
    v.check(set == 1, p, errc::invalid_argument, "Mỗi giá trị phải có đúng một trong number, flag, text",
            "Each value must have exactly one of number, flag, text");
    if (x.number)
      v.check(std::isfinite(*x.number), p + "/number", errc::out_of_range, "Giá trị số không hợp lệ",
              "The number is not finite");
    if (x.text) rules::long_text(v, *x.text, p + "/text", "Giá trị", "Value", false);
    rules::long_text(v, x.comment, p + "/comment", "Ghi chú", "Comment", false);
    for (std::size_t k = 0; k < i; ++k)
      if (s.values[k].code == x.code)
        v.add(p + "/code", errc::already_exists, "Chỉ tiêu bị lặp", "Duplicate indicator");
  }
  if (s.state != submission_state::draft) {
    v.check(s.submitted_at.has_value(), "/submitted_at", errc::missing_field, "Báo cáo đã gửi phải có thời điểm gửi",
            "A sent report needs submitted_at");
    v.check(s.submitted_by.has_value(), "/submitted_by", errc::missing_field, "Báo cáo đã gửi phải có người gửi",
            "A sent report needs submitted_by");
  }
  rules::identifier(v, s.submitted_by, "/submitted_by", "Người gửi", "Submitted by");
  rules::long_text(v, s.review_note, "/review_note", "Nhận xét", "Review note", s.state == submission_state::returned);
}

// Values against their template: known codes, the kind each indicator wants, bounds, and (once
// the report is sent) every required indicator present.
inline void validate_against(const report_submission& s, const report_template& t, validator& v) {
  if (s.template_id != t.id)
    v.add("/template_id", errc::invalid_argument, "Báo cáo không thuộc mẫu này", "The report is not of this template");
  for (std::size_t i = 0; i < s.values.size(); ++i) {
    auto p = "/values/" + std::to_string(i);
    const auto& x = s.values[i];
    const indicator* ind = find_indicator(t, x.code);
    if (!ind) {
      v.add(p + "/code", errc::not_found, "Chỉ tiêu \"" + x.code + "\" không có trong mẫu",
            "Indicator \"" + x.code + "\" is not in the template");
      continue;
    }
    switch (ind->kind) {
      case indicator_kind::number:
      case indicator_kind::percent: {
        if (!x.number) {
          v.add(p + "/number", errc::wrong_type, "Chỉ tiêu \"" + ind->label + "\" cần giá trị số",
                "Indicator \"" + x.code + "\" needs a number");
          break;
        }
        double lo = ind->kind == indicator_kind::percent ? 0.0 : ind->min.value_or(-1e300);
        double hi = ind->kind == indicator_kind::percent ? 100.0 : ind->max.value_or(1e300);
        if (ind->kind == indicator_kind::percent && ind->min) lo = *ind->min;
        if (ind->kind == indicator_kind::percent && ind->max) hi = *ind->max;
        v.check(*x.number >= lo && *x.number <= hi, p + "/number", errc::out_of_range,
                "Giá trị của \"" + ind->label + "\" nằm ngoài phạm vi cho phép",
                "The value of \"" + x.code + "\" is out of range");
        break;
      }
      case indicator_kind::boolean:
        v.check(x.flag.has_value(), p + "/flag", errc::wrong_type, "Chỉ tiêu \"" + ind->label + "\" cần có/không",
                "Indicator \"" + x.code + "\" needs a yes/no flag");
        break;
      case indicator_kind::text:
        v.check(x.text.has_value(), p + "/text", errc::wrong_type, "Chỉ tiêu \"" + ind->label + "\" cần văn bản",
                "Indicator \"" + x.code + "\" needs text");
        break;
    }
  }
  if (s.state != submission_state::draft)
    for (const auto& ind : t.indicators)
      if (ind.required && !find_value(s, ind.code))
        v.add("/values", errc::missing_field, "Thiếu chỉ tiêu bắt buộc \"" + ind.label + "\"",
              "Missing required indicator \"" + ind.code + "\"");
}

inline result<void> check_against(const report_submission& s, const report_template& t) {
  validator v;
  validate(s, v);
  validate_against(s, t, v);
  return v.to_result();
}

PBGDPL_NAMESPACE_END
