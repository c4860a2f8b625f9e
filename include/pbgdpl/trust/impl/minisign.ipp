// Bodies of trust/minisign.hpp: compiled once into the trust tier (src/trust/minisign.cpp), or
// included by the header in header-only builds.
#pragma once
#include "../minisign.hpp"

#include <algorithm>

#include <sodium.h>

PBGDPL_NAMESPACE_BEGIN
namespace trust {

static_assert(ed25519_public_key_bytes == crypto_sign_PUBLICKEYBYTES && ed25519_secret_key_bytes == crypto_sign_SECRETKEYBYTES &&
              ed25519_signature_bytes == crypto_sign_BYTES);
static_assert(kdf_limits{}.opslimit == crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_SENSITIVE &&
              kdf_limits{}.memlimit == crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_SENSITIVE &&
              kdf_limits::interactive().opslimit == crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_INTERACTIVE &&
              kdf_limits::interactive().memlimit == crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_INTERACTIVE);

PBGDPL_DECL std::string key_id::hex() const {
  std::array<std::uint8_t, 8> r{};
  std::reverse_copy(bytes.begin(), bytes.end(), r.begin());
  std::string s = to_hex(r);
  for (auto& c : s) c = static_cast<char>(c >= 'a' && c <= 'f' ? c - 'a' + 'A' : c);
  return s;
}

PBGDPL_DECL result<key_id> key_id::from_hex(std::string_view s) {
  auto b = trust::from_hex(s);
  if (!b || b->size() != 8) return error(errc::bad_key, {}, "Mã khóa phải gồm 16 chữ số hex", "A key id is 16 hex digits");
  key_id k;
  std::reverse_copy(b->begin(), b->end(), k.bytes.begin());
  return k;
}

namespace detail {
PBGDPL_DECL std::string base64(std::span<const std::uint8_t> b) {
  std::string s(sodium_base64_ENCODED_LEN(b.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(s.data(), s.size(), b.data(), b.size(), sodium_base64_VARIANT_ORIGINAL);
  s.resize(std::strlen(s.c_str()));
  return s;
}
PBGDPL_DECL std::optional<bytes> unbase64(std::string_view s, std::size_t expected) {
  ensure_sodium();
  if (s.size() > 4 * (expected / 3 + 2)) return std::nullopt;
  bytes out(expected + 3);
  std::size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out.data(), out.size(), s.data(), s.size(), nullptr, &len, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != s.data() + s.size() || len != expected)
    return std::nullopt;
  out.resize(len);
  if (base64(out) != s) return std::nullopt;
  return out;
}
PBGDPL_DECL void put_le64(std::uint8_t* p, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
PBGDPL_DECL std::uint64_t get_le64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = v << 8 | p[i];
  return v;
}
PBGDPL_DECL std::vector<std::string_view> lines(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    auto nl = text.find('\n');
    auto line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out.push_back(line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return out;
}
// Also NUL: minisign reads a comment as a C string, so "a\0b" signed here would verify as "a" there
// and fail (its global signature covers only the bytes before the NUL).
PBGDPL_DECL bool has_line_break(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}
PBGDPL_DECL bytes sig_and_comment(const signature& s) {
  bytes m(s.sig.begin(), s.sig.end());
  m.insert(m.end(), s.trusted_comment.begin(), s.trusted_comment.end());
  return m;
}
}  // namespace detail

PBGDPL_DECL std::string public_key::base64() const {
  std::array<std::uint8_t, 42> raw{};
  raw[0] = 'E';
  raw[1] = 'd';
  std::copy(id.bytes.begin(), id.bytes.end(), raw.begin() + 2);
  std::copy(key.begin(), key.end(), raw.begin() + 10);
  return detail::base64(raw);
}

PBGDPL_DECL std::string public_key::to_file() const {
  return std::string(untrusted_prefix) + "minisign public key " + id.hex() + "\n" + base64() + "\n";
}

PBGDPL_DECL result<public_key> public_key::parse(std::string_view text) {
  auto bad = [](std::string vi, std::string en) { return error(errc::bad_key, {}, std::move(vi), std::move(en)); };
  auto ls = detail::lines(text);
  if (ls.empty()) return bad("Khóa công khai trống", "Empty public key");
  std::string_view b64 = ls[0];
  if (ls[0].starts_with(untrusted_prefix)) {
    if (ls.size() != 2 || ls[0].size() > minisign_limits::comment_max)
      return bad("Tệp khóa công khai sai định dạng", "Malformed public key file");
    b64 = ls[1];
  } else if (ls.size() != 1) {
    return bad("Tệp khóa công khai sai định dạng", "Malformed public key file");
  }
  auto raw = detail::unbase64(b64, 42);
  if (!raw) return bad("Khóa công khai không phải base64 hợp lệ", "Public key is not valid base64");
  if ((*raw)[0] != 'E' || (*raw)[1] != 'd') return bad("Thuật toán khóa không được hỗ trợ", "Unsupported key algorithm");
  public_key k;
  std::copy(raw->begin() + 2, raw->begin() + 10, k.id.bytes.begin());
  std::copy(raw->begin() + 10, raw->end(), k.key.begin());
  return k;
}

PBGDPL_DECL secret_key::~secret_key() { sodium_memzero(sk_.data(), sk_.size()); }

PBGDPL_DECL secret_key secret_key::generate() {
  ensure_sodium();
  secret_key s;
  randombytes_buf(s.id_.bytes.data(), s.id_.bytes.size());
  std::array<std::uint8_t, crypto_sign_PUBLICKEYBYTES> pk{};
  crypto_sign_keypair(pk.data(), s.sk_.data());
  return s;
}

PBGDPL_DECL public_key secret_key::public_part() const {
  public_key p;
  p.id = id_;
  crypto_sign_ed25519_sk_to_pk(p.key.data(), sk_.data());
  return p;
}

PBGDPL_DECL std::string secret_key::to_file(std::optional<std::string_view> password, kdf_limits limits) const {
  ensure_sodium();
  std::array<std::uint8_t, file_bytes> raw{};
  raw[0] = 'E', raw[1] = 'd';
  raw[4] = 'B', raw[5] = '2';
  std::uint8_t* keynum_sk = raw.data() + 54;
  std::copy(id_.bytes.begin(), id_.bytes.end(), keynum_sk);
  std::copy(sk_.begin(), sk_.end(), keynum_sk + 8);
  checksum(raw.data(), keynum_sk + 72);
  if (password) {
    if (password->size() > minisign_limits::password_max)
      throw_error(error(errc::invalid_argument, {}, "Mật khẩu quá dài", "Password too long"));
    raw[2] = 'S', raw[3] = 'c';
    randombytes_buf(raw.data() + 6, 32);
    detail::put_le64(raw.data() + 38, limits.opslimit);
    detail::put_le64(raw.data() + 46, limits.memlimit);
    if (!xor_stream(raw.data(), *password))
      throw_error(error(errc::internal, {}, "Không đủ bộ nhớ để dẫn xuất khóa", "Key derivation ran out of memory"));
  }
  std::string s = std::string(untrusted_prefix) + "minisign encrypted secret key\n" + detail::base64(raw) + "\n";
  sodium_memzero(raw.data(), raw.size());
  return s;
}

PBGDPL_DECL result<secret_key> secret_key::parse(std::string_view text, std::optional<std::string_view> password,
                                                 kdf_limits ceiling) {
  auto bad = [](std::string vi, std::string en) { return error(errc::bad_key, {}, std::move(vi), std::move(en)); };
  auto ls = detail::lines(text);
  if (ls.size() != 2 || !ls[0].starts_with(untrusted_prefix))
    return bad("Tệp khóa bí mật sai định dạng", "Malformed secret key file");
  auto decoded = detail::unbase64(ls[1], file_bytes);
  if (!decoded) return bad("Khóa bí mật không phải base64 hợp lệ", "Secret key is not valid base64");
  auto& raw = *decoded;
  struct wipe {
    bytes& b;
    ~wipe() { sodium_memzero(b.data(), b.size()); }
  } w{raw};
  if (raw[0] != 'E' || raw[1] != 'd') return bad("Thuật toán khóa không được hỗ trợ", "Unsupported key algorithm");
  if (raw[4] != 'B' || raw[5] != '2') return bad("Hàm kiểm tổng không được hỗ trợ", "Unsupported checksum function");
  bool encrypted = raw[2] == 'S' && raw[3] == 'c';
  if (!encrypted && !(raw[2] == 0 && raw[3] == 0))
    return bad("Hàm dẫn xuất khóa không được hỗ trợ", "Unsupported key derivation function");
  std::uint8_t* keynum_sk = raw.data() + 54;
  if (encrypted) {
    if (!password) return error(errc::bad_key, {}, "Khóa được mã hóa: cần mật khẩu", "The key is encrypted: a password is needed");
    if (password->size() > minisign_limits::password_max) return bad("Mật khẩu quá dài", "Password too long");
    if (detail::get_le64(raw.data() + 38) > ceiling.opslimit || detail::get_le64(raw.data() + 46) > ceiling.memlimit)
      return bad("Tham số scrypt vượt giới hạn cho phép", "scrypt parameters exceed the allowed ceiling");
    if (!xor_stream(raw.data(), *password)) return bad("Không dẫn xuất được khóa từ mật khẩu", "Key derivation from the password failed");
  }
  std::array<std::uint8_t, 32> chk{};
  checksum(raw.data(), chk.data());
  bool chk_ok = sodium_memcmp(chk.data(), keynum_sk + 72, 32) == 0;
  // minisign -W leaves the checksum zero; an unencrypted key with a checksum must match it.
  bool zero_chk = sodium_is_zero(keynum_sk + 72, 32) == 1;
  if (!chk_ok && (encrypted || !zero_chk))
    return encrypted ? bad("Sai mật khẩu cho khóa này", "Wrong password for that key")
                     : bad("Kiểm tổng khóa bí mật sai", "Secret key checksum mismatch");
  secret_key s;
  std::copy(keynum_sk, keynum_sk + 8, s.id_.bytes.begin());
  std::copy(keynum_sk + 8, keynum_sk + 72, s.sk_.begin());
  // The public half is stored inside the secret key; it must be the one the seed derives.
  std::array<std::uint8_t, 32> pk{}, seed{};
  std::array<std::uint8_t, 64> check{};
  crypto_sign_ed25519_sk_to_seed(seed.data(), s.sk_.data());
  crypto_sign_seed_keypair(pk.data(), check.data(), seed.data());
  bool consistent = sodium_memcmp(check.data(), s.sk_.data(), 64) == 0;
  sodium_memzero(seed.data(), seed.size());
  sodium_memzero(check.data(), check.size());
  if (!consistent) return bad("Khóa bí mật không nhất quán", "Secret key is inconsistent");
  return s;
}

PBGDPL_DECL void secret_key::checksum(const std::uint8_t* raw, std::uint8_t* out) {
  crypto_generichash_state hs;
  crypto_generichash_init(&hs, nullptr, 0, 32);
  crypto_generichash_update(&hs, raw, 2);            // sig_alg
  crypto_generichash_update(&hs, raw + 54, 8 + 64);  // key id, secret key
  crypto_generichash_final(&hs, out, 32);
}

PBGDPL_DECL bool secret_key::xor_stream(std::uint8_t* raw, std::string_view password) {
  std::array<std::uint8_t, 104> stream{};
  if (crypto_pwhash_scryptsalsa208sha256(stream.data(), stream.size(), password.data(), password.size(), raw + 6,
                                         detail::get_le64(raw + 38), static_cast<std::size_t>(detail::get_le64(raw + 46))) != 0)
    return false;
  for (std::size_t i = 0; i < stream.size(); ++i) raw[54 + i] ^= stream[i];
  sodium_memzero(stream.data(), stream.size());
  return true;
}

PBGDPL_DECL std::string signature::to_text() const {
  std::array<std::uint8_t, 74> raw{};
  raw[0] = 'E';
  raw[1] = algorithm == signature_algorithm::prehashed ? 'D' : 'd';
  std::copy(id.bytes.begin(), id.bytes.end(), raw.begin() + 2);
  std::copy(sig.begin(), sig.end(), raw.begin() + 10);
  return std::string(untrusted_prefix) + untrusted_comment + "\n" + detail::base64(raw) + "\n" + std::string(trusted_prefix) +
         trusted_comment + "\n" + detail::base64(global_sig) + "\n";
}

PBGDPL_DECL result<signature> signature::parse(std::string_view text) {
  auto bad = [](std::string vi, std::string en) { return error(errc::bad_signature, {}, std::move(vi), std::move(en)); };
  if (text.size() > minisign_limits::comment_max + minisign_limits::trusted_comment_max + 512)
    return bad("Tệp chữ ký quá lớn", "Signature file too large");
  auto ls = detail::lines(text);
  if (ls.size() != 4) return bad("Chữ ký phải có đúng 4 dòng", "A signature has exactly 4 lines");
  if (!ls[0].starts_with(untrusted_prefix) || ls[0].size() >= minisign_limits::comment_max)
    return bad("Dòng đầu phải bắt đầu bằng \"untrusted comment: \"", "The first line must start with \"untrusted comment: \"");
  if (!ls[2].starts_with(trusted_prefix) || ls[2].size() >= minisign_limits::trusted_comment_max)
    return bad("Dòng thứ ba phải bắt đầu bằng \"trusted comment: \"", "The third line must start with \"trusted comment: \"");
  auto raw = detail::unbase64(ls[1], 74);
  auto global = detail::unbase64(ls[3], 64);
  if (!raw || !global) return bad("Chữ ký không phải base64 hợp lệ", "Signature is not valid base64");
  signature s;
  if ((*raw)[0] == 'E' && (*raw)[1] == 'D') s.algorithm = signature_algorithm::prehashed;
  else if ((*raw)[0] == 'E' && (*raw)[1] == 'd') s.algorithm = signature_algorithm::legacy;
  else return bad("Thuật toán chữ ký không được hỗ trợ", "Unsupported signature algorithm");
  std::copy(raw->begin() + 2, raw->begin() + 10, s.id.bytes.begin());
  std::copy(raw->begin() + 10, raw->end(), s.sig.begin());
  std::copy(global->begin(), global->end(), s.global_sig.begin());
  s.untrusted_comment = std::string(ls[0].substr(untrusted_prefix.size()));
  s.trusted_comment = std::string(ls[2].substr(trusted_prefix.size()));
  return s;
}

PBGDPL_DECL signature sign_prehashed(const secret_key& key, const digest512& blake2b512, std::string_view trusted_comment,
                                     std::string_view untrusted_comment) {
  ensure_sodium();
  if (detail::has_line_break(trusted_comment) || detail::has_line_break(untrusted_comment) ||
      trusted_comment.size() + trusted_prefix.size() >= minisign_limits::trusted_comment_max ||
      untrusted_comment.size() + untrusted_prefix.size() >= minisign_limits::comment_max)
    throw_error(error(errc::invalid_argument, {}, "Chú thích phải là một dòng và không quá dài",
                      "Comments must be a single line and not too long"));
  signature s;
  s.algorithm = signature_algorithm::prehashed;
  s.id = key.id();
  s.untrusted_comment = std::string(untrusted_comment);
  s.trusted_comment = std::string(trusted_comment);
  crypto_sign_detached(s.sig.data(), nullptr, blake2b512.data(), blake2b512.size(), key.raw().data());
  auto m = detail::sig_and_comment(s);
  crypto_sign_detached(s.global_sig.data(), nullptr, m.data(), m.size(), key.raw().data());
  return s;
}

PBGDPL_DECL signature sign(const secret_key& key, std::string_view content, std::string_view trusted_comment,
                           std::string_view untrusted_comment) {
  return sign_prehashed(key, blake2b_512(content), trusted_comment, untrusted_comment);
}

PBGDPL_DECL result<signature> sign_file(const secret_key& key, const std::filesystem::path& file, std::string_view trusted_comment,
                                        std::string_view untrusted_comment, const read_options& opt) {
  auto d = blake2b_file(file, 64, opt);
  if (!d) return d.err();
  return catch_result([&] { return sign_prehashed(key, to_array<64>(d->digest), trusted_comment, untrusted_comment); });
}

PBGDPL_DECL std::string default_trusted_comment(std::string_view file_name, timestamp t) {
  return "timestamp:" + std::to_string(t.time_since_epoch().count()) + "\tfile:" + std::string(file_name) + "\thashed";
}

namespace detail {
PBGDPL_DECL result<void> verify_comment(const public_key& pk, const signature& s) {
  if (s.id != pk.id)
    return error(errc::unknown_key, {}, "Chữ ký được tạo bởi khóa " + s.id.hex() + ", không phải khóa " + pk.id.hex(),
                 "Signed by key " + s.id.hex() + ", not by key " + pk.id.hex());
  auto m = sig_and_comment(s);
  if (crypto_sign_verify_detached(s.global_sig.data(), m.data(), m.size(), pk.key.data()) != 0)
    return error(errc::bad_signature, {}, "Chữ ký của chú thích tin cậy không hợp lệ", "The trusted comment's signature is invalid");
  return {};
}
PBGDPL_DECL result<void> content_mismatch() {
  return error(errc::tampered, {}, "Chữ ký không khớp với nội dung: nội dung đã bị sửa đổi",
               "The signature does not match the content: the content was modified");
}
}  // namespace detail

PBGDPL_DECL result<void> verify_prehashed(const public_key& pk, const signature& s, const digest512& blake2b512) {
  ensure_sodium();
  if (auto r = detail::verify_comment(pk, s); !r) return r;
  if (s.algorithm != signature_algorithm::prehashed)
    return error(errc::bad_signature, {}, "Chữ ký kiểu cũ cần toàn bộ nội dung", "A legacy signature needs the whole content");
  if (crypto_sign_verify_detached(s.sig.data(), blake2b512.data(), blake2b512.size(), pk.key.data()) != 0)
    return detail::content_mismatch();
  return {};
}

PBGDPL_DECL result<void> verify(const public_key& pk, const signature& s, std::string_view content, bool allow_legacy) {
  ensure_sodium();
  if (s.algorithm == signature_algorithm::prehashed) return verify_prehashed(pk, s, blake2b_512(content));
  if (!allow_legacy)
    return error(errc::bad_signature, {}, "Không chấp nhận chữ ký kiểu cũ (không băm trước)",
                 "Legacy (non-prehashed) signatures are not accepted");
  if (auto r = detail::verify_comment(pk, s); !r) return r;
  if (crypto_sign_verify_detached(s.sig.data(), reinterpret_cast<const unsigned char*>(content.data()), content.size(),
                                  pk.key.data()) != 0)
    return detail::content_mismatch();
  return {};
}

PBGDPL_DECL result<void> verify_file(const public_key& pk, const signature& s, const std::filesystem::path& file,
                                     const read_options& opt) {
  if (s.algorithm != signature_algorithm::prehashed) {
    // Legacy signatures cover raw bytes; minisign caps them at 1 GiB, so do we.
    if (auto r = detail::verify_comment(pk, s); !r) return r;
    std::string content;
    read_options o = opt;
    o.max_bytes = std::min<std::uint64_t>(opt.max_bytes, 1ull << 30);
    auto n = stream_file(file, [&](std::span<const std::uint8_t> b) { content.append(reinterpret_cast<const char*>(b.data()), b.size()); }, o);
    if (!n) return n.err();
    return verify(pk, s, content);
  }
  if (auto r = detail::verify_comment(pk, s); !r) return r;
  auto d = blake2b_file(file, 64, opt);
  if (!d) return d.err();
  return verify_prehashed(pk, s, to_array<64>(d->digest));
}

}  // namespace trust
PBGDPL_NAMESPACE_END
