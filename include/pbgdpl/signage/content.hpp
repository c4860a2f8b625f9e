// The bytes screens play, on the portal's side: content-addressed files under one directory
// (<data>/signage/content/<blake2b>: videos and files that are not in the image library) and the
// media library's originals (<media>/<id>/original.<ext>), each found for a media record only
// when its bytes have the record's BLAKE2b-256. Digests are remembered per file (device, inode,
// size, modification time), so a 500 MB video is hashed once while it is unchanged.
// Thread safety: one content_store may serve the server's threads at once (the memo locks).
#pragma once
#include "../core/files.hpp"
#include "../model/media.hpp"
#include "../trust/approval.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

PBGDPL_NAMESPACE_BEGIN
namespace signage {

// A file found for a media record: where it is, its size and both digests.
struct located_content {
  std::filesystem::path path;
  std::uint64_t size = 0;
  trust::content_digest digest;
};

class content_store {
 public:
  // `content_dir`: <data>/signage/content; `media_dir`: the media library's directory ("" none).
  explicit content_store(std::filesystem::path content_dir, std::filesystem::path media_dir = {});
  content_store(const content_store&) = delete;
  content_store& operator=(const content_store&) = delete;

  const std::filesystem::path& dir() const noexcept { return dir_; }
  const std::filesystem::path& media_dir() const noexcept { return media_dir_; }

  // The file holding media m's bytes: <content_dir>/<m.blake2b>, else the media library's
  // original of m. not_found when neither exists or neither has the digest m records (a file
  // whose bytes changed is never served in its place).
  result<located_content> find(const media_asset& m) const;

  // Both digests of a regular file (opened without following a final link and without blocking,
  // so a FIFO is refused at once), from the memo when the file is unchanged.
  result<located_content> digest(const std::filesystem::path& p) const;

  // Stores bytes under their digest (atomically; an existing file of that name is kept) and
  // returns the hex BLAKE2b-256.
  result<std::string> put(std::string_view bytes) const;

  // How many files the memo holds (it is emptied when it reaches max_memo).
  std::size_t memo_size() const;
  static constexpr std::size_t max_memo = 4096;

 private:
  using memo_key = std::tuple<std::string, std::uint64_t, std::uint64_t, std::uint64_t, std::int64_t>;
  std::filesystem::path dir_, media_dir_;
  mutable std::mutex mu_;
  mutable std::map<memo_key, trust::content_digest> memo_;
};

}  // namespace signage
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/content.ipp"
#endif
