// Approvals as data that travels: a minisign signature over the approved content whose signed
// trusted comment states who approved what, for which use, until when, with which sequence. A
// keyring holds each authority's pinned root key, the approver keys it delegated (signed
// delegation records) and its signed revocation list, and verifies approvals offline.
// Thread safety: keyring and sequence_tracker are plain values with no locks: share one read-only
// across threads, or guard it when anything may add keys, revocations or sequences meanwhile.
#pragma once
#include "../core/json.hpp"
#include "../model/account.hpp"
#include "../model/approval.hpp"
#include "../model/unit.hpp"
#include "minisign.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace trust {

// What an approval is for (the model's enum): approving for school screens does not approve
// for public places.
using pbgdpl::approval_use;

// The signed statement of an approval (the trusted comment, as one line of JSON).
struct approval_statement {
  std::string id;               // the approval's id
  std::string content_id;       // what was approved (media id, bundle id, report id)
  std::string content_blake2b;  // hex BLAKE2b-256 of the approved bytes
  unit_id approver_unit;
  role approver_role = role::school_approver;
  std::string key_id;  // minisign key id (hex) of the approver key
  approval_use use = approval_use::portal;
  timestamp valid_from{};
  timestamp valid_until{};
  std::uint64_t sequence = 0;  // grows with each new approval of the same content
  friend bool operator==(const approval_statement&, const approval_statement&) = default;
};

inline constexpr std::string_view approval_format = "pbgdpl/approval/1";
inline constexpr std::string_view delegation_format = "pbgdpl/delegation/1";
inline constexpr std::string_view revocations_format = "pbgdpl/revocations/1";

// The "format" member naming a signed document's kind and version ("pbgdpl/approval/1"), as a
// describe() field: written as given; on reading, any other value is refused (unsupported_version,
// "<label> không được hỗ trợ: ..." / "Unsupported <label>: ...") before the fields after it.
template <class V>
void describe_format(V& f, std::string_view format, std::string_view label_vi = "Định dạng",
                     std::string_view label_en = "format") {
  std::string value(format);
  f("format", value, model_io::need::required, model_io::short_text);
  if (value != format)
    json_io::fail(errc::unsupported_version, std::string(label_vi) + " không được hỗ trợ: " + value,
                  "Unsupported " + std::string(label_en) + ": " + value);
}

// The JSON of the types below comes from one describe() field list each (model/common.hpp's
// mechanism; impl/approval.ipp).
PBGDPL_MODEL_DECLARE(approval_statement)

// Parses JSON with the library's limits (size, nesting) and refuses an object that names a key
// twice, at any level. nlohmann keeps the last value of a repeated key, while a person reading the
// signed line (`minisign -V` prints the trusted comment whole) may read the first: a signed
// statement must mean one thing to both. Used for every signed statement (approvals, delegations,
// revocation lists, bundle manifests) and the sequence tracker's state. Never throws.
PBGDPL_DECL result<json> parse_json_unique_keys(std::string_view s);

// JSON text -> entity, validated, refusing repeated keys (see parse_json_unique_keys).
template <class T>
result<T> from_json_text_unique(std::string_view s) {
  auto j = parse_json_unique_keys(s);
  if (!j) return j.err();
  return from_json_value<T>(*j);
}

// A minisign key id written as text: exactly 16 hex digits in either case, nothing around them.
// Returns it in minisign's upper-case spelling (what key_id::hex() prints), or nullopt.
PBGDPL_DECL std::optional<std::string> normalise_key_id(std::string_view s);

// Whether two key-id texts name the same key (case does not matter; anything else does).
PBGDPL_DECL bool same_key_id(std::string_view a, std::string_view b);

PBGDPL_DECL void validate(const approval_statement& s, validator& v);

// The model's record of a verified approval, for the store. The record keeps the key id in
// lower-case hex (the model's rule); the statement keeps minisign's upper-case spelling.
PBGDPL_DECL approval_record to_record(const approval_statement& s, std::string signature_text);

