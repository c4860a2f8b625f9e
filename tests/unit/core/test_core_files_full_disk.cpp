// A full disk is errc::storage_full, not a generic I/O error (issue 21): the portal answers it
// with 507 and a plain message. /dev/full fails every write with ENOSPC, as a full disk does.
#include <doctest/doctest.h>
#include <pbgdpl/core/files.hpp>

#include <fcntl.h>
#include <unistd.h>

using namespace pbgdpl;

TEST_CASE("core files: a write on a full disk (ENOSPC, /dev/full) is storage_full, in both languages") {
  const int fd = ::open("/dev/full", O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    MESSAGE("no /dev/full here: skipped");
    return;
  }
  auto w = files::detail::write_all(fd, "nội dung", "/dev/full");
  ::close(fd);
  REQUIRE_FALSE(w);
  CHECK(w.err().code == errc::storage_full);
  CHECK(w.err().message_vi.find("hết chỗ trên đĩa") != std::string::npos);
  CHECK(w.err().message_en.find("no space left") != std::string::npos);
  // Other failures stay what they were.
  CHECK(files::detail::errno_error(EACCES, "/x", "vi", "en").code == errc::io_error);
  CHECK(files::detail::errno_error(EDQUOT, "/x", "vi", "en").code == errc::storage_full);
  CHECK(files::detail::errno_error(ENOENT, "/x", "vi", "en").code == errc::not_found);
}
