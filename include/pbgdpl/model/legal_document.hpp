// A legal or administrative document as Vietnamese bodies publish it (Decree 30/2020 parts,
// vbpl.vn attributes): number and symbol, issuer, place and date, trích yếu, signer, validity as
// a state plus its history, typed relations to other documents, and files.
#pragma once
#include "article.hpp"  // article_state: a document record follows the same editorial path
#include "common.hpp"

PBGDPL_NAMESPACE_BEGIN

enum class document_level { central, city, district, sector, school };
PBGDPL_ENUM_NAMES(document_level, {document_level::central, "central"}, {document_level::city, "city"},
                  {document_level::district, "district"}, {document_level::sector, "sector"},
                  {document_level::school, "school"});

enum class validity_status { in_force, partly_expired, expired, not_yet_in_force, suspended };
PBGDPL_ENUM_NAMES(validity_status, {validity_status::in_force, "in_force"},
                  {validity_status::partly_expired, "partly_expired"}, {validity_status::expired, "expired"},
                  {validity_status::not_yet_in_force, "not_yet_in_force"}, {validity_status::suspended, "suspended"});

// How the signer signs (Decree 30/2020): on behalf of a collective (TM.), for the head (KT.),
// by order (TL.), by delegation (TUQ.), acting (Q.), or in their own right (none).
enum class signer_authority { none, tm, kt, tl, tuq, q };
PBGDPL_ENUM_NAMES(signer_authority, {signer_authority::none, "none"}, {signer_authority::tm, "tm"},
                  {signer_authority::kt, "kt"}, {signer_authority::tl, "tl"}, {signer_authority::tuq, "tuq"},
                  {signer_authority::q, "q"});

enum class relation_kind { amends, replaces, repeals, guides, based_on };
PBGDPL_ENUM_NAMES(relation_kind, {relation_kind::amends, "amends"}, {relation_kind::replaces, "replaces"},
                  {relation_kind::repeals, "repeals"}, {relation_kind::guides, "guides"},
                  {relation_kind::based_on, "based_on"});

inline std::string_view document_level_label_vi(document_level l) noexcept {
  switch (l) {
    case document_level::central: return "Trung ương";
    case document_level::city: return "Thành phố";
    case document_level::district: return "Quận";
    case document_level::sector: return "Ngành Giáo dục";
    case document_level::school: return "Nhà trường";
  }
  return {};
}
inline std::string_view validity_status_label_vi(validity_status s) noexcept {
  switch (s) {
    case validity_status::in_force: return "Còn hiệu lực";
    case validity_status::partly_expired: return "Hết hiệu lực một phần";
    case validity_status::expired: return "Hết hiệu lực toàn bộ";
    case validity_status::not_yet_in_force: return "Chưa có hiệu lực";
    case validity_status::suspended: return "Ngưng hiệu lực";
  }
  return {};
}
inline std::string_view validity_status_label_en(validity_status s) noexcept {
  switch (s) {
    case validity_status::in_force: return "In force";
    case validity_status::partly_expired: return "Partly expired";
    case validity_status::expired: return "Expired";
    case validity_status::not_yet_in_force: return "Not yet in force";
    case validity_status::suspended: return "Suspended";
  }
  return {};
}
inline std::string_view relation_kind_label_vi(relation_kind k) noexcept {
  switch (k) {
    case relation_kind::amends: return "Sửa đổi, bổ sung";
    case relation_kind::replaces: return "Thay thế";
    case relation_kind::repeals: return "Bãi bỏ";
    case relation_kind::guides: return "Hướng dẫn";
    case relation_kind::based_on: return "Căn cứ";
  }
  return {};
}

struct signer {
  signer_authority authority = signer_authority::none;
  std::string authority_title;  // the head signed for: "TRƯỞNG PHÒNG" in "KT. TRƯỞNG PHÒNG"
  std::string position;         // the signer's own title: "PHÓ TRƯỞNG PHÒNG"
  std::string name;             // "Nguyễn Thị Thu Hương"
  friend bool operator==(const signer&, const signer&) = default;
};

