// A display's time zone: the UTC offset in force at an instant, from the system's TZif files
// (RFC 8536, /usr/share/zoneinfo) or built in (UTC, fixed "UTC+07:00" offsets, Asia/Ho_Chi_Minh),
// so the scheduler can turn "07:00 on Monday" into instants. Pure after loading: no I/O after
// locate(), and a zone is a value that threads may share.
#pragma once
#include "../core/time.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace signage {

// A TZif file larger than this is refused before it is read (real ones are under 4 KiB).
inline constexpr std::uintmax_t max_tzif_bytes = 1u << 20;

class time_zone {
 public:
  // Finds a zone by name. "UTC", "UTC+07:00"/"UTC-03:30" and Asia/Ho_Chi_Minh need no file; other
  // names are read from `zoneinfo`/<name>. A name with "..", a leading '/', or characters outside
  // [A-Za-z0-9_+-/] is refused before any file is opened (invalid_argument); a missing zone is
  // not_found; anything but a regular file (a directory, a FIFO) is refused without blocking.
  static result<time_zone> locate(std::string_view name,
                                  const std::filesystem::path& zoneinfo = "/usr/share/zoneinfo");
  // Asia/Ho_Chi_Minh: UTC+7 without daylight saving since 1975 (core/time.hpp).
  static time_zone vietnam();
  // A zone of one offset, named as given.
  static time_zone fixed(std::string name, std::chrono::seconds offset);
  // Reads the bytes of a TZif file (version 2 or later; the 64-bit section). Bounded: counts are
  // checked against the size before anything is read; errors are `corrupt` or
  // `unsupported_version`.
  static result<time_zone> from_tzif(std::string name, std::string_view bytes);

  time_zone() : name_("UTC") {}  // UTC

  const std::string& name() const noexcept { return name_; }
  std::chrono::seconds offset_at(timestamp t) const;  // UTC offset in force at t
  std::chrono::local_seconds to_local(timestamp t) const {
    return std::chrono::local_seconds{(t + offset_at(t)).time_since_epoch()};
  }
  // The earliest instant whose local time is `l` or, when `l` falls in a gap (clocks moved
  // forward), the instant the gap ends. On a repeated hour it is the first of the two.
  timestamp to_utc(std::chrono::local_seconds l) const;
  // Every instant in (from, to] at which the offset changes, in order.
  std::vector<timestamp> transitions_between(timestamp from, timestamp to) const;
  // Every instant whose local time is exactly `l`: none in a gap, two in a repeated hour.
  std::vector<timestamp> instants_of(std::chrono::local_seconds l) const;
  // One offset for all time.
  bool is_fixed() const noexcept {
    return transitions_.empty() &&
           (!has_rule_ || (!rule_.dst && (rule_from_ == std::numeric_limits<std::int64_t>::min() || rule_.std_offset == initial_)));
  }

  friend bool operator==(const time_zone&, const time_zone&) = default;

  // A POSIX TZ rule (the TZif footer), for instants after the table's last transition:
  // "<+07>-7", "UTC0", "CET-1CEST,M3.5.0,M10.5.0/3". Public for tests; parse_rule() reads one.
  struct rule_date {
    char form = 'M';  // 'M' (month.week.day), 'J' (Julian day 1-365, no Feb 29), 'n' (0-365)
    int month = 0, week = 0, day = 0;
    std::int32_t time = 7200;  // seconds after local midnight (may be negative or > 24 h)
    friend bool operator==(const rule_date&, const rule_date&) = default;
  };
  struct rule {
    std::int32_t std_offset = 0;  // seconds east of UTC
    bool dst = false;
    std::int32_t dst_offset = 0;
    rule_date start, end;
    friend bool operator==(const rule&, const rule&) = default;
  };
  static bool parse_rule(std::string_view s, rule& out);

 private:
  std::string name_;
  std::vector<std::int64_t> transitions_;  // UTC seconds, strictly increasing
  std::vector<std::int32_t> offsets_;      // offsets_[i] is in force from transitions_[i]
  std::int32_t initial_ = 0;               // before the first transition
  bool has_rule_ = false;                  // the footer's rule governs after rule_from_
  std::int64_t rule_from_ = std::numeric_limits<std::int64_t>::min();  // the table's last transition
  rule rule_;

  std::int32_t rule_offset(std::int64_t t) const;
  // The rule's two changes in year y, as UTC seconds: (start of DST, end of DST).
  std::pair<std::int64_t, std::int64_t> rule_changes(int y) const;
};

}  // namespace signage
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/time_zone.ipp"
#endif
