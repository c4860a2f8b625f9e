// What a screen plays: a pure, deterministic function of its schedule entries, its time zone and
// the instant (no I/O, no clock), so the player, the portal's pages and the tests agree. Entries
// come from the display's group and the groups above it; the winner at an instant follows one
// rule (below); a day's timeline is computed from the day's boundary points, not minute by minute.
#pragma once
#include "time_zone.hpp"
#include "../model/signage.hpp"

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace signage {

// What a display may play: its schedule entries (its group's and the group's ancestors', walked
// with a cycle guard) and the playlists they name, by id.
struct schedule_set {
  std::vector<schedule_entry> entries;
  std::map<std::string, playlist> playlists;
};

// The entries of `d`'s group and of every group above it (a parent cycle ends the walk: at most
// groups.size() steps), sorted by id, and the playlists they name. Entries whose playlist is not
// in `playlists` are left out (nothing could be played). A display with no group gets nothing.
PBGDPL_DECL schedule_set schedule_for(const display& d, const std::vector<display_group>& groups,
                                      const std::vector<schedule_entry>& entries, const std::vector<playlist>& playlists);

struct slot {
  timestamp start{}, end{};  // [start, end), within the asked day for timeline()
  std::string entry;     // schedule_entry id
  std::string playlist;  // playlist id
  bool emergency = false, fallback = false;
  int priority = 0;
  friend bool operator==(const slot&, const slot&) = default;
};

// The entry that wins at t and its contiguous run around t (followed across local midnights for
// at most 7 days each way). Winner rule, in order: an unexpired emergency entry (expires_at > t),
// non-fallback over fallback (a fallback plays only when nothing else does, whatever its
// priority), higher priority, later valid_from, smaller id. Dayparts crossing midnight belong to
// the day they start on (model's is_active_at). No entry active: nullopt.
PBGDPL_DECL std::optional<slot> what_plays(const schedule_set& s, const time_zone& tz, timestamp t);

// The day's slots in the display's zone, in order, non-overlapping, merged when adjacent slots
// have the same entry; empty stretches have no slot. A day with a daylight-saving change is 23 or
// 25 hours long. Cost: O(n log n) in the entries, whatever their windows.
PBGDPL_DECL std::vector<slot> timeline(const schedule_set& s, const time_zone& tz, date local_day);

// Within a slot the playlist loops from the slot's start: which item plays at t. nullopt before
// the slot starts or for a playlist with no items.
struct item_at_result {
  std::size_t index = 0;
  timestamp start{}, end{};
  friend bool operator==(const item_at_result&, const item_at_result&) = default;
};
PBGDPL_DECL std::optional<item_at_result> item_at(const playlist& p, timestamp slot_start, timestamp t);

}  // namespace signage
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/scheduler.ipp"
#endif
