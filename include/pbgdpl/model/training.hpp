// Training of the staff who do legal education (plan task 6): courses, often online, on IT
// skills for PBGDPL, and who attended them. Reports count trained staff from attendance.
#pragma once
#include "common.hpp"

PBGDPL_NAMESPACE_BEGIN

enum class training_mode { online, in_person, blended };
PBGDPL_ENUM_NAMES(training_mode, {training_mode::online, "online"}, {training_mode::in_person, "in_person"},
                  {training_mode::blended, "blended"});

struct training_course {
  training_course_id id;
  int schema_version = model_schema_version;
  std::uint64_t version = 0;
  std::string title;
  std::string description;
  std::string organizer;  // "Sở Tư pháp Hà Nội"
  unit_id unit;            // the unit that sends or runs it
  training_mode mode = training_mode::online;
  date starts_on{};
  date ends_on{};
  std::string url;
  std::uint32_t hours = 0;
  std::uint32_t sessions = 1;  // how many sessions (buổi) it ran
  std::vector<std::string> topics;

  friend bool operator==(const training_course&, const training_course&) = default;
};

template <class V>
void describe(V& f, training_course& x) {
  using model_io::need;
  using model_io::short_text;
  model_io::head(f, x);
  f("title", x.title, need::required, short_text);
  f("description", x.description);
  f("organizer", x.organizer, need::optional, short_text);
  f("unit", x.unit, need::required);
  f("mode", x.mode, need::required);
  f("starts_on", x.starts_on, need::required);
  f("ends_on", x.ends_on, need::required);
  f("url", x.url, need::optional, short_text);
  f("hours", x.hours);
  f("sessions", x.sessions);
  f("topics", x.topics, need::optional, short_text);
}
PBGDPL_MODEL_DECLARE(training_course)

PBGDPL_DECL void validate(const training_course& c, validator& v);

enum class attendance_status { registered, attended, completed, absent };
PBGDPL_ENUM_NAMES(attendance_status, {attendance_status::registered, "registered"},
                  {attendance_status::attended, "attended"}, {attendance_status::completed, "completed"},
                  {attendance_status::absent, "absent"});

struct attendance {
  attendance_id id;
  int schema_version = model_schema_version;
  std::uint64_t version = 0;
  training_course_id course;
  unit_id unit;
  std::optional<account_id> account;
  std::string person_name;
  std::string position;  // "Báo cáo viên pháp luật", "Giáo viên"
  attendance_status status = attendance_status::registered;
  std::optional<date> completed_on;
  std::string certificate_number;

  friend bool operator==(const attendance&, const attendance&) = default;
};

template <class V>
void describe(V& f, attendance& x) {
  using model_io::need;
  using model_io::short_text;
  model_io::head(f, x);
  f("course", x.course, need::required);
  f("unit", x.unit, need::required);
  f("account", x.account);
  f("person_name", x.person_name, need::required, short_text);
  f("position", x.position, need::optional, short_text);
  f("status", x.status, need::required);
  f("completed_on", x.completed_on);
  f("certificate_number", x.certificate_number, need::optional, short_text);
}
PBGDPL_MODEL_DECLARE(attendance)

// Counts as "trained" in the plan's reports.
inline bool is_trained(const attendance& a) noexcept {
  return a.status == attendance_status::attended || a.status == attendance_status::completed;
}

PBGDPL_DECL void validate(const attendance& a, validator& v);

// Compiled mode: decoding, encoding and checking these is instantiated once, in the library.
PBGDPL_MODEL_EXTERN(training_course)
PBGDPL_MODEL_EXTERN(attendance)

PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/training.ipp"
#endif
