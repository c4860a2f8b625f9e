// The reference portal in-process: _core.PortalServer starts the library's site (portal/site.hpp)
// behind its HTTP server (http/server.hpp) on background threads, over a data directory (the
// SQLite store <data>/pbgdpl.db, keys and media beside it) or over a store Python already holds
// (a _core.StoreHandle). Nothing here touches Python on the server's threads: requests run with
// no GIL, so Python threads (an HTTP client in the same process) keep working while it serves.
#include "py_common.hpp"

#include <pbgdpl/core/files.hpp>
#include <pbgdpl/http/server.hpp>
#include <pbgdpl/network/webhooks.hpp>
#include <pbgdpl/portal/accounts.hpp>
#include <pbgdpl/portal/auth.hpp>
#include <pbgdpl/portal/editor.hpp>
#include <pbgdpl/portal/media_library.hpp>
#include <pbgdpl/portal/signage_api.hpp>
#include <pbgdpl/portal/site.hpp>
#include <pbgdpl/portal/syndication.hpp>
#include <pbgdpl/portal/units.hpp>
#include <pbgdpl/publish/rendered.hpp>
#include <pbgdpl/store/import.hpp>
#include <pbgdpl/store/sqlite.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

namespace pbgdpl::python {
namespace {

namespace fs = std::filesystem;

struct portal_config {
  std::optional<fs::path> data_dir;
  std::optional<fs::path> seed_dir;
  std::string host = "127.0.0.1";
  int port = 0;
  unsigned threads = 2;
  std::string default_unit;  // "" = the unit that manages the schools today (the division)
  bool page_cache = true;
  bool editor = true;
  bool webhooks = true;
};

// What the server's handler reads: set once the site is built (after the port is bound, so the
// site's absolute URLs carry the real port), cleared never while the server runs.
// It also owns what the handler reads (the server may leave a handler that overran stop()'s grace
// running on its own thread: the site, editor, accounts and store stay alive until it is done).
struct handler_slot {
  std::atomic<bool> ready{false};
  std::shared_ptr<store::store> db;
  std::shared_ptr<portal::account_service> accounts;
  std::shared_ptr<portal::media_library> media;
  std::shared_ptr<portal::editor> editor;
  std::shared_ptr<portal::site> site;
  http::handler h;
};

// The unit that manages the schools today: the education division, or the unit that took its
// duties over once it ended (its first open successor).
// The server's methods run without the GIL (start, stop, ...): they report errors by throwing
// pbgdpl::exception, which the module translates once the GIL is back (raise() needs the GIL).
template <class T>
T must(result<T>&& r) {
  if (!r) throw_error(r.err());
  if constexpr (!std::is_void_v<T>) return std::move(r).value();
}
inline void must(result<void>&& r) {
  if (!r) throw_error(r.err());
}

class portal_server {
 public:
  portal_server(portal_config c, std::shared_ptr<store::store> db) : cfg_(std::move(c)), db_(std::move(db)) {
    if (cfg_.port < 0 || cfg_.port > 65535)
      throw_error(error(errc::out_of_range, "/port", "Cổng phải trong khoảng 0-65535",
                        "The port must be within 0-65535"));
    if (cfg_.threads == 0 || cfg_.threads > 256)
      throw_error(error(errc::out_of_range, "/threads", "Số luồng phải trong khoảng 1-256",
                        "threads must be within 1-256"));
    if (!db_ && !cfg_.data_dir)
      throw_error(error(errc::invalid_argument, "/data_dir", "Cần thư mục dữ liệu hoặc một kho dữ liệu",
                        "A data directory or a store is needed"));
  }
  portal_server(const portal_server&) = delete;
  portal_server& operator=(const portal_server&) = delete;
  ~portal_server() { stop(); }

