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

#include <chrono>
#include <exception>
#include <memory>
#include <thread>

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
// raises pbgdpl.ValidationError; so does a value past 64 MiB as JSON (too_large: a list shared
// at every level, x = [x, x] thirty times, is 2^30 nodes written out).
json from_py(py::handle o);

// Runs f() with the GIL released and returns its result; an exception f throws is rethrown once
// the GIL is back. Use it instead of py::gil_scoped_release / py::call_guard: those take the GIL
// back in a destructor, and a daemon thread coming back while the interpreter shuts down is ended
// there by pthread_exit (Python 3.11-3.13), which from a noexcept destructor is std::terminate:
// the whole process aborts at exit (code 134). Here such a thread is parked until the process
// ends, as Python 3.14 does.
template <class F>
auto without_gil(F&& f);

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

// The same as a scope: releases the GIL for the rest of the block and takes it back as
// without_gil does (parked, not aborted, when the interpreter is exiting). Its destructor may
// unwind (noexcept(false)): a forced unwind from a noexcept destructor is what aborted the process.
// Also usable as py::call_guard<gil_released>.
class gil_released {
 public:
  gil_released() : state_(PyEval_SaveThread()) {}
  gil_released(const gil_released&) = delete;
  gil_released& operator=(const gil_released&) = delete;
  ~gil_released() noexcept(false);

 private:
  PyThreadState* state_;
};

// --- implementation of without_gil ---
namespace detail {
// The main thread's id (threading.main_thread().ident), set when the module loads: the thread
// that finalizes the interpreter, which must take the GIL back (a portal stopped by __del__ during
// finalization) instead of parking forever.
inline unsigned long& main_thread_ident() {
  static unsigned long id = 0;
  return id;
}
inline void take_gil_back(PyThreadState* state) {
  if (PyThread_get_thread_ident() != main_thread_ident()) {
#if PY_VERSION_HEX >= 0x030D0000
    while (Py_IsFinalizing()) std::this_thread::sleep_for(std::chrono::hours(1));
#else
    while (_Py_IsFinalizing()) std::this_thread::sleep_for(std::chrono::hours(1));
#endif
  }
  PyEval_RestoreThread(state);  // in plain code: a pthread_exit here still unwinds cleanly
}
}  // namespace detail

inline gil_released::~gil_released() noexcept(false) { detail::take_gil_back(state_); }

template <class F>
auto without_gil(F&& f) {
  using R = std::invoke_result_t<F&>;
  PyThreadState* state = PyEval_SaveThread();
  std::exception_ptr failed;
  if constexpr (std::is_void_v<R>) {
    try {
      f();
    } catch (...) {
      failed = std::current_exception();
    }
    detail::take_gil_back(state);
    if (failed) std::rethrow_exception(failed);
  } else {
    std::optional<R> out;
    try {
      out.emplace(f());
    } catch (...) {
      failed = std::current_exception();
    }
    detail::take_gil_back(state);
    if (failed) std::rethrow_exception(failed);
    return R(std::move(*out));
  }
}

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
