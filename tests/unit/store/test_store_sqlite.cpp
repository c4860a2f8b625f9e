// The SQLite store's own duties: files, migrations, faults (corrupt, read-only, full disk,
// crash), concurrent writers, integrity check and online backup.
#include "fixtures.hpp"

#include <csignal>
#include <cstdio>
#include <fstream>
#include <set>
#include <thread>

#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace fixtures;

namespace {
list_query big_page() {
  list_query q;
  q.limit = 100;
  return q;
}

std::unique_ptr<sqlite_store> open_ok(const std::filesystem::path& p, sqlite_options o = {}) {
  auto s = open_sqlite_store(p, o);
  REQUIRE_MESSAGE(s.has_value(), (s ? "" : s.err().describe()));
  return std::move(*s);
}

void raw_exec(const std::filesystem::path& p, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(p.c_str(), &db) == SQLITE_OK);
  char* msg = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &msg);
  std::string m = msg ? msg : "";
  sqlite3_free(msg);
  sqlite3_close(db);
  REQUIRE_MESSAGE(rc == SQLITE_OK, m);
}

std::string file_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}
}  // namespace

TEST_CASE("open_sqlite_store creates the directory and a second open reuses the data") {
  temp_dir d;
  auto path = d.path / "var" / "nested" / "pbgdpl.db";
  std::string id;
  {
    auto s = open_ok(path);
    id = s->create(make_article("Dữ liệu còn lại", "x"), "x")->id.value;
    CHECK(s->schema_version() == sqlite_detail::current_schema);
  }
  auto s = open_ok(path);
  CHECK(s->get<article>(id)->title == "Dữ liệu còn lại");
}

TEST_CASE("a database from an older schema is upgraded in place and its data indexed") {
  temp_dir d;
  auto path = d.path / "old.db";
  {
    sqlite_options o;
    o.schema_version = 1;
    auto s = open_ok(path, o);
    CHECK(s->schema_version() == 1);
  }
  // What a version-1 program wrote: the entity row only (version 1 had no search index).
  auto a = make_article("Kế hoạch cũ từ phiên bản trước", "Nội dung cũ");
  a.id = article_id{"bai-cu"};
  a.version = 1;
  auto body = to_json_value(a).dump();
  std::string sql = "INSERT INTO entities(kind, id, version, body, unit, state, sort_key) VALUES('article', 'bai-cu', 1, '";
  for (char c : body) sql += c == '\'' ? std::string("''") : std::string(1, c);
  sql += "', 'th-van-yen', 'published', '2023-03-22T01:00:00Z')";
  raw_exec(path, sql);
  auto s = open_ok(path);
  CHECK(s->schema_version() == sqlite_detail::current_schema);
  CHECK(s->get<article>("bai-cu")->title == "Kế hoạch cũ từ phiên bản trước");
  auto r = s->search(sr("ke hoach cu")).value();
  REQUIRE(r.items.size() == 1);
  CHECK(r.items[0].id == "bai-cu");
  CHECK(s->integrity_check());
}

// The plan SQLite picks for a list of one sub-kind, newest first: the shape the store's list
// builds (search_index.ipp: kind, sub_kind, archived, then ORDER BY sort_key DESC, id DESC).
static std::string sub_kind_list_plan(const std::filesystem::path& p) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(p.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  const char* sql = "EXPLAIN QUERY PLAN SELECT e.id FROM entities e WHERE e.kind = 'article' AND e.sub_kind = "
                    "'legal_document_intro' AND e.archived = 0 ORDER BY e.sort_key DESC, e.id DESC LIMIT 10";
  REQUIRE(sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK);
  std::string plan;
  while (sqlite3_step(st) == SQLITE_ROW) plan += std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 3))) + "\n";
  sqlite3_finalize(st);
  sqlite3_close(db);
  return plan;
}

TEST_CASE("a list of one article kind seeks its sub-kind instead of walking every article (schema 9)") {
  temp_dir d;
  auto path = d.path / "v8.db";
  {
    sqlite_options o;
    o.schema_version = 8;
    auto s = open_ok(path, o);
    s->create(make_article("Tin hoạt động", "x"), "x").value();
  }
  // Schema 8 walks entities_list (every article, newest first) and filters.
  CHECK(sub_kind_list_plan(path).find("entities_list_sub") == std::string::npos);
  auto s = open_ok(path);  // migrates to the current schema
  CHECK(s->schema_version() == sqlite_detail::current_schema);
  auto plan = sub_kind_list_plan(path);
  CHECK_MESSAGE(plan.find("entities_list_sub") != std::string::npos, plan);
  CHECK_MESSAGE(plan.find("TEMP B-TREE") == std::string::npos, plan);  // read in order, no sort
  CHECK(s->integrity_check());
}

TEST_CASE("a database from a newer pbgdpl is refused and left untouched") {
  temp_dir d;
  auto path = d.path / "new.db";
  { auto s = open_ok(path); }
  raw_exec(path, "PRAGMA user_version = 99");
  auto before = file_bytes(path);
  auto s = open_sqlite_store(path);
  REQUIRE_FALSE(s);
  CHECK(s.err().code == errc::unsupported_version);
  CHECK(s.err().message_vi.find("mới hơn") != std::string::npos);
  CHECK(file_bytes(path) == before);
}

