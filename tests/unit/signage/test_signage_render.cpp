#include <pbgdpl/signage/render.hpp>

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

using namespace pbgdpl;
using signage::rgb;
using signage::rgba_image;

namespace {

constexpr rgb red{255, 0, 0}, green{0, 255, 0}, blue{0, 0, 255}, black{0, 0, 0}, white{255, 255, 255};

rgb at(const rgba_image& img, std::uint32_t x, std::uint32_t y) {
  const auto* p = img.pixels.data() + (std::size_t{y} * img.width + x) * 4;
  return {p[0], p[1], p[2]};
}

// Vertical bands of equal width, one per colour.
rgba_image bands(std::uint32_t band_w, std::uint32_t h, const std::vector<rgb>& colours) {
  auto img = signage::blank_image(band_w * static_cast<std::uint32_t>(colours.size()), h);
  for (std::size_t i = 0; i < colours.size(); ++i)
    signage::fill_rect(img, band_w * static_cast<std::uint32_t>(i), 0, band_w, h, colours[i]);
  return img;
}

// Counts the pixels of the rectangle equal to `c`.
std::size_t count(const rgba_image& img, std::uint32_t x0, std::uint32_t y0, std::uint32_t x1,
                  std::uint32_t y1, rgb c) {
  std::size_t n = 0;
  for (auto y = y0; y < y1; ++y)
    for (auto x = x0; x < x1; ++x) n += at(img, x, y) == c;
  return n;
}

// A PNG whose header claims w×h and whose data is a few bytes (a decompression bomb's shape).
std::string png_header(std::uint32_t w, std::uint32_t h) {
  std::string s("\x89PNG\r\n\x1a\n", 8);
  s += std::string("\0\0\0\x0dIHDR", 8);
  for (int i = 3; i >= 0; --i) s += static_cast<char>((w >> (8 * i)) & 0xFF);
  for (int i = 3; i >= 0; --i) s += static_cast<char>((h >> (8 * i)) & 0xFF);
  s += std::string("\x08\x06\0\0\0", 5);
  s += std::string("\0\0\0\0", 4);  // CRC (not checked before the size is)
  s += std::string("\0\0\0\x0aIDAT", 8) + std::string(10, '\0');
  return s;
}

}  // namespace

TEST_CASE("a wide image letterboxed into a square zone has black bars above and below") {
  const auto img = signage::fit(bands(100, 100, {red, red}), 100, 100, signage::fit_mode::letterbox);
  REQUIRE(img.width == 100);
  REQUIRE(img.height == 100);
  REQUIRE(img.pixels.size() == 100u * 100 * 4);
  // 200×100 scaled to 100×50, centred: rows 0-24 and 75-99 are bars.
  CHECK(count(img, 0, 0, 100, 25, black) == 100u * 25);
  CHECK(count(img, 0, 25, 100, 75, red) == 100u * 50);
  CHECK(count(img, 0, 75, 100, 100, black) == 100u * 25);
  CHECK(img.pixels[3] == 255);  // opaque bars
}

TEST_CASE("a tall image letterboxed into a wide zone has black bars left and right") {
  auto tall = signage::blank_image(50, 200, blue);
  const auto img = signage::fit(tall, 200, 100, signage::fit_mode::letterbox);
  REQUIRE(img.width == 200);
  // 50×200 scaled to 25×100 centred: columns 87-111 blue.
  CHECK(count(img, 0, 0, 87, 100, black) == 87u * 100);
  CHECK(count(img, 87, 0, 112, 100, blue) == 25u * 100);
  CHECK(count(img, 112, 0, 200, 100, black) == 88u * 100);
}

TEST_CASE("fill covers the zone and crops the overflow equally on both sides") {
  // 400×100: red | green | green | blue. Into 50×50 the scale is 0.5 and the centre 100×100 of
  // the source (all green) is shown: red and blue are cropped away.
  const auto img = signage::fit(bands(100, 100, {red, green, green, blue}), 50, 50, signage::fit_mode::fill);
  REQUIRE(img.width == 50);
  REQUIRE(img.height == 50);
  CHECK(count(img, 0, 0, 50, 50, green) == 50u * 50);
  // The same picture letterboxed keeps all four bands, with bars.
  const auto lb =
      signage::fit(bands(100, 100, {red, green, green, blue}), 50, 50, signage::fit_mode::letterbox);
  CHECK(at(lb, 2, 25) == red);
  CHECK(at(lb, 47, 25) == blue);
  CHECK(at(lb, 25, 2) == black);
}

