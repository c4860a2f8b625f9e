// Bodies of plugin/codec.hpp (always inline: see there).
#pragma once
#include "../codec.hpp"

#include <array>
#include <limits>

PBGDPL_NAMESPACE_BEGIN
namespace plugin {

inline pbgdpl_status to_status(errc e) noexcept {
  switch (e) {
    case errc::ok: return PBGDPL_STATUS_OK;
    case errc::not_found: return PBGDPL_STATUS_NOT_FOUND;
    case errc::conflict: return PBGDPL_STATUS_CONFLICT;
    case errc::already_exists: return PBGDPL_STATUS_ALREADY_EXISTS;
    case errc::io_error:
    case errc::busy: return PBGDPL_STATUS_UNAVAILABLE;
    case errc::permission_denied:
    case errc::unauthenticated:
    case errc::read_only: return PBGDPL_STATUS_PERMISSION;
    case errc::too_large:
    case errc::storage_full: return PBGDPL_STATUS_TOO_LARGE;
    case errc::corrupt:
    case errc::tampered: return PBGDPL_STATUS_CORRUPT;
    case errc::unsupported_version: return PBGDPL_STATUS_VERSION;
    case errc::internal: return PBGDPL_STATUS_INTERNAL;
    default: return PBGDPL_STATUS_INVALID_ARGUMENT;
  }
}

inline errc to_errc(pbgdpl_status s) noexcept {
  switch (s) {
    case PBGDPL_STATUS_OK: return errc::ok;
    case PBGDPL_STATUS_INVALID_ARGUMENT: return errc::invalid_argument;
    case PBGDPL_STATUS_NOT_FOUND: return errc::not_found;
    case PBGDPL_STATUS_CONFLICT: return errc::conflict;
    case PBGDPL_STATUS_ALREADY_EXISTS: return errc::already_exists;
    case PBGDPL_STATUS_UNAVAILABLE: return errc::io_error;
    case PBGDPL_STATUS_UNSUPPORTED: return errc::invalid_argument;
    case PBGDPL_STATUS_PERMISSION: return errc::permission_denied;
    case PBGDPL_STATUS_TOO_LARGE: return errc::too_large;
    case PBGDPL_STATUS_CORRUPT: return errc::corrupt;
    case PBGDPL_STATUS_VERSION: return errc::unsupported_version;
    case PBGDPL_STATUS_INTERNAL: return errc::internal;
  }
  return errc::internal;
}

inline std::string_view status_name(pbgdpl_status s) noexcept {
  switch (s) {
    case PBGDPL_STATUS_OK: return "ok";
    case PBGDPL_STATUS_INVALID_ARGUMENT: return "invalid_argument";
    case PBGDPL_STATUS_NOT_FOUND: return "not_found";
    case PBGDPL_STATUS_CONFLICT: return "conflict";
    case PBGDPL_STATUS_ALREADY_EXISTS: return "already_exists";
    case PBGDPL_STATUS_UNAVAILABLE: return "unavailable";
    case PBGDPL_STATUS_UNSUPPORTED: return "unsupported";
    case PBGDPL_STATUS_PERMISSION: return "permission";
    case PBGDPL_STATUS_TOO_LARGE: return "too_large";
    case PBGDPL_STATUS_CORRUPT: return "corrupt";
    case PBGDPL_STATUS_VERSION: return "version";
    case PBGDPL_STATUS_INTERNAL: return "internal";
  }
  return "unknown";
}

inline std::optional<errc> errc_from_name(std::string_view name) noexcept {
  // errc values are sparse and below 100: try each.
  for (int i = 0; i <= 99; ++i) {
    auto e = static_cast<errc>(i);
    auto n = errc_name(e);
    if (n != "unknown" && n == name) return e;
  }
  return std::nullopt;
}

inline json error_to_abi_json(const error& e) {
  json j{{"code", std::string(errc_name(e.code))}, {"vi", e.message_vi}, {"en", e.message_en}};
  if (!e.path.empty()) j["path"] = e.path;
  if (!e.details.empty()) {
    json d = json::array();
    for (const auto& x : e.details) d.push_back(error_to_abi_json(x));
    j["details"] = std::move(d);
  }
  return j;
}

namespace detail {
inline std::string string_member(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

inline error error_from_abi_json(const json& j, pbgdpl_status status, int depth) {
  errc code = to_errc(status);
  if (!j.is_object()) {
    error e(code);
    if (status == PBGDPL_STATUS_UNSUPPORTED) {
      e.message_vi = "Plugin không hỗ trợ thao tác này";
      e.message_en = "The plugin does not support this";
    }
    return e;
  }
  if (auto c = errc_from_name(string_member(j, "code")); c && *c != errc::ok) code = *c;
  auto vi = string_member(j, "vi");
  auto en = string_member(j, "en");
  // A message goes to people and logs: keep it to a sane length and valid UTF-8.
  constexpr std::size_t max_message = 4000;
  if (vi.size() > max_message || !text::is_valid_utf8(vi)) vi.clear();
  if (en.size() > max_message || !text::is_valid_utf8(en)) en.clear();
  auto path = string_member(j, "path");
  if (path.size() > max_message || !text::is_valid_utf8(path)) path.clear();
  error e(code, std::move(path), std::move(vi), std::move(en));
  if (auto d = j.find("details"); d != j.end() && d->is_array() && depth < 4) {
    std::size_t n = 0;
    for (const auto& x : *d) {
      if (++n > 100) break;
      e.details.push_back(error_from_abi_json(x, status, depth + 1));
    }
  }
  return e;
}
}  // namespace detail

inline error error_from_abi_json(const json& j, pbgdpl_status status) {
  return detail::error_from_abi_json(j, status, 0);
}

inline error error_from_abi_text(std::string_view text, pbgdpl_status status) {
  if (text.empty()) return error_from_abi_json(json(), status);
  auto j = parse_limited(text, 1u << 20);
  if (!j || !j->is_object()) {
    error e = error_from_abi_json(json(), status);
    e.message_vi += " (plugin trả về thông báo lỗi không đọc được)";
    e.message_en += " (the plugin's error message was unreadable)";
    return e;
  }
  return error_from_abi_json(*j, status);
}

inline result<json> parse_limited(std::string_view text, std::size_t max_bytes) {
  if (text.size() > max_bytes)
    return error(errc::too_large, {},
                 "Tài liệu JSON quá lớn (" + std::to_string(text.size()) + " byte, tối đa " + std::to_string(max_bytes) + ")",
                 "JSON document too large (" + std::to_string(text.size()) + " bytes, at most " +
                     std::to_string(max_bytes) + ")");
  if (json_io::nesting_depth(text) > PBGDPL_MAX_JSON_DEPTH)
    return error(errc::too_large, {}, "JSON lồng nhau quá sâu", "JSON nested too deeply");
  try {
    return json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    return error(errc::parse_error, {}, "JSON không hợp lệ (vị trí byte " + std::to_string(e.byte) + ")",
                 std::string("Malformed JSON: ") + e.what());
  } catch (const json::exception& e) {
    return error(errc::parse_error, {}, "JSON không hợp lệ", std::string("Malformed JSON: ") + e.what());
  } catch (const std::bad_alloc&) {
    return error(errc::too_large);
  }
}

inline std::string base64_encode(std::string_view bytes) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    std::uint32_t v = (std::uint32_t(std::uint8_t(bytes[i])) << 16) | (std::uint32_t(std::uint8_t(bytes[i + 1])) << 8) |
                      std::uint8_t(bytes[i + 2]);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += alphabet[v & 63];
  }
  if (auto rest = bytes.size() - i; rest > 0) {
    std::uint32_t v = std::uint32_t(std::uint8_t(bytes[i])) << 16;
    if (rest == 2) v |= std::uint32_t(std::uint8_t(bytes[i + 1])) << 8;
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += rest == 2 ? alphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

inline std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    int pad = 0;
    if (last && text[i + 3] == '=') pad = text[i + 2] == '=' ? 2 : 1;
    std::uint32_t v = 0;
    for (int k = 0; k < 4; ++k) {
      int d = k >= 4 - pad ? 0 : value(text[i + std::size_t(k)]);
      if (d < 0) return std::nullopt;
      v = (v << 6) | std::uint32_t(d);
    }
    out += char((v >> 16) & 0xff);
    if (pad < 2) out += char((v >> 8) & 0xff);
    if (pad < 1) out += char(v & 0xff);
    // Canonical: the bits a padded group leaves over are zero.
    if ((pad == 1 && (v & 0xff) != 0) || (pad == 2 && (v & 0xffff) != 0)) return std::nullopt;
  }
  return out;
}

