// Bodies of model/unit.hpp (JSON codecs and validation): compiled once into the core tier
// (src/core/model.cpp), or included by the header in header-only builds.
#pragma once
#include "../unit.hpp"

PBGDPL_NAMESPACE_BEGIN

PBGDPL_MODEL_DEFINE(unit)

PBGDPL_DECL void validate(const unit& u, validator& v) {
  rules::schema(v, u.schema_version);
  rules::known(v, u.kind, "/kind");
  rules::known(v, u.level, "/level");
  rules::identifier(v, u.id, "/id", "Mã đơn vị", "Unit id");
  rules::text(v, u.name, "/name", "Tên đơn vị", "Unit name", true);
  rules::text(v, u.short_name, "/short_name", "Tên viết tắt", "Short name", false);
  rules::identifier(v, u.parent, "/parent", "Đơn vị cấp trên", "Parent unit");
  if (u.parent && *u.parent == u.id)
    v.add("/parent", errc::invalid_argument, "Đơn vị không thể là cấp trên của chính nó", "A unit cannot be its own parent");
  if (u.kind == unit_kind::school)
    v.check(u.level.has_value(), "/level", errc::missing_field, "Trường học phải có cấp học (mn, th, thcs)",
            "A school must have a level (mn, th, thcs)");
  else
    v.check(!u.level.has_value(), "/level", errc::invalid_argument, "Chỉ trường học mới có cấp học",
            "Only a school has a level");
  if (u.kind != unit_kind::city)
    v.check(u.parent.has_value(), "/parent", errc::missing_field, "Đơn vị phải có đơn vị cấp trên",
            "Every unit but the city must have a parent");
  rules::url(v, u.website, "/website", "Trang web", "Website", false);
  rules::email(v, u.email, "/email", false);
  rules::text(v, u.phone, "/phone", "Số điện thoại", "Phone", false);
  rules::text(v, u.address, "/address", "Địa chỉ", "Address", false);
  if (u.opened_on && u.closed_on)
    rules::not_before(v, *u.closed_on, *u.opened_on, "/closed_on", "Ngày giải thể phải sau ngày thành lập",
                      "closed_on must not be before opened_on");
}

#if !defined(PBGDPL_HEADER_ONLY)
PBGDPL_MODEL_INSTANTIATE(unit)
#endif

PBGDPL_NAMESPACE_END
