// Issue 10, defect: on /pbgdpl/ and category pages an article owned by the division showed the
// name of a school as its author unit (the template looked the missing name up in the item that
// enclosed the list: the first article, a school's). Every listed item must name its own unit.
#include "portal_fixture.hpp"

#include <map>
#include <string>
#include <vector>

using namespace pbgdpl;
using pbgdpl_test::portal_fixture;

namespace {

// Each listed item of a page: its link and the unit name its meta line shows ("" for none).
struct listed {
  std::string href;
  std::string unit_name;
};

// Reads the article lists the built-in theme writes: <h3><a href="…">…</a></h3> (<h2> on a
// category page, under its h1) then <p class="meta"><time …>…</time> · NAME</p>.
std::vector<listed> list_items(const std::string& html) {
  std::vector<listed> out;
  std::size_t pos = 0;
  auto next = [&](std::size_t from) { return std::min(html.find("<h3><a href=\"", from), html.find("<h2><a href=\"", from)); };
  while ((pos = next(pos)) != std::string::npos) {
    pos += 13;
    auto end = html.find('"', pos);
    listed item{html.substr(pos, end - pos), {}};
    auto meta = html.find("<p class=\"meta\">", end);
    auto meta_end = html.find("</p>", meta);
    auto line = html.substr(meta, meta_end - meta);
    if (auto dot = line.find("</time> · "); dot != std::string::npos) item.unit_name = line.substr(dot + 11);
    out.push_back(item);
    pos = meta_end;
  }
  return out;
}

std::string id_from(const std::string& href, const std::string& kind) {
  auto p = href.find("/pbgdpl/" + kind + "/");
  if (p == std::string::npos) return {};
  auto id = href.substr(p + 9 + kind.size());
  if (auto q = id.find('?'); q != std::string::npos) id.resize(q);
  return id;
}

}  // namespace

TEST_CASE("portal: every listed article names its own unit, never another's (home and category pages)") {
  portal_fixture f;
  std::map<std::string, std::string> unit_name;
  for (const auto& u : f.seed.units) unit_name[u.id.value] = u.name;
  std::map<std::string, std::string> owner;  // article or question id -> unit id
  for (const auto& a : f.seed.articles) owner[a.id.value] = a.unit.value;
  for (const auto& q : f.seed.questions) owner[q.id.value] = q.unit.value;

  struct section {
    std::string prefix, unit;
  };
  std::vector<section> sections{{"", f.division().id.value}, {"/don-vi/th-van-yen", "th-van-yen"}};
  std::size_t checked = 0, own_unit_items = 0;
  for (const auto& s : sections) {
    std::vector<std::string> pages{s.prefix + "/pbgdpl/"};
    for (const char* c : {"tin-hoat-dong", "van-ban-moi", "hoi-dap-phap-luat", "doi-thoai-chinh-sach", "bai-viet-chuyen-sau", "an-pham"})
      pages.push_back(s.prefix + "/pbgdpl/" + c + "/");
    for (const auto& page : pages) {
      auto r = f.get(page);
      REQUIRE_MESSAGE(r.code == http::status::ok, page);
      for (const auto& item : list_items(portal_fixture::body(r))) {
        auto id = id_from(item.href, "bai-viet");
        if (id.empty()) id = id_from(item.href, "hoi-dap");
        REQUIRE_MESSAGE(owner.count(id), item.href);
        const auto& unit = owner[id];
        CAPTURE(page);
        CAPTURE(item.href);
        // The section's own items name no unit; every other item names its owner, exactly.
        if (unit == s.unit) {
          CHECK(item.unit_name.empty());
          ++own_unit_items;
        } else {
          CHECK(item.unit_name == unit_name[unit]);
        }
        ++checked;
      }
    }
  }
  CHECK(checked >= 10);
  CHECK(own_unit_items >= 3);

  // The case that was wrong: the division's activity news is listed after a school's.
  auto news = list_items(portal_fixture::body(f.get("/pbgdpl/tin-hoat-dong/")));
  REQUIRE(news.size() >= 2);
  CHECK(id_from(news[0].href, "bai-viet") == "th-van-yen-ngay-phap-luat-2023");
  CHECK(news[0].unit_name == "Trường Tiểu học Văn Yên");
  CHECK(id_from(news[1].href, "bai-viet") == "pgddt-trien-khai-kh19");
  CHECK(news[1].unit_name.empty());
}
