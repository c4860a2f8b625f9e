// Bodies of reports/mail.hpp: compiled once into the reports tier (src/reports/mail.cpp), or
// included by the header in header-only builds.
#pragma once
#include "../mail.hpp"

#include "../../core/text.hpp"

#include <array>
#include <cstdint>
#include <cstdio>

PBGDPL_NAMESPACE_BEGIN
namespace reports {

namespace detail {

inline std::string mime_base64(std::string_view in, std::size_t line = 76) {
  static constexpr char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve(in.size() / 3 * 4 + in.size() / 57 * 2 + 8);
  std::size_t col = 0;
  auto put = [&](char c) {
    if (line && col == line) {
      out += "\r\n";
      col = 0;
    }
    out += c;
    ++col;
  };
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    std::uint32_t n = (std::uint32_t(std::uint8_t(in[i])) << 16) | (std::uint32_t(std::uint8_t(in[i + 1])) << 8) |
                      std::uint8_t(in[i + 2]);
    put(table[n >> 18]);
    put(table[(n >> 12) & 63]);
    put(table[(n >> 6) & 63]);
    put(table[n & 63]);
  }
  if (i + 1 == in.size()) {
    std::uint32_t n = std::uint32_t(std::uint8_t(in[i])) << 16;
    put(table[n >> 18]);
    put(table[(n >> 12) & 63]);
    put('=');
    put('=');
  } else if (i + 2 == in.size()) {
    std::uint32_t n = (std::uint32_t(std::uint8_t(in[i])) << 16) | (std::uint32_t(std::uint8_t(in[i + 1])) << 8);
    put(table[n >> 18]);
    put(table[(n >> 12) & 63]);
    put(table[(n >> 6) & 63]);
    put('=');
  }
  return out;
}

inline bool is_ascii(std::string_view s) noexcept {
  for (unsigned char c : s)
    if (c >= 0x80) return false;
  return true;
}

// RFC 2047 encoded words ("=?UTF-8?B?...?="), each at most 75 characters and cut between UTF-8
// characters, folded onto continuation lines.
inline std::string encoded_words(std::string_view s) {
  std::string out;
  std::size_t i = 0;
  bool first = true;
  while (i < s.size()) {
    // 45 bytes of text make 60 base64 characters: 72 with the 12 of the wrapper, 73 with the
    // folding space; the first word leaves room for the field name ("Subject: ").
    const std::size_t room = first ? 39 : 45;
    std::size_t n = std::min<std::size_t>(room, s.size() - i);
    while (n > 0 && i + n < s.size() && (static_cast<unsigned char>(s[i + n]) & 0xC0) == 0x80) --n;
    if (n == 0) n = std::min<std::size_t>(room, s.size() - i);
    if (!first) out += "\r\n ";
    out += "=?UTF-8?B?" + mime_base64(s.substr(i, n), 0) + "?=";
    first = false;
    i += n;
  }
  return out;
}

// A header value: ASCII as is, otherwise encoded words.
inline std::string header_text(std::string_view s) { return is_ascii(s) ? std::string(s) : encoded_words(s); }

// "Name <a@b>" with a non-ASCII name: the name as encoded words, the address as is. A bare address
// must be ASCII (no SMTPUTF8 assumed).
inline result<std::string> address_header(std::string_view a, std::string_view field) {
  auto bad = [&](std::string vi, std::string en) {
    return error(errc::validation_failed, "/" + std::string(field), std::move(vi), std::move(en));
  };
  if (a.empty() || a.size() > 900) return bad("Địa chỉ thư trống hoặc quá dài", "The address is empty or too long");
  for (unsigned char c : a)
    if (c == '\r' || c == '\n' || c == 0) return bad("Địa chỉ thư không được xuống dòng", "An address may not hold a line break");
  auto lt = a.rfind('<');
  if (lt != std::string_view::npos && a.back() == '>') {
    auto addr = a.substr(lt);
    if (!is_ascii(addr) || addr.find('@') == std::string_view::npos)
      return bad("Địa chỉ thư không hợp lệ", "The address is not valid");
    auto name = a.substr(0, lt);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    if (name.empty()) return std::string(addr);
    if (is_ascii(name)) {
      // A quoted display name: quotes and backslashes escaped.
      std::string q = "\"";
      for (char c : name) {
        if (c == '"' || c == '\\') q += '\\';
        q += c;
      }
      return q + "\" " + std::string(addr);
    }
    return encoded_words(name) + " " + std::string(addr);
  }
  if (!is_ascii(a) || a.find('@') == std::string_view::npos || a.find_first_of(" <>,;\"") != std::string_view::npos)
    return bad("Địa chỉ thư không hợp lệ", "The address is not valid");
  return std::string(a);
}

// RFC 2231: filename*=UTF-8''percent-encoded, split into numbered sections of at most 60
// characters so no line grows long.
inline std::string filename_params(std::string_view name) {
  auto attr_char = [](unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '!' || c == '#' ||
           c == '$' || c == '&' || c == '+' || c == '-' || c == '.' || c == '^' || c == '_' || c == '`' ||
           c == '|' || c == '~';
  };
  std::vector<std::string> parts{"UTF-8''"};
  for (unsigned char c : name) {
    std::string piece;
    if (attr_char(c)) {
      piece = static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      piece = buf;
    }
    if (parts.back().size() + piece.size() > 60) parts.emplace_back();
    parts.back() += piece;
  }
  // RFC 2231 first (readers that know both take the first), then an ASCII fallback for readers
  // without it: the name folded to ASCII ("bao-cao-dot-1.pdf").
  std::string out;
  if (parts.size() == 1) {
    out = "filename*=" + parts[0];
  } else {
    for (std::size_t i = 0; i < parts.size(); ++i)
      out += (i ? ";\r\n filename*" : "filename*") + std::to_string(i) + "*=" + parts[i];
  }
  auto dot = name.rfind('.');
  std::string_view stem = dot == std::string_view::npos ? name : name.substr(0, dot);
  std::string_view ext = dot == std::string_view::npos ? std::string_view{} : name.substr(dot);
  auto folded = text::slug(stem, 60);
  std::string plain = folded && !folded->empty() ? *folded : std::string("attachment");
  for (unsigned char c : ext) plain += attr_char(c) ? static_cast<char>(c) : '_';
  return out + ";\r\n filename=\"" + plain + "\"";
}

inline std::string mail_date(timestamp t) {
  // Vietnam time, as the message is written there: "Tue, 01 Dec 2026 18:30:00 +0700".
  static constexpr std::array<const char*, 7> days{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto local = t + vietnam_utc_offset;
  auto dp = std::chrono::floor<std::chrono::days>(local);
  std::chrono::year_month_day ymd{dp};
  std::chrono::hh_mm_ss hms{local - dp};
  std::chrono::weekday wd{dp};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02d:%02d:%02d +0700", days[wd.c_encoding()],
                static_cast<unsigned>(ymd.day()), months[static_cast<unsigned>(ymd.month()) - 1],
                static_cast<int>(ymd.year()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
  return buf;
}

// FNV-1a: to name the boundary and the message id after the content (not a security property:
// the boundary cannot occur in base64 text whatever it is).
inline std::uint64_t fnv1a(std::string_view s, std::uint64_t h = 1469598103934665603ull) noexcept {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace detail

PBGDPL_DECL result<std::string> email_package(const mail_message& m) {
  auto from = detail::address_header(m.from, "from");
  if (!from) return from.err();
  auto to = detail::address_header(m.to, "to");
  if (!to) return to.err();
  for (unsigned char c : m.subject)
    if (c == '\r' || c == '\n' || c == 0)
      return error(errc::validation_failed, "/subject", "Tiêu đề thư không được xuống dòng",
                   "The subject may not hold a line break");
  for (const auto& a : m.attachments)
    for (unsigned char c : a.media_type)
      if (c < 0x20 || c >= 0x7F || c == '"')
        return error(errc::validation_failed, "/attachments", "Kiểu tệp đính kèm không hợp lệ",
                     "An attachment's media type is not valid");

  std::uint64_t h = detail::fnv1a(m.subject);
  h = detail::fnv1a(m.text, h);
  for (const auto& a : m.attachments) h = detail::fnv1a(a.bytes, detail::fnv1a(a.filename, h));
  h ^= static_cast<std::uint64_t>(m.sent_at.time_since_epoch().count());
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  // "=_" never occurs in base64 text, and every part is base64.
  const std::string boundary = std::string("=_pbgdpl_") + hex;

  std::string out;
  out += "From: " + *from + "\r\n";
  out += "To: " + *to + "\r\n";
  out += "Subject: " + detail::header_text(m.subject) + "\r\n";
  out += "Date: " + detail::mail_date(m.sent_at) + "\r\n";
  out += std::string("Message-ID: <") + hex + ".report@pbgdpl.invalid>\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n";
  out += "\r\nThis is a MIME message: a report with its attachments.\r\n";
  out += "\r\n--" + boundary + "\r\n";
  out += "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
  out += detail::mime_base64(m.text) + "\r\n";
  for (const auto& a : m.attachments) {
    out += "--" + boundary + "\r\n";
    out += "Content-Type: " + (a.media_type.empty() ? std::string("application/octet-stream") : a.media_type) + "\r\n";
    out += "Content-Disposition: attachment;\r\n " + detail::filename_params(a.filename) + "\r\n";
    out += "Content-Transfer-Encoding: base64\r\n\r\n";
    out += detail::mime_base64(a.bytes) + "\r\n";
  }
  out += "--" + boundary + "--\r\n";
  return out;
}

}  // namespace reports
PBGDPL_NAMESPACE_END
