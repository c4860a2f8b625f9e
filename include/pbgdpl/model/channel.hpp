// Other channels of legal dissemination the plan names (task 5): social pages, forums, the phone
// hotline, radio/TV segments and the grassroots information network. A unit lists its channels
// so reports can count them and portals can link them.
#pragma once
#include "common.hpp"

PBGDPL_NAMESPACE_BEGIN

enum class channel_kind { facebook, youtube, x, zalo, forum, hotline, radio_tv, grassroots, other };
PBGDPL_ENUM_NAMES(channel_kind, {channel_kind::facebook, "facebook"}, {channel_kind::youtube, "youtube"},
                  {channel_kind::x, "x"}, {channel_kind::zalo, "zalo"}, {channel_kind::forum, "forum"},
                  {channel_kind::hotline, "hotline"}, {channel_kind::radio_tv, "radio_tv"},
                  {channel_kind::grassroots, "grassroots"}, {channel_kind::other, "other"});

inline std::string_view channel_kind_label_vi(channel_kind k) noexcept {
  switch (k) {
    case channel_kind::facebook: return "Facebook";
    case channel_kind::youtube: return "YouTube";
    case channel_kind::x: return "X (Twitter)";
    case channel_kind::zalo: return "Zalo";
    case channel_kind::forum: return "Diễn đàn trực tuyến";
    case channel_kind::hotline: return "Tổng đài điện thoại";
    case channel_kind::radio_tv: return "Phát thanh, truyền hình";
    case channel_kind::grassroots: return "Hệ thống thông tin cơ sở";
    case channel_kind::other: return "Khác";
  }
  return {};
}

// Channels that exist at a web address (a hotline is a phone number instead).
constexpr bool channel_has_url(channel_kind k) noexcept {
  return k == channel_kind::facebook || k == channel_kind::youtube || k == channel_kind::x ||
         k == channel_kind::zalo || k == channel_kind::forum;
}

struct channel {
  channel_id id;
  int schema_version = model_schema_version;
  std::uint64_t version = 0;
  channel_kind kind = channel_kind::facebook;
  std::string name;
  std::string url;
  std::string phone;
  unit_id unit;
  bool active = true;
  std::optional<date> started_on;

  friend bool operator==(const channel&, const channel&) = default;
};

template <class V>
void describe(V& f, channel& x) {
  using model_io::need;
  using model_io::short_text;
  f("id", x.id, need::required);
  f.header(x.schema_version, x.version);
  f("kind", x.kind, need::required);
  f("name", x.name, need::required, short_text);
  f("url", x.url, need::optional, short_text);
  f("phone", x.phone, need::optional, short_text);
  f("unit", x.unit, need::required);
  f("active", x.active);
  f("started_on", x.started_on);
}
PBGDPL_MODEL_DECLARE(channel)

PBGDPL_DECL void validate(const channel& c, validator& v);

// Compiled mode: decoding, encoding and checking these is instantiated once, in the library.
PBGDPL_MODEL_EXTERN(channel)

PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/channel.ipp"
#endif
