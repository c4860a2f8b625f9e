// The editor's "Tập huấn và kênh truyền thông" screen (issue 17 item 2): the courses of the
// account's units with their attendance counts, who attended (and marking completion), the units'
// channels and hotline and the posts made on them; forms to add each. The yearly report counts
// these (reports/indicators.hpp). Rights as the API's (impl/api_training.ipp): edit_content at the
// record's unit, an attendance of a course of its unit or a unit above, a post on its unit's own
// channel. Included by impl/editor.ipp; editor::build() calls build_training().
#pragma once
#include "api_training.ipp"

#include <map>
#include <set>

PBGDPL_NAMESPACE_BEGIN
namespace portal {
namespace editor_detail {

inline std::string mode_label(training_mode m, bool en) {
  switch (m) {
    case training_mode::online: return en ? "Online" : "Trực tuyến";
    case training_mode::in_person: return en ? "In person" : "Trực tiếp";
    case training_mode::blended: return en ? "Blended" : "Kết hợp";
  }
  return {};
}

inline std::string attendance_label(attendance_status st, bool en) {
  switch (st) {
    case attendance_status::registered: return en ? "Registered" : "Đã đăng ký";
    case attendance_status::attended: return en ? "Attended" : "Đã tham dự";
    case attendance_status::completed: return en ? "Completed" : "Đã hoàn thành";
    case attendance_status::absent: return en ? "Absent" : "Vắng mặt";
  }
  return {};
}

// The model's errors (paths "/title", ...) next to the fields of one form, whose names carry a
// prefix ("c_title"): the page holds several forms, and ids must stay unique.
inline void add_prefixed(field_errors& fe, const error& e, const screen& s, std::string_view prefix) {
  field_errors raw;
  add_errors(raw, e, s);
  for (auto& [k, v] : raw.by_field) fe.by_field.emplace(std::string(prefix) + k, std::move(v));
  if (!raw.general.empty()) fe.general += (fe.general.empty() ? "" : " ") + raw.general;
}

inline std::string trim_line(std::string s) {
  if (auto n = text::nfc(s)) s = std::move(*n);
  auto b = s.find_first_not_of(" \t\r\n");
  auto e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

}  // namespace editor_detail

PBGDPL_DECL void editor::build_training(const editor_detail::guard_fn& guarded) {
  using namespace editor_detail;
  // The units where the account may write these records (its grants' subtrees, still active).
  auto units_of = [this](const account& who) {
    auto snap = units_->get();
    std::vector<const unit*> out;
    std::set<std::string> seen;
    for (const auto& g : who.grants)
      for (const auto& u : snap->tree.subtree(g.unit.value)) {
        if (out.size() >= 200) break;
        if (seen.insert(u.id.value).second && !snap->tree.ended(u.id.value) &&
            may(who, trust::action::edit_content, u.id.value, snap->tree))
          out.push_back(&u);
      }
    return std::make_pair(snap, out);
  };
  // Up to `cap` records of a kind by a filter, oldest first.
  auto list_some = [this]<class T>(std::type_identity<T>, store::filter where, std::size_t cap) {
    std::vector<T> out;
    store::list_query q;
    q.where = std::move(where);
    q.limit = 100;
    while (out.size() < cap) {
      auto p = db_.list<T>(q);
      if (!p) break;
      for (auto& x : p->items) out.push_back(std::move(x));
      if (p->next_cursor.empty()) break;
      q.cursor = p->next_cursor;
    }
    return out;
  };

  auto render = [this, units_of, list_some](call& c, const field_errors& fe, const std::string& notice, http::status st) {
    const auto& s = c.s;
    auto& f = c.form;
    auto [snap, units] = units_of(c.who);
    const auto& tree = snap->tree;
    const std::string title = s.t("Tập huấn và kênh truyền thông", "Training and channels");
    std::string body;
    if (!notice.empty()) body += "<div class=\"notice\" role=\"status\">" + notice + "</div>";
    body += errors_box(s, fe);
    body += "<p>" + s.t("Các khóa tập huấn, người tham dự, kênh truyền thông và đường dây nóng của đơn vị. Báo cáo định kỳ "
                        "đếm số khóa, số buổi, số người đã được tập huấn và số bài đăng từ các bản ghi này.",
                        "Your units' training courses, participants, channels and hotline. The yearly report counts courses, "
                        "sessions, trained staff and posts from these records.") + "</p>";
    if (units.empty()) {
      body += "<p>" + s.t("Tài khoản của bạn không ghi được nội dung của đơn vị nào.", "Your account writes no unit's content.") + "</p>";
      return html(page(s, title, c.who, c.csrf, body), st);
    }
    const auto hidden = "<input type=\"hidden\" name=\"csrf\" value=\"" + esc(c.csrf) + "\">";
    auto unit_name = [&](const unit_id& u) {
      auto n = tree.name(u.value);
      return esc(n.empty() ? std::string_view(u.value) : n);
    };
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
        h += "<option value=\"" + esc(value) + "\"" + (f.count(name) && value == f[name] ? " selected" : "") + ">" + esc(shown) + "</option>";
      return h + "</select></div>";
    };
    std::vector<std::pair<std::string, std::string>> unit_options;
    for (const auto* u : units) unit_options.emplace_back(u->id.value, u->name);
    // A value that does not parse is shown again as typed, in a text box: a date or number box may
    // only hold a valid one.
    auto date_type = [&](const std::string& name) { return f[name].empty() || parse_date(f[name]) ? "date" : "text"; };
    auto number_type = [&](const std::string& name) {
      int n = 0;
      return f[name].empty() || pbgdpl::detail::parse_int(f[name], n) || (f[name][0] == '-' && pbgdpl::detail::parse_int(f[name].substr(1), n))
                 ? "number"
                 : "text";
    };

    // Courses of the units, and those of the units above them (their staff attend those too).
    std::vector<training_course> courses, offered;
    std::set<std::string> seen_courses;
    for (const auto* u : units) {
      store::filter w;
      w.unit = u->id.value;
      w.include_descendants = false;
      for (auto& x : list_some(std::type_identity<training_course>{}, w, 500))
        if (seen_courses.insert(x.id.value).second) courses.push_back(std::move(x));
    }
    offered = courses;
    std::set<std::string> seen_above;
    for (const auto* u : units)
      for (const auto* a : tree.ancestors(u->id.value)) {
        if (!seen_above.insert(a->id.value).second) continue;
        store::filter w;
        w.unit = a->id.value;
        w.include_descendants = false;
        for (auto& x : list_some(std::type_identity<training_course>{}, w, 200))
          if (seen_courses.insert(x.id.value).second) offered.push_back(std::move(x));
      }
    // Who attended: the units' people, and everyone recorded in the units' own courses.
    std::vector<attendance> people;
    std::set<std::string> seen_people;
    auto keep = [&](std::vector<attendance> xs) {
      for (auto& x : xs)
        if (seen_people.insert(x.id.value).second) people.push_back(std::move(x));
    };
    for (const auto* u : units) {
      store::filter w;
      w.unit = u->id.value;
      w.include_descendants = false;
      keep(list_some(std::type_identity<attendance>{}, w, 1000));
    }
    for (const auto& co : courses) {
      store::filter w;
      w.category = co.id.value;
      keep(list_some(std::type_identity<attendance>{}, w, 1000));
    }
    std::map<std::string, std::pair<std::size_t, std::size_t>> counts;  // course → (people, trained)
    std::map<std::string, std::string> course_titles;
    for (const auto& co : offered) course_titles[co.id.value] = co.title;
    for (const auto& a : people) {
      auto& n = counts[a.course.value];
      ++n.first;
      if (is_trained(a)) ++n.second;
    }

    body += "<h2>" + s.t("Khóa tập huấn", "Training courses") + "</h2>";
    if (courses.empty()) {
      body += "<p>" + s.t("Chưa có khóa tập huấn nào.", "No training courses yet.") + "</p>";
    } else {
      body += "<table class=\"work\"><caption>" + s.t("Khóa tập huấn của đơn vị và số người tham dự", "Your units' courses and their participants") +
              "</caption><thead><tr><th scope=\"col\">" + s.t("Khóa", "Course") + "</th><th scope=\"col\">" + s.t("Đơn vị", "Unit") +
              "</th><th scope=\"col\">" + s.t("Hình thức", "Mode") + "</th><th scope=\"col\">" + s.t("Thời gian", "Dates") + "</th><th scope=\"col\">" +
              s.t("Số giờ", "Hours") + "</th><th scope=\"col\">" + s.t("Số buổi", "Sessions") + "</th><th scope=\"col\">" +
              s.t("Người tham dự (đã được tập huấn)", "Participants (trained)") + "</th></tr></thead><tbody>";
      for (const auto& co : courses) {
        auto n = counts[co.id.value];
        body += "<tr><td>" + esc(co.title) + (co.organizer.empty() ? std::string() : "<br><small>" + esc(co.organizer) + "</small>") + "</td><td>" +
                unit_name(co.unit) + "</td><td>" + esc(mode_label(co.mode, s.en)) + "</td><td>" + esc(format_date(co.starts_on)) + " – " +
                esc(format_date(co.ends_on)) + "</td><td>" + std::to_string(co.hours) + "</td><td>" + std::to_string(co.sessions) + "</td><td>" +
                std::to_string(n.first) + " (" + std::to_string(n.second) + ")</td></tr>";
      }
      body += "</tbody></table>";
    }

    body += "<h2>" + s.t("Người tham dự", "Participants") + "</h2>";
    if (people.empty()) {
      body += "<p>" + s.t("Chưa ghi nhận người tham dự nào.", "No participants recorded yet.") + "</p>";
    } else {
      body += "<table class=\"work\"><caption>" + s.t("Người tham dự các khóa tập huấn", "Who attended the courses") + "</caption><thead><tr><th scope=\"col\">" +
              s.t("Họ tên", "Name") + "</th><th scope=\"col\">" + s.t("Chức vụ", "Position") + "</th><th scope=\"col\">" + s.t("Đơn vị", "Unit") +
              "</th><th scope=\"col\">" + s.t("Khóa", "Course") + "</th><th scope=\"col\">" + s.t("Trạng thái", "Status") + "</th><th scope=\"col\">" +
              s.t("Hoàn thành", "Completed") + "</th></tr></thead><tbody>";
      std::size_t row = 0;
      for (const auto& a : people) {
        ++row;
        auto ct = course_titles.find(a.course.value);
        body += "<tr><td>" + esc(a.person_name) + "</td><td>" + esc(a.position) + "</td><td>" + unit_name(a.unit) + "</td><td>" +
                esc(ct != course_titles.end() ? ct->second : a.course.value) + "</td><td>" + esc(attendance_label(a.status, s.en)) + "</td><td>";
        if (a.completed_on) body += esc(format_date(*a.completed_on));
        else if (may(c.who, trust::action::edit_content, a.unit.value, tree) && !tree.ended(a.unit.value)) {
          const std::string fid = "done-" + std::to_string(row);
          body += "<form class=\"inline\" method=\"post\" action=\"" + esc(s.link("/tap-huan/hoan-thanh")) + "\">" + hidden +
                  "<input type=\"hidden\" name=\"attendance\" value=\"" + esc(a.id.value) + "\"><label for=\"" + fid + "\">" +
                  s.t("Ngày hoàn thành", "Completed on") + "</label> <input type=\"date\" id=\"" + fid + "\" name=\"completed_on\" value=\"" +
                  esc(format_date(local_date(now()))) + "\"> <button type=\"submit\">" + s.t("Đánh dấu hoàn thành", "Mark completed") +
                  "</button></form>";
        }
        body += "</td></tr>";
      }
      body += "</tbody></table>";
    }

    body += "<h2>" + s.t("Thêm khóa tập huấn", "Add a training course") + "</h2>";
    body += "<form method=\"post\" action=\"" + esc(s.link("/tap-huan/khoa")) + "\" novalidate>" + hidden;
    body += select("c_unit", s.t("Đơn vị tổ chức hoặc cử người học", "Unit that runs it or sends staff"), unit_options);
    body += input(s, fe, "c_title", s.t("Tên khóa", "Course title"), f["c_title"], "text", true);
    body += input(s, fe, "c_organizer", s.t("Đơn vị tổ chức", "Organizer"), f["c_organizer"]);
    std::vector<std::pair<std::string, std::string>> modes;
    for (auto m : {training_mode::online, training_mode::in_person, training_mode::blended})
      modes.emplace_back(std::string(to_string(m)), mode_label(m, s.en));
    body += select("c_mode", s.t("Hình thức", "Mode"), modes);
    body += input(s, fe, "c_starts_on", s.t("Ngày bắt đầu", "Starts on"), f["c_starts_on"], date_type("c_starts_on"), true);
    body += input(s, fe, "c_ends_on", s.t("Ngày kết thúc", "Ends on"), f["c_ends_on"], date_type("c_ends_on"), true);
    body += input(s, fe, "c_hours", s.t("Số giờ", "Hours"), f["c_hours"], number_type("c_hours"));
    body += input(s, fe, "c_sessions", s.t("Số buổi", "Sessions"), f.count("c_sessions") ? f["c_sessions"] : std::string("1"), number_type("c_sessions"), true);
    body += input(s, fe, "c_url", s.t("Địa chỉ học trực tuyến", "Online course URL"), f["c_url"], "url", false,
                  s.t("Bắt buộc với khóa trực tuyến", "Required for an online course"));
    body += "<p><button type=\"submit\">" + s.t("Thêm khóa tập huấn", "Add the course") + "</button></p></form>";

    if (!offered.empty()) {
      body += "<h2>" + s.t("Thêm người tham dự", "Add a participant") + "</h2>";
      body += "<form method=\"post\" action=\"" + esc(s.link("/tap-huan/hoc-vien")) + "\" novalidate>" + hidden;
      std::vector<std::pair<std::string, std::string>> course_options;
      for (const auto& co : offered) course_options.emplace_back(co.id.value, co.title + " (" + format_date(co.starts_on) + ")");
      body += select("a_course", s.t("Khóa tập huấn", "Course"), course_options);
      body += select("a_unit", s.t("Đơn vị của người tham dự", "Participant's unit"), unit_options);
      body += input(s, fe, "a_person_name", s.t("Họ tên", "Name"), f["a_person_name"], "text", true);
      body += input(s, fe, "a_position", s.t("Chức vụ", "Position"), f["a_position"]);
      std::vector<std::pair<std::string, std::string>> statuses;
      for (auto x : {attendance_status::registered, attendance_status::attended, attendance_status::completed, attendance_status::absent})
        statuses.emplace_back(std::string(to_string(x)), attendance_label(x, s.en));
      body += select("a_status", s.t("Trạng thái", "Status"), statuses);
      body += input(s, fe, "a_completed_on", s.t("Ngày hoàn thành", "Completed on"), f["a_completed_on"], date_type("a_completed_on"), false,
                    s.t("Bắt buộc khi đã hoàn thành", "Required when completed"));
      body += "<p><button type=\"submit\">" + s.t("Thêm người tham dự", "Add the participant") + "</button></p></form>";
    }

    // Channels and their posts.
    std::vector<channel> channels;
    for (const auto* u : units) {
      store::filter w;
      w.unit = u->id.value;
      w.include_descendants = false;
      for (auto& x : list_some(std::type_identity<channel>{}, w, 200)) channels.push_back(std::move(x));
    }
    body += "<h2>" + s.t("Kênh truyền thông", "Channels") + "</h2>";
    if (channels.empty()) {
      body += "<p>" + s.t("Chưa có kênh nào.", "No channels yet.") + "</p>";
    } else {
      body += "<table class=\"work\"><caption>" + s.t("Kênh mạng xã hội và đường dây nóng của đơn vị", "Your units' social channels and hotline") +
              "</caption><thead><tr><th scope=\"col\">" + s.t("Loại", "Kind") + "</th><th scope=\"col\">" + s.t("Tên", "Name") + "</th><th scope=\"col\">" +
              s.t("Địa chỉ hoặc số điện thoại", "Address or phone") + "</th><th scope=\"col\">" + s.t("Đơn vị", "Unit") + "</th><th scope=\"col\">" +
              s.t("Trạng thái", "State") + "</th><th scope=\"col\">" + s.t("Bài đăng", "Posts") + "</th></tr></thead><tbody>";
      for (const auto& ch : channels) {
        store::filter w;
        w.category = ch.id.value;
        const auto posts = list_some(std::type_identity<channel_post>{}, w, 1000).size();
        std::string where;
        if (ch.kind == channel_kind::hotline || ch.url.empty()) where = esc(ch.phone);
        else if (ch.url.starts_with("https://") || ch.url.starts_with("http://"))
          where = "<a href=\"" + esc(ch.url) + "\" rel=\"noopener\">" + esc(ch.url) + "</a>";
        else where = esc(ch.url);
        body += "<tr><td>" + esc(s.en ? label_en(ch.kind) : label_vi(ch.kind)) + "</td><td>" + esc(ch.name) + "</td><td>" + where + "</td><td>" +
                unit_name(ch.unit) + "</td><td>" + (ch.active ? s.t("Đang hoạt động", "Active") : s.t("Ngừng hoạt động", "Inactive")) + "</td><td>" +
                std::to_string(posts) + (posts >= 1000 ? "+" : "") + "</td></tr>";
      }
      body += "</tbody></table>";
    }
    body += "<h2>" + s.t("Thêm kênh", "Add a channel") + "</h2>";
    body += "<form method=\"post\" action=\"" + esc(s.link("/tap-huan/kenh")) + "\" novalidate>" + hidden;
    body += select("k_unit", s.t("Đơn vị", "Unit"), unit_options);
    std::vector<std::pair<std::string, std::string>> kinds;
    for (auto k : {channel_kind::facebook, channel_kind::youtube, channel_kind::x, channel_kind::zalo, channel_kind::forum, channel_kind::hotline,
                   channel_kind::radio_tv, channel_kind::grassroots, channel_kind::other})
      kinds.emplace_back(std::string(to_string(k)), std::string(s.en ? label_en(k) : label_vi(k)));
    body += select("k_kind", s.t("Loại kênh", "Kind"), kinds);
    body += input(s, fe, "k_name", s.t("Tên kênh", "Channel name"), f["k_name"], "text", true);
    body += input(s, fe, "k_url", s.t("Địa chỉ (trang mạng xã hội, diễn đàn)", "Address (social page, forum)"), f["k_url"], "url", false,
                  s.t("Bắt buộc với Facebook, YouTube, X, Zalo và diễn đàn", "Required for Facebook, YouTube, X, Zalo and forums"));
    body += input(s, fe, "k_phone", s.t("Số điện thoại (đường dây nóng)", "Phone (hotline)"), f["k_phone"], "tel", false,
                  s.t("Bắt buộc với tổng đài điện thoại", "Required for a phone hotline"));
    body += "<p><button type=\"submit\">" + s.t("Thêm kênh", "Add the channel") + "</button></p></form>";

    if (!channels.empty()) {
      body += "<h2>" + s.t("Ghi nhận bài đăng", "Record a post") + "</h2>";
      body += "<form method=\"post\" action=\"" + esc(s.link("/tap-huan/bai-dang")) + "\" novalidate>" + hidden;
      std::vector<std::pair<std::string, std::string>> chs;
      for (const auto& ch : channels) chs.emplace_back(ch.id.value, ch.name + " (" + std::string(s.en ? label_en(ch.kind) : label_vi(ch.kind)) + ")");
      body += select("p_channel", s.t("Kênh", "Channel"), chs);
      body += input(s, fe, "p_posted_on", s.t("Ngày đăng", "Posted on"), f["p_posted_on"], date_type("p_posted_on"), true);
      body += input(s, fe, "p_title", s.t("Tiêu đề", "Title"), f["p_title"]);
      body += input(s, fe, "p_url", s.t("Địa chỉ bài đăng", "Post URL"), f["p_url"], "url");
      body += "<p><button type=\"submit\">" + s.t("Ghi nhận bài đăng", "Record the post") + "</button></p></form>";
    }
    return html(page(s, title, c.who, c.csrf, body), st);
  };

