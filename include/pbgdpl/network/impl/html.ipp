// Bodies of network/html.hpp: compiled once into the network tier (src/network/html.cpp), or
// included by the header in header-only builds.
#pragma once
#include "../html.hpp"
#include "../../core/escape.hpp"
#include "../../core/text.hpp"

#include <gumbo.h>
#include <iconv.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <memory>

PBGDPL_NAMESPACE_BEGIN
namespace network::html {

namespace html_detail {

inline bool space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

inline std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

inline bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

inline bool icontains(std::string_view hay, std::string_view needle) noexcept {
  if (needle.empty()) return true;
  if (hay.size() < needle.size()) return false;
  for (std::size_t i = 0; i + needle.size() <= hay.size(); ++i)
    if (iequals(hay.substr(i, needle.size()), needle)) return true;
  return false;
}

inline std::string tag_name(const GumboElement& e) {
  if (e.tag != GUMBO_TAG_UNKNOWN) return gumbo_normalized_tagname(e.tag);
  GumboStringPiece p = e.original_tag;
  gumbo_tag_from_original_text(&p);
  return lower(std::string_view(p.data, p.length));
}

// The value after "charset=" in a Content-Type or a meta content, lower case.
inline std::string charset_param(std::string_view s) {
  auto l = lower(s);
  auto at = l.find("charset");
  if (at == std::string::npos) return {};
  at += 7;
  while (at < l.size() && space(l[at])) ++at;
  if (at >= l.size() || l[at] != '=') return {};
  ++at;
  while (at < l.size() && (space(l[at]) || l[at] == '"' || l[at] == '\'')) ++at;
  auto end = at;
  while (end < l.size() && (std::isalnum(static_cast<unsigned char>(l[end])) || l[end] == '-' || l[end] == '_' ||
                            l[end] == '.' || l[end] == ':'))
    ++end;
  return l.substr(at, end - at);
}

// Where a page's estimated nesting first passes `limit` (the page's size when it never does).
// gumbo's tree builder spends time growing with the square of the depth of open elements (20,000
// unclosed <div>s take seconds), so a hostile page is cut there before it is parsed. The estimate
// is one linear scan: an opening tag deepens unless it is void, self-closed or one the parser
// closes by itself (p, li, td...); a closing tag goes back up; comments and the raw text of
// script, style, textarea and title are skipped.
inline std::size_t nesting_cut(std::string_view s, std::uint32_t limit) {
  static constexpr std::string_view flat[] = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                                              "meta", "source", "track", "wbr", "p", "li", "dt", "dd", "option",
                                              "tr", "td", "th", "param", "keygen", "!doctype"};
  std::uint32_t depth = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    auto lt = s.find('<', i);
    if (lt == std::string_view::npos) break;
    if (s.substr(lt, 4) == "<!--") {
      auto end = s.find("-->", lt + 4);
      if (end == std::string_view::npos) break;
      i = end + 3;
      continue;
    }
    std::size_t j = lt + 1;
    bool closing = j < s.size() && s[j] == '/';
    if (closing) ++j;
    auto name_begin = j;
    while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '-' || s[j] == '!')) ++j;
    if (j == name_begin) {
      i = lt + 1;
      continue;
    }
    auto name = lower(s.substr(name_begin, j - name_begin));
    auto gt = s.find('>', j);
    if (gt == std::string_view::npos) break;
    bool is_flat = std::find(std::begin(flat), std::end(flat), name) != std::end(flat);
    if (closing) {
      if (depth > 0 && !is_flat) --depth;
      i = gt + 1;
      continue;
    }
    bool self_closed = s[gt - 1] == '/';
    if (name == "script" || name == "style" || name == "textarea" || name == "title") {
      // Raw text: up to its own end tag, case-insensitively.
      std::string end_tag = "</" + name;
      std::size_t k = gt + 1;
      std::size_t found = std::string_view::npos;
      while ((k = s.find("</", k)) != std::string_view::npos) {
        if (iequals(s.substr(k, end_tag.size()), end_tag)) {
          found = k;
          break;
        }
        k += 2;
      }
      if (found == std::string_view::npos) break;
      i = found;
      continue;
    }
    if (!self_closed && !is_flat) {
      if (++depth > limit) return lt;
    }
    i = gt + 1;
  }
  return s.size();
}

struct gumbo_output {
  GumboOutput* out;
  ~gumbo_output() {
    if (out) gumbo_destroy_output(&kGumboDefaultOptions, out);
  }
};

}  // namespace html_detail

PBGDPL_DECL std::string_view element::attr(std::string_view name) const noexcept {
  for (const auto& [k, v] : attributes)
    if (k == name) return v;
  return {};
}

PBGDPL_DECL bool element::has_attr(std::string_view name) const noexcept {
  for (const auto& a : attributes)
    if (a.first == name) return true;
  return false;
}

