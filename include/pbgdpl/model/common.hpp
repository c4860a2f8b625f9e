// What every model entity shares: the id types (declared once so headers need not include each
// other), the schema-version header, one field list per type that drives both JSON directions
// (so encoding and decoding cannot drift apart), and the validation rules all entities use.
#pragma once
#include "../core/document_number.hpp"
#include "../core/json.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

PBGDPL_NAMESPACE_BEGIN

using unit_id = id<struct unit_tag>;
using account_id = id<struct account_tag>;
using article_id = id<struct article_tag>;
using legal_document_id = id<struct legal_document_tag>;
using media_id = id<struct media_tag>;
using publication_id = id<struct publication_tag>;
using approval_id = id<struct approval_tag>;
using banner_id = id<struct banner_tag>;
using display_id = id<struct display_tag>;
using display_group_id = id<struct display_group_tag>;
using layout_id = id<struct layout_tag>;
using playlist_id = id<struct playlist_tag>;
using schedule_id = id<struct schedule_tag>;
using report_template_id = id<struct report_template_tag>;
using report_period_id = id<struct report_period_tag>;
using submission_id = id<struct submission_tag>;
using training_course_id = id<struct training_course_tag>;
using attendance_id = id<struct attendance_tag>;
using channel_id = id<struct channel_tag>;
using question_id = id<struct question_tag>;
using dialogue_id = id<struct dialogue_tag>;

// The newest schema this build writes and understands; older documents are read as they are.
inline constexpr int model_schema_version = 1;

