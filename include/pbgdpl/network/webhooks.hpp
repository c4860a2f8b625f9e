// Webhook delivery and the publication timer. The dispatcher hears of content from the store
// (store::subscribe, not from whoever wrote it), turns "an article became visible" and "a question
// was answered" into one delivery per subscribed webhook (an id derived from the event, so two
// writers or two processes make one delivery), and POSTs each one signed with HMAC-SHA256,
// retrying with exponential backoff and jitter. Its own timer thread sleeps until the next
// scheduled article is due (or a retry), fires it then, and at start-up fires what came due
// while the server was down: no page view is needed for either.
// Thread safety: a dispatcher is safe to call from any thread; its store must be shareable.
// Delivery is at least once: a receiver deduplicates by X-Pbgdpl-Delivery.
#pragma once
#include "fetch.hpp"
#include "../model/article.hpp"
#include "../model/question.hpp"
#include "../model/webhook.hpp"
#include "../store/store.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace network {

using header_list = std::vector<std::pair<std::string, std::string>>;

// When a failed delivery is tried again: first, then factor times longer each time (30 s, 2 min,
// 8 min, 32 min, ...), never longer than max_delay, each delay lengthened by up to `jitter` of
// itself at random so that receivers coming back up are not hit by every sender at once. After
// max_attempts failed attempts the delivery is failed.
struct retry_policy {
  std::chrono::seconds first{30};
  unsigned factor = 4;
  std::chrono::seconds max_delay{6 * 3600};
  unsigned max_attempts = 8;
  double jitter = 0.2;
};

// The delay after `failed` failed attempts (1: after the first), without jitter.
PBGDPL_DECL std::chrono::seconds backoff_delay(const retry_policy& p, unsigned failed);
// The same lengthened by jitter: u in [0, 1) picks how much (u * jitter of the delay).
PBGDPL_DECL std::chrono::seconds backoff_delay(const retry_policy& p, unsigned failed, double u);

// The delivery of one event to one webhook: 32 hex digits of SHA-256 over the webhook, the event,
// the subject and the event's time. The same event seen twice (a restart, a second process on
// the same file) names the same delivery, whose second create is a conflict.
PBGDPL_DECL webhook_delivery_id delivery_id(const webhook_id& w, std::string_view event, std::string_view subject_kind,
                                            std::string_view subject_id, timestamp occurred_at);

// "sha256=" + hex HMAC-SHA256(secret, timestamp + "." + body): X-Pbgdpl-Signature.
PBGDPL_DECL std::string signature(std::string_view secret, std::string_view timestamp, std::string_view body);
// Every header of one POST of `d` signed with `secret` at `sent_at`: Content-Type, X-Pbgdpl-Event,
// X-Pbgdpl-Delivery, X-Pbgdpl-Timestamp (seconds since 1970), X-Pbgdpl-Signature.
PBGDPL_DECL header_list delivery_headers(std::string_view secret, const webhook_delivery& d, timestamp sent_at);

// What one POST gave: the HTTP status (0: none came) and, when it did not succeed, why.
struct post_result {
  unsigned status = 0;
  std::string error;
};
using sender = std::function<post_result(const std::string& url, const std::string& body, const header_list& headers,
                                         std::chrono::milliseconds timeout)>;
// POSTs with network::fetch: a fresh connection, http:// or https:// (the receiver's certificate
// checked), the timeout over resolve, connect, handshake, write and read, at most 64 KiB of
// answer read, no redirect followed. Private addresses allowed (receivers on a school's network).
PBGDPL_DECL sender http_sender();

// A new webhook of `unit`: a fresh id and secret, active, created now. The only answer that
// carries the secret; list_webhooks and the API show it without.
PBGDPL_DECL result<webhook> create_webhook(store::store& db, webhook w, std::string_view actor);
// The webhooks of one unit (its own, not those of units below), oldest first.
PBGDPL_DECL result<std::vector<webhook>> list_webhooks(store::store& db, const unit_id& unit);
// The deliveries of one webhook, newest first: those still pending (on the first page only), then
// the finished ones, a page of `limit` (1..100) at a time; `cursor` is the page's next_cursor.
// What the delivery log shows.
PBGDPL_DECL result<store::page<webhook_delivery>> list_deliveries(store::store& db, const webhook_id& w, std::size_t limit,
                                                                  const std::string& cursor = {});
