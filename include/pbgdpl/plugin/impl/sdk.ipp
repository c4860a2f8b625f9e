// Bodies of plugin/sdk.hpp: the host wrapper, and the glue PBGDPL_PLUGIN instantiates (the
// descriptor, the entry point's version check, the barrier around every export, the adaptors
// from the ABI's JSON to the kinds' C++ interfaces). Always inline: compiled into each plugin.
#pragma once
#include "../sdk.hpp"

#include <cstring>
#include <exception>
#include <functional>
#include <new>
#include <type_traits>

PBGDPL_NAMESPACE_BEGIN
namespace plugin {

// --- HTTP documents ----------------------------------------------------------------------------

inline json http_request_to_json(const http_request& r) {
  json headers = json::object();
  for (const auto& [n, v] : r.headers) {
    auto& slot = headers[n];
    // One name twice: joined as HTTP allows for list-valued headers.
    slot = slot.is_string() ? json(slot.get<std::string>() + ", " + v) : json(v);
  }
  json j{{"method", r.method}, {"url", r.url}, {"headers", std::move(headers)}, {"timeout_ms", r.timeout.count()}};
  if (!r.body.empty()) {
    if (text::is_valid_utf8(r.body)) j["body"] = r.body;
    else j["body_base64"] = base64_encode(r.body);
  }
  return j;
}

namespace detail {
inline std::vector<std::pair<std::string, std::string>> headers_of(const json& j) {
  std::vector<std::pair<std::string, std::string>> out;
  if (j.is_null()) return out;
  if (!j.is_object()) json_io::wrong_type(j, "đối tượng", "object");
  // Not a structured binding: clang before 16 cannot capture one in the lambda below.
  for (auto it = j.begin(); it != j.end(); ++it) {
    const json& v = it.value();
    if (!v.is_string()) json_io::at_path(it.key(), [&] { json_io::wrong_type(v, "chuỗi", "string"); });
    out.emplace_back(it.key(), v.get<std::string>());
  }
  return out;
}

inline std::string body_of(const json& j) {
  if (auto b = j.find("body_base64"); b != j.end() && !b->is_null()) {
    std::optional<std::string> bytes;
    json_io::at_path("body_base64", [&] {
      if (!b->is_string()) json_io::wrong_type(*b, "chuỗi", "string");
      bytes = base64_decode(b->get_ref<const std::string&>());
      if (!bytes) json_io::fail(errc::invalid_argument, "Base64 không hợp lệ", "Invalid base64");
    });
    return std::move(*bytes);
  }
  std::string body;
  store_codec::detail::object_reader(j).text("body", body);
  return body;
}
}  // namespace detail

inline result<http_request> http_request_from_json(const json& j) {
  return store_codec::detail::guarded([&] {
    store_codec::detail::object_reader r(j);
    http_request q;
    r.text("method", q.method);
    r.text("url", q.url, true);
    if (auto h = j.find("headers"); h != j.end()) json_io::at_path("headers", [&] { q.headers = detail::headers_of(*h); });
    q.body = detail::body_of(j);
    std::int64_t ms = q.timeout.count();
    r.number("timeout_ms", ms);
    if (ms <= 0) json_io::fail(errc::out_of_range, "Thời gian chờ phải dương", "timeout_ms must be positive");
    q.timeout = std::chrono::milliseconds(ms);
    return q;
  });
}

inline json http_response_to_json(const http_response& r) {
  json headers = json::object();
  for (const auto& [n, v] : r.headers) {
    auto& slot = headers[n];
    slot = slot.is_string() ? json(slot.get<std::string>() + ", " + v) : json(v);
  }
  json j{{"status", r.status}, {"headers", std::move(headers)}};
  if (text::is_valid_utf8(r.body)) j["body"] = r.body;
  else j["body_base64"] = base64_encode(r.body);
  return j;
}

inline result<http_response> http_response_from_json(const json& j) {
  return store_codec::detail::guarded([&] {
    store_codec::detail::object_reader r(j);
    http_response p;
    r.number("status", p.status, true);
    if (auto h = j.find("headers"); h != j.end()) json_io::at_path("headers", [&] { p.headers = detail::headers_of(*h); });
    p.body = detail::body_of(j);
    return p;
  });
}

// --- host --------------------------------------------------------------------------------------

inline void host::log(pbgdpl_log_level level, std::string_view message) const {
  if (api_ && api_->log) api_->log(api_->host_ctx, level, message.data(), message.size());
}

inline std::chrono::sys_time<std::chrono::milliseconds> host::now_ms() const {
  if (!api_ || !api_->now_ms)
    return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  return std::chrono::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(api_->now_ms(api_->host_ctx)));
}

