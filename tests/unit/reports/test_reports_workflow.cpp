#include <pbgdpl/reports/workflow.hpp>

#include <doctest/doctest.h>

#include "flow_fixture.hpp"

using namespace pbgdpl;
using namespace flow_fixture;

namespace {

const timestamp dec10 = at("2025-12-10T09:00:00+07:00");
const timestamp dec11 = at("2025-12-11T09:00:00+07:00");

indicator_value num(std::string code, double x, std::string justification = {}) {
  indicator_value v;
  v.code = std::move(code);
  v.number = x;
  v.justification = std::move(justification);
  return v;
}

bool said(const error& e, std::string_view code_path_fragment) {
  if (e.path.find(code_path_fragment) != std::string::npos) return true;
  for (const auto& d : e.details)
    if (d.path.find(code_path_fragment) != std::string::npos) return true;
  return false;
}

// Simulates what the store computed for a draft: figures the auto-fill put there.
report_submission with_computed(world& w, const submission_id& id, double articles, bool section) {
  auto s = w.db->get<report_submission>(id.value).value();
  auto set = [&](indicator_value v) {
    auto it = std::find_if(s.values.begin(), s.values.end(), [&](const auto& x) { return x.code == v.code; });
    if (it == s.values.end()) s.values.push_back(v);
    else *it = v;
  };
  indicator_value a;
  a.code = "articles_posted";
  a.number = a.computed_number = articles;
  set(a);
  indicator_value h;
  h.code = "has_section";
  h.flag = h.computed_flag = section;
  set(h);
  return w.db->update(s, "auto-fill").value();
}

}  // namespace

TEST_CASE("a school's draft opens once per round: opening it again gives the same report") {
  world w;
  auto a = reports::open_draft(*w.db, w.dot2.id, unit_id{"th-a"}, w.who("editor-a").as(), dec10);
  REQUIRE(a);
  CHECK(a->id.value == "bc-2025-dot-2.th-a");
  CHECK(a->state == submission_state::draft);
  CHECK(a->template_id == w.tmpl.id);
  REQUIRE(a->history.size() == 1);
  CHECK(a->history[0].action == "create");
  CHECK(a->history[0].by == account_id{"editor-a"});
  auto b = reports::open_draft(*w.db, w.dot2.id, unit_id{"th-a"}, w.who("head-a").as(), dec11);
  REQUIRE(b);
  CHECK(b->id == a->id);
  CHECK(b->version == a->version);
  CHECK(w.reports().size() == 1);
  // A report stored under another id (an import, the demo's 2023 report) is still the unit's one.
  report_submission legacy;
  legacy.id = submission_id{"bc-mn-a-nhap-tay"};
  legacy.template_id = w.tmpl.id;
  legacy.period_id = w.dot2.id;
  legacy.unit = unit_id{"mn-a"};
  legacy.state = submission_state::submitted;
  legacy.submitted_at = dec10;
  legacy.submitted_by = account_id{"head-mn"};
  REQUIRE(w.db->create(legacy, "import"));
  auto l = reports::open_draft(*w.db, w.dot2.id, unit_id{"mn-a"}, w.who("head-mn").as(), dec11);
  REQUIRE(l);
  CHECK(l->id.value == "bc-mn-a-nhap-tay");
  CHECK(reports::excuse(*w.db, w.dot2.id, unit_id{"mn-a"}, w.who("office-a").as(), dec11, "x").err().code == errc::conflict);
  CHECK(w.reports().size() == 2);
  // Another school's people may not open it.
  auto c = reports::open_draft(*w.db, w.dot2.id, unit_id{"th-a"}, w.who("head-mn").as(), dec11);
  REQUIRE_FALSE(c);
  CHECK(c.err().code == errc::permission_denied);
}

TEST_CASE("an id too long for the store is hashed, the same way every time") {
  auto id = reports::submission_id_for(report_period_id{std::string(40, 'p')}, unit_id{std::string(40, 'u')});
  CHECK(id.valid());
  CHECK(id.value.starts_with("r."));
  CHECK(id == reports::submission_id_for(report_period_id{std::string(40, 'p')}, unit_id{std::string(40, 'u')}));
  CHECK(id != reports::submission_id_for(report_period_id{std::string(40, 'p')}, unit_id{std::string(39, 'u')}));
}

