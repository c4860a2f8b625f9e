// Definitions for network/webhooks.hpp (inline in header-only mode, compiled once from
// src/portal/webhooks.cpp).
#pragma once
#include "../webhooks.hpp"

#include "../fetch.hpp"
#include "../../http/message.hpp"
#include "../../trust/hmac.hpp"

#include <algorithm>
#include <cmath>
#include <random>

PBGDPL_NAMESPACE_BEGIN
namespace network {

namespace detail {

// An article's place in the store's order when published at `t` (asked of the registry, so this
// follows however the store sorts articles).
inline std::string article_key(timestamp t) {
  article probe;
  probe.state = article_state::published;
  probe.created_at = t;
  probe.published_at = t;
  store::record r;
  store::entity_traits<article>::index(probe, r);
  return r.sort_key;
}
inline constexpr std::string_view id_ceiling = "\xff";  // above every id: the cut keeps equal keys before it

// Error text kept in a delivery: short_text, cut on a UTF-8 boundary.
inline std::string clip(std::string s, std::size_t max = 900) {
  if (s.size() <= max) return s;
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  s.resize(n);
  return s + "...";
}

inline double jitter_draw() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}


}  // namespace detail

PBGDPL_DECL std::chrono::seconds backoff_delay(const retry_policy& p, unsigned failed) {
  if (failed == 0) return std::chrono::seconds(0);
  auto d = static_cast<double>(p.first.count());
  for (unsigned i = 1; i < failed && d < static_cast<double>(p.max_delay.count()); ++i) d *= std::max(1u, p.factor);
  return std::chrono::seconds(static_cast<std::int64_t>(std::min(d, static_cast<double>(p.max_delay.count()))));
}

PBGDPL_DECL std::chrono::seconds backoff_delay(const retry_policy& p, unsigned failed, double u) {
  auto base = backoff_delay(p, failed);
  u = std::clamp(u, 0.0, 1.0);
  auto extra = static_cast<std::int64_t>(std::floor(static_cast<double>(base.count()) * std::max(0.0, p.jitter) * u));
  return base + std::chrono::seconds(extra);
}

PBGDPL_DECL webhook_delivery_id delivery_id(const webhook_id& w, std::string_view event, std::string_view subject_kind,
                                            std::string_view subject_id, timestamp occurred_at) {
  // Fields joined by a byte no id, event or kind holds, so no two tuples give the same text.
  std::string s = w.value;
  for (auto part : {event, subject_kind, subject_id}) {
    s += '\x1f';
    s += part;
  }
  s += '\x1f';
  s += std::to_string(occurred_at.time_since_epoch().count());
  return webhook_delivery_id{trust::to_hex(trust::sha256(s)).substr(0, 32)};
}

PBGDPL_DECL std::string signature(std::string_view secret, std::string_view timestamp, std::string_view body) {
  std::string signed_text;
  signed_text.reserve(timestamp.size() + 1 + body.size());
  signed_text.append(timestamp).append(".").append(body);
  return "sha256=" + trust::hmac_sha256_hex(secret, signed_text);
}

PBGDPL_DECL header_list delivery_headers(std::string_view secret, const webhook_delivery& d, timestamp sent_at) {
  auto ts = std::to_string(sent_at.time_since_epoch().count());
  return {{"Content-Type", "application/json"},
          {"X-Pbgdpl-Event", d.event},
          {"X-Pbgdpl-Delivery", d.id.value},
          {"X-Pbgdpl-Timestamp", ts},
          {"X-Pbgdpl-Signature", signature(secret, ts, d.payload)}};
}

PBGDPL_DECL sender http_sender() {
  return [](const std::string& url, const std::string& body, const header_list& headers,
            std::chrono::milliseconds timeout) -> post_result {
    fetch_options o;
    o.timeout = timeout;
    o.max_body_bytes = 64u * 1024u;  // the answer is only looked at for its status
    o.keep_truncated = true;
    o.user_agent = "pbgdpl-webhooks/1";
    // The receiver is a URL a unit's administrator chose, often on the school's own network, as
    // before https:// was supported: private addresses stay allowed here (docs/security.md).
    o.allow_private_addresses = true;
    auto r = fetch(url, headers, o, "POST", body);
    if (!r.ok()) return {0, r.error_vi + " / " + r.error_en};
    return {r.status, {}};
  };
}

