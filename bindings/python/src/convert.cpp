// JSON <-> Python values. The library speaks nlohmann::json at its edges; Python code sees plain
// dicts and lists, and may hand in datetime, date, pathlib paths and model objects.
#include "py_common.hpp"

#include <pbgdpl/core/text.hpp>
#include <pbgdpl/core/time.hpp>

#include <datetime.h>

#include <cmath>
#include <cstdio>

namespace pbgdpl::python {

py::object to_py(const json& j) {
  switch (j.type()) {
    case json::value_t::null: return py::none();
    case json::value_t::boolean: return py::bool_(j.get<bool>());
    case json::value_t::number_integer: return py::int_(j.get<std::int64_t>());
    case json::value_t::number_unsigned: return py::int_(j.get<std::uint64_t>());
    case json::value_t::number_float: return py::float_(j.get<double>());
    case json::value_t::string: return py::str(j.get_ref<const std::string&>());
    case json::value_t::array: {
      py::list l(j.size());
      for (std::size_t i = 0; i < j.size(); ++i) l[i] = to_py(j[i]);
      return l;
    }
    case json::value_t::object: {
      py::dict d;
      for (auto it = j.begin(); it != j.end(); ++it) d[py::str(it.key())] = to_py(it.value());
      return d;
    }
    default: return py::none();  // binary and discarded values never come out of the library
  }
}

namespace {

// Far above any one record (PBGDPL_MAX_JSON_BYTES), far below what exhausts the machine.
constexpr std::size_t max_from_py_bytes = 8u * PBGDPL_MAX_JSON_BYTES;

[[noreturn]] void bad_value(const std::string& path, const std::string& vi, const std::string& en) {
  raise(error(errc::wrong_type, path, vi, en));
}

struct converter {
  py::module_ datetime = py::module_::import("datetime");
  py::object dt_type = datetime.attr("datetime");
  py::object date_type = datetime.attr("date");
  py::object tz_utc = datetime.attr("timezone").attr("utc");
  py::object hanoi = datetime.attr("timezone")(datetime.attr("timedelta")(py::arg("hours") = 7));
  py::object pathlike = py::module_::import("os").attr("PathLike");
  py::object enum_type = py::module_::import("enum").attr("Enum");

  // What the value's JSON text would weigh, roughly (a shared sub-list counts each time it is
  // reached): bounds the work and memory of x = [x, x] nested 30 deep (2^30 nodes from a few
  // Python objects) or one big str repeated in a long list. Per thread: Python code the
  // conversion runs (a to_dict(), a property) may let another thread's from_py run meanwhile.
  static inline thread_local std::size_t budget = 0;

  void spend(std::size_t n, const std::string& path) {
    if (n > budget) {
      budget = 0;
      raise(error(errc::too_large, path, "Dữ liệu quá lớn (hơn " + std::to_string(max_from_py_bytes >> 20) + " MiB khi viết ra JSON)",
                  "Value too large (over " + std::to_string(max_from_py_bytes >> 20) + " MiB as JSON text)"));
    }
    budget -= n;
  }

  json convert_dict(const py::object& o, const std::string& path, std::size_t depth) {
    json out = json::object();
    for (auto item : py::reinterpret_borrow<py::dict>(o)) {
      if (!py::isinstance<py::str>(item.first))
        bad_value(path, "Khóa của đối tượng phải là chuỗi", "Object keys must be strings");
      auto key = convert(item.first, path, depth + 1).get<std::string>();
      out[key] = convert(item.second, path + "/" + json_io::pointer_token(key), depth + 1);
    }
    return out;
  }

  json convert_list(const py::object& o, const std::string& path, std::size_t depth) {
    json out = json::array();
    std::size_t i = 0;
    for (auto item : o) {
      out.push_back(convert(item, path + "/" + std::to_string(i), depth + 1));
      ++i;
    }
    return out;
  }

  // An aware datetime (a naive one is Hà Nội time) as "YYYY-MM-DDTHH:MM:SSZ". The base class's
  // methods and fields are used, never a subclass's overrides; an instant whose UTC form leaves
  // the years 1-9999 is out_of_range (Python raised a bare OverflowError), and a year below 1000
  // keeps its four digits (strftime("%Y") wrote "5-01-01...").
  json timestamp_text(const py::object& o, const std::string& path) {
    py::object v;
    try {
      v = o;
      if (v.attr("tzinfo").is_none()) v = dt_type.attr("replace")(v, py::arg("tzinfo") = hanoi);
      v = dt_type.attr("astimezone")(v, tz_utc);
    } catch (py::error_already_set& e) {
      if (!e.matches(PyExc_OverflowError)) throw;
      raise(error(errc::out_of_range, path, "Thời điểm nằm ngoài khoảng năm 1-9999 (giờ UTC)",
                  "The time is outside the years 1-9999 in UTC"));
    }
    if (!py::isinstance(v, dt_type)) bad_value(path, "datetime không hợp lệ", "Not a usable datetime");
    PyObject* p = v.ptr();
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", PyDateTime_GET_YEAR(p), PyDateTime_GET_MONTH(p),
                  PyDateTime_GET_DAY(p), PyDateTime_DATE_GET_HOUR(p), PyDateTime_DATE_GET_MINUTE(p),
                  PyDateTime_DATE_GET_SECOND(p));
    return std::string(buf);
  }

