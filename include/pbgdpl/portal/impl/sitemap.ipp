// The sitemap (sitemaps.org) at any store size (issue 21). /sitemap.xml stays the address robots.txt
// names: one <urlset> while the section's pages fit in options::sitemap_limit URLs (the protocol's
// 50,000), else a <sitemapindex> naming
//   /sitemap/trang.xml                        the section's fixed pages (home, categories, kits)
//   /sitemap/{kind}-YYYY-MM-DD.xml            one kind's items of one day (bai-viet, van-ban, hoi-dap)
// The day is the first ten characters of the item's store sort key (UTC publication day of an
// article, UTC day a question was asked, a document's issue date), so a file is a key range:
//  - the index finds the days that hold items by skipping: one list call (limit 1) from the start of
//    the day before the last one found, so it costs one O(log n) seek per listed file, never a walk
//    over the items;
//  - a day file seeks to its day's end and reads that day only (plus the store page read ahead).
// Files are stable: a day's file keeps its name as the store grows, and pages need no OFFSET.
// Only what the pages themselves show is listed: published, visible now (a scheduled article
// appears on its day once its time has come), owned by the unit or below (documents: the unit's
// and its ancestors').
// Definitions for portal/pages.hpp (inline in header-only mode, compiled once from src/portal/).
#pragma once

