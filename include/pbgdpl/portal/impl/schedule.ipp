// Definitions for portal/schedule.hpp (inline in header-only mode, compiled once from src/portal/).
#pragma once

PBGDPL_NAMESPACE_BEGIN
namespace portal {

namespace detail {
// An article's place in the store's order when published at `t`: asked of the store's own
// registry, so the cut follows however the store sorts articles.
inline std::string article_sort_key(timestamp t) {
  article probe;
  probe.state = article_state::published;
  probe.created_at = t;
  probe.published_at = t;
  store::record r;
  store::entity_traits<article>::index(probe, r);
  return r.sort_key;
}
// Above every id (ids are ASCII), so at equal keys the cut keeps them all on the "before" side.
inline constexpr std::string_view id_ceiling = "\xff";
}  // namespace detail

PBGDPL_DECL std::string published_by_cursor(timestamp now) {
  return store::key_cursor(detail::article_sort_key(now), std::string(detail::id_ceiling));
}

PBGDPL_DECL std::string clamp_cursor(std::string cursor, timestamp now) {
  if (cursor.empty()) return published_by_cursor(now);
  auto c = store::parse_key_cursor(cursor);
  if (!c) return cursor;  // the store refuses it with its own message
  if (std::pair(c->first, c->second) > std::pair(detail::article_sort_key(now), std::string(detail::id_ceiling)))
    return published_by_cursor(now);
  return cursor;
}

PBGDPL_DECL std::optional<timestamp> publication_schedule::lookup(timestamp now) {
  store::list_query q;
  q.where.state = std::string(to_string(article_state::published));
  q.oldest_first = true;
  q.cursor = published_by_cursor(now);  // oldest first: what comes after it is still to come
  q.limit = 20;
  auto p = db_.list<article>(q);
  if (!p) return std::nullopt;
  for (const auto& a : p->items)
    if (a.published_at && *a.published_at > now) return a.published_at;
  return std::nullopt;
}

PBGDPL_DECL std::int64_t publication_schedule::next_at(timestamp now) {
  auto n = next_.load(std::memory_order_acquire);
  if (n != unknown) return n;
  std::lock_guard lock(mu_);
  n = next_.load(std::memory_order_acquire);
  if (n != unknown) return n;
  auto changes = changes_.load(std::memory_order_acquire);
  auto t = lookup(now);
  n = t ? static_cast<std::int64_t>(t->time_since_epoch().count()) : never;
  // Content that changed during the lookup may hold an earlier publication: then this answer is
  // used once and the next caller looks again.
  if (changes_.load(std::memory_order_acquire) == changes) {
    auto expected = unknown;
    next_.compare_exchange_strong(expected, n, std::memory_order_acq_rel);
  }
  return n;
}

PBGDPL_DECL bool publication_schedule::due(timestamp now) {
  auto n = next_at(now);
  if (n == never || static_cast<std::int64_t>(now.time_since_epoch().count()) < n) return false;
  // Only one caller drops the pages for this publication; the next one is looked up afresh.
  return next_.compare_exchange_strong(n, unknown, std::memory_order_acq_rel);
}

PBGDPL_DECL std::chrono::seconds publication_schedule::fresh_for(timestamp now, std::chrono::seconds max) {
  auto n = next_at(now);
  if (n == never) return max;
  auto left = std::chrono::seconds(n - static_cast<std::int64_t>(now.time_since_epoch().count()));
  if (left <= std::chrono::seconds(0)) return std::chrono::seconds(0);
  return std::min(max, left);
}

}  // namespace portal
PBGDPL_NAMESPACE_END
