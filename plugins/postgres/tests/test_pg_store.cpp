// The PostgreSQL store's own duties, on a real server (PBGDPL_TEST_PG, set by the CTest fixture
// through scripts/pg-test-server.sh): migrations, schema names, injection through filters and
// queries, two nodes on one schema (each other's writes, change batches, change stamps,
// conflicts), and the plugin configuration. The behaviour every store shares is the store
// conformance suite's, which runs on this store too (tests/unit/store, postgres_factory).
#include "pg_store.hpp"

#include <pbgdpl/plugin/host.hpp>
#include <pbgdpl/store/memory.hpp>

#include <libpq-fe.h>

#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <set>
#include <thread>

using namespace pbgdpl;
using namespace pbgdpl::store;

namespace {

std::string conninfo() {
  const char* c = std::getenv("PBGDPL_TEST_PG");
  REQUIRE_MESSAGE((c && *c),
                  "PBGDPL_TEST_PG is not set: run through CTest (the fixture starts a server) or "
                  "scripts/pg-test-server.sh exec DIR <this test>");
  return c;
}

// Runs SQL on a connection of its own (what another tool or an attacker with SQL access does).
void raw_sql(const std::string& sql) {
  PGconn* c = PQconnectdb(conninfo().c_str());
  REQUIRE(PQstatus(c) == CONNECTION_OK);
  PGresult* r = PQexec(c, sql.c_str());
  auto st = PQresultStatus(r);
  std::string msg = PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(c);
  REQUIRE_MESSAGE((st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK), msg);
}

// A schema of its own per test, dropped afterwards.
struct fresh_schema {
  std::string name = "t_" + random_id_string().substr(0, 12);
  fresh_schema() {
    for (auto& c : name)
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) c = '_';
  }
  ~fresh_schema() {
    PGconn* c = PQconnectdb(std::getenv("PBGDPL_TEST_PG") ? std::getenv("PBGDPL_TEST_PG") : "");
    if (PQstatus(c) == CONNECTION_OK)
      PQclear(PQexec(
          c, ("SET client_min_messages = warning; DROP SCHEMA IF EXISTS " + name + " CASCADE").c_str()));
    PQfinish(c);
  }
  pg_options options() const {
    pg_options o;
    o.conninfo = conninfo();
    o.schema = name;
    return o;
  }
};

std::unique_ptr<pg_store> open_ok(pg_options o) {
  auto s = open_pg_store(std::move(o));
  REQUIRE_MESSAGE(s.has_value(), (s ? "" : s.err().describe()));
  return std::move(*s);
}

timestamp at(const char* s) { return parse_timestamp(s).value(); }

article make_article(std::string title, std::string body, std::string unit = "th-van-yen") {
  article a;
  a.title = std::move(title);
  a.body_markdown = std::move(body);
  a.unit = unit_id{std::move(unit)};
  a.author = account_id{"editor-1"};
  a.created_at = a.updated_at = at("2023-03-22T08:00:00+07:00");
  a.state = article_state::published;
  a.published_at = a.created_at;
  a.category = "tin-hoat-dong";
  return a;
}

unit make_unit(std::string id, std::optional<std::string> parent) {
  unit u;
  u.id = unit_id{std::move(id)};
  u.name = "Trường " + u.id.value;
  u.short_name = u.name;
  u.kind = unit_kind::school;
  u.level = school_level::th;
  if (parent) u.parent = unit_id{*parent};
  return u;
}

search_request sr(std::string q) {
  search_request r;
  r.q = std::move(q);
  return r;
}

}  // namespace

TEST_CASE("a new schema is created and migrated, and a second open reuses it") {
  fresh_schema s;
  std::string id;
  {
    auto db = open_ok(s.options());
    CHECK(db->schema_version() == 3);
    id = db->create(make_article("Dữ liệu còn lại", "x"), "x")->id.value;
  }
  auto db = open_ok(s.options());
  CHECK(db->schema_version() == 3);
  CHECK(db->get<article>(id)->title == "Dữ liệu còn lại");
}

