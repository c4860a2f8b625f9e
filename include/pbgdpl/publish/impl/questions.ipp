// Bodies of publish/questions.hpp: compiled once into the portal tier (src/portal/publish.cpp), or
// included by the header in header-only builds.
#pragma once
#include "../questions.hpp"
#include "../rendered.hpp"

PBGDPL_NAMESPACE_BEGIN
namespace publish {

namespace detail {
inline error illegal_step(question_step s, question_state from) {
  const std::string step(to_string(s));
  return error(errc::conflict, "/state",
               "Không thể " +
                   std::string(s == question_step::accept   ? "tiếp nhận"
                               : s == question_step::reject ? "từ chối"
                               : s == question_step::answer ? "trả lời"
                                                            : "công bố") +
                   " câu hỏi đang ở trạng thái \"" + std::string(label_vi(from)) + "\"",
               "Cannot " + step + " a question that is " + std::string(label_en(from)));
}
}  // namespace detail

PBGDPL_DECL result<void> apply(question& q, question_step s, const account_id& who, timestamp at, std::string_view text) {
  const auto from = q.state;
  switch (s) {
    case question_step::accept:
      if (from != question_state::asked) return detail::illegal_step(s, from);
      q.state = question_state::accepted;
      return {};
    case question_step::reject:
      // Once answered, a question is published or left unpublished, never "not accepted".
      if (from != question_state::asked && from != question_state::accepted) return detail::illegal_step(s, from);
      if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
        return error(errc::missing_field, "/rejection_reason", "Cần ghi lý do không tiếp nhận",
                     "A reason for the rejection is required");
      q.rejection_reason = std::string(text);
      q.state = question_state::rejected;
      return {};
    case question_step::answer:
      // Answering a question that waits for moderation moderates it in (the answerer holds the
      // same right); an answer not yet published may be rewritten. A published one is changed
      // through the approver's path (it is what the public reads).
      if (from != question_state::asked && from != question_state::accepted && from != question_state::answered)
        return detail::illegal_step(s, from);
      if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
        return error(errc::missing_field, "/answer_markdown", "Câu trả lời không được để trống",
                     "The answer must not be empty");
      if (who.empty())
        return error(errc::missing_field, "/answered_by", "Thiếu người trả lời", "answered_by is missing");
      q.answer_markdown = std::string(text);
      q.answered_at = std::max(at, q.asked_at);
      q.answered_by = who;
      q.state = question_state::answered;
      return {};
    case question_step::publish:
      if (from != question_state::answered) return detail::illegal_step(s, from);
      q.state = question_state::published;
      return {};
  }
  return detail::illegal_step(s, from);
}

namespace detail {
inline result<question> take_step(store::store& db, const trust::unit_tree& tree, const account& who, std::string_view id,
                                  question_step s, std::string_view text, timestamp at) {
  auto q = db.get<question>(id);
  if (!q) return q.err();
  if (auto ok = trust::require(who, required_action(s), q->unit, tree); !ok) return ok.err();
  if (auto ok = apply(*q, s, who.id, at, text); !ok) return ok.err();
  if (auto ok = render_html(*q); !ok) return ok.err();
  if (auto ok = check(*q); !ok) return ok.err();
  return db.update(std::move(*q), who.id.value);
}
}  // namespace detail

PBGDPL_DECL result<question> accept_question(store::store& db, const trust::unit_tree& tree, const account& who,
                                             std::string_view id, timestamp at) {
  return detail::take_step(db, tree, who, id, question_step::accept, {}, at);
}
PBGDPL_DECL result<question> reject_question(store::store& db, const trust::unit_tree& tree, const account& who,
                                             std::string_view id, std::string_view reason, timestamp at) {
  return detail::take_step(db, tree, who, id, question_step::reject, reason, at);
}
PBGDPL_DECL result<question> answer_question(store::store& db, const trust::unit_tree& tree, const account& who,
                                             std::string_view id, std::string_view answer_markdown, timestamp at) {
  return detail::take_step(db, tree, who, id, question_step::answer, answer_markdown, at);
}
PBGDPL_DECL result<question> publish_question(store::store& db, const trust::unit_tree& tree, const account& who,
                                              std::string_view id, timestamp at) {
  return detail::take_step(db, tree, who, id, question_step::publish, {}, at);
}

}  // namespace publish
PBGDPL_NAMESPACE_END
