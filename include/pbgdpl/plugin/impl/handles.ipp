// Bodies of plugin/host.hpp, part 3: the typed handles over an instance. A plugin's answers are
// untrusted: each is checked for its shape (and a read or list for the records asked for).
#pragma once
#include "../host.hpp"

#include <exception>

PBGDPL_NAMESPACE_BEGIN
namespace plugin {
namespace detail {

inline error wrong_answer(const instance& inst, std::string_view what, const error& why) {
  return error(errc::corrupt, why.path,
               "Plugin \"" + inst.id() + "\" (" + std::string(what) + ") trả lời sai dạng: " + why.message_vi,
               "The plugin \"" + inst.id() + "\" (" + std::string(what) + ") answered the wrong shape: " + why.message_en);
}

inline error kind_not_provided(const instance& inst, std::string_view kind) {
  return error(errc::invalid_argument, {},
               "Plugin \"" + inst.id() + "\" không phải loại \"" + std::string(kind) + "\"",
               "The plugin \"" + inst.id() + "\" is not a \"" + std::string(kind) + "\"");
}

// The store a plugin serves, as a store::store: record-level calls become the ABI's JSON, and
// the plugin's change batches reach this store's listeners.
class plugin_store final : public pbgdpl::store::store {
 public:
  explicit plugin_store(std::shared_ptr<instance> inst) : inst_(std::move(inst)), api_(*inst_->store_api()) {
    inst_->on_changes(this, [this](const std::vector<pbgdpl::store::change>& batch) { notify(batch); });
  }
  ~plugin_store() override { inst_->stop_changes(this); }

  result<void> write(pbgdpl::store::write_op op, const pbgdpl::store::record& r, std::uint64_t expected, std::string_view actor) override {
    json req{{"op", std::string(pbgdpl::store::to_string(op))}, {"record", store_codec::encode(r)}, {"expected", expected},
             {"actor", std::string(actor)}};
    auto a = inst_->call_json(api_.write, req, "write");
    if (!a) return a.err();
    return {};
  }

  result<pbgdpl::store::record> read(std::string_view kind, std::string_view id) override {
    auto a = inst_->call_json(api_.read, json{{"kind", std::string(kind)}, {"id", std::string(id)}}, "read");
    if (!a) return a.err();
    auto r = store_codec::decode_record(*a);
    if (!r) return wrong_answer(*inst_, "read", r.err());
    if (r->kind != kind || r->id != id)
      return wrong_answer(*inst_, "read", error(errc::corrupt, {}, "bản ghi khác bản ghi được hỏi", "another record than the one asked for"));
    return r;
  }

  result<pbgdpl::store::page<pbgdpl::store::record>> list_records(std::string_view kind, const pbgdpl::store::list_query& q) override {
    auto a = inst_->call_json(api_.list, json{{"kind", std::string(kind)}, {"query", store_codec::encode(q)}}, "list");
    if (!a) return a.err();
    auto p = store_codec::decode_record_page(*a);
    if (!p) return wrong_answer(*inst_, "list", p.err());
    if (p->items.size() > std::max<std::size_t>(q.limit, 1))
      return wrong_answer(*inst_, "list", error(errc::corrupt, {}, "nhiều bản ghi hơn giới hạn", "more records than the limit"));
    for (const auto& r : p->items)
      if (r.kind != kind)
        return wrong_answer(*inst_, "list", error(errc::corrupt, {}, "bản ghi loại khác", "a record of another kind"));
    return p;
  }

  result<pbgdpl::store::search_page> search(const pbgdpl::store::search_request& req) override {
    auto a = inst_->call_json(api_.search, store_codec::encode(req), "search");
    if (!a) return a.err();
    auto p = store_codec::decode_search_page(*a);
    if (!p) return wrong_answer(*inst_, "search", p.err());
    if (p->items.size() > std::max<std::size_t>(req.limit, 1))
      return wrong_answer(*inst_, "search", error(errc::corrupt, {}, "nhiều kết quả hơn giới hạn", "more hits than the limit"));
    return p;
  }

  result<std::vector<pbgdpl::store::audit_entry>> audit_log(std::string_view kind, std::string_view id, std::size_t limit) override {
    auto a = inst_->call_json(api_.audit_log, json{{"kind", std::string(kind)}, {"id", std::string(id)}, {"limit", limit}},
                              "audit_log");
    if (!a) return a.err();
    auto log = store_codec::decode_audit_log(*a);
    if (!log) return wrong_answer(*inst_, "audit_log", log.err());
    if (log->size() > limit)
      return wrong_answer(*inst_, "audit_log", error(errc::corrupt, {}, "nhiều dòng hơn giới hạn", "more entries than the limit"));
    return log;
  }

