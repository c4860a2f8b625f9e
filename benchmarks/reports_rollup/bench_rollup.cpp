// National scale for the yearly reports (issue 17: ≤ 2 s and ≤ 1 GiB): 50,000 schools under 700
// offices of one city, a year of data, in a real SQLite file. Times, in one run:
//   (1) the store's way: read the units and the period's submissions from the store (JSON bodies
//       decoded) and roll them up to every office and the city (roll_up, model/report_rollup.hpp);
//   (2) the peer: the same totals as ONE SQL GROUP BY over a plain table of values (unit, division,
//       indicator, value) in the same SQLite file;
//   (3) compute_for_units (reports/indicators.hpp): every computed indicator of the template for
//       all 50,000 schools from the year's records (compliance checks, articles, questions, plays,
//       screens, channels and their posts, training), one pass per kind.
// Checks (1) and (2) give the same totals (exits 1 if not) and (3) what was generated, then prints
// wall and CPU times and the peak RSS. The generated file is kept (next to the binary unless
// given) and reused when its parameters match; --fresh makes it again.
//   pbgdpl_bench_reports_rollup [schools=50000] [divisions=700] [db path] [--fresh]
// BENCH_SPLIT=1 also times reading the submissions' records with and without their bodies.
#include <pbgdpl/model/report_rollup.hpp>
#include <pbgdpl/reports/indicators.hpp>
#include <pbgdpl/reports/rollup.hpp>
#include <pbgdpl/store/sqlite.hpp>

#include <sqlite3.h>
#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>

using namespace pbgdpl;
using clk = std::chrono::steady_clock;

namespace {

double peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

struct stopwatch {
  clk::time_point wall = clk::now();
  double cpu = cpu_seconds();
  void print(const char* what) const {
    std::printf("%-58s wall %8.1f ms   cpu %8.1f ms\n", what,
                std::chrono::duration<double, std::milli>(clk::now() - wall).count(), (cpu_seconds() - cpu) * 1000);
  }
};

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "bench_reports_rollup: %s\n", what.c_str());
  std::exit(1);
}

template <class T>
T must(result<T> r, const char* what) {
  if (!r) die(std::string(what) + ": " + r.err().describe());
  return std::move(*r);
}
void must(result<void> r, const char* what) {
  if (!r) die(std::string(what) + ": " + r.err().describe());
}

date day(int y, unsigned m, unsigned d) { return date{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}}; }
timestamp at(const char* s) { return parse_timestamp(s).value(); }

// The demo's template (data/seed/report_templates.json), its newest edition.
report_template demo_template() {
  std::ifstream in(PBGDPL_SOURCE_DIR "/data/seed/report_templates.json");
  std::stringstream ss;
  ss << in.rdbuf();
  auto j = json::parse(ss.str(), nullptr, false);
  if (j.is_discarded() || !j.is_array() || j.empty()) die("data/seed/report_templates.json is not an array of templates");
  std::optional<report_template> newest;
  for (const auto& x : j) {
    auto t = must(from_json_value<report_template>(x), "the demo template");
    if (!newest || t.edition > newest->edition) newest = std::move(t);
  }
  return std::move(*newest);
}

report_period period_2026(const report_template& t) {
  report_period p;
  p.id = report_period_id{t.id.value + "-2026-1"};
  p.template_id = t.id;
  p.calendar_year = 2026;
  p.round = report_round::first;
  p.year = school_year{2025};
  p.opens_on = day(2026, 5, 15);
  p.due_on = day(2026, 6, 30);
  return p;
}

std::string school_id(int s) {
  char b[16];
  std::snprintf(b, sizeof b, "s-%05d", s);
  return b;
}
std::string division_id(int d) {
  char b[16];
  std::snprintf(b, sizeof b, "p-%03d", d);
  return b;
}

// The per-school facts the generator wrote for (3): what compute_for_units must find.
struct school_facts {
  int articles = 0, answered = 0, plays = 0, screens = 0, channels = 0, posts = 0, trained = 0;
  bool section = false;
};

