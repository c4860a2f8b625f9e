// Bodies of model/signage_ops.hpp (JSON codecs and validation): compiled once into the core tier
// (src/core/model.cpp), or included by the header in header-only builds.
#pragma once
#include "../signage_ops.hpp"

PBGDPL_NAMESPACE_BEGIN

namespace detail {
inline void optional_blake2b(validator& v, const std::string& s, const std::string& path) {
  if (!s.empty()) rules::blake2b(v, s, path);
}
inline std::size_t utf8_code_points(std::string_view s) noexcept {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}
}  // namespace detail

PBGDPL_MODEL_DEFINE(display_enrolment)

PBGDPL_DECL void validate(const display_enrolment& e, validator& v) {
  rules::schema(v, e.schema_version);
  rules::identifier(v, e.id, "/id", "Mã khóa thiết bị", "Device key id");
  if (!e.id.empty())
    v.check(is_device_key_id(e.id.value), "/id", errc::invalid_argument, "Mã khóa thiết bị phải là 16 ký tự hex in hoa",
            "A device key id is 16 upper-case hex characters");
  rules::long_text(v, e.public_key, "/public_key", "Khóa công khai", "Public key", true);
  v.check(is_enrolment_code(e.code), "/code", errc::invalid_argument,
          "Mã đăng ký có dạng \"7KQ-M4P\" (không có 0, O, 1, I)", "An enrolment code looks like \"7KQ-M4P\" (no 0, O, 1, I)");
  rules::known(v, e.state, "/state");
  rules::text(v, e.name, "/name", "Tên thiết bị", "Device name", false);
  v.check(e.width <= 16384 && e.height <= 16384, "/width", errc::out_of_range, "Kích thước màn hình quá lớn",
          "The screen size is too large");
  rules::identifier(v, e.display, "/display", "Màn hình", "Display");
  v.check(e.state != enrolment_state::authorised || e.display.has_value(), "/display", errc::missing_field,
          "Thiết bị đã được cho phép phải gắn với một màn hình", "An authorised device must be bound to a display");
  rules::time_set(v, e.created_at, "/created_at", "Thời điểm đăng ký", "Enrolment time");
  rules::identifier(v, e.decided_by, "/decided_by", "Người duyệt", "Decided by");
  detail::optional_blake2b(v, e.manifest_blake2b, "/manifest_blake2b");
  detail::optional_blake2b(v, e.plays_hash, "/plays_hash");
  v.check(e.plays_seq == 0 || !e.plays_hash.empty(), "/plays_hash", errc::missing_field,
          "Thiếu mã băm của lượt phát cuối", "The last play's hash is missing");
}

PBGDPL_MODEL_DEFINE(play_record)

PBGDPL_DECL void validate(const play_record& p, validator& v) {
  rules::schema(v, p.schema_version);
  rules::identifier(v, p.id, "/id", "Mã lượt phát", "Play id");
  rules::identifier(v, p.display, "/display", "Màn hình", "Display");
  rules::identifier(v, p.unit, "/unit", "Đơn vị", "Unit");
  rules::text(v, p.media, "/media", "Nội dung", "Media", false);
  rules::blake2b(v, p.blake2b, "/blake2b");
  rules::time_set(v, p.start, "/start", "Thời điểm bắt đầu", "Start");
  rules::not_before(v, p.end, p.start, "/end", "Thời điểm kết thúc không được trước lúc bắt đầu",
                    "The end must not come before the start");
  v.check(p.player == "native" || p.player == "kiosk", "/player", errc::invalid_argument,
          "Loại trình phát là \"native\" hoặc \"kiosk\"", "The player is \"native\" or \"kiosk\"");
  v.check(p.seq > 0, "/seq", errc::out_of_range, "Số thứ tự lượt phát bắt đầu từ 1", "Play numbers start at 1");
  rules::blake2b(v, p.line_blake2b, "/line_blake2b");
}

PBGDPL_MODEL_DEFINE(display_fault)

PBGDPL_MODEL_DEFINE(display_status)

PBGDPL_DECL void validate(const display_status& s, validator& v) {
  rules::schema(v, s.schema_version);
  rules::identifier(v, s.id, "/id", "Màn hình", "Display");
  rules::identifier(v, s.unit, "/unit", "Đơn vị", "Unit");
  rules::time_set(v, s.last_seen, "/last_seen", "Lần liên lạc cuối", "Last seen");
  rules::text(v, s.status, "/status", "Trạng thái", "Status", false);
  v.check(s.inventory.size() <= display_status_max_inventory, "/inventory", errc::too_large,
          "Danh sách tệp trong bộ nhớ đệm quá dài", "The cache inventory is too long");
  for (std::size_t i = 0; i < s.inventory.size() && i < display_status_max_inventory; ++i)
    rules::blake2b(v, s.inventory[i], "/inventory/" + std::to_string(i));
  v.check(s.faults.size() <= display_status_max_faults, "/faults", errc::too_large, "Quá nhiều lỗi được lưu",
          "Too many faults kept");
  for (std::size_t i = 0; i < s.faults.size(); ++i) {
    auto p = "/faults/" + std::to_string(i);
    rules::time_set(v, s.faults[i].at, p + "/at", "Thời điểm lỗi", "Fault time");
    rules::text(v, s.faults[i].code, p + "/code", "Mã lỗi", "Fault code", false);
    rules::text(v, s.faults[i].message, p + "/message", "Nội dung lỗi", "Fault message", false);
    v.check(detail::utf8_code_points(s.faults[i].message) <= display_fault_max_message, p + "/message", errc::too_large,
            "Nội dung lỗi dài quá 500 ký tự", "The fault message is longer than 500 characters");
  }
  rules::text(v, s.snapshot, "/snapshot", "Ảnh chụp màn hình", "Snapshot", false);
  v.check(s.snapshot.find('/') == std::string::npos && s.snapshot.find('\\') == std::string::npos &&
              s.snapshot != "." && s.snapshot != "..",
          "/snapshot", errc::invalid_argument, "Tên tệp ảnh chụp không hợp lệ", "The snapshot file name is not valid");
}

#if !defined(PBGDPL_HEADER_ONLY)
PBGDPL_MODEL_INSTANTIATE(display_enrolment)
PBGDPL_MODEL_INSTANTIATE(play_record)
PBGDPL_MODEL_INSTANTIATE(display_status)
#endif

PBGDPL_NAMESPACE_END
