// Definitions for network/feed_reader.hpp (inline in header-only mode, compiled once from
// src/network/feed_reader.cpp).
#pragma once
#include "../feed_reader.hpp"

#include "../../core/escape.hpp"
#include "../../core/json.hpp"
#include "../../core/text.hpp"
#include "../sanitize.hpp"
#include "../url.hpp"

#include <expat.h>

#include <array>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <memory>

PBGDPL_NAMESPACE_BEGIN
namespace network {

PBGDPL_DECL std::string_view to_string(feed_format f) noexcept {
  switch (f) {
    case feed_format::atom: return "atom";
    case feed_format::rss: return "rss";
    case feed_format::rdf: return "rdf";
    case feed_format::json_feed: return "json_feed";
  }
  return "?";
}

namespace detail::feeds {

inline constexpr std::string_view ns_atom = "http://www.w3.org/2005/Atom";
inline constexpr std::string_view ns_rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
inline constexpr std::string_view ns_rss1 = "http://purl.org/rss/1.0/";
inline constexpr std::string_view ns_dc = "http://purl.org/dc/elements/1.1/";
inline constexpr std::string_view ns_content = "http://purl.org/rss/1.0/modules/content/";
inline constexpr std::string_view ns_xhtml = "http://www.w3.org/1999/xhtml";
inline constexpr char ns_sep = '\x1f';  // between namespace URI and local name (no URI holds it)

// One XML node: an element (name set) or a run of text (name empty).
struct xnode {
  std::string ns, name;
  std::vector<std::pair<std::string, std::string>> attrs;  // "ns\x1flocal" or "local"
  std::string text;
  std::vector<std::size_t> kids;  // indices into the document's node vector
};

struct xdoc {
  std::vector<xnode> nodes;  // nodes[0] is the root element
  std::vector<std::size_t> open;
  std::size_t text_total = 0;
  const feed_limits* lim = nullptr;
  XML_Parser parser = nullptr;
  error failure{errc::ok};
  bool failed = false;

