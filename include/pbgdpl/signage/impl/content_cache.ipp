// Definitions for signage/content_cache.hpp (inline in header-only mode, compiled once from
// src/signage/content_cache.cpp).
#pragma once
#include "../content_cache.hpp"

#include "../../core/files.hpp"
#include "../../trust/hash.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

PBGDPL_NAMESPACE_BEGIN
namespace signage {

namespace detail {

inline error unsafe_cache_path(const std::filesystem::path& p) {
  return error(errc::unsafe_path, {}, "Bộ nhớ đệm có tệp không phải tệp thông thường (liên kết, FIFO): " + p.string(),
               "The cache holds something that is not a regular file (a link, a FIFO): " + p.string());
}

// lstat: what stands at p, never following a link. 0 = nothing there.
inline result<std::uint64_t> regular_size(const std::filesystem::path& p, bool& present) {
  struct stat st {};
  present = false;
  if (::lstat(p.c_str(), &st) != 0) {
    if (errno == ENOENT) return std::uint64_t{0};
    return files::detail::errno_error(errno, p, "Không đọc được thông tin tệp", "Cannot stat file");
  }
  if (!S_ISREG(st.st_mode)) return unsafe_cache_path(p);
  present = true;
  return static_cast<std::uint64_t>(st.st_size);
}

inline bool is_full_disk(int e) noexcept { return e == ENOSPC || e == EDQUOT || e == EFBIG; }

inline error storage_full_error(const std::filesystem::path& p) {
  return error(errc::storage_full, {}, "Hết chỗ trên đĩa khi ghi " + p.string(), "No space left on the disk writing " + p.string());
}

// "bytes a-b/total" → a (the only part checked: the answer must continue where the file stands).
inline std::optional<std::uint64_t> content_range_start(std::string_view v) {
  if (!v.starts_with("bytes ")) return std::nullopt;
  v.remove_prefix(6);
  std::uint64_t a = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), a);
  if (ec != std::errc{} || p == v.data() + v.size() || *p != '-') return std::nullopt;
  return a;
}

}  // namespace detail

