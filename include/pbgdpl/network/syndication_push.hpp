// Pushing a signed syndication package (syndication.hpp) to the city portal's endpoint: POST with
// an idempotency key that stays the same across retries, exponential backoff between attempts
// (the webhook dispatcher's retry_policy), and a delivery log in the store (syndication_push).
#pragma once
#include "../model/syndication.hpp"
#include "../store/store.hpp"
#include "fetch.hpp"
#include "syndication.hpp"
#include "webhooks.hpp"

#include <chrono>
#include <functional>
#include <string>

PBGDPL_NAMESPACE_BEGIN
namespace network {

struct push_options {
  std::string url;       // the city's endpoint, http:// or https://
  header_list headers;   // added to every POST (an Authorization the city issued)
  // Attempts and their spacing: the first retry after `first`, then factor times longer each.
  retry_policy retry{std::chrono::seconds(30), 4, std::chrono::seconds(3600), 6, 0.2};
  fetch_options fetch;   // per attempt: timeout, TLS, connect_to, allow_private_addresses
  std::function<timestamp()> now;                            // default: pbgdpl::now
  std::function<void(std::chrono::milliseconds)> sleep;      // default: std::this_thread::sleep_for
  std::function<bool()> stopping;                            // true: give up waiting (shutdown)
  std::string actor = "syndication";                         // named by the audit log
};

// The idempotency key of a package: the first 32 hex digits of its BLAKE2b-256. Every attempt
// of one package sends the same key (Idempotency-Key header); a new package has a new key.
PBGDPL_DECL std::string idempotency_key(const signed_package& p);

// The POST body: {"format": "pbgdpl/syndication-push/1", "unit", "package", "signature"}.
PBGDPL_DECL std::string push_body(const signed_package& p);

// Every header of a push: Content-Type, Idempotency-Key, X-Pbgdpl-Unit, X-Pbgdpl-Package-Blake2b,
// then the options' own.
PBGDPL_DECL header_list push_headers(const signed_package& p, const push_options& o);

// Whether an answer ends the tries: 2xx delivered; 4xx other than 408, 425 and 429 refused for
// good (the same bytes will be refused again); anything else (5xx, no answer) is tried again.
enum class push_verdict { delivered, refused, retry };
PBGDPL_DECL push_verdict verdict_of(const fetch_response& r) noexcept;

// POSTs the package until it is delivered, refused, out of attempts or stopping. With a store,
// the delivery log (a syndication_push whose id is the idempotency key) is written before the
// first attempt and after each one, so a crash or a timeout leaves the attempt on record; the
// package itself stays rebuildable from the store. A second push of the same package (same
// key) continues its record. Returns the final log entry (also without a store).
PBGDPL_DECL result<syndication_push> push(const signed_package& p, const push_options& o, store::store* db = nullptr);

// The pushes of a unit, newest first, a page of `limit` (1..100).
PBGDPL_DECL result<store::page<syndication_push>> list_pushes(store::store& db, const unit_id& unit,
                                                              std::size_t limit = 20, const std::string& cursor = {});

}  // namespace network
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/syndication_push.ipp"
#endif