school_facts facts_of(int s) {
  school_facts f;
  f.articles = 1 + s % 2;   // in the window; one more outside it
  f.answered = s % 3 == 0 ? 1 : 0;
  f.plays = 2 + s % 3;      // in the window; one more outside it
  f.screens = s % 4 == 0 ? 1 : 0;
  f.channels = 1;
  f.posts = s % 2 ? 2 : 1;
  f.trained = s % 5 == 0 ? 2 : 1;
  f.section = s % 10 != 0;
  return f;
}

const std::string hash64(64, 'a');
// The size of a minisign signature file (untrusted comment, signature, trusted comment, global
// signature): what a signed report carries twice.
const std::string signature_text =
    "untrusted comment: signature from pbgdpl secret key\n" + std::string(100, 'R') +
    "\ntrusted comment: bc-kh19-v2-2026-1.s-00000 timestamp:1781924400\n" + std::string(88, 'G') + "\n";

// Writes in batches of 2,000 per transaction.
template <class F>
void batched(store::store& db, int n, const char* what, F&& make_one) {
  for (int i = 0; i < n;) {
    const int end = std::min(n, i + 2000);
    must(db.transaction([&]() -> result<void> {
           for (; i < end; ++i)
             if (auto r = make_one(i); !r) return r;
           return {};
         }),
         what);
  }
}

template <class T>
result<void> put(store::store& db, T v) {
  auto r = db.create(std::move(v), "bench");
  if (!r) return r.err();
  return {};
}

