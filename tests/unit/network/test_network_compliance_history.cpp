#include <pbgdpl/network/compliance_history.hpp>
#include <pbgdpl/store/memory.hpp>

#include <doctest/doctest.h>

#include "../store/fixtures.hpp"

using namespace pbgdpl;
using namespace fixtures;

namespace {

network::site_result result_for(std::string unit, std::array<network::verdict, 4> v) {
  network::site_result r;
  r.unit = unit_id{unit};
  r.site = "https://" + unit + ".hadong.edu.vn/";
  r.started = at("2026-11-30T08:00:00+07:00");
  r.finished = at("2026-11-30T08:00:05+07:00");
  const network::criterion cs[4] = {network::criterion::section, network::criterion::division_link, network::criterion::city_banner,
                                    network::criterion::recent_post};
  for (int i = 0; i < 4; ++i) {
    network::criterion_result c;
    c.which = cs[i];
    c.verdict = v[i];
    if (v[i] == network::verdict::met) c.evidence.push_back({r.site, "<a>", "pho-bien-phap-luat", "slug", 0.9});
    r.criteria.push_back(c);
  }
  return r;
}

unit school(std::string id, school_level l) {
  auto u = make_unit(id, "Trường " + id, "pgd");
  u.level = l;
  return u;
}

}  // namespace

TEST_CASE("a compliance run is stored with one check per school and counted per criterion and level") {
  using network::verdict;
  auto db = make_memory_store();
  std::vector<unit> units{make_unit("pgd", "Phòng GD&ĐT", std::nullopt, unit_kind::education_division), school("mn-a", school_level::mn),
                          school("th-a", school_level::th), school("th-b", school_level::th), school("thcs-a", school_level::thcs)};
  auto ended = school("thcs-old", school_level::thcs);
  ended.closed_on = date{std::chrono::year{2025}, std::chrono::month{6}, std::chrono::day{30}};
  units.push_back(ended);
  auto dir = unit_directory::at(units, date{std::chrono::year{2026}, std::chrono::month{11}, std::chrono::day{30}});
  auto schools = network::schools_below(dir, "pgd");
  REQUIRE(schools.size() == 4);  // the ended school is not crawled
  for (auto* s : schools) CHECK(s->id.value != "thcs-old");

  const verdict M = verdict::met, N = verdict::not_met, U = verdict::unknown;
  std::vector<network::site_result> results{result_for("mn-a", {M, M, M, M}), result_for("th-a", {M, M, N, M}),
                                            result_for("th-b", {M, N, N, N}), result_for("thcs-a", {U, U, U, U})};
  compliance_run run;
  run.unit = unit_id{"pgd"};
  run.started_at = at("2026-11-30T08:00:00+07:00");
  run.recent_days = 90;
  run.trigger = "test";
  auto saved = network::save_run(*db, run, results, dir, "system");
  REQUIRE_MESSAGE(saved.has_value(), (saved ? std::string() : saved.err().describe()));
  CHECK(saved->id.value.rfind("20261130-080000-", 0) == 0);
  CHECK(saved->sites == 4);

  auto k = network::read_kpis(*db, unit_id{"pgd"}).value();
  REQUIRE(k.latest);
  CHECK(k.latest->id == saved->id);
  CHECK(k.overall[0].met == 3);  // section: mn-a, th-a, th-b
  CHECK(k.overall[1].met == 2);
  CHECK(k.overall[2].met == 1);
  CHECK(k.overall[2].not_met == 2);
  CHECK(k.overall[2].unknown == 1);
  CHECK(k.overall[network::kpi_all].met == 1);
  CHECK(k.overall[network::kpi_all].percent() == doctest::Approx(25.0));
  REQUIRE(k.by_level.size() == 3);
  CHECK(k.by_level[1].first == school_level::th);
  CHECK(k.by_level[1].second[0].met == 2);
  CHECK(k.by_level[1].second[network::kpi_all].met == 0);
  // Schools to follow up first: fewest criteria met, the compliant one last.
  REQUIRE(k.checks.size() == 4);
  CHECK(k.checks.back().unit.value == "mn-a");
  CHECK(k.checks.front().unit.value == "thcs-a");
  CHECK(k.checks[1].unit.value == "th-b");
  // The evidence travels whole in the check.
  auto back = from_json_text<network::site_result>(k.checks.back().result).value();
  CHECK(back == results[0]);

  // A second run a week later: the trend has two points, oldest first.
  results[1] = result_for("th-a", {M, M, M, M});
  run.started_at = at("2026-12-07T08:00:00+07:00");
  auto second = network::save_run(*db, run, results, dir, "system").value();
  k = network::read_kpis(*db, unit_id{"pgd"}).value();
  CHECK(k.latest->id == second.id);
  REQUIRE(k.trend.size() == 2);
  CHECK(k.trend[0].percent[network::kpi_all] == doctest::Approx(25.0));
  CHECK(k.trend[1].percent[network::kpi_all] == doctest::Approx(50.0));
  CHECK(k.trend[1].percent[2] == doctest::Approx(50.0));
  // The first run's figures come from its own tallies: its checks are not read again.
  REQUIRE(saved->tallies.size() == 4 * 5);  // overall, MN, TH, THCS
  CHECK(saved->tallies[4].criterion == "all");
  CHECK(saved->tallies[4].met == 1);
  CHECK_FALSE(saved->tallies[4].level);
  for (const auto* u : {"mn-a", "th-a", "th-b", "thcs-a"}) {
    auto id = saved->id.value + "." + u;
    auto c = db->get<compliance_check>(id).value();
    REQUIRE(db->remove<compliance_check>(id, c.version, "system"));
  }
  k = network::read_kpis(*db, unit_id{"pgd"}).value();
  REQUIRE(k.trend.size() == 2);
  CHECK(k.trend[0].percent[network::kpi_all] == doctest::Approx(25.0));
  CHECK(k.trend[0].percent[0] == doctest::Approx(75.0));
  // Another unit's runs are not counted here.
  run.unit = unit_id{"other"};
  CHECK(network::save_run(*db, run, results, dir, "system"));
  CHECK(network::read_kpis(*db, unit_id{"pgd"}).value().trend.size() == 2);

  auto svg = network::trend_svg(k.trend, true);
  CHECK(svg.rfind("<svg", 0) == 0);
  CHECK(svg.find("<title id=\"kpi-trend-title\">") != std::string::npos);
  CHECK(svg.find("Đạt cả bốn 50%") != std::string::npos);
  CHECK(svg.find("30/11/2026") != std::string::npos);
  CHECK(svg.find("07/12/2026") != std::string::npos);
  CHECK(std::count(svg.begin(), svg.end(), '<') == std::count(svg.begin(), svg.end(), '>'));
  CHECK(network::trend_svg({}, false).find("No run yet.") != std::string::npos);
}