TEST_CASE("nodes opening a new schema at once migrate it once") {
  fresh_schema s;
  std::vector<std::thread> ts;
  std::atomic<int> ok{0};
  std::mutex mu;
  std::vector<std::string> failures;
  for (int i = 0; i < 4; ++i)
    ts.emplace_back([&] {
      auto db = open_pg_store(s.options());
      if (db)
        ++ok;
      else {
        std::lock_guard l(mu);
        failures.push_back(db.err().describe());
      }
    });
  for (auto& t : ts) t.join();
  CHECK_MESSAGE(ok == 4, (failures.empty() ? "" : failures.front()));
}

TEST_CASE("a schema from a newer pbgdpl is refused, and one holding other tables is not taken over") {
  fresh_schema s;
  { open_ok(s.options()); }
  raw_sql("UPDATE " + s.name + ".schema_meta SET version = 99");
  auto r = open_pg_store(s.options());
  REQUIRE_FALSE(r.has_value());
  CHECK(r.err().code == errc::unsupported_version);
  CHECK(r.err().message_vi.find("mới hơn") != std::string::npos);

  fresh_schema other;
  raw_sql("CREATE SCHEMA " + other.name + "; CREATE TABLE " + other.name + ".payroll(x int)");
  auto o = open_pg_store(other.options());
  REQUIRE_FALSE(o.has_value());
  CHECK(o.err().code == errc::corrupt);
}

TEST_CASE("schema names that are not plain identifiers are refused before any SQL") {
  for (const char* bad : {"", "Upper", "1abc", "pg_catalog", "a;DROP SCHEMA public", "a\"b", "sch ema",
                          "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}) {
    pg_options o;
    o.conninfo = "host=127.0.0.1 port=1";  // never reached
    o.schema = bad;
    auto r = open_pg_store(o);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.err().code == errc::invalid_argument);
    CHECK(r.err().path == "/schema");
  }
}

TEST_CASE("no server or bad credentials is io_error in both languages") {
  pg_options o;
  o.conninfo = "host=127.0.0.1 port=1 connect_timeout=2";
  auto r = open_pg_store(o);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.err().code == errc::io_error);
  CHECK(r.err().message_vi.find("Không kết nối được") != std::string::npos);
  auto bad = conninfo();
  auto pw = bad.find("password=");
  REQUIRE(pw != std::string::npos);
  bad.insert(pw + 9, "wrong");
  o.conninfo = bad;
  r = open_pg_store(o);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.err().code == errc::io_error);
}

TEST_CASE("filters, cursors and queries carrying SQL are only values") {
  fresh_schema s;
  auto db = open_ok(s.options());
  auto a = db->create(make_article("Tuyên truyền pháp luật", "nội dung"), "x");
  REQUIRE(a);
  const std::string evil = "x'); DROP TABLE entities; --";
  list_query q;
  q.where.category = evil;
  q.where.unit = evil;
  q.where.field = evil;
  q.where.unit_in = {evil, "\"}{,\\"};
  auto p = db->list<article>(q);
  REQUIRE(p);
  CHECK(p->items.empty());
  auto found = db->search(sr("pháp luật'); DROP TABLE entities; -- \" <-> :* & | !"));
  REQUIRE(found);
  auto all = db->search(sr("pháp luật"));
  REQUIRE(all);
  CHECK(all->items.size() == 1);
  // Values full of array and tsquery syntax (a record-level write: the typed layer would refuse
  // such an id) are stored and read as themselves.
  const std::string odd_id = "a\"b,c{d}e\\f'g";
  auto odd_article = make_article("Bài có mã lạ", "y");
  odd_article.id = article_id{"odd"};
  auto odd = pbgdpl::store::store::to_record(odd_article).value();
  odd.id = odd_id;
  odd.fields = {"{\"}", "a,b", "\\"};
  odd.cites = {"id:'); --", "no:\"x\""};
  auto created = db->write(write_op::create, odd, 0, "x");
  REQUIRE_MESSAGE(created, (created ? "" : created.err().describe()));
  auto back = db->read("article", odd_id);
  REQUIRE(back);
  CHECK(back->id == odd_id);
  CHECK(back->fields == odd.fields);
  q = {};
  q.where.field = "a,b";
  CHECK(db->list_records("article", q)->items.size() == 1);
  CHECK(db->get<article>(a->id.value)->title == "Tuyên truyền pháp luật");
}