  // Binds, then builds the site with the bound port in its URLs, then serves. Idempotent.
  void start() {
    std::lock_guard lock(mu_);
    if (srv_) return;
    prepare();
    auto slot = std::make_shared<handler_slot>();
    http::server_config sc;
    sc.address = cfg_.host;
    sc.port = static_cast<std::uint16_t>(cfg_.port);
    sc.threads = cfg_.threads;
    sc.raise_open_file_limit = false;  // the host process's limits are the caller's business
    sc.max_connections = 256;
    sc.reserved_connections = 16;
    sc.shutdown_grace = std::chrono::milliseconds(2000);
    slot->db = db_;
    slot->accounts = accounts_;
    if (cfg_.data_dir) slot->media = std::make_shared<portal::media_library>(*db_, *cfg_.data_dir / "media");
    if (slot->media) {
      auto accounts = accounts_;
      auto uploads = portal::upload_body_limit(*slot->media, {}, [accounts](std::string_view cookie) {
        auto token = portal::cookie_value(cookie, "pbgdpl_phien");
        return !token.empty() && accounts->session(token).has_value();
      });
      sc.body_limit_for = [uploads, slot](std::string_view target,
                                          std::string_view cookie) -> std::optional<std::size_t> {
        auto path = target.substr(0, target.find('?'));
        if (path == "/api/v1/signage/heartbeat") return std::size_t{3u << 20};
        if (path == "/api/v1/signage/plays") return std::size_t{4u << 20};
        return uploads(target, cookie);
      };
    }
    auto srv = std::make_unique<http::server>(sc, [slot](http::request& req) -> http::response {
      if (!slot->ready.load(std::memory_order_acquire))
        return http::response::text("Đang khởi động / starting\n", http::status::service_unavailable);
      return slot->h(req);
    });
    try {
      srv->start();
    } catch (const exception& e) {
      const auto& err = e.err();
      if (err.code == errc::invalid_argument)
        throw_error(
            error(errc::invalid_argument, "/host",
                  "Địa chỉ nghe không hợp lệ: " + cfg_.host + " (cần một địa chỉ IP như 127.0.0.1 hoặc ::1)",
                  "Invalid listening address: " + cfg_.host +
                      " (an IP address such as 127.0.0.1 or ::1 is needed)"));
      auto where = cfg_.host + ":" + std::to_string(cfg_.port);
      throw_error(
          error(err.code, "/port",
                "Không mở được cổng " + where +
                    " (cổng đang được dùng hoặc địa chỉ không hợp lệ): " + err.message_vi,
                "Cannot listen on " + where + " (port in use or address not available): " + err.message_en));
    }
    port_ = srv->port();
    try {
      build_site(*slot);
    } catch (...) {
      srv->stop();
      drop_site();
      throw;
    }
    slot->ready.store(true, std::memory_order_release);
    srv_ = std::move(srv);
    if (dispatcher_) dispatcher_->start();
  }

  // Graceful: no new connections, requests under way finish (2 s at most), threads joined, the
  // port released. Idempotent; a stopped portal can start again (port 0: maybe another port).
  void stop() {
    std::lock_guard lock(mu_);
    if (!srv_) return;
    srv_->stop();
    if (dispatcher_) dispatcher_->stop();
    srv_.reset();
    drop_site();
  }

  bool running() const {
    std::lock_guard lock(mu_);
    return srv_ != nullptr;
  }
  int port() const {
    std::lock_guard lock(mu_);
    return srv_ ? port_ : cfg_.port;
  }
  const portal_config& config() const { return cfg_; }
  std::string url() const {
    std::lock_guard lock(mu_);
    auto h = cfg_.host.find(':') != std::string::npos ? "[" + cfg_.host + "]" : cfg_.host;
    return "http://" + h + ":" + std::to_string(srv_ ? port_ : cfg_.port);
  }
  std::string default_unit() const {
    std::lock_guard lock(mu_);
    return unit_;
  }
  std::size_t seeded() const {
    std::lock_guard lock(mu_);
    return seeded_;
  }

  // The store the portal serves (opened at the first start or given): Python writes through it.
  store_handle handle() {
    std::lock_guard lock(mu_);
    prepare();
    return store_handle{db_};
  }

  // An API key for `account` (an account in the store), returned once: for Python clients that
  // write through /api/v1/ with "Authorization: Bearer <key>".
  std::string issue_api_key(const std::string& account, std::string label, std::int64_t seconds) {
    std::lock_guard lock(mu_);
    prepare();
    if (seconds <= 0 || seconds > 10LL * 366 * 86400)
      throw_error(error(errc::out_of_range, "/lifetime", "Thời hạn khóa phải trong khoảng 1 giây - 10 năm",
                        "The key's lifetime must be within 1 second and 10 years"));
    auto t = accounts_->issue_api_key(account_id{account}, std::move(label), std::chrono::seconds(seconds),
                                      "python");
    return must(std::move(t)).token;
  }

