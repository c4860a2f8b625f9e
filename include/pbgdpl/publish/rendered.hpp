// HTML made once, when content is written: each entity's Markdown fields are rendered under a
// budget (publish/markdown.hpp) into its server-owned *_html fields. Readers' requests only copy
// that HTML; a record that lacks it (written by an older version or straight into a store) is
// shown as escaped plain text, never parsed, until it is written again or render_missing() runs.
#pragma once
#include "../model.hpp"
#include "markdown.hpp"
#include "template.hpp"

#include <optional>
#include <string>
#include <string_view>

PBGDPL_NAMESPACE_BEGIN
namespace publish {

namespace detail {
inline result<void> render_field(std::string_view markdown, std::optional<std::string>& out, std::string_view pointer,
                                 const render_budget& budget) {
  if (markdown.empty()) {
    out.reset();
    return {};
  }
  auto html = render_for_storage(markdown, budget);
  if (!html) {
    auto e = html.err();
    e.path = std::string(pointer);
    return e;
  }
  out = std::move(*html);
  return {};
}
}  // namespace detail

// Fills the server-owned HTML of an entity from its Markdown; errc::too_large (with the field's
// JSON pointer) when a field is over the budget. Whatever the *_html fields held is replaced.
inline result<void> render_html(article& a, const render_budget& b = {}) {
  return detail::render_field(a.body_markdown, a.body_html, "/body_markdown", b);
}
inline result<void> render_html(legal_document& d, const render_budget& b = {}) {
  return detail::render_field(d.body_markdown, d.body_html, "/body_markdown", b);
}
inline result<void> render_html(question& q, const render_budget& b = {}) {
  if (auto r = detail::render_field(q.body, q.body_html, "/body", b); !r) return r;
  return detail::render_field(q.answer_markdown, q.answer_html, "/answer_markdown", b);
}
// Kinds without Markdown: nothing to render.
template <class T>
result<void> render_html(T&, const render_budget& = {}) {
  return {};
}

// A dataset about to be imported (the demo seed, a migration): every article, document and
// question gets its HTML, or the first one over the budget is reported with its place.
inline result<void> render_html(dataset& d, const render_budget& b = {}) {
  auto each = [&](auto& items, std::string_view name) -> result<void> {
    for (std::size_t i = 0; i < items.size(); ++i)
      if (auto r = render_html(items[i], b); !r) {
        auto e = r.err();
        e.path = "/" + std::string(name) + "/" + std::to_string(i) + e.path;
        return e;
      }
    return {};
  };
  if (auto r = each(d.articles, "articles"); !r) return r;
  if (auto r = each(d.legal_documents, "legal_documents"); !r) return r;
  return each(d.questions, "questions");
}

// Linear stand-in for a record without rendered HTML: the text escaped, blank lines as paragraphs.
inline std::string plain_text_html(std::string_view text) {
  std::string out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find("\n\n", pos);
    auto para = text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    pos = end == std::string_view::npos ? text.size() : end + 2;
    if (para.find_first_not_of(" \t\r\n") == std::string_view::npos) continue;
    out += "<p>";
    out += escape_html(para);
    out += "</p>\n";
  }
  return out;
}

// What a page shows for a Markdown field: its stored HTML, else the escaped text.
inline std::string stored_html(const std::optional<std::string>& html, std::string_view markdown) {
  if (html) return *html;
  return plain_text_html(markdown);
}

// A summary for lists, feeds and meta descriptions, from the stored HTML (no Markdown parsing).
inline std::string stored_summary(const std::optional<std::string>& html, std::string_view markdown, std::size_t max_chars) {
  if (html) return html_to_text(*html, max_chars);
  return html_to_text(plain_text_html(markdown), max_chars);
}

}  // namespace publish
PBGDPL_NAMESPACE_END
