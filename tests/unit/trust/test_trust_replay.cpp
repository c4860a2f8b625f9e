// The third round of attacks on the trust layer: revocations that named a key in another spelling
// and revoked nothing, an old approval replayed under a second authority's delegation of the same
// key, equal sequences for other bytes, key ids copied to block another authority's approver,
// duplicate JSON keys in signed statements, and a revocation list replaced by another at the same
// sequence. Each case failed before its fix.
#include <pbgdpl/media/bundle.hpp>
#include <pbgdpl/trust/approval.hpp>

#include <doctest/doctest.h>

#include "support.hpp"

using namespace pbgdpl;
using namespace trust_test;
using namespace std::chrono_literals;

namespace {
const timestamp t0 = timestamp{std::chrono::sys_days{2024y / 9 / 1}};
const std::string content = "Video: an toàn giao thông cho học sinh";
using u = trust::approval_use;

std::map<std::string, std::string> tree() {
  return {{"pgd-a", "city"}, {"pgd-b", "city"}, {"sch-a", "pgd-a"}, {"sch-b", "pgd-b"}};
}

struct world {
  trust::secret_key city_root = trust::secret_key::generate();
  trust::secret_key a_root = trust::secret_key::generate();
  trust::secret_key b_root = trust::secret_key::generate();
  trust::keyring ring;

  world() {
    ring.add_root(unit_id{"city"}, city_root.public_part(), {role::city_official, tree()});
    ring.add_root(unit_id{"pgd-a"}, a_root.public_part(), {role::division_approver, tree()});
    ring.add_root(unit_id{"pgd-b"}, b_root.public_part(), {role::division_approver, tree()});
  }
  static trust::delegation delegation_of(const trust::public_key& k, std::string authority, std::string unit,
                                         std::uint64_t seq = 1) {
    return {unit_id{std::move(authority)}, k, unit_id{std::move(unit)}, role::school_approver, {u::signage_school},
            t0, t0 + 24h * 365, seq};
  }
  result<trust::delegation> delegate(const trust::secret_key& root, const trust::delegation& d) {
    return ring.add_delegation(trust::sign_delegation(root, d).to_text());
  }
  static trust::approval_statement statement(std::string unit, std::uint64_t seq) {
    trust::approval_statement s;
    s.id = "appr-" + std::to_string(seq);
    s.content_id = "video-atgt";
    s.approver_unit = unit_id{std::move(unit)};
    s.approver_role = role::school_approver;
    s.use = u::signage_school;
    s.valid_from = t0;
    s.valid_until = t0 + 24h * 30;
    s.sequence = seq;
    return s;
  }
  static std::string approve(const trust::secret_key& k, const trust::approval_statement& s,
                             const std::string& bytes = content) {
    auto sig = trust::sign_approval(k, s, trust::digest_content(bytes));
    REQUIRE_MESSAGE(sig.has_value(), sig.err().describe());
    return sig->to_text();
  }
  result<trust::approval_statement> verify(const std::string& sig, trust::sequence_tracker* seen = nullptr,
                                           const std::string& bytes = content) const {
    return ring.verify_approval(sig, trust::digest_content(bytes), {t0 + 48h, u::signage_school}, seen);
  }
  result<trust::revocation_list> revoke(const trust::secret_key& root, const trust::revocation_list& l) {
    auto s = trust::sign_revocations(root, l);
    return ring.apply_revocations(s.body, s.sig.to_text());
  }
};

// A new key pair whose key id is `id` (key ids are 8 bytes the holder chooses): minisign's
// unencrypted secret key file with the id bytes replaced and the checksum zeroed.
trust::secret_key key_with_id(const trust::key_id& id) {
  auto k = trust::secret_key::generate();
  const std::string file = k.to_file();  // lines() views into it: it must outlive them (ASan)
  auto ls = trust::detail::lines(file);
  auto raw = *trust::detail::unbase64(ls[1], 158);
  std::copy(id.bytes.begin(), id.bytes.end(), raw.begin() + 54);
  std::fill(raw.begin() + 54 + 72, raw.begin() + 54 + 104, 0);
  auto parsed = trust::secret_key::parse("untrusted comment: x\n" + trust::detail::base64(raw) + "\n");
  REQUIRE_MESSAGE(parsed.has_value(), parsed.err().describe());
  return *parsed;
}
}  // namespace

