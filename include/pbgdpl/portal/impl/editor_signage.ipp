// The editor's "Màn hình" screen (portal/editor.hpp): the legal staircase's displays of the
// account's units with their monitoring (last heartbeat, manifest sequence, inventory, free space,
// faults, the latest snapshot) and what they play now; devices waiting for enrolment, with the form
// that binds a code shown on a screen to a display, and revocation; kiosk links for screens with
// only a browser (the token shown once, stored hashed, revocable); and the emergency override: a
// playlist on a group of displays for 15 minutes to 24 hours, ended at its time or at once.
// Who sees and does what follows trust/permissions.hpp on the display's unit: manage_displays for
// devices and kiosk links, schedule_signage for emergencies (a signage operator only with
// playlists whose legal items are all approved), and a signage operator sees only the displays no
// other operator account runs. Included by impl/editor.ipp.
#pragma once
#include "../signage_api.hpp"
#include "../signage_view.hpp"

#include "../../core/files.hpp"
#include "../../model/kiosk.hpp"
#include "../../model/signage_ops.hpp"
#include "../../signage/enrolment.hpp"
#include "../../trust/tokens.hpp"

#include <sodium.h>

PBGDPL_NAMESPACE_BEGIN
namespace portal {

namespace signage_editor {

// The emergency lengths offered, in minutes: 15 minutes to 24 hours.
inline constexpr int emergency_minutes[] = {15, 30, 60, 120, 240, 480, 720, 1440};

inline std::string minutes_text(int m, bool en) {
  if (m < 60) return std::to_string(m) + (en ? " minutes" : " phút");
  const int h = m / 60;
  return std::to_string(h) + (en ? (h == 1 ? " hour" : " hours") : " giờ");
}

inline std::string bytes_text(std::uint64_t n) {
  char b[32];
  if (n >= (1ull << 30)) std::snprintf(b, sizeof b, "%.1f GiB", static_cast<double>(n) / static_cast<double>(1ull << 30));
  else if (n >= (1ull << 20)) std::snprintf(b, sizeof b, "%.1f MiB", static_cast<double>(n) / static_cast<double>(1ull << 20));
  else std::snprintf(b, sizeof b, "%llu B", static_cast<unsigned long long>(n));
  return b;
}

// May `who` do `act` on display d? As trust::allowed on its unit, except that a signage operator's
// grant covers only the displays it operates itself (operator_account is its own account): a
// school's screen (no operator account) is not a business's to bind devices to (red team F1).
inline bool may_on_display(const account& who, trust::action act, const display& d, const unit_directory& tree,
                           const trust::target_facts& facts = {}) {
  if (who.disabled) return false;
  for (const auto& g : who.grants) {
    if (!trust::allowed(g, act, d.unit, tree, facts)) continue;
    if (g.r == role::signage_operator && (!d.operator_account || *d.operator_account != who.id)) continue;
    return true;
  }
  return false;
}

// A display the screen lists: one the account manages or schedules.
inline bool sees(const account& who, const display& d, const unit_directory& tree) {
  return may_on_display(who, trust::action::manage_displays, d, tree) ||
         may_on_display(who, trust::action::schedule_signage, d, tree, {true});
}

// The random text of a kiosk token (shown once) and the public handle of its link.
inline std::pair<std::string, std::string> new_kiosk_token() {
  trust::ensure_sodium();
  std::array<std::uint8_t, 32> secret{};
  randombytes_buf(secret.data(), secret.size());
  std::array<std::uint8_t, 8> handle{};
  randombytes_buf(handle.data(), handle.size());
  auto token = "pbq_" + trust::to_hex(secret);
  sodium_memzero(secret.data(), secret.size());
  return {std::move(token), "kio_" + trust::to_hex(handle)};
}

}  // namespace signage_editor

PBGDPL_DECL void editor::build_signage(const editor_detail::guard_fn& guarded) {
  using namespace editor_detail;
  using namespace signage_editor;

  // The displays the account sees, by name, each with the tree it was judged on.
  auto displays_of = [this](const account& who) {
    auto snap = units_->get();
    std::vector<display> out;
    std::set<std::string> seen_units, seen;
    for (const auto& g : who.grants) {
      if (!seen_units.insert(g.unit.value).second) continue;
      auto ds = displays_under(db_, snap->tree, g.unit);
      if (!ds) continue;
      for (auto& d : *ds)
        if (seen.insert(d.id.value).second && sees(who, d, snap->tree)) out.push_back(std::move(d));
    }
    std::sort(out.begin(), out.end(), [](const display& a, const display& b) { return a.name < b.name; });
    return std::make_pair(snap, out);
  };
  // A display by id, when the account sees it.
  auto visible_display = [this, displays_of](const account& who, std::string_view id) -> std::optional<display> {
    auto [snap, ds] = displays_of(who);
    for (auto& d : ds)
      if (d.id.value == id) return d;
    return std::nullopt;
  };
  // Whether every legal item of a playlist carries an approval in force: what a signage operator
  // may schedule (the API's "schedule-approved").
  auto all_approved = [this](const playlist& p, timestamp t) {
    std::optional<layout> lay;
    if (p.layout)
      if (auto l = db_.get<layout>(p.layout->value)) lay = std::move(*l);
    for (const auto& it : p.items) {
      bool legal = true;
      if (lay) {
        const std::string_view zn = it.zone.empty() && !lay->zones.empty() ? std::string_view(lay->zones.front().name) : std::string_view(it.zone);
        if (const auto* z = find_zone(*lay, zn)) legal = z->legal && !z->ticker;
      }
      if (!legal) continue;
      if (!it.approval) return false;
      auto r = db_.get<approval_record>(it.approval->value);
      if (!r || r->content_id != it.media.value || !is_within_validity(*r, t) || r->signature.empty()) return false;
      auto m = db_.get<media_asset>(it.media.value);
      if (!m || m->blake2b != r->content_blake2b) return false;
    }
    return true;
  };

  auto render = [this, displays_of](call& c, const field_errors& fe, const std::string& notice, http::status st) {
    const auto& s = c.s;
    auto [snap, ds] = displays_of(c.who);
    const auto& tree = snap->tree;
    const auto t = now();
    std::string body;
    if (!notice.empty()) body += "<div class=\"notice\" role=\"status\">" + notice + "</div>";
    body += errors_box(s, fe);
    body += "<p>" + s.t("Màn hình “Cầu thang pháp luật” của các đơn vị bạn quản lý: tình trạng mỗi màn hình, thiết bị chờ cho phép, "
                        "liên kết trình chiếu bằng trình duyệt và phát khẩn cấp. Trang công khai: ",
                        "The legal staircase screens of your units: each screen's state, devices waiting to be authorised, browser "
                        "kiosk links and the emergency override. Public page: ") +
            "<a href=\"" + esc(s.portal + "/pbgdpl/cau-thang-phap-luat/" + s.lang_q) + "\">" + s.t("Cầu thang pháp luật", "Legal staircase") +
            "</a>.</p>";
    if (ds.empty()) {
      body += "<p>" + s.t("Tài khoản của bạn không quản lý màn hình nào.", "Your account runs no screens.") + "</p>";
      return html(page(s, s.t("Màn hình", "Screens"), c.who, c.csrf, body), st);
    }
    const auto hidden = "<input type=\"hidden\" name=\"csrf\" value=\"" + esc(c.csrf) + "\">";
    bool manages_any = false;
    std::vector<const display*> manageable;
    std::set<std::string> groups;  // the groups of the screens listed, and those above them
    body += "<h2>" + s.t("Các màn hình", "Screens") + "</h2>";
    std::size_t n = 0;
    for (const auto& d : ds) {
      const bool manage = may_on_display(c.who, trust::action::manage_displays, d, tree);
      if (manage) {
        manages_any = true;
        manageable.push_back(&d);
      }
      const std::string anchor = "mh-" + std::to_string(++n);
      body += "<section class=\"screen\" aria-labelledby=\"" + anchor + "\"><h3 id=\"" + anchor + "\">" + esc(d.name) + "</h3><ul>";
      auto unit_name = tree.name(d.unit.value);
      body += "<li>" + s.t("Đơn vị: ", "Unit: ") + esc(unit_name.empty() ? std::string_view(d.unit.value) : unit_name) + " · " +
              s.t("Mã: ", "Id: ") + "<code>" + esc(d.id.value) + "</code> · " + std::to_string(d.width) + "×" + std::to_string(d.height) + "</li>";
      // What it plays now, by the same scheduler as the players.
      if (auto sch = load_schedule(db_, d)) {
        for (const auto& g : sch->groups) groups.insert(g.id.value);
        if (auto np = playing_at(*sch, t)) {
          body += "<li>" + s.t("Đang chiếu: ", "Playing: ") + esc(np->list.name) +
                  (np->slot.emergency ? " <strong>" + s.t("(khẩn cấp)", "(emergency)") + "</strong>" : std::string()) + "</li>";
        } else {
          body += "<li>" + s.t("Đang chiếu: không có lịch (màn hình nghỉ)", "Playing: nothing scheduled (the screen rests)") + "</li>";
        }
      }
      // The device and its heartbeat.
      auto dev = signage::enrolment_of(db_, d.id);
      if (dev && *dev) {
        const auto& en = **dev;
        body += "<li>" + s.t("Thiết bị: ", "Device: ") + "<code>" + esc(en.id.value) + "</code>" + (en.name.empty() ? "" : " (" + esc(en.name) + ")") +
                s.t(", được cho phép lúc ", ", authorised at ") + esc(fmt_time(en.decided_at.value_or(en.created_at)));
        if (manage)
          body += " <form class=\"inline\" method=\"post\" action=\"" + esc(s.link("/man-hinh/thu-hoi")) + "\">" + hidden +
                  "<input type=\"hidden\" name=\"enrolment\" value=\"" + esc(en.id.value) + "\"><button type=\"submit\">" +
                  s.t("Thu hồi thiết bị", "Revoke the device") + "</button></form>";
        body += "</li>";
      } else {
        body += "<li>" + s.t("Thiết bị: chưa có thiết bị nào được cho phép.", "Device: none authorised.") + "</li>";
      }
      auto status = db_.get<display_status>(d.id.value);
      if (status) {
        const auto& stt = *status;
        body += "<li>" + s.t("Tín hiệu gần nhất: ", "Last heartbeat: ") + esc(fmt_time(stt.last_seen)) + " (" + esc(stt.status) + ") · " +
                s.t("bản kê số ", "manifest ") + std::to_string(stt.manifest_sequence) + " · " + std::to_string(stt.inventory.size()) +
                s.t(" tệp trong bộ nhớ đệm", " files cached") + " · " + s.t("còn trống ", "free ") + esc(bytes_text(stt.free_bytes)) + "</li>";
        if (!stt.faults.empty()) {
          body += "<li>" + s.t("Lỗi gần đây:", "Recent faults:") + "<ul>";
          std::size_t k = 0;
          for (auto it = stt.faults.rbegin(); it != stt.faults.rend() && k < 5; ++it, ++k)
            body += "<li>" + esc(fmt_time(it->at)) + " <code>" + esc(it->code) + "</code> " + esc(it->message) + "</li>";
          body += "</ul></li>";
        }
        if (!stt.snapshot.empty() && stt.snapshot_at)
          body += "<li>" + s.t("Ảnh chụp màn hình lúc ", "Snapshot at ") + esc(fmt_time(*stt.snapshot_at)) + ":<br><img class=\"snapshot\" src=\"" +
                  esc(s.base + "/man-hinh/anh/" + d.id.value + ".png?v=" + std::to_string(stt.snapshot_at->time_since_epoch().count())) +
                  "\" alt=\"" + esc(s.t("Ảnh chụp màn hình ", "Snapshot of ") + d.name) + "\" width=\"240\"></li>";
      } else {
        body += "<li>" + s.t("Chưa nhận được tín hiệu nào từ màn hình này.", "No heartbeat received from this screen yet.") + "</li>";
      }
      // Kiosk links.
      store::list_query q;
      q.limit = 20;
      q.where.category = d.id.value;
      if (auto links = db_.list<kiosk_link>(q); links && !links->items.empty()) {
        body += "<li>" + s.t("Liên kết trình chiếu bằng trình duyệt:", "Browser kiosk links:") + "<ul>";
        for (const auto& k : links->items) {
          body += "<li>" + esc(k.label.empty() ? k.handle : k.label) + " (<code>" + esc(k.handle) + "</code>), " + s.t("tạo lúc ", "made ") +
                  esc(fmt_time(k.created_at)) + ", ";
          if (k.revoked_at) body += s.t("đã thu hồi lúc ", "revoked at ") + esc(fmt_time(*k.revoked_at));
          else if (!is_live(k, t)) body += s.t("đã hết hạn", "expired");
          else {
            body += s.t("dùng được đến ", "valid until ") + esc(fmt_time(k.expires_at));
            if (manage)
              body += " <form class=\"inline\" method=\"post\" action=\"" + esc(s.link("/man-hinh/kiosk/thu-hoi")) + "\">" + hidden +
                      "<input type=\"hidden\" name=\"display\" value=\"" + esc(d.id.value) + "\"><input type=\"hidden\" name=\"handle\" value=\"" +
                      esc(k.handle) + "\"><button type=\"submit\">" + s.t("Thu hồi liên kết", "Revoke the link") + "</button></form>";
          }
          body += "</li>";
        }
        body += "</ul></li>";
      }
      body += "</ul>";
      if (manage) {
        const std::string fid = "kiosk-" + std::to_string(n);
        body += "<form method=\"post\" action=\"" + esc(s.link("/man-hinh/kiosk")) + "\">" + hidden +
                "<input type=\"hidden\" name=\"display\" value=\"" + esc(d.id.value) + "\"><div class=\"field\"><label for=\"" + fid + "\">" +
                s.t("Tên gọi của màn hình dùng trình duyệt (không bắt buộc)", "Name of the browser screen (optional)") +
                "</label><input type=\"text\" id=\"" + fid + "\" name=\"label\" maxlength=\"100\"></div><p><button type=\"submit\">" +
                s.t("Tạo liên kết trình chiếu", "Make a kiosk link") + "</button></p></form>";
      }
      body += "</section>";
    }

    // Devices waiting for an administrator.
    if (manages_any) {
      body += "<h2>" + s.t("Thiết bị chờ cho phép", "Devices waiting") + "</h2>";
      auto pending = signage::pending_enrolments(db_, t);
      if (!pending || pending->empty()) {
        body += "<p>" + s.t("Không có thiết bị nào đang chờ.", "No device is waiting.") + "</p>";
      } else {
        body += "<table class=\"work\"><caption>" + s.t("Mã hiện trên màn hình của thiết bị", "The code each device shows on its screen") +
                "</caption><thead><tr><th scope=\"col\">" + s.t("Mã", "Code") + "</th><th scope=\"col\">" + s.t("Tên thiết bị", "Device name") +
                "</th><th scope=\"col\">" + s.t("Độ phân giải", "Resolution") + "</th><th scope=\"col\">" + s.t("Từ lúc", "Since") +
                "</th></tr></thead><tbody>";
        for (const auto& p : *pending)
          body += "<tr><td><code>" + esc(p.code) + "</code></td><td>" + esc(p.name) + "</td><td>" + std::to_string(p.width) + "×" +
                  std::to_string(p.height) + "</td><td>" + esc(fmt_time(p.created_at)) + "</td></tr>";
        body += "</tbody></table>";
      }
      body += "<form method=\"post\" action=\"" + esc(s.link("/man-hinh/cho-phep")) + "\" novalidate>" + hidden;
      body += input(s, fe, "code", s.t("Mã trên màn hình thiết bị", "Code shown on the device"), c.form["code"], "text", true,
                    s.t("Dạng 7KQ-M4P", "Like 7KQ-M4P"));
      const bool bad = fe.by_field.count("display") > 0;
      body += "<div class=\"field" + std::string(bad ? " has-error" : "") + "\"><label for=\"f-display\">" + s.t("Gắn với màn hình", "Bind to the screen") +
              "</label>";
      if (bad) body += "<p class=\"field-error\" id=\"f-display-error\">" + esc(fe.by_field.at("display")) + "</p>";
      body += "<select id=\"f-display\" name=\"display\"" + std::string(bad ? " aria-describedby=\"f-display-error\" aria-invalid=\"true\"" : "") + ">";
      for (const auto* d : manageable)
        body += "<option value=\"" + esc(d->id.value) + "\"" + (c.form["display"] == d->id.value ? " selected" : "") + ">" + esc(d->name) + "</option>";
      body += "</select></div><p><button type=\"submit\">" + s.t("Cho phép thiết bị", "Authorise the device") + "</button></p></form>";
    }

    // Emergency override.
    std::vector<display_group> schedulable;
    for (const auto& gid : groups) {
      auto g = db_.get<display_group>(gid);
      if (!g || tree.ended(g->unit.value)) continue;
      if (editor_detail::may(c.who, trust::action::schedule_signage, g->unit.value, tree) ||
          trust::allowed(std::span<const role_grant>(c.who.grants), trust::action::schedule_signage, g->unit, tree, {true}))
        schedulable.push_back(std::move(*g));
    }
    body += "<h2>" + s.t("Phát khẩn cấp", "Emergency override") + "</h2>";
    std::string active;
    for (const auto& g : schedulable) {
      store::list_query q;
      q.limit = 50;
      q.where.category = g.id.value;
      q.where.state = "emergency";
      auto es = db_.list<schedule_entry>(q);
      if (!es) continue;
      for (const auto& e : es->items) {
        if (!e.expires_at || *e.expires_at <= t) continue;
        auto p = db_.get<playlist>(e.playlist.value);
        active += "<li>" + esc(g.name) + ": " + esc(p ? p->name : e.playlist.value) + s.t(", đến ", ", until ") + esc(fmt_time(*e.expires_at)) +
                  " <form class=\"inline\" method=\"post\" action=\"" + esc(s.link("/man-hinh/khan-cap/ket-thuc")) + "\">" + hidden +
                  "<input type=\"hidden\" name=\"entry\" value=\"" + esc(e.id.value) + "\"><button type=\"submit\">" +
                  s.t("Kết thúc ngay", "End now") + "</button></form></li>";
      }
    }
    if (!active.empty()) body += "<ul>" + active + "</ul>";
    else body += "<p>" + s.t("Không có phát khẩn cấp nào đang chạy.", "No emergency override is running.") + "</p>";
    if (!schedulable.empty()) {
      std::vector<playlist> lists;
      std::set<std::string> seen_lists;
      for (const auto& g : c.who.grants)
        for (const auto& uid : tree.self_and_ancestor_ids(g.unit.value)) {
          store::list_query q;
          q.limit = 100;
          q.where.unit = uid;
          q.where.include_descendants = uid == g.unit.value;
          if (auto ps = db_.list<playlist>(q))
            for (auto& p : ps->items)
              if (seen_lists.insert(p.id.value).second) lists.push_back(std::move(p));
        }
      body += "<form method=\"post\" action=\"" + esc(s.link("/man-hinh/khan-cap")) + "\" novalidate>" + hidden;
      auto select = [&](const std::string& name, const std::string& label, const std::string& options) {
        const bool bad = fe.by_field.count(name) > 0;
        std::string h = "<div class=\"field" + std::string(bad ? " has-error" : "") + "\"><label for=\"f-" + name + "\">" + label + "</label>";
        if (bad) h += "<p class=\"field-error\" id=\"f-" + name + "-error\">" + esc(fe.by_field.at(name)) + "</p>";
        h += "<select id=\"f-" + name + "\" name=\"" + name + "\"" + (bad ? " aria-describedby=\"f-" + name + "-error\" aria-invalid=\"true\"" : std::string()) +
             ">" + options + "</select></div>";
        return h;
      };
      std::string gopts, popts, mopts;
      for (const auto& g : schedulable)
        gopts += "<option value=\"" + esc(g.id.value) + "\"" + (c.form["group"] == g.id.value ? " selected" : "") + ">" + esc(g.name) + "</option>";
      for (const auto& p : lists)
        popts += "<option value=\"" + esc(p.id.value) + "\"" + (c.form["playlist"] == p.id.value ? " selected" : "") + ">" + esc(p.name) + "</option>";
      for (int m : emergency_minutes)
        mopts += "<option value=\"" + std::to_string(m) + "\"" + (c.form["minutes"] == std::to_string(m) ? " selected" : "") + ">" +
                 esc(minutes_text(m, s.en)) + "</option>";
      body += select("group", s.t("Nhóm màn hình", "Group of screens"), gopts);
      body += select("playlist", s.t("Danh sách phát", "Playlist"), popts);
      body += select("minutes", s.t("Trong thời gian", "For"), mopts);
      body += "<p><button type=\"submit\">" + s.t("Phát khẩn cấp", "Start the emergency override") + "</button></p></form>";
    }
    return html(page(s, s.t("Màn hình", "Screens"), c.who, c.csrf, body), st);
  };

  auto notice_of = [](const screen& s, std::string_view da) -> std::string {
    if (da == "cho-phep") return s.t("Đã cho phép thiết bị. Màn hình sẽ nhận lịch chiếu ở lần hỏi tiếp theo.",
                                     "The device is authorised. The screen gets its schedule when it next asks.");
    if (da == "thu-hoi") return s.t("Đã thu hồi thiết bị.", "The device was revoked.");
    if (da == "khan-cap") return s.t("Đã bắt đầu phát khẩn cấp.", "The emergency override started.");
    if (da == "ket-thuc") return s.t("Đã kết thúc phát khẩn cấp.", "The emergency override ended.");
    if (da == "thu-hoi-kiosk") return s.t("Đã thu hồi liên kết trình chiếu.", "The kiosk link was revoked.");
    return {};
  };
  auto done = [](call& c, std::string_view what) { return see_other(c.s.link("/man-hinh") + (c.s.en ? "&" : "?") + "da=" + std::string(what)); };

  routes_->get("/man-hinh", guarded([render, notice_of](http::request& req, call& c) {
    return render(c, {}, esc(notice_of(c.s, req.query("da").value_or(""))), http::status::ok);
  }));

  // The latest snapshot of a display the account sees.
  routes_->get("/man-hinh/anh/{file}", guarded([this, visible_display](http::request& req, call& c) {
    std::string_view file = req.param("file");
    auto not_found = [&c] {
      return html(page(c.s, c.s.t("Không tìm thấy", "Not found"), c.who, c.csrf, "<p>" + c.s.t("Không có ảnh này.", "No such image.") + "</p>"),
                  http::status::not_found);
    };
    if (!file.ends_with(".png") || !opt_.signage) return not_found();
    auto d = visible_display(c.who, file.substr(0, file.size() - 4));
    if (!d) return not_found();
    auto st = db_.get<display_status>(d->id.value);
    if (!st || st->snapshot.empty() || !is_safe_file_name(st->snapshot)) return not_found();
    auto bytes = files::read_regular(opt_.signage->snapshot_dir() / st->snapshot, 4u * 1024u * 1024u, {.refuse_symlinks = true});
    if (!bytes) return not_found();
    http::response r(http::status::ok);
    r.body = std::move(*bytes);
    r.set("Content-Type", "image/png");
    r.set("Cache-Control", "no-store");
    r.cacheable = false;
    return r;
  }));

  routes_->post("/man-hinh/cho-phep", guarded([this, render, done, visible_display](http::request&, call& c) {
    field_errors fe;
    auto code = signage::normalise_enrolment_code(c.form["code"]);
    if (!code) fe.by_field["code"] = c.s.t("Mã gồm 6 ký tự, dạng 7KQ-M4P", "A code is 6 characters, like 7KQ-M4P");
    auto d = visible_display(c.who, c.form["display"]);
    auto snap = units_->get();
    if (!d || !may_on_display(c.who, trust::action::manage_displays, *d, snap->tree)) {
      fe.by_field["display"] = c.s.t("Bạn không quản lý màn hình này", "You do not manage this screen");
      fe.general = fe.by_field["display"];  // said at the top too: an account with no screens has no form
      return render(c, fe, {}, http::status::forbidden);
    }
    if (!fe.empty()) return render(c, fe, {}, http::status::unprocessable_entity);
    auto ok = signage::authorise(db_, *code, d->id, c.who.id, now());
    if (!ok) {
      if (ok.err().code == errc::not_found) fe.by_field["code"] = c.s.t("Không có thiết bị nào đang chờ với mã này (mã hết hạn sau 24 giờ)",
                                                                         "No device is waiting with this code (codes expire after 24 hours)");
      else add_errors(fe, ok.err(), c.s);
      return render(c, fe, {}, http::status_for(ok.err().code));
    }
    return done(c, "cho-phep");
  }));

  routes_->post("/man-hinh/thu-hoi", guarded([this, render, done, visible_display](http::request&, call& c) {
    field_errors fe;
    auto en = db_.get<display_enrolment>(c.form["enrolment"]);
    // Only a device bound to a display the account manages.
    std::optional<display> d;
    if (en && en->display) d = visible_display(c.who, en->display->value);
    auto snap = units_->get();
    if (!en || !d || !may_on_display(c.who, trust::action::manage_displays, *d, snap->tree)) {
      fe.general = c.s.t("Bạn không thu hồi được thiết bị này", "You cannot revoke this device");
      return render(c, fe, {}, http::status::forbidden);
    }
    auto ok = signage::revoke(db_, en->id, c.who.id, now());
    if (!ok) {
      add_errors(fe, ok.err(), c.s);
      return render(c, fe, {}, http::status_for(ok.err().code));
    }
    return done(c, "thu-hoi");
  }));

  routes_->post("/man-hinh/kiosk", guarded([this, render, visible_display](http::request& req, call& c) {
    field_errors fe;
    auto d = visible_display(c.who, c.form["display"]);
    auto snap = units_->get();
    if (!d || !may_on_display(c.who, trust::action::manage_displays, *d, snap->tree)) {
      fe.general = c.s.t("Bạn không quản lý màn hình này", "You do not manage this screen");
      return render(c, fe, {}, http::status::forbidden);
    }
    if (text::length(c.form["label"]) > 100) {
      fe.general = c.s.t("Tên gọi dài quá 100 ký tự", "The name is longer than 100 characters");
      return render(c, fe, {}, http::status::unprocessable_entity);
    }
    const auto t = now();
    auto [token, handle] = new_kiosk_token();
    kiosk_link k;
    k.id = kiosk_link_id{trust::token_hash(token)};
    k.handle = handle;
    k.display = d->id;
    k.unit = d->unit;
    k.label = c.form["label"];
    k.created_by = c.who.id;
    k.created_at = t;
    k.expires_at = t + std::chrono::hours(24 * 365);
    auto w = db_.create(k, c.who.id.value);
    if (!w) {
      add_errors(fe, w.err(), c.s);
      return render(c, fe, {}, http::status_for(w.err().code));
    }
    // The link is shown once: only its hash is kept.
    const auto url = public_origin(opt_, req) + c.s.portal + "/don-vi/" + d->unit.value + "/pbgdpl/cau-thang-phap-luat/kiosk/" + d->id.value + "?k=" + token;
    const auto notice = esc(c.s.t("Liên kết trình chiếu cho màn hình ", "The kiosk link for the screen ")) + esc(d->name) +
                        esc(c.s.t(" (chỉ hiện một lần; mở nó trên trình duyệt của TV hoặc hộp Android, ở chế độ toàn màn hình):",
                                  " (shown once; open it in the TV's or Android box's browser, full screen):")) +
                        "<br><code class=\"secret\">" + esc(url) + "</code>";
    return render(c, {}, notice, http::status::ok);
  }));

  routes_->post("/man-hinh/kiosk/thu-hoi", guarded([this, render, done, visible_display](http::request&, call& c) {
    field_errors fe;
    auto d = visible_display(c.who, c.form["display"]);
    auto snap = units_->get();
    if (!d || !may_on_display(c.who, trust::action::manage_displays, *d, snap->tree)) {
      fe.general = c.s.t("Bạn không quản lý màn hình này", "You do not manage this screen");
      return render(c, fe, {}, http::status::forbidden);
    }
    store::list_query q;
    q.limit = 100;
    q.where.category = d->id.value;
    auto links = db_.list<kiosk_link>(q);
    std::optional<kiosk_link> k;
    if (links)
      for (auto& x : links->items)
        if (x.handle == c.form["handle"]) k = std::move(x);
    if (!k) {
      fe.general = c.s.t("Không có liên kết này", "No such link");
      return render(c, fe, {}, http::status::not_found);
    }
    if (!k->revoked_at) {
      k->revoked_at = now();
      k->revoked_by = c.who.id;
      if (auto w = db_.update(*k, c.who.id.value); !w) {
        add_errors(fe, w.err(), c.s);
        return render(c, fe, {}, http::status_for(w.err().code));
      }
    }
    return done(c, "thu-hoi-kiosk");
  }));

  routes_->post("/man-hinh/khan-cap", guarded([this, render, done, all_approved](http::request&, call& c) {
    field_errors fe;
    auto snap = units_->get();
    const auto& tree = snap->tree;
    const auto t = now();
    auto g = db_.get<display_group>(c.form["group"]);
    auto p = db_.get<playlist>(c.form["playlist"]);
    int minutes = 0;
    if (!pbgdpl::detail::parse_int(c.form["minutes"], minutes) ||
        std::find(std::begin(emergency_minutes), std::end(emergency_minutes), minutes) == std::end(emergency_minutes))
      fe.by_field["minutes"] = c.s.t("Chọn một thời lượng từ 15 phút đến 24 giờ", "Choose a length from 15 minutes to 24 hours");
    if (!g || tree.ended(g->unit.value)) fe.by_field["group"] = c.s.t("Không có nhóm màn hình này", "No such group of screens");
    if (!p || p->items.empty()) fe.by_field["playlist"] = c.s.t("Không có danh sách phát này", "No such playlist");
    if (!fe.empty()) return render(c, fe, {}, http::status::unprocessable_entity);
    // The playlist must belong to the group's unit, or to a unit above it (the division's content
    // may go on a school's screens, never the other way round).
    if (!tree.within(g->unit, p->unit)) fe.by_field["playlist"] = c.s.t("Danh sách phát này không thuộc đơn vị của nhóm màn hình hay đơn vị cấp trên",
                                                                         "This playlist belongs neither to the group's unit nor to a unit above it");
    const trust::target_facts facts{all_approved(*p, t)};
    if (!trust::allowed(std::span<const role_grant>(c.who.grants), trust::action::schedule_signage, g->unit, tree, facts))
      fe.by_field["group"] = facts.content_approved ? c.s.t("Bạn không lập lịch được cho nhóm màn hình này", "You cannot schedule this group of screens")
                                                    : c.s.t("Chỉ được phát nội dung đã được phê duyệt còn hiệu lực", "Only approved content in force may be shown");
    if (!fe.empty()) return render(c, fe, {}, http::status::forbidden);
    std::array<std::uint8_t, 6> rnd{};
    randombytes_buf(rnd.data(), rnd.size());
    schedule_entry e;
    e.id = schedule_id{"khan-cap-" + trust::to_hex(rnd)};
    e.playlist = p->id;
    e.group = g->id;
    e.start_time = "00:00";
    e.end_time = "24:00";
    // Every day of the override, whatever the screens' zone: the time to live is what ends it.
    const auto until = t + std::chrono::minutes(minutes);
    e.valid_from = date{std::chrono::sys_days{local_date(t)} - std::chrono::days(1)};
    e.valid_until = date{std::chrono::sys_days{local_date(until)} + std::chrono::days(1)};
    e.priority = 1000;
    e.emergency = true;
    e.expires_at = until;
    e.campaign = "Phát khẩn cấp / emergency";
    auto w = db_.create(e, c.who.id.value);
    if (!w) {
      add_errors(fe, w.err(), c.s);
      return render(c, fe, {}, http::status_for(w.err().code));
    }
    return done(c, "khan-cap");
  }));

  routes_->post("/man-hinh/khan-cap/ket-thuc", guarded([this, render, done](http::request&, call& c) {
    field_errors fe;
    auto snap = units_->get();
    auto e = db_.get<schedule_entry>(c.form["entry"]);
    std::optional<display_group> g;
    if (e && e->emergency) g = db_.get<display_group>(e->group.value).value_or(display_group{});
    if (!e || !e->emergency || !g || g->id.value.empty() ||
        !trust::allowed(std::span<const role_grant>(c.who.grants), trust::action::schedule_signage, g->unit, snap->tree, {true})) {
      fe.general = c.s.t("Bạn không kết thúc được lần phát khẩn cấp này", "You cannot end this emergency override");
      return render(c, fe, {}, http::status::forbidden);
    }
    const auto t = now();
    if (!e->expires_at || *e->expires_at > t) {
      e->expires_at = t;
      if (auto w = db_.update(*e, c.who.id.value); !w) {
        add_errors(fe, w.err(), c.s);
        return render(c, fe, {}, http::status_for(w.err().code));
      }
    }
    return done(c, "ket-thuc");
  }));
}

}  // namespace portal
PBGDPL_NAMESPACE_END
