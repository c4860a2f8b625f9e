// Issue 11, "bring your own login": the host's own sessions reach the API (request::principal, the
// options::identify hook), writes made with them pass a same-origin check or a token (cross-site
// request forgery), write bodies are JSON only, a vendor's users keep their grants in its own
// database (grants_authorizer), content of no unit has a rule, creates may leave out the id, and
// every Location carries where the API is mounted.
#include "portal_fixture.hpp"

#include <pbgdpl/portal/api.hpp>
#include <pbgdpl/portal/auth.hpp>
#include <pbgdpl/trust/tokens.hpp>

#include <chrono>
#include <map>
#include <set>

using namespace pbgdpl;
using pbgdpl_test::portal_fixture;

namespace {

using headers = std::vector<std::pair<std::string, std::string>>;
const std::string self_origin = "http://127.0.0.1:8080";  // options::base_url's default

// The value of cookie `name` in a Cookie header ("a=1; sid=xyz").
std::string cookie(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    auto end = header.find(';');
    auto part = header.substr(0, end);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.size() > name.size() && part.substr(0, name.size()) == name && part[name.size()] == '=')
      return std::string(part.substr(name.size() + 1));
    if (end == std::string_view::npos) break;
    header.remove_prefix(end + 1);
  }
  return {};
}

// A vendor's portal: its own sessions (cookie "sid" -> principal), API keys for the seeded
// accounts, and an authorizer (the stored accounts' unless the test gives another).
struct vendor_portal {
  std::map<std::string, http::principal> sessions;
  portal::api_key_registry keys;
  std::map<std::string, std::string> key_of;
  std::unique_ptr<portal_fixture> f;
  int hook_calls = 0;

  explicit vendor_portal(portal::options o = {}, bool stored_accounts = true) {
    o.authenticate = [this](std::string_view bearer) { return portal::key_authenticator(keys, f->db)(bearer); };
    o.identify = [this](const http::request& req) -> std::optional<http::principal> {
      ++hook_calls;
      auto it = sessions.find(cookie(req.header("Cookie"), "sid"));
      if (it == sessions.end()) return std::nullopt;
      return it->second;
    };
    if (stored_accounts && !o.authorize)
      o.authorize = [this](const http::principal& p, std::string_view action, const std::string& unit) {
        return portal::account_authorizer(f->db, f->units)(p, action, unit);
      };
    f = std::make_unique<portal_fixture>(std::move(o));
    for (const auto& a : f->seed.accounts) {
      auto t = trust::issue_token(trust::token_kind::api_key, a.id.value, now(), std::chrono::hours(1));
      keys.add(t.record);
      key_of[a.id.value] = t.token;
    }
    http::principal approver;
    approver.id = "acc-division-approver";
    sessions["s-approver"] = approver;
  }

  // A request as a browser sends it with the session cookie (and the portal's own Origin unless
  // the test says otherwise), through the site's handler; `principal` as a host's middleware sets it.
  http::response send(http::verb m, const std::string& target, const std::string& body, headers h,
                      std::optional<http::principal> principal = std::nullopt) {
    http::beast_request msg{m, target, 11};
    msg.set(http::bhttp::field::host, "127.0.0.1:8080");
    for (auto& [k, v] : h) msg.set(k, v);
    msg.body() = body;
    msg.prepare_payload();
    http::request req(std::move(msg));
    req.principal = std::move(principal);
    return f->handle(req);
  }
  http::response post(const std::string& target, const json& body, headers h,
                      std::optional<http::principal> principal = std::nullopt) {
    h.emplace_back("Content-Type", "application/json");
    return send(http::verb::post, target, body.dump(), std::move(h), std::move(principal));
  }
  headers key(const std::string& account) { return {{"Authorization", "Bearer " + key_of.at(account)}}; }
};

json draft(const std::string& id, const std::string& unit = "pgddt-ha-dong", const std::string& state = "draft") {
  return json{{"id", id},     {"kind", "activity_news"}, {"title", "Bài " + id}, {"body_markdown", "Nội dung."},
              {"unit", unit}, {"state", state},          {"schema_version", 1}};
}

