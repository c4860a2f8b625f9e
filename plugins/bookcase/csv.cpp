// CSV for the bookcase catalogue (csv.hpp).
#include "csv.hpp"

namespace bookcase::csv {

using namespace pbgdpl;

namespace {

error file_error(errc code, std::string vi, std::string en) { return error(code, {}, std::move(vi), std::move(en)); }

// Excel in a Vietnamese locale writes ';' between cells (the decimal mark there is ','): the
// header line says which, by the separator it holds more of outside quotes.
char separator_of(std::string_view s) {
  std::size_t commas = 0, semicolons = 0;
  bool quoted = false;
  for (char c : s) {
    if (c == '"') quoted = !quoted;
    else if (!quoted && (c == '\n' || c == '\r')) break;
    else if (!quoted && c == ',') ++commas;
    else if (!quoted && c == ';') ++semicolons;
  }
  return semicolons > commas ? ';' : ',';
}

}  // namespace

result<std::vector<record>> parse(std::string_view s, const bounds& l) {
  if (s.starts_with("\xEF\xBB\xBF")) s.remove_prefix(3);
  const char sep = separator_of(s);
  std::vector<record> out;
  record rec{1, {}};
  std::string cell;
  std::size_t line = 1, i = 0;
  bool any = false;  // the current record has begun
  auto end_cell = [&]() -> result<void> {
    if (cell.size() > l.max_cell_bytes)
      return file_error(errc::too_large, "Dòng " + std::to_string(rec.line) + ": một ô dài quá " + std::to_string(l.max_cell_bytes) + " byte",
                        "Line " + std::to_string(rec.line) + ": a cell is longer than " + std::to_string(l.max_cell_bytes) + " bytes");
    if (rec.cells.size() >= l.max_columns)
      return file_error(errc::too_large, "Dòng " + std::to_string(rec.line) + ": quá " + std::to_string(l.max_columns) + " cột",
                        "Line " + std::to_string(rec.line) + ": more than " + std::to_string(l.max_columns) + " columns");
    rec.cells.push_back(std::move(cell));
    cell.clear();
    return {};
  };
  auto end_record = [&]() -> result<void> {
    if (auto e = end_cell(); !e) return e;
    bool blank = rec.cells.size() == 1 && rec.cells[0].empty();
    if (!blank) {
      if (out.size() > l.max_rows)  // the header plus max_items rows
        return file_error(errc::too_large, "Tệp có quá " + std::to_string(l.max_rows) + " dòng",
                          "The file has more than " + std::to_string(l.max_rows) + " rows");
      out.push_back(std::move(rec));
    }
    rec = record{line, {}};
    any = false;
    return {};
  };
  while (i < s.size()) {
    char c = s[i];
    if (c == '"' && cell.empty()) {
      std::size_t start_line = line;
      ++i;
      for (;;) {
        if (i >= s.size())
          return file_error(errc::parse_error, "Dòng " + std::to_string(start_line) + ": ô mở ngoặc kép mà không đóng",
                            "Line " + std::to_string(start_line) + ": a quoted cell is never closed");
        if (s[i] == '"') {
          if (i + 1 < s.size() && s[i + 1] == '"') {
            cell += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        if (s[i] == '\n') ++line;
        cell += s[i++];
        if (cell.size() > l.max_cell_bytes) return end_cell().err();
      }
      if (i < s.size() && s[i] != sep && s[i] != '\r' && s[i] != '\n')
        return file_error(errc::parse_error, "Dòng " + std::to_string(line) + ": có chữ sau dấu ngoặc kép đóng",
                          "Line " + std::to_string(line) + ": text after a closing quote");
      any = true;
      continue;
    }
    if (c == sep) {
      if (auto e = end_cell(); !e) return e.err();
      any = true;
      ++i;
    } else if (c == '\r' || c == '\n') {
      i += (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ? 2 : 1;
      ++line;
      if (auto e = end_record(); !e) return e.err();
    } else {
      cell += c;
      any = true;
      ++i;
      if (cell.size() > l.max_cell_bytes) return end_cell().err();
    }
  }
  if (any || !cell.empty())
    if (auto e = end_record(); !e) return e.err();
  return out;
}

bool needs_guard(std::string_view s) {
  if (s.empty()) return false;
  char c = s[0];
  if (c != '=' && c != '+' && c != '-' && c != '@' && c != '\t' && c != '\r' && c != '\'') return false;
  if ((c == '-' || c == '+') && s.size() > 1) {
    bool number = true;
    for (std::size_t i = 1; i < s.size(); ++i)
      if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) number = false;
    if (number && s[1] != '.') return false;
  }
  return true;
}

std::string unguard(std::string s) {
  if (s.size() >= 2 && s[0] == '\'' && needs_guard(std::string_view(s).substr(1))) s.erase(0, 1);
  return s;
}

void append_cell(std::string& out, std::string_view s) {
  std::string guarded;
  if (needs_guard(s)) {
    guarded = "'" + std::string(s);
    s = guarded;
  }
  if (s.find_first_of(",;\"\r\n") == std::string_view::npos) {
    out += s;
    return;
  }
  out += '"';
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

}  // namespace bookcase::csv
