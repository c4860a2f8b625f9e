// The editorial workflow of an article as an enforced state machine:
//
//   draft --submit--> submitted --approve--> approved --publish--> published --archive--> archived
//     ^                  |  |                   |                                          |
//     +----reject--------+  +--withdraw         +--reject                                  |
//     +-------------------------------------reopen-------------------------------------------+
//
// Each step names the permission it needs at the content's unit (trust/permissions.hpp), so who
// may take it is the permission function's answer, never a second rule here. Approving signs the
// content's exact bytes (approved_content) with the approver's key as a minisign-format approval.
// Pure functions: the editor UI and the API apply them and write the result with the actor.
#pragma once
#include "../model/article.hpp"
#include "../trust/approval.hpp"
#include "../trust/permissions.hpp"

#include <algorithm>
#include <optional>
#include <vector>
#include <string>
#include <string_view>

PBGDPL_NAMESPACE_BEGIN
namespace publish {

enum class step { submit, withdraw, approve, reject, publish, archive, reopen };

}  // namespace publish
PBGDPL_ENUM_NAMES(publish::step, {publish::step::submit, "submit"}, {publish::step::withdraw, "withdraw"},
                  {publish::step::approve, "approve"}, {publish::step::reject, "reject"},
                  {publish::step::publish, "publish"}, {publish::step::archive, "archive"},
                  {publish::step::reopen, "reopen"});
PBGDPL_ENUM_LABELS(publish::step, {publish::step::submit, "Gửi duyệt", "Submit for approval"},
                   {publish::step::withdraw, "Rút lại để sửa", "Withdraw to edit"},
                   {publish::step::approve, "Duyệt và ký", "Approve and sign"},
                   {publish::step::reject, "Trả lại", "Return to the author"},
                   {publish::step::publish, "Đăng", "Publish"}, {publish::step::archive, "Lưu trữ (gỡ xuống)", "Archive (take down)"},
                   {publish::step::reopen, "Mở lại thành bản nháp", "Reopen as a draft"});