TEST_CASE("wrong types, negative counts, fractions of counts and unknown indicators are refused and change nothing") {
  world w;
  auto s = w.filled(w.dot2, "th-a", "editor-a", dec10);
  const auto before = w.reports();
  auto try_save = [&](std::vector<indicator_value> vs) {
    auto r = reports::save_values(*w.db, s.id, std::move(vs), w.who("editor-a").as(), dec11);
    REQUIRE_FALSE(r);
    CHECK(r.err().code == errc::validation_failed);
    CHECK(same_records(w.reports(), before));
    return r.err();
  };
  {
    indicator_value v;
    v.code = "articles_posted";
    v.text = "mười hai";  // text for a number
    auto e = try_save({v});
    CHECK(e.details.at(0).code == errc::wrong_type);
  }
  {
    indicator_value v;
    v.code = "has_section";
    v.number = 1;  // a number for yes/no
    CHECK(try_save({v}).details.at(0).code == errc::wrong_type);
  }
  CHECK(try_save({num("articles_posted", -3)}).details.at(0).code == errc::out_of_range);
  CHECK(try_save({num("budget_spent", -1)}).details.at(0).code == errc::out_of_range);  // whole: never negative
  CHECK(try_save({num("articles_posted", 2.5)}).details.at(0).code == errc::out_of_range);
  CHECK(try_save({num("staff_trained_percent", 101)}).details.at(0).code == errc::out_of_range);
  CHECK(try_save({num("staff_trained_percent", std::numeric_limits<double>::quiet_NaN())}).details.at(0).code ==
        errc::out_of_range);
  CHECK(try_save({num("no_such_indicator", 1)}).details.at(0).code == errc::not_found);
  CHECK(try_save({num("budget_spent", 1), num("budget_spent", 2)}).details.at(0).code == errc::invalid_argument);
  {
    // More values than indicators: refused as a whole, before any is looked at.
    std::vector<indicator_value> many(w.tmpl.indicators.size() + 1, num("budget_spent", 1));
    auto r = reports::save_values(*w.db, s.id, many, w.who("editor-a").as(), dec11);
    REQUIRE_FALSE(r);
    CHECK(r.err().code == errc::too_large);
    CHECK(same_records(w.reports(), before));
  }
  {
    indicator_value v = num("articles_posted", 1);
    v.flag = true;  // two kinds of content
    CHECK(try_save({v}).details.at(0).code == errc::invalid_argument);
  }
  // One bad value among good ones: none of them is written.
  auto e = try_save({num("budget_spent", 20000000), num("staff_trained_percent", -5)});
  CHECK(said(e, "/values/1"));
  // The same values that are right are taken.
  auto ok = reports::save_values(*w.db, s.id, {num("budget_spent", 20000000), num("staff_trained_percent", 50)},
                                 w.who("editor-a").as(), dec11);
  REQUIRE(ok);
  CHECK(find_value(*ok, "budget_spent")->number == 20000000);
  CHECK(find_value(*ok, "has_section")->flag == true);  // not mentioned: kept
  CHECK(ok->history.back().action == "save");
}

TEST_CASE("a value that differs from the computed one needs a justification and both are kept") {
  world w;
  auto s = reports::open_draft(*w.db, w.dot2.id, unit_id{"th-a"}, w.who("editor-a").as(), dec10).value();
  with_computed(w, s.id, 12, true);
  const auto before = w.reports();
  auto r = reports::save_values(*w.db, s.id, {num("articles_posted", 15)}, w.who("editor-a").as(), dec11);
  REQUIRE_FALSE(r);
  CHECK(r.err().code == errc::validation_failed);
  CHECK(said(r.err(), "/values/0/justification"));
  CHECK(same_records(w.reports(), before));
  // A blank justification is none.
  CHECK_FALSE(reports::save_values(*w.db, s.id, {num("articles_posted", 15, "  \n")}, w.who("editor-a").as(), dec11));
  CHECK(same_records(w.reports(), before));
  // A flipped yes/no is an override too.
  indicator_value no;
  no.code = "has_section";
  no.flag = false;
  CHECK_FALSE(reports::save_values(*w.db, s.id, {no}, w.who("editor-a").as(), dec11));
  CHECK(same_records(w.reports(), before));

  auto ok = reports::save_values(*w.db, s.id, {num("articles_posted", 15, "3 bài đăng trên trang Facebook của trường")},
                                 w.who("editor-a").as(), dec11);
  REQUIRE(ok);
  const auto* v = find_value(*ok, "articles_posted");
  REQUIRE(v);
  CHECK(v->number == 15);
  CHECK(v->computed_number == 12);
  CHECK(v->justification == "3 bài đăng trên trang Facebook của trường");
  // The person cannot claim a computed figure: what they send as computed_* is ignored.
  indicator_value forged = num("articles_posted", 40);
  forged.computed_number = 40;
  CHECK_FALSE(reports::save_values(*w.db, s.id, {forged}, w.who("editor-a").as(), dec11));
  // The same value as computed needs nothing, and drops a justification no longer needed.
  auto back = reports::save_values(*w.db, s.id, {num("articles_posted", 12, "không cần")}, w.who("editor-a").as(), dec11);
  REQUIRE(back);
  CHECK(find_value(*back, "articles_posted")->justification.empty());
  // Clearing a computed value puts the computed figure back.
  auto o = reports::save_values(*w.db, s.id, {num("articles_posted", 15, "lý do")}, w.who("editor-a").as(), dec11).value();
  indicator_value clear;
  clear.code = "articles_posted";
  auto cleared = reports::save_values(*w.db, s.id, {clear}, w.who("editor-a").as(), dec11);
  REQUIRE(cleared);
  CHECK(find_value(*cleared, "articles_posted")->number == 12);
  CHECK(o.version + 1 == cleared->version);
}

