// Traps for a vendor (issue 11) at the model's level: enums and ids print as their names, and a
// required time left at its default (1970) is refused by validation.
#include "entities.hpp"

#include <sstream>

using namespace fx;

namespace {
template <class T>
std::string printed(const T& v) {
  std::ostringstream os;
  os << v;
  return os.str();
}
}  // namespace

TEST_SUITE("model/traps") {
  TEST_CASE("model enums print as their stable names and ids as their text") {
    CHECK(printed(article_state::published) == "published");
    CHECK(printed(article_kind::legal_document_intro) == "legal_document_intro");
    CHECK(printed(question_state::asked) == "asked");
    CHECK(printed(unit_kind::education_division) == "education_division");
    CHECK(printed(validity_status::in_force) == "in_force");
    CHECK(printed(role::school_editor) == std::string(to_string(role::school_editor)));
    CHECK(printed(static_cast<article_state>(42)) == "42");  // outside the names: its number
    CHECK(printed(unit_id{"th-van-yen"}) == "th-van-yen");
    CHECK(printed(article_id{}) == "");
    CHECK(to_string(legal_document_id{"kh-19"}) == "kh-19");
    // Inside other text, as a log line would use them.
    std::ostringstream line;
    line << full_article().id << " (" << full_article().state << ") of " << full_article().unit;
    CHECK(line.str() == "bai-ngay-phap-luat-2023 (published) of pgddt-ha-dong");
  }

  TEST_CASE("required times left at their default (1970) are refused, each at its path, in both languages") {
    auto a = full_article();
    a.created_at = a.updated_at = timestamp{};
    a.published_at.reset();
    a.state = article_state::draft;
    CHECK(problem_paths(a) == std::vector<std::string>{"/created_at", "/updated_at"});
    auto checked = check(a);
    REQUIRE_FALSE(checked);
    REQUIRE(checked.err().details.size() == 2);
    auto r = checked.err().details.front();
    CHECK(r.code == errc::missing_field);
    CHECK(r.message_vi.find("01/01/1970") != std::string::npos);
    CHECK(r.message_en.find("is not set") != std::string::npos);

    auto d = full_plan();
    d.updated_at = timestamp{};
    CHECK(problem_paths(d) == std::vector<std::string>{"/updated_at", "/updated_at"});  // unset, and before created_at

    auto q = full_question();
    q.asked_at = timestamp{};
    q.answered_at.reset();
    q.answered_by.reset();
    q.state = question_state::asked;
    q.answer_markdown.clear();
    CHECK(problem_paths(q) == std::vector<std::string>{"/asked_at"});

    auto s = full_dialogue();
    s.starts_at = timestamp{};
    CHECK(problem_paths(s) == std::vector<std::string>{"/starts_at"});

    // One second after the epoch is a time someone set: not this rule's business.
    a = full_article();
    a.created_at = timestamp{std::chrono::seconds{1}};
    a.updated_at = a.created_at;
    CHECK(check(a));
  }
}
