// Bodies of core/text.hpp: compiled once into the core tier (src/core/core.cpp), or included by
// the header in header-only builds. The only core body that calls utf8proc for normalisation.
#pragma once
#include "../text.hpp"

#include <cstdlib>
#include <memory>

#include <utf8proc.h>

PBGDPL_NAMESPACE_BEGIN
namespace text {

PBGDPL_DECL result<void> check_utf8(std::string_view s, std::string_view path) {
  if (is_valid_utf8(s)) return {};
  return error(errc::invalid_utf8, std::string(path));
}

namespace detail {
PBGDPL_DECL result<std::string> map(std::string_view s, int options) {
  if (!is_valid_utf8(s)) return error(errc::invalid_utf8);
  if (s.empty()) return std::string();
  utf8proc_uint8_t* out = nullptr;
  utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s.data()),
                                    static_cast<utf8proc_ssize_t>(s.size()), &out,
                                    static_cast<utf8proc_option_t>(options));
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> guard(out, &std::free);
  if (n < 0) return error(errc::invalid_utf8, {}, utf8proc_errmsg(n), utf8proc_errmsg(n));
  return std::string(reinterpret_cast<const char*>(out), static_cast<std::size_t>(n));
}

PBGDPL_DECL void fold_d_stroke(std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i + 1 < s.size() && static_cast<unsigned char>(s[i]) == 0xC4 &&
        (static_cast<unsigned char>(s[i + 1]) == 0x91 || static_cast<unsigned char>(s[i + 1]) == 0x90)) {
      out.push_back(static_cast<unsigned char>(s[i + 1]) == 0x90 ? 'D' : 'd');
      ++i;
    } else {
      out.push_back(s[i]);
    }
  }
  s.swap(out);
}

// True only when `s` is well-formed UTF-8 made of code points that are NFC whatever surrounds
// them: below U+0300 (no combining mark yet), Latin Extended Additional (the precomposed
// Vietnamese letters ạ…ỹ), general punctuation past U+2001 and currency signs (₫). Each is a
// starter that never composes with what precedes it, so such text is already NFC. Anything else
// (a combining mark, another script, a malformed byte) answers false and takes the full
// normalisation, which also reports bad UTF-8. Why: the store re-reads its own NFC text on every
// page, and full normalisation was a third of an uncached page's time. The ranges are checked
// against the Unicode data by a unit test.
PBGDPL_DECL bool surely_nfc(std::string_view s) noexcept {
  auto p = reinterpret_cast<const unsigned char*>(s.data());
  const unsigned char* end = p + s.size();
  while (p < end) {
    unsigned c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    std::uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      if (end - p < 2 || (p[1] & 0xC0) != 0x80 || c < 0xC2) return false;
      cp = ((c & 0x1Fu) << 6) | (p[1] & 0x3Fu);
      p += 2;
    } else if ((c & 0xF0) == 0xE0) {
      if (end - p < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80) return false;
      cp = ((c & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
      if (cp < 0x800) return false;  // overlong
      p += 3;
    } else {
      return false;
    }
    bool stable = cp < 0x300 || (cp >= 0x1E00 && cp < 0x1F00) || (cp >= 0x2002 && cp < 0x2070) ||
                  (cp >= 0x20A0 && cp < 0x20D0);
    if (!stable) return false;
  }
  return true;
}
}  // namespace detail

PBGDPL_DECL result<std::string> nfc(std::string_view s) {
  if (detail::surely_nfc(s)) return std::string(s);
  return detail::map(s, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
}

PBGDPL_DECL result<std::string> nfd(std::string_view s) {
  return detail::map(s, UTF8PROC_STABLE | UTF8PROC_DECOMPOSE);
}

PBGDPL_DECL result<std::string> lower(std::string_view s) {
  return detail::map(s, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
}

PBGDPL_DECL result<std::string> upper(std::string_view s) {
  auto composed = nfc(s);
  if (!composed) return composed;
  std::string out;
  out.reserve(composed->size());
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(composed->data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(composed->size());
  while (left > 0) {
    utf8proc_int32_t cp = 0;
    auto n = utf8proc_iterate(p, left, &cp);
    if (n <= 0) return error(errc::invalid_utf8);
    utf8proc_uint8_t buf[4];
    auto m = utf8proc_encode_char(utf8proc_toupper(cp), buf);
    out.append(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(m));
    p += n;
    left -= n;
  }
  return out;
}

PBGDPL_DECL result<std::string> fold(std::string_view s) {
  auto r = detail::map(s, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK);
  if (!r) return r;
  detail::fold_d_stroke(*r);
  return r;
}

PBGDPL_DECL result<std::string> slug(std::string_view s, std::size_t max_len) {
  auto f = fold(s);
  if (!f) return f;
  std::string out;
  bool pending_dash = false;
  for (unsigned char c : *f) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (c >= 'A' && c <= 'Z') { c = static_cast<unsigned char>(c - 'A' + 'a'); keep = true; }
    if (keep) {
      if (pending_dash && !out.empty()) out.push_back('-');
      pending_dash = false;
      out.push_back(static_cast<char>(c));
    } else {
      pending_dash = true;
    }
  }
  if (out.size() > max_len) {
    out.resize(max_len);
    auto dash = out.rfind('-');
    if (dash != std::string::npos && dash > max_len / 2) out.resize(dash);
    while (!out.empty() && out.back() == '-') out.pop_back();
  }
  return out;
}

}  // namespace text
PBGDPL_NAMESPACE_END