TEST_CASE("a comment without a value is refused, not dropped, unless a computed figure stands under it") {
  world w;
  auto s = w.filled(w.dot2, "th-a", "editor-a", dec10);
  const auto before = w.reports();
  indicator_value lone;
  lone.code = "budget_spent";  // nothing computed for it
  lone.comment = "chưa có số liệu từ kế toán";
  auto r = reports::save_values(*w.db, s.id, {lone}, w.who("editor-a").as(), dec11);
  REQUIRE_FALSE(r);
  CHECK(r.err().code == errc::validation_failed);
  CHECK(said(r.err(), "/values/0/comment"));
  CHECK(same_records(w.reports(), before));
  // A comment of blanks is no comment: the empty value is simply cleared.
  lone.comment = " \n ";
  CHECK(reports::save_values(*w.db, s.id, {lone}, w.who("editor-a").as(), dec11));
  // With a value beside it, both are kept.
  auto with_value = num("budget_spent", 5000000);
  with_value.comment = "chưa có số liệu từ kế toán";
  auto ok = reports::save_values(*w.db, s.id, {with_value}, w.who("editor-a").as(), dec11);
  REQUIRE(ok);
  CHECK(find_value(*ok, "budget_spent")->comment == "chưa có số liệu từ kế toán");
  // Over a computed figure, clearing the value keeps the comment (the figure goes back).
  world w2;
  auto t = reports::open_draft(*w2.db, w2.dot2.id, unit_id{"th-a"}, w2.who("editor-a").as(), dec10).value();
  with_computed(w2, t.id, 12, true);
  indicator_value back;
  back.code = "articles_posted";
  back.comment = "số liệu hệ thống là đúng";
  auto kept = reports::save_values(*w2.db, t.id, {back}, w2.who("editor-a").as(), dec11);
  REQUIRE(kept);
  CHECK(find_value(*kept, "articles_posted")->number == 12);
  CHECK(find_value(*kept, "articles_posted")->comment == "số liệu hệ thống là đúng");
}

TEST_CASE("a stale version is a conflict and writes nothing") {
  world w;
  auto s = w.filled(w.dot2, "th-a", "editor-a", dec10);
  const auto before = w.reports();
  auto r = reports::save_values(*w.db, s.id, {num("budget_spent", 3)}, w.who("editor-a").as(), dec11, s.version - 1);
  REQUIRE_FALSE(r);
  CHECK(r.err().code == errc::conflict);
  CHECK(same_records(w.reports(), before));
  CHECK(reports::save_values(*w.db, s.id, {num("budget_spent", 3)}, w.who("editor-a").as(), dec11, s.version));
}

TEST_CASE("saves that change nothing write nothing, and saves in a row are one history event") {
  world w;
  auto s = w.filled(w.dot2, "th-a", "editor-a", dec10);
  const auto events = s.history.size();
  // The same values again, a thousand times (an autosave, a script): no write, no event.
  std::vector<indicator_value> same(1);
  same[0].code = "staff_trained_percent";
  same[0].number = 75;
  for (int i = 0; i < 1000; ++i) {
    auto r = reports::save_values(*w.db, s.id, same, w.who("editor-a").as(), dec11);
    REQUIRE(r);
  }
  auto now = w.db->get<report_submission>(s.id.value).value();
  CHECK(now.version == s.version);
  CHECK(now.history.size() == events);
  // Real changes in a row by one person: one "save" event whose time is the last save's.
  for (int i = 0; i < 50; ++i)
    REQUIRE(reports::save_values(*w.db, s.id, {num("budget_spent", 100 + i)}, w.who("editor-a").as(), dec11 + std::chrono::minutes(i)));
  now = w.db->get<report_submission>(s.id.value).value();
  CHECK(now.history.size() <= events + 1);
  CHECK(now.history.back().action == "save");
  CHECK(now.history.back().at == dec11 + std::chrono::minutes(49));
  // Another person's save is its own event.
  REQUIRE(reports::save_values(*w.db, s.id, {num("budget_spent", 7)}, w.who("head-a").as(), dec11 + std::chrono::hours(2)));
  now = w.db->get<report_submission>(s.id.value).value();
  CHECK(now.history.back().by.value == "head-a");
  CHECK(now.history[now.history.size() - 2].by.value == "editor-a");
}

TEST_CASE("a locked period takes no draft, no change and no submission") {
  world w;
  auto s = w.filled(w.dot2, "th-a", "head-a", dec10);
  auto p = w.db->get<report_period>(w.dot2.id.value).value();
  p.locked_at = at("2025-12-10T12:00:00+07:00");
  REQUIRE(w.db->update(p, "test"));
  const auto before = w.reports();
  auto r1 = reports::save_values(*w.db, s.id, {num("articles_posted", 3)}, w.who("head-a").as(), dec11);
  REQUIRE_FALSE(r1);
  CHECK(r1.err().code == errc::conflict);
  CHECK(r1.err().message_vi.find("đã khóa") != std::string::npos);
  auto r2 = reports::submit(*w.db, s.id, w.who("head-a").as(), w.who("head-a").key, dec11);
  REQUIRE_FALSE(r2);
  CHECK(r2.err().code == errc::conflict);
  auto r3 = reports::open_draft(*w.db, w.dot2.id, unit_id{"mn-a"}, w.who("head-mn").as(), dec11);
  REQUIRE_FALSE(r3);
  CHECK(r3.err().code == errc::conflict);
  CHECK(same_records(w.reports(), before));
  // Before the lock time the same change went through (the lock is a time, not a flag).
  CHECK(reports::save_values(*w.db, s.id, {num("budget_spent", 3)}, w.who("head-a").as(),
                             at("2025-12-10T11:59:00+07:00")));
}

