// Hole 7 of issue 9: what a pinned authority may delegate (units below it, roles up to its level,
// uses the role may approve), delegations held per (key, authority) with revocations that no other
// authority can undo, and approval sequences counted per (authority, approver unit, content) within
// a bounded window.
#include <pbgdpl/trust/approval.hpp>

#include <doctest/doctest.h>

#include "support.hpp"

using namespace pbgdpl;
using namespace trust_test;
using namespace std::chrono_literals;

namespace {
const timestamp t0 = timestamp{std::chrono::sys_days{2024y / 9 / 1}};
const std::string content = "Tài liệu tuyên truyền Luật Trẻ em";

// ha-noi (city) > pgd-ha-dong, pgd-cau-giay (divisions) > thcs-le-loi, thcs-nghia-tan (schools).
std::map<std::string, std::string> city_tree() {
  return {{"so-tu-phap", "ha-noi"},         {"pgd-ha-dong", "ha-noi"},          {"pgd-cau-giay", "ha-noi"},
          {"thcs-le-loi", "pgd-ha-dong"},   {"thcs-nghia-tan", "pgd-cau-giay"}};
}

struct city {
  trust::secret_key city_root = trust::secret_key::generate();
  trust::secret_key division_root = trust::secret_key::generate();
  trust::secret_key other_division_root = trust::secret_key::generate();
  trust::keyring ring;

  city() {
    ring.add_root(unit_id{"ha-noi"}, city_root.public_part(), {role::city_official, city_tree()});
    ring.add_root(unit_id{"pgd-ha-dong"}, division_root.public_part(), {role::division_approver, city_tree()});
    ring.add_root(unit_id{"pgd-cau-giay"}, other_division_root.public_part(), {role::division_approver, city_tree()});
  }

  static trust::delegation delegation_of(const trust::secret_key& approver, std::string authority, std::string unit, role r,
                                         std::vector<trust::approval_use> uses, std::uint64_t seq = 1) {
    return {unit_id{std::move(authority)}, approver.public_part(), unit_id{std::move(unit)}, r, std::move(uses), t0,
            t0 + 24h * 365, seq};
  }
  result<trust::delegation> delegate(const trust::secret_key& root, const trust::delegation& d) {
    return ring.add_delegation(trust::sign_delegation(root, d).to_text());
  }

  static trust::approval_statement statement(std::string unit, role r, trust::approval_use use, std::uint64_t seq) {
    trust::approval_statement s;
    s.id = "appr-" + unit + "-" + std::to_string(seq);
    s.content_id = "video-luat-tre-em";
    s.approver_unit = unit_id{std::move(unit)};
    s.approver_role = r;
    s.use = use;
    s.valid_from = t0;
    s.valid_until = t0 + 24h * 30;
    s.sequence = seq;
    return s;
  }
  static std::string approve(const trust::secret_key& approver, const trust::approval_statement& s) {
    auto sig = trust::sign_approval(approver, s, trust::digest_content(content));
    REQUIRE_MESSAGE(sig.has_value(), sig.err().describe());
    return sig->to_text();
  }
  result<trust::approval_statement> verify(const std::string& sig, trust::approval_use use, trust::sequence_tracker* seen = nullptr) {
    return ring.verify_approval(sig, trust::digest_content(content), {t0 + 48h, use}, seen);
  }
};

void refused_both_languages(const error& e, std::string_view vi, std::string_view en) {
  CHECK(e.code == errc::permission_denied);
  CHECK_MESSAGE(e.message_vi.find(vi) != std::string::npos, e.message_vi);
  CHECK_MESSAGE(e.message_en.find(en) != std::string::npos, e.message_en);
}
}  // namespace

