// The editor's "Tệp và ảnh" (media) screen: upload an image (multipart/form-data, checked by its
// content in media/images.hpp), list a unit's images with their thumbnails; and the cover
// picker of the article form. Included by impl/editor.ipp.
#pragma once
#include "../../http/multipart.hpp"
#include "../../network/banner_kit.hpp"

PBGDPL_NAMESPACE_BEGIN
namespace portal {

PBGDPL_DECL std::function<std::optional<std::size_t>(std::string_view, std::string_view)> upload_body_limit(
    const media_library& lib, std::string public_prefix, std::function<bool(std::string_view cookie)> signed_in) {
  // The file plus its multipart framing and the form's small fields (CSRF token, alt text, title).
  const std::size_t limit = static_cast<std::size_t>(lib.limits().max_bytes) + 64 * 1024;
  const std::size_t banner_limit = static_cast<std::size_t>(network::banner_limits{}.image.max_bytes) + 64 * 1024;
  return [limit, banner_limit, path = public_prefix + "/quan-tri/tep", banner_path = public_prefix + "/quan-tri/bieu-ngu",
          signed_in = std::move(signed_in)](std::string_view target, std::string_view cookie) -> std::optional<std::size_t> {
    auto p = target.substr(0, target.find('?'));
    if (p != path && p != banner_path) return std::nullopt;
    if (signed_in && !signed_in(cookie)) return std::nullopt;  // strangers: the default limit
    return p == path ? limit : banner_limit;
  };
}

namespace editor_detail {

// The images an account may use at the units it edits for (newest first, bounded).
inline std::vector<media_asset> editable_images(store::store& db, const account& who, const unit_directory& tree) {
  std::vector<media_asset> out;
  std::set<std::string> seen;
  for (const auto& g : who.grants)
    for (const auto& u : tree.subtree(g.unit.value)) {
      if (!seen.insert(u.id.value).second || !trust::allowed(who, trust::action::edit_content, u.id, tree)) continue;
      store::list_query q;
      q.limit = 100;
      q.where.unit = u.id.value;
      if (auto p = db.list<media_asset>(q))
        for (auto& m : p->items)
          if (m.type == media_type::image) out.push_back(std::move(m));
    }
  return out;
}

// The article form's cover picker: a choice among the images of the units this account edits
// for (the save checks that the image belongs to the article's unit).
inline std::string cover_field(const screen& s, const field_errors& fe, const std::vector<media_asset>& images,
                               const std::optional<media_id>& current) {
  std::string h = "<div class=\"field" + std::string(fe.by_field.count("cover") ? " has-error" : "") +
                  "\"><label for=\"f-cover\">" + s.t("Ảnh bìa", "Cover image") + "</label>";
  std::string described;
  if (auto it = fe.by_field.find("cover"); it != fe.by_field.end()) {
    h += "<p class=\"field-error\" id=\"f-cover-error\">" + esc(it->second) + "</p>";
    described = " aria-describedby=\"f-cover-error\" aria-invalid=\"true\"";
  }
  h += "<select id=\"f-cover\" name=\"cover\"" + described + "><option value=\"\">" + s.t("(không có ảnh bìa)", "(no cover)") + "</option>";
  for (const auto& m : images)
    h += "<option value=\"" + esc(m.id.value) + "\"" + (current && *current == m.id ? " selected" : "") + ">" +
         esc(m.title.empty() ? m.file_name : m.title) + " – " + esc(m.alt_text) + "</option>";
  return h + "</select></div>";
}

}  // namespace editor_detail

PBGDPL_DECL void editor::build_media() {
  using namespace editor_detail;
  if (!eo_.media) return;
  auto lib = eo_.media;
  auto screen_of = [this](const http::request& req) { return screen_for(req, opt_, eo_.media != nullptr); };
  struct form_state {
    std::string unit, alt_text, title;
  };
  // The screen: the upload form (what was typed kept, errors next to their fields) and the list.
  auto media_screen = [this, lib](const screen& s, const account& who, const std::string& csrf, const form_state& typed,
                                  const field_errors& fe, const std::string& notice, http::status st) {
    auto snap = units_->get();
    const auto& tree = snap->tree;
    std::string body;
    if (!notice.empty()) body += "<p class=\"notice\" role=\"status\">" + esc(notice) + "</p>";
    body += errors_box(s, fe);
    const auto& lim = lib->limits();
    body += "<section aria-labelledby=\"tai-len\"><h2 id=\"tai-len\">" + s.t("Tải ảnh lên", "Upload an image") + "</h2>";
    body += "<form method=\"post\" action=\"" + esc(s.link("/tep")) + "\" enctype=\"multipart/form-data\" novalidate>";
    body += "<input type=\"hidden\" name=\"csrf\" value=\"" + esc(csrf) + "\">";
    if (auto it = fe.by_field.find("unit"); it != fe.by_field.end())
      body += "<div class=\"field has-error\"><label for=\"f-unit\">" + s.t("Đơn vị", "Unit") + "</label><p class=\"field-error\" id=\"f-unit-error\">" +
              esc(it->second) + "</p><select id=\"f-unit\" name=\"unit\" aria-describedby=\"f-unit-error\" aria-invalid=\"true\">";
    else
      body += "<div class=\"field\"><label for=\"f-unit\">" + s.t("Đơn vị", "Unit") + "</label><select id=\"f-unit\" name=\"unit\">";
    std::set<std::string> listed;
    for (const auto& g : who.grants)
      for (const auto& u : tree.subtree(g.unit.value)) {
        if (!listed.insert(u.id.value).second || tree.ended(u.id.value)) continue;
        if (!trust::allowed(who, trust::action::edit_content, u.id, tree)) continue;
        body += "<option value=\"" + esc(u.id.value) + "\"" + (u.id.value == typed.unit ? " selected" : "") + ">" + esc(u.name) + "</option>";
      }
    body += "</select></div>";
    const std::string max_mib = std::to_string(lim.max_bytes / (1024 * 1024));
    {
      // Written out here: a file input takes no value attribute, and `accept` guides the picker.
      const bool bad = fe.by_field.count("file") > 0;
      body += "<div class=\"field" + std::string(bad ? " has-error" : "") + "\"><label for=\"f-file\">" + s.t("Tệp ảnh", "Image file") +
              " <span aria-hidden=\"true\">*</span></label><p class=\"hint\" id=\"f-file-hint\">" +
              esc(s.t("Ảnh PNG, JPEG hoặc GIF, tối đa " + max_mib + " MiB và " + std::to_string(lim.max_width) + "×" +
                          std::to_string(lim.max_height) + " điểm ảnh.",
                      "A PNG, JPEG or GIF image, at most " + max_mib + " MiB and " + std::to_string(lim.max_width) + "×" +
                          std::to_string(lim.max_height) + " pixels.")) + "</p>";
      if (bad) body += "<p class=\"field-error\" id=\"f-file-error\">" + esc(fe.by_field.at("file")) + "</p>";
      body += "<input type=\"file\" id=\"f-file\" name=\"file\" accept=\"image/png,image/jpeg,image/gif\" required aria-describedby=\"f-file-hint" +
              std::string(bad ? " f-file-error\" aria-invalid=\"true\"" : "\"") + "></div>";
    }
    body += input(s, fe, "alt_text", s.t("Mô tả ảnh (cho người không nhìn thấy ảnh)", "Description (for people who cannot see it)"),
                  typed.alt_text, "text", true);
    body += input(s, fe, "title", s.t("Tiêu đề (không bắt buộc)", "Title (optional)"), typed.title, "text");
    body += "<p><button type=\"submit\">" + s.t("Tải lên", "Upload") + "</button></p></form></section>";
    // The list, newest first.
    auto images = editable_images(db_, who, tree);
    std::sort(images.begin(), images.end(), [](const media_asset& a, const media_asset& b) { return a.created_at > b.created_at; });
    body += "<section aria-labelledby=\"danh-sach\"><h2 id=\"danh-sach\">" + s.t("Ảnh đã tải lên", "Uploaded images") + " (" +
            std::to_string(images.size()) + ")</h2>";
    if (images.empty()) body += "<p>" + s.t("Chưa có ảnh nào.", "No images yet.") + "</p>";
    else {
      body += "<ul class=\"media-list\">";
      for (const auto& m : images) {
        const auto* u = tree.find(m.unit.value);
        // A record with no files here (imported with the seed, or from another server) has no thumbnail.
        if (lib->has_files(m))
          body += "<li><a href=\"" + esc(media_library::original_path(s.portal, m)) + "\"><img src=\"" +
                  esc(media_library::thumb_path(s.portal, m)) + "\" alt=\"" + esc(m.alt_text) + "\" class=\"thumb\"></a> <span>";
        else
          body += "<li><span>" + s.t("(chưa có tệp trên máy chủ này) ", "(no file on this server) ") + esc(m.alt_text) + " · ";
        body += esc(m.title.empty() ? m.file_name : m.title) + " · " + std::to_string(m.width.value_or(0)) + "×" +
                std::to_string(m.height.value_or(0)) + " · " + esc(u ? u->name : m.unit.value) + "</span></li>";
      }
      body += "</ul>";
    }
    body += "</section>";
    return html(page(s, s.t("Tệp và ảnh", "Media"), who, csrf, body), st);
  };

  routes_->get("/tep", [this, screen_of, media_screen](http::request& req) {
    auto s = screen_of(req);
    std::string token;
    auto who = signed_in(req, &token);
    if (!who) return see_other(s.link("/dang-nhap"));
    std::string notice;
    if (auto n = req.query("da"); n && *n == "tai-len") notice = s.t("Đã tải ảnh lên.", "The image was uploaded.");
    return media_screen(s, *who, csrf_for(token), {}, {}, notice, http::status::ok);
  });

  routes_->post("/tep", [this, lib, screen_of, media_screen](http::request& req) {
    auto s = screen_of(req);
    std::string token;
    auto who = signed_in(req, &token);
    if (!who) return see_other(s.link("/dang-nhap"));
    const auto csrf = csrf_for(token);
    field_errors fe;
    // Over the limit by its Content-Length: the server did not read the body (nor the CSRF
    // token in it); nothing is done but saying so next to the field.
    if (req.body_refused) {
      auto e = media::check_image_size(UINT64_MAX, lib->limits()).err();
      fe.by_field["file"] = s.en ? e.message_en : e.message_vi;
      return media_screen(s, *who, csrf, {}, fe, {}, http::status::payload_too_large);
    }
    auto refused = [&] {
      return html(page(s, s.t("Yêu cầu bị từ chối", "Request refused"), who, csrf,
                       "<p>" + s.t("Biểu mẫu thiếu mã chống giả mạo (CSRF) hợp lệ. Hãy mở lại trang và gửi lại.",
                                   "The form has no valid anti-forgery (CSRF) token. Reload the page and send it again.") + "</p>"),
                  http::status::forbidden);
    };
    auto boundary = http::multipart_boundary(req.header(http::bhttp::field::content_type));
    if (!boundary) return refused();
    http::multipart_limits ml;
    ml.max_parts = 8;
    ml.max_field_bytes = 16 * 1024;
    ml.max_file_bytes = static_cast<std::size_t>(lib->limits().max_bytes);
    auto parts = http::parse_multipart(req.body(), *boundary, ml);
    std::map<std::string, std::string> form;
    const http::multipart_part* file = nullptr;
    if (parts) {
      for (const auto& p : *parts) {
        if (p.file_name) {
          if (p.name == "file" && !file) file = &p;
        } else {
          form.emplace(p.name, p.body);
        }
      }
    }
    // A body that parsed must carry the session's token. One that did not parse has no token to
    // check: a part over its limit is reported next to its field (nothing is done), anything
    // else is refused like a form without its token.
    if (parts ? !csrf_ok(req, form, token) : parts.err().code != errc::too_large) return refused();
    form_state typed{form["unit"], form["alt_text"], form["title"]};
    if (!parts) {
      add_errors(fe, parts.err(), s);
      return media_screen(s, *who, csrf, typed, fe, {}, http::status_for(parts.err().code));
    }
    auto snap = units_->get();
    if (!trust::allowed(*who, trust::action::edit_content, unit_id{typed.unit}, snap->tree) || snap->tree.ended(typed.unit))
      fe.by_field["unit"] = s.t("Bạn không quản lý tệp của đơn vị này", "You do not manage this unit's files");
    if (!file || (file->file_name->empty() && file->body.empty()))
      fe.by_field["file"] = s.t("Hãy chọn một tệp ảnh", "Choose an image file");
    if (!fe.empty()) return media_screen(s, *who, csrf, typed, fe, {}, http::status::unprocessable_entity);
    media_upload up;
    up.unit = unit_id{typed.unit};
    up.file_name = *file->file_name;
    up.declared_type = file->content_type;
    up.bytes = file->body;
    up.alt_text = typed.alt_text;
    up.title = typed.title;
    auto m = lib->add_image(up, who->id.value, now());
    if (!m) {
      add_errors(fe, m.err(), s);
      // The server's trouble (a full disk: 507) is not the file's (422).
      const bool server = m.err().code == errc::storage_full || m.err().code == errc::io_error;
      return media_screen(s, *who, csrf, typed, fe, {}, server ? http::status_for(m.err().code) : http::status::unprocessable_entity);
    }
    return see_other(s.link("/tep") + (s.en ? "&" : "?") + "da=tai-len");
  });
}

}  // namespace portal
PBGDPL_NAMESPACE_END
