#include <pbgdpl/signage/scheduler.hpp>
#include <pbgdpl/core/time.hpp>

#include <doctest/doctest.h>

#include "signage_fixtures.hpp"

#include <pbgdpl/model/dataset.hpp>
#include <pbgdpl/store/import.hpp>

#include <algorithm>
#include <random>

using namespace pbgdpl;
using namespace signage_fx;
using namespace std::chrono_literals;
using signage::what_plays;

namespace {

const time_zone vn = time_zone::vietnam();

// 2023-10-02 is a Monday; 2023-10-06 a Friday.
const date monday = d(2023, 10, 2);
const date friday = d(2023, 10, 6);
const date saturday = d(2023, 10, 7);
const date sunday = d(2023, 10, 8);

std::string playing(const schedule_set& s, timestamp t, const time_zone& tz = vn) {
  auto w = what_plays(s, tz, t);
  return w ? w->entry : std::string("-");
}

// "07:00-11:00 a; 13:00-17:00 b" in the zone's local time on `day` (offset fixed for the day).
std::string describe(const std::vector<slot>& tl, std::chrono::seconds offset = vietnam_utc_offset) {
  std::string out;
  for (const auto& s : tl) {
    auto fmt = [&](timestamp t) {
      auto l = (t + offset).time_since_epoch().count() % 86400;
      if (l < 0) l += 86400;
      auto hm = detail::two(static_cast<unsigned>(l / 3600)) + ":" + detail::two(static_cast<unsigned>(l % 3600 / 60));
      return hm;
    };
    if (!out.empty()) out += "; ";
    out += fmt(s.start) + "-" + fmt(s.end) + " " + s.entry;
  }
  return out;
}

}  // namespace

TEST_CASE("dayparts: a morning and an afternoon playlist make two slots of the day") {
  auto s = set_of({entry("sang", "pl-a", "07:00", "11:00"), entry("chieu", "pl-b", "13:00", "17:00")});
  auto tl = signage::timeline(s, vn, monday);
  CHECK(describe(tl) == "07:00-11:00 sang; 13:00-17:00 chieu");
  REQUIRE(tl.size() == 2);
  CHECK(tl[0].start == at(monday, 7, 0));
  CHECK(tl[0].end == at(monday, 11, 0));
  CHECK(tl[0].playlist == "pl-a");
  CHECK(playing(s, at(monday, 6, 59)) == "-");
  CHECK(playing(s, at(monday, 7, 0)) == "sang");
  CHECK(playing(s, at(monday, 10, 59, vietnam_utc_offset, 59)) == "sang");
  CHECK(playing(s, at(monday, 11, 0)) == "-");
  CHECK(playing(s, at(monday, 16, 0)) == "chieu");
}

TEST_CASE("a window crossing midnight belongs to the day it starts on") {
  // Friday 22:00-02:00 plays into Saturday 01:00, but not into Sunday 01:00: Saturday is not listed.
  auto s = set_of({entry("dem-thu-sau", "pl-dem", "22:00", "02:00", 0, {day_of_week::fri})});
  CHECK(playing(s, at(friday, 21, 59)) == "-");
  CHECK(playing(s, at(friday, 22, 0)) == "dem-thu-sau");
  CHECK(playing(s, at(saturday, 1, 0)) == "dem-thu-sau");
  CHECK(playing(s, at(saturday, 2, 0)) == "-");
  CHECK(playing(s, at(sunday, 1, 0)) == "-");
  CHECK(playing(s, at(d(2023, 10, 5), 1, 0)) == "-");  // Thursday night's is Wednesday's window
  CHECK(describe(signage::timeline(s, vn, friday)) == "22:00-00:00 dem-thu-sau");
  CHECK(describe(signage::timeline(s, vn, saturday)) == "00:00-02:00 dem-thu-sau");
  CHECK(signage::timeline(s, vn, sunday).empty());
  // The run around Friday 23:00 is the whole window, across midnight.
  auto w = what_plays(s, vn, at(friday, 23, 0));
  REQUIRE(w);
  CHECK(w->start == at(friday, 22, 0));
  CHECK(w->end == at(saturday, 2, 0));
}

