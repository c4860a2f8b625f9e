// The editor's screens for legal document records and publications (portal/editor.hpp): lists,
// the forms (portal/editor_forms.hpp maps them to records) and the workflow steps. Included by
// impl/editor.ipp; editor::build() calls build_documents().
//
// Both kinds keep an article_state and go through the article's machine (publish/workflow.hpp,
// advance()): only a draft's content changes, each step needs the permission its rule names at
// the record's unit, and a record of no unit (a higher authority's document) needs it at every
// root of the tree (trust::allowed_unowned). Approving does not sign: see docs/design.md.
#pragma once
#include "../editor_forms.hpp"

PBGDPL_NAMESPACE_BEGIN
namespace portal {
namespace editor_detail {

inline std::string owner_of(const legal_document& d) { return d.unit ? d.unit->value : std::string(); }
inline std::string owner_of(const publication& p) { return p.unit.value; }

inline field_errors in_language(const form_errors& e, const screen& s) {
  field_errors fe;
  for (const auto& [k, m] : e) {
    const auto& msg = s.en ? m.en : m.vi;
    if (k.empty()) fe.general += (fe.general.empty() ? "" : " ") + msg;
    else fe.by_field[k] = msg;
  }
  return fe;
}

// Renders fields from the values as typed and the errors next to them; an error whose field is
// not on the form ends up in the box at the top (leftovers()).
struct form_builder {
  const screen& s;
  field_errors fe;
  const form_values& v;
  std::set<std::string> shown;

