// Search ordered by date ("sắp xếp: mới nhất", issue 12 item 1), the same on every backend: the
// matches relevance would find (every term, the same filters, published only), by their main date
// newest first, ties by id; no boost reorders them, and the offset cursors page through them.
#include "fixtures.hpp"

#include <algorithm>
#include <set>

using namespace fixtures;

#define STORES memory_factory, sqlite_factory, postgres_factory

namespace {
article dated(std::string id, std::string title, std::string body, const char* when, std::string unit = "th-van-yen") {
  auto a = make_article(std::move(title), std::move(body), std::move(unit), when);
  a.id = article_id{std::move(id)};
  return a;
}

std::vector<std::string> ids_of(pbgdpl::store::store& s, search_request req) {
  auto r = s.search(req);
  REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.err().describe()));
  std::vector<std::string> out;
  for (const auto& h : r->items) out.push_back(h.id);
  return out;
}

search_request newest(std::string q, std::size_t limit = 20) {
  auto r = sr(std::move(q), {}, limit);
  r.order = search_order::newest;
  return r;
}

// Matches of "phòng chống ma túy" on dates out of insertion order, one with the query as its very
// title (relevance puts it first by the title boost) but the oldest, one document (its main date
// is its issue date), one draft, one scheduled, and records with only some of the words.
void seed(pbgdpl::store::store& s) {
  REQUIRE(s.create(dated("a-mid", "Tuyên truyền phòng chống ma túy cho học sinh", "Nội dung buổi nói chuyện.",
                         "2023-05-10T08:00:00+07:00"),
                   "x"));
  REQUIRE(s.create(dated("a-old", "Phòng chống ma túy", "Phòng chống ma túy trong trường học, phòng chống ma túy.",
                         "2019-01-02T08:00:00+07:00"),
                   "x"));
  REQUIRE(s.create(dated("a-new", "Ngoại khóa cuối năm", "Học sinh tìm hiểu luật phòng, chống ma túy.", "2024-11-20T08:00:00+07:00"),
                   "x"));
  REQUIRE(s.create(dated("a-2021", "Hội thi tìm hiểu pháp luật", "Chủ đề: phòng chống ma tuý (cách bỏ dấu cũ).",
                         "2021-06-01T08:00:00+07:00", "th-kim-dong"),
                   "x"));
  // Same publication time: the greater id first.
  REQUIRE(s.create(dated("a-tie-1", "Sinh hoạt dưới cờ", "Phòng chống ma túy học đường.", "2022-03-01T08:00:00+07:00"), "x"));
  REQUIRE(s.create(dated("a-tie-2", "Sinh hoạt lớp", "Phòng chống ma túy học đường.", "2022-03-01T08:00:00+07:00"), "x"));
  // Some of the words only: not a match.
  REQUIRE(s.create(dated("a-part", "Phòng chống đuối nước", "Ma két học tập.", "2024-12-01T08:00:00+07:00"), "x"));
  auto draft = dated("a-draft", "Phòng chống ma túy (nháp)", "Bản nháp.", "2024-12-05T08:00:00+07:00");
  draft.state = article_state::draft;
  draft.published_at.reset();
  REQUIRE(s.create(draft, "x"));
  auto doc = make_document("luat-ma-tuy", "73/2021/QH14", "Luật", 2021, 3, 30);
  doc.title = "Luật Phòng, chống ma túy";
  doc.status = validity_status::in_force;  // a law is a normative document: it has a status
  doc.level = document_level::central;
  REQUIRE(s.create(doc, "x"));
}

const std::vector<std::string> all_newest{"a-new", "a-mid", "a-tie-2", "a-tie-1", "a-2021", "luat-ma-tuy", "a-old"};
}  // namespace

TEST_CASE_TEMPLATE("search by newest lists every match by its main date, newest first, ties by id", F, STORES) {
  F f;
  auto s = f.make();
  seed(*s);
  CHECK(ids_of(*s, newest("phòng chống ma túy")) == all_newest);
  // The same matches with the words typed without accents, or with the other tone placement.
  CHECK(ids_of(*s, newest("phong chong ma tuy")) == all_newest);
  CHECK(ids_of(*s, newest("phòng chống ma tuý")) == all_newest);
  // Relevance (the default) still ranks the title equal to the query first: the two orders differ.
  auto by_relevance = ids_of(*s, sr("phòng chống ma túy"));
  REQUIRE(!by_relevance.empty());
  CHECK(by_relevance.front() == "a-old");
  CHECK(std::set(by_relevance.begin(), by_relevance.end()) == std::set(all_newest.begin(), all_newest.end()));
}

