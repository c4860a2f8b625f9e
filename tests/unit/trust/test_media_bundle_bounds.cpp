// Bundles after the third round of attacks: paths bounded in depth and length (verification cost
// grew with depth squared), a link or FIFO planted at the manifest's path replaced by pack instead
// of refusing it (and link targets never printed), manifests with repeated JSON keys refused.
#include <pbgdpl/media/bundle.hpp>

#include <doctest/doctest.h>

#include <sys/stat.h>

#include "support.hpp"

using namespace pbgdpl;
using namespace trust_test;
using namespace std::chrono_literals;

namespace {
const timestamp t0 = timestamp{std::chrono::sys_days{2024y / 9 / 1}};

struct signer {
  trust::secret_key root = trust::secret_key::generate();
  trust::secret_key approver = trust::secret_key::generate();
  trust::keyring ring;
  signer() {
    ring.add_root(unit_id{"so-tu-phap"}, root.public_part(), trust::authority_scope{role::city_official, {}});
    trust::delegation d{unit_id{"so-tu-phap"}, approver.public_part(), unit_id{"so-tu-phap"}, role::city_official,
                        {trust::approval_use::signage_public}, t0, t0 + 24h * 365, 1};
    REQUIRE(ring.add_delegation(trust::sign_delegation(root, d).to_text()));
  }
  trust::approval_statement statement(const std::string& content_id) const {
    trust::approval_statement s;
    s.id = content_id + "-1";
    s.content_id = content_id;
    s.approver_unit = unit_id{"so-tu-phap"};
    s.approver_role = role::city_official;
    s.use = trust::approval_use::signage_public;
    s.valid_from = t0;
    s.valid_until = t0 + 24h * 60;
    s.sequence = 1;
    return s;
  }
  // Writes `text` as the manifest of `dir` with a genuine approval over it.
  void sign_manifest(const std::filesystem::path& dir, const std::string& text, const std::string& content_id) const {
    write(dir / "pbgdpl-bundle.json", text);
    auto sig = trust::sign_approval(approver, statement(content_id), trust::digest_content(text));
    REQUIRE(sig);
    write(dir / "pbgdpl-bundle.json.minisig", sig->to_text());
  }
  result<media::verified_bundle> verify(const std::filesystem::path& dir) const {
    return media::verify_bundle(dir, ring, {t0 + 24h, trust::approval_use::signage_public});
  }
};

std::string deep_path(std::size_t components) {
  std::string p;
  for (std::size_t i = 1; i < components; ++i) p += "d/";
  return p + "f.txt";
}
}  // namespace

TEST_CASE("manifest paths are bounded in depth and length at pack and at verify") {
  CHECK(media::check_relative_path(deep_path(32)));
  auto r = media::check_relative_path(deep_path(33));
  REQUIRE_FALSE(r);
  CHECK(r.err().code == errc::unsafe_path);
  CHECK(r.err().message_vi.find("quá 32 cấp") != std::string::npos);
  CHECK(r.err().message_en.find("more than 32 components") != std::string::npos);
  CHECK(media::check_relative_path(std::string(1024, 'a')));
  r = media::check_relative_path(std::string(1025, 'a'));
  REQUIRE_FALSE(r);
  CHECK(r.err().message_en.find("longer than 1024 bytes") != std::string::npos);

  // Packing a tree 100 levels deep is refused (it was accepted: 990 bytes of path).
  auto dir = scratch("bundle_deep") / "b";
  auto leaf = dir;
  for (int i = 0; i < 100; ++i) leaf /= "d";
  std::filesystem::create_directories(leaf);
  write(leaf / "f.txt", "sâu");
  write(dir / "top.txt", "nông");
  auto packed = media::pack(dir, {"deep", "", json::object(), t0, {}});
  REQUIRE_FALSE(packed);
  CHECK(packed.err().code == errc::unsafe_path);
  CHECK(packed.err().message_en.find("nested more than 32 levels") != std::string::npos);

  // A path of exactly 1,024 bytes packs and verifies (the manifest reader refused beyond 1,000).
  {
    signer s;
    auto b = scratch("bundle_long_path") / "b";
    auto d = b / std::string(200, 'd') / std::string(200, 'e') / std::string(200, 'f') / std::string(200, 'g');
    std::filesystem::create_directories(d);
    write(d / std::string(1024 - 4 * 201, 'h'), "x");
    media::pack_options o;
    o.content_id = "long";
    o.created_at = t0;
    auto m = media::pack_and_approve(b, o, s.approver, s.statement("long"));
    REQUIRE_MESSAGE(m.has_value(), m.err().describe());
    CHECK(m->files[0].path.size() == 1024);
    auto v = s.verify(b);
    CHECK_MESSAGE(v.has_value(), v.err().describe());
  }

  // A signed manifest naming a 33-level path is refused at verify.
  signer s;
  auto flat = scratch("bundle_deep_manifest") / "b";
  std::filesystem::create_directories(flat);
  write(flat / "a.txt", "x");
  auto m = media::pack(flat, {"deep-m", "", json::object(), t0, {}});
  REQUIRE(m);
  m->files[0].path = deep_path(33);
  s.sign_manifest(flat, media::manifest_text(*m), "deep-m");
  auto v = s.verify(flat);
  REQUIRE_FALSE(v);
  CHECK(v.err().code == errc::unsafe_path);
}

