// Bodies of model/aggregation.hpp (JSON codecs and validation): compiled once into the core tier
// (src/core/model.cpp), or included by the header in header-only builds.
#pragma once
#include "../aggregation.hpp"

PBGDPL_NAMESPACE_BEGIN

PBGDPL_MODEL_DEFINE(feed_subscription)
PBGDPL_MODEL_DEFINE(aggregated_entry)

PBGDPL_DECL void validate(const feed_subscription& s, validator& v) {
  rules::schema(v, s.schema_version);
  rules::identifier(v, s.id, "/id", "Mã nguồn tin", "Subscription id");
  rules::identifier(v, s.unit, "/unit", "Đơn vị", "Unit");
  rules::url(v, s.url, "/url", "Địa chỉ nguồn tin", "Feed URL", true);
  for (auto [field, path] : {std::pair{&s.etag, "/etag"}, {&s.last_modified, "/last_modified"}, {&s.feed_id, "/feed_id"},
                             {&s.feed_title, "/feed_title"}, {&s.feed_link, "/feed_link"}, {&s.last_error, "/last_error"}})
    rules::text(v, *field, path, "Trường", "Field", false);
  rules::time_set(v, s.created_at, "/created_at", "Thời điểm tạo", "created_at");
}

PBGDPL_DECL void validate(const aggregated_entry& e, validator& v) {
  rules::schema(v, e.schema_version);
  rules::identifier(v, e.id, "/id", "Mã tin", "Entry id");
  rules::identifier(v, e.unit, "/unit", "Đơn vị", "Unit");
  rules::identifier(v, e.subscription, "/subscription", "Nguồn tin", "Subscription");
  for (auto [field, path] : {std::pair{&e.entry_id, "/entry_id"}, {&e.link, "/link"}, {&e.title, "/title"},
                             {&e.source_id, "/source_id"}, {&e.source_title, "/source_title"}, {&e.source_link, "/source_link"},
                             {&e.source_url, "/source_url"}})
    rules::text(v, *field, path, "Trường", "Field", false);
  v.check(!e.entry_id.empty() || !e.link.empty(), "/entry_id", errc::missing_field, "Tin cần có mã hoặc liên kết",
          "An entry needs an id or a link");
  rules::time_set(v, e.sort_at, "/sort_at", "Thời điểm xếp", "sort_at");
  rules::time_set(v, e.created_at, "/created_at", "Thời điểm tạo", "created_at");
}

#if !defined(PBGDPL_HEADER_ONLY)
PBGDPL_MODEL_INSTANTIATE(feed_subscription)
PBGDPL_MODEL_INSTANTIATE(aggregated_entry)
#endif

PBGDPL_NAMESPACE_END