namespace store_codec {
namespace detail {

// A throwing reader of one JSON object, for the decoders below (each catches at its edge).
class object_reader {
 public:
  explicit object_reader(const json& j) : j_(j) {
    if (!j.is_object()) json_io::wrong_type(j, "đối tượng", "object");
  }
  const json* find(const char* key) const {
    auto it = j_.find(key);
    return it == j_.end() || it->is_null() ? nullptr : &*it;
  }
  void text(const char* key, std::string& out, bool required = false) const {
    const json* v = find(key);
    if (!v) {
      if (required) missing(key);
      return;
    }
    json_io::at_path(key, [&] {
      if (!v->is_string()) json_io::wrong_type(*v, "chuỗi", "string");
      out = v->get<std::string>();
    });
  }
  void text(const char* key, std::optional<std::string>& out) const {
    const json* v = find(key);
    if (!v) return;
    std::string s;
    text(key, s);
    out = std::move(s);
  }
  void flag(const char* key, bool& out) const {
    const json* v = find(key);
    if (!v) return;
    json_io::at_path(key, [&] {
      if (!v->is_boolean()) json_io::wrong_type(*v, "giá trị logic", "boolean");
      out = v->get<bool>();
    });
  }
  template <class Int>
  void number(const char* key, Int& out, bool required = false) const {
    const json* v = find(key);
    if (!v) {
      if (required) missing(key);
      return;
    }
    json_io::at_path(key, [&] { json_io::read(*v, out); });
  }
  void real(const char* key, double& out) const {
    const json* v = find(key);
    if (!v) return;
    json_io::at_path(key, [&] {
      if (!v->is_number()) json_io::wrong_type(*v, "số", "number");
      out = v->get<double>();
    });
  }
  void texts(const char* key, std::vector<std::string>& out) const {
    const json* v = find(key);
    if (!v) return;
    json_io::at_path(key, [&] {
      if (!v->is_array()) json_io::wrong_type(*v, "mảng", "array");
      out.clear();
      out.reserve(v->size());
      for (std::size_t i = 0; i < v->size(); ++i)
        json_io::at_path(std::to_string(i), [&] {
          if (!(*v)[i].is_string()) json_io::wrong_type((*v)[i], "chuỗi", "string");
          out.push_back((*v)[i].get<std::string>());
        });
    });
  }
  template <class T, class F>
  void nested(const char* key, T& out, F&& decode) const {
    const json* v = find(key);
    if (!v) return;
    json_io::at_path(key, [&] { out = decode(*v); });
  }
  [[noreturn]] static void missing(const char* key) {
    throw exception(error(errc::missing_field, "/" + json_io::pointer_token(key),
                          "Thiếu thông tin bắt buộc \"" + std::string(key) + "\"",
                          "Missing required field \"" + std::string(key) + "\""));
  }

