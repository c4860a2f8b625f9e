#include <pbgdpl/network/fetch.hpp>
#include <pbgdpl/network/url.hpp>

#include <doctest/doctest.h>

#include "script_server.hpp"

#include <unistd.h>

using namespace pbgdpl;
using namespace std::chrono_literals;
using test_net::reply;
using test_net::response;
using test_net::script_server;

namespace {

network::fetch_options loopback() {
  network::fetch_options o;
  o.allow_private_addresses = true;
  o.timeout = 5s;
  return o;
}

std::string path_of(const std::string& head) {
  auto sp = head.find(' ');
  return head.substr(sp + 1, head.find(' ', sp + 1) - sp - 1);
}

std::string header_of(const std::string& head, std::string name) {
  auto lower = [](std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  auto h = lower(head);
  auto p = h.find("\r\n" + lower(name) + ":");
  if (p == std::string::npos) return {};
  p += name.size() + 3;
  while (head[p] == ' ') ++p;
  return head.substr(p, head.find("\r\n", p) - p);
}

}  // namespace

TEST_CASE("URLs parse with their scheme, host, port and path normalised") {
  auto u = network::parse_url("HTTPS://Www.Example.EDU.vn:443/a/./b/../c?x=1#frag").value();
  CHECK(u.scheme == "https");
  CHECK(u.host == "www.example.edu.vn");
  CHECK(u.port == 443);
  CHECK(u.path == "/a/c");
  CHECK(u.query == "x=1");
  CHECK(u.str() == "https://www.example.edu.vn/a/c?x=1");
  CHECK(network::parse_url("http://[::1]:8080/x").value().authority() == "[::1]:8080");
  CHECK(network::parse_url("http://h").value().path == "/");
  CHECK_FALSE(network::parse_url("ftp://h/x"));
  CHECK_FALSE(network::parse_url("http://user@evil/x"));
  CHECK_FALSE(network::parse_url("http://h:99999/"));
  CHECK_FALSE(network::parse_url("http:///x"));
  CHECK_FALSE(network::parse_url("http://h/a b"));
}

TEST_CASE("links resolve against the page they are on as RFC 3986 says") {
  auto base = network::parse_url("http://a.edu.vn/b/c/d;p?q").value();
  auto r = [&](std::string_view ref) {
    auto u = network::resolve(base, ref);
    return u ? u->str() : std::string("none");
  };
  // RFC 3986 section 5.4.1 normal examples (fragments dropped: we never fetch them).
  CHECK(r("g") == "http://a.edu.vn/b/c/g");
  CHECK(r("./g") == "http://a.edu.vn/b/c/g");
  CHECK(r("g/") == "http://a.edu.vn/b/c/g/");
  CHECK(r("/g") == "http://a.edu.vn/g");
  CHECK(r("//g") == "http://g/");
  CHECK(r("?y") == "http://a.edu.vn/b/c/d;p?y");
  CHECK(r("g?y") == "http://a.edu.vn/b/c/g?y");
  CHECK(r("#s") == "http://a.edu.vn/b/c/d;p?q");
  CHECK(r("") == "http://a.edu.vn/b/c/d;p?q");
  CHECK(r(".") == "http://a.edu.vn/b/c/");
  CHECK(r("..") == "http://a.edu.vn/b/");
  CHECK(r("../g") == "http://a.edu.vn/b/g");
  CHECK(r("../..") == "http://a.edu.vn/");
  CHECK(r("../../../g") == "http://a.edu.vn/g");
  CHECK(r("  /pho-bien-phap-luat/c/12  ") == "http://a.edu.vn/pho-bien-phap-luat/c/12");
  CHECK(r("/tin tuc/a") == "http://a.edu.vn/tin%20tuc/a");
  CHECK(r("https://pbgdpl.hanoi.gov.vn") == "https://pbgdpl.hanoi.gov.vn/");
  CHECK(r("javascript:alert(1)") == "none");
  CHECK(r("mailto:a@b.vn") == "none");
  CHECK(r("data:text/html,x") == "none");
}

TEST_CASE("host_within matches a domain and its subdomains only") {
  CHECK(network::host_within("pbgdpl.hanoi.gov.vn", "pbgdpl.hanoi.gov.vn"));
  CHECK(network::host_within("www.pbgdpl.hanoi.gov.vn", "pbgdpl.hanoi.gov.vn"));
  CHECK(network::host_within("PBGDPL.Hanoi.gov.vn", "pbgdpl.hanoi.gov.vn"));
  CHECK(network::host_within("a.pbgdpl.hanoi.gov.vn", "pbgdpl.hanoi.gov.vn"));
  CHECK_FALSE(network::host_within("pbgdpl.hanoi.gov.vn.evil.example", "pbgdpl.hanoi.gov.vn"));
  CHECK_FALSE(network::host_within("xpbgdpl.hanoi.gov.vn", "pbgdpl.hanoi.gov.vn"));
  CHECK_FALSE(network::host_within("hanoi.gov.vn", "pbgdpl.hanoi.gov.vn"));
}

TEST_CASE("private and loopback addresses are recognised, public ones are not") {
  for (auto a : {"127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254", "0.0.0.0",
                 "100.64.0.1", "::1", "::", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "224.0.0.1", "not an address",
                 "::127.0.0.1", "::10.0.0.1", "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe"})
    CHECK_MESSAGE(network::is_private_address(a), a);
  for (auto a : {"8.8.8.8", "172.32.0.1", "1.1.1.1", "2001:4860::8888", "::ffff:8.8.8.8", "64:ff9b::808:808"})
    CHECK_MESSAGE(!network::is_private_address(a), a);
}

TEST_CASE("a fetch gets the body, status and headers over a real socket") {
  script_server srv([](const std::string& head) {
    if (path_of(head) == "/feed") return reply{response(200, "<feed/>", "Content-Type: application/atom+xml\r\nETag: \"v2\"\r\n")};
    return reply{response(404, "no")};
  });
  auto r = network::fetch(srv.base() + "/feed", {{"If-None-Match", "\"v1\""}}, loopback());
  REQUIRE(r.ok());
  CHECK(r.status == 200);
  CHECK(r.body == "<feed/>");
  CHECK(r.header("etag") == "\"v2\"");
  CHECK(header_of(srv.heads().at(0), "If-None-Match") == "\"v1\"");
  CHECK(header_of(srv.heads().at(0), "Host") == "127.0.0.1:" + std::to_string(srv.port()));
  CHECK(network::fetch(srv.base() + "/x", {}, loopback()).status == 404);
}

TEST_CASE("loopback and private addresses are refused unless the caller allows them") {
  script_server srv([](const std::string&) { return reply{response(200, "secret")}; });
  auto r = network::fetch(srv.base() + "/", {}, network::fetch_options{});
  CHECK(r.failure == network::fetch_failure::forbidden_address);
  CHECK(r.body.empty());
  CHECK(srv.heads().empty());
  CHECK_FALSE(r.error_vi.empty());
  // A public site that redirects to loopback is refused at the hop, too.
  network::fetch_options o;
  o.connect_to = {{"public.example", "127.0.0.1:" + std::to_string(srv.port())}};
  CHECK(network::fetch("http://public.example/", {}, o).failure == network::fetch_failure::forbidden_address);
}

TEST_CASE("redirects are followed, counted, and loops and chains stopped") {
  script_server srv([](const std::string& head) {
    auto p = path_of(head);
    if (p == "/a") return reply{response(301, "", "Location: /b\r\n")};
    if (p == "/b") return reply{response(302, "", "Location: c?x=1\r\n")};
    if (p == "/c?x=1") return reply{response(200, "done")};
    if (p == "/loop1") return reply{response(302, "", "Location: /loop2\r\n")};
    if (p == "/loop2") return reply{response(302, "", "Location: /loop1\r\n")};
    if (p.rfind("/chain", 0) == 0) return reply{response(302, "", "Location: /chain" + std::to_string(std::stoi(p.substr(6)) + 1) + "\r\n")};
    return reply{response(404, "")};
  });
  auto r = network::fetch(srv.base() + "/a", {}, loopback());
  REQUIRE(r.ok());
  CHECK(r.body == "done");
  CHECK(r.url == srv.base() + "/c?x=1");
  CHECK(r.redirects == std::vector<std::string>{srv.base() + "/a", srv.base() + "/b"});
  CHECK(network::fetch(srv.base() + "/loop1", {}, loopback()).failure == network::fetch_failure::redirect_loop);
  auto chain = network::fetch(srv.base() + "/chain0", {}, loopback());
  CHECK(chain.failure == network::fetch_failure::too_many_redirects);
  CHECK(chain.redirects.size() == 6);
}

TEST_CASE("a site that never answers costs the timeout and no more") {
  script_server srv([](const std::string&) { return reply{"", 0ms, true}; });
  auto o = loopback();
  o.timeout = 400ms;
  auto t0 = std::chrono::steady_clock::now();
  auto r = network::fetch(srv.base() + "/", {}, o);
  auto took = std::chrono::steady_clock::now() - t0;
  CHECK(r.failure == network::fetch_failure::timeout);
  CHECK(took >= 390ms);
  CHECK(took < 2s);
}

TEST_CASE("bodies over the limit fail, or are kept truncated when asked") {
  std::string big(300'000, 'x');
  script_server srv([&](const std::string& head) {
    if (path_of(head) == "/chunked")
      return reply{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n" +
                   [&] {
                     std::string s;
                     for (int i = 0; i < 100; ++i) s += "1000\r\n" + std::string(4096, 'y') + "\r\n";
                     return s + "0\r\n\r\n";
                   }()};
    if (path_of(head) == "/eof") return reply{"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + big};
    return reply{response(200, big)};
  });
  auto o = loopback();
  o.max_body_bytes = 100'000;
  CHECK(network::fetch(srv.base() + "/", {}, o).failure == network::fetch_failure::too_large);
  CHECK(network::fetch(srv.base() + "/chunked", {}, o).failure == network::fetch_failure::too_large);
  o.keep_truncated = true;
  for (auto p : {"/", "/chunked", "/eof"}) {
    auto r = network::fetch(srv.base() + p, {}, o);
    CHECK_MESSAGE(r.ok(), p);
    CHECK(r.truncated);
    CHECK(r.body.size() == 100'000);
  }
  // A body that ends with the connection is read whole when it fits.
  o.max_body_bytes = 1'000'000;
  auto whole = network::fetch(srv.base() + "/eof", {}, o);
  CHECK(whole.ok());
  CHECK(whole.body.size() == big.size());
  CHECK_FALSE(whole.truncated);
}

TEST_CASE("garbage instead of HTTP is a protocol failure, not a crash") {
  script_server srv([](const std::string&) { return reply{"SSH-2.0-OpenSSH_9.2\r\n\r\n"}; });
  auto r = network::fetch(srv.base() + "/", {}, loopback());
  CHECK(r.failure == network::fetch_failure::protocol);
}

TEST_CASE("connect_to serves many host names from one port, each with its own Host header") {
  script_server srv([](const std::string& head) { return reply{response(200, header_of(head, "Host"))}; });
  auto o = loopback();
  auto to = "127.0.0.1:" + std::to_string(srv.port());
  o.connect_to = {{"thcs-a.hadong.edu.vn", to}, {"mn-b.hadong.edu.vn", to}};
  CHECK(network::fetch("http://thcs-a.hadong.edu.vn/", {}, o).body == "thcs-a.hadong.edu.vn");
  CHECK(network::fetch("http://mn-b.hadong.edu.vn/x", {}, o).body == "mn-b.hadong.edu.vn");
}

TEST_CASE("https: the certificate is checked against the CA and the host name") {
  auto dir = std::filesystem::temp_directory_path() / ("pbgdpl-tls-" + std::to_string(::getpid()));
  if (!test_net::make_certificate(dir)) {
    MESSAGE("the openssl tool is missing: TLS not tested");
    return;
  }
  script_server srv([](const std::string& head) { return reply{response(200, "over tls " + path_of(head))}; }, dir);
  auto url = "https://localhost:" + std::to_string(srv.port()) + "/feed";
  auto o = loopback();
  // Unknown CA: refused.
  auto untrusted = network::fetch(url, {}, o);
  CHECK(untrusted.failure == network::fetch_failure::tls);
  // Trusted CA, right name: fetched.
  o.extra_ca_file = (dir / "cert.pem").string();
  auto r = network::fetch(url, {}, o);
  CHECK_MESSAGE(r.ok(), r.error_en);
  CHECK(r.body == "over tls /feed");
  // Trusted CA, wrong name (the certificate is for localhost and 127.0.0.1, not this name).
  o.connect_to = {{"truong.edu.vn", "127.0.0.1:" + std::to_string(srv.port())}};
  CHECK(network::fetch("https://truong.edu.vn/feed", {}, o).failure == network::fetch_failure::tls);
  // Plain HTTP to the TLS port is not a crash either.
  CHECK_FALSE(network::fetch("http://127.0.0.1:" + std::to_string(srv.port()) + "/", {}, loopback()).ok());
  std::filesystem::remove_all(dir);
}
