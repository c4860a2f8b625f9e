// The one home of HTML and XML escaping: templates, feeds, search snippets, error pages and the
// HTTP layer's own bodies all call these (they were written four times before).
#pragma once
#include "../config.hpp"

#include <string>
#include <string_view>

PBGDPL_NAMESPACE_BEGIN

// Escapes text for HTML element content and quoted attribute values.
inline void append_html_escaped(std::string& out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
}

inline std::string html_escaped(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 16);
  append_html_escaped(out, s);
  return out;
}

// Escapes text for XML content and attributes, dropping the characters XML 1.0 does not allow
// (C0 controls other than tab, line feed and carriage return; U+FFFE and U+FFFF).
inline void append_xml_escaped(std::string& out, std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') break;
        // U+FFFE and U+FFFF (EF BF BE / EF BF BF).
        if (c == 0xEF && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xBF &&
            (static_cast<unsigned char>(s[i + 2]) == 0xBE || static_cast<unsigned char>(s[i + 2]) == 0xBF)) {
          i += 2;
          break;
        }
        out += static_cast<char>(c);
    }
  }
}

inline std::string xml_escaped(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 16);
  append_xml_escaped(out, s);
  return out;
}

PBGDPL_NAMESPACE_END