// The digests an approval binds: BLAKE2b-512 (what Ed25519 signs, as minisign does) and
// BLAKE2b-256 (the content address written in the statement and the model's media records).
struct content_digest {
  digest512 b512{};
  digest256 b256{};
};

PBGDPL_DECL content_digest digest_content(std::string_view content);

// Both digests of a file in one streamed pass.
PBGDPL_DECL result<content_digest> digest_file(const std::filesystem::path& p, const read_options& opt = {});

namespace detail {
// The one-line JSON a signed statement carries (strict: invalid UTF-8 throws, never replaced).
PBGDPL_DECL std::string compact(const json& j);
}  // namespace detail

// Signs an approval of content with the given digests. Fills key_id and content_blake2b. The
// result is a .minisig text: `minisign -Vm <content> -x <it> -p <approver.pub>` verifies it.
PBGDPL_DECL result<signature> sign_approval(const secret_key& key, approval_statement s, const content_digest& d);

// A root key's statement that `key` may approve for `unit` in `role`, for `uses`, in a period.
struct delegation {
  unit_id authority;  // the unit whose root key signs this (city, division)
  public_key key;
  unit_id unit;
  role approver_role = role::school_approver;
  std::vector<approval_use> uses;
  timestamp valid_from{};
  timestamp valid_until{};
  std::uint64_t sequence = 0;
  friend bool operator==(const delegation&, const delegation&) = default;
};

PBGDPL_MODEL_DECLARE(delegation)

// The signed delegation: a minisign signature over the delegated key's .pub text whose trusted
// comment is the delegation, so `minisign -Vm approver.pub -x approver.pub.minisig -p root.pub`
// shows an operator who delegated what.
PBGDPL_DECL signature sign_delegation(const secret_key& root, const delegation& d);

struct revocation {
  std::string key_id;  // 16 hex digits; read in either case, held in upper case (as minisign prints it)
  timestamp since{};   // approvals verified at or after this instant are refused
  std::string reason;
  friend bool operator==(const revocation&, const revocation&) = default;
};

// The list an authority publishes; a newer list (higher sequence) replaces an older one.
struct revocation_list {
  unit_id authority;
  std::uint64_t sequence = 0;
  timestamp issued_at{};
  std::vector<revocation> revoked;
  friend bool operator==(const revocation_list&, const revocation_list&) = default;
};

PBGDPL_MODEL_DECLARE(revocation)
PBGDPL_MODEL_DECLARE(revocation_list)

// A signed revocation list travels as two files: the JSON body and its .minisig.
struct signed_revocation_list {
  std::string body;
  signature sig;
};

PBGDPL_DECL signed_revocation_list sign_revocations(const secret_key& root, const revocation_list& l);

// What the verifier is about to do, and when.
struct verify_context {
  timestamp now{};
  approval_use use = approval_use::portal;
};

// Where an approval's sequence number counts: per authority (whose delegation verified it), per
// approver unit and per content id. One approver can thus never freeze another unit's, or another
// authority's, approvals of the same content by signing a huge sequence number.
struct sequence_scope {
  std::string authority;
  std::string approver_unit;
  std::string content_id;
  friend auto operator<=>(const sequence_scope&, const sequence_scope&) = default;
  friend bool operator==(const sequence_scope&, const sequence_scope&) = default;
};

// What a tracker remembers per scope: the highest sequence seen and the digest of the content
// that sequence approved.
struct sequence_seen {
  std::uint64_t sequence = 0;
  std::string content_blake2b;  // hex BLAKE2b-256, as in the approval statement
  friend bool operator==(const sequence_seen&, const sequence_seen&) = default;
};

// Remembers the highest approval sequence seen per sequence_scope, with the content digest it
// approved, so an older approval replayed after a newer one is refused (rollback), and so is
// another approval reusing the highest sequence for different bytes (an approver who signed two
// versions with one number cannot have a device switch back to the other). It refuses a sequence
// that jumps more than max_step beyond the last one seen (or, seen first, is above max_step): a
// sequence near 2^64 would otherwise leave no room for any later approval. Persist it with the
// player's state (to_json / from_json below).
class sequence_tracker {
 public:
  static constexpr std::uint64_t default_max_step = 1000;

