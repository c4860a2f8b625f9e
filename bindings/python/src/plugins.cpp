// Plugins from Python: a plugin host (plugin/host.hpp) with loading enabled for the directories the
// caller names, its manifests, the check of a library, and the instances it makes: a store (as a
// _core.StoreHandle, so everything that takes a store takes it), a notifier and an exporter.
// Failures of the host (a manifest, a library, the ABI, a plugin's create) raise
// pbgdpl.PluginError whose .path is the host's load_errc name ("abi_minor_too_new").
#include "py_common.hpp"

#include <pbgdpl/plugin/host.hpp>

#include <filesystem>
#include <mutex>

namespace pbgdpl::python {

namespace {

using release = gil_released;

// Text a message carries may echo the bytes of a broken manifest: invalid UTF-8 is replaced
// (U+FFFD), never a UnicodeDecodeError in place of the error being reported.
py::str lenient(const std::string& s) {
  PyObject* o = PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "replace");
  if (!o) throw py::error_already_set();
  return py::reinterpret_steal<py::str>(o);
}

py::object plugin_exception(const error& e) {
  py::list details;
  for (const auto& d : e.details) details.append(plugin_exception(d));
  auto cls = py::module_::import("pbgdpl.errors").attr("PluginError");
  return cls(lenient(e.message_en), py::arg("code") = std::string(errc_name(e.code)), py::arg("path") = lenient(e.path),
             py::arg("message_vi") = lenient(e.message_vi), py::arg("details") = details);
}

// A failure of the host or of a plugin's instance: PluginError, keeping the library's code,
// path and both messages.
[[noreturn]] void raise_plugin(const error& e) {
  py::object inst = plugin_exception(e);
  PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(inst.ptr())), inst.ptr());
  throw py::error_already_set();
}

template <class T>
T unwrap_plugin(result<T>&& r) {
  if (!r) raise_plugin(r.err());
  return std::move(r).value();
}

py::dict manifest_to_py(const plugin::manifest& m) {
  py::dict d;
  d["id"] = m.id;
  d["version"] = m.version;
  d["license"] = m.license;
  d["description"] = m.description;
  d["kinds"] = plugin::kind_names(m.kinds);
  d["abi"] = py::make_tuple(m.abi_major, m.abi_minor);
  d["path"] = lenient(m.file.string());
  d["library"] = lenient(m.library_path().string());
  return d;
}

std::filesystem::path path_of(py::handle p, const char* what) {
  json j = from_py(p);
  if (!j.is_string() || j.get_ref<const std::string&>().empty())
    raise(error(errc::wrong_type, what, "Đường dẫn phải là chuỗi hoặc os.PathLike", "A path must be a str or os.PathLike"));
  if (j.get_ref<const std::string&>().find('\0') != std::string::npos)  // system calls would stop at it: another directory
    raise(error(errc::invalid_argument, what, "Đường dẫn chứa ký tự NUL", "A path contains a NUL character"));
  return j.get<std::string>();
}

json config_of(py::handle config) {
  if (config.is_none()) return json::object();
  json j = from_py(config);
  if (!j.is_object())
    raise(error(errc::wrong_type, "/config", "Cấu hình plugin phải là dict", "A plugin's configuration must be a dict"));
  return j;
}

// The host and the lock that makes close() safe against a call under way on another thread.
struct host_handle {
  std::shared_ptr<plugin::plugin_host> impl;
  std::shared_ptr<plugin::plugin_host> get() const {
    if (!impl)
      raise_plugin(error(errc::io_error, {}, "Trình quản lý plugin đã đóng", "The plugin host is closed"));
    return impl;
  }
};

struct notifier_handle {
  std::shared_ptr<reports::notifier> impl;
};

struct exporter_handle {
  std::shared_ptr<plugin::exporter_handle> impl;
};

