#include <pbgdpl/core/text.hpp>
#include <pbgdpl/core/document_number.hpp>

#include <ios>

#include <utf8proc.h>  // the reference the fast paths are checked against

#include <doctest/doctest.h>

using namespace pbgdpl;

TEST_SUITE("core/text") {
  TEST_CASE("folding removes Vietnamese marks, case and đ") {
    CHECK(*text::fold("Kế hoạch") == "ke hoach");
    CHECK(*text::fold("Đào tạo") == "dao tao");
    CHECK(*text::fold("ĐỒNG ĐỘI đảm đương") == "dong doi dam duong");
    CHECK(*text::fold("Phổ biến, giáo dục pháp luật") == "pho bien, giao duc phap luat");
  }

  TEST_CASE("upper-casing keeps every Vietnamese mark and composes NFD input") {
    CHECK(*text::upper("Phòng Giáo dục và Đào tạo quận Hà Đông") == "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO QUẬN HÀ ĐÔNG");
    CHECK(*text::upper("ằắẳẵặ ầấẩẫậ đ ờớởỡợ ừứửữự ỳýỷỹỵ") == "ẰẮẲẴẶ ẦẤẨẪẬ Đ ỜỚỞỠỢ ỪỨỬỮỰ ỲÝỶỸỴ");
    CHECK(*text::upper(*text::nfd("Trường Mầm non")) == "TRƯỜNG MẦM NON");
    CHECK(text::upper("a\xFF").err().code == errc::invalid_utf8);
  }

  TEST_CASE("NFD input folds and normalises exactly like NFC input") {
    std::string nfc = "Kế hoạch Đào tạo pháp luật";
    auto nfd = text::nfd(nfc);
    REQUIRE(nfd);
    CHECK(*nfd != nfc);  // really decomposed
    CHECK(*text::nfc(*nfd) == nfc);
    CHECK(*text::fold(*nfd) == *text::fold(nfc));
    CHECK(*text::lower(*nfd) == *text::lower(nfc));
  }

  TEST_CASE("both tone placements fold alike") {
    CHECK(*text::fold("hoà") == *text::fold("hòa"));
    CHECK(*text::fold("thuỷ") == *text::fold("thủy"));
    CHECK(*text::fold("hoà") == "hoa");
  }

  TEST_CASE("invalid UTF-8 is an error, never a crash") {
    for (std::string bad : {std::string("\xC3"), std::string("a\xFF" "b"), std::string("\xED\xA0\x80"),
                            std::string("\xC0\xAF"), std::string("\xF4\x90\x80\x80"), std::string("\xE0\x80\x80"),
                            std::string("\xE0\x81\x81"), std::string("\xE1\xBA"), std::string("\xC3\x28")}) {
      CHECK_FALSE(text::is_valid_utf8(bad));
      auto r = text::fold(bad);
      REQUIRE_FALSE(r);
      CHECK(r.err().code == errc::invalid_utf8);
      CHECK_FALSE(text::nfc(bad));
      CHECK_FALSE(text::slug(bad));
    }
    CHECK(text::is_valid_utf8("Hà Đông"));
  }

  TEST_CASE("the UTF-8 validator agrees with utf8proc on every sequence of up to three bytes") {
    auto reference = [](const std::string& s) {
      auto p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
      utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(s.size());
      while (left > 0) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
        if (n <= 0 || cp < 0) return false;
        p += n;
        left -= n;
      }
      return true;
    };
    long checked = 0, valid = 0;
    std::string s;
    for (int a = 0; a < 256; ++a)
      for (int b = -1; b < 256; ++b)
        for (int c = -1; c < 256; ++c) {
          if (b < 0 && c >= 0) continue;
          s.assign(1, static_cast<char>(a));
          if (b >= 0) s += static_cast<char>(b);
          if (c >= 0) s += static_cast<char>(c);
          bool want = reference(s);
          if (text::is_valid_utf8(s) != want) FAIL_CHECK("disagree on ", std::hex, a, " ", b, " ", c);
          ++checked;
          valid += want;
        }
    // Four-byte sequences around every boundary, and inside the 8-byte ASCII fast path.
    for (int a : {0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xF8})
      for (int b = 0x70; b < 0xC8; ++b)
        for (int c : {0x7F, 0x80, 0xBF, 0xC0})
          for (int d : {0x7F, 0x80, 0xBF, 0xC0}) {
            std::string four{static_cast<char>(a), static_cast<char>(b), static_cast<char>(c), static_cast<char>(d)};
            for (std::string t : {four, "abcdefgh" + four, "abcdefg" + four + "ijklmnopq"}) CHECK(text::is_valid_utf8(t) == reference(t));
          }
    CHECK(checked > 16000000);
    CHECK(valid > 1000000);
  }

  TEST_CASE("the NFC shortcut agrees with full normalisation around every code point it trusts") {
    // nfc() skips utf8proc for text it can prove is NFC (text the store wrote itself); any
    // disagreement with the full mapping, alone or next to a combining mark, is a bug.
    auto utf8 = [](char32_t cp) {
      std::string o;
      if (cp < 0x80) o += static_cast<char>(cp);
      else if (cp < 0x800) { o += static_cast<char>(0xC0 | (cp >> 6)); o += static_cast<char>(0x80 | (cp & 0x3F)); }
      else { o += static_cast<char>(0xE0 | (cp >> 12)); o += static_cast<char>(0x80 | ((cp >> 6) & 0x3F)); o += static_cast<char>(0x80 | (cp & 0x3F)); }
      return o;
    };
    int shortcut = 0;
    for (char32_t cp = 1; cp < 0x2200; ++cp) {
      for (std::string s : {utf8(cp), "e" + utf8(cp), utf8(cp) + "\xCC\x81", "\xE1\xBB\x87" + utf8(cp) + "a"}) {
        auto full = text::detail::map(s, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
        auto fast = text::nfc(s);
        REQUIRE(full);
        REQUIRE(fast);
        CHECK_MESSAGE(*fast == *full, "U+", std::hex, static_cast<unsigned>(cp));
        if (text::detail::surely_nfc(s)) {
          ++shortcut;
          CHECK(*full == s);
        }
      }
    }
    CHECK(shortcut > 3000);  // the shortcut is really taken
    CHECK(text::detail::surely_nfc("Phổ biến, giáo dục pháp luật – “Ngày Pháp luật” 100.000 ₫"));
    CHECK_FALSE(text::detail::surely_nfc("Ke\xCC\x82\xCC\x81 hoa\xCC\xA3" "ch"));  // NFD
    CHECK(*text::nfc("Ke\xCC\x82\xCC\x81 hoa\xCC\xA3" "ch") == "Kế hoạch");
  }

  TEST_CASE("slugs are ASCII, hyphenated and bounded") {
    CHECK(*text::slug("Kế hoạch số 19") == "ke-hoach-so-19");
    CHECK(*text::slug("  Phổ biến, giáo dục pháp luật!  ") == "pho-bien-giao-duc-phap-luat");
    CHECK(*text::slug("Đội tuyên truyền — Trường THCS Văn Yên") == "doi-tuyen-truyen-truong-thcs-van-yen");
    CHECK(*text::slug("!!!") == "");
    std::string longer;
    for (int i = 0; i < 40; ++i) longer += "pháp luật ";
    auto s = *text::slug(longer);
    CHECK(s.size() <= 80);
    CHECK(s.back() != '-');
  }

  TEST_CASE("length counts code points, not bytes") {
    CHECK(text::length("Đào") == 3);
    CHECK(text::has_control_chars(std::string("a\0b", 3)));
    CHECK_FALSE(text::has_control_chars("dòng 1\ndòng 2\t"));
  }
}

