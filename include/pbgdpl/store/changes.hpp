// What a store tells its listeners after each commit: which record changed (kind, id, the unit
// that owns it), how, and to which version. Whoever wrote it: this process through the store
// object, or, for the SQLite store, another connection or process on the same file (seen by
// store::poll_changes()). Caches above the store (the portal's pages) listen instead of asking
// every writer to call them.
//
// Thread safety: subscribe(), a subscription's reset()/destruction and the deliveries may run on
// any threads at once. A listener runs on the thread that committed (or polled), after the
// store's locks are released and with no lock of the hub held, so it may read and write the
// store (its own write calls it again, from inside itself). Two threads that commit at once call
// it at once: a listener must be thread-safe. Batches from different threads may arrive in any
// order: compare change::audit_seq where order matters.
#pragma once
#include "../config.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace store {

enum class write_op;  // store.hpp: create, update, archive, remove

// One committed write.
struct change {
  std::string kind, id;  // "article", "unit", ...; the record's id
  // The unit that owns the record after the write (for a remove: the one it had); for a unit
  // record, the unit itself. "" when the kind has no owner (a legal document of a higher
  // authority) or, for changes read from an older SQLite file's audit log, when it is unknown.
  std::string unit;
  // Set only when an update or archive moved the record to another unit: the unit it left, ""
  // when it had none (whatever showed it there must forget it too).
  std::optional<std::string> previous_unit;
  write_op op{};
  std::uint64_t version = 0;    // the version written (for a remove: the version removed)
  std::uint64_t audit_seq = 0;  // the audit entry that records it (audit_entry::seq)
};

// A listener gets one batch per commit: a write alone, or every write of a transaction (after the
// outermost one commits; a transaction or savepoint that rolls back contributes nothing).
using change_listener = std::function<void(const std::vector<change>&)>;

class change_hub;

// Keeps a listener subscribed; destroying or reset()ting it unsubscribes. After reset() returns
// the listener is not called again, and its calls on other threads have finished (reset() waits
// for them, so do not reset while holding a lock the listener takes). Called from inside the
// listener itself, reset() does not wait for that call; only later calls are stopped. Safe when the
// store died first: the handle then does nothing. Move-only; one thread's at a time.
class change_subscription {
 public:
  change_subscription() = default;
  change_subscription(change_subscription&&) noexcept = default;
  change_subscription& operator=(change_subscription&& o) noexcept {
    if (this != &o) {
      reset();
      hub_ = std::move(o.hub_);
      slot_ = std::move(o.slot_);
    }
    return *this;
  }
  change_subscription(const change_subscription&) = delete;
  change_subscription& operator=(const change_subscription&) = delete;
  ~change_subscription() { reset(); }

  void reset() noexcept;
  bool active() const noexcept { return slot_ != nullptr; }

 private:
  friend class change_hub;
  struct slot;
  change_subscription(std::weak_ptr<change_hub> hub, std::shared_ptr<slot> s) : hub_(std::move(hub)), slot_(std::move(s)) {}
  std::weak_ptr<change_hub> hub_;
  std::shared_ptr<slot> slot_;
};

// The listeners of one store (each store holds one, shared so that subscriptions can outlive it).
class change_hub : public std::enable_shared_from_this<change_hub> {
 public:
  change_subscription subscribe(change_listener fn);
  // Calls every listener with the batch (nothing when it is empty). A listener that throws is
  // skipped for this batch: the write stays committed, the other listeners still run, and the
  // failure is counted (failures()).
  void deliver(const std::vector<change>& batch) noexcept;
  std::size_t listeners() const;
  std::uint64_t failures() const noexcept { return failures_.load(std::memory_order_relaxed); }

 private:
  friend class change_subscription;
  void remove(const std::shared_ptr<change_subscription::slot>& s) noexcept;

  mutable std::mutex mu_;  // guards slots_ (not held while a listener runs)
  std::vector<std::shared_ptr<change_subscription::slot>> slots_;
  std::atomic<std::uint64_t> failures_{0};
};

}  // namespace store
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/changes.ipp"
#endif
