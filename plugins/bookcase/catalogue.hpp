// The National Electronic Legal Bookcase (Tủ sách pháp luật điện tử quốc gia) catalogue: reading
// it into the model's legal documents and publications, and writing them back, in JSON and CSV.
//
// What is published and what is ours. Decision 14/2019/QĐ-TTg (effective 1 May 2019) has the
// Ministry of Justice build and run the national e-bookcase, shared nationwide and integrated with
// its portal; it names the kinds of material it holds (outlines introducing laws and ordinances;
// question-and-answer, commentary and guidance books; professional guidance books by the fields
// of state management of ministries and provinces; legal normative documents linked from the
// national legal database, the Official Gazette and the Pháp điển) and says its content is
// arranged by field of state management (lĩnh vực quản lý nhà nước). No machine-readable
// catalogue format or API of the bookcase is published that we could find. So the file format
// below is OUR mapping: the column names follow vbpl.vn's document attributes (Số ký hiệu, Loại
// văn bản, Cơ quan ban hành, Ngày ban hành, Ngày có hiệu lực, Ngày hết hiệu lực, Tình trạng hiệu
// lực, Lĩnh vực), which the header also accepts in Vietnamese, and the book categories follow
// the kinds Decision 14/2019 lists, plus the forms of plan 19/KH-PGDĐT's task 2 (leaflets,
// legal stories, short plays, videos, e-lectures, infographics). docs: plugins/bookcase/README.md.
#pragma once
#include <pbgdpl/model/legal_document.hpp>
#include <pbgdpl/model/media.hpp>
#include <pbgdpl/store/record.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bookcase {

// Limits on what one import reads: a catalogue over them is refused whole, never cut.
struct limits {
  std::size_t max_bytes = PBGDPL_MAX_JSON_BYTES;  // the file
  std::size_t max_items = 10000;                  // rows or items
  std::size_t max_columns = 64;
  std::size_t max_cell_bytes = PBGDPL_MAX_TEXT_BYTES;  // the model checks its own, tighter limits
  std::size_t max_list_items = 100;                     // lĩnh vực, publishers, documents of one row
  std::size_t max_warnings = 200;                       // then one line says how many more
};

struct options {
  // The unit that owns imported books (publication::unit is required). Without it a book row is
  // refused with a warning.
  std::optional<pbgdpl::unit_id> unit;
  // A row without a level: the national bookcase holds mostly central documents.
  pbgdpl::document_level default_level = pbgdpl::document_level::central;
  // created_at/updated_at of what is read, and "today" for a status read from the dates.
  pbgdpl::timestamp now{};
  limits limit;
};

// The plugin's configuration: {"unit": "pgd-ha-dong", "default_level": "central",
// "max_bytes": n, "max_items": n}. Throws pbgdpl::exception (bilingual) on a bad one.
options options_from_config(const pbgdpl::json& config);

// "json" or "csv" -> {"legal_documents": [...], "publications": [...], "warnings": [...]}: each
// entity in the model's JSON, validated; each warning {"line" (CSV) | "item" (JSON), "column"?,
// "skipped": bool, "vi", "en"}. A row that cannot become a valid entity is skipped with a warning;
// a file that cannot be read at all (not UTF-8, over a limit, an unterminated quote, no header)
// is an error and nothing is returned.
pbgdpl::result<pbgdpl::json> import_catalogue(std::string_view format, std::string_view content, const options& o);

// {"legal_documents": [...], "publications": [...]} (model JSON) -> the catalogue file in "json"
// or "csv" (RFC 4180, UTF-8 with a BOM, CRLF; a cell Excel would read as a formula gets a leading ').
pbgdpl::result<std::string> export_catalogue(std::string_view format, const pbgdpl::json& request);

// The exporter kind: "bookcase-json" / "bookcase-csv" over stored records of kinds
// legal_document and publication (any other kind is refused).
pbgdpl::result<std::string> export_records(std::string_view format, const std::vector<pbgdpl::store::record>& records);

// The exporter's formats, as abi.h's pbgdpl_exporter_api::formats wants them.
inline constexpr const char* export_formats =
    R"([{"format":"bookcase-json","content_type":"application/json","extension":"json"},)"
    R"({"format":"bookcase-csv","content_type":"text/csv; charset=utf-8","extension":"csv"}])";

}  // namespace bookcase
