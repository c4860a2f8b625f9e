#include <pbgdpl/reports/rollup.hpp>

#include <doctest/doctest.h>

#include "rollup_fixture.hpp"

#include <expat.h>

#include <algorithm>
#include <array>
#include <map>
#include <random>

using namespace pbgdpl;
using namespace pbgdpl::reports;
using namespace rollup_fixture;

namespace {

const cell& cell_of(const std::vector<cell>& cells, std::string_view code) {
  auto it = std::find_if(cells.begin(), cells.end(), [&](const cell& c) { return c.code == code; });
  REQUIRE(it != cells.end());
  return *it;
}

const unit_row& row_of(const division_view& v, std::string_view id) {
  auto it = std::find_if(v.schools.begin(), v.schools.end(), [&](const unit_row& r) { return r.unit.value == id; });
  REQUIRE(it != v.schools.end());
  return *it;
}

// Whether `xml` is well-formed XML (expat, as any XML reader).
bool well_formed(const std::string& xml) {
  XML_Parser p = XML_ParserCreate("UTF-8");
  bool ok = XML_Parse(p, xml.data(), static_cast<int>(xml.size()), 1) == XML_STATUS_OK;
  XML_ParserFree(p);
  return ok;
}

}  // namespace

TEST_SUITE("reports/rollup") {
  TEST_CASE("the division totals each indicator by its rule over the approved reports only") {
    auto t = kh19();
    auto p = period(2024, report_round::first);
    auto v = division_rollup(t, p, reports_2024(p), units(), unit_id{"pgddt-ha-dong"});
    CHECK(v.name == "Phòng Giáo dục và Đào tạo quận Hà Đông");
    CHECK(v.as_of == day(2024, 6, 30));
    // Six schools; Văn Khê and Văn Yên approved; Lê Quý Đôn sent, not approved; Lê Lợi excused;
    // Kiến Hưng a draft and Yên Nghĩa nothing.
    CHECK(v.expected == 6);
    CHECK(v.counted == 2);
    CHECK(v.awaiting == 1);
    CHECK(v.excused == 1);
    CHECK(v.missing == 2);
    // By hand: 4 + 6; (10 + 20) / 2; 1 of 2 said yes; 1 of 2 held courses (0 and 2); (90 + 70) / 2;
    // the later report's text (20 June beats 10 June).
    CHECK(cell_of(v.total, "articles_published").value == 10);
    CHECK(cell_of(v.total, "articles_published").units == 2);
    CHECK(cell_of(v.total, "answer_hours").value == 15);
    CHECK(cell_of(v.total, "section_present").value == 50);
    CHECK(cell_of(v.total, "section_present").yes == 1);
    CHECK(cell_of(v.total, "courses_held").value == 50);
    CHECK(cell_of(v.total, "staff_trained_pct").value == 80);
    CHECK(cell_of(v.total, "results").text == "Sân khấu hóa");
    CHECK_FALSE(cell_of(v.total, "results").value);

    // KPIs: 50% of schools with the section against 100%: not met; 80% trained against 80: met.
    REQUIRE(v.kpis.size() == 2);
    CHECK(v.kpis[0].code == "section_present");
    CHECK(v.kpis[0].actual == 50);
    CHECK_FALSE(v.kpis[0].met);
    CHECK(v.kpis[1].code == "staff_trained_pct");
    CHECK(v.kpis[1].met);

    // Rows: every open school, by name; only counted ones carry values.
    REQUIRE(v.schools.size() == 6);
    CHECK(v.schools.front().name == "Trường Mầm non Văn Khê");
    CHECK(row_of(v, "th-le-loi").state == submission_state::excused);
    CHECK_FALSE(row_of(v, "th-le-loi").counted);
    CHECK_FALSE(row_of(v, "th-yen-nghia").state);
    CHECK(row_of(v, "th-kien-hung").cells.empty());
    CHECK(cell_of(row_of(v, "th-van-yen").cells, "articles_published").value == 6);
  }

  TEST_CASE("with include_submitted a report sent and not yet approved counts too") {
    auto t = kh19();
    auto p = period(2024, report_round::first);
    auto v = division_rollup(t, p, reports_2024(p), units(), unit_id{"pgddt-ha-dong"}, {.include_submitted = true});
    CHECK(v.counted == 3);
    CHECK(v.awaiting == 0);
    CHECK(cell_of(v.total, "articles_published").value == 110);
    CHECK(cell_of(v.total, "answer_hours").value == 20);
    CHECK(cell_of(v.total, "section_present").value == doctest::Approx(200.0 / 3));
  }

  TEST_CASE("the split by school level holds the indicators broken down by level") {
    auto t = kh19();
    auto p = period(2024, report_round::first);
    auto v = division_rollup(t, p, reports_2024(p), units(), unit_id{"pgddt-ha-dong"}, {.include_submitted = true});
    REQUIRE(v.by_level.size() == 3);
    CHECK(v.by_level[0].level == "mn");
    CHECK(v.by_level[1].level == "th");
    CHECK(v.by_level[2].level == "thcs");
    for (const auto& l : v.by_level) {
      REQUIRE(l.cells.size() == 1);  // only articles_published asks for the split
      CHECK(l.cells[0].code == "articles_published");
      CHECK(l.units == 1);
    }
    CHECK(v.by_level[0].cells[0].value == 4);
    CHECK(v.by_level[1].cells[0].value == 6);
    CHECK(v.by_level[2].cells[0].value == 100);
  }

  TEST_CASE("the ranking orders schools by the share of targets met, then by articles") {
    auto t = kh19();
    auto p = period(2024, report_round::first);
    auto reports = reports_2024(p);
    reports[2].state = submission_state::accepted;  // Lê Quý Đôn: section yes, 100% trained, 100 articles
    auto v = division_rollup(t, p, reports, units(), unit_id{"pgddt-ha-dong"});
    REQUIRE(v.ranking.size() == 3);
    // Lê Quý Đôn and Văn Khê meet both targets (100); Lê Quý Đôn has more articles; Văn Yên none.
    CHECK(v.ranking[0].unit.value == "thcs-le-quy-don");
    CHECK(v.ranking[0].score == 100);
    CHECK(v.ranking[1].unit.value == "mn-van-khe");
    CHECK(v.ranking[1].kpis_met == 2);
    CHECK(v.ranking[1].articles == 4);
    CHECK(v.ranking[2].unit.value == "th-van-yen");
    CHECK(v.ranking[2].score == 0);
    CHECK_FALSE(ranking_formula_vi().empty());
    CHECK(ranking_formula_en().find("articles") != std::string_view::npos);
  }

  TEST_CASE("a school that moved reports through the division in 2024 and through the ward's office in 2025") {
    auto t = kh19();
    auto r1 = period(2024, report_round::first);
    auto r2 = period(2025, report_round::second);
    std::vector<report_submission> reports{
        report(r1, "mn-van-khe", submission_state::accepted, {4, 10, true, 0, 90, "2024"}, at(2024, 6, 10)),
        report(r2, "mn-van-khe", submission_state::accepted, {9, 5, true, 1, 95, "2025"}, at(2025, 12, 1))};
    auto division_2024 = division_rollup(t, r1, reports, units(), unit_id{"pgddt-ha-dong"});
    CHECK(cell_of(division_2024.total, "articles_published").value == 4);
    CHECK(division_2024.expected == 6);
    // In December 2025 the division has ended: no school is below it.
    auto division_2025 = division_rollup(t, r2, reports, units(), unit_id{"pgddt-ha-dong"});
    CHECK(division_2025.schools.empty());
    CHECK_FALSE(cell_of(division_2025.total, "articles_published").value);
    auto ward_2025 = division_rollup(t, r2, reports, units(), unit_id{"vhxh-ha-dong"});
    CHECK(ward_2025.name == "Phòng Văn hóa - Xã hội phường Hà Đông");
    CHECK(ward_2025.expected == 2);
    CHECK(ward_2025.counted == 1);
    CHECK(cell_of(ward_2025.total, "articles_published").value == 9);
    // The ward's office did not exist for the 2024 round.
    auto ward_2024 = division_rollup(t, r1, reports, units(), unit_id{"vhxh-ha-dong"});
    CHECK(ward_2024.schools.empty());
    CHECK(ward_2024.name.empty());
  }

  TEST_CASE("of several reports of one school the approved one counts and other periods are ignored") {
    auto t = kh19();
    auto p = period(2024, report_round::first);
    auto other = period(2024, report_round::second);
    // The returned one comes later in the list and was sent later: still the approved one counts.
    std::vector<report_submission> reports{
        report(p, "mn-van-khe", submission_state::accepted, {4, 10, true, 0, 90, "duyệt"}, at(2024, 6, 10)),
        report(p, "mn-van-khe", submission_state::returned, {50, 1, true, 1, 100, "cũ"}, at(2024, 6, 28)),
        report(other, "th-van-yen", submission_state::accepted, {7, 7, true, 1, 100, "khác"}, at(2024, 12, 1))};
    reports[1].id = submission_id{"other-copy"};
    reports[0].values.push_back(reports[0].values[0]);  // listed twice: counts once
    auto v = division_rollup(t, p, reports, units(), unit_id{"pgddt-ha-dong"});
    CHECK(v.counted == 1);
    CHECK(cell_of(v.total, "articles_published").value == 4);
    CHECK(row_of(v, "mn-van-khe").state == submission_state::accepted);
    CHECK_FALSE(row_of(v, "th-van-yen").state);
  }

  TEST_CASE("an unknown unit gives an empty view") {
    auto t = kh19();
    auto p = period(2024, report_round::first);
    auto v = division_rollup(t, p, reports_2024(p), units(), unit_id{"no-such-unit"});
    CHECK(v.schools.empty());
    CHECK(v.expected == 0);
    CHECK(v.ranking.empty());
  }

  TEST_CASE("the city view groups schools by the unit above them that day") {
    auto t = kh19();
    auto r1 = period(2024, report_round::first);
    auto r2 = period(2025, report_round::second);
    auto reports = reports_2024(r1);
    reports.push_back(report(r2, "mn-van-khe", submission_state::accepted, {9, 5, true, 1, 95, "a"}, at(2025, 12, 1)));
    reports.push_back(report(r2, "th-le-loi", submission_state::accepted, {3, 7, false, 0, 50, "b"}, at(2025, 12, 2)));
    reports.push_back(report(r2, "th-kien-hung", submission_state::excused, {}, at(2025, 12, 2)));

    auto c2024 = city_rollup(t, r1, reports, units(), unit_id{"ha-noi"});
    REQUIRE(c2024.areas.size() == 1);
    CHECK(c2024.areas[0].unit.value == "pgddt-ha-dong");
    CHECK(c2024.areas[0].kind == unit_kind::education_division);
    CHECK(c2024.areas[0].expected == 6);
    CHECK(c2024.areas[0].completeness == doctest::Approx(400.0 / 6));  // (2 counted + 1 sent + 1 excused) / 6
    CHECK(cell_of(c2024.total, "articles_published").value == 10);

    auto c2025 = city_rollup(t, r2, reports, units(), unit_id{"ha-noi"});
    REQUIRE(c2025.areas.size() == 2);
    // By name: Dương Nội before Hà Đông.
    CHECK(c2025.areas[0].unit.value == "vhxh-duong-noi");
    CHECK(c2025.areas[0].expected == 4);
    CHECK(c2025.areas[0].counted == 1);
    CHECK(c2025.areas[0].excused == 1);
    CHECK(c2025.areas[0].missing == 2);
    CHECK(c2025.areas[0].completeness == doctest::Approx(50));
    CHECK(cell_of(c2025.areas[0].cells, "articles_published").value == 3);
    CHECK(c2025.areas[1].unit.value == "vhxh-ha-dong");
    CHECK(cell_of(c2025.areas[1].cells, "articles_published").value == 9);
    // The city's total is over schools, not an average of the areas.
    CHECK(cell_of(c2025.total, "articles_published").value == 12);
    CHECK(cell_of(c2025.total, "answer_hours").value == 6);
    CHECK(cell_of(c2025.total, "section_present").value == 50);
    CHECK(c2025.expected == 6);
    CHECK(c2025.counted == 2);
  }

  TEST_CASE("trends follow the calendar and the SVG is well-formed with every text escaped") {
    auto t = kh19();
    t.name = "Kế hoạch <script>alert(1)</script> & \"khác\"";
    std::vector<report_period> periods{period(2025, report_round::second), period(2024, report_round::first)};
    std::vector<report_submission> reports{
        report(periods[1], "mn-van-khe", submission_state::accepted, {4, 10, true, 0, 90, ""}, at(2024, 6, 10)),
        report(periods[0], "mn-van-khe", submission_state::accepted, {9, 5, true, 1, 95, ""}, at(2025, 12, 1))};
    std::vector<division_view> views{division_rollup(t, periods[0], reports, units(), unit_id{"vhxh-ha-dong"}),
                                     division_rollup(t, periods[1], reports, units(), unit_id{"pgddt-ha-dong"})};
    std::vector<std::string> codes{"articles_published", "section_present", "no_such_code"};
    auto chart = trend_of(t, periods, views, codes);
    REQUIRE(chart.x_labels.size() == 2);
    CHECK(chart.x_labels[0] == "2024 đợt 1");
    CHECK(chart.x_labels[1] == "2025 đợt 2");
    REQUIRE(chart.series.size() == 2);
    CHECK(chart.series[0].values == std::vector<std::optional<double>>{4, 9});
    CHECK(chart.series[1].values == std::vector<std::optional<double>>{100, 100});
    CHECK(trend_of(t, periods, views, codes, true).x_labels[0] == "2024 round 1");

    chart.series[0].label = "<script>alert('x')</script>";
    chart.series[1].values[0].reset();  // a gap
    for (auto style : {chart_style::line, chart_style::bar}) {
      auto svg = trend_svg(chart, style);
      CHECK(well_formed(svg));
      CHECK(svg.find("<script") == std::string::npos);
      CHECK(svg.find("&lt;script&gt;") != std::string::npos);
      CHECK(svg.find("viewBox=") != std::string::npos);
      CHECK(svg.find("<title id=\"trend-title\">") != std::string::npos);
      CHECK(svg.find("role=\"img\"") != std::string::npos);
    }
    CHECK(well_formed(trend_svg(trend_chart{})));
    auto named = trend_svg(chart, chart_style::line, "articles\" onload=\"x");
    CHECK(named.find("aria-labelledby=\"articlesonloadx-title articlesonloadx-desc\"") != std::string::npos);
    CHECK(named.find("<title id=\"articlesonloadx-title\">") != std::string::npos);
    CHECK(well_formed(named));
    CHECK_FALSE(well_formed("<svg><title>a & b</title></svg>"));  // the checker itself can fail
  }
}

