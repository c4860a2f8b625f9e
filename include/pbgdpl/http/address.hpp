// Who a client is, for limits: peer addresses, trusted proxies (exact addresses and CIDR prefixes,
// IPv4 and IPv6) and the forwarded client address (the rightmost X-Forwarded-For entry that is
// not a trusted proxy), believed only when the peer itself is a trusted proxy.
#pragma once
#include "message.hpp"

#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace http {

namespace detail {
inline std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}
}  // namespace detail

// Parses an address as peers and proxies write it: "192.0.2.1", "2001:db8::1", "[2001:db8::1]",
// "[2001:db8::1]:443", "192.0.2.1:8080", or a quoted form of these. IPv4-mapped IPv6
// ("::ffff:192.0.2.1", what a dual-stack socket reports) becomes IPv4. nullopt for anything else.
inline std::optional<boost::asio::ip::address> parse_address(std::string_view s) {
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

// The key limits count a client under: its address, except that an IPv6 client is counted by
// its /64 (one subscriber's prefix, inside which addresses are free to rotate).
// "2001:db8:1:2::/64"; unparsable input is returned as it is.
inline std::string address_key(std::string_view addr, unsigned ipv6_prefix_bits = 64) {
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

// A set of addresses and networks ("127.0.0.1", "10.0.0.0/8", "::1", "2001:db8::/32"). Entries
// that do not parse are ignored (and reported by invalid()).
class address_list {
 public:
  address_list() = default;
  explicit address_list(const std::vector<std::string>& entries) {
    for (const auto& e : entries) add(e);
  }

  bool add(std::string_view entry) {
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

  bool contains(const boost::asio::ip::address& a) const {
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
  bool contains(std::string_view addr) const {
    if (nets_.empty()) return false;
    auto a = parse_address(addr);
    return a && contains(*a);
  }
  bool empty() const noexcept { return nets_.empty(); }
  // client_address() below, with this list as the trusted proxies (parsed once).
  std::string client_address(const request& req) const;
  const std::vector<std::string>& invalid() const noexcept { return invalid_; }

 private:
  struct network {
    std::array<unsigned char, 16> bytes{};
    unsigned bits = 0;
    bool v4 = true;
  };
  static std::array<unsigned char, 16> bytes_of(const boost::asio::ip::address& a) {
    std::array<unsigned char, 16> out{};
    if (a.is_v4()) {
      auto b = a.to_v4().to_bytes();
      std::copy(b.begin(), b.end(), out.begin());
    } else {
      out = a.to_v6().to_bytes();
    }
    return out;
  }
  bool reject(std::string_view entry) {
    invalid_.emplace_back(entry);
    return false;
  }
  std::vector<network> nets_;
  std::vector<std::string> invalid_;
};

// The address of the client behind a request. When the peer (request::remote_address) is a
// trusted proxy, the rightmost X-Forwarded-For entry that is not itself a trusted proxy (all
// X-Forwarded-For lines taken together, in order); entries left of it were written by the client
// and are never believed. Otherwise, and when the header is missing or the entry a trusted proxy
// appended does not parse, the peer address. Addresses come back normalised ("::ffff:a.b.c.d"
// as "a.b.c.d", no brackets or ports). `trusted_proxies`: exact addresses and CIDR prefixes.
inline std::string client_address(const request& req, const std::vector<std::string>& trusted_proxies) {
  return address_list(trusted_proxies).client_address(req);
}

inline std::string address_list::client_address(const request& req) const {
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
