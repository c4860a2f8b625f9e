// The demo's signage content (demo_signage.hpp). The facts on the pictures come from the law texts
// named on them; data/seed/NOTES.md ("Signage demo content") gives the sources.
#include "demo_signage.hpp"

#include <pbgdpl/core/files.hpp>
#include <pbgdpl/core/text.hpp>
#include <pbgdpl/media/images.hpp>
#include <pbgdpl/trust/approval.hpp>
#include <pbgdpl/trust/hash.hpp>
#include <pbgdpl/trust/permissions.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iterator>
#include <memory>
#include <thread>

// stb_truetype as the library compiles it (network/impl/banner_kit.ipp): static functions, and
// only when this translation unit has no copy yet (header-only builds bring the library's).
#ifndef STB_TRUETYPE_IMPLEMENTATION
#define STBTT_STATIC
#define STB_TRUETYPE_IMPLEMENTATION
#include <stb/stb_truetype.h>
#endif

extern char** environ;

namespace fs = std::filesystem;
using namespace pbgdpl;

namespace demo {
namespace {

constexpr std::string_view infographic_id = "infographic-quyen-tre-em";
constexpr std::string_view notice_id = "thong-bao-ngay-phap-luat";
constexpr std::string_view video_id = "video-an-toan-giao-thong";
constexpr std::uint32_t video_seconds = 10;

const fs::path font_dir = "/usr/share/fonts/truetype/dejavu";

struct rgb {
  std::uint8_t r, g, b;
};

std::u32string code_points(std::string_view s) {
  std::u32string out;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    char32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
    for (std::size_t k = 1; k < n && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += n;
  }
  return out;
}

struct font {
  std::string data;
  stbtt_fontinfo info{};
  int ascent = 0, descent = 0, gap = 0;
};

result<std::shared_ptr<font>> load_font(const fs::path& p) {
  auto f = std::make_shared<font>();
  std::ifstream in(p, std::ios::binary);
  if (in) f->data.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  const auto* d = reinterpret_cast<const unsigned char*>(f->data.data());
  if (f->data.size() < 12 || stbtt_GetFontOffsetForIndex(d, 0) < 0 || !stbtt_InitFont(&f->info, d, stbtt_GetFontOffsetForIndex(d, 0)))
    return error(errc::not_found, "/font", "Không đọc được phông chữ " + p.string() + " (cài gói fonts-dejavu-core)",
                 "The font " + p.string() + " cannot be read (install fonts-dejavu-core)");
  stbtt_GetFontVMetrics(&f->info, &f->ascent, &f->descent, &f->gap);
  return f;
}

// An RGB picture with text laid out in boxes: words wrapped greedily at the largest size (between
// two bounds) at which the block fits.
class canvas {
 public:
  canvas(int w, int h, rgb bg) : w_(w), h_(h), px_(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 3) {
    fill(0, 0, w, h, bg);
  }

  void fill(int x, int y, int w, int h, rgb c) {
    for (int yy = std::max(0, y); yy < std::min(h_, y + h); ++yy)
      for (int xx = std::max(0, x); xx < std::min(w_, x + w); ++xx) {
        auto* p = &px_[(static_cast<std::size_t>(yy) * static_cast<std::size_t>(w_) + static_cast<std::size_t>(xx)) * 3];
        p[0] = c.r;
        p[1] = c.g;
        p[2] = c.b;
      }
  }

  struct block {
    const font* f = nullptr;
    std::string text;
    rgb colour{0, 0, 0};
    int max_px = 40, min_px = 16;
    bool centre = false;
    std::size_t max_lines = 0;  // 0: any number
  };

  // The height the block takes at `px` in a box `w` wide, or -1 when a word does not fit.
  int measure(const block& b, int px, int w) const {
    auto lines = wrap(b, px, w);
    if (lines.empty()) return -1;
    return height_of(b, px, lines.size());
  }

  // The largest size the block fits in w×h at; 0 when not even its smallest.
  int fit(const block& b, int w, int h) const {
    for (int px = b.max_px; px >= b.min_px; --px) {
      const int used = measure(b, px, w);
      if (used >= 0 && used <= h) return px;
    }
    return 0;
  }

