// Store benchmark: bulk insert rate and search latency (p50/p99) of the SQLite store over a
// deterministic Vietnamese corpus, beside the same queries on a bare FTS5 table built from the
// same corpus (`MATCH ... ORDER BY rank`, and bm25 over the 500 newest matches: the store's old
// candidate rule), with the same page cache size; then the cost of reading entities (a search's
// hits as articles, list pages, get by id) beside the path the store took before, same run.
//   pbgdpl_bench_store [articles=100000] [work dir=./bench-store-data]
// The corpus: `articles` articles and one legal document per 50 of them (numbers such as
// "123/QĐ-UBND", cited by a later article). The two databases are built once into the work dir
// and reused by later runs with the same corpus (the build's figures are kept in build.txt and
// printed again); PBGDPL_BENCH_REBUILD=1 rebuilds them.
// Order, issue 12: first, in the fresh process, the distinct set (300 titles never queried
// before, 60 document numbers), once each (cold); then the query mix; then the distinct set again
// (warm); then the reference: the same store file opened a second time with
// sqlite_options::exhaustive_search (our own scoring over every match) over a sample of the mix
// and the distinct set, for its latency and for the top-20 overlap and nDCG@10 of ours against it.
// Environment:
//   PBGDPL_BENCH_BUILD_ONLY=1        build (or find) the databases, print their figures, exit
//   PBGDPL_BENCH_BASELINES=0         ours only: no bare FTS5 and no exhaustive queries (so the
//                                    peak RSS printed is the store's alone, with the process)
//   PBGDPL_BENCH_ROUNDS=15           rounds of the mix (the first is reported apart, cold)
//   PBGDPL_BENCH_EXHAUSTIVE_ROUNDS=3 rounds of the mix run exhaustively (the first uncounted)
//   PBGDPL_BENCH_EXHAUSTIVE_DISTINCT=all  how many of the distinct queries run exhaustively
//   PBGDPL_BENCH_MIX_BUDGET_S=0      no new round of the mix past this many seconds (0: no budget)
//   PBGDPL_BENCH_DISTINCT=all        run only this many of the distinct queries, spread over categories
//   PBGDPL_BENCH_SLOW_MS=1000        name the queries slower than this on stderr
//   PBGDPL_BENCH_ONLY=<category>     keep one category of the mix (profiling)
//   PBGDPL_BENCH_PG=<conninfo>       also the PostgreSQL store (plugins/postgres) in the same run:
//                                    the same corpus into schema bench_<articles> (reused like the
//                                    SQLite files), then the distinct set, the mix and the title
//                                    checks, beside SQLite's figures and its exhaustive reference
#include <pbgdpl/store/sqlite.hpp>

#if defined(PBGDPL_BENCH_POSTGRES)
#include <libpq-fe.h>
#include <pg_store.hpp>
#endif

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <random>
#include <set>
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

// The documents' types: the symbol's code, the type word as written in a title and as a user
// types it, the issuer's code and name; `normative` numbers carry the year ("5/2023/TT-BGDĐT").
struct doc_kind {
  const char *code, *title_word, *query_word, *issuer_code, *issuer;
  bool normative;
};
constexpr doc_kind doc_kinds[] = {
    {"QĐ", "Quyết định", "quyết định", "UBND", "Ủy ban nhân dân quận Hà Đông", false},
    {"KH", "Kế hoạch", "kế hoạch", "PGDĐT", "Phòng Giáo dục và Đào tạo quận Hà Đông", false},
    {"TB", "Thông báo", "thông báo", "SGDĐT", "Sở Giáo dục và Đào tạo Hà Nội", false},
    {"HD", "Hướng dẫn", "hướng dẫn", "PGDĐT", "Phòng Giáo dục và Đào tạo quận Hà Đông", false},
    {"TT", "Thông tư", "thông tư", "BGDĐT", "Bộ Giáo dục và Đào tạo", true},
};

