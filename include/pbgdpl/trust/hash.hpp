// The library's two hashes, kept apart: BLAKE2b (libsodium) for everything that stands inside a
// signature, a manifest or a content address of untrusted input; XXH3-128 only for ETags, change
// detection and caches of bytes that were already verified. Files are streamed in bounded memory.
#pragma once
#include "../core/files.hpp"
#include "../core/result.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <fcntl.h>
#include <sodium.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

// On x86-64, Debian's libxxhash exports run-time dispatched XXH3 (AVX2 when the CPU has it),
// three times faster than the SSE2 baseline; the header's name-replacing macros stay off.
#if !defined(PBGDPL_XXH_DISPATCH) && (defined(__x86_64__) || defined(_M_X64)) && __has_include(<xxh_x86dispatch.h>)
#define PBGDPL_XXH_DISPATCH 1
#endif
#if PBGDPL_XXH_DISPATCH
#ifndef XXH_DISPATCH_DISABLE_REPLACE
#define XXH_DISPATCH_DISABLE_REPLACE
#include <xxh_x86dispatch.h>
#undef XXH_DISPATCH_DISABLE_REPLACE
#else
#include <xxh_x86dispatch.h>
#endif
#endif

PBGDPL_NAMESPACE_BEGIN
namespace trust {

// libsodium must be initialised once before use; sodium_init is idempotent and thread-safe.
inline void ensure_sodium() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) throw_error(error(errc::internal, {}, "Không khởi tạo được libsodium", "libsodium failed to initialise"));
}

using bytes = std::vector<std::uint8_t>;
using digest256 = std::array<std::uint8_t, 32>;
using digest512 = std::array<std::uint8_t, 64>;

inline std::span<const std::uint8_t> as_bytes(std::string_view s) noexcept {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// Lower-case hex, as b2sum and xxhsum print digests.
inline std::string to_hex(std::span<const std::uint8_t> b) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string s(b.size() * 2, '0');
  for (std::size_t i = 0; i < b.size(); ++i) {
    s[2 * i] = digits[b[i] >> 4];
    s[2 * i + 1] = digits[b[i] & 0xF];
  }
  return s;
}

// Accepts upper or lower case; anything else (odd length, non-hex) is an error.
inline result<bytes> from_hex(std::string_view s) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (s.size() % 2 != 0) return error(errc::parse_error, {}, "Chuỗi hex có độ dài lẻ", "Hex string has odd length");
  bytes out(s.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    int hi = nibble(s[2 * i]), lo = nibble(s[2 * i + 1]);
    if (hi < 0 || lo < 0) return error(errc::parse_error, {}, "Ký tự không phải hex", "Not a hex digit");
    out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return out;
}

// Streaming BLAKE2b (RFC 7693) with a 1..64-byte output.
class blake2b {
 public:
  explicit blake2b(std::size_t out_len = 32) : out_len_(out_len) {
    ensure_sodium();
    if (out_len < crypto_generichash_BYTES_MIN || out_len > crypto_generichash_BYTES_MAX)
      throw_error(error(errc::invalid_argument, {}, "Độ dài BLAKE2b không hợp lệ", "Invalid BLAKE2b length"));
    crypto_generichash_init(&st_, nullptr, 0, out_len_);
  }
  blake2b& update(std::span<const std::uint8_t> b) {
    crypto_generichash_update(&st_, b.data(), b.size());
    return *this;
  }
  blake2b& update(std::string_view s) { return update(as_bytes(s)); }
  bytes final() {
    bytes out(out_len_);
    crypto_generichash_final(&st_, out.data(), out_len_);
    return out;
  }
  std::size_t size() const noexcept { return out_len_; }

 private:
  crypto_generichash_state st_{};
  std::size_t out_len_;
};

template <std::size_t N>
std::array<std::uint8_t, N> to_array(const bytes& b) {
  std::array<std::uint8_t, N> a{};
  std::memcpy(a.data(), b.data(), N);
  return a;
}

inline digest256 blake2b_256(std::span<const std::uint8_t> b) { return to_array<32>(blake2b(32).update(b).final()); }
inline digest256 blake2b_256(std::string_view s) { return blake2b_256(as_bytes(s)); }
inline digest512 blake2b_512(std::span<const std::uint8_t> b) { return to_array<64>(blake2b(64).update(b).final()); }
inline digest512 blake2b_512(std::string_view s) { return blake2b_512(as_bytes(s)); }

// XXH3-128: for ETags, change detection and caches of already-verified bytes ONLY. Never put it
// in a signature, a manifest or a content address: it is not cryptographic, collisions can be
// produced on demand (xxHash README; issues #165, #479, #1127), so an attacker could swap content
// while keeping the digest. BLAKE2b above is the hash that may say "approved".
class xxh3_128 {
 public:
  xxh3_128() : st_(XXH3_createState(), &XXH3_freeState) {
    if (!st_) throw_error(error(errc::internal));
    XXH3_128bits_reset(st_.get());
  }
  xxh3_128& update(std::span<const std::uint8_t> b) {
#if PBGDPL_XXH_DISPATCH
    XXH3_128bits_update_dispatch(st_.get(), b.data(), b.size());
#else
    XXH3_128bits_update(st_.get(), b.data(), b.size());
#endif
    return *this;
  }
  xxh3_128& update(std::string_view s) { return update(as_bytes(s)); }
  // Canonical big-endian hex, the same text as `xxhsum -H2`.
  std::string hex() const {
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, XXH3_128bits_digest(st_.get()));
    return to_hex({c.digest, sizeof c.digest});
  }

 private:
  std::unique_ptr<XXH3_state_t, XXH_errorcode (*)(XXH3_state_t*)> st_;
};

