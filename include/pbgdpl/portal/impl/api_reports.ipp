// The API's yearly reports (issue 17), under /v1/reports/: templates, rounds with their
// completeness, submissions (open a draft, save values, refresh the computed ones, submit and
// approve with the account's signing key, return, excuse) and the roll-up with its downloads.
// Reports are not public: every route needs a caller that is an account of the portal, and a
// caller sees only the reports of units it fills in, reviews or audits on the round's tree; any
// other report answers the same 404 as one that does not exist. Included by impl/api.ipp.
#pragma once
#include "../reports_files.hpp"
#include "../reports_view.hpp"
#include "../../reports/periods.hpp"
#include "../../reports/workflow.hpp"

#include <algorithm>
#include <map>
#include <memory>

PBGDPL_NAMESPACE_BEGIN
namespace portal {

namespace api_reports_detail {

// The printable Decree 30 document carries its print layout as one inline <style> (it is saved
// and mailed as a single file). The portal's default policy forbids inline styles, which left the
// page unstyled in a browser; this one allows inline style only: no script, no other origin, and
// every text in the document is escaped, so nothing a user typed reaches the style sheet.
inline constexpr std::string_view printable_document_csp =
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'self'";

inline http::response private_json(const json& j, http::status s = http::status::ok) {
  auto r = http::response::json(j, s);
  r.set("Cache-Control", "private, no-store");
  r.cacheable = false;
  return r;
}

inline error hidden_submission(std::string_view id) {
  return store::not_found_error(store::entity_traits<report_submission>::kind, id);
}

inline error field_refused(const std::string& key) {
  return error(errc::validation_failed, "/" + key, "Trường \"" + key + "\" do máy chủ ghi, không nhận từ yêu cầu",
               "The field \"" + key + "\" is set by the server, not taken from a request");
}

inline result<json> object_body(const http::request& req) {
  auto j = json_io::parse(req.message().body());
  if (!j) return j.err();
  if (!j->is_object()) return error(errc::wrong_type, {}, "Nội dung phải là một đối tượng JSON", "The body must be a JSON object");
  return std::move(*j);
}

// A string member of a request body ("" when absent or null); another type is an error.
inline result<std::string> string_member(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::string();
  if (!it->is_string()) return error(errc::wrong_type, std::string("/") + key, "Phải là chuỗi", "Must be a string");
  return it->get<std::string>();
}

// Only these members of a request body are read; any other is refused by name, so a client that
// sends state, signatures, history or computed values learns they are the server's.
inline result<void> only_members(const json& j, std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, _] : j.items())
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) return field_refused(key);
  return {};
}

// The values a client sends: code, number, flag, text, comment and justification of each. What
// the store said (computed_number, computed_flag) is the server's: dropped, never taken.
inline result<std::vector<indicator_value>> client_values(const json& j) {
  if (!j.is_array())
    return error(errc::wrong_type, "/values", "Phải là mảng giá trị chỉ tiêu", "Must be an array of indicator values");
  if (j.size() > 1000) return error(errc::too_large, "/values", "Quá nhiều giá trị", "Too many values");
  std::vector<indicator_value> out;
  out.reserve(j.size());
  for (std::size_t i = 0; i < j.size(); ++i) {
    const auto& v = j[i];
    const std::string at = "/values/" + std::to_string(i);
    if (!v.is_object()) return error(errc::wrong_type, at, "Mỗi giá trị phải là một đối tượng JSON", "Each value must be a JSON object");
    json clean = json::object();
    for (const auto& [key, x] : v.items()) {
      if (key == "computed_number" || key == "computed_flag") continue;
      if (key != "code" && key != "number" && key != "flag" && key != "text" && key != "comment" && key != "justification")
        return error(errc::validation_failed, at + "/" + key, "Trường không biết: " + key, "Unknown field: " + key);
      clean[key] = x;
    }
    auto one = from_json_value<indicator_value>(clean);
    if (!one) {
      auto e = one.err();
      e.path = at + e.path;
      return e;
    }
    out.push_back(std::move(*one));
  }
  return out;
}

inline json rate_json(const reports::rate_row& r) {
  return {{"level", r.level},       {"expected", r.expected}, {"on_time", r.on_time},           {"late", r.late},
          {"missing", r.missing},   {"excused", r.excused},   {"completeness", r.completeness}, {"timeliness", r.timeliness}};
}

