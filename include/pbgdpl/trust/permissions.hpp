// Who may do what where: a pure function of role, action and target unit over the unit tree. No
// I/O and no state, so the portal, the API, the CLI and the tests all ask the same question.
#pragma once
#include "../model/account.hpp"
#include "../model/unit.hpp"
#include "../model/unit_directory.hpp"

#include <optional>
#include <span>
#include <string>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace trust {

enum class action {
  read,              // see content, reports and screens
  edit_content,      // write or change articles, documents, media
  submit_content,    // send content for approval
  approve_content,   // approve (and sign) content
  publish_content,   // put approved content online
  schedule_signage,  // put content on screens' schedules
  manage_displays,   // register screens and groups
  submit_report,     // fill in and send a unit's yearly report
  review_report,     // accept or return reports of units below
  manage_accounts,   // create accounts and grant roles
  manage_units,      // change the unit tree
  read_audit_log,
};

}  // namespace trust

PBGDPL_ENUM_NAMES(trust::action, {trust::action::read, "read"}, {trust::action::edit_content, "edit_content"},
                  {trust::action::submit_content, "submit_content"}, {trust::action::approve_content, "approve_content"},
                  {trust::action::publish_content, "publish_content"},
                  {trust::action::schedule_signage, "schedule_signage"},
                  {trust::action::manage_displays, "manage_displays"}, {trust::action::submit_report, "submit_report"},
                  {trust::action::review_report, "review_report"}, {trust::action::manage_accounts, "manage_accounts"},
                  {trust::action::manage_units, "manage_units"}, {trust::action::read_audit_log, "read_audit_log"});

