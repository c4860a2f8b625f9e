// Definitions for signage/time_zone.hpp (inline in header-only mode, compiled once from
// src/signage/time_zone.cpp).
#pragma once
#include "../time_zone.hpp"

#include "../../core/files.hpp"
#include "../../model/signage.hpp"

#include <algorithm>
#include <limits>
#include <utility>

PBGDPL_NAMESPACE_BEGIN
namespace signage {

namespace detail {

inline error tz_corrupt(std::string_view what_vi, std::string_view what_en) {
  return error(errc::corrupt, {}, "Tệp múi giờ (TZif) hỏng: " + std::string(what_vi),
               "Corrupt time zone (TZif) file: " + std::string(what_en));
}

inline std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

inline std::int64_t days_from_civil(int y, unsigned m, unsigned d) {
  using namespace std::chrono;
  return sys_days{year{y} / month{m} / day{d}}.time_since_epoch().count();
}

inline int year_of(std::int64_t seconds) {
  using namespace std::chrono;
  return static_cast<int>(year_month_day{sys_days{days{floor_div(seconds, 86400)}}}.year());
}

// "[+-]hh[:mm[:ss]]" (hours up to `max_hours`) at s[i]; seconds, sign applied.
inline bool parse_hms(std::string_view s, std::size_t& i, int max_hours, std::int32_t& out) {
  int sign = 1;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) sign = s[i++] == '-' ? -1 : 1;
  auto number = [&](int max, int& v) {
    std::size_t start = i;
    v = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 3) v = v * 10 + (s[i++] - '0');
    return i > start && v <= max;
  };
  int h = 0, m = 0, sec = 0;
  if (!number(max_hours, h)) return false;
  if (i < s.size() && s[i] == ':') {
    ++i;
    if (!number(59, m)) return false;
    if (i < s.size() && s[i] == ':') {
      ++i;
      if (!number(59, sec)) return false;
    }
  }
  out = sign * (h * 3600 + m * 60 + sec);
  return true;
}

