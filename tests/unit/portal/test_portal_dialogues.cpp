// Issue 14 item 7, policy-law dialogue sessions: the editor's screens (/quan-tri/doi-thoai), the
// session's public page with the question form, and the questions the form links to the session.
#include "portal_fixture.hpp"

#include <pbgdpl/portal/accounts.hpp>
#include <pbgdpl/portal/editor.hpp>
#include <pbgdpl/publish/questions.hpp>

#include <regex>

using namespace pbgdpl;
using pbgdpl_test::portal_fixture;

namespace {

// The portal and the editor over one store, on a clock the test moves (the form's token must
// age a few seconds), with the school's editor and approver signed in.
struct dialogue_fixture {
  timestamp t = parse_timestamp(pbgdpl_test::before_reform).value();
  std::unique_ptr<portal_fixture> f;
  std::unique_ptr<portal::account_service> acc;
  std::unique_ptr<portal::editor> ed;
  http::handler editor_handler;
  std::string editor_cookie, approver_cookie;

  dialogue_fixture() {
    portal::options o;
    o.now = [this] { return t; };
    o.ask_rate = {100, 100};
    f = std::make_unique<portal_fixture>(o);
    portal::account_limits l;
    l.passwords.opslimit = 1;
    l.passwords.memlimit = 8192 * 1024;  // fast hashes for the test
    acc = std::make_unique<portal::account_service>(f->db, [this] { return t; }, l);
    REQUIRE(acc->set_password(account_id{"acc-school-editor"}, "mat-khau-dai-1", "test"));
    REQUIRE(acc->set_password(account_id{"acc-school-approver"}, "mat-khau-dai-2", "test"));
    editor_cookie = "pbgdpl_phien=" + acc->sign_in("nguyen.thi.lan", "mat-khau-dai-1", "10.0.0.1").value().token;
    approver_cookie = "pbgdpl_phien=" + acc->sign_in("tran.van.hung", "mat-khau-dai-2", "10.0.0.1").value().token;
    portal::options eo;
    eo.now = [this] { return t; };
    ed = std::make_unique<portal::editor>(f->db, *acc, f->units, eo);
    editor_handler = ed->routes()->as_handler();
  }

  http::response editor(http::verb m, const std::string& target, const std::string& cookie, std::string body = {}) {
    http::beast_request r{m, target, 11};
    r.set(http::bhttp::field::host, "127.0.0.1:8080");
    r.set(http::bhttp::field::cookie, cookie);
    if (m == http::verb::post) r.set(http::bhttp::field::content_type, "application/x-www-form-urlencoded");
    r.body() = std::move(body);
    r.prepare_payload();
    http::request req(std::move(r));
    return editor_handler(req);
  }
  static std::string match(const std::string& html, const char* re) {
    std::smatch m;
    REQUIRE_MESSAGE(std::regex_search(html, m, std::regex(re)), re);
    return m[1];
  }
  std::string csrf(const std::string& cookie) {
    return match(portal_fixture::body(editor(http::verb::get, "/doi-thoai/moi", cookie)), "name=\"csrf\" value=\"([^\"]+)\"");
  }
  static std::string encode(const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string body;
    for (const auto& [k, v] : fields) body += (body.empty() ? "" : "&") + k + "=" + http::percent_encode(v);
    return body;
  }
  http::response ask(const std::string& unit_base, const std::string& token, const std::string& dialogue) {
    return f->send(http::verb::post, unit_base + "/pbgdpl/hoi-dap/gui-cau-hoi",
                   encode({{"name", "Trần Thị Bình"},
                           {"title", "Hỏi về tuyển sinh"},
                           {"question", "Con tôi có được học trái tuyến không?"},
                           {"website", ""},
                           {"form_token", token},
                           {"dialogue", dialogue}}),
                   {{"Content-Type", "application/x-www-form-urlencoded"}});
  }
  std::size_t questions() {
    store::list_query q;
    q.limit = 100;
    return f->db.list<question>(q)->items.size();
  }
  std::vector<dialogue_session> sessions_of(const std::string& unit) {
    store::list_query q;
    q.limit = 50;
    q.where.unit = unit;
    q.where.include_descendants = false;
    return f->db.list<dialogue_session>(q)->items;
  }
};

std::vector<std::pair<std::string, std::string>> session_form(const std::string& csrf, const std::string& state) {
  return {{"csrf", csrf},
          {"unit", "th-van-yen"},
          {"title", "Đối thoại về đồng phục học sinh"},
          {"description", "Cha mẹ học sinh gửi câu hỏi trước và trong phiên."},
          {"host", "Hiệu trưởng nhà trường"},
          {"starts_at", "2025-03-10T08:00"},
          {"ends_at", "2025-03-10T10:00"},
          {"url", ""},
          {"state", state},
          {"conclusion_markdown", ""}};
}

std::vector<std::pair<std::string, std::string>> set(std::vector<std::pair<std::string, std::string>> fields, const std::string& key,
                                                     const std::string& value) {
  for (auto& [k, v] : fields)
    if (k == key) v = value;
  return fields;
}

bool has(const std::string& body, std::string_view what) { return body.find(what) != std::string::npos; }

}  // namespace

