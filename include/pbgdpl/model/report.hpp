// The plan's yearly self-evaluation: a report template (indicators), report periods (two rounds
// each calendar year: round 1 after the school year's wrap-up, round 2 before 15 December) and
// each unit's submission of values, checked against the indicator kinds.
#pragma once
#include "common.hpp"

PBGDPL_NAMESPACE_BEGIN

enum class indicator_kind { number, percent, text, boolean };
PBGDPL_ENUM_NAMES(indicator_kind, {indicator_kind::number, "number"}, {indicator_kind::percent, "percent"},
                  {indicator_kind::text, "text"}, {indicator_kind::boolean, "boolean"});

// How an indicator adds up over units (DHIS2's aggregation types): numbers sum, percents average
// over the units that gave one, yes/no becomes the share of units saying yes, text keeps the last.
enum class aggregation_rule { sum, average, share_of_units, last };
PBGDPL_ENUM_NAMES(aggregation_rule, {aggregation_rule::sum, "sum"}, {aggregation_rule::average, "average"},
                  {aggregation_rule::share_of_units, "share_of_units"}, {aggregation_rule::last, "last"});

struct indicator {
  std::string code;  // stable key, [a-z0-9_]: "articles_posted"
  std::string label;  // Vietnamese
  std::string label_en;
  std::string description;
  indicator_kind kind = indicator_kind::number;
  bool required = true;
  std::optional<double> min, max;  // for number; percent is always 0..100
  std::string unit_label;           // "bài", "người"
  std::optional<aggregation_rule> aggregation;  // none: aggregation_of() gives the kind's default
  bool whole = false;               // whole numbers only (counts, amounts in VND)
  // Computed from the store when set: one of reports::indicator_sources()' keys
  // ("articles.published"); empty: typed by a person (budget, narrative, staff totals).
  std::string source;
  std::vector<std::string> breakdowns;  // "school_level": roll-ups split it by MN/TH/THCS
  std::optional<double> target;         // the plan's target (100 for "100% of schools"), for KPIs
  std::string task;                     // the plan's task it reports on ("1".."6", "narrative")
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
  f("aggregation", x.aggregation);
  f("whole", x.whole);
  f("source", x.source, need::optional, short_text);
  f("breakdowns", x.breakdowns, need::optional, short_text);
  f("target", x.target);
  f("task", x.task, need::optional, short_text);
}
PBGDPL_MODEL_DECLARE(indicator)

constexpr aggregation_rule default_aggregation(indicator_kind k) noexcept {
  switch (k) {
    case indicator_kind::number: return aggregation_rule::sum;
    case indicator_kind::percent: return aggregation_rule::average;
    case indicator_kind::boolean: return aggregation_rule::share_of_units;
    case indicator_kind::text: return aggregation_rule::last;
  }
  return aggregation_rule::last;
}
inline aggregation_rule aggregation_of(const indicator& i) noexcept {
  return i.aggregation.value_or(default_aggregation(i.kind));
}

// A check across indicators, DHIS2's validation rules: `left op right` (another indicator) or
// `left op value` (a constant), e.g. staff_trained <= staff_total. Blocking rules stop a
// submission; warnings are shown and kept.
enum class rule_op { lt, le, eq, ne, ge, gt };
PBGDPL_ENUM_NAMES(rule_op, {rule_op::lt, "lt"}, {rule_op::le, "le"}, {rule_op::eq, "eq"}, {rule_op::ne, "ne"},
                  {rule_op::ge, "ge"}, {rule_op::gt, "gt"});
enum class rule_severity { blocking, warning };
PBGDPL_ENUM_NAMES(rule_severity, {rule_severity::blocking, "blocking"}, {rule_severity::warning, "warning"});

struct validation_rule {
  std::string code;  // [a-z0-9_]
  std::string left;  // an indicator code (number or percent)
  rule_op op = rule_op::le;
  std::optional<std::string> right;  // another indicator, or
  std::optional<double> value;       // a constant: exactly one of the two
  rule_severity severity = rule_severity::blocking;
  std::string message, message_en;  // shown when the rule fails
  friend bool operator==(const validation_rule&, const validation_rule&) = default;
};

template <class V>
void describe(V& f, validation_rule& x) {
  using model_io::need;
  using model_io::short_text;
  f("code", x.code, need::required, short_text);
  f("left", x.left, need::required, short_text);
  f("op", x.op, need::required);
  f("right", x.right);
  f("value", x.value);
  f("severity", x.severity);
  f("message", x.message, need::optional, short_text);
  f("message_en", x.message_en, need::optional, short_text);
}
PBGDPL_MODEL_DECLARE(validation_rule)

struct report_template {
  report_template_id id;
  int schema_version = model_schema_version;
  std::uint64_t version = 0;
  std::string name;
  std::string plan_number;  // "19/KH-PGDĐT"
  std::optional<legal_document_id> plan;
  unit_id owner;  // the unit that collects: the education division
  std::vector<indicator> indicators;
  // Versions: the editions of one form share a family; a new edition is a new record (its own
  // id), so a report begun on edition 1 keeps edition 1's indicators.
  std::string family;
  std::uint32_t edition = 1;
  std::vector<validation_rule> rules;

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
  f("family", x.family, need::optional, short_text);
  f("edition", x.edition);
  f("rules", x.rules);
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
  // The days whose data the round reports (window_of() gives the default when absent).
  std::optional<date> covers_from, covers_to;
  std::optional<timestamp> locked_at;  // a locked period takes no submission and no change
  std::vector<int> reminder_days;      // days before due_on that reminders go out; empty: 7 and 1

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
  f("covers_from", x.covers_from);
  f("covers_to", x.covers_to);
  f("locked_at", x.locked_at);
  f("reminder_days", x.reminder_days);
}
PBGDPL_MODEL_DECLARE(report_period)

