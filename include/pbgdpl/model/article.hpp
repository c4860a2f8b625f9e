// An article of a unit's PBGDPL section ("Phổ biến, giáo dục pháp luật"): activity news, an
// introduction of a new legal document, Q&A, policy dialogue, in-depth pieces, publications.
// Editorial states follow the draft → submitted → approved → published path every CMS shares.
#pragma once
#include "common.hpp"

PBGDPL_NAMESPACE_BEGIN

enum class article_kind { activity_news, legal_document_intro, question_answer, policy_dialogue, in_depth, publication };
PBGDPL_ENUM_NAMES(article_kind, {article_kind::activity_news, "activity_news"},
                  {article_kind::legal_document_intro, "legal_document_intro"},
                  {article_kind::question_answer, "question_answer"},
                  {article_kind::policy_dialogue, "policy_dialogue"}, {article_kind::in_depth, "in_depth"},
                  {article_kind::publication, "publication"});

enum class article_state { draft, submitted, approved, published, archived };
PBGDPL_ENUM_NAMES(article_state, {article_state::draft, "draft"}, {article_state::submitted, "submitted"},
                  {article_state::approved, "approved"}, {article_state::published, "published"},
                  {article_state::archived, "archived"});

// The section names, in the plan's own words (19/KH-PGDĐT III.1.2 and III.2): the portal's
// navigation and the seed's "category" read them from here.
PBGDPL_ENUM_LABELS(article_kind,
                   {article_kind::activity_news, "Tin tức hoạt động", "Activity news"},
                   {article_kind::legal_document_intro, "Văn bản pháp luật mới", "New legal documents"},
                   {article_kind::question_answer, "Hỏi đáp, tư vấn pháp luật", "Legal questions and answers"},
                   {article_kind::policy_dialogue, "Đối thoại chính sách - pháp luật", "Policy and law dialogue"},
                   {article_kind::in_depth, "Bài viết chuyên sâu", "In-depth articles"},
                   {article_kind::publication, "Tài liệu, ấn phẩm", "Materials and publications"});
inline std::string_view article_kind_label_vi(article_kind x) noexcept { return label_vi(x); }
inline std::string_view article_kind_label_en(article_kind x) noexcept { return label_en(x); }

PBGDPL_ENUM_LABELS(article_state,
                   {article_state::draft, "Bản nháp", "Draft"},
                   {article_state::submitted, "Chờ duyệt", "Awaiting approval"},
                   {article_state::approved, "Đã duyệt", "Approved"},
                   {article_state::published, "Đã đăng", "Published"},
                   {article_state::archived, "Lưu trữ", "Archived"});
inline std::string_view article_state_label_vi(article_state x) noexcept { return label_vi(x); }

// Where a news item was first published when it is not the unit's own ("Báo Giáo dục và Thời
// đại", the ministry's portal): a name, and a link to the original if there is one.
struct article_source {
  std::string name;
  std::string url;  // http:// or https:// only; "" when the source is not online
  friend bool operator==(const article_source&, const article_source&) = default;
};

template <class V>
void describe(V& f, article_source& x) {
  using model_io::need;
  f("name", x.name, need::required, model_io::short_text);
  f("url", x.url, need::optional, model_io::short_text);
}
PBGDPL_MODEL_DECLARE(article_source)

// One step of an article's editorial workflow (publish/workflow.hpp): who took it, when, and
// the comment (a rejection's reason). Server-owned: kept with the article, never set by clients.
struct workflow_event {
  std::string step;  // publish::step's name: "submit", "approve", "reject", ...
  article_state from = article_state::draft;
  article_state to = article_state::draft;
  account_id by;
  timestamp at{};
  std::string comment;
  friend bool operator==(const workflow_event&, const workflow_event&) = default;
};

template <class V>
void describe(V& f, workflow_event& x) {
  using model_io::need;
  f("step", x.step, need::required, model_io::short_text);
  f("from", x.from, need::required);
  f("to", x.to, need::required);
  f("by", x.by, need::required);
  f("at", x.at, need::required);
  f("comment", x.comment, need::optional);
}
PBGDPL_MODEL_DECLARE(workflow_event)

struct article {
  article_id id;
  int schema_version = model_schema_version;
  std::uint64_t version = 0;
  article_kind kind = article_kind::activity_news;
  std::string title;
  std::string slug;  // URL segment, e.g. "huong-ung-ngay-phap-luat-2023"
  std::string summary;
  std::string body_markdown;
  // Server-owned: body_markdown rendered once when the article is written (publish/markdown.hpp),
  // so reading a page never parses Markdown. Whatever a client sends here is replaced.
  std::optional<std::string> body_html;
  std::string category;
  std::vector<std::string> tags;
  unit_id unit;
  account_id author;  // the account that wrote it in the portal
  // As the page credits the writer ("Nguyễn Thu Hà, giáo viên"), which the account need not be;
  // optional, shown only when set (an account's name is not published on its own).
  std::optional<std::string> byline;
  std::optional<article_source> source;  // optional: the original, for a news item taken from elsewhere
  article_state state = article_state::draft;
  // Required. Left at the default (1970), store::create sets both to now and store::update sets
  // updated_at to now; check() refuses them unset.
  timestamp created_at{};
  timestamp updated_at{};
  std::optional<timestamp> published_at;
  std::uint32_t revision = 1;
  std::vector<legal_document_id> documents;  // documents the article introduces or cites
  std::optional<media_id> cover;
  // Server-owned: the workflow's steps, oldest first (at most the last 200 are kept).
  std::vector<workflow_event> workflow;

  friend bool operator==(const article&, const article&) = default;
};

template <class V>
void describe(V& f, article& x) {
  using model_io::need;
  using model_io::short_text;
  model_io::head(f, x);
  f("kind", x.kind, need::required);
  f("title", x.title, need::required, short_text);
  f("slug", x.slug, need::optional, short_text);
  f("summary", x.summary);
  f("body_markdown", x.body_markdown, need::required);
  f("body_html", x.body_html, need::optional, model_io::rendered_html);
  f("category", x.category, need::optional, short_text);
  f("tags", x.tags, need::optional, short_text);
  f("unit", x.unit, need::required);
  f("author", x.author, need::required);
  // Both optional: an article without them is written exactly as before they existed.
  f("byline", x.byline, need::optional, short_text);
  f("source", x.source);
  f("state", x.state, need::required);
  f("created_at", x.created_at, need::required);
  f("updated_at", x.updated_at, need::required);
  f("published_at", x.published_at);
  f("revision", x.revision);
  f("documents", x.documents);
  f("cover", x.cover);
  f("workflow", x.workflow);
}
PBGDPL_MODEL_DECLARE(article)

// Published and not archived: what a public page may show.
inline bool is_published(const article& a) noexcept { return a.state == article_state::published; }
// Published with a publication time at or before `t` (scheduled articles stay hidden until then).
inline bool is_visible_at(const article& a, timestamp t) noexcept {
  return is_published(a) && a.published_at && *a.published_at <= t;
}

// A slug for a title: "Hưởng ứng Ngày Pháp luật" → "huong-ung-ngay-phap-luat".
inline std::string make_slug(std::string_view title) { return text::slug(title).value_or(std::string{}); }

PBGDPL_DECL void validate(const article_source& s, validator& v);
PBGDPL_DECL void validate(const article& a, validator& v);

// Compiled mode: decoding, encoding and checking these is instantiated once, in the library.
PBGDPL_MODEL_EXTERN(article)

PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/article.ipp"
#endif
