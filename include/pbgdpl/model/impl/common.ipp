// Bodies of model/common.hpp (the shared reader and the validation rules): compiled once into
// the core tier (src/core/model.cpp), or included by the header in header-only builds.
#pragma once
#include "../common.hpp"

PBGDPL_NAMESPACE_BEGIN

PBGDPL_DECL void model_io::reader::header(int& schema_version, std::uint64_t& version) {
  schema_version = 1;
  json_io::optional_field(j, "schema_version", schema_version);
  if (schema_version > model_schema_version)
    throw exception(error(errc::unsupported_version, "/schema_version",
                          "Phiên bản lược đồ " + std::to_string(schema_version) + " mới hơn phiên bản được hỗ trợ (" +
                              std::to_string(model_schema_version) + ")",
                          "Schema version " + std::to_string(schema_version) + " is newer than the supported " +
                              std::to_string(model_schema_version)));
  if (schema_version < 1)
    throw exception(error(errc::out_of_range, "/schema_version", "Phiên bản lược đồ phải từ 1 trở lên",
                          "Schema version must be at least 1"));
  version = 0;
  json_io::optional_field(j, "version", version);
}

namespace rules {

PBGDPL_DECL bool is_web_url(std::string_view s) noexcept {
  auto starts = [&](std::string_view p) {
    if (s.size() < p.size()) return false;
    for (std::size_t i = 0; i < p.size(); ++i) {
      char c = s[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != p[i]) return false;
    }
    return true;
  };
  std::size_t rest = starts("https://") ? 8 : starts("http://") ? 7 : 0;
  if (rest == 0 || s.size() > 2000) return false;
  if (rest >= s.size() || s[rest] == '/' || s[rest] == '?' || s[rest] == '#' || s[rest] == '.') return false;
  // No user information: in "http://[::1]:80@evil.example/" or "https://truong.edu.vn@evil.example/"
  // the host is what follows the '@', not what a reader sees first (and credentials have no place
  // in a published link).
  auto authority = s.substr(rest, s.find_first_of("/?#", rest) - rest);
  if (authority.find('@') != std::string_view::npos) return false;
  for (unsigned char c : s)
    if (c <= 0x20 || c == 0x7F || c == '"' || c == '<' || c == '>' || c == '\\' || c == '`') return false;
  return true;
}

PBGDPL_DECL bool is_email(std::string_view s) noexcept {
  auto at = s.find('@');
  if (at == std::string_view::npos || at == 0 || s.find('@', at + 1) != std::string_view::npos || s.size() > 254)
    return false;
  auto domain = s.substr(at + 1);
  auto dot = domain.find('.');
  if (dot == std::string_view::npos || dot == 0 || domain.back() == '.') return false;
  for (unsigned char c : s)
    if (c <= 0x20 || c >= 0x7F || c == '"' || c == '<' || c == '>' || c == ',' || c == ';') return false;
  return true;
}

PBGDPL_DECL bool is_slug(std::string_view s) noexcept {
  if (s.empty() || s.size() > 200 || s.front() == '-' || s.back() == '-') return false;
  char prev = 0;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok || (c == '-' && prev == '-')) return false;
    prev = c;
  }
  return true;
}

PBGDPL_DECL void text(validator& v, const std::string& s, const std::string& path, std::string_view vi,
                      std::string_view en, bool required, model_io::text_limit limit) {
  if (s.empty()) {
    if (required)
      v.add(path, errc::missing_field, cat(vi, " không được để trống"), cat(en, " must not be empty"));
    return;
  }
  if (!text::is_valid_utf8(s)) {
    v.add(path, errc::invalid_utf8, cat(vi, " không phải UTF-8 hợp lệ"), cat(en, " is not valid UTF-8"));
    return;
  }
  auto max = static_cast<std::uint32_t>(limit);
  if (s.size() > max) {
    v.add(path, errc::too_large, cat(vi, " dài quá " + std::to_string(max) + " byte"),
          cat(en, " is longer than " + std::to_string(max) + " bytes"));
    return;
  }
  bool bad_chars = text::has_control_chars(s);
  if (limit == model_io::short_text) bad_chars = bad_chars || s.find_first_of("\r\n\t") != std::string::npos;
  if (bad_chars)
    v.add(path, errc::invalid_argument, cat(vi, " chứa ký tự điều khiển không cho phép"),
          cat(en, " contains control characters that are not allowed"));
}

PBGDPL_DECL void long_text(validator& v, const std::string& s, const std::string& path, std::string_view vi,
                           std::string_view en, bool required) {
  text(v, s, path, vi, en, required, model_io::long_text);
}

PBGDPL_DECL void texts(validator& v, const std::vector<std::string>& xs, const std::string& path, std::string_view vi,
                       std::string_view en) {
  for (std::size_t i = 0; i < xs.size(); ++i) text(v, xs[i], path + "/" + std::to_string(i), vi, en, true);
}

PBGDPL_DECL void url(validator& v, const std::string& s, const std::string& path, std::string_view vi, std::string_view en,
                     bool required) {
  if (s.empty()) {
    if (required) v.add(path, errc::missing_field, cat(vi, " không được để trống"), cat(en, " must not be empty"));
    return;
  }
  v.check(is_web_url(s), path, errc::invalid_argument, cat(vi, " phải là địa chỉ http:// hoặc https://"),
          cat(en, " must be an http:// or https:// address"));
}

PBGDPL_DECL void email(validator& v, const std::string& s, const std::string& path, bool required) {
  if (s.empty()) {
    if (required) v.add(path, errc::missing_field, "Thư điện tử không được để trống", "E-mail must not be empty");
    return;
  }
  v.check(is_email(s), path, errc::invalid_argument, "Địa chỉ thư điện tử không hợp lệ", "Invalid e-mail address");
}

PBGDPL_DECL void schema(validator& v, int schema_version) {
  if (schema_version > model_schema_version)
    v.add("/schema_version", errc::unsupported_version, "Phiên bản lược đồ mới hơn phiên bản được hỗ trợ",
          "Schema version is newer than the supported one");
  else if (schema_version < 1)
    v.add("/schema_version", errc::out_of_range, "Phiên bản lược đồ phải từ 1 trở lên",
          "Schema version must be at least 1");
}

PBGDPL_DECL std::optional<int> parse_time_of_day(std::string_view s) noexcept {
  if (s.size() != 5 || s[2] != ':') return std::nullopt;
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (!digit(s[0]) || !digit(s[1]) || !digit(s[3]) || !digit(s[4])) return std::nullopt;
  int h = (s[0] - '0') * 10 + (s[1] - '0');
  int m = (s[3] - '0') * 10 + (s[4] - '0');
  if (h > 23 || m > 59) return std::nullopt;
  return h * 60 + m;
}

}  // namespace rules

PBGDPL_NAMESPACE_END
