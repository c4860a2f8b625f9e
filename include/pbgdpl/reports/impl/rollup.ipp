// Bodies of reports/rollup.hpp: compiled once into the reports tier (src/reports/rollup.cpp), or
// included by the header in header-only builds.
#pragma once
#include "../rollup.hpp"

#include "../../core/escape.hpp"
#include "../../core/text.hpp"
#include "../../model/unit_directory.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <unordered_map>
#include <utility>

PBGDPL_NAMESPACE_BEGIN
namespace reports {

namespace detail {

// One indicator summed up over units as they come, whatever the rule; finish() reads it out.
struct accumulator {
  double sum = 0;
  std::size_t units = 0, yes = 0;
  bool has_last = false;
  timestamp last_at{};
  std::string_view last_unit;
  std::optional<double> last_number;
  std::string_view last_text;
};

inline bool gives_value(const indicator_value& v) noexcept { return v.number || v.flag || v.text; }

inline void add(accumulator& a, aggregation_rule rule, const indicator_value& v, timestamp at,
                std::string_view unit) {
  switch (rule) {
    case aggregation_rule::sum:
    case aggregation_rule::average:
      if (v.number) {
        a.sum += *v.number;
        ++a.units;
      } else if (v.flag) {
        a.sum += *v.flag ? 1 : 0;
        ++a.units;
      }
      break;
    case aggregation_rule::share_of_units:
      if (v.flag) {
        ++a.units;
        if (*v.flag) ++a.yes;
      } else if (v.number) {
        ++a.units;
        if (*v.number > 0) ++a.yes;
      }
      break;
    case aggregation_rule::last:
      if (!gives_value(v)) break;
      // The latest report wins; the same instant goes to the larger id, so the order of the input
      // does not matter.
      if (!a.has_last || at > a.last_at || (at == a.last_at && unit > a.last_unit)) {
        a.has_last = true;
        a.last_at = at;
        a.last_unit = unit;
        a.last_number = v.number ? v.number : v.flag ? std::optional<double>(*v.flag ? 1 : 0) : std::nullopt;
        a.last_text = v.text ? std::string_view(*v.text) : std::string_view{};
      }
      ++a.units;
      break;
  }
}

inline cell finish(const accumulator& a, aggregation_rule rule, const std::string& code) {
  cell c;
  c.code = code;
  c.units = a.units;
  c.yes = a.yes;
  if (a.units == 0) return c;
  switch (rule) {
    case aggregation_rule::sum: c.value = a.sum; break;
    case aggregation_rule::average: c.value = a.sum / static_cast<double>(a.units); break;
    case aggregation_rule::share_of_units:
      c.value = 100.0 * static_cast<double>(a.yes) / static_cast<double>(a.units);
      break;
    case aggregation_rule::last:
      c.value = a.last_number;
      c.text = std::string(a.last_text);
      break;
  }
  return c;
}

// A unit's own value as a cell.
inline cell own_cell(const indicator& ind, const indicator_value* v) {
  cell c;
  c.code = ind.code;
  if (!v) return c;
  c.comment = v->comment;
  if (v->number) {
    c.value = v->number;
  } else if (v->flag) {
    c.value = *v->flag ? 1 : 0;
    c.yes = *v->flag ? 1 : 0;
  }
  if (v->text) c.text = *v->text;
  if (gives_value(*v)) c.units = 1;
  if (v->number && aggregation_of(ind) == aggregation_rule::share_of_units && *v->number > 0) c.yes = 1;
  return c;
}

// How far along a report is: of several reports of one unit, the furthest counts.
inline int state_rank(submission_state s) noexcept {
  switch (s) {
    case submission_state::accepted: return 5;
    case submission_state::submitted: return 4;
    case submission_state::excused: return 3;
    case submission_state::returned: return 2;
    case submission_state::draft: return 1;
  }
  return 0;
}

inline bool counts(submission_state s, const rollup_options& o) noexcept {
  return s == submission_state::accepted || (o.include_submitted && s == submission_state::submitted);
}

// The report of each unit that counts for period p: one per unit.
inline std::unordered_map<std::string_view, const report_submission*> pick_reports(
    const report_period& p, std::span<const report_submission> submissions) {
  std::unordered_map<std::string_view, const report_submission*> best;
  for (const auto& s : submissions) {
    if (s.period_id != p.id) continue;
    auto [it, fresh] = best.emplace(s.unit.value, &s);
    if (fresh) continue;
    const auto* o = it->second;
    int a = state_rank(s.state), b = state_rank(o->state);
    auto at = s.submitted_at.value_or(timestamp{}), bt = o->submitted_at.value_or(timestamp{});
    if (a > b || (a == b && (at > bt || (at == bt && s.id.value > o->id.value)))) it->second = &s;
  }
  return best;
}

// Rules, indexes and the codes with a school-level breakdown, computed once per template.
struct template_plan {
  std::vector<aggregation_rule> rules;
  std::unordered_map<std::string_view, std::size_t> at;
  std::vector<std::size_t> by_level;  // indexes of indicators broken down by school level
  std::vector<std::size_t> targeted;  // indexes of indicators with a target
  std::optional<std::size_t> articles;