void generate(store::store& db, sqlite3* raw, const report_template& t, const report_period& p, int schools, int divisions) {
  stopwatch sw;
  unit city;
  city.id = unit_id{"ha-noi"};
  city.kind = unit_kind::city;
  city.name = city.short_name = "Thành phố Hà Nội";
  must(put(db, city), "city");
  batched(db, divisions, "offices", [&](int d) {
    unit o;
    o.id = unit_id{division_id(d)};
    o.kind = unit_kind::commune_office;
    o.name = o.short_name = "Phòng Văn hóa - Xã hội phường số " + std::to_string(d);
    o.parent = city.id;
    return put(db, o);
  });
  const school_level levels[] = {school_level::mn, school_level::th, school_level::thcs};
  batched(db, schools, "schools", [&](int s) {
    unit u;
    u.id = unit_id{school_id(s)};
    u.kind = unit_kind::school;
    u.level = levels[s % 3];
    u.name = u.short_name = "Trường số " + std::to_string(s);
    u.parent = unit_id{division_id(s % divisions)};
    return put(db, u);
  });
  sw.print("generate: units");

  // (1)/(2): one submission per school, every indicator filled; 1 in 20 left a draft.
  stopwatch sw2;
  std::mt19937 rng(2026);
  // The peer's table is written after the store's rows (two connections: one writer at a time).
  struct row {
    std::string unit, division, indicator;
    double value;
  };
  std::vector<row> rows;
  batched(db, schools, "submissions", [&](int s) {
    report_submission r;
    r.id = submission_id{p.id.value + "." + school_id(s)};
    r.template_id = t.id;
    r.period_id = p.id;
    r.unit = unit_id{school_id(s)};
    // As a signed, approved report carries them: signatures, keys, the audit trail.
    const auto fate = rng() % 20;
    const bool sent = fate != 0;
    r.state = !sent ? submission_state::draft : fate < 9 ? submission_state::submitted : submission_state::accepted;
    r.template_edition = t.edition;
    r.history.push_back({"create", submission_state::draft, submission_state::draft, account_id{"van-thu-" + school_id(s)},
                         at("2026-06-01T08:00:00+07:00"), ""});
    if (sent) {
      r.submitted_at = at("2026-06-20T09:00:00+07:00");
      r.submitted_by = account_id{"hieu-truong-" + school_id(s)};
      r.signature = signature_text;
      r.signer_key = "0123456789ABCDEF";
      r.history.push_back({"submit", submission_state::draft, submission_state::submitted, *r.submitted_by, *r.submitted_at, ""});
    }
    if (r.state == submission_state::accepted) {
      r.approved_at = at("2026-06-25T09:00:00+07:00");
      r.approved_by = account_id{"truong-phong-" + division_id(s % divisions)};
      r.approval_signature = signature_text;
      r.approver_key = "FEDCBA9876543210";
      r.history.push_back({"approve", submission_state::submitted, submission_state::accepted, *r.approved_by, *r.approved_at,
                           "Đồng ý"});
    }
    for (const auto& ind : t.indicators) {
      indicator_value v;
      v.code = ind.code;
      double x = 0;
      switch (ind.kind) {
        case indicator_kind::number: x = static_cast<double>(rng() % 200); v.number = x; break;
        case indicator_kind::percent: x = static_cast<double>(rng() % 1001) / 10.0; v.number = x; break;
        case indicator_kind::boolean: v.flag = rng() % 10 < 8; x = *v.flag ? 1 : 0; break;
        case indicator_kind::text: v.text = "Kết quả nổi bật của trường số " + std::to_string(s); break;
      }
      r.values.push_back(v);
      if (sent && ind.kind != indicator_kind::text) {
        rows.push_back({school_id(s), division_id(s % divisions), ind.code, x});
      }
    }
    return put(db, r);
  });
  char* err = nullptr;
  if (sqlite3_exec(raw,
                   "DROP TABLE IF EXISTS bench_values;"
                   "CREATE TABLE bench_values(unit TEXT NOT NULL, division TEXT NOT NULL, indicator TEXT NOT NULL, value REAL NOT NULL);"
                   "BEGIN",
                   nullptr, nullptr, &err) != SQLITE_OK)
    die(std::string("bench_values: ") + (err ? err : "?"));
  sqlite3_stmt* ins = nullptr;
  sqlite3_prepare_v2(raw, "INSERT INTO bench_values VALUES(?,?,?,?)", -1, &ins, nullptr);
  for (const auto& x : rows) {
    sqlite3_reset(ins);
    sqlite3_bind_text(ins, 1, x.unit.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 2, x.division.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 3, x.indicator.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_double(ins, 4, x.value);
    if (sqlite3_step(ins) != SQLITE_DONE) die("insert into bench_values");
  }
  sqlite3_finalize(ins);
  if (sqlite3_exec(raw, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) die("commit bench_values");
  sw2.print("generate: submissions and the table of values");

  // (3): a year of records per school (see facts_of), some on either side of the window.
  stopwatch sw3;
  compliance_run run;
  run.id = compliance_run_id{"run-2026-03"};
  run.unit = unit_id{"ha-noi"};
  run.started_at = at("2026-03-01T08:00:00+07:00");
  run.finished_at = at("2026-03-01T10:00:00+07:00");
  run.trigger = "bench";
  must(put(db, run), "run");
  training_course course;
  course.id = training_course_id{"tap-huan-2025"};
  course.title = "Tập huấn kỹ năng CNTT trong PBGDPL";
  course.unit = unit_id{"ha-noi"};
  course.mode = training_mode::in_person;
  course.starts_on = day(2025, 11, 1);
  course.ends_on = day(2025, 11, 30);
  course.sessions = 4;
  must(put(db, course), "course");
  batched(db, schools, "a year of records", [&](int s) -> result<void> {
    const auto f = facts_of(s);
    const auto u = unit_id{school_id(s)};
    compliance_check c;
    c.id = compliance_check_id{run.id.value + "." + u.value};
    c.run = run.id;
    c.unit = u;
    c.checked_at = at("2026-03-01T09:00:00+07:00");
    c.section = f.section ? "met" : "not_met";
    if (auto r = put(db, c); !r) return r;
    for (int i = 0; i <= f.articles; ++i) {  // the last one before the window
      article a;
      a.id = article_id{u.value + "-bai-" + std::to_string(i)};
      a.title = "Tuyên truyền pháp luật " + std::to_string(i);
      a.body_markdown = "Ngày Pháp luật Việt Nam.";
      a.unit = u;
      a.author = account_id{"bien-tap"};
      a.state = article_state::published;
      a.created_at = a.updated_at = at(i < f.articles ? "2025-11-09T08:00:00+07:00" : "2025-06-01T08:00:00+07:00");
      a.published_at = a.created_at;
      if (auto r = put(db, a); !r) return r;
    }
    if (f.answered) {
      question q;
      q.id = question_id{u.value + "-hoi"};
      q.unit = u;
      q.asker_name = "Phụ huynh";
      q.title = "Hỏi về an toàn giao thông";
      q.body = "Nội dung";
      q.state = question_state::answered;
      q.asked_at = at("2026-01-05T08:00:00+07:00");
      q.answered_at = at("2026-01-06T08:00:00+07:00");
      q.answered_by = account_id{"bien-tap"};
      q.answer_markdown = "Trả lời";
      if (auto r = put(db, q); !r) return r;
    }
    for (int i = 0; i <= f.plays; ++i) {  // the last one after the window
      play_record pl;
      pl.id = play_record_id{u.value + "-mh-" + std::to_string(i + 1)};
      pl.display = display_id{u.value + "-mh"};
      pl.unit = u;
      pl.media = "video";
      pl.blake2b = pl.line_blake2b = hash64;
      pl.start = at(i < f.plays ? "2026-02-01T09:00:00+07:00" : "2026-07-02T09:00:00+07:00") + std::chrono::minutes{i};
      pl.end = pl.start + std::chrono::seconds{30};
      pl.seq = static_cast<std::uint64_t>(i + 1);
      if (auto r = put(db, pl); !r) return r;
    }
    if (f.screens) {
      display d;
      d.id = display_id{u.value + "-mh"};
      d.name = "Màn hình sảnh";
      d.unit = u;
      if (auto r = put(db, d); !r) return r;
    }
    channel ch;
    ch.id = channel_id{u.value + "-fb"};
    ch.kind = channel_kind::facebook;
    ch.name = "Trang Facebook";
    ch.url = "https://facebook.com/" + u.value;
    ch.unit = u;
    if (auto r = put(db, ch); !r) return r;
    for (int i = 0; i < f.posts; ++i) {
      channel_post cp;
      cp.id = channel_post_id{u.value + "-fb-" + std::to_string(i)};
      cp.channel = ch.id;
      cp.unit = u;
      cp.posted_at = at("2026-04-01T08:00:00+07:00");
      cp.title = "Bài đăng";
      cp.url = ch.url + "/" + std::to_string(i);
      if (auto r = put(db, cp); !r) return r;
    }
    for (int i = 0; i < f.trained; ++i) {
      attendance a;
      a.id = attendance_id{u.value + "-td-" + std::to_string(i)};
      a.course = course.id;
      a.unit = u;
      a.person_name = "Giáo viên " + std::to_string(i);
      a.status = attendance_status::attended;
      if (auto r = put(db, a); !r) return r;
    }
    return {};
  });
  sw3.print("generate: a year of records");
  if (sqlite3_exec(raw,
                   "CREATE TABLE IF NOT EXISTS bench_meta(params TEXT);"
                   "DELETE FROM bench_meta;",
                   nullptr, nullptr, nullptr) != SQLITE_OK)
    die("bench_meta");
  sw.print("generate: total");
}

std::string params_of(int schools, int divisions) { return "v1 " + std::to_string(schools) + " " + std::to_string(divisions); }

bool has_params(sqlite3* raw, const std::string& want) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(raw, "SELECT params FROM bench_meta", -1, &st, nullptr) != SQLITE_OK) return false;
  bool ok = sqlite3_step(st) == SQLITE_ROW && reinterpret_cast<const char*>(sqlite3_column_text(st, 0)) == want;
  sqlite3_finalize(st);
  return ok;
}

