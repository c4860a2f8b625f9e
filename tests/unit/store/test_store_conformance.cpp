// The conformance suite: every behaviour of the store interface, run against each backend.
#include "fixtures.hpp"

#include <pbgdpl/store/import.hpp>

#include <functional>
#include <set>

using namespace fixtures;

#define STORES memory_factory, sqlite_factory, postgres_factory

TEST_CASE_TEMPLATE("a created entity reads back equal, with version 1", F, STORES) {
  F f;
  std::unique_ptr<pbgdpl::store::store> s = f.make();
  auto a = s->create(make_article("Hưởng ứng Ngày Pháp luật", "Nội dung"), "editor-1").value();
  CHECK(a.version == 1);
  CHECK_FALSE(a.id.empty());
  auto b = s->get<article>(a.id.value).value();
  CHECK(b == a);
  REQUIRE(s->create(make_unit("ha-noi", "Hà Nội", std::nullopt, unit_kind::city), "admin"));
  REQUIRE(s->create(make_unit("pgd-ha-dong", "Phòng GDĐT Hà Đông", "ha-noi", unit_kind::education_division), "admin"));
  auto u = s->create(make_unit("th-van-yen", "Trường Tiểu học Văn Yên", "pgd-ha-dong"), "admin").value();
  CHECK(s->get<unit>("th-van-yen").value() == u);
  CHECK(s->get<unit>("missing").err().code == errc::not_found);
}

TEST_CASE_TEMPLATE("creating an id that exists fails and keeps the first", F, STORES) {
  F f;
  std::unique_ptr<pbgdpl::store::store> s = f.make();
  auto a = make_article("Bài một", "Một");
  a.id = article_id{"bai-1"};
  REQUIRE(s->create(a, "editor-1"));
  a.title = "Bài hai";
  auto r = s->create(a, "editor-1");
  REQUIRE_FALSE(r);
  CHECK(r.err().code == errc::already_exists);
  CHECK(s->get<article>("bai-1")->title == "Bài một");
}

TEST_CASE_TEMPLATE("a stale update is refused with a conflict and changes nothing", F, STORES) {
  F f;
  std::unique_ptr<pbgdpl::store::store> s = f.make();
  auto a = s->create(make_article("Tiêu đề", "Nội dung"), "editor-1").value();
  auto first = a, second = a;
  first.title = "Sửa lần một";
  second.title = "Sửa lần hai";
  auto r1 = s->update(first, "editor-1");
  REQUIRE(r1);
  CHECK(r1->version == 2);
  auto r2 = s->update(second, "editor-2");
  REQUIRE_FALSE(r2);
  CHECK(r2.err().code == errc::conflict);
  CHECK_FALSE(r2.err().message_vi.empty());
  auto now = s->get<article>(a.id.value).value();
  CHECK(now.title == "Sửa lần một");
  CHECK(now.version == 2);
  // Updating something never stored is not found, not a silent create.
  auto ghost = make_article("Ma", "Ma");
  ghost.id = article_id{"khong-co"};
  ghost.version = 3;
  CHECK(s->update(ghost, "x").err().code == errc::not_found);
}

TEST_CASE_TEMPLATE("an invalid entity is refused and nothing is written", F, STORES) {
  F f;
  std::unique_ptr<pbgdpl::store::store> s = f.make();
  auto a = make_article("", "");
  a.id = article_id{"bad"};
  auto r = s->create(a, "editor-1");
  REQUIRE_FALSE(r);
  CHECK(r.err().code != errc::ok);
  CHECK(s->get<article>("bad").err().code == errc::not_found);
  CHECK(s->audit_log().value().empty());
}

TEST_CASE_TEMPLATE("archive hides an entity from lists and search but it stays readable", F, STORES) {
  F f;
  std::unique_ptr<pbgdpl::store::store> s = f.make();
  auto a = s->create(make_article("Tuyên truyền Luật Giao thông", "An toàn giao thông"), "editor-1").value();
  REQUIRE(s->list<article>().value().items.size() == 1);
  CHECK(s->archive<article>(a.id.value, 5, "x").err().code == errc::conflict);
  auto ar = s->archive<article>(a.id.value, 1, "approver").value();
  CHECK(ar.version == 2);
  CHECK(ar.state == article_state::archived);
  CHECK(s->list<article>().value().items.empty());
  list_query all;
  all.where.include_archived = true;
  CHECK(s->list<article>(all).value().items.size() == 1);
  CHECK(s->search(sr("giao thông")).value().items.empty());
  CHECK(s->get<article>(a.id.value)->state == article_state::archived);
}

