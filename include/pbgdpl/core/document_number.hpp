// Số ký hiệu: the number and symbol of a Vietnamese document. Three forms occur:
//   "19/KH-PGDĐT"          number / type-issuer                 (administrative documents)
//   "30/2020/NĐ-CP"        number / year / type-issuer          (normative legal documents)
//   "123/UBND-VX"          number / issuer-drafting unit        (official letters, công văn)
// Laws and ordinances carry no type code: "14/2012/QH13" (number / year / issuer). Documents of
// the Communist Party put the type beside the number: "80-KL/TW", "02-KH/TU" (number-type /
// issuer; Hướng dẫn 36-HD/VPTW). Issuer codes may hold "&" ("PGD&ĐT").
#pragma once
#include "result.hpp"

#include <array>
#include <optional>
#include <string>
#include <string_view>

PBGDPL_NAMESPACE_BEGIN

struct document_type_info {
  std::string_view code;     // as written in the symbol, e.g. "QyĐ"
  std::string_view name_vi;  // "Quy định"
  std::string_view name_en;  // "Regulation"
};

// Type abbreviations of Decree 30/2020 annex III, plus the normative types of the Law on
// promulgation of legal documents (NĐ, TT, TTLT, NQLT) that appear in the same position.
inline constexpr std::array<document_type_info, 39> document_types{{
    {"NQ", "Nghị quyết", "Resolution"},
    {"QĐ", "Quyết định", "Decision"},
    {"CT", "Chỉ thị", "Directive"},
    {"QC", "Quy chế", "Rules"},
    {"QyĐ", "Quy định", "Regulation"},
    {"TC", "Thông cáo", "Communiqué"},
    {"TB", "Thông báo", "Notice"},
    {"HD", "Hướng dẫn", "Guidance"},
    {"CTr", "Chương trình", "Programme"},
    {"KH", "Kế hoạch", "Plan"},
    {"PA", "Phương án", "Scheme"},
    {"ĐA", "Đề án", "Project proposal"},
    {"DA", "Dự án", "Project"},
    {"BC", "Báo cáo", "Report"},
    {"BB", "Biên bản", "Minutes"},
    {"TTr", "Tờ trình", "Submission"},
    {"HĐ", "Hợp đồng", "Contract"},
    {"CĐ", "Công điện", "Official telegram"},
    {"BGN", "Bản ghi nhớ", "Memorandum"},
    {"BTT", "Bản thỏa thuận", "Agreement"},
    {"GUQ", "Giấy ủy quyền", "Power of attorney"},
    {"GM", "Giấy mời", "Invitation"},
    {"GGT", "Giấy giới thiệu", "Letter of introduction"},
    {"GNP", "Giấy nghỉ phép", "Leave permit"},
    {"PG", "Phiếu gửi", "Dispatch slip"},
    {"PC", "Phiếu chuyển", "Transfer slip"},
    {"PB", "Phiếu báo", "Notification slip"},
    {"NĐ", "Nghị định", "Decree"},
    {"TT", "Thông tư", "Circular"},
    {"TTLT", "Thông tư liên tịch", "Joint circular"},
    {"NQLT", "Nghị quyết liên tịch", "Joint resolution"},
    {"L", "Luật", "Law"},
    {"PL", "Pháp lệnh", "Ordinance"},
    {"VBHN", "Văn bản hợp nhất", "Consolidated text"},
    {"KL", "Kết luận", "Conclusion"},
    {"CV", "Công văn", "Official letter"},
    // The copy forms of Decree 30/2020 (annex III): a copy carries its own number.
    {"SY", "Bản sao y", "Certified copy"},
    {"TS", "Bản trích sao", "Extract copy"},
    {"SL", "Bản sao lục", "Transcribed copy"},
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
