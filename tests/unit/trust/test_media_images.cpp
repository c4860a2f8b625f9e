#include <pbgdpl/media/images.hpp>

#include <doctest/doctest.h>

#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_WRITE_NO_STDIO
#include <stb/stb_image_write.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

using namespace pbgdpl;

namespace {

std::vector<unsigned char> gradient(int w, int h, int ch) {
  std::vector<unsigned char> px(static_cast<std::size_t>(w * h * ch));
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int c = 0; c < ch; ++c) px[static_cast<std::size_t>((y * w + x) * ch + c)] = static_cast<unsigned char>((x * 7 + y * 3 + c * 50) & 0xFF);
  return px;
}

void sink(void* ctx, void* data, int size) { static_cast<std::string*>(ctx)->append(static_cast<const char*>(data), static_cast<std::size_t>(size)); }

std::string png(int w, int h) {
  auto px = gradient(w, h, 4);
  std::string out;
  REQUIRE(stbi_write_png_to_func(sink, &out, w, h, 4, px.data(), w * 4));
  return out;
}
std::string jpeg(int w, int h) {
  auto px = gradient(w, h, 3);
  std::string out;
  REQUIRE(stbi_write_jpg_to_func(sink, &out, w, h, 3, px.data(), 90));
  return out;
}
// stb_image_write writes no GIF: a 2x1 GIF89a by hand (global palette of 2, LZW minimum code size 2).
std::string gif() {
  const unsigned char b[] = {'G', 'I', 'F', '8', '9', 'a', 2, 0, 1, 0, 0x80, 0, 0,   // screen 2x1, palette of 2
                             0, 0, 0, 255, 255, 255,                                  // black, white
                             0x2C, 0, 0, 0, 0, 2, 0, 1, 0, 0,                        // image 2x1
                             2, 2, 0x44, 0x0A, 0,                                     // LZW: clear, 0, 1, end
                             0x3B};
  return std::string(reinterpret_cast<const char*>(b), sizeof b);
}

std::string en(const error& e) { return e.message_en; }
bool check_image_ok(const std::string& b) { return static_cast<bool>(media::check_image(b, "a.jpg", "")); }

}  // namespace

TEST_CASE("a PNG, a JPEG and a GIF made here pass the checks with their dimensions") {
  auto p = media::check_image(png(40, 30), "anh.png", "image/png");
  REQUIRE(p);
  CHECK(p->format == media::image_format::png);
  CHECK(p->width == 40);
  CHECK(p->height == 30);
  auto j = media::check_image(jpeg(33, 17), "Ảnh hoạt động.JPG", "image/jpeg");
  REQUIRE(j);
  CHECK(j->format == media::image_format::jpeg);
  CHECK(j->width == 33);
  auto g = media::check_image(gif(), "a.gif", "");
  REQUIRE(g);
  CHECK(g->format == media::image_format::gif);
  CHECK(g->width == 2);
  CHECK(g->height == 1);
  // Undeclared types (application/octet-stream) are judged by the content alone.
  CHECK(media::check_image(png(2, 2), "a.png", "application/octet-stream"));
}

TEST_CASE("a PNG header claiming 100000x100000 is refused before any decode") {
  auto b = png(4, 4);
  auto be32 = [&](std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) b[at + static_cast<std::size_t>(i)] = static_cast<char>((v >> (24 - 8 * i)) & 0xFF);
  };
  be32(16, 100000);
  be32(20, 100000);
  auto r = media::check_image(b, "bom.png", "image/png");
  REQUIRE(!r);
  CHECK(r.err().code == errc::too_large);
  CHECK(r.err().path == "/file");
  CHECK(en(r.err()).find("100000") != std::string::npos);
  // Within each edge but over the pixel count.
  media::image_limits lim;
  lim.max_pixels = 100;
  auto many = media::check_image(png(20, 20), "a.png", "", lim);
  REQUIRE(!many);
  CHECK(many.err().code == errc::too_large);
  CHECK(en(many.err()).find("too many pixels") != std::string::npos);
  lim = {};
  lim.max_width = 10;
  CHECK(!media::check_image(png(11, 2), "a.png", "", lim));
  CHECK(media::check_image(png(10, 2), "a.png", "", lim));
}

TEST_CASE("a truncated PNG, JPEG or GIF is refused cleanly") {
  auto p = png(64, 64);
  auto j = jpeg(64, 64);
  auto g = gif();
  for (std::size_t keep : {p.size() / 2, std::size_t{40}, std::size_t{20}}) {
    auto r = media::check_image(p.substr(0, keep), "a.png", "image/png");
    REQUIRE(!r);
    CHECK(r.err().code == errc::corrupt);
  }
  for (std::size_t keep : {j.size() - 2, j.size() / 2, std::size_t{200}, std::size_t{4}}) {
    auto r = media::check_image(j.substr(0, keep), "a.jpg", "image/jpeg");
    REQUIRE(!r);
    CHECK(r.err().code == errc::corrupt);
  }
  CHECK(!media::check_image(g.substr(0, g.size() - 1), "a.gif", ""));
  // Damage in the middle of the compressed data.
  auto broken = p;
  for (std::size_t i = 60; i < broken.size() - 20; ++i) broken[i] = '\x55';
  CHECK(!media::check_image(broken, "a.png", ""));
}

