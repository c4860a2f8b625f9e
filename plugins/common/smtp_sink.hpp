// A tiny SMTP sink on 127.0.0.1 for tests: it answers like a mail server, records each
// conversation (the commands, the DATA as sent and after un-stuffing), and can misbehave on
// purpose (refuse a recipient, stall, drip bytes, send an endless line, skip 8BITMIME).
#pragma once
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace mock {

class smtp_sink {
 public:
  struct session {
    std::vector<std::string> commands;  // every line the client sent outside DATA
    std::string raw_data;               // DATA as received, up to the lone "."
    std::string data;                   // the same un-stuffed: the message
  };
  enum class mode { normal, stall_after_greeting, drip, endless_line };
  // Knobs: set them before the client connects.
  bool advertise_8bitmime = true;
  std::set<std::string> refuse_recipients;  // RCPT TO:<x> answered 550
  mode behaviour = mode::normal;

  smtp_sink() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 8) != 0)
      throw std::runtime_error("smtp_sink: cannot listen");
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~smtp_sink() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  std::uint16_t port() const noexcept { return port_; }
  // The finished conversations; waits (up to 2 s) until there are at least `at_least`, since the
  // client may return before the sink has filed the one it just had.
  std::vector<session> sessions(std::size_t at_least = 0) const {
    for (int i = 0; i < 200; ++i) {
      {
        std::lock_guard lock(mu_);
        if (sessions_.size() >= at_least) return sessions_;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::lock_guard lock(mu_);
    return sessions_;
  }
  std::size_t connections() const { return connections_; }

 private:
  void run() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) != 1) continue;
      int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      ++connections_;
      serve(c);
      ::close(c);
    }
  }
  bool send_all(int c, const std::string& s) {
    return ::send(c, s.data(), s.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(s.size());
  }
  // One line (without CRLF), or false when the client went away or the sink is stopping.
  bool read_line(int c, std::string& buf, std::string& line) {
    for (;;) {
      if (auto nl = buf.find("\r\n"); nl != std::string::npos) {
        line = buf.substr(0, nl);
        buf.erase(0, nl + 2);
        return true;
      }
      pollfd p{c, POLLIN, 0};
      int rc = ::poll(&p, 1, 50);
      if (stop_) return false;
      if (rc != 1) continue;
      char tmp[4096];
      ssize_t n = ::recv(c, tmp, sizeof tmp, 0);
      if (n <= 0) return false;
      buf.append(tmp, static_cast<std::size_t>(n));
    }
  }
  void hold(int c, bool drip) {
    // Until the client gives up (closes) or the sink stops.
    for (int i = 0; i < 400 && !stop_; ++i) {
      if (drip && !send_all(c, "2")) return;
      pollfd p{c, POLLIN, 0};
      if (::poll(&p, 1, 50) == 1) {
        char tmp[256];
        if (::recv(c, tmp, sizeof tmp, 0) <= 0) return;
      }
    }
  }
  void serve(int c) {
    session s;
    struct record {
      smtp_sink* self;
      session* s;
      ~record() {
        std::lock_guard lock(self->mu_);
        self->sessions_.push_back(*s);
      }
    } rec{this, &s};
    if (behaviour == mode::stall_after_greeting) {
      send_all(c, "220 sink.test ESMTP\r\n");
      hold(c, false);
      return;
    }
    if (behaviour == mode::endless_line) {
      send_all(c, "220 " + std::string(100'000, 'x'));
      hold(c, false);
      return;
    }
    send_all(c, "220 sink.test ESMTP ready\r\n");
    std::string buf, line;
    while (read_line(c, buf, line)) {
      s.commands.push_back(line);
      std::string up = line.substr(0, 4);
      for (auto& ch : up) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      if (up == "EHLO") {
        if (behaviour == mode::drip) {
          send_all(c, "250-sink.test\r\n");
          hold(c, true);
          return;
        }
        send_all(c, advertise_8bitmime ? "250-sink.test\r\n250-8BITMIME\r\n250 SIZE 10485760\r\n"
                                       : "250-sink.test\r\n250 SIZE 10485760\r\n");
      } else if (up == "HELO" || up == "MAIL" || up == "RSET" || up == "NOOP") {
        send_all(c, "250 OK\r\n");
      } else if (up == "RCPT") {
        auto lt = line.find('<'), gt = line.find('>');
        auto addr = lt != std::string::npos && gt != std::string::npos ? line.substr(lt + 1, gt - lt - 1)
                                                                       : std::string();
        send_all(c, refuse_recipients.count(addr) ? "550 5.1.1 <" + addr + ">: Recipient address rejected\r\n"
                                                  : "250 2.1.5 OK\r\n");
      } else if (up == "DATA") {
        send_all(c, "354 End data with <CR><LF>.<CR><LF>\r\n");
        std::string l;
        while (read_line(c, buf, l)) {
          s.raw_data += l + "\r\n";
          if (l == ".") break;
          s.data += (l.rfind("..", 0) == 0 ? l.substr(1) : l) + "\r\n";
        }
        send_all(c, "250 2.0.0 Ok: queued\r\n");
      } else if (up == "QUIT") {
        send_all(c, "221 2.0.0 Bye\r\n");
        return;
      } else {
        send_all(c, "502 5.5.2 Command not recognized\r\n");
      }
    }
  }

  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<std::size_t> connections_{0};
  mutable std::mutex mu_;
  std::vector<session> sessions_;
  std::thread thread_;
};

}  // namespace mock