TEST_CASE_TEMPLATE("remove deletes an entity and checks the version", F, STORES) {
  F f;
  std::unique_ptr<pbgdpl::store::store> s = f.make();
  auto a = s->create(make_article("Xoá thử", "Nội dung"), "editor-1").value();
  CHECK(s->remove<article>(a.id.value, 7, "x").err().code == errc::conflict);
  REQUIRE(s->remove<article>(a.id.value, 1, "approver"));
  CHECK(s->get<article>(a.id.value).err().code == errc::not_found);
  CHECK(s->remove<article>(a.id.value, 0, "approver").err().code == errc::not_found);
  CHECK(s->search(sr("xoá thử")).value().items.empty());
}

TEST_CASE_TEMPLATE("the audit log records who changed what and the version before", F, STORES) {
  F f;
  std::unique_ptr<pbgdpl::store::store> s = f.make();
  auto a = s->create(make_article("Bản đầu", "Nội dung"), "editor-1").value();
  auto b = a;
  b.title = "Bản sau";
  REQUIRE(s->update(b, "editor-2"));
  REQUIRE(s->remove<article>(a.id.value, 2, "approver"));
  auto log = s->audit_log("article", a.id.value).value();
  REQUIRE(log.size() == 3);
  CHECK(log[0].action == "remove");
  CHECK(log[0].actor == "approver");
  CHECK(log[0].previous["title"] == "Bản sau");
  CHECK(log[1].action == "update");
  CHECK(log[1].actor == "editor-2");
  CHECK(log[1].version == 2);
  CHECK(log[1].previous["title"] == "Bản đầu");
  CHECK(log[1].previous["version"] == 1);
  CHECK(log[2].action == "create");
  CHECK(log[2].previous.is_null());
  CHECK(log[0].seq > log[1].seq);
  CHECK(log[2].at.time_since_epoch().count() > 0);
}

TEST_CASE_TEMPLATE("a failed transaction leaves nothing behind, a good one keeps everything", F, STORES) {
  F f;
  std::unique_ptr<pbgdpl::store::store> s = f.make();
  auto r = s->transaction([&]() -> result<void> {
    auto a = s->create(make_article("Một", "Một"), "x");
    if (!a) return a.err();
    auto b = s->create(make_article("Hai", "Hai"), "x");
    if (!b) return b.err();
    return error(errc::invalid_argument, {}, "huỷ", "abort");
  });
  CHECK_FALSE(r);
  CHECK(s->list<article>().value().items.empty());
  CHECK(s->audit_log().value().empty());
  CHECK_THROWS_AS((void)s->transaction([&]() -> result<void> {
    (void)s->create(make_article("Ba", "Ba"), "x");
    throw exception(errc::internal);
  }), exception);
  CHECK(s->list<article>().value().items.empty());
  REQUIRE(s->transaction([&]() -> result<void> {
    for (int i = 0; i < 3; ++i)
      if (auto a = s->create(make_article("Bài " + std::to_string(i), "x"), "x"); !a) return a.err();
    // A failing nested transaction rolls back only its own part.
    (void)s->transaction([&]() -> result<void> {
      (void)s->create(make_article("Lồng", "x"), "x");
      return errc::conflict;
    });
    return {};
  }));
  CHECK(s->list<article>().value().items.size() == 3);
}

