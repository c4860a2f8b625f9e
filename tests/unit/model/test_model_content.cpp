#include "entities.hpp"
#include "fixtures.hpp"
#include <fstream>
#include <sstream>

using namespace pbgdpl;
using fx::at;
using fx::d;
using fx::problem_paths;
using fx::round_trips;

using fx::full_article;
using fx::full_plan;
using fx::full_law;
using fx::full_video;
using fx::full_publication;
using fx::full_question;
using fx::full_dialogue;

TEST_SUITE("model/article") {
  TEST_CASE("a fully populated article survives a JSON round trip") { round_trips(full_article()); }

  TEST_CASE("published articles are visible only from their publication time") {
    auto a = full_article();
    CHECK(is_published(a));
    CHECK_FALSE(is_visible_at(a, at(2023, 3, 24, 9)));
    CHECK(is_visible_at(a, at(2023, 3, 24, 11)));
    a.state = article_state::approved;
    CHECK_FALSE(is_published(a));
  }

  TEST_CASE("a published article without a publication time is refused") {
    auto a = full_article();
    a.published_at.reset();
    CHECK(problem_paths(a) == std::vector<std::string>{"/published_at"});
  }

  TEST_CASE("dates out of order, a bad slug and a document intro without documents are reported") {
    auto a = full_article();
    a.updated_at = at(2023, 3, 1);
    a.slug = "Kế hoạch";
    a.documents.clear();
    CHECK(problem_paths(a) == std::vector<std::string>{"/slug", "/updated_at", "/documents"});
  }

  TEST_CASE("an oversized title is refused when decoding, with its path") {
    auto j = to_json_value(full_article());
    j["title"] = std::string(PBGDPL_MAX_SHORT_TEXT_BYTES + 1, 'a');
    auto r = from_json_value<article>(j);
    REQUIRE_FALSE(r);
    CHECK(r.err().code == errc::too_large);
    CHECK(r.err().path == "/title");
  }

  TEST_CASE("invalid UTF-8 in a tag is refused when decoding and when validating") {
    auto j = to_json_value(full_article());
    j["tags"][1] = std::string("ph\xE1\xBA", 4);
    auto r = from_json_value<article>(j);
    REQUIRE_FALSE(r);
    CHECK(r.err().code == errc::invalid_utf8);
    CHECK(r.err().path == "/tags/1");
    auto a = full_article();
    a.tags[0] = "\xFF\xFE";
    auto c = check(a);
    REQUIRE_FALSE(c);
    CHECK(c.err().code == errc::invalid_utf8);
    CHECK(c.err().path == "/tags/0");
  }

  TEST_CASE("a title with a line break is refused, a body may have many") {
    auto a = full_article();
    a.title = "Dòng 1\nDòng 2";
    CHECK(problem_paths(a) == std::vector<std::string>{"/title"});
  }

  TEST_CASE("an unknown state and a numeric title are refused at their paths") {
    auto j = to_json_value(full_article());
    j["state"] = "deleted";
    CHECK(from_json_value<article>(j).err().path == "/state");
    j = to_json_value(full_article());
    j["title"] = 19;
    auto r = from_json_value<article>(j);
    CHECK(r.err().code == errc::wrong_type);
    CHECK(r.err().path == "/title");
  }

  TEST_CASE("an article may credit its writer and its source, and one without them is written as before") {
    auto a = full_article();
    auto before = to_json_value(a);
    CHECK_FALSE(before.contains("byline"));
    CHECK_FALSE(before.contains("source"));
    CHECK(from_json_value<article>(before).value() == a);  // a record from before the fields existed
    a.byline = "Nguyễn Thu Hà";
    a.source = article_source{"Cổng thông tin điện tử Bộ Giáo dục và Đào tạo", "https://moet.gov.vn/tin-tuc"};
    round_trips(a);
    auto j = to_json_value(a);
    CHECK(j["byline"] == "Nguyễn Thu Hà");
    CHECK(j["source"]["url"] == "https://moet.gov.vn/tin-tuc");
    a.source->url = "";  // a source that is not online
    CHECK(check(a));
  }

  TEST_CASE("an article's source links only to http or https and has a name") {
    auto a = full_article();
    a.source = article_source{"Báo", "javascript:alert(1)"};
    CHECK(problem_paths(a) == std::vector<std::string>{"/source/url"});
    a.source = article_source{"", "https://moet.gov.vn"};
    CHECK(problem_paths(a) == std::vector<std::string>{"/source/name"});
    // User information before the host: the link would go to what follows the '@'.
    for (const char* u : {"http://[::1]:80@evil.example/", "https://moet.gov.vn@evil.example/tin-tuc",
                          "https://user:mat-khau@moet.gov.vn/", "http://@moet.gov.vn"}) {
      CAPTURE(u);
      a.source = article_source{"Báo", u};
      CHECK(problem_paths(a) == std::vector<std::string>{"/source/url"});
    }
    // An '@' after the host (a path, a query, a fragment) is an ordinary character there.
    for (const char* u : {"https://moet.gov.vn/@tin-tuc", "https://moet.gov.vn?hoi=a@b", "https://moet.gov.vn#a@b",
                          "https://moet.gov.vn:443/x@y"}) {
      CAPTURE(u);
      CHECK(rules::is_web_url(u));
    }
    a.source.reset();
    a.byline = "";
    CHECK(problem_paths(a) == std::vector<std::string>{"/byline"});
  }

  TEST_CASE("kind labels exist in both languages") {
    CHECK(article_kind_label_vi(article_kind::question_answer) == "Hỏi đáp, tư vấn pháp luật");
    CHECK(article_kind_label_en(article_kind::activity_news) == "Activity news");
  }

  TEST_CASE("the section names are the plan's own words") {
    // 19/KH-PGDĐT III.1.2: "Tin tức hoạt động ...; Văn bản pháp luật mới ...; hỏi đáp, tư vấn pháp
    // luật trực tuyến, đối thoại chính sách - pháp luật"; III.2: "tài liệu, ấn phẩm".
    CHECK(article_kind_label_vi(article_kind::activity_news) == "Tin tức hoạt động");
    CHECK(article_kind_label_vi(article_kind::legal_document_intro) == "Văn bản pháp luật mới");
    CHECK(article_kind_label_vi(article_kind::question_answer) == "Hỏi đáp, tư vấn pháp luật");
    CHECK(article_kind_label_vi(article_kind::policy_dialogue) == "Đối thoại chính sách - pháp luật");
    CHECK(article_kind_label_vi(article_kind::publication) == "Tài liệu, ấn phẩm");
  }
}

