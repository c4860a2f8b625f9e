// Definitions for portal/editor_forms.hpp (inline in header-only mode, compiled once from src/portal/).
#pragma once
#include "../../core/document_number.hpp"
#include "../../core/text.hpp"
#include "../../core/time.hpp"
#include "../editor_forms.hpp"

#include <algorithm>
#include <charconv>
#include <initializer_list>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace portal {
namespace forms_detail {

inline std::string value_of(const form_values& f, const std::string& k) {
  auto it = f.find(k);
  return it == f.end() ? std::string() : it->second;
}
// Trimmed and NFC, as the store keeps text (input may come NFD from some keyboards).
inline std::string clean(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
  auto n = text::nfc(s);
  return n ? *n : std::string(s);
}
template <class Int>
inline bool parse_number(std::string_view s, Int& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}
inline std::vector<std::string> lines_of(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    auto n = s.find('\n');
    if (auto l = clean(s.substr(0, n)); !l.empty()) out.push_back(std::move(l));
    if (n == std::string_view::npos) break;
    s.remove_prefix(n + 1);
  }
  return out;
}
inline std::string joined(const std::vector<std::string>& xs) {
  std::string out;
  for (const auto& x : xs) out += (out.empty() ? "" : "\n") + x;
  return out;
}
inline std::string key(std::string_view part, std::size_t i, std::string_view sub) {
  return std::string(part) + "-" + std::to_string(i) + (sub.empty() ? "" : "-" + std::string(sub));
}
inline void put_error(form_errors& e, const std::string& field, std::string vi, std::string en) {
  if (!e.count(field)) e[field] = {std::move(vi), std::move(en)};
}

// Rows 0..rows-1 of `part` with sub-fields `subs` ("" for a row that is one value). A row counts
// when one of `counted` is not blank (a select's default alone is no entry). Kept rows move to
// the front of `f`, the emptied ones after them; each kept row is returned as sub → raw value.
inline std::vector<std::map<std::string, std::string>> take_rows(form_values& f, std::string_view part, std::size_t rows,
                                                                 std::initializer_list<std::string_view> subs,
                                                                 std::initializer_list<std::string_view> counted) {
  std::vector<std::map<std::string, std::string>> kept;
  for (std::size_t i = 0; i < rows; ++i) {
    std::map<std::string, std::string> row;
    bool any = false;
    for (auto sub : subs) {
      auto v = value_of(f, key(part, i, sub));
      if (std::find(counted.begin(), counted.end(), sub) != counted.end() && !clean(v).empty()) any = true;
      row[std::string(sub)] = std::move(v);
    }
    if (any) kept.push_back(std::move(row));
  }
  for (std::size_t i = 0; i < rows; ++i)
    for (auto sub : subs) {
      auto k = key(part, i, sub);
      if (i < kept.size()) f[k] = kept[i][std::string(sub)];
      else f.erase(k);
    }
  return kept;
}

inline void optional_date(form_values& f, form_errors& e, const std::string& field, std::optional<date>& out) {
  auto v = clean(value_of(f, field));
  out.reset();
  if (v.empty()) return;
  if (auto d = parse_date(v)) out = *d;
  else put_error(e, field, "Ngày không hợp lệ (dạng 2023-03-22)", "Invalid date (like 2023-03-22)");
}
inline void optional_year(form_values& f, form_errors& e, const std::string& field, std::optional<int>& out) {
  auto v = clean(value_of(f, field));
  out.reset();
  if (v.empty()) return;
  int y = 0;
  if (parse_number(v, y)) out = y;
  else put_error(e, field, "Năm phải là một số, ví dụ 2023", "The year must be a number, e.g. 2023");
}

inline constexpr std::string_view expected_number_vi =
    " Số ký hiệu viết theo dạng số/loại-cơ quan, ví dụ 19/KH-PGDĐT; văn bản quy phạm pháp luật có thêm năm: "
    "30/2020/NĐ-CP; luật: 14/2012/QH13; công văn: 123/UBND-VX.";
inline constexpr std::string_view expected_number_en =
    " Write it as number/type-issuer, e.g. 19/KH-PGDĐT; normative documents add the year: 30/2020/NĐ-CP; "
    "laws: 14/2012/QH13; official letters: 123/UBND-VX.";

}  // namespace forms_detail

PBGDPL_DECL std::string form_field_of(std::string_view json_pointer) {
  std::string out(json_pointer);
  if (!out.empty() && out.front() == '/') out.erase(0, 1);
  std::replace(out.begin(), out.end(), '/', '-');
  return out;
}

