// Bodies of network/fetch.hpp: compiled once into the network tier (src/network/fetch.cpp), or
// included by the header in header-only builds.
//
// Every asynchronous step runs on the call's own io_context until a single deadline; when the
// deadline passes the socket is closed, which completes the pending handler with an error, so a
// site that accepts and then says nothing costs `timeout` and no more.
#pragma once
#include "../fetch.hpp"

#include "../../http/message.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <openssl/ssl.h>

#include <algorithm>
#include <optional>
#include <set>

PBGDPL_NAMESPACE_BEGIN
namespace network {

PBGDPL_DECL std::string_view fetch_failure_name(fetch_failure f) noexcept {
  switch (f) {
    case fetch_failure::none: return "none";
    case fetch_failure::bad_url: return "bad_url";
    case fetch_failure::resolve: return "resolve";
    case fetch_failure::forbidden_address: return "forbidden_address";
    case fetch_failure::connect: return "connect";
    case fetch_failure::tls: return "tls";
    case fetch_failure::timeout: return "timeout";
    case fetch_failure::too_large: return "too_large";
    case fetch_failure::too_many_redirects: return "too_many_redirects";
    case fetch_failure::redirect_loop: return "redirect_loop";
    case fetch_failure::protocol: return "protocol";
  }
  return "unknown";
}

PBGDPL_DECL std::string_view fetch_response::header(std::string_view name) const noexcept {
  for (const auto& [k, v] : headers)
    if (http::iequals(k, name)) return v;
  return {};
}

PBGDPL_DECL bool is_private_address(std::string_view ip) noexcept {
  boost::system::error_code ec;
  auto a = boost::asio::ip::make_address(std::string(ip), ec);
  if (ec) return true;  // not an address we understand: treat as not public
  auto v4_private = [](boost::asio::ip::address_v4 v) {
    auto b = v.to_bytes();
    return b[0] == 0 || b[0] == 10 || b[0] == 127 || (b[0] == 169 && b[1] == 254) ||
           (b[0] == 172 && (b[1] & 0xf0) == 16) || (b[0] == 192 && b[1] == 168) ||
           (b[0] == 100 && (b[1] & 0xc0) == 64) ||                            // carrier-grade NAT
           (b[0] == 192 && b[1] == 0 && (b[2] == 0 || b[2] == 2)) ||          // IETF, TEST-NET-1
           (b[0] == 198 && (b[1] & 0xfe) == 18) ||                            // benchmarking
           (b[0] == 198 && b[1] == 51 && b[2] == 100) || (b[0] == 203 && b[1] == 0 && b[2] == 113) ||
           b[0] >= 224;                                                       // multicast, reserved
  };
  if (a.is_v4()) return v4_private(a.to_v4());
  auto v6 = a.to_v6();
  if (v6.is_v4_mapped()) return v4_private(boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6));
  auto b = v6.to_bytes();
  // An IPv4 address inside an IPv6 one: IPv4-compatible ::a.b.c.d (deprecated) and the NAT64
  // prefix 64:ff9b::/96 reach the embedded IPv4 address; judge that one.
  auto embedded_v4 = [&] {
    return boost::asio::ip::address_v4(boost::asio::ip::address_v4::bytes_type{b[12], b[13], b[14], b[15]});
  };
  bool zeros96 = std::all_of(b.begin(), b.begin() + 12, [](unsigned char c) { return c == 0; });
  bool nat64 = b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b &&
               std::all_of(b.begin() + 4, b.begin() + 12, [](unsigned char c) { return c == 0; });
  if ((zeros96 && !v6.is_loopback() && !v6.is_unspecified()) || nat64) return v4_private(embedded_v4());
  return v6.is_loopback() || v6.is_unspecified() || v6.is_link_local() || v6.is_multicast() ||
         (b[0] & 0xfe) == 0xfc ||                                         // unique local fc00::/7
         (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8);  // documentation
}

namespace fetch_detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using clock = std::chrono::steady_clock;

