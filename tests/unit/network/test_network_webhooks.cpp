#include <pbgdpl/network/webhooks.hpp>

#include <doctest/doctest.h>

#include "../store/fixtures.hpp"

#include <atomic>
#include <mutex>
#include <thread>

using namespace pbgdpl;
using namespace fixtures;
using namespace std::chrono_literals;

namespace {

// A clock the test moves by hand.
struct test_clock {
  std::atomic<std::int64_t> s{0};
  explicit test_clock(timestamp t) : s(t.time_since_epoch().count()) {}
  timestamp operator()() const { return timestamp(std::chrono::seconds(s.load())); }
  void set(timestamp t) { s = t.time_since_epoch().count(); }
};

// A receiver that answers from a script (200 when the script runs out) and remembers what came.
struct recorder {
  std::mutex mu;
  std::vector<unsigned> script;
  std::vector<std::pair<std::string, network::header_list>> got;
  std::chrono::milliseconds delay{0};
  network::sender sender() {
    return [this](const std::string&, const std::string& body, const network::header_list& h, std::chrono::milliseconds) {
      if (delay.count()) std::this_thread::sleep_for(delay);
      std::lock_guard lock(mu);
      got.emplace_back(body, h);
      unsigned status = 200;
      if (!script.empty()) {
        status = script.front();
        script.erase(script.begin());
      }
      return network::post_result{status, {}};
    };
  }
  std::size_t count() {
    std::lock_guard lock(mu);
    return got.size();
  }
};

std::string header(const network::header_list& h, std::string_view name) {
  for (const auto& [k, v] : h)
    if (k == name) return v;
  return {};
}

webhook make_hook(std::string unit = "th-van-yen", timestamp created = at("2023-03-01T08:00:00+07:00")) {
  webhook w;
  w.id = webhook_id{"wh-1"};
  w.unit = unit_id{std::move(unit)};
  w.url = "http://127.0.0.1:9/nhan";
  w.events = {std::string(webhook_events::article_published), std::string(webhook_events::question_answered)};
  w.secret = std::string(64, 'a');
  w.created_at = created;
  return w;
}

std::vector<webhook_delivery> all_deliveries(pbgdpl::store::store& db) {
  list_query q;
  q.limit = 100;
  return db.list<webhook_delivery>(q).value().items;
}

}  // namespace

TEST_CASE("the retry delays grow fourfold from 30 seconds up to the cap, lengthened by at most the jitter") {
  network::retry_policy p;  // 30 s, x4, at most 6 h, +20 %
  CHECK(network::backoff_delay(p, 1) == 30s);
  CHECK(network::backoff_delay(p, 2) == 120s);
  CHECK(network::backoff_delay(p, 3) == 480s);
  CHECK(network::backoff_delay(p, 4) == 1920s);
  CHECK(network::backoff_delay(p, 5) == 7680s);
  CHECK(network::backoff_delay(p, 6) == 6h);
  CHECK(network::backoff_delay(p, 40) == 6h);  // no overflow however many
  CHECK(network::backoff_delay(p, 2, 0.0) == 120s);
  CHECK(network::backoff_delay(p, 2, 0.5) == 132s);
  CHECK(network::backoff_delay(p, 2, 0.999) < 144s);
  CHECK(network::backoff_delay(p, 2, 0.999) >= 143s);
}

