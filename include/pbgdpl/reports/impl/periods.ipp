// Definitions for reports/periods.hpp (inline in header-only mode, compiled once from
// src/reports/periods.cpp).
#pragma once
#include "../periods.hpp"

#include "../templates.hpp"

#include "../../trust/hash.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

PBGDPL_NAMESPACE_BEGIN
namespace reports {

namespace detail {

// An id as given when the store takes it, else its first 48 characters and 12 hex digits of
// BLAKE2b-256 of the whole (still unique, still readable).
inline std::string fit_id(std::string id) {
  if (is_valid_id(id)) return id;
  auto h = trust::to_hex(trust::blake2b_256(id)).substr(0, 12);
  id.resize(std::min<std::size_t>(id.size(), 48));
  while (!id.empty() && (id.back() == '.' || id.back() == '-')) id.pop_back();
  return id + "-" + h;
}

// Every report of a period (the store indexes a report's period as its category).
inline result<std::vector<report_submission>> period_reports(store::store& db, const report_period_id& period) {
  store::filter f;
  f.category = period.value;
  auto out = list_all<report_submission>(db, std::move(f));
  if (out) std::erase_if(*out, [&](const report_submission& s) { return s.period_id != period; });
  return out;
}

inline bool counts_as_sent(submission_state s) noexcept {
  return s == submission_state::submitted || s == submission_state::accepted;
}

}  // namespace detail

PBGDPL_DECL report_period_id period_id_for(const report_template_id& t, int calendar_year, report_round r) {
  return report_period_id{
      detail::fit_id(t.value + "-" + std::to_string(calendar_year) + (r == report_round::first ? "-dot-1" : "-dot-2"))};
}

PBGDPL_DECL report_reminder_id reminder_id_for(const report_period_id& period, const unit_id& unit, int days_before) {
  return report_reminder_id{detail::fit_id(period.value + "." + unit.value + "." + std::to_string(days_before))};
}

PBGDPL_DECL result<std::vector<report_period>> ensure_periods(store::store& db, const report_template& t,
                                                              int calendar_year, std::optional<date> round1_due,
                                                              std::string_view actor) {
  using namespace std::chrono;
  std::vector<report_period> out;
  for (auto r : {report_round::first, report_round::second}) {
    const auto id = period_id_for(t.id, calendar_year, r);
    if (auto cur = db.get<report_period>(id.value)) {
      out.push_back(std::move(*cur));
      continue;
    } else if (cur.err().code != errc::not_found) {
      return cur.err();
    }
    report_period p;
    p.id = id;
    p.template_id = t.id;
    p.calendar_year = calendar_year;
    p.round = r;
    p.year = round_school_year(calendar_year, r);
    p.due_on = r == report_round::first && round1_due ? *round1_due : default_due_on(calendar_year, r);
    const date opens = r == report_round::first ? date{year{calendar_year}, May, day{20}}
                                                : date{year{calendar_year}, November, day{15}};
    p.opens_on = std::min(opens, p.due_on);
    auto made = db.create(std::move(p), actor);
    if (!made && made.err().code == errc::already_exists) made = db.get<report_period>(id.value);
    if (!made) return made.err();
    out.push_back(std::move(*made));
  }
  return out;
}

PBGDPL_DECL std::vector<unit_id> expected_units(const unit_directory& tree, const unit_id& above) {
  std::vector<unit_id> out;
  std::unordered_set<std::string_view> seen;
  auto take = [&](std::string_view root) {
    for (const auto& u : tree.subtree(root))
      if (u.kind == unit_kind::school && !tree.ended(u.id.value) && seen.insert(u.id.value).second) out.push_back(u.id);
  };
  take(above.value);
  if (tree.ended(above.value))
    for (const auto& h : tree.heirs(above.value)) take(h);
  return out;
}

PBGDPL_DECL completeness_report completeness_of(const report_period& p, const unit_directory& tree, const unit_id& above,
                                                std::span<const report_submission> reports, timestamp now) {
  completeness_report out;
  out.period = p.id;
  out.unit = above;
  out.due_on = p.due_on;
  out.due_passed = local_date(now) > p.due_on;
  for (const char* level : {"", "mn", "th", "thcs"}) {
    rate_row r;
    r.level = level;
    out.by_level.push_back(std::move(r));
  }
  std::unordered_map<std::string_view, const report_submission*> by_unit;
  by_unit.reserve(reports.size());
  for (const auto& s : reports)
    if (s.period_id == p.id) by_unit[s.unit.value] = &s;
  for (const auto& id : expected_units(tree, above)) {
    const unit* u = tree.find(id);
    rate_row* level = nullptr;
    if (u && u->level) level = &out.by_level[1 + static_cast<std::size_t>(*u->level)];
    auto count = [&](std::size_t rate_row::*m) {
      ++(out.by_level[0].*m);
      if (level) ++(level->*m);
    };
    count(&rate_row::expected);
    auto it = by_unit.find(id.value);
    const report_submission* s = it == by_unit.end() ? nullptr : it->second;
    if (s && detail::counts_as_sent(s->state)) {
      if (s->submitted_at && local_date(*s->submitted_at) <= p.due_on) {
        count(&rate_row::on_time);
      } else {
        count(&rate_row::late);
        out.late_units.push_back(id);
      }
    } else if (s && s->state == submission_state::excused) {
      count(&rate_row::excused);
    } else {
      count(&rate_row::missing);
      out.missing_units.push_back(id);
    }
  }
  for (auto& r : out.by_level) {
    const auto base = r.expected - r.excused;
    if (base == 0) continue;
    r.completeness = static_cast<double>(r.on_time + r.late) / static_cast<double>(base);
    r.timeliness = static_cast<double>(r.on_time) / static_cast<double>(base);
  }
  return out;
}

PBGDPL_DECL result<completeness_report> completeness(store::store& db, const report_period_id& period,
                                                     const unit_id& above, timestamp now) {
  auto p = db.get<report_period>(period.value);
  if (!p) return p.err();
  auto tree = db.hierarchy_at(p->due_on);
  if (!tree) return tree.err();
  if (!tree->contains(above.value))
    return error(errc::not_found, "/unit", "Đơn vị " + above.value + " không có trong cây đơn vị ngày " + format_date(p->due_on),
                 "Unit " + above.value + " is not on the unit tree of " + format_date(p->due_on));
  auto reports = detail::period_reports(db, period);
  if (!reports) return reports.err();
  return completeness_of(*p, *tree, above, *reports, now);
}

PBGDPL_DECL result<std::size_t> send_reminders(store::store& db, notifier& n, timestamp now, std::string_view actor) {
  auto periods = list_all<report_period>(db, store::filter{});
  if (!periods) return periods.err();
  const date today = local_date(now);
  std::size_t sent = 0;
  for (const auto& p : *periods) {
    if (p.locked_at && *p.locked_at <= now) continue;
    if (today > p.due_on || today < p.opens_on) continue;
    // The nearest reminder day that has come: on a day past several (nothing ran for a week),
    // one reminder, not a burst.
    const std::vector<int> days = reminder_days_of(p);
    std::optional<int> day;
    for (int d : days) {
      if (d < 0 || d > 366) continue;
      if (today >= date{std::chrono::sys_days{p.due_on} - std::chrono::days{d}} && (!day || d < *day)) day = d;
    }
    if (!day) continue;
    auto t = db.get<report_template>(p.template_id.value);
    if (!t) {
      if (t.err().code == errc::not_found) continue;  // a period of a template that is gone reminds nobody
      return t.err();
    }
    auto tree = db.hierarchy_at(p.due_on);
    if (!tree) return tree.err();
    auto reports = detail::period_reports(db, p.id);
    if (!reports) return reports.err();
    std::unordered_map<std::string_view, const report_submission*> by_unit;
    for (const auto& s : *reports) by_unit[s.unit.value] = &s;
    const timestamp occurred = local_midnight(date{std::chrono::sys_days{p.due_on} - std::chrono::days{*day}});
    for (const auto& id : expected_units(*tree, t->owner)) {
      auto it = by_unit.find(id.value);
      const report_submission* s = it == by_unit.end() ? nullptr : it->second;
      if (s && (detail::counts_as_sent(s->state) || s->state == submission_state::excused)) continue;
      report_reminder rem;
      rem.id = reminder_id_for(p.id, id, *day);
      if (db.get<report_reminder>(rem.id.value)) continue;  // sent before
      rem.period = p.id;
      rem.unit = id;
      rem.days_before = *day;
      rem.sent_at = now;
      rem.channel = std::string(n.name());
      // The claim first: a second run, or a second node, finds it and sends nothing.
      auto claimed = db.create(rem, actor);
      if (!claimed) {
        if (claimed.err().code == errc::already_exists) continue;
        return claimed.err();
      }
      const unit* u = tree->find(id);
      json units = json::array();
      for (const auto& x : tree->self_and_ancestor_ids(id.value)) units.push_back(x);
      json data{{"id", rem.id.value},
                {"period", p.id.value},
                {"period_label_vi", report_period_label_vi(p)},
                {"period_label_en", report_period_label_en(p)},
                {"template", t->id.value},
                {"template_name", t->name},
                {"unit", id.value},
                {"unit_name", u ? u->name : std::string()},
                {"units", std::move(units)},
                {"due_on", format_date(p.due_on)},
                {"days_before", *day},
                {"report", s ? json(s->id.value) : json(nullptr)},
                {"state", s ? json(to_string(s->state)) : json("missing")},
                {"occurred_at", format_timestamp(occurred)}};
      auto r = n.send(webhook_events::report_reminder, data);
      if (!r) {
        (void)db.remove<report_reminder>(claimed->id.value, claimed->version, actor);  // try again next run
        return r.err();
      }
      ++sent;
    }
  }
  return sent;
}

PBGDPL_DECL reminder_timer::reminder_timer(store::store& db, notifier& n, options opt)
    : db_(db), n_(n), opt_(std::move(opt)) {
  if (!opt_.now) opt_.now = [] { return pbgdpl::now(); };
  if (opt_.interval <= std::chrono::seconds(0)) opt_.interval = std::chrono::seconds(1);
}

PBGDPL_DECL reminder_timer::~reminder_timer() { stop(); }

PBGDPL_DECL void reminder_timer::start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { loop(); });
}

PBGDPL_DECL void reminder_timer::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

PBGDPL_DECL std::size_t reminder_timer::runs() const {
  std::lock_guard lock(mu_);
  return runs_;
}

PBGDPL_DECL void reminder_timer::loop() {
  for (;;) {
    try {
      auto r = send_reminders(db_, n_, opt_.now(), opt_.actor);
      if (!r && opt_.on_error) opt_.on_error(r.err());
      if (r && *r && opt_.on_sent) opt_.on_sent(*r);
    } catch (const std::exception& e) {
      if (opt_.on_error) opt_.on_error(error(errc::internal, {}, "Lỗi khi gửi nhắc hạn báo cáo", e.what()));
    }
    std::unique_lock lock(mu_);
    ++runs_;
    if (cv_.wait_for(lock, opt_.interval, [&] { return stopping_; })) return;
  }
}

}  // namespace reports
PBGDPL_NAMESPACE_END
