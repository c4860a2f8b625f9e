// Signage timelines and yearly reports through the C API: signage::timeline (what plays when) and
// the reports workflow (open_draft, validate_against + check_rules, submit_with_findings), called
// as bindings/python/src/signage.cpp and reports.cpp call them.
#include "c_common.hpp"

#include <pbgdpl/model/credential.hpp>
#include <pbgdpl/model/report.hpp>
#include <pbgdpl/reports/validation.hpp>
#include <pbgdpl/reports/workflow.hpp>
#include <pbgdpl/signage/scheduler.hpp>
#include <pbgdpl/store/store.hpp>
#include <pbgdpl/trust/minisign.hpp>

#include <set>

namespace pbgdpl::c_api {
namespace {

template <class T>
std::vector<T> list_member(const json& o, const std::string& what) {
  auto it = o.find(what);
  if (it == o.end() || !it->is_array())
    fail(errc::wrong_type, "/" + what, "\"" + what + "\" phải là mảng", "\"" + what + "\" must be an array");
  std::vector<T> out;
  out.reserve(it->size());
  for (std::size_t i = 0; i < it->size(); ++i) {
    auto r = from_json_value<T>((*it)[i]);
    if (!r) {
      auto e = r.err();
      const std::string at = "/" + what + "/" + std::to_string(i);
      e.path = at + e.path;
      for (auto& d : e.details) d.path = at + d.path;
      fail(e);
    }
    out.push_back(std::move(*r));
  }
  return out;
}

// The schedule: every entry must name a playlist that is given (else nothing could play it).
signage::schedule_set schedule_from(const json& o) {
  signage::schedule_set s;
  s.entries = list_member<schedule_entry>(o, "entries");
  for (auto& p : list_member<playlist>(o, "playlists")) {
    auto id = p.id.value;
    s.playlists.emplace(std::move(id), std::move(p));
  }
  std::set<std::string> ids;
  for (std::size_t i = 0; i < s.entries.size(); ++i) {
    const auto& e = s.entries[i];
    if (!s.playlists.count(e.playlist.value))
      fail(errc::not_found, "/entries/" + std::to_string(i) + "/playlist",
           "Lịch phát nêu danh sách phát không có: \"" + e.playlist.value + "\"",
           "The schedule entry names a playlist that is not given: \"" + e.playlist.value + "\"");
    if (!ids.insert(e.id.value).second)
      fail(errc::already_exists, "/entries/" + std::to_string(i) + "/id",
           "Hai mục lịch trùng mã \"" + e.id.value + "\"",
           "Two schedule entries share the id \"" + e.id.value + "\"");
  }
  return s;
}

reports::actor actor_of(store::store& db, const std::string& account_arg) {
  reports::actor a;
  a.who = must(db.get<pbgdpl::account>(account_arg));
  if (auto c = db.get<credential>(a.who.id.value)) a.public_key = c->approval_public_key;
  return a;
}

template <class T>
T decode(const char* text, const char* name) {
  auto r = from_json_value<T>(json_arg(text, name));
  if (!r) {
    error e = r.err();
    e.path = "/" + std::string(name) + e.path;
    for (auto& d : e.details) d.path = "/" + std::string(name) + d.path;
    fail(e);
  }
  return std::move(*r);
}

std::string required_member(const json& o, const char* key) {
  std::string v = string_member(o, key);
  if (v.empty())
    fail(errc::missing_field, std::string("/") + key, std::string("Thiếu \"") + key + "\"",
         std::string("\"") + key + "\" is missing");
  return v;
}

json findings_json(const std::vector<reports::rule_finding>& fs) {
  json out = json::array();
  for (const auto& f : fs)
    out.push_back({{"rule", f.rule},
                   {"severity", std::string(to_string(f.severity))},
                   {"vi", f.message_vi},
                   {"en", f.message_en},
                   {"codes", f.codes}});
  return out;
}

}  // namespace
}  // namespace pbgdpl::c_api

using namespace pbgdpl;
using namespace pbgdpl::c_api;

