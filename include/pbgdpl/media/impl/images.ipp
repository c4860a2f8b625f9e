// Bodies of media/images.hpp: compiled once into the trust tier (src/trust/images.cpp), or
// included by the header in header-only builds.
//
// stb is compiled here with every function static (STB_*_STATIC), so header-only users get a
// private copy per translation unit and no symbol clashes with a copy of their own; a translation
// unit that includes this file must not also define STB_IMAGE_IMPLEMENTATION itself.
#pragma once
#include "../../core/media_types.hpp"
#include "../images.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#ifndef STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#define STBI_ONLY_JPEG
#define STBI_ONLY_GIF
#define STBI_NO_STDIO
#define STBI_NO_LINEAR
#define STBI_NO_HDR
// Every allocation zeroed: stb_image 2.27's progressive JPEG decoder reads Huffman tables a scan
// names but no DHT defined, left uninitialised in its malloc'd decoder state (valgrind:
// stbi__jpeg_decode_block_prog_ac). The same bytes then decoded or failed depending on what the
// heap held before, and the pixels could carry old heap contents into a served thumbnail (fuzz:
// image, second session of issue 21). Zeroed, every decode of the same bytes gives one answer.
#define STBI_MALLOC(size) std::calloc(1, (size))
#define STBI_REALLOC(p, size) std::realloc((p), (size))
#define STBI_FREE(p) std::free(p)
#include <stb/stb_image.h>
#endif
#ifndef STB_IMAGE_RESIZE_IMPLEMENTATION
#define STB_IMAGE_RESIZE_STATIC
#define STB_IMAGE_RESIZE_IMPLEMENTATION
#include <stb/stb_image_resize.h>
#endif
#ifndef STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_WRITE_NO_STDIO
#include <stb/stb_image_write.h>
#endif

