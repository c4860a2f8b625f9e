// Bodies of model/report.hpp (JSON codecs and validation): compiled once into the core tier
// (src/core/model.cpp), or included by the header in header-only builds.
#pragma once
#include "../report.hpp"

#include <cmath>

PBGDPL_NAMESPACE_BEGIN

PBGDPL_MODEL_DEFINE(indicator)

PBGDPL_MODEL_DEFINE(validation_rule)

PBGDPL_MODEL_DEFINE(report_template)

PBGDPL_DECL void validate(const report_template& t, validator& v) {
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
    rules::unique_at(v, t.indicators, i, &indicator::code, p + "/code", "Mã chỉ tiêu bị lặp",
                     "Duplicate indicator code");
    if (x.aggregation) rules::known(v, *x.aggregation, p + "/aggregation");
    if (x.whole && !numeric)
      v.add(p + "/whole", errc::invalid_argument, "Chỉ tiêu không phải số thì không có \"số nguyên\"",
            "Only numeric indicators can be whole");
    rules::text(v, x.source, p + "/source", "Nguồn dữ liệu", "Source", false);
    for (std::size_t b = 0; b < x.breakdowns.size(); ++b)
      v.check(x.breakdowns[b] == "school_level", p + "/breakdowns/" + std::to_string(b), errc::invalid_argument,
              "Chỉ hỗ trợ phân tổ theo cấp học (school_level)", "Only the school_level breakdown is known");
    if (x.target)
      v.check(std::isfinite(*x.target), p + "/target", errc::out_of_range, "Chỉ tiêu kế hoạch không hợp lệ",
              "The target is not a finite number");
    rules::text(v, x.task, p + "/task", "Nhiệm vụ", "Task", false);
  }
  v.check(t.edition >= 1, "/edition", errc::out_of_range, "Phiên bản mẫu bắt đầu từ 1", "Editions start at 1");
  rules::text(v, t.family, "/family", "Họ mẫu báo cáo", "Template family", false);
  v.check(t.rules.size() <= 256, "/rules", errc::too_large, "Quá nhiều quy tắc kiểm tra", "Too many validation rules");
  for (std::size_t i = 0; i < t.rules.size(); ++i) {
    auto p = "/rules/" + std::to_string(i);
    const auto& r = t.rules[i];
    rules::known(v, r.op, p + "/op");
    rules::known(v, r.severity, p + "/severity");
    v.check(is_indicator_code(r.code), p + "/code", errc::invalid_argument, "Mã quy tắc không hợp lệ",
            "Invalid rule code");
    rules::unique_at(v, t.rules, i, &validation_rule::code, p + "/code", "Mã quy tắc bị lặp", "Duplicate rule code");
    auto numeric_indicator = [&](const std::string& code) {
      const indicator* ind = find_indicator(t, code);
      return ind && (ind->kind == indicator_kind::number || ind->kind == indicator_kind::percent);
    };
    v.check(numeric_indicator(r.left), p + "/left", errc::not_found, "Quy tắc phải so sánh một chỉ tiêu số của mẫu",
            "A rule compares a numeric indicator of the template");
    v.check(r.right.has_value() != r.value.has_value(), p, errc::invalid_argument,
            "Quy tắc so sánh với đúng một trong: chỉ tiêu khác (right) hoặc hằng số (value)",
            "A rule compares with exactly one of another indicator (right) or a constant (value)");
    if (r.right)
      v.check(numeric_indicator(*r.right), p + "/right", errc::not_found,
              "Quy tắc phải so sánh với một chỉ tiêu số của mẫu", "A rule compares with a numeric indicator of the template");
    if (r.value)
      v.check(std::isfinite(*r.value), p + "/value", errc::out_of_range, "Hằng số không hợp lệ",
              "The constant is not a finite number");
    rules::text(v, r.message, p + "/message", "Thông báo", "Message", false);
    rules::text(v, r.message_en, p + "/message_en", "Thông báo tiếng Anh", "English message", false);
  }
}

PBGDPL_DECL void to_json(json& j, const report_period& x) {
  j = json::object();
  model_io::writer w{j};
  describe(w, const_cast<report_period&>(x));
}