TEST_SUITE("core/document_number") {
  TEST_CASE("plan numbers parse and format back exactly") {
    auto d = parse_document_number("19/KH-PGDĐT");
    REQUIRE(d);
    CHECK(d->number == "19");
    CHECK_FALSE(d->year);
    CHECK(d->type_code == "KH");
    CHECK(d->issuer == "PGDĐT");
    CHECK(d->kind == document_number::form::typed);
    CHECK(d->to_string() == "19/KH-PGDĐT");
  }

  TEST_CASE("normative documents carry a year") {
    auto d = parse_document_number("30/2020/NĐ-CP");
    REQUIRE(d);
    CHECK(d->year == 2020);
    CHECK(d->type_code == "NĐ");
    CHECK(d->issuer == "CP");
    CHECK(d->to_string() == "30/2020/NĐ-CP");
    auto tt = parse_document_number("32/2020/TT-BGDĐT");
    REQUIRE(tt);
    CHECK(find_document_type(tt->type_code)->name_vi == "Thông tư");
    auto joint = parse_document_number("19/2022/TTLT-BGDĐT-BNV");
    REQUIRE(joint);
    CHECK(joint->issuer == "BGDĐT-BNV");
    CHECK(joint->to_string() == "19/2022/TTLT-BGDĐT-BNV");
  }

  TEST_CASE("official letters are issuer-drafting unit") {
    auto d = parse_document_number("123/UBND-VX");
    REQUIRE(d);
    CHECK(d->kind == document_number::form::official_letter);
    CHECK(d->type_code == "CV");
    CHECK(d->issuer == "UBND");
    CHECK(d->drafting_unit == "VX");
    CHECK(d->to_string() == "123/UBND-VX");
  }

  TEST_CASE("laws have only an issuer") {
    auto d = parse_document_number("14/2012/QH13");
    REQUIRE(d);
    CHECK(d->kind == document_number::form::issuer_only);
    CHECK(d->to_string() == "14/2012/QH13");
  }

  TEST_CASE("the Decree 30 annex III codes are known, case and all") {
    for (auto code : {"NQ", "QĐ", "CT", "QC", "QyĐ", "TB", "HD", "CTr", "KH", "PA", "ĐA", "BC", "BB", "TTr"})
      CHECK_MESSAGE(find_document_type(code) != nullptr, code);
    auto q = parse_document_number("05/QyĐ-UBND");
    REQUIRE(q);
    CHECK(q->type_code == "QyĐ");
  }

  TEST_CASE("NFD input parses to NFC") {
    auto nfd = text::nfd("19/KH-PGDĐT");
    auto d = parse_document_number(*nfd);
    REQUIRE(d);
    CHECK(d->to_string() == "19/KH-PGDĐT");
  }

  TEST_CASE("Party numbers, & in an issuer and the copy forms parse and format back as written (issue 13)") {
    for (std::string n : {"80-KL/TW", "32-CT/TW", "02-KH/TU", "15-NQ/ĐU", "19/KH-PGD&ĐT", "05/SY-UBND", "12/TS-PGD&ĐT",
                          "3/SL-VP", "123/PGD&ĐT-VP"}) {
      CAPTURE(n);
      auto d = parse_document_number(n);
      REQUIRE_MESSAGE(d, (d ? "" : d.err().describe()));
      CHECK(d->to_string() == n);
    }
    auto kl = parse_document_number("80-KL/TW").value();
    CHECK(kl.kind == document_number::form::party);
    CHECK(kl.number == "80");
    CHECK(kl.type_code == "KL");
    CHECK(kl.issuer == "TW");
    CHECK_FALSE(kl.year);
    auto amp = parse_document_number("19/KH-PGD&ĐT").value();
    CHECK(amp.kind == document_number::form::typed);
    CHECK(amp.issuer == "PGD&ĐT");
    CHECK(find_document_type("SY")->name_vi == "Bản sao y");
  }

  TEST_CASE("Lệnh, Bộ luật and the annex's TrS parse, format back and say their type (issue 13)") {
    // The President's order carries its type code L (Law 80/2015 Art. 10(3)(c)).
    auto order = parse_document_number("05/2012/L-CTN").value();
    CHECK(order.kind == document_number::form::typed);
    CHECK(order.type_code == "L");
    CHECK(order.issuer == "CTN");
    CHECK(order.to_string() == "05/2012/L-CTN");
    CHECK(find_document_type("L")->name_vi == "Lệnh");
    // Laws and codes carry none (Art. 10(3)(a)); the record names the type.
    for (std::string n : {"14/2012/QH13", "45/2019/QH14", "08/2001/L-CTN", "07/TrS-UBND"}) {
      CAPTURE(n);
      auto d = parse_document_number(n);
      REQUIRE(d);
      CHECK(d->to_string() == n);
    }
    CHECK(parse_document_number("45/2019/QH14")->kind == document_number::form::issuer_only);
    CHECK(find_document_type("Bộ luật")->name_vi == "Bộ luật");
    CHECK(find_document_type("Luật")->name_vi == "Luật");
    CHECK_FALSE(find_document_type("Luật")->in_symbol);
    CHECK(find_document_type("TrS")->name_vi == "Bản trích sao");
    CHECK(parse_document_number("07/TrS-UBND")->kind == document_number::form::typed);
    // A name that is never written in a symbol is no type code there.
    CHECK(parse_document_number("5/2012/Luật-QH")->kind == document_number::form::official_letter);
  }

  TEST_CASE("the type table says which family each type may belong to") {
    for (auto code : {"Luật", "Bộ luật", "NĐ", "TT", "TTLT", "PL"}) {
      CAPTURE(code);
      CHECK(find_document_type(code)->allows(document_family::normative));
      CHECK_FALSE(find_document_type(code)->allows(document_family::administrative));
    }
    for (auto code : {"KH", "CV", "TB", "BC", "CT"}) {
      CAPTURE(code);
      CHECK(find_document_type(code)->allows(document_family::administrative));
      CHECK_FALSE(find_document_type(code)->allows(document_family::normative));
    }
    for (auto code : {"QĐ", "NQ"}) {
      CAPTURE(code);
      CHECK(find_document_type(code)->allows(document_family::normative));
      CHECK(find_document_type(code)->allows(document_family::administrative));
    }
  }

  TEST_CASE("bad document numbers are rejected with a reason") {
    for (auto bad : {"", "19", "19 KH-PGDĐT", "/KH-PGDĐT", "ab/KH-PGDĐT", "19/", "19/KH-", "19/-PGD",
                     "19/2020/2021/NĐ-CP", "30/20/NĐ-CP", "19/KH-PGD ĐT", "19/KH--PGDĐT", "1234567/KH-X",
                     "19/KH-PGD<script>", "19/PGDĐT", "80-/TW", "-KL/TW", "8a-KL/TW", "80-KL/", "80-KL/TW-",
                     "80-K&L/TW", "19/KH-&PGD", "19/KH-PGD&&ĐT", "19/KH-PGD&", "80-KL/2020/TW"}) {
      auto r = parse_document_number(bad);
      CHECK_MESSAGE(!r, bad);
      if (!r) {
        CHECK(r.err().code == errc::bad_document_number);
        CHECK_FALSE(r.err().message_vi.empty());
        CHECK_FALSE(r.err().message_en.empty());
      }
    }
    CHECK_FALSE(parse_document_number(std::string("19/KH-\xFF")));
  }
}
