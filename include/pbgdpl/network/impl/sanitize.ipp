// Definitions for network/sanitize.hpp (inline in header-only mode, compiled once from
// src/network/sanitize.cpp).
#pragma once
#include "../sanitize.hpp"

#include "../../core/escape.hpp"
#include "../../core/text.hpp"
#include "../url.hpp"

#include <gumbo.h>

#include <cctype>
#include <cstring>
#include <memory>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace network {

namespace detail::sanitizer {

struct gumbo_output_deleter {
  void operator()(GumboOutput* o) const noexcept { gumbo_destroy_output(&kGumboDefaultOptions, o); }
};
using gumbo_ptr = std::unique_ptr<GumboOutput, gumbo_output_deleter>;

// Cut at a UTF-8 boundary.
inline std::string_view utf8_prefix(std::string_view s, std::size_t max) noexcept {
  if (s.size() <= max) return s;
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

inline gumbo_ptr parse_html(std::string_view html, std::size_t max_input) {
  auto in = utf8_prefix(html, max_input);
  GumboOptions o = kGumboDefaultOptions;
  o.max_errors = 100;  // only counts what it records: the parse goes on regardless
  return gumbo_ptr(gumbo_parse_with_options(&o, in.data(), in.size()));
}

// gumbo's own cost grows with nesting: every start tag looks through the stack of open elements
// (100,000 nested <div> took 164 s), and every unclosed formatting element (<b>, <font>, <a>...)
// is re-opened in each new block (100,000 <b> took 6.5 s; a few hundred of them before thousands
// of paragraphs would make millions of elements). So before gumbo sees a document, a cheap scan
// counts how deep its tags could nest and how many formatting elements stay open; a document
// over either cap is read as plain text instead. The scan over-counts rather than under-counts:
// elements whose end tag may be left out (p, li, td...) and void elements do not nest here.
struct nesting_caps {
  std::size_t depth = 256;
  std::size_t formatting = 24;
};

inline bool tag_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == ':';
}

inline bool within_caps(std::string_view s, const nesting_caps& caps = {}) {
  static constexpr std::string_view flat[] = {"p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead",
                                              "tbody", "tfoot", "colgroup", "caption", "rb", "rt", "rp", "rtc", "br",
                                              "img", "hr", "input", "meta", "link", "wbr", "col", "area", "base", "embed",
                                              "source", "track", "param", "keygen", "html", "head", "body", "image"};
  static constexpr std::string_view formatting[] = {"a", "b", "big", "code", "em", "font", "i", "nobr",
                                                    "s", "small", "strike", "strong", "tt", "u"};
  static constexpr std::string_view raw[] = {"script", "style", "textarea", "title", "xmp", "iframe", "noembed",
                                             "noframes", "plaintext", "noscript"};
  auto in = [](std::string_view name, const auto& list) {
    for (auto n : list)
      if (n == name) return true;
    return false;
  };
  std::size_t depth = 0, open_formatting = 0;
  std::string name;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '<' || i + 1 >= s.size()) continue;
    if (s.compare(i, 4, "<!--") == 0) {
      auto e = s.find("-->", i + 4);
      if (e == std::string_view::npos) return true;
      i = e + 2;
      continue;
    }
    const bool closing = s[i + 1] == '/';
    std::size_t j = i + (closing ? 2 : 1);
    if (j >= s.size() || !std::isalpha(static_cast<unsigned char>(s[j]))) continue;
    name.clear();
    while (j < s.size() && tag_char(s[j]) && name.size() < 16)
      name += static_cast<char>(std::tolower(static_cast<unsigned char>(s[j++])));
    auto gt = s.find('>', j);
    if (gt == std::string_view::npos) break;
    const bool self_closing = s[gt - 1] == '/';
    i = gt;
    if (in(name, flat)) continue;
    const bool fmt = in(name, formatting);
    if (closing) {
      if (depth > 0) --depth;
      if (fmt && open_formatting > 0) --open_formatting;
      continue;
    }
    if (self_closing) continue;
    if (in(name, raw)) {  // its content is text: skip to its end tag (any case)
      std::size_t e = gt;
      for (;;) {
        e = s.find("</", e + 1);
        if (e == std::string_view::npos || e + 2 + name.size() > s.size()) return true;  // text to the end
        bool same = true;
        for (std::size_t k = 0; k < name.size() && same; ++k)
          same = std::tolower(static_cast<unsigned char>(s[e + 2 + k])) == name[k];
        if (same) break;
      }
      i = e;
      continue;
    }
    if (++depth > caps.depth) return false;
    if (fmt && ++open_formatting > caps.formatting) return false;
  }
  return true;
}

