#include <pbgdpl/media/bundle.hpp>

#include <doctest/doctest.h>

#include "support.hpp"

using namespace pbgdpl;
using namespace trust_test;
using namespace std::chrono_literals;

namespace {
const timestamp t0 = timestamp{std::chrono::sys_days{2024y / 9 / 1}};

struct authority {
  trust::secret_key root = trust::secret_key::generate();
  trust::secret_key approver = trust::secret_key::generate();
  trust::keyring ring;
  authority() {
    ring.add_root(unit_id{"so-tu-phap"}, root.public_part(), trust::authority_scope{role::city_official, {}});
    trust::delegation d{unit_id{"so-tu-phap"}, approver.public_part(), unit_id{"so-tu-phap"}, role::city_official,
                        {trust::approval_use::signage_public, trust::approval_use::signage_school}, t0, t0 + 24h * 365, 1};
    REQUIRE(ring.add_delegation(trust::sign_delegation(root, d).to_text()));
  }
  trust::approval_statement statement(std::uint64_t seq = 1) const {
    trust::approval_statement s;
    s.id = "a" + std::to_string(seq);
    s.approver_unit = unit_id{"so-tu-phap"};
    s.approver_role = role::city_official;
    s.use = trust::approval_use::signage_public;
    s.valid_from = t0;
    s.valid_until = t0 + 24h * 60;
    s.sequence = seq;
    return s;
  }
  media::bundle_manifest pack(const std::filesystem::path& src, const std::string& id, std::uint64_t seq = 1) const {
    media::pack_options o;
    o.content_id = id;
    o.title = "Cầu thang pháp luật";
    o.metadata = {{"topic", "giao thông"}};
    o.created_at = t0;
    auto m = media::pack_and_approve(src, o, approver, statement(seq));
    if (!m) FAIL(m.err().describe());
    return *m;
  }
  errc verify(const std::filesystem::path& src, timestamp at = t0 + 24h) const {
    auto r = media::verify_bundle(src, ring, {at, trust::approval_use::signage_public});
    return r ? errc::ok : r.err().code;
  }
};

std::filesystem::path make_bundle_dir(const std::filesystem::path& dir, unsigned seed) {
  std::filesystem::create_directories(dir / "ảnh");
  write(dir / "video.mp4", noise(1500000, seed));
  write(dir / "ảnh" / "infographic.png", noise(20000, seed + 1));
  write(dir / "readme.txt", "Luật trẻ em 2016");
  return dir;
}
}  // namespace

TEST_CASE("a packed and approved bundle verifies, and minisign verifies its manifest") {
  authority a;
  auto dir = make_bundle_dir(scratch("bundle_ok") / "b", 1);
  std::uint64_t last = 0, total = 0;
  media::pack_options o;
  o.content_id = "bundle-giao-thong";
  o.created_at = t0;
  o.progress = [&](std::uint64_t d, std::uint64_t t) { last = d, total = t; };
  auto m = media::pack_and_approve(dir, o, a.approver, a.statement());
  REQUIRE(m);
  CHECK(total == 1500000 + 20000 + 20);
  CHECK(last == total);
  REQUIRE(m->files.size() == 3);
  CHECK(m->files[0].path == "readme.txt");
  CHECK(m->files[1].path == "video.mp4");
  CHECK(m->files[1].media_type == "video/mp4");
  CHECK(m->files[2].path == "ảnh/infographic.png");
  CHECK(m->files[2].blake2b == output("b2sum -l 256 " + quote(dir / "ảnh" / "infographic.png")).substr(0, 64));
  auto v = media::verify_bundle(dir, a.ring, {t0 + 24h, trust::approval_use::signage_public});
  if (!v) FAIL(v.err().describe());
  CHECK(v->manifest == *m);
  CHECK(v->approval.content_id == "bundle-giao-thong");
  write(dir.parent_path() / "approver.pub", a.approver.public_part().to_file());
  CHECK(run("minisign -VHm " + quote(dir / "pbgdpl-bundle.json") + " -p " + quote(dir.parent_path() / "approver.pub")) == 0);
}

TEST_CASE("a single-file bundle keeps its manifest beside the file") {
  authority a;
  auto dir = scratch("bundle_single");
  write(dir / "clip.webm", noise(300000, 2));
  write(dir / "other.txt", "not part of the bundle");
  a.pack(dir / "clip.webm", "clip");
  CHECK(std::filesystem::exists(dir / "clip.webm.pbgdpl-bundle.json"));
  CHECK(std::filesystem::exists(dir / "clip.webm.pbgdpl-bundle.json.minisig"));
  CHECK(a.verify(dir / "clip.webm") == errc::ok);
  write(dir / "clip.webm", noise(300000, 3));
  CHECK(a.verify(dir / "clip.webm") == errc::tampered);
}

