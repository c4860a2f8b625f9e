// Bodies of network/compliance_history.hpp: compiled once into the network tier
// (src/network/compliance_history.cpp), or included by the header in header-only builds.
#pragma once
#include "../compliance_history.hpp"

#include "../../core/escape.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

PBGDPL_NAMESPACE_BEGIN
namespace network {

PBGDPL_DECL std::vector<const unit*> schools_below(const unit_directory& dir, std::string_view scope) {
  std::vector<const unit*> out;
  for (const auto& u : dir.subtree(scope))
    if (u.kind == unit_kind::school && !dir.ended(u.id.value)) out.push_back(&u);
  return out;
}

namespace history_detail {

inline std::string verdict_name(const site_result& r, criterion c) { return std::string(::pbgdpl::to_string(r.verdict_of(c))); }

inline std::size_t index_of(const std::string& v) { return v == "met" ? 0 : v == "not_met" ? 1 : 2; }

inline void add(kpi_cell& cell, const std::string& v) {
  switch (index_of(v)) {
    case 0: ++cell.met; break;
    case 1: ++cell.not_met; break;
    default: ++cell.unknown; break;
  }
}

// The run's id sorts by time: "20261201-083000-" and 8 random hex characters.
inline std::string run_id_for(timestamp t) {
  auto local = t + vietnam_utc_offset;
  auto days = std::chrono::floor<std::chrono::days>(local);
  std::chrono::year_month_day ymd{days};
  std::chrono::hh_mm_ss hms{std::chrono::floor<std::chrono::seconds>(local - days)};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%02u%02u-%02d%02d%02d-", int(ymd.year()), unsigned(ymd.month()), unsigned(ymd.day()),
                int(hms.hours().count()), int(hms.minutes().count()), int(hms.seconds().count()));
  return buf + random_id_string().substr(0, 8);
}

// "30/11/2026": how dates read on Vietnamese pages and charts.
inline std::string short_date(timestamp t) {
  auto d = local_date(t);
  char b[16];
  std::snprintf(b, sizeof b, "%02u/%02u/%04d", unsigned(d.day()), unsigned(d.month()), int(d.year()));
  return b;
}

// Not compliant first, then the fewest criteria met, then by school.
inline int met_count(const compliance_check& c) {
  return (c.section == "met") + (c.division_link == "met") + (c.city_banner == "met") + (c.recent_post == "met");
}

}  // namespace history_detail

PBGDPL_DECL void count(kpi_row& row, const compliance_check& c) {
  using history_detail::add;
  add(row[0], c.section);
  add(row[1], c.division_link);
  add(row[2], c.city_banner);
  add(row[3], c.recent_post);
  if (c.compliant) ++row[kpi_all].met;
  else if (c.section == "unknown" || c.division_link == "unknown" || c.city_banner == "unknown" || c.recent_post == "unknown")
    ++row[kpi_all].unknown;
  else ++row[kpi_all].not_met;
}

PBGDPL_DECL result<compliance_run> save_run(store::store& db, compliance_run run, const std::vector<site_result>& results,
                                            const unit_directory& dir, std::string_view actor) {
  if (run.started_at == timestamp{}) run.started_at = pbgdpl::now();
  if (run.id.value.empty()) run.id = compliance_run_id{history_detail::run_id_for(run.started_at)};
  run.finished_at = pbgdpl::now();
  if (*run.finished_at < run.started_at) run.finished_at = run.started_at;
  run.sites = 0;
  std::vector<compliance_check> checks;
  for (const auto& r : results) {
    if (!r.unit) continue;
    compliance_check c;
    c.id = compliance_check_id{run.id.value + "." + r.unit->value};
    c.run = run.id;
    c.unit = *r.unit;
    if (auto u = dir.find(*r.unit)) c.level = u->level;
    // A site the check's validation would refuse (a unit's odd website) must not lose the whole
    // run: the check keeps no URL then; the evidence JSON still names it.
    c.site = rules::is_web_url(r.site) ? r.site : std::string();
    c.checked_at = r.finished != timestamp{} ? r.finished : *run.finished_at;
    c.section = history_detail::verdict_name(r, criterion::section);
    c.division_link = history_detail::verdict_name(r, criterion::division_link);
    c.city_banner = history_detail::verdict_name(r, criterion::city_banner);
    c.recent_post = history_detail::verdict_name(r, criterion::recent_post);
    c.compliant = c.section == "met" && c.division_link == "met" && c.city_banner == "met" && c.recent_post == "met";
    c.result = to_json_value(r).dump();
    checks.push_back(std::move(c));
  }
  run.sites = static_cast<std::uint32_t>(checks.size());
  // The counts, overall and per level, kept with the run for the trend.
  static constexpr const char* names[5] = {"section", "division_link", "city_banner", "recent_post", "all"};
  auto tally = [&](std::optional<school_level> level) {
    kpi_row row{};
    bool any = false;
    for (const auto& c : checks)
      if (!level || c.level == level) {
        count(row, c);
        any = true;
      }
    if (!any && level) return;
    for (std::size_t i = 0; i < 5; ++i) run.tallies.push_back({level, names[i], row[i].met, row[i].not_met, row[i].unknown});
  };
  run.tallies.clear();
  tally(std::nullopt);
  for (auto l : {school_level::mn, school_level::th, school_level::thcs}) tally(l);
  // The checks first, the run last: a run is listed (and counted in the KPIs) only once every
  // one of its checks is stored, so a crash in between leaves no half run on the KPI page.
  for (auto& c : checks) {
    auto r = db.create(std::move(c), actor);
    if (!r) return r.err();
  }
  return db.create(std::move(run), actor);
}

