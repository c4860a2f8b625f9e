// Bodies of plugin/fake_host.hpp.
#pragma once
#include "../fake_host.hpp"

PBGDPL_NAMESPACE_BEGIN
namespace plugin {

// The fake's services: the test's clock and HTTP, and everything captured.
struct fake_host::state final : detail::services {
  mutable std::mutex mu;
  std::int64_t now = 1'700'000'000'000;  // 2023-11-14T22:13:20Z, fixed unless set
  std::vector<log_line> logs;
  std::vector<http_request> requests;
  std::vector<std::vector<store::change>> changes;
  std::function<result<http_response>(const http_request&)> http_fn;
  std::shared_ptr<detail::services> loopback_http;
  abi_version abi{};
  std::unique_ptr<detail::host_ctx> table;  // api() for tests that call a table by hand

  void log(std::string_view, pbgdpl_log_level level, std::string_view message) override {
    std::lock_guard<std::mutex> lock(mu);
    logs.push_back({level, std::string(message)});
  }
  std::int64_t now_ms() override {
    std::lock_guard<std::mutex> lock(mu);
    return now;
  }
  result<http_response> http(std::string_view plugin_id, const http_request& r) override {
    std::function<result<http_response>(const http_request&)> fn;
    {
      std::lock_guard<std::mutex> lock(mu);
      requests.push_back(r);
      fn = http_fn;
    }
    if (fn) return fn(r);
    return loopback_http->http(plugin_id, r);
  }
  void changes_seen(std::string_view, const std::vector<store::change>& batch) override {
    std::lock_guard<std::mutex> lock(mu);
    changes.push_back(batch);
  }
};

// The state's own table points back at it without owning it (no cycle).
PBGDPL_DECL std::shared_ptr<detail::services> fake_host::unowned() const {
  return std::shared_ptr<detail::services>(std::shared_ptr<void>(), s_.get());
}

PBGDPL_DECL fake_host::fake_host() : s_(std::make_shared<state>()) {
  host_options o;
  o.http_allow_loopback = true;  // and nothing else: the allow list is empty
  s_->loopback_http = detail::make_host_services(o);
  s_->table = detail::make_host_ctx(unowned(), "fake", s_->abi);
}

PBGDPL_DECL fake_host::~fake_host() = default;

PBGDPL_DECL void fake_host::set_now(timestamp t) {
  set_now_ms(std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count());
}
PBGDPL_DECL void fake_host::set_now_ms(std::int64_t ms) {
  std::lock_guard<std::mutex> lock(s_->mu);
  s_->now = ms;
}
PBGDPL_DECL std::vector<fake_host::log_line> fake_host::logs() const {
  std::lock_guard<std::mutex> lock(s_->mu);
  return s_->logs;
}
PBGDPL_DECL void fake_host::on_http(std::function<result<http_response>(const http_request&)> fn) {
  std::lock_guard<std::mutex> lock(s_->mu);
  s_->http_fn = std::move(fn);
}
PBGDPL_DECL std::vector<http_request> fake_host::http_requests() const {
  std::lock_guard<std::mutex> lock(s_->mu);
  return s_->requests;
}
PBGDPL_DECL std::vector<std::vector<store::change>> fake_host::store_changes() const {
  std::lock_guard<std::mutex> lock(s_->mu);
  return s_->changes;
}
PBGDPL_DECL void fake_host::set_abi(abi_version v) {
  s_->abi = v;
  s_->table = detail::make_host_ctx(unowned(), "fake", v);
}
PBGDPL_DECL const pbgdpl_host_api* fake_host::api() const noexcept { return &s_->table->api; }

PBGDPL_DECL result<std::unique_ptr<fake_host::loaded>> fake_host::load(const std::filesystem::path& so_file, const json& config) {
  auto lib = detail::load_library_file(so_file, s_, s_->abi);
  if (!lib) return lib.err();
  auto inst = detail::library::create(*lib, config);
  if (!inst) return inst.err();
  return std::make_unique<loaded>(std::move(*inst));
}

PBGDPL_DECL result<std::unique_ptr<fake_host::loaded>> fake_host::load_entry(pbgdpl_plugin_init_fn entry, const json& config) {
  auto lib = detail::open_library(entry, nullptr, "(linked entry)", std::nullopt, s_, s_->abi);
  if (!lib) return lib.err();
  auto inst = detail::library::create(*lib, config);
  if (!inst) return inst.err();
  return std::make_unique<loaded>(std::move(*inst));
}

namespace detail {
inline error not_a(const instance& inst, std::string_view kind) {
  return error(errc::invalid_argument, {}, "Plugin \"" + inst.id() + "\" không phải loại \"" + std::string(kind) + "\"",
               "The plugin \"" + inst.id() + "\" is not a \"" + std::string(kind) + "\"");
}
}  // namespace detail

PBGDPL_DECL result<json> fake_host::loaded::call_publish(const json& post) {
  if (!inst_->publisher_api()) return detail::not_a(*inst_, "publisher");
  return publisher_handle(inst_).publish(post);
}
PBGDPL_DECL result<json> fake_host::loaded::call_drain(std::size_t max) {
  if (!inst_->publisher_api()) return detail::not_a(*inst_, "publisher");
  return publisher_handle(inst_).drain(max);
}
PBGDPL_DECL result<std::size_t> fake_host::loaded::call_send(std::string_view event, const json& data) {
  auto n = notifier_of(inst_);
  if (!n) return n.err();
  return (*n)->send(event, data);
}
PBGDPL_DECL result<std::string> fake_host::loaded::call_export(std::string_view format, const std::vector<store::record>& records) {
  if (!inst_->exporter_api()) return detail::not_a(*inst_, "exporter");
  return exporter_handle(inst_).export_records(format, records);
}
PBGDPL_DECL result<json> fake_host::loaded::call_import(std::string_view format, std::string_view content) {
  if (!inst_->connector_api()) return detail::not_a(*inst_, "connector");
  return connector_handle(inst_).import_catalogue(format, content);
}
PBGDPL_DECL result<std::string> fake_host::loaded::call_export_catalogue(std::string_view format, const json& request) {
  if (!inst_->connector_api()) return detail::not_a(*inst_, "connector");
  return connector_handle(inst_).export_catalogue(format, request);
}
PBGDPL_DECL result<std::unique_ptr<store::store>> fake_host::loaded::open_store() { return store_of(inst_); }
PBGDPL_DECL result<std::unique_ptr<reports::notifier>> fake_host::loaded::open_notifier() { return notifier_of(inst_); }

}  // namespace plugin
PBGDPL_NAMESPACE_END
