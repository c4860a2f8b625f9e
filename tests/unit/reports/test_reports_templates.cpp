// The reporting model of issue 17 (aggregation rules, validation rules, overrides, editions,
// windows) and reports/templates.hpp (editions over time in a store).
#include <pbgdpl/reports/templates.hpp>
#include <pbgdpl/store/import.hpp>
#include <pbgdpl/store/memory.hpp>

#include <doctest/doctest.h>

#include <filesystem>

using namespace pbgdpl;

namespace {

report_template small_template() {
  report_template t;
  t.id = report_template_id{"mau"};
  t.name = "Mẫu thử";
  t.owner = unit_id{"pgddt"};
  indicator a;
  a.code = "staff_trained";
  a.label = "Số cán bộ được tập huấn";
  a.whole = true;
  a.min = 0;
  indicator b = a;
  b.code = "staff_total";
  b.label = "Tổng số cán bộ";
  indicator c;
  c.code = "has_section";
  c.label = "Có chuyên mục";
  c.kind = indicator_kind::boolean;
  t.indicators = {a, b, c};
  return t;
}

report_submission draft_of(const report_template& t) {
  report_submission s;
  s.id = submission_id{"p.u"};
  s.template_id = t.id;
  s.period_id = report_period_id{"p"};
  s.unit = unit_id{"u"};
  return s;
}

std::string messages(const result<void>& r) {
  std::string m = r ? "" : r.err().message_en;
  if (!r)
    for (const auto& d : r.err().details) m += " | " + d.path + ": " + d.message_en;
  return m;
}

}  // namespace

TEST_CASE("aggregation rules default from the kind and can be set") {
  indicator i;
  i.kind = indicator_kind::number;
  CHECK(aggregation_of(i) == aggregation_rule::sum);
  i.kind = indicator_kind::percent;
  CHECK(aggregation_of(i) == aggregation_rule::average);
  i.kind = indicator_kind::boolean;
  CHECK(aggregation_of(i) == aggregation_rule::share_of_units);
  i.kind = indicator_kind::text;
  CHECK(aggregation_of(i) == aggregation_rule::last);
  i.kind = indicator_kind::number;
  i.aggregation = aggregation_rule::last;
  CHECK(aggregation_of(i) == aggregation_rule::last);
  // JSON: the rule's stable name, and records written before it still decode.
  json j = i;
  CHECK(j["aggregation"] == "last");
  j.erase("aggregation");
  CHECK_FALSE(j.get<indicator>().aggregation.has_value());
  j["aggregation"] = "median";
  CHECK_THROWS(j.get<indicator>());
}

TEST_CASE("validation rules must name numeric indicators of the template and one right-hand side") {
  auto t = small_template();
  validation_rule r;
  r.code = "trained_within_staff";
  r.left = "staff_trained";
  r.right = "staff_total";
  t.rules = {r};
  validator ok;
  validate(t, ok);
  CHECK(ok.to_result());

  auto bad = t;
  bad.rules[0].left = "has_section";  // a yes/no indicator cannot be compared
  validator v1;
  validate(bad, v1);
  CHECK_FALSE(v1.to_result());

  bad = t;
  bad.rules[0].value = 3;  // both a right indicator and a constant
  validator v2;
  validate(bad, v2);
  CHECK_FALSE(v2.to_result());

  bad = t;
  bad.rules[0].right = "nobody";
  validator v3;
  validate(bad, v3);
  CHECK_FALSE(v3.to_result());

  bad = t;
  bad.indicators[2].whole = true;  // only numbers are whole
  validator v4;
  validate(bad, v4);
  CHECK_FALSE(v4.to_result());

  bad = t;
  bad.indicators[0].breakdowns = {"gender"};
  validator v5;
  validate(bad, v5);
  CHECK_FALSE(v5.to_result());
}

TEST_CASE("an override of a computed value needs a justification and keeps both values") {
  auto t = small_template();
  auto s = draft_of(t);
  indicator_value v;
  v.code = "staff_trained";
  v.number = 5;
  v.computed_number = 3;
  s.values = {v};
  auto r = check_against(s, t);
  REQUIRE_FALSE(r);
  CHECK(messages(r).find("justification") != std::string::npos);
  s.values[0].justification = "Hai giáo viên tập huấn ở trường khác, có giấy chứng nhận";
  CHECK(check_against(s, t));
  // Both values survive the JSON round trip.
  auto back = json(s).get<report_submission>();
  CHECK(*back.values[0].number == 5);
  CHECK(*back.values[0].computed_number == 3);
  CHECK(back.values[0].justification == s.values[0].justification);
  // A value equal to the computed one is not an override.
  s.values[0].number = 3;
  s.values[0].justification.clear();
  CHECK_FALSE(is_override(s.values[0]));
  CHECK(check_against(s, t));
  // Booleans likewise.
  indicator_value f;
  f.code = "has_section";
  f.flag = false;
  f.computed_flag = true;
  s.values.push_back(f);
  CHECK_FALSE(check_against(s, t));
}

