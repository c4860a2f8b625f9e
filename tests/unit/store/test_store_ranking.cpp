// Ranking properties every backend must have (issue 12, item 6): the top k is the top k of the
// store's own scoring over every match (not of a window of recent matches), and the same words
// rank the same whichever way they were typed: NFD or NFC, đ or d, either tone placement.
// Number-first and title-prefix are in test_store_search_precision.cpp; finding (not ranking)
// with folded forms is in test_store_search.cpp.
#include "fixtures.hpp"

#include <chrono>
#include <cmath>
#include <cstdint>
#include <set>
#include <sstream>

using namespace fixtures;

#define STORES memory_factory, sqlite_factory, postgres_factory

namespace {

std::vector<search_hit> hits(pbgdpl::store::store& s, const std::string& q, std::size_t limit = 20) {
  auto r = s.search(sr(q, {}, limit));
  REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.err().describe()));
  return r->items;
}

std::vector<std::string> ids(const std::vector<search_hit>& h) {
  std::vector<std::string> v;
  for (const auto& x : h) v.push_back(x.id);
  return v;
}

std::string nfd(const std::string& s) { return text::nfd(s).value(); }

std::string created(pbgdpl::store::store& s, const article& a) {
  auto c = s.create(a, "x");
  REQUIRE_MESSAGE(c.has_value(), (c ? "" : c.err().describe()));
  return c->id.value;
}

// Creates many records in one transaction (one commit, not one per record: seconds, not minutes).
template <class Fn>
void in_one_transaction(pbgdpl::store::store& s, Fn&& fn) {
  auto r = s.transaction([&]() -> result<void> {
    fn();
    return {};
  });
  REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.err().describe()));
}

bool same_score(double a, double b) { return std::abs(a - b) <= 1e-9 * std::max(1.0, std::abs(b)); }

// Empty when `got` is the ranking `want` is: the same scores position by position, and the same
// ids wherever the order is decided. Records with equal scores may come in any order, so a group
// of ties must hold the same ids, except a group that reaches the end of the list (its other
// members may be past the page in either list).
std::string ranking_difference(const std::vector<search_hit>& got, const std::vector<search_hit>& want) {
  std::ostringstream o;
  if (got.size() != want.size()) {
    o << got.size() << " hits instead of " << want.size();
    return o.str();
  }
  for (std::size_t i = 0; i < want.size(); ++i)
    if (!same_score(got[i].score, want[i].score)) {
      o << "position " << i + 1 << ": " << got[i].id << " score " << got[i].score << ", expected " << want[i].id << " score "
        << want[i].score;
      return o.str();
    }
  for (std::size_t i = 0; i < want.size();) {
    std::size_t j = i + 1;
    while (j < want.size() && same_score(want[j].score, want[i].score)) ++j;
    if (j < want.size()) {
      std::multiset<std::string> a, b;
      for (std::size_t k = i; k < j; ++k) a.insert(got[k].id), b.insert(want[k].id);
      if (a != b) {
        o << "positions " << i + 1 << "-" << j << " (score " << want[i].score << "): other records";
        return o.str();
      }
    }
    i = j;
  }
  return {};
}