TEST_CASE_TEMPLATE("search by newest gives no boost: a document number or an equal title does not move a record up", F, STORES) {
  F f;
  auto s = f.make();
  seed(*s);
  // The law's number: relevance lists the law first; by date it stays where its issue date puts it.
  auto by_relevance = ids_of(*s, sr("73/2021/QH14"));
  REQUIRE(!by_relevance.empty());
  CHECK(by_relevance.front() == "luat-ma-tuy");
  REQUIRE(s->create(dated("a-cites", "Học tập Luật 73/2021/QH14", "Văn bản 73/2021/QH14.", "2024-01-15T08:00:00+07:00"), "x"));
  CHECK(ids_of(*s, newest("73/2021/QH14")) == std::vector<std::string>{"a-cites", "luat-ma-tuy"});
  auto r = s->search(newest("phòng chống ma túy"));
  REQUIRE(r);
  for (const auto& h : r->items) CHECK(h.score == 0);  // no score: the order is the date's
}

TEST_CASE_TEMPLATE("search by newest pages with its cursors through the whole list, once each", F, STORES) {
  F f;
  auto s = f.make();
  seed(*s);
  std::vector<std::string> seen;
  auto req = newest("ma túy", 2);
  for (int pages = 0; pages < 10; ++pages) {
    auto r = s->search(req);
    REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.err().describe()));
    for (const auto& h : r->items) seen.push_back(h.id);
    if (r->next_cursor.empty()) break;
    CHECK(r->items.size() == 2);
    req.cursor = r->next_cursor;
  }
  CHECK(seen == all_newest);
}

TEST_CASE_TEMPLATE("search by newest keeps the request's filters, kinds and published rule", F, STORES) {
  F f;
  auto s = f.make();
  REQUIRE(s->create(make_unit("ha-noi", "Hà Nội", std::nullopt, unit_kind::city), "x"));
  REQUIRE(s->create(make_unit("phong-gd", "Phòng Giáo dục", "ha-noi", unit_kind::education_division), "x"));
  REQUIRE(s->create(make_unit("th-van-yen", "Trường Tiểu học Văn Yên", "phong-gd"), "x"));
  REQUIRE(s->create(make_unit("th-kim-dong", "Trường Tiểu học Kim Đồng", "phong-gd"), "x"));
  seed(*s);
  auto articles = newest("phòng chống ma túy");
  articles.kinds = {"article"};
  CHECK(ids_of(*s, articles) == std::vector<std::string>{"a-new", "a-mid", "a-tie-2", "a-tie-1", "a-2021", "a-old"});
  auto one_school = articles;
  one_school.where.with_unit(unit_id{"th-kim-dong"});
  CHECK(ids_of(*s, one_school) == std::vector<std::string>{"a-2021"});
  auto dates = newest("phòng chống ma túy");
  dates.where.with_dates(date{std::chrono::year{2021}, std::chrono::month{1}, std::chrono::day{1}},
                         date{std::chrono::year{2023}, std::chrono::month{12}, std::chrono::day{31}});
  CHECK(ids_of(*s, dates) == std::vector<std::string>{"a-mid", "a-tie-2", "a-tie-1", "a-2021", "luat-ma-tuy"});
  // A scheduled article is left out for a reader at a time before it, as relevance does.
  auto reader = newest("phòng chống ma túy");
  reader.where.visible_by(at("2024-06-01T00:00:00+07:00"));
  CHECK(ids_of(*s, reader) == std::vector<std::string>{"a-mid", "a-tie-2", "a-tie-1", "a-2021", "luat-ma-tuy", "a-old"});
  // The draft only when the caller asks for unpublished records.
  auto staff = newest("phòng chống ma túy");
  staff.include_unpublished = true;
  auto with_draft = ids_of(*s, staff);
  REQUIRE(!with_draft.empty());
  CHECK(with_draft.front() == "a-draft");
  CHECK(ids_of(*s, newest("phòng chống ma túy kẹo")).empty());
}

// --- the SQLite store's two plans (store/sqlite/search_order.hpp) --------------------------------

