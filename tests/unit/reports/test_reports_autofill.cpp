// The workflow with the computed indicators and the validation rules wired in: a draft opens
// pre-filled from the store, and a blocking rule stops a submission while a warning does not.
#include <pbgdpl/reports/workflow.hpp>

#include <doctest/doctest.h>

#include "flow_fixture.hpp"

using namespace pbgdpl;
using namespace flow_fixture;

namespace {

const timestamp dec10 = at("2025-12-10T09:00:00+07:00");
const timestamp dec11 = at("2025-12-11T09:00:00+07:00");

void publish(world& w, std::string unit, const char* when, int n) {
  for (int i = 0; i < n; ++i) {
    article a;
    a.id = article_id{unit + "-" + std::string(when).substr(0, 10) + "-" + std::to_string(i)};
    a.title = "Tuyên truyền pháp luật";
    a.body_markdown = "Nội dung";
    a.unit = unit_id{unit};
    a.author = account_id{"editor-a"};
    a.state = article_state::published;
    a.created_at = a.updated_at = at(when);
    a.published_at = a.created_at;
    REQUIRE(w.db->create(a, "test"));
  }
}

void with_source(world& w) {
  w.tmpl.indicators[0].source = "articles.published";  // articles_posted
  w.tmpl.indicators[2].source = "compliance.section";  // has_section: no check stored, so no value
  w.tmpl = w.db->update(w.tmpl, "test").value();
}

}  // namespace

TEST_CASE("a draft opens pre-filled with the unit's computed figures over the round's window, both kept") {
  world w;
  with_source(w);
  publish(w, "th-a", "2025-03-01T08:00:00+07:00", 4);  // round 2 of 2025 covers 1 January to 15 December
  publish(w, "th-a", "2024-12-31T08:00:00+07:00", 2);  // before it
  publish(w, "mn-a", "2025-03-01T08:00:00+07:00", 3);  // another school's
  auto s = reports::open_draft(*w.db, w.dot2.id, unit_id{"th-a"}, w.who("editor-a").as(), dec10);
  REQUIRE(s);
  const auto* v = find_value(*s, "articles_posted");
  REQUIRE(v != nullptr);
  CHECK(v->number == 4.0);
  CHECK(v->computed_number == 4.0);
  CHECK(v->justification.empty());
  CHECK(find_value(*s, "has_section") == nullptr);  // nothing checked: left for the person

  // New articles, then a refresh: the figure follows the store while nobody overrode it.
  publish(w, "th-a", "2025-06-01T08:00:00+07:00", 1);
  auto r = reports::refresh_computed(*w.db, s->id, w.who("editor-a").as(), dec11);
  REQUIRE(r);
  CHECK(find_value(*r, "articles_posted")->number == 5.0);
  CHECK(find_value(*r, "articles_posted")->computed_number == 5.0);
}

TEST_CASE("a blocking validation rule stops a submission with its message and a warning does not") {
  world w;
  validation_rule rule;
  rule.code = "few_articles";
  rule.left = "articles_posted";
  rule.op = rule_op::le;
  rule.value = 10;
  rule.severity = rule_severity::blocking;
  rule.message = "Số bài viết vượt quá 10";
  rule.message_en = "More than 10 articles";
  w.tmpl.rules.push_back(rule);
  w.tmpl = w.db->update(w.tmpl, "test").value();
  auto s = w.filled(w.dot2, "th-a", "editor-a", dec10);  // 12 articles
  const auto before = w.reports();
  auto refused = reports::submit(*w.db, s.id, w.who("head-a").as(), w.who("head-a").key, dec11);
  REQUIRE_FALSE(refused);
  CHECK(refused.err().code == errc::validation_failed);
  CHECK(refused.err().message_vi == "Số bài viết vượt quá 10");
  CHECK(refused.err().message_en == "More than 10 articles");
  CHECK(same_records(w.reports(), before));

  w.tmpl.rules[0].severity = rule_severity::warning;
  w.tmpl = w.db->update(w.tmpl, "test").value();
  auto sent = reports::submit(*w.db, s.id, w.who("head-a").as(), w.who("head-a").key, dec11);
  REQUIRE_MESSAGE(sent, (sent ? "" : sent.err().describe()));
  CHECK(sent->state == submission_state::submitted);
}
