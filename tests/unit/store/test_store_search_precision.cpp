// Search precision, the same on every backend (issue 12, items 3-5): a document number in the
// query puts that document first and what cites it next; the first words of a title put the
// record in the top 3; snippets are plain text, never Markdown syntax.
#include "fixtures.hpp"

#include <chrono>
#include <set>

#include <utf8proc.h>

using namespace fixtures;

#define STORES memory_factory, sqlite_factory, postgres_factory

namespace {
std::vector<search_hit> hits(pbgdpl::store::store& s, std::string q) {
  auto r = s.search(sr(std::move(q)));
  REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.err().describe()));
  return r->items;
}

std::string nfd(const std::string& s) {
  auto* p = utf8proc_NFD(reinterpret_cast<const utf8proc_uint8_t*>(s.c_str()));
  std::string out(reinterpret_cast<const char*>(p));
  std::free(p);
  return out;
}

// Thirty recent articles that name the number in their title and body (they outscore the
// document on words alone), one older article that cites the document only through its
// `documents` list, a document based on it, and a second document for the other number.
void seed_numbers(pbgdpl::store::store& s) {
  auto kh19 = make_document("kh-19", "19/KH-PGDĐT", "KH", 2022, 9, 5);
  kh19.title = "Kế hoạch phổ biến pháp luật năm học 2022-2023";
  REQUIRE(s.create(kh19, "x"));
  auto qd = make_document("qd-1521", "1521/QĐ-TTg", "QĐ", 2022, 12, 6);
  qd.title = "Quyết định phê duyệt Đề án Tăng cường công tác phổ biến pháp luật";
  qd.issuer = "Thủ tướng Chính phủ";
  REQUIRE(s.create(qd, "x"));
  auto kh25 = make_document("kh-25", "25/KH-PGDĐT", "KH", 2023, 1, 10);
  kh25.title = "Kế hoạch ngày Pháp luật trong trường học";
  kh25.relations.push_back({relation_kind::based_on, legal_document_id{"kh-19"}, "19/KH-PGDĐT", kh19.title});
  REQUIRE(s.create(kh25, "x"));
  auto cite = make_article("Sơ kết học kỳ I về phổ biến pháp luật", "Các trường đã làm tốt công tác tuyên truyền.", "th-van-yen",
                           "2022-01-05T08:00:00+07:00");
  cite.documents.push_back(legal_document_id{"kh-19"});
  REQUIRE(s.create(cite, "x"));
  for (int i = 0; i < 30; ++i) {
    auto day = std::to_string(10 + i % 18);
    REQUIRE(s.create(make_article("Triển khai kế hoạch 19/KH-PGDĐT và quyết định 1521/QĐ-TTg tại trường " + std::to_string(i),
                                  "Thực hiện kế hoạch 19/KH-PGDĐT, kế hoạch 19/KH-PGDĐT; quyết định 1521/QĐ-TTg, quyết định "
                                  "1521/QĐ-TTg về kế hoạch.",
                                  "th-van-yen", ("2023-03-" + day + "T08:00:00+07:00").c_str()),
                     "x"));
  }
}
}  // namespace

TEST_CASE_TEMPLATE("a document number in any form lists that document first, then what cites it", F, STORES) {
  F f;
  std::unique_ptr<pbgdpl::store::store> s = f.make();
  seed_numbers(*s);
  for (std::string q : {"19/KH-PGDĐT", "19/kh-pgdđt", "19/KH-PGDDT", "19/kh-pgddt", "kh 19/kh-pgddt", "ke hoach 19/KH-PGDDT",
                        "Kế hoạch 19/KH-PGDĐT", "KẾ HOẠCH 19/KH-PGDĐT", "kế hoạch số 19/KH-PGDĐT", "công văn 19/KH-PGDĐT"}) {
    for (const auto& form : {q, nfd(q)}) {
      CAPTURE(form);
      auto h = hits(*s, form);
      REQUIRE(h.size() >= 3);
      CHECK(h[0].id == "kh-19");
      // Then what cites it: the document based on it and the article that lists it.
      std::set<std::string> next{h[1].title, h[2].title};
      CHECK(next == std::set<std::string>{"Kế hoạch ngày Pháp luật trong trường học", "Sơ kết học kỳ I về phổ biến pháp luật"});
    }
  }
  for (std::string q : {"1521/QĐ-TTg", "quyết định 1521/QĐ-TTg", "quyet dinh 1521/qd-ttg", "QUYẾT ĐỊNH 1521/QĐ-TTG"}) {
    for (const auto& form : {q, nfd(q)}) {
      CAPTURE(form);
      auto h = hits(*s, form);
      REQUIRE(!h.empty());
      CHECK(h[0].id == "qd-1521");
    }
  }
}

