// A small signage world for the manifest and proof-of-play tests: an authority (a district
// education office under the city's department) with its root key, an approver key it delegated,
// media bytes with approvals, and a manifest for one display that plays them.
#pragma once
#include <pbgdpl/signage/manifest.hpp>

#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <vector>

namespace signage_test {
namespace fs = std::filesystem;
using namespace pbgdpl;
using namespace std::chrono_literals;

inline const timestamp t0 = timestamp{std::chrono::sys_days{std::chrono::year{2026} / 9 / 1}};

inline fs::path scratch(const std::string& name) {
  fs::path p = fs::path(PBGDPL_BINARY_DIR) / "test-tmp" / "signage" / name;
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

inline void write(const fs::path& p, const std::string& s) {
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f << s;
}

inline std::string read(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

inline std::string quote(const fs::path& p) {
  std::string s = "'";
  for (char c : p.string()) s += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return s + "'";
}

// Runs a command; its exit status (-1 if it did not exit normally) and its standard output.
inline int run(const std::string& cmd, std::string* out = nullptr) {
  std::string o;
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return -1;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) o.append(buf, n);
  int rc = ::pclose(p);
  if (out) *out = o;
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

struct world {
  trust::secret_key root = trust::secret_key::generate();      // the district's signing key
  trust::secret_key approver = trust::secret_key::generate();  // the district approver's key
  std::string authority = "pgd-ha-dong";
  trust::delegation dg;
  std::vector<std::string> contents;  // the bytes of each item, in manifest order

  world() {
    dg.authority = unit_id{authority};
    dg.key = approver.public_part();
    dg.unit = unit_id{authority};
    dg.approver_role = role::division_approver;
    dg.uses = {approval_use::signage_school, approval_use::signage_public};
    dg.valid_from = t0;
    dg.valid_until = t0 + 24h * 365;
    dg.sequence = 1;
  }

  trust::approval_statement statement(const std::string& content_id, std::uint64_t seq = 1,
                                      approval_use use = approval_use::signage_school) const {
    trust::approval_statement s;
    s.id = "appr-" + content_id + "-" + std::to_string(seq);
    s.content_id = content_id;
    s.approver_unit = unit_id{authority};
    s.approver_role = role::division_approver;
    s.use = use;
    s.valid_from = t0;
    s.valid_until = t0 + 24h * 60;
    s.sequence = seq;
    return s;
  }

  std::string approve(const std::string& bytes, const trust::approval_statement& s,
                      const trust::secret_key* key = nullptr) const {
    auto sig = trust::sign_approval(key ? *key : approver, s, trust::digest_content(bytes));
    if (!sig) FAIL(sig.err().describe());
    return sig->to_text();
  }

  signage::manifest_item item(const std::string& media, const std::string& bytes, bool legal = true,
                              std::uint64_t seq = 1, approval_use use = approval_use::signage_school) const {
    signage::manifest_item it;
    it.media = media;
    it.title = "Luật Giao thông đường bộ: " + media;
    it.blake2b = trust::to_hex(trust::blake2b_256(bytes));
    it.size = bytes.size();
    it.media_type = "image/png";
    it.duration_seconds = 10;
    it.zone = legal ? "phap-luat" : "thong-bao";
    it.legal = legal;
    if (legal) it.approval = approve(bytes, statement(media, seq, use));
    return it;
  }

  // A manifest for display "cau-thang-a2" playing `n` legal items and one local notice.
  signage::manifest make(std::size_t n = 3, std::uint64_t sequence = 1) {
    signage::manifest m;
    m.display = "cau-thang-a2";
    m.unit = "th-van-yen";
    m.authority = authority;
    m.sequence = sequence;
    m.issued_at = t0 + 24h;
    m.expires_at = t0 + 24h * 8;
    m.use = approval_use::signage_school;
    layout l;
    l.id = layout_id{"hai-vung"};
    l.name = "Hai vùng";
    l.zones = {{"phap-luat", 0, 0, 1440, 1080, true}, {"thong-bao", 1440, 0, 480, 1080, false}};
    m.layouts.push_back(l);
    signage::manifest_playlist p;
    p.id = "an-toan-giao-thong";
    p.name = "Tháng an toàn giao thông";
    p.layout = "hai-vung";
    p.ticker = "Học sinh đội mũ bảo hiểm khi đi xe máy";
    contents.clear();
    for (std::size_t i = 0; i < n; ++i) {
      contents.push_back("PNG bytes of infographic " + std::to_string(i));
      p.items.push_back(item("infographic-" + std::to_string(i), contents.back()));
    }
    contents.push_back("Thông báo: họp phụ huynh thứ Bảy");
    p.items.push_back(item("thong-bao-hop", contents.back(), false));
    m.playlists.push_back(p);
    schedule_entry e;
    e.id = schedule_id{"ca-ngay"};
    e.playlist = playlist_id{"an-toan-giao-thong"};
    e.group = display_group_id{"nha-a"};
    e.start_time = "06:30";
    e.end_time = "17:30";
    e.valid_from = std::chrono::year{2026} / 9 / 1;
    m.entries.push_back(e);
    m.delegations = {trust::sign_delegation(root, dg).to_text()};
    m.units = {{"pgd-ha-dong", "so-gddt-ha-noi"}, {"th-van-yen", "pgd-ha-dong"}};
    return m;
  }

  signage::verify_options at(timestamp now, std::string display = "cau-thang-a2") const {
    signage::verify_options o;
    o.display = std::move(display);
    o.now = now;
    return o;
  }
};

// Signs a body as it is (no validation), with a trusted comment naming what the caller says.
inline signage::signed_manifest sign_raw(const trust::secret_key& key, std::string body, const std::string& display,
                                         std::uint64_t sequence, timestamp expires_at) {
  signage::manifest_comment c{display, sequence, expires_at, trust::to_hex(trust::blake2b_256(body))};
  auto sig = trust::sign(key, body, trust::detail::compact(to_json_value(c)));
  return {std::move(body), sig.to_text()};
}

}  // namespace signage_test
