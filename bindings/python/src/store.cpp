// The store from Python: _core.StoreHandle over any store::store (SQLite, in-memory, or a
// plugin's), with typed create/get/update/archive/remove dispatched on the kind's name, filtered
// keyset pages, Vietnamese search, transactions around a Python callable, the audit log and the
// import of a dataset directory. Every call that reaches the store releases the GIL; the handle
// is read (and the store kept alive) under the GIL first, so a close() from another thread lets
// a call under way finish and makes the next one raise StorageError.
//
// For other areas' bindings that take a `const store_handle&`: call `auto s = h.shared();` while
// the GIL is held (a closed handle raises a Python exception, which needs the GIL), then release
// the GIL and use *s. Do not keep only `h.get()`'s reference across a GIL release: a close() on
// another thread may drop the last owner while the call still uses it.
#include "py_common.hpp"

#include <pbgdpl/core/time.hpp>
#include <pbgdpl/model/dataset.hpp>
#include <pbgdpl/publish/rendered.hpp>
#include <pbgdpl/store/import.hpp>
#include <pbgdpl/store/memory.hpp>
#include <pbgdpl/store/sqlite.hpp>

#include <filesystem>
#include <functional>
#include <set>
#include <sys/stat.h>

namespace pbgdpl::python {

store::store& store_handle::get() const { return *shared(); }
std::shared_ptr<store::store> store_handle::shared() const {
  if (!impl) raise(error(errc::io_error, {}, "Kho dữ liệu đã đóng", "The store is closed"));
  return impl;
}

namespace {

using release = gil_released;

// A Python dict (or model object) as entity T, decoded but not yet validated: create() and
// update() validate after filling what the store owns (id, version, times).
// For a create, what the store fills may be left out: the id (a random one is made) and the
// created_at/updated_at it sets when unset.
template <class T>
T decode_unchecked(json j, bool for_create) {
  if (!j.is_object())
    raise(error(errc::wrong_type, {}, "Đối tượng cần lưu phải là dict hoặc đối tượng mô hình",
                "The object to store must be a dict or a model object"));
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
    raise(e.err());
  } catch (const nlohmann::json::exception& e) {
    raise(error(errc::wrong_type, {}, "Sai kiểu dữ liệu", e.what()));
  }
}

std::string text_member(const json& j, const char* key, const std::string& path) {
  if (!j.is_string())
    raise(error(errc::wrong_type, path, std::string("\"") + key + "\" phải là chuỗi", std::string("\"") + key + "\" must be a string"));
  return j.get<std::string>();
}

bool bool_member(const json& j, const char* key, const std::string& path) {
  if (!j.is_boolean())
    raise(error(errc::wrong_type, path, std::string("\"") + key + "\" phải là True/False", std::string("\"") + key + "\" must be True or False"));
  return j.get<bool>();
}

// The filters a list or search takes, from a dict of keywords. Unknown keys are refused (a
// misspelt filter must not silently widen a result).
store::filter filter_from(py::handle filters) {
  store::filter f;
  if (filters.is_none()) return f;
  json j = from_py(filters);
  if (!j.is_object()) raise(error(errc::wrong_type, "/filters", "Bộ lọc phải là dict", "Filters must be a dict"));
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    const json& v = it.value();
    const std::string path = "/filters/" + json_io::pointer_token(k);
    if (v.is_null()) continue;  // a keyword left at None: no filter
    auto opt = [&](std::optional<std::string>& m) { m = text_member(v, k.c_str(), path); };
    auto day = [&](std::optional<date>& m) {
      auto d = parse_date(text_member(v, k.c_str(), path));
      if (!d) {
        error e = d.err();
        e.path = path;
        raise(e);
      }
      m = *d;
    };
    if (k == "unit") opt(f.unit);
    else if (k == "include_descendants") f.include_descendants = bool_member(v, k.c_str(), path);
    else if (k == "units") {
      if (!v.is_array()) raise(error(errc::wrong_type, path, "\"units\" phải là danh sách", "\"units\" must be a list"));
      for (std::size_t i = 0; i < v.size(); ++i) f.unit_in.push_back(text_member(v[i], "units", path + "/" + std::to_string(i)));
    } else if (k == "sub_kind") opt(f.kind);
    else if (k == "category") opt(f.category);
    else if (k == "state") opt(f.state);
    else if (k == "doc_type") opt(f.doc_type);
    else if (k == "doc_level") opt(f.doc_level);
    else if (k == "doc_status") opt(f.doc_status);
    else if (k == "field") opt(f.field);
    else if (k == "date_from") day(f.from);
    else if (k == "date_to") day(f.to);
    else if (k == "include_archived") f.include_archived = bool_member(v, k.c_str(), path);
    else if (k == "visible_at") {
      auto t = parse_timestamp(text_member(v, k.c_str(), path));
      if (!t) {
        error e = t.err();
        e.path = path;
        raise(e);
      }
      f.visible_at = *t;
    } else {
      raise(error(errc::invalid_argument, path, "Bộ lọc không tồn tại: \"" + k + "\"", "Unknown filter: \"" + k + "\""));
    }
  }
  return f;
}

