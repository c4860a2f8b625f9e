// Shared helpers for the signage tests (and the timeline benchmark): entry builders and the naive
// minute-by-minute timeline the fast one must match.
#pragma once
#include <pbgdpl/signage/scheduler.hpp>

#include <string>
#include <vector>

namespace signage_fx {
using namespace pbgdpl;
using pbgdpl::signage::schedule_set;
using pbgdpl::signage::slot;
using pbgdpl::signage::time_zone;

inline date d(int y, unsigned m, unsigned dd) {
  return date{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{dd}};
}

// An instant given as local wall time in a fixed offset ("2023-10-02 07:00" at +07:00).
inline timestamp at(date day, int h, int m, std::chrono::seconds offset = vietnam_utc_offset, int s = 0) {
  return timestamp{std::chrono::sys_days{day}} + std::chrono::hours{h} + std::chrono::minutes{m} + std::chrono::seconds{s} -
         offset;
}

inline schedule_entry entry(std::string id, std::string playlist, std::string start, std::string end, int priority = 0,
                            std::vector<day_of_week> days = {}) {
  schedule_entry e;
  e.id = schedule_id{std::move(id)};
  e.version = 1;
  e.playlist = playlist_id{std::move(playlist)};
  e.group = display_group_id{"g"};
  e.start_time = std::move(start);
  e.end_time = std::move(end);
  e.valid_from = d(2023, 1, 1);
  e.priority = priority;
  e.days = std::move(days);
  return e;
}

inline schedule_set set_of(std::vector<schedule_entry> es) {
  schedule_set s;
  for (auto& e : es) {
    playlist p;
    p.id = e.playlist;
    p.name = e.playlist.value;
    p.unit = unit_id{"u"};
    p.items = {{media_id{"m1"}, 10, std::nullopt, ""}};
    s.playlists.emplace(p.id.value, p);
    s.entries.push_back(std::move(e));
  }
  return s;
}

// The winner rule written out directly, for the reference below.
inline bool wins_over(const schedule_entry& a, const schedule_entry& b, timestamp t) {
  bool ea = a.emergency && a.expires_at && *a.expires_at > t, eb = b.emergency && b.expires_at && *b.expires_at > t;
  if (ea != eb) return ea;
  if (a.fallback != b.fallback) return !a.fallback;
  if (a.priority != b.priority) return a.priority > b.priority;
  if (a.valid_from != b.valid_from) return a.valid_from > b.valid_from;
  return a.id.value < b.id.value;
}

// The obvious way to answer "what plays when on this day": ask the model's is_active_at_local for
// every entry at every minute of the local day, keep the winner, join equal neighbours. Exact
// when every boundary falls on a whole minute (HH:MM windows, whole-minute offsets and expiries).
inline std::vector<slot> naive_timeline(const schedule_set& s, const time_zone& tz, date day) {
  using namespace std::chrono;
  auto start = tz.to_utc(local_days{day.year() / day.month() / day.day()});
  auto end = tz.to_utc(local_days{day.year() / day.month() / day.day()} + days{1});
  std::vector<slot> out;
  for (auto t = start; t < end; t += minutes{1}) {
    const schedule_entry* best = nullptr;
    auto local = tz.to_local(t);
    for (const auto& e : s.entries)
      if (is_active_at_local(e, local, t) && (!best || wins_over(e, *best, t))) best = &e;
    if (!best) continue;
    if (!out.empty() && out.back().end == t && out.back().entry == best->id.value) {
      out.back().end = t + minutes{1};
      continue;
    }
    slot x;
    x.start = t;
    x.end = t + minutes{1};
    x.entry = best->id.value;
    x.playlist = best->playlist.value;
    x.emergency = best->emergency;
    x.fallback = best->fallback;
    x.priority = best->priority;
    out.push_back(x);
  }
  return out;
}

}  // namespace signage_fx
