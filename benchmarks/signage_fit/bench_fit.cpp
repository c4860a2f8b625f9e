// What a signage frame costs: a 1920×1080 infographic (made here: gradients, blocks, text) decoded
// from PNG and fitted (signage::fit, letterbox and fill) into a 192×64 LED panel and a 1920×1080
// screen (and a portrait 1080×1920 one), beside the same fit with stb_image_resize's default
// filters (Catmull-Rom up, Mitchell down) in place of fit()'s triangle filter; then the per-frame
// work of the player (a ticker band, blitting a full-screen zone) and a snapshot (PNG encode,
// scaled to 640 wide). The median of `runs` timings each.
//   pbgdpl_bench_signage_fit [runs=15]
//
// No other resizer is in our dependencies (libswscale through the ffmpeg CLI would time process
// start-up and file I/O, not a fit), so the peer here is stb_image_resize's own default filter.
#include <pbgdpl/signage/render.hpp>

#ifndef STB_IMAGE_RESIZE_IMPLEMENTATION
#define STB_IMAGE_RESIZE_STATIC
#define STB_IMAGE_RESIZE_IMPLEMENTATION
#include <stb/stb_image_resize.h>
#endif

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

namespace sg = pbgdpl::signage;
using clk = std::chrono::steady_clock;

namespace {

sg::rgba_image infographic() {
  auto img = sg::blank_image(1920, 1080, {250, 250, 245});
  for (std::uint32_t y = 0; y < 1080; ++y)
    for (std::uint32_t x = 0; x < 1920; ++x) {
      auto* p = img.pixels.data() + (std::size_t{y} * 1920 + x) * 4;
      p[0] = static_cast<std::uint8_t>(x * 255 / 1919);
      p[1] = static_cast<std::uint8_t>(y * 255 / 1079);
      p[2] = static_cast<std::uint8_t>((x + y) & 0xFF);
    }
  sg::fill_rect(img, 100, 100, 700, 400, {0xC8, 0x10, 0x2E});
  sg::fill_rect(img, 1000, 200, 800, 600, {0xFF, 0xD7, 0x00});
  for (int i = 0; i < 8; ++i)
    sg::draw_text(img, 120, 560 + i * 60, 44, "Luật Giao thông đường bộ: đội mũ bảo hiểm khi đi xe máy",
                  {20, 20, 20}, 0, 0, 1920, 1080);
  return img;
}

// fit() with stb's default filters: the same region, compositing and placement.
sg::rgba_image fit_default(const sg::rgba_image& src, std::uint32_t w, std::uint32_t h, sg::fit_mode m) {
  auto out = sg::blank_image(w, h);
  const double sw = src.width, sh = src.height;
  double s0 = 0, t0 = 0, s1 = 1, t1 = 1;
  std::uint32_t tx = 0, ty = 0, tw = w, th = h;
  if (m == sg::fit_mode::letterbox) {
    const double scale = std::min(w / sw, h / sh);
    tw = std::clamp<std::uint32_t>(static_cast<std::uint32_t>(sw * scale + 0.5), 1, w);
    th = std::clamp<std::uint32_t>(static_cast<std::uint32_t>(sh * scale + 0.5), 1, h);
    tx = (w - tw) / 2;
    ty = (h - th) / 2;
  } else {
    const double scale = std::max(w / sw, h / sh);
    const double cw = w / scale / sw, ch = h / scale / sh;
    s0 = (1 - cw) / 2;
    s1 = s0 + cw;
    t0 = (1 - ch) / 2;
    t1 = t0 + ch;
  }
  sg::rgba_image placed{tw, th, std::vector<std::uint8_t>(std::size_t{tw} * th * 4)};
  stbir_resize_region(src.pixels.data(), static_cast<int>(src.width), static_cast<int>(src.height), 0,
                      placed.pixels.data(), static_cast<int>(tw), static_cast<int>(th), 0, STBIR_TYPE_UINT8,
                      4, 3, 0, STBIR_EDGE_CLAMP, STBIR_EDGE_CLAMP, STBIR_FILTER_DEFAULT, STBIR_FILTER_DEFAULT,
                      STBIR_COLORSPACE_SRGB, nullptr, static_cast<float>(s0), static_cast<float>(t0),
                      static_cast<float>(s1), static_cast<float>(t1));
  for (std::size_t i = 0; i < placed.pixels.size(); i += 4)
    placed.pixels[i + 3] = 255;  // opaque source: as fit()
  sg::blit(out, placed, tx, ty);
  return out;
}

double median_ms(int runs, const std::function<void()>& f) {
  std::vector<double> t;
  f();  // warm: the font's glyph cache, page faults
  for (int i = 0; i < runs; ++i) {
    const auto a = clk::now();
    f();
    t.push_back(std::chrono::duration<double, std::milli>(clk::now() - a).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 15;
  const auto src = infographic();
  const auto png = sg::encode_png(src);
  std::printf("infographic 1920x1080, PNG %zu bytes; median of %d runs\n\n", png.size(), runs);
  std::printf("| operation | ms |\n| --- | --- |\n");
  std::printf("| decode_image (PNG, 1920x1080) | %.2f |\n",
              median_ms(runs, [&] { (void)sg::decode_image(png); }));
  struct target {
    std::uint32_t w, h;
    const char* what;
  };
  volatile std::size_t sink = 0;
  for (const auto& t : {target{192, 64, "LED panel 192x64"}, target{1920, 1080, "screen 1920x1080"},
                        target{1080, 1920, "portrait 1080x1920"}})
    for (auto m : {sg::fit_mode::letterbox, sg::fit_mode::fill}) {
      const char* mode = m == sg::fit_mode::letterbox ? "letterbox" : "fill";
      const double ours = median_ms(runs, [&] { sink = sink + sg::fit(src, t.w, t.h, m).pixels.size(); });
      const double stb = median_ms(runs, [&] { sink = sink + fit_default(src, t.w, t.h, m).pixels.size(); });
      std::printf("| fit to %s, %s: triangle (ours) / stb default | %.2f / %.2f (%.2fx) |\n", t.what, mode,
                  ours, stb, stb / ours);
    }
  auto frame = sg::blank_image(1920, 1080);
  const auto zone = sg::fit(src, 1920, 945, sg::fit_mode::letterbox);
  const std::string ticker =
      "Ngày Pháp luật Việt Nam 9/11 — Phổ biến, giáo dục pháp luật trong nhà trường — Legal education";
  int off = 0;
  std::printf("| draw_ticker 1920x135 (per frame) | %.3f |\n",
              median_ms(runs * 10, [&] { sg::draw_ticker(frame, 0, 945, 1920, 135, ticker, off += 4); }));
  std::printf("| blit 1920x945 zone (per frame) | %.3f |\n",
              median_ms(runs * 10, [&] { sg::blit(frame, zone, 0, 0); }));
  std::printf("| draw_ticker 192x16 on the LED panel (per frame) | %.3f |\n", median_ms(runs * 10, [&] {
                auto led = sg::blank_image(192, 64);
                sg::draw_ticker(led, 0, 48, 192, 16, ticker, off += 1);
              }));
  std::printf("| snapshot: encode_png 1920x1080 frame | %.1f |\n",
              median_ms(std::max(3, runs / 3), [&] { sink = sink + sg::encode_png(frame).size(); }));
  std::printf("| snapshot: scale_to_width 640 + encode_png | %.1f |\n",
              median_ms(runs, [&] { sink = sink + sg::encode_png(sg::scale_to_width(frame, 640)).size(); }));
  return sink == 0;
}
