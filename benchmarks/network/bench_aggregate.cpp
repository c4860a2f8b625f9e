// Aggregates N school feeds of M entries each (Atom, served by an in-process http::server on
// 127.0.0.1, port 0) into a store, three rounds: the first read (every entry new: parse,
// sanitise, store), a second read of unchanged feeds (every answer a 304), and a third after every
// feed changed its ETag and one entry (a 200, one entry updated per feed, the rest matched and
// left). Prints each round's time and the process's peak RSS.
//   pbgdpl_bench_aggregate [feeds=100] [entries=50] [concurrency=8] [memory|sqlite DIR]
#include <pbgdpl/http/server.hpp>
#include <pbgdpl/network/aggregator.hpp>
#include <pbgdpl/store/memory.hpp>
#include <pbgdpl/store/sqlite.hpp>

#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

using namespace pbgdpl;
using clk = std::chrono::steady_clock;

namespace {

std::string feed_body(int school, int entries, int version) {
  std::string x = "<?xml version=\"1.0\" encoding=\"utf-8\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><id>urn:school:" +
                  std::to_string(school) + "</id><title>Trường số " + std::to_string(school) +
                  "</title><link href=\"http://school" + std::to_string(school) + ".example/\"/><updated>2024-11-20T08:00:00Z</updated>";
  for (int e = 0; e < entries; ++e) {
    auto id = std::to_string(school) + "-" + std::to_string(e);
    x += "<entry><id>tag:school" + id + "</id><link href=\"http://school" + std::to_string(school) + ".example/tin/" + id +
         "\"/><title>Tuyên truyền pháp luật số " + id + (e == 0 && version > 1 ? " (sửa)" : "") +
         "</title><published>2024-11-" + std::to_string(1 + e % 28) + "T08:00:00+07:00</published>" +
         "<updated>2024-11-20T08:00:00Z</updated><summary type=\"html\">&lt;p&gt;Học sinh tìm hiểu &lt;b&gt;Luật Giao thông"
         "&lt;/b&gt;, ngày Pháp luật 9/11.&lt;/p&gt;</summary><content type=\"html\">&lt;p&gt;Sáng nay, nhà trường tổ chức "
         "buổi ngoại khóa về an toàn giao thông và phòng chống bạo lực học đường.&lt;/p&gt;&lt;p&gt;&lt;img src=\"/anh/" +
         id + ".jpg\" alt=\"Ảnh\"&gt;&lt;/p&gt;&lt;script&gt;x()&lt;/script&gt;</content></entry>";
  }
  return x + "</feed>";
}

double peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

}  // namespace

int main(int argc, char** argv) {
  const int feeds = argc > 1 ? std::atoi(argv[1]) : 100;
  const int entries = argc > 2 ? std::atoi(argv[2]) : 50;
  const unsigned concurrency = argc > 3 ? static_cast<unsigned>(std::atoi(argv[3])) : 8;
  const std::string backend = argc > 4 ? argv[4] : "memory";
  std::unique_ptr<store::store> db;
  if (backend == "sqlite") {
    std::filesystem::path dir = argc > 5 ? argv[5] : "/tmp/pbgdpl-bench-aggregate";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    auto s = store::open_sqlite_store(dir / "pbgdpl.db");
    if (!s) {
      std::fprintf(stderr, "%s\n", s.err().describe().c_str());
      return 1;
    }
    db = std::move(*s);
  } else {
    db = store::make_memory_store();
  }

  // The feeds, rendered once per version (what a real server would have cached).
  std::atomic<int> version{1};
  std::vector<std::string> v1, v2;
  for (int i = 0; i < feeds; ++i) {
    v1.push_back(feed_body(i, entries, 1));
    v2.push_back(feed_body(i, entries, 2));
  }
  http::server_config cfg;
  cfg.address = "127.0.0.1";
  cfg.port = 0;
  cfg.threads = 2;
  http::server srv(cfg, [&](http::request& req) {
    auto t = std::string(req.target());
    int i = std::atoi(t.c_str() + 6);  // "/feed/<i>"
    if (i < 0 || i >= feeds) return http::response(http::status::not_found);
    auto etag = "\"v" + std::to_string(version.load()) + "\"";
    if (req.header("If-None-Match") == etag) {
      http::response r(http::status::not_modified);
      r.set("ETag", etag);
      return r;
    }
    auto r = http::response::text(version == 1 ? v1[static_cast<std::size_t>(i)] : v2[static_cast<std::size_t>(i)]);
    r.set("Content-Type", "application/atom+xml");
    r.set("ETag", etag);
    r.set("Last-Modified", "Wed, 20 Nov 2024 01:00:00 GMT");
    return r;
  });
  srv.start();
  const auto base = "http://127.0.0.1:" + std::to_string(srv.port());

  auto mk = [&](std::string id, std::string name, std::optional<std::string> parent, unit_kind k) {
    unit u;
    u.id = unit_id{std::move(id)};
    u.name = std::move(name);
    u.kind = k;
    if (k == unit_kind::school) u.level = school_level::th;
    if (parent) u.parent = unit_id{*parent};
    auto r = db->create(u, "bench");
    if (!r) std::fprintf(stderr, "%s\n", r.err().describe().c_str());
  };
  mk("ha-noi", "Hà Nội", std::nullopt, unit_kind::city);
  mk("phuong", "Phường", std::string("ha-noi"), unit_kind::ward);
  network::aggregator_options opt;
  opt.fetch.allow_private_addresses = true;
  opt.concurrency = concurrency;
  opt.discover = false;
  opt.interval = std::chrono::seconds(0);
  for (int i = 0; i < feeds; ++i) {
    auto id = "truong-" + std::to_string(i);
    mk(id, "Trường " + std::to_string(i), std::string("phuong"), unit_kind::school);
    if (!network::subscribe(*db, unit_id{id}, base + "/feed/" + std::to_string(i), opt)) return 1;
  }

  std::printf("feeds %d, entries per feed %d, concurrency %u, store %s\n", feeds, entries, concurrency, backend.c_str());
  auto round = [&](const char* name) {
    auto t0 = clk::now();
    auto r = network::refresh(*db, unit_id{"ha-noi"}, opt);
    auto s = std::chrono::duration<double>(clk::now() - t0).count();
    if (!r) {
      std::fprintf(stderr, "%s\n", r.err().describe().c_str());
      std::exit(1);
    }
    std::printf("%-34s %8.3f s  added %zu changed %zu not_modified %zu failed %zu  peak RSS %.1f MiB\n", name, s, r->added,
                r->changed, r->not_modified, r->failed, peak_rss_mib());
  };
  round("first read (all new)");
  round("second read (all 304)");
  version = 2;
  round("third read (new ETag, 1 changed)");
  auto p = network::entries_under(*db, unit_id{"ha-noi"}, 1);
  std::printf("entries stored: %s\n", p && !p->items.empty() ? "yes" : "no");
  srv.stop();
  return 0;
}
