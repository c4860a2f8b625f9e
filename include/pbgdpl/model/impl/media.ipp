// Bodies of model/media.hpp (JSON codecs and validation): compiled once into the core tier
// (src/core/model.cpp), or included by the header in header-only builds.
#pragma once
#include "../media.hpp"

PBGDPL_NAMESPACE_BEGIN

PBGDPL_MODEL_DEFINE(media_asset)

PBGDPL_DECL void validate(const media_asset& m, validator& v) {
  rules::schema(v, m.schema_version);
  rules::known(v, m.type, "/type");
  rules::identifier(v, m.id, "/id", "Mã tệp", "Media id");
  rules::text(v, m.title, "/title", "Tiêu đề", "Title", false);
  if (m.file_name.empty())
    v.add("/file_name", errc::missing_field, "Tên tệp không được để trống", "File name must not be empty");
  else if (!text::is_valid_utf8(m.file_name) || !is_safe_file_name(m.file_name))
    v.add("/file_name", errc::unsafe_path, "Tên tệp không an toàn (không được chứa đường dẫn hay ký tự đặc biệt)",
          "Unsafe file name (no path or special characters)");
  auto slash = m.mime_type.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == m.mime_type.size() ||
      m.mime_type.find_first_of(" \t\r\n;") != std::string::npos)
    v.add("/mime_type", errc::invalid_argument, "Kiểu MIME phải có dạng loại/kiểu", "A MIME type looks like type/subtype");
  else if (auto want = expected_mime_prefix(m.type); !want.empty() && m.mime_type.rfind(want, 0) != 0)
    v.add("/mime_type", errc::invalid_argument, "Kiểu MIME không khớp loại tệp " + std::string(to_string(m.type)),
          "MIME type does not match media type " + std::string(to_string(m.type)));
  v.check(m.size > 0, "/size", errc::out_of_range, "Tệp rỗng", "The file is empty");
  rules::blake2b(v, m.blake2b, "/blake2b");
  if (m.type == media_type::image) {
    v.check(m.width && *m.width > 0, "/width", errc::missing_field, "Ảnh phải có chiều rộng", "An image needs a width");
    v.check(m.height && *m.height > 0, "/height", errc::missing_field, "Ảnh phải có chiều cao", "An image needs a height");
    rules::text(v, m.alt_text, "/alt_text", "Văn bản thay thế của ảnh", "Image alt text", true);
  } else {
    rules::text(v, m.alt_text, "/alt_text", "Văn bản thay thế", "Alt text", false);
  }
  if (m.type == media_type::video || m.type == media_type::audio)
    v.check(m.duration_seconds && *m.duration_seconds > 0 && *m.duration_seconds < 24 * 3600.0, "/duration_seconds",
            errc::out_of_range, "Thời lượng phải lớn hơn 0 và dưới 24 giờ", "Duration must be above 0 and below 24 h");
  else if (m.duration_seconds)
    v.add("/duration_seconds", errc::invalid_argument, "Chỉ video và âm thanh có thời lượng",
          "Only video and audio have a duration");
  rules::identifier(v, m.unit, "/unit", "Đơn vị", "Unit");
}

PBGDPL_MODEL_DEFINE(publication)

PBGDPL_DECL void validate(const publication& p, validator& v) {
  rules::schema(v, p.schema_version);
  rules::known(v, p.kind, "/kind");
  rules::known(v, p.state, "/state");
  rules::identifier(v, p.id, "/id", "Mã ấn phẩm", "Publication id");
  rules::text(v, p.title, "/title", "Tiêu đề", "Title", true);
  rules::long_text(v, p.summary, "/summary", "Tóm tắt", "Summary", false);
  rules::identifier(v, p.unit, "/unit", "Đơn vị", "Unit");
  rules::identifiers(v, p.media, "/media", "Tệp", "Media");
  rules::identifiers(v, p.documents, "/documents", "Văn bản", "Document");
  rules::texts(v, p.partners, "/partners", "Đơn vị phối hợp", "Partner");
  if ((p.state == article_state::published || p.state == article_state::archived) && !p.published_at)
    v.add("/published_at", errc::missing_field, "Ấn phẩm đã đăng phải có ngày đăng",
          "A published publication must have published_at");
  if (p.state != article_state::draft)
    v.check(!p.media.empty(), "/media", errc::missing_field, "Ấn phẩm phải có ít nhất một tệp",
            "A publication needs at least one media file");
}

#if !defined(PBGDPL_HEADER_ONLY)
PBGDPL_MODEL_INSTANTIATE(media_asset)
PBGDPL_MODEL_INSTANTIATE(publication)
#endif

PBGDPL_NAMESPACE_END
