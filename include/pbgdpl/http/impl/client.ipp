// Bodies of http/client.hpp: compiled once into the http tier (src/http/client.cpp), or included
// by the header in header-only builds.
#pragma once
#include "../client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <array>
#include <charconv>
#include <functional>
#include <optional>

PBGDPL_NAMESPACE_BEGIN
namespace http {

PBGDPL_DECL result<url_parts> parse_url(std::string_view url) {
  url_parts u;
  constexpr std::string_view scheme = "http://";
  if (url.size() < scheme.size() || !iequals(url.substr(0, scheme.size()), scheme))
    return error(errc::invalid_argument, "/url", "Chỉ hỗ trợ địa chỉ http://", "Only http:// URLs are supported");
  url.remove_prefix(scheme.size());
  auto slash = url.find_first_of("/?#");
  std::string_view authority = url.substr(0, slash);
  if (slash != std::string_view::npos) {
    u.target = std::string(url.substr(slash));
    if (u.target.front() != '/') u.target.insert(u.target.begin(), '/');
    if (auto h = u.target.find('#'); h != std::string::npos) u.target.resize(h);
  }
  if (authority.find('@') != std::string_view::npos || authority.empty())
    return error(errc::invalid_argument, "/url", "Địa chỉ không hợp lệ", "Invalid URL authority");
  auto colon = authority.rfind(':');
  if (colon != std::string_view::npos && authority.find(']') == std::string_view::npos) {
    unsigned p = 0;
    auto pv = authority.substr(colon + 1);
    auto r = std::from_chars(pv.data(), pv.data() + pv.size(), p);
    if (r.ec != std::errc{} || r.ptr != pv.data() + pv.size() || p == 0 || p > 65535)
      return error(errc::invalid_argument, "/url", "Cổng không hợp lệ", "Invalid port");
    u.port = static_cast<std::uint16_t>(p);
    authority = authority.substr(0, colon);
  }
  u.host = std::string(authority);
  return u;
}

struct client::impl {
  impl(std::string host, std::uint16_t port, client_options opt)
      : host_(std::move(host)), port_(port), opt_(std::move(opt)) {}

  std::string host_header() const { return port_ == 80 ? host_ : host_ + ":" + std::to_string(port_); }

  result<void> connect() {
    boost::asio::ip::tcp::resolver resolver(ioc_);
    boost::system::error_code ec;
    auto eps = resolver.resolve(host_, std::to_string(port_), ec);
    if (ec) return error(errc::io_error, {}, "Không phân giải được tên máy", "Cannot resolve host: " + ec.message());
    stream_.emplace(ioc_);
    stream_->expires_after(opt_.timeout);
    stream_->connect(eps, ec);
    if (ec) {
      stream_.reset();
      return error(errc::io_error, {}, "Không kết nối được: " + ec.message(), "Cannot connect: " + ec.message());
    }
    ++connects_;
    return {};
  }

  // tcp_stream timeouts apply to async operations only, so read asynchronously and run the loop.
  void read_with_timeout(bhttp::response_parser<bhttp::string_body>& parser, boost::system::error_code& ec) {
    stream_->expires_after(opt_.timeout);
    bool done = false;
    bhttp::async_read(*stream_, buffer_, parser, [&](boost::system::error_code e, std::size_t) {
      ec = e;
      done = true;
    });
    ioc_.restart();
    ioc_.run();
    if (!done) ec = boost::asio::error::timed_out;
  }

  void close() {
    if (stream_) {
      boost::system::error_code ec;
      stream_->socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
      stream_->close();
      stream_.reset();
    }
    buffer_.clear();
  }

