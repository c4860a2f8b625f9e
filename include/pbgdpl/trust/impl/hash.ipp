// Bodies of trust/hash.hpp: compiled once into the trust tier (src/trust/hash.cpp), or included
// by the header in header-only builds.
#pragma once
#include "../hash.hpp"

#include "../../core/files.hpp"

#include <algorithm>
#include <cerrno>

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

namespace detail {
PBGDPL_DECL crypto_generichash_state* generichash_state(unsigned char* storage) noexcept {
  static_assert(sizeof(crypto_generichash_state) <= 384 && alignof(crypto_generichash_state) <= 64,
                "blake2b::st_ must hold libsodium's crypto_generichash_state");
  return reinterpret_cast<crypto_generichash_state*>(storage);
}
}  // namespace detail

PBGDPL_DECL void ensure_sodium() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) throw_error(error(errc::internal, {}, "Không khởi tạo được libsodium", "libsodium failed to initialise"));
}

PBGDPL_DECL std::string to_hex(std::span<const std::uint8_t> b) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string s(b.size() * 2, '0');
  for (std::size_t i = 0; i < b.size(); ++i) {
    s[2 * i] = digits[b[i] >> 4];
    s[2 * i + 1] = digits[b[i] & 0xF];
  }
  return s;
}

PBGDPL_DECL result<bytes> from_hex(std::string_view s) {
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

PBGDPL_DECL blake2b::blake2b(std::size_t out_len) : out_len_(out_len) {
  ensure_sodium();
  if (out_len < crypto_generichash_BYTES_MIN || out_len > crypto_generichash_BYTES_MAX)
    throw_error(error(errc::invalid_argument, {}, "Độ dài BLAKE2b không hợp lệ", "Invalid BLAKE2b length"));
  crypto_generichash_init(detail::generichash_state(st_), nullptr, 0, out_len_);
}

PBGDPL_DECL blake2b& blake2b::update(std::span<const std::uint8_t> b) {
  crypto_generichash_update(detail::generichash_state(st_), b.data(), b.size());
  return *this;
}

PBGDPL_DECL bytes blake2b::final() {
  bytes out(out_len_);
  crypto_generichash_final(detail::generichash_state(st_), out.data(), out_len_);
  return out;
}

PBGDPL_DECL digest256 blake2b_256(std::span<const std::uint8_t> b) { return to_array<32>(blake2b(32).update(b).final()); }
PBGDPL_DECL digest256 blake2b_256(std::string_view s) { return blake2b_256(as_bytes(s)); }
PBGDPL_DECL digest512 blake2b_512(std::span<const std::uint8_t> b) { return to_array<64>(blake2b(64).update(b).final()); }
PBGDPL_DECL digest512 blake2b_512(std::string_view s) { return blake2b_512(as_bytes(s)); }

PBGDPL_DECL void xxh3_128::state_free::operator()(XXH3_state_s* s) const noexcept { XXH3_freeState(s); }

PBGDPL_DECL xxh3_128::xxh3_128() : st_(XXH3_createState()) {
  if (!st_) throw_error(error(errc::internal));
  XXH3_128bits_reset(st_.get());
}

PBGDPL_DECL xxh3_128& xxh3_128::update(std::span<const std::uint8_t> b) {
#if PBGDPL_XXH_DISPATCH
  XXH3_128bits_update_dispatch(st_.get(), b.data(), b.size());
#else
  XXH3_128bits_update(st_.get(), b.data(), b.size());
#endif
  return *this;
}

PBGDPL_DECL std::string xxh3_128::hex() const {
  XXH128_canonical_t c;
  XXH128_canonicalFromHash(&c, XXH3_128bits_digest(st_.get()));
  return to_hex({c.digest, sizeof c.digest});
}

PBGDPL_DECL result<std::uint64_t> stream_file(const std::filesystem::path& p,
                                              const std::function<void(std::span<const std::uint8_t>)>& sink,
                                              const read_options& opt) {
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

PBGDPL_DECL result<file_digest> blake2b_file(const std::filesystem::path& p, std::size_t out_len, const read_options& opt) {
  blake2b h(out_len);
  auto n = stream_file(p, [&](std::span<const std::uint8_t> b) { h.update(b); }, opt);
  if (!n) return n.err();
  return file_digest{*n, h.final()};
}

PBGDPL_DECL result<std::string> xxh3_128_file(const std::filesystem::path& p, const read_options& opt) {
  xxh3_128 h;
  auto n = stream_file(p, [&](std::span<const std::uint8_t> b) { h.update(b); }, opt);
  if (!n) return n.err();
  return h.hex();
}

}  // namespace trust
PBGDPL_NAMESPACE_END
