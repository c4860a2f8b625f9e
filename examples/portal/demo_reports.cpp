// The demo's reporting rounds and its pre-filled draft (demo_reports.hpp).
#include "demo_reports.hpp"

#include <pbgdpl/portal/reports_view.hpp>
#include <pbgdpl/reports/periods.hpp>
#include <pbgdpl/reports/templates.hpp>
#include <pbgdpl/reports/workflow.hpp>

#include <algorithm>

using namespace pbgdpl;

namespace demo {

result<reports_outcome> seed_reports(store::store& db, const dataset& seed, timestamp now) {
  reports_outcome out;
  if (seed.report_templates.empty()) return out;
  // The latest edition of the seed's form.
  auto latest = reports::latest_edition(db, reports::family_of(seed.report_templates.front()));
  if (!latest) return latest.err().code == errc::not_found ? result<reports_outcome>(out) : result<reports_outcome>(latest.err());
  std::optional<report_template> form = std::move(*latest);
  if (!form) return out;
  const int year = static_cast<int>(local_date(now).year());
  auto periods = reports::ensure_periods(db, *form, year, default_due_on(year, report_round::first));
  if (!periods) return periods.err();
  std::optional<report_period_id> round2;
  for (const auto& p : *periods) {
    out.periods.push_back(p.id.value);
    if (p.round == report_round::second) round2 = p.id;
  }
  if (!round2) return out;
  // The demo school: the one whose principal (a school approver) the seed names first.
  for (const auto& a : seed.accounts)
    for (const auto& g : a.grants)
      if (g.r == role::school_approver && out.school_approver.empty()) {
        auto acc = db.get<account>(a.id.value);
        if (!acc) return acc.err();
        auto draft = reports::open_draft(db, *round2, g.unit, portal::report_actor(db, *acc), now);
        if (!draft) {
          out.notes.push_back("không lập được báo cáo mẫu / the demo report could not be started: " + draft.err().describe());
          return out;
        }
        out.draft = draft->id.value;
        out.school_approver = a.username;
      }
  return out;
}

}  // namespace demo
