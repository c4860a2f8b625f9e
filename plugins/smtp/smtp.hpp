// The e-mail notifier plugin's logic: a report reminder (or any event) becomes a UTF-8 e-mail to
// the unit's address, sent by SMTP (RFC 5321) over a plain TCP connection to a relay (the
// school's or division's mail server, or a local Postfix that carries it on with TLS). The host
// offers HTTP only, so the plugin speaks SMTP itself with POSIX sockets: a connect timeout, a
// timeout on every read and write and one over the whole conversation (a slow-drip server cannot
// hold it), and bounded replies. Once per event: the event's data.id is remembered.
#pragma once
#include "delivered.hpp"
#include "services.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

PBGDPL_NAMESPACE_BEGIN
namespace plugin::smtp {

struct config {
  std::string host = "127.0.0.1";
  std::uint16_t port = 25;
  std::string helo = "pbgdpl.localdomain";  // our name in EHLO, and the Message-ID's domain
  std::string from;                         // "a@b.vn" or "Name <a@b.vn>"
  std::vector<std::string> default_to;      // when the unit has no address of its own
  std::map<std::string, std::vector<std::string>> to_by_unit;
  std::string portal_url;  // linked in the reminder's text when set
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds timeout{15'000};        // each read or write
  std::chrono::milliseconds total_timeout{60'000};  // the whole conversation
  std::filesystem::path state_dir;                  // optional: remembers sent events
  std::string name = "smtp";
};
// {"host", "port", "helo"?, "from", "default_to"?: "a@b" | [...], "to_by_unit"?: {"unit": "a@b" | [...]},
//  "portal_url"?, "connect_timeout_ms"?, "timeout_ms"?, "total_timeout_ms"?, "state_dir"?, "name"?}
result<config> config_from_json(const json& j);

// The bare address of "a@b.vn" or "Name <a@b.vn>", checked: ASCII, no space, CR, LF, '<', '>'
// or control character, one '@' with something on both sides.
result<std::string> address_of(std::string_view mailbox);
// RFC 2047 "B" encoded words (UTF-8) of `s`, each at most 75 characters, cut between code points;
// ASCII text without specials comes back as it is.
std::string encode_header_words(std::string_view s);
// Lines that begin with '.' get another '.' (RFC 5321 4.5.2), line ends made CRLF, and the
// terminating CRLF.CRLF added.
std::string dot_stuff(std::string_view message);

struct mail {
  std::string from;
  std::vector<std::string> to;
  std::string subject, text;
  std::string message_id;
  timestamp date{};
};
// The RFC 5322 message: headers (CR or LF in any of them is refused: errc::validation_failed),
// text/plain; charset=utf-8, 8bit when `eight_bit`, else quoted-printable.
result<std::string> format_message(const mail& m, bool eight_bit);
// What a report.reminder (reports/periods.hpp send_reminders) says, in Vietnamese with an English
// line: {subject, text}. Other events get a plain listing of their data.
std::pair<std::string, std::string> compose(std::string_view event, const json& data, const config& c);

class notifier {
 public:
  notifier(services s, config c);  // throws pbgdpl::exception for a corrupt state file
  // -> the number of recipients the server took (0: nobody to tell, or sent before).
  result<std::size_t> send(std::string_view event, const json& data);

 private:
  result<std::size_t> deliver(const mail& m);
  services svc_;
  config cfg_;
  delivered_ids delivered_;
};

}  // namespace plugin::smtp
PBGDPL_NAMESPACE_END
