// Bodies of reports/decree30.hpp: compiled once into the reports tier (src/reports/decree30.cpp),
// or included by the header in header-only builds.
// Layout (Nghị định 30/2020/NĐ-CP, Phụ lục I): A4; margins top and bottom 20-25 mm, left 30-35 mm,
// right 15-20 mm; Times New Roman; the issuing body top left (governing body above it, the body
// itself bold, a short rule under it, then the number and symbol), the national title and motto
// top right (bold, the motto underlined by a rule) with the place and date in italics below; the
// type "BÁO CÁO" and the summary line centred and bold; "Nơi nhận:" bottom left (bold italic,
// 12 pt; the list 11 pt), the signer bottom right (authority, title, name in bold).
#pragma once
#include "../decree30.hpp"

#include "../../core/escape.hpp"
#include "../../core/text.hpp"
#include "../../model/unit_directory.hpp"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <memory>

PBGDPL_NAMESPACE_BEGIN
namespace reports {

namespace detail {

// Vietnamese number format: "." between thousands, "," before decimals, at most two of them.
inline std::string vi_number(double x) {
  if (!std::isfinite(x)) return "-";
  bool neg = x < 0;
  double r = std::round(std::fabs(x) * 100) / 100;
  auto whole = static_cast<unsigned long long>(std::floor(r));
  auto cents = static_cast<int>(std::llround((r - static_cast<double>(whole)) * 100));
  if (cents == 100) {
    ++whole;
    cents = 0;
  }
  std::string digits = std::to_string(whole), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += '.';
    out += digits[i];
  }
  if (cents) {
    out += ',';
    out += static_cast<char>('0' + cents / 10);
    if (cents % 10) out += static_cast<char>('0' + cents % 10);
  }
  return neg && (whole || cents) ? "-" + out : out;
}

inline std::string roman(std::size_t n) {
  static constexpr std::array<const char*, 10> r{"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"};
  return n >= 1 && n <= r.size() ? r[n - 1] : std::to_string(n);
}

// A cell of the division's tables as text: yes/no for a unit's own boolean, a percent for a share.
inline std::string shown(const cell& c, const indicator& ind, bool own) {
  if (!c.value) return c.text.empty() ? "-" : c.text;
  if (own && ind.kind == indicator_kind::boolean) return *c.value != 0 ? "Có" : "Không";
  if (!own && aggregation_of(ind) == aggregation_rule::share_of_units)
    return vi_number(*c.value) + "% (" + std::to_string(c.yes) + "/" + std::to_string(c.units) + ")";
  if (ind.kind == indicator_kind::percent) return vi_number(*c.value) + "%";
  return vi_number(*c.value);
}

inline std::string measure(const indicator& ind) {
  if (aggregation_of(ind) == aggregation_rule::share_of_units || ind.kind == indicator_kind::percent) return "%";
  return ind.unit_label.empty() ? "-" : ind.unit_label;
}

inline std::string default_summary(const report_template& t, const report_period& p) {
  std::string label = report_period_label_vi(p);
  // "Đợt 1 năm 2024 (...)" continues the sentence: "đợt 1 năm 2024 (...)".
  if (label.starts_with("Đợt")) label = "đợt" + label.substr(std::string_view("Đợt").size());
  std::string plan = t.plan_number.empty() ? std::string() : " " + t.plan_number;
  return "Kết quả thực hiện Kế hoạch" + plan + ", " + label;
}

}  // namespace detail

PBGDPL_DECL document_frame frame_for(std::vector<unit> units, const unit_id& u, date on) {
  document_frame f;
  f.issued_on = on;
  const auto tree = unit_directory::at(std::move(units), on);
  const auto* self = tree.find(u.value);
  if (!self) return f;
  auto caps = [](std::string_view s) {
    auto r = text::upper(s);
    return r ? std::move(*r) : std::string(s);
  };
  f.issuing_body = caps(self->name);
  const unit* above = tree.parent(u.value);
  if (above && above->kind == unit_kind::commune_office && tree.parent(above->id.value))
    above = tree.parent(above->id.value);
  if (above) {
    bool committee = above->kind == unit_kind::district || above->kind == unit_kind::ward ||
                     above->kind == unit_kind::commune;
    f.parent_body = caps(committee && !above->short_name.empty() ? above->short_name : above->name);
  }
  return f;
}

