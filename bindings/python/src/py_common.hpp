// What every binding file shares: JSON <-> Python conversion, raising the library's errors as
// pbgdpl's Python exceptions, result unwrapping, the stored-kind dispatch and the registration
// functions (one per file, called in module.cpp in dependency order).
#pragma once
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <pbgdpl/core/errors.hpp>
#include <pbgdpl/core/json.hpp>
#include <pbgdpl/core/result.hpp>
#include <pbgdpl/store/kinds.hpp>
#include <pbgdpl/store/store.hpp>

#include <memory>

#include <optional>
#include <string>
#include <type_traits>
#include <string_view>
#include <utility>

namespace pbgdpl::python {

namespace py = pybind11;

// Sets the Python error for `e` (an instance of the pbgdpl.errors class its code maps to, with
// code, path, message_vi, message_en and details) and throws py::error_already_set.
[[noreturn]] void raise(const error& e);

template <class T>
T unwrap(result<T>&& r) {
  if (!r) raise(r.err());
  if constexpr (!std::is_void_v<T>) return std::move(r).value();
}
inline void unwrap(result<void>&& r) {
  if (!r) raise(r.err());
}

// JSON to Python: objects become dicts, arrays lists, numbers int/float, null None.
py::object to_py(const json& j);
// Python to JSON: dict (str keys), list/tuple, str, int, float, bool, None; datetime.datetime
// (aware; a naive one is taken as Asia/Ho_Chi_Minh time) becomes the library's UTC timestamp
// text, datetime.date "YYYY-MM-DD", os.PathLike its path, an Enum its value, a pbgdpl model
// object its to_dict(). Anything else, a cycle or nesting deeper than PBGDPL_MAX_JSON_DEPTH
// raises pbgdpl.ValidationError.
json from_py(py::handle o);

// Calls f.template operator()<T>() for the stored kind named `kind`; an unknown kind raises
// pbgdpl.ValidationError (code invalid_argument, path "/kind").
template <class F>
decltype(auto) visit_kind(std::string_view kind, F&& f);

// The store behind a Python pbgdpl.Store (store.cpp binds it as _core.StoreHandle; reports,
// portal and plugins take it). Closing drops the store; using a closed handle raises
// pbgdpl.StorageError (code io_error, "the store is closed").
struct store_handle {
  std::shared_ptr<store::store> impl;
  store::store& get() const;  // defined in store.cpp
  std::shared_ptr<store::store> shared() const;  // the same check, for callers that keep it
};

// One per binding file.
void register_errors(py::module_& m);   // errors.cpp
void register_text(py::module_& m);     // text.cpp: folding, NFC, slugs, dates, document numbers
void register_model(py::module_& m);    // model.cpp: kinds, field lists, decode/encode/check
void register_store(py::module_& m);    // store.cpp: SQLite and memory stores, search
void register_trust(py::module_& m);    // trust.cpp: keys, signing, approvals, bundles
void register_reports(py::module_& m);  // reports.cpp
void register_signage(py::module_& m);  // signage.cpp
void register_portal(py::module_& m);   // portal.cpp: the portal server in a thread
void register_plugins(py::module_& m);  // plugins.cpp

// --- implementation of visit_kind ---
namespace detail {
[[noreturn]] void unknown_kind(std::string_view kind);
}  // namespace detail

template <class F>
decltype(auto) visit_kind(std::string_view kind, F&& f) {
  using R = decltype(f.template operator()<unit>());
  if constexpr (std::is_void_v<R>) {
    bool found = false;
    store::for_each_stored_kind([&]<class T>(std::type_identity<T>) {
      if (kind != store::entity_traits<T>::kind) return true;
      found = true;
      f.template operator()<T>();
      return false;
    });
    if (!found) detail::unknown_kind(kind);
  } else {
    std::optional<R> out;
    store::for_each_stored_kind([&]<class T>(std::type_identity<T>) {
      if (kind != store::entity_traits<T>::kind) return true;
      out.emplace(f.template operator()<T>());
      return false;
    });
    if (!out) detail::unknown_kind(kind);
    return R(std::move(*out));  // a value: decltype(auto) of std::move(*out) would be R&&, dangling
  }
}

}  // namespace pbgdpl::python