// A small deterministic generator (splitmix64): the same corpus on every compiler and library,
// which std::uniform_int_distribution does not promise.
struct rng {
  std::uint64_t x;
  std::uint64_t next() {
    std::uint64_t z = (x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
  bool chance(double p) { return static_cast<double>(next() >> 11) * 0x1.0p-53 < p; }
};

}  // namespace

// --- exact top-k --------------------------------------------------------------------------------

TEST_CASE_TEMPLATE("the most relevant records come first even when they are old and many newer ones match", F, STORES) {
  // 1,200 recent articles name "bạo lực" once in a long title and once in a long body; five
  // from 2012 name it in a short title and three times in a short body. By the store's own
  // scoring (title over body, BM25 length normalisation) the five old ones are the best five,
  // and they are outside any window of the few hundred newest matches, body or title.
  F f;
  std::unique_ptr<pbgdpl::store::store> s = f.make();
  std::set<std::string> old;
  std::string filler;
  for (int w = 0; w < 10; ++w) filler += " Nhà trường tổ chức hoạt động ngoại khóa cho các em trong tuần.";
  in_one_transaction(*s, [&] {
    for (int i = 0; i < 5; ++i)
      old.insert(created(*s, make_article("Phòng chống bạo lực học đường " + std::to_string(i + 1),
                                          "Bạo lực học đường: nói không với bạo lực, báo cáo mọi hành vi bạo lực.", "th-van-yen",
                                          ("2012-0" + std::to_string(i + 1) + "-10T08:00:00+07:00").c_str())));
    for (int i = 0; i < 1200; ++i) {
      auto day = std::to_string(10 + i % 18);
      created(*s, make_article("Bản tin số " + std::to_string(i) + " của liên đội: các hoạt động trong tuần, trong đó có tuyên truyền về "
                                   "bạo lực và an toàn giao thông cho học sinh toàn trường",
                               "Trong tuần qua," + filler + " Buổi sinh hoạt dưới cờ nhắc nhở về bạo lực." + filler, "th-van-yen",
                               ("2023-0" + std::to_string(1 + i % 9) + "-" + day + "T08:00:00+07:00").c_str()));
    }
  });
  for (std::string q : {"bạo lực", "bao luc", "BẠO LỰC"}) {
    CAPTURE(q);
    auto h = hits(*s, q);
    REQUIRE(h.size() == 20);
    std::set<std::string> top{h[0].id, h[1].id, h[2].id, h[3].id, h[4].id};
    CHECK(top == old);
    CHECK(h[4].score > h[5].score);
  }
}

TEST_CASE("the SQLite store's top 20 is the top 20 of scoring every match (3,000 generated articles, 40 queries)") {
  // The reference is the same file opened with sqlite_options::exhaustive_search, which scores
  // every match with the same scoring: whatever the fast path prunes, it must give the same list.
  temp_dir d;
  auto path = d.path / "ranking.db";
  auto s = open_sqlite_store(path).value();
  // Words by how many articles have them: most, many, some, few.
  const std::vector<std::string> common = {"pháp luật", "học sinh", "giáo dục", "tuyên truyền", "nhà trường"};
  const std::vector<std::string> middle = {"an toàn", "giao thông", "ma túy", "kỹ năng sống", "hòa giải", "trẻ em", "phòng chống",
                                           "quyền", "bình đẳng", "giới", "môi trường", "văn hóa", "đọc sách", "thư viện"};
  const std::vector<std::string> rare = {"bạo lực", "xâm hại", "phòng cháy", "chữa cháy", "đuối nước", "an ninh mạng",
                                         "bản quyền", "hiến pháp", "bầu cử", "công dân", "thanh niên", "cảnh sát"};
  const std::vector<std::string> filler = {"năm học", "tổ chức", "hoạt động", "các em", "giáo viên", "phụ huynh", "buổi",
                                           "ngoại khóa", "tuần", "kết quả", "triển khai", "thực hiện", "đơn vị", "cán bộ"};
  rng g{20240607};
  auto pick = [&](const std::vector<std::string>& v) { return v[g.below(v.size())]; };
  auto words = [&](std::size_t n, double p_common, double p_middle, double p_rare) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) {
      const auto& w = g.chance(p_common) ? pick(common) : g.chance(p_middle) ? pick(middle) : g.chance(p_rare) ? pick(rare) : pick(filler);
      out += (out.empty() ? "" : " ") + w;
    }
    return out;
  };
  in_one_transaction(*s, [&] {
    for (int i = 0; i < 3000; ++i) {
      auto title = words(3 + g.below(8), 0.25, 0.3, 0.15);
      std::string body;
      // Most articles say "pháp luật" somewhere; bodies run from a sentence to a page.
      if (g.chance(0.8)) body = "Tuyên truyền pháp luật. ";
      body += words(10 + g.below(150), 0.15, 0.2, 0.05) + ".";
      if (g.chance(0.1)) title = text::fold(title).value(), body = text::fold(body).value();  // typed without marks
      if (!title.empty()) title[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(title[0])));
      auto month = std::to_string(1 + i * 12 / 3000);
      const char* units[] = {"th-a", "th-b", "thcs-c"};
      created(*s, make_article(title, body, units[g.below(3)], ("2022-" + std::string(month.size() == 1 ? "0" : "") + month + "-15T08:00:00+07:00").c_str()));
    }
  });
  // The reference and the lists-only store do more work than a portal's store ever does (by
  // design): they get a roomy search_time_limit_ms, as this case is about order, not time (the
  // limit has its own case in test_store_sqlite.cpp). Lists only, the phrase query
  // "\"an toàn giao thông\" học sinh" took 1,315 ms at -O0 under ASan on the quiet machine, and
  // likely over the sanitizer build's 5 s limit on CI's loaded one (the store area failed one case
  // there; the log kept no line of which: this is the only store case near a wall-clock bound).
  sqlite_options roomy;
  roomy.search_time_limit_ms = 600'000;
  sqlite_options every = roomy;
  every.exhaustive_search = true;
  auto reference = open_sqlite_store(path, every).value();
  // Twice: as opened by default (a query with a word in few rows scores all its matches, a unit
  // filter its rows) and made to answer from the impact lists alone.
  sqlite_options lists_only = roomy;
  lists_only.rare_word_rows = 0;
  lists_only.max_filtered_rows = 0;
  auto listed = open_sqlite_store(path, lists_only).value();
  for (auto* fast : {s.get(), listed.get()}) {
  CAPTURE(fast == s.get() ? "default" : "lists only");
  const std::vector<std::string> queries = {
      "pháp luật", "học sinh", "giáo dục", "tuyên truyền", "nhà trường", "pháp", "luật", "học", "trường", "PHÁP LUẬT",
      "phap luat", "hoc sinh", "giao duc", "tuyen truyen", "nha truong", "pháp luật học sinh", "giáo dục pháp luật",
      "tuyên truyền pháp luật", "an toàn giao thông", "an toan giao thong", "ma túy", "ma tuy hoc sinh", "kỹ năng sống",
      "hòa giải", "hoa giai phap luat", "trẻ em quyền", "bình đẳng giới", "văn hóa đọc sách", "thư viện", "bạo lực học sinh",
      "phòng cháy chữa cháy", "đuối nước", "an ninh mạng", "hiến pháp", "công dân pháp luật", "\"pháp luật\"",
      "\"an toàn giao thông\" học sinh", "\"giáo dục pháp luật\"", "tuyên*", "phap lua*"};
  REQUIRE(queries.size() == 40);
  int differ = 0;
  // The slowest query of each pass, printed: opened by default, the store keeps its default limit
  // (5 s under the sanitizers), far above its slowest ("phap lua*": 241 ms at -O0, quiet machine).
  double slowest_ms = 0;
  std::string slowest;
  for (const auto& q : queries) {
    CAPTURE(q);
    auto timed = [&](pbgdpl::store::store& st) {
      auto t0 = std::chrono::steady_clock::now();
      auto h = hits(st, q);
      auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      if (ms > slowest_ms) slowest_ms = ms, slowest = q;
      return h;
    };
    auto want = timed(*reference);
    REQUIRE(!want.empty());
    auto diff = ranking_difference(timed(*fast), want);
    if (!diff.empty()) ++differ;
    CHECK_MESSAGE(diff.empty(), diff);
  }
  CHECK_MESSAGE(differ == 0, differ << " of " << queries.size() << " queries differ from scoring every match");
  // A filter that keeps a third of the rows, and the second page (positions 21-40).
  int filtered_differ = 0;
  for (std::string q : {"pháp luật unit:th-a", "học sinh donvi:th-b", "an toàn giao thông unit:thcs-c", "tuyen truyen unit:th-a",
                        "bạo lực học sinh unit:th-b"}) {
    CAPTURE(q);
    auto diff = ranking_difference(hits(*fast, q), hits(*reference, q));
    if (!diff.empty()) ++filtered_differ;
    CHECK_MESSAGE(diff.empty(), diff);
  }
  int page_differ = 0;
  for (std::string q : {"pháp luật", "học sinh", "giao duc", "an toàn giao thông", "tuyên truyền pháp luật"}) {
    CAPTURE(q);
    auto second = [&](pbgdpl::store::store& st) {
      auto r = st.search(sr(q, {}, 20, offset_cursor(20)));
      REQUIRE(r.has_value());
      return r->items;
    };
    auto want = second(*reference);
    REQUIRE(want.size() == 20);
    auto diff = ranking_difference(second(*fast), want);
    if (!diff.empty()) ++page_differ;
    CHECK_MESSAGE(diff.empty(), diff);
  }
  MESSAGE(differ << " of " << queries.size() << " queries, " << filtered_differ << " of 5 filtered, " << page_differ
                 << " of 5 second pages differ from scoring every match; the slowest query \"" << slowest
                 << "\": " << slowest_ms << " ms");
  }
}

