// Bodies of model/article.hpp (JSON codecs and validation): compiled once into the core tier
// (src/core/model.cpp), or included by the header in header-only builds.
#pragma once
#include "../article.hpp"

PBGDPL_NAMESPACE_BEGIN

PBGDPL_MODEL_DEFINE(article_source)
PBGDPL_MODEL_DEFINE(workflow_event)

PBGDPL_DECL void validate(const article_source& s, validator& v) {
  rules::text(v, s.name, "/name", "Tên nguồn tin", "Source name", true);
  rules::url(v, s.url, "/url", "Địa chỉ nguồn tin", "Source URL", false);
}

PBGDPL_MODEL_DEFINE(article)

PBGDPL_DECL void validate(const article& a, validator& v) {
  rules::schema(v, a.schema_version);
  rules::known(v, a.kind, "/kind");
  rules::known(v, a.state, "/state");
  rules::identifier(v, a.id, "/id", "Mã bài viết", "Article id");
  rules::text(v, a.title, "/title", "Tiêu đề", "Title", true);
  if (!a.slug.empty())
    v.check(rules::is_slug(a.slug), "/slug", errc::invalid_argument,
            "Đường dẫn chỉ gồm chữ thường không dấu, số và dấu '-'",
            "A slug is lower-case ASCII letters, digits and single hyphens");
  rules::long_text(v, a.summary, "/summary", "Tóm tắt", "Summary", false);
  rules::long_text(v, a.body_markdown, "/body_markdown", "Nội dung", "Body", true);
  rules::text(v, a.category, "/category", "Chuyên mục", "Category", false);
  rules::texts(v, a.tags, "/tags", "Thẻ", "Tag");
  rules::identifier(v, a.unit, "/unit", "Đơn vị", "Unit");
  rules::identifier(v, a.author, "/author", "Tác giả", "Author");
  if (a.byline) rules::text(v, *a.byline, "/byline", "Tên tác giả", "Byline", true);
  if (a.source) v.nested("/source", [&] { validate(*a.source, v); });
  rules::time_set(v, a.created_at, "/created_at", "Ngày tạo", "created_at");
  rules::time_set(v, a.updated_at, "/updated_at", "Ngày cập nhật", "updated_at");
  rules::not_before(v, a.updated_at, a.created_at, "/updated_at", "Ngày cập nhật không được trước ngày tạo",
                    "updated_at must not be before created_at");
  if (a.published_at)
    rules::not_before(v, *a.published_at, a.created_at, "/published_at", "Ngày đăng không được trước ngày tạo",
                      "published_at must not be before created_at");
  else if (a.state == article_state::published)
    v.add("/published_at", errc::missing_field, "Bài đã đăng phải có ngày đăng",
          "A published article must have published_at");
  v.check(a.revision >= 1, "/revision", errc::out_of_range, "Số phiên bản phải từ 1", "revision starts at 1");
  rules::identifiers(v, a.documents, "/documents", "Văn bản", "Document");
  rules::identifier(v, a.cover, "/cover", "Ảnh bìa", "Cover");
  v.check(a.workflow.size() <= 200, "/workflow", errc::too_large, "Nhật ký duyệt quá dài (tối đa 200 bước)",
          "The workflow log is too long (200 steps at most)");
  if (a.kind == article_kind::legal_document_intro)
    v.check(!a.documents.empty(), "/documents", errc::missing_field,
            "Bài giới thiệu văn bản phải gắn ít nhất một văn bản",
            "A legal document introduction must name at least one document");
}

#if !defined(PBGDPL_HEADER_ONLY)
PBGDPL_MODEL_INSTANTIATE(article)
#endif

PBGDPL_NAMESPACE_END
