#include <pbgdpl/model/question.hpp>

#include <doctest/doctest.h>

using namespace pbgdpl;

TEST_SUITE("model/question") {
  TEST_CASE("a question stored before the follow hash and the accepted state still decodes") {
    // As a version before issue 14 wrote it: no follow_hash, and its states only.
    const char* old = R"({"id":"q1","schema_version":1,"version":3,"unit":"th-van-yen","asker_name":"Phụ huynh",
      "asker_email":"","asker_phone":"","title":"Hỏi về học phí","body":"Xin hỏi...","category":"Giáo dục",
      "answer_markdown":"","state":"asked","asked_at":"2025-03-03T09:00:00+07:00","rejection_reason":"","documents":[]})";
    auto q = from_json_text<question>(old);
    REQUIRE_MESSAGE(q, (q ? "" : q.err().describe()));
    CHECK(q->state == question_state::asked);
    CHECK_FALSE(q->follow_hash);
    // Written back: no follow_hash member appears for it.
    CHECK_FALSE(to_json_value(*q).contains("follow_hash"));
  }

  TEST_CASE("the accepted state and the follow hash round-trip, and a follow hash must be a BLAKE2b-256 hex") {
    question q;
    q.id = question_id{"q2"};
    q.unit = unit_id{"th-van-yen"};
    q.asker_name = "A";
    q.title = "T";
    q.body = "B";
    q.asked_at = parse_timestamp("2025-03-03T09:00:00+07:00").value();
    q.state = question_state::accepted;
    q.follow_hash = std::string(64, 'a');
    auto j = to_json_value(q);
    CHECK(j["state"] == "accepted");
    auto back = from_json_value<question>(j);
    REQUIRE(back);
    CHECK(*back == q);
    CHECK(label_vi(question_state::accepted) == "Đã tiếp nhận, chờ trả lời");
    q.follow_hash = "not a hash";
    CHECK_FALSE(check(q));
    q.follow_hash = std::string(64, 'A');
    CHECK_FALSE(check(q));
  }

  TEST_CASE("what leaves the server of a question never holds its follow hash") {
    question q;
    q.asker_email = "a@example.org";
    q.follow_hash = std::string(64, 'b');
    CHECK_FALSE(without_secrets(q).follow_hash);
    CHECK(without_secrets(q).asker_email == "a@example.org");
    CHECK_FALSE(public_view(q).follow_hash);
    CHECK(public_view(q).asker_email.empty());
  }
}
