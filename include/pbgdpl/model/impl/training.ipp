// Bodies of model/training.hpp (JSON codecs and validation): compiled once into the core tier
// (src/core/model.cpp), or included by the header in header-only builds.
#pragma once
#include "../training.hpp"

PBGDPL_NAMESPACE_BEGIN

PBGDPL_MODEL_DEFINE(training_course)

PBGDPL_DECL void validate(const training_course& c, validator& v) {
  rules::schema(v, c.schema_version);
  rules::known(v, c.mode, "/mode");
  rules::identifier(v, c.id, "/id", "Mã khóa học", "Course id");
  rules::text(v, c.title, "/title", "Tên khóa học", "Course title", true);
  rules::long_text(v, c.description, "/description", "Mô tả", "Description", false);
  rules::text(v, c.organizer, "/organizer", "Đơn vị tổ chức", "Organizer", false);
  rules::identifier(v, c.unit, "/unit", "Đơn vị", "Unit");
  rules::not_before(v, c.ends_on, c.starts_on, "/ends_on", "Ngày kết thúc không được trước ngày bắt đầu",
                    "ends_on must not be before starts_on");
  rules::url(v, c.url, "/url", "Địa chỉ học trực tuyến", "Course URL", c.mode == training_mode::online);
  v.check(c.hours <= 2000, "/hours", errc::out_of_range, "Số giờ quá lớn", "Too many hours");
  v.check(c.sessions >= 1 && c.sessions <= 1000, "/sessions", errc::out_of_range, "Số buổi phải từ 1 đến 1000",
          "Sessions must be 1 to 1000");
  rules::texts(v, c.topics, "/topics", "Chủ đề", "Topic");
}

PBGDPL_MODEL_DEFINE(attendance)

PBGDPL_DECL void validate(const attendance& a, validator& v) {
  rules::schema(v, a.schema_version);
  rules::known(v, a.status, "/status");
  rules::identifier(v, a.id, "/id", "Mã tham dự", "Attendance id");
  rules::identifier(v, a.course, "/course", "Khóa học", "Course");
  rules::identifier(v, a.unit, "/unit", "Đơn vị", "Unit");
  rules::identifier(v, a.account, "/account", "Tài khoản", "Account");
  rules::text(v, a.person_name, "/person_name", "Họ tên", "Name", true);
  rules::text(v, a.position, "/position", "Chức vụ", "Position", false);
  v.check(a.status != attendance_status::completed || a.completed_on.has_value(), "/completed_on", errc::missing_field,
          "Đã hoàn thành phải có ngày hoàn thành", "A completed course needs completed_on");
  rules::text(v, a.certificate_number, "/certificate_number", "Số chứng nhận", "Certificate number", false);
}

#if !defined(PBGDPL_HEADER_ONLY)
PBGDPL_MODEL_INSTANTIATE(training_course)
PBGDPL_MODEL_INSTANTIATE(attendance)
#endif

PBGDPL_NAMESPACE_END
