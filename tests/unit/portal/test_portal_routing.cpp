// Issue 10: the portal on the router. A unit's host serves that unit's pages (the audit found no
// test of routing by Host); /don-vi/{unit}/ is a mount whose parameter names the unit, with no
// rewriting of the request; the same routes serve under a vendor's prefix with links that carry
// it; and the router's mounts (parameters, a root mount, handlers) behave as documented.
#include "portal_fixture.hpp"

#include <set>

using namespace pbgdpl;
using pbgdpl_test::portal_fixture;

namespace {
bool contains(const http::response& r, std::string_view what) {
  return r.body_view().find(what) != std::string_view::npos;
}
}  // namespace

TEST_CASE("portal: a unit's host serves that unit's pages, links and feeds") {
  portal::options o;
  o.base_url = "https://pbgdpl.pgdhadong.edu.vn";
  o.hosts = {{"thvanyen.edu.vn", "th-van-yen"}, {"pgdhadong.edu.vn", "pgddt-ha-dong"}};
  portal_fixture f(o);
  auto school = [&](const std::string& target, std::string host = "thvanyen.edu.vn") {
    return f.get(target, {{"Host", host}});
  };
  // The school's home: its name, its own news, not the division's.
  auto home = school("/pbgdpl/");
  REQUIRE(home.code == http::status::ok);
  CHECK(contains(home, "Trường Tiểu học Văn Yên"));
  CHECK(contains(home, "th-van-yen-ngay-phap-luat-2023"));
  CHECK_FALSE(contains(home, "pgddt-trien-khai-kh19"));
  // Links stay on the host (no /don-vi/ prefix); absolute URLs name it with base_url's scheme.
  CHECK(contains(home, "href=\"/pbgdpl/tin-hoat-dong/\""));
  CHECK_FALSE(contains(home, "/don-vi/th-van-yen"));
  // Only the links to the other units (the units above, in the unit's place) go through /don-vi/.
  CHECK(contains(home, "href=\"/don-vi/pgddt-ha-dong/pbgdpl/\""));
  CHECK(contains(home, "https://thvanyen.edu.vn/pbgdpl/"));
  CHECK(school("/pbgdpl/bai-viet/th-van-yen-ngay-phap-luat-2023").code == http::status::ok);
  CHECK(school("/pbgdpl/bai-viet/pgddt-trien-khai-kh19").code == http::status::not_found);
  auto feed = school("/pbgdpl/feed.atom");
  CHECK(contains(feed, "th-van-yen-ngay-phap-luat-2023"));
  CHECK_FALSE(contains(feed, "pgddt-trien-khai-kh19"));
  // The division's plan is shown on its schools' pages.
  CHECK(school("/pbgdpl/van-ban/kh-19-pgddt-2023").code == http::status::ok);
  // The Host is read as configured whatever its case, port or final dot.
  for (const char* variant : {"THVANYEN.EDU.VN", "thvanyen.edu.vn:8080", "thvanyen.edu.vn."}) {
    CAPTURE(variant);
    auto r = school("/pbgdpl/", variant);
    CHECK(contains(r, "th-van-yen-ngay-phap-luat-2023"));
    CHECK_FALSE(contains(r, "pgddt-trien-khai-kh19"));
  }
  // The division's host, and any unknown host (the default unit): the division.
  for (const char* host : {"pgdhadong.edu.vn", "unknown.example"}) {
    CAPTURE(host);
    auto r = school("/pbgdpl/", host);
    CHECK(contains(r, "pgddt-trien-khai-kh19"));
    CHECK(contains(r, "Phòng Giáo dục và Đào tạo quận Hà Đông"));
  }
  // /don-vi/<unit>/ still names a unit on any host, and its links keep the prefix.
  auto other = school("/don-vi/th-le-loi/pbgdpl/");
  REQUIRE(other.code == http::status::ok);
  CHECK(contains(other, "Trường Tiểu học Lê Lợi"));
  CHECK(contains(other, "href=\"/don-vi/th-le-loi/pbgdpl/tin-hoat-dong/\""));
  // Routes outside the pages answer on every host.
  CHECK(school("/healthz").code == http::status::ok);
  CHECK(school("/api/v1/units/th-van-yen").code == http::status::ok);
}

TEST_CASE("portal: pages answer only GET and HEAD, in the unit's own look, and HEAD has no body") {
  portal_fixture f;
  auto post = f.send(http::verb::post, "/don-vi/th-van-yen/pbgdpl/", "x=1");
  CHECK(post.code == http::status::method_not_allowed);
  CHECK(post.get("Allow") == "GET, HEAD");
  CHECK(contains(post, "Trường Tiểu học Văn Yên"));
  // A unit that does not exist is a 404 whatever the method.
  CHECK(f.send(http::verb::post, "/don-vi/khong-co/pbgdpl/").code == http::status::not_found);
  auto head = f.send(http::verb::head, "/pbgdpl/");
  CHECK(head.code == http::status::ok);
}