  result<void> transaction(const std::function<result<void>()>& fn) override {
    struct body_state {
      const std::function<result<void>()>* fn;
      std::optional<error> failed;
      std::exception_ptr thrown;
    } st{&fn, std::nullopt, nullptr};
    // The body runs on this thread inside the plugin's call: nothing may unwind through the
    // plugin's frames (abi.h policy 8), so what fn throws waits here and is rethrown after.
    auto body = [](void* ctx) -> pbgdpl_status {
      auto& s = *static_cast<body_state*>(ctx);
      try {
        auto r = (*s.fn)();
        if (r) return PBGDPL_STATUS_OK;
        s.failed = r.err();
        auto code = to_status(r.err().code);
        return code == PBGDPL_STATUS_OK ? PBGDPL_STATUS_INTERNAL : code;
      } catch (...) {
        s.thrown = std::current_exception();
        return PBGDPL_STATUS_INTERNAL;
      }
    };
    pbgdpl_buffer err{};
    auto status = inst_->locked([&]() -> result<pbgdpl_status> { return api_.transaction(inst_->handle(), body, &st, &err); });
    std::string err_text = err.data ? std::string(err.data, std::min<std::size_t>(err.size, 1u << 20)) : std::string();
    std::free(err.data);
    if (st.thrown) std::rethrow_exception(st.thrown);
    if (st.failed) return *st.failed;
    if (!status) return status.err();
    if (*status != PBGDPL_STATUS_OK) return error_from_abi_text(err_text, *status);
    return {};
  }

  std::optional<std::uint64_t> change_stamp() override {
    std::uint64_t stamp = 0;
    int has = 0;
    auto st = inst_->locked([&]() -> result<pbgdpl_status> { return api_.change_stamp(inst_->handle(), &stamp, &has); });
    if (!st || *st != PBGDPL_STATUS_OK || !has) return std::nullopt;
    return stamp;
  }

  result<std::size_t> poll_changes() override {
    std::uint64_t delivered = 0;
    pbgdpl_buffer err{};
    auto st = inst_->locked([&]() -> result<pbgdpl_status> { return api_.poll_changes(inst_->handle(), &delivered, &err); });
    std::string err_text = err.data ? std::string(err.data, std::min<std::size_t>(err.size, 1u << 20)) : std::string();
    std::free(err.data);
    if (!st) return st.err();
    if (*st != PBGDPL_STATUS_OK) return error_from_abi_text(err_text, *st);
    return static_cast<std::size_t>(delivered);
  }

 private:
  std::shared_ptr<instance> inst_;
  pbgdpl_store_api api_;
};

class plugin_notifier final : public reports::notifier {
 public:
  plugin_notifier(std::shared_ptr<instance> inst, std::string channel)
      : inst_(std::move(inst)), channel_(std::move(channel)), send_(inst_->notifier_api()->send) {}
  std::string_view name() const noexcept override { return channel_; }
  result<std::size_t> send(std::string_view event, const json& data) override {
    auto a = inst_->call_json(send_, json{{"event", std::string(event)}, {"data", data}}, "send");
    if (!a) return a.err();
    auto it = a->is_object() ? a->find("recipients") : a->end();
    if (!a->is_object() || it == a->end() || !it->is_number_unsigned())
      return wrong_answer(*inst_, "send", error(errc::wrong_type, "/recipients", "cần {\"recipients\": n}", "expected {\"recipients\": n}"));
    return static_cast<std::size_t>(it->get<std::uint64_t>());
  }

