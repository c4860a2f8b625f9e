// Bodies of http/address.hpp (address parsing, CIDR lists, the forwarded client address):
// compiled once into the http tier (src/http/address.cpp), or included by the header in
// header-only builds.
#pragma once
#include "../address.hpp"

#include <algorithm>
#include <charconv>

PBGDPL_NAMESPACE_BEGIN
namespace http {

PBGDPL_DECL std::string_view detail::trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

PBGDPL_DECL std::optional<boost::asio::ip::address> parse_address(std::string_view s) {
  s = detail::trim_ows(s);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  if (s.empty() || s.size() > 64) return std::nullopt;
  if (s.front() == '[') {
    auto close = s.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    s = s.substr(1, close - 1);
  } else if (auto colon = s.find(':'); colon != std::string_view::npos && s.find(':', colon + 1) == std::string_view::npos) {
    s = s.substr(0, colon);  // IPv4 with a port
  }
  boost::system::error_code ec;
  auto a = boost::asio::ip::make_address(std::string(s), ec);
  if (ec) return std::nullopt;
  if (a.is_v6()) {
    auto v6 = a.to_v6();
    if (v6.is_v4_mapped()) return boost::asio::ip::address(boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6));
    if (v6.scope_id() != 0) v6.scope_id(0);
    return boost::asio::ip::address(v6);
  }
  return a;
}

PBGDPL_DECL std::string address_key(std::string_view addr, unsigned ipv6_prefix_bits) {
  auto a = parse_address(addr);
  if (!a) return std::string(addr);
  if (a->is_v4() || ipv6_prefix_bits >= 128) return a->to_string();
  auto bytes = a->to_v6().to_bytes();
  for (unsigned i = 0; i < 16; ++i) {
    unsigned keep = ipv6_prefix_bits > i * 8 ? std::min(8u, ipv6_prefix_bits - i * 8) : 0;
    bytes[i] = static_cast<unsigned char>(bytes[i] & static_cast<unsigned char>(0xff00u >> keep));
  }
  return boost::asio::ip::address_v6(bytes).to_string() + "/" + std::to_string(ipv6_prefix_bits);
}

PBGDPL_DECL bool address_list::add(std::string_view entry) {
  entry = detail::trim_ows(entry);
  unsigned bits = 0;
  bool has_prefix = false;
  if (auto slash = entry.find('/'); slash != std::string_view::npos) {
    auto n = entry.substr(slash + 1);
    auto r = std::from_chars(n.data(), n.data() + n.size(), bits);
    if (r.ec != std::errc{} || r.ptr != n.data() + n.size()) return reject(entry);
    entry = entry.substr(0, slash);
    has_prefix = true;
  }
  auto a = parse_address(entry);
  if (!a) return reject(entry);
  network n;
  n.v4 = a->is_v4();
  if (!has_prefix) bits = n.v4 ? 32 : 128;
  if (bits > (n.v4 ? 32u : 128u)) return reject(entry);
  n.bits = bits;
  n.bytes = bytes_of(*a);
  nets_.push_back(n);
  return true;
}

PBGDPL_DECL bool address_list::contains(const boost::asio::ip::address& a) const {
  if (nets_.empty()) return false;
  auto b = bytes_of(a);
  bool v4 = a.is_v4();
  for (const auto& n : nets_) {
    if (n.v4 != v4) continue;
    unsigned full = n.bits / 8, rest = n.bits % 8;
    if (!std::equal(b.begin(), b.begin() + full, n.bytes.begin())) continue;
    if (rest) {
      auto mask = static_cast<unsigned char>(0xff00u >> rest);
      if ((b[full] & mask) != (n.bytes[full] & mask)) continue;
    }
    return true;
  }
  return false;
}

PBGDPL_DECL bool address_list::contains(std::string_view addr) const {
  if (nets_.empty()) return false;
  auto a = parse_address(addr);
  return a && contains(*a);
}

PBGDPL_DECL std::array<unsigned char, 16> address_list::bytes_of(const boost::asio::ip::address& a) {
  std::array<unsigned char, 16> out{};
  if (a.is_v4()) {
    auto b = a.to_v4().to_bytes();
    std::copy(b.begin(), b.end(), out.begin());
  } else {
    out = a.to_v6().to_bytes();
  }
  return out;
}

PBGDPL_DECL std::string client_address(const request& req, const std::vector<std::string>& trusted_proxies) {
  return address_list(trusted_proxies).client_address(req);
}

PBGDPL_DECL std::string address_list::client_address(const request& req) const {
  auto peer = parse_address(req.remote_address);
  std::string peer_text = peer ? peer->to_string() : req.remote_address;
  if (!peer || !contains(*peer)) return peer_text;
  std::vector<std::string_view> entries;
  const auto& msg = req.message();
  auto range = msg.equal_range(boost::beast::string_view("X-Forwarded-For"));
  for (auto it = range.first; it != range.second; ++it) {
    std::string_view v(it->value().data(), it->value().size());
    while (true) {
      auto comma = v.find(',');
      auto item = detail::trim_ows(v.substr(0, comma));
      if (!item.empty()) entries.push_back(item);
      if (comma == std::string_view::npos) break;
      v.remove_prefix(comma + 1);
    }
  }
  std::optional<boost::asio::ip::address> last;
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    auto a = parse_address(*it);
    if (!a) return last ? last->to_string() : peer_text;  // garbage: nothing left of it is believed
    if (!contains(*a)) return a->to_string();
    last = a;
  }
  return last ? last->to_string() : peer_text;
}

}  // namespace http
PBGDPL_NAMESPACE_END
