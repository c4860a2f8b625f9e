// The legal staircase's public page (portal/pages.hpp): "Cầu thang pháp luật" of a unit lists the
// screens of the unit and of the units below it, what each plays now zone by zone, its timeline
// for today, and the approved content they play, with a thumbnail, who approved it, for which use
// and until when (the signature checked against the bytes the portal holds). What plays depends
// on the instant, so the page is rendered per request and not cached; the thumbnails are (their
// address is the content's). Included by impl/pages.ipp.
#pragma once
#include "../pages.hpp"
#include "../signage_api.hpp"
#include "../signage_view.hpp"

#include "../../core/files.hpp"
#include "../../media/images.hpp"

#include <set>

PBGDPL_NAMESPACE_BEGIN
namespace portal {

namespace signage_detail {

// "07:45" (or "07:45:20" with seconds) in the display's zone.
inline std::string hh_mm(const signage::time_zone& tz, timestamp t, bool seconds = false) {
  const auto l = tz.to_local(t);
  const auto day = std::chrono::floor<std::chrono::days>(l);
  const std::chrono::hh_mm_ss<std::chrono::seconds> hms{std::chrono::duration_cast<std::chrono::seconds>(l - day)};
  char b[16];
  if (seconds)
    std::snprintf(b, sizeof b, "%02d:%02d:%02d", static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()));
  else
    std::snprintf(b, sizeof b, "%02d:%02d", static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()));
  return b;
}

// The local day of t in the display's zone.
inline date local_day(const signage::time_zone& tz, timestamp t) {
  return date{std::chrono::sys_days{std::chrono::floor<std::chrono::days>(tz.to_local(t)).time_since_epoch()}};
}

// "đến 07:45" when the slot ends today, else the date too.
inline std::string until_text(const signage::time_zone& tz, timestamp now, timestamp end, bool en) {
  if (local_day(tz, end) == local_day(tz, now)) return (en ? "until " : "đến ") + hh_mm(tz, end);
  return (en ? "until " + format_date(local_day(tz, end)) + " " : "đến " + hh_mm(tz, end) + " ngày " + format_date(local_day(tz, end)));
}

inline std::string media_kind_text(const media_asset& m, bool en) {
  if (m.type == media_type::video) {
    std::string s = en ? "Video" : "Video";
    if (m.duration_seconds) s += " (" + std::to_string(static_cast<long>(*m.duration_seconds + 0.5)) + (en ? " s)" : " giây)");
    return s;
  }
  std::string s = en ? "Image" : "Ảnh";
  if (m.width && m.height) s += " " + std::to_string(*m.width) + "×" + std::to_string(*m.height);
  return s;
}

inline std::string_view slot_kind(const signage::slot& s, bool en) {
  if (s.emergency) return en ? "Emergency" : "Khẩn cấp";
  if (s.fallback) return en ? "Default (when nothing else plays)" : "Mặc định (khi không có lịch khác)";
  return {};
}

// A display's place, as people find it: building and staircase, else its location text.
inline std::string place_text(const display& d) {
  std::string s;
  for (const auto* part : {&d.building, &d.staircase})
    if (!part->empty()) s += (s.empty() ? "" : ", ") + *part;
  if (s.empty()) s = d.location;
  return s;
}

}  // namespace signage_detail

