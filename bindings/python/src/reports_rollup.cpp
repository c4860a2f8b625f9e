// The yearly reports from Python (second half): the division's and the city's roll-up of a
// period (a _core.ReportsRollup holding the view, its template and period), trends across rounds, and
// the exports: CSV data values, the XLSX workbook, the Decree 30 document as HTML and PDF.
// Reading the store, rolling up and rendering release the GIL.
#include "py_common.hpp"
#include "reports_common.hpp"

#include <pbgdpl/reports/decree30.hpp>
#include <pbgdpl/reports/exports.hpp>
#include <pbgdpl/reports/rollup.hpp>
#include <pbgdpl/reports/templates.hpp>

#include <algorithm>
#include <optional>

namespace pbgdpl::python {

namespace {

struct rollup_handle {
  report_template tmpl;
  report_period period;
  std::vector<unit> units;
  unit_id above;
  std::optional<reports::division_view> division;
  std::optional<reports::city_view> city;
};

result<std::vector<report_submission>> period_submissions(store::store& db, const report_period_id& p) {
  store::filter f;
  f.category = p.value;
  auto all = reports::list_all<report_submission>(db, std::move(f), 20000);
  if (!all) return all.err();
  std::erase_if(*all, [&](const report_submission& s) { return s.period_id != p; });
  return all;
}

py::object json_text_to_py(const std::string& text) { return to_py(json::parse(text)); }

py::list data_values_to_py(const std::vector<reports::data_value>& vs) {
  py::list out;
  for (const auto& v : vs) {
    py::dict d;
    d["unit"] = v.unit;
    d["period"] = v.period;
    d["indicator"] = v.indicator;
    d["breakdown"] = v.breakdown;
    d["value"] = v.value;
    d["comment"] = v.comment;
    out.append(d);
  }
  return out;
}

std::vector<reports::data_value> data_values_arg(py::handle o) {
  json j = from_py(o);
  if (!j.is_array()) raise(error(errc::wrong_type, "", "Cần một danh sách giá trị", "Expected a list of data values"));
  std::vector<reports::data_value> out;
  for (std::size_t i = 0; i < j.size(); ++i) {
    const auto& x = j[i];
    if (!x.is_object())
      raise(error(errc::wrong_type, "/" + std::to_string(i), "Cần một đối tượng", "Expected a dict"));
    reports::data_value v;
    auto field = [&](const char* k, std::string& dst) {
      auto it = x.find(k);
      if (it == x.end() || it->is_null()) return;
      if (!it->is_string())
        raise(error(errc::wrong_type, "/" + std::to_string(i) + "/" + k, "Cần một chuỗi", "Expected a string"));
      dst = it->get<std::string>();
    };
    field("unit", v.unit);
    field("period", v.period);
    field("indicator", v.indicator);
    field("breakdown", v.breakdown);
    field("value", v.value);
    field("comment", v.comment);
    out.push_back(std::move(v));
  }
  return out;
}

// The frame of the document: the units' names on the period's due date, then what the caller gave.
reports::document_frame frame_arg(const std::vector<unit>& units, const unit_id& u, date on, py::handle o) {
  auto f = reports::frame_for(units, u, on);
  if (o.is_none()) return f;
  json j = from_py(o);
  if (!j.is_object()) raise(error(errc::wrong_type, "/frame", "Cần một dict", "Expected a dict"));
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    const std::string path = "/frame/" + k;
    auto text = [&](std::string& dst) {
      if (!it->is_string()) raise(error(errc::wrong_type, path, "Cần một chuỗi", "Expected a string"));
      dst = it->get<std::string>();
    };
    if (k == "parent_body") text(f.parent_body);
    else if (k == "issuing_body") text(f.issuing_body);
    else if (k == "number") text(f.number);
    else if (k == "issuer_code") text(f.issuer_code);
    else if (k == "place") text(f.place);
    else if (k == "summary") text(f.summary);
    else if (k == "authority") text(f.authority);
    else if (k == "signer_title") text(f.signer_title);
    else if (k == "signer_name") text(f.signer_name);
    else if (k == "issued_on") {
      if (!it->is_string()) raise(error(errc::wrong_type, path, "Cần một ngày", "Expected a date"));
      f.issued_on = unwrap(parse_date(it->get<std::string>()));
    } else if (k == "recipients") {
      if (!it->is_array()) raise(error(errc::wrong_type, path, "Cần một danh sách", "Expected a list"));
      f.recipients.clear();
      for (const auto& r : *it) {
        if (!r.is_string()) raise(error(errc::wrong_type, path, "Cần một chuỗi", "Expected a string"));
        f.recipients.push_back(r.get<std::string>());
      }
    } else {
      raise(error(errc::invalid_argument, path, "Trường không có trong khung văn bản: " + k,
                  "Not a field of the document frame: " + k));
    }
  }
  return f;
}

reports::report_document document_of(const rollup_handle& r, py::handle frame) {
  auto f = frame_arg(r.units, r.above, r.period.due_on, frame);
  if (r.city) return reports::city_document(r.tmpl, r.period, *r.city, std::move(f));
  return reports::division_document(r.tmpl, r.period, *r.division, std::move(f));
}

py::dict chart_to_py(const reports::trend_chart& c) {
  py::dict d;
  d["title"] = c.title;
  d["unit_label"] = c.unit_label;
  d["x_labels"] = c.x_labels;
  py::list series;
  for (const auto& s : c.series) {
    py::dict x;
    x["code"] = s.code;
    x["label"] = s.label;
    py::list vals;
    for (const auto& v : s.values) vals.append(v ? py::object(py::float_(*v)) : py::object(py::none()));
    x["values"] = vals;
    series.append(x);
  }
  d["series"] = series;
  return d;
}

}  // namespace

