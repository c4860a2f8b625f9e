// Definitions for "Tin từ các trường", the news the aggregator read from the schools' feeds
// (portal/pages.hpp; issue 15): included by impl/pages.ipp, so inline in header-only mode and
// compiled with the pages. Entry HTML was sanitised when it was stored; it is sanitised again
// here with headings turned into strong paragraphs, so a school's <h2> cannot break the page's
// outline (h1 the page, h2 each entry).
#pragma once
#include "../../network/aggregator.hpp"
#include "../../network/sanitize.hpp"

PBGDPL_NAMESPACE_BEGIN
namespace portal {

PBGDPL_DECL http::response pages::school_news(http::request& req, const page_context& ctx) {
  const bool en = ctx.lang == language::en;
  std::string cursor(req.query("sau").value_or(""));
  auto p = network::entries_under(db_, ctx.u->id, opt_.page_size, cursor);
  if (!p) return bad_cursor(ctx, p.err());
  const std::string vi_attr = en ? " lang=\"vi\"" : "";
  const auto title = std::string(en ? "News from our schools" : "Tin từ các trường");
  std::string h = "<p class=\"crumbs\"><a href=\"" + publish::escape_html(with_lang(ctx, ctx.links.section())) + "\">" +
                  (en ? "Legal dissemination and education" : "Phổ biến, giáo dục pháp luật") + "</a></p><h1>" + title + "</h1>";
  h += std::string("<p>") +
       (en ? "Posts read from the feeds of the schools under this unit, newest first. Each links to the school's own page."
           : "Tin bài đọc từ nguồn tin của các trường trực thuộc, mới nhất trước. Mỗi tin dẫn về trang của trường.") +
       " <a href=\"" + publish::escape_html(ctx.links.school_news_feed()) + "\">Atom</a></p>";
  network::sanitize_options so;
  so.headings = false;
  so.images = false;  // entries stored before images were left out lose them here
  std::string items;
  for (const auto& e : p->items) {
    const auto* school = ctx.units->tree.find(e.unit.value);
    std::string school_name = school ? school->name : e.source_title;
    items += "<li class=\"school-news\"><h2" + vi_attr + ">";
    if (!e.link.empty())
      items += "<a href=\"" + publish::escape_html(e.link) + "\" rel=\"nofollow noopener noreferrer ugc\">" +
               publish::escape_html(e.title.empty() ? e.link : e.title) + "</a>";
    else
      items += publish::escape_html(e.title);
    items += "</h2><p class=\"meta\"><span" + vi_attr + ">" + publish::escape_html(school_name) + "</span> · <time datetime=\"" +
             publish::escape_html(format_timestamp(e.sort_at)) + "\">" +
             publish::escape_html(detail::date_text(ctx, local_date(e.sort_at))) + "</time></p>";
    const auto& body = !e.summary_html.empty() ? e.summary_html : e.content_html;
    if (!body.empty()) {
      auto text = network::html_to_text(body, 600);
      if (!e.summary_html.empty()) items += "<div" + vi_attr + ">" + network::sanitize_html(e.summary_html, so) + "</div>";
      else if (!text.empty()) items += "<p" + vi_attr + ">" + publish::escape_html(text) + (text.size() >= 600 ? "…" : "") + "</p>";
    }
    items += "</li>";
  }
  if (items.empty())
    h += std::string("<p>") + (en ? "No news from the schools yet." : "Chưa có tin nào từ các trường.") + "</p>";
  else
    h += "<ul class=\"school-news-list\">" + items + "</ul>";
  const auto base = ctx.links.school_news();
  if (!cursor.empty() || !p->next_cursor.empty()) {
    h += "<nav class=\"pager\" aria-label=\"" + std::string(en ? "Pages" : "Trang") + "\">";
    if (!cursor.empty())
      h += "<a href=\"" + publish::escape_html(with_lang(ctx, base)) + "\">" + (en ? "Newest" : "Mới nhất") + "</a> ";
    if (!p->next_cursor.empty())
      h += "<a rel=\"next\" href=\"" + publish::escape_html(with_lang(ctx, base + "?sau=" + http::percent_encode(p->next_cursor))) +
           "\">" + (en ? "Older" : "Cũ hơn") + "</a>";
    h += "</nav>";
  }
  views::dialogue_page page;
  page.dialogue.html = std::move(h);
  auto r = render(ctx, common(ctx), "dialogue", publish::view::of(page), page_meta(ctx, title, title, base));
  return r;
}

PBGDPL_DECL http::response pages::school_news_feed(http::request&, const page_context& ctx) {
  auto p = network::entries_under(db_, ctx.u->id, std::min<std::size_t>(opt_.feed_size, 100));
  if (!p) return error_page(ctx, http::status_for(p.err().code), p.err().message_vi, p.err().message_en);
  auto authority = detail::tag_authority(ctx.u->website);
  http::response r;
  r.body = network::aggregated_atom(p->items, "tag:" + authority + ",2023:pbgdpl/tin-cac-truong", "Tin từ các trường – " + ctx.u->name,
                                    absolute(ctx, ctx.links.school_news_feed()), absolute(ctx, ctx.links.school_news()), ctx.now);
  r.set("Content-Type", "application/atom+xml; charset=utf-8");
  r.set("Cache-Control", "public, no-cache");
  r.cache_tags = {"content"};
  return r;
}

}  // namespace portal
PBGDPL_NAMESPACE_END
