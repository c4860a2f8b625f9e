// Definitions for signage/plays.hpp (inline in header-only mode, compiled once from
// src/signage/plays.cpp).
#pragma once
#include "../plays.hpp"

#include "../../core/text.hpp"
#include "../../media/images.hpp"
#include "../../trust/hash.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include <sodium.h>

PBGDPL_NAMESPACE_BEGIN
namespace signage {

namespace plays_detail {

inline error bad(std::string path, std::string vi, std::string en, errc c = errc::invalid_argument) {
  return error(c, std::move(path), std::move(vi), std::move(en));
}

// The first `n` code points of valid UTF-8 text.
inline std::string first_code_points(std::string_view s, std::size_t n) {
  std::size_t count = 0, i = 0;
  for (; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (count == n) break;
      ++count;
    }
  }
  return std::string(s.substr(0, i));
}

inline std::optional<std::string> unbase64(std::string_view s, std::size_t max_bytes) {
  trust::ensure_sodium();
  std::string out(s.size() / 4 * 3 + 3, '\0');
  if (out.size() > max_bytes + 3) return std::nullopt;
  std::size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), s.data(), s.size(), nullptr, &len,
                        &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != s.data() + s.size())
    return std::nullopt;
  out.resize(len);
  return out;
}

}  // namespace plays_detail

PBGDPL_DECL play_record_id play_record_id_for(std::string_view display, std::uint64_t seq) {
  auto tail = "-" + std::to_string(seq);
  if (display.size() + tail.size() <= 64) return play_record_id{std::string(display) + tail};
  return play_record_id{trust::to_hex(trust::blake2b_256(display)).substr(0, 24) + tail};
}

PBGDPL_DECL result<plays_accepted> record_plays(store::store& db, const display_enrolment_id& id,
                                                const std::vector<std::string>& lines, timestamp) {
  plays_accepted out;
  auto r = db.transaction([&]() -> result<void> {
    auto e = db.get<display_enrolment>(id.value);
    if (!e) return e.err();
    if (e->state != enrolment_state::authorised || !e->display)
      return error(errc::permission_denied, {}, "Thiết bị chưa được cho phép", "The device is not authorised");
    auto pk = trust::public_key::parse(e->public_key);
    if (!pk) return pk.err();
    auto d = db.get<display>(e->display->value);
    if (!d) return d.err();
    chain_state st{e->plays_seq, e->plays_hash};
    auto plays = verify_batch(*pk, d->id.value, lines, st);
    if (!plays) return plays.err();
    for (std::size_t i = 0; i < plays->size(); ++i) {
      const auto& p = (*plays)[i];
      play_record rec;
      // Per device, not only per display: a replacement device starts its chain at 1 again, and
      // its plays must not collide with (and be skipped as) the old device's (red team F2).
      rec.id = play_record_id_for(d->id.value + "-" + e->id.value, p.seq);
      rec.display = d->id;
      rec.unit = d->unit;
      rec.media = p.media;
      rec.blake2b = p.blake2b;
      rec.start = p.start;
      rec.end = p.end;
      rec.player = p.player;
      rec.seq = p.seq;
      rec.line_blake2b = i + 1 < plays->size() ? (*plays)[i + 1].prev : st.hash;
      auto c = db.create(std::move(rec), "signage");
      if (!c) {
        if (c.err().code == errc::already_exists) continue;  // a chain started again: the first record stays
        return c.err();
      }
      ++out.recorded;
    }
    out.accepted_through = st.seq;
    if (st.seq != e->plays_seq || st.hash != e->plays_hash) {
      e->plays_seq = st.seq;
      e->plays_hash = st.hash;
      if (auto ok = db.update(std::move(*e), "signage"); !ok) return ok.err();
    }
    return {};
  });
  if (!r) return r.err();
  return out;
}

