// Bodies of model/signage.hpp (JSON codecs and validation): compiled once into the core tier
// (src/core/model.cpp), or included by the header in header-only builds.
#pragma once
#include "../signage.hpp"

PBGDPL_NAMESPACE_BEGIN

PBGDPL_MODEL_DEFINE(display_group)

PBGDPL_DECL void validate(const display_group& g, validator& v) {
  rules::schema(v, g.schema_version);
  rules::identifier(v, g.id, "/id", "Mã nhóm màn hình", "Display group id");
  rules::text(v, g.name, "/name", "Tên nhóm", "Group name", true);
  rules::identifier(v, g.unit, "/unit", "Đơn vị", "Unit");
  rules::identifier(v, g.parent, "/parent", "Nhóm cha", "Parent group");
  if (g.parent && *g.parent == g.id)
    v.add("/parent", errc::invalid_argument, "Nhóm không thể là cha của chính nó", "A group cannot be its own parent");
}

PBGDPL_MODEL_DEFINE(display)

PBGDPL_DECL bool is_time_zone_name(std::string_view s) noexcept {
  if (s.empty() || s.size() > 64) return false;
  if (s.starts_with("UTC") && s.size() > 3 && (s[3] == '+' || s[3] == '-')) {
    // "UTC+07:00": hours 00-14, minutes 00-59.
    auto d = [&](std::size_t i) { return s[i] >= '0' && s[i] <= '9'; };
    if (s.size() != 9 || !d(4) || !d(5) || s[6] != ':' || !d(7) || !d(8)) return false;
    int h = (s[4] - '0') * 10 + (s[5] - '0'), m = (s[7] - '0') * 10 + (s[8] - '0');
    return h <= 14 && m <= 59;
  }
  // IANA: parts separated by '/', each starting with a letter, of letters, digits, '_', '+', '-'
  // ("America/Argentina/Buenos_Aires", "Etc/GMT+7", "UTC"); nothing that walks a path.
  std::size_t part = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '/') {
      if (part == 0) return false;
      part = 0;
      continue;
    }
    char c = s[i];
    bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    if (part == 0 && !letter) return false;
    if (!letter && !(c >= '0' && c <= '9') && c != '_' && c != '+' && c != '-') return false;
    ++part;
  }
  return true;
}

PBGDPL_DECL void validate(const display& d, validator& v) {
  rules::known(v, d.kind, "/kind");
  rules::known(v, d.orientation, "/orientation");
  rules::known(v, d.operated_by, "/operated_by");
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
  rules::text(v, d.building, "/building", "Tòa nhà", "Building", false);
  rules::text(v, d.staircase, "/staircase", "Cầu thang", "Staircase", false);
  bool business = d.operated_by == operator_kind::business;
  rules::text(v, d.operator_name, "/operator_name", "Tên đơn vị vận hành", "Operator name", business);
  rules::identifier(v, d.operator_account, "/operator_account", "Tài khoản đơn vị vận hành", "Operator account");
  v.check(is_time_zone_name(d.time_zone), "/time_zone", errc::invalid_argument,
          "Múi giờ phải là tên IANA (như Asia/Ho_Chi_Minh) hoặc dạng UTC+07:00",
          "time_zone must be an IANA name (such as Asia/Ho_Chi_Minh) or of the form UTC+07:00");
}

PBGDPL_MODEL_DEFINE(zone)

PBGDPL_MODEL_DEFINE(layout)

PBGDPL_DECL void validate(const layout& l, validator& v) {
  rules::schema(v, l.schema_version);
  rules::identifier(v, l.id, "/id", "Mã bố cục", "Layout id");
  rules::text(v, l.name, "/name", "Tên bố cục", "Layout name", true);
  v.check(l.width > 0 && l.width <= 16384 && l.height > 0 && l.height <= 16384, "/width", errc::out_of_range,
          "Kích thước bố cục phải từ 1 đến 16384", "Layout size must be 1 to 16384");
  v.check(!l.zones.empty(), "/zones", errc::missing_field, "Bố cục phải có ít nhất một vùng",
          "A layout needs at least one zone");
  // A screen has a handful of zones; the bound keeps the pairwise checks below cheap.
  if (l.zones.size() > 64) {
    v.add("/zones", errc::too_large, "Bố cục có quá 64 vùng", "A layout has more than 64 zones");
    return;
  }
  for (std::size_t i = 0; i < l.zones.size(); ++i) {
    auto p = "/zones/" + std::to_string(i);
    const auto& z = l.zones[i];
    rules::text(v, z.name, p + "/name", "Tên vùng", "Zone name", true);
    v.check(z.width > 0 && z.height > 0, p + "/width", errc::out_of_range, "Vùng phải có kích thước",
            "A zone needs a size");
    v.check(std::uint64_t{z.x} + z.width <= l.width && std::uint64_t{z.y} + z.height <= l.height, p,
            errc::out_of_range, "Vùng nằm ngoài bố cục", "The zone lies outside the layout");
    rules::unique_at(v, l.zones, i, &zone::name, p + "/name", "Tên vùng bị lặp", "Duplicate zone name");
    v.check(!(z.ticker && z.legal), p + "/ticker", errc::invalid_argument,
            "Vùng chữ chạy chứa thông báo của đơn vị vận hành nên không thể là vùng nội dung pháp luật",
            "A ticker zone carries the operator's notices, so it cannot be a legal zone");
    // Players draw zones in order: a local-notice zone over a legal one would cover approved
    // content with content no authority approved (red team F6).
    if (z.legal)
      for (std::size_t j = 0; j < l.zones.size(); ++j) {
        const auto& o = l.zones[j];
        if (o.legal) continue;
        bool apart = std::uint64_t{o.x} >= std::uint64_t{z.x} + z.width || std::uint64_t{z.x} >= std::uint64_t{o.x} + o.width ||
                     std::uint64_t{o.y} >= std::uint64_t{z.y} + z.height || std::uint64_t{z.y} >= std::uint64_t{o.y} + o.height;
        v.check(apart, p, errc::invalid_argument, "Vùng pháp luật bị vùng \"" + o.name + "\" chồng lên",
                "The legal zone is overlapped by zone \"" + o.name + "\"");
      }
  }
}

