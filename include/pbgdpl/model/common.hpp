// What every model entity shares: the id types (declared once so headers need not include each
// other), the schema-version header, one field list per type that drives both JSON directions
// (so encoding and decoding cannot drift apart), and the validation rules all entities use.
#pragma once
#include "../core/document_number.hpp"
#include "../core/json.hpp"

#include <cstdint>
#include <functional>
#include <iosfwd>
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

// What pages and reports show for an enum's values, in Vietnamese and English: one table per enum
// (PBGDPL_ENUM_LABELS, beside its PBGDPL_ENUM_NAMES) and one lookup for all, label_vi/label_en.
// The table must label every value enum_names<E> names; a missing one fails the build.
template <class E>
struct enum_labels;

template <class E>
struct enum_label {
  E value;
  std::string_view vi, en;
};

template <class E>
concept labelled_enum = named_enum<E> && requires { enum_labels<E>::values; };

template <labelled_enum E>
constexpr const enum_label<E>* find_label(E e) noexcept {
  for (const auto& l : enum_labels<E>::values)
    if (l.value == e) return &l;
  return nullptr;
}
// Empty for a value outside the enum's names (one made by a cast).
template <labelled_enum E>
constexpr std::string_view label_vi(E e) noexcept {
  auto l = find_label(e);
  return l ? l->vi : std::string_view{};
}
template <labelled_enum E>
constexpr std::string_view label_en(E e) noexcept {
  auto l = find_label(e);
  return l ? l->en : std::string_view{};
}

// Printing a model enum prints its stable name, the form JSON and filters use: `std::cout <<
// article_state::published` shows "published" (label_vi/label_en give the words for people).
// A value outside the enum's names (made by a cast) prints as its number. to_string(e) (core/
// json.hpp) is the same name without a stream; GCC 12 has no <format>, so no std::formatter.
template <class Traits, named_enum E>
std::basic_ostream<char, Traits>& operator<<(std::basic_ostream<char, Traits>& os, E e) {
  auto name = to_string(e);
  if (name.empty()) return os << static_cast<long long>(e);
  return os << name;
}

namespace detail {
template <class E>
constexpr bool labels_every_name() {
  std::size_t n = 0;
  for (const auto& [value, name] : enum_names<E>::values) {
    if (!find_label(value)) return false;
    ++n;
  }
  return n == sizeof(enum_labels<E>::values) / sizeof(enum_labels<E>::values[0]);
}
}  // namespace detail

#define PBGDPL_ENUM_LABELS(E, ...)                                                        \
  template <>                                                                             \
  struct enum_labels<E> {                                                                 \
    static constexpr enum_label<E> values[] = {__VA_ARGS__};                              \
  };                                                                                      \
  static_assert(detail::labels_every_name<E>(), "PBGDPL_ENUM_LABELS(" #E "): label each named value once")

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
  void header(int& schema_version, std::uint64_t& version);
};

// Every entity's field list starts the same way: its id, then the schema and record versions.
template <class V, class T>
void head(V& f, T& x) {
  f("id", x.id, need::required);
  f.header(x.schema_version, x.version);
}

}  // namespace model_io

// The two directions of T's JSON from its describe(), with `spec` in front of each (`inline`, or
// nothing in a compiled library). The writer only reads through the reference, so casting away
// const for the shared field list is safe.
#define PBGDPL_MODEL_JSON_BODIES(spec, T)                             \
  spec void to_json(json& j, const T& x) {                            \
    j = json::object();                                               \
    model_io::writer w{j};                                            \
    describe(w, const_cast<T&>(x));                                   \
  }                                                                   \
  spec void from_json(const json& j, T& x) {                          \
    model_io::reader r{j};                                            \
    T fresh{};                                                        \
    describe(r, fresh);                                               \
    x = std::move(fresh);                                             \
  }

// Defines to_json/from_json for T inline, in the header: for types outside the model tiers that
// use the same describe() mechanism and have no .ipp of their own.
#define PBGDPL_MODEL_JSON(T) PBGDPL_MODEL_JSON_BODIES(inline, T)

// The model's own types: the header declares the codec (PBGDPL_MODEL_DECLARE), its .ipp defines it
// (PBGDPL_MODEL_DEFINE), compiled once in the compiled mode. There, the templates that decode, encode
// and check an entity are also instantiated once in the library: the header's `extern template`
// (PBGDPL_MODEL_EXTERN) keeps every user's TU from instantiating them again.
#define PBGDPL_MODEL_DECLARE(T)                \
  PBGDPL_DECL void to_json(json& j, const T& x); \
  PBGDPL_DECL void from_json(const json& j, T& x);
#define PBGDPL_MODEL_DEFINE(T) PBGDPL_MODEL_JSON_BODIES(PBGDPL_DECL, T)

