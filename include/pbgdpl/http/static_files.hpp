// Serves files from one directory (theme CSS, images, media) without ever leaving it: the path
// is checked segment by segment and again after resolving symlinks, so "..", "%2e%2e", "..%2f"
// and links pointing outside all end in 404. Files are opened without blocking and only when
// regular (a FIFO or device named like a file is a 404, never a hung worker). Only an allow-list
// of types is shown inline; the rest, and always HTML, SVG, scripts and XML unless the mount is
// the application's own trusted assets, are sent as attachments, so an uploaded page cannot run
// script in the site's origin.
#pragma once
#include "router.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace http {

// The Content-Type for a file name, by extension (core/media_types.hpp's table).
PBGDPL_DECL std::string_view content_type_for(std::string_view name);

// Resolves `relative` (a "/"-separated path from a request) under `root`; an error for anything
// that would leave it. Usable by any layer that maps names to files.
PBGDPL_DECL result<std::filesystem::path> resolve_under(const std::filesystem::path& root, std::string_view relative);

struct static_options {
  std::size_t max_file_bytes = 64u * 1024u * 1024u;
  std::string cache_control = "public, max-age=3600";
  std::string param = "path";  // the route's {path:path} parameter
  // The mount holds the application's own assets (the theme it ships): every type is served
  // inline, HTML, SVG and scripts included. Leave false for any directory others can put files
  // in (uploads, media, imported bundles).
  bool trusted_assets = false;
  // Extensions (lower case, no dot) shown inline from an untrusted mount; any other file is an
  // attachment. Types that can run script (HTML, SVG, JavaScript, XML) are attachments there
  // even when listed.
  std::vector<std::string> inline_types{"css", "png", "jpg", "jpeg", "gif", "webp", "ico", "woff2", "txt", "pdf"};
};

// A handler for a route like "/assets/{path:path}". Files are read whole: fine for theme assets
// and images; large media would want a file body, left for the media layer.
PBGDPL_DECL handler static_files(std::filesystem::path root, static_options opt = {});

}  // namespace http
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/static_files.ipp"
#endif