TEST_CASE("a corrupt or non-SQLite file is refused as corrupt and left untouched") {
  temp_dir d;
  auto path = d.path / "not.db";
  std::string junk(8192, '\0');
  for (std::size_t i = 0; i < junk.size(); ++i) junk[i] = static_cast<char>((i * 131) % 251);
  { std::ofstream(path, std::ios::binary) << junk; }
  auto s = open_sqlite_store(path);
  REQUIRE_FALSE(s);
  CHECK(s.err().code == errc::corrupt);
  CHECK(file_bytes(path) == junk);

  auto other = d.path / "other.db";
  raw_exec(other, "CREATE TABLE t(x); INSERT INTO t VALUES(1)");
  auto o = open_sqlite_store(other);
  REQUIRE_FALSE(o);
  CHECK(o.err().code == errc::corrupt);

  // A real pbgdpl database whose pages were overwritten: integrity_check says so.
  auto good = d.path / "good.db";
  {
    auto g = open_ok(good);
    for (int i = 0; i < 200; ++i) REQUIRE(g->create(make_article("Bài " + std::to_string(i), std::string(500, 'a')), "x"));
  }
  {
    std::fstream f(good, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(4096 * 3);
    std::string garbage(4096 * 4, '\x5a');
    f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  auto g = open_sqlite_store(good);
  if (g) {
    auto ic = (*g)->integrity_check();
    REQUIRE_FALSE(ic);
    CHECK(ic.err().code == errc::corrupt);
  } else {
    CHECK(g.err().code == errc::corrupt);
  }
}

TEST_CASE("a read-only directory is reported as read_only") {
  temp_dir d;
  auto dir = d.path / "ro";
  std::filesystem::create_directories(dir);
  ::chmod(dir.c_str(), 0555);
  // Root ignores permissions, so the check runs in a child that gives them up first.
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) ::_exit(90);
    auto s = open_sqlite_store(dir / "pbgdpl.db");
    ::_exit(s ? 91 : static_cast<int>(s.err().code));
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::chmod(dir.c_str(), 0755);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == static_cast<int>(errc::read_only));
  CHECK_FALSE(std::filesystem::exists(dir / "pbgdpl.db"));
}

TEST_CASE("a full disk is storage_full and what was stored stays intact") {
  temp_dir d;
  auto path = d.path / "full.db";
  std::vector<std::string> ids;
  {
    auto s = open_ok(path);
    for (int i = 0; i < 5; ++i) ids.push_back(s->create(make_article("Trước " + std::to_string(i), "x"), "x")->id.value);
  }
  sqlite_options o;
  o.max_page_count = 80;  // a few pages more than the database has: the "disk" fills soon
  auto s = open_ok(path, o);
  error last;
  int written = 0;
  for (int i = 0; i < 1000; ++i) {
    auto r = s->create(make_article("Bài dài " + std::to_string(i), std::string(3000, 'b') + " kế hoạch"), "x");
    if (!r) {
      last = r.err();
      break;
    }
    ++written;
  }
  CHECK(last.code == errc::storage_full);
  CHECK(written < 1000);
  for (auto& id : ids) CHECK(s->get<article>(id));
  CHECK(s->list<article>(big_page()).value().items.size() == static_cast<std::size_t>(5 + written));
  CHECK(s->integrity_check());
  CHECK(s->audit_log({}, {}, 2000).value().size() == static_cast<std::size_t>(5 + written));
}

TEST_CASE("two writers updating one record: one wins, the other gets a conflict") {
  temp_dir d;
  auto path = d.path / "two.db";
  auto a = open_ok(path), b = open_ok(path);
  auto created = a->create(make_article("Gốc", "x"), "x").value();
  auto fa = a->get<article>(created.id.value).value();
  auto fb = b->get<article>(created.id.value).value();
  fa.title = "Người A";
  fb.title = "Người B";
  REQUIRE(a->update(fa, "a"));
  auto rb = b->update(fb, "b");
  REQUIRE_FALSE(rb);
  CHECK(rb.err().code == errc::conflict);
  CHECK(b->get<article>(created.id.value)->title == "Người A");
}

TEST_CASE("concurrent read-modify-write loops lose no update") {
  temp_dir d;
  auto path = d.path / "race.db";
  auto seed = open_ok(path)->create(make_article("Đếm", "0"), "x").value();
  constexpr int per_thread = 25;
  std::atomic<int> conflicts{0};
  auto worker = [&](std::string who) {
    auto s = open_ok(path);
    for (int done = 0; done < per_thread;) {
      auto cur = s->get<article>(seed.id.value).value();
      cur.body_markdown = std::to_string(std::stoi(cur.body_markdown) + 1);
      auto r = s->update(cur, who);
      if (r) ++done;
      else if (r.err().code == errc::conflict || r.err().code == errc::busy) ++conflicts;
      else FAIL(r.err().describe());
    }
  };
  std::thread t1(worker, "a"), t2(worker, "b");
  t1.join();
  t2.join();
  auto s = open_ok(path);
  auto final = s->get<article>(seed.id.value).value();
  CHECK(final.body_markdown == std::to_string(2 * per_thread));
  CHECK(final.version == 1 + 2 * per_thread);
  MESSAGE("conflicts retried: " << conflicts.load());
}

namespace {
// A connection's durability settings as SQLite reports them: "synchronous=<0-3> journal=<mode>".
std::string durability(sqlite3* db) {
  auto ask = [&](const char* sql) {
    sqlite3_stmt* st = nullptr;
    std::string v = "?";
    if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
      v = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return v;
  };
  return "synchronous=" + ask("PRAGMA synchronous") + " journal=" + ask("PRAGMA journal_mode");
}
}  // namespace

// What makes an acknowledged write survive power loss is WAL with synchronous=FULL (2): the
// commit fsyncs the WAL. A process kill alone cannot show it (with synchronous=OFF the data
// still sits in the page cache and survives), so the test also asserts the settings directly,
// on the connection that wrote and on the file.
TEST_CASE("after SIGKILL mid-stream every acknowledged write is there and the file is sound") {
  temp_dir d;
  auto path = d.path / "crash.db";
  { auto s = open_ok(path); }
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    auto s = open_sqlite_store(path);
    if (!s) ::_exit(2);
    std::string settings = durability((*s)->handle()) + "\n";  // the writer's own connection
    if (::write(fds[1], settings.data(), settings.size()) < 0) ::_exit(4);
    for (int i = 0;; ++i) {
      auto a = make_article("Ghi " + std::to_string(i), std::string(2000, 'c') + " pháp luật");
      a.id = article_id{"w" + std::to_string(i)};
      if (!(*s)->create(a, "writer")) ::_exit(3);
      std::string line = a.id.value + "\n";  // acknowledged only after the commit returned
      if (::write(fds[1], line.data(), line.size()) < 0) ::_exit(4);
    }
  }
  ::close(fds[1]);
  std::vector<std::string> lines;
  std::string buf;
  char chunk[256];
  while (lines.size() < 151) {
    auto n = ::read(fds[0], chunk, sizeof chunk);
    if (n <= 0) break;
    buf.append(chunk, static_cast<std::size_t>(n));
    std::size_t nl;
    while ((nl = buf.find('\n')) != std::string::npos) {
      lines.push_back(buf.substr(0, nl));
      buf.erase(0, nl + 1);
    }
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(fds[0]);
  REQUIRE(lines.size() >= 151);
  CHECK(lines.front() == "synchronous=2 journal=wal");
  std::vector<std::string> acked(lines.begin() + 1, lines.end());
  CHECK(WIFSIGNALED(status));
  auto s = open_ok(path);
  CHECK(durability(s->handle()) == "synchronous=2 journal=wal");
  // WAL is a property of the file: a plain connection that sets nothing finds it too.
  sqlite3* plain = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &plain, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  CHECK(durability(plain).find("journal=wal") != std::string::npos);
  sqlite3_close(plain);
  CHECK(s->integrity_check());
  for (auto& id : acked) CHECK_MESSAGE(s->get<article>(id).has_value(), id);
  CHECK(s->search(sr("phap luat")).value().items.size() > 0);
}

