// pbgdpl_portal: the reference portal, the demo's main job. One server for the division and its
// schools, backed by the embedded SQLite store in a data directory (./var by default), seeded
// with the demo data on first run and reused after.
//
//   pbgdpl_portal [--listen 127.0.0.1:8080] [--data var] [--seed data/seed] [--theme DIR]
//                 [--threads N] [--quiet] [--no-page-cache]
//                 [--max-connections N] [--max-connections-per-client N] [--trusted-proxy ADDR[/BITS]]...
//                 [--base-url URL] [--public-prefix /PATH] [--widget-frame-ancestors SOURCES]
//                 [--hotline PHONE] [--ask-url URL] [--webhook-retry-base SECONDS] [--webhook-workers N]
//                 [--crawl-schools own|websites]
//                 [--aggregate-interval SECONDS] [--aggregate-local] [--aggregate-allow-private]
//   Behind a reverse proxy (examples/reverse_proxy/): --base-url is the public origin absolute URLs
//   use (default http://<listen address>), --public-prefix the path the proxy strips ("/phap-luat").
//   A proxy named by --trusted-proxy may instead say both per request (X-Forwarded-Proto, -Host,
//   -Prefix; portal/options.hpp forwarded_url).
//   --widget-frame-ancestors: the sites whose pages may frame the widgets' iframe pages
//   (/pbgdpl/tien-ich/.../khung; docs/integrating.md), e.g. 'https://*.edu.vn'; default '*'.
//   --hotline shows a legal-advice phone line in every footer and on the questions page; --ask-url
//   is where "Gửi câu hỏi" leads (default: the portal's own question form of each unit,
//   /pbgdpl/hoi-dap/gui-cau-hoi). The demo sets no number: the plan names none.
//   --no-page-cache keeps no rendered page, so every request reads the store and renders (for
//   measuring the uncached path; benchmarks/portal/run.sh).
//   The webhook dispatcher and the publication timer run in this process (network/webhooks.hpp):
//   scheduled articles appear at their time with no request needed, and their webhooks fire.
//   --webhook-retry-base is the first retry's delay (default 30 s; tests use 1). Reminders of
//   yearly reports due soon are checked hourly and go out as "report.reminder" webhook events.
//   Feed aggregation (network/aggregator.hpp) runs in this process too: every --aggregate-interval
//   seconds (default 0: never) the feeds of the schools are read and their entries shown on
//   each unit's "Tin từ các trường" page. --aggregate-local subscribes every school to its own
//   feed on this portal (the demo's schools live here); --aggregate-allow-private lets feeds on
//   loopback and the private network be read (tests; --aggregate-local implies it).
#include <pbgdpl/core/files.hpp>
#include <pbgdpl/http/server.hpp>
#include <pbgdpl/network/aggregator.hpp>
//   Upward syndication (network/syndication.hpp): every unit's signed export package is served at
//   <unit>/pbgdpl/lien-thong/goi.json (+ .minisig, khoa.pub), signed with the portal's key
//   <data>/syndication.key (made on first start, unencrypted, 0600; its public half beside it as
//   syndication.pub, which the city pins). Off by default, --syndicate-url URL also pushes the
//   package of --syndicate-unit (default: the portal's own unit) there at start and each
//   --syndicate-interval SECONDS (default 3600) when it changed; --syndicate-retry-base SECONDS
//   is the first retry's delay (default 30; tests use 1); --syndicate-header "Name: value" adds a
//   header to each push (an Authorization the city issued).
//   --clock-offset SECONDS moves the portal's clock (what is published, what the screens play, the
//   editor's and the API's times) by that much: tests of the legal staircase at a given hour, and
//   a demo shown outside school hours. Sessions and device signatures keep the machine's time.
//   Report reminders through a plugin notifier (plugin/host.hpp) instead of the webhooks:
//   --notifier ID --notifier-config JSON|@FILE loads plugin ID (its manifest ID.json) from the
//   --plugin-dir directories (repeatable; PBGDPL_PLUGIN_PATH too) and creates it with that
//   configuration, e.g. --notifier smtp --notifier-config @smtp.json for e-mail reminders. The
//   plugin reaches only the hosts given by --plugin-allow-host (repeatable), and loopback only
//   with --plugin-allow-loopback. A plugin that does not load stops the portal before it serves.
//   --store ID --store-config JSON|@FILE keeps the records in a store plugin (from the same
//   --plugin-dir directories) instead of <data>/pbgdpl.db (the default, --store sqlite): e.g.
//   --store postgres with {"conninfo": "...", "schema": "pbgdpl"} lets several portal processes
//   share one database, each seeing the others' writes at its next request.
#include <pbgdpl/core/files.hpp>
#include <pbgdpl/http/server.hpp>
#include <pbgdpl/network/syndication_push.hpp>
#include <pbgdpl/network/webhooks.hpp>
#include <pbgdpl/network/compliance_runs.hpp>
#include <pbgdpl/portal/accounts.hpp>
#include <pbgdpl/portal/auth.hpp>
#include <pbgdpl/portal/editor.hpp>
#include <pbgdpl/portal/signage_api.hpp>
#include <pbgdpl/portal/site.hpp>
#include <pbgdpl/portal/syndication.hpp>
#include <pbgdpl/portal/widgets.hpp>
#include <pbgdpl/publish/rendered.hpp>
#include <pbgdpl/reports/notifier.hpp>
#include <pbgdpl/reports/periods.hpp>
#include <pbgdpl/plugin/host.hpp>
#include <pbgdpl/store/import.hpp>
#include <pbgdpl/store/sqlite.hpp>

