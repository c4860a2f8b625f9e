// Strong identifiers: an article_id cannot be passed where a unit_id is expected. Ids are short
// ASCII strings (slugs such as "th-van-bao", or random hex) so they read well in URLs and logs.
#pragma once
#include "result.hpp"

#include <compare>
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <string_view>

PBGDPL_NAMESPACE_BEGIN

// 1 to 64 characters of [A-Za-z0-9._-], not starting with '.' or '-' (safe in paths and URLs).
inline bool is_valid_id(std::string_view s) noexcept {
  if (s.empty() || s.size() > 64 || s[0] == '.' || s[0] == '-') return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
              c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

template <class Tag>
struct id {
  std::string value;

  id() = default;
  explicit id(std::string v) : value(std::move(v)) {}
  bool empty() const noexcept { return value.empty(); }
  bool valid() const noexcept { return is_valid_id(value); }
  const std::string& str() const noexcept { return value; }
  friend auto operator<=>(const id&, const id&) = default;
  friend bool operator==(const id&, const id&) = default;
};

// 128 random bits as 32 hex characters; not a secret (tokens come from trust/, via libsodium).
inline std::string random_id_string() {
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

template <class Id>
Id new_id() {
  return Id{random_id_string()};
}

PBGDPL_NAMESPACE_END

template <class Tag>
struct std::hash<pbgdpl::v1::id<Tag>> {
  std::size_t operator()(const pbgdpl::v1::id<Tag>& i) const noexcept { return std::hash<std::string>{}(i.value); }
};
