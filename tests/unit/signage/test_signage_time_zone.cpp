#include <pbgdpl/signage/time_zone.hpp>

#include <doctest/doctest.h>

#include "signage_fixtures.hpp"

#include <atomic>
#include <cstdio>
#include <fstream>
#include <future>
#include <random>
#include <sstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace pbgdpl;
using namespace signage_fx;
using namespace std::chrono_literals;

namespace {

const std::filesystem::path system_zoneinfo = "/usr/share/zoneinfo";

std::string file_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A fresh directory under the build tree, removed with the object.
struct temp_dir {
  std::filesystem::path path;
  temp_dir() {
    static std::atomic<int> n{0};
    path = std::filesystem::path(PBGDPL_BINARY_DIR) / "tmp" / "signage-tests" /
           (std::to_string(::getpid()) + "-" + std::to_string(n++));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
};

// What the system's `date` says the offset is at each instant in `zone`, in seconds: one run of
// `TZ=<zone> date -f <file> +%z` over a file of "@<unix time>" lines.
std::vector<long> system_offsets(const std::string& zone, const std::vector<std::int64_t>& instants) {
  temp_dir dir;
  auto list = dir.path / "instants.txt";
  {
    std::ofstream out(list);
    for (auto t : instants) out << "@" << t << "\n";
  }
  std::string cmd = "TZ='" + zone + "' date -f '" + list.string() + "' +%z";
  std::vector<long> out;
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p);
  char line[64];
  while (std::fgets(line, sizeof line, p)) {
    std::string s(line);
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    REQUIRE(s.size() == 5);
    long sign = s[0] == '-' ? -1 : 1;
    out.push_back(sign * (std::stol(s.substr(1, 2)) * 3600 + std::stol(s.substr(3, 2)) * 60));
  }
  CHECK(::pclose(p) == 0);
  return out;
}

std::string header_with_counts(char version, std::uint32_t isut, std::uint32_t isstd, std::uint32_t leap, std::uint32_t time,
                               std::uint32_t type, std::uint32_t chars) {
  std::string h = "TZif";
  h += version;
  h += std::string(15, '\0');
  for (auto v : {isut, isstd, leap, time, type, chars})
    for (int shift = 24; shift >= 0; shift -= 8) h += static_cast<char>((v >> shift) & 0xff);
  return h;
}

// A minimal valid version-2 file: no transitions, one type of `offset`, footer `rule`.
std::string minimal_tzif(std::int32_t offset, std::string rule) {
  std::string v1 = header_with_counts('2', 0, 0, 0, 0, 1, 4);
  std::string type;
  for (int shift = 24; shift >= 0; shift -= 8) type += static_cast<char>((static_cast<std::uint32_t>(offset) >> shift) & 0xff);
  type += '\0';
  type += '\0';
  std::string block = type + std::string("XYZ\0", 4);
  return v1 + block + header_with_counts('2', 0, 0, 0, 0, 1, 4) + block + "\n" + rule + "\n";
}

}  // namespace

TEST_CASE("TZif zones agree with the system's date command at many instants") {
  std::mt19937_64 rng(16);
  for (std::string zone : {"Europe/Paris", "America/New_York", "Australia/Lord_Howe", "America/Sao_Paulo", "Pacific/Chatham",
                           "Asia/Kolkata", "Europe/Dublin", "America/Santiago"}) {
    CAPTURE(zone);
    auto z = signage::time_zone::locate(zone, system_zoneinfo);
    REQUIRE_MESSAGE(z, (z ? "" : z.err().describe()));
    CHECK(z->name() == zone);
    std::vector<std::int64_t> instants;
    // Spread over 1970-2100 (past the table's end in 2037: the footer's rule answers there), and
    // dense around a few years' changes of clocks.
    for (int i = 0; i < 400; ++i) instants.push_back(static_cast<std::int64_t>(rng() % 4102444800ull));
    for (std::int64_t t = 1704067200; t < 1735689600; t += 3 * 3600 + 17) instants.push_back(t);  // 2024, every ~3 h
    for (std::int64_t t = 2240524800; t < 2272060800; t += 7 * 3600 + 1) instants.push_back(t);  // 2041
    auto expected = system_offsets(zone, instants);
    REQUIRE(expected.size() == instants.size());
    int wrong = 0;
    for (std::size_t i = 0; i < instants.size(); ++i) {
      auto got = z->offset_at(timestamp{std::chrono::seconds{instants[i]}}).count();
      if (got != expected[i] && ++wrong <= 5) {
        CAPTURE(instants[i]);
        CHECK(got == expected[i]);
      }
    }
    CHECK(wrong == 0);
  }
}

