// Change notification (store/changes.hpp): every committed write reaches the listeners once,
// after the commit, with its unit; nothing of what rolls back; other connections' commits on the
// same SQLite file through poll_changes().
#include "fixtures.hpp"

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace fixtures;

#define STORES memory_factory, sqlite_factory, postgres_factory

namespace {

// Everything a store told, batch by batch.
struct recorder {
  std::mutex mu;
  std::vector<std::vector<change>> batches;
  change_listener listener() {
    return [this](const std::vector<change>& b) {
      std::lock_guard lock(mu);
      batches.push_back(b);
    };
  }
  std::vector<change> all() {
    std::lock_guard lock(mu);
    std::vector<change> out;
    for (const auto& b : batches) out.insert(out.end(), b.begin(), b.end());
    return out;
  }
  std::size_t count() {
    std::lock_guard lock(mu);
    return batches.size();
  }
};

unit school(std::string id, std::string parent) { return make_unit(id, "Trường " + id, std::move(parent)); }

void seed_units(pbgdpl::store::store& s) {
  REQUIRE(s.create(make_unit("ha-noi", "Hà Nội", std::nullopt, unit_kind::city), "t"));
  REQUIRE(s.create(make_unit("pgd-ha-dong", "Phòng GDĐT Hà Đông", "ha-noi", unit_kind::education_division), "t"));
  REQUIRE(s.create(school("th-van-yen", "pgd-ha-dong"), "t"));
  REQUIRE(s.create(school("th-kim-dong", "pgd-ha-dong"), "t"));
}

}  // namespace

TEST_CASE_TEMPLATE("a committed write is told once with its kind, id, unit, operation and version", F, STORES) {
  F f;
  std::unique_ptr<pbgdpl::store::store> s = f.make();
  seed_units(*s);
  recorder rec;
  auto sub = s->subscribe(rec.listener());
  auto a = s->create(make_article("Bài một", "Nội dung", "th-van-yen"), "editor").value();
  REQUIRE(rec.count() == 1);
  auto c = rec.all().at(0);
  CHECK(c.kind == "article");
  CHECK(c.id == a.id.value);
  CHECK(c.unit == "th-van-yen");
  CHECK(c.op == write_op::create);
  CHECK(c.version == 1);
  CHECK_FALSE(c.previous_unit);
  auto log = s->audit_log("article", a.id.value, 1).value();
  CHECK(c.audit_seq == log.at(0).seq);

  // A refused write tells nothing.
  auto stale = a;
  stale.version = 7;
  CHECK_FALSE(s->update(stale, "editor"));
  CHECK(rec.count() == 1);
}

TEST_CASE_TEMPLATE("a move to another unit names the unit left, and a remove the unit it had", F, STORES) {
  F f;
  std::unique_ptr<pbgdpl::store::store> s = f.make();
  seed_units(*s);
  auto a = s->create(make_article("Bài một", "Nội dung", "th-van-yen"), "editor").value();
  recorder rec;
  auto sub = s->subscribe(rec.listener());
  a.unit = unit_id{"th-kim-dong"};
  a = s->update(a, "editor").value();
  a.title = "Bài một (sửa)";
  a = s->update(a, "editor").value();
  REQUIRE(s->remove<article>(a.id.value, a.version, "editor"));
  auto all = rec.all();
  REQUIRE(all.size() == 3);
  CHECK(all[0].op == write_op::update);
  CHECK(all[0].unit == "th-kim-dong");
  REQUIRE(all[0].previous_unit);
  CHECK(*all[0].previous_unit == "th-van-yen");
  CHECK_FALSE(all[1].previous_unit);  // not moved
  CHECK(all[2].op == write_op::remove);
  CHECK(all[2].unit == "th-kim-dong");
  CHECK(all[2].version == 3);

  // A legal document of no unit given one: previous_unit is "" (it was shown everywhere).
  auto d = s->create(make_document("vb-1", "01/KH-UBND", "KH", 2023, 3, 1), "editor").value();
  d.unit = unit_id{"pgd-ha-dong"};
  REQUIRE(s->update(d, "editor"));
  all = rec.all();
  CHECK(all.back().unit == "pgd-ha-dong");
  REQUIRE(all.back().previous_unit);
  CHECK(all.back().previous_unit->empty());
  // A unit's change names the unit itself.
  auto u = s->get<unit>("th-van-yen").value();
  u.name = "Trường A mới";
  REQUIRE(s->update(u, "admin"));
  CHECK(rec.all().back().kind == "unit");
  CHECK(rec.all().back().unit == "th-van-yen");
}

