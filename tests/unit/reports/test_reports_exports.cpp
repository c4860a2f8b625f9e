#include <pbgdpl/reports/exports.hpp>
#include <pbgdpl/core/time.hpp>

#include <doctest/doctest.h>

#include "rollup_fixture.hpp"

#include <pbgdpl/core/text.hpp>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace pbgdpl;
using namespace pbgdpl::reports;
using namespace rollup_fixture;

namespace {

// A file under the test's own temporary directory, removed at the end.
struct scratch {
  std::filesystem::path dir;
  scratch() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "pbgdpl-exports-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()));
    dir = tmpl;
  }
  ~scratch() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  std::filesystem::path write(const std::string& name, const std::string& bytes) const {
    auto p = dir / name;
    std::ofstream(p, std::ios::binary) << bytes;
    return p;
  }
};

// Runs a command and returns what it printed; the exit status in `status`.
std::string run(const std::string& cmd, int& status) {
  std::string out;
  FILE* f = ::popen(cmd.c_str(), "r");
  REQUIRE(f);
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0) out.append(buf.data(), n);
  status = ::pclose(f);
  return out;
}

std::string run_cmd_text(const std::filesystem::path& pdf) {
  int st = 0;
  auto text = run("pdftotext -enc UTF-8 -nopgbrk '" + pdf.string() + "' -", st);
  REQUIRE(st == 0);
  return text;
}

bool have(const char* tool) {
  int st = 0;
  run(std::string("command -v ") + tool + " >/dev/null 2>&1", st);
  return st == 0;
}

// A Python with openpyxl: the one on PATH (it may be a pyenv one), else Debian's.
std::string python_with_openpyxl() {
  for (const char* py : {"python3", "/usr/bin/python3"}) {
    int st = 0;
    run(std::string(py) + " -c 'import openpyxl' >/dev/null 2>&1", st);
    if (st == 0) return py;
  }
  return {};
}

division_view sample_view() {
  auto t = kh19();
  auto p = period(2024, report_round::first);
  auto units = rollup_fixture::units();
  units.back().name = "Trường <script>alert(1)</script> & \"Yên Nghĩa\"";
  auto reports = reports_2024(p);
  reports[0].values[0].comment = "=HYPERLINK(\"http://evil.example\",\"bấm\")";
  reports[1].values[0].comment = "có dấu phẩy, \"ngoặc kép\"\r\nvà xuống dòng";
  return division_rollup(t, p, reports, units, unit_id{"pgddt-ha-dong"});
}

document_frame sample_frame() {
  document_frame f;
  f.parent_body = "UBND QUẬN HÀ ĐÔNG";
  f.issuing_body = "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO";
  f.issuer_code = "PGDĐT";
  f.place = "Hà Đông";
  f.issued_on = day(2024, 7, 5);
  f.recipients = {"Sở GDĐT Hà Nội", "UBND quận Hà Đông"};
  f.authority = "KT. TRƯỞNG PHÒNG";
  f.signer_title = "PHÓ TRƯỞNG PHÒNG";
  f.signer_name = "Nguyễn Văn An";
  return f;
}

// Every Vietnamese vowel with each of the five tones (and none), upper and lower case, and đ Đ.
std::vector<std::string> vietnamese_letters() {
  std::vector<std::string> out;
  const char* bases[] = {"a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"};
  const char* tones[] = {"", "\xCC\x80", "\xCC\x81", "\xCC\x83", "\xCC\x89", "\xCC\xA3"};  // ` ´ ~ ? .
  for (const char* b : bases)
    for (const char* t : tones) {
      auto lower = text::nfc(std::string(b) + t);
      REQUIRE(lower);
      out.push_back(*lower);
    }
  // Upper case: the same through utf8proc's own upper-casing is not in the library; spell them.
  const char* upper_bases[] = {"A", "Ă", "Â", "E", "Ê", "I", "O", "Ô", "Ơ", "U", "Ư", "Y"};
  for (const char* b : upper_bases)
    for (const char* t : tones) {
      auto upper = text::nfc(std::string(b) + t);
      REQUIRE(upper);
      out.push_back(*upper);
    }
  out.push_back("đ");
  out.push_back("Đ");
  return out;
}

}  // namespace

