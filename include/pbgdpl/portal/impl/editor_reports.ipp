// The editor's "Báo cáo" screens (issue 17): the rounds and the account's reports; a unit's report
// form pre-filled from what the store holds (each computed indicator with its evidence, an
// override needing a justification), saved, then signed and sent with the account's password;
// the unit above's review (completeness by level, each school's report, approve with a signature,
// return with a note, excuse) and its roll-up (by level and school, KPIs, ranking, trends, and the
// downloads the API serves). Rights follow trust/permissions.hpp on the round's tree (the
// hierarchy on its due date, portal/reports_view.hpp); the library's workflow
// (reports/workflow.hpp) checks them again on every step. Included by impl/editor.ipp.
#pragma once
#include "../reports_files.hpp"
#include "../reports_view.hpp"
#include "../../reports/indicators.hpp"
#include "../../reports/periods.hpp"
#include "../../reports/rollup.hpp"
#include "../../reports/workflow.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>

PBGDPL_NAMESPACE_BEGIN
namespace portal {
namespace report_editor {

inline std::string state_text(std::optional<submission_state> s, bool en) {
  if (!s) return en ? "Not started" : "Chưa có";
  return std::string(en ? label_en(*s) : label_vi(*s));
}

inline std::string period_text(const report_period& p, bool en) { return en ? report_period_label_en(p) : report_period_label_vi(p); }

// A number as a person reads it: whole numbers without decimals, others with up to two.
inline std::string number_text(double v) {
  if (std::isfinite(v) && std::fabs(v - std::round(v)) < 1e-9 && std::fabs(v) < 1e15) return std::to_string(static_cast<long long>(std::llround(v)));
  char b[64];
  std::snprintf(b, sizeof b, "%.2f", v);
  std::string s = b;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

// A typed number: digits with an optional sign and one decimal point or comma ("75,5" as Vietnamese
// write it). Anything else (a space inside, "1e5", text) is not a number here.
inline std::optional<double> parse_number(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  if (s.empty() || s.size() > 32) return std::nullopt;
  std::string t(s);
  bool dot = false;
  for (std::size_t i = 0; i < t.size(); ++i) {
    char& ch = t[i];
    if (ch == ',') ch = '.';
    if (ch == '.') {
      if (dot) return std::nullopt;
      dot = true;
    } else if (!(ch >= '0' && ch <= '9') && !(i == 0 && (ch == '-' || ch == '+'))) {
      return std::nullopt;
    }
  }
  if (t.front() == '+') t.erase(0, 1);
  double v = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || end != t.data() + t.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

inline std::string value_text(const indicator& ind, const indicator_value* v, bool en) {
  if (!v) return "";
  if (ind.kind == indicator_kind::boolean) return v->flag ? (*v->flag ? (en ? "Yes" : "Có") : (en ? "No" : "Không")) : "";
  if (ind.kind == indicator_kind::text) return v->text.value_or("");
  return v->number ? number_text(*v->number) : "";
}

inline const indicator_value* entered_value(const report_submission& s, std::string_view code) {
  for (const auto& v : s.values)
    if (v.code == code) return &v;
  return nullptr;
}

inline const reports::computed_value* find_computed(const std::vector<reports::computed_value>& cs, std::string_view code) {
  for (const auto& c : cs)
    if (c.code == code) return &c;
  return nullptr;
}

inline std::string level_text(std::string_view level, bool en) {
  if (level.empty()) return en ? "All levels" : "Tất cả các cấp";
  if (auto l = enum_from_string<school_level>(level)) return std::string(en ? label_en(*l) : label_vi(*l));
  return std::string(level);
}

// A step of the audit trail, as people call it.
inline std::string action_text(std::string_view a, bool en) {
  static constexpr std::array<std::array<std::string_view, 3>, 8> names{{{"create", "Lập báo cáo", "Started"},
                                                                          {"save", "Lưu", "Saved"},
                                                                          {"refresh", "Tính lại số liệu", "Recomputed"},
                                                                          {"submit", "Ký và gửi", "Signed and sent"},
                                                                          {"approve", "Ký duyệt", "Approved"},
                                                                          {"return", "Trả lại", "Returned"},
                                                                          {"reopen", "Mở lại", "Reopened"},
                                                                          {"excuse", "Miễn nộp", "Excused"}}};
  for (const auto& n : names)
    if (n[0] == a) return std::string(en ? n[2] : n[1]);
  return std::string(a);
}

inline std::string percent_text(double v) { return number_text(std::round(v * 10) / 10) + "%"; }

}  // namespace report_editor

PBGDPL_DECL void editor::build_reports(const editor_detail::guard_fn& guarded) {
  using namespace editor_detail;
  using namespace report_editor;

  auto hidden_csrf = [](const call& c) { return "<input type=\"hidden\" name=\"csrf\" value=\"" + esc(c.csrf) + "\">"; };
  auto report_path = [](const report_period_id& p, const unit_id& u) { return "/bao-cao/" + p.value + "/" + u.value; };
  auto missing = [](call& c) {
    return html(page(c.s, c.s.t("Không tìm thấy", "Not found"), c.who, c.csrf,
                     "<p>" + c.s.t("Không có báo cáo này, hoặc tài khoản của bạn không xem được.",
                                   "No such report, or your account may not see it.") + "</p><p><a href=\"" + esc(c.s.link("/bao-cao")) + "\">" +
                         c.s.t("Trở lại danh sách báo cáo", "Back to the reports") + "</a></p>"),
                http::status::not_found);
  };
  // A round, its template and its tree, and whether the account may see unit u's report in it.
  struct round_ctx {
    report_period period;
    report_template tmpl;
    unit_directory tree;
  };
  auto load_round = [this](std::string_view period_id) -> std::optional<round_ctx> {
    auto p = db_.get<report_period>(period_id);
    if (!p) return std::nullopt;
    auto t = db_.get<report_template>(p->template_id.value);
    if (!t) return std::nullopt;
    auto tree = report_tree(db_, *p);
    if (!tree) return std::nullopt;
    return round_ctx{std::move(*p), std::move(*t), std::move(*tree)};
  };
  auto unit_name = [](const unit_directory& tree, const unit_id& u) {
    auto n = tree.name(u.value);
    return n.empty() ? u.value : std::string(n);
  };

  // --- the rounds and the account's reports ---
  routes_->get("/bao-cao", guarded([this, report_path, unit_name, hidden_csrf](http::request&, call& c) {
    const auto& s = c.s;
    std::vector<report_period> periods;
    store::list_query q;
    q.limit = 100;
    for (std::size_t pages = 0; pages < 10; ++pages) {
      auto p = db_.list<report_period>(q);
      if (!p) break;
      for (auto& x : p->items) periods.push_back(std::move(x));
      if (p->next_cursor.empty()) break;
      q.cursor = p->next_cursor;
    }
    std::sort(periods.begin(), periods.end(), [](const report_period& a, const report_period& b) { return calendar_before(b, a); });
    if (periods.size() > 8) periods.resize(8);  // the latest rounds; older ones by their links
    std::string body = "<p>" + s.t("Báo cáo kết quả thực hiện kế hoạch PBGDPL hằng năm: hai đợt mỗi năm (đợt 1 sau tổng kết năm học, "
                                   "đợt 2 trước ngày 15 tháng 12). Các chỉ tiêu được tính sẵn từ dữ liệu của cổng; người lập báo cáo "
                                   "xem lại, bổ sung, rồi ký và gửi bằng mật khẩu của mình.",
                                   "The plan's yearly PBGDPL report: two rounds a year (round 1 after the school year's wrap-up, round 2 "
                                   "before 15 December). Indicators are computed from the portal's data; whoever reports checks and completes "
                                   "them, then signs and sends with their password.") + "</p>";
    if (periods.empty()) body += "<p>" + s.t("Chưa có kỳ báo cáo nào.", "No reporting rounds yet.") + "</p>";
    std::size_t n = 0;
    for (const auto& p : periods) {
      auto tree = report_tree(db_, p);
      if (!tree) continue;
      const std::string id = "ky-" + std::to_string(++n);
      body += "<section aria-labelledby=\"" + id + "\"><h2 id=\"" + id + "\">" + esc(period_text(p, s.en)) + "</h2>";
      auto w = window_of(p);
      body += "<p>" + s.t("Hạn gửi: ", "Due: ") + esc(format_date(p.due_on)) + " · " + s.t("Số liệu từ ", "Data from ") + esc(format_date(w.from)) +
              s.t(" đến ", " to ") + esc(format_date(w.to)) + (p.locked_at ? " · <strong>" + s.t("Đã khóa", "Locked") + "</strong>" : std::string()) +
              "</p>";
      // The units whose report this account fills in, and those whose schools it reviews.
      std::set<std::string> fill, review;
      for (const auto& g : c.who.grants) {
        if (!tree->find(g.unit.value) || tree->ended(g.unit.value)) continue;
        if (may_fill_report(c.who, g.unit, *tree)) fill.insert(g.unit.value);
        if (may_review_report(c.who, g.unit, *tree) && !tree->children(g.unit.value).empty()) review.insert(g.unit.value);
      }
      if (!fill.empty()) {
        body += "<table class=\"work\"><caption>" + s.t("Báo cáo của đơn vị tôi", "My unit's report") + "</caption><thead><tr><th scope=\"col\">" +
                s.t("Đơn vị", "Unit") + "</th><th scope=\"col\">" + s.t("Trạng thái", "State") + "</th><th scope=\"col\">" +
                s.t("Việc cần làm", "To do") + "</th></tr></thead><tbody>";
        for (const auto& u : fill) {
          auto sub = db_.get<report_submission>(reports::submission_id_for(p.id, unit_id{u}).value);
          body += "<tr><td>" + esc(unit_name(*tree, unit_id{u})) + "</td><td>" +
                  esc(state_text(sub ? std::optional<submission_state>(sub->state) : std::nullopt, s.en)) + "</td><td>";
          if (sub) {
            body += "<a href=\"" + esc(s.link(report_path(p.id, unit_id{u}))) + "\">" + s.t("Mở báo cáo", "Open the report") + "</a>";
          } else if (!p.locked_at) {
            body += "<form class=\"inline\" method=\"post\" action=\"" + esc(s.link(report_path(p.id, unit_id{u}) + "/mo")) + "\">" + hidden_csrf(c) +
                    "<button type=\"submit\">" + s.t("Lập báo cáo (điền sẵn từ dữ liệu)", "Start the report (pre-filled from the data)") +
                    "</button></form>";
          }
          body += "</td></tr>";
        }
        body += "</tbody></table>";
      }
      if (!review.empty()) {
        body += "<ul>";
        for (const auto& u : review)
          body += "<li>" + esc(unit_name(*tree, unit_id{u})) + ": <a href=\"" + esc(s.link("/bao-cao/" + p.id.value + "/xet/" + u)) + "\">" +
                  s.t("Xét duyệt báo cáo các trường", "Review the schools' reports") + "</a> · <a href=\"" +
                  esc(s.link("/bao-cao/" + p.id.value + "/tong-hop/" + u)) + "\">" + s.t("Tổng hợp", "Roll-up") + "</a></li>";
        body += "</ul>";
      }
      // The city's officials: the roll-up across the city's wards and divisions.
      std::set<std::string> cities;
      for (const auto& g : c.who.grants)
        if (g.r == role::city_official)
          if (auto city = tree->nearest(g.unit, unit_kind::city); city && may_review_report(c.who, *city, *tree)) cities.insert(city->value);
      if (!cities.empty()) {
        body += "<ul>";
        for (const auto& u : cities)
          body += "<li>" + esc(unit_name(*tree, unit_id{u})) + ": <a href=\"" + esc(s.link("/bao-cao/" + p.id.value + "/tong-hop/" + u)) + "\">" +
                  s.t("Tổng hợp toàn thành phố", "City-wide roll-up") + "</a></li>";
        body += "</ul>";
      }
      if (fill.empty() && review.empty() && cities.empty())
        body += "<p>" + s.t("Tài khoản của bạn không lập hay duyệt báo cáo nào trong kỳ này.", "Your account fills in or reviews no report in this round.") + "</p>";
      body += "</section>";
    }
    return html(page(s, s.t("Báo cáo hằng năm", "Yearly reports"), c.who, c.csrf, body));
  }));

  // --- one unit's report: the form while it is a draft, else what was sent, and the steps ---
  // `typed`: the form as posted (shown again after an error), by field name.
  auto report_screen = [this, hidden_csrf, report_path, unit_name](call& c, const round_ctx& r, const unit_id& u,
                                                                     const std::optional<report_submission>& sub, const field_errors& fe,
                                                                     const std::map<std::string, std::string>& typed, const std::string& notice) {
    const auto& s = c.s;
    const auto& t = r.tmpl;
    const bool fill = may_fill_report(c.who, u, r.tree);
    const bool review = may_review_report(c.who, u, r.tree);
    const std::string base = report_path(r.period.id, u);
    std::string body;
    if (!notice.empty()) body += "<div class=\"notice\" role=\"status\">" + esc(notice) + "</div>";
    body += errors_box(s, fe);
    body += "<p>" + s.t("Đơn vị: ", "Unit: ") + "<strong>" + esc(unit_name(r.tree, u)) + "</strong> · " + esc(t.name) +
            (t.plan_number.empty() ? std::string() : " (" + esc(t.plan_number) + ")") + " · " + s.t("Hạn gửi: ", "Due: ") + esc(format_date(r.period.due_on)) +
            "</p>";
    body += "<p><a href=\"" + esc(s.link("/bao-cao")) + "\">" + s.t("Trở lại danh sách báo cáo", "Back to the reports") + "</a></p>";
    if (!sub) {
      body += "<p>" + s.t("Đơn vị chưa lập báo cáo kỳ này.", "The unit has not started its report for this round.") + "</p>";
      if (fill && !r.period.locked_at)
        body += "<form method=\"post\" action=\"" + esc(s.link(base + "/mo")) + "\">" + hidden_csrf(c) + "<button type=\"submit\">" +
                s.t("Lập báo cáo (điền sẵn từ dữ liệu)", "Start the report (pre-filled from the data)") + "</button></form>";
      return html(page(s, s.t("Báo cáo ", "Report ") + period_text(r.period, s.en), c.who, c.csrf, body),
                  fe.empty() ? http::status::ok : http::status::unprocessable_entity);
    }
    body += "<p>" + s.t("Trạng thái: ", "State: ") + "<strong>" + esc(state_text(sub->state, s.en)) + "</strong>";
    if (sub->submitted_at) body += " · " + s.t("gửi lúc ", "sent at ") + esc(fmt_time(*sub->submitted_at));
    if (sub->approved_at) body += " · " + s.t("duyệt lúc ", "approved at ") + esc(fmt_time(*sub->approved_at));
    body += "</p>";
    if (sub->state == submission_state::returned && !sub->review_note.empty())
      body += "<div class=\"notice\"><p>" + s.t("Cấp trên trả lại với nhận xét: ", "Returned by the unit above with the note: ") + esc(sub->review_note) +
              "</p></div>";
    if (sub->state != submission_state::excused) {
      const std::string doc = s.portal + "/api/v1/reports/submissions/" + http::percent_encode(sub->id.value) + "/document?format=";
      body += "<p>" + s.t("Văn bản báo cáo theo Nghị định 30: ", "The report as a Decree 30 document: ") + "<a href=\"" + esc(doc + "html") + "\">HTML" +
              s.t(" (để in)", " (to print)") + "</a> · <a href=\"" + esc(doc + "pdf") + "\">PDF</a></p>";
    }
    if (!sub->signature.empty())
      body += "<p>" + s.t("Chữ ký của đơn vị (khóa ", "The unit's signature (key ") + "<code>" + esc(sub->signer_key) + "</code>)" +
              (sub->approval_signature.empty() ? std::string()
                                               : s.t(", chữ ký duyệt của cấp trên (khóa ", ", the reviewer's signature (key ") + "<code>" +
                                                     esc(sub->approver_key) + "</code>)") +
              ".</p>";
    const bool editable = fill && (sub->state == submission_state::draft || sub->state == submission_state::returned) && !r.period.locked_at;
    if (editable) {
      // What the store says now, with the evidence, beside each computed indicator.
      std::vector<reports::computed_value> computed;
      if (auto cv = reports::compute_indicators(db_, t, r.period, u)) computed = std::move(*cv);
      auto typed_or = [&](const std::string& name, std::string fallback) {
        auto it = typed.find(name);
        return it != typed.end() ? it->second : fallback;
      };
      body += "<form method=\"post\" action=\"" + esc(s.link(base + "/luu")) + "\" novalidate>" + hidden_csrf(c) +
              "<input type=\"hidden\" name=\"version\" value=\"" + std::to_string(sub->version) + "\">";
      std::string task;
      bool open_fieldset = false;
      std::size_t k = 0;
      for (const auto& ind : t.indicators) {
        if (ind.task != task || !open_fieldset) {
          if (open_fieldset) body += "</fieldset>";
          task = ind.task;
          body += "<fieldset><legend>" +
                  (task.empty() ? s.t("Chỉ tiêu", "Indicators")
                   : task == "narrative" ? s.t("Đánh giá chung", "Narrative")
                                         : s.t("Nhiệm vụ ", "Task ") + esc(task)) +
                  "</legend>";
          open_fieldset = true;
        }
        ++k;
        const auto* v = entered_value(*sub, ind.code);
        const auto* cv = find_computed(computed, ind.code);
        const std::string label = s.en && !ind.label_en.empty() ? ind.label_en : ind.label;
        const std::string vname = "v-" + ind.code, jname = "j-" + ind.code, cname = "c-" + ind.code;
        const std::string fid = "f-" + vname;
        auto err = fe.by_field.find(vname);
        body += "<div class=\"field indicator" + std::string(err != fe.by_field.end() ? " has-error" : "") + "\">";
        body += "<label for=\"" + fid + "\">" + esc(label) + (ind.unit_label.empty() ? std::string() : " (" + esc(ind.unit_label) + ")") +
                (ind.required ? " <span aria-hidden=\"true\">*</span>" : "") + "</label>";
        std::string described;
        if (!ind.source.empty()) {
          std::string computed_text;
          if (ind.kind == indicator_kind::boolean) {
            auto f = cv ? cv->flag : v ? v->computed_flag : std::nullopt;
            computed_text = f ? (*f ? s.t("Có", "Yes") : s.t("Không", "No")) : s.t("không có số liệu", "no data");
          } else {
            auto x = cv ? cv->number : v ? v->computed_number : std::nullopt;
            computed_text = x ? number_text(*x) : s.t("không có số liệu", "no data");
          }
          body += "<p class=\"hint computed\" id=\"" + fid + "-computed\">" + s.t("Số liệu từ cổng: ", "From the portal's data: ") + "<strong>" +
                  esc(computed_text) + "</strong>";
          if (cv) {
            const auto& ev = s.en && !cv->evidence_en.empty() ? cv->evidence_en : cv->evidence_vi;
            if (!ev.empty()) body += " — " + esc(ev);
          }
          body += "</p>";
          described = fid + "-computed";
        }
        if (err != fe.by_field.end()) {
          body += "<p class=\"field-error\" id=\"" + fid + "-error\">" + esc(err->second) + "</p>";
          described += (described.empty() ? "" : " ") + fid + "-error";
        }
        const std::string aria = (described.empty() ? std::string() : " aria-describedby=\"" + described + "\"") +
                                 (err != fe.by_field.end() ? " aria-invalid=\"true\"" : "");
        const std::string current = typed_or(vname, value_text(ind, v, false));
        if (ind.kind == indicator_kind::boolean) {
          const std::string cur = typed_or(vname, v && v->flag ? (*v->flag ? "co" : "khong") : "");
          body += "<select id=\"" + fid + "\" name=\"" + vname + "\"" + aria + "><option value=\"\"" + (cur.empty() ? " selected" : "") + ">" +
                  s.t("(chưa trả lời)", "(no answer)") + "</option><option value=\"co\"" + (cur == "co" ? " selected" : "") + ">" + s.t("Có", "Yes") +
                  "</option><option value=\"khong\"" + (cur == "khong" ? " selected" : "") + ">" + s.t("Không", "No") + "</option></select>";
        } else if (ind.kind == indicator_kind::text) {
          body += "<textarea id=\"" + fid + "\" name=\"" + vname + "\" rows=\"5\"" + aria + ">" + esc(current) + "</textarea>";
        } else {
          body += "<input type=\"text\" inputmode=\"decimal\" id=\"" + fid + "\" name=\"" + vname + "\" value=\"" + esc(current) + "\"" + aria + ">";
        }
        body += "</div>";
        if (!ind.source.empty()) {
          auto jerr = fe.by_field.find(jname);
          body += "<div class=\"field" + std::string(jerr != fe.by_field.end() ? " has-error" : "") + "\"><label for=\"f-" + jname + "\">" +
                  s.t("Lý do khi sửa số liệu tính sẵn", "Why, when you change the computed value") + "</label>";
          if (jerr != fe.by_field.end()) body += "<p class=\"field-error\" id=\"f-" + jname + "-error\">" + esc(jerr->second) + "</p>";
          body += "<input type=\"text\" id=\"f-" + jname + "\" name=\"" + jname + "\" value=\"" + esc(typed_or(jname, v ? v->justification : "")) + "\"" +
                  (jerr != fe.by_field.end() ? " aria-describedby=\"f-" + jname + "-error\" aria-invalid=\"true\"" : std::string()) + "></div>";
        }
        if (ind.kind != indicator_kind::text)
          body += "<div class=\"field\"><label for=\"f-" + cname + "\">" + s.t("Ghi chú", "Comment") + "</label><input type=\"text\" id=\"f-" + cname +
                  "\" name=\"" + cname + "\" value=\"" + esc(typed_or(cname, v ? v->comment : "")) + "\"></div>";
      }
      (void)k;
      if (open_fieldset) body += "</fieldset>";
      body += "<p><button type=\"submit\" id=\"b-luu\">" + s.t("Lưu bản nháp", "Save the draft") + "</button></p></form>";
      body += "<div class=\"actions\">";
      body += "<form method=\"post\" action=\"" + esc(s.link(base + "/lam-moi")) + "\">" + hidden_csrf(c) + "<button type=\"submit\" id=\"b-lam-moi\">" +
              s.t("Tính lại từ dữ liệu của cổng", "Compute again from the portal's data") + "</button></form>";
      body += "<form method=\"post\" action=\"" + esc(s.link(base + "/gui")) + "\"><h2>" + s.t("Ký và gửi báo cáo", "Sign and send the report") + "</h2>" +
              hidden_csrf(c) + "<input type=\"hidden\" name=\"version\" value=\"" + std::to_string(sub->version) + "\">" +
              input(s, fe, "password", s.t("Mật khẩu của bạn (để ký)", "Your password (to sign)"), "", "password", true,
                    s.t("Báo cáo được ký bằng khóa của tài khoản; sau khi gửi, chỉ cấp trên trả lại được.",
                        "The report is signed with your account's key; once sent, only the unit above can return it.")) +
              "<button type=\"submit\" id=\"b-gui\">" + s.t("Ký và gửi", "Sign and send") + "</button></form>";
      body += "</div>";
    } else {
      body += "<table class=\"work\"><caption>" + s.t("Các chỉ tiêu", "Indicators") + "</caption><thead><tr><th scope=\"col\">" + s.t("Chỉ tiêu", "Indicator") +
              "</th><th scope=\"col\">" + s.t("Giá trị", "Value") + "</th><th scope=\"col\">" + s.t("Số liệu tính sẵn", "Computed") +
              "</th><th scope=\"col\">" + s.t("Lý do, ghi chú", "Justification, comment") + "</th></tr></thead><tbody>";
      for (const auto& ind : t.indicators) {
        const auto* v = entered_value(*sub, ind.code);
        std::string computed;
        if (v && v->computed_number) computed = number_text(*v->computed_number);
        if (v && v->computed_flag) computed = *v->computed_flag ? s.t("Có", "Yes") : s.t("Không", "No");
        std::string notes;
        if (v && !v->justification.empty()) notes += esc(v->justification);
        if (v && !v->comment.empty()) notes += (notes.empty() ? "" : " · ") + esc(v->comment);
        body += "<tr><td>" + esc(s.en && !ind.label_en.empty() ? ind.label_en : ind.label) + "</td><td>" + esc(value_text(ind, v, s.en)) + "</td><td>" +
                esc(computed) + "</td><td>" + notes + "</td></tr>";
      }
      body += "</tbody></table>";
    }
    // The unit above's steps.
    if (review) {
      body += "<div class=\"actions\">";
      if (sub->state == submission_state::submitted)
        body += "<form method=\"post\" action=\"" + esc(s.link(base + "/duyet")) + "\"><h2>" + s.t("Duyệt báo cáo", "Approve the report") + "</h2>" +
                hidden_csrf(c) + input(s, fe, "note", s.t("Nhận xét (không bắt buộc)", "Note (optional)"), "", "text") +
                input(s, fe, "password", s.t("Mật khẩu của bạn (để ký duyệt)", "Your password (to sign the approval)"), "", "password", true) +
                "<button type=\"submit\" id=\"b-duyet\">" + s.t("Ký duyệt", "Sign the approval") + "</button></form>";
      if (sub->state == submission_state::submitted || sub->state == submission_state::accepted)
        body += "<form method=\"post\" action=\"" + esc(s.link(base + "/tra-lai")) + "\"><h2>" + s.t("Trả lại để sửa", "Return for changes") + "</h2>" +
                hidden_csrf(c) + input(s, fe, "return_note", s.t("Cần sửa gì", "What to change"), "", "textarea", true) +
                "<button type=\"submit\" id=\"b-tra-lai\">" + s.t("Trả lại", "Return") + "</button></form>";
      body += "</div>";
    }
    // The audit trail.
    if (!sub->history.empty()) {
      body += "<h2>" + s.t("Lịch sử", "History") + "</h2><table class=\"work\"><thead><tr><th scope=\"col\">" + s.t("Lúc", "At") + "</th><th scope=\"col\">" +
              s.t("Việc", "Action") + "</th><th scope=\"col\">" + s.t("Người làm", "By") + "</th><th scope=\"col\">" + s.t("Trạng thái", "State") +
              "</th><th scope=\"col\">" + s.t("Ghi chú", "Note") + "</th></tr></thead><tbody>";
      std::map<std::string, std::string> names;  // account id → display name, read once each
      auto name_of = [&](const account_id& id) -> const std::string& {
        auto it = names.find(id.value);
        if (it != names.end()) return it->second;
        auto a = db_.get<account>(id.value);
        return names.emplace(id.value, a && !a->display_name.empty() ? a->display_name : id.value).first->second;
      };
      std::size_t shown = 0;
      for (auto it = sub->history.rbegin(); it != sub->history.rend() && shown < 100; ++it, ++shown)
        body += "<tr><td>" + esc(fmt_time(it->at)) + "</td><td>" + esc(action_text(it->action, s.en)) + "</td><td>" + esc(name_of(it->by)) + "</td><td>" +
                esc(state_text(it->from, s.en)) + " → " + esc(state_text(it->to, s.en)) + "</td><td>" + esc(it->note) + "</td></tr>";
      body += "</tbody></table>";
    }
    return html(page(s, s.t("Báo cáo ", "Report ") + period_text(r.period, s.en), c.who, c.csrf, body),
                fe.empty() ? http::status::ok : http::status::unprocessable_entity);
  };

  // Reads the round and unit of the path, and the report when the account may see it.
  struct target {
    round_ctx r;
    unit_id u;
    std::optional<report_submission> sub;
  };
  auto target_of = [this, load_round](http::request& req, call& c) -> std::optional<target> {
    auto r = load_round(req.param("period"));
    if (!r) return std::nullopt;
    unit_id u{std::string(req.param("unit"))};
    if (!r->tree.find(u.value) || !may_see_report(c.who, u, r->tree)) return std::nullopt;
    std::optional<report_submission> sub;
    if (auto s = db_.get<report_submission>(reports::submission_id_for(r->period.id, u).value)) sub = std::move(*s);
    return target{std::move(*r), std::move(u), std::move(sub)};
  };
  auto actor_of = [this](const call& c) { return report_actor(db_, c.who); };
  // A library error beside the fields it names: /values/<i>/... is the i-th value's field.
  auto report_errors = [](field_errors& fe, const error& e, const screen& s, const std::vector<indicator_value>& sent) {
    auto one = [&](const error& x) {
      std::string path = x.path;
      if (path.rfind("/values/", 0) == 0) {
        auto rest = path.substr(8);
        auto slash = rest.find('/');
        std::size_t i = 0;
        auto idx = rest.substr(0, slash);
        auto [p, ec] = std::from_chars(idx.data(), idx.data() + idx.size(), i);
        if (ec == std::errc() && p == idx.data() + idx.size() && i < sent.size()) {
          const auto field = slash == std::string::npos ? std::string() : rest.substr(slash + 1);
          const std::string name = (field == "justification" ? "j-" : field == "comment" ? "c-" : "v-") + sent[i].code;
          std::string msg = s.en ? x.message_en : x.message_vi;
          if (msg.empty()) msg = std::string(s.en ? errc_messages(x.code).second : errc_messages(x.code).first);
          if (!fe.by_field.count(name)) fe.by_field[name] = msg;
          return;
        }
      }
      // Anything else the form has no field for (a required indicator left empty, a rule that
      // failed) is said at the top, each message once.
      error copy = x;
      copy.details.clear();
      if (path.rfind("/values", 0) == 0 || path.rfind("/rules", 0) == 0) copy.path.clear();
      add_errors(fe, copy, s);
    };
    if (e.details.empty()) one(e);
    for (const auto& d : e.details) one(d);
  };

  routes_->get("/bao-cao/{period}/{unit}", guarded([target_of, missing, report_screen](http::request& req, call& c) {
    auto t = target_of(req, c);
    if (!t) return missing(c);
    std::string notice;
    auto done = req.query("da").value_or("");
    if (done == "luu") notice = c.s.t("Đã lưu bản nháp.", "The draft is saved.");
    else if (done == "gui") notice = c.s.t("Đã ký và gửi báo cáo.", "The report is signed and sent.");
    else if (done == "duyet") notice = c.s.t("Đã ký duyệt báo cáo.", "The report is approved and signed.");
    else if (done == "tra-lai") notice = c.s.t("Đã trả lại báo cáo cho đơn vị.", "The report went back to its unit.");
    else if (done == "lam-moi") notice = c.s.t("Đã tính lại từ dữ liệu của cổng.", "Computed again from the portal's data.");
    return report_screen(c, t->r, t->u, t->sub, {}, {}, notice);
  }));

  auto after = [report_path](call& c, const target& t, std::string_view what) {
    return see_other(c.s.link(report_path(t.r.period.id, t.u)) + (c.s.en ? "&" : "?") + "da=" + std::string(what));
  };

  routes_->post("/bao-cao/{period}/{unit}/mo", guarded([this, target_of, missing, actor_of, report_screen, after](http::request& req, call& c) {
    auto t = target_of(req, c);
    if (!t) return missing(c);
    auto s = reports::open_draft(db_, t->r.period.id, t->u, actor_of(c), now());
    if (!s) {
      field_errors fe;
      add_errors(fe, s.err(), c.s);
      return report_screen(c, t->r, t->u, t->sub, fe, {}, {});
    }
    return after(c, *t, "mo");
  }));

  routes_->post("/bao-cao/{period}/{unit}/luu", guarded([this, target_of, missing, actor_of, report_screen, report_errors, after](http::request& req, call& c) {
    auto t = target_of(req, c);
    if (!t || !t->sub) return missing(c);
    field_errors fe;
    std::vector<indicator_value> values;
    for (const auto& ind : t->r.tmpl.indicators) {
      indicator_value v;
      v.code = ind.code;
      const auto raw = c.form["v-" + ind.code];
      if (ind.kind == indicator_kind::boolean) {
        if (raw == "co") v.flag = true;
        else if (raw == "khong") v.flag = false;
        else if (!raw.empty()) fe.by_field["v-" + ind.code] = c.s.t("Chọn Có hoặc Không", "Choose Yes or No");
      } else if (ind.kind == indicator_kind::text) {
        if (!raw.empty()) v.text = raw;
      } else if (!raw.empty()) {
        auto x = parse_number(raw);
        if (!x) fe.by_field["v-" + ind.code] = c.s.t("Hãy nhập một số (ví dụ 12 hoặc 75,5)", "Enter a number (like 12 or 75.5)");
        else v.number = *x;
      }
      v.justification = c.form["j-" + ind.code];
      v.comment = c.form["c-" + ind.code];
      values.push_back(std::move(v));
    }
    if (!fe.empty()) return report_screen(c, t->r, t->u, t->sub, fe, c.form, {});
    std::optional<std::uint64_t> expected;
    std::uint64_t ver = 0;
    const auto& vs = c.form["version"];
    if (auto [p, ec] = std::from_chars(vs.data(), vs.data() + vs.size(), ver); ec == std::errc() && p == vs.data() + vs.size()) expected = ver;
    const auto sent = values;
    auto s = reports::save_values(db_, t->sub->id, std::move(values), actor_of(c), now(), expected);
    if (!s) {
      report_errors(fe, s.err(), c.s, sent);
      if (s.err().code == errc::conflict && fe.empty())
        fe.general = c.s.t("Báo cáo vừa được người khác thay đổi.", "Someone else just changed the report.");
      return report_screen(c, t->r, t->u, t->sub, fe, c.form, {});
    }
    return after(c, *t, "luu");
  }));

  routes_->post("/bao-cao/{period}/{unit}/lam-moi", guarded([this, target_of, missing, actor_of, report_screen, after](http::request& req, call& c) {
    auto t = target_of(req, c);
    if (!t || !t->sub) return missing(c);
    auto s = reports::refresh_computed(db_, t->sub->id, actor_of(c), now());
    if (!s) {
      field_errors fe;
      add_errors(fe, s.err(), c.s);
      return report_screen(c, t->r, t->u, t->sub, fe, {}, {});
    }
    return after(c, *t, "lam-moi");
  }));

  routes_->post("/bao-cao/{period}/{unit}/gui", guarded([this, target_of, missing, actor_of, report_screen, report_errors, after](http::request& req, call& c) {
    auto t = target_of(req, c);
    if (!t || !t->sub) return missing(c);
    field_errors fe;
    if (c.form["password"].empty()) {
      fe.by_field["password"] = c.s.t("Hãy nhập mật khẩu để ký", "Enter your password to sign");
      return report_screen(c, t->r, t->u, t->sub, fe, {}, {});
    }
    auto key = accounts_.approval_key(c.who.id, c.form["password"]);
    if (!key) {
      add_errors(fe, key.err(), c.s);
      return report_screen(c, t->r, t->u, t->sub, fe, {}, {});
    }
    auto s = reports::submit(db_, t->sub->id, actor_of(c), *key, now());
    if (!s) {
      report_errors(fe, s.err(), c.s, t->sub->values);
      return report_screen(c, t->r, t->u, t->sub, fe, {}, {});
    }
    return after(c, *t, "gui");
  }));

  routes_->post("/bao-cao/{period}/{unit}/duyet", guarded([this, target_of, missing, actor_of, report_screen, after](http::request& req, call& c) {
    auto t = target_of(req, c);
    if (!t || !t->sub) return missing(c);
    field_errors fe;
    if (c.form["password"].empty()) {
      fe.by_field["password"] = c.s.t("Hãy nhập mật khẩu để ký duyệt", "Enter your password to sign the approval");
      return report_screen(c, t->r, t->u, t->sub, fe, {}, {});
    }
    auto key = accounts_.approval_key(c.who.id, c.form["password"]);
    if (!key) {
      add_errors(fe, key.err(), c.s);
      return report_screen(c, t->r, t->u, t->sub, fe, {}, {});
    }
    auto s = reports::approve(db_, t->sub->id, actor_of(c), *key, now(), c.form["note"]);
    if (!s) {
      add_errors(fe, s.err(), c.s);
      return report_screen(c, t->r, t->u, t->sub, fe, {}, {});
    }
    return after(c, *t, "duyet");
  }));

  routes_->post("/bao-cao/{period}/{unit}/tra-lai", guarded([this, target_of, missing, actor_of, report_screen, after](http::request& req, call& c) {
    auto t = target_of(req, c);
    if (!t || !t->sub) return missing(c);
    field_errors fe;
    if (c.form["return_note"].empty()) {
      fe.by_field["return_note"] = c.s.t("Hãy ghi điều cần sửa", "Say what to change");
      return report_screen(c, t->r, t->u, t->sub, fe, {}, {});
    }
    auto s = reports::return_to_unit(db_, t->sub->id, actor_of(c), now(), c.form["return_note"]);
    if (!s) {
      add_errors(fe, s.err(), c.s);
      return report_screen(c, t->r, t->u, t->sub, fe, {}, {});
    }
    return after(c, *t, "tra-lai");
  }));

  // --- the unit above: review (completeness, each school, excuse) ---
  auto review_screen = [this, hidden_csrf, report_path, unit_name](call& c, const round_ctx& r, const unit_id& above, const field_errors& fe,
                                                                    const std::string& notice) {
    const auto& s = c.s;
    std::string body;
    if (!notice.empty()) body += "<div class=\"notice\" role=\"status\">" + esc(notice) + "</div>";
    body += errors_box(s, fe);
    body += "<p><a href=\"" + esc(s.link("/bao-cao")) + "\">" + s.t("Trở lại danh sách báo cáo", "Back to the reports") + "</a> · <a href=\"" +
            esc(s.link("/bao-cao/" + r.period.id.value + "/tong-hop/" + above.value)) + "\">" + s.t("Xem tổng hợp", "See the roll-up") + "</a></p>";
    body += "<p>" + s.t("Hạn gửi: ", "Due: ") + esc(format_date(r.period.due_on)) + "</p>";
    if (auto comp = reports::completeness(db_, r.period.id, above, now())) {
      body += "<table class=\"work\"><caption>" + s.t("Tình hình nộp báo cáo theo cấp học", "Reports received by school level") + "</caption><thead><tr>";
      for (auto h : {s.t("Cấp học", "Level"), s.t("Phải nộp", "Expected"), s.t("Đúng hạn", "On time"), s.t("Muộn", "Late"), s.t("Chưa nộp", "Missing"),
                     s.t("Miễn", "Excused"), s.t("Tỷ lệ đầy đủ", "Completeness"), s.t("Tỷ lệ đúng hạn", "Timeliness")})
        body += "<th scope=\"col\">" + h + "</th>";
      body += "</tr></thead><tbody>";
      for (const auto& row : comp->by_level)
        body += "<tr><th scope=\"row\">" + esc(level_text(row.level, s.en)) + "</th><td>" + std::to_string(row.expected) + "</td><td>" +
                std::to_string(row.on_time) + "</td><td>" + std::to_string(row.late) + "</td><td>" + std::to_string(row.missing) + "</td><td>" +
                std::to_string(row.excused) + "</td><td>" + percent_text(row.completeness * 100) + "</td><td>" + percent_text(row.timeliness * 100) + "</td></tr>";
      body += "</tbody></table>";
    } else {
      body += "<p>" + esc(s.en ? comp.err().message_en : comp.err().message_vi) + "</p>";
    }
    // The schools expected to report here this round (as the completeness counts them), by name.
    auto subs = round_submissions(db_, r.period.id);
    if (!subs)
      return html(page(s, s.t("Xét duyệt báo cáo", "Review the reports"), c.who, c.csrf,
                       body + "<p>" + s.t("Không đọc được dữ liệu.", "The data cannot be read.") + "</p>"),
                  http::status::internal_server_error);
    std::map<std::string, const report_submission*> by_unit;
    for (const auto& x : *subs) by_unit[x.unit.value] = &x;
    struct school_row {
      unit_id unit;
      std::string name;
      std::optional<school_level> level;
      const report_submission* sub = nullptr;
    };
    std::vector<school_row> schools;
    for (const auto& id : reports::expected_units(r.tree, above)) {
      const unit* u = r.tree.find(id.value);
      auto it = by_unit.find(id.value);
      schools.push_back({id, u ? u->name : id.value, u ? u->level : std::nullopt, it == by_unit.end() ? nullptr : it->second});
    }
    std::sort(schools.begin(), schools.end(), [](const school_row& a, const school_row& b) { return a.name < b.name; });
    body += "<table class=\"work\"><caption>" + s.t("Các trường", "Schools") + "</caption><thead><tr><th scope=\"col\">" + s.t("Trường", "School") +
            "</th><th scope=\"col\">" + s.t("Cấp học", "Level") + "</th><th scope=\"col\">" + s.t("Trạng thái", "State") + "</th><th scope=\"col\">" +
            s.t("Gửi lúc", "Sent at") + "</th><th scope=\"col\">" + s.t("Việc cần làm", "To do") + "</th></tr></thead><tbody>";
    std::size_t n = 0;
    for (const auto& row : schools) {
      ++n;
      const std::optional<submission_state> state = row.sub ? std::optional<submission_state>(row.sub->state) : std::nullopt;
      body += "<tr><th scope=\"row\">" + esc(row.name) + "</th><td>" + (row.level ? esc(level_text(to_string(*row.level), s.en)) : std::string()) +
              "</td><td>" + esc(state_text(state, s.en)) + "</td><td>" +
              (row.sub && row.sub->submitted_at ? esc(fmt_time(*row.sub->submitted_at)) : std::string()) + "</td><td>";
      if (state) body += "<a href=\"" + esc(s.link(report_path(r.period.id, row.unit))) + "\">" + s.t("Xem báo cáo", "See the report") + "</a> ";
      if ((!state || *state == submission_state::draft || *state == submission_state::returned) && !r.period.locked_at) {
        const std::string fid = "ly-do-" + std::to_string(n);
        body += "<form class=\"inline\" method=\"post\" action=\"" + esc(s.link("/bao-cao/" + r.period.id.value + "/xet/" + above.value + "/mien")) + "\">" +
                hidden_csrf(c) + "<input type=\"hidden\" name=\"unit\" value=\"" + esc(row.unit.value) + "\"><label for=\"" + fid + "\">" +
                s.t("Lý do miễn", "Reason to excuse") + "</label> <input type=\"text\" id=\"" + fid + "\" name=\"reason\" required> <button type=\"submit\">" +
                s.t("Miễn nộp", "Excuse") + "</button></form>";
      }
      body += "</td></tr>";
    }
    body += "</tbody></table>";
    return html(page(s, s.t("Xét duyệt báo cáo: ", "Review the reports: ") + unit_name(r.tree, above) + " · " + period_text(r.period, s.en), c.who, c.csrf, body),
                fe.empty() ? http::status::ok : http::status::unprocessable_entity);
  };
  // The round and the unit above of a review path, when the account reviews there.
  auto review_target = [load_round](http::request& req, call& c) -> std::optional<std::pair<round_ctx, unit_id>> {
    auto r = load_round(req.param("period"));
    if (!r) return std::nullopt;
    unit_id u{std::string(req.param("unit"))};
    if (!r->tree.find(u.value) || !may_see_report(c.who, u, r->tree)) return std::nullopt;
    return std::make_pair(std::move(*r), std::move(u));
  };

  routes_->get("/bao-cao/{period}/xet/{unit}", guarded([review_target, missing, review_screen](http::request& req, call& c) {
    auto t = review_target(req, c);
    if (!t) return missing(c);
    std::string notice = req.query("da").value_or("") == "mien" ? c.s.t("Đã miễn nộp cho trường.", "The school is excused.") : std::string();
    return review_screen(c, t->first, t->second, {}, notice);
  }));

  routes_->post("/bao-cao/{period}/xet/{unit}/mien", guarded([this, review_target, missing, review_screen, actor_of](http::request& req, call& c) {
    auto t = review_target(req, c);
    if (!t) return missing(c);
    field_errors fe;
    const auto school = c.form["unit"];
    if (c.form["reason"].empty()) {
      fe.general = c.s.t("Hãy ghi lý do miễn nộp.", "Give the reason to excuse.");
      return review_screen(c, t->first, t->second, fe, {});
    }
    auto s = reports::excuse(db_, t->first.period.id, unit_id{school}, actor_of(c), now(), c.form["reason"]);
    if (!s) {
      add_errors(fe, s.err(), c.s);
      return review_screen(c, t->first, t->second, fe, {});
    }
    return see_other(c.s.link("/bao-cao/" + t->first.period.id.value + "/xet/" + t->second.value) + (c.s.en ? "&" : "?") + "da=mien");
  }));

  // --- the roll-up: by level and school, KPIs, ranking, trends, downloads ---
  // The rounds of the same form (its family) up to this one, and their roll-ups at the unit.
  auto trend_data = [this](const round_ctx& r, const unit_id& above, std::vector<report_period>& periods, std::vector<reports::division_view>& views) {
    store::list_query q;
    q.limit = 100;
    std::vector<report_period> all;
    for (std::size_t pages = 0; pages < 10; ++pages) {
      auto p = db_.list<report_period>(q);
      if (!p) break;
      for (auto& x : p->items) all.push_back(std::move(x));
      if (p->next_cursor.empty()) break;
      q.cursor = p->next_cursor;
    }
    const std::string family = r.tmpl.family.empty() ? r.tmpl.id.value : r.tmpl.family;
    std::sort(all.begin(), all.end(), [](const report_period& a, const report_period& b) { return calendar_before(a, b); });
    auto units = db_.all_units();
    if (!units) return;
    // The newest ten rounds up to the one viewed (five years), drawn oldest first.
    for (auto it = all.rbegin(); it != all.rend(); ++it) {
      const auto& p = *it;
      if (calendar_before(r.period, p)) continue;
      auto t = p.template_id == r.tmpl.id ? std::optional<report_template>(r.tmpl) : std::optional<report_template>();
      if (!t) {
        auto x = db_.get<report_template>(p.template_id.value);
        if (!x || (x->family.empty() ? x->id.value : x->family) != family) continue;
        t = std::move(*x);
      }
      auto subs = round_submissions(db_, p.id);
      if (!subs) continue;
      views.push_back(reports::division_rollup(*t, p, *subs, *units, above));
      periods.push_back(p);
      if (periods.size() >= 10) break;  // ten rounds: five years
    }
    std::reverse(views.begin(), views.end());
    std::reverse(periods.begin(), periods.end());
  };
  // The indicators the trend charts draw: the KPIs' (targets), else the first numbers.
  auto trend_codes = [](const report_template& t) {
    std::vector<std::vector<std::string>> charts;
    std::vector<std::string> shares, counts;
    for (const auto& ind : t.indicators) {
      if (ind.kind == indicator_kind::text) continue;
      const auto rule = aggregation_of(ind);
      if (rule == aggregation_rule::share_of_units || ind.kind == indicator_kind::percent) {
        if (shares.size() < 4) shares.push_back(ind.code);
      } else if (counts.size() < 4) {
        counts.push_back(ind.code);
      }
    }
    if (!shares.empty()) charts.push_back(shares);
    if (!counts.empty()) charts.push_back(counts);
    return charts;
  };

  routes_->get("/bao-cao/{period}/tong-hop/{unit}", guarded([this, review_target, missing, unit_name, trend_codes](http::request& req, call& c) {
    auto t = review_target(req, c);
    if (!t) return missing(c);
    const auto& r = t->first;
    const auto& above = t->second;
    const auto& s = c.s;
    auto subs = round_submissions(db_, r.period.id);
    auto units = db_.all_units();
    if (!subs || !units) return missing(c);
    const bool preview = req.query("ca-da-gui").value_or("") == "1";
    reports::rollup_options ro;
    ro.include_submitted = preview;
    if (const unit* self = r.tree.find(above.value); self && self->kind == unit_kind::city) {
      // The city: one row per unit above schools (a ward's office, a division), and the city's totals.
      auto cv = reports::city_rollup(r.tmpl, r.period, *subs, std::move(*units), above, ro);
      std::string body = "<p><a href=\"" + esc(s.link("/bao-cao")) + "\">" + s.t("Trở lại danh sách báo cáo", "Back to the reports") + "</a> · <a href=\"" +
                         esc(s.portal + "/api/v1/reports/rollup?period=" + http::percent_encode(r.period.id.value) + "&unit=" +
                             http::percent_encode(above.value) + "&format=json") +
                         "\">JSON</a></p>";
      body += "<p>" + std::to_string(cv.counted) + "/" + std::to_string(cv.expected) + s.t(" trường đã được tính; miễn ", " schools counted; excused ") +
              std::to_string(cv.excused) + s.t("; chưa có ", "; missing ") + std::to_string(cv.missing) + ".</p>";
      body += "<table class=\"work\"><caption>" + s.t("Theo đơn vị quản lý trường", "By the unit above the schools") + "</caption><thead><tr>";
      for (auto h : {s.t("Đơn vị", "Unit"), s.t("Phải nộp", "Expected"), s.t("Đã tính", "Counted"), s.t("Miễn", "Excused"), s.t("Chưa có", "Missing"),
                     s.t("Tỷ lệ đầy đủ", "Completeness"), s.t("Chỉ tiêu đạt", "Targets met")})
        body += "<th scope=\"col\">" + h + "</th>";
      body += "</tr></thead><tbody>";
      for (const auto& a : cv.areas) {
        std::size_t met = 0;
        for (const auto& k : a.kpis) met += k.met ? 1 : 0;
        body += "<tr><th scope=\"row\">" + esc(a.name) + "</th><td>" + std::to_string(a.expected) + "</td><td>" + std::to_string(a.counted) + "</td><td>" +
                std::to_string(a.excused) + "</td><td>" + std::to_string(a.missing) + "</td><td>" + percent_text(a.completeness) + "</td><td>" +
                std::to_string(met) + "/" + std::to_string(a.kpis.size()) + "</td></tr>";
      }
      body += "</tbody></table>";
      body += "<table class=\"work\"><caption>" + s.t("Tổng hợp toàn thành phố", "City-wide totals") + "</caption><thead><tr><th scope=\"col\">" +
              s.t("Chỉ tiêu", "Indicator") + "</th><th scope=\"col\">" + s.t("Giá trị", "Value") + "</th><th scope=\"col\">" +
              s.t("Số trường có số liệu", "Schools with a value") + "</th></tr></thead><tbody>";
      for (const auto& x : cv.total) {
        const auto* ind = find_indicator(r.tmpl, x.code);
        std::string v = !x.value ? std::string("—")
                        : ind && (aggregation_of(*ind) == aggregation_rule::share_of_units || ind->kind == indicator_kind::percent) ? percent_text(*x.value)
                                                                                                                                    : number_text(*x.value);
        if (ind && ind->kind == indicator_kind::text) v = x.text;
        body += "<tr><th scope=\"row\">" + esc(ind ? (s.en && !ind->label_en.empty() ? ind->label_en : ind->label) : x.code) + "</th><td>" + esc(v) +
                "</td><td>" + std::to_string(x.units) + "</td></tr>";
      }
      body += "</tbody></table>";
      return html(page(s, s.t("Tổng hợp báo cáo: ", "Report roll-up: ") + unit_name(r.tree, above) + " · " + period_text(r.period, s.en), c.who, c.csrf, body));
    }
    auto view = reports::division_rollup(r.tmpl, r.period, *subs, std::move(*units), above, ro);
    auto label_of = [&](std::string_view code) {
      const auto* ind = find_indicator(r.tmpl, code);
      if (!ind) return std::string(code);
      return s.en && !ind->label_en.empty() ? ind->label_en : ind->label;
    };
    auto cell_text = [&](const reports::cell& x) {
      const auto* ind = find_indicator(r.tmpl, x.code);
      if (ind && ind->kind == indicator_kind::text) return x.text;
      if (!x.value) return std::string("—");
      if (ind && (aggregation_of(*ind) == aggregation_rule::share_of_units || ind->kind == indicator_kind::percent)) return percent_text(*x.value);
      return number_text(*x.value);
    };
    std::string body = "<p><a href=\"" + esc(s.link("/bao-cao")) + "\">" + s.t("Trở lại danh sách báo cáo", "Back to the reports") + "</a> · <a href=\"" +
                       esc(s.link("/bao-cao/" + r.period.id.value + "/xet/" + above.value)) + "\">" + s.t("Xét duyệt", "Review") + "</a></p>";
    body += "<p>" + s.t("Tổng hợp các báo cáo đã duyệt", "Approved reports rolled up") +
            (preview ? s.t(" và đã gửi (xem trước)", " and sent ones (a preview)") : std::string()) + ": " + std::to_string(view.counted) + "/" +
            std::to_string(view.expected) + s.t(" trường; miễn ", " schools; excused ") + std::to_string(view.excused) + s.t("; chưa có ", "; missing ") +
            std::to_string(view.missing) + ". <a href=\"" +
            esc(s.base + "/bao-cao/" + r.period.id.value + "/tong-hop/" + above.value + (preview ? std::string() : "?ca-da-gui=1") +
                (s.en ? (preview ? "?lang=en" : "&lang=en") : "")) +
            "\">" + (preview ? s.t("Chỉ báo cáo đã duyệt", "Approved reports only") : s.t("Tính cả báo cáo đã gửi, chưa duyệt", "Include sent, unapproved reports")) +
            "</a></p>";
    // Downloads, served by the API (the session is accepted there for reading).
    body += "<h2>" + s.t("Tải về", "Downloads") + "</h2><ul class=\"downloads\">";
    const std::string api = s.portal + "/api/v1/reports/rollup?period=" + http::percent_encode(r.period.id.value) + "&unit=" + http::percent_encode(above.value);
    const std::pair<const char*, std::string> downloads[] = {
        {"csv", s.t("Số liệu (CSV)", "Data (CSV)")},
        {"xlsx", s.t("Bảng tính Excel (XLSX)", "Excel workbook (XLSX)")},
        {"html", s.t("Văn bản báo cáo theo Nghị định 30 (HTML, để in)", "Decree 30 report (HTML, to print)")},
        {"pdf", s.t("Văn bản báo cáo (PDF)", "The report (PDF)")},
        {"eml", s.t("Gói thư điện tử (.eml, kèm PDF, XLSX, CSV)", "E-mail package (.eml with the PDF, XLSX and CSV)")},
        {"json", "JSON"}};
    for (const auto& [fmt, label] : downloads) body += "<li><a href=\"" + esc(api + "&format=" + fmt) + "\">" + esc(label) + "</a></li>";
    body += "</ul>";
    // Totals and KPIs.
    body += "<table class=\"work\"><caption>" + s.t("Tổng hợp chung", "Totals") + "</caption><thead><tr><th scope=\"col\">" + s.t("Chỉ tiêu", "Indicator") +
            "</th><th scope=\"col\">" + s.t("Giá trị", "Value") + "</th><th scope=\"col\">" + s.t("Số trường có số liệu", "Schools with a value") +
            "</th></tr></thead><tbody>";
    for (const auto& x : view.total)
      body += "<tr><th scope=\"row\">" + esc(label_of(x.code)) + "</th><td>" + esc(cell_text(x)) + "</td><td>" + std::to_string(x.units) + "</td></tr>";
    body += "</tbody></table>";
    if (!view.kpis.empty()) {
      body += "<table class=\"work\"><caption>" + s.t("Chỉ tiêu của kế hoạch", "The plan's targets") + "</caption><thead><tr><th scope=\"col\">" +
              s.t("Chỉ tiêu", "Indicator") + "</th><th scope=\"col\">" + s.t("Mục tiêu", "Target") + "</th><th scope=\"col\">" + s.t("Đạt được", "Actual") +
              "</th><th scope=\"col\">" + s.t("Kết quả", "Result") + "</th></tr></thead><tbody>";
      for (const auto& k : view.kpis)
        body += "<tr><th scope=\"row\">" + esc(label_of(k.code)) + "</th><td>" + esc(number_text(k.target)) + "</td><td>" + esc(number_text(std::round(k.actual * 10) / 10)) +
                "</td><td>" + (k.met ? s.t("Đạt", "Met") : s.t("Chưa đạt", "Not met")) + "</td></tr>";
      body += "</tbody></table>";
    }
    // By level.
    if (!view.by_level.empty() && !view.by_level.front().cells.empty()) {
      body += "<table class=\"work\"><caption>" + s.t("Theo cấp học", "By school level") + "</caption><thead><tr><th scope=\"col\">" + s.t("Chỉ tiêu", "Indicator") + "</th>";
      for (const auto& l : view.by_level) body += "<th scope=\"col\">" + esc(level_text(l.level, s.en)) + " (" + std::to_string(l.units) + ")</th>";
      body += "</tr></thead><tbody>";
      for (std::size_t i = 0; i < view.by_level.front().cells.size(); ++i) {
        body += "<tr><th scope=\"row\">" + esc(label_of(view.by_level.front().cells[i].code)) + "</th>";
        for (const auto& l : view.by_level) body += "<td>" + (i < l.cells.size() ? esc(cell_text(l.cells[i])) : std::string()) + "</td>";
        body += "</tr>";
      }
      body += "</tbody></table>";
    }
    // By school.
    // Scrolls sideways when there are many indicators: focusable, so a keyboard can scroll it.
    body += "<div class=\"wide\" tabindex=\"0\" role=\"region\" aria-label=\"" + s.t("Bảng theo trường", "Table by school") +
            "\"><table class=\"work\"><caption>" + s.t("Theo trường", "By school") + "</caption><thead><tr><th scope=\"col\">" + s.t("Trường", "School") +
            "</th><th scope=\"col\">" + s.t("Trạng thái", "State") + "</th>";
    for (const auto& ind : r.tmpl.indicators)
      if (ind.kind != indicator_kind::text) body += "<th scope=\"col\">" + esc(s.en && !ind.label_en.empty() ? ind.label_en : ind.label) + "</th>";
    body += "</tr></thead><tbody>";
    for (const auto& row : view.schools) {
      body += "<tr><th scope=\"row\">" + esc(row.name) + "</th><td>" + esc(state_text(row.state, s.en)) + "</td>";
      for (const auto& ind : r.tmpl.indicators) {
        if (ind.kind == indicator_kind::text) continue;
        std::string v;
        for (const auto& x : row.cells)
          if (x.code == ind.code) {
            if (ind.kind == indicator_kind::boolean) v = x.value ? (*x.value > 0 ? s.t("Có", "Yes") : s.t("Không", "No")) : "—";
            else v = x.value ? number_text(*x.value) : "—";
          }
        body += "<td>" + esc(v) + "</td>";
      }
      body += "</tr>";
    }
    body += "</tbody></table></div>";
    // Ranking for commendation.
    body += "<h2>" + s.t("Xếp hạng để khen thưởng", "Ranking for commendation") + "</h2><p>" +
            esc(s.en ? reports::ranking_formula_en() : reports::ranking_formula_vi()) + "</p>";
    if (view.ranking.empty()) body += "<p>" + s.t("Chưa có báo cáo nào được tính.", "No report counts yet.") + "</p>";
    else {
      body += "<ol class=\"ranking\">";
      for (const auto& e : view.ranking)
        body += "<li>" + esc(e.name) + ": " + esc(number_text(std::round(e.score * 10) / 10)) + s.t(" điểm (", " points (") + std::to_string(e.kpis_met) + "/" +
                std::to_string(e.kpis) + s.t(" chỉ tiêu đạt)", " targets met)") + "</li>";
      body += "</ol>";
    }
    // Trends across the rounds of this form, as pictures (the SVG is served by the route below).
    const auto charts = trend_codes(r.tmpl);
    if (!charts.empty()) {
      body += "<h2>" + s.t("Xu hướng qua các kỳ", "Trends across the rounds") + "</h2>";
      for (std::size_t i = 0; i < charts.size(); ++i) {
        std::string alt;
        for (const auto& code : charts[i]) alt += (alt.empty() ? "" : "; ") + label_of(code);
        body += "<figure><img class=\"trend\" src=\"" +
                esc(s.base + "/bao-cao/" + r.period.id.value + "/tong-hop/" + above.value + "/xu-huong-" + std::to_string(i + 1) + ".svg" + s.lang_q) +
                "\" alt=\"" + esc(s.t("Biểu đồ xu hướng: ", "Trend chart: ") + alt) + "\" width=\"720\" height=\"360\"><figcaption>" + esc(alt) +
                "</figcaption></figure>";
      }
    }
    return html(page(s, s.t("Tổng hợp báo cáo: ", "Report roll-up: ") + unit_name(r.tree, above) + " · " + period_text(r.period, s.en), c.who, c.csrf, body));
  }));

  routes_->get("/bao-cao/{period}/tong-hop/{unit}/{chart}", guarded([review_target, missing, trend_data, trend_codes](http::request& req, call& c) {
    auto t = review_target(req, c);
    if (!t) return missing(c);
    const auto name = std::string(req.param("chart"));
    const auto charts = trend_codes(t->first.tmpl);
    std::size_t i = 0;
    bool found = false;
    for (; i < charts.size(); ++i)
      if (name == "xu-huong-" + std::to_string(i + 1) + ".svg") {
        found = true;
        break;
      }
    if (!found) return missing(c);
    std::vector<report_period> periods;
    std::vector<reports::division_view> views;
    trend_data(t->first, t->second, periods, views);
    auto chart = reports::trend_of(t->first.tmpl, periods, views, charts[i], c.s.en);
    auto r = http::response::text(reports::trend_svg(chart));
    r.set("Content-Type", "image/svg+xml; charset=utf-8");
    r.set("Cache-Control", "no-store");
    r.set("X-Content-Type-Options", "nosniff");
    r.cacheable = false;
    return r;
  }));
}

}  // namespace portal
PBGDPL_NAMESPACE_END
