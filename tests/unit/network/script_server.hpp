// A loopback test server that answers each request from a function of the request's head, plain
// or over TLS (a self-signed certificate made with the openssl tool): enough to fetch real HTTP
// from a real socket with redirects, slow answers, huge bodies and broken responses.
#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <istream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace test_net {

struct reply {
  std::string raw;                      // the whole response, as bytes
  std::chrono::milliseconds delay{0};   // before answering
  bool hang = false;                    // accept, read, never answer (until the server stops)
};

// "HTTP/1.1 <status>\r\n<headers>Content-Length: n\r\nConnection: close\r\n\r\n<body>".
inline std::string response(int status, std::string_view body, std::string headers = "Content-Type: text/html; charset=utf-8\r\n") {
  return "HTTP/1.1 " + std::to_string(status) + " X\r\n" + headers + "Content-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n\r\n" + std::string(body);
}

// A self-signed certificate for "localhost" and 127.0.0.1, written to `dir` (cert.pem, key.pem).
inline bool make_certificate(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  auto cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost "
             "-addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout '" + (dir / "key.pem").string() +
             "' -out '" + (dir / "cert.pem").string() + "' >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

class script_server {
 public:
  using handler = std::function<reply(const std::string& head)>;

  // tls_dir: a folder with cert.pem and key.pem to serve TLS; empty for plain HTTP.
  explicit script_server(handler h, std::filesystem::path tls_dir = {})
      : h_(std::move(h)), acceptor_(ioc_, {boost::asio::ip::make_address("127.0.0.1"), 0}),
        ctx_(boost::asio::ssl::context::tls_server), tls_(!tls_dir.empty()) {
    if (tls_) {
      ctx_.use_certificate_chain_file((tls_dir / "cert.pem").string());
      ctx_.use_private_key_file((tls_dir / "key.pem").string(), boost::asio::ssl::context::pem);
    }
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { loop(); });
  }
  ~script_server() {
    stop_ = true;
    // A blocking accept is not woken by close() from another thread: connect once to wake it.
    {
      boost::asio::io_context ioc;
      boost::asio::ip::tcp::socket wake(ioc);
      boost::system::error_code ec;
      wake.connect({boost::asio::ip::make_address("127.0.0.1"), port_}, ec);
    }
    thread_.join();
    boost::system::error_code ec;
    acceptor_.close(ec);
    for (auto& t : workers_) t.join();
  }
  unsigned short port() const { return port_; }
  std::string base() const { return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_); }
  std::vector<std::string> heads() {
    std::lock_guard lock(mu_);
    return heads_;
  }

 private:
  void loop() {
    while (!stop_) {
      boost::system::error_code ec;
      boost::asio::ip::tcp::socket s(ioc_);
      acceptor_.accept(s, ec);
      if (ec || stop_) return;
      std::lock_guard lock(mu_);
      workers_.emplace_back([this, s = std::move(s)]() mutable { serve(std::move(s)); });
    }
  }
  template <class Stream>
  void answer(Stream& st) {
    boost::asio::streambuf buf;
    boost::system::error_code ec;
    boost::asio::read_until(st, buf, "\r\n\r\n", ec);
    if (ec) return;
    std::string head{std::istreambuf_iterator<char>(&buf), {}};
    {
      std::lock_guard lock(mu_);
      heads_.push_back(head);
    }
    auto r = h_(head);
    if (r.hang) {
      while (!stop_) std::this_thread::sleep_for(std::chrono::milliseconds(20));
      return;
    }
    if (r.delay.count()) std::this_thread::sleep_for(r.delay);
    boost::asio::write(st, boost::asio::buffer(r.raw), ec);
  }
  void serve(boost::asio::ip::tcp::socket s) {
    if (!tls_) {
      answer(s);
      boost::system::error_code ec;
      s.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
      return;
    }
    boost::asio::ssl::stream<boost::asio::ip::tcp::socket&> st(s, ctx_);
    boost::system::error_code ec;
    st.handshake(boost::asio::ssl::stream_base::server, ec);
    if (ec) return;
    answer(st);
    st.shutdown(ec);
  }

  handler h_;
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::ssl::context ctx_;
  bool tls_;
  unsigned short port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::thread> workers_;
  std::vector<std::string> heads_;
};

}  // namespace test_net
