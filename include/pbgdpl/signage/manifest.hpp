// A display's signed manifest: what it may play, when, and the approvals that let it, signed by
// the authority whose key the device pinned. The player verifies it offline: the signature, the
// display it is for, its sequence (no rollback to an older manifest), its expiry and the device
// clock (a clock set back is refused), then every item against the bytes it holds.
// Thread safety: plain values; verify_item only reads the verified_manifest, so one may be shared
// read-only across threads (the sequence tracker it records into may not).
#pragma once
#include "../model/signage.hpp"
#include "../trust/approval.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace signage {

inline constexpr std::string_view manifest_format = "pbgdpl/signage-manifest/1";
inline constexpr std::string_view trust_state_format = "pbgdpl/signage-trust/1";

// Bounds on what a device parses (the manifest is signed, but a device should not be the one to
// find out that a server went wrong by running out of memory).
namespace manifest_limits {
inline constexpr std::size_t body_bytes = 4u << 20;  // the signed body
inline constexpr std::size_t items = 10000;           // over all playlists
inline constexpr std::size_t delegations = 1000;
inline constexpr std::size_t units = 10000;
}  // namespace manifest_limits

struct manifest_item {
  std::string media;          // media id
  std::string title;
  std::string blake2b;        // hex BLAKE2b-256 of the file's bytes (the content address)
  std::uint64_t size = 0;
  std::string media_type;     // "image/png", "video/mp4"
  std::uint32_t duration_seconds = 10;
  std::string zone;           // layout zone name
  bool legal = true;          // in a legal zone: needs `approval`
  std::string approval;       // the approval's minisign signature text (.minisig), legal items
  friend bool operator==(const manifest_item&, const manifest_item&) = default;
};

struct manifest_playlist {
  std::string id, name, layout, ticker;
  std::vector<manifest_item> items;
  friend bool operator==(const manifest_playlist&, const manifest_playlist&) = default;
};

struct manifest {
  std::string display, unit;
  std::string authority;                 // unit id whose key signs the manifest
  std::uint64_t sequence = 0;            // grows with every new manifest for the display
  timestamp issued_at{}, expires_at{};
  std::string time_zone = "Asia/Ho_Chi_Minh";
  approval_use use = approval_use::signage_school;  // signage_public for business-run screens
  std::uint32_t width = 1920, height = 1080;
  std::vector<layout> layouts;
  std::vector<manifest_playlist> playlists;
  std::vector<schedule_entry> entries;
  std::vector<std::string> delegations;  // trust::sign_delegation texts by the authority's key
  std::map<std::string, std::string> units;  // child unit -> parent, the authority's scope
  std::string revocations, revocations_signature;  // the authority's signed list (may be empty)
  friend bool operator==(const manifest&, const manifest&) = default;
};

// Their JSON comes from one describe() field list each (model/common.hpp's mechanism; the .ipp).
// A manifest's "format" member is read first: another format is unsupported_version.
PBGDPL_MODEL_DECLARE(manifest_item)
PBGDPL_MODEL_DECLARE(manifest_playlist)
PBGDPL_MODEL_DECLARE(manifest)

// Ids are ids, digests are BLAKE2b-256 hex, issued_at < expires_at, durations > 0, and the
// limits above (too_large).
PBGDPL_DECL void validate(const manifest& m, validator& v);

// The item count over all playlists.
PBGDPL_DECL std::size_t item_count(const manifest& m) noexcept;

// The signed document travels as one JSON object: {"manifest": "<body text>", "signature": "<minisig text>"}.
struct signed_manifest {
  std::string body;
  std::string signature;
  friend bool operator==(const signed_manifest&, const signed_manifest&) = default;
};

// The exact bytes signed: the manifest's JSON, indented, with a final newline. Throws
// pbgdpl::exception (invalid_utf8) for text that is not UTF-8.
PBGDPL_DECL std::string manifest_text(const manifest& m);

