// Bodies of network/syndication_push.hpp: compiled once into the network tier
// (src/network/syndication_push.cpp), or included by the header in header-only builds.
#pragma once
#include "../syndication_push.hpp"

#include <random>
#include <thread>

PBGDPL_NAMESPACE_BEGIN
namespace network {

PBGDPL_DECL std::string idempotency_key(const signed_package& p) {
  auto hex = p.blake2b.empty() ? trust::to_hex(trust::blake2b_256(p.text)) : p.blake2b;
  return "synd-" + hex.substr(0, 32);
}

PBGDPL_DECL std::string push_body(const signed_package& p) {
  json j = json::object();
  j["format"] = syndication_push_format;
  j["unit"] = p.unit.value;
  j["package"] = p.text;
  j["signature"] = p.signature;
  return trust::detail::compact(j);
}

PBGDPL_DECL header_list push_headers(const signed_package& p, const push_options& o) {
  header_list h = {{"Content-Type", "application/json; charset=utf-8"},
                   {"Idempotency-Key", idempotency_key(p)},
                   {"X-Pbgdpl-Unit", p.unit.value},
                   {"X-Pbgdpl-Package-Blake2b", p.blake2b}};
  h.insert(h.end(), o.headers.begin(), o.headers.end());
  return h;
}

PBGDPL_DECL push_verdict verdict_of(const fetch_response& r) noexcept {
  if (!r.ok() || r.status == 0) return push_verdict::retry;
  if (r.status >= 200 && r.status < 300) return push_verdict::delivered;
  if (r.status >= 400 && r.status < 500 && r.status != 408 && r.status != 425 && r.status != 429) return push_verdict::refused;
  return push_verdict::retry;
}

namespace detail {
inline std::string push_error(const fetch_response& r) {
  if (!r.ok()) return std::string(fetch_failure_name(r.failure)) + ": " + r.error_en;
  if (r.status >= 200 && r.status < 300) return {};
  return "HTTP " + std::to_string(r.status);
}

// The record after a write, or the error; a conflict (another writer moved it) is read again.
inline result<syndication_push> save(store::store& db, syndication_push p, const std::string& actor) {
  auto w = p.version == 0 ? db.create(p, actor) : db.update(p, actor);
  return w;
}
}  // namespace detail

PBGDPL_DECL result<syndication_push> push(const signed_package& p, const push_options& o, store::store* db) {
  auto now = [&] { return o.now ? o.now() : pbgdpl::now(); };
  if (!rules::is_web_url(o.url))
    return error(errc::invalid_argument, "/url", "Địa chỉ nhận gói phải là http:// hoặc https://",
                 "The syndication endpoint must be http:// or https://");
  const auto key = idempotency_key(p);
  syndication_push log;
  bool resumed = false;
  if (db)
    if (auto existing = db->get<syndication_push>(key)) {
      log = std::move(*existing);
      resumed = true;
      if (log.state == delivery_state::delivered) return log;  // the receiver has it already
    }
  if (!resumed) {
    log.id = syndication_push_id{key};
    log.unit = p.unit;
    log.url = o.url;
    log.package_blake2b = p.blake2b.empty() ? trust::to_hex(trust::blake2b_256(p.text)) : p.blake2b;
    log.package_bytes = p.text.size();
    log.items = static_cast<std::uint32_t>(p.items);
    log.created_at = now();
  }
  // A push of the same package again (a second run) gets a fresh set of attempts.
  log.state = delivery_state::pending;
  log.next_attempt_at = now();
  if (db) {
    auto w = detail::save(*db, log, o.actor);
    if (!w) return w.err();
    log = std::move(*w);
  }
  const auto body = push_body(p);
  const auto headers = push_headers(p, o);
  std::mt19937_64 rng(std::random_device{}());
  std::uniform_real_distribution<double> unit_interval(0.0, 1.0);
  const unsigned max_attempts = std::max(1u, o.retry.max_attempts);
  for (unsigned n = 1;; ++n) {
    const auto started = now();
    auto fo = o.fetch;
    fo.max_redirects = 0;  // a POST is never replayed to another address
    fo.keep_truncated = true;
    fo.max_body_bytes = std::min<std::size_t>(fo.max_body_bytes, 64u * 1024u);
    auto r = fetch(o.url, headers, fo, "POST", body);
    delivery_attempt at;
    at.at = started;
    at.status = r.status;
    at.error = detail::push_error(r).substr(0, 500);
    at.duration_ms = static_cast<std::uint32_t>(std::max<std::int64_t>(0, r.elapsed.count()));
    log.attempts.push_back(at);
    if (log.attempts.size() > 100) log.attempts.erase(log.attempts.begin());
    log.last_status = at.status;
    log.last_error = at.error;
    const auto v = verdict_of(r);
    const bool give_up = v == push_verdict::refused || n >= max_attempts || (o.stopping && o.stopping());
    std::chrono::seconds delay{0};
    if (v == push_verdict::delivered) {
      log.state = delivery_state::delivered;
      log.delivered_at = now();
    } else if (give_up) {
      log.state = delivery_state::failed;
    } else {
      delay = backoff_delay(o.retry, n, unit_interval(rng));
      log.next_attempt_at = now() + delay;
    }
    if (db) {
      auto w = detail::save(*db, log, o.actor);
      if (!w) return w.err();
      log = std::move(*w);
    }
    if (log.state != delivery_state::pending) return log;
    // Wait in short steps so that a shutdown is not held for a long backoff.
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(delay);
    while (left.count() > 0) {
      if (o.stopping && o.stopping()) break;
      auto step = std::min(left, std::chrono::milliseconds(200));
      if (o.sleep) o.sleep(step);
      else std::this_thread::sleep_for(step);
      left -= step;
    }
    if (o.stopping && o.stopping()) {
      log.state = delivery_state::failed;
      log.last_error = "stopped before the next attempt";
      if (db) {
        auto w = detail::save(*db, log, o.actor);
        if (!w) return w.err();
        log = std::move(*w);
      }
      return log;
    }
  }
}

PBGDPL_DECL result<store::page<syndication_push>> list_pushes(store::store& db, const unit_id& unit, std::size_t limit,
                                                              const std::string& cursor) {
  store::list_query q;
  q.where.unit = unit.value;
  q.where.include_descendants = false;
  q.limit = std::clamp<std::size_t>(limit, 1, 100);
  q.cursor = cursor;
  return db.list<syndication_push>(q);
}

}  // namespace network
PBGDPL_NAMESPACE_END
