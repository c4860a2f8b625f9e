// The portal's content store and device enrolment (signage/content.hpp, signage/enrolment.hpp).
#include <pbgdpl/signage/content.hpp>
#include <pbgdpl/signage/enrolment.hpp>
#include <pbgdpl/store/memory.hpp>

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>

using namespace pbgdpl;
using namespace std::chrono_literals;

namespace {

std::filesystem::path temp_dir(const char* name) {
  auto dir = std::filesystem::path(PBGDPL_BINARY_DIR) / "tmp" / "signage-enrolment" /
             (std::string(name) + "-" + std::to_string(::getpid()) + "-" + random_id_string().substr(0, 8));
  std::filesystem::create_directories(dir);
  return dir;
}

media_asset media_of(std::string id, std::string_view bytes) {
  media_asset m;
  m.id = media_id{std::move(id)};
  m.blake2b = trust::to_hex(trust::blake2b_256(bytes));
  m.size = bytes.size();
  return m;
}

display screen(std::string id) {
  display d;
  d.id = display_id{std::move(id)};
  d.name = "Màn hình " + d.id.value;
  d.unit = unit_id{"th-van-yen"};
  return d;
}

const timestamp t0 = parse_timestamp("2026-12-01T08:00:00+07:00").value();

}  // namespace

TEST_CASE("content: a file is served for a media record only when its bytes have the record's digest") {
  auto dir = temp_dir("content");
  signage::content_store cs(dir / "content", dir / "media");
  auto hex = cs.put("video bytes");
  REQUIRE(hex);
  auto m = media_of("video", "video bytes");
  CHECK(*hex == m.blake2b);
  auto found = cs.find(m);
  REQUIRE(found);
  CHECK(found->size == 11);
  CHECK(trust::to_hex(found->digest.b256) == m.blake2b);
  CHECK(found->digest.b512 == trust::blake2b_512(std::string_view("video bytes")));
  // The media library's original is found too.
  std::filesystem::create_directories(dir / "media" / "anh");
  std::ofstream(dir / "media" / "anh" / "original.png", std::ios::binary) << "png bytes";
  CHECK(cs.find(media_of("anh", "png bytes")));
  // Bytes changed behind the record's back: not served, neither from the store nor the library.
  std::ofstream(dir / "content" / m.blake2b, std::ios::binary | std::ios::trunc) << "other bytes";
  CHECK(cs.find(m).err().code == errc::not_found);
  std::ofstream(dir / "media" / "anh" / "original.png", std::ios::binary | std::ios::trunc) << "changed";
  CHECK_FALSE(cs.find(media_of("anh", "png bytes")));
  // A digest that is not 64 hex characters never becomes a path.
  auto odd = media_of("x", "y");
  odd.blake2b = "../../etc/passwd";
  CHECK_FALSE(cs.find(odd));
}

TEST_CASE("content: a FIFO or a link named like a content file is refused at once") {
  auto dir = temp_dir("fifo");
  signage::content_store cs(dir);
  auto m = media_of("fifo", "whatever");
  REQUIRE(::mkfifo((dir / m.blake2b).c_str(), 0600) == 0);
  auto start = std::chrono::steady_clock::now();
  CHECK_FALSE(cs.find(m));
  CHECK(std::chrono::steady_clock::now() - start < 2s);
  auto real = dir / "real";
  std::ofstream(real, std::ios::binary) << "whatever";
  auto m2 = media_of("link", "whatever");
  std::filesystem::remove(dir / m2.blake2b);
  std::filesystem::create_symlink(real, dir / m2.blake2b);
  CHECK(cs.digest(dir / m2.blake2b).err().code == errc::unsafe_path);
}

TEST_CASE("enrolment codes: the unambiguous alphabet, typed in any case and spacing") {
  for (int i = 0; i < 200; ++i) {
    auto c = signage::make_enrolment_code();
    CHECK(is_enrolment_code(c));
    CHECK(c.find_first_of("01OI") == std::string::npos);
  }
  CHECK(signage::normalise_enrolment_code(" 7kq m4p ") == std::optional<std::string>("7KQ-M4P"));
  CHECK(signage::normalise_enrolment_code("7KQM4P") == std::optional<std::string>("7KQ-M4P"));
  CHECK_FALSE(signage::normalise_enrolment_code("7KQ-M4"));
  CHECK_FALSE(signage::normalise_enrolment_code("7KQ-M4PX"));
  CHECK_FALSE(signage::normalise_enrolment_code("7K0-M4P"));
}

