// Requests a display device makes to the portal, signed with its own Ed25519 key (made at
// enrolment, never shared), so the server knows which device asks without a shared secret, and a
// request captured on the way cannot be replayed later, sent to another path or given another body.
#pragma once
#include "../core/time.hpp"
#include "../trust/minisign.hpp"

#include <chrono>
#include <string>
#include <string_view>

PBGDPL_NAMESPACE_BEGIN
namespace signage {

inline constexpr std::string_view device_header = "X-Pbgdpl-Device";
inline constexpr std::string_view time_header = "X-Pbgdpl-Time";
inline constexpr std::string_view signature_header = "X-Pbgdpl-Signature";

// Requests from a device carry three headers: X-Pbgdpl-Device: <device key id, 16 hex upper>,
// X-Pbgdpl-Time: <unix seconds>, X-Pbgdpl-Signature: <base64 Ed25519 signature over BLAKE2b-512
// of "pbgdpl-device/1\n" METHOD "\n" TARGET "\n" TIME "\n" hex(BLAKE2b-256(body))>.
struct signed_headers {
  std::string device, time, signature;
  friend bool operator==(const signed_headers&, const signed_headers&) = default;
};

// The bytes whose BLAKE2b-512 the signature covers.
PBGDPL_DECL std::string request_signing_text(std::string_view method, std::string_view target, std::string_view time,
                                             std::string_view body);

PBGDPL_DECL signed_headers sign_request(const trust::secret_key& device, std::string_view method,
                                        std::string_view target, std::string_view body, timestamp now);

// unauthenticated when the signature does not verify or the time is off by more than `tolerance`;
// also when a header is malformed (not the device's key id, a time that is not digits, a signature
// that is not 64 bytes of canonical base64), each with its own message.
PBGDPL_DECL result<void> verify_request(const trust::public_key& device, const signed_headers& h, std::string_view method,
                                        std::string_view target, std::string_view body, timestamp now,
                                        std::chrono::seconds tolerance = std::chrono::seconds{900});

}  // namespace signage
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/device_auth.ipp"
#endif
