// The one table of file types by extension, for every layer that names a file's type: static
// files (http/, which sends it as Content-Type) and bundle manifests (media/, which records it).
// Only types a school portal or a signage player handles; anything else is
// application/octet-stream.
#pragma once
#include "../config.hpp"

#include <string>
#include <string_view>

PBGDPL_NAMESPACE_BEGIN
namespace mime {

struct type_entry {
  std::string_view extension;     // lower case, no dot
  std::string_view content_type;  // as sent over HTTP: text types carry "; charset=utf-8"
};

inline constexpr type_entry types[] = {
    {"html", "text/html; charset=utf-8"},
    {"htm", "text/html; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"txt", "text/plain; charset=utf-8"},
    {"md", "text/markdown; charset=utf-8"},
    {"json", "application/json"},
    {"xml", "application/xml"},
    {"pdf", "application/pdf"},
    {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    {"svg", "image/svg+xml"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},
    {"webp", "image/webp"},
    {"ico", "image/x-icon"},
    {"woff2", "font/woff2"},
    {"mp4", "video/mp4"},
    {"m4v", "video/mp4"},
    {"webm", "video/webm"},
    {"mkv", "video/x-matroska"},
    {"mov", "video/quicktime"},
    {"mp3", "audio/mpeg"},
    {"ogg", "audio/ogg"},
    {"wav", "audio/wav"},
};

inline constexpr std::string_view unknown_type = "application/octet-stream";

// The extension of a file name or path, lower-cased ASCII, without the dot; empty when none.
inline std::string extension(std::string_view name) {
  auto dot = name.rfind('.');
  if (dot == std::string_view::npos || name.find('/', dot) != std::string_view::npos) return {};
  std::string ext(name.substr(dot + 1));
  for (auto& c : ext) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return ext;
}

// The Content-Type to send for a file name ("text/css; charset=utf-8", "image/png").
inline std::string_view content_type_for(std::string_view name) {
  auto ext = extension(name);
  for (const auto& t : types)
    if (t.extension == ext) return t.content_type;
  return unknown_type;
}

// The bare media type of a file name, without parameters ("text/css", "image/png").
inline std::string_view type_for(std::string_view name) {
  auto t = content_type_for(name);
  return t.substr(0, t.find(';'));
}

}  // namespace mime
PBGDPL_NAMESPACE_END