 private:
  std::shared_ptr<instance> inst_;
  std::string channel_;
  json_call send_;
};

}  // namespace detail

PBGDPL_DECL result<std::unique_ptr<store::store>> store_of(std::shared_ptr<instance> inst) {
  if (!inst) return error(errc::invalid_argument);
  if (!inst->store_api()) return detail::kind_not_provided(*inst, "store");
  return std::unique_ptr<store::store>(new detail::plugin_store(std::move(inst)));
}

PBGDPL_DECL result<std::unique_ptr<reports::notifier>> notifier_of(std::shared_ptr<instance> inst) {
  if (!inst) return error(errc::invalid_argument);
  if (!inst->notifier_api()) return detail::kind_not_provided(*inst, "notifier");
  auto channel = inst->notifier_channel();
  return std::unique_ptr<reports::notifier>(new detail::plugin_notifier(std::move(inst), std::move(channel)));
}

PBGDPL_DECL result<std::unique_ptr<store::store>> open_store(plugin_host& h, std::string_view id, const json& config) {
  auto inst = h.create(id, config);
  if (!inst) return inst.err();
  return store_of(std::move(*inst));
}

PBGDPL_DECL result<std::unique_ptr<reports::notifier>> open_notifier(plugin_host& h, std::string_view id, const json& config) {
  auto inst = h.create(id, config);
  if (!inst) return inst.err();
  return notifier_of(std::move(*inst));
}

PBGDPL_DECL result<json> publisher_handle::publish(const json& post) {
  auto a = inst_->call_json(inst_->publisher_api()->publish, post, "publish");
  if (!a) return a.err();
  if (!a->is_object() || !a->contains("state") || !(*a)["state"].is_string())
    return detail::wrong_answer(*inst_, "publish", error(errc::wrong_type, "/state", "cần {\"state\": ...}", "expected {\"state\": ...}"));
  return a;
}

PBGDPL_DECL result<json> publisher_handle::drain(std::size_t max) {
  auto a = inst_->call_json(inst_->publisher_api()->drain, json{{"max", max}}, "drain");
  if (!a) return a.err();
  if (!a->is_object())
    return detail::wrong_answer(*inst_, "drain", error(errc::wrong_type, {}, "cần một đối tượng", "expected an object"));
  return a;
}

PBGDPL_DECL result<std::unique_ptr<publisher_handle>> open_publisher(plugin_host& h, std::string_view id, const json& config) {
  auto inst = h.create(id, config);
  if (!inst) return inst.err();
  if (!(*inst)->publisher_api()) return detail::kind_not_provided(**inst, "publisher");
  return std::make_unique<publisher_handle>(std::move(*inst));
}

PBGDPL_DECL result<json> connector_handle::import_catalogue(std::string_view format, std::string_view content) {
  if (!text::is_valid_utf8(content))
    return error(errc::invalid_utf8, "/content", "Danh mục không đúng mã UTF-8", "The catalogue is not valid UTF-8");
  auto a = inst_->call_json(inst_->connector_api()->import_catalogue,
                            json{{"format", std::string(format)}, {"content", std::string(content)}}, "import_catalogue");
  if (!a) return a.err();
  if (!a->is_object())
    return detail::wrong_answer(*inst_, "import_catalogue", error(errc::wrong_type, {}, "cần một đối tượng", "expected an object"));
  for (const char* key : {"legal_documents", "publications", "warnings"}) {
    auto it = a->find(key);
    if (it == a->end()) (*a)[key] = json::array();
    else if (!it->is_array())
      return detail::wrong_answer(*inst_, "import_catalogue",
                                  error(errc::wrong_type, "/" + std::string(key), "cần một mảng", "expected an array"));
  }
  return a;
}

PBGDPL_DECL result<std::string> connector_handle::export_catalogue(std::string_view format, const json& request) {
  if (!request.is_object())
    return error(errc::invalid_argument, {}, "Yêu cầu xuất phải là một đối tượng JSON", "The export request must be a JSON object");
  json req = request;
  req["format"] = std::string(format);
  return inst_->call(inst_->connector_api()->export_catalogue, req.dump(-1, ' ', false, json::error_handler_t::replace),
                     "export_catalogue");
}

PBGDPL_DECL result<std::unique_ptr<connector_handle>> open_connector(plugin_host& h, std::string_view id, const json& config) {
  auto inst = h.create(id, config);
  if (!inst) return inst.err();
  if (!(*inst)->connector_api()) return detail::kind_not_provided(**inst, "connector");
  return std::make_unique<connector_handle>(std::move(*inst));
}

PBGDPL_DECL exporter_handle::exporter_handle(std::shared_ptr<instance> inst) : inst_(std::move(inst)) {
  formats_ = inst_->export_formats();
}

PBGDPL_DECL result<std::string> exporter_handle::export_records(std::string_view format, const std::vector<store::record>& records) {
  bool known = false;
  for (const auto& f : formats_) known = known || f.format == format;
  if (!known)
    return error(errc::invalid_argument, "/format", "Plugin \"" + inst_->id() + "\" không xuất định dạng \"" + std::string(format) + "\"",
                 "The plugin \"" + inst_->id() + "\" does not export \"" + std::string(format) + "\"");
  json req{{"format", std::string(format)}, {"records", store_codec::encode_records(records)}};
  return inst_->call(inst_->exporter_api()->export_records, req.dump(-1, ' ', false, json::error_handler_t::replace),
                     "export_records");
}

PBGDPL_DECL result<std::unique_ptr<exporter_handle>> open_exporter(plugin_host& h, std::string_view id, const json& config) {
  auto inst = h.create(id, config);
  if (!inst) return inst.err();
  if (!(*inst)->exporter_api()) return detail::kind_not_provided(**inst, "exporter");
  return std::make_unique<exporter_handle>(std::move(*inst));
}

}  // namespace plugin
PBGDPL_NAMESPACE_END
