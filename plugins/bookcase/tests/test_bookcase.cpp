// The bookcase catalogue: the sample catalogue (tests/data) with its deliberately bad rows, the
// round trip through a real SQLite store in CSV and JSON, the CSV rules (BOM, quotes, line
// breaks, formula guard), NFC, both date forms, and hostile files that must be refused whole.
// Then the built plugin as the host sees it: pbgdpl-bookcase.so loaded through the fake host and
// through plugin_host from its manifest, answering exactly what the catalogue code answers. One
// TU: the headers are parsed once (compile time is the test suite's budget).
#include "catalogue.hpp"

#include <pbgdpl/core/text.hpp>
#include <pbgdpl/plugin/fake_host.hpp>
#include <pbgdpl/plugin/host.hpp>
#include <pbgdpl/store/sqlite.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

using namespace pbgdpl;

namespace {

std::string slurp(const std::string& name) {
  std::ifstream f(std::string(PBGDPL_BOOKCASE_DATA) + "/" + name, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  REQUIRE(!s.str().empty());
  return s.str();
}

bookcase::options opts() {
  bookcase::options o;
  o.unit = unit_id{"pgd-ha-dong"};
  o.now = parse_timestamp("2026-12-01T09:00:00+07:00").value();
  return o;
}

json import_ok(std::string_view format, std::string_view content, const bookcase::options& o = opts()) {
  auto r = bookcase::import_catalogue(format, content, o);
  REQUIRE_MESSAGE(r.has_value(), (r ? std::string() : r.err().describe()));
  return *r;
}

const json* find_id(const json& list, std::string_view id) {
  for (const auto& x : list)
    if (x.at("id") == id) return &x;
  return nullptr;
}

const std::filesystem::path so_file = std::filesystem::path(PBGDPL_PLUGIN_DIR) / "pbgdpl-bookcase.so";

struct temp_dir {
  std::filesystem::path path;
  temp_dir() {
    path = std::filesystem::path(PBGDPL_BINARY_DIR) / "tmp" / ("bookcase-" + random_id_string().substr(0, 12));
    std::filesystem::create_directories(path);
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

// The entities as the store keeps them, without what the store sets itself.
json without_store_fields(json j) {
  j.erase("version");
  return j;
}

// Imports `content`, stores every entity in a fresh SQLite store through the typed, validating
// create(), exports what the store holds, imports that again: the entities must be equal.
void round_trip(std::string_view format) {
  auto first = import_ok(format, slurp(format == "csv" ? "catalogue.csv" : "catalogue.json"));
  REQUIRE(first["legal_documents"].size() == 10);
  REQUIRE(first["publications"].size() == 4);

  temp_dir dir;
  auto db = store::open_sqlite_store(dir.path / "pbgdpl.db");
  REQUIRE(db.has_value());
  auto& s = **db;
  for (const auto& j : first["legal_documents"]) {
    auto d = from_json_value<legal_document>(j);
    REQUIRE(d.has_value());
    auto stored = s.create(*d, "test");
    REQUIRE_MESSAGE(stored.has_value(), (stored ? std::string() : stored.err().describe()));
  }
  for (const auto& j : first["publications"]) {
    auto p = from_json_value<publication>(j);
    REQUIRE(p.has_value());
    REQUIRE(s.create(*p, "test").has_value());
  }
  // Everything back from the store, as records (what the exporter kind receives).
  std::vector<store::record> records;
  for (auto kind : {"legal_document", "publication"}) {
    store::list_query q;
    q.limit = 100;
    auto page = s.list_records(kind, q);
    REQUIRE(page.has_value());
    CHECK(page->next_cursor.empty());
    for (auto& r : page->items) records.push_back(std::move(r));
  }
  REQUIRE(records.size() == 14);
  for (const auto& r : records) {
    const auto& list = first[r.kind == "publication" ? "publications" : "legal_documents"];
    const json* imported = find_id(list, r.id);
    REQUIRE(imported);
    CHECK(without_store_fields(r.body) == without_store_fields(*imported));
  }

  auto exported = bookcase::export_records(format == "csv" ? "bookcase-csv" : "bookcase-json", records);
  REQUIRE_MESSAGE(exported.has_value(), (exported ? std::string() : exported.err().describe()));
  auto second = import_ok(format, *exported);
  CHECK(second["warnings"].empty());
  REQUIRE(second["legal_documents"].size() == first["legal_documents"].size());
  REQUIRE(second["publications"].size() == first["publications"].size());
  for (const auto* key : {"legal_documents", "publications"})
    for (const auto& x : first[key]) {
      const json* y = find_id(second[key], x.at("id").get<std::string>());
      REQUIRE_MESSAGE(y, x.at("id").get<std::string>());
      CHECK_MESSAGE(*y == x, x.at("id").get<std::string>());
    }
}

}  // namespace

TEST_CASE("the sample CSV catalogue imports with a warning naming the line of each bad row") {
  auto out = import_ok("csv", slurp("catalogue.csv"));
  const auto& docs = out["legal_documents"];
  const auto& books = out["publications"];
  CHECK(docs.size() == 10);
  CHECK(books.size() == 4);

  // The five bad rows (lines 16 to 20 of the file: the header is line 1), each skipped.
  const auto& w = out["warnings"];
  REQUIRE(w.size() == 5);
  std::vector<std::pair<int, std::string>> got;
  for (const auto& x : w) {
    CHECK(x["skipped"] == true);
    CHECK(!x["vi"].get<std::string>().empty());
    CHECK(!x["en"].get<std::string>().empty());
    got.emplace_back(x["line"].get<int>(), x.value("column", ""));
  }
  CHECK(got == std::vector<std::pair<int, std::string>>{
                   {16, "number"}, {17, "issued_on"}, {18, "title"}, {19, "file_url"}, {20, "type"}});
  CHECK(w[0]["vi"].get<std::string>().starts_with("Dòng 16, cột number: "));
  CHECK(w[0]["en"].get<std::string>().starts_with("Line 16, column number: "));

  // The law: type from the column (its number names none), dd/mm/yyyy dates, validity, a file.
  const json* law = find_id(docs, "vb-14-2012-qh13");
  REQUIRE(law);
  CHECK((*law)["type_code"] == "Luật");
  CHECK((*law)["issued_on"] == "2012-06-20");
  CHECK((*law)["effective_on"] == "2013-01-01");
  CHECK((*law)["status"] == "in_force");
  CHECK((*law)["level"] == "central");
  CHECK((*law)["year"] == 2012);
  CHECK((*law)["files"][0]["file_name"] == "14.2012.QH13.pdf");
  CHECK((*law)["files"][0]["url"] == "https://bookcase.example/tep/14.2012.QH13.pdf");
  // An expired law (ISO dates in the same file).
  const json* old_law = find_id(docs, "vb-80-2015-qh13");
  REQUIRE(old_law);
  CHECK((*old_law)["status"] == "expired");
  CHECK((*old_law)["expires_on"] == "2025-04-01");
  // Plan 19: administrative, its period, three fields, its type code from the number, the year
  // in its id since its number has none.
  const json* plan = find_id(docs, "vb-19-kh-pgddt-2023");
  REQUIRE(plan);
  CHECK((*plan)["type_code"] == "KH");
  CHECK((*plan)["level"] == "sector");
  CHECK((*plan)["period_from"] == 2023);
  CHECK((*plan)["period_to"] == 2027);
  CHECK((*plan)["fields"].size() == 3);
  CHECK(!plan->contains("status"));
  // Decision 14/2019 (normative: its number has a year).
  const json* decision = find_id(docs, "vb-14-2019-qd-ttg");
  REQUIRE(decision);
  CHECK((*decision)["type_code"] == "QĐ");
  CHECK((*decision)["status"] == "in_force");
  CHECK((*decision)["fields"] == json::array({"Phổ biến, giáo dục pháp luật", "Thư viện"}));
  // A Party document's number ("80-KL/TW").
  CHECK(find_id(docs, "vb-80-kl-tw-2020"));

  // Books: drafts of the configured unit, the categories of Decision 14/2019, documents by number.
  const json* outline = find_id(books, "sach-de-cuong-gioi-thieu-luat-pho-bien-giao-duc-phap-luat");
  REQUIRE(outline);
  CHECK((*outline)["kind"] == "outline");
  CHECK((*outline)["unit"] == "pgd-ha-dong");
  CHECK((*outline)["state"] == "draft");
  CHECK((*outline)["documents"] == json::array({"vb-14-2012-qh13"}));
  CHECK((*outline)["partners"] == json::array({"Bộ Tư pháp"}));
  int handbooks = 0;
  for (const auto& b : books) handbooks += b["kind"] == "handbook";
  CHECK(handbooks == 2);  // hoi_dap and nghiep_vu
}

TEST_CASE("the sample JSON catalogue gives the same entities as the CSV one") {
  auto csv = import_ok("csv", slurp("catalogue.csv"));
  auto js = import_ok("json", slurp("catalogue.json"));
  CHECK(js["legal_documents"] == csv["legal_documents"]);
  CHECK(js["publications"] == csv["publications"]);
  REQUIRE(js["warnings"].size() == 5);
  CHECK(js["warnings"][0]["item"] == 15);
  CHECK(!js["warnings"][0].contains("line"));
}

TEST_CASE("round trip in CSV through a SQLite store gives equal entities") { round_trip("csv"); }

TEST_CASE("round trip in JSON through a SQLite store gives equal entities") { round_trip("json"); }

TEST_CASE("CSV: BOM, quoted commas, quotes and line breaks, LF or CRLF, NFD text and both date forms") {
  auto nfd_issuer = text::nfd("Phòng Giáo dục và Đào tạo quận Hà Đông").value();
  std::string csv = "\xEF\xBB\xBFSố ký hiệu,Loại văn bản,Trích yếu,Cơ quan ban hành,Ngày ban hành,Lĩnh vực\n"
                    "5/KH-PGDĐT,Kế hoạch,\"Kế hoạch \"\"Ngày Pháp luật\"\", năm 2023\nhai dòng\"," +
                    nfd_issuer + ",9/11/2023,\"Phổ biến, giáo dục pháp luật; Giáo dục\"\r\n"
                    "6/KH-PGDĐT,KH,Một kế hoạch khác," + nfd_issuer + ",2023-11-10,\n";
  auto out = import_ok("csv", csv);
  INFO(out.dump());
  REQUIRE(out["legal_documents"].size() == 1);  // the title with a line break is refused by the model
  REQUIRE(out["warnings"].size() == 1);
  CHECK(out["warnings"][0]["line"] == 2);
  CHECK(out["warnings"][0]["column"] == "title");
  const auto& d = out["legal_documents"][0];
  CHECK(d["number"] == "6/KH-PGDĐT");
  CHECK(d["issuer"] == "Phòng Giáo dục và Đào tạo quận Hà Đông");  // NFC
  CHECK(d["issued_on"] == "2023-11-10");
  CHECK(d["level"] == "central");

  // The same with the line break taken out: quotes and commas survive, d/m/yyyy is read.
  std::string fixed = csv;
  fixed.replace(fixed.find("\nhai dòng"), std::string_view("\nhai dòng").size(), " hai dòng");
  auto ok = import_ok("csv", fixed);
  REQUIRE(ok["legal_documents"].size() == 2);
  CHECK(ok["warnings"].empty());
  const json* first = find_id(ok["legal_documents"], "vb-5-kh-pgddt-2023");
  REQUIRE(first);
  CHECK((*first)["title"] == "Kế hoạch \"Ngày Pháp luật\", năm 2023 hai dòng");
  CHECK((*first)["issued_on"] == "2023-11-09");
  CHECK((*first)["fields"] == json::array({"Phổ biến, giáo dục pháp luật", "Giáo dục"}));
}

TEST_CASE("a CSV saved by Excel in a Vietnamese locale (semicolons between cells) reads the same") {
  auto comma = import_ok("csv", slurp("catalogue.csv"));
  // The sample with ';' between cells: every cell quoted, as a list cell holds ';' itself.
  std::string semi;
  for (const auto& line : {std::string("\xEF\xBB\xBF\"number\";\"type\";\"title\";\"issuer\";\"issued_on\";\"fields\"\r\n"),
                           std::string("\"19/KH-PGDĐT\";\"KH\";\"Kế hoạch, giai đoạn 2023-2027\";\"Phòng GDĐT\";\"22/03/2023\";"
                                       "\"Phổ biến, giáo dục pháp luật; Giáo dục\"\r\n")})
    semi += line;
  auto out = import_ok("csv", semi);
  REQUIRE(out["legal_documents"].size() == 1);
  CHECK(out["legal_documents"][0]["title"] == "Kế hoạch, giai đoạn 2023-2027");
  CHECK(out["legal_documents"][0]["fields"] == json::array({"Phổ biến, giáo dục pháp luật", "Giáo dục"}));
  CHECK(comma["warnings"].size() == 5);  // the comma file is still read with commas
}

TEST_CASE("export guards cells a spreadsheet would run as formulas and the guard comes off on import") {
  auto out = import_ok("csv", slurp("catalogue.csv"));
  auto csv = bookcase::export_catalogue("csv", out);
  REQUIRE(csv.has_value());
  CHECK(csv->starts_with("\xEF\xBB\xBFid,kind,category,number,"));
  CHECK(csv->find("\r\n") != std::string::npos);
  CHECK(csv->find(",\"=HYPERLINK") == std::string::npos);
  CHECK(csv->find(",\"'=HYPERLINK(\"\"https://attacker.example\"\",\"\"Bấm vào đây\"\")\"") != std::string::npos);
  CHECK(csv->find("20/06/2012") != std::string::npos);  // Vietnamese dates in the CSV
  auto back = import_ok("csv", *csv);
  const json* plan = find_id(back["legal_documents"], "vb-19-kh-pgddt-2023");
  REQUIRE(plan);
  CHECK((*plan)["summary"] == "=HYPERLINK(\"https://attacker.example\",\"Bấm vào đây\")");
  auto js = bookcase::export_catalogue("json", out);
  REQUIRE(js.has_value());
  CHECK(js->find("\"summary\": \"=HYPERLINK") != std::string::npos);  // JSON is not a spreadsheet
}

TEST_CASE("a list entry holding a semicolon cannot go to CSV but goes to JSON") {
  auto out = import_ok("csv", slurp("catalogue.csv"));
  out["legal_documents"][0]["fields"] = json::array({"An ninh; trật tự"});
  auto csv = bookcase::export_catalogue("csv", out);
  REQUIRE(!csv.has_value());
  CHECK(csv.err().path == "fields");
  CHECK(csv.err().message_vi.find("';'") != std::string::npos);
  auto js = bookcase::export_catalogue("json", out);
  REQUIRE(js.has_value());
  auto back = import_ok("json", *js);
  CHECK(back["legal_documents"][0]["fields"] == json::array({"An ninh; trật tự"}));
}

TEST_CASE("hostile or broken files are refused whole with a bilingual error") {
  auto refused = [](std::string_view format, std::string content, errc code, bookcase::options o = opts()) {
    auto r = bookcase::import_catalogue(format, content, o);
    REQUIRE(!r.has_value());
    CHECK(r.err().code == code);
    CHECK(!r.err().message_vi.empty());
    CHECK(!r.err().message_en.empty());
    CHECK(r.err().message_vi != r.err().message_en);
    return r.err();
  };
  auto head = std::string("number,type,title,issuer,issued_on\n");
  auto e = refused("csv", head + "1/KH-A,KH,T\xC3\x28,X,2023-01-01\n", errc::invalid_utf8);
  CHECK(e.message_en.find("line 2") != std::string::npos);
  refused("csv", head + "1/KH-A,KH,\"never closed,X,2023-01-01\n", errc::parse_error);
  refused("csv", head + "1/KH-A,KH,\"closed\"then,X,2023-01-01\n", errc::parse_error);
  refused("csv", "number,issuer\n1/KH-A,X\n", errc::missing_field);           // no title column
  refused("csv", "title,Trích yếu\nA,B\n", errc::parse_error);               // one column twice
  refused("csv", "", errc::parse_error);
  refused("xml", "<x/>", errc::invalid_argument);
  refused("json", "{\"items\": 5}", errc::wrong_type);
  refused("json", "{\"version\": 2, \"items\": []}", errc::unsupported_version);
  refused("json", std::string(200, '[') + std::string(200, ']'), errc::too_large);

  auto small = opts();
  small.limit.max_bytes = 1000;
  refused("csv", head + std::string(2000, 'x'), errc::too_large, small);
  auto few = opts();
  few.limit.max_items = 3;
  std::string rows = head;
  for (int i = 1; i <= 4; ++i) rows += std::to_string(i) + "/KH-A,KH,T" + std::to_string(i) + ",X,2023-01-01\n";
  refused("csv", rows, errc::too_large, few);
  refused("json", "[{},{},{},{}]", errc::too_large, few);
  auto narrow = opts();
  narrow.limit.max_cell_bytes = 100;
  refused("csv", head + "1/KH-A,KH,\"" + std::string(500, 'y') + "\",X,2023-01-01\n", errc::too_large, narrow);
  std::string wide = "title";
  for (int i = 0; i < 100; ++i) wide += ",c" + std::to_string(i);
  refused("csv", wide + "\n", errc::too_large);
}

TEST_CASE("bad rows and fields a catalogue should not set are warnings, the rest imports") {
  std::string csv =
      "id,kind,number,type,title,issuer,issued_on,status,level,documents\n"
      "../../etc,document,7/KH-A,KH,Mã có đường dẫn,X,2023-01-01,,,\n"           // path in an id
      ",document,8/KH-A,KH,Kế hoạch,X,2023-01-01,Còn hiệu lực,Tỉnh,\n"          // status dropped
      ",document,9/2023/TT-BGDĐT,,Thông tư,Bộ Giáo dục và Đào tạo,2023-01-01,,,\n"  // status from dates
      ",document,10/2022/TT-BGDĐT,TT,Năm lệch,Bộ Giáo dục và Đào tạo,2023-01-01,,,\n"  // year != date
      ",spaceship,11/KH-A,KH,Loại lạ,X,2023-01-01,,,\n"
      ",document,12/KH-A,KH,Cấp lạ,X,2023-01-01,,cấp vũ trụ,\n"
      ",book,,,Sách trỏ văn bản không có,,,,,99/KH-A; id:vb-8-kh-a-2023; id:../x\n"
      "vb-8-kh-a-2023,document,13/KH-A,KH,Mã trùng,X,2023-01-01,,,\n";
  auto out = import_ok("csv", csv);
  INFO(out.dump(1));
  const auto& docs = out["legal_documents"];
  REQUIRE(docs.size() == 2);
  const json* plan = find_id(docs, "vb-8-kh-a-2023");
  REQUIRE(plan);
  CHECK(!plan->contains("status"));  // administrative: no validity status
  CHECK((*plan)["level"] == "city");
  const json* circular = find_id(docs, "vb-9-2023-tt-bgddt");
  REQUIRE(circular);
  CHECK((*circular)["status"] == "in_force");  // no status given, no dates against: in force
  REQUIRE(out["publications"].size() == 1);
  CHECK(out["publications"][0]["documents"] == json::array({"vb-8-kh-a-2023"}));
  std::multiset<std::pair<int, bool>> lines;
  for (const auto& w : out["warnings"]) lines.emplace(w["line"].get<int>(), w["skipped"].get<bool>());
  CHECK(lines == std::multiset<std::pair<int, bool>>{
                     {2, true}, {5, true}, {6, true}, {7, true}, {8, false}, {8, false}, {9, true}});
}

TEST_CASE("books need the unit from the configuration and the configuration is checked") {
  auto o = opts();
  o.unit.reset();
  auto out = import_ok("csv", slurp("catalogue.csv"), o);
  CHECK(out["publications"].empty());
  CHECK(out["legal_documents"].size() == 10);
  CHECK(out["warnings"].size() == 9);

  auto cfg = bookcase::options_from_config(json{{"unit", "th-van-yen"}, {"default_level", "city"}, {"max_items", 50}});
  CHECK(cfg.unit->value == "th-van-yen");
  CHECK(cfg.default_level == document_level::city);
  CHECK(cfg.limit.max_items == 50);
  CHECK_THROWS_AS(bookcase::options_from_config(json{{"unit", "../x"}}), pbgdpl::exception);
  CHECK_THROWS_AS(bookcase::options_from_config(json{{"default_level", "galaxy"}}), pbgdpl::exception);
  CHECK_THROWS_AS(bookcase::options_from_config(json{{"max_bytes", 1u << 30}}), pbgdpl::exception);
  CHECK_THROWS_AS(bookcase::options_from_config(json::array()), pbgdpl::exception);
}

TEST_CASE("the exporter refuses other kinds and unknown formats") {
  store::record r;
  r.kind = "article";
  r.id = "a";
  r.body = json::object();
  auto e = bookcase::export_records("bookcase-csv", {r});
  REQUIRE(!e.has_value());
  CHECK(e.err().path == "/records/0");
  CHECK(!bookcase::export_records("csv", {}).has_value());
  auto empty = bookcase::export_records("bookcase-csv", {});
  REQUIRE(empty.has_value());
  CHECK(*empty == "\xEF\xBB\xBFid,kind,category,number,type,title,summary,issuer,level,issued_on,effective_on,"
                  "expires_on,status,family,period,fields,file_url,publisher,documents\r\n");
  // An invalid entity in an export request is refused, naming it.
  auto bad = bookcase::export_catalogue("json", json{{"legal_documents", json::array({json{{"id", "x"}}})}});
  REQUIRE(!bad.has_value());
  CHECK(bad.err().path.starts_with("/legal_documents/0"));
}

TEST_CASE("import time grows linearly with the rows") {
  auto make = [](int n) {
    std::string s = "number,type,title,issuer,issued_on,fields\n";
    for (int i = 1; i <= n; ++i)
      s += std::to_string(i) + "/KH-PGDĐT,Kế hoạch,Kế hoạch tuyên truyền số " + std::to_string(i) +
           ",Phòng Giáo dục và Đào tạo quận Hà Đông,22/03/2023,Phổ biến; Giáo dục\n";
    return s;
  };
  auto time = [&](int n) {
    auto content = make(n);
    auto t0 = std::chrono::steady_clock::now();
    auto out = import_ok("csv", content);
    auto t1 = std::chrono::steady_clock::now();
    CHECK(out["legal_documents"].size() == static_cast<std::size_t>(n));
    return std::chrono::duration<double>(t1 - t0).count();
  };
  double small = time(1000), large = time(10000);
  MESSAGE("1000 rows: " << small << " s, 10000 rows: " << large << " s");
  CHECK(large < 30 * small + 0.5);  // 10x the rows: far from 100x the time
  CHECK(large < 20.0);
}

TEST_CASE("a file of bad rows gives a bounded list of warnings and no entity") {
  std::string csv = "number,type,title,issuer,issued_on\n";
  for (int i = 0; i < 5000; ++i) csv += "x" + std::to_string(i) + ",KH,T,X,2023-01-01\n";
  auto out = import_ok("csv", csv);
  CHECK(out["legal_documents"].empty());
  REQUIRE(out["warnings"].size() == 201);
  CHECK(out["warnings"][200]["en"] == "4800 more warnings not listed");
  CHECK(!out["warnings"][200].contains("line"));
}

TEST_CASE("JSON items of the wrong shape and cells with control characters are row warnings") {
  auto out = import_ok("json", R"([
    "not an object",
    {"number": "1/KH-A", "type": "KH", "title": "A", "issuer": "X", "issued_on": "2023-01-01", "fields": [["nested"]]},
    {"number": "2/KH-A", "type": "KH", "title": "B\u0000C", "issuer": "X", "issued_on": "2023-01-01"},
    {"number": "3/KH-A", "type": {"x": 1}, "title": "C", "issuer": "X", "issued_on": "2023-01-01"},
    {"number": "4/KH-A", "type": "KH", "title": "D", "issuer": "X", "issued_on": "2023-01-01", "colour": "red"}
  ])");
  REQUIRE(out["legal_documents"].size() == 1);
  CHECK(out["legal_documents"][0]["number"] == "4/KH-A");
  std::vector<int> items;
  for (const auto& w : out["warnings"])
    if (w.contains("item")) items.push_back(w["item"].get<int>());
  CHECK(items == std::vector<int>{1, 2, 4, 3});  // read errors first, then model errors
  // The unknown key is a warning about the file, not a row.
  bool colour = false;
  for (const auto& w : out["warnings"]) colour = colour || w["en"].get<std::string>().find("\"colour\"") != std::string::npos;
  CHECK(colour);
}

TEST_CASE("a hostile cell can neither flood the warnings nor carry escape sequences into them") {
  std::string csv = "number,type,title,issuer,issued_on,status\n";
  csv += std::string(1 << 19, '7') + ",KH,T,X,2023-01-01,\n";
  csv += "1/2023/TT-A,TT,T,X,2023-01-01,\x1b[2J\x1b]0;owned\x07" + std::string(1 << 19, 'z') + "\n";
  csv += "2/2023/TT-A,TT,T,X,\xC2\x9B" "31m,\n";
  auto out = import_ok("csv", csv);
  REQUIRE(out["warnings"].size() == 3);
  for (const auto& w : out["warnings"]) {
    auto vi = w["vi"].get<std::string>(), en = w["en"].get<std::string>();
    CHECK(vi.size() < 400);
    CHECK(en.size() < 400);
    for (const auto& m : {vi, en}) {
      CHECK(m.find('\x1b') == std::string::npos);
      CHECK(m.find('\x07') == std::string::npos);
      CHECK(m.find("\xC2\x9B") == std::string::npos);
    }
  }
}

TEST_CASE("the built plugin answers through the fake host what the catalogue code answers") {
  plugin::fake_host fake;
  const auto at = parse_timestamp("2026-12-01T09:00:00+07:00").value();
  fake.set_now(at);
  auto loaded = fake.load(so_file, json{{"unit", "pgd-ha-dong"}});
  REQUIRE_MESSAGE(loaded.has_value(), (loaded ? std::string() : loaded.err().describe()));
  const auto& d = (*loaded)->descriptor();
  CHECK(std::string(d.id) == "bookcase");
  CHECK(d.kinds == (PBGDPL_KIND_CONNECTOR | PBGDPL_KIND_EXPORTER));
  CHECK((d.flags & PBGDPL_PLUGIN_THREAD_SAFE) != 0);

  bookcase::options o;
  o.unit = unit_id{"pgd-ha-dong"};
  o.now = at;
  for (auto [format, file] : {std::pair{"csv", "catalogue.csv"}, std::pair{"json", "catalogue.json"}}) {
    auto via_plugin = (*loaded)->call_import(format, slurp(file));
    REQUIRE_MESSAGE(via_plugin.has_value(), (via_plugin ? std::string() : via_plugin.err().describe()));
    auto direct = bookcase::import_catalogue(format, slurp(file), o);
    REQUIRE(direct.has_value());
    CHECK(*via_plugin == *direct);  // the host's clock stamped the entities
    CHECK((*via_plugin)["legal_documents"].size() == 10);

    auto exported = (*loaded)->call_export_catalogue(format, *via_plugin);
    REQUIRE(exported.has_value());
    CHECK(*exported == bookcase::export_catalogue(format, *direct).value());
  }

  // The exporter kind, over records as the store keeps them.
  auto imported = bookcase::import_catalogue("csv", slurp("catalogue.csv"), o).value();
  std::vector<store::record> records;
  for (const auto& j : imported["legal_documents"]) {
    auto r = store::store::to_record(from_json_value<legal_document>(j).value());
    REQUIRE(r.has_value());
    records.push_back(*r);
  }
  auto csv = (*loaded)->call_export("bookcase-csv", records);
  REQUIRE(csv.has_value());
  CHECK(*csv == bookcase::export_records("bookcase-csv", records).value());

  // An error crosses the boundary in both languages, with its code.
  auto bad = (*loaded)->call_import("csv", "number,issuer\n1/KH-A,X\n");
  REQUIRE(!bad.has_value());
  CHECK(bad.err().code == errc::missing_field);
  CHECK(bad.err().message_vi.find("title") != std::string::npos);
  CHECK(bad.err().message_en.find("title column") != std::string::npos);
}

TEST_CASE("plugin_host finds the plugin by its manifest and refuses a bad configuration") {
  plugin::host_options ho;
  ho.enabled = true;
  ho.dirs = {PBGDPL_PLUGIN_DIR};
  ho.use_env_path = false;
  ho.log = [](pbgdpl_log_level, std::string_view, std::string_view) {};
  plugin::plugin_host h(std::move(ho));

  auto exporter = plugin::open_exporter(h, "bookcase", json::object());
  REQUIRE_MESSAGE(exporter.has_value(), (exporter ? std::string() : exporter.err().describe()));
  const auto& formats = (*exporter)->formats();
  REQUIRE(formats.size() == 2);
  CHECK(formats[0].format == "bookcase-json");
  CHECK(formats[1].content_type == "text/csv; charset=utf-8");
  CHECK(!(*exporter)->export_records("csv", {}).has_value());  // not a format it lists

  auto connector = plugin::open_connector(h, "bookcase", json{{"unit", "pgd-ha-dong"}});
  REQUIRE(connector.has_value());
  auto out = (*connector)->import_catalogue("json", slurp("catalogue.json"));
  REQUIRE(out.has_value());
  CHECK((*out)["publications"].size() == 4);
  CHECK((*out)["warnings"].size() == 5);

  for (const auto& config : {json{{"unit", "../etc"}}, json{{"default_level", "galaxy"}}, json{{"max_bytes", -1}}}) {
    auto refused = plugin::open_connector(h, "bookcase", config);
    REQUIRE(!refused.has_value());
    CHECK(!refused.err().message_vi.empty());
    CHECK(!refused.err().message_en.empty());
    CHECK(refused.err().message_vi != refused.err().message_en);
  }
}