std::string code_of(const http::response& r) {
  auto j = json::parse(portal_fixture::body(r), nullptr, false);
  if (!j.is_object() || !j.contains("error")) return {};
  CHECK_FALSE(j["error"]["message"].get<std::string>().empty());
  CHECK_FALSE(j["error"]["message_en"].get<std::string>().empty());
  return j["error"]["code"].get<std::string>();
}

// A legal document of no unit (a higher authority's), copied from the seed's Prime Minister's decision.
json unowned_document(portal_fixture& f, const std::string& id, const std::string& state) {
  auto d = to_json_value(f.db.get<legal_document>("qd-977-ttg-2022").value());
  d["id"] = id;
  d["number"] = "978/QĐ-TTg";
  d["version"] = 0;
  d["state"] = state;
  d.erase("unit");
  return d;
}

}  // namespace

TEST_CASE("api: the host's login reaches the API, request::principal first, then options::identify, then the Bearer key") {
  vendor_portal v;
  const headers browser{{"Cookie", "theme=dark; sid=s-approver"}, {"Origin", self_origin}};
  // The vendor's session writes: 201, written as the session's account.
  auto r = v.post("/api/v1/articles", draft("phien-dang-nhap"), browser);
  REQUIRE_MESSAGE(r.code == http::status::created, portal_fixture::body(r));
  CHECK(v.f->db.get<article>("phien-dang-nhap").value().author.value == "acc-division-approver");
  // The session also reads what its account may read (a draft) where the public gets 404.
  CHECK(v.send(http::verb::get, "/api/v1/articles/phien-dang-nhap", {}, browser).code == http::status::ok);
  CHECK(v.send(http::verb::get, "/api/v1/articles/phien-dang-nhap", {}, {}).code == http::status::not_found);
  // A forged Authorization header without the session: 401, nothing stored.
  r = v.post("/api/v1/articles", draft("gia-mao"), {{"Authorization", "Bearer khong-phai-khoa"}, {"Origin", self_origin}});
  CHECK(r.code == http::status::unauthorized);
  CHECK(code_of(r) == "unauthenticated");
  CHECK_FALSE(v.f->db.get<article>("gia-mao"));
  // An unknown session and no key: 401 too.
  r = v.post("/api/v1/articles", draft("phien-la"), {{"Cookie", "sid=khong-co"}, {"Origin", self_origin}});
  CHECK(r.code == http::status::unauthorized);
  // A principal the host's own middleware set comes first: it wins over the hook's session.
  http::principal editor;
  editor.id = "acc-division-editor";
  const int calls = v.hook_calls;
  r = v.post("/api/v1/articles", draft("nguoi-cua-may-chu"), browser, editor);
  REQUIRE_MESSAGE(r.code == http::status::created, portal_fixture::body(r));
  CHECK(v.f->db.get<article>("nguoi-cua-may-chu").value().author.value == "acc-division-editor");
  CHECK(v.hook_calls == calls);  // the hook was not even asked
  // With no session, the Bearer key works as before (and needs no Origin: a browser never sends it
  // on its own).
  r = v.post("/api/v1/articles", draft("bang-khoa"), v.key("acc-division-editor"));
  REQUIRE_MESSAGE(r.code == http::status::created, portal_fixture::body(r));
  CHECK(v.f->db.get<article>("bang-khoa").value().author.value == "acc-division-editor");
}

