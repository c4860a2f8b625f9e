// The roll-up of a round below a unit as the portal serves it (issue 17): read once from the
// store, then as JSON, CSV data values, an Excel workbook, the Decree 30/2020 report in HTML and
// PDF (its frame from the unit tree and the signer's position), or an e-mail package; a city's as
// JSON across the units above its schools. Shared by the API's /v1/reports/rollup and the
// editor's roll-up page.
// Thread safety: the functions are pure over what they read.
#pragma once
#include "../reports/exports.hpp"
#include "../reports/rollup.hpp"
#include "reports_view.hpp"

#include <string>
#include <string_view>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace portal {

// Everything a roll-up of a round reads, once.
struct rollup_input {
  report_template tmpl;
  report_period period;
  std::vector<report_submission> submissions;
  std::vector<unit> units;
};
PBGDPL_DECL result<rollup_input> load_rollup_input(store::store& db, const report_period_id& p);

// A download of a roll-up: its bytes, media type and file name ("bao-cao-<period>-<unit>.csv").
struct report_file {
  std::string body;
  std::string content_type;
  std::string file_name;
};
// The formats rollup_file() knows, in the order the pages list them.
inline constexpr std::string_view report_formats[] = {"json", "csv", "xlsx", "html", "pdf", "eml"};

// The Decree 30 frame of unit u's report, signed by `signer` today: the bodies as
// reports::frame_for gives them on the round's tree, the city as the place, the parent as the
// recipient, and, when `signer` holds an approver grant at u, the signer's position as the
// signature block ("Phó Trưởng phòng" signs "KT. TRƯỞNG PHÒNG"); otherwise it is left blank.
PBGDPL_DECL reports::document_frame report_frame(const rollup_input& in, const unit_id& u, const account& signer, timestamp now);

// Unit u's roll-up of the round in `format` (one of report_formats; another is
// errc::invalid_argument), its document signed by `who`. For a city, the view across the units
// above its schools (reports::city_rollup), as JSON only. The e-mail package goes from the unit's
// address (else the signer's) to `mail_to`, else the parent unit's address, else the signer's own
// (to forward).
PBGDPL_DECL result<report_file> rollup_file(const rollup_input& in, const unit_id& u, std::string_view format, const account& who,
                                            timestamp now, std::string mail_to = {});

// One unit's own report as its Decree 30 document ("html" or "pdf"), signed by `who` (the
// frame as report_frame, the unit being the report's). `units`: every unit, for the frame.
PBGDPL_DECL result<report_file> submission_file(const report_template& t, const report_period& p, const report_submission& s,
                                                std::vector<unit> units, std::string_view format, const account& who, timestamp now);

}  // namespace portal
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/reports_files.ipp"
#endif