TEST_CASE_TEMPLATE("keyset pages return every item once, newest first, and survive inserts", F, STORES) {
  F f;
  std::unique_ptr<pbgdpl::store::store> s = f.make();
  for (int i = 0; i < 23; ++i) {
    char when[40];
    std::snprintf(when, sizeof when, "2023-03-%02dT08:00:00+07:00", 1 + i);
    REQUIRE(s->create(make_article("Bài " + std::to_string(i), "x", "th-van-yen", when), "x"));
  }
  list_query q;
  q.limit = 5;
  std::vector<std::string> keys;
  std::set<std::string> ids;
  int pages = 0;
  for (;;) {
    auto p = s->list<article>(q).value();
    ++pages;
    for (auto& a : p.items) {
      keys.push_back(format_timestamp_utc(*a.published_at));
      ids.insert(a.id.value);
    }
    if (pages == 1)  // a write between pages neither repeats nor skips what was there
      REQUIRE(s->create(make_article("Mới", "x", "th-van-yen", "2023-05-01T08:00:00+07:00"), "x"));
    if (p.next_cursor.empty()) break;
    q.cursor = p.next_cursor;
  }
  CHECK(pages == 5);
  CHECK(ids.size() == 23);
  CHECK(std::is_sorted(keys.rbegin(), keys.rend()));
  list_query old;
  old.oldest_first = true;
  old.limit = 1;
  CHECK(s->list<article>(old).value().items.front().title == "Bài 0");
}

TEST_CASE_TEMPLATE("a malformed cursor or page size is a clear error", F, STORES) {
  F f;
  std::unique_ptr<pbgdpl::store::store> s = f.make();
  list_query q;
  q.cursor = "zz-not-a-cursor";
  auto r = s->list<article>(q);
  REQUIRE_FALSE(r);
  CHECK(r.err().code == errc::invalid_argument);
  CHECK(r.err().message_en.find("cursor") != std::string::npos);
  q.cursor = encode_cursor("'; DROP TABLE entities; --");
  CHECK(s->list<article>(q).err().code == errc::invalid_argument);
  q.cursor.clear();
  q.limit = 0;
  CHECK(s->list<article>(q).err().code == errc::out_of_range);
  CHECK(s->search(sr("x", {}, 20, "o:1")).err().code == errc::invalid_argument);
}

TEST_CASE_TEMPLATE("lists filter by unit and its descendants, category, kind, state and dates", F, STORES) {
  F f;
  std::unique_ptr<pbgdpl::store::store> s = f.make();
  REQUIRE(s->create(make_unit("so-gddt", "Hà Nội", std::nullopt, unit_kind::city), "a"));
  REQUIRE(s->create(make_unit("pgd-ha-dong", "Phòng GDĐT Hà Đông", "so-gddt", unit_kind::education_division), "a"));
  REQUIRE(s->create(make_unit("th-van-yen", "TH Văn Yên", "pgd-ha-dong"), "a"));
  REQUIRE(s->create(make_unit("th-van-bao", "TH Văn Bảo", "pgd-ha-dong"), "a"));
  REQUIRE(s->create(make_unit("pgd-cau-giay", "Phòng GDĐT Cầu Giấy", "so-gddt", unit_kind::education_division), "a"));
  REQUIRE(s->create(make_unit("th-dich-vong", "TH Dịch Vọng", "pgd-cau-giay"), "a"));
  auto a1 = make_article("A1", "x", "th-van-yen", "2023-01-10T08:00:00+07:00");
  auto a2 = make_article("A2", "x", "th-van-bao", "2023-02-10T08:00:00+07:00");
  a2.category = "hoi-dap";
  auto a3 = make_article("A3", "x", "th-dich-vong", "2023-03-10T08:00:00+07:00");
  a3.kind = article_kind::policy_dialogue;
  auto a4 = make_article("A4", "x", "pgd-ha-dong", "2023-04-10T08:00:00+07:00");
  a4.state = article_state::draft;
  a4.published_at.reset();
  for (auto* a : {&a1, &a2, &a3, &a4}) REQUIRE(s->create(*a, "x"));
  auto titles = [&](list_query q) {
    std::set<std::string> t;
    auto got = s->list<article>(q).value();
    for (auto& a : got.items) t.insert(a.title);
    return t;
  };
  list_query q;
  q.where.unit = "pgd-ha-dong";
  CHECK(titles(q) == std::set<std::string>{"A1", "A2", "A4"});
  q.where.include_descendants = false;
  CHECK(titles(q) == std::set<std::string>{"A4"});
  q = {};
  q.where.unit = "so-gddt";
  CHECK(titles(q).size() == 4);
  q = {};
  q.where.category = "hoi-dap";
  CHECK(titles(q) == std::set<std::string>{"A2"});
  q = {};
  q.where.kind = "policy_dialogue";
  CHECK(titles(q) == std::set<std::string>{"A3"});
  q = {};
  q.where.state = "draft";
  CHECK(titles(q) == std::set<std::string>{"A4"});
  q = {};
  q.where.from = date{std::chrono::year{2023}, std::chrono::February, std::chrono::day{10}};
  q.where.to = date{std::chrono::year{2023}, std::chrono::March, std::chrono::day{10}};
  CHECK(titles(q) == std::set<std::string>{"A2", "A3"});
  list_query uq;
  uq.where.unit = "pgd-ha-dong";
  CHECK(s->list<unit>(uq).value().items.size() == 3);
}