PBGDPL_MODEL_DEFINE(playlist_item)

PBGDPL_MODEL_DEFINE(playlist)

PBGDPL_DECL void validate(const playlist& p, validator& v) {
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
  rules::text(v, p.ticker, "/ticker", "Dòng chữ chạy", "Ticker text", false);
}

PBGDPL_MODEL_DEFINE(schedule_entry)

PBGDPL_DECL std::optional<int> parse_end_time(std::string_view s) noexcept {
  if (s == "24:00") return 24 * 60;
  return rules::parse_time_of_day(s);
}

PBGDPL_DECL bool is_active_at(const schedule_entry& e, timestamp t) {
  return is_active_at_local(e, std::chrono::local_seconds{(t + vietnam_utc_offset).time_since_epoch()}, t);
}

PBGDPL_DECL bool is_active_at_local(const schedule_entry& e, std::chrono::local_seconds local, timestamp t) {
  if (e.expires_at && t >= *e.expires_at) return false;
  auto start = rules::parse_time_of_day(e.start_time), end = parse_end_time(e.end_time);
  if (!start || !end || *start == *end) return false;
  auto day = std::chrono::floor<std::chrono::days>(local);
  int minute = static_cast<int>(std::chrono::duration_cast<std::chrono::minutes>(local - day).count());
  auto day_ok = [&](date d) {
    if (d < e.valid_from || (e.valid_until && d > *e.valid_until)) return false;
    if (e.days.empty()) return true;
    for (auto w : e.days)
      if (w == day_of_week_of(d)) return true;
    return false;
  };
  date today{std::chrono::sys_days{day.time_since_epoch()}};
  if (*start < *end) return minute >= *start && minute < *end && day_ok(today);
  if (minute >= *start) return day_ok(today);
  return minute < *end && day_ok(date{std::chrono::sys_days{(day - std::chrono::days{1}).time_since_epoch()}});
}

PBGDPL_DECL void validate(const schedule_entry& e, validator& v) {
  rules::schema(v, e.schema_version);
  for (std::size_t i = 0; i < e.days.size(); ++i) rules::known(v, e.days[i], "/days/" + std::to_string(i));
  rules::identifier(v, e.id, "/id", "Mã lịch phát", "Schedule id");
  rules::identifier(v, e.playlist, "/playlist", "Danh sách phát", "Playlist");
  rules::identifier(v, e.group, "/group", "Nhóm màn hình", "Display group");
  auto start = rules::parse_time_of_day(e.start_time), end = parse_end_time(e.end_time);
  v.check(start.has_value(), "/start_time", errc::bad_date, "Giờ bắt đầu phải có dạng HH:MM",
          "start_time must look like HH:MM");
  v.check(end.has_value(), "/end_time", errc::bad_date, "Giờ kết thúc phải có dạng HH:MM (hoặc 24:00)",
          "end_time must look like HH:MM (or 24:00)");
  if (start && end)
    v.check(*start != *end, "/end_time", errc::bad_date, "Giờ kết thúc phải khác giờ bắt đầu",
            "end_time must differ from start_time");
  if (e.valid_until)
    rules::not_before(v, *e.valid_until, e.valid_from, "/valid_until", "Ngày kết thúc không được trước ngày bắt đầu",
                      "valid_until must not be before valid_from");
  for (std::size_t i = 0; i < e.days.size(); ++i)
    rules::unique_at(v, e.days, i, [](const auto& x) -> const auto& { return x; }, "/days/" + std::to_string(i), "Ngày trong tuần bị lặp",
                     "Duplicate day of week");
  v.check(e.priority >= 0 && e.priority <= 1000, "/priority", errc::out_of_range, "Độ ưu tiên phải từ 0 đến 1000",
          "priority must be 0 to 1000");
  rules::text(v, e.campaign, "/campaign", "Chiến dịch", "Campaign", false);
  if (e.emergency)
    v.check(e.expires_at.has_value(), "/expires_at", errc::missing_field,
            "Lịch phát khẩn cấp phải có thời điểm hết hiệu lực", "An emergency entry needs expires_at (its time to live)");
  v.check(!(e.emergency && e.fallback), "/fallback", errc::invalid_argument,
          "Lịch phát khẩn cấp không thể là nội dung mặc định", "An emergency entry cannot be the fallback");
}

#if !defined(PBGDPL_HEADER_ONLY)
PBGDPL_MODEL_INSTANTIATE(display_group)
PBGDPL_MODEL_INSTANTIATE(display)
PBGDPL_MODEL_INSTANTIATE(layout)
PBGDPL_MODEL_INSTANTIATE(playlist)
PBGDPL_MODEL_INSTANTIATE(schedule_entry)
#endif

PBGDPL_NAMESPACE_END
