// The host side of the plugin ABI (abi.h): finds plugins by their JSON manifests, checks each
// library file before loading it, loads it (dlopen, RTLD_NOW | RTLD_LOCAL), negotiates the ABI
// version, checks the descriptor against the manifest, gives plugins the host's services (log,
// clock, an HTTP client under the host's policy, JSON normalisation, store change batches), and
// wraps instances in the library's own interfaces: a store::store, a reports::notifier, and
// handles for publishers, exporters and connectors. Loading is off unless configured.
//
// Every failure to load is a pbgdpl::error naming the file, in Vietnamese and English, whose
// `path` is the load_errc's name ("abi_minor_too_new"). Whatever a plugin answers is untrusted:
// bounded, parsed with the library's limits, checked for shape; a plugin that throws or answers
// garbage gives an error, never a crash of the host (a plugin that corrupts memory can still
// crash it: plugins run in the host's process).
// Thread safety: a plugin_host may be shared (create() takes its lock). An instance serialises
// the calls into it unless its descriptor says PBGDPL_PLUGIN_THREAD_SAFE.
#pragma once
#include "../core/json.hpp"
#include "../reports/notifier.hpp"
#include "../store/store.hpp"
#include "abi.h"
#include "codec.hpp"
#include "sdk.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace plugin {

enum class load_errc {
  disabled,
  not_found,
  manifest_unreadable,
  manifest_invalid,
  unsafe_library_path,
  library_missing,
  library_not_regular_file,
  dlopen_failed,
  entry_missing,
  init_failed,
  abi_major_mismatch,
  abi_minor_too_new,
  bad_struct_size,
  descriptor_mismatch,
  missing_kind_table,
  duplicate_id,
  plugin_threw,
  create_failed
};
// "abi_minor_too_new": the error's path for each.
PBGDPL_DECL std::string_view load_errc_name(load_errc e) noexcept;
PBGDPL_DECL std::optional<load_errc> load_errc_from_name(std::string_view name) noexcept;

struct load_error {
  load_errc code{};
  std::filesystem::path file;  // the manifest or library concerned
  error err;                   // bilingual, err.path == load_errc_name(code)
};

// What a manifest (<dir>/<id>.json) declares, read before any code is loaded.
struct manifest {
  std::string id;       // [a-z0-9_-]{1,64}
  std::string library;  // a plain file name in the manifest's own directory
  std::uint32_t abi_major = 0, abi_minor = 0;
  std::uint32_t kinds = 0;  // PBGDPL_KIND_* bits
  std::string version, license, description;
  std::filesystem::path file;  // where it was read
  std::filesystem::path library_path() const { return file.parent_path() / library; }
  json to_json() const;  // the manifest's own shape, plus "file"
};

// "store", "publisher", ... for one PBGDPL_KIND_* bit; the bits of a list of names.
PBGDPL_DECL std::string_view kind_name(std::uint32_t kind_bit) noexcept;
PBGDPL_DECL std::vector<std::string> kind_names(std::uint32_t kinds);

// Reads and checks one manifest file (a regular file, not a symlink, at most 64 KiB): errors are
// load errors (manifest_unreadable, manifest_invalid, unsafe_library_path).
PBGDPL_DECL result<manifest> read_manifest(const std::filesystem::path& file);

// The host's ABI version as it presents itself (tests present a newer minor than they build).
struct abi_version {
  std::uint32_t major = PBGDPL_ABI_MAJOR, minor = PBGDPL_ABI_MINOR;
};