TEST_CASE("api: writes with the host's login need a same-origin Origin or Referer, or a token the vendor accepts") {
  portal::options o;
  o.allowed_origins = {"https://Truong-A.edu.vn"};
  o.hosts = {{"thvanyen.edu.vn", "th-van-yen"}};
  o.check_csrf_token = [](const http::request&, std::string_view token) { return token == "ma-dung"; };
  vendor_portal v(o);
  int n = 0;
  auto attempt = [&](headers h, std::optional<http::principal> p = std::nullopt) {
    h.emplace_back("Cookie", "sid=s-approver");
    auto id = "csrf-" + std::to_string(++n);
    auto r = v.post("/api/v1/articles", draft(id), h, std::move(p));
    CHECK((r.code == http::status::created) == v.f->db.get<article>(id).has_value());
    return r;
  };
  // Refused: another site's page, an opaque ("null") origin, no Origin nor Referer, a Referer of
  // another site, a cross-site Origin whatever the Referer says, a wrong token, a look-alike host.
  for (headers h : {headers{{"Origin", "https://evil.example"}}, headers{{"Origin", "null"}}, headers{},
                    headers{{"Referer", "https://evil.example/127.0.0.1:8080/"}},
                    headers{{"Origin", "https://evil.example"}, {"Referer", self_origin + "/pbgdpl/"}},
                    headers{{"X-CSRF-Token", "ma-sai"}}, headers{{"Origin", "http://127.0.0.1:8080.evil.example"}},
                    headers{{"Origin", "http://127.0.0.1:8081"}}, headers{{"Origin", "https://127.0.0.1:8080"}},
                    headers{{"Referer", "http://evil@127.0.0.1:8080/"}}}) {
    CAPTURE(h.size() ? h.front().second : std::string("(none)"));
    auto r = attempt(h);
    CHECK(r.code == http::status::forbidden);
    CHECK(code_of(r) == "csrf");
  }
  // Accepted: the portal's own origin (base_url), by Origin or by Referer; a configured host with
  // base_url's scheme; an allowed origin written another way; a token the vendor accepts.
  for (headers h : {headers{{"Origin", self_origin}}, headers{{"Referer", self_origin + "/pbgdpl/bai-viet/x?y=1"}},
                    headers{{"Origin", "http://THVANYEN.edu.vn:80"}}, headers{{"Origin", "https://truong-a.edu.vn:443"}},
                    headers{{"X-CSRF-Token", "ma-dung"}}}) {
    CAPTURE(h.front().second);
    auto r = attempt(h);
    CHECK_MESSAGE(r.code == http::status::created, portal_fixture::body(r));
  }
  // A principal the host set is ambient too.
  http::principal editor;
  editor.id = "acc-division-editor";
  CHECK(code_of(attempt({{"Origin", "https://evil.example"}}, editor)) == "csrf");
  CHECK(attempt({{"Origin", self_origin}}, editor).code == http::status::created);
  // Updates and archives are checked as creates are; nothing changes.
  auto current = to_json_value(v.f->db.get<article>("pgddt-trien-khai-kh19").value());
  const headers cross{{"Cookie", "sid=s-approver"}, {"Origin", "https://evil.example"}, {"Content-Type", "application/json"}};
  auto r = v.send(http::verb::put, "/api/v1/articles/pgddt-trien-khai-kh19", current.dump(), cross);
  CHECK(code_of(r) == "csrf");
  r = v.send(http::verb::delete_, "/api/v1/articles/pgddt-trien-khai-kh19", {}, cross);
  CHECK(r.code == http::status::forbidden);
  CHECK(code_of(r) == "csrf");
  CHECK(to_json_value(v.f->db.get<article>("pgddt-trien-khai-kh19").value()) == current);
  // A Bearer key needs no Origin check, even from another site's page.
  auto keyed = v.key("acc-division-approver");
  keyed.emplace_back("Origin", "https://evil.example");
  CHECK(v.post("/api/v1/articles", draft("khoa-tu-noi-khac"), keyed).code == http::status::created);
  // An allowed origin that is not one (no scheme) is the host's mistake, refused when the site is made.
  portal::options typo;
  typo.allowed_origins = {"truong-a.edu.vn"};
  CHECK_THROWS_AS(vendor_portal{typo}, pbgdpl::exception);
  // The refusal says what would pass.
  CHECK(json::parse(portal_fixture::body(r))["error"]["message_en"].get<std::string>().find("X-CSRF-Token") != std::string::npos);
}