TEST_CASE("a revocation naming the key id in lower case revokes it, any other spelling refuses the list") {
  world w;
  auto k = trust::secret_key::generate();
  REQUIRE(w.delegate(w.a_root, world::delegation_of(k.public_part(), "pgd-a", "sch-a")));
  auto sig = world::approve(k, world::statement("sch-a", 1));
  REQUIRE(w.verify(sig));
  const std::string upper = k.id().hex();
  std::string lower = upper;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // Spellings that are not exactly 16 hex digits: the whole list is refused, so an operator sees it.
  for (std::string bad : {" " + lower, lower + " ", lower.substr(1), lower + "0", "0x" + lower.substr(2),
                          std::string("not-a-key-id"), std::string(), lower.substr(0, 15) + "g"}) {
    CAPTURE(bad);
    auto r = w.revoke(w.a_root, {unit_id{"pgd-a"}, 1, t0, {{bad, t0, "lộ khóa"}}});
    REQUIRE_FALSE(r);
    CHECK(r.err().code == errc::invalid_argument);
    CHECK(r.err().path == "/revoked/0/key_id");
    CHECK(r.err().message_vi.find("16 chữ số hex") != std::string::npos);
    CHECK(r.err().message_en.find("exactly 16 hex digits") != std::string::npos);
    CHECK(w.verify(sig));
  }
  // Lower case names the same key (the hole: it revoked nothing).
  auto held = w.revoke(w.a_root, {unit_id{"pgd-a"}, 2, t0, {{lower, t0, "lộ khóa"}}});
  REQUIRE_MESSAGE(held.has_value(), held.err().describe());
  CHECK(held->revoked[0].key_id == upper);  // held in minisign's spelling
  CHECK(w.verify(sig).err().code == errc::revoked);
  // Nor can it be delegated again by another authority.
  CHECK(w.delegate(w.city_root, world::delegation_of(k.public_part(), "city", "sch-a", 5)).err().code == errc::revoked);
  CHECK(trust::same_key_id(lower, upper));
  CHECK_FALSE(trust::same_key_id(" " + lower, upper));
}

TEST_CASE("an old approval cannot be replayed under a second authority's delegation of the same key") {
  world w;
  auto k = trust::secret_key::generate();
  REQUIRE(w.delegate(w.city_root, world::delegation_of(k.public_part(), "city", "sch-a")));
  REQUIRE(w.delegate(w.a_root, world::delegation_of(k.public_part(), "pgd-a", "sch-a")));
  trust::sequence_tracker seen;
  auto a5 = world::approve(k, world::statement("sch-a", 5));
  auto a3 = world::approve(k, world::statement("sch-a", 3));
  auto a4 = world::approve(k, world::statement("sch-a", 4));
  REQUIRE(w.verify(a5, &seen));
  // The hole: refused under the city's delegation, then accepted under pgd-a's, whose scope had
  // seen nothing.
  for (auto* old : {&a3, &a4}) {
    auto r = w.verify(*old, &seen);
    REQUIRE_FALSE(r);
    CHECK(r.err().code == errc::superseded);
  }
  CHECK(*seen.highest({"city", "sch-a", "video-atgt"}) == 5);
  CHECK(*seen.highest({"pgd-a", "sch-a", "video-atgt"}) == 5);
  CHECK(w.verify(a5, &seen));  // re-checking the newest is fine
  // An out-of-range jump is final too, whichever delegation is tried first.
  auto far = world::approve(k, world::statement("sch-a", 5 + trust::sequence_tracker::default_max_step + 1));
  CHECK(w.verify(far, &seen).err().code == errc::out_of_range);
}

TEST_CASE("an equal sequence for other bytes is a rollback") {
  world w;
  auto k = trust::secret_key::generate();
  REQUIRE(w.delegate(w.a_root, world::delegation_of(k.public_part(), "pgd-a", "sch-a")));
  const std::string old_bytes = "phiên bản cũ", new_bytes = "phiên bản mới";
  auto old1 = world::approve(k, world::statement("sch-a", 1), old_bytes);
  auto new1 = world::approve(k, world::statement("sch-a", 1), new_bytes);
  trust::sequence_tracker seen;
  REQUIRE(w.verify(new1, &seen, new_bytes));
  auto r = w.verify(old1, &seen, old_bytes);
  REQUIRE_FALSE(r);
  CHECK(r.err().code == errc::superseded);
  CHECK(r.err().message_en.find("already seen for other content") != std::string::npos);
  CHECK(r.err().message_vi.find("nội dung khác") != std::string::npos);
  CHECK(w.verify(new1, &seen, new_bytes));  // the same approval again is fine
  auto new2 = world::approve(k, world::statement("sch-a", 2), old_bytes);
  CHECK(w.verify(new2, &seen, old_bytes));  // a higher sequence may approve any bytes
}

