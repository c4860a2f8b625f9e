// What a template reads: a JSON value, or a typed view model (a C++ struct that lists its
// fields), behind one small interface, so pages can hand the templates their data without
// building a JSON tree per request. A view model answers a template exactly as the JSON object
// with the same members would: names, nesting, lists, "items.0", truthiness and escaping.
//
// A view model is a struct with
//   template <class F> void fields(F&& f) const { f("title", title); f("items", items); ... }
// whose members are strings (std::string, std::string_view), booleans, integers, vectors of
// view values, other view models, `const json*` (null: absent), std::optional<X> (nullopt: the
// member is absent, so Mustache looks the name up in the enclosing contexts, as for a JSON object
// without that key), or text pieces (types with append_to(out, escape) and empty(), written
// straight into the page). The view holds pointers: the model must outlive the rendering.
#pragma once
#include "../core/escape.hpp"
#include "../core/json.hpp"

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace publish {

class view;

// A type written into the page piece by piece (a URL from its parts, a template rendered in
// place): what it writes must not depend on `escape` other than by escaping.
template <class T>
concept view_text = requires(const T& t, std::string& out, bool escape) {
  t.append_to(out, escape);
  { t.empty() } -> std::convertible_to<bool>;
};

template <class T>
concept view_model = requires(const T& t) { t.fields([](std::string_view, const auto&) {}); };

class view {
 public:
  enum class type : std::uint8_t { missing, null, boolean, number, string, list, object };
  struct ops {
    type kind;
    bool (*truthy)(const void*);
    void (*append)(std::string& out, const void*, bool escape);  // {{x}} (escaped) and {{{x}}}
    std::size_t (*size)(const void*);                               // lists
    view (*at)(const void*, std::size_t);                           // lists
    view (*find)(const void*, std::string_view name);               // objects: missing when absent
    json (*to_json)(const void*);                                   // an object or list printed by {{x}}
  };

  constexpr view() noexcept = default;  // missing: the name is not there
  constexpr view(const void* p, const ops* o) noexcept : p_(p), ops_(o) {}

  static view of(const json& j) noexcept;
  static view of(const json* j) noexcept { return j ? of(*j) : view(); }

  template <class T>
  static view of(const T& v) noexcept;

  type kind() const noexcept;
  bool present() const noexcept { return ops_ != nullptr; }
  bool truthy() const { return ops_ && ops_->truthy(p_); }
  bool is_list() const noexcept { return kind() == type::list; }
  bool is_object() const noexcept { return kind() == type::object; }
  void append(std::string& out, bool escape) const {
    if (ops_) ops_->append(out, p_, escape);
  }
  std::size_t size() const { return ops_ && ops_->size ? ops_->size(p_) : 0; }
  view at(std::size_t i) const { return ops_ && ops_->at ? ops_->at(p_, i) : view(); }
  view find(std::string_view name) const { return ops_ && ops_->find ? ops_->find(p_, name) : view(); }
  json to_json() const { return ops_ ? ops_->to_json(p_) : json(); }

 private:
  const void* p_ = nullptr;
  const ops* ops_ = nullptr;
};

namespace detail {

// How {{x}} prints a value that is neither text, number nor boolean: its JSON, as the JSON
// engine always did.
void append_dumped(std::string& out, const json& j, bool escape);
void append_text(std::string& out, std::string_view s, bool escape);

template <class T>
struct view_ops;

template <class T>
json to_json_of(const T& v);

// The member `m` of a view model as a view: absent when it is an empty optional or a null pointer.
template <class M>
view member(const M& m) noexcept {
  if constexpr (std::is_same_v<M, const json*> || std::is_same_v<M, json*>) {
    return view::of(static_cast<const json*>(m));
  } else if constexpr (json_io::is_optional<M>::value) {
    return m ? member(*m) : view();
  } else {
    return view::of(m);
  }
}

template <class T>
struct view_ops {
  static constexpr view::type kind_of() {
    if constexpr (std::is_same_v<T, bool>) return view::type::boolean;
    else if constexpr (std::is_integral_v<T>) return view::type::number;
    else if constexpr (std::is_convertible_v<const T&, std::string_view> || view_text<T>) return view::type::string;
    else if constexpr (view_model<T>) return view::type::object;
    else return view::type::list;  // vectors
  }
  static bool truthy(const void* p) {
    const T& v = *static_cast<const T*>(p);
    if constexpr (std::is_same_v<T, bool>) return v;
    else if constexpr (std::is_integral_v<T>) return v != 0;
    else if constexpr (std::is_convertible_v<const T&, std::string_view>) return !std::string_view(v).empty();
    else if constexpr (view_text<T>) return !v.empty();
    else if constexpr (view_model<T>) {
      // As a JSON object: true when it has a member (absent optionals do not count).
      bool any = false;
      v.fields([&](std::string_view, const auto& m) { any = any || member(m).present(); });
      return any;
    } else return !v.empty();
  }
  static void append(std::string& out, const void* p, bool escape) {
    const T& v = *static_cast<const T*>(p);
    if constexpr (std::is_same_v<T, bool>) out += v ? "true" : "false";
    else if constexpr (std::is_integral_v<T>) out += std::to_string(v);
    else if constexpr (std::is_convertible_v<const T&, std::string_view>) append_text(out, std::string_view(v), escape);
    else if constexpr (view_text<T>) v.append_to(out, escape);
    else append_dumped(out, to_json_of(v), escape);
  }
  static std::size_t size(const void* p) {
    if constexpr (kind_of() == view::type::list) return static_cast<const T*>(p)->size();
    else return 0;
  }
  static view at(const void* p, std::size_t i) {
    if constexpr (kind_of() == view::type::list) {
      const T& v = *static_cast<const T*>(p);
      return i < v.size() ? member(v[i]) : view();
    } else {
      return view();
    }
  }
  static view find(const void* p, std::string_view name) {
    if constexpr (view_model<T>) {
      view found;
      bool seen = false;
      static_cast<const T*>(p)->fields([&](std::string_view key, const auto& m) {
        // Length and first letter first: most names differ there, and memcmp is a call.
        if (!seen && key.size() == name.size() && !name.empty() && key[0] == name[0] && key == name) {
          seen = true;
          found = member(m);
        }
      });
      return found;
    } else {
      return view();
    }
  }
  static json to_json(const void* p) { return to_json_of(*static_cast<const T*>(p)); }

  static constexpr view::ops table{kind_of(), &truthy, &append, &size, &at, &find, &to_json};
};

template <class T>
json to_json_of(const T& v) {
  if constexpr (std::is_same_v<T, bool> || std::is_integral_v<T>) {
    return json(v);
  } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
    return json(std::string(std::string_view(v)));
  } else if constexpr (view_text<T>) {
    std::string s;
    v.append_to(s, false);
    return json(std::move(s));
  } else if constexpr (view_model<T>) {
    json j = json::object();
    v.fields([&](std::string_view key, const auto& m) {
      if (auto mv = member(m); mv.present()) j[std::string(key)] = mv.to_json();
    });
    return j;
  } else {
    json j = json::array();
    for (const auto& x : v) j.push_back(member(x).to_json());
    return j;
  }
}

}  // namespace detail

template <class T>
view view::of(const T& v) noexcept {
  static_assert(!std::is_pointer_v<T>, "a view of a pointer: pass the value (or a const json*)");
  return view(&v, &detail::view_ops<T>::table);
}

inline view::type view::kind() const noexcept { return ops_ ? ops_->kind : type::missing; }

}  // namespace publish
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/view.ipp"
#endif
