// The editor's screens (portal/editor.hpp): sign-in, dashboard, article form, workflow steps,
// revisions, questions. Included by impl/editor.ipp.
#pragma once

PBGDPL_NAMESPACE_BEGIN
namespace portal {

namespace editor_detail {

inline bool may(const account& a, trust::action act, const std::string& unit, const unit_directory& tree) {
  return trust::allowed(a, act, unit_id{unit}, tree);
}

inline std::string state_label(article_state s, bool en) { return std::string(en ? label_en(s) : label_vi(s)); }

// One guarded request: its screen, the signed-in account, its CSRF token and the posted form.
struct call {
  screen s;
  account who;
  std::string token, csrf;
  std::map<std::string, std::string> form;
};

}  // namespace editor_detail

PBGDPL_DECL void editor::build() {
  using namespace editor_detail;
  auto screen_of = [this](const http::request& req) { return screen_for(req, opt_, eo_.media != nullptr); };
  // The cookies' Path: the public prefix the browser sees (a trusted proxy's X-Forwarded-Prefix).
  auto cookie_attrs = [this](const http::request& req, std::string_view max_age) {
    auto prefix = checked_public_prefix(public_prefix_of(opt_, req)).value_or("");
    return "; Path=" + (prefix.empty() ? std::string("/") : prefix + "/") + "; HttpOnly; SameSite=Strict" +
           (eo_.secure_cookies ? "; Secure" : "") + "; Max-Age=" + std::string(max_age);
  };

  // --- static pieces (CSP allows only 'self' scripts and styles) ---
  routes_->get("/static/editor.css", [](http::request&) {
    auto r = http::response::text(std::string(editor_css));
    r.set("Content-Type", "text/css; charset=utf-8");
    r.set("Cache-Control", "public, max-age=3600");
    return r;
  });
  routes_->get("/static/editor.js", [](http::request&) {
    auto r = http::response::text(std::string(editor_js));
    r.set("Content-Type", "text/javascript; charset=utf-8");
    r.set("Cache-Control", "public, max-age=3600");
    return r;
  });

  // --- sign-in: a double-submit token guards the form before any session exists ---
  auto sign_in_form = [this, screen_of, cookie_attrs](const http::request& req, std::string username,
                                                      const field_errors& fe, http::status st) {
    auto s = screen_of(req);
    auto pre = cookie_value(req.header(http::bhttp::field::cookie), "pbgdpl_csrf_truoc");
    bool fresh = pre.size() != 64;
    if (fresh) {
      std::array<unsigned char, 32> b{};
      randombytes_buf(b.data(), b.size());
      pre = trust::to_hex(b);
    }
    std::string body = errors_box(s, fe);
    body += "<form method=\"post\" action=\"" + esc(s.link("/dang-nhap")) + "\" novalidate>";
    body += "<input type=\"hidden\" name=\"csrf\" value=\"" + esc(pre) + "\">";
    body += input(s, fe, "username", s.t("Tên đăng nhập", "Username"), username, "text", true);
    body += input(s, fe, "password", s.t("Mật khẩu", "Password"), "", "password", true);
    body += "<p><button type=\"submit\">" + s.t("Đăng nhập", "Sign in") + "</button></p></form>";
    auto r = html(page(s, s.t("Đăng nhập", "Sign in"), std::nullopt, {}, body), st);
    if (fresh) r.set("Set-Cookie", "pbgdpl_csrf_truoc=" + pre + cookie_attrs(req, "3600"));
    return r;
  };
  routes_->get("/dang-nhap", [sign_in_form](http::request& req) { return sign_in_form(req, "", {}, http::status::ok); });
  routes_->post("/dang-nhap", [this, screen_of, sign_in_form, cookie_attrs](http::request& req) {
    auto s = screen_of(req);
    field_errors fe;
    auto form = parse_form(req.body());
    if (!form) {
      add_errors(fe, form.err(), s);
      return sign_in_form(req, "", fe, http::status::bad_request);
    }
    auto& f = *form;
    auto pre = cookie_value(req.header(http::bhttp::field::cookie), "pbgdpl_csrf_truoc");
    if (pre.size() != 64 || f["csrf"] != pre || !posted_from_here(opt_, req)) {
      fe.general = s.t("Biểu mẫu đã hết hạn hoặc không đến từ trang này. Hãy đăng nhập lại.",
                       "The form expired or did not come from this site. Please sign in again.");
      return sign_in_form(req, f["username"], fe, http::status::forbidden);
    }
    if (f["username"].empty()) fe.by_field["username"] = s.t("Hãy nhập tên đăng nhập", "Enter your username");
    if (f["password"].empty()) fe.by_field["password"] = s.t("Hãy nhập mật khẩu", "Enter your password");
    if (!fe.empty()) return sign_in_form(req, f["username"], fe, http::status::unprocessable_entity);
    // Counted as the rate limits count clients: an IPv6 client by its /64 (a subscriber can
    // rotate the rest at will and would otherwise get a fresh per-client budget each time).
    auto client = http::address_key(http::client_address(req, opt_.trusted_proxies));
    auto in = accounts_.sign_in(f["username"], f["password"], client);
    if (!in) {
      add_errors(fe, in.err(), s);
      return sign_in_form(req, f["username"], fe,
                          in.err().code == errc::too_many_attempts ? http::status::too_many_requests : http::status::unauthorized);
    }
    // A session that came with the request ends: the new one replaces it (no fixation).
    if (auto old = cookie_value(req.header(http::bhttp::field::cookie), eo_.cookie_name); !old.empty())
      (void)accounts_.sign_out(old);
    auto r = see_other(s.link("/"));
    r.set("Set-Cookie", eo_.cookie_name + "=" + in->token + cookie_attrs(req, "28800"));
    return r;
  });
  routes_->post("/dang-xuat", [this, screen_of, cookie_attrs](http::request& req) {
    auto s = screen_of(req);
    std::string token;
    auto who = signed_in(req, &token);
    auto form = parse_form(req.body());
    if (who && form && csrf_ok(req, *form, token)) {
      // A revocation that did not happen is said so (issue 21): clearing the cookie alone would
      // tell the person they are out while a copy of the cookie still works.
      if (auto out = accounts_.sign_out(token); !out)
        return html(page(s, s.t("Chưa đăng xuất được", "Not signed out"), who, csrf_for(token),
                         "<p>" + esc(s.t(out.err().message_vi, out.err().message_en)) + "</p>"),
                    http::status::internal_server_error);
    } else if (who) return html(page(s, s.t("Không thực hiện được", "Not done"), who, csrf_for(token),
                                   "<p>" + s.t("Biểu mẫu không hợp lệ (thiếu mã chống giả mạo).", "Invalid form (missing anti-forgery token).") + "</p>"),
                              http::status::forbidden);
    auto r = see_other(s.link("/dang-nhap"));
    r.set("Set-Cookie", eo_.cookie_name + "=" + cookie_attrs(req, "0"));
    return r;
  });

  // Every other screen: signed in, and every POST with the session's CSRF token.
  auto guarded = [this, screen_of](body_fn fn) {
    return [this, screen_of, fn = std::move(fn)](http::request& req) -> http::response {
      call c;
      c.s = screen_of(req);
      auto who = signed_in(req, &c.token);
      if (!who) return see_other(c.s.link("/dang-nhap"));
      c.who = std::move(*who);
      c.csrf = csrf_for(c.token);
      if (req.method() == http::verb::post) {
        auto form = parse_form(req.body());
        if (!form || !csrf_ok(req, *form, c.token))
          return html(page(c.s, c.s.t("Yêu cầu bị từ chối", "Request refused"), c.who, c.csrf,
                           "<p>" + c.s.t("Biểu mẫu thiếu mã chống giả mạo (CSRF) hợp lệ. Hãy mở lại trang và gửi lại.",
                                         "The form has no valid anti-forgery (CSRF) token. Reload the page and send it again.") +
                               "</p>"),
                      http::status::forbidden);
        c.form = std::move(*form);
      }
      return fn(req, c);
    };
  };
  auto hidden_csrf = [](const call& c) { return "<input type=\"hidden\" name=\"csrf\" value=\"" + esc(c.csrf) + "\">"; };
  auto not_yours = [](call& c) {
    return html(page(c.s, c.s.t("Không có quyền", "Not allowed"), c.who, c.csrf,
                     "<p>" + c.s.t("Tài khoản của bạn không có quyền với nội dung này.",
                                   "Your account has no right over this content.") + "</p>"),
                http::status::forbidden);
  };

  // --- dashboard ---
  routes_->get("/", guarded([this](http::request&, call& c) {
    auto snap = units_->get();
    const auto& tree = snap->tree;
    std::set<std::string> seen_units;
    std::vector<article> mine, waiting, approved, scheduled;
    const auto t = now();
    for (const auto& g : c.who.grants) {
      if (!seen_units.insert(g.unit.value).second) continue;
      for (auto st : {article_state::draft, article_state::submitted, article_state::approved, article_state::published}) {
        store::list_query q;
        q.limit = 50;
        q.where.with_unit(g.unit);
        q.where.state = std::string(to_string(st));
        auto p = db_.list<article>(q);
        if (!p) continue;
        for (auto& a : p->items) {
          if (!may(c.who, trust::action::read, a.unit.value, tree)) continue;
          if (st == article_state::draft && a.author == c.who.id) mine.push_back(a);
          else if (st == article_state::submitted && may(c.who, trust::action::approve_content, a.unit.value, tree)) waiting.push_back(a);
          else if (st == article_state::submitted && a.author == c.who.id) mine.push_back(a);
          else if (st == article_state::approved && may(c.who, trust::action::publish_content, a.unit.value, tree)) approved.push_back(a);
          else if (st == article_state::published && a.published_at && *a.published_at > t) scheduled.push_back(a);
        }
      }
    }
    auto table = [&](std::string_view heading, std::string_view id, const std::vector<article>& xs) {
      std::string h = "<section aria-labelledby=\"" + std::string(id) + "\"><h2 id=\"" + std::string(id) + "\">" +
                      esc(heading) + " (" + std::to_string(xs.size()) + ")</h2>";
      if (xs.empty()) return h + "<p>" + c.s.t("Không có.", "None.") + "</p></section>";
      h += "<table class=\"work\"><thead><tr><th scope=\"col\">" + c.s.t("Tiêu đề", "Title") + "</th><th scope=\"col\">" +
           c.s.t("Đơn vị", "Unit") + "</th><th scope=\"col\">" + c.s.t("Trạng thái", "State") + "</th><th scope=\"col\">" +
           c.s.t("Cập nhật", "Updated") + "</th></tr></thead><tbody>";
      for (const auto& a : xs) {
        const auto* u = units_->get()->tree.find(a.unit.value);
        h += "<tr><td><a href=\"" + esc(c.s.link("/bai-viet/" + a.id.value)) + "\">" + esc(a.title) + "</a></td><td>" +
             esc(u ? u->name : a.unit.value) + "</td><td>" + esc(state_label(a.state, c.s.en)) +
             (a.state == article_state::published && a.published_at ? " " + esc(fmt_time(*a.published_at)) : "") + "</td><td>" +
             esc(fmt_time(a.updated_at)) + "</td></tr>";
      }
      return h + "</tbody></table></section>";
    };
    std::string body = "<p>" + c.s.t("Xin chào, ", "Hello, ") + esc(c.who.display_name) + ".</p>";
    body += table(c.s.t("Bài của tôi đang viết", "My drafts"), "ban-nhap", mine);
    body += table(c.s.t("Chờ tôi duyệt", "Waiting for my approval"), "cho-duyet", waiting);
    body += table(c.s.t("Đã duyệt, chờ đăng", "Approved, to publish"), "cho-dang", approved);
    body += table(c.s.t("Hẹn giờ đăng", "Scheduled"), "hen-gio", scheduled);
    // Questions to answer at the units where this account answers.
    std::size_t open_questions = 0;
    for (const auto& uid : seen_units) {
      if (!may(c.who, trust::action::edit_content, uid, tree)) continue;
      store::list_query q;
      q.limit = 100;
      q.where.unit = uid;
      for (const char* st : {"asked", "accepted"}) {  // waiting for an answer (publish/questions.hpp)
        q.where.state = st;
        if (auto p = db_.list<question>(q)) open_questions += p->items.size();
      }
    }
    body += "<section aria-labelledby=\"cau-hoi\"><h2 id=\"cau-hoi\">" + c.s.t("Câu hỏi cần trả lời", "Questions to answer") + "</h2><p><a href=\"" +
            esc(c.s.link("/cau-hoi")) + "\">" + std::to_string(open_questions) + c.s.t(" câu hỏi đang chờ", " questions waiting") + "</a></p></section>";
    return html(page(c.s, c.s.t("Bảng công việc", "Dashboard"), c.who, c.csrf, body));
  }));

  // --- the article form: new and edit (drafts only) ---
  auto article_form = [this, hidden_csrf](call& c, const article& a, bool is_new, const field_errors& fe,
                                          const std::string& preview) {
    auto snap = units_->get();
    std::string body = errors_box(c.s, fe);
    std::string action = is_new ? c.s.link("/bai-viet/moi") : c.s.link("/bai-viet/" + a.id.value);
    body += "<form method=\"post\" action=\"" + esc(action) + "\" novalidate>" + hidden_csrf(c);
    if (!is_new) body += "<input type=\"hidden\" name=\"version\" value=\"" + std::to_string(a.version) + "\">";
    // Units this account may write for.
    body += "<div class=\"field" + std::string(fe.by_field.count("unit") ? " has-error" : "") + "\"><label for=\"f-unit\">" +
            c.s.t("Đơn vị", "Unit") + "</label>";
    if (auto it = fe.by_field.find("unit"); it != fe.by_field.end())
      body += "<p class=\"field-error\" id=\"f-unit-error\">" + esc(it->second) + "</p>";
    body += "<select id=\"f-unit\" name=\"unit\"" + std::string(fe.by_field.count("unit") ? " aria-describedby=\"f-unit-error\" aria-invalid=\"true\"" : "") + ">";
    std::set<std::string> listed;
    for (const auto& g : c.who.grants)
      for (const auto& u : snap->tree.subtree(g.unit.value)) {
        if (!listed.insert(u.id.value).second || snap->tree.ended(u.id.value)) continue;
        if (!editor_detail::may(c.who, trust::action::edit_content, u.id.value, snap->tree)) continue;
        body += "<option value=\"" + esc(u.id.value) + "\"" + (u.id == a.unit ? " selected" : "") + ">" + esc(u.name) + "</option>";
      }
    body += "</select></div>";
    body += "<div class=\"field\"><label for=\"f-kind\">" + c.s.t("Chuyên mục", "Section") + "</label><select id=\"f-kind\" name=\"kind\">";
    for (auto k : {article_kind::activity_news, article_kind::legal_document_intro, article_kind::question_answer,
                   article_kind::policy_dialogue, article_kind::in_depth, article_kind::publication})
      body += "<option value=\"" + std::string(to_string(k)) + "\"" + (k == a.kind ? " selected" : "") + ">" +
              esc(c.s.en ? label_en(k) : label_vi(k)) + "</option>";
    body += "</select></div>";
    body += input(c.s, fe, "title", c.s.t("Tiêu đề", "Title"), a.title, "text", true);
    body += input(c.s, fe, "summary", c.s.t("Tóm tắt", "Summary"), a.summary, "text");
    body += input(c.s, fe, "body_markdown", c.s.t("Nội dung (Markdown)", "Body (Markdown)"), a.body_markdown, "textarea", true,
                  c.s.t("Viết theo cú pháp Markdown: **đậm**, *nghiêng*, danh sách bắt đầu bằng \"- \".",
                        "Markdown: **bold**, *italic*, lists start with \"- \"."));
    body += input(c.s, fe, "byline", c.s.t("Tác giả hiển thị (không bắt buộc)", "Byline (optional)"), a.byline.value_or(""), "text");
    if (eo_.media) body += editor_detail::cover_field(c.s, fe, editor_detail::editable_images(db_, c.who, snap->tree), a.cover);
    body += "<p><button type=\"submit\" name=\"do\" value=\"save\">" + c.s.t("Lưu bản nháp", "Save draft") +
            "</button> <button type=\"submit\" name=\"do\" value=\"preview\">" + c.s.t("Xem trước", "Preview") + "</button></p></form>";
    body += "<section aria-labelledby=\"xem-truoc\"><h2 id=\"xem-truoc\">" + c.s.t("Xem trước", "Preview") +
            "</h2><div class=\"preview\" id=\"live-preview\" aria-live=\"polite\" data-url=\"" + esc(c.s.link("/xem-truoc")) +
            "\" data-csrf=\"" + esc(c.csrf) + "\">" + preview + "</div></section>";
    return body;
  };
  auto render_preview = [](std::string_view md) -> std::string {
    article probe;
    probe.body_markdown = std::string(md);
    if (auto h = publish::render_html(probe); h && probe.body_html) return *probe.body_html;
    return "<p>" + esc(md) + "</p>";
  };
  routes_->post("/xem-truoc", guarded([render_preview](http::request&, call& c) {
    auto r = html(render_preview(c.form["body_markdown"]));
    return r;
  }));
  // The form's fields into an article (what the person typed, kept even when it fails checks).
  auto read_form = [](call& c, article& a) {
    a.unit = unit_id{c.form["unit"]};
    if (auto k = enum_from_string<article_kind>(c.form["kind"])) a.kind = *k;
    a.title = c.form["title"];
    a.summary = c.form["summary"];
    a.body_markdown = c.form["body_markdown"];
    a.category = std::string(label_vi(a.kind));
    a.byline = c.form["byline"].empty() ? std::nullopt : std::optional<std::string>(c.form["byline"]);
    if (c.form.count("cover")) a.cover = c.form["cover"].empty() ? std::nullopt : std::optional<media_id>(media_id{c.form["cover"]});
  };
  // Saves a draft: the unit must be one this account writes for (today's hierarchy), the article
  // must pass the model's checks, and the write goes through the store with the account as actor.
  auto save = [this](call& c, article& a, bool is_new, field_errors& fe) -> bool {
    auto snap = units_->get();
    if (!editor_detail::may(c.who, trust::action::edit_content, a.unit.value, snap->tree) || snap->tree.ended(a.unit.value)) {
      fe.by_field["unit"] = c.s.t("Bạn không viết bài cho đơn vị này", "You do not write for this unit");
      return false;
    }
    // A cover is an image of the article's own unit.
    if (a.cover) {
      auto m = db_.get<media_asset>(a.cover->value);
      if (!m || m->unit != a.unit || m->type != media_type::image) {
        fe.by_field["cover"] = c.s.t("Ảnh bìa phải là ảnh của chính đơn vị viết bài", "The cover must be an image of the article's unit");
        return false;
      }
    }
    if (a.slug.empty()) a.slug = make_slug(a.title);
    a.updated_at = now();
    if (is_new) {
      a.created_at = a.updated_at;
      a.author = c.who.id;
      a.state = article_state::draft;
    } else {
      ++a.revision;
      // A change of content by someone other than the author is logged: they may not approve it.
      if (c.who.id != a.author) {
        a.workflow.push_back({"edit", a.state, a.state, c.who.id, a.updated_at, {}});
        while (a.workflow.size() > 200) a.workflow.erase(a.workflow.begin());
      }
    }
    if (auto h = publish::render_html(a); !h) {
      add_errors(fe, h.err(), c.s);
      return false;
    }
    auto w = is_new ? db_.create(a, c.who.id.value) : db_.update(a, c.who.id.value);
    if (!w) {
      if (w.err().code == errc::conflict)
        fe.general = c.s.t("Bài đã được người khác sửa trong lúc bạn viết. Hãy mở lại bài rồi sửa tiếp.",
                           "Someone else changed the article while you were writing. Open it again and redo your change.");
      else
        add_errors(fe, w.err(), c.s);
      return false;
    }
    a = *w;
    return true;
  };
  routes_->get("/bai-viet/moi", guarded([article_form](http::request&, call& c) {
    article a;
    return html(page(c.s, c.s.t("Viết bài mới", "New article"), c.who, c.csrf, article_form(c, a, true, {}, {})));
  }));
  routes_->post("/bai-viet/moi", guarded([article_form, read_form, save, render_preview](http::request&, call& c) {
    article a;
    read_form(c, a);
    field_errors fe;
    if (c.form["do"] == "preview")
      return html(page(c.s, c.s.t("Viết bài mới", "New article"), c.who, c.csrf, article_form(c, a, true, fe, render_preview(a.body_markdown))));
    if (!save(c, a, true, fe))
      return html(page(c.s, c.s.t("Viết bài mới", "New article"), c.who, c.csrf, article_form(c, a, true, fe, {})),
                  http::status::unprocessable_entity);
    return see_other(c.s.link("/bai-viet/" + a.id.value));
  }));

  // --- one article: its form (a draft) or its content, the workflow steps and their log ---
  auto article_screen = [this, article_form, hidden_csrf](call& c, const article& a, const field_errors& fe,
                                                          const std::string& preview, const std::string& notice) {
    auto snap = units_->get();
    const auto& tree = snap->tree;
    std::string body;
    if (!notice.empty()) body += "<p class=\"notice\" role=\"status\">" + esc(notice) + "</p>";
    body += "<p>" + c.s.t("Trạng thái: ", "State: ") + "<strong>" + esc(editor_detail::state_label(a.state, c.s.en)) + "</strong>";
    if (a.state == article_state::published && a.published_at)
      body += (a.published_at > now() ? c.s.t(", hẹn đăng lúc ", ", scheduled for ") : c.s.t(", đăng lúc ", ", published ")) +
              esc(editor_detail::fmt_time(*a.published_at)) + " <a href=\"" + esc(c.s.portal) + "/don-vi/" + esc(a.unit.value) +
              "/pbgdpl/bai-viet/" + esc(a.id.value) + "\">" + c.s.t("Xem trang công khai", "View the public page") + "</a>";
    body += " · " + c.s.t("Phiên bản ", "Revision ") + std::to_string(a.revision) + " · <a href=\"" +
            esc(c.s.link("/bai-viet/" + a.id.value + "/lich-su")) + "\">" + c.s.t("Các lần sửa", "Revisions") + "</a></p>";
    const bool can_edit = editor_detail::may(c.who, trust::action::edit_content, a.unit.value, tree);
    if (publish::content_editable(a.state) && can_edit) {
      body += errors_box(c.s, fe).empty() ? "" : "";
      body += article_form(c, a, false, fe, preview);
    } else {
      if (!fe.empty()) body += errors_box(c.s, fe);
      body += "<h2>" + esc(a.title) + "</h2><p><em>" + esc(a.summary) + "</em></p><div class=\"preview\">" +
              a.body_html.value_or("<p>" + esc(a.body_markdown) + "</p>") + "</div>";
    }
    // The steps this account may take now.
    std::string actions;
    for (auto st : publish::steps_from(a.state)) {
      const auto* rule = publish::find_rule(st, a.state);
      if (!editor_detail::may(c.who, rule->needs, a.unit.value, tree)) continue;
      if (st == publish::step::approve && !publish::may_approve(a, c.who.id)) continue;  // four eyes
      std::string f = "<form method=\"post\" action=\"" + esc(c.s.link("/bai-viet/" + a.id.value + "/buoc")) + "\" novalidate>" + hidden_csrf(c) +
                      "<input type=\"hidden\" name=\"version\" value=\"" + std::to_string(a.version) + "\">" +
                      "<input type=\"hidden\" name=\"step\" value=\"" + std::string(to_string(st)) + "\">";
      const std::string id = "b-" + std::string(to_string(st));
      if (st == publish::step::reject)
        f += editor_detail::input(c.s, fe, "comment", c.s.t("Lý do trả lại", "Reason for returning it"), "", "textarea", true);
      if (st == publish::step::approve)
        f += editor_detail::input(c.s, fe, "password", c.s.t("Mật khẩu của bạn (để ký phê duyệt)", "Your password (to sign the approval)"),
                                  "", "password", true);
      if (st == publish::step::publish)
        f += editor_detail::input(c.s, fe, "publish_at", c.s.t("Hẹn giờ đăng (để trống: đăng ngay)", "Publish at (empty: now)"), "",
                                  "datetime-local", false, c.s.t("Giờ Hà Nội", "Hà Nội time"));
      f += "<button type=\"submit\" id=\"" + id + "\">" + esc(c.s.en ? label_en(st) : label_vi(st)) + "</button></form>";
      actions += f;
    }
    if (!actions.empty())
      body += "<section aria-labelledby=\"buoc\" class=\"actions\"><h2 id=\"buoc\">" + c.s.t("Quy trình", "Workflow") + "</h2>" + actions + "</section>";
    // Approvals kept with the article, checked now against its current content.
    store::list_query q;
    q.limit = 20;
    q.where.category = a.id.value;
    if (auto p = db_.list<approval_record>(q); p && !p->items.empty()) {
      body += "<section aria-labelledby=\"phe-duyet\"><h2 id=\"phe-duyet\">" + c.s.t("Phê duyệt đã ký", "Signed approvals") + "</h2><ul>";
      for (const auto& r : p->items) {
        std::string verdict;
        std::string approver = r.approver_unit.value;
        if (const auto* u = tree.find(r.approver_unit.value)) approver = u->name;
        body += "<li>" + esc(approver) + " (" + esc(c.s.en ? label_en(r.approver_role) : label_vi(r.approver_role)) + "), " +
                esc(editor_detail::fmt_time(r.valid_from)) + ", " + c.s.t("khóa ", "key ") + esc(r.key_id) + ", " + esc(r.note) + "</li>";
      }
      body += "</ul></section>";
    }
    if (!a.workflow.empty()) {
      body += "<section aria-labelledby=\"nhat-ky\"><h2 id=\"nhat-ky\">" + c.s.t("Nhật ký duyệt", "Workflow log") + "</h2><ol>";
      for (const auto& e : a.workflow) {
        auto s = enum_from_string<publish::step>(e.step);
        body += "<li>" + esc(editor_detail::fmt_time(e.at)) + ": " + esc(s ? std::string(c.s.en ? label_en(*s) : label_vi(*s)) : e.step) +
                " (" + esc(e.by.value) + ")" + (e.comment.empty() ? "" : ": " + esc(e.comment)) + "</li>";
      }
      body += "</ol></section>";
    }
    return html(page(c.s, publish::content_editable(a.state) && can_edit ? c.s.t("Sửa bài", "Edit article") : a.title, c.who, c.csrf, body),
                fe.empty() ? http::status::ok : http::status::unprocessable_entity);
  };
  // The article, when this account may read it at its unit; else the same 404 an unknown id gets.
  auto load = [this](call& c, const std::string& id) -> std::optional<article> {
    auto a = db_.get<article>(id);
    if (!a) return std::nullopt;
    if (!editor_detail::may(c.who, trust::action::read, a->unit.value, units_->get()->tree)) return std::nullopt;
    return std::move(*a);
  };
  auto missing = [](call& c) {
    return html(page(c.s, c.s.t("Không tìm thấy", "Not found"), c.who, c.csrf,
                     "<p>" + c.s.t("Không có bài này, hoặc bạn không có quyền xem.", "No such article, or you may not see it.") + "</p>"),
                http::status::not_found);
  };
  routes_->get("/bai-viet/{id}", guarded([load, missing, article_screen](http::request& req, call& c) {
    auto a = load(c, std::string(req.param("id")));
    if (!a) return missing(c);
    std::string notice;
    if (auto n = req.query("da"); n && *n == "luu") notice = c.s.t("Đã lưu.", "Saved.");
    return article_screen(c, *a, {}, {}, notice);
  }));
  routes_->post("/bai-viet/{id}", guarded([this, load, missing, not_yours, read_form, save, article_screen, render_preview](http::request& req, call& c) {
    auto a = load(c, std::string(req.param("id")));
    if (!a) return missing(c);
    if (!editor_detail::may(c.who, trust::action::edit_content, a->unit.value, units_->get()->tree)) return not_yours(c);
    field_errors fe;
    if (!publish::content_editable(a->state)) {
      fe.general = c.s.t("Chỉ sửa được bản nháp. Hãy rút bài lại hoặc mở lại thành bản nháp trước.",
                         "Only a draft can be edited. Withdraw it or reopen it as a draft first.");
      return article_screen(c, *a, fe, {}, {});
    }
    if (c.form["version"] != std::to_string(a->version)) {
      fe.general = c.s.t("Bài đã được người khác sửa trong lúc bạn viết. Đây là bản mới nhất; hãy sửa lại.",
                         "Someone else changed the article while you were writing. This is the latest; redo your change.");
      return article_screen(c, *a, fe, {}, {});
    }
    article edited = *a;
    read_form(c, edited);
    if (c.form["do"] == "preview") return article_screen(c, edited, fe, render_preview(edited.body_markdown), {});
    if (!save(c, edited, false, fe)) return article_screen(c, edited, fe, {}, {});
    return see_other(c.s.link("/bai-viet/" + edited.id.value) + (c.s.en ? "&" : "?") + "da=luu");
  }));

  // --- a workflow step ---
  routes_->post("/bai-viet/{id}/buoc", guarded([this, load, missing, not_yours, article_screen](http::request& req, call& c) {
    auto a = load(c, std::string(req.param("id")));
    if (!a) return missing(c);
    auto st = enum_from_string<publish::step>(c.form["step"]);
    field_errors fe;
    if (!st) {
      fe.general = c.s.t("Bước không hợp lệ", "Unknown step");
      return article_screen(c, *a, fe, {}, {});
    }
    const auto* rule = publish::find_rule(*st, a->state);
    auto snap = units_->get();
    if (rule && !editor_detail::may(c.who, rule->needs, a->unit.value, snap->tree)) return not_yours(c);
    if (*st == publish::step::approve && !publish::may_approve(*a, c.who.id)) {
      fe.general = c.s.t("Người đã viết, sửa hoặc gửi duyệt bài không tự duyệt bài đó.",
                         "Whoever wrote, changed or submitted an article does not approve it.");
      return article_screen(c, *a, fe, {}, {});
    }
    if (c.form["version"] != std::to_string(a->version)) {
      fe.general = c.s.t("Bài vừa được người khác thay đổi. Hãy xem lại rồi làm lại.", "The article just changed. Check it and try again.");
      return article_screen(c, *a, fe, {}, {});
    }
    const auto t = now();
    std::optional<timestamp> at;
    if (*st == publish::step::publish && !c.form["publish_at"].empty()) {
      at = editor_detail::parse_local_input(c.form["publish_at"]);
      if (!at) {
        fe.by_field["publish_at"] = c.s.t("Thời điểm không hợp lệ (dạng 2026-12-01T08:30)", "Invalid time (like 2026-12-01T08:30)");
        return article_screen(c, *a, fe, {}, {});
      }
    }
    article next = *a;
    auto tr = publish::apply(next, *st, t, c.form["comment"], at);
    if (!tr) {
      editor_detail::add_errors(fe, tr.err(), c.s);
      return article_screen(c, *a, fe, {}, {});
    }
    std::optional<approval_record> approval;
    if (*st == publish::step::approve) {
      auto key = accounts_.approval_key(c.who.id, c.form["password"]);
      if (!key) {
        editor_detail::add_errors(fe, key.err(), c.s);
        return article_screen(c, *a, fe, {}, {});
      }
      // The approver's role at this article's unit: the highest approver grant that covers it.
      role r = role::school_approver;
      unit_id at_unit = a->unit;
      for (const auto& g : c.who.grants)
        if (is_approver_role(g.r) && trust::allowed(g, trust::action::approve_content, a->unit, snap->tree)) {
          r = g.r;
          at_unit = g.unit;
          break;
        }
      store::list_query q;
      q.limit = 1;
      q.where.category = a->id.value;
      std::uint64_t seq = 1;
      if (auto p = db_.list<approval_record>(q); p && !p->items.empty()) seq = p->items.front().sequence + 1;
      auto signed_approval = publish::sign_article_approval(next, *key, r, at_unit, t, seq, eo_.approval_validity);
      if (!signed_approval) {
        editor_detail::add_errors(fe, signed_approval.err(), c.s);
        return article_screen(c, *a, fe, {}, {});
      }
      approval = std::move(*signed_approval);
      approval->approver = c.who.id;
    }
    workflow_event e{std::string(to_string(*st)), tr->from, tr->to, c.who.id, t, tr->comment};
    next.workflow.push_back(std::move(e));
    if (next.workflow.size() > 200) next.workflow.erase(next.workflow.begin());
    next.updated_at = t;
    // The step and its approval commit together: no approved article without its signature.
    auto w = db_.transaction([&]() -> result<void> {
      auto u = db_.update(next, c.who.id.value);
      if (!u) return u.err();
      if (approval) {
        auto ap = db_.create(*approval, c.who.id.value);
        if (!ap) return ap.err();
      }
      return {};
    });
    if (!w) {
      editor_detail::add_errors(fe, w.err(), c.s);
      return article_screen(c, *a, fe, {}, {});
    }
    return see_other(c.s.link("/bai-viet/" + a->id.value));
  }));

  // --- revisions: the audit log's earlier versions, a diff with the current, and restore ---
  routes_->get("/bai-viet/{id}/lich-su", guarded([this, load, missing, hidden_csrf](http::request& req, call& c) {
    auto a = load(c, std::string(req.param("id")));
    if (!a) return missing(c);
    // The 30 newest writes (the audit log answers newest first): a page of bounded size.
    auto log = db_.audit_log("article", a->id.value, 30);
    std::string body = "<p><a href=\"" + esc(c.s.link("/bai-viet/" + a->id.value)) + "\">" + c.s.t("Trở lại bài", "Back to the article") + "</a></p>";
    if (!log || log->empty()) body += "<p>" + c.s.t("Chưa có lần sửa nào.", "No revisions yet.") + "</p>";
    else {
      body += "<ol>";
      std::uint64_t diff_budget = 20'000'000;  // comparison cells for the whole page
      for (auto it = log->begin(); it != log->end(); ++it) {
        if (it->previous.is_null()) continue;
        auto prev = from_json_value<article>(it->previous);
        if (!prev) continue;
        body += "<li><h2>" + c.s.t("Trước lần ghi lúc ", "Before the write at ") + esc(editor_detail::fmt_time(it->at)) + " (" +
                esc(it->actor) + ", " + c.s.t("phiên bản ", "revision ") + std::to_string(prev->revision) + ", " +
                esc(editor_detail::state_label(prev->state, c.s.en)) + ")</h2>";
        if (prev->title != a->title) body += "<p>" + c.s.t("Tiêu đề: ", "Title: ") + "<del>" + esc(prev->title) + "</del> → <ins>" + esc(a->title) + "</ins></p>";
        body += editor_detail::line_diff(prev->body_markdown, a->body_markdown, diff_budget);
        if (publish::content_editable(a->state) && editor_detail::may(c.who, trust::action::edit_content, a->unit.value, units_->get()->tree))
          body += "<form method=\"post\" action=\"" + esc(c.s.link("/bai-viet/" + a->id.value + "/khoi-phuc")) + "\">" + hidden_csrf(c) +
                  "<input type=\"hidden\" name=\"seq\" value=\"" + std::to_string(it->seq) + "\"><input type=\"hidden\" name=\"version\" value=\"" +
                  std::to_string(a->version) + "\"><button type=\"submit\">" + c.s.t("Khôi phục nội dung này", "Restore this content") + "</button></form>";
        body += "</li>";
      }
      body += "</ol>";
    }
    return html(page(c.s, c.s.t("Các lần sửa: ", "Revisions: ") + a->title, c.who, c.csrf, body));
  }));
  routes_->post("/bai-viet/{id}/khoi-phuc", guarded([this, load, missing, not_yours, save, article_screen](http::request& req, call& c) {
    auto a = load(c, std::string(req.param("id")));
    if (!a) return missing(c);
    if (!editor_detail::may(c.who, trust::action::edit_content, a->unit.value, units_->get()->tree)) return not_yours(c);
    field_errors fe;
    if (!publish::content_editable(a->state) || c.form["version"] != std::to_string(a->version)) {
      fe.general = c.s.t("Chỉ khôi phục vào bản nháp mới nhất.", "Restore only into the latest draft.");
      return article_screen(c, *a, fe, {}, {});
    }
    auto log = db_.audit_log("article", a->id.value, 100);
    std::optional<article> old;
    if (log)
      for (const auto& e : *log)
        if (std::to_string(e.seq) == c.form["seq"] && !e.previous.is_null())
          if (auto p = from_json_value<article>(e.previous)) old = std::move(*p);
    if (!old) return article_screen(c, *a, fe, {}, {});
    article next = *a;  // only the content comes back: state, log and unit stay
    next.title = old->title;
    next.summary = old->summary;
    next.body_markdown = old->body_markdown;
    next.byline = old->byline;
    next.kind = old->kind;
    next.category = old->category;
    if (!save(c, next, false, fe)) return article_screen(c, *a, fe, {}, {});
    return see_other(c.s.link("/bai-viet/" + next.id.value));
  }));

  // --- questions: moderate, answer, publish ---
  routes_->get("/cau-hoi", guarded([this](http::request&, call& c) {
    auto snap = units_->get();
    std::string body;
    std::set<std::string> seen;
    std::string rows;
    for (const auto& g : c.who.grants) {
      if (!seen.insert(g.unit.value).second) continue;
      for (const char* st : {"asked", "accepted", "answered"}) {
        store::list_query q;
        q.limit = 100;
        q.where.with_unit(g.unit);
        q.where.state = st;
        auto p = db_.list<question>(q);
        if (!p) continue;
        for (const auto& x : p->items) {
          if (!editor_detail::may(c.who, trust::action::edit_content, x.unit.value, snap->tree)) continue;
          rows += "<tr><td><a href=\"" + esc(c.s.link("/cau-hoi/" + x.id.value)) + "\">" + esc(x.title) + "</a></td><td>" +
                  esc(c.s.en ? label_en(x.state) : label_vi(x.state)) + "</td><td>" + esc(editor_detail::fmt_time(x.asked_at)) + "</td></tr>";
        }
      }
    }
    if (rows.empty()) body += "<p>" + c.s.t("Không có câu hỏi nào đang chờ.", "No questions waiting.") + "</p>";
    else
      body += "<table class=\"work\"><thead><tr><th scope=\"col\">" + c.s.t("Câu hỏi", "Question") + "</th><th scope=\"col\">" +
              c.s.t("Trạng thái", "State") + "</th><th scope=\"col\">" + c.s.t("Gửi lúc", "Asked") + "</th></tr></thead><tbody>" + rows +
              "</tbody></table>";
    return html(page(c.s, c.s.t("Câu hỏi cần xử lý", "Questions to handle"), c.who, c.csrf, body));
  }));
  auto question_screen = [this, hidden_csrf](call& c, const question& x, const field_errors& fe, std::string_view answer) {
    std::string body = errors_box(c.s, fe);
    body += "<p>" + c.s.t("Trạng thái: ", "State: ") + "<strong>" + esc(c.s.en ? label_en(x.state) : label_vi(x.state)) + "</strong></p>";
    body += "<h2>" + c.s.t("Câu hỏi", "Question") + "</h2><p>" + esc(x.asker_name) + ", " + esc(editor_detail::fmt_time(x.asked_at)) +
            "</p><div class=\"preview\">" + x.body_html.value_or("<p>" + esc(x.body) + "</p>") + "</div>";
    const std::string action = esc(c.s.link("/cau-hoi/" + x.id.value));
    const std::string head = "<form method=\"post\" action=\"" + action + "\" novalidate>" + hidden_csrf(c) +
                             "<input type=\"hidden\" name=\"version\" value=\"" + std::to_string(x.version) + "\">";
    if (x.state != question_state::rejected && x.state != question_state::published) {
      body += "<section aria-labelledby=\"tra-loi\"><h2 id=\"tra-loi\">" + c.s.t("Trả lời", "Answer") + "</h2>" + head +
              editor_detail::input(c.s, fe, "answer_markdown", c.s.t("Câu trả lời (Markdown)", "Answer (Markdown)"),
                                   answer.empty() ? std::string_view(x.answer_markdown) : answer, "textarea", true) +
              "<button type=\"submit\" name=\"do\" value=\"answer\">" + c.s.t("Lưu câu trả lời", "Save the answer") + "</button></form></section>";
    }
    if (x.state == question_state::answered && editor_detail::may(c.who, trust::action::publish_content, x.unit.value, units_->get()->tree))
      body += head + "<button type=\"submit\" name=\"do\" value=\"publish\">" + c.s.t("Công bố hỏi đáp", "Publish the Q&A") + "</button></form>";
    if (x.state == question_state::asked)
      body += head + "<button type=\"submit\" name=\"do\" value=\"accept\">" + c.s.t("Tiếp nhận câu hỏi", "Accept the question") +
              "</button></form>";
    if (x.state == question_state::asked || x.state == question_state::accepted)
      body += "<section aria-labelledby=\"tu-choi\"><h2 id=\"tu-choi\">" + c.s.t("Không tiếp nhận", "Decline") + "</h2>" + head +
              editor_detail::input(c.s, fe, "rejection_reason", c.s.t("Lý do", "Reason"), "", "text", true) +
              "<button type=\"submit\" name=\"do\" value=\"reject\">" + c.s.t("Không tiếp nhận", "Decline") + "</button></form></section>";
    return html(page(c.s, x.title, c.who, c.csrf, body), fe.empty() ? http::status::ok : http::status::unprocessable_entity);
  };
  routes_->get("/cau-hoi/{id}", guarded([this, question_screen](http::request& req, call& c) {
    auto x = db_.get<question>(std::string(req.param("id")));
    if (!x || !editor_detail::may(c.who, trust::action::edit_content, x->unit.value, units_->get()->tree))
      return html(page(c.s, c.s.t("Không tìm thấy", "Not found"), c.who, c.csrf, "<p>" + c.s.t("Không có câu hỏi này, hoặc bạn không có quyền.", "No such question, or you may not handle it.") + "</p>"),
                  http::status::not_found);
    return question_screen(c, *x, {}, {});
  }));
  routes_->post("/cau-hoi/{id}", guarded([this, question_screen, not_yours](http::request& req, call& c) {
    auto x = db_.get<question>(std::string(req.param("id")));
    auto snap = units_->get();
    if (!x || !editor_detail::may(c.who, trust::action::edit_content, x->unit.value, snap->tree)) return not_yours(c);
    field_errors fe;
    if (c.form["version"] != std::to_string(x->version)) {
      fe.general = c.s.t("Câu hỏi vừa được người khác xử lý.", "Someone else just handled this question.");
      return question_screen(c, *x, fe, {});
    }
    const auto t = now();
    question next = *x;
    const auto& what = c.form["do"];
    // Which steps a state allows, and what each sets, are the workflow's (publish/questions.hpp);
    // this screen asks for the text each needs and the right to publish.
    std::optional<publish::question_step> step;
    std::string text;
    if (what == "accept") {
      step = publish::question_step::accept;
    } else if (what == "answer") {
      step = publish::question_step::answer;
      text = c.form["answer_markdown"];
      if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
        fe.by_field["answer_markdown"] = c.s.t("Hãy viết câu trả lời", "Write the answer");
        return question_screen(c, *x, fe, text);
      }
    } else if (what == "publish") {
      step = publish::question_step::publish;
      if (!editor_detail::may(c.who, trust::action::publish_content, x->unit.value, snap->tree)) return not_yours(c);
    } else if (what == "reject") {
      step = publish::question_step::reject;
      text = c.form["rejection_reason"];
      if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
        fe.by_field["rejection_reason"] = c.s.t("Hãy ghi lý do", "Give a reason");
        return question_screen(c, *x, fe, {});
      }
    } else {
      fe.general = c.s.t("Thao tác không hợp lệ", "Unknown action");
      return question_screen(c, *x, fe, {});
    }
    if (auto ok = publish::apply(next, *step, c.who.id, t, text); !ok) {
      fe.general = c.s.t(ok.err().message_vi, ok.err().message_en);
      return question_screen(c, *x, fe, what == "answer" ? std::string_view(text) : std::string_view());
    }
    if (auto h = publish::render_html(next); !h) {
      editor_detail::add_errors(fe, h.err(), c.s);
      return question_screen(c, *x, fe, c.form["answer_markdown"]);
    }
    auto w = db_.update(next, c.who.id.value);
    if (!w) {
      editor_detail::add_errors(fe, w.err(), c.s);
      return question_screen(c, *x, fe, c.form["answer_markdown"]);
    }
    return see_other(c.s.link("/cau-hoi/" + x->id.value));
  }));

  build_documents(guarded);
  build_media();
  build_banner();
  build_dialogues(guarded);
  build_signage(guarded);
  build_reports(guarded);
  build_training(guarded);
}

}  // namespace portal
PBGDPL_NAMESPACE_END
