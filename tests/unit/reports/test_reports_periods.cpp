#include <pbgdpl/reports/periods.hpp>

#include <pbgdpl/network/webhooks.hpp>
#include <pbgdpl/reports/notifier.hpp>
#include <pbgdpl/store/sqlite.hpp>

#include <filesystem>

#include <doctest/doctest.h>

#include "../network/script_server.hpp"
#include "flow_fixture.hpp"

using namespace pbgdpl;
using namespace flow_fixture;

namespace {

report_submission sent_report(const report_period& p, const std::string& unit, submission_state st,
                              std::optional<timestamp> when) {
  report_submission s;
  s.id = reports::submission_id_for(p.id, unit_id{unit});
  s.template_id = p.template_id;
  s.period_id = p.id;
  s.unit = unit_id{unit};
  s.state = st;
  s.submitted_at = when;
  if (when) s.submitted_by = account_id{"someone"};
  return s;
}

const reports::rate_row& row(const reports::completeness_report& r, std::string_view level) {
  for (const auto& x : r.by_level)
    if (x.level == level) return x;
  FAIL("no row " << level);
  return r.by_level.front();
}

std::vector<std::string> ids(const std::vector<unit_id>& us) {
  std::vector<std::string> out;
  for (const auto& u : us) out.push_back(u.value);
  std::sort(out.begin(), out.end());
  return out;
}

// A notifier that remembers what it was asked to send, and fails while told to.
struct recording_notifier final : reports::notifier {
  std::vector<json> sent;
  bool failing = false;
  std::string_view name() const noexcept override { return "test"; }
  result<std::size_t> send(std::string_view event, const json& data) override {
    if (failing) return error(errc::io_error, {}, "máy chủ thư không trả lời", "the mail server does not answer");
    CHECK(event == "report.reminder");
    sent.push_back(data);
    return std::size_t{1};
  }
};

}  // namespace

TEST_CASE("a year's two periods are made once, round 1 due on the date given and round 2 on 15 December") {
  world w;
  auto ps = reports::ensure_periods(*w.db, w.tmpl, 2026);
  REQUIRE(ps);
  REQUIRE(ps->size() == 2);
  CHECK((*ps)[0].id.value == "bc-2026-dot-1");
  CHECK((*ps)[0].round == report_round::first);
  CHECK((*ps)[0].due_on == day(2026, 6, 30));
  CHECK((*ps)[0].year == school_year{2025});
  CHECK((*ps)[1].id.value == "bc-2026-dot-2");
  CHECK((*ps)[1].due_on == day(2026, 12, 15));
  CHECK((*ps)[1].year == school_year{2026});
  CHECK((*ps)[1].opens_on <= (*ps)[1].due_on);
  // Again, even with another date: what exists is kept, nothing new is made.
  auto again = reports::ensure_periods(*w.db, w.tmpl, 2026, day(2026, 7, 15));
  REQUIRE(again);
  CHECK((*again)[0].due_on == day(2026, 6, 30));
  CHECK((*again)[0].version == 1);
  // A division that wants round 1 by 15 July says so for a new year; an early date opens the period that day.
  auto y27 = reports::ensure_periods(*w.db, w.tmpl, 2027, day(2027, 7, 15)).value();
  CHECK(y27[0].due_on == day(2027, 7, 15));
  auto y28 = reports::ensure_periods(*w.db, w.tmpl, 2028, day(2028, 5, 10)).value();
  CHECK(y28[0].opens_on == day(2028, 5, 10));
  // A round-1 date outside the year is refused by the period's own rules.
  CHECK_FALSE(reports::ensure_periods(*w.db, w.tmpl, 2029, day(2030, 6, 30)));
}

TEST_CASE("expected schools follow the tree of the due date, through the division's successors") {
  world w;
  auto june = w.db->hierarchy_at(day(2025, 6, 30)).value();
  auto dec = w.db->hierarchy_at(day(2025, 12, 15)).value();
  // On 30 June 2025 every school sat under the division, the one that closed later included.
  CHECK(ids(reports::expected_units(june, unit_id{"pgd"})) ==
        std::vector<std::string>{"mn-a", "th-a", "th-closed", "thcs-b"});
  // By December the division had ended: its schools are those under the offices that took over.
  CHECK(ids(reports::expected_units(dec, unit_id{"pgd"})) == std::vector<std::string>{"mn-a", "th-a", "thcs-b"});
  CHECK(ids(reports::expected_units(dec, unit_id{"vhxh-a"})) == std::vector<std::string>{"mn-a", "th-a"});
  CHECK(reports::expected_units(dec, unit_id{"nowhere"}).empty());
}