TEST_CASE("weekdays: a Monday-to-Friday entry plays on Monday and not at the weekend") {
  using enum day_of_week;
  auto s = set_of({entry("ngay-hoc", "pl", "06:45", "17:30", 0, {mon, tue, wed, thu, fri})});
  CHECK(describe(signage::timeline(s, vn, monday)) == "06:45-17:30 ngay-hoc");
  CHECK(describe(signage::timeline(s, vn, friday)) == "06:45-17:30 ngay-hoc");
  CHECK(signage::timeline(s, vn, saturday).empty());
  CHECK(signage::timeline(s, vn, sunday).empty());
}

TEST_CASE("date ranges: valid_from and valid_until are both inclusive") {
  auto e = entry("dot-1", "pl", "08:00", "09:00");
  e.valid_from = d(2023, 10, 3);
  e.valid_until = d(2023, 10, 5);
  auto s = set_of({e});
  CHECK(signage::timeline(s, vn, monday).empty());
  CHECK(signage::timeline(s, vn, d(2023, 10, 3)).size() == 1);
  CHECK(signage::timeline(s, vn, d(2023, 10, 5)).size() == 1);
  CHECK(signage::timeline(s, vn, friday).empty());
  // A window crossing midnight on the last valid day still runs into the next morning.
  auto late = entry("dem", "pl", "23:00", "01:00");
  late.valid_from = d(2023, 10, 3);
  late.valid_until = d(2023, 10, 5);
  auto s2 = set_of({late});
  CHECK(describe(signage::timeline(s2, vn, friday)) == "00:00-01:00 dem");
  CHECK(describe(signage::timeline(s2, vn, d(2023, 10, 3))) == "23:00-00:00 dem");
}

TEST_CASE("priority: a higher-priority entry wins where windows overlap, the other plays around it") {
  auto s = set_of({entry("ca-ngay", "pl-a", "07:00", "17:00", 1), entry("gio-ra-choi", "pl-b", "09:00", "09:30", 5)});
  CHECK(describe(signage::timeline(s, vn, monday)) == "07:00-09:00 ca-ngay; 09:00-09:30 gio-ra-choi; 09:30-17:00 ca-ngay");
  // Equal priority: the later valid_from wins, then the smaller id.
  auto a = entry("b-cu", "pl-a", "07:00", "08:00", 3), b = entry("a-moi", "pl-b", "07:00", "08:00", 3);
  b.valid_from = d(2023, 6, 1);
  CHECK(playing(set_of({a, b}), at(monday, 7, 30)) == "a-moi");
  b.valid_from = a.valid_from;
  CHECK(playing(set_of({a, b}), at(monday, 7, 30)) == "a-moi");  // smaller id
}

TEST_CASE("an emergency with a time to live beats priority 1000 and reverts at its expiry") {
  auto top = entry("uu-tien-cao", "pl-top", "00:00", "24:00", 1000);
  auto em = entry("khan-cap", "pl-khan-cap", "09:00", "24:00", 0);
  em.emergency = true;
  auto expiry = at(monday, 10, 17, vietnam_utc_offset, 30);
  em.expires_at = expiry;
  auto s = set_of({top, em});
  CHECK(playing(s, at(monday, 8, 59)) == "uu-tien-cao");
  CHECK(playing(s, at(monday, 9, 0)) == "khan-cap");
  CHECK(playing(s, expiry - 1s) == "khan-cap");
  CHECK(playing(s, expiry) == "uu-tien-cao");
  auto tl = signage::timeline(s, vn, monday);
  REQUIRE(tl.size() == 3);
  CHECK(tl[1].entry == "khan-cap");
  CHECK(tl[1].emergency);
  CHECK(tl[1].start == at(monday, 9, 0));
  CHECK(tl[1].end == expiry);
  CHECK(tl[2].start == expiry);
  CHECK(tl[2].end == at(d(2023, 10, 3), 0, 0));
  // Expired before the day: nothing of it shows.
  CHECK(describe(signage::timeline(s, vn, d(2023, 10, 3))) == "00:00-00:00 uu-tien-cao");
  // An emergency without a time to live (invalid data) gets no precedence.
  em.expires_at.reset();
  CHECK(playing(set_of({top, em}), at(monday, 9, 30)) == "uu-tien-cao");
}

