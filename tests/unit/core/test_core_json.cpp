#include <pbgdpl/core/json.hpp>

#include <doctest/doctest.h>

using namespace pbgdpl;

namespace {
struct sample {
  std::string title;
  std::optional<date> issued;
  std::vector<std::string> tags;
  int count = 0;
};
void from_json(const json& j, sample& s) {
  json_io::field(j, "title", s.title, json_io::text_limit::short_text);
  json_io::optional_field(j, "issued", s.issued);
  json_io::optional_field(j, "tags", s.tags);
  json_io::optional_field(j, "count", s.count);
}
void validate(const sample& s, validator& v) {
  v.required_text(s.title, "/title", "Tiêu đề", "Title");
  v.check(s.count >= 0, "/count", errc::out_of_range, "Số lượng không được âm", "Count must not be negative");
}
struct holder {
  std::vector<sample> items;
};
void from_json(const json& j, holder& h) { json_io::field(j, "items", h.items); }
}  // namespace

TEST_SUITE("core/json") {
  TEST_CASE("decoding errors point at the failing field") {
    auto r = from_json_text<holder>(R"({"items":[{"title":"a"},{"title":"b","issued":"2023-02-30"}]})");
    REQUIRE_FALSE(r);
    CHECK(r.err().code == errc::bad_date);
    CHECK(r.err().path == "/items/1/issued");

    auto m = from_json_text<holder>(R"({"items":[{"tags":[]}]})");
    REQUIRE_FALSE(m);
    CHECK(m.err().code == errc::missing_field);
    CHECK(m.err().path == "/items/0/title");

    auto t = from_json_text<holder>(R"({"items":[{"title":"x","tags":["a",3]}]})");
    REQUIRE_FALSE(t);
    CHECK(t.err().code == errc::wrong_type);
    CHECK(t.err().path == "/items/0/tags/1");
  }

  TEST_CASE("validation collects every problem with its path") {
    auto r = from_json_text<sample>(R"({"title":"","count":-1})");
    REQUIRE_FALSE(r);
    CHECK(r.err().code == errc::validation_failed);
    REQUIRE(r.err().details.size() == 2);
    CHECK(r.err().details[0].path == "/title");
    CHECK(r.err().details[1].path == "/count");
    CHECK_FALSE(r.err().message_vi.empty());
  }

  TEST_CASE("malformed, oversized and deeply nested JSON is refused cleanly") {
    CHECK(from_json_text<sample>("{\"title\": ").err().code == errc::parse_error);
    CHECK(from_json_text<sample>("[1,2]").err().code == errc::wrong_type);
    CHECK(from_json_text<sample>(std::string(100000, '[')).err().code == errc::too_large);
    // Found by the fuzzer: a number too large for a double is nlohmann's out_of_range, not parse_error.
    CHECK(from_json_text<sample>(R"({"title":"x","count":666666666666666E66666666666666})").err().code == errc::parse_error);
    std::string huge = R"({"title":")" + std::string(5000, 'a') + "\"}";
    CHECK(from_json_text<sample>(huge).err().code == errc::too_large);
    CHECK(from_json_text<sample>(R"({"title":"x","count":99999999999999})").err().code == errc::out_of_range);
  }

  TEST_CASE("text is stored NFC whatever arrives") {
    json j{{"title", *text::nfd("Kế hoạch")}};
    auto r = from_json_value<sample>(j);
    REQUIRE(r);
    CHECK(r->title == "Kế hoạch");
  }

  TEST_CASE("errors serialise with a stable code and both languages") {
    auto j = error_to_json(error(errc::conflict, "/version"));
    CHECK(j["code"] == "conflict");
    CHECK(j["code_number"] == 21);
    CHECK(j["path"] == "/version");
    CHECK(j["message_en"].get<std::string>().find("Conflict") != std::string::npos);
    std::error_code ec = errc::conflict;
    CHECK(ec.category().name() == std::string("pbgdpl"));
    CHECK_THROWS_AS(result<int>(errc::not_found).value(), std::system_error);
  }
}
