// Bodies of network/banner_kit.hpp: compiled once into the network tier (src/network/banner_kit.cpp),
// or included by the header in header-only builds.
//
// stb is compiled as media/impl/images.ipp compiles it: every function static (STB*_STATIC), and
// only when the translation unit has no copy yet. Header-only, media/images.hpp has already
// brought images.ipp's copy of stb_image and stb_image_resize (its guards then skip these);
// compiled, this file's translation unit gets its own private copy. stb_truetype likewise.
#pragma once
#include "../banner_kit.hpp"
#include "../../core/escape.hpp"
#include "../../core/text.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <system_error>

#ifndef STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#define STBI_ONLY_JPEG
#define STBI_ONLY_GIF
#define STBI_NO_STDIO
#define STBI_NO_LINEAR
#define STBI_NO_HDR
#include <stb/stb_image.h>
#endif
#ifndef STB_IMAGE_RESIZE_IMPLEMENTATION
#define STB_IMAGE_RESIZE_STATIC
#define STB_IMAGE_RESIZE_IMPLEMENTATION
#include <stb/stb_image_resize.h>
#endif
#ifndef STB_TRUETYPE_IMPLEMENTATION
#define STBTT_STATIC
#define STB_TRUETYPE_IMPLEMENTATION
#include <stb/stb_truetype.h>
#endif

PBGDPL_NAMESPACE_BEGIN
namespace network {

namespace banner_detail {

inline error bad(errc c, std::string vi, std::string en) { return error(c, "/file", std::move(vi), std::move(en)); }

inline std::string size_text(std::uint32_t w, std::uint32_t h) { return std::to_string(w) + "×" + std::to_string(h); }

// The banner's own limits, after media::check_image has passed the bytes.
inline result<media::image_info> check_shape(const media::image_info& info, const banner_limits& lim) {
  if (info.width < lim.min_width || info.height < lim.min_height)
    return bad(errc::invalid_argument,
               "Biểu ngữ " + size_text(info.width, info.height) + " điểm ảnh quá nhỏ: tối thiểu " +
                   size_text(lim.min_width, lim.min_height),
               "The banner is " + size_text(info.width, info.height) + " pixels, too small: at least " +
                   size_text(lim.min_width, lim.min_height));
  const std::uint64_t w10 = std::uint64_t{info.width} * 10;
  if (w10 < std::uint64_t{info.height} * lim.min_aspect_tenths || w10 > std::uint64_t{info.height} * lim.max_aspect_tenths)
    return bad(errc::invalid_argument,
               "Tỉ lệ rộng/cao của biểu ngữ (" + size_text(info.width, info.height) +
                   ") quá lệch: chữ trên biểu ngữ sẽ quá nhỏ khi đặt vào ô 3:1",
               "The banner's width-to-height ratio (" + size_text(info.width, info.height) +
                   ") is too extreme: its text would be too small in a 3:1 slot");
  return info;
}

// Decodes bytes already checked; RGBA.
using pixels = std::unique_ptr<stbi_uc, void (*)(void*)>;
inline pixels decode_rgba(std::string_view b, int& w, int& h) {
  int comp = 0;
  return pixels(stbi_load_from_memory(reinterpret_cast<const stbi_uc*>(b.data()), static_cast<int>(b.size()), &w, &h,
                                      &comp, 4),
                stbi_image_free);
}

// UTF-8 (already valid) to code points.
inline std::u32string code_points(std::string_view s) {
  std::u32string out;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    char32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
    for (int k = 1; k < n && i + static_cast<std::size_t>(k) < s.size(); ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]) & 0x3F);
    out.push_back(cp);
    i += static_cast<std::size_t>(n);
  }
  return out;
}

struct font {
  std::string data;
  stbtt_fontinfo info{};
};

inline result<std::shared_ptr<font>> load_font(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  auto f = std::make_shared<font>();
  if (in) f->data.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  const auto* d = reinterpret_cast<const unsigned char*>(f->data.data());
  if (f->data.size() < 12 || stbtt_GetFontOffsetForIndex(d, 0) < 0 || !stbtt_InitFont(&f->info, d, stbtt_GetFontOffsetForIndex(d, 0)))
    return error(errc::io_error, "/font", "Không đọc được phông chữ " + p.string(), "The font " + p.string() + " cannot be read");
  return f;
}

inline result<std::shared_ptr<font>> font_or_default(const std::filesystem::path& p) {
  if (!p.empty()) return load_font(p);
  auto found = find_banner_font();
  if (!found) return found.err();
  return load_font(*found);
}

}  // namespace banner_detail