TEST_CASE_TEMPLATE("legal documents filter by type, level, status and field", F, STORES) {
  F f;
  std::unique_ptr<pbgdpl::store::store> s = f.make();
  auto d1 = make_document("kh-19", "19/KH-PGDĐT", "KH", 2023, 3, 22, {"Giáo dục", "Phổ biến pháp luật"});
  // A normative decision (its number carries the year): only such documents have a status.
  auto d2 = make_document("qd-12", "12/2022/QĐ-UBND", "QĐ", 2022, 5, 4, {"Giao thông"});
  d2.level = document_level::city;
  d2.status = validity_status::expired;
  auto d3 = make_document("nd-30", "30/2020/NĐ-CP", "NĐ", 2020, 3, 5, {"Văn thư"});
  d3.level = document_level::central;
  d3.status = validity_status::in_force;
  REQUIRE(s->create(d1, "x"));
  REQUIRE(s->create(d2, "x"));
  REQUIRE(s->create(d3, "x"));
  auto ids = [&](list_query q) {
    std::set<std::string> t;
    auto got = s->list<legal_document>(q).value();
    for (auto& d : got.items) t.insert(d.id.value);
    return t;
  };
  list_query q;
  q.where.doc_type = "KH";
  CHECK(ids(q) == std::set<std::string>{"kh-19"});
  q = {};
  q.where.doc_level = "city";
  CHECK(ids(q) == std::set<std::string>{"qd-12"});
  q = {};
  q.where.doc_status = "in_force";
  CHECK(ids(q) == std::set<std::string>{"nd-30"});
  q = {};
  q.where.doc_status = "expired";
  CHECK(ids(q) == std::set<std::string>{"qd-12"});
  q = {};
  q.where.field = "Phổ biến pháp luật";
  CHECK(ids(q) == std::set<std::string>{"kh-19"});
  q = {};
  CHECK(ids(q).size() == 3);
  CHECK(s->list<legal_document>(q).value().items.front().id.value == "kh-19");  // newest issue date first
}

TEST_CASE_TEMPLATE("a unit write that would close a parent cycle is refused, up or down the tree", F, STORES) {
  F f;
  std::unique_ptr<pbgdpl::store::store> s = f.make();
  REQUIRE(s->create(make_unit("ha-noi", "Hà Nội", std::nullopt, unit_kind::city), "admin"));
  REQUIRE(s->create(make_unit("pgd-ha-dong", "Phòng GDĐT Hà Đông", "ha-noi", unit_kind::education_division), "admin"));
  REQUIRE(s->create(make_unit("th-van-yen", "Trường Tiểu học Văn Yên", "pgd-ha-dong"), "admin"));
  // The division under its own school (two steps), the city under the school (three), a unit
  // as its own parent, and a new unit created as its own parent.
  for (auto [id, parent] : {std::pair{"pgd-ha-dong", "th-van-yen"}, std::pair{"ha-noi", "th-van-yen"},
                            std::pair{"th-van-yen", "th-van-yen"}}) {
    auto u = s->get<unit>(id).value();
    auto before = u;
    u.parent = unit_id{parent};
    auto r = s->update(u, "admin");
    const auto& id_seen = id;  // clang < 16 cannot capture a structured binding in CAPTURE's lambda
    INFO("id := ", id_seen);
    REQUIRE_FALSE(r);
    CHECK(r.err().path == "/parent");
    CHECK_FALSE(r.err().message_vi.empty());
    CHECK(s->get<unit>(id).value() == before);
  }
  CHECK_FALSE(s->create(make_unit("tu-tro", "Tự trỏ", "tu-tro"), "admin"));
  CHECK(s->get<unit>("tu-tro").err().code == errc::not_found);
  // Moving a school to another place in the tree (no cycle) still works; a parent that is not
  // stored is refused (test_store_traps.cpp).
  auto school = s->get<unit>("th-van-yen").value();
  school.parent = unit_id{"ha-noi"};
  CHECK(s->update(school, "admin"));
  CHECK_FALSE(s->create(make_unit("th-moi", "Trường mới", "chua-co"), "admin"));
}

