#include "entities.hpp"
#include "fixtures.hpp"

using namespace pbgdpl;
using fx::at;
using fx::d;
using fx::problem_paths;
using fx::round_trips;

using fx::full_approval;
using fx::full_banner;
using fx::full_group;
using fx::full_display;
using fx::full_layout;
using fx::full_playlist;
using fx::full_schedule;
using fx::full_template;
using fx::full_period;
using fx::full_submission;
using fx::full_course;
using fx::full_attendance;
using fx::full_channel;

TEST_SUITE("model/approval") {
  TEST_CASE("a fully populated approval record survives a JSON round trip") { round_trips(full_approval()); }

  TEST_CASE("only approver roles may approve, and public screens need an authority") {
    auto a = full_approval();
    a.approver_role = role::signage_operator;
    auto r = check(a);
    REQUIRE_FALSE(r);
    CHECK(r.err().code == errc::validation_failed);
    CHECK(r.err().details[0].code == errc::permission_denied);
    a.approver_role = role::school_approver;
    CHECK(problem_paths(a) == std::vector<std::string>{"/approver_role"});
    a.use = approval_use::signage_school;
    CHECK(check(a));
  }

  TEST_CASE("a validity window that ends before it starts is refused") {
    auto a = full_approval();
    a.valid_until = a.valid_from;
    a.key_id = "0123";
    a.content_blake2b = "zz";
    CHECK(problem_paths(a) == std::vector<std::string>{"/content_blake2b", "/key_id", "/valid_until"});
    auto ok = full_approval();
    CHECK(is_within_validity(ok, at(2024, 1, 1)));
    CHECK_FALSE(is_within_validity(ok, ok.valid_until));
  }
}

TEST_SUITE("model/banner") {
  TEST_CASE("a fully populated banner survives a JSON round trip") { round_trips(full_banner()); }

  TEST_CASE("the banner's alt text must carry the required text, accents aside") {
    auto b = full_banner();
    b.alt_text = "TRANG THONG TIN DIEN TU PHO BIEN PHAP LUAT THANH PHO HA NOI";
    CHECK(check(b));
    b.alt_text = "Cổng pháp luật";
    CHECK(problem_paths(b) == std::vector<std::string>{"/alt_text"});
  }

  TEST_CASE("a banner link must be http(s) and sizes unique") {
    auto b = full_banner();
    b.target_url = "javascript:alert(document.cookie)";
    b.variants.push_back(b.variants[0]);
    CHECK(problem_paths(b) == std::vector<std::string>{"/target_url", "/variants/2"});
  }

  TEST_CASE("the best banner variant fills the slot without overflowing") {
    auto b = full_banner();
    REQUIRE(best_variant(b, 800, 120));
    CHECK(best_variant(b, 800, 120)->width == 728);
    CHECK(best_variant(b, 310, 120)->width == 300);
    CHECK(best_variant(b, 200, 50) == nullptr);
  }
}

