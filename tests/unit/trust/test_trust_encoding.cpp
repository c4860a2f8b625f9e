// Pins the exact JSON of every signed or stored trust and media type: signatures cover these
// bytes (an approval's trusted comment, a delegation, a revocation list, a bundle manifest), so a
// change of encoder must not change one byte. Each document is fixed here, not taken from the
// code under test.
#include <pbgdpl/media/bundle.hpp>
#include <pbgdpl/trust/approval.hpp>
#include <pbgdpl/trust/tokens.hpp>

#include <doctest/doctest.h>

using namespace pbgdpl;

namespace {
timestamp at(int day, int hour) {
  return std::chrono::sys_days{std::chrono::year{2026} / 3 / day} + std::chrono::hours{hour} + std::chrono::minutes{7} +
         std::chrono::seconds{9};
}

trust::public_key fixed_key() {
  trust::public_key k;
  for (std::size_t i = 0; i < k.id.bytes.size(); ++i) k.id.bytes[i] = static_cast<std::uint8_t>(0xA0 + i);
  for (std::size_t i = 0; i < k.key.size(); ++i) k.key[i] = static_cast<std::uint8_t>(3 * i + 1);
  return k;
}

trust::approval_statement statement() {
  trust::approval_statement s;
  s.id = "pd-2026-017";
  s.content_id = "video-atgt-03";
  s.content_blake2b = std::string(64, 'c');
  s.approver_unit = unit_id{"pgd-ha-dong"};
  s.approver_role = role::division_approver;
  s.key_id = "A7A6A5A4A3A2A1A0";
  s.use = approval_use::signage_school;
  s.valid_from = at(1, 8);
  s.valid_until = at(31, 17);
  s.sequence = 42;
  return s;
}

trust::delegation delegation() {
  trust::delegation d;
  d.authority = unit_id{"so-gd-ha-noi"};
  d.key = fixed_key();
  d.unit = unit_id{"pgd-ha-dong"};
  d.approver_role = role::division_approver;
  d.uses = {approval_use::portal, approval_use::signage_school};
  d.valid_from = at(1, 0);
  d.valid_until = at(30, 0);
  d.sequence = 3;
  return d;
}

trust::revocation_list revocations() {
  trust::revocation_list l;
  l.authority = unit_id{"so-gd-ha-noi"};
  l.sequence = 9;
  l.issued_at = at(5, 9);
  l.revoked = {{"0123456789ABCDEF", at(4, 0), "Mất thiết bị"}, {"FEDCBA9876543210", at(5, 1), ""}};
  return l;
}

trust::token_record token(bool revoked) {
  trust::token_record t;
  t.id = "tok_00112233aabbccdd";
  t.kind = trust::token_kind::api_key;
  t.subject = "acc-gv-01";
  t.hash = std::string(64, 'e');
  t.created_at = at(2, 10);
  t.expires_at = at(2, 22);
  if (revoked) t.revoked_at = at(2, 11);
  return t;
}

media::bundle_manifest manifest() {
  media::bundle_manifest m;
  m.content_id = "bai-giang-atgt";
  m.title = "An toàn giao thông cho học sinh";
  m.metadata = json{{"topic", "giao thông"}, {"duration_seconds", 95}};
  m.created_at = at(3, 14);
  m.files = {{"video/bai 1.mp4", 1048576, "video/mp4", std::string(64, 'a')},
             {"phu-de.vi.txt", 812, "text/plain", std::string(64, 'b')}};
  return m;
}

template <class T>
void round_trips(const T& v) {
  auto back = from_json_value<T>(to_json_value(v));
  REQUIRE(back);
  CHECK(*back == v);
}
}  // namespace

TEST_CASE("an approval statement's signed line is pinned byte for byte") {
  auto s = statement();
  CHECK(trust::detail::compact(to_json_value(s)) ==
        R"({"approver_role":"division_approver","approver_unit":"pgd-ha-dong",)"
        R"("content_blake2b":"cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc",)"
        R"("content_id":"video-atgt-03","format":"pbgdpl/approval/1","id":"pd-2026-017","key_id":"A7A6A5A4A3A2A1A0",)"
        R"("sequence":42,"use":"signage_school","valid_from":"2026-03-01T15:07:09+07:00",)"
        R"("valid_until":"2026-04-01T00:07:09+07:00"})");
  round_trips(s);
}

TEST_CASE("a delegation's signed line is pinned byte for byte") {
  auto d = delegation();
  CHECK(trust::detail::compact(to_json_value(d)) ==
        R"({"approver_role":"division_approver","authority":"so-gd-ha-noi","format":"pbgdpl/delegation/1",)"
        R"("key":"RWSgoaKjpKWmpwEEBwoNEBMWGRwfIiUoKy4xNDc6PUBDRklMT1JVWFte","sequence":3,"unit":"pgd-ha-dong",)"
        R"("uses":["portal","signage_school"],"valid_from":"2026-03-01T07:07:09+07:00",)"
        R"("valid_until":"2026-03-30T07:07:09+07:00"})");
  round_trips(d);
}