TEST_CASE("a fallback plays only when nothing else does, whatever its priority") {
  auto fb = entry("mac-dinh", "pl-mac-dinh", "00:00", "24:00", 900);
  fb.fallback = true;
  auto s = set_of({fb, entry("sang", "pl-a", "07:00", "08:00", 0)});
  CHECK(describe(signage::timeline(s, vn, monday)) == "00:00-07:00 mac-dinh; 07:00-08:00 sang; 08:00-00:00 mac-dinh");
  auto w = what_plays(s, vn, at(monday, 12, 0));
  REQUIRE(w);
  CHECK(w->fallback);
  CHECK(w->start == at(monday, 8, 0));
}

TEST_CASE("campaigns are carried from the entries to what a display may play") {
  display disp;
  disp.id = display_id{"man-hinh"};
  disp.group = display_group_id{"g"};
  auto e = entry("atgt", "pl-atgt", "07:00", "08:00");
  e.campaign = "Tháng an toàn giao thông 2023";
  playlist p;
  p.id = playlist_id{"pl-atgt"};
  p.items = {{media_id{"m"}, 10, std::nullopt, ""}};
  auto set = signage::schedule_for(disp, {}, {e}, {p});
  REQUIRE(set.entries.size() == 1);
  CHECK(set.entries[0].campaign == "Tháng an toàn giao thông 2023");
  auto w = what_plays(set, vn, at(monday, 7, 30));
  REQUIRE(w);
  auto it = std::find_if(set.entries.begin(), set.entries.end(), [&](const auto& x) { return x.id.value == w->entry; });
  REQUIRE(it != set.entries.end());
  CHECK(it->campaign == e.campaign);
}

TEST_CASE("a display in a sub-group inherits the entries of the groups above it") {
  auto group = [](std::string id, std::optional<std::string> parent) {
    display_group g;
    g.id = display_group_id{id};
    g.name = id;
    g.unit = unit_id{"u"};
    if (parent) g.parent = display_group_id{*parent};
    return g;
  };
  std::vector<display_group> groups{group("toa-nha-a", "truong"), group("quan", std::nullopt), group("truong", "quan"),
                                    group("truong-khac", "quan")};
  auto on = [](std::string id, std::string g) {
    auto e = entry(id, "pl-" + id, "07:00", "08:00");
    e.group = display_group_id{g};
    return e;
  };
  std::vector<schedule_entry> entries{on("cua-quan", "quan"), on("cua-truong", "truong"), on("cua-toa-nha", "toa-nha-a"),
                                      on("cua-truong-khac", "truong-khac"), on("khong-nhom", "khong-co")};
  std::vector<playlist> lists;
  for (const auto& e : entries) {
    playlist p;
    p.id = e.playlist;
    p.items = {{media_id{"m"}, 10, std::nullopt, ""}};
    lists.push_back(p);
  }
  display disp;
  disp.id = display_id{"man-hinh"};
  disp.group = display_group_id{"toa-nha-a"};
  auto set = signage::schedule_for(disp, groups, entries, lists);
  std::vector<std::string> ids;
  for (const auto& e : set.entries) ids.push_back(e.id.value);
  CHECK(ids == std::vector<std::string>{"cua-quan", "cua-toa-nha", "cua-truong"});
  CHECK(set.playlists.size() == 3);
  CHECK(set.playlists.contains("pl-cua-quan"));
  CHECK_FALSE(set.playlists.contains("pl-cua-truong-khac"));
  // An entry whose playlist is unknown is left out: nothing could be played.
  lists.erase(lists.begin());
  CHECK(signage::schedule_for(disp, groups, entries, lists).entries.size() == 2);
  // No group: nothing.
  disp.group.reset();
  CHECK(signage::schedule_for(disp, groups, entries, lists).entries.empty());
}

