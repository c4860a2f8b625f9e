// Issue 14, legal Q&A: the public question form, the asker's follow page, and the workflow that
// takes a question from the form to the questions page and search.
#include "portal_fixture.hpp"

#include <pbgdpl/publish/questions.hpp>
#include <pbgdpl/trust/tokens.hpp>

#include <regex>

using namespace pbgdpl;
using pbgdpl_test::portal_fixture;

namespace {

// A portal whose clock the test moves (the form's token must age a few seconds).
struct ask_fixture {
  timestamp t = parse_timestamp(pbgdpl_test::before_reform).value();
  std::unique_ptr<portal_fixture> f;
  explicit ask_fixture(portal::options o = {}) {
    o.now = [this] { return t; };
    f = std::make_unique<portal_fixture>(std::move(o));
  }
  static std::string token_of(const std::string& html) {
    std::smatch m;
    REQUIRE(std::regex_search(html, m, std::regex("name=\"form_token\" value=\"([^\"]+)\"")));
    return m[1];
  }
  std::string fresh_token(const std::string& unit_base = "/don-vi/th-van-yen") {
    auto r = f->get(unit_base + "/pbgdpl/hoi-dap/gui-cau-hoi");
    REQUIRE(r.code == http::status::ok);
    return token_of(portal_fixture::body(r));
  }
  http::response post(const std::vector<std::pair<std::string, std::string>>& fields,
                      const std::string& unit_base = "/don-vi/th-van-yen", const std::string& lang = {}) {
    std::string body;
    for (const auto& [k, v] : fields) body += (body.empty() ? "" : "&") + k + "=" + http::percent_encode(v);
    return f->send(http::verb::post, unit_base + "/pbgdpl/hoi-dap/gui-cau-hoi" + lang, body,
                   {{"Content-Type", "application/x-www-form-urlencoded"}});
  }
  std::size_t questions() {
    store::list_query q;
    q.limit = 100;
    return f->db.list<question>(q)->items.size();
  }
};

std::vector<std::pair<std::string, std::string>> good(const std::string& token) {
  return {{"name", "Trần Thị Bình"},      {"email", "binh@example.org"}, {"phone", "0000 000 000"},
          {"title", "Hỏi về đồng phục"},  {"question", "Nhà trường có được bắt buộc mua đồng phục không?"},
          {"category", "Giáo dục"},       {"website", ""},               {"form_token", token}};
}

std::string with(std::vector<std::pair<std::string, std::string>>& fields, const std::string& key, const std::string& value) {
  for (auto& [k, v] : fields)
    if (k == key) v = value;
  return value;
}

std::string header(const http::response& r, std::string_view name) { return std::string(r.get(name)); }

}  // namespace

