// Fuzzes Markdown rendering (cmark, safe mode, behind bound_markdown). Properties: each input
// renders within a time budget (also -timeout in fuzz_markdown.flags: a slow input is a finding),
// the HTML is bounded relative to the input, holds no raw HTML from the input (<script, an
// event handler, a javascript: link) and is valid UTF-8; bound_markdown leaves text within its
// limits unchanged and is idempotent; render_for_storage agrees with markdown_to_html.
#include <pbgdpl/publish/markdown.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

using namespace pbgdpl;

namespace {
void fail(const char* what, std::string_view in, std::string_view out) {
  std::fprintf(stderr, "%s (input %zu bytes, output %zu bytes)\n%.*s\n", what, in.size(), out.size(),
               static_cast<int>(std::min<std::size_t>(in.size(), 2000)), in.data());
  std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto bounded = publish::bound_markdown(in);
  if (publish::bound_markdown(bounded) != bounded) fail("bound_markdown is not idempotent", in, bounded);
  auto start = std::chrono::steady_clock::now();
  auto html = publish::markdown_to_html(in);
  auto took = std::chrono::steady_clock::now() - start;
  if (!html) {
    if (html.err().code == errc::ok) std::abort();
    return 0;
  }
  // cmark's worst honest expansion is a few dozen bytes of markup per input byte ("*" x n makes
  // a list per line, "[a]: b" references used many times are bounded by the input's own bytes).
  if (html->size() > 64 * size + 4096) fail("HTML grew out of proportion to the input", in, *html);
  // 1 s under ASan for at most max_len bytes (fuzz_markdown.flags): ~100x the release cost of a
  // linear render, with room for a loaded machine; a super-linear input takes far longer.
  if (took > std::chrono::seconds(1)) fail("rendering took over 1 s", in, *html);
  if (!text::is_valid_utf8(*html)) fail("HTML is not UTF-8", in, *html);
  std::string l(*html);
  std::transform(l.begin(), l.end(), l.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (l.find("<script") != l.npos || l.find("<iframe") != l.npos) fail("raw HTML passed", in, *html);
  if (l.find("href=\"javascript:") != l.npos || l.find("src=\"javascript:") != l.npos) fail("javascript: link kept", in, *html);
  auto stored = publish::render_for_storage(in);
  if (stored && *stored != *html) fail("render_for_storage differs from markdown_to_html", in, *stored);
  if (auto t = publish::markdown_to_text(in, 160)) {
    if (!text::is_valid_utf8(*t)) fail("text is not UTF-8", in, *t);
  }
  return 0;
}
