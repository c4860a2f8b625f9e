// A report as a Vietnamese administrative document (Nghị định 30/2020/NĐ-CP, Phụ lục I): one
// document model, built from a division's roll-up or a school's submission, rendered as printable
// HTML and as a PDF with its fonts embedded (cairo + pango), so that both say the same.
#pragma once
#include "rollup.hpp"
#include "../core/result.hpp"
#include "../model/unit.hpp"

#include <string>
#include <string_view>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace reports {

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
// The frame's bodies from the units as they were on `on`: the issuing body is the unit's name in
// capitals; the governing body above it is its parent's, except that a commune or ward office gives
// way to its People's Committee (a school of a ward writes "ỦY BAN NHÂN DÂN PHƯỜNG ..." above its
// name) and a People's Committee is named by its short name when it has one ("UBND QUẬN HÀ ĐÔNG").
// issued_on = on. Place, number, issuer code, recipients and signer are the caller's to fill.
PBGDPL_DECL document_frame frame_for(std::vector<unit> units, const unit_id& u, date on);

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
// The city's summary across the units above the schools: completeness and the main totals per
// area, then the city's totals and KPIs.
PBGDPL_DECL report_document city_document(const report_template& t, const report_period& p, const city_view& v,
                                          document_frame frame);
// A school's own report: its values indicator by indicator (with the computed value and the
// justification where a person overrode it), its narrative (text) indicators as paragraphs.
PBGDPL_DECL report_document school_document(const report_template& t, const report_period& p,
                                            const report_submission& s, document_frame frame);
// A complete HTML page (lang="vi"), print CSS for A4 in Times New Roman 13-14pt (Liberation Serif,
// then DejaVu Serif, when it is missing), every text escaped. The CSS is inline unless
// `stylesheet_href` names where decree30_css() is served (a page under a Content-Security-Policy
// of style-src 'self' must link it).
PBGDPL_DECL std::string decree30_html(const report_document& d, std::string_view stylesheet_href = {});
PBGDPL_DECL std::string_view decree30_css() noexcept;
// The same document as PDF (cairo + pango; fonts subset and embedded by cairo). errc::io_error when
// cairo fails.
PBGDPL_DECL result<std::string> decree30_pdf(const report_document& d);

}  // namespace reports
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/decree30.ipp"
#endif