PBGDPL_DECL result<compliance_kpis> read_kpis(store::store& db, const unit_id& scope, std::size_t max_runs) {
  compliance_kpis out;
  // The newest runs of the unit (finished ones: a run is stored when it finished).
  store::list_query q;
  q.where.with_unit(scope, false);
  q.limit = 100;
  std::vector<compliance_run> runs;
  for (;;) {
    auto page = db.list<compliance_run>(q);
    if (!page) return page.err();
    for (auto& r : page->items)
      if (r.finished_at) runs.push_back(std::move(r));
    if (page->next_cursor.empty() || runs.size() >= max_runs) break;
    q.cursor = page->next_cursor;
  }
  if (runs.size() > max_runs) runs.resize(max_runs);
  std::reverse(runs.begin(), runs.end());  // oldest first
  auto checks_of = [&](const compliance_run& run) -> result<std::vector<compliance_check>> {
    store::list_query cq;
    cq.where.category = run.id.value;
    cq.limit = 100;
    cq.oldest_first = true;
    std::vector<compliance_check> cs;
    for (;;) {
      auto page = db.list<compliance_check>(cq);
      if (!page) return page.err();
      for (auto& c : page->items)
        if (c.run == run.id) cs.push_back(std::move(c));
      if (page->next_cursor.empty()) break;
      cq.cursor = page->next_cursor;
    }
    return cs;
  };
  for (const auto& run : runs) {
    const bool latest = &run == &runs.back();
    // A run's own tallies when it has them (every run stored since they were added): the trend
    // then reads one record per run; only the latest run's checks are listed.
    kpi_row overall{};
    bool tallied = false;
    for (const auto& t : run.tallies) {
      static constexpr std::string_view names[5] = {"section", "division_link", "city_banner", "recent_post", "all"};
      if (t.level) continue;
      for (std::size_t i = 0; i < 5; ++i)
        if (t.criterion == names[i]) {
          overall[i] = {t.met, t.not_met, t.unknown};
          tallied = true;
        }
    }
    if (tallied && !latest) {
      kpi_point p{run, {}};
      for (std::size_t i = 0; i < 5; ++i) p.percent[i] = overall[i].percent();
      out.trend.push_back(std::move(p));
      continue;
    }
    auto cs = checks_of(run);
    if (!cs) return cs.err();
    kpi_row row{};
    for (const auto& c : *cs) count(row, c);
    kpi_point p{run, {}};
    for (std::size_t i = 0; i < 5; ++i) p.percent[i] = row[i].percent();
    out.trend.push_back(std::move(p));
    if (latest) {
      out.latest = run;
      out.overall = row;
      for (auto level : {school_level::mn, school_level::th, school_level::thcs}) {
        kpi_row lr{};
        bool any = false;
        for (const auto& c : *cs)
          if (c.level == level) {
            count(lr, c);
            any = true;
          }
        if (any) out.by_level.emplace_back(level, lr);
      }
      out.checks = std::move(*cs);
      std::stable_sort(out.checks.begin(), out.checks.end(), [](const compliance_check& a, const compliance_check& b) {
        if (a.compliant != b.compliant) return !a.compliant;
        auto ma = history_detail::met_count(a), mb = history_detail::met_count(b);
        if (ma != mb) return ma < mb;
        return a.unit.value < b.unit.value;
      });
    }
  }
  return out;
}

