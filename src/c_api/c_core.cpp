// The C API's shared machinery (errors, arguments, the handle table) and its first functions:
// version, last error, free.
#include "c_common.hpp"

#include <pbgdpl/core/text.hpp>
#include <pbgdpl/store/kinds.hpp>
#include <pbgdpl/version.hpp>

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <unordered_map>

namespace pbgdpl::c_api {

namespace {

constexpr const char* ok_json =
    R"({"status":"ok","code":"ok","path":"","vi":"Thành công","en":"Success","details":[]})";

// The thread's last error. glibc destroys thread_local objects at exit() BEFORE it runs atexit
// handlers and static destructors, so a program that closes its store there wrote into a freed
// string (found by fuzz_c_api under ASan: a static closed its store at exit). The holder says
// when it is gone (the flag is trivially destructible, so it stays readable); from then on the
// calls share one string that is never freed (at exit only the exiting thread runs).
thread_local bool error_gone = false;
struct error_holder {
  std::string text = ok_json;
  ~error_holder() { error_gone = true; }
};
thread_local error_holder error_of_thread;

std::string& last_error() {
  static std::string* const after_exit = new std::string(ok_json);  // a root: never reported leaked
  return error_gone ? *after_exit : error_of_thread.text;
}

// Error texts may quote the bytes that were wrong: invalid UTF-8 becomes U+FFFD so the error
// JSON itself is always valid (nlohmann would throw on dump otherwise).
std::string clean(const std::string& s) {
  if (text::is_valid_utf8(s)) return s;
  std::string out;
  for (unsigned char c : s)
    out += c < 0x80 ? std::string(1, static_cast<char>(c)) : std::string("\xEF\xBF\xBD");
  return out;
}

json error_json(const error& e) {
  json j = json::object();
  j["status"] = pbgdpl_status_name(status_of(e.code));
  j["code"] = std::string(errc_name(e.code));
  j["path"] = clean(e.path);
  j["vi"] = clean(e.message_vi);
  j["en"] = clean(e.message_en);
  json d = json::array();
  for (const auto& x : e.details) d.push_back(error_json(x));
  j["details"] = std::move(d);
  return j;
}

std::mutex handles_mu;
std::unordered_map<std::uintptr_t, handle_type>& handles() {
  static auto* h = new std::unordered_map<std::uintptr_t, handle_type>();  // never destroyed: usable at exit
  return *h;
}

const char* type_name(handle_type t) { return t == handle_type::store ? "pbgdpl_store" : "pbgdpl_portal"; }

}  // namespace

pbgdpl_c_status status_of(errc c) noexcept {
  switch (c) {
    case errc::ok:
      return PBGDPL_C_OK;
    case errc::not_found:
      return PBGDPL_C_NOT_FOUND;
    case errc::conflict:
    case errc::already_exists:
    case errc::superseded:
      return PBGDPL_C_CONFLICT;
    case errc::io_error:
    case errc::corrupt:
    case errc::unsupported_version:
    case errc::read_only:
    case errc::storage_full:
    case errc::busy:
    case errc::unsafe_path:
      return PBGDPL_C_STORAGE;
    case errc::permission_denied:
    case errc::unauthenticated:
    case errc::csrf:
    case errc::too_many_attempts:
      return PBGDPL_C_ACCESS_DENIED;
    case errc::bad_signature:
    case errc::unknown_key:
    case errc::tampered:
    case errc::expired:
    case errc::not_yet_valid:
    case errc::revoked:
    case errc::wrong_use:
    case errc::bad_key:
    case errc::clock_rollback:
      return PBGDPL_C_SIGNATURE;
    case errc::internal:
      return PBGDPL_C_INTERNAL;
    // No default: a code added to errc without a status here fails the build (-Wswitch, -Werror).
    case errc::invalid_argument:
    case errc::invalid_utf8:
    case errc::parse_error:
    case errc::missing_field:
    case errc::wrong_type:
    case errc::out_of_range:
    case errc::too_large:
    case errc::bad_date:
    case errc::bad_document_number:
    case errc::validation_failed:
      return PBGDPL_C_INVALID_ARGUMENT;
  }
  return PBGDPL_C_INTERNAL;  // a value outside the enum
}

pbgdpl_c_status set_error(const error& e) noexcept {
  pbgdpl_c_status s = status_of(e.code);
  if (s == PBGDPL_C_OK) s = PBGDPL_C_INTERNAL;  // a failure that says "ok" is a bug
  try {
    last_error() = error_json(e).dump();
  } catch (...) {
    last_error() =
        R"({"status":"internal","code":"internal","path":"","vi":"Lỗi nội bộ","en":"Internal error","details":[]})";
  }
  return s;
}

void clear_error() noexcept {
  last_error() = ok_json;
}

std::string text_arg(const char* s, std::string_view name) {
  const std::string path = "/" + std::string(name);
  if (!s)
    fail(errc::invalid_argument, path, "Tham số \"" + std::string(name) + "\" là NULL",
         "The argument \"" + std::string(name) + "\" is NULL");
  std::string v(s);
  if (!text::is_valid_utf8(v))
    fail(errc::invalid_utf8, path, "\"" + std::string(name) + "\" không phải UTF-8 hợp lệ",
         "\"" + std::string(name) + "\" is not valid UTF-8");
  return v;
}

std::string text_or(const char* s, std::string_view name, std::string fallback) {
  return s ? text_arg(s, name) : std::move(fallback);
}

json json_arg(const char* s, std::string_view name, bool any) {
  std::string text = text_arg(s, name);
  auto j = json_io::parse(text);
  if (!j) {
    error e = j.err();
    e.path = "/" + std::string(name) + e.path;
    fail(e);
  }
  if (!any && !j->is_object())
    fail(errc::wrong_type, "/" + std::string(name),
         "\"" + std::string(name) + "\" phải là một đối tượng JSON",
         "\"" + std::string(name) + "\" must be a JSON object");
  return std::move(*j);
}

std::string_view bytes_arg(const void* data, std::size_t size, std::string_view name) {
  if (!data && size != 0)
    fail(errc::invalid_argument, "/" + std::string(name), "Dữ liệu NULL với độ dài khác 0",
         "NULL data with a non-zero size");
  if (!data) return {};
  return {static_cast<const char*>(data), size};
}

timestamp time_member(const json& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end() || it->is_null()) return now();
  if (!it->is_string())
    fail(errc::wrong_type, std::string("/") + key, std::string("\"") + key + "\" phải là thời điểm (chuỗi)",
         std::string("\"") + key + "\" must be a timestamp string");
  auto t = parse_timestamp(it->get<std::string>());
  if (!t) fail(t.err().code, std::string("/") + key, t.err().message_vi, t.err().message_en);
  return *t;
}