TEST_CASE("a NUL character in a stored column is refused and nothing is written") {
  fresh_schema s;
  auto db = open_ok(s.options());
  record r;
  r.kind = "article";
  r.id = std::string("a\0b", 3);
  r.version = 1;
  r.body = json::object();
  auto w = db->write(write_op::create, r, 0, "x");
  REQUIRE_FALSE(w);
  CHECK(w.err().code == errc::invalid_argument);
  CHECK(db->audit_log()->empty());
}

TEST_CASE("two nodes see each other's writes, change batches and change stamps") {
  fresh_schema s;
  auto a = open_ok(s.options());
  auto b = open_ok(s.options());
  std::mutex mu;
  std::vector<change> heard_a, heard_b;
  auto sub_a = a->subscribe([&](const std::vector<change>& batch) {
    std::lock_guard l(mu);
    heard_a.insert(heard_a.end(), batch.begin(), batch.end());
  });
  auto sub_b = b->subscribe([&](const std::vector<change>& batch) {
    std::lock_guard l(mu);
    heard_b.insert(heard_b.end(), batch.begin(), batch.end());
  });
  auto stamp_b = b->change_stamp();
  REQUIRE(stamp_b);
  auto created = a->create(make_article("Viết ở nút A", "x"), "editor-a");
  REQUIRE(created);
  CHECK(heard_a.size() == 1);  // told on A at its commit
  CHECK(heard_b.empty());      // B has not polled yet
  CHECK(b->change_stamp() != stamp_b);
  CHECK(b->get<article>(created->id.value)->title == "Viết ở nút A");
  REQUIRE(b->poll_changes().value() == 1);
  REQUIRE(heard_b.size() == 1);
  CHECK(heard_b[0].id == created->id.value);
  CHECK(heard_b[0].op == write_op::create);
  CHECK(heard_b[0].unit == "th-van-yen");
  CHECK(heard_b[0].audit_seq == heard_a[0].audit_seq);
  CHECK(b->poll_changes().value() == 0);  // told once
  CHECK(a->poll_changes().value() == 0);  // A's own write is not told again

  // A transaction on B: one batch of two on A, after B's commit; a rolled back one tells nothing.
  auto tx = b->transaction([&]() -> result<void> {
    auto x = b->create(make_article("Một", "x"), "editor-b");
    if (!x) return x.err();
    auto y = b->create(make_article("Hai", "x"), "editor-b");
    if (!y) return y.err();
    return {};
  });
  REQUIRE(tx);
  (void)b->transaction([&]() -> result<void> {
    (void)b->create(make_article("Không còn", "x"), "editor-b");
    return error(errc::invalid_argument);
  });
  std::size_t before = heard_a.size();
  CHECK(a->poll_changes().value() == 2);
  CHECK(heard_a.size() == before + 2);
  CHECK(a->list<article>()->items.size() == 3);

  // Both update the same version: one wins, the other gets a conflict.
  auto on_a = a->get<article>(created->id.value).value();
  auto on_b = b->get<article>(created->id.value).value();
  on_a.title = "Sửa ở A";
  on_b.title = "Sửa ở B";
  REQUIRE(a->update(on_a, "a"));
  auto lost = b->update(on_b, "b");
  REQUIRE_FALSE(lost);
  CHECK(lost.err().code == errc::conflict);
  CHECK(b->get<article>(created->id.value)->title == "Sửa ở A");
}

