#include "smtp.hpp"

#include <pbgdpl/trust/hmac.hpp>
#include <pbgdpl/trust/minisign.hpp>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <span>

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

PBGDPL_NAMESPACE_BEGIN
namespace plugin::smtp {

namespace {

error bad(errc c, std::string path, std::string vi, std::string en) {
  return error(c, std::move(path), std::move(vi), std::move(en));
}

bool has_cr_or_lf(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

std::string clip(std::string s, std::size_t max = 300) {
  for (auto& c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  if (s.size() > max) s = s.substr(0, max) + "...";
  return s;
}

// "2026-12-15" -> "15/12/2026" (left as it is when it is not that shape).
std::string vietnamese_date(const std::string& iso) {
  if (iso.size() != 10 || iso[4] != '-' || iso[7] != '-') return iso;
  return iso.substr(8, 2) + "/" + iso.substr(5, 2) + "/" + iso.substr(0, 4);
}

// RFC 5322 date in Hà Nội time: "Tue, 15 Dec 2026 08:00:00 +0700".
std::string rfc5322_date(timestamp t) {
  static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto local = t + vietnam_utc_offset;
  auto day = std::chrono::floor<std::chrono::days>(local);
  std::chrono::year_month_day ymd{day};
  std::chrono::hh_mm_ss hms{local - day};
  auto two = [](long v) { return (v < 10 ? "0" : "") + std::to_string(v); };
  return std::string(days[std::chrono::weekday{day}.c_encoding()]) + ", " +
         two(static_cast<unsigned>(ymd.day())) + " " + months[static_cast<unsigned>(ymd.month()) - 1] + " " +
         std::to_string(static_cast<int>(ymd.year())) + " " + two(hms.hours().count()) + ":" +
         two(hms.minutes().count()) + ":" + two(hms.seconds().count()) + " +0700";
}

std::string quoted_printable(std::string_view text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('\n', start);
    auto line = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::string enc;
    std::size_t width = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
      auto c = static_cast<unsigned char>(line[i]);
      bool last = i + 1 == line.size();
      std::string piece;
      if ((c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last))
        piece = std::string(1, static_cast<char>(c));
      else
        piece = {'=', hex[c >> 4], hex[c & 15]};
      if (width + piece.size() > 75) {  // soft line break keeps lines within 76
        enc += "=\r\n";
        width = 0;
      }
      enc += piece;
      width += piece.size();
    }
    out += enc;
    if (end == std::string_view::npos) break;
    out += "\r\n";
    start = end + 1;
  }
  return out;
}

struct reply {
  int code = 0;
  std::vector<std::string> lines;
  bool has_line(std::string_view word) const {
    for (const auto& l : lines) {
      std::string up = l.substr(std::min<std::size_t>(4, l.size()));
      for (auto& c : up) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (up == word || up.rfind(std::string(word) + " ", 0) == 0) return true;
    }
    return false;
  }
  std::string text() const {
    std::string s;
    for (const auto& l : lines) s += (s.empty() ? "" : " ") + l;
    return clip(s);
  }
};

// One SMTP connection: every wait bounded by the per-operation timeout and by the conversation's
// deadline; replies bounded in line length and count.
class connection {
 public:
  connection(const config& c) : cfg_(c), deadline_(std::chrono::steady_clock::now() + c.total_timeout) {}
  ~connection() {
    if (fd_ >= 0) ::close(fd_);
  }
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  result<void> open() {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* list = nullptr;
    const auto port = std::to_string(cfg_.port);
    if (int rc = ::getaddrinfo(cfg_.host.c_str(), port.c_str(), &hints, &list); rc != 0)
      return bad(errc::io_error, "/host", "Không tìm thấy máy chủ thư " + cfg_.host,
                 "Cannot resolve the mail server " + cfg_.host + ": " + ::gai_strerror(rc));
    std::string why = "no address";
    for (auto* a = list; a; a = a->ai_next) {
      int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
      if (fd < 0) continue;
      int rc = ::connect(fd, a->ai_addr, a->ai_addrlen);
      if (rc != 0 && errno == EINPROGRESS) {
        pollfd p{fd, POLLOUT, 0};
        int wait = static_cast<int>(std::min(cfg_.connect_timeout, remaining()).count());
        rc = ::poll(&p, 1, wait) == 1 ? 0 : -1;
        int err = 0;
        socklen_t len = sizeof err;
        if (rc == 0 && (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0))
          rc = -1, errno = err;
        if (rc != 0 && errno == 0) errno = ETIMEDOUT;
      }
      if (rc == 0) {
        fd_ = fd;
        break;
      }
      why = std::strerror(errno);
      ::close(fd);
    }
    ::freeaddrinfo(list);
    if (fd_ < 0)
      return bad(errc::io_error, "/host", "Không kết nối được máy chủ thư " + cfg_.host + ":" + port,
                 "Cannot connect to the mail server " + cfg_.host + ":" + port + " (" + why + ")");
    return {};
  }

