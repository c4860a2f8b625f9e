// Units of the PBGDPL hierarchy: the city and its departments; until 30 June 2025 the district,
// its offices and its education division; since 1 July 2025 the communes and wards and their
// offices; and the schools. Every article, report and screen belongs to one unit; the tree
// (parent links) is how the unit above sees its schools and reports flow upward.
//
// Units change over time (docs/domain.md, "Units over time"): a unit's parent, kind and name
// hold for intervals (`history` keeps the earlier ones), and a unit can end (`closed_on`) with
// successors and the decision that did it. unit_state_on() gives a unit as it was on a day;
// unit_directory::at() the whole hierarchy on a day.
#pragma once
#include "common.hpp"

PBGDPL_NAMESPACE_BEGIN

// The two-level local government (Law 72/2025/QH15, from 1 July 2025) keeps the city (tỉnh) and
// the commune level (xã, phường); districts and their offices (the education division among
// them) ended on 30 June 2025. Both generations stay kinds: history refers to the old ones.
enum class unit_kind {
  city,                // Thành phố (trực thuộc Trung ương): Hà Nội
  department,          // a city department: Sở GDĐT, Sở Tư pháp
  district,            // UBND quận, huyện (until 30 June 2025)
  district_office,     // a specialised office of a district: Phòng Tư pháp quận (until 30 June 2025)
  education_division,  // Phòng GDĐT quận, huyện (until 30 June 2025)
  commune,             // UBND xã
  ward,                // UBND phường
  commune_office,      // a specialised office of a commune or ward: Phòng Văn hóa - Xã hội
  school,
};
PBGDPL_ENUM_NAMES(unit_kind, {unit_kind::city, "city"}, {unit_kind::department, "department"},
                  {unit_kind::district, "district"}, {unit_kind::district_office, "district_office"},
                  {unit_kind::education_division, "education_division"}, {unit_kind::commune, "commune"},
                  {unit_kind::ward, "ward"}, {unit_kind::commune_office, "commune_office"},
                  {unit_kind::school, "school"});

// How a unit that ended passed on (the decision that ended it says which).
enum class succession_kind { merged_into, split_into, duties_transferred_to };
PBGDPL_ENUM_NAMES(succession_kind, {succession_kind::merged_into, "merged_into"},
                  {succession_kind::split_into, "split_into"},
                  {succession_kind::duties_transferred_to, "duties_transferred_to"});

// Kindergarten (mầm non), primary (tiểu học), lower secondary (trung học cơ sở): the schools
// the plan binds.
enum class school_level { mn, th, thcs };
PBGDPL_ENUM_NAMES(school_level, {school_level::mn, "mn"}, {school_level::th, "th"}, {school_level::thcs, "thcs"});

// An earlier state of a unit: up to and including `until` it had this parent, and this kind and
// name where they are given (left out: the unit's own, as most changes move a unit and keep its
// name). The unit's own fields hold from the day after the last period's `until`.
struct unit_period {
  date until{};
  std::optional<unit_id> parent;
  std::optional<unit_kind> kind;
  std::string name;
  std::string short_name;
  std::string decision;  // the decision that ended this state: "1656/NQ-UBTVQH15"
  friend bool operator==(const unit_period&, const unit_period&) = default;
};

// One successor of a unit that ended: who took it over, how, and by which decision.
struct unit_succession {
  succession_kind kind = succession_kind::duties_transferred_to;
  unit_id successor;
  std::string decision;  // number and symbol: "1656/NQ-UBTVQH15"
  std::optional<legal_document_id> decision_document;  // when the decision is in the store
  std::string note;      // what passed: "các trường MN, TH, THCS trên địa bàn phường"
  friend bool operator==(const unit_succession&, const unit_succession&) = default;
};

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
  std::optional<date> opened_on, closed_on;  // closed_on: the last day the unit existed
  std::vector<unit_period> history;          // earlier states, oldest first
  std::vector<unit_succession> successors;   // set when the unit ended (closed_on)

  friend bool operator==(const unit&, const unit&) = default;
};

