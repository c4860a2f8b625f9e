// Definitions for signage/scheduler.hpp (inline in header-only mode, compiled once from
// src/signage/scheduler.cpp).
#pragma once
#include "../scheduler.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <set>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

PBGDPL_NAMESPACE_BEGIN
namespace signage {

namespace detail {

inline std::int64_t sched_floor_div(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

// An entry with its strings parsed once: what is_active_at_local() reads, as numbers.
struct compiled_entry {
  const schedule_entry* e = nullptr;
  bool usable = false;  // times parse and differ
  int start = 0, end = 0;  // minutes since local midnight; end may be 1440
  std::uint8_t days = 0x7f;  // bit i: day_of_week i (Monday = 0)
  std::int64_t from = 0, until = std::numeric_limits<std::int64_t>::max();  // days since the epoch
  std::int64_t expires = std::numeric_limits<std::int64_t>::max();           // UTC seconds
  bool emergency = false;  // an emergency with a time to live: first in the winner rule
};

inline compiled_entry compile(const schedule_entry& e) {
  compiled_entry c;
  c.e = &e;
  auto start = rules::parse_time_of_day(e.start_time), end = parse_end_time(e.end_time);
  c.usable = start && end && *start != *end;
  if (c.usable) c.start = *start, c.end = *end;
  if (!e.days.empty()) {
    c.days = 0;
    for (auto d : e.days)
      if (static_cast<unsigned>(d) < 7) c.days |= static_cast<std::uint8_t>(1u << static_cast<unsigned>(d));
  }
  c.from = std::chrono::sys_days{e.valid_from}.time_since_epoch().count();
  if (e.valid_until) c.until = std::chrono::sys_days{*e.valid_until}.time_since_epoch().count();
  if (e.expires_at) c.expires = e.expires_at->time_since_epoch().count();
  c.emergency = e.emergency && e.expires_at.has_value();
  return c;
}

inline bool day_ok(const compiled_entry& c, std::int64_t day) {
  if (day < c.from || day > c.until) return false;
  auto weekday = static_cast<unsigned>(((day % 7) + 7 + 3) % 7);  // 1970-01-01 was a Thursday (3 from Monday)
  return (c.days >> weekday) & 1u;
}

// The model's is_active_at_local on numbers: `local` in local seconds, `t` in UTC seconds.
inline bool active(const compiled_entry& c, std::int64_t local, std::int64_t t) {
  if (!c.usable || t >= c.expires) return false;
  auto day = sched_floor_div(local, 86400);
  int minute = static_cast<int>((local - day * 86400) / 60);
  if (c.start < c.end) return minute >= c.start && minute < c.end && day_ok(c, day);
  if (minute >= c.start) return day_ok(c, day);
  return minute < c.end && day_ok(c, day - 1);
}

// The winner rule as an order: the first active entry in this order wins.
inline bool ranks_before(const compiled_entry& a, const compiled_entry& b) {
  const auto &x = *a.e, &y = *b.e;
  if (a.emergency != b.emergency) return a.emergency;
  if (x.fallback != y.fallback) return !x.fallback;
  if (x.priority != y.priority) return x.priority > y.priority;
  if (x.valid_from != y.valid_from) return x.valid_from > y.valid_from;
  // Ids are unique in a store; the rest only makes a hand-built set with repeated ids deterministic.
  return std::tie(x.id.value, x.playlist.value, x.start_time, x.end_time) <
         std::tie(y.id.value, y.playlist.value, y.start_time, y.end_time);
}

inline std::vector<compiled_entry> ranked(const schedule_set& s) {
  std::vector<compiled_entry> out;
  out.reserve(s.entries.size());
  for (const auto& e : s.entries) {
    auto c = compile(e);
    if (c.usable) out.push_back(c);
  }
  std::sort(out.begin(), out.end(), ranks_before);
  return out;
}

inline slot slot_of(const schedule_entry& e, timestamp start, timestamp end) {
  slot x;
  x.start = start;
  x.end = end;
  x.entry = e.id.value;
  x.playlist = e.playlist.value;
  x.emergency = e.emergency;
  x.fallback = e.fallback;
  x.priority = e.priority;
  return x;
}

inline std::int64_t day_number(date d) { return std::chrono::sys_days{d}.time_since_epoch().count(); }

inline std::vector<slot> timeline_of(const std::vector<compiled_entry>& ranks, const time_zone& tz, std::int64_t day) {
  using std::chrono::seconds;
  std::vector<slot> out;
  if (ranks.empty()) return out;
  const std::int64_t local0 = day * 86400, local1 = local0 + 86400;
  const auto day_start = tz.to_utc(std::chrono::local_seconds{seconds{local0}}).time_since_epoch().count();
  const auto day_end = tz.to_utc(std::chrono::local_seconds{seconds{local1}}).time_since_epoch().count();
  if (day_end <= day_start) return out;
  // The zone's offsets around the day, as segments [seg_start[i], seg_start[i+1]) of one offset.
  constexpr std::int64_t margin = 27 * 3600;
  std::vector<std::int64_t> seg_start{day_start - margin};
  std::vector<std::int64_t> seg_offset{tz.offset_at(timestamp{seconds{day_start - margin}}).count()};
  for (auto t : tz.transitions_between(timestamp{seconds{day_start - margin}}, timestamp{seconds{day_end + margin}})) {
    seg_start.push_back(t.time_since_epoch().count());
    seg_offset.push_back(tz.offset_at(t).count());
  }
  std::vector<std::int64_t> changes;  // the zone's changes of offset inside the day
  for (std::size_t i = 1; i < seg_start.size(); ++i)
    if (seg_start[i] > day_start && seg_start[i] < day_end) changes.push_back(seg_start[i]);
  auto local_of = [&](std::int64_t t) {
    auto it = std::upper_bound(seg_start.begin(), seg_start.end(), t);
    return t + seg_offset[static_cast<std::size_t>(it - seg_start.begin()) - 1];
  };
  // Each entry's active stretches of the day: its own boundary points (its windows' starts and
  // ends, from this day and the previous one, since a window crossing midnight belongs to the day
  // it starts on; its expiry), the zone's changes of offset and the day's bounds cut the day into
  // pieces on which it is active or not throughout: one evaluation per piece. Then one sweep over
  // all stretches, the best-ranked active entry winning: O(n log n) in the entries.
  struct event {
    std::int64_t t;
    bool on;
    std::size_t rank;
  };
  std::vector<event> events;
  std::vector<std::int64_t> pts;
  for (std::size_t r = 0; r < ranks.size(); ++r) {
    const auto& c = ranks[r];
    pts.assign({day_start, day_end});
    pts.insert(pts.end(), changes.begin(), changes.end());
    auto add = [&](std::int64_t t) {
      if (t > day_start && t < day_end) pts.push_back(t);
    };
    // Every instant whose local time is `local` (none in a gap, two in a repeated hour).
    auto add_local = [&](std::int64_t local) {
      for (std::size_t i = 0; i < seg_start.size(); ++i) {
        auto t = local - seg_offset[i];
        if (t >= seg_start[i] && (i + 1 == seg_start.size() || t < seg_start[i + 1])) add(t);
      }
    };
    for (auto d = day - 1; d <= day; ++d) {
      if (!day_ok(c, d)) continue;
      add_local(d * 86400 + c.start * 60);
      add_local(d * 86400 + c.end * 60 + (c.end <= c.start ? 86400 : 0));
    }
    if (c.expires != std::numeric_limits<std::int64_t>::max()) add(c.expires);
    std::sort(pts.begin(), pts.end());
    pts.erase(std::unique(pts.begin(), pts.end()), pts.end());
    bool was = false;
    std::int64_t since = 0;
    for (std::size_t i = 0; i < pts.size(); ++i) {
      bool now = i + 1 < pts.size() && active(c, local_of(pts[i]), pts[i]);
      if (now && !was) since = pts[i];
      if (!now && was) {
        events.push_back({since, true, r});
        events.push_back({pts[i], false, r});
      }
      was = now;
    }
  }
  std::sort(events.begin(), events.end(), [](const event& a, const event& b) {
    return std::tie(a.t, a.on, a.rank) < std::tie(b.t, b.on, b.rank);  // at one instant: ends first
  });
  std::set<std::size_t> on;
  for (std::size_t i = 0; i < events.size();) {
    auto t = events[i].t;
    for (; i < events.size() && events[i].t == t; ++i) {
      if (events[i].on) on.insert(events[i].rank);
      else on.erase(events[i].rank);
    }
    if (on.empty() || i == events.size()) continue;
    const auto& winner = *ranks[*on.begin()].e;
    timestamp a{seconds{t}}, b{seconds{events[i].t}};
    if (!out.empty() && out.back().end == a && out.back().entry == winner.id.value) out.back().end = b;
    else out.push_back(slot_of(winner, a, b));
  }
  return out;
}

}  // namespace detail

PBGDPL_DECL schedule_set schedule_for(const display& d, const std::vector<display_group>& groups,
                                      const std::vector<schedule_entry>& entries, const std::vector<playlist>& playlists) {
  // One pass over each list, no index built: this runs once per display, often over a whole
  // fleet's lists (benchmarks/signage_timeline), so building maps per call would dominate.
  schedule_set out;
  // The group and its ancestors; a cycle (or a chain longer than the groups) ends the walk. A
  // short chain is walked by scanning the groups; a long one (hostile or odd data) through a
  // hash map, so the walk stays linear whatever the depth.
  std::vector<std::string_view> chain;
  std::unordered_map<std::string_view, const display_group*> by_id;
  auto find_group = [&](std::string_view id) -> const display_group* {
    if (chain.size() < 16) {
      for (const auto& g : groups)
        if (g.id.value == id) return &g;
      return nullptr;
    }
    if (by_id.empty())
      for (const auto& g : groups) by_id.emplace(g.id.value, &g);  // a repeated id: the first one
    auto it = by_id.find(id);
    return it == by_id.end() ? nullptr : it->second;
  };
  std::unordered_set<std::string_view> in_chain;
  for (auto g = d.group ? &d.group->value : nullptr; g && chain.size() <= groups.size();) {
    if (!in_chain.insert(*g).second) break;
    chain.push_back(*g);
    auto found = find_group(*g);
    g = found && found->parent ? &found->parent->value : nullptr;
  }
  if (chain.empty()) return out;
  std::unordered_set<std::string_view> wanted;
  for (const auto& e : entries)
    if (in_chain.contains(e.group.value)) wanted.insert(e.playlist.value);
  if (wanted.empty()) return out;
  for (const auto& p : playlists)
    if (wanted.contains(p.id.value)) out.playlists.emplace(p.id.value, p);  // a repeated id: the first one
  for (const auto& e : entries)
    if (in_chain.contains(e.group.value) && out.playlists.contains(e.playlist.value)) out.entries.push_back(e);
  std::sort(out.entries.begin(), out.entries.end(), [](const schedule_entry& a, const schedule_entry& b) {
    return std::tie(a.id.value, a.playlist.value, a.start_time) < std::tie(b.id.value, b.playlist.value, b.start_time);
  });
  return out;
}

PBGDPL_DECL std::vector<slot> timeline(const schedule_set& s, const time_zone& tz, date local_day) {
  return detail::timeline_of(detail::ranked(s), tz, detail::day_number(local_day));
}

PBGDPL_DECL std::optional<slot> what_plays(const schedule_set& s, const time_zone& tz, timestamp t) {
  auto ranks = detail::ranked(s);
  if (ranks.empty()) return std::nullopt;
  auto day = detail::sched_floor_div(tz.to_local(t).time_since_epoch().count(), 86400);
  auto find_in = [&](std::int64_t d, std::vector<slot>& tl) -> std::optional<std::size_t> {
    tl = detail::timeline_of(ranks, tz, d);
    for (std::size_t i = 0; i < tl.size(); ++i)
      if (tl[i].start <= t && t < tl[i].end) return i;
    return std::nullopt;
  };
  std::vector<slot> tl;
  std::optional<std::size_t> at;
  // Around a repeated hour at midnight an instant's local day and its timeline's day can differ.
  for (auto d : {day, day - 1, day + 1})
    if ((at = find_in(d, tl))) {
      day = d;
      break;
    }
  if (!at) return std::nullopt;
  slot run = tl[*at];
  // Follow the run across local midnights, a week each way at most.
  bool to_start = *at == 0, to_end = *at + 1 == tl.size();
  for (int k = 1; k <= 7 && to_start; ++k) {
    auto prev = detail::timeline_of(ranks, tz, day - k);
    to_start = !prev.empty() && prev.back().entry == run.entry && prev.back().end == run.start;
    if (to_start) {
      run.start = prev.back().start;
      to_start = prev.size() == 1;
    }
  }
  for (int k = 1; k <= 7 && to_end; ++k) {
    auto next = detail::timeline_of(ranks, tz, day + k);
    to_end = !next.empty() && next.front().entry == run.entry && next.front().start == run.end;
    if (to_end) {
      run.end = next.front().end;
      to_end = next.size() == 1;
    }
  }
  return run;
}

PBGDPL_DECL std::optional<item_at_result> item_at(const playlist& p, timestamp slot_start, timestamp t) {
  if (t < slot_start) return std::nullopt;
  std::uint64_t total = total_duration_seconds(p);
  if (total == 0) return std::nullopt;
  auto elapsed = static_cast<std::uint64_t>((t - slot_start).count()) % total;
  std::uint64_t at = 0;
  for (std::size_t i = 0; i < p.items.size(); ++i) {
    std::uint64_t d = p.items[i].duration_seconds;
    if (elapsed < at + d) {
      item_at_result r;
      r.index = i;
      r.start = t - std::chrono::seconds{static_cast<std::int64_t>(elapsed - at)};
      r.end = r.start + std::chrono::seconds{static_cast<std::int64_t>(d)};
      return r;
    }
    at += d;
  }
  return std::nullopt;  // unreachable: elapsed < total
}

}  // namespace signage
PBGDPL_NAMESPACE_END
