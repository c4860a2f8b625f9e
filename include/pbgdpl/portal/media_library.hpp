// A unit's uploaded images: checked by their content (media/images.hpp), kept under a data
// directory as <dir>/<id>/original.<ext> and <dir>/<id>/thumb.png, and recorded in the store as
// media_asset records (BLAKE2b-256 of the bytes, size, dimensions). An upload either ends with
// both files and the record, or leaves nothing: the files are written into a fresh directory
// that is renamed into place, and removed again when the record cannot be written.
// Served read-only at /don-vi/<unit>/pbgdpl/tep/<id>/<file> (routes()), only for a recorded
// asset of that unit.
#pragma once
#include "../http/router.hpp"
#include "../media/images.hpp"
#include "../model/media.hpp"
#include "../store/store.hpp"

#include <filesystem>
#include <memory>
#include <string>

PBGDPL_NAMESPACE_BEGIN
namespace portal {

struct media_upload {
  unit_id unit;
  std::string file_name;      // as the browser sent it (no directory part)
  std::string declared_type;  // the part's Content-Type
  std::string_view bytes;
  std::string alt_text;
  std::string title;
};

class media_library {
 public:
  media_library(store::store& db, std::filesystem::path dir, media::image_limits limits = {}, std::uint32_t thumb_edge = 320);

  const media::image_limits& limits() const noexcept { return limits_; }
  const std::filesystem::path& dir() const noexcept { return dir_; }

  // Checks, stores and records one image. Errors carry the field's path ("/file", "/alt_text")
  // and a message in both languages; on any error nothing is left behind.
  result<media_asset> add_image(const media_upload& up, std::string_view actor, timestamp now);

  // Takes back an asset this request added when the step after it fails (a banner's later
  // variant, its record): the record first, then its files. If the record cannot be removed (a
  // full disk can refuse even that) the asset stays whole, record and files, never half.
  result<void> discard(const media_asset& m, std::string_view actor);

  // The public routes, to mount at "/don-vi/{unit}/pbgdpl/tep": GET /{id}/{file}, where file is
  // "original.<ext>" or "thumb.png".
  std::shared_ptr<const http::router> routes() const noexcept { return routes_; }

  // Whether this library holds the asset's files (a record imported with a dataset may have none).
  bool has_files(const media_asset& m) const;

  // The public paths of an asset (under `prefix`, the portal's public prefix).
  static std::string original_path(std::string_view prefix, const media_asset& m);
  static std::string thumb_path(std::string_view prefix, const media_asset& m);

 private:
  http::response serve(std::string_view unit, std::string_view id, std::string_view file) const;
  store::store& db_;
  std::filesystem::path dir_;
  media::image_limits limits_;
  std::uint32_t thumb_edge_;
  std::shared_ptr<http::router> routes_;
};

}  // namespace portal
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/media_library.ipp"
#endif