TEST_CASE("api: write bodies are JSON only, refused with 415 before they are parsed") {
  vendor_portal v;
  auto with_type = [&](std::string type, std::string body, http::verb m = http::verb::post,
                       std::string target = "/api/v1/articles") {
    auto h = v.key("acc-division-approver");
    if (!type.empty()) h.emplace_back("Content-Type", type);
    return v.send(m, target, body, h);
  };
  const auto good = draft("loai-noi-dung").dump();
  // A browser posts these cross-site without asking first; JSON text inside changes nothing.
  for (const char* type : {"application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/plain", "",
                           "application/jsonp", "application/json-patch+json", "application/json; charset=iso-8859-1",
                           "application/json; version=2", "text/json", "application/json, text/plain"}) {
    CAPTURE(type);
    auto r = with_type(type, good);
    CHECK(r.code == http::status::unsupported_media_type);
    CHECK(code_of(r) == "invalid_argument");
    CHECK_FALSE(v.f->db.get<article>("loai-noi-dung"));
  }
  // Refused before parsing: a malformed body of the wrong type is a 415, not a 400.
  CHECK(with_type("text/plain", "{").code == http::status::unsupported_media_type);
  CHECK(with_type("application/json", "{").code == http::status::bad_request);
  // JSON in its accepted spellings.
  int n = 0;
  for (const char* type : {"application/json", "Application/JSON; Charset=\"UTF-8\"", "application/json;charset=utf-8"}) {
    CAPTURE(type);
    auto r = with_type(type, draft("json-" + std::to_string(++n)).dump());
    CHECK_MESSAGE(r.code == http::status::created, portal_fixture::body(r));
  }
  // Updates too; a DELETE without a body needs no type, one with a form body is refused.
  auto current = to_json_value(v.f->db.get<article>("json-1").value());
  CHECK(with_type("application/x-www-form-urlencoded", current.dump(), http::verb::put, "/api/v1/articles/json-1").code ==
        http::status::unsupported_media_type);
  CHECK(with_type("application/x-www-form-urlencoded", "version=1", http::verb::delete_, "/api/v1/articles/json-1").code ==
        http::status::unsupported_media_type);
  CHECK(v.f->db.get<article>("json-1").value().state == article_state::draft);
  auto r = with_type("", "", http::verb::delete_, "/api/v1/articles/json-1");
  CHECK_MESSAGE(r.code == http::status::ok, portal_fixture::body(r));
}

TEST_CASE("api: a create without an id gets a generated one, answered with its Location") {
  vendor_portal v;
  auto key = v.key("acc-division-approver");
  std::set<std::string> ids;
  for (int form = 0; form < 3; ++form) {
    CAPTURE(form);
    auto body = draft("bo-di");
    if (form == 0) body.erase("id");
    else if (form == 1) body["id"] = "";
    else body["id"] = nullptr;
    auto r = v.post("/api/v1/articles", body, key);
    REQUIRE_MESSAGE(r.code == http::status::created, portal_fixture::body(r));
    auto id = json::parse(portal_fixture::body(r))["id"].get<std::string>();
    CHECK(id.size() == 32);
    CHECK(ids.insert(id).second);
    CHECK(r.get("Location") == "/api/v1/articles/" + id);
    CHECK(v.f->db.get<article>(id).has_value());
    CHECK(v.send(http::verb::get, std::string(r.get("Location")), {}, key).code == http::status::ok);
  }
  // An update still names its record.
  auto body = draft("");
  auto r = v.send(http::verb::put, "/api/v1/articles/" + *ids.begin(), body.dump(),
                  {{"Authorization", key.front().second}, {"Content-Type", "application/json"}});
  CHECK(r.code == http::status::bad_request);
}

TEST_CASE("api: every Location and the index carry where the API is mounted") {
  for (std::string proxy : {"", "/cong"}) {
    CAPTURE(proxy);
    portal::options o;
    o.public_prefix = proxy;
    vendor_portal v(o);
    http::router vendor;
    vendor.mount("/phap-luat", v.f->handle);
    auto call = [&](http::verb m, std::string target, std::string body = {}) {
      http::beast_request msg{m, target, 11};
      msg.set(http::bhttp::field::host, "127.0.0.1:8080");
      msg.set(http::bhttp::field::authorization, "Bearer " + v.key_of.at("acc-division-approver"));
      msg.set(http::bhttp::field::content_type, "application/json");
      msg.body() = std::move(body);
      msg.prepare_payload();
      http::request req(std::move(msg));
      return vendor.handle(req);
    };
    auto r = call(http::verb::post, "/phap-luat/api/v1/articles", draft("duoi-tien-to").dump());
    REQUIRE_MESSAGE(r.code == http::status::created, portal_fixture::body(r));
    CHECK(r.get("Location") == proxy + "/phap-luat/api/v1/articles/duoi-tien-to");
    auto idx = call(http::verb::get, "/phap-luat/api/v1");
    CHECK(json::parse(portal_fixture::body(idx))["openapi"] == proxy + "/phap-luat/api/openapi.json");
    // At the root: /api/... as before.
    auto root = v.post("/api/v1/articles", draft("o-goc"), v.key("acc-division-approver"));
    CHECK(root.get("Location") == proxy + "/api/v1/articles/o-goc");
  }
}

