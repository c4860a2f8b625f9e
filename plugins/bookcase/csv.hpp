// CSV as RFC 4180 writes it, for the bookcase catalogue: quoted cells may hold the separator,
// quotes ("") and line breaks; CRLF or LF; a UTF-8 byte order mark is skipped. Bounded: a file
// over a bound is refused whole. Writing guards cells a spreadsheet would run as formulas.
#pragma once
#include <pbgdpl/core/result.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace bookcase::csv {

struct record {
  std::size_t line = 0;  // where the record starts (a quoted cell may span lines)
  std::vector<std::string> cells;
};

struct bounds {
  std::size_t max_rows = 10000;  // after the header
  std::size_t max_columns = 64;
  std::size_t max_cell_bytes = 1u << 20;
};

// Every record, the header first; blank lines are skipped. The separator is ',' unless the first
// line holds more ';' outside quotes (what Excel writes in a Vietnamese locale). An unterminated
// quote or text after a closing quote leaves the rest unreadable: errc::parse_error, the line
// named; a bound passed: errc::too_large.
pbgdpl::result<std::vector<record>> parse(std::string_view s, const bounds& b);

// Excel runs a cell starting with = + - @ tab CR or ' as a formula (OWASP "CSV injection"); a
// plain number ("-5", "+3.5") is data.
bool needs_guard(std::string_view s);
// Appends one cell: a leading ' when it needs the guard, quoted when it holds ',', ';', '"' or
// a line break.
void append_cell(std::string& out, std::string_view s);
// Takes the guard off what append_cell() guarded.
std::string unguard(std::string s);

}  // namespace bookcase::csv