TEST_CASE_TEMPLATE("a Party number and an issuer with & are found first too (issue 13)", F, STORES) {
  F f;
  auto s = f.make();
  seed_numbers(*s);
  auto kl = make_document("kl-80", "80-KL/TW", "KL", 2024, 1, 8);
  REQUIRE(s->create(kl, "x"));
  auto amp = make_document("kh-7", "7/KH-PGD&ĐT", "KH", 2023, 3, 2);
  REQUIRE(s->create(amp, "x"));
  for (std::string q : {"80-KL/TW", "kết luận 80-kl/tw", "ket luan 80-KL/TW"}) {
    CAPTURE(q);
    auto r = s->search(sr(q, {}, 5));
    REQUIRE(r);
    REQUIRE_FALSE(r->items.empty());
    CHECK(r->items[0].id == "kl-80");
  }
  auto r = s->search(sr("kế hoạch 7/KH-PGD&ĐT", {}, 5));
  REQUIRE(r);
  REQUIRE_FALSE(r->items.empty());
  CHECK(r->items[0].id == "kh-7");
}

TEST_CASE_TEMPLATE("a code's, a law's and an order's numbers are found first too (issue 13)", F, STORES) {
  F f;
  auto s = f.make();
  seed_numbers(*s);
  auto code = make_document("bo-luat-45", "45/2019/QH14", "Bộ luật", 2019, 11, 20);
  code.title = "Bộ luật Lao động";
  code.issuer = "Quốc hội";
  code.status = validity_status::in_force;
  REQUIRE(s->create(code, "x"));
  auto law = make_document("luat-14", "14/2012/QH13", "Luật", 2012, 6, 20);
  law.title = "Luật Phổ biến, giáo dục pháp luật";
  law.issuer = "Quốc hội";
  law.status = validity_status::in_force;
  REQUIRE(s->create(law, "x"));
  auto order = make_document("lenh-05", "05/2012/L-CTN", "L", 2012, 7, 2);
  order.title = "Lệnh của Chủ tịch nước";
  order.issuer = "Chủ tịch nước";
  order.family = document_family::administrative;
  REQUIRE(s->create(order, "x"));
  for (auto [q, want] : std::vector<std::pair<std::string, std::string>>{
           {"45/2019/QH14", "bo-luat-45"}, {"bộ luật 45/2019/QH14", "bo-luat-45"}, {"bo luat 45/2019/qh14", "bo-luat-45"},
           {"14/2012/QH13", "luat-14"}, {"luật 14/2012/qh13", "luat-14"},
           {"05/2012/L-CTN", "lenh-05"}, {"lệnh 05/2012/L-CTN", "lenh-05"}, {"lenh 05/2012/l-ctn", "lenh-05"}}) {
    const auto& q_seen = q;  // clang < 16 cannot capture a structured binding in CAPTURE's lambda
    INFO("q := ", q_seen);
    auto r = s->search(sr(q, {}, 5));
    REQUIRE(r);
    REQUIRE_FALSE(r->items.empty());
    CHECK(r->items[0].id == want);
  }
}

TEST_CASE_TEMPLATE("a number that no document has changes nothing, and filters still apply", F, STORES) {
  F f;
  std::unique_ptr<pbgdpl::store::store> s = f.make();
  seed_numbers(*s);
  // An unknown number: the words decide, no error.
  auto h = hits(*s, "ke hoach 99/KH-PGDĐT");
  CHECK(h.empty());
  // The caller's kinds are kept: the document and its citing document are not articles.
  auto r = s->search(sr("19/KH-PGDĐT", {"article"})).value();
  REQUIRE(!r.items.empty());
  for (const auto& x : r.items) CHECK(x.kind == "article");
  CHECK(r.items[0].title == "Sơ kết học kỳ I về phổ biến pháp luật");
}