  auto notice_of = [](const screen& s, std::string_view da) -> std::string {
    if (da == "khoa") return s.t("Đã thêm khóa tập huấn.", "The course was added.");
    if (da == "hoc-vien") return s.t("Đã thêm người tham dự.", "The participant was added.");
    if (da == "hoan-thanh") return s.t("Đã đánh dấu hoàn thành.", "Marked as completed.");
    if (da == "kenh") return s.t("Đã thêm kênh.", "The channel was added.");
    if (da == "bai-dang") return s.t("Đã ghi nhận bài đăng.", "The post was recorded.");
    return {};
  };
  auto done = [](call& c, std::string_view what) { return see_other(c.s.link("/tap-huan") + (c.s.en ? "&" : "?") + "da=" + std::string(what)); };
  // The unit a form names, when the account may write there (else an error next to `field`).
  auto writable_unit = [this](call& c, const std::string& id, const std::string& field, field_errors& fe) {
    auto snap = units_->get();
    if (id.empty() || !snap->tree.find(id) || snap->tree.ended(id) || !may(c.who, trust::action::edit_content, id, snap->tree)) {
      fe.by_field[field] = c.s.t("Bạn không ghi được nội dung của đơn vị này", "You do not write this unit's content");
      return false;
    }
    return true;
  };
  // A date field: empty is none; otherwise YYYY-MM-DD.
  auto date_of = [](call& c, const std::string& field, field_errors& fe, bool required) -> std::optional<date> {
    const auto& raw = c.form[field];
    if (raw.empty()) {
      if (required) fe.by_field[field] = c.s.t("Hãy nhập ngày", "Enter the date");
      return std::nullopt;
    }
    auto d = parse_date(raw);
    if (!d) {
      fe.by_field[field] = c.s.t("Ngày không hợp lệ (dạng 2026-12-01)", "Not a valid date (as 2026-12-01)");
      return std::nullopt;
    }
    return *d;
  };
  // A whole number field from 0 up.
  auto count_of = [](call& c, const std::string& field, field_errors& fe, std::uint32_t& out) {
    const auto& raw = c.form[field];
    if (raw.empty()) return;
    int n = 0;
    if (!pbgdpl::detail::parse_int(raw, n) || n < 0) {
      fe.by_field[field] = c.s.t("Phải là số nguyên không âm", "Must be a whole number, 0 or more");
      return;
    }
    out = static_cast<std::uint32_t>(n);
  };
  auto model_check = [](call& c, const auto& v, field_errors& fe, std::string_view prefix) {
    validator val;
    validate(v, val);
    for (const auto& e : val.problems()) add_prefixed(fe, e, c.s, prefix);
  };

