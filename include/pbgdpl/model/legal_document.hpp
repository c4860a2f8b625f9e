// A legal or administrative document as Vietnamese bodies publish it (Decree 30/2020 parts,
// vbpl.vn attributes): number and symbol, family (normative or administrative), issuer, place and
// date, trích yếu, signer block, validity as a state plus its history (normative documents only),
// implementation period (administrative ones), typed relations to other documents, and files.
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

PBGDPL_ENUM_NAMES(document_family, {document_family::normative, "normative"},
                  {document_family::administrative, "administrative"});

// The district level ended on 1 July 2025 (two-level local government): documents of that level
// from before are a district's, those after are a commune's or ward's; one level holds both.
PBGDPL_ENUM_LABELS(document_level,
                   {document_level::central, "Trung ương", "Central"},
                   {document_level::city, "Thành phố", "City"},
                   {document_level::district, "Quận/phường", "District/ward"},
                   {document_level::sector, "Ngành Giáo dục", "Education sector"},
                   {document_level::school, "Nhà trường", "School"});
inline std::string_view document_level_label_vi(document_level x) noexcept { return label_vi(x); }

// The names government portals give the two families (vanban.chinhphu.vn lists "Văn bản quy
// phạm pháp luật" and "Văn bản chỉ đạo, điều hành").
PBGDPL_ENUM_LABELS(document_family,
                   {document_family::normative, "Văn bản quy phạm pháp luật", "Legal normative documents"},
                   {document_family::administrative, "Văn bản chỉ đạo, điều hành", "Administrative documents"});

PBGDPL_ENUM_LABELS(validity_status,
                   {validity_status::in_force, "Còn hiệu lực", "In force"},
                   {validity_status::partly_expired, "Hết hiệu lực một phần", "Partly expired"},
                   {validity_status::expired, "Hết hiệu lực toàn bộ", "Expired"},
                   {validity_status::not_yet_in_force, "Chưa có hiệu lực", "Not yet in force"},
                   {validity_status::suspended, "Ngưng hiệu lực", "Suspended"});
inline std::string_view validity_status_label_vi(validity_status x) noexcept { return label_vi(x); }
inline std::string_view validity_status_label_en(validity_status x) noexcept { return label_en(x); }

PBGDPL_ENUM_LABELS(relation_kind,
                   {relation_kind::amends, "Sửa đổi, bổ sung", "Amends"},
                   {relation_kind::replaces, "Thay thế", "Replaces"},
                   {relation_kind::repeals, "Bãi bỏ", "Repeals"},
                   {relation_kind::guides, "Hướng dẫn", "Guides"},
                   {relation_kind::based_on, "Căn cứ", "Based on"});
inline std::string_view relation_kind_label_vi(relation_kind x) noexcept { return label_vi(x); }

// One authority line of a signature block: "TM. ỦY BAN NHÂN DÂN".
struct signer_line {
  signer_authority authority = signer_authority::tm;
  std::string title;
  friend bool operator==(const signer_line&, const signer_line&) = default;
};

// A signature block (Decree 30/2020 appendix I, II.7): authority lines, the signer's position,
// then the name. The deepest form there has three title lines,
//   TM. ỦY BAN NHÂN DÂN        <- above[0]
//   KT. CHỦ TỊCH               <- authority, authority_title
//   PHÓ CHỦ TỊCH               <- position
//   Nguyễn Văn A               <- name
// so a block is 1 to max_title_lines title lines: `above` holds the lines over the signer's own
// authority, outermost first, and is empty for the one- and two-line blocks records held before.
struct signer {
  signer_authority authority = signer_authority::none;
  std::string authority_title;  // the head signed for: "TRƯỞNG PHÒNG" in "KT. TRƯỞNG PHÒNG"
  std::string position;         // the signer's own title: "PHÓ TRƯỞNG PHÒNG"
  std::string name;             // "Nguyễn Thị Thu Hương"
  std::vector<signer_line> above;
  friend bool operator==(const signer&, const signer&) = default;

  // Three lines is the deepest block the decree shows; one more leaves room for a chain we have
  // not seen (TL. over KT., say) while a longer list is an entry error, not a block.
  static constexpr std::size_t max_title_lines = 4;
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
  // Unset: read from the type and number (family_of()); set: checked against the type table.
  std::optional<document_family> family;
  std::optional<date> effective_on, expires_on;
  // Normative documents only: a validity status does not apply to an administrative one.
  std::optional<validity_status> status;
  std::vector<status_change> status_history;
  // Administrative documents: the years the document runs over ("giai đoạn 2023-2027").
  std::optional<int> period_from, period_to;
  std::vector<std::string> fields;      // lĩnh vực
  std::vector<std::string> recipients;  // nơi nhận
  std::vector<document_relation> relations;
  std::vector<document_file> files;
  std::optional<unit_id> unit;  // the unit that issued it, when it is one of ours
  // Whether the record is public. A record entered by a school stays a draft until someone who
  // may publish at that unit publishes it. Records from before this field are published acts,
  // so a missing state reads as published.
  article_state state = article_state::published;
  // Required. Left at the default (1970), store::create sets both to now and store::update sets
  // updated_at to now; check() refuses them unset.
  timestamp created_at{};
  timestamp updated_at{};

