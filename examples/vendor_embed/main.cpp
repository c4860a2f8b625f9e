// The reference for embedding pbgdpl (docs/embedding.md walks through it): a school-software
// vendor's own small Beast server with its own accounts and login, and the pbgdpl portal mounted
// under /phap-luat/. Step by step:
//   1. open the SQLite store (a real file) and seed it with typed entities on first start;
//   2. the vendor's session cookie becomes a pbgdpl principal through the portal's identify hook,
//      and the vendor's own table of rights becomes grants (no user is copied into pbgdpl);
//   3. the vendor's router keeps its own pages and mounts the whole portal under /phap-luat;
//   4. the vendor's back office writes straight into the store: the next page shows it (the
//      store tells the portal's cache what changed);
//   5. SIGINT/SIGTERM stop the server cleanly: no new connections, running requests finish.
// Usage: pbgdpl_vendor_embed [--port N] [--db FILE]   (defaults: 8081, ./var/vendor_embed.sqlite)
// It prints "listening on http://127.0.0.1:PORT/" once it accepts connections (tests read that).
#include <pbgdpl/http/middleware.hpp>
#include <pbgdpl/http/router.hpp>
#include <pbgdpl/portal/auth.hpp>
#include <pbgdpl/portal/site.hpp>
#include <pbgdpl/publish/rendered.hpp>
#include <pbgdpl/store/sqlite.hpp>
#include <pbgdpl/trust/tokens.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <sys/socket.h>
#include <sys/time.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace http = pbgdpl::http;
namespace portal = pbgdpl::portal;
namespace store = pbgdpl::store;
namespace trust = pbgdpl::trust;
using tcp = asio::ip::tcp;
using namespace pbgdpl;

// --- 1. The store, seeded with typed entities --------------------------------------------------

static timestamp at(const char* iso) { return parse_timestamp(iso).value(); }

// First start only: a city, the Hà Đông division, two schools, plan 19 and two articles. Typed
// values, validated by the store as they are written; parents before children (the store refuses
// a unit whose parent is not there).
static result<void> seed(store::store& db) {
  if (auto some = db.get<unit>("pgd-ha-dong"); some) return {};
  return db.transaction([&]() -> result<void> {
    auto add_unit = [&](const char* id, unit_kind k, const char* name, const char* parent) -> result<void> {
      unit u;
      u.id = unit_id{id};
      u.kind = k;
      u.name = name;
      if (k == unit_kind::school) u.level = school_level::thcs;
      if (parent) u.parent = unit_id{parent};
      u.address = "Hà Đông, Hà Nội";
      auto r = db.create(std::move(u), "vendor-seed");
      if (!r) return r.err();
      return {};
    };
    if (auto r = add_unit("ha-noi", unit_kind::city, "Thành phố Hà Nội", nullptr); !r) return r;
    if (auto r = add_unit("pgd-ha-dong", unit_kind::education_division, "Phòng Giáo dục và Đào tạo quận Hà Đông", "ha-noi"); !r)
      return r;
    if (auto r = add_unit("thcs-van-yen", unit_kind::school, "Trường THCS Văn Yên", "pgd-ha-dong"); !r) return r;
    if (auto r = add_unit("thcs-le-loi", unit_kind::school, "Trường THCS Lê Lợi", "pgd-ha-dong"); !r) return r;

    legal_document plan;
    plan.id = legal_document_id{"kh-19-pgddt-2023"};
    plan.number = "19/KH-PGDĐT";
    plan.type_code = "KH";
    plan.year = 2023;
    plan.level = document_level::sector;
    plan.issuer = "Phòng Giáo dục và Đào tạo quận Hà Đông";
    plan.place = "Hà Đông";
    plan.issued_on = parse_date("2023-03-22").value();
    plan.title = "Kế hoạch tăng cường ứng dụng công nghệ thông tin trong công tác phổ biến, giáo dục pháp luật "
                 "giai đoạn 2023-2027 ngành Giáo dục và Đào tạo quận Hà Đông";
    plan.body_markdown = "## I. MỤC ĐÍCH, YÊU CẦU\n\nĐổi mới hình thức phổ biến, giáo dục pháp luật trong trường học.";
    plan.unit = unit_id{"pgd-ha-dong"};
    plan.state = article_state::published;
    plan.created_at = plan.updated_at = at("2023-03-22T08:00:00+07:00");
    if (auto r = publish::render_html(plan); !r) return r;
    if (auto r = db.create(std::move(plan), "vendor-seed"); !r) return r.err();

    for (const char* school : {"thcs-van-yen", "thcs-le-loi"}) {
      article a;
      a.id = article_id{std::string(school) + "-ngay-phap-luat"};
      a.kind = article_kind::activity_news;
      a.title = std::string("Hưởng ứng Ngày Pháp luật Việt Nam tại ") + (school == std::string("thcs-van-yen") ? "THCS Văn Yên" : "THCS Lê Lợi");
      a.summary = "Tiết chào cờ chủ đề pháp luật và cuộc thi tìm hiểu pháp luật.";
      a.body_markdown = "Sáng 9/11, nhà trường tổ chức tiết chào cờ chủ đề **Ngày Pháp luật**.";
      a.category = "Phổ biến, giáo dục pháp luật";
      a.unit = unit_id{school};
      a.author = account_id{"vendor-seed"};
      a.state = article_state::published;
      a.created_at = a.updated_at = at("2023-11-09T08:00:00+07:00");
      a.published_at = at("2023-11-09T10:00:00+07:00");
      a.documents = {legal_document_id{"kh-19-pgddt-2023"}};
      if (auto r = publish::render_html(a); !r) return r;
      if (auto r = db.create(std::move(a), "vendor-seed"); !r) return r.err();
    }
    return {};
  });
}

