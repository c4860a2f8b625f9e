// JSON encoding and decoding helpers shared by every entity. Decoding tracks a JSON pointer to
// the failing field, normalises text to NFC, enforces size limits, and never crashes on hostile
// input: every failure becomes an `error` with a path and a bilingual message.
#pragma once
#include "ids.hpp"
#include "text.hpp"
#include "time.hpp"

#include <array>
#include <concepts>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

PBGDPL_NAMESPACE_BEGIN

using json = nlohmann::json;

// Enums are written as stable lower-case names. Specialise enum_names<E> with a static
// `values` array of {E, "name"} pairs; PBGDPL_ENUM_NAMES does it in one line per enum.
template <class E>
struct enum_names;

template <class E>
concept named_enum = std::is_enum_v<E> && requires { enum_names<E>::values; };

template <named_enum E>
constexpr std::string_view to_string(E e) noexcept {
  for (const auto& [v, n] : enum_names<E>::values)
    if (v == e) return n;
  return {};
}

template <named_enum E>
constexpr std::optional<E> enum_from_string(std::string_view s) noexcept {
  for (const auto& [v, n] : enum_names<E>::values)
    if (n == s) return v;
  return std::nullopt;
}

#define PBGDPL_ENUM_NAMES(E, ...)                                                        \
  template <>                                                                            \
  struct enum_names<E> {                                                                 \
    static constexpr std::pair<E, std::string_view> values[] = {__VA_ARGS__};            \
  }

namespace json_io {

// RFC 6901 escaping of one reference token.
PBGDPL_DECL std::string pointer_token(std::string_view key);

[[noreturn]] PBGDPL_DECL void fail(errc code, std::string vi = {}, std::string en = {});

// Runs f; an error thrown inside gets `token` prepended to its path as it unwinds.
template <class F>
void at_path(std::string_view token, F&& f) {
  try {
    f();
  } catch (exception& e) {
    error err = e.err();
    err.path = "/" + pointer_token(token) + err.path;
    throw exception(std::move(err));
  } catch (const nlohmann::json::exception& e) {
    throw exception(error(errc::wrong_type, "/" + pointer_token(token), "Sai kiểu dữ liệu", e.what()));
  }
}

// The JSON type of j in Vietnamese ("chuỗi (string)"), for error messages.
PBGDPL_DECL const char* type_name_vi(const json& j);

[[noreturn]] PBGDPL_DECL void wrong_type(const json& j, std::string_view expected_vi, std::string_view expected_en);

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};
template <class T>
struct is_vector : std::false_type {};
template <class T, class A>
struct is_vector<std::vector<T, A>> : std::true_type {};
template <class T>
struct is_id : std::false_type {};
template <class Tag>
struct is_id<id<Tag>> : std::true_type {};

// Text limits: a short field is a name or title, a long one a body.
// `html` is HTML the server rendered from a long text (it may be a few times longer).
enum class text_limit : std::uint32_t {
  short_text = PBGDPL_MAX_SHORT_TEXT_BYTES,
  long_text = PBGDPL_MAX_TEXT_BYTES,
  html = 4u * PBGDPL_MAX_TEXT_BYTES
};

// A JSON string within `limit` bytes, as NFC; anything else is an error.
PBGDPL_DECL std::string read_string(const json& j, text_limit limit);