TEST_CASE("completeness and timeliness per level: on time by the end of the due day in Hà Nội, excused ones left out") {
  world w;
  auto tree = w.db->hierarchy_at(w.dot2.due_on).value();
  std::vector<report_submission> rs{
      // 23:30 on 15 December in Hà Nội: on time.
      sent_report(w.dot2, "th-a", submission_state::accepted, at("2025-12-15T23:30:00+07:00")),
      // 00:10 on 16 December in Hà Nội is still 15 December in UTC: late all the same.
      sent_report(w.dot2, "thcs-b", submission_state::submitted, at("2025-12-16T00:10:00+07:00")),
      sent_report(w.dot2, "mn-a", submission_state::draft, std::nullopt),
      // A report of another period does not count here.
      sent_report(w.dot1, "mn-a", submission_state::accepted, at("2025-06-01T09:00:00+07:00")),
      // Nor one of a school that is not expected (closed before the due date).
      sent_report(w.dot2, "th-closed", submission_state::submitted, at("2025-12-01T09:00:00+07:00")),
  };
  auto r = reports::completeness_of(w.dot2, tree, unit_id{"pgd"}, rs, at("2025-12-20T09:00:00+07:00"));
  CHECK(r.due_passed);
  const auto& all = row(r, "");
  CHECK(all.expected == 3);
  CHECK(all.on_time == 1);
  CHECK(all.late == 1);
  CHECK(all.missing == 1);
  CHECK(all.excused == 0);
  CHECK(all.completeness == doctest::Approx(2.0 / 3));
  CHECK(all.timeliness == doctest::Approx(1.0 / 3));
  CHECK(row(r, "th").on_time == 1);
  CHECK(row(r, "th").timeliness == doctest::Approx(1.0));
  CHECK(row(r, "thcs").late == 1);
  CHECK(row(r, "thcs").timeliness == doctest::Approx(0.0));
  CHECK(row(r, "mn").missing == 1);
  CHECK(ids(r.missing_units) == std::vector<std::string>{"mn-a"});
  CHECK(ids(r.late_units) == std::vector<std::string>{"thcs-b"});

  // Excused: out of the rates' base.
  rs[2].state = submission_state::excused;
  auto r2 = reports::completeness_of(w.dot2, tree, unit_id{"pgd"}, rs, at("2025-12-20T09:00:00+07:00"));
  CHECK(row(r2, "").excused == 1);
  CHECK(row(r2, "").completeness == doctest::Approx(1.0));
  CHECK(row(r2, "").timeliness == doctest::Approx(0.5));
  CHECK(row(r2, "mn").completeness == 0);  // nothing expected there any more
  CHECK(r2.missing_units.empty());
  // Before the deadline has passed the report says so.
  CHECK_FALSE(reports::completeness_of(w.dot2, tree, unit_id{"pgd"}, rs, at("2025-12-15T23:59:00+07:00")).due_passed);
}

TEST_CASE("completeness from the store reads the period's reports and its due date's tree") {
  world w;
  auto s = w.filled(w.dot2, "th-a", "head-a", at("2025-12-10T09:00:00+07:00"));
  REQUIRE(reports::submit(*w.db, s.id, w.who("head-a").as(), w.who("head-a").key, at("2025-12-10T10:00:00+07:00")));
  auto r = reports::completeness(*w.db, w.dot2.id, unit_id{"vhxh-a"}, at("2025-12-20T09:00:00+07:00"));
  REQUIRE(r);
  CHECK(row(*r, "").expected == 2);
  CHECK(row(*r, "").on_time == 1);
  CHECK(ids(r->missing_units) == std::vector<std::string>{"mn-a"});
  // The office did not exist on the due date of round 1.
  auto none = reports::completeness(*w.db, w.dot1.id, unit_id{"vhxh-a"}, at("2025-12-20T09:00:00+07:00"));
  REQUIRE_FALSE(none);
  CHECK(none.err().code == errc::not_found);
}

