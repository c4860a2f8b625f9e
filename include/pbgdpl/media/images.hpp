// Uploaded images checked by their content, not by their name: the type is read from the magic
// bytes (PNG, JPEG, GIF; WebP and everything else refused, stb_image cannot decode WebP), the
// declared extension and Content-Type must agree with it, bytes, dimensions and pixel count are
// bounded (the pixel count from the header, before any decode: a decompression bomb is refused
// while it is still a few bytes), and the decode must succeed. Thumbnails are PNGs no larger
// than a given edge. Decoding, resizing and encoding are stb's (Debian libstb-dev).
#pragma once
#include "../core/errors.hpp"
#include "../core/result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace media {

enum class image_format { png, jpeg, gif };

struct image_limits {
  std::uint64_t max_bytes = 10 * 1024 * 1024;  // 10 MiB: a phone photo is 2-6 MiB
  std::uint32_t max_width = 8192;
  std::uint32_t max_height = 8192;
  // 40 megapixels: a decode holds 4 bytes a pixel (160 MiB), the most one upload may cost.
  std::uint64_t max_pixels = 40'000'000;
};

struct image_info {
  image_format format = image_format::png;
  std::uint32_t width = 0, height = 0;
  friend bool operator==(const image_info&, const image_info&) = default;
};

// "image/png", "image/jpeg", "image/gif".
PBGDPL_DECL std::string_view mime_type_of(image_format f) noexcept;
// "png", "jpg", "gif": the extension a stored original gets.
PBGDPL_DECL std::string_view extension_of(image_format f) noexcept;

// The format the first bytes announce, or nothing (WebP, SVG, text, anything else).
PBGDPL_DECL std::optional<image_format> sniff_image(std::string_view bytes) noexcept;

// The size an upload declares (its Content-Length), checked before its body is read.
PBGDPL_DECL result<void> check_image_size(std::uint64_t bytes, const image_limits& lim = {});

// Checks an uploaded image: size, magic bytes, the name's extension and the declared
// Content-Type ("" or application/octet-stream: not declared) against the content, the header's
// dimensions and pixel count, then a full decode. Errors carry the path "/file" and a message in
// both languages.
PBGDPL_DECL result<image_info> check_image(std::string_view bytes, std::string_view file_name,
                                           std::string_view declared_type, const image_limits& lim = {});

// A PNG thumbnail whose longer edge is at most `max_edge` pixels (an image already smaller keeps
// its size). The image is checked first, as check_image does without the name.
PBGDPL_DECL result<std::string> make_thumbnail(std::string_view bytes, std::uint32_t max_edge = 320,
                                               const image_limits& lim = {});

// Decodes an image to RGBA8 pixels (4 bytes a pixel, rows top to bottom) after the checks of
// check_image without the name: the header's dimensions are checked before any pixel is decoded.
// `pixels` is replaced only on success.
PBGDPL_DECL result<image_info> decode_rgba(std::string_view bytes, std::vector<std::uint8_t>& pixels,
                                           const image_limits& lim = {});

// Encodes RGBA or RGB pixels as PNG (tests and thumbnails).
PBGDPL_DECL std::string encode_png(const unsigned char* pixels, int width, int height, int channels);

}  // namespace media
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/images.ipp"
#endif
