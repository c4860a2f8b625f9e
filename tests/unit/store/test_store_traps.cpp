// The store's traps for a vendor (issue 11): unset timestamps, dangling unit parents, drafts in
// search results, filters only as strings. The same on every backend.
#include "fixtures.hpp"

#include <pbgdpl/store/import.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <random>
#include <set>

using namespace fixtures;

#define STORES memory_factory, sqlite_factory, postgres_factory

namespace {
std::set<std::string> hit_ids(pbgdpl::store::store& s, const search_request& req) {
  auto r = s.search(req);
  REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.err().describe()));
  std::set<std::string> out;
  for (const auto& h : r->items) out.insert(h.id);
  return out;
}

unit city() { return make_unit("ha-noi", "Hà Nội", std::nullopt, unit_kind::city); }
unit division() { return make_unit("pgd-ha-dong", "Phòng GDĐT Hà Đông", "ha-noi", unit_kind::education_division); }
}  // namespace

TEST_CASE_TEMPLATE("a unit whose parent does not exist is refused, on create and on update", F, STORES) {
  F f;
  std::unique_ptr<pbgdpl::store::store> s = f.make();
  auto r = s->create(make_unit("th-moi", "Trường mới", "chua-co"), "admin");
  REQUIRE_FALSE(r);
  CHECK(r.err().code == errc::invalid_argument);
  CHECK(r.err().path == "/parent");
  CHECK(r.err().message_vi.find("chua-co") != std::string::npos);
  CHECK(r.err().message_en.find("does not exist") != std::string::npos);
  CHECK(s->get<unit>("th-moi").err().code == errc::not_found);
  CHECK(s->audit_log().value().empty());

  REQUIRE(s->create(city(), "admin"));
  REQUIRE(s->create(division(), "admin"));
  auto school = s->create(make_unit("th-van-yen", "TH Văn Yên", "pgd-ha-dong"), "admin").value();
  school.parent = unit_id{"pgd-khong-co"};
  auto u = s->update(school, "admin");
  REQUIRE_FALSE(u);
  CHECK(u.err().path == "/parent");
  CHECK(s->get<unit>("th-van-yen").value().parent->value == "pgd-ha-dong");
  // A unit with no parent (the city) needs none.
  CHECK(s->create(make_unit("tp-khac", "Thành phố khác", std::nullopt, unit_kind::city), "admin"));
}

TEST_CASE_TEMPLATE("a dataset whose units are listed children first imports parents first", F, STORES) {
  F f;
  std::unique_ptr<pbgdpl::store::store> s = f.make();
  dataset d;
  // A tree four levels deep, listed deepest first and then shuffled.
  d.units.push_back(make_unit("to-1", "Tổ 1", "th-a", unit_kind::department));
  for (int i = 0; i < 30; ++i) d.units.push_back(make_unit("th-" + std::to_string(i), "TH " + std::to_string(i), "pgd-ha-dong"));
  d.units.push_back(make_unit("th-a", "TH A", "pgd-ha-dong"));
  d.units.push_back(division());
  d.units.push_back(city());
  std::mt19937 rng(11);
  std::shuffle(d.units.begin() + 1, d.units.end(), rng);
  auto n = import_dataset(*s, d);
  REQUIRE_MESSAGE(n.has_value(), (n ? "" : n.err().describe()));
  CHECK(*n == d.units.size());
  CHECK(s->get<unit>("to-1").value().parent->value == "th-a");
  // Each unit was written after its parent.
  auto log = s->audit_log({}, {}, 1000).value();
  std::map<std::string, std::uint64_t> seq;
  for (const auto& e : log) seq[e.id] = e.seq;
  for (const auto& u : d.units)
    if (u.parent) CHECK(seq.at(u.parent->value) < seq.at(u.id.value));
  CHECK(import_dataset(*s, d).value() == 0);
}

TEST_CASE("units_parents_first: parents before children, cycles last, each unit once, whatever the order") {
  std::vector<unit> units;
  // A chain 200 deep listed from the bottom, a cycle of two, a duplicate id and an outside parent.
  for (int i = 199; i > 0; --i) units.push_back(make_unit("u" + std::to_string(i), "U", "u" + std::to_string(i - 1)));
  units.push_back(make_unit("u0", "U0", std::nullopt, unit_kind::city));
  units.push_back(make_unit("vong-a", "A", "vong-b"));
  units.push_back(make_unit("vong-b", "B", "vong-a"));
  units.push_back(make_unit("u5", "U5 again", "u4"));
  units.push_back(make_unit("ngoai", "Ngoài", "da-luu-truoc"));
  auto order = units_parents_first(units);
  REQUIRE(order.size() == units.size());
  std::set<const unit*> distinct(order.begin(), order.end());
  CHECK(distinct.size() == units.size());
  std::map<std::string, std::size_t> first_at;
  for (std::size_t i = 0; i < order.size(); ++i) first_at.emplace(order[i]->id.value, i);
  for (std::size_t i = 0; i < order.size(); ++i) {
    const auto& u = *order[i];
    if (!u.parent || u.id.value.starts_with("vong-") || !first_at.count(u.parent->value)) continue;
    CAPTURE(u.id.value);
    CHECK(first_at.at(u.parent->value) < i);
  }
  // The two in a cycle come last, in the order given.
  CHECK(order[order.size() - 2]->id.value == "vong-a");
  CHECK(order.back()->id.value == "vong-b");
  CHECK(units_parents_first({}).empty());
}

