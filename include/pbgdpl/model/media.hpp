// Media assets (the bytes are addressed by their BLAKE2b-256, stored by media/ and store/) and
// publications built from them: outlines of new documents, handbooks, leaflets, legal stories,
// short plays, videos and e-lectures (plan task 2).
#pragma once
#include "article.hpp"

PBGDPL_NAMESPACE_BEGIN

enum class media_type { image, video, audio, pdf, document, other };
PBGDPL_ENUM_NAMES(media_type, {media_type::image, "image"}, {media_type::video, "video"}, {media_type::audio, "audio"},
                  {media_type::pdf, "pdf"}, {media_type::document, "document"}, {media_type::other, "other"});

struct media_asset {
  media_id id;
  int schema_version = model_schema_version;
  std::uint64_t version = 0;
  media_type type = media_type::image;
  std::string title;
  std::string file_name;
  std::string mime_type;
  std::uint64_t size = 0;
  std::string blake2b;  // hex BLAKE2b-256 of the bytes: the content address
  std::optional<std::uint32_t> width, height;
  std::optional<double> duration_seconds;
  std::string alt_text;  // required for images: screen readers and the banner rule need it
  unit_id unit;
  std::optional<timestamp> created_at;

  friend bool operator==(const media_asset&, const media_asset&) = default;
};

template <class V>
void describe(V& f, media_asset& x) {
  using model_io::need;
  using model_io::short_text;
  f("id", x.id, need::required);
  f.header(x.schema_version, x.version);
  f("type", x.type, need::required);
  f("title", x.title, need::optional, short_text);
  f("file_name", x.file_name, need::required, short_text);
  f("mime_type", x.mime_type, need::required, short_text);
  f("size", x.size, need::required);
  f("blake2b", x.blake2b, need::required, short_text);
  f("width", x.width);
  f("height", x.height);
  f("duration_seconds", x.duration_seconds);
  f("alt_text", x.alt_text, need::optional, short_text);
  f("unit", x.unit, need::required);
  f("created_at", x.created_at);
}
PBGDPL_MODEL_JSON(media_asset)

// A file name with no directory part and nothing a file system treats specially.
inline bool is_safe_file_name(std::string_view s) noexcept {
  if (s.empty() || s.size() > 255 || s == "." || s == ".." || s.front() == '.') return false;
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7F || c == '/' || c == '\\' || c == ':' || c == '*' || c == '?' || c == '"' || c == '<' ||
        c == '>' || c == '|')
      return false;
  return true;
}

// The MIME family a media type must have ("image/..." for image); empty when any goes.
inline std::string_view expected_mime_prefix(media_type t) noexcept {
  switch (t) {
    case media_type::image: return "image/";
    case media_type::video: return "video/";
    case media_type::audio: return "audio/";
    case media_type::pdf: return "application/pdf";
    default: return "";
  }
}

inline void validate(const media_asset& m, validator& v) {
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
  v.check(rules::is_hex(m.blake2b, 64), "/blake2b", errc::invalid_argument,
          "Mã băm BLAKE2b-256 phải là 64 ký tự hex thường", "BLAKE2b-256 must be 64 lower-case hex characters");
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

enum class publication_kind { outline, handbook, leaflet, legal_story, short_play, video, e_lecture, infographic };
PBGDPL_ENUM_NAMES(publication_kind, {publication_kind::outline, "outline"}, {publication_kind::handbook, "handbook"},
                  {publication_kind::leaflet, "leaflet"}, {publication_kind::legal_story, "legal_story"},
                  {publication_kind::short_play, "short_play"}, {publication_kind::video, "video"},
                  {publication_kind::e_lecture, "e_lecture"}, {publication_kind::infographic, "infographic"});

inline std::string_view publication_kind_label_vi(publication_kind k) noexcept {
  switch (k) {
    case publication_kind::outline: return "Đề cương giới thiệu văn bản";
    case publication_kind::handbook: return "Sách, cẩm nang";
    case publication_kind::leaflet: return "Tờ gấp";
    case publication_kind::legal_story: return "Câu chuyện pháp luật";
    case publication_kind::short_play: return "Tiểu phẩm pháp luật";
    case publication_kind::video: return "Video";
    case publication_kind::e_lecture: return "Bài giảng điện tử";
    case publication_kind::infographic: return "Infographic";
  }
  return {};
}

struct publication {
  publication_id id;
  int schema_version = model_schema_version;
  std::uint64_t version = 0;
  publication_kind kind = publication_kind::leaflet;
  std::string title;
  std::string summary;
  unit_id unit;
  std::vector<media_id> media;
  std::vector<legal_document_id> documents;
  std::vector<std::string> partners;  // co-authors, e.g. "Công an quận Hà Đông"
  article_state state = article_state::draft;
  std::optional<timestamp> published_at;

  friend bool operator==(const publication&, const publication&) = default;
};

template <class V>
void describe(V& f, publication& x) {
  using model_io::need;
  using model_io::short_text;
  f("id", x.id, need::required);
  f.header(x.schema_version, x.version);
  f("kind", x.kind, need::required);
  f("title", x.title, need::required, short_text);
  f("summary", x.summary);
  f("unit", x.unit, need::required);
  f("media", x.media);
  f("documents", x.documents);
  f("partners", x.partners, need::optional, short_text);
  f("state", x.state, need::required);
  f("published_at", x.published_at);
}
PBGDPL_MODEL_JSON(publication)

inline bool is_published(const publication& p) noexcept { return p.state == article_state::published; }

inline void validate(const publication& p, validator& v) {
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

PBGDPL_NAMESPACE_END