// A str argument as UTF-8: a lone surrogate is ValidationError (invalid_utf8), not TypeError.
std::string text_arg(py::handle o, const char* path) {
  if (!py::isinstance<py::str>(o))
    raise(error(errc::wrong_type, path, std::string(path + 1) + " phải là chuỗi", std::string(path + 1) + " must be a str"));
  json j = from_py(o);
  return j.get<std::string>();
}

template <class T>
py::object entity_to_py(const T& v) {
  return to_py(to_json_value(v));
}

// Renders the server-owned HTML of an article, a legal document or a question from its Markdown
// (as the portal does on every write), so what the portal shows is the text stored here.
template <class T>
void render_if(bool render, T& v) {
  if (render) unwrap(publish::render_html(v));
}

py::object do_create(const store_handle& h, const std::string& kind, py::handle obj, py::handle actor_arg, bool render) {
  json j = from_py(obj);
  const std::string actor = text_arg(actor_arg, "/actor");
  py::object out;
  visit_kind(kind, [&]<class T>() {
    T v = decode_unchecked<T>(std::move(j), true);
    render_if(render, v);
    auto s = h.shared();
    result<T> r = error(errc::internal);
    {
      release nogil;
      r = s->create(std::move(v), actor);
    }
    out = entity_to_py(unwrap(std::move(r)));
  });
  return out;
}

py::object do_update(const store_handle& h, const std::string& kind, py::handle obj, py::handle actor_arg, bool render) {
  json j = from_py(obj);
  const std::string actor = text_arg(actor_arg, "/actor");
  py::object out;
  visit_kind(kind, [&]<class T>() {
    T v = decode_unchecked<T>(std::move(j), false);
    render_if(render, v);
    auto s = h.shared();
    result<T> r = error(errc::internal);
    {
      release nogil;
      r = s->update(std::move(v), actor);
    }
    out = entity_to_py(unwrap(std::move(r)));
  });
  return out;
}

py::object do_get(const store_handle& h, const std::string& kind, py::handle id_arg) {
  const std::string id = text_arg(id_arg, "/id");
  py::object out;
  visit_kind(kind, [&]<class T>() {
    auto s = h.shared();
    result<T> r = error(errc::internal);
    {
      release nogil;
      r = s->get<T>(id);
    }
    out = entity_to_py(unwrap(std::move(r)));
  });
  return out;
}

py::object do_archive(const store_handle& h, const std::string& kind, py::handle id_arg, std::uint64_t expected,
                      py::handle actor_arg) {
  const std::string id = text_arg(id_arg, "/id"), actor = text_arg(actor_arg, "/actor");
  py::object out;
  visit_kind(kind, [&]<class T>() {
    auto s = h.shared();
    result<T> r = error(errc::internal);
    {
      release nogil;
      r = s->archive<T>(id, expected, actor);
    }
    out = entity_to_py(unwrap(std::move(r)));
  });
  return out;
}

