// One error style for the whole library: a stable error code (errc) with its own category, an
// `error` value that says where (a JSON pointer) and what (Vietnamese and English), and an
// exception derived from std::system_error for the throwing form.
#pragma once
#include "../config.hpp"

#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

PBGDPL_NAMESPACE_BEGIN

// Numeric values are stable: scripts and the HTTP API expose them. Append only.
enum class errc : int {
  ok = 0,
  invalid_argument = 1,
  invalid_utf8 = 2,
  parse_error = 3,
  missing_field = 4,
  wrong_type = 5,
  out_of_range = 6,
  too_large = 7,
  bad_date = 8,
  bad_document_number = 9,
  validation_failed = 10,
  not_found = 20,
  conflict = 21,
  already_exists = 22,
  io_error = 23,
  corrupt = 24,
  unsupported_version = 25,
  read_only = 26,
  storage_full = 27,
  busy = 28,
  permission_denied = 40,
  unauthenticated = 41,
  csrf = 42,  // a write with ambient credentials (a cookie) from another site's page
  too_many_attempts = 43,  // sign-in throttled: too many failures for an account or a client
  bad_signature = 50,
  unknown_key = 51,
  tampered = 52,
  expired = 53,
  not_yet_valid = 54,
  revoked = 55,
  superseded = 56,
  wrong_use = 57,
  bad_key = 58,
  unsafe_path = 59,
  clock_rollback = 60,  // the clock reads earlier than a time already seen (set back)
  internal = 99,
};

// A short stable identifier for each code ("conflict", "bad_signature"), used in JSON errors.
constexpr std::string_view errc_name(errc e) noexcept {
  switch (e) {
    case errc::ok: return "ok";
    case errc::invalid_argument: return "invalid_argument";
    case errc::invalid_utf8: return "invalid_utf8";
    case errc::parse_error: return "parse_error";
    case errc::missing_field: return "missing_field";
    case errc::wrong_type: return "wrong_type";
    case errc::out_of_range: return "out_of_range";
    case errc::too_large: return "too_large";
    case errc::bad_date: return "bad_date";
    case errc::bad_document_number: return "bad_document_number";
    case errc::validation_failed: return "validation_failed";
    case errc::not_found: return "not_found";
    case errc::conflict: return "conflict";
    case errc::already_exists: return "already_exists";
    case errc::io_error: return "io_error";
    case errc::corrupt: return "corrupt";
    case errc::unsupported_version: return "unsupported_version";
    case errc::read_only: return "read_only";
    case errc::storage_full: return "storage_full";
    case errc::busy: return "busy";
    case errc::permission_denied: return "permission_denied";
    case errc::unauthenticated: return "unauthenticated";
    case errc::csrf: return "csrf";
    case errc::too_many_attempts: return "too_many_attempts";
    case errc::bad_signature: return "bad_signature";
    case errc::unknown_key: return "unknown_key";
    case errc::tampered: return "tampered";
    case errc::expired: return "expired";
    case errc::not_yet_valid: return "not_yet_valid";
    case errc::revoked: return "revoked";
    case errc::superseded: return "superseded";
    case errc::wrong_use: return "wrong_use";
    case errc::bad_key: return "bad_key";
    case errc::unsafe_path: return "unsafe_path";
    case errc::clock_rollback: return "clock_rollback";
    case errc::internal: return "internal";
  }
  return "unknown";
}