  std::string get(const std::string& name) const {
    auto it = v.find(name);
    return it == v.end() ? std::string() : it->second;
  }
  std::string text(const std::string& name, std::string_view label, std::string_view type = "text", bool required = false,
                   std::string_view hint = {}) {
    shown.insert(name);
    // A date typed by hand that does not parse is kept as typed: in a text box, as a date box
    // may only hold a valid date.
    auto value = get(name);
    if (type == "date" && !value.empty() && !parse_date(value)) type = "text";
    return input(s, fe, name, label, value, type, required, hint);
  }
  // A textarea of one item per line: errors of its items ("fields-2") show on it.
  std::string lines(const std::string& name, std::string_view label, std::string_view hint) {
    for (const auto& [k, m] : fe.by_field)
      if (k.rfind(name + "-", 0) == 0) {
        shown.insert(k);
        if (!fe.by_field.count(name)) {
          fe.by_field[name] = m;
          break;
        }
      }
    return text(name, label, "textarea", false, hint);
  }
  std::string select(const std::string& name, std::string_view label, const std::vector<std::pair<std::string, std::string>>& options,
                     bool required = false) {
    shown.insert(name);
    const std::string id = "f-" + name;
    const auto err = fe.by_field.find(name);
    std::string h = "<div class=\"field" + std::string(err != fe.by_field.end() ? " has-error" : "") + "\"><label for=\"" + esc(id) +
                    "\">" + esc(label) + (required ? " <span aria-hidden=\"true\">*</span>" : "") + "</label>";
    if (err != fe.by_field.end()) h += "<p class=\"field-error\" id=\"" + esc(id) + "-error\">" + esc(err->second) + "</p>";
    h += "<select id=\"" + esc(id) + "\" name=\"" + esc(name) + "\"";
    if (err != fe.by_field.end()) h += " aria-describedby=\"" + esc(id) + "-error\" aria-invalid=\"true\"";
    h += ">";
    const auto cur = get(name);
    for (const auto& [value, shown_as] : options)
      h += "<option value=\"" + esc(value) + "\"" + (value == cur ? " selected" : "") + ">" + esc(shown_as) + "</option>";
    return h + "</select></div>";
  }
  std::string leftovers() {
    std::string out;
    for (const auto& [k, m] : fe.by_field)
      if (!shown.count(k)) out += (out.empty() ? "" : " ") + m;
    return out;
  }
};

template <class E, std::size_t N>
std::vector<std::pair<std::string, std::string>> enum_options(const screen& s, const E (&xs)[N], std::string_view empty = {},
                                                              bool with_empty = false) {
  std::vector<std::pair<std::string, std::string>> out;
  if (with_empty) out.emplace_back("", std::string(empty));
  for (auto x : xs) out.emplace_back(std::string(to_string(x)), std::string(s.en ? label_en(x) : label_vi(x)));
  return out;
}

inline constexpr document_level all_levels[] = {document_level::central, document_level::city, document_level::district,
                                                document_level::sector, document_level::school};
inline constexpr validity_status all_statuses[] = {validity_status::in_force, validity_status::partly_expired,
                                                   validity_status::expired, validity_status::not_yet_in_force,
                                                   validity_status::suspended};
inline constexpr relation_kind all_relations[] = {relation_kind::based_on, relation_kind::amends, relation_kind::replaces,
                                                  relation_kind::repeals, relation_kind::guides};
inline constexpr document_family all_families[] = {document_family::administrative, document_family::normative};
inline constexpr publication_kind all_publication_kinds[] = {
    publication_kind::outline, publication_kind::handbook, publication_kind::leaflet, publication_kind::legal_story,
    publication_kind::short_play, publication_kind::video, publication_kind::e_lecture, publication_kind::infographic};

inline std::vector<std::pair<std::string, std::string>> authority_options(const screen& s, bool blank) {
  std::vector<std::pair<std::string, std::string>> out;
  if (blank) out.emplace_back("", s.t("(không có)", "(none)"));
  out.emplace_back("none", s.t("Ký trực tiếp (không có TM., KT.)", "In their own right (no TM., KT.)"));
  for (auto a : {signer_authority::tm, signer_authority::kt, signer_authority::tl, signer_authority::tuq, signer_authority::q})
    out.emplace_back(std::string(to_string(a)), std::string(signer_authority_prefix(a)));
  if (blank) out.erase(out.begin() + 1);  // a line above the signer's own always has an authority
  return out;
}

// The units this account may write for (today's hierarchy, ended ones left out), plus the
// record's own unit when it may still write there, plus "no unit" when it may write those.
inline std::vector<std::pair<std::string, std::string>> unit_options(const call& c, const unit_directory& tree, const std::string& current,
                                                                     bool offer_none) {
  std::vector<std::pair<std::string, std::string>> out;
  std::set<std::string> listed;
  for (const auto& g : c.who.grants)
    for (const auto& u : tree.subtree(g.unit.value)) {
      if (!listed.insert(u.id.value).second) continue;
      if ((tree.ended(u.id.value) && u.id.value != current) || !may(c.who, trust::action::edit_content, u.id.value, tree)) continue;
      out.emplace_back(u.id.value, u.name);
    }
  if (offer_none && may(c.who, trust::action::edit_content, "", tree))
    out.emplace_back("", c.s.t("Không thuộc đơn vị nào (văn bản của cơ quan cấp trên)", "No unit (a higher authority's document)"));
  return out;
}

inline const char* part_label_vi(std::string_view part) {
  if (part == "recipients") return "Nơi nhận";
  if (part == "relations") return "Văn bản liên quan";
  if (part == "files") return "Tệp đính kèm";
  return "Lịch sử hiệu lực";
}
inline const char* part_label_en(std::string_view part) {
  if (part == "recipients") return "Recipients";
  if (part == "relations") return "Related documents";
  if (part == "files") return "Attached files";
  return "Validity history";
}

// The fields of the document form (inside its <form>), from the values as typed.
inline std::string document_fields(const call& c, form_builder& b, const unit_directory& tree) {
  const auto& s = c.s;
  using forms_detail::key;
  std::string h;
  h += b.select("unit", s.t("Đơn vị ban hành (của hệ thống)", "Issuing unit (in this system)"), unit_options(c, tree, b.get("unit"), true));
  h += "<fieldset><legend>" + s.t("Số ký hiệu và loại", "Number and type") + "</legend>";
  h += b.text("number", s.t("Số ký hiệu", "Number and symbol"), "text", true,
              s.t("Ví dụ 19/KH-PGDĐT; văn bản quy phạm pháp luật: 30/2020/NĐ-CP; luật: 14/2012/QH13.",
                  "E.g. 19/KH-PGDĐT; normative documents: 30/2020/NĐ-CP; laws: 14/2012/QH13."));
  std::vector<std::pair<std::string, std::string>> types{{"", s.t("(theo số ký hiệu)", "(from the number)")}};
  for (const auto& t : document_types) {
    if (t.code == "TS") continue;  // the old spelling of TrS: readable, not offered
    types.emplace_back(std::string(t.code), std::string(t.code) + " – " + std::string(s.en ? t.name_en : t.name_vi));
  }
  h += b.select("type_code", s.t("Loại văn bản", "Document type"), types);
  h += b.text("year", s.t("Năm (để trống: theo số ký hiệu hoặc ngày ban hành)", "Year (empty: from the number or the date)"));
  h += b.select("family", s.t("Nhóm văn bản", "Family"),
                enum_options(s, all_families, s.t("(theo loại và số ký hiệu)", "(from the type and number)"), true));
  h += b.select("level", s.t("Cấp ban hành", "Level"), enum_options(s, all_levels), true);
  h += "</fieldset><fieldset><legend>" + s.t("Cơ quan, địa danh, ngày", "Issuer, place, date") + "</legend>";
  h += b.text("issuer", s.t("Cơ quan ban hành", "Issuer"), "text", true);
  h += b.text("parent_issuer", s.t("Cơ quan chủ quản", "Parent issuer"));
  h += b.text("place", s.t("Địa danh", "Place"));
  h += b.text("issued_on", s.t("Ngày ban hành", "Date of issue"), "date", true);
  h += "</fieldset><fieldset><legend>" + s.t("Nội dung", "Content") + "</legend>";
  h += b.text("title", s.t("Trích yếu", "Title (trích yếu)"), "text", true);
  h += b.text("summary", s.t("Tóm tắt", "Summary"), "textarea");
  h += b.text("body_markdown", s.t("Toàn văn (Markdown)", "Full text (Markdown)"), "textarea");
  h += b.lines("fields", s.t("Lĩnh vực (mỗi dòng một lĩnh vực)", "Fields (one per line)"),
               s.t("Ví dụ: Phổ biến, giáo dục pháp luật", "E.g. Phổ biến, giáo dục pháp luật"));
  h += "</fieldset><fieldset><legend>" + s.t("Người ký", "Signer") + "</legend>";
  for (std::size_t i = 0; i < signer_above_rows; ++i)
    h += b.select(key("signed_by-above", i, "authority"), s.t("Dòng thẩm quyền phía trên ", "Authority line above ") + std::to_string(i + 1),
                  authority_options(s, true)) +
         b.text(key("signed_by-above", i, "title"), s.t("Chức danh dòng ", "Title of line ") + std::to_string(i + 1), "text", false,
                i == 0 ? s.t("Ví dụ: TM. ỦY BAN NHÂN DÂN (chỉ khi có dòng trên dòng của người ký)",
                             "E.g. TM. ỦY BAN NHÂN DÂN (only when there is a line above the signer's own)")
                       : std::string());
  h += b.select("signed_by-authority", s.t("Thẩm quyền ký", "Signing authority"), authority_options(s, false));
  h += b.text("signed_by-authority_title", s.t("Chức danh thủ trưởng", "Head's title"), "text", false,
              s.t("Ví dụ: TRƯỞNG PHÒNG trong \"KT. TRƯỞNG PHÒNG\"", "E.g. TRƯỞNG PHÒNG in \"KT. TRƯỞNG PHÒNG\""));
  h += b.text("signed_by-position", s.t("Chức vụ người ký", "Signer's position"), "text", false,
              s.t("Ví dụ: PHÓ TRƯỞNG PHÒNG", "E.g. PHÓ TRƯỞNG PHÒNG"));
  h += b.text("signed_by-name", s.t("Họ tên người ký", "Signer's name"));
  h += "</fieldset><fieldset><legend>" + s.t("Hiệu lực và thời gian thực hiện", "Validity and period") + "</legend>";
  h += b.text("effective_on", s.t("Ngày có hiệu lực", "Effective on"), "date");
  h += b.text("expires_on", s.t("Ngày hết hiệu lực", "Expires on"), "date");
  h += b.select("status", s.t("Tình trạng hiệu lực (chỉ văn bản quy phạm pháp luật)", "Validity status (normative documents only)"),
                enum_options(s, all_statuses, s.t("(không áp dụng)", "(not applicable)"), true));
  h += b.text("period_from", s.t("Giai đoạn thực hiện: từ năm", "Period: from year"));
  h += b.text("period_to", s.t("Giai đoạn thực hiện: đến năm", "Period: to year"));
  h += "</fieldset>";
  // The repeated parts: every row posted; "add a row" re-renders with one more, keeping all.
  for (const auto& part : document_repeated_parts) {
    const std::string name(part.name);
    const auto rows = form_rows(b.v, name);
    const std::string label = s.en ? part_label_en(name) : part_label_vi(name);
    h += "<fieldset id=\"" + name + "\"><legend>" + esc(label) + "</legend>";
    h += "<input type=\"hidden\" name=\"" + name + "-rows\" value=\"" + std::to_string(rows) + "\">";
    for (std::size_t i = 0; i < rows; ++i) {
      const std::string n = " " + std::to_string(i + 1);
      if (name == "recipients") {
        h += b.text(key(name, i, ""), label + n);
        continue;
      }
      h += "<fieldset class=\"row\"><legend>" + esc(label) + n + "</legend>";
      if (name == "relations") {
        h += b.select(key(name, i, "kind"), s.t("Quan hệ", "Relation"), enum_options(s, all_relations));
        h += b.text(key(name, i, "number"), s.t("Số ký hiệu", "Number"), "text", false, s.t("Ví dụ 83/KH-UBND", "E.g. 83/KH-UBND"));
        h += b.text(key(name, i, "title"), s.t("Trích yếu", "Title"));
        h += b.text(key(name, i, "target"), s.t("Mã văn bản trong hệ thống (nếu có)", "Document id in this system (if any)"));
      } else if (name == "files") {
        h += b.text(key(name, i, "file_name"), s.t("Tên tệp", "File name"));
        h += b.text(key(name, i, "mime_type"), s.t("Kiểu tệp", "MIME type"), "text", false, "application/pdf");
        h += b.text(key(name, i, "size"), s.t("Kích thước (byte)", "Size (bytes)"));
        h += b.text(key(name, i, "blake2b"), s.t("Mã BLAKE2b-256 (hex)", "BLAKE2b-256 (hex)"));
        h += b.text(key(name, i, "media"), s.t("Mã tệp đa phương tiện", "Media id"));
        h += b.text(key(name, i, "url"), s.t("Địa chỉ bản gốc", "URL of the original"), "url");
      } else {
        h += b.select(key(name, i, "status"), s.t("Tình trạng", "Status"), enum_options(s, all_statuses));
        h += b.text(key(name, i, "on"), s.t("Từ ngày", "On"), "date");
        h += b.text(key(name, i, "note"), s.t("Ghi chú", "Note"));
        h += b.text(key(name, i, "caused_by"), s.t("Mã văn bản gây thay đổi (nếu có)", "Id of the causing document (if any)"));
      }
      h += "</fieldset>";
    }
    if (rows < part.max_rows)
      h += "<p><button type=\"submit\" name=\"do\" value=\"add-" + name + "\">" + s.t("Thêm một dòng: ", "Add a row: ") + esc(label) +
           "</button></p>";
    h += "</fieldset>";
  }
  return h;
}

// The workflow steps this account may take on a record in state `st` of unit `unit`.
inline std::string step_forms(const call& c, const unit_directory& tree, article_state st, std::uint64_t version, const std::string& unit,
                              const std::string& action, const field_errors& fe) {
  std::string actions;
  for (auto step : publish::steps_from(st)) {
    const auto* rule = publish::find_rule(step, st);
    if (!may(c.who, rule->needs, unit, tree)) continue;
    std::string f = "<form method=\"post\" action=\"" + esc(action) + "\" novalidate><input type=\"hidden\" name=\"csrf\" value=\"" +
                    esc(c.csrf) + "\"><input type=\"hidden\" name=\"version\" value=\"" + std::to_string(version) +
                    "\"><input type=\"hidden\" name=\"step\" value=\"" + std::string(to_string(step)) + "\">";
    if (step == publish::step::reject)
      f += input(c.s, fe, "comment", c.s.t("Lý do trả lại", "Reason for returning it"), "", "textarea", true);
    f += "<button type=\"submit\" id=\"b-" + std::string(to_string(step)) + "\">" + esc(c.s.en ? label_en(step) : label_vi(step)) +
         "</button></form>";
    actions += f;
  }
  if (actions.empty()) return {};
  return "<section aria-labelledby=\"buoc\" class=\"actions\"><h2 id=\"buoc\">" + c.s.t("Quy trình", "Workflow") + "</h2>" + actions +
         "</section>";
}

}  // namespace editor_detail

PBGDPL_DECL void editor::build_documents(const editor_detail::guard_fn& guarded) {
  using namespace editor_detail;
  auto not_found = [](call& c) {
    return html(page(c.s, c.s.t("Không tìm thấy", "Not found"), c.who, c.csrf,
                     "<p>" + c.s.t("Không có mục này, hoặc bạn không có quyền xem.", "No such record, or you may not see it.") + "</p>"),
                http::status::not_found);
  };
  auto refused = [](call& c) {
    return html(page(c.s, c.s.t("Không có quyền", "Not allowed"), c.who, c.csrf,
                     "<p>" + c.s.t("Tài khoản của bạn không có quyền với nội dung này.", "Your account has no right over this content.") +
                         "</p>"),
                http::status::forbidden);
  };
  auto state_line = [](const call& c, article_state st, std::uint64_t version) {
    return "<p>" + c.s.t("Trạng thái: ", "State: ") + "<strong>" + esc(state_label(st, c.s.en)) + "</strong> · " +
           c.s.t("Phiên bản ", "Version ") + std::to_string(version) + "</p>";
  };

  // --- legal document records ---
  routes_->get("/van-ban", guarded([this](http::request&, call& c) {
    auto snap = units_->get();
    std::string rows;
    store::list_query q;
    q.limit = 100;
    for (int pages = 0; pages < 20; ++pages) {
      auto p = db_.list<legal_document>(q);
      if (!p) break;
      for (const auto& d : p->items) {
        if (!may(c.who, trust::action::read, owner_of(d), snap->tree)) continue;
        const auto* u = d.unit ? snap->tree.find(d.unit->value) : nullptr;
        rows += "<tr><td><a href=\"" + esc(c.s.link("/van-ban/" + d.id.value)) + "\">" + esc(d.number) + "</a></td><td>" + esc(d.title) +
                "</td><td>" + esc(u ? u->name : d.issuer) + "</td><td>" + esc(state_label(d.state, c.s.en)) + "</td></tr>";
      }
      if (p->next_cursor.empty()) break;
      q.cursor = p->next_cursor;
    }
    std::string body = "<p><a href=\"" + esc(c.s.link("/van-ban/moi")) + "\">" + c.s.t("Nhập văn bản mới", "Enter a new document") + "</a></p>";
    if (rows.empty()) body += "<p>" + c.s.t("Chưa có văn bản nào bạn được xem.", "No documents you may see.") + "</p>";
    else
      body += "<table class=\"work\"><thead><tr><th scope=\"col\">" + c.s.t("Số ký hiệu", "Number") + "</th><th scope=\"col\">" +
              c.s.t("Trích yếu", "Title") + "</th><th scope=\"col\">" + c.s.t("Đơn vị", "Unit") + "</th><th scope=\"col\">" +
              c.s.t("Trạng thái", "State") + "</th></tr></thead><tbody>" + rows + "</tbody></table>";
    return html(page(c.s, c.s.t("Văn bản", "Legal documents"), c.who, c.csrf, body));
  }));

  // The form page: the values as typed, the errors beside them, the steps for a stored record.
  auto document_screen = [this, state_line](call& c, form_values f, const form_errors& errs, const legal_document* stored,
                                            const std::string& notice) {
    auto snap = units_->get();
    form_builder b{c.s, in_language(errs, c.s), f, {}};
    std::string body;
    if (!notice.empty()) body += "<p class=\"notice\" role=\"status\">" + esc(notice) + "</p>";
    if (stored) body += state_line(c, stored->state, stored->version);
    const bool editable = !stored || (publish::content_editable(stored->state) &&
                                      may(c.who, trust::action::edit_content, owner_of(*stored), snap->tree));
    std::string form;
    if (editable) {
      const auto action = stored ? c.s.link("/van-ban/" + stored->id.value) : c.s.link("/van-ban/moi");
      const std::string save = "<p><button type=\"submit\" name=\"do\" value=\"save\">" + c.s.t("Lưu bản nháp", "Save draft") + "</button></p>";
      form = "<form method=\"post\" action=\"" + esc(action) + "\" novalidate><input type=\"hidden\" name=\"csrf\" value=\"" + esc(c.csrf) + "\">";
      if (stored) form += "<input type=\"hidden\" name=\"version\" value=\"" + std::to_string(stored->version) + "\">";
      // A save button first: Enter in a field submits the first button, which must not add a row.
      form += save + document_fields(c, b, snap->tree) + save + "</form>";
    } else if (stored) {
      body += "<h2>" + esc(stored->number) + " – " + esc(stored->title) + "</h2><p>" + esc(stored->issuer) + ", " +
              esc(date_line(*stored)) + "</p>";
      if (stored->state == article_state::published && stored->unit)
        body += "<p><a href=\"" + esc(c.s.portal) + "/don-vi/" + esc(stored->unit->value) + "/pbgdpl/van-ban/" + esc(stored->id.value) + "\">" +
                c.s.t("Xem trang công khai", "View the public page") + "</a></p>";
      if (!publish::content_editable(stored->state))
        body += "<p>" + c.s.t("Chỉ sửa được bản nháp: rút lại hoặc mở lại thành bản nháp để sửa.",
                              "Only a draft can be edited: withdraw it or reopen it as a draft to change it.") + "</p>";
    }
    auto rest = b.leftovers();
    if (!rest.empty()) b.fe.general += (b.fe.general.empty() ? "" : " ") + rest;
    body += errors_box(c.s, b.fe) + form;
    if (stored)
      body += step_forms(c, snap->tree, stored->state, stored->version, owner_of(*stored), c.s.link("/van-ban/" + stored->id.value + "/buoc"), b.fe);
    const auto title = stored ? c.s.t("Văn bản ", "Document ") + stored->number : c.s.t("Nhập văn bản mới", "Enter a new document");
    return html(page(c.s, title, c.who, c.csrf, body), errs.empty() ? http::status::ok : http::status::unprocessable_entity);
  };

  // Reads the posted form into `d` and writes it; false with the errors when anything is wrong.
  auto save_document = [this](call& c, form_values& f, legal_document& d, bool is_new, form_errors& errs) -> bool {
    auto snap = units_->get();
    errs = read_document_form(f, d);
    const auto unit = f["unit"];
    if (!may(c.who, trust::action::edit_content, unit, snap->tree) ||
        (is_new && !unit.empty() && snap->tree.ended(unit)))
      forms_detail::put_error(errs, "unit", "Bạn không nhập văn bản cho đơn vị này", "You do not enter documents for this unit");
    d.unit = unit.empty() ? std::nullopt : std::optional<unit_id>(unit_id{unit});
    // The family the type and number say, written down as the API does, so its rules hold.
    if (!d.family && !errs.count("number")) d.family = family_of(d);
    d.updated_at = now();
    if (is_new) {
      d.created_at = d.updated_at;
      d.state = article_state::draft;
    }
    if (auto h = publish::render_html(d); !h) add_form_errors(errs, h.err());
    if (auto ok = check(d); !ok) add_form_errors(errs, ok.err());
    if (!errs.empty()) return false;
    auto w = is_new ? db_.create(d, c.who.id.value) : db_.update(d, c.who.id.value);
    if (!w) {
      if (w.err().code == errc::conflict)
        forms_detail::put_error(errs, "", "Văn bản vừa được người khác sửa. Hãy mở lại rồi sửa tiếp.",
                                "Someone else just changed this document. Open it again and redo your change.");
      else
        add_form_errors(errs, w.err());
      return false;
    }
    d = *w;
    return true;
  };
  // "add-<part>": one more row of that part, nothing saved, nothing refused.
  auto adds_row = [](form_values& f) {
    const auto& what = f["do"];
    for (const auto& part : document_repeated_parts)
      if (what == "add-" + std::string(part.name)) {
        f[std::string(part.name) + "-rows"] = std::to_string(std::min(form_rows(f, part.name) + 1, part.max_rows));
        return true;
      }
    return false;
  };

  routes_->get("/van-ban/moi", guarded([this, document_screen](http::request&, call& c) {
    legal_document d;
    auto f = document_form_values(d);
    f["issued_on"] = "";
    f["type_code"] = "";
    f["signed_by-authority"] = "kt";
    auto opts = unit_options(c, units_->get()->tree, "", true);
    f["unit"] = opts.empty() ? "" : opts.front().first;
    for (const auto& part : document_repeated_parts) f[std::string(part.name) + "-rows"] = "2";
    return document_screen(c, std::move(f), {}, nullptr, {});
  }));
  routes_->post("/van-ban/moi", guarded([document_screen, save_document, adds_row](http::request&, call& c) {
    form_values f = c.form;
    legal_document d;
    d.id = legal_document_id{random_id_string()};
    if (adds_row(f)) {
      (void)read_document_form(f, d);
      return document_screen(c, std::move(f), {}, nullptr, {});
    }
    form_errors errs;
    if (!save_document(c, f, d, true, errs)) return document_screen(c, std::move(f), errs, nullptr, {});
    return see_other(c.s.link("/van-ban/" + d.id.value) + (c.s.en ? "&" : "?") + "da=luu");
  }));
  auto load_document = [this](call& c, std::string_view id) -> std::optional<legal_document> {
    auto d = db_.get<legal_document>(id);
    if (!d || !may(c.who, trust::action::read, owner_of(*d), units_->get()->tree)) return std::nullopt;
    return std::move(*d);
  };
  routes_->get("/van-ban/{id}", guarded([document_screen, load_document, not_found](http::request& req, call& c) {
    auto d = load_document(c, req.param("id"));
    if (!d) return not_found(c);
    std::string notice;
    if (auto n = req.query("da"); n && *n == "luu") notice = c.s.t("Đã lưu.", "Saved.");
    return document_screen(c, document_form_values(*d), {}, &*d, notice);
  }));
  routes_->post("/van-ban/{id}", guarded([this, document_screen, load_document, not_found, refused, save_document, adds_row](http::request& req, call& c) {
    auto d = load_document(c, req.param("id"));
    if (!d) return not_found(c);
    if (!may(c.who, trust::action::edit_content, owner_of(*d), units_->get()->tree)) return refused(c);
    form_values f = c.form;
    form_errors errs;
    if (!publish::content_editable(d->state)) {
      forms_detail::put_error(errs, "", "Chỉ sửa được bản nháp.", "Only a draft can be edited.");
      return document_screen(c, document_form_values(*d), errs, &*d, {});
    }
    if (f["version"] != std::to_string(d->version)) {
      forms_detail::put_error(errs, "", "Văn bản đã được người khác sửa trong lúc bạn nhập. Đây là bản mới nhất; hãy sửa lại.",
                              "Someone else changed the document while you were typing. This is the latest; redo your change.");
      return document_screen(c, document_form_values(*d), errs, &*d, {});
    }
    legal_document edited = *d;
    if (adds_row(f)) {
      (void)read_document_form(f, edited);
      return document_screen(c, std::move(f), {}, &*d, {});
    }
    if (!save_document(c, f, edited, false, errs)) return document_screen(c, std::move(f), errs, &*d, {});
    return see_other(c.s.link("/van-ban/" + edited.id.value) + (c.s.en ? "&" : "?") + "da=luu");
  }));
  routes_->post("/van-ban/{id}/buoc", guarded([this, document_screen, load_document, not_found, refused](http::request& req, call& c) {
    auto d = load_document(c, req.param("id"));
    if (!d) return not_found(c);
    form_errors errs;
    auto st = enum_from_string<publish::step>(c.form["step"]);
    const auto* rule = st ? publish::find_rule(*st, d->state) : nullptr;
    if (rule && !may(c.who, rule->needs, owner_of(*d), units_->get()->tree)) return refused(c);
    if (c.form["version"] != std::to_string(d->version)) {
      forms_detail::put_error(errs, "", "Văn bản vừa thay đổi. Hãy xem lại rồi làm lại.", "The document just changed. Check it and try again.");
      return document_screen(c, document_form_values(*d), errs, &*d, {});
    }
    legal_document next = *d;
    auto tr = st ? publish::advance(next.state, *st, c.form["comment"])
                 : result<publish::transition>(error(errc::invalid_argument, "", "Bước không hợp lệ", "Unknown step"));
    if (tr) {
      next.updated_at = now();
      if (auto ok = check(next); !ok) tr = ok.err();
    }
    if (tr)
      if (auto w = db_.update(next, c.who.id.value); !w) tr = w.err();
    if (!tr) {
      add_form_errors(errs, tr.err());
      return document_screen(c, document_form_values(*d), errs, &*d, {});
    }
    return see_other(c.s.link("/van-ban/" + d->id.value));
  }));

  // --- publications ---
  routes_->get("/an-pham", guarded([this](http::request&, call& c) {
    auto snap = units_->get();
    std::string rows;
    std::set<std::string> seen;
    for (const auto& g : c.who.grants) {
      if (!seen.insert(g.unit.value).second) continue;
      store::list_query q;
      q.limit = 100;
      q.where.with_unit(g.unit);
      auto p = db_.list<publication>(q);
      if (!p) continue;
      for (const auto& x : p->items) {
        if (!may(c.who, trust::action::read, x.unit.value, snap->tree)) continue;
        const auto* u = snap->tree.find(x.unit.value);
        rows += "<tr><td><a href=\"" + esc(c.s.link("/an-pham/" + x.id.value)) + "\">" + esc(x.title) + "</a></td><td>" +
                esc(c.s.en ? label_en(x.kind) : label_vi(x.kind)) + "</td><td>" + esc(u ? u->name : x.unit.value) + "</td><td>" +
                esc(state_label(x.state, c.s.en)) + "</td></tr>";
      }
    }
    std::string body = "<p><a href=\"" + esc(c.s.link("/an-pham/moi")) + "\">" + c.s.t("Thêm ấn phẩm", "Add a publication") + "</a></p>";
    if (rows.empty()) body += "<p>" + c.s.t("Chưa có ấn phẩm nào.", "No publications yet.") + "</p>";
    else
      body += "<table class=\"work\"><thead><tr><th scope=\"col\">" + c.s.t("Tiêu đề", "Title") + "</th><th scope=\"col\">" +
              c.s.t("Loại", "Kind") + "</th><th scope=\"col\">" + c.s.t("Đơn vị", "Unit") + "</th><th scope=\"col\">" +
              c.s.t("Trạng thái", "State") + "</th></tr></thead><tbody>" + rows + "</tbody></table>";
    return html(page(c.s, c.s.t("Ấn phẩm", "Publications"), c.who, c.csrf, body));
  }));
  auto publication_screen = [this, state_line](call& c, form_values f, const form_errors& errs, const publication* stored,
                                               const std::string& notice) {
    auto snap = units_->get();
    form_builder b{c.s, in_language(errs, c.s), f, {}};
    std::string body;
    if (!notice.empty()) body += "<p class=\"notice\" role=\"status\">" + esc(notice) + "</p>";
    if (stored) body += state_line(c, stored->state, stored->version);
    const bool editable =
        !stored || (publish::content_editable(stored->state) && may(c.who, trust::action::edit_content, stored->unit.value, snap->tree));
    std::string form;
    if (editable) {
      const auto action = stored ? c.s.link("/an-pham/" + stored->id.value) : c.s.link("/an-pham/moi");
      form = "<form method=\"post\" action=\"" + esc(action) + "\" novalidate><input type=\"hidden\" name=\"csrf\" value=\"" + esc(c.csrf) + "\">";
      if (stored) form += "<input type=\"hidden\" name=\"version\" value=\"" + std::to_string(stored->version) + "\">";
      form += b.select("unit", c.s.t("Đơn vị", "Unit"), unit_options(c, snap->tree, b.get("unit"), false), true);
      form += b.select("kind", c.s.t("Loại ấn phẩm", "Kind"), enum_options(c.s, all_publication_kinds), true);
      form += b.text("title", c.s.t("Tiêu đề", "Title"), "text", true);
      form += b.text("summary", c.s.t("Tóm tắt", "Summary"), "textarea");
      form += b.lines("media", c.s.t("Tệp (mã tệp đa phương tiện, mỗi dòng một mã)", "Files (media ids, one per line)"),
                      c.s.t("Cần ít nhất một tệp trước khi gửi duyệt.", "At least one file is needed before submitting."));
      form += b.lines("documents", c.s.t("Văn bản được giới thiệu (mã văn bản, mỗi dòng một mã)", "Documents introduced (ids, one per line)"), {});
      form += b.lines("partners", c.s.t("Đơn vị phối hợp (mỗi dòng một đơn vị)", "Partners (one per line)"),
                      c.s.t("Ví dụ: Công an quận Hà Đông", "E.g. Công an quận Hà Đông"));
      form += "<p><button type=\"submit\" name=\"do\" value=\"save\">" + c.s.t("Lưu bản nháp", "Save draft") + "</button></p></form>";
    } else if (stored) {
      body += "<h2>" + esc(stored->title) + "</h2><p>" + esc(c.s.en ? label_en(stored->kind) : label_vi(stored->kind)) + "</p>";
    }
    auto rest = b.leftovers();
    if (!rest.empty()) b.fe.general += (b.fe.general.empty() ? "" : " ") + rest;
    body += errors_box(c.s, b.fe) + form;
    if (stored)
      body += step_forms(c, snap->tree, stored->state, stored->version, stored->unit.value, c.s.link("/an-pham/" + stored->id.value + "/buoc"), b.fe);
    const auto title = stored ? c.s.t("Ấn phẩm: ", "Publication: ") + stored->title : c.s.t("Thêm ấn phẩm", "Add a publication");
    return html(page(c.s, title, c.who, c.csrf, body), errs.empty() ? http::status::ok : http::status::unprocessable_entity);
  };
  auto save_publication = [this](call& c, form_values& f, publication& p, bool is_new, form_errors& errs) -> bool {
    auto snap = units_->get();
    errs = read_publication_form(f, p);
    p.unit = unit_id{f["unit"]};
    if (p.unit.value.empty() || !may(c.who, trust::action::edit_content, p.unit.value, snap->tree) ||
        (is_new && snap->tree.ended(p.unit.value)))
      forms_detail::put_error(errs, "unit", "Bạn không viết cho đơn vị này", "You do not write for this unit");
    if (is_new) p.state = article_state::draft;
    if (auto ok = check(p); !ok) add_form_errors(errs, ok.err());
    if (!errs.empty()) return false;
    auto w = is_new ? db_.create(p, c.who.id.value) : db_.update(p, c.who.id.value);
    if (!w) {
      add_form_errors(errs, w.err());
      return false;
    }
    p = *w;
    return true;
  };
  auto load_publication = [this](call& c, std::string_view id) -> std::optional<publication> {
    auto p = db_.get<publication>(id);
    if (!p || !may(c.who, trust::action::read, p->unit.value, units_->get()->tree)) return std::nullopt;
    return std::move(*p);
  };
  routes_->get("/an-pham/moi", guarded([this, publication_screen](http::request&, call& c) {
    publication p;
    auto f = publication_form_values(p);
    auto opts = unit_options(c, units_->get()->tree, "", false);
    f["unit"] = opts.empty() ? "" : opts.front().first;
    return publication_screen(c, std::move(f), {}, nullptr, {});
  }));
  routes_->post("/an-pham/moi", guarded([publication_screen, save_publication](http::request&, call& c) {
    form_values f = c.form;
    publication p;
    p.id = publication_id{random_id_string()};
    form_errors errs;
    if (!save_publication(c, f, p, true, errs)) return publication_screen(c, std::move(f), errs, nullptr, {});
    return see_other(c.s.link("/an-pham/" + p.id.value) + (c.s.en ? "&" : "?") + "da=luu");
  }));
  routes_->get("/an-pham/{id}", guarded([publication_screen, load_publication, not_found](http::request& req, call& c) {
    auto p = load_publication(c, req.param("id"));
    if (!p) return not_found(c);
    std::string notice;
    if (auto n = req.query("da"); n && *n == "luu") notice = c.s.t("Đã lưu.", "Saved.");
    return publication_screen(c, publication_form_values(*p), {}, &*p, notice);
  }));
  routes_->post("/an-pham/{id}", guarded([this, publication_screen, load_publication, not_found, refused, save_publication](http::request& req, call& c) {
    auto p = load_publication(c, req.param("id"));
    if (!p) return not_found(c);
    if (!may(c.who, trust::action::edit_content, p->unit.value, units_->get()->tree)) return refused(c);
    form_values f = c.form;
    form_errors errs;
    if (!publish::content_editable(p->state) || f["version"] != std::to_string(p->version)) {
      forms_detail::put_error(errs, "", "Chỉ sửa được bản nháp mới nhất.", "Only the latest draft can be edited.");
      return publication_screen(c, publication_form_values(*p), errs, &*p, {});
    }
    publication edited = *p;
    if (!save_publication(c, f, edited, false, errs)) return publication_screen(c, std::move(f), errs, &*p, {});
    return see_other(c.s.link("/an-pham/" + edited.id.value) + (c.s.en ? "&" : "?") + "da=luu");
  }));
  routes_->post("/an-pham/{id}/buoc", guarded([this, publication_screen, load_publication, not_found, refused](http::request& req, call& c) {
    auto p = load_publication(c, req.param("id"));
    if (!p) return not_found(c);
    form_errors errs;
    auto st = enum_from_string<publish::step>(c.form["step"]);
    const auto* rule = st ? publish::find_rule(*st, p->state) : nullptr;
    if (rule && !may(c.who, rule->needs, p->unit.value, units_->get()->tree)) return refused(c);
    if (c.form["version"] != std::to_string(p->version)) {
      forms_detail::put_error(errs, "", "Ấn phẩm vừa thay đổi. Hãy xem lại rồi làm lại.", "The publication just changed. Check it and try again.");
      return publication_screen(c, publication_form_values(*p), errs, &*p, {});
    }
    publication next = *p;
    auto tr = st ? publish::advance(next.state, *st, c.form["comment"])
                 : result<publish::transition>(error(errc::invalid_argument, "", "Bước không hợp lệ", "Unknown step"));
    if (tr) {
      if (*st == publish::step::publish) next.published_at = now();
      if (*st == publish::step::reopen) next.published_at.reset();
      if (auto ok = check(next); !ok) tr = ok.err();
    }
    if (tr)
      if (auto w = db_.update(next, c.who.id.value); !w) tr = w.err();
    if (!tr) {
      add_form_errors(errs, tr.err());
      return publication_screen(c, publication_form_values(*p), errs, &*p, {});
    }
    return see_other(c.s.link("/an-pham/" + p->id.value));
  }));
}

}  // namespace portal
PBGDPL_NAMESPACE_END
