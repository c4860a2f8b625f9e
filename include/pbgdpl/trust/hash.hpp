// The library's two hashes, kept apart: BLAKE2b (libsodium) for everything that stands inside a
// signature, a manifest or a content address of untrusted input; XXH3-128 only for ETags, change
// detection and caches of bytes that were already verified. Files are streamed in bounded memory.
#pragma once
#include "../core/result.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

// xxHash's streaming state, defined by <xxhash.h> (included by impl/hash.ipp only).
struct XXH3_state_s;

PBGDPL_NAMESPACE_BEGIN
namespace trust {

// libsodium must be initialised once before use; sodium_init is idempotent and thread-safe.
PBGDPL_DECL void ensure_sodium();

using bytes = std::vector<std::uint8_t>;
using digest256 = std::array<std::uint8_t, 32>;
using digest512 = std::array<std::uint8_t, 64>;

inline std::span<const std::uint8_t> as_bytes(std::string_view s) noexcept {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// Lower-case hex, as b2sum and xxhsum print digests.
PBGDPL_DECL std::string to_hex(std::span<const std::uint8_t> b);

// Accepts upper or lower case; anything else (odd length, non-hex) is an error.
PBGDPL_DECL result<bytes> from_hex(std::string_view s);

// Streaming BLAKE2b (RFC 7693) with a 1..64-byte output.
class blake2b {
 public:
  explicit blake2b(std::size_t out_len = 32);
  blake2b& update(std::span<const std::uint8_t> b);
  blake2b& update(std::string_view s) { return update(as_bytes(s)); }
  bytes final();
  std::size_t size() const noexcept { return out_len_; }

 private:
  // libsodium's crypto_generichash_state (384 bytes, 64-aligned; checked in impl/hash.ipp), held
  // here so that a hasher is a plain value and <sodium.h> stays out of this header.
  alignas(64) unsigned char st_[384]{};
  std::size_t out_len_;
};

template <std::size_t N>
std::array<std::uint8_t, N> to_array(const bytes& b) {
  std::array<std::uint8_t, N> a{};
  std::memcpy(a.data(), b.data(), N);
  return a;
}

PBGDPL_DECL digest256 blake2b_256(std::span<const std::uint8_t> b);
PBGDPL_DECL digest256 blake2b_256(std::string_view s);
PBGDPL_DECL digest512 blake2b_512(std::span<const std::uint8_t> b);
PBGDPL_DECL digest512 blake2b_512(std::string_view s);

// XXH3-128: for ETags, change detection and caches of already-verified bytes ONLY (the ETag
// itself is made by http::etag_for, the one ETag maker; this streams files for the same digest). Never put it
// in a signature, a manifest or a content address: it is not cryptographic, collisions can be
// produced on demand (xxHash README; issues #165, #479, #1127), so an attacker could swap content
// while keeping the digest. BLAKE2b above is the hash that may say "approved".
class xxh3_128 {
 public:
  xxh3_128();
  xxh3_128& update(std::span<const std::uint8_t> b);
  xxh3_128& update(std::string_view s) { return update(as_bytes(s)); }
  // Canonical big-endian hex, the same text as `xxhsum -H2`.
  std::string hex() const;

 private:
  struct state_free {
    void operator()(XXH3_state_s* s) const noexcept;
  };
  std::unique_ptr<XXH3_state_s, state_free> st_;
};

// Progress of a long read: bytes done and total (0 when unknown).
using progress_fn = std::function<void(std::uint64_t done, std::uint64_t total)>;

// Buffer size for streaming reads: large enough that system calls cost nothing, small enough to
// stay in L2 cache between read() and hashing (measured: 64 KiB reads copy 4x faster than 256 KiB
// ones here), and memory stays bounded whatever the file size.
inline constexpr std::size_t stream_buffer_bytes = 64u << 10;

// Window of a mapped file handed to the sink at once; pages behind it are dropped from this
// process, so peak RSS is about one window (measured 6.7 MiB for a 1 GiB file) whatever the size.
inline constexpr std::size_t map_window_bytes = 4u << 20;

struct read_options {
  bool refuse_symlinks = false;  // open with O_NOFOLLOW: the last component may not be a link
  std::uint64_t max_bytes = UINT64_MAX;  // stop (too_large) beyond this many bytes
  progress_fn progress;
  // Hash a read-only mapping of the page cache instead of copying it through read(): about 25%
  // faster for XXH3, which is bound by that copy (BLAKE2b is bound by its own CPU cost: mapping
  // gained it less than the noise here, so it keeps read()). Only for files nobody shrinks or unplugs while they are read (the server's own
  // stored bytes): the kernel raises SIGBUS on a mapped page that vanished, where read() returns
  // an error. Falls back to read() when the file cannot be mapped.
  bool map = false;
};

// Streams a regular file through `sink` in chunks of stream_buffer_bytes (map_window_bytes when
// mapped). Returns the byte count.
PBGDPL_DECL result<std::uint64_t> stream_file(const std::filesystem::path& p,
                                              const std::function<void(std::span<const std::uint8_t>)>& sink,
                                              const read_options& opt = {});

struct file_digest {
  std::uint64_t size = 0;
  bytes digest;
};

// BLAKE2b of a file (32 or 64 bytes), streamed.
PBGDPL_DECL result<file_digest> blake2b_file(const std::filesystem::path& p, std::size_t out_len = 32,
                                             const read_options& opt = {});

// Options that hash a mapping of the file (see read_options::map).
inline read_options mapped_read() {
  read_options o;
  o.map = true;
  return o;
}

// ETag (XXH3-128 hex, unquoted) of a file. Maps the file by default (see read_options::map): the
// ETag is taken of bytes the server already stores and trusts.
PBGDPL_DECL result<std::string> xxh3_128_file(const std::filesystem::path& p, const read_options& opt = mapped_read());

}  // namespace trust
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/hash.ipp"
#endif