  friend bool operator==(const legal_document&, const legal_document&) = default;
};

template <class V>
void describe(V& f, signer_line& x) {
  f("authority", x.authority, model_io::need::required);
  f("title", x.title, model_io::need::required, model_io::short_text);
}
PBGDPL_MODEL_DECLARE(signer_line)

template <class V>
void describe(V& f, signer& x) {
  using model_io::need;
  using model_io::short_text;
  f("authority", x.authority);
  f("authority_title", x.authority_title, need::optional, short_text);
  f("position", x.position, need::optional, short_text);
  f("name", x.name, need::optional, short_text);
  f("above", x.above);
}
PBGDPL_MODEL_DECLARE(signer)

template <class V>
void describe(V& f, status_change& x) {
  using model_io::need;
  f("status", x.status, need::required);
  f("on", x.on, need::required);
  f("note", x.note, need::optional, model_io::short_text);
  f("caused_by", x.caused_by);
}
PBGDPL_MODEL_DECLARE(status_change)

template <class V>
void describe(V& f, document_relation& x) {
  using model_io::need;
  using model_io::short_text;
  f("kind", x.kind, need::required);
  f("target", x.target);
  f("number", x.number, need::optional, short_text);
  f("title", x.title, need::optional, short_text);
}
PBGDPL_MODEL_DECLARE(document_relation)

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
PBGDPL_MODEL_DECLARE(document_file)

template <class V>
void describe(V& f, legal_document& x) {
  using model_io::need;
  using model_io::short_text;
  model_io::head(f, x);
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
  f("family", x.family);
  f("effective_on", x.effective_on);
  f("expires_on", x.expires_on);
  f("status", x.status);
  f("status_history", x.status_history);
  f("period_from", x.period_from);
  f("period_to", x.period_to);
  f("fields", x.fields, need::optional, short_text);
  f("recipients", x.recipients, need::optional, short_text);
  f("relations", x.relations);
  f("files", x.files);
  f("unit", x.unit);
  f("state", x.state);
  f("created_at", x.created_at, need::required);
  f("updated_at", x.updated_at, need::required);
}
PBGDPL_MODEL_DECLARE(legal_document)

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

// The signature block's title lines as Decree 30/2020 lays them out, top to bottom: the lines
// `above`, then "KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG"; an acting signer is one line
// ("Q. TRƯỞNG PHÒNG"). Without the name.
PBGDPL_DECL std::vector<std::string> signer_title_lines(const signer& s);
// The title lines joined by "\n": "KT. TRƯỞNG PHÒNG\nPHÓ TRƯỞNG PHÒNG".
PBGDPL_DECL std::string format_signer(const signer& s);
// The whole block: the title lines, then the name when there is one (the signature and seal
// go between them on paper).
PBGDPL_DECL std::string format_signature_block(const signer& s);

// The document's family: as recorded, else read from its type and number. A type of one family
// only (KH, Luật) says it; for QĐ and NQ, which may be either, a year in the number says
// normative ("18/2020/QĐ-TTg", Law 80/2015 Art. 10(3)(c)) and none says administrative
// ("977/QĐ-TTg", Decree 30/2020 annex I: number/type-issuer); a number of the law form
// ("01/2021/QH15") is a resolution of the National Assembly, normative.
PBGDPL_DECL document_family family_of(const legal_document& d);
inline bool is_normative(const legal_document& d) { return family_of(d) == document_family::normative; }

// "Hà Đông, ngày 22 tháng 3 năm 2023".
inline std::string date_line(const legal_document& d) { return format_place_date(d.place, d.issued_on); }

// The validity on day `on`: the last status change on or before it, else from the dates; none
// for an administrative document.
PBGDPL_DECL std::optional<validity_status> validity_on(const legal_document& d, date on);

PBGDPL_DECL void validate(const signer& s, validator& v);

// Reading a record written before issue 13 (one without "family"):
// - its family is read from its type and number (family_of), like any record without one;
// - that version required a validity status on every record, so on an administrative one the
//   status and its history say nothing: they are dropped, not refused (a record written now
//   with them is refused by validate());
// - type "L" meant a law; a number without a type code ("14/2012/QH13") cannot be an order
//   ("05/2012/L-CTN"), so such a record's type is read as "Luật".
PBGDPL_DECL void upgrade_legacy(const json& j, legal_document& d);

PBGDPL_DECL void validate(const document_file& f, validator& v);

PBGDPL_DECL void validate(const document_relation& r, validator& v);

PBGDPL_DECL void validate(const legal_document& d, validator& v);

// Compiled mode: decoding, encoding and checking these is instantiated once, in the library.
PBGDPL_MODEL_EXTERN(legal_document)

PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/legal_document.ipp"
#endif
