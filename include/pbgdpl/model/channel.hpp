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

PBGDPL_ENUM_LABELS(channel_kind,
                   {channel_kind::facebook, "Facebook", "Facebook"},
                   {channel_kind::youtube, "YouTube", "YouTube"},
                   {channel_kind::x, "X (Twitter)", "X (Twitter)"},
                   {channel_kind::zalo, "Zalo", "Zalo"},
                   {channel_kind::forum, "Diễn đàn trực tuyến", "Online forum"},
                   {channel_kind::hotline, "Tổng đài điện thoại", "Phone hotline"},
                   {channel_kind::radio_tv, "Phát thanh, truyền hình", "Radio and television"},
                   {channel_kind::grassroots, "Hệ thống thông tin cơ sở", "Grassroots information network"},
                   {channel_kind::other, "Khác", "Other"});
inline std::string_view channel_kind_label_vi(channel_kind x) noexcept { return label_vi(x); }

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
  model_io::head(f, x);
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

using channel_post_id = id<struct channel_post_tag>;

// One post a unit made on one of its channels (a Facebook post, a YouTube video, a Zalo message):
// what the yearly report counts as "social channel posts". Written by hand, by the API or by a
// publisher plugin.
struct channel_post {
  channel_post_id id;
  int schema_version = model_schema_version;
  std::uint64_t version = 0;
  channel_id channel;
  unit_id unit;
  timestamp posted_at{};
  std::string title;
  std::string url;

  friend bool operator==(const channel_post&, const channel_post&) = default;
};

template <class V>
void describe(V& f, channel_post& x) {
  using model_io::need;
  using model_io::short_text;
  model_io::head(f, x);
  f("channel", x.channel, need::required);
  f("unit", x.unit, need::required);
  f("posted_at", x.posted_at, need::required);
  f("title", x.title, need::optional, short_text);
  f("url", x.url, need::optional, short_text);
}
PBGDPL_MODEL_DECLARE(channel_post)

PBGDPL_DECL void validate(const channel_post& p, validator& v);

// Compiled mode: decoding, encoding and checking these is instantiated once, in the library.
PBGDPL_MODEL_EXTERN(channel)
PBGDPL_MODEL_EXTERN(channel_post)

PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/channel.ipp"
#endif
