// Stores through the C API: open (SQLite, memory) and close; get and publish by kind name;
// Vietnamese search; the dataset import (create and update: c_store_write.cpp). The same library calls as
// bindings/python/src/store.cpp (typed create/update with the *_html rendered from Markdown,
// store::search, store::import_dataset).
#include "c_common.hpp"
#include "c_kinds.hpp"

#include <pbgdpl/model/dataset.hpp>
#include <pbgdpl/publish/rendered.hpp>
#include <pbgdpl/store/import.hpp>
#include <pbgdpl/store/kinds.hpp>
#include <pbgdpl/store/memory.hpp>
#include <pbgdpl/store/sqlite.hpp>

#include <sys/stat.h>
#include <filesystem>
#include <set>

namespace pbgdpl::c_api {
namespace {

// A path argument refused when it names something that is not a regular file (a FIFO would
// block the open; a directory is not a database).
std::filesystem::path database_path(const char* p) {
  std::string path = text_arg(p, "path");
  if (path.empty()) fail(errc::invalid_argument, "/path", "Đường dẫn rỗng", "The path is empty");
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
    fail(errc::io_error, "/path", "Đường dẫn không phải tệp thông thường: " + path,
         "The path is not a regular file: " + path);
  return path;
}

pbgdpl_store* new_handle(std::shared_ptr<store::store> s) {
  auto* h = new pbgdpl_store{std::move(s)};
  register_handle(h, handle_type::store);
  return h;
}

// The filters a search request may carry besides its own members; anything else is refused (a
// misspelt filter must not silently widen a result).
void read_search_request(const json& j, store::search_request& req) {
  static const std::set<std::string> known{
      "q",        "kinds",     "limit",      "cursor", "order",   "include_unpublished", "unit", "category",
      "doc_type", "doc_level", "doc_status", "field",  "sub_kind"};
  for (auto it = j.begin(); it != j.end(); ++it)
    if (!known.count(it.key()))
      fail(errc::invalid_argument, "/request_json/" + json_io::pointer_token(it.key()),
           "Thành phần không tồn tại: \"" + it.key() + "\"", "Unknown member: \"" + it.key() + "\"");
  req.q = string_member(j, "q");
  req.cursor = string_member(j, "cursor");
  if (auto it = j.find("kinds"); it != j.end() && !it->is_null()) {
    if (!it->is_array())
      fail(errc::wrong_type, "/kinds", "\"kinds\" phải là mảng", "\"kinds\" must be an array");
    for (const auto& k : *it) {
      if (!k.is_string())
        fail(errc::wrong_type, "/kinds", "\"kinds\" phải là mảng chuỗi",
             "\"kinds\" must be an array of strings");
      req.kinds.push_back(k.get<std::string>());
    }
    must(store::check_searchable(req.kinds));
  }
  if (auto it = j.find("limit"); it != j.end() && !it->is_null()) {
    if (!it->is_number_unsigned())
      fail(errc::wrong_type, "/limit", "\"limit\" phải là số nguyên dương",
           "\"limit\" must be a positive integer");
    req.limit = it->get<std::size_t>();
  }
  must(store::check_limit(req.limit));
  const std::string order = string_member(j, "order", "relevance");
  if (order == "relevance")
    req.order = store::search_order::relevance;
  else if (order == "newest")
    req.order = store::search_order::newest;
  else
    fail(errc::invalid_argument, "/order", "\"order\" phải là \"relevance\" hoặc \"newest\"",
         "\"order\" must be \"relevance\" or \"newest\"");
  if (auto it = j.find("include_unpublished"); it != j.end() && !it->is_null()) {
    if (!it->is_boolean())
      fail(errc::wrong_type, "/include_unpublished", "Phải là true/false", "Must be true or false");
    req.include_unpublished = it->get<bool>();
  }
  auto opt = [&](const char* key, std::optional<std::string>& m) {
    if (j.contains(key) && !j[key].is_null()) m = string_member(j, key);
  };
  opt("unit", req.where.unit);
  opt("category", req.where.category);
  opt("doc_type", req.where.doc_type);
  opt("doc_level", req.where.doc_level);
  opt("doc_status", req.where.doc_status);
  opt("field", req.where.field);
  opt("sub_kind", req.where.kind);
}

}  // namespace
}  // namespace pbgdpl::c_api

using namespace pbgdpl;
using namespace pbgdpl::c_api;

