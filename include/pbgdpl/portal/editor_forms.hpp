// The editor's forms for legal document records and publications, as plain mappings a test can
// drive: a record to the form's values (field name → text), the values back to a record, and the
// model's errors to the form's fields. Field names are the model's JSON pointers with '/' written
// '-' ("relations-0-number" is /relations/0/number), so an error lands next to its own input.
// Rendering keeps the values as typed: a date or a number that does not parse stays in the form.
#pragma once
#include "../model/legal_document.hpp"
#include "../model/media.hpp"

#include <map>
#include <string>
#include <string_view>

PBGDPL_NAMESPACE_BEGIN
namespace portal {

using form_values = std::map<std::string, std::string>;

struct form_error {
  std::string vi, en;
};
// By form field name; "" for the whole form. The first error of a field wins.
using form_errors = std::map<std::string, form_error>;

// "/relations/0/number" → "relations-0-number".
PBGDPL_DECL std::string form_field_of(std::string_view json_pointer);
// Adds `e` and its details under their fields (first per field kept).
PBGDPL_DECL void add_form_errors(form_errors& out, const error& e);

// The repeated parts of the document form and how many rows each shows at most (the form posts
// every row, and parse_form takes a bounded number of fields).
struct repeated_part {
  std::string_view name;  // "recipients"
  std::size_t max_rows;
};
inline constexpr repeated_part document_repeated_parts[] = {
    {"recipients", 30}, {"relations", 20}, {"files", 10}, {"status_history", 10}};
inline constexpr std::size_t signer_above_rows = signer::max_title_lines - 1;

// The rows part `name` shows: its "<name>-rows" value (at least 1, at most its maximum).
PBGDPL_DECL std::size_t form_rows(const form_values& f, std::string_view name);

// A record as the form shows it (one empty row after each repeated part's items).
PBGDPL_DECL form_values document_form_values(const legal_document& d);

// What the person typed into `d`'s content fields (not its id, state, unit or times). Empty rows
// are dropped and `f` is rewritten so the kept rows come first (the model's error paths then
// name the rows shown). The number is checked as typed: a wrong one gets the expected form; an
// empty type code or year is taken from the number (and written back into `f`, so the form
// offers it), one that disagrees is refused by the model's check. A date or number that does
// not parse is an error here and stays in `f` as typed.
PBGDPL_DECL form_errors read_document_form(form_values& f, legal_document& d);

// read_document_form, then the model's checks of the whole record, all under the form's fields.
PBGDPL_DECL form_errors document_form_errors(form_values& f, legal_document& d);

PBGDPL_DECL form_values publication_form_values(const publication& p);
// Kind, title, summary, partners, media and documents (one per line); ids checked as such.
PBGDPL_DECL form_errors read_publication_form(form_values& f, publication& p);

}  // namespace portal
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/editor_forms.ipp"
#endif