// Records for an exporter from model objects or dicts (validated as their kind).
std::vector<store::record> records_of(py::handle objs) {
  std::vector<store::record> out;
  if (!py::isinstance<py::list>(objs) && !py::isinstance<py::tuple>(objs))
    raise(error(errc::wrong_type, "/records", "Cần một danh sách bản ghi", "Expected a list of records"));
  std::size_t i = 0;
  for (auto item : objs) {
    const std::string path = "/records/" + std::to_string(i++);
    py::object kind_attr;
    if (py::hasattr(item, "model_kind")) kind_attr = item.attr("model_kind");
    json j = from_py(item);
    std::string kind;
    if (kind_attr && py::isinstance<py::str>(kind_attr)) kind = kind_attr.cast<std::string>();
    else if (j.is_object() && j.contains("_kind") && j["_kind"].is_string()) {
      kind = j["_kind"].get<std::string>();
      j.erase("_kind");
    } else
      raise(error(errc::invalid_argument, path, "Cần đối tượng mô hình (hoặc dict có \"_kind\")",
                  "Expected a model object (or a dict with \"_kind\")"));
    visit_kind(kind, [&]<class T>() {
      auto v = from_json_value<T>(j);
      if (!v) {
        error e = v.err();
        e.path = path + e.path;
        raise(e);
      }
      out.push_back(unwrap(store::store::to_record(*v)));
    });
  }
  return out;
}

}  // namespace

