// Bodies of model/legal_document.hpp (JSON codecs and validation): compiled once into the core tier
// (src/core/model.cpp), or included by the header in header-only builds.
#pragma once
#include "../legal_document.hpp"

PBGDPL_NAMESPACE_BEGIN

PBGDPL_MODEL_DEFINE(signer_line)

PBGDPL_MODEL_DEFINE(signer)

PBGDPL_MODEL_DEFINE(status_change)

PBGDPL_MODEL_DEFINE(document_relation)

PBGDPL_MODEL_DEFINE(document_file)

// Not PBGDPL_MODEL_DEFINE: reading runs upgrade_legacy() on what describe() read.
PBGDPL_DECL void to_json(json& j, const legal_document& x) {
  j = json::object();
  model_io::writer w{j};
  describe(w, const_cast<legal_document&>(x));
}
PBGDPL_DECL void from_json(const json& j, legal_document& x) {
  model_io::reader r{j};
  legal_document fresh{};
  describe(r, fresh);
  upgrade_legacy(j, fresh);
  x = std::move(fresh);
}

PBGDPL_DECL void upgrade_legacy(const json& j, legal_document& d) {
  if (d.type_code == "L")
    if (auto dn = parse_document_number(d.number); dn && dn->kind == document_number::form::issuer_only) d.type_code = "Luật";
  if (j.is_object() && !j.contains("family") && family_of(d) == document_family::administrative) {
    d.status.reset();
    d.status_history.clear();
  }
}

PBGDPL_DECL document_family family_of(const legal_document& d) {
  if (d.family) return *d.family;
  const auto* t = find_document_type(d.type_code);
  if (t && t->families == type_families::normative_only) return document_family::normative;
  if (t && t->families == type_families::administrative_only) return document_family::administrative;
  auto dn = parse_document_number(d.number);
  if (dn && dn->year && (dn->kind == document_number::form::typed || dn->kind == document_number::form::issuer_only))
    return document_family::normative;
  return document_family::administrative;
}

PBGDPL_DECL std::vector<std::string> signer_title_lines(const signer& s) {
  std::vector<std::string> lines;
  lines.reserve(s.above.size() + 2);
  for (const auto& l : s.above) lines.push_back(std::string(signer_authority_prefix(l.authority)) + " " + l.title);
  switch (s.authority) {
    case signer_authority::none:
      if (!s.position.empty()) lines.push_back(s.position);
      break;
    case signer_authority::q: lines.push_back("Q. " + (s.position.empty() ? s.authority_title : s.position)); break;
    default:
      lines.push_back(std::string(signer_authority_prefix(s.authority)) + " " + s.authority_title);
      if (!s.position.empty()) lines.push_back(s.position);
  }
  return lines;
}

PBGDPL_DECL std::string format_signer(const signer& s) {
  std::string out;
  for (const auto& l : signer_title_lines(s)) {
    if (!out.empty()) out += '\n';
    out += l;
  }
  return out;
}

PBGDPL_DECL std::string format_signature_block(const signer& s) {
  auto out = format_signer(s);
  if (!s.name.empty()) {
    if (!out.empty()) out += '\n';
    out += s.name;
  }
  return out;
}

PBGDPL_DECL std::optional<validity_status> validity_on(const legal_document& d, date on) {
  if (!is_normative(d)) return std::nullopt;
  const status_change* last = nullptr;
  for (const auto& c : d.status_history)
    if (c.on <= on) last = &c;
  if (last) return last->status;
  if (d.effective_on && on < *d.effective_on) return validity_status::not_yet_in_force;
  if (d.expires_on && on >= *d.expires_on) return validity_status::expired;
  if (!d.status_history.empty()) return validity_status::not_yet_in_force;
  return d.status.value_or(validity_status::in_force);
}

