// Definitions for signage/enrolment.hpp (inline in header-only mode, compiled once from
// src/signage/enrolment.cpp).
#pragma once
#include "../enrolment.hpp"

#include <algorithm>

#include <sodium.h>

PBGDPL_NAMESPACE_BEGIN
namespace signage {

namespace enrolment_detail {
inline constexpr std::string_view actor = "signage";

// The key as a display record keeps it: the .pub file's base64 line (a display's public_key is one
// line of text).
inline std::string key_line(std::string_view pub_text) {
  auto pk = trust::public_key::parse(pub_text);
  return pk ? pk->base64() : std::string();
}

inline bool expired(const display_enrolment& e, timestamp now, const enrol_limits& lim) {
  return e.state == enrolment_state::pending && e.created_at + lim.pending_ttl <= now;
}

// The pending records with this code (normally none or one).
inline result<std::vector<display_enrolment>> with_code(store::store& db, std::string_view code) {
  store::list_query q;
  q.where.kind = std::string(code);
  q.where.state = std::string(to_string(enrolment_state::pending));
  q.limit = 10;
  auto p = db.list<display_enrolment>(q);
  if (!p) return p.err();
  return std::move(p->items);
}

// A code no pending enrolment shows.
inline result<std::string> fresh_code(store::store& db) {
  for (int attempt = 0; attempt < 8; ++attempt) {
    auto code = make_enrolment_code();
    auto taken = with_code(db, code);
    if (!taken) return taken.err();
    if (taken->empty()) return code;
  }
  return error(errc::busy, {}, "Không tạo được mã đăng ký, hãy thử lại", "Could not make an enrolment code, try again");
}
}  // namespace enrolment_detail

PBGDPL_DECL std::string make_enrolment_code() {
  trust::ensure_sodium();
  std::string s(7, '-');
  for (std::size_t i = 0; i < s.size(); ++i)
    if (i != 3)
      s[i] = enrolment_code_alphabet[randombytes_uniform(static_cast<std::uint32_t>(enrolment_code_alphabet.size()))];
  return s;
}

PBGDPL_DECL std::optional<std::string> normalise_enrolment_code(std::string_view typed) {
  std::string chars;
  for (char c : typed) {
    if (c == ' ' || c == '-' || c == '\t') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    chars.push_back(c);
    if (chars.size() > 6) return std::nullopt;
  }
  if (chars.size() != 6) return std::nullopt;
  auto code = chars.substr(0, 3) + "-" + chars.substr(3);
  if (!is_enrolment_code(code)) return std::nullopt;
  return code;
}

PBGDPL_DECL result<std::size_t> prune_pending(store::store& db, timestamp now, const enrol_limits& lim) {
  using namespace enrolment_detail;
  // Oldest first: the expired ones, then whatever is beyond the cap.
  store::list_query q;
  q.where.state = std::string(to_string(enrolment_state::pending));
  q.oldest_first = true;
  q.limit = 100;
  std::vector<display_enrolment> seen;
  for (;;) {
    auto p = db.list<display_enrolment>(q);
    if (!p) return p.err();
    for (auto& e : p->items) seen.push_back(std::move(e));
    if (p->next_cursor.empty() || seen.size() > lim.max_pending + 100) break;
    q.cursor = p->next_cursor;
  }
  std::size_t removed = 0, live = 0;
  for (const auto& e : seen)
    if (!expired(e, now, lim)) ++live;
  std::size_t over = live > lim.max_pending ? live - lim.max_pending : 0;
  for (const auto& e : seen) {
    bool drop = expired(e, now, lim);
    if (!drop && over > 0) {
      drop = true;
      --over;
    }
    if (!drop) continue;
    // Another request may have authorised or renewed it meanwhile: then the version differs and
    // the record stays.
    if (db.remove<display_enrolment>(e.id.value, e.version, actor)) ++removed;
  }
  return removed;
}

PBGDPL_DECL result<display_enrolment> enrol(store::store& db, const enrol_request& req, timestamp now,
                                            const enrol_limits& lim) {
  using namespace enrolment_detail;
  if (req.public_key.size() > 1024)
    return error(errc::too_large, "/public_key", "Khóa công khai quá dài", "The public key is too long");
  auto pk = trust::public_key::parse(req.public_key);
  if (!pk)
    return error(errc::bad_key, "/public_key", "Khóa công khai không hợp lệ (định dạng minisign .pub)",
                 "The public key is not valid (minisign .pub format)");
  const auto id = pk->id.hex();
  const auto pub_text = pk->to_file();
  auto current = db.get<display_enrolment>(id);
  if (current) {
    auto have = trust::public_key::parse(current->public_key);
    if (!have || !(*have == *pk))
      return error(errc::conflict, "/public_key", "Mã khóa này đã được một thiết bị khác dùng: hãy tạo khóa mới",
                   "This key id is in use by another device: make a new key");
    if (!expired(*current, now, lim)) return current;
    auto code = fresh_code(db);
    if (!code) return code.err();
    current->code = *code;
    current->created_at = now;
    current->name = req.name;
    current->width = req.width;
    current->height = req.height;
    return db.update(std::move(*current), actor);
  }
  if (current.err().code != errc::not_found) return current.err();
  if (auto pruned = prune_pending(db, now, lim); !pruned) return pruned.err();
  auto code = fresh_code(db);
  if (!code) return code.err();
  display_enrolment e;
  e.id = display_enrolment_id{id};
  e.public_key = pub_text;
  e.code = *code;
  e.state = enrolment_state::pending;
  e.name = req.name;
  e.width = req.width;
  e.height = req.height;
  e.created_at = now;
  auto created = db.create(std::move(e), actor);
  if (!created) return created.err();
  // Over the cap now? The oldest pending go (never the one just made: it is the newest).
  if (auto pruned = prune_pending(db, now, lim); !pruned) return pruned.err();
  return created;
}

PBGDPL_DECL result<display_enrolment> find_pending(store::store& db, std::string_view code, timestamp now,
                                                   const enrol_limits& lim) {
  auto c = normalise_enrolment_code(code);
  auto not_found = [] {
    return error(errc::not_found, "/code", "Không có thiết bị nào đang chờ với mã này (mã hết hạn sau 24 giờ)",
                 "No device is waiting with this code (codes expire after 24 hours)");
  };
  if (!c) return not_found();
  auto found = enrolment_detail::with_code(db, *c);
  if (!found) return found.err();
  for (auto& e : *found)
    if (!enrolment_detail::expired(e, now, lim)) return std::move(e);
  return not_found();
}

PBGDPL_DECL result<std::optional<display_enrolment>> enrolment_of(store::store& db, const display_id& d) {
  store::list_query q;
  q.where.category = d.value;
  q.where.state = std::string(to_string(enrolment_state::authorised));
  q.limit = 10;
  auto p = db.list<display_enrolment>(q);
  if (!p) return p.err();
  if (p->items.empty()) return std::optional<display_enrolment>();
  return std::optional<display_enrolment>(std::move(p->items.front()));
}

PBGDPL_DECL result<display_enrolment> authorise(store::store& db, std::string_view code, const display_id& d,
                                                const account_id& by, timestamp now, const enrol_limits& lim) {
  display_enrolment out;
  auto r = db.transaction([&]() -> result<void> {
    auto e = find_pending(db, code, now, lim);
    if (!e) return e.err();
    auto disp = db.get<display>(d.value);
    if (!disp) return disp.err();
    // One device per display: one authorised before is replaced.
    store::list_query q;
    q.where.category = d.value;
    q.where.state = std::string(to_string(enrolment_state::authorised));
    q.limit = 100;
    auto before = db.list<display_enrolment>(q);
    if (!before) return before.err();
    for (auto old : before->items) {
      old.state = enrolment_state::revoked;
      old.decided_at = now;
      old.decided_by = by;
      if (auto ok = db.update(std::move(old), by.value); !ok) return ok.err();
    }
    e->state = enrolment_state::authorised;
    e->display = d;
    e->decided_at = now;
    e->decided_by = by;
    auto saved = db.update(std::move(*e), by.value);
    if (!saved) return saved.err();
    disp->public_key = enrolment_detail::key_line(saved->public_key);
    if (auto ok = db.update(std::move(*disp), by.value); !ok) return ok.err();
    out = std::move(*saved);
    return {};
  });
  if (!r) return r.err();
  return out;
}

PBGDPL_DECL result<display_enrolment> revoke(store::store& db, const display_enrolment_id& id, const account_id& by,
                                             timestamp now) {
  display_enrolment out;
  auto r = db.transaction([&]() -> result<void> {
    auto e = db.get<display_enrolment>(id.value);
    if (!e) return e.err();
    const auto display = e->display;
    const auto key = enrolment_detail::key_line(e->public_key);
    e->state = enrolment_state::revoked;
    e->decided_at = now;
    e->decided_by = by;
    auto saved = db.update(std::move(*e), by.value);
    if (!saved) return saved.err();
    if (display) {
      auto disp = db.get<pbgdpl::display>(display->value);
      if (disp && !key.empty() && disp->public_key == key) {
        disp->public_key.clear();
        if (auto ok = db.update(std::move(*disp), by.value); !ok) return ok.err();
      }
    }
    out = std::move(*saved);
    return {};
  });
  if (!r) return r.err();
  return out;
}

PBGDPL_DECL result<std::vector<display_enrolment>> pending_enrolments(store::store& db, timestamp now,
                                                                      const enrol_limits& lim, std::size_t limit) {
  store::list_query q;
  q.where.state = std::string(to_string(enrolment_state::pending));
  q.limit = std::clamp<std::size_t>(limit, 1, 100);
  auto p = db.list<display_enrolment>(q);
  if (!p) return p.err();
  std::vector<display_enrolment> out;
  for (auto& e : p->items)
    if (!enrolment_detail::expired(e, now, lim)) out.push_back(std::move(e));
  return out;
}

}  // namespace signage
PBGDPL_NAMESPACE_END