// --- NFD = NFC ----------------------------------------------------------------------------------

TEST_CASE_TEMPLATE("a query typed NFD, NFC or half composed gives the same records, order and scores", F, STORES) {
  F f;
  std::unique_ptr<pbgdpl::store::store> s = f.make();
  const std::vector<std::pair<std::string, std::string>> docs = {
      {"Kế hoạch tuyên truyền pháp luật năm học 2023-2024", "Triển khai kế hoạch số 19/KH-PGDĐT về phổ biến pháp luật."},
      {"Hội thi tìm hiểu pháp luật", "Học sinh tham gia hội thi tìm hiểu pháp luật về an toàn giao thông."},
      {"Ke hoach hoi thi", "Bai viet go khong dau ve ke hoach hoi thi phap luat."},
      {"Đội tuyên truyền măng non", "Các đội viên tuyên truyền pháp luật, kế hoạch đội."},
      {"Luật Trẻ em và quyền trẻ em", "Trẻ em có quyền được bảo vệ; kế hoạch thực hiện Luật Trẻ em."},
      {"Nghị quyết về giáo dục đạo đức", "Giáo dục đạo đức, lối sống; nghiên cứu, điều tra."},
  };
  for (std::size_t i = 0; i < docs.size(); ++i)
    created(*s, make_article(docs[i].first, docs[i].second, "th-van-yen", ("2023-03-1" + std::to_string(i) + "T08:00:00+07:00").c_str()));
  for (std::string q : {"kế hoạch", "pháp luật", "tuyên truyền pháp luật", "Kế hoạch tuyên truyền pháp luật năm học 2023-2024",
                        "hội thi", "trẻ em quyền", "\"kế hoạch\"", "tuyên*", "giáo dục đạo đức", "Đội tuyên truyền", "19/KH-PGDĐT",
                        "nghiên cứu điều tra"}) {
    auto reference = hits(*s, q);
    REQUIRE_MESSAGE(!reference.empty(), q);
    // "ế" as e + circumflex + acute, as "ê" + acute (a keyboard that composes only the first
    // mark), and with the two marks in the non-canonical order (dot below last in "ộ").
    std::string half = q, swapped = nfd(q);
    for (auto [from, to] : std::vector<std::pair<std::string, std::string>>{{"ế", "ê\xCC\x81"}, {"ậ", "â\xCC\xA3"}, {"ộ", "ô\xCC\xA3"}})
      for (auto at = half.find(from); at != std::string::npos; at = half.find(from, at + to.size())) half.replace(at, from.size(), to);
    for (std::string from : {"o\xCC\xA3\xCC\x82", "a\xCC\xA3\xCC\x82"})  // NFD puts dot below (class 220) first
      for (auto at = swapped.find(from); at != std::string::npos; at = swapped.find(from, at + from.size()))
        swapped.replace(at + 1, 4, std::string("\xCC\x82\xCC\xA3"));
    for (const auto& form : {nfd(q), half, swapped}) {
      CAPTURE(q);
      CAPTURE(form);
      auto h = hits(*s, form);
      CHECK(ids(h) == ids(reference));
      for (std::size_t i = 0; i < std::min(h.size(), reference.size()); ++i) CHECK(same_score(h[i].score, reference[i].score));
    }
  }
}