TEST_CASE("a JPEG named .png and a text file named .jpg are refused by their content") {
  CHECK(!media::check_image(jpeg(8, 8), "anh.png", ""));  // no declared type: the name alone lies
  auto lie = media::check_image(jpeg(8, 8), "anh.png", "image/png");
  REQUIRE(!lie);
  CHECK(lie.err().code == errc::invalid_argument);
  CHECK(en(lie.err()).find("does not match") != std::string::npos);
  CHECK(!lie.err().message_vi.empty());
  // The right name with a lying Content-Type.
  auto type_lie = media::check_image(jpeg(8, 8), "anh.jpg", "image/gif");
  REQUIRE(!type_lie);
  CHECK(en(type_lie.err()).find("declared type") != std::string::npos);
  auto text = media::check_image("Kế hoạch số 19/KH-PGDĐT\n", "ke-hoach.jpg", "image/jpeg");
  REQUIRE(!text);
  CHECK(en(text.err()).find("not a PNG, JPEG or GIF") != std::string::npos);
  auto html = media::check_image("<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>", "x.png", "");
  CHECK(!html);
  // WebP: stb_image cannot decode it, so it is refused with its own message.
  auto webp = media::check_image(std::string("RIFF\x10\0\0\0WEBPVP8 ", 16), "a.png", "");
  REQUIRE(!webp);
  CHECK(en(webp.err()).find("WebP") != std::string::npos);
  // A name with no image extension.
  CHECK(!media::check_image(png(2, 2), "a.svg", ""));
  CHECK(!media::check_image(png(2, 2), "png", ""));
}

TEST_CASE("a zero-byte file and a file over the byte limit are refused") {
  auto z = media::check_image("", "a.png", "image/png");
  REQUIRE(!z);
  CHECK(en(z.err()).find("empty") != std::string::npos);
  media::image_limits lim;
  lim.max_bytes = 100;
  auto big = media::check_image(png(64, 64), "a.png", "", lim);
  REQUIRE(!big);
  CHECK(big.err().code == errc::too_large);
  // The declared size alone is enough to refuse, before a body is read.
  CHECK(!media::check_image_size(10 * 1024 * 1024 + 1));
  CHECK(media::check_image_size(10 * 1024 * 1024));
}

TEST_CASE("a thumbnail is a PNG whose longer edge is at most the bound") {
  auto t = media::make_thumbnail(jpeg(1000, 400), 320);
  REQUIRE(t);
  auto info = media::check_image(*t, "t.png", "image/png");
  REQUIRE(info);
  CHECK(info->width == 320);
  CHECK(info->height == 128);
  auto tall = media::make_thumbnail(png(100, 700), 320);
  REQUIRE(tall);
  auto ti = media::check_image(*tall, "t.png", "");
  REQUIRE(ti);
  CHECK(ti->height == 320);
  CHECK(ti->width == 46);
  // A small image keeps its size; a broken one gives no thumbnail.
  auto small = media::make_thumbnail(gif(), 320);
  REQUIRE(small);
  CHECK(media::check_image(*small, "t.png", "")->width == 2);
  CHECK(!media::make_thumbnail(png(64, 64).substr(0, 50), 320));
}

// Found by tests/fuzz/fuzz_image.cpp (issue 21): stb_image 2.27 builds a JPEG Huffman table whose
// 16 code counts add up to more than 256 and writes past its arrays. Such a table is refused first.
TEST_CASE("a JPEG whose Huffman table declares more than 256 codes is refused before stb reads it") {
  auto j = jpeg(16, 16);
  auto dht = j.find(std::string_view("\xFF\xC4", 2));
  REQUIRE(dht != std::string::npos);
  REQUIRE(check_image_ok(j));
  auto bad = j;
  for (std::size_t i = 0; i < 16; ++i) bad[dht + 5 + i] = '\x40';  // 16 x 64 codes
  auto r = media::check_image(bad, "a.jpg", "image/jpeg");
  REQUIRE(!r);
  CHECK(r.err().code == errc::corrupt);
  CHECK(en(r.err()).find("Huffman") != std::string::npos);
  std::vector<std::uint8_t> px;
  CHECK(!media::decode_rgba(bad, px));
  CHECK(!media::make_thumbnail(bad));
  // The fuzzer's own input (a progressive JPEG whose DHT after the frame header is the bad one).
  std::ifstream f(std::string(PBGDPL_SOURCE_DIR) + "/tests/fuzz/regressions/image/stb-dht-overflow.jpg", std::ios::binary);
  std::string found((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  REQUIRE(!found.empty());
  auto rf = media::check_image(found, "a.jpg", "");
  REQUIRE(!rf);
  CHECK(en(rf.err()).find("Huffman") != std::string::npos);
  // A real progressive JPEG (Pillow's, several tables between scans) still passes.
  std::ifstream g(std::string(PBGDPL_SOURCE_DIR) + "/tests/fuzz/corpus/image/jpg", std::ios::binary);
  std::string progressive((std::istreambuf_iterator<char>(g)), std::istreambuf_iterator<char>());
  REQUIRE(!progressive.empty());
  CHECK(check_image_ok(progressive));
}
