// Bodies of http/server.hpp (the connection state machine, limits, eviction, graceful stop):
// compiled once into the http tier (src/http/server.cpp), or included by the header in
// header-only builds.
#pragma once
#include "../server.hpp"

#include "../address.hpp"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <unordered_map>

#include <sys/resource.h>
#include <sys/socket.h>

PBGDPL_NAMESPACE_BEGIN
namespace http {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace detail {

// "Date: <IMF-fixdate>\r\n" for this second, formatted once per second per thread.
PBGDPL_DECL std::string_view date_line() {
  thread_local std::int64_t cached_second = -1;
  thread_local std::string line;
  auto t = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  if (t.time_since_epoch().count() != cached_second) {
    cached_second = t.time_since_epoch().count();
    line = "\r\nDate: " + format_http_date(t);
  }
  return line;
}

PBGDPL_DECL bool status_has_body(status s) {
  auto n = static_cast<unsigned>(s);
  return !(n < 200 || n == 204 || n == 304);
}

// Status line + headers + framing headers + blank line, appended to `out` (whose capacity is
// reused across requests, so a kept-alive connection does not allocate for this).
PBGDPL_DECL void serialize_head(std::string& out, const response& r, std::size_t body_size, bool keep_alive, unsigned version) {
  if (r.frozen && r.code == r.frozen->code) {
    out.append(r.frozen->head);
    for (const auto& [k, v] : r.headers) append_header_line(out, k, v);
  } else {
    append_head(out, r.code, r.headers);
  }
  if (status_has_body(r.code) || r.code == status::not_modified) {
    if (r.code != status::not_modified) {
      out.append("\r\nContent-Length: ");
      char num[24];
      auto res = std::to_chars(num, num + sizeof num, body_size);
      out.append(num, res.ptr);
    }
  }
  out.append(date_line());
  if (!keep_alive) out.append("\r\nConnection: close");
  else if (version < 11) out.append("\r\nConnection: keep-alive");
  out.append("\r\n\r\n");
}

// Raises the soft RLIMIT_NOFILE to the hard limit (when `raise`); returns the soft limit in
// effect (UINT64_MAX for none, 0 when it cannot be read).
PBGDPL_DECL std::uint64_t open_files_limit(bool raise) {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) return 0;
  if (raise && rl.rlim_cur != RLIM_INFINITY && (rl.rlim_max == RLIM_INFINITY || rl.rlim_cur < rl.rlim_max)) {
    rlimit want = rl;
    want.rlim_cur = rl.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &want) != 0 && rl.rlim_max == RLIM_INFINITY) {
      want.rlim_cur = std::max<rlim_t>(rl.rlim_cur, 1u << 20);  // beyond fs.nr_open the kernel refuses
      (void)::setrlimit(RLIMIT_NOFILE, &want);
    }
    if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) return 0;
  }
  return rl.rlim_cur == RLIM_INFINITY ? UINT64_MAX : static_cast<std::uint64_t>(rl.rlim_cur);
}

// What every answer the server makes itself (before any middleware runs) carries: a JSON error
// that may load nothing and be framed by no one.
inline constexpr std::string_view error_csp = "default-src 'none'; frame-ancestors 'none'";
PBGDPL_DECL void harden_error(response& r) {
  r.set("X-Content-Type-Options", "nosniff");
  r.set("Content-Security-Policy", std::string(error_csp));
  if (r.get("Cache-Control").empty()) r.set("Cache-Control", "no-store");
}

// The readable bytes of a flat_buffer as text.
PBGDPL_DECL std::string_view buffer_view(const boost::beast::flat_buffer& b) {
  auto d = b.data();
  return {static_cast<const char*>(d.data()), d.size()};
}

// A header line that starts with SP or HTAB (RFC 9112 5.2: obsolete line folding; also
// whitespace between the request line and the first field, 2.2). `head` ends with the CRLF of
// the last field line.
PBGDPL_DECL bool has_obs_fold(std::string_view head) {
  for (auto p = head.find('\n'); p != std::string_view::npos && p + 1 < head.size(); p = head.find('\n', p + 1))
    if (head[p + 1] == ' ' || head[p + 1] == '\t') return true;
  return false;
}

// True when the bytes received so far cannot begin a request line: the method is a token.
PBGDPL_DECL bool bad_method_start(std::string_view data) {
  for (char c : data) {
    if (c == ' ') return false;
    bool tchar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    if (!tchar) return true;
  }
  return false;
}

enum class framing { ok, no_host, repeated_host, bad_content_length, length_and_chunked, bad_transfer_encoding, unsupported_coding };

// How a request's header frames its body, by the rules a server in front of us would apply
// (RFC 9112 6.1-6.3, 3.2): one Host (required in HTTP/1.1); at most one Content-Length holding
// one number; Transfer-Encoding only in HTTP/1.1, never with Content-Length, and ending in
// exactly "chunked" (the only coding we decode; any other before it is 501).
template <class Fields>
framing check_framing(const bhttp::header<true, Fields>& h) {
  std::size_t hosts = 0, lengths = 0;
  bool te = false, length_ok = true;
  std::vector<std::string> codings;
  for (const auto& f : h) {
    auto v = f.value();
    std::string_view value(v.data(), v.size());
    switch (f.name()) {
      case bhttp::field::host: ++hosts; break;
      case bhttp::field::content_length:
        ++lengths;
        if (value.empty() || value.find_first_not_of("0123456789") != std::string_view::npos) length_ok = false;
        break;
      case bhttp::field::transfer_encoding: {
        te = true;
        while (true) {
          auto comma = value.find(',');
          auto item = value.substr(0, comma);
          while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
          while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
          std::string lower(item);
          for (auto& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
          codings.push_back(std::move(lower));
          if (comma == std::string_view::npos) break;
          value.remove_prefix(comma + 1);
        }
        break;
      }
      default: break;
    }
  }
  if (hosts > 1) return framing::repeated_host;
  if (hosts == 0 && h.version() >= 11) return framing::no_host;
  if (lengths > 1 || !length_ok) return framing::bad_content_length;
  if (!te) return framing::ok;
  if (lengths > 0) return framing::length_and_chunked;
  if (h.version() < 11 || codings.empty() || codings.back() != "chunked") return framing::bad_transfer_encoding;
  for (std::size_t i = 0; i + 1 < codings.size(); ++i)
    if (codings[i] == "chunked" || codings[i].empty()) return framing::bad_transfer_encoding;
  if (codings.size() > 1) return framing::unsupported_coding;
  return framing::ok;
}

}  // namespace detail