PBGDPL_DECL result<media::image_info> validate_banner(std::string_view bytes, std::string_view file_name,
                                                      std::string_view declared_type, const banner_limits& lim) {
  auto info = media::check_image(bytes, file_name, declared_type, lim.image);
  if (!info) return info;
  return banner_detail::check_shape(*info, lim);
}

PBGDPL_DECL std::vector<banner_slot> banner_slots() { return {{300, 100}, {600, 200}, {1200, 400}}; }

PBGDPL_DECL result<std::vector<banner_image>> make_variants(std::string_view bytes, const banner_limits& lim) {
  using namespace banner_detail;
  // The name check of validate_banner does not apply to bytes without a name: give the name the
  // content announces, and an unknown content fails on its magic bytes as any upload does.
  auto fmt = media::sniff_image(bytes);
  auto info = validate_banner(bytes, std::string("banner.") + std::string(media::extension_of(fmt.value_or(media::image_format::png))),
                              {}, lim);
  if (!info) return info.err();
  int w = 0, h = 0;
  auto px = decode_rgba(bytes, w, h);
  if (!px || w != static_cast<int>(info->width) || h != static_cast<int>(info->height))
    return bad(errc::corrupt, "Ảnh bị hỏng: không giải mã được", "The image is damaged: it cannot be decoded");
  std::vector<banner_image> out;
  for (const auto& slot : banner_slots()) {
    // The largest size of the banner's own shape that fits inside the slot.
    const double scale = std::min(static_cast<double>(slot.width) / w, static_cast<double>(slot.height) / h);
    const int tw = std::clamp(static_cast<int>(std::lround(w * scale)), 1, static_cast<int>(slot.width));
    const int th = std::clamp(static_cast<int>(std::lround(h * scale)), 1, static_cast<int>(slot.height));
    std::vector<unsigned char> scaled(static_cast<std::size_t>(tw) * static_cast<std::size_t>(th) * 4);
    if (!stbir_resize_uint8_srgb(px.get(), w, h, 0, scaled.data(), tw, th, 0, 4, 3, 0))
      return bad(errc::internal, "Không tạo được các cỡ biểu ngữ", "The banner's sizes could not be made");
    std::vector<unsigned char> canvas(static_cast<std::size_t>(slot.width) * slot.height * 4, 0);  // transparent
    const std::size_t x0 = (slot.width - static_cast<std::uint32_t>(tw)) / 2, y0 = (slot.height - static_cast<std::uint32_t>(th)) / 2;
    for (int y = 0; y < th; ++y)
      std::memcpy(canvas.data() + ((y0 + static_cast<std::size_t>(y)) * slot.width + x0) * 4,
                  scaled.data() + static_cast<std::size_t>(y) * static_cast<std::size_t>(tw) * 4, static_cast<std::size_t>(tw) * 4);
    auto png = media::encode_png(canvas.data(), static_cast<int>(slot.width), static_cast<int>(slot.height), 4);
    if (png.empty()) return bad(errc::internal, "Không tạo được các cỡ biểu ngữ", "The banner's sizes could not be made");
    out.push_back({slot.width, slot.height, std::move(png)});
  }
  return out;
}

PBGDPL_DECL std::vector<std::filesystem::path> default_banner_fonts() {
  return {"/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"};
}

PBGDPL_DECL result<std::filesystem::path> find_banner_font(const std::vector<std::filesystem::path>& candidates) {
  const auto list = candidates.empty() ? default_banner_fonts() : candidates;
  for (const auto& p : list) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(p, ec)) {
      std::ifstream in(p, std::ios::binary);
      if (in) return p;
    }
  }
  std::string names;
  for (const auto& p : list) names += (names.empty() ? "" : ", ") + p.string();
  return error(errc::not_found, "/font",
               "Không tìm thấy phông chữ để vẽ biểu ngữ mặc định (đã tìm " + names + "); hãy cài gói fonts-dejavu-core",
               "No font found to draw the default banner (looked for " + names + "); install the fonts-dejavu-core package");
}

PBGDPL_DECL result<std::vector<char32_t>> missing_glyphs(const std::filesystem::path& font, std::string_view text) {
  if (!text::is_valid_utf8(text)) return error(errc::invalid_utf8, "/text", "Văn bản không phải UTF-8 hợp lệ", "The text is not valid UTF-8");
  auto f = banner_detail::load_font(font);
  if (!f) return f.err();
  std::vector<char32_t> missing;
  for (char32_t cp : banner_detail::code_points(text))
    if (stbtt_FindGlyphIndex(&(*f)->info, static_cast<int>(cp)) == 0 && std::find(missing.begin(), missing.end(), cp) == missing.end())
      missing.push_back(cp);
  return missing;
}