TEST_CASE("permissions: content of no unit is written only with the right at every root of the unit tree") {
  unit_directory tree([] {
    auto raw = store::read_dataset_directory(std::string(PBGDPL_SOURCE_DIR) + "/data/seed");
    return dataset_from_json(*raw).value().units;
  }());
  using trust::action;
  const unit_id none{""};
  // The city's official (at its Department of Justice) publishes anywhere in the city: the
  // ministry's documents too. A division's approver publishes only below its division.
  CHECK(trust::allowed(role_grant{role::city_official, unit_id{"so-tu-phap-ha-noi"}}, action::publish_content,
                       unit_id{"ha-noi"}, tree));
  const std::vector<role_grant> city{{role::city_official, unit_id{"so-tu-phap-ha-noi"}}};
  const std::vector<role_grant> division{{role::division_approver, unit_id{"pgddt-ha-dong"}}};
  const std::vector<role_grant> school{{role::school_approver, unit_id{"th-van-yen"}}};
  CHECK(trust::allowed(std::span<const role_grant>(city), action::publish_content, none, tree));
  CHECK_FALSE(trust::allowed(std::span<const role_grant>(city), action::edit_content, none, tree));  // not its role's
  CHECK_FALSE(trust::allowed(std::span<const role_grant>(division), action::publish_content, none, tree));
  CHECK_FALSE(trust::allowed(std::span<const role_grant>(school), action::edit_content, none, tree));
  CHECK_FALSE(trust::allowed(std::span<const role_grant>(), action::read, none, tree));
  auto refused = trust::require(std::span<const role_grant>(division), "pgd", action::publish_content, none, tree);
  REQUIRE_FALSE(refused);
  CHECK(refused.err().code == errc::permission_denied);
  CHECK(refused.err().message_en.find("no unit") != std::string::npos);
  CHECK(refused.err().message_vi.find("không thuộc đơn vị nào") != std::string::npos);
  // A second root (another city): the first city's official no longer covers every unit.
  auto units = std::vector<unit>(tree.units().begin(), tree.units().end());
  unit other;
  other.id = unit_id{"hai-phong"};
  other.name = "Thành phố Hải Phòng";
  other.kind = unit_kind::city;
  units.push_back(other);
  CHECK_FALSE(trust::allowed(std::span<const role_grant>(city), action::publish_content, none, unit_directory(units)));
  // No units: nobody.
  CHECK_FALSE(trust::allowed(std::span<const role_grant>(city), action::publish_content, none, unit_directory{}));
  // A disabled account: nobody, with its own message.
  account acc;
  acc.username = "khoa";
  acc.grants = city;
  acc.disabled = true;
  CHECK_FALSE(trust::require(acc, action::publish_content, unit_id{"ha-noi"}, tree));
}

TEST_CASE("api: documents of no unit are written through account_authorizer by the tree's root only") {
  vendor_portal v;
  // The city's official publishes a Prime Minister's decision (no unit): 201.
  auto r = v.post("/api/v1/legal-documents", unowned_document(*v.f, "qd-978-ttg", "published"), v.key("acc-city-official"));
  REQUIRE_MESSAGE(r.code == http::status::created, portal_fixture::body(r));
  CHECK_FALSE(v.f->db.get<legal_document>("qd-978-ttg").value().unit.has_value());
  // The division's approver may not (its documents show on the division's pages only; one of no
  // unit shows on every unit's): 403, in both languages, nothing stored.
  r = v.post("/api/v1/legal-documents", unowned_document(*v.f, "qd-979-ttg", "published"), v.key("acc-division-approver"));
  CHECK(r.code == http::status::forbidden);
  CHECK(code_of(r) == "permission_denied");
  CHECK(json::parse(portal_fixture::body(r))["error"]["message_en"].get<std::string>().find("no unit") != std::string::npos);
  CHECK_FALSE(v.f->db.get<legal_document>("qd-979-ttg"));
  // Taking it down is the city's too; the division's approver is refused.
  CHECK(v.send(http::verb::delete_, "/api/v1/legal-documents/qd-978-ttg", {}, v.key("acc-division-approver")).code ==
        http::status::forbidden);
  r = v.send(http::verb::delete_, "/api/v1/legal-documents/qd-978-ttg", {}, v.key("acc-city-official"));
  CHECK_MESSAGE(r.code == http::status::ok, portal_fixture::body(r));
}