PBGDPL_NAMESPACE_BEGIN
namespace portal {

namespace detail {
// 99 a store page: list_owned reads one more than it returns, and a store page holds at most 100.
inline constexpr std::size_t sitemap_batch = 99;
inline constexpr std::string_view sitemap_kinds[] = {"bai-viet", "van-ban", "hoi-dap"};
// The protocol's limit on files per index; at one file per kind and day that is 45 years.
inline constexpr std::size_t sitemap_index_limit = 50000;
inline constexpr std::string_view urlset_open =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset "
    "xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";

template <class T>
std::string sort_key_of(const T& v) {
  store::record r;
  store::entity_traits<T>::index(v, r);
  return r.sort_key;
}

inline void append_url(std::string& x, const std::string& loc, std::optional<timestamp> lastmod) {
  x += "  <url><loc>";
  publish::append_xml_escaped(x, loc);
  x += "</loc>";
  if (lastmod) x += "<lastmod>" + format_timestamp(*lastmod) + "</lastmod>";
  x += "</url>\n";
}

inline http::response xml_response(std::string body) {
  http::response r;
  r.body = std::move(body);
  r.set("Content-Type", "application/xml; charset=utf-8");
  r.cache_tags = {"content"};
  return r;
}
}  // namespace detail

PBGDPL_DECL result<void> pages::sitemap_walk(const page_context& ctx, std::string_view kind,
                                             std::string cursor, std::size_t batch,
                                             const sitemap_visit& visit) {
  // One store page at a time, through the same lists the pages use (their filters, no other).
  auto each = [&](auto p, auto path_of, auto lastmod_of) -> result<bool> {
    if (!p) return p.err();
    for (const auto& v : p->items)
      if (!visit(path_of(*v), lastmod_of(*v), detail::sort_key_of(*v))) return false;
    cursor = std::move(p->next_cursor);
    return !cursor.empty();
  };
  for (;;) {
    result<bool> more = false;
    if (kind == "bai-viet")
      more = each(
          articles_of(ctx, std::nullopt, batch, cursor),
          [&](const article& a) { return ctx.links.article(a.id.value); },
          [](const article& a) -> std::optional<timestamp> { return a.updated_at; });
    else if (kind == "van-ban")
      more = each(
          documents(ctx, batch, cursor),
          [&](const legal_document& d) { return ctx.links.document(d.id.value); },
          [](const legal_document& d) -> std::optional<timestamp> { return d.updated_at; });
    else
      more = each(
          questions_of(ctx, batch, cursor), [&](const question& q) { return ctx.links.question(q.id.value); },
          [](const question& q) { return q.answered_at; });
    if (!more) return more.err();
    if (!*more) return {};
  }
}

PBGDPL_DECL http::response pages::sitemap(http::request&, const page_context& ctx) {
  const std::size_t limit = std::max<std::size_t>(1, opt_.sitemap_limit);
  // Everything in one file while it fits. First an upper bound without decoding anything: the
  // store's published records of the three kinds (any unit), ids only, counted up to the limit
  // (at 374,000 articles reading 50,000 whole articles to find out took 10 s; this, one index walk).
  std::size_t count = 3 + std::size(categories);  // the fixed pages
  bool over = false;
  for (std::string_view kind : {"article", "legal_document", "question"}) {
    store::list_query q;
    q.where.state = "published";
    q.bodies = false;
    q.limit = 100;
    while (!over) {
      auto p = db_.list_records(kind, q);
      if (!p) return http::error_response(p.err());
      count += p->items.size();
      over = count > limit;
      if (p->next_cursor.empty()) break;
      q.cursor = std::move(p->next_cursor);
    }
  }
  // Then the file itself: reading stops at the first URL over the limit (pages may show fewer
  // than the store holds: scheduled articles, other units' records).
  std::string x(detail::urlset_open);
  if (!over) count = 0;
  auto add = [&](const std::string& path, std::optional<timestamp> lastmod) {
    if (count >= limit) return !(over = true);
    ++count;
    detail::append_url(x, absolute(ctx, path), lastmod);
    return true;
  };
  add(ctx.links.section(), std::nullopt);
  for (const auto& c : categories) add(ctx.links.category(c.slug), std::nullopt);
  add(ctx.links.banner_kit(), std::nullopt);
  add(ctx.links.signage(), std::nullopt);
  for (auto kind : detail::sitemap_kinds) {
    if (over) break;
    if (auto w =
            sitemap_walk(ctx, kind, {}, detail::sitemap_batch,
                         [&](const std::string& p, auto lastmod, const auto&) { return add(p, lastmod); });
        !w)
      return http::error_response(w.err());
  }
  if (!over) {
    x += "</urlset>\n";
    return detail::xml_response(std::move(x));
  }
  // Too many for one file: the index. Each kind's days, newest first, one seek per day found.
  std::string idx =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex "
      "xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
  std::size_t files = 0;
  auto entry = [&](const std::string& file) {
    ++files;
    idx += "  <sitemap><loc>";
    publish::append_xml_escaped(idx, absolute(ctx, ctx.links.base + "/sitemap/" + file));
    idx += "</loc></sitemap>\n";
  };
  // Newest days first and no <lastmod> (a day file's newest change would take reading the whole
  // day): a reader that keeps only the first few files (network/crawler.ipp) gets the newest.
  for (auto kind : detail::sitemap_kinds) {
    std::string cursor;
    while (files + 1 < detail::sitemap_index_limit) {  // and trang.xml
      std::string day;
      auto w = sitemap_walk(ctx, kind, cursor, 1, [&](const auto&, auto, const std::string& key) {
        day = key.substr(0, 10);
        return false;
      });
      if (!w) return http::error_response(w.err());
      if (day.size() != 10) break;
      entry(std::string(kind) + "-" + day + ".xml");
      cursor = store::key_cursor(day, "");  // everything before that day: (key, id) < ("YYYY-MM-DD", "")
    }
  }
  entry("trang.xml");
  idx += "</sitemapindex>\n";
  return detail::xml_response(std::move(idx));
}

PBGDPL_DECL http::response pages::sitemap_file(http::request& req, const page_context& ctx) {
  const std::string file(req.param("file"));
  const std::size_t limit = std::max<std::size_t>(1, opt_.sitemap_limit);
  std::string x(detail::urlset_open);
  if (file == "trang.xml") {
    detail::append_url(x, absolute(ctx, ctx.links.section()), std::nullopt);
    for (const auto& c : categories)
      detail::append_url(x, absolute(ctx, ctx.links.category(c.slug)), std::nullopt);
    detail::append_url(x, absolute(ctx, ctx.links.banner_kit()), std::nullopt);
    detail::append_url(x, absolute(ctx, ctx.links.signage()), std::nullopt);
    x += "</urlset>\n";
    return detail::xml_response(std::move(x));
  }
  // {kind}-YYYY-MM-DD.xml, the date written as format_date writes it (one name per file).
  std::string_view kind, day;
  for (auto k : detail::sitemap_kinds)
    if (file.size() == k.size() + 1 + 10 + 4 && file.starts_with(k) && file[k.size()] == '-' &&
        file.ends_with(".xml")) {
      kind = k;
      day = std::string_view(file).substr(k.size() + 1, 10);
    }
  auto d = kind.empty() ? result<date>(error(errc::not_found)) : parse_date(day);
  if (!d || format_date(*d) != day) return not_found(req, ctx);
  const auto next = format_date(std::chrono::sys_days(*d) + std::chrono::days(1));
  std::size_t count = 0;
  auto w = sitemap_walk(ctx, kind, store::key_cursor(next, ""), detail::sitemap_batch,
                        [&](const std::string& path, auto lastmod, const std::string& key) {
                          if (key.compare(0, 10, day) != 0 || count == limit)
                            return false;  // the day ended, or the file is full
                          ++count;
                          detail::append_url(x, absolute(ctx, path), lastmod);
                          return true;
                        });
  if (!w) return http::error_response(w.err());
  if (count == 0) return not_found(req, ctx);  // no such day: nothing a stranger can fill the cache with
  x += "</urlset>\n";
  return detail::xml_response(std::move(x));
}

}  // namespace portal
PBGDPL_NAMESPACE_END
