// pbgdpl_portal_page_loop: the portal's uncached page cost without sockets, for profiling and for
// comparing levers on a loaded machine (CPU time, not wall time). Opens a data directory made by
// pbgdpl_portal_bench_load, builds the site as examples/portal does with --no-page-cache, and
// answers GET PATH (as a request to HOST) through the site's handler (all middleware, routing, store reads, templates)
// ITERATIONS times, after a warm-up; prints the body size, CPU microseconds per page (best and
// median of 5 batches) and the body's XXH3 ETag so two builds can be checked to give the same bytes.
//
//   pbgdpl_portal_page_loop DATA_DIR SEED_DIR PATH [ITERATIONS=2000] [HOST=127.0.0.1:18282]
// ITERATIONS 0 answers once and prints the status, size and ETag only (any status): for checking
// that a change leaves the bytes of many pages as they were (PAGE_LOOP_BODY=FILE also saves the body).
#include <pbgdpl/http/etag.hpp>
#include <pbgdpl/portal/site.hpp>
#include <pbgdpl/store/import.hpp>
#include <pbgdpl/store/sqlite.hpp>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

using namespace pbgdpl;

namespace {
int fail(const error& e) {
  std::cerr << "pbgdpl_portal_page_loop: LỖI / ERROR: " << e.describe() << "\n";
  return 1;
}

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: pbgdpl_portal_page_loop DATA_DIR SEED_DIR PATH [ITERATIONS] [HOST]\n";
    return 2;
  }
  const std::string path = argv[3];
  const long iterations = argc > 4 ? std::max(0L, std::atol(argv[4])) : 2000;
  const std::string host = argc > 5 ? argv[5] : "127.0.0.1:18282";
  // The seed gives the city banner, as examples/portal reads it at start.
  auto raw = store::read_dataset_directory(argv[2]);
  if (!raw) return fail(raw.err());
  auto seed = dataset_from_json(*raw);
  if (!seed) return fail(seed.err());
  auto db = store::open_sqlite_store(std::filesystem::path(argv[1]) / "pbgdpl.db");
  if (!db) return fail(db.err());

  portal::options opt;
  opt.base_url = "http://" + host;
  auto units = (*db)->list<unit>({});
  if (!units) return fail(units.err());
  for (const auto& u : units->items)
    if (u.kind == unit_kind::education_division && opt.default_unit.empty()) opt.default_unit = u.id.value;
  if (!seed->banners.empty()) opt.city_banner = seed->banners.front();
  opt.cache.max_entries = 0;  // --no-page-cache
  portal::site site(**db, std::move(opt));
  auto handle = site.handler();

  auto once = [&]() {
    http::beast_request m{http::verb::get, path, 11};
    m.set(http::bhttp::field::host, host);
    http::request req(std::move(m));
    return handle(req);
  };
  auto first = once();
  if (iterations == 0) {
    if (const char* file = std::getenv("PAGE_LOOP_BODY")) std::ofstream(file, std::ios::binary) << first.body_view();
    std::cout << static_cast<int>(first.code) << " " << path << " " << first.body_view().size() << " "
              << http::etag_for(first.body_view()) << "\n";
    return 0;
  }
  if (first.code != http::status::ok) {
    std::cerr << "GET " << path << ": HTTP " << static_cast<int>(first.code) << "\n" << first.body_view() << "\n";
    return 1;
  }
  for (long i = 0; i < iterations / 10; ++i) (void)once();  // warm-up: SQLite's page cache, allocator
  std::vector<double> per_page;
  for (int batch = 0; batch < 5; ++batch) {
    auto t0 = cpu_seconds();
    std::size_t bytes = 0;
    for (long i = 0; i < iterations; ++i) bytes += once().body_view().size();
    per_page.push_back((cpu_seconds() - t0) * 1e6 / static_cast<double>(iterations));
    if (bytes != first.body_view().size() * static_cast<std::size_t>(iterations)) {
      std::cerr << "the page changed between requests\n";
      return 1;
    }
  }
  std::sort(per_page.begin(), per_page.end());
  std::cout << path << ": " << first.body_view().size() << " bytes, ETag " << http::etag_for(first.body_view())
            << ", CPU us/page best " << per_page.front() << " median " << per_page[2] << " (" << iterations
            << " requests x 5)\n";
  auto kept = site.records().stats();
  std::cout << "  record cache: " << kept.entries << " records, " << kept.bytes / 1024 << " KiB, hits " << kept.hits
            << ", misses " << kept.misses << ", dropped " << kept.drops << " times\n";
  return 0;
}