TEST_CASE("a stored check refuses a verdict it does not know and a compliant flag that disagrees") {
  compliance_check c;
  c.id = compliance_check_id{"r.s"};
  c.run = compliance_run_id{"r"};
  c.unit = unit_id{"s"};
  c.checked_at = at("2026-11-30T08:00:00+07:00");
  c.section = c.division_link = c.city_banner = c.recent_post = "met";
  c.compliant = true;
  CHECK(check(c));
  c.recent_post = "yes";
  CHECK_FALSE(check(c));
  c.recent_post = "not_met";
  CHECK_FALSE(check(c));  // compliant still true
  c.compliant = false;
  CHECK(check(c));
}

TEST_CASE("a school whose recorded website is not a web URL does not lose the whole run") {
  auto db = make_memory_store();
  std::vector<unit> units{make_unit("pgd", "Phòng GD&ĐT", std::nullopt, unit_kind::education_division), school("th-a", school_level::th),
                          school("th-b", school_level::th)};
  auto dir = unit_directory::at(units, date{std::chrono::year{2026}, std::chrono::month{11}, std::chrono::day{30}});
  auto odd = result_for("th-a", {network::verdict::unknown, network::verdict::unknown, network::verdict::unknown, network::verdict::unknown});
  odd.site = "javascript:alert(1)";
  std::vector<network::site_result> results{odd, result_for("th-b", {network::verdict::met, network::verdict::met,
                                                                      network::verdict::met, network::verdict::met})};
  compliance_run run;
  run.unit = unit_id{"pgd"};
  run.started_at = at("2026-11-30T08:00:00+07:00");
  auto saved = network::save_run(*db, run, results, dir, "system");
  REQUIRE_MESSAGE(saved.has_value(), (saved ? std::string() : saved.err().describe()));
  auto k = network::read_kpis(*db, unit_id{"pgd"}).value();
  REQUIRE(k.checks.size() == 2);
  CHECK(k.checks.front().site.empty());
  CHECK(k.overall[network::kpi_all].met == 1);
}
