// An approval as data that travels: who (unit, role, key) approved which content bytes
// (BLAKE2b-256), for which use, valid when, with which sequence number, and the minisign
// signature over it. Only the shape lives here; signing and verification live in trust/.
#pragma once
#include "account.hpp"

PBGDPL_NAMESPACE_BEGIN

// Where approved content may appear: a unit's portal, a school's screens, public screens run by
// businesses (the plan allows only authority-approved content there), or a report.
enum class approval_use { portal, signage_school, signage_public, report };
PBGDPL_ENUM_NAMES(approval_use, {approval_use::portal, "portal"}, {approval_use::signage_school, "signage_school"},
                  {approval_use::signage_public, "signage_public"}, {approval_use::report, "report"});

PBGDPL_ENUM_LABELS(approval_use,
                   {approval_use::portal, "Đăng trên trang thông tin điện tử", "Published on the website"},
                   {approval_use::signage_school, "Trình chiếu tại trường", "Shown on school screens"},
                   {approval_use::signage_public, "Trình chiếu nơi công cộng", "Shown on screens in public places"},
                   {approval_use::report, "Báo cáo", "Report"});
inline std::string_view approval_use_label_vi(approval_use x) noexcept { return label_vi(x); }

// The one rule for who may approve what, shared by validate() below and by trust/ (delegations
// an authority signs, statements an approver signs): only approver roles approve, and content for
// screens in public places needs a competent authority (a city official or a division approver).
constexpr bool role_may_approve(role r, approval_use u) noexcept {
  if (!is_approver_role(r)) return false;
  if (u == approval_use::signage_public) return r == role::city_official || r == role::division_approver;
  return true;
}

struct approval_record {
  approval_id id;
  int schema_version = model_schema_version;
  std::uint64_t version = 0;
  std::string content_id;       // the approved entity's id ("video-cau-thang-1")
  std::string content_blake2b;  // hex BLAKE2b-256 of the exact approved bytes
  unit_id approver_unit;
  role approver_role = role::school_approver;
  std::string key_id;  // minisign key id, 16 hex characters
  approval_use use = approval_use::portal;
  timestamp valid_from{};
  timestamp valid_until{};
  std::uint64_t sequence = 0;  // grows per content id, so an older approval cannot be replayed
  std::string signature;       // minisign signature text
  std::string note;
  // The account that signed, where known (the editor records it): where its public key is found
  // (its credential). Not part of the signed statement; the key id is checked against that key.
  std::optional<account_id> approver;

  friend bool operator==(const approval_record&, const approval_record&) = default;
};

template <class V>
void describe(V& f, approval_record& x) {
  using model_io::need;
  using model_io::short_text;
  model_io::head(f, x);
  f("content_id", x.content_id, need::required, short_text);
  f("content_blake2b", x.content_blake2b, need::required, short_text);
  f("approver_unit", x.approver_unit, need::required);
  f("approver_role", x.approver_role, need::required);
  f("key_id", x.key_id, need::required, short_text);
  f("use", x.use, need::required);
  f("valid_from", x.valid_from, need::required);
  f("valid_until", x.valid_until, need::required);
  f("sequence", x.sequence, need::required);
  f("signature", x.signature, need::optional);
  f("note", x.note, need::optional, short_text);
  f("approver", x.approver);
}
PBGDPL_MODEL_DECLARE(approval_record)

// Inside the validity window (valid_from inclusive, valid_until exclusive). Says nothing about
// the signature: trust/ decides whether the record is genuine.
inline bool is_within_validity(const approval_record& a, timestamp t) noexcept {
  return t >= a.valid_from && t < a.valid_until;
}

PBGDPL_DECL void validate(const approval_record& a, validator& v);

// Compiled mode: decoding, encoding and checking these is instantiated once, in the library.
PBGDPL_MODEL_EXTERN(approval_record)

PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/approval.ipp"
#endif