PBGDPL_DECL result<std::vector<play_count>> aggregate_plays(store::store& db, const unit_id& unit, date from, date to) {
  if (to < from)
    return error(errc::invalid_argument, "/to", "Ngày kết thúc trước ngày bắt đầu", "The end date is before the start date");
  if (std::chrono::sys_days{to} - std::chrono::sys_days{from} > std::chrono::days{366})
    return error(errc::invalid_argument, "/to", "Khoảng thời gian dài quá 366 ngày", "The period is longer than 366 days");
  using key = std::tuple<std::string, std::string, std::string, std::string, std::string>;  // day unit display media blake2b
  std::map<key, play_count> counts;
  store::list_query q;
  q.where.with_unit(unit);
  q.where.from = from;
  q.where.to = to;
  q.oldest_first = true;
  q.limit = 100;
  std::size_t seen = 0;
  for (;;) {
    auto p = db.list<play_record>(q);
    if (!p) return p.err();
    for (const auto& r : p->items) {
      if (++seen > max_play_records)
        return error(errc::too_large, {}, "Quá nhiều lượt phát: hãy chọn khoảng thời gian ngắn hơn",
                     "Too many plays: ask for a shorter period");
      const auto day = local_date(r.start);
      auto& c = counts[key{format_date(day), r.unit.value, r.display.value, r.media, r.blake2b}];
      if (c.plays == 0) {
        c.blake2b = r.blake2b;
        c.media = r.media;
        c.display = r.display.value;
        c.unit = r.unit.value;
        c.day = day;
      }
      ++c.plays;
      if (r.end > r.start) c.seconds += static_cast<std::uint64_t>((r.end - r.start).count());
    }
    if (p->next_cursor.empty()) break;
    q.cursor = p->next_cursor;
  }
  std::vector<play_count> out;
  out.reserve(counts.size());
  for (auto& [k, c] : counts) out.push_back(std::move(c));
  return out;
}

PBGDPL_DECL result<heartbeat> parse_heartbeat(std::string_view body) {
  using plays_detail::bad;
  if (body.size() > heartbeat_limits::body_bytes)
    return bad({}, "Nhịp báo quá lớn (tối đa 3 MiB)", "The heartbeat is too large (at most 3 MiB)", errc::too_large);
  auto j = json_io::parse(body);
  if (!j) return j.err();
  if (!j->is_object()) return bad({}, "Nội dung phải là một đối tượng JSON", "The body must be a JSON object", errc::wrong_type);
  heartbeat hb;
  auto str = [&](const char* key) -> result<std::optional<std::string>> {
    auto it = j->find(key);
    if (it == j->end() || it->is_null()) return std::optional<std::string>();
    if (!it->is_string()) return bad(std::string("/") + key, "Phải là chuỗi", "Must be a string", errc::wrong_type);
    return std::optional<std::string>(it->get<std::string>());
  };
  auto num = [&](const char* key, std::uint64_t& out) -> result<void> {
    auto it = j->find(key);
    if (it == j->end() || it->is_null()) return {};
    if (!it->is_number_unsigned())
      return bad(std::string("/") + key, "Phải là số nguyên không âm", "Must be a non-negative integer", errc::wrong_type);
    out = it->get<std::uint64_t>();
    return {};
  };
  auto status = str("status");
  if (!status) return status.err();
  hb.status = status->value_or("");
  if (hb.status != "playing" && hb.status != "idle" && hb.status != "offline-cache")
    return bad("/status", "Trạng thái là \"playing\", \"idle\" hoặc \"offline-cache\"",
               "The status is \"playing\", \"idle\" or \"offline-cache\"");
  if (auto ok = num("manifest_sequence", hb.manifest_sequence); !ok) return ok.err();
  if (auto ok = num("free_bytes", hb.free_bytes); !ok) return ok.err();
  if (auto it = j->find("inventory"); it != j->end() && !it->is_null()) {
    if (!it->is_array()) return bad("/inventory", "Phải là mảng mã băm", "Must be an array of digests", errc::wrong_type);
    if (it->size() > display_status_max_inventory)
      return bad("/inventory", "Danh sách tệp quá dài", "The inventory is too long", errc::too_large);
    for (std::size_t i = 0; i < it->size(); ++i) {
      const auto& x = (*it)[i];
      if (!x.is_string() || !rules::is_hex(x.get_ref<const std::string&>(), 64))
        return bad("/inventory/" + std::to_string(i), "Mã băm BLAKE2b-256 phải là 64 ký tự hex thường",
                   "BLAKE2b-256 must be 64 lower-case hex characters");
      hb.inventory.push_back(x.get<std::string>());
    }
  }
  if (auto it = j->find("faults"); it != j->end() && !it->is_null()) {
    if (!it->is_array()) return bad("/faults", "Phải là mảng lỗi", "Must be an array of faults", errc::wrong_type);
    if (it->size() > 1000) return bad("/faults", "Quá nhiều lỗi", "Too many faults", errc::too_large);
    for (std::size_t i = 0; i < it->size(); ++i) {
      const auto& x = (*it)[i];
      const auto p = "/faults/" + std::to_string(i);
      if (!x.is_object()) return bad(p, "Phải là đối tượng", "Must be an object", errc::wrong_type);
      display_fault f;
      auto at = x.find("at");
      if (at == x.end() || !at->is_string()) return bad(p + "/at", "Thiếu thời điểm", "The time is missing", errc::missing_field);
      auto t = parse_timestamp(at->get_ref<const std::string&>());
      if (!t) return bad(p + "/at", "Thời điểm không hợp lệ", "The time is not valid", errc::bad_date);
      f.at = *t;
      for (auto [key, out, limit] : {std::tuple{"code", &f.code, std::size_t{64}},
                                     std::tuple{"message", &f.message, display_fault_max_message}}) {
        auto v = x.find(key);
        if (v == x.end() || v->is_null()) continue;
        if (!v->is_string()) return bad(p + "/" + key, "Phải là chuỗi", "Must be a string", errc::wrong_type);
        const auto& s = v->get_ref<const std::string&>();
        if (!text::is_valid_utf8(s)) return bad(p + "/" + key, "Không phải UTF-8 hợp lệ", "Not valid UTF-8", errc::invalid_utf8);
        std::string one_line;
        for (char c : plays_detail::first_code_points(s, limit))
          one_line.push_back(static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? ' ' : c);
        *out = text::nfc(one_line).value_or(one_line);
      }
      hb.faults.push_back(std::move(f));
    }
    // The newest display_status_max_faults, newest first.
    std::stable_sort(hb.faults.begin(), hb.faults.end(), [](const display_fault& a, const display_fault& b) { return a.at > b.at; });
    if (hb.faults.size() > display_status_max_faults) hb.faults.resize(display_status_max_faults);
  }
  auto snap = str("snapshot_png");
  if (!snap) return snap.err();
  if (*snap && !(*snap)->empty()) {
    auto png = plays_detail::unbase64(**snap, heartbeat_limits::snapshot_bytes);
    if (!png) return bad("/snapshot_png", "Ảnh chụp không phải base64 hợp lệ", "The snapshot is not valid base64");
    if (png->size() > heartbeat_limits::snapshot_bytes)
      return bad("/snapshot_png", "Ảnh chụp lớn quá 2 MiB", "The snapshot is larger than 2 MiB", errc::too_large);
    hb.snapshot_png = std::move(*png);
  }
  return hb;
}

