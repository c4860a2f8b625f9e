// Shared helpers for the model tests: dates, instants and the round-trip check.
#pragma once
#include <pbgdpl/model.hpp>

#include <doctest/doctest.h>

namespace fx {
using namespace pbgdpl;

inline date d(int y, unsigned m, unsigned dd) {
  return date{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{dd}};
}
// Local Hà Nội time.
inline timestamp at(int y, unsigned m, unsigned dd, int h = 8, int min = 0) {
  return local_midnight(d(y, m, dd)) + std::chrono::hours{h} + std::chrono::minutes{min};
}

// A valid value: to_json, from_json gives it back (==), and the JSON text is stable.
template <class T>
void round_trips(const T& x) {
  auto ok = check(x);
  REQUIRE_MESSAGE(ok, (ok ? std::string() : ok.err().describe()));
  json j = to_json_value(x);
  auto back = from_json_value<T>(j);
  REQUIRE_MESSAGE(back, (back ? std::string() : back.err().describe()));
  CHECK(*back == x);
  auto text = j.dump();
  auto again = from_json_text<T>(text);
  REQUIRE(again);
  CHECK(*again == x);
  CHECK(to_json_value(*again).dump() == text);
}

// The paths of all problems check(x) reports, in order.
template <class T>
std::vector<std::string> problem_paths(const T& x) {
  std::vector<std::string> out;
  auto r = check(x);
  if (r) return out;
  if (r.err().details.empty()) out.push_back(r.err().path);
  for (const auto& e : r.err().details) out.push_back(e.path);
  return out;
}
}  // namespace fx
