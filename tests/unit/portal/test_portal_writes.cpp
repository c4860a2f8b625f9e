// Issue 10's audit: writes the API refuses. A key whose account may edit but not publish writes
// drafts and cannot make anything public; a site with no authorizer refuses every write, keyed
// or not, and stores nothing.
#include "portal_fixture.hpp"

#include <pbgdpl/portal/auth.hpp>
#include <pbgdpl/trust/tokens.hpp>

#include <chrono>

using namespace pbgdpl;
using pbgdpl_test::portal_fixture;

namespace {

struct keyed {
  portal::api_key_registry keys;
  std::unique_ptr<portal_fixture> f;
  std::map<std::string, std::string> key_of;

  explicit keyed(bool with_authorizer) {
    portal::options o;
    o.authenticate = [this](std::string_view bearer) { return portal::key_authenticator(keys, f->db)(bearer); };
    if (with_authorizer)
      o.authorize = [this](const http::principal& p, std::string_view action, const std::string& unit) {
        return portal::account_authorizer(f->db, f->units)(p, action, unit);
      };
    f = std::make_unique<portal_fixture>(std::move(o));
    for (const auto& a : f->seed.accounts) {
      auto t = trust::issue_token(trust::token_kind::api_key, a.id.value, now(), std::chrono::hours(1));
      keys.add(t.record);
      key_of[a.id.value] = t.token;
    }
  }
  http::response call(http::verb m, const std::string& target, const json& body, const std::string& account = {}) {
    std::vector<std::pair<std::string, std::string>> h{{"Content-Type", "application/json"}};
    if (!account.empty()) h.emplace_back("Authorization", "Bearer " + key_of.at(account));
    return f->send(m, target, body.is_null() ? std::string() : body.dump(), h);
  }
};

json draft_article(const std::string& id, const std::string& unit, const std::string& state = "draft") {
  return json{{"id", id},           {"kind", "activity_news"}, {"title", "Bài " + id},    {"body_markdown", "Nội dung."},
              {"unit", unit},       {"state", state},          {"schema_version", 1},   {"version", 0}};
}

}  // namespace

TEST_CASE("api: a key that may edit but not publish creates a draft (201) and cannot publish it (403)") {
  keyed api(true);
  // The division's editor edits the division's content; publishing is its approver's.
  auto r = api.call(http::verb::post, "/api/v1/articles", draft_article("ban-nhap-bien-tap", "pgddt-ha-dong"), "acc-division-editor");
  REQUIRE_MESSAGE(r.code == http::status::created, portal_fixture::body(r));
  auto stored = api.f->db.get<article>("ban-nhap-bien-tap");
  REQUIRE(stored);
  CHECK(stored->state == article_state::draft);
  // Publishing it, by an update: 403, and the stored draft is unchanged.
  auto body = to_json_value(*stored);
  body["state"] = "published";
  r = api.call(http::verb::put, "/api/v1/articles/ban-nhap-bien-tap", body, "acc-division-editor");
  CHECK(r.code == http::status::forbidden);
  CHECK(json::parse(portal_fixture::body(r))["error"]["code"] == "permission_denied");
  CHECK(api.f->db.get<article>("ban-nhap-bien-tap").value() == *stored);
  // Creating it published straight away: 403, nothing stored.
  r = api.call(http::verb::post, "/api/v1/articles", draft_article("dang-ngay", "pgddt-ha-dong", "published"), "acc-division-editor");
  CHECK(r.code == http::status::forbidden);
  CHECK_FALSE(api.f->db.get<article>("dang-ngay"));
  // Nor may it approve (approval vouches for content: an approver's action).
  r = api.call(http::verb::post, "/api/v1/articles", draft_article("tu-duyet-bt", "pgddt-ha-dong", "approved"), "acc-division-editor");
  CHECK(r.code == http::status::forbidden);
  // The draft stays off every public page; the editor sends it, the approver publishes it and
  // then it shows.
  CHECK(api.f->get("/pbgdpl/bai-viet/ban-nhap-bien-tap").code == http::status::not_found);
  auto sent = to_json_value(*stored);
  sent["state"] = "submitted";
  REQUIRE(api.call(http::verb::put, "/api/v1/articles/ban-nhap-bien-tap", sent, "acc-division-editor").code == http::status::ok);
  body = to_json_value(api.f->db.get<article>("ban-nhap-bien-tap").value());
  body["state"] = "published";
  r = api.call(http::verb::put, "/api/v1/articles/ban-nhap-bien-tap", body, "acc-division-approver");
  REQUIRE_MESSAGE(r.code == http::status::ok, portal_fixture::body(r));
  CHECK(api.f->get("/pbgdpl/bai-viet/ban-nhap-bien-tap").code == http::status::ok);
}

TEST_CASE("api: a site with no authorizer refuses every write, with or without a key, and stores nothing") {
  keyed api(false);
  auto count = [&](std::string_view kind) {
    store::list_query q;
    q.limit = 100;
    q.where.include_archived = true;
    return api.f->db.list_records(kind, q).value().items.size();
  };
  struct target {
    std::string kind, path, existing;
    json body;
  };
  auto doc = to_json_value(api.f->db.get<legal_document>("kh-19-pgddt-2023").value());
  auto q = to_json_value(api.f->db.get<question>("hoi-xe-may-dien").value());
  auto u = to_json_value(api.f->db.get<unit>("th-van-yen").value());
  auto m = to_json_value(api.f->seed.media.front());
  std::vector<target> targets{{"article", "articles", "pgddt-trien-khai-kh19", draft_article("khong-duoc-ghi", "pgddt-ha-dong")},
                              {"legal_document", "legal-documents", "kh-19-pgddt-2023", doc},
                              {"question", "questions", "hoi-xe-may-dien", q},
                              {"unit", "units", "th-van-yen", u},
                              {"media_asset", "media", m["id"].get<std::string>(), m}};
  for (auto& t : targets) {
    CAPTURE(t.path);
    auto before = count(t.kind);
    auto current = api.f->db.read(t.kind, t.existing).value();
    json created = t.body;
    created["id"] = "moi-khong-duoc-ghi";
    created["version"] = 0;
    // Even the most powerful account's key: 403 on create, update and archive.
    for (const char* who : {"acc-city-official", "acc-division-approver"}) {
      auto r = api.call(http::verb::post, "/api/v1/" + t.path, created, who);
      CHECK(r.code == http::status::forbidden);
      CHECK(json::parse(portal_fixture::body(r))["error"]["message_en"] == "This server does not accept writes");
      CHECK(api.call(http::verb::put, "/api/v1/" + t.path + "/" + t.existing, current.body, who).code == http::status::forbidden);
      CHECK(api.call(http::verb::delete_, "/api/v1/" + t.path + "/" + t.existing, nullptr, who).code == http::status::forbidden);
    }
    // Without a key: 401.
    CHECK(api.call(http::verb::post, "/api/v1/" + t.path, created).code == http::status::unauthorized);
    CHECK(api.call(http::verb::delete_, "/api/v1/" + t.path + "/" + t.existing, nullptr).code == http::status::unauthorized);
    CHECK(count(t.kind) == before);
    CHECK(api.f->db.read(t.kind, t.existing).value().version == current.version);
  }
  // Reads still work.
  CHECK(api.f->get("/api/v1/articles/pgddt-trien-khai-kh19").code == http::status::ok);
}