PBGDPL_DECL result<std::string> render_default_banner(std::uint32_t width, std::uint32_t height, const std::filesystem::path& font_path) {
  using namespace banner_detail;
  if (width < 120 || height < 40 || width > 4000 || height > 2000)
    return error(errc::out_of_range, "/size", "Cỡ biểu ngữ " + size_text(width, height) + " nằm ngoài 120×40 đến 4000×2000",
                 "The banner size " + size_text(width, height) + " is outside 120×40 to 4000×2000");
  auto fr = font_or_default(font_path);
  if (!fr) return fr.err();
  const stbtt_fontinfo& f = (*fr)->info;
  const auto text = code_points(city_portal_banner_text);
  std::vector<std::u32string> words(1);
  for (char32_t c : text) {
    if (c == U' ') {
      if (!words.back().empty()) words.emplace_back();
    } else {
      words.back().push_back(c);
    }
  }

  const int W = static_cast<int>(width), H = static_cast<int>(height);
  const int edge = std::min(W, H);  // a tall banner is framed as thinly as a wide one
  const int frame = std::max(2, edge / 25);
  const int pad = std::max(3, edge / 14);
  const int inner_x = frame + pad, inner_y = frame + pad;
  const int aw = W - 2 * inner_x, ah = H - 2 * inner_y;
  int ascent = 0, descent = 0, gap = 0;
  stbtt_GetFontVMetrics(&f, &ascent, &descent, &gap);

  auto advance_of = [&](const std::u32string& s, float scale) {
    float x = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
      int adv = 0, lsb = 0;
      stbtt_GetCodepointHMetrics(&f, static_cast<int>(s[i]), &adv, &lsb);
      x += static_cast<float>(adv) * scale;
      if (i + 1 < s.size()) x += scale * static_cast<float>(stbtt_GetCodepointKernAdvance(&f, static_cast<int>(s[i]), static_cast<int>(s[i + 1])));
    }
    return x;
  };
  // The largest pixel size at which the words, wrapped greedily, fit the box. Vietnamese letters
  // carry marks above the capital height (Ế, Ổ): the font's ascent leaves room for them.
  std::vector<std::u32string> lines;
  float scale = 0, line_h = 0;
  for (int px = ah; px >= 6; --px) {
    const float s = stbtt_ScaleForPixelHeight(&f, static_cast<float>(px));
    const float lh = static_cast<float>(ascent - descent + gap) * s;
    std::vector<std::u32string> ls;
    bool fits = true;
    for (const auto& wd : words) {
      if (advance_of(wd, s) > static_cast<float>(aw)) {
        fits = false;
        break;
      }
      if (!ls.empty() && advance_of(ls.back() + U' ' + wd, s) <= static_cast<float>(aw)) ls.back() += U' ' + wd;
      else ls.push_back(wd);
    }
    const float total = static_cast<float>(ls.size() - 1) * lh + static_cast<float>(ascent - descent) * s;
    if (fits && total <= static_cast<float>(ah)) {
      lines = std::move(ls);
      scale = s;
      line_h = lh;
      break;
    }
  }
  if (lines.empty())
    return error(errc::out_of_range, "/size", "Biểu ngữ " + size_text(width, height) + " quá nhỏ để viết câu bắt buộc",
                 "A " + size_text(width, height) + " banner is too small to hold the required sentence");

  // Coverage of the text, then the colours: white ground, red frame, dark blue letters (contrast
  // about 13:1, and dark on light is what OCR reads best).
  std::vector<unsigned char> cov(static_cast<std::size_t>(W) * static_cast<std::size_t>(H), 0);
  const float total = static_cast<float>(lines.size() - 1) * line_h + static_cast<float>(ascent - descent) * scale;
  const float top = static_cast<float>(inner_y) + (static_cast<float>(ah) - total) / 2;
  std::vector<unsigned char> glyph;
  for (std::size_t li = 0; li < lines.size(); ++li) {
    const auto& s = lines[li];
    float x = static_cast<float>(inner_x) + (static_cast<float>(aw) - advance_of(s, scale)) / 2;
    const int baseline = static_cast<int>(std::lround(top + static_cast<float>(ascent) * scale + static_cast<float>(li) * line_h));
    for (std::size_t i = 0; i < s.size(); ++i) {
      const int cp = static_cast<int>(s[i]);
      const float fx = x - std::floor(x);
      int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
      stbtt_GetCodepointBitmapBoxSubpixel(&f, cp, scale, scale, fx, 0, &x0, &y0, &x1, &y1);
      const int gw = x1 - x0, gh = y1 - y0;
      if (gw > 0 && gh > 0) {
        glyph.assign(static_cast<std::size_t>(gw) * static_cast<std::size_t>(gh), 0);
        stbtt_MakeCodepointBitmapSubpixel(&f, glyph.data(), gw, gh, gw, scale, scale, fx, 0, cp);
        const int ox = static_cast<int>(std::floor(x)) + x0, oy = baseline + y0;
        for (int gy = 0; gy < gh; ++gy) {
          const int py = oy + gy;
          if (py < 0 || py >= H) continue;
          for (int gx = 0; gx < gw; ++gx) {
            const int pxl = ox + gx;
            if (pxl < 0 || pxl >= W) continue;
            auto& c = cov[static_cast<std::size_t>(py) * static_cast<std::size_t>(W) + static_cast<std::size_t>(pxl)];
            c = static_cast<unsigned char>(std::min(255, c + glyph[static_cast<std::size_t>(gy) * static_cast<std::size_t>(gw) + static_cast<std::size_t>(gx)]));
          }
        }
      }
      int adv = 0, lsb = 0;
      stbtt_GetCodepointHMetrics(&f, cp, &adv, &lsb);
      x += static_cast<float>(adv) * scale;
      if (i + 1 < s.size()) x += scale * static_cast<float>(stbtt_GetCodepointKernAdvance(&f, cp, static_cast<int>(s[i + 1])));
    }
  }
  constexpr unsigned char bg[3] = {0xFF, 0xFF, 0xFF}, fg[3] = {0x0B, 0x2E, 0x6B}, red[3] = {0xC6, 0x28, 0x28};
  std::vector<unsigned char> rgb(static_cast<std::size_t>(W) * static_cast<std::size_t>(H) * 3);
  for (int y = 0; y < H; ++y)
    for (int x = 0; x < W; ++x) {
      const std::size_t i = static_cast<std::size_t>(y) * static_cast<std::size_t>(W) + static_cast<std::size_t>(x);
      const bool in_frame = x < frame || y < frame || x >= W - frame || y >= H - frame;
      for (int k = 0; k < 3; ++k) {
        const int a = cov[i];
        rgb[i * 3 + static_cast<std::size_t>(k)] =
            in_frame ? red[k] : static_cast<unsigned char>((bg[k] * (255 - a) + fg[k] * a + 127) / 255);
      }
    }
  auto png = media::encode_png(rgb.data(), W, H, 3);
  if (png.empty()) return error(errc::internal, "/size", "Không tạo được biểu ngữ mặc định", "The default banner could not be made");
  return png;
}