void register_reports_rollup(py::module_& m) {
  using H = const store_handle&;
  py::class_<rollup_handle>(m, "ReportsRollup",
                            "A period's roll-up at a division (or a ward's office) or at the city, with its "
                            "template and period, ready to export.")
      .def_property_readonly("is_city", [](const rollup_handle& r) { return r.city.has_value(); },
                             "True for a city view (areas), False for a division view (schools).")
      .def_property_readonly("template", [](const rollup_handle& r) { return to_py(to_json_value(r.tmpl)); },
                             "The template (dict).")
      .def_property_readonly("period", [](const rollup_handle& r) { return to_py(to_json_value(r.period)); },
                             "The period (dict).")
      .def("to_dict",
           [](const rollup_handle& r) {
             return json_text_to_py(r.city ? reports::to_json(*r.city) : reports::to_json(*r.division));
           },
           "The view as a dict, named as the library's JSON export (the portal's format=json).")
      .def("data_values",
           [](const rollup_handle& r) {
             return data_values_to_py(r.city ? reports::data_values(r.tmpl, *r.city) : reports::data_values(r.tmpl, *r.division));
           },
           "The view's data values: list of dicts unit, period, indicator, breakdown, value, comment.")
      .def("csv",
           [](const rollup_handle& r) {
             auto v = r.city ? reports::data_values(r.tmpl, *r.city) : reports::data_values(r.tmpl, *r.division);
             return reports::to_csv(v);
           },
           "The data values as CSV text (RFC 4180, CRLF, UTF-8 byte order mark, spreadsheet formulas guarded).")
      .def("xlsx",
           [](const rollup_handle& r) {
             if (r.city)
               raise(error(errc::invalid_argument, "", "Bảng tính chỉ có cho cấp phòng/phường",
                           "The workbook is made for a division's view only"));
             result<std::string> x = [&] {
               gil_released nogil;
               return reports::to_xlsx(r.tmpl, *r.division);
             }();
             return py::bytes(unwrap(std::move(x)));
           },
           "The Excel workbook (bytes of the .xlsx): a summary sheet and the data values. Division views only.")
      .def("document_html",
           [](const rollup_handle& r, py::handle frame, const std::string& stylesheet_href) {
             auto d = document_of(r, frame);
             return reports::decree30_html(d, stylesheet_href);
           },
           py::arg("frame") = py::none(), py::arg("stylesheet_href") = "",
           "The report as a Decree 30/2020 document, a complete HTML page (every text escaped). frame: "
           "dict overriding the document frame's fields (number, place, signer_name, recipients, ...).")
      .def("document_pdf",
           [](const rollup_handle& r, py::handle frame) {
             auto f = frame_arg(r.units, r.above, r.period.due_on, frame);
             result<std::string> x = [&] {
               gil_released nogil;
               auto d = r.city ? reports::city_document(r.tmpl, r.period, *r.city, std::move(f))
                               : reports::division_document(r.tmpl, r.period, *r.division, std::move(f));
               return reports::decree30_pdf(d);
             }();
             return py::bytes(unwrap(std::move(x)));
           },
           py::arg("frame") = py::none(), "The same document as PDF bytes (fonts embedded).");

  m.def(
      "reports_rollup",
      [](H h, py::handle period, const std::string& unit, bool include_submitted) {
        auto keep = h.shared();  // owns the store across the GIL release (a close() on another thread)
        auto& db = *keep;
        auto p = record_arg<report_period>(db, period);
        auto out = std::make_unique<rollup_handle>();
        error err;
        {
          gil_released nogil;
          [&] {
            auto t = db.get<report_template>(p.template_id.value);
            if (!t) return void(err = t.err());
            auto subs = period_submissions(db, p.id);
            if (!subs) return void(err = subs.err());
            auto units = db.all_units();
            if (!units) return void(err = units.err());
            auto tree = db.hierarchy_at(p.due_on);
            if (!tree) return void(err = tree.err());
            const auto* self = tree->find(unit);
            if (!self) {
              err = error(errc::not_found, "/unit", "Không có đơn vị \"" + unit + "\" vào ngày hạn nộp",
                          "No unit \"" + unit + "\" on the period's due date");
              return;
            }
            reports::rollup_options ro;
            ro.include_submitted = include_submitted;
            out->tmpl = std::move(*t);
            out->period = p;
            out->above = unit_id{unit};
            out->units = std::move(*units);
            if (self->kind == unit_kind::city)
              out->city = reports::city_rollup(out->tmpl, p, *subs, out->units, out->above, ro);
            else
              out->division = reports::division_rollup(out->tmpl, p, *subs, out->units, out->above, ro);
          }();
        }
        if (err.code != errc::ok) raise(err);
        return out;
      },
      py::arg("store"), py::arg("period"), py::arg("unit"), py::arg("include_submitted") = false,
      "Rolls up a period (id or dict) at a unit: the city's view when the unit is the city, else the "
      "view of the schools below it. Counts accepted reports (and sent ones with include_submitted). "
      "NotFoundError for an unknown period or unit.");

  m.def(
      "reports_trend",
      [](H h, py::handle period, const std::string& unit, std::vector<std::string> codes, bool english,
         std::size_t max_rounds, const std::string& style, const std::string& svg_id, bool include_submitted) {
        if (style != "line" && style != "bar")
          raise(error(errc::invalid_argument, "/style", "Kiểu biểu đồ là \"line\" hoặc \"bar\"",
                      "The chart style is \"line\" or \"bar\""));
        auto keep = h.shared();  // owns the store across the GIL release (a close() on another thread)
        auto& db = *keep;
        auto last = record_arg<report_period>(db, period);
        reports::trend_chart chart;
        std::string svg;
        reports::rollup_options ro;
        ro.include_submitted = include_submitted;
        error err;
        {
          gil_released nogil;
          [&] {
            auto tmpl = db.get<report_template>(last.template_id.value);
            if (!tmpl) return void(err = tmpl.err());
            const std::string family = reports::family_of(*tmpl);
            auto all = reports::list_all<report_period>(db, {});
            if (!all) return void(err = all.err());
            std::sort(all->begin(), all->end(), [](const report_period& a, const report_period& b) { return calendar_before(a, b); });
            auto units = db.all_units();
            if (!units) return void(err = units.err());
            std::vector<report_period> periods;
            std::vector<reports::division_view> views;
            for (auto it = all->rbegin(); it != all->rend() && periods.size() < max_rounds; ++it) {
              if (calendar_before(last, *it)) continue;
              auto t = db.get<report_template>(it->template_id.value);
              if (!t || reports::family_of(*t) != family) continue;
              auto subs = period_submissions(db, it->id);
              if (!subs) return void(err = subs.err());
              views.push_back(reports::division_rollup(*t, *it, *subs, *units, unit_id{unit}, ro));
              periods.push_back(*it);
            }
            std::reverse(periods.begin(), periods.end());
            std::reverse(views.begin(), views.end());
            if (codes.empty())
              for (const auto& ind : tmpl->indicators)
                if (ind.target && codes.size() < 6) codes.push_back(ind.code);
            chart = reports::trend_of(*tmpl, periods, views, codes, english);
            svg = reports::trend_svg(chart, style == "bar" ? reports::chart_style::bar : reports::chart_style::line, svg_id);
          }();
        }
        if (err.code != errc::ok) raise(err);
        auto d = chart_to_py(chart);
        d["svg"] = svg;
        return d;
      },
      py::arg("store"), py::arg("period"), py::arg("unit"), py::arg("codes") = std::vector<std::string>{},
      py::arg("english") = false, py::arg("max_rounds") = 10, py::arg("style") = "line", py::arg("svg_id") = "trend",
      py::arg("include_submitted") = false,
      "The totals of `codes` (default: the indicators with a target) at a unit across the rounds of the "
      "period's template family up to that period (at most max_rounds, oldest first): dict with title, "
      "unit_label, x_labels, series (code, label, values; None where a round has no data) and svg. "
      "include_submitted counts sent, not yet approved reports too.");

  m.def("reports_to_csv", [](py::handle values) { return reports::to_csv(data_values_arg(values)); }, py::arg("values"),
        "Data values (dicts unit, period, indicator, breakdown, value, comment) as CSV text.");
  m.def("reports_parse_csv", [](std::string_view text) { return data_values_to_py(unwrap(reports::parse_csv(text))); },
        py::arg("text"),
        "Reads what reports_to_csv wrote: list of data-value dicts. ValidationError for a wrong header, an "
        "unterminated quote or a row of another width.");
  m.def("reports_submission_values",
        [](py::handle s) { return data_values_to_py(reports::data_values(decode_arg<report_submission>(s))); },
        py::arg("submission"), "One submission's own values as data-value dicts.");
  m.def(
      "reports_school_document",
      [](H h, py::handle submission, py::handle frame, const std::string& format) {
        if (format != "html" && format != "pdf")
          raise(error(errc::invalid_argument, "/format", "Định dạng là \"html\" hoặc \"pdf\"", "The format is \"html\" or \"pdf\""));
        auto keep = h.shared();  // owns the store across the GIL release (a close() on another thread)
        auto& db = *keep;
        auto s = record_arg<report_submission>(db, submission);
        auto p = record_arg<report_period>(db, py::str(s.period_id.value));
        auto t = record_arg<report_template>(db, py::str(s.template_id.value));
        std::vector<unit> units;
        {
          result<std::vector<unit>> u = [&] {
            gil_released nogil;
            return db.all_units();
          }();
          units = unwrap(std::move(u));
        }
        auto d = reports::school_document(t, p, s, frame_arg(units, s.unit, p.due_on, frame));
        if (format == "html") return py::object(py::str(reports::decree30_html(d)));
        result<std::string> x = [&] {
          gil_released nogil;
          return reports::decree30_pdf(d);
        }();
        return py::object(py::bytes(unwrap(std::move(x))));
      },
      py::arg("store"), py::arg("submission"), py::arg("frame") = py::none(), py::arg("format") = "html",
      "A school's own report as a Decree 30 document: HTML text or PDF bytes.");
}

}  // namespace pbgdpl::python