struct attempt {
  fetch_failure failure = fetch_failure::none;
  std::string vi, en;
  unsigned status = 0;
  header_list headers;
  std::string body;
  bool truncated = false;
};

inline attempt failed(fetch_failure f, std::string vi, std::string en) {
  attempt a;
  a.failure = f;
  a.vi = std::move(vi);
  a.en = std::move(en);
  return a;
}

// Runs the loop until `done` or the deadline; on the deadline, `cancel` closes what is pending
// and the loop runs until the aborted handlers have finished. True when it finished in time.
template <class Cancel>
bool run_until(asio::io_context& ioc, const bool& done, clock::time_point deadline, Cancel cancel) {
  ioc.restart();
  while (!done) {
    auto now = clock::now();
    if (now >= deadline) break;
    if (ioc.run_one_for(deadline - now) == 0 && ioc.stopped()) break;
  }
  if (done) return true;
  cancel();
  ioc.restart();
  ioc.run();
  return false;
}

inline std::string timeout_vi() { return "Quá thời gian chờ phản hồi"; }
inline std::string timeout_en() { return "Timed out waiting for the site"; }

template <class Stream>
attempt exchange(asio::io_context& ioc, Stream& stream, const url& u, std::string_view method, std::string_view body,
                 const header_list& headers, const fetch_options& opt, clock::time_point deadline,
                 const std::function<void()>& cancel) {
  http::bhttp::request<http::bhttp::string_body> req;
  req.method_string(boost::beast::string_view(method.data(), method.size()));
  auto target = u.target();
  req.target(target);
  req.version(11);
  req.set(http::bhttp::field::host, u.authority());
  req.set(http::bhttp::field::user_agent, opt.user_agent);
  req.set(http::bhttp::field::connection, "close");
  for (const auto& [k, v] : headers) req.set(k, v);
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    req.body() = std::string(body);
    req.prepare_payload();
  }
  bool done = false;
  boost::system::error_code ec;
  http::bhttp::async_write(stream, req, [&](boost::system::error_code e, std::size_t) {
    ec = e;
    done = true;
  });
  if (!run_until(ioc, done, deadline, cancel)) return failed(fetch_failure::timeout, timeout_vi(), timeout_en());
  if (ec) return failed(fetch_failure::connect, "Không gửi được yêu cầu: " + ec.message(), "Cannot send the request: " + ec.message());

  http::bhttp::response_parser<http::bhttp::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(opt.max_header_bytes, 1u << 20)));
  parser.body_limit(boost::none);  // checked below, so an over-long body can be kept truncated
  parser.skip(method == "HEAD");
  beast::flat_buffer buffer;
  attempt out;
  while (!parser.is_done()) {
    done = false;
    http::bhttp::async_read_some(stream, buffer, parser, [&](boost::system::error_code e, std::size_t) {
      ec = e;
      done = true;
    });
    if (!run_until(ioc, done, deadline, cancel)) return failed(fetch_failure::timeout, timeout_vi(), timeout_en());
    if (parser.is_header_done() && parser.get().body().size() > opt.max_body_bytes) {
      if (!opt.keep_truncated)
        return failed(fetch_failure::too_large, "Trang quá lớn (hơn " + std::to_string(opt.max_body_bytes) + " byte)",
                      "Response larger than " + std::to_string(opt.max_body_bytes) + " bytes");
      out.truncated = true;
      break;
    }
    if (ec == http::bhttp::error::header_limit)
      return failed(fetch_failure::too_large, "Phần đầu phản hồi quá lớn", "Response headers too large");
    // A body that ends with the connection (no length, no chunks) ends with EOF.
    if (ec == http::bhttp::error::end_of_stream || ec == asio::error::eof || ec == asio::ssl::error::stream_truncated) {
      if (parser.is_header_done()) break;
      return failed(fetch_failure::protocol, "Máy chủ đóng kết nối trước khi trả lời", "The server closed the connection without an answer");
    }
    if (ec) return failed(fetch_failure::protocol, "Phản hồi HTTP không hợp lệ: " + ec.message(), "Malformed HTTP response: " + ec.message());
  }
  auto& msg = parser.get();
  out.status = msg.result_int();
  for (const auto& f : msg) {
    auto n = f.name_string();
    auto v = f.value();
    out.headers.emplace_back(std::string(n.data(), n.size()), std::string(v.data(), v.size()));
  }
  out.body = std::move(msg.body());
  if (out.body.size() > opt.max_body_bytes) {
    out.body.resize(opt.max_body_bytes);
    out.truncated = true;
  }
  return out;
}

