// The roll-up checked against totals computed independently, by a plain loop written here, on
// generated data: a few hundred schools under a few wards' offices of one city, random values,
// some reports not sent (drafts, returned, none at all) and some of another period.
#include <pbgdpl/model/report_rollup.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <map>
#include <random>
#include <set>

using namespace pbgdpl;

namespace {

date day(int y, unsigned m, unsigned d) { return date{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}}; }

struct generated {
  report_template t;
  report_period p;
  std::vector<unit> units;
  std::vector<report_submission> reports;
  std::map<std::string, std::string> division_of;  // school → its office
};

indicator ind(std::string code, indicator_kind k) {
  indicator i;
  i.code = std::move(code);
  i.label = "Chỉ tiêu " + i.code;
  i.kind = k;
  i.required = false;
  return i;
}

generated generate(std::uint32_t seed, int divisions, int schools) {
  std::mt19937 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<std::uint32_t>(n)); };
  generated g;
  g.t.id = report_template_id{"bc-kh19"};
  g.t.name = "Báo cáo";
  g.t.owner = unit_id{"so-gddt"};
  g.t.indicators = {ind("articles", indicator_kind::number),    ind("plays", indicator_kind::number),
                    ind("budget_vnd", indicator_kind::number),  ind("trained_percent", indicator_kind::percent),
                    ind("has_section", indicator_kind::boolean), ind("has_banner", indicator_kind::boolean),
                    ind("highlights", indicator_kind::text)};
  g.p.id = report_period_id{"bc-kh19-2026-1"};
  g.p.template_id = g.t.id;
  g.p.calendar_year = 2026;
  g.p.year = school_year{2025};
  g.p.opens_on = day(2026, 5, 15);
  g.p.due_on = day(2026, 6, 30);

  unit city;
  city.id = unit_id{"ha-noi"};
  city.kind = unit_kind::city;
  city.name = city.short_name = "Thành phố Hà Nội";
  g.units.push_back(city);
  for (int d = 0; d < divisions; ++d) {
    unit o;
    o.id = unit_id{"phuong-" + std::to_string(d)};
    o.kind = unit_kind::commune_office;
    o.name = o.short_name = "Phòng Văn hóa - Xã hội phường " + std::to_string(d);
    o.parent = city.id;
    g.units.push_back(o);
  }
  const school_level levels[] = {school_level::mn, school_level::th, school_level::thcs};
  for (int s = 0; s < schools; ++s) {
    unit u;
    u.id = unit_id{"truong-" + std::to_string(s)};
    u.kind = unit_kind::school;
    u.level = levels[s % 3];
    u.name = u.short_name = "Trường " + std::to_string(s);
    u.parent = unit_id{"phuong-" + std::to_string(pick(divisions))};
    g.division_of[u.id.value] = u.parent->value;
    g.units.push_back(u);

    const int fate = pick(100);
    if (fate < 5) continue;  // nothing at all
    report_submission r;
    r.id = submission_id{g.p.id.value + "." + u.id.value};
    r.template_id = g.t.id;
    r.period_id = g.p.id;
    r.unit = u.id;
    r.state = fate < 15 ? submission_state::draft : fate < 20 ? submission_state::returned
              : fate < 60 ? submission_state::submitted : submission_state::accepted;
    auto maybe = [&] { return pick(100) >= 5; };  // one value in twenty left out
    auto num = [&](std::string code, double x) {
      indicator_value v;
      v.code = std::move(code);
      v.number = x;
      r.values.push_back(v);
    };
    auto flag = [&](std::string code, bool x) {
      indicator_value v;
      v.code = std::move(code);
      v.flag = x;
      r.values.push_back(v);
    };
    if (maybe()) num("articles", pick(200));
    if (maybe()) num("plays", pick(1'000'000));
    if (maybe()) num("budget_vnd", 1000.0 * pick(50'000'000));  // up to 5e10 VND: still exact in a double's sums
    if (maybe()) num("trained_percent", std::uniform_real_distribution<double>(0, 100)(rng));
    if (maybe()) flag("has_section", pick(10) < 8);
    if (maybe()) flag("has_banner", pick(2) == 0);
    indicator_value text;
    text.code = "highlights";
    text.text = "Nổi bật " + std::to_string(s);
    r.values.push_back(text);
    g.reports.push_back(r);
    if (pick(10) == 0) {  // a report of another period: never counted here
      r.period_id = report_period_id{"bc-kh19-2025-2"};
      r.id = submission_id{r.period_id.value + "." + u.id.value};
      r.state = submission_state::accepted;
      g.reports.push_back(r);
    }
  }
  return g;
}

// The independent totals: integers as integers, percents as sum and count.
struct expected_totals {
  std::map<std::string, std::int64_t> sum;      // number indicators
  std::map<std::string, std::size_t> count;     // values given, every kind but text
  std::map<std::string, std::size_t> yes;       // boolean
  std::map<std::string, double> percent_sum;    // percent
  std::set<std::string> reported, missing;
};

