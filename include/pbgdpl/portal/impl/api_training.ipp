// The API's training and channel records (issue 17 item 2): /v1/training-courses,
// /v1/attendances, /v1/channels and /v1/channel-posts. A unit's channels and their posts are on
// its public site anyway: anyone reads them. Courses and attendance (people's names) are read by
// the unit's people and the units above ("read:<kind>"), never anonymously. Writes need
// edit_content at the record's unit; an attendance names a course that exists, of its unit or a
// unit above it (on the course's day, when the tree has changed since); a post names a channel
// of its own unit. Included by impl/api.ipp before the collections are defined.
#pragma once
#include "../units.hpp"

#include <type_traits>

PBGDPL_NAMESPACE_BEGIN
namespace portal {
namespace api_detail {

inline std::string owner_unit(const training_course& c) { return c.unit.value; }
inline std::string owner_unit(const attendance& a) { return a.unit.value; }
inline std::string owner_unit(const channel& c) { return c.unit.value; }
inline std::string owner_unit(const channel_post& p) { return p.unit.value; }

inline void own_fields(training_course&, const training_course*, const http::principal&, timestamp) {}
inline void own_fields(attendance&, const attendance*, const http::principal&, timestamp) {}
inline void own_fields(channel&, const channel*, const http::principal&, timestamp) {}
inline void own_fields(channel_post&, const channel_post*, const http::principal&, timestamp) {}

// Records nobody reads anonymously: who trained, and in what (attendance names people).
template <class T>
constexpr bool training_private = std::is_same_v<T, training_course> || std::is_same_v<T, attendance>;

// Whether the records a write names exist and fit: nothing to check for courses and channels.
inline result<void> linked_records(store::store&, const options&, const training_course&) { return {}; }
inline result<void> linked_records(store::store&, const options&, const channel&) { return {}; }

// An attendance's course exists, and its unit is the course's or one below it: today, or on the
// day the course started (a division's course of 2023 was attended by the schools it had then).
inline result<void> linked_records(store::store& db, const options& o, const attendance& a) {
  auto c = db.get<training_course>(a.course.value);
  if (!c) {
    if (c.err().code != errc::not_found) return c.err();
    return error(errc::invalid_argument, "/course", "Không có khóa tập huấn " + a.course.value,
                 "No training course " + a.course.value);
  }
  if (a.unit == c->unit) return {};
  if (o.units && o.units->get()->tree.within(a.unit, c->unit)) return {};
  if (auto then = load_units(db, c->starts_on); then && (*then)->tree.within(a.unit, c->unit)) return {};
  return error(errc::invalid_argument, "/unit",
               "Đơn vị của người học phải là đơn vị tổ chức khóa " + c->id.value + " (" + c->unit.value + ") hoặc đơn vị trực thuộc",
               "The participant's unit must be the course's unit (" + c->unit.value + ") or a unit below it");
}

// A post is made on a channel that exists, by the channel's own unit.
inline result<void> linked_records(store::store& db, const options&, const channel_post& p) {
  auto ch = db.get<channel>(p.channel.value);
  if (!ch) {
    if (ch.err().code != errc::not_found) return ch.err();
    return error(errc::invalid_argument, "/channel", "Không có kênh " + p.channel.value, "No channel " + p.channel.value);
  }
  if (ch->unit != p.unit)
    return error(errc::invalid_argument, "/unit", "Bài đăng phải thuộc đơn vị của kênh (" + ch->unit.value + ")",
                 "A post belongs to its channel's unit (" + ch->unit.value + ")");
  return {};
}

template <class T>
constexpr bool training_kind = std::is_same_v<T, training_course> || std::is_same_v<T, attendance> ||
                               std::is_same_v<T, channel> || std::is_same_v<T, channel_post>;

}  // namespace api_detail
}  // namespace portal
PBGDPL_NAMESPACE_END
