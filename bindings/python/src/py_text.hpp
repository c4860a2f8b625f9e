// Text arguments from Python for the text and model bindings: a str becomes UTF-8 here, so a
// lone surrogate is pbgdpl.ValidationError (invalid_utf8) rather than pybind11's TypeError.
#pragma once
#include "py_common.hpp"

#include <string>

namespace pbgdpl::python {

// The UTF-8 bytes of `o`, a str. Another type raises TypeError naming `what`; a str that is not
// Unicode text (a lone surrogate) raises pbgdpl.ValidationError with code invalid_utf8 at `path`.
inline std::string utf8_arg(py::handle o, const char* what, const std::string& path = {}) {
  if (!py::isinstance<py::str>(o))
    throw py::type_error(std::string(what) + " must be str, not " +
                         py::str(py::type::handle_of(o).attr("__name__")).cast<std::string>());
  Py_ssize_t size = 0;
  const char* data = PyUnicode_AsUTF8AndSize(o.ptr(), &size);
  if (!data) {
    PyErr_Clear();
    raise(error(errc::invalid_utf8, path));
  }
  return std::string(data, static_cast<std::size_t>(size));
}

}  // namespace pbgdpl::python
