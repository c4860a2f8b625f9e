// Units over time: a unit's parent, kind and name hold for intervals, units end with successors,
// and the hierarchy on any day is the directory at() that day; reports roll up along the
// hierarchy of their period. The scenario is Hà Đông across the reform of 1 July 2025.
#include "entities.hpp"
#include "fixtures.hpp"
#include "reorganisation.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace pbgdpl;
using reorg::day;

namespace {
bool has(const std::vector<std::string>& v, std::string_view x) { return std::find(v.begin(), v.end(), x) != v.end(); }
}  // namespace

TEST_SUITE("model/units over time") {
  TEST_CASE("a unit's state on a day comes from the period holding that day") {
    auto u = reorg::moved_school("th-van-yen", "Trường Tiểu học Văn Yên");
    CHECK(unit_state_on(u, day(2024, 9, 5)).parent->value == "pgddt-ha-dong");
    CHECK(unit_state_on(u, reorg::last_district_day).parent->value == "pgddt-ha-dong");
    CHECK(unit_state_on(u, reorg::first_ward_day).parent->value == "vhxh-ha-dong");
    // A renamed unit: the old name before the change, the new one after.
    auto w = reorg::make("x", unit_kind::district_office, "Phòng Tư pháp", "ubnd-ha-dong");
    w.history.push_back({day(2020, 1, 1), unit_id{"ubnd-ha-dong"}, unit_kind::department, "Phòng Tư pháp cũ", "", ""});
    CHECK(unit_state_on(w, day(2019, 5, 1)).name == "Phòng Tư pháp cũ");
    CHECK(unit_state_on(w, day(2019, 5, 1)).kind == unit_kind::department);
    CHECK(unit_state_on(w, day(2020, 1, 2)).name == "Phòng Tư pháp");
    REQUIRE(check(w));
  }

  TEST_CASE("the hierarchy on a day: before the reform the school is under the division, after under the ward") {
    auto before = unit_directory::at(reorg::units(), day(2024, 9, 5));
    CHECK(before.within("th-van-yen", "pgddt-ha-dong"));
    CHECK(before.within("th-van-yen", "ubnd-ha-dong"));
    CHECK_FALSE(before.contains("vhxh-ha-dong"));  // not yet opened
    CHECK_FALSE(before.ended("pgddt-ha-dong"));
    CHECK(before.ended("th-cu"));  // closed on 31 August 2024
    CHECK(before.as_of() == day(2024, 9, 5));

    auto after = unit_directory::at(reorg::units(), reorg::first_ward_day);
    CHECK(after.within("th-van-yen", "vhxh-ha-dong"));
    CHECK(after.within("th-van-yen", "ubnd-phuong-ha-dong"));
    CHECK(after.within("th-van-yen", "ha-noi"));
    CHECK_FALSE(after.within("th-van-yen", "pgddt-ha-dong"));
    // The ended division keeps its place (its archive) with no schools left under it.
    CHECK(after.ended("pgddt-ha-dong"));
    CHECK(after.within("pgddt-ha-dong", "ubnd-ha-dong"));
    auto left = after.children("pgddt-ha-dong");  // only the school that closed in 2024 stays
    REQUIRE(left.size() == 1);
    CHECK(left[0]->id.value == "th-cu");
    CHECK(after.ended("th-cu"));
    // Its last day it still ran: ended() is false on 30 June.
    CHECK_FALSE(unit_directory::at(reorg::units(), reorg::last_district_day).ended("pgddt-ha-dong"));
  }

  TEST_CASE("an ended unit's content is listed by its successors, through chains, and loops end") {
    auto after = unit_directory::at(reorg::units(), day(2025, 9, 5));
    CHECK(after.listed_under("pgddt-ha-dong", "vhxh-ha-dong"));
    CHECK(after.listed_under("pgddt-ha-dong", "ubnd-phuong-ha-dong"));
    CHECK_FALSE(after.listed_under("pgddt-ha-dong", "th-van-yen"));  // content goes up, not down
    CHECK_FALSE(after.listed_under("phong-tu-phap-ha-dong", "vhxh-ha-dong"));  // no successor named
    REQUIRE(after.successors("pgddt-ha-dong").size() == 1);
    REQUIRE(after.predecessors("vhxh-ha-dong").size() == 1);
    CHECK(after.predecessors("vhxh-ha-dong")[0]->id.value == "pgddt-ha-dong");
    std::vector<std::string> line = after.self_and_ancestor_ids("th-van-yen");
    auto before_them = after.predecessors_of(line);
    CHECK(has(before_them, "pgddt-ha-dong"));  // plan 19 shows on the moved school's pages
    CHECK(has(before_them, "ubnd-ha-dong"));    // the district split into the ward

    // Successions that loop (damaged data) end, and every unit is visited once.
    std::vector<unit> loop;
    loop.push_back(reorg::make("root", unit_kind::city, "Gốc", std::nullopt));
    for (int i = 0; i < 200; ++i) {
      auto u = reorg::make("u" + std::to_string(i), unit_kind::commune, "Xã " + std::to_string(i), "root");
      u.closed_on = day(2025, 6, 30);
      u.successors.push_back({succession_kind::merged_into, unit_id{"u" + std::to_string((i + 1) % 200)}, "", {}, ""});
      loop.push_back(u);
    }
    loop.push_back(reorg::make("other", unit_kind::commune, "Xã khác", "root"));
    auto t = unit_directory::at(loop, day(2026, 1, 1));
    CHECK_FALSE(t.listed_under("u0", "other"));
    CHECK(t.listed_under("u0", "root"));
    std::vector<std::string> one{"u5"};
    CHECK(t.predecessors_of(one).size() == 199);
    CHECK(t.predecessors_of(one, 10).size() == 10);
  }

  TEST_CASE("a unit record from before units had a history reads as one unchanging state") {
    auto old = from_json_text<unit>(R"({"id":"th-van-yen","kind":"school","level":"th","name":"Trường Tiểu học Văn Yên",
      "parent":"pgddt-ha-dong","schema_version":1,"version":4})");
    REQUIRE(old);
    CHECK(old->history.empty());
    CHECK(old->successors.empty());
    CHECK(unit_state_on(*old, day(2000, 1, 1)).parent->value == "pgddt-ha-dong");
    CHECK(unit_state_on(*old, day(2030, 1, 1)).parent->value == "pgddt-ha-dong");
  }

  TEST_CASE("history and successors that make no sense are refused with a path") {
    auto refused_at = [](const unit& u, std::string_view path) {
      auto r = check(u);
      REQUIRE_FALSE(r);
      CHECK(r.err().path == path);
      CHECK_FALSE(r.err().message_vi.empty());
      CHECK_FALSE(r.err().message_en.empty());
    };
    auto u = reorg::moved_school("th-van-yen", "Trường Tiểu học Văn Yên");
    REQUIRE(check(u));
    auto twice = u;
    twice.history.push_back(twice.history[0]);  // two periods ending the same day
    refused_at(twice, "/history/1/until");
    auto self = u;
    self.history[0].parent = unit_id{"th-van-yen"};
    refused_at(self, "/history/0/parent");
    auto was_division = u;
    was_division.history[0].kind = unit_kind::education_division;
    refused_at(was_division, "/history/0/kind");
    auto heir_of_open = u;
    heir_of_open.successors.push_back({succession_kind::merged_into, unit_id{"th-khac"}, "", {}, ""});
    refused_at(heir_of_open, "/successors");
    auto own_heir = heir_of_open;
    own_heir.closed_on = day(2030, 1, 1);
    own_heir.successors[0].successor = unit_id{"th-van-yen"};
    refused_at(own_heir, "/successors/0/successor");
    auto after_close = u;
    after_close.closed_on = day(2025, 6, 30);
    refused_at(after_close, "/history/0/until");
    auto endless = reorg::make("x", unit_kind::commune, "Xã", "ha-noi");
    for (int i = 0; i < 65; ++i)
      endless.history.push_back({day(1900 + i, 1, 1), unit_id{"ha-noi"}, unit_kind::commune, "Xã", "", ""});
    refused_at(endless, "/history");
  }

  TEST_CASE("a report of 2024-2025 rolls up through the division, one of 2025-2026 through the ward") {
    report_template t;
    t.id = report_template_id{"bc-kh19"};
    t.name = "Báo cáo KH19";
    t.owner = unit_id{"pgddt-ha-dong"};
    t.indicators.push_back({"articles_posted", "Số tin, bài", "Articles", "", indicator_kind::number, true, 0, {}, "bài",
                            {}, false, "", {}, {}, ""});
    t.indicators.push_back({"has_section", "Có chuyên mục", "Has a section", "", indicator_kind::boolean, true, {}, {}, "",
                            {}, false, "", {}, {}, ""});
    auto period = [](std::string id, date due) {
      report_period p;
      p.id = report_period_id{std::move(id)};
      p.template_id = report_template_id{"bc-kh19"};
      p.due_on = due;
      p.opens_on = due;
      return p;
    };
    auto sent = [](std::string unit, std::string period, double articles, bool section) {
      report_submission s;
      s.id = submission_id{unit + "-" + period};
      s.template_id = report_template_id{"bc-kh19"};
      s.period_id = report_period_id{std::move(period)};
      s.unit = unit_id{std::move(unit)};
      s.state = submission_state::submitted;
      s.values.push_back({"articles_posted", articles, {}, {}, "", {}, {}, ""});
      s.values.push_back({"has_section", {}, section, {}, "", {}, {}, ""});
      return s;
    };
    const auto y2425 = period("kh19-2025-dot-1", day(2025, 6, 30));
    const auto y2526 = period("kh19-2025-dot-2", day(2025, 12, 15));
    std::vector<report_submission> reports{sent("th-van-yen", "kh19-2025-dot-1", 12, true),
                                           sent("th-le-loi", "kh19-2025-dot-1", 5, false),
                                           sent("th-van-yen", "kh19-2025-dot-2", 7, true)};
    auto draft = sent("th-le-loi", "kh19-2025-dot-2", 99, true);
    draft.state = submission_state::draft;
    reports.push_back(draft);

    auto first = roll_up(t, y2425, reports, reorg::units());
    auto* division = first.find("pgddt-ha-dong");
    REQUIRE(division);
    CHECK(division->totals[0].sum == 17);
    CHECK(division->totals[1].yes == 1);
    CHECK(division->totals[1].count == 2);
    CHECK(division->reported.size() == 2);
    CHECK(first.find("ubnd-ha-dong"));
    CHECK_FALSE(first.find("vhxh-ha-dong"));
    CHECK(first.find("ha-noi")->totals[0].sum == 17);

    auto second = roll_up(t, y2526, reports, reorg::units());
    CHECK_FALSE(second.find("pgddt-ha-dong"));
    auto* office = second.find("vhxh-ha-dong");
    REQUIRE(office);
    CHECK(office->totals[0].sum == 7);  // the draft does not count
    CHECK(office->reported.size() == 1);
    REQUIRE(office->missing.size() == 1);
    CHECK(office->missing[0].value == "th-le-loi");
    CHECK(second.find("ubnd-phuong-ha-dong")->totals[0].sum == 7);
    CHECK(second.find("ha-noi")->totals[0].sum == 7);
  }
}

TEST_SUITE("model/units over time, red team") {
  TEST_CASE("a closing date still ahead changes nothing yet: no successor lists the unit (F11)") {
    auto units = reorg::units();
    units.push_back(reorg::make("th-sap-nhap", unit_kind::school, "Trường sẽ sáp nhập", "vhxh-ha-dong"));
    units.back().closed_on = day(2030, 8, 31);
    units.back().successors.push_back({succession_kind::merged_into, unit_id{"th-le-loi"}, "", {}, ""});
    auto now = unit_directory::at(units, day(2026, 11, 30));
    CHECK_FALSE(now.ended("th-sap-nhap"));
    CHECK_FALSE(now.listed_under("th-sap-nhap", "th-le-loi"));
    CHECK(now.predecessors("th-le-loi").empty());
    CHECK(now.heirs("th-sap-nhap").empty());
    auto later = unit_directory::at(units, day(2030, 9, 1));
    CHECK(later.listed_under("th-sap-nhap", "th-le-loi"));
    CHECK(later.predecessors("th-le-loi").size() == 1);
  }
}
