// The storage interface every backend implements (in-memory, SQLite, PostgreSQL through a
// plugin): typed create/get/update/archive/remove with optimistic concurrency, filtered keyset
// pages, Vietnamese search, transactions and an append-only audit log. No SQL in this header.
#pragma once
#include "../model.hpp"
#include "changes.hpp"
#include "kinds.hpp"
#include "record.hpp"
#include "search.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace store {

namespace detail {

// Reads back a body the store wrote. The field list is the model's own describe(), as for
// model_io::reader, but strings and ids are taken as stored: no NFC pass, no length limit, no id
// format rule, since the write path validated and normalised them. Types, required members,
// enum names, dates and the schema header are still checked, so a damaged body is an error,
// never a guess. `Move` takes the strings out of the JSON (a record read only to be decoded).
template <bool Move>
class stored_reader {
 public:
  using json_ref = std::conditional_t<Move, json&, const json&>;
  explicit stored_reader(json_ref j) : j_(j) {}

  template <class T>
  void operator()(std::string_view key, T& v, model_io::need n = model_io::need::optional,
                  json_io::text_limit = json_io::text_limit::long_text) {
    auto it = j_.find(key);
    if (it == j_.end()) {
      if (n == model_io::need::required)
        throw exception(error(errc::missing_field, "/" + json_io::pointer_token(key),
                              "Thiếu thông tin bắt buộc \"" + std::string(key) + "\"",
                              "Missing required field \"" + std::string(key) + "\""));
      return;
    }
    if (n == model_io::need::optional && it->is_null()) return;
    json_io::at_path(key, [&] { read(*it, v); });
  }

  void header(int& schema_version, std::uint64_t& version) { model_io::reader{j_}.header(schema_version, version); }

  template <class T>
  static void read(json_ref j, T& out) {
    if constexpr (std::is_same_v<T, std::string>) {
      out = take(j);
    } else if constexpr (json_io::is_id<T>::value) {
      out = T{take(j)};
    } else if constexpr (json_io::is_optional<T>::value) {
      if (j.is_null()) {
        out.reset();
      } else {
        typename T::value_type v{};
        read(j, v);
        out = std::move(v);
      }
    } else if constexpr (json_io::is_vector<T>::value) {
      if (!j.is_array()) json_io::wrong_type(j, "mảng", "array");
      out.clear();
      out.reserve(j.size());
      for (std::size_t i = 0; i < j.size(); ++i) {
        typename T::value_type v{};
        json_io::at_path(std::to_string(i), [&] { read(j[i], v); });
        out.push_back(std::move(v));
      }
    } else if constexpr (requires(stored_reader& r, T& x) { describe(r, x); }) {
      if (!j.is_object()) json_io::wrong_type(j, "đối tượng", "object");
      stored_reader r(j);
      T fresh{};
      describe(r, fresh);
      // What the model's own from_json does after describe() for records of older versions (a
      // legal document's family and status, issue 13): the store's reads must agree with it.
      if constexpr (requires(const json& body, T& x) { upgrade_legacy(body, x); }) upgrade_legacy(std::as_const(j), fresh);
      out = std::move(fresh);
    } else {
      json_io::read(j, out);  // numbers, booleans, enum names, dates, times, school years
    }
  }

 private:
  static std::string take(json_ref j) {
    if (!j.is_string()) json_io::wrong_type(j, "chuỗi", "string");
    if constexpr (Move) return std::move(j.template get_ref<std::string&>());
    else return j.template get_ref<const std::string&>();
  }
  json_ref j_;
};

// For backends' change_stamp(): counts a change when it goes out of scope, however the write or
// transaction ended. Declared after the backend's lock, so it counts while the lock is held.
struct count_change {
  std::uint64_t& n;
  ~count_change() { ++n; }
};

// A body that does not decode as its kind: errc::corrupt, naming the record and the field.
error undecodable_record(std::string_view kind, std::string_view id, const error& why);

template <class T, bool Move>
result<T> decode_body(typename stored_reader<Move>::json_ref body) {
  try {
    T v{};
    stored_reader<Move>::read(body, v);
    return v;
  } catch (const exception& e) {
    return e.err();
  } catch (const nlohmann::json::exception& e) {
    return error(errc::wrong_type, {}, "Sai kiểu dữ liệu", e.what());
  } catch (const std::bad_alloc&) {
    return error(errc::too_large);
  }
}

// Puts every string of a JSON value into NFC, in place; `changed` tells whether any was not.
// Invalid UTF-8 is an error (the path of the first such string).
result<void> normalize_strings(json& j, bool& changed);

}  // namespace detail