namespace {
// A store that forwards to another and counts record reads: shows which typed calls read again.
class counting_store final : public pbgdpl::store::store {
 public:
  explicit counting_store(pbgdpl::store::store& inner) : inner_(inner) {}
  int reads = 0;
  result<void> write(write_op op, const record& r, std::uint64_t expected, std::string_view actor) override {
    return inner_.write(op, r, expected, actor);
  }
  result<record> read(std::string_view kind, std::string_view id) override {
    ++reads;
    return inner_.read(kind, id);
  }
  result<page<record>> list_records(std::string_view kind, const list_query& q) override { return inner_.list_records(kind, q); }
  result<search_page> search(const search_request& req) override { return inner_.search(req); }
  result<std::vector<audit_entry>> audit_log(std::string_view kind, std::string_view id, std::size_t limit) override {
    return inner_.audit_log(kind, id, limit);
  }
  result<void> transaction(const std::function<result<void>()>& fn) override { return inner_.transaction(fn); }

 private:
  pbgdpl::store::store& inner_;
};
}  // namespace

TEST_CASE_TEMPLATE("a search hit carries its record, so showing the entity reads nothing again", F, STORES) {
  F f;
  std::unique_ptr<pbgdpl::store::store> inner = f.make();
  counting_store s(*inner);
  auto a = s.create(make_article("Hòa giải ở cơ sở", "Tuyên truyền pháp luật về hòa giải."), "x").value();
  auto d = make_document("kh-19", "19/KH-PGDĐT", "KH", 2023, 3, 22);
  d.summary = "Hòa giải ở cơ sở năm 2023";
  REQUIRE(s.create(d, "x"));
  auto page = s.search(sr("hoa giai")).value();
  REQUIRE(page.items.size() == 2);
  s.reads = 0;
  for (const auto& h : page.items) {
    CAPTURE(h.kind);
    CHECK(h.stored.kind == h.kind);
    CHECK(h.stored.id == h.id);
    if (h.kind == "article") {
      CHECK(s.get<article>(h).value() == a);
      CHECK(s.get<legal_document>(h).err().code == errc::not_found);  // another kind's hit names no document
    } else {
      CHECK(s.get<legal_document>(h).value() == inner->get<legal_document>("kh-19").value());
    }
  }
  CHECK(s.reads == 0);
  // A backend that leaves the record out (a plugin): the entity is read by id, once.
  auto bare = page.items.front();
  bare.stored = {};
  CHECK(s.get<article>(bare).has_value() == (bare.kind == "article"));
  CHECK(s.reads == (bare.kind == "article" ? 1 : 0));
}