  sequence_tracker() = default;
  explicit sequence_tracker(std::uint64_t max_step) : max_step_(max_step) {}

  std::uint64_t max_step() const noexcept { return max_step_; }

  std::optional<std::uint64_t> highest(const sequence_scope& k) const;

  // superseded: lower than the highest seen (rollback), or equal to it for other content;
  // out_of_range: too far ahead.
  result<void> check(const sequence_scope& k, std::uint64_t seq, std::string_view content_blake2b) const;

  // Records `seq` for `content_blake2b` when it is the highest seen in the scope (call check first).
  void record(const sequence_scope& k, std::uint64_t seq, std::string_view content_blake2b);

  const std::map<sequence_scope, sequence_seen>& all() const noexcept { return seen_; }

 private:
  std::uint64_t max_step_ = default_max_step;
  std::map<sequence_scope, sequence_seen> seen_;
};

inline constexpr std::string_view sequences_format = "pbgdpl/sequences/1";

// The tracker's state as JSON (a device or the CLI keeps it in a file between runs):
// {"format": "pbgdpl/sequences/1", "max_step": 1000, "seen": [{"authority", "approver_unit",
// "content_id", "sequence", "content_blake2b"}...]}.
PBGDPL_DECL void to_json(json& j, const sequence_tracker& t);

PBGDPL_DECL void from_json(const json& j, sequence_tracker& t);

// Approver roles in order of authority (0 for a role that does not approve): an authority may
// delegate its own level and those below, never above.
constexpr int approver_rank(role r) noexcept {
  switch (r) {
    case role::school_approver: return 1;
    case role::division_approver: return 2;
    case role::city_official: return 3;
    default: return 0;
  }
}

// What a pinned authority may delegate: approver roles up to `level`, for its own unit and the
// units below it. `parents` maps a unit id to its parent's; it comes from the operator (or the
// store) and need not be a tree: every walk up it is bounded by its size, so a cycle cannot loop,
// and a unit whose walk does not reach the authority is outside its scope.
struct authority_scope {
  role level = role::school_approver;
  std::map<std::string, std::string> parents;  // child unit id -> parent unit id

  // True when `u` is `authority` or lies below it in `parents`.
  bool contains(const unit_id& authority, const unit_id& u) const;
};

// The level a unit of kind `k` delegates at: the city and its departments city officials; a
// district, a commune or ward, or one of their offices (the education division until 30 June
// 2025, the office of culture and society since) division approvers; a school school approvers.
constexpr role approver_level(unit_kind k) noexcept {
  switch (k) {
    case unit_kind::city:
    case unit_kind::department: return role::city_official;
    case unit_kind::district:
    case unit_kind::district_office:
    case unit_kind::education_division:
    case unit_kind::commune:
    case unit_kind::ward:
    case unit_kind::commune_office: return role::division_approver;
    case unit_kind::school: return role::school_approver;
  }
  return role::school_approver;
}

// The scope of `authority` from the unit records (as the store holds them): its level from its
// kind, the parent links from every unit. not_found when the authority is not among them.
PBGDPL_DECL result<authority_scope> scope_of(const unit_id& authority, const std::vector<unit>& units);

// A delegation is held per (key id, authority): one authority can neither replace nor extend
// another's delegation of the same key.
struct delegation_key {
  std::string key_id;     // hex, as minisign prints it
  std::string authority;  // unit id of the delegating authority
  friend auto operator<=>(const delegation_key&, const delegation_key&) = default;
  friend bool operator==(const delegation_key&, const delegation_key&) = default;
};

class keyring {
 public:
  // Pins an authority's root key (the only keys trusted without a signature) with what it may
  // delegate. Pinning a different key for the authority drops the delegations the old key signed.
  void add_root(const unit_id& authority, const public_key& root, authority_scope scope);
  // The narrowest scope: school-approver delegations for the authority's own unit only.
  void add_root(const unit_id& authority, const public_key& root) { add_root(authority, root, authority_scope{}); }