TEST_CASE("Asia/Ho_Chi_Minh is built in, agrees with the system since 1976, and needs no tzdata") {
  temp_dir empty;
  auto z = signage::time_zone::locate("Asia/Ho_Chi_Minh", empty.path);
  REQUIRE(z);
  CHECK(*z == signage::time_zone::vietnam());
  std::vector<std::int64_t> instants;
  for (std::int64_t t = 200000000; t < 4200000000; t += 9876543) instants.push_back(t);
  auto expected = system_offsets("Asia/Ho_Chi_Minh", instants);
  REQUIRE(expected.size() == instants.size());
  for (std::size_t i = 0; i < instants.size(); ++i) CHECK(z->offset_at(timestamp{std::chrono::seconds{instants[i]}}).count() == expected[i]);
}

TEST_CASE("fixed zones: UTC and UTC+HH:MM need no file") {
  temp_dir empty;
  auto utc = signage::time_zone::locate("UTC", empty.path);
  REQUIRE(utc);
  CHECK(utc->offset_at(at(d(2024, 7, 1), 12, 0)) == 0s);
  auto plus7 = signage::time_zone::locate("UTC+07:00", empty.path);
  REQUIRE(plus7);
  CHECK(plus7->offset_at(at(d(2024, 7, 1), 12, 0)) == 7h);
  auto minus = signage::time_zone::locate("UTC-03:30", empty.path);
  REQUIRE(minus);
  CHECK(minus->offset_at(at(d(2024, 7, 1), 12, 0)) == -(3h + 30min));
  CHECK(minus->name() == "UTC-03:30");
  auto t = at(d(2024, 7, 1), 12, 0);
  CHECK(minus->to_utc(minus->to_local(t)) == t);
  CHECK_FALSE(signage::time_zone::locate("UTC+15:00", empty.path));
  CHECK_FALSE(signage::time_zone::locate("UTC+7", empty.path));
}

TEST_CASE("to_utc: a time in the skipped hour is the jump, a repeated time is its first instant") {
  auto paris = signage::time_zone::locate("Europe/Paris", system_zoneinfo);
  REQUIRE(paris);
  using std::chrono::local_days;
  auto local = [](int y, unsigned m, unsigned dd, int h, int mi) {
    return std::chrono::local_seconds{local_days{std::chrono::year{y} / m / dd}} + std::chrono::hours{h} + std::chrono::minutes{mi};
  };
  // 2024-03-31 02:30 does not exist: the clocks jumped from 02:00 to 03:00 at 01:00 UTC.
  CHECK(paris->instants_of(local(2024, 3, 31, 2, 30)).empty());
  CHECK(paris->to_utc(local(2024, 3, 31, 2, 30)) == at(d(2024, 3, 31), 1, 0, 0s));
  // 2024-10-27 02:30 happens twice: 00:30 and 01:30 UTC.
  auto twice = paris->instants_of(local(2024, 10, 27, 2, 30));
  REQUIRE(twice.size() == 2);
  CHECK(twice[0] == at(d(2024, 10, 27), 0, 30, 0s));
  CHECK(twice[1] == at(d(2024, 10, 27), 1, 30, 0s));
  CHECK(paris->to_utc(local(2024, 10, 27, 2, 30)) == twice[0]);
  CHECK(paris->to_utc(local(2024, 7, 14, 12, 0)) == at(d(2024, 7, 14), 10, 0, 0s));
  auto changes = paris->transitions_between(at(d(2024, 1, 1), 0, 0, 0s), at(d(2025, 1, 1), 0, 0, 0s));
  REQUIRE(changes.size() == 2);
  CHECK(changes[0] == at(d(2024, 3, 31), 1, 0, 0s));
  CHECK(changes[1] == at(d(2024, 10, 27), 1, 0, 0s));
  // Past the table (2037): the footer's rule, "CET-1CEST,M3.5.0,M10.5.0/3". 2050-03-27 is the last Sunday.
  changes = paris->transitions_between(at(d(2050, 1, 1), 0, 0, 0s), at(d(2051, 1, 1), 0, 0, 0s));
  REQUIRE(changes.size() == 2);
  CHECK(changes[0] == at(d(2050, 3, 27), 1, 0, 0s));
  CHECK(changes[1] == at(d(2050, 10, 30), 1, 0, 0s));
}

