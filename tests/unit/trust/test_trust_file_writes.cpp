// Hole 9 of issue 9 (the trust layer's part): files this layer writes are never written through a
// link or a FIFO planted at, or beside, their path. Bundle manifests and signatures go to a fresh
// O_EXCL|O_NOFOLLOW temporary renamed into place.
#include <pbgdpl/media/bundle.hpp>

#include <doctest/doctest.h>

#include "support.hpp"

#include <sys/stat.h>

using namespace pbgdpl;
using namespace trust_test;
using namespace std::chrono_literals;

namespace {
const timestamp t0 = timestamp{std::chrono::sys_days{2024y / 9 / 1}};

trust::approval_statement statement() {
  trust::approval_statement s;
  s.id = "a1";
  s.approver_unit = unit_id{"pgd-ha-dong"};
  s.approver_role = role::division_approver;
  s.use = trust::approval_use::signage_school;
  s.valid_from = t0;
  s.valid_until = t0 + 24h * 60;
  s.sequence = 1;
  return s;
}
}  // namespace

TEST_CASE("packing writes the manifest and its signature without following planted links") {
  auto base = scratch("writes_no_follow");
  auto key = trust::secret_key::generate();
  write(base / "clip.webm", noise(5000, 7));
  // The old temporary name (<manifest>.tmp) and the final names, each a link to a victim file.
  const auto manifest = base / "clip.webm.pbgdpl-bundle.json";
  const auto sig = base / "clip.webm.pbgdpl-bundle.json.minisig";
  std::filesystem::create_directories(base / "elsewhere");
  std::filesystem::create_symlink(base / "elsewhere" / "victim-tmp", base / "clip.webm.pbgdpl-bundle.json.tmp");
  std::filesystem::create_symlink(base / "elsewhere" / "victim-manifest", manifest);
  std::filesystem::create_symlink(base / "elsewhere" / "victim-sig", sig);
  media::pack_options o;
  o.content_id = "clip";
  o.created_at = t0;
  auto m = media::pack_and_approve(base / "clip.webm", o, key, statement());
  REQUIRE(m);
  CHECK_FALSE(std::filesystem::exists(base / "elsewhere" / "victim-tmp"));
  CHECK_FALSE(std::filesystem::exists(base / "elsewhere" / "victim-manifest"));
  CHECK_FALSE(std::filesystem::exists(base / "elsewhere" / "victim-sig"));
  CHECK(std::filesystem::is_regular_file(std::filesystem::symlink_status(manifest)));
  CHECK(std::filesystem::is_regular_file(std::filesystem::symlink_status(sig)));
  CHECK(read(manifest) == media::manifest_text(*m));
  // No temporary is left behind.
  std::size_t entries = 0;
  for (auto& e : std::filesystem::directory_iterator(base)) entries += e.path().filename().string().find(".tmp-") != std::string::npos;
  CHECK(entries == 0);
}

TEST_CASE("writing over a FIFO replaces it instead of waiting for a reader") {
  auto base = scratch("writes_fifo");
  REQUIRE(::mkfifo((base / "out.json").c_str(), 0644) == 0);
  auto r = within(std::chrono::milliseconds(5000), [&] {
    auto w = media::write_file_atomically(base / "out.json", "{}\n");
    return w ? 0 : static_cast<int>(w.err().code);
  });
  REQUIRE_MESSAGE(r.has_value(), "write_file_atomically hung on a FIFO");
  CHECK(*r == 0);
  CHECK(std::filesystem::is_regular_file(std::filesystem::symlink_status(base / "out.json")));
  CHECK(read(base / "out.json") == "{}\n");
  struct stat st {};
  REQUIRE(::stat((base / "out.json").c_str(), &st) == 0);
  CHECK((st.st_mode & 0077 & ~0044) == 0);  // at most 0644: not writable by others
}
