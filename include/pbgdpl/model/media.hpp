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
  model_io::head(f, x);
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
PBGDPL_MODEL_DECLARE(media_asset)

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

PBGDPL_DECL void validate(const media_asset& m, validator& v);

enum class publication_kind { outline, handbook, leaflet, legal_story, short_play, video, e_lecture, infographic };
PBGDPL_ENUM_NAMES(publication_kind, {publication_kind::outline, "outline"}, {publication_kind::handbook, "handbook"},
                  {publication_kind::leaflet, "leaflet"}, {publication_kind::legal_story, "legal_story"},
                  {publication_kind::short_play, "short_play"}, {publication_kind::video, "video"},
                  {publication_kind::e_lecture, "e_lecture"}, {publication_kind::infographic, "infographic"});

PBGDPL_ENUM_LABELS(publication_kind,
                   {publication_kind::outline, "Đề cương giới thiệu văn bản", "Outline of a new document"},
                   {publication_kind::handbook, "Sách, cẩm nang", "Book, handbook"},
                   {publication_kind::leaflet, "Tờ gấp", "Leaflet"},
                   {publication_kind::legal_story, "Câu chuyện pháp luật", "Legal story"},
                   {publication_kind::short_play, "Tiểu phẩm pháp luật", "Short legal play"},
                   {publication_kind::video, "Video", "Video"},
                   {publication_kind::e_lecture, "Bài giảng điện tử", "E-lecture"},
                   {publication_kind::infographic, "Infographic", "Infographic"});
inline std::string_view publication_kind_label_vi(publication_kind x) noexcept { return label_vi(x); }

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
  model_io::head(f, x);
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
PBGDPL_MODEL_DECLARE(publication)

inline bool is_published(const publication& p) noexcept { return p.state == article_state::published; }

PBGDPL_DECL void validate(const publication& p, validator& v);

// Compiled mode: decoding, encoding and checking these is instantiated once, in the library.
PBGDPL_MODEL_EXTERN(media_asset)
PBGDPL_MODEL_EXTERN(publication)

PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/media.ipp"
#endif
