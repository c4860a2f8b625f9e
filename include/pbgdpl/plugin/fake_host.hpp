// A host for plugin unit tests: a real pbgdpl_host_api backed by C++ that the test controls (the
// clock, the HTTP answers) and inspects (log lines, store change batches), and a loader that
// dlopens one library directly (no manifest, no plugin directory) and creates one instance,
// with typed helpers to call it. The same checks and wrappers as plugin_host (host.hpp) apply.
// Thread safety: the captured logs and changes may be read while the plugin runs on other threads.
#pragma once
#include "host.hpp"

#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace plugin {

class fake_host {
 public:
  struct log_line {
    pbgdpl_log_level level{};
    std::string message;
  };

  fake_host();
  ~fake_host();
  fake_host(const fake_host&) = delete;
  fake_host& operator=(const fake_host&) = delete;

  void set_now(timestamp t);
  void set_now_ms(std::int64_t ms_since_epoch);
  std::vector<log_line> logs() const;
  // Answers the plugins' HTTP requests; by default a real client that may reach 127.0.0.1 only.
  void on_http(std::function<result<http_response>(const http_request&)> fn);
  std::vector<http_request> http_requests() const;  // every request a plugin made, in order
  // Every batch a plugin reported through host->store_changed, in order.
  std::vector<std::vector<store::change>> store_changes() const;
  // The ABI version the host presents (tests of version negotiation).
  void set_abi(abi_version v);
  // The host table as a plugin sees it (host_ctx names the plugin "fake").
  const pbgdpl_host_api* api() const noexcept;

  class loaded {
   public:
    explicit loaded(std::shared_ptr<instance> inst) : inst_(std::move(inst)) {}
    const pbgdpl_plugin_desc& descriptor() const noexcept { return inst_->descriptor(); }
    void* handle() const noexcept { return inst_->handle(); }  // the plugin's `void* instance`
    const std::shared_ptr<instance>& plugin_instance() const noexcept { return inst_; }

    result<json> call_publish(const json& post);
    result<json> call_drain(std::size_t max);
    result<std::size_t> call_send(std::string_view event, const json& data);
    result<std::string> call_export(std::string_view format, const std::vector<store::record>& records);
    result<json> call_import(std::string_view format, std::string_view content);
    result<std::string> call_export_catalogue(std::string_view format, const json& request);
    // The host's own wrappers over this instance (what plugin_host's open_store gives).
    result<std::unique_ptr<store::store>> open_store();
    result<std::unique_ptr<reports::notifier>> open_notifier();

   private:
    std::shared_ptr<instance> inst_;
  };

  // dlopens `so_file` (the loader's file checks apply), runs its entry point, checks its
  // descriptor and creates one instance with `config`.
  result<std::unique_ptr<loaded>> load(const std::filesystem::path& so_file, const json& config = json::object());
  // The same for an entry point linked into the test itself (a plugin class in the test's TU).
  result<std::unique_ptr<loaded>> load_entry(pbgdpl_plugin_init_fn entry, const json& config = json::object());

 private:
  struct state;
  std::shared_ptr<detail::services> unowned() const;
  std::shared_ptr<state> s_;
};

}  // namespace plugin
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/fake_host.ipp"
#endif