extern "C" {

PBGDPL_C_API pbgdpl_c_status pbgdpl_signage_timeline(const char* request_json, char** out_json) {
  return barrier([&] {
    out_arg(out_json, "out_json");
    json o = json_arg(request_json, "request_json");
    auto s = schedule_from(o);
    const std::string zone = string_member(o, "time_zone", "Asia/Ho_Chi_Minh");
    auto z =
        zone == "Asia/Ho_Chi_Minh" ? signage::time_zone::vietnam() : must(signage::time_zone::locate(zone));
    auto day = must(parse_date(string_member(o, "day")));
    auto secs = [](timestamp t) { return static_cast<std::int64_t>(t.time_since_epoch().count()); };
    json out = json::array();
    for (const auto& x : signage::timeline(s, z, day))
      out.push_back({{"start", secs(x.start)},
                     {"end", secs(x.end)},
                     {"entry", x.entry},
                     {"playlist", x.playlist},
                     {"emergency", x.emergency},
                     {"fallback", x.fallback},
                     {"priority", x.priority}});
    put_json(out_json, out);
  });
}

PBGDPL_C_API pbgdpl_c_status pbgdpl_report_open_draft(pbgdpl_store* h, const char* request_json,
                                                      char** out_json) {
  return barrier([&] {
    out_arg(out_json, "out_json");
    auto s = shared_store(h);
    json o = json_arg(request_json, "request_json");
    auto who = actor_of(*s, required_member(o, "account"));
    auto period = report_period_id{required_member(o, "period")};
    auto unit = unit_id{required_member(o, "unit")};
    put_json(out_json,
             to_json_value(must(reports::open_draft(*s, period, unit, who, time_member(o, "now")))));
  });
}

PBGDPL_C_API pbgdpl_c_status pbgdpl_report_save_values(pbgdpl_store* h, const char* request_json,
                                                       char** out_json) {
  return barrier([&] {
    out_arg(out_json, "out_json");
    auto s = shared_store(h);
    json o = json_arg(request_json, "request_json");
    auto who = actor_of(*s, required_member(o, "account"));
    auto id = submission_id{required_member(o, "submission_id")};
    auto values = list_member<indicator_value>(o, "values");
    std::optional<std::uint64_t> expected;
    if (auto it = o.find("expected_version"); it != o.end() && !it->is_null()) {
      if (!it->is_number_unsigned())
        fail(errc::wrong_type, "/expected_version", "Phải là số nguyên dương", "Must be a positive integer");
      expected = it->get<std::uint64_t>();
    }
    put_json(out_json, to_json_value(must(reports::save_values(*s, id, std::move(values), who,
                                                               time_member(o, "now"), expected))));
  });
}

PBGDPL_C_API pbgdpl_c_status pbgdpl_report_validate(const char* template_json, const char* submission_json,
                                                    char** out_json) {
  return barrier([&] {
    out_arg(out_json, "out_json");
    auto tmpl = decode<report_template>(template_json, "template_json");
    auto sub = decode<report_submission>(submission_json, "submission_json");
    // Checked as the submission would be when sent: required values must be there.
    if (sub.state == submission_state::draft || sub.state == submission_state::returned)
      sub.state = submission_state::submitted;
    validator v;
    validate_against(sub, tmpl, v);
    json errors = json::array();
    for (const auto& e : v.problems())
      errors.push_back({{"code", std::string(errc_name(e.code))},
                        {"path", e.path},
                        {"vi", e.message_vi},
                        {"en", e.message_en}});
    auto findings = reports::check_rules(tmpl, sub);
    bool blocking = false;
    for (const auto& f : findings) blocking = blocking || f.severity == rule_severity::blocking;
    put_json(out_json, json{{"valid", errors.empty() && !blocking},
                            {"errors", errors},
                            {"findings", findings_json(findings)}});
  });
}

PBGDPL_C_API pbgdpl_c_status pbgdpl_report_submit(pbgdpl_store* h, const char* request_json,
                                                  const char* secret_key, const char* password,
                                                  char** out_json) {
  return barrier([&] {
    if (out_json) *out_json = nullptr;
    auto s = shared_store(h);
    json o = json_arg(request_json, "request_json");
    std::string key_text = text_arg(secret_key, "secret_key");
    auto k = password ? trust::secret_key::parse(key_text, std::string_view(text_arg(password, "password")))
                      : trust::secret_key::parse(key_text);
    std::fill(key_text.begin(), key_text.end(), '\0');
    if (!k) {
      error e = k.err();
      e.path = "/secret_key" + e.path;
      fail(e);
    }
    auto who = actor_of(*s, required_member(o, "account"));
    auto id = submission_id{required_member(o, "submission_id")};
    auto r = must(reports::submit_with_findings(*s, id, who, *k, time_member(o, "now")));
    put_json(out_json,
             json{{"submission", to_json_value(r.submission)}, {"warnings", findings_json(r.warnings)}});
  });
}

}  // extern "C"
