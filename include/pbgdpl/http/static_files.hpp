// Serves files from one directory (theme CSS, images, media) without ever leaving it: the path
// is checked segment by segment and again after resolving symlinks, so "..", "%2e%2e", "..%2f"
// and links pointing outside all end in 404. Files are opened without blocking and only when
// regular (a FIFO or device named like a file is a 404, never a hung worker). Only an allow-list
// of types is shown inline; the rest, and always HTML, SVG, scripts and XML unless the mount is
// the application's own trusted assets, are sent as attachments, so an uploaded page cannot run
// script in the site's origin.
#pragma once
#include "../core/files.hpp"
#include "router.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace http {

// The Content-Type for a file name, by extension (only types a school portal serves).
inline std::string_view content_type_for(std::string_view name) {
  auto dot = name.rfind('.');
  std::string ext = dot == std::string_view::npos ? std::string{} : std::string(name.substr(dot + 1));
  for (auto& c : ext) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (ext == "html" || ext == "htm") return "text/html; charset=utf-8";
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "js") return "text/javascript; charset=utf-8";
  if (ext == "json") return "application/json";
  if (ext == "txt") return "text/plain; charset=utf-8";
  if (ext == "xml") return "application/xml";
  if (ext == "svg") return "image/svg+xml";
  if (ext == "png") return "image/png";
  if (ext == "jpg" || ext == "jpeg") return "image/jpeg";
  if (ext == "gif") return "image/gif";
  if (ext == "webp") return "image/webp";
  if (ext == "ico") return "image/x-icon";
  if (ext == "pdf") return "application/pdf";
  if (ext == "woff2") return "font/woff2";
  if (ext == "mp4") return "video/mp4";
  return "application/octet-stream";
}

// Resolves `relative` (a "/"-separated path from a request) under `root`; an error for anything
// that would leave it. Usable by any layer that maps names to files.
inline result<std::filesystem::path> resolve_under(const std::filesystem::path& root, std::string_view relative) {
  namespace fs = std::filesystem;
  fs::path p = root;
  std::string_view rest = relative;
  while (!rest.empty()) {
    auto slash = rest.find('/');
    auto seg = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    if (seg.empty()) continue;
    if (seg == "." || seg == ".." || seg.find('\\') != std::string_view::npos || seg.find('\0') != std::string_view::npos ||
        seg.front() == '.')  // hidden files (.git, .env) are never served
      return error(errc::unsafe_path, "/path");
    p /= fs::path(std::string(seg));
  }
  std::error_code ec;
  auto canon_root = fs::canonical(root, ec);
  if (ec) return error(errc::not_found);
  auto canon = fs::canonical(p, ec);
  if (ec) return error(errc::not_found);
  auto r = canon.native(), base = canon_root.native();
  if (r.size() < base.size() || r.compare(0, base.size(), base) != 0 || (r.size() > base.size() && r[base.size()] != '/'))
    return error(errc::unsafe_path, "/path");
  return canon;
}

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

namespace detail {
inline std::string lower_extension(std::string_view name) {
  auto dot = name.rfind('.');
  std::string ext = dot == std::string_view::npos ? std::string{} : std::string(name.substr(dot + 1));
  for (auto& c : ext) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return ext;
}
// A type a browser may run script from when it renders it in our origin.
inline bool is_active_type(std::string_view content_type) {
  for (std::string_view t : {"text/html", "image/svg", "text/javascript", "application/javascript", "application/xml",
                             "text/xml", "application/xhtml"})
    if (content_type.starts_with(t)) return true;
  return false;
}
// `Content-Disposition: attachment` with the name in both forms (RFC 6266): an ASCII fallback
// with anything unsafe replaced, and the exact UTF-8 name percent-encoded.
inline std::string attachment_disposition(std::string_view name) {
  std::string ascii;
  for (unsigned char c : name) ascii.push_back(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '%' ? static_cast<char>(c) : '_');
  return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + percent_encode(name);
}
}  // namespace detail

// A handler for a route like "/assets/{path:path}". Files are read whole: fine for theme assets
// and images; large media would want a file body, left for the media layer.
inline handler static_files(std::filesystem::path root, static_options opt = {}) {
  for (auto& t : opt.inline_types) t = detail::lower_extension("." + t);
  return [root = std::move(root), opt = std::move(opt)](request& req) {
    auto p = resolve_under(root, req.param(opt.param));
    if (!p) return error_response(status::not_found, errc::not_found);
    // resolve_under() gave a canonical path (no links left in it); O_NOFOLLOW keeps a link
    // swapped in since from being followed, and open_regular() refuses FIFOs and devices.
    auto fd = files::open_regular(*p, {.refuse_symlinks = true});
    if (!fd) return error_response(status::not_found, errc::not_found);
    struct stat st {};
    if (::fstat(fd->get(), &st) != 0 || static_cast<std::uint64_t>(st.st_size) > opt.max_file_bytes)
      return error_response(status::not_found, errc::not_found);
    std::string body;
    body.resize(static_cast<std::size_t>(st.st_size));
    std::size_t got = 0;
    while (got < body.size()) {
      auto n = ::read(fd->get(), body.data() + got, body.size() - got);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // shrank while we read: send what is there
      got += static_cast<std::size_t>(n);
    }
    body.resize(got);
    const std::string name = p->filename().native();
    std::string_view type = content_type_for(name);
    auto ext = detail::lower_extension(name);
    bool shown = opt.trusted_assets ||
                 (!detail::is_active_type(type) && std::find(opt.inline_types.begin(), opt.inline_types.end(), ext) != opt.inline_types.end());
    response r;
    r.set("Content-Type", type);
    r.set("X-Content-Type-Options", "nosniff");
    if (!shown) r.set("Content-Disposition", detail::attachment_disposition(name));
    r.set("Cache-Control", opt.cache_control);
    auto mtime = std::chrono::system_clock::time_point(std::chrono::seconds(st.st_mtim.tv_sec));
    r.set("Last-Modified", format_http_date(std::chrono::time_point_cast<std::chrono::seconds>(mtime)));
    r.body = std::move(body);
    return r;
  };
}

}  // namespace http
PBGDPL_NAMESPACE_END