TEST_SUITE("model/signage") {
  TEST_CASE("display, group, layout, playlist and schedule survive a JSON round trip") {
    round_trips(full_group());
    round_trips(full_display());
    round_trips(full_layout());
    round_trips(full_playlist());
    round_trips(full_schedule());
  }

  TEST_CASE("a zone outside its layout and duplicate zone names are refused") {
    auto l = full_layout();
    l.zones[1].y = 1700;
    l.zones.push_back(l.zones[0]);
    CHECK(problem_paths(l) == std::vector<std::string>{"/zones/1", "/zones/2/name"});
  }

  TEST_CASE("a playlist item of zero seconds is refused, an empty playlist too") {
    auto p = full_playlist();
    p.items[1].duration_seconds = 0;
    CHECK(problem_paths(p) == std::vector<std::string>{"/items/1/duration_seconds"});
    p.items.clear();
    CHECK(problem_paths(p) == std::vector<std::string>{"/items"});
    CHECK(total_duration_seconds(full_playlist()) == 108);
  }

  TEST_CASE("schedule times must be HH:MM, days unique, dates ordered") {
    auto e = full_schedule();
    e.start_time = "7h";
    e.days.push_back(day_of_week::mon);
    e.valid_until = d(2023, 1, 1);
    CHECK(problem_paths(e) == std::vector<std::string>{"/start_time", "/valid_until", "/days/5"});
  }

  TEST_CASE("a schedule applies on its days, in its window, and across midnight") {
    auto e = full_schedule();
    CHECK(is_active_at(e, at(2023, 10, 2, 9)));        // Monday
    CHECK_FALSE(is_active_at(e, at(2023, 10, 1, 9)));  // Sunday
    CHECK_FALSE(is_active_at(e, at(2023, 10, 2, 17, 30)));
    CHECK_FALSE(is_active_at(e, at(2024, 6, 3, 9)));  // after valid_until
    e.days = {day_of_week::fri};
    e.start_time = "22:00";
    e.end_time = "02:00";
    CHECK(is_active_at(e, at(2023, 10, 6, 23)));      // Friday night
    CHECK(is_active_at(e, at(2023, 10, 7, 1, 30)));   // early Saturday belongs to Friday
    CHECK_FALSE(is_active_at(e, at(2023, 10, 8, 1))); // early Sunday does not
  }

  TEST_CASE("an emergency entry needs a time to live, and nothing plays after expires_at") {
    auto e = full_schedule();
    e.emergency = true;
    e.expires_at.reset();
    CHECK(problem_paths(e) == std::vector<std::string>{"/expires_at"});
    e.expires_at = at(2023, 10, 2, 10);
    CHECK(problem_paths(e).empty());
    e.fallback = true;
    CHECK(problem_paths(e) == std::vector<std::string>{"/fallback"});
    e.fallback = false;
    CHECK(is_active_at(e, at(2023, 10, 2, 9, 59)));
    CHECK_FALSE(is_active_at(e, at(2023, 10, 2, 10)));
  }

  TEST_CASE("an end time of 24h00 runs to the end of the day, and 24h00 cannot start a window") {
    auto e = full_schedule();
    e.expires_at.reset();
    e.start_time = "00:00";
    e.end_time = "24:00";
    CHECK(problem_paths(e).empty());
    CHECK(is_active_at(e, at(2023, 10, 2, 0)));
    CHECK(is_active_at(e, at(2023, 10, 2, 23, 59)));
    CHECK_FALSE(is_active_at(e, at(2023, 10, 1, 23, 59)));  // Sunday
    e.start_time = "24:00";
    CHECK(problem_paths(e) == std::vector<std::string>{"/start_time"});
    e.start_time = "07:00";
    e.end_time = "24:01";
    CHECK(problem_paths(e) == std::vector<std::string>{"/end_time"});
  }

  TEST_CASE("a display's time zone must look like an IANA name or UTC+HH:MM") {
    auto x = full_display();
    for (auto ok : {"Asia/Ho_Chi_Minh", "Europe/Paris", "UTC", "UTC+07:00", "UTC-03:30", "America/Argentina/Buenos_Aires",
                    "Etc/GMT+7"}) {
      x.time_zone = ok;
      CAPTURE(ok);
      CHECK(problem_paths(x).empty());
    }
    for (auto bad : {"", "../etc/passwd", "/etc/localtime", "Asia//Saigon", "Asia/", "UTC+7", "UTC+25:00", "UTC+07:60",
                     "Giờ Hà Nội", "Asia/Ho Chi Minh", "Asia/.hidden"}) {
      x.time_zone = bad;
      CAPTURE(bad);
      CHECK(problem_paths(x) == std::vector<std::string>{"/time_zone"});
    }
  }

  TEST_CASE("a business-run display names its operator") {
    auto x = full_display();
    x.operator_name.clear();
    CHECK(problem_paths(x) == std::vector<std::string>{"/operator_name"});
    x.operated_by = operator_kind::school;
    CHECK(problem_paths(x).empty());
    x.operator_account = account_id{"bad id!"};
    CHECK(problem_paths(x) == std::vector<std::string>{"/operator_account"});
  }

  TEST_CASE("a ticker zone cannot be a legal zone") {
    auto l = full_layout();
    CHECK(problem_paths(l).empty());
    l.zones[0].ticker = true;  // zone 0 is legal
    CHECK(problem_paths(l) == std::vector<std::string>{"/zones/0/ticker"});
  }

  TEST_CASE("signage written before the new fields still reads, with their defaults") {
    auto x = from_json_text<display>(R"({"id":"mh","schema_version":1,"version":1,"name":"Màn hình","unit":"u"})");
    REQUIRE(x);
    CHECK(x->kind == display_kind::screen);
    CHECK(x->orientation == display_orientation::landscape);
    CHECK(x->operated_by == operator_kind::school);
    CHECK(x->time_zone == "Asia/Ho_Chi_Minh");
    CHECK(check(*x).has_value());
    auto z = from_json_text<layout>(R"({"id":"l","schema_version":1,"version":1,"name":"L","width":10,"height":10,
                                        "zones":[{"name":"z","width":10,"height":10}]})");
    REQUIRE(z);
    CHECK_FALSE(z->zones[0].ticker);
    CHECK(z->zones[0].legal);
    auto e = from_json_text<schedule_entry>(R"({"id":"e","schema_version":1,"version":1,"playlist":"p","group":"g",
        "start_time":"07:00","end_time":"08:00","valid_from":"2023-09-05"})");
    REQUIRE(e);
    CHECK(e->campaign.empty());
    CHECK_FALSE(e->fallback);
    CHECK_FALSE(e->expires_at);
    CHECK(check(*e).has_value());
  }
}