TEST_CASE("writers on two nodes interleaving lose no update and every change is told once") {
  fresh_schema s;
  auto seed = open_ok(s.options());
  auto counter = seed->create(make_article("Đếm", "0"), "x").value();
  constexpr int per_node = 15;
  std::atomic<int> conflicts{0};
  std::vector<std::unique_ptr<pg_store>> nodes;
  for (int i = 0; i < 2; ++i) nodes.push_back(open_ok(s.options()));
  std::vector<std::thread> ts;
  for (auto& n : nodes)
    ts.emplace_back([&, db = n.get()] {
      for (int done = 0; done < per_node;) {
        auto cur = db->get<article>(counter.id.value).value();
        cur.body_markdown = std::to_string(std::stoi(cur.body_markdown) + 1);
        auto u = db->update(cur, "x");
        if (u)
          ++done;
        else if (u.err().code == errc::conflict)
          ++conflicts;
        else
          FAIL(u.err().describe());
      }
    });
  for (auto& t : ts) t.join();
  CHECK(seed->get<article>(counter.id.value)->body_markdown == std::to_string(2 * per_node));
  std::set<std::uint64_t> seqs;
  auto sub = seed->subscribe([&](const std::vector<change>& batch) {
    for (const auto& c : batch) CHECK(seqs.insert(c.audit_seq).second);
  });
  while (seed->poll_changes().value() > 0) {
  }
  CHECK(seqs.size() == 2 * per_node);
  MESSAGE("conflicts retried: " << conflicts.load());
}

TEST_CASE("search ranks as the in-memory reference: same records, same order") {
  fresh_schema s;
  auto db = open_ok(s.options());
  auto mem = make_memory_store();
  std::vector<article> items = {
      make_article("Kế hoạch tuyên truyền pháp luật năm 2024", "Kế hoạch của trường về phổ biến pháp luật"),
      make_article("Ke hoach khong dau", "noi dung ke hoach"),
      make_article("Hội thi tìm hiểu pháp luật", "kế hoạch tổ chức hội thi; kế hoạch chi tiết"),
      make_article("Tin hoạt động", "Không liên quan"),
      make_article("Kế hoạch", "bài có tiêu đề bằng câu hỏi"),
  };
  for (auto& a : items) {
    auto c = db->create(a, "x");
    REQUIRE(c);
    a.id = c->id;
    REQUIRE(mem->create(a, "x"));
  }
  for (const char* q : {"ke hoach", "Kế hoạch", "pháp luật", "\"kế hoạch tổ\"", "hoach", "phap*",
                        "kế hoạch tuyên truyền pháp"}) {
    CAPTURE(q);
    auto p = db->search(sr(q));
    auto m = mem->search(sr(q));
    REQUIRE(p);
    REQUIRE(m);
    REQUIRE(p->items.size() == m->items.size());
    for (std::size_t i = 0; i < p->items.size(); ++i) {
      CHECK(p->items[i].id == m->items[i].id);
      CHECK(p->items[i].score == doctest::Approx(m->items[i].score));
      CHECK(p->items[i].snippet_html == m->items[i].snippet_html);
    }
  }
  auto p = db->search(sr("ke hoach"));
  REQUIRE(p);
  REQUIRE_FALSE(p->items.empty());
  CHECK(p->items[0].title == "Kế hoạch");  // the title equal to the query first
}

TEST_CASE("past max_scored_matches a search scores the newest matches and says it is approximate") {
  fresh_schema s;
  auto o = s.options();
  o.max_scored_matches = 100;
  auto db = open_ok(o);
  REQUIRE(db->transaction([&]() -> result<void> {
    for (int i = 0; i < 130; ++i)
      if (auto c = db->create(make_article("Tin số " + std::to_string(i), "pháp luật"), "x"); !c)
        return c.err();
    return {};
  }));
  auto p = db->search(sr("pháp luật"));
  REQUIRE(p);
  CHECK(p->approximate);
  auto few = db->search(sr("Tin số 7"));
  REQUIRE(few);
  CHECK_FALSE(few->approximate);
}

TEST_CASE("a unit filter walks at most max_unit_depth levels even through a stored cycle") {
  fresh_schema s;
  auto db = open_ok(s.options());
  auto top = make_unit("root", std::nullopt);
  top.kind = unit_kind::city;
  top.level.reset();
  auto root = db->create(top, "x");
  REQUIRE_MESSAGE(root, (root ? "" : root.err().describe()));
  REQUIRE(db->create(make_unit("child", "root"), "x"));
  REQUIRE(db->create(make_article("Ở trường con", "x", "child"), "x"));
  // A cycle written behind the store's back (an older version, a hand edit).
  raw_sql("UPDATE " + s.name + ".entities SET parent = 'child' WHERE kind = 'unit' AND id = 'root'");
  list_query q;
  q.where.unit = "root";
  auto p = db->list<article>(q);
  REQUIRE(p);
  CHECK(p->items.size() == 1);
}

