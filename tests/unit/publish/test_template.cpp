#include <pbgdpl/publish/template.hpp>

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

using namespace pbgdpl;

TEST_SUITE("publish/template") {
  TEST_CASE("variables are HTML-escaped by default, raw only on request") {
    auto t = publish::compiled_template::compile("<p title=\"{{t}}\">{{t}}</p>{{{html}}}{{& html}}");
    REQUIRE(t);
    json data{{"t", "<script>alert('x')</script>&\""}, {"html", "<b>ok</b>"}};
    CHECK(t->render(data) ==
          "<p title=\"&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;\">"
          "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;</p><b>ok</b><b>ok</b>");
  }

  TEST_CASE("sections iterate lists, test truth and nest contexts") {
    auto t = publish::compiled_template::compile(
        "{{#items}}<li>{{title}} ({{site.name}})</li>{{/items}}{{^items}}trống{{/items}}{{#flag}}!{{/flag}}{{! note }}");
    REQUIRE(t);
    json data{{"items", json::array({{{"title", "A"}}, {{"title", "B"}}})}, {"site", {{"name", "Hà Đông"}}}, {"flag", true}};
    CHECK(t->render(data) == "<li>A (Hà Đông)</li><li>B (Hà Đông)</li>!");
    CHECK(t->render(json{{"items", json::array()}}) == "trống");
    auto dot = publish::compiled_template::compile("{{#tags}}[{{.}}]{{/tags}}");
    CHECK(dot->render(json{{"tags", {"a", "b"}}}) == "[a][b]");
    auto first = publish::compiled_template::compile("{{#tags.0}}<ul>{{#tags}}<li>{{.}}</li>{{/tags}}</ul>{{/tags.0}}{{tags.1}}");
    CHECK(first->render(json{{"tags", {"a", "b"}}}) == "<ul><li>a</li><li>b</li></ul>b");
    CHECK(first->render(json{{"tags", json::array()}}) == "");
  }

  TEST_CASE("broken templates are refused with a reason") {
    CHECK(publish::compiled_template::compile("{{#a}}x").err().code == errc::parse_error);
    CHECK(publish::compiled_template::compile("{{#a}}x{{/b}}").err().code == errc::parse_error);
    CHECK(publish::compiled_template::compile("{{x").err().code == errc::parse_error);
    CHECK_FALSE(publish::compiled_template::compile("{{}}"));
  }

  TEST_CASE("partials come from the set and a theme directory overrides built-ins") {
    publish::template_set set;
    REQUIRE(set.add("page", "<main>{{> header}}{{body}}</main>"));
    REQUIRE(set.add("header", "<h1>{{site}}</h1>"));
    json data{{"site", "PGD"}, {"body", "x"}};
    CHECK(*set.render("page", data) == "<main><h1>PGD</h1>x</main>");

    auto dir = std::filesystem::path(PBGDPL_BINARY_DIR) / "test-theme";
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "header.html") << "<header class=\"theme\">{{site}}</header>";
    std::ofstream(dir / "notes.txt") << "ignored";
    REQUIRE(set.load_directory(dir));
    CHECK(*set.render("page", data) == "<main><header class=\"theme\">PGD</header>x</main>");
    CHECK(set.render("notes", data).err().code == errc::not_found);
    CHECK(set.load_directory(dir / "missing").err().code == errc::not_found);
  }

  TEST_CASE("a partial that includes itself stops instead of overflowing the stack") {
    publish::template_set set;
    REQUIRE(set.add("loop", "x{{> loop}}"));
    auto out = set.render("loop", json::object());
    REQUIRE(out);
    CHECK(out->size() == 33);  // the top level and 32 nested levels
  }
}
