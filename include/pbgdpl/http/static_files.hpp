// Serves files from one directory (theme CSS, images, media) without ever leaving it: the path
// is checked segment by segment and again after resolving symlinks, so "..", "%2e%2e", "..%2f"
// and links pointing outside all end in 404.
#pragma once
#include "router.hpp"

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>

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
};

// A handler for a route like "/assets/{path:path}". Files are read whole: fine for theme assets
// and images; large media would want a file body, left for the media layer.
inline handler static_files(std::filesystem::path root, static_options opt = {}) {
  return [root = std::move(root), opt = std::move(opt)](request& req) {
    auto p = resolve_under(root, req.param(opt.param));
    if (!p) return error_response(status::not_found, errc::not_found);
    std::error_code ec;
    if (!std::filesystem::is_regular_file(*p, ec)) return error_response(status::not_found, errc::not_found);
    auto size = std::filesystem::file_size(*p, ec);
    if (ec || size > opt.max_file_bytes) return error_response(status::not_found, errc::not_found);
    std::ifstream in(*p, std::ios::binary);
    std::string body(size, '\0');
    if (!in.read(body.data(), static_cast<std::streamsize>(size))) return error_response(status::internal_server_error, errc::io_error);
    response r;
    r.set("Content-Type", content_type_for(p->filename().native()));
    r.set("Cache-Control", opt.cache_control);
    auto mtime = std::filesystem::last_write_time(*p, ec);
    if (!ec) {
      auto sys = std::chrono::file_clock::to_sys(mtime);
      r.set("Last-Modified", format_http_date(std::chrono::time_point_cast<std::chrono::seconds>(sys)));
    }
    r.body = std::move(body);
    return r;
  };
}

}  // namespace http
PBGDPL_NAMESPACE_END