  // Draws the block at size px from (x, y) in a box w wide; returns the height used.
  int draw(const block& b, int px, int x, int y, int w) {
    auto lines = wrap(b, px, w);
    const float s = stbtt_ScaleForPixelHeight(&b.f->info, static_cast<float>(px));
    const float line_h = static_cast<float>(b.f->ascent - b.f->descent + b.f->gap) * s;
    std::vector<unsigned char> glyph;
    for (std::size_t li = 0; li < lines.size(); ++li) {
      const auto& ln = lines[li];
      float cx = static_cast<float>(x) + (b.centre ? (static_cast<float>(w) - advance(*b.f, ln, s)) / 2 : 0.0f);
      const int baseline = y + static_cast<int>(std::lround(static_cast<float>(b.f->ascent) * s + static_cast<float>(li) * line_h));
      for (std::size_t i = 0; i < ln.size(); ++i) {
        const int cp = static_cast<int>(ln[i]);
        const float fx = cx - std::floor(cx);
        int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
        stbtt_GetCodepointBitmapBoxSubpixel(&b.f->info, cp, s, s, fx, 0, &x0, &y0, &x1, &y1);
        const int gw = x1 - x0, gh = y1 - y0;
        if (gw > 0 && gh > 0) {
          glyph.assign(static_cast<std::size_t>(gw) * static_cast<std::size_t>(gh), 0);
          stbtt_MakeCodepointBitmapSubpixel(&b.f->info, glyph.data(), gw, gh, gw, s, s, fx, 0, cp);
          blend(glyph, gw, gh, static_cast<int>(std::floor(cx)) + x0, baseline + y0, b.colour);
        }
        int adv = 0, lsb = 0;
        stbtt_GetCodepointHMetrics(&b.f->info, cp, &adv, &lsb);
        cx += static_cast<float>(adv) * s;
        if (i + 1 < ln.size()) cx += s * static_cast<float>(stbtt_GetCodepointKernAdvance(&b.f->info, cp, static_cast<int>(ln[i + 1])));
      }
    }
    return height_of(b, px, lines.size());
  }

  std::string png() const { return media::encode_png(px_.data(), w_, h_, 3); }

 private:
  static float advance(const font& f, const std::u32string& s, float scale) {
    float x = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
      int adv = 0, lsb = 0;
      stbtt_GetCodepointHMetrics(&f.info, static_cast<int>(s[i]), &adv, &lsb);
      x += static_cast<float>(adv) * scale;
      if (i + 1 < s.size()) x += scale * static_cast<float>(stbtt_GetCodepointKernAdvance(&f.info, static_cast<int>(s[i]), static_cast<int>(s[i + 1])));
    }
    return x;
  }

  static int height_of(const block& b, int px, std::size_t lines) {
    const float s = stbtt_ScaleForPixelHeight(&b.f->info, static_cast<float>(px));
    const float line_h = static_cast<float>(b.f->ascent - b.f->descent + b.f->gap) * s;
    return static_cast<int>(std::ceil(static_cast<float>(lines - 1) * line_h + static_cast<float>(b.f->ascent - b.f->descent) * s));
  }

  static std::vector<std::u32string> wrap(const block& b, int px, int w) {
    const float s = stbtt_ScaleForPixelHeight(&b.f->info, static_cast<float>(px));
    std::vector<std::u32string> words(1);
    for (char32_t c : code_points(b.text)) {
      if (c == U' ') {
        if (!words.back().empty()) words.emplace_back();
      } else {
        words.back().push_back(c);
      }
    }
    std::vector<std::u32string> lines;
    for (const auto& wd : words) {
      if (wd.empty()) continue;
      if (advance(*b.f, wd, s) > static_cast<float>(w)) return {};
      if (!lines.empty() && advance(*b.f, lines.back() + U' ' + wd, s) <= static_cast<float>(w)) lines.back() += U' ' + wd;
      else lines.push_back(wd);
    }
    if (b.max_lines && lines.size() > b.max_lines) return {};
    return lines;
  }

