// robots.txt (RFC 9309) as the compliance crawler honours it: groups of user-agent lines, Allow
// and Disallow rules with `*` and a final `$`, the longest matching rule wins and Allow wins a
// tie. Matching a path is linear in the path for each rule (no backtracking), and the file's
// size, rule count and rule length are bounded, so a hostile robots.txt costs little.
#pragma once
#include "../core/result.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace network {

struct robots_rule {
  bool allow = false;
  std::string pattern;  // as written (percent-encoding kept), starts with '/' or '*'
  friend bool operator==(const robots_rule&, const robots_rule&) = default;
};

struct robots_group {
  std::vector<std::string> agents;  // lower case product tokens; "*" for everyone
  std::vector<robots_rule> rules;
  friend bool operator==(const robots_group&, const robots_group&) = default;
};

struct robots {
  std::vector<robots_group> groups;
  std::vector<std::string> sitemaps;  // Sitemap: lines, as written

  // The rules for `agent` (our product token, e.g. "pbgdpl"): every group naming it (compared
  // without case), else every "*" group, else none (everything allowed).
  std::vector<const robots_rule*> rules_for(std::string_view agent) const;
  // May `agent` fetch `path_and_query` ("/a/b?c")? "/robots.txt" itself is always allowed.
  bool allowed(std::string_view agent, std::string_view path_and_query) const;
};

// At most this much of a robots.txt is read (RFC 9309 asks crawlers to read at least 500 KiB).
inline constexpr std::size_t robots_max_bytes = 512u * 1024u;
inline constexpr std::size_t robots_max_rules = 4096;
inline constexpr std::size_t robots_max_pattern = 1024;

// Parses robots.txt leniently: unknown lines, comments and a byte-order mark are skipped; bytes
// past the limits are ignored. Never fails.
PBGDPL_DECL robots parse_robots(std::string_view text);

// Does the pattern match the start of `path` (`*`: any run of characters; a final `$`: the end)?
PBGDPL_DECL bool robots_match(std::string_view pattern, std::string_view path) noexcept;

}  // namespace network
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/robots.ipp"
#endif
