// The legal staircase's public page and what it reads (portal/signage_view.hpp): a display's
// schedule from the store, what each zone shows at an instant, and the page itself over the demo
// data (what plays now, an emergency override, a school without screens).
#include <pbgdpl/portal/signage_view.hpp>

#include "portal_fixture.hpp"

#include <doctest/doctest.h>

using namespace pbgdpl;
using namespace pbgdpl_test;

namespace {

timestamp at(const char* s) { return parse_timestamp(s).value(); }

display screen(const char* id, const char* group) {
  display d;
  d.id = display_id{id};
  d.name = id;
  d.unit = unit_id{"thcs-van-yen"};
  d.group = display_group_id{group};
  d.width = 1080;
  d.height = 1920;
  return d;
}

display_group group(const char* id, std::optional<const char*> parent) {
  display_group g;
  g.id = display_group_id{id};
  g.name = id;
  g.unit = unit_id{"thcs-van-yen"};
  if (parent) g.parent = display_group_id{*parent};
  return g;
}

schedule_entry entry(const char* id, const char* playlist, const char* grp, const char* from, const char* to) {
  schedule_entry e;
  e.id = schedule_id{id};
  e.playlist = playlist_id{playlist};
  e.group = display_group_id{grp};
  e.start_time = from;
  e.end_time = to;
  e.valid_from = parse_date("2025-01-01").value();
  return e;
}

playlist two_zones() {
  playlist p;
  p.id = playlist_id{"pl"};
  p.name = "Danh sách thử";
  p.unit = unit_id{"thcs-van-yen"};
  p.layout = layout_id{"doc"};
  p.items = {{media_id{"a"}, 20, std::nullopt, ""},      // no zone: the layout's first
             {media_id{"n"}, 15, std::nullopt, "duoi"},  // the notice zone loops on its own
             {media_id{"b"}, 10, std::nullopt, "tren"}};
  return p;
}

layout portrait() {
  layout l;
  l.id = layout_id{"doc"};
  l.name = "Dọc";
  l.width = 1080;
  l.height = 1920;
  l.zones = {{"tren", 0, 0, 1080, 1600, true, false}, {"duoi", 0, 1600, 1080, 320, false, false}};
  return l;
}

}  // namespace

TEST_CASE("signage view: each zone loops its own items from the slot's start") {
  portal::display_schedule s;
  s.d = screen("mh", "g");
  s.layouts.emplace("doc", portrait());
  auto p = two_zones();
  s.set.playlists.emplace("pl", p);
  s.set.entries = {entry("e", "pl", "g", "07:00", "17:00")};
  s.tz = signage::time_zone::vietnam();
  // 07:00:25: the upper zone (20 s + 10 s) is 25 s in, on its second item; the notice zone (15 s)
  // started its second loop at 07:00:15.
  auto n = portal::playing_at(s, at("2025-03-03T07:00:25+07:00"));
  REQUIRE(n);
  CHECK(n->list.id.value == "pl");
  REQUIRE(n->zones.size() == 2);
  REQUIRE(n->zones[0].item);
  CHECK(n->zones[0].item->media.value == "b");
  CHECK(n->zones[0].start == at("2025-03-03T07:00:20+07:00"));
  CHECK(n->zones[0].end == at("2025-03-03T07:00:30+07:00"));
  REQUIRE(n->zones[1].item);
  CHECK(n->zones[1].item->media.value == "n");
  CHECK(n->zones[1].start == at("2025-03-03T07:00:15+07:00"));
  // Outside the daypart nothing plays.
  CHECK_FALSE(portal::playing_at(s, at("2025-03-03T18:00:00+07:00")));
  // An item naming a zone the layout lacks is shown nowhere.
  auto odd = p;
  odd.items.push_back({media_id{"x"}, 5, std::nullopt, "khong-co"});
  for (const auto& z : portrait().zones)
    for (const auto& it : portal::zone_playlist(odd, portrait(), z.name).items) CHECK(it.media.value != "x");
}

TEST_CASE("signage view: a playlist without a layout fills the screen with one zone") {
  portal::display_schedule s;
  s.d = screen("mh", "g");
  playlist p = two_zones();
  p.layout.reset();
  auto l = portal::layout_of(s, p);
  REQUIRE(l.zones.size() == 1);
  CHECK(l.zones[0].width == 1080);
  CHECK(l.zones[0].height == 1920);
  CHECK(portal::zone_playlist(p, l, "").items.size() == 3);
}

