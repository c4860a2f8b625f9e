// Bodies of http/multipart.hpp (inline in header-only mode, compiled once from src/http/).
#pragma once
#include "../../core/text.hpp"
#include "../message.hpp"  // iequals
#include "../multipart.hpp"

PBGDPL_NAMESPACE_BEGIN
namespace http {

namespace multipart_detail {

inline std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

inline error malformed() {
  return error(errc::parse_error, {}, "Dữ liệu biểu mẫu gửi lên không đúng định dạng multipart/form-data",
               "The form data is not well-formed multipart/form-data");
}

// `; a=b; c="d"` parameters: the value of `key` (unquoted), or nothing. Browsers escape no
// backslash in a quoted value (HTML's form encoding writes '"' as %22 instead), so a backslash is
// a character of the value: "C:\x\a.png" stays a Windows path whose last segment is taken.
inline std::optional<std::string> param(std::string_view params, std::string_view key) {
  std::size_t i = 0;
  while (i < params.size()) {
    auto semi = params.find(';', i);
    if (semi == std::string_view::npos) return std::nullopt;
    i = semi + 1;
    while (i < params.size() && (params[i] == ' ' || params[i] == '\t')) ++i;
    auto eq = params.find('=', i);
    if (eq == std::string_view::npos) return std::nullopt;
    auto k = trim(params.substr(i, eq - i));
    i = eq + 1;
    std::string v;
    if (i < params.size() && params[i] == '"') {
      ++i;
      bool closed = false;
      while (i < params.size()) {
        char c = params[i++];
        if (c == '"') {
          closed = true;
          break;
        } else v += c;
      }
      if (!closed) return std::nullopt;
    } else {
      auto end = params.find(';', i);
      v = std::string(trim(params.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i)));
      i = end == std::string_view::npos ? params.size() : end;
    }
    if (iequals(k, key)) return v;
  }
  return std::nullopt;
}

}  // namespace multipart_detail

PBGDPL_DECL std::optional<std::string> multipart_boundary(std::string_view content_type) {
  using namespace multipart_detail;
  auto semi = content_type.find(';');
  if (!iequals(trim(content_type.substr(0, semi)), "multipart/form-data") || semi == std::string_view::npos) return std::nullopt;
  auto b = param(content_type.substr(semi), "boundary");
  if (!b || b->empty() || b->size() > 70) return std::nullopt;
  for (unsigned char c : *b)
    if (c < 0x20 || c > 0x7e) return std::nullopt;
  return b;
}

PBGDPL_DECL result<std::vector<multipart_part>> parse_multipart(std::string_view body, std::string_view boundary,
                                                                 const multipart_limits& lim) {
  using namespace multipart_detail;
  if (boundary.empty() || boundary.size() > 70) return malformed();
  const std::string dash = "--" + std::string(boundary);
  const std::string delim = "\r\n" + dash;
  // The first delimiter: at the start, or after a preamble ending in CRLF.
  std::size_t pos;
  if (body.substr(0, dash.size()) == dash) pos = dash.size();
  else if (auto p = body.find(delim); p != std::string_view::npos) pos = p + delim.size();
  else return malformed();
  std::vector<multipart_part> parts;
  for (;;) {
    // After a delimiter: "--" closes the body, else optional whitespace then CRLF.
    if (body.substr(pos, 2) == "--") break;
    while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t')) ++pos;
    if (body.substr(pos, 2) != "\r\n") return malformed();
    pos += 2;
    if (parts.size() == lim.max_parts)
      return error(errc::too_large, {}, "Biểu mẫu có quá nhiều phần (tối đa " + std::to_string(lim.max_parts) + ")",
                   "The form has too many parts (at most " + std::to_string(lim.max_parts) + ")");
    auto hend = body.find("\r\n\r\n", pos);
    // A part with no header lines at all starts with the blank line itself.
    std::string_view headers;
    if (body.substr(pos, 2) == "\r\n") {
      hend = pos;
      pos += 2;
    } else {
      if (hend == std::string_view::npos) return malformed();
      if (hend - pos > lim.max_header_bytes)
        return error(errc::too_large, {}, "Phần đầu của một mục trong biểu mẫu quá dài", "A form part's headers are too long");
      headers = body.substr(pos, hend - pos);
      pos = hend + 4;
    }
    multipart_part part;
    bool have_disposition = false;
    while (!headers.empty()) {
      auto eol = headers.find("\r\n");
      auto line = headers.substr(0, eol);
      headers = eol == std::string_view::npos ? std::string_view{} : headers.substr(eol + 2);
      auto colon = line.find(':');
      if (colon == std::string_view::npos || colon == 0) return malformed();
      auto name = line.substr(0, colon);
      auto value = trim(line.substr(colon + 1));
      if (iequals(name, "content-disposition")) {
        auto semi = value.find(';');
        if (!iequals(trim(value.substr(0, semi)), "form-data") || semi == std::string_view::npos) return malformed();
        auto params = value.substr(semi);
        auto n = param(params, "name");
        if (!n) return malformed();
        part.name = std::move(*n);
        if (auto f = param(params, "filename")) {
          auto slash = f->find_last_of("/\\");
          part.file_name = slash == std::string::npos ? std::move(*f) : f->substr(slash + 1);
        }
        have_disposition = true;
      } else if (iequals(name, "content-type")) {
        part.content_type = std::string(value);
      }
    }
    if (!have_disposition || part.name.empty()) return malformed();
    auto end = body.find(delim, pos);
    if (end == std::string_view::npos) return malformed();  // cut off: no closing delimiter
    const auto size = end - pos;
    const auto max = part.file_name ? lim.max_file_bytes : lim.max_field_bytes;
    if (size > max)
      return error(errc::too_large, "/" + part.name, "Mục \"" + part.name + "\" quá lớn (tối đa " + std::to_string(max) + " byte)",
                   "Part \"" + part.name + "\" is too large (at most " + std::to_string(max) + " bytes)");
    part.body = std::string(body.substr(pos, size));
    if (!text::is_valid_utf8(part.name) || (part.file_name && !text::is_valid_utf8(*part.file_name)) ||
        (!part.file_name && !text::is_valid_utf8(part.body)))
      return error(errc::invalid_utf8, {}, "Biểu mẫu gửi lên không đúng mã UTF-8", "The form is not valid UTF-8");
    parts.push_back(std::move(part));
    pos = end + delim.size();
  }
  return parts;
}

}  // namespace http
PBGDPL_NAMESPACE_END