inline timestamp host::now() const { return std::chrono::floor<std::chrono::seconds>(now_ms()); }

inline std::string host::take(pbgdpl_buffer& b) const {
  std::string s;
  if (b.data) {
    s.assign(b.data, b.size);
    if (api_ && api_->free) api_->free(api_->host_ctx, b.data);
  }
  b = {};
  return s;
}

inline result<std::string> host::call_for_text(
    pbgdpl_status (*fn)(void*, const char*, std::size_t, pbgdpl_buffer*, pbgdpl_buffer*), std::string_view in) const {
  if (!fn)
    return error(errc::internal, {}, "Máy chủ không cung cấp dịch vụ này cho plugin",
                 "The host does not offer this service to plugins");
  pbgdpl_buffer out{}, err{};
  auto st = fn(api_->host_ctx, in.data(), in.size(), &out, &err);
  auto out_text = take(out);
  auto err_text = take(err);
  if (st != PBGDPL_STATUS_OK) return error_from_abi_text(err_text, st);
  return out_text;
}

inline result<http_response> host::http(const http_request& r) const {
  if (!api_) return error(errc::internal);
  auto text = call_for_text(api_->http, http_request_to_json(r).dump());
  if (!text) return text.err();
  // The host is trusted; its answer is bounded by its own policy.
  auto j = parse_limited(*text, std::size_t(1) << 30);
  if (!j) return j.err();
  return http_response_from_json(*j);
}

inline result<json> host::normalize(std::string_view json_text) const {
  if (!api_) return error(errc::internal);
  auto text = call_for_text(api_->json_normalize, json_text);
  if (!text) return text.err();
  return parse_limited(*text, std::size_t(1) << 30);
}

inline void host::store_changed(const std::vector<store::change>& batch) const {
  if (!api_ || !api_->store_changed || batch.empty()) return;
  auto text = store_codec::encode(batch).dump();
  api_->store_changed(api_->host_ctx, instance_, text.data(), text.size());
}

