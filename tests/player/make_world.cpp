// Test helper for tests/player: a small signed signage world for one display, made fresh by each
// test run. An authority (a district office) with a root key and a delegated approver key,
// approvals for the legal items, and a manifest signed by the root key that plays the given files
// all day in a three-zone layout (legal zone, notice zone, ticker band).
//
//   pbgdpl_test_signage_world OUT_DIR DISPLAY WIDTH HEIGHT ITEM...
//   ITEM = FILE|ZONE|LEGAL|SECONDS|MEDIA_TYPE|APPROVAL
//     ZONE: phap-luat (legal), thong-bao (notice); LEGAL: 1 or 0;
//     APPROVAL: ok (approved for these bytes), other (an approval of other bytes), none.
//
// Writes OUT_DIR/authority.pub (the root's .pub text, which the display pins),
// OUT_DIR/manifest.json (the wire form: {"manifest": body, "signature": minisig}), sequence 1,
// without the items whose APPROVAL is `other`, and OUT_DIR/manifest2.json, sequence 2, with every
// item (a manifest a player must refuse whole, keeping sequence 1).
#include <pbgdpl/signage/manifest.hpp>
#include <pbgdpl/trust/approval.hpp>
#include <pbgdpl/trust/hash.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

using namespace pbgdpl;
using namespace std::chrono_literals;

namespace {

std::string read(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void write(const std::filesystem::path& p, const std::string& s) {
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f << s;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 6) {
    std::cerr << "usage: pbgdpl_test_signage_world OUT_DIR DISPLAY WIDTH HEIGHT FILE|ZONE|LEGAL|SECONDS|TYPE|APPROVAL...\n";
    return 2;
  }
  const std::filesystem::path out = argv[1];
  const std::string display = argv[2];
  const auto width = static_cast<std::uint32_t>(std::stoul(argv[3]));
  const auto height = static_cast<std::uint32_t>(std::stoul(argv[4]));
  std::filesystem::create_directories(out);

  const timestamp now = pbgdpl::now();
  const std::string authority = "pgd-ha-dong";
  auto root = trust::secret_key::generate();
  auto approver = trust::secret_key::generate();
  trust::delegation dg;
  dg.authority = unit_id{authority};
  dg.key = approver.public_part();
  dg.unit = unit_id{authority};
  dg.approver_role = role::division_approver;
  dg.uses = {approval_use::signage_school, approval_use::signage_public};
  dg.valid_from = now - 24h;
  dg.valid_until = now + 24h * 30;
  dg.sequence = 1;

  signage::manifest m;
  m.display = display;
  m.unit = "th-van-yen";
  m.authority = authority;
  m.sequence = 1;
  m.issued_at = now - 60s;
  m.expires_at = now + 24h;
  m.use = approval_use::signage_school;
  m.width = width;
  m.height = height;
  const std::uint32_t band = height / 8, main_h = height - band, legal_w = width * 3 / 4;
  layout l;
  l.id = layout_id{"cau-thang"};
  l.name = "Cầu thang";
  l.width = width;
  l.height = height;
  l.zones = {zone{"phap-luat", 0, 0, legal_w, main_h, true, false}, zone{"thong-bao", legal_w, 0, width - legal_w, main_h, false, false},
             zone{"chay-chu", 0, main_h, width, band, false, true}};
  m.layouts.push_back(l);
  signage::manifest_playlist p;
  p.id = "phap-luat-hang-ngay";
  p.name = "Pháp luật hằng ngày";
  p.layout = "cau-thang";
  p.ticker = "Ngày Pháp luật Việt Nam 9/11 — Học sinh đội mũ bảo hiểm khi đi xe máy — Legal education at school";
  signage::manifest_playlist good = p;  // sequence 1: the approved items only
  int n = 0;
  for (int i = 5; i < argc; ++i) {
    const auto f = split(argv[i], '|');
    if (f.size() != 6) {
      std::cerr << "bad item: " << argv[i] << "\n";
      return 2;
    }
    const std::string bytes = read(f[0]);
    signage::manifest_item it;
    it.media = "media-" + std::to_string(++n);
    it.title = std::filesystem::path(f[0]).filename().string();
    it.blake2b = trust::to_hex(trust::blake2b_256(bytes));
    it.size = bytes.size();
    it.media_type = f[4];
    it.duration_seconds = static_cast<std::uint32_t>(std::stoul(f[3]));
    it.zone = f[1];
    it.legal = f[2] == "1";
    if (f[5] != "none") {
      trust::approval_statement s;
      s.id = "appr-" + it.media;
      s.content_id = it.media;
      s.approver_unit = unit_id{authority};
      s.approver_role = role::division_approver;
      s.use = approval_use::signage_school;
      s.valid_from = now - 24h;
      s.valid_until = now + 24h * 30;
      s.sequence = 1;
      auto sig = trust::sign_approval(approver, s, trust::digest_content(f[5] == "ok" ? bytes : bytes + "other"));
      if (!sig) {
        std::cerr << sig.err().describe() << "\n";
        return 1;
      }
      it.approval = sig->to_text();
    }
    p.items.push_back(it);
    if (f[5] != "other") good.items.push_back(it);
  }
  m.playlists.push_back(good);
  schedule_entry e;
  e.id = schedule_id{"ca-ngay"};
  e.playlist = playlist_id{p.id};
  e.group = display_group_id{"nha-a"};
  e.start_time = "00:00";
  e.end_time = "24:00";
  e.valid_from = std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(now - 48h)};
  m.entries.push_back(e);
  m.delegations = {trust::sign_delegation(root, dg).to_text()};
  m.units = {{"pgd-ha-dong", "so-gddt-ha-noi"}, {"th-van-yen", "pgd-ha-dong"}};

  write(out / "authority.pub", root.public_part().to_file());
  write(out / "manifest.json", signage::to_wire(signage::sign_manifest(root, m)));
  m.sequence = 2;
  m.playlists = {p};
  write(out / "manifest2.json", signage::to_wire(signage::sign_manifest(root, m)));
  return 0;
}
