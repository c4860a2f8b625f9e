// Webhooks: a unit's subscription to its own events ("article.published", "question.answered"),
// delivered as a signed JSON POST to a URL of its choosing, and the log of each delivery with
// every attempt. The secret that signs is the server's: made when the webhook is created and
// shown once; the delivery log keeps the exact body that was sent.
#pragma once
#include "common.hpp"

PBGDPL_NAMESPACE_BEGIN

using webhook_id = id<struct webhook_tag>;
using webhook_delivery_id = id<struct webhook_delivery_tag>;

// The events a webhook may subscribe to.
namespace webhook_events {
// An article became visible to the public (is_visible_at): once per (article, published_at).
inline constexpr std::string_view article_published = "article.published";
// A question was answered (or published with its answer): once per (question, answered_at).
inline constexpr std::string_view question_answered = "question.answered";
// A unit's yearly report is due soon and not yet sent: once per (period, unit, reminder day),
// to the webhooks of the school and of the units above it on the period's tree.
inline constexpr std::string_view report_reminder = "report.reminder";
}  // namespace webhook_events

inline bool is_webhook_event(std::string_view e) noexcept {
  return e == webhook_events::article_published || e == webhook_events::question_answered ||
         e == webhook_events::report_reminder;
}

struct webhook {
  webhook_id id;
  int schema_version = model_schema_version;
  std::uint64_t version = 0;
  unit_id unit;  // whose events: this unit's content and that of the units below it
  std::string url;  // http:// or https:// only
  std::vector<std::string> events;
  // Server-owned: made when the webhook is created (trust::random_hex), returned once by the API
  // call that created it and never again; signs each delivery (HMAC-SHA256).
  std::string secret;
  bool active = true;
  std::string description;
  timestamp created_at{};  // required; left unset, store::create sets it. Events before it are not sent.

  friend bool operator==(const webhook&, const webhook&) = default;
};

template <class V>
void describe(V& f, webhook& x) {
  using model_io::need;
  using model_io::short_text;
  model_io::head(f, x);
  f("unit", x.unit, need::required);
  f("url", x.url, need::required, short_text);
  f("events", x.events, need::required, short_text);
  f("secret", x.secret, need::required, short_text);
  f("active", x.active);
  f("description", x.description, need::optional, short_text);
  f("created_at", x.created_at, need::required);
}
PBGDPL_MODEL_DECLARE(webhook)

// The webhook as its readers see it: everything but the secret.
inline json public_json(const webhook& w) {
  auto j = to_json_value(w);
  j.erase("secret");
  return j;
}

enum class delivery_state { pending, delivered, failed };
PBGDPL_ENUM_NAMES(delivery_state, {delivery_state::pending, "pending"}, {delivery_state::delivered, "delivered"},
                  {delivery_state::failed, "failed"});
PBGDPL_ENUM_LABELS(delivery_state, {delivery_state::pending, "Đang gửi", "Pending"},
                   {delivery_state::delivered, "Đã gửi", "Delivered"}, {delivery_state::failed, "Gửi không được", "Failed"});

// One POST of a delivery: when, what came back (0: no HTTP answer: refused, timed out), and why
// it did not count as delivered.
struct delivery_attempt {
  timestamp at{};
  std::uint32_t status = 0;
  std::string error;
  std::uint32_t duration_ms = 0;
  friend bool operator==(const delivery_attempt&, const delivery_attempt&) = default;
};

template <class V>
void describe(V& f, delivery_attempt& x) {
  using model_io::need;
  f("at", x.at, need::required);
  f("status", x.status);
  f("error", x.error, need::optional, model_io::short_text);
  f("duration_ms", x.duration_ms);
}
PBGDPL_MODEL_DECLARE(delivery_attempt)

struct webhook_delivery {
  // Derived from (webhook, event, subject, occurred_at) (network/webhooks.hpp: delivery_id), so
  // a second writer that sees the same event makes a conflict, not a second delivery.
  webhook_delivery_id id;
  int schema_version = model_schema_version;
  std::uint64_t version = 0;
  webhook_id webhook;
  unit_id unit;  // the webhook's unit: who may read this log
  std::string event;
  std::string subject_kind;  // "article", "question"
  std::string subject_id;
  timestamp occurred_at{};  // the event's own time: the article's published_at, the answer's answered_at
  std::string payload;      // the exact JSON body sent, every attempt the same bytes
  std::vector<delivery_attempt> attempts;
  delivery_state state = delivery_state::pending;
  timestamp next_attempt_at{};  // pending: when it is tried next (or, while an attempt runs, its lease)
  std::uint32_t last_status = 0;
  std::string last_error;
  timestamp created_at{};
  std::optional<timestamp> delivered_at;

  friend bool operator==(const webhook_delivery&, const webhook_delivery&) = default;
};

template <class V>
void describe(V& f, webhook_delivery& x) {
  using model_io::need;
  using model_io::short_text;
  model_io::head(f, x);
  f("webhook", x.webhook, need::required);
  f("unit", x.unit, need::required);
  f("event", x.event, need::required, short_text);
  f("subject_kind", x.subject_kind, need::required, short_text);
  f("subject_id", x.subject_id, need::required, short_text);
  f("occurred_at", x.occurred_at, need::required);
  f("payload", x.payload, need::required);
  f("attempts", x.attempts);
  f("state", x.state, need::required);
  f("next_attempt_at", x.next_attempt_at, need::required);
  f("last_status", x.last_status);
  f("last_error", x.last_error, need::optional, short_text);
  f("created_at", x.created_at, need::required);
  f("delivered_at", x.delivered_at);
}
PBGDPL_MODEL_DECLARE(webhook_delivery)

PBGDPL_DECL void validate(const webhook& w, validator& v);
PBGDPL_DECL void validate(const delivery_attempt& a, validator& v);
PBGDPL_DECL void validate(const webhook_delivery& d, validator& v);

// Compiled mode: decoding, encoding and checking these is instantiated once, in the library.
PBGDPL_MODEL_EXTERN(webhook)
PBGDPL_MODEL_EXTERN(webhook_delivery)

PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/webhook.ipp"
#endif