TEST_SUITE("portal/questions") {
  TEST_CASE("the questions page and the section's home lead to the unit's own question form") {
    portal_fixture f;
    auto b = portal_fixture::body(f.get("/pbgdpl/hoi-dap-phap-luat/"));
    CHECK(b.find("<a class=\"ask\" href=\"/pbgdpl/hoi-dap/gui-cau-hoi\">Gửi câu hỏi</a>") != std::string::npos);
    b = portal_fixture::body(f.get("/don-vi/th-le-loi/pbgdpl/hoi-dap-phap-luat/?lang=en"));
    CHECK(b.find("<a class=\"ask\" href=\"/don-vi/th-le-loi/pbgdpl/hoi-dap/gui-cau-hoi?lang=en\">Send a question</a>") !=
          std::string::npos);
  }

  TEST_CASE("the form is never cached, labels every input and posts to itself") {
    ask_fixture a;
    auto r = a.f->get("/don-vi/th-van-yen/pbgdpl/hoi-dap/gui-cau-hoi?lang=en");
    REQUIRE(r.code == http::status::ok);
    CHECK(header(r, "Cache-Control") == "no-store");
    auto b = portal_fixture::body(r);
    CHECK(b.find("action=\"/don-vi/th-van-yen/pbgdpl/hoi-dap/gui-cau-hoi?lang=en\"") != std::string::npos);
    for (const char* id : {"ask-name", "ask-email", "ask-phone", "ask-title", "ask-question", "ask-category"}) {
      CAPTURE(id);
      CHECK(b.find(std::string("<label for=\"") + id + "\"") != std::string::npos);
      CHECK(b.find(std::string("id=\"") + id + "\"") != std::string::npos);
    }
    // Two requests, two tokens' worth of page: the cache kept neither.
    auto hits = a.f->site->cache().hits();
    a.f->get("/don-vi/th-van-yen/pbgdpl/hoi-dap/gui-cau-hoi?lang=en");
    CHECK(a.f->site->cache().hits() == hits);
  }

  TEST_CASE("a question that fails any check is not stored, and the form says why next to each field") {
    portal::options o;
    o.ask_rate = {100, 100};  // more posts than one person's burst: the rate is tested over HTTP
    ask_fixture a(o);
    const auto before = a.questions();
    auto token = a.fresh_token();
    // At once: too soon after the form was served.
    auto r = a.post(good(token));
    CHECK(r.code == http::status::bad_request);
    CHECK(portal_fixture::body(r).find("quá nhanh") != std::string::npos);
    a.t += std::chrono::seconds(10);
    // Missing name and question: an error by each, what was typed kept (escaped), no store write.
    auto fields = good(token);
    with(fields, "name", "");
    with(fields, "question", "  ");
    with(fields, "title", "Tiêu đề <script>alert(1)</script>");
    r = a.post(fields);
    CHECK(r.code == http::status::bad_request);
    auto b = portal_fixture::body(r);
    CHECK(b.find("aria-describedby=\"ask-name-error\"") != std::string::npos);
    CHECK(b.find("id=\"ask-name-error\">Tên người hỏi") != std::string::npos);
    CHECK(b.find("aria-describedby=\"ask-question-error\"") != std::string::npos);
    CHECK(b.find("aria-describedby=\"ask-title-error\"") == std::string::npos);
    CHECK(b.find("value=\"Tiêu đề &lt;script&gt;alert(1)&lt;/script&gt;\"") != std::string::npos);
    CHECK(b.find("<script>alert(1)") == std::string::npos);
    CHECK(b.find("value=\"binh@example.org\"") != std::string::npos);
    // In English, the same errors in English.
    r = a.post(fields, "/don-vi/th-van-yen", "?lang=en");
    CHECK(portal_fixture::body(r).find("id=\"ask-name-error\">Asker name") != std::string::npos);
    // A bad email, next to its field.
    fields = good(token);
    with(fields, "email", "khong-phai-email");
    r = a.post(fields);
    CHECK(r.code == http::status::bad_request);
    CHECK(portal_fixture::body(r).find("aria-describedby=\"ask-email-error\"") != std::string::npos);
    // The honeypot filled: refused whatever else is right.
    fields = good(token);
    with(fields, "website", "http://spam.example");
    r = a.post(fields);
    CHECK(r.code == http::status::bad_request);
    CHECK(portal_fixture::body(r).find("ô cần để trống") != std::string::npos);
    // A forged token, a token of another unit's form, another site's, none: 403.
    fields = good(token);
    with(fields, "form_token", token.substr(0, token.size() - 1) + (token.back() == '0' ? "1" : "0"));
    CHECK(a.post(fields).code == http::status::forbidden);
    with(fields, "form_token", a.fresh_token("/don-vi/thcs-van-yen"));
    a.t += std::chrono::seconds(10);
    CHECK(a.post(fields).code == http::status::forbidden);
    trust::form_signer another_site;
    with(fields, "form_token", another_site.issue("ask:th-van-yen", a.t - std::chrono::seconds(60)));
    CHECK(a.post(fields).code == http::status::forbidden);
    with(fields, "form_token", "");
    CHECK(a.post(fields).code == http::status::forbidden);
    // Too old.
    a.t += std::chrono::hours(5);
    CHECK(a.post(good(token)).code == http::status::bad_request);
    // Not a form.
    CHECK(a.f->send(http::verb::post, "/don-vi/th-van-yen/pbgdpl/hoi-dap/gui-cau-hoi", "{}",
                    {{"Content-Type", "application/json"}}).code == http::status::unsupported_media_type);
    CHECK(a.questions() == before);
  }

  TEST_CASE("a posted question is followed by its private link until its answer is published, then listed and found") {
    ask_fixture a;
    auto token = a.fresh_token();
    a.t += std::chrono::seconds(5);
    auto fields = good(token);
    with(fields, "title", "Đồng phục học sinh bắt buộc");
    auto r = a.post(fields);
    REQUIRE_MESSAGE(r.code == http::status::ok, portal_fixture::body(r));
    CHECK(header(r, "Cache-Control") == "no-store");
    CHECK(header(r, "Referrer-Policy") == "no-referrer");
    std::smatch m;
    auto b = portal_fixture::body(r);
    REQUIRE(std::regex_search(b, m, std::regex("href=\"(http://[^\"/]+)(/don-vi/th-van-yen/pbgdpl/hoi-dap/theo-doi/([0-9a-f]{64}))\"")));
    const std::string follow = m[2], secret = m[3];
    // Stored: its contact details, asked, under the unit, with the hash of the token, not the token.
    store::list_query q;
    q.where.unit = "th-van-yen";
    q.where.state = "asked";
    auto list = a.f->db.list<question>(q);
    REQUIRE(list);
    std::optional<question> stored;
    for (auto& x : list->items)
      if (x.title == "Đồng phục học sinh bắt buộc") stored = x;
    REQUIRE(stored);
    CHECK(stored->asker_email == "binh@example.org");
    REQUIRE(stored->follow_hash);
    CHECK(*stored->follow_hash == trust::token_hash(secret));
    CHECK(to_json_value(*stored).dump().find(secret) == std::string::npos);
    // The follow page: awaiting an answer; private, unindexed, no referrer.
    r = a.f->get(follow);
    REQUIRE(r.code == http::status::ok);
    CHECK(header(r, "Cache-Control") == "no-store");
    CHECK(header(r, "Referrer-Policy") == "no-referrer");
    CHECK(header(r, "X-Robots-Tag").find("noindex") != std::string::npos);
    CHECK(portal_fixture::body(r).find("Chờ trả lời") != std::string::npos);
    CHECK(portal_fixture::body(r).find("binh@example.org") == std::string::npos);
    CHECK(portal_fixture::body(a.f->get(follow + "?lang=en")).find("Awaiting an answer") != std::string::npos);
    // Another token, a malformed one, the right one under another unit: 404.
    auto other = follow;
    other.back() = other.back() == 'a' ? 'b' : 'a';
    CHECK(a.f->get(other).code == http::status::not_found);
    CHECK(a.f->get("/don-vi/th-van-yen/pbgdpl/hoi-dap/theo-doi/xyz").code == http::status::not_found);
    CHECK(a.f->get("/don-vi/thcs-van-yen/pbgdpl/hoi-dap/theo-doi/" + secret).code == http::status::not_found);
    // Not listed yet.
    CHECK(portal_fixture::body(a.f->get("/don-vi/th-van-yen/pbgdpl/hoi-dap-phap-luat/")).find("Đồng phục học sinh bắt buộc") ==
          std::string::npos);
    // The workflow: the school's editor accepts and answers, its head publishes.
    const auto tree = a.f->units->get()->tree;
    auto account_of = [&](const char* id) { return a.f->db.get<account>(id).value(); };
    REQUIRE(publish::accept_question(a.f->db, tree, account_of("acc-school-editor"), stored->id.value, a.t));
    CHECK(portal_fixture::body(a.f->get(follow)).find("Đã tiếp nhận") != std::string::npos);
    auto answered = publish::answer_question(a.f->db, tree, account_of("acc-school-editor"), stored->id.value,
                                             "Phụ huynh **được tự chọn** nơi mua.", a.t);
    REQUIRE_MESSAGE(answered, (answered ? "" : answered.err().describe()));
    b = portal_fixture::body(a.f->get(follow));
    CHECK(b.find("<strong>được tự chọn</strong>") != std::string::npos);
    REQUIRE(publish::publish_question(a.f->db, tree, account_of("acc-school-approver"), stored->id.value, a.t));
    CHECK(stored->follow_hash == a.f->db.get<question>(stored->id.value)->follow_hash);
    b = portal_fixture::body(a.f->get(follow));
    CHECK(b.find("Đã công bố") != std::string::npos);
    CHECK(b.find("/don-vi/th-van-yen/pbgdpl/hoi-dap/" + stored->id.value) != std::string::npos);
    CHECK(portal_fixture::body(a.f->get("/don-vi/th-van-yen/pbgdpl/hoi-dap-phap-luat/")).find("Đồng phục học sinh bắt buộc") !=
          std::string::npos);
    auto found = portal_fixture::body(a.f->get("/don-vi/th-van-yen/tim-kiem?q=" + http::percent_encode("đồng phục")));
    CHECK(found.find("/don-vi/th-van-yen/pbgdpl/hoi-dap/" + stored->id.value) != std::string::npos);
    // The public page shows no contact detail.
    auto page = portal_fixture::body(a.f->get("/don-vi/th-van-yen/pbgdpl/hoi-dap/" + stored->id.value));
    CHECK(page.find("binh@example.org") == std::string::npos);
    CHECK(page.find("được tự chọn") != std::string::npos);
  }

  TEST_CASE("two nodes of one site that share the form secret accept each other's forms, others refuse them") {
    portal::options shared;
    shared.form_secret = std::array<std::uint8_t, 32>{1, 2, 3};
    ask_fixture a(shared), b(shared), c;
    auto token = a.fresh_token();
    b.t += std::chrono::seconds(5);
    c.t += std::chrono::seconds(5);
    CHECK(c.post(good(token)).code == http::status::forbidden);
    CHECK(b.post(good(token)).code == http::status::ok);
  }

  TEST_CASE("the API neither takes a follow hash from a client nor returns one") {
    ask_fixture a;
    auto token = a.fresh_token();
    a.t += std::chrono::seconds(5);
    REQUIRE(a.post(good(token)).code == http::status::ok);
    store::list_query q;
    q.where.unit = "th-van-yen";
    q.where.state = "asked";
    auto list = a.f->db.list<question>(q);
    REQUIRE(list);
    REQUIRE_FALSE(list->items.empty());
    auto stored = list->items.front();
    REQUIRE(stored.follow_hash);
    // Published through the store, the public API answer has none.
    stored.state = question_state::answered;
    stored.answer_markdown = "Trả lời.";
    stored.answered_at = a.t;
    stored.answered_by = account_id{"acc-school-editor"};
    stored = a.f->db.update(stored, "test").value();
    stored.state = question_state::published;
    stored = a.f->db.update(stored, "test").value();
    auto r = a.f->get("/api/v1/questions/" + stored.id.value);
    REQUIRE(r.code == http::status::ok);
    CHECK(portal_fixture::body(r).find("follow_hash") == std::string::npos);
    r = a.f->get("/api/v1/questions?unit=th-van-yen");
    CHECK(portal_fixture::body(r).find(*stored.follow_hash) == std::string::npos);
  }
}