inline json completeness_json(const reports::completeness_report& c) {
  json levels = json::array();
  for (const auto& r : c.by_level) levels.push_back(rate_json(r));
  json missing = json::array();
  for (const auto& u : c.missing_units) missing.push_back(u.value);
  return {{"period", c.period.value}, {"unit", c.unit.value}, {"by_level", std::move(levels)}, {"missing_units", std::move(missing)}};
}

}  // namespace api_reports_detail

PBGDPL_DECL void api::reports_routes() {
  using namespace api_detail;
  using namespace api_reports_detail;

  // The caller as an account of the portal: a key or a session of a person the store knows. A
  // vendor's own login with no account here cannot act on reports.
  auto account_of = [this](const http::principal& who) -> result<account> {
    auto a = db_.get<account>(who.id);
    if (!a || a->disabled)
      return error(errc::permission_denied, {}, "Báo cáo chỉ dành cho tài khoản của cổng", "Reports are for the portal's accounts only");
    return std::move(*a);
  };
  auto reader = [this, account_of](const http::request& req) -> result<account> {
    auto c = identify(req);
    if (!c) return c.err();
    if (!*c)
      return error(errc::unauthenticated, {}, "Báo cáo không công khai: cần đăng nhập hoặc khóa API (Authorization: Bearer ...)",
                   "Reports are not public: a login or an API key is required (Authorization: Bearer ...)");
    return account_of((*c)->who);
  };
  auto writer_account = [this, account_of](const http::request& req) -> result<account> {
    auto c = writer(req);
    if (!c) return c.err();
    return account_of(c->who);
  };
  // A round's tree, read once per request and round.
  struct trees {
    store::store& db;
    std::map<std::string, std::shared_ptr<unit_directory>, std::less<>> by_period;
    result<std::shared_ptr<unit_directory>> of(const report_period_id& id) {
      if (auto it = by_period.find(id.value); it != by_period.end()) return it->second;
      auto p = db.get<report_period>(id.value);
      if (!p) return p.err();
      auto t = report_tree(db, *p);
      if (!t) return t.err();
      auto ptr = std::make_shared<unit_directory>(std::move(*t));
      by_period.emplace(id.value, ptr);
      return ptr;
    }
  };
  // The submission the path names, when the caller may see it; else the 404 of a missing one.
  auto visible = [this](const account& who, std::string_view id) -> result<report_submission> {
    auto s = db_.get<report_submission>(id);
    if (!s) return s.err().code == errc::not_found ? hidden_submission(id) : s.err();
    trees t{db_, {}};
    auto tree = t.of(s->period_id);
    if (!tree) return tree.err();
    if (!may_see_report(who, s->unit, **tree)) return hidden_submission(id);
    return std::move(*s);
  };
  auto write_guard = [this](http::request& req) -> std::optional<http::response> {
    if (auto limited = write_limiter_.check(req)) return std::move(*limited);
    if (auto refused = not_json(req)) return std::move(*refused);
    return std::nullopt;
  };
  // The account's signing key, opened with the password of the body.
  auto signing_key = [this](const account& who, const json& body) -> result<trust::secret_key> {
    auto password = string_member(body, "password");
    if (!password) return password.err();
    if (password->empty())
      return error(errc::missing_field, "/password", "Cần mật khẩu của tài khoản để mở khóa ký (password)",
                   "The account's password is needed to open its signing key (password)");
    if (!opt_.signing_key)
      return error(errc::permission_denied, {}, "Máy chủ này không ký báo cáo qua API", "This server does not sign reports through the API");
    return opt_.signing_key(who.id, *password);
  };

  routes_->get("/v1/reports/templates", [this, reader](http::request& req) {
    auto who = reader(req);
    if (!who) return error_json(who.err());
    store::list_query q;
    q.limit = 100;
    json items = json::array();
    for (std::size_t pages = 0; pages < 20; ++pages) {
      auto p = db_.list<report_template>(q);
      if (!p) return error_json(p.err());
      for (const auto& t : p->items) items.push_back(to_json_value(t));
      if (p->next_cursor.empty()) break;
      q.cursor = p->next_cursor;
    }
    return private_json({{"items", std::move(items)}});
  });

  routes_->get("/v1/reports/periods", [this, reader](http::request& req) {
    auto who = reader(req);
    if (!who) return error_json(who.err());
    store::list_query q;
    q.limit = 100;
    if (auto t = req.query("template"); t && !t->empty()) q.where.category = std::string(*t);
    std::vector<report_period> all;
    for (std::size_t pages = 0; pages < 20; ++pages) {
      auto p = db_.list<report_period>(q);
      if (!p) return error_json(p.err());
      for (auto& x : p->items) all.push_back(std::move(x));
      if (p->next_cursor.empty()) break;
      q.cursor = p->next_cursor;
    }
    std::sort(all.begin(), all.end(), [](const report_period& a, const report_period& b) { return calendar_before(b, a); });
    // With unit=: each round's completeness below that unit, where the caller may see it.
    const auto unit = std::string(req.query("unit").value_or(""));
    trees t{db_, {}};
    const auto at = now();
    json items = json::array();
    for (const auto& p : all) {
      auto j = to_json_value(p);
      j["label"] = report_period_label_vi(p);
      j["label_en"] = report_period_label_en(p);
      auto w = window_of(p);
      j["window"] = {{"from", format_date(w.from)}, {"to", format_date(w.to)}};
      if (!unit.empty()) {
        auto tree = t.of(p.id);
        if (!tree) return error_json(tree.err());
        if (may_see_report(*who, unit_id{unit}, **tree)) {
          auto c = reports::completeness(db_, p.id, unit_id{unit}, at);
          j["completeness"] = c ? completeness_json(*c) : json(nullptr);
        } else {
          j["completeness"] = nullptr;
        }
      }
      items.push_back(std::move(j));
    }
    return private_json({{"items", std::move(items)}});
  });

  routes_->get("/v1/reports/periods/{id}/completeness", [this, reader](http::request& req) {
    auto who = reader(req);
    if (!who) return error_json(who.err());
    auto p = db_.get<report_period>(req.param("id"));
    if (!p) return error_json(p.err());
    const auto unit = std::string(req.query("unit").value_or(""));
    if (unit.empty())
      return error_json(error(errc::missing_field, "/unit", "Cần chọn đơn vị cấp trên (unit=...)", "The unit above is required (unit=...)"));
    auto tree = report_tree(db_, *p);
    if (!tree) return error_json(tree.err());
    if (!may_see_report(*who, unit_id{unit}, *tree))
      return error_json(error(errc::permission_denied, "/unit", "Tài khoản không xem được báo cáo của đơn vị " + unit,
                              "The account may not see the reports of unit " + unit));
    auto c = reports::completeness(db_, p->id, unit_id{unit}, now());
    if (!c) return error_json(c.err());
    return private_json(completeness_json(*c));
  });

  routes_->get("/v1/reports/submissions", [this, reader](http::request& req) {
    auto who = reader(req);
    if (!who) return error_json(who.err());
    auto limit = parse_limit(req.query("limit"));
    if (!limit) return error_json(limit.err());
    store::list_query q;
    q.limit = 100;
    q.cursor = std::string(req.query("cursor").value_or(""));
    if (auto v = req.query("period"); v && !v->empty()) q.where.category = std::string(*v);
    if (auto v = req.query("unit"); v && !v->empty()) q.where.unit = std::string(*v);
    if (auto v = req.query("state"); v && !v->empty()) q.where.state = std::string(*v);
    // As the collections: only what the caller may see, the cursor from the last item returned,
    // hidden ones skipped server-side up to list_scan_pages store pages.
    trees t{db_, {}};
    json items = json::array();
    std::string next;
    for (std::size_t scanned = 0;; ++scanned) {
      auto p = db_.list<report_submission>(q);
      if (!p) return error_json(p.err());
      bool full = false;
      for (const auto& s : p->items) {
        auto tree = t.of(s.period_id);
        if (!tree || !may_see_report(*who, s.unit, **tree)) continue;
        if (items.size() >= *limit) {
          full = true;
          break;
        }
        items.push_back(to_json_value(s));
        store::record r;
        store::entity_traits<report_submission>::index(s, r);
        next = store::key_cursor(r.sort_key, s.id.value);
      }
      if (full) break;
      if (p->next_cursor.empty()) {
        next.clear();
        break;
      }
      if (!items.empty() && items.size() >= *limit) break;
      if (scanned + 1 >= list_scan_pages) {
        if (items.empty()) next.clear();
        break;
      }
      q.cursor = p->next_cursor;
    }
    json body{{"items", std::move(items)}};
    body["next_cursor"] = next.empty() ? json(nullptr) : json(next);
    return private_json(body);
  });

  routes_->get("/v1/reports/submissions/{id}", [reader, visible](http::request& req) {
    auto who = reader(req);
    if (!who) return error_json(who.err());
    auto s = visible(*who, req.param("id"));
    if (!s) return error_json(s.err());
    return private_json(to_json_value(*s));
  });

  // One report as its Decree 30 document (HTML to print, or PDF), for units that still send by mail.
  routes_->get("/v1/reports/submissions/{id}/document", [this, reader, visible](http::request& req) {
    auto who = reader(req);
    if (!who) return error_json(who.err());
    auto s = visible(*who, req.param("id"));
    if (!s) return error_json(s.err());
    auto p = db_.get<report_period>(s->period_id.value);
    if (!p) return error_json(p.err());
    auto t = db_.get<report_template>(s->template_id.value);
    if (!t) return error_json(t.err());
    auto units = db_.all_units();
    if (!units) return error_json(units.err());
    const auto format = std::string(req.query("format").value_or("html"));
    // The report's signer is the account that sent it (signed it), never whoever downloads it.
    account signer;
    if (s->submitted_by)
      if (auto sent_by = db_.get<account>(s->submitted_by->value)) signer = std::move(*sent_by);
    auto f = submission_file(*t, *p, *s, std::move(*units), format, signer, now());
    if (!f) return error_json(f.err());
    http::response r(http::status::ok);
    r.set("Content-Type", f->content_type);
    r.set("Cache-Control", "private, no-store");
    r.set("X-Content-Type-Options", "nosniff");
    if (format == "html") r.set("Content-Security-Policy", std::string(api_reports_detail::printable_document_csp));
    if (format == "pdf") r.set("Content-Disposition", "attachment; filename=\"" + f->file_name + "\"");
    r.body = std::move(f->body);
    r.cacheable = false;
    return r;
  });

  // Opens the unit's draft for a round (pre-filled from the store), or answers the one there is.
  routes_->post("/v1/reports/submissions", [this, writer_account, write_guard](http::request& req) {
    if (auto refused = write_guard(req)) return std::move(*refused);
    auto who = writer_account(req);
    if (!who) return error_json(who.err());
    auto body = object_body(req);
    if (!body) return error_json(body.err());
    if (auto ok = only_members(*body, {"period", "unit"}); !ok) return error_json(ok.err());
    auto period = string_member(*body, "period");
    if (!period) return error_json(period.err());
    auto unit = string_member(*body, "unit");
    if (!unit) return error_json(unit.err());
    if (period->empty()) return error_json(error(errc::missing_field, "/period", "Cần chọn kỳ báo cáo", "The round is required"));
    if (unit->empty()) return error_json(error(errc::missing_field, "/unit", "Cần chọn đơn vị", "The unit is required"));
    const bool existed = db_.get<report_submission>(reports::submission_id_for(report_period_id{*period}, unit_id{*unit}).value).has_value();
    auto s = reports::open_draft(db_, report_period_id{*period}, unit_id{*unit}, report_actor(db_, *who), now());
    if (!s) return error_json(s.err());
    auto r = private_json(to_json_value(*s), existed ? http::status::ok : http::status::created);
    if (!existed) r.set("Location", mount_base(opt_, req) + "/v1/reports/submissions/" + http::percent_encode(s->id.value));
    return r;
  });

  routes_->put("/v1/reports/submissions/{id}/values", [this, writer_account, write_guard, visible](http::request& req) {
    if (auto refused = write_guard(req)) return std::move(*refused);
    auto who = writer_account(req);
    if (!who) return error_json(who.err());
    auto body = object_body(req);
    if (!body) return error_json(body.err());
    if (auto ok = only_members(*body, {"values", "version"}); !ok) return error_json(ok.err());
    auto current = visible(*who, req.param("id"));
    if (!current) return error_json(current.err());
    auto it = body->find("values");
    if (it == body->end()) return error_json(error(errc::missing_field, "/values", "Cần các giá trị (values)", "values is required"));
    auto values = client_values(*it);
    if (!values) return error_json(values.err());
    std::optional<std::uint64_t> expected;
    if (auto v = body->find("version"); v != body->end() && !v->is_null()) {
      if (!v->is_number_unsigned())
        return error_json(error(errc::wrong_type, "/version", "Phải là số nguyên không âm", "Must be a non-negative integer"));
      expected = v->get<std::uint64_t>();
    }
    auto s = reports::save_values(db_, current->id, std::move(*values), report_actor(db_, *who), now(), expected);
    if (!s) return error_json(s.err());
    return private_json(to_json_value(*s));
  });

  routes_->post("/v1/reports/submissions/{id}/refresh", [this, writer_account, write_guard, visible](http::request& req) {
    if (auto refused = write_guard(req)) return std::move(*refused);
    auto who = writer_account(req);
    if (!who) return error_json(who.err());
    auto current = visible(*who, req.param("id"));
    if (!current) return error_json(current.err());
    auto s = reports::refresh_computed(db_, current->id, report_actor(db_, *who), now());
    if (!s) return error_json(s.err());
    return private_json(to_json_value(*s));
  });

  routes_->post("/v1/reports/submissions/{id}/submit", [this, writer_account, write_guard, visible, signing_key](http::request& req) {
    if (auto refused = write_guard(req)) return std::move(*refused);
    auto who = writer_account(req);
    if (!who) return error_json(who.err());
    auto body = object_body(req);
    if (!body) return error_json(body.err());
    if (auto ok = only_members(*body, {"password"}); !ok) return error_json(ok.err());
    auto current = visible(*who, req.param("id"));
    if (!current) return error_json(current.err());
    auto key = signing_key(*who, *body);
    if (!key) return error_json(key.err());
    auto s = reports::submit(db_, current->id, report_actor(db_, *who), *key, now());
    if (!s) return error_json(s.err());
    return private_json(to_json_value(*s));
  });

  routes_->post("/v1/reports/submissions/{id}/approve", [this, writer_account, write_guard, visible, signing_key](http::request& req) {
    if (auto refused = write_guard(req)) return std::move(*refused);
    auto who = writer_account(req);
    if (!who) return error_json(who.err());
    auto body = object_body(req);
    if (!body) return error_json(body.err());
    if (auto ok = only_members(*body, {"password", "note"}); !ok) return error_json(ok.err());
    auto note = string_member(*body, "note");
    if (!note) return error_json(note.err());
    auto current = visible(*who, req.param("id"));
    if (!current) return error_json(current.err());
    auto key = signing_key(*who, *body);
    if (!key) return error_json(key.err());
    auto s = reports::approve(db_, current->id, report_actor(db_, *who), *key, now(), std::move(*note));
    if (!s) return error_json(s.err());
    return private_json(to_json_value(*s));
  });

  routes_->post("/v1/reports/submissions/{id}/return", [this, writer_account, write_guard, visible](http::request& req) {
    if (auto refused = write_guard(req)) return std::move(*refused);
    auto who = writer_account(req);
    if (!who) return error_json(who.err());
    auto body = object_body(req);
    if (!body) return error_json(body.err());
    if (auto ok = only_members(*body, {"note"}); !ok) return error_json(ok.err());
    auto note = string_member(*body, "note");
    if (!note) return error_json(note.err());
    auto current = visible(*who, req.param("id"));
    if (!current) return error_json(current.err());
    auto s = reports::return_to_unit(db_, current->id, report_actor(db_, *who), now(), std::move(*note));
    if (!s) return error_json(s.err());
    return private_json(to_json_value(*s));
  });

  routes_->post("/v1/reports/excuses", [this, writer_account, write_guard](http::request& req) {
    if (auto refused = write_guard(req)) return std::move(*refused);
    auto who = writer_account(req);
    if (!who) return error_json(who.err());
    auto body = object_body(req);
    if (!body) return error_json(body.err());
    if (auto ok = only_members(*body, {"period", "unit", "reason"}); !ok) return error_json(ok.err());
    auto period = string_member(*body, "period");
    if (!period) return error_json(period.err());
    auto unit = string_member(*body, "unit");
    if (!unit) return error_json(unit.err());
    auto reason = string_member(*body, "reason");
    if (!reason) return error_json(reason.err());
    auto s = reports::excuse(db_, report_period_id{*period}, unit_id{*unit}, report_actor(db_, *who), now(), std::move(*reason));
    if (!s) return error_json(s.err());
    return private_json(to_json_value(*s));
  });

  // The roll-up of a round below a unit, as JSON or one of the downloads.
  routes_->get("/v1/reports/rollup", [this, reader](http::request& req) {
    auto who = reader(req);
    if (!who) return error_json(who.err());
    const auto period = std::string(req.query("period").value_or(""));
    const auto unit = std::string(req.query("unit").value_or(""));
    const auto format = std::string(req.query("format").value_or("json"));
    if (period.empty()) return error_json(error(errc::missing_field, "/period", "Cần chọn kỳ báo cáo (period=...)", "The round is required (period=...)"));
    if (unit.empty()) return error_json(error(errc::missing_field, "/unit", "Cần chọn đơn vị (unit=...)", "The unit is required (unit=...)"));
    auto p = db_.get<report_period>(period);
    if (!p) return error_json(p.err());
    auto tree = report_tree(db_, *p);
    if (!tree) return error_json(tree.err());
    if (!may_see_report(*who, unit_id{unit}, *tree))
      return error_json(error(errc::permission_denied, "/unit", "Tài khoản không xem được báo cáo của đơn vị " + unit,
                              "The account may not see the reports of unit " + unit));
    auto in = load_rollup_input(db_, report_period_id{period});
    if (!in) return error_json(in.err());
    auto f = rollup_file(*in, unit_id{unit}, format, *who, now(), std::string(req.query("to").value_or("")));
    if (!f) return error_json(f.err());
    http::response r(http::status::ok);
    r.set("Content-Type", f->content_type);
    r.set("Cache-Control", "private, no-store");
    r.set("X-Content-Type-Options", "nosniff");
    if (format == "html") r.set("Content-Security-Policy", std::string(api_reports_detail::printable_document_csp));
    // A download unless it is the JSON (read by programs) or the printable HTML (opened in a tab).
    if (format != "json" && format != "html")
      r.set("Content-Disposition", "attachment; filename=\"" + f->file_name + "\"");
    r.body = std::move(f->body);
    r.cacheable = false;
    return r;
  });
}

