// Bodies of network/sitemap.hpp: compiled once into the network tier (src/network/sitemap.cpp),
// or included by the header in header-only builds.
#pragma once
#include "../sitemap.hpp"

#include <expat.h>

#include <array>
#include <cctype>
#include <cstring>
#include <memory>

PBGDPL_NAMESPACE_BEGIN
namespace network {

namespace sitemap_detail {

inline std::string_view local_name(const char* name) noexcept {
  // expat without namespace processing gives "prefix:name"; keep the name.
  std::string_view n(name);
  auto colon = n.rfind(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

inline std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

struct reader {
  XML_Parser parser = nullptr;
  xml_list out;
  std::vector<std::string> stack;  // local names of the open elements
  std::string text;                // of the innermost element being read
  dated_entry current;
  bool in_entry = false;
  bool refused = false;
  std::string why;

  static constexpr std::size_t max_depth = 64;
  static constexpr std::size_t max_text = 16 * 1024;

  void stop(std::string reason) {
    if (!refused) why = std::move(reason);
    refused = true;
    XML_StopParser(parser, XML_FALSE);
  }

  static void XMLCALL on_start(void* self, const char* name, const char** attrs) {
    auto& r = *static_cast<reader*>(self);
    if (r.refused) return;
    auto n = local_name(name);
    if (r.stack.size() >= max_depth) return r.stop("depth");
    if (r.stack.empty()) {
      if (n == "urlset") r.out.kind = xml_list_kind::urlset;
      else if (n == "sitemapindex") r.out.kind = xml_list_kind::sitemap_index;
      else if (n == "rss" || n == "RDF") r.out.kind = xml_list_kind::rss;
      else if (n == "feed") r.out.kind = xml_list_kind::atom;
    }
    r.stack.emplace_back(n);
    r.text.clear();
    if (n == "url" || n == "sitemap" || n == "item" || n == "entry") {
      r.in_entry = true;
      r.current = {};
    } else if (r.in_entry && n == "link" && r.out.kind == xml_list_kind::atom) {
      std::string href, rel;
      for (int i = 0; attrs[i]; i += 2) {
        if (std::strcmp(attrs[i], "href") == 0) href = attrs[i + 1];
        if (std::strcmp(attrs[i], "rel") == 0) rel = attrs[i + 1];
      }
      if ((rel.empty() || rel == "alternate") && r.current.link.empty()) r.current.link = trim(href);
    }
  }

  static void XMLCALL on_end(void* self, const char*) {
    auto& r = *static_cast<reader*>(self);
    if (r.refused || r.stack.empty()) return;
    std::string n = std::move(r.stack.back());
    r.stack.pop_back();
    if (n == "url" || n == "sitemap" || n == "item" || n == "entry") {
      if (r.in_entry) {
        if (!r.current.date.empty()) r.current.when = parse_any_date(r.current.date);
        if (r.out.entries.size() >= xml_list_max_entries) return r.stop("entries");
        r.out.entries.push_back(std::move(r.current));
      }
      r.in_entry = false;
      r.current = {};
    } else if (r.in_entry) {
      auto v = trim(r.text);
      if (n == "loc" || (n == "link" && r.out.kind != xml_list_kind::atom)) {
        if (r.current.link.empty()) r.current.link = v;
      } else if (n == "title") {
        if (r.current.title.empty()) r.current.title = v;
      } else if (n == "guid" || n == "id") {
        if (r.current.id.empty()) r.current.id = v;
      } else if (n == "lastmod" || n == "pubDate" || n == "published" || n == "date") {
        if (r.current.date.empty()) r.current.date = v;
      } else if (n == "updated") {
        // Atom: published says when the post appeared; updated when it was last touched.
        if (r.current.date.empty()) r.current.date = v;
      }
    }
    r.text.clear();
  }

  static void XMLCALL on_text(void* self, const char* s, int len) {
    auto& r = *static_cast<reader*>(self);
    if (r.refused || !r.in_entry) return;
    if (r.text.size() + static_cast<std::size_t>(len) > max_text) return;  // keep the start
    r.text.append(s, static_cast<std::size_t>(len));
  }

  static void XMLCALL on_doctype(void* self, const char*, const char*, const char*, int) {
    static_cast<reader*>(self)->stop("doctype");
  }
  static void XMLCALL on_entity(void* self, const char*, int, const char*, int, const char*, const char*, const char*,
                                const char*) {
    static_cast<reader*>(self)->stop("entity");
  }
};

inline int month_of(std::string_view m) noexcept {
  static constexpr std::array<std::string_view, 12> names{"jan", "feb", "mar", "apr", "may", "jun",
                                                          "jul", "aug", "sep", "oct", "nov", "dec"};
  if (m.size() < 3) return 0;
  std::string l;
  for (char c : m.substr(0, 3)) l += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == l) return static_cast<int>(i) + 1;
  return 0;
}

inline std::optional<timestamp> make(int y, int m, int d, int hh = 0, int mm = 0, int ss = 0,
                                     std::optional<int> offset_minutes = std::nullopt) {
  using namespace std::chrono;
  if (y < 1990 || y > 2200 || hh > 23 || mm > 59 || ss > 60) return std::nullopt;
  year_month_day ymd{year{y}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  auto t = timestamp{sys_days{ymd}} + hours{hh} + minutes{mm} + seconds{ss};
  // No zone written: Hà Nội time.
  return t - (offset_minutes ? minutes{*offset_minutes} : duration_cast<minutes>(vietnam_utc_offset));
}

// Reads digits at s[i..], at most `max`; false when none.
inline bool digits(std::string_view s, std::size_t& i, int& out, std::size_t max = 4) {
  std::size_t b = i;
  out = 0;
  while (i < s.size() && i - b < max && std::isdigit(static_cast<unsigned char>(s[i]))) out = out * 10 + (s[i++] - '0');
  return i > b;
}

}  // namespace sitemap_detail

PBGDPL_DECL std::optional<timestamp> parse_any_date(std::string_view s) {
  using namespace sitemap_detail;
  auto t = trim(s);
  s = t;
  if (s.empty() || s.size() > 64) return std::nullopt;
  std::size_t i = 0;
  int a = 0;
  if (std::isdigit(static_cast<unsigned char>(s[0]))) {
    if (!digits(s, i, a)) return std::nullopt;
    if (i == 4 && i < s.size() && s[i] == '-') {  // W3C: YYYY-MM-DD[THH:MM[:SS[.f]]][Z|±HH:MM]
      int mo = 0, d = 0, hh = 0, mm = 0, ss = 0;
      ++i;
      if (!digits(s, i, mo, 2) || i >= s.size() || s[i] != '-') return std::nullopt;
      ++i;
      if (!digits(s, i, d, 2)) return std::nullopt;
      if (i == s.size()) return make(a, mo, d);
      if (s[i] != 'T' && s[i] != ' ') return std::nullopt;
      ++i;
      if (!digits(s, i, hh, 2) || i >= s.size() || s[i] != ':') return std::nullopt;
      ++i;
      if (!digits(s, i, mm, 2)) return std::nullopt;
      if (i < s.size() && s[i] == ':') {
        ++i;
        if (!digits(s, i, ss, 2)) return std::nullopt;
        if (i < s.size() && s[i] == '.') {
          ++i;
          int frac = 0;
          digits(s, i, frac, 9);
        }
      }
      if (i == s.size()) return make(a, mo, d, hh, mm, ss);
      if (s[i] == 'Z' && i + 1 == s.size()) return make(a, mo, d, hh, mm, ss, 0);
      if (s[i] == '+' || s[i] == '-') {
        int sign = s[i] == '-' ? -1 : 1, oh = 0, om = 0;
        ++i;
        if (!digits(s, i, oh, 2)) return std::nullopt;
        if (i < s.size() && s[i] == ':') ++i;
        digits(s, i, om, 2);
        if (i != s.size()) return std::nullopt;
        return make(a, mo, d, hh, mm, ss, sign * (oh * 60 + om));
      }
      return std::nullopt;
    }
    // Vietnamese numeric: DD/MM/YYYY, DD-MM-YYYY, DD.MM.YYYY (optionally followed by a time).
    auto td = find_text_date(s);
    if (td && s.substr(0, td->written.size()) == td->written) return td->when;
    i = 0;  // "20 Nov 2026 ...": RFC 822 without the day name
  }
  // RFC 822: [Day, ]DD Mon YYYY HH:MM[:SS] zone
  auto comma = s.find(',');
  if (comma != std::string_view::npos) i = comma + 1;
  while (i < s.size() && s[i] == ' ') ++i;
  int d = 0, y = 0, hh = 0, mm = 0, ss = 0;
  if (!digits(s, i, d, 2)) {
    // "Ngày 22 tháng 3 năm 2023" as a whole value.
    auto td = find_text_date(s);
    if (td && s.substr(0, td->written.size()) == td->written) return td->when;
    return std::nullopt;
  }
  while (i < s.size() && s[i] == ' ') ++i;
  int mo = month_of(s.substr(i));
  if (!mo) return std::nullopt;
  while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) ++i;
  while (i < s.size() && s[i] == ' ') ++i;
  if (!digits(s, i, y)) return std::nullopt;
  if (y < 100) y += 2000;
  while (i < s.size() && s[i] == ' ') ++i;
  if (digits(s, i, hh, 2) && i < s.size() && s[i] == ':') {
    ++i;
    digits(s, i, mm, 2);
    if (i < s.size() && s[i] == ':') {
      ++i;
      digits(s, i, ss, 2);
    }
  }
  while (i < s.size() && s[i] == ' ') ++i;
  auto zone = s.substr(i);
  int offset = 0;
  if (!zone.empty() && (zone[0] == '+' || zone[0] == '-') && zone.size() >= 5) {
    int v = 0;
    std::size_t k = 1;
    if (!digits(zone, k, v, 4)) return std::nullopt;
    offset = (zone[0] == '-' ? -1 : 1) * ((v / 100) * 60 + v % 100);
  }
  return make(y, mo, d, hh, mm, ss, offset);
}

PBGDPL_DECL std::optional<text_date> find_text_date(std::string_view s) {
  using sitemap_detail::digits;
  // "ngày 22 tháng 3 năm 2023": the words may carry marks or not ("ngay 22 thang 3 nam 2023").
  auto word_at = [&](std::size_t i, std::initializer_list<std::string_view> forms) -> std::size_t {
    for (auto f : forms)
      if (s.substr(i, f.size()) == f) return f.size();
    return 0;
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (std::isdigit(c) && (i == 0 || !std::isdigit(static_cast<unsigned char>(s[i - 1])))) {
      // DD/MM/YYYY and the like.
      std::size_t k = i;
      int d = 0, m = 0, y = 0;
      if (digits(s, k, d, 2) && k < s.size() && (s[k] == '/' || s[k] == '-' || s[k] == '.')) {
        char sep = s[k++];
        if (digits(s, k, m, 2) && k < s.size() && s[k] == sep) {
          ++k;
          std::size_t yb = k;
          if (digits(s, k, y, 4) && k - yb == 4 && (k == s.size() || !std::isdigit(static_cast<unsigned char>(s[k])))) {
            if (auto t = sitemap_detail::make(y, m, d)) return text_date{std::string(s.substr(i, k - i)), *t};
          }
        }
      }
    }
    if (c == 'n' || c == 'N') {
      std::size_t k = i;
      std::size_t w = word_at(k, {"ngày", "Ngày", "ngay", "Ngay", "NGÀY"});
      if (!w) continue;
      k += w;
      int d = 0, m = 0, y = 0;
      auto spaces = [&] {
        while (k < s.size() && s[k] == ' ') ++k;
      };
      spaces();
      if (!digits(s, k, d, 2)) continue;
      spaces();
      if (!(w = word_at(k, {"tháng", "Tháng", "thang", "Thang", "THÁNG"}))) continue;
      k += w;
      spaces();
      if (!digits(s, k, m, 2)) continue;
      spaces();
      if (!(w = word_at(k, {"năm", "Năm", "nam", "Nam", "NĂM"}))) continue;
      k += w;
      spaces();
      std::size_t yb = k;
      if (!digits(s, k, y, 4) || k - yb != 4) continue;
      if (auto t = sitemap_detail::make(y, m, d)) return text_date{std::string(s.substr(i, k - i)), *t};
    }
  }
  return std::nullopt;
}

PBGDPL_DECL result<xml_list> parse_xml_list(std::string_view xml) {
  sitemap_detail::reader r;
  std::unique_ptr<std::remove_pointer_t<XML_Parser>, void (*)(XML_Parser)> p(XML_ParserCreate(nullptr), XML_ParserFree);
  if (!p) return error(errc::internal);
  r.parser = p.get();
  XML_SetUserData(r.parser, &r);
  XML_SetElementHandler(r.parser, &sitemap_detail::reader::on_start, &sitemap_detail::reader::on_end);
  XML_SetCharacterDataHandler(r.parser, &sitemap_detail::reader::on_text);
  XML_SetStartDoctypeDeclHandler(r.parser, &sitemap_detail::reader::on_doctype);
  XML_SetEntityDeclHandler(r.parser, &sitemap_detail::reader::on_entity);
  XML_SetParamEntityParsing(r.parser, XML_PARAM_ENTITY_PARSING_NEVER);
  auto ok = XML_Parse(r.parser, xml.data(), static_cast<int>(std::min<std::size_t>(xml.size(), 64u << 20)), XML_TRUE);
  if (r.refused)
    return error(errc::parse_error, {}, "Tài liệu XML bị từ chối (" + r.why + ")", "XML document refused (" + r.why + ")");
  if (ok != XML_STATUS_OK)
    return error(errc::parse_error, {}, std::string("XML không đọc được: ") + XML_ErrorString(XML_GetErrorCode(r.parser)),
                 std::string("Unreadable XML: ") + XML_ErrorString(XML_GetErrorCode(r.parser)));
  return std::move(r.out);
}

}  // namespace network
PBGDPL_NAMESPACE_END
