// Bodies of reports/exports.hpp: compiled once into the reports tier (src/reports/exports.cpp),
// or included by the header in header-only builds.
#pragma once
#include "../exports.hpp"

PBGDPL_NAMESPACE_BEGIN
namespace reports {

PBGDPL_DECL std::string to_json(const division_view&, int) { return {}; }
PBGDPL_DECL std::string to_json(const city_view&, int) { return {}; }
PBGDPL_DECL std::vector<data_value> data_values(const division_view&) { return {}; }
PBGDPL_DECL std::vector<data_value> data_values(const report_submission&) { return {}; }
PBGDPL_DECL std::string to_csv(std::span<const data_value>) { return {}; }
PBGDPL_DECL result<std::vector<data_value>> parse_csv(std::string_view) { return errc::internal; }
PBGDPL_DECL result<std::string> to_xlsx(const report_template&, const division_view&) { return errc::internal; }
PBGDPL_DECL report_document division_document(const report_template&, const report_period&, const division_view&,
                                              document_frame) {
  return {};
}
PBGDPL_DECL report_document school_document(const report_template&, const report_period&,
                                            const report_submission&, document_frame) {
  return {};
}
PBGDPL_DECL std::string decree30_html(const report_document&) { return {}; }
PBGDPL_DECL result<std::string> decree30_pdf(const report_document&) { return errc::internal; }
PBGDPL_DECL result<std::string> email_package(const mail_message&) { return errc::internal; }
PBGDPL_DECL result<std::string> division_email(const report_template&, const report_period&, const division_view&,
                                               const document_frame&, std::string, std::string, timestamp) {
  return errc::internal;
}

}  // namespace reports
PBGDPL_NAMESPACE_END