TEST_CASE("tamper corpus for bundles: every change is refused with the right code") {
  authority a;
  auto base = scratch("bundle_tamper");
  auto dir = make_bundle_dir(base / "b", 10);
  a.pack(dir, "bundle-a");
  REQUIRE(a.verify(dir) == errc::ok);
  auto reset = [&] {
    std::filesystem::remove_all(dir);
    make_bundle_dir(dir, 10);
    a.pack(dir, "bundle-a");
  };

  SUBCASE("a flipped bit in a file") {
    auto s = read(dir / "video.mp4");
    s[700000] ^= 0x04;
    write(dir / "video.mp4", s);
    CHECK(a.verify(dir) == errc::tampered);
  }
  SUBCASE("a flipped bit in the manifest") {
    auto s = read(dir / "pbgdpl-bundle.json");
    auto pos = s.find("Cầu") == std::string::npos ? s.find("\"size\": 20") : s.find("Cầu");
    REQUIRE(pos != std::string::npos);
    s[pos + 9] ^= 0x01;
    write(dir / "pbgdpl-bundle.json", s);
    CHECK(a.verify(dir) == errc::tampered);
  }
  SUBCASE("a truncated or padded file") {
    auto s = read(dir / "video.mp4");
    write(dir / "video.mp4", s.substr(0, s.size() - 1));
    CHECK(a.verify(dir) == errc::tampered);
    write(dir / "video.mp4", s + "x");
    CHECK(a.verify(dir) == errc::tampered);
  }
  SUBCASE("files swapped between two approved bundles") {
    auto other = make_bundle_dir(base / "other", 20);
    a.pack(other, "bundle-b");
    REQUIRE(a.verify(other) == errc::ok);
    std::filesystem::copy_file(other / "video.mp4", dir / "video.mp4", std::filesystem::copy_options::overwrite_existing);
    CHECK(a.verify(dir) == errc::tampered);
    // Swapping whole manifests and signatures does not help either: B's approval names B's files.
    std::filesystem::copy_file(other / "pbgdpl-bundle.json", dir / "pbgdpl-bundle.json",
                               std::filesystem::copy_options::overwrite_existing);
    CHECK(a.verify(dir) == errc::tampered);  // B's manifest under A's signature
  }
  SUBCASE("a missing, an extra or a linked file") {
    std::filesystem::remove(dir / "readme.txt");
    CHECK(a.verify(dir) == errc::not_found);
    reset();
    write(dir / "extra.mp4", "x");
    CHECK(a.verify(dir) == errc::tampered);
    reset();
    std::filesystem::remove(dir / "readme.txt");
    std::filesystem::create_symlink("/etc/hostname", dir / "readme.txt");
    CHECK(a.verify(dir) == errc::unsafe_path);
    reset();
    std::filesystem::rename(dir / "ảnh", base / "elsewhere");
    std::filesystem::create_symlink(base / "elsewhere", dir / "ảnh");
    CHECK(a.verify(dir) == errc::unsafe_path);
  }
  SUBCASE("a signature from another key, or an expired approval") {
    auto stranger = trust::secret_key::generate();
    media::pack_options o;
    o.content_id = "bundle-a";
    REQUIRE(media::pack_and_approve(dir, o, stranger, a.statement()));
    CHECK(a.verify(dir) == errc::unknown_key);
    reset();
    CHECK(a.verify(dir, t0 + 24h * 61) == errc::expired);
    CHECK(a.verify(dir, t0 - 1h) == errc::not_yet_valid);
  }
  SUBCASE("a rollback to an older approved bundle") {
    trust::sequence_tracker seen;
    auto copy = base / "old";
    std::filesystem::copy(dir, copy, std::filesystem::copy_options::recursive);
    std::filesystem::remove_all(dir);
    make_bundle_dir(dir, 10);
    a.pack(dir, "bundle-a", 2);
    REQUIRE(media::verify_bundle(dir, a.ring, {t0 + 24h, trust::approval_use::signage_public}, &seen));
    auto r = media::verify_bundle(copy, a.ring, {t0 + 24h, trust::approval_use::signage_public}, &seen);
    CHECK(r.err().code == errc::superseded);
  }
}

