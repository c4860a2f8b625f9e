// The bookcase catalogue: rows (CSV records or JSON items) -> model entities and back. What is
// published and what is our mapping: see catalogue.hpp and README.md.
#include "catalogue.hpp"
#include "csv.hpp"

#include <pbgdpl/core/document_number.hpp>
#include <pbgdpl/core/text.hpp>
#include <pbgdpl/core/time.hpp>

#include <array>
#include <map>
#include <set>
#include <utility>

namespace bookcase {

using namespace pbgdpl;

namespace {

// --- Columns -------------------------------------------------------------------------------------

enum class col {
  id, kind, category, number, type, title, summary, issuer, level, issued_on, effective_on, expires_on,
  status, family, period, fields, file_url, publisher, documents, none
};
constexpr std::size_t column_count = static_cast<std::size_t>(col::none);
// The catalogue's own names, in the order CSV export writes them.
constexpr std::array<std::string_view, column_count> column_names{
    "id",     "kind",   "category", "number", "type",     "title",     "summary",   "issuer",   "level",    "issued_on",
    "effective_on", "expires_on", "status", "family", "period", "fields", "file_url", "publisher", "documents"};

constexpr std::string_view name_of(col c) {
  return c == col::none ? std::string_view{} : column_names[static_cast<std::size_t>(c)];
}
constexpr bool is_list(col c) { return c == col::fields || c == col::publisher || c == col::documents; }

// Header names compared folded (no case, no marks, đ -> d): our names, and vbpl.vn's attribute
// names for the same things so a sheet copied from there reads as it is.
struct alias {
  std::string_view folded;
  col c;
};
constexpr alias aliases[] = {
    {"ma", col::id},
    {"loai muc", col::kind},
    {"nhom sach", col::category},
    {"so ky hieu", col::number},
    {"so, ky hieu", col::number},
    {"loai van ban", col::type},
    {"tieu de", col::title},
    {"trich yeu", col::title},
    {"ten sach", col::title},
    {"tom tat", col::summary},
    {"co quan ban hanh", col::issuer},
    {"cap ban hanh", col::level},
    {"ngay ban hanh", col::issued_on},
    {"ngay co hieu luc", col::effective_on},
    {"ngay het hieu luc", col::expires_on},
    {"tinh trang hieu luc", col::status},
    {"nhom van ban", col::family},
    {"giai doan", col::period},
    {"linh vuc", col::fields},
    {"duong dan tep", col::file_url},
    {"co quan bien soan", col::publisher},
    {"van ban lien quan", col::documents},
};

std::string trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

std::string folded(std::string_view s) {
  auto f = text::fold(trim(s));
  return f ? *f : std::string();
}

col column_of(std::string_view header) {
  auto f = folded(header);
  for (std::size_t i = 0; i < column_count; ++i)
    if (f == column_names[i]) return static_cast<col>(i);
  for (auto& a : aliases)
    if (f == a.folded) return a.c;
  return col::none;
}

// An input value quoted in a message: at most 60 characters, control characters (C0, DEL, C1)
// as '?', so a hostile cell can neither flood the warnings nor drive the terminal that prints them.
std::string shown(std::string_view s) {
  std::string out;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) != 0x80 && ++chars > 60) return out + "…";
    if (c < 0x20 || c == 0x7F) {
      out += '?';
    } else if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(s[i + 1]) <= 0x9F) {
      out += '?';
      ++i;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// A row's refusal: which column, what (both languages).
[[noreturn]] void refuse(col c, std::string vi, std::string en, errc code = errc::invalid_argument) {
  throw exception(error(code, std::string(name_of(c)), std::move(vi), std::move(en)));
}

error file_error(errc code, std::string vi, std::string en) { return error(code, {}, std::move(vi), std::move(en)); }

// One row of the catalogue, whatever the file format: `at` is the CSV line where the record
// starts, or the JSON item's number (both from 1).
struct row {
  std::size_t at = 0;
  std::array<std::string, column_count> text;
  std::array<std::vector<std::string>, column_count> list;
  const std::string& operator[](col c) const { return text[static_cast<std::size_t>(c)]; }
};

// --- Reading cells ---------------------------------------------------------------------------------

// dd/mm/yyyy (d/m/yyyy too) as Vietnamese bodies write dates, or yyyy-mm-dd.
date parse_day(const std::string& s, col c) {
  auto bad = [&]() -> date {
    refuse(c, "Ngày \"" + shown(s) + "\" không hợp lệ (viết dd/mm/yyyy hoặc yyyy-mm-dd)",
           "Invalid date \"" + shown(s) + "\" (write dd/mm/yyyy or yyyy-mm-dd)", errc::bad_date);
  };
  std::string iso = s;
  if (auto a = s.find('/'); a != std::string::npos) {
    auto b = s.find('/', a + 1);
    if (b == std::string::npos) return bad();
    auto d = s.substr(0, a), m = s.substr(a + 1, b - a - 1), y = s.substr(b + 1);
    int di = 0, mi = 0, yi = 0;
    if (d.empty() || d.size() > 2 || m.empty() || m.size() > 2 || y.size() != 4 || !detail::parse_int(d, di) ||
        !detail::parse_int(m, mi) || !detail::parse_int(y, yi))
      return bad();
    iso = y + "-" + detail::two(static_cast<unsigned>(mi)) + "-" + detail::two(static_cast<unsigned>(di));
  }
  auto r = parse_date(iso);
  if (!r) return bad();
  return *r;
}

std::string day_text(date d, bool vietnamese) {
  if (!vietnamese) return format_date(d);
  return detail::two(static_cast<unsigned>(d.day())) + "/" + detail::two(static_cast<unsigned>(d.month())) + "/" +
         std::to_string(static_cast<int>(d.year()));
}

// An enum from its stable name or from its Vietnamese or English label, compared folded.
template <class E>
std::optional<E> named_or_labelled(const std::string& s) {
  if (auto e = enum_from_string<E>(s)) return e;
  auto f = folded(s);
  for (const auto& l : enum_labels<E>::values)
    if (f == folded(l.vi) || f == folded(l.en)) return l.value;
  return std::nullopt;
}

document_level parse_level(const std::string& s) {
  if (auto l = named_or_labelled<document_level>(s)) return *l;
  // Words a national list uses for the levels our labels name differently.
  auto f = folded(s);
  if (f == "tinh" || f == "cap tinh" || f == "thanh pho truc thuoc trung uong") return document_level::city;
  if (f == "huyen" || f == "cap huyen" || f == "quan" || f == "xa" || f == "phuong" || f == "cap xa")
    return document_level::district;
  if (f == "truong" || f == "truong hoc") return document_level::school;
  if (f == "nganh") return document_level::sector;
  refuse(col::level, "Cấp ban hành \"" + shown(s) + "\" không có trong danh mục (Trung ương, Thành phố, Quận/phường, Ngành Giáo dục, Nhà trường)",
         "Unknown level \"" + shown(s) + "\" (central, city, district, sector, school)", errc::out_of_range);
}

// The book categories. The first three are the kinds of books Decision 14/2019/QĐ-TTg lists for
// the national e-bookcase; the rest are the forms of plan 19's task 2 (our extension). Two of the
// decision's kinds are both "handbook" in the model: export writes the first.
struct category {
  std::string_view name;
  publication_kind kind;
  std::string_view vi;
};
constexpr category categories[] = {
    {"gioi_thieu_luat", publication_kind::outline, "Tài liệu, đề cương giới thiệu luật, pháp lệnh"},
    {"hoi_dap", publication_kind::handbook, "Sách, tài liệu hỏi đáp, bình luận, giải thích, hướng dẫn pháp luật"},
    {"nghiep_vu", publication_kind::handbook, "Sách, tài liệu hướng dẫn chuyên môn, nghiệp vụ"},
    {"to_gap", publication_kind::leaflet, "Tờ gấp"},
    {"cau_chuyen", publication_kind::legal_story, "Câu chuyện pháp luật"},
    {"tieu_pham", publication_kind::short_play, "Tiểu phẩm pháp luật"},
    {"video", publication_kind::video, "Video"},
    {"bai_giang", publication_kind::e_lecture, "Bài giảng điện tử"},
    {"infographic", publication_kind::infographic, "Infographic"},
};

publication_kind parse_category(const std::string& s) {
  if (s.empty()) return publication_kind::handbook;
  auto f = folded(s);
  for (const auto& c : categories)
    if (f == c.name || f == folded(c.vi)) return c.kind;
  if (auto k = named_or_labelled<publication_kind>(s)) return *k;
  refuse(col::category, "Nhóm sách \"" + shown(s) + "\" không có trong danh mục", "Unknown book category \"" + shown(s) + "\"",
         errc::out_of_range);
}

std::string_view category_name(publication_kind k) {
  for (const auto& c : categories)
    if (c.kind == k) return c.name;
  return "hoi_dap";
}

// "Quyết định" or "QĐ": a code is compared exactly (QĐ and QyĐ differ), a name folded.
const document_type_info* find_type(const std::string& s) {
  if (auto t = find_document_type(s)) return t;
  auto f = folded(s);
  for (const auto& t : document_types)
    if (f == folded(t.name_vi) || f == folded(t.name_en)) return &t;
  return nullptr;
}

std::string valid_id_or_refuse(const std::string& s, col c) {
  if (!is_valid_id(s))
    refuse(c, "Mã \"" + shown(s) + "\" không hợp lệ (1-64 ký tự a-z, A-Z, 0-9, '.', '_', '-')",
           "Invalid id \"" + shown(s) + "\" (1-64 characters a-z, A-Z, 0-9, '.', '_', '-')");
  return s;
}

std::string slug_or_empty(std::string_view s, std::size_t max) {
  auto r = text::slug(s, max);
  return r ? *r : std::string();
}

// The last path segment of a URL, if it makes a safe file name; else the number as vbpl.vn names
// its files ("101/2015/QH13" -> "101.2015.QH13").
std::string file_name_for(const std::string& url, const std::string& number) {
  auto end = url.find_first_of("?#");
  auto path = url.substr(0, end);
  auto slash = path.find_last_of('/');
  std::string last = slash == std::string::npos ? std::string() : path.substr(slash + 1);
  auto scheme = url.find("://");
  bool in_path = scheme != std::string::npos && slash != std::string::npos && slash > scheme + 2 &&
                 path.find('/', scheme + 3) <= slash;
  if (in_path && !last.empty() && last != "." && last != ".." && last.find_first_of("\\%") == std::string::npos &&
      last.size() <= 200)
    return last;
  std::string n = number;
  for (auto& ch : n)
    if (ch == '/') ch = '.';
  return n.empty() ? std::string("tep") : n;
}

// A validation error's path ("/files/0/url") as the catalogue column it came from.
col column_of_path(std::string_view p) {
  if (p.starts_with("/")) p.remove_prefix(1);
  auto seg = p.substr(0, p.find('/'));
  if (seg == "type_code") return col::type;
  if (seg == "year") return col::number;
  if (seg == "files") return col::file_url;
  if (seg == "partners") return col::publisher;
  if (seg == "period_from" || seg == "period_to") return col::period;
  if (seg == "kind") return col::category;
  if (seg == "status_history") return col::status;
  for (std::size_t i = 0; i < column_count; ++i)
    if (seg == column_names[i]) return static_cast<col>(i);
  return col::none;
}

template <class T>
void check_or_refuse(const T& v) {
  auto ok = check(v);
  if (ok) return;
  const auto& e = ok.err();
  throw exception(error(e.code, std::string(name_of(column_of_path(e.path))), e.message_vi, e.message_en));
}

// --- Rows -> entities ----------------------------------------------------------------------------

struct book {
  publication p;
  std::vector<std::string> refs;  // the documents column as written
  std::size_t at = 0;
};

legal_document document_from(const row& r, const options& o) {
  legal_document d;
  const auto& number = r[col::number];
  if (number.empty()) refuse(col::number, "Văn bản phải có số ký hiệu", "A document needs its number", errc::missing_field);
  if (text::length(number) > 60)  // the longest real ones are about 30
    refuse(col::number, "Số ký hiệu \"" + shown(number) + "\" dài quá 60 ký tự",
           "The number \"" + shown(number) + "\" is longer than 60 characters", errc::bad_document_number);
  auto dn = parse_document_number(number);
  if (!dn) refuse(col::number, dn.err().message_vi, dn.err().message_en, errc::bad_document_number);
  d.number = dn->to_string();
  const document_type_info* named = r[col::type].empty() ? nullptr : find_type(r[col::type]);
  if (!r[col::type].empty() && !named)
    refuse(col::type, "Loại văn bản \"" + shown(r[col::type]) + "\" không có trong danh mục",
           "Unknown document type \"" + shown(r[col::type]) + "\"", errc::out_of_range);
  if (dn->kind == document_number::form::issuer_only) {
    // "14/2012/QH13" says no type: the column must (Luật, Bộ luật, Pháp lệnh, Nghị quyết).
    if (!named)
      refuse(col::type, "Số ký hiệu " + d.number + " không ghi loại văn bản: cột loại văn bản là bắt buộc",
             "The number " + d.number + " names no type: the type column is required", errc::missing_field);
    d.type_code = std::string(named->code);
  } else {
    d.type_code = dn->type_code;
    const auto* from_number = find_document_type(d.type_code);
    if (named && named != from_number && (!from_number || named->name_vi != from_number->name_vi))
      refuse(col::type, "Loại văn bản \"" + shown(r[col::type]) + "\" không khớp số ký hiệu " + d.number,
             "Type \"" + shown(r[col::type]) + "\" does not match the number " + d.number, errc::bad_document_number);
  }
  d.year = dn->year;
  d.issuer = r[col::issuer];
  d.title = r[col::title];
  d.summary = r[col::summary];
  if (r[col::issued_on].empty())
    refuse(col::issued_on, "Văn bản phải có ngày ban hành", "A document needs its issue date", errc::missing_field);
  d.issued_on = parse_day(r[col::issued_on], col::issued_on);
  if (!r[col::effective_on].empty()) d.effective_on = parse_day(r[col::effective_on], col::effective_on);
  if (!r[col::expires_on].empty()) d.expires_on = parse_day(r[col::expires_on], col::expires_on);
  d.level = r[col::level].empty() ? o.default_level : parse_level(r[col::level]);
  if (!r[col::family].empty()) {
    auto f = named_or_labelled<document_family>(r[col::family]);
    if (!f)
      refuse(col::family, "Nhóm văn bản \"" + shown(r[col::family]) + "\" không có trong danh mục",
             "Unknown document family \"" + shown(r[col::family]) + "\"", errc::out_of_range);
    d.family = f;
  }
  if (is_normative(d)) {
    if (!r[col::status].empty()) {
      auto s = named_or_labelled<validity_status>(r[col::status]);
      if (!s)
        refuse(col::status, "Tình trạng hiệu lực \"" + shown(r[col::status]) + "\" không có trong danh mục",
               "Unknown validity status \"" + shown(r[col::status]) + "\"", errc::out_of_range);
      d.status = s;
    } else {
      // No status given: what the dates say today (validity_on reads them when no history).
      d.status = validity_on(d, local_date(o.now));
    }
  }
  // An administrative document has no validity status (model/legal_document.hpp); a national
  // list may show one for every row, and it is dropped here by that rule.
  if (!r[col::period].empty()) {
    const auto& s = r[col::period];
    auto dash = s.find('-');
    int from = 0, to = 0;
    if (dash == std::string::npos || !detail::parse_int(trim(s.substr(0, dash)), from) ||
        !detail::parse_int(trim(s.substr(dash + 1)), to))
      refuse(col::period, "Giai đoạn \"" + shown(s) + "\" phải có dạng 2023-2027", "The period \"" + shown(s) + "\" must look like 2023-2027");
    d.period_from = from;
    d.period_to = to;
  }
  d.fields = r.list[static_cast<std::size_t>(col::fields)];
  if (!r[col::file_url].empty()) {
    document_file f;
    f.url = r[col::file_url];
    f.file_name = file_name_for(f.url, d.number);
    d.files.push_back(std::move(f));
  }
  d.state = article_state::published;  // the national bookcase's documents are public acts
  d.created_at = d.updated_at = o.now;
  if (!r[col::id].empty()) {
    d.id.value = valid_id_or_refuse(r[col::id], col::id);
  } else {
    // Stable across imports: the number, and the year when the number has none ("19/KH-PGDĐT"
    // comes back every year).
    auto s = slug_or_empty(d.number, 56);
    if (s.empty()) refuse(col::number, "Không lập được mã từ số ký hiệu", "Could not make an id from the number");
    d.id.value = "vb-" + s + (dn->year ? std::string() : "-" + std::to_string(static_cast<int>(d.issued_on.year())));
  }
  check_or_refuse(d);
  return d;
}

book book_from(const row& r, const options& o) {
  book b;
  b.at = r.at;
  auto& p = b.p;
  if (!o.unit)
    refuse(col::none, "Cấu hình của plugin thiếu \"unit\" (đơn vị giữ sách nhập về): không nhập được sách",
           "The plugin's configuration has no \"unit\" (the unit that keeps imported books): books cannot be imported",
           errc::missing_field);
  p.unit = *o.unit;
  p.kind = parse_category(r[col::category]);
  p.title = r[col::title];
  p.summary = r[col::summary];
  p.partners = r.list[static_cast<std::size_t>(col::publisher)];
  // A book from the national bookcase has no file of ours yet: a draft until someone attaches
  // one and publishes it.
  p.state = article_state::draft;
  b.refs = r.list[static_cast<std::size_t>(col::documents)];
  if (!r[col::id].empty()) {
    p.id.value = valid_id_or_refuse(r[col::id], col::id);
  } else {
    auto s = slug_or_empty(p.title, 58);
    if (s.empty()) refuse(col::title, "Sách phải có tiêu đề", "A book needs a title", errc::missing_field);
    p.id.value = "sach-" + s;
  }
  check_or_refuse(p);
  return b;
}

bool is_book(const row& r) {
  auto k = folded(r[col::kind]);
  if (k.empty()) return r[col::number].empty();  // no number: not a document
  if (k == "book" || k == "sach" || k == "publication" || k == "an pham") return true;
  if (k == "document" || k == "van ban" || k == "legal_document") return false;
  refuse(col::kind, "Loại mục \"" + shown(r[col::kind]) + "\" phải là document (văn bản) hoặc book (sách)",
         "Row kind \"" + shown(r[col::kind]) + "\" must be document or book");
}

// --- Warnings ---------------------------------------------------------------------------------------

struct warnings {
  bool csv = true;
  std::size_t max = 200, dropped = 0;
  json list = json::array();
  void add(std::size_t at, std::string_view column, bool skipped, const std::string& vi, const std::string& en) {
    if (list.size() >= max) {
      ++dropped;
      return;
    }
    // at == 0: about the whole file (a column nobody reads).
    json w{{"skipped", skipped}};
    std::string where_vi, where_en;
    if (at) {
      w[csv ? "line" : "item"] = at;
      where_vi = (csv ? "Dòng " : "Mục ") + std::to_string(at);
      where_en = (csv ? "Line " : "Item ") + std::to_string(at);
    }
    if (!column.empty()) {
      w["column"] = std::string(column);
      where_vi += (where_vi.empty() ? "Cột " : ", cột ") + std::string(column);
      where_en += (where_en.empty() ? "Column " : ", column ") + std::string(column);
    }
    if (!where_vi.empty()) {
      where_vi += ": ";
      where_en += ": ";
    }
    w["vi"] = where_vi + vi + (skipped ? " (bỏ qua dòng này)" : "");
    w["en"] = where_en + en + (skipped ? " (row skipped)" : "");
    list.push_back(std::move(w));
  }
  json finish() {
    if (dropped)
      list.push_back({{"skipped", false},
                      {"vi", "Còn " + std::to_string(dropped) + " cảnh báo nữa không liệt kê"},
                      {"en", std::to_string(dropped) + " more warnings not listed"}});
    return std::move(list);
  }
};

// --- Filling rows --------------------------------------------------------------------------------

void set_cell(row& r, col c, std::string value, const limits& l) {
  auto nf = text::nfc(value);
  if (!nf) refuse(c, "Ô không đúng mã UTF-8", "The cell is not valid UTF-8", errc::invalid_utf8);
  auto v = trim(*nf);
  if (!is_list(c)) {
    r.text[static_cast<std::size_t>(c)] = std::move(v);
    return;
  }
  auto& list = r.list[static_cast<std::size_t>(c)];
  std::size_t start = 0;
  while (start <= v.size()) {
    auto semi = v.find(';', start);
    auto part = trim(std::string_view(v).substr(start, semi == std::string::npos ? std::string::npos : semi - start));
    if (!part.empty()) list.push_back(std::move(part));
    if (semi == std::string::npos) break;
    start = semi + 1;
  }
  if (list.size() > l.max_list_items)
    refuse(c, "Quá " + std::to_string(l.max_list_items) + " mục trong một ô",
           "More than " + std::to_string(l.max_list_items) + " entries in one cell", errc::too_large);
}

struct rows_and_notes {
  std::vector<row> rows;
  std::vector<std::pair<std::size_t, error>> bad;  // rows refused while being read
  std::vector<std::string> ignored;                 // columns we do not know
};

result<rows_and_notes> rows_from_csv(std::string_view content, const limits& l) {
  auto recs = csv::parse(content, {l.max_items, l.max_columns, l.max_cell_bytes});
  if (!recs) return recs.err();
  if (recs->empty()) return file_error(errc::parse_error, "Danh mục trống", "The catalogue is empty");
  rows_and_notes out;
  const auto& header = recs->front().cells;
  std::vector<col> cols;
  std::set<col> seen;
  for (const auto& h : header) {
    auto c = column_of(h);
    if (c != col::none && !seen.insert(c).second)
      return file_error(errc::parse_error, "Dòng tiêu đề có hai cột " + std::string(name_of(c)),
                        "The header names column " + std::string(name_of(c)) + " twice");
    if (c == col::none && !trim(h).empty()) out.ignored.push_back(trim(h));
    cols.push_back(c);
  }
  if (!seen.count(col::title))
    return file_error(errc::missing_field, "Dòng tiêu đề phải có cột title (Tiêu đề/Trích yếu)",
                      "The header must have a title column");
  for (std::size_t k = 1; k < recs->size(); ++k) {
    auto& rec = (*recs)[k];
    row r;
    r.at = rec.line;
    try {
      if (rec.cells.size() != cols.size())
        refuse(col::none, "Dòng có " + std::to_string(rec.cells.size()) + " ô, tiêu đề có " + std::to_string(cols.size()),
               "The row has " + std::to_string(rec.cells.size()) + " cells, the header " + std::to_string(cols.size()),
               errc::parse_error);
      for (std::size_t j = 0; j < cols.size(); ++j)
        if (cols[j] != col::none) set_cell(r, cols[j], csv::unguard(std::move(rec.cells[j])), l);
      out.rows.push_back(std::move(r));
    } catch (const exception& e) {
      out.bad.emplace_back(rec.line, e.err());
    }
  }
  return out;
}

result<rows_and_notes> rows_from_json(std::string_view content, const limits& l) {
  auto parsed = json_io::parse(content);
  if (!parsed) return parsed.err();
  const json* items = &*parsed;
  if (parsed->is_object()) {
    if (auto v = parsed->find("version"); v != parsed->end() && (!v->is_number_integer() || v->get<long long>() != 1))
      return file_error(errc::unsupported_version, "Danh mục có phiên bản định dạng khác 1",
                        "The catalogue's format version is not 1");
    auto it = parsed->find("items");
    if (it == parsed->end())
      return file_error(errc::missing_field, "Danh mục JSON phải có mảng \"items\"", "A JSON catalogue needs an \"items\" array");
    items = &*it;
  }
  if (!items->is_array())
    return file_error(errc::wrong_type, "\"items\" của danh mục phải là mảng", "The catalogue's \"items\" must be an array");
  if (items->size() > l.max_items)
    return file_error(errc::too_large, "Danh mục có quá " + std::to_string(l.max_items) + " mục",
                      "The catalogue has more than " + std::to_string(l.max_items) + " items");
  rows_and_notes out;
  std::set<std::string> ignored;
  for (std::size_t k = 0; k < items->size(); ++k) {
    const auto& item = (*items)[k];
    row r;
    r.at = k + 1;
    try {
      if (!item.is_object()) refuse(col::none, "Mục phải là đối tượng JSON", "An item must be a JSON object", errc::wrong_type);
      for (auto it = item.begin(); it != item.end(); ++it) {
        auto c = column_of(it.key());
        if (c == col::none) {
          if (ignored.insert(it.key()).second && ignored.size() <= l.max_columns) out.ignored.push_back(it.key());
          continue;
        }
        const auto& v = it.value();
        if (v.is_null()) continue;
        if (v.is_string()) {
          set_cell(r, c, v.get<std::string>(), l);
        } else if (v.is_number_integer() || v.is_number_unsigned()) {
          set_cell(r, c, v.dump(), l);
        } else if (v.is_array() && is_list(c)) {
          if (v.size() > l.max_list_items)
            refuse(c, "Quá " + std::to_string(l.max_list_items) + " mục", "More than " + std::to_string(l.max_list_items) + " entries",
                   errc::too_large);
          for (const auto& e : v) {
            if (!e.is_string()) refuse(c, "Phần tử phải là chuỗi", "Entries must be strings", errc::wrong_type);
            auto nf = text::nfc(e.get<std::string>());
            if (!nf) refuse(c, "Không đúng mã UTF-8", "Not valid UTF-8", errc::invalid_utf8);
            if (auto t = trim(*nf); !t.empty()) r.list[static_cast<std::size_t>(c)].push_back(std::move(t));
          }
        } else {
          refuse(c, "Giá trị phải là chuỗi", "The value must be a string", errc::wrong_type);
        }
      }
      out.rows.push_back(std::move(r));
    } catch (const exception& e) {
      out.bad.emplace_back(k + 1, e.err());
    }
  }
  return out;
}

std::string number_key(const std::string& number) {
  auto dn = parse_document_number(number);
  return dn ? dn->to_string() : number;
}

}  // namespace

