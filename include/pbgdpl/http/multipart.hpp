// A small, bounded multipart/form-data parser (RFC 7578) for the editor's upload form: Beast has
// none. The body is already in memory (the server bounded it); the parser bounds the number of
// parts, each part's header block and each part's size, and refuses anything malformed rather
// than guessing: a missing closing delimiter, a part without a name, a text field that is not
// UTF-8.
#pragma once
#include "../core/errors.hpp"
#include "../core/result.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace http {

struct multipart_limits {
  std::size_t max_parts = 32;
  std::size_t max_header_bytes = 4096;            // one part's header block
  std::size_t max_field_bytes = 256 * 1024;       // a part without a file name
  std::size_t max_file_bytes = 10 * 1024 * 1024;  // a part with one
};

struct multipart_part {
  std::string name;
  std::optional<std::string> file_name;  // set for a file input, even when the browser sent ""
  std::string content_type;              // as declared ("" when absent)
  std::string body;
};

// The boundary of a "multipart/form-data; boundary=..." Content-Type (quoted or not, 1 to 70
// characters), or nothing when the type is another or has no valid boundary.
PBGDPL_DECL std::optional<std::string> multipart_boundary(std::string_view content_type);

// The parts of a multipart/form-data body, in order. A file name loses any directory part a
// browser or a client added ("C:\\x\\a.png" → "a.png"). Errors: errc::parse_error (malformed),
// errc::too_large (a limit; the path "/<field name>" when one part is too large),
// errc::invalid_utf8 (a text field), each with a message in both languages.
PBGDPL_DECL result<std::vector<multipart_part>> parse_multipart(std::string_view body, std::string_view boundary,
                                                                 const multipart_limits& lim = {});

}  // namespace http
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/multipart.ipp"
#endif