  std::string host_;
  std::uint16_t port_;
  client_options opt_;
  boost::asio::io_context ioc_;
  std::optional<boost::beast::tcp_stream> stream_;
  boost::beast::flat_buffer buffer_;
  std::size_t connects_ = 0;
};

PBGDPL_DECL client::client(std::string host, std::uint16_t port, client_options opt)
    : impl_(std::make_unique<impl>(std::move(host), port, std::move(opt))) {}
PBGDPL_DECL client::client(client&&) noexcept = default;
PBGDPL_DECL client& client::operator=(client&&) noexcept = default;
PBGDPL_DECL client::~client() = default;

PBGDPL_DECL result<client_response> client::request(verb method, std::string_view target, std::string_view body,
                                                     const std::vector<std::pair<std::string, std::string>>& headers) {
  auto& c = *impl_;
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool reused = c.stream_.has_value();
    if (!c.stream_) {
      if (auto r = c.connect(); !r) return r.err();
    }
    beast_request req{method, boost::beast::string_view(target.data(), target.size()), 11};
    req.set(bhttp::field::host, c.host_header());
    req.set(bhttp::field::user_agent, c.opt_.user_agent);
    for (const auto& [k, v] : headers) req.set(k, v);
    if (!body.empty() || method == verb::post || method == verb::put || method == verb::patch) {
      req.body() = std::string(body);
      req.prepare_payload();
    }
    boost::system::error_code ec;
    c.stream_->expires_after(c.opt_.timeout);
    bhttp::write(*c.stream_, req, ec);
    if (!ec) {
      bhttp::response_parser<bhttp::string_body> parser;
      parser.body_limit(c.opt_.max_body_bytes);
      parser.skip(method == verb::head);
      c.read_with_timeout(parser, ec);
      if (!ec) {
        auto msg = parser.release();
        client_response out;
        out.status = msg.result_int();
        for (const auto& f : msg) {
          auto n = f.name_string();
          auto v = f.value();
          out.headers.emplace_back(std::string(n.data(), n.size()), std::string(v.data(), v.size()));
        }
        out.keep_alive = msg.keep_alive();
        out.body = std::move(msg.body());
        if (!out.keep_alive) c.close();
        return out;
      }
    }
    c.close();
    // A kept-alive connection the server closed is retried once on a fresh one.
    if (!reused || (ec != bhttp::error::end_of_stream && ec != boost::asio::error::eof &&
                    ec != boost::asio::error::connection_reset && ec != boost::asio::error::broken_pipe))
      return error(errc::io_error, {}, "Lỗi kết nối HTTP: " + ec.message(), "HTTP connection error: " + ec.message());
  }
  return error(errc::io_error);
}

PBGDPL_DECL void client::close() {
  if (impl_) impl_->close();
}
PBGDPL_DECL bool client::connected() const noexcept { return impl_ && impl_->stream_.has_value(); }
PBGDPL_DECL std::size_t client::connections_opened() const noexcept { return impl_ ? impl_->connects_ : 0; }

PBGDPL_DECL result<client_response> fetch(std::string_view url, verb method, std::string_view body,
                                          const std::vector<std::pair<std::string, std::string>>& headers,
                                          client_options opt) {
  auto u = parse_url(url);
  if (!u) return u.err();
  client c(u->host, u->port, std::move(opt));
  return c.request(method, u->target, body, headers);
}

PBGDPL_DECL result<raw_exchange> send_raw(std::string_view host, std::uint16_t port, std::string_view bytes,
                                          std::chrono::milliseconds timeout, std::size_t max_bytes) {
  namespace asio = boost::asio;
  asio::io_context ioc;
  boost::beast::tcp_stream s(ioc);
  boost::system::error_code ec;
  auto t0 = std::chrono::steady_clock::now();
  s.expires_after(timeout);
  s.socket().connect({asio::ip::make_address(std::string(host), ec), port}, ec);
  if (ec) return error(errc::io_error, {}, "Không kết nối được", "Cannot connect: " + ec.message());
  raw_exchange out;
  if (!bytes.empty()) asio::write(s.socket(), asio::buffer(bytes.data(), bytes.size()), ec);
  // The server may answer and close before everything was written; still read its answer.
  std::array<char, 8192> buf;
  std::function<void()> read_more = [&] {
    s.async_read_some(asio::buffer(buf), [&](boost::system::error_code e, std::size_t n) {
      out.received.append(buf.data(), n);
      if (e) {
        out.closed_by_server = e != asio::error::operation_aborted && e != boost::beast::error::timeout;
        return;
      }
      if (out.received.size() < max_bytes) read_more();
    });
  };
  s.expires_after(timeout);
  read_more();
  ioc.run();
  out.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  return out;
}

}  // namespace http
PBGDPL_NAMESPACE_END