namespace {
using pbgdpl::store::sqlite_detail::newest_plan;
using pbgdpl::store::sqlite_detail::newest_stats;

// Syllables from common (in most rows) to rare (in a few): queries of each mix.
const char* const words[] = {"pháp", "luật", "trường", "học", "an", "toàn", "giao", "thông", "ma", "túy", "kế", "hoạch",
                             "đuối", "nước", "bạo", "lực", "quyền", "trẻ", "em", "hiến", "pháp", "kịch", "quốc", "phòng"};

// The same records in a memory store and an SQLite file: 1,500 articles over five years (some
// on one minute, so ties by id count), documents, two schools, a few drafts, five articles with a
// rare word. `in_date_order`: articles stored by date, as a portal writes them, but one in ten
// dated years back (an old text stored late), so the walk meets both close and spread rowids.
void seed_random(pbgdpl::store::store& a, pbgdpl::store::store& b, bool in_date_order) {
  for (auto* s : {&a, &b}) {
    REQUIRE(s->create(make_unit("ha-noi", "Hà Nội", std::nullopt, unit_kind::city), "x"));
    REQUIRE(s->create(make_unit("th-a", "Trường A", "ha-noi"), "x"));
    REQUIRE(s->create(make_unit("th-b", "Trường B", "ha-noi"), "x"));
  }
  std::uint32_t seed = 12;
  auto next = [&] { return seed = seed * 1664525u + 1013904223u, seed >> 8; };
  auto text = [&](int n) {
    std::string t;
    for (int i = 0; i < n; ++i) {
      // Earlier words far more often: word k with weight about 1/(k+1).
      auto r = next() % 1000;
      std::size_t k = 0;
      while (k + 1 < std::size(words) && r < 1000 / (k + 2)) ++k;
      if (next() % 6 == 0) k = next() % std::size(words);
      if (!t.empty()) t += ' ';
      t += words[k];
    }
    return t;
  };
  for (int i = 0; i < 1500; ++i) {
    char when[40];
    auto minute = next() % 2 == 0 ? 0u : next() % 60;
    std::snprintf(when, sizeof when, "20%02u-%02u-%02uT08:%02u:00+07:00", 19 + next() % 5, 1 + next() % 12, 1 + next() % 28, minute);
    if (in_date_order && i % 10 != 0)
      std::snprintf(when, sizeof when, "20%02d-%02d-%02dT08:%02u:00+07:00", 19 + i / 336, 1 + (i / 28) % 12, 1 + i % 28, minute);
    char id[16];
    std::snprintf(id, sizeof id, "a%04d", i);
    auto art = dated(id, text(3 + static_cast<int>(next() % 5)), text(5 + static_cast<int>(next() % 20)), when,
                     next() % 2 ? "th-a" : "th-b");
    if (next() % 25 == 0) {
      art.state = article_state::draft;
      art.published_at.reset();
    }
    for (auto* s : {&a, &b}) REQUIRE(s->create(art, "x"));
  }
  for (int i = 0; i < 5; ++i) {
    auto rare = dated("rare" + std::to_string(i), "Xylanh " + text(2), text(6), i % 2 ? "2020-05-05T08:00:00+07:00" : "2022-02-02T08:00:00+07:00");
    for (auto* s : {&a, &b}) REQUIRE(s->create(rare, "x"));
  }
  for (int i = 0; i < 60; ++i) {
    auto doc = make_document("vb" + std::to_string(i), std::to_string(i + 1) + "/KH-UBND", "KH", 2019 + i % 5, 1 + i % 12, 1 + i % 28);
    doc.title = text(4);
    doc.summary = text(8);
    for (auto* s : {&a, &b}) REQUIRE(s->create(doc, "x"));
  }
}

struct sqlite_pair {
  temp_dir dir;
  std::unique_ptr<pbgdpl::store::store> memory = make_memory_store(), file;
  sqlite_detail::connection db;
  explicit sqlite_pair(bool in_date_order = false) {
    auto s = open_sqlite_store(dir.path / "pbgdpl.db");
    REQUIRE(s);
    file = std::move(*s);
    seed_random(*memory, *file, in_date_order);
    bool existed = false;
    REQUIRE(db.open(dir.path / "pbgdpl.db", 5000, existed));
    REQUIRE(db.configure(sqlite_options{}));
  }
  // rank_newest's rows as ids, for `req` as a store's search would call it.
  std::vector<std::string> ranked(const search_request& req, std::size_t best, std::optional<newest_plan> force,
                                  newest_stats* stats = nullptr) {
    auto q = parse_query(req.q, search_filter(req));
    REQUIRE(q);
    const auto& kinds = req.kinds.empty() ? searchable_kinds() : req.kinds;
    auto rows = sqlite_detail::rank_newest(db, *q, kinds, req.kinds.empty(), best, stats, force);
    REQUIRE_MESSAGE(rows.has_value(), (rows ? "" : rows.err().describe()));
    std::vector<std::string> out;
    for (const auto& r : *rows) {
      auto st = db.prepare("SELECT id FROM entities WHERE seq = ?");
      REQUIRE(st);
      st->bind(1, r.seq);
      REQUIRE(st->step() == SQLITE_ROW);
      out.push_back(st->str(0));
    }
    return out;
  }
};
}  // namespace

