// pbgdpl_portal_bench_load: fills a fresh portal data directory with a seed plus extra files
// (each under the library's JSON size limit), so the portal benchmarks can run against 10,000
// articles (run.sh) or 3,000 more schools (units.sh). The portal then starts on that directory
// and reuses it. A file holding an array adds articles; one holding an object adds each of its
// arrays to the dataset's member of that name ({"units": [...]}).
//
//   pbgdpl_portal_bench_load DATA_DIR SEED_DIR [EXTRA.json...]
#include <pbgdpl/publish/rendered.hpp>
#include <pbgdpl/store/import.hpp>
#include <pbgdpl/store/sqlite.hpp>

#include <fstream>
#include <iostream>
#include <sstream>

using namespace pbgdpl;

namespace {
int fail(const error& e) {
  std::cerr << "pbgdpl_portal_bench_load: LỖI / ERROR: " << e.describe() << "\n";
  for (const auto& d : e.details) std::cerr << "  " << d.describe() << "\n";
  return 1;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: pbgdpl_portal_bench_load DATA_DIR SEED_DIR [EXTRA.json...]\n";
    return 2;
  }
  auto raw = store::read_dataset_directory(argv[2]);
  if (!raw) return fail(raw.err());
  std::filesystem::create_directories(argv[1]);
  auto db = store::open_sqlite_store(std::filesystem::path(argv[1]) / "pbgdpl.db");
  if (!db) return fail(db.err());
  // One import per file: the seed's own records plus that file's articles, so each dataset stays
  // under the per-array limit (PBGDPL_MAX_ARRAY_ITEMS) and references resolve; records already
  // stored are skipped by import_dataset.
  std::size_t total = 0;
  for (int i = 2; i < argc; ++i) {
    json all = *raw;
    if (i > 2) {
      std::ifstream in(argv[i], std::ios::binary);
      std::ostringstream ss;
      ss << in.rdbuf();
      auto j = json_io::parse(ss.str());
      if (!j) return fail(j.err());
      if (j->is_array()) {
        for (auto& a : *j) all["articles"].push_back(std::move(a));
      } else if (j->is_object()) {
        for (auto& [key, items] : j->items()) {
          if (!items.is_array())
            return fail(error(errc::invalid_argument, argv[i], "Mỗi thành phần phải là một mảng", "Each member must be an array"));
          for (auto& x : items) all[key].push_back(std::move(x));
        }
      } else {
        return fail(error(errc::invalid_argument, argv[i], "Cần một mảng bài viết hoặc một đối tượng gồm các mảng",
                          "Expected an array of articles or an object of arrays"));
      }
    }
    auto d = dataset_from_json(all);
    if (!d) return fail(d.err());
    // As every writer does: the HTML is made when content is written (pages never render).
    if (auto h = publish::render_html(*d); !h) return fail(h.err());
    auto n = store::import_dataset(**db, *d, "seed");
    if (!n) return fail(n.err());
    total += *n;
  }
  // The portal's mark that stored records have their HTML: this loader rendered them itself.
  std::ofstream(std::filesystem::path(argv[1]) / "html-rendered") << "rendered by pbgdpl_portal_bench_load\n";
  std::cout << total << " records\n";
  return 0;
}