namespace detail {

constexpr bool same_id(const char* a, const char* build) {
  if (build == nullptr) return true;
  while (*a && *a == *build) ++a, ++build;
  return *a == *build;
}
constexpr bool same_kinds(std::uint32_t kinds, std::uint32_t build) { return build == 0 || kinds == build; }

// Copies `text` into a HOST-OWNED buffer. False when the host could not allocate it.
inline bool give(const pbgdpl_host_api* api, pbgdpl_buffer* buf, std::string_view text) noexcept {
  if (!buf) return true;
  *buf = {};
  if (text.empty()) return true;
  if (!api || !api->alloc) return false;
  auto* p = static_cast<char*>(api->alloc(api->host_ctx, text.size()));
  if (!p) return false;
  std::memcpy(p, text.data(), text.size());
  *buf = {p, text.size()};
  return true;
}

// Fills `err` with e and returns its status. Never throws.
inline pbgdpl_status fail(const pbgdpl_host_api* api, pbgdpl_buffer* err, const error& e) noexcept {
  auto st = to_status(e.code);
  if (st == PBGDPL_STATUS_OK) st = PBGDPL_STATUS_INTERNAL;
  try {
    give(api, err, error_to_abi_json(e).dump(-1, ' ', false, json::error_handler_t::replace));
  } catch (...) {
    if (err) *err = {};
  }
  return st;
}

inline error internal_error(std::string_view what) {
  std::string w(what.substr(0, 500));
  if (!text::is_valid_utf8(w)) w = "?";
  return error(errc::internal, {}, "Plugin gặp lỗi nội bộ: " + w, "The plugin failed internally: " + w);
}

// The exception barrier (abi.h policy 8): f returns result<std::string> (the answer, HOST-OWNED
// in `out`) or result<void>. A pbgdpl::exception keeps its code; anything else fails closed.
template <class F>
pbgdpl_status barrier(const pbgdpl_host_api* api, pbgdpl_buffer* out, pbgdpl_buffer* err, F&& f) noexcept {
  if (err) *err = {};
  if (out) *out = {};
  try {
    auto r = f();
    if (!r) return fail(api, err, r.err());
    if constexpr (!std::is_same_v<decltype(r), result<void>>) {
      if (!give(api, out, *r))
        return fail(api, err, error(errc::too_large, {}, "Máy chủ không cấp được bộ nhớ cho câu trả lời",
                                    "The host could not allocate the answer"));
    }
    return PBGDPL_STATUS_OK;
  } catch (const exception& e) {
    return fail(api, err, e.err());
  } catch (const std::bad_alloc&) {
    return fail(api, err, internal_error("out of memory"));
  } catch (const std::exception& e) {
    return fail(api, err, internal_error(e.what()));
  } catch (...) {
    return fail(api, err, internal_error("unknown exception"));
  }
}

// One instance as the host sees it (the `void* instance`).
struct instance_box {
  explicit instance_box(host h) : services(h) {}
  host services;
  std::unique_ptr<plugin> impl;
  store::store* db = nullptr;
  publisher* pub = nullptr;
  notifier* note = nullptr;
  exporter* exp = nullptr;
  connector* conn = nullptr;
  store::change_subscription changes;  // declared last: unsubscribed before impl goes
};

inline instance_box& box_of(void* instance) { return *static_cast<instance_box*>(instance); }

// A request document from the host.
inline json request_of(const char* text, std::size_t len) {
  auto j = parse_limited(std::string_view(text ? text : "", text ? len : 0), max_boundary_bytes);
  if (!j) throw exception(j.err());
  if (!j->is_object()) json_io::wrong_type(*j, "đối tượng", "object");
  return std::move(*j);
}

inline std::string text_member(const json& j, const char* key, bool required = true) {
  std::string s;
  store_codec::detail::object_reader(j).text(key, s, required);
  return s;
}

inline error kind_missing(std::string_view kind) {
  return error(errc::internal, {}, "Plugin khai báo loại \"" + std::string(kind) + "\" nhưng không cung cấp",
               "The plugin declares the kind \"" + std::string(kind) + "\" but its instance provides none");
}

template <class P>
pbgdpl_status create(const pbgdpl_host_api* api, void* host_instance, const char* config_json, std::size_t config_len,
                     void** instance, pbgdpl_buffer* err, std::uint32_t kinds) noexcept {
  if (!instance) return fail(api, err, error(errc::invalid_argument));
  *instance = nullptr;
  return barrier(api, nullptr, err, [&]() -> result<void> {
    json config = config_len == 0 ? json::object() : request_of(config_json, config_len);
    auto box = std::make_unique<instance_box>(host(api, host_instance));
    box->impl = std::make_unique<P>(box->services, std::as_const(config));
    auto& p = *box->impl;
    if (kinds & PBGDPL_KIND_STORE) {
      if (!(box->db = p.as_store())) return kind_missing("store");
      box->changes = box->db->subscribe([h = box->services](const std::vector<store::change>& batch) { h.store_changed(batch); });
    }
    if ((kinds & PBGDPL_KIND_PUBLISHER) && !(box->pub = p.as_publisher())) return kind_missing("publisher");
    if ((kinds & PBGDPL_KIND_NOTIFIER) && !(box->note = p.as_notifier())) return kind_missing("notifier");
    if ((kinds & PBGDPL_KIND_EXPORTER) && !(box->exp = p.as_exporter())) return kind_missing("exporter");
    if ((kinds & PBGDPL_KIND_CONNECTOR) && !(box->conn = p.as_connector())) return kind_missing("connector");
    *instance = box.release();
    return {};
  });
}

inline void destroy(void* instance) noexcept {
  try {
    delete static_cast<instance_box*>(instance);
  } catch (...) {  // a destructor that throws: the instance is gone either way
  }
}

// --- store -------------------------------------------------------------------------------------

inline pbgdpl_status store_write(void* instance, const char* request, std::size_t len, pbgdpl_buffer* out,
                                 pbgdpl_buffer* err) noexcept {
  auto& b = box_of(instance);
  return barrier(b.services.api(), out, err, [&]() -> result<std::string> {
    auto j = request_of(request, len);
    auto op = store_codec::write_op_from_string(text_member(j, "op"));
    if (!op)
      return error(errc::out_of_range, "/op", "Thao tác không hợp lệ; cho phép: create, update, archive, remove",
                   "Invalid op; allowed: create, update, archive, remove");
    auto it = j.find("record");
    if (it == j.end()) store_codec::detail::object_reader::missing("record");
    auto rec = store_codec::decode_record(*it);
    if (!rec) {
      error e = rec.err();
      e.path = "/record" + e.path;
      return e;
    }
    std::uint64_t expected = 0;
    store_codec::detail::object_reader(j).number("expected", expected);
    auto actor = text_member(j, "actor", false);
    auto w = b.db->write(*op, *rec, expected, actor);
    if (!w) return w.err();
    return std::string("{}");
  });
}

inline pbgdpl_status store_read(void* instance, const char* request, std::size_t len, pbgdpl_buffer* out,
                                pbgdpl_buffer* err) noexcept {
  auto& b = box_of(instance);
  return barrier(b.services.api(), out, err, [&]() -> result<std::string> {
    auto j = request_of(request, len);
    auto r = b.db->read(text_member(j, "kind"), text_member(j, "id"));
    if (!r) return r.err();
    return store_codec::encode(*r).dump();
  });
}

inline pbgdpl_status store_list(void* instance, const char* request, std::size_t len, pbgdpl_buffer* out,
                                pbgdpl_buffer* err) noexcept {
  auto& b = box_of(instance);
  return barrier(b.services.api(), out, err, [&]() -> result<std::string> {
    auto j = request_of(request, len);
    store::list_query q;
    if (auto it = j.find("query"); it != j.end()) {
      auto d = store_codec::decode_list_query(*it);
      if (!d) {
        error e = d.err();
        e.path = "/query" + e.path;
        return e;
      }
      q = std::move(*d);
    }
    auto p = b.db->list_records(text_member(j, "kind"), q);
    if (!p) return p.err();
    return store_codec::encode(*p).dump();
  });
}

inline pbgdpl_status store_search(void* instance, const char* request, std::size_t len, pbgdpl_buffer* out,
                                  pbgdpl_buffer* err) noexcept {
  auto& b = box_of(instance);
  return barrier(b.services.api(), out, err, [&]() -> result<std::string> {
    auto q = store_codec::decode_search_request(request_of(request, len));
    if (!q) return q.err();
    auto p = b.db->search(*q);
    if (!p) return p.err();
    return store_codec::encode(*p).dump();
  });
}

inline pbgdpl_status store_audit_log(void* instance, const char* request, std::size_t len, pbgdpl_buffer* out,
                                     pbgdpl_buffer* err) noexcept {
  auto& b = box_of(instance);
  return barrier(b.services.api(), out, err, [&]() -> result<std::string> {
    auto j = request_of(request, len);
    std::size_t limit = 100;
    store_codec::detail::object_reader(j).number("limit", limit);
    auto log = b.db->audit_log(text_member(j, "kind", false), text_member(j, "id", false), limit);
    if (!log) return log.err();
    return store_codec::encode(*log).dump();
  });
}

inline pbgdpl_status store_transaction(void* instance, pbgdpl_status (*body)(void*), void* body_ctx,
                                       pbgdpl_buffer* err) noexcept {
  auto& b = box_of(instance);
  pbgdpl_status body_status = PBGDPL_STATUS_OK;
  auto st = barrier(b.services.api(), nullptr, err, [&]() -> result<void> {
    if (!body) return error(errc::invalid_argument);
    return b.db->transaction([&]() -> result<void> {
      body_status = body(body_ctx);
      if (body_status != PBGDPL_STATUS_OK) return error(to_errc(body_status));
      return {};
    });
  });
  // The body's own failure is the host's business (abi.h): its status, not the store's words.
  if (body_status != PBGDPL_STATUS_OK) {
    if (err && err->data && b.services.api() && b.services.api()->free) b.services.api()->free(b.services.api()->host_ctx, err->data);
    if (err) *err = {};
    return body_status;
  }
  return st;
}

inline pbgdpl_status store_change_stamp(void* instance, std::uint64_t* stamp, int* has) noexcept {
  if (stamp) *stamp = 0;
  if (has) *has = 0;
  try {
    auto s = box_of(instance).db->change_stamp();
    if (s) {
      if (stamp) *stamp = *s;
      if (has) *has = 1;
    }
    return PBGDPL_STATUS_OK;
  } catch (...) {
    return PBGDPL_STATUS_INTERNAL;
  }
}

inline pbgdpl_status store_poll_changes(void* instance, std::uint64_t* delivered, pbgdpl_buffer* err) noexcept {
  auto& b = box_of(instance);
  if (delivered) *delivered = 0;
  return barrier(b.services.api(), nullptr, err, [&]() -> result<void> {
    auto n = b.db->poll_changes();
    if (!n) return n.err();
    if (delivered) *delivered = *n;
    return {};
  });
}

inline const pbgdpl_store_api store_table = {
    sizeof(pbgdpl_store_api), &store_write,       &store_read,         &store_list,        &store_search,
    &store_audit_log,         &store_transaction, &store_change_stamp, &store_poll_changes};

// --- publisher, notifier, exporter, connector ---------------------------------------------------

inline pbgdpl_status publisher_publish(void* instance, const char* request, std::size_t len, pbgdpl_buffer* out,
                                       pbgdpl_buffer* err) noexcept {
  auto& b = box_of(instance);
  return barrier(b.services.api(), out, err, [&]() -> result<std::string> {
    auto r = b.pub->publish(request_of(request, len));
    if (!r) return r.err();
    return r->dump();
  });
}

inline pbgdpl_status publisher_drain(void* instance, const char* request, std::size_t len, pbgdpl_buffer* out,
                                     pbgdpl_buffer* err) noexcept {
  auto& b = box_of(instance);
  return barrier(b.services.api(), out, err, [&]() -> result<std::string> {
    auto j = request_of(request, len);
    std::size_t max = 100;
    store_codec::detail::object_reader(j).number("max", max);
    auto r = b.pub->drain(max);
    if (!r) return r.err();
    return r->dump();
  });
}

inline const pbgdpl_publisher_api publisher_table = {sizeof(pbgdpl_publisher_api), &publisher_publish,
                                                     &publisher_drain};

inline pbgdpl_status notifier_send(void* instance, const char* request, std::size_t len, pbgdpl_buffer* out,
                                   pbgdpl_buffer* err) noexcept {
  auto& b = box_of(instance);
  return barrier(b.services.api(), out, err, [&]() -> result<std::string> {
    auto j = request_of(request, len);
    auto event = text_member(j, "event");
    auto data = j.find("data");
    auto n = b.note->send(event, data == j.end() ? json::object() : *data);
    if (!n) return n.err();
    return json{{"recipients", *n}}.dump();
  });
}

template <class P>
constexpr const char* channel_of(const char* id) {
  if constexpr (requires { P::notifier_channel; }) return P::notifier_channel;
  else return id;
}

template <class P>
constexpr const char* formats_of() {
  if constexpr (requires { P::export_formats; }) return P::export_formats;
  else return "[]";
}

template <class P>
constexpr std::uint32_t flags_of() {
  if constexpr (requires { P::plugin_flags; }) return P::plugin_flags;
  else return 0;
}

inline pbgdpl_status exporter_export(void* instance, const char* request, std::size_t len, pbgdpl_buffer* out,
                                     pbgdpl_buffer* err) noexcept {
  auto& b = box_of(instance);
  return barrier(b.services.api(), out, err, [&]() -> result<std::string> {
    auto j = request_of(request, len);
    auto format = text_member(j, "format");
    std::vector<store::record> records;
    if (auto it = j.find("records"); it != j.end()) {
      auto rs = store_codec::decode_records(*it);
      if (!rs) {
        error e = rs.err();
        e.path = "/records" + e.path;
        return e;
      }
      records = std::move(*rs);
    }
    return b.exp->export_records(format, records);
  });
}

inline pbgdpl_status connector_import(void* instance, const char* request, std::size_t len, pbgdpl_buffer* out,
                                      pbgdpl_buffer* err) noexcept {
  auto& b = box_of(instance);
  return barrier(b.services.api(), out, err, [&]() -> result<std::string> {
    auto j = request_of(request, len);
    auto r = b.conn->import_catalogue(text_member(j, "format"), text_member(j, "content"));
    if (!r) return r.err();
    return r->dump(-1, ' ', false, json::error_handler_t::replace);
  });
}

inline pbgdpl_status connector_export(void* instance, const char* request, std::size_t len, pbgdpl_buffer* out,
                                      pbgdpl_buffer* err) noexcept {
  auto& b = box_of(instance);
  return barrier(b.services.api(), out, err, [&]() -> result<std::string> {
    auto j = request_of(request, len);
    auto format = text_member(j, "format");
    j.erase("format");
    return b.conn->export_catalogue(format, j);
  });
}

inline const pbgdpl_connector_api connector_table = {sizeof(pbgdpl_connector_api), &connector_import,
                                                     &connector_export};

// The static tables that depend on the plugin class (its channel and formats).
template <class P>
struct kind_tables {
  static inline pbgdpl_notifier_api notifier = {sizeof(pbgdpl_notifier_api), nullptr, &notifier_send};
  static inline const pbgdpl_exporter_api exporter = {sizeof(pbgdpl_exporter_api), formats_of<P>(), &exporter_export};
};

template <class P>
pbgdpl_plugin_desc make_descriptor(const char* id, const char* version, const char* license, const char* description,
                                   std::uint32_t kinds) noexcept {
  pbgdpl_plugin_desc d{};
  d.struct_size = sizeof(pbgdpl_plugin_desc);
  d.abi_major = PBGDPL_ABI_MAJOR;
  d.abi_minor = PBGDPL_ABI_MINOR;
  d.id = id;
  d.version = version;
  d.license = license;
  d.description = description;
  d.kinds = kinds;
  d.flags = flags_of<P>();
  d.destroy = &destroy;
  if (kinds & PBGDPL_KIND_STORE) d.store = &store_table;
  if (kinds & PBGDPL_KIND_PUBLISHER) d.publisher = &publisher_table;
  if (kinds & PBGDPL_KIND_NOTIFIER) {
    kind_tables<P>::notifier.channel = channel_of<P>(id);
    d.notifier = &kind_tables<P>::notifier;
  }
  if (kinds & PBGDPL_KIND_EXPORTER) d.exporter = &kind_tables<P>::exporter;
  if (kinds & PBGDPL_KIND_CONNECTOR) d.connector = &connector_table;
  return d;
}

// The plugin's descriptor: STATIC, filled once by the entry point.
template <class P>
struct descriptor_of {
  static inline pbgdpl_plugin_desc value{};
};

template <class P>
pbgdpl_status create_instance(const pbgdpl_host_api* api, void* host_instance, const char* config_json,
                              std::size_t config_len, void** instance, pbgdpl_buffer* err) noexcept {
  return create<P>(api, host_instance, config_json, config_len, instance, err, descriptor_of<P>::value.kinds);
}

// The entry point's work: refuse a host of another major or an older minor (abi.h policy 2),
// then hand over the static descriptor.
template <class P>
pbgdpl_status entry(const pbgdpl_host_info* host, const pbgdpl_plugin_desc** desc, const char* id, const char* version,
                    const char* license, const char* description, std::uint32_t kinds) noexcept {
  static_assert(std::is_base_of_v<plugin, P>, "PBGDPL_PLUGIN: the class must derive from pbgdpl::plugin::plugin");
  static_assert(std::is_constructible_v<P, pbgdpl::plugin::host, const json&>,
                "PBGDPL_PLUGIN: the class needs a constructor (pbgdpl::plugin::host, const pbgdpl::json&)");
  if (desc) *desc = nullptr;
  if (!host || !desc || host->struct_size < offsetof(pbgdpl_host_info, abi_minor) + sizeof(host->abi_minor))
    return PBGDPL_STATUS_INVALID_ARGUMENT;
  if (host->abi_major != PBGDPL_ABI_MAJOR || host->abi_minor < PBGDPL_ABI_MINOR) return PBGDPL_STATUS_VERSION;
  static const bool ready = [&] {  // once, thread-safe
    descriptor_of<P>::value = make_descriptor<P>(id, version, license, description, kinds);
    descriptor_of<P>::value.create = &create_instance<P>;
    return true;
  }();
  (void)ready;
  *desc = &descriptor_of<P>::value;
  return PBGDPL_STATUS_OK;
}

}  // namespace detail
}  // namespace plugin
PBGDPL_NAMESPACE_END
