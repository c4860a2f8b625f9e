// The decoded-record cache (store/record_cache.hpp) and the change stamp it relies on: what a
// reader gets is never older than the store, whoever wrote it, and the cache stays within its
// bounds.
#include "fixtures.hpp"

#include <pbgdpl/store/record_cache.hpp>

using namespace fixtures;

#define STORES memory_factory, sqlite_factory, postgres_factory

namespace {
record_cache::limits bounds(std::size_t entries, std::size_t bytes) {
  record_cache::limits l;
  l.max_entries = entries;
  l.max_bytes = bytes;
  return l;
}

template <class S>
article stored(S& s, std::string title) {
  auto a = s.create(make_article(std::move(title), "Nội dung"), "x");
  REQUIRE_MESSAGE(a, (a ? "" : a.err().describe()));
  return *a;
}
}  // namespace

TEST_CASE_TEMPLATE("the change stamp moves after every write and transaction, and stays put otherwise", F, STORES) {
  F f;
  std::unique_ptr<pbgdpl::store::store> s = f.make();
  auto s0 = s->change_stamp();
  REQUIRE(s0);
  CHECK(s->change_stamp() == s0);  // reads and asking again change nothing
  auto a = stored(*s, "Một");
  auto s1 = s->change_stamp();
  CHECK(s1 != s0);
  (void)s->get<article>(a.id.value);
  (void)s->list<article>();
  CHECK(s->change_stamp() == s1);
  a.title = "Hai";
  REQUIRE(s->update(a, "x"));
  auto s2 = s->change_stamp();
  CHECK(s2 != s1);
  // A failed write and a rolled-back transaction count too: the store may differ from before
  // the transaction began in what a reader inside it saw.
  CHECK_FALSE(s->update(a, "x"));  // stale: conflict
  auto s3 = s->change_stamp();
  CHECK(s3 != s2);
  CHECK_FALSE(s->transaction([&]() -> result<void> { return errc::conflict; }));
  CHECK(s->change_stamp() != s3);
}

TEST_CASE_TEMPLATE("a cached record is shared until the store changes, then read again", F, STORES) {
  F f;
  std::unique_ptr<pbgdpl::store::store> s = f.make();
  auto a = stored(*s, "Bài đầu");
  record_cache cache(*s);
  auto r1 = cache.get<article>(a.id.value);
  REQUIRE(r1);
  CHECK((*r1)->title == "Bài đầu");
  auto r2 = cache.get<article>(a.id.value);
  REQUIRE(r2);
  CHECK(r2->get() == r1->get());  // the same decoded object: nothing read or decoded again
  CHECK(cache.stats().hits == 1);

  // An update is visible on the very next get.
  auto b = a;
  b.title = "Bài đã sửa";
  REQUIRE(s->update(b, "x"));
  auto r3 = cache.get<article>(a.id.value);
  REQUIRE(r3);
  CHECK((*r3)->title == "Bài đã sửa");
  CHECK((*r3)->version == 2);
  CHECK((*r1)->title == "Bài đầu");  // a reader still holding the old one keeps it intact

  // So is an archive, and a removal (an error, not the old record).
  REQUIRE(s->archive<article>(a.id.value, 2, "x"));
  CHECK(cache.get<article>(a.id.value).value()->version == 3);
  REQUIRE(s->remove<article>(a.id.value, 3, "x"));
  auto gone = cache.get<article>(a.id.value);
  REQUIRE_FALSE(gone);
  CHECK(gone.err().code == errc::not_found);

  // Removed and created again under the same id: version 1 again, other content. Keyed by
  // version alone this would show the first record; the stamp cannot be fooled.
  auto again = make_article("Tạo lại", "Khác");
  again.id = a.id;
  REQUIRE(s->create(again, "x"));
  auto r4 = cache.get<article>(a.id.value);
  REQUIRE(r4);
  CHECK((*r4)->title == "Tạo lại");
}