  // Adds a delegation after checking it was signed by its authority's pinned root key and lies
  // within that authority's scope. Refuses, each with its own code: unknown_key (no root pinned for
  // the authority, or signed by another key), bad_signature, permission_denied (a role that does not
  // approve or is above the authority's level, a unit outside its subtree, a use the role may not
  // approve), revoked (the key is on a pinned authority's revocation list), conflict (this
  // authority already delegated another key with the same key id, or another delegation of this key
  // with the same sequence), superseded (the authority holds a newer delegation of this key).
  // Key ids are 8 bytes the key's holder chooses, so another authority's key may share the id:
  // that is no conflict (verification tries each key the id names).
  result<delegation> add_delegation(std::string_view signature_text);

  // Applies a signed revocation list from a pinned authority; an older list is superseded, another
  // list with the same sequence is a conflict (the identical list again is accepted). A list that
  // names a key id other than as 16 hex digits is refused whole (invalid_argument).
  result<revocation_list> apply_revocations(std::string_view body, std::string_view signature_text);

  // Verifies an approval of content with digest `d`. Refuses, each with its own code:
  // bad_signature (malformed or forged), unknown_key (no delegation), tampered (content changed),
  // revoked (by any pinned authority: a revocation only removes trust, so a key one authority
  // revoked is not trusted through another's delegation), expired / not_yet_valid (approval or
  // delegation), permission_denied (key not delegated for that unit or role), wrong_use,
  // superseded (lower sequence than seen, or the same sequence for other content: rollback),
  // out_of_range (sequence jumps beyond the tracker's window). Key ids are chosen by key holders,
  // so the signer is the delegated key, among those with the signature's key id, whose signature
  // over the trusted comment verifies. The delegations considered are that key's, by any
  // authority, for the unit and role the statement names; the approval is accepted under the
  // first whose period and uses allow it. The sequence counts per (authority, approver unit,
  // content id) and must pass in the scope of every such delegation (a refusal in one is final:
  // an old approval cannot be replayed under another authority's delegation of the same key). On
  // success the sequence is recorded in `seen`, when given, under each of those scopes.
  result<approval_statement> verify_approval(std::string_view signature_text, const content_digest& d,
                                             const verify_context& ctx, sequence_tracker* seen = nullptr) const;

  const std::map<delegation_key, delegation>& delegations() const noexcept { return delegations_; }
  // The delegation `authority` holds for the key `key_id` (hex), if any.
  const delegation* find_delegation(const unit_id& authority, std::string_view key_id) const;

 private:
  struct pinned {
    public_key key;
    authority_scope scope;
  };

  template <class T>
  static result<T> read_statement(const signature& s) {
    auto v = from_json_text_unique<T>(s.trusted_comment);
    if (!v)
      return error(errc::bad_signature, v.err().path, "Chú thích tin cậy không phải tài liệu pbgdpl hợp lệ: " + v.err().message_vi,
                   "The trusted comment is not a valid pbgdpl statement: " + v.err().message_en);
    return v;
  }

  // May the authority that signed `d` delegate it? (The signature was checked already.)
  static result<void> check_scope(const delegation& d, const authority_scope& sc);

  static sequence_scope sequence_scope_of(const delegation& dg, const approval_statement& st);

  // The checks that depend on the delegation the approval is read under (the sequence apart).
  static result<void> check_against(const delegation& dg, const approval_statement& st, const verify_context& ctx);

  // The authority whose held list revokes `key_id`, and the revocation (whatever its time).
  std::optional<std::pair<std::string, const revocation*>> revoked_anywhere(const std::string& key_id) const;

  // Revoked at `now` by any pinned authority's list.
  result<void> check_revoked(const std::string& key_id, timestamp now) const;

  std::map<std::string, pinned> roots_;
  std::map<delegation_key, delegation> delegations_;
  std::map<std::string, std::optional<revocation_list>> revocations_;
};

}  // namespace trust

// Compiled mode: decoding, encoding and checking a statement is instantiated once, in the library.
PBGDPL_MODEL_EXTERN(trust::approval_statement)

PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/approval.ipp"
#endif
