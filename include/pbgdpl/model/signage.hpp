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
  f("id", x.id, need::required);
  f.header(x.schema_version, x.version);
  f("name", x.name, need::required, model_io::short_text);
  f("unit", x.unit, need::required);
  f("parent", x.parent);
  f("public_place", x.public_place);
}
PBGDPL_MODEL_JSON(display_group)

inline void validate(const display_group& g, validator& v) {
  rules::schema(v, g.schema_version);
  rules::identifier(v, g.id, "/id", "Mã nhóm màn hình", "Display group id");
  rules::text(v, g.name, "/name", "Tên nhóm", "Group name", true);
  rules::identifier(v, g.unit, "/unit", "Đơn vị", "Unit");
  rules::identifier(v, g.parent, "/parent", "Nhóm cha", "Parent group");
  if (g.parent && *g.parent == g.id)
    v.add("/parent", errc::invalid_argument, "Nhóm không thể là cha của chính nó", "A group cannot be its own parent");
}

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

  friend bool operator==(const display&, const display&) = default;
};

template <class V>
void describe(V& f, display& x) {
  using model_io::need;
  using model_io::short_text;
  f("id", x.id, need::required);
  f.header(x.schema_version, x.version);
  f("name", x.name, need::required, short_text);
  f("location", x.location, need::optional, short_text);
  f("unit", x.unit, need::required);
  f("group", x.group);
  f("width", x.width);
  f("height", x.height);
  f("public_key", x.public_key, need::optional, short_text);
  f("enabled", x.enabled);
}
PBGDPL_MODEL_JSON(display)

inline void validate(const display& d, validator& v) {
  rules::schema(v, d.schema_version);
  rules::identifier(v, d.id, "/id", "Mã màn hình", "Display id");
  rules::text(v, d.name, "/name", "Tên màn hình", "Display name", true);
  rules::text(v, d.location, "/location", "Vị trí", "Location", false);
  rules::identifier(v, d.unit, "/unit", "Đơn vị", "Unit");
  rules::identifier(v, d.group, "/group", "Nhóm màn hình", "Display group");
  v.check(d.width > 0 && d.width <= 16384, "/width", errc::out_of_range, "Chiều rộng phải từ 1 đến 16384",
          "Width must be 1 to 16384");
  v.check(d.height > 0 && d.height <= 16384, "/height", errc::out_of_range, "Chiều cao phải từ 1 đến 16384",
          "Height must be 1 to 16384");
  rules::text(v, d.public_key, "/public_key", "Khóa công khai", "Public key", false);
}

// A rectangle of a layout. A `legal` zone shows only approved content; local notices go elsewhere.
struct zone {
  std::string name;
  std::uint32_t x = 0, y = 0, width = 0, height = 0;
  bool legal = true;
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
}
PBGDPL_MODEL_JSON(zone)

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
  f("id", x.id, need::required);
  f.header(x.schema_version, x.version);
  f("name", x.name, need::required, model_io::short_text);
  f("width", x.width, need::required);
  f("height", x.height, need::required);
  f("zones", x.zones);
}
PBGDPL_MODEL_JSON(layout)

inline const zone* find_zone(const layout& l, std::string_view name) noexcept {
  for (const auto& z : l.zones)
    if (z.name == name) return &z;
  return nullptr;
}

inline void validate(const layout& l, validator& v) {
  rules::schema(v, l.schema_version);
  rules::identifier(v, l.id, "/id", "Mã bố cục", "Layout id");
  rules::text(v, l.name, "/name", "Tên bố cục", "Layout name", true);
  v.check(l.width > 0 && l.width <= 16384 && l.height > 0 && l.height <= 16384, "/width", errc::out_of_range,
          "Kích thước bố cục phải từ 1 đến 16384", "Layout size must be 1 to 16384");
  v.check(!l.zones.empty(), "/zones", errc::missing_field, "Bố cục phải có ít nhất một vùng",
          "A layout needs at least one zone");
  for (std::size_t i = 0; i < l.zones.size(); ++i) {
    auto p = "/zones/" + std::to_string(i);
    const auto& z = l.zones[i];
    rules::text(v, z.name, p + "/name", "Tên vùng", "Zone name", true);
    v.check(z.width > 0 && z.height > 0, p + "/width", errc::out_of_range, "Vùng phải có kích thước",
            "A zone needs a size");
    v.check(std::uint64_t{z.x} + z.width <= l.width && std::uint64_t{z.y} + z.height <= l.height, p,
            errc::out_of_range, "Vùng nằm ngoài bố cục", "The zone lies outside the layout");
    for (std::size_t k = 0; k < i; ++k)
      if (l.zones[k].name == z.name)
        v.add(p + "/name", errc::already_exists, "Tên vùng bị lặp", "Duplicate zone name");
  }
}

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
PBGDPL_MODEL_JSON(playlist_item)

struct playlist {
  playlist_id id;
  int schema_version = model_schema_version;
  std::uint64_t version = 0;
  std::string name;
  unit_id unit;
  std::optional<layout_id> layout;
  std::vector<playlist_item> items;

  friend bool operator==(const playlist&, const playlist&) = default;
};

template <class V>
void describe(V& f, playlist& x) {
  using model_io::need;
  f("id", x.id, need::required);
  f.header(x.schema_version, x.version);
  f("name", x.name, need::required, model_io::short_text);
  f("unit", x.unit, need::required);
  f("layout", x.layout);
  f("items", x.items, need::required);
}
PBGDPL_MODEL_JSON(playlist)

