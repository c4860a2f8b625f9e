#include <pbgdpl/publish/questions.hpp>
#include <pbgdpl/store/memory.hpp>

#include <doctest/doctest.h>

#include <map>

using namespace pbgdpl;
using publish::question_step;

namespace {
const timestamp t0 = parse_timestamp("2026-11-09T08:00:00+07:00").value();

unit mk(const char* id, unit_kind k, std::optional<const char*> parent) {
  unit u;
  u.id = unit_id{id};
  u.kind = k;
  u.name = id;
  if (parent) u.parent = unit_id{*parent};
  return u;
}

const trust::unit_tree tree({
    mk("ha-noi", unit_kind::city, std::nullopt),
    mk("pgd-ha-dong", unit_kind::education_division, "ha-noi"),
    mk("th-van-yen", unit_kind::school, "pgd-ha-dong"),
    mk("thcs-le-loi", unit_kind::school, "pgd-ha-dong"),
});

account person(const char* id, role r, const char* at) {
  account a;
  a.id = account_id{id};
  a.username = id;
  a.grants = {role_grant{r, unit_id{at}}};
  return a;
}

question asked(const char* id = "q1") {
  question q;
  q.id = question_id{id};
  q.unit = unit_id{"th-van-yen"};
  q.asker_name = "Phụ huynh";
  q.title = "Hỏi về học phí";
  q.body = "Xin hỏi về *học phí*.";
  q.asked_at = t0;
  return q;
}
}  // namespace

TEST_SUITE("publish/questions") {
  TEST_CASE("each step is taken only from the states that allow it, and a refused one changes nothing") {
    // state → the steps it allows; anything else is refused (conflict) with a message in both languages.
    const std::map<question_state, std::vector<question_step>> legal = {
        {question_state::asked, {question_step::accept, question_step::reject, question_step::answer}},
        {question_state::accepted, {question_step::reject, question_step::answer}},
        {question_state::answered, {question_step::answer, question_step::publish}},
        {question_state::published, {}},
        {question_state::rejected, {}},
    };
    const account_id who{"luat-su"};
    for (const auto& [from, allowed] : legal)
      for (auto step : {question_step::accept, question_step::reject, question_step::answer, question_step::publish}) {
        const auto& from_seen = from;  // clang < 16 cannot capture a structured binding in CAPTURE's lambda
        INFO("to_string(from) := ", to_string(from_seen));
        CAPTURE(to_string(step));
        auto q = asked();
        q.state = from;
        const auto before = q;
        auto r = publish::apply(q, step, who, t0 + std::chrono::hours(1), "Lý do hoặc câu trả lời");
        const bool ok = std::find(allowed.begin(), allowed.end(), step) != allowed.end();
        CHECK(r.has_value() == ok);
        if (!ok) {
          CHECK(r.err().code == errc::conflict);
          CHECK_FALSE(r.err().message_vi.empty());
          CHECK_FALSE(r.err().message_en.empty());
          CHECK(q == before);
        }
      }
  }

  TEST_CASE("answering sets who and when on the server's side, rejecting and answering need their text") {
    auto q = asked();
    REQUIRE(publish::apply(q, question_step::accept, account_id{"bt"}, t0));
    CHECK(q.state == question_state::accepted);
    CHECK(publish::apply(q, question_step::answer, account_id{"ls"}, t0, "  \n").err().code == errc::missing_field);
    CHECK(publish::apply(q, question_step::reject, account_id{"ls"}, t0, "").err().code == errc::missing_field);
    CHECK(q.state == question_state::accepted);
    const auto later = t0 + std::chrono::hours(5);
    REQUIRE(publish::apply(q, question_step::answer, account_id{"ls"}, later, "Theo quy định..."));
    CHECK(q.state == question_state::answered);
    CHECK(q.answered_by == account_id{"ls"});
    CHECK(q.answered_at == later);
    CHECK(check(q));
    REQUIRE(publish::apply(q, question_step::publish, account_id{"ht"}, later));
    CHECK(is_published(q));
    auto r = asked("q2");
    REQUIRE(publish::apply(r, question_step::reject, account_id{"bt"}, t0, "Không thuộc lĩnh vực pháp luật"));
    CHECK(r.state == question_state::rejected);
    CHECK(r.rejection_reason == "Không thuộc lĩnh vực pháp luật");
    CHECK(check(r));
  }

  TEST_CASE("the steps against a store: editors moderate and answer at their unit, approvers publish") {
    CHECK(publish::required_action(question_step::accept) == trust::action::edit_content);
    CHECK(publish::required_action(question_step::answer) == trust::action::edit_content);
    CHECK(publish::required_action(question_step::publish) == trust::action::publish_content);
    store::memory_store db;
    REQUIRE(db.create(asked(), "public"));
    const auto editor = person("gv-van-yen", role::school_editor, "th-van-yen");
    const auto other_school = person("gv-le-loi", role::school_editor, "thcs-le-loi");
    const auto head = person("ht-van-yen", role::school_approver, "th-van-yen");
    // Another school's editor may not moderate it; nothing is written.
    auto refused = publish::accept_question(db, tree, other_school, "q1", t0);
    REQUIRE_FALSE(refused);
    CHECK(refused.err().code == errc::permission_denied);
    CHECK(db.get<question>("q1")->state == question_state::asked);
    // Publishing before an answer: refused as a step, whoever asks.
    CHECK(publish::publish_question(db, tree, head, "q1", t0).err().code == errc::conflict);
    REQUIRE(publish::accept_question(db, tree, editor, "q1", t0));
    auto answered = publish::answer_question(db, tree, editor, "q1", "Theo **Luật Giáo dục**...", t0 + std::chrono::hours(2));
    REQUIRE_MESSAGE(answered, (answered ? "" : answered.err().describe()));
    CHECK(answered->answered_by == editor.id);
    REQUIRE(answered->answer_html);
    CHECK(answered->answer_html->find("<strong>Luật Giáo dục</strong>") != std::string::npos);
    REQUIRE(answered->body_html);
    // An editor may not publish: that is the approver's right.
    CHECK(publish::publish_question(db, tree, editor, "q1", t0).err().code == errc::permission_denied);
    auto published = publish::publish_question(db, tree, head, "q1", t0 + std::chrono::hours(3));
    REQUIRE(published);
    CHECK(is_published(*published));
    // The division's approver publishes for its schools too; a disabled account does nothing.
    REQUIRE(db.create(asked("q2"), "public"));
    auto disabled = editor;
    disabled.disabled = true;
    CHECK(publish::accept_question(db, tree, disabled, "q2", t0).err().code == errc::permission_denied);
    CHECK(publish::reject_question(db, tree, editor, "q2", "Trùng câu hỏi đã trả lời", t0)->state == question_state::rejected);
    CHECK(publish::accept_question(db, tree, editor, "missing", t0).err().code == errc::not_found);
  }
}