namespace publish {

struct step_rule {
  step s;
  article_state from, to;
  trust::action needs;
};

// The whole machine, one row per edge.
inline constexpr step_rule workflow_rules[] = {
    {step::submit, article_state::draft, article_state::submitted, trust::action::submit_content},
    {step::withdraw, article_state::submitted, article_state::draft, trust::action::edit_content},
    {step::approve, article_state::submitted, article_state::approved, trust::action::approve_content},
    {step::reject, article_state::submitted, article_state::draft, trust::action::approve_content},
    {step::reject, article_state::approved, article_state::draft, trust::action::approve_content},
    {step::publish, article_state::approved, article_state::published, trust::action::publish_content},
    {step::archive, article_state::published, article_state::archived, trust::action::publish_content},
    {step::reopen, article_state::archived, article_state::draft, trust::action::edit_content},
};

inline const step_rule* find_rule(step s, article_state from) noexcept {
  for (const auto& r : workflow_rules)
    if (r.s == s && r.from == from) return &r;
  return nullptr;
}

// The step that takes content from `from` to `to`, if the machine has such an edge.
inline std::optional<step> step_between(article_state from, article_state to) noexcept {
  for (const auto& r : workflow_rules)
    if (r.from == from && r.to == to) return r.s;
  return std::nullopt;
}

// The shortest run of steps from `from` to `to` (empty when they are equal; nullopt when the
// machine has no way). The API takes a state change as this run, each step with its own right.
inline std::optional<std::vector<step>> path_between(article_state from, article_state to) {
  if (from == to) return std::vector<step>{};
  // Breadth-first over five states: at most a handful of edges.
  std::vector<std::pair<article_state, std::vector<step>>> frontier{{from, {}}};
  std::vector<article_state> seen{from};
  while (!frontier.empty()) {
    std::vector<std::pair<article_state, std::vector<step>>> next;
    for (const auto& [state, steps] : frontier)
      for (const auto& r : workflow_rules) {
        if (r.from != state || std::find(seen.begin(), seen.end(), r.to) != seen.end()) continue;
        auto more = steps;
        more.push_back(r.s);
        if (r.to == to) return more;
        seen.push_back(r.to);
        next.emplace_back(r.to, std::move(more));
      }
    frontier = std::move(next);
  }
  return std::nullopt;
}

// The steps that leave `from`, in the machine's order (what a screen offers).
inline std::vector<step> steps_from(article_state from) {
  std::vector<step> out;
  for (const auto& r : workflow_rules)
    if (r.from == from) out.push_back(r.s);
  return out;
}

// Only a draft's content may change: what was submitted is what is approved, and what was
// approved is what is published (an approval signs those bytes).
inline bool content_editable(article_state s) noexcept { return s == article_state::draft; }

// Four eyes: nobody approves content they wrote, changed or sent for approval. The author, and
// every account the workflow log names for an "edit" (a change of content by someone else) or a
// "submit", may not approve the article.
inline bool may_approve(const article& a, const account_id& who) {
  if (a.author == who) return false;
  for (const auto& e : a.workflow)
    if (e.by == who && (e.step == "edit" || e.step == "submit")) return false;
  return true;
}

// Whether two versions of an article say the same to a reader (what an approval vouches for),
// the revision number aside.
inline bool same_content(const article& x, const article& y) {
  return x.kind == y.kind && x.unit == y.unit && x.title == y.title && x.summary == y.summary &&
         x.body_markdown == y.body_markdown && x.category == y.category && x.tags == y.tags && x.byline == y.byline &&
         x.source == y.source && x.documents == y.documents && x.cover == y.cover;
}

// One event of an article's workflow, for the audit trail kept with the audit log's entry.
struct transition {
  step s;
  article_state from, to;
  std::string comment;                     // required when returning content (reject)
  std::optional<timestamp> publish_at;     // publish: a future time schedules it
};

// The machine on a bare state, for content whose record has no article fields (legal document
// records, publications, whose `state` is an article_state): checks the edge exists and, for a
// rejection, that a reason is given; sets `state`. Permissions are the caller's, as for apply().
result<transition> advance(article_state& state, step s, std::string comment = {});

// Applies `s` to `a` at `now`: checks the edge exists and the step's own conditions (a reason to
// reject; a publication time not in the past beyond a minute's slack), sets the state, and for
// publish the publication time (now, or `publish_at` when later: a scheduled article, visible
// from then on, is_visible_at). Does not check permissions (the caller asks trust:: with
// find_rule(s, from)->needs) nor write anything.
result<transition> apply(article& a, step s, timestamp now, std::string comment = {},
                         std::optional<timestamp> publish_at = std::nullopt);

// The bytes an approval signs: the article's content as compact JSON of the fields a reader
// sees and the approver read (kind, unit, title, summary, body, category, tags, byline, source,
// documents, cover, revision). Any later change to them breaks the approval's digest.
std::string approved_content(const article& a);

// The approval of `a` by `approver` (role at the article's unit), signed with `key`: the
// statement (trust/approval.hpp, use portal, valid `validity` from `now`), its minisign text in
// the record's signature. `sequence` must grow per article (one more than the last approval's).
result<approval_record> sign_article_approval(const article& a, const trust::secret_key& key, role approver_role,
                                              const unit_id& approver_unit, timestamp now, std::uint64_t sequence,
                                              std::chrono::seconds validity = std::chrono::hours(24 * 365 * 5));

// Whether `r` is a genuine approval of `a` as it is now: the signature verifies with `pk`, the
// statement names this article and the digest of its current content.
result<void> verify_article_approval(const article& a, const approval_record& r, const trust::public_key& pk);

}  // namespace publish
PBGDPL_NAMESPACE_END

#include "impl/workflow.ipp"