TEST_CASE("synchronous=NORMAL is used only when asked for") {
  temp_dir d;
  sqlite_options o;
  o.synchronous_full = false;
  auto s = open_ok(d.path / "fast.db", o);
  CHECK(durability(s->handle()) == "synchronous=1 journal=wal");
}

TEST_CASE("an online backup is a complete, sound copy") {
  temp_dir d;
  auto s = open_ok(d.path / "live.db");
  for (int i = 0; i < 20; ++i) REQUIRE(s->create(make_article("Sao lưu " + std::to_string(i), "Đào tạo"), "x"));
  REQUIRE(s->backup_to(d.path / "copy.db"));
  REQUIRE(s->create(make_article("Sau sao lưu", "x"), "x"));
  auto c = open_ok(d.path / "copy.db");
  CHECK(c->integrity_check());
  CHECK(c->list<article>(big_page()).value().items.size() == 20);
  
  CHECK(c->search(sr("dao tao")).value().items.size() == 20);
}

TEST_CASE("the audit log cannot be rewritten through SQL") {
  temp_dir d;
  auto path = d.path / "audit.db";
  {
    auto s = open_ok(path);
    REQUIRE(s->create(make_article("Một", "x"), "x"));
  }
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  CHECK(sqlite3_exec(db, "DELETE FROM audit_log", nullptr, nullptr, nullptr) != SQLITE_OK);
  CHECK(sqlite3_exec(db, "UPDATE audit_log SET actor = 'mallory'", nullptr, nullptr, nullptr) != SQLITE_OK);
  sqlite3_close(db);
  CHECK(open_ok(path)->audit_log().value().front().actor == "x");
}

TEST_CASE("a version-2 database gains the title index on upgrade and finds old titles through it") {
  temp_dir d;
  auto path = d.path / "v2.db";
  {
    sqlite_options o;
    o.schema_version = 2;
    auto s = open_ok(path, o);
    REQUIRE(s->schema_version() == 2);
    // Version 2 wrote only the main index; its search must still work on the old schema.
    for (int i = 0; i < 30; ++i)
      REQUIRE(s->create(make_article("Tin " + std::to_string(i), "Hòa giải ở cơ sở, tin " + std::to_string(i)), "x"));
    REQUIRE(s->create(make_article("Hướng dẫn hòa giải viên", "Nội dung."), "x"));
    CHECK(s->search(sr("huong dan hoa giai vien")).value().items.size() == 1);
  }
  auto s = open_ok(path);
  CHECK(s->schema_version() == sqlite_detail::current_schema);
  CHECK(s->integrity_check());
  auto r = s->search(sr("huong dan hoa giai vien")).value();
  REQUIRE_FALSE(r.items.empty());
  CHECK(r.items[0].title == "Hướng dẫn hòa giải viên");
  // An update after the upgrade replaces the old title in both indexes.
  auto a = s->get<article>(r.items[0].id).value();
  a.title = "Tài liệu mới";
  REQUIRE(s->update(a, "x"));
  CHECK(s->search(sr("huong dan hoa giai vien")).value().items.empty());
  CHECK(s->search(sr("tai lieu moi")).value().items.size() == 1);
  CHECK(s->integrity_check());
}

TEST_CASE("updates, archiving and removal keep the title index in step with the main index") {
  temp_dir d;
  auto s = open_ok(d.path / "idx.db");
  auto a = s->create(make_article("Kế hoạch tuyên truyền", "Nội dung kế hoạch."), "x").value();
  auto b = s->create(make_article("Ngày pháp luật", "Hưởng ứng ngày pháp luật."), "x").value();
  a.title = "Kế hoạch hòa giải";
  a = s->update(a, "x").value();
  CHECK(s->search(sr("tuyen truyen")).value().items.empty());
  CHECK(s->search(sr("\"ke hoach hoa giai\"")).value().items.size() == 1);
  REQUIRE(s->archive<article>(a.id.value, a.version, "x"));
  CHECK(s->search(sr("hoa giai")).value().items.empty());
  CHECK(s->integrity_check());
  REQUIRE(s->remove<article>(a.id.value, 0, "x"));  // archived: in neither index, nothing to take out
  REQUIRE(s->remove<article>(b.id.value, b.version, "x"));
  CHECK(s->search(sr("phap luat")).value().items.empty());
  CHECK(s->integrity_check());
  REQUIRE(s->create(make_article("Ngày pháp luật", "Lần hai."), "x"));
  CHECK(s->search(sr("ngay phap luat")).value().items.size() == 1);
  CHECK(s->integrity_check());
}

