// The reference for embedding pbgdpl (docs/embedding.md walks through it): a school-software
// vendor's own small Beast server with its own accounts and login, and the pbgdpl portal mounted
// under /phap-luat/. Step by step:
//   1. open the SQLite store (a real file) and seed it with typed entities on first start;
//   2. the vendor's session cookie becomes a pbgdpl principal through the portal's identify hook,
//      and the vendor's own table of rights becomes grants (no user is copied into pbgdpl);
//   3. the vendor's router keeps its own pages and mounts the whole portal under /phap-luat;
//   4. the vendor's back office writes straight into the store: the next page shows it (the
//      store tells the portal's cache what changed);
//   5. the server bounds what one client can hold (connections, time per request, per response,
//      idle), and SIGINT/SIGTERM stop it cleanly: no new connections, running requests finish
//      within a grace period, then whatever is left is cut.
// Usage: pbgdpl_vendor_embed [--port N] [--db FILE] [--max-connections N] [--per-client N]
//          [--idle-timeout-ms N] [--request-timeout-ms N] [--write-timeout-ms N] [--stop-grace-ms N]
//          [--session-ttl-s N]
// (defaults: 8081, ./var/vendor_embed.sqlite, 64, 8, 10000, 10000, 10000, 3000, 28800 = 8 h).
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

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdint>
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

// Logged-in sessions: id -> (login, expiry). Thread-safe (a mutex); shared by every connection.
class sessions {
 public:
  // How long a session lives; set before serving.
  std::chrono::seconds lifetime = std::chrono::hours(8);

  // A new session's id: an unguessable token (libsodium's random bytes through trust/tokens).
  std::string open(const std::string& login) {
    auto t = trust::issue_token(trust::token_kind::session, login, now(), lifetime);
    std::lock_guard lock(mu_);
    // Expired sessions go here (at a login), so the table holds only live ones and a few more.
    std::erase_if(by_id_, [](const auto& kv) { return kv.second.expires_at <= now(); });
    by_id_[t.token] = {login, t.record.expires_at};
    return t.token;
  }
  // The login of a live session; nullopt for an unknown, expired or closed one.
  std::optional<std::string> login_of(std::string_view sid) const {
    std::lock_guard lock(mu_);
    auto it = by_id_.find(std::string(sid));
    if (it == by_id_.end() || it->second.expires_at <= now()) return std::nullopt;
    return it->second.login;
  }
  // Logout: the id stops working at once.
  void close(std::string_view sid) {
    std::lock_guard lock(mu_);
    by_id_.erase(std::string(sid));
  }

 private:
  struct entry {
    std::string login;
    timestamp expires_at;
  };
  mutable std::mutex mu_;
  std::map<std::string, entry> by_id_;
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
  // Password guessing: 10 tries at once per client address, then one every 2 s.
  http::rate_limiter login_attempts{http::rate_limit_config{.requests_per_second = 0.5, .burst = 10}};
  std::unique_ptr<portal::site> site;
  http::router routes;
};

static http::response vendor_page(const std::string& title, const std::string& body) {
  return http::response::html("<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>" + title +
                              "</title></head><body><h1>" + title + "</h1>" + body + "</body></html>");
}

