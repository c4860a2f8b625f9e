// The banner every site shows to link the city PBGDPL portal (plan task 1.1). Sites may redesign
// the image, but it must link the portal and carry the required text; since real banners are
// images with empty alt text, the model makes the text alternative carry it.
#pragma once
#include "common.hpp"

PBGDPL_NAMESPACE_BEGIN

inline constexpr std::string_view city_portal_banner_text = "Trang thông tin điện tử phổ biến pháp luật thành phố Hà Nội";
inline constexpr std::string_view city_portal_url = "https://pbgdpl.hanoi.gov.vn";

struct banner_variant {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  media_id media;
  friend bool operator==(const banner_variant&, const banner_variant&) = default;
};

template <class V>
void describe(V& f, banner_variant& x) {
  using model_io::need;
  f("width", x.width, need::required);
  f("height", x.height, need::required);
  f("media", x.media, need::required);
}
PBGDPL_MODEL_DECLARE(banner_variant)

struct banner {
  banner_id id;
  int schema_version = model_schema_version;
  std::uint64_t version = 0;
  std::string name;
  std::string target_url;
  std::string required_text;
  std::string alt_text;
  std::vector<banner_variant> variants;
  std::optional<unit_id> owner;  // the unit that issues it (the city); none for a local copy

  friend bool operator==(const banner&, const banner&) = default;
};

template <class V>
void describe(V& f, banner& x) {
  using model_io::need;
  using model_io::short_text;
  model_io::head(f, x);
  f("name", x.name, need::optional, short_text);
  f("target_url", x.target_url, need::required, short_text);
  f("required_text", x.required_text, need::required, short_text);
  f("alt_text", x.alt_text, need::required, short_text);
  f("variants", x.variants);
  f("owner", x.owner);
}
PBGDPL_MODEL_DECLARE(banner)

// The variant that best fills a slot of the given size without exceeding it; nullptr if none fits.
inline const banner_variant* best_variant(const banner& b, std::uint32_t max_width, std::uint32_t max_height) noexcept {
  const banner_variant* best = nullptr;
  for (const auto& v : b.variants)
    if (v.width <= max_width && v.height <= max_height &&
        (!best || std::uint64_t{v.width} * v.height > std::uint64_t{best->width} * best->height))
      best = &v;
  return best;
}

PBGDPL_DECL void validate(const banner& b, validator& v);

// Compiled mode: decoding, encoding and checking these is instantiated once, in the library.
PBGDPL_MODEL_EXTERN(banner)

PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/banner.ipp"
#endif