TEST_CASE("signage view: a display's schedule follows its group chain and stops at a cycle") {
  store::memory_store db;
  REQUIRE(db.create(group("top", "child"), "test"));  // a cycle: top -> child -> top
  REQUIRE(db.create(group("child", "top"), "test"));
  REQUIRE(db.create(portrait(), "test"));
  REQUIRE(db.create(two_zones(), "test"));
  auto unrelated = entry("khac", "pl", "other", "00:00", "24:00");
  REQUIRE(db.create(entry("of-top", "pl", "top", "07:00", "17:00"), "test"));
  REQUIRE(db.create(entry("of-child", "pl", "child", "18:00", "20:00"), "test"));
  auto d = screen("mh", "child");
  auto s = portal::load_schedule(db, d);
  REQUIRE(s);
  CHECK(s->groups.size() == 2);
  CHECK(s->set.entries.size() == 2);
  CHECK(s->set.playlists.count("pl") == 1);
  CHECK(s->layouts.count("doc") == 1);
  CHECK(portal::playing_at(*s, at("2025-03-03T19:00:00+07:00")));
  CHECK(portal::playing_at(*s, at("2025-03-03T08:00:00+07:00")));
  (void)unrelated;
}

namespace {

// The demo portal on its fixture day (Monday 3 March 2025, 09:00 and on), with an entry of its own
// playing the demo playlist every day.
struct staircase : portal_fixture {
  staircase() {
    auto e = entry("ca-ngay", "pl-cau-thang-thcs-van-yen", "cau-thang-thcs-van-yen", "00:00", "24:00");
    e.priority = 5;
    REQUIRE(db.create(e, "test"));
  }
};

}  // namespace

TEST_CASE("signage page: the school's screens and what they play now") {
  staircase f;
  auto r = f.get("/don-vi/thcs-van-yen/pbgdpl/cau-thang-phap-luat/");
  REQUIRE(r.code == http::status::ok);
  auto b = portal_fixture::body(r);
  CHECK(b.find("Màn hình cầu thang A, tầng 2") != std::string::npos);
  CHECK(b.find("Cầu thang pháp luật: năm học 2023-2024</span>, đến ") != std::string::npos);
  CHECK(b.find("Đang chiếu") != std::string::npos);
  CHECK(b.find("<caption>Lịch chiếu của <span>Màn hình cầu thang A, tầng 2</span> ngày 03 tháng 3 năm 2025 (Asia/Ho_Chi_Minh)</caption>") != std::string::npos);
  CHECK(b.find("màn hình nghỉ") == std::string::npos);
  // Never cached: the page depends on the clock.
  CHECK_FALSE(r.cacheable);
  // The division's section (above the school, on this day) lists the same screens.
  CHECK(portal_fixture::body(f.get("/pbgdpl/cau-thang-phap-luat/")).find("Màn hình cầu thang B, tầng 1") != std::string::npos);
  // A school without screens.
  CHECK(portal_fixture::body(f.get("/don-vi/th-le-loi/pbgdpl/cau-thang-phap-luat/")).find("chưa có màn hình") != std::string::npos);
}

TEST_CASE("signage page: an emergency override shows, and is gone once it expired") {
  staircase f;
  const auto t = f.site->config().now();
  auto e = entry("khan-cap", "pl-cau-thang-thcs-van-yen", "cau-thang-thcs-van-yen", "00:00", "24:00");
  e.emergency = true;
  e.priority = 1;  // an emergency wins whatever its priority
  e.expires_at = t + std::chrono::hours(1);
  REQUIRE(f.db.create(e, "test"));
  CHECK(portal_fixture::body(f.get("/don-vi/thcs-van-yen/pbgdpl/cau-thang-phap-luat/")).find("(Khẩn cấp)") != std::string::npos);
  auto ended = f.db.get<schedule_entry>("khan-cap");
  REQUIRE(ended);
  ended->expires_at = t - std::chrono::seconds(1);
  REQUIRE(f.db.update(*ended, "test"));
  CHECK(portal_fixture::body(f.get("/don-vi/thcs-van-yen/pbgdpl/cau-thang-phap-luat/")).find("(Khẩn cấp)") == std::string::npos);
}

TEST_CASE("signage page: nothing scheduled means the screen rests") {
  portal_fixture f;  // the seed's own entries are for school year 2023-2024: none applies in 2025
  auto b = portal_fixture::body(f.get("/don-vi/thcs-van-yen/pbgdpl/cau-thang-phap-luat/"));
  CHECK(b.find("Hiện không có lịch chiếu: màn hình nghỉ.") != std::string::npos);
  CHECK(b.find("Hôm nay không có lịch chiếu.") != std::string::npos);
}
