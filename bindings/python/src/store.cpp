// Placeholder until this area's bindings land.
#include "py_common.hpp"

namespace pbgdpl::python {
store::store& store_handle::get() const { return *shared(); }
std::shared_ptr<store::store> store_handle::shared() const {
  if (!impl) raise(error(errc::io_error, {}, "Kho dữ liệu đã đóng", "The store is closed"));
  return impl;
}
void register_store(py::module_&) {}
}  // namespace pbgdpl::python
