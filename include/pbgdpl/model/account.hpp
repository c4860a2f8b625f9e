// People who work in the system and what they may do where: an account holds role grants, each a
// role at one unit (an editor at a school, an approver at the division). Credentials are not
// here: passwords and keys live in trust/, so an exported account never carries a secret.
#pragma once
#include "common.hpp"

PBGDPL_NAMESPACE_BEGIN

enum class role {
  school_editor,      // writes a school's PBGDPL content
  school_approver,    // the school head who approves it for publishing
  division_editor,    // writes for the education division
  division_approver,  // approves at the division (also school content sent up)
  city_official,      // city Department of Justice / Education: approves public-screen content
  signage_operator,   // schedules approved content on screens; cannot change it
  auditor,            // reads everything, changes nothing
};
PBGDPL_ENUM_NAMES(role, {role::school_editor, "school_editor"}, {role::school_approver, "school_approver"},
                  {role::division_editor, "division_editor"}, {role::division_approver, "division_approver"},
                  {role::city_official, "city_official"}, {role::signage_operator, "signage_operator"},
                  {role::auditor, "auditor"});

PBGDPL_ENUM_LABELS(role,
                   {role::school_editor, "Biên tập viên nhà trường", "School editor"},
                   {role::school_approver, "Người duyệt nhà trường", "School approver"},
                   {role::division_editor, "Biên tập viên Phòng GDĐT", "Division editor"},
                   {role::division_approver, "Người duyệt Phòng GDĐT", "Division approver"},
                   {role::city_official, "Cán bộ Thành phố", "City official"},
                   {role::signage_operator, "Người vận hành màn hình", "Signage operator"},
                   {role::auditor, "Người kiểm tra", "Auditor"});
inline std::string_view role_label_vi(role x) noexcept { return label_vi(x); }
inline std::string_view role_label_en(role x) noexcept { return label_en(x); }

// Roles whose holders may sign an approval (trust/ checks the key; this is the domain rule).
constexpr bool is_approver_role(role r) noexcept {
  return r == role::school_approver || r == role::division_approver || r == role::city_official;
}

struct role_grant {
  role r = role::school_editor;
  unit_id unit;
  friend bool operator==(const role_grant&, const role_grant&) = default;
};

template <class V>
void describe(V& f, role_grant& x) {
  using model_io::need;
  f("r", x.r, need::required);
  f("unit", x.unit, need::required);
}
PBGDPL_MODEL_DECLARE(role_grant)

struct account {
  account_id id;
  int schema_version = model_schema_version;
  std::uint64_t version = 0;
  std::string username;  // login name: lower-case letters, digits, '.', '_', '-'
  std::string display_name;
  std::string email;
  std::string phone;
  std::string position;  // job title, e.g. "Phó Hiệu trưởng"
  std::vector<role_grant> grants;
  bool disabled = false;
  std::optional<timestamp> created_at;

  friend bool operator==(const account&, const account&) = default;
};

template <class V>
void describe(V& f, account& x) {
  using model_io::need;
  model_io::head(f, x);
  f("username", x.username, need::required, model_io::short_text);
  f("display_name", x.display_name, need::required, model_io::short_text);
  f("email", x.email, need::optional, model_io::short_text);
  f("phone", x.phone, need::optional, model_io::short_text);
  f("position", x.position, need::optional, model_io::short_text);
  f("grants", x.grants);
  f("disabled", x.disabled);
  f("created_at", x.created_at);
}
PBGDPL_MODEL_DECLARE(account)

// True when the account (not disabled) holds role r at unit u. Inheritance down the unit tree
// is a policy question for trust/, not a fact of the account.
inline bool has_role(const account& a, role r, const unit_id& u) noexcept {
  if (a.disabled) return false;
  for (const auto& g : a.grants)
    if (g.r == r && g.unit == u) return true;
  return false;
}
inline bool has_role(const account& a, role r) noexcept {
  if (a.disabled) return false;
  for (const auto& g : a.grants)
    if (g.r == r) return true;
  return false;
}

inline bool is_valid_username(std::string_view s) noexcept {
  if (s.size() < 2 || s.size() > 64) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')) return false;
  return s.front() != '.' && s.front() != '-';
}

PBGDPL_DECL void validate(const role_grant& g, validator& v);

PBGDPL_DECL void validate(const account& a, validator& v);

// Compiled mode: decoding, encoding and checking these is instantiated once, in the library.
PBGDPL_MODEL_EXTERN(account)

PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/account.ipp"
#endif
