#include "entities.hpp"
#include "fixtures.hpp"

#include <doctest/doctest.h>

using namespace pbgdpl;

namespace {
using fx::d;
using fx::round_trips;
using fx::full_school;
using fx::full_account;
}  // namespace

TEST_SUITE("model/unit") {
  TEST_CASE("a fully populated unit survives a JSON round trip") { round_trips(full_school()); }

  TEST_CASE("a school without a level is refused at /level") {
    auto u = full_school();
    u.level.reset();
    auto r = check(u);
    REQUIRE_FALSE(r);
    CHECK(r.err().path == "/level");
    CHECK(r.err().code == errc::missing_field);
  }

  TEST_CASE("only a school has a level, and only the city has no parent") {
    unit div;
    div.id = unit_id{"pgddt-ha-dong"};
    div.kind = unit_kind::education_division;
    div.name = "Phòng Giáo dục và Đào tạo quận Hà Đông";
    div.level = school_level::th;
    auto r = check(div);
    REQUIRE_FALSE(r);
    REQUIRE(r.err().details.size() == 2);
    CHECK(r.err().details[0].path == "/level");
    CHECK(r.err().details[1].path == "/parent");
  }

  TEST_CASE("a closing date before the opening date is refused") {
    auto u = full_school();
    u.closed_on = d(1950, 1, 1);
    auto r = check(u);
    REQUIRE_FALSE(r);
    CHECK(r.err().code == errc::bad_date);
    CHECK(r.err().path == "/closed_on");
    CHECK_FALSE(is_open_on(u, d(2023, 1, 1)));
    CHECK(is_open_on(full_school(), d(2023, 1, 1)));
  }

  TEST_CASE("a javascript: website is refused") {
    auto u = full_school();
    u.website = "javascript:alert(1)";
    CHECK(check(u).err().path == "/website");
    u.website = "HTTPS://thvanyen.edu.vn/pbgdpl";
    CHECK(check(u));
  }

  TEST_CASE("an unknown kind and a wrong type are reported at their paths") {
    auto j = to_json_value(full_school());
    j["kind"] = "ministry";
    auto r = from_json_value<unit>(j);
    REQUIRE_FALSE(r);
    CHECK(r.err().code == errc::out_of_range);
    CHECK(r.err().path == "/kind");
    j = to_json_value(full_school());
    j["opened_on"] = 1960;
    r = from_json_value<unit>(j);
    REQUIRE_FALSE(r);
    CHECK(r.err().code == errc::wrong_type);
    CHECK(r.err().path == "/opened_on");
  }

  TEST_CASE("a newer schema version is refused") {
    auto j = to_json_value(full_school());
    j["schema_version"] = model_schema_version + 1;
    auto r = from_json_value<unit>(j);
    REQUIRE_FALSE(r);
    CHECK(r.err().code == errc::unsupported_version);
    CHECK(r.err().path == "/schema_version");
  }

  TEST_CASE("a unit name typed in NFD is stored as NFC") {
    auto j = to_json_value(full_school());
    j["name"] = "Tru\xCC\x9Bo\xCC\x9B\xCC\x80ng";  // "Trường" decomposed
    auto r = from_json_value<unit>(j);
    REQUIRE(r);
    CHECK(r->name == "Trường");
  }

  TEST_CASE("labels exist in Vietnamese and English") {
    CHECK(school_level_label_vi(school_level::thcs) == "Trung học cơ sở");
    CHECK(unit_kind_label_en(unit_kind::education_division) == "Education and Training Division");
  }
}

TEST_SUITE("model/account") {
  TEST_CASE("a fully populated account survives a JSON round trip") { round_trips(full_account()); }

  TEST_CASE("roles have Vietnamese and English labels and approvers are known") {
    CHECK(role_label_vi(role::school_approver) == "Người duyệt nhà trường");
    CHECK(role_label_en(role::city_official) == "City official");
    CHECK(is_approver_role(role::division_approver));
    CHECK_FALSE(is_approver_role(role::signage_operator));
  }

  TEST_CASE("a disabled account holds no role") {
    auto a = full_account();
    CHECK_FALSE(has_role(a, role::school_editor, unit_id{"th-van-yen"}));
    a.disabled = false;
    CHECK(has_role(a, role::school_editor, unit_id{"th-van-yen"}));
    CHECK_FALSE(has_role(a, role::school_editor, unit_id{"thcs-van-yen"}));
  }

  TEST_CASE("a grant with an unknown role is refused at its path") {
    auto j = to_json_value(full_account());
    j["grants"][1]["r"] = "superuser";
    auto r = from_json_value<account>(j);
    REQUIRE_FALSE(r);
    CHECK(r.err().path == "/grants/1/r");
  }

  TEST_CASE("bad usernames, e-mails and duplicate grants are all reported") {
    auto a = full_account();
    a.username = "Nguyễn Lan";
    a.email = "lan-at-school";
    a.grants.push_back(a.grants[0]);
    auto r = check(a);
    REQUIRE_FALSE(r);
    REQUIRE(r.err().details.size() == 3);
    CHECK(r.err().details[0].path == "/username");
    CHECK(r.err().details[1].path == "/email");
    CHECK(r.err().details[2].path == "/grants/2");
  }

  TEST_CASE("a missing display name is a missing field") {
    auto j = to_json_value(full_account());
    j.erase("display_name");
    auto r = from_json_value<account>(j);
    REQUIRE_FALSE(r);
    CHECK(r.err().code == errc::missing_field);
    CHECK(r.err().path == "/display_name");
  }
}

TEST_SUITE("model/labels") {
  TEST_CASE("every named enum value has a Vietnamese and an English label") {
    auto all_labelled = [](auto tag) {
      using E = decltype(tag);
      for (const auto& [value, name] : enum_names<E>::values) {
        const auto& name_seen = name;  // clang < 16 cannot capture a structured binding in INFO's lambda
        INFO(name_seen);
        CHECK_FALSE(label_vi(value).empty());
        CHECK_FALSE(label_en(value).empty());
      }
    };
    all_labelled(unit_kind{});
    all_labelled(school_level{});
    all_labelled(role{});
    all_labelled(article_kind{});
    all_labelled(article_state{});
    all_labelled(document_level{});
    all_labelled(validity_status{});
    all_labelled(relation_kind{});
    all_labelled(publication_kind{});
    all_labelled(question_state{});
    all_labelled(approval_use{});
    all_labelled(channel_kind{});
    all_labelled(report_round{});
    all_labelled(submission_state{});
  }

  TEST_CASE("the named label functions read the same tables") {
    CHECK(unit_kind_label_vi(unit_kind::education_division) == "Phòng Giáo dục và Đào tạo");
    CHECK(unit_kind_label_en(unit_kind::school) == "School");
    CHECK(validity_status_label_vi(validity_status::partly_expired) == "Hết hiệu lực một phần");
    CHECK(report_round_label_vi(report_round::second) == "Đợt 2 (trước ngày 15 tháng 12)");
    CHECK(label_en(article_state::submitted) == "Awaiting approval");
    CHECK(role_label_vi(static_cast<role>(99)).empty());  // a value made by a cast has no label
  }
}