// What the signature's trusted comment states (one line of JSON), so that `minisign -Vm body -p
// authority.pub` shows an operator which display and sequence a manifest is for.
struct manifest_comment {
  std::string display;
  std::uint64_t sequence = 0;
  timestamp expires_at{};
  std::string body_blake2b;  // hex BLAKE2b-256 of the body
  friend bool operator==(const manifest_comment&, const manifest_comment&) = default;
};
PBGDPL_MODEL_DECLARE(manifest_comment)

// Signs manifest_text(m) with the authority's key (minisign's prehashed form). Throws
// pbgdpl::exception when m does not validate.
PBGDPL_DECL signed_manifest sign_manifest(const trust::secret_key& authority, const manifest& m);

PBGDPL_DECL std::string to_wire(const signed_manifest& s);

// Reads the wire form: one object with the two strings, repeated keys refused, the body within
// manifest_limits::body_bytes. The body's bytes are kept exactly as sent (they are what was signed).
PBGDPL_DECL result<signed_manifest> from_wire(std::string_view json_text);

// What a player remembers between runs (persist with to_json/from_json).
struct trust_state {
  std::uint64_t last_sequence = 0;
  std::string last_body_blake2b;       // hex BLAKE2b-256 of the last accepted body
  timestamp latest_time_seen{};        // the latest clock reading that was accepted
  trust::sequence_tracker approvals;   // approval rollback
};

// {"format": "pbgdpl/signage-trust/1", "last_sequence", "last_body_blake2b", "latest_time_seen",
// "approvals": the tracker's own JSON}.
PBGDPL_MODEL_DECLARE(trust_state)

struct verify_options {
  std::string display;                 // this device's display id
  timestamp now{};
  std::chrono::seconds clock_tolerance{600};
};

namespace detail {
struct manifest_keyring;  // the keyring built from a verified manifest (impl/manifest.ipp)
}  // namespace detail

struct verified_manifest {
  manifest m;
  std::string body_blake2b;
  // The keyring verify_item needs (root, delegations, revocations), built once by verify_manifest.
  // Empty in a verified_manifest made by hand: verify_item then builds it at every call.
  std::shared_ptr<const detail::manifest_keyring> keyring = {};
};

// Refuses: bad_signature / unknown_key (not the pinned authority key), unsupported_version,
// invalid_argument (another display), superseded (sequence lower than last, or equal with other
// bytes), expired (expires_at <= now), not_yet_valid (issued_at > now + tolerance),
// clock_rollback (now < latest_time_seen - tolerance). Does not change `state`.
// Also: too_large (a body over manifest_limits::body_bytes, too many items or delegations),
// parse_error (malformed JSON, a key named twice), validation_failed and the like (a body that
// does not validate), bad_signature (a trusted comment that does not match the body).
PBGDPL_DECL result<verified_manifest> verify_manifest(const signed_manifest& s, const trust::public_key& authority,
                                                      const verify_options& opt, const trust_state& state);

// After every item verified: record sequence, digest and now.
PBGDPL_DECL void accept(trust_state& state, const verified_manifest& v, timestamp now);

// One item against the bytes the player holds (their digests): non-legal items need the digest
// only; legal items need an approval that verifies under a keyring built from the manifest (root =
// the pinned authority key with scope from `units`, the delegations, the revocations) for the
// manifest's use at `now` (expired, revoked, wrong use, tampered, superseded all refused).
// A legal item without an approval is permission_denied; bytes whose digest is not the item's
// blake2b are tampered, legal or not.
PBGDPL_DECL result<void> verify_item(const verified_manifest& v, const trust::public_key& authority,
                                     const manifest_item& it, const trust::content_digest& d, timestamp now,
                                     trust::sequence_tracker* seen);

}  // namespace signage

// Compiled mode: decoding, encoding and checking a manifest is instantiated once, in the library.
PBGDPL_MODEL_EXTERN(signage::manifest)

PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/manifest.ipp"
#endif