TEST_CASE("api: grants_authorizer takes the grants from the vendor's users, decides as for stored accounts, copies nobody") {
  // The vendor's teachers live in its own database; the portal's store has none of them.
  std::map<std::string, std::vector<role_grant>> vendor_users{
      {"gv-nguyen-van-a", {{role::school_editor, unit_id{"th-van-yen"}}}},
      {"so-tu-phap", {{role::city_official, unit_id{"ha-noi"}}}},
      {"khach", {}}};
  int asked = 0;
  auto grants_of = [&](const http::principal& p) {
    ++asked;
    auto it = vendor_users.find(p.id);
    return it == vendor_users.end() ? std::vector<role_grant>{} : it->second;
  };
  // The authorizer needs the store's units, which the fixture makes: it is built on first use.
  std::shared_ptr<portal::live_units> units;
  portal::authorizer by_grants;
  vendor_portal* site = nullptr;
  portal::options o;
  o.authorize = [&](const http::principal& p, std::string_view action, const std::string& unit) {
    if (!by_grants) by_grants = portal::grants_authorizer(grants_of, units = std::make_shared<portal::live_units>(site->f->db, portal_fixture::clock()));
    return by_grants(p, action, unit);
  };
  vendor_portal v(o, false);
  site = &v;
  for (auto& [id, g] : vendor_users) {
    http::principal p;
    p.id = id;
    p.name = "Người dùng " + id;
    v.sessions["s-" + id] = p;
  }
  auto as = [](const std::string& who) { return headers{{"Cookie", "sid=s-" + who}, {"Origin", self_origin}}; };
  const auto accounts_before = v.f->db.list<account>({}).value().items.size();
  // The teacher writes a draft at its school: 201; not at another school, nor published.
  auto r = v.post("/api/v1/articles", draft("gv-ban-nhap", "th-van-yen"), as("gv-nguyen-van-a"));
  REQUIRE_MESSAGE(r.code == http::status::created, portal_fixture::body(r));
  CHECK(asked > 0);
  CHECK(v.post("/api/v1/articles", draft("gv-truong-khac", "th-le-loi"), as("gv-nguyen-van-a")).code == http::status::forbidden);
  r = v.post("/api/v1/articles", draft("gv-dang-ngay", "th-van-yen", "published"), as("gv-nguyen-van-a"));
  CHECK(r.code == http::status::forbidden);
  CHECK(json::parse(portal_fixture::body(r))["error"]["message_en"].get<std::string>().find("Người dùng gv-nguyen-van-a") !=
        std::string::npos);
  // A principal with no grants writes nothing; the city's official publishes a document of no unit.
  CHECK(v.post("/api/v1/articles", draft("khach-viet", "th-van-yen"), as("khach")).code == http::status::forbidden);
  r = v.post("/api/v1/legal-documents", unowned_document(*v.f, "qd-980-ttg", "published"), as("so-tu-phap"));
  CHECK_MESSAGE(r.code == http::status::created, portal_fixture::body(r));
  // Nobody was copied into the store.
  CHECK(v.f->db.list<account>({}).value().items.size() == accounts_before);
  CHECK_FALSE(v.f->db.get<account>("gv-nguyen-van-a"));

  // One decision for both: for every seeded account, every API action and every unit (and none),
  // the vendor's grants and the stored account's are answered alike.
  auto shared = std::make_shared<portal::live_units>(v.f->db, portal_fixture::clock());
  auto stored = portal::account_authorizer(v.f->db, shared);
  std::vector<std::string> targets{""};
  for (const auto& u : v.f->seed.units) targets.push_back(u.id.value);
  for (const auto& acc : v.f->seed.accounts) {
    auto vendor = portal::grants_authorizer([&](const http::principal&) { return acc.grants; }, shared);
    http::principal p;
    p.id = acc.id.value;
    for (const char* action : {"create:article", "publish:article", "approve:legal_document", "archive:unit", "read:article",
                               "moderate:question"})
      for (const auto& t : targets) {
        CAPTURE(acc.id.value);
        CAPTURE(action);
        CAPTURE(t);
        CHECK(vendor(p, action, t).has_value() == stored(p, action, t).has_value());
      }
  }
}