  result<void> write(std::string_view bytes) {
    while (!bytes.empty()) {
      if (auto w = wait(POLLOUT); !w) return w;
      ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
        return bad(errc::io_error, "", "Mất kết nối với máy chủ thư",
                   std::string("The mail server connection broke: ") + std::strerror(errno));
      }
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return {};
  }

  result<reply> read_reply() {
    reply r;
    for (;;) {
      auto nl = buf_.find('\n');
      if (nl == std::string::npos) {
        if (buf_.size() > max_line)
          return bad(errc::too_large, "", "Máy chủ thư trả lời một dòng quá dài",
                     "The mail server sent an overlong reply line");
        if (auto w = wait(POLLIN); !w) return w.err();
        char tmp[4096];
        ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
        if (n < 0) {
          if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
          return bad(errc::io_error, "", "Mất kết nối với máy chủ thư",
                     std::string("The mail server connection broke: ") + std::strerror(errno));
        }
        if (n == 0)
          return bad(errc::io_error, "", "Máy chủ thư đã đóng kết nối",
                     "The mail server closed the connection");
        buf_.append(tmp, static_cast<std::size_t>(n));
        continue;
      }
      std::string line = buf_.substr(0, nl);
      buf_.erase(0, nl + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.size() > max_line || line.size() < 3 || !std::isdigit(static_cast<unsigned char>(line[0])) ||
          !std::isdigit(static_cast<unsigned char>(line[1])) ||
          !std::isdigit(static_cast<unsigned char>(line[2])) ||
          (line.size() > 3 && line[3] != ' ' && line[3] != '-'))
        return bad(errc::parse_error, "", "Máy chủ thư trả lời sai giao thức: " + clip(line, 80),
                   "The mail server's reply breaks the protocol: " + clip(line, 80));
      r.code = std::stoi(line.substr(0, 3));
      r.lines.push_back(line);
      if (r.lines.size() > max_lines)
        return bad(errc::too_large, "", "Máy chủ thư trả lời quá nhiều dòng",
                   "The mail server's reply has too many lines");
      if (line.size() == 3 || line[3] == ' ') return r;
    }
  }

  result<reply> command(const std::string& line) {
    if (auto w = write(line + "\r\n"); !w) return w.err();
    return read_reply();
  }

 private:
  static constexpr std::size_t max_line = 2048, max_lines = 100;
  std::chrono::milliseconds remaining() const {
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - std::chrono::steady_clock::now());
    return std::max(left, std::chrono::milliseconds(0));
  }
  result<void> wait(short events) {
    for (;;) {
      auto left = remaining();
      if (left.count() == 0)
        return bad(errc::io_error, "", "Hết thời gian trao đổi với máy chủ thư",
                   "The mail conversation took too long");
      pollfd p{fd_, events, 0};
      int rc = ::poll(&p, 1, static_cast<int>(std::min(cfg_.timeout, left).count()));
      if (rc < 0 && errno == EINTR) continue;
      if (rc <= 0)
        return bad(errc::io_error, "", "Máy chủ thư không trả lời kịp",
                   "The mail server did not answer in time");
      return {};
    }
  }
  const config& cfg_;
  std::chrono::steady_clock::time_point deadline_;
  int fd_ = -1;
  std::string buf_;
};

error refused(const reply& r, std::string_view stage_vi, std::string_view stage_en) {
  bool transient = r.code >= 400 && r.code < 500;
  return bad(transient ? errc::busy : errc::invalid_argument, "",
             std::string(transient ? "Máy chủ thư tạm thời từ chối (" : "Máy chủ thư từ chối (") +
                 std::string(stage_vi) + "): " + r.text(),
             std::string(transient ? "The mail server refused for now (" : "The mail server refused (") +
                 std::string(stage_en) + "): " + r.text());
}

result<std::vector<std::string>> address_list(const json& v, const std::string& at) {
  std::vector<std::string> out;
  auto one = [&](const json& x) -> result<void> {
    if (!x.is_string())
      return bad(errc::wrong_type, at, "Địa chỉ thư phải là chuỗi", "An e-mail address must be a string");
    auto a = address_of(x.get<std::string>());
    if (!a) return bad(a.err().code, at, a.err().message_vi, a.err().message_en);
    out.push_back(x.get<std::string>());
    return {};
  };
  if (v.is_array()) {
    if (v.size() > 50) return bad(errc::too_large, at, "Quá 50 địa chỉ", "More than 50 addresses");
    for (const auto& x : v)
      if (auto r = one(x); !r) return r.err();
  } else if (auto r = one(v); !r) {
    return r.err();
  }
  return out;
}

}  // namespace

