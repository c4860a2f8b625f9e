// Vietnamese text and dates for Python: folding, NFC/NFD, case, slugs, the Decree 30/2020 date
// line, school years, timestamps and document numbers (core/text.hpp, core/time.hpp,
// core/document_number.hpp). pbgdpl/text.py gives the Pythonic names.
#include "py_text.hpp"

#include <pbgdpl/core/document_number.hpp>
#include <pbgdpl/core/text.hpp>
#include <pbgdpl/core/time.hpp>

#include <chrono>
#include <tuple>

namespace pbgdpl::python {

namespace {

using text_fn = result<std::string> (*)(std::string_view);

// Long texts (a whole body) are folded without the GIL.
std::string run_text(text_fn f, py::handle s) {
  auto in = utf8_arg(s, "text");
  result<std::string> r = [&] {
    if (in.size() < 4096) return f(in);
    py::gil_scoped_release nogil;
    return f(in);
  }();
  return unwrap(std::move(r));
}

date date_arg(int y, int m, int d) {
  date out{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)}, std::chrono::day{static_cast<unsigned>(d)}};
  if (m < 1 || m > 12 || d < 1 || d > 31 || !out.ok())
    raise(error(errc::bad_date, {}, "Ngày không tồn tại", "No such date"));
  return out;
}

const char* form_name(document_number::form f) {
  switch (f) {
    case document_number::form::typed: return "typed";
    case document_number::form::official_letter: return "official_letter";
    case document_number::form::issuer_only: return "issuer_only";
    case document_number::form::party: return "party";
  }
  return "";
}

const char* families_name(type_families f) {
  switch (f) {
    case type_families::normative_only: return "normative";
    case type_families::administrative_only: return "administrative";
    case type_families::either: return "either";
  }
  return "";
}

}  // namespace