namespace trust {

// The unit hierarchy the rules ask "is this school under that division?": the model's one
// directory of units (constant-time within(), cycle-safe, bounded depth). Build it once per
// change of the units (and per day: permissions follow the hierarchy on the day of the action,
// unit_directory::at(units, today)) and share it; it is not rebuilt per question.
using unit_tree = unit_directory;

// Facts about the target the rule may need; today only whether the content is approved.
struct target_facts {
  bool content_approved = false;
};

// One grant: may a holder of `g` do `a` on something belonging to `target`?
//  - school editor: edits and submits its own school's content and report; reads its school.
//  - school approver: the editor's rights plus approving and publishing at its school, and running
//    its screens (what is put on a school's screens is published by the school: issue 16).
//  - division editor: edits the division's own content; reads the division and its schools.
//  - division approver: approves and publishes for the division and its schools, reviews their
//    reports, manages their accounts and their screens.
//  - city official: approves and publishes anywhere in its city (public-place screens), reviews
//    reports, manages accounts and units.
//  - signage operator: schedules only approved content, manages screens, in its unit's subtree.
//  - auditor: reads everything in its subtree, including the audit log; changes nothing.
inline bool allowed(const role_grant& g, action a, const unit_id& target, const unit_tree& tree,
                    const target_facts& facts = {}) {
  if (!tree.find(target) || !tree.find(g.unit)) return false;
  // A unit that ended (tree.ended(): its last day is before the tree's day) keeps its archive
  // but acts no more: a grant held there only reads. Its content is answered for by the units
  // that took it over (unit::successors, through any chain: the ward's office for the Hà Đông
  // division), as if it were their own (they answer its questions, correct and withdraw its
  // records), and by the city's officials; by nobody else.
  const bool reading = a == action::read || a == action::read_audit_log;
  if (!reading && tree.ended(g.unit.value)) return false;
  // Inherited only through successions (a unit that closed with none named passes to nobody:
  // the units above it do not become its owners) and only inside one city (a succession naming a
  // unit of another city gives that city's staff nothing here).
  // (A city or province merged into another is the exception: its successors are cities.)
  const bool inherited = tree.ended(target.value) && !tree.within(target, g.unit) &&
                         tree.listed_under(target.value, g.unit.value) &&
                         (tree.nearest(target, unit_kind::city) == tree.nearest(g.unit, unit_kind::city) ||
                          tree.find(target)->kind == unit_kind::city);
  if (!reading && tree.ended(target.value) && g.r != role::city_official && !inherited) return false;
  const bool own = target == g.unit || inherited;
  const bool below = tree.within(target, g.unit) || inherited;
  switch (g.r) {
    case role::school_editor:
      return own && (a == action::read || a == action::edit_content || a == action::submit_content ||
                     a == action::submit_report);
    case role::school_approver:
      return own && (a == action::read || a == action::edit_content || a == action::submit_content ||
                     a == action::approve_content || a == action::publish_content || a == action::submit_report ||
                     a == action::manage_displays || a == action::schedule_signage);
    case role::division_editor:
      if (a == action::read) return below;
      return own && (a == action::edit_content || a == action::submit_content);
    case role::division_approver:
      if (own && (a == action::edit_content || a == action::submit_content || a == action::submit_report)) return true;
      return below && (a == action::read || a == action::approve_content || a == action::publish_content ||
                       a == action::review_report || a == action::manage_accounts || a == action::manage_displays ||
                       a == action::schedule_signage);
    case role::city_official: {
      auto city = tree.nearest(g.unit, unit_kind::city);
      if (!city) return false;
      // Its city, and the cities merged into it (their archives: a merged city's successors are cities).
      const bool merged_in = tree.ended(target.value) && tree.find(target)->kind == unit_kind::city &&
                             tree.listed_under(target.value, city->value);
      if (!tree.within(target, *city) && !merged_in) return false;
      return a == action::read || a == action::approve_content || a == action::publish_content ||
             a == action::review_report || a == action::manage_accounts || a == action::manage_units ||
             a == action::read_audit_log;
    }
    case role::signage_operator:
      if (!below) return false;
      if (a == action::schedule_signage) return facts.content_approved;
      return a == action::read || a == action::manage_displays;
    case role::auditor:
      return below && (a == action::read || a == action::read_audit_log);
  }
  return false;
}

// Records of no unit: documents of higher authorities (a ministry's decision, the city's plan)
// that belong to no unit of the tree and show on every unit's pages. Writing one changes what
// every unit shows, so a grant allows an action on them only when it allows that action at every
// root of the tree (each unit without a parent): a city official of the tree's city may publish
// the ministry's documents, a division's approver under that city may not. An empty tree allows
// nobody. The API passes such a record's unit as "".
inline bool allowed_unowned(const role_grant& g, action a, const unit_tree& tree, const target_facts& facts = {}) {
  const auto all = tree.units();
  bool any = false;
  // In pre-order each root's subtree is one run, so the roots are found by skipping subtrees. A
  // root that has ended (a province merged into another) is an archive: it asks for no right.
  for (std::size_t i = 0; i < all.size(); i += tree.subtree(all[i].id.value).size()) {
    if (tree.ended(all[i].id.value)) continue;
    if (!allowed(g, a, all[i].id, tree, facts)) return false;
    any = true;
  }
  return any;
}

// Any of `grants` allows `a` on something of `target` ("" for a record of no unit, see
// allowed_unowned). The one decision both the stored accounts and a vendor's own grants use.
inline bool allowed(std::span<const role_grant> grants, action a, const unit_id& target, const unit_tree& tree,
                    const target_facts& facts = {}) {
  for (const auto& g : grants)
    if (target.value.empty() ? allowed_unowned(g, a, tree, facts) : allowed(g, a, target, tree, facts)) return true;
  return false;
}

// The same question with a bilingual refusal naming the account `who`, for APIs.
inline result<void> require(std::span<const role_grant> grants, std::string_view who, action a, const unit_id& target,
                            const unit_tree& tree, const target_facts& facts = {}) {
  if (allowed(grants, a, target, tree, facts)) return {};
  const std::string w(who), act(to_string(a));
  if (target.value.empty())
    return error(errc::permission_denied, {},
                 "Tài khoản " + w + " không có quyền " + act +
                     " với nội dung không thuộc đơn vị nào (văn bản của cấp trên): cần quyền đó tại đơn vị gốc của cây đơn vị",
                 "Account " + w + " may not " + act +
                     " content of no unit (a higher authority's documents): that takes the right at the root of the unit tree");
  return error(errc::permission_denied, {}, "Tài khoản " + w + " không có quyền " + act + " tại " + target.value,
               "Account " + w + " may not " + act + " at " + target.value);
}

// An account may act when it is enabled and any of its grants allows it.
inline bool allowed(const account& acc, action a, const unit_id& target, const unit_tree& tree,
                    const target_facts& facts = {}) {
  return !acc.disabled && allowed(std::span<const role_grant>(acc.grants), a, target, tree, facts);
}

// The same question with a bilingual refusal, for APIs.
inline result<void> require(const account& acc, action a, const unit_id& target, const unit_tree& tree,
                            const target_facts& facts = {}) {
  if (acc.disabled)
    return error(errc::permission_denied, {}, "Tài khoản " + acc.username + " đã bị khóa",
                 "Account " + acc.username + " is disabled");
  return require(std::span<const role_grant>(acc.grants), acc.username, a, target, tree, facts);
}

}  // namespace trust
PBGDPL_NAMESPACE_END