  void fail(errc c, std::string vi, std::string en) {
    if (failed) return;
    failed = true;
    failure = error(c, {}, std::move(vi), std::move(en));
    XML_StopParser(parser, XML_FALSE);
  }
};

inline void split_name(const XML_Char* qn, std::string& ns, std::string& local) {
  std::string_view s(qn);
  auto p = s.find(ns_sep);
  if (p == std::string_view::npos) {
    ns.clear();
    local = std::string(s);
  } else {
    ns = std::string(s.substr(0, p));
    local = std::string(s.substr(p + 1));
  }
}

inline void XMLCALL on_start(void* ud, const XML_Char* name, const XML_Char** atts) {
  auto& d = *static_cast<xdoc*>(ud);
  if (d.failed) return;
  if (d.open.size() >= d.lim->max_depth) {
    d.fail(errc::too_large, "Nguồn tin lồng nhau quá sâu", "The feed is nested too deeply");
    return;
  }
  xnode n;
  split_name(name, n.ns, n.name);
  for (std::size_t i = 0; atts[i]; i += 2) n.attrs.emplace_back(atts[i], atts[i + 1]);
  auto idx = d.nodes.size();
  d.nodes.push_back(std::move(n));
  if (!d.open.empty()) d.nodes[d.open.back()].kids.push_back(idx);
  d.open.push_back(idx);
}

inline void XMLCALL on_end(void* ud, const XML_Char*) {
  auto& d = *static_cast<xdoc*>(ud);
  if (!d.open.empty()) d.open.pop_back();
}

inline void XMLCALL on_text(void* ud, const XML_Char* s, int len) {
  auto& d = *static_cast<xdoc*>(ud);
  if (d.failed || d.open.empty() || len <= 0) return;
  auto& parent = d.nodes[d.open.back()];
  // Runs of text arrive in pieces: extend the last text child.
  if (!parent.kids.empty() && d.nodes[parent.kids.back()].name.empty()) {
    auto& t = d.nodes[parent.kids.back()].text;
    if (t.size() + static_cast<std::size_t>(len) > d.lim->max_text) return;  // cut
    t.append(s, static_cast<std::size_t>(len));
  } else {
    xnode t;
    t.text.assign(s, static_cast<std::size_t>(std::min<std::size_t>(static_cast<std::size_t>(len), d.lim->max_text)));
    auto idx = d.nodes.size();
    d.nodes.push_back(std::move(t));
    d.nodes[d.open.back()].kids.push_back(idx);
  }
}

// Any entity declaration, internal or external, general or parameter, stops the parse: feeds
// have no use for them, and refusing the declaration refuses every expansion attack.
inline void XMLCALL on_entity_decl(void* ud, const XML_Char*, int, const XML_Char*, int, const XML_Char*, const XML_Char*,
                                   const XML_Char*, const XML_Char*) {
  static_cast<xdoc*>(ud)->fail(errc::parse_error, "Nguồn tin khai báo thực thể XML (ENTITY): không được chấp nhận",
                               "The feed declares XML entities (ENTITY): refused");
}

// A reference to an entity no one declared (possible once a DOCTYPE names an external DTD that
// is never read): dropped, like an unknown HTML entity.
inline void XMLCALL on_skipped_entity(void*, const XML_Char*, int) {}

inline constexpr std::array<std::int32_t, 128> cp1252 = {
    0x20ac, -1, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, -1, 0x17d, -1,
    -1, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, -1, 0x17e, 0x178,
    0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf,
    0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf,
    0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf,
    0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf,
    0xe0, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xeb, 0xec, 0xed, 0xee, 0xef,
    0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff};
// windows-1258 (Vietnamese): base letters plus combining tone marks (0xCC U+0300, 0xD2 U+0309,
// 0xDE U+0303, 0xEC U+0301, 0xF2 U+0323); the text is composed to NFC afterwards.
inline constexpr std::array<std::int32_t, 128> cp1258 = {
    0x20ac, -1, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, -1, 0x2039, 0x152, -1, -1, -1,
    -1, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, -1, 0x203a, 0x153, -1, -1, 0x178,
    0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf,
    0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf,
    0xc0, 0xc1, 0xc2, 0x102, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xcb, 0x300, 0xcd, 0xce, 0xcf,
    0x110, 0xd1, 0x309, 0xd3, 0xd4, 0x1a0, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0x1af, 0x303, 0xdf,
    0xe0, 0xe1, 0xe2, 0x103, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xeb, 0x301, 0xed, 0xee, 0xef,
    0x111, 0xf1, 0x323, 0xf3, 0xf4, 0x1a1, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0x1b0, 0x20ab, 0xff};

inline int XMLCALL on_unknown_encoding(void* ud, const XML_Char* name, XML_Encoding* info) {
  auto lower = text::lower(name).value_or("");
  const std::array<std::int32_t, 128>* table = nullptr;
  if (lower == "windows-1252" || lower == "cp1252") table = &cp1252;
  if (lower == "windows-1258" || lower == "cp1258") table = &cp1258;
  if (!table) {
    auto& d = *static_cast<xdoc*>(ud);
    d.failed = true;
    d.failure = error(errc::parse_error, "/encoding", "Nguồn tin dùng bảng mã " + std::string(name) + ", không đọc được (cần UTF-8)",
                      "The feed's encoding " + std::string(name) + " is not read (UTF-8 is expected)");
    return XML_STATUS_ERROR;
  }
  for (int i = 0; i < 128; ++i) info->map[i] = i;
  for (int i = 0; i < 128; ++i) info->map[128 + i] = (*table)[static_cast<std::size_t>(i)];
  info->data = nullptr;
  info->convert = nullptr;
  info->release = nullptr;
  return XML_STATUS_OK;
}

// Child elements and text of a node.
inline const xnode* child(const xdoc& d, const xnode& n, std::string_view ns, std::string_view name) {
  for (auto k : n.kids) {
    const auto& c = d.nodes[k];
    if (!c.name.empty() && c.name == name && c.ns == ns) return &c;
  }
  return nullptr;
}

// The node's text (all text below it, in order), iteratively.
inline std::string inner_text(const xdoc& d, const xnode& n) {
  std::string out;
  std::vector<std::pair<const xnode*, std::size_t>> st{{&n, 0}};
  while (!st.empty()) {
    auto& [node, i] = st.back();
    if (i >= node->kids.size()) {
      st.pop_back();
      continue;
    }
    const auto& c = d.nodes[node->kids[i++]];
    if (c.name.empty()) out += c.text;
    else st.push_back({&c, 0});
  }
  return out;
}

inline std::string_view attr(const xnode& n, std::string_view name) {
  for (const auto& [k, v] : n.attrs)
    if (k == name) return v;
  return {};
}

// Atom type="xhtml": the children of its xhtml:div serialised as HTML (names, a few attributes,
// text escaped); the sanitiser later keeps what it allows.
inline std::string xhtml_of(const xdoc& d, const xnode& n) {
  std::string out;
  const xnode* root = &n;
  if (auto* div = child(d, n, ns_xhtml, "div")) root = div;
  struct fr {
    const xnode* node;
    std::size_t i;
  };
  std::vector<fr> st{{root, 0}};
  while (!st.empty()) {
    auto& f = st.back();
    if (f.i >= f.node->kids.size()) {
      if (st.size() > 1) out += "</" + f.node->name + ">";
      st.pop_back();
      continue;
    }
    const auto& c = d.nodes[f.node->kids[f.i++]];
    if (c.name.empty()) {
      append_html_escaped(out, c.text);
      continue;
    }
    out += '<';
    out += c.name;
    for (const auto& [k, v] : c.attrs) {
      if (k.find(ns_sep) != std::string::npos) continue;
      out += ' ';
      out += k;
      out += "=\"";
      append_html_escaped(out, v);
      out += '"';
    }
    out += '>';
    st.push_back({&c, 0});
  }
  return out;
}

inline std::string trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

inline std::string text_as_html(std::string_view t) { return html_escaped(trimmed(t)); }

// An Atom text construct (title, summary, content, rights) as HTML.
inline std::string atom_html(const xdoc& d, const xnode& n) {
  auto type = attr(n, "type");
  if (type == "xhtml") return xhtml_of(d, n);
  auto t = inner_text(d, n);
  if (type == "html" || type == "text/html") return trimmed(t);
  return text_as_html(t);
}

// An Atom text construct as plain text.
inline std::string atom_text(const xdoc& d, const xnode& n) {
  auto type = attr(n, "type");
  if (type == "html" || type == "xhtml" || type == "text/html") return html_to_text(atom_html(d, n));
  return trimmed(inner_text(d, n));
}

// An http(s) URL, absolute or resolved against base; "" for anything else (javascript:, data:,
// a relative link with no base): links from a feed end up in href attributes.
inline std::string absolute(std::string_view ref, std::string_view base) {
  auto r = trimmed(ref);
  if (r.empty()) return r;
  if (auto u = parse_url(r)) return u->str();
  if (!base.empty())
    if (auto b = parse_url(base))
      if (auto u = resolve(*b, r)) return u->str();
  return {};
}

inline void nfc_in_place(std::string& s) {
  if (auto n = text::nfc(s)) s = std::move(*n);
}

inline void finish(feed& f) {
  nfc_in_place(f.title);
  nfc_in_place(f.id);
  for (auto& e : f.entries) {
    for (auto* s : {&e.id, &e.title, &e.summary_html, &e.content_html}) nfc_in_place(*s);
    for (auto& a : e.authors) nfc_in_place(a);
  }
}

inline std::optional<timestamp> date_of(const xdoc& d, const xnode* n) {
  return n ? parse_feed_date(trimmed(inner_text(d, *n))) : std::nullopt;
}

inline feed read_atom(const xdoc& d, std::string_view base, const feed_limits& lim) {
  feed f;
  f.format = feed_format::atom;
  const auto& root = d.nodes[0];
  auto links = [&](const xnode& n, std::string& alt, std::string* self) {
    for (auto k : n.kids) {
      const auto& c = d.nodes[k];
      if (c.name != "link" || c.ns != ns_atom) continue;
      auto rel = attr(c, "rel");
      if ((rel.empty() || rel == "alternate") && alt.empty()) alt = absolute(attr(c, "href"), base);
      if (rel == "self" && self && self->empty()) *self = absolute(attr(c, "href"), base);
    }
  };
  if (auto* t = child(d, root, ns_atom, "title")) f.title = atom_text(d, *t);
  if (auto* i = child(d, root, ns_atom, "id")) f.id = trimmed(inner_text(d, *i));
  links(root, f.link, &f.self);
  f.updated = date_of(d, child(d, root, ns_atom, "updated"));
  for (auto k : root.kids) {
    const auto& n = d.nodes[k];
    if (n.name != "entry" || n.ns != ns_atom) continue;
    if (f.entries.size() >= lim.max_entries) break;
    feed_entry e;
    if (auto* i = child(d, n, ns_atom, "id")) e.id = trimmed(inner_text(d, *i));
    if (auto* t = child(d, n, ns_atom, "title")) e.title = atom_text(d, *t);
    links(n, e.link, nullptr);
    if (!e.link.empty()) e.link = absolute(e.link, base);
    if (auto* s = child(d, n, ns_atom, "summary")) e.summary_html = atom_html(d, *s);
    if (auto* c = child(d, n, ns_atom, "content")) e.content_html = atom_html(d, *c);
    e.published = date_of(d, child(d, n, ns_atom, "published"));
    e.updated = date_of(d, child(d, n, ns_atom, "updated"));
    for (auto a : n.kids)
      if (d.nodes[a].name == "author" && d.nodes[a].ns == ns_atom)
        if (auto* nm = child(d, d.nodes[a], ns_atom, "name")) e.authors.push_back(trimmed(inner_text(d, *nm)));
    f.entries.push_back(std::move(e));
  }
  return f;
}

// RSS 2.0 (no namespace) and RSS 1.0 (its own namespace, items beside the channel).
inline feed read_rss(const xdoc& d, std::string_view base, const feed_limits& lim, bool rdf) {
  feed f;
  f.format = rdf ? feed_format::rdf : feed_format::rss;
  const std::string_view ns = rdf ? ns_rss1 : std::string_view{};
  const auto& root = d.nodes[0];
  const xnode* channel = child(d, root, ns, "channel");
  if (!channel) return f;
  if (auto* t = child(d, *channel, ns, "title")) f.title = trimmed(inner_text(d, *t));
  if (auto* l = child(d, *channel, ns, "link")) f.link = absolute(inner_text(d, *l), base);
  for (auto k : channel->kids) {
    const auto& c = d.nodes[k];
    if (c.name == "link" && c.ns == ns_atom && attr(c, "rel") == "self") f.self = absolute(attr(c, "href"), base);
  }
  f.updated = date_of(d, child(d, *channel, ns, "lastBuildDate"));
  if (!f.updated) f.updated = date_of(d, child(d, *channel, ns_dc, "date"));
  const std::string item_base = f.link.empty() ? std::string(base) : f.link;
  const xnode& items_parent = rdf ? root : *channel;
  for (auto k : items_parent.kids) {
    const auto& n = d.nodes[k];
    if (n.name != "item" || n.ns != ns) continue;
    if (f.entries.size() >= lim.max_entries) break;
    feed_entry e;
    if (auto* t = child(d, n, ns, "title")) e.title = trimmed(inner_text(d, *t));
    if (auto* l = child(d, n, ns, "link")) e.link = absolute(inner_text(d, *l), item_base);
    if (auto* g = child(d, n, ns, "guid")) {
      e.id = trimmed(inner_text(d, *g));
      // isPermaLink defaults to true: a guid that is the item's URL also serves as its link.
      if (e.link.empty() && attr(*g, "isPermaLink") != "false") e.link = absolute(e.id, item_base);
    }
    if (rdf && e.id.empty()) e.id = std::string(attr(n, std::string(ns_rdf) + ns_sep + "about"));
    if (auto* s = child(d, n, ns, "description")) e.summary_html = trimmed(inner_text(d, *s));
    if (auto* c = child(d, n, ns_content, "encoded")) e.content_html = trimmed(inner_text(d, *c));
    e.published = date_of(d, child(d, n, ns, "pubDate"));
    if (!e.published) e.published = date_of(d, child(d, n, ns_dc, "date"));
    e.updated = date_of(d, child(d, n, ns_atom, "updated"));
    if (auto* a = child(d, n, ns_dc, "creator")) e.authors.push_back(trimmed(inner_text(d, *a)));
    else if (auto* a2 = child(d, n, ns, "author")) e.authors.push_back(trimmed(inner_text(d, *a2)));
    if (e.title.find('<') != std::string::npos || e.title.find('&') != std::string::npos) e.title = html_to_text(e.title);
    f.entries.push_back(std::move(e));
  }
  return f;
}

inline std::string_view utf8_cut(std::string_view s, std::size_t max) noexcept {
  if (s.size() <= max) return s;
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

// JSON nesting is checked before nlohmann's recursive parser sees the text.
inline bool json_depth_ok(std::string_view s, std::size_t max_depth) {
  std::size_t depth = 0;
  bool in_string = false, escaped = false;
  for (char c : s) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth > max_depth) return false;
    } else if ((c == ']' || c == '}') && depth > 0) --depth;
  }
  return true;
}