  explicit template_plan(const report_template& t) {
    for (std::size_t k = 0; k < t.indicators.size(); ++k) {
      const auto& ind = t.indicators[k];
      rules.push_back(aggregation_of(ind));
      at.emplace(ind.code, k);
      if (std::find(ind.breakdowns.begin(), ind.breakdowns.end(), "school_level") != ind.breakdowns.end())
        by_level.push_back(k);
      if (ind.target) targeted.push_back(k);
      if (ind.source == "articles.published") articles = k;
    }
    if (!articles) {
      auto it = at.find("articles_published");
      if (it != at.end()) articles = it->second;
    }
  }
};

struct group {
  std::vector<accumulator> acc;
  std::size_t expected = 0, counted = 0, excused = 0, awaiting = 0, missing = 0;
};

inline void add_report(group& g, const template_plan& plan, const report_submission& s) {
  auto at = s.submitted_at.value_or(timestamp{});
  // A value listed twice (a record the model's checks would refuse) counts once: the first.
  std::vector<bool> seen(plan.rules.size(), false);
  for (const auto& v : s.values) {
    auto k = plan.at.find(v.code);
    if (k == plan.at.end() || seen[k->second]) continue;
    seen[k->second] = true;
    add(g.acc[k->second], plan.rules[k->second], v, at, s.unit.value);
  }
}

inline std::vector<cell> finish_all(const group& g, const template_plan& plan, const report_template& t) {
  std::vector<cell> out;
  out.reserve(t.indicators.size());
  for (std::size_t k = 0; k < t.indicators.size(); ++k)
    out.push_back(finish(g.acc[k], plan.rules[k], t.indicators[k].code));
  return out;
}

inline std::vector<kpi> kpis_of(const std::vector<cell>& cells, const template_plan& plan,
                                const report_template& t) {
  std::vector<kpi> out;
  for (auto k : plan.targeted) {
    kpi x;
    x.code = t.indicators[k].code;
    x.target = *t.indicators[k].target;
    x.actual = cells[k].value.value_or(0);
    x.met = x.actual >= x.target - 1e-9;
    out.push_back(std::move(x));
  }
  return out;
}

inline std::string sort_key(std::string_view name) {
  auto f = text::fold(name);
  return f ? std::move(*f) : std::string(name);
}

inline double percent(std::size_t part, std::size_t whole) noexcept {
  return whole ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 100.0;
}

}  // namespace detail

PBGDPL_DECL std::string_view ranking_formula_vi() noexcept {
  return "Điểm = 100 × số chỉ tiêu của Kế hoạch mà trường đạt / số chỉ tiêu có mục tiêu (chỉ tiêu "
         "tính theo tỷ lệ đơn vị đạt khi trường trả lời có hoặc có giá trị lớn hơn 0, chỉ tiêu khác đạt "
         "khi giá trị không nhỏ hơn mục tiêu). Bằng điểm thì trường đăng nhiều bài hơn đứng trước, rồi "
         "theo tên.";
}
PBGDPL_DECL std::string_view ranking_formula_en() noexcept {
  return "Score = 100 × the plan's targets the school meets / the indicators with a target (a "
         "share-of-units target is met by a yes or a value above 0, any other by a value at least the "
         "target). Equal scores: more articles published first, then by name.";
}

PBGDPL_DECL division_view division_rollup(const report_template& t, const report_period& p,
                                          std::span<const report_submission> submissions, std::vector<unit> units,
                                          const unit_id& division, const rollup_options& options) {
  division_view v;
  v.period = p.id;
  v.template_id = t.id;
  v.unit = division;
  v.as_of = p.due_on;
  v.include_submitted = options.include_submitted;
  const auto tree = unit_directory::at(std::move(units), p.due_on);
  if (!tree.contains(division.value)) return v;
  v.name = std::string(tree.name(division.value));
  const detail::template_plan plan(t);
  const auto reports = detail::pick_reports(p, submissions);
  const std::size_t n = t.indicators.size();

  detail::group all;
  all.acc.resize(n);
  // mn, th, thcs, none
  std::array<detail::group, 4> levels;
  for (auto& g : levels) g.acc.resize(n);
  auto level_slot = [](const std::optional<school_level>& l) -> std::size_t {
    return l ? static_cast<std::size_t>(*l) : 3;
  };

  std::vector<std::pair<std::string, std::size_t>> order;  // sort key, index in v.schools
  for (const auto& u : tree.subtree(division.value)) {
    if (u.kind != unit_kind::school || tree.ended(u.id.value) || !is_open_on(u, p.due_on)) continue;
    unit_row row;
    row.unit = u.id;
    row.name = u.name;
    row.level = u.level;
    ++all.expected;
    auto& lg = levels[level_slot(u.level)];
    ++lg.expected;
    auto it = reports.find(u.id.value);
    if (it == reports.end()) {
      ++all.missing;
      ++lg.missing;
    } else {
      const auto& s = *it->second;
      row.state = s.state;
      row.submitted_at = s.submitted_at;
      if (s.state == submission_state::excused) {
        ++all.excused;
        ++lg.excused;
      } else if (detail::counts(s.state, options)) {
        row.counted = true;
        ++all.counted;
        ++lg.counted;
        detail::add_report(all, plan, s);
        detail::add_report(lg, plan, s);
        for (const auto& ind : t.indicators) row.cells.push_back(detail::own_cell(ind, find_value(s, ind.code)));
      } else if (s.state == submission_state::submitted) {
        ++all.awaiting;
        ++lg.awaiting;
      } else {
        ++all.missing;  // a draft or a returned report is not there yet
        ++lg.missing;
      }
    }
    order.emplace_back(detail::sort_key(row.name), v.schools.size());
    v.schools.push_back(std::move(row));
  }
  // By name (folded, so "Đ" sorts with "D"), then id.
  std::sort(order.begin(), order.end(), [&](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    return v.schools[a.second].unit.value < v.schools[b.second].unit.value;
  });
  std::vector<unit_row> sorted;
  sorted.reserve(v.schools.size());
  for (const auto& o : order) sorted.push_back(std::move(v.schools[o.second]));
  v.schools = std::move(sorted);

  v.total = detail::finish_all(all, plan, t);
  v.kpis = detail::kpis_of(v.total, plan, t);
  v.expected = all.expected;
  v.counted = all.counted;
  v.excused = all.excused;
  v.awaiting = all.awaiting;
  v.missing = all.missing;

  if (!plan.by_level.empty()) {
    static constexpr std::array<std::string_view, 4> names{"mn", "th", "thcs", ""};
    for (std::size_t l = 0; l < levels.size(); ++l) {
      if (levels[l].counted == 0) continue;
      level_row r;
      r.level = std::string(names[l]);
      r.units = levels[l].counted;
      for (auto k : plan.by_level) r.cells.push_back(detail::finish(levels[l].acc[k], plan.rules[k], t.indicators[k].code));
      v.by_level.push_back(std::move(r));
    }
  }

  // Ranking: the counted schools by the share of targets their own values meet.
  for (const auto& row : v.schools) {
    if (!row.counted) continue;
    ranking_entry e;
    e.unit = row.unit;
    e.name = row.name;
    e.kpis = plan.targeted.size();
    for (auto k : plan.targeted) {
      const auto& c = row.cells[k];
      bool met = plan.rules[k] == aggregation_rule::share_of_units
                     ? c.yes > 0
                     : (c.value && *c.value >= *t.indicators[k].target - 1e-9);
      if (met) ++e.kpis_met;
    }
    e.score = e.kpis ? 100.0 * static_cast<double>(e.kpis_met) / static_cast<double>(e.kpis) : 0;
    if (plan.articles) e.articles = row.cells[*plan.articles].value.value_or(0);
    v.ranking.push_back(std::move(e));
  }
  std::stable_sort(v.ranking.begin(), v.ranking.end(), [](const ranking_entry& a, const ranking_entry& b) {
    if (a.score != b.score) return a.score > b.score;
    return a.articles > b.articles;  // stable: then the name order of v.schools
  });
  return v;
}

PBGDPL_DECL city_view city_rollup(const report_template& t, const report_period& p,
                                  std::span<const report_submission> submissions, std::vector<unit> units,
                                  const unit_id& city, const rollup_options& options) {
  city_view v;
  v.period = p.id;
  v.template_id = t.id;
  v.unit = city;
  v.as_of = p.due_on;
  v.include_submitted = options.include_submitted;
  const auto tree = unit_directory::at(std::move(units), p.due_on);
  if (!tree.contains(city.value)) return v;
  v.name = std::string(tree.name(city.value));
  const detail::template_plan plan(t);
  const auto reports = detail::pick_reports(p, submissions);
  const std::size_t n = t.indicators.size();

  detail::group all;
  all.acc.resize(n);
  std::unordered_map<std::string_view, std::size_t> area_at;  // parent id -> index in groups
  std::vector<detail::group> groups;
  std::vector<const unit*> area_units;
  for (const auto& u : tree.subtree(city.value)) {
    if (u.kind != unit_kind::school || tree.ended(u.id.value) || !is_open_on(u, p.due_on)) continue;
    const unit* parent = tree.parent(u.id.value);
    if (!parent) continue;  // the city itself is a school: nothing above it to group by
    auto [it, fresh] = area_at.emplace(parent->id.value, groups.size());
    if (fresh) {
      groups.emplace_back().acc.resize(n);
      area_units.push_back(parent);
    }
    auto& g = groups[it->second];
    ++g.expected;
    ++all.expected;
    auto r = reports.find(u.id.value);
    if (r == reports.end()) {
      ++g.missing;
      ++all.missing;
    } else if (r->second->state == submission_state::excused) {
      ++g.excused;
      ++all.excused;
    } else if (detail::counts(r->second->state, options)) {
      ++g.counted;
      ++all.counted;
      detail::add_report(g, plan, *r->second);
      detail::add_report(all, plan, *r->second);
    } else if (r->second->state == submission_state::submitted) {
      ++g.awaiting;
      ++all.awaiting;
    } else {
      ++g.missing;
      ++all.missing;
    }
  }
  std::vector<std::pair<std::string, std::size_t>> order;
  for (std::size_t i = 0; i < groups.size(); ++i) order.emplace_back(detail::sort_key(area_units[i]->name), i);
  std::sort(order.begin(), order.end(), [&](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    return area_units[a.second]->id.value < area_units[b.second]->id.value;
  });
  for (const auto& o : order) {
    const auto& g = groups[o.second];
    area_row row;
    row.unit = area_units[o.second]->id;
    row.name = area_units[o.second]->name;
    row.kind = area_units[o.second]->kind;
    row.expected = g.expected;
    row.counted = g.counted;
    row.excused = g.excused;
    row.awaiting = g.awaiting;
    row.missing = g.missing;
    row.completeness = detail::percent(g.counted + g.awaiting + g.excused, g.expected);
    row.cells = detail::finish_all(g, plan, t);
    row.kpis = detail::kpis_of(row.cells, plan, t);
    v.areas.push_back(std::move(row));
  }
  v.total = detail::finish_all(all, plan, t);
  v.kpis = detail::kpis_of(v.total, plan, t);
  v.expected = all.expected;
  v.counted = all.counted;
  v.excused = all.excused;
  v.awaiting = all.awaiting;
  v.missing = all.missing;
  return v;
}

PBGDPL_DECL trend_chart trend_of(const report_template& t, std::span<const report_period> periods,
                                 std::span<const division_view> views, std::span<const std::string> codes,
                                 bool english) {
  trend_chart c;
  const std::size_t n = std::min(periods.size(), views.size());
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return calendar_before(periods[a], periods[b]); });
  for (auto i : order) {
    const auto& p = periods[i];
    auto year = std::to_string(p.calendar_year);
    bool first = p.round == report_round::first;
    c.x_labels.push_back(english ? year + (first ? " round 1" : " round 2")
                                 : year + (first ? " đợt 1" : " đợt 2"));
  }
  std::vector<std::string> units;
  for (const auto& code : codes) {
    const auto* ind = find_indicator(t, code);
    if (!ind) continue;
    trend_series s;
    s.code = code;
    s.label = english && !ind->label_en.empty() ? ind->label_en : ind->label;
    auto rule = aggregation_of(*ind);
    units.push_back(rule == aggregation_rule::share_of_units || ind->kind == indicator_kind::percent
                        ? std::string("%")
                        : ind->unit_label);
    for (auto i : order) {
      std::optional<double> x;
      for (const auto& cl : views[i].total)
        if (cl.code == code) x = cl.value;
      s.values.push_back(x);
    }
    c.series.push_back(std::move(s));
  }
  // One unit label when every series shares it.
  if (!units.empty() && std::all_of(units.begin(), units.end(), [&](const auto& u) { return u == units[0]; }))
    c.unit_label = units[0];
  c.title = (english ? "Trend: " : "Xu hướng: ") + t.name;
  return c;
}