TEST_CASE("the SQLite store's newest rows equal the memory store's, by either plan and by the one it picks") {
  bool in_date_order = false;
  SUBCASE("rows stored in any order") {}
  SUBCASE("rows stored in date order, one in ten late") { in_date_order = true; }
  sqlite_pair p(in_date_order);
  std::vector<search_request> reqs;
  for (const char* q : {"pháp luật", "phap", "an toàn", "giao thông", "ma túy", "đuối nước", "kịch", "quốc phòng", "hiến pháp",
                        "pháp kịch", "trường học an toàn", "luat*", "\"giao thông\"", "em"}) {
    reqs.push_back(newest(q));
    auto kinds = newest(q);
    kinds.kinds = {"article"};
    reqs.push_back(kinds);
    auto docs = newest(q);
    docs.kinds = {"legal_document", "question"};
    reqs.push_back(docs);
    auto school = newest(q);
    school.where.with_unit(unit_id{"th-b"});
    reqs.push_back(school);
    auto dates = newest(q);
    dates.where.with_dates(date{std::chrono::year{2020}, std::chrono::month{3}, std::chrono::day{1}},
                           date{std::chrono::year{2021}, std::chrono::month{6}, std::chrono::day{30}});
    reqs.push_back(dates);
    auto staff = newest(q);
    staff.include_unpublished = true;
    reqs.push_back(staff);
  }
  for (const auto& req : reqs) {
    for (std::size_t best : {1, 7, 20, 99}) {
      CAPTURE(req.q);
      CAPTURE(best);
      auto want = req;
      want.limit = best + 1;  // rank_newest's one row past `best` says that more follow
      auto mem = ids_of(*p.memory, want);
      CHECK(p.ranked(req, best, newest_plan::match_scan) == mem);
      CHECK(p.ranked(req, best, newest_plan::index_walk) == mem);
      CHECK(p.ranked(req, best, std::nullopt) == mem);
    }
  }
}

TEST_CASE("the SQLite store walks the date index for common words and scans the matches of rare ones") {
  sqlite_pair p(true);
  newest_stats common, rare, apart;
  auto got = p.ranked(newest("pháp"), 20, std::nullopt, &common);
  CHECK(got.size() == 21);
  CHECK(common.plan == newest_plan::index_walk);
  CHECK_FALSE(common.walk_gave_up);
  CHECK(common.checked < 100);  // most rows hold the word: about 20 checks, not 1,500
  CHECK(common.ranges > 0);     // stored in date order: batches checked by their rowid range
  p.ranked(newest("xylanh"), 20, std::nullopt, &rare);
  CHECK(rare.plan == newest_plan::match_scan);
  CHECK(rare.checked == 0);
  CHECK(rare.rarest_df < common.rarest_df);
}

TEST_CASE("the SQLite store's walk hands over to the scan when common words are rare together") {
  // Newer rows hold one word, older ones the other, two old ones both: each word is in half the
  // rows, so the walk is picked, and it finds nothing within what the scan would cost.
  sqlite_pair p;
  for (int i = 0; i < 400; ++i) {
    char when[40];
    std::snprintf(when, sizeof when, "2025-%02d-%02dT08:00:00+07:00", 1 + (i / 28) % 12, 1 + i % 28);
    auto body = i < 2 ? "zeta omega" : i < 200 ? "omega" : "zeta";
    REQUIRE(p.file->create(dated("z" + std::to_string(i), "Tin", body, i < 200 ? "2018-01-01T08:00:00+07:00" : when), "x"));
    REQUIRE(p.memory->create(dated("z" + std::to_string(i), "Tin", body, i < 200 ? "2018-01-01T08:00:00+07:00" : when), "x"));
  }
  newest_stats apart;
  auto got = p.ranked(newest("zeta omega"), 1, std::nullopt, &apart);
  CHECK(apart.walk_gave_up);
  CHECK(apart.plan == newest_plan::match_scan);
  CHECK(apart.checked > 0);
  auto want = newest("zeta omega", 2);
  CHECK(got == ids_of(*p.memory, want));
  CHECK(got == std::vector<std::string>{"z1", "z0"});
}
