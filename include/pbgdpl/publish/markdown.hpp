// Markdown to HTML for article and document bodies, with cmark (CommonMark) in safe mode: raw
// HTML never passes and javascript:/vbscript:/data: links are dropped, so stored text is inert.
#pragma once
#include "../config.hpp"
#include "../core/result.hpp"
#include "../core/text.hpp"
#include "../core/time.hpp"

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

PBGDPL_NAMESPACE_BEGIN
namespace publish {

// --- Bounding the input cmark sees -------------------------------------------------------------
// Debian's cmark (0.30.2) is super-linear on some inputs: each unclosed "[" or "![" stays on its
// bracket stack and every later link walks back over them ("![[]()" repeated: 240 KB -> 3 s), and
// deep block-quote or list nesting multiplies the output (">" x 240 KB -> 6.5 MB of HTML). No
// honest paragraph needs hundreds of brackets, nor a line more than a few levels deep, so before
// parsing, every "[" past markdown_limits::max_brackets in one paragraph, and container markers
// past max_container_depth on a line, are escaped with a backslash: they then print as the
// literal characters they would have shown anyway, and cmark's work stays linear in the input
// (each link walks at most max_brackets openers). One pass, linear.
//
// The count is deliberately blind to Markdown syntax. Counting the *net* depth (down on "]",
// reset on lines that look blank inside quotes) was slipped twice: a "]" that cmark reads as
// text (in a code span, an autolink, an HTML attribute) lowered the count while cmark's opener
// stayed, and a line of four spaces and ">" looked blank but continued the paragraph. So every
// "[" counts, only a truly blank line (spaces and tabs) resets, and nothing depends on guessing
// where code or HTML is. The price: a paragraph with more than max_brackets brackets shows a
// backslash before the extra ones if they sit in code.
struct markdown_limits {
  std::size_t max_brackets = 100;       // "[" per paragraph
  std::size_t max_container_depth = 8;  // ">" and list markers at the start of one line
};

// The input as cmark should see it (see above). Text within the limits comes back unchanged.
// Lines end at \n, \r\n or a lone \r, as cmark's do.
std::string bound_markdown(std::string_view md, const markdown_limits& lim = {});

// Renders CommonMark to an HTML fragment. Never enables CMARK_OPT_UNSAFE: an editor's Markdown
// is untrusted input for the reader's browser. The input is bounded first (bound_markdown).
result<std::string> markdown_to_html(std::string_view markdown, const markdown_limits& lim = {});

// What rendering may cost when content is written. Pages never render Markdown: the HTML is
// made once here and stored with the content, so a reader's request costs no parsing at all.
// The time is measured (the rendering thread's CPU time, so a loaded machine does not refuse
// honest text), not enforced: cmark cannot be interrupted. What keeps one render short
// is bound_markdown() (linear cost); the budget refuses text that still came out slow or large,
// so it is never stored and never served.
struct render_budget {
  std::chrono::milliseconds max_time{500 * PBGDPL_TIME_BUDGET_SCALE};
  std::size_t max_output_bytes = 2u * PBGDPL_MAX_TEXT_BYTES;
};

// Renders for storage: markdown_to_html() plus the budget. Text that takes longer or expands more
// is refused with errc::too_large and a message a writer understands (the JSON pointer is the
// caller's to set).
result<std::string> render_for_storage(std::string_view markdown, const render_budget& budget = {});

// Plain text from HTML we rendered ourselves (feeds' summaries, meta descriptions, list
// summaries): tags dropped, the few entities cmark writes decoded, spaces collapsed, cut at
// max_chars on a word boundary. Linear; no Markdown parsing on a reader's request.
std::string html_to_text(std::string_view html, std::size_t max_chars = 0);

// Plain text from Markdown (for feeds' summaries, meta descriptions and search snippets).
result<std::string> markdown_to_text(std::string_view markdown, std::size_t max_chars = 0);

}  // namespace publish
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/markdown.ipp"
#endif
