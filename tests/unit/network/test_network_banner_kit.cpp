#include <pbgdpl/network/banner_kit.hpp>

#include <doctest/doctest.h>

#include <pbgdpl/core/text.hpp>

// The test's own stb copies (static), unless header-only mode already brought media's.
#ifndef STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#define STBI_NO_STDIO
#include <stb/stb_image.h>
#endif
#ifndef STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_WRITE_NO_STDIO
#include <stb/stb_image_write.h>
#endif

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <unistd.h>
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

std::string png_of(const std::vector<unsigned char>& px, int w, int h, int ch) {
  std::string out;
  REQUIRE(stbi_write_png_to_func(sink, &out, w, h, ch, px.data(), w * ch));
  return out;
}
std::string png(int w, int h) { return png_of(gradient(w, h, 4), w, h, 4); }
std::string jpeg(int w, int h) {
  auto px = gradient(w, h, 3);
  std::string out;
  REQUIRE(stbi_write_jpg_to_func(sink, &out, w, h, 3, px.data(), 90));
  return out;
}
// stb_image_write writes no GIF. An "uncompressed" GIF by hand: LZW minimum code size 7, so every
// code is one byte, and a clear code before the table would grow past 8 bits; stripes of black
// and white.
std::string gif(int w, int h) {
  std::string b = "GIF89a";
  auto le16 = [&](int v) {
    b += static_cast<char>(v & 0xFF);
    b += static_cast<char>((v >> 8) & 0xFF);
  };
  le16(w);
  le16(h);
  b += static_cast<char>(0xF6);  // global table of 2^(6+1) = 128 colours, 8 bits
  b += '\0';
  b += '\0';
  for (int i = 0; i < 128; ++i) b += i == 1 ? std::string(3, '\xFF') : std::string(3, '\0');
  b += ',';
  le16(0);
  le16(0);
  le16(w);
  le16(h);
  b += '\0';
  b += static_cast<char>(7);
  std::string codes;
  int run = 0;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      if (run == 0) codes += static_cast<char>(128);  // clear
      codes += static_cast<char>((x / 8 + y / 8) % 2);
      run = (run + 1) % 100;
    }
  codes += static_cast<char>(129);  // end
  for (std::size_t i = 0; i < codes.size(); i += 255) {
    auto n = std::min<std::size_t>(255, codes.size() - i);
    b += static_cast<char>(n);
    b += codes.substr(i, n);
  }
  b += '\0';
  b += ';';
  return b;
}

struct decoded {
  int w = 0, h = 0;
  std::vector<unsigned char> rgba;
  const unsigned char* at(int x, int y) const { return rgba.data() + (static_cast<std::size_t>(y) * static_cast<std::size_t>(w) + static_cast<std::size_t>(x)) * 4; }
};
decoded decode(const std::string& b) {
  decoded d;
  int c = 0;
  auto* p = stbi_load_from_memory(reinterpret_cast<const stbi_uc*>(b.data()), static_cast<int>(b.size()), &d.w, &d.h, &c, 4);
  REQUIRE(p);
  d.rgba.assign(p, p + static_cast<std::size_t>(d.w) * static_cast<std::size_t>(d.h) * 4);
  stbi_image_free(p);
  return d;
}

