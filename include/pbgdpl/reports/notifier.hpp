// How the reporting side tells people something (a report is due in a week): a small notifier
// interface taking an event name and its JSON, and the built-in webhook notifier, which hands
// the event to the webhook machinery (network/webhooks.hpp) as one signed delivery per subscribed
// webhook. E-mail and other channels arrive as plugins implementing the same interface.
#pragma once
#include "../core/json.hpp"
#include "../model/webhook.hpp"
#include "../store/store.hpp"

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

PBGDPL_NAMESPACE_BEGIN
namespace reports {

class notifier {
 public:
  virtual ~notifier() = default;
  // The channel's name, kept in what was sent ("webhook", "email").
  virtual std::string_view name() const noexcept = 0;
  // Sends `event` with its data. The data carries at least:
  //   "id"           the event's own id: the same event sent twice must not reach anyone twice;
  //   "unit"         whose event it is (the school);
  //   "units"        that unit and the units above it on the period's tree, nearest first (whose
  //                  subscribers hear of it: the school, its ward's office, ...);
  //   "occurred_at"  ISO 8601 time of the event.
  // Returns how many recipients it was handed to (0: nobody listens; not an error).
  virtual result<std::size_t> send(std::string_view event, const json& data) = 0;
};

// Hands each event to every active webhook subscribed to it whose unit is one of data["units"]:
// one webhook_delivery each, with the id network::delivery_id gives (webhook, event,
// "report_reminder", data["id"], data["occurred_at"]), so a second send of the same event makes
// nothing new. The deliveries are POSTed, signed and retried by the portal's
// network::dispatcher like every other webhook event; the payload has the same shape
// ({"event", "delivery", "webhook", "occurred_at", "data"}).
class webhook_notifier final : public notifier {
 public:
  explicit webhook_notifier(store::store& db, std::string actor = "reminders", std::function<timestamp()> now = {});
  std::string_view name() const noexcept override { return "webhook"; }
  result<std::size_t> send(std::string_view event, const json& data) override;

 private:
  store::store& db_;
  std::string actor_;
  std::function<timestamp()> now_;
};

}  // namespace reports
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/notifier.ipp"
#endif