template <class V>
void describe(V& f, unit_period& x) {
  using model_io::need;
  using model_io::short_text;
  f("until", x.until, need::required);
  f("parent", x.parent);
  f("kind", x.kind);
  f("name", x.name, need::optional, short_text);
  f("short_name", x.short_name, need::optional, short_text);
  f("decision", x.decision, need::optional, short_text);
}
PBGDPL_MODEL_DECLARE(unit_period)

template <class V>
void describe(V& f, unit_succession& x) {
  using model_io::need;
  using model_io::short_text;
  f("kind", x.kind, need::required);
  f("successor", x.successor, need::required);
  f("decision", x.decision, need::optional, short_text);
  f("decision_document", x.decision_document);
  f("note", x.note, need::optional, short_text);
}
PBGDPL_MODEL_DECLARE(unit_succession)

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
  f("history", x.history);
  f("successors", x.successors);
}
PBGDPL_MODEL_DECLARE(unit)

PBGDPL_ENUM_LABELS(unit_kind,
                   {unit_kind::city, "Thành phố", "City"},
                   {unit_kind::department, "Sở, ban, ngành thành phố", "City department"},
                   {unit_kind::district, "Quận, huyện", "District"},
                   {unit_kind::district_office, "Phòng chuyên môn thuộc UBND quận, huyện", "District office"},
                   {unit_kind::education_division, "Phòng Giáo dục và Đào tạo", "Education and Training Division"},
                   {unit_kind::commune, "Xã", "Commune"},
                   {unit_kind::ward, "Phường", "Ward"},
                   {unit_kind::commune_office, "Phòng chuyên môn thuộc UBND xã, phường", "Commune or ward office"},
                   {unit_kind::school, "Trường học", "School"});
inline std::string_view unit_kind_label_vi(unit_kind x) noexcept { return label_vi(x); }
inline std::string_view unit_kind_label_en(unit_kind x) noexcept { return label_en(x); }

PBGDPL_ENUM_LABELS(school_level,
                   {school_level::mn, "Mầm non", "Kindergarten"},
                   {school_level::th, "Tiểu học", "Primary school"},
                   {school_level::thcs, "Trung học cơ sở", "Lower secondary school"});
inline std::string_view school_level_label_vi(school_level x) noexcept { return label_vi(x); }
inline std::string_view school_level_label_en(school_level x) noexcept { return label_en(x); }

PBGDPL_ENUM_LABELS(succession_kind,
                   {succession_kind::merged_into, "Hợp nhất, sáp nhập vào", "Merged into"},
                   {succession_kind::split_into, "Chia, tách thành", "Split into"},
                   {succession_kind::duties_transferred_to, "Chuyển giao nhiệm vụ cho", "Duties transferred to"});

// Whether the unit existed on day d (reports expect only units open in their period).
inline bool is_open_on(const unit& u, date d) noexcept {
  if (u.opened_on && d < *u.opened_on) return false;
  if (u.closed_on && d > *u.closed_on) return false;
  return true;
}

// Whether the unit had ended by day d (its last day, closed_on, is before d).
inline bool has_ended_by(const unit& u, date d) noexcept { return u.closed_on && *u.closed_on < d; }

// The unit as it was on day d: parent, kind, name and short name from the period holding d (the
// unit's own fields after the last period). Dates before the first period read as the first
// period; nothing else changes. A unit not yet open or already closed on d is returned as it was
// at the nearest end of its life (callers check is_open_on()).
PBGDPL_DECL unit unit_state_on(const unit& u, date d);

// The unit's parent on day d (as unit_state_on(u, d).parent, without copying the unit).
inline const std::optional<unit_id>& parent_on(const unit& u, date d) noexcept {
  for (const auto& p : u.history)
    if (!(d > p.until)) return p.parent;
  return u.parent;
}

// Bounds on a unit's history, so reading the hierarchy at a date stays cheap for any record.
inline constexpr std::size_t max_unit_periods = 64;
inline constexpr std::size_t max_unit_successors = 64;

PBGDPL_DECL void validate(const unit& u, validator& v);

// Compiled mode: decoding, encoding and checking these is instantiated once, in the library.
PBGDPL_MODEL_EXTERN(unit)

PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/unit.ipp"
#endif