// Pending deliveries due at or before `t`, soonest first, at most `limit`.
PBGDPL_DECL result<std::vector<webhook_delivery>> due_deliveries(store::store& db, timestamp t, std::size_t limit);

struct dispatcher_options {
  std::function<timestamp()> now;  // default: pbgdpl::now
  retry_policy retry;
  std::chrono::milliseconds timeout{10'000};  // per POST
  unsigned workers = 2;  // POSTs at once; a webhook has at most one under way, so a slow one holds one worker
  std::size_t max_queue = 1000;  // deliveries handed to the workers and not yet taken
  // At start-up, articles that became visible this far back are looked at again (each fires
  // only once: already made deliveries are conflicts).
  std::chrono::seconds catch_up{7 * 24 * 3600};
  // The timer looks at other writers' commits (store::poll_changes) at least this often.
  std::chrono::seconds poll{5};
  sender send;           // default: http_sender()
  std::string base_url;  // "http://host:port": payloads link the API record when set
  // Called on the timer's thread when a scheduled article came due (and for each one found due
  // at start-up): the site drops the pages that show it (portal::site::came_due).
  std::function<void(const article&)> on_published;
  std::string actor = "webhooks";  // who the audit log names for the deliveries' writes
};

class dispatcher {
 public:
  dispatcher(store::store& db, dispatcher_options opt = {});
  dispatcher(const dispatcher&) = delete;
  dispatcher& operator=(const dispatcher&) = delete;
  ~dispatcher();

  // Subscribes to the store and starts the timer and the workers; the first round fires what
  // came due while nothing ran.
  void start();
  // Stops the threads (waits for POSTs under way, each bounded by the timeout) and unsubscribes.
  void stop();
  // Makes the timer look again now (after a test moved its clock, or anything the store did not say).
  void wake();

  // Without threads (tests, tools): subscribes to the store only.
  void listen();
  // One round of the timer at opt.now(): events of the records changed since the last round, of
  // the articles that came due, and (at the first round) of those that came due while nothing
  // ran. Returns when the timer wants the next round.
  timestamp tick();
  // Tries every delivery due now, on this thread, one after another; returns how many were tried.
  std::size_t deliver_due();
  // One attempt of one delivery now: claimed first (a second process trying it meanwhile gets a
  // conflict and leaves it), POSTed, and the attempt recorded. false when it was not tried.
  bool attempt(const webhook_delivery_id& id);

  // The events one record gives now; the deliveries made (not those that existed).
  result<std::size_t> events_of(std::string_view kind, std::string_view id);

 private:
  struct event {
    std::string name, subject_kind, subject_id;
    unit_id unit;
    timestamp at{};
    json data;
  };
  result<std::size_t> emit(const event& e);
  result<std::size_t> fire_due_articles(timestamp from, timestamp to);
  std::optional<timestamp> next_scheduled(timestamp now);
  timestamp now() const { return opt_.now(); }
  void timer_loop();
  void worker_loop();
  void on_changes(const std::vector<store::change>& batch);

  store::store& db_;
  dispatcher_options opt_;

  std::mutex mu_;
  std::condition_variable timer_cv_, work_cv_;
  bool stopping_ = false, poked_ = false, started_ = false;
  std::vector<std::pair<std::string, std::string>> changed_;  // (kind, id) heard of since the last round
  std::optional<timestamp> fired_up_to_;  // articles visible by then have been fired
  std::deque<webhook_delivery> queue_;    // for the workers
  std::set<std::string> queued_, busy_webhooks_;
  std::vector<std::thread> threads_;
  store::change_subscription changes_;
};

}  // namespace network
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/webhooks.ipp"
#endif