// Default human messages, Vietnamese first; specific errors carry their own text.
constexpr std::pair<std::string_view, std::string_view> errc_messages(errc e) noexcept {
  switch (e) {
    case errc::ok: return {"Thành công", "Success"};
    case errc::invalid_argument: return {"Tham số không hợp lệ", "Invalid argument"};
    case errc::invalid_utf8: return {"Nội dung không đúng mã UTF-8", "Text is not valid UTF-8"};
    case errc::parse_error: return {"Không đọc được dữ liệu", "Could not parse input"};
    case errc::missing_field: return {"Thiếu thông tin bắt buộc", "A required field is missing"};
    case errc::wrong_type: return {"Sai kiểu dữ liệu", "Wrong data type"};
    case errc::out_of_range: return {"Giá trị ngoài phạm vi cho phép", "Value out of range"};
    case errc::too_large: return {"Dữ liệu quá lớn", "Value too large"};
    case errc::bad_date: return {"Ngày tháng không hợp lệ", "Invalid date"};
    case errc::bad_document_number: return {"Số ký hiệu văn bản không hợp lệ", "Invalid document number"};
    case errc::validation_failed: return {"Dữ liệu không hợp lệ", "Validation failed"};
    case errc::not_found: return {"Không tìm thấy", "Not found"};
    case errc::conflict: return {"Dữ liệu đã bị người khác thay đổi", "Conflict: the record was changed by someone else"};
    case errc::already_exists: return {"Đã tồn tại", "Already exists"};
    case errc::io_error: return {"Lỗi đọc/ghi", "I/O error"};
    case errc::corrupt: return {"Dữ liệu bị hỏng", "Data is corrupt"};
    case errc::unsupported_version: return {"Phiên bản không được hỗ trợ", "Unsupported version"};
    case errc::read_only: return {"Chỉ được đọc, không ghi được", "Read-only: cannot write"};
    case errc::storage_full: return {"Hết dung lượng lưu trữ", "Storage is full"};
    case errc::busy: return {"Hệ thống đang bận, hãy thử lại", "Busy, try again"};
    case errc::permission_denied: return {"Không có quyền thực hiện", "Permission denied"};
    case errc::unauthenticated: return {"Chưa đăng nhập hoặc phiên đã hết hạn", "Not authenticated"};
    case errc::csrf: return {"Yêu cầu ghi đến từ trang của nơi khác", "A write from another site's page (cross-site request)"};
    case errc::too_many_attempts: return {"Đăng nhập sai quá nhiều lần, hãy thử lại sau", "Too many failed sign-ins; try again later"};
    case errc::bad_signature: return {"Chữ ký không hợp lệ", "Invalid signature"};
    case errc::unknown_key: return {"Khóa không được tin cậy", "Unknown or untrusted key"};
    case errc::tampered: return {"Nội dung đã bị sửa đổi", "Content was tampered with"};
    case errc::expired: return {"Phê duyệt đã hết hạn", "Expired"};
    case errc::not_yet_valid: return {"Chưa đến thời điểm có hiệu lực", "Not yet valid"};
    case errc::revoked: return {"Khóa đã bị thu hồi", "Revoked"};
    case errc::superseded: return {"Đã có phê duyệt mới hơn thay thế", "Superseded by a newer approval"};
    case errc::wrong_use: return {"Không được phê duyệt cho mục đích này", "Not approved for this use"};
    case errc::bad_key: return {"Khóa không hợp lệ", "Invalid key"};
    case errc::unsafe_path: return {"Đường dẫn không an toàn", "Unsafe path"};
    case errc::clock_rollback: return {"Đồng hồ thiết bị bị chỉnh lùi", "The device clock was set back"};
    case errc::internal: return {"Lỗi nội bộ", "Internal error"};
  }
  return {"Lỗi không xác định", "Unknown error"};
}

class error_category_impl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "pbgdpl"; }
  std::string message(int ev) const override {
    auto m = errc_messages(static_cast<errc>(ev));
    return std::string(m.second) + " / " + std::string(m.first);
  }
};

inline const std::error_category& error_category() noexcept {
  static const error_category_impl instance;
  return instance;
}

inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), error_category()};
}

// An error value: a code, where it happened (a JSON pointer such as "/files/2/size", empty when
// not about a field), and what happened in Vietnamese and English. Validation can report several
// problems at once in `details`.
struct error {
  errc code = errc::ok;
  std::string path;
  std::string message_vi;
  std::string message_en;
  std::vector<error> details;

  error() = default;
  error(errc c, std::string p = {}, std::string vi = {}, std::string en = {})
      : code(c), path(std::move(p)), message_vi(std::move(vi)), message_en(std::move(en)) {
    auto d = errc_messages(c);
    if (message_vi.empty()) message_vi = d.first;
    if (message_en.empty()) message_en = d.second;
  }

  std::error_code ec() const noexcept { return make_error_code(code); }
  // "path: English / Vietnamese": for logs and exception what().
  std::string describe() const {
    std::string s;
    if (!path.empty()) s += path + ": ";
    s += message_en + " / " + message_vi;
    return s;
  }
  friend bool operator==(const error& a, const error& b) = default;
};

// The throwing form. Derives from std::system_error so callers can catch either.
class exception : public std::system_error {
 public:
  explicit exception(error e) : std::system_error(e.ec(), e.describe()), err_(std::move(e)) {}
  explicit exception(errc c) : exception(error(c)) {}
  const error& err() const noexcept { return err_; }

 private:
  error err_;
};

[[noreturn]] inline void throw_error(error e) { throw exception(std::move(e)); }

PBGDPL_NAMESPACE_END

template <>
struct std::is_error_code_enum<pbgdpl::v1::errc> : std::true_type {};
