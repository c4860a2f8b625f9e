// Store benchmark: bulk insert rate and search latency (p50/p99) of the SQLite store over a
// deterministic Vietnamese corpus, beside the same queries as `MATCH ... ORDER BY rank LIMIT 20`
// on a bare FTS5 table built from the same corpus; then the cost of reading entities (a search's
// hits as articles, list pages, get by id) beside the path the store took before, same run.
//   pbgdpl_bench_store [articles=100000] [work dir=./bench-store-data]
// The two databases are built once into the work dir and reused by later runs with the same
// article count (the insert figures of the run that built them are kept in build.txt and
// printed again); PBGDPL_BENCH_REBUILD=1 rebuilds them. First, in the fresh process, 300 distinct
// queries never seen before (issue 12); after the mix, the top-20 overlap of ours with bare FTS5's
// exhaustive bm25 ranking and with bm25 over the 500 newest matches (the store's candidate rule).
#include <pbgdpl/store/sqlite.hpp>

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <random>
#include <tuple>

#include <sys/resource.h>

using namespace pbgdpl;
using namespace pbgdpl::store;
using clock_type = std::chrono::steady_clock;

namespace {

// Syllables built from Vietnamese onsets, vowels with the six tones, and codas: a few thousand
// distinct ones, drawn with a Zipf-like law so a few are everywhere and most are rare.
std::vector<std::string> make_syllables(std::size_t n) {
  const char* onsets[] = {"", "b", "c", "ch", "d", "đ", "g", "gi", "h", "k", "kh", "l", "m", "n", "ng", "nh", "ph", "qu", "s", "t", "th", "tr", "v", "x"};
  // Each vowel with its tones: none, huyền, sắc, hỏi, ngã, nặng.
  const char* vowels[][6] = {{"a", "à", "á", "ả", "ã", "ạ"},   {"ă", "ằ", "ắ", "ẳ", "ẵ", "ặ"}, {"â", "ầ", "ấ", "ẩ", "ẫ", "ậ"},
                             {"e", "è", "é", "ẻ", "ẽ", "ẹ"},   {"ê", "ề", "ế", "ể", "ễ", "ệ"}, {"i", "ì", "í", "ỉ", "ĩ", "ị"},
                             {"o", "ò", "ó", "ỏ", "õ", "ọ"},   {"ô", "ồ", "ố", "ổ", "ỗ", "ộ"}, {"ơ", "ờ", "ớ", "ở", "ỡ", "ợ"},
                             {"u", "ù", "ú", "ủ", "ũ", "ụ"},   {"ư", "ừ", "ứ", "ử", "ữ", "ự"}, {"y", "ỳ", "ý", "ỷ", "ỹ", "ỵ"}};
  const char* codas[] = {"", "c", "ch", "m", "n", "ng", "nh", "p", "t", "i", "o", "u"};
  std::mt19937_64 rng(20230322);
  std::vector<std::string> out;
  std::map<std::string, bool> seen;
  while (out.size() < n) {
    std::string s = std::string(onsets[rng() % 24]) + vowels[rng() % 12][rng() % 6] + codas[rng() % 12];
    if (seen.emplace(s, true).second) out.push_back(s);
  }
  return out;
}

struct corpus {
  std::vector<std::string> syl;
  std::vector<double> cdf;
  explicit corpus(std::size_t n) : syl(make_syllables(n)) {
    double sum = 0;
    for (std::size_t r = 0; r < n; ++r) cdf.push_back(sum += 1.0 / static_cast<double>(r + 1));
    for (auto& c : cdf) c /= sum;
  }
  const std::string& draw(std::mt19937_64& rng) const {
    double u = static_cast<double>(rng() >> 11) / 9007199254740992.0;
    auto i = static_cast<std::size_t>(std::lower_bound(cdf.begin(), cdf.end(), u) - cdf.begin());
    return syl[std::min(i, syl.size() - 1)];
  }
  // Article i, the same on every run: the phrases of a legal-education site appear in most.
  article make(std::size_t i) const {
    std::mt19937_64 rng(i * 7919 + 17);
    auto words = [&](int n) {
      std::string s;
      for (int k = 0; k < n; ++k) s += (k ? " " : "") + draw(rng);
      return s;
    };
    auto pct = [&](int p) { return static_cast<int>(rng() % 100) < p; };
    article a;
    a.id = article_id{"a" + std::to_string(i)};
    std::string title = words(3 + static_cast<int>(rng() % 5));
    if (pct(35)) title = "Tuyên truyền pháp luật " + title;
    else if (pct(30)) title = "Kế hoạch " + title + " năm học 2023";
    std::string body;
    int paras = 2 + static_cast<int>(rng() % 3);
    for (int p = 0; p < paras; ++p) {
      body += words(15 + static_cast<int>(rng() % 25)) + ". ";
      if (pct(70)) body += "Phổ biến, giáo dục pháp luật cho học sinh. ";
      if (pct(40)) body += "Đào tạo báo cáo viên pháp luật về công nghệ thông tin. ";
      if (pct(25)) body += "Hòa giải ở cơ sở và an toàn giao thông. ";
      body += words(10 + static_cast<int>(rng() % 20)) + ".\n\n";
    }
    if (pct(5)) {  // some editors paste decomposed (NFD) text
      title = text::nfd(title).value();
      body = text::nfd(body).value();
    }
    a.title = title;
    a.body_markdown = body;
    a.unit = unit_id{"th-" + std::to_string(i % 97)};
    a.author = account_id{"editor"};
    a.created_at = a.updated_at = timestamp{std::chrono::seconds{1672531200 + static_cast<long long>(i) * 300}};
    a.published_at = a.created_at;
    a.state = article_state::published;
    return a;
  }
};

double ms_since(clock_type::time_point t) {
  return std::chrono::duration<double, std::milli>(clock_type::now() - t).count();
}

double pct(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

long peak_rss_kib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

void check(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    std::fprintf(stderr, "%s: %s\n", what, sqlite3_errmsg(db));
    std::exit(1);
  }
}

// The baseline's query: the same words, quoted, so FTS5 syntax cannot get in the way.
std::string baseline_match(const parsed_query& q) {
  std::string e;
  for (const auto& t : q.terms) {
    if (!e.empty()) e += " AND ";
    e += "\"";
    for (std::size_t k = 0; k < t.exact.size(); ++k) e += (k ? " " : "") + t.exact[k];
    e += "\"";
    if (t.prefix) e += " *";
  }
  return e;
}

std::vector<std::string> split_words(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

search_request request_for(const std::string& q) {
  search_request r;
  r.q = q;
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 100000;
  std::filesystem::path dir = argc > 2 ? argv[2] : "bench-store-data";
  // The databases are reused when build.txt says they hold this many articles.
  std::string build_info;
  {
    std::ifstream in(dir / "build.txt");
    std::stringstream ss;
    ss << in.rdbuf();
    build_info = ss.str();
  }
  bool reuse = !std::getenv("PBGDPL_BENCH_REBUILD") && build_info.rfind("articles " + std::to_string(n) + "\n", 0) == 0;
  if (!reuse) {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  corpus c(3000);

  // --- bulk insert: the store, then the bare FTS5 baseline --------------------------------
  // The store takes the corpus as an import would: 10,000 articles per transaction (one WAL
  // sync each), then one merge of the search index's segments (sqlite_store::optimize).
  auto store = open_sqlite_store(dir / "store.db").value();
  auto t0 = clock_type::now();
  for (std::size_t i = reuse ? n : 0; i < n;) {
    auto r = store->transaction([&]() -> result<void> {
      for (std::size_t k = 0; k < 10000 && i < n; ++k, ++i)
        if (auto a = store->create(c.make(i), "bench"); !a) return a.err();
      return {};
    });
    if (!r) {
      std::fprintf(stderr, "insert: %s\n", r.err().describe().c_str());
      return 1;
    }
  }
  double store_insert_s = ms_since(t0) / 1000;
  t0 = clock_type::now();
  if (!reuse)
    if (auto o = store->optimize(); !o) {
      std::fprintf(stderr, "optimize: %s\n", o.err().describe().c_str());
      return 1;
    }
  double store_optimize_s = ms_since(t0) / 1000;

  sqlite3* base = nullptr;
  check(sqlite3_open((dir / "baseline.db").c_str(), &base), base, "open baseline");
  if (!reuse) check(sqlite3_exec(base, "PRAGMA journal_mode=WAL; CREATE VIRTUAL TABLE base USING fts5(title, body, tokenize='unicode61 remove_diacritics 2')",
                     nullptr, nullptr, nullptr), base, "schema");
  sqlite3_stmt* ins = nullptr;
  check(sqlite3_prepare_v2(base, "INSERT INTO base(rowid, title, body) VALUES(?, ?, ?)", -1, &ins, nullptr), base, "prepare");
  t0 = clock_type::now();
  check(sqlite3_exec(base, "BEGIN", nullptr, nullptr, nullptr), base, "begin");
  for (std::size_t i = reuse ? n : 0; i < n; ++i) {
    auto a = c.make(i);
    auto title = text::nfc(a.title).value(), body = text::nfc(a.body_markdown).value();
    sqlite3_bind_int64(ins, 1, static_cast<sqlite3_int64>(i + 1));
    sqlite3_bind_text(ins, 2, title.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(ins, 3, body.c_str(), -1, SQLITE_TRANSIENT);
    check(sqlite3_step(ins), base, "insert");
    sqlite3_reset(ins);
  }
  check(sqlite3_exec(base, "COMMIT", nullptr, nullptr, nullptr), base, "commit");
  sqlite3_finalize(ins);
  double base_insert_s = ms_since(t0) / 1000;
  long build_rss_kib = peak_rss_kib();
  if (!reuse) {
    char line[512];
    std::snprintf(line, sizeof line,
                  "bulk insert: store %.1f s (%.0f articles/s) + optimize %.1f s   bare FTS5 %.1f s (%.0f articles/s)\n"
                  "peak RSS while building: %.1f MiB\n",
                  store_insert_s, static_cast<double>(n) / store_insert_s, store_optimize_s, base_insert_s,
                  static_cast<double>(n) / base_insert_s, static_cast<double>(build_rss_kib) / 1024.0);
    build_info = "articles " + std::to_string(n) + "\n" + line;
    std::ofstream(dir / "build.txt") << build_info;
  }

  // --- queries never seen before (issue 12): run first, once each, in this fresh process ------
  // 300 distinct queries from titles never queried before: whole titles (NFC), their first three
  // or four words, whole titles decomposed (NFD) and without accents. Ours beside the bare FTS5
  // baseline's exhaustive ranking; whether the title's own document comes first (whole titles)
  // or in the top 3 (first words).
  sqlite3_stmt* bq = nullptr;
  check(sqlite3_prepare_v2(base, "SELECT rowid FROM base WHERE base MATCH ? ORDER BY rank LIMIT 20", -1, &bq, nullptr), base, "prepare");
  // The baseline with the store's candidate rule: the 500 newest matches, ranked by bm25.
  sqlite3_stmt* wq = nullptr;
  check(sqlite3_prepare_v2(base,
                           "SELECT rowid FROM (SELECT rowid, bm25(base) AS s FROM base WHERE base MATCH ? ORDER BY rowid DESC "
                           "LIMIT 500) ORDER BY s LIMIT 20",
                           -1, &wq, nullptr),
        base, "prepare windowed");
  // Bare FTS5's top 20 as our ids ("a" + rowid - 1).
  auto baseline_ids = [&](sqlite3_stmt* st, const std::string& q) {
    std::vector<std::string> ids;
    auto m = baseline_match(parse_query(q).value());
    sqlite3_bind_text(st, 1, m.c_str(), -1, SQLITE_TRANSIENT);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) ids.push_back("a" + std::to_string(sqlite3_column_int64(st, 0) - 1));
    check(rc, base, "baseline query");
    sqlite3_reset(st);
    return ids;
  };
  auto overlap = [](const std::vector<std::string>& a, const std::vector<std::string>& b) {
    int k = 0;
    for (const auto& x : a) k += std::find(b.begin(), b.end(), x) != b.end();
    return k;
  };
  struct distinct_stats {
    std::vector<double> ours, base;
    int found = 0, total = 0;
  };
  std::map<std::string, distinct_stats> distinct;
  {
    std::vector<std::tuple<std::string, std::string, std::string, std::size_t>> dq;  // category, q, id, rank needed
    for (std::size_t k = 0; k < 300; ++k) {
      std::size_t i = (k * 104729 + 31) % n;  // distinct articles, spread over the corpus
      auto a = c.make(i);
      auto title = text::nfc(a.title).value();
      auto words = split_words(title);
      switch (k % 6) {
        case 0:
        case 1: dq.emplace_back("whole title", title, a.id.value, 1); break;
        case 2:
        case 3: {
          std::size_t w = std::min<std::size_t>(words.size(), 3 + k % 2);
          std::string head;
          for (std::size_t j = 0; j < w; ++j) head += (j ? " " : "") + words[j];
          dq.emplace_back("first 3-4 words", head, a.id.value, 3);
          break;
        }
        case 4: dq.emplace_back("whole title, NFD", text::nfd(title).value(), a.id.value, 1); break;
        default: dq.emplace_back("whole title, no accents", text::fold(title).value(), a.id.value, 1); break;
      }
    }
    for (const auto& [cat, q, id, need] : dq) {
      auto t = clock_type::now();
      auto r = store->search(request_for(q));
      double ms = ms_since(t);
      if (!r) {
        std::fprintf(stderr, "search %s: %s\n", q.c_str(), r.err().describe().c_str());
        return 1;
      }
      auto& d = distinct[cat];
      d.ours.push_back(ms);
      ++d.total;
      for (std::size_t j = 0; j < r->items.size() && j < need; ++j)
        if (r->items[j].id == id) ++d.found;
      t = clock_type::now();
      (void)baseline_ids(bq, q);
      d.base.push_back(ms_since(t));
    }
  }

  // --- the query mix ------------------------------------------------------------------------
  struct qdef {
    std::string category, q;
  };
  std::vector<qdef> queries = {
      {"common, accent-free", "phap luat"},      {"common, accent-free", "giao duc"},
      {"common, accent-free", "hoc sinh"},       {"common, accent-free", "tuyen truyen phap luat"},
      {"common, accented", "pháp luật"},         {"common, accented", "giáo dục"},
      {"common, accented", "học sinh"},          {"common, accented", "tuyên truyền pháp luật"},
      {"phrase", "\"giáo dục pháp luật\""},      {"phrase", "\"phap luat\""},
      {"phrase", "\"hòa giải ở cơ sở\""},        {"phrase", "\"đao tao bao cao vien\""},
  };
  for (std::size_t r : {1500u, 2000u, 2500u, 2900u}) {
    queries.push_back({"rare, accented", c.syl[r]});
    queries.push_back({"rare, accent-free", text::fold(c.syl[r]).value()});
    queries.push_back({"rare + common", c.syl[r] + " pháp luật"});
  }
  // Title queries: a document's whole title, accents included, must come back first.
  std::vector<std::pair<std::string, std::string>> title_checks;
  for (std::size_t i = 7; i < n && title_checks.size() < 20; i += n / 20 + 1) {
    auto a = c.make(i);
    title_checks.emplace_back(text::nfc(a.title).value(), a.id.value);
    queries.push_back({"title", text::nfc(a.title).value()});
  }

  // PBGDPL_BENCH_ONLY=<category> keeps one category (for profiling one kind of query).
  if (const char* only = std::getenv("PBGDPL_BENCH_ONLY"))
    std::erase_if(queries, [&](const auto& q) { return q.category != only; });

  constexpr int reps = 15;
  std::map<std::string, std::vector<double>> ours, theirs;
  std::vector<double> all_ours, all_theirs, cold_ours;  // cold: the first round, caches empty
  for (int rep = 0; rep < reps; ++rep) {
    for (const auto& q : queries) {
      auto t = clock_type::now();
      auto r = store->search(request_for(q.q));
      double ms = ms_since(t);
      if (!r) {
        std::fprintf(stderr, "search %s: %s\n", q.q.c_str(), r.err().describe().c_str());
        return 1;
      }
      if (rep > 0) ours[q.category].push_back(ms), all_ours.push_back(ms);
      else cold_ours.push_back(ms);
      auto pq = parse_query(q.q).value();
      auto m = baseline_match(pq);
      t = clock_type::now();
      sqlite3_bind_text(bq, 1, m.c_str(), -1, SQLITE_TRANSIENT);
      int rc;
      while ((rc = sqlite3_step(bq)) == SQLITE_ROW) {
      }
      check(rc, base, "baseline query");
      sqlite3_reset(bq);
      ms = ms_since(t);
      if (rep > 0) theirs[q.category].push_back(ms), all_theirs.push_back(ms);
    }
  }
  int first = 0;
  for (auto& [title, id] : title_checks) {
    auto r = store->search(request_for(title)).value();
    if (!r.items.empty() && r.items[0].id == id) ++first;
  }

  std::printf("articles: %zu   syllables: %zu\n", n, c.syl.size());
  if (reuse) std::printf("databases reused; figures of the run that built them:\n");
  std::printf("%s", build_info.substr(build_info.find('\n') + 1).c_str());
  std::printf("file sizes: store %.1f MiB   bare FTS5 %.1f MiB\n",
              static_cast<double>(std::filesystem::file_size(dir / "store.db")) / 1048576.0,
              static_cast<double>(std::filesystem::file_size(dir / "baseline.db")) / 1048576.0);
  std::printf("\n%-22s %10s %10s %12s %12s %8s\n", "queries", "p50 ms", "p99 ms", "base p50", "base p99", "speedup");
  for (auto& [cat, v] : ours) {
    auto& b = theirs[cat];
    std::printf("%-22s %10.2f %10.2f %12.2f %12.2f %7.1fx\n", cat.c_str(), pct(v, .5), pct(v, .99), pct(b, .5), pct(b, .99),
                pct(b, .5) / std::max(pct(v, .5), 1e-6));
  }
  std::printf("%-22s %10.2f %10.2f %12.2f %12.2f %7.1fx\n", "ALL", pct(all_ours, .5), pct(all_ours, .99), pct(all_theirs, .5),
              pct(all_theirs, .99), pct(all_theirs, .5) / std::max(pct(all_ours, .5), 1e-6));
  std::printf("%-22s %10.2f %10.2f   (first round, row-set cache cold; max %.2f)\n", "ALL, first round", pct(cold_ours, .5),
              pct(cold_ours, .99), *std::max_element(cold_ours.begin(), cold_ours.end()));
  std::printf("\ntitle queries returning that document first: %d / %zu\n", first, title_checks.size());

  // Do we answer the same question as the baseline? Top-20 overlap per category of the mix
  // with bare FTS5's exhaustive bm25 ranking and with bm25 over the same 500 newest matches.
  // (Different scoring functions: ours weighs titles and exact accents; overlap shows how far
  // apart the answers are, not which is right.)
  std::map<std::string, std::pair<std::vector<double>, std::vector<double>>> overlaps;
  for (const auto& q : queries) {
    auto r = store->search(request_for(q.q)).value();
    std::vector<std::string> ours_ids;
    for (const auto& h : r.items) ours_ids.push_back(h.id);
    auto full = baseline_ids(bq, q.q), windowed = baseline_ids(wq, q.q);
    auto denom = static_cast<double>(std::max<std::size_t>(1, std::min<std::size_t>(20, full.size())));
    overlaps[q.category].first.push_back(overlap(ours_ids, full) / denom);
    overlaps[q.category].second.push_back(overlap(ours_ids, windowed) / denom);
  }
  std::printf("\n%-22s %22s %22s\n", "top-20 overlap", "with exhaustive bm25", "with bm25, 500 newest");
  for (auto& [cat, v] : overlaps) {
    auto mean = [](const std::vector<double>& x) {
      double t = 0;
      for (double y : x) t += y;
      return x.empty() ? 0.0 : t / static_cast<double>(x.size());
    };
    std::printf("%-22s %21.0f%% %21.0f%%\n", cat.c_str(), 100 * mean(v.first), 100 * mean(v.second));
  }

  std::printf("\n%-24s %6s %9s %9s %10s %10s %12s\n", "distinct, once, cold", "n", "p50 ms", "p99 ms", "base p50", "base p99",
              "own doc");
  std::vector<double> d_ours, d_base;
  for (auto& [cat, d] : distinct) {
    d_ours.insert(d_ours.end(), d.ours.begin(), d.ours.end());
    d_base.insert(d_base.end(), d.base.begin(), d.base.end());
    std::printf("%-24s %6d %9.2f %9.2f %10.2f %10.2f %7d / %-3d\n", cat.c_str(), d.total, pct(d.ours, .5), pct(d.ours, .99),
                pct(d.base, .5), pct(d.base, .99), d.found, d.total);
  }
  std::printf("%-24s %6zu %9.2f %9.2f %10.2f %10.2f   (own doc: first for whole titles, top 3 for first words)\n", "ALL distinct",
              d_ours.size(), pct(d_ours, .5), pct(d_ours, .99), pct(d_base, .5), pct(d_base, .99));

  // --- reading entities: what a portal page does with the store -----------------------------
  // Each figure beside the path the store took before, in the same run on the same data:
  //  - a search's 20 hits as articles: get<article>(hit) decodes the record the search read;
  //    before, the portal read each hit again by id (get<article>(hit.id)).
  //  - list<article> pages of 20 (newest first, by cursor; then one unit's), and get<article>:
  //    records the store wrote are decoded as written; before, each was validated and
  //    NFC-normalised again (list_records/read + from_json_value, the old typed path).
  struct paired {
    std::vector<double> now, before;
  };
  paired hits_ms, list_ms, list_unit_ms, get_us;
  auto old_list = [&](const list_query& lq) -> result<page<article>> {
    auto p = store->list_records("article", lq);
    if (!p) return p.err();
    page<article> out;
    out.next_cursor = p->next_cursor;
    for (auto& r : p->items) {
      auto v = from_json_value<article>(r.body);
      if (!v) return v.err();
      out.items.push_back(std::move(*v));
    }
    return out;
  };
  auto fail = [](const char* what, const error& e) {
    std::fprintf(stderr, "%s: %s\n", what, e.describe().c_str());
    std::exit(1);
  };
  for (int rep = 0; rep < reps; ++rep) {
    bool new_first = rep % 2 == 0;  // alternate, so neither path always meets a warmer cache
    for (const auto& q : queries) {
      auto r = store->search(request_for(q.q));
      if (!r) fail("search", r.err());
      for (int k = 0; k < 2; ++k) {
        bool fresh = (k == 0) == new_first;
        auto t = clock_type::now();
        for (const auto& h : r->items) {
          auto a = fresh ? store->get<article>(h) : store->get<article>(std::string_view(h.id));
          if (!a) fail("hit", a.err());
        }
        if (rep > 0) (fresh ? hits_ms.now : hits_ms.before).push_back(ms_since(t));
      }
    }
    for (int filtered = 0; filtered < 2; ++filtered) {
      for (int k = 0; k < 2; ++k) {
        bool fresh = (k == 0) == new_first;
        list_query lq;
        if (filtered) lq.where.unit = "th-" + std::to_string(rep % 97);
        for (int pg = 0; pg < (filtered ? 3 : 10); ++pg) {
          auto t = clock_type::now();
          auto p = fresh ? store->list<article>(lq) : old_list(lq);
          double ms = ms_since(t);
          if (!p) fail("list", p.err());
          auto& into = filtered ? list_unit_ms : list_ms;
          if (rep > 0) (fresh ? into.now : into.before).push_back(ms);
          if (p->next_cursor.empty()) break;
          lq.cursor = p->next_cursor;
        }
      }
    }
    for (std::size_t i = 0; i < 200; ++i) {
      auto id = "a" + std::to_string((i * 7919 + static_cast<std::size_t>(rep)) % n);
      for (int k = 0; k < 2; ++k) {
        bool fresh = (k == 0) == new_first;
        auto t = clock_type::now();
        auto a = fresh ? store->get<article>(id) : [&]() -> result<article> {
          auto r = store->read("article", id);
          if (!r) return r.err();
          return from_json_value<article>(r->body);
        }();
        double us = ms_since(t) * 1000;
        if (!a) fail("get", a.err());
        if (rep > 0) (fresh ? get_us.now : get_us.before).push_back(us);
      }
    }
  }
  std::printf("\n%-36s %10s %10s %12s %12s\n", "reading entities", "p50", "p99", "before p50", "before p99");
  auto row = [](const char* what, const paired& v, const char* unit, double scale) {
    std::printf("%-36s %7.2f %s %7.2f %s %9.2f %s %9.2f %s\n", what, pct(v.now, .5) * scale, unit, pct(v.now, .99) * scale, unit,
                pct(v.before, .5) * scale, unit, pct(v.before, .99) * scale, unit);
  };
  row("20 search hits as articles", hits_ms, "ms", 1);
  row("list<article>, page of 20", list_ms, "ms", 1);
  row("list<article>, one unit, page of 20", list_unit_ms, "ms", 1);
  row("get<article>", get_us, "us", 1);
  std::printf("peak RSS (this run): %.1f MiB\n", static_cast<double>(peak_rss_kib()) / 1024.0);
  sqlite3_finalize(bq);
  sqlite3_finalize(wq);
  sqlite3_close(base);
  return 0;
}
