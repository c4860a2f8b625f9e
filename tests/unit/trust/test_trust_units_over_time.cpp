// Permissions follow the hierarchy on the day of the action: before 1 July 2025 the division's
// approver approves its schools' content, after it the ward office's approver does; a unit that
// ended keeps its archive read-only.
#include "../model/reorganisation.hpp"

#include <pbgdpl/trust/permissions.hpp>

#include <doctest/doctest.h>

using namespace pbgdpl;
using reorg::day;
using trust::action;

namespace {
role_grant grant(role r, const char* unit) { return role_grant{r, unit_id{unit}}; }
bool may(const role_grant& g, action a, const char* target, const unit_directory& tree) {
  return trust::allowed(g, a, unit_id{target}, tree);
}
}  // namespace

TEST_SUITE("trust/units over time") {
  TEST_CASE("before the move the division approves the school's content, after it the ward's office") {
    const auto before = unit_directory::at(reorg::units(), day(2025, 6, 1));
    const auto after = unit_directory::at(reorg::units(), day(2025, 7, 2));
    const auto division = grant(role::division_approver, "pgddt-ha-dong");
    const auto office = grant(role::division_approver, "vhxh-ha-dong");
    for (auto a : {action::read, action::approve_content, action::publish_content, action::review_report}) {
      CAPTURE(a);
      CHECK(may(division, a, "th-van-yen", before));
      CHECK_FALSE(may(division, a, "th-van-yen", after));
      CHECK_FALSE(may(office, a, "th-van-yen", before));  // the office did not exist yet
      CHECK(may(office, a, "th-van-yen", after));
    }
    // The school's own staff keep their rights across the move.
    const auto editor = grant(role::school_editor, "th-van-yen");
    CHECK(may(editor, action::edit_content, "th-van-yen", before));
    CHECK(may(editor, action::edit_content, "th-van-yen", after));
  }

  TEST_CASE("a unit that ended writes nothing, its archive is answered for by its successors and the city") {
    const auto after = unit_directory::at(reorg::units(), day(2025, 7, 2));
    const auto division_editor = grant(role::division_editor, "pgddt-ha-dong");
    const auto division_approver = grant(role::division_approver, "pgddt-ha-dong");
    CHECK(may(division_editor, action::read, "pgddt-ha-dong", after));
    CHECK_FALSE(may(division_editor, action::edit_content, "pgddt-ha-dong", after));
    CHECK_FALSE(may(division_approver, action::publish_content, "pgddt-ha-dong", after));
    CHECK_FALSE(may(division_approver, action::manage_accounts, "pgddt-ha-dong", after));
    // The ward's office took the division's duties over: its approver answers for the archive,
    // as for a unit below it; the school's staff and other units do not.
    const auto office = grant(role::division_approver, "vhxh-ha-dong");
    CHECK(may(office, action::edit_content, "pgddt-ha-dong", after));
    CHECK(may(office, action::publish_content, "pgddt-ha-dong", after));
    CHECK_FALSE(may(office, action::publish_content, "pgddt-ha-dong", unit_directory::at(reorg::units(), reorg::last_district_day)));
    CHECK_FALSE(may(grant(role::school_approver, "th-van-yen"), action::publish_content, "pgddt-ha-dong", after));
    CHECK_FALSE(may(grant(role::division_approver, "so-gddt-ha-noi"), action::publish_content, "pgddt-ha-dong", after));
    // The district's justice office ended with no successor named: only the city writes there.
    CHECK_FALSE(may(office, action::edit_content, "phong-tu-phap-ha-dong", after));
    // The city corrects a record of the archive, and manages the unit.
    const auto city = grant(role::city_official, "ha-noi");
    CHECK(may(city, action::publish_content, "pgddt-ha-dong", after));
    CHECK(may(city, action::manage_units, "pgddt-ha-dong", after));
    // On its last day the division still acted.
    const auto last = unit_directory::at(reorg::units(), reorg::last_district_day);
    CHECK(may(division_editor, action::edit_content, "pgddt-ha-dong", last));
  }
}

TEST_SUITE("trust/units over time, red team") {
  TEST_CASE("a unit closed with no successor passes to nobody: the units above do not become its owners (F3)") {
    const auto tree = unit_directory::at(reorg::units(), day(2024, 9, 5));  // th-cu closed on 31 August 2024
    REQUIRE(tree.ended("th-cu"));
    const auto division = grant(role::division_approver, "pgddt-ha-dong");
    CHECK(may(division, action::read, "th-cu", tree));
    CHECK_FALSE(may(division, action::edit_content, "th-cu", tree));
    CHECK_FALSE(may(division, action::publish_content, "th-cu", tree));
    CHECK_FALSE(may(grant(role::division_approver, "vhxh-ha-dong"), action::submit_report, "th-cu",
                    unit_directory::at(reorg::units(), day(2025, 9, 5))));
  }

  TEST_CASE("a succession naming a unit of another city gives that city's staff nothing (F5)") {
    auto units = reorg::units();
    units.push_back(reorg::make("hcm", unit_kind::city, "Thành phố Hồ Chí Minh", std::nullopt));
    units.push_back(reorg::make("phuong-hcm", unit_kind::ward, "Phường ở TP. HCM", "hcm"));
    for (auto& u : units)
      if (u.id.value == "phong-tu-phap-ha-dong")
        u.successors.push_back({succession_kind::merged_into, unit_id{"phuong-hcm"}, "", {}, ""});
    const auto tree = unit_directory::at(units, day(2025, 9, 5));
    CHECK_FALSE(may(grant(role::division_approver, "phuong-hcm"), action::publish_content, "phong-tu-phap-ha-dong", tree));
    CHECK_FALSE(may(grant(role::city_official, "hcm"), action::publish_content, "phong-tu-phap-ha-dong", tree));
    CHECK(may(grant(role::city_official, "ha-noi"), action::publish_content, "phong-tu-phap-ha-dong", tree));
  }
}

TEST_CASE("a province merged away stays a root of the tree but asks no right for documents of no unit (F10)") {
  auto units = reorg::units();
  auto ha_tay = reorg::make("ha-tay", unit_kind::city, "Tỉnh Hà Tây", std::nullopt);
  ha_tay.closed_on = day(2008, 7, 31);
  ha_tay.successors.push_back({succession_kind::merged_into, unit_id{"ha-noi"}, "15/2008/QH12", {}, ""});
  units.push_back(ha_tay);
  const auto tree = unit_directory::at(units, day(2025, 9, 5));
  const std::vector<role_grant> city{grant(role::city_official, "ha-noi")};
  CHECK(trust::allowed(city, action::publish_content, unit_id{""}, tree));
  const std::vector<role_grant> ward{grant(role::division_approver, "vhxh-ha-dong")};
  CHECK_FALSE(trust::allowed(ward, action::publish_content, unit_id{""}, tree));
  // The merged province's archive is the successor city's to correct.
  CHECK(may(grant(role::city_official, "ha-noi"), action::publish_content, "ha-tay", tree));
  CHECK(may(grant(role::city_official, "so-gddt-ha-noi"), action::publish_content, "ha-tay", tree));
  CHECK_FALSE(may(grant(role::city_official, "ha-tay"), action::publish_content, "ha-noi", tree));
}
