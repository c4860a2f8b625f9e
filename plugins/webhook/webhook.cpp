#include "webhook.hpp"

#include <pbgdpl/trust/hmac.hpp>

#include <algorithm>
#include <cctype>

PBGDPL_NAMESPACE_BEGIN
namespace plugin::webhook {

namespace {

error bad(errc c, std::string path, std::string vi, std::string en) {
  return error(c, std::move(path), std::move(vi), std::move(en));
}

bool is_http_url(std::string_view u) {
  if (u.size() > 2048) return false;
  if (u.rfind("http://", 0) != 0 && u.rfind("https://", 0) != 0) return false;
  return std::none_of(u.begin(), u.end(),
                      [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; });
}

bool is_event_name(std::string_view e) {
  return !e.empty() && e.size() <= 64 && std::all_of(e.begin(), e.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
           c == '.' || c == '_' || c == '-';
  });
}

}  // namespace

result<config> config_from_json(const json& j) {
  if (!j.is_object())
    return bad(errc::wrong_type, "", "Cấu hình phải là đối tượng JSON",
               "The configuration must be a JSON object");
  for (const auto& [k, v] : j.items())
    if (k != "endpoints" && k != "timeout_ms" && k != "state_dir" && k != "name")
      return bad(errc::invalid_argument, "/" + json_io::pointer_token(k),
                 "Khóa cấu hình không được biết: " + k, "Unknown configuration key: " + k);
  config c;
  auto eps = j.find("endpoints");
  if (eps == j.end() || !eps->is_array() || eps->empty() || eps->size() > 100)
    return bad(errc::missing_field, "/endpoints", "Cần danh sách \"endpoints\" (1 đến 100 địa chỉ nhận)",
               "\"endpoints\" must list 1 to 100 receivers");
  for (std::size_t i = 0; i < eps->size(); ++i) {
    const auto& e = (*eps)[i];
    const auto at = "/endpoints/" + std::to_string(i);
    if (!e.is_object())
      return bad(errc::wrong_type, at, "Mỗi địa chỉ nhận phải là đối tượng",
                 "Each endpoint must be an object");
    for (const auto& [k, v] : e.items())
      if (k != "url" && k != "secret" && k != "id" && k != "events")
        return bad(errc::invalid_argument, at + "/" + json_io::pointer_token(k), "Khóa không được biết: " + k,
                   "Unknown key: " + k);
    endpoint ep;
    ep.url = e.value("url", "");
    ep.secret =
        e.contains("secret") && e["secret"].is_string() ? e["secret"].get<std::string>() : std::string();
    ep.id = e.contains("id") && e["id"].is_string() ? e["id"].get<std::string>()
                                                    : "endpoint-" + std::to_string(i + 1);
    if (!is_http_url(ep.url))
      return bad(errc::invalid_argument, at + "/url", "\"url\" phải là địa chỉ http:// hoặc https://",
                 "\"url\" must be an http:// or https:// URL");
    if (ep.secret.size() < 16 || ep.secret.size() > 1024)
      return bad(errc::invalid_argument, at + "/secret", "\"secret\" phải dài 16 đến 1024 byte",
                 "\"secret\" must be 16 to 1024 bytes long");
    if (ep.id.empty() || ep.id.size() > 64 || !is_event_name(ep.id))
      return bad(errc::invalid_argument, at + "/id", "\"id\" chỉ gồm a-z, 0-9, '.', '_' và '-'",
                 "\"id\" may hold only a-z, 0-9, '.', '_' and '-'");
    if (auto ev = e.find("events"); ev != e.end()) {
      if (!ev->is_array())
        return bad(errc::wrong_type, at + "/events", "\"events\" phải là mảng",
                   "\"events\" must be an array");
      for (const auto& x : *ev) {
        if (!x.is_string() || !is_event_name(x.get<std::string>()))
          return bad(errc::invalid_argument, at + "/events", "Tên sự kiện không hợp lệ",
                     "An event name is malformed");
        ep.events.push_back(x.get<std::string>());
      }
    }
    for (const auto& other : c.endpoints)
      if (other.id == ep.id)
        return bad(errc::already_exists, at + "/id", "Hai địa chỉ nhận trùng \"id\": " + ep.id,
                   "Two endpoints share the id " + ep.id);
    c.endpoints.push_back(std::move(ep));
  }
  if (auto t = j.find("timeout_ms"); t != j.end()) {
    if (!t->is_number_integer() || t->get<std::int64_t>() < 100 || t->get<std::int64_t>() > 120'000)
      return bad(errc::out_of_range, "/timeout_ms", "\"timeout_ms\" phải từ 100 đến 120000",
                 "\"timeout_ms\" must be from 100 to 120000");
    c.timeout = std::chrono::milliseconds(t->get<std::int64_t>());
  }
  if (auto d = j.find("state_dir"); d != j.end()) {
    if (!d->is_string() || d->get<std::string>().empty())
      return bad(errc::wrong_type, "/state_dir", "\"state_dir\" phải là đường dẫn",
                 "\"state_dir\" must be a path");
    c.state_dir = d->get<std::string>();
  }
  if (auto n = j.find("name"); n != j.end()) {
    if (!n->is_string() || !is_event_name(n->get<std::string>()))
      return bad(errc::invalid_argument, "/name", "\"name\" chỉ gồm a-z, 0-9, '.', '_' và '-'",
                 "\"name\" may hold only a-z, 0-9, '.', '_' and '-'");
    c.name = n->get<std::string>();
  }
  if (c.name.find("..") != std::string::npos)
    return bad(errc::invalid_argument, "/name", "\"name\" không được chứa '..'",
               "\"name\" must not contain '..'");
  return c;
}

std::string signature(std::string_view secret, std::string_view timestamp, std::string_view body) {
  std::string signed_text;
  signed_text.reserve(timestamp.size() + 1 + body.size());
  signed_text.append(timestamp).append(".").append(body);
  return "sha256=" + trust::hmac_sha256_hex(secret, signed_text);
}

std::string delivery_id(std::string_view endpoint_id, std::string_view event, std::string_view event_id) {
  // Joined by a byte none of them holds, so no two tuples give the same text.
  std::string s(endpoint_id);
  s.append("\x1f").append(event).append("\x1f").append(event_id);
  return trust::to_hex(trust::sha256(s)).substr(0, 32);
}

notifier::notifier(services s, config c)
    : svc_(std::move(s)),
      cfg_(std::move(c)),
      delivered_(cfg_.state_dir.empty() ? std::filesystem::path()
                                        : cfg_.state_dir / ("webhook-" + cfg_.name + ".json")) {
  if (!svc_.now) svc_.now = [] { return pbgdpl::now(); };
  if (!svc_.http)
    throw exception(
        bad(errc::invalid_argument, "", "Không có kết nối HTTP của máy chủ", "The host gave no HTTP client"));
}

result<std::size_t> notifier::send(std::string_view event, const json& data) {
  if (!is_event_name(event))
    return bad(errc::invalid_argument, "/event", "Tên sự kiện không hợp lệ", "The event name is malformed");
  if (!data.is_object())
    return bad(errc::wrong_type, "/data", "\"data\" phải là đối tượng", "\"data\" must be an object");
  auto id = data.find("id");
  if (id == data.end() || !id->is_string() || id->get<std::string>().empty() ||
      id->get<std::string>().size() > 200)
    return bad(errc::missing_field, "/data/id", "Sự kiện thiếu \"id\" (để không gửi trùng)",
               "The event has no \"id\" (needed to send it only once)");
  const auto now = svc_.now();
  std::string occurred = data.contains("occurred_at") && data["occurred_at"].is_string()
                             ? data["occurred_at"].get<std::string>()
                             : format_timestamp(now);
  std::size_t reached = 0;
  std::vector<std::string> failures_vi, failures_en;
  for (const auto& ep : cfg_.endpoints) {
    if (!ep.events.empty() && std::find(ep.events.begin(), ep.events.end(), event) == ep.events.end())
      continue;
    const auto delivery = delivery_id(ep.id, event, id->get<std::string>());
    if (delivered_.contains(delivery)) continue;
    const std::string body = json{
        {"event", event},
        {"delivery", delivery},
        {"webhook", ep.id},
        {"occurred_at", occurred},
        {"data", data}}.dump();
    const auto ts = std::to_string(now.time_since_epoch().count());
    http_request r;
    r.method = "POST";
    r.url = ep.url;
    r.timeout = cfg_.timeout;
    r.body = body;
    r.headers = {{"Content-Type", "application/json"},
                 {"X-Pbgdpl-Event", std::string(event)},
                 {"X-Pbgdpl-Delivery", delivery},
                 {"X-Pbgdpl-Timestamp", ts},
                 {"X-Pbgdpl-Signature", signature(ep.secret, ts, body)}};
    auto res = svc_.http(r);
    if (res && res->status >= 200 && res->status < 300) {
      ++reached;
      if (auto saved = delivered_.add(delivery, now); !saved && svc_.log)
        svc_.log(PBGDPL_LOG_ERROR,
                 "webhook: cannot remember delivery " + delivery + ": " + saved.err().message_en);
      continue;
    }
    // The endpoint's id, not its URL: a URL may carry a token in its query.
    if (!res) {
      failures_vi.push_back(ep.id + ": " + res.err().message_vi);
      failures_en.push_back(ep.id + ": " + res.err().message_en);
    } else {
      failures_vi.push_back(ep.id + ": HTTP " + std::to_string(res->status));
      failures_en.push_back(ep.id + ": HTTP " + std::to_string(res->status));
    }
    if (svc_.log)
      svc_.log(PBGDPL_LOG_WARNING, "webhook: " + std::string(event) + " to " + failures_en.back());
  }
  if (!failures_en.empty()) {
    auto join = [](const std::vector<std::string>& v) {
      std::string s;
      for (const auto& x : v) s += (s.empty() ? "" : "; ") + x;
      return s;
    };
    return bad(errc::io_error, "/endpoints",
               "Không gửi được sự kiện tới: " + join(failures_vi) + " (sẽ gửi lại ở lần sau)",
               "The event did not reach: " + join(failures_en) + " (it goes again on the next send)");
  }
  return reached;
}

}  // namespace plugin::webhook
PBGDPL_NAMESPACE_END

// --- The plugin (channel "webhook") ------------------------------------------------------------

namespace {

using namespace pbgdpl;
namespace sdk = pbgdpl::plugin;  // inside the class, `plugin` names the base class

class webhook_plugin final : public sdk::plugin, public sdk::notifier {
 public:
  static constexpr const char* notifier_channel = "webhook";
  webhook_plugin(sdk::host h, const json& config)
      : n_(sdk::services_from(h), sdk::webhook::config_from_json(config).value()) {}
  sdk::notifier* as_notifier() override { return this; }
  result<std::size_t> send(std::string_view event, const json& data) override { return n_.send(event, data); }

 private:
  sdk::webhook::notifier n_;
};

}  // namespace

PBGDPL_PLUGIN(webhook_plugin, "webhook", "1.0.0", "MIT",
              "Notifies by signed webhook POSTs (HMAC-SHA256, the portal's own scheme), once per event",
              PBGDPL_KIND_NOTIFIER)