TEST_CASE("fill crops a tall image at the top and bottom") {
  // 100×300 with horizontal bands red / green / blue: into 100×100 only the green middle shows.
  auto img = signage::blank_image(100, 300, red);
  signage::fill_rect(img, 0, 100, 100, 100, green);
  signage::fill_rect(img, 0, 200, 100, 100, blue);
  const auto out = signage::fit(img, 100, 100, signage::fit_mode::fill);
  CHECK(count(out, 0, 0, 100, 100, green) == 100u * 100);
}

TEST_CASE("transparent pixels are composited over black and the result is opaque") {
  rgba_image img{2, 2, std::vector<std::uint8_t>(16, 0)};
  for (int i = 0; i < 4; ++i) {
    img.pixels[static_cast<std::size_t>(i) * 4] = 255;  // red, fully transparent
  }
  const auto out = signage::fit(img, 2, 2, signage::fit_mode::letterbox);
  REQUIRE(out.width == 2);
  for (std::size_t i = 0; i < out.pixels.size(); i += 4) {
    CHECK(out.pixels[i] == 0);
    CHECK(out.pixels[i + 3] == 255);
  }
}

TEST_CASE("fit refuses sizes that are empty or too large without allocating them") {
  const auto src = signage::blank_image(10, 10, red);
  CHECK(signage::fit(src, 0, 10, signage::fit_mode::fill).pixels.empty());
  CHECK(signage::fit(src, 100000, 100000, signage::fit_mode::letterbox).pixels.empty());
  CHECK(signage::fit(rgba_image{}, 10, 10, signage::fit_mode::fill).pixels.empty());
  // Pixels that do not match the declared size are not read.
  CHECK(signage::fit(rgba_image{10, 10, std::vector<std::uint8_t>(12)}, 5, 5, signage::fit_mode::fill)
            .pixels.empty());
  CHECK(signage::blank_image(70000, 70000).pixels.empty());
}

TEST_CASE("blit clips at the right and bottom edges") {
  auto dst = signage::blank_image(10, 10, white);
  signage::blit(dst, signage::blank_image(4, 4, red), 8, 8);
  CHECK(count(dst, 8, 8, 10, 10, red) == 4);
  CHECK(count(dst, 0, 0, 10, 10, red) == 4);
  signage::blit(dst, signage::blank_image(4, 4, blue), 20, 3);  // wholly outside: nothing
  signage::blit(dst, signage::blank_image(4, 4, blue), 3, 10);
  CHECK(count(dst, 0, 0, 10, 10, blue) == 0);
  signage::blit(dst, signage::blank_image(3, 2, blue), 0, 0);
  CHECK(count(dst, 0, 0, 10, 10, blue) == 6);
  CHECK(at(dst, 2, 1) == blue);
  CHECK(at(dst, 3, 1) == white);
  CHECK(at(dst, 2, 2) == white);
}

