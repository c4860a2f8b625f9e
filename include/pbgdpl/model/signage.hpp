// The "legal staircase" (Cầu thang pháp luật): screens, their groups, layouts of zones,
// playlists of approved media, and schedule entries saying which playlist a group plays when.
// Which entry wins at an instant is a pure function (`is_active_at`), so players and tests agree.
#pragma once
#include "common.hpp"

PBGDPL_NAMESPACE_BEGIN

struct display_group {
  display_group_id id;
  int schema_version = model_schema_version;
  std::uint64_t version = 0;
  std::string name;  // "Cầu thang tầng 1-3, TH Văn Yên"
  unit_id unit;
  std::optional<display_group_id> parent;  // authority → district → school → building
  bool public_place = false;                // screens run by businesses in public places

  friend bool operator==(const display_group&, const display_group&) = default;
};

template <class V>
void describe(V& f, display_group& x) {
  using model_io::need;
  model_io::head(f, x);
  f("name", x.name, need::required, model_io::short_text);
  f("unit", x.unit, need::required);
  f("parent", x.parent);
  f("public_place", x.public_place);
}
PBGDPL_MODEL_DECLARE(display_group)

PBGDPL_DECL void validate(const display_group& g, validator& v);

enum class display_kind { screen, led_panel };
PBGDPL_ENUM_NAMES(display_kind, {display_kind::screen, "screen"}, {display_kind::led_panel, "led_panel"});
PBGDPL_ENUM_LABELS(display_kind, {display_kind::screen, "Màn hình", "Screen"},
                   {display_kind::led_panel, "Bảng LED", "LED panel"});

enum class display_orientation { landscape, portrait };
PBGDPL_ENUM_NAMES(display_orientation, {display_orientation::landscape, "landscape"},
                  {display_orientation::portrait, "portrait"});
PBGDPL_ENUM_LABELS(display_orientation, {display_orientation::landscape, "Ngang", "Landscape"},
                   {display_orientation::portrait, "Dọc", "Portrait"});

// Who runs the screen: the school itself, or a business (public places, apartment buildings),
// which may show only content an authority approved for public screens.
enum class operator_kind { school, business };
PBGDPL_ENUM_NAMES(operator_kind, {operator_kind::school, "school"}, {operator_kind::business, "business"});
PBGDPL_ENUM_LABELS(operator_kind, {operator_kind::school, "Nhà trường", "School"},
                   {operator_kind::business, "Doanh nghiệp", "Business"});

// The zone a display shows when none is named: its time zone as an IANA name.
inline constexpr std::string_view default_display_time_zone = "Asia/Ho_Chi_Minh";

struct display {
  display_id id;
  int schema_version = model_schema_version;
  std::uint64_t version = 0;
  std::string name;
  std::string location;  // "Cầu thang khu A, tầng 2"
  unit_id unit;
  std::optional<display_group_id> group;
  std::uint32_t width = 1920;
  std::uint32_t height = 1080;
  std::string public_key;  // the device's Ed25519 key (minisign form) for signed proof of play
  bool enabled = true;
  display_kind kind = display_kind::screen;
  display_orientation orientation = display_orientation::landscape;
  std::string building;   // "Nhà A"
  std::string staircase;  // "Cầu thang A, tầng 2"
  operator_kind operated_by = operator_kind::school;
  std::string operator_name;                   // the business, when operated_by == business
  std::optional<account_id> operator_account;  // the business's account (role signage_operator)
  std::string time_zone = std::string(default_display_time_zone);  // IANA name, or "UTC+07:00"

  friend bool operator==(const display&, const display&) = default;
};