std::string folded(std::string_view s) {
  auto f = text::fold(s);
  REQUIRE(f);
  std::string out;
  for (char c : *f) {
    const bool space = c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f';
    if (space) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

bool have_tesseract() { return std::system("command -v tesseract >/dev/null 2>&1") == 0; }

// What tesseract reads from a PNG, in Vietnamese.
std::string ocr(const std::string& png_bytes) {
  auto dir = std::filesystem::temp_directory_path() / ("pbgdpl-banner-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto in = dir / "banner.png", out = dir / "banner.txt";
  std::ofstream(in, std::ios::binary) << png_bytes;
  auto cmd = "tesseract '" + in.string() + "' - -l vie > '" + out.string() + "' 2>/dev/null";
  REQUIRE(std::system(cmd.c_str()) == 0);
  std::ifstream r(out, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(r)), std::istreambuf_iterator<char>());
  std::filesystem::remove_all(dir);
  return text;
}

}  // namespace

TEST_CASE("a banner as PNG, JPEG or GIF made here passes with its dimensions") {
  auto p = network::validate_banner(png(300, 100), "bieu-ngu.png", "image/png");
  REQUIRE(p);
  CHECK(p->format == media::image_format::png);
  CHECK(p->width == 300);
  CHECK(p->height == 100);
  auto j = network::validate_banner(jpeg(468, 60), "Biểu ngữ.JPG", "image/jpeg");
  REQUIRE(j);
  CHECK(j->format == media::image_format::jpeg);
  CHECK(j->width == 468);
  auto g = network::validate_banner(gif(250, 80), "b.gif", "");
  REQUIRE(g);
  CHECK(g->format == media::image_format::gif);
  CHECK(g->width == 250);
  CHECK(g->height == 80);
}

TEST_CASE("a banner whose header claims too many pixels is refused before any decode") {
  auto b = png(300, 100);
  auto be32 = [&](std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) b[at + static_cast<std::size_t>(i)] = static_cast<char>((v >> (24 - 8 * i)) & 0xFF);
  };
  // Within media's general limits (8192 wide, 40 MP) but not a banner's: too_large, not "damaged"
  // (a decode of these few bytes would fail as corrupt), so the header alone refused it.
  be32(16, 3000);
  be32(20, 1900);
  auto r = network::validate_banner(b, "bom.png", "image/png");
  REQUIRE(!r);
  CHECK(r.err().code == errc::too_large);
  be32(16, 100000);
  be32(20, 100000);
  auto r2 = network::make_variants(b);
  REQUIRE(!r2);
  CHECK(r2.err().code == errc::too_large);
  // A GIF's logical screen is read from bytes 6..9.
  auto g = gif(250, 80);
  g[6] = '\xFF';
  g[7] = '\xFF';
  g[8] = '\xFF';
  g[9] = '\xFF';
  auto rg = network::validate_banner(g, "b.gif", "image/gif");
  REQUIRE(!rg);
  CHECK(rg.err().code == errc::too_large);
}

TEST_CASE("a truncated banner is refused in every format") {
  for (auto [bytes, name] : {std::pair{png(300, 100), "a.png"}, std::pair{jpeg(300, 100), "a.jpg"}, std::pair{gif(300, 100), "a.gif"}}) {
    const auto& name_seen = name;  // clang < 16 cannot capture a structured binding in CAPTURE's lambda
    INFO("name := ", name_seen);
    REQUIRE(network::validate_banner(bytes, name, ""));
    auto cut = bytes.substr(0, bytes.size() * 2 / 3);
    auto r = network::validate_banner(cut, name, "");
    REQUIRE(!r);
    CHECK(r.err().path == "/file");
    CHECK(!network::make_variants(cut));
  }
  CHECK(!network::validate_banner("", "a.png", ""));
}

TEST_CASE("a banner that lies about its type is refused") {
  auto p = png(300, 100);
  auto r = network::validate_banner(p, "bieu-ngu.jpg", "image/jpeg");
  REQUIRE(!r);
  CHECK(r.err().message_en.find("extension") != std::string::npos);
  auto r2 = network::validate_banner(p, "bieu-ngu.png", "image/gif");
  REQUIRE(!r2);
  CHECK(r2.err().message_en.find("declared type") != std::string::npos);
  auto r3 = network::validate_banner("<svg onload=alert(1)></svg>", "bieu-ngu.png", "image/png");
  REQUIRE(!r3);
  CHECK(!r3.err().message_vi.empty());
  CHECK(!network::validate_banner(p, "bieu-ngu.svg", "image/svg+xml"));
  CHECK(!network::validate_banner(p, "bieu-ngu.webp", "image/webp"));
}

TEST_CASE("a banner too small or of an extreme shape is refused with the reason in both languages") {
  auto small = network::validate_banner(png(90, 30), "a.png", "");
  REQUIRE(!small);
  CHECK(small.err().message_vi.find("quá nhỏ") != std::string::npos);
  CHECK(small.err().message_en.find("too small") != std::string::npos);
  auto strip = network::validate_banner(png(1200, 100), "a.png", "");  // 12:1
  REQUIRE(!strip);
  CHECK(strip.err().message_en.find("ratio") != std::string::npos);
  auto tall = network::validate_banner(png(100, 250), "a.png", "");  // 1:2.5
  REQUIRE(!tall);
  CHECK(network::validate_banner(png(1000, 100), "a.png", ""));  // 10:1, the widest taken
  CHECK(network::validate_banner(png(100, 200), "a.png", ""));   // 1:2, the tallest taken
}