#include "demo_reports.hpp"
#include "demo_signage.hpp"

#include <sodium.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

namespace fs = std::filesystem;
using namespace pbgdpl;

namespace {

int fail(const error& e) {
  std::cerr << "pbgdpl_portal: LỖI / ERROR: " << e.describe() << "\n";
  for (const auto& d : e.details) std::cerr << "  " << d.describe() << "\n";
  return 1;
}

struct args {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8080;
  fs::path data = "var";
  fs::path seed = "data/seed";
  fs::path theme;
  unsigned threads = 0;
  bool quiet = false;
  bool no_page_cache = false;
  std::size_t max_connections = 1024;
  std::optional<std::size_t> max_connections_per_client;  // unset: the server's default (max / 16)
  std::vector<std::string> trusted_proxies;
  std::string base_url;       // "": http://<address>:<port>
  std::string public_prefix;  // canonical ("" or "/phap-luat")
  std::string widget_frame_ancestors = "*";  // the sites that may frame the widgets' iframe pages
  std::string hotline, ask_url;
  unsigned webhook_retry_base = 30;
  unsigned webhook_workers = 2;
  // "own": crawl the schools' sections this portal serves (the demo's school sites); "websites":
  // their recorded websites; "": no crawl at start. Either stores a compliance run.
  std::string crawl_schools;
  unsigned aggregate_interval = 0;  // off unless asked: a test portal reads nobody's feeds
  bool aggregate_local = false, aggregate_private = false;
  std::string syndicate_url, syndicate_unit;
  unsigned syndicate_interval = 3600, syndicate_retry_base = 30;
  std::vector<std::pair<std::string, std::string>> syndicate_headers;
  std::int64_t clock_offset = 0;  // seconds added to the portal's clock (tests of a given hour)
  // A plugin notifier for report reminders (--notifier); empty: the built-in webhook notifier.
  std::vector<fs::path> plugin_dirs;
  std::string notifier_plugin;
  json notifier_config = json::object();
  std::vector<std::string> plugin_allowed_hosts;
  bool plugin_allow_loopback = false;
  // The store: "sqlite" (<data>/pbgdpl.db) or a store plugin's id, with its configuration.
  std::string store = "sqlite";
  json store_config = json::object();
};

result<args> parse_args(int argc, char** argv) {
  args a;
  for (int i = 1; i < argc; ++i) {
    std::string_view k = argv[i];
    auto value = [&]() -> result<std::string> {
      if (i + 1 >= argc) return error(errc::invalid_argument, std::string(k), "Thiếu giá trị", "Missing value");
      return std::string(argv[++i]);
    };
    if (k == "--listen") {
      auto v = value();
      if (!v) return v.err();
      auto colon = v->rfind(':');
      if (colon == std::string::npos) return error(errc::invalid_argument, "--listen", "Cần dạng địa-chỉ:cổng", "Expected address:port");
      a.address = v->substr(0, colon);
      int p = std::atoi(v->c_str() + colon + 1);
      if (p < 0 || p > 65535) return error(errc::out_of_range, "--listen", "Cổng không hợp lệ", "Invalid port");
      a.port = static_cast<std::uint16_t>(p);
    } else if (k == "--data" || k == "--seed" || k == "--theme") {
      auto v = value();
      if (!v) return v.err();
      (k == "--data" ? a.data : k == "--seed" ? a.seed : a.theme) = *v;
    } else if (k == "--threads") {
      auto v = value();
      if (!v) return v.err();
      a.threads = static_cast<unsigned>(std::atoi(v->c_str()));
    } else if (k == "--quiet") {
      a.quiet = true;
    } else if (k == "--no-page-cache") {
      a.no_page_cache = true;
    } else if (k == "--max-connections" || k == "--max-connections-per-client") {
      auto v = value();
      if (!v) return v.err();
      long n = std::atol(v->c_str());
      if (n < 0) return error(errc::out_of_range, std::string(k), "Số không hợp lệ", "Invalid number");
      if (k == "--max-connections") a.max_connections = static_cast<std::size_t>(n);
      else a.max_connections_per_client = static_cast<std::size_t>(n);
    } else if (k == "--hotline" || k == "--ask-url") {
      auto v = value();
      if (!v) return v.err();
      auto ok = k == "--hotline" ? portal::hotline_tel(*v) : portal::checked_ask_url(*v);
      if (!ok) return ok.err();
      (k == "--hotline" ? a.hotline : a.ask_url) = *v;
    } else if (k == "--webhook-retry-base" || k == "--webhook-workers") {
      auto v = value();
      if (!v) return v.err();
      long n = std::atol(v->c_str());
      if (n < 1 || n > 86400) return error(errc::out_of_range, std::string(k), "Số không hợp lệ", "Invalid number");
      (k == "--webhook-workers" ? a.webhook_workers : a.webhook_retry_base) = static_cast<unsigned>(n);
    } else if (k == "--crawl-schools") {
      auto v = value();
      if (!v) return v.err();
      if (*v != "own" && *v != "websites")
        return error(errc::invalid_argument, "--crawl-schools", "Cần own hoặc websites", "Expected own or websites");
      a.crawl_schools = *v;
    } else if (k == "--aggregate-interval") {
      auto v = value();
      if (!v) return v.err();
      int n = 0;
      if (!detail::parse_int(*v, n) || n < 0 || n > 7 * 24 * 3600)
        return error(errc::out_of_range, "--aggregate-interval", "Cần số giây 0-604800", "Expected 0-604800 seconds");
      a.aggregate_interval = static_cast<unsigned>(n);
    } else if (k == "--aggregate-local") {
      a.aggregate_local = true;
    } else if (k == "--aggregate-allow-private") {
      a.aggregate_private = true;
    } else if (k == "--syndicate-url" || k == "--syndicate-unit") {
      auto v = value();
      if (!v) return v.err();
      if (k == "--syndicate-url" && !rules::is_web_url(*v))
        return error(errc::invalid_argument, "--syndicate-url", "Cần địa chỉ http:// hoặc https://", "Expected an http:// or https:// URL");
      (k == "--syndicate-url" ? a.syndicate_url : a.syndicate_unit) = *v;
    } else if (k == "--syndicate-interval" || k == "--syndicate-retry-base") {
      auto v = value();
      if (!v) return v.err();
      long n = std::atol(v->c_str());
      if (n < 1 || n > 7 * 86400) return error(errc::out_of_range, std::string(k), "Số không hợp lệ", "Invalid number");
      (k == "--syndicate-interval" ? a.syndicate_interval : a.syndicate_retry_base) = static_cast<unsigned>(n);
    } else if (k == "--syndicate-header") {
      auto v = value();
      if (!v) return v.err();
      auto colon = v->find(':');
      if (colon == std::string::npos || colon == 0 || v->find_first_of("\r\n") != std::string::npos)
        return error(errc::invalid_argument, "--syndicate-header", "Cần dạng \"Tên: giá trị\"", "Expected \"Name: value\"");
      auto val = v->substr(colon + 1);
      val.erase(0, val.find_first_not_of(' '));
      a.syndicate_headers.emplace_back(v->substr(0, colon), val);
    } else if (k == "--clock-offset") {
      auto v = value();
      if (!v) return v.err();
      long long n = 0;
      const char* b = v->c_str();
      char* e = nullptr;
      n = std::strtoll(b, &e, 10);
      if (v->empty() || *e != '\0' || n < -366LL * 86400 || n > 366LL * 86400)
        return error(errc::out_of_range, "--clock-offset", "Cần số giây trong khoảng một năm", "Expected seconds within a year");
      a.clock_offset = n;
    } else if (k == "--base-url") {
      auto v = value();
      if (!v) return v.err();
      auto u = portal::checked_base_url(*v);
      if (!u) return error(u.err().code, "--base-url", u.err().message_vi, u.err().message_en);
      a.base_url = *u;
    } else if (k == "--public-prefix") {
      auto v = value();
      if (!v) return v.err();
      auto p = portal::checked_public_prefix(*v);
      if (!p) return error(p.err().code, "--public-prefix", p.err().message_vi, p.err().message_en);
      a.public_prefix = *p;
    } else if (k == "--widget-frame-ancestors") {
      auto v = value();
      if (!v) return v.err();
      auto f = portal::checked_frame_ancestors(*v);
      if (!f) return error(f.err().code, "--widget-frame-ancestors", f.err().message_vi, f.err().message_en);
      a.widget_frame_ancestors = *f;
    } else if (k == "--trusted-proxy") {
      auto v = value();
      if (!v) return v.err();
      a.trusted_proxies.push_back(*v);
    } else if (k == "--plugin-dir" || k == "--plugin-allow-host") {
      auto v = value();
      if (!v) return v.err();
      if (v->empty()) return error(errc::invalid_argument, std::string(k), "Giá trị rỗng", "Empty value");
      if (k == "--plugin-dir") a.plugin_dirs.emplace_back(*v);
      else a.plugin_allowed_hosts.push_back(*v);
    } else if (k == "--plugin-allow-loopback") {
      a.plugin_allow_loopback = true;
    } else if (k == "--notifier") {
      auto v = value();
      if (!v) return v.err();
      bool ok = !v->empty() && v->size() <= 64 && std::all_of(v->begin(), v->end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
      });
      if (!ok) return error(errc::invalid_argument, "--notifier", "Mã plugin chỉ gồm a-z, 0-9, _ và -", "A plugin id is [a-z0-9_-]{1,64}");
      a.notifier_plugin = *v;
    } else if (k == "--notifier-config" || k == "--store-config") {
      auto v = value();
      if (!v) return v.err();
      std::string text = *v;
      if (!text.empty() && text[0] == '@') {
        // The configuration holds secrets (a password, a token): a file keeps them out of `ps`.
        auto file = files::read_regular(text.substr(1), 1u << 20);
        if (!file) return error(file.err().code, std::string(k), file.err().message_vi, file.err().message_en);
        text = std::move(*file);
      }
      auto j = json::parse(text, nullptr, false);
      if (j.is_discarded() || !j.is_object())
        return error(errc::parse_error, std::string(k), "Cấu hình plugin phải là một đối tượng JSON",
                     "The plugin configuration must be a JSON object");
      (k == "--store-config" ? a.store_config : a.notifier_config) = std::move(j);
    } else if (k == "--store") {
      auto v = value();
      if (!v) return v.err();
      bool ok = !v->empty() && v->size() <= 64 && std::all_of(v->begin(), v->end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
      });
      if (!ok) return error(errc::invalid_argument, "--store", "Mã kho dữ liệu chỉ gồm a-z, 0-9, _ và -", "A store id is [a-z0-9_-]{1,64}");
      a.store = *v;
    } else if (k == "--help" || k == "-h") {
      std::cout << "pbgdpl_portal [--listen 127.0.0.1:8080] [--data var] [--seed data/seed] [--theme DIR] [--threads N] [--quiet] [--no-page-cache]\n"
                   "              [--max-connections N] [--max-connections-per-client N] [--trusted-proxy ADDR[/BITS]]...\n"
                   "              [--base-url http(s)://HOST[:PORT]] [--public-prefix /PATH]\n"
                   "              [--widget-frame-ancestors 'https://*.edu.vn ...']\n"
                   "              [--hotline PHONE] [--ask-url URL] [--webhook-retry-base SECONDS] [--webhook-workers N]\n"
                   "              [--crawl-schools own|websites]\n"
                   "              [--aggregate-interval SECONDS] [--aggregate-local] [--aggregate-allow-private]\n"
                   "              [--syndicate-url URL] [--syndicate-unit ID] [--syndicate-interval SECONDS]\n"
                   "              [--syndicate-retry-base SECONDS] [--syndicate-header \"Name: value\"]...\n"
                   "              [--clock-offset SECONDS]\n"
                   "              [--plugin-dir DIR]... [--notifier ID --notifier-config JSON|@FILE]\n"
                   "              [--plugin-allow-host HOST]... [--plugin-allow-loopback]\n"
                   "              [--store sqlite|ID] [--store-config JSON|@FILE]\n";
      std::exit(0);
    } else {
      return error(errc::invalid_argument, std::string(k), "Tham số không biết: " + std::string(k), "Unknown option: " + std::string(k));
    }
  }
  return a;
}