std::string string_member(const json& o, const char* key, std::string fallback) {
  auto it = o.find(key);
  if (it == o.end() || it->is_null()) return fallback;
  if (!it->is_string())
    fail(errc::wrong_type, std::string("/") + key, std::string("\"") + key + "\" phải là chuỗi",
         std::string("\"") + key + "\" must be a string");
  return it->get<std::string>();
}

char* dup(std::string_view s) {
  auto* p = static_cast<char*>(std::malloc(s.size() + 1));
  if (!p) throw std::bad_alloc();
  std::memcpy(p, s.data(), s.size());
  p[s.size()] = '\0';
  return p;
}

void put_json(char** out, const json& j) {
  if (out) *out = dup(j.dump(-1, ' ', false, json::error_handler_t::replace));
}

void register_handle(const void* p, handle_type type) {
  std::lock_guard lock(handles_mu);
  handles()[reinterpret_cast<std::uintptr_t>(p)] = type;
}

bool unregister_handle(const void* p, handle_type type) {
  std::lock_guard lock(handles_mu);
  auto it = handles().find(reinterpret_cast<std::uintptr_t>(p));
  if (it == handles().end() || it->second != type) return false;
  handles().erase(it);
  return true;
}

namespace {
void check_locked(const void* p, handle_type type, std::string_view name) {
  const std::string path = "/" + std::string(name);
  if (!p)
    fail(errc::invalid_argument, path, std::string(type_name(type)) + " là NULL",
         std::string(type_name(type)) + " is NULL");
  auto it = handles().find(reinterpret_cast<std::uintptr_t>(p));
  if (it == handles().end())
    fail(errc::invalid_argument, path, std::string(type_name(type)) + " đã đóng hoặc không hợp lệ",
         std::string(type_name(type)) + " is closed or was never opened");
  if (it->second != type)
    fail(errc::invalid_argument, path, "Sai loại handle: cần " + std::string(type_name(type)),
         "Wrong handle type: expected " + std::string(type_name(type)));
}
}  // namespace

void with_handle(const void* p, handle_type type, std::string_view name, const std::function<void()>& f) {
  std::lock_guard lock(handles_mu);
  check_locked(p, type, name);
  f();
}

std::shared_ptr<store::store> shared_store(pbgdpl_store* h) {
  std::lock_guard lock(handles_mu);  // held while copying: a close on another thread waits
  check_locked(h, handle_type::store, "store");
  return h->impl;
}

}  // namespace pbgdpl::c_api

using namespace pbgdpl;
using namespace pbgdpl::c_api;

extern "C" {

PBGDPL_C_API const char* pbgdpl_version(void) { return PBGDPL_VERSION_STRING; }

PBGDPL_C_API int pbgdpl_abi_version(void) { return PBGDPL_C_ABI_VERSION; }

PBGDPL_C_API pbgdpl_c_status pbgdpl_version_json(char** out_json) {
  return barrier([&] {
    out_arg(out_json, "out_json");
    json j = json::object();
    j["version"] = PBGDPL_VERSION_STRING;
    j["abi"] = PBGDPL_C_ABI_VERSION;
    json kinds = json::array();
    for (const auto& k : store::stored_kind_infos()) kinds.push_back(std::string(k.kind));
    j["kinds"] = kinds;
    j["searchable"] = store::searchable_kinds();
    put_json(out_json, j);
  });
}

PBGDPL_C_API const char* pbgdpl_status_name(pbgdpl_c_status status) {
  switch (status) {
    case PBGDPL_C_OK:
      return "ok";
    case PBGDPL_C_INVALID_ARGUMENT:
      return "invalid_argument";
    case PBGDPL_C_NOT_FOUND:
      return "not_found";
    case PBGDPL_C_CONFLICT:
      return "conflict";
    case PBGDPL_C_SIGNATURE:
      return "signature";
    case PBGDPL_C_ACCESS_DENIED:
      return "access_denied";
    case PBGDPL_C_STORAGE:
      return "storage";
    case PBGDPL_C_INTERNAL:
      return "internal";
  }
  return "unknown";
}

PBGDPL_C_API const char* pbgdpl_last_error_json(void) { return last_error().c_str(); }

PBGDPL_C_API void pbgdpl_free(void* p) { std::free(p); }

}  // extern "C"
