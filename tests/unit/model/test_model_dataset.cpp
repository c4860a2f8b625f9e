#include "fixtures.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace pbgdpl;

namespace {
// The seed directory as one dataset object, keyed by file stem.
json load_seed() {
  json all = json::object();
  for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(PBGDPL_SOURCE_DIR) / "data" / "seed")) {
    if (e.path().extension() != ".json") continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    auto j = json_io::parse(ss.str());
    REQUIRE_MESSAGE(j, e.path().string());
    all[e.path().stem().string()] = *j;
  }
  return all;
}

std::string describe_all(const error& e) {
  std::string s = e.describe();
  for (const auto& d : e.details) s += "\n  " + d.describe();
  return s;
}

template <class T>
const T* by_id(const std::vector<T>& xs, std::string_view id) {
  for (const auto& x : xs)
    if (x.id.value == id) return &x;
  return nullptr;
}
}  // namespace

TEST_SUITE("model/dataset") {
  TEST_CASE("the seed data loads with zero errors") {
    auto j = load_seed();
    CHECK(j.size() == std::size(dataset_keys));
    auto r = dataset_from_json(j);
    REQUIRE_MESSAGE(r, (r ? std::string() : describe_all(r.err())));
    const auto& d = *r;
    CHECK(d.units.size() >= 8);
    // Each level had a school under the division until 30 June 2025 and has one under a ward's
    // office of culture and society since (the reform of 1 July 2025).
    for (auto level : {school_level::mn, school_level::th, school_level::thcs}) {
      bool before = false, after = false;
      for (const auto& u : d.units) {
        if (u.level != level) continue;
        before = before || unit_state_on(u, date{std::chrono::year{2024}, std::chrono::September, std::chrono::day{5}}).parent ==
                               unit_id{"pgddt-ha-dong"};
        after = after || unit_state_on(u, date{std::chrono::year{2025}, std::chrono::September, std::chrono::day{5}}).parent ==
                             unit_id{"vhxh-phuong-ha-dong"};
      }
      CHECK_MESSAGE(before, to_string(level));
      CHECK_MESSAGE(after, to_string(level));
    }
    // One account per role.
    for (const auto& [r_, name] : enum_names<role>::values) {
      bool found = false;
      for (const auto& a : d.accounts) found = found || has_role(a, r_);
      const auto& name_seen = name;  // clang < 16 cannot capture a structured binding in INFO's lambda
      CHECK_MESSAGE(found, name_seen);
    }
    CHECK(d.articles.size() >= 6);
    CHECK(d.questions.size() >= 2);
  }

  TEST_CASE("the seed holds plan 19/KH-PGDĐT with its date line, signer and sources") {
    auto r = dataset_from_json(load_seed());
    REQUIRE(r);
    auto plan = by_id(r->legal_documents, "kh-19-pgddt-2023");
    REQUIRE(plan);
    CHECK(plan->number == "19/KH-PGDĐT");
    CHECK(date_line(*plan) == "Hà Đông, ngày 22 tháng 3 năm 2023");
    CHECK(format_signer(plan->signed_by) == "KT. TRƯỞNG PHÒNG\nPHÓ TRƯỞNG PHÒNG");
    CHECK(plan->title ==
          "Tăng cường ứng dụng công nghệ thông tin trong công tác phổ biến, giáo dục pháp luật giai đoạn 2023-2027 "
          "ngành Giáo dục và Đào tạo quận Hà Đông");
    CHECK(plan->body_markdown.find("## III. NHIỆM VỤ VÀ GIẢI PHÁP") != std::string::npos);
    CHECK(plan->body_markdown.find("Cầu thang pháp luật") != std::string::npos);
    std::vector<std::string> cited;
    for (const auto& rel : plan->relations)
      if (rel.kind == relation_kind::based_on && rel.target) cited.push_back(rel.target->value);
    CHECK(std::find(cited.begin(), cited.end(), "kh-83-ubnd-ha-dong-2023") != cited.end());
    CHECK(std::find(cited.begin(), cited.end(), "kh-335-ubnd-ha-noi-2022") != cited.end());
    REQUIRE(r->banners.size() == 1);
    CHECK(r->banners[0].required_text == city_portal_banner_text);
  }

  TEST_CASE("each seed article's category is the section name of its kind") {
    auto r = dataset_from_json(load_seed());
    REQUIRE(r);
    for (const auto& a : r->articles) CHECK_MESSAGE(a.category == article_kind_label_vi(a.kind), a.id.value);
  }

  TEST_CASE("the seed's report rounds run in calendar order") {
    auto r = dataset_from_json(load_seed());
    REQUIRE(r);
    auto ps = r->report_periods;
    std::sort(ps.begin(), ps.end(), calendar_before);
    std::vector<std::string> labels;
    for (const auto& p : ps) labels.push_back(report_period_label_vi(p));
    CHECK(labels == std::vector<std::string>{"Đợt 2 năm 2023 (trước ngày 15 tháng 12 năm 2023)",
                                             "Đợt 1 năm 2024 (sau tổng kết năm học 2023-2024)",
                                             "Đợt 1 năm 2026 (sau tổng kết năm học 2025-2026)",
                                             "Đợt 2 năm 2026 (trước ngày 15 tháng 12 năm 2026)"});
    for (const auto& p : ps) CHECK_MESSAGE(p.due_on == default_due_on(p.calendar_year, p.round), p.id.value);
  }

  TEST_CASE("plan 19's demo text is the plan as issued, its record an administrative document (issue 13)") {
    auto r = dataset_from_json(load_seed());
    REQUIRE(r);
    auto plan = by_id(r->legal_documents, "kh-19-pgddt-2023");
    REQUIRE(plan);
    const auto& b = plan->body_markdown;
    auto count = [&](std::string_view s) {
      std::size_t n = 0;
      for (auto at = b.find(s); at != std::string::npos; at = b.find(s, at + 1)) ++n;
      return n;
    };
    // The five transcription defects (data/seed/NOTES.md) are gone; the words around them stay.
    CHECK(count("các trường MN, TH, THCS; Cung cấp thông tin") == 1);
    CHECK(count("MN,\n\nTHCS") == 0);
    CHECK(count("Tổ chức thực hiện các nhiệm vụ được phân công theo Kế hoạch này.") == 1);
    CHECK(count("phổ biến, giáo dục pháp luật) để tổng hợp báo cáo Sở GDĐT Hà Nội và UBND quận Hà Đông.") == 1);
    CHECK(count("2022-2027”") == 0);
    CHECK(count("giai đoạn 2022-2027 trên địa bàn Thành phố") == 1);
    CHECK(count("phổ biến, pháp luật") == 0);
    CHECK(count("Cổng thông tin điện tử phổ biến, giáo dục pháp luật dùng chung toàn quốc") == 1);
    // Its bases, in the order the plan cites them, the Party documents included.
    std::vector<std::string> numbers;
    for (const auto& rel : plan->relations)
      if (rel.kind == relation_kind::based_on) numbers.push_back(rel.number);
    CHECK(numbers == std::vector<std::string>{"14/2012/QH13", "80-KL/TW", "32-CT/TW", "1521/QĐ-TTg", "02-KH/TU",
                                              "977/QĐ-TTg", "335/KH-UBND", "83/KH-UBND"});
    CHECK(family_of(*plan) == document_family::administrative);
    CHECK_FALSE(plan->status);
    CHECK_FALSE(plan->expires_on);
    CHECK(plan->period_from == 2023);
    CHECK(plan->period_to == 2027);
    CHECK(format_signature_block(plan->signed_by) == "KT. TRƯỞNG PHÒNG\nPHÓ TRƯỞNG PHÒNG\nNguyễn Thị Thu Hương");
    // Of the six documents only the law is normative.
    for (const auto& d : r->legal_documents) {
      CAPTURE(d.number);
      CHECK(is_normative(d) == (d.number == "14/2012/QH13"));
      CHECK(d.status.has_value() == is_normative(d));
    }
  }

  TEST_CASE("a dataset survives a JSON round trip") {
    auto r = dataset_from_json(load_seed());
    REQUIRE(r);
    auto j = dataset_to_json(*r);
    auto again = dataset_from_json(j);
    REQUIRE(again);
    CHECK(*again == *r);
    CHECK(dataset_to_json(*again).dump() == j.dump());
  }

  TEST_CASE("dangling references are reported at their paths") {
    auto j = load_seed();
    j["articles"][0]["author"] = "acc-nobody";
    j["units"][1]["parent"] = "no-such-unit";
    j["playlists"][0]["items"][0]["approval"] = "ap-missing";
    j["displays"][0]["operator_account"] = "acc-nobody";
    auto r = dataset_from_json(j);
    REQUIRE_FALSE(r);
    std::vector<std::string> paths;
    for (const auto& e : r.err().details) paths.push_back(e.path);
    CHECK(paths == std::vector<std::string>{"/units/1/parent", "/articles/0/author", "/displays/0/operator_account",
                                            "/playlists/0/items/0/approval"});
    for (const auto& e : r.err().details) CHECK(e.code == errc::not_found);
  }

  TEST_CASE("duplicate ids and a unit cycle are refused") {
    auto j = load_seed();
    j["accounts"].push_back(j["accounts"][0]);
    j["units"][0]["parent"] = "ubnd-ha-dong";  // the city under its own district
    auto r = dataset_from_json(j);
    REQUIRE_FALSE(r);
    bool dup = false, cycle = false;
    for (const auto& e : r.err().details) {
      dup = dup || (e.code == errc::already_exists && e.path.rfind("/accounts/", 0) == 0);
      cycle = cycle || (e.path == "/units/0/parent" && e.code == errc::invalid_argument);
    }
    CHECK(dup);
    CHECK(cycle);
  }

  TEST_CASE("an unapproved item in a legal zone is refused, a notice zone needs no approval") {
    auto j = load_seed();
    j["playlists"][0]["items"][1].erase("approval");
    auto r = dataset_from_json(j);
    REQUIRE_FALSE(r);
    CHECK(r.err().path == "/playlists/0/items/1/approval");
  }

  TEST_CASE("a submission's values are checked against its template") {
    auto j = load_seed();
    j["report_submissions"][0]["values"][0] = {{"code", "has_pbgdpl_section"}, {"number", 1}};
    auto r = dataset_from_json(j);
    REQUIRE_FALSE(r);
    CHECK(r.err().path == "/report_submissions/0/values/0/flag");
  }

  TEST_CASE("decoding errors in several files are all reported, and unknown kinds refused") {
    auto j = load_seed();
    j["units"][2]["kind"] = "ministry";
    j["legal_documents"][0]["number"] = "19-KH";
    j["artcles"] = json::array();
    auto r = dataset_from_json(j);
    REQUIRE_FALSE(r);
    std::vector<std::string> paths;
    for (const auto& e : r.err().details) paths.push_back(e.path);
    CHECK(paths == std::vector<std::string>{"/artcles", "/units/2/kind", "/legal_documents/0/number"});
  }

  TEST_CASE("a dataset that is not an object, or a kind that is not an array, is refused") {
    CHECK(dataset_from_json(json::array()).err().code == errc::wrong_type);
    auto r = dataset_from_json(json{{"units", "none"}});
    REQUIRE_FALSE(r);
    CHECK(r.err().path == "/units");
    CHECK(dataset_from_json(json::object()));
  }
}
