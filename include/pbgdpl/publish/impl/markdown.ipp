// Definitions for publish/markdown.hpp (inline in header-only mode, compiled once from
// src/portal/). cmark's header stays here, out of the public headers.
#pragma once
#include <algorithm>
#include <cstdlib>
#include <memory>

#include <cmark.h>

PBGDPL_NAMESPACE_BEGIN
namespace publish {

namespace detail {
// Leading container markers on a line: "> ", "- ", "* ", "+ ", "1. ", "1) " (with spaces before).
// Escapes the ones past `max` by inserting a backslash before them. Returns the index where the
// line's inline content starts.
inline std::size_t bound_line_prefix(std::string_view line, std::string& out, std::size_t max) {
  std::size_t i = 0, depth = 0;
  while (i < line.size()) {
    std::size_t j = i;
    while (j < line.size() && (line[j] == ' ' || line[j] == '\t')) ++j;
    if (j >= line.size()) break;
    std::size_t marker_end = j;
    char c = line[j];
    if (c == '>') {
      marker_end = j + 1;
    } else if ((c == '-' || c == '*' || c == '+') && j + 1 < line.size() && (line[j + 1] == ' ' || line[j + 1] == '\t')) {
      marker_end = j + 1;
    } else if (c >= '0' && c <= '9') {
      std::size_t k = j;
      while (k < line.size() && k - j < 9 && line[k] >= '0' && line[k] <= '9') ++k;
      if (k < line.size() && (line[k] == '.' || line[k] == ')') && k + 1 < line.size() && (line[k + 1] == ' ' || line[k + 1] == '\t'))
        marker_end = k + 1;
    }
    if (marker_end == j) break;  // not a container marker: the inline content starts here
    out.append(line.substr(i, j - i));
    if (++depth > max) {
      // "\>" and "\-" are literal; for "12." the escape goes before the dot.
      if (c >= '0' && c <= '9') {
        out.append(line.substr(j, marker_end - 1 - j));
        out.push_back('\\');
        out.push_back(line[marker_end - 1]);
      } else {
        out.push_back('\\');
        out.push_back(c);
      }
    } else {
      out.append(line.substr(j, marker_end - j));
    }
    i = marker_end;
  }
  return i;
}
}  // namespace detail

PBGDPL_DECL std::string bound_markdown(std::string_view md, const markdown_limits& lim) {
  std::string out;
  out.reserve(md.size() + 16);
  std::size_t brackets = 0;  // "[" seen in the current paragraph
  std::size_t pos = 0;
  while (pos < md.size()) {
    auto nl = md.find_first_of("\r\n", pos);
    auto line = md.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    std::size_t next = nl == std::string_view::npos ? md.size() : nl + 1;
    if (nl != std::string_view::npos && md[nl] == '\r' && nl + 1 < md.size() && md[nl + 1] == '\n') ++next;
    // Only a line of nothing but spaces and tabs surely ends a paragraph, and with it cmark's
    // bracket stack.
    if (line.find_first_not_of(" \t") == std::string_view::npos) brackets = 0;
    std::size_t start = detail::bound_line_prefix(line, out, lim.max_container_depth);
    for (std::size_t i = start; i < line.size(); ++i) {
      char c = line[i];
      // A backslash pair is copied whole. "\[" is never on cmark's stack: either an escape, or a
      // literal backslash in code, an autolink or HTML, where the bracket is literal too.
      if (c == '\\' && i + 1 < line.size()) {
        out.push_back(c);
        out.push_back(line[++i]);
        continue;
      }
      if (c == '[' && ++brackets > lim.max_brackets) out.push_back('\\');
      out.push_back(c);
    }
    out.append(md.substr(pos + line.size(), next - pos - line.size()));  // the line ending as it was
    pos = next;
  }
  return out;
}

PBGDPL_DECL result<std::string> markdown_to_html(std::string_view markdown, const markdown_limits& lim) {
  if (!text::is_valid_utf8(markdown)) return error(errc::invalid_utf8);
  if (markdown.size() > PBGDPL_MAX_TEXT_BYTES) return error(errc::too_large);
  auto bounded = bound_markdown(markdown, lim);
  char* html = cmark_markdown_to_html(bounded.data(), bounded.size(), CMARK_OPT_DEFAULT | CMARK_OPT_SMART);
  if (!html) return error(errc::internal);
  std::unique_ptr<char, decltype(&std::free)> guard(html, &std::free);
  return std::string(html);
}

PBGDPL_DECL result<std::string> render_for_storage(std::string_view markdown, const render_budget& budget) {
  // This thread's CPU time (core/time.hpp): a starved machine stretches wall time, not the work.
  auto t0 = thread_cpu_time();
  auto html = markdown_to_html(markdown);
  if (!html) return html;
  auto took = thread_cpu_time() - t0;
  if (took > budget.max_time || html->size() > budget.max_output_bytes)
    return error(errc::too_large, {},
                 "Nội dung Markdown quá phức tạp để hiển thị (quá nhiều ngoặc, trích dẫn hoặc danh sách lồng nhau); hãy đơn giản hóa văn bản",
                 "The Markdown is too complex to display (too many nested brackets, quotes or lists); simplify the text");
  return html;
}

PBGDPL_DECL std::string html_to_text(std::string_view html, std::size_t max_chars) {
  std::string out;
  out.reserve(std::min<std::size_t>(html.size(), max_chars ? max_chars * 4 + 8 : html.size()));
  auto space = [&] {
    if (!out.empty() && out.back() != ' ') out.push_back(' ');
  };
  for (std::size_t i = 0; i < html.size(); ++i) {
    char c = html[i];
    if (c == '<') {
      auto end = html.find('>', i);
      if (end == std::string_view::npos) break;
      auto tag = html.substr(i + 1, end - i - 1);
      if (tag.starts_with("/p") || tag.starts_with("br") || tag.starts_with("/h") || tag.starts_with("/li") ||
          tag.starts_with("/blockquote") || tag.starts_with("/pre"))
        space();
      i = end;
    } else if (c == '&') {
      auto end = html.find(';', i);
      auto ent = end == std::string_view::npos || end - i > 8 ? std::string_view{} : html.substr(i, end - i + 1);
      if (ent == "&amp;") out.push_back('&');
      else if (ent == "&lt;") out.push_back('<');
      else if (ent == "&gt;") out.push_back('>');
      else if (ent == "&quot;") out.push_back('"');
      else if (ent == "&#39;") out.push_back('\'');
      else {
        out.push_back('&');
        continue;
      }
      i = end;
    } else if (c == '\n' || c == '\t' || c == '\r' || c == ' ') {
      space();
    } else {
      out.push_back(c);
    }
    if (max_chars > 0 && out.size() > max_chars * 4 + 8) break;  // enough bytes for max_chars code points
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (max_chars > 0 && text::length(out) > max_chars) {
    std::size_t count = 0, i = 0;
    for (; i < out.size(); ++i)
      if ((static_cast<unsigned char>(out[i]) & 0xC0) != 0x80 && count++ == max_chars) break;
    out.resize(i);
    auto sp = out.rfind(' ');
    if (sp != std::string::npos && sp > i / 2) out.resize(sp);
    out += "…";
  }
  return out;
}

PBGDPL_DECL result<std::string> markdown_to_text(std::string_view markdown, std::size_t max_chars) {
  if (!text::is_valid_utf8(markdown)) return error(errc::invalid_utf8);
  if (markdown.size() > PBGDPL_MAX_TEXT_BYTES) return error(errc::too_large);
  auto bounded = bound_markdown(markdown);
  cmark_node* doc = cmark_parse_document(bounded.data(), bounded.size(), CMARK_OPT_DEFAULT);
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