void do_remove(const store_handle& h, const std::string& kind, py::handle id_arg, std::uint64_t expected,
               py::handle actor_arg) {
  const std::string id = text_arg(id_arg, "/id"), actor = text_arg(actor_arg, "/actor");
  visit_kind(kind, [&]<class T>() {
    auto s = h.shared();
    result<void> r;
    {
      release nogil;
      r = s->remove<T>(id, expected, actor);
    }
    unwrap(std::move(r));
  });
}

py::tuple do_list(const store_handle& h, const std::string& kind, py::handle filters, std::size_t limit,
                  py::handle cursor_arg, bool oldest_first) {
  const std::string cursor = text_arg(cursor_arg, "/cursor");
  store::list_query q;
  q.where = filter_from(filters);
  q.limit = limit;
  q.cursor = cursor;
  q.oldest_first = oldest_first;
  unwrap(store::check_limit(limit));
  py::tuple out;
  visit_kind(kind, [&]<class T>() {
    auto s = h.shared();
    result<store::page<T>> r = error(errc::internal);
    {
      release nogil;
      r = s->list<T>(q);
    }
    auto p = unwrap(std::move(r));
    py::list items;
    for (const auto& v : p.items) items.append(entity_to_py(v));
    out = py::make_tuple(items, p.next_cursor);
  });
  return out;
}

py::tuple do_search(const store_handle& h, py::handle q_arg, const std::vector<std::string>& kinds, py::handle filters,
                    std::size_t limit, py::handle cursor_arg, const std::string& order, bool include_unpublished) {
  store::search_request req;
  req.q = text_arg(q_arg, "/q");
  const std::string cursor = text_arg(cursor_arg, "/cursor");
  req.kinds = kinds;
  req.where = filter_from(filters);
  req.limit = limit;
  req.cursor = cursor;
  req.include_unpublished = include_unpublished;
  if (order == "relevance") req.order = store::search_order::relevance;
  else if (order == "newest") req.order = store::search_order::newest;
  else
    raise(error(errc::invalid_argument, "/order", "Thứ tự phải là \"relevance\" hoặc \"newest\"",
                "order must be \"relevance\" or \"newest\""));
  for (const auto& k : kinds)
    if (!store::find_kind(k)) detail::unknown_kind(k);
  auto s = h.shared();
  result<store::search_page> r = error(errc::internal);
  {
    release nogil;
    r = s->search(req);
  }
  auto p = unwrap(std::move(r));
  py::list items;
  for (auto& hit : p.items) {
    py::dict d;
    d["kind"] = hit.kind;
    d["id"] = hit.id;
    d["title"] = hit.title;
    d["title_html"] = hit.title_html;
    d["snippet_html"] = hit.snippet_html;
    d["score"] = hit.score;
    // The record the search read, as stored (model.load decodes it), or None: read it by id.
    d["record"] = hit.stored.kind.empty() ? py::object(py::none()) : to_py(hit.stored.body);
    items.append(d);
  }
  return py::make_tuple(items, p.next_cursor, p.approximate);
}

// Runs `fn` inside the store's transaction. The callable runs with the GIL held (taken back from
// the released store call); a Python exception from it rolls the transaction back and is raised
// again as itself once the store has let go. Nested calls nest (savepoints).
py::object do_transaction(const store_handle& h, py::function fn) {
  auto s = h.shared();
  py::object out = py::none();
  std::optional<py::error_already_set> failure;
  result<void> r;
  {
    release nogil;
    r = s->transaction([&]() -> result<void> {
      py::gil_scoped_acquire gil;
      try {
        out = fn();
        return {};
      } catch (py::error_already_set& e) {
        failure.emplace(std::move(e));
      } catch (const exception& e) {  // a library error thrown by a binding the callable used
        try {
          raise(e.err());
        } catch (py::error_already_set& pe) {
          failure.emplace(std::move(pe));
        }
      } catch (const std::exception& e) {
        PyErr_SetString(PyExc_RuntimeError, e.what());
        failure.emplace();
      }
      return error(errc::invalid_argument, {}, "Giao dịch bị hủy vì một lỗi trong hàm Python",
                   "Transaction rolled back: the Python callable raised");
    });
  }
  if (failure) {
    failure->restore();
    throw py::error_already_set();
  }
  unwrap(std::move(r));
  return out;
}

