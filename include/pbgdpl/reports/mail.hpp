// An e-mail package: a MIME message (RFC 5322, 2045-2047, 2231) with a text and attachments,
// written as a .eml file for units that still send their reports by mail.
#pragma once
#include "../core/result.hpp"
#include "../core/time.hpp"

#include <string>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace reports {

// --- E-mail package -----------------------------------------------------------------------------
struct mail_attachment {
  std::string filename;    // UTF-8; sent with RFC 2231 encoding
  std::string media_type;  // "application/pdf"
  std::string bytes;
  friend bool operator==(const mail_attachment&, const mail_attachment&) = default;
};
struct mail_message {
  std::string from, to;    // addresses ("a@b.vn" or "Name <a@b.vn>"); CR, LF refused
  std::string subject;     // UTF-8, sent as RFC 2047 encoded words
  std::string text;        // UTF-8 body (sent base64)
  timestamp sent_at{};
  std::vector<mail_attachment> attachments;
  friend bool operator==(const mail_message&, const mail_message&) = default;
};
// A MIME multipart/mixed message (RFC 5322, 2045-2047, 2231), CRLF line ends, a .eml file.
// errc::validation_failed when a header field holds CR or LF or an address is empty.
PBGDPL_DECL result<std::string> email_package(const mail_message& m);

}  // namespace reports
PBGDPL_NAMESPACE_END

#if defined(PBGDPL_HEADER_ONLY)
#include "impl/mail.ipp"
#endif