// A document over the caps, as text: tags dropped by a plain scan, the rest escaped.
inline std::string flat_text(std::string_view s, std::size_t max_bytes) {
  std::string t;
  bool in_tag = false, space = false;
  for (char c : s) {
    if (t.size() >= max_bytes) break;
    if (in_tag) {
      if (c == '>') {
        in_tag = false;
        space = true;
      }
      continue;
    }
    if (c == '<') {
      in_tag = true;
      continue;
    }
    // NUL: the HTML parser drops it from text, so the parsed path never keeps it either (and a
    // second pass over this output must give the same bytes).
    if (c == '\0') continue;
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = true;
      continue;
    }
    if (space && !t.empty()) t += ' ';
    space = false;
    t += c;
  }
  t = std::string(utf8_prefix(t, max_bytes));
  auto n = text::nfc(t);
  if (!n) return {};  // not UTF-8: nothing rather than broken text
  // The code points the HTML parser (gumbo) reads as U+FFFD: C0 and C1 controls other than
  // whitespace, and the non-characters. Replaced here too, so that this output, sanitized
  // again through the parser, comes back the same.
  std::string out;
  out.reserve(n->size());
  for (std::size_t i = 0; i < n->size();) {
    auto c = static_cast<unsigned char>((*n)[i]);
    std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1Fu) : len == 3 ? (c & 0x0Fu) : (c & 0x07u);
    for (std::size_t k = 1; k < len; ++k) cp = cp << 6 | (static_cast<unsigned char>((*n)[i + k]) & 0x3Fu);
    bool control = (cp >= 0x01 && cp <= 0x08) || cp == 0x0B || (cp >= 0x0E && cp <= 0x1F) || (cp >= 0x7F && cp <= 0x9F);
    bool nonchar = (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE;
    if (control || nonchar) out += "\xEF\xBF\xBD";
    else out.append(*n, i, len);
    i += len;
  }
  return out;
}

// Elements dropped with everything inside them.
inline bool dropped_with_content(GumboTag t) noexcept {
  switch (t) {
    case GUMBO_TAG_SCRIPT: case GUMBO_TAG_STYLE: case GUMBO_TAG_IFRAME: case GUMBO_TAG_OBJECT:
    case GUMBO_TAG_EMBED: case GUMBO_TAG_APPLET: case GUMBO_TAG_NOSCRIPT: case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_SVG: case GUMBO_TAG_MATH: case GUMBO_TAG_HEAD: case GUMBO_TAG_TITLE:
    case GUMBO_TAG_FRAMESET: case GUMBO_TAG_FRAME: case GUMBO_TAG_NOFRAMES: case GUMBO_TAG_FORM:
    case GUMBO_TAG_SELECT: case GUMBO_TAG_TEXTAREA: case GUMBO_TAG_BUTTON: case GUMBO_TAG_INPUT:
    case GUMBO_TAG_AUDIO: case GUMBO_TAG_VIDEO: case GUMBO_TAG_CANVAS: case GUMBO_TAG_BASE:
    case GUMBO_TAG_LINK: case GUMBO_TAG_META: case GUMBO_TAG_XMP: case GUMBO_TAG_PLAINTEXT:
    case GUMBO_TAG_NOEMBED: case GUMBO_TAG_PARAM: case GUMBO_TAG_SOURCE: case GUMBO_TAG_TRACK:
      return true;
    default: return false;
  }
}

