// Units over time in the store, on both backends: the hierarchy on any day is a query of the
// store, and a school moved from the division to a ward keeps its history and its content.
#include "../model/reorganisation.hpp"
#include "fixtures.hpp"

using namespace fixtures;
using reorg::day;

#define STORES memory_factory, sqlite_factory, postgres_factory

namespace {
void create_all(pbgdpl::store::store& s, const std::vector<unit>& units) {
  for (const auto& u : units) REQUIRE_MESSAGE(s.create(u, "admin"), u.id.value);
}
}  // namespace

TEST_CASE_TEMPLATE("the hierarchy on a day is a query of the store", F, STORES) {
  F f;
  auto s = f.make();
  create_all(*s, reorg::units());
  auto before = s->hierarchy_at(day(2024, 9, 5)).value();
  CHECK(before.within("th-van-yen", "pgddt-ha-dong"));
  CHECK_FALSE(before.contains("ubnd-phuong-ha-dong"));
  auto after = s->hierarchy_at(day(2025, 9, 5)).value();
  CHECK(after.within("th-van-yen", "vhxh-ha-dong"));
  CHECK(after.within("th-le-loi", "ubnd-phuong-ha-dong"));
  CHECK_FALSE(after.within("th-van-yen", "pgddt-ha-dong"));
  CHECK(after.ended("pgddt-ha-dong"));
  CHECK(after.listed_under("pgddt-ha-dong", "vhxh-ha-dong"));
  // An archived unit record still answers: its content stays attributed to it.
  auto division = s->template get<unit>("pgddt-ha-dong").value();
  REQUIRE(s->template archive<unit>("pgddt-ha-dong", division.version, "admin"));
  CHECK(s->hierarchy_at(day(2025, 9, 5)).value().contains("pgddt-ha-dong"));
}

TEST_CASE_TEMPLATE("a school moved from the division to a ward keeps its history and its content", F, STORES) {
  F f;
  auto s = f.make();
  // Before the reform: the school under the division, with an article of its own.
  auto all = reorg::units();
  for (auto& u : all)
    if (u.id.value == "th-van-yen") {
      u.history.clear();
      u.parent = unit_id{"pgddt-ha-dong"};
    }
  create_all(*s, all);
  auto a = s->create(make_article("Ngày Pháp luật 2024", "Nội dung", "th-van-yen"), "editor").value();
  pbgdpl::store::list_query under_division;
  under_division.where.unit = "pgddt-ha-dong";
  CHECK(s->template list<article>(under_division).value().items.size() == 1);

  // 1 July 2025: the school moves under the ward's office; the old parent goes into its history.
  auto school = s->template get<unit>("th-van-yen").value();
  school.history.push_back({reorg::last_district_day, unit_id{"pgddt-ha-dong"}, unit_kind::school, school.name, "",
                            "142/2025/NĐ-CP"});
  school.parent = unit_id{"vhxh-ha-dong"};
  REQUIRE(s->update(school, "admin"));

  auto back = s->template get<unit>("th-van-yen").value();
  REQUIRE(back.history.size() == 1);
  CHECK(back.history[0].parent->value == "pgddt-ha-dong");
  CHECK(back.history[0].decision == "142/2025/NĐ-CP");
  // Its article is its own still, and now lists under the ward (the store's walk of today's tree).
  CHECK(s->template get<article>(a.id.value).value().unit.value == "th-van-yen");
  pbgdpl::store::list_query under_office;
  under_office.where.unit = "ubnd-phuong-ha-dong";
  CHECK(s->template list<article>(under_office).value().items.size() == 1);
  CHECK(s->template list<article>(under_division).value().items.empty());
  // And the hierarchy of any earlier day still has it under the division.
  CHECK(s->hierarchy_at(day(2024, 11, 20)).value().within("th-van-yen", "pgddt-ha-dong"));
  CHECK(s->hierarchy_at(day(2025, 11, 20)).value().within("th-van-yen", "vhxh-ha-dong"));
}

TEST_CASE("the SQLite store keeps a unit's history across reopening") {
  sqlite_factory f;
  {
    auto s = f.make();
    create_all(*s, reorg::units());
  }
  auto s = f.make();
  auto u = s->get<unit>("th-le-loi").value();
  REQUIRE(u.history.size() == 1);
  CHECK(u.history[0].until == reorg::last_district_day);
  auto d = s->get<unit>("pgddt-ha-dong").value();
  REQUIRE(d.successors.size() == 1);
  CHECK(d.successors[0].successor.value == "vhxh-ha-dong");
  CHECK(s->hierarchy_at(day(2024, 1, 1)).value().within("th-le-loi", "pgddt-ha-dong"));
}

TEST_CASE_TEMPLATE("a unit's successor must be in the same city, and a chain with too many changes is refused", F, STORES) {
  F f;
  auto s = f.make();
  create_all(*s, reorg::units());
  REQUIRE(s->create(reorg::make("hcm", unit_kind::city, "Thành phố Hồ Chí Minh", std::nullopt), "admin"));
  REQUIRE(s->create(reorg::make("phuong-hcm", unit_kind::ward, "Phường ở TP. HCM", "hcm"), "admin"));
  auto justice = s->template get<unit>("phong-tu-phap-ha-dong").value();
  justice.successors.push_back({succession_kind::merged_into, unit_id{"phuong-hcm"}, "", {}, ""});
  auto r = s->update(justice, "admin");
  REQUIRE_FALSE(r);
  CHECK(r.err().path == "/successors/0/successor");
  CHECK_FALSE(r.err().message_vi.empty());
  CHECK(s->template get<unit>("phong-tu-phap-ha-dong")->successors.empty());
  // Inside the city it is accepted.
  justice.successors[0].successor = unit_id{"vhxh-ha-dong"};
  CHECK(s->update(justice, "admin"));
}
