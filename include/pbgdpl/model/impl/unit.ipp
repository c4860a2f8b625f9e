// Bodies of model/unit.hpp (JSON codecs and validation): compiled once into the core tier
// (src/core/model.cpp), or included by the header in header-only builds.
#pragma once
#include "../unit.hpp"

PBGDPL_NAMESPACE_BEGIN

PBGDPL_MODEL_DEFINE(unit_period)
PBGDPL_MODEL_DEFINE(unit_succession)
PBGDPL_MODEL_DEFINE(unit)

PBGDPL_DECL unit unit_state_on(const unit& u, date d) {
  unit out = u;
  for (const auto& p : u.history) {
    if (d > p.until) continue;
    out.parent = p.parent;
    if (p.kind) out.kind = *p.kind;
    if (!p.name.empty()) out.name = p.name;
    if (!p.short_name.empty()) out.short_name = p.short_name;
    break;
  }
  return out;
}

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

  // Earlier states: in order, inside the unit's life, each a valid unit of the same family
  // (a school stays a school: its level has no history).
  if (u.history.size() > max_unit_periods)
    v.add("/history", errc::invalid_argument,
          "Lịch sử đơn vị quá dài (tối đa " + std::to_string(max_unit_periods) + " giai đoạn)",
          "Too many earlier states (at most " + std::to_string(max_unit_periods) + ")");
  for (std::size_t i = 0; i < u.history.size() && i < max_unit_periods; ++i) {
    const auto& p = u.history[i];
    const auto at = "/history/" + std::to_string(i);
    rules::known(v, p.kind, at + "/kind");
    rules::text(v, p.name, at + "/name", "Tên đơn vị trong giai đoạn", "Unit name of the period", false);
    rules::text(v, p.short_name, at + "/short_name", "Tên viết tắt", "Short name", false);
    rules::text(v, p.decision, at + "/decision", "Quyết định", "Decision", false);
    rules::identifier(v, p.parent, at + "/parent", "Đơn vị cấp trên", "Parent unit");
    if (p.parent && *p.parent == u.id)
      v.add(at + "/parent", errc::invalid_argument, "Đơn vị không thể là cấp trên của chính nó",
            "A unit cannot be its own parent");
    const auto kind = p.kind.value_or(u.kind);
    if ((kind == unit_kind::school) != (u.kind == unit_kind::school))
      v.add(at + "/kind", errc::invalid_argument, "Trường học không thể đổi thành loại đơn vị khác và ngược lại",
            "A school cannot have been another kind of unit, nor another unit a school");
    if (kind != unit_kind::city)
      v.check(p.parent.has_value(), at + "/parent", errc::missing_field, "Đơn vị phải có đơn vị cấp trên",
              "Every unit but the city must have a parent");
    if (i > 0 && !(u.history[i - 1].until < p.until))
      v.add(at + "/until", errc::invalid_argument, "Các giai đoạn phải theo thứ tự thời gian, không trùng ngày",
            "Periods must be in date order, each ending after the one before");
    if (u.opened_on && p.until < *u.opened_on)
      v.add(at + "/until", errc::invalid_argument, "Giai đoạn kết thúc trước ngày thành lập đơn vị",
            "A period ends before the unit was opened");
    if (u.closed_on && !(p.until < *u.closed_on))
      v.add(at + "/until", errc::invalid_argument,
            "Giai đoạn phải kết thúc trước ngày đơn vị kết thúc hoạt động",
            "A period must end before the unit closed");
  }

  // Successors: only of a unit that ended, each named once and never the unit itself.
  if (!u.successors.empty() && !u.closed_on)
    v.add("/successors", errc::invalid_argument,
          "Chỉ đơn vị đã kết thúc hoạt động (có closed_on) mới có đơn vị kế thừa",
          "Only a unit that ended (closed_on set) has successors");
  if (u.successors.size() > max_unit_successors)
    v.add("/successors", errc::invalid_argument,
          "Quá nhiều đơn vị kế thừa (tối đa " + std::to_string(max_unit_successors) + ")",
          "Too many successors (at most " + std::to_string(max_unit_successors) + ")");
  for (std::size_t i = 0; i < u.successors.size() && i < max_unit_successors; ++i) {
    const auto& s = u.successors[i];
    const auto at = "/successors/" + std::to_string(i);
    rules::known(v, s.kind, at + "/kind");
    rules::identifier(v, s.successor, at + "/successor", "Đơn vị kế thừa", "Successor unit");
    rules::identifier(v, s.decision_document, at + "/decision_document", "Văn bản quyết định", "Decision document");
    rules::text(v, s.decision, at + "/decision", "Quyết định", "Decision", false);
    rules::text(v, s.note, at + "/note", "Ghi chú", "Note", false);
    if (s.successor == u.id)
      v.add(at + "/successor", errc::invalid_argument, "Đơn vị không thể kế thừa chính nó",
            "A unit cannot succeed itself");
    for (std::size_t j = 0; j < i; ++j)
      if (u.successors[j].successor == s.successor)
        v.add(at + "/successor", errc::invalid_argument, "Đơn vị kế thừa bị lặp lại", "A successor is listed twice");
  }
}

#if !defined(PBGDPL_HEADER_ONLY)
PBGDPL_MODEL_INSTANTIATE(unit)
#endif

PBGDPL_NAMESPACE_END