TEST_SUITE("portal/dialogues") {
  TEST_CASE("the editor plans a session, the public form links a question to it, and closing publishes the transcript") {
    dialogue_fixture d;
    const auto csrf = d.csrf(d.editor_cookie);
    const auto form = session_form(csrf, "open");
    // No topic and a time that is not one: errors next to their fields, what was typed kept.
    auto r = d.editor(http::verb::post, "/doi-thoai/moi", d.editor_cookie,
                      d.encode(set(set(form, "title", ""), "ends_at", "mai lúc 10 giờ")));
    CHECK(r.code == http::status::unprocessable_entity);
    auto b = portal_fixture::body(r);
    CHECK(has(b, "id=\"f-title-error\""));
    CHECK(has(b, "id=\"f-ends_at-error\""));
    CHECK(has(b, "value=\"mai lúc 10 giờ\""));
    CHECK(has(b, "Hiệu trưởng nhà trường"));
    CHECK(d.sessions_of("th-van-yen").empty());
    // Without the CSRF token: refused.
    CHECK(d.editor(http::verb::post, "/doi-thoai/moi", d.editor_cookie, d.encode(set(form, "csrf", "x"))).code == http::status::forbidden);
    // Saved.
    r = d.editor(http::verb::post, "/doi-thoai/moi", d.editor_cookie, d.encode(form));
    REQUIRE(r.code == http::status::see_other);
    auto sessions = d.sessions_of("th-van-yen");
    REQUIRE(sessions.size() == 1);
    const auto id = sessions.front().id.value;
    CHECK(sessions.front().starts_at == parse_timestamp("2025-03-10T08:00:00+07:00").value());
    CHECK(sessions.front().state == dialogue_state::open);

    // The public page: the session and the question form with its id; never cached (the token).
    const std::string page = "/don-vi/th-van-yen/pbgdpl/doi-thoai/" + id;
    r = d.f->get(page);
    REQUIRE(r.code == http::status::ok);
    b = portal_fixture::body(r);
    CHECK(has(b, "Đối thoại về đồng phục học sinh"));
    CHECK(has(b, "Hiệu trưởng nhà trường"));
    CHECK(has(b, "<input type=\"hidden\" name=\"dialogue\" value=\"" + id + "\">"));
    CHECK(std::string(r.get("Cache-Control")) == "no-store");
    // The unit's list of sessions, linked from the policy-dialogue category.
    CHECK(has(portal_fixture::body(d.f->get("/don-vi/th-van-yen/pbgdpl/doi-thoai-chinh-sach/")), "href=\"/don-vi/th-van-yen/pbgdpl/doi-thoai/\""));
    CHECK(has(portal_fixture::body(d.f->get("/don-vi/th-van-yen/pbgdpl/doi-thoai/")), "href=\"" + page + "\""));

    // A question from the form: stored, and its id appended to the session's list by the server.
    const auto token = dialogue_fixture::match(b, "name=\"form_token\" value=\"([^\"]+)\"");
    d.t += std::chrono::seconds(10);
    r = d.ask("/don-vi/th-van-yen", token, id);
    REQUIRE_MESSAGE(r.code == http::status::ok, portal_fixture::body(r));
    auto stored = d.f->db.get<dialogue_session>(id).value();
    REQUIRE(stored.questions.size() == 1);
    auto q = d.f->db.get<question>(stored.questions.front().value).value();
    CHECK(q.title == "Hỏi về tuyển sinh");
    CHECK(q.unit.value == "th-van-yen");
    // The seed's session belongs to another unit: a question sent from here cannot join it.
    auto before = d.questions();
    CHECK(d.ask("/don-vi/th-van-yen", token, "doi-thoai-tuyen-sinh-2023").code == http::status::not_found);
    CHECK(d.questions() == before);

    // The school's editor may not close it (closing publishes): the error sits by the state.
    auto edit = [&](const std::string& cookie, const std::string& state, const std::string& conclusion) {
      auto cur = d.f->db.get<dialogue_session>(id).value();
      auto fields = set(set(session_form(d.csrf(cookie), state), "conclusion_markdown", conclusion), "csrf", d.csrf(cookie));
      fields.emplace_back("version", std::to_string(cur.version));
      fields.emplace_back("questions", "hoi-tuyen-sinh-trai-tuyen");  // ignored: the list is the server's
      return d.editor(http::verb::post, "/doi-thoai/" + id, cookie, d.encode(fields));
    };
    r = edit(d.editor_cookie, "closed", "Đã trả lời các câu hỏi.");
    CHECK(r.code == http::status::unprocessable_entity);
    CHECK(has(portal_fixture::body(r), "id=\"f-state-error\""));
    CHECK(d.f->db.get<dialogue_session>(id)->state == dialogue_state::open);

    // The answer, published; then the approver closes the session with its transcript.
    auto tree = d.f->units->get()->tree;
    auto account_of = [&](const char* who) { return d.f->db.get<account>(who).value(); };
    REQUIRE(publish::answer_question(d.f->db, tree, account_of("acc-school-editor"), q.id.value, "Được, nếu trường còn chỉ tiêu.", d.t));
    REQUIRE(publish::publish_question(d.f->db, tree, account_of("acc-school-approver"), q.id.value, d.t));
    r = edit(d.approver_cookie, "closed", "Nhà trường đã trả lời **mọi** câu hỏi.");
    REQUIRE_MESSAGE(r.code == http::status::see_other, portal_fixture::body(r));
    stored = d.f->db.get<dialogue_session>(id).value();
    CHECK(stored.state == dialogue_state::closed);
    CHECK(stored.questions == std::vector<question_id>{q.id});

    // The closed page: the published answer and the transcript, cacheable; no form.
    r = d.f->get(page);
    REQUIRE(r.code == http::status::ok);
    b = portal_fixture::body(r);
    CHECK(has(b, "Được, nếu trường còn chỉ tiêu."));
    CHECK(has(b, "<strong>mọi</strong>"));
    CHECK_FALSE(has(b, "name=\"form_token\""));
    auto hits = d.f->site->cache().hits();
    d.f->get(page);
    CHECK(d.f->site->cache().hits() == hits + 1);
    // A closed session refuses new questions, whatever the token.
    before = d.questions();
    d.t += std::chrono::seconds(10);
    r = d.ask("/don-vi/th-van-yen", token, id);
    CHECK(r.code == http::status::conflict);
    CHECK(d.questions() == before);
    CHECK(d.f->db.get<dialogue_session>(id)->questions.size() == 1);
  }

  TEST_CASE("a cancelled session takes no questions and a session of another unit cannot be edited") {
    dialogue_fixture d;
    // The seed's session is the division's: the school's editor neither sees nor writes it.
    auto r = d.editor(http::verb::get, "/doi-thoai/doi-thoai-tuyen-sinh-2023", d.editor_cookie);
    CHECK(r.code == http::status::not_found);
    const auto before = d.f->db.get<dialogue_session>("doi-thoai-tuyen-sinh-2023").value();
    auto fields = session_form(d.csrf(d.editor_cookie), "planned");
    fields.emplace_back("version", std::to_string(before.version));
    r = d.editor(http::verb::post, "/doi-thoai/doi-thoai-tuyen-sinh-2023", d.editor_cookie, d.encode(fields));
    CHECK(r.code == http::status::not_found);
    CHECK(d.f->db.get<dialogue_session>("doi-thoai-tuyen-sinh-2023").value() == before);
    // Nor can it make one for another unit.
    r = d.editor(http::verb::post, "/doi-thoai/moi", d.editor_cookie, d.encode(set(session_form(d.csrf(d.editor_cookie), "planned"), "unit", "pgddt-ha-dong")));
    CHECK(r.code == http::status::unprocessable_entity);
    CHECK(has(portal_fixture::body(r), "id=\"f-unit-error\""));
    CHECK(d.sessions_of("pgddt-ha-dong").size() == 1);

    // A cancelled session of the school: its page has no form and a question sent to it is refused.
    REQUIRE(d.editor(http::verb::post, "/doi-thoai/moi", d.editor_cookie, d.encode(session_form(d.csrf(d.editor_cookie), "cancelled"))).code ==
            http::status::see_other);
    const auto id = d.sessions_of("th-van-yen").front().id.value;
    auto page = portal_fixture::body(d.f->get("/don-vi/th-van-yen/pbgdpl/doi-thoai/" + id));
    CHECK(has(page, "Đã hủy"));
    CHECK_FALSE(has(page, "name=\"form_token\""));
    const auto token = dialogue_fixture::match(portal_fixture::body(d.f->get("/don-vi/th-van-yen/pbgdpl/hoi-dap/gui-cau-hoi")),
                                               "name=\"form_token\" value=\"([^\"]+)\"");
    d.t += std::chrono::seconds(10);
    const auto n = d.questions();
    CHECK(d.ask("/don-vi/th-van-yen", token, id).code == http::status::conflict);
    CHECK(d.questions() == n);
    // The seed's closed session, at its own unit: refused the same way.
    CHECK(d.ask("/don-vi/pgddt-ha-dong", token, "doi-thoai-tuyen-sinh-2023").code == http::status::conflict);
    // A page of a session of another unit is not found here.
    CHECK(d.f->get("/don-vi/th-van-yen/pbgdpl/doi-thoai/doi-thoai-tuyen-sinh-2023").code == http::status::not_found);
  }

  TEST_CASE("a dialogue page is dropped from the cache when the session changes") {
    dialogue_fixture d;
    const std::string page = "/don-vi/pgddt-ha-dong/pbgdpl/doi-thoai/doi-thoai-tuyen-sinh-2023";
    auto b = portal_fixture::body(d.f->get(page));
    CHECK(has(b, "Đối thoại chính sách về tuyển sinh đầu cấp năm học 2023-2024"));
    CHECK(has(b, "Đã trả lời 14 câu hỏi"));
    auto hits = d.f->site->cache().hits();
    d.f->get(page);
    CHECK(d.f->site->cache().hits() == hits + 1);  // cached
    auto s = d.f->db.get<dialogue_session>("doi-thoai-tuyen-sinh-2023").value();
    s.conclusion_markdown = "Biên bản đã sửa.";
    REQUIRE(d.f->db.update(s, "test"));
    b = portal_fixture::body(d.f->get(page));
    CHECK(has(b, "Biên bản đã sửa."));
  }
}
