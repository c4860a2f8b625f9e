// Bodies of network/compliance_runs.hpp: compiled once into the network tier
// (src/network/compliance_runs.cpp), or included by the header in header-only builds.
#pragma once
#include "../compliance_runs.hpp"

#include <atomic>

PBGDPL_NAMESPACE_BEGIN
namespace network {

namespace runs_detail {
inline std::atomic<bool>& running() {
  static std::atomic<bool> flag{false};
  return flag;
}
struct run_guard {
  bool owned = false;
  run_guard() { owned = !running().exchange(true); }
  ~run_guard() {
    if (owned) running() = false;
  }
};
}  // namespace runs_detail

PBGDPL_DECL result<compliance_run> run_school_crawl(store::store& db, const school_run_options& opt) {
  runs_detail::run_guard guard;
  if (!guard.owned)
    return error(errc::busy, {}, "Đang có một lượt kiểm tra khác; hãy chờ lượt đó xong",
                 "Another compliance run is in progress; wait for it to finish");
  compliance_run run;
  run.started_at = opt.config.today.value_or(pbgdpl::now());
  run.unit = opt.scope;
  run.recent_days = opt.config.recent_days;
  run.trigger = opt.trigger;
  auto dir = db.hierarchy_at(local_date(run.started_at));
  if (!dir) return dir.err();
  const auto* scope = dir->find(opt.scope);
  if (!scope)
    return error(errc::not_found, "/unit", "Không có đơn vị " + opt.scope.value, "No unit " + opt.scope.value);
  if (dir->ended(opt.scope.value))
    return error(errc::invalid_argument, "/unit", "Đơn vị " + opt.scope.value + " đã kết thúc hoạt động",
                 "Unit " + opt.scope.value + " has ended");
  std::string division = opt.division_url;
  if (division.empty()) {
    division = scope->website;
    for (const auto* a : dir->ancestors(opt.scope.value))
      if (division.empty()) division = a->website;
  }
  auto cfg = opt.config;
  if (!cfg.division_url.empty() && division.empty()) division = cfg.division_url;
  cfg.division_url = division;
  std::vector<crawl_target> targets;
  std::vector<site_result> results;
  for (const auto* s : schools_below(*dir, opt.scope.value)) {
    auto site = opt.site_of ? opt.site_of(*s) : s->website;
    if (site.empty()) {
      // No site known: recorded, so the KPI counts the school and the list says why.
      site_result r;
      r.unit = s->id;
      r.started = r.finished = pbgdpl::now();
      r.errors.push_back({"", "no_website", 0, "Chưa có địa chỉ trang web của trường / the school's website is not recorded"});
      for (auto c : {criterion::section, criterion::division_link, criterion::city_banner, criterion::recent_post}) {
        criterion_result cr;
        cr.which = c;
        cr.note_vi = "Chưa có địa chỉ trang web của trường trong danh mục đơn vị.";
        cr.note_en = "The school's website is not recorded in the unit directory.";
        r.criteria.push_back(std::move(cr));
      }
      results.push_back(std::move(r));
      continue;
    }
    targets.push_back({s->id, site, division});
  }
  auto crawled = crawl(targets, cfg, opt.progress);
  for (auto& r : crawled) results.push_back(std::move(r));
  return save_run(db, std::move(run), results, *dir, opt.actor);
}

}  // namespace network
PBGDPL_NAMESPACE_END