TEST_CASE("a cycle of parent groups ends the walk") {
  std::vector<display_group> groups(3);
  const char* ids[] = {"a", "b", "c"};
  const char* parents[] = {"b", "c", "a"};
  for (int i = 0; i < 3; ++i) {
    groups[i].id = display_group_id{ids[i]};
    groups[i].parent = display_group_id{parents[i]};
  }
  std::vector<schedule_entry> entries;
  std::vector<playlist> lists(1);
  lists[0].id = playlist_id{"pl"};
  lists[0].items = {{media_id{"m"}, 10, std::nullopt, ""}};
  for (auto id : ids) {
    auto e = entry(std::string("e-") + id, "pl", "07:00", "08:00");
    e.group = display_group_id{id};
    entries.push_back(e);
  }
  display disp;
  disp.group = display_group_id{"a"};
  auto set = signage::schedule_for(disp, groups, entries, lists);
  CHECK(set.entries.size() == 3);
  // A group that is its own parent.
  groups.resize(1);
  groups[0].parent = groups[0].id;
  CHECK(signage::schedule_for(disp, groups, entries, lists).entries.size() == 1);
  // A chain 20,000 groups deep listed top first, ending in a cycle: walked in linear time.
  groups.clear();
  const int depth = 20000;
  for (int i = 0; i < depth; ++i) {
    display_group g;
    g.id = display_group_id{"n" + std::to_string(i)};
    g.parent = display_group_id{"n" + std::to_string(i == 0 ? depth - 1 : i - 1)};
    groups.push_back(g);
  }
  entries[0].group = display_group_id{"n0"};
  entries[1].group = display_group_id{"n" + std::to_string(depth / 2)};
  entries[2].group = display_group_id{"elsewhere"};
  disp.group = display_group_id{"n" + std::to_string(depth - 1)};
  auto t0 = pbgdpl::thread_cpu_time();  // the work, not wall time a loaded machine stretches
  CHECK(signage::schedule_for(disp, groups, entries, lists).entries.size() == 2);
  CHECK(pbgdpl::thread_cpu_time() - t0 < 2s);
}

TEST_CASE("time zones: the same entries in Ho Chi Minh City and in Paris across a change of clocks") {
  auto paris = time_zone::locate("Europe/Paris");
  REQUIRE_MESSAGE(paris, (paris ? "" : paris.err().describe()));
  auto s = set_of({entry("sang", "pl", "07:00", "08:00")});
  // 2024-03-31: Paris moves from +01:00 to +02:00 at 02:00 local (01:00 UTC).
  auto before = d(2024, 3, 30), change = d(2024, 3, 31);
  auto tl = signage::timeline(s, *paris, before);
  REQUIRE(tl.size() == 1);
  CHECK(tl[0].start == at(before, 7, 0, 1h));
  tl = signage::timeline(s, *paris, change);
  REQUIRE(tl.size() == 1);
  CHECK(tl[0].start == at(change, 7, 0, 2h));
  CHECK(tl[0].end == at(change, 8, 0, 2h));
  tl = signage::timeline(s, vn, change);
  REQUIRE(tl.size() == 1);
  CHECK(tl[0].start == at(change, 7, 0));
  // The display's zone decides: 06:00 UTC is 08:00 in Paris (over) and 13:00 in Hà Nội (nothing).
  CHECK(playing(s, at(change, 5, 30, 0s), *paris) == "sang");
  CHECK(playing(s, at(change, 5, 30, 0s), vn) == "-");
  CHECK(playing(s, at(change, 0, 30, 0s), vn) == "sang");

  // A day of 23 hours: an all-day entry's slot is 23 hours long; a window inside the skipped hour
  // starts when the clocks jump.
  auto all = set_of({entry("ca-ngay", "pl", "00:00", "24:00"), entry("trong-gio-mat", "pl-2", "02:30", "03:30", 5)});
  tl = signage::timeline(all, *paris, change);
  REQUIRE(tl.size() == 3);
  CHECK(tl[0].start == at(change, 0, 0, 1h));
  CHECK(tl[1].entry == "trong-gio-mat");
  CHECK(tl[1].start == at(change, 1, 0, 0s));  // 03:00 CEST
  CHECK(tl[1].end == at(change, 3, 30, 2h));
  CHECK(tl[2].end == at(d(2024, 4, 1), 0, 0, 2h));
  CHECK(tl[2].end - tl[0].start == 23h);
  // A day of 25 hours (2024-10-27): the repeated hour plays a window twice.
  auto back = d(2024, 10, 27);
  tl = signage::timeline(all, *paris, back);
  REQUIRE(tl.size() == 5);
  CHECK(tl.back().end - tl.front().start == 25h);
  CHECK(tl[1].entry == "trong-gio-mat");
  CHECK(tl[1].start == at(back, 2, 30, 2h));
  CHECK(tl[1].end == at(back, 3, 0, 2h));  // clocks go back to 02:00
  CHECK(tl[3].entry == "trong-gio-mat");
  CHECK(tl[3].start == at(back, 2, 30, 1h));
  CHECK(tl[3].end == at(back, 3, 30, 1h));
  CHECK(tl == naive_timeline(all, *paris, back));
  CHECK(signage::timeline(all, *paris, change) == naive_timeline(all, *paris, change));
}

