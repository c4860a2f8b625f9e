// A player's content-addressed cache: verified bytes under <dir>/<blake2b> (hex BLAKE2b-256 of the
// bytes), downloads in progress under <dir>/<blake2b>.part, resumed by HTTP Range requests, and a
// file enters the cache only when its whole digest matches its name. Nothing in the directory is
// followed or read through a symbolic link, and a FIFO or device planted at a cache path is refused
// at once instead of hanging the reader. Thread safety: one content_cache per directory and thread.
#pragma once
#include "../core/result.hpp"
#include "../network/fetch.hpp"
#include "../trust/approval.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace signage {

// True for a content address as the cache names files: 64 lower-case hex digits. Anything else
// (a name from a hostile manifest: "../device.key", upper case, a shorter digest) is refused
// before it becomes a path.
PBGDPL_DECL bool is_content_address(std::string_view blake2b) noexcept;

struct cache_entry {
  std::string name;        // "<blake2b>" or "<blake2b>.part"
  std::uint64_t size = 0;
  std::filesystem::file_time_type modified{};
  bool partial = false;
  std::string blake2b() const { return partial ? name.substr(0, name.size() - 5) : name; }
};

class content_cache {
 public:
  // Creates the directory (0700) when missing; a symbolic link or a non-directory there is refused.
  static result<content_cache> open(const std::filesystem::path& dir);

  const std::filesystem::path& dir() const noexcept { return dir_; }
  std::filesystem::path file(std::string_view blake2b) const { return dir_ / std::string(blake2b); }
  std::filesystem::path part(std::string_view blake2b) const { return dir_ / (std::string(blake2b) + ".part"); }

  // A complete file is cached under that name: true for a regular file, false when absent;
  // errc::unsafe_path when a link, FIFO, directory or device stands there (refused, never read).
  result<bool> has(std::string_view blake2b) const;
  // Bytes of a download in progress (0 when none); errc::unsafe_path as has().
  result<std::uint64_t> partial_size(std::string_view blake2b) const;
  // Appends to the .part file (O_APPEND|O_NOFOLLOW, a regular file only). A full disk (ENOSPC,
  // EDQUOT, EFBIG) is errc::storage_full and removes the partial file.
  result<void> append_part(std::string_view blake2b, std::string_view bytes);
  // Starts the download over: the .part file is removed.
  result<void> drop_part(std::string_view blake2b);
  // Hashes the whole .part file (BLAKE2b-256 and -512 in one pass) and moves it into the cache
  // only when its size and BLAKE2b-256 match; otherwise removes it: errc::tampered.
  result<trust::content_digest> finish(std::string_view blake2b, std::uint64_t size);
  // Both digests of a cached file, read without following links.
  result<trust::content_digest> digest(std::string_view blake2b) const;
  result<void> remove(std::string_view blake2b);

  // Every cached and partial file (other names in the directory are ignored), oldest first.
  std::vector<cache_entry> entries() const;
  std::uint64_t used_bytes() const;
  // Removes files whose content address is not in `keep`, oldest first, until used_bytes() +
  // needed <= limit. errc::storage_full when that cannot be reached (what `keep` names stays).
  result<void> make_room(std::uint64_t needed, std::uint64_t limit, const std::set<std::string>& keep);

 private:
  explicit content_cache(std::filesystem::path dir) : dir_(std::move(dir)) {}
  std::filesystem::path dir_;
};

// How one file is downloaded: one request per chunk of chunk_bytes (`Range: bytes=a-b`), resumed
// from the .part file's size. A 200 answer instead of 206 (a server ignoring Range) starts the file
// over from its body. `headers` gives each request's extra headers (device signature) from the
// request target.
struct download_options {
  std::size_t chunk_bytes = 4u << 20;
  network::fetch_options fetch;
  std::function<network::header_list(std::string_view target)> headers;
};

// What went wrong with a download: `offline` when the server did not answer or the connection
// broke (the bytes already appended stay for the next attempt), otherwise the error refuses the
// file (tampered: removed; storage_full: removed; a bad answer: protocol).
struct download_failure {
  error why;
  bool offline = false;
};

struct download_result {
  std::optional<trust::content_digest> digest;  // set on success
  std::optional<download_failure> failure;
  std::uint64_t requests = 0;
  std::uint64_t bytes_received = 0;
};

// Downloads `url` (the content's URL; its target is what `headers` signs) into the cache as
// `blake2b` of `size` bytes.
PBGDPL_DECL download_result download(content_cache& cache, std::string_view url, std::string_view blake2b,
                                     std::uint64_t size, const download_options& opt);

}  // namespace signage
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/content_cache.ipp"
#endif
