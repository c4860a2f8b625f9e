// The editor's screens for policy-law dialogue sessions (đối thoại chính sách - pháp luật; issue
// 14 item 7): a list, a form to plan one and the same form to edit it. A session is a topic, a
// host unit and a time; questions come in through the public form (impl/ask.ipp) while it is
// planned or open, and after it closes its page shows the published answers and the transcript.
// Rights: edit_content at the session's unit to write it; publish_content to close it (closing
// publishes the transcript). The `questions` list is server-owned: the form never sends it.
// Included by impl/editor.ipp; editor::build() calls build_dialogues().
#pragma once
#include "../../core/text.hpp"

PBGDPL_NAMESPACE_BEGIN
namespace portal {
namespace editor_detail {

inline std::string dialogue_state_label(dialogue_state s, bool en) {
  switch (s) {
    case dialogue_state::planned: return en ? "Planned" : "Sắp diễn ra";
    case dialogue_state::open: return en ? "Open" : "Đang diễn ra";
    case dialogue_state::closed: return en ? "Closed" : "Đã kết thúc";
    case dialogue_state::cancelled: return en ? "Cancelled" : "Đã hủy";
  }
  return {};
}

// "2026-12-01T08:30" in Hà Nội time: the value a datetime-local input shows.
inline std::string local_input_value(timestamp t) {
  auto s = format_timestamp(t);
  return s.size() >= 16 ? s.substr(0, 16) : s;
}

}  // namespace editor_detail

PBGDPL_DECL void editor::build_dialogues(const editor_detail::guard_fn& guarded) {
  using namespace editor_detail;
  // The units where the account may write sessions (its grants' subtrees, still active).
  auto units_of = [this](const account& who) {
    auto snap = units_->get();
    std::vector<const unit*> out;
    std::set<std::string> seen;
    for (const auto& g : who.grants)
      for (const auto& u : snap->tree.subtree(g.unit.value))
        if (seen.insert(u.id.value).second && !snap->tree.ended(u.id.value) &&
            may(who, trust::action::edit_content, u.id.value, snap->tree))
          out.push_back(&u);
    return std::make_pair(snap, out);
  };
  auto values_of = [](const dialogue_session& d) {
    std::map<std::string, std::string> v;
    v["unit"] = d.unit.value;
    v["title"] = d.title;
    v["description"] = d.description;
    v["host"] = d.host;
    v["starts_at"] = d.starts_at == timestamp{} ? std::string() : local_input_value(d.starts_at);
    v["ends_at"] = d.ends_at == timestamp{} ? std::string() : local_input_value(d.ends_at);
    v["url"] = d.url;
    v["state"] = std::string(to_string(d.state));
    v["conclusion_markdown"] = d.conclusion_markdown;
    return v;
  };
  // The form, from the values as typed and the errors next to them. `d` is the stored session
  // when editing (its id, version and the questions filed under it), nullopt for a new one.
  auto form_screen = [this, units_of](call& c, const std::optional<dialogue_session>& d, std::map<std::string, std::string> v,
                                      const field_errors& fe) {
    auto [snap, units] = units_of(c.who);
    const std::string action = d ? c.s.link("/doi-thoai/" + d->id.value) : c.s.link("/doi-thoai/moi");
    std::string body = errors_box(c.s, fe);
    if (d)
      body += "<p><a href=\"" + esc(c.s.portal + "/don-vi/" + d->unit.value + "/pbgdpl/doi-thoai/" + d->id.value) + "\">" +
              c.s.t("Xem trang công khai", "See the public page") + "</a> · " + std::to_string(d->questions.size()) +
              c.s.t(" câu hỏi đã gửi", " questions sent") + "</p>";
    body += "<form method=\"post\" action=\"" + esc(action) + "\" novalidate><input type=\"hidden\" name=\"csrf\" value=\"" + esc(c.csrf) + "\">";
    if (d) body += "<input type=\"hidden\" name=\"version\" value=\"" + std::to_string(d->version) + "\">";
    auto select = [&](const std::string& name, std::string_view label, const std::vector<std::pair<std::string, std::string>>& options) {
      const std::string id = "f-" + name;
      auto err = fe.by_field.find(name);
      std::string h = "<div class=\"field" + std::string(err != fe.by_field.end() ? " has-error" : "") + "\"><label for=\"" + id + "\">" +
                      esc(label) + "</label>";
      if (err != fe.by_field.end()) h += "<p class=\"field-error\" id=\"" + id + "-error\">" + esc(err->second) + "</p>";
      h += "<select id=\"" + id + "\" name=\"" + name + "\"";
      if (err != fe.by_field.end()) h += " aria-describedby=\"" + id + "-error\" aria-invalid=\"true\"";
      h += ">";
      for (const auto& [value, shown] : options)
        h += "<option value=\"" + esc(value) + "\"" + (value == v[name] ? " selected" : "") + ">" + esc(shown) + "</option>";
      return h + "</select></div>";
    };
    std::vector<std::pair<std::string, std::string>> unit_options;
    for (const auto* u : units) unit_options.emplace_back(u->id.value, u->name);
    if (d && std::none_of(units.begin(), units.end(), [&](const unit* u) { return u->id == d->unit; }))
      unit_options.emplace_back(d->unit.value, std::string(snap->tree.name(d->unit.value)));
    body += select("unit", c.s.t("Đơn vị tổ chức", "Host unit"), unit_options);
    body += input(c.s, fe, "title", c.s.t("Chủ đề", "Topic"), v["title"], "text", true);
    body += input(c.s, fe, "description", c.s.t("Mô tả", "Description"), v["description"], "textarea");
    body += input(c.s, fe, "host", c.s.t("Người chủ trì, trả lời", "Host (who answers)"), v["host"], "text");
    // A value that does not parse is kept as typed, in a text box (a datetime-local box may only
    // hold a valid time).
    auto time_type = [&](const std::string& name) {
      return v[name].empty() || parse_local_input(v[name]) ? "datetime-local" : "text";
    };
    const auto hint = c.s.t("Giờ Hà Nội, dạng 2026-12-01T08:30", "Hà Nội time, as 2026-12-01T08:30");
    body += input(c.s, fe, "starts_at", c.s.t("Bắt đầu", "Starts"), v["starts_at"], time_type("starts_at"), true, hint);
    body += input(c.s, fe, "ends_at", c.s.t("Kết thúc", "Ends"), v["ends_at"], time_type("ends_at"), true, hint);
    body += input(c.s, fe, "url", c.s.t("Địa chỉ phòng trực tuyến hoặc phát trực tiếp", "Online room or live stream URL"), v["url"], "url");
    std::vector<std::pair<std::string, std::string>> states;
    for (auto st : {dialogue_state::planned, dialogue_state::open, dialogue_state::closed, dialogue_state::cancelled})
      states.emplace_back(std::string(to_string(st)), dialogue_state_label(st, c.s.en));
    body += select("state", c.s.t("Trạng thái", "State"), states);
    body += input(c.s, fe, "conclusion_markdown", c.s.t("Kết luận, biên bản (Markdown)", "Conclusion, transcript (Markdown)"),
                  v["conclusion_markdown"], "textarea", false,
                  c.s.t("Công bố trên trang công khai khi phiên đã kết thúc; đóng phiên cần quyền đăng bài.",
                        "Published on the public page once the session is closed; closing needs the right to publish."));
    body += "<p><button type=\"submit\">" + c.s.t("Lưu phiên đối thoại", "Save the session") + "</button></p></form>";
    auto title = d ? d->title : c.s.t("Phiên đối thoại mới", "New dialogue session");
    return html(page(c.s, title, c.who, c.csrf, body), fe.empty() ? http::status::ok : http::status::unprocessable_entity);
  };
  // Reads the form into `d` (its id, questions and version kept) and checks it: the right at the
  // unit, the right to close, the times and the model's own rules, each next to its field.
  auto read_and_check = [this, units_of](call& c, dialogue_session& d, const std::optional<dialogue_session>& stored,
                                         field_errors& fe) {
    auto [snap, units] = units_of(c.who);
    auto& f = c.form;
    auto one_line = [](std::string s) {
      if (auto n = text::nfc(s)) s = std::move(*n);
      auto b = s.find_first_not_of(" \t\r\n");
      auto e = s.find_last_not_of(" \t\r\n");
      return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
    };
    auto lines = [](std::string s) {
      if (auto n = text::nfc(s)) s = std::move(*n);
      std::string out;
      for (std::size_t i = 0; i < s.size(); ++i)
        if (!(s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n')) out += s[i];
      return out.find_first_not_of(" \t\r\n") == std::string::npos ? std::string() : out;
    };
    d.unit = unit_id{f["unit"]};
    d.title = one_line(f["title"]);
    d.description = lines(f["description"]);
    d.host = one_line(f["host"]);
    d.url = one_line(f["url"]);
    d.conclusion_markdown = lines(f["conclusion_markdown"]);
    if (!may(c.who, trust::action::edit_content, d.unit.value, snap->tree) || snap->tree.ended(d.unit.value))
      fe.by_field["unit"] = c.s.t("Bạn không soạn nội dung của đơn vị này", "You do not write this unit's content");
    auto time_of = [&](const char* name, timestamp& to) {
      const auto& raw = f[name];
      if (raw.empty()) fe.by_field[name] = c.s.t("Hãy nhập thời điểm", "Enter the time");
      else if (auto t = parse_local_input(raw)) to = *t;
      else fe.by_field[name] = c.s.t("Thời điểm không hợp lệ (dạng 2026-12-01T08:30)", "Not a valid time (as 2026-12-01T08:30)");
    };
    time_of("starts_at", d.starts_at);
    time_of("ends_at", d.ends_at);
    auto st = enum_from_string<dialogue_state>(f["state"]);
    if (!st) fe.by_field["state"] = c.s.t("Trạng thái không hợp lệ", "Unknown state");
    else d.state = *st;
    // Closing publishes the transcript: an approver's step, like publishing an article. A
    // session already closed stays writable by its editors only as long as it stays closed.
    const bool closing = st && *st == dialogue_state::closed && (!stored || stored->state != dialogue_state::closed);
    if (closing && !may(c.who, trust::action::publish_content, d.unit.value, snap->tree))
      fe.by_field["state"] = c.s.t("Đóng phiên và công bố kết luận cần quyền đăng bài của đơn vị",
                                   "Closing the session and publishing its transcript needs the right to publish for the unit");
    if (stored && stored->state == dialogue_state::closed &&
        !may(c.who, trust::action::publish_content, stored->unit.value, snap->tree))
      fe.general = c.s.t("Phiên đã kết thúc; chỉ người có quyền đăng bài được sửa.",
                         "The session is closed; only someone who may publish can change it.");
    validator v;
    validate(d, v);
    for (const auto& e : v.problems()) add_errors(fe, e, c.s);
    if (!d.conclusion_markdown.empty())
      if (auto h = publish::render_for_storage(d.conclusion_markdown); !h) {
        auto e = h.err();
        e.path = "/conclusion_markdown";
        add_errors(fe, e, c.s);
      }
  };

  routes_->get("/doi-thoai", guarded([this, units_of](http::request&, call& c) {
    auto [snap, units] = units_of(c.who);
    std::string rows;
    for (const auto* u : units) {
      store::list_query q;
      q.limit = 100;
      q.where.unit = u->id.value;
      q.where.include_descendants = false;
      auto p = db_.list<dialogue_session>(q);
      if (!p) continue;
      for (const auto& d : p->items)
        rows += "<tr><td><a href=\"" + esc(c.s.link("/doi-thoai/" + d.id.value)) + "\">" + esc(d.title) + "</a></td><td>" + esc(u->name) +
                "</td><td>" + esc(fmt_time(d.starts_at)) + "</td><td>" + esc(dialogue_state_label(d.state, c.s.en)) + "</td><td>" +
                std::to_string(d.questions.size()) + "</td></tr>";
    }
    std::string body = "<p><a href=\"" + esc(c.s.link("/doi-thoai/moi")) + "\">" + c.s.t("Lên lịch phiên đối thoại mới", "Plan a new dialogue session") +
                       "</a></p>";
    if (rows.empty()) body += "<p>" + c.s.t("Chưa có phiên đối thoại nào.", "No dialogue sessions yet.") + "</p>";
    else
      body += "<table class=\"work\"><thead><tr><th scope=\"col\">" + c.s.t("Chủ đề", "Topic") + "</th><th scope=\"col\">" + c.s.t("Đơn vị", "Unit") +
              "</th><th scope=\"col\">" + c.s.t("Bắt đầu", "Starts") + "</th><th scope=\"col\">" + c.s.t("Trạng thái", "State") +
              "</th><th scope=\"col\">" + c.s.t("Câu hỏi", "Questions") + "</th></tr></thead><tbody>" + rows + "</tbody></table>";
    return html(page(c.s, c.s.t("Đối thoại chính sách - pháp luật", "Policy and law dialogues"), c.who, c.csrf, body));
  }));
  routes_->get("/doi-thoai/moi", guarded([units_of, form_screen](http::request&, call& c) {
    auto [snap, units] = units_of(c.who);
    std::map<std::string, std::string> v;
    if (!units.empty()) v["unit"] = units.front()->id.value;
    v["state"] = "planned";
    return form_screen(c, std::nullopt, std::move(v), {});
  }));
  routes_->post("/doi-thoai/moi", guarded([this, form_screen, read_and_check](http::request&, call& c) {
    dialogue_session d;
    d.id = dialogue_id{"doi-thoai-" + random_id_string()};
    field_errors fe;
    read_and_check(c, d, std::nullopt, fe);
    if (fe.empty()) {
      auto made = db_.create<dialogue_session>(d, c.who.id.value);
      if (made) return see_other(c.s.link("/doi-thoai/" + made->id.value));
      add_errors(fe, made.err(), c.s);
    }
    return form_screen(c, std::nullopt, c.form, fe);
  }));
  auto load = [this](call& c, const std::string& id) -> std::optional<dialogue_session> {
    auto d = db_.get<dialogue_session>(id);
    if (!d || !may(c.who, trust::action::edit_content, d->unit.value, units_->get()->tree)) return std::nullopt;
    return *d;
  };
  auto missing = [](call& c) {
    return html(page(c.s, c.s.t("Không tìm thấy", "Not found"), c.who, c.csrf,
                     "<p>" + c.s.t("Không có phiên đối thoại này, hoặc bạn không có quyền.", "No such dialogue session, or you may not edit it.") +
                         "</p>"),
                http::status::not_found);
  };
  routes_->get("/doi-thoai/{id}", guarded([load, missing, form_screen, values_of](http::request& req, call& c) {
    auto d = load(c, std::string(req.param("id")));
    if (!d) return missing(c);
    return form_screen(c, d, values_of(*d), {});
  }));
  routes_->post("/doi-thoai/{id}", guarded([this, load, missing, form_screen, read_and_check](http::request& req, call& c) {
    auto stored = load(c, std::string(req.param("id")));
    if (!stored) return missing(c);
    field_errors fe;
    if (c.form["version"] != std::to_string(stored->version)) {
      fe.general = c.s.t("Phiên đối thoại vừa được người khác sửa; hãy xem lại rồi lưu.",
                         "Someone else just changed this session; check it and save again.");
      return form_screen(c, stored, c.form, fe);
    }
    dialogue_session next = *stored;  // id, questions (server-owned) and version kept
    read_and_check(c, next, stored, fe);
    if (fe.empty()) {
      auto w = db_.update(next, c.who.id.value);
      if (w) return see_other(c.s.link("/doi-thoai/" + next.id.value));
      add_errors(fe, w.err(), c.s);
    }
    return form_screen(c, stored, c.form, fe);
  }));
}

}  // namespace portal
PBGDPL_NAMESPACE_END
