// Definitions for signage/device_auth.hpp (inline in header-only mode, compiled once from
// src/signage/device_auth.cpp).
#pragma once
#include "../device_auth.hpp"

#include <charconv>
#include <cstdint>

#include <sodium.h>

PBGDPL_NAMESPACE_BEGIN
namespace signage {

namespace detail {
inline error unauthenticated(std::string vi, std::string en) {
  return error(errc::unauthenticated, {}, "Yêu cầu của thiết bị không được xác thực: " + std::move(vi),
               "The device request is not authenticated: " + std::move(en));
}

// Equal length and bytes, in time that depends on the length only.
inline bool same_text(std::string_view a, std::string_view b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}
}  // namespace detail

PBGDPL_DECL std::string request_signing_text(std::string_view method, std::string_view target, std::string_view time,
                                             std::string_view body) {
  std::string s = "pbgdpl-device/1\n";
  s.append(method).append("\n").append(target).append("\n").append(time).append("\n");
  s += trust::to_hex(trust::blake2b_256(body));
  return s;
}

PBGDPL_DECL signed_headers sign_request(const trust::secret_key& device, std::string_view method,
                                        std::string_view target, std::string_view body, timestamp now) {
  trust::ensure_sodium();
  signed_headers h;
  h.device = device.id().hex();
  h.time = std::to_string(now.time_since_epoch().count());
  const auto digest = trust::blake2b_512(request_signing_text(method, target, h.time, body));
  std::array<std::uint8_t, trust::ed25519_signature_bytes> sig{};
  crypto_sign_detached(sig.data(), nullptr, digest.data(), digest.size(), device.raw().data());
  h.signature = trust::detail::base64(sig);
  return h;
}

PBGDPL_DECL result<void> verify_request(const trust::public_key& device, const signed_headers& h, std::string_view method,
                                        std::string_view target, std::string_view body, timestamp now,
                                        std::chrono::seconds tolerance) {
  trust::ensure_sodium();
  if (h.device.size() != 16 || h.device.find_first_not_of("0123456789ABCDEF") != std::string::npos)
    return detail::unauthenticated("tiêu đề X-Pbgdpl-Device phải là mã khóa gồm 16 chữ số hex viết hoa",
                                   "the X-Pbgdpl-Device header must be a key id of 16 upper-case hex digits");
  if (!detail::same_text(h.device, device.id.hex()))
    return detail::unauthenticated("yêu cầu được ký bằng khóa của một thiết bị khác",
                                   "the request is signed with another device's key");
  std::int64_t t = 0;
  const bool digits = !h.time.empty() && h.time.size() <= 18 && h.time.find_first_not_of("0123456789") == std::string::npos;
  if (!digits || std::from_chars(h.time.data(), h.time.data() + h.time.size(), t).ec != std::errc{})
    return detail::unauthenticated("tiêu đề X-Pbgdpl-Time phải là số giây Unix (chỉ gồm chữ số)",
                                   "the X-Pbgdpl-Time header must be Unix seconds (digits only)");
  const std::int64_t at = now.time_since_epoch().count();
  const std::int64_t off = t > at ? t - at : at - t;
  if (off > tolerance.count())
    return detail::unauthenticated("giờ của thiết bị lệch " + std::to_string(off) + " giây so với máy chủ (cho phép " +
                                       std::to_string(tolerance.count()) + " giây): hãy chỉnh đồng hồ",
                                   "the device's time is " + std::to_string(off) + " seconds off the server's (" +
                                       std::to_string(tolerance.count()) + " allowed): set its clock");
  auto sig = trust::detail::unbase64(h.signature, trust::ed25519_signature_bytes);
  if (!sig)
    return detail::unauthenticated("tiêu đề X-Pbgdpl-Signature phải là 64 byte mã hóa base64",
                                   "the X-Pbgdpl-Signature header must be 64 bytes of base64");
  const auto digest = trust::blake2b_512(request_signing_text(method, target, h.time, body));
  if (crypto_sign_verify_detached(sig->data(), digest.data(), digest.size(), device.key.data()) != 0)
    return detail::unauthenticated("chữ ký không khớp với khóa thiết bị, phương thức, đường dẫn, thời điểm hoặc nội dung",
                                   "the signature does not match the device key, method, target, time or body");
  return {};
}

}  // namespace signage
PBGDPL_NAMESPACE_END
