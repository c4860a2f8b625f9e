// Kiosk links: how a screen with only a browser (a smart TV, an Android box) plays its display's
// schedule. An administrator issues a link per display; its token is shown once and stored only
// as its hash (like access tokens, model/credential.hpp), so a stolen store yields no usable link,
// and a link can be revoked. The portal's kiosk page (portal/impl/signage_pages.ipp) checks it.
#pragma once
#include "common.hpp"

PBGDPL_NAMESPACE_BEGIN

using kiosk_link_id = id<struct kiosk_link_tag>;

struct kiosk_link {
  kiosk_link_id id;  // hex BLAKE2b-256 of the token text: a presented token is found with one read
  int schema_version = model_schema_version;
  std::uint64_t version = 0;
  std::string handle;  // "kio_" + 16 hex: shown in lists and used to revoke; not the token
  display_id display;
  unit_id unit;        // the display's unit when the link was issued (who may list and revoke it)
  std::string label;   // "TV sảnh tầng 1"
  account_id created_by;
  timestamp created_at{};
  timestamp expires_at{};
  std::optional<timestamp> revoked_at;
  std::optional<account_id> revoked_by;

  friend bool operator==(const kiosk_link&, const kiosk_link&) = default;
};

template <class V>
void describe(V& f, kiosk_link& x) {
  using model_io::need;
  using model_io::short_text;
  model_io::head(f, x);
  f("handle", x.handle, need::required, short_text);
  f("display", x.display, need::required);
  f("unit", x.unit, need::required);
  f("label", x.label, need::optional, short_text);
  f("created_by", x.created_by, need::required);
  f("created_at", x.created_at, need::required);
  f("expires_at", x.expires_at, need::required);
  f("revoked_at", x.revoked_at);
  f("revoked_by", x.revoked_by);
}
PBGDPL_MODEL_DECLARE(kiosk_link)

// Usable at `t`: not revoked, issued, not expired.
inline bool is_live(const kiosk_link& k, timestamp t) noexcept {
  return !k.revoked_at && t >= k.created_at && t < k.expires_at;
}

PBGDPL_DECL void validate(const kiosk_link& k, validator& v);

PBGDPL_MODEL_EXTERN(kiosk_link)

PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/kiosk.ipp"
#endif
