// Bodies of model/webhook.hpp (JSON codecs and validation): compiled once into the core tier
// (src/core/model.cpp), or included by the header in header-only builds.
#pragma once
#include "../webhook.hpp"

PBGDPL_NAMESPACE_BEGIN

PBGDPL_MODEL_DEFINE(webhook)
PBGDPL_MODEL_DEFINE(delivery_attempt)
PBGDPL_MODEL_DEFINE(webhook_delivery)

PBGDPL_DECL void validate(const webhook& w, validator& v) {
  rules::schema(v, w.schema_version);
  rules::identifier(v, w.id, "/id", "Mã webhook", "Webhook id");
  rules::identifier(v, w.unit, "/unit", "Đơn vị", "Unit");
  // http:// and https:// only: no file:, gopher:, ftp: or other scheme reaches the client.
  rules::url(v, w.url, "/url", "Địa chỉ nhận webhook", "Webhook URL", true);
  if (w.events.empty())
    v.add("/events", errc::missing_field, "Cần chọn ít nhất một sự kiện", "At least one event is required");
  for (std::size_t i = 0; i < w.events.size(); ++i) {
    auto path = "/events/" + std::to_string(i);
    v.check(is_webhook_event(w.events[i]), path, errc::out_of_range,
            "Sự kiện không được hỗ trợ: \"" + w.events[i] + "\" (article.published, question.answered, report.reminder)",
            "Unsupported event: \"" + w.events[i] + "\" (article.published, question.answered, report.reminder)");
    rules::unique_at(v, w.events, i, [](const auto& x) -> const auto& { return x; }, path, "Sự kiện bị lặp lại",
                     "Duplicate event");
  }
  // At least 128 bits of a server-made secret (random_hex(32) gives 256).
  v.check(w.secret.size() >= 32 && w.secret.size() <= 128, "/secret", errc::invalid_argument,
          "Khóa bí mật phải dài 32-128 ký tự", "The secret must be 32-128 characters");
  rules::text(v, w.description, "/description", "Mô tả", "Description", false);
  rules::time_set(v, w.created_at, "/created_at", "Thời điểm tạo", "created_at");
}

PBGDPL_DECL void validate(const delivery_attempt& a, validator& v) {
  rules::time_set(v, a.at, "/at", "Thời điểm gửi", "at");
  rules::text(v, a.error, "/error", "Lỗi", "Error", false);
}

PBGDPL_DECL void validate(const webhook_delivery& d, validator& v) {
  rules::schema(v, d.schema_version);
  rules::known(v, d.state, "/state");
  rules::identifier(v, d.id, "/id", "Mã lần gửi", "Delivery id");
  rules::identifier(v, d.webhook, "/webhook", "Webhook", "Webhook");
  rules::identifier(v, d.unit, "/unit", "Đơn vị", "Unit");
  v.check(is_webhook_event(d.event), "/event", errc::out_of_range, "Sự kiện không được hỗ trợ", "Unsupported event");
  rules::text(v, d.subject_kind, "/subject_kind", "Loại nội dung", "Subject kind", true);
  rules::text(v, d.subject_id, "/subject_id", "Mã nội dung", "Subject id", true);
  rules::time_set(v, d.occurred_at, "/occurred_at", "Thời điểm sự kiện", "occurred_at");
  rules::long_text(v, d.payload, "/payload", "Nội dung gửi", "Payload", true);
  for (std::size_t i = 0; i < d.attempts.size(); ++i)
    v.nested("/attempts/" + std::to_string(i), [&] { validate(d.attempts[i], v); });
  rules::time_set(v, d.next_attempt_at, "/next_attempt_at", "Lần gửi tiếp theo", "next_attempt_at");
  rules::text(v, d.last_error, "/last_error", "Lỗi gần nhất", "Last error", false);
  rules::time_set(v, d.created_at, "/created_at", "Thời điểm tạo", "created_at");
  v.check(d.state != delivery_state::delivered || d.delivered_at.has_value(), "/delivered_at", errc::missing_field,
          "Thiếu thời điểm đã gửi", "delivered_at is missing");
}

#if !defined(PBGDPL_HEADER_ONLY)
PBGDPL_MODEL_INSTANTIATE(webhook)
PBGDPL_MODEL_INSTANTIATE(webhook_delivery)
#endif

PBGDPL_NAMESPACE_END
