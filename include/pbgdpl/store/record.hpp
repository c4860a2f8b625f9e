// What a backend stores: an entity's JSON plus the columns queries filter and sort on. Backends
// see records only, never the C++ types, which keeps plugins to JSON across the C ABI.
#pragma once
#include "../core/json.hpp"

#include <cstdint>
#include <string>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace store {

struct record {
  std::string kind;  // "article", "legal_document", ... (entity_traits<T>::kind)
  std::string id;
  std::uint64_t version = 0;  // 1 after create, +1 per update or archive
  json body;                  // the entity's JSON (its "version" equals `version`)
  std::string unit, parent;   // owning unit; for units: the unit itself and its parent
  std::string sub_kind, category, state, doc_type, doc_level, doc_status;
  std::vector<std::string> fields;
  std::string sort_key;  // pages are ordered by (sort_key, id), newest first by default
  std::string day;       // "YYYY-MM-DD": the date the from/to filters compare
  bool archived = false;
  // Search: a searchable record has a title and text (both NFC; Markdown members as plain text,
  // markdown_to_text); others leave them empty.
  bool searchable = false;
  std::string title, text;
  // Search by document number: the record's own number as number_key() ("19 kh pgddt"; empty
  // for records without one) and what it cites: "id:<legal document id>" for each document it
  // names by id, "no:<number_key>" for each it names by number.
  std::string number_key;
  std::vector<std::string> cites;
};

}  // namespace store
PBGDPL_NAMESPACE_END
