// Bodies of signage/render.hpp: compiled once into the signage tier (src/signage/render.cpp), or
// included by the header in header-only builds.
//
// stb is compiled as media/impl/images.ipp and network/impl/banner_kit.ipp compile it: every
// function static, and only when the translation unit has no copy yet (header-only, the copy of
// the first of them included serves all; compiled, this translation unit gets its own).
#pragma once
#include "../../network/banner_kit.hpp"
#include "../render.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>

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
namespace signage {

namespace render_detail {

// The resampling filter fit() uses in both directions. stb's defaults (Catmull-Rom up, Mitchell
// down) are sharper; the triangle filter costs less per output pixel and a zone is refitted only
// when its item changes (benchmarks/signage_fit compares the two: see benchmarks/RESULTS.md).
inline constexpr stbir_filter fit_filter = STBIR_FILTER_TRIANGLE;

inline std::size_t pixel_bytes(std::uint32_t w, std::uint32_t h) { return std::size_t{w} * h * 4; }

// The largest image fit() and blank_image() make: 16384×16384 (1 GiB of RGBA) and no more, so a
// zone size from a manifest cannot ask for an allocation that overflows.
inline constexpr std::uint64_t max_pixels = std::uint64_t{16384} * 16384;

inline bool sane(std::uint32_t w, std::uint32_t h) {
  return w > 0 && h > 0 && std::uint64_t{w} * h <= max_pixels;
}

// UTF-8 to code points; a malformed sequence becomes U+FFFD and reading goes on at the next byte.
inline std::u32string code_points(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    char32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
    bool ok = true;
    for (std::size_t k = 1; k < n; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) ok = false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if (!ok) {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    out.push_back(cp);
    i += n;
  }
  return out;
}

struct glyph {
  int x0 = 0, y0 = 0, w = 0, h = 0;  // bitmap box relative to the pen on the baseline
  std::vector<std::uint8_t> coverage;
};

// The ticker's font, read once, with a cache of rasterised glyphs (a ticker redraws the same
// glyphs every frame). Bounded: a text of many distinct code points empties it, never grows it.
class font_cache {
 public:
  static font_cache& instance() {
    static font_cache c;
    return c;
  }
  bool ready() const { return ready_; }

  // Calls f(pen_x, glyph) for each code point, pen_x the pen position (pixels, left edge 0).
  template <class F>
  float layout(const std::u32string& cps, std::uint32_t px, F&& f) {
    std::lock_guard lock(mu_);
    if (!ready_ || cps.empty()) return 0;
    const float scale = stbtt_ScaleForPixelHeight(&info_, static_cast<float>(px));
    float x = 0;
    for (std::size_t i = 0; i < cps.size(); ++i) {
      const int cp = static_cast<int>(cps[i]);
      int adv = 0, lsb = 0;
      stbtt_GetCodepointHMetrics(&info_, cp, &adv, &lsb);
      if (!f(x, scale, [&]() -> const glyph& { return glyph_of(cps[i], px, scale); })) break;
      x += scale * static_cast<float>(adv);
      if (i + 1 < cps.size())
        x += scale *
             static_cast<float>(stbtt_GetCodepointKernAdvance(&info_, cp, static_cast<int>(cps[i + 1])));
    }
    return x;
  }
  int ascent(std::uint32_t px) {
    std::lock_guard lock(mu_);
    if (!ready_) return 0;
    int a = 0, d = 0, g = 0;
    stbtt_GetFontVMetrics(&info_, &a, &d, &g);
    return static_cast<int>(
        std::lround(stbtt_ScaleForPixelHeight(&info_, static_cast<float>(px)) * static_cast<float>(a)));
  }