TEST_CASE("the timeline agrees with a minute-by-minute evaluation of random schedules") {
  std::mt19937 rng(2023);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  std::vector<time_zone> zones{vn};
  for (auto name : {"Europe/Paris", "America/New_York", "Australia/Lord_Howe"}) {
    auto z = time_zone::locate(name);
    REQUIRE(z);
    zones.push_back(*z);
  }
  // Days around changes of clocks in each zone, and ordinary ones.
  std::vector<date> days{d(2024, 3, 10), d(2024, 3, 31), d(2024, 4, 7), d(2024, 10, 6), d(2024, 10, 27), d(2024, 11, 3),
                         d(2024, 1, 15), d(2024, 6, 21)};
  for (int round = 0; round < 40; ++round) {
    std::vector<schedule_entry> es;
    int n = 1 + pick(8);
    for (int i = 0; i < n; ++i) {
      auto hm = [&] { return detail::two(static_cast<unsigned>(pick(24))) + ":" + detail::two(static_cast<unsigned>(pick(4) * 15)); };
      auto e = entry("e" + std::to_string(i), "pl" + std::to_string(pick(3)), hm(), pick(6) == 0 ? "24:00" : hm(), pick(4));
      if (e.start_time == e.end_time) e.end_time = "24:00";
      if (pick(3) == 0) e.days = {static_cast<day_of_week>(pick(7)), static_cast<day_of_week>(pick(7))};
      if (e.days.size() == 2 && e.days[0] == e.days[1]) e.days.pop_back();
      if (pick(4) == 0) e.valid_from = days[static_cast<std::size_t>(pick(8))];
      if (pick(4) == 0) e.valid_until = date{std::chrono::sys_days{e.valid_from} + std::chrono::days{pick(3)}};
      e.fallback = pick(5) == 0;
      if (pick(6) == 0) {
        e.emergency = true;
        e.fallback = false;
        e.expires_at = at(days[static_cast<std::size_t>(pick(8))], pick(24), pick(60), 0s);
      }
      es.push_back(e);
    }
    auto s = set_of(es);
    for (const auto& z : zones)
      for (auto day : days) {
        CAPTURE(round);
        CAPTURE(z.name());
        CAPTURE(format_date(day));
        CHECK(signage::timeline(s, z, day) == naive_timeline(s, z, day));
      }
  }
}