PBGDPL_DECL void validate(const signer& s, validator& v) {
  rules::known(v, s.authority, "/authority");
  rules::text(v, s.authority_title, "/authority_title", "Chức danh thủ trưởng", "Authority title", false);
  rules::text(v, s.position, "/position", "Chức vụ người ký", "Signer position", false);
  rules::text(v, s.name, "/name", "Tên người ký", "Signer name", false);
  bool needs_head = s.authority == signer_authority::tm || s.authority == signer_authority::kt ||
                    s.authority == signer_authority::tl || s.authority == signer_authority::tuq;
  if (needs_head)
    v.check(!s.authority_title.empty(), "/authority_title", errc::missing_field,
            "Ký thay/thừa lệnh/thay mặt phải ghi chức danh thủ trưởng (vd. TRƯỞNG PHÒNG)",
            "Signing for someone needs the head's title (e.g. TRƯỞNG PHÒNG)");
  if (needs_head || s.authority == signer_authority::none)
    if (!s.name.empty())
      v.check(!s.position.empty(), "/position", errc::missing_field, "Thiếu chức vụ người ký",
              "The signer's position is missing");
  // An empty block (no title line) is allowed: many records name only the issuer.
  for (std::size_t i = 0; i < s.above.size(); ++i) {
    auto p = "/above/" + std::to_string(i);
    rules::known(v, s.above[i].authority, p + "/authority");
    rules::text(v, s.above[i].title, p + "/title", "Dòng thẩm quyền ký", "Authority line", true);
    v.check(s.above[i].authority != signer_authority::none, p + "/authority", errc::invalid_argument,
            "Dòng thẩm quyền phía trên phải có TM., KT., TL., TUQ. hoặc Q.",
            "An authority line above the signer's own needs TM., KT., TL., TUQ. or Q.");
  }
  if (!s.above.empty())
    v.check(s.authority != signer_authority::none || !s.position.empty(), "/position", errc::missing_field,
            "Khối chữ ký có dòng thẩm quyền phía trên phải có chức vụ người ký",
            "A block with authority lines above needs the signer's own line");
  v.check(signer_title_lines(s).size() <= signer::max_title_lines, "/above", errc::out_of_range,
          "Khối chữ ký quá nhiều dòng (tối đa " + std::to_string(signer::max_title_lines) + " dòng chức danh)",
          "Too many lines in the signature block (at most " + std::to_string(signer::max_title_lines) +
              " title lines)");
}

PBGDPL_DECL void validate(const document_file& f, validator& v) {
  rules::text(v, f.file_name, "/file_name", "Tên tệp", "File name", true);
  if (f.file_name.find_first_of("/\\") != std::string::npos || f.file_name == "." || f.file_name == "..")
    v.add("/file_name", errc::unsafe_path, "Tên tệp không được chứa đường dẫn", "A file name must not contain a path");
  rules::text(v, f.mime_type, "/mime_type", "Kiểu tệp", "MIME type", false);
  if (!f.blake2b.empty()) rules::blake2b(v, f.blake2b, "/blake2b");
  rules::identifier(v, f.media, "/media", "Tệp đa phương tiện", "Media");
  rules::url(v, f.url, "/url", "Địa chỉ tệp", "File URL", false);
}

PBGDPL_DECL void validate(const document_relation& r, validator& v) {
  rules::known(v, r.kind, "/kind");
  rules::identifier(v, r.target, "/target", "Văn bản liên quan", "Related document");
  if (!r.target && r.number.empty())
    v.add("/number", errc::missing_field, "Quan hệ phải chỉ ra văn bản (target hoặc number)",
          "A relation must name a document (target or number)");
  if (!r.number.empty()) {
    auto dn = parse_document_number(r.number);
    if (!dn) v.add("/number", errc::bad_document_number, dn.err().message_vi, dn.err().message_en);
  }
  rules::text(v, r.title, "/title", "Trích yếu", "Title", false);
}

