// Who signs a display's manifest and for which use (signage/publisher.hpp); the manifests
// themselves are built over a real store in tests/unit/portal/test_portal_signage_api.cpp.
#include <pbgdpl/signage/publisher.hpp>

#include <doctest/doctest.h>

using namespace pbgdpl;

namespace {
unit mk(const char* id, unit_kind k, std::optional<const char*> parent) {
  unit u;
  u.id = unit_id{id};
  u.kind = k;
  u.name = id;
  if (parent) u.parent = unit_id{*parent};
  return u;
}
const date day{std::chrono::year{2026}, std::chrono::month{12}, std::chrono::day{1}};
}  // namespace

TEST_CASE("the authority is the nearest unit that delegates at division level, else the root") {
  auto tree = unit_directory::at({mk("ha-noi", unit_kind::city, std::nullopt), mk("ubnd-phuong", unit_kind::ward, "ha-noi"),
                                  mk("vhxh-phuong", unit_kind::commune_office, "ubnd-phuong"),
                                  mk("thcs-a", unit_kind::school, "vhxh-phuong"), mk("so-gddt", unit_kind::department, "ha-noi"),
                                  mk("lone-school", unit_kind::school, std::nullopt)},
                                 day);
  CHECK(signage::authority_for(tree, unit_id{"thcs-a"}).value().value == "vhxh-phuong");
  CHECK(signage::authority_for(tree, unit_id{"vhxh-phuong"}).value().value == "vhxh-phuong");
  CHECK(signage::authority_for(tree, unit_id{"so-gddt"}).value().value == "so-gddt");
  CHECK(signage::authority_for(tree, unit_id{"lone-school"}).value().value == "lone-school");  // its own root
  CHECK(signage::authority_for(tree, unit_id{"no-such"}).err().code == errc::not_found);
}

TEST_CASE("a business-run screen or one in a public place plays content approved for public screens") {
  display d;
  display_group school_group, mall;
  school_group.id = display_group_id{"g"};
  mall.id = display_group_id{"mall"};
  mall.public_place = true;
  CHECK(signage::use_for(d, {school_group}) == approval_use::signage_school);
  CHECK(signage::use_for(d, {school_group, mall}) == approval_use::signage_public);
  d.operated_by = operator_kind::business;
  CHECK(signage::use_for(d, {school_group}) == approval_use::signage_public);
}

TEST_CASE("the authority key is made once, private, and read back the same") {
  auto dir = std::filesystem::path(PBGDPL_BINARY_DIR) / "tmp" / "signage-publisher" / random_id_string().substr(0, 8);
  std::filesystem::create_directories(dir);
  auto k1 = signage::load_or_create_authority_key(dir / "signage-authority.key");
  REQUIRE(k1);
  auto mode = std::filesystem::status(dir / "signage-authority.key").permissions();
  CHECK((mode & (std::filesystem::perms::group_all | std::filesystem::perms::others_all)) == std::filesystem::perms::none);
  CHECK(std::filesystem::exists(dir / "signage-authority.pub"));
  auto k2 = signage::load_or_create_authority_key(dir / "signage-authority.key");
  REQUIRE(k2);
  CHECK(k1->public_part() == k2->public_part());
}