// --- The plugin's configuration ---------------------------------------------------------------------

options options_from_config(const json& config) {
  options o;
  if (config.is_null()) return o;
  if (!config.is_object())
    throw_error(error(errc::wrong_type, {}, "Cấu hình của plugin bookcase phải là đối tượng JSON",
                      "The bookcase plugin's configuration must be a JSON object"));
  if (auto it = config.find("unit"); it != config.end() && !it->is_null()) {
    if (!it->is_string() || !is_valid_id(it->get<std::string>()))
      throw_error(error(errc::invalid_argument, "/unit", "\"unit\" phải là mã đơn vị hợp lệ", "\"unit\" must be a valid unit id"));
    o.unit = unit_id{it->get<std::string>()};
  }
  if (auto it = config.find("default_level"); it != config.end() && !it->is_null()) {
    auto l = it->is_string() ? enum_from_string<document_level>(it->get<std::string>()) : std::nullopt;
    if (!l)
      throw_error(error(errc::invalid_argument, "/default_level", "\"default_level\" phải là central, city, district, sector hoặc school",
                        "\"default_level\" must be central, city, district, sector or school"));
    o.default_level = *l;
  }
  auto size = [&](const char* key, std::size_t& out, std::size_t ceiling) {
    auto it = config.find(key);
    if (it == config.end() || it->is_null()) return;
    bool whole = it->is_number_unsigned() || (it->is_number_integer() && it->get<std::int64_t>() > 0);
    if (!whole || it->get<std::uint64_t>() == 0 || it->get<std::uint64_t>() > ceiling)
      throw_error(error(errc::out_of_range, "/" + std::string(key),
                        "\"" + std::string(key) + "\" phải là số từ 1 đến " + std::to_string(ceiling),
                        "\"" + std::string(key) + "\" must be a number from 1 to " + std::to_string(ceiling)));
    out = static_cast<std::size_t>(it->get<std::uint64_t>());
  };
  // Never above the JSON parser's own limits: a larger catalogue could not be answered anyway.
  size("max_bytes", o.limit.max_bytes, PBGDPL_MAX_JSON_BYTES);
  size("max_items", o.limit.max_items, PBGDPL_MAX_ARRAY_ITEMS);
  return o;
}