// --- 2. The vendor's own accounts and sessions --------------------------------------------------

// What the vendor's software already knows about its users: a password check (a toy here) and
// the rights it gives them. pbgdpl never stores these users.
struct vendor_user {
  std::string login, password, name;
  pbgdpl::role role;
  std::string unit;
};
static const std::vector<vendor_user>& vendor_users() {
  static const std::vector<vendor_user> users{
      {"co.lan", "mat-khau-lan", "Cô Nguyễn Thị Lan", role::school_approver, "thcs-van-yen"},
      {"thay.minh", "mat-khau-minh", "Thầy Trần Văn Minh", role::school_editor, "thcs-le-loi"},
  };
  return users;
}

class sessions {
 public:
  // A new session's id: an unguessable token (libsodium's random bytes through trust/tokens).
  std::string open(const std::string& login) {
    auto t = trust::issue_token(trust::token_kind::session, login, now(), std::chrono::hours(8));
    std::lock_guard lock(mu_);
    by_id_[t.token] = login;
    return t.token;
  }
  std::optional<std::string> login_of(std::string_view sid) const {
    std::lock_guard lock(mu_);
    auto it = by_id_.find(std::string(sid));
    if (it == by_id_.end()) return std::nullopt;
    return it->second;
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::string> by_id_;
};

// The value of cookie `name` in a Cookie header ("a=1; sid=abc").
static std::string_view cookie(const http::request& req, std::string_view name) {
  std::string_view all = req.header(http::bhttp::field::cookie);
  while (!all.empty()) {
    auto end = all.find(';');
    auto part = all.substr(0, end);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.size() > name.size() && part.substr(0, name.size()) == name && part[name.size()] == '=')
      return part.substr(name.size() + 1);
    if (end == std::string_view::npos) break;
    all.remove_prefix(end + 1);
  }
  return {};
}

static const vendor_user* user_of(const sessions& s, const http::request& req) {
  auto login = s.login_of(cookie(req, "sid"));
  if (!login) return nullptr;
  for (const auto& u : vendor_users())
    if (u.login == *login) return &u;
  return nullptr;
}

// --- 3. The vendor's application, the portal mounted under /phap-luat --------------------------

struct application {
  std::unique_ptr<store::sqlite_store> db;
  sessions logged_in;
  std::unique_ptr<portal::site> site;
  http::router routes;
};

static http::response vendor_page(const std::string& title, const std::string& body) {
  return http::response::html("<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>" + title +
                              "</title></head><body><h1>" + title + "</h1>" + body + "</body></html>");
}