  routes_->get("/tap-huan", guarded([render, notice_of](http::request& req, call& c) {
    return render(c, {}, esc(notice_of(c.s, req.query("da").value_or(""))), http::status::ok);
  }));

  routes_->post("/tap-huan/khoa", guarded([this, render, done, writable_unit, date_of, count_of, model_check](http::request&, call& c) {
    field_errors fe;
    auto& f = c.form;
    training_course co;
    co.id = training_course_id{"tap-huan-" + random_id_string()};
    co.unit = unit_id{f["c_unit"]};
    co.title = trim_line(f["c_title"]);
    co.organizer = trim_line(f["c_organizer"]);
    co.url = trim_line(f["c_url"]);
    if (auto m = enum_from_string<training_mode>(f["c_mode"])) co.mode = *m;
    else fe.by_field["c_mode"] = c.s.t("Hình thức không hợp lệ", "Unknown mode");
    if (auto d = date_of(c, "c_starts_on", fe, true)) co.starts_on = *d;
    if (auto d = date_of(c, "c_ends_on", fe, true)) co.ends_on = *d;
    count_of(c, "c_hours", fe, co.hours);
    co.sessions = 1;
    count_of(c, "c_sessions", fe, co.sessions);
    const bool unit_ok = writable_unit(c, co.unit.value, "c_unit", fe);
    if (fe.empty()) model_check(c, co, fe, "c_");
    if (!fe.empty()) return render(c, fe, {}, unit_ok ? http::status::unprocessable_entity : http::status::forbidden);
    auto w = db_.create(co, c.who.id.value);
    if (!w) {
      add_prefixed(fe, w.err(), c.s, "c_");
      return render(c, fe, {}, http::status_for(w.err().code));
    }
    return done(c, "khoa");
  }));

