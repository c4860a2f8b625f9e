// Bodies of model/approval.hpp (JSON codecs and validation): compiled once into the core tier
// (src/core/model.cpp), or included by the header in header-only builds.
#pragma once
#include "../approval.hpp"

PBGDPL_NAMESPACE_BEGIN

PBGDPL_MODEL_DEFINE(approval_record)

PBGDPL_DECL void validate(const approval_record& a, validator& v) {
  rules::schema(v, a.schema_version);
  rules::known(v, a.approver_role, "/approver_role");
  rules::known(v, a.use, "/use");
  rules::identifier(v, a.id, "/id", "Mã phê duyệt", "Approval id");
  rules::text(v, a.content_id, "/content_id", "Mã nội dung", "Content id", true);
  rules::blake2b(v, a.content_blake2b, "/content_blake2b");
  rules::identifier(v, a.approver_unit, "/approver_unit", "Đơn vị phê duyệt", "Approver unit");
  v.check(is_approver_role(a.approver_role), "/approver_role", errc::permission_denied,
          "Vai trò này không được phê duyệt nội dung", "This role may not approve content");
  if (a.use == approval_use::signage_public)
    v.check(role_may_approve(a.approver_role, a.use), "/approver_role",
            errc::permission_denied, "Nội dung trình chiếu nơi công cộng phải do cơ quan có thẩm quyền phê duyệt",
            "Public-screen content must be approved by a competent authority");
  v.check(rules::is_hex(a.key_id, 16), "/key_id", errc::invalid_argument, "Mã khóa phải là 16 ký tự hex thường",
          "A key id is 16 lower-case hex characters");
  rules::not_before(v, a.valid_until, a.valid_from, "/valid_until", "Thời hạn phải kết thúc sau khi bắt đầu",
                    "valid_until must be after valid_from", true);
  rules::long_text(v, a.signature, "/signature", "Chữ ký", "Signature", false);
  rules::text(v, a.note, "/note", "Ghi chú", "Note", false);
}

#if !defined(PBGDPL_HEADER_ONLY)
PBGDPL_MODEL_INSTANTIATE(approval_record)
#endif

PBGDPL_NAMESPACE_END