PBGDPL_DECL bool element::has_class(std::string_view cls) const noexcept {
  auto c = attr("class");
  std::size_t i = 0;
  while (i < c.size()) {
    while (i < c.size() && html_detail::space(c[i])) ++i;
    auto j = i;
    while (j < c.size() && !html_detail::space(c[j])) ++j;
    if (j > i && c.substr(i, j - i) == cls) return true;
    i = j;
  }
  return false;
}

PBGDPL_DECL std::string collapse_space(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool pending = false;
  for (char c : s) {
    if (html_detail::space(c)) {
      pending = !out.empty();
      continue;
    }
    if (pending) out += ' ';
    pending = false;
    out += c;
  }
  return out;
}

PBGDPL_DECL document document::parse(std::string_view utf8, const parse_options& opt) {
  document doc;
  GumboOptions go = kGumboDefaultOptions;
  go.max_errors = 0;  // errors are not read: do not keep them
  auto cut = html_detail::nesting_cut(utf8, opt.max_nesting);
  if (cut < utf8.size()) {
    doc.truncated_ = true;
    utf8 = utf8.substr(0, cut);
  }
  html_detail::gumbo_output g{gumbo_parse_with_options(&go, utf8.data(), utf8.size())};
  if (!g.out || !g.out->root) return doc;

  // Iterative pre-order walk: each frame is a node, its flattened index (or no_parent for
  // skipped ones) and the next child to visit. Text is appended in document order, so an
  // element's descendant text is the range between its entry and its exit.
  struct frame {
    const GumboNode* node;
    std::size_t index;       // flattened element, or no_parent when past the limits
    std::size_t parent;      // nearest flattened ancestor
    std::uint32_t depth;
    unsigned next_child;
  };
  std::vector<frame> stack;
  stack.push_back({g.out->root, no_parent, no_parent, 0, 0});
  bool entering = true;
  while (!stack.empty()) {
    frame& f = stack.back();
    const GumboNode* n = f.node;
    if (entering) {
      entering = false;
      if (n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE) {
        const GumboElement& e = n->v.element;
        // Scripts and styles say nothing a reader sees: no text, no elements.
        if (e.tag == GUMBO_TAG_SCRIPT || e.tag == GUMBO_TAG_STYLE || e.tag == GUMBO_TAG_NOSCRIPT) {
          stack.pop_back();
          continue;
        }
        if (f.depth <= opt.max_depth && doc.elements_.size() < opt.max_elements) {
          element el;
          el.tag = html_detail::tag_name(e);
          el.parent = f.parent;
          el.depth = f.depth;
          el.text_begin = doc.text_.size();
          el.attributes.reserve(e.attributes.length);
          for (unsigned i = 0; i < e.attributes.length; ++i) {
            auto a = static_cast<const GumboAttribute*>(e.attributes.data[i]);
            el.attributes.emplace_back(html_detail::lower(a->name), a->value);
          }
          f.index = doc.elements_.size();
          doc.elements_.push_back(std::move(el));
        } else {
          doc.truncated_ = true;
        }
        // Block boundaries separate words ("<li>A</li><li>B</li>" is "A B", not "AB").
        doc.text_ += ' ';
      } else if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE || n->type == GUMBO_NODE_CDATA) {
        doc.text_ += n->v.text.text;
        stack.pop_back();
        continue;
      } else if (n->type != GUMBO_NODE_DOCUMENT) {
        stack.pop_back();  // comments
        continue;
      }
    }
    const GumboVector* children = (n->type == GUMBO_NODE_DOCUMENT) ? &n->v.document.children : &n->v.element.children;
    if (f.next_child < children->length) {
      auto child = static_cast<const GumboNode*>(children->data[f.next_child++]);
      std::size_t parent = f.index != no_parent ? f.index : f.parent;
      std::uint32_t depth = f.depth + 1;
      stack.push_back({child, no_parent, parent, depth, 0});
      entering = true;
      continue;
    }
    if (f.index != no_parent) doc.elements_[f.index].text_end = doc.text_.size();
    doc.text_ += ' ';
    stack.pop_back();
  }
  return doc;
}

PBGDPL_DECL std::string_view document::raw_text(const element& e) const noexcept {
  if (e.text_end <= e.text_begin || e.text_end > text_.size()) return {};
  return std::string_view(text_).substr(e.text_begin, e.text_end - e.text_begin);
}

PBGDPL_DECL std::string document::text_of(const element& e) const { return collapse_space(raw_text(e)); }

PBGDPL_DECL std::size_t document::closest(std::size_t index, std::string_view tag) const noexcept {
  while (index != no_parent && index < elements_.size()) {
    if (elements_[index].tag == tag) return index;
    index = elements_[index].parent;
  }
  return no_parent;
}

