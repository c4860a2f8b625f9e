// Bodies of network/robots.hpp: compiled once into the network tier (src/network/robots.cpp), or
// included by the header in header-only builds.
#pragma once
#include "../robots.hpp"

#include <algorithm>
#include <cctype>

PBGDPL_NAMESPACE_BEGIN
namespace network {

namespace robots_detail {

inline std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

inline std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace robots_detail

// The pattern's pieces between '*' are found leftmost-first, each after the previous one: for
// patterns whose only operator is '*', the leftmost placement of each piece is never worse than
// any other (a later piece has more room), so no backtracking is needed. With a final '$' the
// last piece must end the path: it is placed at the end, after the others.
PBGDPL_DECL bool robots_match(std::string_view pattern, std::string_view path) noexcept {
  bool anchored = !pattern.empty() && pattern.back() == '$';
  if (anchored) pattern.remove_suffix(1);
  std::vector<std::string_view> pieces;
  std::size_t start = 0;
  while (true) {
    auto star = pattern.find('*', start);
    pieces.push_back(pattern.substr(start, star == std::string_view::npos ? std::string_view::npos : star - start));
    if (star == std::string_view::npos) break;
    start = star + 1;
  }
  // pieces.size() == 1: no '*'.
  if (pieces.size() == 1) return anchored ? path == pieces[0] : path.substr(0, pieces[0].size()) == pieces[0];
  if (path.substr(0, pieces[0].size()) != pieces[0]) return false;
  std::size_t at = pieces[0].size();
  std::size_t last = pieces.size() - 1;
  for (std::size_t i = 1; i < last; ++i) {
    if (pieces[i].empty()) continue;
    auto f = path.find(pieces[i], at);
    if (f == std::string_view::npos) return false;
    at = f + pieces[i].size();
  }
  // The last piece: after a '*', so anywhere at or after `at`; anchored, it must end the path.
  if (anchored) return path.size() >= at + pieces[last].size() && path.substr(path.size() - pieces[last].size()) == pieces[last];
  return pieces[last].empty() || path.find(pieces[last], at) != std::string_view::npos;
}

PBGDPL_DECL robots parse_robots(std::string_view text) {
  robots r;
  if (text.size() > robots_max_bytes) {
    // A line cut in two would be a different (shorter, so broader) rule: drop it.
    text = text.substr(0, robots_max_bytes);
    auto nl = text.find_last_of("\n\r");
    text = text.substr(0, nl == std::string_view::npos ? 0 : nl);
  }
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::size_t rules = 0;
  bool last_was_agent = false;
  while (!text.empty()) {
    auto nl = text.find_first_of("\n\r");
    auto line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    auto hash = line.find('#');
    if (hash != std::string_view::npos) line = line.substr(0, hash);
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    auto key = robots_detail::lower(robots_detail::trim(line.substr(0, colon)));
    auto value = robots_detail::trim(line.substr(colon + 1));
    if (key == "user-agent") {
      if (!last_was_agent || r.groups.empty()) r.groups.emplace_back();
      r.groups.back().agents.push_back(robots_detail::lower(value));
      last_was_agent = true;
    } else if (key == "allow" || key == "disallow") {
      last_was_agent = false;
      if (r.groups.empty() || rules >= robots_max_rules) continue;
      // "Disallow:" with nothing allows everything: no rule.
      if (value.empty() || value.size() > robots_max_pattern) continue;
      if (value.front() != '/' && value.front() != '*') continue;
      r.groups.back().rules.push_back({key == "allow", std::string(value)});
      ++rules;
    } else if (key == "sitemap") {
      if (!value.empty() && r.sitemaps.size() < 64) r.sitemaps.emplace_back(value);
    } else {
      last_was_agent = false;  // crawl-delay and the like end a run of user-agent lines
    }
  }
  return r;
}

PBGDPL_DECL std::vector<const robots_rule*> robots::rules_for(std::string_view agent) const {
  auto a = robots_detail::lower(agent);
  std::vector<const robots_rule*> mine, star;
  for (const auto& g : groups) {
    bool named = std::find(g.agents.begin(), g.agents.end(), a) != g.agents.end();
    bool any = std::find(g.agents.begin(), g.agents.end(), "*") != g.agents.end();
    for (const auto& rule : g.rules) {
      if (named) mine.push_back(&rule);
      else if (any) star.push_back(&rule);
    }
  }
  bool named_anywhere = std::any_of(groups.begin(), groups.end(), [&](const robots_group& g) {
    return std::find(g.agents.begin(), g.agents.end(), a) != g.agents.end();
  });
  return named_anywhere ? mine : star;
}

PBGDPL_DECL bool robots::allowed(std::string_view agent, std::string_view path_and_query) const {
  if (path_and_query == "/robots.txt") return true;
  if (path_and_query.empty()) path_and_query = "/";
  const robots_rule* best = nullptr;
  for (const robots_rule* rule : rules_for(agent)) {
    if (!robots_match(rule->pattern, path_and_query)) continue;
    if (!best || rule->pattern.size() > best->pattern.size() ||
        (rule->pattern.size() == best->pattern.size() && rule->allow && !best->allow))
      best = rule;
  }
  return !best || best->allow;
}

}  // namespace network
PBGDPL_NAMESPACE_END