TEST_CASE("POSIX TZ rules of the TZif footer") {
  signage::time_zone::rule r;
  REQUIRE(signage::time_zone::parse_rule("<+07>-7", r));
  CHECK(r.std_offset == 7 * 3600);
  CHECK_FALSE(r.dst);
  REQUIRE(signage::time_zone::parse_rule("UTC0", r));
  CHECK(r.std_offset == 0);
  REQUIRE(signage::time_zone::parse_rule("<+0530>-5:30", r));
  CHECK(r.std_offset == 5 * 3600 + 1800);
  REQUIRE(signage::time_zone::parse_rule("EST5EDT,M3.2.0,M11.1.0", r));
  CHECK(r.std_offset == -5 * 3600);
  CHECK(r.dst_offset == -4 * 3600);
  CHECK(r.start.month == 3);
  CHECK(r.start.week == 2);
  CHECK(r.end.time == 7200);
  REQUIRE(signage::time_zone::parse_rule("<+1030>-10:30<+11>-11,M10.1.0,M4.1.0", r));
  CHECK(r.dst_offset == 11 * 3600);
  REQUIRE(signage::time_zone::parse_rule("IST-1GMT0,M10.5.0,M3.5.0/1", r));  // negative DST (Dublin)
  CHECK(r.dst_offset == 0);
  REQUIRE(signage::time_zone::parse_rule("<-03>3<-02>,M3.5.0/-2,M10.5.0/-1", r));  // negative times
  CHECK(r.start.time == -7200);
  for (auto bad : {"", "X0", "CET-1CEST", "CET-1CEST,M13.1.0,M10.5.0", "CET-1CEST,M3.5.0", "CET-1CEST,M3.6.0,M10.5.0",
                   "<+07", "CET-1CEST,M3.5.0,M10.5.0/3x", "EST99"})
    CHECK_FALSE(signage::time_zone::parse_rule(bad, r));
  // A zone from a footer alone.
  auto z = signage::time_zone::from_tzif("Test/Fixed", minimal_tzif(7 * 3600, "<+07>-7"));
  REQUIRE_MESSAGE(z, (z ? "" : z.err().describe()));
  CHECK(z->offset_at(at(d(2024, 1, 1), 0, 0)) == 7h);
  CHECK(z->is_fixed());
  auto ny = signage::time_zone::from_tzif("Test/NY", minimal_tzif(-5 * 3600, "EST5EDT,M3.2.0,M11.1.0"));
  REQUIRE(ny);
  CHECK(ny->offset_at(at(d(2030, 7, 1), 12, 0, 0s)) == -4h);
  CHECK(ny->offset_at(at(d(2030, 1, 1), 12, 0, 0s)) == -5h);
  // 2030-03-10 02:00 EST = 07:00 UTC.
  CHECK(ny->offset_at(at(d(2030, 3, 10), 6, 59, 0s, 59)) == -5h);
  CHECK(ny->offset_at(at(d(2030, 3, 10), 7, 0, 0s)) == -4h);
}

TEST_CASE("zone names that could leave the zoneinfo directory are refused before any open") {
  temp_dir dir;
  auto zi = dir.path / "zoneinfo";
  std::filesystem::create_directories(zi / "Real");
  auto paris = file_bytes(system_zoneinfo / "Europe/Paris");
  REQUIRE(paris.size() > 100);
  // A valid zone file beside the directory, and one inside: only the inside one is reachable.
  std::ofstream(dir.path / "Outside", std::ios::binary) << paris;
  std::ofstream(zi / "Real" / "Zone", std::ios::binary) << paris;
  CHECK(signage::time_zone::locate("Real/Zone", zi));
  for (auto name : {"../Outside", "Real/../../Outside", "/etc/localtime", "Real/./Zone", "Real//Zone", "Real/Zone/", "",
                    "Real Zone", "Real;Zone", "Real\\Zone", "Réal/Zone", "Real/Zone\n", "-Real"}) {
    CAPTURE(name);
    auto r = signage::time_zone::locate(name, zi);
    REQUIRE_FALSE(r);
    CHECK(r.err().code == errc::invalid_argument);
  }
  auto missing = signage::time_zone::locate("Real/Nowhere", zi);
  REQUIRE_FALSE(missing);
  CHECK(missing.err().code == errc::not_found);
  // A directory is not a zone.
  auto directory = signage::time_zone::locate("Real", zi);
  REQUIRE_FALSE(directory);
  CHECK(directory.err().code != errc::ok);
}

TEST_CASE("a FIFO named like a zone is refused at once, without blocking") {
  temp_dir dir;
  std::filesystem::create_directories(dir.path / "Fake");
  auto fifo = dir.path / "Fake" / "Pipe";
  REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
  auto f = std::async(std::launch::async, [&] { return signage::time_zone::locate("Fake/Pipe", dir.path); });
  if (f.wait_for(5s) != std::future_status::ready) {
    // Unblock the reader so the test can end, then fail.
    int w = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
    if (w >= 0) ::close(w);
    FAIL("locate blocked on a FIFO");
  }
  auto r = f.get();
  REQUIRE_FALSE(r);
  CHECK(r.err().code == errc::unsafe_path);
}

