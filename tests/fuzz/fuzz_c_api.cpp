// Fuzzes the C API's JSON entry points (include/pbgdpl/c/pbgdpl.h) as a foreign program calls
// them: NUL-terminated text, memory stores. The first byte picks the function; the rest is its
// JSON (a 0xFF byte, never in UTF-8, splits two JSON arguments). Stores: a fresh empty one per
// create; the seed in a shared one for search (read-only) and for reports (recreated every 512
// calls, since drafts accumulate). Keys, a signed approval and a packed bundle are made once.
// Properties (the C API's rules): never PBGDPL_C_INTERNAL (rule 6: a bug); on failure the
// out-params stay NULL (rule 1) and pbgdpl_last_error_json() is JSON naming the status and a code
// (rule 2); on success the output is JSON; a created record reads back identical and updates at
// its version; search without include_unpublished never returns the unpublished article;
// nothing verifies against a keyring the fuzzer made (only this process holds the key).
#include <pbgdpl/c/pbgdpl.h>

#include <nlohmann/json.hpp>

#include "fuzz_support.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

using nlohmann::json;

namespace {
[[noreturn]] void fail(const char* what, std::string_view in, std::string_view detail = {}) {
  std::fprintf(stderr, "%s\ninput: %.*s\ndetail: %.*s\nlast error: %s\n", what, static_cast<int>(std::min<std::size_t>(in.size(), 2000)),
               in.data(), static_cast<int>(std::min<std::size_t>(detail.size(), 2000)), detail.data(), pbgdpl_last_error_json());
  std::abort();
}

struct owned {
  char* p = nullptr;
  ~owned() { pbgdpl_free(p); }
  std::string_view view() const { return p ? std::string_view(p) : std::string_view(); }
};

const std::string seed_dir = fuzz_support::seed_dir();

pbgdpl_store* seeded() {
  pbgdpl_store* s = nullptr;
  if (pbgdpl_store_open_memory(&s) != PBGDPL_C_OK || pbgdpl_store_import_dataset(s, seed_dir.c_str(), "fuzz", nullptr) != PBGDPL_C_OK)
    std::abort();
  return s;
}

struct world {
  std::vector<std::string> kinds;
  pbgdpl_store* search_store = seeded();
  pbgdpl_store* report_store = seeded();
  unsigned report_calls = 0;
  std::string secret, pub, signature, template_json, draft_title;
  std::filesystem::path dir, bundle;
  const std::string data = "Nội dung được phê duyệt";

  world() {
    owned v;
    if (pbgdpl_version_json(&v.p) != PBGDPL_C_OK) std::abort();
    const auto version = json::parse(v.view());  // named: a range-for over a temporary's member dangles
    for (const auto& k : version["kinds"]) kinds.push_back(k.get<std::string>());
    owned sk, pk;
    if (pbgdpl_key_generate(&sk.p, &pk.p) != PBGDPL_C_OK) std::abort();
    secret = sk.p, pub = pk.p;
    owned a;
    const char* statement = R"({"content_id": "fuzz", "approver_unit": "truong-a", "approver_role": "school_approver",
      "use": "portal", "valid_from": "2025-01-01T00:00:00Z", "valid_until": "2035-01-01T00:00:00Z", "sequence": 1})";
    if (pbgdpl_approval_sign(secret.c_str(), nullptr, statement, data.data(), data.size(), &a.p) != PBGDPL_C_OK)
      std::abort();
    signature = json::parse(a.view())["signature"].get<std::string>();
    std::ifstream t(seed_dir + "/report_templates.json");
    template_json = json::parse(t)[0].dump();
    std::ifstream arts(seed_dir + "/articles.json");
    for (const auto& art : json::parse(arts))
      if (art.value("state", "") != "published") draft_title = art["title"].get<std::string>();
    std::string tmp = (std::filesystem::temp_directory_path() / "pbgdpl-fuzz-capi-XXXXXX").string();
    if (!::mkdtemp(tmp.data())) std::abort();
    dir = tmp;
    bundle = dir / "goi";
    std::filesystem::create_directories(bundle);
    std::ofstream(bundle / "bai-giang.txt") << data;
  }
  ~world() {
    pbgdpl_store_close(search_store);
    pbgdpl_store_close(report_store);
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  static world& the() {
    static world w;
    return w;
  }
};

void check_status(pbgdpl_c_status st, const owned& out, std::string_view in, bool json_out = true) {
  if (st == PBGDPL_C_INTERNAL) fail("PBGDPL_C_INTERNAL", in);
  if (st != PBGDPL_C_OK) {
    if (out.p) fail("an out-param was set on failure", in, out.view());
    json e = json::parse(pbgdpl_last_error_json(), nullptr, false);
    if (e.is_discarded() || !e.is_object() || e.value("status", "") != pbgdpl_status_name(st) || e.value("code", "").empty() ||
        e.value("vi", "").empty() || e.value("en", "").empty())
      fail("last error is not the documented JSON", in);
    return;
  }
  if (json_out && out.p && json::parse(out.view(), nullptr, false).is_discarded()) fail("output is not JSON", in, out.view());
}