py::list do_audit(const store_handle& h, const std::string& kind, py::handle id_arg, std::size_t limit) {
  const std::string id = text_arg(id_arg, "/id");
  if (!kind.empty() && !store::find_kind(kind)) detail::unknown_kind(kind);
  if (limit == 0 || limit > 10000)
    raise(error(errc::out_of_range, "/limit", "Giới hạn phải từ 1 đến 10000", "limit must be 1..10000"));
  auto s = h.shared();
  result<std::vector<store::audit_entry>> r = error(errc::internal);
  {
    release nogil;
    r = s->audit_log(kind, id, limit);
  }
  py::list out;
  for (const auto& e : unwrap(std::move(r))) {
    py::dict d;
    d["seq"] = e.seq;
    d["at"] = format_timestamp_utc(e.at);
    d["actor"] = e.actor;
    d["kind"] = e.kind;
    d["id"] = e.id;
    d["action"] = e.action;
    d["version"] = e.version;
    d["previous"] = to_py(e.previous);
    out.append(d);
  }
  return out;
}

std::filesystem::path directory_path(py::handle p) {
  json j = from_py(p);
  if (!j.is_string() || j.get_ref<const std::string&>().empty())
    raise(error(errc::wrong_type, "/path", "Đường dẫn phải là chuỗi hoặc os.PathLike", "The path must be a str or os.PathLike"));
  if (j.get_ref<const std::string&>().find('\0') != std::string::npos)  // system calls would stop at it: another path
    raise(error(errc::invalid_argument, "/path", "Đường dẫn chứa ký tự NUL", "The path contains a NUL character"));
  return j.get<std::string>();
}

// What `import_dataset` creates, per dataset key, counted inside the import's own transaction
// (ids the store does not hold yet), so the counts are what was written.
py::dict do_import(const store_handle& h, py::handle path, py::handle actor_arg, bool render) {
  const std::string actor = text_arg(actor_arg, "/actor");
  const auto dir = directory_path(path);
  auto s = h.shared();
  std::vector<std::pair<std::string, std::size_t>> counts;
  result<void> r;
  {
    release nogil;
    r = [&]() -> result<void> {
      auto raw = store::read_dataset_directory(dir);
      if (!raw) return raw.err();
      auto d = dataset_from_json(*raw);
      if (!d) return d.err();
      if (render)
        if (auto hr = publish::render_html(*d); !hr) return hr.err();
      auto counted = store::import_dataset_counted(*s, *d, actor);
      if (!counted) return counted.err();
      counts = std::move(*counted);
      return {};
    }();
  }
  unwrap(std::move(r));
  py::dict out;
  for (const auto& [k, n] : counts) out[py::str(k)] = n;
  return out;
}

// A path from Python (str or PathLike), refused when it names something that is not a regular
// file (a FIFO would block the open; a directory is not a database).
std::filesystem::path database_path(py::handle p) {
  json j = from_py(p);
  if (!j.is_string() || j.get_ref<const std::string&>().empty())
    raise(error(errc::wrong_type, "/path", "Đường dẫn phải là chuỗi hoặc os.PathLike", "The path must be a str or os.PathLike"));
  std::filesystem::path path = j.get<std::string>();
  if (path.string().find('\0') != std::string::npos)
    raise(error(errc::invalid_argument, "/path", "Đường dẫn chứa ký tự NUL", "The path contains a NUL character"));
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    if (S_ISDIR(st.st_mode))
      raise(error(errc::io_error, path.string(), "Đường dẫn là một thư mục, không phải tệp cơ sở dữ liệu: " + path.string(),
                  "The path is a directory, not a database file: " + path.string()));
    raise(error(errc::io_error, path.string(), "Đường dẫn không phải tệp thông thường: " + path.string(),
                "The path is not a regular file: " + path.string()));
  }
  return path;
}