TEST_CASE("api: a read by the host's login depends on who asks (personal), an anonymous one does not") {
  vendor_portal v;
  portal::options o;
  o.identify = [&](const http::request& r) -> std::optional<http::principal> {
    if (cookie(r.header("Cookie"), "sid") != "s-approver") return std::nullopt;
    return v.sessions.at("s-approver");
  };
  portal::api api(v.f->db, o);
  auto req = [](headers h) {
    http::beast_request m{http::verb::get, "/api/v1/articles", 11};
    for (auto& [k, val] : h) m.set(k, val);
    return http::request(std::move(m));
  };
  CHECK_FALSE(api.personal(req({})));
  CHECK_FALSE(api.personal(req({{"Cookie", "sid=khong-co"}})));
  CHECK(api.personal(req({{"Cookie", "sid=s-approver"}})));
  CHECK(api.personal(req({{"Authorization", "Bearer x"}})));
  auto with_principal = req({});
  with_principal.principal = http::principal{};
  CHECK(api.personal(with_principal));
}

TEST_CASE("http: url_origin, request_origin and is_json_content_type read what browsers send") {
  CHECK(http::url_origin("HTTPS://Truong.EDU.vn:443/x?y#z") == "https://truong.edu.vn");
  CHECK(http::url_origin("http://127.0.0.1:8080") == "http://127.0.0.1:8080");
  CHECK(http::url_origin("http://a.vn:80") == "http://a.vn");
  CHECK(http::url_origin("http://[::1]:8080/p") == "http://[::1]:8080");
  CHECK(http::url_origin("https://a.vn:0443") == "https://a.vn");
  for (const char* bad : {"null", "", "ftp://a.vn", "https://", "https://a@b.vn", "https://a.vn:99999", "https://a b.vn",
                          "//a.vn", "a.vn", "https://a.vn:8x", "http://[::1", "javascript://a.vn"}) {
    CAPTURE(bad);
    CHECK_FALSE(http::url_origin(bad));
  }
  auto req = [](headers h) {
    http::beast_request m{http::verb::post, "/", 11};
    for (auto& [k, val] : h) m.set(k, val);
    return http::request(std::move(m));
  };
  CHECK(http::request_origin(req({{"Origin", "https://a.vn"}, {"Referer", "https://b.vn/"}})) == "https://a.vn");
  CHECK_FALSE(http::request_origin(req({{"Origin", "null"}, {"Referer", "https://b.vn/"}})));  // never the Referer's
  CHECK(http::request_origin(req({{"Referer", "https://b.vn/x"}})) == "https://b.vn");
  CHECK_FALSE(http::request_origin(req({})));
  CHECK(http::same_origin(req({{"Origin", "https://A.vn"}}), {"https://a.vn"}));
  CHECK_FALSE(http::same_origin(req({{"Origin", "https://a.vn.evil"}}), {"https://a.vn"}));
  CHECK(http::is_json_content_type("application/json"));
  CHECK(http::is_json_content_type(" APPLICATION/json ;charset=\"utf-8\" "));
  CHECK(http::is_json_content_type("application/json;"));
  for (const char* bad : {"", "application/jsonx", "application/json; charset=latin1", "application/json; x=1",
                          "application/x-www-form-urlencoded", "text/plain; application/json", "application/json; charset"}) {
    CAPTURE(bad);
    CHECK_FALSE(http::is_json_content_type(bad));
  }
}

