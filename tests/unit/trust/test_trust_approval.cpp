#include <pbgdpl/trust/approval.hpp>

#include <doctest/doctest.h>

#include "support.hpp"

using namespace pbgdpl;
using namespace trust_test;
using namespace std::chrono_literals;

namespace {
const timestamp t0 = timestamp{std::chrono::sys_days{2024y / 9 / 1}};

struct world {
  trust::secret_key root = trust::secret_key::generate();
  trust::secret_key approver = trust::secret_key::generate();
  trust::keyring ring;
  trust::delegation dg;

  world() {
    ring.add_root(unit_id{"pgd-ha-dong"}, root.public_part(), trust::authority_scope{role::division_approver, {}});
    dg.authority = unit_id{"pgd-ha-dong"};
    dg.key = approver.public_part();
    dg.unit = unit_id{"pgd-ha-dong"};
    dg.approver_role = role::division_approver;
    dg.uses = {trust::approval_use::portal, trust::approval_use::signage_school};
    dg.valid_from = t0;
    dg.valid_until = t0 + 24h * 365;
    dg.sequence = 1;
    auto r = ring.add_delegation(trust::sign_delegation(root, dg).to_text());
    REQUIRE(r.has_value());
  }

  trust::approval_statement statement(std::uint64_t seq = 1) const {
    trust::approval_statement s;
    s.id = "appr-" + std::to_string(seq);
    s.content_id = "video-cau-thang-phap-luat";
    s.approver_unit = unit_id{"pgd-ha-dong"};
    s.approver_role = role::division_approver;
    s.use = trust::approval_use::signage_school;
    s.valid_from = t0 + 24h;
    s.valid_until = t0 + 24h * 30;
    s.sequence = seq;
    return s;
  }

  std::string approve(const std::string& content, const trust::approval_statement& s) const {
    auto sig = trust::sign_approval(approver, s, trust::digest_content(content));
    if (!sig) FAIL(sig.err().describe());
    return sig->to_text();
  }
};

trust::verify_context at(timestamp t, trust::approval_use u = trust::approval_use::signage_school) { return {t, u}; }
const std::string content = "Video: Luật Giao thông đường bộ cho học sinh THCS";
}  // namespace

TEST_CASE("a valid approval verifies offline and with the stock minisign") {
  world w;
  auto text = w.approve(content, w.statement());
  auto st = w.ring.verify_approval(text, trust::digest_content(content), at(t0 + 48h));
  if (!st) FAIL(st.err().describe());
  CHECK(st->content_id == "video-cau-thang-phap-luat");
  CHECK(st->key_id == w.approver.id().hex());
  CHECK(st->content_blake2b == trust::to_hex(trust::blake2b_256(content)));
  auto rec = trust::to_record(*st, text);
  CHECK(check(rec).has_value());
  CHECK(rec.signature == text);
  CHECK(rec.sequence == st->sequence);
  auto rec_back = from_json_value<approval_record>(to_json_value(rec));
  REQUIRE(rec_back);
  CHECK(*rec_back == rec);

  auto dir = scratch("approval_minisign");
  write(dir / "video.txt", content);
  write(dir / "video.txt.minisig", text);
  write(dir / "approver.pub", w.approver.public_part().to_file());
  write(dir / "approver.pub.minisig", trust::sign_delegation(w.root, w.dg).to_text());
  write(dir / "root.pub", w.root.public_part().to_file());
  CHECK(run("minisign -VHm " + quote(dir / "video.txt") + " -p " + quote(dir / "approver.pub")) == 0);
  CHECK(output("minisign -VQm " + quote(dir / "video.txt") + " -p " + quote(dir / "approver.pub"))
            .find("\"use\":\"signage_school\"") != std::string::npos);
  CHECK(run("minisign -VHm " + quote(dir / "approver.pub") + " -p " + quote(dir / "root.pub")) == 0);
}

TEST_CASE("an expired approval is refused") {
  world w;
  auto text = w.approve(content, w.statement());
  CHECK(w.ring.verify_approval(text, trust::digest_content(content), at(t0 + 24h * 30)).err().code == errc::expired);
}

TEST_CASE("an approval before its valid_from is not yet valid") {
  world w;
  auto text = w.approve(content, w.statement());
  CHECK(w.ring.verify_approval(text, trust::digest_content(content), at(t0 + 1h)).err().code == errc::not_yet_valid);
}

TEST_CASE("tampered content is refused even with a genuine approval") {
  world w;
  auto text = w.approve(content, w.statement());
  auto other = content;
  other[3] ^= 0x20;
  CHECK(w.ring.verify_approval(text, trust::digest_content(other), at(t0 + 48h)).err().code == errc::tampered);
}

TEST_CASE("an approval for school screens does not approve public screens") {
  world w;
  auto text = w.approve(content, w.statement());
  CHECK(w.ring.verify_approval(text, trust::digest_content(content), at(t0 + 48h, trust::approval_use::signage_public))
            .err().code == errc::wrong_use);
  // Nor can the approver claim a use the root never delegated.
  auto s = w.statement();
  s.use = trust::approval_use::report;
  auto r = w.approve(content, s);
  CHECK(w.ring.verify_approval(r, trust::digest_content(content), at(t0 + 48h, trust::approval_use::report))
            .err().code == errc::wrong_use);
}

TEST_CASE("a rollback to an older approval is superseded") {
  world w;
  trust::sequence_tracker seen;
  auto old_text = w.approve(content, w.statement(3));
  auto new_text = w.approve(content, w.statement(4));
  auto d = trust::digest_content(content);
  REQUIRE(w.ring.verify_approval(old_text, d, at(t0 + 48h), &seen));
  REQUIRE(w.ring.verify_approval(new_text, d, at(t0 + 48h), &seen));
  CHECK(w.ring.verify_approval(old_text, d, at(t0 + 48h), &seen).err().code == errc::superseded);
  CHECK(w.ring.verify_approval(new_text, d, at(t0 + 48h), &seen).has_value());  // re-checking is fine
  CHECK(*seen.highest({"pgd-ha-dong", "pgd-ha-dong", "video-cau-thang-phap-luat"}) == 4);
}

