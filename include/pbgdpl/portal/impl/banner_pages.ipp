// The banner kit's public side (portal/pages.hpp): the "Bộ biểu ngữ" page, with each size of the
// unit's banner and the HTML snippet another site pastes, and the images themselves at
// /pbgdpl/bieu-ngu/{w}x{h}.png. A unit whose admin uploaded its own banner (the editor's "Biểu ngữ"
// screen, impl/editor_banner.ipp) is shown with it; every other unit with the default, drawn once
// per process. Included by impl/pages.ipp.
#pragma once
#include "../../core/files.hpp"
#include "../../network/banner_kit.hpp"

PBGDPL_NAMESPACE_BEGIN
namespace portal {

namespace detail {
// "300x100.png" → the slot, when it is one of banner_slots(); anything else is no banner.
inline std::optional<network::banner_slot> banner_slot_of(std::string_view file) {
  for (const auto& s : network::banner_slots())
    if (file == std::to_string(s.width) + "x" + std::to_string(s.height) + ".png") return s;
  return std::nullopt;
}

// The unit's own banner record (the newest, when an import left several).
inline std::optional<banner> own_banner_record(store::store& db, std::string_view unit) {
  store::list_query q;
  q.limit = 1;
  q.where.unit = std::string(unit);
  auto p = db.list<banner>(q);
  if (!p || p->items.empty()) return std::nullopt;
  return std::move(p->items.front());
}
}  // namespace detail

PBGDPL_DECL const pages::default_banners& pages::defaults() {
  static const default_banners d = [] {
    default_banners out;
    for (const auto& s : network::banner_slots()) {
      auto png = network::render_default_banner(s.width, s.height);
      if (!png) {
        out.png.clear();
        out.failure = png.err();
        break;
      }
      out.png.push_back(std::move(*png));
    }
    return out;
  }();
  return d;
}

PBGDPL_DECL std::optional<std::string> pages::own_banner(const page_context& ctx, std::uint32_t width, std::uint32_t height) const {
  if (!opt_.media) return std::nullopt;
  auto b = detail::own_banner_record(db_, ctx.u->id.value);
  if (!b) return std::nullopt;
  for (const auto& v : b->variants) {
    if (v.width != width || v.height != height) continue;
    // Only a recorded image of this unit, by the name the media library wrote it under.
    auto m = db_.get<media_asset>(v.media.value);
    if (!m || m->unit != ctx.u->id || m->mime_type != "image/png" || !opt_.media->has_files(*m)) return std::nullopt;
    auto bytes = files::read_regular(opt_.media->dir() / m->id.value / "original.png", 16u * 1024u * 1024u, {.refuse_symlinks = true});
    if (!bytes) return std::nullopt;
    return std::move(*bytes);
  }
  return std::nullopt;
}

PBGDPL_DECL http::response pages::banner_image(http::request& req, const page_context& ctx) {
  auto slot = detail::banner_slot_of(req.param("file"));
  if (!slot) return not_found(req, ctx);
  std::string png;
  if (auto own = own_banner(ctx, slot->width, slot->height)) {
    png = std::move(*own);
  } else {
    const auto& d = defaults();
    if (d.failure) {
      auto r = http::error_response(*d.failure, http::status::service_unavailable);
      r.set("Cache-Control", "no-store");
      return r;
    }
    const auto slots = network::banner_slots();
    for (std::size_t i = 0; i < slots.size(); ++i)
      if (slots[i] == *slot) png = d.png[i];
  }
  http::response r(http::status::ok);
  r.body = std::move(png);
  r.set("Content-Type", "image/png");
  r.set("X-Content-Type-Options", "nosniff");
  // The same address serves the unit's next upload (other sites paste it): browsers keep the
  // image but ask again, and the ETag makes that a 304 from the page cache.
  r.set("Cache-Control", "public, no-cache");
  r.cacheable = true;
  r.cache_tags = {"content"};
  return r;
}

PBGDPL_DECL http::response pages::banner_kit_page(http::request&, const page_context& ctx) {
  const bool en = ctx.lang == language::en;
  const auto& b = city_banner_;
  views::banner_kit_page page;
  page.required_text = b.required_text;
  page.target_url = b.target_url;
  // A record whose images are not on this server (imported with a dataset) does not count.
  const bool own = own_banner(ctx, 300, 100).has_value();
  const auto& d = defaults();
  if (own) {
    page.source = en ? "These images are the unit's own banner." : "Các ảnh dưới đây là biểu ngữ riêng của đơn vị.";
  } else if (d.failure) {
    page.problem = en ? "The banner images cannot be made on this server: " + d.failure->message_en
                      : "Máy chủ chưa tạo được ảnh biểu ngữ: " + d.failure->message_vi;
  } else {
    page.source = en ? "These images are the default banner, drawn by the portal."
                     : "Các ảnh dưới đây là biểu ngữ mặc định do cổng thông tin vẽ.";
  }
  if (page.problem.empty()) {
    for (const auto& s : network::banner_slots()) {
      auto& v = page.variants.emplace_back();
      v.name = std::to_string(s.width) + "x" + std::to_string(s.height);
      v.width = std::to_string(s.width);
      v.height = std::to_string(s.height);
      v.url = ctx.links.banner_image(s.width, s.height);
      // Pasted into another site: the image's absolute address, at the slot's size.
      auto snippet = network::html_snippet(b, absolute(ctx, v.url), s.width, s.height);
      v.snippet = snippet ? std::move(*snippet) : (en ? snippet.err().message_en : snippet.err().message_vi);
    }
  }
  auto title = std::string(en ? "Banner kit" : "Bộ biểu ngữ");
  return render(ctx, common(ctx), "banner_kit", publish::view::of(page),
                page_meta(ctx, title, en ? "The city legal education portal's banner, and the HTML to show it"
                                         : "Biểu ngữ liên kết Trang thông tin điện tử phổ biến pháp luật thành phố Hà Nội và mã HTML để gắn",
                          ctx.links.banner_kit()));
}

}  // namespace portal
PBGDPL_NAMESPACE_END