TEST_SUITE("model/report") {
  TEST_CASE("template, period and submission survive a JSON round trip") {
    round_trips(full_template());
    round_trips(full_period());
    round_trips(full_submission());
  }

  TEST_CASE("values that match the indicator kinds pass, mismatches are reported at their paths") {
    auto t = full_template();
    auto s = full_submission();
    CHECK(check_against(s, t));
    s.values[0] = {"has_section", 1.0, std::nullopt, std::nullopt, "", std::nullopt, std::nullopt, ""};
    s.values[2].number = 120.0;
    s.values.push_back({"unknown_code", 1.0, std::nullopt, std::nullopt, "", std::nullopt, std::nullopt, ""});
    auto r = check_against(s, t);
    REQUIRE_FALSE(r);
    REQUIRE(r.err().details.size() == 3);
    CHECK(r.err().details[0].path == "/values/0/flag");
    CHECK(r.err().details[1].path == "/values/2/number");
    CHECK(r.err().details[2].path == "/values/4/code");
  }

  TEST_CASE("a sent report missing a required indicator is refused, a draft may be partial") {
    auto t = full_template();
    auto s = full_submission();
    s.values.erase(s.values.begin() + 1);
    auto r = check_against(s, t);
    REQUIRE_FALSE(r);
    CHECK(r.err().path == "/values");
    s.state = submission_state::draft;
    CHECK(check_against(s, t));
  }

  TEST_CASE("a value with two contents or none is refused") {
    auto s = full_submission();
    s.values[0].number = 1.0;
    s.values[1].number.reset();
    CHECK(problem_paths(s) == std::vector<std::string>{"/values/0", "/values/1"});
  }

  TEST_CASE("a template with duplicate or malformed codes is refused") {
    auto t = full_template();
    t.indicators[1].code = "has_section";
    t.indicators[2].code = "Tỷ lệ";
    t.plan_number = "KH19";
    CHECK(problem_paths(t) == std::vector<std::string>{"/plan_number", "/indicators/1/code", "/indicators/2/code"});
  }

  TEST_CASE("a period due before it opens is refused, default deadlines follow the plan") {
    auto p = full_period();
    p.due_on = d(2023, 11, 1);
    CHECK(problem_paths(p) == std::vector<std::string>{"/due_on"});
    CHECK(default_due_on(school_year{2023}, report_round::second) == d(2023, 12, 15));
    CHECK(default_due_on(school_year{2023}, report_round::first) == d(2024, 6, 30));
  }

  TEST_CASE("report periods sort in calendar order, round 1 of a year before its round 2") {
    // Keyed on the school year, round 2 of "2023-2024" (December 2023) came first and round 1 of
    // "2024-2025" (June 2025) after round 2 of 2024; the calendar puts each where it falls.
    auto period_at = [](int y, report_round r) {
      auto p = full_period();
      p.id = report_period_id{"kh19-" + std::to_string(y) + (r == report_round::first ? "-dot-1" : "-dot-2")};
      p.calendar_year = y;
      p.round = r;
      p.year = round_school_year(y, r);
      p.due_on = default_due_on(y, r);
      p.opens_on = date{std::chrono::sys_days{p.due_on} - std::chrono::days{30}};
      return p;
    };
    std::vector<report_period> ps{period_at(2025, report_round::first), period_at(2024, report_round::second),
                                  period_at(2023, report_round::second), period_at(2024, report_round::first)};
    for (const auto& p : ps) CHECK_MESSAGE(check(p), p.id.value);
    std::sort(ps.begin(), ps.end(), calendar_before);
    std::vector<std::string> ids;
    for (const auto& p : ps) ids.push_back(p.id.value);
    CHECK(ids == std::vector<std::string>{"kh19-2023-dot-2", "kh19-2024-dot-1", "kh19-2024-dot-2", "kh19-2025-dot-1"});
    CHECK(report_period_label_vi(ps[1]) == "Đợt 1 năm 2024 (sau tổng kết năm học 2023-2024)");
    CHECK(report_period_label_vi(ps[2]) == "Đợt 2 năm 2024 (trước ngày 15 tháng 12 năm 2024)");
    CHECK(report_period_label_en(ps[1]) == "Round 1 of 2024 (after the wrap-up of the 2023-2024 school year)");
    CHECK(report_period_label_en(ps[2]) == "Round 2 of 2024 (before 15 December 2024)");
  }

  TEST_CASE("a round's default deadline is in its calendar year") {
    CHECK(default_due_on(2024, report_round::first) == d(2024, 6, 30));
    CHECK(default_due_on(2024, report_round::second) == d(2024, 12, 15));
    CHECK(round_school_year(2024, report_round::first) == school_year{2023});
    CHECK(round_school_year(2024, report_round::second) == school_year{2024});
  }

  TEST_CASE("a period stored before calendar years decodes with its calendar year derived") {
    // As data/seed/report_periods.json had them: keyed on the school year only.
    auto old = [](std::string_view round, std::string_view due) {
      return from_json_text<report_period>(R"({"id": "kh19-2023-2024-dot-x", "template_id": "bc-kh19", "year": "2023-2024",
        "round": ")" + std::string(round) + R"(", "opens_on": "2023-11-15", "due_on": ")" + std::string(due) +
                                            R"(", "schema_version": 1, "version": 1})");
    };
    auto second = old("second", "2023-12-15");
    REQUIRE_MESSAGE(second, (second ? "" : second.err().describe()));
    CHECK(second->calendar_year == 2023);
    CHECK(report_period_label_vi(*second) == "Đợt 2 năm 2023 (trước ngày 15 tháng 12 năm 2023)");
    auto first = old("first", "2024-06-30");
    REQUIRE_MESSAGE(first, (first ? "" : first.err().describe()));
    CHECK(first->calendar_year == 2024);
    CHECK(first->year == school_year{2023});
    CHECK(calendar_before(*second, *first));
    // Written again, it names both.
    auto j = to_json_value(*first);
    CHECK(j["calendar_year"] == 2024);
    CHECK(j["year"] == "2023-2024");
    // A new record may name only the calendar year.
    j.erase("year");
    auto again = from_json_value<report_period>(j);
    REQUIRE(again);
    CHECK(*again == *first);
    j.erase("calendar_year");
    auto neither = from_json_value<report_period>(j);
    REQUIRE_FALSE(neither);
    CHECK(neither.err().code == errc::missing_field);
    CHECK(neither.err().path == "/calendar_year");
  }

  TEST_CASE("a period whose school year or deadline is not of its calendar year is refused") {
    auto p = full_period();  // round 2 of 2023: school year 2023-2024, due in 2023
    p.year = school_year{2022};
    CHECK(problem_paths(p) == std::vector<std::string>{"/year"});
    p = full_period();
    p.due_on = d(2024, 1, 10);
    CHECK(problem_paths(p) == std::vector<std::string>{"/due_on"});
  }

  TEST_CASE("a school year that is not two consecutive years is refused when decoding") {
    auto j = to_json_value(full_period());
    j["year"] = "2023-2025";
    auto r = from_json_value<report_period>(j);
    REQUIRE_FALSE(r);
    CHECK(r.err().path == "/year");
  }
}

TEST_SUITE("model/training_channel") {
  TEST_CASE("course, attendance and channel survive a JSON round trip") {
    round_trips(full_course());
    round_trips(full_attendance());
    round_trips(full_channel());
  }

  TEST_CASE("an online course needs a URL and ordered dates") {
    auto c = full_course();
    c.url.clear();
    c.ends_on = d(2023, 8, 1);
    CHECK(problem_paths(c) == std::vector<std::string>{"/ends_on", "/url"});
  }

  TEST_CASE("a completed attendance needs its date and counts as trained") {
    auto a = full_attendance();
    CHECK(is_trained(a));
    a.completed_on.reset();
    CHECK(problem_paths(a) == std::vector<std::string>{"/completed_on"});
    a.status = attendance_status::absent;
    CHECK_FALSE(is_trained(a));
  }

  TEST_CASE("a hotline needs a phone and a social page a URL") {
    auto c = full_channel();
    c.phone.clear();
    CHECK(problem_paths(c) == std::vector<std::string>{"/phone"});
    c = full_channel();
    c.kind = channel_kind::facebook;
    c.url.clear();
    CHECK(problem_paths(c) == std::vector<std::string>{"/url"});
  }
}