PBGDPL_DECL result<webhook> create_webhook(store::store& db, webhook w, std::string_view actor) {
  w.id = new_id<webhook_id>();
  w.version = 0;
  w.secret = trust::random_hex(32);
  w.created_at = pbgdpl::now();
  return db.create(std::move(w), actor);
}

PBGDPL_DECL result<std::vector<webhook>> list_webhooks(store::store& db, const unit_id& unit) {
  store::list_query q;
  q.where.with_unit(unit, false);
  q.oldest_first = true;
  q.limit = 100;
  std::vector<webhook> out;
  for (;;) {
    auto p = db.list<webhook>(q);
    if (!p) return p.err();
    for (auto& w : p->items) out.push_back(std::move(w));
    if (p->next_cursor.empty() || out.size() >= 1000) return out;
    q.cursor = p->next_cursor;
  }
}

namespace detail {
// Calls f(delivery) for the pending deliveries in due order until it returns false.
template <class F>
result<void> each_pending(store::store& db, F&& f) {
  const auto due = store::detail::delivery_due_key(timestamp{});
  const auto prefix = due.substr(0, due.find(' ') + 1);  // "due "
  store::list_query q;
  q.oldest_first = true;
  q.limit = 100;
  q.cursor = store::key_cursor(prefix, "");
  for (;;) {
    auto p = db.list_records(store::entity_traits<webhook_delivery>::kind, q);
    if (!p) return p.err();
    for (auto& r : p->items) {
      if (!r.sort_key.starts_with(prefix)) return {};
      auto d = store::decode<webhook_delivery>(std::move(r));
      if (!d) return d.err();
      if (!f(std::move(*d))) return {};
    }
    if (p->next_cursor.empty()) return {};
    q.cursor = p->next_cursor;
  }
}
}  // namespace detail

PBGDPL_DECL result<std::vector<webhook_delivery>> due_deliveries(store::store& db, timestamp t, std::size_t limit) {
  std::vector<webhook_delivery> out;
  auto ok = detail::each_pending(db, [&](webhook_delivery d) {
    if (out.size() >= limit || d.next_attempt_at > t) return false;
    out.push_back(std::move(d));
    return true;
  });
  if (!ok) return ok.err();
  return out;
}

PBGDPL_DECL result<store::page<webhook_delivery>> list_deliveries(store::store& db, const webhook_id& w, std::size_t limit,
                                                                  const std::string& cursor) {
  if (limit < 1 || limit > 100)
    return error(errc::out_of_range, "/limit", "Số mục mỗi trang phải từ 1 đến 100", "A page holds 1 to 100 items");
  const auto prefix = store::detail::delivery_log_prefix(w.value);
  store::page<webhook_delivery> out;
  std::string from = cursor;
  if (from.empty()) {
    // The first page starts with those still pending (few: the retries under way).
    auto ok = detail::each_pending(db, [&](webhook_delivery d) {
      if (d.webhook == w) out.items.push_back(std::move(d));
      return out.items.size() < limit;
    });
    if (!ok) return ok.err();
    std::sort(out.items.begin(), out.items.end(), [](const auto& a, const auto& b) { return a.created_at > b.created_at; });
    from = store::key_cursor(prefix + "~", "");  // '~' sorts after every timestamp
  } else {
    auto c = store::parse_key_cursor(from);
    if (!c) return c.err();
    if (!c->first.starts_with(prefix))
      return error(errc::invalid_argument, "/cursor", "Con trỏ phân trang không hợp lệ", "Invalid page cursor");
  }
  if (out.items.size() >= limit) {
    out.next_cursor = from;
    return out;
  }
  store::list_query q;
  q.limit = limit - out.items.size();
  q.cursor = from;
  auto p = db.list_records(store::entity_traits<webhook_delivery>::kind, q);
  if (!p) return p.err();
  bool ended = false;
  std::string last_key, last_id;
  for (auto& r : p->items) {
    if (!r.sort_key.starts_with(prefix)) {
      ended = true;
      break;
    }
    last_key = r.sort_key;
    last_id = r.id;
    auto d = store::decode<webhook_delivery>(std::move(r));
    if (!d) return d.err();
    out.items.push_back(std::move(*d));
  }
  if (!ended && !p->next_cursor.empty()) out.next_cursor = store::key_cursor(last_key, last_id);
  return out;
}