 private:
  const json& j_;
};

template <class F>
auto guarded(F&& f) -> result<std::invoke_result_t<F>> {
  try {
    return f();
  } catch (const exception& e) {
    return e.err();
  } catch (const nlohmann::json::exception& e) {
    return error(errc::wrong_type, {}, "Sai kiểu dữ liệu", e.what());
  } catch (const std::bad_alloc&) {
    return error(errc::too_large);
  }
}

inline void put_text(json& j, const char* key, const std::string& v) {
  if (!v.empty()) j[key] = v;
}
inline void put_text(json& j, const char* key, const std::optional<std::string>& v) {
  if (v) j[key] = *v;
}

template <class T, class F>
std::vector<T> array_of(const json& j, F&& one) {
  if (!j.is_array()) json_io::wrong_type(j, "mảng", "array");
  std::vector<T> out;
  out.reserve(j.size());
  for (std::size_t i = 0; i < j.size(); ++i) json_io::at_path(std::to_string(i), [&] { out.push_back(one(j[i])); });
  return out;
}

inline store::record record_of(const json& j) {
  object_reader r(j);
  store::record x;
  r.text("kind", x.kind, true);
  r.text("id", x.id, true);
  r.number("version", x.version);
  if (auto it = j.find("body"); it != j.end()) x.body = *it;
  r.text("unit", x.unit);
  r.text("parent", x.parent);
  r.text("sub_kind", x.sub_kind);
  r.text("category", x.category);
  r.text("state", x.state);
  r.text("doc_type", x.doc_type);
  r.text("doc_level", x.doc_level);
  r.text("doc_status", x.doc_status);
  r.texts("fields", x.fields);
  r.text("sort_key", x.sort_key);
  r.text("day", x.day);
  r.flag("archived", x.archived);
  r.flag("searchable", x.searchable);
  r.text("title", x.title);
  r.text("text", x.text);
  r.text("number_key", x.number_key);
  r.texts("cites", x.cites);
  return x;
}

inline store::filter filter_of(const json& j) {
  object_reader r(j);
  store::filter f;
  r.text("unit", f.unit);
  r.flag("include_descendants", f.include_descendants);
  r.texts("unit_in", f.unit_in);
  r.text("kind", f.kind);
  r.text("category", f.category);
  r.text("state", f.state);
  r.text("doc_type", f.doc_type);
  r.text("doc_level", f.doc_level);
  r.text("doc_status", f.doc_status);
  r.text("field", f.field);
  if (const json* v = r.find("from")) json_io::at_path("from", [&] { f.from = date{}; json_io::read(*v, *f.from); });
  if (const json* v = r.find("to")) json_io::at_path("to", [&] { f.to = date{}; json_io::read(*v, *f.to); });
  r.flag("include_archived", f.include_archived);
  if (const json* v = r.find("visible_at"))
    json_io::at_path("visible_at", [&] { f.visible_at = timestamp{}; json_io::read(*v, *f.visible_at); });
  return f;
}

inline store::list_query list_query_of(const json& j) {
  object_reader r(j);
  store::list_query q;
  r.nested("where", q.where, filter_of);
  r.number("limit", q.limit);
  r.text("cursor", q.cursor);
  r.flag("oldest_first", q.oldest_first);
  r.flag("bodies", q.bodies);
  return q;
}

inline store::search_hit hit_of(const json& j) {
  object_reader r(j);
  store::search_hit h;
  r.text("kind", h.kind, true);
  r.text("id", h.id, true);
  r.text("title", h.title);
  r.text("title_html", h.title_html);
  r.text("snippet_html", h.snippet_html);
  r.real("score", h.score);
  r.nested("stored", h.stored, record_of);
  return h;
}

inline store::audit_entry audit_of(const json& j) {
  object_reader r(j);
  store::audit_entry a;
  r.number("seq", a.seq);
  if (const json* v = r.find("at")) json_io::at_path("at", [&] { json_io::read(*v, a.at); });
  r.text("actor", a.actor);
  r.text("kind", a.kind);
  r.text("id", a.id);
  r.text("action", a.action);
  r.number("version", a.version);
  if (auto it = j.find("previous"); it != j.end()) a.previous = *it;
  return a;
}

inline store::change change_of(const json& j) {
  object_reader r(j);
  store::change c;
  r.text("kind", c.kind, true);
  r.text("id", c.id, true);
  r.text("unit", c.unit);
  r.text("previous_unit", c.previous_unit);
  std::string op;
  r.text("op", op, true);
  auto o = write_op_from_string(op);
  if (!o)
    throw exception(error(errc::out_of_range, "/op", "Thao tác không hợp lệ; cho phép: create, update, archive, remove",
                          "Invalid op; allowed: create, update, archive, remove"));
  c.op = *o;
  r.number("version", c.version);
  r.number("audit_seq", c.audit_seq);
  return c;
}

}  // namespace detail

inline std::optional<store::write_op> write_op_from_string(std::string_view s) noexcept {
  if (s == "create") return store::write_op::create;
  if (s == "update") return store::write_op::update;
  if (s == "archive") return store::write_op::archive;
  if (s == "remove") return store::write_op::remove;
  return std::nullopt;
}

inline json encode(const store::record& r) {
  json j{{"kind", r.kind}, {"id", r.id}, {"version", r.version}};
  j["body"] = r.body;
  using detail::put_text;
  put_text(j, "unit", r.unit);
  put_text(j, "parent", r.parent);
  put_text(j, "sub_kind", r.sub_kind);
  put_text(j, "category", r.category);
  put_text(j, "state", r.state);
  put_text(j, "doc_type", r.doc_type);
  put_text(j, "doc_level", r.doc_level);
  put_text(j, "doc_status", r.doc_status);
  if (!r.fields.empty()) j["fields"] = r.fields;
  put_text(j, "sort_key", r.sort_key);
  put_text(j, "day", r.day);
  if (r.archived) j["archived"] = true;
  if (r.searchable) j["searchable"] = true;
  put_text(j, "title", r.title);
  put_text(j, "text", r.text);
  put_text(j, "number_key", r.number_key);
  if (!r.cites.empty()) j["cites"] = r.cites;
  return j;
}

inline result<store::record> decode_record(const json& j) {
  return detail::guarded([&] { return detail::record_of(j); });
}

inline json encode_records(const std::vector<store::record>& rs) {
  json a = json::array();
  for (const auto& r : rs) a.push_back(encode(r));
  return a;
}

inline result<std::vector<store::record>> decode_records(const json& j) {
  return detail::guarded([&] { return detail::array_of<store::record>(j, detail::record_of); });
}

inline json encode(const store::filter& f) {
  json j = json::object();
  using detail::put_text;
  put_text(j, "unit", f.unit);
  j["include_descendants"] = f.include_descendants;
  if (!f.unit_in.empty()) j["unit_in"] = f.unit_in;
  put_text(j, "kind", f.kind);
  put_text(j, "category", f.category);
  put_text(j, "state", f.state);
  put_text(j, "doc_type", f.doc_type);
  put_text(j, "doc_level", f.doc_level);
  put_text(j, "doc_status", f.doc_status);
  put_text(j, "field", f.field);
  if (f.from) j["from"] = format_date(*f.from);
  if (f.to) j["to"] = format_date(*f.to);
  if (f.include_archived) j["include_archived"] = true;
  if (f.visible_at) j["visible_at"] = format_timestamp_utc(*f.visible_at);
  return j;
}

inline result<store::filter> decode_filter(const json& j) {
  return detail::guarded([&] { return detail::filter_of(j); });
}

inline json encode(const store::list_query& q) {
  json j{{"where", encode(q.where)}, {"limit", q.limit}, {"bodies", q.bodies}};
  if (!q.cursor.empty()) j["cursor"] = q.cursor;
  if (q.oldest_first) j["oldest_first"] = true;
  return j;
}

inline result<store::list_query> decode_list_query(const json& j) {
  return detail::guarded([&] { return detail::list_query_of(j); });
}

inline json encode(const store::search_request& r) {
  json j{{"q", r.q}, {"where", encode(r.where)}, {"limit", r.limit}};
  if (!r.kinds.empty()) j["kinds"] = r.kinds;
  if (!r.cursor.empty()) j["cursor"] = r.cursor;
  if (r.include_unpublished) j["include_unpublished"] = true;
  j["order"] = r.order == store::search_order::newest ? "newest" : "relevance";
  return j;
}

inline result<store::search_request> decode_search_request(const json& j) {
  return detail::guarded([&] {
    detail::object_reader r(j);
    store::search_request s;
    r.text("q", s.q);
    r.texts("kinds", s.kinds);
    r.nested("where", s.where, detail::filter_of);
    r.number("limit", s.limit);
    r.text("cursor", s.cursor);
    r.flag("include_unpublished", s.include_unpublished);
    std::string order = "relevance";
    r.text("order", order);
    if (order == "newest") s.order = store::search_order::newest;
    else if (order != "relevance")
      throw exception(error(errc::out_of_range, "/order", "Thứ tự không hợp lệ; cho phép: relevance, newest",
                            "Invalid order; allowed: relevance, newest"));
    return s;
  });
}

inline json encode(const store::search_hit& h) {
  json j{{"kind", h.kind}, {"id", h.id}, {"title", h.title}, {"title_html", h.title_html},
         {"snippet_html", h.snippet_html}, {"score", h.score}};
  if (!h.stored.kind.empty()) j["stored"] = encode(h.stored);
  return j;
}

inline json encode(const store::search_page& p) {
  json items = json::array();
  for (const auto& h : p.items) items.push_back(encode(h));
  return json{{"items", std::move(items)}, {"next_cursor", p.next_cursor}, {"approximate", p.approximate}};
}

inline result<store::search_page> decode_search_page(const json& j) {
  return detail::guarded([&] {
    detail::object_reader r(j);
    store::search_page p;
    const json* items = r.find("items");
    if (!items) detail::object_reader::missing("items");
    json_io::at_path("items", [&] { p.items = detail::array_of<store::search_hit>(*items, detail::hit_of); });
    r.text("next_cursor", p.next_cursor);
    r.flag("approximate", p.approximate);
    return p;
  });
}

inline json encode(const store::page<store::record>& p) {
  return json{{"items", encode_records(p.items)}, {"next_cursor", p.next_cursor}};
}

inline result<store::page<store::record>> decode_record_page(const json& j) {
  return detail::guarded([&] {
    detail::object_reader r(j);
    store::page<store::record> p;
    const json* items = r.find("items");
    if (!items) detail::object_reader::missing("items");
    json_io::at_path("items", [&] { p.items = detail::array_of<store::record>(*items, detail::record_of); });
    r.text("next_cursor", p.next_cursor);
    return p;
  });
}

inline json encode(const store::audit_entry& a) {
  return json{{"seq", a.seq},       {"at", format_timestamp_utc(a.at)}, {"actor", a.actor},       {"kind", a.kind},
              {"id", a.id},         {"action", a.action},               {"version", a.version}, {"previous", a.previous}};
}

inline result<store::audit_entry> decode_audit_entry(const json& j) {
  return detail::guarded([&] { return detail::audit_of(j); });
}

inline json encode(const std::vector<store::audit_entry>& log) {
  json a = json::array();
  for (const auto& e : log) a.push_back(encode(e));
  return a;
}

inline result<std::vector<store::audit_entry>> decode_audit_log(const json& j) {
  return detail::guarded([&] { return detail::array_of<store::audit_entry>(j, detail::audit_of); });
}

inline json encode(const store::change& c) {
  json j{{"kind", c.kind}, {"id", c.id}, {"unit", c.unit}, {"op", std::string(store::to_string(c.op))},
         {"version", c.version}, {"audit_seq", c.audit_seq}};
  if (c.previous_unit) j["previous_unit"] = *c.previous_unit;
  return j;
}

inline json encode(const std::vector<store::change>& batch) {
  json a = json::array();
  for (const auto& c : batch) a.push_back(encode(c));
  return a;
}

inline result<std::vector<store::change>> decode_changes(const json& j) {
  return detail::guarded([&] { return detail::array_of<store::change>(j, detail::change_of); });
}

}  // namespace store_codec
}  // namespace plugin
PBGDPL_NAMESPACE_END