TEST_CASE("a revoked approver key is refused once the signed revocation list arrives") {
  world w;
  auto text = w.approve(content, w.statement());
  auto d = trust::digest_content(content);
  trust::revocation_list l{unit_id{"pgd-ha-dong"}, 2, t0 + 72h, {{w.approver.id().hex(), t0 + 72h, "máy bị mất"}}};
  auto signed_list = trust::sign_revocations(w.root, l);
  REQUIRE(w.ring.apply_revocations(signed_list.body, signed_list.sig.to_text()));
  CHECK(w.ring.verify_approval(text, d, at(t0 + 48h)).has_value());  // before the revocation time
  auto r = w.ring.verify_approval(text, d, at(t0 + 96h));
  CHECK(r.err().code == errc::revoked);
  CHECK(r.err().message_vi.find("máy bị mất") != std::string::npos);

  // An older list cannot un-revoke the key; a forged or altered list is refused.
  trust::revocation_list older{unit_id{"pgd-ha-dong"}, 1, t0, {}};
  auto o = trust::sign_revocations(w.root, older);
  CHECK(w.ring.apply_revocations(o.body, o.sig.to_text()).err().code == errc::superseded);
  trust::revocation_list empty{unit_id{"pgd-ha-dong"}, 3, t0 + 100h, {}};
  auto forged = trust::sign_revocations(w.approver, empty);
  CHECK(w.ring.apply_revocations(forged.body, forged.sig.to_text()).err().code == errc::unknown_key);
  auto altered = signed_list;
  altered.body.replace(altered.body.find("\"sequence\": 2"), 13, "\"sequence\": 9");
  CHECK(w.ring.apply_revocations(altered.body, altered.sig.to_text()).err().code == errc::tampered);
  CHECK(w.ring.verify_approval(text, d, at(t0 + 96h)).err().code == errc::revoked);
}

TEST_CASE("a valid approval from an undelegated key is an unknown key") {
  world w;
  auto stranger = trust::secret_key::generate();
  auto s = w.statement();
  auto sig = trust::sign_approval(stranger, s, trust::digest_content(content));
  REQUIRE(sig);
  CHECK(w.ring.verify_approval(sig->to_text(), trust::digest_content(content), at(t0 + 48h)).err().code ==
        errc::unknown_key);
}

TEST_CASE("delegations must come from the pinned root, within their period, for their unit") {
  world w;
  auto other = trust::secret_key::generate();
  auto dg = w.dg;
  dg.key = other.public_part();
  // Signed by the approver instead of the root: the key id is not the root's.
  CHECK(w.ring.add_delegation(trust::sign_delegation(w.approver, dg).to_text()).err().code == errc::unknown_key);
  // An authority with no pinned root.
  dg.authority = unit_id{"so-gddt-ha-noi"};
  CHECK(w.ring.add_delegation(trust::sign_delegation(w.root, dg).to_text()).err().code == errc::unknown_key);
  // A delegation edited after signing.
  auto text = trust::sign_delegation(w.root, w.dg).to_text();
  auto pos = text.find("division_approver");
  REQUIRE(pos != std::string::npos);
  text.replace(pos, 17, "city_official____");
  CHECK(w.ring.add_delegation(text).err().code == errc::bad_signature);

  // The approval outlives the delegation: refused once the delegation expires.
  auto s = w.statement();
  s.valid_until = t0 + 24h * 400;
  auto a = w.approve(content, s);
  CHECK(w.ring.verify_approval(a, trust::digest_content(content), at(t0 + 24h * 366)).err().code == errc::expired);
  // Claiming another unit than delegated.
  s = w.statement();
  s.approver_unit = unit_id{"so-gddt-ha-noi"};
  a = w.approve(content, s);
  CHECK(w.ring.verify_approval(a, trust::digest_content(content), at(t0 + 48h)).err().code == errc::permission_denied);
  // An older re-delegation of the same key is superseded.
  auto older = w.dg;
  older.sequence = 0;
  CHECK(w.ring.add_delegation(trust::sign_delegation(w.root, older).to_text()).err().code == errc::superseded);
}

TEST_CASE("non-approver roles cannot sign approvals and garbage never verifies") {
  world w;
  auto s = w.statement();
  s.approver_role = role::school_editor;
  CHECK(trust::sign_approval(w.approver, s, trust::digest_content(content)).err().code == errc::permission_denied);
  // A genuine minisign signature whose trusted comment is not an approval statement.
  auto plain = trust::sign(w.approver, content, "timestamp:1\tfile:x\thashed").to_text();
  CHECK(w.ring.verify_approval(plain, trust::digest_content(content), at(t0 + 48h)).err().code == errc::bad_signature);
  for (auto junk : {std::string(), std::string("{}"), noise(400, 3)})
    CHECK(w.ring.verify_approval(junk, trust::digest_content(content), at(t0 + 48h)).err().code == errc::bad_signature);
  // Statements round-trip through JSON exactly.
  auto j = to_json_value(w.statement());
  auto back = from_json_value<trust::approval_statement>(j);
  CHECK_FALSE(back.has_value());  // no digest yet: validation refuses
  auto full = w.statement();
  full.content_blake2b = trust::to_hex(trust::blake2b_256(content));
  auto b2 = from_json_value<trust::approval_statement>(to_json_value(full));
  REQUIRE(b2);
  CHECK(*b2 == full);
}
