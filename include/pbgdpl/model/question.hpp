// Online legal Q&A (hỏi đáp, tư vấn pháp luật trực tuyến) and policy-law dialogue sessions
// (đối thoại chính sách - pháp luật) of a unit's PBGDPL section. An asker's contact details are
// private: only published questions, without them, reach public pages.
#pragma once
#include "common.hpp"

PBGDPL_NAMESPACE_BEGIN

// asked → accepted (moderated in) → answered → published; asked or accepted → rejected.
// `accepted` came last (issue 14): records written before it never hold it, and the names, not
// the numbers, are what JSON stores. The workflow and who may take each step: publish/questions.hpp.
enum class question_state { asked, answered, published, rejected, accepted };
PBGDPL_ENUM_NAMES(question_state, {question_state::asked, "asked"}, {question_state::answered, "answered"},
                  {question_state::published, "published"}, {question_state::rejected, "rejected"},
                  {question_state::accepted, "accepted"});

// What the asker's follow page says: a question waits for an answer until one is written.
PBGDPL_ENUM_LABELS(question_state,
                   {question_state::asked, "Chờ trả lời", "Awaiting an answer"},
                   {question_state::answered, "Đã trả lời", "Answered"},
                   {question_state::published, "Đã công bố", "Published"},
                   {question_state::rejected, "Không tiếp nhận", "Not accepted"},
                   {question_state::accepted, "Đã tiếp nhận, chờ trả lời", "Accepted, awaiting an answer"});
inline std::string_view question_state_label_vi(question_state x) noexcept { return label_vi(x); }

struct question {
  question_id id;
  int schema_version = model_schema_version;
  std::uint64_t version = 0;
  unit_id unit;
  std::string asker_name;
  std::string asker_email;  // private
  std::string asker_phone;  // private
  std::string title;
  std::string body;
  std::string category;  // lĩnh vực, e.g. "Giáo dục", "Giao thông"
  std::string answer_markdown;
  // Server-owned: body and answer_markdown rendered when written, so pages never parse Markdown.
  std::optional<std::string> body_html, answer_html;
  question_state state = question_state::asked;
  timestamp asked_at{};  // required: check() refuses it unset (the default, 1970)
  std::optional<timestamp> answered_at;
  std::optional<account_id> answered_by;
  std::string rejection_reason;
  std::vector<legal_document_id> documents;  // documents the answer cites
  // Server-owned and secret: the BLAKE2b-256 (hex) of the asker's private follow token (the token
  // itself is shown once, on the thank-you page, and never stored). The API neither accepts it nor
  // returns it (without_secrets); absent in questions asked before issue 14 or through the API.
  std::optional<std::string> follow_hash;

  friend bool operator==(const question&, const question&) = default;
};

template <class V>
void describe(V& f, question& x) {
  using model_io::need;
  using model_io::short_text;
  model_io::head(f, x);
  f("unit", x.unit, need::required);
  f("asker_name", x.asker_name, need::required, short_text);
  f("asker_email", x.asker_email, need::optional, short_text);
  f("asker_phone", x.asker_phone, need::optional, short_text);
  f("title", x.title, need::required, short_text);
  f("body", x.body, need::required);
  f("category", x.category, need::optional, short_text);
  f("answer_markdown", x.answer_markdown);
  f("body_html", x.body_html, need::optional, model_io::rendered_html);
  f("answer_html", x.answer_html, need::optional, model_io::rendered_html);
  f("state", x.state, need::required);
  f("asked_at", x.asked_at, need::required);
  f("answered_at", x.answered_at);
  f("answered_by", x.answered_by);
  f("rejection_reason", x.rejection_reason, need::optional, short_text);
  f("documents", x.documents);
  f("follow_hash", x.follow_hash, need::optional, short_text);
}
PBGDPL_MODEL_DECLARE(question)

inline bool is_published(const question& q) noexcept { return q.state == question_state::published; }

// The question as anything outside the server may see it, a moderator included: no follow hash
// (with it, the store's filter would confirm a guessed token's hash; it is the server's alone).
inline question without_secrets(question q) {
  q.follow_hash.reset();
  return q;
}

// The question as a public page may show it: no contact details, no follow hash.
inline question public_view(question q) {
  q.asker_email.clear();
  q.asker_phone.clear();
  return without_secrets(std::move(q));
}

PBGDPL_DECL void validate(const question& q, validator& v);

enum class dialogue_state { planned, open, closed, cancelled };
PBGDPL_ENUM_NAMES(dialogue_state, {dialogue_state::planned, "planned"}, {dialogue_state::open, "open"},
                  {dialogue_state::closed, "closed"}, {dialogue_state::cancelled, "cancelled"});

struct dialogue_session {
  dialogue_id id;
  int schema_version = model_schema_version;
  std::uint64_t version = 0;
  unit_id unit;
  std::string title;
  std::string description;
  std::string host;  // who answers: "Lãnh đạo Phòng GDĐT, Phòng Tư pháp quận"
  timestamp starts_at{};  // both required: check() refuses them unset (the default, 1970)
  timestamp ends_at{};
  std::string url;  // online room or live stream
  dialogue_state state = dialogue_state::planned;
  std::vector<question_id> questions;
  std::string conclusion_markdown;

  friend bool operator==(const dialogue_session&, const dialogue_session&) = default;
};

template <class V>
void describe(V& f, dialogue_session& x) {
  using model_io::need;
  using model_io::short_text;
  model_io::head(f, x);
  f("unit", x.unit, need::required);
  f("title", x.title, need::required, short_text);
  f("description", x.description);
  f("host", x.host, need::optional, short_text);
  f("starts_at", x.starts_at, need::required);
  f("ends_at", x.ends_at, need::required);
  f("url", x.url, need::optional, short_text);
  f("state", x.state, need::required);
  f("questions", x.questions);
  f("conclusion_markdown", x.conclusion_markdown);
}
PBGDPL_MODEL_DECLARE(dialogue_session)

PBGDPL_DECL void validate(const dialogue_session& d, validator& v);

// Compiled mode: decoding, encoding and checking these is instantiated once, in the library.
PBGDPL_MODEL_EXTERN(question)
PBGDPL_MODEL_EXTERN(dialogue_session)

PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/question.ipp"
#endif