TEST_CASE("hostile TZif bytes are refused: truncated, huge counts, bad indices, too large") {
  auto paris = file_bytes(system_zoneinfo / "Europe/Paris");
  REQUIRE(signage::time_zone::from_tzif("P", paris));
  // Every truncation before the footer fails cleanly (the footer's end may be cut: a missing rule
  // leaves the table in force).
  auto footer = paris.rfind('\n', paris.size() - 2);
  REQUIRE(footer != std::string::npos);
  for (std::size_t n = 0; n < footer; n += (n < 100 ? 1 : 37)) {
    CAPTURE(n);
    auto r = signage::time_zone::from_tzif("P", std::string_view(paris).substr(0, n));
    REQUIRE_FALSE(r);
    CHECK(r.err().code == errc::corrupt);
  }
  // Counts near 2^32 in either header are checked against the size before anything is read.
  for (auto h : {header_with_counts('2', 0, 0, 0, 0xffffffffu, 1, 1), header_with_counts('2', 0, 0, 0xffffffffu, 0, 1, 1),
                 header_with_counts('2', 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu)}) {
    auto r = signage::time_zone::from_tzif("H", h + std::string(64, '\0'));
    REQUIRE_FALSE(r);
    CHECK(r.err().code == errc::corrupt);
    std::string v1_ok = header_with_counts('2', 0, 0, 0, 0, 1, 4) + std::string("\0\0\0\0\0\0XYZ\0", 10);
    r = signage::time_zone::from_tzif("H", v1_ok + h + std::string(64, '\0'));
    REQUIRE_FALSE(r);
    CHECK(r.err().code == errc::corrupt);
  }
  // Version 1 only, a wrong magic, no types, a type index past the types, times going backwards.
  auto v1 = minimal_tzif(0, "UTC0");
  v1[4] = '\0';
  CHECK(signage::time_zone::from_tzif("V1", v1).err().code == errc::unsupported_version);
  auto magic = minimal_tzif(0, "UTC0");
  magic[0] = 'X';
  CHECK(signage::time_zone::from_tzif("M", magic).err().code == errc::corrupt);
  auto no_types = header_with_counts('2', 0, 0, 0, 0, 0, 4) + "XYZ" + std::string(1, '\0');
  no_types += no_types;
  CHECK(signage::time_zone::from_tzif("T", no_types).err().code == errc::corrupt);
  {
    // Transitions: find the 64-bit section of the real file and corrupt it.
    auto be32 = [&](std::size_t at) {
      return (std::uint32_t{static_cast<unsigned char>(paris[at])} << 24) | (std::uint32_t{static_cast<unsigned char>(paris[at + 1])} << 16) |
             (std::uint32_t{static_cast<unsigned char>(paris[at + 2])} << 8) | std::uint32_t{static_cast<unsigned char>(paris[at + 3])};
    };
    std::uint64_t timecnt = be32(32), typecnt = be32(36), charcnt = be32(40), leap = be32(28), isstd = be32(24), isut = be32(20);
    std::size_t second = 44 + timecnt * 5 + typecnt * 6 + charcnt + leap * 8 + isstd + isut;
    std::uint64_t t2 = be32(second + 32);
    REQUIRE(t2 > 3);
    std::size_t times = second + 44, index = times + t2 * 8;
    auto bad_index = paris;
    bad_index[index + 2] = static_cast<char>(0xff);
    CHECK(signage::time_zone::from_tzif("I", bad_index).err().code == errc::corrupt);
    auto backwards = paris;
    std::swap_ranges(backwards.begin() + static_cast<std::ptrdiff_t>(times + 8), backwards.begin() + static_cast<std::ptrdiff_t>(times + 16),
                     backwards.begin() + static_cast<std::ptrdiff_t>(times + 16));
    CHECK(signage::time_zone::from_tzif("B", backwards).err().code == errc::corrupt);
  }
  // A file over 1 MiB is refused by locate() without being parsed.
  temp_dir dir;
  std::filesystem::create_directories(dir.path / "Big");
  {
    std::ofstream big(dir.path / "Big" / "Zone", std::ios::binary);
    big << paris << std::string(signage::max_tzif_bytes, '\0');
  }
  auto r = signage::time_zone::locate("Big/Zone", dir.path);
  REQUIRE_FALSE(r);
  CHECK(r.err().code == errc::too_large);
}
