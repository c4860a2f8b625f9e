// The editor's "Biểu ngữ" screen: a unit's own banner linking the city portal. The person who
// publishes for the unit (its approver: what the banner shows is public on every page, so the
// editor has no narrower "admin" role to ask for) uploads an image; it is checked as a banner
// (network/banner_kit.hpp: type by content, size, shape, decompression bomb), turned into the
// PNG variants of every slot, each kept in the media library, and recorded as the unit's `banner`
// (owner = the unit). The public pages then show it instead of the default; "Dùng biểu ngữ mặc
// định" archives the record. Included by impl/editor.ipp.
#pragma once
#include "../../http/multipart.hpp"
#include "../../network/banner_kit.hpp"

PBGDPL_NAMESPACE_BEGIN
namespace portal {

PBGDPL_DECL void editor::build_banner() {
  using namespace editor_detail;
  if (!eo_.media) return;
  auto lib = eo_.media;
  auto screen_of = [this](const http::request& req) { return screen_for(req, opt_, eo_.media != nullptr); };
  // The units whose banner this account may change: where it publishes.
  auto units_of = [this](const account& who) {
    auto snap = units_->get();
    std::vector<const unit*> out;
    std::set<std::string> seen;
    for (const auto& g : who.grants)
      for (const auto& u : snap->tree.subtree(g.unit.value))
        if (seen.insert(u.id.value).second && !snap->tree.ended(u.id.value) && may(who, trust::action::publish_content, u.id.value, snap->tree))
          out.push_back(&u);
    return std::make_pair(snap, out);
  };
  auto own_of = [this](const std::string& unit) -> std::optional<banner> {
    store::list_query q;
    q.limit = 1;
    q.where.unit = unit;
    auto p = db_.list<banner>(q);
    if (!p || p->items.empty()) return std::nullopt;
    return std::move(p->items.front());
  };
  auto render = [units_of, own_of](const screen& s, const account& who, const std::string& csrf, const field_errors& fe,
                                   const std::string& typed_unit, const std::string& notice, http::status st) {
    auto [snap, units] = units_of(who);
    std::string body;
    if (!notice.empty()) body += "<p class=\"notice\" role=\"status\">" + esc(notice) + "</p>";
    if (units.empty())
      return html(page(s, s.t("Biểu ngữ", "Banner"), who, csrf,
                       "<p>" + s.t("Tài khoản của bạn không đăng bài ở đơn vị nào nên không đổi được biểu ngữ.",
                                   "Your account publishes for no unit, so it cannot change a banner.") + "</p>"),
                  http::status::forbidden);
    body += errors_box(s, fe);
    body += "<p>" + s.t("Mọi trang của chuyên mục mang biểu ngữ liên kết tới Trang thông tin điện tử phổ biến pháp luật thành phố Hà Nội. "
                        "Đơn vị có thể thay ảnh mặc định bằng ảnh riêng; ảnh được tự động tạo các cỡ 300×100, 600×200 và 1200×400 "
                        "(thu vừa khung, không cắt) và luôn có dòng chữ bắt buộc làm văn bản thay thế.",
                        "Every page of the section carries a banner linking the Hà Nội legal education portal. A unit may replace "
                        "the default image with its own; it is made into 300×100, 600×200 and 1200×400 (fitted, never cropped) "
                        "and always has the required sentence as its text alternative.") + "</p>";
    body += "<section aria-labelledby=\"hien-tai\"><h2 id=\"hien-tai\">" + s.t("Biểu ngữ hiện tại", "Current banners") + "</h2><ul class=\"media-list\">";
    for (const auto* u : units) {
      const bool own = own_of(u->id.value).has_value();
      const std::string img = s.portal + "/don-vi/" + u->id.value + "/pbgdpl/bieu-ngu/300x100.png";
      body += "<li><img src=\"" + esc(img) + "\" alt=\"" + esc(city_portal_banner_text) + "\" width=\"300\" height=\"100\"> <span>" +
              esc(u->name) + " · " + (own ? s.t("ảnh riêng của đơn vị", "the unit's own image") : s.t("ảnh mặc định", "the default image")) +
              " · <a href=\"" + esc(s.portal + "/don-vi/" + u->id.value + "/pbgdpl/bieu-ngu/" + (s.en ? "?lang=en" : "")) + "\">" +
              s.t("Bộ biểu ngữ", "Banner kit") + "</a></span>";
      if (own)
        body += "<form method=\"post\" action=\"" + esc(s.link("/bieu-ngu/mac-dinh")) + "\"><input type=\"hidden\" name=\"csrf\" value=\"" +
                esc(csrf) + "\"><input type=\"hidden\" name=\"unit\" value=\"" + esc(u->id.value) + "\"><button type=\"submit\">" +
                s.t("Dùng biểu ngữ mặc định", "Use the default banner") + "</button></form>";
      body += "</li>";
    }
    body += "</ul></section>";
    const network::banner_limits lim;
    body += "<section aria-labelledby=\"tai-len\"><h2 id=\"tai-len\">" + s.t("Tải biểu ngữ riêng lên", "Upload the unit's own banner") + "</h2>";
    body += "<form method=\"post\" action=\"" + esc(s.link("/bieu-ngu")) + "\" enctype=\"multipart/form-data\" novalidate>";
    body += "<input type=\"hidden\" name=\"csrf\" value=\"" + esc(csrf) + "\">";
    {
      const bool bad = fe.by_field.count("unit") > 0;
      body += "<div class=\"field" + std::string(bad ? " has-error" : "") + "\"><label for=\"f-unit\">" + s.t("Đơn vị", "Unit") + "</label>";
      if (bad) body += "<p class=\"field-error\" id=\"f-unit-error\">" + esc(fe.by_field.at("unit")) + "</p>";
      body += "<select id=\"f-unit\" name=\"unit\"" + std::string(bad ? " aria-describedby=\"f-unit-error\" aria-invalid=\"true\"" : "") + ">";
      for (const auto* u : units)
        body += "<option value=\"" + esc(u->id.value) + "\"" + (u->id.value == typed_unit ? " selected" : "") + ">" + esc(u->name) + "</option>";
      body += "</select></div>";
    }
    {
      const bool bad = fe.by_field.count("file") > 0;
      const auto mib = std::to_string(lim.image.max_bytes / (1024 * 1024));
      body += "<div class=\"field" + std::string(bad ? " has-error" : "") + "\"><label for=\"f-file\">" + s.t("Tệp ảnh biểu ngữ", "Banner image file") +
              " <span aria-hidden=\"true\">*</span></label><p class=\"hint\" id=\"f-file-hint\">" +
              esc(s.t("Ảnh PNG, JPEG hoặc GIF có dòng chữ \"" + std::string(city_portal_banner_text) + "\", tối đa " + mib + " MiB, từ " +
                          std::to_string(lim.min_width) + "×" + std::to_string(lim.min_height) + " đến " + std::to_string(lim.image.max_width) +
                          "×" + std::to_string(lim.image.max_height) + " điểm ảnh.",
                      "A PNG, JPEG or GIF image carrying the sentence \"" + std::string(city_portal_banner_text) + "\", at most " + mib +
                          " MiB, from " + std::to_string(lim.min_width) + "×" + std::to_string(lim.min_height) + " to " +
                          std::to_string(lim.image.max_width) + "×" + std::to_string(lim.image.max_height) + " pixels.")) + "</p>";
      if (bad) body += "<p class=\"field-error\" id=\"f-file-error\">" + esc(fe.by_field.at("file")) + "</p>";
      body += "<input type=\"file\" id=\"f-file\" name=\"file\" accept=\"image/png,image/jpeg,image/gif\" required aria-describedby=\"f-file-hint" +
              std::string(bad ? " f-file-error\" aria-invalid=\"true\"" : "\"") + "></div>";
    }
    body += "<p><button type=\"submit\">" + s.t("Tải lên", "Upload") + "</button></p></form></section>";
    return html(page(s, s.t("Biểu ngữ", "Banner"), who, csrf, body), st);
  };

  routes_->get("/bieu-ngu", [this, screen_of, render](http::request& req) {
    auto s = screen_of(req);
    std::string token;
    auto who = signed_in(req, &token);
    if (!who) return see_other(s.link("/dang-nhap"));
    std::string notice;
    if (auto n = req.query("da"); n && *n == "tai-len") notice = s.t("Đã thay biểu ngữ.", "The banner was replaced.");
    if (auto n = req.query("da"); n && *n == "mac-dinh") notice = s.t("Đơn vị đã dùng lại biểu ngữ mặc định.", "The unit uses the default banner again.");
    return render(s, *who, csrf_for(token), {}, {}, notice, http::status::ok);
  });

  auto refused = [](const screen& s, const account& who, const std::string& csrf) {
    return html(page(s, s.t("Yêu cầu bị từ chối", "Request refused"), who, csrf,
                     "<p>" + s.t("Biểu mẫu thiếu mã chống giả mạo (CSRF) hợp lệ. Hãy mở lại trang và gửi lại.",
                                 "The form has no valid anti-forgery (CSRF) token. Reload the page and send it again.") + "</p>"),
                http::status::forbidden);
  };

  routes_->post("/bieu-ngu", [this, lib, screen_of, render, refused, units_of, own_of](http::request& req) {
    auto s = screen_of(req);
    std::string token;
    auto who = signed_in(req, &token);
    if (!who) return see_other(s.link("/dang-nhap"));
    const auto csrf = csrf_for(token);
    const network::banner_limits lim;
    field_errors fe;
    if (req.body_refused) {
      auto e = media::check_image_size(UINT64_MAX, lim.image).err();
      fe.by_field["file"] = s.en ? e.message_en : e.message_vi;
      return render(s, *who, csrf, fe, {}, {}, http::status::payload_too_large);
    }
    auto boundary = http::multipart_boundary(req.header(http::bhttp::field::content_type));
    if (!boundary) return refused(s, *who, csrf);
    http::multipart_limits ml;
    ml.max_parts = 4;
    ml.max_field_bytes = 4 * 1024;
    ml.max_file_bytes = static_cast<std::size_t>(lim.image.max_bytes);
    auto parts = http::parse_multipart(req.body(), *boundary, ml);
    std::map<std::string, std::string> form;
    const http::multipart_part* file = nullptr;
    if (parts)
      for (const auto& p : *parts) {
        if (p.file_name) {
          if (p.name == "file" && !file) file = &p;
        } else {
          form.emplace(p.name, p.body);
        }
      }
    if (parts ? !csrf_ok(req, form, token) : parts.err().code != errc::too_large) return refused(s, *who, csrf);
    const std::string unit_field = form["unit"];
    if (!parts) {
      add_errors(fe, parts.err(), s);
      return render(s, *who, csrf, fe, unit_field, {}, http::status_for(parts.err().code));
    }
    auto [snap, units] = units_of(*who);
    const unit* target = nullptr;
    for (const auto* u : units)
      if (u->id.value == unit_field) target = u;
    if (!target) fe.by_field["unit"] = s.t("Bạn không đổi được biểu ngữ của đơn vị này", "You cannot change this unit's banner");
    if (!file || (file->file_name->empty() && file->body.empty())) fe.by_field["file"] = s.t("Hãy chọn một tệp ảnh", "Choose an image file");
    if (!fe.empty()) return render(s, *who, csrf, fe, unit_field, {}, http::status::unprocessable_entity);
    // Every check and every variant before anything is written.
    auto checked = network::validate_banner(file->body, *file->file_name, file->content_type, lim);
    if (!checked) {
      add_errors(fe, checked.err(), s);
      return render(s, *who, csrf, fe, unit_field, {}, http::status::unprocessable_entity);
    }
    auto variants = network::make_variants(file->body, lim);
    if (!variants) {
      add_errors(fe, variants.err(), s);
      return render(s, *who, csrf, fe, unit_field, {}, http::status::unprocessable_entity);
    }
    banner b;
    if (auto cur = own_of(target->id.value)) b = std::move(*cur);
    else b.id = new_id<banner_id>();
    b.name = std::string(s.t("Biểu ngữ của ", "Banner of ")) + target->name;
    b.target_url = opt_.city_banner && !opt_.city_banner->target_url.empty() ? opt_.city_banner->target_url : std::string(city_portal_url);
    b.required_text = std::string(city_portal_banner_text);
    b.alt_text = std::string(city_portal_banner_text);
    b.owner = target->id;
    b.variants.clear();
    // The variants this request adds, taken back if a later step fails: a failed upload leaves
    // no stray images in the unit's library. A full disk is the server's trouble: 507, in both
    // languages (add_image's message); anything else here is ours too (the PNGs are our own).
    std::vector<media_asset> added;
    auto give_back = [&](const error& e, http::status st) {
      for (const auto& m : added) (void)lib->discard(m, who->id.value);
      add_errors(fe, e, s);
      return render(s, *who, csrf, fe, unit_field, {}, st);
    };
    for (const auto& v : *variants) {
      media_upload up;
      up.unit = target->id;
      const auto size = std::to_string(v.width) + "x" + std::to_string(v.height);
      up.file_name = "bieu-ngu-" + size + ".png";
      up.declared_type = "image/png";
      up.bytes = v.png;
      up.alt_text = std::string(city_portal_banner_text);
      up.title = std::string(s.t("Biểu ngữ ", "Banner ")) + size;
      auto m = lib->add_image(up, who->id.value, now());
      if (!m) return give_back(m.err(), m.err().code == errc::storage_full ? http::status_for(errc::storage_full)
                                                                            : http::status::internal_server_error);
      b.variants.push_back({v.width, v.height, m->id});
      added.push_back(std::move(*m));
    }
    auto w = b.version == 0 ? db_.create(b, who->id.value) : db_.update(b, who->id.value);
    if (!w) return give_back(w.err(), http::status_for(w.err().code));
    return see_other(s.link("/bieu-ngu") + (s.en ? "&" : "?") + "da=tai-len");
  });

  routes_->post("/bieu-ngu/mac-dinh", [this, screen_of, render, refused, units_of, own_of](http::request& req) {
    auto s = screen_of(req);
    std::string token;
    auto who = signed_in(req, &token);
    if (!who) return see_other(s.link("/dang-nhap"));
    const auto csrf = csrf_for(token);
    auto form = parse_form(req.body());
    if (!form || !csrf_ok(req, *form, token)) return refused(s, *who, csrf);
    const std::string unit_field = (*form)["unit"];
    auto [snap, units] = units_of(*who);
    const bool allowed = std::any_of(units.begin(), units.end(), [&](const unit* u) { return u->id.value == unit_field; });
    field_errors fe;
    if (!allowed) {
      fe.by_field["unit"] = s.t("Bạn không đổi được biểu ngữ của đơn vị này", "You cannot change this unit's banner");
      return render(s, *who, csrf, fe, unit_field, {}, http::status::forbidden);
    }
    if (auto cur = own_of(unit_field)) {
      auto a = db_.archive<banner>(cur->id.value, cur->version, who->id.value);
      if (!a) {
        add_errors(fe, a.err(), s);
        return render(s, *who, csrf, fe, unit_field, {}, http::status_for(a.err().code));
      }
    }
    return see_other(s.link("/bieu-ngu") + (s.en ? "&" : "?") + "da=mac-dinh");
  });
}

}  // namespace portal
PBGDPL_NAMESPACE_END