PBGDPL_DECL dispatcher::dispatcher(store::store& db, dispatcher_options opt) : db_(db), opt_(std::move(opt)) {
  if (!opt_.now) opt_.now = [] { return pbgdpl::now(); };
  if (!opt_.send) opt_.send = http_sender();
  if (opt_.workers == 0) opt_.workers = 1;
  if (opt_.poll <= std::chrono::seconds(0)) opt_.poll = std::chrono::seconds(1);
}

PBGDPL_DECL dispatcher::~dispatcher() { stop(); }

PBGDPL_DECL void dispatcher::listen() {
  if (changes_.active()) return;
  changes_ = db_.subscribe([this](const std::vector<store::change>& batch) { on_changes(batch); });
}

PBGDPL_DECL void dispatcher::start() {
  {
    std::lock_guard lock(mu_);
    if (started_) return;
    started_ = true;
    stopping_ = false;
  }
  listen();
  threads_.emplace_back([this] { timer_loop(); });
  for (unsigned i = 0; i < opt_.workers; ++i) threads_.emplace_back([this] { worker_loop(); });
}

PBGDPL_DECL void dispatcher::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  timer_cv_.notify_all();
  work_cv_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
  changes_.reset();
  std::lock_guard lock(mu_);
  started_ = false;
}

PBGDPL_DECL void dispatcher::wake() {
  {
    std::lock_guard lock(mu_);
    poked_ = true;
  }
  timer_cv_.notify_all();
}

PBGDPL_DECL void dispatcher::on_changes(const std::vector<store::change>& batch) {
  bool any = false;
  {
    std::lock_guard lock(mu_);
    for (const auto& c : batch) {
      if (c.op != store::write_op::create && c.op != store::write_op::update) continue;
      if (c.kind != store::entity_traits<article>::kind && c.kind != store::entity_traits<question>::kind) continue;
      changed_.emplace_back(c.kind, c.id);
      any = true;
    }
    if (any) poked_ = true;
  }
  if (any) timer_cv_.notify_all();
}

PBGDPL_DECL result<std::size_t> dispatcher::emit(const event& e) {
  std::size_t made = 0;
  std::optional<unit_directory> tree;
  store::list_query q;
  q.where.state = "active";
  q.oldest_first = true;
  q.limit = 100;
  for (;;) {
    auto p = db_.list<webhook>(q);
    if (!p) return p.err();
    for (const auto& w : p->items) {
      if (!w.active || std::find(w.events.begin(), w.events.end(), e.name) == w.events.end()) continue;
      if (e.at < w.created_at) continue;  // a webhook hears of what happens after it was made
      if (w.unit != e.unit) {  // content of a unit below the webhook's counts too
        if (!tree) {
          auto t = db_.hierarchy_at(local_date(now()));
          if (!t) return t.err();
          tree = std::move(*t);
        }
        if (!tree->within(e.unit, w.unit)) continue;
      }
      auto id = delivery_id(w.id, e.name, e.subject_kind, e.subject_id, e.at);
      if (db_.get<webhook_delivery>(id.value)) continue;  // made before (a restart, another process)
      webhook_delivery d;
      d.id = id;
      d.webhook = w.id;
      d.unit = w.unit;
      d.event = e.name;
      d.subject_kind = e.subject_kind;
      d.subject_id = e.subject_id;
      d.occurred_at = e.at;
      json body{{"event", e.name},
                {"delivery", id.value},
                {"webhook", w.id.value},
                {"occurred_at", format_timestamp(e.at)},
                {"data", e.data}};
      d.payload = body.dump();
      d.state = delivery_state::pending;
      d.created_at = d.next_attempt_at = now();
      auto c = db_.create(std::move(d), opt_.actor);
      if (c) ++made;
      else if (c.err().code != errc::already_exists) return c.err();  // exists: another writer made it first
    }
    if (p->next_cursor.empty()) return made;
    q.cursor = p->next_cursor;
  }
}

