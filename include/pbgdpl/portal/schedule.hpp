// Scheduled articles: published, with a publication time still to come. Pages, feeds, the
// sitemap, search and anonymous API answers show an article only from that time on
// (is_visible_at), and a page rendered before it is not kept past it: the site asks
// publication_schedule when the next one comes due and drops its cached pages then.
// Thread safety: publication_schedule is safe to call from every thread (it locks its state).
#pragma once
#include "../model/article.hpp"
#include "../store/store.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>
#include <mutex>
#include <optional>
#include <string>

PBGDPL_NAMESPACE_BEGIN
namespace portal {

// Lists stay full: a newest-first list of articles that starts at this cursor holds only articles
// published at or before `now` (the store orders articles by publication time). Pages still check
// is_visible_at on every item; the cursor only keeps scheduled ones from taking a page's places.
std::string published_by_cursor(timestamp now);
// A reader's ?sau= cursor, or published_by_cursor(now) when the reader's would start after `now`
// (a hand-made cursor cannot list what is scheduled). Unreadable cursors are left to the store.
std::string clamp_cursor(std::string cursor, timestamp now);

class publication_schedule {
 public:
  explicit publication_schedule(store::store& db) : db_(db) {}
  publication_schedule(const publication_schedule&) = delete;
  publication_schedule& operator=(const publication_schedule&) = delete;

  // True once when `now` has reached the next publication time (the caller drops what it cached).
  // The next time is looked up in the store after each changed() and after each time it came due:
  // one indexed query per change, an atomic load per request otherwise.
  bool due(timestamp now);
  // How long an answer made at `now` may be kept: `max`, or less when a publication comes sooner.
  std::chrono::seconds fresh_for(timestamp now, std::chrono::seconds max);
  // Content changed: the next publication time is looked up again.
  void changed() noexcept {
    changes_.fetch_add(1, std::memory_order_acq_rel);
    next_.store(unknown, std::memory_order_release);
  }

 private:
  static constexpr std::int64_t unknown = std::numeric_limits<std::int64_t>::min();
  static constexpr std::int64_t never = std::numeric_limits<std::int64_t>::max();
  std::int64_t next_at(timestamp now);
  std::optional<timestamp> lookup(timestamp now);

  store::store& db_;
  std::mutex mu_;
  std::atomic<std::int64_t> next_{unknown};  // seconds since the epoch; never: nothing scheduled
  std::atomic<std::uint64_t> changes_{0};
};

}  // namespace portal
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/schedule.ipp"
#endif