PBGDPL_DECL report_document division_document(const report_template& t, const report_period& p,
                                              const division_view& v, document_frame frame) {
  report_document d;
  if (frame.summary.empty()) frame.summary = detail::default_summary(t, p);
  d.frame = std::move(frame);
  std::size_t n = 0;

  document_section status;
  status.heading = detail::roman(++n) + ". TÌNH HÌNH GỬI BÁO CÁO";
  status.paragraphs.push_back(
      "Số trường phải báo cáo: " + std::to_string(v.expected) + "; báo cáo đã được duyệt: " +
      std::to_string(v.counted) + (v.include_submitted ? " (kể cả báo cáo đã gửi, chưa duyệt)" : "") +
      "; được miễn báo cáo: " + std::to_string(v.excused) + "; đã gửi, chờ duyệt: " + std::to_string(v.awaiting) +
      "; chưa gửi: " + std::to_string(v.missing) + ". Số liệu tổng hợp dưới đây tính trên " +
      std::to_string(v.counted) + " báo cáo.");
  d.sections.push_back(std::move(status));

  document_section totals;
  totals.heading = detail::roman(++n) + ". KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU";
  document_table tt;
  tt.header = {"TT", "Chỉ tiêu", "Đơn vị tính", "Số trường có số liệu", "Kết quả"};
  std::size_t row = 0;
  for (std::size_t k = 0; k < t.indicators.size() && k < v.total.size(); ++k) {
    const auto& ind = t.indicators[k];
    if (ind.kind == indicator_kind::text) continue;  // narratives are read in each school's report
    tt.rows.push_back({std::to_string(++row), ind.label, detail::measure(ind), std::to_string(v.total[k].units),
                       detail::shown(v.total[k], ind, false)});
  }
  totals.tables.push_back(std::move(tt));
  if (!v.by_level.empty()) {
    totals.paragraphs.push_back("Bảng 1: kết quả chung của các trường; bảng 2: kết quả chia theo cấp học.");
    document_table lt;
    lt.header = {"Chỉ tiêu"};
    for (const auto& l : v.by_level)
      lt.header.push_back((l.level.empty() ? std::string("Khác")
                                           : std::string(label_vi(*enum_from_string<school_level>(l.level)))) +
                          " (" + std::to_string(l.units) + " trường)");
    if (!v.by_level.empty())
      for (std::size_t c = 0; c < v.by_level[0].cells.size(); ++c) {
        const auto* ind = find_indicator(t, v.by_level[0].cells[c].code);
        if (!ind) continue;
        std::vector<std::string> r{ind->label};
        for (const auto& l : v.by_level) r.push_back(c < l.cells.size() ? detail::shown(l.cells[c], *ind, false) : "-");
        lt.rows.push_back(std::move(r));
      }
    totals.tables.push_back(std::move(lt));
  }
  d.sections.push_back(std::move(totals));

  if (!v.kpis.empty()) {
    document_section k;
    k.heading = detail::roman(++n) + ". ĐỐI CHIẾU VỚI MỤC TIÊU CỦA KẾ HOẠCH";
    document_table kt;
    kt.header = {"TT", "Chỉ tiêu", "Mục tiêu", "Kết quả", "Đánh giá"};
    std::size_t i = 0;
    for (const auto& x : v.kpis) {
      const auto* ind = find_indicator(t, x.code);
      if (!ind) continue;
      std::string unit = detail::measure(*ind);
      std::string suffix = unit == "%" ? "%" : (unit == "-" ? "" : " " + unit);
      kt.rows.push_back({std::to_string(++i), ind->label, detail::vi_number(x.target) + suffix,
                         detail::vi_number(x.actual) + suffix, x.met ? "Đạt" : "Chưa đạt"});
    }
    k.tables.push_back(std::move(kt));
    d.sections.push_back(std::move(k));
  }

  document_section schools;
  schools.heading = detail::roman(++n) + ". TÌNH HÌNH BÁO CÁO CỦA CÁC TRƯỜNG";
  document_table st;
  st.header = {"TT", "Trường", "Cấp học", "Tình trạng báo cáo"};
  std::size_t i = 0;
  for (const auto& r : v.schools)
    st.rows.push_back({std::to_string(++i), r.name, r.level ? std::string(label_vi(*r.level)) : std::string("-"),
                       r.state ? std::string(label_vi(*r.state)) : std::string("Chưa gửi")});
  schools.tables.push_back(std::move(st));
  d.sections.push_back(std::move(schools));

  if (!v.ranking.empty() && !v.kpis.empty()) {
    document_section rank;
    rank.heading = detail::roman(++n) + ". ĐỀ XUẤT KHEN THƯỞNG";
    rank.paragraphs.push_back("Cách tính điểm: " + std::string(ranking_formula_vi()) +
                              " Các trường có điểm cao nhất (tối đa 10 trường):");
    document_table rt;
    rt.header = {"TT", "Trường", "Chỉ tiêu đạt", "Điểm", "Số bài viết"};
    std::size_t j = 0;
    for (const auto& e : v.ranking) {
      if (j == 10) break;
      rt.rows.push_back({std::to_string(++j), e.name, std::to_string(e.kpis_met) + "/" + std::to_string(e.kpis),
                         detail::vi_number(e.score), detail::vi_number(e.articles)});
    }
    rank.tables.push_back(std::move(rt));
    d.sections.push_back(std::move(rank));
  }
  return d;
}