PBGDPL_DECL bool is_content_address(std::string_view b) noexcept {
  return b.size() == 64 && std::all_of(b.begin(), b.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

PBGDPL_DECL result<content_cache> content_cache::open(const std::filesystem::path& dir) {
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0) {
    if (errno != ENOENT) return files::detail::errno_error(errno, dir, "Không đọc được thư mục", "Cannot stat directory");
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
      return files::detail::errno_error(errno, dir, "Không tạo được thư mục", "Cannot create directory");
    if (::lstat(dir.c_str(), &st) != 0) return files::detail::errno_error(errno, dir, "Không đọc được thư mục", "Cannot stat directory");
  }
  if (!S_ISDIR(st.st_mode))
    return error(errc::unsafe_path, {}, "Thư mục bộ nhớ đệm không phải thư mục thật: " + dir.string(),
                 "The cache directory is not a real directory: " + dir.string());
  return content_cache(dir);
}

PBGDPL_DECL result<bool> content_cache::has(std::string_view b) const {
  if (!is_content_address(b)) return error(errc::invalid_argument, {}, "Mã nội dung không hợp lệ", "Invalid content address");
  bool present = false;
  auto r = detail::regular_size(file(b), present);
  if (!r) return r.err();
  return present;
}

PBGDPL_DECL result<std::uint64_t> content_cache::partial_size(std::string_view b) const {
  if (!is_content_address(b)) return error(errc::invalid_argument, {}, "Mã nội dung không hợp lệ", "Invalid content address");
  bool present = false;
  return detail::regular_size(part(b), present);
}

PBGDPL_DECL result<void> content_cache::append_part(std::string_view b, std::string_view bytes) {
  if (!is_content_address(b)) return error(errc::invalid_argument, {}, "Mã nội dung không hợp lệ", "Invalid content address");
  auto p = part(b);
  files::unique_fd fd(::open(p.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, 0600));
  if (!fd) {
    if (errno == ENXIO || errno == ELOOP) return detail::unsafe_cache_path(p);  // a FIFO with no reader, a link
    if (detail::is_full_disk(errno)) return detail::storage_full_error(p);
    return files::detail::errno_error(errno, p, "Không mở được tệp", "Cannot open file");
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return detail::unsafe_cache_path(p);
  while (!bytes.empty()) {
    ssize_t n = ::write(fd.get(), bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      fd.reset();
      if (detail::is_full_disk(e)) {
        ::unlink(p.c_str());
        return detail::storage_full_error(p);
      }
      return files::detail::errno_error(e, p, "Không ghi được tệp", "Cannot write file");
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

PBGDPL_DECL result<void> content_cache::drop_part(std::string_view b) {
  if (!is_content_address(b)) return error(errc::invalid_argument, {}, "Mã nội dung không hợp lệ", "Invalid content address");
  auto p = part(b);
  if (::unlink(p.c_str()) != 0 && errno != ENOENT) return files::detail::errno_error(errno, p, "Không xoá được tệp", "Cannot remove file");
  return {};
}

PBGDPL_DECL result<void> content_cache::remove(std::string_view b) {
  if (!is_content_address(b)) return error(errc::invalid_argument, {}, "Mã nội dung không hợp lệ", "Invalid content address");
  auto p = file(b);
  if (::unlink(p.c_str()) != 0 && errno != ENOENT) return files::detail::errno_error(errno, p, "Không xoá được tệp", "Cannot remove file");
  return {};
}

PBGDPL_DECL result<trust::content_digest> content_cache::finish(std::string_view b, std::uint64_t size) {
  if (!is_content_address(b)) return error(errc::invalid_argument, {}, "Mã nội dung không hợp lệ", "Invalid content address");
  auto p = part(b);
  trust::read_options ro;
  ro.refuse_symlinks = true;
  ro.max_bytes = size;
  auto d = trust::digest_file(p, ro);
  if (!d) {
    if (d.err().code == errc::too_large) {
      (void)drop_part(b);
      return error(errc::tampered, {}, "Tệp tải về dài hơn kích thước trong danh sách phát", "The downloaded file is longer than the manifest says");
    }
    return d.err();
  }
  if (trust::to_hex(d->b256) != b) {
    (void)drop_part(b);
    return error(errc::tampered, {}, "Nội dung tải về không khớp mã BLAKE2b trong danh sách phát: " + std::string(b),
                 "The downloaded bytes do not match the manifest's BLAKE2b digest: " + std::string(b));
  }
  auto f = file(b);
  if (::rename(p.c_str(), f.c_str()) != 0) {
    if (detail::is_full_disk(errno)) return detail::storage_full_error(f);
    return files::detail::errno_error(errno, f, "Không chuyển được tệp vào bộ nhớ đệm", "Cannot move the file into the cache");
  }
  return *d;
}

PBGDPL_DECL result<trust::content_digest> content_cache::digest(std::string_view b) const {
  auto present = has(b);
  if (!present) return present.err();
  if (!*present) return error(errc::not_found, {}, "Chưa có tệp trong bộ nhớ đệm: " + std::string(b), "Not in the cache: " + std::string(b));
  trust::read_options ro;
  ro.refuse_symlinks = true;
  return trust::digest_file(file(b), ro);
}

PBGDPL_DECL std::vector<cache_entry> content_cache::entries() const {
  std::vector<cache_entry> out;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
    auto name = it->path().filename().string();
    bool partial = name.size() == 69 && name.ends_with(".part");
    if (!is_content_address(partial ? std::string_view(name).substr(0, 64) : std::string_view(name))) continue;
    std::error_code e2;
    auto st = it->symlink_status(e2);
    if (e2 || !std::filesystem::is_regular_file(st)) continue;
    cache_entry c;
    c.name = name;
    c.partial = partial;
    c.size = it->file_size(e2);
    c.modified = it->last_write_time(e2);
    out.push_back(std::move(c));
  }
  std::sort(out.begin(), out.end(), [](const cache_entry& a, const cache_entry& b) {
    return a.modified != b.modified ? a.modified < b.modified : a.name < b.name;
  });
  return out;
}

PBGDPL_DECL std::uint64_t content_cache::used_bytes() const {
  std::uint64_t n = 0;
  for (const auto& e : entries()) n += e.size;
  return n;
}

PBGDPL_DECL result<void> content_cache::make_room(std::uint64_t needed, std::uint64_t limit, const std::set<std::string>& keep) {
  auto all = entries();
  std::uint64_t used = 0;
  for (const auto& e : all) used += e.size;
  for (const auto& e : all) {
    if (used + needed <= limit) break;
    if (keep.contains(e.blake2b())) continue;
    std::error_code ec;
    if (std::filesystem::remove(dir_ / e.name, ec)) used -= e.size;
  }
  if (used + needed > limit)
    return error(errc::storage_full, {},
                 "Bộ nhớ đệm không đủ chỗ: cần " + std::to_string(needed) + " byte, giới hạn " + std::to_string(limit) +
                     " byte, đang dùng " + std::to_string(used) + " byte cho nội dung đang phát",
                 "The cache is too small: " + std::to_string(needed) + " bytes needed, limit " + std::to_string(limit) +
                     " bytes, " + std::to_string(used) + " bytes held for content in use");
  return {};
}

PBGDPL_DECL download_result download(content_cache& cache, std::string_view u, std::string_view b, std::uint64_t size,
                                     const download_options& opt) {
  download_result out;
  auto fail = [&](error e, bool offline = false) {
    out.failure = download_failure{std::move(e), offline};
    return out;
  };
  if (!is_content_address(b)) return fail(error(errc::invalid_argument, {}, "Mã nội dung không hợp lệ", "Invalid content address"));
  auto parsed = network::parse_url(u);
  if (!parsed) return fail(parsed.err());
  const std::string target = parsed->target();
  const std::uint64_t chunk = std::max<std::uint64_t>(opt.chunk_bytes, 1);

  auto have = cache.partial_size(b);
  if (!have) return fail(have.err());
  std::uint64_t offset = *have;
  if (offset > size) {
    if (auto r = cache.drop_part(b); !r) return fail(r.err());
    offset = 0;
  }
  // Each pass asks for one chunk; a server that answers with nothing new twice is broken, and one
  // that ignores Range twice cannot deliver a file larger than a chunk in bounded memory.
  int stalls = 0, whole_answers = 0;
  while (offset < size) {
    const std::uint64_t last = std::min(offset + chunk, size) - 1;
    network::header_list h = opt.headers ? opt.headers(target) : network::header_list{};
    h.emplace_back("Range", "bytes=" + std::to_string(offset) + "-" + std::to_string(last));
    network::fetch_options fo = opt.fetch;
    fo.max_body_bytes = static_cast<std::size_t>(last - offset + 1);
    fo.keep_truncated = true;  // a 200 with the whole file: keep its first chunk, ask Range for the rest
    auto r = network::fetch(u, h, fo);
    ++out.requests;
    if (!r.ok()) {
      if (r.failure == network::fetch_failure::bad_url || r.failure == network::fetch_failure::forbidden_address)
        return fail(error(errc::invalid_argument, {}, r.error_vi, r.error_en));
      return fail(error(errc::io_error, {}, "Mất kết nối khi tải nội dung: " + r.error_vi, "The download broke off: " + r.error_en), true);
    }
    out.bytes_received += r.body.size();
    if (r.status == 200) {
      // The server ignored Range: the file starts over from this body.
      if (++whole_answers > 1 && size > r.body.size())
        return fail(error(errc::parse_error, {}, "Máy chủ không hỗ trợ tải theo khoảng byte (Range)",
                          "The server does not answer Range requests"));
      if (auto d = cache.drop_part(b); !d) return fail(d.err());
      offset = 0;
    } else if (r.status == 206) {
      auto start = detail::content_range_start(r.header("Content-Range"));
      if (!start || *start != offset || r.truncated)
        return fail(error(errc::parse_error, {}, "Máy chủ trả phần nội dung sai (Content-Range)",
                          "The server answered the wrong part of the content (Content-Range)"));
    } else if (r.status == 416) {
      if (auto d = cache.drop_part(b); !d) return fail(d.err());
      return fail(error(errc::parse_error, {}, "Máy chủ từ chối khoảng byte yêu cầu (416)", "The server refused the byte range (416)"));
    } else if (r.status >= 500) {
      return fail(error(errc::io_error, {}, "Máy chủ lỗi " + std::to_string(r.status) + " khi tải nội dung",
                        "Server error " + std::to_string(r.status) + " downloading content"),
                  true);
    } else {
      return fail(error(r.status == 401 || r.status == 403 ? errc::unauthenticated : errc::not_found, {},
                        "Máy chủ trả " + std::to_string(r.status) + " khi tải nội dung " + std::string(b),
                        "The server answered " + std::to_string(r.status) + " for content " + std::string(b)));
    }
    if (r.body.empty()) {
      if (++stalls >= 2) return fail(error(errc::parse_error, {}, "Máy chủ trả nội dung rỗng", "The server answered no bytes"));
      continue;
    }
    stalls = 0;
    if (r.body.size() > size - offset) r.body.resize(static_cast<std::size_t>(size - offset));
    if (auto a = cache.append_part(b, r.body); !a) return fail(a.err());
    offset += r.body.size();
  }
  auto d = cache.finish(b, size);
  if (!d) return fail(d.err());
  out.digest = *d;
  return out;
}

}  // namespace signage
PBGDPL_NAMESPACE_END
