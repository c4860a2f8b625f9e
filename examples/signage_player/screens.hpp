// The player's own screens, drawn with signage/render.hpp: the enrolment code (large, with the
// instruction in Vietnamese and English) and the idle screen shown when nothing approved may play.
#pragma once
#include <pbgdpl/signage/render.hpp>

#include <algorithm>
#include <string>
#include <string_view>

namespace signage_player {

namespace sg = pbgdpl::signage;

inline constexpr sg::rgb screen_background{0x0B, 0x2A, 0x4A};
inline constexpr sg::rgb screen_text{0xFF, 0xFF, 0xFF};
inline constexpr sg::rgb screen_code{0xFF, 0xD7, 0x00};

// One line centred horizontally with its top at y, shrunk until it fits the width.
inline void centred_line(sg::rgba_image& img, std::uint32_t y, std::uint32_t px, std::string_view text,
                         sg::rgb colour) {
  const std::uint32_t room = img.width - std::min<std::uint32_t>(img.width, img.width / 10);
  while (px > 8 && sg::text_width(text, px) > room) px = px * 9 / 10;
  const auto w = sg::text_width(text, px);
  const int x = static_cast<int>((img.width - std::min(w, img.width)) / 2);
  sg::draw_text(img, x, static_cast<int>(y), px, text, colour, 0, 0, img.width, img.height);
}

// The enrolment screen: the code an administrator types to authorise this display.
inline void draw_enrolment(sg::rgba_image& img, std::string_view code, std::string_view note) {
  sg::fill_rect(img, 0, 0, img.width, img.height, screen_background);
  const std::uint32_t h = img.height;
  centred_line(img, h / 10, h / 14, "Màn hình chưa được cấp quyền", screen_text);
  centred_line(img, h / 10 + h / 12, h / 22, "This screen is not authorised yet", screen_text);
  centred_line(img, h * 3 / 10, h / 4, code.empty() ? "…" : code, screen_code);
  centred_line(img, h * 13 / 20, h / 22,
               "Quản trị viên nhập mã này tại trang quản trị /quan-tri/man-hinh để cấp quyền", screen_text);
  centred_line(img, h * 13 / 20 + h / 16, h / 26,
               "Administrator: enter this code at /quan-tri/man-hinh to authorise it", screen_text);
  if (!note.empty()) centred_line(img, h * 17 / 20, h / 30, note, screen_text);
}

// Nothing approved to play (no manifest yet, an empty schedule, or every item refused): never
// anything unapproved, a plain statement instead.
inline void draw_idle(sg::rgba_image& img) {
  sg::fill_rect(img, 0, 0, img.width, img.height, screen_background);
  const std::uint32_t h = img.height;
  centred_line(img, h * 2 / 5, h / 12, "Không có nội dung được duyệt", screen_text);
  centred_line(img, h * 2 / 5 + h / 8, h / 18, "No approved content", screen_text);
}

}  // namespace signage_player
