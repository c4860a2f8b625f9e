// "Sắp xếp: mới nhất" (issue 12 item 1): the search page and /api/v1/search order by relevance or
// newest first on request, link both orders, and keep each order's answers apart in the cache.
#include "portal_fixture.hpp"

#include <algorithm>

using namespace pbgdpl;
using pbgdpl_test::portal_fixture;

namespace {
// Articles of the division holding a word nothing in the demo data holds ("xylanh"), published
// on the day of their number; the oldest has the word as its whole title, which relevance puts
// first (title boost) and newest puts last.
void seed_dated(portal_fixture& f, int n = 4) {
  for (int i = 0; i < n; ++i) {
    article a;
    a.id = article_id{"xy-" + std::to_string(10 + i)};
    a.title = i == 0 ? "Xylanh" : "Bài " + std::to_string(10 + i) + " về xylanh";
    a.body_markdown = "Nội dung về xylanh và thiết bị.";
    a.unit = f.division().id;
    a.author = account_id{"editor-1"};
    a.created_at = a.updated_at = parse_timestamp("2024-01-" + std::to_string(10 + i) + "T08:00:00+07:00").value();
    a.state = article_state::published;
    a.published_at = a.created_at;
    a.category = "tin-hoat-dong";
    REQUIRE(f.db.create(a, "x"));
  }
}

// Where each needle is in the body, in the order they appear (npos when absent).
std::vector<std::string> in_order(const std::string& body, std::vector<std::string> needles) {
  std::sort(needles.begin(), needles.end(), [&](const std::string& a, const std::string& b) { return body.find(a) < body.find(b); });
  return needles;
}

json api_json(const http::response& r) { return json::parse(std::string(r.body_view())); }

std::vector<std::string> api_ids(const json& j) {
  std::vector<std::string> out;
  for (const auto& i : j["items"]) out.push_back(i["id"].get<std::string>());
  return out;
}
}  // namespace