void register_text(py::module_& m) {
  m.def("text_fold", [](py::handle s) { return run_text(&text::fold, s); }, py::arg("s"),
        "The search key of `s`: case folded, all combining marks removed, đ/Đ -> d (\"Kế hoạch\" -> \"ke hoach\").\n"
        "Raises ValidationError (invalid_utf8) for a str with lone surrogates, TypeError for a non-str.");
  m.def("text_nfc", [](py::handle s) { return run_text(&text::nfc, s); }, py::arg("s"),
        "Unicode NFC (composed), the form every stored text takes. Raises ValidationError (invalid_utf8).");
  m.def("text_nfd", [](py::handle s) { return run_text(&text::nfd, s); }, py::arg("s"),
        "Unicode NFD (decomposed). Raises ValidationError (invalid_utf8).");
  m.def("text_lower", [](py::handle s) { return run_text(&text::lower, s); }, py::arg("s"),
        "Lower-cased NFC, accents kept: the exact search form. Raises ValidationError (invalid_utf8).");
  m.def("text_upper", [](py::handle s) { return run_text(&text::upper, s); }, py::arg("s"),
        "Upper-cased NFC, accents kept (\"Phòng Giáo dục\" -> \"PHÒNG GIÁO DỤC\"). Raises ValidationError.");
  m.def(
      "text_slug",
      [](py::handle s, std::size_t max_len) {
        auto in = utf8_arg(s, "text");
        return unwrap(text::slug(in, max_len));
      },
      py::arg("s"), py::arg("max_len") = 80,
      "A URL slug: folded, ASCII letters and digits, other runs one hyphen, at most max_len bytes cut at a\n"
      "hyphen (\"Kế hoạch số 19\" -> \"ke-hoach-so-19\"). Raises ValidationError (invalid_utf8).");
  m.def(
      "text_is_nfc",
      [](py::handle s) {
        auto in = utf8_arg(s, "text");
        auto n = text::nfc(in);
        return n && *n == in;
      },
      py::arg("s"), "True when `s` is already in NFC. Raises ValidationError (invalid_utf8).");
  m.def(
      "text_is_valid_utf8", [](py::bytes b) { return text::is_valid_utf8(std::string_view(b)); }, py::arg("data"),
      "True when the bytes are well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF).");

  m.def(
      "text_vietnamese_date", [](int y, int mo, int d) { return format_vietnamese_date(date_arg(y, mo, d)); },
      py::arg("year"), py::arg("month"), py::arg("day"),
      "The Decree 30/2020 date line \"ngày 22 tháng 3 năm 2023\" (days below 10, January and February\n"
      "with a leading zero). Raises ValidationError (bad_date) for a date that does not exist.");
  m.def(
      "text_place_date",
      [](py::handle place, int y, int mo, int d) {
        return format_place_date(utf8_arg(place, "place"), date_arg(y, mo, d));
      },
      py::arg("place"), py::arg("year"), py::arg("month"), py::arg("day"),
      "\"Hà Nội, ngày 22 tháng 3 năm 2023\": the place-and-date line of a document. Raises ValidationError.");
  m.def(
      "text_parse_date",
      [](py::handle s, const std::string& path) {
        auto in = utf8_arg(s, "date text", path);
        auto r = parse_date(in);
        if (!r) {
          auto e = r.err();
          e.path = path;
          raise(e);
        }
        return std::make_tuple(static_cast<int>(r->year()), static_cast<unsigned>(r->month()),
                               static_cast<unsigned>(r->day()));
      },
      py::arg("s"), py::arg("path") = "",
      "\"2023-03-22\" -> (2023, 3, 22); only that exact form, only real dates. Raises ValidationError\n"
      "(bad_date) with `path` as its JSON pointer.");
  m.def(
      "text_parse_timestamp",
      [](py::handle s, const std::string& path) {
        auto in = utf8_arg(s, "timestamp text", path);
        auto r = parse_timestamp(in);
        if (!r) {
          auto e = r.err();
          e.path = path;
          raise(e);
        }
        return static_cast<std::int64_t>(r->time_since_epoch().count());
      },
      py::arg("s"), py::arg("path") = "",
      "\"YYYY-MM-DDTHH:MM:SS\" then \"Z\" or \"+HH:MM\" -> seconds since 1970-01-01 UTC (fractions of a\n"
      "second dropped). Raises ValidationError (bad_date) with `path` as its JSON pointer.");
  m.def(
      "text_format_timestamp",
      [](std::int64_t seconds, bool utc) {
        timestamp t{std::chrono::seconds{seconds}};
        return utc ? format_timestamp_utc(t) : format_timestamp(t);
      },
      py::arg("seconds"), py::arg("utc") = false,
      "Seconds since the epoch as the library writes them: \"2023-03-22T08:30:00+07:00\" (Hà Nội time),\n"
      "or with utc=True \"2023-03-22T01:30:00Z\".");
  m.def(
      "text_school_year_of", [](int y, int mo, int d) { return school_year::of(date_arg(y, mo, d)).start_year; },
      py::arg("year"), py::arg("month"), py::arg("day"),
      "The first calendar year of the school year (1 September to 31 August) holding the date.");
  m.def(
      "text_parse_school_year",
      [](py::handle s) {
        auto in = utf8_arg(s, "school year");
        return unwrap(school_year::parse(in)).start_year;
      },
      py::arg("s"), "\"2023-2024\" -> 2023. Raises ValidationError (bad_date) for any other form.");

  m.def(
      "text_parse_document_number",
      [](py::handle s) {
        auto in = utf8_arg(s, "document number");
        auto dn = unwrap(parse_document_number(in));
        py::dict d;
        d["number"] = dn.number;
        d["year"] = dn.year ? py::object(py::int_(*dn.year)) : py::object(py::none());
        d["type_code"] = dn.type_code;
        d["issuer"] = dn.issuer;
        d["drafting_unit"] = dn.drafting_unit;
        d["form"] = form_name(dn.kind);
        d["text"] = dn.to_string();
        return d;
      },
      py::arg("s"),
      "Parses a số ký hiệu (\"19/KH-PGDĐT\", \"30/2020/NĐ-CP\", \"123/UBND-VX\", \"80-KL/TW\") into number,\n"
      "year (or None), type_code, issuer, drafting_unit, form (typed, official_letter, issuer_only,\n"
      "party) and text (canonical, NFC). Raises ValidationError (bad_document_number).");
  m.def(
      "text_document_types",
      [] {
        py::list out;
        for (const auto& t : document_types) {
          py::dict d;
          d["code"] = std::string(t.code);
          d["name_vi"] = std::string(t.name_vi);
          d["name_en"] = std::string(t.name_en);
          d["families"] = families_name(t.families);
          d["in_symbol"] = t.in_symbol;
          out.append(std::move(d));
        }
        return out;
      },
      "The document type table (Decree 30/2020 annex III and Law 80/2015): code, name_vi, name_en,\n"
      "families (normative, administrative or either) and in_symbol (written in the number or not).");
}

}  // namespace pbgdpl::python