TEST_CASE("a delivery id depends on every part of the event and on nothing else") {
  auto t = at("2023-03-22T08:00:00+07:00");
  auto id = network::delivery_id(webhook_id{"wh-1"}, "article.published", "article", "a-1", t);
  CHECK(id.value.size() == 32);
  CHECK(id.valid());
  CHECK(id == network::delivery_id(webhook_id{"wh-1"}, "article.published", "article", "a-1", t));
  CHECK(id != network::delivery_id(webhook_id{"wh-2"}, "article.published", "article", "a-1", t));
  CHECK(id != network::delivery_id(webhook_id{"wh-1"}, "question.answered", "article", "a-1", t));
  CHECK(id != network::delivery_id(webhook_id{"wh-1"}, "article.published", "question", "a-1", t));
  CHECK(id != network::delivery_id(webhook_id{"wh-1"}, "article.published", "article", "a-2", t));
  CHECK(id != network::delivery_id(webhook_id{"wh-1"}, "article.published", "article", "a-1", t + 1s));
  // The parts are kept apart: moving a character from one to the next gives another id.
  CHECK(network::delivery_id(webhook_id{"wh-1"}, "e", "ab", "c", t) != network::delivery_id(webhook_id{"wh-1"}, "e", "a", "bc", t));
}

TEST_CASE("a delivery is signed over its timestamp and body as Python's hmac computes it") {
  // python3: hmac.new(b"0123456789abcdef0123456789abcdef", b'1700000000.{"event":"article.published"}', sha256)
  CHECK(network::signature("0123456789abcdef0123456789abcdef", "1700000000", R"({"event":"article.published"})") ==
        "sha256=4d2fbe4dc5ec8fab9de0649bd8f04d3c8d025899a3f25df2f50482a544527518");
  webhook_delivery d;
  d.id = webhook_delivery_id{"d1"};
  d.event = "article.published";
  d.payload = R"({"event":"article.published"})";
  auto h = network::delivery_headers("0123456789abcdef0123456789abcdef", d, timestamp(1700000000s));
  CHECK(header(h, "X-Pbgdpl-Event") == "article.published");
  CHECK(header(h, "X-Pbgdpl-Delivery") == "d1");
  CHECK(header(h, "X-Pbgdpl-Timestamp") == "1700000000");
  CHECK(header(h, "X-Pbgdpl-Signature") == "sha256=4d2fbe4dc5ec8fab9de0649bd8f04d3c8d025899a3f25df2f50482a544527518");
  CHECK(header(h, "Content-Type") == "application/json");
}

TEST_CASE("a webhook takes only http and https addresses and known events") {
  auto w = make_hook();
  CHECK(check(w));
  for (const char* bad : {"ftp://example.org/x", "file:///etc/passwd", "javascript:alert(1)", "gopher://127.0.0.1:25/",
                          "127.0.0.1:8080/nhan", ""}) {
    auto x = w;
    x.url = bad;
    auto c = check(x);
    REQUIRE_FALSE(c);
    CHECK(c.err().describe().find("/url") != std::string::npos);
  }
  auto x = w;
  x.events = {"article.deleted"};
  CHECK_FALSE(check(x));
  x.events = {};
  CHECK_FALSE(check(x));
  x = w;
  x.secret = "ngan";
  CHECK_FALSE(check(x));
  CHECK(public_json(w).count("secret") == 0);
}

TEST_CASE("a delivery written with only its required members reads back with the defaults") {
  // The smallest body the store accepts (as an older writer with fewer optional members would
  // have left it): attempts, last_status, last_error and delivered_at absent.
  auto j = json::parse(R"({"id":"d1","schema_version":1,"version":1,"webhook":"wh-1","unit":"th-van-yen",
    "event":"article.published","subject_kind":"article","subject_id":"a-1","occurred_at":"2023-03-22T08:00:00+07:00",
    "payload":"{}","state":"pending","next_attempt_at":"2023-03-22T08:00:00+07:00","created_at":"2023-03-22T08:00:00+07:00"})");
  auto d = from_json_value<webhook_delivery>(j);
  REQUIRE(d);
  CHECK(d->attempts.empty());
  CHECK(d->last_status == 0);
  CHECK_FALSE(d->delivered_at);
  auto w = from_json_value<webhook>(json::parse(R"({"id":"wh-1","schema_version":1,"version":1,"unit":"th-van-yen",
    "url":"http://127.0.0.1:9/","events":["article.published"],"secret":"0123456789abcdef0123456789abcdef",
    "created_at":"2023-03-22T08:00:00+07:00"})"));
  REQUIRE(w);
  CHECK(w->active);
  CHECK(w->description.empty());
}

