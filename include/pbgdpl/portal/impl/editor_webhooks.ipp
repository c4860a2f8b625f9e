// The editor's webhooks screen (portal/editor.hpp): the webhooks of the units where the account
// publishes, a form to add one (its secret shown once), and each one's delivery log with every
// attempt. Included by impl/editor.ipp.
#pragma once
#include "../../network/webhooks.hpp"

PBGDPL_NAMESPACE_BEGIN
namespace portal {

PBGDPL_DECL void editor::build_webhooks() {
  using namespace editor_detail;
  auto screen_of = [this](const http::request& req) { return screen_for(req, opt_, eo_.media != nullptr); };
  // The units where this account may manage webhooks: publishing there is what they announce.
  auto units_of = [this](const account& who) {
    auto snap = units_->get();
    std::vector<const unit*> out;
    std::set<std::string> seen;
    for (const auto& g : who.grants)
      for (const auto& u : snap->tree.subtree(g.unit.value))
        if (seen.insert(u.id.value).second && !snap->tree.ended(u.id.value) &&
            editor_detail::may(who, trust::action::publish_content, u.id.value, snap->tree))
          out.push_back(&u);
    return std::make_pair(snap, out);
  };
  auto render = [this, units_of](const screen& s, const account& who, const std::string& csrf, const field_errors& fe,
                                 const std::map<std::string, std::string>& typed, const std::string& notice) {
    auto [snap, units] = units_of(who);
    std::string body;
    if (!notice.empty()) body += "<div class=\"notice\" role=\"status\">" + notice + "</div>";
    if (units.empty())
      return html(page(s, s.t("Webhook", "Webhooks"), who, csrf,
                       "<p>" + s.t("Tài khoản của bạn không đăng bài ở đơn vị nào nên không quản lý webhook.",
                                   "Your account publishes for no unit, so it manages no webhooks.") + "</p>"));
    body += "<p>" + s.t("Webhook báo cho hệ thống khác (cổng của Thành phố, phần mềm của trường) mỗi khi một bài được đăng hoặc "
                        "một câu hỏi được trả lời: một yêu cầu POST ký bằng HMAC-SHA256, gửi lại khi lỗi.",
                        "A webhook tells another system (the city portal, the school's software) whenever an article is published "
                        "or a question answered: a POST signed with HMAC-SHA256, retried on failure.") + "</p>";
    for (const auto* u : units) {
      auto hooks = network::list_webhooks(db_, u->id);
      if (!hooks || hooks->empty()) continue;
      for (const auto& w : *hooks) {
        body += "<section aria-labelledby=\"wh-" + esc(w.id.value) + "\"><h2 id=\"wh-" + esc(w.id.value) + "\">" + esc(w.url) +
                "</h2><p>" + esc(u->name) + " · ";
        for (const auto& e : w.events) body += "<code>" + esc(e) + "</code> ";
        body += w.active ? s.t("· đang bật", "· active") : s.t("· đã tắt", "· inactive");
        if (!w.description.empty()) body += " · " + esc(w.description);
        body += "</p>";
        auto log = network::list_deliveries(db_, w.id, 20);
        if (!log || log->items.empty()) {
          body += "<p>" + s.t("Chưa gửi lần nào.", "Nothing sent yet.") + "</p></section>";
          continue;
        }
        body += "<table class=\"work\"><caption>" + s.t("Nhật ký gửi (mới nhất trước)", "Delivery log (newest first)") +
                "</caption><thead><tr><th scope=\"col\">" + s.t("Sự kiện", "Event") + "</th><th scope=\"col\">" + s.t("Nội dung", "Subject") +
                "</th><th scope=\"col\">" + s.t("Trạng thái", "State") + "</th><th scope=\"col\">" + s.t("Các lần gửi", "Attempts") +
                "</th></tr></thead><tbody>";
        for (const auto& d : log->items) {
          body += "<tr><td><code>" + esc(d.event) + "</code><br>" + esc(fmt_time(d.created_at)) + "</td><td>" + esc(d.subject_kind) + " " +
                  esc(d.subject_id) + "</td><td>" + esc(s.en ? label_en(d.state) : label_vi(d.state));
          if (d.state == delivery_state::pending) body += "<br>" + s.t("lần tới: ", "next: ") + esc(fmt_time(d.next_attempt_at));
          body += "</td><td><ol>";
          for (const auto& at : d.attempts)
            body += "<li>" + esc(fmt_time(at.at)) + ": " + (at.status ? "HTTP " + std::to_string(at.status) : s.t("không có trả lời", "no answer")) +
                    (at.error.empty() ? "" : " – " + esc(at.error)) + " (" + std::to_string(at.duration_ms) + " ms)</li>";
          body += "</ol></td></tr>";
        }
        body += "</tbody></table></section>";
      }
    }
    // The form to add one.
    auto get = [&](const char* k) -> std::string {
      auto it = typed.find(k);
      return it == typed.end() ? std::string() : it->second;
    };
    body += "<section aria-labelledby=\"them-webhook\"><h2 id=\"them-webhook\">" + s.t("Thêm webhook", "Add a webhook") + "</h2>" + errors_box(s, fe);
    body += "<form method=\"post\" action=\"" + esc(s.link("/webhook")) + "\" novalidate><input type=\"hidden\" name=\"csrf\" value=\"" + esc(csrf) + "\">";
    body += "<div class=\"field\"><label for=\"f-unit\">" + s.t("Đơn vị", "Unit") + "</label><select id=\"f-unit\" name=\"unit\">";
    for (const auto* u : units)
      body += "<option value=\"" + esc(u->id.value) + "\"" + (get("unit") == u->id.value ? " selected" : "") + ">" + esc(u->name) + "</option>";
    body += "</select></div>";
    body += input(s, fe, "url", s.t("Địa chỉ nhận (http:// hoặc https://)", "Receiver URL (http:// or https://)"), get("url"), "url", true);
    body += "<fieldset><legend>" + s.t("Sự kiện", "Events") + "</legend>";
    for (auto e : {webhook_events::article_published, webhook_events::question_answered}) {
      const std::string name = "event_" + std::string(e == webhook_events::article_published ? "article" : "question");
      body += "<div><input type=\"checkbox\" id=\"f-" + name + "\" name=\"" + name + "\" value=\"1\"" +
              (typed.empty() || get(name.c_str()) == "1" ? " checked" : "") + "><label for=\"f-" + name + "\"> <code>" + std::string(e) +
              "</code></label></div>";
    }
    if (auto it = fe.by_field.find("events"); it != fe.by_field.end()) body += "<p class=\"field-error\">" + esc(it->second) + "</p>";
    body += "</fieldset>";
    body += input(s, fe, "description", s.t("Ghi chú", "Note"), get("description"), "text");
    body += "<p><button type=\"submit\">" + s.t("Thêm webhook", "Add the webhook") + "</button></p></form></section>";
    return html(page(s, s.t("Webhook và nhật ký gửi", "Webhooks and their delivery log"), who, csrf, body),
                fe.empty() ? http::status::ok : http::status::unprocessable_entity);
  };
  auto guard = [this, screen_of](const http::request& req, screen& s, std::string& token) -> std::optional<account> {
    s = screen_of(req);
    return signed_in(req, &token);
  };
  routes_->get("/webhook", [this, guard, render](http::request& req) -> http::response {
    screen s;
    std::string token;
    auto who = guard(req, s, token);
    if (!who) return see_other(s.link("/dang-nhap"));
    return render(s, *who, csrf_for(token), {}, {}, {});
  });
  routes_->post("/webhook", [this, guard, render, units_of](http::request& req) -> http::response {
    screen s;
    std::string token;
    auto who = guard(req, s, token);
    if (!who) return see_other(s.link("/dang-nhap"));
    auto form = parse_form(req.body());
    const auto csrf = csrf_for(token);
    if (!form || !csrf_ok(req, *form, token))
      return html(page(s, s.t("Yêu cầu bị từ chối", "Request refused"), who, csrf,
                       "<p>" + s.t("Biểu mẫu thiếu mã chống giả mạo (CSRF) hợp lệ.", "The form has no valid anti-forgery (CSRF) token.") + "</p>"),
                  http::status::forbidden);
    auto& f = *form;
    field_errors fe;
    auto [snap, units] = units_of(*who);
    bool unit_ok = false;
    for (const auto* u : units) unit_ok = unit_ok || u->id.value == f["unit"];
    if (!unit_ok) fe.by_field["unit"] = s.t("Bạn không quản lý webhook của đơn vị này", "You do not manage this unit's webhooks");
    webhook w;
    w.unit = unit_id{f["unit"]};
    w.url = f["url"];
    w.description = f["description"];
    if (f["event_article"] == "1") w.events.emplace_back(webhook_events::article_published);
    if (f["event_question"] == "1") w.events.emplace_back(webhook_events::question_answered);
    if (w.events.empty()) fe.by_field["events"] = s.t("Chọn ít nhất một sự kiện", "Choose at least one event");
    if (!fe.empty()) return render(s, *who, csrf, fe, f, {});
    auto made = network::create_webhook(db_, w, who->id.value);
    if (!made) {
      add_errors(fe, made.err(), s);
      return render(s, *who, csrf, fe, f, {});
    }
    // The one time the secret is shown: the receiver checks signatures with it.
    return render(s, *who, csrf, {}, {},
                  s.t("Đã thêm webhook. Khóa bí mật (chỉ hiện lần này, hãy chép vào hệ thống nhận): ",
                      "Webhook added. Its secret (shown only this once; copy it to the receiver): ") +
                      "<code>" + esc(made->secret) + "</code>");
  });
}

}  // namespace portal
PBGDPL_NAMESPACE_END
