// Definitions for reports/notifier.hpp (inline in header-only mode, compiled once from
// src/reports/notifier.cpp).
#pragma once
#include "../notifier.hpp"

#include "../../network/webhooks.hpp"

#include <algorithm>

PBGDPL_NAMESPACE_BEGIN
namespace reports {

PBGDPL_DECL webhook_notifier::webhook_notifier(store::store& db, std::string actor, std::function<timestamp()> now)
    : db_(db), actor_(std::move(actor)), now_(std::move(now)) {
  if (!now_) now_ = [] { return pbgdpl::now(); };
}

PBGDPL_DECL result<std::size_t> webhook_notifier::send(std::string_view event, const json& data) {
  auto bad = [](std::string vi, std::string en) { return error(errc::invalid_argument, "/data", std::move(vi), std::move(en)); };
  if (!data.is_object() || !data.contains("id") || !data["id"].is_string() || !data.contains("units") ||
      !data["units"].is_array())
    return bad("Sự kiện cần có \"id\" và \"units\"", "An event needs \"id\" and \"units\"");
  const std::string subject = data["id"].get<std::string>();
  std::vector<std::string> units;
  for (const auto& u : data["units"])
    if (u.is_string()) units.push_back(u.get<std::string>());
  timestamp occurred = now_();
  if (auto it = data.find("occurred_at"); it != data.end() && it->is_string()) {
    auto t = parse_timestamp(it->get<std::string>());
    if (!t) return t.err();
    occurred = *t;
  }
  std::size_t made = 0;
  store::list_query q;
  q.where.state = "active";
  q.oldest_first = true;
  q.limit = 100;
  for (;;) {
    auto p = db_.list<webhook>(q);
    if (!p) return p.err();
    for (const auto& w : p->items) {
      if (!w.active || std::find(w.events.begin(), w.events.end(), event) == w.events.end()) continue;
      if (std::find(units.begin(), units.end(), w.unit.value) == units.end()) continue;
      auto id = network::delivery_id(w.id, event, "report_reminder", subject, occurred);
      if (db_.get<webhook_delivery>(id.value)) {  // sent before: counted, not made again
        ++made;
        continue;
      }
      webhook_delivery d;
      d.id = id;
      d.webhook = w.id;
      d.unit = w.unit;
      d.event = std::string(event);
      d.subject_kind = "report_reminder";
      d.subject_id = subject;
      d.occurred_at = occurred;
      json body{{"event", std::string(event)},
                {"delivery", id.value},
                {"webhook", w.id.value},
                {"occurred_at", format_timestamp(occurred)},
                {"data", data}};
      d.payload = body.dump();
      d.state = delivery_state::pending;
      d.created_at = d.next_attempt_at = now_();
      auto c = db_.create(std::move(d), actor_);
      if (!c && c.err().code != errc::already_exists) return c.err();
      ++made;
    }
    if (p->next_cursor.empty()) return made;
    q.cursor = p->next_cursor;
  }
}

}  // namespace reports
PBGDPL_NAMESPACE_END