TEST_CASE_TEMPLATE("the deliveries of a webhook list pending first, then newest first, in pages", F, memory_factory, sqlite_factory) {
  F f;
  auto db = f.make();
  auto base = at("2023-03-22T08:00:00+07:00");
  auto make = [&](std::string id, std::string hook, int minutes, delivery_state s) {
    webhook_delivery d;
    d.id = webhook_delivery_id{std::move(id)};
    d.webhook = webhook_id{std::move(hook)};
    d.unit = unit_id{"th-van-yen"};
    d.event = "article.published";
    d.subject_kind = "article";
    d.subject_id = "a";
    d.occurred_at = d.created_at = base + std::chrono::minutes(minutes);
    d.next_attempt_at = base + std::chrono::minutes(10 * minutes);
    d.payload = "{}";
    d.state = s;
    if (s == delivery_state::delivered) d.delivered_at = d.created_at;
    REQUIRE(db->create(d, "t"));
  };
  make("a1", "wh-a", 1, delivery_state::delivered);
  make("a2", "wh-a", 2, delivery_state::failed);
  make("a3", "wh-a", 3, delivery_state::pending);
  make("a4", "wh-a", 4, delivery_state::delivered);
  make("a5", "wh-a", 5, delivery_state::delivered);
  make("b1", "wh-b", 6, delivery_state::delivered);
  make("b2", "wh-b", 7, delivery_state::pending);
  make("c1", "wh-a-2", 8, delivery_state::delivered);  // an id that starts like wh-a's
  std::vector<std::string> ids;
  std::string cursor;
  for (int pages = 0; pages < 10; ++pages) {
    auto p = network::list_deliveries(*db, webhook_id{"wh-a"}, 2, cursor);
    REQUIRE(p);
    for (const auto& d : p->items) ids.push_back(d.id.value);
    cursor = p->next_cursor;
    if (cursor.empty()) break;
  }
  CHECK(ids == std::vector<std::string>{"a3", "a5", "a4", "a2", "a1"});
  // Pending and due by a time, soonest first, whichever webhook.
  auto ids_of = [](const std::vector<webhook_delivery>& v) {
    std::vector<std::string> out;
    for (const auto& d : v) out.push_back(d.id.value);
    return out;
  };
  CHECK(ids_of(network::due_deliveries(*db, base + 29min, 10).value()).empty());
  CHECK(ids_of(network::due_deliveries(*db, base + 40min, 10).value()) == std::vector<std::string>{"a3"});
  CHECK(ids_of(network::due_deliveries(*db, base + 70min, 10).value()) == std::vector<std::string>{"a3", "b2"});
  CHECK(ids_of(network::due_deliveries(*db, base + 70min, 1).value()) == std::vector<std::string>{"a3"});
  // A cursor of another webhook's log is refused.
  auto first = network::list_deliveries(*db, webhook_id{"wh-b"}, 1);
  REQUIRE(first);
  REQUIRE_FALSE(first->next_cursor.empty());
  CHECK_FALSE(network::list_deliveries(*db, webhook_id{"wh-a"}, 1, first->next_cursor));
}


