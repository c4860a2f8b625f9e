// The yearly reports from Python (first half): templates and editions, computed indicators,
// validation of values against a template, the signed workflow (draft, save, submit, approve,
// return, excuse), the tamper check and the reporting periods. Records cross as JSON dicts
// (pbgdpl/reports.py turns them into model objects); the roll-ups and exports are in
// reports_rollup.cpp. Every call that reads or writes the store releases the GIL.
#include "py_common.hpp"
#include "reports_common.hpp"

#include <pbgdpl/model/credential.hpp>
#include <pbgdpl/reports/indicators.hpp>
#include <pbgdpl/reports/periods.hpp>
#include <pbgdpl/reports/templates.hpp>
#include <pbgdpl/reports/validation.hpp>
#include <pbgdpl/reports/workflow.hpp>
#include <pbgdpl/trust/minisign.hpp>

namespace pbgdpl::python {

timestamp timestamp_arg(py::handle o, const char* path) {
  if (o.is_none()) return pbgdpl::now();
  json j = from_py(o);
  if (!j.is_string())
    raise(error(errc::wrong_type, path, "Cần một thời điểm (datetime)", "Expected a point in time (datetime)"));
  return unwrap(parse_timestamp(j.get<std::string>()));
}

date date_arg(py::handle o, const char* path) {
  json j = from_py(o);
  if (!j.is_string())
    raise(error(errc::wrong_type, path, "Cần một ngày (datetime.date)", "Expected a date (datetime.date)"));
  auto s = j.get<std::string>();
  if (s.size() > 10) {  // a datetime: its day in Hà Nội
    auto t = unwrap(parse_timestamp(s));
    return local_date(t);
  }
  return unwrap(parse_date(s));
}

py::list findings_to_py(const std::vector<reports::rule_finding>& fs) {
  py::list out;
  for (const auto& f : fs) {
    py::dict d;
    d["rule"] = f.rule;
    d["severity"] = std::string(to_string(f.severity));
    d["message_vi"] = f.message_vi;
    d["message_en"] = f.message_en;
    d["codes"] = f.codes;
    out.append(d);
  }
  return out;
}

namespace {

// Read with the GIL released, like every store call: a transaction on another thread holds the
// store's lock while its Python callable waits for the GIL, so a read made holding the GIL
// deadlocked both threads.
reports::actor actor_of(store::store& db, const std::string& account) {
  reports::actor a;
  result<pbgdpl::account> who = error(errc::internal);
  {
    gil_released nogil;
    who = db.get<pbgdpl::account>(account);
    if (who)
      if (auto c = db.get<credential>(who->id.value)) a.public_key = c->approval_public_key;
  }
  a.who = unwrap(std::move(who));
  return a;
}

trust::secret_key key_of(const std::string& text, const std::optional<std::string>& password) {
  auto k = password ? trust::secret_key::parse(text, std::string_view(*password)) : trust::secret_key::parse(text);
  return unwrap(std::move(k));
}

py::dict computed_to_py(const reports::computed_value& c) {
  py::dict d;
  d["code"] = c.code;
  d["number"] = c.number ? py::object(py::float_(*c.number)) : py::object(py::none());
  d["flag"] = c.flag ? py::object(py::bool_(*c.flag)) : py::object(py::none());
  d["evidence_vi"] = c.evidence_vi;
  d["evidence_en"] = c.evidence_en;
  return d;
}

py::list errors_to_py(const std::vector<error>& es) {
  py::list out;
  for (const auto& e : es) {
    py::dict d;
    d["code"] = std::string(errc_name(e.code));
    d["path"] = e.path;
    d["message_vi"] = e.message_vi;
    d["message_en"] = e.message_en;
    out.append(d);
  }
  return out;
}

}  // namespace

void register_reports_rollup(py::module_& m);  // reports_rollup.cpp

void register_reports(py::module_& m) {
  using H = const store_handle&;
  // --- templates ---
  m.def(
      "reports_indicator_sources",
      [] {
        py::list out;
        for (const auto& s : reports::indicator_sources()) {
          py::dict d;
          d["key"] = std::string(s.key);
          d["label_vi"] = std::string(s.label_vi);
          d["label_en"] = std::string(s.label_en);
          d["kind"] = std::string(to_string(s.kind));
          out.append(d);
        }
        return out;
      },
      "The source keys an indicator may name to be computed from the store: list of dicts with key, "
      "label_vi, label_en and kind (the indicator kind it fills).");
  m.def(
      "reports_latest_edition",
      [](H h, const std::string& family) {
        auto keep = h.shared();  // owns the store across the GIL release (a close() on another thread)
        auto& db = *keep;
        result<report_template> r = [&] {
          gil_released nogil;
          return reports::latest_edition(db, family);
        }();
        return to_py(to_json_value(unwrap(std::move(r))));
      },
      py::arg("store"), py::arg("family"),
      "The newest edition (dict) of a template family. NotFoundError when the family has none.");
  m.def(
      "reports_next_edition",
      [](py::handle t) { return to_py(to_json_value(reports::next_edition(decode_arg<report_template>(t)))); },
      py::arg("template"),
      "The next edition of a template (dict): same family, edition + 1, id '<family>-v<edition>', not stored.");
  m.def(
      "reports_publish_edition",
      [](H h, py::handle t, const std::string& actor) {
        auto tmpl = decode_arg<report_template>(t);
        auto keep = h.shared();  // owns the store across the GIL release (a close() on another thread)
        auto& db = *keep;
        result<report_template> r = [&] {
          gil_released nogil;
          return reports::publish_edition(db, std::move(tmpl), actor);
        }();
        return to_py(to_json_value(unwrap(std::move(r))));
      },
      py::arg("store"), py::arg("template"), py::arg("actor"),
      "Stores a template as the next edition of its family (ConflictError unless its edition is the "
      "newest stored + 1). Returns the stored dict.");

  // --- indicators ---
  m.def(
      "reports_compute_indicators",
      [](H h, py::handle t, py::handle p, const std::string& unit) {
        auto keep = h.shared();  // owns the store across the GIL release (a close() on another thread)
        auto& db = *keep;
        auto tmpl = record_arg<report_template>(db, t);
        auto period = record_arg<report_period>(db, p);
        result<std::vector<reports::computed_value>> r = [&] {
          gil_released nogil;
          return reports::compute_indicators(db, tmpl, period, unit_id{unit});
        }();
        py::list out;
        for (const auto& c : unwrap(std::move(r))) out.append(computed_to_py(c));
        return out;
      },
      py::arg("store"), py::arg("template"), py::arg("period"), py::arg("unit"),
      "The template's computed indicators for one unit over the period's window: list of dicts with "
      "code, number, flag, evidence_vi, evidence_en. Template and period: id or dict.");

  // --- validation ---
  m.def(
      "reports_validate",
      [](py::handle t, py::handle s, bool as_sent) {
        auto tmpl = decode_arg<report_template>(t);
        auto sub = decode_arg<report_submission>(s);
        // Checked as the submission would be when sent: required values must be there.
        if (as_sent && (sub.state == submission_state::draft || sub.state == submission_state::returned))
          sub.state = submission_state::submitted;
        validator v;
        validate_against(sub, tmpl, v);
        py::dict d;
        d["errors"] = errors_to_py(v.problems());
        d["findings"] = findings_to_py(reports::check_rules(tmpl, sub));
        return d;
      },
      py::arg("template"), py::arg("submission"), py::arg("as_sent") = true,
      "Checks a submission's values against a template (as_sent: a draft as if it were being sent, so "
      "required values count): dict with 'errors' (missing or ill-typed "
      "values: code, path, message_vi, message_en) and 'findings' (failed rules: rule, severity "
      "'blocking' or 'warning', message_vi, message_en, codes).");

  // --- workflow ---
  m.def("reports_submission_id_for",
        [](const std::string& period, const std::string& unit) {
          return reports::submission_id_for(report_period_id{period}, unit_id{unit}).value;
        },
        py::arg("period"), py::arg("unit"), "The id of a unit's report in a period.");
  m.def("reports_signed_payload", [](py::handle s) { return reports::signed_payload(decode_arg<report_submission>(s)); },
        py::arg("submission"), "The text the submitter signs (compact JSON of what the report says).");
  m.def(
      "reports_open_draft",
      [](H h, const std::string& period, const std::string& unit, const std::string& actor, py::handle now) {
        auto keep = h.shared();  // owns the store across the GIL release (a close() on another thread)
        auto& db = *keep;
        auto t = timestamp_arg(now, "/now");
        auto a = actor_of(db, actor);
        result<report_submission> r = [&] {
          gil_released nogil;
          return reports::open_draft(db, report_period_id{period}, unit_id{unit}, a, t);
        }();
        return to_py(to_json_value(unwrap(std::move(r))));
      },
      py::arg("store"), py::arg("period"), py::arg("unit"), py::arg("actor"), py::arg("now") = py::none(),
      "Opens (or returns) the unit's report for the period, pre-filled with computed values. actor: "
      "the acting account's id.");
  m.def(
      "reports_save_values",
      [](H h, const std::string& id, py::handle values, const std::string& actor, py::handle now,
         std::optional<std::uint64_t> expected_version) {
        auto keep = h.shared();  // owns the store across the GIL release (a close() on another thread)
        auto& db = *keep;
        std::vector<indicator_value> vs;
        json j = from_py(values);
        if (!j.is_array())
          raise(error(errc::wrong_type, "/values", "Cần một danh sách giá trị", "Expected a list of values"));
        for (std::size_t i = 0; i < j.size(); ++i) {
          auto v = from_json_value<indicator_value>(j[i]);
          if (!v) {
            auto e = v.err();
            e.path = "/values/" + std::to_string(i) + e.path;
            raise(e);
          }
          vs.push_back(std::move(*v));
        }
        auto t = timestamp_arg(now, "/now");
        auto a = actor_of(db, actor);
        result<report_submission> r = [&] {
          gil_released nogil;
          return reports::save_values(db, submission_id{id}, std::move(vs), a, t, expected_version);
        }();
        return to_py(to_json_value(unwrap(std::move(r))));
      },
      py::arg("store"), py::arg("id"), py::arg("values"), py::arg("actor"), py::arg("now") = py::none(),
      py::arg("expected_version") = py::none(),
      "Changes values of a draft or returned report (list of indicator_value dicts). ValidationError "
      "for unknown codes, wrong types, overrides without justification; ConflictError on a stale version.");
  m.def(
      "reports_refresh_computed",
      [](H h, const std::string& id, const std::string& actor, py::handle now) {
        auto keep = h.shared();  // owns the store across the GIL release (a close() on another thread)
        auto& db = *keep;
        auto t = timestamp_arg(now, "/now");
        auto a = actor_of(db, actor);
        result<report_submission> r = [&] {
          gil_released nogil;
          return reports::refresh_computed(db, submission_id{id}, a, t);
        }();
        return to_py(to_json_value(unwrap(std::move(r))));
      },
      py::arg("store"), py::arg("id"), py::arg("actor"), py::arg("now") = py::none(),
      "Computes a draft's auto-filled values again from the store.");
  m.def(
      "reports_submit",
      [](H h, const std::string& id, const std::string& actor, const std::string& key, std::optional<std::string> password,
         py::handle now) {
        auto keep = h.shared();  // owns the store across the GIL release (a close() on another thread)
        auto& db = *keep;
        auto t = timestamp_arg(now, "/now");
        auto a = actor_of(db, actor);
        result<reports::submit_result> r = [&] {
          gil_released nogil;
          auto k = password ? trust::secret_key::parse(key, std::string_view(*password)) : trust::secret_key::parse(key);
          if (!k) return result<reports::submit_result>(k.err());
          return reports::submit_with_findings(db, submission_id{id}, a, *k, t);
        }();
        auto out = unwrap(std::move(r));
        py::dict d;
        d["submission"] = to_py(to_json_value(out.submission));
        d["warnings"] = findings_to_py(out.warnings);
        return d;
      },
      py::arg("store"), py::arg("id"), py::arg("actor"), py::arg("key"), py::arg("password") = py::none(),
      py::arg("now") = py::none(),
      "Sends a report signed with the minisign secret key text `key`: dict with 'submission' and "
      "'warnings'. ValidationError (validation_failed, findings in details) when a blocking rule fails.");
  m.def(
      "reports_approve",
      [](H h, const std::string& id, const std::string& actor, const std::string& key, std::optional<std::string> password,
         py::handle now, std::string note) {
        auto keep = h.shared();  // owns the store across the GIL release (a close() on another thread)
        auto& db = *keep;
        auto t = timestamp_arg(now, "/now");
        auto a = actor_of(db, actor);
        auto k = key_of(key, password);
        result<report_submission> r = [&] {
          gil_released nogil;
          return reports::approve(db, submission_id{id}, a, k, t, std::move(note));
        }();
        return to_py(to_json_value(unwrap(std::move(r))));
      },
      py::arg("store"), py::arg("id"), py::arg("actor"), py::arg("key"), py::arg("password") = py::none(),
      py::arg("now") = py::none(), py::arg("note") = "",
      "Accepts a sent report (signed by the approver's key text); it is locked afterwards.");
  m.def(
      "reports_return_to_unit",
      [](H h, const std::string& id, const std::string& actor, py::handle now, std::string note) {
        auto keep = h.shared();  // owns the store across the GIL release (a close() on another thread)
        auto& db = *keep;
        auto t = timestamp_arg(now, "/now");
        auto a = actor_of(db, actor);
        result<report_submission> r = [&] {
          gil_released nogil;
          return reports::return_to_unit(db, submission_id{id}, a, t, std::move(note));
        }();
        return to_py(to_json_value(unwrap(std::move(r))));
      },
      py::arg("store"), py::arg("id"), py::arg("actor"), py::arg("now") = py::none(), py::arg("note") = "",
      "Sends a sent or accepted report back to its unit with a (required) note.");
  m.def(
      "reports_excuse",
      [](H h, const std::string& period, const std::string& unit, const std::string& actor, py::handle now,
         std::string reason) {
        auto keep = h.shared();  // owns the store across the GIL release (a close() on another thread)
        auto& db = *keep;
        auto t = timestamp_arg(now, "/now");
        auto a = actor_of(db, actor);
        result<report_submission> r = [&] {
          gil_released nogil;
          return reports::excuse(db, report_period_id{period}, unit_id{unit}, a, t, std::move(reason));
        }();
        return to_py(to_json_value(unwrap(std::move(r))));
      },
      py::arg("store"), py::arg("period"), py::arg("unit"), py::arg("actor"), py::arg("now") = py::none(),
      py::arg("reason") = "",
      "Marks that no report is expected from the unit this round (a reason is required).");
  m.def(
      "reports_verify_submission",
      [](py::handle s, const std::string& submitter, std::optional<std::string> approver) {
        auto sub = decode_arg<report_submission>(s);
        auto pk = unwrap(trust::public_key::parse(submitter));
        std::optional<trust::public_key> ak;
        if (approver) ak = unwrap(trust::public_key::parse(*approver));
        unwrap(reports::verify_submission(sub, pk, ak ? &*ak : nullptr));
      },
      py::arg("submission"), py::arg("submitter"), py::arg("approver") = py::none(),
      "Checks a report's signatures offline against the submitter's (and approver's) public key text. "
      "Raises SignatureError (bad_signature, unknown_key, tampered) when it does not verify.");

  // --- periods ---
  m.def("reports_period_id_for",
        [](const std::string& t, int year, int round) {
          if (round != 1 && round != 2)
            raise(error(errc::out_of_range, "/round", "Đợt phải là 1 hoặc 2", "The round must be 1 or 2"));
          return reports::period_id_for(report_template_id{t}, year, round == 1 ? report_round::first : report_round::second).value;
        },
        py::arg("template"), py::arg("calendar_year"), py::arg("round"), "The id of a template's period (round 1 or 2).");
  m.def(
      "reports_ensure_periods",
      [](H h, py::handle t, int year, py::handle round1_due, const std::string& actor) {
        auto keep = h.shared();  // owns the store across the GIL release (a close() on another thread)
        auto& db = *keep;
        auto tmpl = record_arg<report_template>(db, t);
        std::optional<date> due;
        if (!round1_due.is_none()) due = date_arg(round1_due, "/round1_due");
        result<std::vector<report_period>> r = [&] {
          gil_released nogil;
          return reports::ensure_periods(db, tmpl, year, due, actor);
        }();
        py::list out;
        for (const auto& p : unwrap(std::move(r))) out.append(to_py(to_json_value(p)));
        return out;
      },
      py::arg("store"), py::arg("template"), py::arg("calendar_year"), py::arg("round1_due") = py::none(),
      py::arg("actor") = "system",
      "The year's two periods of a template (created when missing): list of period dicts.");
  m.def(
      "reports_completeness",
      [](H h, const std::string& period, const std::string& above, py::handle now) {
        auto keep = h.shared();  // owns the store across the GIL release (a close() on another thread)
        auto& db = *keep;
        auto t = timestamp_arg(now, "/now");
        result<reports::completeness_report> r = [&] {
          gil_released nogil;
          return reports::completeness(db, report_period_id{period}, unit_id{above}, t);
        }();
        auto c = unwrap(std::move(r));
        py::dict d;
        d["period"] = c.period.value;
        d["unit"] = c.unit.value;
        d["due_on"] = format_date(c.due_on);
        d["due_passed"] = c.due_passed;
        py::list rows;
        for (const auto& x : c.by_level) {
          py::dict row;
          row["level"] = x.level;
          row["expected"] = x.expected;
          row["on_time"] = x.on_time;
          row["late"] = x.late;
          row["missing"] = x.missing;
          row["excused"] = x.excused;
          row["completeness"] = x.completeness;
          row["timeliness"] = x.timeliness;
          rows.append(row);
        }
        d["by_level"] = rows;
        py::list missing, late;
        for (const auto& u : c.missing_units) missing.append(u.value);
        for (const auto& u : c.late_units) late.append(u.value);
        d["missing_units"] = missing;
        d["late_units"] = late;
        return d;
      },
      py::arg("store"), py::arg("period"), py::arg("above"), py::arg("now") = py::none(),
      "Completeness and timeliness of a period's reports below a unit, by school level ('' = all, "
      "'mn', 'th', 'thcs'); rates are fractions 0..1.");

  register_reports_rollup(m);
}

}  // namespace pbgdpl::python
