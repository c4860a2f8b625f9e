// The model objects' compiled half: the stored kinds, each kind's field list read from its own
// describe() (so the Python classes cannot drift from the C++ ones), and the validated decode
// and rule check the pure-Python pbgdpl.model classes call.
#include "py_text.hpp"

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

// A Python mapping for `kind` as JSON: anything but a dict is a ValidationError (wrong_type).
json dict_arg(py::handle d) {
  if (!py::isinstance<py::dict>(d) && !(py::hasattr(d, "to_dict") && py::hasattr(d, "kind")))
    raise(error(errc::wrong_type, "", "Bản ghi phải là một dict", "A record must be a dict"));
  return from_py(d);
}

}  // namespace

void register_model(py::module_& m) {
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
        json out = json::object();
        store::for_each_stored_kind([&]<class T>(std::type_identity<T>) {
          out[std::string(store::entity_traits<T>::kind)] = kind_schema<T>();
          return true;
        });
        return to_py(out);
      },
      "For each stored kind (dict in registry order): {'fields': [...], 'defaults': {...}}. Each field, in\n"
      "describe() order: name, type (Python annotation text), shape (machine form: t = str, int, float,\n"
      "bool, enum (with values and their vi/en labels), date, timestamp, school_year, id, json, optional,\n"
      "list or struct), required, max_bytes (text limit). 'defaults' is the JSON of a default-constructed\n"
      "value.");

  m.def(
      "model_decode",
      [](const std::string& kind, py::handle d) {
        json in = dict_arg(d);
        return visit_kind(kind, [&]<class T>() {
          json out;
          error failed;
          bool ok = true;
          {
            py::gil_scoped_release nogil;
            auto r = from_json_value<T>(in);
            if (r) out = to_json_value(*r);
            else {
              ok = false;
              failed = r.err();
            }
          }
          if (!ok) raise(failed);
          return to_py(out);
        });
      },
      py::arg("kind"), py::arg("record"),
      "Validated decode of one record of `kind` (from_json_value): types, required members, limits,\n"
      "text to NFC, then the kind's rules. Returns the record's JSON as the library writes it. Raises\n"
      "ValidationError (with the JSON pointer of the field at fault) or, for an unknown kind,\n"
      "ValidationError at /kind.");

  auto decode_text = [](const std::string& kind, const std::string& text) {
    return visit_kind(kind, [&]<class T>() {
      json out;
      error failed;
      bool ok = true;
      {
        py::gil_scoped_release nogil;
        auto r = from_json_text<T>(text);
        if (r) out = to_json_value(*r);
        else {
          ok = false;
          failed = r.err();
        }
      }
      if (!ok) raise(failed);
      return to_py(out);
    });
  };
  m.def(
      "model_decode_json",
      [decode_text](const std::string& kind, py::handle text) { return decode_text(kind, utf8_arg(text, "text")); },
      py::arg("kind"), py::arg("text"),
      "model_decode for JSON text (str): parsed with the library's limits on size and nesting, then\n"
      "decoded and checked. Raises ValidationError (malformed JSON, invalid_utf8, a field at fault).");
  m.def(
      "model_decode_json_bytes",
      [decode_text](const std::string& kind, py::bytes data) { return decode_text(kind, std::string(data)); },
      py::arg("kind"), py::arg("data"),
      "model_decode_json for UTF-8 bytes (a file's content). Raises ValidationError as model_decode_json.");

  m.def(
      "model_check",
      [](const std::string& kind, py::handle d) {
        json in = dict_arg(d);
        visit_kind(kind, [&]<class T>() {
          error failed;
          bool ok = true;
          {
            py::gil_scoped_release nogil;
            try {
              T v{};
              json_io::read(in, v);
              auto r = check(v);
              if (!r) {
                ok = false;
                failed = r.err();
              }
            } catch (const exception& e) {
              ok = false;
              failed = e.err();
            } catch (const nlohmann::json::exception& e) {
              ok = false;
              failed = error(errc::wrong_type, {}, "Sai kiểu dữ liệu", e.what());
            }
          }
          if (!ok) raise(failed);
        });
      },
      py::arg("kind"), py::arg("record"),
      "Checks one record of `kind` against the kind's rules (check<T>): decodes it, then reports every\n"
      "problem at once. Raises ValidationError whose .details lists each problem (path and both\n"
      "messages); returns None when the record is valid.");

  m.def(
      "model_encode",
      [](const std::string& kind, py::handle d) {
        json in = dict_arg(d);
        return visit_kind(kind, [&]<class T>() {
          json out;
          error failed;
          bool ok = true;
          try {
            T v{};
            json_io::read(in, v);
            out = to_json_value(v);
          } catch (const exception& e) {
            ok = false;
            failed = e.err();
          } catch (const nlohmann::json::exception& e) {
            ok = false;
            failed = error(errc::wrong_type, {}, "Sai kiểu dữ liệu", e.what());
          }
          if (!ok) raise(failed);
          return to_py(out);
        });
      },
      py::arg("kind"), py::arg("record"),
      "Decodes one record of `kind` without the rule check and encodes it again: the library's own JSON\n"
      "form (NFC text, timestamps in Hà Nội time, members in field order, empty optionals left out).\n"
      "Raises ValidationError for wrong types, missing required members or malformed values.");
}

}  // namespace pbgdpl::python