PBGDPL_DECL report_document city_document(const report_template& t, const report_period& p, const city_view& v,
                                          document_frame frame) {
  report_document d;
  if (frame.summary.empty()) frame.summary = detail::default_summary(t, p);
  d.frame = std::move(frame);
  std::size_t n = 0;
  document_section status;
  status.heading = detail::roman(++n) + ". TÌNH HÌNH GỬI BÁO CÁO";
  status.paragraphs.push_back(
      "Số trường phải báo cáo: " + std::to_string(v.expected) + "; báo cáo đã được duyệt: " +
      std::to_string(v.counted) + "; được miễn báo cáo: " + std::to_string(v.excused) + "; đã gửi, chờ duyệt: " +
      std::to_string(v.awaiting) + "; chưa gửi: " + std::to_string(v.missing) + ".");
  document_table at;
  at.header = {"TT", "Đơn vị", "Số trường", "Đã duyệt", "Được miễn", "Chờ duyệt", "Chưa gửi", "Tỷ lệ đã gửi"};
  std::size_t i = 0;
  for (const auto& a : v.areas)
    at.rows.push_back({std::to_string(++i), a.name, std::to_string(a.expected), std::to_string(a.counted),
                       std::to_string(a.excused), std::to_string(a.awaiting), std::to_string(a.missing),
                       detail::vi_number(a.completeness) + "%"});
  status.tables.push_back(std::move(at));
  d.sections.push_back(std::move(status));

  document_section totals;
  totals.heading = detail::roman(++n) + ". KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU";
  document_table tt;
  tt.header = {"TT", "Chỉ tiêu", "Đơn vị tính", "Số trường có số liệu", "Kết quả"};
  std::size_t row = 0;
  for (std::size_t k = 0; k < t.indicators.size() && k < v.total.size(); ++k) {
    const auto& ind = t.indicators[k];
    if (ind.kind == indicator_kind::text) continue;
    tt.rows.push_back({std::to_string(++row), ind.label, detail::measure(ind), std::to_string(v.total[k].units),
                       detail::shown(v.total[k], ind, false)});
  }
  totals.tables.push_back(std::move(tt));
  d.sections.push_back(std::move(totals));

  if (!v.kpis.empty()) {
    document_section k;
    k.heading = detail::roman(++n) + ". ĐỐI CHIẾU VỚI MỤC TIÊU CỦA KẾ HOẠCH";
    document_table kt;
    kt.header = {"Đơn vị"};
    for (const auto& x : v.kpis)
      if (const auto* ind = find_indicator(t, x.code)) kt.header.push_back(ind->label);
    auto kpi_row = [&](const std::string& name, const std::vector<kpi>& kpis) {
      std::vector<std::string> r{name};
      for (const auto& x : kpis) {
        if (!find_indicator(t, x.code)) continue;
        r.push_back(detail::vi_number(x.actual) + " / " + detail::vi_number(x.target) + (x.met ? " (Đạt)" : " (Chưa đạt)"));
      }
      return r;
    };
    for (const auto& a : v.areas) kt.rows.push_back(kpi_row(a.name, a.kpis));
    kt.rows.push_back(kpi_row("Toàn thành phố", v.kpis));
    k.paragraphs.push_back("Mỗi ô ghi kết quả / mục tiêu.");
    k.tables.push_back(std::move(kt));
    d.sections.push_back(std::move(k));
  }
  return d;
}