// Reads any supported value type from j into out.
template <class T>
void read(const json& j, T& out, text_limit limit = text_limit::long_text) {
  if constexpr (std::is_same_v<T, std::string>) {
    out = read_string(j, limit);
  } else if constexpr (std::is_same_v<T, bool>) {
    if (!j.is_boolean()) wrong_type(j, "giá trị logic", "boolean");
    out = j.get<bool>();
  } else if constexpr (std::is_integral_v<T>) {
    if (!j.is_number_integer() && !j.is_number_unsigned()) wrong_type(j, "số nguyên", "integer");
    if (j.is_number_unsigned()) {
      auto v = j.get<std::uint64_t>();
      if (v > static_cast<std::uint64_t>(std::numeric_limits<T>::max())) fail(errc::out_of_range);
      out = static_cast<T>(v);
    } else {
      auto v = j.get<std::int64_t>();
      if (v < static_cast<std::int64_t>(std::numeric_limits<T>::min()) ||
          (v > 0 && static_cast<std::uint64_t>(v) > static_cast<std::uint64_t>(std::numeric_limits<T>::max())))
        fail(errc::out_of_range);
      out = static_cast<T>(v);
    }
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!j.is_number()) wrong_type(j, "số", "number");
    out = j.get<T>();
  } else if constexpr (named_enum<T>) {
    if (!j.is_string()) wrong_type(j, "chuỗi", "string");
    auto v = enum_from_string<T>(j.get_ref<const std::string&>());
    if (!v) {
      std::string allowed;
      for (const auto& [e, n] : enum_names<T>::values) allowed += (allowed.empty() ? "" : ", ") + std::string(n);
      fail(errc::out_of_range, "Giá trị không hợp lệ; cho phép: " + allowed, "Invalid value; allowed: " + allowed);
    }
    out = *v;
  } else if constexpr (std::is_same_v<T, date>) {
    auto s = read_string(j, text_limit::short_text);
    auto d = parse_date(s);
    if (!d) throw exception(d.err());
    out = *d;
  } else if constexpr (std::is_same_v<T, timestamp>) {
    auto s = read_string(j, text_limit::short_text);
    auto t = parse_timestamp(s);
    if (!t) throw exception(t.err());
    out = *t;
  } else if constexpr (std::is_same_v<T, school_year>) {
    auto s = read_string(j, text_limit::short_text);
    auto y = school_year::parse(s);
    if (!y) throw exception(y.err());
    out = *y;
  } else if constexpr (is_id<T>::value) {
    auto s = read_string(j, text_limit::short_text);
    if (!is_valid_id(s))
      fail(errc::invalid_argument, "Mã định danh chỉ gồm chữ, số, '.', '_' hoặc '-' (tối đa 64 ký tự)",
           "An id is 1-64 characters of letters, digits, '.', '_' or '-'");
    out = T{std::move(s)};
  } else if constexpr (is_optional<T>::value) {
    if (j.is_null()) {
      out.reset();
    } else {
      typename T::value_type v{};
      read(j, v, limit);
      out = std::move(v);
    }
  } else if constexpr (is_vector<T>::value) {
    if (!j.is_array()) wrong_type(j, "mảng", "array");
    if (j.size() > PBGDPL_MAX_ARRAY_ITEMS) fail(errc::too_large, "Mảng quá nhiều phần tử", "Array has too many items");
    out.clear();
    out.reserve(j.size());
    for (std::size_t i = 0; i < j.size(); ++i) {
      typename T::value_type v{};
      at_path(std::to_string(i), [&] { read(j[i], v, limit); });
      out.push_back(std::move(v));
    }
  } else if constexpr (std::is_same_v<T, json>) {
    out = j;
  } else {
    // A nested entity: its ADL from_json(const json&, T&).
    if (!j.is_object()) wrong_type(j, "đối tượng", "object");
    from_json(j, out);
  }
}

// Required member `key` of object j.
template <class T>
void field(const json& j, std::string_view key, T& out, text_limit limit = text_limit::long_text) {
  auto it = j.find(key);
  if (it == j.end())
    throw exception(error(errc::missing_field, "/" + pointer_token(key), "Thiếu thông tin bắt buộc \"" + std::string(key) + "\"",
                          "Missing required field \"" + std::string(key) + "\""));
  at_path(key, [&] { read(*it, out, limit); });
}

// Optional member: absent or null leaves `out` as it was (the default).
template <class T>
void optional_field(const json& j, std::string_view key, T& out, text_limit limit = text_limit::long_text) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return;
  at_path(key, [&] { read(*it, out, limit); });
}