TEST_CASE("a scheduled article fires at its time by the timer, once, and tells the site") {
  auto db = make_memory_store();
  const auto t0 = at("2023-03-22T08:00:00+07:00");
  test_clock clock(t0);
  REQUIRE(db->create(make_hook(), "t"));
  recorder rx;
  std::vector<std::string> came_due;
  network::dispatcher_options o;
  o.now = std::ref(clock);
  o.send = rx.sender();
  o.on_published = [&](const article& a) { came_due.push_back(a.id.value); };
  o.catch_up = 1h;
  o.poll = 1h;
  network::dispatcher d(*db, o);
  d.listen();
  auto a = make_article("Bài hẹn giờ", "Nội dung", "th-van-yen", "2023-03-22T08:01:00+07:00");
  a.id = article_id{"hen-gio"};
  REQUIRE(db->create(a, "t"));
  // Before its time: nothing, and the timer means to wake exactly then.
  CHECK(d.tick() == t0 + 1min);
  CHECK(all_deliveries(*db).empty());
  CHECK(came_due.empty());
  clock.set(t0 + 59s);
  CHECK(d.tick() == t0 + 1min);
  CHECK(all_deliveries(*db).empty());
  // At its time.
  clock.set(t0 + 1min);
  d.tick();
  auto ds = all_deliveries(*db);
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].subject_id == "hen-gio");
  CHECK(ds[0].occurred_at == t0 + 1min);
  CHECK(came_due == std::vector<std::string>{"hen-gio"});
  CHECK(json::parse(ds[0].payload)["data"]["title"] == "Bài hẹn giờ");
  // Later rounds, and an edit of the article, do not fire it again.
  clock.set(t0 + 2min);
  d.tick();
  auto edited = db->get<article>("hen-gio").value();
  edited.summary = "Sửa tóm tắt";
  edited.updated_at = {};
  REQUIRE(db->update(edited, "t"));
  d.tick();
  CHECK(all_deliveries(*db).size() == 1);
  CHECK(came_due.size() == 1);
  CHECK(d.deliver_due() == 1);
  CHECK(rx.count() == 1);
}

TEST_CASE("the timer thread fires a scheduled article when its time comes, with no request") {
  auto db = make_memory_store();
  const auto t0 = at("2023-03-22T08:00:00+07:00");
  test_clock clock(t0);
  REQUIRE(db->create(make_hook(), "t"));
  recorder rx;
  std::atomic<int> came_due{0};
  network::dispatcher_options o;
  o.now = std::ref(clock);
  o.send = rx.sender();
  o.on_published = [&](const article&) { ++came_due; };
  network::dispatcher d(*db, o);
  d.start();
  auto a = make_article("Bài hẹn giờ", "Nội dung", "th-van-yen", "2023-03-22T08:00:30+07:00");
  REQUIRE(db->create(a, "t"));
  std::this_thread::sleep_for(200ms);
  CHECK(came_due == 0);
  clock.set(t0 + 30s);
  d.wake();
  for (int i = 0; i < 100 && rx.count() == 0; ++i) std::this_thread::sleep_for(20ms);
  CHECK(came_due == 1);
  CHECK(rx.count() == 1);
  d.stop();
  auto ds = all_deliveries(*db);
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].state == delivery_state::delivered);
}

TEST_CASE("at start-up, what came due while nothing ran fires, and only what came after the webhook") {
  auto db = make_memory_store();
  const auto t0 = at("2023-03-22T08:00:00+07:00");
  REQUIRE(db->create(make_hook("th-van-yen", t0), "t"));
  auto before = make_article("Trước webhook", "x", "th-van-yen", "2023-03-22T07:00:00+07:00");
  before.id = article_id{"truoc"};
  auto during = make_article("Lúc máy dừng", "x", "th-van-yen", "2023-03-22T09:00:00+07:00");
  during.id = article_id{"luc-dung"};
  auto later = make_article("Còn hẹn", "x", "th-van-yen", "2023-03-22T12:00:00+07:00");
  later.id = article_id{"con-hen"};
  for (auto* a : {&before, &during, &later}) REQUIRE(db->create(*a, "t"));
  // The server comes back at 10:00: nothing listened while these were written.
  test_clock clock(at("2023-03-22T10:00:00+07:00"));
  std::vector<std::string> came_due;
  network::dispatcher_options o;
  o.now = std::ref(clock);
  o.on_published = [&](const article& a) { came_due.push_back(a.id.value); };
  network::dispatcher d(*db, o);
  d.listen();
  CHECK(d.tick() == at("2023-03-22T10:00:01+07:00"));  // the new delivery is due: the workers' turn
  auto ds = all_deliveries(*db);
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].subject_id == "luc-dung");
  CHECK(std::find(came_due.begin(), came_due.end(), "luc-dung") != came_due.end());
  // A restart fires nothing twice.
  network::dispatcher again(*db, o);
  again.tick();
  CHECK(all_deliveries(*db).size() == 1);
}

