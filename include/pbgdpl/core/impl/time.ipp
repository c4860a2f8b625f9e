// Bodies of core/time.hpp: compiled once into the core tier (src/core/core.cpp), or included by
// the header in header-only builds.
#pragma once
#include "../time.hpp"

#include <charconv>
#include <cstdio>

PBGDPL_NAMESPACE_BEGIN

namespace detail {
PBGDPL_DECL bool parse_int(std::string_view s, int& out) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc{} && r.ptr == s.data() + s.size();
}
PBGDPL_DECL std::string two(unsigned v) {
  char b[8];
  std::snprintf(b, sizeof b, "%02u", v % 100u);
  return b;
}
}  // namespace detail

PBGDPL_DECL result<date> parse_date(std::string_view s) {
  int y = 0, m = 0, d = 0;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !detail::parse_int(s.substr(0, 4), y) ||
      !detail::parse_int(s.substr(5, 2), m) || !detail::parse_int(s.substr(8, 2), d))
    return error(errc::bad_date, {}, "Ngày phải có dạng YYYY-MM-DD", "A date must look like YYYY-MM-DD");
  date v{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
         std::chrono::day{static_cast<unsigned>(d)}};
  if (!v.ok() || y < 1900 || y > 9999)
    return error(errc::bad_date, {}, "Ngày không tồn tại", "No such date");
  return v;
}

PBGDPL_DECL std::string format_date(date d) {
  char b[16];
  std::snprintf(b, sizeof b, "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return b;
}

PBGDPL_DECL std::string format_timestamp(timestamp t) {
  auto local = t + vietnam_utc_offset;
  auto day = std::chrono::floor<std::chrono::days>(local);
  std::chrono::hh_mm_ss<std::chrono::seconds> hms{local - day};
  return format_date(date{day}) + "T" + detail::two(static_cast<unsigned>(hms.hours().count())) + ":" +
         detail::two(static_cast<unsigned>(hms.minutes().count())) + ":" +
         detail::two(static_cast<unsigned>(hms.seconds().count())) + "+07:00";
}

PBGDPL_DECL std::string format_timestamp_utc(timestamp t) {
  auto day = std::chrono::floor<std::chrono::days>(t);
  std::chrono::hh_mm_ss<std::chrono::seconds> hms{t - day};
  return format_date(date{day}) + "T" + detail::two(static_cast<unsigned>(hms.hours().count())) + ":" +
         detail::two(static_cast<unsigned>(hms.minutes().count())) + ":" +
         detail::two(static_cast<unsigned>(hms.seconds().count())) + "Z";
}

PBGDPL_DECL result<timestamp> parse_timestamp(std::string_view s) {
  auto bad = [] {
    return error(errc::bad_date, {}, "Thời điểm phải có dạng 2023-03-22T08:00:00+07:00",
                 "A timestamp must look like 2023-03-22T08:00:00+07:00");
  };
  if (s.size() < 20 || (s[10] != 'T' && s[10] != 't' && s[10] != ' ')) return bad();
  auto d = parse_date(s.substr(0, 10));
  if (!d) return d.err();
  int hh = 0, mm = 0, ss = 0;
  if (s[13] != ':' || s[16] != ':' || !detail::parse_int(s.substr(11, 2), hh) ||
      !detail::parse_int(s.substr(14, 2), mm) || !detail::parse_int(s.substr(17, 2), ss) || hh > 23 ||
      mm > 59 || ss > 60)
    return bad();
  std::string_view rest = s.substr(19);
  if (!rest.empty() && rest[0] == '.') {
    std::size_t i = 1;
    while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9') ++i;
    if (i == 1) return bad();
    rest = rest.substr(i);
  }
  int offset = 0;
  if (rest == "Z" || rest == "z") {
    offset = 0;
  } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
    int oh = 0, om = 0;
    if (!detail::parse_int(rest.substr(1, 2), oh) || !detail::parse_int(rest.substr(4, 2), om) || oh > 14 ||
        om > 59)
      return bad();
    offset = (oh * 3600 + om * 60) * (rest[0] == '-' ? -1 : 1);
  } else {
    return bad();
  }
  auto t = timestamp{std::chrono::sys_days{*d}} + std::chrono::hours{hh} + std::chrono::minutes{mm} +
           std::chrono::seconds{ss} - std::chrono::seconds{offset};
  return t;
}

PBGDPL_DECL std::string format_vietnamese_date(date d) {
  unsigned day = static_cast<unsigned>(d.day());
  unsigned month = static_cast<unsigned>(d.month());
  std::string s = "ngày " + (day < 10 ? detail::two(day) : std::to_string(day));
  s += " tháng " + (month <= 2 ? detail::two(month) : std::to_string(month));
  s += " năm " + std::to_string(static_cast<int>(d.year()));
  return s;
}

PBGDPL_DECL std::string format_place_date(std::string_view place, date d) {
  return std::string(place) + ", " + format_vietnamese_date(d);
}

PBGDPL_DECL result<school_year> school_year::parse(std::string_view s) {
  int a = 0, b = 0;
  if (s.size() != 9 || s[4] != '-' || !detail::parse_int(s.substr(0, 4), a) ||
      !detail::parse_int(s.substr(5, 4), b) || b != a + 1)
    return error(errc::bad_date, {}, "Năm học phải có dạng 2023-2024", "A school year must look like 2023-2024");
  return school_year{a};
}

PBGDPL_NAMESPACE_END