TEST_SUITE("model/legal_document") {
  TEST_CASE("a fully populated legal document survives a JSON round trip") { round_trips(full_plan()); }

  TEST_CASE("the display type name comes from the type code") {
    auto x = full_plan();
    CHECK(document_type_name_vi(x) == "Kế hoạch");
    CHECK(document_type_name_en(x) == "Plan");
    x.type_code = "QĐ";
    CHECK(document_type_name_vi(x) == "Quyết định");
  }

  TEST_CASE("the signer block is laid out as Decree 30/2020 says") {
    CHECK(format_signer(full_plan().signed_by) == "KT. TRƯỞNG PHÒNG\nPHÓ TRƯỞNG PHÒNG");
    CHECK(format_signer({signer_authority::tm, "ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "A", {}}) == "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH");
    CHECK(format_signer({signer_authority::q, "", "TRƯỞNG PHÒNG", "B", {}}) == "Q. TRƯỞNG PHÒNG");
    CHECK(format_signer({signer_authority::none, "", "TRƯỞNG PHÒNG", "C", {}}) == "TRƯỞNG PHÒNG");
  }

  TEST_CASE("signature blocks of one, two and three title lines, with the name (issue 13)") {
    signer one{signer_authority::none, "", "HIỆU TRƯỞNG", "Trần Văn B", {}};
    CHECK(signer_title_lines(one) == std::vector<std::string>{"HIỆU TRƯỞNG"});
    CHECK(format_signature_block(one) == "HIỆU TRƯỞNG\nTrần Văn B");
    CHECK(check(one));
    const auto two = full_plan().signed_by;
    CHECK(signer_title_lines(two) == std::vector<std::string>{"KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG"});
    CHECK(format_signature_block(two) == "KT. TRƯỞNG PHÒNG\nPHÓ TRƯỞNG PHÒNG\nNguyễn Thị Thu Hương");
    // Decree 30/2020 appendix I: TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH.
    signer three{signer_authority::kt, "CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn A", {{signer_authority::tm, "ỦY BAN NHÂN DÂN"}}};
    CHECK(signer_title_lines(three) == std::vector<std::string>{"TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"});
    CHECK(format_signer(three) == "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH");
    CHECK(format_signature_block(three) == "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nNguyễn Văn A");
    CHECK(check(three));
    auto j = to_json_value(three);
    CHECK(j["above"][0]["authority"] == "tm");
    CHECK(from_json_value<signer>(j).value() == three);
    // A block with no name is only its title lines.
    CHECK(format_signature_block({signer_authority::none, "", "TRƯỞNG PHÒNG", "", {}}) == "TRƯỞNG PHÒNG");
  }

  TEST_CASE("silly signature blocks are refused: empty lines, lines without authority, too many lines") {
    auto paths = [](const signer& s) { return problem_paths(s); };
    signer empty_line{signer_authority::kt, "CHỦ TỊCH", "PHÓ CHỦ TỊCH", "A", {{signer_authority::tm, ""}}};
    CHECK(paths(empty_line) == std::vector<std::string>{"/above/0/title"});
    signer no_prefix{signer_authority::kt, "CHỦ TỊCH", "PHÓ CHỦ TỊCH", "A", {{signer_authority::none, "ỦY BAN NHÂN DÂN"}}};
    CHECK(paths(no_prefix) == std::vector<std::string>{"/above/0/authority"});
    signer four{signer_authority::kt, "CHỦ TỊCH", "PHÓ CHỦ TỊCH", "A",
                {{signer_authority::tm, "ỦY BAN NHÂN DÂN"}, {signer_authority::tl, "CHỦ TỊCH"}}};
    CHECK(signer_title_lines(four).size() == signer::max_title_lines);
    CHECK(check(four));
    auto five = four;
    five.above.push_back({signer_authority::tuq, "GIÁM ĐỐC"});
    CHECK(paths(five) == std::vector<std::string>{"/above"});
    auto r = check(five);
    REQUIRE_FALSE(r);
    CHECK(r.err().message_vi.find("tối đa 4") != std::string::npos);
    CHECK(r.err().message_en.find("at most 4") != std::string::npos);
    // Lines above with nothing of the signer's own under them.
    signer dangling{signer_authority::none, "", "", "", {{signer_authority::tm, "ỦY BAN NHÂN DÂN"}}};
    CHECK(paths(dangling) == std::vector<std::string>{"/position"});
  }

  TEST_CASE("the date line reads as on the document") {
    CHECK(date_line(full_plan()) == "Hà Đông, ngày 22 tháng 3 năm 2023");
  }

  TEST_CASE("validity labels and validity on a date") {
    CHECK(validity_status_label_vi(validity_status::partly_expired) == "Hết hiệu lực một phần");
    auto x = full_law();
    x.status_history.push_back({validity_status::expired, d(2028, 1, 1), "Hết hiệu lực", std::nullopt});
    x.status = validity_status::expired;
    REQUIRE(check(x));
    CHECK(validity_on(x, d(2012, 12, 1)) == validity_status::not_yet_in_force);
    CHECK(validity_on(x, d(2024, 1, 1)) == validity_status::in_force);
    CHECK(validity_on(x, d(2028, 6, 1)) == validity_status::expired);
    // An administrative document has none.
    CHECK_FALSE(validity_on(full_plan(), d(2024, 1, 1)));
  }

  TEST_CASE("a number that does not parse is refused at /number") {
    auto x = full_plan();
    x.number = "19 KH-PGDĐT";
    auto r = check(x);
    REQUIRE_FALSE(r);
    CHECK(r.err().code == errc::bad_document_number);
    CHECK(r.err().path == "/number");
  }

  TEST_CASE("a type code or year that disagrees with the number is refused") {
    auto x = full_plan();
    x.type_code = "QĐ";
    CHECK(problem_paths(x) == std::vector<std::string>{"/type_code"});
    x = full_plan();
    x.number = "30/2020/NĐ-CP";
    x.type_code = "NĐ";
    x.year = 2020;
    x.status = validity_status::in_force;
    CHECK(problem_paths(x) == std::vector<std::string>{"/issued_on", "/year"});
  }

  TEST_CASE("a law number without a type code accepts the law and code types, not an order's") {
    auto x = full_law();
    CHECK(check(x));
    x.type_code = "Bộ luật";
    CHECK(check(x));
    CHECK(document_type_name_vi(x) == "Bộ luật");
    x.type_code = "L";  // an order's number carries its type: "05/2012/L-CTN"
    CHECK_FALSE(check(x));
    x.number = "05/2012/L-CTN";
    CHECK(check(x));
    CHECK(document_type_name_vi(x) == "Lệnh");
    // A law's type with a typed number is refused.
    x.type_code = "Luật";
    CHECK(problem_paths(x) == std::vector<std::string>{"/type_code"});
  }

  TEST_CASE("the family is read from the type and the number, and checked against the type table") {
    CHECK(family_of(full_plan()) == document_family::administrative);
    CHECK(family_of(full_law()) == document_family::normative);
    auto x = full_plan();
    x.number = "977/QĐ-TTg";  // an individual decision: no year in its number
    x.type_code = "QĐ";
    CHECK(family_of(x) == document_family::administrative);
    x.number = "18/2020/QĐ-TTg";  // a normative decision carries its year (Law 80/2015 Art. 10(3)(c))
    x.year = 2020;
    CHECK(family_of(x) == document_family::normative);
    x.family = document_family::administrative;  // what the record says wins
    CHECK(family_of(x) == document_family::administrative);
    // A plan cannot be normative, a decree cannot be administrative.
    auto plan = full_plan();
    plan.family = document_family::normative;
    plan.status = validity_status::in_force;
    CHECK(problem_paths(plan) == std::vector<std::string>{"/family"});
    auto law = full_law();
    law.family = document_family::administrative;
    law.status.reset();
    law.status_history.clear();
    CHECK(problem_paths(law) == std::vector<std::string>{"/family"});
  }

  TEST_CASE("an administrative document with a validity status is refused, a normative one without is too") {
    auto x = full_plan();
    x.status = validity_status::in_force;
    CHECK(problem_paths(x) == std::vector<std::string>{"/status"});
    auto r = check(x);
    REQUIRE_FALSE(r);
    CHECK(r.err().message_vi.find("không có tình trạng hiệu lực") != std::string::npos);
    CHECK(r.err().message_en.find("no validity status") != std::string::npos);
    x = full_plan();
    x.status_history = {{validity_status::in_force, d(2023, 3, 22), "", std::nullopt}};
    CHECK(problem_paths(x) == std::vector<std::string>{"/status"});
    auto law = full_law();
    law.status.reset();
    law.status_history.clear();
    CHECK(problem_paths(law) == std::vector<std::string>{"/status"});
  }

  TEST_CASE("an implementation period needs both years in order") {
    auto x = full_plan();
    CHECK(check(x));
    x.period_to.reset();
    CHECK(problem_paths(x) == std::vector<std::string>{"/period_to"});
    x.period_to = 2022;
    CHECK(problem_paths(x) == std::vector<std::string>{"/period_to"});
    x.period_to = 2023;
    CHECK(check(x));
  }

  TEST_CASE("a record written before issue 13 still decodes: its family is read, a plan's status is dropped") {
    std::ifstream f(std::string(PBGDPL_SOURCE_DIR) + "/tests/unit/model/legacy/legal_document_before_issue13.json",
                    std::ios::binary);
    REQUIRE(f.good());
    std::ostringstream text;
    text << f.rdbuf();
    auto old = from_json_text<legal_document>(text.str());
    REQUIRE_MESSAGE(old, (old ? std::string() : old.err().describe()));
    CHECK_FALSE(old->family);
    CHECK(family_of(*old) == document_family::administrative);
    CHECK_FALSE(old->status);
    CHECK(old->status_history.empty());
    CHECK(format_signer(old->signed_by) == "KT. TRƯỞNG PHÒNG\nPHÓ TRƯỞNG PHÒNG");
    CHECK(old->signed_by.name == "Nguyễn Thị Thu Hương");
    CHECK(old->expires_on == d(2028, 1, 1));  // kept: the record's own data, not ours to drop
    CHECK(check(*old));
    // A law recorded with "L", the old code for laws, reads as a law and keeps its status.
    auto law = to_json_value(full_law());
    law.erase("family");
    law["type_code"] = "L";
    auto back = from_json_value<legal_document>(law).value();
    CHECK(back.type_code == "Luật");
    CHECK(back.status == validity_status::in_force);
    CHECK(back.status_history.size() == 1);
    CHECK(check(back));
    // A record written now keeps what it says: the refusal is validate()'s, not the reader's.
    auto now = to_json_value(full_plan());
    now["family"] = "administrative";
    now["status"] = "in_force";
    auto refused = from_json_value<legal_document>(now);
    REQUIRE_FALSE(refused);
    CHECK(refused.err().describe().find("no validity status") != std::string::npos);
  }

  TEST_CASE("effective before issued and expiry before effect are bad dates") {
    auto x = full_plan();
    x.effective_on = d(2023, 3, 1);
    x.expires_on = d(2023, 3, 1);
    CHECK(problem_paths(x) == std::vector<std::string>{"/effective_on", "/expires_on"});
  }

  TEST_CASE("a status history out of date order, or disagreeing with the status, is refused") {
    auto x = full_law();
    x.status_history = {{validity_status::in_force, d(2024, 1, 1), "", std::nullopt},
                        {validity_status::suspended, d(2023, 6, 1), "", std::nullopt}};
    x.status = validity_status::in_force;
    CHECK(problem_paths(x) == std::vector<std::string>{"/status_history/1/on", "/status"});
  }

  TEST_CASE("a KT. signer without the head's title is refused") {
    auto x = full_plan();
    x.signed_by.authority_title.clear();
    CHECK(problem_paths(x) == std::vector<std::string>{"/signed_by/authority_title"});
  }

  TEST_CASE("relations need a target or a valid number, files need a safe name and a real hash") {
    auto x = full_plan();
    x.relations.push_back({relation_kind::guides, std::nullopt, "", ""});
    x.relations.push_back({relation_kind::amends, std::nullopt, "abc", ""});
    x.files[0].file_name = "../../etc/passwd";
    x.files[0].blake2b = "ABC";
    CHECK(problem_paths(x) ==
          std::vector<std::string>{"/relations/2/number", "/relations/3/number", "/files/0/file_name", "/files/0/blake2b"});
  }

  TEST_CASE("a document number typed in NFD is stored in NFC and still validates") {
    auto j = to_json_value(full_plan());
    j["number"] = "19/KH-PGD\xC4\x90T";  // Đ is precomposed-only; use NFD elsewhere
    j["title"] = "Ta\xCC\x86ng cu\xCC\x9Bo\xCC\x9B\xCC\x80ng";
    auto r = from_json_value<legal_document>(j);
    REQUIRE_MESSAGE(r, (r ? "" : r.err().describe()));
    CHECK(r->title == "Tăng cường");
  }

  TEST_CASE("a missing issue date is a missing field, a bad one a bad date") {
    auto j = to_json_value(full_plan());
    j.erase("issued_on");
    auto r = from_json_value<legal_document>(j);
    CHECK(r.err().code == errc::missing_field);
    CHECK(r.err().path == "/issued_on");
    j["issued_on"] = "2023-02-30";
    r = from_json_value<legal_document>(j);
    CHECK(r.err().code == errc::bad_date);
    CHECK(r.err().path == "/issued_on");
  }
}

TEST_SUITE("model/media") {
  TEST_CASE("a fully populated media asset survives a JSON round trip") { round_trips(full_video()); }
  TEST_CASE("a fully populated publication survives a JSON round trip") { round_trips(full_publication()); }

  TEST_CASE("a MIME type that contradicts the media type is refused") {
    auto m = full_video();
    m.mime_type = "image/png";
    CHECK(problem_paths(m) == std::vector<std::string>{"/mime_type"});
  }

  TEST_CASE("an image needs its size and alt text, a video its duration") {
    auto m = full_video();
    m.type = media_type::image;
    m.mime_type = "image/png";
    m.width.reset();
    m.alt_text.clear();
    CHECK(problem_paths(m) == std::vector<std::string>{"/width", "/alt_text", "/duration_seconds"});
    m = full_video();
    m.duration_seconds = 0;
    CHECK(problem_paths(m) == std::vector<std::string>{"/duration_seconds"});
  }

  TEST_CASE("unsafe file names and bad hashes are refused") {
    auto m = full_video();
    m.file_name = "a/b.mp4";
    m.blake2b = std::string(63, 'a');
    CHECK(problem_paths(m) == std::vector<std::string>{"/file_name", "/blake2b"});
  }

  TEST_CASE("a submitted publication without media is refused") {
    auto p = full_publication();
    p.media.clear();
    CHECK(problem_paths(p) == std::vector<std::string>{"/media"});
    CHECK(publication_kind_label_vi(publication_kind::short_play) == "Tiểu phẩm pháp luật");
  }
}

TEST_SUITE("model/question") {
  TEST_CASE("a fully populated question survives a JSON round trip") { round_trips(full_question()); }
  TEST_CASE("a fully populated dialogue session survives a JSON round trip") { round_trips(full_dialogue()); }

  TEST_CASE("the public view of a question carries no contact details") {
    auto q = public_view(full_question());
    CHECK(q.asker_email.empty());
    CHECK(q.asker_phone.empty());
    CHECK(q.asker_name == full_question().asker_name);
  }

  TEST_CASE("an answered question needs the answer, who and when") {
    auto q = full_question();
    q.answer_markdown.clear();
    q.answered_at.reset();
    q.answered_by.reset();
    CHECK(problem_paths(q) == std::vector<std::string>{"/answer_markdown", "/answered_at", "/answered_by"});
  }

  TEST_CASE("an answer before the question, or a rejection without reason, is refused") {
    auto q = full_question();
    q.answered_at = at(2023, 9, 1);
    CHECK(problem_paths(q) == std::vector<std::string>{"/answered_at"});
    q = full_question();
    q.state = question_state::rejected;
    CHECK(problem_paths(q) == std::vector<std::string>{"/rejection_reason"});
  }

  TEST_CASE("a dialogue that ends before it starts is refused") {
    auto s = full_dialogue();
    s.ends_at = s.starts_at;
    s.url = "javascript:void(0)";
    CHECK(problem_paths(s) == std::vector<std::string>{"/ends_at", "/url"});
  }
}

TEST_SUITE("model/enums") {
  TEST_CASE("an enum value outside the named ones is refused by validation") {
    auto a = full_article();
    a.state = static_cast<article_state>(42);
    CHECK(problem_paths(a) == std::vector<std::string>{"/state"});
    auto x = full_plan();
    x.relations[0].kind = static_cast<relation_kind>(9);
    x.signed_by.authority = static_cast<signer_authority>(9);
    CHECK(problem_paths(x) == std::vector<std::string>{"/signed_by/authority", "/relations/0/kind"});
  }
}

TEST_SUITE("model/limits") {
  TEST_CASE("oversized values built in C++ are refused by validation with their paths") {
    auto a = full_article();
    a.title = std::string(PBGDPL_MAX_SHORT_TEXT_BYTES + 1, 'x');
    a.tags[1] = std::string(PBGDPL_MAX_SHORT_TEXT_BYTES + 1, 'y');
    auto r = check(a);
    REQUIRE_FALSE(r);
    REQUIRE(r.err().details.size() == 2);
    CHECK(r.err().details[0].path == "/title");
    CHECK(r.err().details[0].code == errc::too_large);
    CHECK(r.err().details[1].path == "/tags/1");
    a = full_article();
    a.body_markdown = std::string(PBGDPL_MAX_TEXT_BYTES + 1, 'z');
    CHECK(problem_paths(a) == std::vector<std::string>{"/body_markdown"});
  }

  TEST_CASE("a missing id and a malformed id are refused at /id") {
    auto j = to_json_value(full_question());
    j.erase("id");
    auto r = from_json_value<question>(j);
    CHECK(r.err().code == errc::missing_field);
    CHECK(r.err().path == "/id");
    j["id"] = "../etc/passwd";
    r = from_json_value<question>(j);
    CHECK(r.err().code == errc::invalid_argument);
    CHECK(r.err().path == "/id");
  }

  TEST_CASE("a failed decode leaves no half-filled value behind") {
    auto j = to_json_value(full_article());
    j["revision"] = -1;
    article target = full_article();
    target.title = "giữ nguyên";
    CHECK_THROWS_AS(from_json(j, target), pbgdpl::exception);
    CHECK(target.title == "giữ nguyên");
  }
}