// Elements kept (with only the attributes write_open_tag allows). Anything else is unwrapped.
inline const char* kept_name(GumboTag t, bool headings) noexcept {
  switch (t) {
    case GUMBO_TAG_P: return "p";
    case GUMBO_TAG_BR: return "br";
    case GUMBO_TAG_HR: return "hr";
    case GUMBO_TAG_A: return "a";
    case GUMBO_TAG_IMG: return "img";
    case GUMBO_TAG_UL: return "ul";
    case GUMBO_TAG_OL: return "ol";
    case GUMBO_TAG_LI: return "li";
    case GUMBO_TAG_STRONG: return "strong";
    case GUMBO_TAG_EM: return "em";
    case GUMBO_TAG_B: return "b";
    case GUMBO_TAG_I: return "i";
    case GUMBO_TAG_U: return "u";
    case GUMBO_TAG_SUB: return "sub";
    case GUMBO_TAG_SUP: return "sup";
    case GUMBO_TAG_BLOCKQUOTE: return "blockquote";
    case GUMBO_TAG_PRE: return "pre";
    case GUMBO_TAG_CODE: return "code";
    case GUMBO_TAG_FIGURE: return "figure";
    case GUMBO_TAG_FIGCAPTION: return "figcaption";
    case GUMBO_TAG_TABLE: return "table";
    case GUMBO_TAG_THEAD: return "thead";
    case GUMBO_TAG_TBODY: return "tbody";
    case GUMBO_TAG_TR: return "tr";
    case GUMBO_TAG_TH: return "th";
    case GUMBO_TAG_TD: return "td";
    case GUMBO_TAG_H1: case GUMBO_TAG_H2: return headings ? "h2" : "p";
    case GUMBO_TAG_H3: return headings ? "h3" : "p";
    case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6: return headings ? "h4" : "p";
    default: return nullptr;
  }
}

inline bool is_heading(GumboTag t) noexcept { return t >= GUMBO_TAG_H1 && t <= GUMBO_TAG_H6; }

inline bool is_void(GumboTag t) noexcept { return t == GUMBO_TAG_BR || t == GUMBO_TAG_HR || t == GUMBO_TAG_IMG; }

// Block elements: their text is set apart from the neighbours' in html_to_text.
inline bool is_block(GumboTag t) noexcept {
  switch (t) {
    case GUMBO_TAG_P: case GUMBO_TAG_BR: case GUMBO_TAG_DIV: case GUMBO_TAG_LI: case GUMBO_TAG_TR:
    case GUMBO_TAG_TD: case GUMBO_TAG_TH: case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_H1: case GUMBO_TAG_H2:
    case GUMBO_TAG_H3: case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6: case GUMBO_TAG_SECTION:
    case GUMBO_TAG_ARTICLE: case GUMBO_TAG_TABLE: case GUMBO_TAG_UL: case GUMBO_TAG_OL: case GUMBO_TAG_HR:
      return true;
    default: return false;
  }
}

// Text NFC, then escaped; U+0338 (COMBINING LONG SOLIDUS OVERLAY) is written as a reference
// because NFC composes it with a preceding '<', '=' or '>' (≮ ≠ ≯): a later NFC pass over the
// whole HTML (a store normalising its strings) would otherwise turn "<p>" + U+0338 into a tag
// name that swallows the text after it.
inline void append_text(std::string& out, std::string_view s) {
  auto n = text::nfc(s);
  std::string_view t = n ? std::string_view(*n) : s;
  std::size_t from = 0;
  for (std::size_t i = 0; i + 1 < t.size(); ++i) {
    if (t[i] == '\xCC' && t[i + 1] == '\xB8') {
      append_html_escaped(out, t.substr(from, i - from));
      out += "&#824;";
      from = i + 2;
      ++i;
    }
  }
  append_html_escaped(out, t.substr(from));
}

