// A scripted HTTP server on 127.0.0.1 for the reference plugins' tests: it records every request
// (method, target, headers, body) and answers with whatever the test's function says, like the
// platform would. Plus an HTTP transport for services::http over the project's own client.
#pragma once
#include "services.hpp"

#include <pbgdpl/http/client.hpp>
#include <pbgdpl/http/server.hpp>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace mock {

using namespace pbgdpl;

struct seen {
  std::string method, target, body;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string header(const std::string& n) const {
    auto it = headers.find(n);
    return it == headers.end() ? std::string() : it->second;
  }
};

class server {
 public:
  using answer_fn = std::function<http::response(const seen&)>;
  explicit server(answer_fn answer) : answer_(std::move(answer)) {
    http::server_config cfg;
    cfg.port = 0;
    cfg.threads = 1;
    cfg.max_body_bytes = 8u << 20;
    srv_ = std::make_unique<http::server>(cfg, [this](http::request& r) {
      seen s;
      s.method = std::string(r.method_name());
      s.target = std::string(r.target());
      s.body = r.body();
      for (const auto& f : r.message()) {
        std::string name(f.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        s.headers[name] = std::string(f.value());
      }
      answer_fn a;
      {
        std::lock_guard lock(mu_);
        requests_.push_back(s);
        a = answer_;
      }
      return a(s);
    });
    srv_->start();
  }
  ~server() { srv_->stop(); }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(srv_->port()); }
  std::vector<seen> requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }
  std::size_t count() const {
    std::lock_guard lock(mu_);
    return requests_.size();
  }
  void answer(answer_fn a) {
    std::lock_guard lock(mu_);
    answer_ = std::move(a);
  }

 private:
  mutable std::mutex mu_;
  std::vector<seen> requests_;
  answer_fn answer_;
  std::unique_ptr<http::server> srv_;
};

inline http::response reply(int status, std::string body,
                            std::vector<std::pair<std::string, std::string>> headers = {}) {
  http::response r(static_cast<http::status>(status));
  r.body = std::move(body);
  r.set("Content-Type", "application/json");
  for (auto& [k, v] : headers) r.set(k, v);
  return r;
}

// services::http over http::fetch (a fresh connection per call, like the host's client).
inline result<plugin::http_response> transport(const plugin::http_request& q) {
  http::client_options o;
  o.timeout = q.timeout;
  auto verb = boost::beast::http::string_to_verb(q.method);
  auto r = http::fetch(q.url, verb, q.body, q.headers, o);
  if (!r) return error(errc::io_error, {}, "Không có trả lời", "No answer: " + r.err().message_en);
  plugin::http_response out;
  out.status = static_cast<int>(r->status);
  for (auto [k, v] : r->headers) {
    for (auto& c : k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers.emplace_back(k, v);
  }
  out.body = r->body;
  return out;
}

}  // namespace mock