// --- Import ----------------------------------------------------------------------------------------------

result<json> import_catalogue(std::string_view format, std::string_view content, const options& o) {
  try {
    const bool csv = format == "csv";
    if (!csv && format != "json")
      return error(errc::invalid_argument, "/format", "Định dạng \"" + shown(std::string(format)) + "\" không hỗ trợ (json, csv)",
                   "Unsupported format \"" + shown(std::string(format)) + "\" (json, csv)");
    if (content.size() > o.limit.max_bytes)
      return file_error(errc::too_large, "Danh mục lớn quá " + std::to_string(o.limit.max_bytes) + " byte",
                        "The catalogue is larger than " + std::to_string(o.limit.max_bytes) + " bytes");
    if (!text::is_valid_utf8(content)) {
      // The line of the first bad byte, for a person looking for it ('\n' never sits inside a
      // UTF-8 sequence, so lines can be checked one by one).
      std::size_t line = 1, start = 0;
      for (;;) {
        auto nl = content.find('\n', start);
        if (!text::is_valid_utf8(content.substr(start, nl == std::string_view::npos ? nl : nl - start)) ||
            nl == std::string_view::npos)
          break;
        start = nl + 1;
        ++line;
      }
      return file_error(errc::invalid_utf8,
                        "Danh mục không đúng mã UTF-8 (dòng " + std::to_string(line) + "): trong Excel, lưu dạng \"CSV UTF-8\"",
                        "The catalogue is not valid UTF-8 (line " + std::to_string(line) + "): in Excel, save as \"CSV UTF-8\"");
    }
    auto read = csv ? rows_from_csv(content, o.limit) : rows_from_json(content, o.limit);
    if (!read) return read.err();
    warnings w;
    w.csv = csv;
    w.max = o.limit.max_warnings;
    for (const auto& name : read->ignored)
      w.add(0, {}, false, "Cột \"" + shown(name) + "\" không dùng, bỏ qua", "Column \"" + shown(name) + "\" is not used, ignored");
    for (auto& [at, e] : read->bad) w.add(at, e.path, true, e.message_vi, e.message_en);

    std::vector<legal_document> docs;
    std::vector<book> books;
    std::set<std::string> doc_ids, book_ids;
    for (const auto& r : read->rows) {
      try {
        if (is_book(r)) {
          auto b = book_from(r, o);
          if (!book_ids.insert(b.p.id.value).second)
            refuse(col::id, "Mã \"" + b.p.id.value + "\" đã có ở dòng trước", "The id \"" + b.p.id.value + "\" appears on an earlier row",
                   errc::already_exists);
          books.push_back(std::move(b));
        } else {
          auto d = document_from(r, o);
          if (!doc_ids.insert(d.id.value).second)
            refuse(col::id, "Mã \"" + d.id.value + "\" đã có ở dòng trước", "The id \"" + d.id.value + "\" appears on an earlier row",
                   errc::already_exists);
          docs.push_back(std::move(d));
        }
      } catch (const exception& e) {
        w.add(r.at, e.err().path, true, e.err().message_vi, e.err().message_en);
      }
    }

    // Books name the documents they introduce by number (or "id:<id>"); resolved against this
    // catalogue's documents.
    std::map<std::string, std::vector<std::string>> by_number;
    for (const auto& d : docs) by_number[d.number].push_back(d.id.value);
    json out_books = json::array();
    for (auto& b : books) {
      for (const auto& ref : b.refs) {
        if (ref.starts_with("id:")) {
          auto id = trim(ref.substr(3));
          if (is_valid_id(id)) b.p.documents.push_back(legal_document_id{id});
          else w.add(b.at, "documents", false, "Mã văn bản \"" + shown(id) + "\" không hợp lệ, bỏ liên kết",
                     "Invalid document id \"" + shown(id) + "\", link dropped");
          continue;
        }
        auto it = by_number.find(number_key(ref));
        if (it == by_number.end())
          w.add(b.at, "documents", false, "Không có văn bản số " + shown(ref) + " trong danh mục, bỏ liên kết",
                "No document numbered " + shown(ref) + " in the catalogue, link dropped");
        else if (it->second.size() > 1)
          w.add(b.at, "documents", false, "Có nhiều văn bản cùng số " + shown(ref) + ", bỏ liên kết (ghi id:<mã>)",
                "Several documents are numbered " + shown(ref) + ", link dropped (write id:<id>)");
        else
          b.p.documents.push_back(legal_document_id{it->second.front()});
      }
      out_books.push_back(to_json_value(b.p));
    }
    json out_docs = json::array();
    for (const auto& d : docs) out_docs.push_back(to_json_value(d));
    return json{{"legal_documents", std::move(out_docs)}, {"publications", std::move(out_books)}, {"warnings", w.finish()}};
  } catch (const exception& e) {
    return e.err();
  } catch (const std::bad_alloc&) {
    return error(errc::too_large);
  }
}