TEST_CASE("the variants are the common slots each once, at exactly their sizes") {
  auto slots = network::banner_slots();
  std::set<std::pair<std::uint32_t, std::uint32_t>> sizes;
  for (auto s : slots) sizes.insert({s.width, s.height});
  CHECK(sizes.size() == slots.size());
  // 300×100 and 600×200, and their 2× versions (600×200 once, 1200×400).
  CHECK(sizes == std::set<std::pair<std::uint32_t, std::uint32_t>>{{300, 100}, {600, 200}, {1200, 400}});
  for (auto src : {png(468, 60), jpeg(300, 250), gif(250, 80), png(1500, 500)}) {
    auto v = network::make_variants(src);
    REQUIRE(v);
    REQUIRE(v->size() == slots.size());
    for (std::size_t i = 0; i < v->size(); ++i) {
      const auto& im = (*v)[i];
      CHECK(im.width == slots[i].width);
      CHECK(im.height == slots[i].height);
      auto info = media::check_image(im.png, "v.png", "image/png");
      REQUIRE(info);
      CHECK(info->width == slots[i].width);
      CHECK(info->height == slots[i].height);
    }
  }
}

TEST_CASE("a variant shows the whole banner: fitted inside the slot and padded, never cropped") {
  // 900×100 (9:1) with a red first and last column and a blue first and last row: in a 3:1 slot
  // it becomes 300×33 (and 600×67, 1200×133), centred between transparent rows, every edge kept.
  const int w = 900, h = 100;
  std::vector<unsigned char> px(static_cast<std::size_t>(w * h * 4), 255);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      auto* p = px.data() + (static_cast<std::size_t>(y) * w + static_cast<std::size_t>(x)) * 4;
      if (x < 3 || x >= w - 3) p[0] = 255, p[1] = 0, p[2] = 0;
      else if (y < 3 || y >= h - 3) p[0] = 0, p[1] = 0, p[2] = 255;
    }
  auto v = network::make_variants(png_of(px, w, h, 4));
  REQUIRE(v);
  for (const auto& im : *v) {
    CAPTURE(im.width);
    auto d = decode(im.png);
    const int content_h = static_cast<int>(std::lround(static_cast<double>(h) * d.w / w));
    const int y0 = (d.h - content_h) / 2;
    CHECK(d.at(d.w / 2, 0)[3] == 0);        // padding above: transparent
    CHECK(d.at(d.w / 2, d.h - 1)[3] == 0);  // and below
    const int mid = y0 + content_h / 2;
    CHECK(d.at(0, mid)[3] == 255);  // the left edge of the banner is at the slot's left edge
    CHECK(d.at(0, mid)[0] > 150);
    CHECK(d.at(0, mid)[2] < 100);
    CHECK(d.at(d.w - 1, mid)[0] > 150);  // and the right edge is kept
    CHECK(d.at(d.w / 2, y0 + 1)[2] > 100);               // the top border shows
    CHECK(d.at(d.w / 2, y0 + content_h - 1)[2] > 100);  // and the bottom one
  }
}

TEST_CASE("the snippet links the city portal with the required sentence as alt, every value escaped") {
  banner b;
  b.target_url = "https://pbgdpl.hanoi.gov.vn/?a=1&b=\"><script>alert(1)</script>";
  b.required_text = std::string(city_portal_banner_text);
  auto s = network::html_snippet(b, "/pbgdpl/bieu-ngu/300x100.png?v=\"'<x>", 300, 100);
  REQUIRE(s);
  CHECK(*s ==
        "<a href=\"https://pbgdpl.hanoi.gov.vn/?a=1&amp;b=&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\" rel=\"noopener\">"
        "<img src=\"/pbgdpl/bieu-ngu/300x100.png?v=&quot;&#39;&lt;x&gt;\" alt=\"Trang thông tin điện tử phổ biến pháp luật thành phố Hà Nội\" "
        "width=\"300\" height=\"100\"></a>");
  CHECK(s->find("<script") == std::string::npos);
  // An empty banner gets the city portal and the sentence.
  auto d = network::html_snippet(banner{}, "https://truong.example/b.png", 600, 200);
  REQUIRE(d);
  CHECK(d->find("href=\"https://pbgdpl.hanoi.gov.vn\"") != std::string::npos);
  CHECK(d->find("alt=\"" + std::string(city_portal_banner_text) + "\"") != std::string::npos);
  // A script or data link is refused, not written.
  b.target_url = "javascript:alert(1)";
  CHECK(!network::html_snippet(b, "/b.png", 300, 100));
  b.target_url = " JAVASCRIPT:alert(1)";
  CHECK(!network::html_snippet(b, "/b.png", 300, 100));
  b.target_url = "https://pbgdpl.hanoi.gov.vn";
  CHECK(!network::html_snippet(b, "javascript:alert(1)", 300, 100));
  CHECK(!network::html_snippet(b, "//evil.example/b.png", 300, 100));
  CHECK(!network::html_snippet(b, "data:image/png;base64,AAAA", 300, 100));
  CHECK(network::html_snippet(b, "HTTPS://truong.example/b.png", 300, 100));
}

