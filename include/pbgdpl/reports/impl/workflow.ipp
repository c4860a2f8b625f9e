// Definitions for reports/workflow.hpp (inline in header-only mode, compiled once from
// src/reports/workflow.cpp).
#pragma once
#include "../workflow.hpp"

#include "../indicators.hpp"
#include "../validation.hpp"

#include "../../model/credential.hpp"
#include "../../model/unit_directory.hpp"
#include "../../trust/approval.hpp"
#include "../../trust/hash.hpp"
#include "../../trust/permissions.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>

PBGDPL_NAMESPACE_BEGIN
namespace reports {

namespace detail {

inline error refused(errc c, std::string vi, std::string en, std::string path = {}) {
  return error(c, std::move(path), std::move(vi), std::move(en));
}

// Several problems as one validation error: the first one's path and words, all in details.
inline error validation_error(const validator& v) {
  const auto& first = v.problems().front();
  error e(errc::validation_failed, first.path, first.message_vi, first.message_en);
  e.details = v.problems();
  return e;
}

// A bound as people write it: "0", "100", "0.5".
inline std::string number_text(double x) {
  if (x == std::floor(x) && std::fabs(x) < 1e15) return std::to_string(static_cast<long long>(x));
  return json(x).dump();
}

inline bool blank(std::string_view s) noexcept {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

// Whether an entered value differs from what the store computed: the model's one rule.
inline bool overrides(const indicator_value& v) noexcept { return is_override(v); }

// The period, the template edition and the hierarchy on the period's due date: the units that
// received the reports then, and whose grants count.
struct round_context {
  report_period period;
  report_template tmpl;
  unit_directory tree;
};

inline result<round_context> load_round(store::store& db, const report_period_id& pid,
                                        const std::optional<report_template_id>& tid = std::nullopt) {
  auto p = db.get<report_period>(pid.value);
  if (!p) {
    if (p.err().code == errc::not_found)
      return refused(errc::not_found, "Không có kỳ báo cáo " + pid.value, "No report period " + pid.value, "/period_id");
    return p.err();
  }
  auto t = db.get<report_template>((tid ? *tid : p->template_id).value);
  if (!t) {
    if (t.err().code == errc::not_found)
      return refused(errc::not_found, "Không có mẫu báo cáo " + (tid ? *tid : p->template_id).value,
                     "No report template " + (tid ? *tid : p->template_id).value, "/template_id");
    return t.err();
  }
  auto tree = db.hierarchy_at(p->due_on);
  if (!tree) return tree.err();
  return round_context{std::move(*p), std::move(*t), std::move(*tree)};
}

inline std::string due_text_vi(const report_period& p) { return format_vietnamese_date(p.due_on); }
inline std::string due_text_en(const report_period& p) { return format_date(p.due_on); }

// A locked period takes no submission and no change.
inline result<void> not_locked(const report_period& p, timestamp now) {
  if (p.locked_at && *p.locked_at <= now)
    return refused(errc::conflict,
                   "Kỳ báo cáo " + report_period_label_vi(p) + " đã khóa từ " + format_timestamp(*p.locked_at) +
                       ": không nhận báo cáo hay thay đổi nào nữa",
                   "The period " + report_period_label_en(p) + " was locked at " + format_timestamp(*p.locked_at) +
                       ": it takes no report and no change",
                   "/period_id");
  return {};
}

// The unit must exist and be open on the period's due date (the hierarchy of that day).
inline result<const unit*> open_unit(const round_context& c, const unit_id& u) {
  const unit* x = c.tree.find(u);
  if (!x)
    return refused(errc::not_found,
                   "Đơn vị " + u.value + " không có trong cây đơn vị " + due_text_vi(c.period) +
                       " (chưa thành lập hoặc không tồn tại)",
                   "Unit " + u.value + " is not on the unit tree of " + due_text_en(c.period) +
                       " (not yet opened, or unknown)",
                   "/unit");
  if (c.tree.ended(u.value))
    return refused(errc::conflict,
                   "Đơn vị " + x->name + " đã kết thúc hoạt động trước hạn nộp " + due_text_vi(c.period) +
                       ": không có báo cáo của đơn vị này trong kỳ",
                   "Unit " + u.value + " had closed before the due date " + due_text_en(c.period) +
                       ": no report is expected from it this round",
                   "/unit");
  return x;
}

inline std::string who_name(const actor& a) { return a.who.username.empty() ? a.who.id.value : a.who.username; }

// Filling in and sending: submit_report at the unit, on the due date's tree.
inline result<void> may_fill(const actor& a, const unit_id& u, const unit_directory& tree) {
  return trust::require(a.who, trust::action::submit_report, u, tree);
}

// Signing what is sent: an approver role (the school head, the division's approver) whose grant
// allows submit_report at the unit. An editor prepares the draft; the head signs it.
inline result<void> may_sign(const actor& a, const unit_id& u, const unit_directory& tree) {
  if (auto r = may_fill(a, u, tree); !r) return r;
  for (const auto& g : a.who.grants)
    if (is_approver_role(g.r) && trust::allowed(g, trust::action::submit_report, u, tree)) return {};
  return refused(errc::permission_denied,
                 "Tài khoản " + who_name(a) + " không có quyền ký gửi báo cáo của " + u.value +
                     ": cần vai trò người duyệt của đơn vị (hiệu trưởng, lãnh đạo phòng)",
                 "Account " + who_name(a) + " may not sign and send the report of " + u.value +
                     ": that takes the unit's approver role (the school head, the office's approver)");
}

// Reviewing (accept, return, excuse): review_report at the unit, from a grant held at the unit
// directly above it on the due date's tree (the division until 30 June 2025, the ward's office
// since), or a city official's. A school's own people never review their own report.
inline result<void> may_review(const actor& a, const unit_id& u, const round_context& c) {
  if (a.who.disabled)
    return refused(errc::permission_denied, "Tài khoản " + who_name(a) + " đã bị khóa", "Account " + who_name(a) + " is disabled");
  const unit* parent = c.tree.parent(u.value);
  for (const auto& g : a.who.grants) {
    if (g.unit == u) continue;  // nobody reviews from inside the unit itself
    if (!trust::allowed(g, trust::action::review_report, u, c.tree)) continue;
    if (g.r == role::city_official || (parent && g.unit == parent->id)) return {};
  }
  const std::string above = parent ? parent->name : std::string("—");
  const std::string above_id = parent ? parent->id.value : std::string("—");
  return refused(errc::permission_denied,
                 "Tài khoản " + who_name(a) + " không có quyền duyệt báo cáo của " + u.value +
                     ": cần quyền duyệt tại đơn vị cấp trên trực tiếp (" + above + ") theo cây đơn vị " +
                     due_text_vi(c.period) + ", hoặc cán bộ Thành phố",
                 "Account " + who_name(a) + " may not review the report of " + u.value +
                     ": that takes a reviewer at the unit directly above it (" + above_id + ") on the tree of " +
                     due_text_en(c.period) + ", or a city official");
}

// The signing key must be the account's own approval key, when the caller says which that is.
inline result<void> key_matches(const actor& a, const trust::secret_key& key) {
  if (a.public_key.empty()) return {};
  auto pk = trust::public_key::parse(a.public_key);
  if (!pk)
    return refused(errc::bad_key, "Khóa công khai của tài khoản " + who_name(a) + " không đọc được",
                   "The public key of account " + who_name(a) + " cannot be read");
  if (!(*pk == key.public_part()))
    return refused(errc::unknown_key,
                   "Khóa ký " + key.id().hex() + " không phải khóa duyệt của tài khoản " + who_name(a) + " (" +
                       pk->id.hex() + ")",
                   "Signing key " + key.id().hex() + " is not the approval key of account " + who_name(a) + " (" +
                       pk->id.hex() + ")");
  return {};
}

inline result<report_submission> load_submission(store::store& db, const submission_id& id) {
  auto s = db.get<report_submission>(id.value);
  if (!s && s.err().code == errc::not_found)
    return refused(errc::not_found, "Không có báo cáo " + id.value, "No report " + id.value, "/id");
  return s;
}

// The unit's report for the period: by its id, or, for a record stored under another id (the
// demo's 2023 report, an import), by the store's index of period and unit. One per unit and round.
inline result<std::optional<report_submission>> find_report(store::store& db, const report_period_id& period,
                                                            const unit_id& unit) {
  auto r = db.get<report_submission>(submission_id_for(period, unit).value);
  if (r) return std::optional<report_submission>(std::move(*r));
  if (r.err().code != errc::not_found) return r.err();
  store::list_query q;
  q.where.category = period.value;
  q.where.with_unit(unit, false);
  q.limit = 10;
  auto p = db.list<report_submission>(q);
  if (!p) return p.err();
  for (auto& x : p->items)
    if (x.period_id == period && x.unit == unit) return std::optional<report_submission>(std::move(x));
  return std::optional<report_submission>{};
}

inline void record(report_submission& s, std::string action, submission_state from, const actor& a, timestamp now,
                   std::string note = {}) {
  // Saves and refreshes in a row by one person are one event (its time the latest): the audit
  // trail keeps who changed the state and when, and stays bounded however often a form is saved.
  if ((action == "save" || action == "refresh") && note.empty() && !s.history.empty()) {
    auto& last = s.history.back();
    if (last.action == action && last.by == a.who.id && last.from == from && last.to == s.state && last.note.empty()) {
      last.at = now;
      return;
    }
  }
  submission_event e;
  e.action = std::move(action);
  e.from = from;
  e.to = s.state;
  e.by = a.who.id;
  e.at = now;
  e.note = std::move(note);
  s.history.push_back(std::move(e));
}

inline result<report_submission> write(store::store& db, report_submission s, const actor& a) {
  return db.update(std::move(s), a.who.id.value);
}

inline std::string state_vi(submission_state s) { return std::string(label_vi(s)); }
inline std::string state_en(submission_state s) { return std::string(label_en(s)); }

inline error wrong_state(const report_submission& s, std::string_view doing_vi, std::string_view doing_en) {
  return refused(errc::conflict,
                 "Báo cáo " + s.id.value + " đang ở trạng thái \"" + state_vi(s.state) + "\": không thể " +
                     std::string(doing_vi),
                 "Report " + s.id.value + " is " + state_en(s.state) + ": cannot " + std::string(doing_en), "/state");
}

inline bool editable(submission_state s) noexcept {
  return s == submission_state::draft || s == submission_state::returned;
}

// Values computed from the store for the unit over the period's window, as the report keeps
// them: the entered figure starts as the computed one. A source with nothing to say (no
// compliance check in the window) gives a value with neither: the person fills it in.
inline result<std::vector<indicator_value>> computed_values(store::store& db, const report_template& t,
                                                            const report_period& p, const unit_id& u) {
  auto cs = compute_indicators(db, t, p, u);
  if (!cs) return cs.err();
  std::vector<indicator_value> out;
  out.reserve(cs->size());
  for (auto& c : *cs) {
    indicator_value v;
    v.code = std::move(c.code);
    v.number = v.computed_number = c.number;
    v.flag = v.computed_flag = c.flag;
    out.push_back(std::move(v));
  }
  return out;
}

inline bool silent(const indicator_value& v) noexcept { return !v.computed_number && !v.computed_flag; }

// Keeps values in the template's order, unknown codes last.
inline void template_order(std::vector<indicator_value>& vs, const report_template& t) {
  std::unordered_map<std::string_view, std::size_t> pos;
  for (std::size_t i = 0; i < t.indicators.size(); ++i) pos.emplace(t.indicators[i].code, i);
  auto at = [&](const indicator_value& v) {
    auto it = pos.find(v.code);
    return it == pos.end() ? t.indicators.size() : it->second;
  };
  std::stable_sort(vs.begin(), vs.end(), [&](const auto& a, const auto& b) { return at(a) < at(b); });
}

// One value a person sent, against its indicator: the kind, the bounds, whole numbers, and a
// justification for an override of the computed figure (`stored`: the value kept so far).
inline void check_value(validator& v, const std::string& p, const report_template& t, const indicator_value& in,
                        const indicator_value* stored) {
  const indicator* ind = find_indicator(t, in.code);
  if (!ind) {
    v.add(p + "/code", errc::not_found, "Chỉ tiêu \"" + in.code + "\" không có trong mẫu báo cáo",
          "Indicator \"" + in.code + "\" is not in the template");
    return;
  }
  const int set = (in.number ? 1 : 0) + (in.flag ? 1 : 0) + (in.text ? 1 : 0);
  if (set > 1) {
    v.add(p, errc::invalid_argument, "Mỗi giá trị chỉ có một trong number, flag, text",
          "A value has only one of number, flag, text");
    return;
  }
  const bool numeric = ind->kind == indicator_kind::number || ind->kind == indicator_kind::percent;
  if (set == 1) {
    if (numeric && !in.number) {
      v.add(p + "/number", errc::wrong_type, "Chỉ tiêu \"" + ind->label + "\" cần một con số",
            "Indicator \"" + ind->code + "\" needs a number");
      return;
    }
    if (ind->kind == indicator_kind::boolean && !in.flag) {
      v.add(p + "/flag", errc::wrong_type, "Chỉ tiêu \"" + ind->label + "\" cần trả lời có hoặc không",
            "Indicator \"" + ind->code + "\" needs yes or no");
      return;
    }
    if (ind->kind == indicator_kind::text && !in.text) {
      v.add(p + "/text", errc::wrong_type, "Chỉ tiêu \"" + ind->label + "\" cần nội dung văn bản",
            "Indicator \"" + ind->code + "\" needs text");
      return;
    }
  }
  if (in.number) {
    const double x = *in.number;
    if (!std::isfinite(x)) {
      v.add(p + "/number", errc::out_of_range, "Giá trị của \"" + ind->label + "\" không phải một con số hữu hạn",
            "The value of \"" + ind->code + "\" is not a finite number");
      return;
    }
    double lo = ind->kind == indicator_kind::percent ? 0.0 : -HUGE_VAL;
    double hi = ind->kind == indicator_kind::percent ? 100.0 : HUGE_VAL;
    if (ind->min) lo = *ind->min;
    if (ind->max) hi = *ind->max;
    if (ind->whole) lo = std::max(lo, 0.0);  // counts and amounts of money are never negative
    if (x < lo)
      v.add(p + "/number", errc::out_of_range,
            "Giá trị của \"" + ind->label + "\" không được nhỏ hơn " + number_text(lo),
            "The value of \"" + ind->code + "\" may not be below " + number_text(lo));
    else if (x > hi)
      v.add(p + "/number", errc::out_of_range, "Giá trị của \"" + ind->label + "\" không được lớn hơn " + number_text(hi),
            "The value of \"" + ind->code + "\" may not be above " + number_text(hi));
    if (ind->whole && x != std::floor(x))
      v.add(p + "/number", errc::out_of_range, "Chỉ tiêu \"" + ind->label + "\" chỉ nhận số nguyên",
            "Indicator \"" + ind->code + "\" takes whole numbers only");
  }
  // A comment needs a value to stand beside: a value cleared (no figure, nothing computed to fall
  // back to) is removed, and its comment would go with it unsaid. Refused, so nothing typed is lost.
  if (set == 0 && !blank(in.comment) && !(stored && (stored->computed_number || stored->computed_flag)))
    v.add(p + "/comment", errc::missing_field,
          "Ghi chú của \"" + ind->label + "\" cần đi kèm một giá trị: hãy nhập giá trị hoặc xoá ghi chú",
          "The comment on \"" + ind->code + "\" needs a value beside it: enter a value or clear the comment");
  if (in.text) rules::long_text(v, *in.text, p + "/text", "Giá trị", "Value", false);
  rules::long_text(v, in.comment, p + "/comment", "Ghi chú", "Comment", false);
  rules::long_text(v, in.justification, p + "/justification", "Giải trình", "Justification", false);
  if (stored && set == 1) {
    indicator_value merged = in;
    merged.computed_number = stored->computed_number;
    merged.computed_flag = stored->computed_flag;
    if (overrides(merged) && blank(in.justification))
      v.add(p + "/justification", errc::missing_field,
            "Giá trị của \"" + ind->label + "\" khác số liệu hệ thống tự tổng hợp: cần ghi giải trình",
            "The value of \"" + ind->code + "\" differs from the figure computed from the data: a justification is required");
  }
}

// Overrides without a justification anywhere in a report (checked again when it is sent).
inline void check_overrides(validator& v, const report_submission& s, const report_template& t) {
  for (std::size_t i = 0; i < s.values.size(); ++i) {
    const auto& x = s.values[i];
    if (!overrides(x) || !blank(x.justification)) continue;
    const indicator* ind = find_indicator(t, x.code);
    v.add("/values/" + std::to_string(i) + "/justification", errc::missing_field,
          "Giá trị của \"" + (ind ? ind->label : x.code) + "\" khác số liệu tự tổng hợp nhưng chưa có giải trình",
          "The value of \"" + x.code + "\" differs from the computed figure and has no justification");
  }
}

inline json value_json(const indicator_value& v) {
  json j = json::object();
  j["code"] = v.code;
  if (v.number) j["number"] = *v.number;
  if (v.flag) j["flag"] = *v.flag;
  if (v.text) j["text"] = *v.text;
  if (v.computed_number) j["computed_number"] = *v.computed_number;
  if (v.computed_flag) j["computed_flag"] = *v.computed_flag;
  j["justification"] = v.justification;
  j["comment"] = v.comment;
  return j;
}

inline json payload_json(const report_submission& s) {
  std::vector<const indicator_value*> vs;
  vs.reserve(s.values.size());
  for (const auto& v : s.values) vs.push_back(&v);
  std::sort(vs.begin(), vs.end(), [](const auto* a, const auto* b) { return a->code < b->code; });
  json values = json::array();
  for (const auto* v : vs) values.push_back(value_json(*v));
  return json{{"kind", "pbgdpl-report"},
              {"id", s.id.value},
              {"template", s.template_id.value},
              {"edition", s.template_edition},
              {"period", s.period_id.value},
              {"unit", s.unit.value},
              {"values", std::move(values)},
              {"submitted_at", s.submitted_at ? json(format_timestamp_utc(*s.submitted_at)) : json(nullptr)},
              {"submitted_by", s.submitted_by ? json(s.submitted_by->value) : json(nullptr)}};
}

inline std::string hex256(std::string_view text) { return trust::to_hex(trust::blake2b_256(text)); }

// What a trusted comment names: "<prefix> <id> <hex> <period> <unit>" (ids hold no spaces).
struct signed_names {
  std::string id, hex, period, unit;
};
inline std::optional<signed_names> parse_comment(std::string_view comment, std::string_view prefix) {
  std::vector<std::string_view> parts;
  while (!comment.empty() && parts.size() < 6) {
    auto sp = comment.find(' ');
    parts.push_back(comment.substr(0, sp));
    comment = sp == std::string_view::npos ? std::string_view{} : comment.substr(sp + 1);
  }
  if (parts.size() != 5 || parts[0] != prefix) return std::nullopt;
  return signed_names{std::string(parts[1]), std::string(parts[2]), std::string(parts[3]), std::string(parts[4])};
}

inline result<void> verify_one(const trust::public_key& pk, std::string_view text, const std::string& payload,
                               const std::string& expected_comment, std::string_view prefix, const report_submission& s,
                               std::string_view whose_vi, std::string_view whose_en) {
  const std::string wv(whose_vi), we(whose_en);
  if (text.empty())
    return refused(errc::bad_signature, "Báo cáo " + s.id.value + " không có chữ ký của " + wv,
                   "Report " + s.id.value + " has no " + we + " signature");
  auto sig = trust::signature::parse(text);
  if (!sig) return sig.err();
  if (sig->id != pk.id)
    return refused(errc::unknown_key,
                   "Chữ ký của " + wv + " được tạo bằng khóa " + sig->id.hex() + ", không phải khóa " + pk.id.hex(),
                   "The " + we + " signature was made with key " + sig->id.hex() + ", not key " + pk.id.hex());
  // The trusted comment first: genuine, it says which report and which content were signed.
  if (auto r = trust::detail::verify_comment(pk, *sig); !r) return r;
  auto named = parse_comment(sig->trusted_comment, prefix);
  if (!named)
    return refused(errc::bad_signature, "Chữ ký của " + wv + " không phải chữ ký báo cáo",
                   "The " + we + " signature is not a report signature");
  if (named->id != s.id.value)
    return refused(errc::tampered, "Chữ ký của " + wv + " thuộc báo cáo khác (" + named->id + ")",
                   "The " + we + " signature belongs to another report (" + named->id + ")");
  if (named->period != s.period_id.value)
    return refused(errc::tampered,
                   "Kỳ báo cáo của báo cáo " + s.id.value + " đã bị sửa sau khi ký: đã ký cho kỳ " + named->period +
                       ", nay ghi " + s.period_id.value,
                   "The period of report " + s.id.value + " was changed after signing: signed for " + named->period +
                       ", now " + s.period_id.value);
  if (named->unit != s.unit.value)
    return refused(errc::tampered,
                   "Đơn vị của báo cáo " + s.id.value + " đã bị sửa sau khi ký: đã ký cho " + named->unit + ", nay ghi " +
                       s.unit.value,
                   "The unit of report " + s.id.value + " was changed after signing: signed for " + named->unit +
                       ", now " + s.unit.value);
  if (sig->trusted_comment != expected_comment || !trust::verify(pk, *sig, payload, false))
    return refused(errc::tampered, "Nội dung báo cáo " + s.id.value + " đã bị sửa sau khi " + wv + " ký",
                   "The content of report " + s.id.value + " was changed after the " + we + " signed it");
  return {};
}

}  // namespace detail

PBGDPL_DECL submission_id submission_id_for(const report_period_id& period, const unit_id& unit) {
  std::string id = period.value + "." + unit.value;
  if (is_valid_id(id)) return submission_id{std::move(id)};
  return submission_id{"r." + detail::hex256(period.value + '\x1f' + unit.value).substr(0, 40)};
}

PBGDPL_DECL std::string signed_payload(const report_submission& s) {
  return trust::detail::compact(detail::payload_json(s));
}

PBGDPL_DECL std::string approval_payload(const report_submission& s) {
  json j{{"kind", "pbgdpl-report-approval"},
         {"report", detail::payload_json(s)},
         {"approved_at", s.approved_at ? json(format_timestamp_utc(*s.approved_at)) : json(nullptr)},
         {"approved_by", s.approved_by ? json(s.approved_by->value) : json(nullptr)},
         {"submitter_signature", s.signature}};
  return trust::detail::compact(j);
}

PBGDPL_DECL std::string submission_comment(const report_submission& s) {
  return "pbgdpl-report " + s.id.value + " " + detail::hex256(signed_payload(s)) + " " + s.period_id.value + " " +
         s.unit.value;
}

PBGDPL_DECL std::string approval_comment(const report_submission& s) {
  return "pbgdpl-report-approval " + s.id.value + " " + detail::hex256(approval_payload(s)) + " " + s.period_id.value +
         " " + s.unit.value;
}

PBGDPL_DECL result<report_submission> open_draft(store::store& db, const report_period_id& period, const unit_id& unit,
                                                 const actor& who, timestamp now) {
  auto c = detail::load_round(db, period);
  if (!c) return c.err();
  // A unit closed on the due date has no report (said before "no right": its grants ended with it).
  if (auto u = detail::open_unit(*c, unit); !u) return u.err();
  if (auto r = detail::may_fill(who, unit, c->tree); !r) return r.err();
  const auto id = submission_id_for(period, unit);
  auto cur = detail::find_report(db, period, unit);
  if (!cur) return cur.err();
  if (*cur) return std::move(**cur);
  if (auto r = detail::not_locked(c->period, now); !r) return r.err();
  auto values = detail::computed_values(db, c->tmpl, c->period, unit);
  if (!values) return values.err();
  report_submission s;
  s.id = id;
  s.template_id = c->tmpl.id;
  s.template_edition = c->tmpl.edition;
  s.period_id = period;
  s.unit = unit;
  for (auto& v : *values)
    if (!detail::silent(v)) s.values.push_back(std::move(v));
  detail::template_order(s.values, c->tmpl);
  s.state = submission_state::draft;
  detail::record(s, "create", submission_state::draft, who, now);
  auto made = db.create(std::move(s), who.who.id.value);
  if (!made && made.err().code == errc::already_exists) return db.get<report_submission>(id.value);  // opened meanwhile
  return made;
}

PBGDPL_DECL result<report_submission> save_values(store::store& db, const submission_id& id,
                                                  std::vector<indicator_value> values, const actor& who, timestamp now,
                                                  std::optional<std::uint64_t> expected_version) {
  auto s = detail::load_submission(db, id);
  if (!s) return s.err();
  auto c = detail::load_round(db, s->period_id, s->template_id);
  if (!c) return c.err();
  if (auto u = detail::open_unit(*c, s->unit); !u) return u.err();
  if (auto r = detail::may_fill(who, s->unit, c->tree); !r) return r.err();
  if (expected_version && *expected_version != s->version)
    return store::conflict_error(store::entity_traits<report_submission>::kind, id.value, *expected_version, s->version);
  if (!detail::editable(s->state)) return detail::wrong_state(*s, "sửa số liệu", "change its values");
  if (auto r = detail::not_locked(c->period, now); !r) return r.err();

  // At most one value per indicator: a longer list is refused before anything is looked at, and
  // the checks below stay linear in it (one hash per code).
  if (values.size() > c->tmpl.indicators.size())
    return detail::refused(errc::too_large, "Gửi nhiều giá trị hơn số chỉ tiêu của mẫu báo cáo",
                           "More values than the template has indicators", "/values");
  std::unordered_map<std::string_view, const indicator_value*> stored;
  for (const auto& x : s->values) stored.emplace(x.code, &x);
  std::unordered_map<std::string_view, std::size_t> seen;
  validator v;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const auto p = "/values/" + std::to_string(i);
    if (!seen.emplace(values[i].code, i).second)
      v.add(p + "/code", errc::invalid_argument, "Chỉ tiêu \"" + values[i].code + "\" được gửi hai lần",
            "Indicator \"" + values[i].code + "\" is sent twice");
    auto it = stored.find(values[i].code);
    detail::check_value(v, p, c->tmpl, values[i], it == stored.end() ? nullptr : it->second);
    if (v.problems().size() >= 100) break;  // enough to say what is wrong
  }
  if (!v.ok()) return detail::validation_error(v);

