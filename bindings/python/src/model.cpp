// Placeholder until this area's bindings land.
#include "py_common.hpp"

namespace pbgdpl::python {
void register_model(py::module_&) {}
}  // namespace pbgdpl::python
