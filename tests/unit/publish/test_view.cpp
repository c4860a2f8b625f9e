// Typed view models (publish/view.hpp) answer a template exactly as the JSON object with the
// same members: every case renders once from JSON and once from a model, and the two must agree.
#include <pbgdpl/publish/template.hpp>
#include <pbgdpl/publish/view.hpp>

#include <doctest/doctest.h>

#include <optional>
#include <span>
#include <string>
#include <vector>

using namespace pbgdpl;

namespace {
struct item {
  std::string title;
  std::optional<bool> current;  // absent unless set, as the JSON builder left the key out
  std::string_view unit_name;
  template <class F>
  void fields(F&& f) const {
    f("title", title);
    f("current", current);
    f("unit_name", unit_name);
  }
};

// A URL written from its parts (no string built for it).
struct url_parts {
  std::string_view a, b;
  void append_to(std::string& out, bool escape) const {
    publish::detail::append_text(out, a, escape);
    publish::detail::append_text(out, b, escape);
  }
  bool empty() const { return a.empty() && b.empty(); }
};

struct site_model {
  std::string_view name;
  url_parts home;
  template <class F>
  void fields(F&& f) const {
    f("name", name);
    f("home", home);
  }
};

struct page_model {
  std::vector<item> items;
  std::vector<std::string> tags;
  site_model site;
  bool flag = false;
  int count = 0;
  std::optional<std::string> missing;
  std::optional<std::string> note;
  const json* extra = nullptr;
  template <class F>
  void fields(F&& f) const {
    f("items", items);
    f("tags", tags);
    f("site", site);
    f("flag", flag);
    f("count", count);
    f("missing", missing);
    f("note", note);
    f("extra", extra);
  }
};

json as_json(const page_model& m) {
  json j;
  j["items"] = json::array();
  for (const auto& i : m.items) {
    json x{{"title", i.title}, {"unit_name", std::string(i.unit_name)}};
    if (i.current) x["current"] = *i.current;
    j["items"].push_back(x);
  }
  j["tags"] = m.tags;
  std::string home(m.site.home.a);
  home += m.site.home.b;
  j["site"] = {{"name", std::string(m.site.name)}, {"home", home}};
  j["flag"] = m.flag;
  j["count"] = m.count;
  if (m.note) j["note"] = *m.note;
  if (m.extra) j["extra"] = *m.extra;
  return j;
}

std::string from_json(const std::string& source, const page_model& m, const json& outer) {
  auto t = publish::compiled_template::compile(source);
  REQUIRE(t);
  return t->render(as_json(m), nullptr, &outer);
}

std::string from_model(const std::string& source, const page_model& m, const json& outer) {
  auto t = publish::compiled_template::compile(source);
  REQUIRE(t);
  std::string out;
  publish::view contexts[] = {publish::view::of(outer), publish::view::of(m)};
  t->render_to(out, contexts);
  return out;
}
}  // namespace

TEST_SUITE("publish/view") {
  TEST_CASE("a view model renders as the JSON object with the same members") {
    page_model m;
    m.items = {{"Bài <một>", true, ""}, {"Bài \"hai\"", std::nullopt, "Trường TH Văn Yên"}};
    m.tags = {"an toàn", "giao thông"};
    m.site = {"Phòng GD&ĐT Hà Đông", {"/don-vi/x", "/pbgdpl/?a=1&b=2"}};
    m.flag = true;
    m.count = 3;
    m.note = "ghi chú";
    json extra{{"k", "v"}, {"n", 2}};
    m.extra = &extra;
    json outer{{"t", {{"more", "Xem thêm"}}}, {"current", "outer"}, {"missing", "from outside"}};
    const std::vector<std::string> sources = {
        // names, escaping, raw, dotted names, numbers and booleans
        "{{site.name}}|{{{site.name}}}|{{site.home}}|{{{site.home}}}|{{count}}|{{flag}}|{{t.more}}",
        // lists, the current item, "items.0", {{.}}, nesting and outward lookup
        "{{#items}}<li>{{title}}{{#current}}*{{/current}}{{^current}}-{{/current}}{{#unit_name}} · {{unit_name}}{{/unit_name}}"
        "({{site.name}}){{/items}}{{#tags.0}}[{{#tags}}{{.}};{{/tags}}]{{/tags.0}}{{tags.1}}{{items.1.title}}{{items.7.title}}",
        // an absent member is looked up outside (as a missing JSON key), a present one is not
        "{{missing}}|{{note}}|{{#items}}{{current}}{{/items}}",
        // JSON inside a model, objects and lists printed as JSON, truthiness of each kind
        "{{extra.k}}{{extra.n}}|{{extra}}|{{tags}}|{{site}}|{{#site}}s{{/site}}{{#extra}}e{{/extra}}{{^count}}0{{/count}}",
        "{{#site}}{{name}}{{/site}}{{^nothing}}none{{/nothing}}{{#items.0}}{{title}}{{/items.0}}{{.}}",
    };
    for (const auto& src : sources) {
      CAPTURE(src);
      CHECK(from_model(src, m, outer) == from_json(src, m, outer));
    }
    // Empty and false values: the sections and inverted sections agree too.
    page_model empty;
    for (const auto& src : sources) {
      CAPTURE(src);
      CHECK(from_model(src, empty, outer) == from_json(src, empty, outer));
    }
  }

  TEST_CASE("text is escaped as append_html_escaped escapes it, in runs") {
    for (std::string_view s : {"", "a", "&", "Hà Nội <b>\"x\"</b> & 'y' >", "<<>>&&\"\"''", "tail&", "&head", "không đặc biệt"}) {
      std::string expected, got = "pre";
      append_html_escaped(expected, s);
      publish::detail::append_text(got, s, true);
      CHECK(got == "pre" + expected);
      got.clear();
      publish::detail::append_text(got, s, false);
      CHECK(got == s);
    }
  }

  TEST_CASE("a template set renders a stack of contexts, innermost first, partials included") {
    publish::template_set set;
    REQUIRE(set.add("page", "<main>{{> header}}{{body}}</main>"));
    REQUIRE(set.add("header", "<h1>{{site}}</h1>"));
    json outer{{"site", "PGD"}, {"body", "outer"}};
    json inner{{"body", "x<y"}};
    std::string out = "<!-- -->";
    publish::view contexts[] = {publish::view::of(outer), publish::view::of(inner)};
    REQUIRE(set.render_to(out, "page", contexts));
    CHECK(out == "<!-- --><main><h1>PGD</h1>x&lt;y</main>");
    CHECK(set.render_to(out, "none", contexts).err().code == errc::not_found);
  }
}
