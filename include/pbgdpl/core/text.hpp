// Vietnamese text: UTF-8 validation, NFC storage form, search folding (marks removed, đ → d,
// case folded, so "Kế hoạch", "ke hoach" and NFD input meet), and URL slugs.
// utf8proc is used only in the bodies (impl/text.ipp), so this header does not include it.
#pragma once
#include "result.hpp"

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

PBGDPL_NAMESPACE_BEGIN
namespace text {

// True when `s` is well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF): the
// byte ranges of Unicode's table 3-7, ASCII eight bytes at a time. Every stored text passes
// here on every read, so it is written out rather than calling utf8proc per code point; a unit
// test compares it with utf8proc on every sequence of up to three bytes.
inline bool is_valid_utf8(std::string_view s) noexcept {
  auto p = reinterpret_cast<const unsigned char*>(s.data());
  const unsigned char* end = p + s.size();
  auto cont = [](unsigned char c) { return (c & 0xC0) == 0x80; };
  while (p < end) {
    if (end - p >= 8) {
      std::uint64_t w;
      std::memcpy(&w, p, 8);
      if ((w & 0x8080808080808080ull) == 0) {
        p += 8;
        continue;
      }
    }
    unsigned char c = *p;
    if (c < 0x80) {
      ++p;
    } else if (c >= 0xC2 && c <= 0xDF) {
      if (end - p < 2 || !cont(p[1])) return false;
      p += 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      if (end - p < 3 || !cont(p[1]) || !cont(p[2])) return false;
      if (c == 0xE0 && p[1] < 0xA0) return false;   // overlong
      if (c == 0xED && p[1] >= 0xA0) return false;  // surrogate
      p += 3;
    } else if (c >= 0xF0 && c <= 0xF4) {
      if (end - p < 4 || !cont(p[1]) || !cont(p[2]) || !cont(p[3])) return false;
      if (c == 0xF0 && p[1] < 0x90) return false;   // overlong
      if (c == 0xF4 && p[1] >= 0x90) return false;  // past U+10FFFF
      p += 4;
    } else {
      return false;
    }
  }
  return true;
}

PBGDPL_DECL result<void> check_utf8(std::string_view s, std::string_view path = {});

namespace detail {
// utf8proc_map(s, options) with `options` a set of UTF8PROC_* flags; refuses malformed UTF-8.
PBGDPL_DECL result<std::string> map(std::string_view s, int options);
// đ/Đ have no Unicode decomposition, so stripping marks leaves them: fold them by hand.
PBGDPL_DECL void fold_d_stroke(std::string& s);
// True only when `s` is well-formed UTF-8 made of code points that are NFC whatever surrounds
// them (see impl/text.ipp): such text skips the full normalisation.
PBGDPL_DECL bool surely_nfc(std::string_view s) noexcept;
}  // namespace detail

// Canonical composed form (NFC): how every text is stored.
PBGDPL_DECL result<std::string> nfc(std::string_view s);

// Canonical decomposed form (NFD): mostly for tests and for input that arrives decomposed.
PBGDPL_DECL result<std::string> nfd(std::string_view s);

// Lower-cased NFC, accents kept: the "exact" search form.
PBGDPL_DECL result<std::string> lower(std::string_view s);

// Upper-cased NFC, accents kept ("Phòng Giáo dục" -> "PHÒNG GIÁO DỤC"): the issuing body's line
// of an administrative document.
PBGDPL_DECL result<std::string> upper(std::string_view s);

// The search key: case folded, all combining marks removed, đ → d. Because marks are removed
// wherever they sit, both tone placements ("hoà" and "hòa") fold to "hoa".
PBGDPL_DECL result<std::string> fold(std::string_view s);

// A URL slug: folded, ASCII letters and digits kept, everything else one hyphen, at most
// `max_len` bytes cut at a hyphen. "Kế hoạch số 19" → "ke-hoach-so-19".
PBGDPL_DECL result<std::string> slug(std::string_view s, std::size_t max_len = 80);

// Number of Unicode code points (for length limits a person understands). Assumes valid UTF-8.
inline std::size_t length(std::string_view s) noexcept {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

// True when the text contains control characters other than tab, newline and carriage return.
inline bool has_control_chars(std::string_view s) noexcept {
  for (unsigned char c : s)
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) return true;
  return false;
}

}  // namespace text
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/text.ipp"
#endif
