// Issue 10, defect: an article whose publication time lies in the future was visible as soon as
// its state was published (model's is_visible_at had no caller). Pages, feeds, the sitemap,
// search and anonymous API reads show it only from that time on, on a clock the test controls,
// and no cached answer keeps hiding it (or showing the old list) past that time.
#include "portal_fixture.hpp"

#include <pbgdpl/network/webhooks.hpp>
#include <pbgdpl/portal/auth.hpp>
#include <pbgdpl/trust/tokens.hpp>

#include <atomic>
#include <chrono>
#include <memory>

using namespace pbgdpl;
using pbgdpl_test::portal_fixture;

namespace {

// The portal's clock, moved by the test.
struct test_clock {
  std::shared_ptr<std::atomic<std::int64_t>> at = std::make_shared<std::atomic<std::int64_t>>(0);
  void set(timestamp t) { at->store(t.time_since_epoch().count()); }
  portal::clock fn() const {
    return [at = at] { return timestamp(std::chrono::seconds(at->load())); };
  }
};

const timestamp t0 = parse_timestamp("2024-05-01T08:00:00+07:00").value();
const timestamp publish_at = parse_timestamp("2024-05-02T07:30:00+07:00").value();
constexpr const char* title = "Thông báo lịch thi zqhenngay";

// An article the division scheduled: published, its time still to come (written straight into
// the store, as an editorial tool or an import would; the API takes a time at most a year ahead).
article scheduled_article() {
  article a;
  a.id = article_id{"hen-gio-dang"};
  a.kind = article_kind::activity_news;
  a.title = title;
  a.summary = "Bài hẹn giờ đăng.";
  a.body_markdown = "Nội dung **hẹn giờ**.";
  a.unit = unit_id{"pgddt-ha-dong"};
  a.author = account_id{"acc-division-approver"};
  a.state = article_state::published;
  a.created_at = t0 - std::chrono::hours(1);
  a.updated_at = a.created_at;
  a.published_at = publish_at;
  REQUIRE(publish::render_html(a));
  return a;
}

bool contains(const http::response& r, std::string_view what) {
  return r.body_view().find(what) != std::string_view::npos;
}

}  // namespace

TEST_CASE("portal: a scheduled article appears on pages, feeds, sitemap, search and API only from its time") {
  test_clock clock;
  clock.set(t0);
  portal::options o;
  o.now = clock.fn();
  portal_fixture f(o);
  REQUIRE(f.db.create(scheduled_article(), "test"));
  f.site->content_changed();

  const std::vector<std::string> lists{"/pbgdpl/",
                                       "/pbgdpl/tin-hoat-dong/",
                                       "/pbgdpl/feed.atom",
                                       "/pbgdpl/feed.rss",
                                       "/pbgdpl/feed.json",
                                       "/pbgdpl/tin-hoat-dong/feed.atom",
                                       "/sitemap.xml",
                                       "/tim-kiem?q=zqhenngay",
                                       "/api/v1/articles?limit=100",
                                       "/api/v1/articles?limit=100&unit=pgddt-ha-dong"};
  auto check_all = [&](bool visible) {
    for (const auto& target : lists) {
      auto r = f.get(target);
      CAPTURE(target);
      REQUIRE(r.code == http::status::ok);
      CHECK(contains(r, "hen-gio-dang") == visible);
    }
    CHECK((f.get("/pbgdpl/bai-viet/hen-gio-dang").code == http::status::ok) == visible);
    CHECK((f.get("/api/v1/articles/hen-gio-dang").code == http::status::ok) == visible);
  };

  // Before its time: nowhere, and the lists are full without it (the division's news still lists
  // what was published before).
  check_all(false);
  CHECK(contains(f.get("/pbgdpl/tin-hoat-dong/"), "pgddt-trien-khai-kh19"));
  // The pages above are now cached; a second before the time they still hold.
  clock.set(publish_at - std::chrono::seconds(1));
  check_all(false);
  // From its time on: everywhere, without any write to the store (the cached answers are dropped).
  auto misses = f.site->cache().misses();
  clock.set(publish_at);
  check_all(true);
  CHECK(f.site->cache().misses() > misses);
  // A page promises no freshness at all downstream: a browser or proxy asks again each time
  // (a 304 when nothing changed), so a change shows on the next request.
  CHECK(f.get("/pbgdpl/").get("Cache-Control") == "public, no-cache");
}

// Issue 14: the publication timer (network::dispatcher) drops the cached pages that show an
// article at its time, through site::came_due, before any request asks.
TEST_CASE("portal: the publication timer drops the pages of a scheduled article at its time, with no request") {
  test_clock clock;
  clock.set(t0);
  portal::options o;
  o.now = clock.fn();
  portal_fixture f(o);
  REQUIRE(f.db.create(scheduled_article(), "test"));
  f.site->content_changed();
  network::dispatcher_options d;
  d.now = clock.fn();
  d.on_published = [&](const article& a) { f.site->came_due(a); };
  network::dispatcher timer(f.db, d);
  timer.listen();
  timer.tick();
  CHECK_FALSE(contains(f.get("/pbgdpl/"), "hen-gio-dang"));
  CHECK_FALSE(contains(f.get("/pbgdpl/feed.atom"), "hen-gio-dang"));
  CHECK_FALSE(contains(f.get("/don-vi/th-van-yen/pbgdpl/"), "zzz-never"));  // a school's page, cached too
  const auto cached = f.site->cache().size();
  REQUIRE(cached >= 3);
  clock.set(publish_at);
  timer.tick();  // what the timer's thread does at publish_at
  // The division's pages went (and only theirs: the school below keeps its cached page).
  CHECK(f.site->cache().size() < cached);
  CHECK(f.site->cache().size() >= 1);
  auto misses = f.site->cache().misses();
  CHECK(contains(f.get("/pbgdpl/feed.atom"), "hen-gio-dang"));
  CHECK(f.site->cache().misses() > misses);
}

