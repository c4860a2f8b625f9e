// `pbgdpl aggregate`: one refresh of the schools' feeds (network/aggregator.hpp) into the store a
// portal keeps in --data, one line per feed, so an operator sees which school's feed fails and why.
#include "commands.hpp"

#include <pbgdpl/network/aggregator.hpp>
#include <pbgdpl/store/sqlite.hpp>

#include <filesystem>
#include <iostream>

namespace pbgdpl_cli {

using namespace pbgdpl;

int run_aggregate(const aggregate_options& o) {
  auto path = std::filesystem::path(o.data) / "pbgdpl.db";
  if (!std::filesystem::exists(path)) {
    std::cerr << "Không có kho dữ liệu / no store: " << path.string() << "\n";
    return 3;
  }
  auto db = store::open_sqlite_store(path);
  if (!db) {
    std::cerr << db.err().describe() << "\n";
    return 3;
  }
  network::aggregator_options opt;
  opt.fetch.allow_private_addresses = o.allow_private;
  opt.fetch.timeout = std::chrono::seconds(o.timeout);
  opt.concurrency = o.concurrency;
  opt.discover = !o.no_discover;
  // Run by hand: every healthy feed is read now; failing ones keep their backoff unless --force.
  opt.interval = std::chrono::seconds(0);
  opt.actor = "pbgdpl aggregate";
  for (const auto& s : o.subscribe) {
    auto eq = s.find('=');
    if (eq == std::string::npos || eq == 0) throw usage_error{"--subscribe cần dạng TRƯỜNG=URL", "--subscribe needs SCHOOL=URL"};
    auto r = network::subscribe(**db, unit_id{s.substr(0, eq)}, s.substr(eq + 1), opt);
    if (!r) {
      std::cerr << s << ": " << r.err().describe() << "\n";
      return 3;
    }
  }
  std::vector<unit_id> roots;
  for (const auto& u : o.units) roots.push_back(unit_id{u});
  if (roots.empty()) {
    auto units = (*db)->all_units();
    if (!units) {
      std::cerr << units.err().describe() << "\n";
      return 3;
    }
    for (const auto& u : *units)
      if (!u.parent) roots.push_back(u.id);
  }
  network::refresh_report all;
  for (const auto& r : roots) {
    auto rep = network::refresh(**db, r, opt, o.force);
    if (!rep) {
      std::cerr << r.value << ": " << rep.err().describe() << "\n";
      return 3;
    }
    for (const auto& f : rep->feeds) {
      std::cout << to_string(f.result) << "\t" << f.unit.value << "\t" << f.url;
      if (f.status) std::cout << "\tHTTP " << f.status;
      if (f.added || f.changed) std::cout << "\t+" << f.added << " ~" << f.changed;
      if (!f.error.empty()) std::cout << "\t" << f.error;
      std::cout << "\n";
    }
    all.added += rep->added;
    all.changed += rep->changed;
    all.failed += rep->failed;
    all.not_modified += rep->not_modified;
    all.waiting += rep->waiting;
    all.discovered += rep->discovered;
    all.feeds.insert(all.feeds.end(), rep->feeds.begin(), rep->feeds.end());
  }
  std::cout << "Nguồn tin / feeds: " << all.feeds.size() << ", tin mới / new: " << all.added << ", sửa / changed: " << all.changed
            << ", không đổi / not modified: " << all.not_modified << ", lỗi / failed: " << all.failed
            << ", đang chờ / waiting: " << all.waiting << ", tìm thấy / discovered: " << all.discovered << "\n";
  return 0;
}

}  // namespace pbgdpl_cli
