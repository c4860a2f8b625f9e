// Strong identifiers: an article_id cannot be passed where a unit_id is expected. Ids are short
// ASCII strings (slugs such as "th-van-bao", or random hex) so they read well in URLs and logs.
// Thread safety: ids are values (a std::string); share const ones freely.
#pragma once
#include "result.hpp"

#include <compare>
#include <cstdint>
#include <functional>
#include <iosfwd>
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

// Printing an id prints its text: `std::cout << a.unit` shows "th-van-yen". (GCC 12's library,
// the oldest this project builds with, has no <format>: to_string() is the formatting-free form.)
template <class Tag>
const std::string& to_string(const id<Tag>& i) noexcept {
  return i.value;
}
template <class Traits, class Tag>
std::basic_ostream<char, Traits>& operator<<(std::basic_ostream<char, Traits>& os, const id<Tag>& i) {
  return os << i.value;
}

// 128 random bits as 32 hex characters; not a secret (tokens come from trust/, via libsodium).
PBGDPL_DECL std::string random_id_string();

template <class Id>
Id new_id() {
  return Id{random_id_string()};
}

PBGDPL_NAMESPACE_END

template <class Tag>
struct std::hash<pbgdpl::v1::id<Tag>> {
  std::size_t operator()(const pbgdpl::v1::id<Tag>& i) const noexcept { return std::hash<std::string>{}(i.value); }
};

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/ids.ipp"
#endif
