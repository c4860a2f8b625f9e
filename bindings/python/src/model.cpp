// The model objects' compiled half: the validated decode and the rule check the pure-Python
// pbgdpl.model classes call (the kinds' field lists are in model_schema.cpp).
#include "py_text.hpp"

#include <pbgdpl/core/text.hpp>
#include <pbgdpl/model/common.hpp>

#include <string>
#include <type_traits>
#include <vector>

namespace pbgdpl::python {

// model_schema.cpp: _core.model_kinds and _core.model_schema (its own TU: it instantiates every
// kind's describe() once more, and the two files compile in parallel).
void register_model_schema(py::module_& m);

namespace {

// A Python mapping for `kind` as JSON: anything but a dict is a ValidationError (wrong_type).
json dict_arg(py::handle d) {
  if (!py::isinstance<py::dict>(d) && !(py::hasattr(d, "to_dict") && py::hasattr(d, "kind")))
    raise(error(errc::wrong_type, "", "Bản ghi phải là một dict", "A record must be a dict"));
  return from_py(d);
}

// Runs `decode` (a result<T>) without the GIL and gives the record's JSON as the library writes
// it, or raises the decode's error.
template <class T, class Decode>
py::object decoded(Decode&& decode) {
  json out;
  error failed;
  bool ok = true;
  without_gil([&] {
    auto r = decode();
    if (r) out = to_json_value(*r);
    else {
      ok = false;
      failed = r.err();
    }
  });
  if (!ok) raise(failed);
  return to_py(out);
}

}  // namespace

void register_model(py::module_& m) {
  register_model_schema(m);

  m.def(
      "model_decode",
      [](const std::string& kind, py::handle d) {
        json in = dict_arg(d);
        return visit_kind(kind, [&]<class T>() { return decoded<T>([&] { return from_json_value<T>(in); }); });
      },
      py::arg("kind"), py::arg("record"),
      "Validated decode of one record of `kind` (from_json_value): types, required members, limits,\n"
      "text to NFC, then the kind's rules. Returns the record's JSON as the library writes it. Raises\n"
      "ValidationError (with the JSON pointer of the field at fault) or, for an unknown kind,\n"
      "ValidationError at /kind.");

  auto decode_text = [](const std::string& kind, const std::string& text) {
    return visit_kind(kind, [&]<class T>() { return decoded<T>([&] { return from_json_text<T>(text); }); });
  };
  m.def(
      "model_decode_json",
      [decode_text](const std::string& kind, py::handle text) { return decode_text(kind, utf8_arg(text, "text")); },
      py::arg("kind"), py::arg("text"),
      "model_decode for JSON text (str): parsed with the library's limits on size and nesting, then\n"
      "decoded and checked. Raises ValidationError (malformed JSON, invalid_utf8, a field at fault).");
  m.def(
      "model_decode_json_bytes",
      [decode_text](const std::string& kind, py::bytes data) {
        std::string text(data);
        // Refused before parsing: the parser's message would quote the bad bytes.
        if (!text::is_valid_utf8(text)) raise(error(errc::invalid_utf8));
        return decode_text(kind, text);
      },
      py::arg("kind"), py::arg("data"),
      "model_decode_json for UTF-8 bytes (a file's content). Raises ValidationError as model_decode_json.");

  m.def(
      "model_check",
      [](const std::string& kind, py::handle d) {
        json in = dict_arg(d);
        visit_kind(kind, [&]<class T>() {
          error failed;
          bool ok = true;
          without_gil([&] {
            // Decoded as the store reads its own bodies (types, required members, enum names and
            // dates checked; text and ids taken as they are), so that check() sees a bad id or an
            // over-long title and reports it with every other problem instead of the decode
            // stopping at the first.
            auto v = store::detail::decode_body<T, false>(in);
            if (!v) {
              ok = false;
              failed = v.err();
            } else if (auto r = check(*v); !r) {
              ok = false;
              failed = r.err();
            } else if (auto strict = from_json_value<T>(in); !strict) {
              // What the lenient decode lets through and check() does not look at (an array past
              // PBGDPL_MAX_ARRAY_ITEMS): validate() must not pass a record from_dict() refuses.
              ok = false;
              failed = strict.err();
            }
          });
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