TEST_CASE("the plugin configuration is checked member by member") {
  CHECK(pg_options_from_json(json{{"conninfo", "host=x"}, {"schema", "s"}}).has_value());
  auto missing = pg_options_from_json(json::object());
  REQUIRE_FALSE(missing);
  CHECK(missing.err().path == "/conninfo");
  auto unknown = pg_options_from_json(json{{"conninfo", "x"}, {"sql", "DROP"}});
  REQUIRE_FALSE(unknown);
  CHECK(unknown.err().path == "/sql");
  auto wrong = pg_options_from_json(json{{"conninfo", "x"}, {"max_scored_matches", -5}});
  REQUIRE_FALSE(wrong);
  CHECK(wrong.err().path == "/max_scored_matches");
  CHECK_FALSE(pg_options_from_json(json::array()));
}

TEST_CASE("a connection the server cut is opened again, and what others wrote meanwhile is told") {
  fresh_schema s;
  auto o = s.options();
  const std::string app = "victim_" + s.name;
  o.conninfo += " application_name=" + app;
  o.exact_polling = false;  // only the notifications and the reconnection tell of others' writes
  auto victim = open_ok(o);
  auto other = open_ok(s.options());
  std::vector<change> heard;
  auto sub =
      victim->subscribe([&](const std::vector<change>& b) { heard.insert(heard.end(), b.begin(), b.end()); });
  auto stamp = victim->change_stamp();
  REQUIRE(stamp);
  raw_sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '" + app + "'");
  auto written = other->create(make_article("Viết khi nút kia mất kết nối", "x"), "x");
  REQUIRE(written);
  // The first call may find the connection dead (and say so, io_error); the next one reconnects.
  bool back = false;
  for (int attempt = 0; attempt < 3 && !back; ++attempt) {
    auto r = victim->get<article>(written->id.value);
    if (r)
      back = true;
    else
      CHECK(r.err().code == errc::io_error);
  }
  REQUIRE(back);
  CHECK(victim->change_stamp() != stamp);
  CHECK(victim->poll_changes().value() == 1);
  REQUIRE(heard.size() == 1);
  CHECK(heard[0].id == written->id.value);
  CHECK(victim->create(make_article("Ghi sau khi kết nối lại", "x"), "x"));
}

TEST_CASE("a text with more words than a tsvector holds is stored whole and found by its first words") {
  fresh_schema s;
  auto db = open_ok(s.options());
  std::string body = "khởi đầu ";
  for (int i = 0; i < 110000; ++i) body += "w" + std::to_string(i) + " ";  // 110,000 distinct words, 0.9 MB
  body += "kết thúc";
  auto a = db->create(make_article("Văn bản rất dài", body), "x");
  REQUIRE_MESSAGE(a, (a ? "" : a.err().describe()));
  CHECK(db->get<article>(a->id.value)->body_markdown.size() == a->body_markdown.size());
  auto p = db->search(sr("khởi đầu"));
  REQUIRE(p);
  REQUIRE(p->items.size() == 1);
  CHECK(p->items[0].id == a->id.value);
}

