// A small Hà Đông across the reform of 1 July 2025, for the tests of units over time (model,
// trust, store, portal): the city and its education department; the district, its justice office
// and its education division until 30 June 2025; the ward of Hà Đông and its office of culture
// and society from 1 July 2025; two schools that moved from the division to the ward's office,
// and one that closed before the reform.
#pragma once
#include <pbgdpl/model.hpp>

#include <vector>

namespace reorg {
using namespace pbgdpl;

inline date day(int y, unsigned m, unsigned d) {
  return date{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
}
inline const date last_district_day = day(2025, 6, 30);
inline const date first_ward_day = day(2025, 7, 1);

inline unit make(std::string id, unit_kind k, std::string name, std::optional<std::string> parent) {
  unit u;
  u.id = unit_id{std::move(id)};
  u.kind = k;
  u.name = std::move(name);
  if (parent) u.parent = unit_id{*parent};
  if (k == unit_kind::school) u.level = school_level::th;
  return u;
}

// A school that was under the division until 30 June 2025 and is under the ward's office since.
inline unit moved_school(std::string id, std::string name) {
  auto u = make(std::move(id), unit_kind::school, name, "vhxh-ha-dong");
  u.history.push_back({last_district_day, unit_id{"pgddt-ha-dong"}, unit_kind::school, name, "", "1656/NQ-UBTVQH15"});
  return u;
}

inline std::vector<unit> units() {
  std::vector<unit> out;
  out.push_back(make("ha-noi", unit_kind::city, "Thành phố Hà Nội", std::nullopt));
  out.push_back(make("so-gddt-ha-noi", unit_kind::department, "Sở Giáo dục và Đào tạo Hà Nội", "ha-noi"));
  auto district = make("ubnd-ha-dong", unit_kind::district, "Ủy ban nhân dân quận Hà Đông", "ha-noi");
  district.closed_on = last_district_day;
  district.successors.push_back({succession_kind::split_into, unit_id{"ubnd-phuong-ha-dong"}, "1656/NQ-UBTVQH15", {}, ""});
  out.push_back(district);
  auto justice = make("phong-tu-phap-ha-dong", unit_kind::district_office, "Phòng Tư pháp quận Hà Đông", "ubnd-ha-dong");
  justice.closed_on = last_district_day;
  out.push_back(justice);
  auto division = make("pgddt-ha-dong", unit_kind::education_division, "Phòng Giáo dục và Đào tạo quận Hà Đông",
                       "ubnd-ha-dong");
  division.closed_on = last_district_day;
  division.successors.push_back({succession_kind::duties_transferred_to, unit_id{"vhxh-ha-dong"}, "1656/NQ-UBTVQH15",
                                 {}, "quản lý các trường MN, TH, THCS trên địa bàn phường"});
  out.push_back(division);
  auto ward = make("ubnd-phuong-ha-dong", unit_kind::ward, "Ủy ban nhân dân phường Hà Đông", "ha-noi");
  ward.opened_on = first_ward_day;
  out.push_back(ward);
  auto office = make("vhxh-ha-dong", unit_kind::commune_office, "Phòng Văn hóa - Xã hội phường Hà Đông",
                     "ubnd-phuong-ha-dong");
  office.opened_on = first_ward_day;
  out.push_back(office);
  out.push_back(moved_school("th-van-yen", "Trường Tiểu học Văn Yên"));
  out.push_back(moved_school("th-le-loi", "Trường Tiểu học Lê Lợi"));
  auto closed = make("th-cu", unit_kind::school, "Trường Tiểu học Cũ", "pgddt-ha-dong");
  closed.closed_on = day(2024, 8, 31);
  out.push_back(closed);
  return out;
}

}  // namespace reorg