// Writes a value as JSON, the mirror of read().
template <class T>
json write(const T& v) {
  if constexpr (std::is_same_v<T, std::string> || std::is_arithmetic_v<T>) {
    return json(v);
  } else if constexpr (named_enum<T>) {
    return json(std::string(to_string(v)));
  } else if constexpr (std::is_same_v<T, date>) {
    return json(format_date(v));
  } else if constexpr (std::is_same_v<T, timestamp>) {
    return json(format_timestamp(v));
  } else if constexpr (std::is_same_v<T, school_year>) {
    return json(v.name());
  } else if constexpr (is_id<T>::value) {
    return json(v.value);
  } else if constexpr (is_optional<T>::value) {
    return v ? write(*v) : json(nullptr);
  } else if constexpr (is_vector<T>::value) {
    json a = json::array();
    for (const auto& x : v) a.push_back(write(x));
    return a;
  } else if constexpr (std::is_same_v<T, json>) {
    return v;
  } else {
    json j;
    to_json(j, v);
    return j;
  }
}

// Sets j[key]; an empty optional is left out so documents stay small.
template <class T>
void put(json& j, std::string_view key, const T& v) {
  if constexpr (is_optional<T>::value) {
    if (!v) return;
  }
  j[std::string(key)] = write(v);
}

// Object nesting depth of a JSON text, scanned before parsing so hostile nesting is refused
// cheaply (nlohmann's recursive destructor would otherwise be the limit).
PBGDPL_DECL std::size_t nesting_depth(std::string_view s) noexcept;

// Parses JSON text with the library's limits. Never throws.
PBGDPL_DECL result<json> parse(std::string_view s);

}  // namespace json_io

// Collects validation problems, each with a JSON pointer and a bilingual message.
class validator {
 public:
  void add(std::string path, errc code, std::string vi, std::string en);
  // Adds a problem unless `ok`.
  void check(bool ok, std::string path, errc code, std::string vi, std::string en);
  void required_text(const std::string& s, std::string path, std::string_view label_vi, std::string_view label_en);
  // Validates a nested value with a path prefix.
  template <class F>
  void nested(std::string_view path, F&& f) {
    auto saved = prefix_;
    prefix_ += std::string(path);
    f();
    prefix_ = saved;
  }
  bool ok() const noexcept { return problems_.empty(); }
  const std::vector<error>& problems() const noexcept { return problems_; }

  // One error for all problems: the first problem's code and path, all in `details`.
  result<void> to_result() const;

 private:
  std::string prefix_;
  std::vector<error> problems_;
};

template <class T>
concept validatable = requires(const T& v, validator& c) { validate(v, c); };

// Validates any entity that has an ADL validate(const T&, validator&).
template <validatable T>
result<void> check(const T& v) {
  validator c;
  validate(v, c);
  return c.to_result();
}

// JSON value → entity, validated. Never throws.
template <class T>
result<T> from_json_value(const json& j) {
  try {
    T v{};
    json_io::read(j, v);
    if constexpr (validatable<T>) {
      auto r = check(v);
      if (!r) return r.err();
    }
    return v;
  } catch (const exception& e) {
    return e.err();
  } catch (const nlohmann::json::exception& e) {
    return error(errc::wrong_type, {}, "Sai kiểu dữ liệu", e.what());
  } catch (const std::bad_alloc&) {
    return error(errc::too_large);
  }
}

// JSON text → entity, validated. Never throws.
template <class T>
result<T> from_json_text(std::string_view s) {
  auto j = json_io::parse(s);
  if (!j) return j.err();
  return from_json_value<T>(*j);
}

template <class T>
json to_json_value(const T& v) {
  return json_io::write(v);
}

// An error as the JSON the API and tools print.
PBGDPL_DECL json error_to_json(const error& e);

PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/json.ipp"
#endif