TEST_CASE("a school closed before the due date has no report to open or change") {
  world w;
  const auto before = w.reports();
  auto r = reports::open_draft(*w.db, w.dot2.id, unit_id{"th-closed"}, w.who("head-closed").as(), dec10);
  REQUIRE_FALSE(r);
  CHECK(r.err().code == errc::conflict);
  CHECK(r.err().message_vi.find("đã kết thúc hoạt động") != std::string::npos);
  CHECK(same_records(w.reports(), before));
  // In round 1 (due 30 June 2025) it was still open: its report could be opened then.
  CHECK(reports::open_draft(*w.db, w.dot1.id, unit_id{"th-closed"}, w.who("head-closed").as(), at("2025-06-20T09:00:00+07:00")));
  // A record of the closed school for round 2 (imported, say) takes no change.
  report_submission s;
  s.id = reports::submission_id_for(w.dot2.id, unit_id{"th-closed"});
  s.template_id = w.tmpl.id;
  s.period_id = w.dot2.id;
  s.unit = unit_id{"th-closed"};
  REQUIRE(w.db->create(s, "import"));
  const auto with_it = w.reports();
  auto c = reports::save_values(*w.db, s.id, {num("articles_posted", 1)}, w.who("head-closed").as(), dec10);
  REQUIRE_FALSE(c);
  CHECK(c.err().code == errc::conflict);
  CHECK(c.err().message_en.find("closed") != std::string::npos);
  CHECK(same_records(w.reports(), with_it));
}

TEST_CASE("the head sends the report signed, and a second sending is a conflict") {
  world w;
  auto s = w.filled(w.dot2, "th-a", "editor-a", dec10);
  // The editor prepares; only the school's approver signs and sends.
  const auto before = w.reports();
  auto by_editor = reports::submit(*w.db, s.id, w.who("editor-a").as(), w.who("editor-a").key, dec11);
  REQUIRE_FALSE(by_editor);
  CHECK(by_editor.err().code == errc::permission_denied);
  CHECK(same_records(w.reports(), before));
  // Someone else's key is refused before anything is signed.
  auto head = w.who("head-a").as();
  auto wrong_key = reports::submit(*w.db, s.id, head, w.who("office-a").key, dec11);
  REQUIRE_FALSE(wrong_key);
  CHECK(wrong_key.err().code == errc::unknown_key);
  CHECK(same_records(w.reports(), before));

  auto sent = reports::submit(*w.db, s.id, head, w.who("head-a").key, dec11);
  REQUIRE(sent);
  CHECK(sent->state == submission_state::submitted);
  CHECK(sent->submitted_at == dec11);
  CHECK(sent->submitted_by == account_id{"head-a"});
  CHECK(sent->signer_key == w.who("head-a").key.id().hex());
  CHECK(sent->history.back().action == "submit");
  CHECK(sent->history.back().from == submission_state::draft);
  CHECK(sent->history.back().to == submission_state::submitted);
  CHECK(reports::verify_submission(*sent, w.who("head-a").key.public_part()));
  // The signature is an ordinary minisign one over the payload, with the report named in it.
  auto sig = trust::signature::parse(sent->signature).value();
  CHECK(sig.trusted_comment.starts_with("pbgdpl-report bc-2025-dot-2.th-a "));
  CHECK(sig.trusted_comment.ends_with(" bc-2025-dot-2 th-a"));
  CHECK(trust::verify(w.who("head-a").key.public_part(), sig, reports::signed_payload(*sent), false));

  const auto after = w.reports();
  auto again = reports::submit(*w.db, s.id, head, w.who("head-a").key, dec11 + std::chrono::hours(1));
  REQUIRE_FALSE(again);
  CHECK(again.err().code == errc::conflict);
  CHECK(same_records(w.reports(), after));
  // A sent report takes no change either.
  auto change = reports::save_values(*w.db, s.id, {num("articles_posted", 1)}, w.who("head-a").as(), dec11);
  REQUIRE_FALSE(change);
  CHECK(change.err().code == errc::conflict);
  // Opening a draft again gives the sent report, not a second one.
  auto reopened = reports::open_draft(*w.db, w.dot2.id, unit_id{"th-a"}, head, dec11);
  REQUIRE(reopened);
  CHECK(reopened->state == submission_state::submitted);
  CHECK(same_records(w.reports(), after));
}

TEST_CASE("a report missing a required value is not sent") {
  world w;
  auto s = reports::open_draft(*w.db, w.dot2.id, unit_id{"th-a"}, w.who("head-a").as(), dec10).value();
  REQUIRE(reports::save_values(*w.db, s.id, {num("budget_spent", 2)}, w.who("head-a").as(), dec10));
  const auto before = w.reports();
  auto r = reports::submit(*w.db, s.id, w.who("head-a").as(), w.who("head-a").key, dec11);
  REQUIRE_FALSE(r);
  CHECK(r.err().code == errc::validation_failed);
  CHECK(same_records(w.reports(), before));
}