TEST_CASE(
    "through the plugin host: a bad configuration is refused naming the member, a good one is a store") {
  plugin::host_options ho;
  ho.enabled = true;
  ho.dirs = {PBGDPL_PLUGIN_DIR};
  ho.use_env_path = false;
  plugin::plugin_host host(ho);
  auto manifests = host.discover();
  CHECK(std::any_of(manifests.begin(), manifests.end(), [](const auto& m) { return m.id == "postgres"; }));
  auto bad = plugin::open_store(host, "postgres",
                                json{{"conninfo", conninfo()}, {"schema", "x; DROP SCHEMA public"}});
  REQUIRE_FALSE(bad);
  CHECK(bad.err().code == errc::invalid_argument);
  CHECK(bad.err().path == "create_failed");
  CHECK(bad.err().message_vi.find("Tên lược đồ") != std::string::npos);
  CHECK(bad.err().message_en.find("Invalid schema name") != std::string::npos);
  auto unknown = plugin::open_store(host, "postgres", json{{"conninfo", conninfo()}, {"password", "x"}});
  REQUIRE_FALSE(unknown);
  CHECK(unknown.err().message_en.find("\"password\"") != std::string::npos);
  auto down =
      plugin::open_store(host, "postgres", json{{"conninfo", "host=127.0.0.1 port=1 connect_timeout=2"}});
  REQUIRE_FALSE(down);
  CHECK(down.err().code == errc::io_error);

  fresh_schema s;
  auto db = plugin::open_store(host, "postgres", json{{"conninfo", conninfo()}, {"schema", s.name}});
  REQUIRE_MESSAGE(db, (db ? "" : db.err().describe()));
  auto a = (*db)->create(make_article("Qua trình cắm", "nội dung"), "x");
  REQUIRE_MESSAGE(a, (a ? "" : a.err().describe()));
  auto direct = open_ok(s.options());
  CHECK(direct->get<article>(a->id.value)->title == "Qua trình cắm");
  auto found = (*db)->search(sr("qua trinh"));
  REQUIRE(found);
  REQUIRE(found->items.size() == 1);
  CHECK(found->items[0].title_html.find("<mark>") != std::string::npos);
}

TEST_CASE("a cursor with bytes no text has (the portal's \\xff ceiling) pages as in the other stores") {
  fresh_schema s;
  auto db = open_ok(s.options());
  auto mem = make_memory_store();
  for (int i = 0; i < 5; ++i) {
    auto a = make_article("Bài " + std::to_string(i), "x");
    a.id = article_id{"bai-" + std::to_string(i)};
    a.published_at = a.created_at = a.updated_at =
        at(i < 3 ? "2023-03-22T08:00:00+07:00" : "2024-01-01T08:00:00+07:00");
    REQUIRE(db->create(a, "x"));
    REQUIRE(mem->create(a, "x"));
  }
  const auto key = db->read("article", "bai-0")->sort_key;
  for (bool oldest : {false, true})
    for (const std::string& id :
         {std::string("\xff"), std::string(""), std::string("bai-1"), std::string("a\xc3(b")}) {
      CAPTURE(oldest);
      list_query q;
      q.oldest_first = oldest;
      q.cursor = key_cursor(key, id);
      auto p = db->list_records("article", q);
      auto m = mem->list_records("article", q);
      REQUIRE_MESSAGE(p, (p ? "" : p.err().describe()));
      REQUIRE(m);
      std::vector<std::string> got, want;
      for (const auto& r : p->items) got.push_back(r.id);
      for (const auto& r : m->items) want.push_back(r.id);
      CHECK(got == want);
    }
  list_query q;
  q.cursor = key_cursor("\xff\xfe", "x");
  CHECK(db->list_records("article", q)->items.size() == 5);
}

TEST_CASE(
    "migration 2 indexes the titles already stored, so an old title match outranks newer body matches") {
  fresh_schema s;
  auto o = s.options();
  o.schema_version = 1;
  o.max_scored_matches =
      100;  // fewer than the newer body matches below: only the title stage finds the old one
  std::string old_id;
  {
    auto v1 = open_ok(o);
    CHECK(v1->schema_version() == 1);
    auto old = make_article("Kế hoạch năm học mới", "nội dung");
    old.published_at = old.created_at = old.updated_at = at("2020-01-01T08:00:00+07:00");
    old_id = v1->create(old, "x")->id.value;
    REQUIRE(v1->transaction([&]() -> result<void> {
      for (int i = 0; i < 130; ++i)
        if (auto c = v1->create(make_article("Tin " + std::to_string(i), "theo kế hoạch năm học"), "x"); !c)
          return c.err();
      return {};
    }));
  }
  o.schema_version = 2;
  auto v2 = open_ok(o);
  CHECK(v2->schema_version() == 2);
  auto p = v2->search(sr("kế hoạch năm học"));
  REQUIRE(p);
  REQUIRE_FALSE(p->items.empty());
  CHECK(p->items[0].id == old_id);
  CHECK(p->approximate);
}