TEST_CASE("many files in a tree 32 levels deep verify, each directory checked once") {
  signer s;
  auto dir = scratch("bundle_wide_deep") / "b";
  auto leaf = dir;
  for (int i = 0; i < 31; ++i) leaf /= "d" + std::to_string(i);
  std::filesystem::create_directories(leaf);
  for (int i = 0; i < 300; ++i) write(leaf / ("f" + std::to_string(i) + ".txt"), std::to_string(i));
  media::pack_options o;
  o.content_id = "wide";
  o.created_at = t0;
  REQUIRE(media::pack_and_approve(dir, o, s.approver, s.statement("wide")));
  auto v = s.verify(dir);
  REQUIRE_MESSAGE(v.has_value(), v.err().describe());
  CHECK(v->manifest.files.size() == 300);
  // A directory swapped for a link is still refused.
  std::filesystem::rename(dir / "d0", dir / "real");
  std::filesystem::create_directory_symlink("real", dir / "d0");
  auto r = s.verify(dir);
  REQUIRE_FALSE(r);
  CHECK(r.err().code == errc::unsafe_path);
}

TEST_CASE("pack replaces a link or FIFO planted at the manifest's path and never names a link's target") {
  signer s;
  auto base = scratch("bundle_planted");
  auto dir = base / "b";
  std::filesystem::create_directories(dir);
  write(dir / "a.txt", "nội dung");
  write(base / "victim.txt", "do not touch\n");
  std::filesystem::create_symlink(base / "victim.txt", dir / "pbgdpl-bundle.json");
  ::mkfifo((dir / "pbgdpl-bundle.json.minisig").c_str(), 0644);
  media::pack_options o;
  o.content_id = "planted";
  o.created_at = t0;
  auto m = media::pack_and_approve(dir, o, s.approver, s.statement("planted"));
  REQUIRE_MESSAGE(m.has_value(), m.err().describe());  // it was refused as "a link in the bundle"
  CHECK(read(base / "victim.txt") == "do not touch\n");
  CHECK_FALSE(std::filesystem::is_symlink(dir / "pbgdpl-bundle.json"));
  CHECK(std::filesystem::is_regular_file(dir / "pbgdpl-bundle.json.minisig"));
  CHECK(s.verify(dir));

  // A link elsewhere in the bundle is refused by its name in the bundle, not where it points.
  std::filesystem::create_directories(base / "secret-target-dir");
  write(base / "secret-target-dir" / "x", "x");
  std::filesystem::create_symlink(base / "secret-target-dir" / "x", dir / "link.txt");
  auto r = media::pack(dir, {"p", "", json::object(), t0, {}});
  REQUIRE_FALSE(r);
  CHECK(r.err().code == errc::unsafe_path);
  CHECK(r.err().message_en.find("link.txt") != std::string::npos);
  CHECK(r.err().message_en.find("secret-target-dir") == std::string::npos);
  CHECK(r.err().message_vi.find("secret-target-dir") == std::string::npos);
}

TEST_CASE("a signed manifest naming a JSON key twice is refused") {
  signer s;
  auto dir = scratch("bundle_dup_keys") / "b";
  std::filesystem::create_directories(dir);
  write(dir / "a.txt", "x");
  auto m = media::pack(dir, {"dup", "Tiêu đề", json::object(), t0, {}});
  REQUIRE(m);
  auto text = media::manifest_text(*m);
  auto pos = text.find("\"title\"");
  REQUIRE(pos != std::string::npos);
  text.insert(pos, "\"title\": \"Khác\",\n  ");
  s.sign_manifest(dir, text, "dup");
  auto r = s.verify(dir);
  REQUIRE_FALSE(r);
  CHECK(r.err().code == errc::parse_error);
  CHECK(r.err().message_en.find("Duplicate JSON key: \"title\"") != std::string::npos);
}
