// The reference portal through the C API: portal::site behind http::server on background
// threads, over a store handle the caller holds (shared: closing the handle while the portal runs
// is safe) or the SQLite store of a data directory, composed as bindings/python/src/portal.cpp
// composes it (seed import into an empty store, account service with API keys, the managing
// unit as the default, live units for the authorizer). No editor, signage or webhooks: a vendor
// wanting those runs examples/portal or embeds the C++ headers.
#include "c_common.hpp"

#include <pbgdpl/http/address.hpp>
#include <pbgdpl/http/server.hpp>
#include <pbgdpl/model/dataset.hpp>
#include <pbgdpl/portal/accounts.hpp>
#include <pbgdpl/portal/auth.hpp>
#include <pbgdpl/portal/site.hpp>
#include <pbgdpl/portal/units.hpp>
#include <pbgdpl/publish/rendered.hpp>
#include <pbgdpl/store/import.hpp>
#include <pbgdpl/store/sqlite.hpp>

#include <atomic>
#include <filesystem>
#include <set>

namespace fs = std::filesystem;

// What the server's handler reads: the handler may outlive stop() by its grace, so it owns all it
// uses (site, accounts, store).
struct pbgdpl_portal {
  struct slot {
    std::atomic<bool> ready{false};
    std::shared_ptr<pbgdpl::store::store> db;
    std::shared_ptr<pbgdpl::portal::account_service> accounts;
    std::shared_ptr<pbgdpl::portal::site> site;
    pbgdpl::http::handler h;
  };
  std::shared_ptr<slot> s = std::make_shared<slot>();
  std::unique_ptr<pbgdpl::http::server> srv;
  int port = 0;
};

namespace pbgdpl::c_api {
namespace {

// Host and unit names: printable text without controls ("127.0.0.1\0x" or a newline is refused).
std::string plain_member(const json& o, const char* key, std::string fallback) {
  std::string s = string_member(o, key, std::move(fallback));
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f)
      fail(errc::invalid_argument, std::string("/") + key, std::string(key) + " chứa ký tự điều khiển",
           std::string(key) + " contains a control character");
  return s;
}

int int_member(const json& o, const char* key, int fallback, int lo, int hi) {
  auto it = o.find(key);
  if (it == o.end() || it->is_null()) return fallback;
  if (!it->is_number_integer() || it->get<std::int64_t>() < lo || it->get<std::int64_t>() > hi)
    fail(
        errc::out_of_range, std::string("/") + key,
        std::string(key) + " phải là số nguyên trong khoảng " + std::to_string(lo) + "-" + std::to_string(hi),
        std::string(key) + " must be an integer within " + std::to_string(lo) + "-" + std::to_string(hi));
  return static_cast<int>(it->get<std::int64_t>());
}

void import_seed(store::store& db, const fs::path& seed) {
  if (!fs::is_directory(seed))
    fail(errc::not_found, "/seed", "Không có thư mục dữ liệu mẫu " + seed.string(),
         "No seed directory " + seed.string());
  store::list_query probe;
  probe.limit = 1;
  if (!must(db.list<unit>(probe)).items.empty()) return;  // only into a store with no units yet
  auto d = must(dataset_from_json(must(store::read_dataset_directory(seed))));
  must(publish::render_html(d));
  must(store::import_dataset(db, d, "seed"));
}

}  // namespace
}  // namespace pbgdpl::c_api

using namespace pbgdpl;
using namespace pbgdpl::c_api;