TEST_SUITE("reports/rollup, generated data") {
  TEST_CASE("on generated data every area and the city agree with totals computed school by school") {
    // 25 wards' offices, 600 schools, reports in every state, some values left out.
    std::mt19937 rng(17);
    auto t = kh19();
    auto p = period(2025, report_round::second);
    std::vector<unit> us{make("ha-noi", unit_kind::city, "Thành phố Hà Nội", std::nullopt)};
    for (int a = 0; a < 25; ++a)
      us.push_back(make("office-" + std::to_string(a), unit_kind::commune_office, "Phòng " + std::to_string(a), "ha-noi"));
    std::vector<report_submission> reports;
    const std::array states{submission_state::accepted, submission_state::accepted, submission_state::accepted,
                            submission_state::submitted, submission_state::excused, submission_state::draft};
    for (int s = 0; s < 600; ++s) {
      std::string id = "school-" + std::to_string(s);
      auto u = make(id, unit_kind::school, "Trường " + std::to_string(s), "office-" + std::to_string(rng() % 25));
      u.level = static_cast<school_level>(rng() % 3);
      us.push_back(u);
      if (rng() % 8 == 0) continue;  // no report at all
      auto r = report(p, id, states[rng() % states.size()],
                      {double(rng() % 40), double(rng() % 72), rng() % 3 != 0, double(rng() % 3), double(rng() % 101),
                       "kết quả " + std::to_string(s)},
                      at(2025, 11, 1) + std::chrono::seconds(rng() % 10000000));
      if (!r.values.empty() && rng() % 5 == 0) r.values.erase(r.values.begin() + static_cast<long>(rng() % r.values.size()));
      reports.push_back(r);
    }

    // Straight sums over the schools of each area, written without the library's accumulators.
    struct direct {
      double articles = 0, hours = 0, staff = 0;
      std::size_t articles_n = 0, hours_n = 0, section_n = 0, section_yes = 0, courses_n = 0, courses_yes = 0,
                  staff_n = 0, expected = 0, counted = 0, excused = 0;
      timestamp last_at{};
      std::string last_text;
    };
    std::map<std::string, direct> by_area;
    direct city;
    for (const auto& u : us) {
      if (u.kind != unit_kind::school) continue;
      for (auto* d : {&by_area[u.parent->value], &city}) {
        ++d->expected;
        const report_submission* r = nullptr;
        for (const auto& x : reports)
          if (x.unit == u.id) r = &x;
        if (!r) continue;
        if (r->state == submission_state::excused) ++d->excused;
        if (r->state != submission_state::accepted) continue;
        ++d->counted;
        for (const auto& v : r->values) {
          if (v.code == "articles_published") d->articles += *v.number, ++d->articles_n;
          if (v.code == "answer_hours") d->hours += *v.number, ++d->hours_n;
          if (v.code == "staff_trained_pct") d->staff += *v.number, ++d->staff_n;
          if (v.code == "section_present") ++d->section_n, d->section_yes += *v.flag ? 1 : 0;
          if (v.code == "courses_held") ++d->courses_n, d->courses_yes += *v.number > 0 ? 1 : 0;
          if (v.code == "results" && *r->submitted_at >= d->last_at) d->last_at = *r->submitted_at, d->last_text = *v.text;
        }
      }
    }
    auto agree = [&](const std::vector<cell>& cells, const direct& d) {
      CHECK(cell_of(cells, "articles_published").value.value_or(-1) == doctest::Approx(d.articles_n ? d.articles : -1));
      if (d.hours_n) CHECK(*cell_of(cells, "answer_hours").value == doctest::Approx(d.hours / double(d.hours_n)));
      if (d.staff_n) CHECK(*cell_of(cells, "staff_trained_pct").value == doctest::Approx(d.staff / double(d.staff_n)));
      if (d.section_n)
        CHECK(*cell_of(cells, "section_present").value == doctest::Approx(100.0 * double(d.section_yes) / double(d.section_n)));
      if (d.courses_n)
        CHECK(*cell_of(cells, "courses_held").value == doctest::Approx(100.0 * double(d.courses_yes) / double(d.courses_n)));
      CHECK(cell_of(cells, "articles_published").units == d.articles_n);
      CHECK(cell_of(cells, "section_present").yes == d.section_yes);
    };
    auto c = city_rollup(t, p, reports, us, unit_id{"ha-noi"});
    CHECK(c.areas.size() == by_area.size());
    CHECK(c.expected == city.expected);
    CHECK(c.counted == city.counted);
    CHECK(c.excused == city.excused);
    agree(c.total, city);
    CHECK(cell_of(c.total, "results").text == city.last_text);
    for (const auto& a : c.areas) {
      const auto& d = by_area.at(a.unit.value);
      CHECK(a.expected == d.expected);
      CHECK(a.counted == d.counted);
      agree(a.cells, d);
      auto v = division_rollup(t, p, reports, us, a.unit);
      CHECK(v.total == a.cells);  // the division view and the city's row say the same
      CHECK(v.counted == a.counted);
    }
  }
}
