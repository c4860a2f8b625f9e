// Bodies of model/question.hpp (JSON codecs and validation): compiled once into the core tier
// (src/core/model.cpp), or included by the header in header-only builds.
#pragma once
#include "../question.hpp"

PBGDPL_NAMESPACE_BEGIN

PBGDPL_MODEL_DEFINE(question)

PBGDPL_DECL void validate(const question& q, validator& v) {
  rules::schema(v, q.schema_version);
  rules::known(v, q.state, "/state");
  rules::identifier(v, q.id, "/id", "Mã câu hỏi", "Question id");
  rules::identifier(v, q.unit, "/unit", "Đơn vị", "Unit");
  rules::text(v, q.asker_name, "/asker_name", "Tên người hỏi", "Asker name", true);
  rules::email(v, q.asker_email, "/asker_email", false);
  rules::text(v, q.asker_phone, "/asker_phone", "Số điện thoại", "Phone", false);
  rules::text(v, q.title, "/title", "Tiêu đề", "Title", true);
  rules::long_text(v, q.body, "/body", "Nội dung câu hỏi", "Question body", true);
  rules::text(v, q.category, "/category", "Lĩnh vực", "Category", false);
  rules::time_set(v, q.asked_at, "/asked_at", "Thời điểm hỏi", "asked_at");
  bool answered = q.state == question_state::answered || q.state == question_state::published;
  rules::long_text(v, q.answer_markdown, "/answer_markdown", "Câu trả lời", "Answer", answered);
  if (answered) {
    v.check(q.answered_at.has_value(), "/answered_at", errc::missing_field, "Thiếu thời điểm trả lời",
            "answered_at is missing");
    v.check(q.answered_by.has_value(), "/answered_by", errc::missing_field, "Thiếu người trả lời",
            "answered_by is missing");
  }
  if (q.answered_at)
    rules::not_before(v, *q.answered_at, q.asked_at, "/answered_at", "Thời điểm trả lời không được trước khi hỏi",
                      "answered_at must not be before asked_at");
  rules::identifier(v, q.answered_by, "/answered_by", "Người trả lời", "Answered by");
  rules::text(v, q.rejection_reason, "/rejection_reason", "Lý do không tiếp nhận", "Rejection reason",
              q.state == question_state::rejected);
  rules::identifiers(v, q.documents, "/documents", "Văn bản", "Document");
  if (q.follow_hash)
    rules::blake2b(v, *q.follow_hash, "/follow_hash");
}

PBGDPL_MODEL_DEFINE(dialogue_session)

PBGDPL_DECL void validate(const dialogue_session& d, validator& v) {
  rules::schema(v, d.schema_version);
  rules::known(v, d.state, "/state");
  rules::identifier(v, d.id, "/id", "Mã phiên đối thoại", "Dialogue id");
  rules::identifier(v, d.unit, "/unit", "Đơn vị", "Unit");
  rules::text(v, d.title, "/title", "Tiêu đề", "Title", true);
  rules::long_text(v, d.description, "/description", "Mô tả", "Description", false);
  rules::text(v, d.host, "/host", "Người chủ trì", "Host", false);
  rules::time_set(v, d.starts_at, "/starts_at", "Thời điểm bắt đầu", "starts_at");
  rules::time_set(v, d.ends_at, "/ends_at", "Thời điểm kết thúc", "ends_at");
  rules::not_before(v, d.ends_at, d.starts_at, "/ends_at", "Thời điểm kết thúc phải sau thời điểm bắt đầu",
                    "ends_at must be after starts_at", true);
  rules::url(v, d.url, "/url", "Địa chỉ phòng trực tuyến", "Online room URL", false);
  rules::identifiers(v, d.questions, "/questions", "Câu hỏi", "Question");
  rules::long_text(v, d.conclusion_markdown, "/conclusion_markdown", "Kết luận", "Conclusion", false);
}

#if !defined(PBGDPL_HEADER_ONLY)
PBGDPL_MODEL_INSTANTIATE(question)
PBGDPL_MODEL_INSTANTIATE(dialogue_session)
#endif

PBGDPL_NAMESPACE_END