  void blend(const std::vector<unsigned char>& g, int gw, int gh, int ox, int oy, rgb c) {
    for (int gy = 0; gy < gh; ++gy) {
      const int py = oy + gy;
      if (py < 0 || py >= h_) continue;
      for (int gx = 0; gx < gw; ++gx) {
        const int pxl = ox + gx;
        if (pxl < 0 || pxl >= w_) continue;
        const int a = g[static_cast<std::size_t>(gy) * static_cast<std::size_t>(gw) + static_cast<std::size_t>(gx)];
        if (a == 0) continue;
        auto* p = &px_[(static_cast<std::size_t>(py) * static_cast<std::size_t>(w_) + static_cast<std::size_t>(pxl)) * 3];
        p[0] = static_cast<std::uint8_t>((p[0] * (255 - a) + c.r * a + 127) / 255);
        p[1] = static_cast<std::uint8_t>((p[1] * (255 - a) + c.g * a + 127) / 255);
        p[2] = static_cast<std::uint8_t>((p[2] * (255 - a) + c.b * a + 127) / 255);
      }
    }
  }

  int w_, h_;
  std::vector<std::uint8_t> px_;
};

struct fonts {
  std::shared_ptr<font> regular, bold;
};

result<fonts> load_fonts() {
  auto r = load_font(font_dir / "DejaVuSans.ttf");
  if (!r) return r.err();
  auto b = load_font(font_dir / "DejaVuSans-Bold.ttf");
  if (!b) return b.err();
  return fonts{*r, *b};
}

error too_small(std::string_view what) {
  return error(errc::out_of_range, "/size", "Ảnh quá nhỏ để viết hết nội dung: " + std::string(what),
               "The picture is too small for its text: " + std::string(what));
}

// --- video: ffmpeg, run without a shell, with a time limit ---------------------------------------

// The program's path when it is on PATH, else "".
std::string on_path(std::string_view name) {
  const char* path = std::getenv("PATH");
  std::string_view rest = path ? path : "/usr/local/bin:/usr/bin:/bin";
  while (!rest.empty()) {
    auto colon = rest.find(':');
    auto dir = rest.substr(0, colon);
    rest = colon == std::string_view::npos ? std::string_view{} : rest.substr(colon + 1);
    if (dir.empty()) continue;
    fs::path p = fs::path(dir) / name;
    if (::access(p.c_str(), X_OK) == 0) return p.string();
  }
  return {};
}

// Runs argv[0] with its output to /dev/null; false when it failed or ran past `limit` (then killed).
bool run(const std::vector<std::string>& args, std::chrono::seconds limit) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) return false;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  int status = 0;
  for (;;) {
    const pid_t w = ::waitpid(pid, &status, WNOHANG);
    if (w == pid) return WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (w < 0) return false;
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

// The 10-second portrait clip: a coloured ground and the title in both languages (DejaVu).
result<std::string> make_video(const fs::path& work) {
  const auto ffmpeg = on_path("ffmpeg");
  if (ffmpeg.empty())
    return error(errc::not_found, "/ffmpeg", "Không có ffmpeg: video an toàn giao thông không được tạo và được bỏ khỏi danh sách phát",
                 "ffmpeg is not installed: the traffic safety video is not made and is left out of the playlist");
  std::error_code ec;
  fs::create_directories(work, ec);
  const auto vi = work / "title-vi.txt", en = work / "title-en.txt", out = work / "video.mp4";
  // Text through files: no escaping of the filter's own syntax around Vietnamese letters.
  std::ofstream(vi, std::ios::binary | std::ios::trunc) << "An toàn giao thông";
  std::ofstream(en, std::ios::binary | std::ios::trunc) << "Traffic safety";
  const auto bold = (font_dir / "DejaVuSans-Bold.ttf").string(), regular = (font_dir / "DejaVuSans.ttf").string();
  const std::string filter = "drawbox=x=0:y=ih*0.42:w=iw:h=ih*0.16:color=0xFFC107@1:t=fill,"
                             "drawtext=fontfile=" + bold + ":textfile=" + vi.string() +
                             ":fontsize=92:fontcolor=0x0B2E6B:x=(w-text_w)/2:y=h*0.42+40,"
                             "drawtext=fontfile=" + regular + ":textfile=" + en.string() +
                             ":fontsize=64:fontcolor=0x0B2E6B:x=(w-text_w)/2:y=h*0.42+170";
  const bool ok = run({ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-threads", "1", "-f", "lavfi", "-i",
                       "color=c=0x0B5D3B:s=1080x1920:d=" + std::to_string(video_seconds) + ":r=10", "-vf", filter, "-c:v",
                       "libx264", "-preset", "ultrafast", "-threads", "1", "-pix_fmt", "yuv420p", "-movflags", "+faststart",
                       out.string()},
                      std::chrono::seconds(120)) ||
                  // Without libx264: MPEG-4 part 2, which every ffmpeg has.
                  run({ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-f", "lavfi", "-i",
                       "color=c=0x0B5D3B:s=1080x1920:d=" + std::to_string(video_seconds) + ":r=10", "-vf", filter, "-c:v",
                       "mpeg4", "-q:v", "5", "-pix_fmt", "yuv420p", "-movflags", "+faststart", out.string()},
                      std::chrono::seconds(120));
  auto bytes = ok ? files::read_regular(out, 64u * 1024u * 1024u) : result<std::string>(error(errc::io_error, "/ffmpeg", "", ""));
  fs::remove_all(work, ec);
  if (!ok || !bytes || bytes->empty())
    return error(errc::io_error, "/ffmpeg", "ffmpeg không tạo được video an toàn giao thông; video được bỏ khỏi danh sách phát",
                 "ffmpeg could not make the traffic safety video; it is left out of the playlist");
  return std::move(*bytes);
}

// --- the records ------------------------------------------------------------------------------

// The password the first run gave `username` (demo-accounts.txt), if any.
std::string password_of(const std::vector<std::pair<std::string, std::string>>& people, std::string_view username) {
  for (const auto& [u, p] : people)
    if (u == username) return p;
  return {};
}

}  // namespace