extern "C" {

PBGDPL_C_API pbgdpl_c_status pbgdpl_store_open_sqlite(const char* path, pbgdpl_store** out) {
  return barrier([&] {
    out_arg(out, "out");
    auto p = database_path(path);
    auto s = must(store::open_sqlite_store(p));
    *out = new_handle(std::shared_ptr<store::store>(std::move(s)));
  });
}

PBGDPL_C_API pbgdpl_c_status pbgdpl_store_open_memory(pbgdpl_store** out) {
  return barrier([&] {
    out_arg(out, "out");
    *out = new_handle(std::shared_ptr<store::store>(store::make_memory_store()));
  });
}

PBGDPL_C_API pbgdpl_c_status pbgdpl_store_close(pbgdpl_store* h) {
  return barrier([&] {
    if (!h) return;
    if (!unregister_handle(h, handle_type::store))
      fail(errc::invalid_argument, "/store", "pbgdpl_store đã đóng hoặc không hợp lệ",
           "pbgdpl_store is closed or was never opened");
    // Calls under way hold their own reference (taken under the table's lock), and so does a
    // portal serving it: the store itself closes when the last of them lets go.
    delete h;
  });
}

PBGDPL_C_API pbgdpl_c_status pbgdpl_store_import_dataset(pbgdpl_store* h, const char* dir_arg,
                                                         const char* actor_arg, char** out_json) {
  return barrier([&] {
    if (out_json) *out_json = nullptr;
    auto s = shared_store(h);
    const std::string dir = text_arg(dir_arg, "dir");
    const std::string actor = text_or(actor_arg, "actor", "import");
    json counts = json::object();
    must([&]() -> result<void> {
      auto raw = store::read_dataset_directory(dir);
      if (!raw) return raw.err();
      auto d = dataset_from_json(*raw);
      if (!d) return d.err();
      if (auto hr = publish::render_html(*d); !hr) return hr.err();
      auto counted = store::import_dataset_counted(*s, *d, actor);
      if (!counted) return counted.err();
      for (const auto& [key, n] : *counted) counts[key] = n;
      return {};
    }());
    put_json(out_json, counts);
  });
}

PBGDPL_C_API pbgdpl_c_status pbgdpl_store_get(pbgdpl_store* h, const char* kind_arg, const char* id_arg,
                                              char** out_json) {
  return barrier([&] {
    out_arg(out_json, "out_json");
    auto s = shared_store(h);
    const std::string kind = text_arg(kind_arg, "kind"), id = text_arg(id_arg, "id");
    json out;
    visit_kind(kind, [&]<class T>() { out = to_json_value(must(s->get<T>(id))); });
    put_json(out_json, out);
  });
}

PBGDPL_C_API pbgdpl_c_status pbgdpl_store_publish(pbgdpl_store* h, const char* kind_arg, const char* id_arg,
                                                  uint64_t expected_version, const char* actor_arg,
                                                  char** out_json) {
  return barrier([&] {
    out_arg(out_json, "out_json");
    auto s = shared_store(h);
    const std::string kind = text_arg(kind_arg, "kind"), id = text_arg(id_arg, "id");
    const std::string actor = text_or(actor_arg, "actor", "c-api");
    auto go = [&](auto v) {
      if (expected_version != 0 && v.version != expected_version)
        fail(errc::conflict, "/expected_version",
             "Bản ghi đã được người khác thay đổi (phiên bản " + std::to_string(v.version) + ")",
             "The record was changed (it is at version " + std::to_string(v.version) + ")");
      v.state = article_state::published;
      if constexpr (requires { v.published_at; })
        if (!v.published_at) v.published_at = now();
      must(publish::render_html(v));
      return to_json_value(must(s->update(std::move(v), actor)));
    };
    json out;
    if (kind == "article")
      out = go(must(s->get<article>(id)));
    else if (kind == "legal_document")
      out = go(must(s->get<legal_document>(id)));
    else
      fail(errc::invalid_argument, "/kind", "Chỉ đăng được \"article\" hoặc \"legal_document\"",
           "Only an \"article\" or a \"legal_document\" is published");
    put_json(out_json, out);
  });
}

PBGDPL_C_API pbgdpl_c_status pbgdpl_store_search(pbgdpl_store* h, const char* request_json, char** out_json) {
  return barrier([&] {
    out_arg(out_json, "out_json");
    auto s = shared_store(h);
    store::search_request req;
    read_search_request(json_arg(request_json, "request_json"), req);
    auto p = must(s->search(req));
    json items = json::array();
    for (const auto& hit : p.items)
      items.push_back({{"kind", hit.kind},
                       {"id", hit.id},
                       {"title", hit.title},
                       {"title_html", hit.title_html},
                       {"snippet_html", hit.snippet_html},
                       {"score", hit.score}});
    put_json(out_json,
             json{{"items", items}, {"next_cursor", p.next_cursor}, {"approximate", p.approximate}});
  });
}

}  // extern "C"