TEST_CASE("the same input gives the same output, whatever the order of the entries") {
  auto em = entry("khan-cap", "pl-k", "10:00", "11:00", 0);
  em.emergency = true;
  em.expires_at = at(monday, 10, 30);
  std::vector<schedule_entry> es{entry("a", "pl-a", "07:00", "12:00", 2), entry("b", "pl-b", "08:00", "09:00", 2),
                                 entry("c", "pl-c", "22:00", "03:00", 1), entry("d", "pl-d", "07:00", "12:00", 2), em};
  auto expected = signage::timeline(set_of(es), vn, monday);
  CHECK(describe(expected) == "00:00-03:00 c; 07:00-10:00 a; 10:00-10:30 khan-cap; 10:30-12:00 a; 22:00-00:00 c");
  std::mt19937 rng(7);
  display disp;
  disp.group = display_group_id{"g"};
  std::vector<playlist> lists;
  for (const auto& e : es) {
    playlist p;
    p.id = e.playlist;
    p.items = {{media_id{"m"}, 10, std::nullopt, ""}};
    lists.push_back(p);
  }
  auto first = signage::schedule_for(disp, {}, es, lists);
  for (int i = 0; i < 20; ++i) {
    std::shuffle(es.begin(), es.end(), rng);
    std::shuffle(lists.begin(), lists.end(), rng);
    CHECK(signage::timeline(set_of(es), vn, monday) == expected);
    auto again = signage::schedule_for(disp, {}, es, lists);
    CHECK(again.entries == first.entries);
    CHECK(again.playlists == first.playlists);
    CHECK(signage::timeline(again, vn, monday) == expected);
  }
}

TEST_CASE("the seed's schedule plays on a school Monday and not on a Sunday") {
  auto raw = store::read_dataset_directory(std::string(PBGDPL_SOURCE_DIR) + "/data/seed");
  REQUIRE(raw);
  auto seed = dataset_from_json(*raw);
  REQUIRE_MESSAGE(seed, (seed ? "" : seed.err().describe()));
  const display* disp = nullptr;
  for (const auto& x : seed->displays)
    if (x.id.value == "thcs-van-yen-cau-thang-a-t2") disp = &x;
  REQUIRE(disp);
  auto set = signage::schedule_for(*disp, seed->display_groups, seed->schedules, seed->playlists);
  REQUIRE(set.entries.size() == 2);
  auto tz = time_zone::locate(disp->time_zone);
  REQUIRE(tz);
  auto tl = signage::timeline(set, *tz, monday);
  CHECK(describe(tl) == "06:45-17:30 lich-ngay-hoc");
  REQUIRE(tl.size() == 1);
  CHECK(tl[0].playlist == "pl-cau-thang-thcs-van-yen");
  CHECK(tl[0].priority == 10);
  CHECK(signage::timeline(set, *tz, sunday).empty());
  CHECK(describe(signage::timeline(set, *tz, saturday)) == "07:00-11:00 lich-sang-thu-bay");
  // Outside the school year (valid_until 2024-05-31): nothing.
  CHECK(signage::timeline(set, *tz, d(2024, 6, 3)).empty());
  // The playlist loops from the slot's start: 93 s video, 20 s infographic, 15 s notice.
  const auto& p = set.playlists.at(tl[0].playlist);
  auto it = signage::item_at(p, tl[0].start, tl[0].start + 100s);
  REQUIRE(it);
  CHECK(it->index == 1);
  CHECK(it->start == tl[0].start + 93s);
  CHECK(it->end == tl[0].start + 113s);
}