TEST_CASE("an authority delegates only below itself, up to its own level, roles that approve, for uses they may approve") {
  city c;
  auto k = trust::secret_key::generate();
  using u = trust::approval_use;
  // Its own school, school-approver level: fine.
  CHECK(c.delegate(c.division_root, city::delegation_of(k, "pgd-ha-dong", "thcs-le-loi", role::school_approver, {u::portal})));
  // A division may not delegate a city official (the hole: it was accepted).
  auto r = c.delegate(c.division_root, city::delegation_of(k, "pgd-ha-dong", "pgd-ha-dong", role::city_official, {u::signage_public}));
  REQUIRE_FALSE(r);
  refused_both_languages(r.err(), "cao hơn cấp của mình", "above its own level");
  // Nor a unit outside its subtree: another division's school, the city, an unknown unit.
  for (auto unit : {"thcs-nghia-tan", "pgd-cau-giay", "ha-noi", "truong-khong-co"}) {
    CAPTURE(unit);
    r = c.delegate(c.division_root, city::delegation_of(k, "pgd-ha-dong", unit, role::school_approver, {u::portal}));
    REQUIRE_FALSE(r);
    refused_both_languages(r.err(), "không thuộc phạm vi của pgd-ha-dong", "is not under authority pgd-ha-dong");
  }
  // Roles that do not approve.
  for (auto role_ : {role::school_editor, role::division_editor, role::signage_operator, role::auditor}) {
    r = c.delegate(c.division_root, city::delegation_of(k, "pgd-ha-dong", "thcs-le-loi", role_, {u::portal}));
    REQUIRE_FALSE(r);
    refused_both_languages(r.err(), "không được phê duyệt", "may not approve");
  }
  // A school approver for public screens (against model/approval.hpp's rule): refused.
  r = c.delegate(c.division_root,
                 city::delegation_of(k, "pgd-ha-dong", "thcs-le-loi", role::school_approver, {u::signage_school, u::signage_public}));
  REQUIRE_FALSE(r);
  refused_both_languages(r.err(), "signage_public", "may not approve for use signage_public");
  // The city may delegate a division approver in a division, and a city official at the city.
  CHECK(c.delegate(c.city_root, city::delegation_of(k, "ha-noi", "pgd-cau-giay", role::division_approver, {u::signage_public}, 2)));
  CHECK(c.delegate(c.city_root, city::delegation_of(k, "ha-noi", "ha-noi", role::city_official, {u::signage_public}, 3)));
}

TEST_CASE("the approval rule is one function, used by the model, by statements and by the keyring") {
  using u = trust::approval_use;
  CHECK(role_may_approve(role::city_official, u::signage_public));
  CHECK(role_may_approve(role::division_approver, u::signage_public));
  CHECK_FALSE(role_may_approve(role::school_approver, u::signage_public));
  CHECK(role_may_approve(role::school_approver, u::signage_school));
  CHECK_FALSE(role_may_approve(role::signage_operator, u::portal));
  // A school approver cannot even sign a public-screen approval.
  auto k = trust::secret_key::generate();
  auto s = city::statement("thcs-le-loi", role::school_approver, u::signage_public, 1);
  auto sig = trust::sign_approval(k, s, trust::digest_content(content));
  REQUIRE_FALSE(sig);
  CHECK(sig.err().code == errc::permission_denied);
}

TEST_CASE("a cycle in the given unit tree cannot hang a delegation check") {
  auto root = trust::secret_key::generate(), k = trust::secret_key::generate();
  trust::authority_scope sc{role::division_approver, {{"a", "b"}, {"b", "c"}, {"c", "a"}, {"pgd", "ha-noi"}}};
  CHECK_FALSE(sc.contains(unit_id{"pgd"}, unit_id{"a"}));
  CHECK(sc.contains(unit_id{"a"}, unit_id{"c"}));
  trust::keyring ring;
  ring.add_root(unit_id{"pgd"}, root.public_part(), sc);
  auto d = city::delegation_of(k, "pgd", "a", role::school_approver, {trust::approval_use::portal});
  auto text = trust::sign_delegation(root, d).to_text();
  auto r = within(std::chrono::milliseconds(5000), [&] { return static_cast<int>(ring.add_delegation(text).err().code); });
  REQUIRE_MESSAGE(r.has_value(), "add_delegation looped on a cycle in the unit tree");
  CHECK(*r == static_cast<int>(errc::permission_denied));
  // A long chain is walked to its end.
  trust::authority_scope chain{role::division_approver, {}};
  for (int i = 0; i < 5000; ++i) chain.parents["u" + std::to_string(i + 1)] = "u" + std::to_string(i);
  CHECK(chain.contains(unit_id{"u0"}, unit_id{"u5000"}));
  CHECK_FALSE(chain.contains(unit_id{"u7"}, unit_id{"u3"}));
}