TEST_CASE("a tampered signed report fails verification with an error that says what changed") {
  world w;
  w.filled(w.dot2, "th-a", "head-a", dec10);
  auto s = reports::submit(*w.db, reports::submission_id_for(w.dot2.id, unit_id{"th-a"}), w.who("head-a").as(),
                           w.who("head-a").key, dec11)
               .value();
  const auto pk = w.who("head-a").key.public_part();
  REQUIRE(reports::verify_submission(s, pk));
  auto claims_approval = s;  // a copy edited to say it was approved, with no approver's signature
  claims_approval.state = submission_state::accepted;
  CHECK(reports::verify_submission(claims_approval, pk).err().code == errc::unknown_key);

  auto value_changed = s;
  value_changed.values[0].number = *value_changed.values[0].number + 1;
  auto e1 = reports::verify_submission(value_changed, pk);
  REQUIRE_FALSE(e1);
  CHECK(e1.err().code == errc::tampered);

  auto comment_changed = s;
  comment_changed.values[0].comment = "sửa sau khi ký";
  CHECK(reports::verify_submission(comment_changed, pk).err().code == errc::tampered);

  auto unit_changed = s;
  unit_changed.unit = unit_id{"mn-a"};
  auto e2 = reports::verify_submission(unit_changed, pk);
  REQUIRE_FALSE(e2);
  CHECK(e2.err().code == errc::tampered);
  CHECK(e2.err().message_en.find("The unit of report") != std::string::npos);

  auto period_changed = s;
  period_changed.period_id = w.dot1.id;
  auto e3 = reports::verify_submission(period_changed, pk);
  CHECK(e3.err().code == errc::tampered);
  CHECK(e3.err().message_en.find("The period of report") != std::string::npos);
  CHECK(e3.err().message_en != e1.err().message_en);

  auto time_changed = s;
  *time_changed.submitted_at -= std::chrono::hours(24 * 30);  // "it was on time"
  CHECK(reports::verify_submission(time_changed, pk).err().code == errc::tampered);

  // Another report's genuine signature pasted onto this one.
  auto other = w.filled(w.dot2, "mn-a", "head-mn", dec10);
  other = reports::submit(*w.db, other.id, w.who("head-mn").as(), w.who("head-mn").key, dec11).value();
  auto swapped = s;
  swapped.signature = other.signature;
  auto e4 = reports::verify_submission(swapped, w.who("head-mn").key.public_part());
  REQUIRE_FALSE(e4);
  CHECK(e4.err().code == errc::tampered);
  CHECK(e4.err().message_en.find("another report") != std::string::npos);

  // Checked against another key: not this signer's.
  CHECK(reports::verify_submission(s, w.who("head-mn").key.public_part()).err().code == errc::unknown_key);
  // Re-signed by someone else with their own key: genuine signature, wrong signer.
  auto resigned = s;
  resigned.values[0].number = 99;
  auto other_key = trust::secret_key::generate();
  resigned.signature = trust::sign(other_key, reports::signed_payload(resigned), reports::submission_comment(resigned)).to_text();
  CHECK(reports::verify_submission(resigned, pk).err().code == errc::unknown_key);

  auto unsigned_one = s;
  unsigned_one.signature.clear();
  CHECK(reports::verify_submission(unsigned_one, pk).err().code == errc::bad_signature);
  auto garbage = s;
  garbage.signature = "untrusted comment: x\nnot base64\n";
  CHECK_FALSE(reports::verify_submission(garbage, pk));
}

TEST_CASE("the office directly above the school accepts its report, signed, others may not") {
  world w;
  auto s = w.filled(w.dot2, "th-a", "head-a", dec10);
  s = reports::submit(*w.db, s.id, w.who("head-a").as(), w.who("head-a").key, dec11).value();
  const auto before = w.reports();
  auto refuse = [&](const std::string& name, errc want) {
    CAPTURE(name);
    auto r = reports::approve(*w.db, s.id, w.who(name).as(), w.who(name).key, dec11, "");
    REQUIRE_FALSE(r);
    CHECK(r.err().code == want);
    CHECK(same_records(w.reports(), before));
  };
  refuse("head-a", errc::permission_denied);        // the school approver, its own report
  refuse("editor-a", errc::permission_denied);
  refuse("office-b", errc::permission_denied);      // the office of another ward
  refuse("pgd-approver", errc::permission_denied);  // the division had ended by 15 December 2025
  refuse("auditor", errc::permission_denied);
  refuse("ward-a", errc::permission_denied);        // above the office, not directly above the school
  // The right person with a key that is not theirs.
  auto wrong_key = reports::approve(*w.db, s.id, w.who("office-a").as(), w.who("office-b").key, dec11, "");
  REQUIRE_FALSE(wrong_key);
  CHECK(wrong_key.err().code == errc::unknown_key);
  CHECK(same_records(w.reports(), before));

  auto ok = reports::approve(*w.db, s.id, w.who("office-a").as(), w.who("office-a").key, dec11, "Đạt yêu cầu");
  REQUIRE(ok);
  CHECK(ok->state == submission_state::accepted);
  CHECK(ok->approved_by == account_id{"office-a"});
  CHECK(ok->approver_key == w.who("office-a").key.id().hex());
  CHECK(ok->history.back().action == "approve");
  CHECK(ok->history.back().note == "Đạt yêu cầu");
  auto pk_school = w.who("head-a").key.public_part();
  auto pk_office = w.who("office-a").key.public_part();
  CHECK(reports::verify_submission(*ok, pk_school, &pk_office));
  auto forged = *ok;
  forged.approved_by = account_id{"city"};
  CHECK(reports::verify_submission(forged, pk_school, &pk_office).err().code == errc::tampered);
  CHECK(reports::verify_submission(*ok, pk_school, &pk_school).err().code == errc::unknown_key);
  // Accepted is locked: no change, no second acceptance.
  CHECK(reports::save_values(*w.db, s.id, {num("articles_posted", 1)}, w.who("head-a").as(), dec11).err().code ==
        errc::conflict);
  CHECK(reports::approve(*w.db, s.id, w.who("city").as(), w.who("city").key, dec11, "").err().code == errc::conflict);
}

