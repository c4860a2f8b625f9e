// The units the portal answers for, kept in memory: read from the store once into the model's
// unit_directory as the hierarchy of today (Asia/Ho_Chi_Minh), and read again only after a unit
// was written or the day changed, so no page loads or walks the tree (with thousands of schools, a
// page costs what it costs with ten) and permissions follow the hierarchy of the day they are used.
// Thread safety: live_units may be shared by every thread; get() hands out an immutable snapshot
// that stays valid while a unit write replaces it.
#pragma once
#include "../model/unit_directory.hpp"
#include "../store/store.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace portal {

// One loaded state of the units. Archived units stay in the tree (their schools stay under their
// division, rights over them stay with those above), but get no section of their own.
struct unit_snapshot {
  unit_directory tree;
  std::vector<std::string> archived;  // sorted ids
  bool is_archived(std::string_view id) const;
  // A unit whose section the portal serves: listed and not archived.
  const unit* active(std::string_view id) const;
};

// Reads every unit of the store (archived ones included) into a snapshot of the hierarchy on day
// `on` (unit_directory::at).
result<std::shared_ptr<const unit_snapshot>> load_units(store::store& db, date on);
// The same on today's date in Vietnam.
result<std::shared_ptr<const unit_snapshot>> load_units(store::store& db);

// The unit whose section a portal serves by default (options::default_unit) in the hierarchy of
// a day: the education division, or, once it ended (the reform of 1 July 2025), its first
// successor still open through any chain of successions (the ward's office); with no division,
// the first unit without a parent; "" for an empty tree. The demo program, the Python Portal and
// the C API all start from it.
std::string managing_unit(const unit_directory& today);

// The current snapshot, shared by the pages, the API and the authorizer. A request holds the
// snapshot it started with; changed() makes the next get() read the store again (once, whatever
// the number of requests waiting).
class live_units {
 public:
  // `clock` (unset: pbgdpl::now()) says which day's hierarchy get() serves; the portal passes its
  // own clock so that tests can move the day.
  explicit live_units(store::store& db, std::function<timestamp()> clock = {}) : db_(db), clock_(std::move(clock)) {}
  live_units(const live_units&) = delete;
  live_units& operator=(const live_units&) = delete;

  // Never null. A store that fails to list keeps the previous snapshot (empty before the first).
  std::shared_ptr<const unit_snapshot> get();
  // A unit was written (or the store changed under us): read them again on the next get().
  void changed() noexcept { generation_.fetch_add(1, std::memory_order_acq_rel); }
  // How many times the units were read from the store (for tests and diagnostics).
  std::uint64_t loads() const noexcept { return loads_.load(std::memory_order_relaxed); }

 private:
  date today() const { return local_date(clock_ ? clock_() : now()); }

  store::store& db_;
  std::function<timestamp()> clock_;
  std::atomic<std::uint64_t> generation_{1};
  std::atomic<std::uint64_t> loads_{0};
  std::mutex load_mu_;              // one reader of the store at a time
  mutable std::shared_mutex mu_;    // guards current_ and loaded_generation_
  std::shared_ptr<const unit_snapshot> current_;
  std::uint64_t loaded_generation_ = 0;
  date loaded_day_{};  // the day current_ is the hierarchy of
};

}  // namespace portal
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/units.ipp"
#endif
