// Definitions for publish/feeds.hpp (inline in header-only mode, compiled once from src/portal/).
#pragma once
#include <chrono>
#include <cstdio>

PBGDPL_NAMESPACE_BEGIN
namespace publish {

PBGDPL_DECL std::string format_rfc822(timestamp t) {
  static constexpr const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto local = t + vietnam_utc_offset;
  auto day = std::chrono::floor<std::chrono::days>(local);
  date d{day};
  std::chrono::weekday wd{day};
  std::chrono::hh_mm_ss<std::chrono::seconds> hms{local - day};
  char b[64];
  std::snprintf(b, sizeof b, "%s, %02u %s %04d %02d:%02d:%02d +0700", days[wd.c_encoding()],
                static_cast<unsigned>(d.day()), months[static_cast<unsigned>(d.month()) - 1],
                static_cast<int>(d.year()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
  return b;
}

PBGDPL_DECL std::string atom_feed(const feed_meta& m, const std::vector<feed_entry>& entries) {
  std::string x = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"";
  append_xml_escaped(x, m.language);
  x += "\">\n  <id>";
  append_xml_escaped(x, m.id);
  x += "</id>\n  <title>";
  append_xml_escaped(x, m.title);
  x += "</title>\n";
  if (!m.subtitle.empty()) {
    x += "  <subtitle>";
    append_xml_escaped(x, m.subtitle);
    x += "</subtitle>\n";
  }
  x += "  <updated>" + format_timestamp(m.updated) + "</updated>\n  <link rel=\"self\" type=\"application/atom+xml\" href=\"";
  append_xml_escaped(x, m.self_url);
  x += "\"/>\n  <link rel=\"alternate\" type=\"text/html\" href=\"";
  append_xml_escaped(x, m.site_url);
  x += "\"/>\n  <author><name>";
  append_xml_escaped(x, m.author);
  x += "</name></author>\n  <generator>pbgdpl</generator>\n";
  for (const auto& e : entries) {
    x += "  <entry>\n    <id>";
    append_xml_escaped(x, e.id);
    x += "</id>\n    <title type=\"text\">";
    append_xml_escaped(x, e.title);
    x += "</title>\n    <link rel=\"alternate\" type=\"text/html\" href=\"";
    append_xml_escaped(x, e.url);
    x += "\"/>\n";
    for (const auto& l : e.links) {
      x += "    <link rel=\"";
      append_xml_escaped(x, l.rel);
      x += "\" type=\"";
      append_xml_escaped(x, l.type);
      x += "\" href=\"";
      append_xml_escaped(x, l.href);
      x += "\"/>\n";
    }
    x += "    <published>" + format_timestamp(e.published) + "</published>\n    <updated>" +
         format_timestamp(e.updated) + "</updated>\n";
    if (!e.author.empty()) {
      x += "    <author><name>";
      append_xml_escaped(x, e.author);
      x += "</name></author>\n";
    }
    for (const auto& c : e.categories) {
      x += "    <category term=\"";
      append_xml_escaped(x, c);
      x += "\"/>\n";
    }
    if (!e.summary.empty()) {
      x += "    <summary type=\"text\">";
      append_xml_escaped(x, e.summary);
      x += "</summary>\n";
    }
    if (!e.content_html.empty()) {
      x += "    <content type=\"html\">";
      append_xml_escaped(x, e.content_html);
      x += "</content>\n";
    }
    x += "  </entry>\n";
  }
  x += "</feed>\n";
  return x;
}

PBGDPL_DECL std::string rss_feed(const feed_meta& m, const std::vector<feed_entry>& entries) {
  std::string x =
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\">\n"
      "<channel>\n  <title>";
  append_xml_escaped(x, m.title);
  x += "</title>\n  <link>";
  append_xml_escaped(x, m.site_url);
  x += "</link>\n  <description>";
  // RSS readers take <description> as HTML: plain text (a unit's name) is escaped as HTML first.
  append_xml_escaped(x, html_escaped(m.subtitle.empty() ? m.title : m.subtitle));
  x += "</description>\n  <language>";
  append_xml_escaped(x, m.language);
  x += "</language>\n  <lastBuildDate>" + format_rfc822(m.updated) + "</lastBuildDate>\n  <atom:link rel=\"self\" type=\"application/rss+xml\" href=\"";
  append_xml_escaped(x, m.self_url);
  x += "\"/>\n  <generator>pbgdpl</generator>\n";
  for (const auto& e : entries) {
    x += "  <item>\n    <title>";
    append_xml_escaped(x, e.title);
    x += "</title>\n    <link>";
    append_xml_escaped(x, e.url);
    x += "</link>\n    <guid isPermaLink=\"false\">";
    append_xml_escaped(x, e.id);
    x += "</guid>\n    <pubDate>" + format_rfc822(e.published) + "</pubDate>\n";
    for (const auto& c : e.categories) {
      x += "    <category>";
      append_xml_escaped(x, c);
      x += "</category>\n";
    }
    x += "    <description>";
    append_xml_escaped(x, e.content_html.empty() ? html_escaped(e.summary) : e.content_html);
    x += "</description>\n  </item>\n";
  }
  x += "</channel>\n</rss>\n";
  return x;
}

PBGDPL_DECL std::string json_feed(const feed_meta& m, const std::vector<feed_entry>& entries) {
  json j{{"version", "https://jsonfeed.org/version/1.1"},
         {"title", m.title},
         {"home_page_url", m.site_url},
         {"feed_url", m.self_url},
         {"language", m.language},
         {"authors", json::array({{{"name", m.author}}})},
         {"items", json::array()}};
  if (!m.subtitle.empty()) j["description"] = m.subtitle;
  for (const auto& e : entries) {
    json item{{"id", e.id},
              {"url", e.url},
              {"title", e.title},
              {"date_published", format_timestamp(e.published)},
              {"date_modified", format_timestamp(e.updated)}};
    if (!e.content_html.empty()) item["content_html"] = e.content_html;
    else item["content_text"] = e.summary;
    if (!e.summary.empty()) item["summary"] = e.summary;
    if (!e.categories.empty()) item["tags"] = e.categories;
    if (!e.author.empty()) item["authors"] = json::array({{{"name", e.author}}});
    if (e.image_url) item["image"] = *e.image_url;
    j["items"].push_back(std::move(item));
  }
  // Escape '<' and '>' too, so the JSON is safe even if someone serves it as HTML.
  auto s = j.dump(2, ' ', false, json::error_handler_t::replace);
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '<') out += "\\u003c";
    else if (c == '>') out += "\\u003e";
    else out += c;
  }
  return out;
}

}  // namespace publish
PBGDPL_NAMESPACE_END
