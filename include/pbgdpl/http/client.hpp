// A small synchronous HTTP/1.1 client (plain http:// only) for tests and the network layer:
// keep-alive reuse, a timeout on every call, size limits on what it reads, and raw-bytes helpers
// for sending deliberately malformed requests.
// Thread safety: a client is one connection; use it from one thread at a time (one per thread).
#pragma once
#include "message.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace http {

struct client_response {
  unsigned status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool keep_alive = false;

  std::string_view header(std::string_view name) const {
    for (const auto& [k, v] : headers)
      if (iequals(k, name)) return v;
    return {};
  }
};

struct client_options {
  std::chrono::milliseconds timeout{10'000};  // per call: connect + write + read
  std::size_t max_body_bytes = 64u * 1024u * 1024u;
  std::string user_agent = "pbgdpl/1";
};

// Where an http:// URL points.
struct url_parts {
  std::string host;
  std::uint16_t port = 80;
  std::string target = "/";
};

PBGDPL_DECL result<url_parts> parse_url(std::string_view url);

class client {
 public:
  client(std::string host, std::uint16_t port, client_options opt = {});
  client(client&&) noexcept;
  client& operator=(client&&) noexcept;
  ~client();

  // Sends one request, reusing the open connection when the server kept it alive; a connection
  // the server closed meanwhile is reopened once.
  result<client_response> request(verb method, std::string_view target, std::string_view body = {},
                                  const std::vector<std::pair<std::string, std::string>>& headers = {});

  result<client_response> get(std::string_view target, const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    return request(verb::get, target, {}, headers);
  }

  void close();
  bool connected() const noexcept;
  // How many TCP connections this client has opened (keep-alive reuse keeps it at 1).
  std::size_t connections_opened() const noexcept;

 private:
  // The socket, its event loop and buffer: Asio stays out of this header.
  struct impl;
  std::unique_ptr<impl> impl_;
};

// One request to an http:// URL on a fresh connection.
PBGDPL_DECL result<client_response> fetch(std::string_view url, verb method = verb::get, std::string_view body = {},
                                          const std::vector<std::pair<std::string, std::string>>& headers = {},
                                          client_options opt = {});

// A raw TCP conversation for tests of hostile input: connect, send `bytes` (optionally in pieces
// with pauses), read until the server closes or `timeout` passes. Returns what came back.
struct raw_exchange {
  std::string received;
  bool closed_by_server = false;  // EOF or reset before the timeout
  std::chrono::milliseconds elapsed{0};
};

PBGDPL_DECL result<raw_exchange> send_raw(std::string_view host, std::uint16_t port, std::string_view bytes,
                                          std::chrono::milliseconds timeout = std::chrono::milliseconds(3000),
                                          std::size_t max_bytes = 1u << 20);

}  // namespace http
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/client.ipp"
#endif