TEST_SUITE("reports/exports") {
  TEST_CASE("the JSON of a division view carries its totals, rows and ranking") {
    auto v = sample_view();
    auto j = nlohmann::json::parse(to_json(v));
    CHECK(j["unit"] == "pgddt-ha-dong");
    CHECK(j["counted"] == 2);
    CHECK(j["schools"].size() == 6);
    CHECK(j["total"][0]["code"] == "articles_published");
    CHECK(j["total"][0]["value"] == 10);
    CHECK(j["as_of"] == "2024-06-30");
    CHECK(j["ranking"].size() == 2);
    CHECK(j["ranking_formula"].get<std::string>().starts_with("Điểm"));
    auto c = city_rollup(kh19(), period(2024, report_round::first), reports_2024(period(2024, report_round::first)),
                         units(), unit_id{"ha-noi"});
    auto cj = nlohmann::json::parse(to_json(c, 2));
    CHECK(cj["areas"][0]["unit"] == "pgddt-ha-dong");
    CHECK(cj["areas"][0]["kind"] == "education_division");
  }

  TEST_CASE("CSV data values round-trip exactly and no cell can start a formula") {
    auto t = kh19();
    auto v = sample_view();
    auto values = data_values(t, v);
    // 2 counted schools x 6 values, then 6 totals and 2 level rows (mn, th) of articles.
    REQUIRE(values.size() == 12 + 6 + 2);
    CHECK(values[0].unit == "mn-van-khe");
    CHECK(values[0].value == "4");
    auto section = std::find_if(values.begin(), values.end(),
                                [](const data_value& d) { return d.unit == "mn-van-khe" && d.indicator == "section_present"; });
    REQUIRE(section != values.end());
    CHECK(section->value == "true");
    CHECK(values.back().breakdown == "th");
    // Hostile cells besides the sample's.
    values.push_back({"u", "p", "x", "", "-5", "+cmd|' /C calc'!A0"});
    values.push_back({"u", "p", "x", "", "@SUM(1+1)*cmd|' /C calc'!A0", "'đã có dấu nháy"});
    values.push_back({"u", "p", "x", "", "\tTab", "-"});
    auto csv = to_csv(values);
    CHECK(csv.starts_with("\xEF\xBB\xBFunit,period,indicator,breakdown,value,comment\r\n"));
    CHECK(csv.find("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"bấm\"\")\"") != std::string::npos);
    CHECK(csv.find(",-5,'+cmd") != std::string::npos);  // a plain negative number is left alone
    CHECK(csv.find(",'@SUM") != std::string::npos);
    CHECK(csv.find(",''đã có") != std::string::npos);
    // No field begins with a formula character: after every separator and at every line start.
    for (std::size_t i = 0; i + 1 < csv.size(); ++i) {
      bool starts = csv[i] == ',' || csv[i] == '\n';
      if (!starts) continue;
      char c = csv[i + 1] == '"' && i + 2 < csv.size() ? csv[i + 2] : csv[i + 1];
      if (c == '-' && csv.compare(i + 1, 3, "-5,") == 0) continue;
      CHECK_MESSAGE(std::string("=+@").find(c) == std::string::npos, csv.substr(i, 40));
    }
    auto back = parse_csv(csv);
    REQUIRE(back);
    CHECK(*back == values);
    // Without the byte order mark and with LF line ends it reads the same.
    std::string lf;
    for (std::size_t i = 3; i < csv.size(); ++i)
      if (!(csv[i] == '\r' && i + 1 < csv.size() && csv[i + 1] == '\n' && csv[i - 1] != '\n')) lf += csv[i];
    auto back_lf = parse_csv(lf);
    REQUIRE(back_lf);
    CHECK(back_lf->size() == values.size());
  }

  TEST_CASE("a malformed CSV is refused with a clear error") {
    CHECK(parse_csv("").err().code == errc::validation_failed);
    CHECK(parse_csv("a,b\r\n").err().code == errc::validation_failed);
    auto unterminated = parse_csv("unit,period,indicator,breakdown,value,comment\r\nu,p,i,,\"open,\r\n");
    REQUIRE_FALSE(unterminated);
    CHECK(unterminated.err().message_en.find("quote") != std::string::npos);
    CHECK_FALSE(parse_csv("unit,period,indicator,breakdown,value,comment\r\nu,p,i\r\n"));
    CHECK(parse_csv("unit,period,indicator,breakdown,value,comment\r\n")->empty());
  }

  TEST_CASE("the workbook opens back with its two sheets, headers and totals") {
    auto t = kh19();
    auto v = sample_view();
    auto xlsx = to_xlsx(t, v);
    REQUIRE(xlsx);
    CHECK(xlsx->starts_with("PK"));
    auto python = python_with_openpyxl();
    if (python.empty()) {
      MESSAGE("python3-openpyxl is missing: the workbook is checked by its zip entries only");
      REQUIRE(have("unzip"));
      scratch s;
      auto f = s.write("r.xlsx", *xlsx);
      int st = 0;
      auto strings = run("unzip -p '" + f.string() + "' xl/sharedStrings.xml", st);
      CHECK(st == 0);
      CHECK(strings.find("Tổng hợp (2/6 trường)") != std::string::npos);
      return;
    }
    scratch s;
    auto f = s.write("r.xlsx", *xlsx);
    const char* script =
        "import openpyxl,sys,json\n"
        "wb=openpyxl.load_workbook(sys.argv[1])\n"
        "s=wb['Tổng hợp']; d=wb['Dữ liệu']\n"
        "rows=[[c.value for c in r] for r in s.iter_rows()]\n"
        "print(json.dumps({'sheets':wb.sheetnames,'rows':rows,'data':[[c.value for c in r] for r in d.iter_rows()]}))\n";
    auto py = s.write("read.py", script);
    int st = 0;
    auto out = run(python + " '" + py.string() + "' '" + f.string() + "'", st);
    REQUIRE(st == 0);
    auto j = nlohmann::json::parse(out);
    CHECK(j["sheets"] == nlohmann::json::array({"Tổng hợp", "Dữ liệu"}));
    auto rows = j["rows"];
    // Title, blank, header, 6 schools, total, 2 levels.
    REQUIRE(rows.size() == 3 + 6 + 1 + 2);
    CHECK(rows[2][0] == "Mã đơn vị");
    CHECK(rows[2][4] == "Số bài viết PBGDPL đã đăng (bài)");
    auto total = rows[9];
    CHECK(total[1] == "Tổng hợp (2/6 trường)");
    CHECK(total[4] == 10);
    CHECK(total[5] == 15);
    CHECK(total[6] == 50);
    // The hostile name is text in a cell, not markup or a formula.
    bool found = false;
    for (const auto& r : rows)
      if (r[1] == "Trường <script>alert(1)</script> & \"Yên Nghĩa\"") found = true;
    CHECK(found);
    auto data = j["data"];
    CHECK(data[0] == nlohmann::json::array({"Mã đơn vị", "Kỳ báo cáo", "Chỉ tiêu", "Phân tổ", "Giá trị", "Ghi chú"}));
    CHECK(data.size() == 1 + data_values(t, v).size());
    CHECK(data[1][4] == 4);
    CHECK(data[1][5] == "=HYPERLINK(\"http://evil.example\",\"bấm\")");  // a string cell, never a formula

    // Text longer than a cell holds is cut with an ellipsis, not dropped.
    auto long_view = v;
    auto counted = std::find_if(long_view.schools.begin(), long_view.schools.end(), [](const unit_row& r) { return r.counted; });
    REQUIRE(counted != long_view.schools.end());
    REQUIRE(!counted->cells.empty());
    counted->cells[0].comment = std::string(40000, 'x');
    auto long_xlsx = to_xlsx(t, long_view);
    REQUIRE(long_xlsx);
    auto lf = s.write("long.xlsx", *long_xlsx);
    auto long_out = run(python + " '" + py.string() + "' '" + lf.string() + "'", st);
    REQUIRE(st == 0);
    auto lj = nlohmann::json::parse(long_out);
    auto comment = lj["data"][1][5].get<std::string>();
    CHECK(comment.size() == 32000 + std::string("…").size());
    CHECK(comment.ends_with("…"));
  }

  TEST_CASE("the Decree 30 HTML has the national title, the frame and escapes every text") {
    auto t = kh19();
    auto p = period(2024, report_round::first);
    auto doc = division_document(t, p, sample_view(), sample_frame());
    CHECK(doc.frame.summary == "Kết quả thực hiện Kế hoạch 19/KH-PGDĐT, đợt 1 năm 2024 (sau tổng kết năm học 2023-2024)");
    auto html = decree30_html(doc);
    CHECK(html.starts_with("<!DOCTYPE html>\n<html lang=\"vi\">"));
    for (std::string_view needle :
         {"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "UBND QUẬN HÀ ĐÔNG",
          "<strong>PHÒNG GIÁO DỤC VÀ ĐÀO TẠO</strong>", "<p class=\"number\">Số:       /BC-PGDĐT", "Hà Đông, ngày 05 tháng 7 năm 2024",
          "<h1>BÁO CÁO", "Nơi nhận:", "- Sở GDĐT Hà Nội;", "- Lưu: VT.", "KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG",
          "Nguyễn Văn An", "Times New Roman", "size: A4", "ĐỀ XUẤT KHEN THƯỞNG", "Chưa đạt"})
      CHECK_MESSAGE(html.find(needle) != std::string::npos, needle);
    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find("Trường &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Yên Nghĩa&quot;") != std::string::npos);
    // Headings in order: one h1, then h2s.
    CHECK(html.find("<h2>") > html.find("<h1>"));
    CHECK(html.find("<h3>") == std::string::npos);

    // Under a style-src 'self' policy the page links the stylesheet instead of carrying it.
    auto linked = decree30_html(doc, "/static/decree30.css?v=\"1\"");
    CHECK(linked.find("<style>") == std::string::npos);
    CHECK(linked.find("<link rel=\"stylesheet\" href=\"/static/decree30.css?v=&quot;1&quot;\">") != std::string::npos);
    CHECK(html.find(decree30_css()) != std::string::npos);

    auto numbered = sample_frame();
    numbered.number = "12";
    numbered.authority.clear();
    numbered.signer_title = "HIỆU TRƯỞNG";
    auto school = school_document(t, p, reports_2024(p)[0], numbered);
    auto shtml = decree30_html(school);
    CHECK(shtml.find("Số: 12/BC-PGDĐT") != std::string::npos);
    CHECK(shtml.find("KT.") == std::string::npos);
    CHECK(shtml.find("Kết quả nổi bật: Tọa đàm pháp luật") != std::string::npos);
  }

  TEST_CASE("the frame names the body above as it was that day") {
    auto us = units();
    us[1].short_name = "UBND quận Hà Đông";
    us[3].short_name = "UBND phường Hà Đông";
    auto division = frame_for(us, unit_id{"pgddt-ha-dong"}, day(2024, 7, 5));
    CHECK(division.issuing_body == "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO QUẬN HÀ ĐÔNG");
    CHECK(division.parent_body == "UBND QUẬN HÀ ĐÔNG");
    CHECK(division.issued_on == day(2024, 7, 5));
    // A school: under the division in 2024, under the ward (not its office) in December 2025.
    CHECK(frame_for(us, unit_id{"mn-van-khe"}, day(2024, 7, 5)).parent_body == "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO QUẬN HÀ ĐÔNG");
    auto school = frame_for(us, unit_id{"mn-van-khe"}, day(2025, 12, 10));
    CHECK(school.issuing_body == "TRƯỜNG MẦM NON VĂN KHÊ");
    CHECK(school.parent_body == "UBND PHƯỜNG HÀ ĐÔNG");
    CHECK(frame_for(us, unit_id{"no-such-unit"}, day(2025, 12, 10)).issuing_body.empty());
  }

  TEST_CASE("the city's document and data values list each area") {
    auto t = kh19();
    auto p = period(2024, report_round::first);
    auto c = city_rollup(t, p, reports_2024(p), units(), unit_id{"ha-noi"});
    auto values = data_values(t, c);
    REQUIRE(!values.empty());
    CHECK(values[0].unit == "pgddt-ha-dong");
    CHECK(values[0].value == "10");
    CHECK(values.back().unit == "ha-noi");
    auto html = decree30_html(city_document(t, p, c, sample_frame()));
    CHECK(html.find("Phòng Giáo dục và Đào tạo quận Hà Đông") != std::string::npos);
    CHECK(html.find("66,67%") != std::string::npos);  // (2 approved + 1 sent + 1 excused) / 6
    CHECK(html.find("50 / 100 (Chưa đạt)") != std::string::npos);
  }

  TEST_CASE("a school's document keeps the computed value and the justification of an override") {
    auto t = kh19();
    auto p = period(2024, report_round::first);
    auto s = reports_2024(p)[0];
    s.values[0].computed_number = 3;
    s.values[0].justification = "Hai bài đăng trên bảng tin giấy";
    auto doc = school_document(t, p, s, sample_frame());
    REQUIRE(!doc.sections.empty());
    REQUIRE(!doc.sections[0].tables.empty());
    const auto& row = doc.sections[0].tables[0].rows[0];
    CHECK(row[3] == "4");
    CHECK(row[4] == "Số liệu hệ thống: 3; lý do điều chỉnh: Hai bài đăng trên bảng tin giấy");
    s.values[0].computed_number = 4;  // no override: nothing said
    CHECK(school_document(t, p, s, sample_frame()).sections[0].tables[0].rows[0][4].empty());
  }

  TEST_CASE("the PDF keeps every Vietnamese letter and embeds its fonts") {
    if (!have("pdftotext") || !have("pdffonts")) {
      FAIL("pdftotext and pdffonts (poppler-utils) are needed: scripts/install-deps.sh test");
      return;
    }
    auto t = kh19();
    auto p = period(2024, report_round::first);
    auto doc = division_document(t, p, sample_view(), sample_frame());
    auto letters = vietnamese_letters();
    std::string sample;
    for (const auto& l : letters) sample += l + " ";
    doc.sections.push_back({"VI. MẪU CHỮ", {sample}, {}});
    // Enough rows to need a second page, so page breaks are exercised.
    document_table long_table{{"TT", "Trường"}, {}};
    for (int i = 1; i <= 60; ++i) long_table.rows.push_back({std::to_string(i), "Trường Tiểu học số " + std::to_string(i)});
    doc.sections.push_back({"VII. DANH SÁCH", {}, {long_table}});
    auto pdf = decree30_pdf(doc);
    REQUIRE(pdf);
    CHECK(pdf->starts_with("%PDF-"));
    scratch s;
    auto f = s.write("r.pdf", *pdf);
    int st = 0;
    auto text = run("pdftotext -enc UTF-8 '" + f.string() + "' -", st);
    REQUIRE(st == 0);
    auto nfc = text::nfc(text);
    REQUIRE(nfc);
    for (const auto& l : letters) CHECK_MESSAGE(nfc->find(l) != std::string::npos, l);
    for (std::string_view needle : {"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "BÁO CÁO",
                                    "Nơi nhận:", "KT. TRƯỞNG PHÒNG", "Nguyễn Văn An", "Trường Tiểu học số 60"})
      CHECK_MESSAGE(nfc->find(needle) != std::string::npos, needle);
    CHECK(text.find('\f') != std::string::npos);  // more than one page
    auto fonts = run("pdffonts '" + f.string() + "'", st);
    REQUIRE(st == 0);
    // Rows after the two header lines: name type encoding emb sub uni object ID.
    std::istringstream lines(fonts);
    std::string line;
    int n = 0, embedded = 0;
    while (std::getline(lines, line)) {
      if (++n <= 2 || line.empty()) continue;
      std::istringstream cols(line);
      std::vector<std::string> c;
      for (std::string w; cols >> w;) c.push_back(w);
      REQUIRE(c.size() >= 7);
      if (c[c.size() - 5] == "yes") ++embedded;
      CHECK_MESSAGE(c[c.size() - 5] == "yes", line);
    }
    CHECK(embedded >= 1);
  }

  TEST_CASE("broken UTF-8 and NUL in a document are shown as replacement characters, not passed to pango") {
    if (!have("pdftotext")) {
      FAIL("pdftotext (poppler-utils) is needed: scripts/install-deps.sh test");
      return;
    }
    report_document d;
    d.frame = sample_frame();
    d.sections.push_back({"I. THỬ", {std::string("trước\xC3 giữa\0sau\xF0\x9F", 22)}, {}});
    auto pdf = decree30_pdf(d);
    REQUIRE(pdf);
    scratch s;
    auto f = s.write("bad.pdf", *pdf);
    int st = 0;
    auto text = run("pdftotext -enc UTF-8 '" + f.string() + "' -", st);
    REQUIRE(st == 0);
    CHECK(text.find("trước\xEF\xBF\xBD giữa\xEF\xBF\xBDsau\xEF\xBF\xBD") != std::string::npos);
  }

  TEST_CASE("long text without spaces is laid out in time linear in its length") {
    // Pango re-measures an unbreakable run on every line: 100,000 letters took 10 s before runs
    // got break opportunities; now a fraction of a second (the bound leaves a wide margin).
    std::string run;
    while (run.size() < 100000) run += "Tuyênnnnnnnnnnnnnnnn";
    report_document d;
    d.frame = sample_frame();
    d.sections.push_back({"I. THỬ", {run}, {document_table{{"TT", "Tên"}, {{"1", run + run + run}}}}});
    auto start = pbgdpl::thread_cpu_time();  // the work, not wall time a loaded machine stretches
    auto pdf = decree30_pdf(d);
    auto took = pbgdpl::thread_cpu_time() - start;
    REQUIRE(pdf);
    CHECK(took < std::chrono::seconds(3));
    if (!have("pdftotext")) return;
    scratch s;
    auto f = s.write("long.pdf", *pdf);
    auto text = run_cmd_text(f);
    // Every letter is there: lines joined (page numbers and zero-width spaces aside), the
    // paragraph reads back whole.
    std::string joined;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      if (!line.empty() && line.find_first_not_of("0123456789") == std::string::npos) continue;
      for (std::size_t i = 0; i < line.size(); ++i) {
        if (line.compare(i, 3, "\xE2\x80\x8B") == 0) {
          i += 2;
          continue;
        }
        joined += line[i];
      }
    }
    CHECK(joined.find(run) != std::string::npos);
  }

  TEST_CASE("the e-mail package is a MIME message any reader opens with its three attachments") {
    mail_message m;
    m.from = "Phòng GDĐT Hà Đông <pgd@hadong.edu.vn>";
    m.to = "so@hanoi.edu.vn";
    m.subject = "Báo cáo kết quả thực hiện Kế hoạch 19/KH-PGDĐT, đợt 1 năm 2024 (sau tổng kết năm học 2023-2024)";
    m.text = "Kính gửi Sở GDĐT.\r\nDear Department.\r\n";
    m.sent_at = at(2024, 7, 5) + std::chrono::hours(3);
    std::string binary;
    for (int i = 0; i < 1000; ++i) binary += static_cast<char>(i * 7);
    m.attachments = {{"báo cáo đợt 1 năm 2024 của Phòng Giáo dục và Đào tạo quận Hà Đông.pdf", "application/pdf", binary},
                     {"tong-hop.csv", "text/csv; charset=UTF-8", "a,b\r\n"}};
    auto eml = email_package(m);
    REQUIRE(eml);
    CHECK(eml->find("Date: Fri, 05 Jul 2024 10:00:00 +0700\r\n") != std::string::npos);
    // Header lines stay within 78 characters (RFC 5322 2.1.1): long subjects fold.
    auto head_end = eml->find("\r\n\r\n");
    REQUIRE(head_end != std::string::npos);
    for (std::size_t start = 0; start < head_end;) {
      auto e = eml->find("\r\n", start);
      CHECK_MESSAGE(e - start <= 78, eml->substr(start, e - start));
      start = e + 2;
    }
    for (std::size_t i = 0, start = 0; i < eml->size(); ++i)
      if ((*eml)[i] == '\n') {
        CHECK(i - start <= 998);
        CHECK((i > 0 && (*eml)[i - 1] == '\r'));
        start = i + 1;
      }
    REQUIRE(have("python3"));
    scratch s;
    auto f = s.write("m.eml", *eml);
    auto bin = s.write("a.bin", binary);
    const char* script =
        "import email,sys,json\n"
        "from email import policy\n"
        "m=email.message_from_binary_file(open(sys.argv[1],'rb'),policy=policy.default)\n"
        "parts=[p for p in m.iter_attachments()]\n"
        "print(json.dumps({'subject':str(m['subject']),'from':str(m['from']),'type':m.get_content_type(),"
        "'defects':len(m.defects),'body':m.get_body(('plain',)).get_content(),"
        "'names':[p.get_filename() for p in parts],'same':parts[0].get_content()==open(sys.argv[2],'rb').read()}))\n";
    auto py = s.write("read.py", script);
    int st = 0;
    auto out = run("python3 '" + py.string() + "' '" + f.string() + "' '" + bin.string() + "'", st);
    REQUIRE(st == 0);
    auto j = nlohmann::json::parse(out);
    CHECK(j["subject"] == m.subject);
    CHECK(j["from"] == m.from);
    CHECK(j["type"] == "multipart/mixed");
    CHECK(j["defects"] == 0);
    CHECK(j["body"] == m.text);
    CHECK(j["names"] == nlohmann::json::array({m.attachments[0].filename, "tong-hop.csv"}));
    CHECK(j["same"] == true);
  }

  TEST_CASE("a header with a line break or a bad address is refused") {
    mail_message m;
    m.from = "a@b.vn";
    m.to = "c@d.vn";
    m.subject = "x\r\nBcc: victim@example.com";
    CHECK(email_package(m).err().code == errc::validation_failed);
    m.subject = "ok";
    m.to = "c@d.vn\nBcc: victim@example.com";
    CHECK(email_package(m).err().code == errc::validation_failed);
    m.to = "";
    CHECK(email_package(m).err().code == errc::validation_failed);
    m.to = "không phải địa chỉ";
    CHECK(email_package(m).err().code == errc::validation_failed);
    m.to = "c@d.vn";
    CHECK(email_package(m));
  }

  TEST_CASE("the division's package holds the PDF, the workbook and the CSV") {
    auto t = kh19();
    auto p = period(2024, report_round::first);
    auto eml = division_email(t, p, sample_view(), sample_frame(), "pgd@hadong.edu.vn", "so@hanoi.edu.vn",
                              at(2024, 7, 5));
    REQUIRE(eml);
    CHECK(eml->find("Content-Type: application/pdf") != std::string::npos);
    CHECK(eml->find("Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet") !=
          std::string::npos);
    CHECK(eml->find("Content-Type: text/csv; charset=UTF-8") != std::string::npos);
    CHECK(eml->find("filename*=UTF-8''bao-cao-pgddt-ha-dong-bc-kh19-2024-1.pdf") != std::string::npos);
  }
}
