// Verifies a display's signed manifest of N bundles as a player does after a download: the wire
// form read, the manifest verified (signature, display, sequence, expiry, clock), then every item
// against its bytes (content digest, approval under the keyring the manifest carries: 20 approver
// keys delegated by a district to itself and ten schools, a signed revocation list, scope, use,
// validity, rollback through a sequence tracker). Each bundle stands in as 64 KiB of bytes.
// The peer is the stock `minisign -V` answering the narrower question for the same files: does
// each approval's signature hold over its bytes under the approver's public key (one process per
// file, as an operator checks them; no delegation, revocation, scope, use, time or rollback).
//   pbgdpl_bench_signage_manifest [bundles=100] [runs=30] [dir=/tmp/pbgdpl-bench-signage]
#include <pbgdpl/signage/manifest.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using namespace pbgdpl;
using namespace std::chrono_literals;
using clk = std::chrono::steady_clock;
namespace fs = std::filesystem;
namespace sg = pbgdpl::signage;

namespace {
const timestamp t0 = timestamp{std::chrono::sys_days{std::chrono::year{2026} / 9 / 1}};

void write(const fs::path& p, const std::string& s) {
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f << s;
}

std::string noise(std::size_t n, unsigned seed) {
  std::string s(n, '\0');
  unsigned x = seed * 2654435761u + 1;
  for (auto& c : s) {
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    c = static_cast<char>(x & 0xFF);
  }
  return s;
}

double ms(clk::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

struct stats {
  double best, median;
};
stats summarise(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return {v.front(), v[v.size() / 2]};
}
}  // namespace

int main(int argc, char** argv) {
  const std::size_t bundles = argc > 1 ? std::stoul(argv[1]) : 100;
  const int runs = argc > 2 ? std::stoi(argv[2]) : 30;
  const fs::path dir = argc > 3 ? fs::path(argv[3]) : fs::path("/tmp/pbgdpl-bench-signage");
  fs::remove_all(dir);
  fs::create_directories(dir);

  // The district signs manifests; it delegated 20 approver keys: 10 to itself, one to each of ten schools.
  const std::string district = "pgd-ha-dong";
  auto root = trust::secret_key::generate();
  sg::manifest m;
  m.display = "cau-thang-a2";
  m.unit = "th-van-yen-0";
  m.authority = district;
  m.sequence = 12;
  m.issued_at = t0 + 24h;
  m.expires_at = t0 + 24h * 8;
  m.units[district] = "so-gddt-ha-noi";
  struct approver {
    trust::secret_key key;
    std::string unit;
    role r;
    fs::path pub;
  };
  std::vector<approver> approvers;
  for (int i = 0; i < 20; ++i) {
    approver a{trust::secret_key::generate(), i < 10 ? district : "th-van-yen-" + std::to_string(i - 10),
               i < 10 ? role::division_approver : role::school_approver, dir / ("approver-" + std::to_string(i) + ".pub")};
    if (i >= 10) m.units[a.unit] = district;
    trust::delegation dg;
    dg.authority = unit_id{district};
    dg.key = a.key.public_part();
    dg.unit = unit_id{a.unit};
    dg.approver_role = a.r;
    dg.uses = {approval_use::signage_school};
    dg.valid_from = t0;
    dg.valid_until = t0 + 24h * 365;
    dg.sequence = 1;
    m.delegations.push_back(trust::sign_delegation(root, dg).to_text());
    write(a.pub, a.key.public_part().to_file());
    approvers.push_back(std::move(a));
  }
  trust::revocation_list rl;
  rl.authority = unit_id{district};
  rl.sequence = 3;
  rl.issued_at = t0;
  for (int i = 0; i < 5; ++i) rl.revoked.push_back({trust::secret_key::generate().id().hex(), t0, "Khóa cũ"});
  auto srl = trust::sign_revocations(root, rl);
  m.revocations = srl.body;
  m.revocations_signature = srl.sig.to_text();

  layout l;
  l.id = layout_id{"toan-man-hinh"};
  l.name = "Toàn màn hình";
  l.zones = {{"phap-luat", 0, 0, 1920, 1080, true}};
  m.layouts.push_back(l);
  std::vector<std::string> contents;
  std::vector<fs::path> files;
  std::vector<std::size_t> signer;
  for (std::size_t i = 0; i < bundles; ++i) {
    if (i % 25 == 0) {
      m.playlists.emplace_back();
      m.playlists.back().id = "danh-sach-" + std::to_string(i / 25);
      m.playlists.back().layout = "toan-man-hinh";
    }
    contents.push_back(noise(64u << 10, static_cast<unsigned>(i + 1)));
    files.push_back(dir / ("bundle-" + std::to_string(i) + ".png"));
    write(files.back(), contents.back());
    const auto& a = approvers[i % approvers.size()];
    signer.push_back(i % approvers.size());
    trust::approval_statement s;
    s.id = "appr-" + std::to_string(i);
    s.content_id = "media-" + std::to_string(i);
    s.approver_unit = unit_id{a.unit};
    s.approver_role = a.r;
    s.use = approval_use::signage_school;
    s.valid_from = t0;
    s.valid_until = t0 + 24h * 90;
    s.sequence = 1 + i % 3;
    auto sig = trust::sign_approval(a.key, s, trust::digest_content(contents.back()));
    if (!sig) {
      std::fprintf(stderr, "%s\n", sig.err().describe().c_str());
      return 1;
    }
    write(fs::path(files.back()) += ".minisig", sig->to_text());
    sg::manifest_item it;
    it.media = s.content_id;
    it.title = "Infographic pháp luật " + std::to_string(i);
    it.blake2b = trust::to_hex(trust::blake2b_256(contents.back()));
    it.size = contents.back().size();
    it.media_type = "image/png";
    it.zone = "phap-luat";
    it.approval = sig->to_text();
    m.playlists.back().items.push_back(it);
  }
  const auto wire = sg::to_wire(sg::sign_manifest(root, m));
  const auto pk = root.public_part();
  sg::verify_options opt;
  opt.display = m.display;
  opt.now = t0 + 48h;

  // One verification of the whole manifest; `hash` adds the digests of the bytes (a player reads
  // its cached files; with them known, only the signatures and rules are left).
  auto verify_all = [&](bool hash, std::vector<trust::content_digest>& digests, bool items = true) -> bool {
    sg::trust_state st;
    auto s = sg::from_wire(wire);
    if (!s) return false;
    auto v = sg::verify_manifest(*s, pk, opt, st);
    if (!v) {
      std::fprintf(stderr, "manifest: %s\n", v.err().describe().c_str());
      return false;
    }
    if (!items) return true;
    std::size_t k = 0;
    for (const auto& p : v->m.playlists)
      for (const auto& it : p.items) {
        if (hash) digests[k] = trust::digest_content(contents[k]);
        if (auto r = sg::verify_item(*v, pk, it, digests[k], opt.now, &st.approvals); !r) {
          std::fprintf(stderr, "item %zu: %s\n", k, r.err().describe().c_str());
          return false;
        }
        ++k;
      }
    sg::accept(st, *v, opt.now);
    return k == bundles;
  };
  std::vector<trust::content_digest> digests(bundles);
  for (std::size_t k = 0; k < bundles; ++k) digests[k] = trust::digest_content(contents[k]);
  std::vector<double> with_hash, without_hash, manifest_only, peer;
  // The peer: one minisign process per approval (and one for the manifest), in one shell.
  std::string script;
  for (std::size_t k = 0; k < bundles; ++k)
    script += "minisign -Vqm '" + files[k].string() + "' -p '" + approvers[signer[k]].pub.string() + "' || exit 1\n";
  {
    auto s = sg::from_wire(wire);
    write(dir / "manifest.json", s->body);
    write(dir / "manifest.json.minisig", s->signature);
    write(dir / "authority.pub", pk.to_file());
    script += "minisign -Vqm '" + (dir / "manifest.json").string() + "' -p '" + (dir / "authority.pub").string() + "' || exit 1\n";
  }
  write(dir / "peer.sh", script);
  const std::string peer_cmd = "sh '" + (dir / "peer.sh").string() + "' >/dev/null";
  for (int r = 0; r < runs; ++r) {  // interleaved, so every contender sees the same load
    auto a = clk::now();
    if (!verify_all(true, digests)) return 1;
    auto b = clk::now();
    if (!verify_all(false, digests)) return 1;
    auto c = clk::now();
    if (!verify_all(false, digests, false)) return 1;
    auto d = clk::now();
    with_hash.push_back(ms(b - a));
    without_hash.push_back(ms(c - b));
    manifest_only.push_back(ms(d - c));
    if (r % 3 == 0) {
      if (std::system(peer_cmd.c_str()) != 0) {
        std::fprintf(stderr, "minisign refused an approval\n");
        return 1;
      }
      peer.push_back(ms(clk::now() - d));
    }
  }
  auto w = summarise(with_hash), wo = summarise(without_hash), mo = summarise(manifest_only), p = summarise(peer);
  std::printf("manifest: %zu bundles of 64 KiB, %zu delegations, %zu revoked keys, wire form %zu bytes\n", bundles,
              m.delegations.size(), rl.revoked.size(), wire.size());
  std::printf("pbgdpl from_wire + verify_manifest (keyring built):            best %.2f ms  median %.2f ms  (%d runs)\n",
              mo.best, mo.median, runs);
  std::printf("pbgdpl verify_manifest + %zu x verify_item, digests known:   best %.2f ms  median %.2f ms  (%d runs)\n",
              bundles, wo.best, wo.median, runs);
  std::printf("pbgdpl verify_manifest + %zu x (digest + verify_item):         best %.2f ms  median %.2f ms  (%d runs)\n",
              bundles, w.best, w.median, runs);
  std::printf("minisign -V, %zu approvals + the manifest, one process each:  best %.2f ms  median %.2f ms  (%zu runs)\n",
              bundles, p.best, p.median, peer.size());
  std::printf("ratio minisign / pbgdpl (with digests), median: %.1f\n", p.median / w.median);
  return 0;
}
