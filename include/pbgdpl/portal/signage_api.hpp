// The portal's side of the legal staircase's devices (issue 16): enrolment by code, and the
// device-signed routes a player calls (its manifest with an ETag, content by digest with Range,
// proof-of-play batches, heartbeats). The API (portal/api.hpp) mounts them under
// /api/v1/signage/ when options::signage is set. Every device request is signed with the
// device's own key (signage/device_auth.hpp): the key is found by X-Pbgdpl-Device in one store
// read, must be authorised, and the signature must cover this method, target, body and a time
// within 15 minutes of the server's (the server's Date header lets a player see its clock is off).
// Thread safety: one signage_service serves the server's threads at once (its caches lock).
#pragma once
#include "../http/middleware.hpp"
#include "../http/router.hpp"
#include "../signage/content.hpp"
#include "../signage/enrolment.hpp"
#include "../signage/publisher.hpp"
#include "../store/store.hpp"
#include "options.hpp"
#include "units.hpp"

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

PBGDPL_NAMESPACE_BEGIN
namespace portal {

struct signage_options {
  // <data>: the authority key (<data>/signage-authority.key), content (<data>/signage/content)
  // and snapshots (<data>/signage/snapshots).
  std::filesystem::path data_dir;
  std::filesystem::path media_dir;  // the media library's directory ("" none)
  signage::enrol_limits enrolment{};
  // New enrolments per client (a known key asking again is not counted): a burst, then one a minute.
  http::rate_limit_config enrol_rate{1.0 / 60.0, 20};
  std::chrono::seconds clock_tolerance{900};
  std::chrono::hours validity{168};
  // Content answers: one range is cut to this many bytes (Content-Range says what was sent); a
  // file larger than max_whole_bytes is only served in ranges.
  std::uint64_t max_range_bytes = 4u << 20;  // one player chunk; bounded memory per answer (red team F4)
  std::uint64_t max_whole_bytes = 8u << 20;
};

class signage_service {
 public:
  // Loads (or makes, at first start) <data>/signage-authority.key. Throws pbgdpl::exception when
  // it cannot. The store must outlive the service; of `opt` it keeps a copy of the clock, the
  // unit directory, the public prefix and the trusted proxies (the site holds the same ones).
  signage_service(store::store& db, const options& opt, signage_options so);
  signage_service(const signage_service&) = delete;
  signage_service& operator=(const signage_service&) = delete;

  const trust::secret_key& authority_key() const noexcept { return key_; }
  trust::public_key authority_public_key() const { return key_.public_part(); }
  const signage::content_store& content() const noexcept { return content_; }
  std::filesystem::path snapshot_dir() const { return so_.data_dir / "signage" / "snapshots"; }
  const signage_options& config() const noexcept { return so_; }

  // The unit whose key signs display d's manifests (signage::authority_for over today's units).
  result<unit_id> authority_of(const display& d) const;
  // Display d's manifest at `now`, built and signed (see signage::build_manifest_detailed).
  result<signage::built_manifest> manifest_for(const display_id& d, timestamp now) const;

  // The routes, relative to where the API mounts them ("/enrol", "/manifest", "/content/{blake2b}",
  // "/plays" POST, "/heartbeat").
  http::response enrol(http::request& req);
  http::response manifest(http::request& req);
  http::response content(http::request& req);
  http::response plays(http::request& req);
  http::response heartbeat(http::request& req);

  // The device behind a signed request: its enrolment (authorised) and display. Errors are the
  // answers to send (401 unauthenticated, 403 with {"state": "revoked"|"pending"}).
  struct device_call {
    display_enrolment enrolment;
    display screen;
  };
  result<device_call> authenticate(const http::request& req, timestamp now) const;

 private:
  timestamp now() const { return clock_ ? clock_() : pbgdpl::now(); }
  // Today's units: the site's snapshot when options::units is set, else read from the store.
  result<std::shared_ptr<const unit_snapshot>> units_today() const;

  // The digests of display d's current manifest and their media ids, kept a minute (and while the
  // store is unchanged) so a download in many ranges does not rebuild the manifest each time.
  result<std::map<std::string, std::string>> current_items(const display_id& d, timestamp now) const;

  store::store& db_;
  clock clock_;
  std::shared_ptr<live_units> units_;
  std::string public_prefix_;
  std::vector<std::string> trusted_proxies_;  // whose X-Forwarded-Prefix a device's target carries
  signage_options so_;
  trust::secret_key key_;
  signage::content_store content_;
  http::rate_limiter enrol_limiter_;
  struct items_entry {
    std::chrono::steady_clock::time_point at;
    std::optional<std::uint64_t> stamp;
    std::map<std::string, std::string> items;  // blake2b -> media id
  };
  mutable std::mutex mu_;
  mutable std::map<std::string, items_entry> items_;
};

}  // namespace portal
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/signage_api.ipp"
#endif