TEST_CASE("whole-number indicators refuse fractions and negative counts are out of range") {
  auto t = small_template();
  auto s = draft_of(t);
  indicator_value v;
  v.code = "staff_total";
  v.number = 2.5;
  s.values = {v};
  CHECK_FALSE(check_against(s, t));
  s.values[0].number = -1;
  auto r = check_against(s, t);
  CHECK_FALSE(r);
  s.values[0].number = 12;
  CHECK(check_against(s, t));
  s.values[0].number.reset();
  s.values[0].text = "mười hai";  // wrong type
  CHECK_FALSE(check_against(s, t));
}

TEST_CASE("the window of a period: round 1 the school year, round 2 the calendar year") {
  using namespace std::chrono;
  report_period p;
  p.calendar_year = 2026;
  p.round = report_round::first;
  p.year = round_school_year(2026, p.round);
  p.opens_on = date{year{2026}, May, day{20}};
  p.due_on = date{year{2026}, June, day{30}};
  CHECK(window_of(p).from == date{year{2025}, September, day{1}});
  CHECK(window_of(p).to == p.due_on);
  p.round = report_round::second;
  p.due_on = date{year{2026}, December, day{15}};
  CHECK(window_of(p).from == date{year{2026}, January, day{1}});
  p.covers_to = date{year{2026}, November, day{30}};
  CHECK(window_of(p).to == *p.covers_to);
  CHECK(reminder_days_of(p) == std::vector<int>{7, 1});
  p.covers_from = date{year{2026}, December, day{1}};  // after covers_to
  p.year = round_school_year(2026, p.round);
  p.id = report_period_id{"p"};
  p.template_id = report_template_id{"t"};
  validator v;
  validate(p, v);
  CHECK_FALSE(v.to_result());
}

TEST_CASE("an excused report carries no values and no sender, an approved one says who approved") {
  auto t = small_template();
  auto s = draft_of(t);
  s.state = submission_state::excused;
  CHECK(check_against(s, t));
  s.state = submission_state::accepted;
  s.submitted_at = timestamp{std::chrono::seconds{1'780'000'000}};
  s.submitted_by = account_id{"a"};
  CHECK_FALSE(check_against(s, t));  // no approved_at/by, and required values missing
  CHECK(to_string(submission_state::excused) == "excused");
}

TEST_CASE("editions of a template: the next one, the latest one, and no two of one number") {
  auto s = store::make_memory_store();
  unit city;
  city.id = unit_id{"ha-noi"};
  city.name = "Thành phố Hà Nội";
  city.kind = unit_kind::city;
  REQUIRE(s->create(city, "t"));
  unit div;
  div.id = unit_id{"pgddt"};
  div.name = "Phòng GDĐT";
  div.kind = unit_kind::education_division;
  div.parent = city.id;
  auto made = s->create(div, "t");
  REQUIRE_MESSAGE(made, (made ? "" : made.err().describe()));
  auto t = small_template();
  t.family = "mau";
  REQUIRE(reports::publish_edition(*s, t, "t"));
  auto n = reports::next_edition(t);
  CHECK(n.edition == 2);
  CHECK(n.id.value == "mau-v2");
  n.indicators.pop_back();
  REQUIRE(reports::publish_edition(*s, n, "t"));
  auto latest = reports::latest_edition(*s, "mau");
  REQUIRE(latest);
  CHECK(latest->edition == 2);
  CHECK(latest->indicators.size() == 2);
  // The first edition is still there, unchanged: reports begun on it keep its indicators.
  CHECK(s->get<report_template>("mau").value().indicators.size() == 3);
  // Publishing edition 2 again (another editor, same number) is a conflict.
  auto again = n;
  again.id = report_template_id{"mau-v2-bis"};
  auto r = reports::publish_edition(*s, again, "t");
  REQUIRE_FALSE(r);
  CHECK(r.err().code == errc::conflict);
  CHECK(reports::latest_edition(*s, "khong-co").err().code == errc::not_found);
}

TEST_CASE("the demo seed's reporting records load into a store") {
  auto dir = std::filesystem::path(PBGDPL_SOURCE_DIR) / "data" / "seed";
  auto j = store::read_dataset_directory(dir);
  REQUIRE(j);
  auto d = dataset_from_json(*j);
  REQUIRE_MESSAGE(d, (d ? "" : d.err().message_en));
  auto s = store::make_memory_store();
  REQUIRE(store::import_dataset(*s, *d));
  auto v2 = reports::latest_edition(*s, "bc-kh19");
  REQUIRE(v2);
  CHECK(v2->edition == 2);
  CHECK(v2->rules.size() == 2);
  CHECK(s->get<report_period>("bc-kh19-v2-2026-dot-2").value().due_on ==
        date{std::chrono::year{2026}, std::chrono::December, std::chrono::day{15}});
  CHECK(s->get<channel_post>("fb-th-van-yen-2026-11-ngay-phap-luat").value().unit.value == "th-van-yen");
  auto subs = reports::list_all<report_submission>(*s, store::filter{});
  REQUIRE(subs);
  CHECK_FALSE(subs->empty());
}
