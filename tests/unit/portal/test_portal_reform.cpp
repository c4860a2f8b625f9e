// The portal on today's hierarchy (the seed as of today): the Hà Đông division ended on 30 June
// 2025 and its schools are under the wards' offices of culture and society since 1 July 2025.
// The division's pages stay as an archive, its content is listed by its successors and marked as
// coming from a unit that ended, and rights follow the hierarchy of the day of the action.
#include "portal_fixture.hpp"

#include <pbgdpl/portal/auth.hpp>
#include <pbgdpl/trust/tokens.hpp>

using namespace pbgdpl;
using pbgdpl_test::portal_fixture;

namespace {

// The seed's portal on the real clock, its section the Hà Đông ward's office.
struct today_portal {
  portal::api_key_registry keys;
  std::unique_ptr<portal_fixture> f;
  std::map<std::string, std::string> key_of;
  today_portal() {
    portal::options o;
    o.now = [] { return pbgdpl::now(); };
    o.default_unit = "vhxh-phuong-ha-dong";
    o.authenticate = [this](std::string_view bearer) { return portal::key_authenticator(keys, f->db)(bearer); };
    o.authorize = [this](const http::principal& p, std::string_view action, const std::string& unit) {
      return portal::account_authorizer(f->db, f->units)(p, action, unit);
    };
    f = std::make_unique<portal_fixture>(std::move(o));
    for (const auto& a : f->seed.accounts) {
      auto t = trust::issue_token(trust::token_kind::api_key, a.id.value, now(), std::chrono::hours(1));
      keys.add(t.record);
      key_of[a.id.value] = t.token;
    }
  }
  std::string page(const std::string& target) {
    auto r = f->get(target);
    REQUIRE_MESSAGE(r.code == http::status::ok, target);
    return portal_fixture::body(r);
  }
  http::response post_article(const std::string& id, const std::string& unit, const std::string& account) {
    json body{{"id", id},     {"kind", "activity_news"}, {"title", "Bài " + id}, {"body_markdown", "Nội dung."},
              {"unit", unit}, {"state", "draft"},        {"schema_version", 1},  {"version", 0}};
    return f->send(http::verb::post, "/api/v1/articles", body.dump(),
                   {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + key_of.at(account)}});
  }
};

bool has(const std::string& page, std::string_view s) { return page.find(s) != std::string::npos; }

}  // namespace

TEST_CASE("portal today: the ended division's section is an archive that names its successors") {
  today_portal p;
  auto archive = p.page("/don-vi/pgddt-ha-dong/pbgdpl/");
  CHECK(has(archive, "class=\"ended\""));
  CHECK(has(archive, "Đơn vị đã kết thúc hoạt động ngày 30 tháng 6 năm 2025"));
  CHECK(has(archive, "Đơn vị tiếp nhận"));
  CHECK(has(archive, "href=\"/don-vi/vhxh-phuong-ha-dong/pbgdpl/\""));
  // Its own content stays published there.
  CHECK(has(archive, "pgddt-trien-khai-kh19"));
  CHECK(p.f->get("/don-vi/pgddt-ha-dong/pbgdpl/bai-viet/pgddt-trien-khai-kh19").code == http::status::ok);
  // In English too.
  CHECK(has(p.page("/don-vi/pgddt-ha-dong/pbgdpl/?lang=en"), "This unit ended on 2025-06-30"));
}