TEST_CASE("portal: the site's handler serves under a vendor's prefix, and its links carry the prefix") {
  portal_fixture f;
  // A vendor's router with its own pages, the portal's handler mounted under /phap-luat.
  http::router vendor;
  vendor.get("/", [](http::request&) { return http::response::text("trang cua nha cung cap"); });
  vendor.mount("/phap-luat", f.handle);
  auto get = [&](std::string target, std::string authorization = {}) {
    http::beast_request m{http::verb::get, target, 11};
    m.set(http::bhttp::field::host, "127.0.0.1:8080");
    if (!authorization.empty()) m.set(http::bhttp::field::authorization, authorization);
    http::request req(std::move(m));
    return vendor.handle(req);
  };
  CHECK(get("/").body_view() == "trang cua nha cung cap");
  auto home = get("/phap-luat/pbgdpl/");
  REQUIRE(home.code == http::status::ok);
  CHECK(contains(home, "href=\"/phap-luat/pbgdpl/tin-hoat-dong/\""));
  CHECK(contains(home, "href=\"/phap-luat/pbgdpl/static/style.css\""));
  auto school = get("/phap-luat/don-vi/th-van-yen/pbgdpl/");
  REQUIRE(school.code == http::status::ok);
  CHECK(contains(school, "href=\"/phap-luat/don-vi/th-van-yen/pbgdpl/tin-hoat-dong/\""));
  auto moved = get("/phap-luat/don-vi/th-van-yen");
  CHECK(moved.code == http::status::moved_permanently);
  CHECK(moved.get("Location") == "/phap-luat/don-vi/th-van-yen/pbgdpl/");
  CHECK(get("/phap-luat/pbgdpl/bai-viet/pgddt-trien-khai-kh19").code == http::status::ok);
  CHECK(get("/phap-luat/api/v1/articles/pgddt-trien-khai-kh19").code == http::status::ok);
  CHECK(get("/phap-luat/healthz").code == http::status::ok);
  CHECK(get("/pbgdpl/").code == http::status::not_found);  // outside the prefix: the vendor's
  // A keyed API call under the prefix is never answered from the public cache: a bad key is a
  // 401 even when the anonymous answer is cached.
  REQUIRE(get("/phap-luat/api/v1/articles").code == http::status::ok);
  CHECK(get("/phap-luat/api/v1/articles", "Bearer khong-phai-khoa").code == http::status::unauthorized);
  auto hits = f.site->cache().hits();
  CHECK(get("/phap-luat/pbgdpl/", "Bearer khong-phai-khoa").code == http::status::ok);  // a page still is
  CHECK(f.site->cache().hits() == hits + 1);
}

TEST_CASE("portal: robots.txt under a vendor's prefix names the prefixed sitemap and API") {
  portal_fixture f;
  http::router vendor;
  vendor.mount("/phap-luat", f.handle);
  http::beast_request m{http::verb::get, "/phap-luat/robots.txt", 11};
  m.set(http::bhttp::field::host, "127.0.0.1:8080");
  http::request req(std::move(m));
  auto robots = std::string(vendor.handle(req).body_view());
  CHECK(robots.find("Sitemap: http://127.0.0.1:8080/phap-luat/sitemap.xml\n") != std::string::npos);
  CHECK(robots.find("Disallow: /phap-luat/api/\n") != std::string::npos);
  CHECK(robots.find("Disallow: /api/") == std::string::npos);
}

TEST_CASE("portal: a public prefix a proxy strips starts every link, redirect and absolute URL") {
  portal::options o;
  o.public_prefix = "phap-luat/";  // made canonical: "/phap-luat"
  portal_fixture f(std::move(o));
  auto home = f.get("/pbgdpl/");
  REQUIRE(home.code == http::status::ok);
  CHECK(contains(home, "href=\"/phap-luat/pbgdpl/tin-hoat-dong/\""));
  CHECK(contains(home, "href=\"/phap-luat/pbgdpl/static/style.css\""));
  CHECK(contains(home, "action=\"/phap-luat/tim-kiem\""));
  CHECK(!contains(home, "href=\"/pbgdpl/"));
  auto moved = f.get("/don-vi/th-van-yen");
  CHECK(moved.get("Location") == "/phap-luat/don-vi/th-van-yen/pbgdpl/");
  auto feed = f.get("/pbgdpl/feed.atom");
  CHECK(contains(feed, "http://127.0.0.1:8080/phap-luat/pbgdpl/feed.atom"));
  auto map = f.get("/sitemap.xml");
  CHECK(contains(map, "<loc>http://127.0.0.1:8080/phap-luat/pbgdpl/</loc>"));
  CHECK(!contains(map, "<loc>http://127.0.0.1:8080/pbgdpl/"));
}