TEST_CASE("scope_of takes the level from the authority's kind and the tree from the units") {
  std::vector<unit> units(3);
  units[0].id = unit_id{"ha-noi"}, units[0].kind = unit_kind::city;
  units[1].id = unit_id{"pgd-ha-dong"}, units[1].kind = unit_kind::education_division, units[1].parent = unit_id{"ha-noi"};
  units[2].id = unit_id{"thcs-le-loi"}, units[2].kind = unit_kind::school, units[2].parent = unit_id{"pgd-ha-dong"};
  auto sc = trust::scope_of(unit_id{"pgd-ha-dong"}, units);
  REQUIRE(sc);
  CHECK(sc->level == role::division_approver);
  CHECK(sc->contains(unit_id{"pgd-ha-dong"}, unit_id{"thcs-le-loi"}));
  CHECK_FALSE(sc->contains(unit_id{"pgd-ha-dong"}, unit_id{"ha-noi"}));
  CHECK(trust::scope_of(unit_id{"ha-noi"}, units)->level == role::city_official);
  CHECK(trust::scope_of(unit_id{"nowhere"}, units).err().code == errc::not_found);
}

TEST_CASE("a second authority can neither replace another's delegation nor escape its revocation") {
  city c;
  using u = trust::approval_use;
  auto k = trust::secret_key::generate();
  REQUIRE(c.delegate(c.division_root, city::delegation_of(k, "pgd-ha-dong", "pgd-ha-dong", role::division_approver,
                                                          {u::signage_school}, 1)));
  // The city delegates the same key for the same unit with a higher sequence: held beside, not over.
  REQUIRE(c.delegate(c.city_root, city::delegation_of(k, "ha-noi", "pgd-ha-dong", role::division_approver,
                                                      {u::signage_school, u::signage_public}, 9)));
  REQUIRE(c.ring.find_delegation(unit_id{"pgd-ha-dong"}, k.id().hex()));
  CHECK(c.ring.find_delegation(unit_id{"pgd-ha-dong"}, k.id().hex())->sequence == 1);
  CHECK(c.ring.find_delegation(unit_id{"ha-noi"}, k.id().hex())->sequence == 9);
  auto sig = city::approve(k, city::statement("pgd-ha-dong", role::division_approver, u::signage_public, 1));
  CHECK(c.verify(sig, u::signage_public));  // through the city's delegation

  // The division revokes the key: no delegation of it verifies any more, the city's included.
  trust::revocation_list l{unit_id{"pgd-ha-dong"}, 1, t0, {{k.id().hex(), t0 + 24h, "máy tính bị mất"}}};
  auto signed_list = trust::sign_revocations(c.division_root, l);
  REQUIRE(c.ring.apply_revocations(signed_list.body, signed_list.sig.to_text()));
  CHECK(c.verify(sig, u::signage_public).err().code == errc::revoked);
  // Nor can another authority delegate it again (the hole: a re-delegation replaced the revoked one).
  auto again = c.delegate(c.city_root, city::delegation_of(k, "ha-noi", "pgd-ha-dong", role::division_approver,
                                                           {u::signage_school, u::signage_public}, 10));
  REQUIRE_FALSE(again);
  CHECK(again.err().code == errc::revoked);
  CHECK(again.err().message_vi.find("thu hồi") != std::string::npos);
  CHECK(again.err().message_en.find("revoked by pgd-ha-dong") != std::string::npos);
  // Nor un-revoke it with its own (newer, empty) revocation list.
  auto empty = trust::sign_revocations(c.city_root, {unit_id{"ha-noi"}, 5, t0 + 72h, {}});
  REQUIRE(c.ring.apply_revocations(empty.body, empty.sig.to_text()));
  CHECK(c.verify(sig, u::signage_public).err().code == errc::revoked);
  auto sig2 = city::approve(k, city::statement("pgd-ha-dong", role::division_approver, u::signage_school, 2));
  CHECK(c.verify(sig2, u::signage_school).err().code == errc::revoked);
}