TEST_CASE("optimize merges the search indexes without changing any result") {
  temp_dir d;
  auto s = open_ok(d.path / "opt.db");
  for (int i = 0; i < 60; ++i)
    REQUIRE(s->create(make_article("Bài " + std::to_string(i) + (i % 3 ? " giáo dục" : " pháp luật"),
                                   "Phổ biến, giáo dục pháp luật lần " + std::to_string(i)), "x"));
  auto ids = [&](const char* q) {
    std::vector<std::string> v;
    auto r = s->search(sr(q, {}, 100));
    REQUIRE(r.has_value());
    for (const auto& h : r->items) v.push_back(h.id);
    return v;
  };
  auto before1 = ids("giao duc"), before2 = ids("\"pháp luật\""), before3 = ids("bai 4*");
  REQUIRE(before1.size() == 60);
  REQUIRE(s->optimize());
  CHECK(ids("giao duc") == before1);
  CHECK(ids("\"pháp luật\"") == before2);
  CHECK(ids("bai 4*") == before3);
  CHECK(s->integrity_check());
}

namespace {
// Every id a search returns, all pages, sorted.
std::vector<std::string> all_ids(sqlite_store& s, const std::string& q) {
  std::vector<std::string> v;
  std::string cursor;
  do {
    auto r = s.search(sr(q, {}, 100, cursor));
    REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.err().describe()));
    for (const auto& h : r->items) v.push_back(h.id);
    cursor = r->next_cursor;
  } while (!cursor.empty());
  std::sort(v.begin(), v.end());
  return v;
}
// Every id a search returns in its order, pages of 7 (the ranking is asked for deeper each page).
std::vector<std::string> ranked_ids(sqlite_store& s, const std::string& q) {
  std::vector<std::string> v;
  std::string cursor;
  do {
    auto r = s.search(sr(q, {}, 7, cursor));
    REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.err().describe()));
    for (const auto& h : r->items) v.push_back(h.id);
    cursor = r->next_cursor;
  } while (!cursor.empty() && v.size() < 60);
  return v;
}
}  // namespace

TEST_CASE("the impact lists find exactly the rows and order scoring every match finds, whatever their length") {
  // Each list length writes its own file (the lists are built as rows are written); a second store
  // on that file scores every match. Lists of 500 hold every row of this corpus (complete: no
  // bound needed); lists of 20 and 2 leave rows out, so the bounds decide, prove or fall back.
  // Same rows in the same order, page after page, for every query, before and after rewrites.
  for (std::size_t m : {std::size_t{500}, std::size_t{20}, std::size_t{2}}) {
    CAPTURE(m);
    temp_dir d;
    sqlite_options lists;
    lists.impact_list_size = m;
    lists.rare_word_rows = 0;  // every query through the lists, however few rows its words are in
    // Forced down the slow paths on purpose (lists of 2, every match scored): a roomy time limit,
    // as this case is about rows and order (29 s in all at -O0 under ASan on the quiet machine;
    // the limit has its own case below).
    lists.search_time_limit_ms = 600'000;
    auto fast = open_ok(d.path / "rows.db", lists);
    for (int i = 0; i < 400; ++i) {
      std::string title = "Bài " + std::to_string(i) + (i % 7 == 0 ? " hòa giải" : "") + (i % 2 ? " giáo dục" : "");
      std::string body = std::string(i % 10 ? "Phổ biến pháp luật" : "Phổ biến") + (i % 13 == 0 ? ", hoa giai vien" : "") +
                         (i % 3 == 0 ? " cho học sinh." : ".") + std::string(i % 11 == 0 ? " Pháp luật, pháp luật." : "");
      REQUIRE(fast->create(make_article(title, body), "x"));
    }
    sqlite_options walk_all;
    walk_all.exhaustive_search = true;
    walk_all.search_time_limit_ms = lists.search_time_limit_ms;
    auto slow = open_ok(d.path / "rows.db", walk_all);
    int proven = 0;
    auto same = [&](const std::string& q) {
      CAPTURE(q);
      CHECK(all_ids(*fast, q) == all_ids(*slow, q));
      auto order = ranked_ids(*slow, q);
      CHECK(ranked_ids(*fast, q) == order);
      REQUIRE(fast->search(sr(q, {}, 20)));
      proven += fast->last_search_stats().exhaustive ? 0 : 1;
    };
    for (std::string q : {"hoa giai phap luat", "hòa giải pháp luậ*", "\"phap luat\" hoa giai", "hoa giai giao duc phap luat",
                          "hoa giai hoc sinh pho bien", "giao duc phap luat", "bai 1* giao duc", "\"hoa giai vien\" pho bien",
                          "hoa giai khong co", "phap luat", "pháp luật", "giáo dục"})
      same(q);
    CHECK(all_ids(*fast, "hoa giai phap luat").size() > 30);
    CHECK(all_ids(*fast, "hoa giai khong co").empty());
    CHECK(proven > 0);  // the lists, not only the fallback, answered some

    // Rewrites and removals take rows out of their lists: the strongest rows of "hoa giai" lose
    // the words or go, weak ones gain them, and the stores still agree.
    std::vector<article> all;
    for (const auto& id : all_ids(*slow, "bai")) all.push_back(fast->get<article>(id).value());
    for (std::size_t i = 0; i < all.size(); i += 3) {
      auto a = all[i];
      if (i % 2) {
        REQUIRE(fast->remove<article>(a.id.value, a.version, "x"));
        continue;
      }
      a.body_markdown = i % 4 ? "Hòa giải hòa giải hòa giải pháp luật." : "Không còn gì.";
      REQUIRE(fast->update(a, "x"));
    }
    for (std::string q : {"hoa giai phap luat", "hòa giải", "phap luat", "hoa giai giao duc phap luat", "khong con"}) same(q);
  }
}

