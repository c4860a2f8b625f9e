// Bodies of store/record_cache.hpp: compiled once into the store tier (src/store/store.cpp), or
// included by the header in header-only builds.
#pragma once
#include "../record_cache.hpp"

PBGDPL_NAMESPACE_BEGIN
namespace store {

namespace detail {
// kind, unit separator, id: ids and kinds never hold control characters.
inline void cache_key(std::string& out, std::string_view kind, std::string_view id) {
  out.assign(kind);
  out.push_back('\x1f');
  out.append(id);
}
}  // namespace detail

PBGDPL_DECL std::shared_ptr<const void> record_cache::find(std::string_view kind, std::string_view id, std::uint64_t stamp) {
  thread_local std::string key;
  detail::cache_key(key, kind, id);
  std::lock_guard lock(mu_);
  if (!stamped_ || stamp > stamp_) {
    // The store changed since the entries were read (or nothing was read yet): none may be shown.
    if (!lru_.empty()) ++counts_.drops;
    clear_locked();
    stamp_ = stamp;
    stamped_ = true;
  }
  auto it = index_.find(std::string_view(key));
  if (it == index_.end()) {
    ++counts_.misses;
    return nullptr;
  }
  ++counts_.hits;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->value;
}

PBGDPL_DECL void record_cache::insert(std::string_view kind, std::string_view id, std::uint64_t stamp,
                                      std::shared_ptr<const void> value, std::size_t bytes) {
  if (limits_.max_entries == 0 || bytes > limits_.max_bytes) return;
  std::string key;
  detail::cache_key(key, kind, id);
  std::lock_guard lock(mu_);
  // Read under an older stamp than the entries now hold: it may predate a write they reflect.
  if (!stamped_ || stamp != stamp_) return;
  if (auto it = index_.find(std::string_view(key)); it != index_.end()) {
    bytes_ -= it->second->bytes;
    lru_.erase(it->second);
    index_.erase(it);
  }
  while (!lru_.empty() && (lru_.size() >= limits_.max_entries || bytes_ + bytes > limits_.max_bytes)) {
    bytes_ -= lru_.back().bytes;
    index_.erase(lru_.back().key);
    lru_.pop_back();
  }
  lru_.push_front(entry{key, std::move(value), bytes});
  index_.emplace(std::move(key), lru_.begin());
  bytes_ += bytes;
}

PBGDPL_DECL void record_cache::clear_locked() {
  index_.clear();
  lru_.clear();
  bytes_ = 0;
}

PBGDPL_DECL void record_cache::clear() {
  std::lock_guard lock(mu_);
  clear_locked();
  stamped_ = false;
}

PBGDPL_DECL record_cache::counters record_cache::stats() const {
  std::lock_guard lock(mu_);
  auto c = counts_;
  c.entries = lru_.size();
  c.bytes = bytes_;
  return c;
}

}  // namespace store
PBGDPL_NAMESPACE_END