TEST_CASE("two dispatchers on one SQLite file make one delivery and send it once") {
  temp_dir dir;
  auto s1 = open_sqlite_store(dir.path / "pbgdpl.db").value();
  auto s2 = open_sqlite_store(dir.path / "pbgdpl.db").value();
  const auto t0 = at("2023-03-22T08:00:00+07:00");
  test_clock clock(t0);
  REQUIRE(s1->create(make_hook(), "t"));
  recorder rx;
  rx.delay = 150ms;  // both try while the first is still sending
  network::dispatcher_options o;
  o.now = std::ref(clock);
  o.send = rx.sender();
  network::dispatcher d1(*s1, o), d2(*s2, o);
  d1.listen();
  d2.listen();
  auto a = make_article("Đăng ngay", "x", "th-van-yen", "2023-03-22T08:00:00+07:00");
  REQUIRE(s1->create(a, "t"));
  // Each hears of it (d2 through the file) and both make "its" delivery: one record.
  std::thread th([&] { d2.tick(); });
  d1.tick();
  th.join();
  d2.tick();
  CHECK(all_deliveries(*s1).size() == 1);
  CHECK(all_deliveries(*s2).size() == 1);
  std::size_t n1 = 0, n2 = 0;
  std::thread th2([&] { n2 = d2.deliver_due(); });
  n1 = d1.deliver_due();
  th2.join();
  CHECK(n1 + n2 == 1);
  CHECK(rx.count() == 1);
  auto ds = all_deliveries(*s2);
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].state == delivery_state::delivered);
  CHECK(ds[0].attempts.size() == 1);
}

TEST_CASE("a failed delivery is retried after the backoff, every attempt recorded, and fails after the last") {
  auto db = make_memory_store();
  const auto t0 = at("2023-03-22T08:00:00+07:00");
  test_clock clock(t0);
  REQUIRE(db->create(make_hook(), "t"));
  recorder rx;
  rx.script = {500, 200};
  network::dispatcher_options o;
  o.now = std::ref(clock);
  o.send = rx.sender();
  network::dispatcher d(*db, o);
  d.listen();
  REQUIRE(db->create(make_article("Một", "x", "th-van-yen", "2023-03-22T08:00:00+07:00"), "t"));
  d.tick();
  CHECK(d.deliver_due() == 1);
  auto one = all_deliveries(*db).at(0);
  CHECK(one.state == delivery_state::pending);
  REQUIRE(one.attempts.size() == 1);
  CHECK(one.attempts[0].status == 500);
  CHECK(one.last_status == 500);
  CHECK(one.next_attempt_at >= t0 + 30s);
  CHECK(one.next_attempt_at <= t0 + 36s);
  clock.set(t0 + 29s);
  CHECK(d.deliver_due() == 0);
  clock.set(t0 + 40s);
  CHECK(d.deliver_due() == 1);
  auto two = all_deliveries(*db).at(0);
  CHECK(two.state == delivery_state::delivered);
  CHECK(two.attempts.size() == 2);
  CHECK(two.delivered_at == t0 + 40s);
  // Both POSTs carried the same body and delivery id, each signed for its own time.
  REQUIRE(rx.got.size() == 2);
  CHECK(rx.got[0].first == rx.got[1].first);
  CHECK(header(rx.got[0].second, "X-Pbgdpl-Delivery") == header(rx.got[1].second, "X-Pbgdpl-Delivery"));
  CHECK(header(rx.got[0].second, "X-Pbgdpl-Signature") != header(rx.got[1].second, "X-Pbgdpl-Signature"));

  // A receiver that never answers well: failed after max_attempts.
  recorder dead;
  dead.script = std::vector<unsigned>(10, 503);
  o.send = dead.sender();
  o.retry.max_attempts = 3;
  network::dispatcher d2(*db, o);
  d2.listen();
  REQUIRE(db->create(make_article("Hai", "x", "th-van-yen", "2023-03-22T08:00:40+07:00"), "t"));
  d2.tick();
  for (int i = 0; i < 5; ++i) {
    d2.deliver_due();
    clock.set(clock() + 1h);
  }
  CHECK(dead.count() == 3);
  auto ds = network::list_deliveries(*db, webhook_id{"wh-1"}, 10).value().items;
  REQUIRE(ds.size() == 2);
  CHECK(ds[0].state == delivery_state::failed);
  CHECK(ds[0].attempts.size() == 3);
}

