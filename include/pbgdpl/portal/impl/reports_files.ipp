// Definitions for portal/reports_files.hpp (inline in header-only mode, compiled once from src/portal/).
#pragma once
#include "../reports_files.hpp"

#include <algorithm>

PBGDPL_NAMESPACE_BEGIN
namespace portal {

PBGDPL_DECL result<rollup_input> load_rollup_input(store::store& db, const report_period_id& p) {
  rollup_input in;
  auto period = db.get<report_period>(p.value);
  if (!period) return period.err();
  in.period = std::move(*period);
  auto t = db.get<report_template>(in.period.template_id.value);
  if (!t) return t.err();
  in.tmpl = std::move(*t);
  auto subs = round_submissions(db, p);
  if (!subs) return subs.err();
  in.submissions = std::move(*subs);
  auto units = db.all_units();
  if (!units) return units.err();
  in.units = std::move(*units);
  return in;
}

namespace reports_files_detail {

// Upper case for the document's lines: core's text::upper (NFC kept), the text as it is if it
// could not be read as UTF-8 (the model keeps such text out).
inline std::string upper(std::string_view s) {
  auto r = text::upper(s);
  return r ? std::move(*r) : std::string(s);
}

}  // namespace reports_files_detail

PBGDPL_DECL reports::document_frame report_frame(const rollup_input& in, const unit_id& u, const account& signer, timestamp now) {
  using reports_files_detail::upper;
  // The issuing and governing bodies as reports::frame_for gives them on the round's tree (a
  // ward's office gives way to the ward's People's Committee above the school's name).
  reports::document_frame f = reports::frame_for(in.units, u, in.period.due_on);
  const auto tree = unit_directory::at(in.units, in.period.due_on);
  const unit* self = tree.find(u.value);
  const unit* parent = self && self->parent ? tree.find(self->parent->value) : nullptr;
  // The report goes to the unit directly above: the recipient.
  if (parent) f.recipients.push_back(parent->short_name.empty() ? parent->name : parent->short_name);
  if (self) {
    // The symbol's issuer part for the kinds that have a settled one.
    if (self->kind == unit_kind::education_division) f.issuer_code = "PGDĐT";
    else if (self->kind == unit_kind::commune_office) f.issuer_code = "VHXH";
    if (auto city = tree.nearest(u, unit_kind::city))
      if (const unit* c = tree.find(city->value)) f.place = c->short_name.empty() ? c->name : c->short_name;
  }
  f.issued_on = local_date(now);
  // Only someone who may sign for the unit is named in its signature block: the account that
  // downloads the document (a division official reading a school's report, an auditor, a city
  // official reading a ward's roll-up) is not the unit's signer (red team F10). Otherwise the
  // block is left for a hand signature.
  const bool signs_for_unit = std::any_of(signer.grants.begin(), signer.grants.end(), [&](const role_grant& g) {
    return g.unit == u && is_approver_role(g.r);
  });
  if (!signs_for_unit) return f;
  f.signer_name = signer.display_name;
  const std::string position = signer.position;
  f.signer_title = upper(position);
  // A deputy signs on behalf of the head (Decree 30, Phụ lục I: "KT." = ký thay).
  for (std::string_view deputy : {"Phó ", "phó "})
    if (position.rfind(deputy, 0) == 0) f.authority = "KT. " + upper(position.substr(deputy.size()));
  return f;
}

PBGDPL_DECL result<report_file> rollup_file(const rollup_input& in, const unit_id& u, std::string_view format, const account& who,
                                            timestamp now, std::string mail_to) {
  if (std::find(std::begin(report_formats), std::end(report_formats), format) == std::end(report_formats))
    return error(errc::invalid_argument, "/format", "Định dạng không có: " + std::string(format) + " (json, csv, xlsx, html, pdf, eml)",
                 "No such format: " + std::string(format) + " (json, csv, xlsx, html, pdf, eml)");
  // A city: the view across the units above its schools (JSON only: the documents are a division's).
  {
    const auto tree = unit_directory::at(in.units, in.period.due_on);
    if (const unit* self = tree.find(u.value); self && self->kind == unit_kind::city) {
      if (format != "json")
        return error(errc::invalid_argument, "/format", "Tổng hợp toàn thành phố chỉ có dạng json",
                     "The city-wide roll-up is served as json only");
      report_file f;
      f.file_name = "bao-cao-" + in.period.id.value + "-" + u.value + ".json";
      f.body = reports::to_json(reports::city_rollup(in.tmpl, in.period, in.submissions, in.units, u), 2);
      f.content_type = "application/json; charset=utf-8";
      return f;
    }
  }
  auto view = reports::division_rollup(in.tmpl, in.period, in.submissions, in.units, u);
  const std::string stem = "bao-cao-" + in.period.id.value + "-" + u.value;
  report_file f;
  f.file_name = stem + "." + std::string(format);
  if (format == "json") {
    f.body = reports::to_json(view, 2);
    f.content_type = "application/json; charset=utf-8";
  } else if (format == "csv") {
    f.body = reports::to_csv(reports::data_values(in.tmpl, view));
    f.content_type = "text/csv; charset=utf-8";
  } else if (format == "xlsx") {
    auto x = reports::to_xlsx(in.tmpl, view);
    if (!x) return x.err();
    f.body = std::move(*x);
    f.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  } else if (format == "html" || format == "pdf") {
    auto doc = reports::division_document(in.tmpl, in.period, view, report_frame(in, u, who, now));
    if (format == "html") {
      f.body = reports::decree30_html(doc);
      f.content_type = "text/html; charset=utf-8";
    } else {
      auto x = reports::decree30_pdf(doc);
      if (!x) return x.err();
      f.body = std::move(*x);
      f.content_type = "application/pdf";
    }
  } else {
    const auto tree = unit_directory::at(in.units, in.period.due_on);
    const unit* self = tree.find(u.value);
    const unit* parent = self && self->parent ? tree.find(self->parent->value) : nullptr;
    std::string from = self && !self->email.empty() ? self->email : who.email;
    if (mail_to.empty()) mail_to = parent && !parent->email.empty() ? parent->email : who.email;
    auto x = reports::division_email(in.tmpl, in.period, view, report_frame(in, u, who, now), std::move(from), std::move(mail_to), now);
    if (!x) return x.err();
    f.body = std::move(*x);
    f.content_type = "message/rfc822";
  }
  return f;
}

PBGDPL_DECL result<report_file> submission_file(const report_template& t, const report_period& p, const report_submission& s,
                                                std::vector<unit> units, std::string_view format, const account& who, timestamp now) {
  if (format != "html" && format != "pdf")
    return error(errc::invalid_argument, "/format", "Định dạng không có: " + std::string(format) + " (html, pdf)",
                 "No such format: " + std::string(format) + " (html, pdf)");
  rollup_input in;
  in.tmpl = t;
  in.period = p;
  in.units = std::move(units);
  auto doc = reports::school_document(t, p, s, report_frame(in, s.unit, who, now));
  report_file f;
  f.file_name = "bao-cao-" + p.id.value + "-" + s.unit.value + "." + std::string(format);
  if (format == "html") {
    f.body = reports::decree30_html(doc);
    f.content_type = "text/html; charset=utf-8";
  } else {
    auto x = reports::decree30_pdf(doc);
    if (!x) return x.err();
    f.body = std::move(*x);
    f.content_type = "application/pdf";
  }
  return f;
}

}  // namespace portal
PBGDPL_NAMESPACE_END