TEST_CASE_TEMPLATE("a write rolled back after a reader saw it inside the transaction is not shown", F, STORES) {
  F f;
  std::unique_ptr<pbgdpl::store::store> s = f.make();
  auto a = stored(*s, "Trước");
  record_cache cache(*s);
  REQUIRE(cache.get<article>(a.id.value));
  CHECK_FALSE(s->transaction([&]() -> result<void> {
    auto b = a;
    b.title = "Chưa chốt";
    if (auto u = s->update(b, "x"); !u) return u.err();
    // Read (and kept) inside the transaction: the uncommitted title.
    CHECK(cache.get<article>(a.id.value).value()->title == "Chưa chốt");
    return errc::conflict;  // roll back
  }));
  CHECK(cache.get<article>(a.id.value).value()->title == "Trước");
}

TEST_CASE("another connection's commit to the same SQLite file is seen on the next get") {
  temp_dir dir;
  auto p = dir.path / "pbgdpl.db";
  auto mine = open_sqlite_store(p).value();
  auto theirs = open_sqlite_store(p).value();  // as another process would
  auto a = stored(*mine, "Của tôi");
  record_cache cache(*mine);
  REQUIRE(cache.get<article>(a.id.value).value()->title == "Của tôi");
  // Their remove and re-create under the same id gives version 1 again: only the stamp tells.
  REQUIRE(theirs->remove<article>(a.id.value, 1, "x"));
  auto again = make_article("Của họ", "Khác");
  again.id = a.id;
  REQUIRE(theirs->create(again, "x"));
  CHECK(cache.get<article>(a.id.value).value()->title == "Của họ");
  CHECK(cache.stats().drops >= 1);
}

TEST_CASE("a store that cannot tell whether it changed gets nothing cached") {
  // A backend that does not implement change_stamp() (the interface's default), e.g. a plugin's.
  struct blind_store final : pbgdpl::store::store {
    memory_store inner;
    result<void> write(write_op op, const record& r, std::uint64_t expected, std::string_view actor) override {
      return inner.write(op, r, expected, actor);
    }
    result<record> read(std::string_view kind, std::string_view id) override { return inner.read(kind, id); }
    result<page<record>> list_records(std::string_view kind, const list_query& q) override {
      return inner.list_records(kind, q);
    }
    result<search_page> search(const search_request& req) override { return inner.search(req); }
    result<std::vector<audit_entry>> audit_log(std::string_view kind, std::string_view id, std::size_t limit) override {
      return inner.audit_log(kind, id, limit);
    }
    result<void> transaction(const std::function<result<void>()>& fn) override { return inner.transaction(fn); }
  } s;
  CHECK_FALSE(s.change_stamp());
  auto a = stored(s, "Không giữ");
  record_cache cache(s);
  auto r1 = cache.get<article>(a.id.value);
  auto r2 = cache.get<article>(a.id.value);
  REQUIRE(r1);
  REQUIRE(r2);
  CHECK(r1->get() != r2->get());
  CHECK(cache.stats().entries == 0);
}

TEST_CASE_TEMPLATE("the cache keeps within its entry and byte limits, least recently used out first", F, STORES) {
  F f;
  std::unique_ptr<pbgdpl::store::store> s = f.make();
  std::vector<article> all;
  for (int i = 0; i < 5; ++i) all.push_back(stored(*s, "Bài " + std::to_string(i)));
  record_cache by_count(*s, bounds(3, 1u << 20));
  for (const auto& a : all) REQUIRE(by_count.get<article>(a.id.value));
  CHECK(by_count.stats().entries == 3);
  (void)by_count.get<article>(all[4].id.value);  // held: a hit
  CHECK(by_count.stats().hits == 1);
  (void)by_count.get<article>(all[0].id.value);  // evicted first: read again
  CHECK(by_count.stats().hits == 1);

  auto one = pbgdpl::store::detail::approx_bytes(all[0]);
  record_cache by_bytes(*s, bounds(100, one * 2 + one / 2));
  for (const auto& a : all) REQUIRE(by_bytes.get<article>(a.id.value));
  CHECK(by_bytes.stats().entries == 2);
  CHECK(by_bytes.stats().bytes <= one * 2 + one / 2);

  record_cache none(*s, bounds(0, 1u << 20));
  REQUIRE(none.get<article>(all[0].id.value));
  REQUIRE(none.get<article>(all[0].id.value));
  CHECK(none.stats().entries == 0);
  CHECK(none.stats().hits == 0);
}