// Where to connect for `u`: the connect_to override, else the URL's own host and port.
inline std::pair<std::string, std::string> connect_target(const url& u, const fetch_options& opt) {
  for (const auto& [host, to] : opt.connect_to) {
    if (!http::iequals(host, u.host)) continue;
    std::string h = to, p = std::to_string(u.port);
    if (!to.empty() && to.front() == '[') {  // "[::1]:8080"
      auto close = to.find(']');
      h = to.substr(1, close == std::string::npos ? std::string::npos : close - 1);
      if (close != std::string::npos && close + 1 < to.size() && to[close + 1] == ':') p = to.substr(close + 2);
    } else if (auto colon = to.rfind(':'); colon != std::string::npos) {
      h = to.substr(0, colon);
      p = to.substr(colon + 1);
    }
    return {h, p};
  }
  return {u.host, std::to_string(u.port)};
}

inline attempt request_once(const url& u, std::string_view method, std::string_view body, const header_list& headers,
                            const fetch_options& opt, clock::time_point deadline) {
  asio::io_context ioc;
  auto [host, port] = connect_target(u, opt);

  // 1. Resolve, then keep only the addresses we may reach.
  tcp::resolver resolver(ioc);
  tcp::resolver::results_type found;
  boost::system::error_code ec;
  bool done = false;
  resolver.async_resolve(host, port, [&](boost::system::error_code e, tcp::resolver::results_type r) {
    ec = e;
    found = std::move(r);
    done = true;
  });
  if (!run_until(ioc, done, deadline, [&] { resolver.cancel(); }))
    return failed(fetch_failure::timeout, timeout_vi(), timeout_en());
  if (ec || found.empty())
    return failed(fetch_failure::resolve, "Không tìm thấy tên máy " + u.host, "Cannot resolve " + u.host + (ec ? ": " + ec.message() : ""));
  std::vector<tcp::endpoint> endpoints;
  for (const auto& e : found)
    if (opt.allow_private_addresses || !is_private_address(e.endpoint().address().to_string()))
      endpoints.push_back(e.endpoint());
  if (endpoints.empty())
    return failed(fetch_failure::forbidden_address,
                  "Địa chỉ " + u.host + " trỏ vào mạng nội bộ hoặc máy này; không được phép truy cập",
                  u.host + " resolves to a loopback or private address, which is not allowed");

  // 2. Connect.
  beast::tcp_stream tcp_stream(ioc);
  done = false;
  tcp_stream.async_connect(endpoints, [&](boost::system::error_code e, const tcp::endpoint&) {
    ec = e;
    done = true;
  });
  auto close_tcp = [&] {
    boost::system::error_code ignored;
    tcp_stream.socket().close(ignored);
  };
  if (!run_until(ioc, done, deadline, close_tcp)) return failed(fetch_failure::timeout, timeout_vi(), timeout_en());
  if (ec) return failed(fetch_failure::connect, "Không kết nối được tới " + u.authority() + ": " + ec.message(),
                        "Cannot connect to " + u.authority() + ": " + ec.message());

  if (!u.https()) return exchange(ioc, tcp_stream, u, method, body, headers, opt, deadline, close_tcp);

  // 3. TLS: the system's CAs (plus an extra file), the peer checked against the URL's host name.
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 |
                  asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
  ctx.set_default_verify_paths(ec);
  if (!opt.extra_ca_file.empty()) {
    ctx.load_verify_file(opt.extra_ca_file, ec);
    if (ec) return failed(fetch_failure::tls, "Không đọc được tệp chứng thư gốc " + opt.extra_ca_file, "Cannot read CA file " + opt.extra_ca_file + ": " + ec.message());
  }
  ctx.set_verify_mode(opt.verify_tls ? asio::ssl::verify_peer : asio::ssl::verify_none);
  beast::ssl_stream<beast::tcp_stream&> tls(tcp_stream, ctx);
  if (opt.verify_tls) tls.set_verify_callback(asio::ssl::host_name_verification(u.host));
  // SNI: name-based TLS hosting picks the certificate by it (not for IP literals).
  boost::system::error_code not_ip;
  asio::ip::make_address(u.host, not_ip);
  if (not_ip) SSL_set_tlsext_host_name(tls.native_handle(), u.host.c_str());
  done = false;
  tls.async_handshake(asio::ssl::stream_base::client, [&](boost::system::error_code e) {
    ec = e;
    done = true;
  });
  if (!run_until(ioc, done, deadline, close_tcp)) return failed(fetch_failure::timeout, timeout_vi(), timeout_en());
  if (ec) return failed(fetch_failure::tls, "Lỗi TLS với " + u.host + " (chứng thư không hợp lệ?): " + ec.message(),
                        "TLS handshake with " + u.host + " failed: " + ec.message());
  return exchange(ioc, tls, u, method, body, headers, opt, deadline, close_tcp);
}