PBGDPL_DECL http::response pages::signage_page(http::request&, const page_context& ctx) {
  using namespace signage_detail;
  const bool en = ctx.lang == language::en;
  auto e = [](std::string_view s) { return publish::escape_html(s); };
  const std::string vi_attr = en ? " lang=\"vi\"" : "";
  const auto title = std::string(en ? "Legal staircase: the screens" : "Cầu thang pháp luật");
  std::string h = "<h1>" + title + "</h1>";
  h += std::string("<p>") +
       (en ? "Task 3 of the plan: screens at the schools' staircases show videos and infographics on the law, and only content "
             "that a competent authority approved. This page shows each screen of the unit and of the units below it, what it "
             "plays now, its schedule for today, and the approved content, with who approved it, for which use and until when."
           : "Nhiệm vụ 3 của kế hoạch: màn hình điện tử tại cầu thang các trường trình chiếu video, infographic về pháp luật, chỉ "
             "những nội dung đã được cấp có thẩm quyền phê duyệt. Trang này cho biết mỗi màn hình của đơn vị và các đơn vị trực "
             "thuộc đang chiếu gì, lịch chiếu hôm nay và các nội dung đã được phê duyệt: ai duyệt, dùng để làm gì, hiệu lực đến khi nào.") +
       "</p>";
  auto displays = displays_under(db_, ctx.units->tree, ctx.u->id);
  if (!displays) return error_page(ctx, http::status::internal_server_error, displays.err().message_vi, displays.err().message_en);
  if (displays->empty()) {
    h += std::string("<p>") + (en ? "This unit has no screens yet." : "Đơn vị này chưa có màn hình nào.") + "</p>";
  } else {
    h += std::string("<h2>") + (en ? "Screens" : "Các màn hình") + "</h2>";
  }
  // The media the screens play, in order of first appearance, with the approval their items name.
  std::vector<std::pair<std::string, std::optional<approval_id>>> shown_media;
  std::set<std::string, std::less<>> seen_media;
  std::size_t n = 0;
  for (const auto& d : *displays) {
    auto s = load_schedule(db_, d);
    if (!s) continue;
    const std::string anchor = "man-hinh-" + std::to_string(++n);
    h += "<section class=\"signage-display\" aria-labelledby=\"" + anchor + "\"><h3 id=\"" + anchor + "\"" + vi_attr + ">" + e(d.name) + "</h3>";
    // Where, what, who runs it.
    h += "<ul class=\"signage-facts\">";
    auto unit_name = ctx.units->tree.name(d.unit.value);
    h += "<li>" + std::string(en ? "Unit: " : "Đơn vị: ") + "<span" + vi_attr + ">" + e(unit_name.empty() ? std::string_view(d.unit.value) : unit_name) +
         "</span></li>";
    if (auto place = place_text(d); !place.empty())
      h += "<li>" + std::string(en ? "Place: " : "Vị trí: ") + "<span" + vi_attr + ">" + e(place) + "</span></li>";
    h += "<li>" + std::string(en ? label_en(d.kind) : label_vi(d.kind)) + ", " + std::string(en ? label_en(d.orientation) : label_vi(d.orientation)) +
         ", " + std::to_string(d.width) + "×" + std::to_string(d.height) + "</li>";
    h += "<li>" + std::string(en ? "Run by: " : "Đơn vị vận hành: ") + std::string(en ? label_en(d.operated_by) : label_vi(d.operated_by));
    if (d.operated_by == operator_kind::business && !d.operator_name.empty()) h += " (<span" + vi_attr + ">" + e(d.operator_name) + "</span>)";
    h += "</li></ul>";

    // Now.
    h += "<h4>" + std::string(en ? "Playing now" : "Đang chiếu") + "</h4>";
    auto now_playing = playing_at(*s, ctx.now);
    if (!now_playing) {
      h += std::string("<p>") + (en ? "Nothing is scheduled now: the screen rests." : "Hiện không có lịch chiếu: màn hình nghỉ.") + "</p>";
    } else {
      const auto& np = *now_playing;
      h += "<p><span" + vi_attr + ">" + e(np.list.name) + "</span>";
      if (auto k = slot_kind(np.slot, en); !k.empty()) h += " <strong class=\"signage-mark\">(" + std::string(k) + ")</strong>";
      h += ", " + e(until_text(s->tz, ctx.now, np.slot.end, en)) + ".</p><ul class=\"signage-zones\">";
      for (const auto& z : np.zones) {
        h += "<li>";
        const std::string zone_label = z.z.ticker ? (en ? "Ticker" : "Dòng chữ chạy")
                                       : z.z.legal ? (en ? "Legal education zone" : "Vùng nội dung pháp luật")
                                                   : (en ? "Notice zone" : "Vùng thông báo");
        h += zone_label + ": ";
        if (z.z.ticker) {
          h += np.list.ticker.empty() ? std::string(en ? "(empty)" : "(trống)") : "<span" + vi_attr + ">" + e(np.list.ticker) + "</span>";
        } else if (!z.item) {
          h += en ? "(nothing)" : "(không có)";
        } else {
          auto m = db_.get<media_asset>(z.item->media.value);
          const std::string name = m ? (m->title.empty() ? m->alt_text : m->title) : z.item->media.value;
          h += "<span" + vi_attr + ">" + e(name.empty() ? z.item->media.value : name) + "</span> (" + e(hh_mm(s->tz, z.start, true)) + "–" +
               e(hh_mm(s->tz, z.end, true)) + ")";
        }
        h += "</li>";
      }
      h += "</ul>";
    }

    // Today.
    const auto today = local_day(s->tz, ctx.now);
    auto slots = signage::timeline(s->set, s->tz, today);
    // Each screen's table is a landmark of its own: its name is in the label (axe: landmark-unique).
    const std::string when = std::string(en ? " for " : " ") + detail::date_text(ctx, today) + " (" + s->tz.name() + ")";
    const std::string caption = std::string(en ? "Schedule of " : "Lịch chiếu của ") + d.name + when;
    const std::string caption_html = e(std::string(en ? "Schedule of " : "Lịch chiếu của ")) + "<span" + vi_attr + ">" + e(d.name) + "</span>" + e(when);
    h += "<h4>" + std::string(en ? "Today" : "Hôm nay") + "</h4>";
    if (slots.empty()) {
      h += std::string("<p>") + (en ? "Nothing is scheduled today." : "Hôm nay không có lịch chiếu.") + "</p>";
    } else {
      h += "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"" + e(caption) + "\"><table class=\"kpi signage-day\"><caption>" +
           caption_html + "</caption><thead><tr><th scope=\"col\">" + (en ? "Time" : "Thời gian") + "</th><th scope=\"col\">" +
           (en ? "Playlist" : "Danh sách phát") + "</th><th scope=\"col\">" + (en ? "Priority" : "Mức ưu tiên") + "</th></tr></thead><tbody>";
      for (const auto& sl : slots) {
        auto it = s->set.playlists.find(sl.playlist);
        const std::string pname = it != s->set.playlists.end() ? it->second.name : sl.playlist;
        const bool current = ctx.now >= sl.start && ctx.now < sl.end;
        h += std::string("<tr") + (current ? " class=\"current\"" : "") + "><th scope=\"row\">" + e(hh_mm(s->tz, sl.start)) + "–" +
             e(local_day(s->tz, sl.end) == today ? hh_mm(s->tz, sl.end) : std::string("24:00")) +
             (current ? std::string(en ? " (now)" : " (đang chiếu)") : std::string()) + "</th><td" + vi_attr + ">" + e(pname) + "</td><td>";
        if (auto k = slot_kind(sl, en); !k.empty()) h += std::string(k);
        else h += std::to_string(sl.priority);
        h += "</td></tr>";
      }
      h += "</tbody></table></div>";
    }
    h += "</section>";
    for (const auto& [id, p] : s->set.playlists)
      for (const auto& it : p.items)
        if (seen_media.insert(it.media.value).second) shown_media.emplace_back(it.media.value, it.approval);
  }

  // The content the screens play: approved items first-class, local notices apart.
  if (!shown_media.empty()) {
    std::string approved, notices;
    const signage::content_store* content = opt_.signage ? &opt_.signage->content() : nullptr;
    for (const auto& [mid, ap] : shown_media) {
      auto m = db_.get<media_asset>(mid);
      if (!m) continue;
      const std::string name = m->title.empty() ? m->alt_text : m->title;
      std::string item = "<li class=\"signage-item\">";
      const bool held = content && content->find(*m);
      if (m->type == media_type::image && held) {
        item += "<img class=\"thumb\" src=\"" + e(with_lang(ctx, ctx.links.signage() + "anh/" + m->id.value + "/" + m->blake2b + ".png")) +
                "\" alt=\"" + e(m->alt_text.empty() ? name : m->alt_text) + "\" loading=\"lazy\">";
      }
      item += "<h3" + vi_attr + ">" + e(name.empty() ? m->id.value : name) + "</h3><ul>";
      item += "<li>" + e(media_kind_text(*m, en)) + "</li>";
      std::optional<approval_check> chk;
      chk = check_media_approval(db_, *m, ap, content, ctx.now);
      if (chk) {
        const auto& r = chk->record;
        auto unit_name = ctx.units->tree.name(r.approver_unit.value);
        item += "<li>" + std::string(en ? "Approved by: " : "Người duyệt: ") + "<span" + vi_attr + ">" +
                e(chk->approver_name.empty() ? std::string() : chk->approver_name + ", ") + "</span>" +
                std::string(en ? label_en(r.approver_role) : label_vi(r.approver_role)) + ", <span" + vi_attr + ">" +
                e(unit_name.empty() ? std::string_view(r.approver_unit.value) : unit_name) + "</span></li>";
        item += "<li>" + std::string(en ? "For: " : "Dùng để: ") + std::string(en ? label_en(r.use) : label_vi(r.use)) + "</li>";
        item += "<li>" + std::string(en ? "Valid: " : "Hiệu lực: ") + "<time datetime=\"" + e(format_timestamp(r.valid_from)) + "\">" +
                e(detail::date_text(ctx, local_date(r.valid_from))) + "</time> – <time datetime=\"" + e(format_timestamp(r.valid_until)) +
                "\">" + e(detail::date_text(ctx, local_date(r.valid_until))) + "</time></li>";
        item += "<li class=\"" + std::string(chk->in_force ? "verified" : "unverified") + "\">" +
                (chk->in_force ? (en ? "Signature verified against the content; in force." : "Chữ ký đã được kiểm tra với nội dung; còn hiệu lực.")
                 : chk->signature_ok ? (en ? "Signature verified, but the approval is not in force now." : "Chữ ký hợp lệ nhưng phê duyệt hiện không còn hiệu lực.")
                                     : (en ? "The signature could not be verified: screens will not play this content."
                                           : "Chưa kiểm tra được chữ ký: màn hình sẽ không chiếu nội dung này.")) +
                "</li></ul></li>";
        approved += item;
      } else {
        item += "<li>" + std::string(en ? "A local notice of the unit (not legal content; no approval needed)."
                                          : "Thông báo của đơn vị (không phải nội dung pháp luật, không cần phê duyệt).") +
                "</li></ul></li>";
        notices += item;
      }
    }
    h += std::string("<h2>") + (en ? "Approved content" : "Nội dung đã được phê duyệt") + "</h2>";
    h += approved.empty() ? std::string("<p>") + (en ? "None." : "Không có.") + "</p>" : "<ul class=\"signage-content\">" + approved + "</ul>";
    if (!notices.empty()) h += std::string("<h2>") + (en ? "Local notices" : "Thông báo của đơn vị") + "</h2><ul class=\"signage-content\">" + notices + "</ul>";
  }
  views::panel_page page;
  page.panel.html = std::move(h);
  auto r = render(ctx, common(ctx), "panel", publish::view::of(page),
                  page_meta(ctx, title, en ? "The legal staircase screens: what they play now, today's schedule and the approved content"
                                           : "Màn hình cầu thang pháp luật: đang chiếu gì, lịch hôm nay và nội dung đã được phê duyệt",
                            ctx.links.signage()));
  // What plays changes with the clock, not only with writes: never kept in the page cache.
  r.cacheable = false;
  r.cache_tags.clear();
  r.set("Cache-Control", "no-cache");
  return r;
}

