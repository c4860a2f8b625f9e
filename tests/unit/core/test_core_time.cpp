#include <pbgdpl/core/time.hpp>

#include <doctest/doctest.h>

#include <cstdint>
#include <thread>

using namespace pbgdpl;
using namespace std::chrono;

TEST_SUITE("core/time") {
  TEST_CASE("Decree 30 date lines: leading zeros for days below 10 and for January and February") {
    CHECK(format_vietnamese_date(2023y / March / 22d) == "ngày 22 tháng 3 năm 2023");
    CHECK(format_vietnamese_date(2023y / March / 5d) == "ngày 05 tháng 3 năm 2023");
    CHECK(format_vietnamese_date(2024y / February / 22d) == "ngày 22 tháng 02 năm 2024");
    CHECK(format_vietnamese_date(2024y / January / 9d) == "ngày 09 tháng 01 năm 2024");
    CHECK(format_vietnamese_date(2023y / December / 15d) == "ngày 15 tháng 12 năm 2023");
    CHECK(format_place_date("Hà Đông", 2023y / March / 5d) == "Hà Đông, ngày 05 tháng 3 năm 2023");
  }

  TEST_CASE("dates parse strictly") {
    CHECK(*parse_date("2023-03-22") == 2023y / March / 22d);
    for (auto bad : {"2023-02-30", "2023-13-01", "2023-3-22", "22/03/2023", "", "2023-03-22x", "abcd-ef-gh"}) {
      auto r = parse_date(bad);
      CHECK_MESSAGE(!r, bad);
      if (!r) CHECK(r.err().code == errc::bad_date);
    }
    CHECK(parse_date("2024-02-29"));
    CHECK_FALSE(parse_date("2023-02-29"));
  }

  TEST_CASE("timestamps are written in Hà Nội time and read with any offset") {
    auto t = parse_timestamp("2023-03-22T01:30:00Z");
    REQUIRE(t);
    CHECK(format_timestamp(*t) == "2023-03-22T08:30:00+07:00");
    CHECK(format_timestamp_utc(*t) == "2023-03-22T01:30:00Z");
    CHECK(*parse_timestamp("2023-03-22T08:30:00+07:00") == *t);
    CHECK(*parse_timestamp("2023-03-21T20:30:00-05:00") == *t);
    CHECK(*parse_timestamp("2023-03-22T08:30:00.250+07:00") == *t);
    for (auto bad : {"2023-03-22", "2023-03-22T25:00:00Z", "2023-03-22T08:30:00", "2023-03-22T08:30:00+7",
                     "2023-03-22T08:30:00+07:00junk"})
      CHECK_MESSAGE(!parse_timestamp(bad), bad);
  }

  TEST_CASE("the local date turns at midnight Hà Nội time, not UTC") {
    auto t = *parse_timestamp("2023-03-21T17:30:00Z");  // 00:30 on the 22nd in Hà Nội
    CHECK(local_date(t) == 2023y / March / 22d);
    CHECK(format_timestamp(local_midnight(2023y / March / 22d)) == "2023-03-22T00:00:00+07:00");
  }

  TEST_CASE("school years run September to August") {
    CHECK(school_year::of(2023y / September / 1d).start_year == 2023);
    CHECK(school_year::of(2024y / August / 31d).start_year == 2023);
    CHECK(school_year::of(2024y / May / 20d).name() == "2023-2024");
    CHECK(school_year{2023}.contains(2023y / December / 15d));
    CHECK_FALSE(school_year{2023}.contains(2023y / August / 31d));
    CHECK(school_year::parse("2023-2024")->start_year == 2023);
    CHECK_FALSE(school_year::parse("2023-2025"));
    CHECK_FALSE(school_year::parse("2023/2024"));
  }

  TEST_CASE("thread_cpu_time counts this thread's work, not time spent waiting") {
    // What the search limit and the Markdown budget count: a thread put to sleep (as a starved
    // one is descheduled) uses no CPU time; a busy one uses about its wall time.
    auto cpu0 = thread_cpu_time();
    std::this_thread::sleep_for(milliseconds(300));
    auto slept = thread_cpu_time() - cpu0;
    CHECK(slept < milliseconds(50));
    cpu0 = thread_cpu_time();
    auto wall0 = steady_clock::now();
    volatile std::uint64_t x = 0;
    while (steady_clock::now() - wall0 < milliseconds(100)) x = x + 1;
    auto busy = thread_cpu_time() - cpu0;
    CHECK(busy > nanoseconds(0));  // some of the 100 ms, however loaded the machine is
    CHECK(busy <= steady_clock::now() - wall0 + milliseconds(10));
    // Another thread's work is not this one's.
    cpu0 = thread_cpu_time();
    std::thread other([] {
      auto t = steady_clock::now();
      volatile std::uint64_t y = 0;
      while (steady_clock::now() - t < milliseconds(100)) y = y + 1;
    });
    other.join();
    CHECK(thread_cpu_time() - cpu0 < milliseconds(50));
  }
}