TEST_CASE_TEMPLATE("a transaction is told once after its outermost commit and a rolled back one not at all", F, STORES) {
  F f;
  std::unique_ptr<pbgdpl::store::store> s = f.make();
  seed_units(*s);
  recorder rec;
  auto sub = s->subscribe(rec.listener());

  // Rolled back by an error: nothing, though its writes succeeded inside.
  auto r = s->transaction([&]() -> result<void> {
    REQUIRE(s->create(make_article("Sẽ huỷ", "x", "th-van-yen"), "editor"));
    CHECK(rec.count() == 0);  // not before the commit
    return error(errc::invalid_argument);
  });
  CHECK_FALSE(r);
  CHECK(rec.count() == 0);

  // Rolled back by an exception: nothing.
  CHECK_THROWS(s->transaction([&]() -> result<void> {
    REQUIRE(s->create(make_article("Sẽ huỷ", "x", "th-van-yen"), "editor"));
    throw std::runtime_error("boom");
  }));
  CHECK(rec.count() == 0);

  // A nested transaction that rolls back drops its own writes only; the outer commit tells the
  // rest in one batch.
  r = s->transaction([&]() -> result<void> {
    REQUIRE(s->create(make_article("Giữ 1", "x", "th-van-yen"), "editor"));
    auto inner = s->transaction([&]() -> result<void> {
      REQUIRE(s->create(make_article("Huỷ trong", "x", "th-kim-dong"), "editor"));
      return error(errc::conflict);
    });
    CHECK_FALSE(inner);
    auto kept = s->transaction([&]() -> result<void> {
      auto c = s->create(make_article("Giữ 2", "x", "th-kim-dong"), "editor");
      if (!c) return c.err();
      return {};
    });
    CHECK(kept);
    CHECK(rec.count() == 0);
    return {};
  });
  REQUIRE(r);
  REQUIRE(rec.count() == 1);
  auto all = rec.all();
  REQUIRE(all.size() == 2);
  CHECK(all[0].unit == "th-van-yen");
  CHECK(all[1].unit == "th-kim-dong");
}

TEST_CASE_TEMPLATE("a listener may read and write the store from inside its call", F, STORES) {
  F f;
  std::unique_ptr<pbgdpl::store::store> s = f.make();
  seed_units(*s);
  std::vector<std::string> titles;
  std::atomic<int> calls{0};
  auto sub = s->subscribe([&](const std::vector<change>& batch) {
    ++calls;
    for (const auto& c : batch) {
      if (c.kind != "article") continue;
      // A read: would deadlock if the store still held a lock it cannot give this thread.
      auto a = s->get<article>(c.id);
      REQUIRE(a);
      titles.push_back(a->title);
      auto l = s->list<article>();
      REQUIRE(l);
      // A write from the listener: told in its own batch, from inside this call.
      if (a->title == "Bài gốc") REQUIRE(s->create(make_article("Bài phụ", "x", "th-van-yen"), "listener"));
    }
  });
  std::thread writer([&] { REQUIRE(s->create(make_article("Bài gốc", "x", "th-van-yen"), "editor")); });
  writer.join();
  CHECK(calls == 2);
  CHECK(titles == std::vector<std::string>{"Bài gốc", "Bài phụ"});
}

TEST_CASE_TEMPLATE("a listener that throws does not undo the write nor silence the others", F, STORES) {
  F f;
  std::unique_ptr<pbgdpl::store::store> s = f.make();
  seed_units(*s);
  auto bad = s->subscribe([](const std::vector<change>&) { throw std::runtime_error("listener bug"); });
  recorder rec;
  auto good = s->subscribe(rec.listener());
  auto a = s->create(make_article("Bài", "x", "th-van-yen"), "editor");
  REQUIRE(a);
  CHECK(s->get<article>(a->id.value));
  CHECK(rec.count() == 1);
  CHECK(s->change_listener_failures() == 1);
}

TEST_CASE_TEMPLATE("an unsubscribed listener hears nothing, and a handle may outlive its store", F, STORES) {
  F f;
  std::unique_ptr<pbgdpl::store::store> s = f.make();
  seed_units(*s);
  recorder rec;
  auto sub = s->subscribe(rec.listener());
  CHECK(sub.active());
  sub.reset();
  CHECK_FALSE(sub.active());
  REQUIRE(s->create(make_article("Bài", "x", "th-van-yen"), "editor"));
  CHECK(rec.count() == 0);

  // A listener that unsubscribes itself from inside its call: later writes are not told.
  change_subscription self;
  int calls = 0;
  self = s->subscribe([&](const std::vector<change>&) {
    ++calls;
    self.reset();
  });
  REQUIRE(s->create(make_article("Bài 2", "x", "th-van-yen"), "editor"));
  REQUIRE(s->create(make_article("Bài 3", "x", "th-van-yen"), "editor"));
  CHECK(calls == 1);

  auto late = s->subscribe(rec.listener());
  s.reset();  // the store goes first
  late.reset();
  CHECK_FALSE(late.active());
}

