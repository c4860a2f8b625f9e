// Exports of a report period's data and documents: JSON of the views; CSV data values (one row
// per unit, indicator and breakdown, as DHIS2 exchanges them) and the same as an Excel workbook,
// which is what division staff open; the report as a Vietnamese administrative document laid out
// per Decree 30/2020/NĐ-CP (Phụ lục I), in HTML for print and as a PDF with its fonts embedded;
// and an e-mail package (a MIME message holding the PDF, the workbook and the CSV) for units that
// still send reports by mail.
#pragma once
#include "decree30.hpp"
#include "mail.hpp"
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
// Every counted school's values, then the division's totals and level splits ("other" for
// schools without a level). The template says which values are yes/no.
PBGDPL_DECL std::vector<data_value> data_values(const report_template& t, const division_view& v);
// The city's: each area's totals (unit = the area), then the city's (unit = the city).
PBGDPL_DECL std::vector<data_value> data_values(const report_template& t, const city_view& v);
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
