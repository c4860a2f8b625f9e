// Definitions for signage/manifest.hpp (inline in header-only mode, compiled once from
// src/signage/manifest.cpp).
#pragma once
#include "../manifest.hpp"

#include <algorithm>
#include <optional>
#include <set>
#include <type_traits>

PBGDPL_NAMESPACE_BEGIN
namespace signage {

namespace detail {
template <class V>
inline constexpr bool reading = std::is_same_v<V, model_io::reader>;

// The keyring verify_item needs, built once per verified manifest for the pinned key it was built
// with. A revocation list that does not apply leaves `failure` set: legal items are then refused
// (fail closed: what the list revokes is unknown). A delegation that does not add is left out,
// and kept in `refused` to explain an approval whose key then has no delegation.
struct manifest_keyring {
  trust::public_key authority;
  trust::keyring ring;
  std::optional<error> failure;
  std::vector<error> refused;
};
}  // namespace detail

template <class V>
void describe(V& f, manifest_item& x) {
  using model_io::need;
  using model_io::short_text;
  f("media", x.media, need::required, short_text);
  f("title", x.title, need::optional, short_text);
  f("blake2b", x.blake2b, need::required, short_text);
  f("size", x.size, need::required);
  f("media_type", x.media_type, need::required, short_text);
  f("duration_seconds", x.duration_seconds, need::required);
  f("zone", x.zone, need::optional, short_text);
  f("legal", x.legal, need::required);
  // A .minisig text: four lines, its trusted comment up to minisign's 8 KiB.
  f("approval", x.approval, need::optional, model_io::long_text);
}
PBGDPL_MODEL_DEFINE(manifest_item)

template <class V>
void describe(V& f, manifest_playlist& x) {
  using model_io::need;
  using model_io::short_text;
  f("id", x.id, need::required, short_text);
  f("name", x.name, need::optional, short_text);
  f("layout", x.layout, need::optional, short_text);
  f("ticker", x.ticker, need::optional, short_text);
  f("items", x.items, need::required);
}
PBGDPL_MODEL_DEFINE(manifest_playlist)

template <class V>
void describe(V& f, manifest& x) {
  using model_io::need;
  using model_io::short_text;
  trust::describe_format(f, manifest_format, "Định dạng bản kê phát", "signage manifest format");
  f("display", x.display, need::required, short_text);
  f("unit", x.unit, need::required, short_text);
  f("authority", x.authority, need::required, short_text);
  f("sequence", x.sequence, need::required);
  f("issued_at", x.issued_at, need::required);
  f("expires_at", x.expires_at, need::required);
  f("time_zone", x.time_zone, need::required, short_text);
  f("use", x.use, need::required);
  f("width", x.width, need::required);
  f("height", x.height, need::required);
  f("layouts", x.layouts, need::required);
  f("playlists", x.playlists, need::required);
  f("entries", x.entries, need::required);
  f("delegations", x.delegations, need::required, model_io::long_text);
  // The unit tree travels as one object {"child": "parent"}; json_io has no map, so it goes
  // through a json value both ways.
  json units = json::object();
  if constexpr (!detail::reading<V>)
    for (const auto& [child, parent] : x.units) units[child] = parent;
  f("units", units, need::required);
  if constexpr (detail::reading<V>) {
    json_io::at_path("units", [&] {
      if (!units.is_object()) json_io::wrong_type(units, "đối tượng", "object");
      if (units.size() > manifest_limits::units)
        json_io::fail(errc::too_large, "Quá nhiều đơn vị trong bản kê", "Too many units in the manifest");
      for (auto it = units.begin(); it != units.end(); ++it)
        json_io::at_path(it.key(), [&] {
          x.units[it.key()] = json_io::read_string(it.value(), model_io::short_text);
        });
    });
  }
  f("revocations", x.revocations, need::optional, model_io::long_text);
  f("revocations_signature", x.revocations_signature, need::optional, model_io::long_text);
}
PBGDPL_MODEL_DEFINE(manifest)

PBGDPL_DECL std::size_t item_count(const manifest& m) noexcept {
  std::size_t n = 0;
  for (const auto& p : m.playlists) n += p.items.size();
  return n;
}

namespace detail {
inline void check_id(validator& v, const std::string& s, const std::string& path, std::string_view vi, std::string_view en) {
  if (s.empty()) v.add(path, errc::missing_field, rules::cat(vi, " không được để trống"), rules::cat(en, " must not be empty"));
  else if (!is_valid_id(s))
    v.add(path, errc::invalid_argument, rules::cat(vi, " chỉ gồm chữ, số, '.', '_' hoặc '-' (tối đa 64 ký tự)"),
          rules::cat(en, " must be 1-64 characters of letters, digits, '.', '_' or '-'"));
}
}  // namespace detail

PBGDPL_DECL void validate(const manifest& m, validator& v) {
  const auto items = item_count(m);
  if (items > manifest_limits::items)
    v.add("/playlists", errc::too_large,
          "Bản kê có " + std::to_string(items) + " mục, quá giới hạn " + std::to_string(manifest_limits::items),
          "The manifest has " + std::to_string(items) + " items, over the limit of " + std::to_string(manifest_limits::items));
  if (m.delegations.size() > manifest_limits::delegations)
    v.add("/delegations", errc::too_large,
          "Bản kê có " + std::to_string(m.delegations.size()) + " ủy quyền, quá giới hạn " +
              std::to_string(manifest_limits::delegations),
          "The manifest has " + std::to_string(m.delegations.size()) + " delegations, over the limit of " +
              std::to_string(manifest_limits::delegations));
  if (m.units.size() > manifest_limits::units)
    v.add("/units", errc::too_large, "Quá nhiều đơn vị trong bản kê", "Too many units in the manifest");
  if (!v.ok()) return;  // the rest would cost as much as the input is too large
  detail::check_id(v, m.display, "/display", "Mã màn hình", "Display id");
  detail::check_id(v, m.unit, "/unit", "Mã đơn vị", "Unit id");
  detail::check_id(v, m.authority, "/authority", "Đơn vị ký", "Signing authority");
  rules::time_set(v, m.issued_at, "/issued_at", "Thời điểm lập bản kê", "The issue time");
  rules::not_before(v, m.expires_at, m.issued_at, "/expires_at", "Thời hạn phải sau thời điểm lập bản kê",
                    "expires_at must be after issued_at", true);
  rules::text(v, m.time_zone, "/time_zone", "Múi giờ", "Time zone", true);
  rules::known(v, m.use, "/use");
  v.check(m.width > 0 && m.height > 0, "/width", errc::out_of_range, "Kích thước màn hình phải lớn hơn 0",
          "The screen size must be above 0");
  for (std::size_t i = 0; i < m.layouts.size(); ++i) v.nested("/layouts/" + std::to_string(i), [&] { validate(m.layouts[i], v); });
  for (std::size_t i = 0; i < m.entries.size(); ++i) v.nested("/entries/" + std::to_string(i), [&] { validate(m.entries[i], v); });
  std::set<std::string_view> playlist_ids;  // a set, not rules::unique_at: thousands of playlists stay linear-ish
  for (std::size_t p = 0; p < m.playlists.size(); ++p) {
    const auto& pl = m.playlists[p];
    const std::string at = "/playlists/" + std::to_string(p);
    detail::check_id(v, pl.id, at + "/id", "Mã danh sách phát", "Playlist id");
    v.check(playlist_ids.insert(pl.id).second, at + "/id", errc::already_exists, "Mã danh sách phát bị trùng",
            "Duplicate playlist id");
    for (std::size_t i = 0; i < pl.items.size(); ++i) {
      const auto& it = pl.items[i];
      const std::string ai = at + "/items/" + std::to_string(i);
      detail::check_id(v, it.media, ai + "/media", "Mã tệp", "Media id");
      rules::blake2b(v, it.blake2b, ai + "/blake2b");
      rules::text(v, it.media_type, ai + "/media_type", "Kiểu tệp", "Media type", true);
      v.check(it.duration_seconds > 0, ai + "/duration_seconds", errc::out_of_range, "Thời lượng phải lớn hơn 0 giây",
              "The duration must be above 0 seconds");
    }
  }
  for (const auto& [child, parent] : m.units) {
    detail::check_id(v, child, "/units", "Mã đơn vị", "Unit id");
    detail::check_id(v, parent, "/units/" + json_io::pointer_token(child), "Mã đơn vị cấp trên", "Parent unit id");
  }
}

template <class V>
void describe(V& f, manifest_comment& c) {
  using model_io::need;
  trust::describe_format(f, manifest_format, "Định dạng bản kê phát", "signage manifest format");
  f("display", c.display, need::required, model_io::short_text);
  f("sequence", c.sequence, need::required);
  f("expires_at", c.expires_at, need::required);
  f("body_blake2b", c.body_blake2b, need::required, model_io::short_text);
}
PBGDPL_MODEL_DEFINE(manifest_comment)

template <class V>
void describe(V& f, trust_state& s) {
  using model_io::need;
  trust::describe_format(f, trust_state_format, "Trạng thái tin cậy", "signage trust state");
  f("last_sequence", s.last_sequence, need::required);
  f("last_body_blake2b", s.last_body_blake2b, need::optional, model_io::short_text);
  f("latest_time_seen", s.latest_time_seen, need::required);
  f("approvals", s.approvals, need::required);
}
PBGDPL_MODEL_DEFINE(trust_state)

PBGDPL_DECL std::string manifest_text(const manifest& m) {
  try {
    return to_json_value(m).dump(2, ' ', false, json::error_handler_t::strict) + "\n";
  } catch (const json::type_error&) {
    throw_error(error(errc::invalid_utf8, {}, "Bản kê chứa văn bản không phải UTF-8", "The manifest holds text that is not UTF-8"));
  }
}

PBGDPL_DECL signed_manifest sign_manifest(const trust::secret_key& authority, const manifest& m) {
  if (auto r = check(m); !r) throw_error(r.err());
  signed_manifest out;
  out.body = manifest_text(m);
  manifest_comment c{m.display, m.sequence, m.expires_at, trust::to_hex(trust::blake2b_256(out.body))};
  const auto comment = trust::detail::compact(to_json_value(c));
  out.signature = trust::sign(authority, out.body, comment,
                              "pbgdpl signage manifest " + m.display + " sequence " + std::to_string(m.sequence))
                      .to_text();
  return out;
}

PBGDPL_DECL std::string to_wire(const signed_manifest& s) {
  json j = json::object();
  j["manifest"] = s.body;
  j["signature"] = s.signature;
  return j.dump(-1, ' ', false, json::error_handler_t::strict);
}

PBGDPL_DECL result<signed_manifest> from_wire(std::string_view json_text) {
  auto j = trust::parse_json_unique_keys(json_text);
  if (!j) return j.err();
  if (!j->is_object())
    return error(errc::wrong_type, {}, "Bản kê phải là một đối tượng JSON", "A signed manifest is a JSON object");
  signed_manifest s;
  for (auto [key, out] : {std::pair{"manifest", &s.body}, std::pair{"signature", &s.signature}}) {
    auto it = j->find(key);
    if (it == j->end())
      return error(errc::missing_field, "/" + std::string(key), "Thiếu thông tin bắt buộc \"" + std::string(key) + "\"",
                   "Missing required field \"" + std::string(key) + "\"");
    if (!it->is_string()) return error(errc::wrong_type, "/" + std::string(key), "Cần một chuỗi", "Expected a string");
    *out = it->get<std::string>();  // not normalised: these are the signed bytes
  }
  if (s.body.size() > manifest_limits::body_bytes)
    return error(errc::too_large, "/manifest", "Bản kê vượt quá 4 MiB", "The manifest is over 4 MiB");
  return s;
}

namespace detail {
// The authority's level, read from the signed manifest: a unit with a parent in `units` is a
// district or commune level authority (division approvers); the root of the tree is the city.
inline role authority_level(const manifest& m) {
  return m.units.count(m.authority) ? role::division_approver : role::city_official;
}

inline std::shared_ptr<const manifest_keyring> build_keyring(const manifest& m, const trust::public_key& authority) {
  auto k = std::make_shared<manifest_keyring>();
  k->authority = authority;
  trust::authority_scope scope;
  scope.level = authority_level(m);
  scope.parents = m.units;
  k->ring.add_root(unit_id{m.authority}, authority, std::move(scope));
  for (std::size_t i = 0; i < m.delegations.size(); ++i)
    if (auto d = k->ring.add_delegation(m.delegations[i]); !d) {
      auto e = d.err();
      e.path = "/delegations/" + std::to_string(i) + e.path;
      k->refused.push_back(std::move(e));
    }
  if (!m.revocations.empty() || !m.revocations_signature.empty())
    if (auto r = k->ring.apply_revocations(m.revocations, m.revocations_signature); !r) {
      auto e = r.err();
      k->failure = error(e.code, "/revocations", "Danh sách thu hồi trong bản kê không dùng được: " + e.message_vi,
                         "The manifest's revocation list cannot be used: " + e.message_en);
    }
  return k;
}

inline bool same_hex(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}
}  // namespace detail

PBGDPL_DECL result<verified_manifest> verify_manifest(const signed_manifest& s, const trust::public_key& authority,
                                                      const verify_options& opt, const trust_state& state) {
  if (s.body.size() > manifest_limits::body_bytes)
    return error(errc::too_large, "/manifest", "Bản kê vượt quá 4 MiB", "The manifest is over 4 MiB");
  auto sig = trust::signature::parse(s.signature);
  if (!sig) return sig.err();
  // The key id, the trusted comment and the body, in that order (unknown_key, bad_signature,
  // tampered); only the prehashed form: a body is never signed the legacy way.
  if (auto r = trust::verify(authority, *sig, s.body, false); !r) return r.err();
  auto comment = trust::from_json_text_unique<manifest_comment>(sig->trusted_comment);
  if (!comment) {
    if (comment.err().code == errc::unsupported_version) return comment.err();
    return error(errc::bad_signature, comment.err().path,
                 "Chú thích tin cậy không phải của một bản kê: " + comment.err().message_vi,
                 "The trusted comment is not a manifest's: " + comment.err().message_en);
  }
  verified_manifest v;
  v.body_blake2b = trust::to_hex(trust::blake2b_256(s.body));
  if (!detail::same_hex(comment->body_blake2b, v.body_blake2b))
    return error(errc::bad_signature, "/body_blake2b", "Chú thích tin cậy nêu mã băm của một bản kê khác",
                 "The trusted comment names another body's digest");
  auto j = trust::parse_json_unique_keys(s.body);
  if (!j) return j.err();
  auto m = from_json_value<manifest>(*j);
  if (!m) return m.err();
  v.m = std::move(*m);
  if (comment->display != v.m.display || comment->sequence != v.m.sequence || comment->expires_at != v.m.expires_at)
    return error(errc::bad_signature, {}, "Chú thích tin cậy không khớp với bản kê (màn hình, số thứ tự hoặc thời hạn)",
                 "The trusted comment does not match the manifest (display, sequence or expiry)");
  if (v.m.display != opt.display)
    return error(errc::invalid_argument, "/display", "Bản kê dành cho màn hình " + v.m.display + ", không phải " + opt.display,
                 "The manifest is for display " + v.m.display + ", not " + opt.display);
  const auto seq = std::to_string(v.m.sequence), last = std::to_string(state.last_sequence);
  if (v.m.sequence < state.last_sequence)
    return error(errc::superseded, "/sequence", "Bản kê số " + seq + " cũ hơn bản kê số " + last + " đã nhận",
                 "Manifest sequence " + seq + " is older than sequence " + last + " already accepted (rollback)");
  if (v.m.sequence == state.last_sequence && !state.last_body_blake2b.empty() &&
      !detail::same_hex(state.last_body_blake2b, v.body_blake2b))
    return error(errc::superseded, "/sequence", "Đã nhận một bản kê khác với cùng số thứ tự " + seq,
                 "Another manifest with the same sequence " + seq + " was already accepted");
  if (opt.now < state.latest_time_seen - opt.clock_tolerance)
    return error(errc::clock_rollback, {},
                 "Đồng hồ thiết bị (" + format_timestamp(opt.now) + ") chậm hơn thời điểm đã thấy (" +
                     format_timestamp(state.latest_time_seen) + "): đồng hồ bị chỉnh lùi",
                 "The device clock (" + format_timestamp(opt.now) + ") is behind a time already seen (" +
                     format_timestamp(state.latest_time_seen) + "): the clock was set back");
  if (v.m.expires_at <= opt.now)
    return error(errc::expired, "/expires_at", "Bản kê đã hết hạn lúc " + format_timestamp(v.m.expires_at),
                 "The manifest expired at " + format_timestamp(v.m.expires_at));
  if (v.m.issued_at > opt.now + opt.clock_tolerance)
    return error(errc::not_yet_valid, "/issued_at",
                 "Bản kê lập lúc " + format_timestamp(v.m.issued_at) + ", sau giờ của thiết bị: đồng hồ chậm?",
                 "The manifest was issued at " + format_timestamp(v.m.issued_at) +
                     ", after the device's time: is the clock behind?");
  v.keyring = detail::build_keyring(v.m, authority);
  return v;
}

PBGDPL_DECL void accept(trust_state& state, const verified_manifest& v, timestamp now) {
  state.last_sequence = v.m.sequence;
  state.last_body_blake2b = v.body_blake2b;
  state.latest_time_seen = std::max(state.latest_time_seen, now);
}

PBGDPL_DECL result<void> verify_item(const verified_manifest& v, const trust::public_key& authority,
                                     const manifest_item& it, const trust::content_digest& d, timestamp now,
                                     trust::sequence_tracker* seen) {
  if (!detail::same_hex(trust::to_hex(d.b256), it.blake2b))
    return error(errc::tampered, "/blake2b", "Tệp " + it.media + " không khớp mã băm trong bản kê",
                 "The bytes of " + it.media + " do not match the manifest's digest");
  if (!it.legal) return {};
  if (it.approval.empty())
    return error(errc::permission_denied, "/approval",
                 "Tệp " + it.media + " ở vùng pháp luật nhưng không có phê duyệt",
                 "Item " + it.media + " is in a legal zone but carries no approval");
  auto k = v.keyring;
  if (!k || !(k->authority == authority)) k = detail::build_keyring(v.m, authority);
  if (k->failure) return *k->failure;
  auto st = k->ring.verify_approval(it.approval, d, {now, v.m.use}, seen);
  if (!st) {
    auto e = st.err();
    if (e.code == errc::unknown_key) e.details = k->refused;  // why its delegation, if any, was left out
    return e;
  }
  return {};
}

}  // namespace signage

PBGDPL_MODEL_INSTANTIATE(signage::manifest)

PBGDPL_NAMESPACE_END