TEST_CASE("every letter of the required sentence has a glyph in the banner font") {
  auto font = network::find_banner_font();
  REQUIRE_MESSAGE(font, "install fonts-dejavu-core");
  auto missing = network::missing_glyphs(*font, city_portal_banner_text);
  REQUIRE(missing);
  CHECK(missing->empty());
  // The check can fail: CJK is not in DejaVu Sans, and NFD marks alone are reported by code point.
  auto cjk = network::missing_glyphs(*font, "Hà Nội 中文");
  REQUIRE(cjk);
  CHECK(*cjk == std::vector<char32_t>{U'中', U'文'});
  CHECK(!network::missing_glyphs(*font, "\xC3\x28"));
}

TEST_CASE("without a font the default banner is refused with a bilingual error naming the package") {
  auto r = network::find_banner_font({"/nonexistent/a.ttf", "/nonexistent/b.ttf"});
  REQUIRE(!r);
  CHECK(r.err().message_vi.find("fonts-dejavu-core") != std::string::npos);
  CHECK(r.err().message_en.find("fonts-dejavu-core") != std::string::npos);
  CHECK(r.err().message_en.find("/nonexistent/a.ttf") != std::string::npos);
  CHECK(!network::render_default_banner(600, 200, "/nonexistent/a.ttf"));
  CHECK(!network::render_default_banner(600, 200, "/etc/hostname"));  // not a font
}

TEST_CASE("the default banner is a PNG of exactly the size asked, with the text in contrast") {
  for (auto [w, h] : {std::pair{300u, 100u}, {600u, 200u}, {1200u, 400u}, {250u, 250u}, {160u, 600u}}) {
    const auto& w_seen = w;  // clang < 16 cannot capture a structured binding in CAPTURE's lambda
    INFO("w := ", w_seen);
    const auto& h_seen = h;  // clang < 16 cannot capture a structured binding in CAPTURE's lambda
    INFO("h := ", h_seen);
    auto png_bytes = network::render_default_banner(w, h);
    REQUIRE(png_bytes);
    auto d = decode(*png_bytes);
    CHECK(d.w == static_cast<int>(w));
    CHECK(d.h == static_cast<int>(h));
    // Dark letters on white: a good share of the inside is ink, most of it ground.
    std::size_t dark = 0, light = 0;
    const int f = std::max(2, std::min(d.w, d.h) / 25);
    for (int y = f; y < d.h - f; ++y)
      for (int x = f; x < d.w - f; ++x) {
        if (d.at(x, y)[0] < 80) ++dark;
        else if (d.at(x, y)[0] > 230) ++light;
      }
    const double share = static_cast<double>(dark) / static_cast<double>(dark + light);
    CHECK(share > 0.05);
    CHECK(share < 0.5);
  }
  CHECK(!network::render_default_banner(50, 20));
  CHECK(!network::render_default_banner(100000, 100));
}

TEST_CASE("OCR reads the required sentence from the default banner") {
  if (!have_tesseract()) {
    MESSAGE("tesseract is not installed (Debian: tesseract-ocr tesseract-ocr-vie): OCR check skipped");
    return;
  }
  const auto want = folded(city_portal_banner_text);
  for (auto [w, h] : {std::pair{1200u, 400u}, std::pair{600u, 200u}, std::pair{300u, 100u}}) {
    const auto& w_seen = w;  // clang < 16 cannot capture a structured binding in CAPTURE's lambda
    INFO("w := ", w_seen);
    auto png_bytes = network::render_default_banner(w, h);
    REQUIRE(png_bytes);
    auto text = ocr(*png_bytes);
    CAPTURE(text);
    CHECK(folded(text).find(want) != std::string::npos);
  }
  // The check can fail: a banner with no text (a variant of a plain gradient) reads as nothing.
  auto v = network::make_variants(png(600, 200));
  REQUIRE(v);
  CHECK(folded(ocr((*v)[1].png)).find(want) == std::string::npos);
}

TEST_CASE("time to render the default banner and to make the variants") {
  using clk = std::chrono::steady_clock;
  auto t0 = clk::now();
  auto b = network::render_default_banner(1200, 400);
  auto t1 = clk::now();
  REQUIRE(b);
  auto v = network::make_variants(*b);
  auto t2 = clk::now();
  REQUIRE(v);
  auto ms = [](auto d) { return std::chrono::duration<double, std::milli>(d).count(); };
  MESSAGE("default banner 1200x400: " << ms(t1 - t0) << " ms; variants 300x100, 600x200, 1200x400 from it: " << ms(t2 - t1)
                                      << " ms");
}