PBGDPL_DECL report_document school_document(const report_template& t, const report_period& p,
                                            const report_submission& s, document_frame frame) {
  report_document d;
  if (frame.summary.empty()) frame.summary = detail::default_summary(t, p);
  d.frame = std::move(frame);
  std::size_t n = 0;
  document_section values;
  values.heading = detail::roman(++n) + ". KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU";
  document_table vt;
  vt.header = {"TT", "Chỉ tiêu", "Đơn vị tính", "Kết quả", "Ghi chú"};
  std::size_t row = 0;
  for (const auto& ind : t.indicators) {
    if (ind.kind == indicator_kind::text) continue;
    const auto* v = find_value(s, ind.code);
    std::string value = "-", note;
    if (v) {
      cell c = {};
      c.code = ind.code;
      if (v->number) c.value = v->number;
      if (v->flag) c.value = *v->flag ? 1 : 0;
      value = detail::shown(c, ind, true);
      note = v->comment;
      if (is_override(*v)) {
        std::string computed = v->computed_number ? detail::vi_number(*v->computed_number)
                                                  : (*v->computed_flag ? "Có" : "Không");
        if (!note.empty()) note += ". ";
        note += "Số liệu hệ thống: " + computed + "; lý do điều chỉnh: " + v->justification;
      }
    }
    vt.rows.push_back({std::to_string(++row), ind.label, detail::measure(ind), value, note});
  }
  values.tables.push_back(std::move(vt));
  d.sections.push_back(std::move(values));

  document_section narrative;
  narrative.heading = detail::roman(++n) + ". ĐÁNH GIÁ CHUNG";
  for (const auto& ind : t.indicators) {
    if (ind.kind != indicator_kind::text) continue;
    const auto* v = find_value(s, ind.code);
    narrative.paragraphs.push_back(ind.label + ": " + (v && v->text && !v->text->empty() ? *v->text : "Không có."));
  }
  if (!narrative.paragraphs.empty()) d.sections.push_back(std::move(narrative));
  return d;
}

