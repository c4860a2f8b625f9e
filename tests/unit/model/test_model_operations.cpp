#include "fixtures.hpp"

using namespace pbgdpl;
using fx::at;
using fx::d;
using fx::problem_paths;
using fx::round_trips;

namespace {
approval_record full_approval() {
  approval_record a;
  a.id = approval_id{"ap-video-1"};
  a.version = 1;
  a.content_id = "video-cau-thang-1";
  a.content_blake2b = std::string(64, 'b');
  a.approver_unit = unit_id{"pgddt-ha-dong"};
  a.approver_role = role::division_approver;
  a.key_id = "0123456789abcdef";
  a.use = approval_use::signage_public;
  a.valid_from = at(2023, 10, 1);
  a.valid_until = at(2024, 6, 1);
  a.sequence = 4;
  a.signature = "untrusted comment: x\nRWQ...\ntrusted comment: y\nabc";
  a.note = "Duyệt cho màn hình chung cư";
  return a;
}

banner full_banner() {
  banner b;
  b.id = banner_id{"banner-pbgdpl-ha-noi"};
  b.version = 2;
  b.name = "Banner Trang TTĐT PBGDPL Hà Nội";
  b.target_url = std::string(city_portal_url);
  b.required_text = std::string(city_portal_banner_text);
  b.alt_text = "Liên kết: Trang thông tin điện tử phổ biến pháp luật thành phố Hà Nội";
  b.variants = {{300, 100, media_id{"banner-300x100"}}, {728, 90, media_id{"banner-728x90"}}};
  b.owner = unit_id{"ha-noi"};
  return b;
}

display_group full_group() {
  return {display_group_id{"cau-thang-th-van-yen"}, 1, 3, "Cầu thang pháp luật TH Văn Yên", unit_id{"th-van-yen"},
          display_group_id{"cau-thang-ha-dong"}, true};
}

display full_display() {
  display x;
  x.id = display_id{"man-hinh-tang-2"};
  x.version = 1;
  x.name = "Màn hình tầng 2";
  x.location = "Cầu thang khu A";
  x.unit = unit_id{"th-van-yen"};
  x.group = display_group_id{"cau-thang-th-van-yen"};
  x.width = 1080;
  x.height = 1920;
  x.public_key = "RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3";
  x.enabled = false;
  return x;
}

layout full_layout() {
  return {layout_id{"doc-2-vung"}, 1, 1, "Dọc, hai vùng", 1080, 1920,
          {{"chinh", 0, 0, 1080, 1600, true}, {"thong-bao", 0, 1600, 1080, 320, false}}};
}

playlist full_playlist() {
  playlist p;
  p.id = playlist_id{"pl-an-toan-giao-thong"};
  p.version = 6;
  p.name = "An toàn giao thông";
  p.unit = unit_id{"th-van-yen"};
  p.layout = layout_id{"doc-2-vung"};
  p.items = {{media_id{"video-cau-thang-1"}, 93, approval_id{"ap-video-1"}, "chinh"},
             {media_id{"infographic-1"}, 15, std::nullopt, "thong-bao"}};
  return p;
}

schedule_entry full_schedule() {
  schedule_entry e;
  e.id = schedule_id{"lich-gio-ra-choi"};
  e.version = 1;
  e.playlist = playlist_id{"pl-an-toan-giao-thong"};
  e.group = display_group_id{"cau-thang-th-van-yen"};
  e.days = {day_of_week::mon, day_of_week::tue, day_of_week::wed, day_of_week::thu, day_of_week::fri};
  e.start_time = "07:00";
  e.end_time = "17:30";
  e.valid_from = d(2023, 9, 5);
  e.valid_until = d(2024, 5, 31);
  e.priority = 10;
  e.emergency = false;
  return e;
}

report_template full_template() {
  report_template t;
  t.id = report_template_id{"bc-kh19"};
  t.version = 1;
  t.name = "Báo cáo kết quả thực hiện Kế hoạch 19/KH-PGDĐT";
  t.plan_number = "19/KH-PGDĐT";
  t.plan = legal_document_id{"kh-19-pgddt-2023"};
  t.owner = unit_id{"pgddt-ha-dong"};
  t.indicators = {
      {"has_section", "Có chuyên mục PBGDPL", "Has a PBGDPL section", "", indicator_kind::boolean, true, std::nullopt,
       std::nullopt, ""},
      {"articles_posted", "Số tin, bài đã đăng", "Articles posted", "Trong kỳ", indicator_kind::number, true, 0.0,
       std::nullopt, "bài"},
      {"staff_trained_pct", "Tỷ lệ cán bộ được tập huấn", "Share of staff trained", "", indicator_kind::percent, false,
       std::nullopt, std::nullopt, "%"},
      {"highlights", "Kết quả nổi bật", "Highlights", "", indicator_kind::text, false, std::nullopt, std::nullopt, ""},
  };
  return t;
}

report_period full_period() {
  return {report_period_id{"kh19-2023-2024-dot-2"}, 1, 1, report_template_id{"bc-kh19"}, school_year{2023},
          report_round::second, d(2023, 11, 15), d(2023, 12, 15)};
}

report_submission full_submission() {
  report_submission s;
  s.id = submission_id{"bc-th-van-yen-2023-dot-2"};
  s.version = 3;
  s.template_id = report_template_id{"bc-kh19"};
  s.period_id = report_period_id{"kh19-2023-2024-dot-2"};
  s.unit = unit_id{"th-van-yen"};
  s.values = {{"has_section", std::nullopt, true, std::nullopt, ""},
              {"articles_posted", 14.0, std::nullopt, std::nullopt, "Gồm 3 bài chuyên sâu"},
              {"staff_trained_pct", 87.5, std::nullopt, std::nullopt, ""},
              {"highlights", std::nullopt, std::nullopt, std::string("Tổ chức Ngày Pháp luật 9/11."), ""}};
  s.state = submission_state::returned;
  s.submitted_at = at(2023, 12, 10, 16);
  s.submitted_by = account_id{"acc-school-approver"};
  s.review_note = "Bổ sung minh chứng.";
  return s;
}

training_course full_course() {
  training_course c;
  c.id = training_course_id{"tap-huan-cntt-2023"};
  c.version = 1;
  c.title = "Tập huấn kỹ năng ứng dụng CNTT trong PBGDPL";
  c.description = "Trực tuyến qua Zoom.";
  c.organizer = "Sở Tư pháp Hà Nội";
  c.unit = unit_id{"pgddt-ha-dong"};
  c.mode = training_mode::online;
  c.starts_on = d(2023, 8, 15);
  c.ends_on = d(2023, 8, 16);
  c.url = "https://hoc.hanoi.gov.vn/pbgdpl";
  c.hours = 8;
  c.topics = {"Viết tin bài", "Làm infographic"};
  return c;
}

attendance full_attendance() {
  attendance a;
  a.id = attendance_id{"th-van-yen-lan-2023"};
  a.version = 1;
  a.course = training_course_id{"tap-huan-cntt-2023"};
  a.unit = unit_id{"th-van-yen"};
  a.account = account_id{"acc-school-editor"};
  a.person_name = "Nguyễn Thị Lan";
  a.position = "Tuyên truyền viên pháp luật";
  a.status = attendance_status::completed;
  a.completed_on = d(2023, 8, 16);
  a.certificate_number = "CN-2023-0042";
  return a;
}

channel full_channel() {
  channel c;
  c.id = channel_id{"hotline-pgd"};
  c.version = 1;
  c.kind = channel_kind::hotline;
  c.name = "Đường dây nóng Phòng GDĐT";
  c.url = "https://pgdhadong.edu.vn/lien-he";
  c.phone = "024 3382 4567";
  c.unit = unit_id{"pgddt-ha-dong"};
  c.active = false;
  c.started_on = d(2023, 4, 1);
  return c;
}
}  // namespace

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
    s.values[0] = {"has_section", 1.0, std::nullopt, std::nullopt, ""};
    s.values[2].number = 120.0;
    s.values.push_back({"unknown_code", 1.0, std::nullopt, std::nullopt, ""});
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