result<std::string> draw_children_rights(std::uint32_t width, std::uint32_t height) {
  auto f = load_fonts();
  if (!f) return f.err();
  const int W = static_cast<int>(width), H = static_cast<int>(height);
  constexpr rgb paper{0xFF, 0xF8, 0xE7}, navy{0x0B, 0x2E, 0x6B}, gold{0xFF, 0xE0, 0x82}, ink{0x21, 0x21, 0x21}, card{0xFF, 0xFF, 0xFF},
      bar{0xC6, 0x28, 0x28}, white{0xFF, 0xFF, 0xFF};
  canvas c(W, H, paper);
  const int margin = W / 18;
  const int inner = W - 2 * margin;

  // Head band: the title and the law.
  const int head_h = H * 3 / 16;
  c.fill(0, 0, W, head_h, navy);
  canvas::block title{f->bold.get(), "QUYỀN CỦA TRẺ EM", white, 96, 28, true};
  canvas::block law{f->regular.get(), "theo Luật Trẻ em số 102/2016/QH13", gold, 44, 16, true};
  const int tp = c.fit(title, inner, head_h / 2), lp = c.fit(law, inner, head_h / 4);
  if (!tp || !lp) return too_small("tiêu đề / title");
  const int th = c.measure(title, tp, inner), lh = c.measure(law, lp, inner);
  int y = (head_h - th - lh - head_h / 12) / 2;
  y += c.draw(title, tp, margin, y, inner) + head_h / 12;
  c.draw(law, lp, margin, y, inner);

  // Foot band: when the law was passed and in force, whose duty it is.
  const int foot_h = H / 8;
  c.fill(0, H - foot_h, W, foot_h, navy);
  canvas::block foot{f->regular.get(),
                     "Luật được Quốc hội thông qua ngày 05/4/2016, có hiệu lực từ ngày 01/6/2017. Luật quy định trách nhiệm "
                     "của cơ quan, tổ chức, cơ sở giáo dục, gia đình, cá nhân trong việc thực hiện quyền và bổn phận của trẻ em.",
                     white, 34, 14, true};
  const int fp = c.fit(foot, inner, foot_h - foot_h / 5);
  if (!fp) return too_small("chân trang / footer");
  c.draw(foot, fp, margin, H - foot_h + (foot_h - c.measure(foot, fp, inner)) / 2, inner);

  // The body: the intro, then one card per right.
  const int gap = H / 80;
  int body_top = head_h + gap * 2;
  const int body_bottom = H - foot_h - gap * 2;
  canvas::block intro{f->regular.get(),
                      "Trẻ em là người dưới 16 tuổi (Điều 1). Luật dành 25 điều, từ Điều 12 đến Điều 36, quy định quyền của "
                      "trẻ em, trong đó có:",
                      ink, 36, 14, false};
  struct right {
    std::string_view head, text;
  };
  constexpr right rights[] = {
      {"Quyền sống (Điều 12)", "Được bảo vệ tính mạng, được bảo đảm tốt nhất các điều kiện sống và phát triển."},
      {"Quyền được khai sinh và có quốc tịch (Điều 13)", ""},
      {"Quyền được chăm sóc sức khỏe (Điều 14)", "Được chăm sóc tốt nhất về sức khỏe."},
      {"Quyền được chăm sóc, nuôi dưỡng (Điều 15)", ""},
      {"Quyền được giáo dục, học tập và phát triển năng khiếu (Điều 16)",
       "Được giáo dục, học tập để phát triển toàn diện và phát huy tốt nhất tiềm năng của bản thân."},
      {"Quyền vui chơi, giải trí (Điều 17)", ""},
      {"Quyền được bảo vệ để không bị xâm hại tình dục (Điều 25)", ""},
  };
  // One size for every card's heading and one for their text: the largest at which all fit.
  const int card_pad = W / 40, bar_w = W / 90;
  const int text_w = inner - 2 * card_pad - bar_w;
  int head_px = 40, body_px = 32, intro_px = 36;
  auto total = [&](int hp, int bp, int ip) {
    int sum = c.measure(intro, ip, inner) + gap;
    for (const auto& r : rights) {
      canvas::block h{f->bold.get(), std::string(r.head), navy, hp, hp, false};
      int ch = c.measure(h, hp, text_w);
      if (ch < 0) return -1;
      if (!r.text.empty()) {
        canvas::block t{f->regular.get(), std::string(r.text), ink, bp, bp, false};
        const int tt = c.measure(t, bp, text_w);
        if (tt < 0) return -1;
        ch += gap / 2 + tt;
      }
      sum += ch + 2 * card_pad / 2 + gap;
    }
    return sum;
  };
  while (head_px > 12) {
    const int t = total(head_px, body_px, intro_px);
    if (t >= 0 && t <= body_bottom - body_top) break;
    --head_px;
    body_px = std::max(12, body_px - 1);
    intro_px = std::max(12, intro_px - 1);
  }
  const int used = total(head_px, body_px, intro_px);
  if (used < 0 || used > body_bottom - body_top) return too_small("các quyền / the rights");
  // The spare height spreads between the cards.
  const int spare = (body_bottom - body_top - used) / static_cast<int>(std::size(rights) + 1);
  y = body_top + spare / 2;
  y += c.draw(intro, intro_px, margin, y, inner) + gap + spare / 2;
  for (const auto& r : rights) {
    canvas::block h{f->bold.get(), std::string(r.head), navy, head_px, head_px, false};
    canvas::block t{f->regular.get(), std::string(r.text), ink, body_px, body_px, false};
    int ch = c.measure(h, head_px, text_w);
    if (!r.text.empty()) ch += gap / 2 + c.measure(t, body_px, text_w);
    const int card_h = ch + card_pad;
    c.fill(margin, y, inner, card_h, card);
    c.fill(margin, y, bar_w, card_h, bar);
    int ty = y + card_pad / 2;
    ty += c.draw(h, head_px, margin + bar_w + card_pad, ty, text_w);
    if (!r.text.empty()) c.draw(t, body_px, margin + bar_w + card_pad, ty + gap / 2, text_w);
    y += card_h + gap + spare;
  }
  auto png = c.png();
  if (png.empty()) return error(errc::internal, "/png", "Không mã hóa được ảnh PNG", "The PNG could not be encoded");
  return png;
}

