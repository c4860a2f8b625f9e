// What reports.cpp and reports_rollup.cpp share: decoding arguments (a dict, a model object or,
// for a stored record, its id) and dates and times from Python.
#pragma once
#include "py_common.hpp"

#include <pbgdpl/core/time.hpp>
#include <pbgdpl/reports/validation.hpp>

#include <vector>

namespace pbgdpl::python {

// A dict or model object decoded and validated as T (ValidationError with the field's path).
template <class T>
T decode_arg(py::handle o) {
  return unwrap(from_json_value<T>(from_py(o)));
}

// A record given by its id (str: read from the store, NotFoundError) or as a dict/model object.
template <class T>
T record_arg(store::store& db, py::handle o) {
  if (py::isinstance<py::str>(o)) {
    auto id = o.cast<std::string>();
    result<T> r = [&] {
      gil_released nogil;
      return db.get<T>(id);
    }();
    return unwrap(std::move(r));
  }
  return decode_arg<T>(o);
}

// None: now; an aware datetime (naive: Hà Nội time) or the library's timestamp text.
timestamp timestamp_arg(py::handle o, const char* path);
// datetime.date or "YYYY-MM-DD" (a datetime: its day in Hà Nội).
date date_arg(py::handle o, const char* path);
py::list findings_to_py(const std::vector<reports::rule_finding>& fs);

}  // namespace pbgdpl::python