TEST_CASE("a key whose id another authority's key copied still verifies") {
  auto k = trust::secret_key::generate();
  auto rogue = key_with_id(k.id());
  REQUIRE(rogue.id() == k.id());
  REQUIRE_FALSE(rogue.public_part() == k.public_part());
  for (bool rogue_first : {true, false}) {
    CAPTURE(rogue_first);
    world w;
    auto legit_d = world::delegation_of(k.public_part(), "pgd-a", "sch-a");
    auto rogue_d = world::delegation_of(rogue.public_part(), "pgd-b", "sch-b");
    if (rogue_first) REQUIRE(w.delegate(w.b_root, rogue_d));
    auto r = w.delegate(w.a_root, legit_d);
    REQUIRE_MESSAGE(r.has_value(), r.err().describe());  // the hole: conflict, the approver blocked
    if (!rogue_first) REQUIRE(w.delegate(w.b_root, rogue_d));
    trust::sequence_tracker seen;
    CHECK(w.verify(world::approve(k, world::statement("sch-a", 1)), &seen));
    CHECK(w.verify(world::approve(rogue, world::statement("sch-b", 1)), &seen));
    // Each key only under its own delegation: the rogue key cannot approve for sch-a.
    CHECK(w.verify(world::approve(rogue, world::statement("sch-a", 2))).err().code == errc::permission_denied);
    CHECK(w.verify(world::approve(k, world::statement("sch-b", 2))).err().code == errc::permission_denied);
    CHECK(seen.all().size() == 2);
  }
  // Inside one authority, two keys with one id stay a conflict.
  world w;
  REQUIRE(w.delegate(w.a_root, world::delegation_of(k.public_part(), "pgd-a", "sch-a")));
  auto r = w.delegate(w.a_root, world::delegation_of(rogue.public_part(), "pgd-a", "sch-a", 2));
  REQUIRE_FALSE(r);
  CHECK(r.err().code == errc::conflict);
}

TEST_CASE("signed statements naming a JSON key twice are refused") {
  world w;
  auto k = trust::secret_key::generate();
  auto dg = world::delegation_of(k.public_part(), "pgd-a", "sch-a");
  dg.uses = {u::portal, u::signage_school};
  REQUIRE(w.delegate(w.a_root, dg));
  auto d = trust::digest_content(content);
  auto s = world::statement("sch-a", 1);
  s.use = u::portal;
  s.key_id = k.id().hex();
  s.content_blake2b = trust::to_hex(d.b256);
  auto line = trust::detail::compact(to_json_value(s));
  REQUIRE(line.back() == '}');
  // What `minisign -V` shows starts with "use":"portal"; the library read the last value.
  auto dup = line.substr(0, line.size() - 1) + R"(,"use":"signage_school"})";
  auto r = w.verify(trust::sign_prehashed(k, d.b512, dup).to_text());
  REQUIRE_FALSE(r);
  CHECK(r.err().code == errc::bad_signature);
  CHECK(r.err().message_en.find("Duplicate JSON key: \"use\"") != std::string::npos);
  CHECK(r.err().message_vi.find("bị lặp") != std::string::npos);
  // A key spelled with an escape is the same key; nested objects are checked too.
  auto escaped = line.substr(0, line.size() - 1) + R"(,"\u0075se":"signage_school"})";
  CHECK(w.verify(trust::sign_prehashed(k, d.b512, escaped).to_text()).err().code == errc::bad_signature);
  CHECK(trust::parse_json_unique_keys(R"({"a":{"b":1,"b":2}})").err().code == errc::parse_error);
  CHECK(trust::parse_json_unique_keys(R"({"a":{"b":1},"c":{"b":2},"d":[{"b":1},{"b":2}]})"));
  // The statement as signed verifies, for the use it names.
  CHECK(w.ring.verify_approval(trust::sign_prehashed(k, d.b512, line).to_text(), d, {t0 + 48h, u::portal}));
  CHECK(w.verify(trust::sign_prehashed(k, d.b512, line).to_text()).err().code == errc::wrong_use);

  // A delegation with a repeated key.
  auto k2 = trust::secret_key::generate();
  auto dline = trust::detail::compact(to_json_value(world::delegation_of(k2.public_part(), "pgd-a", "sch-a")));
  dline = dline.substr(0, dline.size() - 1) + R"(,"unit":"pgd-a"})";
  auto dsig = trust::sign(w.a_root, k2.public_part().to_file(), dline, "x").to_text();
  CHECK(w.ring.add_delegation(dsig).err().code == errc::bad_signature);

  // A revocation list body with a repeated key.
  auto body = R"({"format":"pbgdpl/revocations/1","authority":"pgd-a","sequence":3,"issued_at":"2024-09-01T00:00:00+07:00",)"
              R"("revoked":[{"key_id":")" + k.id().hex() + R"(","since":"2024-09-01T00:00:00+07:00"}],"revoked":[]})";
  auto rsig = trust::sign(w.a_root, body, "pbgdpl revocations", "x").to_text();
  auto rr = w.ring.apply_revocations(body, rsig);
  REQUIRE_FALSE(rr);
  CHECK(rr.err().code == errc::parse_error);
}

