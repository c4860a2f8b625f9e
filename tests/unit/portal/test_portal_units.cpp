// Issue 10: the unit tree lives once, in the model (unit_directory), and trust and the portal use
// it. The portal keeps it in memory and reads the units again only after a unit write; "is X
// under Y" is answered from pre-order intervals, and damaged input (cycles, duplicates, chains
// deeper than the store allows) is cut so every walk ends.
#include "portal_fixture.hpp"

#include <pbgdpl/model/unit_directory.hpp>
#include <pbgdpl/portal/auth.hpp>
#include <pbgdpl/portal/units.hpp>
#include <pbgdpl/trust/permissions.hpp>
#include <pbgdpl/trust/tokens.hpp>

#include <chrono>

using namespace pbgdpl;
using pbgdpl_test::portal_fixture;

namespace {

unit mk(std::string id, unit_kind k, std::optional<std::string> parent = std::nullopt, std::string name = {}) {
  unit u;
  u.id = unit_id{id};
  u.kind = k;
  u.name = name.empty() ? id : name;
  if (k == unit_kind::school) u.level = school_level::th;
  if (parent) u.parent = unit_id{*parent};
  return u;
}

std::vector<std::string> ids(const std::vector<const unit*>& us) {
  std::vector<std::string> out;
  for (const auto* u : us) out.push_back(u->id.value);
  return out;
}

}  // namespace

TEST_CASE("unit directory: names, parents, children, ancestors, subtrees and within") {
  // Listed out of order: a school before its division, as datasets may.
  unit_directory d({mk("th-a", unit_kind::school, "pgd"), mk("ha-noi", unit_kind::city), mk("quan", unit_kind::district, "ha-noi"),
                    mk("pgd", unit_kind::education_division, "quan", "Phòng GD&ĐT"), mk("th-b", unit_kind::school, "pgd"),
                    mk("so", unit_kind::department, "ha-noi"), mk("th-x", unit_kind::school, "khong-co")});
  CHECK(d.size() == 7);
  CHECK(d.links_cut() == 0);
  CHECK(d.name("pgd") == "Phòng GD&ĐT");
  CHECK(d.name("khong-co").empty());
  CHECK(d.find(unit_id{"th-b"})->kind == unit_kind::school);
  CHECK(d.parent("th-a")->id.value == "pgd");
  CHECK(d.parent("ha-noi") == nullptr);
  CHECK(d.parent("th-x") == nullptr);  // a parent not listed ends the chain
  CHECK(ids(d.children("pgd")) == std::vector<std::string>{"th-a", "th-b"});  // in listed order
  CHECK(ids(d.children("ha-noi")) == std::vector<std::string>{"quan", "so"});
  CHECK(ids(d.ancestors("th-b")) == std::vector<std::string>{"pgd", "quan", "ha-noi"});
  CHECK(d.self_and_ancestor_ids("th-b") == std::vector<std::string>{"th-b", "pgd", "quan", "ha-noi"});
  CHECK(d.depth("th-b") == 3);
  std::vector<std::string> sub;
  for (const auto& u : d.subtree("quan")) sub.push_back(u.id.value);
  CHECK(sub == std::vector<std::string>{"quan", "pgd", "th-a", "th-b"});
  CHECK(d.subtree("khong-co").empty());
  CHECK(d.within("th-a", "th-a"));
  CHECK(d.within("th-a", "pgd"));
  CHECK(d.within("th-a", "ha-noi"));
  CHECK(d.within(unit_id{"so"}, unit_id{"ha-noi"}));
  CHECK_FALSE(d.within("pgd", "th-a"));
  CHECK_FALSE(d.within("so", "quan"));
  CHECK_FALSE(d.within("th-x", "ha-noi"));
  CHECK_FALSE(d.within("khong-co", "ha-noi"));
  CHECK_FALSE(d.within("ha-noi", "khong-co"));
  CHECK(d.nearest("th-a", unit_kind::city)->value == "ha-noi");
  CHECK(d.nearest("th-a", unit_kind::education_division)->value == "pgd");
  CHECK_FALSE(d.nearest("th-x", unit_kind::city));
  // Pre-order: each unit directly before the units below it.
  for (const auto& u : d.units())
    for (const auto* a : d.ancestors(u.id.value)) CHECK(&u > a);
}

