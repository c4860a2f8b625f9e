// Bodies of core/document_number.hpp: compiled once into the core tier (src/core/core.cpp), or
// included by the header in header-only builds.
#pragma once
#include "../document_number.hpp"
#include "../text.hpp"
#include "../time.hpp"

#include <utf8proc.h>

PBGDPL_NAMESPACE_BEGIN

PBGDPL_DECL std::string document_number::to_string() const {
  std::string s = number + "/";
  if (year) s += std::to_string(*year) + "/";
  switch (kind) {
    case form::typed: s += type_code + "-" + issuer; break;
    case form::official_letter: s += issuer + "-" + drafting_unit; break;
    case form::issuer_only: s += issuer; break;
    case form::party: return number + "-" + type_code + "/" + issuer;
  }
  return s;
}

namespace detail {
PBGDPL_DECL bool is_symbol_part(std::string_view s) {
  if (s.empty() || s.size() > 40) return false;
  if (s.front() == '&' || s.back() == '&' || s.find("&&") != std::string_view::npos) return false;
  auto p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(s.size());
  while (left > 0) {
    utf8proc_int32_t cp;
    auto n = utf8proc_iterate(p, left, &cp);
    if (n <= 0) return false;
    auto cat = utf8proc_category(cp);
    bool letter = cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LL;
    bool digit = cp >= '0' && cp <= '9';
    if (!letter && !digit && cp != '&') return false;
    p += n;
    left -= n;
  }
  return true;
}
PBGDPL_DECL bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}
}  // namespace detail

PBGDPL_DECL result<document_number> parse_document_number(std::string_view input) {
  auto bad = [&](std::string_view why_vi, std::string_view why_en) {
    return error(errc::bad_document_number, {},
                 "Số ký hiệu \"" + std::string(text::is_valid_utf8(input) ? input : "?") + "\" không hợp lệ: " +
                     std::string(why_vi),
                 "Invalid document number \"" + std::string(text::is_valid_utf8(input) ? input : "?") +
                     "\": " + std::string(why_en));
  };
  if (input.size() > 120) return bad("quá dài", "too long");
  auto norm = text::nfc(input);
  if (!norm) return bad("không phải UTF-8 hợp lệ", "not valid UTF-8");
  std::string_view s = *norm;

  // Split on '/': 2 parts (number/symbol) or 3 (number/year/symbol).
  std::string_view parts[3];
  std::size_t count = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '/') {
      if (count == 3) return bad("quá nhiều dấu /", "too many '/'");
      parts[count++] = s.substr(start, i - start);
      start = i + 1;
    }
  }
  if (count < 2) return bad("thiếu dấu / giữa số và ký hiệu", "missing '/' between number and symbol");

  document_number dn;
  // The Party's form: "80-KL/TW" (number-type / issuer).
  if (auto dash = parts[0].find('-'); count == 2 && dash != std::string_view::npos) {
    auto num = parts[0].substr(0, dash), type = parts[0].substr(dash + 1);
    if (!detail::all_digits(num) || num.size() > 6) return bad("số phải là chữ số", "the number must be digits");
    if (!detail::is_symbol_part(type) || type.find('&') != std::string_view::npos)
      return bad("ký hiệu loại văn bản không hợp lệ", "invalid type code");
    for (std::size_t b = 0, e; b <= parts[1].size(); b = e + 1) {
      e = parts[1].find('-', b);
      if (e == std::string_view::npos) e = parts[1].size();
      if (!detail::is_symbol_part(parts[1].substr(b, e - b))) return bad("ký hiệu cơ quan không hợp lệ", "invalid issuer code");
    }
    dn.kind = document_number::form::party;
    dn.number = std::string(num);
    dn.type_code = std::string(type);
    dn.issuer = std::string(parts[1]);
    return dn;
  }
  if (!detail::all_digits(parts[0]) || parts[0].size() > 6)
    return bad("số phải là chữ số", "the number must be digits");
  dn.number = std::string(parts[0]);
  std::string_view symbol = parts[count - 1];
  if (count == 3) {
    int y = 0;
    if (parts[1].size() != 4 || !detail::parse_int(parts[1], y) || y < 1945 || y > 2200)
      return bad("năm ban hành không hợp lệ", "invalid year");
    dn.year = y;
  }

  auto dash = symbol.find('-');
  if (dash == std::string_view::npos) {
    // Laws, codes, ordinances, resolutions of the National Assembly: "14/2012/QH13". Only valid
    // with a year.
    if (!dn.year || !detail::is_symbol_part(symbol)) return bad("thiếu loại văn bản hoặc cơ quan ban hành", "missing type or issuer");
    dn.kind = document_number::form::issuer_only;
    dn.issuer = std::string(symbol);
    return dn;
  }
  std::string_view head = symbol.substr(0, dash);
  std::string_view tail = symbol.substr(dash + 1);
  // The issuer may itself be hyphenated (joint documents: "TTLT-BGDĐT-BNV").
  for (std::size_t b = 0, e; b <= tail.size(); b = e + 1) {
    e = tail.find('-', b);
    if (e == std::string_view::npos) e = tail.size();
    if (!detail::is_symbol_part(tail.substr(b, e - b))) return bad("ký hiệu cơ quan không hợp lệ", "invalid issuer code");
  }
  if (!detail::is_symbol_part(head)) return bad("ký hiệu không hợp lệ", "invalid symbol");
  // A code never written in a symbol ("Luật") is no type here: read as an official letter's issuer.
  if (const auto* t = find_document_type(head); t && t->in_symbol && head != "CV") {
    dn.kind = document_number::form::typed;
    dn.type_code = std::string(head);
    dn.issuer = std::string(tail);
  } else {
    dn.kind = document_number::form::official_letter;
    dn.type_code = "CV";
    dn.issuer = std::string(head);
    dn.drafting_unit = std::string(tail);
  }
  return dn;
}

PBGDPL_NAMESPACE_END