// A strong HTTP ETag (quoted) for bytes the server already trusts.
inline std::string etag(std::string_view content) { return "\"" + xxh3_128{}.update(content).hex() + "\""; }

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
inline result<std::uint64_t> stream_file(const std::filesystem::path& p,
                                         const std::function<void(std::span<const std::uint8_t>)>& sink,
                                         const read_options& opt = {}) {
  auto io_error = [&](const char* what_vi, const char* what_en) {
    return error(errc::io_error, {}, std::string(what_vi) + " " + p.string() + ": " + std::strerror(errno),
                 std::string(what_en) + " " + p.string() + ": " + std::strerror(errno));
  };
  // Non-blocking open, then fstat: a FIFO, socket or device named like the file is refused
  // (unsafe_path) at once instead of hanging the caller in open() or read().
  auto opened = files::open_regular(p, {opt.refuse_symlinks});
  if (!opened) return opened.err();
  const int fd = opened->get();
  struct stat st {};
  if (::fstat(fd, &st) != 0) return io_error("Không đọc được thông tin tệp", "Cannot stat file");
  if (!S_ISREG(st.st_mode))
    return error(errc::unsafe_path, {}, "Không phải tệp thông thường: " + p.string(), "Not a regular file: " + p.string());
  const auto total = static_cast<std::uint64_t>(st.st_size);
  if (opt.map && total > 0 && static_cast<std::uint64_t>(static_cast<std::size_t>(total)) == total) {
    if (total > opt.max_bytes)
      return error(errc::too_large, {}, "Tệp lớn hơn kích thước khai báo: " + p.string(),
                   "File is larger than declared: " + p.string());
    const auto len = static_cast<std::size_t>(total);
    void* m = ::mmap(nullptr, len, PROT_READ, MAP_PRIVATE, fd, 0);
    if (m != MAP_FAILED) {
      struct unmapper {
        void* m;
        std::size_t len;
        ~unmapper() { ::munmap(m, len); }
      } unmap{m, len};
      ::madvise(m, len, MADV_SEQUENTIAL);  // read ahead hard; advisory, so failure is harmless
      const auto* base = static_cast<const std::uint8_t*>(m);
      for (std::size_t off = 0; off < len;) {
        const std::size_t n = std::min(map_window_bytes, len - off);
        sink({base + off, n});
        // Unmaps the hashed pages from this process only; they stay in the page cache.
        ::madvise(const_cast<std::uint8_t*>(base) + off, n, MADV_DONTNEED);
        off += n;
        if (opt.progress) opt.progress(off, total);
      }
      return total;
    }
  }
  std::unique_ptr<std::uint8_t[]> buf(new std::uint8_t[stream_buffer_bytes]);
  std::uint64_t done = 0;
  for (;;) {
    ssize_t n = ::read(fd, buf.get(), stream_buffer_bytes);
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error("Lỗi đọc tệp", "Read error on");
    }
    if (n == 0) break;
    done += static_cast<std::uint64_t>(n);
    if (done > opt.max_bytes)
      return error(errc::too_large, {}, "Tệp lớn hơn kích thước khai báo: " + p.string(),
                   "File is larger than declared: " + p.string());
    sink({buf.get(), static_cast<std::size_t>(n)});
    if (opt.progress) opt.progress(done, total);
  }
  return done;
}

struct file_digest {
  std::uint64_t size = 0;
  bytes digest;
};

// BLAKE2b of a file (32 or 64 bytes), streamed.
inline result<file_digest> blake2b_file(const std::filesystem::path& p, std::size_t out_len = 32,
                                        const read_options& opt = {}) {
  blake2b h(out_len);
  auto n = stream_file(p, [&](std::span<const std::uint8_t> b) { h.update(b); }, opt);
  if (!n) return n.err();
  return file_digest{*n, h.final()};
}

// Options that hash a mapping of the file (see read_options::map).
inline read_options mapped_read() {
  read_options o;
  o.map = true;
  return o;
}

// ETag (XXH3-128 hex, unquoted) of a file. Maps the file by default (see read_options::map): the
// ETag is taken of bytes the server already stores and trusts.
inline result<std::string> xxh3_128_file(const std::filesystem::path& p, const read_options& opt = mapped_read()) {
  xxh3_128 h;
  auto n = stream_file(p, [&](std::span<const std::uint8_t> b) { h.update(b); }, opt);
  if (!n) return n.err();
  return h.hex();
}

}  // namespace trust
PBGDPL_NAMESPACE_END
