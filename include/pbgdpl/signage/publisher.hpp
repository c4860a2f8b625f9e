// The server side of a display's manifest: what the store says the display may play (its groups'
// schedule entries, their playlists and layouts, each item's media file and, in legal zones, the
// latest approval of exactly those bytes), checked the way the player will check it and signed by
// the authority. An item the player would refuse (a legal item with no valid approval, a file the
// server does not hold) is left out, never sent. The sequence is kept on the display's enrolment
// and grows only when what the manifest says changes (or when it is re-issued at half its
// validity), so an unchanged schedule is the same bytes, the same ETag, for days.
#pragma once
#include "content.hpp"
#include "enrolment.hpp"
#include "manifest.hpp"
#include "scheduler.hpp"
#include "../model/unit_directory.hpp"
#include "../store/store.hpp"

#include <chrono>
#include <string>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace signage {

// The unit whose key signs the manifests of a display of unit `display_unit`: the nearest unit at
// or above it whose kind delegates at division-approver level or above (trust::approver_level: a
// ward, a district, a division, the city), else the root of its tree. not_found for a unit
// outside the directory.
PBGDPL_DECL result<unit_id> authority_for(const unit_directory& units, const unit_id& display_unit);

// The approval use of a display's manifest: signage_public for a screen a business runs or one in
// a group (or a group above it) in a public place, else signage_school.
PBGDPL_DECL approval_use use_for(const display& d, const std::vector<display_group>& groups);

// Why an item was left out of a manifest (for the editor's monitoring and for tests).
struct left_out_item {
  std::string playlist, media;
  error why;
};

struct built_manifest {
  signed_manifest signed_form;
  manifest m;
  std::vector<left_out_item> left_out;
};

// Builds and signs display `d`'s manifest at `now` (valid for `validity`). The authority's key
// signs it and a delegation for each approver key of an included approval (the approver account's
// credential key, its role and unit from the approval record, the uses role_may_approve allows).
// A display with an authorised enrolment keeps its sequence there (one store write when it
// grows); a display without one (a kiosk) gets the number of half-validity periods since the
// epoch, which grows too but may repeat within a period. Refuses a disabled display
// (permission_denied).
// `units`: the unit directory of today when the caller keeps one (the portal's), else it is read.
PBGDPL_DECL result<built_manifest> build_manifest_detailed(store::store& db, const content_store& content,
                                                           const display_id& d, const trust::secret_key& authority,
                                                           const unit_id& authority_unit, timestamp now,
                                                           std::chrono::hours validity = std::chrono::hours{168},
                                                           const unit_directory* units = nullptr);

PBGDPL_DECL result<signed_manifest> build_manifest(store::store& db, const content_store& content, const display_id& d,
                                                   const trust::secret_key& authority, const unit_id& authority_unit,
                                                   timestamp now, std::chrono::hours validity = std::chrono::hours{168});

// The portal's authority key at `file` (made at first use, mode 0600 from the moment it exists,
// its .pub beside it). One key signs for every authority unit of the portal: a deployment where
// each authority holds its own key would keep one per unit, a known limit of this version.
PBGDPL_DECL result<trust::secret_key> load_or_create_authority_key(const std::filesystem::path& file);

// The ETag a signed manifest is served with: http::etag_for of its body (an ETag is not a
// signature: the body carries its own).
PBGDPL_DECL std::string manifest_etag(const signed_manifest& s);

}  // namespace signage
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/publisher.ipp"
#endif