TEST_CASE("nobody accepts a report they sent themselves, even holding both roles") {
  world w;
  auto s = w.filled(w.dot2, "th-a", "two-hats", dec10);
  s = reports::submit(*w.db, s.id, w.who("two-hats").as(), w.who("two-hats").key, dec10).value();
  const auto before = w.reports();
  auto self = reports::approve(*w.db, s.id, w.who("two-hats").as(), w.who("two-hats").key, dec11, "");
  REQUIRE_FALSE(self);
  CHECK(self.err().code == errc::permission_denied);
  CHECK(same_records(w.reports(), before));
  CHECK(reports::approve(*w.db, s.id, w.who("office-a").as(), w.who("office-a").key, dec11, ""));
}

TEST_CASE("round 1 of 2025 went up through the division, round 2 through the ward's office") {
  world w;
  const auto june = at("2025-06-20T09:00:00+07:00");
  auto s1 = w.filled(w.dot1, "th-a", "head-a", june);
  s1 = reports::submit(*w.db, s1.id, w.who("head-a").as(), w.who("head-a").key, june).value();
  // The office did not exist on 30 June 2025; the division did, and acts on that day's tree
  // even when it approves later.
  auto by_office = reports::approve(*w.db, s1.id, w.who("office-a").as(), w.who("office-a").key, dec10, "");
  REQUIRE_FALSE(by_office);
  CHECK(by_office.err().code == errc::permission_denied);
  CHECK(reports::approve(*w.db, s1.id, w.who("pgd-approver").as(), w.who("pgd-approver").key, june, ""));
  auto s2 = w.filled(w.dot2, "th-a", "head-a", dec10);
  s2 = reports::submit(*w.db, s2.id, w.who("head-a").as(), w.who("head-a").key, dec10).value();
  CHECK(reports::approve(*w.db, s2.id, w.who("pgd-approver").as(), w.who("pgd-approver").key, dec10, "").err().code ==
        errc::permission_denied);
  CHECK(reports::approve(*w.db, s2.id, w.who("city").as(), w.who("city").key, dec10, ""));
}

TEST_CASE("accepting checks the school's signature against its key on record") {
  world w;
  auto s = w.filled(w.dot2, "th-a", "head-a", dec10);
  s = reports::submit(*w.db, s.id, w.who("head-a").as(), w.who("head-a").key, dec11).value();
  // Someone with write access to the database changes a figure after it was signed.
  s.values[0].number = 500;
  s = w.db->update(s, "sql").value();
  const auto before = w.reports();
  auto r = reports::approve(*w.db, s.id, w.who("office-a").as(), w.who("office-a").key, dec11, "");
  REQUIRE_FALSE(r);
  CHECK(r.err().code == errc::tampered);
  CHECK(same_records(w.reports(), before));
}