TEST_CASE("unit directory: duplicates keep their first entry, cycles and over-deep chains are cut") {
  // A duplicate id: the first entry stays.
  unit_directory dup({mk("a", unit_kind::city, std::nullopt, "first"), mk("a", unit_kind::city, std::nullopt, "second")});
  CHECK(dup.size() == 1);
  CHECK(dup.name("a") == "first");
  CHECK(dup.links_cut() == 1);

  // A division put under its own school (what issue 9's test writes below the typed layer): the
  // link under the lower kind is the one dropped, so the school stays under its division.
  unit_directory cyc({mk("quan", unit_kind::district), mk("pgd", unit_kind::education_division, "th"),
                      mk("th", unit_kind::school, "pgd")});
  CHECK(cyc.links_cut() == 1);
  CHECK(cyc.parent("pgd") == nullptr);
  CHECK(cyc.within("th", "pgd"));
  CHECK_FALSE(cyc.within("pgd", "th"));
  // A longer cycle of equal kinds: the smallest id loses its link; every walk ends.
  unit_directory ring({mk("c", unit_kind::school, "a"), mk("a", unit_kind::school, "b"), mk("b", unit_kind::school, "c")});
  CHECK(ring.links_cut() == 1);
  CHECK(ring.parent("a") == nullptr);
  CHECK(ring.within("c", "a"));
  CHECK(ring.within("b", "a"));
  CHECK(ring.ancestors("b").size() == 2);
  // A unit its own parent.
  unit_directory self({mk("s", unit_kind::school, "s")});
  CHECK(self.parent("s") == nullptr);

  // A chain deeper than the store allows is cut at the bound.
  std::vector<unit> chain{mk("u0", unit_kind::city)};
  for (int i = 1; i <= 70; ++i) chain.push_back(mk("u" + std::to_string(i), unit_kind::department, "u" + std::to_string(i - 1)));
  unit_directory deep(std::move(chain));
  CHECK(deep.links_cut() == 1);
  CHECK(deep.depth("u64") == unit_directory::max_depth);
  CHECK(deep.within("u64", "u0"));
  CHECK_FALSE(deep.within("u65", "u0"));
  CHECK(deep.within("u70", "u65"));
  CHECK(deep.ancestors("u70").size() == 5);
}

TEST_CASE("unit directory: trust's unit_tree is the directory, the rules read it as before") {
  trust::unit_tree tree({mk("ha-noi", unit_kind::city), mk("so", unit_kind::department, "ha-noi"),
                         mk("quan", unit_kind::district, "ha-noi"), mk("pgd", unit_kind::education_division, "quan"),
                         mk("th", unit_kind::school, "pgd")});
  CHECK(trust::allowed(role_grant{role::division_approver, unit_id{"pgd"}}, trust::action::publish_content, unit_id{"th"}, tree));
  CHECK_FALSE(trust::allowed(role_grant{role::school_editor, unit_id{"th"}}, trust::action::publish_content, unit_id{"th"}, tree));
  CHECK(trust::allowed(role_grant{role::city_official, unit_id{"so"}}, trust::action::manage_units, unit_id{"th"}, tree));
  CHECK_FALSE(trust::allowed(role_grant{role::division_approver, unit_id{"pgd"}}, trust::action::read, unit_id{"so"}, tree));
}

TEST_CASE("unit directory: 3,000 schools under one division, each within it, none within another") {
  std::vector<unit> units{mk("ha-noi", unit_kind::city), mk("quan", unit_kind::district, "ha-noi"),
                          mk("pgd", unit_kind::education_division, "quan"), mk("pgd-2", unit_kind::education_division, "quan")};
  for (int i = 0; i < 3000; ++i) units.push_back(mk("th-" + std::to_string(i), unit_kind::school, i % 2 ? "pgd" : "pgd-2"));
  unit_directory d(std::move(units));
  std::size_t under = 0;
  for (int i = 0; i < 3000; ++i) {
    auto id = "th-" + std::to_string(i);
    under += d.within(id, "pgd");
    CHECK(d.within(id, "ha-noi"));
    CHECK(d.within(id, "pgd") != d.within(id, "pgd-2"));
  }
  CHECK(under == 1500);
  CHECK(d.subtree("pgd").size() == 1501);
  CHECK(d.children("pgd").size() == 1500);
}

