// Bodies of store/store.hpp: compiled once into the store tier (src/store/store.cpp), or
// included by the header in header-only builds.
#pragma once
#include "../store.hpp"

#include <algorithm>
#include <map>
#include <set>

PBGDPL_NAMESPACE_BEGIN
namespace store {

namespace detail {

PBGDPL_DECL error undecodable_record(std::string_view kind, std::string_view id, const error& why) {
  std::string name = std::string(kind) + "/" + std::string(id);
  error e(errc::corrupt, why.path, "Bản ghi " + name + " bị hỏng, không đọc được: " + why.message_vi,
          "Record " + name + " is damaged and cannot be read: " + why.message_en);
  e.details = {why};
  return e;
}

PBGDPL_DECL result<void> normalize_strings(json& j, bool& changed) {
  if (j.is_string()) {
    auto& s = j.get_ref<std::string&>();
    auto n = text::nfc(s);
    if (!n) return n.err();
    if (*n != s) {
      s = std::move(*n);
      changed = true;
    }
  } else if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      auto r = normalize_strings(it.value(), changed);
      if (!r) {
        error e = r.err();
        e.path = "/" + json_io::pointer_token(it.key()) + e.path;
        return e;
      }
    }
  } else if (j.is_array()) {
    for (std::size_t i = 0; i < j.size(); ++i) {
      auto r = normalize_strings(j[i], changed);
      if (!r) {
        error e = r.err();
        e.path = "/" + std::to_string(i) + e.path;
        return e;
      }
    }
  }
  return {};
}

}  // namespace detail

PBGDPL_DECL std::string key_cursor(const std::string& sort_key, const std::string& id) {
  return encode_cursor("k:" + sort_key + '\x1f' + id);
}

PBGDPL_DECL result<std::pair<std::string, std::string>> parse_key_cursor(std::string_view c) {
  auto raw = decode_cursor(c);
  if (!raw) return raw.err();
  auto sep = raw->find('\x1f');
  if (raw->compare(0, 2, "k:") != 0 || sep == std::string::npos)
    return error(errc::invalid_argument, "/cursor", "Con trỏ phân trang không hợp lệ", "Invalid page cursor");
  return std::pair{raw->substr(2, sep - 2), raw->substr(sep + 1)};
}

PBGDPL_DECL error conflict_error(std::string_view kind, std::string_view id, std::uint64_t expected, std::uint64_t actual) {
  return error(errc::conflict, "/version",
               "Bản ghi " + std::string(kind) + "/" + std::string(id) + " đã được người khác sửa (phiên bản " +
                   std::to_string(actual) + ", bạn sửa từ phiên bản " + std::to_string(expected) + "); hãy tải lại",
               "Record " + std::string(kind) + "/" + std::string(id) + " was changed by someone else (version " +
                   std::to_string(actual) + ", your edit was based on " + std::to_string(expected) + "); reload it");
}

PBGDPL_DECL error not_found_error(std::string_view kind, std::string_view id) {
  return error(errc::not_found, "/id", "Không tìm thấy " + std::string(kind) + " \"" + std::string(id) + "\"",
               "No " + std::string(kind) + " \"" + std::string(id) + "\"");
}

