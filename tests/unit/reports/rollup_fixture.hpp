// A small Hà Đông for the roll-up and export tests, across the reform of 1 July 2025: the
// education division until 30 June 2025, two wards' offices since; six schools of the division
// that moved to the wards on 1 July 2025; a template with one indicator per aggregation rule; and
// reports whose totals are worked out by hand in the tests.
#pragma once
#include <pbgdpl/model.hpp>

#include <string>
#include <vector>

namespace rollup_fixture {
using namespace pbgdpl;

inline date day(int y, unsigned m, unsigned d) {
  return date{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
}
inline timestamp at(int y, unsigned m, unsigned d) { return timestamp{std::chrono::sys_days{day(y, m, d)}}; }

inline unit make(std::string id, unit_kind k, std::string name, std::optional<std::string> parent) {
  unit u;
  u.id = unit_id{std::move(id)};
  u.kind = k;
  u.name = std::move(name);
  if (parent) u.parent = unit_id{*parent};
  return u;
}

// A school under the division until 30 June 2025 and under `office` since.
inline unit school(std::string id, std::string name, school_level level, std::string office) {
  auto u = make(std::move(id), unit_kind::school, name, office);
  u.level = level;
  u.history.push_back({day(2025, 6, 30), unit_id{"pgddt-ha-dong"}, std::nullopt, "", "", "1656/NQ-UBTVQH15"});
  return u;
}

inline std::vector<unit> units() {
  std::vector<unit> out;
  out.push_back(make("ha-noi", unit_kind::city, "Thành phố Hà Nội", std::nullopt));
  auto district = make("ubnd-ha-dong", unit_kind::district, "Ủy ban nhân dân quận Hà Đông", "ha-noi");
  district.closed_on = day(2025, 6, 30);
  out.push_back(district);
  auto division = make("pgddt-ha-dong", unit_kind::education_division, "Phòng Giáo dục và Đào tạo quận Hà Đông",
                       "ubnd-ha-dong");
  division.closed_on = day(2025, 6, 30);
  out.push_back(division);
  for (auto [ward, office, name] : {std::tuple{"ubnd-phuong-ha-dong", "vhxh-ha-dong", "Hà Đông"},
                                    std::tuple{"ubnd-phuong-duong-noi", "vhxh-duong-noi", "Dương Nội"}}) {
    auto w = make(ward, unit_kind::ward, std::string("Ủy ban nhân dân phường ") + name, "ha-noi");
    w.opened_on = day(2025, 7, 1);
    out.push_back(w);
    auto o = make(office, unit_kind::commune_office, std::string("Phòng Văn hóa - Xã hội phường ") + name, ward);
    o.opened_on = day(2025, 7, 1);
    out.push_back(o);
  }
  out.push_back(school("mn-van-khe", "Trường Mầm non Văn Khê", school_level::mn, "vhxh-ha-dong"));
  out.push_back(school("th-van-yen", "Trường Tiểu học Văn Yên", school_level::th, "vhxh-ha-dong"));
  out.push_back(school("thcs-le-quy-don", "Trường THCS Lê Quý Đôn", school_level::thcs, "vhxh-duong-noi"));
  out.push_back(school("th-le-loi", "Trường Tiểu học Lê Lợi", school_level::th, "vhxh-duong-noi"));
  out.push_back(school("th-kien-hung", "Trường Tiểu học Kiến Hưng", school_level::th, "vhxh-duong-noi"));
  out.push_back(school("th-yen-nghia", "Trường Tiểu học Yên Nghĩa", school_level::th, "vhxh-duong-noi"));
  return out;
}

inline indicator ind(std::string code, std::string label, indicator_kind k) {
  indicator i;
  i.code = std::move(code);
  i.label = std::move(label);
  i.kind = k;
  return i;
}

// One indicator per rule: articles (number, sum, split by level), answer_hours (number,
// average), section (boolean, share of units, target 100%), courses (number, share of units),
// staff_trained_pct (percent, average, target 80), results (text, last).
inline report_template kh19() {
  report_template t;
  t.id = report_template_id{"bc-kh19"};
  t.name = "Báo cáo kết quả thực hiện Kế hoạch 19/KH-PGDĐT";
  t.plan_number = "19/KH-PGDĐT";
  t.owner = unit_id{"pgddt-ha-dong"};
  auto articles = ind("articles_published", "Số bài viết PBGDPL đã đăng", indicator_kind::number);
  articles.unit_label = "bài";
  articles.source = "articles.published";
  articles.breakdowns = {"school_level"};
  articles.whole = true;
  t.indicators.push_back(articles);
  auto hours = ind("answer_hours", "Thời gian trả lời trung bình", indicator_kind::number);
  hours.aggregation = aggregation_rule::average;
  hours.unit_label = "giờ";
  t.indicators.push_back(hours);
  auto section = ind("section_present", "Trang có chuyên mục PBGDPL", indicator_kind::boolean);
  section.target = 100;
  t.indicators.push_back(section);
  auto courses = ind("courses_held", "Trường có tổ chức tập huấn", indicator_kind::number);
  courses.aggregation = aggregation_rule::share_of_units;
  t.indicators.push_back(courses);
  auto staff = ind("staff_trained_pct", "Tỷ lệ cán bộ được tập huấn", indicator_kind::percent);
  staff.target = 80;
  t.indicators.push_back(staff);
  auto results = ind("results", "Kết quả nổi bật", indicator_kind::text);
  results.required = false;
  t.indicators.push_back(results);
  return t;
}

inline report_period period(int year, report_round r) {
  report_period p;
  p.id = report_period_id{"bc-kh19-" + std::to_string(year) + (r == report_round::first ? "-1" : "-2")};
  p.template_id = report_template_id{"bc-kh19"};
  p.calendar_year = year;
  p.round = r;
  p.year = round_school_year(year, r);
  p.opens_on = r == report_round::first ? day(year, 5, 15) : day(year, 11, 1);
  p.due_on = default_due_on(year, r);
  return p;
}

struct values {
  double articles, hours;
  bool section;
  double courses, staff;
  std::string results;
};

inline report_submission report(const report_period& p, std::string unit, submission_state state, values v,
                                timestamp sent) {
  report_submission s;
  s.id = submission_id{p.id.value + "." + unit};
  s.template_id = p.template_id;
  s.period_id = p.id;
  s.unit = unit_id{std::move(unit)};
  s.state = state;
  if (state != submission_state::draft && state != submission_state::excused) {
    s.submitted_at = sent;
    s.submitted_by = account_id{"hieu-truong"};
  }
  if (state == submission_state::excused) return s;
  auto num = [&](std::string code, double x) {
    indicator_value iv;
    iv.code = std::move(code);
    iv.number = x;
    s.values.push_back(iv);
  };
  num("articles_published", v.articles);
  num("answer_hours", v.hours);
  indicator_value sec;
  sec.code = "section_present";
  sec.flag = v.section;
  s.values.push_back(sec);
  num("courses_held", v.courses);
  num("staff_trained_pct", v.staff);
  indicator_value res;
  res.code = "results";
  res.text = v.results;
  s.values.push_back(res);
  return s;
}

// Round 1 of 2024 at the division: two approved reports, one sent and not yet approved, one
// excused school, one draft and one school with nothing.
inline std::vector<report_submission> reports_2024(const report_period& p) {
  return {report(p, "mn-van-khe", submission_state::accepted, {4, 10, true, 0, 90, "Tọa đàm pháp luật"},
                 at(2024, 6, 10)),
          report(p, "th-van-yen", submission_state::accepted, {6, 20, false, 2, 70, "Sân khấu hóa"},
                 at(2024, 6, 20)),
          report(p, "thcs-le-quy-don", submission_state::submitted, {100, 30, true, 1, 100, "Chưa duyệt"},
                 at(2024, 6, 25)),
          report(p, "th-le-loi", submission_state::excused, {}, at(2024, 6, 1)),
          report(p, "th-kien-hung", submission_state::draft, {50, 1, true, 5, 100, "Nháp"}, at(2024, 6, 1))};
}

}  // namespace rollup_fixture
