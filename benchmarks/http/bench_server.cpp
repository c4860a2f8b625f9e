// The pbgdpl side of the HTTP benchmark: one worker thread serving a cached article page through
// the same middleware the portal uses (conditional GET, response cache, security headers).
// Usage: pbgdpl_http_bench_server --write-page FILE      write the page bytes (for nginx)
//        pbgdpl_http_bench_server PORT FILE [THREADS]    serve FILE at /pbgdpl/tin-tuc/bai-viet-mau
#include <pbgdpl/http/middleware.hpp>
#include <pbgdpl/http/router.hpp>
#include <pbgdpl/http/server.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

namespace http = pbgdpl::http;

// A page shaped like a portal article (about 12 KB of Vietnamese HTML).
static std::string sample_page() {
  std::string p =
      "<!doctype html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>Kế hoạch phổ biến, giáo dục pháp luật năm học 2024-2025</title>"
      "<link rel=\"stylesheet\" href=\"/pbgdpl/assets/site.css\">"
      "<link rel=\"alternate\" type=\"application/atom+xml\" href=\"/pbgdpl/feed.atom\">"
      "<meta property=\"og:title\" content=\"Kế hoạch phổ biến, giáo dục pháp luật\">"
      "</head><body><header><a href=\"/pbgdpl\">Phổ biến, giáo dục pháp luật</a></header><main><article>"
      "<h1>Kế hoạch phổ biến, giáo dục pháp luật năm học 2024-2025</h1>";
  for (int i = 1; i <= 40; ++i)
    p += "<p>Đoạn " + std::to_string(i) +
         ": Căn cứ Luật Phổ biến, giáo dục pháp luật số 14/2012/QH13; nhà trường xây dựng kế hoạch tuyên "
         "truyền, phổ biến pháp luật cho cán bộ, giáo viên, nhân viên và học sinh.</p>\n";
  p += "</article></main><footer>Cổng thông tin phổ biến, giáo dục pháp luật</footer></body></html>\n";
  return p;
}

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--write-page") {
    std::ofstream(argv[2], std::ios::binary) << sample_page();
    return 0;
  }
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s PORT FILE [THREADS] | --write-page FILE\n", argv[0]);
    return 2;
  }
  std::ifstream in(argv[2], std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string page = ss.str();

  http::router routes;
  routes.get("/pbgdpl/tin-tuc/{slug}", [&page](http::request&) {
    auto r = http::response::html(page);
    r.cache_tags = {"article:bai-viet-mau"};
    return r;
  });
  http::response_cache cache;
  http::pipeline p;
  p.use(http::conditional_get()).use(cache.layer()).use(http::security_headers());

  http::server_config cfg;
  cfg.address = "127.0.0.1";
  cfg.port = static_cast<std::uint16_t>(std::atoi(argv[1]));
  cfg.threads = argc > 3 ? static_cast<unsigned>(std::atoi(argv[3])) : 1;
  cfg.max_connections = 4096;
  // wrk opens every connection from one loopback address: no per-client cap in the benchmark.
  cfg.max_connections_per_client = 0;
  cfg.reserved_connections = 0;
  http::server srv(cfg, p.build(routes.as_handler()));
  srv.start();
  std::printf("listening on 127.0.0.1:%u\n", srv.port());
  std::fflush(stdout);
  srv.run_until_signal();
  auto st = srv.stats();
  std::fprintf(stderr, "requests %llu, cache hits %llu\n", static_cast<unsigned long long>(st.requests),
               static_cast<unsigned long long>(cache.hits()));
  return 0;
}