PBGDPL_DECL result<std::size_t> dispatcher::events_of(std::string_view kind, std::string_view id) {
  auto api_link = [&](std::string_view collection) {
    return opt_.base_url.empty() ? json(nullptr) : json(opt_.base_url + "/api/v1/" + std::string(collection) + "/" + std::string(id));
  };
  if (kind == store::entity_traits<article>::kind) {
    auto a = db_.get<article>(id);
    if (!a) return a.err().code == errc::not_found ? result<std::size_t>(std::size_t{0}) : result<std::size_t>(a.err());
    if (!is_visible_at(*a, now())) return std::size_t{0};
    event e{std::string(webhook_events::article_published), std::string(kind), a->id.value, a->unit, *a->published_at,
            json{{"id", a->id.value},
                 {"kind", to_string(a->kind)},
                 {"title", a->title},
                 {"slug", a->slug},
                 {"summary", a->summary},
                 {"unit", a->unit.value},
                 {"category", a->category},
                 {"published_at", format_timestamp(*a->published_at)},
                 {"api_url", api_link("articles")}}};
    return emit(e);
  }
  if (kind == store::entity_traits<question>::kind) {
    auto q = db_.get<question>(id);
    if (!q) return q.err().code == errc::not_found ? result<std::size_t>(std::size_t{0}) : result<std::size_t>(q.err());
    const bool answered = q->state == question_state::answered || q->state == question_state::published;
    if (!answered || !q->answered_at) return std::size_t{0};
    // No contact details of the asker leave the server.
    event e{std::string(webhook_events::question_answered), std::string(kind), q->id.value, q->unit, *q->answered_at,
            json{{"id", q->id.value},
                 {"unit", q->unit.value},
                 {"title", q->title},
                 {"category", q->category},
                 {"state", to_string(q->state)},
                 {"asked_at", format_timestamp(q->asked_at)},
                 {"answered_at", format_timestamp(*q->answered_at)},
                 {"api_url", api_link("questions")}}};
    return emit(e);
  }
  return std::size_t{0};
}

PBGDPL_DECL result<std::size_t> dispatcher::fire_due_articles(timestamp from, timestamp to) {
  std::size_t made = 0;
  store::list_query q;
  q.where.state = std::string(to_string(article_state::published));
  q.oldest_first = true;
  q.limit = 100;
  q.cursor = store::key_cursor(detail::article_key(from), std::string(detail::id_ceiling));
  for (;;) {
    auto p = db_.list<article>(q);
    if (!p) return p.err();
    for (const auto& a : p->items) {
      if (!a.published_at) continue;
      if (*a.published_at > to) return made;  // the store orders them by publication time
      if (!is_visible_at(a, to)) continue;
      if (opt_.on_published) opt_.on_published(a);
      auto n = events_of(store::entity_traits<article>::kind, a.id.value);
      if (!n) return n.err();
      made += *n;
    }
    if (p->next_cursor.empty()) return made;
    q.cursor = p->next_cursor;
  }
}

PBGDPL_DECL std::optional<timestamp> dispatcher::next_scheduled(timestamp t) {
  store::list_query q;
  q.where.state = std::string(to_string(article_state::published));
  q.oldest_first = true;
  q.limit = 20;
  q.cursor = store::key_cursor(detail::article_key(t), std::string(detail::id_ceiling));
  auto p = db_.list<article>(q);
  if (!p) return std::nullopt;
  for (const auto& a : p->items)
    if (a.published_at && *a.published_at > t) return a.published_at;
  return std::nullopt;
}

PBGDPL_DECL timestamp dispatcher::tick() {
  const auto t = now();
  (void)db_.poll_changes();  // other processes' commits reach on_changes here
  std::vector<std::pair<std::string, std::string>> changed;
  std::optional<timestamp> from;
  {
    std::lock_guard lock(mu_);
    changed.swap(changed_);
    from = fired_up_to_;
  }
  for (const auto& [kind, id] : changed) (void)events_of(kind, id);
  // The first round reaches back: what came due while nothing ran fires now.
  if (fire_due_articles(from ? *from : t - opt_.catch_up, t)) {
    std::lock_guard lock(mu_);
    if (!fired_up_to_ || *fired_up_to_ < t) fired_up_to_ = t;
  }
  auto next = t + opt_.poll;
  if (auto s = next_scheduled(t)) next = std::min(next, *s);
  if (auto d = due_deliveries(db_, timestamp::max(), 1); d && !d->empty())
    next = std::min(next, std::max(d->front().next_attempt_at, t + std::chrono::seconds(1)));
  return next;
}