#if defined(PBGDPL_HEADER_ONLY)
#define PBGDPL_MODEL_TEMPLATES(prefix, T)
#else
#define PBGDPL_MODEL_TEMPLATES(prefix, T)                               \
  prefix template result<T> from_json_value<T>(const json&);            \
  prefix template result<T> from_json_text<T>(std::string_view);        \
  prefix template json to_json_value<T>(const T&);                      \
  prefix template result<void> check<T>(const T&);
#endif
// After T's validate() is declared: the templates for T are instantiated in the library only.
#define PBGDPL_MODEL_EXTERN(T) PBGDPL_MODEL_TEMPLATES(extern, T)
// In the library's TU (an .ipp, compiled mode): their one instantiation.
#define PBGDPL_MODEL_INSTANTIATE(T) PBGDPL_MODEL_TEMPLATES(, T)

// Validation rules shared by every entity. Paths are JSON pointers; messages bilingual.
namespace rules {

inline std::string cat(std::string_view a, std::string_view b) { return std::string(a) + std::string(b); }

// 'http://' or 'https://' then a host; nothing a browser would run ("javascript:", "data:"), no
// user information before the host ("https://truong.edu.vn@evil.example/").
PBGDPL_DECL bool is_web_url(std::string_view s) noexcept;

PBGDPL_DECL bool is_email(std::string_view s) noexcept;

// Lower-case hex of exactly `chars` characters (BLAKE2b-256 = 64, a minisign key id = 16).
inline bool is_hex(std::string_view s, std::size_t chars) noexcept {
  if (s.size() != chars) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

// A BLAKE2b-256 content address: 64 lower-case hex characters.
inline void blake2b(validator& v, std::string_view s, const std::string& path) {
  v.check(is_hex(s, 64), path, errc::invalid_argument, "Mã băm BLAKE2b-256 phải là 64 ký tự hex thường",
          "BLAKE2b-256 must be 64 lower-case hex characters");
}

// xs[i] must differ, by `key`, from every element before it: one `already_exists` at `path` for
// each earlier element with the same key.
template <class T, class Key>
void unique_at(validator& v, const std::vector<T>& xs, std::size_t i, Key key, const std::string& path,
               std::string_view vi, std::string_view en) {
  for (std::size_t k = 0; k < i; ++k)
    if (std::invoke(key, xs[k]) == std::invoke(key, xs[i]))
      v.add(path, errc::already_exists, std::string(vi), std::string(en));
}

// A URL slug as text::slug makes it: a-z, 0-9 and single inner hyphens.
PBGDPL_DECL bool is_slug(std::string_view s) noexcept;

// Checks one text field. Short text is one line of at most PBGDPL_MAX_SHORT_TEXT_BYTES; long
// text (bodies) may span lines. Values built in C++ can hold anything, so UTF-8 is re-checked.
PBGDPL_DECL void text(validator& v, const std::string& s, const std::string& path, std::string_view vi,
                      std::string_view en, bool required, model_io::text_limit limit = model_io::short_text);

PBGDPL_DECL void long_text(validator& v, const std::string& s, const std::string& path, std::string_view vi,
                           std::string_view en, bool required);

// Every element is a non-empty short text.
PBGDPL_DECL void texts(validator& v, const std::vector<std::string>& xs, const std::string& path, std::string_view vi,
                       std::string_view en);

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

PBGDPL_DECL void url(validator& v, const std::string& s, const std::string& path, std::string_view vi, std::string_view en,
                     bool required);

PBGDPL_DECL void email(validator& v, const std::string& s, const std::string& path, bool required);

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

PBGDPL_DECL void schema(validator& v, int schema_version);

// `later` must not come before `earlier` (or must come strictly after, when `strict`).
template <class T>
void not_before(validator& v, const T& later, const T& earlier, const std::string& path, std::string_view vi,
                std::string_view en, bool strict = false) {
  bool ok = strict ? later > earlier : later >= earlier;
  v.check(ok, path, errc::bad_date, std::string(vi), std::string(en));
}

// A required time left at its default value (the epoch, 1970-01-01 00:00 UTC) was never set:
// stored, it would show 1970 on pages and sort last. (store::create and store::update fill an
// unset created_at/updated_at with the current time before this runs; other times are the
// caller's to set.)
inline void time_set(validator& v, timestamp t, const std::string& path, std::string_view vi, std::string_view en) {
  v.check(t != timestamp{}, path, errc::missing_field, cat(vi, " chưa được đặt (đang là giá trị mặc định 01/01/1970)"),
          cat(en, " is not set (it is the default value, 1970-01-01)"));
}

// A time of day "HH:MM" (24 h) in minutes since midnight.
PBGDPL_DECL std::optional<int> parse_time_of_day(std::string_view s) noexcept;

}  // namespace rules

namespace detail {
// The first element of xs whose `member` equals `key`, or nullptr (zones by name, indicators and
// values by code).
template <class T, class M, class K>
const T* find_by(const std::vector<T>& xs, M T::*member, const K& key) noexcept {
  for (const auto& x : xs)
    if (x.*member == key) return &x;
  return nullptr;
}
}  // namespace detail

PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/common.ipp"
#endif