 private:
  font_cache() {
    // DejaVu Sans first (the regular face reads best in a moving line), its bold face otherwise.
    auto found = network::find_banner_font({"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                                            "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"});
    if (!found) return;
    std::ifstream in(*found, std::ios::binary);
    if (!in) return;
    data_.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    const auto* d = reinterpret_cast<const unsigned char*>(data_.data());
    if (data_.size() < 12) return;
    const int off = stbtt_GetFontOffsetForIndex(d, 0);
    ready_ = off >= 0 && stbtt_InitFont(&info_, d, off) != 0;
  }
  const glyph& glyph_of(char32_t cp, std::uint32_t px, float scale) {
    const std::uint64_t key = (std::uint64_t{cp} << 16) | px;
    if (auto it = cache_.find(key); it != cache_.end()) return it->second;
    if (cache_.size() >= 4096) cache_.clear();
    glyph g;
    int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    stbtt_GetCodepointBitmapBox(&info_, static_cast<int>(cp), scale, scale, &x0, &y0, &x1, &y1);
    g.x0 = x0;
    g.y0 = y0;
    g.w = std::max(0, x1 - x0);
    g.h = std::max(0, y1 - y0);
    if (g.w > 0 && g.h > 0) {
      g.coverage.assign(static_cast<std::size_t>(g.w) * static_cast<std::size_t>(g.h), 0);
      stbtt_MakeCodepointBitmap(&info_, g.coverage.data(), g.w, g.h, g.w, scale, scale, static_cast<int>(cp));
    }
    return cache_.emplace(key, std::move(g)).first->second;
  }

  std::mutex mu_;
  std::string data_;
  stbtt_fontinfo info_{};
  bool ready_ = false;
  std::unordered_map<std::uint64_t, glyph> cache_;
};

// Glyph heights are bounded: a zone of 100,000 pixels must not rasterise glyphs that size.
inline std::uint32_t clamp_px(std::uint32_t px) { return std::clamp<std::uint32_t>(px, 1, 1024); }

inline void blend(std::uint8_t* p, rgb c, unsigned a) {
  p[0] = static_cast<std::uint8_t>((c.r * a + p[0] * (255 - a) + 127) / 255);
  p[1] = static_cast<std::uint8_t>((c.g * a + p[1] * (255 - a) + 127) / 255);
  p[2] = static_cast<std::uint8_t>((c.b * a + p[2] * (255 - a) + 127) / 255);
  p[3] = 255;
}

}  // namespace render_detail

PBGDPL_DECL rgba_image blank_image(std::uint32_t w, std::uint32_t h, rgb colour) {
  rgba_image out;
  if (!render_detail::sane(w, h)) return out;
  out.width = w;
  out.height = h;
  out.pixels.resize(render_detail::pixel_bytes(w, h));
  for (std::size_t i = 0; i < out.pixels.size(); i += 4) {
    out.pixels[i] = colour.r;
    out.pixels[i + 1] = colour.g;
    out.pixels[i + 2] = colour.b;
    out.pixels[i + 3] = 255;
  }
  return out;
}

PBGDPL_DECL result<rgba_image> decode_image(std::string_view bytes, const media::image_limits& lim) {
  rgba_image out;
  auto info = media::decode_rgba(bytes, out.pixels, lim);
  if (!info) return info.err();
  out.width = info->width;
  out.height = info->height;
  return out;
}

PBGDPL_DECL rgba_image fit(const rgba_image& src, std::uint32_t w, std::uint32_t h, fit_mode m) {
  using namespace render_detail;
  if (!sane(w, h) || !sane(src.width, src.height) || src.pixels.size() != pixel_bytes(src.width, src.height))
    return {};
  rgba_image out = blank_image(w, h);
  const double sw = src.width, sh = src.height;
  // The part of the source shown (normalised s0,t0 - s1,t1) and where it lands (tx, ty, tw, th).
  double s0 = 0, t0 = 0, s1 = 1, t1 = 1;
  std::uint32_t tx = 0, ty = 0, tw = w, th = h;
  if (m == fit_mode::letterbox) {
    const double scale = std::min(w / sw, h / sh);
    tw = std::clamp<std::uint32_t>(static_cast<std::uint32_t>(std::lround(sw * scale)), 1, w);
    th = std::clamp<std::uint32_t>(static_cast<std::uint32_t>(std::lround(sh * scale)), 1, h);
    tx = (w - tw) / 2;
    ty = (h - th) / 2;
  } else {
    const double scale = std::max(w / sw, h / sh);
    const double cw = w / scale / sw, ch = h / scale / sh;  // the shown fraction of each side
    s0 = (1 - cw) / 2;
    s1 = s0 + cw;
    t0 = (1 - ch) / 2;
    t1 = t0 + ch;
  }
  std::vector<std::uint8_t> scaled;
  if (tw == src.width && th == src.height && s0 == 0 && t0 == 0 && s1 == 1 && t1 == 1)
    scaled = src.pixels;  // already the zone's size (a 1920×1080 picture on a 1920×1080 screen)
  else {
    scaled.resize(pixel_bytes(tw, th));
    if (!stbir_resize_region(src.pixels.data(), static_cast<int>(src.width), static_cast<int>(src.height), 0,
                             scaled.data(), static_cast<int>(tw), static_cast<int>(th), 0, STBIR_TYPE_UINT8,
                             4, 3, 0, STBIR_EDGE_CLAMP, STBIR_EDGE_CLAMP, fit_filter, fit_filter,
                             STBIR_COLORSPACE_SRGB, nullptr, static_cast<float>(s0), static_cast<float>(t0),
                             static_cast<float>(s1), static_cast<float>(t1)))
      return out;
  }
  // Over black: the colour weighted by its alpha, then opaque.
  for (std::size_t i = 0; i < scaled.size(); i += 4) {
    const unsigned a = scaled[i + 3];
    if (a == 255) continue;
    for (int c = 0; c < 3; ++c) scaled[i + c] = static_cast<std::uint8_t>((scaled[i + c] * a + 127) / 255);
    scaled[i + 3] = 255;
  }
  rgba_image placed{tw, th, std::move(scaled)};
  blit(out, placed, tx, ty);
  return out;
}

PBGDPL_DECL void blit(rgba_image& dst, const rgba_image& src, std::uint32_t x, std::uint32_t y) {
  using render_detail::pixel_bytes;
  if (x >= dst.width || y >= dst.height) return;
  if (dst.pixels.size() != pixel_bytes(dst.width, dst.height) ||
      src.pixels.size() != pixel_bytes(src.width, src.height))
    return;
  const std::uint32_t cw = std::min(src.width, dst.width - x), ch = std::min(src.height, dst.height - y);
  for (std::uint32_t r = 0; r < ch; ++r)
    std::memcpy(dst.pixels.data() + (std::size_t{y + r} * dst.width + x) * 4,
                src.pixels.data() + std::size_t{r} * src.width * 4, std::size_t{cw} * 4);
}

PBGDPL_DECL void fill_rect(rgba_image& dst, std::uint32_t x, std::uint32_t y, std::uint32_t w,
                           std::uint32_t h, rgb colour) {
  if (x >= dst.width || y >= dst.height ||
      dst.pixels.size() != render_detail::pixel_bytes(dst.width, dst.height))
    return;
  const std::uint32_t cw = std::min(w, dst.width - x), ch = std::min(h, dst.height - y);
  for (std::uint32_t r = 0; r < ch; ++r) {
    auto* p = dst.pixels.data() + (std::size_t{y + r} * dst.width + x) * 4;
    for (std::uint32_t c = 0; c < cw; ++c, p += 4) {
      p[0] = colour.r;
      p[1] = colour.g;
      p[2] = colour.b;
      p[3] = 255;
    }
  }
}

PBGDPL_DECL std::uint32_t text_width(std::string_view text, std::uint32_t px) {
  using namespace render_detail;
  const auto cps = code_points(text);
  const float w = font_cache::instance().layout(cps, clamp_px(px), [](float, float, auto&&) { return true; });
  return static_cast<std::uint32_t>(std::ceil(w));
}

PBGDPL_DECL void draw_text(rgba_image& dst, int x, int y, std::uint32_t px, std::string_view text, rgb colour,
                           std::uint32_t bx, std::uint32_t by, std::uint32_t bw, std::uint32_t bh) {
  using namespace render_detail;
  if (dst.pixels.size() != pixel_bytes(dst.width, dst.height)) return;
  // The drawable box, in signed 64-bit so no sum below overflows.
  const std::int64_t cx0 = std::min<std::int64_t>(bx, dst.width),
                     cy0 = std::min<std::int64_t>(by, dst.height);
  const std::int64_t cx1 = std::min<std::int64_t>(std::int64_t{bx} + bw, dst.width);
  const std::int64_t cy1 = std::min<std::int64_t>(std::int64_t{by} + bh, dst.height);
  if (cx0 >= cx1 || cy0 >= cy1) return;
  px = clamp_px(px);
  auto& fc = font_cache::instance();
  const std::int64_t baseline = std::int64_t{y} + fc.ascent(px);
  const auto cps = code_points(text);
  fc.layout(cps, px, [&](float pen, float, auto&& get) {
    const std::int64_t gx = std::int64_t{x} + std::lround(pen);
    if (gx >= cx1) return false;  // the rest of the line lies to the right of the box
    if (gx + static_cast<std::int64_t>(px) * 2 < cx0) return true;  // wholly left of the box: not rasterised
    const glyph& g = get();
    for (int r = 0; r < g.h; ++r) {
      const std::int64_t yy = baseline + g.y0 + r;
      if (yy < cy0 || yy >= cy1) continue;
      for (int c = 0; c < g.w; ++c) {
        const std::int64_t xx = gx + g.x0 + c;
        if (xx < cx0 || xx >= cx1) continue;
        const unsigned a = g.coverage[static_cast<std::size_t>(r) * static_cast<std::size_t>(g.w) +
                                      static_cast<std::size_t>(c)];
        if (a)
          blend(dst.pixels.data() +
                    (static_cast<std::size_t>(yy) * dst.width + static_cast<std::size_t>(xx)) * 4,
                colour, a);
      }
    }
    return true;
  });
}

PBGDPL_DECL void draw_ticker(rgba_image& dst, std::uint32_t x, std::uint32_t y, std::uint32_t w,
                             std::uint32_t h, std::string_view text, int offset_px) {
  fill_rect(dst, x, y, w, h, ticker_background);
  if (w == 0 || h == 0 || text.empty()) return;
  // Glyphs 60% of the band's height, centred in it.
  const std::uint32_t px = std::max<std::uint32_t>(1, h * 3 / 5);
  const std::int64_t period = std::int64_t{w} + text_width(text, px);
  std::int64_t off = std::int64_t{offset_px} % period;
  if (off < 0) off += period;
  const std::int64_t left = std::int64_t{x} + w - off;
  if (left < std::numeric_limits<int>::min() || left > std::numeric_limits<int>::max()) return;
  const std::int64_t top = std::int64_t{y} + (std::int64_t{h} - px) / 2;
  draw_text(dst, static_cast<int>(left),
            static_cast<int>(std::min<std::int64_t>(top, std::numeric_limits<int>::max())), px, text,
            ticker_foreground, x, y, w, h);
}

PBGDPL_DECL rgba_image scale_to_width(const rgba_image& img, std::uint32_t max_width) {
  if (img.width <= max_width || max_width == 0) return img;
  const auto h = std::max<std::uint32_t>(
      1, static_cast<std::uint32_t>((std::uint64_t{img.height} * max_width + img.width / 2) / img.width));
  return fit(img, max_width, h, fit_mode::fill);
}

PBGDPL_DECL std::string encode_png(const rgba_image& img) {
  if (img.width == 0 || img.height == 0 ||
      img.pixels.size() != render_detail::pixel_bytes(img.width, img.height))
    return {};
  return media::encode_png(img.pixels.data(), static_cast<int>(img.width), static_cast<int>(img.height), 4);
}

}  // namespace signage
PBGDPL_NAMESPACE_END