PBGDPL_DECL result<void> store::check_unit_parent(const unit& u) {
  // Units change parents over time (unit::history), so a chain is walked on every day where some
  // unit on it changes: today's state (after every period) and each period's last day met on the
  // way. A cycle on any of those days is refused; between them nothing changes. Bounded: at most
  // max_checked_days days, each a walk of at most max_unit_depth reads.
  constexpr std::size_t max_checked_days = 256;
  const date latest{std::chrono::year{9999}, std::chrono::December, std::chrono::day{31}};
  std::vector<date> days{latest};
  auto add_days = [&](const unit& x) {
    for (const auto& p : x.history)
      if (days.size() < max_checked_days && std::find(days.begin(), days.end(), p.until) == days.end())
        days.push_back(p.until);
  };
  add_days(u);
  std::map<std::string, unit, std::less<>> read_units;  // each record decoded once
  for (std::size_t k = 0; k < days.size(); ++k) {
    const date day = days[k];
    const auto& first = parent_on(u, day);
    if (!first) continue;
    std::set<std::string, std::less<>> seen{u.id.value};
    std::string cur = first->value;
    for (std::size_t steps = 0; !cur.empty(); ++steps) {
      if (seen.count(cur) || steps > max_unit_depth) {
        const bool today = day == latest;
        const std::string when_vi = today ? "" : " (vào ngày " + format_date(day) + ")";
        const std::string when_en = today ? "" : " (on " + format_date(day) + ")";
        return error(errc::invalid_argument, "/parent",
                     "Không thể đặt " + first->value + " làm đơn vị cấp trên của " + u.id.value +
                         ": chuỗi đơn vị cấp trên quay lại " + cur + when_vi + ", cây đơn vị sẽ có vòng lặp",
                     "Cannot make " + first->value + " the parent of " + u.id.value +
                         ": its chain of parents comes back to " + cur + when_en +
                         ", so the unit tree would contain a cycle");
      }
      seen.insert(cur);
      auto it = read_units.find(cur);
      if (it == read_units.end()) {
        auto r = get<unit>(cur);
        if (!r) {
          if (r.err().code != errc::not_found) return r.err();
          // The unit's own parent must exist. A missing ancestor further up is damage an older
          // version stored (it did not check): the chain ends there, and this write is not blamed.
          if (steps == 0 && day == latest)
            return error(errc::invalid_argument, "/parent",
                         "Đơn vị cấp trên \"" + cur + "\" của " + u.id.value + " không tồn tại; hãy tạo đơn vị cấp trên trước",
                         "The parent unit \"" + cur + "\" of " + u.id.value + " does not exist; create the parent first");
          break;
        }
        add_days(*r);
        it = read_units.emplace(cur, std::move(*r)).first;
      }
      const auto& next = parent_on(it->second, day);
      cur = next ? next->value : std::string();
    }
  }
  // More days of change than the bound: refused rather than checked in part.
  if (days.size() >= max_checked_days)
    return error(errc::too_large, "/history",
                 "Chuỗi đơn vị cấp trên có quá nhiều mốc thay đổi để kiểm tra (tối đa " +
                     std::to_string(max_checked_days) + ")",
                 "The chain of parent units changes on too many days to check (at most " +
                     std::to_string(max_checked_days) + ")");
  // Successors of a unit that ended stay inside its city (the top of its chain on its last day):
  // a succession gives the successor's staff the unit's archive and lists it on their pages, so
  // naming a unit of another city would reach over to it. A top-level unit (a city merged into
  // another) may only be succeeded by top-level units. Successors not stored yet are checked when
  // the unit is written again.
  if (u.closed_on && !u.successors.empty()) {
    auto top_of = [&](std::string id, date day) -> result<std::string> {
      for (std::size_t steps = 0; steps <= max_unit_depth; ++steps) {
        auto it = read_units.find(id);
        if (it == read_units.end()) {
          if (id == u.id.value) {
            it = read_units.emplace(id, u).first;
          } else {
            auto r = get<unit>(id);
            if (!r) {
              if (r.err().code == errc::not_found) return id;
              return r.err();
            }
            it = read_units.emplace(id, std::move(*r)).first;
          }
        }
        const auto& p = parent_on(it->second, day);
        if (!p) return id;
        id = p->value;
      }
      return id;
    };
    auto mine = top_of(u.id.value, *u.closed_on);
    if (!mine) return mine.err();
    for (std::size_t i = 0; i < u.successors.size(); ++i) {
      const auto& s = u.successors[i].successor.value;
      if (!read_units.count(s) && !get<unit>(s)) continue;  // not stored yet
      auto theirs = top_of(s, latest);
      if (!theirs) return theirs.err();
      const bool both_top = *mine == u.id.value && *theirs == s;
      if (*theirs != *mine && !both_top)
        return error(errc::invalid_argument, "/successors/" + std::to_string(i) + "/successor",
                     "Đơn vị kế thừa " + s + " không thuộc cùng thành phố, tỉnh với " + u.id.value,
                     "The successor " + s + " is not in the same city or province as " + u.id.value);
    }
  }
  return {};
}

PBGDPL_DECL result<std::vector<unit>> store::all_units() {
  std::vector<unit> units;
  list_query q;
  q.limit = 100;
  q.where.include_archived = true;
  for (;;) {
    auto p = list_records(entity_traits<unit>::kind, q);
    if (!p) return p.err();
    for (auto& r : p->items) {
      auto u = decode<unit>(std::move(r));
      if (!u) return u.err();
      units.push_back(std::move(*u));
    }
    if (p->next_cursor.empty()) break;
    q.cursor = std::move(p->next_cursor);
  }
  return units;
}

PBGDPL_DECL result<unit_directory> store::hierarchy_at(date d) {
  auto units = all_units();
  if (!units) return units.err();
  return unit_directory::at(std::move(*units), d);
}

PBGDPL_DECL bool matches(const record& r, const filter& f, const std::vector<std::string>& units) {
  if (!f.include_archived && r.archived) return false;
  if (f.unit && std::find(units.begin(), units.end(), r.unit) == units.end()) return false;
  if (!f.unit_in.empty() && std::find(f.unit_in.begin(), f.unit_in.end(), r.unit) == f.unit_in.end()) return false;
  if (f.kind && r.sub_kind != *f.kind) return false;
  if (f.category && r.category != *f.category) return false;
  if (f.state && r.state != *f.state) return false;
  if (f.doc_type && r.doc_type != *f.doc_type) return false;
  if (f.doc_level && r.doc_level != *f.doc_level) return false;
  if (f.doc_status && r.doc_status != *f.doc_status) return false;
  if (f.field && std::find(r.fields.begin(), r.fields.end(), *f.field) == r.fields.end()) return false;
  if (f.from && (r.day.empty() || r.day < format_date(*f.from))) return false;
  if (f.to && (r.day.empty() || r.day > format_date(*f.to))) return false;
  // An article's sort key is its publication time (entity_traits<article>::index).
  if (f.visible_at && r.kind == entity_traits<article>::kind && r.sort_key > detail::ts_key(*f.visible_at)) return false;
  return true;
}

#if !defined(PBGDPL_HEADER_ONLY)
PBGDPL_STORE_KINDS(PBGDPL_STORE_DECODE_INSTANTIATE)
#endif

}  // namespace store
PBGDPL_NAMESPACE_END
