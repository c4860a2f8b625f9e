// Definitions for signage/content.hpp (inline in header-only mode, compiled once from
// src/signage/content.cpp).
#pragma once
#include "../content.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace signage {

PBGDPL_DECL content_store::content_store(std::filesystem::path content_dir, std::filesystem::path media_dir)
    : dir_(std::move(content_dir)), media_dir_(std::move(media_dir)) {}

PBGDPL_DECL result<located_content> content_store::digest(const std::filesystem::path& p) const {
  auto fd = files::open_regular(p, {.refuse_symlinks = true});
  if (!fd) return fd.err();
  struct stat st {};
  if (::fstat(fd->get(), &st) != 0)
    return error(errc::io_error, {}, "Không đọc được thông tin tệp " + p.string(), "Cannot stat " + p.string());
  memo_key key{p.native(), static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino),
               static_cast<std::uint64_t>(st.st_size),
               static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
  {
    std::lock_guard lock(mu_);
    if (auto it = memo_.find(key); it != memo_.end())
      return located_content{p, static_cast<std::uint64_t>(st.st_size), it->second};
  }
  // Hashed outside the lock: another thread may hash the same file meanwhile (both agree).
  trust::blake2b h512(64), h256(32);
  std::vector<char> buf(trust::stream_buffer_bytes);
  std::uint64_t total = 0;
  for (;;) {
    auto n = ::read(fd->get(), buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return error(errc::io_error, {}, "Không đọc được tệp " + p.string(), "Cannot read " + p.string());
    }
    if (n == 0) break;
    std::string_view chunk(buf.data(), static_cast<std::size_t>(n));
    h512.update(chunk);
    h256.update(chunk);
    total += static_cast<std::uint64_t>(n);
  }
  if (total != static_cast<std::uint64_t>(st.st_size))
    return error(errc::conflict, {}, "Tệp thay đổi trong khi đọc: " + p.string(), "The file changed while read: " + p.string());
  trust::content_digest d;
  d.b512 = trust::to_array<64>(h512.final());
  d.b256 = trust::to_array<32>(h256.final());
  {
    std::lock_guard lock(mu_);
    if (memo_.size() >= max_memo) memo_.clear();
    memo_.emplace(std::move(key), d);
  }
  return located_content{p, total, d};
}

PBGDPL_DECL result<located_content> content_store::find(const media_asset& m) const {
  auto missing = [&] {
    return error(errc::not_found, {}, "Chưa có tệp nội dung của " + m.id.value + " trên máy chủ",
                 "The server holds no file for " + m.id.value);
  };
  if (!rules::is_hex(m.blake2b, 64)) return missing();
  std::vector<std::filesystem::path> candidates;
  if (!dir_.empty()) candidates.push_back(dir_ / m.blake2b);
  // The media library keeps <dir>/<id>/original.<ext> (portal/media_library.hpp).
  if (!media_dir_.empty() && m.id.valid() && m.id.value != "." && m.id.value != "..") {
    std::error_code ec;
    for (std::filesystem::directory_iterator it(media_dir_ / m.id.value, ec), end; !ec && it != end; it.increment(ec)) {
      const auto name = it->path().filename().native();
      if (name.starts_with("original.")) {
        candidates.push_back(it->path());
        break;
      }
    }
  }
  for (const auto& p : candidates) {
    auto d = digest(p);
    if (!d) continue;
    if (trust::to_hex(d->digest.b256) == m.blake2b) return d;
  }
  return missing();
}

PBGDPL_DECL result<std::string> content_store::put(std::string_view bytes) const {
  const auto hex = trust::to_hex(trust::blake2b_256(bytes));
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec)
    return error(errc::io_error, {}, "Không tạo được thư mục " + dir_.string(), "Cannot create directory " + dir_.string());
  const auto p = dir_ / hex;
  if (auto have = digest(p); have && trust::to_hex(have->digest.b256) == hex) return hex;
  if (auto ok = files::replace_file(p, bytes, 0644); !ok) return ok.err();
  return hex;
}

PBGDPL_DECL std::size_t content_store::memo_size() const {
  std::lock_guard lock(mu_);
  return memo_.size();
}

}  // namespace signage
PBGDPL_NAMESPACE_END