PBGDPL_DECL std::string document::path_of(std::size_t index) const {
  auto one = [&](const element& e) {
    std::string s = e.tag;
    auto id = e.attr("id");
    if (!id.empty() && id.size() <= 40) return s + "#" + std::string(id);
    auto c = e.attr("class");
    auto b = c.find_first_not_of(" \t\n\r\f");
    if (b != std::string_view::npos) {
      auto end = c.find_first_of(" \t\n\r\f", b);
      s += "." + std::string(c.substr(b, end == std::string_view::npos ? end : end - b).substr(0, 40));
    }
    return s;
  };
  if (index >= elements_.size()) return {};
  const element& e = elements_[index];
  std::string s = one(e);
  if (e.parent != no_parent) s = one(elements_[e.parent]) + " > " + s;
  return s;
}

PBGDPL_DECL std::string document::outer_summary(std::size_t index, std::size_t max) const {
  if (index >= elements_.size()) return {};
  const element& e = elements_[index];
  std::string s = "<" + e.tag;
  for (const auto& [k, v] : e.attributes) {
    if (k != "href" && k != "title" && k != "alt" && k != "src" && k != "class" && k != "id") continue;
    // Escaped: the summary is evidence text other programs may show as HTML (red team: an alt of
    // "><script> came out live in the API's JSON).
    s += " " + k + "=\"" + html_escaped(collapse_space(v.substr(0, 120))) + "\"";
  }
  s += ">";
  // The image inside a link is the evidence for a banner.
  for (std::size_t i = index + 1; i < elements_.size() && elements_[i].depth > e.depth; ++i) {
    if (elements_[i].tag != "img") continue;
    s += "<img";
    for (const auto& [k, v] : elements_[i].attributes)
      if (k == "src" || k == "alt" || k == "title") s += " " + k + "=\"" + html_escaped(collapse_space(v.substr(0, 120))) + "\"";
    s += ">";
    break;
  }
  s += html_escaped(text_of(e).substr(0, 120)) + "</" + e.tag + ">";
  if (s.size() > max) {
    s.resize(max);
    // Do not cut a UTF-8 sequence in two.
    while (!s.empty() && (static_cast<unsigned char>(s.back()) & 0xC0) == 0x80) s.pop_back();
    if (!s.empty() && (static_cast<unsigned char>(s.back()) & 0x80)) s.pop_back();
    s += "…";
  }
  return s;
}

PBGDPL_DECL std::string document::title() const {
  for (const auto& e : elements_)
    if (e.tag == "title") return text_of(e);
  return {};
}

PBGDPL_DECL std::vector<link> document::links() const {
  std::vector<link> out;
  // in_menu of each element, from its parent's (parents come first in pre-order).
  std::vector<char> menu(elements_.size(), 0);
  for (std::size_t i = 0; i < elements_.size(); ++i) {
    const element& e = elements_[i];
    bool m = e.parent != no_parent && menu[e.parent];
    if (!m) {
      if (e.tag == "nav") m = true;
      else {
        auto id = e.attr("id"), cls = e.attr("class"), role = e.attr("role");
        m = role == "navigation" || html_detail::icontains(id, "menu") || html_detail::icontains(cls, "menu") ||
            html_detail::icontains(id, "nav") || html_detail::icontains(cls, "navbar");
      }
    }
    menu[i] = m;
    if (e.tag != "a" || !e.has_attr("href")) continue;
    link l;
    l.index = i;
    l.href = collapse_space(e.attr("href"));
    l.text = text_of(e);
    l.title = collapse_space(e.attr("title"));
    l.in_menu = m;
    for (std::size_t k = i + 1; k < elements_.size() && elements_[k].depth > e.depth; ++k) {
      if (elements_[k].tag != "img") continue;
      l.img_src = collapse_space(elements_[k].attr("src"));
      l.img_alt = collapse_space(elements_[k].attr("alt"));
      l.img_title = collapse_space(elements_[k].attr("title"));
      break;
    }
    out.push_back(std::move(l));
  }
  return out;
}

PBGDPL_DECL std::vector<std::string> document::feeds() const {
  std::vector<std::string> out;
  for (const auto& e : elements_) {
    if (e.tag != "link" || !html_detail::icontains(e.attr("rel"), "alternate")) continue;
    auto type = html_detail::lower(e.attr("type"));
    if (type != "application/rss+xml" && type != "application/atom+xml" && type != "application/feed+json") continue;
    auto href = collapse_space(e.attr("href"));
    if (!href.empty()) out.push_back(std::move(href));
  }
  return out;
}