TEST_CASE("portal: pages cached before a publication time are revalidated downstream, never kept past it") {
  test_clock clock;
  clock.set(publish_at - std::chrono::seconds(20));
  portal::options o;
  o.now = clock.fn();
  portal_fixture f(o);
  REQUIRE(f.db.create(scheduled_article(), "test"));
  f.site->content_changed();
  // no-cache: a browser or proxy asks again at every use (issue 14: a change, or a scheduled
  // article coming due, shows on the next request), and gets a 304 while nothing changed.
  CHECK(f.get("/pbgdpl/tin-hoat-dong/").get("Cache-Control") == "public, no-cache");
  auto feed = f.get("/pbgdpl/feed.atom");
  CHECK(feed.get("Cache-Control") == "public, no-cache");
  CHECK(f.get("/pbgdpl/feed.atom", {{"If-None-Match", std::string(feed.get("ETag"))}}).code == http::status::not_modified);
}

TEST_CASE("portal: a hand-made cursor cannot page to a scheduled article") {
  test_clock clock;
  clock.set(t0);
  portal::options o;
  o.now = clock.fn();
  portal_fixture f(o);
  REQUIRE(f.db.create(scheduled_article(), "test"));
  f.site->content_changed();
  // A cursor that starts after the scheduled article's place in the list.
  auto after = store::key_cursor("9999-01-01T00:00:00Z", "zzz");
  auto page = f.get("/pbgdpl/tin-hoat-dong/?sau=" + http::percent_encode(after));
  REQUIRE(page.code == http::status::ok);
  CHECK_FALSE(contains(page, "hen-gio-dang"));
  auto api = f.get("/api/v1/articles?limit=100&cursor=" + http::percent_encode(after));
  REQUIRE(api.code == http::status::ok);
  CHECK_FALSE(contains(api, "hen-gio-dang"));
}

TEST_CASE("api: a key that may read the unit's unpublished records reads a scheduled article before its time") {
  test_clock clock;
  clock.set(t0);
  portal::api_key_registry keys;
  store::memory_store* db = nullptr;
  portal::options o;
  o.now = clock.fn();
  o.authenticate = [&](std::string_view bearer) { return portal::key_authenticator(keys, *db)(bearer); };
  std::shared_ptr<portal::live_units> units;
  o.authorize = [&](const http::principal& p, std::string_view action, const std::string& unit) {
    return portal::account_authorizer(*db, units)(p, action, unit);
  };
  portal_fixture f(o);
  db = &f.db;
  units = f.units;
  REQUIRE(f.db.create(scheduled_article(), "test"));
  f.site->content_changed();
  auto approver = trust::issue_token(trust::token_kind::api_key, "acc-division-approver", now(), std::chrono::hours(1));
  auto operator_key = trust::issue_token(trust::token_kind::api_key, "acc-signage-operator", now(), std::chrono::hours(1));
  keys.add(approver.record);
  keys.add(operator_key.record);
  auto as = [](const std::string& token) {
    return std::vector<std::pair<std::string, std::string>>{{"Authorization", "Bearer " + token}};
  };
  CHECK(f.get("/api/v1/articles/hen-gio-dang", as(approver.token)).code == http::status::ok);
  CHECK(contains(f.get("/api/v1/articles?limit=100", as(approver.token)), "hen-gio-dang"));
  // A key without that right reads as the public does.
  CHECK(f.get("/api/v1/articles/hen-gio-dang", as(operator_key.token)).code == http::status::not_found);
  CHECK_FALSE(contains(f.get("/api/v1/articles?limit=100", as(operator_key.token)), "hen-gio-dang"));
}

TEST_CASE("portal: search pages never show an empty page with a next link for scheduled articles") {
  // Before the store's filter knew the time, the search paged over scheduled articles and the
  // page dropped them afterwards: a page of no results that still offered "next".
  test_clock clock;
  clock.set(t0);
  portal::options o;
  o.now = clock.fn();
  o.page_size = 3;
  portal_fixture f(o);
  for (int i = 0; i < 7; ++i) {
    auto a = scheduled_article();
    a.id = article_id{"hen-gio-" + std::to_string(i)};
    REQUIRE(f.db.create(std::move(a), "test"));
  }
  auto page = f.get("/tim-kiem?q=zqhenngay");
  REQUIRE(page.code == http::status::ok);
  CHECK(!contains(page, "rel=\"next\""));
  CHECK(!contains(page, "hen-gio-"));
  clock.set(publish_at + std::chrono::minutes(1));
  auto later = f.get("/tim-kiem?q=zqhenngay");
  CHECK(contains(later, "rel=\"next\""));  // 7 results, 3 a page
  CHECK(contains(later, "hen-gio-"));
}