TEST_CASE("unsubscribing waits for the listener's call running on another thread") {
  auto s = make_memory_store();
  seed_units(*s);
  std::atomic<bool> started{false}, finished{false};
  auto sub = s->subscribe([&](const std::vector<change>&) {
    started = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    finished = true;
  });
  std::thread writer([&] { REQUIRE(s->create(make_article("Bài", "x", "th-van-yen"), "editor")); });
  while (!started) std::this_thread::yield();
  sub.reset();
  CHECK(finished);  // reset() returned only after the call ended
  writer.join();
}

TEST_CASE_TEMPLATE("writes from several threads are each told exactly once", F, STORES) {
  F f;
  std::unique_ptr<pbgdpl::store::store> s = f.make();
  seed_units(*s);
  recorder rec;
  auto sub = s->subscribe(rec.listener());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i)
        REQUIRE(s->create(make_article("Bài " + std::to_string(t) + "-" + std::to_string(i), "x", t % 2 ? "th-van-yen" : "th-kim-dong"),
                          "editor"));
    });
  for (auto& t : threads) t.join();
  auto all = rec.all();
  CHECK(all.size() == 40);
  std::set<std::uint64_t> seqs;
  for (const auto& c : all) seqs.insert(c.audit_seq);
  CHECK(seqs.size() == 40);
}

TEST_CASE("the memory store has nothing to poll") {
  auto s = make_memory_store();
  seed_units(*s);
  recorder rec;
  auto sub = s->subscribe(rec.listener());
  CHECK(s->poll_changes().value() == 0);
  CHECK(rec.count() == 0);
}

TEST_CASE("another sqlite_store on the same file: its commits reach this store's listeners through poll_changes") {
  temp_dir d;
  auto path = d.path / "shared.db";
  auto mine = open_sqlite_store(path).value();
  auto other = open_sqlite_store(path).value();
  seed_units(*other);
  recorder rec;
  auto sub = mine->subscribe(rec.listener());
  // What the other store wrote before the first poll is told by it.
  CHECK(mine->poll_changes().value() == 4);
  CHECK(rec.all().at(0).kind == "unit");
  CHECK(mine->poll_changes().value() == 0);  // nothing new

  // Interleaved: ours are told at commit and not again by the poll; theirs by the poll only.
  auto a1 = mine->create(make_article("Của tôi 1", "x", "th-van-yen"), "me").value();
  auto b1 = other->create(make_article("Của họ 1", "x", "th-kim-dong"), "them").value();
  auto a2 = mine->create(make_article("Của tôi 2", "x", "th-van-yen"), "me").value();
  CHECK(rec.all().size() == 6);
  CHECK(mine->poll_changes().value() == 1);
  auto all = rec.all();
  REQUIRE(all.size() == 7);
  CHECK(all.back().id == b1.id.value);
  CHECK(all.back().unit == "th-kim-dong");
  CHECK(all.back().op == write_op::create);
  CHECK(mine->poll_changes().value() == 0);

  // Their move, archive and remove carry the units, read from the log (the record is gone).
  b1.unit = unit_id{"th-van-yen"};
  b1 = other->update(b1, "them").value();
  REQUIRE(other->remove<article>(b1.id.value, b1.version, "them"));
  CHECK(mine->poll_changes().value() == 2);
  all = rec.all();
  REQUIRE(all.size() == 9);
  CHECK(all[7].unit == "th-van-yen");
  REQUIRE(all[7].previous_unit);
  CHECK(*all[7].previous_unit == "th-kim-dong");
  CHECK(all[8].op == write_op::remove);
  CHECK(all[8].unit == "th-van-yen");

  // Their rolled-back transaction: nothing to tell.
  CHECK_FALSE(other->transaction([&]() -> result<void> {
    REQUIRE(other->create(make_article("Huỷ", "x", "th-van-yen"), "them"));
    return error(errc::invalid_argument);
  }));
  CHECK(mine->poll_changes().value() == 0);

  // Our own writes alone never come back through a poll.
  REQUIRE(mine->create(make_article("Của tôi 3", "x", "th-van-yen"), "me"));
  CHECK(mine->poll_changes().value() == 0);
  CHECK(rec.all().size() == 10);
  (void)a1;
  (void)a2;
}

