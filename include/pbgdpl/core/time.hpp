// Dates and times as Vietnamese public bodies use them: Asia/Ho_Chi_Minh (UTC+7 all year, no
// daylight saving), school years from September to August, and the date line of Decree 30/2020
// ("Hà Đông, ngày 05 tháng 3 năm 2023").
#pragma once
#include "result.hpp"

#include <chrono>
#include <time.h>  // clock_gettime, CLOCK_THREAD_CPUTIME_ID (POSIX)
#include <string>
#include <string_view>

PBGDPL_NAMESPACE_BEGIN

// A calendar date with no time zone (issue dates, effective dates).
using date = std::chrono::year_month_day;
// An instant, second precision, stored as UTC.
using timestamp = std::chrono::sys_seconds;

// Vietnam has kept UTC+7 without daylight saving since 1975; a fixed offset is exact for every
// date this library handles and needs no tz database at run time.
inline constexpr std::chrono::seconds vietnam_utc_offset{7 * 3600};

inline timestamp now() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

// The CPU time the calling thread has used: what the budgets against hostile input count (a
// search's time limit, a Markdown render's budget), rather than wall time. Both run on the
// calling thread, start to end. On a starved machine (a school server during its backup, a loaded
// CI runner) wall time stretches while the work does not, and wall-clock budgets refused honest
// searches and texts there. A system call (not the vDSO): callers read it only once the cheap
// steady clock says the budget may be spent. Falls back to the steady clock if refused.
inline std::chrono::nanoseconds thread_cpu_time() noexcept {
  timespec ts{};
  if (::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
    return std::chrono::steady_clock::now().time_since_epoch();
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

// The local (Hà Nội) calendar date of an instant.
inline date local_date(timestamp t) {
  return date{std::chrono::floor<std::chrono::days>(t + vietnam_utc_offset)};
}

// Midnight at the start of a local date, as an instant.
inline timestamp local_midnight(date d) {
  return timestamp{std::chrono::sys_days{d}} - vietnam_utc_offset;
}

namespace detail {
// Digits only, the whole string, into an int (no sign, no spaces).
PBGDPL_DECL bool parse_int(std::string_view s, int& out);
// Two digits with a leading zero ("05").
PBGDPL_DECL std::string two(unsigned v);
}  // namespace detail

// "2023-03-22" → date. Rejects impossible dates (2023-02-30) and anything but this exact form.
PBGDPL_DECL result<date> parse_date(std::string_view s);

PBGDPL_DECL std::string format_date(date d);

// ISO 8601 in Hà Nội time: "2023-03-22T08:30:00+07:00".
PBGDPL_DECL std::string format_timestamp(timestamp t);

// UTC form "2023-03-22T01:30:00Z", for protocols that want it (Atom, HTTP logs).
PBGDPL_DECL std::string format_timestamp_utc(timestamp t);

// Parses "YYYY-MM-DDTHH:MM:SS" followed by "Z" or "±HH:MM" (fractions of a second are dropped).
PBGDPL_DECL result<timestamp> parse_timestamp(std::string_view s);

// The Decree 30/2020 date line: days below 10 and the months January and February take a leading
// zero ("ngày 05 tháng 3 năm 2023", "ngày 22 tháng 02 năm 2024").
PBGDPL_DECL std::string format_vietnamese_date(date d);

// "Hà Đông, ngày 22 tháng 3 năm 2023": the place-and-date line under a document's header.
PBGDPL_DECL std::string format_place_date(std::string_view place, date d);

// A school year (năm học) runs from 1 September to 31 August; named by its two calendar years.
struct school_year {
  int start_year = 2023;

  static school_year of(date d) {
    int y = static_cast<int>(d.year());
    return {static_cast<unsigned>(d.month()) >= 9 ? y : y - 1};
  }
  date first_day() const { return date{std::chrono::year{start_year}, std::chrono::September, std::chrono::day{1}}; }
  date last_day() const { return date{std::chrono::year{start_year + 1}, std::chrono::August, std::chrono::day{31}}; }
  bool contains(date d) const { return d >= first_day() && d <= last_day(); }
  std::string name() const { return std::to_string(start_year) + "-" + std::to_string(start_year + 1); }

  // "2023-2024" → school_year{2023}; the second year must follow the first.
  static result<school_year> parse(std::string_view s);
  friend auto operator<=>(const school_year&, const school_year&) = default;
};

PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/time.ipp"
#endif