PBGDPL_DECL void validate(const legal_document& d, validator& v) {
  rules::schema(v, d.schema_version);
  rules::known(v, d.level, "/level");
  if (d.status) rules::known(v, *d.status, "/status");
  if (d.family) rules::known(v, *d.family, "/family");
  rules::identifier(v, d.id, "/id", "Mã văn bản", "Document id");
  if (d.number.empty()) {
    v.add("/number", errc::missing_field, "Số ký hiệu không được để trống", "The document number must not be empty");
  } else if (auto dn = parse_document_number(d.number); !dn) {
    v.add("/number", errc::bad_document_number, dn.err().message_vi, dn.err().message_en);
  } else {
    // The symbol says the type; an official letter's is "CV"; a law's ("14/2012/QH13") says none.
    if (dn->kind != document_number::form::issuer_only && dn->type_code != d.type_code)
      v.add("/type_code", errc::bad_document_number,
            "Loại văn bản \"" + d.type_code + "\" không khớp số ký hiệu (" + dn->type_code + ")",
            "Type code \"" + d.type_code + "\" does not match the number (" + dn->type_code + ")");
    if (dn->year && d.year != dn->year)
      v.add("/year", errc::bad_document_number, "Năm không khớp số ký hiệu", "The year does not match the number");
    if (dn->year && *dn->year != static_cast<int>(d.issued_on.year()))
      v.add("/issued_on", errc::bad_date, "Năm ban hành không khớp số ký hiệu",
            "The issue date's year does not match the number");
  }
  const auto* type = find_document_type(d.type_code);
  if (!type)
    v.add("/type_code", errc::out_of_range, "Loại văn bản không có trong danh mục", "Unknown document type code");
  const auto family = family_of(d);
  if (type && !type->allows(family))
    v.add("/family", errc::invalid_argument,
          "Loại \"" + std::string(type->name_vi) + "\" không thuộc nhóm \"" + std::string(label_vi(family)) + "\"",
          "Type \"" + std::string(type->name_en) + "\" is not among \"" + std::string(label_en(family)) + "\"");
  // "14/2012/QH13" names no type: only laws, codes, ordinances and resolutions of the National
  // Assembly and its Standing Committee are numbered so (Law 80/2015 Art. 10(3)(a)-(b)). (A
  // type never written in a number, given with a number that has one, is refused above.)
  if (type && type->in_symbol && d.type_code != "NQ")
    if (auto dn = parse_document_number(d.number); dn && dn->kind == document_number::form::issuer_only)
      v.add("/type_code", errc::bad_document_number,
            "Số ký hiệu không ghi loại văn bản (vd. 14/2012/QH13) chỉ dùng cho Luật, Bộ luật, Pháp lệnh, Nghị quyết; "
            "không dùng cho " + std::string(type->name_vi),
            "A number without a type code (e.g. 14/2012/QH13) is for laws, codes, ordinances and resolutions, not for a " +
                std::string(type->name_en));
  if (family == document_family::administrative) {
    if (d.status || !d.status_history.empty())
      v.add("/status", errc::invalid_argument,
            "Văn bản chỉ đạo, điều hành không có tình trạng hiệu lực; chỉ văn bản quy phạm pháp luật mới có",
            "An administrative document has no validity status; only legal normative documents do");
  } else if (!d.status) {
    v.add("/status", errc::missing_field, "Văn bản quy phạm pháp luật phải có tình trạng hiệu lực",
          "A legal normative document needs a validity status");
  }
  if (d.period_from.has_value() != d.period_to.has_value())
    v.add(d.period_from ? "/period_to" : "/period_from", errc::missing_field,
          "Giai đoạn thực hiện phải có cả năm đầu và năm cuối", "An implementation period needs both years");
  if (d.period_from && d.period_to) {
    auto year_ok = [](int y) { return y >= 1945 && y <= 2200; };
    if (!year_ok(*d.period_from) || !year_ok(*d.period_to) || *d.period_to < *d.period_from)
      v.add("/period_to", errc::out_of_range, "Giai đoạn thực hiện không hợp lệ (năm cuối phải không trước năm đầu)",
            "Invalid implementation period (the last year must not be before the first)");
  }
  if (d.year && *d.year != static_cast<int>(d.issued_on.year()))
    v.add("/year", errc::bad_date, "Năm không khớp ngày ban hành", "year does not match issued_on");
  rules::text(v, d.issuer, "/issuer", "Cơ quan ban hành", "Issuer", true);
  rules::text(v, d.parent_issuer, "/parent_issuer", "Cơ quan chủ quản", "Parent issuer", false);
  rules::text(v, d.place, "/place", "Địa danh", "Place", false);
  if (!d.issued_on.ok()) v.add("/issued_on", errc::bad_date, "Ngày ban hành không hợp lệ", "Invalid issue date");
  rules::text(v, d.title, "/title", "Trích yếu", "Title", true);
  rules::long_text(v, d.summary, "/summary", "Tóm tắt", "Summary", false);
  rules::long_text(v, d.body_markdown, "/body_markdown", "Toàn văn", "Body", false);
  v.nested("/signed_by", [&] { validate(d.signed_by, v); });
  if (d.effective_on)
    rules::not_before(v, *d.effective_on, d.issued_on, "/effective_on",
                      "Ngày có hiệu lực không được trước ngày ban hành", "effective_on must not be before issued_on");
  if (d.expires_on)
    rules::not_before(v, *d.expires_on, d.effective_on.value_or(d.issued_on), "/expires_on",
                      "Ngày hết hiệu lực phải sau ngày có hiệu lực", "expires_on must be after effective_on", true);
  for (std::size_t i = 0; i < d.status_history.size(); ++i) {
    auto p = "/status_history/" + std::to_string(i);
    const auto& c = d.status_history[i];
    rules::known(v, c.status, p + "/status");
    rules::text(v, c.note, p + "/note", "Ghi chú", "Note", false);
    rules::identifier(v, c.caused_by, p + "/caused_by", "Văn bản gây thay đổi", "Causing document");
    if (c.on < d.issued_on)
      v.add(p + "/on", errc::bad_date, "Thay đổi hiệu lực trước ngày ban hành",
            "A status change before the issue date");
    if (i > 0 && c.on < d.status_history[i - 1].on)
      v.add(p + "/on", errc::bad_date, "Lịch sử hiệu lực phải theo thứ tự ngày",
            "The status history must be in date order");
  }
  if (!d.status_history.empty() && d.status && d.status_history.back().status != *d.status)
    v.add("/status", errc::conflict, "Tình trạng hiệu lực không khớp thay đổi cuối cùng trong lịch sử",
          "status does not match the last entry of status_history");
  rules::texts(v, d.fields, "/fields", "Lĩnh vực", "Field");
  rules::texts(v, d.recipients, "/recipients", "Nơi nhận", "Recipient");
  for (std::size_t i = 0; i < d.relations.size(); ++i) {
    v.nested("/relations/" + std::to_string(i), [&] { validate(d.relations[i], v); });
    if (d.relations[i].target && *d.relations[i].target == d.id)
      v.add("/relations/" + std::to_string(i) + "/target", errc::invalid_argument,
            "Văn bản không thể liên quan đến chính nó", "A document cannot relate to itself");
  }
  for (std::size_t i = 0; i < d.files.size(); ++i)
    v.nested("/files/" + std::to_string(i), [&] { validate(d.files[i], v); });
  rules::identifier(v, d.unit, "/unit", "Đơn vị ban hành", "Issuing unit");
  rules::known(v, d.state, "/state");
  rules::time_set(v, d.created_at, "/created_at", "Ngày tạo", "created_at");
  rules::time_set(v, d.updated_at, "/updated_at", "Ngày cập nhật", "updated_at");
  rules::not_before(v, d.updated_at, d.created_at, "/updated_at", "Ngày cập nhật không được trước ngày tạo",
                    "updated_at must not be before created_at");
}

#if !defined(PBGDPL_HEADER_ONLY)
PBGDPL_MODEL_INSTANTIATE(legal_document)
#endif

PBGDPL_NAMESPACE_END