PBGDPL_DECL void from_json(const json& j, report_period& x) {
  model_io::reader r{j};
  report_period fresh{};
  describe(r, fresh);
  auto given = [&](std::string_view k) {
    auto it = j.find(k);
    return it != j.end() && !it->is_null();
  };
  if (!given("calendar_year")) {
    // Written before periods were keyed on the calendar year: the school year and the round say
    // which year it is ("2023-2024" round 2 was December 2023, round 1 June 2024).
    if (!given("year"))
      throw exception(error(errc::missing_field, "/calendar_year", "Thiếu thông tin bắt buộc \"calendar_year\"",
                            "Missing required field \"calendar_year\""));
    fresh.calendar_year = round_calendar_year(fresh.year, fresh.round);
  } else if (!given("year")) {
    fresh.year = round_school_year(fresh.calendar_year, fresh.round);
  }
  x = std::move(fresh);
}

PBGDPL_DECL std::string report_period_label_vi(const report_period& p) {
  auto y = std::to_string(p.calendar_year);
  if (p.round == report_round::first)
    return "Đợt 1 năm " + y + " (sau tổng kết năm học " + round_school_year(p.calendar_year, p.round).name() + ")";
  return "Đợt 2 năm " + y + " (trước ngày 15 tháng 12 năm " + y + ")";
}

PBGDPL_DECL std::string report_period_label_en(const report_period& p) {
  auto y = std::to_string(p.calendar_year);
  if (p.round == report_round::first)
    return "Round 1 of " + y + " (after the wrap-up of the " + round_school_year(p.calendar_year, p.round).name() +
           " school year)";
  return "Round 2 of " + y + " (before 15 December " + y + ")";
}

PBGDPL_DECL void validate(const report_period& p, validator& v) {
  rules::schema(v, p.schema_version);
  rules::known(v, p.round, "/round");
  rules::identifier(v, p.id, "/id", "Mã kỳ báo cáo", "Period id");
  rules::identifier(v, p.template_id, "/template_id", "Mẫu báo cáo", "Template");
  v.check(p.calendar_year >= 1 && p.calendar_year <= 9999, "/calendar_year", errc::out_of_range,
          "Năm báo cáo không hợp lệ", "Invalid calendar year");
  v.check(p.year == round_school_year(p.calendar_year, p.round), "/year", errc::invalid_argument,
          "Năm học không khớp với đợt và năm báo cáo (đợt 1: năm học vừa tổng kết; đợt 2: năm học đang diễn ra)",
          "The school year does not match the round and year (round 1: the year just wrapped up; round 2: "
          "the year under way)");
  v.check(static_cast<int>(p.due_on.year()) == p.calendar_year, "/due_on", errc::out_of_range,
          "Hạn nộp phải trong năm của đợt báo cáo", "due_on must fall in the period's calendar year");
  rules::not_before(v, p.due_on, p.opens_on, "/due_on", "Hạn nộp không được trước ngày mở",
                    "due_on must not be before opens_on");
  const auto w = window_of(p);
  rules::not_before(v, w.to, w.from, "/covers_to", "Ngày cuối kỳ số liệu không được trước ngày đầu",
                    "covers_to must not be before covers_from");
  v.check(p.reminder_days.size() <= 16, "/reminder_days", errc::too_large, "Quá nhiều ngày nhắc hạn",
          "Too many reminder days");
  for (std::size_t i = 0; i < p.reminder_days.size(); ++i)
    v.check(p.reminder_days[i] >= 0 && p.reminder_days[i] <= 366, "/reminder_days/" + std::to_string(i),
            errc::out_of_range, "Ngày nhắc hạn phải từ 0 đến 366 ngày trước hạn",
            "A reminder is 0 to 366 days before the due date");
}

PBGDPL_MODEL_DEFINE(indicator_value)

PBGDPL_MODEL_DEFINE(submission_event)

PBGDPL_MODEL_DEFINE(report_submission)

PBGDPL_MODEL_DEFINE(report_reminder)

PBGDPL_DECL void validate(const report_reminder& r, validator& v) {
  rules::schema(v, r.schema_version);
  rules::identifier(v, r.id, "/id", "Mã nhắc hạn", "Reminder id");
  rules::identifier(v, r.period, "/period", "Kỳ báo cáo", "Period");
  rules::identifier(v, r.unit, "/unit", "Đơn vị", "Unit");
  v.check(r.days_before >= 0 && r.days_before <= 366, "/days_before", errc::out_of_range,
          "Ngày nhắc hạn phải từ 0 đến 366 ngày trước hạn", "A reminder is 0 to 366 days before the due date");
  rules::text(v, r.channel, "/channel", "Kênh", "Channel", false);
}

