// The compliance KPI page of a unit (plan target 1.1): from the latest crawl of the schools below
// it, the share meeting each criterion overall and per level, the trend over the runs as an SVG
// chart with the same figures as a table, and every school with its verdicts and the evidence
// behind them, those to follow up first. Everything shown was read from public web pages, so the
// page is public like the rest of the section; starting a crawl is not (API, CLI).
#pragma once
#include "../pages.hpp"

#include "../../network/compliance_history.hpp"

#include <cstdio>

PBGDPL_NAMESPACE_BEGIN
namespace portal {

namespace compliance_detail {

inline std::string pct(double v) {
  char b[16];
  std::snprintf(b, sizeof b, "%.0f%%", v);
  return b;
}

inline std::string verdict_cell(const std::string& v, bool en) {
  auto label = v == "met" ? (en ? "Met" : "Đạt") : v == "not_met" ? (en ? "Not met" : "Chưa đạt") : (en ? "Unknown" : "Chưa xác định");
  return "<td class=\"verdict " + v + "\">" + std::string(label) + "</td>";
}

inline std::string_view level_label(school_level l, bool en) {
  switch (l) {
    case school_level::mn: return en ? "Preschools (MN)" : "Mầm non (MN)";
    case school_level::th: return en ? "Primary schools (TH)" : "Tiểu học (TH)";
    case school_level::thcs: return en ? "Lower secondary schools (THCS)" : "Trung học cơ sở (THCS)";
  }
  return "";
}

inline constexpr std::string_view criteria_vi[5] = {"Chuyên mục PBGDPL", "Liên kết đến cổng của đơn vị quản lý",
                                                    "Banner Trang PBGDPL thành phố", "Bài viết PBGDPL gần đây", "Đạt cả bốn tiêu chí"};
inline constexpr std::string_view criteria_en[5] = {"PBGDPL section", "Link to the managing unit's portal", "City PBGDPL portal banner",
                                                    "Recent PBGDPL post", "All four criteria"};

// A scrollable table wrapper is a focusable, named region (keyboard users can scroll it).
inline std::string table_open(std::string_view caption, std::string_view cls = "kpi") {
  auto c = publish::escape_html(caption);
  return "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"" + c + "\"><table class=\"" + std::string(cls) +
         "\"><caption>" + c + "</caption>";
}

inline std::string row_cells(const network::kpi_row& row) {
  std::string h;
  for (const auto& cell : row)
    h += "<td>" + pct(cell.percent()) + " <span class=\"count\">(" + std::to_string(cell.met) + "/" + std::to_string(cell.total()) +
         ")</span></td>";
  return h;
}

}  // namespace compliance_detail

PBGDPL_DECL http::response pages::compliance_page(http::request&, const page_context& ctx) {
  using namespace compliance_detail;
  const bool en = ctx.lang == language::en;
  const auto& names = en ? criteria_en : criteria_vi;
  auto e = [](std::string_view s) { return publish::escape_html(s); };
  const std::string vi_attr = en ? " lang=\"vi\"" : "";
  auto title = std::string(en ? "School websites: the plan's targets" : "Trang thông tin điện tử các trường: kết quả thực hiện chỉ tiêu");
  std::string h = "<h1>" + title + "</h1>";
  h += std::string("<p>") +
       (en ? "Target 1.1 of the plan: every school's website has a legal dissemination and education (PBGDPL) section, links to "
             "the portal of the unit that manages it, and carries the banner linking the city's PBGDPL portal with the sentence "
             "\"Trang thông tin điện tử phổ biến pháp luật thành phố Hà Nội\". The figures below come from an automatic check of "
             "each school's public website; each verdict shows the evidence it rests on."
           : "Chỉ tiêu 1.1 của kế hoạch: 100% trang thông tin điện tử của các trường có chuyên mục phổ biến, giáo dục pháp luật, "
             "liên kết đến cổng thông tin của đơn vị quản lý và có banner liên kết Trang thông tin điện tử phổ biến pháp luật "
             "thành phố Hà Nội. Số liệu dưới đây do hệ thống tự động kiểm tra trang công khai của từng trường; mỗi kết luận "
             "kèm bằng chứng.") +
       "</p>";
  auto kpis = network::read_kpis(db_, ctx.u->id);
  if (!kpis || !kpis->latest) {
    h += std::string("<p>") + (en ? "No check has been run for the schools of this unit yet." : "Chưa có lượt kiểm tra nào cho các trường của đơn vị này.") + "</p>";
  } else {
    const auto& k = *kpis;
    const auto& run = *k.latest;
    h += "<p>" + std::string(en ? "Latest check: " : "Lượt kiểm tra gần nhất: ") + "<time datetime=\"" + e(format_timestamp(run.started_at)) +
         "\">" + e(detail::date_text(ctx, local_date(run.started_at))) + "</time>, " + std::to_string(run.sites) +
         (en ? " schools; a post counts as recent within " : " trường; bài viết được tính là gần đây nếu đăng trong ") +
         std::to_string(run.recent_days) + (en ? " days." : " ngày.") + "</p>";

    h += std::string("<h2>") + (en ? "Share of schools meeting each criterion" : "Tỉ lệ trường đạt từng tiêu chí") + "</h2>";
    h += table_open(en ? "Latest check, by school level (met/schools checked)" : "Lượt kiểm tra gần nhất, theo cấp học (số đạt/số trường)") +
         "<thead><tr><th scope=\"col\">" + (en ? "Level" : "Cấp học") + "</th>";
    for (const auto& n : names) h += "<th scope=\"col\">" + std::string(n) + "</th>";
    h += "</tr></thead><tbody>";
    for (const auto& [level, row] : k.by_level)
      h += "<tr><th scope=\"row\">" + std::string(level_label(level, en)) + "</th>" + row_cells(row) + "</tr>";
    h += "<tr class=\"total\"><th scope=\"row\">" + std::string(en ? "All schools" : "Tất cả các trường") + "</th>" + row_cells(k.overall) +
         "</tr></tbody></table></div>";
    if (auto unknown = k.overall[network::kpi_all].unknown)
      h += "<p>" + std::to_string(unknown) +
           (en ? " school website(s) could not be read completely; they count as not yet meeting the target until a check succeeds."
               : " trang của trường chưa đọc được đầy đủ; được tính là chưa đạt cho đến khi kiểm tra lại thành công.") +
           "</p>";

    h += std::string("<h2>") + (en ? "Trend over the checks" : "Diễn biến qua các lượt kiểm tra") + "</h2>";
    h += "<figure class=\"kpi-trend\">" + network::trend_svg(k.trend, !en) + "<figcaption>" +
         (en ? "Share of schools meeting each criterion at each check (the table below gives the same figures)."
             : "Tỉ lệ trường đạt từng tiêu chí qua mỗi lượt kiểm tra (bảng dưới có cùng số liệu).") +
         "</figcaption></figure>";
    h += table_open(en ? "Figures of each check" : "Số liệu từng lượt kiểm tra") + "<thead><tr><th scope=\"col\">" +
         (en ? "Check" : "Lượt kiểm tra") + "</th>";
    for (const auto& n : names) h += "<th scope=\"col\">" + std::string(n) + "</th>";
    h += "</tr></thead><tbody>";
    for (auto it = k.trend.rbegin(); it != k.trend.rend(); ++it) {
      h += "<tr><th scope=\"row\"><time datetime=\"" + e(format_timestamp(it->run.started_at)) + "\">" +
           e(detail::date_text(ctx, local_date(it->run.started_at))) + "</time></th>";
      for (double p : it->percent) h += "<td>" + pct(p) + "</td>";
      h += "</tr>";
    }
    h += "</tbody></table></div>";

    h += std::string("<h2>") + (en ? "Schools" : "Các trường") + "</h2>";
    h += std::string("<p>") + (en ? "Schools to follow up come first." : "Các trường cần đôn đốc được xếp trước.") + "</p>";
    h += table_open(en ? "Verdicts of the latest check" : "Kết luận của lượt kiểm tra gần nhất", "kpi schools") +
         "<thead><tr><th scope=\"col\">" + (en ? "School" : "Trường") + "</th>";
    for (std::size_t i = 0; i < 4; ++i) h += "<th scope=\"col\">" + std::string(names[i]) + "</th>";
    h += "</tr></thead><tbody>";
    for (const auto& c : k.checks) {
      auto name = ctx.units->tree.name(c.unit.value);
      h += "<tr><th scope=\"row\"" + vi_attr + ">" + e(name.empty() ? std::string_view(c.unit.value) : name) + "</th>" +
           verdict_cell(c.section, en) + verdict_cell(c.division_link, en) + verdict_cell(c.city_banner, en) +
           verdict_cell(c.recent_post, en) + "</tr>";
    }
    h += "</tbody></table></div>";

    // The evidence, school by school: what was found where, and how sure.
    h += std::string("<h2>") + (en ? "Evidence" : "Bằng chứng") + "</h2>";
    for (const auto& c : k.checks) {
      auto name = ctx.units->tree.name(c.unit.value);
      h += "<section class=\"evidence\"><h3" + vi_attr + ">" + e(name.empty() ? std::string_view(c.unit.value) : name) + "</h3>";
      auto r = from_json_text<network::site_result>(c.result);
      if (!r) {
        h += std::string("<p>") + (en ? "The details of this check cannot be read." : "Không đọc được chi tiết của lần kiểm tra này.") + "</p></section>";
        continue;
      }
      if (!r->site.empty()) h += "<p>" + std::string(en ? "Website: " : "Trang web: ") + "<span class=\"url\">" + e(r->site) + "</span></p>";
      h += "<ul>";
      for (const auto& cr : r->criteria) {
        auto i = static_cast<std::size_t>(cr.which);
        h += "<li><strong>" + std::string(names[i < 4 ? i : 0]) + ":</strong> ";
        auto v = std::string(to_string(cr.verdict));
        h += v == "met" ? (en ? "met" : "đạt") : v == "not_met" ? (en ? "not met" : "chưa đạt") : (en ? "unknown" : "chưa xác định");
        const auto& note = en ? cr.note_en : cr.note_vi;
        if (!note.empty()) h += ". " + e(note);
        if (!cr.evidence.empty()) {
          const auto& ev = cr.evidence.front();
          h += " <span class=\"how\">(" + std::string(en ? "found by " : "cách tìm: ") + e(ev.method) + ", " +
               (en ? "confidence " : "độ tin cậy ") + pct(ev.confidence * 100) + "; <span class=\"url\">" + e(ev.url) + "</span>";
          if (!ev.matched.empty()) h += "; <q" + vi_attr + ">" + e(ev.matched.substr(0, 200)) + "</q>";
          h += ")</span>";
        }
        h += "</li>";
      }
      h += "</ul>";
      if (!r->errors.empty())
        h += "<p>" + std::to_string(r->errors.size()) + (en ? " page(s) could not be read." : " trang không đọc được.") + "</p>";
      h += "</section>";
    }
  }
  views::panel_page page;
  page.panel.html = std::move(h);
  return render(ctx, common(ctx), "panel", publish::view::of(page), page_meta(ctx, title, title, ctx.links.compliance()));
}

}  // namespace portal
PBGDPL_NAMESPACE_END
