// What the portal's report screens and its report API share (issue 17): who may see and review a
// unit's report in a round (judged on the hierarchy of the round's due date: the division until
// 30 June 2025, the ward's office since), the account as the workflow's actor, and the reading of
// a round's submissions. The roll-up's downloads are in reports_files.hpp.
// Reports are never public: every caller here is a signed-in account.
// Thread safety: the functions are pure over what they read.
#pragma once
#include "../model/account.hpp"
#include "../model/credential.hpp"
#include "../model/report.hpp"
#include "../model/unit_directory.hpp"
#include "../reports/workflow.hpp"
#include "../store/store.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace portal {

// At most this many submissions are read for one round (a division of a few hundred schools is
// far below; a national store would roll up through reports::compute_for_units, not a page).
inline constexpr std::size_t report_max_submissions = 20000;

// The hierarchy on the day period p is due.
PBGDPL_DECL result<unit_directory> report_tree(store::store& db, const report_period& p);

// May `who` see unit u's report (and its roll-up when u is above schools) on `tree`: the unit's
// own people who fill it in (submit_report), those above who review it (review_report), and
// auditors above it. Everyone else sees nothing, not even that it exists.
PBGDPL_DECL bool may_see_report(const account& who, const unit_id& u, const unit_directory& tree);
// May `who` approve, return or excuse unit u's report: review_report at u on `tree`.
PBGDPL_DECL bool may_review_report(const account& who, const unit_id& u, const unit_directory& tree);
// May `who` fill in and send unit u's report: submit_report at u on `tree`.
PBGDPL_DECL bool may_fill_report(const account& who, const unit_id& u, const unit_directory& tree);

// The account as the reports' workflow sees it: with its approval public key (from its
// credential), so a signing key that is not the account's own is refused.
PBGDPL_DECL reports::actor report_actor(store::store& db, const account& who);

// The submissions of one round (all units), at most report_max_submissions.
PBGDPL_DECL result<std::vector<report_submission>> round_submissions(store::store& db, const report_period_id& p);

}  // namespace portal
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/reports_view.ipp"
#endif
