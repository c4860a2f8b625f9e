// Proof of play: every completed play is one line of JSON signed by the device's key and chained
// to the line before it by its BLAKE2b-256, so an authority can audit "content H was shown on
// display D from S to E" and see a line removed, changed or inserted. The device appends lines to
// a log it fsyncs and uploads in batches; the server verifies each batch continues the chain.
// Thread safety: a play_log is used from one thread (it holds the log's file open and locked, so
// a second play_log on the same file, in any process, is refused with busy).
#pragma once
#include "../core/files.hpp"
#include "../model/common.hpp"
#include "../trust/minisign.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace signage {

namespace play_limits {
inline constexpr std::size_t line_bytes = 4096;  // one line, without its newline
inline constexpr std::size_t batch_lines = 1000;
}  // namespace play_limits

struct play {                 // one completed play
  std::string display, media, blake2b;
  timestamp start{}, end{};
  std::string player = "native";   // "native" (the reference player) or "kiosk" (browser)
  std::uint64_t seq = 0;           // 1, 2, 3 ... per display
  std::string prev;                // hex BLAKE2b-256 of the previous line ("" for seq 1)
  friend bool operator==(const play&, const play&) = default;
};

// The play's JSON without "sig" (one describe() field list; impl/proof_of_play.ipp).
PBGDPL_MODEL_DECLARE(play)

// Ids are ids, the digest is BLAKE2b-256 hex, end is not before start, the player is known,
// seq >= 1, prev is "" exactly for seq 1 and a BLAKE2b-256 hex otherwise.
PBGDPL_DECL void validate(const play& p, validator& v);

// A line = one JSON object: the play's fields plus "sig" (base64 Ed25519 by the device key over
// BLAKE2b-512 of the play's canonical JSON without "sig"). Canonical: compact, keys in order.
PBGDPL_DECL std::string play_line(const trust::secret_key& device, const play& p);

// The hex BLAKE2b-256 of a line (without its newline): the next line's `prev`.
PBGDPL_DECL std::string line_hash(std::string_view line);

// Reads a line: size, JSON (a key named twice refused), the play's fields, and that the line is
// exactly the canonical form play_line writes (so its hash is one thing). The signature is not
// checked here (see verify_batch).
PBGDPL_DECL result<play> parse_play_line(std::string_view line);

// Device side: an append-only file of lines (fsync'd), what is unacknowledged, acknowledgement.
// The acknowledgement lives in "<file>.ack" (written atomically). On open the file is read back
// and its chain checked; a torn last line (a crash while writing it) is dropped and the file
// truncated to the last whole line. Acknowledged lines are dropped from the file from time to time
// (the last one stays, as the chain's head), so the file holds about what is still to upload.
class play_log {
 public:
  static result<play_log> open(const std::filesystem::path& file, std::string display);
  result<play> append(const trust::secret_key& device, std::string media, std::string blake2b,
                      timestamp start, timestamp end, std::string player = "native");
  std::vector<std::string> pending(std::size_t max) const;   // oldest first
  result<void> acknowledge(std::uint64_t through_seq);       // persisted

  std::uint64_t last_seq() const noexcept { return last_seq_; }
  std::uint64_t acknowledged() const noexcept { return acked_; }
  const std::string& last_hash() const noexcept { return last_hash_; }

 private:
  play_log() = default;
  result<void> compact();

  std::filesystem::path file_, ack_file_;
  std::string display_;
  files::unique_fd fd_;          // the log, O_APPEND, locked (flock) while this object lives
  std::uint64_t first_seq_ = 0;  // seq of the file's first line (0: empty file)
  std::vector<std::uint64_t> offsets_;  // byte offset of each line in the file, first_seq_ first
  std::uint64_t size_ = 0;       // bytes of whole lines in the file
  std::uint64_t last_seq_ = 0, acked_ = 0;
  std::string last_hash_;
};

// Server side: verifies a batch continuing the chain (state = last seq and hash accepted).
struct chain_state {
  std::uint64_t seq = 0;
  std::string hash;
  friend bool operator==(const chain_state&, const chain_state&) = default;
};

// A batch that repeats lines already accepted (seq <= state.seq with the same hash) skips them
// (an upload retried after a lost answer); a gap, a fork, a bad signature refuses the whole batch.
// Returns the new plays (oldest first) and moves `state` to the last one; on a refusal `state`
// is unchanged. Refusals: too_large (more than play_limits::batch_lines lines, a line over
// play_limits::line_bytes), parse_error and the like (a malformed line), bad_signature,
// invalid_argument (a line of another display), conflict (a gap before or inside the batch,
// lines out of order, a line whose prev is not the hash of the line before it, or another line
// at an accepted seq: a fork; the message names the seq expected next). Lines older than the
// head that the batch does not chain up to the head cannot be compared: they are skipped too.
PBGDPL_DECL result<std::vector<play>> verify_batch(const trust::public_key& device, std::string_view display,
                                                   const std::vector<std::string>& lines, chain_state& state);

}  // namespace signage

PBGDPL_MODEL_EXTERN(signage::play)

PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/proof_of_play.ipp"
#endif
