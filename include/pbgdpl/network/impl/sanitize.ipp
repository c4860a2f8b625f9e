// Definitions for network/sanitize.hpp (inline in header-only mode, compiled once from
// src/network/sanitize.cpp).
#pragma once
#include "../sanitize.hpp"

#include "../../core/escape.hpp"
#include "../../core/text.hpp"
#include "../url.hpp"

#include <gumbo.h>

#include <cstring>
#include <memory>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace network {

namespace detail {

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
inline bool write_open_tag(std::string& out, const GumboElement& el, const char* name, const std::optional<url>& base) {
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

}  // namespace detail

PBGDPL_DECL std::string sanitize_html(std::string_view html, const sanitize_options& opt) {
  std::string out;
  auto doc = detail::parse_html(html, opt.max_input);
  auto* body = detail::body_of(doc.get());
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
      case GUMBO_NODE_CDATA: detail::append_text(out, n->v.text.text); break;
      case GUMBO_NODE_ELEMENT:
      case GUMBO_NODE_TEMPLATE: {
        const auto& el = n->v.element;
        if (detail::dropped_with_content(el.tag)) break;
        frame next{n, 0, {}};
        const char* name = stack.size() <= opt.max_depth ? detail::kept_name(el.tag, opt.headings) : nullptr;
        if (name && detail::write_open_tag(out, el, name, base) && !detail::is_void(el.tag)) {
          next.close = "</" + std::string(name) + ">";
          if (std::strcmp(name, "p") == 0 && detail::is_heading(el.tag)) next.close = "</strong></p>";
        }
        if (!detail::is_void(el.tag)) stack.push_back(std::move(next));
        break;
      }
      default: break;  // comments, documents
    }
  }
  return out;
}

PBGDPL_DECL std::string html_to_text(std::string_view html, std::size_t max_bytes) {
  std::string out;
  auto doc = detail::parse_html(html, 4 * max_bytes + 1024);
  auto* body = detail::body_of(doc.get());
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
      if (detail::is_block(node->v.element.tag)) space = true;
      stack.pop_back();
      continue;
    }
    auto* n = static_cast<const GumboNode*>(kids.data[next++]);
    if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_CDATA || n->type == GUMBO_NODE_WHITESPACE) {
      add(n->v.text.text);
    } else if ((n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE) &&
               !detail::dropped_with_content(n->v.element.tag)) {
      if (detail::is_block(n->v.element.tag)) space = true;
      stack.push_back({n, 0});
    }
  }
  out = std::string(detail::utf8_prefix(out, max_bytes));
  auto n = text::nfc(out);
  return n ? std::move(*n) : out;
}

}  // namespace network
PBGDPL_NAMESPACE_END
