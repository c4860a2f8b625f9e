// Definitions for publish/view.hpp (inline in header-only mode, compiled once from src/portal/).
#pragma once
#include "../view.hpp"

#include <array>

PBGDPL_NAMESPACE_BEGIN
namespace publish {

namespace detail {

// The same bytes as append_html_escaped, written in runs: text between the five special
// characters is appended at once instead of a character at a time (page text is mostly runs).
PBGDPL_DECL void append_text(std::string& out, std::string_view s, bool escape) {
  if (!escape) {
    out += s;
    return;
  }
  static constexpr auto special = [] {
    std::array<bool, 256> t{};
    for (unsigned char c : {'&', '<', '>', '"', '\''}) t[c] = true;
    return t;
  }();
  const char* p = s.data();
  const char* end = p + s.size();
  const char* run = p;
  for (; p != end; ++p) {
    if (!special[static_cast<unsigned char>(*p)]) continue;
    out.append(run, p);
    switch (*p) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += "&#39;"; break;
    }
    run = p + 1;
  }
  out.append(run, end);
}

PBGDPL_DECL void append_dumped(std::string& out, const json& j, bool escape) { append_text(out, j.dump(), escape); }

// A JSON value as a view: what the JSON engine always did with it.
struct json_view {
  static const json& j(const void* p) { return *static_cast<const json*>(p); }
  static bool truthy(const void* p) {
    const auto& v = j(p);
    if (v.is_null()) return false;
    if (v.is_boolean()) return v.get<bool>();
    if (v.is_string()) return !v.get_ref<const std::string&>().empty();
    if (v.is_array() || v.is_object()) return !v.empty();
    if (v.is_number()) return v.get<double>() != 0;
    return true;
  }
  static void append(std::string& out, const void* p, bool escape) {
    const auto& v = j(p);
    if (v.is_null()) return;
    if (v.is_string()) append_text(out, v.get_ref<const std::string&>(), escape);
    else if (v.is_number_integer()) out += std::to_string(v.get<long long>());
    else if (v.is_number_unsigned()) out += std::to_string(v.get<unsigned long long>());
    else if (v.is_boolean()) out += v.get<bool>() ? "true" : "false";
    else append_dumped(out, v, escape);
  }
  static std::size_t size(const void* p) { return j(p).is_array() ? j(p).size() : 0; }
  static view at(const void* p, std::size_t i) {
    const auto& v = j(p);
    return v.is_array() && i < v.size() ? view::of(v[i]) : view();
  }
  static view find(const void* p, std::string_view name) {
    const auto& v = j(p);
    if (!v.is_object()) return view();
    auto it = v.find(name);
    return it == v.end() ? view() : view::of(*it);
  }
  static json to_json(const void* p) { return j(p); }
};

// One table per kind of JSON value (the functions are the same; the kind steers lookups).
inline constexpr view::ops json_ops(view::type k) {
  return {k, &json_view::truthy, &json_view::append, &json_view::size, &json_view::at, &json_view::find, &json_view::to_json};
}
inline constexpr view::ops json_null_ops = json_ops(view::type::null), json_boolean_ops = json_ops(view::type::boolean),
                           json_number_ops = json_ops(view::type::number), json_string_ops = json_ops(view::type::string),
                           json_list_ops = json_ops(view::type::list), json_object_ops = json_ops(view::type::object);

}  // namespace detail

PBGDPL_DECL view view::of(const json& j) noexcept {
  namespace d = detail;
  const ops* o = &d::json_null_ops;
  switch (j.type()) {
    case json::value_t::boolean: o = &d::json_boolean_ops; break;
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: o = &d::json_number_ops; break;
    case json::value_t::string: o = &d::json_string_ops; break;
    case json::value_t::array: o = &d::json_list_ops; break;
    case json::value_t::object: o = &d::json_object_ops; break;
    case json::value_t::null: break;
    default: o = &d::json_string_ops; break;  // binary, discarded: true, printed as their JSON, as before
  }
  return view(&j, o);
}

}  // namespace publish
PBGDPL_NAMESPACE_END
