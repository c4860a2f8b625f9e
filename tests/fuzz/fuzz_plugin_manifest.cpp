// Fuzzes plugin manifests (<dir>/<id>.json) as the host reads them before loading any code: the
// input is written to a file in a private directory and read back with plugin::read_manifest.
// Properties: an accepted manifest has an id of [a-z0-9_-]{1,64}, a library that is a plain
// file name in the manifest's directory (no '/', no "..", no NUL), at least one known kind; its
// to_json() written back reads to the same manifest. A refusal is a load error naming its code.
#include <pbgdpl/plugin/host.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <unistd.h>

using namespace pbgdpl;

namespace {
// A private directory, removed when the process ends.
struct scratch {
  std::filesystem::path dir;
  scratch() {
    std::string d = (std::filesystem::temp_directory_path() / "pbgdpl-fuzz-plugin-XXXXXX").string();
    if (!::mkdtemp(d.data())) std::abort();
    dir = d;
  }
  ~scratch() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

const std::filesystem::path& file() {
  static const scratch s;
  static const std::filesystem::path f = s.dir / "plugin.json";
  return f;
}

void write(std::string_view s) {
  std::ofstream out(file(), std::ios::binary | std::ios::trunc);
  out.write(s.data(), static_cast<std::streamsize>(s.size()));
  if (!out) std::abort();
}

bool same(const plugin::manifest& a, const plugin::manifest& b) {
  return a.id == b.id && a.library == b.library && a.abi_major == b.abi_major && a.abi_minor == b.abi_minor &&
         a.kinds == b.kinds && a.version == b.version && a.license == b.license && a.description == b.description;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  write(std::string_view(reinterpret_cast<const char*>(data), size));
  auto m = plugin::read_manifest(file());
  if (!m) {
    if (m.err().code == errc::ok || m.err().message_en.empty() || m.err().message_vi.empty()) std::abort();
    if (!plugin::load_errc_from_name(m.err().path)) std::abort();
    return 0;
  }
  if (m->id.empty() || m->id.size() > 64) std::abort();
  for (char c : m->id)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) std::abort();
  if (m->library.find_first_of(std::string_view("/\\\0", 3)) != std::string::npos || m->library == "." || m->library == "..")
    std::abort();
  if (m->library_path().parent_path() != file().parent_path()) std::abort();
  if (m->kinds == 0 || plugin::kind_names(m->kinds).empty()) std::abort();
  auto j = m->to_json();
  j.erase("file");
  write(j.dump());
  auto again = plugin::read_manifest(file());
  if (!again || !same(*again, *m)) std::abort();
  return 0;
}
