// Fuzzes robots.txt and the XML lists (sitemaps, sitemap indexes, feeds read as lists of dated
// URLs), and the dates found in them and in page text. The first byte picks what the rest is.
// Properties: the documented bounds hold (rules, pattern length, entries); matching a pattern
// costs at most linear-times-pattern work (the fuzzer's -timeout catches the rest); a rule's own
// literal pattern (no '*' or '$') matches itself.
#include <pbgdpl/network/robots.hpp>
#include <pbgdpl/network/sitemap.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace pbgdpl;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 3) {
    case 0: {
      auto r = network::parse_robots(in);
      std::size_t rules = 0;
      for (const auto& g : r.groups) {
        for (const auto& rule : g.rules) {
          ++rules;
          if (rule.pattern.size() > network::robots_max_pattern) std::abort();
          if (rule.pattern.find_first_of("*$") == std::string::npos && !rule.pattern.empty() &&
              !network::robots_match(rule.pattern, rule.pattern))
            std::abort();
          (void)network::robots_match(rule.pattern, in.substr(0, 256));
        }
      }
      if (rules > network::robots_max_rules) std::abort();
      (void)r.allowed("pbgdpl", "/tin-tuc/bai-1?x=1");
      break;
    }
    case 1: {
      auto l = network::parse_xml_list(in);
      if (l && l->entries.size() > network::xml_list_max_entries) std::abort();
      break;
    }
    default: {
      if (in.size() > 4096) return 0;
      (void)network::parse_any_date(in);
      (void)network::find_text_date(in);
    }
  }
  return 0;
}
