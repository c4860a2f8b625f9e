// Proof of play on the portal's side: a device's batch of signed, hash-chained play lines is
// verified against the chain head kept on its enrolment and stored as play records (the batch and
// the new head in one transaction); plays are counted per content, display, unit and day for
// reports. Heartbeats keep a display's latest status: what it plays, what it holds, its faults and
// a snapshot of its screen.
#pragma once
#include "enrolment.hpp"
#include "proof_of_play.hpp"
#include "../model/signage_ops.hpp"
#include "../store/store.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace signage {

struct plays_accepted {
  std::uint64_t accepted_through = 0;  // the chain head's seq after the batch
  std::size_t recorded = 0;            // new play records
};

// Verifies `lines` (signage/proof_of_play.hpp's verify_batch) for the authorised enrolment `e`
// (re-read inside the transaction, so two uploads of one device cannot both extend the chain)
// and stores one play_record per new play. Refusals are verify_batch's (conflict names the seq
// expected next), permission_denied for a device that is not authorised.
PBGDPL_DECL result<plays_accepted> record_plays(store::store& db, const display_enrolment_id& e,
                                                const std::vector<std::string>& lines, timestamp now);

// A play record's id: "<display>-<seq>", or, for a display id too long for that, a digest of it.
PBGDPL_DECL play_record_id play_record_id_for(std::string_view display, std::uint64_t seq);

// Plays counted per content (its BLAKE2b-256 and media id), display, unit and local day.
struct play_count {
  std::string blake2b, media, display, unit;
  date day{};
  std::uint64_t plays = 0;
  std::uint64_t seconds = 0;  // summed play time
  friend bool operator==(const play_count&, const play_count&) = default;
};

// The plays of `unit`'s displays and those of the units below it, on local days from..to
// (inclusive), in (day, unit, display, media) order. Refuses a period over 366 days and a count
// over max_play_records records (too_large: ask for a shorter period).
inline constexpr std::size_t max_play_records = 500000;
PBGDPL_DECL result<std::vector<play_count>> aggregate_plays(store::store& db, const unit_id& unit, date from, date to);

// What a device reports in its heartbeat (interfaces §5).
struct heartbeat {
  std::string status;  // "playing", "idle", "offline-cache"
  std::uint64_t manifest_sequence = 0;
  std::vector<std::string> inventory;
  std::uint64_t free_bytes = 0;
  std::vector<display_fault> faults;
  std::optional<std::string> snapshot_png;  // the PNG's bytes (decoded from base64)
};

namespace heartbeat_limits {
inline constexpr std::size_t body_bytes = 3u << 20;
inline constexpr std::size_t snapshot_bytes = 2u << 20;
inline constexpr std::uint32_t snapshot_width = 3840, snapshot_height = 2160;
}  // namespace heartbeat_limits

// Reads a heartbeat body: its size, the status (one of the three), digests, faults (each message
// cut to 500 characters, the newest 20 kept), the snapshot's base64. Errors carry the field's path.
PBGDPL_DECL result<heartbeat> parse_heartbeat(std::string_view body);

// Stores the display's status (its snapshot, a PNG of at most 3840x2160 checked by decoding it,
// written atomically to <snapshot_dir>/<display>.png). Faults already known (same time and code)
// are not repeated.
PBGDPL_DECL result<display_status> record_heartbeat(store::store& db, const display& d, heartbeat hb,
                                                    const std::filesystem::path& snapshot_dir, timestamp now);

}  // namespace signage
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/plays.ipp"
#endif
