// pbgdpl._core: the compiled half of the Python package. Each area registers itself from its own
// file; the pure-Python package (pbgdpl/) wraps these in Pythonic classes.
#include "py_common.hpp"

#include <pbgdpl/version.hpp>

PYBIND11_MODULE(_core, m) {
  using namespace pbgdpl::python;
  m.doc() = "pbgdpl's compiled core (use the pbgdpl package, not this module, directly).";
  m.attr("__version__") = PBGDPL_VERSION_STRING;
  detail::main_thread_ident() =
      py::module_::import("threading").attr("main_thread")().attr("ident").cast<unsigned long>();
  register_errors(m);
  register_text(m);
  register_model(m);
  register_store(m);
  register_trust(m);
  register_reports(m);
  register_signage(m);
  register_portal(m);
  register_plugins(m);
}
