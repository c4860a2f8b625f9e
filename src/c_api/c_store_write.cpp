// Create and update through the C API, for any stored kind by name: the record decoded from JSON,
// its *_html rendered from the Markdown (never the caller's), then the store's typed write, as
// bindings/python/src/store.cpp does. Apart from c_store.cpp: one instantiation per kind of
// each write is the bulk of the C API's compile time, and two TUs build on two cores at once.
#include "c_common.hpp"
#include "c_kinds.hpp"

#include <pbgdpl/model.hpp>
#include <pbgdpl/publish/rendered.hpp>

namespace pbgdpl::c_api {
namespace {

// A record object as T, not yet validated (create/update validate after filling what the store
// owns). For a create, the id (random when empty) and the times may be left out.
template <class T>
T decode_unchecked(json j, bool for_create) {
  if (for_create) {
    if (!j.contains("id") || j["id"].is_null() || j["id"] == "") j["id"] = random_id_string();
    const std::string unset = format_timestamp_utc(timestamp{});
    if constexpr (requires { requires std::is_same_v<decltype(T::created_at), timestamp>; })
      if (!j.contains("created_at") || j["created_at"].is_null()) j["created_at"] = unset;
    if constexpr (requires { requires std::is_same_v<decltype(T::updated_at), timestamp>; })
      if (!j.contains("updated_at") || j["updated_at"].is_null()) j["updated_at"] = unset;
  }
  try {
    T v{};
    json_io::read(j, v);
    return v;
  } catch (const exception& e) {
    error err = e.err();
    err.path = "/record_json" + err.path;
    fail(err);
  } catch (const nlohmann::json::exception& e) {
    fail(errc::wrong_type, "/record_json", "Sai kiểu dữ liệu", e.what());
  }
}

pbgdpl_c_status write(pbgdpl_store* h, const char* kind_arg, const char* record_json, const char* actor_arg,
                      char** out_json, bool create) {
  return barrier([&] {
    out_arg(out_json, "out_json");
    auto s = shared_store(h);
    const std::string kind = text_arg(kind_arg, "kind");
    json j = json_arg(record_json, "record_json");
    const std::string actor = text_or(actor_arg, "actor", "c-api");
    json out;
    visit_kind(kind, [&]<class T>() {
      T v = decode_unchecked<T>(std::move(j), create);
      must(publish::render_html(v));  // server-owned HTML, from the Markdown (never the caller's)
      out = to_json_value(must(create ? s->create(std::move(v), actor) : s->update(std::move(v), actor)));
    });
    put_json(out_json, out);
  });
}

}  // namespace
}  // namespace pbgdpl::c_api

using namespace pbgdpl;
using namespace pbgdpl::c_api;

extern "C" {

PBGDPL_C_API pbgdpl_c_status pbgdpl_store_create(pbgdpl_store* h, const char* kind, const char* record_json,
                                                 const char* actor, char** out_json) {
  return write(h, kind, record_json, actor, out_json, true);
}

PBGDPL_C_API pbgdpl_c_status pbgdpl_store_update(pbgdpl_store* h, const char* kind, const char* record_json,
                                                 const char* actor, char** out_json) {
  return write(h, kind, record_json, actor, out_json, false);
}

}  // extern "C"