inline result<feed> read_json_feed(std::string_view body, std::string_view base, const feed_limits& lim) {
  if (!text::is_valid_utf8(body))
    return error(errc::invalid_utf8, {}, "JSON Feed không phải UTF-8", "The JSON Feed is not UTF-8");
  if (!json_depth_ok(body, lim.max_depth))
    return error(errc::too_large, {}, "Nguồn tin lồng nhau quá sâu", "The feed is nested too deeply");
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return error(errc::parse_error, {}, "Nguồn tin JSON không đọc được", "The JSON feed does not parse");
  auto str = [](const json& o, const char* k) -> std::string {
    auto it = o.find(k);
    if (it == o.end()) return {};
    if (it->is_string()) return it->get<std::string>();
    if (it->is_number_integer()) return std::to_string(it->get<std::int64_t>());
    return {};
  };
  auto cut = [&](std::string s) {
    if (s.size() > lim.max_text) s = std::string(utf8_cut(s, lim.max_text));
    return s;
  };
  feed f;
  f.format = feed_format::json_feed;
  f.title = cut(str(j, "title"));
  f.link = absolute(str(j, "home_page_url"), base);
  f.self = absolute(str(j, "feed_url"), base);
  auto items = j.find("items");
  if (items != j.end() && items->is_array()) {
    for (const auto& it : *items) {
      if (!it.is_object()) continue;
      if (f.entries.size() >= lim.max_entries) break;
      feed_entry e;
      e.id = cut(str(it, "id"));
      e.link = absolute(str(it, "url"), f.link.empty() ? base : std::string_view(f.link));
      e.title = cut(str(it, "title"));
      e.content_html = cut(str(it, "content_html"));
      if (e.content_html.empty()) e.content_html = text_as_html(cut(str(it, "content_text")));
      e.summary_html = text_as_html(cut(str(it, "summary")));
      e.published = parse_feed_date(str(it, "date_published"));
      e.updated = parse_feed_date(str(it, "date_modified"));
      auto add_author = [&](const json& a) {
        if (a.is_object()) {
          auto n = str(a, "name");
          if (!n.empty()) e.authors.push_back(cut(n));
        }
      };
      if (auto a = it.find("authors"); a != it.end() && a->is_array())
        for (const auto& x : *a) add_author(x);
      if (auto a = it.find("author"); a != it.end() && e.authors.empty()) add_author(*a);
      f.entries.push_back(std::move(e));
    }
  }
  return f;
}

