// Definitions for portal/reports_view.hpp (inline in header-only mode, compiled once from src/portal/).
#pragma once
#include "../reports_view.hpp"
#include "../../trust/permissions.hpp"


#include <algorithm>

PBGDPL_NAMESPACE_BEGIN
namespace portal {

PBGDPL_DECL result<unit_directory> report_tree(store::store& db, const report_period& p) { return db.hierarchy_at(p.due_on); }

PBGDPL_DECL bool may_fill_report(const account& who, const unit_id& u, const unit_directory& tree) {
  return !who.disabled && trust::allowed(who, trust::action::submit_report, u, tree);
}

PBGDPL_DECL bool may_review_report(const account& who, const unit_id& u, const unit_directory& tree) {
  return !who.disabled && trust::allowed(who, trust::action::review_report, u, tree);
}

PBGDPL_DECL bool may_see_report(const account& who, const unit_id& u, const unit_directory& tree) {
  if (who.disabled) return false;
  if (may_fill_report(who, u, tree) || may_review_report(who, u, tree)) return true;
  for (const auto& g : who.grants)
    if (g.r == role::auditor && trust::allowed(g, trust::action::read, u, tree)) return true;
  return false;
}

PBGDPL_DECL reports::actor report_actor(store::store& db, const account& who) {
  reports::actor a;
  a.who = who;
  if (auto c = db.get<credential>(who.id.value)) a.public_key = c->approval_public_key;
  return a;
}

PBGDPL_DECL result<std::vector<report_submission>> round_submissions(store::store& db, const report_period_id& p) {
  std::vector<report_submission> out;
  store::list_query q;
  q.where.category = p.value;
  q.limit = 100;
  for (;;) {
    auto page = db.list<report_submission>(q);
    if (!page) return page.err();
    for (auto& s : page->items) {
      if (s.period_id != p) continue;
      if (out.size() >= report_max_submissions)
        return error(errc::too_large, {}, "Kỳ báo cáo có quá nhiều báo cáo để tổng hợp trên một trang",
                     "The round has too many reports to roll up on one page");
      out.push_back(std::move(s));
    }
    if (page->next_cursor.empty()) break;
    q.cursor = page->next_cursor;
  }
  return out;
}

}  // namespace portal
PBGDPL_NAMESPACE_END
