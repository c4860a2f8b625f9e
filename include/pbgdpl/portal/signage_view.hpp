// What the signage pages show of a display, read from the store: its schedule (the entries of its
// group and the groups above it, the playlists and layouts they name), what it plays now zone by
// zone, its day, and the approvals of the content it plays, checked. Shared by the public page
// "Cầu thang pháp luật", the kiosk for browser-only screens and the editor's display screen, so
// the three agree with each other and with the player (they all ask signage/scheduler.hpp).
// Thread safety: the functions are pure over what they read; content_digests locks inside.
#pragma once
#include "../model/approval.hpp"
#include "../model/credential.hpp"
#include "../model/media.hpp"
#include "../model/signage.hpp"
#include "../model/unit_directory.hpp"
#include "../signage/content.hpp"
#include "../signage/scheduler.hpp"
#include "../signage/time_zone.hpp"
#include "../store/store.hpp"
#include "../trust/approval.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace portal {

// Bounds of what one page reads: a unit's displays, the entries of one group, the group chain.
inline constexpr std::size_t signage_max_displays = 500;
inline constexpr std::size_t signage_max_entries_per_group = 1000;
inline constexpr std::size_t signage_max_group_depth = 64;

// One display with everything the scheduler needs for it.
struct display_schedule {
  display d;
  std::vector<display_group> groups;  // its group and those above it, nearest first
  signage::schedule_set set;          // the entries naming those groups, the playlists they name
  std::map<std::string, layout> layouts;  // the layouts those playlists name
  signage::time_zone tz;              // the display's zone (Asia/Ho_Chi_Minh when its name is unknown)
};

// Reads d's schedule: the group chain (a parent cycle or a chain deeper than the limit ends the
// walk), at most signage_max_entries_per_group entries per group, their playlists and layouts.
// `zoneinfo`: where time_zone::locate reads zones.
PBGDPL_DECL result<display_schedule> load_schedule(store::store& db, const display& d,
                                                   const std::filesystem::path& zoneinfo = "/usr/share/zoneinfo");

// The enabled displays of `unit` and the units below it in `tree` (the hierarchy of the page's
// day, not the store's latest parents), by name, at most signage_max_displays.
PBGDPL_DECL result<std::vector<display>> displays_under(store::store& db, const unit_directory& tree, const unit_id& unit);

// The layout a playlist plays in on a display: its own, else one full-screen legal zone of the
// display's size (named "").
PBGDPL_DECL layout layout_of(const display_schedule& s, const playlist& p);

// One zone of a layout at an instant: the item of the playlist it shows (each zone loops its own
// items from the slot's start; an item naming no zone belongs to the layout's first zone).
struct zone_now {
  zone z;
  std::optional<playlist_item> item;
  timestamp start{}, end{};  // the item's run, when there is one
};

struct playing_now {
  signage::slot slot;
  playlist list;
  layout lay;
  std::vector<zone_now> zones;  // in the layout's order
};

// What the display plays at t: nullopt when no entry is active (the screen is idle).
PBGDPL_DECL std::optional<playing_now> playing_at(const display_schedule& s, timestamp t);

// The items of `p` shown in zone `z` of `lay`, as a playlist of their own (item_at runs on it).
PBGDPL_DECL playlist zone_playlist(const playlist& p, const layout& lay, std::string_view zone_name);

// 64 lower-case hex characters.
PBGDPL_DECL bool is_blake2b_hex(std::string_view s) noexcept;

// An approval of a medium as the public page shows it: the record, and whether its signature
// verifies now with its approver's key over the bytes the portal holds.
struct approval_check {
  approval_record record;
  std::string approver_name;  // the account's display name, "" when unknown
  bool signature_ok = false;  // signed by the approver's key, statement = record, over these bytes
  bool in_force = false;      // signature_ok and within its validity at the instant asked
};

// The newest approval record of medium `m` (by id when `approval` names one), checked at `t`
// against the bytes `content` holds for it (nullptr: the signature is not checked).
PBGDPL_DECL std::optional<approval_check> check_media_approval(store::store& db, const media_asset& m,
                                                               const std::optional<approval_id>& approval,
                                                               const signage::content_store* content, timestamp t);

}  // namespace portal
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/signage_view.ipp"
#endif