PBGDPL_DECL void add_form_errors(form_errors& out, const error& e) {
  auto put = [&](const error& x) { forms_detail::put_error(out, form_field_of(x.path), x.message_vi, x.message_en); };
  if (e.details.empty()) put(e);
  for (const auto& d : e.details) put(d);
}

PBGDPL_DECL std::size_t form_rows(const form_values& f, std::string_view name) {
  std::size_t max = 1;
  for (const auto& p : document_repeated_parts)
    if (p.name == name) max = p.max_rows;
  std::size_t n = 1;
  if (auto it = f.find(std::string(name) + "-rows"); it != f.end()) (void)forms_detail::parse_number(it->second, n);
  return std::clamp<std::size_t>(n, 1, max);
}

PBGDPL_DECL form_values document_form_values(const legal_document& d) {
  using forms_detail::key;
  form_values v;
  v["number"] = d.number;
  v["type_code"] = d.type_code;
  v["year"] = d.year ? std::to_string(*d.year) : "";
  v["level"] = std::string(to_string(d.level));
  v["issuer"] = d.issuer;
  v["parent_issuer"] = d.parent_issuer;
  v["place"] = d.place;
  v["issued_on"] = d.issued_on.ok() ? format_date(d.issued_on) : "";
  v["title"] = d.title;
  v["summary"] = d.summary;
  v["body_markdown"] = d.body_markdown;
  v["signed_by-authority"] = std::string(to_string(d.signed_by.authority));
  v["signed_by-authority_title"] = d.signed_by.authority_title;
  v["signed_by-position"] = d.signed_by.position;
  v["signed_by-name"] = d.signed_by.name;
  for (std::size_t i = 0; i < d.signed_by.above.size(); ++i) {
    v[key("signed_by-above", i, "authority")] = std::string(to_string(d.signed_by.above[i].authority));
    v[key("signed_by-above", i, "title")] = d.signed_by.above[i].title;
  }
  v["family"] = d.family ? std::string(to_string(*d.family)) : "";
  v["effective_on"] = d.effective_on ? format_date(*d.effective_on) : "";
  v["expires_on"] = d.expires_on ? format_date(*d.expires_on) : "";
  v["status"] = d.status ? std::string(to_string(*d.status)) : "";
  v["period_from"] = d.period_from ? std::to_string(*d.period_from) : "";
  v["period_to"] = d.period_to ? std::to_string(*d.period_to) : "";
  v["fields"] = forms_detail::joined(d.fields);
  for (std::size_t i = 0; i < d.recipients.size(); ++i) v[key("recipients", i, "")] = d.recipients[i];
  for (std::size_t i = 0; i < d.relations.size(); ++i) {
    const auto& r = d.relations[i];
    v[key("relations", i, "kind")] = std::string(to_string(r.kind));
    v[key("relations", i, "target")] = r.target ? r.target->value : "";
    v[key("relations", i, "number")] = r.number;
    v[key("relations", i, "title")] = r.title;
  }
  for (std::size_t i = 0; i < d.files.size(); ++i) {
    const auto& x = d.files[i];
    v[key("files", i, "file_name")] = x.file_name;
    v[key("files", i, "mime_type")] = x.mime_type;
    v[key("files", i, "size")] = x.size ? std::to_string(x.size) : "";
    v[key("files", i, "blake2b")] = x.blake2b;
    v[key("files", i, "media")] = x.media ? x.media->value : "";
    v[key("files", i, "url")] = x.url;
  }
  for (std::size_t i = 0; i < d.status_history.size(); ++i) {
    const auto& c = d.status_history[i];
    v[key("status_history", i, "status")] = std::string(to_string(c.status));
    v[key("status_history", i, "on")] = c.on.ok() ? format_date(c.on) : "";
    v[key("status_history", i, "note")] = c.note;
    v[key("status_history", i, "caused_by")] = c.caused_by ? c.caused_by->value : "";
  }
  // One empty row after the items of each repeated part.
  const std::size_t counts[] = {d.recipients.size(), d.relations.size(), d.files.size(), d.status_history.size()};
  for (std::size_t i = 0; i < std::size(document_repeated_parts); ++i)
    v[std::string(document_repeated_parts[i].name) + "-rows"] =
        std::to_string(std::min(counts[i] + 1, document_repeated_parts[i].max_rows));
  v["unit"] = d.unit ? d.unit->value : "";
  return v;
}