  json convert(py::handle borrowed, const std::string& path, std::size_t depth) {
    if (depth > PBGDPL_MAX_JSON_DEPTH)
      raise(error(errc::too_large, path, "Dữ liệu lồng nhau quá sâu (hoặc có vòng lặp)",
                  "Nesting too deep (or a cycle)"));
    // A strong reference for the whole conversion: the checks below may run Python code (a
    // __class__ property, __getattr__, to_dict()) that drops the container's reference to `o`.
    py::object o = py::reinterpret_borrow<py::object>(borrowed);
    spend(16, path);  // a JSON node in memory; strings add their bytes
    if (o.is_none()) return nullptr;
    if (py::isinstance<py::bool_>(o)) return o.cast<bool>();
    if (py::isinstance<py::int_>(o)) {
      try {
        return o.cast<std::int64_t>();
      } catch (const py::cast_error&) {
        try {
          return o.cast<std::uint64_t>();
        } catch (const py::cast_error&) {
          raise(error(errc::out_of_range, path, "Số nguyên quá lớn", "Integer too large"));
        }
      }
    }
    if (py::isinstance<py::float_>(o)) {
      double d = o.cast<double>();
      if (!std::isfinite(d)) raise(error(errc::out_of_range, path, "Số không hữu hạn", "Number is not finite"));
      return d;
    }
    if (py::isinstance<py::str>(o)) {
      // Lone surrogates cannot be UTF-8: refused rather than replaced.
      PyObject* bytes = PyUnicode_AsUTF8String(o.ptr());
      if (!bytes) {
        PyErr_Clear();
        raise(error(errc::invalid_utf8, path));
      }
      auto b = py::reinterpret_steal<py::bytes>(bytes);
      spend(static_cast<std::size_t>(PyBytes_GET_SIZE(bytes)), path);
      return std::string(b);
    }
    // Plain dicts, lists and tuples (never a model, Enum or path) skip the costly checks below.
    if (PyDict_CheckExact(o.ptr())) return convert_dict(o, path, depth);
    if (PyList_CheckExact(o.ptr()) || PyTuple_CheckExact(o.ptr())) return convert_list(o, path, depth);
    if (py::isinstance(o, dt_type)) return timestamp_text(o, path);
    if (py::isinstance(o, date_type)) return o.attr("isoformat")().cast<std::string>();
    if (py::isinstance(o, pathlike)) {
      // os.fsdecode: a path whose __fspath__ gives bytes is its text, not the repr "b'/tmp/x'".
      py::object text = py::module_::import("os").attr("fsdecode")(o);
      return convert(text, path, depth + 1);  // a str; surrogate-escaped bytes are invalid_utf8
    }
    if (py::isinstance(o, enum_type)) return convert(o.attr("value"), path, depth + 1);
    if (py::hasattr(o, "to_dict") && py::hasattr(o, "kind")) return convert(o.attr("to_dict")(), path, depth + 1);
    if (py::isinstance<py::dict>(o)) return convert_dict(o, path, depth);
    if (py::isinstance<py::list>(o) || py::isinstance<py::tuple>(o)) return convert_list(o, path, depth);
    auto type_name = py::str(py::type::handle_of(o).attr("__name__")).cast<std::string>();
    bad_value(path, "Kiểu dữ liệu Python không dùng được: " + type_name, "Unsupported Python type: " + type_name);
  }
};

}  // namespace

json from_py(py::handle o) {
  static converter* c = new converter();  // leaked on purpose: Python objects outlive no interpreter
  // A nested from_py (a to_dict() that calls into _core) gets its own budget and leaves the
  // outer one as it was.
  const std::size_t outer = converter::budget;
  converter::budget = max_from_py_bytes;
  try {
    json out = c->convert(o, "", 0);
    converter::budget = outer;
    return out;
  } catch (...) {
    converter::budget = outer;
    throw;
  }
}

}  // namespace pbgdpl::python
