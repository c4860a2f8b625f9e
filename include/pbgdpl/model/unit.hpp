// Units of the PBGDPL hierarchy: the city and its departments, the district, the education
// division and its schools. Every article, report and screen belongs to one unit; the tree
// (parent links) is how the division sees its schools and reports flow upward.
#pragma once
#include "common.hpp"

PBGDPL_NAMESPACE_BEGIN

enum class unit_kind { city, department, district, education_division, school };
PBGDPL_ENUM_NAMES(unit_kind, {unit_kind::city, "city"}, {unit_kind::department, "department"},
                  {unit_kind::district, "district"}, {unit_kind::education_division, "education_division"},
                  {unit_kind::school, "school"});

// Kindergarten (mầm non), primary (tiểu học), lower secondary (trung học cơ sở): the schools
// the plan binds.
enum class school_level { mn, th, thcs };
PBGDPL_ENUM_NAMES(school_level, {school_level::mn, "mn"}, {school_level::th, "th"}, {school_level::thcs, "thcs"});

struct unit {
  unit_id id;
  int schema_version = model_schema_version;
  std::uint64_t version = 0;
  unit_kind kind = unit_kind::school;
  std::string name;        // "Trường Tiểu học Văn Yên"
  std::string short_name;  // "TH Văn Yên"
  std::optional<school_level> level;
  std::optional<unit_id> parent;
  std::string website;
  std::string email;
  std::string phone;
  std::string address;
  std::optional<date> opened_on, closed_on;

  friend bool operator==(const unit&, const unit&) = default;
};

template <class V>
void describe(V& f, unit& x) {
  using model_io::need;
  model_io::head(f, x);
  f("kind", x.kind, need::required);
  f("name", x.name, need::required, model_io::short_text);
  f("short_name", x.short_name, need::optional, model_io::short_text);
  f("level", x.level);
  f("parent", x.parent);
  f("website", x.website, need::optional, model_io::short_text);
  f("email", x.email, need::optional, model_io::short_text);
  f("phone", x.phone, need::optional, model_io::short_text);
  f("address", x.address, need::optional, model_io::short_text);
  f("opened_on", x.opened_on);
  f("closed_on", x.closed_on);
}
PBGDPL_MODEL_DECLARE(unit)

PBGDPL_ENUM_LABELS(unit_kind,
                   {unit_kind::city, "Thành phố", "City"},
                   {unit_kind::department, "Sở, ban, ngành", "Department"},
                   {unit_kind::district, "Quận, huyện", "District"},
                   {unit_kind::education_division, "Phòng Giáo dục và Đào tạo", "Education and Training Division"},
                   {unit_kind::school, "Trường học", "School"});
inline std::string_view unit_kind_label_vi(unit_kind x) noexcept { return label_vi(x); }
inline std::string_view unit_kind_label_en(unit_kind x) noexcept { return label_en(x); }

PBGDPL_ENUM_LABELS(school_level,
                   {school_level::mn, "Mầm non", "Kindergarten"},
                   {school_level::th, "Tiểu học", "Primary school"},
                   {school_level::thcs, "Trung học cơ sở", "Lower secondary school"});
inline std::string_view school_level_label_vi(school_level x) noexcept { return label_vi(x); }
inline std::string_view school_level_label_en(school_level x) noexcept { return label_en(x); }

// Whether the unit existed on day d (reports expect only units open in their period).
inline bool is_open_on(const unit& u, date d) noexcept {
  if (u.opened_on && d < *u.opened_on) return false;
  if (u.closed_on && d > *u.closed_on) return false;
  return true;
}

PBGDPL_DECL void validate(const unit& u, validator& v);

// Compiled mode: decoding, encoding and checking these is instantiated once, in the library.
PBGDPL_MODEL_EXTERN(unit)

PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/unit.ipp"
#endif
