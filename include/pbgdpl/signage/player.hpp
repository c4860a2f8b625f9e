// The player core of the legal staircase: enrolment with a device key, pulling the authority-signed
// manifest, downloading its content by digest into a content-addressed cache, swapping to the new
// manifest only when every item verified (legal approvals included), playing offline from the last
// valid manifest, and uploading signed, hash-chained proof of play. Rendering is not here: a
// renderer asks plan(now) what each zone shows and reports completed plays with record_play().
//
// State directory: device.key (0600) and device.pub, trust.json (what the player trusts and has
// accepted), current/manifest.json (the wire form of the last manifest whose every item verified),
// cache/<blake2b> and cache/<blake2b>.part, plays.log. Nothing in it is opened through a link.
// Thread safety: one player per state directory, used from one thread at a time.
#pragma once
#include "content_cache.hpp"
#include "manifest.hpp"
#include "proof_of_play.hpp"

#include "../model/signage.hpp"
#include "../network/fetch.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace signage {

struct player_config {
  std::string server;                      // "http://127.0.0.1:8080" (portal root)
  std::filesystem::path state_dir;         // device.key (0600), trust.json, current/, cache/, plays.log
  std::string name;                        // shown to the administrator at enrolment
  std::uint32_t width = 1920, height = 1080;
  std::optional<std::string> authority_public_key;  // pinned out of band (else from enrolment)
  std::uint64_t max_cache_bytes = 8ull << 30;
  std::size_t chunk_bytes = 4u << 20;      // one Range request per chunk
  network::fetch_options fetch;            // timeouts; allow_private_addresses for loopback
};

struct enrolment {
  std::string state, code, display;  // "pending" with the code to show, "authorised" with the display, "revoked"
};

enum class sync_result { unchanged, updated, refused, offline };

struct sync_outcome {
  sync_result result = sync_result::unchanged;
  std::optional<error> why;
  std::uint64_t sequence = 0;  // of the manifest playing after the sync
};

struct zone_item {  // what one zone shows now
  std::string zone;
  manifest_item item;
  std::filesystem::path file;  // verified cached file
  timestamp start{}, end{};
};

struct frame_plan {  // what the screen shows at t
  std::string playlist, layout_name;
  std::vector<zone> zones;
  std::vector<zone_item> items;
  std::string ticker;
  bool emergency = false;
};

// A fault kept for the heartbeat: when, and the error.
struct player_fault {
  timestamp at{};
  error why;
};

class player {
 public:
  // How far the clock may read behind the latest accepted reading (verify_options' default).
  static constexpr std::chrono::seconds clock_tolerance{600};
  // How long a verified approval is trusted in plan() before it is verified again (its own
  // valid_until is always honoured at once).
  static constexpr std::chrono::seconds approval_recheck{60};

  // Loads state_dir: creates it and its folders, makes the device key on first start, reads
  // trust.json and the current manifest (a current manifest that no longer verifies against the
  // pinned key is dropped, with a fault). Throws pbgdpl::exception when the directory or the key
  // cannot be made or read (a player with no identity cannot run).
  explicit player(player_config c);

  // POST /api/v1/signage/enrol. pending: the code to show; authorised: pins the authority's key
  // (refused with errc::unknown_key when a key configured out of band differs) and the display id.
  result<enrolment> enrol();
  // Pull, verify, fetch, swap. Never loses the current manifest: refused (with why) or offline
  // when anything fails. An error only when the player is not enrolled.
  result<sync_outcome> sync(timestamp now);
  bool has_manifest() const;
  std::uint64_t manifest_sequence() const;
  // What plays at `now`, from the scheduler over the current manifest; nullopt when nothing does.
  // Every item's approval is checked again at max(now, the latest accepted clock): an item whose
  // approval expired (or whose file is gone) is left out, with a fault.
  std::optional<frame_plan> plan(timestamp now) const;
  result<void> record_play(const zone_item& it, timestamp start, timestamp end);  // completed plays only
  // Uploads what is not acknowledged, in batches of at most 500 lines; returns the lines the
  // server acknowledged.
  result<std::size_t> upload_plays();
  result<void> heartbeat(std::string_view status, std::optional<std::string> snapshot_png);
  // The faults recorded (the last 100), oldest first.
  const std::vector<error>& faults() const;
  const std::vector<player_fault>& fault_log() const { return fault_log_; }

  const trust::public_key& device_public_key() const { return device_pub_; }
  const std::string& display() const { return display_; }
  const content_cache& cache() const { return cache_; }

 private:
  struct cached_digest {
    std::uint64_t size = 0;
    std::filesystem::file_time_type modified{};
    trust::content_digest digest;
  };

  void fault(timestamp at, error e) const;
  void plan_fault(timestamp at, error e) const;
  bool still_approved(const layout* l, const manifest_item& it, const trust::content_digest& d, timestamp trusted,
                      timestamp now) const;
  result<void> save_trust();
  void load();
  network::header_list signed_headers(std::string_view method, std::string_view target, std::string_view body,
                                      timestamp now) const;
  network::fetch_response call(std::string_view method, std::string_view path, std::string_view body, timestamp now,
                               network::header_list extra = {}, std::size_t max_body = 0) const;
  result<trust::content_digest> digest_of(std::string_view blake2b) const;
  std::set<std::string> addresses(const manifest& m) const;

  player_config cfg_;
  content_cache cache_;  // before the key: constructing it makes the state directory
  trust::secret_key device_;
  trust::public_key device_pub_;
  // trust.json
  trust_state trust_;
  std::optional<trust::public_key> authority_;
  std::string display_, code_, etag_;
  // current/manifest.json, verified
  std::optional<verified_manifest> current_;
  std::optional<play_log> plays_;
  mutable std::map<std::string, cached_digest> digests_;
  struct approval_memo {
    timestamp from{}, until{};  // trusted times between which the pass stands
    trust::digest512 b512{};
  };
  mutable std::map<std::string, approval_memo> approved_;
  mutable std::vector<error> faults_;
  mutable std::vector<player_fault> fault_log_;
  mutable timestamp latest_now_{};
  mutable std::size_t unsent_faults_ = 0;  // the newest faults not yet sent in a heartbeat
  mutable std::set<std::string> plan_faults_seen_;
  mutable bool rollback_reported_ = false;
};

}  // namespace signage
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/player.ipp"
#endif
