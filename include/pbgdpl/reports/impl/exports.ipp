// Bodies of reports/exports.hpp: compiled once into the reports tier (src/reports/exports.cpp),
// or included by the header in header-only builds.
#pragma once
#include "../exports.hpp"

#include "../../core/json.hpp"
#include "../../core/files.hpp"
#include "../../core/text.hpp"

#include <xlsxwriter.h>

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <system_error>

PBGDPL_NAMESPACE_BEGIN
namespace reports {

namespace detail {

// Shortest decimal that reads back the same: 12, 12.5, 0.1.
inline std::string number_text(double x) {
  if (x == 0) return "0";  // also -0
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, r.ptr);
}

inline json cells_json(const std::vector<cell>& cells) {
  json a = json::array();
  for (const auto& c : cells) {
    json o = {{"code", c.code}, {"units", c.units}, {"yes", c.yes}};
    o["value"] = c.value ? json(*c.value) : json(nullptr);
    if (!c.text.empty()) o["text"] = c.text;
    if (!c.comment.empty()) o["comment"] = c.comment;
    a.push_back(std::move(o));
  }
  return a;
}

inline json kpis_json(const std::vector<kpi>& kpis) {
  json a = json::array();
  for (const auto& k : kpis)
    a.push_back({{"code", k.code}, {"target", k.target}, {"actual", k.actual}, {"met", k.met}});
  return a;
}

inline std::string dump(const json& j, int indent) {
  return j.dump(indent, ' ', false, json::error_handler_t::replace);
}

// A value as data-value text: yes/no as true/false for boolean indicators.
inline std::string value_text(const cell& c, const indicator* ind, bool own) {
  if (own && ind && ind->kind == indicator_kind::boolean && c.value) return *c.value != 0 ? "true" : "false";
  if (c.value) return number_text(*c.value);
  return c.text;
}

// Excel reads a cell starting with one of these as a formula (OWASP, "CSV injection").
inline bool needs_guard(std::string_view s) {
  if (s.empty()) return false;
  char c = s[0];
  if (c != '=' && c != '+' && c != '-' && c != '@' && c != '\t' && c != '\r' && c != '\'') return false;
  // A plain number ("-5", "+3.5") is data, not a formula.
  if (c == '-' || c == '+') {
    double x = 0;
    auto b = s.data() + 1, e = s.data() + s.size();
    auto r = std::from_chars(b, e, x);
    if (r.ec == std::errc{} && r.ptr == e && b != e && *b >= '0' && *b <= '9') return false;
  }
  return true;
}

inline void append_csv_field(std::string& out, std::string_view s) {
  std::string guarded;
  if (needs_guard(s)) {
    guarded = "'";
    guarded += s;
    s = guarded;
  }
  bool quote = s.find_first_of(",\"\r\n") != std::string_view::npos;
  if (!quote) {
    out += s;
    return;
  }
  out += '"';
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

inline constexpr std::string_view csv_header = "unit,period,indicator,breakdown,value,comment";

}  // namespace detail

PBGDPL_DECL std::string to_json(const division_view& v, int indent) {
  json schools = json::array();
  for (const auto& r : v.schools) {
    json o = {{"unit", r.unit.value}, {"name", r.name}, {"counted", r.counted}};
    o["level"] = r.level ? json(std::string(to_string(*r.level))) : json(nullptr);
    o["state"] = r.state ? json(std::string(to_string(*r.state))) : json(nullptr);
    o["submitted_at"] = r.submitted_at ? json(format_timestamp(*r.submitted_at)) : json(nullptr);
    o["cells"] = detail::cells_json(r.cells);
    schools.push_back(std::move(o));
  }
  json levels = json::array();
  for (const auto& l : v.by_level)
    levels.push_back({{"level", l.level}, {"units", l.units}, {"cells", detail::cells_json(l.cells)}});
  json ranking = json::array();
  for (const auto& e : v.ranking)
    ranking.push_back({{"unit", e.unit.value},
                       {"name", e.name},
                       {"score", e.score},
                       {"kpis_met", e.kpis_met},
                       {"kpis", e.kpis},
                       {"articles", e.articles}});
  json j = {{"period", v.period.value},
            {"template_id", v.template_id.value},
            {"unit", v.unit.value},
            {"name", v.name},
            {"as_of", format_date(v.as_of)},
            {"include_submitted", v.include_submitted},
            {"expected", v.expected},
            {"counted", v.counted},
            {"excused", v.excused},
            {"awaiting", v.awaiting},
            {"missing", v.missing},
            {"schools", std::move(schools)},
            {"by_level", std::move(levels)},
            {"total", detail::cells_json(v.total)},
            {"kpis", detail::kpis_json(v.kpis)},
            {"ranking", std::move(ranking)},
            {"ranking_formula", std::string(ranking_formula_vi())},
            {"ranking_formula_en", std::string(ranking_formula_en())}};
  return detail::dump(j, indent);
}

PBGDPL_DECL std::string to_json(const city_view& v, int indent) {
  json areas = json::array();
  for (const auto& a : v.areas)
    areas.push_back({{"unit", a.unit.value},
                     {"name", a.name},
                     {"kind", std::string(to_string(a.kind))},
                     {"expected", a.expected},
                     {"counted", a.counted},
                     {"excused", a.excused},
                     {"awaiting", a.awaiting},
                     {"missing", a.missing},
                     {"completeness", a.completeness},
                     {"cells", detail::cells_json(a.cells)},
                     {"kpis", detail::kpis_json(a.kpis)}});
  json j = {{"period", v.period.value},
            {"template_id", v.template_id.value},
            {"unit", v.unit.value},
            {"name", v.name},
            {"as_of", format_date(v.as_of)},
            {"include_submitted", v.include_submitted},
            {"expected", v.expected},
            {"counted", v.counted},
            {"excused", v.excused},
            {"awaiting", v.awaiting},
            {"missing", v.missing},
            {"areas", std::move(areas)},
            {"total", detail::cells_json(v.total)},
            {"kpis", detail::kpis_json(v.kpis)}};
  return detail::dump(j, indent);
}

PBGDPL_DECL std::vector<data_value> data_values(const report_template& t, const division_view& v) {
  std::vector<data_value> out;
  auto push = [&](const std::string& unit, const std::string& breakdown, const cell& c, bool own) {
    if (!c.value && c.text.empty()) return;
    out.push_back({unit, v.period.value, c.code, breakdown,
                   detail::value_text(c, find_indicator(t, c.code), own), own ? c.comment : std::string()});
  };
  for (const auto& r : v.schools) {
    if (!r.counted) continue;
    for (const auto& c : r.cells) push(r.unit.value, "", c, true);
  }
  for (const auto& c : v.total) push(v.unit.value, "", c, false);
  for (const auto& l : v.by_level)
    for (const auto& c : l.cells) push(v.unit.value, l.level.empty() ? "other" : l.level, c, false);
  return out;
}

PBGDPL_DECL std::vector<data_value> data_values(const report_template& t, const city_view& v) {
  std::vector<data_value> out;
  auto push = [&](const std::string& unit, const cell& c) {
    if (!c.value && c.text.empty()) return;
    out.push_back({unit, v.period.value, c.code, "", detail::value_text(c, find_indicator(t, c.code), false), {}});
  };
  for (const auto& a : v.areas)
    for (const auto& c : a.cells) push(a.unit.value, c);
  for (const auto& c : v.total) push(v.unit.value, c);
  return out;
}

PBGDPL_DECL std::vector<data_value> data_values(const report_submission& s) {
  std::vector<data_value> out;
  for (const auto& v : s.values) {
    std::string text;
    if (v.number)
      text = detail::number_text(*v.number);
    else if (v.flag)
      text = *v.flag ? "true" : "false";
    else if (v.text)
      text = *v.text;
    else
      continue;
    out.push_back({s.unit.value, s.period_id.value, v.code, "", std::move(text), v.comment});
  }
  return out;
}

PBGDPL_DECL std::string to_csv(std::span<const data_value> values) {
  std::string out = "\xEF\xBB\xBF";
  out += detail::csv_header;
  out += "\r\n";
  for (const auto& v : values) {
    for (const auto* f : {&v.unit, &v.period, &v.indicator, &v.breakdown, &v.value, &v.comment}) {
      if (f != &v.unit) out += ',';
      detail::append_csv_field(out, *f);
    }
    out += "\r\n";
  }
  return out;
}

PBGDPL_DECL result<std::vector<data_value>> parse_csv(std::string_view csv) {
  auto bad = [](std::string vi, std::string en) { return error(errc::validation_failed, {}, std::move(vi), std::move(en)); };
  if (csv.starts_with("\xEF\xBB\xBF")) csv.remove_prefix(3);
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;  // the field began with a quote (the guard ' stays only on unquoted ones... both)
  std::size_t i = 0;
  auto end_field = [&] {
    // Undo the formula guard: a ' in front of what needed it.
    if (field.size() >= 2 && field[0] == '\'' && detail::needs_guard(std::string_view(field).substr(1)))
      field.erase(0, 1);
    row.push_back(std::move(field));
    field.clear();
    quoted = false;
  };
  while (i < csv.size()) {
    char c = csv[i];
    if (field.empty() && !quoted && c == '"') {
      quoted = true;
      ++i;
      for (;;) {
        if (i >= csv.size()) return bad("Tệp CSV có ô mở ngoặc kép mà không đóng", "The CSV has an unterminated quote");
        if (csv[i] == '"') {
          if (i + 1 < csv.size() && csv[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field += csv[i++];
      }
      if (i < csv.size() && csv[i] != ',' && csv[i] != '\r' && csv[i] != '\n')
        return bad("Tệp CSV có ký tự sau dấu ngoặc kép đóng", "The CSV has text after a closing quote");
      continue;
    }
    if (c == ',') {
      end_field();
      ++i;
    } else if (c == '\r' || c == '\n') {
      end_field();
      rows.push_back(std::move(row));
      row.clear();
      i += (c == '\r' && i + 1 < csv.size() && csv[i + 1] == '\n') ? 2 : 1;
    } else {
      field += c;
      ++i;
    }
  }
  if (!field.empty() || quoted || !row.empty()) {
    end_field();
    rows.push_back(std::move(row));
  }
  if (rows.empty()) return bad("Tệp CSV trống", "The CSV is empty");
  std::string header;
  for (std::size_t k = 0; k < rows[0].size(); ++k) header += (k ? "," : "") + rows[0][k];
  if (header != detail::csv_header)
    return bad("Dòng tiêu đề CSV phải là " + std::string(detail::csv_header),
               "The CSV header must be " + std::string(detail::csv_header));
  std::vector<data_value> out;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    auto& x = rows[r];
    if (x.size() != 6)
      return bad("Dòng " + std::to_string(r + 1) + " của tệp CSV không có đủ 6 cột",
                 "Row " + std::to_string(r + 1) + " of the CSV does not have 6 columns");
    out.push_back({std::move(x[0]), std::move(x[1]), std::move(x[2]), std::move(x[3]), std::move(x[4]),
                   std::move(x[5])});
  }
  return out;
}

namespace detail {

// A directory of our own under the system's temporary directory, removed with the object.
struct temp_dir {
  std::filesystem::path path;
  temp_dir() {
    std::error_code ec;
    auto base = std::filesystem::temp_directory_path(ec);
    if (ec) base = "/tmp";
    std::string tmpl = (base / "pbgdpl-xlsx-XXXXXX").string();
    if (::mkdtemp(tmpl.data())) path = tmpl;
  }
  ~temp_dir() {
    std::error_code ec;
    if (!path.empty()) std::filesystem::remove_all(path, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
};

inline std::string level_label(std::string_view level) {
  if (auto l = enum_from_string<school_level>(level)) return std::string(label_vi(*l));
  return "Khác";
}

}  // namespace detail

PBGDPL_DECL result<std::string> to_xlsx(const report_template& t, const division_view& v) {
  detail::temp_dir dir;
  if (dir.path.empty())
    return error(errc::io_error, {}, "Không tạo được thư mục tạm cho tệp Excel",
                 "Could not make a temporary directory for the workbook");
  const auto file = (dir.path / "report.xlsx").string();
  std::string tmp = dir.path.string();
  lxw_workbook_options opts{};
  opts.constant_memory = LXW_FALSE;
  opts.tmpdir = tmp.data();
  lxw_workbook* wb = workbook_new_opt(file.c_str(), &opts);
  if (!wb) return error(errc::io_error, {}, "Không tạo được tệp Excel", "Could not create the workbook");

  lxw_format* head = workbook_add_format(wb);
  format_set_bold(head);
  format_set_text_wrap(head);
  format_set_align(head, LXW_ALIGN_CENTER);
  format_set_align(head, LXW_ALIGN_VERTICAL_CENTER);
  format_set_border(head, LXW_BORDER_THIN);
  format_set_bg_color(head, 0xDDEBF7);
  lxw_format* body = workbook_add_format(wb);
  format_set_border(body, LXW_BORDER_THIN);
  format_set_text_wrap(body);
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  format_set_border(bold, LXW_BORDER_THIN);
  lxw_format* title = workbook_add_format(wb);
  format_set_bold(title);
  format_set_font_size(title, 14);

  // Strings go to Excel as they are: a cell written as a string is never a formula.
  auto put = [](lxw_worksheet* ws, lxw_row_t r, lxw_col_t c, const std::string& s, lxw_format* f) {
    worksheet_write_string(ws, r, c, s.c_str(), f);
  };
  auto put_cell = [&](lxw_worksheet* ws, lxw_row_t r, lxw_col_t col, const cell& c, const indicator& ind, bool own,
                      lxw_format* f) {
    if (own && ind.kind == indicator_kind::boolean && c.value)
      put(ws, r, col, *c.value != 0 ? "Có" : "Không", f);
    else if (c.value)
      worksheet_write_number(ws, r, col, *c.value, f);
    else if (!c.text.empty())
      put(ws, r, col, c.text, f);
    else
      worksheet_write_blank(ws, r, col, f);
  };

  // Summary: one row per school, one column per indicator, then the totals and level rows.
  lxw_worksheet* sum = workbook_add_worksheet(wb, "Tổng hợp");
  put(sum, 0, 0, v.name + " - " + t.name, title);
  const lxw_row_t h = 2;
  put(sum, h, 0, "Mã đơn vị", head);
  put(sum, h, 1, "Tên đơn vị", head);
  put(sum, h, 2, "Cấp học", head);
  put(sum, h, 3, "Tình trạng báo cáo", head);
  for (std::size_t k = 0; k < t.indicators.size(); ++k) {
    const auto& ind = t.indicators[k];
    put(sum, h, static_cast<lxw_col_t>(4 + k), ind.unit_label.empty() ? ind.label : ind.label + " (" + ind.unit_label + ")",
        head);
  }
  worksheet_set_column(sum, 0, 0, 16, nullptr);
  worksheet_set_column(sum, 1, 1, 36, nullptr);
  worksheet_set_column(sum, 2, 3, 16, nullptr);
  if (!t.indicators.empty())
    worksheet_set_column(sum, 4, static_cast<lxw_col_t>(3 + t.indicators.size()), 18, nullptr);
  lxw_row_t r = h + 1;
  for (const auto& row : v.schools) {
    put(sum, r, 0, row.unit.value, body);
    put(sum, r, 1, row.name, body);
    put(sum, r, 2, row.level ? std::string(label_vi(*row.level)) : std::string(), body);
    put(sum, r, 3,
        row.state ? std::string(label_vi(*row.state)) + (row.counted ? "" : " (không tính)") : "Chưa gửi", body);
    for (std::size_t k = 0; k < t.indicators.size(); ++k) {
      if (row.counted && k < row.cells.size())
        put_cell(sum, r, static_cast<lxw_col_t>(4 + k), row.cells[k], t.indicators[k], true, body);
      else
        worksheet_write_blank(sum, r, static_cast<lxw_col_t>(4 + k), body);
    }
    ++r;
  }
  put(sum, r, 0, v.unit.value, bold);
  put(sum, r, 1, "Tổng hợp (" + std::to_string(v.counted) + "/" + std::to_string(v.expected) + " trường)", bold);
  put(sum, r, 2, "", bold);
  put(sum, r, 3, "", bold);
  for (std::size_t k = 0; k < t.indicators.size() && k < v.total.size(); ++k)
    put_cell(sum, r, static_cast<lxw_col_t>(4 + k), v.total[k], t.indicators[k], false, bold);
  ++r;
  for (const auto& l : v.by_level) {
    put(sum, r, 0, v.unit.value, body);
    put(sum, r, 1, "Cấp " + detail::level_label(l.level) + " (" + std::to_string(l.units) + " trường)", body);
    put(sum, r, 2, detail::level_label(l.level), body);
    put(sum, r, 3, "", body);
    for (const auto& c : l.cells)
      for (std::size_t k = 0; k < t.indicators.size(); ++k)
        if (t.indicators[k].code == c.code) put_cell(sum, r, static_cast<lxw_col_t>(4 + k), c, t.indicators[k], false, body);
    ++r;
  }
  worksheet_freeze_panes(sum, h + 1, 2);

  // Data values, as the CSV.
  lxw_worksheet* data = workbook_add_worksheet(wb, "Dữ liệu");
  static constexpr std::array<const char*, 6> cols{"Mã đơn vị", "Kỳ báo cáo", "Chỉ tiêu", "Phân tổ", "Giá trị",
                                                   "Ghi chú"};
  for (std::size_t c = 0; c < cols.size(); ++c) worksheet_write_string(data, 0, static_cast<lxw_col_t>(c), cols[c], head);
  worksheet_set_column(data, 0, 1, 18, nullptr);
  worksheet_set_column(data, 2, 2, 28, nullptr);
  worksheet_set_column(data, 3, 4, 14, nullptr);
  worksheet_set_column(data, 5, 5, 40, nullptr);
  lxw_row_t dr = 1;
  for (const auto& d : data_values(t, v)) {
    put(data, dr, 0, d.unit, body);
    put(data, dr, 1, d.period, body);
    put(data, dr, 2, d.indicator, body);
    put(data, dr, 3, d.breakdown, body);
    double x = 0;
    auto e = d.value.data() + d.value.size();
    auto pr = std::from_chars(d.value.data(), e, x);
    if (!d.value.empty() && pr.ec == std::errc{} && pr.ptr == e)
      worksheet_write_number(data, dr, 4, x, body);
    else
      put(data, dr, 4, d.value, body);
    put(data, dr, 5, d.comment, body);
    ++dr;
  }
  worksheet_freeze_panes(data, 1, 0);

  if (workbook_close(wb) != LXW_NO_ERROR)
    return error(errc::io_error, {}, "Không ghi được tệp Excel", "Could not write the workbook");
  return files::read_regular(file, std::size_t{1} << 30);
}

PBGDPL_DECL result<std::string> division_email(const report_template& t, const report_period& p,
                                               const division_view& v, const document_frame& frame,
                                               std::string from, std::string to, timestamp now) {
  auto doc = division_document(t, p, v, frame);
  auto pdf = decree30_pdf(doc);
  if (!pdf) return pdf.err();
  auto xlsx = to_xlsx(t, v);
  if (!xlsx) return xlsx.err();
  auto values = data_values(t, v);
  auto base = text::slug("bao-cao-" + v.unit.value + "-" + p.id.value, 100);
  std::string name = base ? *base : std::string("bao-cao");
  mail_message m;
  m.from = std::move(from);
  m.to = std::move(to);
  m.subject = "Báo cáo: " + doc.frame.summary + " - " + v.name;
  m.text = "Kính gửi: " + (frame.recipients.empty() ? std::string("Quý cơ quan") : frame.recipients.front()) +
           "\r\n\r\n" + v.name + " gửi kèm báo cáo \"" + doc.frame.summary +
           "\": văn bản (PDF), bảng tổng hợp (Excel) và số liệu (CSV).\r\n\r\n"
           "Dear recipient,\r\n\r\n" + v.name + " sends the attached report (" + report_period_label_en(p) +
           "): the document (PDF), the summary workbook (Excel) and the data values (CSV).\r\n";
  m.sent_at = now;
  m.attachments.push_back({name + ".pdf", "application/pdf", std::move(*pdf)});
  m.attachments.push_back(
      {name + ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", std::move(*xlsx)});
  m.attachments.push_back({name + ".csv", "text/csv; charset=UTF-8", to_csv(values)});
  return email_package(m);
}

}  // namespace reports
PBGDPL_NAMESPACE_END
