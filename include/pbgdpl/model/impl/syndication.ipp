// Bodies of model/syndication.hpp (JSON codec and validation): compiled once into the core tier
// (src/core/model.cpp), or included by the header in header-only builds.
#pragma once
#include "../syndication.hpp"

PBGDPL_NAMESPACE_BEGIN

PBGDPL_MODEL_DEFINE(syndication_push)

PBGDPL_DECL void validate(const syndication_push& p, validator& v) {
  rules::schema(v, p.schema_version);
  rules::known(v, p.state, "/state");
  rules::identifier(v, p.id, "/id", "Mã lần gửi", "Push id");
  rules::identifier(v, p.unit, "/unit", "Đơn vị", "Unit");
  rules::url(v, p.url, "/url", "Địa chỉ nhận gói liên thông", "Syndication endpoint", true);
  rules::blake2b(v, p.package_blake2b, "/package_blake2b");
  for (std::size_t i = 0; i < p.attempts.size(); ++i)
    v.nested("/attempts/" + std::to_string(i), [&] { validate(p.attempts[i], v); });
  rules::time_set(v, p.next_attempt_at, "/next_attempt_at", "Lần gửi tiếp theo", "next_attempt_at");
  rules::text(v, p.last_error, "/last_error", "Lỗi gần nhất", "Last error", false);
  rules::time_set(v, p.created_at, "/created_at", "Thời điểm tạo", "created_at");
  v.check(p.state != delivery_state::delivered || p.delivered_at.has_value(), "/delivered_at", errc::missing_field,
          "Thiếu thời điểm đã gửi", "delivered_at is missing");
}

#if !defined(PBGDPL_HEADER_ONLY)
PBGDPL_MODEL_INSTANTIATE(syndication_push)
#endif

PBGDPL_NAMESPACE_END