TEST_CASE("reminders go to the schools not yet in, once per reminder day, and not for a locked period") {
  world w;
  recording_notifier n;
  // Eight days before: too early.
  CHECK(reports::send_reminders(*w.db, n, at("2025-12-07T08:00:00+07:00")).value() == 0);
  // th-a has sent its report; the others have not.
  auto s = w.filled(w.dot2, "th-a", "head-a", at("2025-12-01T09:00:00+07:00"));
  REQUIRE(reports::submit(*w.db, s.id, w.who("head-a").as(), w.who("head-a").key, at("2025-12-01T10:00:00+07:00")));
  const auto week = at("2025-12-08T08:00:00+07:00");
  CHECK(reports::send_reminders(*w.db, n, week).value() == 2);
  REQUIRE(n.sent.size() == 2);
  std::vector<std::string> to;
  for (const auto& d : n.sent) {
    to.push_back(d["unit"].get<std::string>());
    CHECK(d["days_before"] == 7);
    CHECK(d["period"] == "bc-2025-dot-2");
    CHECK(d["due_on"] == "2025-12-15");
  }
  std::sort(to.begin(), to.end());
  CHECK(to == std::vector<std::string>{"mn-a", "thcs-b"});
  const auto& mn = n.sent[0]["unit"] == "mn-a" ? n.sent[0] : n.sent[1];
  CHECK(mn["units"] == json::array({"mn-a", "vhxh-a", "phuong-a", "ha-noi"}));
  CHECK(mn["state"] == "missing");
  auto rem = w.db->get<report_reminder>("bc-2025-dot-2.mn-a.7");
  REQUIRE(rem);
  CHECK(rem->days_before == 7);
  CHECK(rem->channel == "test");
  // Running again the same day, or the next, sends nothing new.
  CHECK(reports::send_reminders(*w.db, n, week + std::chrono::hours(3)).value() == 0);
  CHECK(reports::send_reminders(*w.db, n, at("2025-12-10T08:00:00+07:00")).value() == 0);
  // The day before: the second reminder, to those still missing.
  REQUIRE(reports::excuse(*w.db, w.dot2.id, unit_id{"thcs-b"}, w.who("office-b").as(), at("2025-12-12T08:00:00+07:00"),
                          "Trường tạm dừng hoạt động"));
  CHECK(reports::send_reminders(*w.db, n, at("2025-12-14T08:00:00+07:00")).value() == 1);
  CHECK(n.sent.back()["unit"] == "mn-a");
  CHECK(n.sent.back()["days_before"] == 1);
  // After the due date: none.
  CHECK(reports::send_reminders(*w.db, n, at("2025-12-16T08:00:00+07:00")).value() == 0);
  CHECK(n.sent.size() == 3);
}

TEST_CASE("a locked period reminds nobody, and a failed send is tried again on the next run") {
  world w;
  recording_notifier n;
  auto p = w.db->get<report_period>(w.dot2.id.value).value();
  p.locked_at = at("2025-12-01T00:00:00+07:00");
  p = w.db->update(p, "test").value();
  CHECK(reports::send_reminders(*w.db, n, at("2025-12-08T08:00:00+07:00")).value() == 0);
  p.locked_at.reset();
  p.reminder_days = {3};
  REQUIRE(w.db->update(p, "test"));
  CHECK(reports::send_reminders(*w.db, n, at("2025-12-08T08:00:00+07:00")).value() == 0);  // only 3 days before
  n.failing = true;
  auto r = reports::send_reminders(*w.db, n, at("2025-12-12T08:00:00+07:00"));
  REQUIRE_FALSE(r);
  CHECK(r.err().code == errc::io_error);
  n.failing = false;
  // Nothing was kept as sent: the next run sends all three.
  CHECK(reports::send_reminders(*w.db, n, at("2025-12-12T09:00:00+07:00")).value() == 3);
  CHECK(reports::send_reminders(*w.db, n, at("2025-12-12T10:00:00+07:00")).value() == 0);
}