TEST_CASE_TEMPLATE("a record written NFD is found and ranked as its NFC twin, by NFC and NFD queries", F, STORES) {
  F f;
  std::unique_ptr<pbgdpl::store::store> s = f.make();
  const std::string title = "Tuyên truyền Luật Hòa giải ở cơ sở", body = "Hướng dẫn tổ hòa giải ở khu dân cư thực hiện luật.";
  // The same text three ways: NFD (as some editors and macOS file names give it), NFC, and
  // without marks (newest, so that it would come first if the marks were lost).
  auto written_nfd = created(*s, make_article(nfd(title), nfd(body), "th-van-yen", "2023-01-01T08:00:00+07:00"));
  auto written_nfc = created(*s, make_article(title, body, "th-van-yen", "2023-01-02T08:00:00+07:00"));
  auto plain = created(*s, make_article(text::fold(title).value(), text::fold(body).value(), "th-van-yen", "2023-01-03T08:00:00+07:00"));
  for (std::string q : {"hướng dẫn hòa giải", "khu dân cư", "Tuyên truyền Luật Hòa giải ở cơ sở", "tuyên truyền luật"}) {
    for (const auto& form : {q, nfd(q)}) {
      CAPTURE(form);
      auto h = hits(*s, form);
      REQUIRE(h.size() == 3);
      CHECK(std::set<std::string>{h[0].id, h[1].id} == std::set<std::string>{written_nfd, written_nfc});
      CHECK(same_score(h[0].score, h[1].score));
      CHECK(h[1].score > h[2].score);
      CHECK(h[2].id == plain);
      CHECK(h[0].title == title);  // stored composed
      CHECK((h[0].title_html + h[0].snippet_html).find("<mark>") != std::string::npos);  // matches marked
    }
  }
}