// --- Export ----------------------------------------------------------------------------------------------

namespace {

struct out_row {
  std::array<std::string, column_count> text;
  std::array<std::vector<std::string>, column_count> list;
  void set(col c, std::string v) { text[static_cast<std::size_t>(c)] = std::move(v); }
  void set(col c, std::vector<std::string> v) { list[static_cast<std::size_t>(c)] = std::move(v); }
};

out_row row_of(const legal_document& d, bool csv) {
  out_row r;
  r.set(col::id, d.id.value);
  r.set(col::kind, "document");
  r.set(col::number, d.number);
  if (auto t = find_document_type(d.type_code)) r.set(col::type, std::string(t->name_vi));
  else r.set(col::type, d.type_code);
  r.set(col::title, d.title);
  r.set(col::summary, d.summary);
  r.set(col::issuer, d.issuer);
  r.set(col::level, std::string(label_vi(d.level)));
  r.set(col::issued_on, day_text(d.issued_on, csv));
  if (d.effective_on) r.set(col::effective_on, day_text(*d.effective_on, csv));
  if (d.expires_on) r.set(col::expires_on, day_text(*d.expires_on, csv));
  if (d.status && is_normative(d)) r.set(col::status, std::string(label_vi(*d.status)));
  if (d.family) r.set(col::family, std::string(to_string(*d.family)));
  if (d.period_from && d.period_to) r.set(col::period, std::to_string(*d.period_from) + "-" + std::to_string(*d.period_to));
  r.set(col::fields, d.fields);
  for (const auto& f : d.files)
    if (!f.url.empty()) {
      r.set(col::file_url, f.url);
      break;
    }
  return r;
}

out_row row_of(const publication& p, const std::map<std::string, std::string>& number_of_id) {
  out_row r;
  r.set(col::id, p.id.value);
  r.set(col::kind, "book");
  r.set(col::category, std::string(category_name(p.kind)));
  r.set(col::title, p.title);
  r.set(col::summary, p.summary);
  r.set(col::publisher, p.partners);
  std::vector<std::string> refs;
  for (const auto& id : p.documents) {
    auto it = number_of_id.find(id.value);
    refs.push_back(it != number_of_id.end() ? it->second : "id:" + id.value);
  }
  r.set(col::documents, std::move(refs));
  return r;
}

template <class T>
result<std::vector<T>> entities(const json& request, const char* key) {
  std::vector<T> out;
  auto it = request.find(key);
  if (it == request.end() || it->is_null()) return out;
  if (!it->is_array())
    return error(errc::wrong_type, "/" + std::string(key), "\"" + std::string(key) + "\" phải là mảng",
                 "\"" + std::string(key) + "\" must be an array");
  for (std::size_t i = 0; i < it->size(); ++i) {
    auto v = from_json_value<T>((*it)[i]);
    if (!v) {
      auto e = v.err();
      e.path = "/" + std::string(key) + "/" + std::to_string(i) + e.path;
      return e;
    }
    out.push_back(std::move(*v));
  }
  return out;
}

result<std::string> write(bool csv, const std::vector<legal_document>& docs, const std::vector<publication>& pubs) {
  // A book names a document by number when that number is one document's in this export.
  std::map<std::string, std::size_t> number_count;
  for (const auto& d : docs) ++number_count[d.number];
  std::map<std::string, std::string> number_of_id;
  for (const auto& d : docs)
    if (number_count[d.number] == 1) number_of_id[d.id.value] = d.number;
  std::vector<out_row> rows;
  rows.reserve(docs.size() + pubs.size());
  for (const auto& d : docs) rows.push_back(row_of(d, csv));
  for (const auto& p : pubs) rows.push_back(row_of(p, number_of_id));
  if (!csv) {
    json items = json::array();
    for (const auto& r : rows) {
      json item = json::object();
      for (std::size_t c = 0; c < column_count; ++c) {
        if (is_list(static_cast<col>(c))) {
          if (!r.list[c].empty()) item[std::string(column_names[c])] = r.list[c];
        } else if (!r.text[c].empty()) {
          item[std::string(column_names[c])] = r.text[c];
        }
      }
      items.push_back(std::move(item));
    }
    json doc{{"format", "pbgdpl-bookcase"}, {"version", 1}, {"source", "Tủ sách pháp luật điện tử quốc gia"},
             {"items", std::move(items)}};
    return doc.dump(2, ' ', false, json::error_handler_t::strict) + "\n";
  }
  std::string out = "\xEF\xBB\xBF";
  for (std::size_t c = 0; c < column_count; ++c) {
    if (c) out += ',';
    out += column_names[c];
  }
  out += "\r\n";
  for (const auto& r : rows) {
    for (std::size_t c = 0; c < column_count; ++c) {
      if (c) out += ',';
      if (!is_list(static_cast<col>(c))) {
        csv::append_cell(out, r.text[c]);
        continue;
      }
      std::string joined;
      for (const auto& e : r.list[c]) {
        // One cell holds the list, "; " between entries: an entry with ';' would come back as two.
        if (e.find(';') != std::string::npos)
          return error(errc::invalid_argument, std::string(column_names[c]),
                       "Mục \"" + shown(e) + "\" (" + r.text[0] + ") chứa dấu ';', không ghi được vào CSV: dùng định dạng JSON",
                       "Entry \"" + shown(e) + "\" (" + r.text[0] + ") contains ';' and cannot be written to CSV: use JSON");
        if (!joined.empty()) joined += "; ";
        joined += e;
      }
      csv::append_cell(out, joined);
    }
    out += "\r\n";
  }
  return out;
}

}  // namespace