struct corpus {
  std::vector<std::string> syl;
  std::vector<double> cdf;
  // One legal document follows every 50th article in the order records are written.
  static constexpr std::size_t doc_every = 50;
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
  std::string words(std::mt19937_64& rng, int n) const {
    std::string s;
    for (int k = 0; k < n; ++k) s += (k ? " " : "") + draw(rng);
    return s;
  }
  static std::size_t documents_for(std::size_t articles) { return articles / doc_every; }
  // Position in the order records are written (the store's seq order; the baseline's rowid - 1):
  // articles 0..49, document 0, articles 50..99, document 1, ...
  static std::size_t doc_pos(std::size_t j) { return (j + 1) * (doc_every + 1) - 1; }
  static std::string id_at(std::size_t pos) {
    auto b = pos / (doc_every + 1), r = pos % (doc_every + 1);
    return r == doc_every ? "d" + std::to_string(b) : "a" + std::to_string(b * doc_every + r);
  }
  static timestamp article_time(std::size_t i) {
    return timestamp{std::chrono::seconds{1672531200 + static_cast<long long>(i) * 300}};
  }
  // The article citing document j (through its `documents` list), if the corpus has it.
  static std::string citer_of(std::size_t j, std::size_t articles) {
    auto i = (j + 1) * doc_every + 25;
    return i < articles ? "a" + std::to_string(i) : "";
  }
  // Article i, the same on every run: the phrases of a legal-education site appear in most.
  article make(std::size_t i) const {
    std::mt19937_64 rng(i * 7919 + 17);
    auto pct = [&](int p) { return static_cast<int>(rng() % 100) < p; };
    article a;
    a.id = article_id{"a" + std::to_string(i)};
    std::string title = words(rng, 3 + static_cast<int>(rng() % 5));
    if (pct(35)) title = "Tuyên truyền pháp luật " + title;
    else if (pct(30)) title = "Kế hoạch " + title + " năm học 2023";
    std::string body;
    int paras = 2 + static_cast<int>(rng() % 3);
    for (int p = 0; p < paras; ++p) {
      body += words(rng, 15 + static_cast<int>(rng() % 25)) + ". ";
      if (pct(70)) body += "Phổ biến, giáo dục pháp luật cho học sinh. ";
      if (pct(40)) body += "Đào tạo báo cáo viên pháp luật về công nghệ thông tin. ";
      if (pct(25)) body += "Hòa giải ở cơ sở và an toàn giao thông. ";
      body += words(rng, 10 + static_cast<int>(rng() % 20)) + ".\n\n";
    }
    if (pct(5)) {  // some editors paste decomposed (NFD) text
      title = text::nfd(title).value();
      body = text::nfd(body).value();
    }
    a.title = title;
    a.body_markdown = body;
    a.unit = unit_id{"th-" + std::to_string(i % 97)};
    a.author = account_id{"editor"};
    a.created_at = a.updated_at = article_time(i);
    a.published_at = a.created_at;
    a.state = article_state::published;
    // The article half way into the next block cites the previous block's document.
    if (i % doc_every == 25 && i >= doc_every + 25) a.documents.push_back(legal_document_id{"d" + std::to_string(i / doc_every - 1)});
    return a;
  }
  static const doc_kind& kind_of(std::size_t j) { return doc_kinds[j % std::size(doc_kinds)]; }
  // Document j: number j+1 (so every number is the corpus's only one), written right after
  // article 50j+49; its text draws from the same syllables.
  legal_document make_doc(std::size_t j) const {
    std::mt19937_64 rng(j * 104651 + 29);
    const auto& k = kind_of(j);
    legal_document d;
    d.id = legal_document_id{"d" + std::to_string(j)};
    d.created_at = d.updated_at = article_time(j * doc_every + doc_every - 1) + std::chrono::seconds{150};
    d.issued_on = local_date(d.created_at);
    d.year = static_cast<int>(d.issued_on.year());
    d.number = std::to_string(j + 1) + "/" + (k.normative ? std::to_string(*d.year) + "/" : "") + k.code + "-" + k.issuer_code;
    d.type_code = k.code;
    d.level = document_level::district;
    d.issuer = k.issuer;
    d.title = std::string(k.title_word) + " " + words(rng, 4 + static_cast<int>(rng() % 5));
    d.summary = words(rng, 20 + static_cast<int>(rng() % 20)) + ".";
    d.body_markdown = words(rng, 30 + static_cast<int>(rng() % 30)) + ".\n\nPhổ biến, giáo dục pháp luật cho học sinh. " +
                      words(rng, 20 + static_cast<int>(rng() % 20)) + ".";
    d.fields = {"Giáo dục"};
    d.state = article_state::published;
    if (k.normative) d.status = validity_status::in_force;  // only legal normative documents have one
    return d;
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

double mean(const std::vector<double>& x) {
  double t = 0;
  for (double y : x) t += y;
  return x.empty() ? 0.0 : t / static_cast<double>(x.size());
}

long peak_rss_kib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

long env_num(const char* name, long fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtol(v, nullptr, 10) : fallback;
}

// Progress on stderr (the tables go to stdout): a long run shows where it is.
void progress(clock_type::time_point start, const char* what) {
  std::fprintf(stderr, "[bench_store %7.1f s] %s\n", std::chrono::duration<double>(clock_type::now() - start).count(), what);
}

double file_mib(const std::filesystem::path& p) {
  std::error_code ec;
  auto s = std::filesystem::file_size(p, ec);
  return ec ? 0.0 : static_cast<double>(s) / 1048576.0;
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

// A result list as ids and scores (scores: to see ties in the reference).
struct ranked_list {
  std::vector<std::string> ids;
  std::vector<double> scores;
  bool approximate = false;  // the store could not prove its top within its cost cap
  bool refused = false;      // the store refused the query (its time limit: "too broad")
};

ranked_list list_of(const search_page& p) {
  ranked_list l;
  for (const auto& h : p.items) l.ids.push_back(h.id), l.scores.push_back(h.score);
  l.approximate = p.approximate;
  return l;
}

int overlap(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  int k = 0;
  for (const auto& x : a) k += std::find(b.begin(), b.end(), x) != b.end();
  return k;
}

// Top-20 overlap of `ours` with the reference list, as a share of the reference's length (<= 20).
double overlap_share(const std::vector<std::string>& ours, const std::vector<std::string>& ref) {
  if (ref.empty()) return ours.empty() ? 1.0 : 0.0;
  return overlap(ours, ref) / static_cast<double>(std::min<std::size_t>(20, ref.size()));
}

// nDCG@10 of `ours` against the exhaustive list `ref`, graded gain by the reference's rank: 10 for
// its first record down to 1 for its tenth, 0 past it; records the reference scores equally share
// the gain of their group's best rank (ties may come back in either order without loss).
double ndcg10(const std::vector<std::string>& ours, const ranked_list& ref) {
  if (ref.ids.empty()) return ours.empty() ? 1.0 : 0.0;
  std::map<std::string, double> gain;
  std::vector<double> ideal;
  for (std::size_t r = 0; r < ref.ids.size(); ++r) {
    std::size_t best = r;
    while (best > 0 && ref.scores[best - 1] == ref.scores[r]) --best;
    double g = best < 10 ? 10.0 - static_cast<double>(best) : 0.0;
    gain[ref.ids[r]] = g;
    ideal.push_back(g);
  }
  std::sort(ideal.rbegin(), ideal.rend());
  double dcg = 0, idcg = 0;
  for (std::size_t i = 0; i < 10; ++i) {
    double disc = 1.0 / std::log2(static_cast<double>(i) + 2.0);
    if (i < ours.size())
      if (auto g = gain.find(ours[i]); g != gain.end()) dcg += g->second * disc;
    if (i < ideal.size()) idcg += ideal[i] * disc;
  }
  return idcg > 0 ? dcg / idcg : 1.0;
}

}  // namespace

int main(int argc, char** argv) {
  const auto started = clock_type::now();
  std::size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 100000;
  std::filesystem::path dir = argc > 2 ? argv[2] : "bench-store-data";
  const std::size_t ndocs = corpus::documents_for(n);
  const bool baselines = env_num("PBGDPL_BENCH_BASELINES", 1) != 0;
  const int reps = static_cast<int>(std::max(2L, env_num("PBGDPL_BENCH_ROUNDS", 15)));
  // The databases are reused when build.txt names this corpus (articles and documents).
  const std::string corpus_line = "articles " + std::to_string(n) + " + " + std::to_string(ndocs) + " legal documents\n";
  std::string build_info;
  {
    std::ifstream in(dir / "build.txt");
    std::stringstream ss;
    ss << in.rdbuf();
    build_info = ss.str();
  }
  bool reuse = !std::getenv("PBGDPL_BENCH_REBUILD") && build_info.rfind(corpus_line, 0) == 0;
  if (!reuse) {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  corpus c(3000);
  const sqlite_options store_opt;  // the defaults a portal gets; its cache_kib is the baselines' cache too

  // --- bulk insert: the store, then the bare FTS5 baseline --------------------------------
  // The store takes the corpus as an import would: 10,000 articles per transaction (one WAL
  // sync each), then one merge of the search index's segments (sqlite_store::optimize).
  auto store = open_sqlite_store(dir / "store.db", store_opt).value();
  auto t0 = clock_type::now();
  for (std::size_t i = reuse ? n : 0; i < n;) {
    auto r = store->transaction([&]() -> result<void> {
      for (std::size_t k = 0; k < 10000 && i < n; ++k, ++i) {
        if (auto a = store->create(c.make(i), "bench"); !a) return a.err();
        if (i % corpus::doc_every == corpus::doc_every - 1)
          if (auto d = store->create(c.make_doc(i / corpus::doc_every), "bench"); !d) return d.err();
      }
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
  // The store's size as a portal holds it after the import: main file and WAL, before any close.
  double store_mib = file_mib(dir / "store.db"), wal_mib = file_mib(dir / "store.db-wal");
  long store_build_rss_kib = peak_rss_kib();

  sqlite3* base = nullptr;
  check(sqlite3_open((dir / "baseline.db").c_str(), &base), base, "open baseline");
  if (!reuse) check(sqlite3_exec(base, "PRAGMA journal_mode=WAL; CREATE VIRTUAL TABLE base USING fts5(title, body, tokenize='unicode61 remove_diacritics 2')",
                     nullptr, nullptr, nullptr), base, "schema");
  // The same page cache as the store's connection (a bare FTS5 on SQLite's 2 MiB default would
  // measure the cache, not the method).
  check(sqlite3_exec(base, ("PRAGMA cache_size=-" + std::to_string(store_opt.cache_kib)).c_str(), nullptr, nullptr, nullptr), base,
        "cache_size");
  sqlite3_stmt* ins = nullptr;
  check(sqlite3_prepare_v2(base, "INSERT INTO base(rowid, title, body) VALUES(?, ?, ?)", -1, &ins, nullptr), base, "prepare");
  t0 = clock_type::now();
  check(sqlite3_exec(base, "BEGIN", nullptr, nullptr, nullptr), base, "begin");
  auto insert_base = [&](std::size_t pos, const std::string& title, const std::string& body) {
    sqlite3_bind_int64(ins, 1, static_cast<sqlite3_int64>(pos + 1));
    sqlite3_bind_text(ins, 2, title.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(ins, 3, body.c_str(), -1, SQLITE_TRANSIENT);
    check(sqlite3_step(ins), base, "insert");
    sqlite3_reset(ins);
  };
  for (std::size_t i = reuse ? n : 0, pos = 0; i < n; ++i) {
    auto a = c.make(i);
    insert_base(pos++, text::nfc(a.title).value(), text::nfc(a.body_markdown).value());
    if (i % corpus::doc_every == corpus::doc_every - 1) {
      // A document's searched text as the store's: number, summary, body, issuer.
      auto d = c.make_doc(i / corpus::doc_every);
      insert_base(pos++, d.title, d.number + " " + d.summary + " " + d.body_markdown + " " + d.issuer);
    }
  }
  check(sqlite3_exec(base, "COMMIT", nullptr, nullptr, nullptr), base, "commit");
  sqlite3_finalize(ins);
  double base_insert_s = ms_since(t0) / 1000;
  long build_rss_kib = peak_rss_kib();
  if (!reuse) {
    char line[1024];
    std::snprintf(line, sizeof line,
                  "bulk insert: store %.1f s (%.0f articles/s) + optimize %.1f s   bare FTS5 %.1f s (%.0f articles/s)\n"
                  "peak RSS while building: store %.1f MiB, with the bare FTS5 build %.1f MiB\n"
                  "store after optimize: %.1f MiB + WAL %.1f MiB = %.0f bytes per article (%.0f per record)\n",
                  store_insert_s, static_cast<double>(n) / store_insert_s, store_optimize_s, base_insert_s,
                  static_cast<double>(n) / base_insert_s, static_cast<double>(store_build_rss_kib) / 1024.0,
                  static_cast<double>(build_rss_kib) / 1024.0, store_mib, wal_mib,
                  (store_mib + wal_mib) * 1048576.0 / static_cast<double>(n),
                  (store_mib + wal_mib) * 1048576.0 / static_cast<double>(n + ndocs));
    build_info = corpus_line + line;
    std::ofstream(dir / "build.txt") << build_info;
  }
  std::printf("articles: %zu + %zu legal documents   syllables: %zu\n", n, ndocs, c.syl.size());
  if (reuse) std::printf("databases reused; figures of the run that built them:\n");
  std::printf("%s", build_info.substr(build_info.find('\n') + 1).c_str());
  std::printf("file sizes now: store %.1f MiB + WAL %.1f MiB   bare FTS5 %.1f MiB\n", file_mib(dir / "store.db"),
              file_mib(dir / "store.db-wal"), file_mib(dir / "baseline.db"));
  std::fflush(stdout);
  if (env_num("PBGDPL_BENCH_BUILD_ONLY", 0)) {
    sqlite3_close(base);
    return 0;
  }

  // --- queries never seen before (issue 12): run first, once each, in this fresh process ------
  // 300 distinct queries from titles never queried before: whole titles (NFC), their first three
  // or four words, whole titles decomposed (NFD) and without accents; and 60 document numbers in
  // the forms people type ("quyết định 12/QĐ-UBND", "12/qd-ubnd", "quyet dinh 12/qd-ubnd", NFD).
  // Ours beside the bare FTS5 baseline's exhaustive ranking; whether the title's own document
  // comes first (whole titles, numbers) or in the top 3 (first words), and for numbers whether the
  // article citing the document comes next (2nd or 3rd).
  sqlite3_stmt* bq = nullptr;
  check(sqlite3_prepare_v2(base, "SELECT rowid FROM base WHERE base MATCH ? ORDER BY rank LIMIT 20", -1, &bq, nullptr), base, "prepare");
  // The baseline with the store's old candidate rule: the 500 newest matches, ranked by bm25.
  sqlite3_stmt* wq = nullptr;
  check(sqlite3_prepare_v2(base,
                           "SELECT rowid FROM (SELECT rowid, bm25(base) AS s FROM base WHERE base MATCH ? ORDER BY rowid DESC "
                           "LIMIT 500) ORDER BY s LIMIT 20",
                           -1, &wq, nullptr),
        base, "prepare windowed");
  // Bare FTS5's top 20 as our ids.
  auto baseline_ids = [&](sqlite3_stmt* st, const std::string& q) {
    std::vector<std::string> ids;
    auto m = baseline_match(parse_query(q).value());
    sqlite3_bind_text(st, 1, m.c_str(), -1, SQLITE_TRANSIENT);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) ids.push_back(corpus::id_at(static_cast<std::size_t>(sqlite3_column_int64(st, 0) - 1)));
    check(rc, base, "baseline query");
    sqlite3_reset(st);
    return ids;
  };
  // Queries slower than PBGDPL_BENCH_SLOW_MS (default 1000) are named on stderr, as they happen.
  const double slow_ms = static_cast<double>(env_num("PBGDPL_BENCH_SLOW_MS", 1000));
  auto ours_search = [&](sqlite_store& s, const std::string& q, double& ms) {
    auto t = clock_type::now();
    auto r = s.search(request_for(q));
    ms = ms_since(t);
    if (!r) {
      // A query the store refuses (its time limit) is counted, with its time, and has no hits.
      std::fprintf(stderr, "[bench_store] refused%s after %.0f ms: %s: %s\n", &s == store.get() ? "" : " (exhaustive)", ms,
                   q.c_str(), r.err().describe().c_str());
      ranked_list none;
      none.refused = true;
      return none;
    }
    if (ms > slow_ms)
      std::fprintf(stderr, "[bench_store] slow query%s: %.0f ms%s: %s\n", &s == store.get() ? "" : " (exhaustive)", ms,
                   r->approximate ? " (approximate)" : "", q.c_str());
    return list_of(*r);
  };
  struct distinct_query {
    std::string category, q, id, citer;
    std::size_t need = 1;  // the own document within this rank
    double cold = 0, warm = 0, base = 0, exhaustive = -1;
    ranked_list ours, ref;
  };
  std::vector<distinct_query> dq;
  auto add = [&](std::string cat, std::string q, std::string id, std::string citer, std::size_t need) {
    distinct_query d;
    d.category = std::move(cat), d.q = std::move(q), d.id = std::move(id), d.citer = std::move(citer), d.need = need;
    dq.push_back(std::move(d));
  };
  for (std::size_t k = 0; k < 300; ++k) {
    std::size_t i = (k * 104729 + 31) % n;  // distinct articles, spread over the corpus
    auto a = c.make(i);
    auto title = text::nfc(a.title).value();
    auto words = split_words(title);
    switch (k % 6) {
      case 0:
      case 1: add("whole title", title, a.id.value, "", 1); break;
      case 2:
      case 3: {
        std::size_t w = std::min<std::size_t>(words.size(), 3 + k % 2);
        std::string head;
        for (std::size_t j = 0; j < w; ++j) head += (j ? " " : "") + words[j];
        add("first 3-4 words", head, a.id.value, "", 3);
        break;
      }
      case 4: add("whole title, NFD", text::nfd(title).value(), a.id.value, "", 1); break;
      default: add("whole title, no accents", text::fold(title).value(), a.id.value, "", 1); break;
    }
  }
  std::size_t title_queries = dq.size();
  for (std::size_t k = 0; k < std::min<std::size_t>(60, ndocs); ++k) {
    std::size_t j = (k * 7877 + 13) % ndocs;  // distinct documents (7877 is prime), spread over the corpus
    auto d = c.make_doc(j);
    std::string typed = std::string(corpus::kind_of(j).query_word) + " " + d.number;
    std::string q;
    switch (k % 4) {
      case 0: q = typed; break;
      case 1: q = text::fold(d.number).value(); break;
      case 2: q = text::fold(typed).value(); break;
      default: q = text::nfd(typed).value(); break;
    }
    add("document number", q, d.id.value, corpus::citer_of(j, n), 1);
  }
  // Which `keep` of the distinct queries a sample takes: the same share of every category, spread
  // over it (the categories interleave, so every n-th query overall would miss some of them).
  auto sample = [&](std::size_t keep) {
    std::map<std::string, std::size_t> size, seen;
    for (const auto& d : dq) ++size[d.category];
    std::vector<bool> take(dq.size());
    for (std::size_t k = 0; k < dq.size(); ++k) {
      auto total = size[dq[k].category], j = seen[dq[k].category]++;
      auto want = std::max<std::size_t>(keep ? 1 : 0, (keep * total + dq.size() / 2) / dq.size());
      take[k] = j * want / total != (j + 1) * want / total;
    }
    return take;
  };
  // PBGDPL_BENCH_DISTINCT=<k>: about k of them (a 1M run where queries are slow).
  if (auto keep = static_cast<std::size_t>(std::max(0L, env_num("PBGDPL_BENCH_DISTINCT", static_cast<long>(dq.size())))); keep < dq.size()) {
    auto take = sample(keep);
    std::vector<distinct_query> kept;
    std::size_t titles_kept = 0;
    for (std::size_t k = 0; k < dq.size(); ++k)
      if (take[k]) {
        titles_kept += k < title_queries;
        kept.push_back(std::move(dq[k]));
      }
    dq = std::move(kept);
    title_queries = titles_kept;
  }
  progress(started, "databases ready; the distinct set, cold");
  for (auto& d : dq) {
    d.ours = ours_search(*store, d.q, d.cold);
    if (baselines) {
      auto t = clock_type::now();
      (void)baseline_ids(bq, d.q);
      d.base = ms_since(t);
    }
  }
  long cold_rss_kib = peak_rss_kib();

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

  // Per category: ours, bare FTS5 exhaustive bm25 (a), bare FTS5 bm25 over the 500 newest (b).
  std::map<std::string, std::vector<double>> ours, theirs, windowed;
  std::vector<double> all_ours, all_theirs, all_windowed, cold_ours;  // cold: the first round, caches empty
  auto time_baseline = [&](sqlite3_stmt* st, const std::string& m) {
    auto t = clock_type::now();
    sqlite3_bind_text(st, 1, m.c_str(), -1, SQLITE_TRANSIENT);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    }
    check(rc, base, "baseline query");
    sqlite3_reset(st);
    return ms_since(t);
  };
  progress(started, "the query mix");
  // PBGDPL_BENCH_MIX_BUDGET_S: no new round past this many seconds of the mix (at least 2 rounds).
  const auto mix_started = clock_type::now();
  const double mix_budget_s = static_cast<double>(env_num("PBGDPL_BENCH_MIX_BUDGET_S", 0));
  int mix_rounds = 0, mix_refused = 0, mix_approximate = 0, mix_total = 0;
  for (int rep = 0; rep < reps; ++rep, ++mix_rounds) {
    if (rep >= 2 && mix_budget_s > 0 && ms_since(mix_started) / 1000 > mix_budget_s) break;
    for (const auto& q : queries) {
      double ms = 0;
      auto r = ours_search(*store, q.q, ms);
      mix_refused += r.refused, mix_approximate += r.approximate, ++mix_total;
      if (rep > 0) ours[q.category].push_back(ms), all_ours.push_back(ms);
      else cold_ours.push_back(ms);
      if (!baselines) continue;
      auto m = baseline_match(parse_query(q.q).value());
      ms = time_baseline(bq, m);
      if (rep > 0) theirs[q.category].push_back(ms), all_theirs.push_back(ms);
      ms = time_baseline(wq, m);
      if (rep > 0) windowed[q.category].push_back(ms), all_windowed.push_back(ms);
    }
  }
  int first = 0;
  for (auto& [title, id] : title_checks) {
    double ms = 0;
    auto r = ours_search(*store, title, ms);
    if (!r.ids.empty() && r.ids[0] == id) ++first;
  }
  // The distinct set again, warm: same queries, same order, after the mix.
  progress(started, "the distinct set, warm");
  for (auto& d : dq) (void)ours_search(*store, d.q, d.warm);
  long ours_rss_kib = peak_rss_kib();

  // --- the reference: our own scoring over every match (sqlite_options::exhaustive_search) ----
  // The same file opened a second time, same page cache size. Slow on common words, so it runs
  // over a sample: PBGDPL_BENCH_EXHAUSTIVE_ROUNDS rounds of the mix (the first, cold, uncounted)
  // and about PBGDPL_BENCH_EXHAUSTIVE_DISTINCT of the distinct queries (default all; the same share of
  // every category), once each.
  std::map<std::string, std::vector<double>> exh_ms;
  std::vector<double> all_exh;
  std::map<std::string, ranked_list> exh_lists;  // by query text, for the mix
  if (baselines) {
    auto ex_opt = store_opt;
    ex_opt.exhaustive_search = true;
    ex_opt.search_time_limit_ms = 0;  // the reference must not be cut off
    auto ex = open_sqlite_store(dir / "store.db", ex_opt);
    if (!ex) {
      std::fprintf(stderr, "open exhaustive: %s\n", ex.err().describe().c_str());
      return 1;
    }
    progress(started, "the exhaustive reference");
    int ex_rounds = static_cast<int>(std::max(1L, env_num("PBGDPL_BENCH_EXHAUSTIVE_ROUNDS", 3)));
    for (int rep = 0; rep < ex_rounds; ++rep)
      for (const auto& q : queries) {
        double ms = 0;
        exh_lists[q.q] = ours_search(**ex, q.q, ms);
        if (rep > 0 || ex_rounds == 1) exh_ms[q.category].push_back(ms), all_exh.push_back(ms);
      }
    auto ex_distinct = static_cast<std::size_t>(std::max(0L, env_num("PBGDPL_BENCH_EXHAUSTIVE_DISTINCT", static_cast<long>(dq.size()))));
    auto take = sample(ex_distinct);
    for (std::size_t k = 0; k < dq.size(); ++k)
      if (take[k]) dq[k].ref = ours_search(**ex, dq[k].q, dq[k].exhaustive);
  }
  long exh_rss_kib = peak_rss_kib();

  std::printf("\n%-22s %8s %8s | %22s %6s | %22s %6s\n", ("query mix (rounds 2-" + std::to_string(mix_rounds) + ")").c_str(), "ours p50", "p99", "FTS5 bm25, all: p50/p99",
              "x", "FTS5 500 newest p50/p99", "x");
  auto mix_row = [&](const std::string& cat, const std::vector<double>& v, const std::vector<double>& b, const std::vector<double>& w) {
    if (!baselines) {  // ours only: no baseline columns
      std::printf("%-22s %8.2f %8.2f |\n", cat.c_str(), pct(v, .5), pct(v, .99));
      return;
    }
    std::printf("%-22s %8.2f %8.2f | %10.2f %11.2f %5.1fx | %10.2f %11.2f %5.1fx\n", cat.c_str(), pct(v, .5), pct(v, .99), pct(b, .5),
                pct(b, .99), pct(b, .5) / std::max(pct(v, .5), 1e-6), pct(w, .5), pct(w, .99), pct(w, .5) / std::max(pct(v, .5), 1e-6));
  };
  for (auto& [cat, v] : ours) mix_row(cat, v, theirs[cat], windowed[cat]);
  mix_row("ALL", all_ours, all_theirs, all_windowed);
  std::printf("%-22s %8.2f %8.2f   (first round, caches cold; max %.2f)\n", "ALL, first round", pct(cold_ours, .5), pct(cold_ours, .99),
              *std::max_element(cold_ours.begin(), cold_ours.end()));
  std::printf("(x: the baseline's p50 / ours; every baseline with PRAGMA cache_size = the store's cache_kib, %d KiB)\n",
              store_opt.cache_kib);
  {
    int d_refused = 0, d_approximate = 0;
    for (const auto& d : dq) d_refused += d.ours.refused, d_approximate += d.ours.approximate;
    std::printf("ours, refused (time limit) / approximate pages: mix %d / %d of %d searches; distinct set, cold %d / %d of %zu\n",
                mix_refused, mix_approximate, mix_total, d_refused, d_approximate, dq.size());
  }
  std::printf("\ntitle queries returning that document first: %d / %zu\n", first, title_checks.size());

  // Do we answer the same question? Top-20 overlap per category of the mix with bare FTS5's
  // exhaustive bm25 ranking and with bm25 over the same 500 newest matches (different scoring
  // functions: ours weighs titles and exact accents; how far apart the answers are, not which is
  // right), and with our own scoring over every match (the reference: must be 100% once the
  // top-k is exact).
  if (baselines) {
    struct agreement {
      std::vector<double> full, win, exh, ndcg;
      int same = 0, approximate = 0, refused = 0;
    };
    std::map<std::string, agreement> ag;
    agreement all;
    for (const auto& q : queries) {
      double ms = 0;
      auto r = ours_search(*store, q.q, ms);
      auto& a = ag[q.category];
      for (auto* x : {&a, &all}) {
        x->full.push_back(overlap_share(r.ids, baseline_ids(bq, q.q)));
        x->win.push_back(overlap_share(r.ids, baseline_ids(wq, q.q)));
        const auto& ref = exh_lists[q.q];
        x->exh.push_back(overlap_share(r.ids, ref.ids));
        x->ndcg.push_back(ndcg10(r.ids, ref));
        x->same += r.ids == ref.ids;
        x->approximate += r.approximate;
        x->refused += r.refused;
      }
    }
    // ALL counts each query once: the mix's categories have 4 to 20 queries.
    ag["ALL"] = all;
    std::printf("\n%-22s %13s %13s | %16s %10s %8s %7s %7s | %17s %9s %9s\n", "top-20 overlap", "FTS5 bm25", "500 newest",
                "ours, exhaustive", "same 20", "nDCG@10", "approx", "refused", "exhaustive p50/p99", "x exh", "x FTS5");
    auto ag_row = [&](const std::string& cat, const agreement& x, const std::vector<double>& e, const std::vector<double>& v,
                      const std::vector<double>& b) {
      std::printf("%-22s %12.0f%% %12.0f%% | %15.0f%% %4d / %-3zu %8.3f %7d %7d | %8.2f %8.2f %8.1fx %8.1fx\n", cat.c_str(),
                  100 * mean(x.full), 100 * mean(x.win), 100 * mean(x.exh), x.same, x.exh.size(), mean(x.ndcg), x.approximate, x.refused,
                  pct(e, .5),
                  pct(e, .99),
                  pct(e, .5) / std::max(pct(v, .5), 1e-6), pct(b, .5) / std::max(pct(v, .5), 1e-6));
    };
    for (auto& [cat, x] : ag)
      if (cat != "ALL") ag_row(cat, x, exh_ms[cat], ours[cat], theirs[cat]);
    ag_row("ALL", ag["ALL"], all_exh, all_ours, all_theirs);
    std::printf("(exhaustive: this store file opened again with exhaustive_search, %ld rounds of the mix, the first uncounted;\n"
                " nDCG@10 gain by the exhaustive rank: 10 for its 1st ... 1 for its 10th, ties share the best; x: p50 / ours' p50;\n"
                " approx: pages that say search_page::approximate, the store's cost cap reached; refused: the store's time limit)\n",
                env_num("PBGDPL_BENCH_EXHAUSTIVE_ROUNDS", 3));
  }

  // The distinct set: cold (first in this process), warm (again after the mix), beside bare FTS5
  // (cold pass) and our own scoring over every match; the own document's rank; agreement.
  {
    struct cat_stats {
      std::vector<double> cold, warm, base, exh, ov, ndcg;
      int found = 0, total = 0, citers = 0, with_citer = 0, same = 0, approximate = 0, refused = 0;
    };
    std::map<std::string, cat_stats> cats;
    cat_stats titles, everything;
    for (std::size_t k = 0; k < dq.size(); ++k) {
      const auto& d = dq[k];
      std::vector<cat_stats*> into{&cats[d.category], &everything};
      if (k < title_queries) into.push_back(&titles);
      for (auto* s : into) {
        s->cold.push_back(d.cold);
        s->warm.push_back(d.warm);
        if (baselines) s->base.push_back(d.base);
        ++s->total;
        s->approximate += d.ours.approximate;
        s->refused += d.ours.refused;
        for (std::size_t j = 0; j < d.ours.ids.size() && j < d.need; ++j) s->found += d.ours.ids[j] == d.id;
        if (!d.citer.empty()) {
          ++s->with_citer;
          for (std::size_t j = 1; j < d.ours.ids.size() && j < 3; ++j) s->citers += d.ours.ids[j] == d.citer;
        }
        if (d.exhaustive >= 0) {
          s->exh.push_back(d.exhaustive);
          s->ov.push_back(overlap_share(d.ours.ids, d.ref.ids));
          s->ndcg.push_back(ndcg10(d.ours.ids, d.ref));
          s->same += d.ours.ids == d.ref.ids;
        }
      }
    }
    std::printf("\n%-24s %4s %15s %15s %15s %11s\n", "distinct, once each", "n", "cold p50/p99", "warm p50/p99", "FTS5 p50/p99",
                "own doc");
    auto row = [&](const std::string& cat, const cat_stats& s) {
      char base_cols[32] = "      -       -";  // ours only: no baseline
      if (baselines) std::snprintf(base_cols, sizeof base_cols, "%7.2f %7.2f", pct(s.base, .5), pct(s.base, .99));
      std::printf("%-24s %4d %7.2f %7.2f %7.2f %7.2f %s %4d / %-3d\n", cat.c_str(), s.total, pct(s.cold, .5), pct(s.cold, .99),
                  pct(s.warm, .5), pct(s.warm, .99), base_cols, s.found, s.total);
    };
    for (auto& [cat, s] : cats) row(cat, s);
    row("ALL titles (as before)", titles);
    row("ALL distinct", everything);
    std::printf("(cold: the first queries of this process; warm: the same again after the mix; own doc: first for whole\n"
                " titles and numbers, top 3 for first words)\n");
    if (auto& s = cats["document number"]; s.with_citer)
      std::printf("document numbers: the article citing the document 2nd or 3rd: %d / %d\n", s.citers, s.with_citer);
    if (baselines) {
      std::printf("\n%-24s %4s %17s %8s %8s %9s %14s %9s %7s %7s\n", "distinct vs exhaustive", "n", "exhaustive p50/p99",
                  "x exh", "x FTS5", "overlap", "same 20", "nDCG@10", "approx", "refused");
      auto erow = [](const std::string& cat, const cat_stats& s) {
        std::printf("%-24s %4zu %8.2f %8.2f %7.1fx %7.1fx %8.0f%% %8d / %-3zu %8.3f %7d %7d\n", cat.c_str(), s.exh.size(),
                    pct(s.exh, .5), pct(s.exh, .99), pct(s.exh, .5) / std::max(pct(s.cold, .5), 1e-6),
                    pct(s.base, .5) / std::max(pct(s.cold, .5), 1e-6), 100 * mean(s.ov), s.same, s.exh.size(), mean(s.ndcg), s.approximate,
                    s.refused);
      };
      for (auto& [cat, s] : cats) erow(cat, s);
      erow("ALL titles (as before)", titles);
      erow("ALL distinct", everything);
      std::printf("(x: the other's p50 / ours' cold p50, on all %zu queries for FTS5 and on the %zu run exhaustively;\n"
                  " approx, refused: ours, of all the category's queries)\n", dq.size(),
                  everything.exh.size());
    }
  }
  std::fflush(stdout);

#if defined(PBGDPL_BENCH_POSTGRES)
  // --- PostgreSQL: the same corpus and queries on the postgres plugin's store ------------------
  if (const char* pg = std::getenv("PBGDPL_BENCH_PG"); pg && *pg) {
    auto pg_fail = [](const char* what, const error& e) {
      std::fprintf(stderr, "PostgreSQL %s: %s\n", what, e.describe().c_str());
      std::exit(1);
    };
    // Raw SQL for what the store does not offer: dropping a half-built schema, its size.
    auto pg_sql = [&](const std::string& sql) {
      PGconn* cn = PQconnectdb(pg);
      std::string out;
      if (PQstatus(cn) == CONNECTION_OK) {
        PGresult* r = PQexec(cn, sql.c_str());
        if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0) out = PQgetvalue(r, 0, 0);
        PQclear(r);
      }
      PQfinish(cn);
      return out;
    };
    const std::string schema = "bench_" + std::to_string(n);
    std::string pg_info;
    {
      std::ifstream in(dir / "pg-build.txt");
      std::stringstream ss;
      ss << in.rdbuf();
      pg_info = ss.str();
    }
    // Reused when pg-build.txt names this corpus and the schema still holds its last article (the
    // server may be a new one).
    bool pg_reuse = !std::getenv("PBGDPL_BENCH_REBUILD") && pg_info.rfind(corpus_line, 0) == 0 &&
                    pg_sql("SELECT 1 FROM " + schema + ".entities WHERE kind = 'article' AND id = '" + corpus::id_at(n - 1) + "'") == "1";
    if (!pg_reuse) pg_sql("SET client_min_messages = warning; DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    pg_options po;
    po.conninfo = pg;
    po.schema = schema;
    auto pgs = open_pg_store(po);
    if (!pgs) pg_fail("open", pgs.err());
    auto& pdb = **pgs;
    progress(started, pg_reuse ? "PostgreSQL: schema reused" : "PostgreSQL: bulk insert");
    if (!pg_reuse) {
      auto pt = clock_type::now();
      for (std::size_t i = 0; i < n;) {
        auto r = pdb.transaction([&]() -> result<void> {
          for (std::size_t k = 0; k < 10000 && i < n; ++k, ++i) {
            if (auto a = pdb.create(c.make(i), "bench"); !a) return a.err();
            if (i % corpus::doc_every == corpus::doc_every - 1)
              if (auto d = pdb.create(c.make_doc(i / corpus::doc_every), "bench"); !d) return d.err();
          }
          return {};
        });
        if (!r) pg_fail("insert", r.err());
      }
      double secs = ms_since(pt) / 1000;
      pg_sql("VACUUM ANALYZE");  // what an operator runs after an import (autovacuum would, later)
      double mib = std::atof(pg_sql("SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace "
                                    "WHERE s.nspname = '" + schema + "' AND c.relkind IN ('r', 'm')").c_str()) / 1048576.0;
      char line[512];
      std::snprintf(line, sizeof line, "PostgreSQL bulk insert: %.1f s (%.0f articles/s), schema %.1f MiB (tables, indexes, TOAST)\n", secs,
                    static_cast<double>(n) / secs, mib);
      pg_info = corpus_line + line;
      std::ofstream(dir / "pg-build.txt") << pg_info;
    }
    std::printf("\n%s", pg_info.substr(pg_info.find('\n') + 1).c_str());
    if (pg_reuse) std::printf("(schema %s reused: the figure is the run that built it)\n", schema.c_str());
    auto pg_search = [&](const std::string& q, double& ms) {
      auto t = clock_type::now();
      auto r = pdb.search(request_for(q));
      ms = ms_since(t);
      if (!r) {
        std::fprintf(stderr, "[bench_store] PostgreSQL refused after %.0f ms: %s: %s\n", ms, q.c_str(), r.err().describe().c_str());
        ranked_list none;
        none.refused = true;
        return none;
      }
      if (ms > slow_ms) std::fprintf(stderr, "[bench_store] PostgreSQL slow query: %.0f ms%s: %s\n", ms, r->approximate ? " (approximate)" : "", q.c_str());
      return list_of(*r);
    };
    progress(started, "PostgreSQL: the distinct set, the mix");
    std::vector<double> pg_distinct;
    int pg_own_first = 0, pg_own_total = 0;
    std::vector<double> pg_d_ov, pg_d_ndcg;
    for (const auto& d : dq) {
      double ms = 0;
      auto r = pg_search(d.q, ms);
      pg_distinct.push_back(ms);
      ++pg_own_total;
      for (std::size_t j = 0; j < r.ids.size() && j < d.need; ++j) pg_own_first += r.ids[j] == d.id;
      if (d.exhaustive >= 0) {
        pg_d_ov.push_back(overlap_share(r.ids, d.ref.ids));
        pg_d_ndcg.push_back(ndcg10(r.ids, d.ref));
      }
    }
    std::map<std::string, std::vector<double>> pg_ms;
    std::vector<double> pg_all, pg_cold;
    std::map<std::string, ranked_list> pg_lists;
    int pg_refused = 0, pg_approximate = 0, pg_total = 0;
    for (int rep = 0; rep < mix_rounds; ++rep)
      for (const auto& q : queries) {
        double ms = 0;
        auto r = pg_search(q.q, ms);
        pg_refused += r.refused, pg_approximate += r.approximate, ++pg_total;
        if (rep > 0) pg_ms[q.category].push_back(ms), pg_all.push_back(ms);
        else pg_cold.push_back(ms), pg_lists[q.q] = r;
      }
    int pg_first = 0;
    for (auto& [title, id] : title_checks) {
      double ms = 0;
      auto r = pg_search(title, ms);
      if (!r.ids.empty() && r.ids[0] == id) ++pg_first;
    }
    std::printf("\n%-22s %8s %8s | %8s %8s %7s | %9s %8s %9s\n", ("PostgreSQL mix (2-" + std::to_string(mix_rounds) + ")").c_str(), "pg p50",
                "p99", "sqlite", "p99", "x", "overlap", "nDCG@10", "approx");
    auto pg_row = [&](const std::string& cat, const std::vector<double>& v, const std::vector<double>& sq, const std::vector<std::string>& qs) {
      std::vector<double> ov, nd;
      int approx = 0;
      for (const auto& q : qs) {
        const auto& mine = pg_lists[q];
        approx += mine.approximate;
        if (auto e = exh_lists.find(q); e != exh_lists.end()) {
          ov.push_back(overlap_share(mine.ids, e->second.ids));
          nd.push_back(ndcg10(mine.ids, e->second));
        }
      }
      std::printf("%-22s %8.2f %8.2f | %8.2f %8.2f %6.1fx | %8.0f%% %8.3f %5d / %zu\n", cat.c_str(), pct(v, .5), pct(v, .99), pct(sq, .5),
                  pct(sq, .99), pct(v, .5) / std::max(pct(sq, .5), 1e-6), ov.empty() ? -1.0 : 100 * mean(ov), nd.empty() ? -1.0 : mean(nd),
                  approx, qs.size());
    };
    std::vector<std::string> all_qs;
    for (auto& [cat, v] : pg_ms) {
      std::vector<std::string> qs;
      for (const auto& q : queries)
        if (q.category == cat) qs.push_back(q.q), all_qs.push_back(q.q);
      pg_row(cat, v, ours[cat], qs);
    }
    pg_row("ALL", pg_all, all_ours, all_qs);
    std::printf("%-22s %8.2f %8.2f   (first round)\n", "ALL, first round", pct(pg_cold, .5), pct(pg_cold, .99));
    std::printf("distinct set once each (after SQLite's runs): p50 %.2f ms, p99 %.2f ms; own document first/top 3: %d / %d;"
                " vs SQLite's exhaustive reference: overlap %.0f%%, nDCG@10 %.3f (%zu queries)\n",
                pct(pg_distinct, .5), pct(pg_distinct, .99), pg_own_first, pg_own_total, pg_d_ov.empty() ? -1.0 : 100 * mean(pg_d_ov),
                pg_d_ndcg.empty() ? -1.0 : mean(pg_d_ndcg), pg_d_ov.size());
    std::printf("title queries returning that document first: %d / %zu; refused / approximate: %d / %d of %d searches\n", pg_first,
                title_checks.size(), pg_refused, pg_approximate, pg_total);
    std::printf("(overlap, nDCG@10: top 20 against SQLite's exhaustive scoring, -1 without the baselines; approx: pages past\n"
                " pg_options::max_scored_matches, the newest matches scored)\n");
    std::fflush(stdout);
  }
#endif

  progress(started, "reading entities");
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
  for (int rep = 0; rep < mix_rounds; ++rep) {
    bool new_first = rep % 2 == 0;  // alternate, so neither path always meets a warmer cache
    for (const auto& q : queries) {
      auto r = store->search(request_for(q.q));
      if (!r) continue;  // refused (the store's time limit): counted in the mix above
      for (int k = 0; k < 2; ++k) {
        bool fresh = (k == 0) == new_first;
        auto t = clock_type::now();
        for (const auto& h : r->items) {
          if (h.kind != "article") continue;  // a legal document among the hits
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
  std::printf("peak RSS (this run): %.1f MiB; after the distinct set cold %.1f, after the mix and warm distinct %.1f, after the"
              " exhaustive runs %.1f%s\n",
              static_cast<double>(peak_rss_kib()) / 1024.0, static_cast<double>(cold_rss_kib) / 1024.0,
              static_cast<double>(ours_rss_kib) / 1024.0, static_cast<double>(exh_rss_kib) / 1024.0,
              baselines ? "" : " (PBGDPL_BENCH_BASELINES=0: the store's queries only)");
  sqlite3_finalize(bq);
  sqlite3_finalize(wq);
  sqlite3_close(base);
  progress(started, "done");
  return 0;
}
