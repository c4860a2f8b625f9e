// The legal Q&A workflow (issue 14): what happens to a question after the public form files it.
// asked → accepted (moderated in) → answered → published, asked → answered (answering moderates
// it in), and asked or accepted → rejected with a reason. Each step needs a right at the question's unit (trust/permissions.hpp): moderating and
// answering are editors' work (edit_content), publishing what the public reads is an approver's
// (publish_content). An illegal step is refused (errc::conflict) with a message in both languages.
// The editor UI calls these; the pure apply() is what they share with the tests.
#pragma once
#include "../model/account.hpp"
#include "../model/question.hpp"
#include "../store/store.hpp"
#include "../trust/permissions.hpp"

#include <string>
#include <string_view>

PBGDPL_NAMESPACE_BEGIN
namespace publish {

enum class question_step { accept, reject, answer, publish };

// The right a step needs at the question's unit.
constexpr trust::action required_action(question_step s) noexcept {
  return s == question_step::publish ? trust::action::publish_content : trust::action::edit_content;
}

// Takes step `s` on `q` as `who` at `at` (no store, no permission check): `text` is the reason of a
// rejection or the Markdown of an answer (both required). Answering sets answered_at and answered_by
// (the server's, never the caller's); the answer's HTML is rendered by the store-backed steps
// below. Refuses a step the state does not allow, and leaves `q` unchanged when it refuses.
PBGDPL_DECL result<void> apply(question& q, question_step s, const account_id& who, timestamp at,
                               std::string_view text = {});

// The steps against a store: reads the question, asks trust::require() for the step's right at
// its unit on `tree` (the hierarchy of the day of the action), applies the step, renders the HTML
// and writes it back (a concurrent change is errc::conflict; nothing half-written).
PBGDPL_DECL result<question> accept_question(store::store& db, const trust::unit_tree& tree, const account& who,
                                             std::string_view id, timestamp at);
PBGDPL_DECL result<question> reject_question(store::store& db, const trust::unit_tree& tree, const account& who,
                                             std::string_view id, std::string_view reason, timestamp at);
PBGDPL_DECL result<question> answer_question(store::store& db, const trust::unit_tree& tree, const account& who,
                                             std::string_view id, std::string_view answer_markdown, timestamp at);
PBGDPL_DECL result<question> publish_question(store::store& db, const trust::unit_tree& tree, const account& who,
                                              std::string_view id, timestamp at);

}  // namespace publish

PBGDPL_ENUM_NAMES(publish::question_step, {publish::question_step::accept, "accept"},
                  {publish::question_step::reject, "reject"}, {publish::question_step::answer, "answer"},
                  {publish::question_step::publish, "publish"});

PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/questions.ipp"
#endif
