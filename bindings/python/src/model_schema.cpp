// The model objects' field lists for Python: each stored kind's members read from its own
// describe() (so the pure-Python pbgdpl.model classes cannot drift from the C++ types), with
// Python annotations, a machine form of each type, enum values and their labels, and defaults.
#include "py_common.hpp"

#include <pbgdpl/model/common.hpp>

#include <string>
#include <type_traits>
#include <vector>

namespace pbgdpl::python {

namespace {

// How one C++ member type reads in Python: the annotation text and a machine form the
// pure-Python side converts with ({"t": "timestamp"}, {"t": "list", "of": {...}}, ...).
struct type_info {
  std::string annotation;
  json shape;
};

constexpr std::size_t max_struct_depth = 6;  // nested field lists shown; deeper ones are opaque

struct schema_visitor;

template <class T>
type_info describe_type(std::size_t depth);

// Records each field describe() names, in order: name, annotation, required, enum values.
struct schema_visitor {
  json fields = json::array();
  std::size_t depth = 0;

  template <class T>
  void operator()(std::string_view key, T&, model_io::need n = model_io::need::optional,
                  json_io::text_limit limit = json_io::text_limit::long_text) {
    auto t = describe_type<T>(depth);
    json f = {{"name", std::string(key)},
              {"type", t.annotation},
              {"shape", t.shape},
              {"required", n == model_io::need::required},
              {"max_bytes", static_cast<std::uint32_t>(limit)}};
    fields.push_back(std::move(f));
  }
  void header(int&, std::uint64_t&) {
    fields.push_back({{"name", "schema_version"}, {"type", "int"}, {"shape", {{"t", "int"}}}, {"required", false},
                      {"max_bytes", 0}});
    fields.push_back({{"name", "version"}, {"type", "int"}, {"shape", {{"t", "int"}}}, {"required", false},
                      {"max_bytes", 0}});
  }
};

template <class E>
json enum_values() {
  json out = json::array();
  for (const auto& [value, name] : enum_names<E>::values) {
    json v = {{"value", std::string(name)}};
    if constexpr (labelled_enum<E>) {
      v["vi"] = std::string(label_vi(value));
      v["en"] = std::string(label_en(value));
    }
    out.push_back(std::move(v));
  }
  return out;
}

template <class T>
type_info describe_type(std::size_t depth) {
  if constexpr (std::is_same_v<T, std::string>) {
    return {"str", {{"t", "str"}}};
  } else if constexpr (std::is_same_v<T, bool>) {
    return {"bool", {{"t", "bool"}}};
  } else if constexpr (std::is_integral_v<T>) {
    return {"int", {{"t", "int"}}};
  } else if constexpr (std::is_floating_point_v<T>) {
    return {"float", {{"t", "float"}}};
  } else if constexpr (named_enum<T>) {
    return {"str", {{"t", "enum"}, {"values", enum_values<T>()}}};
  } else if constexpr (std::is_same_v<T, date>) {
    return {"datetime.date", {{"t", "date"}}};
  } else if constexpr (std::is_same_v<T, timestamp>) {
    return {"datetime.datetime", {{"t", "timestamp"}}};
  } else if constexpr (std::is_same_v<T, school_year>) {
    return {"str", {{"t", "school_year"}}};
  } else if constexpr (json_io::is_id<T>::value) {
    return {"str", {{"t", "id"}}};
  } else if constexpr (json_io::is_optional<T>::value) {
    auto inner = describe_type<typename T::value_type>(depth);
    return {"Optional[" + inner.annotation + "]", {{"t", "optional"}, {"of", inner.shape}}};
  } else if constexpr (json_io::is_vector<T>::value) {
    auto inner = describe_type<typename T::value_type>(depth);
    return {"List[" + inner.annotation + "]", {{"t", "list"}, {"of", inner.shape}}};
  } else if constexpr (std::is_same_v<T, json>) {
    return {"Any", {{"t", "json"}}};
  } else if constexpr (requires(schema_visitor& v, T& x) { describe(v, x); }) {
    json shape = {{"t", "struct"}};
    if (depth < max_struct_depth) {
      schema_visitor v;
      v.depth = depth + 1;
      T x{};
      describe(v, x);
      shape["fields"] = std::move(v.fields);
    }
    return {"Dict[str, Any]", std::move(shape)};
  } else {
    return {"Dict[str, Any]", {{"t", "struct"}}};  // a nested type with its own hand-written codec
  }
}

template <class T>
json kind_schema() {
  schema_visitor v;
  T x{};
  describe(v, x);
  return {{"fields", std::move(v.fields)}, {"defaults", to_json_value(x)}};
}

}  // namespace

void register_model_schema(py::module_& m) {
  m.def(
      "model_kinds",
      [] {
        std::vector<std::string> out;
        store::for_each_stored_kind([&]<class T>(std::type_identity<T>) {
          out.emplace_back(store::entity_traits<T>::kind);
          return true;
        });
        return out;
      },
      "The stored kinds' names, in the registry's order (store/kinds.hpp): \"unit\", \"account\", ...");

  m.def(
      "model_schema",
      [] {
        py::dict out;  // a dict in registry order (a json object would sort the kinds)
        store::for_each_stored_kind([&]<class T>(std::type_identity<T>) {
          out[py::str(std::string(store::entity_traits<T>::kind))] = to_py(kind_schema<T>());
          return true;
        });
        return out;
      },
      "For each stored kind (dict in registry order): {'fields': [...], 'defaults': {...}}. Each field, in\n"
      "describe() order: name, type (Python annotation text), shape (machine form: t = str, int, float,\n"
      "bool, enum (with values and their vi/en labels), date, timestamp, school_year, id, json, optional,\n"
      "list or struct), required, max_bytes (text limit). 'defaults' is the JSON of a default-constructed\n"
      "value.");

}

}  // namespace pbgdpl::python