TEST_CASE_TEMPLATE("created_at and updated_at left unset are set on create, updated_at on update, never stored as 1970", F,
                   STORES) {
  F f;
  std::unique_ptr<pbgdpl::store::store> s = f.make();
  const timestamp unset{};
  auto before = pbgdpl::now();
  article a = make_article("Bài không có ngày", "Nội dung");
  a.created_at = a.updated_at = unset;
  a.published_at.reset();
  a.state = article_state::draft;
  auto c = s->create(a, "x").value();
  auto after = pbgdpl::now();
  CHECK(c.created_at >= before);
  CHECK(c.created_at <= after);
  CHECK(c.updated_at == c.created_at);
  CHECK(s->get<article>(c.id.value).value().created_at == c.created_at);
  CHECK(s->read("article", c.id.value).value().sort_key.rfind("1970", 0) != 0);

  // Set by the caller: kept as given.
  auto given = make_article("Bài có ngày", "Nội dung");
  auto g = s->create(given, "x").value();
  CHECK(g.created_at == given.created_at);
  CHECK(g.updated_at == given.updated_at);
  // Only updated_at given: created_at takes it (not now, which would come after it).
  auto only_updated = make_article("Bài chỉ có ngày cập nhật", "Nội dung");
  only_updated.created_at = unset;
  CHECK(s->create(only_updated, "x").value().created_at == only_updated.updated_at);

  // update: an updated_at reset to unset becomes now; one left as read is kept.
  g.title = "Bài có ngày (sửa)";
  auto kept = s->update(g, "x").value();
  CHECK(kept.updated_at == given.updated_at);
  kept.updated_at = unset;
  auto touched = s->update(kept, "x").value();
  CHECK(touched.updated_at >= before);
  CHECK(s->get<article>(g.id.value).value().updated_at == touched.updated_at);
  // created_at unset on an update is not guessed: refused.
  touched.created_at = unset;
  auto bad = s->update(touched, "x");
  REQUIRE_FALSE(bad);
  CHECK(bad.err().path == "/created_at");
  CHECK(bad.err().code == errc::missing_field);

  // Legal documents the same.
  auto d = make_document("kh-19", "19/KH-PGDĐT", "KH", 2023, 3, 22);
  d.created_at = d.updated_at = unset;
  auto dc = s->create(d, "x").value();
  CHECK(dc.created_at >= before);
  CHECK(dc.updated_at == dc.created_at);
}

TEST_CASE_TEMPLATE("other required times left unset are refused with a bilingual error, nothing stored", F, STORES) {
  F f;
  std::unique_ptr<pbgdpl::store::store> s = f.make();
  question q;
  q.id = question_id{"q1"};
  q.unit = unit_id{"th-van-yen"};
  q.asker_name = "Phụ huynh";
  q.title = "Hỏi về quyền trẻ em";
  q.body = "Trẻ em có quyền gì?";
  auto r = s->create(q, "public");
  REQUIRE_FALSE(r);
  CHECK(r.err().path == "/asked_at");
  CHECK(r.err().code == errc::missing_field);
  CHECK(r.err().message_vi.find("1970") != std::string::npos);
  CHECK(r.err().message_en.find("not set") != std::string::npos);
  CHECK(s->get<question>("q1").err().code == errc::not_found);
  q.asked_at = at("2023-04-01T09:00:00+07:00");
  CHECK(s->create(q, "public"));

  dialogue_session ds;
  ds.id = dialogue_id{"dt-1"};
  ds.unit = unit_id{"th-van-yen"};
  ds.title = "Đối thoại chính sách";
  ds.ends_at = at("2023-04-01T09:00:00+07:00");  // starts_at left unset: would read 1970
  auto dr = s->create(ds, "x");
  REQUIRE_FALSE(dr);
  CHECK(dr.err().path == "/starts_at");
}