namespace detail {

inline constexpr std::string_view decree30_css = R"(
@page { size: A4; margin: 20mm 15mm 20mm 30mm; }
body { font-family: "Times New Roman", "Liberation Serif", "DejaVu Serif", serif; font-size: 14pt; line-height: 1.3;
  color: #000; background: #fff; margin: 0; }
main { max-width: 165mm; margin: 0 auto; padding: 8mm 4mm; }
.head { display: flex; justify-content: space-between; gap: 4mm; text-align: center; }
.issuer { flex: 0 0 43%; font-size: 12.5pt; }
.nation { flex: 0 0 56%; font-size: 13pt; }
.nation .title { font-size: 12pt; white-space: nowrap; }
.number { white-space: pre-wrap; }
.head p { margin: 0; }
.rule { width: 35%; margin: 1mm auto 2mm; border: 0; border-top: 1px solid #000; }
.nation .motto { font-size: 14pt; }
.nation .rule { width: 60%; }
.place { font-style: italic; margin-top: 3mm; }
h1 { font-size: 14pt; text-align: center; margin: 8mm 0 4mm; }
h1 .summary { display: block; margin-top: 1mm; }
h2 { font-size: 14pt; margin: 5mm 0 2mm; }
p.body { text-align: justify; text-indent: 10mm; margin: 0 0 2mm; }
table.data { width: 100%; border-collapse: collapse; font-size: 13pt; margin: 2mm 0 4mm; }
table.data th, table.data td { border: 1px solid #000; padding: 1mm 2mm; vertical-align: top; }
table.data th { text-align: center; }
.foot { display: flex; justify-content: space-between; margin-top: 8mm; page-break-inside: avoid; }
.recipients { flex: 0 0 45%; font-size: 11pt; }
.recipients .title { font-size: 12pt; font-weight: bold; font-style: italic; margin: 0; }
.recipients ul { list-style: none; padding: 0; margin: 0; }
.signer { flex: 0 0 50%; text-align: center; font-weight: bold; }
.signer p { margin: 0; }
.signer .space { height: 25mm; }
@media print { main { padding: 0; } }
)";

inline void html_p(std::string& out, std::string_view cls, std::string_view text) {
  out += "<p";
  if (!cls.empty()) {
    out += " class=\"";
    out += cls;
    out += "\"";
  }
  out += ">";
  append_html_escaped(out, text);
  out += "</p>\n";
}

// "Hà Đông, ngày 05 tháng 7 năm 2024"; without a place, "Ngày 05 tháng 7 năm 2024".
inline std::string place_date(const document_frame& f) {
  if (!f.place.empty()) return format_place_date(f.place, f.issued_on);
  auto d = format_vietnamese_date(f.issued_on);
  if (!d.empty() && d[0] == 'n') d[0] = 'N';
  return d;
}

inline std::string number_line(const document_frame& f) {
  return "Số: " + (f.number.empty() ? std::string("      ") : f.number) + "/BC-" + f.issuer_code;
}

}  // namespace detail

PBGDPL_DECL std::string_view decree30_css() noexcept { return detail::decree30_css; }

PBGDPL_DECL std::string decree30_html(const report_document& d, std::string_view stylesheet_href) {
  const auto& f = d.frame;
  std::string out;
  out.reserve(8192);
  out += "<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>BÁO CÁO: ";
  append_html_escaped(out, f.summary);
  out += "</title>\n";
  if (stylesheet_href.empty()) {
    out += "<style>";
    out += detail::decree30_css;
    out += "</style>\n";
  } else {
    out += "<link rel=\"stylesheet\" href=\"";
    append_html_escaped(out, stylesheet_href);
    out += "\">\n";
  }
  out += "</head>\n<body>\n<main>\n<div class=\"head\">\n<div class=\"issuer\">\n";
  detail::html_p(out, "", f.parent_body);
  out += "<p><strong>";
  append_html_escaped(out, f.issuing_body);
  out += "</strong></p>\n<hr class=\"rule\">\n";
  detail::html_p(out, "number", detail::number_line(f));
  out += "</div>\n<div class=\"nation\">\n<p class=\"title\"><strong>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</strong></p>\n"
         "<p class=\"motto\"><strong>Độc lập - Tự do - Hạnh phúc</strong></p>\n<hr class=\"rule\">\n";
  detail::html_p(out, "place", detail::place_date(f));
  out += "</div>\n</div>\n<h1>BÁO CÁO<span class=\"summary\">";
  append_html_escaped(out, f.summary);
  out += "</span></h1>\n";
  for (const auto& s : d.sections) {
    out += "<section>\n<h2>";
    append_html_escaped(out, s.heading);
    out += "</h2>\n";
    for (const auto& p : s.paragraphs) detail::html_p(out, "body", p);
    for (const auto& t : s.tables) {
      out += "<table class=\"data\">\n<thead><tr>";
      for (const auto& h : t.header) {
        out += "<th scope=\"col\">";
        append_html_escaped(out, h);
        out += "</th>";
      }
      out += "</tr></thead>\n<tbody>\n";
      for (const auto& r : t.rows) {
        out += "<tr>";
        for (const auto& c : r) {
          out += "<td>";
          append_html_escaped(out, c);
          out += "</td>";
        }
        out += "</tr>\n";
      }
      out += "</tbody>\n</table>\n";
    }
    out += "</section>\n";
  }
  out += "<div class=\"foot\">\n<div class=\"recipients\">\n<p class=\"title\">Nơi nhận:</p>\n<ul>\n";
  for (const auto& r : f.recipients) {
    out += "<li>- ";
    append_html_escaped(out, r);
    out += ";</li>\n";
  }
  out += "<li>- Lưu: VT.</li>\n</ul>\n</div>\n<div class=\"signer\">\n";
  if (!f.authority.empty()) detail::html_p(out, "", f.authority);
  detail::html_p(out, "", f.signer_title);
  out += "<p class=\"space\"></p>\n";
  detail::html_p(out, "", f.signer_name);
  out += "</div>\n</div>\n</main>\n</body>\n</html>\n";
  return out;
}

namespace detail {

// A flowing PDF writer: lays text out with pango and starts a new page when it runs out of room.
class pdf_writer {
 public:
  static constexpr double page_w = 595.28, page_h = 841.89;  // A4 in points
  static constexpr double mm = 72.0 / 25.4;
  static constexpr double left = 30 * mm, right = 15 * mm, top = 20 * mm, bottom = 20 * mm;
  static constexpr double width = page_w - left - right;

  pdf_writer() {
    surface_ = cairo_pdf_surface_create_for_stream(&pdf_writer::write, this, page_w, page_h);
    cr_ = cairo_create(surface_);
    auto* fm = pango_cairo_font_map_get_default();
    ctx_ = pango_font_map_create_context(fm);
    // Points: 72 units per inch, as cairo's PDF surface.
    pango_cairo_context_set_resolution(ctx_, 72);
    y_ = top;
  }
  ~pdf_writer() {
    if (ctx_) g_object_unref(ctx_);
    if (cr_) cairo_destroy(cr_);
    if (surface_) cairo_surface_destroy(surface_);
  }
  pdf_writer(const pdf_writer&) = delete;
  pdf_writer& operator=(const pdf_writer&) = delete;

  struct style {
    double size = 14;
    bool bold = false, italic = false;
    PangoAlignment align = PANGO_ALIGN_LEFT;
    bool justify = false;
    double indent = 0;  // first line
    int max_lines = 0;  // 0: no limit; else cut with an ellipsis
  };

  // A layout of plain text (escaped into pango markup by setting it as text).
  PangoLayout* layout(std::string_view text, double w, const style& s) {
    PangoLayout* l = pango_layout_new(ctx_);
    PangoFontDescription* fd = pango_font_description_from_string("Times New Roman, Liberation Serif, DejaVu Serif");
    pango_font_description_set_absolute_size(fd, s.size * PANGO_SCALE);
    pango_font_description_set_weight(fd, s.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_style(fd, s.italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
    pango_layout_set_width(l, w < 0 ? -1 : static_cast<int>(w * PANGO_SCALE));  // -1: no wrapping
    pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(l, s.align);
    pango_layout_set_justify(l, s.justify);
    pango_layout_set_indent(l, static_cast<int>(s.indent * PANGO_SCALE));
    if (s.max_lines > 0) {
      pango_layout_set_height(l, -s.max_lines);
      pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
    }
    // Pango wants valid UTF-8 without NUL; stored text is, anything else is shown as U+FFFD.
    if (text::is_valid_utf8(text) && text.find('\0') == std::string_view::npos) {
      pango_layout_set_text(l, text.data(), static_cast<int>(std::min<std::size_t>(text.size(), 1u << 24)));
    } else {
      auto clean = sanitized(text);
      pango_layout_set_text(l, clean.data(), static_cast<int>(std::min<std::size_t>(clean.size(), 1u << 24)));
    }
    return l;
  }
  static std::string sanitized(std::string_view text) {
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
      // The longest valid prefix of at most 4 bytes that is one character, else one bad byte.
      std::size_t n = 1;
      unsigned char c = static_cast<unsigned char>(text[i]);
      if (c >= 0xF0) n = 4; else if (c >= 0xE0) n = 3; else if (c >= 0xC0) n = 2;
      if (c != 0 && i + n <= text.size() && text::is_valid_utf8(text.substr(i, n))) {
        out.append(text.substr(i, n));
        i += n;
      } else {
        out += "\xEF\xBF\xBD";
        ++i;
      }
    }
    return out;
  }
  static double height_of(PangoLayout* l) {
    int w = 0, h = 0;
    pango_layout_get_size(l, &w, &h);
    return static_cast<double>(h) / PANGO_SCALE;
  }

  double y() const noexcept { return y_; }
  void move(double dy) { y_ += dy; }
  bool fits(double h) const noexcept { return y_ + h <= page_h - bottom; }
  void new_page() {
    cairo_show_page(cr_);
    ++page_;
    y_ = top;
    // Decree 30: page numbers from the second page, centred in the top margin.
    auto* l = layout(std::to_string(page_), width, {.size = 13, .align = PANGO_ALIGN_CENTER});
    cairo_move_to(cr_, left, top / 2 - 6);
    pango_cairo_show_layout(cr_, l);
    g_object_unref(l);
  }
  void ensure(double h) {
    if (!fits(h) && y_ > top) new_page();
  }

  // Draws a whole layout at (x, y) without flowing.
  void draw(PangoLayout* l, double x, double y) {
    cairo_move_to(cr_, x, y);
    pango_cairo_show_layout(cr_, l);
  }
  // Flows text line by line across pages at the left margin plus `x`.
  void flow(std::string_view text, const style& s, double x = 0, double w = width) {
    PangoLayout* l = layout(text, w, s);
    PangoLayoutIter* it = pango_layout_get_iter(l);
    do {
      PangoRectangle logical;
      pango_layout_iter_get_line_extents(it, nullptr, &logical);
      double lh = static_cast<double>(logical.height) / PANGO_SCALE;
      double base = static_cast<double>(pango_layout_iter_get_baseline(it) - logical.y) / PANGO_SCALE;
      ensure(lh);
      cairo_move_to(cr_, left + x + static_cast<double>(logical.x) / PANGO_SCALE, y_ + base);
      pango_cairo_show_layout_line(cr_, pango_layout_iter_get_line_readonly(it));
      y_ += lh;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    g_object_unref(l);
  }
  void rule(double x0, double x1, double y) {
    cairo_set_line_width(cr_, 0.6);
    cairo_move_to(cr_, x0, y);
    cairo_line_to(cr_, x1, y);
    cairo_stroke(cr_);
  }
  void box(double x, double y, double w, double h) {
    cairo_set_line_width(cr_, 0.6);
    cairo_rectangle(cr_, x, y, w, h);
    cairo_stroke(cr_);
  }

  // A table: header row repeated on each page, rows never split, every cell at most 12 lines.
  void table(const document_table& t) {
    std::size_t cols = t.header.size();
    for (const auto& r : t.rows) cols = std::max(cols, r.size());
    if (cols == 0) return;
    // "TT" columns narrow, the second (a name or an indicator) wide, the rest equal.
    std::vector<double> w(cols, 0);
    double fixed = 0;
    bool numbered = !t.header.empty() && t.header[0] == "TT";
    if (numbered) fixed = w[0] = 10 * mm;
    std::size_t wide = numbered ? 1 : 0;
    std::size_t rest = cols - (numbered ? 1 : 0);
    if (rest == 1) {
      w[wide] = width - fixed;
    } else if (rest > 1) {
      double share = (width - fixed) / (static_cast<double>(rest) + 1.0);
      for (std::size_t c = wide; c < cols; ++c) w[c] = share;
      w[wide] = 2 * share;
    }
    const double pad = 3;
    std::function<void(const std::vector<std::string>&, bool)> draw_row = [&](const std::vector<std::string>& cells,
                                                                                bool header) {
      std::vector<PangoLayout*> ls;
      double h = 0;
      for (std::size_t c = 0; c < cols; ++c) {
        std::string_view text = c < cells.size() ? std::string_view(cells[c]) : std::string_view{};
        style s{.size = 12,
                .bold = header,
                .align = header || (numbered && c == 0) ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT,
                .max_lines = 12};
        ls.push_back(layout(text, w[c] - 2 * pad, s));
        h = std::max(h, height_of(ls.back()));
      }
      h += 2 * pad;
      if (!fits(h) && y_ > top) {
        new_page();
        if (!header && !t.header.empty()) draw_row(t.header, true);  // the header again on the new page
      }
      double x = left;
      for (std::size_t c = 0; c < cols; ++c) {
        box(x, y_, w[c], h);
        draw(ls[c], x + pad, y_ + pad);
        g_object_unref(ls[c]);
        x += w[c];
      }
      y_ += h;
    };
    if (!t.header.empty()) {
      ensure(60);  // not a header alone at the foot of a page
      draw_row(t.header, true);
    }
    for (const auto& r : t.rows) draw_row(r, false);
  }

  result<std::string> finish() {
    cairo_destroy(cr_);
    cr_ = nullptr;
    cairo_surface_finish(surface_);
    auto status = cairo_surface_status(surface_);
    if (status != CAIRO_STATUS_SUCCESS)
      return error(errc::io_error, {}, "Không tạo được tệp PDF: " + std::string(cairo_status_to_string(status)),
                   "Could not make the PDF: " + std::string(cairo_status_to_string(status)));
    return std::move(bytes_);
  }

  cairo_t* cr() noexcept { return cr_; }

 private:
  static cairo_status_t write(void* self, const unsigned char* data, unsigned int length) {
    static_cast<pdf_writer*>(self)->bytes_.append(reinterpret_cast<const char*>(data), length);
    return CAIRO_STATUS_SUCCESS;
  }
  cairo_surface_t* surface_ = nullptr;
  cairo_t* cr_ = nullptr;
  PangoContext* ctx_ = nullptr;
  std::string bytes_;
  double y_ = 0;
  int page_ = 1;
};

}  // namespace detail

PBGDPL_DECL result<std::string> decree30_pdf(const report_document& d) {
  using detail::pdf_writer;
  const auto& f = d.frame;
  pdf_writer w;
  const double left_w = pdf_writer::width * 0.45, right_w = pdf_writer::width * 0.55;
  const double right_x = pdf_writer::left + pdf_writer::width - right_w;

  // The head: two columns side by side, each a stack of centred lines.
  auto column = [&](double x, double cw, std::vector<std::pair<std::string, pdf_writer::style>> lines,
                    std::size_t rule_after, double rule_part) {
    double y = w.y();
    for (std::size_t i = 0; i < lines.size(); ++i) {
      auto st = lines[i].second;
      st.align = PANGO_ALIGN_CENTER;
      // A line a little too long for its column (the national title in a wide fallback font) is
      // set smaller rather than broken, down to 80% of its size.
      PangoLayout* probe = w.layout(lines[i].first, -1, st);
      int natural = 0, unused = 0;
      pango_layout_get_size(probe, &natural, &unused);
      g_object_unref(probe);
      double nw = static_cast<double>(natural) / PANGO_SCALE;
      if (nw > cw) st.size = std::max(st.size * cw / nw * 0.99, st.size * 0.8);
      PangoLayout* l = w.layout(lines[i].first, cw, st);
      w.draw(l, x, y);
      y += pdf_writer::height_of(l);
      g_object_unref(l);
      if (i == rule_after) {
        double rw = cw * rule_part;
        w.rule(x + (cw - rw) / 2, x + (cw + rw) / 2, y + 1);
        y += 6;
      }
    }
    return y;
  };
  double y1 = column(pdf_writer::left, left_w,
                     {{f.parent_body, {.size = 12.5}},
                      {f.issuing_body, {.size = 12.5, .bold = true}},
                      {detail::number_line(f), {.size = 13}}},
                     1, 0.35);
  double y2 = column(right_x, right_w,
                     {{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", {.size = 12, .bold = true}},
                      {"Độc lập - Tự do - Hạnh phúc", {.size = 13.5, .bold = true}},
                      {detail::place_date(f), {.size = 13.5, .italic = true}}},
                     1, 0.6);
  w.move(std::max(y1, y2) - w.y() + 18);

  w.flow("BÁO CÁO", {.size = 14, .bold = true, .align = PANGO_ALIGN_CENTER});
  w.flow(f.summary, {.size = 14, .bold = true, .align = PANGO_ALIGN_CENTER}, 30, pdf_writer::width - 60);
  w.move(12);
  for (const auto& s : d.sections) {
    w.ensure(60);  // a heading is not left alone at the foot of a page
    w.move(4);
    w.flow(s.heading, {.size = 14, .bold = true});
    w.move(2);
    for (const auto& p : s.paragraphs) {
      w.flow(p, {.size = 14, .justify = true, .indent = 10 * pdf_writer::mm});
      w.move(3);
    }
    for (const auto& t : s.tables) {
      w.table(t);
      w.move(6);
    }
  }

  // The foot: recipients left, signer right; kept together on one page.
  std::vector<std::pair<std::string, pdf_writer::style>> signer;
  if (!f.authority.empty()) signer.push_back({f.authority, {.size = 14, .bold = true}});
  signer.push_back({f.signer_title, {.size = 14, .bold = true}});
  double recip_h = 20 + 14.0 * static_cast<double>(f.recipients.size() + 1);
  double foot_h = std::max(recip_h, 18.0 * static_cast<double>(signer.size()) + 90);
  w.move(10);
  if (foot_h < pdf_writer::page_h - pdf_writer::top - pdf_writer::bottom) w.ensure(foot_h);
  double top_y = w.y();
  std::vector<std::pair<std::string, pdf_writer::style>> recips{{"Nơi nhận:", {.size = 12, .bold = true, .italic = true}}};
  for (const auto& r : f.recipients) recips.push_back({"- " + r + ";", {.size = 11}});
  recips.push_back({"- Lưu: VT.", {.size = 11}});
  double ly = top_y;
  for (const auto& [text, st] : recips) {
    PangoLayout* l = w.layout(text, pdf_writer::width * 0.45, st);
    w.draw(l, pdf_writer::left, ly);
    ly += pdf_writer::height_of(l);
    g_object_unref(l);
  }
  double sx = pdf_writer::left + pdf_writer::width * 0.5, sw = pdf_writer::width * 0.5;
  double sy = top_y;
  for (const auto& [text, st0] : signer) {
    auto st = st0;
    st.align = PANGO_ALIGN_CENTER;
    PangoLayout* l = w.layout(text, sw, st);
    w.draw(l, sx, sy);
    sy += pdf_writer::height_of(l);
    g_object_unref(l);
  }
  sy += 70;  // room for the signature and the seal
  PangoLayout* name = w.layout(f.signer_name, sw, {.size = 14, .bold = true, .align = PANGO_ALIGN_CENTER});
  w.draw(name, sx, sy);
  g_object_unref(name);
  return w.finish();
}

}  // namespace reports
PBGDPL_NAMESPACE_END