PBGDPL_DECL std::string trend_svg(const trend_chart& chart, chart_style style, std::string_view id) {
  std::string prefix;
  for (char c : id.substr(0, 64))
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_') prefix += c;
  if (prefix.empty() || (prefix[0] >= '0' && prefix[0] <= '9') || prefix[0] == '-') prefix = "trend" + prefix;
  // Okabe-Ito: told apart by readers with colour-vision deficiencies.
  static constexpr std::array<std::string_view, 8> colours{"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                                            "#E69F00", "#56B4E9", "#000000", "#F0E442"};
  const double width = 720, left = 64, right = 16, top = 40, plot_h = 240;
  const std::size_t nx = chart.x_labels.size();
  const std::size_t ns = chart.series.size();
  const double legend_top = top + plot_h + 48;
  const double height = legend_top + 22.0 * static_cast<double>(ns) + 12;
  const double plot_w = width - left - right;

  double max = 0;
  for (const auto& s : chart.series)
    for (const auto& x : s.values)
      if (x && std::isfinite(*x)) max = std::max(max, *x);
  // A round top: 1, 2 or 5 times a power of ten, at least the largest value.
  double top_value = 1;
  if (max > 0) {
    double p = std::pow(10.0, std::floor(std::log10(max)));
    top_value = max <= p ? p : max <= 2 * p ? 2 * p : max <= 5 * p ? 5 * p : 10 * p;
  }
  auto y_of = [&](double x) { return top + plot_h - plot_h * std::clamp(x, 0.0, top_value) / top_value; };
  auto x_of = [&](std::size_t i) {
    return left + plot_w * (static_cast<double>(i) + 0.5) / static_cast<double>(nx ? nx : 1);
  };
  auto num = [](double x) {
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, std::round(x * 10) / 10, std::chars_format::fixed, 1);
    std::string s(buf, r.ptr);
    if (s.size() > 2 && s.ends_with(".0")) s.resize(s.size() - 2);
    return s;
  };
  std::string out;
  out.reserve(4096);
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + num(width) + " " + num(height) +
         "\" role=\"img\" aria-labelledby=\"" + prefix + "-title " + prefix +
         "-desc\" font-family=\"DejaVu Sans, sans-serif\" font-size=\"12\">\n";
  out += "<title id=\"" + prefix + "-title\">";
  append_xml_escaped(out, chart.title);
  out += "</title>\n<desc id=\"" + prefix + "-desc\">";
  // The data in words, for readers who cannot see the chart.
  for (std::size_t s = 0; s < ns; ++s) {
    if (s) out += "; ";
    append_xml_escaped(out, chart.series[s].label);
    out += ":";
    for (std::size_t i = 0; i < nx; ++i) {
      out += i ? ", " : " ";
      append_xml_escaped(out, chart.x_labels[i]);
      out += " ";
      const auto& v = i < chart.series[s].values.size() ? chart.series[s].values[i] : std::optional<double>{};
      out += v ? num(*v) : "-";
    }
  }
  out += "</desc>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
  out += "<text x=\"" + num(left) + "\" y=\"24\" font-size=\"14\" font-weight=\"bold\">";
  append_xml_escaped(out, chart.title);
  out += "</text>\n";
  if (!chart.unit_label.empty()) {
    out += "<text x=\"8\" y=\"" + num(top - 8) + "\">";
    append_xml_escaped(out, chart.unit_label);
    out += "</text>\n";
  }
  // Grid and y ticks.
  for (int i = 0; i <= 4; ++i) {
    double val = top_value * i / 4, y = y_of(val);
    out += "<line x1=\"" + num(left) + "\" y1=\"" + num(y) + "\" x2=\"" + num(width - right) + "\" y2=\"" +
           num(y) + "\" stroke=\"#cccccc\"/>\n";
    out += "<text x=\"" + num(left - 6) + "\" y=\"" + num(y + 4) + "\" text-anchor=\"end\">" + num(val) +
           "</text>\n";
  }
  for (std::size_t i = 0; i < nx; ++i) {
    out += "<text x=\"" + num(x_of(i)) + "\" y=\"" + num(top + plot_h + 18) + "\" text-anchor=\"middle\">";
    append_xml_escaped(out, chart.x_labels[i]);
    out += "</text>\n";
  }
  for (std::size_t s = 0; s < ns; ++s) {
    const auto& series = chart.series[s];
    const std::string colour(colours[s % colours.size()]);
    out += "<g>\n";
    if (style == chart_style::bar) {
      double slot = plot_w / static_cast<double>(nx ? nx : 1);
      double bw = slot * 0.8 / static_cast<double>(ns ? ns : 1);
      for (std::size_t i = 0; i < nx && i < series.values.size(); ++i) {
        if (!series.values[i] || !std::isfinite(*series.values[i])) continue;
        double x = left + slot * static_cast<double>(i) + slot * 0.1 + bw * static_cast<double>(s);
        double y = y_of(*series.values[i]);
        out += "<rect x=\"" + num(x) + "\" y=\"" + num(y) + "\" width=\"" + num(bw) + "\" height=\"" +
               num(top + plot_h - y) + "\" fill=\"" + colour + "\"><title>";
        append_xml_escaped(out, series.label);
        out += ", ";
        append_xml_escaped(out, chart.x_labels[i]);
        out += ": " + num(*series.values[i]) + "</title></rect>\n";
      }
    } else {
      // A missing value breaks the line.
      std::string d;
      bool pen = false;
      for (std::size_t i = 0; i < nx && i < series.values.size(); ++i) {
        if (!series.values[i] || !std::isfinite(*series.values[i])) {
          pen = false;
          continue;
        }
        d += (pen ? " L" : (d.empty() ? "M" : " M")) + num(x_of(i)) + " " + num(y_of(*series.values[i]));
        pen = true;
      }
      if (!d.empty())
        out += "<path d=\"" + d + "\" fill=\"none\" stroke=\"" + colour + "\" stroke-width=\"2\"/>\n";
      for (std::size_t i = 0; i < nx && i < series.values.size(); ++i) {
        if (!series.values[i] || !std::isfinite(*series.values[i])) continue;
        out += "<circle cx=\"" + num(x_of(i)) + "\" cy=\"" + num(y_of(*series.values[i])) + "\" r=\"4\" fill=\"" +
               colour + "\"><title>";
        append_xml_escaped(out, series.label);
        out += ", ";
        append_xml_escaped(out, chart.x_labels[i]);
        out += ": " + num(*series.values[i]) + "</title></circle>\n";
      }
    }
    double ly = legend_top + 22.0 * static_cast<double>(s);
    out += "<rect x=\"" + num(left) + "\" y=\"" + num(ly - 10) + "\" width=\"12\" height=\"12\" fill=\"" + colour +
           "\"/>\n<text x=\"" + num(left + 18) + "\" y=\"" + num(ly) + "\">";
    append_xml_escaped(out, series.label);
    out += "</text>\n</g>\n";
  }
  out += "</svg>\n";
  return out;
}

}  // namespace reports
PBGDPL_NAMESPACE_END