inline bool is_space_or_bom(std::string_view s, std::size_t& i) {
  if (s.substr(i, 3) == "\xEF\xBB\xBF") {
    i += 3;
    return true;
  }
  if (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) {
    ++i;
    return true;
  }
  return false;
}

}  // namespace detail::feeds

PBGDPL_DECL result<feed> parse_feed(std::string_view body, std::string_view base_url, const feed_limits& lim) {
  namespace df = detail::feeds;
  if (body.size() > lim.max_bytes)
    return error(errc::too_large, {}, "Nguồn tin lớn quá giới hạn (" + std::to_string(lim.max_bytes) + " byte)",
                 "The feed is over the size limit (" + std::to_string(lim.max_bytes) + " bytes)");
  std::size_t i = 0;
  while (df::is_space_or_bom(body, i)) {
  }
  if (i < body.size() && body[i] == '{') {
    auto f = df::read_json_feed(body.substr(i), base_url, lim);
    if (!f) return f;
    if (f->id.empty()) f->id = !f->self.empty() ? f->self : !f->link.empty() ? f->link : std::string(base_url);
    df::finish(*f);
    return f;
  }

  df::xdoc d;
  d.lim = &lim;
  std::unique_ptr<std::remove_pointer_t<XML_Parser>, decltype(&XML_ParserFree)> p(XML_ParserCreateNS(nullptr, df::ns_sep),
                                                                                  &XML_ParserFree);
  if (!p) return error(errc::internal, {}, "Không tạo được bộ đọc XML", "Could not create the XML parser");
  d.parser = p.get();
  XML_SetUserData(p.get(), &d);
  XML_SetElementHandler(p.get(), df::on_start, df::on_end);
  XML_SetCharacterDataHandler(p.get(), df::on_text);
  XML_SetEntityDeclHandler(p.get(), df::on_entity_decl);
  XML_SetSkippedEntityHandler(p.get(), df::on_skipped_entity);
  XML_SetUnknownEncodingHandler(p.get(), df::on_unknown_encoding, &d);
  // No external entity handler and parameter entities never parsed: no DTD is ever fetched.
  XML_SetParamEntityParsing(p.get(), XML_PARAM_ENTITY_PARSING_NEVER);
  auto st = XML_Parse(p.get(), body.data(), static_cast<int>(body.size()), XML_TRUE);
  if (d.failed) return d.failure;
  if (st != XML_STATUS_OK) {
    auto line = std::to_string(XML_GetCurrentLineNumber(p.get()));
    std::string why = XML_ErrorString(XML_GetErrorCode(p.get()));
    return error(errc::parse_error, {}, "Nguồn tin không phải XML hợp lệ (dòng " + line + ": " + why + ")",
                 "The feed is not well-formed XML (line " + line + ": " + why + ")");
  }
  if (d.nodes.empty()) return error(errc::parse_error, {}, "Nguồn tin rỗng", "The feed is empty");
  const auto& root = d.nodes[0];
  feed f;
  if (root.ns == df::ns_atom && root.name == "feed") f = df::read_atom(d, base_url, lim);
  else if (root.ns.empty() && root.name == "rss") f = df::read_rss(d, base_url, lim, false);
  else if (root.ns == df::ns_rdf && root.name == "RDF") f = df::read_rss(d, base_url, lim, true);
  else
    return error(errc::parse_error, {}, "Không phải nguồn tin Atom, RSS hay JSON Feed (phần tử gốc: " + root.name + ")",
                 "Not an Atom, RSS or JSON feed (root element: " + root.name + ")");
  if (f.id.empty()) f.id = !f.self.empty() ? f.self : !f.link.empty() ? f.link : std::string(base_url);
  df::finish(f);
  return f;
}