TEST_CASE_TEMPLATE("a stored record is read as written: not validated again, but a body that does not decode is an error",
                   F, STORES) {
  F f;
  std::unique_ptr<pbgdpl::store::store> s = f.make();
  // What an older version may have stored under rules that were looser then: an empty title
  // and a short field spanning lines, both refused by today's validator.
  auto old_article = make_article("Tạm", "Nội dung cũ");
  old_article.id = article_id{"bai-cu"};
  auto r = pbgdpl::store::store::to_record(old_article).value();
  r.version = 1;
  r.body["id"] = "bai-cu";
  r.body["version"] = 1;
  r.body["title"] = "";
  r.body["category"] = "dòng một\ndòng hai";
  REQUIRE(s->write(write_op::create, r, 0, "old-version"));
  auto old = s->get<article>("bai-cu");
  REQUIRE_MESSAGE(old.has_value(), (old ? "" : old.err().describe()));
  CHECK(old->title.empty());
  CHECK(old->category == "dòng một\ndòng hai");
  CHECK(s->list<article>().value().items.size() == 1);
  CHECK_FALSE(check(*old));  // what the validator says of it now

  // A body whose title is a number cannot be an article: a clear error naming the record and
  // the field, from get and from list, never a crash or a default value.
  auto bad = r;
  bad.id = "bai-hong";
  bad.body["id"] = "bai-hong";
  bad.body["title"] = 42;
  REQUIRE(s->write(write_op::create, bad, 0, "x"));
  auto got = s->get<article>("bai-hong");
  REQUIRE_FALSE(got);
  CHECK(got.err().code == errc::corrupt);
  CHECK(got.err().path == "/title");
  CHECK(got.err().message_vi.find("article/bai-hong") != std::string::npos);
  CHECK(got.err().message_en.find("cannot be read") != std::string::npos);
  CHECK(s->list<article>().err().code == errc::corrupt);
  auto missing = r;
  missing.id = "bai-thieu";
  missing.body["id"] = "bai-thieu";
  missing.body.erase("body_markdown");
  REQUIRE(s->write(write_op::create, missing, 0, "x"));
  CHECK(s->get<article>("bai-thieu").err().code == errc::corrupt);
  CHECK(s->get<article>("bai-thieu").err().path == "/body_markdown");
}

TEST_CASE_TEMPLATE("text built in C++ in decomposed form is stored composed, and create returns what get reads", F, STORES) {
  F f;
  std::unique_ptr<pbgdpl::store::store> s = f.make();
  auto nfd = text::nfd("Kế hoạch hòa giải").value();
  REQUIRE(nfd != "Kế hoạch hòa giải");
  auto a = make_article(nfd, text::nfd("Nội dung về hòa giải").value());
  a.category = text::nfd("tin-hoạt-động").value();
  auto created = s->create(a, "x").value();
  CHECK(created.title == "Kế hoạch hòa giải");
  CHECK(s->get<article>(created.id.value).value() == created);
  auto raw = s->read("article", created.id.value).value();
  CHECK(raw.body["title"] == "Kế hoạch hòa giải");
  CHECK(raw.body["body_markdown"] == "Nội dung về hòa giải");
  CHECK(raw.category == "tin-hoạt-động");  // the filter column too
  list_query q;
  q.where.category = "tin-hoạt-động";
  CHECK(s->list<article>(q).value().items.size() == 1);
}

TEST_CASE_TEMPLATE("searching a kind that is not searchable is refused by every store", F, STORES) {
  F f;
  std::unique_ptr<pbgdpl::store::store> s = f.make();
  auto r = s->search(sr("ha dong", {"unit"}));
  REQUIRE_FALSE(r);
  CHECK(r.err().code == errc::invalid_argument);
  CHECK(r.err().path == "/kinds");
  CHECK(s->search(sr("ha dong", {"khong-co"})).err().code == errc::invalid_argument);
  CHECK(s->search(sr("ha dong", {"article", "question"})).has_value());
}

TEST_CASE("the registry lists every stored kind once, with what search reads of it") {
  std::set<std::string_view> names;
  std::vector<std::string> searchable;
  for (const auto& k : stored_kind_infos()) {
    CHECK(names.insert(k.kind).second);
    CHECK(find_kind(k.kind) == &k);
    if (k.search) searchable.emplace_back(k.kind);
  }
  CHECK(names.size() == 36);
  CHECK(searchable == searchable_kinds());
  CHECK(searchable == std::vector<std::string>{"legal_document", "article", "publication", "question"});
  CHECK(find_kind("report_template") != nullptr);
  CHECK(find_kind("dataset") == nullptr);
  CHECK(searchable_fields("unit") == nullptr);
  // Types and names agree, in the same order.
  std::size_t i = 0;
  for_each_stored_kind([&]<class T>(std::type_identity<T>) {
    CHECK(stored_kind_infos()[i++].kind == entity_traits<T>::kind);
    return true;
  });
  CHECK(i == names.size());
  // A legal document's search text is its number, summary, body and issuer, in that order.
  auto d = make_document("kh-19", "19/KH-PGDĐT", "KH", 2023, 3, 22);
  d.summary = "Tóm tắt";
  d.body_markdown = "Toàn văn";
  auto r = pbgdpl::store::store::to_record(d).value();
  CHECK(r.searchable);
  CHECK(r.title == d.title);
  CHECK(r.text == "19/KH-PGDĐT\nTóm tắt\nToàn văn\nPhòng Giáo dục và Đào tạo quận Hà Đông");
  CHECK_FALSE(pbgdpl::store::store::to_record(make_unit("u", "Đơn vị", std::nullopt, unit_kind::city)).value().searchable);
}