struct status_change {
  validity_status status = validity_status::in_force;
  date on{};
  std::string note;
  std::optional<legal_document_id> caused_by;  // the document that amended or repealed this one
  friend bool operator==(const status_change&, const status_change&) = default;
};

// A relation to another document. The target may be outside the store (a law cited by number),
// so either `target` or `number` names it.
struct document_relation {
  relation_kind kind = relation_kind::based_on;
  std::optional<legal_document_id> target;
  std::string number;  // "83/KH-UBND"
  std::string title;
  friend bool operator==(const document_relation&, const document_relation&) = default;
};

struct document_file {
  std::string file_name;
  std::string mime_type;
  std::uint64_t size = 0;
  std::string blake2b;  // hex BLAKE2b-256 of the bytes
  std::optional<media_id> media;
  std::string url;  // where the original is published, if anywhere
  friend bool operator==(const document_file&, const document_file&) = default;
};

struct legal_document {
  legal_document_id id;
  int schema_version = model_schema_version;
  std::uint64_t version = 0;
  std::string number;     // "19/KH-PGDĐT", validated by parse_document_number
  std::string type_code;  // "KH"
  std::optional<int> year;
  document_level level = document_level::sector;
  std::string issuer;         // "Phòng Giáo dục và Đào tạo quận Hà Đông"
  std::string parent_issuer;  // "UBND quận Hà Đông"
  std::string place;          // "Hà Đông"
  date issued_on{};
  std::string title;  // trích yếu
  std::string summary;
  std::string body_markdown;
  std::optional<std::string> body_html;  // server-owned: body_markdown rendered when written
  signer signed_by;
  std::optional<date> effective_on, expires_on;
  validity_status status = validity_status::in_force;
  std::vector<status_change> status_history;
  std::vector<std::string> fields;      // lĩnh vực
  std::vector<std::string> recipients;  // nơi nhận
  std::vector<document_relation> relations;
  std::vector<document_file> files;
  std::optional<unit_id> unit;  // the unit that issued it, when it is one of ours
  // Whether the record is public. A record entered by a school stays a draft until someone who
  // may publish at that unit publishes it. Records from before this field are published acts,
  // so a missing state reads as published.
  article_state state = article_state::published;
  timestamp created_at{};
  timestamp updated_at{};

  friend bool operator==(const legal_document&, const legal_document&) = default;
};

template <class V>
void describe(V& f, signer& x) {
  using model_io::need;
  using model_io::short_text;
  f("authority", x.authority);
  f("authority_title", x.authority_title, need::optional, short_text);
  f("position", x.position, need::optional, short_text);
  f("name", x.name, need::optional, short_text);
}
PBGDPL_MODEL_JSON(signer)

template <class V>
void describe(V& f, status_change& x) {
  using model_io::need;
  f("status", x.status, need::required);
  f("on", x.on, need::required);
  f("note", x.note, need::optional, model_io::short_text);
  f("caused_by", x.caused_by);
}
PBGDPL_MODEL_JSON(status_change)

template <class V>
void describe(V& f, document_relation& x) {
  using model_io::need;
  using model_io::short_text;
  f("kind", x.kind, need::required);
  f("target", x.target);
  f("number", x.number, need::optional, short_text);
  f("title", x.title, need::optional, short_text);
}
PBGDPL_MODEL_JSON(document_relation)

template <class V>
void describe(V& f, document_file& x) {
  using model_io::need;
  using model_io::short_text;
  f("file_name", x.file_name, need::required, short_text);
  f("mime_type", x.mime_type, need::optional, short_text);
  f("size", x.size);
  f("blake2b", x.blake2b, need::optional, short_text);
  f("media", x.media);
  f("url", x.url, need::optional, short_text);
}
PBGDPL_MODEL_JSON(document_file)

