// Decoded records, kept for readers that show the same records again and again (the portal's
// pages when a page is not in its page cache): a record is read and decoded once while the store
// stays unchanged, then shared, as std::shared_ptr<const T>, with every reader.
//
// What it holds is never older than the store: each reader first asks store::change_stamp(),
// which changes after any write (this process's, or another connection's commit to the same
// SQLite file), and when the stamp moved everything held is dropped before anything is looked
// up. A store that cannot tell (change_stamp() is nullopt) gets no caching at all. Bounded by
// entries and by approximate bytes (each entity's strings and elements); the least recently used
// goes first.
// Thread safety: one record_cache may be shared by threads (its table is behind a mutex; its
// store must be shareable too, as both built-in stores are). A reader is one thread's, for one
// page: do not share it. The shared_ptr<const T> it returns may be kept and read by any thread.
#pragma once
#include "store.hpp"

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>

PBGDPL_NAMESPACE_BEGIN
namespace store {

namespace detail {
// The heap bytes an entity holds, roughly: strings beyond the small-string buffer and vectors'
// elements, through the model's own field lists (describe()).
struct size_counter {
  std::size_t bytes = 0;

  template <class T, class... Rest>
  void operator()(std::string_view, T& v, Rest&&...) {
    add(v);
  }
  void header(int&, std::uint64_t&) {}

  template <class T>
  void add(const T& v) {
    if constexpr (std::is_same_v<T, std::string>) {
      if (v.capacity() > 15) bytes += v.capacity() + 1;
    } else if constexpr (json_io::is_id<T>::value) {
      add(v.value);
    } else if constexpr (json_io::is_optional<T>::value) {
      if (v) add(*v);
    } else if constexpr (json_io::is_vector<T>::value) {
      bytes += v.capacity() * sizeof(typename T::value_type);
      for (const auto& x : v) add(x);
    } else if constexpr (requires(size_counter& c, T& x) { describe(c, x); }) {
      describe(*this, const_cast<T&>(v));  // the counter only reads
    }
  }
};

template <class T>
std::size_t approx_bytes(const T& v) {
  size_counter c;
  c.add(v);
  return sizeof(T) + c.bytes;
}
}  // namespace detail

class record_cache {
 public:
  struct limits {
    std::size_t max_entries = 4096;
    std::size_t max_bytes = 16u * 1024u * 1024u;  // 0 entries or bytes: keep nothing
  };
  struct counters {
    std::uint64_t hits = 0, misses = 0, drops = 0;  // drops: times everything was dropped (the store changed)
    std::size_t entries = 0, bytes = 0;
  };

  explicit record_cache(store& s) : record_cache(s, limits{}) {}
  record_cache(store& s, limits l) : store_(s), limits_(l) {}
  record_cache(const record_cache&) = delete;
  record_cache& operator=(const record_cache&) = delete;

  // One reader's view (one page): the store's stamp is asked once, here, and every get() through
  // the reader returns the record as the store held it then or later.
  class reader {
   public:
    // The entity, shared; errors as store::get<T> (not_found, corrupt, ...), which are not kept.
    template <stored_entity T>
    result<std::shared_ptr<const T>> get(std::string_view id) {
      return get_version<T>(id, std::nullopt);
    }

    // A page of store::list<T>, the entities shared: the store lists the records without their
    // bodies (no JSON parsed) and the entities come from what is kept, decoded once. A record
    // kept at another version than the list's is read again; one gone meanwhile is left out.
    template <stored_entity T>
    result<page<std::shared_ptr<const T>>> list(list_query q) {
      q.bodies = !stamp_;  // nothing can be kept without a stamp: take the bodies at once
      auto p = cache_.store_.list_records(entity_traits<T>::kind, q);
      if (!p) return p.err();
      page<std::shared_ptr<const T>> out;
      out.next_cursor = std::move(p->next_cursor);
      out.items.reserve(p->items.size());
      for (auto& r : p->items) {
        if (!r.body.is_null()) {  // sent anyway (or asked for): decoded here unless kept already
          if (auto held = held_at<T>(r.id, r.version)) {
            out.items.push_back(std::move(held));
            continue;
          }
          auto id = r.id;
          auto v = decode<T>(std::move(r));
          if (!v) return v.err();
          out.items.push_back(keep(id, std::move(*v)));
          continue;
        }
        auto v = get_version<T>(r.id, r.version);
        if (!v && v.err().code == errc::not_found) continue;
        if (!v) return v.err();
        out.items.push_back(std::move(*v));
      }
      return out;
    }

   private:
    friend class record_cache;
    reader(record_cache& c, std::optional<std::uint64_t> stamp) : cache_(c), stamp_(stamp) {}

    // What is kept for id (at `version`, when given), else the store's entity, kept for the next.
    template <stored_entity T>
    std::shared_ptr<const T> held_at(std::string_view id, std::optional<std::uint64_t> version) {
      if (!stamp_) return nullptr;
      auto held = std::static_pointer_cast<const T>(cache_.find(entity_traits<T>::kind, id, *stamp_));
      return held && (!version || held->version == *version) ? held : nullptr;
    }

    template <stored_entity T>
    result<std::shared_ptr<const T>> get_version(std::string_view id, std::optional<std::uint64_t> version) {
      if (auto held = held_at<T>(id, version)) return held;
      auto v = cache_.store_.template get<T>(id);
      if (!v) return v.err();
      return keep(id, std::move(*v));
    }

    template <class T>
    std::shared_ptr<const T> keep(std::string_view id, T&& v) {
      auto bytes = detail::approx_bytes(v);
      auto shared = std::make_shared<const T>(std::move(v));
      if (stamp_) cache_.insert(entity_traits<T>::kind, id, *stamp_, shared, bytes);
      return shared;
    }

    record_cache& cache_;
    std::optional<std::uint64_t> stamp_;
  };

  reader begin() { return reader(*this, store_.change_stamp()); }

  // One entity through a reader of its own.
  template <stored_entity T>
  result<std::shared_ptr<const T>> get(std::string_view id) {
    return begin().template get<T>(id);
  }

  void clear();
  counters stats() const;
  const limits& config() const noexcept { return limits_; }

 private:
  struct entry {
    std::string key;
    std::shared_ptr<const void> value;
    std::size_t bytes = 0;
  };
  struct key_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  using lru_list = std::list<entry>;

  // What is held for kind/id, after dropping everything if `stamp` is newer than what it was read under.
  std::shared_ptr<const void> find(std::string_view kind, std::string_view id, std::uint64_t stamp);
  // Keeps a value read under `stamp`, unless the cache has moved on to a newer stamp meanwhile.
  void insert(std::string_view kind, std::string_view id, std::uint64_t stamp, std::shared_ptr<const void> value,
              std::size_t bytes);
  void clear_locked();

  store& store_;
  limits limits_;
  mutable std::mutex mu_;
  std::uint64_t stamp_ = 0;  // the store's stamp the entries were read under
  bool stamped_ = false;
  lru_list lru_;  // most recently used first
  std::unordered_map<std::string, lru_list::iterator, key_hash, std::equal_to<>> index_;
  std::size_t bytes_ = 0;
  counters counts_;
};

}  // namespace store
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/record_cache.ipp"
#endif