PBGDPL_DECL void api::reports_openapi(json& paths, const json& id_param, const json& key_only, const json& read_responses,
                                     const json& write_responses) {
  auto op = [&](const char* id, const char* summary, const json& params, bool write, json body = nullptr) {
    json o{{"operationId", id}, {"summary", summary}, {"security", key_only}, {"responses", write ? write_responses : read_responses}};
    if (!params.empty()) o["parameters"] = params;
    if (!body.is_null()) o["requestBody"] = {{"required", true}, {"content", {{"application/json", {{"schema", body}}}}}};
    return o;
  };
  auto q = [](const char* name, bool required, const char* description) {
    return json{{"name", name}, {"in", "query"}, {"required", required}, {"description", description}, {"schema", {{"type", "string"}}}};
  };
  auto obj = [](json props, json required) {
    json o{{"type", "object"}, {"additionalProperties", false}, {"properties", std::move(props)}};
    if (!required.empty()) o["required"] = std::move(required);  // OpenAPI 3.0: never an empty list
    return o;
  };
  const json str{{"type", "string"}};
  const json password{{"type", "string"}, {"format", "password"},
                      {"description", "The account's password: it opens the account's signing key (minisign) for this one signature"}};
  json value_schema{{"type", "object"},
                    {"required", json::array({"code"})},
                    {"description", "computed_number and computed_flag are the server's: ignored when sent"},
                    {"properties", {{"code", str},
                                    {"number", {{"type", "number"}}},
                                    {"flag", {{"type", "boolean"}}},
                                    {"text", str},
                                    {"comment", str},
                                    {"justification", {{"type", "string"}, {"description", "Required when the value differs from the computed one"}}}}}};
  paths["/api/v1/reports/templates"] = {{"get", op("listReportTemplates", "Report templates (the plan's indicators, by edition)", json::array(), false)}};
  paths["/api/v1/reports/periods"] = {
      {"get", op("listReportPeriods", "Report rounds, newest first; with unit=, each round's completeness below that unit",
                 json::array({q("template", false, "Only the rounds of this template"),
                              q("unit", false, "The unit above the schools whose completeness to add")}),
                 false)}};
  json completeness_params = id_param;
  completeness_params.push_back(q("unit", true, "The unit above the schools"));
  paths["/api/v1/reports/periods/{id}/completeness"] = {
      {"get", op("getReportCompleteness", "Expected, on time, late, missing and excused reports of a round per school level",
                 completeness_params, false)}};
  paths["/api/v1/reports/submissions"] = {
      {"get", op("listReportSubmissions", "The reports the caller may see (its units', and those of the units it reviews)",
                 json::array({q("period", false, "A round"), q("unit", false, "A unit"), q("state", false, "draft, submitted, accepted, returned, excused"),
                              q("cursor", false, "next_cursor of the previous page"), q("limit", false, "1 to 100")}),
                 false)},
      {"post", op("openReportDraft", "Open the unit's draft for a round, pre-filled from the store (or the report there is)", json::array(), true,
                  obj({{"period", str}, {"unit", str}}, json::array({"period", "unit"})))}};
  paths["/api/v1/reports/submissions/{id}"] = {{"get", op("getReportSubmission", "One report", id_param, false)}};
  json document_params = id_param;
  document_params.push_back({{"name", "format"}, {"in", "query"}, {"required", false},
                             {"schema", {{"type", "string"}, {"enum", json::array({"html", "pdf"})}, {"default", "html"}}}});
  paths["/api/v1/reports/submissions/{id}/document"] = {
      {"get", op("getReportDocument", "One report as its Decree 30/2020 document (HTML to print, or PDF)", document_params, false)}};
  paths["/api/v1/reports/submissions/{id}/values"] = {
      {"put", op("saveReportValues", "Save a draft's values (an override of a computed value needs a justification)", id_param, true,
                 obj({{"values", {{"type", "array"}, {"items", value_schema}}}, {"version", {{"type", "integer"}}}}, json::array({"values"})))}};
  paths["/api/v1/reports/submissions/{id}/refresh"] = {
      {"post", op("refreshReportValues", "Compute the indicators again from the store", id_param, true, obj(json::object(), json::array()))}};
  paths["/api/v1/reports/submissions/{id}/submit"] = {
      {"post", op("submitReport", "Send the report, signed with the account's key", id_param, true,
                  obj({{"password", password}}, json::array({"password"})))}};
  paths["/api/v1/reports/submissions/{id}/approve"] = {
      {"post", op("approveReport", "Approve (and lock) a school's report, signed with the reviewer's key", id_param, true,
                  obj({{"password", password}, {"note", str}}, json::array({"password"})))}};
  paths["/api/v1/reports/submissions/{id}/return"] = {
      {"post", op("returnReport", "Return a report to its unit with a note (reopens it)", id_param, true,
                  obj({{"note", str}}, json::array({"note"})))}};
  paths["/api/v1/reports/excuses"] = {
      {"post", op("excuseReport", "Excuse a unit from a round, with the reason", json::array(), true,
                  obj({{"period", str}, {"unit", str}, {"reason", str}}, json::array({"period", "unit", "reason"})))}};
  json formats = json::array();
  for (auto f : report_formats) formats.push_back(std::string(f));
  json rollup_params = json::array({q("period", true, "The round"), q("unit", true, "The unit above the schools"),
                                    json{{"name", "format"}, {"in", "query"}, {"required", false},
                                         {"schema", {{"type", "string"}, {"enum", formats}, {"default", "json"}}},
                                         {"description", "json; csv (unit,period,indicator,breakdown,value,comment); xlsx; html and pdf "
                                                         "(the Decree 30/2020 report); eml (an e-mail with the PDF, XLSX and CSV)"}}});
  paths["/api/v1/reports/rollup"] = {
      {"get", op("getReportRollup", "The roll-up of a round below a unit: schools, levels, totals, KPIs, ranking", rollup_params, false)}};
}

}  // namespace portal
PBGDPL_NAMESPACE_END