TEST_CASE("api: the OpenAPI document lists 415, the csrf 403 and the optional id on create") {
  auto spec = portal::api::openapi();
  for (const char* c : {"articles", "legal-documents", "questions", "units", "media"}) {
    CAPTURE(c);
    auto base = std::string("/api/v1/") + c;
    auto post = spec["paths"][base]["post"];
    CHECK(post["responses"].contains("415"));
    CHECK(post["responses"]["403"]["description"].get<std::string>().find("csrf") != std::string::npos);
    CHECK(post["responses"]["201"]["headers"].contains("Location"));
    auto schema = post["requestBody"]["content"]["application/json"]["schema"];
    CHECK(schema["properties"].contains("id"));
    CHECK_FALSE(schema.contains("required"));
    CHECK(spec["paths"][base + "/{id}"]["put"]["responses"].contains("415"));
    CHECK(spec["paths"][base + "/{id}"]["delete"]["responses"].contains("415"));
  }
}

TEST_CASE("portal cache: an API read by the host's login is never answered from the public cache") {
  vendor_portal v;
  REQUIRE(v.post("/api/v1/articles", draft("nhap-rieng"), v.key("acc-division-approver")).code == http::status::created);
  auto lists = [&](headers h) {
    return portal_fixture::body(v.send(http::verb::get, "/api/v1/articles?limit=100", {}, std::move(h))).find("nhap-rieng") !=
           std::string::npos;
  };
  // The public list, twice (the second from the cache): no draft.
  CHECK_FALSE(lists({}));
  CHECK_FALSE(lists({}));
  // The session's list is its own: the draft its account may read, not the cached public answer.
  CHECK(lists({{"Cookie", "sid=s-approver"}}));
  CHECK(lists({{"Authorization", "Bearer " + v.key_of.at("acc-division-approver")}}));
  // And it was not stored for the public.
  CHECK_FALSE(lists({}));
}

TEST_CASE("api: two Origin, Referer or Content-Type headers are refused, whatever they say") {
  // A proxy that merges or reorders repeated headers could make the copy one part reads differ
  // from the copy another trusted; with two, the API trusts neither.
  vendor_portal v;
  auto post = [&](const headers& h, const std::string& id) {
    http::beast_request msg{http::verb::post, "/api/v1/articles", 11};
    msg.set(http::bhttp::field::host, "127.0.0.1:8080");
    msg.set(http::bhttp::field::cookie, "sid=s-approver");
    for (auto& [k, val] : h) msg.insert(k, val);  // insert: repeated names stay repeated
    msg.body() = draft(id).dump();
    msg.prepare_payload();
    http::request req(std::move(msg));
    auto r = v.f->handle(req);
    CHECK(!v.f->db.get<article>(id));
    return r;
  };
  const headers json_type{{"Content-Type", "application/json"}};
  auto with = [&](headers extra) {
    headers h = json_type;
    h.insert(h.end(), extra.begin(), extra.end());
    return h;
  };
  CHECK(code_of(post(with({{"Origin", self_origin}, {"Origin", "https://evil.example"}}), "hai-origin-1")) == "csrf");
  CHECK(code_of(post(with({{"Origin", self_origin}, {"Origin", self_origin}}), "hai-origin-2")) == "csrf");
  CHECK(code_of(post(with({{"Referer", self_origin + "/"}, {"Referer", "https://evil.example/"}}), "hai-referer")) == "csrf");
  auto r = post({{"Origin", self_origin}, {"Content-Type", "application/json"}, {"Content-Type", "text/plain"}}, "hai-loai");
  CHECK(r.code == http::status::unsupported_media_type);
  // One of each still passes.
  http::beast_request ok{http::verb::post, "/api/v1/articles", 11};
  ok.set(http::bhttp::field::host, "127.0.0.1:8080");
  ok.set(http::bhttp::field::cookie, "sid=s-approver");
  ok.set(http::bhttp::field::origin, self_origin);
  ok.set(http::bhttp::field::content_type, "application/json");
  ok.body() = draft("mot-origin").dump();
  ok.prepare_payload();
  http::request req(std::move(ok));
  CHECK(v.f->handle(req).code == http::status::created);
}
