// The JSON forms that cross the plugin boundary (abi.h), used by both sides: the store's records,
// queries, pages, audit entries and changes (store_codec), pbgdpl::error as the ABI's error
// object {"code", "path", "vi", "en"}, errc <-> pbgdpl_status, and base64 for HTTP bodies.
// Decoders take untrusted input (a plugin's answer, a host's request): a wrong shape is an error
// with a JSON pointer, never a crash. Needs only the core and store tiers (plugins link these).
#pragma once
#include "../core/json.hpp"
#include "../store/store.hpp"
#include "abi.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace plugin {

// --- errors and statuses ---------------------------------------------------------------------

// The status a pbgdpl::error travels under, and the errc a bare status stands for (when the
// other side sent no error object, or one with an unknown code).
pbgdpl_status to_status(errc e) noexcept;
errc to_errc(pbgdpl_status s) noexcept;
// "ok", "invalid_argument", ... "internal"; "unknown" otherwise.
std::string_view status_name(pbgdpl_status s) noexcept;
// The errc whose errc_name() is `name`.
std::optional<errc> errc_from_name(std::string_view name) noexcept;

// {"code": "<errc name>", "path": "...", "vi": "...", "en": "...", "details"?: [...]}.
json error_to_abi_json(const error& e);
// The error an ABI error object stands for; `status` decides the code when the object has no
// known one, and the messages default to the code's own. Never fails: a malformed object (or
// none: pass null) gives the status's error with a note that the plugin's message was unreadable.
error error_from_abi_json(const json& j, pbgdpl_status status);
error error_from_abi_text(std::string_view text, pbgdpl_status status);

// Parses a document from the other side of the boundary with the library's depth limit and
// `max_bytes` (answers holding many records may exceed one entity's PBGDPL_MAX_JSON_BYTES).
result<json> parse_limited(std::string_view text, std::size_t max_bytes);

// Standard base64 with padding (HTTP bodies that are not UTF-8).
std::string base64_encode(std::string_view bytes);
// nullopt for anything but canonical standard base64 (whitespace is not skipped).
std::optional<std::string> base64_decode(std::string_view text);

// --- the store's values ----------------------------------------------------------------------
namespace store_codec {

// record: {"kind", "id", "version", "body", "unit", "parent", "sub_kind", "category", "state",
// "doc_type", "doc_level", "doc_status", "fields": [], "sort_key", "day", "archived",
// "searchable", "title", "text", "number_key", "cites": []}; empty members may be left out.
json encode(const store::record& r);
result<store::record> decode_record(const json& j);
json encode_records(const std::vector<store::record>& rs);
result<std::vector<store::record>> decode_records(const json& j);

// filter: {"unit"?, "include_descendants", "unit_in": [], "kind"?, "category"?, "state"?,
// "doc_type"?, "doc_level"?, "doc_status"?, "field"?, "from"?: "YYYY-MM-DD", "to"?,
// "include_archived", "visible_at"?: ISO 8601}.
json encode(const store::filter& f);
result<store::filter> decode_filter(const json& j);

// list_query: {"where": filter, "limit", "cursor", "oldest_first", "bodies"}.
json encode(const store::list_query& q);
result<store::list_query> decode_list_query(const json& j);

// search_request: {"q", "kinds": [], "where": filter, "limit", "cursor", "include_unpublished",
// "order": "relevance|newest"}.
json encode(const store::search_request& r);
result<store::search_request> decode_search_request(const json& j);

// search_hit: {"kind", "id", "title", "title_html", "snippet_html", "score", "stored"?: record}.
json encode(const store::search_hit& h);
// search_page: {"items": [search_hit...], "next_cursor", "approximate"}.
json encode(const store::search_page& p);
result<store::search_page> decode_search_page(const json& j);

// A page of records: {"items": [record...], "next_cursor"}.
json encode(const store::page<store::record>& p);
result<store::page<store::record>> decode_record_page(const json& j);

// audit_entry: {"seq", "at": ISO 8601 UTC, "actor", "kind", "id", "action", "version",
// "previous"}; the log is an array of them, newest first.
json encode(const store::audit_entry& a);
result<store::audit_entry> decode_audit_entry(const json& j);
json encode(const std::vector<store::audit_entry>& log);
result<std::vector<store::audit_entry>> decode_audit_log(const json& j);

// change: {"kind", "id", "unit", "previous_unit"?, "op": "create|update|archive|remove",
// "version", "audit_seq"}; a batch is an array of them.
json encode(const store::change& c);
json encode(const std::vector<store::change>& batch);
result<std::vector<store::change>> decode_changes(const json& j);

std::optional<store::write_op> write_op_from_string(std::string_view s) noexcept;

}  // namespace store_codec
}  // namespace plugin
PBGDPL_NAMESPACE_END

// Always inline: plugins link only the core and store tiers, and both sides need these.
#include "impl/codec.ipp"
