// Bodies of model/banner.hpp (JSON codecs and validation): compiled once into the core tier
// (src/core/model.cpp), or included by the header in header-only builds.
#pragma once
#include "../banner.hpp"

PBGDPL_NAMESPACE_BEGIN

PBGDPL_MODEL_DEFINE(banner_variant)

PBGDPL_MODEL_DEFINE(banner)

PBGDPL_DECL void validate(const banner& b, validator& v) {
  rules::schema(v, b.schema_version);
  rules::identifier(v, b.id, "/id", "Mã banner", "Banner id");
  rules::text(v, b.name, "/name", "Tên banner", "Banner name", false);
  rules::url(v, b.target_url, "/target_url", "Liên kết của banner", "Banner link", true);
  rules::text(v, b.required_text, "/required_text", "Nội dung bắt buộc", "Required text", true);
  rules::text(v, b.alt_text, "/alt_text", "Văn bản thay thế", "Alt text", true);
  if (!b.required_text.empty() && !b.alt_text.empty()) {
    // Compared folded, so case, accents typed differently or NFD input do not matter.
    auto req = text::fold(b.required_text), alt = text::fold(b.alt_text);
    if (req && alt)
      v.check(alt->find(*req) != std::string::npos, "/alt_text", errc::invalid_argument,
              "Văn bản thay thế phải chứa nội dung bắt buộc \"" + b.required_text + "\"",
              "The alt text must contain the required text \"" + b.required_text + "\"");
  }
  for (std::size_t i = 0; i < b.variants.size(); ++i) {
    auto p = "/variants/" + std::to_string(i);
    const auto& x = b.variants[i];
    v.check(x.width > 0 && x.width <= 10000, p + "/width", errc::out_of_range, "Chiều rộng phải từ 1 đến 10000",
            "Width must be 1 to 10000");
    v.check(x.height > 0 && x.height <= 10000, p + "/height", errc::out_of_range, "Chiều cao phải từ 1 đến 10000",
            "Height must be 1 to 10000");
    rules::identifier(v, x.media, p + "/media", "Ảnh banner", "Banner image");
    rules::unique_at(v, b.variants, i, [](const banner_variant& y) { return std::pair(y.width, y.height); }, p,
                     "Kích thước banner bị lặp", "Duplicate banner size");
  }
  rules::identifier(v, b.owner, "/owner", "Đơn vị cấp banner", "Owner");
}

#if !defined(PBGDPL_HEADER_ONLY)
PBGDPL_MODEL_INSTANTIATE(banner)
#endif

PBGDPL_NAMESPACE_END