std::map<std::string, expected_totals> by_loop(const generated& g) {
  std::map<std::string, expected_totals> out;
  std::set<std::string> sent;
  for (const auto& r : g.reports) {
    if (r.period_id != g.p.id) continue;
    if (r.state != submission_state::submitted && r.state != submission_state::accepted) continue;
    sent.insert(r.unit.value);
    for (const std::string& node : {g.division_of.at(r.unit.value), std::string("ha-noi"), r.unit.value}) {
      auto& e = out[node];
      e.reported.insert(r.unit.value);
      for (const auto& v : r.values) {
        if (v.code == "articles" || v.code == "plays" || v.code == "budget_vnd") {
          e.sum[v.code] += static_cast<std::int64_t>(*v.number);
          ++e.count[v.code];
        } else if (v.code == "trained_percent") {
          e.percent_sum[v.code] += *v.number;
          ++e.count[v.code];
        } else if (v.code == "has_section" || v.code == "has_banner") {
          ++e.count[v.code];
          if (*v.flag) ++e.yes[v.code];
        }
      }
    }
  }
  for (const auto& [school, division] : g.division_of) {
    if (sent.count(school)) continue;
    out[division].missing.insert(school);
    out["ha-noi"].missing.insert(school);
    out[school].missing.insert(school);
  }
  return out;
}

void compare(const generated& g) {
  const auto want = by_loop(g);
  const auto got = roll_up(g.t, g.p, g.reports, g.units);
  CHECK(got.unplaced.empty());
  std::size_t nodes_checked = 0;
  for (const auto& [unit, e] : want) {
    const auto* n = got.find(unit);
    const auto& unit_seen = unit;  // clang < 16 cannot capture a structured binding in CAPTURE's lambda
    REQUIRE_MESSAGE(n != nullptr, unit_seen);
    INFO("unit := ", unit_seen);
    ++nodes_checked;
    std::set<std::string> reported, missing;
    for (const auto& u : n->reported) reported.insert(u.value);
    for (const auto& u : n->missing) missing.insert(u.value);
    CHECK(reported == e.reported);
    CHECK(missing == e.missing);
    for (const auto& tot : n->totals) {
      CAPTURE(tot.code);
      auto count = e.count.count(tot.code) ? e.count.at(tot.code) : 0;
      switch (tot.kind) {
        case indicator_kind::number: {
          auto sum = e.sum.count(tot.code) ? e.sum.at(tot.code) : 0;
          CHECK(tot.count == count);
          CHECK(tot.sum == static_cast<double>(sum));                               // exact
          CHECK(static_cast<std::int64_t>(tot.sum) == sum);
          break;
        }
        case indicator_kind::percent: {
          CHECK(tot.count == count);
          const double mean = count ? e.percent_sum.at(tot.code) / static_cast<double>(count) : 0;
          CHECK(std::fabs(tot.mean() - mean) <= 1e-9);
          break;
        }
        case indicator_kind::boolean: {
          auto yes = e.yes.count(tot.code) ? e.yes.at(tot.code) : 0;
          CHECK(tot.count == count);
          CHECK(tot.yes == yes);
          const double share = count ? static_cast<double>(yes) / static_cast<double>(count) : 0;
          const double got_share = tot.count ? static_cast<double>(tot.yes) / static_cast<double>(tot.count) : 0;
          CHECK(std::fabs(got_share - share) <= 1e-9);
          break;
        }
        case indicator_kind::text: CHECK(tot.count == 0); break;
      }
    }
  }
  // Every school, office and the city is in the answer: nothing reached a node the loop missed.
  CHECK(nodes_checked == got.nodes.size());
}

}  // namespace

TEST_CASE("the roll-up of generated reports equals totals a plain loop computes, per office and for the city") {
  for (std::uint32_t seed : {1u, 17u, 2026u}) {
    CAPTURE(seed);
    auto g = generate(seed, 5, 300);
    compare(g);
  }
}

TEST_CASE("the independent totals are not trivially met: a changed value changes the roll-up") {
  auto g = generate(7, 3, 120);
  const auto before = roll_up(g.t, g.p, g.reports, g.units);
  // Change one sent report's count: the city total moves by exactly that much.
  for (auto& r : g.reports) {
    if (r.period_id != g.p.id || r.state != submission_state::accepted) continue;
    for (auto& v : r.values)
      if (v.code == "articles") {
        *v.number += 1000;
        const auto after = roll_up(g.t, g.p, g.reports, g.units);
        CHECK(after.find("ha-noi")->totals[0].sum == before.find("ha-noi")->totals[0].sum + 1000);
        compare(g);
        return;
      }
  }
  FAIL("no accepted report with an article count was generated");
}