TEST_CASE("manifests naming paths outside the bundle are refused even when signed") {
  authority a;
  auto dir = scratch("bundle_paths") / "b";
  std::filesystem::create_directories(dir);
  write(dir / "a.txt", "nội dung");
  auto good = media::pack(dir, {"bundle-p", "", json::object(), t0, {}});
  REQUIRE(good);
  for (std::string bad : std::vector<std::string>{"../a.txt", "/etc/passwd", "x/../a.txt", "./a.txt", "a//b", "", "a\\b", "C:a.txt", "a/",
                          std::string("a\x01.txt")}) {
    CAPTURE(bad);
    auto m = *good;
    m.files[0].path = bad;
    CHECK(check(m).err().code == errc::unsafe_path);
    // A holder of a valid key who signs such a manifest still gets it refused.
    auto text = media::manifest_text(m);
    write(dir / "pbgdpl-bundle.json", text);
    auto s = a.statement();
    s.content_id = "bundle-p";
    write(dir / "pbgdpl-bundle.json.minisig", trust::sign_approval(a.approver, s, trust::digest_content(text))->to_text());
    auto r = media::verify_bundle(dir, a.ring, {t0 + 24h, trust::approval_use::signage_public});
    REQUIRE_FALSE(r);
    CHECK(r.err().code == errc::unsafe_path);
  }
  auto dup = *good;
  dup.files.push_back(dup.files[0]);
  CHECK(check(dup).err().code == errc::unsafe_path);
  dup.files[1].path = "A.TXT";  // the same name to a case-insensitive file system
  CHECK(check(dup).err().code == errc::unsafe_path);
  auto wrong_size = *good;
  wrong_size.files[0].size += 1;
  CHECK(media::verify_files(media::bundle_layout::of(dir), wrong_size).err().code == errc::tampered);
  wrong_size.files[0].size -= 2;
  CHECK(media::verify_files(media::bundle_layout::of(dir), wrong_size).err().code == errc::tampered);
}

TEST_CASE("packing refuses links inside a directory bundle") {
  auto dir = scratch("bundle_pack_links") / "b";
  std::filesystem::create_directories(dir);
  write(dir / "a.txt", "x");
  std::filesystem::create_symlink("/etc/hostname", dir / "link.txt");
  auto r = media::pack(dir, {"p", "", json::object(), t0, {}});
  REQUIRE_FALSE(r);
  CHECK(r.err().code == errc::unsafe_path);
}

TEST_CASE("a file whose name is NFD on disk (from macOS) packs and verifies, and an NFD twin of a listed file is refused") {
  authority a;
  const std::string nfc = "\xC4\x90\xC3\xA0o t\xE1\xBA\xA1o.txt";          // "Đào tạo.txt", precomposed
  const std::string nfd = "\xC4\x90" "a\xCC\x80" "o ta\xCC\xA3o.txt";       // the same name, decomposed
  REQUIRE(text::nfc(nfd).value() == nfc);
  auto dir = scratch("bundle_nfd") / "b";
  std::filesystem::create_directories(dir / ("th\xC6\xB0 m\xE1\xBB\xA5" "c"));   // "thư mục" (NFC)
  write(dir / nfd, "Luật Giáo dục 2019");
  write(dir / ("th\xC6\xB0 m\xE1\xBB\xA5" "c") / nfd, "Luật Trẻ em 2016");
  auto m = a.pack(dir, "nfd");
  REQUIRE(m.files.size() == 2);
  CHECK(m.files[1].path == nfc);  // recorded in NFC, as every name the library stores (sorted: "t" < "Đ")
  CHECK(m.files[0].path == "th\xC6\xB0 m\xE1\xBB\xA5" "c/" + nfc);
  CHECK(a.verify(dir) == errc::ok);
  // A changed NFD file is still caught through its NFC name.
  write(dir / nfd, "Luật Giáo dục 2005");
  CHECK(a.verify(dir) == errc::tampered);
  write(dir / nfd, "Luật Giáo dục 2019");
  REQUIRE(a.verify(dir) == errc::ok);

  // Packed with the NFC name only; a twin under the NFD name appears later: a file nobody approved.
  auto dir2 = scratch("bundle_nfd_twin") / "b";
  std::filesystem::create_directories(dir2);
  write(dir2 / nfc, "đã duyệt");
  a.pack(dir2, "twin");
  REQUIRE(a.verify(dir2) == errc::ok);
  write(dir2 / nfd, "chưa duyệt");
  CHECK(a.verify(dir2) == errc::tampered);

  // A single-file bundle whose file name is NFD.
  auto one = scratch("bundle_nfd_single");
  std::filesystem::create_directories(one);
  write(one / nfd, noise(5000, 9));
  a.pack(one / nfd, "single");
  CHECK(a.verify(one / nfd) == errc::ok);
}
