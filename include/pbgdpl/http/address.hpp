// Who a client is, for limits: peer addresses, trusted proxies (exact addresses and CIDR prefixes,
// IPv4 and IPv6) and the forwarded client address (the rightmost X-Forwarded-For entry that is
// not a trusted proxy), believed only when the peer itself is a trusted proxy.
#pragma once
#include "message.hpp"

#include <boost/asio/ip/address.hpp>

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace http {

namespace detail {
// The value without the optional white space (SP, HTAB) around it.
PBGDPL_DECL std::string_view trim_ows(std::string_view s);
}  // namespace detail

// Parses an address as peers and proxies write it: "192.0.2.1", "2001:db8::1", "[2001:db8::1]",
// "[2001:db8::1]:443", "192.0.2.1:8080", or a quoted form of these. IPv4-mapped IPv6
// ("::ffff:192.0.2.1", what a dual-stack socket reports) becomes IPv4. nullopt for anything else.
PBGDPL_DECL std::optional<boost::asio::ip::address> parse_address(std::string_view s);

// The key limits count a client under: its address, except that an IPv6 client is counted by
// its /64 (one subscriber's prefix, inside which addresses are free to rotate).
// "2001:db8:1:2::/64"; unparsable input is returned as it is.
PBGDPL_DECL std::string address_key(std::string_view addr, unsigned ipv6_prefix_bits = 64);

// A set of addresses and networks ("127.0.0.1", "10.0.0.0/8", "::1", "2001:db8::/32"). Entries
// that do not parse are ignored (and reported by invalid()).
class address_list {
 public:
  address_list() = default;
  explicit address_list(const std::vector<std::string>& entries) {
    for (const auto& e : entries) add(e);
  }

  // Adds an address or network; false (and listed in invalid()) when it does not parse.
  bool add(std::string_view entry);
  bool contains(const boost::asio::ip::address& a) const;
  bool contains(std::string_view addr) const;
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
  static std::array<unsigned char, 16> bytes_of(const boost::asio::ip::address& a);
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
PBGDPL_DECL std::string client_address(const request& req, const std::vector<std::string>& trusted_proxies);

}  // namespace http
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/address.ipp"
#endif