static void build(application& app, const std::string& origin) {
  portal::options o;
  o.base_url = origin;
  o.default_unit = "thcs-van-yen";
  // The vendor's session is the portal's caller: the hook sees the whole request.
  o.identify = [&app](const http::request& req) -> std::optional<http::principal> {
    auto* u = user_of(app.logged_in, req);
    if (!u) return std::nullopt;
    return http::principal{u->login, u->name, {}};
  };
  // The vendor's rights, asked per write; the units come from the portal's own directory.
  o.units = std::make_shared<portal::live_units>(*app.db);
  o.authorize = portal::grants_authorizer(
      [](const http::principal& p) {
        std::vector<role_grant> grants;
        for (const auto& u : vendor_users())
          if (u.login == p.id) grants.push_back({u.role, unit_id{u.unit}});
        return grants;
      },
      o.units);
  app.site = std::make_unique<portal::site>(*app.db, std::move(o));

  app.routes.get("/", [](http::request&) {
    return vendor_page("Phần mềm trường học Mẫu",
                       "<p><a href=\"/phap-luat/\">Phổ biến, giáo dục pháp luật</a></p>"
                       "<form method=\"post\" action=\"/dang-nhap\"><input name=\"login\"><input name=\"password\" "
                       "type=\"password\"><button>Đăng nhập</button></form>");
  });
  // The vendor's login: a form post that sets its own session cookie. SameSite=Lax keeps the
  // cookie off cross-site posts; the portal also checks Origin on writes made with it.
  app.routes.post("/dang-nhap", [&app](http::request& req) {
    std::string login, password;
    std::string_view body = req.body();
    while (!body.empty()) {
      auto end = body.find('&');
      auto kv = body.substr(0, end);
      auto eq = kv.find('=');
      auto key = kv.substr(0, eq);
      auto value = eq == std::string_view::npos ? std::string() : http::percent_decode(kv.substr(eq + 1), true).value_or("");
      if (key == "login") login = value;
      if (key == "password") password = value;
      if (end == std::string_view::npos) break;
      body.remove_prefix(end + 1);
    }
    for (const auto& u : vendor_users()) {
      if (u.login != login || u.password != password) continue;
      auto res = vendor_page("Đã đăng nhập", "<p>Xin chào " + u.name + "</p>");
      res.set("Set-Cookie", "sid=" + app.logged_in.open(u.login) + "; Path=/; HttpOnly; SameSite=Lax");
      res.set("Cache-Control", "no-store");
      return res;
    }
    auto res = vendor_page("Sai tên đăng nhập hoặc mật khẩu", "<p>Wrong login or password.</p>");
    res.code = http::status::unauthorized;
    return res;
  });
  // The vendor's back office writes an article straight into the store, not through the API:
  // nothing tells the portal, yet its next page shows it (the store reports the write).
  // The vendor's own cookie-authenticated form checks the origin as the portal's API does: a page
  // on another site must not post it with the user's cookie.
  app.routes.post("/quan-tri/dang-bai", [&app, origin](http::request& req) {
    if (!http::same_origin(req, {origin})) {
      auto r = vendor_page("Yêu cầu từ trang khác bị từ chối", "<p>Cross-site request refused.</p>");
      r.code = http::status::forbidden;
      return r;
    }
    auto* u = user_of(app.logged_in, req);
    if (!u) {
      auto r = vendor_page("Cần đăng nhập", "<p>Login required.</p>");
      r.code = http::status::unauthorized;
      return r;
    }
    auto title = http::percent_decode(std::string_view(req.body()).substr(req.body().find('=') + 1), true).value_or("");
    article a;
    a.kind = article_kind::activity_news;
    a.title = title.empty() ? "Bài viết từ phần mềm của trường" : title;
    a.body_markdown = "Bài viết do phần mềm quản lý của trường đăng trực tiếp.";
    a.unit = unit_id{u->unit};
    a.author = account_id{u->login};
    a.state = article_state::published;
    a.created_at = a.updated_at = now();
    a.published_at = a.created_at;
    (void)publish::render_html(a);
    auto made = app.db->create(std::move(a), u->login);
    if (!made) {
      auto r = http::error_response(made.err(), http::status::bad_request);
      return r;
    }
    auto r = vendor_page("Đã đăng", "<p>" + made->id.value + "</p>");
    r.code = http::status::created;
    r.set("Location", "/phap-luat/pbgdpl/bai-viet/" + made->id.value);
    return r;
  });
  // Everything under /phap-luat is the portal: its pages, feeds, sitemap, search and API. The
  // portal reads the prefix from the mount, so every link it writes starts with /phap-luat.
  app.routes.mount("/phap-luat", app.site->handler());
}

