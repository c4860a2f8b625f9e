// One measurement per process, so peak RSS (ru_maxrss) belongs to that operation alone:
//   pbgdpl_bench_trust prepare DIR SIZE_MIB   make DIR/bundle with one SIZE_MIB file, sign it
//   pbgdpl_bench_trust verify DIR             verify the signed bundle; prints seconds, MiB/s, RSS
//   pbgdpl_bench_trust etag FILE              XXH3-128 of FILE; prints seconds, MiB/s, RSS
#include <pbgdpl/media/bundle.hpp>

#include <chrono>
#include <cstdio>
#include <string>

#include <sys/resource.h>

using namespace pbgdpl;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {
const timestamp t0 = timestamp{std::chrono::sys_days{std::chrono::year{2024} / 1 / 1}};

double peak_rss_mib() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1024.0;  // KiB on Linux
}

void print(const char* what, double seconds, std::uint64_t bytes) {
  std::printf("%s seconds=%.3f mib_per_s=%.1f peak_rss_mib=%.1f\n", what, seconds,
              static_cast<double>(bytes) / (1 << 20) / seconds, peak_rss_mib());
}

int prepare(const fs::path& dir, std::uint64_t mib) {
  fs::create_directories(dir / "bundle");
  auto file = dir / "bundle" / "video.mp4";
  if (!fs::exists(file) || fs::file_size(file) != mib << 20) {
    std::FILE* f = std::fopen(file.c_str(), "wb");
    if (!f) return 3;
    std::vector<std::uint8_t> buf(1 << 20);
    std::uint64_t x = 0x9E3779B97F4A7C15ull;
    for (std::uint64_t i = 0; i < mib; ++i) {
      for (std::size_t k = 0; k + 8 <= buf.size(); k += 8) {  // xorshift: incompressible, cheap
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        std::memcpy(buf.data() + k, &x, 8);
      }
      if (std::fwrite(buf.data(), 1, buf.size(), f) != buf.size()) return 3;
    }
    std::fclose(f);
  }
  auto root = trust::secret_key::generate(), approver = trust::secret_key::generate();
  trust::delegation d{unit_id{"pgd"}, approver.public_part(), unit_id{"pgd"}, role::division_approver,
                      {trust::approval_use::signage_school}, t0, t0 + 24h * 3650, 1};
  trust::approval_statement s;
  s.id = "bench";
  s.approver_unit = unit_id{"pgd"};
  s.approver_role = role::division_approver;
  s.use = trust::approval_use::signage_school;
  s.valid_from = t0;
  s.valid_until = t0 + 24h * 3650;
  s.sequence = 1;
  media::pack_options o;
  o.content_id = "bench-bundle";
  o.created_at = t0;
  auto m = media::pack_and_approve(dir / "bundle", o, approver, s);
  if (!m) {
    std::fprintf(stderr, "%s\n", m.err().describe().c_str());
    return 3;
  }
  std::FILE* f = std::fopen((dir / "root.pub").c_str(), "wb");
  auto pub = root.public_part().to_file();
  std::fwrite(pub.data(), 1, pub.size(), f);
  std::fclose(f);
  f = std::fopen((dir / "delegation.minisig").c_str(), "wb");
  auto del = trust::sign_delegation(root, d).to_text();
  std::fwrite(del.data(), 1, del.size(), f);
  std::fclose(f);
  return 0;
}

std::string slurp(const fs::path& p) {
  std::string s;
  (void)trust::stream_file(p, [&](std::span<const std::uint8_t> b) { s.append(reinterpret_cast<const char*>(b.data()), b.size()); });
  return s;
}

int verify(const fs::path& dir) {
  auto start = std::chrono::steady_clock::now();
  trust::keyring ring;
  // The division pins its key for its own subtree, at the division approvers' level.
  ring.add_root(unit_id{"pgd"}, *trust::public_key::parse(slurp(dir / "root.pub")), trust::authority_scope{role::division_approver, {}});
  if (!ring.add_delegation(slurp(dir / "delegation.minisig"))) return 3;
  auto v = media::verify_bundle(dir / "bundle", ring, {t0 + 24h, trust::approval_use::signage_school});
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!v) {
    std::fprintf(stderr, "%s\n", v.err().describe().c_str());
    return 1;
  }
  std::uint64_t bytes = 0;
  for (auto& f : v->manifest.files) bytes += f.size;
  print("verify", secs, bytes);
  return 0;
}

int etag(const fs::path& file) {
  auto start = std::chrono::steady_clock::now();
  auto h = trust::xxh3_128_file(file);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!h) return 3;
  print("etag", secs, fs::file_size(file));
  std::fprintf(stderr, "%s\n", h->c_str());
  return 0;
}
}  // namespace

int main(int argc, char** argv) {
  std::string cmd = argc > 1 ? argv[1] : "";
  if (cmd == "prepare" && argc == 4) return prepare(argv[2], std::stoull(argv[3]));
  if (cmd == "verify" && argc == 3) return verify(argv[2]);
  if (cmd == "etag" && argc == 3) return etag(argv[2]);
  std::fprintf(stderr, "usage: pbgdpl_bench_trust prepare DIR SIZE_MIB | verify DIR | etag FILE\n");
  return 2;
}