// Keys recorded by earlier versions in <data>/api-keys.json move into the store once (the file is
// renamed *.migrated afterwards, so a second start does not read it again).
result<void> migrate_key_file(const fs::path& data, portal::account_service& accounts) {
  auto file = data / "api-keys.json";
  if (!fs::exists(file)) return {};
  std::ifstream in(file);
  std::stringstream ss;
  ss << in.rdbuf();
  auto j = json_io::parse(ss.str());
  if (!j || !j->is_array()) return error(errc::corrupt, file.string(), "Tệp khóa API hỏng", "The API key file is damaged");
  std::vector<trust::token_record> rs;
  for (const auto& item : *j) {
    trust::token_record r;
    try {
      from_json(item, r);
    } catch (const std::exception&) {
      return error(errc::corrupt, file.string(), "Tệp khóa API hỏng", "The API key file is damaged");
    }
    rs.push_back(std::move(r));
  }
  auto n = accounts.import_token_records(rs, "migration");
  if (!n) return n.err();
  std::error_code ec;
  fs::rename(file, data / "api-keys.json.migrated", ec);
  if (ec) return error(errc::io_error, file.string(), "Không đổi tên được tệp khóa cũ", "Cannot rename the old key file");
  return {};
}

// The demo's people: every seeded account without a password gets a random one on first run,
// written to <data>/demo-accounts.txt (0600) and printed at each start, so the person running the
// demo can sign in as each role. Approvers get their signing key at the same time.
result<std::vector<std::pair<std::string, std::string>>> demo_passwords(const fs::path& data, store::store& db,
                                                                          portal::account_service& accounts,
                                                                          const dataset& seed) {
  auto file = data / "demo-accounts.txt";
  std::vector<std::pair<std::string, std::string>> out;
  if (fs::exists(file)) {
    std::ifstream in(file);
    std::string user, pass;
    while (in >> user >> pass) out.emplace_back(user, pass);
  } else {
    for (const auto& a : seed.accounts) {
      if (db.get<credential>(a.id.value)) continue;
      std::array<std::uint8_t, 9> b{};
      randombytes_buf(b.data(), b.size());
      out.emplace_back(a.username, "demo-" + trust::to_hex(b).substr(0, 12));
    }
    // The file first, then the store (issue 21): a first start killed after setting passwords but
    // before writing the file left accounts whose passwords nobody knew.
    std::string body;
    for (const auto& [u, p] : out) body += u + " " + p + "\n";
    if (auto w = files::write_secret(file, body, files::if_exists::replace); !w) return w.err();
  }
  // Each listed account without a password gets its listed one (all of them at the first start;
  // those a killed first start did not reach, at the next).
  for (const auto& [user, pass] : out)
    for (const auto& a : seed.accounts)
      if (a.username == user && !db.get<credential>(a.id.value))
        if (auto ok = accounts.set_password(a.id, pass, "seed"); !ok) return ok.err();
  return out;
}