result<std::string> export_catalogue(std::string_view format, const json& request) {
  try {
    const bool csv = format == "csv";
    if (!csv && format != "json")
      return error(errc::invalid_argument, "/format", "Định dạng \"" + shown(std::string(format)) + "\" không hỗ trợ (json, csv)",
                   "Unsupported format \"" + shown(std::string(format)) + "\" (json, csv)");
    if (!request.is_object())
      return error(errc::wrong_type, {}, "Yêu cầu xuất phải là đối tượng JSON", "The export request must be a JSON object");
    auto docs = entities<legal_document>(request, "legal_documents");
    if (!docs) return docs.err();
    auto pubs = entities<publication>(request, "publications");
    if (!pubs) return pubs.err();
    return write(csv, *docs, *pubs);
  } catch (const exception& e) {
    return e.err();
  } catch (const nlohmann::json::exception& e) {
    return error(errc::invalid_argument, {}, "Không ghi được danh mục", e.what());
  }
}

result<std::string> export_records(std::string_view format, const std::vector<store::record>& records) {
  std::string_view inner = format == "bookcase-json" ? "json" : format == "bookcase-csv" ? "csv" : "";
  if (inner.empty())
    return error(errc::invalid_argument, "/format", "Định dạng \"" + shown(std::string(format)) + "\" không hỗ trợ (bookcase-json, bookcase-csv)",
                 "Unsupported format \"" + shown(std::string(format)) + "\" (bookcase-json, bookcase-csv)");
  json request{{"legal_documents", json::array()}, {"publications", json::array()}};
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    if (r.kind == "legal_document") request["legal_documents"].push_back(r.body);
    else if (r.kind == "publication") request["publications"].push_back(r.body);
    else
      return error(errc::invalid_argument, "/records/" + std::to_string(i),
                   "Bản ghi loại \"" + shown(r.kind) + "\" không xuất được ra Tủ sách pháp luật (chỉ văn bản và ấn phẩm)",
                   "A record of kind \"" + shown(r.kind) + "\" cannot go to the legal bookcase (documents and publications only)");
  }
  return export_catalogue(inner, request);
}

}  // namespace bookcase