result<std::string> address_of(std::string_view mailbox) {
  std::string_view addr = mailbox;
  if (auto lt = mailbox.rfind('<'); lt != std::string_view::npos) {
    if (mailbox.empty() || mailbox.back() != '>')
      return bad(errc::validation_failed, "", "Địa chỉ thư không hợp lệ: " + clip(std::string(mailbox), 80),
                 "Malformed e-mail address: " + clip(std::string(mailbox), 80));
    addr = mailbox.substr(lt + 1, mailbox.size() - lt - 2);
    if (has_cr_or_lf(mailbox.substr(0, lt)))
      return bad(errc::validation_failed, "", "Tên người gửi chứa ký tự xuống dòng",
                 "A display name holds CR or LF");
  }
  auto at = addr.find('@');
  bool ok = !addr.empty() && addr.size() <= 254 && at != std::string_view::npos && at > 0 &&
            at + 1 < addr.size() && addr.find('@', at + 1) == std::string_view::npos;
  for (char ch : addr) {
    auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7f || ch == '<' || ch == '>' || ch == '(' || ch == ')' || ch == ',' ||
        ch == ';' || ch == '"' || ch == '\\')
      ok = false;
  }
  if (!ok)
    return bad(errc::validation_failed, "", "Địa chỉ thư không hợp lệ: " + clip(std::string(mailbox), 80),
               "Malformed e-mail address: " + clip(std::string(mailbox), 80));
  return std::string(addr);
}

std::string encode_header_words(std::string_view s) {
  bool plain = s.find("=?") == std::string_view::npos && s.size() <= 900;
  for (char ch : s)
    if (static_cast<unsigned char>(ch) < 0x20 || static_cast<unsigned char>(ch) >= 0x7f) plain = false;
  if (plain) return std::string(s);
  // 45 bytes of UTF-8 make 60 base64 characters: "=?UTF-8?B?" + 60 + "?=" = 72 <= 75.
  std::string out;
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t end = std::min(s.size(), i + 45);
    while (end < s.size() && end > i && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
    if (end == i) end = std::min(s.size(), i + 45);
    auto chunk = s.substr(i, end - i);
    auto b64 =
        trust::detail::base64(std::span(reinterpret_cast<const std::uint8_t*>(chunk.data()), chunk.size()));
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + b64 + "?=";
    i = end;
  }
  return out;
}

std::string dot_stuff(std::string_view message) {
  // A lone CR or LF ends a line too: left bare, "\r.\r" or "\n.\n" could end the DATA early on a
  // server that reads them as line ends, and smuggle a second message (SMTP smuggling).
  std::string out;
  out.reserve(message.size() + message.size() / 50 + 5);
  std::size_t start = 0;
  while (start < message.size()) {
    auto end = message.find_first_of("\r\n", start);
    auto line = message.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (!line.empty() && line.front() == '.') out += '.';
    out.append(line).append("\r\n");
    if (end == std::string_view::npos) break;
    start = end + (message.compare(end, 2, "\r\n") == 0 ? 2 : 1);
  }
  out += ".\r\n";
  return out;
}