// First run: one API key for the division's approver account, its text in <data>/demo-api-key.txt
// (0600) so the person running the demo can try the API's writes. Only its hash is stored.
result<void> demo_api_key(const fs::path& data, portal::account_service& accounts, const dataset& seed) {
  auto key_file = data / "demo-api-key.txt";
  if (fs::exists(key_file)) return {};
  std::string subject;
  for (const auto& a : seed.accounts)
    for (const auto& g : a.grants)
      if (g.r == role::division_approver && subject.empty()) subject = a.id.value;
  if (subject.empty()) return {};
  auto t = accounts.issue_api_key(account_id{subject}, "Khóa API của bản demo / the demo's API key", std::chrono::hours(24 * 365), "seed");
  if (!t) return t.err();
  return files::write_secret(key_file, t->token + "\n", files::if_exists::replace);
}

// The portal's store: the SQLite file in the data directory, or a store plugin loaded by `host`.
result<std::unique_ptr<store::store>> open_portal_store(const args& a, plugin::plugin_host* host) {
  if (a.store == "sqlite") {
    auto s = store::open_sqlite_store(a.data / "pbgdpl.db");
    if (!s) return s.err();
    return std::unique_ptr<store::store>(std::move(*s));
  }
  // The data directory still holds the keys, the media and the demo's files (SQLite's open makes it).
  std::error_code ec;
  fs::create_directories(a.data, ec);
  if (ec)
    return error(errc::io_error, "--data", "Không tạo được thư mục dữ liệu " + a.data.string() + ": " + ec.message(),
                 "Cannot create the data directory " + a.data.string() + ": " + ec.message());
  return plugin::open_store(*host, a.store, a.store_config);
}

}  // namespace

