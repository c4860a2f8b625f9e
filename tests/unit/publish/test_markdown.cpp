#include <pbgdpl/publish/markdown.hpp>

#include <doctest/doctest.h>

using namespace pbgdpl;

TEST_SUITE("publish/markdown") {
  TEST_CASE("Markdown renders to HTML with Vietnamese text intact") {
    auto html = publish::markdown_to_html("# Kế hoạch\n\nPhổ biến, **giáo dục** pháp luật.");
    REQUIRE(html);
    CHECK(html->find("<h1>Kế hoạch</h1>") != std::string::npos);
    CHECK(html->find("<strong>giáo dục</strong>") != std::string::npos);
  }

  TEST_CASE("raw HTML and script links never pass") {
    auto html = publish::markdown_to_html(
        "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1)) "
        "[y](vbscript:msgbox) ![z](data:text/html;base64,PHNjcmlwdD4=)");
    REQUIRE(html);
    CHECK(html->find("<script") == std::string::npos);
    CHECK(html->find("onerror") == std::string::npos);
    CHECK(html->find("javascript:") == std::string::npos);
    CHECK(html->find("vbscript:") == std::string::npos);
    CHECK(html->find("data:text/html") == std::string::npos);
  }

  TEST_CASE("plain text extraction for summaries cuts on a word") {
    auto t = publish::markdown_to_text("## Mục đích\n\nTiếp tục *tăng cường* ứng dụng CNTT trong công tác PBGDPL.", 30);
    REQUIRE(t);
    CHECK(t->rfind("Mục đích Tiếp tục tăng cường", 0) == 0);
    CHECK(t->find("…") != std::string::npos);
    CHECK(text::length(*t) <= 31);
  }

  TEST_CASE("invalid UTF-8 in a body is an error") {
    CHECK(publish::markdown_to_html("abc\xFF").err().code == errc::invalid_utf8);
    CHECK_FALSE(publish::markdown_to_text("\xC3"));
  }
}