TEST_CASE("enrolment: one device per display, a new key id clash refused, revocation forgets the key") {
  store::memory_store db;
  REQUIRE(db.create(screen("d1"), "test"));
  auto k1 = trust::secret_key::generate(), k2 = trust::secret_key::generate();
  auto e1 = signage::enrol(db, {k1.public_part().to_file(), "Máy 1", 1920, 1080}, t0);
  REQUIRE(e1);
  CHECK(e1->state == enrolment_state::pending);
  CHECK(e1->id.value == k1.id().hex());
  // The same key asks again: the same record and code.
  auto again = signage::enrol(db, {k1.public_part().base64(), "Máy 1", 1920, 1080}, t0 + 1min);
  REQUIRE(again);
  CHECK(again->code == e1->code);
  // Another key claiming the same key id is refused.
  auto clash = k1.public_part();
  clash.key[0] ^= 1;
  CHECK(signage::enrol(db, {clash.to_file(), "Máy giả", 0, 0}, t0).err().code == errc::conflict);
  // A wrong code or an unknown display binds nothing.
  CHECK_FALSE(signage::authorise(db, "222-222", display_id{"d1"}, account_id{"admin"}, t0));
  CHECK(signage::authorise(db, e1->code, display_id{"no-such"}, account_id{"admin"}, t0).err().code == errc::not_found);
  auto a1 = signage::authorise(db, e1->code, display_id{"d1"}, account_id{"admin"}, t0);
  REQUIRE(a1);
  CHECK(a1->state == enrolment_state::authorised);
  CHECK(db.get<display>("d1")->public_key == k1.public_part().base64());
  // A second device for the same display replaces the first.
  auto e2 = signage::enrol(db, {k2.public_part().to_file(), "Máy 2", 1920, 1080}, t0);
  REQUIRE(e2);
  REQUIRE(signage::authorise(db, e2->code, display_id{"d1"}, account_id{"admin"}, t0));
  CHECK(db.get<display_enrolment>(k1.id().hex())->state == enrolment_state::revoked);
  auto now_bound = signage::enrolment_of(db, display_id{"d1"});
  REQUIRE(now_bound);
  REQUIRE(*now_bound);
  CHECK((*now_bound)->id.value == k2.id().hex());
  CHECK(db.get<display>("d1")->public_key == k2.public_part().base64());
  // A code is used once: authorised, it is no longer pending.
  CHECK_FALSE(signage::authorise(db, e2->code, display_id{"d1"}, account_id{"admin"}, t0));
  REQUIRE(signage::revoke(db, display_enrolment_id{k2.id().hex()}, account_id{"admin"}, t0));
  CHECK(db.get<display>("d1")->public_key.empty());
  auto none = signage::enrolment_of(db, display_id{"d1"});
  REQUIRE(none);
  CHECK_FALSE(*none);
  // A revoked device asking again stays revoked.
  CHECK(signage::enrol(db, {k2.public_part().to_file(), "Máy 2", 0, 0}, t0)->state == enrolment_state::revoked);
}

TEST_CASE("enrolment: an expired pending code is renewed, and the pending list is capped") {
  store::memory_store db;
  signage::enrol_limits lim;
  lim.max_pending = 2;
  auto k = trust::secret_key::generate();
  auto e = signage::enrol(db, {k.public_part().to_file(), "", 0, 0}, t0, lim);
  REQUIRE(e);
  auto later = signage::enrol(db, {k.public_part().to_file(), "", 0, 0}, t0 + 25h, lim);
  REQUIRE(later);
  CHECK(later->created_at == t0 + 25h);
  CHECK(signage::find_pending(db, later->code, t0 + 25h, lim));
  for (int i = 0; i < 4; ++i)
    REQUIRE(signage::enrol(db, {trust::secret_key::generate().public_part().to_file(), "", 0, 0}, t0 + 26h + std::chrono::minutes{i}, lim));
  auto pending = signage::pending_enrolments(db, t0 + 27h, lim);
  REQUIRE(pending);
  CHECK(pending->size() == 2);
}
