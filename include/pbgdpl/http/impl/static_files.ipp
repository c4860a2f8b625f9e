// Bodies of http/static_files.hpp: compiled once into the http tier (src/http/static_files.cpp),
// or included by the header in header-only builds.
#pragma once
#include "../static_files.hpp"

#include "../../core/files.hpp"
#include "../../core/media_types.hpp"

#include <algorithm>
#include <cerrno>
#include <system_error>

#include <sys/stat.h>
#include <unistd.h>

PBGDPL_NAMESPACE_BEGIN
namespace http {

PBGDPL_DECL std::string_view content_type_for(std::string_view name) { return mime::content_type_for(name); }

PBGDPL_DECL result<std::filesystem::path> resolve_under(const std::filesystem::path& root, std::string_view relative) {
  namespace fs = std::filesystem;
  fs::path p = root;
  std::string_view rest = relative;
  while (!rest.empty()) {
    auto slash = rest.find('/');
    auto seg = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    if (seg.empty()) continue;
    // Hidden files (.git, .env) are never served.
    if (auto r = files::check_segment(seg, {.allow_hidden = false}); !r) {
      auto e = r.err();
      e.path = "/path";
      return e;
    }
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

namespace detail {
// A type a browser may run script from when it renders it in our origin.
PBGDPL_DECL bool is_active_type(std::string_view content_type) {
  for (std::string_view t : {"text/html", "image/svg", "text/javascript", "application/javascript", "application/xml",
                             "text/xml", "application/xhtml"})
    if (content_type.starts_with(t)) return true;
  return false;
}
// `Content-Disposition: attachment` with the name in both forms (RFC 6266): an ASCII fallback
// with anything unsafe replaced, and the exact UTF-8 name percent-encoded.
PBGDPL_DECL std::string attachment_disposition(std::string_view name) {
  std::string ascii;
  for (unsigned char c : name) ascii.push_back(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '%' ? static_cast<char>(c) : '_');
  return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + percent_encode(name);
}
}  // namespace detail

PBGDPL_DECL handler static_files(std::filesystem::path root, static_options opt) {
  for (auto& t : opt.inline_types) t = mime::extension("." + t);
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
    auto ext = mime::extension(name);
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
