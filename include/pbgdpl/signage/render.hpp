// What a signage player draws, as pure functions over RGBA8 pixel buffers: an image decoded with
// media's limits, fitted into a zone (letterbox or fill), copied into the frame with clipping, a
// ticker line (stb_truetype, DejaVu Sans from fonts-dejavu-core) and a frame encoded as PNG. No
// window and no I/O but reading the font once: the reference player and the tests share them.
#pragma once
#include "../core/result.hpp"
#include "../media/images.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace signage {

// RGBA8, rows top to bottom, no padding: pixels.size() == width * height * 4.
struct rgba_image {
  std::uint32_t width = 0, height = 0;
  std::vector<std::uint8_t> pixels;
  friend bool operator==(const rgba_image&, const rgba_image&) = default;
};

struct rgb {
  std::uint8_t r = 0, g = 0, b = 0;
  friend bool operator==(const rgb&, const rgb&) = default;
};

// letterbox: the whole image, aspect kept, centred, black bars pad the rest.
// fill: the zone covered, aspect kept, the overflow cropped equally on both sides.
enum class fit_mode { letterbox, fill };

// The colours draw_ticker uses (tests and the player's idle screen agree on them).
inline constexpr rgb ticker_background{0x8B, 0x10, 0x10};
inline constexpr rgb ticker_foreground{0xFF, 0xFF, 0xFF};

// An opaque image of w×h in `colour`, black by default (empty when either side is 0 or the
// pixel count is over 16384×16384).
PBGDPL_DECL rgba_image blank_image(std::uint32_t w, std::uint32_t h, rgb colour = {});

// PNG, JPEG or GIF to RGBA8 under media::check_image's rules (size, magic bytes, the header's
// dimensions and pixel count checked before any pixel is decoded, a whole decode).
PBGDPL_DECL result<rgba_image> decode_image(std::string_view bytes, const media::image_limits& lim = {});

// `src` fitted into w×h (an empty image when either is 0 or `src` is empty). The result is
// opaque: transparent pixels are composited over black, as the screen behind them is.
PBGDPL_DECL rgba_image fit(const rgba_image& src, std::uint32_t w, std::uint32_t h, fit_mode m);

// Copies `src` into `dst` with its top-left at (x, y); what falls outside `dst` is clipped.
PBGDPL_DECL void blit(rgba_image& dst, const rgba_image& src, std::uint32_t x, std::uint32_t y);

// Paints the rectangle (clipped to `dst`) with an opaque colour.
PBGDPL_DECL void fill_rect(rgba_image& dst, std::uint32_t x, std::uint32_t y, std::uint32_t w,
                           std::uint32_t h, rgb colour);

// The width in pixels of `text` (UTF-8) drawn with glyphs `px` pixels high; 0 without a font.
PBGDPL_DECL std::uint32_t text_width(std::string_view text, std::uint32_t px);

// One line of text, its em box's top-left at (x, y) (may lie outside: clipped), glyphs `px` pixels
// high, blended over what is there, drawn only inside the box (bx, by, bw, bh) and `dst`.
// Without a readable font nothing is drawn (text_width is then 0).
PBGDPL_DECL void draw_text(rgba_image& dst, int x, int y, std::uint32_t px, std::string_view text, rgb colour,
                           std::uint32_t bx, std::uint32_t by, std::uint32_t bw, std::uint32_t bh);

// A ticker line drawn with stb_truetype (DejaVu Sans), scrolled by offset_px: the band (x, y, w, h)
// painted ticker_background, the text ticker_foreground entering from the right edge at offset 0
// and moving left one pixel per unit of offset; the scroll repeats every w + text width pixels.
PBGDPL_DECL void draw_ticker(rgba_image& dst, std::uint32_t x, std::uint32_t y, std::uint32_t w,
                             std::uint32_t h, std::string_view text, int offset_px);

// The image scaled (letterbox, no bars: the image's own shape) to at most max_width wide.
PBGDPL_DECL rgba_image scale_to_width(const rgba_image& img, std::uint32_t max_width);

// PNG bytes ("" for an empty image).
PBGDPL_DECL std::string encode_png(const rgba_image& img);

}  // namespace signage
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/render.ipp"
#endif
