// The SQLite search's row-set cache (store/sqlite/row_sets.hpp): which sets it keeps when full,
// and when its sets stay valid across writes.
#include "fixtures.hpp"

#include <algorithm>

using namespace fixtures;
using pbgdpl::store::sqlite_detail::connection;
using pbgdpl::store::sqlite_detail::term_row_sets;

namespace {
std::unique_ptr<sqlite_store> open_ok(const std::filesystem::path& p, sqlite_options o = {}) {
  auto s = open_sqlite_store(p, o);
  REQUIRE_MESSAGE(s.has_value(), (s ? "" : s.err().describe()));
  return std::move(*s);
}

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

const std::vector<std::string> words = {"alpha", "bravo", "charlie", "delta", "echo",  "foxtrot", "golf",
                                        "hotel", "india", "juliet",  "kilo",  "lima",  "mike",    "november"};
}  // namespace

TEST_CASE("a full row-set cache evicts the sets used longest ago, never the whole cache") {
  temp_dir d;
  auto s = open_ok(d.path / "lru.db");
  std::string body;
  for (const auto& w : words) body += w + " ";
  for (int i = 0; i < 6; ++i) REQUIRE(s->create(make_article("Tin " + std::to_string(i), body + (i % 2 ? "odd" : "even")), "x"));
  connection db;
  bool existed = false;
  REQUIRE(db.open(d.path / "lru.db", 1000, existed));
  term_row_sets sets(4);
  auto use = [&](const std::vector<std::string>& ws) {
    std::vector<std::string> phrases;
    for (const auto& w : ws) phrases.push_back("\"" + w + "\"");
    auto r = sets.check(db, "search_fts", phrases);
    REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.err().describe()));
    REQUIRE(sets.checking().size() == ws.size());
  };
  use({"alpha", "bravo"});
  // Ten more distinct common terms than fit, each query also using the two hot ones: the hot
  // sets stay (a whole flush would rebuild them every time the cache filled).
  for (std::size_t i = 2; i < 12; ++i) use({words[i], "alpha", "bravo"});
  auto st = sets.stats();
  CHECK(sets.size() == 4);
  CHECK(st.builds == 12);  // 2 hot + 10 cold, each built once
  CHECK(st.hits == 20);    // the hot ones, every time after the first
  CHECK(st.evicted == 8);
  // The last cold term was used last, with the hot ones: still cached, and right.
  use({words[11]});
  CHECK(sets.stats().hits == 21);
  int all = 0;
  for (std::int64_t row = 0; row <= 1000; ++row) all += sets.in_every_checked(row) ? 1 : 0;
  CHECK(all == 6);
  use({"odd"});
  CHECK(sets.stats().builds == 13);
  int odd = 0;
  for (std::int64_t row = 0; row <= 1000; ++row) odd += sets.in_every_checked(row) ? 1 : 0;
  CHECK(odd == 3);
}

TEST_CASE("a query needing more row sets than the cache holds keeps them all while it runs") {
  temp_dir d;
  auto s = open_ok(d.path / "many.db");
  std::string body;
  for (const auto& w : words) body += w + " ";
  for (int i = 0; i < 4; ++i) REQUIRE(s->create(make_article("Tin " + std::to_string(i), body + (i == 2 ? "" : "zulu")), "x"));
  connection db;
  bool existed = false;
  REQUIRE(db.open(d.path / "many.db", 1000, existed));
  term_row_sets sets(3);
  std::vector<std::string> phrases;
  for (std::size_t i = 0; i < 6; ++i) phrases.push_back("\"" + words[i] + "\"");
  phrases.push_back("\"zulu\"");
  REQUIRE(sets.check(db, "search_fts", phrases));
  CHECK(sets.size() == 7);  // over the maximum while this query holds them
  CHECK(sets.checking().size() == 7);
  int in_all = 0;
  for (std::int64_t row = 0; row <= 1000; ++row) in_all += sets.in_every_checked(row) ? 1 : 0;
  CHECK(in_all == 3);  // every pointer still points at its own, complete set
  REQUIRE(sets.check(db, "search_fts", {"\"kilo\""}));
  CHECK(sets.size() == 3);  // the next query evicts back down
  CHECK(sets.stats().evicted == 5);
}

TEST_CASE("the store's search reuses cached row sets across queries never seen before") {
  // Queries with one rare word and common ones: past max_term_row_sets distinct common terms,
  // the common terms every query shares are still cached (found, not built again).
  temp_dir d;
  sqlite_options o;
  o.max_term_row_sets = 4;
  auto s = open_ok(d.path / "store.db", o);
  for (int i = 0; i < 40; ++i) {
    std::string body = "pho bien phap luat ";
    for (std::size_t w = 0; w < words.size(); ++w) body += words[w] + " ";
    REQUIRE(s->create(make_article("Tin " + std::to_string(i) + (i % 10 == 0 ? " hiem" : ""), body), "x"));
  }
  REQUIRE(all_ids(*s, "hiem phap luat").size() == 4);
  auto before = s->search_cache_stats();
  CHECK(before.builds == 2);
  for (std::size_t w = 0; w < 10; ++w) REQUIRE(all_ids(*s, "hiem " + words[w] + " phap luat").size() == 4);
  auto after = s->search_cache_stats();
  CHECK(after.cached == 4);
  CHECK(after.builds == before.builds + 10);  // only each new word's set
  CHECK(after.hits >= before.hits + 20);     // "phap" and "luat", every query
}

