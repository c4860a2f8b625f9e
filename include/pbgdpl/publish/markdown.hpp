// Markdown to HTML for article and document bodies, with cmark (CommonMark) in safe mode: raw
// HTML never passes and javascript:/vbscript:/data: links are dropped, so stored text is inert.
#pragma once
#include "../core/result.hpp"
#include "../core/text.hpp"

#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include <cmark.h>

PBGDPL_NAMESPACE_BEGIN
namespace publish {

// Renders CommonMark to an HTML fragment. Never enables CMARK_OPT_UNSAFE: an editor's Markdown
// is untrusted input for the reader's browser.
inline result<std::string> markdown_to_html(std::string_view markdown) {
  if (!text::is_valid_utf8(markdown)) return error(errc::invalid_utf8);
  if (markdown.size() > PBGDPL_MAX_TEXT_BYTES) return error(errc::too_large);
  char* html = cmark_markdown_to_html(markdown.data(), markdown.size(), CMARK_OPT_DEFAULT | CMARK_OPT_SMART);
  if (!html) return error(errc::internal);
  std::unique_ptr<char, decltype(&std::free)> guard(html, &std::free);
  return std::string(html);
}

// Plain text from Markdown (for feeds' summaries, meta descriptions and search snippets).
inline result<std::string> markdown_to_text(std::string_view markdown, std::size_t max_chars = 0) {
  if (!text::is_valid_utf8(markdown)) return error(errc::invalid_utf8);
  cmark_node* doc = cmark_parse_document(markdown.data(), markdown.size(), CMARK_OPT_DEFAULT);
  if (!doc) return error(errc::internal);
  std::string out;
  cmark_iter* it = cmark_iter_new(doc);
  for (auto ev = cmark_iter_next(it); ev != CMARK_EVENT_DONE; ev = cmark_iter_next(it)) {
    cmark_node* n = cmark_iter_get_node(it);
    auto type = cmark_node_get_type(n);
    if (ev == CMARK_EVENT_ENTER && (type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE)) {
      if (const char* lit = cmark_node_get_literal(n)) out += lit;
    } else if (ev == CMARK_EVENT_ENTER && (type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK)) {
      out += ' ';
    } else if (ev == CMARK_EVENT_EXIT && (type == CMARK_NODE_PARAGRAPH || type == CMARK_NODE_HEADING ||
                                          type == CMARK_NODE_ITEM)) {
      out += ' ';
    }
  }
  cmark_iter_free(it);
  cmark_node_free(doc);
  // Collapse runs of spaces and trim.
  std::string collapsed;
  for (char c : out) {
    if (c == ' ' || c == '\n' || c == '\t') {
      if (!collapsed.empty() && collapsed.back() != ' ') collapsed += ' ';
    } else {
      collapsed += c;
    }
  }
  while (!collapsed.empty() && collapsed.back() == ' ') collapsed.pop_back();
  if (max_chars > 0 && text::length(collapsed) > max_chars) {
    // Cut on a code point boundary, then back to the last space, and mark the cut.
    std::size_t count = 0, i = 0;
    for (; i < collapsed.size(); ++i)
      if ((static_cast<unsigned char>(collapsed[i]) & 0xC0) != 0x80 && count++ == max_chars) break;
    collapsed.resize(i);
    auto sp = collapsed.rfind(' ');
    if (sp != std::string::npos && sp > i / 2) collapsed.resize(sp);
    collapsed += "…";
  }
  return collapsed;
}

}  // namespace publish
PBGDPL_NAMESPACE_END
