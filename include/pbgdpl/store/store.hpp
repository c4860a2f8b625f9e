// The storage interface every backend implements (in-memory, SQLite, PostgreSQL through a
// plugin): typed create/get/update/archive/remove with optimistic concurrency, filtered keyset
// pages, Vietnamese search, transactions and an append-only audit log. No SQL in this header.
#pragma once
#include "../model.hpp"
#include "search.hpp"

#include <concepts>
#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace store {

// An entity as a backend sees it: its JSON plus the columns queries filter and sort on. Backends
// store records and never need the C++ types, which keeps plugins to JSON across the C ABI.
struct record {
  std::string kind;  // "article", "legal_document", ...
  std::string id;
  std::uint64_t version = 0;  // 1 after create, +1 per update or archive
  json body;                  // the entity's JSON (its "version" equals `version`)
  std::string unit, parent;   // owning unit; for units: the unit itself and its parent
  std::string sub_kind, category, state, doc_type, doc_level, doc_status;
  std::vector<std::string> fields;
  std::string sort_key;  // pages are ordered by (sort_key, id), newest first by default
  std::string day;       // "YYYY-MM-DD": the date the from/to filters compare
  bool archived = false;
  // Search: a searchable record has a title and text (both NFC); others leave them empty.
  bool searchable = false;
  std::string title, text;
};

// Which JSON members of a kind are searched (also used to re-index after a migration).
struct search_fields {
  std::string_view title;
  std::vector<std::string_view> text;
};

inline const search_fields* searchable_fields(std::string_view kind) {
  static const search_fields article{"title", {"summary", "body_markdown"}};
  static const search_fields legal_document{"title", {"number", "summary", "body_markdown", "issuer"}};
  static const search_fields question{"title", {"body", "answer_markdown"}};
  static const search_fields publication{"title", {"summary"}};
  if (kind == "article") return &article;
  if (kind == "legal_document") return &legal_document;
  if (kind == "question") return &question;
  if (kind == "publication") return &publication;
  return nullptr;
}

inline const std::vector<std::string>& searchable_kinds() {
  static const std::vector<std::string> k{"article", "legal_document", "question", "publication"};
  return k;
}