  routes_->post("/tap-huan/hoc-vien", guarded([this, render, done, writable_unit, date_of, model_check](http::request&, call& c) {
    field_errors fe;
    auto& f = c.form;
    attendance a;
    a.id = attendance_id{"tham-du-" + random_id_string()};
    a.course = training_course_id{f["a_course"]};
    a.unit = unit_id{f["a_unit"]};
    a.person_name = trim_line(f["a_person_name"]);
    a.position = trim_line(f["a_position"]);
    if (auto st = enum_from_string<attendance_status>(f["a_status"])) a.status = *st;
    else fe.by_field["a_status"] = c.s.t("Trạng thái không hợp lệ", "Unknown status");
    a.completed_on = date_of(c, "a_completed_on", fe, false);
    const bool unit_ok = writable_unit(c, a.unit.value, "a_unit", fe);
    if (fe.empty()) model_check(c, a, fe, "a_");
    if (fe.empty())
      if (auto ok = api_detail::linked_records(db_, opt_, a); !ok) add_prefixed(fe, ok.err(), c.s, "a_");
    if (!fe.empty()) return render(c, fe, {}, unit_ok ? http::status::unprocessable_entity : http::status::forbidden);
    auto w = db_.create(a, c.who.id.value);
    if (!w) {
      add_prefixed(fe, w.err(), c.s, "a_");
      return render(c, fe, {}, http::status_for(w.err().code));
    }
    return done(c, "hoc-vien");
  }));