template <class V>
void describe(V& f, display& x) {
  using model_io::need;
  using model_io::short_text;
  model_io::head(f, x);
  f("name", x.name, need::required, short_text);
  f("location", x.location, need::optional, short_text);
  f("unit", x.unit, need::required);
  f("group", x.group);
  f("width", x.width);
  f("height", x.height);
  f("public_key", x.public_key, need::optional, short_text);
  f("enabled", x.enabled);
  f("kind", x.kind);
  f("orientation", x.orientation);
  f("building", x.building, need::optional, short_text);
  f("staircase", x.staircase, need::optional, short_text);
  f("operated_by", x.operated_by);
  f("operator_name", x.operator_name, need::optional, short_text);
  f("operator_account", x.operator_account);
  f("time_zone", x.time_zone, need::optional, short_text);
}
PBGDPL_MODEL_DECLARE(display)

// A time zone name of the right form: an IANA name ("Asia/Ho_Chi_Minh", "Europe/Paris",
// "UTC") or a fixed offset "UTC+07:00" / "UTC-03:30". Only the form is checked: the model knows
// no zone database (signage::time_zone::locate finds the zone itself).
PBGDPL_DECL bool is_time_zone_name(std::string_view s) noexcept;

PBGDPL_DECL void validate(const display& d, validator& v);

// A rectangle of a layout. A `legal` zone shows only approved content; local notices go elsewhere.
// A `ticker` zone shows the playlist's ticker line (a local notice), so it is never legal.
struct zone {
  std::string name;
  std::uint32_t x = 0, y = 0, width = 0, height = 0;
  bool legal = true;
  bool ticker = false;
  friend bool operator==(const zone&, const zone&) = default;
};

template <class V>
void describe(V& f, zone& x) {
  using model_io::need;
  f("name", x.name, need::required, model_io::short_text);
  f("x", x.x);
  f("y", x.y);
  f("width", x.width, need::required);
  f("height", x.height, need::required);
  f("legal", x.legal);
  f("ticker", x.ticker);
}
PBGDPL_MODEL_DECLARE(zone)

struct layout {
  layout_id id;
  int schema_version = model_schema_version;
  std::uint64_t version = 0;
  std::string name;
  std::uint32_t width = 1920;
  std::uint32_t height = 1080;
  std::vector<zone> zones;

  friend bool operator==(const layout&, const layout&) = default;
};

template <class V>
void describe(V& f, layout& x) {
  using model_io::need;
  model_io::head(f, x);
  f("name", x.name, need::required, model_io::short_text);
  f("width", x.width, need::required);
  f("height", x.height, need::required);
  f("zones", x.zones);
}
PBGDPL_MODEL_DECLARE(layout)

inline const zone* find_zone(const layout& l, std::string_view name) noexcept {
  return detail::find_by(l.zones, &zone::name, name);
}

PBGDPL_DECL void validate(const layout& l, validator& v);

struct playlist_item {
  media_id media;
  std::uint32_t duration_seconds = 10;
  std::optional<approval_id> approval;  // required in legal zones; checked by trust/ on the player
  std::string zone;                     // empty: the layout's first zone
  friend bool operator==(const playlist_item&, const playlist_item&) = default;
};

template <class V>
void describe(V& f, playlist_item& x) {
  using model_io::need;
  f("media", x.media, need::required);
  f("duration_seconds", x.duration_seconds, need::required);
  f("approval", x.approval);
  f("zone", x.zone, need::optional, model_io::short_text);
}
PBGDPL_MODEL_DECLARE(playlist_item)

struct playlist {
  playlist_id id;
  int schema_version = model_schema_version;
  std::uint64_t version = 0;
  std::string name;
  unit_id unit;
  std::optional<layout_id> layout;
  std::vector<playlist_item> items;
  std::string ticker;  // a local notice line, shown in the layout's ticker zone

  friend bool operator==(const playlist&, const playlist&) = default;
};

template <class V>
void describe(V& f, playlist& x) {
  using model_io::need;
  model_io::head(f, x);
  f("name", x.name, need::required, model_io::short_text);
  f("unit", x.unit, need::required);
  f("layout", x.layout);
  f("items", x.items, need::required);
  f("ticker", x.ticker, need::optional, model_io::short_text);
}
PBGDPL_MODEL_DECLARE(playlist)