extern "C" {

PBGDPL_C_API pbgdpl_c_status pbgdpl_portal_start(pbgdpl_store* store_arg, const char* options_json,
                                                 pbgdpl_portal** out) {
  return barrier([&] {
    out_arg(out, "out");
    json o = options_json ? json_arg(options_json, "options_json") : json::object();
    static const std::set<std::string> known{"host",         "port",          "data_dir",       "seed",
                                             "threads",      "default_unit",  "base_url",       "public_prefix",
                                             "trusted_proxies"};
    for (auto it = o.begin(); it != o.end(); ++it)
      if (!known.count(it.key()))
        fail(errc::invalid_argument, "/options_json/" + json_io::pointer_token(it.key()),
             "Tùy chọn không tồn tại: \"" + it.key() + "\"", "Unknown option: \"" + it.key() + "\"");
    std::string host = plain_member(o, "host", "127.0.0.1");
    if (host.empty() || host.find_first_of("/ ") != std::string::npos)
      fail(errc::invalid_argument, "/host", "Địa chỉ nghe không hợp lệ", "Invalid listening address");
    if (host == "localhost") host = "127.0.0.1";
    // Every interface (0.0.0.0, ::) is refused: the portal's absolute links would name
    // http://0.0.0.0:PORT, and it would face the network with no proxy in front. A caller that
    // means a network names that interface's own address.
    if (auto a = http::parse_address(host); a && a->is_unspecified())
      fail(errc::invalid_argument, "/host",
           "Không nghe trên mọi giao diện (" + host + "): hãy ghi địa chỉ cụ thể, ví dụ 127.0.0.1",
           "Listening on every interface (" + host + ") is refused: name one address, e.g. 127.0.0.1");
    const int port = int_member(o, "port", 0, 0, 65535);
    const int threads = int_member(o, "threads", 2, 1, 64);
    const std::string data_dir = string_member(o, "data_dir"), seed = string_member(o, "seed");
    const std::string unit_arg = plain_member(o, "default_unit", "");
    // Behind a reverse proxy (docs/integrating.md): the public origin, the prefix the proxy strips,
    // and the proxies whose X-Forwarded-* are believed. Checked before anything is bound.
    std::string base_url, public_prefix;
    if (auto b = string_member(o, "base_url"); !b.empty()) {
      auto u = portal::checked_base_url(b);
      if (!u) fail(u.err().code, "/base_url", u.err().message_vi, u.err().message_en);
      base_url = *u;
    }
    if (auto pp = string_member(o, "public_prefix"); !pp.empty()) {
      auto c = portal::checked_public_prefix(pp);
      if (!c) fail(c.err().code, "/public_prefix", c.err().message_vi, c.err().message_en);
      public_prefix = *c;
    }
    std::vector<std::string> trusted;
    if (auto t = o.find("trusted_proxies"); t != o.end()) {
      if (!t->is_array() || t->size() > 64)
        fail(errc::invalid_argument, "/trusted_proxies", "trusted_proxies là mảng địa chỉ (tối đa 64)",
             "trusted_proxies is an array of addresses (at most 64)");
      for (std::size_t i = 0; i < t->size(); ++i) {
        const auto& e = (*t)[i];
        http::address_list probe;
        if (!e.is_string() || !probe.add(e.get<std::string>()))
          fail(errc::invalid_argument, "/trusted_proxies/" + std::to_string(i),
               "Không phải địa chỉ hoặc mạng (ví dụ 127.0.0.1, 10.0.0.0/8)", "Not an address or network (e.g. 127.0.0.1, 10.0.0.0/8)");
        trusted.push_back(e.get<std::string>());
      }
    }

    auto p = std::make_unique<pbgdpl_portal>();
    if (store_arg) {
      p->s->db = shared_store(store_arg);  // shared: the caller may close its handle meanwhile
    } else {
      if (data_dir.empty())
        fail(errc::invalid_argument, "/data_dir", "Cần thư mục dữ liệu (data_dir) hoặc một kho dữ liệu",
             "A data directory (data_dir) or a store is needed");
      std::error_code ec;
      fs::create_directories(data_dir, ec);
      if (ec || !fs::is_directory(data_dir))
        fail(errc::io_error, "/data_dir", "Không tạo được thư mục dữ liệu " + data_dir,
             "Cannot create the data directory " + data_dir);
      p->s->db =
          std::shared_ptr<store::store>(must(store::open_sqlite_store(fs::path(data_dir) / "pbgdpl.db")));
    }
    auto& db = *p->s->db;
    if (!seed.empty()) import_seed(db, seed);
    p->s->accounts = std::make_shared<portal::account_service>(db);

    http::server_config sc;
    sc.address = host;
    sc.port = static_cast<std::uint16_t>(port);
    sc.threads = static_cast<unsigned>(threads);
    sc.raise_open_file_limit = false;  // the host process's limits are the caller's business
    sc.max_connections = 256;
    sc.reserved_connections = 16;
    sc.shutdown_grace = std::chrono::milliseconds(2000);
    auto slot = p->s;
    p->srv = std::make_unique<http::server>(sc, [slot](http::request& req) -> http::response {
      if (!slot->ready.load(std::memory_order_acquire))
        return http::response::text("Đang khởi động / starting\n", http::status::service_unavailable);
      return slot->h(req);
    });
    try {
      p->srv->start();
    } catch (const exception& e) {
      const auto where = host + ":" + std::to_string(port);
      fail(e.err().code == errc::invalid_argument ? errc::invalid_argument : errc::io_error, "/port",
           "Không mở được cổng " + where + ": " + e.err().message_vi,
           "Cannot listen on " + where + ": " + e.err().message_en);
    }
    p->port = p->srv->port();
    try {
      // The site is built once the port is known, so its absolute URLs carry the real one.
      portal::options opt;
      const auto h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
      opt.base_url = base_url.empty() ? "http://" + h + ":" + std::to_string(p->port) : base_url;
      opt.public_prefix = public_prefix;
      opt.trusted_proxies = trusted;
      if (unit_arg.empty()) {
        auto today = db.hierarchy_at(local_date(now()));
        opt.default_unit = today ? portal::managing_unit(*today) : std::string();
      } else {
        opt.default_unit = unit_arg;
      }
      opt.authenticate = portal::store_key_authenticator(*p->s->accounts);
      opt.units = std::make_shared<portal::live_units>(db);
      opt.authorize = portal::account_authorizer(db, opt.units);
      p->s->site = std::make_shared<portal::site>(db, std::move(opt));
      p->s->h = p->s->site->handler();
      p->s->ready.store(true, std::memory_order_release);
    } catch (...) {
      p->srv->stop();
      throw;
    }
    register_handle(p.get(), handle_type::portal);
    *out = p.release();
  });
}

PBGDPL_C_API pbgdpl_c_status pbgdpl_portal_port(pbgdpl_portal* p, int* out_port) {
  return barrier([&] {
    if (!out_port)
      fail(errc::invalid_argument, "/out_port", "Tham số đầu ra \"out_port\" là NULL",
           "The out-parameter \"out_port\" is NULL");
    *out_port = 0;
    with_handle(p, handle_type::portal, "portal", [&] { *out_port = p->port; });
  });
}

PBGDPL_C_API pbgdpl_c_status pbgdpl_portal_stop(pbgdpl_portal* p) {
  return barrier([&] {
    if (!p) return;
    if (!unregister_handle(p, handle_type::portal))
      fail(errc::invalid_argument, "/portal", "pbgdpl_portal đã dừng hoặc không hợp lệ",
           "pbgdpl_portal is stopped or was never started");
    std::unique_ptr<pbgdpl_portal> owned(p);
    owned->srv->stop();  // graceful; a handler past the grace keeps its slot (and the store) alive
  });
}

}  // extern "C"