namespace banner_detail {
inline bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}
inline bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; });
}
inline bool web_url(std::string_view u) {
  return !has_control(u) && ((starts_with_nocase(u, "https://") && u.size() > 8) || (starts_with_nocase(u, "http://") && u.size() > 7));
}
}  // namespace banner_detail

PBGDPL_DECL result<std::string> html_snippet(const banner& b, std::string_view image_url, std::uint32_t width, std::uint32_t height) {
  using namespace banner_detail;
  const std::string_view target = b.target_url.empty() ? city_portal_url : std::string_view(b.target_url);
  const std::string_view alt = b.required_text.empty() ? city_portal_banner_text : std::string_view(b.required_text);
  if (!web_url(target))
    return error(errc::invalid_argument, "/target_url", "Địa chỉ liên kết của biểu ngữ phải bắt đầu bằng http:// hoặc https://",
                 "The banner's link must start with http:// or https://");
  const bool local_path = image_url.size() > 1 && image_url[0] == '/' && image_url[1] != '/' && image_url[1] != '\\' && !has_control(image_url);
  if (!web_url(image_url) && !local_path)
    return error(errc::invalid_argument, "/image_url", "Địa chỉ ảnh biểu ngữ phải bắt đầu bằng http://, https:// hoặc /",
                 "The banner image's address must start with http://, https:// or /");
  if (!text::is_valid_utf8(alt) || has_control(alt))
    return error(errc::invalid_argument, "/required_text", "Câu bắt buộc của biểu ngữ không hợp lệ", "The banner's required sentence is not valid");
  std::string out = "<a href=\"";
  append_html_escaped(out, target);
  out += "\" rel=\"noopener\"><img src=\"";
  append_html_escaped(out, image_url);
  out += "\" alt=\"";
  append_html_escaped(out, alt);
  out += "\" width=\"" + std::to_string(width) + "\" height=\"" + std::to_string(height) + "\"></a>";
  return out;
}

}  // namespace network
PBGDPL_NAMESPACE_END
