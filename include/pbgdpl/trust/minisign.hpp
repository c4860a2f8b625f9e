// Ed25519 keys and signatures in minisign's exact file formats, so any operator can check what
// the library signed with the stock `minisign -V`, and the library can check what `minisign -S`
// signed. Signatures are the prehashed "ED" form (Ed25519 over BLAKE2b-512) with a signed trusted
// comment; the legacy "Ed" form (Ed25519 over the raw bytes) is verified but never produced.
#pragma once
#include "../core/time.hpp"
#include "hash.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace trust {

namespace minisign_limits {
inline constexpr std::size_t comment_max = 1024;           // untrusted comment line, with prefix
inline constexpr std::size_t trusted_comment_max = 8192;   // trusted comment line, with prefix
inline constexpr std::size_t password_max = 1024;
}  // namespace minisign_limits

// Ed25519 sizes (libsodium's crypto_sign_*BYTES; checked against them in impl/minisign.ipp).
inline constexpr std::size_t ed25519_public_key_bytes = 32;
inline constexpr std::size_t ed25519_secret_key_bytes = 64;
inline constexpr std::size_t ed25519_signature_bytes = 64;

inline constexpr std::string_view untrusted_prefix = "untrusted comment: ";
inline constexpr std::string_view trusted_prefix = "trusted comment: ";

// 8 random bytes naming a key. Only a hint for finding the key: trust is the full public key.
struct key_id {
  std::array<std::uint8_t, 8> bytes{};
  // minisign prints the id as a little-endian 64-bit number in upper-case hex.
  std::string hex() const;
  static result<key_id> from_hex(std::string_view s);
  friend bool operator==(const key_id&, const key_id&) = default;
  friend auto operator<=>(const key_id&, const key_id&) = default;
};

namespace detail {
// Canonical standard base64 (with padding).
PBGDPL_DECL std::string base64(std::span<const std::uint8_t> b);
// Decodes exactly `expected` bytes of canonical standard base64: no whitespace, no other
// alphabet, no missing padding, no stray bits (re-encoding must give the same text back).
PBGDPL_DECL std::optional<bytes> unbase64(std::string_view s, std::size_t expected);
// Splits text into lines ("\n" or "\r\n").
PBGDPL_DECL std::vector<std::string_view> lines(std::string_view text);
}  // namespace detail

// A public key: "Ed" || key id || Ed25519 public key, in base64 under an untrusted comment.
struct public_key {
  key_id id;
  std::array<std::uint8_t, ed25519_public_key_bytes> key{};

  std::string base64() const;
  // The .pub file, exactly as `minisign -G` writes it.
  std::string to_file() const;
  // Accepts a whole .pub file or the bare base64 line (`minisign -P`).
  static result<public_key> parse(std::string_view text);
  friend bool operator==(const public_key&, const public_key&) = default;
};

// scrypt work factors for an encrypted secret key. minisign writes SENSITIVE (1 GiB, seconds);
// readers take whatever the file says, within a ceiling against hostile files. (libsodium's
// crypto_pwhash_scryptsalsa208sha256_*LIMIT_SENSITIVE and _INTERACTIVE, checked in the .ipp.)
struct kdf_limits {
  std::uint64_t opslimit = 33554432u;
  std::uint64_t memlimit = 1073741824u;
  static constexpr kdf_limits sensitive() { return {}; }
  static constexpr kdf_limits interactive() { return {524288u, 16777216u}; }
};

// An Ed25519 secret key with its key id; wiped from memory on destruction.
class secret_key {
 public:
  static constexpr std::size_t file_bytes = 158;  // sig_alg kdf_alg chk_alg salt ops mem | id sk chk

  secret_key() = default;
  secret_key(const secret_key& o) = default;
  secret_key& operator=(const secret_key& o) = default;
  ~secret_key();

  static secret_key generate();

  const key_id& id() const noexcept { return id_; }
  public_key public_part() const;
  const std::array<std::uint8_t, ed25519_secret_key_bytes>& raw() const noexcept { return sk_; }

  // The .key file. With a password, scrypt-encrypted exactly as minisign does; without one, the
  // unencrypted form of `minisign -G -W`.
  std::string to_file(std::optional<std::string_view> password = std::nullopt, kdf_limits limits = {}) const;

  // Reads a .key file; `password` is needed when the key is encrypted ("Sc"). A wrong password
  // fails the BLAKE2b-256 checksum and is reported as bad_key.
  static result<secret_key> parse(std::string_view text, std::optional<std::string_view> password = std::nullopt,
                                  kdf_limits ceiling = {});

 private:
  static void checksum(const std::uint8_t* raw, std::uint8_t* out);
  // XORs the keynum_sk block (id, sk, checksum: 104 bytes) with the scrypt stream of the password.
  static bool xor_stream(std::uint8_t* raw, std::string_view password);

  key_id id_;
  std::array<std::uint8_t, ed25519_secret_key_bytes> sk_{};
};

enum class signature_algorithm { legacy /* "Ed": over the raw bytes */, prehashed /* "ED": over BLAKE2b-512 */ };

// A minisign signature: four lines of text.
struct signature {
  signature_algorithm algorithm = signature_algorithm::prehashed;
  key_id id;
  std::array<std::uint8_t, ed25519_signature_bytes> sig{};
  std::string untrusted_comment = "signature from pbgdpl secret key";
  std::string trusted_comment;
  std::array<std::uint8_t, ed25519_signature_bytes> global_sig{};  // over sig || trusted_comment

  std::string to_text() const;

  // Strict: exactly four lines (a final newline allowed), canonical base64, known algorithm.
  static result<signature> parse(std::string_view text);
};

// Signs a BLAKE2b-512 digest computed by the caller (streamed over a large file): the "ED" form.
PBGDPL_DECL signature sign_prehashed(const secret_key& key, const digest512& blake2b512, std::string_view trusted_comment,
                                     std::string_view untrusted_comment = "signature from pbgdpl secret key");

PBGDPL_DECL signature sign(const secret_key& key, std::string_view content, std::string_view trusted_comment,
                           std::string_view untrusted_comment = "signature from pbgdpl secret key");

// Signs a file of any size in bounded memory.
PBGDPL_DECL result<signature> sign_file(const secret_key& key, const std::filesystem::path& file,
                                        std::string_view trusted_comment,
                                        std::string_view untrusted_comment = "signature from pbgdpl secret key",
                                        const read_options& opt = {});

// The trusted comment minisign writes by default: "timestamp:<unix>\tfile:<name>\thashed".
PBGDPL_DECL std::string default_trusted_comment(std::string_view file_name, timestamp t);

namespace detail {
// The key id matches and the signature over the trusted comment verifies.
PBGDPL_DECL result<void> verify_comment(const public_key& pk, const signature& s);
}  // namespace detail

// Checks, in order: the key id (unknown_key), the signed trusted comment (bad_signature), then the
// content (tampered). A valid comment signature with a failing content signature means the
// signature is genuine and the bytes changed.
PBGDPL_DECL result<void> verify_prehashed(const public_key& pk, const signature& s, const digest512& blake2b512);

// Verifies both forms; "Ed" (legacy) only when allow_legacy, as `minisign -V` without -H.
PBGDPL_DECL result<void> verify(const public_key& pk, const signature& s, std::string_view content, bool allow_legacy = true);

// Verifies a prehashed signature over a file of any size in bounded memory.
PBGDPL_DECL result<void> verify_file(const public_key& pk, const signature& s, const std::filesystem::path& file,
                                     const read_options& opt = {});

}  // namespace trust
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/minisign.ipp"
#endif