TEST_CASE("a playlist loops from its slot's start") {
  playlist p;
  p.items = {{media_id{"a"}, 10, std::nullopt, ""}, {media_id{"b"}, 5, std::nullopt, ""}, {media_id{"c"}, 15, std::nullopt, ""}};
  auto t0 = at(monday, 7, 0);
  CHECK_FALSE(signage::item_at(p, t0, t0 - 1s));
  CHECK(signage::item_at(p, t0, t0)->index == 0);
  CHECK(signage::item_at(p, t0, t0 + 9s)->index == 0);
  CHECK(signage::item_at(p, t0, t0 + 10s)->index == 1);
  CHECK(signage::item_at(p, t0, t0 + 15s)->index == 2);
  auto r = signage::item_at(p, t0, t0 + 30s * 1000 + 12s);  // the thousandth loop, item b
  REQUIRE(r);
  CHECK(r->index == 1);
  CHECK(r->start == t0 + 30s * 1000 + 10s);
  CHECK(r->end == t0 + 30s * 1000 + 15s);
  p.items.clear();
  CHECK_FALSE(signage::item_at(p, t0, t0));
}

TEST_CASE("what_plays answers the slot of the timeline that holds the instant") {
  auto fb = entry("mac-dinh", "pl-0", "00:00", "24:00");
  fb.fallback = true;
  auto s = set_of({fb, entry("a", "pl-a", "07:00", "12:00", 2), entry("b", "pl-b", "08:00", "09:00", 3)});
  auto tl = signage::timeline(s, vn, monday);
  for (auto t = at(monday, 0, 0); t < at(d(2023, 10, 3), 0, 0); t += 7min) {
    auto w = what_plays(s, vn, t);
    REQUIRE(w);
    auto in = std::find_if(tl.begin(), tl.end(), [&](const slot& x) { return x.start <= t && t < x.end; });
    REQUIRE(in != tl.end());
    CHECK(w->entry == in->entry);
    if (in->entry != "mac-dinh") CHECK(*w == *in);
  }
  // The run reaches back across midnight to where "a" ended on Sunday.
  auto w = what_plays(s, vn, at(monday, 3, 0));
  REQUIRE(w);
  CHECK(w->start == at(monday, 0, 0) - 12h);
  CHECK(w->end == at(monday, 7, 0));
  // An entry that plays all day every day: its run is followed a week each way, no further.
  w = what_plays(set_of({fb}), vn, at(monday, 3, 0));
  REQUIRE(w);
  CHECK(w->start == at(monday, 0, 0) - 24h * 7);
  CHECK(w->end == at(monday, 0, 0) + 24h * 8);
}

TEST_CASE("a day of 30,000 entries resolves in well under a second, not in time growing with their square") {
  // All day, one priority, each expiring one second after the one before it, the best-ranked (the
  // smallest id) first: a scan of the ranks per interval would pass every expired one, n²/2 steps.
  std::vector<schedule_entry> es;
  const int n = 30000;
  const auto first_expiry = at(monday, 1, 0);
  for (int i = 0; i < n; ++i) {
    auto id = std::to_string(i);
    auto e = entry("e" + std::string(5 - id.size(), '0') + id, "pl", "00:00", "24:00");
    e.expires_at = first_expiry + std::chrono::seconds{i};
    es.push_back(e);
  }
  std::shuffle(es.begin(), es.end(), std::mt19937(5));
  auto s = set_of(es);
  auto t0 = pbgdpl::thread_cpu_time();  // the work, not wall time a loaded machine stretches
  auto tl = signage::timeline(s, vn, monday);
  auto spent = pbgdpl::thread_cpu_time() - t0;
  MESSAGE("30,000 entries: " << std::chrono::duration<double, std::milli>(spent).count() << " ms");
  // Ten times the bound in the sanitizer build (PBGDPL_TIME_BUDGET_SCALE; 4.2 s there at -O0):
  // n² steps would still take minutes.
  CHECK(spent < 1s * PBGDPL_TIME_BUDGET_SCALE);
  REQUIRE(tl.size() == static_cast<std::size_t>(n));
  CHECK(tl[0].entry == "e00000");
  CHECK(tl[0].start == at(monday, 0, 0));
  CHECK(tl[0].end == first_expiry);
  CHECK(tl[1].entry == "e00001");
  CHECK(tl[1].end == first_expiry + 1s);
  CHECK(tl.back().entry == "e29999");
  CHECK(tl.back().end == first_expiry + std::chrono::seconds{n - 1});
}