TEST_CASE_TEMPLATE("importing a dataset creates each kind in the registry's order, once", F, STORES) {
  F f;
  std::unique_ptr<pbgdpl::store::store> inner = f.make();
  dataset d;
  d.articles.push_back(make_article("Bài trong bộ dữ liệu", "x", "th-van-yen"));
  d.articles.back().id = article_id{"bai-1"};
  d.legal_documents.push_back(make_document("kh-19", "19/KH-PGDĐT", "KH", 2023, 3, 22));
  d.units.push_back(make_unit("th-van-yen", "TH Văn Yên", "pgd-ha-dong"));
  d.units.push_back(make_unit("pgd-ha-dong", "Phòng GDĐT Hà Đông", "ha-noi", unit_kind::education_division));
  d.units.push_back(make_unit("ha-noi", "Hà Nội", std::nullopt, unit_kind::city));
  CHECK(import_dataset(*inner, d).value() == 5);
  auto log = inner->audit_log().value();  // newest first
  REQUIRE(log.size() == 5);
  CHECK(log[4].kind == "unit");
  CHECK(log[3].kind == "unit");
  CHECK(log[2].kind == "unit");
  CHECK(log[1].kind == "legal_document");
  CHECK(log[0].kind == "article");
  CHECK(import_dataset(*inner, d).value() == 0);
  CHECK(inner->get<unit>("pgd-ha-dong").has_value());
}

TEST_CASE_TEMPLATE("importing the seed stores its signage: groups, displays, layouts, playlists, schedules", F, STORES) {
  F f;
  std::unique_ptr<pbgdpl::store::store> s = f.make();
  auto raw = read_dataset_directory(std::string(PBGDPL_SOURCE_DIR) + "/data/seed");
  REQUIRE(raw);
  auto seed = dataset_from_json(*raw);
  REQUIRE_MESSAGE(seed, (seed ? "" : seed.err().describe()));
  REQUIRE(!seed->displays.empty());
  auto n = import_dataset(*s, *seed);
  REQUIRE_MESSAGE(n, (n ? "" : n.err().describe()));
  list_query all;
  all.limit = 100;
  CHECK(s->list<display_group>(all).value().items.size() == seed->display_groups.size());
  CHECK(s->list<display>(all).value().items.size() == seed->displays.size());
  CHECK(s->list<layout>(all).value().items.size() == seed->layouts.size());
  CHECK(s->list<playlist>(all).value().items.size() == seed->playlists.size());
  CHECK(s->list<schedule_entry>(all).value().items.size() == seed->schedules.size());
  auto d = s->get<display>(seed->displays.front().id.value);
  REQUIRE(d);
  CHECK(d->time_zone == "Asia/Ho_Chi_Minh");
  CHECK(d->orientation == display_orientation::portrait);
  CHECK(d->building == "Nhà A");
  // Filter columns: a unit's displays, a group's displays (category), a group's entries, a
  // playlist's entries (kind).
  list_query q;
  q.where.unit = "thcs-van-yen";
  CHECK(s->list<display>(q).value().items.size() == 2);
  q = {};
  q.where.category = "cau-thang-thcs-van-yen";
  CHECK(s->list<display>(q).value().items.size() == 2);
  CHECK(s->list<schedule_entry>(q).value().items.size() == 2);
  q = {};
  q.where.category = "cau-thang-ha-dong";
  CHECK(s->list<display>(q).value().items.empty());
  CHECK(s->list<display_group>(q).value().items.size() == 1);  // its child group
  q = {};
  q.where.kind = "pl-cau-thang-thcs-van-yen";
  CHECK(s->list<schedule_entry>(q).value().items.size() == 2);
  // Importing again creates nothing.
  CHECK(import_dataset(*s, *seed).value() == 0);
}