// --- 4. The vendor's server: synchronous Beast, a thread per connection -------------------------

// One connection's thread. Idle keep-alive connections time out (SO_RCVTIMEO), so a client that
// opens connections and sends nothing cannot hold threads for ever; there are at most
// max_connections at once (more are closed at once).
// The socket lives as long as this entry (closed after the join), so stopping may shut it down
// from another thread without racing a close.
struct connection {
  explicit connection(tcp::socket s) : sock(std::move(s)) {}
  tcp::socket sock;
  std::thread worker;
  std::atomic<bool> done{false};
};
constexpr std::size_t max_connections = 64;

static void serve_connection(const application& app, connection& self) {
  auto& sock = self.sock;
  beast::flat_buffer buf;
  beast::error_code ec;
  for (;;) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(16 * 1024);
    parser.body_limit(1024 * 1024);
    bhttp::read(sock, buf, parser, ec);
    if (ec) break;
    http::request req(parser.release());
    req.remote_address = sock.remote_endpoint(ec).address().to_string();
    bool head = req.method() == http::verb::head;
    auto res = http::to_beast(app.routes.handle(req), req.version(), req.keep_alive());
    if (head) {
      auto n = res.body().size();
      res.body().clear();
      res.content_length(n);
    }
    bhttp::write(sock, res, ec);
    if (ec || !res.keep_alive()) break;
  }
  sock.shutdown(tcp::socket::shutdown_send, ec);
  self.done = true;
}

static std::atomic<bool> g_stop{false};

int main(int argc, char** argv) {
  unsigned short port = 8081;
  std::filesystem::path db_path = "var/vendor_embed.sqlite";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--port") port = static_cast<unsigned short>(std::atoi(argv[i + 1]));
    else if (a == "--db") db_path = argv[i + 1];
    else {
      std::fprintf(stderr, "usage: %s [--port N] [--db FILE]\n", argv[0]);
      return 2;
    }
  }
  if (db_path.has_parent_path()) std::filesystem::create_directories(db_path.parent_path());

  application app;
  auto opened = store::sqlite_store::open(db_path);
  if (!opened) {
    std::fprintf(stderr, "%s\n", opened.err().describe().c_str());
    return 1;
  }
  app.db = std::move(*opened);
  if (auto s = seed(*app.db); !s) {
    std::fprintf(stderr, "seed: %s\n", s.err().describe().c_str());
    return 1;
  }

  asio::io_context ioc;
  tcp::acceptor acceptor(ioc, {asio::ip::make_address("127.0.0.1"), port});
  port = acceptor.local_endpoint().port();
  build(app, "http://127.0.0.1:" + std::to_string(port));

  // 5. Stop on SIGINT/SIGTERM: the accept loop ends, connections finish their request and close.
  std::signal(SIGINT, [](int) { g_stop = true; });
  std::signal(SIGTERM, [](int) { g_stop = true; });
  acceptor.non_blocking(true);
  std::printf("listening on http://127.0.0.1:%u/ (pbgdpl at /phap-luat/)\n", port);
  std::fflush(stdout);

  std::list<connection> connections;
  auto reap = [&] {
    for (auto it = connections.begin(); it != connections.end();)
      if (it->done) {
        it->worker.join();
        it = connections.erase(it);
      } else {
        ++it;
      }
  };
  while (!g_stop) {
    beast::error_code ec;
    tcp::socket sock(ioc);
    acceptor.accept(sock, ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    if (ec) break;
    reap();
    if (connections.size() >= max_connections) continue;  // closed as `sock` goes
    sock.non_blocking(false);
    timeval idle{10, 0};
    ::setsockopt(sock.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &idle, sizeof idle);
    auto& c = connections.emplace_back(std::move(sock));
    c.worker = std::thread(serve_connection, std::cref(app), std::ref(c));
  }
  acceptor.close();
  // Waiting reads end now; a request being answered still gets its answer.
  for (auto& c : connections)
    if (!c.done) ::shutdown(c.sock.native_handle(), SHUT_RD);
  for (auto& c : connections) c.worker.join();
  std::printf("stopped cleanly\n");
  return 0;
}