inline bool is_redirect(unsigned s) noexcept { return s == 301 || s == 302 || s == 303 || s == 307 || s == 308; }

}  // namespace fetch_detail

PBGDPL_DECL fetch_response fetch(std::string_view u, const header_list& headers, const fetch_options& opt,
                                 std::string_view method, std::string_view body) {
  using namespace fetch_detail;
  auto t0 = clock::now();
  auto deadline = t0 + opt.timeout;
  fetch_response out;
  out.url = std::string(u);
  auto finish = [&](attempt a) {
    out.failure = a.failure;
    out.error_vi = std::move(a.vi);
    out.error_en = std::move(a.en);
    out.status = a.status;
    out.headers = std::move(a.headers);
    out.body = std::move(a.body);
    out.truncated = a.truncated;
    out.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - t0);
    return out;
  };
  auto parsed = parse_url(u);
  if (!parsed) return finish(failed(fetch_failure::bad_url, parsed.err().message_vi, parsed.err().message_en));
  url current = *parsed;
  out.url = current.str();
  std::set<std::string> seen{out.url};
  std::string m(method);
  std::string b(body);
  header_list hs = headers;
  for (int hop = 0;; ++hop) {
    auto a = request_once(current, m, b, hs, opt, deadline);
    bool follow = a.failure == fetch_failure::none && is_redirect(a.status) && (m == "GET" || m == "HEAD");
    if (!follow) return finish(std::move(a));
    std::string location;
    for (const auto& [k, v] : a.headers)
      if (http::iequals(k, "location")) location = v;
    auto next = location.empty() ? std::nullopt : resolve(current, location);
    if (!next) return finish(std::move(a));  // a redirect without a usable Location: returned as is
    out.redirects.push_back(current.str());
    if (hop + 1 > opt.max_redirects)
      return finish(failed(fetch_failure::too_many_redirects, "Quá nhiều lần chuyển hướng (hơn " + std::to_string(opt.max_redirects) + ")",
                           "Too many redirects (more than " + std::to_string(opt.max_redirects) + ")"));
    auto next_str = next->str();
    if (!seen.insert(next_str).second)
      return finish(failed(fetch_failure::redirect_loop, "Chuyển hướng vòng lặp tại " + next_str, "Redirect loop at " + next_str));
    // Credentials never follow a redirect to another host.
    if (next->host != current.host)
      hs.erase(std::remove_if(hs.begin(), hs.end(), [](const auto& h) { return http::iequals(h.first, "authorization") || http::iequals(h.first, "cookie"); }),
               hs.end());
    current = *next;
    out.url = next_str;
  }
}

}  // namespace network
PBGDPL_NAMESPACE_END
