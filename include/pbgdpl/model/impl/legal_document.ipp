// Bodies of model/legal_document.hpp (JSON codecs and validation): compiled once into the core tier
// (src/core/model.cpp), or included by the header in header-only builds.
#pragma once
#include "../legal_document.hpp"

PBGDPL_NAMESPACE_BEGIN

PBGDPL_MODEL_DEFINE(signer)

PBGDPL_MODEL_DEFINE(status_change)

PBGDPL_MODEL_DEFINE(document_relation)

PBGDPL_MODEL_DEFINE(document_file)

PBGDPL_MODEL_DEFINE(legal_document)

PBGDPL_DECL std::string format_signer(const signer& s) {
  switch (s.authority) {
    case signer_authority::none: return s.position;
    case signer_authority::q: return "Q. " + (s.position.empty() ? s.authority_title : s.position);
    default: {
      std::string out = std::string(signer_authority_prefix(s.authority)) + " " + s.authority_title;
      if (!s.position.empty()) out += "\n" + s.position;
      return out;
    }
  }
}

PBGDPL_DECL validity_status validity_on(const legal_document& d, date on) {
  const status_change* last = nullptr;
  for (const auto& c : d.status_history)
    if (c.on <= on) last = &c;
  if (last) return last->status;
  if (d.effective_on && on < *d.effective_on) return validity_status::not_yet_in_force;
  if (d.expires_on && on >= *d.expires_on) return validity_status::expired;
  if (!d.status_history.empty()) return validity_status::not_yet_in_force;
  return d.status;
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
  rules::known(v, d.status, "/status");
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
  if (!find_document_type(d.type_code))
    v.add("/type_code", errc::out_of_range, "Loại văn bản không có trong danh mục", "Unknown document type code");
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
  if (!d.status_history.empty() && d.status_history.back().status != d.status)
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
