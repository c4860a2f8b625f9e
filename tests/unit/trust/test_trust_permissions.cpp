#include <pbgdpl/trust/permissions.hpp>

#include <doctest/doctest.h>

#include <set>

using namespace pbgdpl;
using trust::action;

namespace {
unit mk(const char* id, unit_kind k, std::optional<const char*> parent) {
  unit u;
  u.id = unit_id{id};
  u.kind = k;
  u.name = id;
  if (parent) u.parent = unit_id{*parent};
  return u;
}

// Hà Nội → Hà Đông district → its division → two schools; a second district with one school.
const trust::unit_tree tree({
    mk("ha-noi", unit_kind::city, std::nullopt),
    mk("so-gddt", unit_kind::department, "ha-noi"),
    mk("ha-dong", unit_kind::district, "ha-noi"),
    mk("pgd-ha-dong", unit_kind::education_division, "ha-dong"),
    mk("th-van-yen", unit_kind::school, "pgd-ha-dong"),
    mk("thcs-le-loi", unit_kind::school, "pgd-ha-dong"),
    mk("cau-giay", unit_kind::district, "ha-noi"),
    mk("pgd-cau-giay", unit_kind::education_division, "cau-giay"),
    mk("th-dich-vong", unit_kind::school, "pgd-cau-giay"),
});

const std::vector<std::string> all_units = {"ha-noi", "so-gddt", "ha-dong", "pgd-ha-dong", "th-van-yen",
                                            "thcs-le-loi", "cau-giay", "pgd-cau-giay", "th-dich-vong"};
const std::vector<action> all_actions = {
    action::read, action::edit_content, action::submit_content, action::approve_content,
    action::publish_content, action::schedule_signage, action::manage_displays, action::submit_report,
    action::review_report, action::manage_accounts, action::manage_units, action::read_audit_log};

using pair = std::pair<action, std::string>;

// Checks the full matrix: exactly the listed (action, unit) pairs are allowed for the grant.
void expect_exactly(role r, const char* at, const std::set<pair>& allowed_pairs, trust::target_facts facts = {}) {
  role_grant g{r, unit_id{at}};
  for (auto a : all_actions)
    for (auto& u : all_units) {
      CAPTURE(to_string(a));
      CAPTURE(u);
      CHECK(trust::allowed(g, a, unit_id{u}, tree, facts) == (allowed_pairs.count({a, u}) == 1));
    }
}

std::set<pair> on(std::initializer_list<action> as, std::initializer_list<const char*> us) {
  std::set<pair> s;
  for (auto a : as)
    for (auto u : us) s.insert({a, u});
  return s;
}
std::set<pair> operator+(std::set<pair> a, const std::set<pair>& b) {
  a.insert(b.begin(), b.end());
  return a;
}
}  // namespace

TEST_CASE("a school editor edits only their own school") {
  expect_exactly(role::school_editor, "th-van-yen",
                 on({action::read, action::edit_content, action::submit_content, action::submit_report}, {"th-van-yen"}));
}

TEST_CASE("a school approver approves, publishes and runs the screens only at their school") {
  expect_exactly(role::school_approver, "thcs-le-loi",
                 on({action::read, action::edit_content, action::submit_content, action::approve_content,
                     action::publish_content, action::submit_report, action::manage_displays, action::schedule_signage},
                    {"thcs-le-loi"}));
}

TEST_CASE("a division editor edits the division's content and reads its schools") {
  expect_exactly(role::division_editor, "pgd-ha-dong",
                 on({action::edit_content, action::submit_content}, {"pgd-ha-dong"}) +
                     on({action::read}, {"pgd-ha-dong", "th-van-yen", "thcs-le-loi"}));
}

TEST_CASE("a division approver approves for the division's schools and no other district's") {
  expect_exactly(role::division_approver, "pgd-ha-dong",
                 on({action::edit_content, action::submit_content, action::submit_report}, {"pgd-ha-dong"}) +
                     on({action::read, action::approve_content, action::publish_content, action::review_report,
                         action::manage_accounts, action::manage_displays, action::schedule_signage},
                        {"pgd-ha-dong", "th-van-yen", "thcs-le-loi"}));
}

TEST_CASE("a city official approves anywhere in the city but edits nothing") {
  expect_exactly(role::city_official, "so-gddt",
                 on({action::read, action::approve_content, action::publish_content, action::review_report,
                     action::manage_accounts, action::manage_units, action::read_audit_log},
                    {"ha-noi", "so-gddt", "ha-dong", "pgd-ha-dong", "th-van-yen", "thcs-le-loi", "cau-giay",
                     "pgd-cau-giay", "th-dich-vong"}));
}

TEST_CASE("a signage operator schedules only approved content") {
  auto scope = {"pgd-ha-dong", "th-van-yen", "thcs-le-loi"};
  expect_exactly(role::signage_operator, "pgd-ha-dong", on({action::read, action::manage_displays}, scope));
  expect_exactly(role::signage_operator, "pgd-ha-dong",
                 on({action::read, action::manage_displays, action::schedule_signage}, scope), {true});
}

TEST_CASE("an auditor reads and changes nothing") {
  expect_exactly(role::auditor, "pgd-cau-giay",
                 on({action::read, action::read_audit_log}, {"pgd-cau-giay", "th-dich-vong"}));
}

TEST_CASE("a disabled account or an unknown unit is allowed nothing") {
  account acc;
  acc.username = "hieutruong";
  acc.grants = {{role::school_editor, unit_id{"th-van-yen"}}, {role::auditor, unit_id{"pgd-cau-giay"}}};
  CHECK(trust::allowed(acc, action::edit_content, unit_id{"th-van-yen"}, tree));
  CHECK(trust::allowed(acc, action::read, unit_id{"th-dich-vong"}, tree));
  CHECK_FALSE(trust::allowed(acc, action::edit_content, unit_id{"th-dich-vong"}, tree));
  CHECK(trust::require(acc, action::approve_content, unit_id{"th-van-yen"}, tree).err().code == errc::permission_denied);
  CHECK_FALSE(trust::allowed(acc, action::read, unit_id{"no-such-school"}, tree));
  acc.disabled = true;
  CHECK_FALSE(trust::allowed(acc, action::read, unit_id{"th-van-yen"}, tree));
}

TEST_CASE("a cycle in the unit tree cannot hang the check") {
  trust::unit_tree loop({mk("a", unit_kind::school, "b"), mk("b", unit_kind::education_division, "a")});
  CHECK_FALSE(loop.within(unit_id{"a"}, unit_id{"zzz"}));
  CHECK_FALSE(trust::allowed(role_grant{role::city_official, unit_id{"a"}}, action::read, unit_id{"b"}, loop));
}
