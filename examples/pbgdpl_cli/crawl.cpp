// pbgdpl crawl: the compliance crawler (network/crawler.hpp) over a JSON list of sites, results
// as JSON, progress on stderr (a redrawn bar on a terminal, a line every few seconds otherwise).
#include "commands.hpp"

#include <pbgdpl/core/files.hpp>
#include <pbgdpl/model/banner.hpp>
#include <pbgdpl/network/compliance_runs.hpp>
#include <pbgdpl/network/crawler.hpp>
#include <pbgdpl/store/sqlite.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include <unistd.h>

namespace pbgdpl_cli {

using namespace pbgdpl;

namespace {

int fail(const std::string& vi, const std::string& en) {
  std::cerr << "pbgdpl crawl: " << vi << "\npbgdpl crawl: " << en << "\n";
  return 3;
}

// [{"url", "unit", "division_url"}] or ["http://..."] or units as the store keeps them (only
// schools with a website: {"id", "kind": "school", "website"}).
result<std::vector<network::crawl_target>> read_sites(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return error(errc::io_error, {}, "Không mở được tệp " + path, "Cannot open " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  auto j = json_io::parse(ss.str());
  if (!j) return j.err();
  const json* list = &*j;
  if (j->is_object() && j->contains("items")) list = &(*j)["items"];  // an API page of units
  if (!list->is_array()) return error(errc::wrong_type, {}, "Cần một mảng JSON", "Expected a JSON array");
  std::vector<network::crawl_target> out;
  for (const auto& e : *list) {
    network::crawl_target t;
    if (e.is_string()) {
      t.url = e.get<std::string>();
    } else if (e.is_object()) {
      auto str = [&](const char* k) { return e.contains(k) && e[k].is_string() ? e[k].get<std::string>() : std::string(); };
      if (e.contains("kind")) {
        if (str("kind") != "school" || str("website").empty()) continue;
        t.url = str("website");
        if (is_valid_id(str("id"))) t.unit = unit_id{str("id")};
      } else {
        t.url = str("url");
        if (is_valid_id(str("unit"))) t.unit = unit_id{str("unit")};
        t.division_url = str("division_url");
      }
    }
    if (!t.url.empty()) out.push_back(std::move(t));
  }
  return out;
}

}  // namespace

int run_crawl(const crawl_options& o) {
  const bool stored = !o.data.empty();
  if (stored == !o.sites.empty() || stored != !o.unit.empty())
    return fail("Cần SITES.json, hoặc --data cùng --unit", "Give SITES.json, or --data with --unit");
  result<std::vector<network::crawl_target>> sites = std::vector<network::crawl_target>{};
  if (!stored) sites = read_sites(o.sites);
  if (!sites) return fail(sites.err().message_vi, sites.err().message_en);

  network::crawl_config c;
  c.division_url = o.division;
  c.recent_days = o.days;
  c.concurrency = std::max(1u, o.concurrency);
  c.page_budget = std::max(1u, o.budget);
  c.fetch.timeout = std::chrono::seconds(std::max(1u, o.timeout));
  c.fetch.allow_private_addresses = o.allow_private;
  c.ocr = !o.no_ocr;
  if (!o.today.empty()) c.today = *parse_timestamp(o.today);
  if (!o.connect_to.empty()) {
    std::set<std::string> hosts;
    for (const auto& t : *sites)
      if (auto u = network::parse_url(t.url)) hosts.insert(u->host);
    for (const auto& h : hosts) c.fetch.connect_to.emplace_back(h, o.connect_to);
  }

  const bool tty = ::isatty(2);
  const auto t0 = std::chrono::steady_clock::now();
  auto last_line = t0;
  std::size_t met_all = 0;
  auto progress = [&](std::size_t done, std::size_t total, const network::site_result& r) {
    if (r.compliant()) ++met_all;
    if (o.quiet) return;
    const auto now = std::chrono::steady_clock::now();
    const double secs = std::chrono::duration<double>(now - t0).count();
    const double rate = secs > 0 ? static_cast<double>(done) / secs : 0;
    if (tty) {
      constexpr int width = 30;
      int filled = total ? static_cast<int>(width * done / total) : width;
      std::fprintf(stderr, "\r[%s%s] %zu/%zu trang / sites, %.1f/s, %zu đạt cả 4 / all 4 met ",
                   std::string(static_cast<std::size_t>(filled), '#').c_str(),
                   std::string(static_cast<std::size_t>(width - filled), ' ').c_str(), done, total, rate, met_all);
      if (done == total) std::fputc('\n', stderr);
    } else if (done == total || now - last_line >= std::chrono::seconds(5)) {
      last_line = now;
      std::fprintf(stderr, "pbgdpl crawl: %zu/%zu trang / sites, %.1f/s\n", done, total, rate);
    }
  };
  if (stored) {
    // The portal's store: the schools below the unit today, each at its website; the run stored
    // for the KPI page and the API. A portal running on the same data folder sees it at once.
    auto path = std::filesystem::path(o.data) / "pbgdpl.db";
    if (!std::filesystem::exists(path)) return fail("Không có kho dữ liệu " + path.string(), "No store at " + path.string());
    auto db = store::open_sqlite_store(path);
    if (!db) return fail(db.err().message_vi, db.err().message_en);
    if (!o.connect_to.empty())
      if (auto dir = (*db)->hierarchy_at(local_date(c.today.value_or(now()))))
        for (const auto* s : network::schools_below(*dir, o.unit))
          if (auto u = network::parse_url(s->website)) c.fetch.connect_to.emplace_back(u->host, o.connect_to);
    network::school_run_options ro;
    ro.scope = unit_id{o.unit};
    ro.config = c;
    ro.division_url = o.division;
    ro.trigger = "cli";
    ro.actor = "cli";
    ro.progress = progress;
    auto run = network::run_school_crawl(**db, ro);
    if (!run) return fail(run.err().message_vi, run.err().message_en);
    std::cout << to_json_value(*run).dump(2) << "\n";
    return 0;
  }
  auto results = network::crawl(*sites, c, progress);

  json out = json::array();
  for (const auto& r : results) out.push_back(to_json_value(r));
  auto text = out.dump(2) + "\n";
  if (o.out.empty()) {
    std::cout << text;
  } else {
    std::ofstream f(o.out, std::ios::binary | std::ios::trunc);
    if (!(f << text)) return fail("Không ghi được " + o.out, "Cannot write " + o.out);
  }
  return 0;
}

}  // namespace pbgdpl_cli