namespace detail::feeds {

inline bool digits(std::string_view s, std::size_t n, int& out) {
  if (s.size() < n) return false;
  out = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

inline std::optional<timestamp> make_time(int y, int mo, int d, int h, int mi, int s, int offset_minutes) {
  using namespace std::chrono;
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 24 || mi > 59 || s > 60) return std::nullopt;
  if (s == 60) s = 59;  // a leap second
  return timestamp{sys_days{ymd}} + hours{h} + minutes{mi} + seconds{s} - minutes{offset_minutes};
}

inline std::optional<timestamp> rfc3339(std::string_view s) {
  int y, mo, d, h = 0, mi = 0, sec = 0;
  if (!digits(s, 4, y) || s.size() < 10 || s[4] != '-' || !digits(s.substr(5), 2, mo) || s[7] != '-' ||
      !digits(s.substr(8), 2, d))
    return std::nullopt;
  s.remove_prefix(10);
  if (s.empty()) return make_time(y, mo, d, 0, 0, 0, 0);
  if (s[0] != 'T' && s[0] != 't' && s[0] != ' ') return std::nullopt;
  s.remove_prefix(1);
  if (!digits(s, 2, h) || s.size() < 5 || s[2] != ':' || !digits(s.substr(3), 2, mi)) return std::nullopt;
  s.remove_prefix(5);
  if (!s.empty() && s[0] == ':') {
    if (!digits(s.substr(1), 2, sec)) return std::nullopt;
    s.remove_prefix(3);
  }
  if (!s.empty() && (s[0] == '.' || s[0] == ',')) {
    s.remove_prefix(1);
    while (!s.empty() && s[0] >= '0' && s[0] <= '9') s.remove_prefix(1);
  }
  while (!s.empty() && s[0] == ' ') s.remove_prefix(1);
  int off = 0;
  if (s.empty() || s == "Z" || s == "z") off = 0;  // no zone: taken as UTC
  else if (s[0] == '+' || s[0] == '-') {
    int oh, om = 0;
    auto z = s.substr(1);
    if (!digits(z, 2, oh)) return std::nullopt;
    z.remove_prefix(2);
    if (!z.empty() && z[0] == ':') z.remove_prefix(1);
    if (!z.empty() && !digits(z, 2, om)) return std::nullopt;
    if (!z.empty() && z.size() != 2) return std::nullopt;
    off = (s[0] == '-' ? -1 : 1) * (oh * 60 + om);
  } else
    return std::nullopt;
  return make_time(y, mo, d, h, mi, sec, off);
}

inline int month_of(std::string_view m) {
  static constexpr std::string_view names[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                               "jul", "aug", "sep", "oct", "nov", "dec"};
  if (m.size() < 3) return 0;
  std::string l;
  for (char c : m.substr(0, 3)) l += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (int i = 0; i < 12; ++i)
    if (l == names[i]) return i + 1;
  return 0;
}

// RFC 822 zones (and the military letters, which RFC 1123 says to read as +0000).
inline std::optional<int> zone_minutes(std::string_view z) {
  if (z.empty()) return 0;
  if (z[0] == '+' || z[0] == '-') {
    auto t = z.substr(1);
    int h, m = 0;
    if (!digits(t, 2, h)) return std::nullopt;
    t.remove_prefix(2);
    if (!t.empty() && t[0] == ':') t.remove_prefix(1);
    if (!t.empty() && !digits(t, 2, m)) return std::nullopt;
    return (z[0] == '-' ? -1 : 1) * (h * 60 + m);
  }
  std::string u;
  for (char c : z) u += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  static constexpr std::pair<std::string_view, int> zones[] = {
      {"GMT", 0}, {"UT", 0}, {"UTC", 0}, {"Z", 0}, {"EST", -300}, {"EDT", -240}, {"CST", -360}, {"CDT", -300},
      {"MST", -420}, {"MDT", -360}, {"PST", -480}, {"PDT", -420}, {"ICT", 420}};
  for (auto [n, m] : zones)
    if (u == n) return m;
  if (u.size() == 1 && u[0] >= 'A' && u[0] <= 'Z') return 0;
  return std::nullopt;
}

inline std::optional<timestamp> rfc822(std::string_view s) {
  std::vector<std::string_view> tok;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == ',' || s[i] == '\t')) ++i;
    std::size_t j = i;
    while (j < s.size() && s[j] != ' ' && s[j] != ',' && s[j] != '\t') ++j;
    if (j > i) tok.push_back(s.substr(i, j - i));
    i = j;
    if (tok.size() > 8) return std::nullopt;
  }
  std::size_t k = 0;
  if (k < tok.size() && !tok[k].empty() && std::isalpha(static_cast<unsigned char>(tok[k][0]))) ++k;  // day name
  if (tok.size() < k + 4) return std::nullopt;
  int d, y, mo = month_of(tok[k + 1]);
  if (mo == 0 || !pbgdpl::detail::parse_int(tok[k], d) || !pbgdpl::detail::parse_int(tok[k + 2], y)) return std::nullopt;
  if (tok[k + 2].size() == 2) y += y < 50 ? 2000 : 1900;
  auto t = tok[k + 3];
  int h, mi, sec = 0;
  if (!digits(t, 2, h) && !(t.size() >= 4 && t[1] == ':' && digits(t, 1, h))) return std::nullopt;
  t.remove_prefix(t[1] == ':' ? 2 : 3);
  if (!digits(t, 2, mi)) return std::nullopt;
  t.remove_prefix(2);
  if (!t.empty()) {
    if (t[0] != ':' || !digits(t.substr(1), 2, sec)) return std::nullopt;
  }
  auto off = zone_minutes(tok.size() > k + 4 ? tok[k + 4] : std::string_view{});
  if (!off) return std::nullopt;
  return make_time(y, mo, d, h, mi, sec, *off);
}

}  // namespace detail::feeds

PBGDPL_DECL std::optional<timestamp> parse_feed_date(std::string_view s) {
  auto t = detail::feeds::trimmed(s);
  if (t.empty() || t.size() > 64) return std::nullopt;
  if (auto r = detail::feeds::rfc3339(t)) return r;
  return detail::feeds::rfc822(t);
}

}  // namespace network
PBGDPL_NAMESPACE_END
