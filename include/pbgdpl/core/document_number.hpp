// Số ký hiệu: the number and symbol of a Vietnamese document. Three forms occur:
//   "19/KH-PGDĐT"          number / type-issuer                 (administrative documents)
//   "30/2020/NĐ-CP"        number / year / type-issuer          (normative legal documents)
//   "123/UBND-VX"          number / issuer-drafting unit        (official letters, công văn)
// Laws, codes (Bộ luật), resolutions of the National Assembly and ordinances carry no type code:
// "14/2012/QH13" (number / year / issuer and term; Law 80/2015/QH13 Art. 10(3)(a)-(b)); the
// President's orders (Lệnh) do: "05/2012/L-CTN" (Art. 10(3)(c)). Documents of the Communist
// Party put the type beside the number: "80-KL/TW", "02-KH/TU" (number-type / issuer; Hướng dẫn
// 36-HD/VPTW). Issuer codes may hold "&" ("PGD&ĐT").
#pragma once
#include "result.hpp"

#include <array>
#include <optional>
#include <string>
#include <string_view>

PBGDPL_NAMESPACE_BEGIN

// The two families of documents. Normative legal documents (văn bản quy phạm pháp luật) are the
// kinds Law 80/2015/QH13 Art. 4 lists (now Law 64/2025/QH15): they are in force, partly expired,
// expired... Administrative documents (văn bản hành chính: chỉ đạo, điều hành; Decree 30/2020/NĐ-CP
// Art. 7) direct and organise work; a validity status does not apply to them.
enum class document_family { normative, administrative };

// Which families a type may belong to.
enum class type_families { normative_only, administrative_only, either };

struct document_type_info {
  std::string_view code;     // as written in the symbol, e.g. "QyĐ"; a name for types never written there
  std::string_view name_vi;  // "Quy định"
  std::string_view name_en;  // "Regulation"
  type_families families = type_families::administrative_only;
  // Written in the số ký hiệu ("KH" in "19/KH-PGDĐT"). Laws, codes and ordinances are not
  // ("14/2012/QH13"): their code here only names the type in a record.
  bool in_symbol = true;

  constexpr bool allows(document_family f) const noexcept {
    return families == type_families::either ||
           (f == document_family::normative) == (families == type_families::normative_only);
  }
};

