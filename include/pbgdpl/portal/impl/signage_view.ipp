// Bodies of portal/signage_view.hpp: compiled once into the portal tier (src/portal/signage.cpp),
// or included by the header in header-only builds.
#pragma once
#include "../signage_view.hpp"

#include <set>

PBGDPL_NAMESPACE_BEGIN
namespace portal {

PBGDPL_DECL bool is_blake2b_hex(std::string_view s) noexcept {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

PBGDPL_DECL result<display_schedule> load_schedule(store::store& db, const display& d, const std::filesystem::path& zoneinfo) {
  display_schedule s;
  s.d = d;
  auto tz = signage::time_zone::locate(d.time_zone, zoneinfo);
  s.tz = tz ? std::move(*tz) : signage::time_zone::vietnam();
  // The group chain, nearest first; a cycle or an endless chain stops the walk.
  std::set<std::string, std::less<>> seen;
  std::optional<display_group_id> next = d.group;
  while (next && s.groups.size() < signage_max_group_depth && seen.insert(next->value).second) {
    auto g = db.get<display_group>(next->value);
    if (!g) {
      if (g.err().code == errc::not_found) break;
      return g.err();
    }
    next = g->parent;
    s.groups.push_back(std::move(*g));
  }
  std::vector<schedule_entry> entries;
  for (const auto& g : s.groups) {
    store::list_query q;
    q.limit = 100;
    q.where.category = g.id.value;
    std::size_t n = 0;
    for (;;) {
      auto p = db.list<schedule_entry>(q);
      if (!p) return p.err();
      for (auto& e : p->items)
        if (e.group == g.id && n < signage_max_entries_per_group) {
          entries.push_back(std::move(e));
          ++n;
        }
      if (p->next_cursor.empty() || n >= signage_max_entries_per_group) break;
      q.cursor = p->next_cursor;
    }
  }
  std::vector<playlist> lists;
  std::set<std::string, std::less<>> wanted;
  for (const auto& e : entries) {
    if (!wanted.insert(e.playlist.value).second) continue;
    auto p = db.get<playlist>(e.playlist.value);
    if (p) lists.push_back(std::move(*p));
    else if (p.err().code != errc::not_found) return p.err();
  }
  for (const auto& p : lists) {
    if (!p.layout || s.layouts.count(p.layout->value)) continue;
    auto l = db.get<layout>(p.layout->value);
    if (l) s.layouts.emplace(l->id.value, std::move(*l));
    else if (l.err().code != errc::not_found) return l.err();
  }
  s.set = signage::schedule_for(d, s.groups, entries, lists);
  return s;
}

PBGDPL_DECL result<std::vector<display>> displays_under(store::store& db, const unit_directory& tree, const unit_id& unit) {
  std::vector<display> out;
  store::list_query q;
  q.limit = 100;
  q.oldest_first = true;  // by name (the sort key) from A
  for (const auto& u : tree.subtree(unit.value)) q.where.unit_in.push_back(u.id.value);
  if (q.where.unit_in.empty()) return out;
  for (;;) {
    auto p = db.list<display>(q);
    if (!p) return p.err();
    for (auto& d : p->items)
      if (d.enabled && out.size() < signage_max_displays) out.push_back(std::move(d));
    if (p->next_cursor.empty() || out.size() >= signage_max_displays) break;
    q.cursor = p->next_cursor;
  }
  return out;
}

PBGDPL_DECL layout layout_of(const display_schedule& s, const playlist& p) {
  if (p.layout)
    if (auto it = s.layouts.find(p.layout->value); it != s.layouts.end() && !it->second.zones.empty()) return it->second;
  layout l;
  l.name = p.name;
  l.width = s.d.width;
  l.height = s.d.height;
  zone z;
  z.width = s.d.width;
  z.height = s.d.height;
  l.zones.push_back(std::move(z));
  return l;
}

PBGDPL_DECL playlist zone_playlist(const playlist& p, const layout& lay, std::string_view zone_name) {
  playlist out = p;
  out.items.clear();
  // A layout of its own (not the whole-screen one made up above): an item naming no zone is the
  // first zone's; an item naming a zone the layout lacks is shown nowhere.
  const bool made_up = lay.zones.size() == 1 && lay.zones.front().name.empty();
  const std::string_view first = lay.zones.empty() ? std::string_view{} : std::string_view(lay.zones.front().name);
  for (const auto& it : p.items) {
    const std::string_view z = it.zone.empty() ? first : std::string_view(it.zone);
    if (made_up || z == zone_name) out.items.push_back(it);
  }
  return out;
}

PBGDPL_DECL std::optional<playing_now> playing_at(const display_schedule& s, timestamp t) {
  auto sl = signage::what_plays(s.set, s.tz, t);
  if (!sl) return std::nullopt;
  auto it = s.set.playlists.find(sl->playlist);
  if (it == s.set.playlists.end()) return std::nullopt;
  playing_now n{*sl, it->second, layout_of(s, it->second), {}};
  for (const auto& z : n.lay.zones) {
    zone_now zn;
    zn.z = z;
    if (!z.ticker) {
      auto zp = zone_playlist(n.list, n.lay, z.name);
      if (auto r = signage::item_at(zp, sl->start, t); r && r->index < zp.items.size()) {
        zn.item = zp.items[r->index];
        zn.start = r->start;
        zn.end = std::min(r->end, sl->end);  // the slot's end cuts the item short
      }
    }
    n.zones.push_back(std::move(zn));
  }
  return n;
}

PBGDPL_DECL std::optional<approval_check> check_media_approval(store::store& db, const media_asset& m,
                                                               const std::optional<approval_id>& approval,
                                                               const signage::content_store* content, timestamp t) {
  std::optional<approval_record> rec;
  if (approval) {
    if (auto r = db.get<approval_record>(approval->value)) rec = std::move(*r);
  } else {
    store::list_query q;
    q.limit = 1;
    q.where.category = m.id.value;
    if (auto p = db.list<approval_record>(q); p && !p->items.empty()) rec = std::move(p->items.front());
  }
  if (!rec) return std::nullopt;
  approval_check c;
  c.record = *rec;
  if (rec->approver)
    if (auto a = db.get<account>(rec->approver->value)) c.approver_name = a->display_name;
  // Verified: the approver's key signed a statement saying what the record says, over the bytes
  // this portal holds for the medium.
  auto verified = [&]() -> bool {
    if (rec->content_id != m.id.value || rec->content_blake2b != m.blake2b || !rec->approver || rec->signature.empty()) return false;
    auto cred = db.get<credential>(rec->approver->value);
    if (!cred || cred->approval_public_key.empty()) return false;
    auto pk = trust::public_key::parse(cred->approval_public_key);
    auto sig = trust::signature::parse(rec->signature);
    auto found = content ? content->find(m) : result<signage::located_content>(error(errc::not_found, "/", "", ""));
    if (!pk || !sig || !found || !trust::verify_prehashed(*pk, *sig, found->digest.b512)) return false;
    auto st = trust::from_json_text_unique<trust::approval_statement>(sig->trusted_comment);
    if (!st) return false;
    auto mine = trust::to_record(*st, rec->signature);
    return mine.id == rec->id && mine.content_id == rec->content_id && mine.content_blake2b == rec->content_blake2b &&
           mine.approver_unit == rec->approver_unit && mine.approver_role == rec->approver_role && mine.use == rec->use &&
           mine.valid_from == rec->valid_from && mine.valid_until == rec->valid_until && mine.sequence == rec->sequence &&
           trust::same_key_id(mine.key_id, rec->key_id);
  };
  c.signature_ok = verified();
  c.in_force = c.signature_ok && is_within_validity(*rec, t);
  return c;
}

}  // namespace portal
PBGDPL_NAMESPACE_END