store::sqlite_store* as_sqlite(const store_handle& h) {
  auto* s = dynamic_cast<store::sqlite_store*>(&h.get());
  if (!s)
    raise(error(errc::invalid_argument, {}, "Chỉ kho SQLite có thao tác này", "Only a SQLite store supports this operation"));
  return s;
}

}  // namespace

void register_store(py::module_& m) {
  py::class_<store_handle>(m, "StoreHandle",
                           "A store (SQLite, in-memory or a plugin's) as pbgdpl.Store holds it; other areas' _core "
                           "functions take it. Use pbgdpl.Store instead of this class.")
      .def_property_readonly("closed", [](const store_handle& h) { return !h.impl; }, "True once close() ran.")
      .def_property_readonly(
          "backend",
          [](const store_handle& h) -> std::string {
            auto& s = h.get();
            if (dynamic_cast<store::sqlite_store*>(&s)) return "sqlite";
            if (dynamic_cast<store::memory_store*>(&s)) return "memory";
            return "plugin";
          },
          "\"sqlite\", \"memory\" or \"plugin\". StorageError when closed.")
      .def(
          "close",
          [](store_handle& h) {
            auto s = std::move(h.impl);
            h.impl.reset();
            release nogil;
            s.reset();  // the SQLite file closes here unless a call on another thread still holds it
          },
          "Closes the store (idempotent); later calls raise StorageError. A call under way on another thread "
          "finishes first.")
      .def("create", &do_create, py::arg("kind"), py::arg("obj"), py::arg("actor") = "system", py::arg("render_html") = true,
           "Stores a new entity of `kind` (a dict or model object): an empty id gets a random one, version 1, unset "
           "times now; render_html fills the server-owned *_html fields from Markdown. Returns the stored dict. "
           "ValidationError, ConflictError (id taken: already_exists).")
      .def("get", &do_get, py::arg("kind"), py::arg("id"), "The entity `kind`/`id` as a dict. NotFoundError.")
      .def("update", &do_update, py::arg("kind"), py::arg("obj"), py::arg("actor") = "system", py::arg("render_html") = true,
           "Writes obj back if its version is still the stored one; returns it with version + 1. ConflictError when "
           "stale, NotFoundError, ValidationError.")
      .def("archive", &do_archive, py::arg("kind"), py::arg("id"), py::arg("expected_version"), py::arg("actor") = "system",
           "Hides an entity from lists and search (still readable by id); returns it. ConflictError when stale.")
      .def("remove", &do_remove, py::arg("kind"), py::arg("id"), py::arg("expected_version") = 0, py::arg("actor") = "system",
           "Deletes an entity (expected_version 0: any version). NotFoundError, ConflictError.")
      .def("list", &do_list, py::arg("kind"), py::arg("filters") = py::none(), py::arg("limit") = 20, py::arg("cursor") = "",
           py::arg("oldest_first") = false,
           "One keyset page: (list of dicts, next cursor or \"\" on the last page). filters: unit, include_descendants, "
           "units, sub_kind, category, state, doc_type, doc_level, doc_status, field, date_from, date_to "
           "(YYYY-MM-DD), include_archived, visible_at. limit 1..100.")
      .def("search", &do_search, py::arg("q"), py::arg("kinds") = std::vector<std::string>{}, py::arg("filters") = py::none(),
           py::arg("limit") = 20, py::arg("cursor") = "", py::arg("order") = "relevance", py::arg("include_unpublished") = false,
           "Vietnamese search (accents optional, \"phrases\", prefix*, key:value filters): (hits, next cursor, "
           "approximate). Each hit: kind, id, title, title_html, snippet_html (HTML-escaped, matches in <mark>), score, "
           "record (the stored dict or None). order: relevance|newest.")
      .def("transaction", &do_transaction, py::arg("fn"),
           "Calls fn() inside one store transaction and returns its result; if fn raises, every write it made is "
           "rolled back and the exception is raised again. Nests.")
      .def("audit_log", &do_audit, py::arg("kind") = "", py::arg("id") = "", py::arg("limit") = 100,
           "Audit entries, newest first (dicts: seq, at, actor, kind, id, action, version, previous); kind/id empty "
           "for all.")
      .def("import_dataset", &do_import, py::arg("path"), py::arg("actor") = "import", py::arg("render_html") = true,
           "Imports a dataset directory (<key>.json files, e.g. data/seed) in one transaction, creating what the "
           "store lacks; returns {dataset key: records created}. ValidationError for a bad dataset (nothing written).")
      .def(
          "integrity_check",
          [](const store_handle& h) {
            auto* s = as_sqlite(h);
            auto keep = h.shared();
            result<void> r;
            {
              release nogil;
              r = s->integrity_check();
            }
            unwrap(std::move(r));
          },
          "SQLite only: runs SQLite's integrity check; StorageError (corrupt) when it fails.")
      .def(
          "backup",
          [](const store_handle& h, py::handle dest) {
            auto* s = as_sqlite(h);
            auto keep = h.shared();
            auto path = database_path(dest);
            result<void> r;
            {
              release nogil;
              r = s->backup_to(path);
            }
            unwrap(std::move(r));
          },
          py::arg("dest"), "SQLite only: an online backup of the database into the file `dest`.");

  m.def(
      "store_open_sqlite",
      [](py::handle path, int busy_timeout_ms, bool synchronous_full, std::int64_t max_page_count,
         int search_time_limit_ms, bool exhaustive_search) {
        auto p = database_path(path);
        store::sqlite_options o;
        if (busy_timeout_ms < 0) raise(error(errc::out_of_range, "/busy_timeout_ms", "Phải >= 0", "Must be >= 0"));
        if (max_page_count < 0) raise(error(errc::out_of_range, "/max_page_count", "Phải >= 0", "Must be >= 0"));
        if (search_time_limit_ms < 0) raise(error(errc::out_of_range, "/search_time_limit_ms", "Phải >= 0", "Must be >= 0"));
        o.busy_timeout_ms = busy_timeout_ms;
        o.synchronous_full = synchronous_full;
        o.max_page_count = max_page_count;
        o.search_time_limit_ms = search_time_limit_ms;
        o.exhaustive_search = exhaustive_search;
        result<std::unique_ptr<store::sqlite_store>> r = error(errc::internal);
        {
          release nogil;
          r = store::open_sqlite_store(p, o);
        }
        return store_handle{std::shared_ptr<store::store>(unwrap(std::move(r)))};
      },
      py::arg("path"), py::arg("busy_timeout_ms") = 5000, py::arg("synchronous_full") = true, py::arg("max_page_count") = 0,
      py::arg("search_time_limit_ms") = 500, py::arg("exhaustive_search") = false,
      "Opens (creating it and its directory if missing) the SQLite store at `path` and migrates it. StorageError for "
      "a directory, FIFO or other non-regular file, a file that is not a pbgdpl database, or I/O errors.");
  m.def(
      "store_open_memory", [] { return store_handle{std::shared_ptr<store::store>(store::make_memory_store())}; },
      "A new, empty in-memory store (nothing persists).");
  m.def(
      "store_kinds",
      [] {
        std::vector<std::string> out;
        for (const auto& k : store::stored_kind_infos()) out.emplace_back(k.kind);
        return out;
      },
      "Every stored kind's name, in registry (import) order.");
  m.def(
      "store_searchable_kinds", [] { return store::searchable_kinds(); },
      "The kinds a search with no kinds searches.");
}

}  // namespace pbgdpl::python