struct host_options {
  bool enabled = false;                     // loading is off unless configured
  std::vector<std::filesystem::path> dirs;  // plugin directories
  bool use_env_path = true;                 // + PBGDPL_PLUGIN_PATH (':'-separated)
  std::function<timestamp()> clock;         // default: now()
  std::function<void(pbgdpl_log_level, std::string_view plugin_id, std::string_view)> log;  // default: stderr
  std::vector<std::string> http_allowed_hosts;  // hosts plugins may reach ("graph.facebook.com"); empty: none
  bool http_allow_loopback = false;             // tests and mocks
  std::size_t http_max_body = 16u << 20;        // each way
  std::chrono::milliseconds http_max_timeout{30'000};
  // Like curl's --connect-to, for mocks of real hosts: {"graph.facebook.com", "127.0.0.1:8081"}.
  std::vector<std::pair<std::string, std::string>> http_connect_to;
  std::string http_extra_ca_file;  // PEM trusted besides the system's (a mock's own CA)
  abi_version abi{};               // what the host presents to plugins (tests)
};

// One format an exporter writes (its descriptor's `formats`).
struct export_format {
  std::string format, content_type, extension;
};

namespace detail {
struct library;
using json_call = pbgdpl_status (*)(void*, const char*, std::size_t, pbgdpl_buffer*, pbgdpl_buffer*);
}  // namespace detail

// One live plugin instance; keeps its library loaded (abi.h policy 10). Made by
// plugin_host::create() or fake_host::load().
class instance {
 public:
  instance(const instance&) = delete;
  instance& operator=(const instance&) = delete;
  ~instance();

  const std::string& id() const noexcept;
  const manifest& info() const noexcept;
  // The descriptor as the host read it: fields past the plugin's struct_size are zero.
  const pbgdpl_plugin_desc& descriptor() const noexcept;
  const pbgdpl_store_api* store_api() const noexcept;  // null unless the kind is provided
  const pbgdpl_publisher_api* publisher_api() const noexcept;
  const pbgdpl_notifier_api* notifier_api() const noexcept;
  const pbgdpl_exporter_api* exporter_api() const noexcept;
  const pbgdpl_connector_api* connector_api() const noexcept;
  void* handle() const noexcept { return handle_; }
  bool thread_safe() const noexcept;
  const std::string& notifier_channel() const noexcept;        // "" unless a notifier
  const std::vector<export_format>& export_formats() const noexcept;  // empty unless an exporter

  // Calls a (request, len, out, error) function of the instance: the answer's bytes, at most
  // max_boundary_bytes, or the plugin's error. `what` names the call in messages ("publish").
  result<std::string> call(detail::json_call fn, std::string_view request, std::string_view what);
  // The same, with the answer parsed as JSON (the library's depth limit).
  result<json> call_json(detail::json_call fn, const json& request, std::string_view what);
  // Runs f under the instance's lock (none for a thread-safe plugin), turning anything thrown
  // across the boundary into an error.
  template <class F>
  auto locked(F&& f) -> decltype(f());

  // Where host->store_changed batches for this instance go: one listener per `owner` (a handle;
  // setting it again replaces that owner's), until stop_changes(owner). A batch that does not
  // decode is logged and dropped. A batch reported during a call into the instance reaches the
  // listener after that call returns and its lock is released (as store listeners expect: they
  // may use the store, and other threads may hold locks the listener takes); one reported from
  // the plugin's own threads (another node's commit) is delivered at once.
  void on_changes(const void* owner, std::function<void(const std::vector<store::change>&)> fn);
  void stop_changes(const void* owner);
  void deliver_changes(std::string_view batch_json) noexcept;
  void log(pbgdpl_log_level level, std::string_view message) const;

 private:
  friend struct detail::library;
  explicit instance(std::shared_ptr<detail::library> lib);
  std::shared_ptr<detail::library> lib_;
  void* handle_ = nullptr;
  bool created_ = false;
  std::recursive_mutex mu_;  // recursive: a transaction's body calls back on the same thread
  std::recursive_mutex changes_mu_;
  std::vector<std::pair<const void*, std::function<void(const std::vector<store::change>&)>>> listeners_;

