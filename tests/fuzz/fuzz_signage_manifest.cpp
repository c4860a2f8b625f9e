// Fuzzes signage manifests as a player reads them. The first byte picks the layer:
// even: the manifest body (what the authority signs): an accepted, valid body re-encodes to text
//   that reads back equal; signed with a key made once per process it verifies for its display,
//   and no longer verifies when one byte of the body changes.
// odd: the wire form {"manifest", "signature"}: it round-trips through to_wire, and never
//   verifies under our key (nobody but this process holds it).
#include <pbgdpl/signage/manifest.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

using namespace pbgdpl;

namespace {
const trust::secret_key& key() {
  static const trust::secret_key k = trust::secret_key::generate();
  return k;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);
  const auto pk = key().public_part();
  if (data[0] % 2 == 1) {
    auto w = signage::from_wire(in);
    if (!w) return 0;
    auto again = signage::from_wire(signage::to_wire(*w));
    if (!again || !(*again == *w)) std::abort();
    signage::verify_options opt;
    opt.now = now();
    if (signage::verify_manifest(*w, pk, opt, {})) std::abort();
    return 0;
  }
  auto m = trust::from_json_text_unique<signage::manifest>(in);
  if (!m || !check(*m)) return 0;
  auto again = trust::from_json_text_unique<signage::manifest>(signage::manifest_text(*m));
  if (!again || !(*again == *m)) std::abort();
  auto s = signage::sign_manifest(key(), *m);
  signage::verify_options opt;
  opt.display = m->display;
  opt.now = m->issued_at;
  signage::trust_state fresh;  // a player that has seen nothing, its clock at the issue time
  fresh.latest_time_seen = m->issued_at;
  auto v = signage::verify_manifest(s, pk, opt, fresh);
  if (!v) {
    // The only honest refusals of a valid manifest signed by the pinned key: its delegations or
    // revocations (inside the body, signed by nobody here) or its size.
    auto c = v.err().code;
    if (c != errc::bad_signature && c != errc::unknown_key && c != errc::too_large && c != errc::expired &&
        c != errc::revoked && c != errc::validation_failed)
      std::abort();
    if (m->delegations.empty() && m->revocations.empty() && c != errc::too_large) {
      std::fprintf(stderr, "valid manifest signed by the pinned key refused: %s\n", v.err().describe().c_str());
      std::abort();
    }
    return 0;
  }
  if (!(v->m == *m)) std::abort();
  if (!s.body.empty()) {
    auto tampered = s;
    tampered.body[data[0] % s.body.size()] ^= 0x20;
    if (signage::verify_manifest(tampered, pk, opt, fresh)) std::abort();
  }
  return 0;
}