inline std::uint64_t total_duration_seconds(const playlist& p) noexcept {
  std::uint64_t s = 0;
  for (const auto& i : p.items) s += i.duration_seconds;
  return s;
}

PBGDPL_DECL void validate(const playlist& p, validator& v);

enum class day_of_week { mon, tue, wed, thu, fri, sat, sun };
PBGDPL_ENUM_NAMES(day_of_week, {day_of_week::mon, "mon"}, {day_of_week::tue, "tue"}, {day_of_week::wed, "wed"},
                  {day_of_week::thu, "thu"}, {day_of_week::fri, "fri"}, {day_of_week::sat, "sat"},
                  {day_of_week::sun, "sun"});

inline day_of_week day_of_week_of(date d) noexcept {
  unsigned iso = std::chrono::weekday{std::chrono::sys_days{d}}.iso_encoding();  // Monday = 1
  return static_cast<day_of_week>(iso - 1);
}

struct schedule_entry {
  schedule_id id;
  int schema_version = model_schema_version;
  std::uint64_t version = 0;
  playlist_id playlist;
  display_group_id group;
  std::vector<day_of_week> days;  // empty: every day
  std::string start_time = "00:00";  // local "HH:MM"; an end before the start crosses midnight
  std::string end_time = "23:59";    // "24:00": to the end of the day
  date valid_from{};
  std::optional<date> valid_until;  // inclusive
  int priority = 0;                 // higher wins
  bool emergency = false;           // beats every other entry until it expires
  std::string campaign;             // "Tháng an toàn giao thông 2023": grouping, reports
  bool fallback = false;            // plays only when nothing else does (the default content)
  std::optional<timestamp> expires_at;  // time to live: required for emergencies; none plays after

  friend bool operator==(const schedule_entry&, const schedule_entry&) = default;
};

template <class V>
void describe(V& f, schedule_entry& x) {
  using model_io::need;
  using model_io::short_text;
  model_io::head(f, x);
  f("playlist", x.playlist, need::required);
  f("group", x.group, need::required);
  f("days", x.days);
  f("start_time", x.start_time, need::required, short_text);
  f("end_time", x.end_time, need::required, short_text);
  f("valid_from", x.valid_from, need::required);
  f("valid_until", x.valid_until);
  f("priority", x.priority);
  f("emergency", x.emergency);
  f("campaign", x.campaign, need::optional, short_text);
  f("fallback", x.fallback);
  f("expires_at", x.expires_at);
}
PBGDPL_MODEL_DECLARE(schedule_entry)

// A schedule entry's end time in minutes since midnight: "HH:MM", or "24:00" for the end of the
// day, so that "00:00"-"24:00" covers a whole day ("00:00"-"23:59" leaves the last minute out).
PBGDPL_DECL std::optional<int> parse_end_time(std::string_view s) noexcept;

// Whether the entry applies at instant t (Hà Nội local time; signage/scheduler.hpp works in a
// display's own zone). A window crossing midnight belongs to the day it starts on, so
// "Fri 22:00-02:00" still plays at 01:00 on Saturday. Nothing applies from expires_at on.
PBGDPL_DECL bool is_active_at(const schedule_entry& e, timestamp t);
// The same, given t's local time in the display's zone (t itself is what expires_at compares with).
PBGDPL_DECL bool is_active_at_local(const schedule_entry& e, std::chrono::local_seconds local, timestamp t);

PBGDPL_DECL void validate(const schedule_entry& e, validator& v);

// Compiled mode: decoding, encoding and checking these is instantiated once, in the library.
PBGDPL_MODEL_EXTERN(display_group)
PBGDPL_MODEL_EXTERN(display)
PBGDPL_MODEL_EXTERN(layout)
PBGDPL_MODEL_EXTERN(playlist)
PBGDPL_MODEL_EXTERN(schedule_entry)

PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/signage.ipp"
#endif