PBGDPL_DECL bool dispatcher::attempt(const webhook_delivery_id& id) {
  const auto t = now();
  auto d = db_.get<webhook_delivery>(id.value);
  if (!d || d->state != delivery_state::pending || d->next_attempt_at > t) return false;
  auto w = db_.get<webhook>(d->webhook.value);
  if (!w || !w->active) {
    d->state = delivery_state::failed;
    d->last_error = "Webhook đã tắt hoặc bị xóa / the webhook is inactive or removed";
    (void)db_.update(std::move(*d), opt_.actor);
    return false;
  }
  // The claim: while this attempt runs, the delivery is due only after its lease, and a second
  // process that read it before gets a conflict here instead of sending it again.
  const auto lease = std::chrono::duration_cast<std::chrono::seconds>(opt_.timeout) + std::chrono::seconds(60);
  d->next_attempt_at = t + lease;
  auto claimed = db_.update(std::move(*d), opt_.actor);
  if (!claimed) return false;
  auto headers = delivery_headers(w->secret, *claimed, t);
  const auto started = std::chrono::steady_clock::now();
  post_result r;
  try {
    r = opt_.send(w->url, claimed->payload, headers, opt_.timeout);
  } catch (const std::exception& e) {
    r = {0, e.what()};
  }
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  const bool ok = r.status >= 200 && r.status < 300;
  delivery_attempt a;
  a.at = t;
  a.status = r.status;
  a.error = ok ? std::string() : detail::clip(r.error.empty() ? "HTTP " + std::to_string(r.status) : r.error);
  a.duration_ms = static_cast<std::uint32_t>(std::max<std::int64_t>(0, ms));
  auto& v = *claimed;
  v.attempts.push_back(a);
  v.last_status = a.status;
  v.last_error = a.error;
  const auto done = now();
  if (ok) {
    v.state = delivery_state::delivered;
    v.delivered_at = done;
  } else if (v.attempts.size() >= opt_.retry.max_attempts) {
    v.state = delivery_state::failed;
  } else {
    v.next_attempt_at =
        done + backoff_delay(opt_.retry, static_cast<unsigned>(v.attempts.size()), detail::jitter_draw());
  }
  (void)db_.update(std::move(v), opt_.actor);
  return true;
}

PBGDPL_DECL std::size_t dispatcher::deliver_due() {
  auto due = due_deliveries(db_, now(), 100);
  if (!due) return 0;
  std::size_t n = 0;
  for (const auto& d : *due)
    if (attempt(d.id)) ++n;
  return n;
}

PBGDPL_DECL void dispatcher::timer_loop() {
  for (;;) {
    timestamp next{};
    try {
      next = tick();
      auto due = due_deliveries(db_, now(), 100);
      if (due) {
        std::lock_guard lock(mu_);
        for (auto& d : *due) {
          if (queue_.size() >= opt_.max_queue) break;
          if (!queued_.insert(d.id.value).second) continue;  // handed already, not finished
          queue_.push_back(std::move(d));
        }
      }
      work_cv_.notify_all();
    } catch (...) {
      // A store error or an allocation failure: try again after the poll interval.
      next = now() + opt_.poll;
    }
    std::unique_lock lock(mu_);
    if (stopping_) return;
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next - now());
    wait = std::clamp(wait, std::chrono::milliseconds(50), std::chrono::milliseconds(opt_.poll));
    timer_cv_.wait_for(lock, wait, [&] { return stopping_ || poked_; });
    poked_ = false;
    if (stopping_) return;
  }
}

PBGDPL_DECL void dispatcher::worker_loop() {
  for (;;) {
    webhook_delivery d;
    {
      std::unique_lock lock(mu_);
      auto ready = [&] {
        return std::find_if(queue_.begin(), queue_.end(),
                            [&](const webhook_delivery& x) { return !busy_webhooks_.count(x.webhook.value); });
      };
      work_cv_.wait(lock, [&] { return stopping_ || ready() != queue_.end(); });
      if (stopping_) return;
      auto it = ready();
      d = std::move(*it);
      queue_.erase(it);
      busy_webhooks_.insert(d.webhook.value);  // one POST per webhook at a time: a slow one holds one worker
    }
    try {
      attempt(d.id);
    } catch (...) {
    }
    {
      std::lock_guard lock(mu_);
      busy_webhooks_.erase(d.webhook.value);
      queued_.erase(d.id.value);
      poked_ = true;
    }
    timer_cv_.notify_all();
    work_cv_.notify_all();
  }
}

}  // namespace network
PBGDPL_NAMESPACE_END