TEST_CASE("a revocation list cannot be replaced by another with the same sequence") {
  world w;
  auto k = trust::secret_key::generate();
  REQUIRE(w.delegate(w.a_root, world::delegation_of(k.public_part(), "pgd-a", "sch-a")));
  auto sig = world::approve(k, world::statement("sch-a", 1));
  trust::revocation_list revoking{unit_id{"pgd-a"}, 7, t0, {{k.id().hex(), t0, "lộ khóa"}}};
  trust::revocation_list empty_earlier{unit_id{"pgd-a"}, 7, t0 - 1h, {}};
  REQUIRE(w.revoke(w.a_root, revoking));
  REQUIRE(w.revoke(w.a_root, revoking));  // the identical list again is fine
  auto r = w.revoke(w.a_root, empty_earlier);
  REQUIRE_FALSE(r);
  CHECK(r.err().code == errc::conflict);
  CHECK(r.err().message_en.find("same sequence 7") != std::string::npos);
  CHECK(w.verify(sig).err().code == errc::revoked);
  CHECK(w.revoke(w.a_root, {unit_id{"pgd-a"}, 8, t0 + 1h, {{k.id().hex(), t0, "lộ khóa"}}}));
}

TEST_CASE("a delegation cannot be replaced by another with the same sequence") {
  world w;
  auto k = trust::secret_key::generate();
  auto d = world::delegation_of(k.public_part(), "pgd-a", "sch-a", 4);
  REQUIRE(w.delegate(w.a_root, d));
  REQUIRE(w.delegate(w.a_root, d));  // the identical delegation again is fine
  auto wider = d;
  wider.valid_until = t0 + 24h * 3650;
  CHECK(w.delegate(w.a_root, wider).err().code == errc::conflict);
  CHECK(w.ring.find_delegation(unit_id{"pgd-a"}, k.id().hex())->valid_until == d.valid_until);
  wider.sequence = 5;
  CHECK(w.delegate(w.a_root, wider));
}

TEST_CASE("the sequence tracker's state round-trips through JSON, duplicates refused") {
  world w;
  auto k = trust::secret_key::generate();
  REQUIRE(w.delegate(w.a_root, world::delegation_of(k.public_part(), "pgd-a", "sch-a")));
  trust::sequence_tracker seen(50);
  REQUIRE(w.verify(world::approve(k, world::statement("sch-a", 9)), &seen));
  auto text = to_json_value(seen).dump(2);
  auto back = trust::from_json_text_unique<trust::sequence_tracker>(text);
  REQUIRE_MESSAGE(back.has_value(), back.err().describe());
  CHECK(back->max_step() == 50);
  CHECK(back->all() == seen.all());
  CHECK(w.verify(world::approve(k, world::statement("sch-a", 8)), &*back).err().code == errc::superseded);
  auto bad = text;
  bad.replace(bad.find("\"max_step\""), 10, "\"max_step\": 1, \"max_step\"");
  CHECK(trust::from_json_text_unique<trust::sequence_tracker>(bad).err().code == errc::parse_error);
  CHECK_FALSE(trust::from_json_text_unique<trust::sequence_tracker>(R"({"format":"pbgdpl/sequences/1","max_step":5})"));
}