TEST_CASE("the webhook notifier delivers a reminder to the office's receiver, signed, once") {
  world w;
  std::atomic<int> posts{0};
  test_net::script_server receiver([&](const std::string&) {
    ++posts;
    return test_net::reply{test_net::response(200, "ok")};
  });
  auto hook = [&](std::string id, std::string unit, std::vector<std::string> events) {
    webhook h;
    h.id = webhook_id{std::move(id)};
    h.unit = unit_id{std::move(unit)};
    h.url = receiver.base() + "/nhac-viec";
    h.events = std::move(events);
    h.secret = std::string(64, 'b');
    h.created_at = at("2025-11-01T08:00:00+07:00");
    REQUIRE(w.db->create(h, "test"));
  };
  hook("wh-office-a", "vhxh-a", {"report.reminder"});
  hook("wh-office-b-articles", "vhxh-b", {"article.published"});  // not subscribed to reminders
  hook("wh-pgd", "pgd", {"report.reminder"});                       // the ended division hears nothing of December's round

  const auto t = at("2025-12-08T08:00:00+07:00");
  reports::webhook_notifier n(*w.db, "reminders", [&] { return t; });
  CHECK(reports::send_reminders(*w.db, n, t).value() == 3);  // th-a, mn-a, thcs-b
  store::list_query q;
  q.limit = 100;
  auto deliveries = w.db->list<webhook_delivery>(q).value().items;
  REQUIRE(deliveries.size() == 2);  // only the office of ward a listens, for its two schools
  for (const auto& d : deliveries) {
    CHECK(d.webhook == webhook_id{"wh-office-a"});
    CHECK(d.event == "report.reminder");
    auto body = json::parse(d.payload);
    CHECK(body["event"] == "report.reminder");
    CHECK(body["data"]["period"] == "bc-2025-dot-2");
  }
  // The same event sent again makes no second delivery.
  json again{{"id", deliveries[0].subject_id}, {"unit", "th-a"}, {"units", {"th-a", "vhxh-a"}},
             {"occurred_at", format_timestamp(deliveries[0].occurred_at)}};
  CHECK(n.send("report.reminder", again).value() == 1);
  CHECK(w.db->list<webhook_delivery>(q).value().items.size() == 2);

  network::dispatcher_options o;
  o.now = [&] { return t; };
  network::dispatcher d(*w.db, o);
  CHECK(d.deliver_due() == 2);
  CHECK(posts == 2);
  auto heads = receiver.heads();
  REQUIRE(heads.size() == 2);
  for (const auto& h : heads) {
    CHECK(h.find("POST /nhac-viec") != std::string::npos);
    CHECK(h.find("X-Pbgdpl-Event: report.reminder") != std::string::npos);
    CHECK(h.find("X-Pbgdpl-Signature: sha256=") != std::string::npos);
  }
  // A second run of the reminders and of the dispatcher sends nothing new.
  CHECK(reports::send_reminders(*w.db, n, t + std::chrono::hours(1)).value() == 0);
  CHECK(d.deliver_due() == 0);
  CHECK(posts == 2);
}

TEST_CASE("the whole round on the SQLite store: draft, sending, acceptance, completeness and reminders") {
  const auto dir = std::filesystem::path(PBGDPL_BINARY_DIR) / "tmp" / ("reports-flow-" + random_id_string().substr(0, 12));
  std::filesystem::create_directories(dir);
  {
    auto backend = store::open_sqlite_store(dir / "pbgdpl.db");
    REQUIRE(backend);
    world w(std::move(*backend));
    const auto t = at("2025-12-08T08:00:00+07:00");
    auto s = w.filled(w.dot2, "th-a", "head-a", t);
    CHECK(reports::open_draft(*w.db, w.dot2.id, unit_id{"th-a"}, w.who("head-a").as(), t)->id == s.id);
    s = reports::submit(*w.db, s.id, w.who("head-a").as(), w.who("head-a").key, t).value();
    s = reports::approve(*w.db, s.id, w.who("office-a").as(), w.who("office-a").key, t, "").value();
    auto pk = w.who("office-a").key.public_part();
    CHECK(reports::verify_submission(w.db->get<report_submission>(s.id.value).value(), w.who("head-a").key.public_part(), &pk));
    // Without the approver's key an approved report does not verify, and neither does a copy of
    // the sent report whose state was edited to say "accepted" (red team F6).
    auto approved = w.db->get<report_submission>(s.id.value).value();
    CHECK(reports::verify_submission(approved, w.who("head-a").key.public_part()).err().code == errc::unknown_key);
    auto c = reports::completeness(*w.db, w.dot2.id, unit_id{"vhxh-a"}, t).value();
    CHECK(row(c, "").on_time == 1);
    CHECK(ids(c.missing_units) == std::vector<std::string>{"mn-a"});
    recording_notifier n;
    CHECK(reports::send_reminders(*w.db, n, t).value() == 2);  // mn-a and thcs-b
    CHECK(reports::send_reminders(*w.db, n, t).value() == 0);
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

TEST_CASE("the reminder timer runs at start and again after its interval, and stops") {
  world w;
  recording_notifier n;
  std::atomic<std::size_t> sent{0};
  reports::reminder_timer::options o;
  o.interval = std::chrono::seconds(3600);
  o.now = [] { return at("2025-12-08T08:00:00+07:00"); };
  o.on_sent = [&](std::size_t k) { sent += k; };
  reports::reminder_timer timer(*w.db, n, o);
  timer.start();
  for (int i = 0; i < 500 && timer.runs() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(timer.runs() == 1);
  CHECK(sent == 3);  // th-a, mn-a, thcs-b: nothing was sent yet
  timer.stop();      // does not wait out the hour
  CHECK(timer.runs() == 1);
  CHECK(n.sent.size() == 3);
}