inline bool all_digits(std::string_view s) noexcept {
  if (s.empty() || s.size() > 5) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

inline std::string_view trim_ws(std::string_view s) noexcept {
  while (!s.empty() && static_cast<unsigned char>(s.front()) <= 0x20) s.remove_prefix(1);
  while (!s.empty() && static_cast<unsigned char>(s.back()) <= 0x20) s.remove_suffix(1);
  return s;
}

// An http(s) URL resolved against base (or absolute without one); "" when it is neither.
inline std::string safe_url(std::string_view ref, const std::optional<url>& base, bool mailto_ok) {
  ref = trim_ws(ref);
  if (ref.empty()) return {};
  if (mailto_ok && ref.size() > 7 && text::lower(ref.substr(0, 7)).value_or("") == "mailto:") {
    for (char c : ref)
      if (static_cast<unsigned char>(c) < 0x20 || c == '"' || c == '<' || c == '>') return {};
    return std::string(ref);
  }
  if (base) {
    auto u = resolve(*base, ref);
    return u ? u->str() : std::string();
  }
  auto u = parse_url(ref);
  return u ? u->str() : std::string();
}

inline void append_attr(std::string& out, std::string_view name, std::string_view value) {
  out += ' ';
  out += name;
  out += "=\"";
  append_text(out, value);
  out += '"';
}

// The open tag with its allowed attributes; false when the element is left out (a link or an
// image without an acceptable URL: the link's text stays, the image goes).
inline bool write_open_tag(std::string& out, const GumboElement& el, const char* name, const std::optional<url>& base,
                           bool images = true) {
  auto attr = [&](const char* n) -> const char* {
    auto* a = gumbo_get_attribute(&el.attributes, n);
    return a ? a->value : nullptr;
  };
  if (el.tag == GUMBO_TAG_A) {
    auto* href = attr("href");
    auto u = href ? safe_url(href, base, true) : std::string();
    if (u.empty()) return false;
    out += "<a";
    append_attr(out, "href", u);
    if (auto* t = attr("title")) append_attr(out, "title", t);
    out += " rel=\"nofollow noopener noreferrer ugc\">";
    return true;
  }
  if (el.tag == GUMBO_TAG_IMG) {
    if (!images) {
      // No image: its alt text in brackets, so the reader knows one was there.
      if (auto* alt = attr("alt"); alt && *alt) {
        out += "[";
        append_text(out, alt);
        out += "]";
      }
      return false;
    }
    auto* src = attr("src");
    auto u = src ? safe_url(src, base, false) : std::string();
    if (u.empty()) return false;
    out += "<img";
    append_attr(out, "src", u);
    auto* alt = attr("alt");
    append_attr(out, "alt", alt ? alt : "");
    for (const char* n : {"width", "height"})
      if (auto* v = attr(n); v && all_digits(v)) append_attr(out, n, v);
    out += " loading=\"lazy\">";
    return true;
  }
  out += '<';
  out += name;
  if (el.tag == GUMBO_TAG_TD || el.tag == GUMBO_TAG_TH)
    for (const char* n : {"colspan", "rowspan"})
      if (auto* v = attr(n); v && all_digits(v)) append_attr(out, n, v);
  if (el.tag == GUMBO_TAG_OL)
    if (auto* v = attr("start"); v && all_digits(v)) append_attr(out, "start", v);
  out += '>';
  if (std::strcmp(name, "p") == 0 && is_heading(el.tag)) out += "<strong>";
  return true;
}

inline const GumboNode* body_of(const GumboOutput* o) noexcept {
  if (!o || !o->root || o->root->type != GUMBO_NODE_ELEMENT) return nullptr;
  const auto& kids = o->root->v.element.children;
  for (unsigned i = 0; i < kids.length; ++i) {
    auto* n = static_cast<const GumboNode*>(kids.data[i]);
    if (n->type == GUMBO_NODE_ELEMENT && n->v.element.tag == GUMBO_TAG_BODY) return n;
  }
  return nullptr;
}

}  // namespace detail::sanitizer

PBGDPL_DECL bool html_parse_is_cheap(std::string_view html) { return detail::sanitizer::within_caps(html); }