// Fills title/text of a record from its JSON body.
inline void fill_search_text(record& r) {
  const auto* f = searchable_fields(r.kind);
  r.searchable = f != nullptr;
  r.title.clear();
  r.text.clear();
  if (!f) return;
  auto str = [&](std::string_view k) -> std::string {
    auto it = r.body.find(k);
    return it != r.body.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  r.title = str(f->title);
  for (auto k : f->text) {
    auto s = str(k);
    if (s.empty()) continue;
    if (!r.text.empty()) r.text += "\n";
    r.text += s;
  }
}

// How a type is stored: its kind name and its indexed columns. Specialised below for each
// stored model type; a new entity kind adds one specialisation.
template <class T>
struct entity_traits;

template <class T>
concept stored_entity = requires(const T& v, record& r) {
  { entity_traits<T>::kind } -> std::convertible_to<std::string_view>;
  entity_traits<T>::index(v, r);
  { v.id.value } -> std::convertible_to<std::string>;
  { v.version } -> std::convertible_to<std::uint64_t>;
};

namespace detail {
inline std::string ts_key(timestamp t) { return format_timestamp_utc(t); }
inline std::string day_of(timestamp t) { return format_date(local_date(t)); }
}  // namespace detail

template <>
struct entity_traits<unit> {
  static constexpr std::string_view kind = "unit";
  static void index(const unit& u, record& r) {
    r.unit = u.id.value;
    r.parent = u.parent ? u.parent->value : std::string();
    r.sub_kind = std::string(to_string(u.kind));
    r.sort_key = text::fold(u.name).value_or(u.name);
  }
};

template <>
struct entity_traits<account> {
  static constexpr std::string_view kind = "account";
  static void index(const account& a, record& r) {
    r.sort_key = a.username;
    r.state = a.disabled ? "disabled" : "active";
    if (!a.grants.empty()) r.unit = a.grants.front().unit.value;
  }
};

template <>
struct entity_traits<article> {
  static constexpr std::string_view kind = "article";
  static void index(const article& a, record& r) {
    auto t = a.published_at.value_or(a.created_at);
    r.unit = a.unit.value;
    r.sub_kind = std::string(to_string(a.kind));
    r.category = a.category;
    r.state = std::string(to_string(a.state));
    r.sort_key = detail::ts_key(t);
    r.day = detail::day_of(t);
  }
  static void on_archive(article& a) { a.state = article_state::archived; }
};

template <>
struct entity_traits<legal_document> {
  static constexpr std::string_view kind = "legal_document";
  static void index(const legal_document& d, record& r) {
    r.unit = d.unit ? d.unit->value : std::string();
    r.state = std::string(to_string(d.state));
    r.doc_type = d.type_code;
    r.doc_level = std::string(to_string(d.level));
    r.doc_status = std::string(to_string(d.status));
    r.fields = d.fields;
    r.sort_key = format_date(d.issued_on) + detail::ts_key(d.created_at);
    r.day = format_date(d.issued_on);
  }
  static void on_archive(legal_document& d) { d.state = article_state::archived; }
};

template <>
struct entity_traits<question> {
  static constexpr std::string_view kind = "question";
  static void index(const question& q, record& r) {
    r.unit = q.unit.value;
    r.category = q.category;
    r.state = std::string(to_string(q.state));
    r.sort_key = detail::ts_key(q.asked_at);
    r.day = detail::day_of(q.asked_at);
  }
};

template <>
struct entity_traits<publication> {
  static constexpr std::string_view kind = "publication";
  static void index(const publication& p, record& r) {
    r.unit = p.unit.value;
    r.sub_kind = std::string(to_string(p.kind));
    r.state = std::string(to_string(p.state));
    if (p.published_at) {
      r.sort_key = detail::ts_key(*p.published_at);
      r.day = detail::day_of(*p.published_at);
    }
  }
  static void on_archive(publication& p) { p.state = article_state::archived; }
};

template <>
struct entity_traits<media_asset> {
  static constexpr std::string_view kind = "media_asset";
  static void index(const media_asset& m, record& r) {
    r.unit = m.unit.value;
    r.sub_kind = std::string(to_string(m.type));
    if (m.created_at) {
      r.sort_key = detail::ts_key(*m.created_at);
      r.day = detail::day_of(*m.created_at);
    }
  }
};

template <>
struct entity_traits<dialogue_session> {
  static constexpr std::string_view kind = "dialogue_session";
  static void index(const dialogue_session& d, record& r) {
    r.unit = d.unit.value;
    r.state = std::string(to_string(d.state));
    r.sort_key = detail::ts_key(d.starts_at);
    r.day = detail::day_of(d.starts_at);
  }
};

template <class T>
struct page {
  std::vector<T> items;
  std::string next_cursor;  // empty on the last page
};

struct list_query {
  filter where;
  std::size_t limit = 20;  // 1..100
  std::string cursor;
  bool oldest_first = false;
};

// One line of the audit log; nothing updates or deletes these.
struct audit_entry {
  std::uint64_t seq = 0;
  timestamp at{};
  std::string actor;  // account id (or "system")
  std::string kind, id;
  std::string action;  // "create", "update", "archive", "remove"
  std::uint64_t version = 0;  // the version written (for remove: the version removed)
  json previous;              // the entity before the change; null for create
};

enum class write_op { create, update, archive, remove };

inline std::string_view to_string(write_op op) noexcept {
  switch (op) {
    case write_op::create: return "create";
    case write_op::update: return "update";
    case write_op::archive: return "archive";
    case write_op::remove: return "remove";
  }
  return "?";
}

// Keyset cursors for lists: (sort_key, id) of the last item.
inline std::string key_cursor(const std::string& sort_key, const std::string& id) {
  return encode_cursor("k:" + sort_key + '\x1f' + id);
}

inline result<std::pair<std::string, std::string>> parse_key_cursor(std::string_view c) {
  auto raw = decode_cursor(c);
  if (!raw) return raw.err();
  auto sep = raw->find('\x1f');
  if (raw->compare(0, 2, "k:") != 0 || sep == std::string::npos)
    return error(errc::invalid_argument, "/cursor", "Con trỏ phân trang không hợp lệ", "Invalid page cursor");
  return std::pair{raw->substr(2, sep - 2), raw->substr(sep + 1)};
}

inline error conflict_error(std::string_view kind, std::string_view id, std::uint64_t expected, std::uint64_t actual) {
  return error(errc::conflict, "/version",
               "Bản ghi " + std::string(kind) + "/" + std::string(id) + " đã được người khác sửa (phiên bản " +
                   std::to_string(actual) + ", bạn sửa từ phiên bản " + std::to_string(expected) + "); hãy tải lại",
               "Record " + std::string(kind) + "/" + std::string(id) + " was changed by someone else (version " +
                   std::to_string(actual) + ", your edit was based on " + std::to_string(expected) + "); reload it");
}

inline error not_found_error(std::string_view kind, std::string_view id) {
  return error(errc::not_found, "/id", "Không tìm thấy " + std::string(kind) + " \"" + std::string(id) + "\"",
               "No " + std::string(kind) + " \"" + std::string(id) + "\"");
}

// The store. Backends implement the record-level virtual functions; callers use the typed
// templates (create<article>, list<legal_document>, ...), which validate before writing.
class store {
 public:
  virtual ~store() = default;

  // --- record level (what a backend implements) ---------------------------------------------
  // create: r.version == 1, fails with already_exists. update/archive: succeeds only when the
  // stored version is `expected` (then r.version == expected + 1), else conflict. remove:
  // `expected` 0 removes any version. Every successful write appends one audit entry.
  virtual result<void> write(write_op op, const record& r, std::uint64_t expected, std::string_view actor) = 0;
  virtual result<record> read(std::string_view kind, std::string_view id) = 0;
  virtual result<page<record>> list_records(std::string_view kind, const list_query& q) = 0;
  virtual result<search_page> search(const search_request& req) = 0;
  // Newest first; kind/id empty = every entity.
  virtual result<std::vector<audit_entry>> audit_log(std::string_view kind = {}, std::string_view id = {},
                                                     std::size_t limit = 100) = 0;
  // Runs fn atomically: all its writes or none (when it returns an error or throws). Nests.
  virtual result<void> transaction(const std::function<result<void>()>& fn) = 0;

  // --- typed operations -----------------------------------------------------------------------
  // Stores a new entity (an empty id gets a random one); returns it with version 1.
  template <stored_entity T>
  result<T> create(T v, std::string_view actor) {
    if (v.id.value.empty()) v.id.value = random_id_string();
    v.version = 1;
    auto r = to_record(v);
    if (!r) return r.err();
    auto w = checked_write(write_op::create, *r, 0, actor, v);
    if (!w) return w.err();
    return v;
  }

  template <stored_entity T>
  result<T> get(std::string_view id) {
    auto r = read(entity_traits<T>::kind, id);
    if (!r) return r.err();
    return from_json_value<T>(r->body);
  }

  // Writes v if nobody changed it since it was read (v.version is the version read); returns it
  // with the new version. A stale v fails with errc::conflict and changes nothing.
  template <stored_entity T>
  result<T> update(T v, std::string_view actor) {
    auto expected = v.version;
    if (expected == 0) return not_found_error(entity_traits<T>::kind, v.id.value);
    v.version = expected + 1;
    auto r = to_record(v);
    if (!r) return r.err();
    auto w = checked_write(write_op::update, *r, expected, actor, v);
    if (!w) return w.err();
    return v;
  }

  // Hides an entity from lists and search (kept, and readable by id).
  template <stored_entity T>
  result<T> archive(std::string_view id, std::uint64_t expected, std::string_view actor) {
    auto cur = get<T>(id);
    if (!cur) return cur.err();
    T v = std::move(*cur);
    if (v.version != expected) return conflict_error(entity_traits<T>::kind, id, expected, v.version);
    if constexpr (requires { entity_traits<T>::on_archive(v); }) entity_traits<T>::on_archive(v);
    v.version = expected + 1;
    auto r = to_record(v);
    if (!r) return r.err();
    r->archived = true;
    auto w = write(write_op::archive, *r, expected, actor);
    if (!w) return w.err();
    return v;
  }

  template <stored_entity T>
  result<void> remove(std::string_view id, std::uint64_t expected, std::string_view actor) {
    record r;
    r.kind = entity_traits<T>::kind;
    r.id = std::string(id);
    return write(write_op::remove, r, expected, actor);
  }

  template <stored_entity T>
  result<page<T>> list(const list_query& q = {}) {
    auto p = list_records(entity_traits<T>::kind, q);
    if (!p) return p.err();
    page<T> out;
    out.next_cursor = std::move(p->next_cursor);
    out.items.reserve(p->items.size());
    for (auto& r : p->items) {
      auto v = from_json_value<T>(r.body);
      if (!v) return v.err();
      out.items.push_back(std::move(*v));
    }
    return out;
  }

  // Refuses a unit whose parent chain comes back to it (or runs into a cycle stored by an older
  // version): every walk of the tree, up or down, relies on there being none. The chain is read
  // with a bound and a visited set, so even a damaged tree cannot make this loop. A parent not
  // stored (yet) ends the chain: datasets may list a school before its division.
  result<void> check_unit_parent(const unit& u) {
    if (!u.parent) return {};
    std::set<std::string, std::less<>> seen{u.id.value};
    std::string cur = u.parent->value;
    for (std::size_t steps = 0; !cur.empty(); ++steps) {
      if (seen.count(cur) || steps > max_unit_depth)
        return error(errc::invalid_argument, "/parent",
                     "Không thể đặt " + u.parent->value + " làm đơn vị cấp trên của " + u.id.value +
                         ": chuỗi đơn vị cấp trên quay lại " + cur + ", cây đơn vị sẽ có vòng lặp",
                     "Cannot make " + u.parent->value + " the parent of " + u.id.value + ": its chain of parents comes back to " +
                         cur + ", so the unit tree would contain a cycle");
      seen.insert(cur);
      auto r = read(entity_traits<unit>::kind, cur);
      if (!r) {
        if (r.err().code == errc::not_found) return {};
        return r.err();
      }
      cur = r->parent;
    }
    return {};
  }
  static constexpr std::size_t max_unit_depth = 64;

  // The record a typed value is stored as; validation failures are returned, nothing written.
  template <stored_entity T>
  static result<record> to_record(const T& v) {
    auto ok = check(v);
    if (!ok) return ok.err();
    record r;
    r.kind = entity_traits<T>::kind;
    r.id = v.id.value;
    r.version = v.version;
    r.body = to_json_value(v);
    entity_traits<T>::index(v, r);
    fill_search_text(r);
    return r;
  }
 private:
  // A unit's write checks the tree and writes in one transaction, so two writes that are each
  // harmless alone (A under B, B under A) cannot together make a cycle.
  template <class T>
  result<void> checked_write(write_op op, const record& r, std::uint64_t expected, std::string_view actor, const T& v) {
    if constexpr (std::is_same_v<T, unit>) {
      return transaction([&]() -> result<void> {
        if (auto c = check_unit_parent(v); !c) return c;
        return write(op, r, expected, actor);
      });
    } else {
      return write(op, r, expected, actor);
    }
  }
};

// True when a record passes a filter; `units` is the unit filter already expanded to the unit
// and its descendants (empty when there is no unit filter).
inline bool matches(const record& r, const filter& f, const std::vector<std::string>& units) {
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
  return true;
}

}  // namespace store
PBGDPL_NAMESPACE_END