PBGDPL_DECL form_errors read_document_form(form_values& f, legal_document& d) {
  using namespace forms_detail;
  form_errors e;
  auto field = [&](const char* k) { return clean(value_of(f, k)); };
  d.number = field("number");
  std::optional<document_number> dn;
  if (d.number.empty()) {
    put_error(e, "number", "Hãy nhập số ký hiệu." + std::string(expected_number_vi),
              "Enter the document number." + std::string(expected_number_en));
  } else if (auto p = parse_document_number(d.number); !p) {
    put_error(e, "number", p.err().message_vi + "." + std::string(expected_number_vi),
              p.err().message_en + "." + std::string(expected_number_en));
  } else {
    dn = *p;
  }
  // The type code: taken from the number when left empty; a law's number names none.
  d.type_code = field("type_code");
  if (d.type_code.empty() && dn) {
    if (dn->kind == document_number::form::issuer_only)
      put_error(e, "type_code",
                "Số ký hiệu dạng 14/2012/QH13 không ghi loại văn bản: hãy chọn Luật, Bộ luật, Pháp lệnh hoặc Nghị quyết",
                "A number like 14/2012/QH13 names no type: choose Law, Code, Ordinance or Resolution");
    else
      f["type_code"] = d.type_code = dn->type_code;
  }
  if (d.type_code.empty())
    put_error(e, "type_code", "Hãy chọn loại văn bản (hoặc nhập đúng số ký hiệu để tự điền)",
              "Choose the document type (or enter a valid number to fill it in)");
  if (auto lv = enum_from_string<document_level>(field("level"))) d.level = *lv;
  else put_error(e, "level", "Hãy chọn cấp ban hành", "Choose the level");
  d.issuer = field("issuer");
  d.parent_issuer = field("parent_issuer");
  d.place = field("place");
  d.issued_on = date{};
  if (auto v = field("issued_on"); v.empty())
    put_error(e, "issued_on", "Hãy nhập ngày ban hành", "Enter the date of issue");
  else if (auto dt = parse_date(v))
    d.issued_on = *dt;
  else
    put_error(e, "issued_on", "Ngày không hợp lệ (dạng 2023-03-22)", "Invalid date (like 2023-03-22)");
  // The year: from the number when it has one, else from the date of issue.
  optional_year(f, e, "year", d.year);
  if (!d.year && clean(value_of(f, "year")).empty()) {
    if (dn && dn->year) d.year = dn->year;
    else if (d.issued_on.ok()) d.year = static_cast<int>(d.issued_on.year());
    if (d.year) f["year"] = std::to_string(*d.year);
  }
  d.title = field("title");
  d.summary = field("summary");
  d.body_markdown = value_of(f, "body_markdown");
  if (auto n = text::nfc(d.body_markdown)) d.body_markdown = *n;
  // The signer block.
  if (auto a = enum_from_string<signer_authority>(field("signed_by-authority"))) d.signed_by.authority = *a;
  else put_error(e, "signed_by-authority", "Hãy chọn thẩm quyền ký", "Choose how the signer signs");
  d.signed_by.authority_title = field("signed_by-authority_title");
  d.signed_by.position = field("signed_by-position");
  d.signed_by.name = field("signed_by-name");
  d.signed_by.above.clear();
  for (auto& row : take_rows(f, "signed_by-above", signer_above_rows, {"authority", "title"}, {"authority", "title"})) {
    signer_line l;
    l.authority = enum_from_string<signer_authority>(clean(row["authority"])).value_or(signer_authority::none);
    l.title = clean(row["title"]);
    d.signed_by.above.push_back(std::move(l));
  }
  if (auto v = field("family"); v.empty()) d.family.reset();
  else if (auto fam = enum_from_string<document_family>(v)) d.family = *fam;
  else put_error(e, "family", "Nhóm văn bản không hợp lệ", "Unknown family");
  optional_date(f, e, "effective_on", d.effective_on);
  optional_date(f, e, "expires_on", d.expires_on);
  if (auto v = field("status"); v.empty()) d.status.reset();
  else if (auto st = enum_from_string<validity_status>(v)) d.status = *st;
  else put_error(e, "status", "Tình trạng hiệu lực không hợp lệ", "Unknown validity status");
  optional_year(f, e, "period_from", d.period_from);
  optional_year(f, e, "period_to", d.period_to);
  d.fields = lines_of(value_of(f, "fields"));
  // Repeated parts: what was typed in each row, blank rows dropped.
  d.recipients.clear();
  for (auto& row : take_rows(f, "recipients", form_rows(f, "recipients"), {""}, {""})) d.recipients.push_back(clean(row[""]));
  d.relations.clear();
  {
    auto rows = take_rows(f, "relations", form_rows(f, "relations"), {"kind", "target", "number", "title"}, {"target", "number", "title"});
    for (std::size_t i = 0; i < rows.size(); ++i) {
      auto& row = rows[i];
      document_relation r;
      if (auto k = enum_from_string<relation_kind>(clean(row["kind"]))) r.kind = *k;
      else put_error(e, key("relations", i, "kind"), "Hãy chọn quan hệ", "Choose the relation");
      if (auto t = clean(row["target"]); !t.empty()) r.target = legal_document_id{t};
      r.number = clean(row["number"]);
      r.title = clean(row["title"]);
      if (!r.number.empty())
        if (auto p = parse_document_number(r.number); !p)
          put_error(e, key("relations", i, "number"), p.err().message_vi + "." + std::string(expected_number_vi),
                    p.err().message_en + "." + std::string(expected_number_en));
      d.relations.push_back(std::move(r));
    }
  }
  d.files.clear();
  {
    auto rows = take_rows(f, "files", form_rows(f, "files"), {"file_name", "mime_type", "size", "blake2b", "media", "url"},
                          {"file_name", "mime_type", "size", "blake2b", "media", "url"});
    for (std::size_t i = 0; i < rows.size(); ++i) {
      auto& row = rows[i];
      document_file x;
      x.file_name = clean(row["file_name"]);
      x.mime_type = clean(row["mime_type"]);
      if (auto s = clean(row["size"]); !s.empty() && !parse_number(s, x.size))
        put_error(e, key("files", i, "size"), "Kích thước là số byte, ví dụ 412873", "The size is a number of bytes, e.g. 412873");
      x.blake2b = clean(row["blake2b"]);
      if (auto m = clean(row["media"]); !m.empty()) x.media = media_id{m};
      x.url = clean(row["url"]);
      d.files.push_back(std::move(x));
    }
  }
  d.status_history.clear();
  {
    auto rows = take_rows(f, "status_history", form_rows(f, "status_history"), {"status", "on", "note", "caused_by"},
                          {"on", "note", "caused_by"});
    for (std::size_t i = 0; i < rows.size(); ++i) {
      auto& row = rows[i];
      status_change c;
      if (auto st = enum_from_string<validity_status>(clean(row["status"]))) c.status = *st;
      else put_error(e, key("status_history", i, "status"), "Hãy chọn tình trạng", "Choose the status");
      if (auto on = parse_date(clean(row["on"]))) c.on = *on;
      else put_error(e, key("status_history", i, "on"), "Hãy nhập ngày thay đổi (dạng 2023-03-22)", "Enter the date of the change (like 2023-03-22)");
      c.note = clean(row["note"]);
      if (auto t = clean(row["caused_by"]); !t.empty()) c.caused_by = legal_document_id{t};
      d.status_history.push_back(std::move(c));
    }
  }
  return e;
}

