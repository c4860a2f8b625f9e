// Bodies of model/account.hpp (JSON codecs and validation): compiled once into the core tier
// (src/core/model.cpp), or included by the header in header-only builds.
#pragma once
#include "../account.hpp"

PBGDPL_NAMESPACE_BEGIN

PBGDPL_MODEL_DEFINE(role_grant)

PBGDPL_MODEL_DEFINE(account)

PBGDPL_DECL void validate(const role_grant& g, validator& v) {
  rules::identifier(v, g.unit, "/unit", "Đơn vị được phân quyền", "Granted unit");

  rules::known(v, g.r, "/r");
}

PBGDPL_DECL void validate(const account& a, validator& v) {
  rules::schema(v, a.schema_version);
  rules::identifier(v, a.id, "/id", "Mã tài khoản", "Account id");
  if (a.username.empty())
    v.add("/username", errc::missing_field, "Tên đăng nhập không được để trống", "Username must not be empty");
  else
    v.check(is_valid_username(a.username), "/username", errc::invalid_argument,
            "Tên đăng nhập gồm 2-64 chữ thường, số, '.', '_' hoặc '-'",
            "A username is 2-64 lower-case letters, digits, '.', '_' or '-'");
  rules::text(v, a.display_name, "/display_name", "Tên hiển thị", "Display name", true);
  rules::email(v, a.email, "/email", false);
  rules::text(v, a.phone, "/phone", "Số điện thoại", "Phone", false);
  rules::text(v, a.position, "/position", "Chức vụ", "Position", false);
  for (std::size_t i = 0; i < a.grants.size(); ++i) {
    v.nested("/grants/" + std::to_string(i), [&] { validate(a.grants[i], v); });
    rules::unique_at(v, a.grants, i, [](const auto& x) -> const auto& { return x; }, "/grants/" + std::to_string(i), "Quyền bị lặp lại",
                     "Duplicate grant");
  }
}

#if !defined(PBGDPL_HEADER_ONLY)
PBGDPL_MODEL_INSTANTIATE(account)
#endif

PBGDPL_NAMESPACE_END