TEST_CASE_TEMPLATE("search leaves out what is not published unless the request asks", F, STORES) {
  F f;
  std::unique_ptr<pbgdpl::store::store> s = f.make();
  auto add = [&](std::string id, article_state st) {
    auto a = make_article("Hòa giải ở cơ sở " + id, "Tuyên truyền pháp luật về hòa giải.");
    a.id = article_id{id};
    a.state = st;
    if (st != article_state::published) a.published_at.reset();
    REQUIRE(s->create(a, "x"));
  };
  add("dang", article_state::published);
  add("nhap", article_state::draft);
  add("cho-duyet", article_state::submitted);
  add("da-duyet", article_state::approved);
  auto doc = make_document("kh-nhap", "20/KH-PGDĐT", "KH", 2023, 3, 22);
  doc.title = "Kế hoạch hòa giải ở cơ sở";
  doc.state = article_state::draft;
  REQUIRE(s->create(doc, "x"));
  question q;
  q.id = question_id{"hoi-chua-dang"};
  q.unit = unit_id{"th-van-yen"};
  q.asker_name = "Phụ huynh";
  q.title = "Hỏi về hòa giải ở cơ sở";
  q.body = "Hòa giải thế nào?";
  q.asked_at = at("2023-04-01T09:00:00+07:00");
  REQUIRE(s->create(q, "public"));

  CHECK(hit_ids(*s, sr("hoa giai")) == std::set<std::string>{"dang"});
  // A user typing state:draft cannot see drafts either.
  CHECK(hit_ids(*s, sr("hoa giai state:draft")) == std::set<std::string>{"dang"});
  auto all = sr("hoa giai");
  all.include_unpublished = true;
  CHECK(hit_ids(*s, all) == std::set<std::string>{"dang", "nhap", "cho-duyet", "da-duyet", "kh-nhap", "hoi-chua-dang"});
  all.q = "hoa giai state:draft";
  CHECK(hit_ids(*s, all) == std::set<std::string>{"nhap", "kh-nhap"});
  // A state the caller sets is what it asks for.
  auto drafts = sr("hoa giai");
  drafts.where.with_state(article_state::draft);
  CHECK(hit_ids(*s, drafts) == std::set<std::string>{"nhap", "kh-nhap"});
  // Paging counts published records only: no "next page" made of hidden ones.
  auto one = sr("hoa giai", {}, 1);
  auto p = s->search(one).value();
  CHECK(p.items.size() == 1);
  CHECK(p.next_cursor.empty());
}

TEST_CASE_TEMPLATE("typed filters take the model's enums and ids and mean what the string forms mean", F, STORES) {
  F f;
  std::unique_ptr<pbgdpl::store::store> s = f.make();
  REQUIRE(s->create(city(), "a"));
  REQUIRE(s->create(division(), "a"));
  REQUIRE(s->create(make_unit("th-van-yen", "TH Văn Yên", "pgd-ha-dong"), "a"));
  auto a = make_article("Tin hoạt động", "Nội dung", "th-van-yen");
  a.id = article_id{"tin-1"};
  REQUIRE(s->create(a, "x"));
  auto b = make_article("Giới thiệu văn bản", "Nội dung", "pgd-ha-dong");
  b.id = article_id{"gt-1"};
  b.kind = article_kind::legal_document_intro;
  b.documents = {legal_document_id{"kh-19"}};
  b.state = article_state::draft;
  b.published_at.reset();
  REQUIRE(s->create(b, "x"));
  auto ids = [&](const filter& w) {
    list_query q;
    q.where = w;
    std::set<std::string> out;
    for (const auto& x : s->list<article>(q).value().items) out.insert(x.id.value);
    return out;
  };
  filter typed;
  typed.with_state(article_state::draft);
  filter named;
  named.state = "draft";
  CHECK(typed.state == named.state);
  CHECK(ids(typed) == std::set<std::string>{"gt-1"});
  CHECK(ids(filter{}.with_kind(article_kind::activity_news)) == std::set<std::string>{"tin-1"});
  CHECK(ids(filter{}.with_unit(unit_id{"pgd-ha-dong"})) == std::set<std::string>{"tin-1", "gt-1"});
  CHECK(ids(filter{}.with_unit(unit_id{"pgd-ha-dong"}, false)) == std::set<std::string>{"gt-1"});
  CHECK(ids(filter{}.with_units({unit_id{"th-van-yen"}})) == std::set<std::string>{"tin-1"});
  CHECK(ids(filter{}.with_unit(unit_id{"pgd-ha-dong"}).with_state(article_state::published)) ==
        std::set<std::string>{"tin-1"});
  // Units listed by their kind, documents by level and status.
  list_query uq;
  uq.where.with_kind(unit_kind::school);
  CHECK(s->list<unit>(uq).value().items.size() == 1);
  filter docs;
  docs.with_level(document_level::district).with_status(validity_status::in_force);
  CHECK(docs.doc_level == "district");
  CHECK(docs.doc_status == "in_force");
}