TEST_CASE("portal: a public prefix that could carry markup or another host is refused at start") {
  store::memory_store db;
  for (const char* bad : {"/a b", "/\"><script>", "/%2e%2e", "/..", "/phap luat"}) {
    portal::options o;
    o.public_prefix = bad;
    CHECK_THROWS_AS(portal::site(db, o), pbgdpl::exception);
  }
  CHECK(portal::checked_public_prefix("").value() == "");
  CHECK(portal::checked_public_prefix("/").value() == "");
  CHECK(portal::checked_public_prefix("/phap-luat/v1/").value() == "/phap-luat/v1");
  // Doubled slashes collapse, so the prefix can never start a link with "//" (another host).
  CHECK(portal::checked_public_prefix("//evil.example").value() == "/evil.example");
}

TEST_CASE("router: a mount's prefix may hold parameters, a root mount catches the rest, nothing is rewritten") {
  auto inner = std::make_shared<http::router>();
  inner->get("/", [](http::request& q) { return http::response::text("goc " + std::string(q.param("unit"))); });
  inner->get("/tin/{id}", [](http::request& q) {
    return http::response::text(std::string(q.param("unit")) + "|" + std::string(q.param("id")) + "|" +
                                std::string(q.route_path()) + "|" + q.path().substr(0, q.route_offset()));
  });
  http::router top;
  top.get("/healthz", [](http::request&) { return http::response::text("ok"); });
  top.mount("/don-vi/{unit:slug}", inner);
  top.mount("/", inner);
  auto run = [&](std::string target, http::verb m = http::verb::get) {
    http::request req(http::beast_request{m, target, 11});
    auto target_before = std::string(req.target());
    auto r = top.handle(req);
    // The request comes back as it went in: its target and its offset.
    CHECK(std::string(req.target()) == target_before);
    CHECK(req.route_offset() == 0);
    return std::string(r.body_view());
  };
  CHECK(run("/don-vi/th-van-yen/tin/7") == "th-van-yen|7|/tin/7|/don-vi/th-van-yen");
  CHECK(run("/don-vi/th-van-yen") == "goc th-van-yen");
  CHECK(run("/tin/8") == "|8|/tin/8|");
  CHECK(run("/") == "goc ");
  CHECK(run("/healthz") == "ok");
  // A prefix parameter is typed like a route's: "Hoa" is not a slug, so the root mount answers.
  http::request bad(http::beast_request{http::verb::get, "/don-vi/Hoa/tin/9", 11});
  CHECK(top.handle(bad).code == http::status::not_found);
  // Other methods: 405 from the route that matched, with the hook when one is set.
  http::request post(http::beast_request{http::verb::post, "/don-vi/x/tin/1", 11});
  auto r = top.handle(post);
  CHECK(r.code == http::status::method_not_allowed);
  CHECK(r.get("Allow") == "GET, HEAD");
  inner->on_method_not_allowed([](http::request&, std::string_view allow) {
    auto res = http::response::text("khong duoc", http::status::method_not_allowed);
    res.set("Allow", allow);
    return res;
  });
  http::request post2(http::beast_request{http::verb::post, "/don-vi/x/tin/1", 11});
  CHECK(std::string(top.handle(post2).body_view()) == "khong duoc");
}

TEST_CASE("portal: copies of a keyed parameter and invented cursors cannot fill the page cache") {
  portal_fixture f;
  REQUIRE(f.get("/pbgdpl/?lang=vi").code == http::status::ok);
  auto pages = f.site->cache().size();
  // The handler reads the first ?lang=; so does the key: one entry however many copies follow.
  for (int n = 1; n < 40; ++n) {
    std::string t = "/pbgdpl/?lang=vi";
    for (int i = 0; i < n; ++i) t += (i % 2) ? "&lang=en" : "&lang=vi";
    REQUIRE(f.get(t).code == http::status::ok);
  }
  CHECK(f.site->cache().size() == pages);
  // Each invented ?sau= cursor is a valid later page: kept apart from the pages everyone reads.
  for (int i = 0; i < 50; ++i) {
    auto raw = "k:2020-01-01T00:00:" + std::string(i < 10 ? "0" : "") + std::to_string(i) + "Z\x1f" "a";
    std::string hex;
    for (unsigned char c : raw) {
      static const char* d = "0123456789abcdef";
      hex += d[c >> 4];
      hex += d[c & 15];
    }
    auto r = f.get("/pbgdpl/tin-hoat-dong/?sau=" + hex);
    CHECK(r.code != http::status::internal_server_error);
  }
  CHECK(f.site->cache().size() == pages);
}