// --- đ ------------------------------------------------------------------------------------------

TEST_CASE_TEMPLATE("đ and Đ: \"dao tao\" finds \"Đào tạo\", and \"đào tạo\" ranks the exact spelling first", F, STORES) {
  F f;
  std::unique_ptr<pbgdpl::store::store> s = f.make();
  // Oldest first: every other spelling is newer, so recency alone would put it last.
  auto exact = created(*s, make_article("Đào tạo giáo viên cốt cán", "Lớp đào tạo giáo viên cốt cán.", "u", "2021-01-01T08:00:00+07:00"));
  auto plain = created(*s, make_article("Dao tao giao vien cot can", "Lop dao tao giao vien cot can.", "u", "2022-01-01T08:00:00+07:00"));
  auto other_tone = created(*s, make_article("Đạo tạo giáo viên cốt cán", "Lớp đạo tạo giáo viên cốt cán.", "u", "2023-01-01T08:00:00+07:00"));
  auto no_stroke = created(*s, make_article("Dào tạo giáo viên cốt cán", "Lớp dào tạo giáo viên cốt cán.", "u", "2023-06-01T08:00:00+07:00"));
  const std::set<std::string> all{exact, plain, other_tone, no_stroke};
  for (std::string q : {"dao tao", "DAO TAO", "Dao Tao"}) {
    CAPTURE(q);
    auto h = hits(*s, q);
    REQUIRE(h.size() == 4);
    auto found = ids(h);
    CHECK(std::set<std::string>(found.begin(), found.end()) == all);
    CHECK(h[0].id == plain);  // typed without marks: the unmarked text is the exact match
  }
  auto reference = hits(*s, "đào tạo");
  REQUIRE(reference.size() == 4);
  CHECK(reference[0].id == exact);
  CHECK(reference[0].score > reference[1].score);
  // "d" for "đ" (or "đ" for "d") is a different letter to the exact form: not an exact match.
  CHECK(reference[3].id == plain);
  for (std::string q : {"ĐÀO TẠO", "Đào Tạo", "Đào tạo"}) {
    for (const auto& form : {q, nfd(q)}) {
      CAPTURE(form);
      auto h = hits(*s, form);
      CHECK(ids(h) == ids(reference));
    }
  }
  // Title equal to the query: the exact spelling, then the folded ones.
  auto t = hits(*s, "ĐÀO TẠO GIÁO VIÊN CỐT CÁN");
  REQUIRE(t.size() == 4);
  CHECK(t[0].id == exact);
}

// --- both tone placements -----------------------------------------------------------------------