TEST_CASE("search follows writes from this store, from another connection and rolled-back transactions") {
  temp_dir d;
  auto a = open_ok(d.path / "follow.db");
  for (int i = 0; i < 40; ++i) REQUIRE(a->create(make_article("Tin " + std::to_string(i), "Phổ biến pháp luật."), "x"));
  auto h1 = a->create(make_article("Buổi hòa giải", "Hòa giải viên nói về pháp luật."), "x").value();
  REQUIRE(a->create(make_article("Hòa giải ở cơ sở", "Không nhắc đến luật nào."), "x"));
  const std::string q = "hoa giai phap luat";
  REQUIRE(all_ids(*a, q).size() == 1);  // builds the row sets of "phap" and "luat"

  auto h2 = a->create(make_article("Hòa giải và pháp luật", "Lần hai."), "x").value();
  CHECK(all_ids(*a, q).size() == 2);
  h1.body_markdown = "Hòa giải viên nói về đạo đức.";
  h1.title = "Buổi hòa giải";
  REQUIRE(a->update(h1, "x"));
  CHECK(all_ids(*a, q) == std::vector<std::string>{h2.id.value});

  auto b = open_ok(d.path / "follow.db");  // another connection writes
  auto h3 = b->create(make_article("Hòa giải cơ sở", "Pháp luật về hòa giải."), "x").value();
  CHECK(all_ids(*a, q).size() == 2);

  auto rolled = a->transaction([&]() -> result<void> {
    auto r = a->create(make_article("Hòa giải tạm", "Pháp luật tạm thời."), "x");
    if (!r) return r.err();
    auto inside = a->search(sr(q, {}, 100));
    if (!inside || inside->items.size() != 3) return error(errc::internal, {}, "thấy sai", "wrong view inside the transaction");
    return error(errc::conflict, {}, "huỷ", "roll back");
  });
  REQUIRE_FALSE(rolled);
  CHECK(rolled.err().code == errc::conflict);  // not the "wrong view" error
  auto after = all_ids(*a, q);
  CHECK(after.size() == 2);
  CHECK(std::find(after.begin(), after.end(), h3.id.value) != after.end());
}

TEST_CASE("a new database and its WAL are owner-only (0600): they hold askers' contact details") {
  temp_dir d;
  auto path = d.path / "pbgdpl.db";
  auto old_mask = ::umask(022);
  {
    auto s = open_ok(path);
    REQUIRE(s->create(make_article("Có WAL", "x"), "x"));
    for (const auto& p : {path, std::filesystem::path(path.string() + "-wal")}) {
      struct stat st {};
      REQUIRE(::stat(p.c_str(), &st) == 0);
      CAPTURE(p.string());
      CHECK((st.st_mode & 0777) == 0600);
    }
  }
  ::umask(old_mask);
}