PBGDPL_DECL std::string document::meta(std::string_view name) const {
  for (const auto& e : elements_) {
    if (e.tag != "meta") continue;
    if (html_detail::iequals(e.attr("name"), name) || html_detail::iequals(e.attr("property"), name) ||
        html_detail::iequals(e.attr("itemprop"), name))
      return collapse_space(e.attr("content"));
  }
  return {};
}

PBGDPL_DECL std::vector<std::string> document::declared_dates() const {
  std::vector<std::string> out;
  for (const auto& e : elements_) {
    if (e.tag == "time") {
      auto d = collapse_space(e.attr("datetime"));
      if (!d.empty()) out.push_back(std::move(d));
    } else if (e.tag == "meta") {
      auto n = html_detail::lower(e.has_attr("property") ? e.attr("property")
                                  : e.has_attr("itemprop") ? e.attr("itemprop")
                                                           : e.attr("name"));
      if (n == "article:published_time" || n == "article:modified_time" || n == "datepublished" ||
          n == "datemodified" || n == "pubdate" || n == "date" || n == "dc.date" || n == "og:updated_time") {
        auto d = collapse_space(e.attr("content"));
        if (!d.empty()) out.push_back(std::move(d));
      }
    }
  }
  return out;
}

PBGDPL_DECL std::string declared_charset(std::string_view content_type, std::string_view body) {
  auto c = html_detail::charset_param(content_type);
  if (!c.empty()) return c;
  // The prescan of the HTML standard, simplified: a <meta> in the first 4 KiB.
  auto head = html_detail::lower(body.substr(0, 4096));
  std::size_t at = 0;
  while ((at = head.find("<meta", at)) != std::string::npos) {
    auto end = head.find('>', at);
    if (end == std::string::npos) break;
    std::string_view tag(head.data() + at, end - at);
    auto cs = tag.find("charset");
    if (cs != std::string_view::npos) {
      // <meta charset="x"> or content="text/html; charset=x"
      auto v = html_detail::charset_param(tag.substr(cs));
      if (!v.empty()) return v;
    }
    at = end;
  }
  return {};
}

PBGDPL_DECL result<std::string> decode_to_utf8(std::string_view body, std::string_view charset) {
  auto cs = html_detail::lower(charset);
  auto repaired = [](std::string_view s) -> std::string {
    if (text::is_valid_utf8(s)) {
      auto n = text::nfc(s);
      return n ? std::move(n).value() : std::string(s);
    }
    // Replace each byte that does not start a valid sequence with U+FFFD.
    std::string out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
      auto c = static_cast<unsigned char>(s[i]);
      std::size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
      if (len && i + len <= s.size() && text::is_valid_utf8(s.substr(i, len))) {
        out.append(s.substr(i, len));
        i += len;
      } else {
        out += "\xEF\xBF\xBD";
        ++i;
      }
    }
    auto n = text::nfc(out);
    return n ? std::move(n).value() : out;
  };
  if (cs.empty() || cs == "utf-8" || cs == "utf8" || cs == "us-ascii" || cs == "ascii") return repaired(body);
  // WHATWG maps these labels to windows-1252; iconv knows the rest by name.
  std::string from = (cs == "iso-8859-1" || cs == "latin1" || cs == "l1" || cs == "iso8859-1") ? "WINDOWS-1252" : cs;
  for (auto& c : from) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  iconv_t cd = iconv_open("UTF-8", from.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1))
    return error(errc::invalid_argument, {}, "Bảng mã không hỗ trợ: " + std::string(charset).substr(0, 40),
                 "Unsupported encoding: " + std::string(charset).substr(0, 40));
  std::unique_ptr<void, int (*)(iconv_t)> guard(cd, iconv_close);
  std::string out;
  out.resize(body.size() * 3 + 16);  // a single byte becomes at most 3 (Vietnamese: base + mark)
  char* in = const_cast<char*>(body.data());
  std::size_t in_left = body.size();
  char* op = out.data();
  std::size_t out_left = out.size();
  while (in_left > 0) {
    auto r = iconv(cd, &in, &in_left, &op, &out_left);
    if (r != static_cast<std::size_t>(-1)) break;
    if (errno == EILSEQ || errno == EINVAL) {
      // A byte the charset does not define: skip it, as a browser shows U+FFFD.
      ++in;
      --in_left;
      if (out_left >= 3) {
        std::memcpy(op, "\xEF\xBF\xBD", 3);
        op += 3;
        out_left -= 3;
      }
      continue;
    }
    break;  // E2BIG cannot happen with 3 bytes out per byte in plus slack
  }
  // A stateful charset (windows-1258 holds a base letter back for a following mark) flushes here.
  iconv(cd, nullptr, nullptr, &op, &out_left);
  out.resize(out.size() - out_left);
  // windows-1258 writes tones as combining marks: the stored form is NFC.
  return repaired(out);
}

}  // namespace network::html
PBGDPL_NAMESPACE_END