TEST_CASE("portal today: the ward's office lists its schools and the division's content, marked as from an ended unit") {
  today_portal p;
  auto home = p.page("/pbgdpl/");
  // Two levels: the city, then the ward and its office.
  CHECK(has(home, "Thành phố Hà Nội"));
  CHECK(has(home, "href=\"/don-vi/ubnd-phuong-ha-dong/pbgdpl/\""));
  CHECK(has(home, "Tiếp nhận nhiệm vụ từ"));
  CHECK(has(home, "Đơn vị trực thuộc"));
  CHECK(has(home, "href=\"/don-vi/th-van-yen/pbgdpl/\""));
  CHECK_FALSE(has(home, "class=\"ended\""));
  auto news = p.page("/pbgdpl/tin-hoat-dong/");
  CHECK(has(news, "pgddt-trien-khai-kh19"));
  CHECK(has(news, "đơn vị đã kết thúc hoạt động"));
  CHECK(has(news, "th-van-yen-ngay-phap-luat-2023"));
  CHECK(p.f->get("/pbgdpl/bai-viet/pgddt-trien-khai-kh19").code == http::status::ok);
  // The school that went to another ward is not listed here.
  CHECK_FALSE(has(home, "/don-vi/thcs-le-quy-don/pbgdpl/"));
  CHECK(has(p.page("/don-vi/vhxh-phuong-duong-noi/pbgdpl/"), "href=\"/don-vi/thcs-le-quy-don/pbgdpl/\""));
}

TEST_CASE("portal today: a moved school keeps its pages and still shows the division's plan") {
  today_portal p;
  CHECK(has(p.page("/don-vi/th-van-yen/pbgdpl/"), "th-van-yen-ngay-phap-luat-2023"));
  CHECK(p.f->get("/don-vi/th-van-yen/pbgdpl/bai-viet/th-van-yen-ngay-phap-luat-2023").code == http::status::ok);
  CHECK(p.f->get("/don-vi/th-van-yen/pbgdpl/van-ban/kh-19-pgddt-2023").code == http::status::ok);
  CHECK(p.f->get("/don-vi/thcs-le-quy-don/pbgdpl/van-ban/kh-19-pgddt-2023").code == http::status::ok);
  // The school's place today: under the ward's office, not the division.
  auto school = p.page("/don-vi/th-van-yen/pbgdpl/");
  CHECK(has(school, "Phòng Văn hóa - Xã hội phường Hà Đông"));
}

TEST_CASE("portal today: rights follow today's hierarchy, the ended division's archive is the office's") {
  today_portal p;
  // A school's approver has no say over the ended division's archive (the office that took its
  // duties over does: see the test of F1 below).
  auto by_school = p.post_article("bai-cua-truong", "pgddt-ha-dong", "acc-school-approver");
  CHECK(by_school.code == http::status::forbidden);
  CHECK_FALSE(p.f->db.get<article>("bai-cua-truong"));
  auto at_office = p.post_article("bai-tai-phong-vhxh", "vhxh-phuong-ha-dong", "acc-division-approver");
  CHECK_MESSAGE(at_office.code == http::status::created, portal_fixture::body(at_office));
  // Under the Dương Nội ward's office the Hà Đông office's approver has no rights.
  auto elsewhere = p.post_article("bai-o-duong-noi", "thcs-le-quy-don", "acc-division-approver");
  CHECK(elsewhere.code == http::status::forbidden);
}

TEST_CASE("portal today: a change to the ended division's content drops its successors' cached pages") {
  today_portal p;
  // Warm the pages that list the division's content: its successor's (the section) and the
  // ward's above it (articles go up), a school's under the successor (documents go down).
  const std::string office_news = "/pbgdpl/tin-hoat-dong/", ward = "/don-vi/ubnd-phuong-ha-dong/pbgdpl/",
                    school_docs = "/don-vi/th-van-yen/pbgdpl/van-ban-moi/";
  for (const auto& t : {office_news, ward, school_docs}) {
    p.page(t);
    p.page(t);
  }
  auto a = p.f->db.get<article>("pgddt-trien-khai-kh19").value();
  a.title = "Triển khai kế hoạch zqsuccessor";
  REQUIRE(publish::render_html(a));
  REQUIRE(p.f->db.update(a, "test"));
  auto d = p.f->db.get<legal_document>("kh-19-pgddt-2023").value();
  d.title += " zqplanheir";
  REQUIRE(p.f->db.update(d, "test"));
  CHECK(has(p.page(office_news), "zqsuccessor"));
  CHECK(has(p.page(ward), "zqsuccessor"));
  CHECK(has(p.page(school_docs), "zqplanheir"));
}