static http::response cross_site_refused() {
  auto r = vendor_page("Yêu cầu từ trang khác bị từ chối", "<p>Cross-site request refused.</p>");
  r.code = http::status::forbidden;
  return r;
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
  // cookie off cross-site posts; the portal also checks Origin on writes made with it. The login
  // itself checks Origin too (another site must not log a visitor into the attacker's account:
  // login CSRF) and is rate limited per client address (password guessing).
  app.routes.post("/dang-nhap", [&app, origin](http::request& req) {
    if (!http::same_origin(req, {origin})) return cross_site_refused();
    if (auto refused = app.login_attempts.check(req)) return std::move(*refused);
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
  // Logout: the session ends on the server (the cookie alone would outlive it). Same-origin, so
  // another site cannot log the user out.
  app.routes.post("/dang-xuat", [&app, origin](http::request& req) {
    if (!http::same_origin(req, {origin})) return cross_site_refused();
    app.logged_in.close(cookie(req, "sid"));
    auto res = vendor_page("Đã đăng xuất", "<p>Logged out.</p>");
    res.set("Set-Cookie", "sid=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
    res.set("Cache-Control", "no-store");
    return res;
  });
  // The vendor's back office writes an article straight into the store, not through the API:
  // nothing tells the portal, yet its next page shows it (the store reports the write).
  // The vendor's own cookie-authenticated form checks the origin as the portal's API does: a page
  // on another site must not post it with the user's cookie.
  // Writing past the API skips its checks, so the form asks the portal's authorizer itself, with
  // the API's action names: who may not publish ("publish:article") only submits for approval.
  app.routes.post("/quan-tri/dang-bai", [&app, origin](http::request& req) {
    if (!http::same_origin(req, {origin})) return cross_site_refused();
    auto* u = user_of(app.logged_in, req);
    if (!u) {
      auto r = vendor_page("Cần đăng nhập", "<p>Login required.</p>");
      r.code = http::status::unauthorized;
      return r;
    }
    const http::principal who{u->login, u->name, {}};
    const auto& authorize = app.site->config().authorize;
    if (auto may = authorize(who, "create:article", u->unit); !may)
      return http::error_response(may.err(), http::status::forbidden);
    const bool may_publish = static_cast<bool>(authorize(who, "publish:article", u->unit));
    auto title = http::percent_decode(std::string_view(req.body()).substr(req.body().find('=') + 1), true).value_or("");
    article a;
    a.kind = article_kind::activity_news;
    a.title = title.empty() ? "Bài viết từ phần mềm của trường" : title;
    a.body_markdown = "Bài viết do phần mềm quản lý của trường đăng trực tiếp.";
    a.unit = unit_id{u->unit};
    a.author = account_id{u->login};
    a.state = may_publish ? article_state::published : article_state::submitted;
    a.created_at = a.updated_at = now();
    if (may_publish) a.published_at = a.created_at;
    (void)publish::render_html(a);
    auto made = app.db->create(std::move(a), u->login);
    if (!made) {
      auto r = http::error_response(made.err(), http::status::bad_request);
      return r;
    }
    auto r = may_publish
                 ? vendor_page("Đã đăng", "<p>Published: <code>published</code> " + made->id.value + "</p>")
                 : vendor_page("Đã gửi duyệt", "<p>Submitted for approval: <code>submitted</code> " +
                                                   made->id.value + "</p>");
    r.code = http::status::created;
    // The article's own URL under its unit (the /don-vi/ form answers for every unit, the default
    // one included); until it is approved and published only its authors and approvers see it.
    r.set("Location", "/phap-luat/don-vi/" + u->unit + "/pbgdpl/bai-viet/" + made->id.value);
    return r;
  });
  // Everything under /phap-luat is the portal: its pages, feeds, sitemap, search and API. The
  // portal reads the prefix from the mount, so every link it writes starts with /phap-luat.
  app.routes.mount("/phap-luat", app.site->handler());
}

// --- 4. The vendor's server: synchronous Beast, a thread per connection -------------------------

// A thread per connection is simple, and every way a client could hold a thread for ever is bounded:
//  - connections: at most max_connections, and per_client from one address (one client with slow
//    requests must not take every slot); more get a short 503 and are closed;
//  - time: waiting for the next request (idle), reading one request's headers and body (request:
//    from its first byte, however slowly it trickles in), writing one response (write: a client
//    that never reads). Socket timeouts cannot say this (SO_RCVTIMEO is per read, and Asio's
//    blocking calls wait again after one), so the main thread is a watchdog: each connection
//    records what it is doing and since when, and one past its deadline is shut down, which ends
//    the blocked read or write;
//  - size: 16 KiB of headers (431), 1 MiB of body (413).
struct limits {
  std::size_t max_connections = 64;
  std::size_t per_client = 8;
  std::chrono::milliseconds idle{10000};
  std::chrono::milliseconds request{10000};
  std::chrono::milliseconds write{10000};
  std::chrono::milliseconds stop_grace{3000};  // after SIGTERM, before cutting what is left
};

using steady = std::chrono::steady_clock;
static std::int64_t ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(steady::now().time_since_epoch()).count();
}

// What a connection's thread is doing; the application's own work (handling) has no deadline here.
enum class phase { idle, reading, handling, writing };

// One connection. Its thread writes `doing` and `since`; the main thread reads them (atomics).
// The socket lives as long as this entry (closed after the join), so the main thread may shut it
// down from its side without racing a close.
struct connection {
  connection(tcp::socket s, std::string from) : sock(std::move(s)), peer(std::move(from)) {}
  tcp::socket sock;
  const std::string peer;  // the client's address
  std::thread worker;
  std::atomic<bool> done{false};
  std::atomic<phase> doing{phase::idle};
  std::atomic<std::int64_t> since{ms_now()};
  std::atomic<bool> timed_out{false};  // set by the watchdog before it shuts the socket down
  void enter(phase p) {
    since = ms_now();  // before `doing`: the watchdog never sees a new phase with an old start
    doing = p;
  }
};

// The watchdog's look at one connection: shut it down when it is past its phase's deadline. A
// late read is ended with SHUT_RD (the thread may still answer 408); a late write with SHUT_RDWR.
static void enforce_deadline(connection& c, const limits& lim) {
  if (c.done) return;
  auto p = c.doing.load();
  std::chrono::milliseconds limit = p == phase::idle      ? lim.idle
                                    : p == phase::reading ? lim.request
                                    : p == phase::writing ? lim.write
                                                          : std::chrono::milliseconds::max();
  if (p == phase::handling || ms_now() - c.since <= limit.count()) return;
  c.timed_out = true;
  ::shutdown(c.sock.native_handle(), p == phase::writing ? SHUT_RDWR : SHUT_RD);
}

// A request that is refused before it is read whole (too large, too slow): a short answer that
// closes the connection, then what the client still sends is read and dropped (until it closes,
// the request deadline or 8 MiB), since closing with unread data resets the connection and the
// client would lose the answer.
static void refuse(connection& self, bhttp::status code, const char* vi, const char* en) {
  bhttp::response<bhttp::string_body> res{code, 11};
  res.set(bhttp::field::content_type, "text/plain; charset=utf-8");
  res.set(bhttp::field::connection, "close");
  res.body() = std::string(vi) + "\n" + en + "\n";
  res.prepare_payload();
  beast::error_code ec;
  self.enter(phase::writing);
  bhttp::write(self.sock, res, ec);
  if (ec) return;
  self.sock.shutdown(tcp::socket::shutdown_send, ec);
  self.enter(phase::reading);
  char sink[16 * 1024];
  for (std::size_t dropped = 0; !ec && dropped < 8 * 1024 * 1024;)
    dropped += self.sock.read_some(asio::buffer(sink), ec);
}

static void serve_connection(const application& app, connection& self) {
  auto& sock = self.sock;
  beast::flat_buffer buf;
  beast::error_code ec;
  for (;;) {
    // Idle until the next request's first byte (unless a pipelined one is already here).
    if (buf.size() == 0) {
      self.enter(phase::idle);
      sock.wait(tcp::socket::wait_read, ec);
      if (ec) break;
    }
    self.enter(phase::reading);
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(16 * 1024);
    parser.body_limit(1024 * 1024);
    bhttp::read(sock, buf, parser, ec);
    if (ec == bhttp::error::body_limit) {
      refuse(self, bhttp::status::payload_too_large, "Nội dung yêu cầu quá lớn (tối đa 1 MiB).",
             "Request body too large (1 MiB at most).");
    } else if (ec == bhttp::error::header_limit) {
      refuse(self, bhttp::status::request_header_fields_too_large,
             "Phần đầu yêu cầu quá lớn (tối đa 16 KiB).", "Request headers too large (16 KiB at most).");
    } else if (ec && self.timed_out && parser.got_some()) {
      refuse(self, bhttp::status::request_timeout, "Yêu cầu gửi quá chậm.",
             "Request took too long to arrive.");
    }
    if (ec) break;
    http::request req(parser.release());
    req.remote_address = self.peer;
    bool head = req.method() == http::verb::head;
    self.enter(phase::handling);
    auto res = http::to_beast(app.routes.handle(req), req.version(), req.keep_alive());
    if (head) {
      auto n = res.body().size();
      res.body().clear();
      res.content_length(n);
    }
    self.enter(phase::writing);
    bhttp::write(sock, res, ec);
    if (ec || !res.keep_alive()) break;
  }
  sock.shutdown(tcp::socket::shutdown_send, ec);
  self.done = true;
}

// A connection over the limits: a 503 if it fits in the socket's buffer at once (never waits),
// then closed. What the client already sent is read first, so the close is not a reset.
static void turn_away(tcp::socket& sock) {
  static constexpr std::string_view busy =
      "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\nContent-Type: text/plain; charset=utf-8\r\n"
      "Connection: close\r\nContent-Length: 65\r\n\r\n"
      "Máy chủ đang bận, xin thử lại sau.\nServer busy, retry.\n";
  static_assert(busy.size() - busy.find("\r\n\r\n") - 4 == 65);
  int fd = sock.native_handle();
  char sink[4096];
  while (::recv(fd, sink, sizeof sink, MSG_DONTWAIT) > 0) {
  }
  (void)::send(fd, busy.data(), busy.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  ::shutdown(fd, SHUT_WR);
}

static std::atomic<bool> g_stop{false};

int main(int argc, char** argv) {
  unsigned short port = 8081;
  std::filesystem::path db_path = "var/vendor_embed.sqlite";
  limits lim;
  long session_ttl_s = 8 * 3600;
  bool usage = argc % 2 == 0;  // every flag takes a value
  for (int i = 1; !usage && i + 1 < argc; i += 2) {
    std::string a = argv[i];
    long n = std::atol(argv[i + 1]);
    if (a == "--port") port = static_cast<unsigned short>(n);
    else if (a == "--db") db_path = argv[i + 1];
    else if (n <= 0) usage = true;
    else if (a == "--max-connections") lim.max_connections = static_cast<std::size_t>(n);
    else if (a == "--per-client") lim.per_client = static_cast<std::size_t>(n);
    else if (a == "--idle-timeout-ms") lim.idle = std::chrono::milliseconds(n);
    else if (a == "--request-timeout-ms") lim.request = std::chrono::milliseconds(n);
    else if (a == "--write-timeout-ms") lim.write = std::chrono::milliseconds(n);
    else if (a == "--stop-grace-ms") lim.stop_grace = std::chrono::milliseconds(n);
    else if (a == "--session-ttl-s") session_ttl_s = n;
    else usage = true;
  }
  if (usage) {
    std::fprintf(stderr,
                 "usage: %s [--port N] [--db FILE] [--max-connections N] [--per-client N] [--idle-timeout-ms N]\n"
                 "          [--request-timeout-ms N] [--write-timeout-ms N] [--stop-grace-ms N] [--session-ttl-s N]\n",
                 argv[0]);
    return 2;
  }
  if (db_path.has_parent_path()) std::filesystem::create_directories(db_path.parent_path());

  application app;
  app.logged_in.lifetime = std::chrono::seconds(session_ttl_s);
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
  std::signal(SIGPIPE, SIG_IGN);  // a client gone mid-write is an error code, not the process's end
  acceptor.non_blocking(true);
  std::printf("listening on http://127.0.0.1:%u/ (pbgdpl at /phap-luat/)\n", port);
  std::fflush(stdout);

  // Only this (main) thread touches the list; each connection's thread touches its own entry.
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
  auto watch = [&] {
    for (auto& c : connections) enforce_deadline(c, lim);
  };
  while (!g_stop) {
    watch();
    beast::error_code ec;
    tcp::socket sock(ioc);
    acceptor.accept(sock, ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    if (ec) break;
    reap();
    auto peer = sock.remote_endpoint(ec).address().to_string();
    if (ec) continue;
    std::size_t from_peer = 0;
    for (const auto& c : connections) from_peer += c.peer == peer;
    if (connections.size() >= lim.max_connections || from_peer >= lim.per_client) {
      turn_away(sock);
      continue;  // closed as `sock` goes
    }
    sock.non_blocking(false);
    auto& c = connections.emplace_back(std::move(sock), std::move(peer));
    c.worker = std::thread(serve_connection, std::cref(app), std::ref(c));
  }
  acceptor.close();
  // Waiting reads end now; a request being answered still gets its answer, for stop_grace. Then
  // what is left (a response the client does not read) is cut, so the joins below finish.
  for (auto& c : connections)
    if (!c.done) ::shutdown(c.sock.native_handle(), SHUT_RD);
  const auto cut_at = steady::now() + lim.stop_grace;
  auto running = [&] {
    for (const auto& c : connections)
      if (!c.done) return true;
    return false;
  };
  while (running() && steady::now() < cut_at) {
    watch();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  for (auto& c : connections)
    if (!c.done) ::shutdown(c.sock.native_handle(), SHUT_RDWR);
  for (auto& c : connections) c.worker.join();
  std::printf("stopped cleanly\n");
  return 0;
}