TEST_CASE("this store's own writes patch the cached row sets, which then give the rows walking every term gives") {
  // After each create, update, archive and remove through the store, the same common-term query
  // finds its sets cached (not built again, not dropped) and the same rows as a second store on
  // the file that walks every term. A rolled-back transaction and another connection's write
  // still drop them.
  temp_dir d;
  auto path = d.path / "patch.db";
  auto a = open_ok(path);
  sqlite_options walk_all;
  walk_all.common_term_share = 0;
  walk_all.candidate_limit = 10000;
  auto slow = open_ok(path, walk_all);
  // 200 rows: "hòa giải" stays under 5 % of them (walked) throughout, so the query checks the
  // same two sets every time.
  for (int i = 0; i < 200; ++i) REQUIRE(a->create(make_article("Tin " + std::to_string(i), "Phổ biến pháp luật."), "x"));
  auto h1 = a->create(make_article("Buổi hòa giải", "Hòa giải viên nói về pháp luật."), "x").value();
  REQUIRE(a->create(make_article("Hòa giải ở cơ sở", "Không nhắc đến luật nào."), "x"));
  const std::string q = "hoa giai phap luat";
  REQUIRE(all_ids(*a, q).size() == 1);  // builds the sets of "phap" and "luat"
  auto base = a->search_cache_stats();
  REQUIRE(base.builds == 2);
  std::uint64_t patched = base.patched, hits = base.hits;
  auto same_and_cached = [&](std::size_t want_rows) {
    auto got = all_ids(*a, q);
    CHECK(got == all_ids(*slow, q));
    CHECK(got.size() == want_rows);
    auto st = a->search_cache_stats();
    CHECK(st.builds == base.builds);  // kept: neither dropped nor built again
    CHECK(st.dropped == base.dropped);
    CHECK(st.patched == patched + 1);
    CHECK(st.hits > hits);
    patched = st.patched;
    hits = st.hits;
  };
  auto h2 = a->create(make_article("Hòa giải và pháp luật", "Lần hai."), "x").value();
  same_and_cached(2);
  h1.body_markdown = "Hòa giải viên nói về đạo đức.";  // no longer says "pháp luật"
  h1 = a->update(h1, "x").value();
  same_and_cached(1);
  h1.body_markdown = "Hòa giải viên nói về pháp luật lần nữa.";
  h1 = a->update(h1, "x").value();
  same_and_cached(2);
  REQUIRE(a->archive<article>(h2.id.value, h2.version, "x"));
  same_and_cached(1);
  REQUIRE(a->remove<article>(h1.id.value, 0, "x"));
  same_and_cached(0);
  REQUIRE(a->transaction([&]() -> result<void> {  // two writes, one commit: one patch
    auto r = a->create(make_article("Hòa giải 3", "Pháp luật ba."), "x");
    if (!r) return r.err();
    auto r2 = a->create(make_article("Hòa giải 4", "Luật bốn, pháp lệnh."), "x");
    if (!r2) return r2.err();
    return {};
  }));
  same_and_cached(2);

  auto rolled = a->transaction([&]() -> result<void> {
    auto r = a->create(make_article("Hòa giải tạm", "Pháp luật tạm thời."), "x");
    if (!r) return r.err();
    return error(errc::conflict, {}, "huỷ", "roll back");
  });
  REQUIRE_FALSE(rolled);
  auto got = all_ids(*a, q);
  CHECK(got == all_ids(*slow, q));
  CHECK(got.size() == 2);
  CHECK(a->search_cache_stats().dropped == base.dropped + 1);  // rolled back: dropped, built again

  REQUIRE(slow->create(make_article("Hòa giải ở xã", "Pháp luật xã."), "x"));  // another connection
  got = all_ids(*a, q);
  CHECK(got == all_ids(*slow, q));
  CHECK(got.size() == 3);
  CHECK(a->search_cache_stats().dropped == base.dropped + 2);
}

TEST_CASE("row sets are patched after a commit only when they were in step before it and the re-checks are few") {
  temp_dir d;
  auto s = open_ok(d.path / "bound.db");
  for (int i = 0; i < 3; ++i) REQUIRE(s->create(make_article("Tin " + std::to_string(i), "alpha bravo"), "x"));
  connection db;
  bool existed = false;
  REQUIRE(db.open(d.path / "bound.db", 1000, existed));
  term_row_sets sets(8);
  REQUIRE(sets.refresh(db));  // in step at this connection's total_changes() (0: it wrote nothing)
  REQUIRE(sets.check(db, "search_fts", {"\"alpha\""}));
  auto changes = db.total_changes();
  sets.written(1);
  sets.committed(db, changes + 1);  // something else changed in between: not patched
  CHECK(sets.stats().patched == 0);
  sets.written(1);
  sets.committed(db, changes);
  CHECK(sets.stats().patched == 1);
  for (std::int64_t r = 0; r < 1025; ++r) sets.written(r);  // 1025 re-checks for one set: too many
  sets.committed(db, changes);
  CHECK(sets.stats().patched == 1);
  sets.rolled_back();
  sets.committed(db, changes);  // nothing written: in step, nothing to re-check
  CHECK(sets.stats().patched == 2);
  CHECK(sets.stats().builds == 1);
}