PBGDPL_DECL result<display_status> record_heartbeat(store::store& db, const display& d, heartbeat hb,
                                                    const std::filesystem::path& snapshot_dir, timestamp now) {
  std::string snapshot_name;
  if (hb.snapshot_png) {
    media::image_limits lim;
    lim.max_bytes = heartbeat_limits::snapshot_bytes;
    lim.max_width = heartbeat_limits::snapshot_width;
    lim.max_height = heartbeat_limits::snapshot_height;
    lim.max_pixels = std::uint64_t{heartbeat_limits::snapshot_width} * heartbeat_limits::snapshot_height;
    auto info = media::check_image(*hb.snapshot_png, "snapshot.png", "image/png", lim);
    if (!info) {
      auto e = info.err();
      e.path = "/snapshot_png";
      return e;
    }
    if (info->format != media::image_format::png)
      return error(errc::invalid_argument, "/snapshot_png", "Ảnh chụp phải là PNG", "The snapshot must be a PNG");
    std::error_code ec;
    std::filesystem::create_directories(snapshot_dir, ec);
    snapshot_name = d.id.value + ".png";
    if (auto ok = files::replace_file(snapshot_dir / snapshot_name, *hb.snapshot_png, 0644); !ok) return ok.err();
  }
  for (int attempt = 0;; ++attempt) {
    auto current = db.get<display_status>(d.id.value);
    const bool exists = static_cast<bool>(current);
    if (!exists && current.err().code != errc::not_found) return current.err();
    display_status s = exists ? std::move(*current) : display_status{};
    s.id = display_status_id{d.id.value};
    s.unit = d.unit;
    s.last_seen = now;
    s.status = hb.status;
    s.manifest_sequence = hb.manifest_sequence;
    s.inventory = hb.inventory;
    s.free_bytes = hb.free_bytes;
    // Faults: the new ones and those kept, newest first, each (time, code) once.
    std::vector<display_fault> all = hb.faults;
    all.insert(all.end(), s.faults.begin(), s.faults.end());
    std::stable_sort(all.begin(), all.end(), [](const display_fault& a, const display_fault& b) { return a.at > b.at; });
    std::vector<display_fault> kept;
    for (auto& f : all) {
      bool dup = std::any_of(kept.begin(), kept.end(), [&](const display_fault& k) { return k.at == f.at && k.code == f.code; });
      if (!dup) kept.push_back(std::move(f));
      if (kept.size() == display_status_max_faults) break;
    }
    s.faults = std::move(kept);
    if (!snapshot_name.empty()) {
      s.snapshot = snapshot_name;
      s.snapshot_at = now;
    }
    auto saved = exists ? db.update(std::move(s), "signage") : db.create(std::move(s), "signage");
    if (saved) return saved;
    if ((saved.err().code != errc::conflict && saved.err().code != errc::already_exists) || attempt >= 3) return saved.err();
  }
}

}  // namespace signage
PBGDPL_NAMESPACE_END
