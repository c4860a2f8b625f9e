// The plan's yearly self-evaluation: a report template (indicators), report periods (two rounds
// each calendar year: round 1 after the school year's wrap-up, round 2 before 15 December) and
// each unit's submission of values, checked against the indicator kinds.
#pragma once
#include "common.hpp"

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
PBGDPL_MODEL_DECLARE(indicator)

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
  model_io::head(f, x);
  f("name", x.name, need::required, short_text);
  f("plan_number", x.plan_number, need::optional, short_text);
  f("plan", x.plan);
  f("owner", x.owner, need::required);
  f("indicators", x.indicators, need::required);
}
PBGDPL_MODEL_DECLARE(report_template)

inline const indicator* find_indicator(const report_template& t, std::string_view code) noexcept {
  return detail::find_by(t.indicators, &indicator::code, code);
}

inline bool is_indicator_code(std::string_view s) noexcept {
  if (s.empty() || s.size() > 64 || (s[0] >= '0' && s[0] <= '9')) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

PBGDPL_DECL void validate(const report_template& t, validator& v);

enum class report_round { first, second };
PBGDPL_ENUM_NAMES(report_round, {report_round::first, "first"}, {report_round::second, "second"});

PBGDPL_ENUM_LABELS(report_round,
                   {report_round::first, "Đợt 1 (sau tổng kết năm học)", "Round 1 (after the year's wrap-up)"},
                   {report_round::second, "Đợt 2 (trước ngày 15 tháng 12)", "Round 2 (before 15 December)"});
inline std::string_view report_round_label_vi(report_round x) noexcept { return label_vi(x); }

// The plan asks for its evaluation "hằng năm" (19/KH-PGDĐT IV: "đợt 1 sau khi tổng kết mỗi năm
// học; đợt 2: trước ngày 15 tháng 12 hằng năm"), so a period is keyed on the calendar year:
// round 1 of year Y follows the wrap-up of school year (Y-1)-Y, round 2 of Y is due before
// 15 December of Y. Periods sort in calendar order (calendar_before) and say so in their labels.
struct report_period {
  report_period_id id;
  int schema_version = model_schema_version;
  std::uint64_t version = 0;
  report_template_id template_id;
  int calendar_year = 2024;  // the key, with the round
  report_round round = report_round::first;
  // The round's school year: the one wrapped up (round 1), the one under way in December (round
  // 2). Follows from calendar_year and round (checked); records from before calendar_year named
  // only this, and decode with the calendar year derived from it.
  school_year year{2023};
  date opens_on{};
  date due_on{};

  friend bool operator==(const report_period&, const report_period&) = default;
};

template <class V>
void describe(V& f, report_period& x) {
  using model_io::need;
  model_io::head(f, x);
  f("template_id", x.template_id, need::required);
  f("calendar_year", x.calendar_year);  // either this or year, see from_json
  f("round", x.round, need::required);
  f("year", x.year);
  f("opens_on", x.opens_on, need::required);
  f("due_on", x.due_on, need::required);
}
PBGDPL_MODEL_DECLARE(report_period)

// The school year a round of a calendar year belongs to, and back.
inline school_year round_school_year(int calendar_year, report_round r) noexcept {
  return {r == report_round::first ? calendar_year - 1 : calendar_year};
}
inline int round_calendar_year(school_year y, report_round r) noexcept {
  return r == report_round::first ? y.start_year + 1 : y.start_year;
}

// The plan's default deadlines: round 1 follows the wrap-up, 30 June of the year (an assumption
// the division can override per period); round 2 is 15 December of the year.
inline date default_due_on(int calendar_year, report_round r) noexcept {
  using namespace std::chrono;
  if (r == report_round::first) return date{year{calendar_year}, June, day{30}};
  return date{year{calendar_year}, December, day{15}};
}
// The same, named by the round's school year (round_school_year).
inline date default_due_on(school_year y, report_round r) noexcept {
  return default_due_on(round_calendar_year(y, r), r);
}

// Calendar order: by year, round 1 (mid-year) before round 2 (December); then template and id,
// so that sorting is deterministic.
inline bool calendar_before(const report_period& a, const report_period& b) noexcept {
  if (a.calendar_year != b.calendar_year) return a.calendar_year < b.calendar_year;
  if (a.round != b.round) return a.round < b.round;
  if (a.template_id != b.template_id) return a.template_id.value < b.template_id.value;
  return a.id.value < b.id.value;
}

// "Đợt 1 năm 2024 (sau tổng kết năm học 2023-2024)", "Đợt 2 năm 2024 (trước ngày 15 tháng 12 năm
// 2024)"; English likewise. The plan's deadline, not the period's own due_on.
PBGDPL_DECL std::string report_period_label_vi(const report_period& p);
PBGDPL_DECL std::string report_period_label_en(const report_period& p);

PBGDPL_DECL void validate(const report_period& p, validator& v);

enum class submission_state { draft, submitted, accepted, returned };
PBGDPL_ENUM_NAMES(submission_state, {submission_state::draft, "draft"}, {submission_state::submitted, "submitted"},
                  {submission_state::accepted, "accepted"}, {submission_state::returned, "returned"});

PBGDPL_ENUM_LABELS(submission_state,
                   {submission_state::draft, "Đang soạn", "Being drafted"},
                   {submission_state::submitted, "Đã gửi", "Sent"},
                   {submission_state::accepted, "Đã tiếp nhận", "Accepted"},
                   {submission_state::returned, "Trả lại", "Returned"});
inline std::string_view submission_state_label_vi(submission_state x) noexcept { return label_vi(x); }

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
PBGDPL_MODEL_DECLARE(indicator_value)

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
  model_io::head(f, x);
  f("template_id", x.template_id, need::required);
  f("period_id", x.period_id, need::required);
  f("unit", x.unit, need::required);
  f("values", x.values);
  f("state", x.state, need::required);
  f("submitted_at", x.submitted_at);
  f("submitted_by", x.submitted_by);
  f("review_note", x.review_note);
}
PBGDPL_MODEL_DECLARE(report_submission)

inline const indicator_value* find_value(const report_submission& s, std::string_view code) noexcept {
  return detail::find_by(s.values, &indicator_value::code, code);
}

// Shape only: each value has one kind of content, codes are unique, and a sent report says
// when and by whom. Checking against the template is validate_against().
PBGDPL_DECL void validate(const report_submission& s, validator& v);

// Values against their template: known codes, the kind each indicator wants, bounds, and (once
// the report is sent) every required indicator present.
PBGDPL_DECL void validate_against(const report_submission& s, const report_template& t, validator& v);

PBGDPL_DECL result<void> check_against(const report_submission& s, const report_template& t);

// Compiled mode: decoding, encoding and checking these is instantiated once, in the library.
PBGDPL_MODEL_EXTERN(report_template)
PBGDPL_MODEL_EXTERN(report_period)
PBGDPL_MODEL_EXTERN(report_submission)

PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/report.ipp"
#endif