PBGDPL_DECL http::response pages::signage_thumbnail(http::request& req, const page_context& ctx) {
  // /anh/{media}/{blake2b}.png: the address names the bytes, so the answer never goes stale.
  std::string_view file = req.param("file");
  if (!file.ends_with(".png") || !opt_.signage) return not_found(req, ctx);
  const auto blake2b = file.substr(0, file.size() - 4);
  auto m = db_.get<media_asset>(std::string(req.param("media")));
  // Only an image whose bytes are in the signage content store, as their name says.
  if (!m || m->type != media_type::image || m->blake2b != blake2b) return not_found(req, ctx);
  auto found = opt_.signage->content().find(*m);
  if (!found) return not_found(req, ctx);
  auto bytes = files::read_regular(found->path, 64u * 1024u * 1024u, {.refuse_symlinks = true});
  if (!bytes) return not_found(req, ctx);
  auto thumb = media::make_thumbnail(*bytes, 320);
  if (!thumb) return not_found(req, ctx);
  http::response r(http::status::ok);
  r.body = std::move(*thumb);
  r.set("Content-Type", "image/png");
  r.set("Cache-Control", "public, max-age=31536000, immutable");
  r.cacheable = true;  // drawn once: later requests come from the page cache
  r.cache_tags = {"content"};
  return r;
}

}  // namespace portal
PBGDPL_NAMESPACE_END