TEST_CASE("portal today: plan 19's page explains its status: an administrative plan whose issuer ended") {
  today_portal p;
  auto plan = p.page("/pbgdpl/van-ban/kh-19-pgddt-2023");
  CHECK(has(plan, "Cơ quan ban hành, Phòng Giáo dục và Đào tạo quận Hà Đông, đã kết thúc hoạt động ngày 30 tháng 6 năm 2025"));
  CHECK(has(plan, "thời gian thực hiện: 2023"));
  CHECK(has(plan, "Phòng Văn hóa - Xã hội phường Hà Đông"));
  CHECK_FALSE(has(plan, "Còn hiệu lực"));  // an administrative document has no validity status
  CHECK(has(p.page("/pbgdpl/van-ban/kh-19-pgddt-2023?lang=en"), "The issuing unit, "));
  // The law, issued by no unit of ours, has no such note.
  CHECK_FALSE(has(p.page("/pbgdpl/van-ban/luat-pbgdpl-2012"), "class=\"ended\""));
}

TEST_CASE("portal today: nothing new is filed under the ended division, whoever asks (red team F1)") {
  today_portal p;
  // The office's approver answers for the division's archive, but a new article there is refused
  // (it would show on all five wards' pages as the division's).
  auto created = p.post_article("bai-moi-cua-phong-cu", "pgddt-ha-dong", "acc-division-approver");
  CHECK(created.code == http::status::bad_request);
  CHECK(has(portal_fixture::body(created), "đã kết thúc hoạt động"));
  CHECK_FALSE(p.f->db.get<article>("bai-moi-cua-phong-cu"));
  // Correcting an existing record of the archive is allowed.
  auto a = to_json_value(p.f->db.get<article>("pgddt-trien-khai-kh19").value());
  a["title"] = "Phòng GDĐT quận Hà Đông triển khai Kế hoạch 19 (đính chính)";
  auto fixed = p.f->send(http::verb::put, "/api/v1/articles/pgddt-trien-khai-kh19", a.dump(),
                         {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + p.key_of.at("acc-division-approver")}});
  CHECK_MESSAGE(fixed.code == http::status::ok, portal_fixture::body(fixed));
  // Moving one of the office's own records into the ended division is refused too.
  REQUIRE(p.post_article("bai-cua-phong-vhxh", "vhxh-phuong-ha-dong", "acc-division-approver").code == http::status::created);
  auto mine = to_json_value(p.f->db.get<article>("bai-cua-phong-vhxh").value());
  mine["unit"] = "pgddt-ha-dong";
  auto moved = p.f->send(http::verb::put, "/api/v1/articles/bai-cua-phong-vhxh", mine.dump(),
                         {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + p.key_of.at("acc-division-approver")}});
  CHECK(moved.code == http::status::bad_request);
  CHECK(p.f->db.get<article>("bai-cua-phong-vhxh")->unit.value == "vhxh-phuong-ha-dong");
}

TEST_CASE("portal: at midnight of 1 July 2025 no page rendered on the old hierarchy is served (red team F2)") {
  auto at = std::make_shared<std::atomic<std::int64_t>>(
      std::chrono::duration_cast<std::chrono::seconds>(parse_timestamp("2025-06-30T23:59:00+07:00").value().time_since_epoch()).count());
  portal::options o;
  o.now = [at] { return timestamp(std::chrono::seconds(at->load())); };
  portal_fixture f(o);
  const std::string school = "/don-vi/th-van-yen/pbgdpl/";
  auto before = portal_fixture::body(f.get(school));
  REQUIRE(f.get(school).code == http::status::ok);  // now cached
  CHECK(has(before, "Phòng Giáo dục và Đào tạo quận Hà Đông"));
  CHECK_FALSE(has(before, "Phòng Văn hóa - Xã hội phường Hà Đông"));
  at->fetch_add(120);  // 00:01 on 1 July 2025
  auto after = portal_fixture::body(f.get(school));
  CHECK(has(after, "Phòng Văn hóa - Xã hội phường Hà Đông"));
}