namespace model_io {

enum class need { optional, required };
using json_io::text_limit;
inline constexpr text_limit short_text = text_limit::short_text;
inline constexpr text_limit long_text = text_limit::long_text;
inline constexpr text_limit rendered_html = text_limit::html;

// Each entity has one `describe(visitor&, T&)` listing its fields; these two visitors turn that
// list into to_json and from_json.
struct writer {
  json& j;
  template <class T>
  void operator()(std::string_view key, const T& v, need = need::optional, text_limit = long_text) {
    json_io::put(j, key, v);
  }
  void header(const int& schema_version, const std::uint64_t& version) {
    j["schema_version"] = schema_version;
    j["version"] = version;
  }
};

struct reader {
  const json& j;
  template <class T>
  void operator()(std::string_view key, T& v, need n = need::optional, text_limit limit = long_text) {
    if (n == need::required) json_io::field(j, key, v, limit);
    else json_io::optional_field(j, key, v, limit);
  }
  // A newer schema is refused before any other field is read: its writer may have changed what
  // the fields mean, and a silent misreading is worse than a clear refusal.
  void header(int& schema_version, std::uint64_t& version) {
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
};

}  // namespace model_io

// Defines to_json/from_json for T from its describe(). The writer only reads through the
// reference, so casting away const for the shared field list is safe.
#define PBGDPL_MODEL_JSON(T)                                          \
  inline void to_json(json& j, const T& x) {                          \
    j = json::object();                                               \
    model_io::writer w{j};                                            \
    describe(w, const_cast<T&>(x));                                   \
  }                                                                   \
  inline void from_json(const json& j, T& x) {                        \
    model_io::reader r{j};                                            \
    T fresh{};                                                        \
    describe(r, fresh);                                               \
    x = std::move(fresh);                                             \
  }

// Validation rules shared by every entity. Paths are JSON pointers; messages bilingual.
namespace rules {

inline std::string cat(std::string_view a, std::string_view b) { return std::string(a) + std::string(b); }

// 'http://' or 'https://' then a host; nothing a browser would run ("javascript:", "data:").
inline bool is_web_url(std::string_view s) noexcept {
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
  for (unsigned char c : s)
    if (c <= 0x20 || c == 0x7F || c == '"' || c == '<' || c == '>' || c == '\\' || c == '`') return false;
  return true;
}

inline bool is_email(std::string_view s) noexcept {
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

// Lower-case hex of exactly `chars` characters (BLAKE2b-256 = 64, a minisign key id = 16).
inline bool is_hex(std::string_view s, std::size_t chars) noexcept {
  if (s.size() != chars) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

// A URL slug as text::slug makes it: a-z, 0-9 and single inner hyphens.
inline bool is_slug(std::string_view s) noexcept {
  if (s.empty() || s.size() > 200 || s.front() == '-' || s.back() == '-') return false;
  char prev = 0;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok || (c == '-' && prev == '-')) return false;
    prev = c;
  }
  return true;
}

// Checks one text field. Short text is one line of at most PBGDPL_MAX_SHORT_TEXT_BYTES; long
// text (bodies) may span lines. Values built in C++ can hold anything, so UTF-8 is re-checked.
inline void text(validator& v, const std::string& s, const std::string& path, std::string_view vi,
                 std::string_view en, bool required, model_io::text_limit limit = model_io::short_text) {
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

inline void long_text(validator& v, const std::string& s, const std::string& path, std::string_view vi,
                      std::string_view en, bool required) {
  text(v, s, path, vi, en, required, model_io::long_text);
}

// Every element is a non-empty short text.
inline void texts(validator& v, const std::vector<std::string>& xs, const std::string& path, std::string_view vi,
                  std::string_view en) {
  for (std::size_t i = 0; i < xs.size(); ++i) text(v, xs[i], path + "/" + std::to_string(i), vi, en, true);
}

template <class Tag>
void identifier(validator& v, const id<Tag>& x, const std::string& path, std::string_view vi, std::string_view en,
                bool required = true) {
  if (x.empty()) {
    if (required) v.add(path, errc::missing_field, cat(vi, " không được để trống"), cat(en, " must not be empty"));
    return;
  }
  if (!x.valid())
    v.add(path, errc::invalid_argument,
          cat(vi, " chỉ gồm chữ, số, '.', '_' hoặc '-' (tối đa 64 ký tự)"),
          cat(en, " must be 1-64 characters of letters, digits, '.', '_' or '-'"));
}

template <class Tag>
void identifier(validator& v, const std::optional<id<Tag>>& x, const std::string& path, std::string_view vi,
                std::string_view en) {
  if (x) identifier(v, *x, path, vi, en, true);
}

template <class Tag>
void identifiers(validator& v, const std::vector<id<Tag>>& xs, const std::string& path, std::string_view vi,
                 std::string_view en) {
  for (std::size_t i = 0; i < xs.size(); ++i) identifier(v, xs[i], path + "/" + std::to_string(i), vi, en, true);
}

inline void url(validator& v, const std::string& s, const std::string& path, std::string_view vi, std::string_view en,
                bool required) {
  if (s.empty()) {
    if (required) v.add(path, errc::missing_field, cat(vi, " không được để trống"), cat(en, " must not be empty"));
    return;
  }
  v.check(is_web_url(s), path, errc::invalid_argument, cat(vi, " phải là địa chỉ http:// hoặc https://"),
          cat(en, " must be an http:// or https:// address"));
}

inline void email(validator& v, const std::string& s, const std::string& path, bool required) {
  if (s.empty()) {
    if (required) v.add(path, errc::missing_field, "Thư điện tử không được để trống", "E-mail must not be empty");
    return;
  }
  v.check(is_email(s), path, errc::invalid_argument, "Địa chỉ thư điện tử không hợp lệ", "Invalid e-mail address");
}

// An enum value built in C++ by casting may be outside the named values; JSON could not write it.
template <named_enum E>
void known(validator& v, E e, const std::string& path) {
  v.check(!to_string(e).empty(), path, errc::out_of_range, "Giá trị không nằm trong danh mục cho phép",
          "Value is not one of the allowed names");
}
template <named_enum E>
void known(validator& v, const std::optional<E>& e, const std::string& path) {
  if (e) known(v, *e, path);
}

inline void schema(validator& v, int schema_version) {
  if (schema_version > model_schema_version)
    v.add("/schema_version", errc::unsupported_version, "Phiên bản lược đồ mới hơn phiên bản được hỗ trợ",
          "Schema version is newer than the supported one");
  else if (schema_version < 1)
    v.add("/schema_version", errc::out_of_range, "Phiên bản lược đồ phải từ 1 trở lên",
          "Schema version must be at least 1");
}

// `later` must not come before `earlier` (or must come strictly after, when `strict`).
template <class T>
void not_before(validator& v, const T& later, const T& earlier, const std::string& path, std::string_view vi,
                std::string_view en, bool strict = false) {
  bool ok = strict ? later > earlier : later >= earlier;
  v.check(ok, path, errc::bad_date, std::string(vi), std::string(en));
}

// A time of day "HH:MM" (24 h) in minutes since midnight.
inline std::optional<int> parse_time_of_day(std::string_view s) noexcept {
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