PBGDPL_DECL void validate(const report_submission& s, validator& v) {
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
    if (x.computed_number)
      v.check(std::isfinite(*x.computed_number), p + "/computed_number", errc::out_of_range,
              "Giá trị tính được không hợp lệ", "The computed number is not finite");
    rules::long_text(v, x.justification, p + "/justification", "Lý do điều chỉnh", "Justification", false);
    rules::unique_at(v, s.values, i, &indicator_value::code, p + "/code", "Chỉ tiêu bị lặp", "Duplicate indicator");
  }
  if (s.state == submission_state::submitted || s.state == submission_state::accepted ||
      s.state == submission_state::returned) {
    v.check(s.submitted_at.has_value(), "/submitted_at", errc::missing_field, "Báo cáo đã gửi phải có thời điểm gửi",
            "A sent report needs submitted_at");
    v.check(s.submitted_by.has_value(), "/submitted_by", errc::missing_field, "Báo cáo đã gửi phải có người gửi",
            "A sent report needs submitted_by");
  }
  rules::identifier(v, s.submitted_by, "/submitted_by", "Người gửi", "Submitted by");
  rules::long_text(v, s.review_note, "/review_note", "Nhận xét", "Review note", s.state == submission_state::returned);
  v.check(s.history.size() <= 10000, "/history", errc::too_large, "Lịch sử báo cáo quá dài", "History too long");
  for (std::size_t i = 0; i < s.history.size(); ++i) {
    auto p = "/history/" + std::to_string(i);
    rules::known(v, s.history[i].from, p + "/from");
    rules::known(v, s.history[i].to, p + "/to");
    rules::long_text(v, s.history[i].note, p + "/note", "Ghi chú", "Note", false);
  }
  if (s.state == submission_state::accepted) {
    v.check(s.approved_at.has_value(), "/approved_at", errc::missing_field, "Báo cáo đã phê duyệt phải có thời điểm duyệt",
            "An approved report needs approved_at");
    v.check(s.approved_by.has_value(), "/approved_by", errc::missing_field, "Báo cáo đã phê duyệt phải có người duyệt",
            "An approved report needs approved_by");
  }
}

PBGDPL_DECL void validate_against(const report_submission& s, const report_template& t, validator& v) {
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
    if (is_override(x) && x.justification.empty())
      v.add(p + "/justification", errc::missing_field,
            "Giá trị của \"" + ind->label + "\" khác số liệu tự tính: cần nêu lý do điều chỉnh",
            "The value of \"" + x.code + "\" differs from the computed one: a justification is required");
    switch (ind->kind) {
      case indicator_kind::number:
      case indicator_kind::percent: {
        if (!x.number) {
          v.add(p + "/number", errc::wrong_type, "Chỉ tiêu \"" + ind->label + "\" cần giá trị số",
                "Indicator \"" + x.code + "\" needs a number");
          break;
        }
        if (ind->whole && *x.number != std::floor(*x.number))
          v.add(p + "/number", errc::wrong_type, "Chỉ tiêu \"" + ind->label + "\" cần số nguyên",
                "Indicator \"" + x.code + "\" needs a whole number");
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
  if (s.state != submission_state::draft && s.state != submission_state::excused)
    for (const auto& ind : t.indicators)
      if (ind.required && !find_value(s, ind.code))
        v.add("/values", errc::missing_field, "Thiếu chỉ tiêu bắt buộc \"" + ind.label + "\"",
              "Missing required indicator \"" + ind.code + "\"");
}

PBGDPL_DECL result<void> check_against(const report_submission& s, const report_template& t) {
  validator v;
  validate(s, v);
  validate_against(s, t, v);
  return v.to_result();
}

#if !defined(PBGDPL_HEADER_ONLY)
PBGDPL_MODEL_INSTANTIATE(report_template)
PBGDPL_MODEL_INSTANTIATE(report_period)
PBGDPL_MODEL_INSTANTIATE(report_submission)
PBGDPL_MODEL_INSTANTIATE(report_reminder)
#endif

PBGDPL_NAMESPACE_END