inline bool parse_abbreviation(std::string_view s, std::size_t& i) {
  std::size_t start = i;
  if (i < s.size() && s[i] == '<') {
    auto close = s.find('>', i);
    if (close == std::string_view::npos || close - i < 4) return false;
    i = close + 1;
    return true;
  }
  while (i < s.size() && ((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z'))) ++i;
  return i - start >= 3;
}

inline bool parse_rule_date(std::string_view s, std::size_t& i, time_zone::rule_date& d) {
  auto number = [&](int& v) {
    std::size_t start = i;
    v = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 3) v = v * 10 + (s[i++] - '0');
    return i > start;
  };
  if (i < s.size() && s[i] == 'M') {
    ++i;
    d.form = 'M';
    if (!number(d.month) || i >= s.size() || s[i++] != '.' || !number(d.week) || i >= s.size() || s[i++] != '.' ||
        !number(d.day))
      return false;
    if (d.month < 1 || d.month > 12 || d.week < 1 || d.week > 5 || d.day > 6) return false;
  } else if (i < s.size() && s[i] == 'J') {
    ++i;
    d.form = 'J';
    if (!number(d.day) || d.day < 1 || d.day > 365) return false;
  } else {
    d.form = 'n';
    if (!number(d.day) || d.day > 365) return false;
  }
  d.time = 7200;
  if (i < s.size() && s[i] == '/') {
    ++i;
    if (!parse_hms(s, i, 167, d.time)) return false;  // RFC 8536 allows -167 to 167 hours
  }
  return true;
}

// Local midnight of the rule date in year y, as days since the epoch.
inline std::int64_t rule_day(const time_zone::rule_date& d, int y) {
  using namespace std::chrono;
  if (d.form == 'J') {
    bool leap = year{y}.is_leap();
    return days_from_civil(y, 1, 1) + (d.day - 1) + (leap && d.day >= 60 ? 1 : 0);
  }
  if (d.form == 'n') return days_from_civil(y, 1, 1) + d.day;
  auto first = days_from_civil(y, static_cast<unsigned>(d.month), 1);
  auto weekday_first = static_cast<int>(((first % 7) + 7 + 4) % 7);  // 1970-01-01 was a Thursday (4)
  auto last_day = static_cast<int>(unsigned{(year{y} / month{static_cast<unsigned>(d.month)} / std::chrono::last).day()});
  int day = 1 + (d.day - weekday_first + 7) % 7 + (d.week - 1) * 7;
  while (day > last_day) day -= 7;
  return first + day - 1;
}

}  // namespace detail

PBGDPL_DECL bool time_zone::parse_rule(std::string_view s, rule& out) {
  rule r;
  std::size_t i = 0;
  if (!detail::parse_abbreviation(s, i)) return false;
  std::int32_t west = 0;
  if (!detail::parse_hms(s, i, 24, west)) return false;
  r.std_offset = -west;  // POSIX counts hours west of Greenwich
  if (i == s.size()) {
    out = r;
    return true;
  }
  if (!detail::parse_abbreviation(s, i)) return false;
  r.dst = true;
  r.dst_offset = r.std_offset + 3600;
  if (i < s.size() && s[i] != ',') {
    if (!detail::parse_hms(s, i, 24, west)) return false;
    r.dst_offset = -west;
  }
  // Without explicit rules POSIX leaves the change dates to the implementation: refused.
  if (i >= s.size() || s[i++] != ',' || !detail::parse_rule_date(s, i, r.start)) return false;
  if (i >= s.size() || s[i++] != ',' || !detail::parse_rule_date(s, i, r.end)) return false;
  if (i != s.size()) return false;
  out = r;
  return true;
}

PBGDPL_DECL std::pair<std::int64_t, std::int64_t> time_zone::rule_changes(int y) const {
  auto start = detail::rule_day(rule_.start, y) * 86400 + rule_.start.time - rule_.std_offset;
  auto end = detail::rule_day(rule_.end, y) * 86400 + rule_.end.time - rule_.dst_offset;
  return {start, end};
}

PBGDPL_DECL std::int32_t time_zone::rule_offset(std::int64_t t) const {
  if (!rule_.dst) return rule_.std_offset;
  auto [start, end] = rule_changes(detail::year_of(t + rule_.std_offset));
  bool dst = start < end ? (t >= start && t < end) : !(t >= end && t < start);
  return dst ? rule_.dst_offset : rule_.std_offset;
}

PBGDPL_DECL std::chrono::seconds time_zone::offset_at(timestamp t) const {
  auto s = t.time_since_epoch().count();
  // RFC 8536 3.2: the footer's rule after the last transition (for all time when there is none).
  if (has_rule_ && s > rule_from_) return std::chrono::seconds{rule_offset(s)};
  if (transitions_.empty() || s < transitions_.front()) return std::chrono::seconds{initial_};
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), s);
  return std::chrono::seconds{offsets_[static_cast<std::size_t>(it - transitions_.begin()) - 1]};
}

PBGDPL_DECL std::vector<timestamp> time_zone::transitions_between(timestamp from, timestamp to) const {
  std::vector<timestamp> out;
  auto a = from.time_since_epoch().count(), b = to.time_since_epoch().count();
  if (b <= a) return out;
  for (auto it = std::upper_bound(transitions_.begin(), transitions_.end(), a);
       it != transitions_.end() && *it <= b; ++it)
    out.push_back(timestamp{std::chrono::seconds{*it}});
  if (has_rule_ && rule_.dst && rule_.dst_offset != rule_.std_offset) {
    auto lo = std::max(a, rule_from_);
    if (lo < b) {
      std::vector<std::int64_t> changes;
      for (int y = detail::year_of(lo) - 1, last = detail::year_of(b) + 1; y <= last; ++y) {
        auto [s, e] = rule_changes(y);
        changes.push_back(s);
        changes.push_back(e);
      }
      std::sort(changes.begin(), changes.end());
      for (auto c : changes)
        if (c > lo && c <= b) out.push_back(timestamp{std::chrono::seconds{c}});
    }
  }
  // Keep only real changes of offset (a table may change only the abbreviation or the DST flag).
  std::vector<timestamp> real;
  for (auto t : out)
    if (offset_at(t - std::chrono::seconds{1}) != offset_at(t)) real.push_back(t);
  return real;
}

