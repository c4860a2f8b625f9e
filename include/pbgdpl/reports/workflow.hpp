// The yearly report's workflow, enforced on the store: a school opens a draft pre-filled from what
// it did (auto-filled values, overridable only with a justification, both kept), sends it signed
// with its approver's key, and the unit above it on the period's tree (the division until 30 June
// 2025, the ward's office since) accepts it with its own signature or returns it; "excused" marks
// a school the level above does not expect a report from. Every action is one version-checked
// write that appends to the report's history, or an error that changed nothing.
//
//   (none) --open_draft--> draft --submit--> submitted --approve--> accepted (locked)
//                            ^                   |                      |
//                            +----return_to_unit-+----------------------+  (from above, with a note)
//   (none)/draft/returned --excuse--> excused
#pragma once
#include "../model/account.hpp"
#include "../model/report.hpp"
#include "../store/store.hpp"
#include "../trust/minisign.hpp"
#include "validation.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace reports {

// "<period>.<unit>": one report per unit and round, so a second draft is the first one. An id
// that would pass the store's 64 characters is "r." + 40 hex digits of BLAKE2b-256 of both.
PBGDPL_DECL submission_id submission_id_for(const report_period_id& period, const unit_id& unit);

// What the submitter signs: compact JSON (keys sorted, no spaces) of the template id and edition,
// the period, the unit, every value (code, number/flag/text, computed_number/computed_flag,
// justification, comment; sorted by code), submitted_at (UTC) and submitted_by. Changing any of
// these changes the text, so verify_submission notices.
PBGDPL_DECL std::string signed_payload(const report_submission& s);
// What the approver signs: the payload above, approved_at, approved_by and the submitter's
// signature text.
PBGDPL_DECL std::string approval_payload(const report_submission& s);
// The trusted comments: "pbgdpl-report <id> <BLAKE2b-256 hex of signed_payload> <period> <unit>"
// and "pbgdpl-report-approval <id> <BLAKE2b-256 hex of approval_payload> <period> <unit>" (what
// `minisign -V` prints: which report, which content, whose and which round).
PBGDPL_DECL std::string submission_comment(const report_submission& s);
PBGDPL_DECL std::string approval_comment(const report_submission& s);

// Who acts. Grants are checked on the tree of the period's due date (unit_directory::at), not
// today's. `public_key` is the account's approval public key (credential::approval_public_key,
// minisign .pub text): when set, a signing key passed with the action must be its secret half.
struct actor {
  account who;
  std::string public_key;
};

// Creates the unit's draft for the period, pre-filled with the values computed from the store,
// or returns the report that exists (whatever its state). Needs submit_report at the unit; the
// unit must be open on the period's due date and the period not locked.
PBGDPL_DECL result<report_submission> open_draft(store::store& db, const report_period_id& period, const unit_id& unit,
                                                 const actor& who, timestamp now);

// Changes values of a draft or returned report. Each value replaces the one of its code (others
// stay); a value with none of number, flag, text set clears an entered value (a computed one goes
// back to what was computed). Refused, nothing written: unknown codes, the wrong type for the
// indicator, out of bounds (negative counts), fractions for whole-number indicators, a value that
// differs from the computed one without a justification (both are kept), a locked period, a unit
// closed on the due date, a report not in draft/returned, or `expected_version` not the stored one.
PBGDPL_DECL result<report_submission> save_values(store::store& db, const submission_id& id,
                                                  std::vector<indicator_value> values, const actor& who, timestamp now,
                                                  std::optional<std::uint64_t> expected_version = std::nullopt);

// Computes the auto-filled values again (data may have come in since the draft was opened): a
// value the person left as computed follows the new figure; an overridden one stays (and loses
// its justification if it now equals the figure).
PBGDPL_DECL result<report_submission> refresh_computed(store::store& db, const submission_id& id, const actor& who,
                                                       timestamp now);

// Sends a draft or returned report: every required value present and of the right type, no
// blocking validation rule failing, and, for a unit above schools (a division, a ward's office),
// every open school below it on the due date's tree accepted or excused. Signed with `key`, the
// submitting approver's key (an approver role at the unit: the school head, the division's
// approver). A report already sent or accepted is a conflict.
PBGDPL_DECL result<report_submission> submit(store::store& db, const submission_id& id, const actor& who,
                                             const trust::secret_key& key, timestamp now);

// The same, with the warnings: the template's rules of severity "warning" that failed (a blocking
// one refuses the sending, errc::validation_failed with each finding in the details). The
// warnings' Vietnamese messages are also kept in the "submit" event's note, for the reviewer.
struct submit_result {
  report_submission submission;
  std::vector<rule_finding> warnings;
};
PBGDPL_DECL result<submit_result> submit_with_findings(store::store& db, const submission_id& id, const actor& who,
                                                       const trust::secret_key& key, timestamp now);

// Accepts a sent report, which locks it: needs review_report with a grant held at the unit
// directly above the report's unit on the due date's tree, or a city official's; nobody approves
// what they sent. The submitter's signature is checked first (against the public key of their
// credential), then the approver signs the payload, the approval and that signature.
PBGDPL_DECL result<report_submission> approve(store::store& db, const submission_id& id, const actor& who,
                                              const trust::secret_key& key, timestamp now, std::string note = {});

// Sends a sent or accepted report back to its unit with a note (required); the approval is
// dropped. Only from above (as approve).
PBGDPL_DECL result<report_submission> return_to_unit(store::store& db, const submission_id& id, const actor& who,
                                                     timestamp now, std::string note);

// Marks that no report is expected from the unit this round (a reason is required): from above,
// as approve. Creates the record when the unit has none; a report already sent or accepted must
// be returned first.
PBGDPL_DECL result<report_submission> excuse(store::store& db, const report_period_id& period, const unit_id& unit,
                                             const actor& who, timestamp now, std::string reason);

// The tamper check, offline: the submitter's signature over signed_payload(s) with `submitter`,
// and, when `approver` is given, the approval signature with it. Distinct errors: no signature
// (bad_signature), a signature by another key (unknown_key), the signature of another report, a
// period or a unit that is not the signed one, or changed values (tampered, each its own message).
// A report that says it was approved (or carries an approval signature) needs `approver`: without
// it, it does not verify (unknown_key), so editing a copy's state to "accepted" proves nothing.
PBGDPL_DECL result<void> verify_submission(const report_submission& s, const trust::public_key& submitter,
                                           const trust::public_key* approver = nullptr);

}  // namespace reports
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/workflow.ipp"
#endif
