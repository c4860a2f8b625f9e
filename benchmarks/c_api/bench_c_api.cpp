// The cost of the C API's boundary: the same search and the same read through libpbgdpl_c.so
// (JSON text in, JSON text out, malloc'd and freed) and directly in C++ (typed values), over two
// stores opened on copies of one seeded SQLite file. The C library carries its own copy of the
// library (linked in statically, all of it hidden), so the two sides share nothing but the file.
//
//   pbgdpl_bench_c_api <seed dir> [iterations]
#include <pbgdpl/c/pbgdpl.h>

#include <pbgdpl/core/json.hpp>
#include <pbgdpl/model.hpp>
#include <pbgdpl/publish/rendered.hpp>
#include <pbgdpl/store/import.hpp>
#include <pbgdpl/store/sqlite.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

using namespace pbgdpl;
namespace fs = std::filesystem;

namespace {

template <class F>
double per_call_us(int n, F&& f) {
  for (int i = 0; i < n / 10 + 1; ++i) f();  // warm
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) f();
  auto t1 = std::chrono::steady_clock::now();
  return std::chrono::duration<double, std::micro>(t1 - t0).count() / n;
}

void must(pbgdpl_c_status s) {
  if (s != PBGDPL_C_OK) {
    std::fprintf(stderr, "C API call failed: %s\n", pbgdpl_last_error_json());
    std::exit(1);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <seed dir> [iterations]\n", argv[0]);
    return 2;
  }
  const int n = argc > 2 ? std::atoi(argv[2]) : 2000;
  auto dir = fs::temp_directory_path() / ("pbgdpl-bench-c-api-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  {
    // One seeded file, copied: both sides read the same bytes.
    pbgdpl_store* h = nullptr;
    must(pbgdpl_store_open_sqlite((dir / "a.db").c_str(), &h));
    must(pbgdpl_store_import_dataset(h, argv[1], "bench", nullptr));
    must(pbgdpl_store_close(h));
    fs::copy_file(dir / "a.db", dir / "b.db");
  }
  pbgdpl_store* h = nullptr;
  must(pbgdpl_store_open_sqlite((dir / "a.db").c_str(), &h));
  auto cpp = store::open_sqlite_store(dir / "b.db").value();

  const char* request = R"({"q":"ke hoach","limit":20})";
  store::search_request req;
  req.q = "ke hoach";
  req.limit = 20;
  std::size_t hits_c = 0, hits_cpp = 0;

  double c_search = per_call_us(n, [&] {
    char* out = nullptr;
    must(pbgdpl_store_search(h, request, &out));
    hits_c = std::string_view(out).size();
    pbgdpl_free(out);
  });
  double cpp_search = per_call_us(n, [&] { hits_cpp = cpp->search(req).value().items.size(); });
  // The C++ search plus the JSON the C API writes: what is left is the boundary itself.
  double cpp_search_json = per_call_us(n, [&] {
    auto p = cpp->search(req).value();
    json items = json::array();
    for (const auto& hit : p.items)
      items.push_back({{"kind", hit.kind},
                       {"id", hit.id},
                       {"title", hit.title},
                       {"title_html", hit.title_html},
                       {"snippet_html", hit.snippet_html},
                       {"score", hit.score}});
    std::string s =
        json{{"items", items}, {"next_cursor", p.next_cursor}, {"approximate", p.approximate}}.dump();
    if (s.empty()) std::exit(1);
  });

  const std::string id = cpp->list<article>({}).value().items.front().id.value;
  double c_get = per_call_us(n * 5, [&] {
    char* out = nullptr;
    must(pbgdpl_store_get(h, "article", id.c_str(), &out));
    pbgdpl_free(out);
  });
  double cpp_get = per_call_us(n * 5, [&] { (void)cpp->get<article>(id).value(); });
  double c_trivial = per_call_us(n * 50, [&] {
    char* out = nullptr;
    must(pbgdpl_version_json(&out));
    pbgdpl_free(out);
  });
  double c_bad = per_call_us(n * 50, [&] {
    char* out = nullptr;
    if (pbgdpl_store_search(h, "{", &out) == PBGDPL_C_OK) std::exit(1);
  });

  std::printf("iterations: %d (search), %d (get), %d (small calls); search result JSON %zu bytes\n", n, n * 5,
              n * 50, hits_c);
  std::printf("search \"ke hoach\" (%zu hits): C API %.1f us, C++ %.1f us, C++ + the same JSON %.1f us\n",
              hits_cpp, c_search, cpp_search, cpp_search_json);
  std::printf("get article by id:          C API %.1f us, C++ %.1f us\n", c_get, cpp_get);
  std::printf(
      "pbgdpl_version_json (JSON out, malloc, free): %.2f us; a refused call (invalid JSON, error JSON "
      "built): %.2f us\n",
      c_trivial, c_bad);
  must(pbgdpl_store_close(h));
  cpp.reset();
  fs::remove_all(dir);
}