PBGDPL_DECL std::string trend_svg(const std::vector<kpi_point>& trend, bool vi, int width, int height) {
  // Colours picked for contrast on white and apart from each other (also in grey scale: the
  // lines differ by dash as well).
  static constexpr const char* colours[5] = {"#1b5e20", "#0d47a1", "#b71c1c", "#6a1b9a", "#000000"};
  static constexpr const char* dashes[5] = {"", "6 3", "2 3", "8 3 2 3", ""};
  const char* names_vi[5] = {"Chuyên mục PBGDPL", "Liên kết đến Phòng", "Banner thành phố", "Bài viết gần đây", "Đạt cả bốn"};
  const char* names_en[5] = {"PBGDPL section", "Division link", "City banner", "Recent post", "All four"};
  const auto& names = vi ? names_vi : names_en;
  const int left = 44, right = 150, top = 16, bottom = 34;
  const int pw = std::max(60, width - left - right), ph = std::max(40, height - top - bottom);
  std::string title = vi ? "Tỉ lệ trường đạt từng tiêu chí qua các lượt kiểm tra" : "Share of schools meeting each criterion over the runs";
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"kpi-trend-title kpi-trend-desc\" width=\"" +
                  std::to_string(width) + "\" height=\"" + std::to_string(height) + "\" viewBox=\"0 0 " + std::to_string(width) + " " +
                  std::to_string(height) + "\" class=\"kpi-chart\">";
  s += "<title id=\"kpi-trend-title\">" + html_escaped(title) + "</title>";
  std::string desc;
  if (trend.empty()) {
    desc = vi ? "Chưa có lượt kiểm tra nào." : "No run yet.";
  } else {
    const auto& last = trend.back();
    desc = vi ? "Lượt gần nhất " + history_detail::short_date(last.run.started_at) + ": " : "Latest run " + history_detail::short_date(last.run.started_at) + ": ";
    for (std::size_t i = 0; i < 5; ++i) {
      char pct[16];
      std::snprintf(pct, sizeof pct, "%.0f%%", last.percent[i]);
      desc += std::string(names[i]) + " " + pct + (i < 4 ? ", " : ".");
    }
  }
  s += "<desc id=\"kpi-trend-desc\">" + html_escaped(desc) + "</desc>";
  auto num = [](double v) {
    char b[24];
    std::snprintf(b, sizeof b, "%.1f", v);
    return std::string(b);
  };
  // Axes and the 0, 50, 100 % grid.
  for (int pct : {0, 25, 50, 75, 100}) {
    double y = top + ph - ph * pct / 100.0;
    s += "<line x1=\"" + std::to_string(left) + "\" x2=\"" + std::to_string(left + pw) + "\" y1=\"" + num(y) + "\" y2=\"" + num(y) +
         "\" stroke=\"#ccc\" stroke-width=\"1\"/>";
    s += "<text x=\"" + std::to_string(left - 6) + "\" y=\"" + num(y + 4) + "\" font-size=\"11\" text-anchor=\"end\" fill=\"#333\">" +
         std::to_string(pct) + "%</text>";
  }
  if (trend.empty()) {
    s += "<text x=\"" + std::to_string(left + pw / 2) + "\" y=\"" + std::to_string(top + ph / 2) +
         "\" font-size=\"13\" text-anchor=\"middle\" fill=\"#333\">" + html_escaped(desc) + "</text></svg>";
    return s;
  }
  auto x_of = [&](std::size_t i) { return trend.size() == 1 ? left + pw / 2.0 : left + pw * double(i) / double(trend.size() - 1); };
  auto y_of = [&](double pct) { return top + ph - ph * std::clamp(pct, 0.0, 100.0) / 100.0; };
  // Dates under the first and last points (and the middle one when there are many).
  std::vector<std::size_t> labelled{0};
  if (trend.size() > 2) labelled.push_back(trend.size() / 2);
  if (trend.size() > 1) labelled.push_back(trend.size() - 1);
  for (auto i : labelled)
    s += "<text x=\"" + num(x_of(i)) + "\" y=\"" + std::to_string(top + ph + 18) + "\" font-size=\"11\" text-anchor=\"middle\" fill=\"#333\">" +
         html_escaped(history_detail::short_date(trend[i].run.started_at)) + "</text>";
  for (std::size_t k = 0; k < 5; ++k) {
    std::string pts;
    for (std::size_t i = 0; i < trend.size(); ++i) pts += (i ? " " : "") + num(x_of(i)) + "," + num(y_of(trend[i].percent[k]));
    s += "<g><title>" + html_escaped(names[k]) + "</title>";
    if (trend.size() > 1)
      s += "<polyline fill=\"none\" stroke=\"" + std::string(colours[k]) + "\" stroke-width=\"" + (k == kpi_all ? "3" : "2") + "\"" +
           (*dashes[k] ? std::string(" stroke-dasharray=\"") + dashes[k] + "\"" : std::string()) + " points=\"" + pts + "\"/>";
    for (std::size_t i = 0; i < trend.size(); ++i)
      s += "<circle cx=\"" + num(x_of(i)) + "\" cy=\"" + num(y_of(trend[i].percent[k])) + "\" r=\"3\" fill=\"" + colours[k] + "\"/>";
    s += "</g>";
    // The legend, right of the plot.
    double ly = top + 8 + 20.0 * double(k);
    s += "<line x1=\"" + std::to_string(left + pw + 12) + "\" x2=\"" + std::to_string(left + pw + 32) + "\" y1=\"" + num(ly) + "\" y2=\"" +
         num(ly) + "\" stroke=\"" + colours[k] + "\" stroke-width=\"3\"" +
         (*dashes[k] ? std::string(" stroke-dasharray=\"") + dashes[k] + "\"" : std::string()) + "/>";
    s += "<text x=\"" + std::to_string(left + pw + 36) + "\" y=\"" + num(ly + 4) + "\" font-size=\"11\" fill=\"#333\">" +
         html_escaped(names[k]) + "</text>";
  }
  s += "</svg>";
  return s;
}

}  // namespace network
PBGDPL_NAMESPACE_END