TEST_CASE("portal: units are read once and again only after a unit write") {
  portal::api_key_registry keys;
  portal::options o;
  portal_fixture* fp = nullptr;
  o.authenticate = [&](std::string_view bearer) { return portal::key_authenticator(keys, fp->db)(bearer); };
  o.cache.max_entries = 0;  // every request renders: none may read the units
  std::shared_ptr<portal::live_units> units;
  o.authorize = [&](const http::principal& p, std::string_view action, const std::string& unit) {
    return portal::account_authorizer(fp->db, units)(p, action, unit);
  };
  portal_fixture f(o);
  fp = &f;
  units = f.site->config().units;
  REQUIRE(units.get() == &f.site->units());
  // The city official manages units; the division's approver writes its content.
  auto official = trust::issue_token(trust::token_kind::api_key, "acc-city-official", now(), std::chrono::hours(1));
  auto approver = trust::issue_token(trust::token_kind::api_key, "acc-division-approver", now(), std::chrono::hours(1));
  keys.add(official.record);
  keys.add(approver.record);
  auto key = [](const trust::issued_token& t) {
    return std::vector<std::pair<std::string, std::string>>{{"Authorization", "Bearer " + t.token},
                                                            {"Content-Type", "application/json"}};
  };
  auto as = key(official), writer = key(approver);

  for (const char* t : {"/pbgdpl/", "/pbgdpl/tin-hoat-dong/", "/pbgdpl/bai-viet/pgddt-trien-khai-kh19", "/pbgdpl/feed.atom",
                        "/sitemap.xml", "/don-vi/th-van-yen/pbgdpl/", "/tim-kiem?q=ke+hoach"})
    for (int i = 0; i < 3; ++i) REQUIRE(f.get(t).code == http::status::ok);
  CHECK(f.site->units().loads() == 1);
  // An article written through the API: pages change, units are not read again.
  json a{{"id", "bai-moi-don-vi"}, {"kind", "activity_news"}, {"title", "Bài mới"}, {"body_markdown", "x"},
         {"unit", "pgddt-ha-dong"}, {"state", "draft"}, {"schema_version", 1}, {"version", 0}};
  REQUIRE(f.send(http::verb::post, "/api/v1/articles", a.dump(), writer).code == http::status::created);
  REQUIRE(f.get("/pbgdpl/").code == http::status::ok);
  CHECK(f.site->units().loads() == 1);
  // A new school through the API: read once more, and its section exists at once.
  json school{{"id", "th-moi"}, {"kind", "school"}, {"level", "th"}, {"name", "Trường Tiểu học Mới"},
              {"parent", "pgddt-ha-dong"}, {"schema_version", 1}, {"version", 0}};
  auto created = f.send(http::verb::post, "/api/v1/units", school.dump(), as);
  REQUIRE_MESSAGE(created.code == http::status::created, portal_fixture::body(created));
  auto page = f.get("/don-vi/th-moi/pbgdpl/");
  CHECK(page.code == http::status::ok);
  CHECK(page.body_view().find("Trường Tiểu học Mới") != std::string_view::npos);
  for (int i = 0; i < 3; ++i) REQUIRE(f.get("/pbgdpl/").code == http::status::ok);
  CHECK(f.site->units().loads() == 2);
  // The authorizer reads the same directory: the new school is below the division's approver.
  json news{{"id", "bai-truong-moi"}, {"kind", "activity_news"}, {"title", "Tin trường mới"}, {"body_markdown", "x"},
            {"unit", "th-moi"}, {"state", "published"}, {"schema_version", 1}, {"version", 0}};
  REQUIRE(f.send(http::verb::post, "/api/v1/articles", news.dump(), writer).code == http::status::created);
  CHECK(f.get("/pbgdpl/bai-viet/bai-truong-moi").code == http::status::ok);  // the division shows it
  CHECK(f.site->units().loads() == 2);
  // Archiving a school takes its section down; its news stays on the division's pages.
  REQUIRE(f.send(http::verb::delete_, "/api/v1/units/th-moi", {}, as).code == http::status::ok);
  CHECK(f.get("/don-vi/th-moi/pbgdpl/").code == http::status::not_found);
  CHECK(f.get("/pbgdpl/bai-viet/bai-truong-moi").code == http::status::ok);
  CHECK(f.site->units().loads() == 3);
  // Written outside the API: content_changed() reads them again.
  f.site->content_changed();
  REQUIRE(f.get("/pbgdpl/").code == http::status::ok);
  CHECK(f.site->units().loads() == 4);
}