TEST_CASE_TEMPLATE("the first three or more words of a title put it in the top 3", F, STORES) {
  F f;
  std::unique_ptr<pbgdpl::store::store> s = f.make();
  const std::string target = "Hướng dẫn thực hiện chương trình giáo dục pháp luật cho học sinh tiểu học";
  REQUIRE(s->create(make_article(target, "Nội dung ngắn.", "th-van-yen", "2021-05-01T08:00:00+07:00"), "x"));
  // Newer records that say the same words more often, in their titles and bodies.
  for (int i = 0; i < 40; ++i)
    REQUIRE(s->create(make_article("Tin số " + std::to_string(i) + ": hướng dẫn thực hiện chương trình giáo dục",
                                   "Hướng dẫn thực hiện chương trình giáo dục pháp luật; hướng dẫn thực hiện, thực hiện "
                                   "hướng dẫn chương trình giáo dục pháp luật cho học sinh.",
                                   "th-van-yen", "2023-03-22T08:00:00+07:00"),
                      "x"));
  for (std::string q : {"Hướng dẫn thực hiện", "hướng dẫn thực hiện chương trình", "Hướng dẫn thực hiện chương trình giáo dục pháp luật",
                        "huong dan thuc hien", "HUONG DAN THUC HIEN CHUONG TRINH GIAO DUC"}) {
    for (const auto& form : {q, nfd(q)}) {
      CAPTURE(form);
      auto h = hits(*s, form);
      bool top3 = false;
      for (std::size_t i = 0; i < h.size() && i < 3; ++i) top3 = top3 || h[i].title == target;
      CHECK(top3);
    }
  }
}

TEST_CASE_TEMPLATE("snippets are plain text: no Markdown syntax, matches still marked", F, STORES) {
  F f;
  std::unique_ptr<pbgdpl::store::store> s = f.make();
  REQUIRE(s->create(make_article("Kết quả năm học",
                                 "## Kết quả\n\nTỷ lệ học sinh đạt **100%** chỉ tiêu, xem [kế hoạch](https://example.vn/kh) "
                                 "và `mã` _nghiêng_ ~~cũ~~.\n\n- mục một\n1. mục hai\n> trích dẫn\n\n![ảnh minh họa](anh.png) "
                                 "<b>đậm</b> a \\* b"),
                    "x"));
  auto h = hits(*s, "chi tieu");
  REQUIRE(h.size() == 1);
  const auto& sn = h[0].snippet_html;
  CAPTURE(sn);
  CHECK(sn.find("**") == std::string::npos);
  CHECK(sn.find("<mark>chỉ</mark> <mark>tiêu</mark>") != std::string::npos);
  CHECK(sn.find("100%") != std::string::npos);
  CHECK(sn.find("](") == std::string::npos);
  CHECK(sn.find("https") == std::string::npos);
  CHECK(sn.find("kế hoạch") != std::string::npos);
  CHECK(sn.find('`') == std::string::npos);
  CHECK(sn.find("_nghiêng_") == std::string::npos);
  CHECK(sn.find("~~") == std::string::npos);
  CHECK(sn.find("##") == std::string::npos);
  CHECK(sn.find("- mục") == std::string::npos);
  CHECK(sn.find("1. mục") == std::string::npos);
  CHECK(sn.find("&gt; trích") == std::string::npos);
  CHECK(sn.find("![") == std::string::npos);
  CHECK(sn.find("ảnh minh họa") != std::string::npos);
  CHECK(sn.find("&lt;b&gt;") == std::string::npos);
  CHECK(sn.find("đậm") != std::string::npos);
  CHECK(sn.find("a * b") != std::string::npos);
  // Entities become text, and text is escaped again: "&lt;img&gt;" is shown, never run.
  REQUIRE(s->create(make_article("Cảnh báo", "Mẫu &lt;img src=x onerror=alert(1)&gt; độc hại"), "x"));
  auto esc = hits(*s, "mau doc hai");
  REQUIRE(esc.size() == 1);
  CHECK(esc[0].snippet_html.find("<img") == std::string::npos);
  CHECK(esc[0].snippet_html.find("&lt;img src=x onerror=alert(1)&gt;") != std::string::npos);
  auto pct = hits(*s, "100");
  REQUIRE(pct.size() == 1);
  CHECK(pct[0].snippet_html.find("<mark>100</mark>%") != std::string::npos);
}