result<std::string> draw_law_day_notice(std::uint32_t width, std::uint32_t height) {
  auto f = load_fonts();
  if (!f) return f.err();
  const int W = static_cast<int>(width), H = static_cast<int>(height);
  constexpr rgb red{0xB7, 0x1C, 0x1C}, gold{0xFF, 0xD5, 0x4F}, white{0xFF, 0xFF, 0xFF};
  canvas c(W, H, red);
  const int frame = std::max(4, H / 40);
  c.fill(0, 0, W, frame, gold);
  c.fill(0, H - frame, W, frame, gold);
  const int margin = W / 24, inner = W - 2 * margin;
  canvas::block head{f->bold.get(), "HƯỞNG ỨNG NGÀY PHÁP LUẬT VIỆT NAM 9/11", gold, 64, 16, true, 1};
  canvas::block body{f->regular.get(),
                     "Luật Phổ biến, giáo dục pháp luật số 14/2012/QH13 quy định ngày 9 tháng 11 hằng năm là Ngày Pháp luật nước "
                     "Cộng hòa xã hội chủ nghĩa Việt Nam.",
                     white, 40, 12, true};
  const int avail = H - 2 * frame - H / 8;
  const int hp = c.fit(head, inner, avail * 2 / 5), bp = c.fit(body, inner, avail * 3 / 5 - H / 20);
  if (!hp || !bp) return too_small("thông báo / notice");
  const int hh = c.measure(head, hp, inner), bh = c.measure(body, bp, inner), between = H / 20;
  int y = (H - hh - bh - between) / 2;
  y += c.draw(head, hp, margin, y, inner) + between;
  c.draw(body, bp, margin, y, inner);
  auto png = c.png();
  if (png.empty()) return error(errc::internal, "/png", "Không mã hóa được ảnh PNG", "The PNG could not be encoded");
  return png;
}