TEST_CASE("an answered question fires once per answer, without the asker's contact details") {
  auto db = make_memory_store();
  const auto t0 = at("2023-03-22T08:00:00+07:00");
  test_clock clock(t0 + 1h);
  REQUIRE(db->create(make_hook(), "t"));
  network::dispatcher_options o;
  o.now = std::ref(clock);
  network::dispatcher d(*db, o);
  d.listen();
  question q;
  q.id = question_id{"cau-hoi-1"};
  q.unit = unit_id{"th-van-yen"};
  q.asker_name = "Phụ huynh";
  q.asker_email = "phu-huynh@example.org";
  q.title = "Hỏi về học phí";
  q.body = "Nội dung câu hỏi";
  q.asked_at = t0;
  q = db->create(q, "t").value();
  d.tick();
  CHECK(all_deliveries(*db).empty());
  q.state = question_state::answered;
  q.answer_markdown = "Trả lời";
  q.answered_at = t0 + 30min;
  q.answered_by = account_id{"luat-su"};
  q = db->update(q, "t").value();
  d.tick();
  q.state = question_state::published;
  q = db->update(q, "t").value();  // published with the same answer: the same event
  d.tick();
  auto ds = all_deliveries(*db);
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].event == "question.answered");
  CHECK(ds[0].payload.find("phu-huynh@example.org") == std::string::npos);
  q.answered_at = t0 + 50min;  // answered again
  q = db->update(q, "t").value();
  d.tick();
  CHECK(all_deliveries(*db).size() == 2);
}

TEST_CASE("a webhook hears of its unit and the units below it, and of nothing else") {
  auto db = make_memory_store();
  REQUIRE(db->create(make_unit("ha-noi", "Thành phố Hà Nội", std::nullopt, unit_kind::city), "t"));
  auto pgd = db->create(make_unit("pgd", "Phòng GDĐT", std::string("ha-noi"), unit_kind::education_division), "t");
  REQUIRE_MESSAGE(pgd, (pgd ? "" : pgd.err().describe()));
  REQUIRE(db->create(make_unit("th-a", "Trường A", std::string("pgd")), "t"));
  REQUIRE(db->create(make_unit("th-b", "Trường B", std::string("pgd")), "t"));
  auto division = make_hook("pgd");
  division.id = webhook_id{"wh-pgd"};
  auto school_b = make_hook("th-b");
  school_b.id = webhook_id{"wh-b"};
  auto off = make_hook("th-a");
  off.id = webhook_id{"wh-off"};
  off.active = false;
  for (auto* w : {&division, &school_b, &off}) REQUIRE(db->create(*w, "t"));
  test_clock clock(at("2023-03-22T09:00:00+07:00"));
  network::dispatcher_options o;
  o.now = std::ref(clock);
  network::dispatcher d(*db, o);
  d.listen();
  REQUIRE(db->create(make_article("Tin trường A", "x", "th-a", "2023-03-22T08:30:00+07:00"), "t"));
  d.tick();
  auto ds = all_deliveries(*db);
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].webhook.value == "wh-pgd");
  CHECK(ds[0].unit.value == "pgd");
}