// Type abbreviations of Decree 30/2020 annex III (administrative documents; NQ and QĐ there are
// the individual ones, "cá biệt"), plus the normative types of Law 80/2015/QH13 Art. 4 (NĐ, TT,
// TTLT, NQLT, Luật, Bộ luật, Pháp lệnh, Lệnh; NQ and QĐ are normative when that law's issuers
// make them so, which is why both are "either"). Sources: Decree 30/2020 annex III (text in
// ericphan28/van-ban-plus, docs/van-ban-phap-quy/nghi-dinh/30-2020-ND-CP/.../Phuluc3.md); Law
// 80/2015 Arts. 4 and 10 (thuvienphapluat.vn, "Điều 10. Số, ký hiệu của văn bản quy phạm pháp luật").
namespace detail {
inline constexpr auto adm = type_families::administrative_only;
inline constexpr auto nor = type_families::normative_only;
inline constexpr auto any = type_families::either;
}  // namespace detail
inline constexpr std::array<document_type_info, 42> document_types{{
    {"NQ", "Nghị quyết", "Resolution", detail::any},
    {"QĐ", "Quyết định", "Decision", detail::any},
    {"CT", "Chỉ thị", "Directive", detail::adm},
    {"QC", "Quy chế", "Rules", detail::adm},
    {"QyĐ", "Quy định", "Regulation", detail::adm},
    {"TC", "Thông cáo", "Communiqué", detail::adm},
    {"TB", "Thông báo", "Notice", detail::adm},
    {"HD", "Hướng dẫn", "Guidance", detail::adm},
    {"CTr", "Chương trình", "Programme", detail::adm},
    {"KH", "Kế hoạch", "Plan", detail::adm},
    {"PA", "Phương án", "Scheme", detail::adm},
    {"ĐA", "Đề án", "Project proposal", detail::adm},
    {"DA", "Dự án", "Project", detail::adm},
    {"BC", "Báo cáo", "Report", detail::adm},
    {"BB", "Biên bản", "Minutes", detail::adm},
    {"TTr", "Tờ trình", "Submission", detail::adm},
    {"HĐ", "Hợp đồng", "Contract", detail::adm},
    {"CĐ", "Công điện", "Official telegram", detail::adm},
    {"BGN", "Bản ghi nhớ", "Memorandum", detail::adm},
    {"BTT", "Bản thỏa thuận", "Agreement", detail::adm},
    {"GUQ", "Giấy ủy quyền", "Power of attorney", detail::adm},
    {"GM", "Giấy mời", "Invitation", detail::adm},
    {"GGT", "Giấy giới thiệu", "Letter of introduction", detail::adm},
    {"GNP", "Giấy nghỉ phép", "Leave permit", detail::adm},
    {"PG", "Phiếu gửi", "Dispatch slip", detail::adm},
    {"PC", "Phiếu chuyển", "Transfer slip", detail::adm},
    {"PB", "Phiếu báo", "Notification slip", detail::adm},
    {"NĐ", "Nghị định", "Decree", detail::nor},
    {"TT", "Thông tư", "Circular", detail::nor},
    {"TTLT", "Thông tư liên tịch", "Joint circular", detail::nor},
    {"NQLT", "Nghị quyết liên tịch", "Joint resolution", detail::nor},
    // Laws and codes have no abbreviation (Art. 10(3)(a)): the record names the type in full.
    {"Luật", "Luật", "Law", detail::nor, false},
    {"Bộ luật", "Bộ luật", "Code", detail::nor, false},
    {"PL", "Pháp lệnh", "Ordinance", detail::nor, false},
    // The President's order: "05/2012/L-CTN". Art. 4 lists orders among normative documents; not
    // every order is one, so either. Records before issue 13 used "L" for laws: a record whose
    // type is "L" and whose number has no type code is read as "Luật" (model/legal_document.hpp).
    {"L", "Lệnh", "Order", detail::any},
    // A consolidated text has the family of the documents it consolidates.
    {"VBHN", "Văn bản hợp nhất", "Consolidated text", detail::any},
    {"KL", "Kết luận", "Conclusion", detail::adm},
    {"CV", "Công văn", "Official letter", detail::adm},
    // The copy forms of Decree 30/2020 (annex III): a copy carries its own number and the family
    // of its original. The annex writes the extract copy "TrS"; "TS" was this table's spelling
    // before issue 13 and stays readable.
    {"SY", "Bản sao y", "Certified copy", detail::any},
    {"TrS", "Bản trích sao", "Extract copy", detail::any},
    {"TS", "Bản trích sao", "Extract copy", detail::any},
    {"SL", "Bản sao lục", "Transcribed copy", detail::any},
}};

inline const document_type_info* find_document_type(std::string_view code) noexcept {
  for (const auto& t : document_types)
    if (t.code == code) return &t;
  return nullptr;
}

struct document_number {
  enum class form { typed, official_letter, issuer_only, party };

  std::string number;              // "19", leading zeros kept as written ("02")
  std::optional<int> year;         // 2020 in "30/2020/NĐ-CP"
  std::string type_code;           // "KH"; "CV" for official letters; empty for issuer_only
  std::string issuer;              // "PGDĐT", "CP", "UBND", "QH13"
  std::string drafting_unit;       // "VX" in "123/UBND-VX" (official letters only)
  form kind = form::typed;

  // "19/KH-PGDĐT": the form it was parsed from.
  std::string to_string() const;
  friend bool operator==(const document_number&, const document_number&) = default;
};

namespace detail {
// A symbol part: letters (any script, Đ included) and digits, at least one character; "&"
// between two of them ("PGD&ĐT").
PBGDPL_DECL bool is_symbol_part(std::string_view s);
PBGDPL_DECL bool all_digits(std::string_view s);
}  // namespace detail

// Parses a document number and symbol. Input may be NFD; the result is NFC.
PBGDPL_DECL result<document_number> parse_document_number(std::string_view input);

PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/document_number.ipp"
#endif