// The entity a record holds, as the store wrote it: decoded without validation or NFC (both ran
// on the write path). A body that does not decode as T is errc::corrupt; so is a record of
// another kind.
template <stored_entity T>
result<T> decode(const record& r) {
  if (r.kind != entity_traits<T>::kind)
    return detail::undecodable_record(r.kind, r.id, error(errc::wrong_type, {}, "không phải " + std::string(entity_traits<T>::kind),
                                                          "not a " + std::string(entity_traits<T>::kind)));
  auto v = detail::decode_body<T, false>(r.body);
  if (!v) return detail::undecodable_record(r.kind, r.id, v.err());
  return v;
}

// The same, taking the strings out of a record that is dropped afterwards.
template <stored_entity T>
result<T> decode(record&& r) {
  if (r.kind != entity_traits<T>::kind) return decode<T>(static_cast<const record&>(r));
  auto v = detail::decode_body<T, true>(r.body);
  if (!v) return detail::undecodable_record(r.kind, r.id, v.err());
  return v;
}

// Compiled mode: each kind's decoding is instantiated once, in the library. It walks the
// model's whole field list per kind, which cost about 1 s of compile time per kind in every TU
// that reads entities (measured: a TU reading all eight kinds 10.9-14.1 s against 3.4 s).
#define PBGDPL_STORE_DECODE_TEMPLATES(prefix, T)                   \
  prefix template result<T> decode<T>(const record&);             \
  prefix template result<T> decode<T>(record&&);
#define PBGDPL_STORE_DECODE_EXTERN(T) PBGDPL_STORE_DECODE_TEMPLATES(extern, T)
#define PBGDPL_STORE_DECODE_INSTANTIATE(T) PBGDPL_STORE_DECODE_TEMPLATES(, T)
#if !defined(PBGDPL_HEADER_ONLY)
PBGDPL_STORE_KINDS(PBGDPL_STORE_DECODE_EXTERN)
#endif

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
  // false: the records may come without their body (record::body null), for a reader that takes
  // the entities from decoded records it keeps (record_cache::reader::list). A backend may send
  // bodies anyway; list<T> always asks for them.
  bool bodies = true;
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
std::string key_cursor(const std::string& sort_key, const std::string& id);
result<std::pair<std::string, std::string>> parse_key_cursor(std::string_view c);

error conflict_error(std::string_view kind, std::string_view id, std::uint64_t expected, std::uint64_t actual);
error not_found_error(std::string_view kind, std::string_view id);

