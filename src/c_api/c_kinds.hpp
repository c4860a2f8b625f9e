// The stored kinds by name, for the C API's functions that take a kind ("article", "unit", ...).
#pragma once
#include "c_common.hpp"

#include <pbgdpl/store/kinds.hpp>
#include <pbgdpl/store/store.hpp>

#include <string>
#include <type_traits>

namespace pbgdpl::c_api {

// Calls f.template operator()<T>() for the stored kind named `kind`.
template <class F>
void visit_kind(const std::string& kind, F&& f) {
  bool found = false;
  store::for_each_stored_kind([&]<class T>(std::type_identity<T>) {
    if (kind != store::entity_traits<T>::kind) return true;
    found = true;
    f.template operator()<T>();
    return false;
  });
  if (!found)
    fail(errc::invalid_argument, "/kind", "Loại dữ liệu không tồn tại: \"" + kind + "\"",
         "Unknown kind: \"" + kind + "\"");
}

}  // namespace pbgdpl::c_api
