// Exports of a report period's data and documents: JSON of the views; CSV data values (one row
// per unit, indicator and breakdown, as DHIS2 exchanges them) and the same as an Excel workbook,
// which is what division staff open; the report as a Vietnamese administrative document laid out
// per Decree 30/2020/NĐ-CP (Phụ lục I), in HTML for print and as a PDF with its fonts embedded;
// and an e-mail package (a MIME message holding the PDF, the workbook and the CSV) for units that
// still send reports by mail.
#pragma once
#include "rollup.hpp"
#include "../core/result.hpp"

#include <string>
#include <string_view>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace reports {

// --- JSON -----------------------------------------------------------------------------------
// The views as JSON objects (pretty when indent >= 0). Field names as the structs'.
PBGDPL_DECL std::string to_json(const division_view& v, int indent = -1);
PBGDPL_DECL std::string to_json(const city_view& v, int indent = -1);

// --- CSV data values --------------------------------------------------------------------------
// One value: a unit's own (breakdown ""), or an aggregate at the unit above (breakdown "" for the
// total, "mn"/"th"/"thcs" for a school level). Numbers in the shortest form that reads back the
// same ("12", "12.5"), yes/no as "true"/"false", text as is.
struct data_value {
  std::string unit, period, indicator, breakdown, value, comment;
  friend bool operator==(const data_value&, const data_value&) = default;
};
// Every counted school's values, then the division's totals and level splits.
PBGDPL_DECL std::vector<data_value> data_values(const division_view& v);
// One submission's own values (whatever its state).
PBGDPL_DECL std::vector<data_value> data_values(const report_submission& s);
// RFC 4180 (CRLF, quotes doubled), UTF-8 with a byte order mark for Excel, header
// unit,period,indicator,breakdown,value,comment. A cell starting with = + - @ tab CR or ' gets a
// leading ' (against formula injection in spreadsheets) unless it is a plain number.
PBGDPL_DECL std::string to_csv(std::span<const data_value> values);
// Reads what to_csv wrote (BOM optional, CRLF or LF, the guard ' taken off): exact round trip.
// errc::validation_failed for a wrong header, an unterminated quote or a row of another width.
PBGDPL_DECL result<std::vector<data_value>> parse_csv(std::string_view csv);

// --- XLSX (libxlsxwriter) -------------------------------------------------------------------
// A workbook with a sheet "Tổng hợp" (one row per school, one column per indicator, then the
// totals and level rows) and a sheet "Dữ liệu" (the data values), Vietnamese headers. The bytes
// of the .xlsx file.
PBGDPL_DECL result<std::string> to_xlsx(const report_template& t, const division_view& v);

// --- Decree 30/2020 document --------------------------------------------------------------------
// The frame of an administrative report (Nghị định 30/2020/NĐ-CP, Phụ lục I, mẫu 1.1): who
// issues it, its number, place and date, who receives it and who signs.
struct document_frame {
  std::string parent_body;   // the issuing body's governing body, upper case: "UBND QUẬN HÀ ĐÔNG"
  std::string issuing_body;  // upper case, bold: "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO"
  std::string number;        // "" leaves the number blank for the clerk: "Số:      /BC-PGDĐT"
  std::string issuer_code;   // the symbol's issuer part: "PGDĐT"
  std::string place;         // "Hà Đông"
  date issued_on{};
  std::string summary;       // the summary line under "BÁO CÁO"
  std::vector<std::string> recipients;  // "Nơi nhận": "Sở GDĐT Hà Nội", ...; "Lưu: VT" is added
  std::string authority;     // "KT. TRƯỞNG PHÒNG", "TM. ỦY BAN NHÂN DÂN"; "" signing in one's own right
  std::string signer_title;  // "PHÓ TRƯỞNG PHÒNG", "HIỆU TRƯỞNG"
  std::string signer_name;
  friend bool operator==(const document_frame&, const document_frame&) = default;
};
struct document_table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  friend bool operator==(const document_table&, const document_table&) = default;
};
struct document_section {
  std::string heading;                  // "I. KẾT QUẢ THỰC HIỆN"
  std::vector<std::string> paragraphs;  // plain text
  std::vector<document_table> tables;
  friend bool operator==(const document_section&, const document_section&) = default;
};
struct report_document {
  document_frame frame;
  std::vector<document_section> sections;
  friend bool operator==(const report_document&, const report_document&) = default;
};
// The division's report: completeness, a table of totals (and by level), the KPIs, the schools,
// the ranking formula and order. The summary defaults to "Kết quả thực hiện Kế hoạch <plan
// number> ... <period label>" when the frame's is empty.
PBGDPL_DECL report_document division_document(const report_template& t, const report_period& p,
                                              const division_view& v, document_frame frame);
// A school's own report: its values indicator by indicator (with the computed value and the
// justification where a person overrode it), its narrative (text) indicators as paragraphs.
PBGDPL_DECL report_document school_document(const report_template& t, const report_period& p,
                                            const report_submission& s, document_frame frame);
// A complete HTML page (lang="vi"), print CSS for A4 in Times New Roman 13-14pt (DejaVu Serif
// when it is missing), every text escaped.
PBGDPL_DECL std::string decree30_html(const report_document& d);
// The same document as PDF (cairo + pango; fonts subset and embedded by cairo). errc::io_error when
// cairo fails.
PBGDPL_DECL result<std::string> decree30_pdf(const report_document& d);

// --- E-mail package -----------------------------------------------------------------------------
struct mail_attachment {
  std::string filename;    // UTF-8; sent with RFC 2231 encoding
  std::string media_type;  // "application/pdf"
  std::string bytes;
  friend bool operator==(const mail_attachment&, const mail_attachment&) = default;
};
struct mail_message {
  std::string from, to;    // addresses ("a@b.vn" or "Name <a@b.vn>"); CR, LF refused
  std::string subject;     // UTF-8, sent as RFC 2047 encoded words
  std::string text;        // UTF-8 body (sent base64)
  timestamp sent_at{};
  std::vector<mail_attachment> attachments;
  friend bool operator==(const mail_message&, const mail_message&) = default;
};
// A MIME multipart/mixed message (RFC 5322, 2045-2047, 2231), CRLF line ends, a .eml file.
// errc::validation_failed when a header field holds CR or LF or an address is empty.
PBGDPL_DECL result<std::string> email_package(const mail_message& m);
// The division's package: a short bilingual text, the Decree 30 PDF, the workbook and the CSV,
// named after the period ("bao-cao-<period>.pdf").
PBGDPL_DECL result<std::string> division_email(const report_template& t, const report_period& p,
                                               const division_view& v, const document_frame& frame,
                                               std::string from, std::string to, timestamp now);

}  // namespace reports
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/exports.ipp"
#endif
