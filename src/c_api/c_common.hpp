// What every C API file shares: the handle table (rule 5 of pbgdpl.h), the per-thread last error
// (rule 2), the catch-all barrier (rule 6), and the JSON/UTF-8 argument readers. Internal: not
// installed, not exported (the library is built with -fvisibility=hidden and a version script).
#pragma once
#include <pbgdpl/c/pbgdpl.h>

#include <pbgdpl/core/errors.hpp>
#include <pbgdpl/core/json.hpp>
#include <pbgdpl/core/result.hpp>
#include <pbgdpl/core/time.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

PBGDPL_NAMESPACE_BEGIN
namespace store {
class store;
}
PBGDPL_NAMESPACE_END

namespace pbgdpl::c_api {

// A failed call's error, thrown inside a barrier and turned into a status there.
struct failure {
  error err;
};

[[noreturn]] inline void fail(error e) { throw failure{std::move(e)}; }
[[noreturn]] inline void fail(errc c, std::string path, std::string vi, std::string en) {
  throw failure{error(c, std::move(path), std::move(vi), std::move(en))};
}

template <class T>
T must(result<T>&& r) {
  if (!r) fail(r.err());
  if constexpr (!std::is_void_v<T>) return std::move(r).value();
}
inline void must(result<void>&& r) {
  if (!r) fail(r.err());
}

// The status a library code maps to.
pbgdpl_c_status status_of(errc c) noexcept;
// Records `e` as the thread's last error and returns its status.
pbgdpl_c_status set_error(const error& e) noexcept;
void clear_error() noexcept;

// Runs f() (which returns void) behind the barrier: library failures, nlohmann and std exceptions
// and anything else become a status and the thread's last error; nothing escapes.
template <class F>
pbgdpl_c_status barrier(F&& f) noexcept {
  try {
    f();
    clear_error();
    return PBGDPL_C_OK;
  } catch (const failure& e) {
    return set_error(e.err);
  } catch (const exception& e) {
    return set_error(e.err());
  } catch (const std::bad_alloc&) {
    return set_error(error(errc::too_large, {}, "Hết bộ nhớ", "Out of memory"));
  } catch (const std::exception& e) {
    return set_error(error(errc::internal, {}, "Lỗi nội bộ", std::string("Internal error: ") + e.what()));
  } catch (...) {
    return set_error(error(errc::internal, {}, "Lỗi nội bộ", "Internal error: unknown exception"));
  }
}

// --- arguments ---
// A required text argument (NULL refused), valid UTF-8.
std::string text_arg(const char* s, std::string_view name);
// An optional one: NULL -> `fallback`.
std::string text_or(const char* s, std::string_view name, std::string fallback);
// A JSON document argument: NULL, invalid UTF-8 or invalid JSON refused; checked to be an object
// unless `any` (limits as the library's parser: depth, size).
json json_arg(const char* s, std::string_view name, bool any = false);
// An out-param that must not be NULL.
template <class T>
T** out_arg(T** p, std::string_view name) {
  if (!p)
    fail(errc::invalid_argument, "/" + std::string(name),
         "Tham số đầu ra \"" + std::string(name) + "\" là NULL",
         "The out-parameter \"" + std::string(name) + "\" is NULL");
  *p = nullptr;
  return p;
}
// Bytes (data, size): NULL only with size 0.
std::string_view bytes_arg(const void* data, std::size_t size, std::string_view name);
// A timestamp member of an options object ("at", ...): missing or null -> now.
timestamp time_member(const json& o, const char* key);
std::string string_member(const json& o, const char* key, std::string fallback = {});

// A malloc'd copy for the caller (freed with pbgdpl_free).
char* dup(std::string_view s);
// Writes `j` as compact JSON to *out when out is not NULL.
void put_json(char** out, const json& j);

// --- handles ---
enum class handle_type : std::uint8_t { store, portal };
// Registers / unregisters a handle (unregister: false when `p` is not a live handle of `type`).
void register_handle(const void* p, handle_type type);
bool unregister_handle(const void* p, handle_type type);
// Fails (INVALID_ARGUMENT) unless `p` is a live handle of `type`, then runs f() with the table
// still locked: a close or stop on another thread waits until f() has read what it needs.
void with_handle(const void* p, handle_type type, std::string_view name, const std::function<void()>& f);

// The store handle's body: the store, shared with any portal serving it.
std::shared_ptr<store::store> shared_store(pbgdpl_store* h);  // checks the handle first

}  // namespace pbgdpl::c_api

struct pbgdpl_store {
  std::shared_ptr<pbgdpl::store::store> impl;
};