TEST_CASE("a backup is owner-only (0600) like the database, and a dangling link is refused, not followed") {
  temp_dir d;
  auto old_mask = ::umask(022);
  auto s = open_ok(d.path / "pbgdpl.db");
  REQUIRE(s->create(make_article("Sao lưu riêng", "x"), "x"));
  REQUIRE(s->backup_to(d.path / "copy.db"));
  struct stat st {};
  REQUIRE(::stat((d.path / "copy.db").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  std::filesystem::create_symlink(d.path / "elsewhere.db", d.path / "link.db");
  auto b = s->backup_to(d.path / "link.db");
  REQUIRE_FALSE(b);
  CHECK(b.err().code == errc::unsafe_path);
  CHECK_FALSE(std::filesystem::exists(d.path / "elsewhere.db"));
  std::filesystem::create_symlink(d.path / "elsewhere2.db", d.path / "link2.db");
  auto o = open_sqlite_store(d.path / "link2.db");
  REQUIRE_FALSE(o);
  CHECK(o.err().code == errc::unsafe_path);
  CHECK_FALSE(std::filesystem::exists(d.path / "elsewhere2.db"));
  ::umask(old_mask);
}

TEST_CASE("legal documents stored before they had a state read as published after the upgrade") {
  temp_dir d;
  auto path = d.path / "pbgdpl.db";
  {
    sqlite_options o;
    o.schema_version = 3;
    auto s = open_ok(path, o);
    REQUIRE(s->create(make_document("kh-19", "19/KH-PGDĐT", "KH", 2023, 3, 22), "x"));
    // What version 3 wrote: no state column value for documents.
    raw_exec(path, "UPDATE entities SET state = '' WHERE kind = 'legal_document'");
  }
  auto s = open_ok(path);
  pbgdpl::store::list_query q;
  q.where.state = "published";
  CHECK(s->list<legal_document>(q).value().items.size() == 1);
}

TEST_CASE("a row whose JSON was damaged on disk is a clear error from get, list and search, not a crash") {
  temp_dir d;
  auto path = d.path / "damaged.db";
  std::string id;
  {
    auto s = open_ok(path);
    REQUIRE(s->create(make_article("Bài lành", "Hòa giải ở cơ sở."), "x"));
    id = s->create(make_article("Bài sẽ hỏng", "Hòa giải viên."), "x")->id.value;
  }
  raw_exec(path, "UPDATE entities SET body = substr(body, 1, 40) WHERE id = '" + id + "'");
  auto s = open_ok(path);
  auto got = s->get<article>(id);
  REQUIRE_FALSE(got);
  CHECK(got.err().code == errc::corrupt);
  CHECK(got.err().message_vi.find("article/" + id) != std::string::npos);
  CHECK(got.err().message_en.find("cannot be read") != std::string::npos);
  CHECK(s->list<article>().err().code == errc::corrupt);
  auto found = s->search(sr("hoa giai"));
  REQUIRE_FALSE(found);
  CHECK(found.err().code == errc::corrupt);
  // The sound record is untouched.
  CHECK(s->search(sr("\"bai lanh\"")).value().items.size() == 1);
}

TEST_CASE("a stored value today's validator refuses still reads back from the file") {
  temp_dir d;
  auto path = d.path / "old-rules.db";
  std::string id;
  {
    auto s = open_ok(path);
    id = s->create(make_article("Tiêu đề", "Nội dung"), "x")->id.value;
  }
  // An older version stored an empty title; reading it must not depend on today's rules.
  raw_exec(path, "UPDATE entities SET body = json_set(body, '$.title', '') WHERE id = '" + id + "'");
  auto s = open_ok(path);
  auto a = s->get<article>(id);
  REQUIRE_MESSAGE(a.has_value(), (a ? "" : a.err().describe()));
  CHECK(a->title.empty());
  CHECK_FALSE(check(*a));
  // Writing it back goes through validation as every write does.
  CHECK(s->update(*a, "x").err().code != errc::ok);
}

TEST_CASE("upgrading a version-1 database leaves archived records out of the search index") {
  temp_dir d;
  auto path = d.path / "v1-archived.db";
  {
    sqlite_options o;
    o.schema_version = 1;
    auto s = open_ok(path, o);
  }
  auto insert = [&](const std::string& id, const std::string& title, int archived) {
    auto a = make_article(title, "Nội dung về hòa giải");
    a.id = article_id{id};
    a.version = 1;
    if (archived) a.state = article_state::archived;
    auto body = to_json_value(a).dump();
    std::string sql = "INSERT INTO entities(kind, id, version, body, unit, state, sort_key, archived) VALUES('article', '" + id + "', 1, '";
    for (char c : body) sql += c == '\'' ? std::string("''") : std::string(1, c);
    sql += "', 'th-van-yen', '" + std::string(to_string(a.state)) + "', '2023-03-22T01:00:00Z', " + std::to_string(archived) + ")";
    raw_exec(path, sql);
  };
  insert("con-hien", "Hòa giải còn hiện", 0);
  insert("da-luu-tru", "Hòa giải đã lưu trữ", 1);
  auto s = open_ok(path);
  auto r = s->search(sr("hoa giai")).value();
  REQUIRE(r.items.size() == 1);
  CHECK(r.items[0].id == "con-hien");
  CHECK(s->integrity_check());
  CHECK(s->get<article>("da-luu-tru").has_value());
}

TEST_CASE("a query the impact lists cannot prove scores at most max_scored_matches rows and says its page is approximate") {
  temp_dir d;
  sqlite_options small;
  small.impact_list_size = 2;  // lists are built as rows are written: these prove nothing here
  small.rare_word_rows = 0;
  auto s = open_ok(d.path / "cap.db", small);
  for (int i = 0; i < 300; ++i)
    REQUIRE(s->create(make_article("Tin " + std::to_string(i), std::string("Phổ biến pháp luật") + (i % 5 ? " cho học sinh." : ".")), "x"));
  sqlite_options capped;
  capped.max_scored_matches = 50;
  capped.rare_word_rows = 0;  // 300 rows: every word is "rare" here
  auto c = open_ok(d.path / "cap.db", capped);
  sqlite_options uncapped = capped;
  uncapped.max_scored_matches = 1000;
  auto u = open_ok(d.path / "cap.db", uncapped);
  sqlite_options every;
  every.exhaustive_search = true;
  auto e = open_ok(d.path / "cap.db", every);
  const std::string q = "\"pho bien phap luat\"";
  auto capped_page = c->search(sr(q, {}, 20));
  REQUIRE(capped_page);
  auto st = c->last_search_stats();
  CAPTURE(st.exhaustive);
  CAPTURE(st.scored);
  CAPTURE(st.candidates);
  CHECK(capped_page->approximate);
  CHECK(c->last_search_stats().scored <= 50 + 64);  // the cap, and at most one batch of list rows
  auto full = u->search(sr(q, {}, 20));
  REQUIRE(full);
  CHECK_FALSE(full->approximate);
  CHECK(ranked_ids(*u, q) == ranked_ids(*e, q));
  CHECK_FALSE(e->search(sr(q, {}, 20))->approximate);
}

TEST_CASE("a schema 6 file is indexed anew by migration 7: one tone placement, impact lists, no title index") {
  temp_dir d;
  auto path = d.path / "six.db";
  std::string old_id;
  {
    sqlite_options o;
    o.schema_version = 6;
    auto s = open_ok(path, o);
    // Typed with the mark on the first vowel, which schema 6 indexed as its own exact form.
    old_id = s->create(make_article("Hòa giải ở cơ sở", "Hòa giải viên."), "x")->id.value;
    for (int i = 0; i < 30; ++i) REQUIRE(s->create(make_article("Tin " + std::to_string(i) + " hoa giai o co so", "Hoa giai vien."), "x"));
    // What a schema 6 build wrote for it: the exact forms as typed (this build's tokenizer moves
    // the mark, so the old forms are written here by hand).
    std::string sql = "UPDATE entities SET title_key = 'hòa giải ở cơ sở' WHERE id = '" + old_id +
                      "'; UPDATE search_fts SET title_e = 'hòa giải ở cơ sở', body_e = 'hòa giải viên' WHERE rowid = "
                      "(SELECT seq FROM entities WHERE id = '" + old_id + "');";
    REQUIRE(sqlite3_exec(s->handle(), sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
    auto r = s->search(sr("Hoà giải ở cơ sở", {}, 5));
    REQUIRE(r);
    REQUIRE_FALSE(r->items.empty());
    CHECK(r->items[0].score < pbgdpl::store::boost_title_exact);  // not an exact title any more
  }
  auto s = open_ok(path);
  CHECK(s->integrity_check());
  // The record is found as an exact match of either placement, above the newer records with the
  // same words unmarked (before the new index, it only matched folded and came last of the ties).
  for (std::string q : {"hòa giải", "hoà giải"}) {
    CAPTURE(q);
    auto r = s->search(sr(q, {}, 5));
    REQUIRE(r);
    REQUIRE(r->items.size() == 5);
    CHECK(r->items[0].id == old_id);
  }
  // Its title key is the new one: the whole title, typed with either placement, is an exact title.
  for (std::string q : {"Hoà giải ở cơ sở", "Hòa giải ở cơ sở"}) {
    CAPTURE(q);
    auto r = s->search(sr(q, {}, 5));
    REQUIRE(r);
    REQUIRE_FALSE(r->items.empty());
    CHECK(r->items[0].id == old_id);
    CHECK(r->items[0].score >= pbgdpl::store::boost_title_exact);
  }
  auto title = sqlite3_exec(s->handle(), "SELECT 1 FROM title_fts", nullptr, nullptr, nullptr);
  CHECK(title != SQLITE_OK);  // gone
}

TEST_CASE("a search still running at search_time_limit_ms is stopped and refused as too broad, in both languages") {
  temp_dir d;
  sqlite_options o;
  o.search_time_limit_ms = 1;
  o.exhaustive_search = true;  // every match scored: 3,000 rows take longer than 1 ms
  auto s = open_ok(d.path / "slow.db", o);
  REQUIRE(s->transaction([&]() -> result<void> {
    for (int i = 0; i < 3000; ++i)
      if (auto r = s->create(make_article("Tin " + std::to_string(i) + " pháp luật", "Phổ biến giáo dục pháp luật cho học sinh."), "x"); !r)
        return r.err();
    return {};
  }));
  auto r = s->search(sr("pháp luật giáo dục học sinh", {}, 20));
  REQUIRE_FALSE(r);
  CHECK(r.err().code == errc::invalid_argument);
  CHECK(r.err().message_vi.find("quá rộng") != std::string::npos);
  CHECK(r.err().message_en.find("too broad") != std::string::npos);
  // The store is usable after it: reads, writes and searches with time to spare.
  CHECK(s->create(make_article("Sau", "Pháp luật."), "x"));
  sqlite_options roomy = o;
  roomy.search_time_limit_ms = 60000;
  auto t = open_ok(d.path / "slow.db", roomy);
  auto ok = t->search(sr("pháp luật giáo dục học sinh", {}, 20));
  REQUIRE(ok);
  CHECK(ok->items.size() == 20);
}

namespace {
// A child process searching an SQLite file back to back while this one stops it (SIGSTOP), as a
// starved machine holds a thread off the CPU: what a time limit does to the searches it stops.
struct starved_searcher {
  temp_dir d;
  std::filesystem::path path = d.path / "starved.db";
  std::string q = "pháp luật giáo dục học sinh";
  sqlite_options o;
  std::chrono::milliseconds limit{0};
  pid_t child = -1;
  int done = -1;

  starved_searcher() {
    {
      auto s = open_ok(path);
      REQUIRE(s->transaction([&]() -> result<void> {
        for (int i = 0; i < 500; ++i)
          if (auto r = s->create(make_article("Tin " + std::to_string(i) + " pháp luật", "Phổ biến giáo dục pháp luật cho học sinh."), "x"); !r)
            return r.err();
        return {};
      }));
    }
    o.exhaustive_search = true;  // every match scored: the same work each time
    o.search_time_limit_ms = 600'000;
    std::chrono::nanoseconds cost{0};
    auto s = open_ok(path, o);
    REQUIRE(s->search(sr(q, {}, 20)));
    for (int i = 0; i < 3; ++i) {
      auto c0 = pbgdpl::thread_cpu_time();
      REQUIRE(s->search(sr(q, {}, 20)));
      cost = std::max(cost, pbgdpl::thread_cpu_time() - c0);
    }
    // The limit: four times what a search costs, at least 200 ms (the ceiling, ten times that,
    // then leaves a loaded machine over a second of its own delays beyond the test's stops).
    limit = std::max(std::chrono::duration_cast<std::chrono::milliseconds>(cost * 4), std::chrono::milliseconds(200));
    o.search_time_limit_ms = static_cast<int>(limit.count());
  }
  // The child searches until `done` closes or a search is refused: exit 0 if none was, 1 if one
  // was. Returns once its store is open.
  void start() {
    int ready[2], stop[2];
    REQUIRE(::pipe(ready) == 0);
    REQUIRE(::pipe(stop) == 0);
    child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      ::close(ready[0]);
      ::close(stop[1]);
      auto s = open_sqlite_store(path, o);
      if (!s) ::_exit(3);
      char c = 'r';
      if (::write(ready[1], &c, 1) != 1) ::_exit(4);
      int searches = 0;
      for (;;) {
        pollfd p{stop[0], POLLIN, 0};
        if (::poll(&p, 1, 0) > 0) break;
        if (!(*s)->search(sr(q, {}, 20))) ::_exit(1);
        ++searches;
      }
      ::_exit(searches > 3 ? 0 : 2);
    }
    ::close(ready[1]);
    ::close(stop[0]);
    done = stop[1];
    char c = 0;
    REQUIRE(::read(ready[0], &c, 1) == 1);
    ::close(ready[0]);
  }
  // Stops the child for `held` after letting it run half a limit; false once it has exited.
  bool hold(std::chrono::milliseconds held) {
    std::this_thread::sleep_for(limit / 2);
    if (::kill(child, SIGSTOP) != 0) return false;
    std::this_thread::sleep_for(held);
    ::kill(child, SIGCONT);
    std::this_thread::sleep_for(limit);
    int status = 0;
    return ::waitpid(child, &status, WNOHANG) == 0 || (exited = status, false);
  }
  int exited = -1;
  int finish() {
    ::close(done);
    int status = exited;
    if (status == -1) REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    return WEXITSTATUS(status);
  }
};
}  // namespace

TEST_CASE("a search whose thread is held off the CPU is not refused: the limit counts its CPU time") {
  // A starved machine (a backup on the school's server, a loaded CI runner) stretches a search's
  // wall time, not its work. Stopped three times for three times the limit: a wall-clock limit
  // refused the searches it stopped (this case failed so); the CPU-time limit refuses none.
  starved_searcher t;
  CAPTURE(t.limit.count());
  t.start();
  for (int i = 0; i < 3 && t.hold(t.limit * 3); ++i) {
  }
  auto code = t.finish();
  CHECK_MESSAGE(code == 0, "child exit " << code << " (1: a stopped search was refused)");
}

// The wall-clock ceiling (ten times the limit) has no test here: a stop lands inside the part of
// a search the limit watches (the ranking) only part of the time (after it come the page's
// records and snippets), so "held twelve times the limit three times, one search is refused"
// failed in one of three full runs (under the sanitizers, loaded). It wants a hook in the ranking.

namespace {
// The top `limit` ids and scores of a fast store and of the same file scored exhaustively.
void same_top(sqlite_store& fast, const std::filesystem::path& path, const std::string& q, std::size_t limit = 5) {
  sqlite_options every;
  every.exhaustive_search = true;
  auto slow = open_ok(path, every);
  auto a = fast.search(sr(q, {}, limit));
  auto b = slow->search(sr(q, {}, limit));
  REQUIRE(a);
  REQUIRE(b);
  CAPTURE(q);
  CHECK_FALSE(a->approximate);
  REQUIRE(a->items.size() == b->items.size());
  for (std::size_t i = 0; i < a->items.size(); ++i) {
    CAPTURE(i);
    CHECK(a->items[i].id == b->items[i].id);
    CHECK(a->items[i].score == doctest::Approx(b->items[i].score).epsilon(1e-9));
  }
}
}  // namespace

TEST_CASE("a nested transaction that fails leaves no trace in the impact lists (red team, issue 12)") {
  temp_dir d;
  sqlite_options o;
  o.impact_list_size = 5;
  o.rare_word_rows = 0;
  auto s = open_ok(d.path / "nested.db", o);
  for (int i = 0; i < 60; ++i)
    REQUIRE(s->create(make_article("Tin " + std::to_string(i), i % 2 ? "Hòa giải ở cơ sở, tuần " + std::to_string(i) : "Phổ biến pháp luật."), "x"));
  auto x = s->create(make_article("Tin khác", "Không có gì."), "x").value();
  REQUIRE(s->transaction([&]() -> result<void> {
    REQUIRE(s->create(make_article("Tin thêm", "Một tin nữa."), "x"));
    auto inner = s->transaction([&]() -> result<void> {
      auto y = x;
      y.title = "Hòa giải hòa giải hòa giải";
      y.body_markdown = "Hòa giải hòa giải hòa giải hòa giải.";
      if (auto u = s->update(y, "x"); !u) return u.err();
      return error(errc::conflict, {}, "thôi", "give up");
    });
    CHECK_FALSE(inner);
    // The same, with a search inside the savepoint (it writes the lists there).
    auto searched = s->transaction([&]() -> result<void> {
      auto y = x;
      y.title = "Hòa giải hòa giải";
      y.body_markdown = "Hòa giải.";
      if (auto u = s->update(y, "x"); !u) return u.err();
      (void)s->search(sr("hòa giải", {}, 3));
      return error(errc::conflict, {}, "thôi", "give up");
    });
    CHECK_FALSE(searched);
    return {};
  }));
  CHECK(s->integrity_check());
  for (std::string q : {"hòa giải", "hoa giai", "hòa", "giải tin"}) same_top(*s, d.path / "nested.db", q);
}

TEST_CASE("rows whose tokens FTS5 splits (Khmer beside Vietnamese) stay findable past the list length (red team, issue 12)") {
  temp_dir d;
  sqlite_options o;
  o.impact_list_size = 5;
  o.rare_word_rows = 0;
  auto s = open_ok(d.path / "khmer.db", o);
  for (int i = 0; i < 40; ++i) REQUIRE(s->create(make_article("Tin " + std::to_string(i), "Giáo dục pháp luật cho học sinh."), "x"));
  // The best match first: the newer bilingual rows would push it out of a list cut at 5.
  auto best = s->create(make_article("Giáo dục giáo dục", "Giáo dục, giáo dục: សាលារៀន."), "x").value();
  for (int i = 0; i < 12; ++i)
    REQUIRE(s->create(make_article("Bản tin សាលារៀន " + std::to_string(i), "Bản tin song ngữ សាលារៀន, giáo dục."), "x"));
  auto r = s->search(sr("giáo dục", {}, 5)).value();
  REQUIRE_FALSE(r.items.empty());
  CHECK(r.items[0].id == best.id.value);
  same_top(*s, d.path / "khmer.db", "giáo dục");
}

TEST_CASE("equal scores: the newer rows come first, through the lists as when every match is scored (red team, issue 12)") {
  temp_dir d;
  sqlite_options o;
  o.impact_list_size = 5;
  o.rare_word_rows = 0;
  auto s = open_ok(d.path / "ties.db", o);
  for (int i = 0; i < 30; ++i) REQUIRE(s->create(make_article("Thông báo mới", "Thông báo về lịch học."), "x"));
  same_top(*s, d.path / "ties.db", "thông báo", 3);
  same_top(*s, d.path / "ties.db", "thông báo", 20);
}

TEST_CASE("an emoji's variation selector is no word: a query with one finds what the words find, on SQLite as in memory") {
  temp_dir d;
  auto s = open_ok(d.path / "emoji.db");
  REQUIRE(s->create(make_article("Chúc mừng ngày Nhà giáo ❤️", "Chúc mừng các thầy cô ✌️."), "x"));
  for (std::string q : {"chúc mừng ❤️", "❤️ nhà giáo", "thầy cô ✌️"}) {
    CAPTURE(q);
    auto r = s->search(sr(q, {}, 5));
    REQUIRE(r);
    CHECK(r->items.size() == 1);
  }
}

TEST_CASE("a schema 7 file is migrated: plans lose the validity status the old version forced on them") {
  temp_dir d;
  auto path = d.path / "v7.db";
  {
    sqlite_options o;
    o.schema_version = 7;
    auto s = open_ok(path, o);
    CHECK(s->schema_version() == 7);
  }
  // What a schema-7 program wrote for a plan: a status in the body and in the indexed column.
  auto body = std::string(R"({"id":"kh-19-pgddt-2023","number":"19/KH-PGDĐT","type_code":"KH","year":2023,"level":"sector",)") +
              R"("issuer":"Phòng Giáo dục và Đào tạo quận Hà Đông","issued_on":"2023-03-22","title":"Kế hoạch",)" +
              R"("status":"in_force","state":"published","created_at":"2023-03-22T01:00:00Z",)" +
              R"("updated_at":"2023-03-22T01:00:00Z","schema_version":1,"version":1})";
  std::string sql =
      "INSERT INTO entities(kind, id, version, body, unit, state, sort_key, doc_type, doc_level, doc_status) "
      "VALUES('legal_document', 'kh-19-pgddt-2023', 1, '";
  for (char c : body) sql += c == '\'' ? std::string("''") : std::string(1, c);
  sql += "', 'pgddt-ha-dong', 'published', '2023-03-22', 'KH', 'sector', 'in_force')";
  raw_exec(path, sql);
  auto s = open_ok(path);
  CHECK(s->schema_version() == sqlite_detail::current_schema);
  auto plan = s->get<legal_document>("kh-19-pgddt-2023");
  REQUIRE_MESSAGE(plan, (plan ? std::string() : plan.err().describe()));
  CHECK_FALSE(plan->status);
  pbgdpl::store::list_query in_force;
  in_force.where.doc_status = "in_force";
  CHECK(s->list<legal_document>(in_force)->items.empty());
}