  const auto from = s->state;
  const auto values_before = s->values;
  for (auto& in : values) {
    auto it = std::find_if(s->values.begin(), s->values.end(), [&](const auto& x) { return x.code == in.code; });
    const bool clear = !in.number && !in.flag && !in.text;
    if (it == s->values.end()) {
      if (!clear) {
        in.computed_number.reset();  // computed figures come from the store, never from the person
        in.computed_flag.reset();
        in.justification.clear();    // nothing computed: nothing to justify
        s->values.push_back(std::move(in));
      }
      continue;
    }
    if (clear) {
      if (it->computed_number || it->computed_flag) {  // back to the computed figure
        it->number = it->computed_number;
        it->flag = it->computed_flag;
        it->text.reset();
        it->justification.clear();
        it->comment = std::move(in.comment);
      } else {
        s->values.erase(it);
      }
      continue;
    }
    it->number = in.number;
    it->flag = in.flag;
    it->text = std::move(in.text);
    it->comment = std::move(in.comment);
    it->justification = detail::overrides(*it) ? std::move(in.justification) : std::string();
  }
  detail::template_order(s->values, c->tmpl);
  {
    // The whole report's shape as a draft (required values are asked for when it is sent).
    auto as_draft = *s;
    as_draft.state = submission_state::draft;
    if (auto r = check_against(as_draft, c->tmpl); !r) return r.err();
  }
  // A save that changes nothing writes nothing: repeated empty saves (an autosave, a script) must
  // not grow the history towards its cap and lock the report (red team F11).
  if (s->values == values_before) return std::move(*s);
  detail::record(*s, "save", from, who, now);
  return detail::write(db, std::move(*s), who);
}

PBGDPL_DECL result<report_submission> refresh_computed(store::store& db, const submission_id& id, const actor& who,
                                                       timestamp now) {
  auto s = detail::load_submission(db, id);
  if (!s) return s.err();
  auto c = detail::load_round(db, s->period_id, s->template_id);
  if (!c) return c.err();
  if (auto u = detail::open_unit(*c, s->unit); !u) return u.err();
  if (auto r = detail::may_fill(who, s->unit, c->tree); !r) return r.err();
  if (!detail::editable(s->state)) return detail::wrong_state(*s, "tính lại số liệu", "recompute its values");
  if (auto r = detail::not_locked(c->period, now); !r) return r.err();
  auto fresh = detail::computed_values(db, c->tmpl, c->period, s->unit);
  if (!fresh) return fresh.err();
  for (auto& f : *fresh) {
    auto it = std::find_if(s->values.begin(), s->values.end(), [&](const auto& x) { return x.code == f.code; });
    if (it == s->values.end()) {
      if (!detail::silent(f)) s->values.push_back(std::move(f));
      continue;
    }
    const bool kept_by_person = detail::overrides(*it) || detail::silent(*it);
    if (detail::silent(f)) {
      // The data no longer gives a figure: one that only repeated the old figure goes; a
      // person's own value stays, as theirs.
      if (kept_by_person) {
        it->computed_number.reset();
        it->computed_flag.reset();
      } else {
        s->values.erase(it);
      }
      continue;
    }
    it->computed_number = f.computed_number;
    it->computed_flag = f.computed_flag;
    if (!kept_by_person) {
      it->number = f.number;
      it->flag = f.flag;
      it->text.reset();
    }
    if (!detail::overrides(*it)) it->justification.clear();
  }
  detail::template_order(s->values, c->tmpl);
  const auto from = s->state;
  detail::record(*s, "refresh", from, who, now);
  return detail::write(db, std::move(*s), who);
}

PBGDPL_DECL result<report_submission> submit(store::store& db, const submission_id& id, const actor& who,
                                             const trust::secret_key& key, timestamp now) {
  auto r = submit_with_findings(db, id, who, key, now);
  if (!r) return r.err();
  return std::move(r->submission);
}

PBGDPL_DECL result<submit_result> submit_with_findings(store::store& db, const submission_id& id, const actor& who,
                                                       const trust::secret_key& key, timestamp now) {
  auto s = detail::load_submission(db, id);
  if (!s) return s.err();
  auto c = detail::load_round(db, s->period_id, s->template_id);
  if (!c) return c.err();
  auto u = detail::open_unit(*c, s->unit);
  if (!u) return u.err();
  if (auto r = detail::may_sign(who, s->unit, c->tree); !r) return r.err();
  if (!detail::editable(s->state)) return detail::wrong_state(*s, "gửi lại", "send it again");
  if (auto r = detail::not_locked(c->period, now); !r) return r.err();
  if (auto r = detail::key_matches(who, key); !r) return r.err();

  const auto from = s->state;
  s->state = submission_state::submitted;
  s->submitted_at = now;
  s->submitted_by = who.who.id;
  s->approved_at.reset();
  s->approved_by.reset();
  s->approval_signature.clear();
  s->approver_key.clear();
  {
    validator v;
    validate(*s, v);
    validate_against(*s, c->tmpl, v);
    detail::check_overrides(v, *s, c->tmpl);
    if (!v.ok()) return detail::validation_error(v);
  }
  // The template's rules across indicators: blocking ones refuse, warnings go with the report.
  auto findings = check_rules(c->tmpl, *s);
  std::vector<rule_finding> warnings;
  {
    validator v;
    for (auto& f : findings) {
      if (f.severity == rule_severity::blocking) v.add("/rules/" + f.rule, errc::validation_failed, f.message_vi, f.message_en);
      else warnings.push_back(std::move(f));
    }
    if (!v.ok()) return detail::validation_error(v);
  }
  std::string note;
  for (const auto& f : warnings) note += (note.empty() ? "Cảnh báo: " : "; ") + f.message_vi;
  // A unit above schools reports once its schools are done: each open school below it on the
  // due date's tree accepted or excused.
  if ((*u)->kind != unit_kind::school) {
    std::vector<std::string> waiting;
    std::size_t waiting_count = 0;
    for (const auto& x : c->tree.subtree(s->unit.value)) {
      if (x.kind != unit_kind::school || c->tree.ended(x.id.value)) continue;
      auto r = detail::find_report(db, s->period_id, x.id);
      if (!r) return r.err();
      if (*r && ((*r)->state == submission_state::accepted || (*r)->state == submission_state::excused)) continue;
      if (waiting.size() < 10) waiting.push_back(x.name + " (" + x.id.value + ")");
      ++waiting_count;
    }
    if (waiting_count) {
      std::string list;
      for (const auto& w : waiting) list += (list.empty() ? "" : ", ") + w;
      if (waiting_count > waiting.size()) list += ", … (" + std::to_string(waiting_count) + ")";
      return detail::refused(errc::conflict,
                             "Chưa thể gửi báo cáo của " + (*u)->name + ": còn " + std::to_string(waiting_count) +
                                 " trường chưa được tiếp nhận hoặc miễn báo cáo: " + list,
                             "The report of " + s->unit.value + " cannot be sent yet: " + std::to_string(waiting_count) +
                                 " school(s) below it are neither accepted nor excused: " + list,
                             "/unit");
    }
  }
  s->signer_key = key.id().hex();
  s->signature.clear();
  auto sig = catch_result([&] {
    return trust::sign(key, signed_payload(*s), submission_comment(*s), "pbgdpl report " + s->id.value).to_text();
  });
  if (!sig) return sig.err();
  s->signature = std::move(*sig);
  detail::record(*s, "submit", from, who, now, std::move(note));
  auto written = detail::write(db, std::move(*s), who);
  if (!written) return written.err();
  return submit_result{std::move(*written), std::move(warnings)};
}

PBGDPL_DECL result<report_submission> approve(store::store& db, const submission_id& id, const actor& who,
                                              const trust::secret_key& key, timestamp now, std::string note) {
  auto s = detail::load_submission(db, id);
  if (!s) return s.err();
  auto c = detail::load_round(db, s->period_id, s->template_id);
  if (!c) return c.err();
  if (auto r = detail::may_review(who, s->unit, *c); !r) return r.err();
  if (s->state != submission_state::submitted) return detail::wrong_state(*s, "tiếp nhận", "accept it");
  if (auto r = detail::not_locked(c->period, now); !r) return r.err();
  if (s->submitted_by && *s->submitted_by == who.who.id)
    return detail::refused(errc::permission_denied, "Không ai tự tiếp nhận báo cáo do chính mình gửi",
                           "Nobody accepts a report they sent themselves");
  if (auto r = detail::key_matches(who, key); !r) return r.err();
  {
    validator v;
    rules::long_text(v, note, "/note", "Nhận xét", "Note", false);
    if (!v.ok()) return detail::validation_error(v);
  }
  // What is accepted is what the school signed: its signature is checked against its key first.
  {
    if (!s->submitted_by)
      return detail::refused(errc::bad_signature, "Báo cáo chưa có người gửi", "The report names no sender");
    auto cred = db.get<credential>(s->submitted_by->value);
    if (!cred && cred.err().code != errc::not_found) return cred.err();
    if (!cred || cred->approval_public_key.empty())
      return detail::refused(errc::unknown_key, "Không tìm thấy khóa duyệt của người gửi " + s->submitted_by->value,
                             "No approval key is on record for the sender " + s->submitted_by->value);
    auto pk = trust::public_key::parse(cred->approval_public_key);
    if (!pk) return pk.err();
    if (auto r = verify_submission(*s, *pk); !r) return r.err();
  }
  const auto from = s->state;
  s->state = submission_state::accepted;
  s->approved_at = now;
  s->approved_by = who.who.id;
  s->approver_key = key.id().hex();
  if (!note.empty()) s->review_note = note;
  auto sig = catch_result([&] {
    return trust::sign(key, approval_payload(*s), approval_comment(*s), "pbgdpl report approval " + s->id.value).to_text();
  });
  if (!sig) return sig.err();
  s->approval_signature = std::move(*sig);
  detail::record(*s, "approve", from, who, now, std::move(note));
  return detail::write(db, std::move(*s), who);
}

PBGDPL_DECL result<report_submission> return_to_unit(store::store& db, const submission_id& id, const actor& who,
                                                     timestamp now, std::string note) {
  auto s = detail::load_submission(db, id);
  if (!s) return s.err();
  auto c = detail::load_round(db, s->period_id, s->template_id);
  if (!c) return c.err();
  if (auto r = detail::may_review(who, s->unit, *c); !r) return r.err();
  if (s->state != submission_state::submitted && s->state != submission_state::accepted &&
      s->state != submission_state::excused)
    return detail::wrong_state(*s, "trả lại", "return it");
  if (auto r = detail::not_locked(c->period, now); !r) return r.err();
  if (detail::blank(note))
    return detail::refused(errc::validation_failed, "Trả lại báo cáo cần ghi rõ lý do", "Returning a report needs a note",
                           "/note");
  const auto from = s->state;
  if (from == submission_state::excused) {
    // An excuse given by mistake is withdrawn the same way, from above with a note: the school
    // has its report to fill in again (red team F3).
    s->state = s->submitted_at ? submission_state::returned : submission_state::draft;
    s->review_note = note;
    detail::record(*s, "withdraw_excuse", from, who, now, std::move(note));
    return detail::write(db, std::move(*s), who);
  }
  s->state = submission_state::returned;
  s->approved_at.reset();
  s->approved_by.reset();
  s->approval_signature.clear();
  s->approver_key.clear();
  s->review_note = note;
  detail::record(*s, from == submission_state::accepted ? "reopen" : "return", from, who, now, std::move(note));
  return detail::write(db, std::move(*s), who);
}

PBGDPL_DECL result<report_submission> excuse(store::store& db, const report_period_id& period, const unit_id& unit,
                                             const actor& who, timestamp now, std::string reason) {
  auto c = detail::load_round(db, period);
  if (!c) return c.err();
  if (auto r = detail::may_review(who, unit, *c); !r) return r.err();
  if (auto r = detail::not_locked(c->period, now); !r) return r.err();
  if (auto u = detail::open_unit(*c, unit); !u) return u.err();
  if (detail::blank(reason))
    return detail::refused(errc::validation_failed, "Miễn báo cáo cần ghi rõ lý do", "Excusing a unit needs a reason",
                           "/reason");
  const auto id = submission_id_for(period, unit);
  auto found = detail::find_report(db, period, unit);
  if (!found) return found.err();
  if (*found) {
    auto& cur = **found;
    if (cur.state == submission_state::excused) return std::move(cur);
    if (!detail::editable(cur.state))
      return detail::wrong_state(cur, "miễn báo cáo (hãy trả lại trước)", "excuse it (return it first)");
    const auto from = cur.state;
    cur.state = submission_state::excused;
    cur.review_note = reason;
    detail::record(cur, "excuse", from, who, now, std::move(reason));
    return detail::write(db, std::move(cur), who);
  }
  report_submission s;
  s.id = id;
  s.template_id = c->tmpl.id;
  s.template_edition = c->tmpl.edition;
  s.period_id = period;
  s.unit = unit;
  s.state = submission_state::excused;
  s.review_note = reason;
  detail::record(s, "excuse", submission_state::draft, who, now, std::move(reason));
  auto made = db.create(std::move(s), who.who.id.value);
  if (!made && made.err().code == errc::already_exists)
    return detail::refused(errc::conflict, "Báo cáo " + id.value + " vừa được tạo bởi người khác: hãy thử lại",
                           "Report " + id.value + " was just created by someone else: try again");
  return made;
}

PBGDPL_DECL result<void> verify_submission(const report_submission& s, const trust::public_key& submitter,
                                           const trust::public_key* approver) {
  if (auto r = detail::verify_one(submitter, s.signature, signed_payload(s), submission_comment(s), "pbgdpl-report", s,
                                  "người gửi", "submitter");
      !r)
    return r;
  if (!approver) {
    // A copy that says "approved" claims the approver's signature: without the approver's key it
    // is not verified, rather than passing on the submitter's signature alone (red team F6).
    if (s.state == submission_state::accepted || !s.approval_signature.empty())
      return error(errc::unknown_key, "/approval_signature",
                   "Báo cáo ghi đã được phê duyệt: cần khóa công khai của người phê duyệt để kiểm tra",
                   "The report says it was approved: the approver's public key is needed to verify it");
    return {};
  }
  return detail::verify_one(*approver, s.approval_signature, approval_payload(s), approval_comment(s),
                            "pbgdpl-report-approval", s, "người tiếp nhận", "approver");
}

}  // namespace reports
PBGDPL_NAMESPACE_END
