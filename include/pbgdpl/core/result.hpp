// result<T>: the non-throwing form of every fallible operation (C++20 has no std::expected).
// `value()` throws pbgdpl::exception, so callers choose their style at the call site.
// On an rvalue result, value() and operator* return the value itself (moved out), never a
// reference into the temporary: `for (auto& u : db->list<unit>({}).value().items)` would
// otherwise iterate a vector destroyed before the loop's first turn (the range-init's temporary
// dies at the end of that full-expression). The cost is one move.
// Thread safety: a value type; share a const result across threads, not a mutable one.
#pragma once
#include "errors.hpp"

#include <type_traits>
#include <utility>
#include <variant>

PBGDPL_NAMESPACE_BEGIN

template <class T>
class [[nodiscard]] result {
 public:
  using value_type = T;
  result(T v) : v_(std::in_place_index<0>, std::move(v)) {}
  result(error e) : v_(std::in_place_index<1>, std::move(e)) {}
  result(errc c) : v_(std::in_place_index<1>, error(c)) {}

  bool has_value() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  T& value() & { check(); return std::get<0>(v_); }
  const T& value() const& { check(); return std::get<0>(v_); }
  T value() && { check(); return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const error& err() const& { return std::get<1>(v_); }
  error err() && { return std::get<1>(std::move(v_)); }  // by value, as value() &&
  template <class U>
  T value_or(U&& fallback) const& { return has_value() ? std::get<0>(v_) : T(std::forward<U>(fallback)); }

 private:
  void check() const {
    if (!has_value()) throw exception(std::get<1>(v_));
  }
  std::variant<T, error> v_;
};

// result<void>: success or an error.
template <>
class [[nodiscard]] result<void> {
 public:
  result() = default;
  result(error e) : e_(std::move(e)), ok_(false) {}
  result(errc c) : e_(c), ok_(c == errc::ok) {}
  bool has_value() const noexcept { return ok_; }
  explicit operator bool() const noexcept { return ok_; }
  void value() const {
    if (!ok_) throw exception(e_);
  }
  const error& err() const& { return e_; }

 private:
  error e_;
  bool ok_ = true;
};

// Runs f, turning a pbgdpl::exception into an error value; for the non-throwing edge of an API
// implemented in the throwing style.
template <class F>
auto catch_result(F&& f) -> result<std::invoke_result_t<F>> {
  try {
    if constexpr (std::is_void_v<std::invoke_result_t<F>>) {
      f();
      return {};
    } else {
      return f();
    }
  } catch (const exception& e) {
    return e.err();
  }
}

PBGDPL_NAMESPACE_END