TEST_CASE("the tokenizer gives both tone placements of oa, oe and uy one exact form") {
  auto exact = [](std::string_view w) {
    auto t = tokenize(w);
    REQUIRE(t.size() == 1);
    return t[0].exact;
  };
  for (auto [a, b] : std::vector<std::pair<std::string, std::string>>{
           {"hoà", "hòa"}, {"hoá", "hóa"}, {"hoả", "hỏa"}, {"hoã", "hõa"}, {"hoạ", "họa"}, {"khoẻ", "khỏe"}, {"xoè", "xòe"},
           {"loé", "lóe"}, {"thuý", "thúy"}, {"thuỷ", "thủy"}, {"uỷ", "ủy"}, {"luỹ", "lũy"}, {"tuỳ", "tùy"}, {"huỵ", "hụy"},
           {"HOÀ", "HÒA"}, {"Thuỷ", "Thủy"}, {"KHOẺ", "KHỎE"}}) {
    const auto& a_seen = a;  // clang < 16 cannot capture a structured binding in CAPTURE's lambda
    INFO("a := ", a_seen);
    CHECK(exact(a) == exact(b));
    CHECK(exact(text::nfd(a).value()) == exact(b));  // the whole-word path (combining marks) too
  }
  // Marks are still marks: a different tone, or none, is another exact form.
  CHECK(exact("hoà") != exact("hoá"));
  CHECK(exact("hoà") != exact("hoa"));
  CHECK(exact("thuý") != exact("thuỷ"));
  // Where only one placement is right (a final consonant or vowel follows, or "qu"), that one stays.
  CHECK(exact("hoàn") == "hoàn");
  CHECK(exact("hòan") == "hoàn");
  CHECK(exact("quý") == "quý");
  CHECK(exact("thuyền") == "thuyền");
  CHECK(exact("của") == "của");
  CHECK(exact("mùa") == "mùa");
  CHECK(exact("hoài") == "hoài");
  CHECK(exact("khuỷu") == "khuỷu");
  // The folded form never had marks to move.
  CHECK(tokenize("hòa")[0].folded == "hoa");
}

TEST_CASE_TEMPLATE("both tone placements (hoà/hòa, thuý/thúy, khoẻ/khỏe) are one word, exact accents included", F, STORES) {
  F f;
  std::unique_ptr<pbgdpl::store::store> s = f.make();
  struct pair_case {
    std::string marked_second, marked_first, unmarked;  // the word: tone on the second vowel, the first, none
    std::string before, after;                           // the title around it
  };
  const std::vector<pair_case> cases = {{"hoà", "hòa", "hoa", "Ngày hội ", " nhạc thiếu nhi"},
                                        {"thuý", "thúy", "thuy", "Cô giáo ", " dạy giỏi cấp huyện"},
                                        {"khoẻ", "khỏe", "khoe", "Sức ", " học đường năm nay"}};
  for (const auto& c : cases) {
    // One record per spelling; the unmarked one, newest, differs from the others only in that
    // word, so it ties with a spelling the exact form does not recognise and then wins on recency.
    auto second = created(*s, make_article(c.before + c.marked_second + c.after, "Nội dung.", "u", "2021-01-01T08:00:00+07:00"));
    auto first = created(*s, make_article(c.before + c.marked_first + c.after, "Nội dung.", "u", "2021-01-02T08:00:00+07:00"));
    auto unmarked = created(*s, make_article(c.before + c.unmarked + c.after, "Nội dung.", "u", "2023-01-01T08:00:00+07:00"));
    const std::set<std::string> both{second, first};
    auto capital = [](std::string w) {  // the first letter upper-cased: both marks' letters are 2 or more bytes
      auto u = text::nfd(w).value();
      u[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(u[0])));
      return text::nfc(u).value();
    };
    for (const auto& q : {c.marked_second, c.marked_first, capital(c.marked_second), capital(c.marked_first)}) {
      for (const auto& form : {q, nfd(q)}) {
        CAPTURE(form);
        auto h = hits(*s, form);
        REQUIRE(h.size() == 3);  // a query in either placement finds both (and the unmarked one)
        CHECK(std::set<std::string>{h[0].id, h[1].id} == both);
        CHECK(same_score(h[0].score, h[1].score));
        CHECK(h[2].id == unmarked);
        CHECK(h[1].score > h[2].score);
      }
    }
    // A query equal to the title in either placement: both records are the title's exact match.
    for (const auto& q : {c.before + c.marked_second + c.after, c.before + c.marked_first + c.after}) {
      CAPTURE(q);
      auto h = hits(*s, q);
      REQUIRE(h.size() == 3);
      CHECK(std::set<std::string>{h[0].id, h[1].id} == both);
      CHECK(h[2].id == unmarked);
    }
  }
}
