// Bodies of core/ids.hpp: compiled once into the core tier (src/core/core.cpp), or included by
// the header in header-only builds. Keeps <random> out of every TU that names an id.
#pragma once
#include "../ids.hpp"

#include <random>

PBGDPL_NAMESPACE_BEGIN

// One generator per thread, seeded once from the system (the same in both modes: one function).
PBGDPL_DECL std::string random_id_string() {
  static thread_local std::mt19937_64 rng{std::random_device{}() ^
                                          (static_cast<std::uint64_t>(std::random_device{}()) << 32)};
  static constexpr char hex[] = "0123456789abcdef";
  std::string s(32, '0');
  for (int half = 0; half < 2; ++half) {
    auto v = rng();
    for (int i = 0; i < 16; ++i) s[static_cast<std::size_t>(half * 16 + i)] = hex[(v >> (i * 4)) & 0xF];
  }
  return s;
}

PBGDPL_NAMESPACE_END
