// The day timeline of 10,000 displays (issue 16: target ≤ 1 s on a 2-core machine), and the naive
// minute-by-minute evaluation of the same schedules, checked identical before anything is timed.
//   pbgdpl_bench_signage_timeline [google benchmark flags]
// The fleet: one district group, 50 schools under it, 4 buildings per school, 50 displays per
// building (10,000); entries on each level (about 8 per display: mixed priorities, a fallback,
// a few windows crossing midnight, one emergency with a time to live); a tenth of the displays in
// Europe/Paris, the rest in Asia/Ho_Chi_Minh. The day is a Monday.
#include <pbgdpl/signage/scheduler.hpp>

#include "signage_fixtures.hpp"

#include <benchmark/benchmark.h>

#include <cstdio>

using namespace pbgdpl;
using namespace signage_fx;

namespace {

struct fleet {
  std::vector<display_group> groups;
  std::vector<display> displays;
  std::vector<schedule_entry> entries;
  std::vector<playlist> playlists;
  std::vector<time_zone> zones;            // per display
  std::vector<schedule_set> sets;          // per display, from schedule_for
};

const date bench_day = d(2024, 3, 4);  // a Monday

fleet make_fleet() {
  fleet f;
  auto vn = time_zone::vietnam();
  auto paris = time_zone::locate("Europe/Paris").value_or(time_zone::fixed("UTC+01:00", std::chrono::hours{1}));
  auto group = [&](std::string id, std::optional<std::string> parent) {
    display_group g;
    g.id = display_group_id{id};
    g.name = id;
    g.unit = unit_id{"u"};
    if (parent) g.parent = display_group_id{*parent};
    f.groups.push_back(g);
  };
  auto add = [&](std::string id, std::string g, std::string start, std::string end, int priority,
                 std::vector<day_of_week> days = {}) -> schedule_entry& {
    auto e = entry(id, "pl-" + id, std::move(start), std::move(end), priority, std::move(days));
    e.group = display_group_id{std::move(g)};
    f.entries.push_back(e);
    playlist p;
    p.id = e.playlist;
    p.name = id;
    p.unit = unit_id{"u"};
    p.items = {{media_id{"video"}, 93, std::nullopt, ""}, {media_id{"infographic"}, 20, std::nullopt, ""}};
    f.playlists.push_back(p);
    return f.entries.back();
  };
  using enum day_of_week;
  group("quan", std::nullopt);
  auto& fb = add("quan-mac-dinh", "quan", "00:00", "24:00", 0);
  fb.fallback = true;
  add("quan-chien-dich", "quan", "09:00", "09:30", 20, {mon, tue, wed, thu, fri});
  add("quan-buoi-toi", "quan", "18:00", "21:00", 3);
  auto& em = add("quan-khan-cap", "quan", "10:00", "24:00", 0);
  em.emergency = true;
  em.expires_at = at(bench_day, 10, 17);
  for (int s = 0; s < 50; ++s) {
    auto school = "truong-" + std::to_string(s);
    group(school, "quan");
    add(school + "-ngay-hoc", school, "06:45", "17:30", 10, {mon, tue, wed, thu, fri});
    add(school + "-thu-bay", school, "07:00", "11:00", 5, {sat});
    if (s % 5 == 0) add(school + "-dem", school, "22:00", "02:00", 8, {sun, mon});  // crosses midnight
    for (int b = 0; b < 4; ++b) {
      auto building = school + "-nha-" + std::to_string(b);
      group(building, school);
      add(building + "-ra-choi", building, "09:" + std::to_string(15 + b * 5), "09:" + std::to_string(25 + b * 5), 30);
      if (b % 2 == 0) add(building + "-trua", building, "11:00", "13:00", 15 - b);
      for (int k = 0; k < 50; ++k) {
        display x;
        x.id = display_id{building + "-mh-" + std::to_string(k)};
        x.name = x.id.value;
        x.unit = unit_id{"u"};
        x.group = display_group_id{building};
        f.displays.push_back(x);
        f.zones.push_back(f.displays.size() % 10 == 0 ? paris : vn);
      }
    }
  }
  return f;
}

fleet& the_fleet() {
  static fleet f = make_fleet();
  return f;
}

void BM_schedule_for_and_timeline(benchmark::State& st) {
  auto& f = the_fleet();
  std::size_t slots = 0;
  for (auto _ : st) {
    slots = 0;
    for (std::size_t i = 0; i < f.displays.size(); ++i) {
      auto set = signage::schedule_for(f.displays[i], f.groups, f.entries, f.playlists);
      auto tl = signage::timeline(set, f.zones[i], bench_day);
      slots += tl.size();
      benchmark::DoNotOptimize(tl);
    }
  }
  st.counters["displays"] = static_cast<double>(f.displays.size());
  st.counters["slots"] = static_cast<double>(slots);
}

void BM_timeline(benchmark::State& st) {
  auto& f = the_fleet();
  for (auto _ : st)
    for (std::size_t i = 0; i < f.displays.size(); ++i) {
      auto tl = signage::timeline(f.sets[i], f.zones[i], bench_day);
      benchmark::DoNotOptimize(tl);
    }
  st.counters["displays"] = static_cast<double>(f.displays.size());
}

void BM_naive_minute_by_minute(benchmark::State& st) {
  auto& f = the_fleet();
  for (auto _ : st)
    for (std::size_t i = 0; i < f.displays.size(); ++i) {
      auto tl = naive_timeline(f.sets[i], f.zones[i], bench_day);
      benchmark::DoNotOptimize(tl);
    }
  st.counters["displays"] = static_cast<double>(f.displays.size());
}

BENCHMARK(BM_schedule_for_and_timeline)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_timeline)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_naive_minute_by_minute)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace

int main(int argc, char** argv) {
  auto& f = the_fleet();
  std::size_t entries = 0, slots = 0, differ = 0;
  for (const auto& x : f.displays) f.sets.push_back(signage::schedule_for(x, f.groups, f.entries, f.playlists));
  // Both answers for every display before any timing: they must be identical.
  for (std::size_t i = 0; i < f.displays.size(); ++i) {
    entries += f.sets[i].entries.size();
    auto fast = signage::timeline(f.sets[i], f.zones[i], bench_day);
    slots += fast.size();
    if (fast != naive_timeline(f.sets[i], f.zones[i], bench_day)) ++differ;
  }
  std::printf("fleet: %zu displays, %zu groups, %zu entries, %zu playlists, %.1f entries per display, %zu slots on %s; "
              "timelines differing from the naive evaluation: %zu\n",
              f.displays.size(), f.groups.size(), f.entries.size(), f.playlists.size(),
              static_cast<double>(entries) / static_cast<double>(f.displays.size()), slots, format_date(bench_day).c_str(),
              differ);
  if (differ) return 1;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
