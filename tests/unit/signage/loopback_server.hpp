// A loopback HTTP/1.1 server for the player's tests: each connection carries one request (head and
// Content-Length body), answered by a function with raw bytes, so a test can send a short body and
// close (a server vanishing mid-download) or drop the answer altogether (an answer lost).
#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include <atomic>
#include <cctype>
#include <functional>
#include <istream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace test_loop {

struct request {
  std::string method, target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
      if (k.size() != name.size()) continue;
      bool same = true;
      for (std::size_t i = 0; i < k.size(); ++i)
        same = same && std::tolower(static_cast<unsigned char>(k[i])) == std::tolower(static_cast<unsigned char>(name[i]));
      if (same) return v;
    }
    return {};
  }
};

// "HTTP/1.1 <status>\r\n<headers>Content-Length: n\r\nConnection: close\r\n\r\n<body>".
inline std::string response(int status, std::string_view body, std::string headers = "Content-Type: application/json\r\n") {
  return "HTTP/1.1 " + std::to_string(status) + " X\r\n" + headers + "Content-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n\r\n" + std::string(body);
}

class server {
 public:
  using handler = std::function<std::string(const request&)>;  // raw bytes written, then the connection closes

  explicit server(handler h) : h_(std::move(h)), acceptor_(ioc_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { loop(); });
  }
  ~server() { stop(); }
  // Closes the listening socket: later connections are refused (the server is unreachable).
  void stop() {
    if (stop_.exchange(true)) return;
    {
      boost::asio::io_context ioc;
      boost::asio::ip::tcp::socket wake(ioc);
      boost::system::error_code ec;
      wake.connect({boost::asio::ip::make_address("127.0.0.1"), port_}, ec);
    }
    thread_.join();
    boost::system::error_code ec;
    acceptor_.close(ec);
    std::lock_guard lock(mu_);
    for (auto& t : workers_) t.join();
    workers_.clear();
  }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }

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
  void serve(boost::asio::ip::tcp::socket s) {
    boost::asio::streambuf buf;
    boost::system::error_code ec;
    auto n = boost::asio::read_until(s, buf, "\r\n\r\n", ec);
    if (ec) return;
    std::string all{std::istreambuf_iterator<char>(&buf), {}};
    std::string head = all.substr(0, n), body = all.substr(n);
    request r;
    std::size_t eol = head.find("\r\n");
    std::string line = head.substr(0, eol);
    auto sp1 = line.find(' '), sp2 = line.rfind(' ');
    r.method = line.substr(0, sp1);
    r.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    for (std::size_t pos = eol + 2; pos < head.size();) {
      auto e = head.find("\r\n", pos);
      if (e == std::string::npos || e == pos) break;
      auto l = head.substr(pos, e - pos);
      auto colon = l.find(':');
      if (colon != std::string::npos) {
        auto v = l.substr(colon + 1);
        while (!v.empty() && v.front() == ' ') v.erase(0, 1);
        r.headers.emplace_back(l.substr(0, colon), v);
      }
      pos = e + 2;
    }
    std::size_t want = 0;
    if (auto cl = r.header("Content-Length"); !cl.empty()) want = std::stoul(cl);
    if (body.size() < want) {
      std::string rest(want - body.size(), '\0');
      boost::asio::read(s, boost::asio::buffer(rest), ec);
      if (ec) return;
      body += rest;
    }
    r.body = body.substr(0, want);
    auto raw = h_(r);
    if (!raw.empty()) boost::asio::write(s, boost::asio::buffer(raw), ec);
    s.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
  }

  handler h_;
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  unsigned short port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::thread> workers_;
};

}  // namespace test_loop