  routes_->post("/tap-huan/hoan-thanh", guarded([this, render, done, date_of](http::request&, call& c) {
    field_errors fe;
    auto snap = units_->get();
    auto a = db_.get<attendance>(c.form["attendance"]);
    if (!a || snap->tree.ended(a->unit.value) || !may(c.who, trust::action::edit_content, a->unit.value, snap->tree)) {
      fe.general = c.s.t("Không có người tham dự này, hoặc bạn không có quyền.", "No such participant, or you may not change it.");
      return render(c, fe, {}, http::status::forbidden);
    }
    auto d = date_of(c, "completed_on", fe, true);
    if (!d) {
      fe.general = fe.by_field["completed_on"];
      return render(c, fe, {}, http::status::unprocessable_entity);
    }
    a->status = attendance_status::completed;
    a->completed_on = *d;
    auto w = db_.update(*a, c.who.id.value);
    if (!w) {
      add_errors(fe, w.err(), c.s);
      return render(c, fe, {}, http::status_for(w.err().code));
    }
    return done(c, "hoan-thanh");
  }));

  routes_->post("/tap-huan/kenh", guarded([this, render, done, writable_unit, model_check](http::request&, call& c) {
    field_errors fe;
    auto& f = c.form;
    channel ch;
    ch.id = channel_id{"kenh-" + random_id_string()};
    ch.unit = unit_id{f["k_unit"]};
    ch.name = trim_line(f["k_name"]);
    ch.url = trim_line(f["k_url"]);
    ch.phone = trim_line(f["k_phone"]);
    ch.active = true;
    if (auto k = enum_from_string<channel_kind>(f["k_kind"])) ch.kind = *k;
    else fe.by_field["k_kind"] = c.s.t("Loại kênh không hợp lệ", "Unknown kind");
    const bool unit_ok = writable_unit(c, ch.unit.value, "k_unit", fe);
    if (fe.empty()) model_check(c, ch, fe, "k_");
    if (!fe.empty()) return render(c, fe, {}, unit_ok ? http::status::unprocessable_entity : http::status::forbidden);
    auto w = db_.create(ch, c.who.id.value);
    if (!w) {
      add_prefixed(fe, w.err(), c.s, "k_");
      return render(c, fe, {}, http::status_for(w.err().code));
    }
    return done(c, "kenh");
  }));

