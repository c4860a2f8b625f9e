// Bodies of store/changes.hpp: compiled once into the store tier (src/store/store.cpp), or
// included by the header in header-only builds.
#pragma once
#include "../changes.hpp"

#include <algorithm>
#include <condition_variable>

PBGDPL_NAMESPACE_BEGIN
namespace store {

// One listener. No lock is held while it runs (two listeners that both write to the store must
// not wait on each other); `running` counts its calls under way, so that reset() can wait for
// the ones on other threads. The calls on this thread's stack are counted apart: a listener that
// resets its own subscription must not wait for itself.
struct change_subscription::slot {
  std::mutex mu;
  std::condition_variable idle;
  change_listener fn;
  int running = 0;     // guarded by mu
  bool active = true;  // guarded by mu
};

namespace detail {
// The slots whose listener this thread is inside, innermost last.
inline std::vector<const void*>& delivering_here() {
  thread_local std::vector<const void*> v;
  return v;
}
}  // namespace detail

PBGDPL_DECL void change_subscription::reset() noexcept {
  if (!slot_) return;
  if (auto hub = hub_.lock()) hub->remove(slot_);
  {
    const auto& here = detail::delivering_here();
    auto own = static_cast<int>(std::count(here.begin(), here.end(), static_cast<const void*>(slot_.get())));
    std::unique_lock lock(slot_->mu);
    slot_->active = false;
    slot_->idle.wait(lock, [&] { return slot_->running <= own; });
  }
  // fn stays with the slot (freed with the last reference): a reset from inside the listener
  // must not destroy it mid-call.
  slot_.reset();
  hub_.reset();
}

PBGDPL_DECL change_subscription change_hub::subscribe(change_listener fn) {
  auto s = std::make_shared<change_subscription::slot>();
  s->fn = std::move(fn);
  {
    std::lock_guard lock(mu_);
    slots_.push_back(s);
  }
  return change_subscription(weak_from_this(), std::move(s));
}

PBGDPL_DECL void change_hub::remove(const std::shared_ptr<change_subscription::slot>& s) noexcept {
  std::lock_guard lock(mu_);
  slots_.erase(std::remove(slots_.begin(), slots_.end(), s), slots_.end());
}

PBGDPL_DECL std::size_t change_hub::listeners() const {
  std::lock_guard lock(mu_);
  return slots_.size();
}

PBGDPL_DECL void change_hub::deliver(const std::vector<change>& batch) noexcept {
  if (batch.empty()) return;
  std::vector<std::shared_ptr<change_subscription::slot>> slots;
  try {
    std::lock_guard lock(mu_);
    if (slots_.empty()) return;
    slots = slots_;  // a copy: listeners run without mu_, and may subscribe or unsubscribe
  } catch (...) {  // bad_alloc copying the list: nobody can be told; count it
    failures_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  auto& here = detail::delivering_here();
  for (const auto& s : slots) {
    {
      std::lock_guard lock(s->mu);
      if (!s->active || !s->fn) continue;
      ++s->running;
    }
    bool pushed = false;
    try {
      here.push_back(s.get());
      pushed = true;
      s->fn(batch);
    } catch (...) {
      // The write is committed whatever a listener does; the others must still hear of it.
      failures_.fetch_add(1, std::memory_order_relaxed);
    }
    if (pushed) here.pop_back();
    std::lock_guard lock(s->mu);
    --s->running;
    s->idle.notify_all();
  }
}

}  // namespace store
PBGDPL_NAMESPACE_END
