// Bodies of trust/approval.hpp (statements and their JSON, the sequence tracker, the keyring):
// compiled once into the trust tier (src/trust/approval.cpp), or included by the header in
// header-only builds.
#pragma once
#include "../approval.hpp"

#include <algorithm>
#include <set>
#include <type_traits>

PBGDPL_NAMESPACE_BEGIN
namespace trust {

namespace detail {
// True for the describe() visitor that reads JSON (the fields that need converting on the way in).
template <class V>
inline constexpr bool reading = std::is_same_v<V, model_io::reader>;
}  // namespace detail

// One field list per type drives both JSON directions (model/common.hpp's describe()). The bytes
// are those the hand-written encoders made (tests/unit/trust/test_trust_encoding.cpp pins them).
template <class V>
void describe(V& f, approval_statement& s) {
  using model_io::need;
  describe_format(f, approval_format);
  f("id", s.id, need::required, model_io::short_text);
  f("content_id", s.content_id, need::required, model_io::short_text);
  f("content_blake2b", s.content_blake2b, need::required, model_io::short_text);
  f("approver_unit", s.approver_unit, need::required);
  f("approver_role", s.approver_role, need::required);
  f("key_id", s.key_id, need::required, model_io::short_text);
  f("use", s.use, need::required);
  f("valid_from", s.valid_from, need::required);
  f("valid_until", s.valid_until, need::required);
  f("sequence", s.sequence, need::required);
}
PBGDPL_MODEL_DEFINE(approval_statement)

namespace detail {
// A key name fit to quote in an error: control characters blanked, at most 64 bytes.
PBGDPL_DECL std::string quotable(std::string_view s) {
  std::string out(s.substr(0, 64));
  for (auto& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  return out;
}
}  // namespace detail

PBGDPL_DECL result<json> parse_json_unique_keys(std::string_view s) {
  if (s.size() > PBGDPL_MAX_JSON_BYTES) return error(errc::too_large, {}, "Tài liệu JSON quá lớn", "JSON document too large");
  if (json_io::nesting_depth(s) > PBGDPL_MAX_JSON_DEPTH)
    return error(errc::too_large, {}, "JSON lồng nhau quá sâu", "JSON nested too deeply");
  std::vector<std::set<std::string>> open;  // the keys seen in each object being parsed
  std::optional<std::string> repeated;
  json::parser_callback_t cb = [&](int, json::parse_event_t ev, json& parsed) {
    switch (ev) {
      case json::parse_event_t::object_start: open.emplace_back(); break;
      case json::parse_event_t::object_end:
        if (!open.empty()) open.pop_back();
        break;
      case json::parse_event_t::key:
        if (!open.empty() && parsed.is_string() && !open.back().insert(parsed.get<std::string>()).second && !repeated)
          repeated = parsed.get<std::string>();
        break;
      default: break;
    }
    return true;
  };
  try {
    json j = json::parse(s.begin(), s.end(), cb);
    if (repeated)
      return error(errc::parse_error, {}, "Khóa JSON bị lặp lại: \"" + detail::quotable(*repeated) + "\" (tài liệu có chữ ký phải rõ nghĩa)",
                   "Duplicate JSON key: \"" + detail::quotable(*repeated) + "\" (a signed document must be unambiguous)");
    return j;
  } catch (const json::parse_error& e) {
    return error(errc::parse_error, {}, "JSON không hợp lệ (vị trí byte " + std::to_string(e.byte) + ")",
                 std::string("Malformed JSON: ") + e.what());
  } catch (const json::exception& e) {
    return error(errc::parse_error, {}, "JSON không hợp lệ", std::string("Malformed JSON: ") + e.what());
  } catch (const std::bad_alloc&) {
    return error(errc::too_large);
  }
}

PBGDPL_DECL std::optional<std::string> normalise_key_id(std::string_view s) {
  if (s.size() != 16) return std::nullopt;
  std::string out(s);
  for (auto& c : out) {
    if (c >= 'a' && c <= 'f') c = static_cast<char>(c - 'a' + 'A');
    else if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'))) return std::nullopt;
  }
  return out;
}

PBGDPL_DECL bool same_key_id(std::string_view a, std::string_view b) {
  auto x = normalise_key_id(a), y = normalise_key_id(b);
  return x && y && *x == *y;
}

PBGDPL_DECL void validate(const approval_statement& s, validator& v) {
  v.required_text(s.content_id, "/content_id", "Mã nội dung", "Content id");
  v.check(s.content_blake2b.size() == 64 && from_hex(s.content_blake2b).has_value(), "/content_blake2b",
          errc::invalid_argument, "Cần mã băm BLAKE2b-256 (64 chữ số hex)", "Needs a BLAKE2b-256 digest (64 hex digits)");
  v.check(s.valid_from < s.valid_until, "/valid_until", errc::invalid_argument,
          "Thời hạn phải sau thời điểm bắt đầu", "valid_until must be after valid_from");
  v.check(is_approver_role(s.approver_role), "/approver_role", errc::permission_denied,
          "Vai trò này không được phê duyệt", "This role cannot approve");
  if (is_approver_role(s.approver_role))
    v.check(role_may_approve(s.approver_role, s.use), "/use", errc::permission_denied,
            "Vai trò " + std::string(to_string(s.approver_role)) + " không được phê duyệt cho mục đích " +
                std::string(to_string(s.use)),
            "Role " + std::string(to_string(s.approver_role)) + " may not approve for use " + std::string(to_string(s.use)));
}

PBGDPL_DECL approval_record to_record(const approval_statement& s, std::string signature_text) {
  approval_record r;
  r.id = approval_id{s.id};
  r.content_id = s.content_id;
  r.content_blake2b = s.content_blake2b;
  r.approver_unit = s.approver_unit;
  r.approver_role = s.approver_role;
  r.key_id = s.key_id;
  for (auto& c : r.key_id) c = static_cast<char>(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
  r.use = s.use;
  r.valid_from = s.valid_from;
  r.valid_until = s.valid_until;
  r.sequence = s.sequence;
  r.signature = std::move(signature_text);
  return r;
}

PBGDPL_DECL content_digest digest_content(std::string_view content) {
  return {blake2b_512(content), blake2b_256(content)};
}

PBGDPL_DECL result<content_digest> digest_file(const std::filesystem::path& p, const read_options& opt) {
  blake2b h512(64), h256(32);
  auto n = stream_file(p, [&](std::span<const std::uint8_t> b) { h512.update(b), h256.update(b); }, opt);
  if (!n) return n.err();
  return content_digest{to_array<64>(h512.final()), to_array<32>(h256.final())};
}

PBGDPL_DECL std::string detail::compact(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::strict); }

PBGDPL_DECL result<signature> sign_approval(const secret_key& key, approval_statement s, const content_digest& d) {
  s.key_id = key.id().hex();
  s.content_blake2b = to_hex(d.b256);
  if (auto r = check(s); !r) return r.err();
  return catch_result([&] { return sign_prehashed(key, d.b512, detail::compact(to_json_value(s)), "pbgdpl approval " + s.id); });
}

template <class V>
void describe(V& f, delegation& d) {
  using model_io::need;
  describe_format(f, delegation_format);
  f("authority", d.authority, need::required);
  // The key travels as minisign's base64 line (public_key::base64), and is parsed on the way in.
  std::string key = detail::reading<V> ? std::string() : d.key.base64();
  f("key", key, need::required, model_io::short_text);
  if constexpr (detail::reading<V>) {
    auto pk = public_key::parse(key);
    if (!pk) throw exception(pk.err());
    d.key = *pk;
  }
  f("unit", d.unit, need::required);
  f("approver_role", d.approver_role, need::required);
  f("uses", d.uses, need::required);
  f("valid_from", d.valid_from, need::required);
  f("valid_until", d.valid_until, need::required);
  f("sequence", d.sequence, need::required);
}
PBGDPL_MODEL_DEFINE(delegation)

PBGDPL_DECL signature sign_delegation(const secret_key& root, const delegation& d) {
  return sign(root, d.key.to_file(), detail::compact(to_json_value(d)), "pbgdpl delegation to key " + d.key.id.hex());
}

template <class V>
void describe(V& f, revocation& r) {
  using model_io::need;
  f("key_id", r.key_id, need::required, model_io::short_text);
  if constexpr (detail::reading<V>) {
    // A revocation that names its key in any other spelling would silently revoke nothing, so the
    // whole list is refused instead (no trimming: " 0123..." is refused too).
    auto id = normalise_key_id(r.key_id);
    if (!id)
      json_io::at_path("key_id", [] {
        json_io::fail(errc::invalid_argument,
                      "Mã khóa bị thu hồi phải gồm đúng 16 chữ số hex, không có khoảng trắng: danh sách thu hồi bị từ chối",
                      "A revoked key id must be exactly 16 hex digits with nothing around them: the revocation list is refused");
      });
    r.key_id = *id;
  }
  f("since", r.since, need::required);
  f("reason", r.reason, need::optional, model_io::short_text);
}
PBGDPL_MODEL_DEFINE(revocation)

template <class V>
void describe(V& f, revocation_list& l) {
  using model_io::need;
  describe_format(f, revocations_format);
  f("authority", l.authority, need::required);
  f("sequence", l.sequence, need::required);
  f("issued_at", l.issued_at, need::required);
  f("revoked", l.revoked, need::required);
}
PBGDPL_MODEL_DEFINE(revocation_list)

PBGDPL_DECL signed_revocation_list sign_revocations(const secret_key& root, const revocation_list& l) {
  auto body = to_json_value(l).dump(2) + "\n";
  auto tc = "pbgdpl revocations authority:" + l.authority.value + " sequence:" + std::to_string(l.sequence);
  return {body, sign(root, body, tc, "pbgdpl revocation list")};
}

namespace detail {
// One remembered sequence: {"authority", "approver_unit", "content_id", "sequence", "content_blake2b"}.
template <class V>
void describe_seen(V& f, sequence_scope& k, sequence_seen& v) {
  using model_io::need;
  f("authority", k.authority, need::required, model_io::short_text);
  f("approver_unit", k.approver_unit, need::required, model_io::short_text);
  f("content_id", k.content_id, need::required, model_io::short_text);
  f("sequence", v.sequence, need::required);
  f("content_blake2b", v.content_blake2b, need::required, model_io::short_text);
}
}  // namespace detail

PBGDPL_DECL void to_json(json& j, const sequence_tracker& t) {
  j = json::object();
  model_io::writer w{j};
  describe_format(w, sequences_format);
  auto max_step = t.max_step();
  w("max_step", max_step);
  json seen = json::array();
  for (const auto& [key, seen_value] : t.all()) {
    sequence_scope k = key;
    sequence_seen v = seen_value;
    json e = json::object();
    model_io::writer we{e};
    detail::describe_seen(we, k, v);
    seen.push_back(std::move(e));
  }
  j["seen"] = std::move(seen);
}

PBGDPL_DECL void from_json(const json& j, sequence_tracker& t) {
  model_io::reader r{j};
  describe_format(r, sequences_format);
  std::uint64_t max_step = sequence_tracker::default_max_step;
  r("max_step", max_step, model_io::need::required);
  t = sequence_tracker(max_step);
  if (!j.contains("seen") || !j.at("seen").is_array())
    json_io::at_path("seen", [] { json_io::fail(errc::wrong_type, "Cần một mảng", "Expected an array"); });
  const json& seen = j.at("seen");
  for (std::size_t i = 0; i < seen.size(); ++i)
    json_io::at_path("seen", [&] {
      json_io::at_path(std::to_string(i), [&] {
        const json& e = seen[i];
        if (!e.is_object()) json_io::fail(errc::wrong_type, "Cần một đối tượng", "Expected an object");
        sequence_scope k;
        sequence_seen v;
        model_io::reader re{e};
        detail::describe_seen(re, k, v);
        if (v.content_blake2b.size() != 64 || !from_hex(v.content_blake2b))
          json_io::at_path("content_blake2b", [] {
            json_io::fail(errc::invalid_argument, "Cần mã băm BLAKE2b-256 (64 chữ số hex)",
                          "Needs a BLAKE2b-256 digest (64 hex digits)");
          });
        t.record(k, v.sequence, v.content_blake2b);
      });
    });
}

PBGDPL_DECL result<authority_scope> scope_of(const unit_id& authority, const std::vector<unit>& units) {
  authority_scope sc;
  bool found = false;
  for (const auto& u : units) {
    if (u.id == authority) {
      sc.level = approver_level(u.kind);
      found = true;
    }
    if (u.parent) sc.parents[u.id.value] = u.parent->value;
  }
  if (!found)
    return error(errc::not_found, {}, "Không có đơn vị " + authority.value + " trong danh sách đơn vị",
                 "Unit " + authority.value + " is not among the units given");
  return sc;
}

PBGDPL_DECL std::optional<std::uint64_t> sequence_tracker::highest(const sequence_scope& k) const {
  auto it = seen_.find(k);
  if (it == seen_.end()) return std::nullopt;
  return it->second.sequence;
}

PBGDPL_DECL result<void> sequence_tracker::check(const sequence_scope& k, std::uint64_t seq, std::string_view content_blake2b) const {
  auto it = seen_.find(k);
  const sequence_seen* h = it == seen_.end() ? nullptr : &it->second;
  if (h && seq < h->sequence)
    return error(errc::superseded, "/sequence",
                 "Phê duyệt số " + std::to_string(seq) + " cũ hơn phê duyệt số " + std::to_string(h->sequence) + " đã thấy",
                 "Approval sequence " + std::to_string(seq) + " is older than " + std::to_string(h->sequence) +
                     " already seen (rollback)");
  if (h && seq == h->sequence && h->content_blake2b != content_blake2b)
    return error(errc::superseded, "/sequence",
                 "Phê duyệt số " + std::to_string(seq) + " đã được thấy cho một nội dung khác (quay lui hoặc dùng lại số thứ tự)",
                 "Approval sequence " + std::to_string(seq) +
                     " was already seen for other content (rollback or a reused sequence number)");
  const std::uint64_t base = h ? h->sequence : 0;
  if (seq > base && seq - base > max_step_)
    return error(errc::out_of_range, "/sequence",
                 "Số thứ tự phê duyệt " + std::to_string(seq) + " vượt quá " + std::to_string(max_step_) +
                     " so với số " + std::to_string(base) + (h ? " đã thấy" : " (lần đầu)"),
                 "Approval sequence " + std::to_string(seq) + " jumps more than " + std::to_string(max_step_) +
                     " beyond " + std::to_string(base) + (h ? " already seen" : " (first seen)"));
  return {};
}

PBGDPL_DECL void sequence_tracker::record(const sequence_scope& k, std::uint64_t seq, std::string_view content_blake2b) {
  auto [it, fresh] = seen_.try_emplace(k, sequence_seen{seq, std::string(content_blake2b)});
  if (!fresh && seq > it->second.sequence) it->second = sequence_seen{seq, std::string(content_blake2b)};
}

PBGDPL_DECL bool authority_scope::contains(const unit_id& authority, const unit_id& u) const {
  const std::string* cur = &u.value;
  for (std::size_t steps = 0; steps <= parents.size(); ++steps) {
    if (*cur == authority.value) return true;
    auto it = parents.find(*cur);
    if (it == parents.end()) return false;
    cur = &it->second;
  }
  return false;  // walked as many links as there are: a cycle that never meets the authority
}

PBGDPL_DECL void keyring::add_root(const unit_id& authority, const public_key& root, authority_scope scope) {
  auto it = roots_.find(authority.value);
  if (it != roots_.end() && !(it->second.key == root))
    std::erase_if(delegations_, [&](const auto& kv) { return kv.first.authority == authority.value; });
  roots_[authority.value] = pinned{root, std::move(scope)};
}

PBGDPL_DECL result<delegation> keyring::add_delegation(std::string_view signature_text) {
  auto s = signature::parse(signature_text);
  if (!s) return s.err();
  auto d = read_statement<delegation>(*s);
  if (!d) return d.err();
  auto root = roots_.find(d->authority.value);
  if (root == roots_.end())
    return error(errc::unknown_key, {}, "Không có khóa gốc của đơn vị " + d->authority.value,
                 "No root key for authority " + d->authority.value);
  if (auto r = verify(root->second.key, *s, d->key.to_file(), false); !r) return r.err();
  if (auto r = check_scope(*d, root->second.scope); !r) return r.err();
  const auto key = d->key.id.hex();
  if (auto r = revoked_anywhere(key); r)
    return error(errc::revoked, {},
                 "Khóa " + key + " đã bị đơn vị " + r->first + " thu hồi: không thể ủy quyền lại",
                 "Key " + key + " was revoked by " + r->first + ": it cannot be delegated again");
  auto it = delegations_.find({key, d->authority.value});
  if (it != delegations_.end()) {
    if (!(it->second.key == d->key))
      return error(errc::conflict, {},
                   "Đơn vị " + d->authority.value + " đã ủy quyền một khóa khác có cùng mã khóa " + key,
                   "Authority " + d->authority.value + " already delegated another key with key id " + key);
    if (it->second.sequence > d->sequence)
      return error(errc::superseded, {}, "Đã có ủy quyền mới hơn cho khóa này", "A newer delegation of this key is held");
    if (it->second.sequence == d->sequence && !(it->second == *d))
      return error(errc::conflict, {},
                   "Đã có một ủy quyền khác cho khóa này với cùng số thứ tự " + std::to_string(d->sequence),
                   "Another delegation of this key with the same sequence " + std::to_string(d->sequence) + " is held");
  }
  delegations_[{key, d->authority.value}] = *d;
  return *d;
}

PBGDPL_DECL result<revocation_list> keyring::apply_revocations(std::string_view body, std::string_view signature_text) {
  auto s = signature::parse(signature_text);
  if (!s) return s.err();
  auto l = from_json_text_unique<revocation_list>(body);
  if (!l) return l.err();
  auto root = roots_.find(l->authority.value);
  if (root == roots_.end())
    return error(errc::unknown_key, {}, "Không có khóa gốc của đơn vị " + l->authority.value,
                 "No root key for authority " + l->authority.value);
  if (auto r = verify(root->second.key, *s, body, false); !r) return r.err();
  auto& held = revocations_[l->authority.value];
  if (held && held->sequence > l->sequence)
    return error(errc::superseded, {}, "Danh sách thu hồi cũ hơn danh sách đang có",
                 "This revocation list is older than the one held");
  // Same sequence, other content: an older list re-signed with the number must not undo a
  // revocation (nor may a list be swapped for another at one number).
  if (held && held->sequence == l->sequence && !(*held == *l))
    return error(errc::conflict, {},
                 "Đã có một danh sách thu hồi khác với cùng số thứ tự " + std::to_string(l->sequence),
                 "Another revocation list with the same sequence " + std::to_string(l->sequence) + " is held");
  held = *l;
  return *l;
}

PBGDPL_DECL result<approval_statement> keyring::verify_approval(std::string_view signature_text, const content_digest& d, const verify_context& ctx, sequence_tracker* seen) const {
  auto s = signature::parse(signature_text);
  if (!s) return s.err();
  const auto key = s->id.hex();
  auto first = delegations_.lower_bound({key, {}});
  auto same_id = [&](auto it) { return it != delegations_.end() && it->first.key_id == key; };
  if (!same_id(first))
    return error(errc::unknown_key, {}, "Khóa " + key + " không được ủy quyền phê duyệt",
                 "Key " + key + " has no delegation to approve");
  const public_key* pk = nullptr;
  std::optional<error> comment_refusal;
  for (auto it = first; same_id(it) && !pk; ++it) {
    if (auto r = detail::verify_comment(it->second.key, *s); r) pk = &it->second.key;
    else if (!comment_refusal) comment_refusal = r.err();
  }
  if (!pk) return *comment_refusal;
  auto st = read_statement<approval_statement>(*s);
  if (!st) return st.err();
  if (st->key_id != key)
    return error(errc::bad_signature, "/key_id", "Mã khóa trong phê duyệt không khớp chữ ký",
                 "The statement's key id does not match the signature");
  if (auto r = verify_prehashed(*pk, *s, d.b512); !r) return r.err();
  if (st->content_blake2b != to_hex(d.b256))
    return error(errc::tampered, "/content_blake2b", "Mã băm nội dung không khớp phê duyệt",
                 "The content digest does not match the approval");
  if (auto r = check_revoked(key, ctx.now); !r) return r.err();
  std::vector<const delegation*> matching;
  for (auto it = first; same_id(it); ++it)
    if (it->second.key == *pk && st->approver_unit == it->second.unit && st->approver_role == it->second.approver_role)
      matching.push_back(&it->second);
  std::optional<error> refusal;
  const delegation* accepted = nullptr;
  for (const delegation* dg : matching) {
    auto r = check_against(*dg, *st, ctx);
    if (r) {
      accepted = dg;
      break;
    }
    if (!refusal) refusal = r.err();
  }
  if (!accepted) {
    if (refusal) return *refusal;
    return error(errc::permission_denied, {}, "Khóa không được ủy quyền cho đơn vị hoặc vai trò này",
                 "The key is not delegated for this unit or role");
  }
  if (seen) {
    for (const delegation* dg : matching)
      if (auto r = seen->check(sequence_scope_of(*dg, *st), st->sequence, st->content_blake2b); !r) return r.err();
    for (const delegation* dg : matching) seen->record(sequence_scope_of(*dg, *st), st->sequence, st->content_blake2b);
  }
  return *st;
}

PBGDPL_DECL const delegation* keyring::find_delegation(const unit_id& authority, std::string_view key_id) const {
  auto it = delegations_.find({std::string(key_id), authority.value});
  return it == delegations_.end() ? nullptr : &it->second;
}

PBGDPL_DECL result<void> keyring::check_scope(const delegation& d, const authority_scope& sc) {
  const std::string who = d.authority.value, r = std::string(to_string(d.approver_role));
  if (!is_approver_role(d.approver_role))
    return error(errc::permission_denied, "/approver_role", "Vai trò " + r + " không được phê duyệt nội dung",
                 "Role " + r + " may not approve content");
  if (approver_rank(d.approver_role) > approver_rank(sc.level))
    return error(errc::permission_denied, "/approver_role",
                 "Đơn vị " + who + " không được ủy quyền vai trò " + r + ", cao hơn cấp của mình (" +
                     std::string(to_string(sc.level)) + ")",
                 "Authority " + who + " may not delegate role " + r + ", above its own level (" +
                     std::string(to_string(sc.level)) + ")");
  if (!sc.contains(d.authority, d.unit))
    return error(errc::permission_denied, "/unit",
                 "Đơn vị " + d.unit.value + " không thuộc phạm vi của " + who,
                 "Unit " + d.unit.value + " is not under authority " + who);
  for (auto u : d.uses)
    if (!role_may_approve(d.approver_role, u))
      return error(errc::permission_denied, "/uses",
                   "Vai trò " + r + " không được phê duyệt cho mục đích " + std::string(to_string(u)),
                   "Role " + r + " may not approve for use " + std::string(to_string(u)));
  return {};
}

PBGDPL_DECL sequence_scope keyring::sequence_scope_of(const delegation& dg, const approval_statement& st) {
  return {dg.authority.value, st.approver_unit.value, st.content_id};
}

PBGDPL_DECL result<void> keyring::check_against(const delegation& dg, const approval_statement& st, const verify_context& ctx) {
  if (ctx.now < dg.valid_from)
    return error(errc::not_yet_valid, {}, "Ủy quyền của khóa phê duyệt chưa có hiệu lực",
                 "The approver key's delegation is not valid yet");
  if (ctx.now >= dg.valid_until)
    return error(errc::expired, {}, "Ủy quyền của khóa phê duyệt đã hết hạn", "The approver key's delegation has expired");
  if (!is_approver_role(st.approver_role))
    return error(errc::permission_denied, {}, "Khóa không được ủy quyền cho đơn vị hoặc vai trò này",
                 "The key is not delegated for this unit or role");
  if (ctx.now < st.valid_from)
    return error(errc::not_yet_valid, {}, "Phê duyệt chưa có hiệu lực (từ " + format_timestamp(st.valid_from) + ")",
                 "The approval is not valid yet (from " + format_timestamp(st.valid_from) + ")");
  if (ctx.now >= st.valid_until)
    return error(errc::expired, {}, "Phê duyệt đã hết hạn lúc " + format_timestamp(st.valid_until),
                 "The approval expired at " + format_timestamp(st.valid_until));
  bool delegated_use = std::find(dg.uses.begin(), dg.uses.end(), st.use) != dg.uses.end();
  if (st.use != ctx.use || !delegated_use)
    return error(errc::wrong_use, {}, "Nội dung không được phê duyệt cho mục đích " + std::string(to_string(ctx.use)),
                 "The content is not approved for use " + std::string(to_string(ctx.use)));
  if (!role_may_approve(st.approver_role, st.use))
    return error(errc::permission_denied, {},
                 "Vai trò " + std::string(to_string(st.approver_role)) + " không được phê duyệt cho mục đích " +
                     std::string(to_string(st.use)),
                 "Role " + std::string(to_string(st.approver_role)) + " may not approve for use " +
                     std::string(to_string(st.use)));
  return {};
}

PBGDPL_DECL std::optional<std::pair<std::string, const revocation*>> keyring::revoked_anywhere(const std::string& key_id) const {
  for (const auto& [authority, list] : revocations_)
    if (list)
      for (const auto& r : list->revoked)
        if (same_key_id(r.key_id, key_id)) return std::pair<std::string, const revocation*>{authority, &r};
  return std::nullopt;
}

PBGDPL_DECL result<void> keyring::check_revoked(const std::string& key_id, timestamp now) const {
  for (const auto& [authority, list] : revocations_) {
    if (!list) continue;
    for (const auto& r : list->revoked)
      if (same_key_id(r.key_id, key_id) && now >= r.since)
        return error(errc::revoked, {}, "Khóa " + r.key_id + " đã bị thu hồi" + (r.reason.empty() ? "" : ": " + r.reason),
                     "Key " + r.key_id + " was revoked" + (r.reason.empty() ? "" : ": " + r.reason));
  }
  return {};
}

}  // namespace trust

PBGDPL_MODEL_INSTANTIATE(trust::approval_statement)

PBGDPL_NAMESPACE_END
