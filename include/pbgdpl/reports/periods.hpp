// Reporting rounds over time: each calendar year's two periods of a template (round 1 after the
// school year's wrap-up, round 2 before 15 December), who is expected to report in a period (the
// schools open on its due date, on that day's tree), completeness and timeliness per school level,
// and reminders before the deadline through a notifier (reports/notifier.hpp).
#pragma once
#include "../model/report.hpp"
#include "../model/unit_directory.hpp"
#include "../store/store.hpp"
#include "notifier.hpp"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace reports {

// "<template>-<year>-dot-1" and "-dot-2" (an id longer than the store's 64 characters keeps its
// first 48 and adds 12 hex digits of BLAKE2b-256 of the whole).
PBGDPL_DECL report_period_id period_id_for(const report_template_id& t, int calendar_year, report_round r);

// The year's two periods of `t`, created when missing (those that exist are returned as they are,
// never changed). Round 1 is due on `round1_due` (default 30 June of the year, the plan's "after
// the school year's wrap-up", which the division may set later), round 2 on 15 December. They
// open, as in the demo data, on 20 May and 15 November (or on the due date, when that is earlier).
PBGDPL_DECL result<std::vector<report_period>> ensure_periods(store::store& db, const report_template& t,
                                                              int calendar_year, std::optional<date> round1_due = {},
                                                              std::string_view actor = "system");

// The schools expected to report to `above` in a period whose tree is `tree`: the schools open
// on that day at or below it; when `above` had ended by then (the Hà Đông division after 30 June
// 2025), those below the units that took over from it.
PBGDPL_DECL std::vector<unit_id> expected_units(const unit_directory& tree, const unit_id& above);

// One line of the rates: "" for all schools, then "mn", "th", "thcs".
struct rate_row {
  std::string level;
  std::size_t expected = 0, on_time = 0, late = 0, missing = 0, excused = 0;
  // Over the expected schools that were not excused (0 when there are none): sent (on time or
  // late) and sent on time.
  double completeness = 0, timeliness = 0;
  friend bool operator==(const rate_row&, const rate_row&) = default;
};

struct completeness_report {
  report_period_id period;
  unit_id unit;
  date due_on{};
  bool due_passed = false;            // the deadline's day is over (in Hà Nội): missing ones are late now
  std::vector<rate_row> by_level;     // all, mn, th, thcs
  std::vector<unit_id> missing_units; // expected, neither sent nor excused
  std::vector<unit_id> late_units;    // sent after the due date
};

// Counts a period's reports below `above`: a report counts as sent when it is submitted or
// accepted, on time when its submitted_at falls on or before the due date in Asia/Ho_Chi_Minh
// (the latest sending, after a return), excused when marked so; anything else (no report, a
// draft, a returned one) is missing. Pure: the reports are those of the period.
PBGDPL_DECL completeness_report completeness_of(const report_period& p, const unit_directory& tree, const unit_id& above,
                                                std::span<const report_submission> reports, timestamp now);

// The same from the store: the period, its due date's tree and its reports.
PBGDPL_DECL result<completeness_report> completeness(store::store& db, const report_period_id& period,
                                                     const unit_id& above, timestamp now);

// "<period>.<unit>.<days>" (hashed like submission_id_for when longer than 64 characters).
PBGDPL_DECL report_reminder_id reminder_id_for(const report_period_id& period, const unit_id& unit, int days_before);

// Reminds the schools whose report is not yet in: for each period not locked whose reminder day
// has come (period.reminder_days, default 7 and 1 days before due_on; on a day past several of
// them, only the nearest is sent), each expected school of the template's owner (or of its
// successors) with no report sent or excused gets the event "report.reminder" through `n`, once:
// a report_reminder record per (period, unit, day) is written first as the claim, so running
// again, or on a second node, sends nothing new (a failed send gives the claim back, to be tried
// on the next run). Returns how many reminders went out.
PBGDPL_DECL result<std::size_t> send_reminders(store::store& db, notifier& n, timestamp now,
                                               std::string_view actor = "reminders");

// Runs send_reminders on its own thread: at start, then every `interval` (reminder days are
// days, so an hour is plenty; a run that sends nothing costs a read of the periods). Failures are
// told to `on_error` and tried again on the next run. Thread safety: start and stop from one
// thread; the store must be shareable, the notifier callable from the timer's thread.
class reminder_timer {
 public:
  struct options {
    std::chrono::seconds interval{3600};
    std::function<timestamp()> now;                       // default: pbgdpl::now
    std::function<void(std::size_t sent)> on_sent;       // after a run that sent something
    std::function<void(const error&)> on_error;
    std::string actor = "reminders";
  };
  reminder_timer(store::store& db, notifier& n, options opt);
  reminder_timer(const reminder_timer&) = delete;
  reminder_timer& operator=(const reminder_timer&) = delete;
  ~reminder_timer();
  void start();
  void stop();
  // How many runs have finished (for tests and health pages).
  std::size_t runs() const;

 private:
  void loop();
  store::store& db_;
  notifier& n_;
  options opt_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::size_t runs_ = 0;
  std::thread thread_;
};

}  // namespace reports
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/periods.ipp"
#endif
