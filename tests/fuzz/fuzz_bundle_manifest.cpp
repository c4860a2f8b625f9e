// Fuzzes media bundle manifests (pbgdpl-bundle.json) as verify_bundle reads them: JSON with
// repeated keys refused, then the manifest's own checks. Properties: an accepted manifest
// re-encodes (manifest_text) to text that reads back equal; every accepted file path is a
// relative path inside the bundle (no "..", no leading '/', no '\\', within the length bounds).
#include <pbgdpl/media/bundle.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace pbgdpl;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)media::check_relative_path(in);
  auto m = trust::from_json_text_unique<media::bundle_manifest>(in);
  if (!m) {
    if (m.err().code == errc::ok) std::abort();
    return 0;
  }
  if (!check(*m)) return 0;
  for (const auto& f : m->files) {
    std::string_view p = f.path;
    if (!media::check_relative_path(p)) std::abort();
    if (p.empty() || p.front() == '/' || p.find('\\') != p.npos || p.size() > media::max_path_bytes) std::abort();
    if (p == ".." || p.starts_with("../") || p.ends_with("/..") || p.find("/../") != p.npos) std::abort();
    (void)media::guess_media_type(p);
  }
  auto again = trust::from_json_text_unique<media::bundle_manifest>(media::manifest_text(*m));
  if (!again || !(*again == *m)) std::abort();
  return 0;
}