inline std::uint64_t total_duration_seconds(const playlist& p) noexcept {
  std::uint64_t s = 0;
  for (const auto& i : p.items) s += i.duration_seconds;
  return s;
}

inline void validate(const playlist& p, validator& v) {
  rules::schema(v, p.schema_version);
  rules::identifier(v, p.id, "/id", "Mã danh sách phát", "Playlist id");
  rules::text(v, p.name, "/name", "Tên danh sách phát", "Playlist name", true);
  rules::identifier(v, p.unit, "/unit", "Đơn vị", "Unit");
  rules::identifier(v, p.layout, "/layout", "Bố cục", "Layout");
  v.check(!p.items.empty(), "/items", errc::missing_field, "Danh sách phát phải có ít nhất một mục",
          "A playlist needs at least one item");
  for (std::size_t i = 0; i < p.items.size(); ++i) {
    auto path = "/items/" + std::to_string(i);
    const auto& it = p.items[i];
    rules::identifier(v, it.media, path + "/media", "Tệp", "Media");
    v.check(it.duration_seconds >= 1 && it.duration_seconds <= 24 * 3600, path + "/duration_seconds",
            errc::out_of_range, "Thời lượng phải từ 1 giây đến 24 giờ", "Duration must be 1 s to 24 h");
    rules::identifier(v, it.approval, path + "/approval", "Phê duyệt", "Approval");
    rules::text(v, it.zone, path + "/zone", "Vùng", "Zone", false);
  }
}

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
  std::string end_time = "23:59";
  date valid_from{};
  std::optional<date> valid_until;  // inclusive
  int priority = 0;                 // higher wins; emergencies use the highest
  bool emergency = false;

  friend bool operator==(const schedule_entry&, const schedule_entry&) = default;
};

template <class V>
void describe(V& f, schedule_entry& x) {
  using model_io::need;
  using model_io::short_text;
  f("id", x.id, need::required);
  f.header(x.schema_version, x.version);
  f("playlist", x.playlist, need::required);
  f("group", x.group, need::required);
  f("days", x.days);
  f("start_time", x.start_time, need::required, short_text);
  f("end_time", x.end_time, need::required, short_text);
  f("valid_from", x.valid_from, need::required);
  f("valid_until", x.valid_until);
  f("priority", x.priority);
  f("emergency", x.emergency);
}
PBGDPL_MODEL_JSON(schedule_entry)

// Whether the entry applies at instant t (Hà Nội local time). A window crossing midnight
// belongs to the day it starts on, so "Fri 22:00-02:00" still plays at 01:00 on Saturday.
inline bool is_active_at(const schedule_entry& e, timestamp t) {
  auto start = rules::parse_time_of_day(e.start_time), end = rules::parse_time_of_day(e.end_time);
  if (!start || !end || *start == *end) return false;
  auto local = t + vietnam_utc_offset;
  auto day = std::chrono::floor<std::chrono::days>(local);
  int minute = static_cast<int>(std::chrono::duration_cast<std::chrono::minutes>(local - day).count());
  auto day_ok = [&](date d) {
    if (d < e.valid_from || (e.valid_until && d > *e.valid_until)) return false;
    if (e.days.empty()) return true;
    for (auto w : e.days)
      if (w == day_of_week_of(d)) return true;
    return false;
  };
  date today{day};
  if (*start < *end) return minute >= *start && minute < *end && day_ok(today);
  if (minute >= *start) return day_ok(today);
  return minute < *end && day_ok(date{day - std::chrono::days{1}});
}

inline void validate(const schedule_entry& e, validator& v) {
  rules::schema(v, e.schema_version);
  for (std::size_t i = 0; i < e.days.size(); ++i) rules::known(v, e.days[i], "/days/" + std::to_string(i));
  rules::identifier(v, e.id, "/id", "Mã lịch phát", "Schedule id");
  rules::identifier(v, e.playlist, "/playlist", "Danh sách phát", "Playlist");
  rules::identifier(v, e.group, "/group", "Nhóm màn hình", "Display group");
  auto start = rules::parse_time_of_day(e.start_time), end = rules::parse_time_of_day(e.end_time);
  v.check(start.has_value(), "/start_time", errc::bad_date, "Giờ bắt đầu phải có dạng HH:MM",
          "start_time must look like HH:MM");
  v.check(end.has_value(), "/end_time", errc::bad_date, "Giờ kết thúc phải có dạng HH:MM", "end_time must look like HH:MM");
  if (start && end)
    v.check(*start != *end, "/end_time", errc::bad_date, "Giờ kết thúc phải khác giờ bắt đầu",
            "end_time must differ from start_time");
  if (e.valid_until)
    rules::not_before(v, *e.valid_until, e.valid_from, "/valid_until", "Ngày kết thúc không được trước ngày bắt đầu",
                      "valid_until must not be before valid_from");
  for (std::size_t i = 0; i < e.days.size(); ++i)
    for (std::size_t k = 0; k < i; ++k)
      if (e.days[k] == e.days[i])
        v.add("/days/" + std::to_string(i), errc::already_exists, "Ngày trong tuần bị lặp", "Duplicate day of week");
  v.check(e.priority >= 0 && e.priority <= 1000, "/priority", errc::out_of_range, "Độ ưu tiên phải từ 0 đến 1000",
          "priority must be 0 to 1000");
}

PBGDPL_NAMESPACE_END