bool holds_our_key(std::string_view arg, const world& w) {
  auto nl = w.pub.find('\n');
  return arg.find(std::string_view(w.pub).substr(nl + 1, 20)) != std::string_view::npos;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto& w = world::the();
  if (size < 2) return 0;
  std::string in(reinterpret_cast<const char*>(data + 2), size - 2);
  std::string a = in, b;
  if (auto cut = in.find('\xff'); cut != std::string::npos) a = in.substr(0, cut), b = in.substr(cut + 1);
  a = a.c_str(), b = b.c_str();  // what a C caller can pass: up to the first NUL
  const std::string& kind = w.kinds[data[1] % w.kinds.size()];
  switch (data[0] % 9) {
    case 0: {  // create, then read back and update at the version it got
      pbgdpl_store* s = nullptr;
      if (pbgdpl_store_open_memory(&s) != PBGDPL_C_OK) std::abort();
      owned out;
      auto st = pbgdpl_store_create(s, kind.c_str(), a.c_str(), "fuzz", &out.p);
      check_status(st, out, in);
      if (st == PBGDPL_C_OK) {
        auto rec = json::parse(out.view());
        owned got;
        auto id = rec.value("id", "");
        if (pbgdpl_store_get(s, kind.c_str(), id.c_str(), &got.p) != PBGDPL_C_OK) fail("created record not found", in, out.view());
        if (json::parse(got.view()) != rec) fail("created record reads back different", in, got.view());
        owned upd;
        auto ust = pbgdpl_store_update(s, kind.c_str(), out.p, "fuzz", &upd.p);
        if (ust != PBGDPL_C_OK) fail("a record as stored does not update at its version", in, out.view());
        if (json::parse(upd.view()).value("version", 0u) != rec.value("version", 0u) + 1) fail("version did not grow", in, upd.view());
      }
      pbgdpl_store_close(s);
      break;
    }
    case 1: {  // update on an empty store: never OK
      pbgdpl_store* s = nullptr;
      if (pbgdpl_store_open_memory(&s) != PBGDPL_C_OK) std::abort();
      owned out;
      auto st = pbgdpl_store_update(s, kind.c_str(), a.c_str(), "fuzz", &out.p);
      check_status(st, out, in);
      if (st == PBGDPL_C_OK) fail("an update created a record", in, out.view());
      pbgdpl_store_close(s);
      break;
    }
    case 2: {
      owned out;
      auto st = pbgdpl_store_search(w.search_store, a.c_str(), &out.p);
      check_status(st, out, in);
      if (st == PBGDPL_C_OK) {
        auto r = json::parse(out.view());
        if (!r["items"].is_array() || r["items"].size() > 100) fail("search answered more than 100 items", in, out.view());
        if (a.find("include_unpublished") == std::string::npos && a.find("\\u") == std::string::npos)
          for (const auto& it : r["items"])
            if (it.value("title", "") == w.draft_title) fail("search returned unpublished content", in, out.view());
      }
      break;
    }
    case 3: {
      owned out;
      check_status(pbgdpl_signage_timeline(a.c_str(), &out.p), out, in);
      break;
    }
    case 4: {
      owned out;
      bool split = in.find('\xff') != std::string::npos;
      auto st = pbgdpl_report_validate(split ? a.c_str() : w.template_json.c_str(), split ? b.c_str() : a.c_str(), &out.p);
      check_status(st, out, in);
      if (st == PBGDPL_C_OK && !json::parse(out.view())["valid"].is_boolean()) fail("no \"valid\" in the answer", in, out.view());
      break;
    }
    case 5: {  // reports on the seed: open a draft, save values
      if (++w.report_calls % 512 == 0) {
        pbgdpl_store_close(w.report_store);
        w.report_store = seeded();
      }
      owned out;
      if (data[1] % 2 == 0) check_status(pbgdpl_report_open_draft(w.report_store, a.c_str(), &out.p), out, in);
      else check_status(pbgdpl_report_save_values(w.report_store, a.c_str(), &out.p), out, in);
      break;
    }
    case 6: {  // a genuine approval against a keyring the input describes
      owned out;
      auto st = pbgdpl_approval_verify(a.c_str(), w.signature.c_str(), w.data.data(), w.data.size(), b.empty() ? nullptr : b.c_str(), &out.p);
      check_status(st, out, in);
      if (st == PBGDPL_C_OK && !holds_our_key(a, w)) fail("verified against a keyring without the signer's key", in, out.view());
      break;
    }
    case 7: {  // sign a statement and a delegation with our key; the approval verifies as minisign
      owned out;
      auto st = pbgdpl_approval_sign(w.secret.c_str(), nullptr, a.c_str(), w.data.data(), w.data.size(), &out.p);
      check_status(st, out, in);
      if (st == PBGDPL_C_OK) {
        auto sig = json::parse(out.view())["signature"].get<std::string>();
        if (pbgdpl_verify(w.pub.c_str(), sig.c_str(), w.data.data(), w.data.size(), nullptr) != PBGDPL_C_OK)
          fail("an approval we signed does not verify", in, sig);
        std::string other = w.data + ".";
        if (pbgdpl_verify(w.pub.c_str(), sig.c_str(), other.data(), other.size(), nullptr) == PBGDPL_C_OK)
          fail("an approval verifies over other bytes", in, sig);
      }
      owned d;
      auto ds = pbgdpl_delegation_sign(w.secret.c_str(), nullptr, w.pub.c_str(), b.c_str(), &d.p);
      check_status(ds, d, in, false);  // a .minisig text, not JSON
      if (ds == PBGDPL_C_OK && d.view().find("trusted comment: ") == std::string_view::npos) fail("a delegation is not a .minisig", in, d.view());
      break;
    }
    default: {  // bundles: pack with the input's options, verify against the input's keyring
      owned out;
      if (data[1] % 2 == 0) {
        check_status(pbgdpl_bundle_pack(w.bundle.c_str(), w.secret.c_str(), nullptr, a.c_str(), &out.p), out, in);
      } else {
        auto st = pbgdpl_bundle_verify(w.bundle.c_str(), a.c_str(), b.empty() ? nullptr : b.c_str(), &out.p);
        check_status(st, out, in);
        if (st == PBGDPL_C_OK && !holds_our_key(a, w)) fail("a bundle verified against a keyring without the signer's key", in, out.view());
      }
    }
  }
  return 0;
}