TEST_CASE("returning needs a note, reopens from above only, and the report is signed again when resent") {
  world w;
  auto s = w.filled(w.dot2, "th-a", "head-a", dec10);
  s = reports::submit(*w.db, s.id, w.who("head-a").as(), w.who("head-a").key, dec10).value();
  s = reports::approve(*w.db, s.id, w.who("office-a").as(), w.who("office-a").key, dec10, "").value();
  const auto before = w.reports();
  auto no_note = reports::return_to_unit(*w.db, s.id, w.who("office-a").as(), dec11, "  ");
  REQUIRE_FALSE(no_note);
  CHECK(no_note.err().code == errc::validation_failed);
  auto by_school = reports::return_to_unit(*w.db, s.id, w.who("head-a").as(), dec11, "tự mở lại");
  REQUIRE_FALSE(by_school);
  CHECK(by_school.err().code == errc::permission_denied);
  CHECK(same_records(w.reports(), before));

  auto back = reports::return_to_unit(*w.db, s.id, w.who("office-a").as(), dec11, "Số liệu tập huấn chưa khớp");
  REQUIRE(back);
  CHECK(back->state == submission_state::returned);
  CHECK(back->history.back().action == "reopen");
  CHECK(back->history.back().note == "Số liệu tập huấn chưa khớp");
  CHECK_FALSE(back->approved_at);
  CHECK(back->approval_signature.empty());
  CHECK(back->review_note == "Số liệu tập huấn chưa khớp");
  // A returned report is changed and sent again, with a new signature over the new content.
  auto changed = reports::save_values(*w.db, s.id, {num("staff_trained_percent", 80)}, w.who("head-a").as(), dec11);
  REQUIRE(changed);
  CHECK(changed->state == submission_state::returned);
  auto resent = reports::submit(*w.db, s.id, w.who("head-a").as(), w.who("head-a").key, dec11);
  REQUIRE(resent);
  CHECK(resent->signature != s.signature);
  CHECK(reports::verify_submission(*resent, w.who("head-a").key.public_part()));
  std::vector<std::string> actions;
  for (const auto& e : resent->history) actions.push_back(e.action);
  CHECK(actions == std::vector<std::string>{"create", "save", "submit", "approve", "reopen", "save", "submit"});
  // A draft cannot be returned.
  auto d = reports::open_draft(*w.db, w.dot2.id, unit_id{"mn-a"}, w.who("head-mn").as(), dec11).value();
  CHECK(reports::return_to_unit(*w.db, d.id, w.who("office-a").as(), dec11, "x").err().code == errc::conflict);
}

TEST_CASE("excusing a school takes a reason, is done from above, and not over a report already sent") {
  world w;
  const auto before = w.reports();
  CHECK(reports::excuse(*w.db, w.dot2.id, unit_id{"mn-a"}, w.who("office-a").as(), dec10, "").err().code ==
        errc::validation_failed);
  CHECK(reports::excuse(*w.db, w.dot2.id, unit_id{"mn-a"}, w.who("head-mn").as(), dec10, "tự miễn").err().code ==
        errc::permission_denied);
  CHECK(reports::excuse(*w.db, w.dot2.id, unit_id{"mn-a"}, w.who("office-b").as(), dec10, "x").err().code ==
        errc::permission_denied);
  CHECK(same_records(w.reports(), before));
  auto e = reports::excuse(*w.db, w.dot2.id, unit_id{"mn-a"}, w.who("office-a").as(), dec10, "Trường đang sửa chữa, tạm dừng hoạt động");
  REQUIRE(e);
  CHECK(e->state == submission_state::excused);
  CHECK(e->history.back().action == "excuse");
  // An excused report is not sent by the school.
  CHECK(reports::submit(*w.db, e->id, w.who("head-mn").as(), w.who("head-mn").key, dec10).err().code == errc::conflict);
  // An excuse given by mistake is withdrawn from above, with a note, never by the school.
  CHECK(reports::return_to_unit(*w.db, e->id, w.who("head-mn").as(), dec10, "tự rút").err().code ==
        errc::permission_denied);
  CHECK(reports::return_to_unit(*w.db, e->id, w.who("office-a").as(), dec10, "").err().code == errc::validation_failed);
  auto back = reports::return_to_unit(*w.db, e->id, w.who("office-a").as(), dec10, "Trường đã hoạt động trở lại");
  REQUIRE(back);
  CHECK(back->state == submission_state::draft);
  CHECK(back->history.back().action == "withdraw_excuse");
  CHECK(reports::excuse(*w.db, w.dot2.id, unit_id{"mn-a"}, w.who("office-a").as(), dec10, "Lại tạm dừng"));

  auto s = w.filled(w.dot2, "th-a", "head-a", dec10);
  s = reports::submit(*w.db, s.id, w.who("head-a").as(), w.who("head-a").key, dec10).value();
  const auto sent = w.reports();
  auto over = reports::excuse(*w.db, w.dot2.id, unit_id{"th-a"}, w.who("office-a").as(), dec10, "x");
  REQUIRE_FALSE(over);
  CHECK(over.err().code == errc::conflict);
  CHECK(same_records(w.reports(), sent));
}

TEST_CASE("an office sends its own report only once each of its schools is accepted or excused, and the city accepts it") {
  world w;
  auto th = w.filled(w.dot2, "th-a", "head-a", dec10);
  th = reports::submit(*w.db, th.id, w.who("head-a").as(), w.who("head-a").key, dec10).value();
  auto own = w.filled(w.dot2, "vhxh-a", "office-a", dec10);
  const auto before = w.reports();
  auto early = reports::submit(*w.db, own.id, w.who("office-a").as(), w.who("office-a").key, dec11);
  REQUIRE_FALSE(early);
  CHECK(early.err().code == errc::conflict);
  CHECK(early.err().message_vi.find("Trường Mầm non A") != std::string::npos);    // no report at all
  CHECK(early.err().message_vi.find("Trường Tiểu học A") != std::string::npos);   // sent, not yet accepted
  CHECK(early.err().message_vi.find("Trường THCS B") == std::string::npos);       // another ward's
  CHECK(early.err().message_vi.find("Đã Sáp Nhập") == std::string::npos);         // closed before the due date
  CHECK(same_records(w.reports(), before));

  REQUIRE(reports::approve(*w.db, th.id, w.who("office-a").as(), w.who("office-a").key, dec11, ""));
  CHECK(reports::submit(*w.db, own.id, w.who("office-a").as(), w.who("office-a").key, dec11).err().code == errc::conflict);
  REQUIRE(reports::excuse(*w.db, w.dot2.id, unit_id{"mn-a"}, w.who("office-a").as(), dec11, "Trường tạm dừng hoạt động"));
  auto sent = reports::submit(*w.db, own.id, w.who("office-a").as(), w.who("office-a").key, dec11);
  REQUIRE(sent);
  // The office does not accept its own report; the city does.
  CHECK(reports::approve(*w.db, own.id, w.who("office-a").as(), w.who("office-a").key, dec11, "").err().code ==
        errc::permission_denied);
  CHECK(reports::approve(*w.db, own.id, w.who("city").as(), w.who("city").key, dec11, ""));
}