void register_plugins(py::module_& m) {
  py::class_<host_handle>(m, "PluginHostHandle", "A plugin host (pbgdpl.plugins.PluginHost wraps it).")
      .def_property_readonly("closed", [](const host_handle& h) { return !h.impl; }, "True once close() ran.")
      .def(
          "close",
          [](host_handle& h) {
            auto p = std::move(h.impl);
            h.impl.reset();
            release nogil;
            p.reset();  // instances already made keep their libraries loaded
          },
          "Closes the host (idempotent); later calls raise PluginError. Stores, notifiers and exporters it opened stay usable.")
      .def(
          "search_path",
          [](const host_handle& h) {
            std::vector<std::string> out;
            for (const auto& p : h.get()->search_path()) out.push_back(p.string());
            return out;
          },
          "The directories searched for manifests, in order.")
      .def(
          "discover",
          [](const host_handle& h) {
            auto host = h.get();
            std::vector<plugin::manifest> found;
            std::vector<plugin::load_error> problems;
            {
              release nogil;
              found = host->discover(&problems);
            }
            py::list ms, ps;
            for (const auto& x : found) ms.append(manifest_to_py(x));
            for (const auto& p : problems) {
              py::object e = plugin_exception(p.err);
              e.attr("file") = lenient(p.file.string());
              ps.append(e);
            }
            return py::make_tuple(ms, ps);
          },
          "Reads every manifest (no code loaded): (manifest dicts, PluginError for each unreadable or duplicate one, "
          "with .file).")
      .def(
          "check",
          [](const host_handle& h, const std::string& id) {
            auto host = h.get();
            result<plugin::manifest> r = error(errc::internal);
            {
              release nogil;
              r = host->check(id);
            }
            return manifest_to_py(unwrap_plugin(std::move(r)));
          },
          py::arg("id"),
          "Loads plugin `id`'s library and checks it (ABI, descriptor against manifest) without creating an instance; "
          "returns its manifest dict. PluginError (.path: the load error's name).")
      .def(
          "open_store",
          [](const host_handle& h, const std::string& id, py::handle config) {
            auto host = h.get();
            json c = config_of(config);
            result<std::unique_ptr<store::store>> r = error(errc::internal);
            {
              release nogil;
              r = plugin::open_store(*host, id, c);
            }
            return store_handle{std::shared_ptr<store::store>(unwrap_plugin(std::move(r)))};
          },
          py::arg("id"), py::arg("config") = py::none(),
          "Creates plugin `id`'s store with `config` (a dict) and returns its StoreHandle. PluginError.")
      .def(
          "open_notifier",
          [](const host_handle& h, const std::string& id, py::handle config) {
            auto host = h.get();
            json c = config_of(config);
            result<std::unique_ptr<reports::notifier>> r = error(errc::internal);
            {
              release nogil;
              r = plugin::open_notifier(*host, id, c);
            }
            return notifier_handle{std::shared_ptr<reports::notifier>(unwrap_plugin(std::move(r)))};
          },
          py::arg("id"), py::arg("config") = py::none(), "Creates plugin `id`'s notifier. PluginError.")
      .def(
          "open_exporter",
          [](const host_handle& h, const std::string& id, py::handle config) {
            auto host = h.get();
            json c = config_of(config);
            result<std::unique_ptr<plugin::exporter_handle>> r = error(errc::internal);
            {
              release nogil;
              r = plugin::open_exporter(*host, id, c);
            }
            return exporter_handle{std::shared_ptr<plugin::exporter_handle>(unwrap_plugin(std::move(r)))};
          },
          py::arg("id"), py::arg("config") = py::none(), "Creates plugin `id`'s exporter. PluginError.");

  py::class_<notifier_handle>(m, "PluginNotifierHandle", "A plugin's notifier (reports' reminders go through one).")
      .def_property_readonly(
          "name", [](const notifier_handle& n) { return std::string(n.impl->name()); }, "The channel's name.")
      .def(
          "send",
          [](const notifier_handle& n, const std::string& event, py::handle data) {
            json d = from_py(data);
            if (!d.is_object()) raise(error(errc::wrong_type, "/data", "Dữ liệu sự kiện phải là dict", "Event data must be a dict"));
            result<std::size_t> r = error(errc::internal);
            {
              release nogil;
              r = n.impl->send(event, d);
            }
            return unwrap(std::move(r));
          },
          py::arg("event"), py::arg("data"),
          "Sends `event` with its data (id, unit, units, occurred_at at least); returns how many recipients it "
          "reached.");

  py::class_<exporter_handle>(m, "PluginExporterHandle", "A plugin's exporter of records to a file format.")
      .def_property_readonly(
          "formats",
          [](const exporter_handle& x) {
            py::list out;
            for (const auto& f : x.impl->formats())
              out.append(py::make_tuple(f.format, f.content_type, f.extension));
            return out;
          },
          "The formats it writes: (format, content type, file extension) tuples.")
      .def(
          "export_records",
          [](const exporter_handle& x, const std::string& format, py::handle records) {
            auto recs = records_of(records);
            result<std::string> r = error(errc::internal);
            {
              release nogil;
              r = x.impl->export_records(format, recs);
            }
            return py::bytes(unwrap(std::move(r)));
          },
          py::arg("format"), py::arg("records"),
          "Exports model objects (validated as their kind) in `format`; returns the file's bytes.");

  m.def(
      "plugins_open_host",
      [](py::handle dirs, bool use_env_path, const std::vector<std::string>& allowed_hosts, bool allow_loopback) {
        plugin::host_options o;
        o.enabled = true;
        o.use_env_path = use_env_path;
        o.http_allowed_hosts = allowed_hosts;
        o.http_allow_loopback = allow_loopback;
        if (!py::isinstance<py::list>(dirs) && !py::isinstance<py::tuple>(dirs))
          raise(error(errc::wrong_type, "/dirs", "dirs phải là danh sách thư mục", "dirs must be a list of directories"));
        for (auto d : dirs) o.dirs.push_back(path_of(d, "/dirs"));
        return host_handle{std::make_shared<plugin::plugin_host>(std::move(o))};
      },
      py::arg("dirs"), py::arg("use_env_path") = false, py::arg("allowed_hosts") = std::vector<std::string>{},
      py::arg("allow_loopback") = false,
      "A plugin host with loading enabled for `dirs` (and PBGDPL_PLUGIN_PATH when use_env_path). allowed_hosts: "
      "the hosts plugins' HTTP may reach; allow_loopback lets them reach 127.0.0.1 (tests, mocks).");
  m.def(
      "plugins_load_error_names",
      [] {
        std::vector<std::string> out;
        for (int i = 0; i <= static_cast<int>(plugin::load_errc::create_failed); ++i)
          out.emplace_back(plugin::load_errc_name(static_cast<plugin::load_errc>(i)));
        return out;
      },
      "The names a PluginError's .path takes for a load failure (\"abi_minor_too_new\", ...).");
}

}  // namespace pbgdpl::python