PBGDPL_NAMESPACE_BEGIN
namespace media {

PBGDPL_DECL std::string_view mime_type_of(image_format f) noexcept {
  switch (f) {
    case image_format::png: return "image/png";
    case image_format::jpeg: return "image/jpeg";
    case image_format::gif: return "image/gif";
  }
  return "application/octet-stream";
}

PBGDPL_DECL std::string_view extension_of(image_format f) noexcept {
  switch (f) {
    case image_format::png: return "png";
    case image_format::jpeg: return "jpg";
    case image_format::gif: return "gif";
  }
  return "bin";
}

PBGDPL_DECL std::optional<image_format> sniff_image(std::string_view b) noexcept {
  if (b.size() >= 8 && b.substr(0, 8) == std::string_view("\x89PNG\r\n\x1a\n", 8)) return image_format::png;
  if (b.size() >= 3 && b.substr(0, 3) == std::string_view("\xFF\xD8\xFF", 3)) return image_format::jpeg;
  if (b.size() >= 6 && (b.substr(0, 6) == "GIF87a" || b.substr(0, 6) == "GIF89a")) return image_format::gif;
  return std::nullopt;
}

namespace images_detail {

inline error bad(errc c, std::string vi, std::string en) { return error(c, "/file", std::move(vi), std::move(en)); }

inline std::string mib(std::uint64_t n) {
  auto tenths = (n * 10 + 512 * 1024) / (1024 * 1024);
  return std::to_string(tenths / 10) + (tenths % 10 ? "," + std::to_string(tenths % 10) : "") + " MiB";
}

// The format a name's extension claims, or nothing when it names no image type we take.
inline std::optional<image_format> format_of_extension(std::string_view name) {
  auto ext = mime::extension(name);
  if (ext == "png") return image_format::png;
  if (ext == "jpg" || ext == "jpeg" || ext == "jpe") return image_format::jpeg;
  if (ext == "gif") return image_format::gif;
  return std::nullopt;
}

inline std::string lower_bare_type(std::string_view t) {
  auto semi = t.find(';');
  if (semi != std::string_view::npos) t = t.substr(0, semi);
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
  std::string s(t);
  for (auto& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return s;
}

inline int as_int_len(std::string_view b) { return static_cast<int>(b.size()); }
inline const stbi_uc* as_uc(std::string_view b) { return reinterpret_cast<const stbi_uc*>(b.data()); }

// Whether a PNG's chunks hold no empty IDAT before the first one with data. stb_image 2.27 copies
// each IDAT's bytes into a buffer it allocates on the first non-empty one: an empty one first is a
// memcpy to a null pointer (of 0 bytes: undefined in C, stopped by UBSan; found by
// tests/fuzz/fuzz_image.cpp, input in tests/fuzz/regressions/image/). Legal PNG, written by no
// common encoder: refused as damaged. Walks the chunk lengths only; linear in the chunk count.
inline bool png_first_idat_has_data(std::string_view b) {
  std::size_t at = 8;  // after the signature
  while (at + 8 <= b.size()) {
    auto len = static_cast<std::uint64_t>(static_cast<unsigned char>(b[at])) << 24 |
               static_cast<std::uint64_t>(static_cast<unsigned char>(b[at + 1])) << 16 |
               static_cast<std::uint64_t>(static_cast<unsigned char>(b[at + 2])) << 8 |
               static_cast<std::uint64_t>(static_cast<unsigned char>(b[at + 3]));
    if (b.substr(at + 4, 4) == "IDAT") return len > 0;
    at += 12 + len;  // length, type, data, CRC
  }
  return true;  // no IDAT: stb refuses the file itself
}

// Whether every JPEG Huffman table (DHT) declares at most 256 codes. Debian 12's stb_image 2.27
// does not check it (2.28 does): a table whose 16 counts add up to more writes the code sizes past
// its 257-byte array, over the decoder's other state (found by tests/fuzz/fuzz_image.cpp; its
// input is kept in tests/fuzz/regressions/image/). This walks the markers as stb reads them (the
// segments, the entropy-coded data up to the next marker, garbage between segments skipped) up to
// EOI, and reads each DHT's tables as stb does, so no table stb would build is left unchecked.
// Linear in the file.
inline bool jpeg_huffman_tables_fit(std::string_view b) {
  auto at = [&](std::size_t i) -> unsigned { return i < b.size() ? static_cast<unsigned char>(b[i]) : 0u; };
  std::size_t pos = 2;  // after SOI
  while (pos < b.size()) {
    if (at(pos) != 0xFF) {
      ++pos;
      continue;
    }
    while (pos < b.size() && at(pos) == 0xFF) ++pos;
    unsigned m = at(pos++);
    if (m == 0xD9) return true;                                      // EOI: stb reads no further
    if (m == 0x00 || m == 0x01 || (m >= 0xD0 && m <= 0xD8)) continue;  // stuffing, TEM, RSTn, SOI
    std::size_t len = at(pos) << 8 | at(pos + 1);
    if (m == 0xC4) {
      long left = static_cast<long>(len) - 2;
      std::size_t p = pos + 2;
      while (left > 0 && p < b.size()) {
        unsigned n = 0;
        for (std::size_t i = 1; i <= 16; ++i) n += at(p + i);
        if (n > 256) return false;
        p += 17 + n;
        left -= 17 + static_cast<long>(n);
      }
    }
    pos += len;  // SOS: its header; the entropy-coded data after it is skipped up to a marker
  }
  return true;
}

// Everything but the name: size, magic bytes, header dimensions, end marker, full decode. On
// success `pixels` (when asked for) holds the decoded RGBA pixels.
inline result<image_info> check_content(std::string_view b, const image_limits& lim,
                                        std::unique_ptr<stbi_uc, void (*)(void*)>* pixels) {
  if (b.empty()) return bad(errc::invalid_argument, "Tệp rỗng (0 byte)", "The file is empty (0 bytes)");
  if (auto s = check_image_size(b.size(), lim); !s) return s.err();
  auto fmt = sniff_image(b);
  if (!fmt) {
    if (b.size() >= 12 && b.substr(0, 4) == "RIFF" && b.substr(8, 4) == "WEBP")
      return bad(errc::invalid_argument, "Chưa nhận ảnh WebP; hãy gửi ảnh PNG, JPEG hoặc GIF",
                 "WebP images are not accepted; send a PNG, JPEG or GIF image");
    return bad(errc::invalid_argument, "Nội dung tệp không phải ảnh PNG, JPEG hay GIF",
               "The file's content is not a PNG, JPEG or GIF image");
  }
  if (b.size() > static_cast<std::size_t>(INT32_MAX)) return check_image_size(UINT64_MAX, lim).err();
  // The header alone: dimensions before any pixel is decoded (a 100000x100000 PNG is a few bytes).
  // PNG and GIF carry them at fixed places, read here first because stb_image refuses very large
  // ones with a message that would say "damaged"; then stb reads the header (JPEG's too).
  std::uint64_t W = 0, H = 0;
  auto u8 = [&](std::size_t i) { return static_cast<std::uint64_t>(static_cast<unsigned char>(b[i])); };
  if (*fmt == image_format::png && b.size() >= 24 && b.substr(12, 4) == "IHDR") {
    W = u8(16) << 24 | u8(17) << 16 | u8(18) << 8 | u8(19);
    H = u8(20) << 24 | u8(21) << 16 | u8(22) << 8 | u8(23);
  } else if (*fmt == image_format::gif && b.size() >= 10) {
    W = u8(6) | u8(7) << 8;
    H = u8(8) | u8(9) << 8;
  }
  auto over = [&]() -> std::optional<error> {
    if (W > lim.max_width || H > lim.max_height)
      return bad(errc::too_large,
                 "Ảnh " + std::to_string(W) + "×" + std::to_string(H) + " điểm ảnh, quá cỡ cho phép " +
                     std::to_string(lim.max_width) + "×" + std::to_string(lim.max_height),
                 "The image is " + std::to_string(W) + "×" + std::to_string(H) + " pixels, over the limit of " +
                     std::to_string(lim.max_width) + "×" + std::to_string(lim.max_height));
    if (W * H > lim.max_pixels)
      return bad(errc::too_large, "Ảnh có quá nhiều điểm ảnh (tối đa " + std::to_string(lim.max_pixels) + ")",
                 "The image has too many pixels (at most " + std::to_string(lim.max_pixels) + ")");
    return std::nullopt;
  };
  if (auto e = over()) return *e;
  if (*fmt == image_format::png && !png_first_idat_has_data(b))
    return bad(errc::corrupt, "Ảnh PNG bị hỏng: đoạn dữ liệu ảnh đầu tiên rỗng", "The PNG image is damaged: its first image-data chunk is empty");
  if (*fmt == image_format::jpeg && !jpeg_huffman_tables_fit(b))
    return bad(errc::corrupt, "Ảnh JPEG bị hỏng: bảng mã Huffman sai", "The JPEG image is damaged: a bad Huffman table");
  int w = 0, h = 0, comp = 0;
  if (!stbi_info_from_memory(as_uc(b), as_int_len(b), &w, &h, &comp) || w <= 0 || h <= 0)
    return bad(errc::corrupt, "Ảnh bị hỏng hoặc không đọc được phần đầu", "The image is damaged: its header cannot be read");
  W = static_cast<std::uint64_t>(w);
  H = static_cast<std::uint64_t>(h);
  if (auto e = over()) return *e;
  // stb decodes what it can of a cut-off JPEG or GIF and fills the rest; their end markers say
  // whether the file is whole. A JPEG's EOI (FF D9) cannot occur inside entropy-coded data (an FF
  // there is stuffed as FF 00), so one near the end means the scan finished; a GIF ends in 0x3B.
  if (*fmt == image_format::jpeg) {
    auto tail = b.substr(b.size() > 4096 ? b.size() - 4096 : 0);
    if (tail.find(std::string_view("\xFF\xD9", 2)) == std::string_view::npos)
      return bad(errc::corrupt, "Ảnh JPEG bị cắt cụt (thiếu phần kết thúc)", "The JPEG image is truncated (no end marker)");
  }
  if (*fmt == image_format::gif && b.back() != 0x3B)
    return bad(errc::corrupt, "Ảnh GIF bị cắt cụt (thiếu phần kết thúc)", "The GIF image is truncated (no trailer)");
  int dw = 0, dh = 0, dc = 0;
  std::unique_ptr<stbi_uc, void (*)(void*)> px(stbi_load_from_memory(as_uc(b), as_int_len(b), &dw, &dh, &dc, 4), stbi_image_free);
  if (!px || dw != w || dh != h)
    return bad(errc::corrupt, "Ảnh bị hỏng: không giải mã được", "The image is damaged: it cannot be decoded");
  if (pixels) *pixels = std::move(px);
  return image_info{*fmt, static_cast<std::uint32_t>(w), static_cast<std::uint32_t>(h)};
}

}  // namespace images_detail

PBGDPL_DECL result<void> check_image_size(std::uint64_t bytes, const image_limits& lim) {
  if (bytes > lim.max_bytes)
    return images_detail::bad(errc::too_large, "Tệp quá lớn: tối đa " + images_detail::mib(lim.max_bytes),
                              "The file is too large: at most " + images_detail::mib(lim.max_bytes));
  return {};
}

PBGDPL_DECL result<image_info> check_image(std::string_view bytes, std::string_view file_name, std::string_view declared_type,
                                           const image_limits& lim) {
  using images_detail::bad;
  auto claimed = images_detail::format_of_extension(file_name);
  if (!claimed)
    return bad(errc::invalid_argument, "Tên tệp phải có đuôi .png, .jpg, .jpeg hoặc .gif",
               "The file name must end in .png, .jpg, .jpeg or .gif");
  auto info = images_detail::check_content(bytes, lim, nullptr);
  if (!info) return info;
  if (info->format != *claimed)
    return bad(errc::invalid_argument,
               "Đuôi tên tệp (." + mime::extension(file_name) + ") không khớp nội dung (ảnh " +
                   std::string(mime_type_of(info->format)) + ")",
               "The file name's extension (." + mime::extension(file_name) + ") does not match its content (" +
                   std::string(mime_type_of(info->format)) + ")");
  auto declared = images_detail::lower_bare_type(declared_type);
  if (!declared.empty() && declared != "application/octet-stream" && declared != mime_type_of(info->format))
    return bad(errc::invalid_argument,
               "Kiểu tệp khai báo (" + declared + ") không khớp nội dung (" + std::string(mime_type_of(info->format)) + ")",
               "The declared type (" + declared + ") does not match the content (" + std::string(mime_type_of(info->format)) + ")");
  return info;
}

PBGDPL_DECL result<image_info> decode_rgba(std::string_view bytes, std::vector<std::uint8_t>& pixels,
                                           const image_limits& lim) {
  std::unique_ptr<stbi_uc, void (*)(void*)> px(nullptr, stbi_image_free);
  auto info = images_detail::check_content(bytes, lim, &px);
  if (!info) return info;
  const auto* p = px.get();
  pixels.assign(p, p + std::size_t{info->width} * info->height * 4);
  return info;
}

PBGDPL_DECL std::string encode_png(const unsigned char* pixels, int width, int height, int channels) {
  std::string out;
  auto sink = [](void* ctx, void* data, int size) { static_cast<std::string*>(ctx)->append(static_cast<const char*>(data), static_cast<std::size_t>(size)); };
  if (!stbi_write_png_to_func(sink, &out, width, height, channels, pixels, width * channels)) out.clear();
  return out;
}

PBGDPL_DECL result<std::string> make_thumbnail(std::string_view bytes, std::uint32_t max_edge, const image_limits& lim) {
  std::unique_ptr<stbi_uc, void (*)(void*)> px(nullptr, stbi_image_free);
  auto info = images_detail::check_content(bytes, lim, &px);
  if (!info) return info.err();
  if (max_edge == 0) max_edge = 1;
  const auto w = info->width, h = info->height;
  std::uint32_t tw = w, th = h;
  if (w > max_edge || h > max_edge) {
    if (w >= h) {
      tw = max_edge;
      th = std::max<std::uint32_t>(1, static_cast<std::uint32_t>((static_cast<std::uint64_t>(h) * max_edge + w / 2) / w));
    } else {
      th = max_edge;
      tw = std::max<std::uint32_t>(1, static_cast<std::uint32_t>((static_cast<std::uint64_t>(w) * max_edge + h / 2) / h));
    }
  }
  std::vector<unsigned char> out(static_cast<std::size_t>(tw) * th * 4);
  const int iw = static_cast<int>(w), ih = static_cast<int>(h), otw = static_cast<int>(tw), oth = static_cast<int>(th);
  if (tw == w && th == h) std::memcpy(out.data(), px.get(), out.size());
  else if (!stbir_resize_uint8_srgb(px.get(), iw, ih, 0, out.data(), otw, oth, 0, 4, 3, 0))
    return images_detail::bad(errc::internal, "Không tạo được ảnh thu nhỏ", "The thumbnail could not be made");
  auto png = encode_png(out.data(), otw, oth, 4);
  if (png.empty()) return images_detail::bad(errc::internal, "Không tạo được ảnh thu nhỏ", "The thumbnail could not be made");
  return png;
}

}  // namespace media
PBGDPL_NAMESPACE_END
