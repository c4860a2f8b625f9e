// Hole 8 of issue 9: a FIFO (or another special file) named like an input file must be refused at
// once, never waited on. Each check runs in a child process with a watchdog, so a regression fails
// within seconds instead of hanging CTest.
#include <pbgdpl/media/bundle.hpp>

#include <doctest/doctest.h>

#include "support.hpp"

#include <sys/stat.h>

using namespace pbgdpl;
using namespace trust_test;
using namespace std::chrono_literals;

namespace {
const timestamp t0 = timestamp{std::chrono::sys_days{2024y / 9 / 1}};
constexpr auto watchdog = 5000ms;

int code_of(errc e) { return static_cast<int>(e); }

template <class R>
int outcome(const R& r) {
  return r ? 0 : code_of(r.err().code);
}

void make_fifo(const std::filesystem::path& p) {
  std::filesystem::remove(p);
  REQUIRE(::mkfifo(p.c_str(), 0644) == 0);
}
}  // namespace

TEST_CASE("reading a FIFO named as an input file is refused at once, not waited on") {
  auto dir = scratch("fifo_inputs");
  make_fifo(dir / "pipe");
  auto r = within(watchdog, [&] { return outcome(trust::blake2b_file(dir / "pipe")); });
  REQUIRE_MESSAGE(r.has_value(), "blake2b_file hung on a FIFO");
  CHECK(*r == code_of(errc::unsafe_path));
  r = within(watchdog, [&] { return outcome(trust::xxh3_128_file(dir / "pipe")); });
  REQUIRE_MESSAGE(r.has_value(), "xxh3_128_file hung on a FIFO");
  CHECK(*r == code_of(errc::unsafe_path));
  r = within(watchdog, [&] { return outcome(trust::digest_file(dir / "pipe")); });
  REQUIRE_MESSAGE(r.has_value(), "digest_file hung on a FIFO");
  CHECK(*r == code_of(errc::unsafe_path));
  // Through a symbolic link too, and a character device.
  std::filesystem::create_symlink(dir / "pipe", dir / "link");
  r = within(watchdog, [&] { return outcome(trust::blake2b_file(dir / "link")); });
  REQUIRE(r.has_value());
  CHECK(*r == code_of(errc::unsafe_path));
  r = within(watchdog, [&] { return outcome(trust::blake2b_file("/dev/zero")); });
  REQUIRE(r.has_value());
  CHECK(*r == code_of(errc::unsafe_path));
  // The message says why, in both languages.
  auto e = trust::blake2b_file(dir / "pipe").err();
  CHECK(e.message_vi.find("Không phải tệp thông thường") != std::string::npos);
  CHECK(e.message_en.find("Not a regular file") != std::string::npos);
  // A regular file still reads.
  write(dir / "plain.txt", "nội dung");
  CHECK(trust::blake2b_file(dir / "plain.txt").has_value());
}

TEST_CASE("verifying a bundle whose manifest or signature is a FIFO is refused, not waited on") {
  auto base = scratch("fifo_bundle");
  auto dir = base / "b";
  std::filesystem::create_directories(dir);
  write(dir / "a.txt", "Luật trẻ em 2016");
  trust::keyring ring;  // the manifest and signature are read before any key is consulted
  const trust::verify_context ctx{t0 + 24h, trust::approval_use::signage_school};

  make_fifo(dir / "pbgdpl-bundle.json");
  auto r = within(watchdog, [&] { return outcome(media::verify_bundle(dir, ring, ctx)); });
  REQUIRE_MESSAGE(r.has_value(), "verify_bundle hung on a FIFO manifest");
  CHECK(*r == code_of(errc::unsafe_path));

  std::filesystem::remove(dir / "pbgdpl-bundle.json");
  write(dir / "pbgdpl-bundle.json", "{}");
  make_fifo(dir / "pbgdpl-bundle.json.minisig");
  r = within(watchdog, [&] { return outcome(media::verify_bundle(dir, ring, ctx)); });
  REQUIRE_MESSAGE(r.has_value(), "verify_bundle hung on a FIFO signature");
  CHECK(*r == code_of(errc::unsafe_path));

  // A single-file bundle whose manifest beside it is a FIFO, and a FIFO given as the file.
  write(base / "clip.webm", "x");
  make_fifo(base / "clip.webm.pbgdpl-bundle.json");
  r = within(watchdog, [&] { return outcome(media::verify_bundle(base / "clip.webm", ring, ctx)); });
  REQUIRE(r.has_value());
  CHECK(*r == code_of(errc::unsafe_path));
  make_fifo(base / "pipe.mp4");
  r = within(watchdog, [&] { return outcome(media::pack(base / "pipe.mp4", {"p", "", json::object(), t0, {}})); });
  REQUIRE_MESSAGE(r.has_value(), "pack hung on a FIFO");
  CHECK(*r == code_of(errc::unsafe_path));
}

TEST_CASE("a listed bundle file replaced by a FIFO is refused, not waited on") {
  auto dir = scratch("fifo_listed") / "b";
  std::filesystem::create_directories(dir);
  write(dir / "a.txt", "Luật trẻ em 2016");
  write(dir / "b.txt", "Luật giáo dục");
  auto m = media::pack(dir, {"p", "", json::object(), t0, {}});
  REQUIRE(m);
  make_fifo(dir / "b.txt");
  auto r = within(watchdog, [&] { return outcome(media::verify_files(media::bundle_layout::of(dir), *m)); });
  REQUIRE_MESSAGE(r.has_value(), "verify_files hung on a FIFO");
  CHECK(*r == code_of(errc::unsafe_path));
}