class server::impl : public std::enable_shared_from_this<server::impl> {
 public:
  impl(server_config cfg, handler h) : cfg_(std::move(cfg)), handler_(std::move(h)) {}

  // Binds, listens and starts the worker threads. Throws pbgdpl::exception (io_error) when the
  // address cannot be bound.
  void start() {
    std::lock_guard lock(life_mu_);
    if (started_) return;
    boost::system::error_code ec;
    auto addr = asio::ip::make_address(cfg_.address, ec);
    if (ec) throw_error(error(errc::invalid_argument, "/address", "Địa chỉ không hợp lệ", "Invalid listen address"));
    tcp::endpoint ep(addr, cfg_.port);
    acceptor_.open(ep.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(ep, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (!ec) acceptor_.non_blocking(true, ec);  // the batch in do_accept() must never block
    if (ec)
      throw_error(error(errc::io_error, "/port", "Không mở được cổng: " + ec.message(), "Cannot listen: " + ec.message()));
    port_ = acceptor_.local_endpoint().port();
    // Descriptors: as many as the hard limit allows, and connections kept well below them (the
    // store, files being served and the 503 answers need some too).
    files_limit_ = detail::open_files_limit(cfg_.raise_open_file_limit);
    max_conn_ = std::max<std::size_t>(1, cfg_.max_connections);
    if (files_limit_ > 0 && files_limit_ != UINT64_MAX) {
      auto headroom = std::max<std::uint64_t>(16, files_limit_ / 8);
      auto fit = files_limit_ > headroom ? files_limit_ - headroom : 1;
      if (fit < max_conn_) max_conn_ = static_cast<std::size_t>(fit);
    }
    reserve_ = std::min(cfg_.reserved_connections, max_conn_ / 2);
    per_client_ = cfg_.max_connections_per_client.value_or(std::max<std::size_t>(1, cfg_.max_connections / 16));
    proxies_ = address_list(cfg_.trusted_proxies);
    started_ = true;
    unsigned n = cfg_.threads ? cfg_.threads : std::max(1u, std::thread::hardware_concurrency());
    threads_count_ = n;
    exited_ = std::make_unique<std::atomic<bool>[]>(n);
    do_accept();
    // Each worker holds the state alive: one still inside a handler when stop() gives up on it
    // finishes on its own, with everything it touches still there.
    for (unsigned i = 0; i < n; ++i)
      threads_.emplace_back([self = shared_from_this(), i] {
        in_worker() = self.get();
        self->ioc_.run();
        self->exited_[i].store(true);
      });
  }

  // The bound port (useful with port 0).
  std::uint16_t port() const noexcept { return port_; }
  const server_config& config() const noexcept { return cfg_; }

  server_stats stats() const {
    server_stats s;
    s.connections_accepted = accepted_.load();
    s.connections_rejected = rejected_.load();
    s.requests = requests_.load();
    s.bad_requests = bad_requests_.load();
    s.active_connections = active_.load();
    s.connections_rejected_per_client = rejected_client_.load();
    s.idle_connections_closed = idle_closed_.load();
    s.slow_requests_closed = slow_closed_.load();
    s.max_connections_per_client = per_client_;
    s.accept_backoffs = backoffs_.load();
    s.open_files_limit = files_limit_;
    s.max_connections = max_conn_;
    {
      // Counted on demand (one pass under the lock): nothing on the hot path pays for it.
      std::lock_guard lock(sessions_mu_);
      for (auto& [p, w] : sessions_)
        if (!p->closing_ && p->idle_since_.load(std::memory_order_relaxed) >= 0) ++s.waiting_connections;
    }
    return s;
  }

  // Asks for a graceful stop without waiting; safe from a handler or a signal callback.
  void request_stop() {
    {
      std::lock_guard lock(life_mu_);
      stop_requested_ = true;
    }
    life_cv_.notify_all();
  }

  // Graceful stop: no new connections; idle connections close; requests being read or answered
  // finish (with Connection: close) within shutdown_grace; then everything closes and the
  // threads are joined. Called from a worker thread it only requests the stop.
  void stop() {
    if (in_worker() == this) {
      request_stop();
      return;
    }
    std::unique_lock lock(life_mu_);
    if (!started_ || stopped_) return;
    stopped_ = true;
    stop_requested_ = true;
    lock.unlock();
    life_cv_.notify_all();

    stopping_.store(true);
    asio::post(acceptor_.get_executor(), [this] {
      boost::system::error_code ec;
      acceptor_.close(ec);
      accept_timer_.cancel();
    });
    for_each_session([](const std::shared_ptr<session>& s) { s->soft_stop(); });
    auto deadline = std::chrono::steady_clock::now() + cfg_.shutdown_grace;
    while (active_.load() > 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    for_each_session([](const std::shared_ptr<session>& s) { s->hard_stop(); });
    auto hard_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    while (active_.load() > 0 && std::chrono::steady_clock::now() < hard_deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    work_.reset();
    ioc_.stop();
    // Idle workers leave run() at once. One still inside a handler that ignored the deadline is
    // not waited for (a handler can block for ever): it is detached and finishes on its own, its
    // answer never sent (the loop has stopped). stop() returns within the grace, the 1 s above
    // and this moment.
    auto leave_deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(100);
    auto all_left = [&] {
      for (std::size_t i = 0; i < threads_.size(); ++i)
        if (!exited_[i].load()) return false;
      return true;
    };
    while (!all_left() && std::chrono::steady_clock::now() < leave_deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    for (std::size_t i = 0; i < threads_.size(); ++i) {
      if (!threads_[i].joinable()) continue;
      if (exited_[i].load()) threads_[i].join();
      else threads_[i].detach();
    }
    threads_.clear();
    // No handler runs any more, so these are safe from here. The close posted above did not run
    // if a stuck handler held the only thread: the port must not keep accepting after stop().
    boost::system::error_code ec;
    acceptor_.close(ec);
    accept_timer_.cancel();
    // A connection whose handler is stuck: its client learns now that no answer will come.
    for_each_session([](const std::shared_ptr<session>& s) { s->shutdown_socket(); });
  }

  // Blocks until request_stop() (or a signal through run_until_signal), then stops.
  void wait() {
    std::unique_lock lock(life_mu_);
    life_cv_.wait(lock, [&] { return stop_requested_ || stopped_; });
    lock.unlock();
    stop();
  }

  // The standalone main loop: start, wait for SIGINT or SIGTERM, stop gracefully. The signals
  // are taken before start(): a SIGTERM sent as soon as the server answers (a supervisor, a test
  // that stops it at once) found the default action still in place and killed the process, and
  // asio keeps a signal that comes before async_wait until it is asked for.
  void run_until_signal() {
    asio::signal_set signals(ioc_, SIGINT, SIGTERM);
    start();
    signals.async_wait([this](const boost::system::error_code& ec, int) {
      if (!ec) request_stop();
    });
    wait();
  }

 private:
  class session;
  enum class evict_kind { idle, header, request };

  static impl*& in_worker() {
    thread_local impl* s = nullptr;
    return s;
  }

  template <class F>
  void for_each_session(F f) {
    std::vector<std::shared_ptr<session>> live;
    {
      std::lock_guard lock(sessions_mu_);
      for (auto& [p, w] : sessions_)
        if (auto s = w.lock()) live.push_back(std::move(s));
    }
    for (auto& s : live) f(s);
  }

  // One thread needs no strands; several do, one per connection.
  asio::any_io_executor connection_executor() {
    return threads_count_ == 1 ? asio::any_io_executor(ioc_.get_executor()) : asio::any_io_executor(asio::make_strand(ioc_));
  }

  void do_accept() {
    acceptor_.async_accept(connection_executor(), [this](boost::system::error_code ec, tcp::socket sock) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open() || stopping_.load()) return;
      if (!ec) {
        on_accept(std::move(sock));
        // Take what else is already waiting (a batch): one accept per completion, queued behind
        // thousands of busy connections' handlers, let the kernel's backlog fill under load, and
        // a new client then waited seconds for its SYN to be retried (issue 21: 10,000 clients).
        for (int i = 0; i < 256 && !stopping_.load() && acceptor_.is_open(); ++i) {
          boost::system::error_code more_ec;
          tcp::socket more = acceptor_.accept(connection_executor(), more_ec);
          if (more_ec) break;  // would_block: none waiting; anything else goes the async way below
          on_accept(std::move(more));
        }
        return do_accept();
      }
      if (ec == asio::error::connection_aborted || ec == asio::error::interrupted || ec == asio::error::try_again)
        return do_accept();
      // Out of descriptors (or kernel memory): the pending connection stays in the backlog and
      // the listening socket stays readable, so retrying at once spins. Close the oldest idle
      // connection to make room and pause; other errors pause briefly too.
      namespace errc_ = boost::system::errc;
      bool no_fds = ec == errc_::too_many_files_open || ec == errc_::too_many_files_open_in_system ||
                    ec == errc_::no_buffer_space || ec == errc_::not_enough_memory;
      if (no_fds) {
        backoffs_.fetch_add(1, std::memory_order_relaxed);
        std::shared_ptr<session> victim;
        {
          std::lock_guard lock(sessions_mu_);
          victim = oldest_idle_locked(nullptr);
        }
        if (victim) victim->evict(evict_kind::idle);
      }
      accept_timer_.expires_after(no_fds ? cfg_.accept_backoff : std::chrono::milliseconds(10));
      accept_timer_.async_wait([this](boost::system::error_code tec) {
        if (tec || stopping_.load() || !acceptor_.is_open()) return;
        do_accept();
      });
    });
  }

  // How many connections one client may hold.
  std::size_t client_limit(bool proxy) const {
    std::size_t limit = max_conn_ > reserve_ ? max_conn_ - reserve_ : 1;
    std::size_t own = proxy ? cfg_.max_connections_per_proxy : per_client_;
    if (own > 0) limit = std::min(limit, own);
    return std::max<std::size_t>(1, limit);
  }

  void on_accept(tcp::socket sock) {
    if (stopping_.load()) return;
    boost::system::error_code ec;
    sock.set_option(tcp::no_delay(true), ec);
    std::string addr;
    auto ep = sock.remote_endpoint(ec);
    if (!ec) {
      auto a = parse_address(ep.address().to_string());
      addr = a ? a->to_string() : ep.address().to_string();
    }
    std::string key = address_key(addr);
    bool proxy = proxies_.contains(addr);

    // Over its own cap a client loses its oldest idle connection (else the new one is refused);
    // at the global cap, the oldest idle
    // connection of anyone makes way, else the oldest one still sending a header of the client
    // holding the most connections, else the oldest one still sending a body of the client
    // holding the most connections if it holds more than one (a slowloris spread over several
    // addresses, with headers or with bodies, cannot keep newcomers out). Connections already
    // chosen to close are not counted, so a burst does not overshoot while they close.
    std::shared_ptr<session> victim, s;
    bool per_client = false;
    auto kind = evict_kind::idle;
    {
      std::lock_guard lock(sessions_mu_);
      auto cit = clients_.find(key);
      std::size_t have = cit == clients_.end() ? 0 : cit->second.open - cit->second.closing;
      bool admit = true;
      if (have >= client_limit(proxy)) {
        victim = oldest_idle_locked(&key);
        admit = victim != nullptr;
        per_client = !admit;
      } else if (active_.load() - closing_ >= max_conn_) {
        victim = oldest_idle_locked(nullptr);
        if (!victim && (victim = slowest_reading_locked(true, 1))) kind = evict_kind::header;
        if (!victim && (victim = slowest_reading_locked(false, 2))) kind = evict_kind::request;
        admit = victim != nullptr;
      }
      if (admit) {
        s = std::make_shared<session>(*this, std::move(sock), addr, key);
        sessions_[s.get()] = s;
        ++clients_[key].open;
        active_.fetch_add(1);
        accepted_.fetch_add(1, std::memory_order_relaxed);
      }
    }
    if (victim) victim->evict(kind);
    if (!s) {
      rejected_.fetch_add(1, std::memory_order_relaxed);
      if (per_client) rejected_client_.fetch_add(1, std::memory_order_relaxed);
      reject(std::move(sock));
      return;
    }
    s->start();
  }

  // The connection that has waited longest for its next request (of `key`, when given), marked
  // as closing. Called with sessions_mu_ held.
  std::shared_ptr<session> oldest_idle_locked(const std::string* key) {
    session* best = nullptr;
    std::int64_t best_t = 0;
    for (auto& [p, w] : sessions_) {
      if (p->closing_ || (key && p->key_ != *key) || w.expired()) continue;
      auto t = p->idle_since_.load(std::memory_order_relaxed);
      if (t < 0 || (best && t >= best_t)) continue;
      // A kept-alive connection that answered a moment ago is a busy client between requests,
      // not an idle one: closing it made a client over its cap (or anyone, at the global cap)
      // lose the connections it was using, so that nothing got served (issue 21).
      if (p->begun_.load(std::memory_order_relaxed) && t > recent_idle_cutoff()) continue;
      best = p;
      best_t = t;
    }
    return claim_locked(best);
  }
  static constexpr std::chrono::milliseconds recently_busy{1000};
  static std::int64_t recent_idle_cutoff() {
    return (std::chrono::steady_clock::now() - recently_busy).time_since_epoch().count();
  }
  // Of the connections still sending a request header (`header`), or still sending a request at
  // all: one of the client holding the most connections (at least `min_open`), the one whose
  // request began longest ago; marked as closing. Called with sessions_mu_ held.
  std::shared_ptr<session> slowest_reading_locked(bool header, std::size_t min_open) {
    session* best = nullptr;
    std::int64_t best_t = 0;
    std::size_t best_n = 0;
    for (auto& [p, w] : sessions_) {
      if (p->closing_ || w.expired()) continue;
      auto t = (header ? p->header_since_ : p->reading_since_).load(std::memory_order_relaxed);
      if (t < 0) continue;
      std::size_t n = 0;
      auto it = clients_.find(p->key_);
      if (it != clients_.end()) n = it->second.open - it->second.closing;
      if (n < min_open || (best && (n < best_n || (n == best_n && t >= best_t)))) continue;
      best = p;
      best_t = t;
      best_n = n;
    }
    return claim_locked(best);
  }
  // Marks the chosen connection as closing (it no longer counts against its client) and returns
  // it, or null when there is none or it is already gone. Called with sessions_mu_ held.
  std::shared_ptr<session> claim_locked(session* chosen) {
    if (!chosen) return nullptr;
    auto sp = sessions_[chosen].lock();
    if (!sp) return nullptr;
    chosen->closing_ = true;
    ++closing_;
    ++clients_[chosen->key_].closing;
    return sp;
  }
  // A connection chosen to close turned out busy: it stays, and counts again.
  void unmark_closing(session* s) {
    std::lock_guard lock(sessions_mu_);
    if (!s->closing_) return;
    s->closing_ = false;
    --closing_;
    --clients_[s->key_].closing;
  }

  // Over the connection limit: a short 503 and close, without reading the request.
  void reject(tcp::socket sock) {
    static const std::string msg = [] {
      std::string body = error_response(status::service_unavailable, errc::busy,
                                        "Máy chủ đang quá tải, hãy thử lại sau", "Too many connections, try again later")
                             .body;
      return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\nRetry-After: 1"
             "\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nContent-Security-Policy: " +
             std::string(detail::error_csp) + "\r\nConnection: close\r\nContent-Length: " +
             std::to_string(body.size()) + "\r\n\r\n" + body;
    }();
    auto sp = std::make_shared<tcp::socket>(std::move(sock));
    asio::async_write(*sp, asio::buffer(msg), [sp](boost::system::error_code, std::size_t) {
      boost::system::error_code ec;
      sp->shutdown(tcp::socket::shutdown_send, ec);
      sp->close(ec);
    });
  }

  // A connection closed and about to go: it no longer counts against its client or the cap
  // (it is destroyed a moment later, once its pending handlers have run).
  void session_going(session* s) {
    std::lock_guard lock(sessions_mu_);
    if (s->closing_) return;
    s->closing_ = true;
    ++closing_;
    ++clients_[s->key_].closing;
  }

  void session_closed(session* s) {
    std::lock_guard lock(sessions_mu_);
    sessions_.erase(s);
    auto it = clients_.find(s->key_);
    if (it != clients_.end()) {
      if (s->closing_) --it->second.closing;
      if (--it->second.open == 0) clients_.erase(it);
    }
    if (s->closing_) --closing_;
    active_.fetch_sub(1);
  }

  class session : public std::enable_shared_from_this<session> {
   public:
    session(impl& srv, tcp::socket sock, std::string remote, std::string key)
        : key_(std::move(key)),
          srv_(srv),
          sock_(std::move(sock)),
          timer_(sock_.get_executor()),
          remote_(std::move(remote)),
          buffer_(srv.cfg_.max_header_bytes + 4 + 4096 + 64 * 1024 + 4096) {
      idle_since_.store(clock::now().time_since_epoch().count(), std::memory_order_relaxed);
    }
    ~session() { srv_.session_closed(this); }

    // Chosen to make room: closes if it is still waiting for its next request (idle), or still
    // sending the header (header) or any part (request) of the request it was chosen in.
    void evict(evict_kind kind) {
      auto& mark = kind == evict_kind::header ? header_since_ : reading_since_;
      auto since = mark.load(std::memory_order_relaxed);
      asio::post(sock_.get_executor(), [self = shared_from_this(), kind, since, &mark] {
        if (kind == evict_kind::idle && self->state_ == state::idle) {
          self->srv_.idle_closed_.fetch_add(1, std::memory_order_relaxed);
          self->close_now();
        } else if (kind != evict_kind::idle && self->state_ == state::reading && since >= 0 &&
                   mark.load(std::memory_order_relaxed) == since) {
          self->srv_.slow_closed_.fetch_add(1, std::memory_order_relaxed);
          self->close_now();
        } else if (self->state_ != state::closed) {
          // Busy after all: it stays, and counts again. One that closed meanwhile (its client
          // went away) keeps counting as closing until it is gone, so the newcomer admitted in
          // its place does not push its client over the cap for a moment.
          self->srv_.unmark_closing(self.get());
        }
      });
    }

    // Read by the server under sessions_mu_: the client it counts under, whether it was chosen
    // to close, since when it has waited for a request (steady-clock ticks; -1 while busy) and
    // since when it has been sending a request header, and a request (-1 when not).
    const std::string key_;
    bool closing_ = false;
    std::atomic<std::int64_t> idle_since_{-1};
    std::atomic<std::int64_t> header_since_{-1};
    std::atomic<std::int64_t> reading_since_{-1};
    std::atomic<bool> begun_{false};  // has sent (part of) a request

    void start() {
      asio::dispatch(sock_.get_executor(), [self = shared_from_this()] {
        self->arm_timer(std::chrono::steady_clock::now() + self->srv_.cfg_.idle_timeout);
        self->read_next();
      });
    }

    // Graceful: a connection waiting for its next request closes now; others finish first.
    void soft_stop() {
      asio::post(sock_.get_executor(), [self = shared_from_this()] {
        if (self->state_ == state::idle) self->close_now();
      });
    }
    void hard_stop() {
      asio::post(sock_.get_executor(), [self = shared_from_this()] { self->close_now(); });
    }
    // Once the loop has stopped, for a connection whose handler still runs on a detached worker:
    // shutdown(2) on the descriptor tells the client at once, without closing the socket object
    // that worker touches when the handler returns.
    void shutdown_socket() noexcept {
      if (sock_.is_open()) ::shutdown(sock_.native_handle(), SHUT_RDWR);
    }

   private:
    enum class state { idle, reading, handling, writing, lingering, closed };
    using clock = std::chrono::steady_clock;

    // One timer per connection; moving the deadline later costs nothing (the timer re-arms itself
    // when it fires early), so the hot path does no timer syscalls.
    void arm_timer(clock::time_point deadline) {
      deadline_ = deadline;
      if (timer_waiting_ && timer_.expiry() <= deadline) return;
      timer_.expires_at(deadline);
      timer_waiting_ = true;
      timer_.async_wait([self = shared_from_this(), gen = ++timer_gen_](boost::system::error_code ec) {
        self->on_timer(ec, gen);
      });
    }
    void on_timer(boost::system::error_code ec, unsigned gen) {
      if (gen != timer_gen_) return;  // superseded by a re-arm
      timer_waiting_ = false;
      if (ec || state_ == state::closed) return;
      if (clock::now() < deadline_) {
        arm_timer(deadline_);
        return;
      }
      switch (state_) {
        case state::reading:
          // Cancelling reaches only a read still waiting: one whose bytes arrived a moment ago
          // has its completion queued already, and its handler starts the next read. So look
          // again shortly until a cancel lands (a slowloris byte timed with the deadline kept one
          // connection of 800 open past every timeout: integration portal load, issue 21).
          timed_out_ = true;
          cancel_io();
          arm_timer(clock::now() + std::chrono::milliseconds(50));
          break;
        default:
          close_now();
      }
    }

    void cancel_io() {
      boost::system::error_code ec;
      sock_.cancel(ec);
    }
    void close_now() {
      if (state_ == state::closed) return;
      state_ = state::closed;
      idle_since_.store(-1, std::memory_order_relaxed);
      header_since_.store(-1, std::memory_order_relaxed);
      reading_since_.store(-1, std::memory_order_relaxed);
      srv_.session_going(this);
      boost::system::error_code ec;
      sock_.shutdown(tcp::socket::shutdown_both, ec);
      sock_.close(ec);
      timer_.cancel();
    }

    void read_next() {
      if (state_ == state::closed) return;
      if (srv_.stopping_.load() && buffer_.size() == 0) {
        close_now();
        return;
      }
      parser_.emplace();
      parser_->header_limit(static_cast<std::uint32_t>(srv_.cfg_.max_header_bytes));
      // With per-target limits, Beast must not judge Content-Length at the header's end against
      // the default limit: the limit is chosen, and checked, once the target is known (below).
      if (srv_.cfg_.body_limit_for) parser_->body_limit(boost::none);
      else parser_->body_limit(srv_.cfg_.max_body_bytes);
      if (buffer_.size() > 0) {
        begin_request();
        return;
      }
      // Wait for the first byte under the idle timeout; the read timeout starts after it. The
      // client has read every answer: its time blocked in writes starts again.
      state_ = state::idle;
      write_spent_ = {};
      idle_since_.store(clock::now().time_since_epoch().count(), std::memory_order_relaxed);
      arm_timer(clock::now() + srv_.cfg_.idle_timeout);
      sock_.async_read_some(buffer_.prepare(4096), [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
        if (ec || self->state_ == state::closed) return self->close_now();
        self->buffer_.commit(n);
        self->begin_request();
      });
    }

    void begin_request() {
      state_ = state::reading;
      request_start_ = clock::now();
      scan_from_ = 0;
      method_scan_ = 0;
      method_ok_ = false;
      header_since_.store(request_start_.time_since_epoch().count(), std::memory_order_relaxed);
      reading_since_.store(request_start_.time_since_epoch().count(), std::memory_order_relaxed);
      idle_since_.store(-1, std::memory_order_relaxed);
      begun_.store(true, std::memory_order_relaxed);
      arm_timer(request_start_ + std::min(srv_.cfg_.header_timeout, srv_.cfg_.read_timeout));
      parse_header();
    }

    // The header is collected whole in our buffer and parsed here rather than through a composed
    // read (which would cost a round trip through the event loop per request), and so that the
    // raw bytes can be checked for what Beast's parser quietly accepts: obsolete line folding,
    // which it would unfold into a value no other server on the path would see the same way.
    void parse_header() {
      // RFC 9112 §2.2: empty lines before a request line are ignored (some clients send a CRLF
      // after a body). The read timeout still bounds a client that sends nothing else.
      if (scan_from_ == 0) {
        auto lead = detail::buffer_view(buffer_);
        std::size_t skip = 0;
        while (skip < lead.size() && (lead[skip] == '\r' || lead[skip] == '\n')) ++skip;
        if (skip) buffer_.consume(skip);
      }
      // Each search resumes where the last one stopped (less the 3 bytes an end split between
      // two reads may have left), so a header sent a byte at a time costs linear, not
      // quadratic, time.
      auto data = detail::buffer_view(buffer_);
      auto end = data.find("\r\n\r\n", scan_from_);
      if (end == std::string_view::npos) {
        scan_from_ = data.size() > 3 ? data.size() - 3 : 0;
        // Not HTTP at all (a TLS hello, binary noise): no need to wait for a header's end.
        if (!method_ok_) {
          auto rest = data.substr(method_scan_);
          if (detail::bad_method_start(rest))
            return send_error(status::bad_request, errc::parse_error, "Yêu cầu HTTP sai cú pháp", "Malformed HTTP request");
          method_ok_ = rest.find(' ') != std::string_view::npos;
          method_scan_ = data.size();
        }
        if (data.size() >= srv_.cfg_.max_header_bytes + 4)
          return send_error(status::request_header_fields_too_large, errc::too_large, "Phần đầu yêu cầu quá lớn",
                            "Request header fields too large");
        sock_.async_read_some(buffer_.prepare(4096), [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
          if (self->state_ == state::closed) return;
          if (ec) return self->on_read_error(ec == asio::error::eof ? bhttp::make_error_code(bhttp::error::partial_message) : ec);
          if (self->timed_out_) return self->on_read_error(asio::error::timed_out);  // bytes that came too late
          self->buffer_.commit(n);
          self->parse_header();
        });
        return;
      }
      if (detail::has_obs_fold(data.substr(0, end + 2)))
        return send_error(status::bad_request, errc::parse_error, "Không chấp nhận tiêu đề gấp dòng (obs-fold)",
                          "Obsolete line folding in a header is refused");
      boost::system::error_code ec;
      while (buffer_.size() > 0 && !parser_->is_header_done()) {
        auto n = parser_->put(buffer_.data(), ec);
        buffer_.consume(n);
        if (ec || n == 0) break;
      }
      if (ec && ec != bhttp::error::need_more) return on_read_error(ec);
      if (!parser_->is_header_done()) return on_read_error(bhttp::error::bad_value);
      on_header({});
    }

    void on_header(boost::system::error_code ec) {
      if (ec) return on_read_error(ec);
      // The header is complete: the rest of the request has what is left of the read timeout.
      header_since_.store(-1, std::memory_order_relaxed);
      arm_timer(request_start_ + srv_.cfg_.read_timeout);
      // Only a chunked body can bring trailer fields: keep its header section as it was.
      if (parser_->chunked()) {
        header_fields_ = static_cast<std::size_t>(std::distance(parser_->get().begin(), parser_->get().end()));
        chunked_head_ = parser_->get().base();
      } else {
        chunked_head_.reset();
      }
      // Framing the parser would accept but a proxy in front may read differently (RFC 9112
      // 6.3): refused before any body is read, and the connection closes, so bytes meant to be a
      // body are never parsed as the next request.
      switch (detail::check_framing(parser_->get())) {
        case detail::framing::ok: break;
        case detail::framing::no_host:
          return send_error(status::bad_request, errc::parse_error, "Thiếu tiêu đề Host", "Missing Host header");
        case detail::framing::repeated_host:
          return send_error(status::bad_request, errc::parse_error, "Tiêu đề Host bị lặp", "Repeated Host header");
        case detail::framing::bad_content_length:
          return send_error(status::bad_request, errc::parse_error, "Content-Length lặp lại hoặc không hợp lệ",
                            "Repeated or invalid Content-Length");
        case detail::framing::length_and_chunked:
          return send_error(status::bad_request, errc::parse_error, "Không được có cả Content-Length và Transfer-Encoding",
                            "Content-Length together with Transfer-Encoding is refused");
        case detail::framing::bad_transfer_encoding:
          return send_error(status::bad_request, errc::parse_error,
                            "Transfer-Encoding phải kết thúc bằng chunked (và chỉ với HTTP/1.1)",
                            "Transfer-Encoding must be exactly a final chunked (HTTP/1.1 only)");
        case detail::framing::unsupported_coding:
          return send_error(status::not_implemented, errc::parse_error, "Không hỗ trợ mã truyền này",
                            "Transfer coding not supported");
      }
      // RFC 9110 10.1.1: the only expectation is 100-continue; any other is 417 (and the body,
      // if any, is not read: the connection closes).
      auto& h = parser_->get();
      bool expect_continue = false;
      for (auto it = h.find(bhttp::field::expect); it != h.end() && it->name() == bhttp::field::expect; ++it) {
        auto v = it->value();
        std::string_view value(v.data(), v.size());
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
        while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
        if (value.empty()) continue;
        if (!iequals(value, "100-continue"))
          return send_error(status::expectation_failed, errc::parse_error, "Không hỗ trợ giá trị Expect này",
                            "Only Expect: 100-continue is supported");
        expect_continue = true;
      }
      if (srv_.cfg_.body_limit_for) {
        auto t = h.target();
        auto cookie = h[bhttp::field::cookie];
        auto own = srv_.cfg_.body_limit_for(std::string_view(t.data(), t.size()), std::string_view(cookie.data(), cookie.size()));
        const std::size_t lim = own.value_or(srv_.cfg_.max_body_bytes);
        const auto len = parser_->content_length();
        if (len && *len > lim) {
          if (!own)
            return send_error(status::payload_too_large, errc::too_large, "Nội dung yêu cầu quá lớn", "Request body too large");
          refused_body_ = true;  // not read: the handler answers, then the connection closes
          return on_request();
        }
        parser_->body_limit(lim);
      }
      if (parser_->is_done()) return on_request();
      if (expect_continue) {
        static const std::string cont = "HTTP/1.1 100 Continue\r\n\r\n";
        asio::async_write(sock_, asio::buffer(cont), [self = shared_from_this()](boost::system::error_code ec2, std::size_t) {
          if (ec2) return self->close_now();
          self->read_body();
        });
        return;
      }
      read_body();
    }
    void read_body() {
      bhttp::async_read(sock_, buffer_, *parser_, [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
        if (ec) return self->on_read_error(ec);
        self->on_request();
      });
    }

    void on_read_error(boost::system::error_code ec) {
      if (state_ == state::closed) return;
      if (timed_out_) {
        return send_error(status::request_timeout, errc::busy, "Hết thời gian chờ yêu cầu", "Request timeout");
      }
      if (ec == bhttp::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
          ec == asio::error::operation_aborted || ec == bhttp::error::partial_message)
        return close_now();
      if (ec == bhttp::error::header_limit)
        return send_error(status::request_header_fields_too_large, errc::too_large, "Phần đầu yêu cầu quá lớn",
                          "Request header fields too large");
      if (ec == bhttp::error::body_limit || ec == bhttp::error::buffer_overflow)
        return send_error(status::payload_too_large, errc::too_large, "Nội dung yêu cầu quá lớn", "Request body too large");
      if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category())
        return send_error(status::bad_request, errc::parse_error, "Yêu cầu HTTP sai cú pháp", "Malformed HTTP request");
      close_now();
    }

    void send_error(status s, errc c, std::string vi, std::string en) {
      srv_.bad_requests_.fetch_add(1, std::memory_order_relaxed);
      header_since_.store(-1, std::memory_order_relaxed);
      reading_since_.store(-1, std::memory_order_relaxed);
      res_ = error_response(s, c, std::move(vi), std::move(en));
      // Answered before any middleware runs, so the headers a browser needs are set here.
      detail::harden_error(res_);
      head_only_ = false;
      write_response(false, 11);
    }

    void on_request() {
      state_ = state::handling;
      header_since_.store(-1, std::memory_order_relaxed);
      reading_since_.store(-1, std::memory_order_relaxed);
      srv_.requests_.fetch_add(1, std::memory_order_relaxed);
      // Trailer fields of a chunked body (RFC 9110 6.5.1): Beast adds them to the header fields
      // (next to any of the same name), where a handler would take a trailer `X-Forwarded-For`
      // or `Authorization` for the client's header. They are dropped: the header section saved
      // when it was complete is put back, so handlers only ever see it.
      if (chunked_head_) {
        auto& m = parser_->get();
        if (static_cast<std::size_t>(std::distance(m.begin(), m.end())) != header_fields_) m.base() = std::move(*chunked_head_);
        chunked_head_.reset();
      }
      req_.reset(parser_->release());
      req_.remote_address = remote_;
      req_.body_refused = std::exchange(refused_body_, false);
      bool keep = req_.keep_alive() && !req_.body_refused;
      unsigned version = req_.version();
      head_only_ = req_.method() == verb::head;
      if (auto r = req_.prepare(); !r) {
        srv_.bad_requests_.fetch_add(1, std::memory_order_relaxed);
        res_ = error_response(r.err(), status::bad_request);
        detail::harden_error(res_);
      } else {
        try {
          res_ = srv_.handler_(req_);
        } catch (const exception& e) {
          res_ = error_response(e.err());
          detail::harden_error(res_);
        } catch (...) {
          res_ = error_response(status::internal_server_error, errc::internal);
          detail::harden_error(res_);
        }
      }
      write_response(keep && !res_.close && !srv_.stopping_.load(), version);
    }

    void write_response(bool keep_alive, unsigned version) {
      state_ = state::writing;
      keep_alive_ = keep_alive;
      std::string_view body = res_.body_view();
      bool send_body = !head_only_ && detail::status_has_body(res_.code);
      out_.clear();
      detail::serialize_head(out_, res_, body.size(), keep_alive, version);
      // write_timeout bounds the time blocked in writes summed over the responses since the
      // client last let the connection wait for a new request, not each response on its own.
      write_start_ = clock::now();
      auto left = std::chrono::duration_cast<clock::duration>(srv_.cfg_.write_timeout) - write_spent_;
      arm_timer(write_start_ + std::max(left, clock::duration::zero()));
      std::array<asio::const_buffer, 2> bufs{asio::buffer(out_), asio::buffer(body.data(), send_body ? body.size() : 0)};
      asio::async_write(sock_, bufs, [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
        self->on_written(ec);
      });
    }

    void on_written(boost::system::error_code ec) {
      if (ec || state_ == state::closed) return close_now();
      write_spent_ += clock::now() - write_start_;
      res_ = response{};
      if (keep_alive_ && !timed_out_) return read_next();
      linger();
    }

    // Half-close, then drain what the client still sends for a moment, so our answer is not
    // destroyed by a TCP reset (the 413 case: the body is still arriving).
    void linger() {
      state_ = state::lingering;
      boost::system::error_code ec;
      sock_.shutdown(tcp::socket::shutdown_send, ec);
      arm_timer(clock::now() + std::chrono::milliseconds(500));
      drain();
    }
    void drain() {
      sock_.async_read_some(asio::buffer(drain_buf_), [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
        if (ec || self->state_ == state::closed) return self->close_now();
        self->drain();
      });
    }

    impl& srv_;
    tcp::socket sock_;
    asio::steady_timer timer_;
    clock::time_point deadline_{};
    unsigned timer_gen_ = 0;
    bool timer_waiting_ = false;
    bool timed_out_ = false;
    bool keep_alive_ = true;
    bool head_only_ = false;
    bool refused_body_ = false;
    state state_ = state::idle;
    std::string remote_;
    clock::time_point request_start_{}, write_start_{};
    clock::duration write_spent_{};
    std::size_t scan_from_ = 0, method_scan_ = 0, header_fields_ = 0;
    std::optional<bhttp::request_header<>> chunked_head_;
    bool method_ok_ = false;
    // Bounded: a header, then what Beast reads at once (64 KiB) and a margin. Chunk-size lines,
    // chunk extensions and trailers must fit in it too (Beast 1.81 sets them no limit of their
    // own); past it a read fails with buffer_overflow: 413 and close, not gigabytes held.
    boost::beast::flat_buffer buffer_;
    std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
    request req_;
    response res_;
    std::string out_;
    std::array<char, 4096> drain_buf_{};
  };

  server_config cfg_;
  handler handler_;
  mutable std::mutex sessions_mu_;
  std::unordered_map<session*, std::weak_ptr<session>> sessions_;
  struct client_count {
    std::size_t open = 0;
    std::size_t closing = 0;
  };
  std::unordered_map<std::string, client_count> clients_;  // under sessions_mu_
  std::size_t closing_ = 0;                                 // under sessions_mu_
  std::atomic<std::uint64_t> accepted_{0}, rejected_{0}, requests_{0}, bad_requests_{0}, active_{0};
  std::atomic<std::uint64_t> rejected_client_{0}, idle_closed_{0}, slow_closed_{0}, backoffs_{0};
  std::uint64_t files_limit_ = 0;
  std::size_t max_conn_ = 0, reserve_ = 0, per_client_ = 0;
  address_list proxies_;
  std::atomic<bool> stopping_{false};
  std::mutex life_mu_;
  std::condition_variable life_cv_;
  bool started_ = false, stopped_ = false, stop_requested_ = false;
  std::uint16_t port_ = 0;
  unsigned threads_count_ = 0;
  std::vector<std::thread> threads_;
  std::unique_ptr<std::atomic<bool>[]> exited_;  // per worker: it has left run()
  // Declared last so it is destroyed first: handlers it still holds release sessions while the
  // members above are alive.
  asio::io_context ioc_;
  tcp::acceptor acceptor_{asio::make_strand(ioc_)};
  asio::steady_timer accept_timer_{acceptor_.get_executor()};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_{ioc_.get_executor()};
};


PBGDPL_DECL server::server(server_config cfg, handler h) : impl_(std::make_shared<impl>(std::move(cfg), std::move(h))) {}
PBGDPL_DECL server::~server() { impl_->stop(); }
PBGDPL_DECL void server::start() { impl_->start(); }
PBGDPL_DECL std::uint16_t server::port() const noexcept { return impl_->port(); }
PBGDPL_DECL const server_config& server::config() const noexcept { return impl_->config(); }
PBGDPL_DECL server_stats server::stats() const { return impl_->stats(); }
PBGDPL_DECL void server::request_stop() { impl_->request_stop(); }
PBGDPL_DECL void server::stop() { impl_->stop(); }
PBGDPL_DECL void server::wait() { impl_->wait(); }
PBGDPL_DECL void server::run_until_signal() { impl_->run_until_signal(); }

}  // namespace http
PBGDPL_NAMESPACE_END