template <class V>
void describe(V& f, legal_document& x) {
  using model_io::need;
  using model_io::short_text;
  f("id", x.id, need::required);
  f.header(x.schema_version, x.version);
  f("number", x.number, need::required, short_text);
  f("type_code", x.type_code, need::required, short_text);
  f("year", x.year);
  f("level", x.level, need::required);
  f("issuer", x.issuer, need::required, short_text);
  f("parent_issuer", x.parent_issuer, need::optional, short_text);
  f("place", x.place, need::optional, short_text);
  f("issued_on", x.issued_on, need::required);
  f("title", x.title, need::required, short_text);
  f("summary", x.summary);
  f("body_markdown", x.body_markdown);
  f("body_html", x.body_html, need::optional, model_io::rendered_html);
  f("signed_by", x.signed_by);
  f("effective_on", x.effective_on);
  f("expires_on", x.expires_on);
  f("status", x.status, need::required);
  f("status_history", x.status_history);
  f("fields", x.fields, need::optional, short_text);
  f("recipients", x.recipients, need::optional, short_text);
  f("relations", x.relations);
  f("files", x.files);
  f("unit", x.unit);
  f("state", x.state);
  f("created_at", x.created_at, need::required);
  f("updated_at", x.updated_at, need::required);
}
PBGDPL_MODEL_JSON(legal_document)

inline bool is_published(const legal_document& d) noexcept { return d.state == article_state::published; }

// "Kế hoạch" for type code "KH"; empty when the code is unknown.
inline std::string_view document_type_name_vi(const legal_document& d) noexcept {
  auto t = find_document_type(d.type_code);
  return t ? t->name_vi : std::string_view{};
}
inline std::string_view document_type_name_en(const legal_document& d) noexcept {
  auto t = find_document_type(d.type_code);
  return t ? t->name_en : std::string_view{};
}

inline std::string_view signer_authority_prefix(signer_authority a) noexcept {
  switch (a) {
    case signer_authority::none: return "";
    case signer_authority::tm: return "TM.";
    case signer_authority::kt: return "KT.";
    case signer_authority::tl: return "TL.";
    case signer_authority::tuq: return "TUQ.";
    case signer_authority::q: return "Q.";
  }
  return "";
}

// The signature block's title lines as Decree 30/2020 lays them out, e.g.
// "KT. TRƯỞNG PHÒNG\nPHÓ TRƯỞNG PHÒNG"; an acting signer is one line ("Q. TRƯỞNG PHÒNG").
inline std::string format_signer(const signer& s) {
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

// "Hà Đông, ngày 22 tháng 3 năm 2023".
inline std::string date_line(const legal_document& d) { return format_place_date(d.place, d.issued_on); }

// The validity on day `on`: the last status change on or before it, else from the dates.
inline validity_status validity_on(const legal_document& d, date on) {
  const status_change* last = nullptr;
  for (const auto& c : d.status_history)
    if (c.on <= on) last = &c;
  if (last) return last->status;
  if (d.effective_on && on < *d.effective_on) return validity_status::not_yet_in_force;
  if (d.expires_on && on >= *d.expires_on) return validity_status::expired;
  if (!d.status_history.empty()) return validity_status::not_yet_in_force;
  return d.status;
}

inline void validate(const signer& s, validator& v) {
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

inline void validate(const document_file& f, validator& v) {
  rules::text(v, f.file_name, "/file_name", "Tên tệp", "File name", true);
  if (f.file_name.find_first_of("/\\") != std::string::npos || f.file_name == "." || f.file_name == "..")
    v.add("/file_name", errc::unsafe_path, "Tên tệp không được chứa đường dẫn", "A file name must not contain a path");
  rules::text(v, f.mime_type, "/mime_type", "Kiểu tệp", "MIME type", false);
  if (!f.blake2b.empty())
    v.check(rules::is_hex(f.blake2b, 64), "/blake2b", errc::invalid_argument,
            "Mã băm BLAKE2b-256 phải là 64 ký tự hex thường", "BLAKE2b-256 must be 64 lower-case hex characters");
  rules::identifier(v, f.media, "/media", "Tệp đa phương tiện", "Media");
  rules::url(v, f.url, "/url", "Địa chỉ tệp", "File URL", false);
}

inline void validate(const document_relation& r, validator& v) {
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

inline void validate(const legal_document& d, validator& v) {
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
  rules::not_before(v, d.updated_at, d.created_at, "/updated_at", "Ngày cập nhật không được trước ngày tạo",
                    "updated_at must not be before created_at");
}

PBGDPL_NAMESPACE_END