  // Marks this thread as inside a call into the instance; the outermost one, once the lock is
  // released, hands the batches reported meanwhile to the listener.
  struct call_scope {
    explicit call_scope(instance& i);
    ~call_scope();
    instance& inst;
    bool outermost;
  };
  void deliver_now(const std::vector<store::change>& batch) noexcept;
};

class plugin_host {
 public:
  explicit plugin_host(host_options o);
  ~plugin_host();
  plugin_host(const plugin_host&) = delete;
  plugin_host& operator=(const plugin_host&) = delete;

  // The directories searched, in order: options' dirs, then PBGDPL_PLUGIN_PATH's.
  std::vector<std::filesystem::path> search_path() const;
  // Every readable manifest (no code is loaded); the others, and ids found twice, in `problems`.
  std::vector<manifest> discover(std::vector<load_error>* problems = nullptr) const;
  // Loads (once) and creates an instance of plugin `id` with its configuration (a JSON object).
  result<std::shared_ptr<instance>> create(std::string_view id, const json& config);
  // Loads the library of `id` and checks it without creating an instance (`pbgdpl plugins check`).
  result<manifest> check(std::string_view id);
  const host_options& options() const noexcept;

 private:
  struct state;
  std::unique_ptr<state> s_;
};

// --- typed handles: each keeps its instance (and library) alive ---------------------------------

PBGDPL_DECL result<std::unique_ptr<store::store>> open_store(plugin_host& h, std::string_view id, const json& config);
PBGDPL_DECL result<std::unique_ptr<reports::notifier>> open_notifier(plugin_host& h, std::string_view id, const json& config);

class publisher_handle {
 public:
  explicit publisher_handle(std::shared_ptr<instance> inst) : inst_(std::move(inst)) {}
  result<json> publish(const json& post);
  result<json> drain(std::size_t max);
  const std::shared_ptr<instance>& plugin_instance() const noexcept { return inst_; }

 private:
  std::shared_ptr<instance> inst_;
};
PBGDPL_DECL result<std::unique_ptr<publisher_handle>> open_publisher(plugin_host& h, std::string_view id, const json& config);

class connector_handle {
 public:
  explicit connector_handle(std::shared_ptr<instance> inst) : inst_(std::move(inst)) {}
  // {"legal_documents": [...], "publications": [...], "warnings": [...]}, shape checked.
  result<json> import_catalogue(std::string_view format, std::string_view content);
  result<std::string> export_catalogue(std::string_view format, const json& request);
  const std::shared_ptr<instance>& plugin_instance() const noexcept { return inst_; }

 private:
  std::shared_ptr<instance> inst_;
};
PBGDPL_DECL result<std::unique_ptr<connector_handle>> open_connector(plugin_host& h, std::string_view id, const json& config);

class exporter_handle {
 public:
  explicit exporter_handle(std::shared_ptr<instance> inst);
  const std::vector<export_format>& formats() const noexcept { return formats_; }
  // A format the plugin does not list is refused before the call.
  result<std::string> export_records(std::string_view format, const std::vector<store::record>& records);
  const std::shared_ptr<instance>& plugin_instance() const noexcept { return inst_; }