// The days a period reports on, both included: its covers_from/covers_to, or by default round 1
// of year Y the school year (Y-1)-Y, 1 September Y-1 to the due date, and round 2 of Y the
// calendar year, 1 January Y to the due date.
struct period_window {
  date from{}, to{};
  friend bool operator==(const period_window&, const period_window&) = default;
};
inline period_window window_of(const report_period& p) noexcept {
  using namespace std::chrono;
  date from = p.round == report_round::first ? date{year{p.calendar_year - 1}, September, day{1}}
                                             : date{year{p.calendar_year}, January, day{1}};
  return {p.covers_from.value_or(from), p.covers_to.value_or(p.due_on)};
}
inline std::vector<int> reminder_days_of(const report_period& p) {
  return p.reminder_days.empty() ? std::vector<int>{7, 1} : p.reminder_days;
}

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

// draft → submitted (signed by the unit's approver) → accepted (approved and signed by the unit
// above: locked) ; returned reopens it, only from above; excused: the unit above let a unit off
// the round (no values), so it counts as done without counting in the totals.
enum class submission_state { draft, submitted, accepted, returned, excused };
PBGDPL_ENUM_NAMES(submission_state, {submission_state::draft, "draft"}, {submission_state::submitted, "submitted"},
                  {submission_state::accepted, "accepted"}, {submission_state::returned, "returned"},
                  {submission_state::excused, "excused"});

PBGDPL_ENUM_LABELS(submission_state,
                   {submission_state::draft, "Đang soạn", "Being drafted"},
                   {submission_state::submitted, "Đã gửi", "Sent"},
                   {submission_state::accepted, "Đã phê duyệt", "Approved"},
                   {submission_state::returned, "Trả lại", "Returned"},
                   {submission_state::excused, "Được miễn", "Excused"});
inline std::string_view submission_state_label_vi(submission_state x) noexcept { return label_vi(x); }

// One value: exactly one of number (number, percent), flag (boolean) or text is set.
struct indicator_value {
  std::string code;
  std::optional<double> number;
  std::optional<bool> flag;
  std::optional<std::string> text;
  std::string comment;
  // What the store's data gave when last computed (an indicator with a source); a value that
  // differs is an override and needs a justification. Both are kept.
  std::optional<double> computed_number;
  std::optional<bool> computed_flag;
  std::string justification;
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
  f("computed_number", x.computed_number);
  f("computed_flag", x.computed_flag);
  f("justification", x.justification);
}
PBGDPL_MODEL_DECLARE(indicator_value)

// Whether a value overrides what the store computed (and so needs a justification).
inline bool is_override(const indicator_value& v) noexcept {
  if (v.computed_number) return !v.number || *v.number != *v.computed_number;
  if (v.computed_flag) return !v.flag || *v.flag != *v.computed_flag;
  return false;
}

// One step of a report's life, appended and never edited: the audit trail.
struct submission_event {
  std::string action;  // "create", "save", "refresh", "submit", "approve", "return", "excuse"
  submission_state from = submission_state::draft;
  submission_state to = submission_state::draft;
  account_id by;
  timestamp at{};
  std::string note;
  friend bool operator==(const submission_event&, const submission_event&) = default;
};

template <class V>
void describe(V& f, submission_event& x) {
  using model_io::need;
  f("action", x.action, need::required, model_io::short_text);
  f("from", x.from, need::required);
  f("to", x.to, need::required);
  f("by", x.by, need::required);
  f("at", x.at, need::required);
  f("note", x.note);
}
PBGDPL_MODEL_DECLARE(submission_event)

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
  std::uint32_t template_edition = 1;
  // The submitter's minisign signature over reports::signed_payload(), and its key id; the
  // approver's over the same and the approval.
  std::string signature, signer_key;
  std::optional<timestamp> approved_at;
  std::optional<account_id> approved_by;
  std::string approval_signature, approver_key;
  std::vector<submission_event> history;

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
  f("template_edition", x.template_edition);
  f("signature", x.signature);
  f("signer_key", x.signer_key, need::optional, model_io::short_text);
  f("approved_at", x.approved_at);
  f("approved_by", x.approved_by);
  f("approval_signature", x.approval_signature);
  f("approver_key", x.approver_key, need::optional, model_io::short_text);
  f("history", x.history);
}
PBGDPL_MODEL_DECLARE(report_submission)

using report_reminder_id = id<struct report_reminder_tag>;

// A reminder sent for a period to a unit, so many days before the due date: one per (period,
// unit, day), id "<period>.<unit>.<days>", so that sending again is a no-op.
struct report_reminder {
  report_reminder_id id;
  int schema_version = model_schema_version;
  std::uint64_t version = 0;
  report_period_id period;
  unit_id unit;
  int days_before = 0;
  timestamp sent_at{};
  std::string channel = "webhook";

  friend bool operator==(const report_reminder&, const report_reminder&) = default;
};

template <class V>
void describe(V& f, report_reminder& x) {
  using model_io::need;
  model_io::head(f, x);
  f("period", x.period, need::required);
  f("unit", x.unit, need::required);
  f("days_before", x.days_before);
  f("sent_at", x.sent_at, need::required);
  f("channel", x.channel, need::optional, model_io::short_text);
}
PBGDPL_MODEL_DECLARE(report_reminder)

PBGDPL_DECL void validate(const report_reminder& r, validator& v);

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
PBGDPL_MODEL_EXTERN(report_reminder)

PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/report.ipp"
#endif
