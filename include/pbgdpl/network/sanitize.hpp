// The HTML of a feed entry made safe to put in our pages: parsed by gumbo (the HTML5 algorithm,
// so the browser cannot read it differently), walked without recursion under a depth cap, and
// serialised again from an allow-list. Script, style, iframe, object and the like go with their
// content; on* and style attributes and every unknown attribute go; links keep http, https and
// mailto only (relative ones resolved against the entry's page) and get rel="nofollow noopener
// noreferrer ugc"; images keep http(s) sources only.
// Thread safety: reentrant.
#pragma once
#include "../config.hpp"

#include <cstddef>
#include <string>
#include <string_view>

PBGDPL_NAMESPACE_BEGIN
namespace network {

struct sanitize_options {
  std::string base_url;              // resolves relative href/src; "" keeps absolute ones only
  std::size_t max_input = 512u * 1024u;  // longer HTML is cut (at a UTF-8 boundary) before parsing
  std::size_t max_depth = 32;        // deeper elements are unwrapped (their text is kept)
  // false: h1-h6 become <p><strong> (a list page whose own headings must stay in order);
  // true: h1 becomes h2 and h5, h6 become h4.
  bool headings = true;
  // false: <img> is left out (its alt text kept in brackets). The aggregator's choice: a school's
  // images would be third-party requests from our pages (and the portal's CSP allows images from
  // itself only), and a relative src resolved against a school's link can name an inside host.
  bool images = true;
};

// The allowed subset of `html`, as HTML text (UTF-8, NFC text nodes).
PBGDPL_DECL std::string sanitize_html(std::string_view html, const sanitize_options& opt = {});

// Whether gumbo's cost on `html` stays about linear: no more than 256 levels of tags that could
// nest and 24 formatting elements left open (gumbo looks through the open elements at each tag
// and re-opens formatting elements in each block: 100,000 nested <div> took 164 s). The
// functions here read a document over the caps as plain text; other gumbo callers (feed
// discovery, the crawler) should check it first.
PBGDPL_DECL bool html_parse_is_cheap(std::string_view html);

// The text of `html` (script and style dropped, block elements separated by spaces), at most
// `max_bytes` (cut at a UTF-8 boundary), NFC. For titles given as HTML and for excerpts.
PBGDPL_DECL std::string html_to_text(std::string_view html, std::size_t max_bytes = 64u * 1024u);

}  // namespace network
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/sanitize.ipp"
#endif