result<std::string> format_message(const mail& m, bool eight_bit) {
  for (const auto* h : {&m.from, &m.subject, &m.message_id})
    if (has_cr_or_lf(*h))
      return bad(errc::validation_failed, "", "Tiêu đề thư chứa ký tự xuống dòng (CR/LF)",
                 "A mail header value holds CR or LF");
  for (const auto& t : m.to)
    if (has_cr_or_lf(t))
      return bad(errc::validation_failed, "", "Địa chỉ người nhận chứa ký tự xuống dòng",
                 "A recipient holds CR or LF");
  if (m.to.empty())
    return bad(errc::validation_failed, "", "Thư không có người nhận", "The mail has no recipient");
  auto from_addr = address_of(m.from);
  if (!from_addr) return from_addr.err();
  std::string from = m.from;
  if (auto lt = m.from.rfind('<'); lt != std::string::npos) {
    std::string name(m.from.substr(0, lt));
    while (!name.empty() && name.back() == ' ') name.pop_back();
    from = (name.empty() ? "" : encode_header_words(name) + " ") + "<" + *from_addr + ">";
  }
  std::string to;
  for (const auto& t : m.to) {
    auto a = address_of(t);
    if (!a) return a.err();
    to += (to.empty() ? "" : ", ") + *a;
  }
  // 8bit needs lines within 998 octets (RFC 5322 2.1.1); otherwise quoted-printable.
  bool long_line = false;
  for (std::size_t start = 0, n = 0; start <= m.text.size(); start = n + 1) {
    n = m.text.find('\n', start);
    if ((n == std::string::npos ? m.text.size() : n) - start > 990) long_line = true;
    if (n == std::string::npos) break;
  }
  // Control characters (NUL, a lone CR...) have no place in an 8bit body: quoted-printable encodes them.
  const bool controls = std::any_of(m.text.begin(), m.text.end(), [](char ch) {
    auto c = static_cast<unsigned char>(ch);
    return (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f;
  });
  const bool raw = eight_bit && !long_line && !controls;
  std::string msg;
  msg += "From: " + from + "\r\n";
  msg += "To: " + to + "\r\n";
  msg += "Subject: " + encode_header_words(m.subject) + "\r\n";
  msg += "Date: " + rfc5322_date(m.date) + "\r\n";
  msg += "Message-ID: <" + m.message_id + ">\r\n";
  msg += "MIME-Version: 1.0\r\n";
  msg += "Content-Type: text/plain; charset=utf-8\r\n";
  msg += std::string("Content-Transfer-Encoding: ") + (raw ? "8bit" : "quoted-printable") + "\r\n";
  msg += "Auto-Submitted: auto-generated\r\n";  // RFC 3834: autoresponders stay quiet
  msg += "\r\n";
  if (raw) {
    for (std::size_t start = 0; start < m.text.size();) {
      auto n = m.text.find('\n', start);
      auto line =
          std::string_view(m.text).substr(start, n == std::string::npos ? std::string::npos : n - start);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      msg.append(line).append("\r\n");
      if (n == std::string::npos) break;
      start = n + 1;
    }
  } else {
    msg += quoted_printable(m.text) + "\r\n";
  }
  return msg;
}

std::pair<std::string, std::string> compose(std::string_view event, const json& data, const config& c) {
  auto str = [&](const char* k) {
    return data.contains(k) && data[k].is_string() ? data[k].get<std::string>() : std::string();
  };
  if (event == "report.reminder") {
    const auto tmpl = str("template_name"), unit = str("unit_name").empty() ? str("unit") : str("unit_name");
    const auto period_vi = str("period_label_vi"), period_en = str("period_label_en");
    const auto due_iso = str("due_on"), due = vietnamese_date(due_iso), state = str("state");
    const long days = data.contains("days_before") && data["days_before"].is_number_integer()
                          ? data["days_before"].get<long>()
                          : -1;
    std::string subject =
        "Nhắc hạn nộp báo cáo: " + tmpl + (period_vi.empty() ? "" : " (" + period_vi + ")") + " – hạn " + due;
    std::string state_vi = state == "draft" ? "báo cáo của đơn vị mới ở dạng nháp, chưa được gửi"
                           : state == "returned"
                               ? "báo cáo của đơn vị đã bị trả lại để sửa và cần được gửi lại"
                               : "đơn vị chưa có báo cáo";
    std::string state_en = state == "draft"      ? "your report is still a draft"
                           : state == "returned" ? "your report was returned for changes"
                                                 : "no report has been sent yet";
    std::string when_vi = days == 0  ? " (hạn là hôm nay)"
                          : days > 0 ? " (còn " + std::to_string(days) + " ngày)"
                                     : "";
    std::string text = "Kính gửi: " + unit + "\n\n";
    text += "Hệ thống PBGDPL xin nhắc: báo cáo \"" + tmpl + "\"" +
            (period_vi.empty() ? "" : " kỳ " + period_vi) + " cần được gửi chậm nhất trong ngày " + due +
            when_vi + ". Hiện nay " + state_vi + ".\n\n";
    text += "Đề nghị đơn vị hoàn thiện và gửi báo cáo đúng hạn" +
            (c.portal_url.empty() ? std::string(".") : " tại " + c.portal_url + ".") + "\n\n";
    text += "Đây là thư gửi tự động, xin không trả lời thư này.\n\n";
    text += "--\nReminder: the report \"" + tmpl + "\"" + (period_en.empty() ? "" : " (" + period_en + ")") +
            " is due on " + due_iso + (days >= 0 ? " (" + std::to_string(days) + " days left)" : "") + "; " +
            state_en + ".\n";
    return {subject, text};
  }
  std::string text = "Sự kiện / Event: " + std::string(event) + "\n\n";
  if (data.is_object())
    for (const auto& [k, v] : data.items())
      text += k + ": " + (v.is_string() ? v.get<std::string>() : v.dump()) + "\n";
  return {"[PBGDPL] " + std::string(event), text};
}

result<config> config_from_json(const json& j) {
  if (!j.is_object())
    return bad(errc::wrong_type, "", "Cấu hình phải là đối tượng JSON",
               "The configuration must be a JSON object");
  static const std::vector<std::string> known{"host",       "port",
                                              "helo",       "from",
                                              "default_to", "to_by_unit",
                                              "portal_url", "connect_timeout_ms",
                                              "timeout_ms", "total_timeout_ms",
                                              "state_dir",  "name"};
  for (const auto& [k, v] : j.items())
    if (std::find(known.begin(), known.end(), k) == known.end())
      return bad(errc::invalid_argument, "/" + json_io::pointer_token(k),
                 "Khóa cấu hình không được biết: " + k, "Unknown configuration key: " + k);
  config c;
  auto text = [&](const char* k, std::string& out, std::size_t max) -> result<void> {
    auto it = j.find(k);
    if (it == j.end()) return {};
    if (!it->is_string() || it->get<std::string>().size() > max || has_cr_or_lf(it->get<std::string>()) ||
        !text::is_valid_utf8(it->get<std::string>()))
      return bad(errc::invalid_argument, std::string("/") + k, std::string("\"") + k + "\" không hợp lệ",
                 std::string("\"") + k + "\" is malformed");
    out = it->get<std::string>();
    return {};
  };
  for (auto [k, out, max] : {std::tuple{"host", &c.host, 255},
                             {"helo", &c.helo, 255},
                             {"from", &c.from, 320},
                             {"portal_url", &c.portal_url, 2048}})
    if (auto r = text(k, *out, static_cast<std::size_t>(max)); !r) return r.err();
  auto token_ok = [](std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char ch) {
      return std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-' || ch == ':' ||
             ch == '[' || ch == ']';
    });
  };
  if (!token_ok(c.host))
    return bad(errc::invalid_argument, "/host", "\"host\" không hợp lệ", "\"host\" is malformed");
  if (!token_ok(c.helo))
    return bad(errc::invalid_argument, "/helo", "\"helo\" không hợp lệ", "\"helo\" is malformed");
  if (c.from.empty())
    return bad(errc::missing_field, "/from", "Thiếu địa chỉ người gửi (\"from\")",
               "The sender (\"from\") is missing");
  if (auto a = address_of(c.from); !a)
    return bad(a.err().code, "/from", a.err().message_vi, a.err().message_en);
  auto number = [&](const char* k, std::int64_t lo, std::int64_t hi, std::int64_t& out) -> result<void> {
    auto it = j.find(k);
    if (it == j.end()) return {};
    if (!it->is_number_integer() || it->get<std::int64_t>() < lo || it->get<std::int64_t>() > hi)
      return bad(errc::out_of_range, std::string("/") + k,
                 std::string("\"") + k + "\" ngoài phạm vi " + std::to_string(lo) + "–" + std::to_string(hi),
                 std::string("\"") + k + "\" is outside " + std::to_string(lo) + "-" + std::to_string(hi));
    out = it->get<std::int64_t>();
    return {};
  };
  std::int64_t port = c.port, ct = c.connect_timeout.count(), t = c.timeout.count(),
               tt = c.total_timeout.count();
  if (auto r = number("port", 1, 65535, port); !r) return r.err();
  if (auto r = number("connect_timeout_ms", 50, 120'000, ct); !r) return r.err();
  if (auto r = number("timeout_ms", 50, 300'000, t); !r) return r.err();
  if (auto r = number("total_timeout_ms", 100, 900'000, tt); !r) return r.err();
  c.port = static_cast<std::uint16_t>(port);
  c.connect_timeout = std::chrono::milliseconds(ct);
  c.timeout = std::chrono::milliseconds(t);
  c.total_timeout = std::chrono::milliseconds(tt);
  if (auto d = j.find("default_to"); d != j.end()) {
    auto l = address_list(*d, "/default_to");
    if (!l) return l.err();
    c.default_to = std::move(*l);
  }
  if (auto m = j.find("to_by_unit"); m != j.end()) {
    if (!m->is_object())
      return bad(errc::wrong_type, "/to_by_unit", "\"to_by_unit\" phải là đối tượng",
                 "\"to_by_unit\" must be an object");
    for (const auto& [unit, v] : m->items()) {
      auto l = address_list(v, "/to_by_unit/" + json_io::pointer_token(unit));
      if (!l) return l.err();
      c.to_by_unit[unit] = std::move(*l);
    }
  }
  if (auto d = j.find("state_dir"); d != j.end()) {
    if (!d->is_string() || d->get<std::string>().empty())
      return bad(errc::wrong_type, "/state_dir", "\"state_dir\" phải là đường dẫn",
                 "\"state_dir\" must be a path");
    c.state_dir = d->get<std::string>();
  }
  if (auto r = text("name", c.name, 64); !r) return r.err();
  if (c.name.empty() || !std::all_of(c.name.begin(), c.name.end(), [](char ch) {
        return std::islower(static_cast<unsigned char>(ch)) || std::isdigit(static_cast<unsigned char>(ch)) ||
               ch == '_' || ch == '-';
      }))
    return bad(errc::invalid_argument, "/name", "\"name\" chỉ gồm a-z, 0-9, _ và -",
               "\"name\" may hold only a-z, 0-9, _ and -");
  return c;
}

notifier::notifier(services s, config c)
    : svc_(std::move(s)),
      cfg_(std::move(c)),
      delivered_(cfg_.state_dir.empty() ? std::filesystem::path()
                                        : cfg_.state_dir / ("smtp-" + cfg_.name + ".json")) {
  if (!svc_.now) svc_.now = [] { return pbgdpl::now(); };
}

result<std::size_t> notifier::send(std::string_view event, const json& data) {
  if (event.empty() || event.size() > 64 || has_cr_or_lf(event))
    return bad(errc::invalid_argument, "/event", "Tên sự kiện không hợp lệ", "The event name is malformed");
  if (!data.is_object())
    return bad(errc::wrong_type, "/data", "\"data\" phải là đối tượng", "\"data\" must be an object");
  auto id = data.find("id");
  if (id == data.end() || !id->is_string() || id->get<std::string>().empty() ||
      id->get<std::string>().size() > 200)
    return bad(errc::missing_field, "/data/id", "Sự kiện thiếu \"id\" (để không gửi trùng)",
               "The event has no \"id\" (needed to send it only once)");
  const std::string key = std::string(event) + "\x1f" + id->get<std::string>();
  if (delivered_.contains(key)) return std::size_t{0};
  std::vector<std::string> to = cfg_.default_to;
  if (data.contains("unit") && data["unit"].is_string())
    if (auto it = cfg_.to_by_unit.find(data["unit"].get<std::string>()); it != cfg_.to_by_unit.end())
      to = it->second;
  if (to.empty()) return std::size_t{0};  // nobody to tell: not an error
  auto [subject, text] = compose(event, data, cfg_);
  mail m;
  m.from = cfg_.from;
  m.to = std::move(to);
  m.subject = std::move(subject);
  m.text = std::move(text);
  m.date = svc_.now();
  m.message_id = trust::to_hex(trust::sha256(key)).substr(0, 32) + "@" + cfg_.helo;
  // Checked before connecting: a bad header sends nothing at all.
  if (auto probe = format_message(m, true); !probe) return probe.err();
  auto n = deliver(m);
  if (!n) {
    if (svc_.log)
      svc_.log(PBGDPL_LOG_WARNING,
               "smtp: " + std::string(event) + " " + id->get<std::string>() + ": " + n.err().message_en);
    return n;
  }
  if (auto saved = delivered_.add(key, svc_.now()); !saved && svc_.log)
    svc_.log(PBGDPL_LOG_ERROR,
             "smtp: cannot remember event " + id->get<std::string>() + ": " + saved.err().message_en);
  return n;
}

result<std::size_t> notifier::deliver(const mail& m) {
  connection conn(cfg_);
  if (auto r = conn.open(); !r) return r.err();
  auto greeting = conn.read_reply();
  if (!greeting) return greeting.err();
  if (greeting->code != 220) return refused(*greeting, "chào", "greeting");
  auto ehlo = conn.command("EHLO " + cfg_.helo);
  if (!ehlo) return ehlo.err();
  bool eight_bit = false;
  if (ehlo->code == 250) {
    eight_bit = ehlo->has_line("8BITMIME");
  } else {
    auto helo = conn.command("HELO " + cfg_.helo);
    if (!helo) return helo.err();
    if (helo->code != 250) return refused(*helo, "HELO", "HELO");
  }
  auto message = format_message(m, eight_bit);
  if (!message) return message.err();
  auto mail_from =
      conn.command("MAIL FROM:<" + address_of(m.from).value() + ">" + (eight_bit ? " BODY=8BITMIME" : ""));
  if (!mail_from) return mail_from.err();
  if (mail_from->code != 250) return refused(*mail_from, "người gửi", "sender");
  std::size_t accepted = 0;
  std::optional<reply> last_refusal;
  for (const auto& t : m.to) {
    auto rcpt = conn.command("RCPT TO:<" + address_of(t).value() + ">");
    if (!rcpt) return rcpt.err();
    if (rcpt->code == 250 || rcpt->code == 251)
      ++accepted;
    else
      last_refusal = *rcpt;
  }
  if (accepted == 0) {
    (void)conn.command("QUIT");
    return refused(*last_refusal, "người nhận", "recipients");
  }
  if (last_refusal && svc_.log)
    svc_.log(PBGDPL_LOG_WARNING, "smtp: a recipient was refused: " + last_refusal->text());
  auto data = conn.command("DATA");
  if (!data) return data.err();
  if (data->code != 354) return refused(*data, "DATA", "DATA");
  if (auto w = conn.write(dot_stuff(*message)); !w) return w.err();
  auto done = conn.read_reply();
  if (!done) return done.err();
  if (done->code != 250) return refused(*done, "nội dung thư", "message");
  (void)conn.command("QUIT");  // taken already; a QUIT that fails changes nothing
  return accepted;
}

}  // namespace plugin::smtp
PBGDPL_NAMESPACE_END

// --- The plugin (channel "email") --------------------------------------------------------------

namespace {

using namespace pbgdpl;
namespace sdk = pbgdpl::plugin;  // inside the class, `plugin` names the base class

class smtp_plugin final : public sdk::plugin, public sdk::notifier {
 public:
  static constexpr const char* notifier_channel = "email";
  smtp_plugin(sdk::host h, const json& config)
      : n_(sdk::services_from(h), sdk::smtp::config_from_json(config).value()) {}
  sdk::notifier* as_notifier() override { return this; }
  result<std::size_t> send(std::string_view event, const json& data) override { return n_.send(event, data); }

 private:
  sdk::smtp::notifier n_;
};

}  // namespace

PBGDPL_PLUGIN(smtp_plugin, "smtp", "1.0.0", "MIT",
              "Notifies by e-mail over SMTP (UTF-8, RFC 2047 subjects), once per event", PBGDPL_KIND_NOTIFIER)
