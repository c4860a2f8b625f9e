// The portal's records about screens (model/signage_ops.hpp): enrolments, plays, heartbeats.
#include "fixtures.hpp"

#include <pbgdpl/model/signage_ops.hpp>

using namespace pbgdpl;
using fx::at;
using fx::problem_paths;
using fx::round_trips;

namespace {
display_enrolment full_enrolment() {
  display_enrolment e;
  e.id = display_enrolment_id{"3F2A9C0B11D4E5F6"};
  e.version = 2;
  e.public_key = "untrusted comment: minisign public key 3F2A9C0B11D4E5F6\nRWT2...\n";
  e.code = "7KQ-M4P";
  e.state = enrolment_state::authorised;
  e.name = "Cầu thang A, tầng 2";
  e.width = 1920;
  e.height = 1080;
  e.display = display_id{"th-van-yen-cau-thang-a"};
  e.created_at = at(2026, 11, 30, 8);
  e.decided_at = at(2026, 11, 30, 9);
  e.decided_by = account_id{"admin-van-yen"};
  e.manifest_sequence = 4;
  e.manifest_blake2b = std::string(64, 'a');
  e.manifest_issued_at = at(2026, 11, 30, 10);
  e.plays_seq = 12;
  e.plays_hash = std::string(64, 'b');
  return e;
}
play_record full_play() {
  play_record p;
  p.id = play_record_id{"th-van-yen-cau-thang-a-12"};
  p.version = 1;
  p.display = display_id{"th-van-yen-cau-thang-a"};
  p.unit = unit_id{"th-van-yen"};
  p.media = "video-an-toan-giao-thong";
  p.blake2b = std::string(64, 'c');
  p.start = at(2026, 11, 30, 10);
  p.end = at(2026, 11, 30, 10, 1);
  p.player = "kiosk";
  p.seq = 12;
  p.line_blake2b = std::string(64, 'd');
  return p;
}
display_status full_status() {
  display_status s;
  s.id = display_status_id{"th-van-yen-cau-thang-a"};
  s.version = 7;
  s.unit = unit_id{"th-van-yen"};
  s.last_seen = at(2026, 11, 30, 10, 5);
  s.status = "playing";
  s.manifest_sequence = 4;
  s.inventory = {std::string(64, 'c'), std::string(64, 'e')};
  s.free_bytes = 1u << 30;
  s.faults = {{at(2026, 11, 30, 10, 4), "fetch", "Máy chủ không trả lời"}};
  s.snapshot = "th-van-yen-cau-thang-a.png";
  s.snapshot_at = at(2026, 11, 30, 10, 5);
  return s;
}
}  // namespace

TEST_SUITE("model/signage_ops") {
  TEST_CASE("an enrolment, a play and a display's status survive a JSON round trip") {
    round_trips(full_enrolment());
    round_trips(full_play());
    round_trips(full_status());
  }

  TEST_CASE("an enrolment code uses the unambiguous alphabet in the 3-3 form") {
    CHECK(is_enrolment_code("7KQ-M4P"));
    CHECK_FALSE(is_enrolment_code("7KQM4P"));
    CHECK_FALSE(is_enrolment_code("7KO-M4P"));  // O looks like 0
    CHECK_FALSE(is_enrolment_code("7K1-M4P"));  // 1 looks like I
    CHECK_FALSE(is_enrolment_code("7kq-m4p"));
    auto e = full_enrolment();
    e.code = "0KQ-M4P";
    CHECK(problem_paths(e) == std::vector<std::string>{"/code"});
  }

  TEST_CASE("an authorised enrolment names its display and a lower-case key id is refused") {
    auto e = full_enrolment();
    e.display.reset();
    CHECK(problem_paths(e) == std::vector<std::string>{"/display"});
    e = full_enrolment();
    e.id = display_enrolment_id{"3f2a9c0b11d4e5f6"};
    CHECK(problem_paths(e) == std::vector<std::string>{"/id"});
  }

  TEST_CASE("a play ending before it started, or of an unknown player kind, is refused") {
    auto p = full_play();
    p.end = p.start - std::chrono::seconds{1};
    p.player = "vlc";
    CHECK(problem_paths(p) == std::vector<std::string>{"/end", "/player"});
    p = full_play();
    p.seq = 0;
    p.blake2b = "ABC";
    CHECK(problem_paths(p) == std::vector<std::string>{"/blake2b", "/seq"});
  }

  TEST_CASE("a status keeps at most 20 faults of at most 500 characters and a plain snapshot name") {
    auto s = full_status();
    s.faults.assign(21, s.faults[0]);
    CHECK(problem_paths(s) == std::vector<std::string>{"/faults"});
    s = full_status();
    s.faults[0].message = std::string(500, 'x');
    CHECK(problem_paths(s).empty());
    std::string vi;
    for (int i = 0; i < 100; ++i) vi += "ước";  // 3 code points, 8 bytes each time
    s.faults[0].message = vi;                    // 300 code points, 800 bytes
    CHECK(problem_paths(s).empty());
    s.faults[0].message += std::string(201, 'x');
    CHECK(problem_paths(s) == std::vector<std::string>{"/faults/0/message"});
    s = full_status();
    s.snapshot = "../etc/passwd";
    CHECK(problem_paths(s) == std::vector<std::string>{"/snapshot"});
  }
}

TEST_CASE("a layout whose local-notice zone overlaps its legal zone is invalid (a player would cover approved content)") {
  layout l;
  l.id = layout_id{"l-overlap"};
  l.name = "Chồng vùng";
  l.width = 1080;
  l.height = 1920;
  zone legal{"phap-luat", 0, 0, 1080, 1600, true, false};
  zone notice{"thong-bao", 0, 1600, 1080, 320, false, false};
  l.zones = {legal, notice};
  validator ok;
  validate(l, ok);
  CHECK(ok.ok());
  l.zones[1].y = 1500;  // 100 px over the legal zone
  l.zones[1].height = 420;
  validator bad;
  validate(l, bad);
  CHECK_FALSE(bad.ok());
  l.zones[1] = zone{"toan-man-hinh", 0, 0, 1080, 1920, false, false};  // the red team's whole-screen zone
  validator bad2;
  validate(l, bad2);
  CHECK_FALSE(bad2.ok());
  l.zones[1] = zone{"hai-vung-phap-luat", 0, 1600, 1080, 320, true, false};  // two legal zones may touch
  validator fine;
  validate(l, fine);
  CHECK(fine.ok());
}