PBGDPL_DECL form_errors document_form_errors(form_values& f, legal_document& d) {
  auto e = read_document_form(f, d);
  if (auto c = check(d); !c) add_form_errors(e, c.err());
  return e;
}

PBGDPL_DECL form_values publication_form_values(const publication& p) {
  form_values v;
  v["kind"] = std::string(to_string(p.kind));
  v["title"] = p.title;
  v["summary"] = p.summary;
  v["unit"] = p.unit.value;
  std::vector<std::string> ids;
  for (const auto& m : p.media) ids.push_back(m.value);
  v["media"] = forms_detail::joined(ids);
  ids.clear();
  for (const auto& d : p.documents) ids.push_back(d.value);
  v["documents"] = forms_detail::joined(ids);
  v["partners"] = forms_detail::joined(p.partners);
  return v;
}

PBGDPL_DECL form_errors read_publication_form(form_values& f, publication& p) {
  using namespace forms_detail;
  form_errors e;
  if (auto k = enum_from_string<publication_kind>(clean(value_of(f, "kind")))) p.kind = *k;
  else put_error(e, "kind", "Hãy chọn loại ấn phẩm", "Choose the kind of publication");
  p.title = clean(value_of(f, "title"));
  p.summary = clean(value_of(f, "summary"));
  p.media.clear();
  for (auto& x : lines_of(value_of(f, "media"))) p.media.push_back(media_id{x});
  p.documents.clear();
  for (auto& x : lines_of(value_of(f, "documents"))) p.documents.push_back(legal_document_id{x});
  p.partners = lines_of(value_of(f, "partners"));
  return e;
}

}  // namespace portal
PBGDPL_NAMESPACE_END