TEST_CASE("a draft is pre-filled from what the school did in the period, and refreshed on request") {
  world w;
  // Round 2 of 2025 covers 1 January to 15 December 2025: three articles of th-a in it, one
  // before it, one of another school.
  for (const char* when : {"2025-01-15T08:00:00+07:00", "2025-06-01T08:00:00+07:00", "2025-12-01T08:00:00+07:00"})
    REQUIRE(w.db->create(published_article("th-a", when, std::string("Bài ") + when), "test"));
  REQUIRE(w.db->create(published_article("th-a", "2024-12-31T08:00:00+07:00", "Bài năm trước"), "test"));
  REQUIRE(w.db->create(published_article("mn-a", "2025-03-01T08:00:00+07:00", "Bài của trường khác"), "test"));
  auto d = reports::open_draft(*w.db, w.dot2.id, unit_id{"th-a"}, w.who("editor-a").as(), dec10);
  REQUIRE(d);
  const auto* a = find_value(*d, "articles_posted");
  REQUIRE(a);
  CHECK(a->number == 3);
  CHECK(a->computed_number == 3);
  CHECK(a->justification.empty());
  // No compliance check in the period: the data says nothing, the person answers.
  CHECK(find_value(*d, "has_section") == nullptr);

  // Another article comes in: the figure the school left as computed follows.
  REQUIRE(w.db->create(published_article("th-a", "2025-12-09T08:00:00+07:00", "Bài mới"), "test"));
  auto r = reports::refresh_computed(*w.db, d->id, w.who("editor-a").as(), dec11);
  REQUIRE(r);
  CHECK(find_value(*r, "articles_posted")->number == 4);
  CHECK(find_value(*r, "articles_posted")->computed_number == 4);
  CHECK(r->history.back().action == "refresh");
  // An overridden figure stays the person's, with the new computed one beside it.
  REQUIRE(reports::save_values(*w.db, d->id, {num("articles_posted", 6, "2 bài đăng trên bảng tin giấy")},
                               w.who("editor-a").as(), dec11));
  REQUIRE(w.db->create(published_article("th-a", "2025-12-10T08:00:00+07:00", "Bài nữa"), "test"));
  auto r2 = reports::refresh_computed(*w.db, d->id, w.who("editor-a").as(), dec11);
  REQUIRE(r2);
  CHECK(find_value(*r2, "articles_posted")->number == 6);
  CHECK(find_value(*r2, "articles_posted")->computed_number == 5);
  CHECK(find_value(*r2, "articles_posted")->justification == "2 bài đăng trên bảng tin giấy");
  // Refreshing is filling in: someone from another school may not.
  CHECK(reports::refresh_computed(*w.db, d->id, w.who("head-mn").as(), dec11).err().code == errc::permission_denied);
}

TEST_CASE("a blocking rule stops the sending with its message, a warning goes with the report") {
  world w;
  auto s = w.filled(w.dot2, "th-a", "head-a", dec10);
  REQUIRE(reports::save_values(*w.db, s.id, {num("staff_total", 10), num("staff_trained", 12), num("budget_spent", 0)},
                               w.who("head-a").as(), dec10));
  const auto before = w.reports();
  auto r = reports::submit_with_findings(*w.db, s.id, w.who("head-a").as(), w.who("head-a").key, dec11);
  REQUIRE_FALSE(r);
  CHECK(r.err().code == errc::validation_failed);
  CHECK(r.err().message_vi == "Số người được tập huấn không vượt quá tổng số cán bộ");
  CHECK(r.err().path == "/rules/trained_within_staff");
  CHECK(same_records(w.reports(), before));

  REQUIRE(reports::save_values(*w.db, s.id, {num("staff_trained", 8)}, w.who("head-a").as(), dec11));
  auto ok = reports::submit_with_findings(*w.db, s.id, w.who("head-a").as(), w.who("head-a").key, dec11);
  REQUIRE(ok);
  CHECK(ok->submission.state == submission_state::submitted);
  REQUIRE(ok->warnings.size() == 1);
  CHECK(ok->warnings[0].rule == "some_budget");
  CHECK(ok->submission.history.back().note.find("Đơn vị chưa ghi kinh phí đã chi") != std::string::npos);
}