TEST_CASE("portal: the API index and OpenAPI document name the prefix the API is reached under") {
  portal_fixture f;
  http::router vendor;
  vendor.mount("/phap-luat", f.handle);
  auto get = [&](std::string target) {
    http::beast_request m{http::verb::get, target, 11};
    m.set(http::bhttp::field::host, "127.0.0.1:8080");
    http::request req(std::move(m));
    return vendor.handle(req);
  };
  auto index = json::parse(std::string(get("/phap-luat/api/v1").body_view()));
  REQUIRE(index["paths"].is_object());
  CHECK(index["paths"].size() >= 10);  // the index once iterated a destroyed document: empty
  CHECK(index["paths"]["/api/v1/articles"] == "/phap-luat/api/v1/articles");
  CHECK(index["openapi"] == "/phap-luat/api/openapi.json");
  auto spec = json::parse(std::string(get("/phap-luat/api/openapi.json").body_view()));
  REQUIRE(spec["servers"].size() == 1);
  CHECK(spec["servers"][0]["url"] == "/phap-luat");
  // At the root the server is "/" (Redocly's no-empty-servers: a document without one is an error).
  auto root = json::parse(std::string(f.get("/api/openapi.json").body_view()));
  REQUIRE(root["servers"].size() == 1);
  CHECK(root["servers"][0]["url"] == "/");
  // The index with a slash, as the README prints it, is a redirect to the documented one, under the prefix too.
  auto slash = get("/phap-luat/api/v1/");
  CHECK(slash.code == http::status::permanent_redirect);
  CHECK(slash.get("Location") == "/phap-luat/api/v1");
  CHECK(f.get("/api/v1/").get("Location") == "/api/v1");
}

// Issue 20: clients generated from the document call operations by their operationId and pass
// the credentials each declares, so every operation has both.
TEST_CASE("portal: every OpenAPI operation has a unique operationId, a declared tag, security and a 4xx") {
  const auto doc = portal::api::openapi();
  std::set<std::string> ids, tags;
  for (const auto& t : doc["tags"]) tags.insert(t["name"].get<std::string>());
  std::size_t operations = 0;
  for (const auto& [path, item] : doc["paths"].items())
    for (const auto& [method, op] : item.items()) {
      const auto& path_seen = path;  // clang < 16 cannot capture a structured binding in CAPTURE's lambda
      INFO("path := ", path_seen);
      const auto& method_seen = method;  // clang < 16 cannot capture a structured binding in CAPTURE's lambda
      INFO("method := ", method_seen);
      ++operations;
      REQUIRE(op.contains("operationId"));
      CHECK(ids.insert(op["operationId"].get<std::string>()).second);
      REQUIRE(op.contains("tags"));
      CHECK(tags.count(op["tags"][0].get<std::string>()) == 1);
      REQUIRE(op.contains("security"));
      CHECK(!op["security"].empty());
      bool client_error = false;
      for (const auto& [code, _] : op["responses"].items()) client_error = client_error || code.starts_with("4");
      CHECK(client_error);
      // A write is never declared open to anonymous callers (only a device's first contact is).
      if (method != "get" && op["operationId"] != "enrolDevice") CHECK(!op["security"].contains(json::object()));
    }
  CHECK(operations >= 90);
  // The rule names a collection's operations; the names are a contract (append only).
  CHECK(doc["paths"]["/api/v1/articles"]["get"]["operationId"] == "listArticles");
  CHECK(doc["paths"]["/api/v1/articles/{id}"]["delete"]["operationId"] == "archiveArticle");
  CHECK(doc["paths"]["/api/v1/display-status/{id}"]["get"]["operationId"] == "getDisplayStatus");
  CHECK(doc["paths"]["/api/v1/search"]["get"]["operationId"] == "searchRecords");
  // Public reads: no key ({}) beside the optional one; private ones need the key.
  CHECK(doc["paths"]["/api/v1/articles"]["get"]["security"] == json::parse(R"([{}, {"apiKey": []}])"));
  CHECK(doc["paths"]["/api/v1/attendances"]["get"]["security"] == json::parse(R"([{"apiKey": []}])"));
  CHECK(doc["info"]["license"]["name"] == "MIT");
}

TEST_CASE("portal: redirects keep the reader's language") {
  portal_fixture f;
  CHECK(f.get("/pbgdpl/tin-hoat-dong?lang=en").get("Location") == "/pbgdpl/tin-hoat-dong/?lang=en");
  CHECK(f.get("/don-vi/th-van-yen?lang=en").get("Location") == "/don-vi/th-van-yen/pbgdpl/?lang=en");
  CHECK(f.get("/pbgdpl/tin-hoat-dong").get("Location") == "/pbgdpl/tin-hoat-dong/");
}
