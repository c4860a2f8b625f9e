// Safe names and safe file opening and creation, used wherever a path may come from a request,
// an operator, a bundle or a download: a name never leads out of its directory, a reader never
// hangs on a FIFO or a device named like a file, and a secret (a secret key, an API key) never
// exists on disk with wider permissions, not even for a moment, nor is written through a symbolic
// link someone planted at its path.
#pragma once
#include "errors.hpp"
#include "ids.hpp"
#include "result.hpp"
#include "text.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

PBGDPL_NAMESPACE_BEGIN
namespace files {

// --- Safe names: the one rule, for request paths, served files, bundles and stored file names ---
// What a caller adds to the rule every name obeys (see check_segment).
struct path_rules {
  // A name starting with '.' (".git", ".env", ".htpasswd"): refused where files are served.
  bool allow_hidden = true;
  // '*', '?', '"', '<', '>', '|' and ':', which other file systems (FAT on a USB stick, NTFS)
  // refuse or read as a drive or a stream: refused for names that travel to other machines.
  bool allow_non_portable = true;
  std::size_t max_segment_bytes = SIZE_MAX;  // one name (255 on most file systems)
  std::size_t max_bytes = SIZE_MAX;          // a whole relative path
  std::size_t max_segments = SIZE_MAX;       // its depth
};

// One name inside a directory (a path segment): never "." or "..", never '/', '\', NUL or another
// control character, so that joining it to a directory stays in that directory on every system;
// plus what `rules` asks. An empty name passes (a path's empty segments are check_relative_path's
// business). errc::unsafe_path with a message in both languages otherwise.
inline result<void> check_segment(std::string_view seg, const path_rules& rules = {}) {
  if (seg == "." || seg == "..")
    return error(errc::unsafe_path, {}, "Đường dẫn chứa '.' hoặc '..'", "Path contains '.' or '..' segments");
  for (char ch : seg) {
    auto c = static_cast<unsigned char>(ch);
    bool non_portable = c == ':' || c == '*' || c == '?' || c == '"' || c == '<' || c == '>' || c == '|';
    if (c < 0x20 || c == 0x7f || c == '/' || c == '\\' || (non_portable && !rules.allow_non_portable))
      return error(errc::unsafe_path, {}, "Đường dẫn chứa ký tự không cho phép", "Path contains a forbidden character");
  }
  if (!rules.allow_hidden && !seg.empty() && seg.front() == '.')
    return error(errc::unsafe_path, {}, "Không chấp nhận tên ẩn (bắt đầu bằng '.')", "Hidden names (starting with '.') are refused");
  if (seg.size() > rules.max_segment_bytes)
    return error(errc::unsafe_path, {}, "Tên dài quá " + std::to_string(rules.max_segment_bytes) + " byte",
                 "A name is longer than " + std::to_string(rules.max_segment_bytes) + " bytes");
  return {};
}

// A relative '/'-separated path naming something inside a directory: not empty, not absolute, valid
// UTF-8, no empty segment, every segment passing check_segment, within the rules' bounds (checking
// a path costs its depth, so callers bound it). Messages quote the path (except the length one).
inline result<void> check_relative_path(std::string_view p, const path_rules& rules = {}) {
  auto bad = [&](std::string vi, std::string en) {
    return error(errc::unsafe_path, {}, std::move(vi) + ": \"" + std::string(p) + "\"", std::move(en) + ": \"" + std::string(p) + "\"");
  };
  if (p.empty()) return bad("Đường dẫn rỗng", "Empty path");
  if (p.size() > rules.max_bytes)
    return error(errc::unsafe_path, {}, "Đường dẫn dài quá " + std::to_string(rules.max_bytes) + " byte",
                 "Path longer than " + std::to_string(rules.max_bytes) + " bytes");
  if (static_cast<std::size_t>(std::count(p.begin(), p.end(), '/')) + 1 > rules.max_segments)
    return bad("Đường dẫn có quá " + std::to_string(rules.max_segments) + " cấp",
               "Path has more than " + std::to_string(rules.max_segments) + " components");
  if (!text::is_valid_utf8(p)) return bad("Đường dẫn không phải UTF-8 hợp lệ", "Path is not valid UTF-8");
  if (p.front() == '/') return bad("Không chấp nhận đường dẫn tuyệt đối", "Absolute paths are refused");
  for (std::size_t start = 0;;) {
    auto end = p.find('/', start);
    auto seg = p.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (seg.empty()) return bad("Đường dẫn có đoạn rỗng", "Path has an empty segment");
    if (auto r = check_segment(seg, rules); !r) return bad(r.err().message_vi, r.err().message_en);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return {};
}

// An owned file descriptor, closed when it goes out of scope.
class unique_fd {
 public:
  unique_fd() = default;
  explicit unique_fd(int fd) noexcept : fd_(fd) {}
  unique_fd(unique_fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  unique_fd& operator=(unique_fd&& o) noexcept {
    if (this != &o) {
      reset();
      fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
  }
  unique_fd(const unique_fd&) = delete;
  unique_fd& operator=(const unique_fd&) = delete;
  ~unique_fd() { reset(); }
  int get() const noexcept { return fd_; }
  int release() noexcept { return std::exchange(fd_, -1); }
  explicit operator bool() const noexcept { return fd_ >= 0; }
  void reset() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

namespace detail {
inline error errno_error(int err, const std::filesystem::path& p, std::string_view vi, std::string_view en) {
  const std::string why = std::strerror(err);
  if (err == ENOENT)
    return error(errc::not_found, {}, "Không tìm thấy tệp " + p.string(), "File not found: " + p.string());
  if (err == ELOOP)
    return error(errc::unsafe_path, {}, "Không chấp nhận liên kết tượng trưng: " + p.string(),
                 "Symbolic links are refused: " + p.string());
  if (err == EEXIST)
    return error(errc::already_exists, {}, "Tệp đã tồn tại: " + p.string(), "File already exists: " + p.string());
  // A full disk (or quota, or file size limit) is its own error: the caller answers 507 and can
  // say so plainly, instead of a generic I/O failure (issue 21, disk-full tests).
  if (err == ENOSPC || err == EDQUOT || err == EFBIG)
    return error(errc::storage_full, {}, std::string(vi) + " " + p.string() + ": hết chỗ trên đĩa",
                 std::string(en) + " " + p.string() + ": no space left on the disk");
  return error(errc::io_error, {}, std::string(vi) + " " + p.string() + ": " + why, std::string(en) + " " + p.string() + ": " + why);
}
}  // namespace detail

struct open_options {
  bool refuse_symlinks = false;  // O_NOFOLLOW on the last component
};

// Opens a regular file for reading. The open itself is non-blocking, so a FIFO, a socket or a
// device named like the file fails at once with errc::unsafe_path instead of hanging the caller;
// the descriptor returned is switched back to blocking reads.
inline result<unique_fd> open_regular(const std::filesystem::path& p, open_options opt = {}) {
  int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
  if (opt.refuse_symlinks) flags |= O_NOFOLLOW;
  unique_fd fd(::open(p.c_str(), flags));
  if (!fd) return detail::errno_error(errno, p, "Không mở được tệp", "Cannot open file");
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return detail::errno_error(errno, p, "Không đọc được thông tin tệp", "Cannot stat file");
  if (!S_ISREG(st.st_mode))
    return error(errc::unsafe_path, {}, "Không phải tệp thông thường: " + p.string(), "Not a regular file: " + p.string());
  int fl = ::fcntl(fd.get(), F_GETFL);
  if (fl >= 0) ::fcntl(fd.get(), F_SETFL, fl & ~O_NONBLOCK);
  return fd;
}

// Reads a whole regular file (at most max_bytes) through open_regular().
inline result<std::string> read_regular(const std::filesystem::path& p, std::size_t max_bytes, open_options opt = {}) {
  auto fd = open_regular(p, opt);
  if (!fd) return fd.err();
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd->get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return detail::errno_error(errno, p, "Không đọc được tệp", "Cannot read file");
    }
    if (n == 0) break;
    if (out.size() + static_cast<std::size_t>(n) > max_bytes)
      return error(errc::too_large, {}, "Tệp quá lớn: " + p.string(), "File is too large: " + p.string());
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

namespace detail {
inline result<void> write_all(int fd, std::string_view bytes, const std::filesystem::path& p) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_error(errno, p, "Không ghi được tệp", "Cannot write file");
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  if (::fsync(fd) != 0) return errno_error(errno, p, "Không ghi được tệp xuống đĩa", "Cannot sync file");
  return {};
}
}  // namespace detail

// Writes `bytes` to a fresh file beside `p` (a random name, O_CREAT|O_EXCL|O_NOFOLLOW, `mode`
// from the moment it exists, less the umask), syncs it and renames it over `p`: the old file is
// never half-overwritten, and a link, dangling link or FIFO at `p` is replaced, not followed.
inline result<void> replace_file(const std::filesystem::path& p, std::string_view bytes, ::mode_t mode) {
  auto tmp = p;
  tmp += ".tmp-" + std::to_string(::getpid()) + "-" + random_id_string().substr(0, 12);
  unique_fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, mode));
  if (!fd) return detail::errno_error(errno, tmp, "Không tạo được tệp", "Cannot create file");
  if (auto ok = detail::write_all(fd.get(), bytes, tmp); !ok) {
    ::unlink(tmp.c_str());
    return ok;
  }
  fd.reset();
  if (::rename(tmp.c_str(), p.c_str()) != 0) {
    auto e = detail::errno_error(errno, p, "Không thay được tệp", "Cannot replace file");
    ::unlink(tmp.c_str());
    return e;
  }
  return {};
}

enum class if_exists { fail, replace };

// Writes a secret with mode 0600 from the moment the file exists (O_CREAT|O_EXCL|O_NOFOLLOW, so a
// symbolic link planted at the path, dangling or not, is refused). With if_exists::replace it
// goes through replace_file() with mode 0600.
inline result<void> write_secret(const std::filesystem::path& p, std::string_view bytes, if_exists mode = if_exists::fail) {
  if (mode == if_exists::replace) return replace_file(p, bytes, 0600);
  unique_fd fd(::open(p.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600));
  if (!fd) return detail::errno_error(errno, p, "Không tạo được tệp", "Cannot create file");
  if (auto ok = detail::write_all(fd.get(), bytes, p); !ok) {
    ::unlink(p.c_str());
    return ok;
  }
  return {};
}

}  // namespace files
PBGDPL_NAMESPACE_END