// The store. Backends implement the record-level virtual functions; callers use the typed
// templates (create<article>, list<legal_document>, ...), which validate before writing.
// Thread safety: each backend says in its header whether it may be shared (memory_store and
// sqlite_store may). The typed templates add no state: they are as safe as the backend. A
// typed update or archive is read-then-write; a concurrent writer makes it fail with
// errc::conflict, never overwrites silently. The value types here (record, filter, page,
// search_request...) are plain values: share them const or copy them.
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
  // Each hit carries the record it names (search_hit::stored) where the backend has it.
  virtual result<search_page> search(const search_request& req) = 0;
  // Newest first; kind/id empty = every entity.
  virtual result<std::vector<audit_entry>> audit_log(std::string_view kind = {}, std::string_view id = {},
                                                     std::size_t limit = 100) = 0;
  // Runs fn atomically: all its writes or none (when it returns an error or throws). Nests.
  virtual result<void> transaction(const std::function<result<void>()>& fn) = 0;
  // A number that is different after anything may have changed what a read returns: every write
  // and every transaction's end through this store (committed or rolled back) and, where other
  // connections can write the same data (another process on one SQLite file), their commits.
  // Equal answers mean nothing changed in between. Caches of decoded records (record_cache.hpp)
  // ask it to know that what they hold is still what the store holds. nullopt: this backend
  // cannot tell (the default), so nothing it returns may be kept.
  virtual std::optional<std::uint64_t> change_stamp() { return std::nullopt; }

  // --- changes (store/changes.hpp) -----------------------------------------------------------
  // Tells `fn` of every committed write, after the commit (a transaction's writes as one batch,
  // after the outermost commit; nothing of what rolls back), on the writing thread, outside the
  // store's locks. Unsubscribed when the handle goes; the handle may outlive the store. See
  // changes.hpp for the thread safety; listeners must be thread-safe.
  change_subscription subscribe(change_listener fn) { return changes_->subscribe(std::move(fn)); }
  // Other writers of the same data (another sqlite_store object or process on one file): reads
  // the commits made since the last poll and tells the listeners, on this thread; returns how
  // many changes were delivered. Cheap when nothing changed (SQLite: one PRAGMA data_version).
  // Backends whose writes all pass through this object (the memory store) have nothing to poll.
  virtual result<std::size_t> poll_changes() { return std::size_t{0}; }
  // Listeners that threw (each is skipped for that batch; the write stays committed).
  std::uint64_t change_listener_failures() const noexcept { return changes_->failures(); }

 protected:
  // For backends: delivers a batch (after the outermost commit, with no lock held).
  void notify(const std::vector<change>& batch) noexcept { changes_->deliver(batch); }

 private:
  std::shared_ptr<change_hub> changes_ = std::make_shared<change_hub>();

 public:
  // --- typed operations -----------------------------------------------------------------------
  // Stores a new entity (an empty id gets a random one); returns it as stored, with version 1.
  // A created_at or updated_at left at its default (1970) is set: created_at to updated_at if
  // that is set, else to now; updated_at to created_at. Other required times (a question's
  // asked_at, a dialogue's starts_at) are the caller's: left unset, the write is refused.
  template <stored_entity T>
  result<T> create(T v, std::string_view actor) {
    if (v.id.value.empty()) v.id.value = random_id_string();
    v.version = 1;
    fill_unset_times(v, write_op::create);
    auto r = stored_form(v);
    if (!r) return r.err();
    auto w = checked_write(write_op::create, *r, 0, actor, v);
    if (!w) return w.err();
    return v;
  }

  // Reads are not validated again: what the store holds passed validation when it was written.
  template <stored_entity T>
  result<T> get(std::string_view id) {
    auto r = read(entity_traits<T>::kind, id);
    if (!r) return r.err();
    return decode<T>(std::move(*r));
  }

  // The entity a search hit names, from the record the search already read (no second read);
  // read by id when the backend left the record out. A hit of another kind is not_found.
  template <stored_entity T>
  result<T> get(const search_hit& h) {
    if (h.kind != entity_traits<T>::kind) return not_found_error(entity_traits<T>::kind, h.id);
    if (h.stored.kind.empty()) return get<T>(std::string_view(h.id));
    return decode<T>(h.stored);
  }

  // Writes v if nobody changed it since it was read (v.version is the version read); returns it
  // with the new version. A stale v fails with errc::conflict and changes nothing.
  // updated_at is the caller's: an entity read and written back keeps the updated_at it had;
  // left at its default (1970, e.g. reset with `v.updated_at = {}`), it is set to now.
  template <stored_entity T>
  result<T> update(T v, std::string_view actor) {
    auto expected = v.version;
    if (expected == 0) return not_found_error(entity_traits<T>::kind, v.id.value);
    v.version = expected + 1;
    fill_unset_times(v, write_op::update);
    auto r = stored_form(v);
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
    auto r = stored_form(v);
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
    if (!q.bodies) {
      list_query with_bodies = q;
      with_bodies.bodies = true;
      return list<T>(with_bodies);
    }
    auto p = list_records(entity_traits<T>::kind, q);
    if (!p) return p.err();
    page<T> out;
    out.next_cursor = std::move(p->next_cursor);
    out.items.reserve(p->items.size());
    for (auto& r : p->items) {
      auto v = decode<T>(std::move(r));
      if (!v) return v.err();
      out.items.push_back(std::move(*v));
    }
    return out;
  }

  // Refuses a unit whose parent chain comes back to it (or runs into a cycle stored by an older
  // version): every walk of the tree, up or down, relies on there being none. The chain is read
  // with a bound and a visited set, so even a damaged tree cannot make this loop. The parent
  // itself must be stored (a dangling parent is refused, errc::invalid_argument at /parent):
  // create parents first (import_dataset orders a dataset's units so). An ancestor missing
  // further up (stored by an older version) ends the chain.
  result<void> check_unit_parent(const unit& u);
  static constexpr std::size_t max_unit_depth = 64;

  // Every stored unit, archived ones included (an ended unit's record stays: its content is
  // attributed to it), in id order.
  result<std::vector<unit>> all_units();
  // The unit hierarchy on day d: unit_directory::at() over every stored unit. Both backends
  // answer it from the same records (each unit's history rides in its record, so a record
  // written before units had a history reads as one unchanging state: no migration).
  result<unit_directory> hierarchy_at(date d);

  // The record a typed value is stored as; validation failures are returned, nothing written.
  template <stored_entity T>
  static result<record> to_record(const T& v) {
    T copy = v;
    return stored_form(copy);
  }

 private:
  // What create() and update() say above: the times a caller need not invent. Only kinds whose
  // created_at/updated_at are required (not optional) have them filled.
  template <class T>
  static void fill_unset_times(T& v, write_op op) {
    constexpr timestamp unset{};
    constexpr bool has_created = requires { requires std::is_same_v<decltype(T::created_at), timestamp>; };
    constexpr bool has_updated = requires { requires std::is_same_v<decltype(T::updated_at), timestamp>; };
    if constexpr (has_created && has_updated) {
      if (op == write_op::create) {
        if (v.created_at == unset) v.created_at = v.updated_at != unset ? v.updated_at : now();
        if (v.updated_at == unset) v.updated_at = v.created_at;
      } else if (v.updated_at == unset) {
        v.updated_at = std::max(now(), v.created_at);
      }
    } else if constexpr (has_created) {
      if (op == write_op::create && v.created_at == unset) v.created_at = now();
    }
  }

  // Validates v, then makes the record: text in NFC (v too, so what create/update return is
  // what a read gives back), the kind's columns and search text.
  template <stored_entity T>
  static result<record> stored_form(T& v) {
    auto ok = check(v);
    if (!ok) return ok.err();
    record r;
    r.kind = entity_traits<T>::kind;
    r.id = v.id.value;
    r.version = v.version;
    r.body = to_json_value(v);
    bool changed = false;
    if (auto n = detail::normalize_strings(r.body, changed); !n) return n.err();
    if (changed) {  // rare: text built in C++ and not composed; the columns come from NFC too
      auto nv = decode<T>(static_cast<const record&>(r));
      if (!nv) return nv.err();
      v = std::move(*nv);
    }
    // What the store writes it must read back: a record over the JSON read limit (a report whose
    // comments grew a megabyte per save) would be written, then every list holding it would fail.
    if (const auto bytes = r.body.dump().size(); bytes > PBGDPL_MAX_JSON_BYTES)
      return error(errc::too_large, {},
                   "Bản ghi quá lớn để lưu (" + std::to_string(bytes) + " byte, tối đa " +
                       std::to_string(PBGDPL_MAX_JSON_BYTES) + "): hãy rút gọn nội dung",
                   "The record is too large to store (" + std::to_string(bytes) + " bytes, at most " +
                       std::to_string(PBGDPL_MAX_JSON_BYTES) + "): shorten its content");
    entity_traits<T>::index(v, r);
    fill_search_text(r);
    return r;
  }

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
bool matches(const record& r, const filter& f, const std::vector<std::string>& units);

}  // namespace store
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/store.ipp"
#endif
