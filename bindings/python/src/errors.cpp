// The library's errors as Python exceptions: a pbgdpl::exception (or an error value from a
// result) becomes an instance of the pbgdpl.errors class its code maps to (pbgdpl/errors.py holds
// the table), carrying the code, the JSON pointer and both messages.
#include "py_common.hpp"

namespace pbgdpl::python {

namespace {

// Error texts may quote the bytes that were wrong (a parser naming invalid UTF-8): decoded with
// U+FFFD in their place, so raising the error never fails in its turn.
py::str lenient_str(const std::string& s) {
  PyObject* o = PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "replace");
  if (!o) throw py::error_already_set();
  return py::reinterpret_steal<py::str>(o);
}

py::object make_exception(const error& e) {
  py::list details;
  for (const auto& d : e.details) details.append(make_exception(d));
  auto factory = py::module_::import("pbgdpl.errors").attr("_from_core");
  return factory(std::string(errc_name(e.code)), lenient_str(e.path), lenient_str(e.message_vi),
                 lenient_str(e.message_en), details);
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
  // For tests: an error whose texts hold invalid UTF-8 (as a parser quoting bad bytes would).
  m.def("_raise_invalid_text_for_test", []() {
    throw exception(error(errc::parse_error, "/a\xff", "sai \xc3", "bad \xff byte"));
  });
}

}  // namespace pbgdpl::python