TEST_CASE("a schema 5 file is migrated: its documents are found by number and their citers follow") {
  temp_dir d;
  auto path = d.path / "v5.db";
  {
    sqlite_options o;
    o.schema_version = 5;
    auto old = open_sqlite_store(path, o).value();
    REQUIRE(old->schema_version() == 5);
    seed_numbers(*old);
  }
  auto s = open_sqlite_store(path).value();
  CHECK(s->schema_version() == sqlite_detail::current_schema);
  CHECK(s->integrity_check());
  auto h = hits(*s, "ke hoach 19/kh-pgddt");
  REQUIRE(h.size() >= 3);
  CHECK(h[0].id == "kh-19");
  std::set<std::string> next{h[1].title, h[2].title};
  CHECK(next == std::set<std::string>{"Kế hoạch ngày Pháp luật trong trường học", "Sơ kết học kỳ I về phổ biến pháp luật"});
  // Archiving the document takes it and its number out; updating a citer keeps it a citer.
  auto doc = s->get<legal_document>("kh-19").value();
  REQUIRE(s->archive<legal_document>("kh-19", doc.version, "x"));
  auto after = hits(*s, "19/KH-PGDĐT");
  REQUIRE(!after.empty());
  CHECK(after[0].id != "kh-19");
}

TEST_CASE("markdown_to_text keeps words, drops syntax, and stays linear on hostile input") {
  CHECK(markdown_to_text("**100%** đạt") == "100% đạt");
  CHECK(markdown_to_text("# Tiêu đề #\n- một\n* hai\n10. ba\n> trích") == "Tiêu đề\nmột\nhai\nba\ntrích");
  CHECK(markdown_to_text("xem [kế hoạch](https://a.vn/x \"t\") và ![ảnh](b.png)") == "xem kế hoạch và ảnh");
  CHECK(markdown_to_text("a\\*b snake_case _nghiêng_ `mã` ~~bỏ~~") == "a*b snake_case nghiêng mã bỏ");
  CHECK(markdown_to_text("<b>đậm</b> &amp; <https://a.vn>") == " đậm  & https://a.vn");
  CHECK(markdown_to_text("```\n**giữ**\n```\n---\nsau") == "**giữ**\nsau");
  CHECK(markdown_to_text("[không đóng (và ](") == "không đóng (và (");
  // A megabyte of each pattern that makes a naive parser look ahead from every position.
  for (std::string unit : {"[", "](", "<a", "&amp", "*_", "\\", "![x](", "# ", "> > ", "`"}) {
    std::string hostile;
    while (hostile.size() < (1u << 20)) hostile += unit;
    auto t0 = std::chrono::steady_clock::now();
    auto out = markdown_to_text(hostile);
    auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    MESSAGE("1 MiB of \"" << unit << "\": " << ms << " ms");
    CHECK(out.size() <= hostile.size());
    CHECK(ms < 2000);  // generous: linear is a few ms; quadratic would be minutes
  }
}

TEST_CASE_TEMPLATE("a beginning that many titles share gives no boost: the words rank", F, STORES) {
  F f;
  std::unique_ptr<pbgdpl::store::store> s = f.make();
  // 60 titles begin with the query's words (more than max_boosted_rows): a prefix boost would
  // put 50 of them, in key order, above the record that says the words most.
  for (int i = 0; i < 60; ++i)
    REQUIRE(s->create(make_article("Tuyên truyền pháp luật đợt " + std::to_string(i), "Nội dung ngắn.", "th-van-yen",
                                   "2023-03-22T08:00:00+07:00"),
                      "x"));
  const std::string best = "Hội nghị về tuyên truyền pháp luật: tuyên truyền pháp luật cho học sinh";
  REQUIRE(s->create(make_article(best, "Tuyên truyền pháp luật; tuyên truyền pháp luật; tuyên truyền pháp luật.", "th-van-yen",
                                 "2023-01-01T08:00:00+07:00"),
                    "x"));
  for (std::string q : {"Tuyên truyền pháp luật", "tuyen truyen phap luat"}) {
    CAPTURE(q);
    auto h = hits(*s, q);
    REQUIRE(!h.empty());
    CHECK(h[0].title == best);
  }
}