TEST_SUITE("portal/search order") {
  TEST_CASE("the search page links both orders, keeping the query and the kind, and marks the current one") {
    portal_fixture f;
    seed_dated(f);
    auto r = f.get("/tim-kiem?q=xylanh&loai=article");
    REQUIRE(r.code == http::status::ok);
    auto b = portal_fixture::body(r);
    CHECK(b.find("Sắp xếp:") != std::string::npos);
    CHECK(b.find("<a href=\"/tim-kiem?q=xylanh&amp;loai=article\" aria-current=\"true\">Liên quan nhất</a>") != std::string::npos);
    CHECK(b.find("<a href=\"/tim-kiem?q=xylanh&amp;loai=article&amp;sap-xep=moi-nhat\">Mới nhất</a>") != std::string::npos);
    auto n = f.get("/tim-kiem?q=xylanh&loai=article&sap-xep=moi-nhat");
    REQUIRE(n.code == http::status::ok);
    auto nb = portal_fixture::body(n);
    CHECK(nb.find("<a href=\"/tim-kiem?q=xylanh&amp;loai=article\">Liên quan nhất</a>") != std::string::npos);
    CHECK(nb.find("<a href=\"/tim-kiem?q=xylanh&amp;loai=article&amp;sap-xep=moi-nhat\" aria-current=\"true\">Mới nhất</a>") !=
          std::string::npos);
    // sap-xep=lien-quan is the default spelled out.
    auto l = f.get("/tim-kiem?q=xylanh&loai=article&sap-xep=lien-quan");
    REQUIRE(l.code == http::status::ok);
    CHECK(portal_fixture::body(l).find("aria-current=\"true\">Liên quan nhất") != std::string::npos);
  }

  TEST_CASE("the search page by newest lists the matches by date, relevance puts the equal title first") {
    portal_fixture f;
    seed_dated(f);
    std::vector<std::string> titles{"Bài 13 về", "Bài 12 về", "Bài 11 về", "<a href=\"/pbgdpl/bai-viet/xy-10\">"};
    auto newest = portal_fixture::body(f.get("/tim-kiem?q=xylanh&sap-xep=moi-nhat"));
    for (const auto& t : titles) REQUIRE_MESSAGE(newest.find(t) != std::string::npos, t);
    CHECK(in_order(newest, titles) == titles);
    auto relevant = portal_fixture::body(f.get("/tim-kiem?q=xylanh"));
    CHECK(in_order(relevant, titles).front() == titles.back());
  }

  TEST_CASE("the search page in English says Sort: Most relevant | Newest and its links keep lang=en") {
    portal_fixture f;
    seed_dated(f);
    auto b = portal_fixture::body(f.get("/tim-kiem?q=xylanh&lang=en&sap-xep=moi-nhat"));
    CHECK(b.find("Sort:") != std::string::npos);
    CHECK(b.find("<a href=\"/tim-kiem?q=xylanh&amp;lang=en\">Most relevant</a>") != std::string::npos);
    CHECK(b.find("<a href=\"/tim-kiem?q=xylanh&amp;sap-xep=moi-nhat&amp;lang=en\" aria-current=\"true\">Newest</a>") !=
          std::string::npos);
  }

  TEST_CASE("the search page's next page keeps the order and the kind") {
    portal_fixture f;
    seed_dated(f, 14);  // more than a page (options::page_size 10)
    auto b = portal_fixture::body(f.get("/tim-kiem?q=xylanh&loai=article&sap-xep=moi-nhat"));
    auto at = b.find("/tim-kiem?q=xylanh&amp;loai=article&amp;sap-xep=moi-nhat&amp;sau=");
    REQUIRE(at != std::string::npos);
    auto end = b.find('"', at);
    std::string next = b.substr(at, end - at);
    for (std::string::size_type p; (p = next.find("&amp;")) != std::string::npos;) next.replace(p, 5, "&");
    auto second = portal_fixture::body(f.get(next));
    // Page 1 held xy-23 .. xy-14 (newest first); page 2 the four oldest, the equal title last.
    std::vector<std::string> rest{"Bài 13 về", "Bài 12 về", "Bài 11 về", "<a href=\"/pbgdpl/bai-viet/xy-10\">"};
    for (const auto& t : rest) REQUIRE_MESSAGE(second.find(t) != std::string::npos, t);
    CHECK(in_order(second, rest) == rest);
    CHECK(second.find("Bài 14 về") == std::string::npos);
  }

  TEST_CASE("the search page keeps each order's answer apart in its cache, and refuses an unknown order") {
    portal_fixture f;
    seed_dated(f);
    auto first = portal_fixture::body(f.get("/tim-kiem?q=xylanh"));
    auto second = portal_fixture::body(f.get("/tim-kiem?q=xylanh&sap-xep=moi-nhat"));
    CHECK(second.find("aria-current=\"true\">Mới nhất") != std::string::npos);
    CHECK(first != second);
    // Only the first copy counts, as for every parameter the handler reads.
    auto twice = portal_fixture::body(f.get("/tim-kiem?q=xylanh&sap-xep=moi-nhat&sap-xep=lien-quan"));
    CHECK(twice.find("aria-current=\"true\">Mới nhất") != std::string::npos);
    auto bad = f.get("/tim-kiem?q=xylanh&sap-xep=cu-nhat");
    CHECK(bad.code == http::status::bad_request);
    auto bb = portal_fixture::body(bad);
    CHECK(bb.find("Cách sắp xếp không hợp lệ") != std::string::npos);
    CHECK(bb.find("Unknown sort order") != std::string::npos);
  }

  TEST_CASE("api: /api/v1/search orders by relevance or, with sort=newest, by date, and pages each order") {
    portal_fixture f;
    seed_dated(f);
    auto rel = f.get("/api/v1/search?q=xylanh");
    REQUIRE(rel.code == http::status::ok);
    auto rj = api_json(rel);
    CHECK(rj["sort"] == "relevance");
    REQUIRE(!rj["items"].empty());
    CHECK(rj["items"][0]["id"] == "xy-10");
    // Asked right after, with sort=newest: the cache keys on sort, so this is not the answer above.
    auto nj = api_json(f.get("/api/v1/search?q=xylanh&sort=newest"));
    CHECK(nj["sort"] == "newest");
    CHECK(api_ids(nj) == std::vector<std::string>{"xy-13", "xy-12", "xy-11", "xy-10"});
    CHECK(nj["items"][0]["date"] == "2024-01-13");
    CHECK(api_json(f.get("/api/v1/search?q=xylanh&sort=relevance"))["items"][0]["id"] == "xy-10");
    // Two at a time, through the cursors.
    std::vector<std::string> seen;
    std::string target = "/api/v1/search?q=xylanh&sort=newest&limit=2";
    for (int i = 0; i < 5; ++i) {
      auto j = api_json(f.get(target));
      for (const auto& id : api_ids(j)) seen.push_back(id);
      if (j["next_cursor"].is_null()) break;
      target = "/api/v1/search?q=xylanh&sort=newest&limit=2&cursor=" + j["next_cursor"].get<std::string>();
    }
    CHECK(seen == std::vector<std::string>{"xy-13", "xy-12", "xy-11", "xy-10"});
    // kinds narrows: no document holds the word.
    CHECK(api_json(f.get("/api/v1/search?q=xylanh&sort=newest&kinds=legal_document,question"))["items"].empty());
  }

  TEST_CASE("api: /api/v1/search refuses an unknown sort, kind or an empty query with a bilingual 400") {
    portal_fixture f;
    for (std::string target : {"/api/v1/search?q=xylanh&sort=oldest", "/api/v1/search?q=xylanh&kinds=account",
                               "/api/v1/search?q=", "/api/v1/search?q=xylanh&limit=0"}) {
      CAPTURE(target);
      auto r = f.get(target);
      CHECK(r.code == http::status::bad_request);
      auto j = api_json(r);
      CHECK(j["error"]["code"] == "invalid_argument");
      CHECK(!j["error"]["message"].get<std::string>().empty());
      CHECK(!j["error"]["message_en"].get<std::string>().empty());
    }
    auto j = api_json(f.get("/api/v1/search?q=x&sort=oldest"));
    CHECK(j["error"]["path"] == "/sort");
    CHECK(j["error"]["message_en"] == "sort must be relevance or newest");
  }

  TEST_CASE("api: /api/v1/search finds only what the public sees") {
    portal_fixture f;
    seed_dated(f, 2);
    auto draft = f.db.get<article>("xy-11").value();
    draft.state = article_state::draft;
    REQUIRE(f.db.update(draft, "x"));
    CHECK(api_ids(api_json(f.get("/api/v1/search?q=xylanh&sort=newest"))) == std::vector<std::string>{"xy-10"});
  }

  TEST_CASE("api: the OpenAPI document describes /api/v1/search and its sort") {
    portal_fixture f;
    auto doc = api_json(f.get("/api/openapi.json"));
    auto& op = doc["paths"]["/api/v1/search"]["get"];
    REQUIRE(op.is_object());
    bool sort = false;
    for (const auto& p : op["parameters"])
      if (p["name"] == "sort") {
        sort = true;
        CHECK(p["schema"]["enum"] == json::array({"relevance", "newest"}));
        CHECK(p["schema"]["default"] == "relevance");
      }
    CHECK(sort);
    CHECK(api_json(f.get("/api/v1"))["paths"].contains("/api/v1/search"));
  }
}
