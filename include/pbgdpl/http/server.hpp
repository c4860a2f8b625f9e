// The standalone HTTP/1.1 server: Boost.Asio on N threads, Beast's parser, keep-alive with
// in-order (pipelining-safe) answers, limits that answer 400/408/413/431/503 and never take the
// server down, and a graceful stop (stop accepting, finish in-flight, then close).
// Thread safety: start(), stop() and run() from one controlling thread; stats() from any thread.
// The handler it is given runs on the worker threads at once and must be thread-safe.
#pragma once
#include "message.hpp"
#include "router.hpp"

#include <chrono>
#include <functional>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace http {

struct server_config {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: the system picks one; read it back with server::port()
  unsigned threads = 0;       // 0: one per hardware thread
  std::size_t max_header_bytes = 16 * 1024;            // request line + headers; beyond: 431
  std::size_t max_body_bytes = 1024 * 1024;            // beyond: 413
  // Optional: a body limit of its own for some request targets (an upload route), asked once the
  // headers are in. For a target it gives a limit to, a body whose Content-Length is over it is
  // not read: the handler gets the request with request::body_refused set and an empty body (so
  // it can answer next to the form field), and the connection closes after the answer. A chunked
  // body over it is a 413. Targets it returns nothing for keep max_body_bytes.
  // It also gets the request's Cookie header: a host grants a large body only to a signed-in
  // session (a stranger's 10 MiB would otherwise be buffered before anyone checks who sent it).
  std::function<std::optional<std::size_t>(std::string_view target, std::string_view cookie)> body_limit_for;
  std::chrono::milliseconds read_timeout{10'000};      // a whole request, from its first byte: 408
  // The request line and headers, from the request's first byte: 408. Shorter than read_timeout,
  // so a connection that sent a byte or two and stopped (slowloris) goes away sooner; while it
  // waits it is also the first to close when the server is full (after idle ones).
  std::chrono::milliseconds header_timeout{5'000};
  std::chrono::milliseconds idle_timeout{30'000};      // a kept-alive connection waiting for the next
  // A client that will not read is dropped: the time one connection may spend blocked in
  // writes, summed over its responses since it last waited for a new request (so a pipelined
  // slow reader cannot hold a connection for write_timeout per response).
  std::chrono::milliseconds write_timeout{30'000};
  std::size_t max_connections = 1024;                  // beyond: the oldest idle one closes, else 503
  std::chrono::milliseconds shutdown_grace{5'000};     // in-flight requests get this long on stop()

  // One client (a peer address; IPv6 by its /64) holds at most this many connections; past it
  // its own oldest idle connection closes, else the new one gets 503. 0: no cap of its own.
  // Unset: the configured max_connections / 16 (at least 1), so that a handful of addresses
  // cannot fill max_connections minus the reserve between them.
  std::optional<std::size_t> max_connections_per_client{};
  // Slots one client can never take: any single client is held to max_connections minus this,
  // so the health check and everyone else are still served while one client floods.
  std::size_t reserved_connections = 64;
  // Peers (exact addresses or CIDR prefixes) that are reverse proxies: many clients arrive
  // through them, so they are not held to max_connections_per_client but to their own cap.
  std::vector<std::string> trusted_proxies{};
  std::size_t max_connections_per_proxy = 0;  // 0: only the global cap and the reserve apply
  // When accept() fails for lack of descriptors (EMFILE, ENFILE): pause accepting this long and
  // close the oldest idle connection, instead of retrying at once (which spins at 100% CPU).
  std::chrono::milliseconds accept_backoff{75};
  // At start(): raise the soft RLIMIT_NOFILE to the hard limit. max_connections is kept below
  // the limit in effect either way (server_stats::open_files_limit, ::max_connections).
  bool raise_open_file_limit = true;
};

struct server_stats {
  std::uint64_t connections_accepted = 0;
  std::uint64_t connections_rejected = 0;
  std::uint64_t requests = 0;
  std::uint64_t bad_requests = 0;  // parse errors, limits, timeouts answered by the server itself
  std::uint64_t active_connections = 0;
  std::uint64_t connections_rejected_per_client = 0;  // of connections_rejected: a client over its cap
  std::uint64_t idle_connections_closed = 0;          // closed to make room for a new connection
  std::uint64_t slow_requests_closed = 0;             // still sending a request, closed to make room
  std::uint64_t max_connections_per_client = 0;       // in effect (0: no cap of its own)
  std::uint64_t accept_backoffs = 0;                  // accept() failed for lack of descriptors
  std::uint64_t open_files_limit = 0;                 // the soft RLIMIT_NOFILE after start()
  std::uint64_t max_connections = 0;                  // in effect: config, kept below open_files_limit
  std::uint64_t waiting_connections = 0;  // open, waiting for a first or next request (idle, not closing)
};

class server {
 public:
  server(server_config cfg, handler h);
  server(const server&) = delete;
  server& operator=(const server&) = delete;
  ~server();

  // Binds, listens and starts the worker threads. Throws pbgdpl::exception (io_error) when the
  // address cannot be bound.
  void start();

  // The bound port (useful with port 0).
  std::uint16_t port() const noexcept;
  const server_config& config() const noexcept;

  server_stats stats() const;

  // Asks for a graceful stop without waiting; safe from a handler or a signal callback.
  void request_stop();

  // Graceful stop: no new connections; idle connections close; requests being read or answered
  // finish (with Connection: close) within shutdown_grace; then everything closes and the
  // threads are joined. Returns within about shutdown_grace + 1.1 s whatever the handlers do: a
  // handler still running then is left to finish on its own thread, its answer not sent, and
  // must not rely on anything its caller destroys after stop(). Called from a worker thread it
  // only requests the stop.
  void stop();

  // Blocks until request_stop() (or a signal through run_until_signal), then stops.
  void wait();

  // The standalone main loop: start, wait for SIGINT or SIGTERM, stop gracefully.
  void run_until_signal();

 private:
  // Sockets, threads, timers and connections: Asio and the platform headers stay out of this
  // header (impl/server.ipp). Shared with the workers: one detached inside a handler that outlived
  // stop() keeps it alive until it is done.
  class impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace http
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/server.ipp"
#endif
