// The library's errors as Python exceptions: a pbgdpl::exception (or an error value from a
// result) becomes an instance of the pbgdpl.errors class its code maps to (pbgdpl/errors.py holds
// the table), carrying the code, the JSON pointer and both messages.
#include "py_common.hpp"

namespace pbgdpl::python {

namespace {

py::object make_exception(const error& e) {
  py::list details;
  for (const auto& d : e.details) details.append(make_exception(d));
  auto factory = py::module_::import("pbgdpl.errors").attr("_from_core");
  return factory(std::string(errc_name(e.code)), e.path, e.message_vi, e.message_en, details);
}

void set_python_error(const error& e) {
  py::object inst = make_exception(e);
  PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(inst.ptr())), inst.ptr());
}

}  // namespace

void raise(const error& e) {
  set_python_error(e);
  throw py::error_already_set();
}

namespace detail {
void unknown_kind(std::string_view kind) {
  raise(error(errc::invalid_argument, "/kind", "Loại dữ liệu không tồn tại: \"" + std::string(kind) + "\"",
              "Unknown kind: \"" + std::string(kind) + "\""));
}
}  // namespace detail

void register_errors(py::module_& m) {
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const exception& e) {
      set_python_error(e.err());
    }
  });
  // For tests of the mapping: raises the exception the library would for `code`.
  m.def(
      "_raise_for_test",
      [](const std::string& code, const std::string& path) {
        for (int c = 0; c <= static_cast<int>(errc::internal); ++c) {
          auto e = static_cast<errc>(c);
          if (errc_name(e) == code) throw exception(error(e, path));
        }
        throw std::invalid_argument("no such code: " + code);
      },
      py::arg("code"), py::arg("path") = "");
}

}  // namespace pbgdpl::python
