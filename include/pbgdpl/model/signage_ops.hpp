// What the portal keeps about the screens it serves, beside the schedule (model/signage.hpp): a
// device's enrolment (its key, the code it shows, whether an administrator authorised it, the
// manifest and proof-of-play chain heads), each verified play, and the latest heartbeat.
#pragma once
#include "common.hpp"

PBGDPL_NAMESPACE_BEGIN

using display_enrolment_id = id<struct display_enrolment_tag>;
using play_record_id = id<struct play_record_tag>;
using display_status_id = id<struct display_status_tag>;

enum class enrolment_state { pending, authorised, revoked };
PBGDPL_ENUM_NAMES(enrolment_state, {enrolment_state::pending, "pending"}, {enrolment_state::authorised, "authorised"},
                  {enrolment_state::revoked, "revoked"});
PBGDPL_ENUM_LABELS(enrolment_state, {enrolment_state::pending, "Chờ duyệt", "Pending"},
                   {enrolment_state::authorised, "Đã cho phép", "Authorised"},
                   {enrolment_state::revoked, "Đã thu hồi", "Revoked"});

// The characters of an enrolment code: no 0/O or 1/I, which a person reading a screen mixes up.
inline constexpr std::string_view enrolment_code_alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

// "7KQ-M4P": three characters of the alphabet, a hyphen, three more.
inline bool is_enrolment_code(std::string_view s) noexcept {
  if (s.size() != 7 || s[3] != '-') return false;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (i != 3 && enrolment_code_alphabet.find(s[i]) == std::string_view::npos) return false;
  return true;
}

// A device key id as the enrolment's id: 16 upper-case hex characters (minisign's key id).
inline bool is_device_key_id(std::string_view s) noexcept {
  if (s.size() != 16) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'))) return false;
  return true;
}

struct display_enrolment {
  display_enrolment_id id;  // the device key id (16 hex, upper case)
  int schema_version = model_schema_version;
  std::uint64_t version = 0;
  std::string public_key;  // minisign .pub text
  std::string code;        // "7KQ-M4P": shown on the screen, typed by the administrator
  enrolment_state state = enrolment_state::pending;
  std::string name;  // what the device calls itself
  std::uint32_t width = 0, height = 0;
  std::optional<display_id> display;  // set when authorised
  timestamp created_at{};
  std::optional<timestamp> decided_at;
  std::optional<account_id> decided_by;
  // The last manifest issued to this device (the sequence grows only when its content changes).
  std::uint64_t manifest_sequence = 0;
  std::string manifest_blake2b;  // hex BLAKE2b-256 of the body without issued_at/expires_at
  std::optional<timestamp> manifest_issued_at;
  // The proof-of-play chain head: the last seq accepted and the hash of its line.
  std::uint64_t plays_seq = 0;
  std::string plays_hash;

  friend bool operator==(const display_enrolment&, const display_enrolment&) = default;
};

template <class V>
void describe(V& f, display_enrolment& x) {
  using model_io::need;
  using model_io::short_text;
  model_io::head(f, x);
  f("public_key", x.public_key, need::required);
  f("code", x.code, need::required, short_text);
  f("state", x.state, need::required);
  f("name", x.name, need::optional, short_text);
  f("width", x.width);
  f("height", x.height);
  f("display", x.display);
  f("created_at", x.created_at, need::required);
  f("decided_at", x.decided_at);
  f("decided_by", x.decided_by);
  f("manifest_sequence", x.manifest_sequence);
  f("manifest_blake2b", x.manifest_blake2b, need::optional, short_text);
  f("manifest_issued_at", x.manifest_issued_at);
  f("plays_seq", x.plays_seq);
  f("plays_hash", x.plays_hash, need::optional, short_text);
}
PBGDPL_MODEL_DECLARE(display_enrolment)

PBGDPL_DECL void validate(const display_enrolment& e, validator& v);

// One completed play a device signed and the server verified (signage/proof_of_play.hpp).
struct play_record {
  play_record_id id;  // "<display>-<seq>"
  int schema_version = model_schema_version;
  std::uint64_t version = 0;
  display_id display;
  unit_id unit;  // the display's unit when the play was received
  std::string media, blake2b;
  timestamp start{}, end{};
  std::string player = "native";  // "native" (the reference player) or "kiosk" (a browser)
  std::uint64_t seq = 0;
  std::string line_blake2b;  // hex BLAKE2b-256 of the signed line: the chain's link

  friend bool operator==(const play_record&, const play_record&) = default;
};

template <class V>
void describe(V& f, play_record& x) {
  using model_io::need;
  using model_io::short_text;
  model_io::head(f, x);
  f("display", x.display, need::required);
  f("unit", x.unit, need::required);
  f("media", x.media, need::optional, short_text);
  f("blake2b", x.blake2b, need::required, short_text);
  f("start", x.start, need::required);
  f("end", x.end, need::required);
  f("player", x.player, need::optional, short_text);
  f("seq", x.seq, need::required);
  f("line_blake2b", x.line_blake2b, need::required, short_text);
}
PBGDPL_MODEL_DECLARE(play_record)

PBGDPL_DECL void validate(const play_record& p, validator& v);

// Faults a device reports in its heartbeat; the status keeps the newest display_status_max_faults.
inline constexpr std::size_t display_status_max_faults = 20;
inline constexpr std::size_t display_fault_max_message = 500;  // characters (code points)
inline constexpr std::size_t display_status_max_inventory = 4096;

struct display_fault {
  timestamp at{};
  std::string code, message;
  friend bool operator==(const display_fault&, const display_fault&) = default;
};

template <class V>
void describe(V& f, display_fault& x) {
  using model_io::need;
  f("at", x.at, need::required);
  f("code", x.code, need::optional, model_io::short_text);
  f("message", x.message, need::optional, model_io::short_text);
}
PBGDPL_MODEL_DECLARE(display_fault)

// The latest heartbeat of a display (id = the display's id).
struct display_status {
  display_status_id id;
  int schema_version = model_schema_version;
  std::uint64_t version = 0;
  unit_id unit;
  timestamp last_seen{};
  std::string status;  // "playing", "idle", "offline-cache"
  std::uint64_t manifest_sequence = 0;
  std::vector<std::string> inventory;  // the BLAKE2b-256 of each cached file
  std::uint64_t free_bytes = 0;
  std::vector<display_fault> faults;  // newest first, at most display_status_max_faults
  std::string snapshot;               // file name under <data>/signage/snapshots/, "" if none
  std::optional<timestamp> snapshot_at;

  friend bool operator==(const display_status&, const display_status&) = default;
};

template <class V>
void describe(V& f, display_status& x) {
  using model_io::need;
  using model_io::short_text;
  model_io::head(f, x);
  f("unit", x.unit, need::required);
  f("last_seen", x.last_seen, need::required);
  f("status", x.status, need::optional, short_text);
  f("manifest_sequence", x.manifest_sequence);
  f("inventory", x.inventory);
  f("free_bytes", x.free_bytes);
  f("faults", x.faults);
  f("snapshot", x.snapshot, need::optional, short_text);
  f("snapshot_at", x.snapshot_at);
}
PBGDPL_MODEL_DECLARE(display_status)

PBGDPL_DECL void validate(const display_status& s, validator& v);

// Compiled mode: decoding, encoding and checking these is instantiated once, in the library.
PBGDPL_MODEL_EXTERN(display_enrolment)
PBGDPL_MODEL_EXTERN(play_record)
PBGDPL_MODEL_EXTERN(display_status)

PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/signage_ops.ipp"
#endif