 private:
  std::shared_ptr<instance> inst_;
  std::vector<export_format> formats_;
};
PBGDPL_DECL result<std::unique_ptr<exporter_handle>> open_exporter(plugin_host& h, std::string_view id, const json& config);

// The same wrappers over an instance already created (fake_host's, or one shared by several).
PBGDPL_DECL result<std::unique_ptr<store::store>> store_of(std::shared_ptr<instance> inst);
PBGDPL_DECL result<std::unique_ptr<reports::notifier>> notifier_of(std::shared_ptr<instance> inst);

namespace detail {

// The host's services behind the table handed to plugins (plugin_host's, or fake_host's).
struct services {
  virtual ~services() = default;
  virtual void log(std::string_view plugin_id, pbgdpl_log_level level, std::string_view message) = 0;
  virtual std::int64_t now_ms() = 0;
  virtual result<http_response> http(std::string_view plugin_id, const http_request& r) = 0;
  // Every decoded store_changed batch, before the instance's listener (fake_host records them).
  virtual void changes_seen(std::string_view plugin_id, const std::vector<store::change>& batch) {
    (void)plugin_id;
    (void)batch;
  }
};

// One library's host_ctx: the services, the plugin's id for its log lines, and its table.
struct host_ctx {
  std::shared_ptr<services> host;
  std::string plugin_id;
  pbgdpl_host_api api{};
  pbgdpl_host_info info{};
};
// A host_ctx whose table's functions call `host` (host_ctx points at itself).
PBGDPL_DECL std::unique_ptr<host_ctx> make_host_ctx(std::shared_ptr<services> host, std::string plugin_id, abi_version presented);

// A loaded library: its dlopen handle (closed when the last instance and the host let go), its
// descriptor and kind tables as zero-filled copies (abi.h policy 3), and its host table.
struct library {
  library() = default;
  library(const library&) = delete;
  library& operator=(const library&) = delete;
  ~library();
  void* dl = nullptr;  // null for an entry linked into the program
  int fd = -1;         // the file dlopened (through /proc/self/fd), open while it is loaded
  std::string dl_name;  // "/proc/self/fd/N": the name the dynamic loader knows it by
  manifest info;       // the manifest (fake_host: made from the descriptor)
  pbgdpl_plugin_desc desc{};
  pbgdpl_store_api store{};
  pbgdpl_publisher_api publisher{};
  pbgdpl_notifier_api notifier{};
  pbgdpl_exporter_api exporter{};
  pbgdpl_connector_api connector{};
  std::string notifier_channel;
  std::vector<export_format> formats;
  std::unique_ptr<host_ctx> ctx;  // must outlive every call from the plugin: freed after dlclose

  // Creates an instance with `config` (a JSON object): create_failed, plugin_threw.
  static result<std::shared_ptr<instance>> create(const std::shared_ptr<library>& lib, const json& config);
};

// Runs a library's entry point and checks its descriptor (against `expected` when given).
// `dl` is adopted (closed on failure). `file` names the library in messages.
PBGDPL_DECL result<std::shared_ptr<library>> open_library(pbgdpl_plugin_init_fn entry, void* dl, const std::filesystem::path& file,
                                              const std::optional<manifest>& expected, std::shared_ptr<services> host,
                                              abi_version presented);
// Checks the library file a manifest names (plain name, regular file, not a symlink out of its
// directory, not writable by others), then dlopens exactly that file.
PBGDPL_DECL result<std::shared_ptr<library>> load_library(const manifest& m, std::shared_ptr<services> host, abi_version presented);
// dlopens a library file with no manifest (fake_host::load) and checks its descriptor alone.
PBGDPL_DECL result<std::shared_ptr<library>> load_library_file(const std::filesystem::path& file, std::shared_ptr<services> host,
                                                   abi_version presented);

PBGDPL_DECL error load_failure(load_errc code, const std::filesystem::path& file, std::string vi, std::string en,
                   std::optional<errc> code_override = std::nullopt);

// The services of a plugin_host (its options' clock, log and HTTP policy).
PBGDPL_DECL std::shared_ptr<services> make_host_services(const host_options& o);

}  // namespace detail

template <class F>
auto instance::locked(F&& f) -> decltype(f()) {
  call_scope scope(*this);  // declared first: its end runs after the lock's
  std::unique_lock<std::recursive_mutex> lock(mu_, std::defer_lock);
  if (!thread_safe()) lock.lock();
  try {
    return f();
  } catch (const exception& e) {
    return e.err();
  } catch (...) {
    return detail::load_failure(load_errc::plugin_threw, info().library_path(),
                                "Plugin \"" + id() + "\" ném ra ngoại lệ qua ranh giới ABI",
                                "The plugin \"" + id() + "\" threw an exception across the ABI boundary",
                                errc::internal);
  }
}

}  // namespace plugin
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/loader.ipp"
#include "impl/host_services.ipp"
#include "impl/handles.ipp"
#endif
