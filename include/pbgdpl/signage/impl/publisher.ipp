// Definitions for signage/publisher.hpp (inline in header-only mode, compiled once from
// src/signage/publisher.cpp).
#pragma once
#include "../publisher.hpp"

#include "../../http/etag.hpp"
#include "../../model/credential.hpp"

#include <algorithm>
#include <map>
#include <set>

PBGDPL_NAMESPACE_BEGIN
namespace signage {

namespace publisher_detail {

inline constexpr std::size_t max_groups = 64;      // a group's chain of parents, as units'
inline constexpr std::size_t max_entries = 2000;   // schedule entries read for one display
inline constexpr std::size_t max_playlists = 200;  // playlists one display's entries name

// The display's group and those above it, nearest first (a cycle or a missing parent ends it).
inline result<std::vector<display_group>> group_chain(store::store& db, const display& d) {
  std::vector<display_group> out;
  std::set<std::string> seen;
  auto next = d.group;
  while (next && out.size() < max_groups && seen.insert(next->value).second) {
    auto g = db.get<display_group>(next->value);
    if (!g) {
      if (g.err().code == errc::not_found) break;
      return g.err();
    }
    next = g->parent;
    out.push_back(std::move(*g));
  }
  return out;
}

// The schedule entries filed under any of `groups` that may still play at or after `now`.
inline result<std::vector<schedule_entry>> entries_of(store::store& db, const std::vector<display_group>& groups,
                                                      timestamp now, date today) {
  std::vector<schedule_entry> out;
  for (const auto& g : groups) {
    store::list_query q;
    q.where.category = g.id.value;
    q.limit = 100;
    q.oldest_first = true;
    for (;;) {
      auto p = db.list<schedule_entry>(q);
      if (!p) return p.err();
      for (auto& e : p->items) {
        if (e.valid_until && *e.valid_until < today) continue;  // over
        if (e.expires_at && *e.expires_at <= now) continue;     // its time to live ran out
        out.push_back(std::move(e));
      }
      if (p->next_cursor.empty() || out.size() >= max_entries) break;
      q.cursor = p->next_cursor;
    }
  }
  if (out.size() > max_entries) out.resize(max_entries);
  return out;
}

// The newest approval record of media m's current bytes for `use`, if any.
inline result<std::optional<approval_record>> approval_of(store::store& db, const media_asset& m, approval_use use) {
  store::list_query q;
  q.where.category = m.id.value;
  q.limit = 50;
  auto p = db.list<approval_record>(q);  // newest first: valid_from, then sequence
  if (!p) return p.err();
  for (auto& a : p->items)
    if (a.content_blake2b == m.blake2b && a.use == use && !a.signature.empty()) return std::optional(std::move(a));
  return std::optional<approval_record>();
}

inline error left_out(std::string vi, std::string en, errc c = errc::not_found) { return error(c, {}, std::move(vi), std::move(en)); }

// A candidate item with what its checks need: the file's digests and, for legal items, the approval.
struct candidate {
  std::size_t playlist = 0;
  manifest_item item;
  trust::content_digest digest;
  std::optional<approval_record> approval;
};

// The delegations the authority signs for the approvals `cs` carry: one per approver key (the
// first approval of a key decides its unit and role; the period covers all of its approvals).
// Approvals whose key has no delegation (no account or key on record) come back in `undelegated`.
inline std::vector<std::string> delegations_for(store::store& db, const std::vector<candidate>& cs,
                                                const trust::secret_key& authority, const unit_id& authority_unit,
                                                std::set<std::string>& undelegated) {
  struct pending {
    trust::delegation d;
  };
  std::map<std::string, pending> by_key;  // upper-case key id
  for (const auto& c : cs) {
    if (!c.approval) continue;
    const auto& a = *c.approval;
    auto kid = trust::normalise_key_id(a.key_id);
    if (!kid || !a.approver) {
      undelegated.insert(a.id.value);
      continue;
    }
    auto it = by_key.find(*kid);
    if (it != by_key.end()) {
      it->second.d.valid_from = std::min(it->second.d.valid_from, a.valid_from);
      it->second.d.valid_until = std::max(it->second.d.valid_until, a.valid_until);
      continue;
    }
    auto cred = db.get<credential>(a.approver->value);
    if (!cred || cred->approval_public_key.empty()) {
      undelegated.insert(a.id.value);
      continue;
    }
    auto pk = trust::public_key::parse(cred->approval_public_key);
    if (!pk || pk->id.hex() != *kid) {
      undelegated.insert(a.id.value);
      continue;
    }
    trust::delegation d;
    d.authority = authority_unit;
    d.key = *pk;
    d.unit = a.approver_unit;
    d.approver_role = a.approver_role;
    for (auto u : {approval_use::signage_school, approval_use::signage_public})
      if (role_may_approve(a.approver_role, u)) d.uses.push_back(u);
    d.valid_from = a.valid_from;
    d.valid_until = a.valid_until;
    d.sequence = 1;
    by_key.emplace(*kid, pending{std::move(d)});
  }
  std::vector<std::string> out;
  for (const auto& [kid, p] : by_key) out.push_back(trust::sign_delegation(authority, p.d).to_text());
  return out;
}

// The manifest's content without its times and sequence: what decides whether it changed.
inline std::string content_digest_of(manifest m) {
  m.sequence = 0;
  m.issued_at = timestamp{};
  m.expires_at = timestamp{} + std::chrono::seconds{1};
  return trust::to_hex(trust::blake2b_256(manifest_text(m)));
}

inline void put_items(manifest& m, const std::vector<candidate>& cs) {
  for (auto& p : m.playlists) p.items.clear();
  for (const auto& c : cs) m.playlists[c.playlist].items.push_back(c.item);
}

}  // namespace publisher_detail

PBGDPL_DECL result<unit_id> authority_for(const unit_directory& units, const unit_id& display_unit) {
  if (!units.find(display_unit))
    return error(errc::not_found, "/unit", "Không tìm thấy đơn vị " + display_unit.value, "Unknown unit " + display_unit.value);
  const int division = trust::approver_rank(role::division_approver);
  std::string id = display_unit.value, last = id;
  for (std::size_t i = 0; i <= unit_directory::max_depth; ++i) {
    const unit* u = units.find(id);
    if (!u) break;
    last = id;
    if (trust::approver_rank(trust::approver_level(u->kind)) >= division) return u->id;
    const unit* parent = units.parent(id);
    if (!parent) break;
    id = parent->id.value;
  }
  return unit_id{last};
}

PBGDPL_DECL approval_use use_for(const display& d, const std::vector<display_group>& groups) {
  // A screen with an operator account is a business's whatever operated_by says: that field is
  // the client's to set, the account the server's to check (red team F3).
  if (d.operated_by == operator_kind::business || d.operator_account) return approval_use::signage_public;
  for (const auto& g : groups)
    if (g.public_place) return approval_use::signage_public;
  return approval_use::signage_school;
}

PBGDPL_DECL result<built_manifest> build_manifest_detailed(store::store& db, const content_store& content,
                                                           const display_id& id, const trust::secret_key& authority,
                                                           const unit_id& authority_unit, timestamp now,
                                                           std::chrono::hours validity, const unit_directory* given_units) {
  using namespace publisher_detail;
  if (validity < std::chrono::hours{2})
    return error(errc::invalid_argument, {}, "Thời hạn của bản kê quá ngắn", "The manifest validity is too short");
  auto d = db.get<display>(id.value);
  if (!d) return d.err();
  if (!d->enabled)
    return error(errc::permission_denied, {}, "Màn hình " + d->name + " đang tắt", "Display " + d->name + " is disabled");
  auto tz = time_zone::locate(d->time_zone);
  const time_zone display_zone = tz ? *tz : time_zone::vietnam();
  const date today{
      std::chrono::sys_days{std::chrono::floor<std::chrono::days>(display_zone.to_local(now).time_since_epoch())}};
  auto groups = group_chain(db, *d);
  if (!groups) return groups.err();
  auto entries = entries_of(db, *groups, now, today);
  if (!entries) return entries.err();
  std::vector<playlist> playlists;
  {
    std::set<std::string> ids;
    for (const auto& e : *entries) ids.insert(e.playlist.value);
    for (const auto& pid : ids) {
      if (playlists.size() >= max_playlists) break;
      auto p = db.get<playlist>(pid);
      if (!p) {
        if (p.err().code == errc::not_found) continue;
        return p.err();
      }
      playlists.push_back(std::move(*p));
    }
  }
  auto set = schedule_for(*d, *groups, *entries, playlists);
  std::optional<unit_directory> read_units;
  if (!given_units) {
    auto h = db.hierarchy_at(today);
    if (!h) return h.err();
    read_units = std::move(*h);
  }
  const unit_directory* units = given_units ? given_units : &*read_units;

  built_manifest out;
  manifest& m = out.m;
  m.display = d->id.value;
  m.unit = d->unit.value;
  m.authority = authority_unit.value;
  m.time_zone = d->time_zone;
  m.use = use_for(*d, *groups);
  m.width = d->width;
  m.height = d->height;
  m.entries = set.entries;
  // The authority's scope: its subtree, child -> parent, and its own parent (what makes a
  // division a division for the player: a unit without a parent reads as the city).
  if (units->find(authority_unit))
    for (const auto& u : units->subtree(authority_unit.value))
      if (const unit* parent = units->parent(u.id.value)) m.units[u.id.value] = parent->id.value;

  // Layouts, playlists and the candidate items, in a fixed order (playlists by id).
  std::map<std::string, layout> layouts;
  std::vector<candidate> cands;
  for (const auto& [pid, p] : set.playlists) {
    manifest_playlist mp;
    mp.id = p.id.value;
    mp.name = p.name;
    mp.ticker = p.ticker;
    const layout* lay = nullptr;
    if (p.layout) {
      auto it = layouts.find(p.layout->value);
      if (it == layouts.end()) {
        auto l = db.get<layout>(p.layout->value);
        if (l) it = layouts.emplace(p.layout->value, std::move(*l)).first;
      }
      if (it != layouts.end()) {
        lay = &it->second;
        mp.layout = lay->id.value;
      }
    }
    const std::size_t index = m.playlists.size();
    m.playlists.push_back(std::move(mp));
    for (const auto& item : p.items) {
      auto media = db.get<media_asset>(item.media.value);
      if (!media) {
        out.left_out.push_back({p.id.value, item.media.value, media.err()});
        continue;
      }
      auto file = content.find(*media);
      if (!file) {
        out.left_out.push_back({p.id.value, item.media.value, file.err()});
        continue;
      }
      candidate c;
      c.playlist = index;
      c.digest = file->digest;
      auto& mi = c.item;
      mi.media = media->id.value;
      mi.title = media->title.empty() ? media->alt_text : media->title;
      mi.blake2b = media->blake2b;
      mi.size = file->size;
      mi.media_type = media->mime_type;
      mi.duration_seconds = item.duration_seconds;
      mi.zone = item.zone;
      if (mi.zone.empty() && lay && !lay->zones.empty()) mi.zone = lay->zones.front().name;
      const zone* z = lay ? find_zone(*lay, mi.zone) : nullptr;
      mi.legal = z ? z->legal : true;  // no layout, or a zone it does not have: treated as legal
      if (mi.legal) {
        auto a = approval_of(db, *media, m.use);
        if (!a) return a.err();
        if (!*a) {
          out.left_out.push_back({p.id.value, mi.media,
                                  left_out("Chưa có phê duyệt cho " + std::string(label_vi(m.use)) + " của đúng tệp này",
                                           "No approval for " + std::string(label_en(m.use)) + " of these exact bytes",
                                           errc::permission_denied)});
          continue;
        }
        mi.approval = (*a)->signature;
        c.approval = std::move(**a);
      }
      cands.push_back(std::move(c));
    }
  }
  for (auto& [lid, l] : layouts) m.layouts.push_back(l);

  // Check every legal item as the player will (verify_item under the keyring the manifest
  // carries); what fails is left out and the delegations are made again for what stays.
  m.issued_at = now;
  m.expires_at = now + validity;
  const auto authority_public = authority.public_part();
  for (int round = 0; round < 2; ++round) {
    std::set<std::string> undelegated;
    m.delegations = delegations_for(db, cands, authority, authority_unit, undelegated);
    put_items(m, cands);
    verified_manifest vm{m, {}, nullptr};
    std::vector<candidate> kept;
    bool dropped = false;
    for (auto& c : cands) {
      result<void> ok;
      if (c.approval && undelegated.count(c.approval->id.value))
        ok = left_out("Không tìm thấy khóa của người phê duyệt", "The approver's key is not on record", errc::unknown_key);
      else
        ok = verify_item(vm, authority_public, c.item, c.digest, now, nullptr);
      if (ok) {
        kept.push_back(std::move(c));
      } else {
        out.left_out.push_back({m.playlists[c.playlist].id, c.item.media, ok.err()});
        dropped = true;
      }
    }
    cands = std::move(kept);
    if (!dropped) break;
  }
  {
    std::set<std::string> undelegated;
    m.delegations = delegations_for(db, cands, authority, authority_unit, undelegated);
    put_items(m, cands);
  }

  // The sequence: unchanged content keeps its manifest (same bytes) until half its validity.
  const auto digest = content_digest_of(m);
  const auto half = std::chrono::duration_cast<std::chrono::seconds>(validity) / 2;
  auto enrolled = enrolment_of(db, d->id);
  if (!enrolled) return enrolled.err();
  if (*enrolled) {
    auto e = std::move(**enrolled);
    for (int attempt = 0;; ++attempt) {
      if (e.manifest_blake2b == digest && e.manifest_issued_at && *e.manifest_issued_at <= now &&
          now < *e.manifest_issued_at + half) {
        m.sequence = e.manifest_sequence;
        m.issued_at = *e.manifest_issued_at;
        m.expires_at = m.issued_at + validity;
        break;
      }
      m.sequence = e.manifest_sequence + 1;
      m.issued_at = now;
      m.expires_at = now + validity;
      e.manifest_sequence = m.sequence;
      e.manifest_blake2b = digest;
      e.manifest_issued_at = now;
      auto saved = db.update(e, "signage");
      if (saved) break;
      // Another request of the same device wrote first: read again and decide again.
      if (saved.err().code != errc::conflict || attempt >= 3) return saved.err();
      auto again = db.get<display_enrolment>(e.id.value);
      if (!again) return again.err();
      e = std::move(*again);
    }
  } else {
    const auto period = half.count();
    const auto k = now.time_since_epoch().count() / period;
    m.sequence = static_cast<std::uint64_t>(k);
    m.issued_at = timestamp{} + std::chrono::seconds{k * period};
    m.expires_at = m.issued_at + validity;
  }
  try {
    out.signed_form = sign_manifest(authority, m);
  } catch (const exception& e) {
    return e.err();
  }
  return out;
}

PBGDPL_DECL result<signed_manifest> build_manifest(store::store& db, const content_store& content, const display_id& d,
                                                   const trust::secret_key& authority, const unit_id& authority_unit,
                                                   timestamp now, std::chrono::hours validity) {
  auto b = build_manifest_detailed(db, content, d, authority, authority_unit, now, validity);
  if (!b) return b.err();
  return std::move(b->signed_form);
}

PBGDPL_DECL result<trust::secret_key> load_or_create_authority_key(const std::filesystem::path& file) {
  std::error_code ec;
  if (std::filesystem::exists(file, ec)) {
    auto text = files::read_regular(file, 4096, {.refuse_symlinks = true});
    if (!text) return text.err();
    return trust::secret_key::parse(*text);
  }
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
  auto k = trust::secret_key::generate();
  if (auto w = files::write_secret(file, k.to_file(), files::if_exists::fail); !w) return w.err();
  auto pub = file;
  pub.replace_extension(".pub");
  if (auto w = files::replace_file(pub, k.public_part().to_file(), 0644); !w) return w.err();
  return k;
}

PBGDPL_DECL std::string manifest_etag(const signed_manifest& s) {
  return http::etag_for(s.body);
}

}  // namespace signage
PBGDPL_NAMESPACE_END