TEST_CASE("a ticker draws its text inside its band only and scrolls from the right") {
  REQUIRE(signage::text_width("Phổ biến pháp luật", 18) > 0);  // fonts-dejavu-core is installed
  const auto base = signage::blank_image(200, 100, green);
  const std::string text = "Phổ biến, giáo dục pháp luật";
  auto frame = [&](int offset) {
    auto img = base;
    signage::draw_ticker(img, 10, 40, 150, 30, text, offset);
    return img;
  };
  auto outside_unchanged = [&](const rgba_image& img) {
    std::size_t changed = 0;
    for (std::uint32_t y = 0; y < 100; ++y)
      for (std::uint32_t x = 0; x < 200; ++x) {
        const bool inside = x >= 10 && x < 160 && y >= 40 && y < 70;
        if (!inside && !(at(img, x, y) == green)) ++changed;
      }
    return changed == 0;
  };
  // Offset 0: the text has not entered yet, the band is plain.
  const auto f0 = frame(0);
  CHECK(outside_unchanged(f0));
  CHECK(count(f0, 10, 40, 160, 70, signage::ticker_background) == 150u * 30);
  // Offset 100: text pixels inside the band.
  const auto f100 = frame(100);
  CHECK(outside_unchanged(f100));
  const auto plain = count(f100, 10, 40, 160, 70, signage::ticker_background);
  CHECK(plain < 150u * 30);
  CHECK(plain > 150u * 30 / 2);  // text, not a filled block
  CHECK(count(f100, 10, 40, 160, 70, signage::ticker_foreground) > 0);
  // It moves, and it repeats every band width + text width.
  CHECK_FALSE(frame(101) == f100);
  const int period = 150 + static_cast<int>(signage::text_width(text, 18));
  CHECK(frame(100 + period) == f100);
  CHECK(frame(100 - period) == f100);
}

TEST_CASE("a ticker at the frame's edge is clipped to the frame") {
  auto img = signage::blank_image(100, 50, green);
  signage::draw_ticker(img, 60, 30, 200, 40, "Cầu thang pháp luật", 120);
  CHECK(count(img, 0, 0, 100, 30, green) == 100u * 30);
  CHECK(count(img, 0, 30, 60, 50, green) == 60u * 20);
  CHECK(count(img, 60, 30, 100, 50, green) == 0);
}

TEST_CASE("a frame survives a PNG round trip exactly") {
  auto img = bands(7, 5, {red, green, blue});
  img.pixels[5] = 77;
  const auto png = signage::encode_png(img);
  REQUIRE(!png.empty());
  auto back = signage::decode_image(png);
  REQUIRE(back.has_value());
  CHECK(*back == img);
  CHECK(signage::encode_png(rgba_image{}).empty());
}

TEST_CASE("hostile images are refused before they are decoded") {
  auto bomb = signage::decode_image(png_header(100000, 100000));
  REQUIRE_FALSE(bomb.has_value());
  CHECK(bomb.err().code == errc::too_large);  // judged by the header, not "damaged"
  // Within the width and height limits but over the pixel count.
  media::image_limits lim;
  lim.max_pixels = 1000;
  auto many = signage::decode_image(signage::encode_png(signage::blank_image(40, 40)), lim);
  REQUIRE_FALSE(many.has_value());
  CHECK(many.err().code == errc::too_large);
  CHECK_FALSE(signage::decode_image("").has_value());
  CHECK_FALSE(signage::decode_image("<svg xmlns='http://www.w3.org/2000/svg'/>").has_value());
  auto png = signage::encode_png(signage::blank_image(64, 64, red));
  auto cut = signage::decode_image(std::string_view(png).substr(0, png.size() / 2));
  REQUIRE_FALSE(cut.has_value());
}

TEST_CASE("a snapshot is scaled down to the asked width keeping its shape") {
  const auto s = signage::scale_to_width(signage::blank_image(1280, 720, red), 640);
  CHECK(s.width == 640);
  CHECK(s.height == 360);
  CHECK(count(s, 0, 0, 640, 360, red) == 640u * 360);
  CHECK(signage::scale_to_width(signage::blank_image(320, 200), 640).width == 320);
}

TEST_CASE("an image already the zone's size is shown pixel for pixel") {
  auto img = bands(3, 4, {red, green, blue});
  img.pixels[4] = 12;  // a colour no filter would keep exactly next to its neighbours
  img.pixels[7] = 0;   // a transparent pixel: over black
  for (auto m : {signage::fit_mode::letterbox, signage::fit_mode::fill}) {
    const auto out = signage::fit(img, 9, 4, m);
    REQUIRE(out.width == 9);
    CHECK(at(out, 0, 0) == red);
    CHECK(at(out, 1, 0) == black);
    CHECK(at(out, 8, 3) == blue);
    auto expect = img;
    expect.pixels[4] = 0, expect.pixels[5] = 0, expect.pixels[6] = 0, expect.pixels[7] = 255;
    CHECK(out == expect);
  }
}
