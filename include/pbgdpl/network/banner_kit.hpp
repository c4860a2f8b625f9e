// The banner kit (plan task 1.1): every site links the city PBGDPL portal through a banner that
// carries the sentence "Trang thông tin điện tử phổ biến pháp luật thành phố Hà Nội". This checks a
// banner a unit uploads, makes PNG variants for the common slots, draws a default banner with the
// sentence (stb_truetype and a DejaVu font found at run time) and writes the HTML snippet any site
// can paste. Decoding, resizing and encoding are stb's (Debian libstb-dev), as in media/images.hpp.
#pragma once
#include "../core/errors.hpp"
#include "../core/result.hpp"
#include "../media/images.hpp"
#include "../model/banner.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace network {

// What an uploaded banner may be. A banner is a small picture: 2 MiB and 4000×2000 pixels are far
// above any real one, and the pixel count (checked from the header, before any decode) bounds the
// memory one upload may cost at 4 bytes a pixel.
struct banner_limits {
  media::image_limits image{2 * 1024 * 1024, 4000, 2000, 4'000'000};
  std::uint32_t min_width = 100;
  std::uint32_t min_height = 30;
  // Width over height, in tenths: from 1:2 (a tall side-column banner) to 10:1 (a strip). Outside
  // that, fitting it into the 3:1 slots leaves the sentence unreadably small.
  std::uint32_t min_aspect_tenths = 5;
  std::uint32_t max_aspect_tenths = 100;
};

// Checks an uploaded banner with media::check_image (magic bytes, extension and declared type
// against the content, a decompression bomb refused from its header, a full decode), then the
// banner's own limits. PNG, JPEG and GIF only. Errors carry the path "/file", Vietnamese and English.
PBGDPL_DECL result<media::image_info> validate_banner(std::string_view bytes, std::string_view file_name,
                                                      std::string_view declared_type, const banner_limits& lim = {});

struct banner_slot {
  std::uint32_t width = 0, height = 0;
  friend bool operator==(const banner_slot&, const banner_slot&) = default;
};

// The common slots and their 2× versions, each size once: 300×100, 600×200 (300×100 at 2×, and
// the 600×200 slot) and 1200×400 (600×200 at 2×).
PBGDPL_DECL std::vector<banner_slot> banner_slots();

struct banner_image {
  std::uint32_t width = 0, height = 0;
  std::string png;
};

// One PNG per slot of banner_slots(), exactly the slot's size. The whole banner stays visible: it
// is scaled to fit inside the slot, centred, and the rest is transparent (never cropped). The
// bytes are checked as validate_banner does without the name.
PBGDPL_DECL result<std::vector<banner_image>> make_variants(std::string_view bytes, const banner_limits& lim = {});

// The fonts render_default_banner tries, in order (Debian fonts-dejavu-core).
PBGDPL_DECL std::vector<std::filesystem::path> default_banner_fonts();

// The first readable font of `candidates` (default_banner_fonts() when empty), or an error in both
// languages naming the package to install.
PBGDPL_DECL result<std::filesystem::path> find_banner_font(const std::vector<std::filesystem::path>& candidates = {});

// The code points of `text` the font has no glyph for (each once, in order of first use); empty
// when every letter renders. `text` must be UTF-8.
PBGDPL_DECL result<std::vector<char32_t>> missing_glyphs(const std::filesystem::path& font, std::string_view text);

// The default banner: city_portal_banner_text in dark blue on white inside a red frame, wrapped on
// as many lines as make it largest, centred; a PNG of exactly width×height (at least 120×40, at
// most 4000×2000). `font` empty: find_banner_font().
PBGDPL_DECL result<std::string> render_default_banner(std::uint32_t width, std::uint32_t height,
                                                      const std::filesystem::path& font = {});

// The snippet a site pastes: <a href="target" rel="noopener"><img src alt width height></a>, the
// alt text the required sentence (the banner's required_text, else city_portal_banner_text), every
// value escaped. The target is the banner's target_url (else city_portal_url) and must be http(s);
// so must image_url (or a path starting with one "/").
PBGDPL_DECL result<std::string> html_snippet(const banner& b, std::string_view image_url, std::uint32_t width,
                                             std::uint32_t height);

}  // namespace network
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/banner_kit.ipp"
#endif