TEST_CASE("sequences count per authority, approver unit and content, within a bounded window") {
  city c;
  using u = trust::approval_use;
  auto school = trust::secret_key::generate(), division = trust::secret_key::generate();
  REQUIRE(c.delegate(c.division_root, city::delegation_of(school, "pgd-ha-dong", "thcs-le-loi", role::school_approver,
                                                          {u::signage_school})));
  REQUIRE(c.delegate(c.division_root, city::delegation_of(division, "pgd-ha-dong", "pgd-ha-dong", role::division_approver,
                                                          {u::signage_school})));
  trust::sequence_tracker seen;
  CHECK(seen.max_step() == trust::sequence_tracker::default_max_step);
  // A school approver signs the division's content with sequence 2^64-1 (the hole: it froze out
  // every later approval of that content): refused, and it records nothing.
  auto huge = city::approve(school, city::statement("thcs-le-loi", role::school_approver, u::signage_school, UINT64_MAX));
  auto r = c.verify(huge, u::signage_school, &seen);
  REQUIRE_FALSE(r);
  CHECK(r.err().code == errc::out_of_range);
  CHECK(r.err().message_vi.find("vượt quá") != std::string::npos);
  CHECK(r.err().message_en.find("jumps more than 1000") != std::string::npos);
  CHECK(seen.all().empty());
  // Within the window it is accepted, but only for that school's own count.
  auto big = city::approve(school, city::statement("thcs-le-loi", role::school_approver, u::signage_school, 1000));
  REQUIRE(c.verify(big, u::signage_school, &seen));
  auto division_first = city::approve(division, city::statement("pgd-ha-dong", role::division_approver, u::signage_school, 1));
  CHECK(c.verify(division_first, u::signage_school, &seen));
  CHECK(*seen.highest({"pgd-ha-dong", "thcs-le-loi", "video-luat-tre-em"}) == 1000);
  CHECK(*seen.highest({"pgd-ha-dong", "pgd-ha-dong", "video-luat-tre-em"}) == 1);
  // A jump beyond the window from the last one seen is refused; one within it is fine.
  auto far = city::approve(division, city::statement("pgd-ha-dong", role::division_approver, u::signage_school, 1002));
  CHECK(c.verify(far, u::signage_school, &seen).err().code == errc::out_of_range);
  auto near = city::approve(division, city::statement("pgd-ha-dong", role::division_approver, u::signage_school, 1001));
  CHECK(c.verify(near, u::signage_school, &seen));
  // Rollback within one scope is still refused.
  CHECK(c.verify(division_first, u::signage_school, &seen).err().code == errc::superseded);
  // A first-seen sequence above the window, with a configured window.
  trust::sequence_tracker narrow(10);
  const std::string h(64, 'a');
  CHECK(narrow.check({"a", "b", "c"}, 10, h));
  CHECK(narrow.check({"a", "b", "c"}, 11, h).err().code == errc::out_of_range);
  narrow.record({"a", "b", "c"}, 10, h);
  CHECK(narrow.check({"a", "b", "c"}, 20, h));
  CHECK(narrow.check({"a", "b", "c"}, 21, h).err().code == errc::out_of_range);
  CHECK(narrow.check({"a", "b", "c"}, 9, h).err().code == errc::superseded);
}

TEST_CASE("pinning another root key for an authority drops the delegations the old key signed") {
  city c;
  auto k = trust::secret_key::generate();
  REQUIRE(c.delegate(c.division_root, city::delegation_of(k, "pgd-ha-dong", "thcs-le-loi", role::school_approver,
                                                          {trust::approval_use::portal})));
  REQUIRE(c.ring.find_delegation(unit_id{"pgd-ha-dong"}, k.id().hex()));
  // Re-pinning the same key (e.g. to widen the tree) keeps them.
  c.ring.add_root(unit_id{"pgd-ha-dong"}, c.division_root.public_part(), {role::division_approver, city_tree()});
  CHECK(c.ring.find_delegation(unit_id{"pgd-ha-dong"}, k.id().hex()));
  auto rotated = trust::secret_key::generate();
  c.ring.add_root(unit_id{"pgd-ha-dong"}, rotated.public_part(), {role::division_approver, city_tree()});
  CHECK_FALSE(c.ring.find_delegation(unit_id{"pgd-ha-dong"}, k.id().hex()));
  auto sig = city::approve(k, city::statement("thcs-le-loi", role::school_approver, trust::approval_use::portal, 1));
  CHECK(c.verify(sig, trust::approval_use::portal).err().code == errc::unknown_key);
}