PBGDPL_DECL std::vector<timestamp> time_zone::instants_of(std::chrono::local_seconds l) const {
  timestamp guess{l.time_since_epoch()};
  if (is_fixed()) return {guess - offset_at(guess)};
  // Offsets lie within ±26 h, so every instant with local time l lies within 27 h of `guess`;
  // the offsets in force there are the one at the window's start and those after each change.
  constexpr std::chrono::seconds window{27 * 3600};
  std::vector<std::chrono::seconds> offsets{offset_at(guess - window)};
  for (auto t : transitions_between(guess - window, guess + window)) offsets.push_back(offset_at(t));
  std::vector<timestamp> out;
  for (auto o : offsets) {
    auto t = guess - o;
    if (offset_at(t) == o) out.push_back(t);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

PBGDPL_DECL timestamp time_zone::to_utc(std::chrono::local_seconds l) const {
  auto all = instants_of(l);
  if (!all.empty()) return all.front();
  // In a gap: the change that skipped over l.
  timestamp guess{l.time_since_epoch()};
  constexpr std::chrono::seconds window{27 * 3600};
  for (auto t : transitions_between(guess - window, guess + window)) {
    auto before = offset_at(t - std::chrono::seconds{1}), after = offset_at(t);
    if (guess >= t + before && guess < t + after) return t;
  }
  return guess - offset_at(guess);
}

PBGDPL_DECL time_zone time_zone::fixed(std::string name, std::chrono::seconds offset) {
  time_zone z;
  z.name_ = std::move(name);
  z.initial_ = static_cast<std::int32_t>(offset.count());
  return z;
}

PBGDPL_DECL time_zone time_zone::vietnam() { return fixed(std::string(default_display_time_zone), vietnam_utc_offset); }

PBGDPL_DECL result<time_zone> time_zone::from_tzif(std::string name, std::string_view b) {
  // RFC 8536: a 44-byte header, the version-1 data (32-bit times), a second header and the
  // version-2 data (64-bit times), then a footer "\n<POSIX TZ rule>\n".
  struct header {
    char version = 0;
    std::uint64_t isut = 0, isstd = 0, leap = 0, time = 0, type = 0, chars = 0;
  };
  auto be32 = [&](std::size_t at) {
    return (std::uint32_t{static_cast<unsigned char>(b[at])} << 24) | (std::uint32_t{static_cast<unsigned char>(b[at + 1])} << 16) |
           (std::uint32_t{static_cast<unsigned char>(b[at + 2])} << 8) | std::uint32_t{static_cast<unsigned char>(b[at + 3])};
  };
  auto be64 = [&](std::size_t at) { return (std::uint64_t{be32(at)} << 32) | be32(at + 4); };
  auto read_header = [&](std::size_t at, header& h) -> result<void> {
    if (b.size() < at || b.size() - at < 44) return detail::tz_corrupt("thiếu phần đầu", "truncated header");
    if (b.substr(at, 4) != "TZif") return detail::tz_corrupt("sai chữ ký \"TZif\"", "bad magic (not \"TZif\")");
    h.version = b[at + 4];
    h.isut = be32(at + 20), h.isstd = be32(at + 24), h.leap = be32(at + 28);
    h.time = be32(at + 32), h.type = be32(at + 36), h.chars = be32(at + 40);
    return {};
  };
  header h1;
  if (auto r = read_header(0, h1); !r) return r.err();
  if (h1.version == 0)
    return error(errc::unsupported_version, {}, "Tệp múi giờ TZif phiên bản 1 (không có dữ liệu 64 bit) không được hỗ trợ",
                 "TZif version 1 files (no 64-bit data) are not supported");
  // Counts are at most 2^32 each, so these sums cannot overflow 64 bits.
  std::uint64_t v1 = h1.time * 5 + h1.type * 6 + h1.chars + h1.leap * 8 + h1.isstd + h1.isut;
  if (v1 > b.size() - 44) return detail::tz_corrupt("dữ liệu phiên bản 1 dài hơn tệp", "version 1 data longer than the file");
  std::size_t at = 44 + static_cast<std::size_t>(v1);
  header h;
  if (auto r = read_header(at, h); !r) return r.err();
  at += 44;
  if (h.type == 0 || h.type > 256 || h.chars == 0 || (h.isut != 0 && h.isut != h.type) || (h.isstd != 0 && h.isstd != h.type))
    return detail::tz_corrupt("số lượng không hợp lệ", "inconsistent counts");
  std::uint64_t v2 = h.time * 9 + h.type * 6 + h.chars + h.leap * 12 + h.isstd + h.isut;
  if (v2 > b.size() - at) return detail::tz_corrupt("dữ liệu 64 bit dài hơn tệp", "64-bit data longer than the file");
  std::size_t times_at = at, index_at = at + h.time * 8, types_at = index_at + h.time;
  std::vector<std::int32_t> type_offsets;
  for (std::size_t k = 0; k < h.type; ++k) {
    auto off = static_cast<std::int32_t>(be32(types_at + k * 6));
    auto isdst = static_cast<unsigned char>(b[types_at + k * 6 + 4]);
    auto desig = static_cast<unsigned char>(b[types_at + k * 6 + 5]);
    if (off < -89999 || off > 93599 || isdst > 1 || desig >= h.chars)
      return detail::tz_corrupt("kiểu giờ địa phương không hợp lệ", "invalid local time type");
    type_offsets.push_back(off);
  }
  time_zone z;
  z.name_ = std::move(name);
  z.initial_ = type_offsets[0];  // RFC 8536 3.2: before the first transition, type 0
  std::int32_t current = z.initial_;
  std::int64_t previous = std::numeric_limits<std::int64_t>::min();
  for (std::size_t k = 0; k < h.time; ++k) {
    auto t = static_cast<std::int64_t>(be64(times_at + k * 8));
    auto idx = static_cast<unsigned char>(b[index_at + k]);
    if (k > 0 && t <= previous) return detail::tz_corrupt("thời điểm chuyển không tăng dần", "transition times not increasing");
    if (idx >= h.type) return detail::tz_corrupt("chỉ số kiểu ngoài phạm vi", "type index out of range");
    previous = t;
    // Only changes of offset matter here; leap-second tables ("right/" zones) are not applied.
    if (type_offsets[idx] == current) continue;
    z.transitions_.push_back(t);
    z.offsets_.push_back(type_offsets[idx]);
    current = type_offsets[idx];
  }
  at += static_cast<std::size_t>(v2);
  // The footer: "\n<rule>\n". A rule we cannot read (or none) leaves the last offset in force.
  if (at < b.size() && b[at] == '\n') {
    auto close = b.find('\n', at + 1);
    if (close != std::string_view::npos) {
      rule r;
      if (parse_rule(b.substr(at + 1, close - at - 1), r)) {
        z.rule_ = r;
        z.has_rule_ = true;
        if (h.time > 0) z.rule_from_ = previous;  // the rule governs after the last transition
      }
    }
  }
  return z;
}

PBGDPL_DECL result<time_zone> time_zone::locate(std::string_view name, const std::filesystem::path& zoneinfo) {
  auto refused = [&] {
    return error(errc::invalid_argument, "/time_zone", "Tên múi giờ không hợp lệ: \"" + std::string(name) + "\"",
                 "Invalid time zone name: \"" + std::string(name) + "\"");
  };
  if (name.size() == 9 && name.starts_with("UTC") && (name[3] == '+' || name[3] == '-')) {
    if (!is_time_zone_name(name)) return refused();
    int h = (name[4] - '0') * 10 + (name[5] - '0'), m = (name[7] - '0') * 10 + (name[8] - '0');
    int sign = name[3] == '-' ? -1 : 1;
    return fixed(std::string(name), std::chrono::seconds{sign * (h * 3600 + m * 60)});
  }
  if (name.empty() || name.size() > 64 || name.front() == '/' || name.find("..") != std::string_view::npos) return refused();
  for (char c : name) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '+' ||
              c == '-' || c == '/';
    if (!ok) return refused();
  }
  if (!is_time_zone_name(name)) return refused();
  if (name == "UTC") return fixed("UTC", std::chrono::seconds{0});
  if (name == default_display_time_zone) return vietnam();
  auto bytes = files::read_regular(zoneinfo / std::filesystem::path(std::string(name)), max_tzif_bytes);
  if (!bytes) {
    if (bytes.err().code == errc::not_found)
      return error(errc::not_found, "/time_zone", "Không có múi giờ \"" + std::string(name) + "\"",
                   "No such time zone: \"" + std::string(name) + "\"");
    return bytes.err();
  }
  return from_tzif(std::string(name), *bytes);
}

}  // namespace signage
PBGDPL_NAMESPACE_END