TEST_CASE("a revocation list's signed body is pinned byte for byte") {
  auto l = revocations();
  CHECK(to_json_value(l).dump(2) + "\n" == R"({
  "authority": "so-gd-ha-noi",
  "format": "pbgdpl/revocations/1",
  "issued_at": "2026-03-05T16:07:09+07:00",
  "revoked": [
    {
      "key_id": "0123456789ABCDEF",
      "reason": "Mất thiết bị",
      "since": "2026-03-04T07:07:09+07:00"
    },
    {
      "key_id": "FEDCBA9876543210",
      "reason": "",
      "since": "2026-03-05T08:07:09+07:00"
    }
  ],
  "sequence": 9
}
)");
  CHECK(trust::sign_revocations(trust::secret_key::generate(), l).body == to_json_value(l).dump(2) + "\n");
  round_trips(l);
}

TEST_CASE("a token record's stored JSON is pinned, with and without revocation") {
  CHECK(to_json_value(token(false)).dump() ==
        R"({"created_at":"2026-03-02T17:07:09+07:00","expires_at":"2026-03-03T05:07:09+07:00",)"
        R"("hash":"eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee","id":"tok_00112233aabbccdd",)"
        R"("kind":"api_key","subject":"acc-gv-01"})");
  CHECK(to_json_value(token(true)).dump() ==
        R"({"created_at":"2026-03-02T17:07:09+07:00","expires_at":"2026-03-03T05:07:09+07:00",)"
        R"("hash":"eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee","id":"tok_00112233aabbccdd",)"
        R"("kind":"api_key","revoked_at":"2026-03-02T18:07:09+07:00","subject":"acc-gv-01"})");
  round_trips(token(false));
  round_trips(token(true));
}

TEST_CASE("a bundle manifest's signed text is pinned byte for byte") {
  auto m = manifest();
  CHECK(media::manifest_text(m) == R"({
  "content_id": "bai-giang-atgt",
  "created_at": "2026-03-03T21:07:09+07:00",
  "files": [
    {
      "blake2b": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
      "media_type": "video/mp4",
      "path": "video/bai 1.mp4",
      "size": 1048576
    },
    {
      "blake2b": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
      "media_type": "text/plain",
      "path": "phu-de.vi.txt",
      "size": 812
    }
  ],
  "format": "pbgdpl/bundle/1",
  "metadata": {
    "duration_seconds": 95,
    "topic": "giao thông"
  },
  "title": "An toàn giao thông cho học sinh"
}
)");
  round_trips(m);
}

TEST_CASE("decoding keeps its refusals: another format, a bad key id, a missing field, a bad key") {
  auto j = to_json_value(statement());
  j["format"] = "pbgdpl/approval/2";
  auto r = from_json_value<trust::approval_statement>(j);
  REQUIRE_FALSE(r);
  CHECK(r.err().code == errc::unsupported_version);
  CHECK(r.err().message_en == "Unsupported format: pbgdpl/approval/2");
  CHECK(r.err().message_vi == "Định dạng không được hỗ trợ: pbgdpl/approval/2");

  auto mj = to_json_value(manifest());
  mj["format"] = "pbgdpl/bundle/0";
  auto m = from_json_value<media::bundle_manifest>(mj);
  REQUIRE_FALSE(m);
  CHECK(m.err().code == errc::unsupported_version);
  CHECK(m.err().message_en == "Unsupported bundle format: pbgdpl/bundle/0");

  auto lj = to_json_value(revocations());
  lj["revoked"][1]["key_id"] = "fedcba9876543210";  // lower case: read, held in upper case
  auto l = from_json_value<trust::revocation_list>(lj);
  REQUIRE(l);
  CHECK(l->revoked[1].key_id == "FEDCBA9876543210");
  lj["revoked"][1]["key_id"] = " FEDCBA9876543210";
  l = from_json_value<trust::revocation_list>(lj);
  REQUIRE_FALSE(l);
  CHECK(l.err().code == errc::invalid_argument);
  CHECK(l.err().path == "/revoked/1/key_id");
  lj["revoked"][1].erase("reason");  // optional
  lj["revoked"][1]["key_id"] = "FEDCBA9876543210";
  CHECK(from_json_value<trust::revocation_list>(lj));

  auto dj = to_json_value(delegation());
  dj.erase("sequence");
  auto d = from_json_value<trust::delegation>(dj);
  REQUIRE_FALSE(d);
  CHECK(d.err().code == errc::missing_field);
  CHECK(d.err().path == "/sequence");
  dj = to_json_value(delegation());
  dj["key"] = "RWS";
  d = from_json_value<trust::delegation>(dj);
  REQUIRE_FALSE(d);
  CHECK(d.err().code == errc::bad_key);

  auto tj = to_json_value(token(false));
  tj["kind"] = "cookie";
  auto t = from_json_value<trust::token_record>(tj);
  REQUIRE_FALSE(t);
  CHECK(t.err().code == errc::out_of_range);
  CHECK(t.err().path == "/kind");

  auto fj = to_json_value(manifest());
  fj["files"][0]["path"] = std::string(2000, 'p');  // past a short text, within what pack writes
  auto f = from_json_value<media::bundle_manifest>(fj);
  REQUIRE_FALSE(f);
  CHECK(f.err().code == errc::unsafe_path);  // refused by the path rule, not the reader's length
  CHECK(f.err().message_en.find("longer than 1024 bytes") != std::string::npos);
}