struct sql_total {
  double sum = 0;
  std::int64_t count = 0;
};

}  // namespace

int main(int argc, char** argv) {
  bool fresh = false;
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--fresh") fresh = true;
    else args.emplace_back(argv[i]);
  }
  const int schools = args.size() > 0 ? std::atoi(args[0].c_str()) : 50000;
  const int divisions = args.size() > 1 ? std::atoi(args[1].c_str()) : 700;
  if (schools < 1 || divisions < 1) die("schools and divisions must be positive");
  const std::filesystem::path file =
      args.size() > 2 ? std::filesystem::path(args[2])
                      : std::filesystem::path(argv[0]).parent_path() / ("reports-" + std::to_string(schools) + ".db");

  const auto t = demo_template();
  const auto p = period_2026(t);

  sqlite3* raw = nullptr;
  bool reuse = false;
  if (!fresh && std::filesystem::exists(file)) {
    if (sqlite3_open(file.c_str(), &raw) == SQLITE_OK && has_params(raw, params_of(schools, divisions))) reuse = true;
    sqlite3_close(raw);
    raw = nullptr;
  }
  if (!reuse) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(file.string() + suffix);
    store::sqlite_options gen;
    gen.synchronous_full = false;
    auto db = must(store::open_sqlite_store(file, gen), "open the store");
    if (sqlite3_open(file.c_str(), &raw) != SQLITE_OK) die("sqlite3_open");
    sqlite3_busy_timeout(raw, 10000);
    generate(*db, raw, t, p, schools, divisions);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(raw, "INSERT INTO bench_meta VALUES(?)", -1, &st, nullptr);
    const auto params = params_of(schools, divisions);
    sqlite3_bind_text(st, 1, params.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_step(st);
    sqlite3_finalize(st);
    sqlite3_close(raw);
    raw = nullptr;
  }
  std::printf("file %s (%s), %d schools under %d offices, template %s with %zu indicators\n", file.c_str(),
              reuse ? "reused" : "generated", schools, divisions, t.id.value.c_str(), t.indicators.size());
  const double rss_before = peak_rss_mib();

  auto db = must(store::open_sqlite_store(file), "open the store");
  if (sqlite3_open(file.c_str(), &raw) != SQLITE_OK) die("sqlite3_open");

  if (std::getenv("BENCH_SPLIT")) {
    for (bool bodies : {false, true}) {
      stopwatch x;
      store::list_query q;
      q.limit = 100;
      q.oldest_first = true;
      q.bodies = bodies;
      q.where.category = p.id.value;
      std::size_t n = 0;
      for (;;) {
        auto page = must(db->list_records("report_submission", q), "records");
        n += page.items.size();
        if (page.next_cursor.empty()) break;
        q.cursor = std::move(page.next_cursor);
      }
      x.print(bodies ? "records with bodies" : "records without bodies");
    }
  }
  // (1) the store's way.
  stopwatch all;
  stopwatch sw;
  auto units = must(db->all_units(), "read the units");
  sw.print("(1a) read every unit from the store");
  stopwatch sw1;
  std::vector<report_submission> subs;
  {
    store::list_query q;
    q.limit = 100;
    q.oldest_first = true;
    q.where.category = p.id.value;
    for (;;) {
      auto page = must(db->list<report_submission>(q), "read the submissions");
      for (auto& s : page.items) subs.push_back(std::move(s));
      if (page.next_cursor.empty()) break;
      q.cursor = std::move(page.next_cursor);
    }
  }
  sw1.print("(1b) read the period's submissions from the store");
  auto units_for_views = units;  // (1d) reads the same units; the copy is not timed
  stopwatch sw2;
  auto rolled = roll_up(t, p, subs, std::move(units));
  sw2.print("(1c) roll_up to every office and the city");
  all.print("(1) store + roll_up, in all");
  // (1d) the city view the pages show (reports/rollup.hpp): every aggregation rule, completeness
  // per office, KPIs; sent reports counted as roll_up counts them.
  stopwatch sw3;
  auto city_view = reports::city_rollup(t, p, subs, std::move(units_for_views), unit_id{"ha-noi"},
                                        {.include_submitted = true});
  sw3.print("(1d) reports::city_rollup: offices and the city, every rule");

  // (2) the peer: one GROUP BY over the table of values, per office and for the city; (2b) the
  // same GROUP BY over the store's own records (json_each over the submissions' bodies).
  auto group_by = [&](const char* label, const char* q) {
    stopwatch sq;
    std::map<std::pair<std::string, std::string>, sql_total> out;
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(raw, q, -1, &st, nullptr) != SQLITE_OK) die(sqlite3_errmsg(raw));
    while (sqlite3_step(st) == SQLITE_ROW) {
      auto& x = out[{reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), reinterpret_cast<const char*>(sqlite3_column_text(st, 1))}];
      x.sum = sqlite3_column_double(st, 2);
      x.count = sqlite3_column_int64(st, 3);
    }
    sqlite3_finalize(st);
    sq.print(label);
    return out;
  };
  const auto sql = group_by("(2) SQL GROUP BY over a table of values",
                            "SELECT division, indicator, SUM(value), COUNT(value) FROM bench_values GROUP BY division, indicator "
                            "UNION ALL SELECT 'ha-noi', indicator, SUM(value), COUNT(value) FROM bench_values GROUP BY indicator");
  const std::string over_json =
      "WITH v AS MATERIALIZED (SELECT u.parent AS division, json_extract(j.value, '$.code') AS indicator, "
      "coalesce(json_extract(j.value, '$.number'), json_extract(j.value, '$.flag')) AS value "
      "FROM entities e JOIN entities u ON u.kind = 'unit' AND u.id = e.unit, json_each(e.body, '$.values') j "
      "WHERE e.kind = 'report_submission' AND e.category = '" + p.id.value + "' AND e.state IN ('submitted', 'accepted') "
      "AND e.archived = 0) "
      "SELECT division, indicator, SUM(value), COUNT(value) FROM v WHERE value IS NOT NULL GROUP BY division, indicator "
      "UNION ALL SELECT 'ha-noi', indicator, SUM(value), COUNT(value) FROM v WHERE value IS NOT NULL GROUP BY indicator";
  const auto sql_json = group_by("(2b) SQL GROUP BY over the store's JSON bodies", over_json.c_str());

  // Same totals, or the benchmark fails.
  std::size_t compared = 0, differ = 0;
  for (const auto* peer : {&sql, &sql_json}) {
    for (int d = -1; d < divisions; ++d) {
      const std::string node = d < 0 ? "ha-noi" : division_id(d);
      const auto* n = rolled.find(node);
      if (!n) die("no roll-up for " + node);
      for (const auto& tot : n->totals) {
        if (tot.kind == indicator_kind::text) continue;
        auto it = peer->find({node, tot.code});
        const sql_total want = it == peer->end() ? sql_total{} : it->second;
        ++compared;
        bool same = static_cast<std::int64_t>(tot.count) == want.count;
        if (tot.kind == indicator_kind::boolean) same = same && static_cast<double>(tot.yes) == want.sum;
        else if (tot.kind == indicator_kind::number) same = same && tot.sum == want.sum;
        else same = same && std::fabs(tot.sum - want.sum) <= 1e-9 * std::max(1.0, std::fabs(want.sum));
        if (!same && ++differ <= 5)
          std::fprintf(stderr, "differs: %s %s: roll_up %.17g/%zu (yes %zu), SQL %.17g/%lld\n", node.c_str(), tot.code.c_str(),
                       tot.sum, tot.count, tot.yes, want.sum, static_cast<long long>(want.count));
      }
    }
  }
  // (1d) against roll_up: the same counts, and the same sums and yeses where the rule is a sum or
  // a share of units.
  std::size_t view_compared = 0, view_differ = 0;
  if (city_view.areas.size() != static_cast<std::size_t>(divisions)) die("city_rollup: not one row per office");
  auto check_view = [&](const std::string& node, const std::vector<reports::cell>& cells) {
    const auto* n = rolled.find(node);
    if (!n) die("no roll-up for " + node);
    for (std::size_t k = 0; k < n->totals.size() && k < cells.size(); ++k) {
      const auto& tot = n->totals[k];
      if (tot.kind == indicator_kind::text) continue;
      const auto rule = aggregation_of(t.indicators[k]);
      ++view_compared;
      bool same = cells[k].units == tot.count;
      if (rule == aggregation_rule::sum && tot.count) same = same && cells[k].value == tot.sum;
      if (rule == aggregation_rule::share_of_units && tot.kind == indicator_kind::boolean) same = same && cells[k].yes == tot.yes;
      if (!same && ++view_differ <= 5)
        std::fprintf(stderr, "city_rollup differs: %s %s\n", node.c_str(), tot.code.c_str());
    }
  };
  for (const auto& a : city_view.areas) check_view(a.unit.value, a.cells);
  check_view("ha-noi", city_view.total);
  differ += view_differ;
  std::printf("city_rollup totals compared with roll_up: %zu, differing: %zu\n", view_compared, view_differ);
  std::printf("totals compared: %zu (offices and the city x indicators, against both), differing: %zu\n", compared, differ);
  std::printf("peak RSS after (1) and (2): %.1f MiB\n", peak_rss_mib());
  // (3) is measured on its own: what (1) read is let go first.
  subs = {};
  rolled = {};
  city_view = {};

  // (3) computed indicators for every school, one pass per kind.
  auto computed_t = t;
  {
    // The demo template's own sources where it names them; the benchmark's year where not.
    const std::pair<const char*, const char*> want[] = {
        {"compliance.section", "b_section"},   {"articles.published", "b_articles"}, {"questions.answered", "b_answered"},
        {"signage.plays", "b_plays"},          {"signage.screens", "b_screens"},     {"channels.active", "b_channels"},
        {"channels.posts", "b_posts"},         {"training.staff_trained", "b_trained"}};
    for (const auto& [src, code] : want) {
      indicator i;
      i.code = code;
      i.label = code;
      i.kind = reports::find_source(src)->kind;
      i.source = src;
      computed_t.indicators.push_back(i);
    }
  }
  std::vector<unit_id> ids;
  for (int s = 0; s < schools; ++s) ids.push_back(unit_id{school_id(s)});
  stopwatch sc;
  auto computed = must(reports::compute_for_units(*db, computed_t, p, ids), "compute_for_units");
  sc.print("(3) compute_for_units, every school");
  std::size_t wrong = 0;
  for (int s = 0; s < schools; ++s) {
    const auto f = facts_of(s);
    const auto& vs = computed.at(school_id(s));
    auto number = [&](const char* code) {
      for (const auto& v : vs)
        if (v.code == code) return v.number.value_or(-1);
      return -2.0;
    };
    bool section = false;
    for (const auto& v : vs)
      if (v.code == "b_section") section = v.flag.value_or(false);
    if (number("b_articles") != f.articles || number("b_answered") != f.answered || number("b_plays") != f.plays ||
        number("b_screens") != f.screens || number("b_channels") != f.channels || number("b_posts") != f.posts ||
        number("b_trained") != f.trained || section != f.section)
      ++wrong;
  }
  std::printf("schools whose computed indicators differ from what was generated: %zu of %d\n", wrong, schools);
  std::printf("peak RSS: %.1f MiB (%.1f MiB before reading)\n", peak_rss_mib(), rss_before);
  sqlite3_close(raw);
  return differ == 0 && wrong == 0 ? 0 : 1;
}