TEST_CASE("portal: with 3,000 schools under the division, its pages list the schools' content and each school has its section") {
  portal_fixture f;
  for (int i = 0; i < 3000; ++i) {
    auto u = mk("bench-th-" + std::to_string(i), unit_kind::school, "pgddt-ha-dong", "Trường Thử nghiệm " + std::to_string(i));
    REQUIRE(f.db.create(u, "test"));
  }
  article a;
  a.id = article_id{"tin-truong-2999"};
  a.kind = article_kind::activity_news;
  a.title = "Tin của trường thử nghiệm 2999";
  a.body_markdown = "Nội dung.";
  a.unit = unit_id{"bench-th-2999"};
  a.author = account_id{"acc-school-editor"};
  a.state = article_state::published;
  a.created_at = portal_fixture::clock()() - std::chrono::hours(1);  // the portal's day
  a.updated_at = a.created_at;
  a.published_at = a.created_at;
  REQUIRE(publish::render_html(a));
  REQUIRE(f.db.create(a, "test"));
  f.site->content_changed();
  auto news = f.get("/pbgdpl/tin-hoat-dong/");
  REQUIRE(news.code == http::status::ok);
  CHECK(news.body_view().find("tin-truong-2999") != std::string_view::npos);
  CHECK(news.body_view().find("Trường Thử nghiệm 2999") != std::string_view::npos);
  CHECK(news.body_view().find("pgddt-trien-khai-kh19") != std::string_view::npos);
  CHECK(f.get("/pbgdpl/bai-viet/tin-truong-2999").code == http::status::ok);
  auto school = f.get("/don-vi/bench-th-2999/pbgdpl/tin-hoat-dong/");
  CHECK(school.body_view().find("tin-truong-2999") != std::string_view::npos);
  CHECK(school.body_view().find("pgddt-trien-khai-kh19") == std::string_view::npos);
  CHECK(f.get("/don-vi/bench-th-5/pbgdpl/bai-viet/tin-truong-2999").code == http::status::not_found);
}

TEST_CASE("managing_unit: the division, its open successor after it ended, the root without one, and a cycle of successions ends") {
  using namespace std::chrono;
  const date before{year{2025} / 6 / 30}, after{year{2025} / 7 / 2};
  auto pgd = mk("pgd", unit_kind::education_division, "quan");
  pgd.closed_on = date{year{2025} / 6 / 30};
  pgd.successors.push_back({succession_kind::duties_transferred_to, unit_id{"phuong"}, "1656/NQ-UBTVQH15", {}, {}});
  auto phuong = mk("phuong", unit_kind::ward, "ha-noi");
  phuong.opened_on = date{year{2025} / 7 / 1};
  std::vector<unit> all{mk("ha-noi", unit_kind::city), mk("quan", unit_kind::district, "ha-noi"), pgd, phuong,
                        mk("th-a", unit_kind::school, "pgd")};
  CHECK(portal::managing_unit(unit_directory::at(all, before)) == "pgd");
  CHECK(portal::managing_unit(unit_directory::at(all, after)) == "phuong");
  // No division at all: the first unit without a parent.
  CHECK(portal::managing_unit(unit_directory({mk("so", unit_kind::department, "ha-noi"), mk("ha-noi", unit_kind::city)})) == "ha-noi");
  CHECK(portal::managing_unit(unit_directory(std::vector<unit>{})).empty());
  // Damaged data: two ended divisions naming each other. The walk stops within the tree's size.
  auto a = mk("pgd-a", unit_kind::education_division), b = mk("pgd-b", unit_kind::education_division);
  a.closed_on = b.closed_on = date{year{2020} / 1 / 1};
  a.successors.push_back({succession_kind::merged_into, unit_id{"pgd-b"}, "1/QĐ", {}, {}});
  b.successors.push_back({succession_kind::merged_into, unit_id{"pgd-a"}, "2/QĐ", {}, {}});
  auto got = portal::managing_unit(unit_directory::at({a, b}, after));
  CHECK((got == "pgd-a" || got == "pgd-b"));
}
