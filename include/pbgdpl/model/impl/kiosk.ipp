// Bodies of model/kiosk.hpp (JSON codecs and validation): compiled once into the core tier
// (src/core/model.cpp), or included by the header in header-only builds.
#pragma once
#include "../kiosk.hpp"

PBGDPL_NAMESPACE_BEGIN

PBGDPL_MODEL_DEFINE(kiosk_link)

PBGDPL_DECL void validate(const kiosk_link& k, validator& v) {
  rules::schema(v, k.schema_version);
  v.check(k.id.value.size() == 64 && rules::is_hex(k.id.value, 64), "/id", errc::invalid_argument,
          "Mã liên kết phải là băm BLAKE2b-256 (64 ký tự hex)", "A kiosk link's id is its BLAKE2b-256 hash (64 hex characters)");
  v.check(k.handle.starts_with("kio_") && k.handle.size() <= 40, "/handle", errc::invalid_argument,
          "Tên gọi của liên kết không hợp lệ", "Invalid kiosk link handle");
  rules::identifier(v, k.display, "/display", "Màn hình", "Display");
  rules::identifier(v, k.unit, "/unit", "Đơn vị", "Unit");
  rules::text(v, k.label, "/label", "Tên gọi", "Label", false);
  rules::identifier(v, k.created_by, "/created_by", "Người tạo", "Created by");
  rules::time_set(v, k.created_at, "/created_at", "Thời điểm tạo", "Creation time");
  v.check(k.expires_at > k.created_at, "/expires_at", errc::invalid_argument, "Hạn dùng phải sau thời điểm tạo",
          "Expiry must come after creation");
}

#if !defined(PBGDPL_HEADER_ONLY)
PBGDPL_MODEL_INSTANTIATE(kiosk_link)
#endif

PBGDPL_NAMESPACE_END