 private:
  // Once: the store (opened under the data directory unless given), the seed (imported only into
  // a store with no units yet), the account service.
  void prepare() {
    if (accounts_) return;
    if (cfg_.data_dir) {
      std::error_code ec;
      fs::create_directories(*cfg_.data_dir, ec);
      if (ec || !fs::is_directory(*cfg_.data_dir))
        throw_error(error(errc::io_error, "/data_dir",
                          "Không tạo được thư mục dữ liệu " + cfg_.data_dir->string(),
                          "Cannot create the data directory " + cfg_.data_dir->string()));
    }
    if (!db_) {
      auto s = store::open_sqlite_store(*cfg_.data_dir / "pbgdpl.db");
      if (!s) throw_error(s.err());
      db_ = std::shared_ptr<store::store>(std::move(*s));
    }
    if (cfg_.seed_dir) {
      if (!fs::is_directory(*cfg_.seed_dir))
        throw_error(error(errc::not_found, "/seed", "Không có thư mục dữ liệu mẫu " + cfg_.seed_dir->string(),
                          "No seed directory " + cfg_.seed_dir->string()));
      store::list_query probe;
      probe.limit = 1;
      auto existing = must(db_->list<unit>(probe));
      if (existing.items.empty()) {
        auto raw = must(store::read_dataset_directory(*cfg_.seed_dir));
        auto d = must(dataset_from_json(raw));
        must(publish::render_html(d));
        seeded_ = must(store::import_dataset(*db_, d, "seed"));
      }
    }
    accounts_ = std::make_shared<portal::account_service>(*db_);
  }

  void build_site(handler_slot& slot) {
    auto media = slot.media;
    auto& db = *db_;
    portal::options opt;
    auto h = cfg_.host.find(':') != std::string::npos ? "[" + cfg_.host + "]" : cfg_.host;
    auto base = "http://" + h + ":" + std::to_string(port_);
    opt.base_url = base;
    if (cfg_.default_unit.empty()) {
      auto today = db.hierarchy_at(local_date(now()));
      unit_ = today ? portal::managing_unit(*today) : std::string();
    } else {
      unit_ = cfg_.default_unit;
    }
    opt.default_unit = unit_;
    if (!cfg_.page_cache) opt.cache.max_entries = 0;
    opt.authenticate = portal::store_key_authenticator(*accounts_);
    opt.units = std::make_shared<portal::live_units>(db);
    auto accounts = accounts_;
    opt.signing_key = [accounts](const account_id& who, std::string_view password) {
      return accounts->approval_key(who, password);
    };
    opt.authorize = portal::account_authorizer(db, opt.units);
    opt.media = media;
    if (cfg_.data_dir) {
      portal::signage_options sig;
      sig.data_dir = *cfg_.data_dir;
      sig.media_dir = *cfg_.data_dir / "media";
      opt.signage = std::make_shared<portal::signage_service>(db, opt, sig);
      opt.syndication = std::make_shared<portal::syndication_signer>(must(portal::data_dir_syndication_key(*cfg_.data_dir)));
    }
    if (cfg_.editor) {
      portal::editor_options eo;
      eo.secure_cookies = !(cfg_.host == "127.0.0.1" || cfg_.host == "::1" || cfg_.host == "localhost");
      eo.media = media;
      slot.editor = std::make_shared<portal::editor>(db, *accounts_, opt.units, opt, eo);
      opt.editor_routes = slot.editor->routes();
      auto ed = slot.editor;
      opt.identify = [ed](const http::request& req) { return ed->principal(req); };
    }
    slot.site = std::make_shared<portal::site>(db, std::move(opt));
    if (cfg_.webhooks) {
      network::dispatcher_options hooks;
      hooks.base_url = base;
      auto* s = slot.site.get();  // the dispatcher stops before the slot can go
      hooks.on_published = [s](const article& art) { s->came_due(art); };
      dispatcher_ = std::make_unique<network::dispatcher>(db, std::move(hooks));
    }
    slot.h = slot.site->handler();
  }

  void drop_site() { dispatcher_.reset(); }

