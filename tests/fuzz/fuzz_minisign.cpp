// Fuzzes minisign's text formats: public keys (.pub or the bare base64 line), signatures
// (.minisig) and secret keys (.key, unencrypted: scrypt would make each input cost seconds).
// Properties: whatever parses re-encodes to text that parses to the same value; and with a key
// made once per process, the input itself is signed, verifies, and stops verifying when one byte
// of the content or of the signed lines changes.
#include <pbgdpl/trust/minisign.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

using namespace pbgdpl;
using namespace pbgdpl::trust;

namespace {
const secret_key& key() {
  static const secret_key k = secret_key::generate();
  return k;
}

bool same(const signature& a, const signature& b) {
  return a.algorithm == b.algorithm && a.id == b.id && a.sig == b.sig && a.untrusted_comment == b.untrusted_comment &&
         a.trusted_comment == b.trusted_comment && a.global_sig == b.global_sig;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);

  if (auto pk = public_key::parse(in)) {
    auto again = public_key::parse(pk->to_file());
    if (!again || !(*again == *pk)) std::abort();
    auto bare = public_key::parse(pk->base64());
    if (!bare || !(*bare == *pk)) std::abort();
  } else if (pk.err().code == errc::ok) {
    std::abort();  // a refusal says why
  }

  if (auto s = signature::parse(in)) {
    auto again = signature::parse(s->to_text());
    if (!again || !same(*again, *s)) std::abort();
    // A stranger's signature (any parsed input) never verifies with our key.
    if (verify(key().public_part(), *s, in)) std::abort();
  }

  if (auto sk = secret_key::parse(in, std::nullopt, kdf_limits::interactive())) {
    auto again = secret_key::parse(sk->to_file());
    if (!again || again->raw() != sk->raw() || !(again->id() == sk->id())) std::abort();
  }

  // Sign the input, check it verifies, then flip one byte and check it no longer does.
  if (size > 4096) return 0;
  std::string comment = "timestamp:1\tfile:fuzz";
  auto sig = sign(key(), in, comment);
  auto text = sig.to_text();
  auto parsed = signature::parse(text);
  if (!parsed || !same(*parsed, sig)) std::abort();
  if (!verify(key().public_part(), *parsed, in, false)) std::abort();
  if (size > 0) {
    std::string changed(in);
    changed[data[0] % size] ^= static_cast<char>(1u << (data[size - 1] % 8));
    if (verify(key().public_part(), *parsed, changed)) std::abort();
  }
  // One byte of the signed lines (after the untrusted comment, which nothing signs).
  auto start = text.find('\n') + 1;
  std::size_t at = start + (size ? data[size / 2] * 131u + size : 0) % (text.size() - start);
  if (text[at] != '\n' && text[at] != '\r') {
    text[at] ^= 0x01;
    if (auto flipped = signature::parse(text)) {
      if (verify(key().public_part(), *flipped, in)) std::abort();
    }
  }
  return 0;
}