  routes_->post("/tap-huan/bai-dang", guarded([this, render, done, writable_unit, date_of, model_check](http::request&, call& c) {
    field_errors fe;
    auto& f = c.form;
    channel_post p;
    p.id = channel_post_id{"bai-dang-" + random_id_string()};
    p.title = trim_line(f["p_title"]);
    p.url = trim_line(f["p_url"]);
    auto ch = db_.get<channel>(f["p_channel"]);
    if (!ch) {
      fe.by_field["p_channel"] = c.s.t("Không có kênh này", "No such channel");
      return render(c, fe, {}, http::status::unprocessable_entity);
    }
    p.channel = ch->id;
    p.unit = ch->unit;
    if (!writable_unit(c, p.unit.value, "p_channel", fe)) return render(c, fe, {}, http::status::forbidden);
    if (auto d = date_of(c, "p_posted_on", fe, true)) {
      auto t = parse_timestamp(format_date(*d) + "T00:00:00+07:00");  // the day, in Hà Nội time
      if (t) p.posted_at = *t;
      else fe.by_field["p_posted_on"] = c.s.t("Ngày không hợp lệ", "Not a valid date");
    }
    if (fe.empty()) model_check(c, p, fe, "p_");
    if (!fe.empty()) return render(c, fe, {}, http::status::unprocessable_entity);
    auto w = db_.create(p, c.who.id.value);
    if (!w) {
      add_prefixed(fe, w.err(), c.s, "p_");
      return render(c, fe, {}, http::status_for(w.err().code));
    }
    return done(c, "bai-dang");
  }));
}

}  // namespace portal
PBGDPL_NAMESPACE_END