  portal_config cfg_;
  mutable std::mutex mu_;
  std::shared_ptr<store::store> db_;
  std::shared_ptr<portal::account_service> accounts_;
  std::unique_ptr<network::dispatcher> dispatcher_;
  std::unique_ptr<http::server> srv_;
  int port_ = 0;
  std::string unit_;
  std::size_t seeded_ = 0;
};

std::optional<fs::path> optional_path(const py::object& o, const char* what) {
  if (o.is_none()) return std::nullopt;
  py::object os = py::module_::import("os");
  py::object p;
  try {
    p = os.attr("fspath")(o);
  } catch (py::error_already_set&) {
    raise(error(errc::wrong_type, std::string("/") + what,
                std::string(what) + " phải là str hoặc os.PathLike",
                std::string(what) + " must be a str or an os.PathLike"));
  }
  if (!py::isinstance<py::str>(p))
    raise(error(errc::wrong_type, std::string("/") + what,
                std::string(what) + " phải là đường dẫn dạng văn bản",
                std::string(what) + " must be a text path"));
  auto s = from_py(p);
  if (s.get_ref<const std::string&>().find('\0') != std::string::npos)  // the OS would stop at the NUL: another path
    raise(error(errc::invalid_argument, std::string("/") + what, std::string(what) + " chứa ký tự NUL",
                std::string(what) + " contains a NUL character"));
  return fs::path(s.get<std::string>());
}

// A str argument as UTF-8 text without NUL or other control characters (a host name, a unit id):
// a lone surrogate is ValidationError (invalid_utf8), not a TypeError listing the overloads, and
// "127.0.0.1\0x" is not bound as 127.0.0.1 while url says otherwise.
std::string plain_text(py::handle o, const char* what) {
  if (!py::isinstance<py::str>(o))
    raise(error(errc::wrong_type, std::string("/") + what, std::string(what) + " phải là chuỗi",
                std::string(what) + " must be a str"));
  auto s = from_py(o).get<std::string>();
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f)
      raise(error(errc::invalid_argument, std::string("/") + what, std::string(what) + " chứa ký tự điều khiển",
                  std::string(what) + " contains a control character"));
  return s;
}

}  // namespace

void register_portal(py::module_& m) {
  py::class_<portal_server>(m, "PortalServer",
                            "The reference portal served on background threads (use pbgdpl.portal.Portal).")
      .def(py::init([](py::object data_dir, std::optional<store_handle> store, py::object seed,
                       py::handle host_arg, int port, unsigned threads, py::handle unit_arg,
                       bool page_cache, bool editor, bool webhooks) {
             portal_config c;
             c.data_dir = optional_path(data_dir, "data_dir");
             c.seed_dir = optional_path(seed, "seed");
             std::string host = plain_text(host_arg, "host");
             std::string default_unit = plain_text(unit_arg, "default_unit");
             if (host.empty() || host.find_first_of("/ \r\n\t") != std::string::npos)
               raise(error(errc::invalid_argument, "/host", "Địa chỉ nghe không hợp lệ",
                           "Invalid listening address"));
             c.host = host == "localhost" ? std::string("127.0.0.1") : std::move(host);
             c.port = port;
             c.threads = threads;
             c.default_unit = std::move(default_unit);
             c.page_cache = page_cache;
             c.editor = editor;
             c.webhooks = webhooks;
             std::shared_ptr<store::store> db;
             if (store) db = store->shared();
             return std::make_unique<portal_server>(std::move(c), std::move(db));
           }),
           py::arg("data_dir") = py::none(), py::arg("store") = py::none(), py::arg("seed") = py::none(),
           py::arg("host") = "127.0.0.1", py::arg("port") = 0, py::arg("threads") = 2,
           py::arg("default_unit") = "", py::arg("page_cache") = true, py::arg("editor") = true,
           py::arg("webhooks") = true,
           "A portal over data_dir (its SQLite store <data_dir>/pbgdpl.db, keys, media) or over `store` (a "
           "StoreHandle); not started. Raises ValidationError for a bad port, thread count or path type.")
      .def("start", &portal_server::start, py::call_guard<gil_released>(),
           "Opens the store and imports the seed (first time), binds host:port and serves on background "
           "threads. Idempotent. A port in use raises StorageError (code io_error, path /port).")
      .def("stop", &portal_server::stop, py::call_guard<gil_released>(),
           "Stops gracefully (requests under way get 2 s), joins the threads and releases the port. "
           "Idempotent.")
      .def_property_readonly("running", &portal_server::running, "True between start() and stop().")
      .def_property_readonly("port", &portal_server::port,
                             "The bound port while running (else the configured one).")
      .def_property_readonly("url", &portal_server::url, "http://host:port of the running server.")
      .def_property_readonly("default_unit", &portal_server::default_unit,
                             "The unit served at the root (set at start: the division unless given).")
      .def_property_readonly("seeded", &portal_server::seeded,
                             "How many seed records the first start imported (0: none).")
      .def("store_handle", &portal_server::handle, py::call_guard<gil_released>(),
           "The StoreHandle of the store the portal serves (opened now if not yet): writes through it show "
           "on the next request.")
      .def("issue_api_key", &portal_server::issue_api_key, py::arg("account"), py::arg("label"),
           py::arg("seconds"), py::call_guard<gil_released>(),
           "A new API key (its text, shown once) for a stored account, valid `seconds`, for "
           "'Authorization: Bearer <key>' on /api/v1/ writes. Unknown account: NotFoundError.");
}

}  // namespace pbgdpl::python