result<signage_outcome> seed_signage(store::store& db, portal::account_service& accounts, const dataset& seed, const fs::path& data,
                                     const std::vector<std::pair<std::string, std::string>>& people, timestamp now) {
  signage_outcome out;
  const auto content_dir = data / "signage" / "content";
  std::error_code ec;
  fs::create_directories(content_dir, ec);
  if (ec) return error(errc::io_error, content_dir.string(), "Không tạo được thư mục nội dung màn hình", "Cannot create the signage content directory");

  // 1. The bytes of each demo medium the store names without having them.
  for (std::string_view id : {infographic_id, notice_id, video_id}) {
    auto m = db.get<media_asset>(std::string(id));
    if (!m) continue;  // not the demo's seed
    std::error_code fe;
    if (!m->blake2b.empty() && fs::is_regular_file(content_dir / m->blake2b, fe) && fs::file_size(content_dir / m->blake2b, fe) == m->size)
      continue;
    result<std::string> bytes = id == infographic_id ? draw_children_rights(m->width.value_or(1080), m->height.value_or(1600))
                                : id == notice_id    ? draw_law_day_notice(m->width.value_or(1080), m->height.value_or(320))
                                                     : make_video(data / "signage" / "tmp-video");
    if (!bytes) {
      out.notes.push_back(bytes.err().message_vi + " / " + bytes.err().message_en);
      continue;
    }
    const auto d = trust::digest_content(*bytes);
    const auto hex = trust::to_hex(d.b256);
    if (auto w = files::replace_file(content_dir / hex, *bytes, 0644); !w) return w.err();
    m->blake2b = hex;
    m->size = bytes->size();
    if (id == video_id) {
      m->width = 1080;
      m->height = 1920;
      m->duration_seconds = static_cast<double>(video_seconds);
    } else {
      m->mime_type = "image/png";
    }
    m->created_at = now;
    auto u = db.update(*m, "seed");
    if (!u) return u.err();
    out.made.push_back(std::string(id));
  }

  // 2. The approvals of those media, signed anew by the demo's division approver.
  const account* approver = nullptr;
  for (const auto& a : seed.accounts)
    for (const auto& g : a.grants)
      if (g.r == role::division_approver && !approver) approver = &a;
  auto tree = db.hierarchy_at(local_date(now));
  if (!tree) return tree.err();
  for (const auto& seeded : seed.approvals) {
    auto ap = db.get<approval_record>(seeded.id.value);
    if (!ap) continue;
    auto m = db.get<media_asset>(ap->content_id);
    if (!m) continue;
    std::error_code fe;
    if (!fs::is_regular_file(content_dir / m->blake2b, fe)) continue;  // no bytes to approve (the video without ffmpeg)
    if (ap->content_blake2b == m->blake2b && !ap->signature.empty() && ap->sequence > seeded.sequence) continue;
    const auto password = approver ? password_of(people, approver->username) : std::string();
    if (password.empty()) {
      out.notes.push_back("Không có mật khẩu của người duyệt mẫu: phê duyệt " + ap->id.value + " không được ký lại / the demo approver's " +
                          "password is unknown: approval " + ap->id.value + " is not signed anew");
      continue;
    }
    auto key = accounts.approval_key(approver->id, password);
    if (!key) return key.err();
    // The approver's grant that covers the medium's unit today (the division ended on 30 June
    // 2025: its approver signs at the ward office that took its schools over).
    std::optional<unit_id> at;
    for (const auto& g : approver->grants)
      if (g.r == role::division_approver && !tree->ended(g.unit.value) && tree->within(m->unit.value, g.unit.value) && !at) at = g.unit;
    if (!at) {
      out.notes.push_back("Người duyệt mẫu không quản lý đơn vị của " + m->id.value + " / the demo approver does not cover " + m->id.value);
      continue;
    }
    trust::approval_statement s;
    s.id = ap->id.value;
    s.content_id = m->id.value;
    s.approver_unit = *at;
    s.approver_role = role::division_approver;
    s.use = approval_use::signage_school;
    s.valid_from = now;
    s.valid_until = now + std::chrono::hours(24 * 365);
    s.sequence = std::max(ap->sequence, seeded.sequence) + 1;
    auto bytes = files::read_regular(content_dir / m->blake2b, 256u * 1024u * 1024u);
    if (!bytes) return bytes.err();
    const auto digest = trust::digest_content(*bytes);
    auto sig = trust::sign_approval(*key, s, digest);
    if (!sig) return sig.err();
    s.key_id = key->id().hex();  // what sign_approval put in the signed statement
    s.content_blake2b = trust::to_hex(digest.b256);
    auto rec = trust::to_record(s, sig->to_text());
    rec.version = ap->version;
    rec.note = "Duyệt trình chiếu tại các trường (ký lại khi bản demo chạy lần đầu)";
    rec.approver = approver->id;
    auto u = db.update(rec, "seed");
    if (!u) return u.err();
    out.signed_approvals.push_back(rec.id.value);
  }

  // 3. The playlists play what is there: a video item lasts as long as the clip; without the clip
  // (no ffmpeg) the item is left out rather than shown as nothing.
  for (const auto& seeded : seed.playlists) {
    auto p = db.get<playlist>(seeded.id.value);
    if (!p) continue;
    bool changed = false;
    for (auto it = p->items.begin(); it != p->items.end();) {
      auto m = db.get<media_asset>(it->media.value);
      std::error_code fe;
      const bool held = m && fs::is_regular_file(content_dir / m->blake2b, fe);
      if (m && m->type == media_type::video && !held) {
        it = p->items.erase(it);
        changed = true;
        continue;
      }
      if (m && m->type == media_type::video && m->duration_seconds && *m->duration_seconds >= 1 &&
          it->duration_seconds != static_cast<std::uint32_t>(*m->duration_seconds + 0.5)) {
        it->duration_seconds = static_cast<std::uint32_t>(*m->duration_seconds + 0.5);
        changed = true;
      }
      ++it;
    }
    if (changed && !p->items.empty())
      if (auto u = db.update(*p, "seed"); !u) return u.err();
  }

  // 4. The seed's schedule is for school year 2023-2024: one entry from today for a year, every
  // day 06:00-22:00, so the demo's screens play something now.
  if (auto first = seed.schedules.empty() ? std::nullopt : std::optional<schedule_entry>(seed.schedules.front());
      first && !db.get<schedule_entry>("lich-demo")) {
    schedule_entry e;
    e.id = schedule_id{"lich-demo"};
    e.playlist = first->playlist;
    e.group = first->group;
    e.start_time = "06:00";
    e.end_time = "22:00";
    e.valid_from = local_date(now);
    e.valid_until = date{std::chrono::sys_days{e.valid_from} + std::chrono::days(365)};
    e.priority = first->priority;
    e.campaign = "Bản demo / demo";
    if (auto c = db.create(e, "seed"); !c) return c.err();
  }
  return out;
}

}  // namespace demo