PBGDPL_DECL std::string sanitize_html(std::string_view html, const sanitize_options& opt) {
  std::string out;
  if (!detail::sanitizer::within_caps(detail::sanitizer::utf8_prefix(html, opt.max_input))) {
    auto t = detail::sanitizer::flat_text(detail::sanitizer::utf8_prefix(html, opt.max_input), opt.max_input);
    if (!t.empty()) {
      out = "<p>";
      detail::sanitizer::append_text(out, t);
      out += "</p>";
    }
    return out;
  }
  auto doc = detail::sanitizer::parse_html(html, opt.max_input);
  auto* body = detail::sanitizer::body_of(doc.get());
  if (!body) return out;
  std::optional<url> base;
  if (!opt.base_url.empty())
    if (auto b = parse_url(opt.base_url)) base = std::move(*b);

  struct frame {
    const GumboNode* node;
    unsigned next = 0;
    std::string close;  // what closes the element ("" when unwrapped)
  };
  std::vector<frame> stack;
  stack.push_back({body, 0, {}});
  while (!stack.empty()) {
    auto& f = stack.back();
    const auto& kids = f.node->v.element.children;
    if (f.next >= kids.length) {
      out += f.close;
      stack.pop_back();
      continue;
    }
    auto* n = static_cast<const GumboNode*>(kids.data[f.next++]);
    switch (n->type) {
      case GUMBO_NODE_TEXT:
      case GUMBO_NODE_WHITESPACE:
      case GUMBO_NODE_CDATA: detail::sanitizer::append_text(out, n->v.text.text); break;
      case GUMBO_NODE_ELEMENT:
      case GUMBO_NODE_TEMPLATE: {
        const auto& el = n->v.element;
        if (detail::sanitizer::dropped_with_content(el.tag)) break;
        frame next{n, 0, {}};
        const char* name = stack.size() <= opt.max_depth ? detail::sanitizer::kept_name(el.tag, opt.headings) : nullptr;
        if (name && detail::sanitizer::write_open_tag(out, el, name, base, opt.images) && !detail::sanitizer::is_void(el.tag)) {
          next.close = "</" + std::string(name) + ">";
          if (std::strcmp(name, "p") == 0 && detail::sanitizer::is_heading(el.tag)) next.close = "</strong></p>";
        }
        if (!detail::sanitizer::is_void(el.tag)) stack.push_back(std::move(next));
        break;
      }
      default: break;  // comments, documents
    }
  }
  return out;
}

PBGDPL_DECL std::string html_to_text(std::string_view html, std::size_t max_bytes) {
  std::string out;
  if (!detail::sanitizer::within_caps(detail::sanitizer::utf8_prefix(html, 4 * max_bytes + 1024)))
    return detail::sanitizer::flat_text(detail::sanitizer::utf8_prefix(html, 4 * max_bytes + 1024), max_bytes);
  auto doc = detail::sanitizer::parse_html(html, 4 * max_bytes + 1024);
  auto* body = detail::sanitizer::body_of(doc.get());
  if (!body) return out;
  bool space = true;  // a separator is due before the next word
  auto add = [&](std::string_view t) {
    for (char c : t) {
      if (out.size() >= max_bytes) return;
      if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f') {
        space = true;
        continue;
      }
      if (space && !out.empty()) out += ' ';
      space = false;
      out += c;
    }
  };
  std::vector<std::pair<const GumboNode*, unsigned>> stack{{body, 0}};
  while (!stack.empty() && out.size() < max_bytes) {
    auto& [node, next] = stack.back();
    const auto& kids = node->v.element.children;
    if (next >= kids.length) {
      if (detail::sanitizer::is_block(node->v.element.tag)) space = true;
      stack.pop_back();
      continue;
    }
    auto* n = static_cast<const GumboNode*>(kids.data[next++]);
    if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_CDATA || n->type == GUMBO_NODE_WHITESPACE) {
      add(n->v.text.text);
    } else if ((n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE) &&
               !detail::sanitizer::dropped_with_content(n->v.element.tag)) {
      if (detail::sanitizer::is_block(n->v.element.tag)) space = true;
      stack.push_back({n, 0});
    }
  }
  out = std::string(detail::sanitizer::utf8_prefix(out, max_bytes));
  auto n = text::nfc(out);
  return n ? std::move(*n) : out;
}

}  // namespace network
PBGDPL_NAMESPACE_END
