// Definitions for the syndication routes of the reader pages (portal/pages.hpp; issue 15):
// included by impl/pages.ipp, so inline in header-only mode and compiled with the pages. What
// they serve is public already (published articles and documents, their approvals' signatures):
// nothing of drafts, questions or accounts is read (portal/syndication.hpp's build_package).
#pragma once
#include "../../publish/feeds.hpp"
#include "../syndication.hpp"

PBGDPL_NAMESPACE_BEGIN
namespace portal {

namespace detail {
// Public machine-readable answers: cached and dropped with the unit's pages, revalidated on each
// poll (as the feeds are).
inline http::response syndication_answer(std::string body, std::string_view type) {
  http::response r;
  r.body = std::move(body);
  r.set("Content-Type", std::string(type));
  r.set("Cache-Control", "public, no-cache");
  r.set("X-Content-Type-Options", "nosniff");
  r.cache_tags = {"content"};
  return r;
}

// "<id><suffix>" -> "<id>", or "" when the name does not end so.
inline std::string strip_suffix(std::string_view file, std::string_view suffix) {
  if (file.size() <= suffix.size() || file.substr(file.size() - suffix.size()) != suffix) return {};
  return std::string(file.substr(0, file.size() - suffix.size()));
}
}  // namespace detail

// The package or its signature: which one is the route's, never the request's (a query string
// must not pick it: the cache keys pages on their path and ?lang= only). One build, signed or
// taken from the signer's memo, so the two always match.
PBGDPL_DECL http::response pages::syndication_file(http::request& req, const page_context& ctx, bool signature) {
  if (!opt_.syndication) return not_found(req, ctx);
  auto built = build_package(db_, *ctx.u, urls{absolute(ctx, ctx.links.base)}, ctx.now);
  auto s = built ? opt_.syndication->sign(std::move(*built)) : result<network::signed_package>(built.err());
  if (!s) return error_page(ctx, http::status::internal_server_error, "Không lập được gói liên thông.", "The package could not be made.");
  return detail::syndication_answer(signature ? s->signature : s->text,
                                    signature ? "text/plain; charset=utf-8" : "application/json; charset=utf-8");
}

PBGDPL_DECL http::response pages::syndication_package(http::request& req, const page_context& ctx) {
  return syndication_file(req, ctx, false);
}

PBGDPL_DECL http::response pages::syndication_signature(http::request& req, const page_context& ctx) {
  return syndication_file(req, ctx, true);
}

PBGDPL_DECL http::response pages::syndication_key(http::request& req, const page_context& ctx) {
  if (!opt_.syndication) return not_found(req, ctx);
  return detail::syndication_answer(opt_.syndication->key().public_part().to_file(), "text/plain; charset=utf-8");
}

PBGDPL_DECL http::response pages::syndication_feed(http::request&, const page_context& ctx) {
  std::vector<publish::feed_entry> entries;
  timestamp newest{};
  store::list_query q;
  q.where.unit = ctx.u->id.value;
  q.where.include_descendants = false;
  q.where.state = std::string(to_string(article_state::published));
  q.where.visible_at = ctx.now;
  q.limit = std::clamp<std::size_t>(opt_.feed_size * 5, 1, 100);
  if (auto p = db_.list<article>(q)) {
    for (const auto& a : p->items) {
      if (!is_visible_at(a, ctx.now) || a.unit != ctx.u->id) continue;
      publish::feed_entry e;
      auto published = a.published_at.value_or(a.created_at);
      e.id = article_entry_id(ctx.u->website, a);  // the same id as in the section's feeds
      e.title = a.title;
      e.url = absolute(ctx, ctx.links.article(a.id.value));
      e.summary = a.summary.empty() ? publish::stored_summary(a.body_html, a.body_markdown, 300) : a.summary;
      e.author = ctx.u->name;
      e.published = published;
      e.updated = std::max(a.updated_at, published);
      e.categories = {std::string(category_for(a.kind).label_vi)};
      const auto base = absolute(ctx, ctx.links.base + "/pbgdpl/lien-thong/");
      e.links.push_back({"related", "application/json", base + "noi-dung/" + a.id.value + ".json"});
      if (!verified_approvals(db_, a).empty())
        e.links.push_back({"related", "text/plain", base + "phe-duyet/" + a.id.value + ".minisig"});
      newest = std::max(newest, e.updated);
      entries.push_back(std::move(e));
    }
  }
  publish::feed_meta m;
  m.id = "tag:" + detail::tag_authority(ctx.u->website) + ",2023:pbgdpl/lien-thong/" + ctx.u->id.value;
  m.title = "Liên thông nội dung phổ biến, giáo dục pháp luật – " + ctx.u->name;
  m.subtitle = "Nội dung đã đăng của " + ctx.u->name + ", gửi lên Trang thông tin điện tử phổ biến pháp luật thành phố";
  m.site_url = absolute(ctx, ctx.links.section());
  m.self_url = absolute(ctx, ctx.links.base + "/pbgdpl/lien-thong/feed.atom");
  m.author = ctx.u->name;
  m.updated = newest == timestamp{} ? local_midnight(date{std::chrono::year{2023}, std::chrono::March, std::chrono::day{22}}) : newest;
  auto r = detail::syndication_answer(publish::atom_feed(m, entries), "application/atom+xml; charset=utf-8");
  r.set("Last-Modified", http::format_http_date(m.updated));
  return r;
}

namespace detail {
// The article a syndication file names: this unit's own, visible now; nullptr otherwise.
inline std::shared_ptr<const article> own_visible_article(store::record_cache::reader& records, const page_context& ctx,
                                                          const std::string& id) {
  if (id.empty()) return nullptr;
  auto a = records.get<article>(id);
  if (!a || !is_visible_at(**a, ctx.now) || (*a)->unit != ctx.u->id) return nullptr;
  return *a;
}
}  // namespace detail

PBGDPL_DECL http::response pages::syndication_approval(http::request& req, const page_context& ctx) {
  auto records = records_.begin();
  auto a = detail::own_visible_article(records, ctx, detail::strip_suffix(req.param("file"), ".minisig"));
  if (!a) return not_found(req, ctx);
  auto approvals = verified_approvals(db_, *a);
  if (approvals.empty()) return not_found(req, ctx);
  return detail::syndication_answer(approvals.front().signature, "text/plain; charset=utf-8");
}

PBGDPL_DECL http::response pages::syndication_content(http::request& req, const page_context& ctx) {
  auto records = records_.begin();
  auto a = detail::own_visible_article(records, ctx, detail::strip_suffix(req.param("file"), ".json"));
  if (!a) return not_found(req, ctx);
  return detail::syndication_answer(publish::approved_content(*a), "application/json; charset=utf-8");
}

}  // namespace portal
PBGDPL_NAMESPACE_END