TEST_CASE_TEMPLATE("with visible_at, scheduled articles are left out of search and lists, and of their paging", F, STORES) {
  F f;
  std::unique_ptr<pbgdpl::store::store> s = f.make();
  auto now = at("2024-01-10T08:00:00+07:00");
  auto add = [&](std::string id, const char* published) {
    auto a = make_article("Hòa giải ở cơ sở " + id, "Tuyên truyền pháp luật về hòa giải.", "th-van-yen", "2024-01-01T08:00:00+07:00");
    a.id = article_id{id};
    a.published_at = at(published);
    REQUIRE(s->create(a, "x"));
  };
  add("da-dang", "2024-01-05T08:00:00+07:00");
  add("dung-luc", "2024-01-10T08:00:00+07:00");  // at `now`: visible
  add("hen-gio", "2024-01-10T08:00:01+07:00");   // one second later: scheduled
  auto doc = make_document("kh-hoa-giai", "20/KH-PGDĐT", "KH", 2025, 3, 22);  // documents are not scheduled
  doc.title = "Kế hoạch hòa giải ở cơ sở";
  REQUIRE(s->create(doc, "x"));

  auto req = sr("hoa giai");
  CHECK(hit_ids(*s, req).count("hen-gio") == 1);  // without a time: everything published
  req.where.visible_by(now);
  CHECK(hit_ids(*s, req) == std::set<std::string>{"da-dang", "dung-luc", "kh-hoa-giai"});
  // Paging: three visible hits on pages of two make two pages, not a third made of the scheduled one.
  req.limit = 2;
  auto p1 = s->search(req).value();
  CHECK(p1.items.size() == 2);
  REQUIRE_FALSE(p1.next_cursor.empty());
  req.cursor = p1.next_cursor;
  auto p2 = s->search(req).value();
  CHECK(p2.items.size() == 1);
  CHECK(p2.next_cursor.empty());

  list_query q;
  q.where.visible_by(now);
  std::set<std::string> listed;
  for (const auto& a : s->list<article>(q).value().items) listed.insert(a.id.value);
  CHECK(listed == std::set<std::string>{"da-dang", "dung-luc"});
}

TEST_CASE("a dataset directory's files are read with a bound: a file larger than the parser takes is refused by name before it is read whole") {
  temp_dir dir;
  {
    std::ofstream(dir.path / "articles.json") << "[]";
    std::ofstream big(dir.path / "units.json", std::ios::binary);
    std::string chunk(1 << 20, ' ');
    for (unsigned i = 0; i <= PBGDPL_MAX_JSON_BYTES / chunk.size(); ++i) big << chunk;  // 1 MiB past the bound
  }
  auto r = read_dataset_directory(dir.path);
  REQUIRE_FALSE(r);
  CHECK(r.err().code == errc::too_large);
  CHECK(r.err().path == "units.json");
  CHECK(r.err().message_en.find("too large") != std::string::npos);
  std::filesystem::resize_file(dir.path / "units.json", 0);
  std::ofstream(dir.path / "units.json") << "[]";
  auto ok = read_dataset_directory(dir.path);
  REQUIRE(ok);
  CHECK(ok->size() == 2);
}

TEST_CASE("import_dataset_counted: per member, what the import created, and nothing the second time") {
  auto raw = read_dataset_directory(std::string(PBGDPL_SOURCE_DIR) + "/data/seed");
  REQUIRE(raw);
  auto seed = dataset_from_json(*raw);
  REQUIRE(seed);
  auto counted_store = make_memory_store();
  auto first = import_dataset_counted(*counted_store, *seed, "seed");
  REQUIRE_MESSAGE(first, (first ? "" : first.err().describe()));
  REQUIRE(first->size() >= 20);
  CHECK(first->front().first == "units");  // describe_dataset's order
  std::size_t sum = 0;
  for (const auto& [key, n] : *first) sum += n;
  CHECK(sum > 0);
  CHECK(std::find_if(first->begin(), first->end(), [&](auto& p) { return p.first == "units"; })->second == seed->units.size());
  // The same dataset through the plain import creates exactly as many.
  auto plain = make_memory_store();
  CHECK(import_dataset(*plain, *seed, "seed").value() == sum);
  // Again: nothing new, every member still listed.
  auto again = import_dataset_counted(*counted_store, *seed, "seed");
  REQUIRE(again);
  CHECK(again->size() == first->size());
  for (const auto& [key, n] : *again) {
    const auto& key_seen = key;  // clang < 16 cannot capture a structured binding in INFO's lambda
    CHECK_MESSAGE(n == 0, key_seen);
  }
}