TEST_CASE_TEMPLATE("a list through the cache gives the store's page, its entities decoded once and current", F, STORES) {
  F f;
  std::unique_ptr<pbgdpl::store::store> s = f.make();
  std::vector<article> all;
  for (int i = 0; i < 5; ++i)
    all.push_back(stored(*s, "Bài " + std::to_string(i)));
  list_query q;
  q.limit = 3;
  // list<T> takes the bodies whatever the query says.
  auto plain_q = q;
  plain_q.bodies = false;
  auto plain = s->list<article>(plain_q);
  REQUIRE(plain);
  REQUIRE(plain->items.size() == 3);

  record_cache cache(*s);
  auto first = cache.begin().list<article>(q);
  REQUIRE(first);
  REQUIRE(first->items.size() == 3);
  CHECK(first->next_cursor == plain->next_cursor);
  for (std::size_t i = 0; i < 3; ++i) CHECK(*first->items[i] == plain->items[i]);
  auto again = cache.begin().list<article>(q);
  REQUIRE(again);
  for (std::size_t i = 0; i < 3; ++i) CHECK(again->items[i].get() == first->items[i].get());  // shared, not decoded again
  // The next page from the cursor, as the store pages it.
  auto next_q = q;
  next_q.cursor = first->next_cursor;
  auto second = cache.begin().list<article>(next_q);
  REQUIRE(second);
  CHECK(second->items.size() == 2);
  CHECK(second->next_cursor.empty());

  // An update shows in the next list; a removal leaves the record out.
  auto changed = plain->items[1];
  changed.title = "Đã sửa";
  REQUIRE(s->update(changed, "x"));
  REQUIRE(s->remove<article>(plain->items[2].id.value, 1, "x"));
  auto after = cache.begin().list<article>(q);
  REQUIRE(after);
  REQUIRE(after->items.size() == 3);
  CHECK(after->items[1]->title == "Đã sửa");
  CHECK(after->items[1]->version == 2);
  for (const auto& a : after->items) CHECK(a->id != plain->items[2].id);
}

TEST_CASE("a SQLite list without bodies parses no JSON, and a damaged body is still an error when read") {
  temp_dir dir;
  auto s = open_sqlite_store(dir.path / "pbgdpl.db").value();
  auto a = stored(*s, "Một");
  list_query q;
  q.bodies = false;
  auto p = s->list_records("article", q);
  REQUIRE(p);
  REQUIRE(p->items.size() == 1);
  CHECK(p->items[0].body.is_null());
  CHECK(p->items[0].id == a.id.value);
  CHECK(p->items[0].version == 1);
  CHECK(p->items[0].state == "published");
  // Damage the stored body: the list without bodies still lists it, the cache's read refuses it.
  REQUIRE(sqlite3_exec(s->handle(), "UPDATE entities SET body = '{\"id\": 5}' WHERE kind = 'article'", nullptr, nullptr, nullptr) ==
          SQLITE_OK);
  record_cache cache(*s);
  auto l = cache.begin().list<article>(list_query{});
  REQUIRE_FALSE(l);
  CHECK(l.err().code == errc::corrupt);
}

TEST_CASE_TEMPLATE("a reader that began before a write lists the version the store lists, not the one kept", F, STORES) {
  F f;
  std::unique_ptr<pbgdpl::store::store> s = f.make();
  auto a = stored(*s, "Bản một");
  record_cache cache(*s);
  REQUIRE(cache.get<article>(a.id.value).value()->version == 1);  // kept at version 1
  auto reader = cache.begin();  // its stamp: before the write below
  a.title = "Bản hai";
  REQUIRE(s->update(a, "x"));
  auto l = reader.list<article>(list_query{});
  REQUIRE(l);
  REQUIRE(l->items.size() == 1);
  CHECK(l->items[0]->version == 2);
  CHECK(l->items[0]->title == "Bản hai");
}