int main(int argc, char** argv) {
  auto a = parse_args(argc, argv);
  if (!a) return fail(a.err());
  if (a->notifier_plugin.empty() && !a->notifier_config.empty())
    return fail(error(errc::invalid_argument, "--notifier-config", "--notifier-config cần --notifier", "--notifier-config needs --notifier"));

  if (a->store == "sqlite" && !a->store_config.empty())
    return fail(error(errc::invalid_argument, "--store-config", "--store sqlite không nhận cấu hình: tệp là <data>/pbgdpl.db",
                      "--store sqlite takes no configuration: its file is <data>/pbgdpl.db"));

  // Plugins (the reminders' notifier, a store), loaded before anything is served: a plugin that
  // does not load (missing, built for another ABI, refusing its configuration) stops the portal
  // here. The host outlives what it loaded (declared first).
  std::unique_ptr<plugin::plugin_host> plugins;
  if (!a->notifier_plugin.empty() || a->store != "sqlite") {
    plugin::host_options po;
    po.enabled = true;
    po.dirs = a->plugin_dirs;
    po.clock = [offset = a->clock_offset] { return now() + std::chrono::seconds(offset); };
    po.http_allowed_hosts = a->plugin_allowed_hosts;
    po.http_allow_loopback = a->plugin_allow_loopback;
    plugins = std::make_unique<plugin::plugin_host>(std::move(po));
  }
  std::unique_ptr<reports::notifier> plugin_notifier;
  if (!a->notifier_plugin.empty()) {
    auto n = plugin::open_notifier(*plugins, a->notifier_plugin, a->notifier_config);
    if (!n) return fail(n.err());
    plugin_notifier = std::move(*n);
    if (!a->quiet)
      std::cout << "Nhắc hạn báo cáo qua plugin / report reminders through the plugin: " << a->notifier_plugin << " ("
                << plugin_notifier->name() << ")\n";
  }

  auto db = open_portal_store(*a, plugins.get());
  if (!db) return fail(db.err());
  const std::string store_name = a->store == "sqlite" ? (a->data / "pbgdpl.db").string() : "the " + a->store + " store";

  // The seed is read every start (it is small) for the banner and the first-run key; it is
  // imported only into a store that has no units yet, so a second run reuses ./var as it is.
  dataset seed;
  if (!a->seed.empty() && fs::exists(a->seed)) {
    auto raw = store::read_dataset_directory(a->seed);
    if (!raw) return fail(raw.err());
    auto d = dataset_from_json(*raw);
    if (!d) return fail(d.err());
    seed = std::move(*d);
  }
  store::list_query probe;
  probe.limit = 1;
  auto existing = (*db)->list<unit>(probe);
  if (!existing) return fail(existing.err());
  bool fresh = existing->items.empty();
  if (fresh) {
    // HTML is made when content is written, never when a page is read: the seed too.
    if (auto h = publish::render_html(seed); !h) return fail(h.err());
    auto n = store::import_dataset(**db, seed, "seed");
    if (!n) return fail(n.err());
    if (!a->quiet) std::cout << "Đã nạp dữ liệu mẫu / seeded the demo data: " << *n << " records into " << store_name << "\n";
  } else if (!a->quiet) {
    std::cout << "Dùng lại dữ liệu có sẵn / reusing the existing data in " << store_name << "\n";
  }

  // Accounts, passwords, sessions and API keys live in the store (issue 14).
  portal::account_service accounts(**db);
  if (auto k = migrate_key_file(a->data, accounts); !k) return fail(k.err());
  auto people = demo_passwords(a->data, **db, accounts, seed);
  if (!people) return fail(people.err());
  if (auto k = demo_api_key(a->data, accounts, seed); !k) return fail(k.err());
  // The legal staircase's demo content: real pictures, a real video and real signatures where the
  // seed has placeholders (first run; later runs find them in place). What could not be made is
  // said here, whatever --quiet says: the demo would otherwise show less without a word.
  const std::int64_t offset = a->clock_offset;
  const auto clock_now = [offset] { return now() + std::chrono::seconds(offset); };
  auto signage = demo::seed_signage(**db, accounts, seed, a->data, *people, clock_now());
  if (!signage) return fail(signage.err());
  for (const auto& n : signage->notes) std::cout << "Cầu thang pháp luật / legal staircase: " << n << "\n";
  if (!a->quiet && !signage->made.empty())
    std::cout << "Đã tạo nội dung màn hình mẫu / made the demo signage content: " << signage->made.size() << " files, "
              << signage->signed_approvals.size() << " approvals signed\n";

  // Yearly reporting: this year's rounds, and the demo school's round 2 report pre-filled from the
  // store (after the signage content, whose screens it counts).
  auto reporting = demo::seed_reports(**db, seed, clock_now());
  if (!reporting) return fail(reporting.err());
  for (const auto& n : reporting->notes) std::cout << "Báo cáo / reports: " << n << "\n";

  portal::options opt;
  opt.base_url = a->base_url.empty() ? "http://" + a->address + ":" + std::to_string(a->port) : a->base_url;
  opt.public_prefix = a->public_prefix;
  opt.widget_frame_ancestors = a->widget_frame_ancestors;
  // Searches and API writes are rated per client; behind a proxy, the client its X-Forwarded-For
  // names. The proxy's X-Forwarded-Proto/-Host/-Prefix too: set before the editor and the screens'
  // service copy these options.
  opt.trusted_proxies = a->trusted_proxies;
  // The portal's own section is the unit that manages the schools today: the education division,
  // or, once it has ended (the reform of 1 July 2025), the unit that took its duties over.
  std::string division;
  if (auto today = (*db)->hierarchy_at(local_date(now()))) division = portal::managing_unit(*today);
  opt.default_unit = division;
  if (offset != 0) opt.now = clock_now;
  if (!seed.banners.empty()) opt.city_banner = seed.banners.front();
  opt.theme_dir = a->theme;
  if (a->no_page_cache) opt.cache.max_entries = 0;
  opt.authenticate = portal::store_key_authenticator(accounts);
  // One unit directory, kept in memory, for the pages, the editor and the authorizer alike.
  opt.units = std::make_shared<portal::live_units>(**db);
  // Reports are signed (submitted, approved) with the account's key, opened with its password.
  opt.signing_key = [&accounts](const account_id& who, std::string_view password) { return accounts.approval_key(who, password); };
  opt.authorize = portal::account_authorizer(**db, opt.units);
  // The editor under /quan-tri/. Cookies are Secure except on plain-http loopback (the demo),
  // where a browser would drop them; behind a proxy whose public base is https, loopback is the
  // usual listen address and they are Secure.
  portal::editor_options eo;
  eo.secure_cookies = opt.base_url.starts_with("https://") ||
                      !(a->address == "127.0.0.1" || a->address == "::1" || a->address == "localhost");
  // Uploaded images under <data>/media, served read-only under each unit's section.
  auto media = std::make_shared<portal::media_library>(**db, a->data / "media");
  eo.media = media;
  opt.media = media;
  // The legal staircase's devices under /api/v1/signage/ (enrolment, signed manifests, content,
  // proof of play, heartbeats); the authority key is made at first start (<data>/signage-authority.key).
  // Before the editor, whose "Màn hình" screen shows the screens' snapshots through it.
  portal::signage_options sig;
  sig.data_dir = a->data;
  sig.media_dir = a->data / "media";
  try {
    opt.signage = std::make_shared<portal::signage_service>(**db, opt, sig);
  } catch (const exception& e) {
    return fail(e.err());
  }
  auto editor = std::make_shared<portal::editor>(**db, accounts, opt.units, opt, eo);
  opt.editor_routes = editor->routes();
  // A browser signed in to the editor may also use the JSON API (same-origin writes only).
  opt.identify = [editor](const http::request& req) { return editor->principal(req); };
  opt.hotline = a->hotline;
  opt.ask_url = a->ask_url;
  auto synd_key = portal::data_dir_syndication_key(a->data);
  if (!synd_key) return fail(synd_key.err());
  auto signer = std::make_shared<portal::syndication_signer>(*synd_key);
  opt.syndication = signer;

  std::unique_ptr<portal::site> site;
  try {
    site = std::make_unique<portal::site>(**db, std::move(opt));
  } catch (const exception& e) {
    return fail(e.err());
  }
  // Data written by an older version has no stored HTML yet: render it once, then leave a mark,
  // so later starts do not read every record (a full scan fills SQLite's page cache: +40 MiB of
  // RSS with 10,000 articles). Data seeded or written by this version has its HTML already.
  auto rendered_mark = a->data / "html-rendered";
  if (!fs::exists(rendered_mark)) {
    if (!fresh) {
      auto n = site->render_missing();
      if (!n) return fail(n.err());
      if (*n && !a->quiet) std::cout << "Đã tạo HTML cho / rendered HTML for " << *n << " records\n";
    }
    std::ofstream(rendered_mark) << "Markdown rendered to stored HTML (pbgdpl issue 9)\n";
  }

  http::server_config cfg;
  cfg.address = a->address;
  cfg.port = a->port;
  cfg.threads = a->threads;
  // One client (a peer address) holds at most max_connections_per_client connections and never
  // the last reserved_connections slots, so /healthz and everyone else are served while one
  // floods; a reverse proxy in front is named with --trusted-proxy.
  cfg.max_connections = a->max_connections;
  if (a->max_connections_per_client) cfg.max_connections_per_client = *a->max_connections_per_client;
  cfg.reserved_connections = std::min<std::size_t>(64, a->max_connections / 8);
  cfg.trusted_proxies = a->trusted_proxies;
  // The upload route takes bodies up to the image limit; an upload declared larger is answered by
  // the editor (a message next to the field) without being read.
  // Upload-sized bodies only for a live editor session: a stranger's are refused before they are read.
  auto uploads = portal::upload_body_limit(*media, {}, [&accounts](std::string_view cookie) {
    auto token = portal::cookie_value(cookie, "pbgdpl_phien");
    return !token.empty() && accounts.session(token).has_value();
  });
  // A screen's heartbeat carries its snapshot (3 MiB at most), a proof-of-play batch up to 1,000
  // lines: both are signed by the device and checked before anything is kept.
  cfg.body_limit_for = [uploads](std::string_view target, std::string_view cookie) -> std::optional<std::size_t> {
    auto path = target.substr(0, target.find('?'));
    if (path == "/api/v1/signage/heartbeat") return std::size_t{3u << 20};
    if (path == "/api/v1/signage/plays") return std::size_t{4u << 20};
    return uploads(target, cookie);
  };
  http::server srv(cfg, site->handler());
  try {
    srv.start();
  } catch (const exception& e) {
    return fail(e.err());
  }
  auto base = "http://" + a->address + ":" + std::to_string(srv.port());
  // Webhooks and the publication timer: events come from the store, whoever wrote; a scheduled
  // article that comes due drops the site's pages that show it at that moment (site::came_due).
  network::dispatcher_options hooks;
  hooks.base_url = base;
  hooks.retry.first = std::chrono::seconds(a->webhook_retry_base);
  hooks.workers = a->webhook_workers;
  hooks.on_published = [&site](const article& art) { site->came_due(art); };
  network::dispatcher dispatcher(**db, std::move(hooks));
  dispatcher.start();
  // Reminders before report deadlines (reports/periods.hpp): each school whose report is not in
  // hears, once per reminder day, through the webhooks of its unit and of those above it that
  // subscribe to "report.reminder"; the dispatcher above delivers them. Checked hourly.
  // (The deliveries are due on the dispatcher's clock, the machine's; the reminder day is the portal's.)
  // (Or through the plugin notifier given by --notifier.)
  reports::webhook_notifier webhook_reminders(**db, "reminders");
  reports::notifier& reminder_channel = plugin_notifier ? *plugin_notifier : static_cast<reports::notifier&>(webhook_reminders);
  reports::reminder_timer::options reminding;
  reminding.now = clock_now;
  reminding.on_error = [](const error& e) {
    std::cerr << "pbgdpl_portal: nhắc hạn báo cáo không gửi được / report reminders failed: " << e.describe() << "\n";
  };
  reports::reminder_timer reminders(**db, reminder_channel, std::move(reminding));
  reminders.start();
  // The compliance crawl of the schools below the default unit (plan target 1.1), in the
  // background so the portal serves meanwhile; its result fills /pbgdpl/kiem-tra-trang-truong/.
  std::thread crawler;
  if (!a->crawl_schools.empty()) {
    crawler = std::thread([&db, base, division, own = a->crawl_schools == "own", quiet = a->quiet] {
      network::school_run_options o;
      o.scope = unit_id{division};
      o.trigger = own ? "demo" : "portal";
      o.config.recent_days = 90;
      o.config.concurrency = 4;
      if (own) {
        // The demo's school sites are their sections here: crawled over loopback, and the unit
        // above them is this portal's section of the managing unit.
        o.site_of = [base](const unit& u) { return base + "/don-vi/" + u.id.value + "/pbgdpl/"; };
        o.division_url = base + "/don-vi/" + division + "/pbgdpl/";
        o.config.fetch.allow_private_addresses = true;
      }
      auto run = network::run_school_crawl(**db, o);
      if (quiet) return;
      if (!run) std::cerr << "pbgdpl_portal: kiểm tra trang các trường không chạy được / the school site check failed: "
                          << run.err().describe() << "\n";
      else std::cout << "  Kiểm tra trang các trường xong / school sites checked: " << run->sites << " → " << base
                     << "/pbgdpl/kiem-tra-trang-truong/\n" << std::flush;
    });
  }
  // Feed aggregation: each root unit's schools; the site drops the pages that list new entries
  // itself (site::on_changes hears the store's writes).
  std::optional<network::aggregator> aggregation;
  if (a->aggregate_interval > 0) {
    network::aggregator_options ag;
    ag.interval = std::chrono::seconds(a->aggregate_interval);
    ag.fetch.allow_private_addresses = a->aggregate_private || a->aggregate_local;
    ag.discover = !a->aggregate_local;
    std::vector<unit_id> roots;
    if (auto units = (*db)->all_units()) {
      for (const auto& u : *units) {
        if (!u.parent) roots.push_back(u.id);
        if (a->aggregate_local && u.kind == unit_kind::school && !u.closed_on)
          if (auto s = network::subscribe(**db, u.id, base + "/don-vi/" + u.id.value + "/pbgdpl/feed.atom", ag); !s && !a->quiet)
            std::cerr << u.id.value << ": " << s.err().describe() << "\n";
      }
    }
    aggregation.emplace(**db, std::move(roots), std::move(ag));
    if (!a->quiet)
      aggregation->on_refreshed = [](const network::refresh_report& r) {
        if (r.added || r.changed || r.failed)
          std::cout << "Tin từ các trường / school news: +" << r.added << " ~" << r.changed << ", lỗi / failed " << r.failed << "\n"
                    << std::flush;
      };
    aggregation->start();
  }
  // Upward syndication: off unless --syndicate-url names the city's endpoint.
  std::unique_ptr<portal::syndicator> syndicator;
  if (!a->syndicate_url.empty()) {
    portal::syndicator_options so;
    so.unit = unit_id{a->syndicate_unit.empty() ? site->config().default_unit : a->syndicate_unit};
    // The unit's pages as the public reaches them: the default unit at the root, others under /don-vi/.
    so.links = portal::urls{so.unit.value == site->config().default_unit ? base : base + "/don-vi/" + so.unit.value};
    so.push.url = a->syndicate_url;
    so.push.headers = a->syndicate_headers;
    so.push.retry.first = std::chrono::seconds(a->syndicate_retry_base);
    // The operator names the endpoint (no visitor can): it may be on the private network or this machine.
    so.push.fetch.allow_private_addresses = true;
    so.interval = std::chrono::seconds(a->syndicate_interval);
    syndicator = std::make_unique<portal::syndicator>(**db, signer, std::move(so));
    syndicator->start();
  }
  if (!a->quiet) {
    std::cout << "\nCổng thông tin PBGDPL đang chạy / the PBGDPL portal is running:\n"
              << "  Chuyên mục / section:     " << base << "/pbgdpl/\n"
              << "  Văn bản / documents:      " << base << "/pbgdpl/van-ban-moi/\n"
              << "  Tìm kiếm / search:        " << base << "/tim-kiem?q=ke+hoach\n"
              << "  Tin (Atom, RSS, JSON):    " << base << "/pbgdpl/feed.atom  feed.rss  feed.json\n"
              << "  Tin từ các trường / school news: " << base << "/pbgdpl/tin-cac-truong/\n"
              << "  Sơ đồ trang / sitemap:    " << base << "/sitemap.xml\n"
              << "  API:                      " << base << "/api/v1/   (" << base << "/api/openapi.json)\n"
              << "  Tình trạng / health:      " << base << "/healthz\n"
              << "  Kiểm tra trang trường / school site KPIs: " << base << "/pbgdpl/kiem-tra-trang-truong/\n"
              << "  Cầu thang pháp luật / legal staircase: " << base << "/pbgdpl/cau-thang-phap-luat/  (quản trị / editor: " << base
              << "/quan-tri/man-hinh)\n"
              << "  Báo cáo hằng năm / yearly reports: " << base << "/quan-tri/bao-cao"
              << (reporting->draft.empty() ? std::string() : "  (" + reporting->school_approver + " gửi / sends " + reporting->draft + ")") << "\n"
              << "  Liên thông / syndication: " << base << "/pbgdpl/lien-thong/goi.json  goi.json.minisig  feed.atom  (khóa / key: "
              << (a->data / "syndication.pub").string() << ")\n";
    // The units by level as of today, and those that ended (their archives).
    const auto day = local_date(now());
    for (const auto& u : seed.units)
      if (u.kind == unit_kind::ward || u.kind == unit_kind::school ||
          (u.closed_on && *u.closed_on < day && u.kind == unit_kind::education_division))
        std::cout << "  " << u.name << (u.closed_on && *u.closed_on < day ? " (đã kết thúc / ended)" : "") << ": " << base
                  << "/don-vi/" << u.id.value << "/pbgdpl/\n";
    std::cout << "  Quản trị / editor:        " << base << "/quan-tri/\n";
    if (!people->empty()) {
      std::cout << "  Tài khoản mẫu / demo accounts (tên đăng nhập  mật khẩu / username  password, also in "
                << (a->data / "demo-accounts.txt").string() << "):\n";
      for (const auto& [u, p] : *people) {
        std::string roles;  // what each demo account is for: one per role
        for (const auto& acc : seed.accounts)
          if (acc.username == u)
            for (const auto& g : acc.grants)
              if (roles.find(label_vi(g.r)) == std::string::npos) roles += (roles.empty() ? "" : ", ") + std::string(label_vi(g.r));
        std::cout << "    " << u << "  " << p << (roles.empty() ? "" : "   (" + roles + ")") << "\n";
      }
    }
    if (fs::exists(a->data / "demo-api-key.txt"))
      std::cout << "  Khóa API để ghi / API key for writes: " << (a->data / "demo-api-key.txt").string() << "\n";
    std::cout << "Nhấn Ctrl+C để dừng / press Ctrl+C to stop.\n" << std::flush;
  }
  srv.run_until_signal();
  if (aggregation) aggregation->stop();
  if (syndicator) syndicator->stop();
  reminders.stop();
  dispatcher.stop();  // before the site and the store go (POSTs under way end within their timeout)
  if (crawler.joinable()) crawler.join();  // a crawl under way ends within its fetch timeouts
  if (!a->quiet) std::cout << "Đã dừng / stopped.\n";
  return 0;
}
