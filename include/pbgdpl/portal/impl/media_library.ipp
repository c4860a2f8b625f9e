// Bodies of portal/media_library.hpp (inline in header-only mode, compiled once from src/portal/).
#pragma once
#include "../../core/files.hpp"
#include "../../core/media_types.hpp"
#include "../../trust/hash.hpp"
#include "../media_library.hpp"

#include <sys/stat.h>

PBGDPL_NAMESPACE_BEGIN
namespace portal {

PBGDPL_DECL media_library::media_library(store::store& db, std::filesystem::path dir, media::image_limits limits,
                                         std::uint32_t thumb_edge)
    : db_(db), dir_(std::move(dir)), limits_(limits), thumb_edge_(thumb_edge), routes_(std::make_shared<http::router>()) {
  routes_->get("/{id}/{file}", [this](http::request& req) {
    return serve(req.param("unit"), req.param("id"), req.param("file"));
  });
}

PBGDPL_DECL std::string media_library::original_path(std::string_view prefix, const media_asset& m) {
  return std::string(prefix) + "/don-vi/" + m.unit.value + "/pbgdpl/tep/" + m.id.value + "/original." +
         mime::extension(m.file_name);
}
PBGDPL_DECL std::string media_library::thumb_path(std::string_view prefix, const media_asset& m) {
  return std::string(prefix) + "/don-vi/" + m.unit.value + "/pbgdpl/tep/" + m.id.value + "/thumb.png";
}

PBGDPL_DECL bool media_library::has_files(const media_asset& m) const {
  if (!files::check_segment(m.id.value) || m.id.value.empty() || m.id.value.front() == '.') return false;
  std::error_code ec;
  return std::filesystem::is_regular_file(dir_ / m.id.value / "thumb.png", ec);
}

PBGDPL_DECL result<media_asset> media_library::add_image(const media_upload& up, std::string_view actor, timestamp now) {
  // Every check and every byte to write, in memory first: a refusal writes nothing.
  auto info = media::check_image(up.bytes, up.file_name, up.declared_type, limits_);
  if (!info) return info.err();
  auto thumb = media::make_thumbnail(up.bytes, thumb_edge_, limits_);
  if (!thumb) return thumb.err();
  media_asset m;
  m.id = new_id<media_id>();
  m.type = media_type::image;
  m.title = up.title;
  // The stored name keeps what the person called it, with the extension the content is served
  // under ("anh.jpeg" is kept as "anh.jpg").
  m.file_name = up.file_name.substr(0, up.file_name.rfind('.')) + "." + std::string(media::extension_of(info->format));
  m.mime_type = std::string(media::mime_type_of(info->format));
  m.size = up.bytes.size();
  m.blake2b = trust::to_hex(trust::blake2b(32).update(up.bytes).final());
  m.width = info->width;
  m.height = info->height;
  m.alt_text = up.alt_text;
  m.unit = up.unit;
  m.created_at = now;
  if (auto ok = check(m); !ok) {
    auto e = ok.err();
    for (auto& d : e.details)
      if (d.path == "/file_name") d.path = "/file";
    if (e.path == "/file_name") e.path = "/file";
    return e;
  }
  // A fresh directory (mkdir fails on anything already there, a planted link included), both
  // files inside, then one rename puts them in place under the asset's id.
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  const auto tmp = dir_ / (".tmp-" + m.id.value);
  const auto final_dir = dir_ / m.id.value;
  if (::mkdir(tmp.c_str(), 0755) != 0)
    return error(errc::io_error, {}, "Không tạo được thư mục lưu tệp", "Cannot create the media directory");
  auto cleanup = [&](const std::filesystem::path& d) { std::filesystem::remove_all(d, ec); };
  const std::string original = "original." + std::string(media::extension_of(info->format));
  for (auto [name, bytes] : {std::pair<std::string, std::string_view>{original, up.bytes}, {"thumb.png", *thumb}})
    if (auto w = files::replace_file(tmp / name, bytes, 0644); !w) {
      cleanup(tmp);
      // The person uploading is told what happened, not the server's paths (the full error
      // names them); a full disk is storage_full (507) and nothing is kept.
      if (w.err().code == errc::storage_full)
        return error(errc::storage_full, "/file", "Không lưu được ảnh: máy chủ đã hết dung lượng lưu trữ. Ảnh chưa được lưu; hãy báo quản trị hệ thống.",
                     "The image was not stored: the server's storage is full. Nothing was saved; tell the system administrator.");
      return error(errc::io_error, "/file", "Không ghi được ảnh vào bộ nhớ của máy chủ. Ảnh chưa được lưu.",
                   "The image could not be written to the server's storage. Nothing was saved.");
    }
  if (::rename(tmp.c_str(), final_dir.c_str()) != 0) {
    cleanup(tmp);
    return error(errc::io_error, {}, "Không lưu được tệp", "Cannot store the file");
  }
  auto w = db_.create(m, actor);
  if (!w) {
    cleanup(final_dir);
    return w.err();
  }
  return *w;
}

PBGDPL_DECL result<void> media_library::discard(const media_asset& m, std::string_view actor) {
  if (auto r = db_.remove<media_asset>(m.id.value, m.version, actor); !r) return r.err();
  std::error_code ec;
  if (files::check_segment(m.id.value) && !m.id.value.empty() && m.id.value.front() != '.')
    std::filesystem::remove_all(dir_ / m.id.value, ec);
  return {};
}

PBGDPL_DECL http::response media_library::serve(std::string_view unit, std::string_view id, std::string_view file) const {
  auto not_found = [] { return http::error_response(http::status::not_found, errc::not_found); };
  // The id and file name come from the path: only a recorded asset of this unit, and only the two
  // names this library writes, are ever joined to the directory.
  if (!files::check_segment(id) || id.empty() || id.front() == '.') return not_found();
  auto m = db_.get<media_asset>(id);
  if (!m || m->unit.value != unit) return not_found();
  const std::string ext = mime::extension(m->file_name);
  const bool thumb = file == "thumb.png";
  if (!thumb && file != "original." + ext) return not_found();
  auto bytes = files::read_regular(dir_ / m->id.value / std::string(file), limits_.max_bytes, {.refuse_symlinks = true});
  if (!bytes) return not_found();
  http::response r(http::status::ok);
  r.body = std::move(*bytes);
  r.set("Content-Type", thumb ? "image/png" : m->mime_type);
  r.set("X-Content-Type-Options", "nosniff");
  // An id's bytes never change (a new upload gets a new id), so browsers may keep them.
  r.set("Cache-Control", "public, max-age=31536000, immutable");
  if (m->type != media_type::image)
    r.set("Content-Disposition", "attachment; filename=\"" + m->id.value + "." + ext + "\"");
  r.cacheable = false;
  return r;
}

}  // namespace portal
PBGDPL_NAMESPACE_END