TEST_CASE("a child process writing the same file is told through poll_changes") {
  temp_dir d;
  auto path = d.path / "shared.db";
  auto mine = open_sqlite_store(path).value();
  seed_units(*mine);
  recorder rec;
  auto sub = mine->subscribe(rec.listener());
  CHECK(mine->poll_changes().value() == 0);  // the WAL header is remembered
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {  // the child: its own connection, its own process; no doctest here
    auto other = open_sqlite_store(path);
    bool ok = other && (*other)->create(make_article("Từ tiến trình con", "x", "th-kim-dong"), "child").has_value();
    ::_exit(ok ? 0 : 1);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  CHECK(mine->poll_changes().value() == 1);
  REQUIRE(rec.count() == 1);
  CHECK(rec.all().at(0).unit == "th-kim-dong");
  CHECK(rec.all().at(0).kind == "article");
  CHECK(mine->poll_changes().value() == 0);
}

TEST_CASE("poll_changes inside this thread's transaction waits for the next poll") {
  temp_dir d;
  auto path = d.path / "shared.db";
  auto mine = open_sqlite_store(path).value();
  auto other = open_sqlite_store(path).value();
  seed_units(*other);
  recorder rec;
  auto sub = mine->subscribe(rec.listener());
  REQUIRE(mine->transaction([&]() -> result<void> {
    CHECK(mine->poll_changes().value() == 0);
    return {};
  }));
  CHECK(rec.count() == 0);
  CHECK(mine->poll_changes().value() == 4);
}

TEST_CASE("a schema 4 file is migrated so that other connections read the units from the audit log") {
  temp_dir d;
  auto path = d.path / "old.db";
  {
    sqlite_options o;
    o.schema_version = 4;
    auto old = open_sqlite_store(path, o).value();
    REQUIRE(old->schema_version() == 4);
    seed_units(*old);  // written without the unit columns
  }
  auto mine = open_sqlite_store(path).value();
  CHECK(mine->schema_version() == sqlite_detail::current_schema);
  auto other = open_sqlite_store(path).value();
  recorder rec;
  auto sub = mine->subscribe(rec.listener());
  REQUIRE(other->create(make_article("Mới", "x", "th-kim-dong"), "them"));
  CHECK(mine->poll_changes().value() == 1);  // the old entries were there at open: not told
  CHECK(rec.all().at(0).unit == "th-kim-dong");
}

TEST_CASE("poll_changes when nothing changed costs no query (printed, not asserted)") {
  temp_dir d;
  auto s = open_sqlite_store(d.path / "poll.db").value();
  seed_units(*s);
  recorder rec;
  auto sub = s->subscribe(rec.listener());
  constexpr int n = 100000;
  auto t0 = std::chrono::steady_clock::now();
  std::size_t told = 0;
  for (int i = 0; i < n; ++i) told += s->poll_changes().value();
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count() / n;
  MESSAGE("poll_changes with nothing changed: " << ns << " ns per call (" << n << " calls)");
  CHECK(told == 0);
  CHECK(rec.count() == 0);
  // After each of our own commits the WAL header moved: the next poll asks SQLite once (data_version
  // unchanged, nothing told), then looks are free again.
  for (int i = 0; i < 3; ++i) {
    REQUIRE(s->create(make_article("Bài " + std::to_string(i), "x", "th-van-yen"), "editor"));
    CHECK(s->poll_changes().value() == 0);
  }
  CHECK(rec.count() == 3);
}

TEST_CASE("a FIFO in the place of the -shm file neither hangs the open nor the poll") {
  // The watch over the -shm header opens that file itself, after SQLite: an O_RDONLY open of a
  // FIFO waits for a writer for ever, so it opens with O_NONBLOCK and maps regular files only.
  // With the FIFO there from the start SQLite refuses the file first (this case passed before that
  // change too); it guards the order: whoever opens the -shm, the store answers.
  temp_dir d;
  auto path = d.path / "fifo.db";
  REQUIRE(::mkfifo((path.string() + "-shm").c_str(), 0600) == 0);
  auto done = std::make_shared<std::atomic<bool>>(false);
  std::thread t([path, done] {
    auto s = open_sqlite_store(path);
    if (s) (void)(*s)->poll_changes();  // ok or an error: either way an answer
    *done = true;
  });
  for (int i = 0; i < 200 && !*done; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  bool answered = *done;
  CHECK(answered);
  if (!answered) {
    // Unblock it so the test run can end: a writer on the FIFO releases the reader's open.
    int fd = ::open((path.string() + "-shm").c_str(), O_WRONLY | O_NONBLOCK);
    if (fd >= 0) ::close(fd);
  }
  t.join();
}
