// The SMTP notifier against a local sink that records the conversation: the envelope, the
// headers (RFC 2047 subject, UTF-8 body), dot-stuffing, once per event, and a server that is
// slow, rude or refuses.
#include "smtp.hpp"
#include "smtp_sink.hpp"

#include <pbgdpl/trust/minisign.hpp>

#include <pbgdpl/plugin/host.hpp>

#include <doctest/doctest.h>

using namespace pbgdpl;
using namespace pbgdpl::plugin;

namespace {

struct tmpdir {
  std::filesystem::path path;
  tmpdir() {
    path = std::filesystem::temp_directory_path() / ("pbgdpl-smtp-" + random_id_string().substr(0, 12));
    std::filesystem::create_directories(path);
  }
  ~tmpdir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

json base_config(std::uint16_t port) {
  return json{{"host", "127.0.0.1"},
              {"port", port},
              {"helo", "pbgdpl.test"},
              {"from", "Phòng GD&ĐT Ba Đình <pbgdpl@pgd-badinh.edu.vn>"},
              {"to_by_unit", {{"thcs-le-loi", "hieutruong@thcs-leloi.edu.vn"}}},
              {"default_to", "vanthu@pgd-badinh.edu.vn"},
              {"portal_url", "https://pgd-badinh.edu.vn/pbgdpl/"}};
}

services svc(timestamp* clock) {
  services s;
  s.now = [clock] { return *clock; };
  return s;
}

json reminder(std::string unit = "thcs-le-loi") {
  return json{{"id", "ky-2026." + unit + ".7"},
              {"period", "ky-2026"},
              {"period_label_vi", "năm 2026"},
              {"period_label_en", "year 2026"},
              {"template_name", "Báo cáo kết quả PBGDPL"},
              {"unit", unit},
              {"unit_name", "Trường THCS Lê Lợi"},
              {"units", {unit, "pgd-ba-dinh"}},
              {"due_on", "2026-12-15"},
              {"days_before", 7},
              {"state", "missing"},
              {"occurred_at", "2026-12-08T00:00:00+07:00"}};
}

std::string header_of(const std::string& msg, const std::string& name) {
  auto at = msg.find("\r\n" + name + ": ");
  if (msg.rfind(name + ": ", 0) == 0)
    at = 0;
  else if (at == std::string::npos)
    return {};
  else
    at += 2;
  at += name.size() + 2;
  std::string v;
  for (;;) {
    auto end = msg.find("\r\n", at);
    v += msg.substr(at, end - at);
    if (end + 2 < msg.size() && (msg[end + 2] == ' ' || msg[end + 2] == '\t')) {
      at = end + 2;
      continue;
    }
    return v;
  }
}

// Decodes a run of RFC 2047 "B" words (as encode_header_words writes them).
std::string decode_words(const std::string& v) {
  std::string out;
  std::size_t at = 0;
  while ((at = v.find("=?UTF-8?B?", at)) != std::string::npos) {
    at += 10;
    auto end = v.find("?=", at);
    auto b64 = v.substr(at, end - at);
    std::size_t pad = b64.ends_with("==") ? 2 : b64.ends_with("=") ? 1 : 0;
    auto bytes = trust::detail::unbase64(b64, b64.size() / 4 * 3 - pad);
    REQUIRE(bytes);
    out.append(reinterpret_cast<const char*>(bytes->data()), bytes->size());
    at = end + 2;
  }
  return out;
}

std::string body_of(const std::string& msg) { return msg.substr(msg.find("\r\n\r\n") + 4); }

}  // namespace

TEST_CASE("a report reminder reaches the unit's address as a UTF-8 mail with an RFC 2047 subject") {
  mock::smtp_sink sink;
  timestamp clock(std::chrono::seconds(1'796'000'000));
  smtp::notifier n(svc(&clock), smtp::config_from_json(base_config(sink.port())).value());
  auto sent = n.send("report.reminder", reminder());
  REQUIRE(sent);
  CHECK(*sent == 1);
  auto sessions = sink.sessions(1);
  REQUIRE(sessions.size() == 1);
  const auto& s = sessions[0];
  REQUIRE(s.commands.size() >= 5);
  CHECK(s.commands[0] == "EHLO pbgdpl.test");
  CHECK(s.commands[1] == "MAIL FROM:<pbgdpl@pgd-badinh.edu.vn> BODY=8BITMIME");
  CHECK(s.commands[2] == "RCPT TO:<hieutruong@thcs-leloi.edu.vn>");
  CHECK(s.commands[3] == "DATA");
  CHECK(s.commands.back() == "QUIT");
  const auto& msg = s.data;
  CHECK(header_of(msg, "To") == "hieutruong@thcs-leloi.edu.vn");
  CHECK(decode_words(header_of(msg, "From")) == "Phòng GD&ĐT Ba Đình");
  CHECK(header_of(msg, "From").ends_with(" <pbgdpl@pgd-badinh.edu.vn>"));
  auto subject = header_of(msg, "Subject");
  CHECK(subject.rfind("=?UTF-8?B?", 0) == 0);
  CHECK(decode_words(subject) == "Nhắc hạn nộp báo cáo: Báo cáo kết quả PBGDPL (năm 2026) – hạn 15/12/2026");
  CHECK(subject.find("?= =?UTF-8?B?") != std::string::npos);  // folded into several words
  for (std::size_t at = 0, end = 0; end != std::string::npos; at = end + 1) {
    end = subject.find(' ', at);
    CHECK(subject.substr(at, end == std::string::npos ? std::string::npos : end - at).size() <= 75);
  }
  CHECK(header_of(msg, "Content-Type") == "text/plain; charset=utf-8");
  CHECK(header_of(msg, "Content-Transfer-Encoding") == "8bit");
  CHECK(header_of(msg, "MIME-Version") == "1.0");
  CHECK(header_of(msg, "Date") == "Mon, 30 Nov 2026 07:53:20 +0700");
  CHECK(header_of(msg, "Message-ID").ends_with("@pbgdpl.test>"));
  auto body = body_of(msg);
  CHECK(body.find("Kính gửi: Trường THCS Lê Lợi") != std::string::npos);
  CHECK(body.find("báo cáo \"Báo cáo kết quả PBGDPL\" kỳ năm 2026 cần được gửi chậm nhất trong ngày "
                  "15/12/2026 (còn 7 ngày)") != std::string::npos);
  CHECK(body.find("đơn vị chưa có báo cáo") != std::string::npos);
  CHECK(body.find("tại https://pgd-badinh.edu.vn/pbgdpl/") != std::string::npos);
  CHECK(body.find("is due on 2026-12-15") != std::string::npos);
  // Once per event.
  CHECK(n.send("report.reminder", reminder()).value() == 0);
  CHECK(sink.connections() == 1);
}

TEST_CASE("lines starting with a dot are stuffed and come out whole") {
  CHECK(smtp::dot_stuff(".\n..a\nb.\n") == "..\r\n...a\r\nb.\r\n.\r\n");
  CHECK(smtp::dot_stuff("x") == "x\r\n.\r\n");
  // Bare CR or LF never reach the wire: each ends a line, so a smuggled "\r.\r" is stuffed.
  CHECK(smtp::dot_stuff("a\r.\rb\n.\nc\r\n.") == "a\r\n..\r\nb\r\n..\r\nc\r\n..\r\n.\r\n");
  mock::smtp_sink sink;
  timestamp clock(std::chrono::seconds(1'796'000'000));
  smtp::notifier n(svc(&clock), smtp::config_from_json(base_config(sink.port())).value());
  json data{{"id", "e1"}, {".", "a lone dot"}, {".hidden", "x"}};
  REQUIRE(n.send("custom.event", data).value() == 1);
  auto s = sink.sessions(1).at(0);
  CHECK(s.raw_data.find("\r\n..: a lone dot\r\n") != std::string::npos);
  CHECK(s.raw_data.find("\r\n..hidden: x\r\n") != std::string::npos);
  CHECK(s.data.find("\r\n.: a lone dot\r\n") != std::string::npos);
  CHECK(s.data.find("\r\n.hidden: x\r\n") != std::string::npos);
  CHECK(s.commands[2] == "RCPT TO:<vanthu@pgd-badinh.edu.vn>");  // no unit: the default address
  // A value trying to end the DATA early (SMTP smuggling) stays inside the one message.
  json smuggle{{"id", "e2"}, {"note", "x\r.\rMAIL FROM:<evil@x>\r\n.\r\nRCPT TO:<victim@y>"}};
  REQUIRE(n.send("custom.event", smuggle).value() == 1);
  auto s2 = sink.sessions(2).at(1);
  CHECK(std::count(s2.commands.begin(), s2.commands.end(), std::string("DATA")) == 1);
  CHECK(std::none_of(s2.commands.begin(), s2.commands.end(),
                     [](const std::string& c) { return c.find("evil") != std::string::npos; }));
  CHECK(header_of(s2.data, "Content-Transfer-Encoding") == "quoted-printable");
}

TEST_CASE("without 8BITMIME the body goes quoted-printable") {
  mock::smtp_sink sink;
  sink.advertise_8bitmime = false;
  timestamp clock(std::chrono::seconds(1'796'000'000));
  smtp::notifier n(svc(&clock), smtp::config_from_json(base_config(sink.port())).value());
  REQUIRE(n.send("report.reminder", reminder()).value() == 1);
  auto s = sink.sessions(1).at(0);
  CHECK(s.commands[1] == "MAIL FROM:<pbgdpl@pgd-badinh.edu.vn>");
  CHECK(header_of(s.data, "Content-Transfer-Encoding") == "quoted-printable");
  auto body = body_of(s.data);
  CHECK(body.find("K=C3=ADnh g=E1=BB=ADi") != std::string::npos);  // "Kính gửi"
  for (std::size_t at = 0, end; (end = body.find("\r\n", at)) != std::string::npos; at = end + 2)
    CHECK(end - at <= 76);
  for (unsigned char c : body) CHECK(c < 0x80);
}

TEST_CASE("CR or LF in a header value is refused before anything is sent") {
  mock::smtp_sink sink;
  timestamp clock(std::chrono::seconds(1'796'000'000));
  smtp::notifier n(svc(&clock), smtp::config_from_json(base_config(sink.port())).value());
  auto data = reminder();
  data["template_name"] = "Báo cáo\r\nBcc: everyone@example.org";
  auto r = n.send("report.reminder", data);
  REQUIRE_FALSE(r);
  CHECK(r.err().code == errc::validation_failed);
  CHECK(r.err().message_vi.find("xuống dòng") != std::string::npos);
  CHECK(sink.connections() == 0);
  auto bad = base_config(sink.port());
  bad["from"] = "a@b.vn\r\nBcc: x@y";
  CHECK(smtp::config_from_json(bad).err().code == errc::invalid_argument);
  bad = base_config(sink.port());
  bad["default_to"] = "not an address";
  CHECK(smtp::config_from_json(bad).err().code == errc::validation_failed);
  bad = base_config(sink.port());
  bad["to_by_unit"] = {{"u", {"ok@x.vn", "<evil>@x"}}};
  CHECK_FALSE(smtp::config_from_json(bad));
  bad = base_config(sink.port());
  bad["port"] = 70000;
  CHECK(smtp::config_from_json(bad).err().code == errc::out_of_range);
  CHECK(smtp::address_of("Tên <a@b.vn>").value() == "a@b.vn");
  CHECK_FALSE(smtp::address_of("a@b@c"));
  CHECK_FALSE(smtp::address_of("a b@c"));
}

TEST_CASE("a refused recipient fails the send, which is tried again next time") {
  mock::smtp_sink sink;
  sink.refuse_recipients = {"hieutruong@thcs-leloi.edu.vn"};
  timestamp clock(std::chrono::seconds(1'796'000'000));
  tmpdir dir;
  auto cfg = base_config(sink.port());
  cfg["state_dir"] = dir.path.string();
  smtp::notifier n(svc(&clock), smtp::config_from_json(cfg).value());
  auto r = n.send("report.reminder", reminder());
  REQUIRE_FALSE(r);
  CHECK(r.err().code == errc::invalid_argument);
  CHECK(r.err().message_en.find("Recipient address rejected") != std::string::npos);
  CHECK(sink.sessions(1).at(0).commands.back() == "QUIT");
  sink.refuse_recipients.clear();
  CHECK(n.send("report.reminder", reminder()).value() == 1);
  // Remembered in the state file: a new instance sends nothing.
  smtp::notifier again(svc(&clock), smtp::config_from_json(cfg).value());
  CHECK(again.send("report.reminder", reminder()).value() == 0);
  CHECK(sink.connections() == 2);
}

TEST_CASE("a unit with no address and no default tells nobody, without connecting") {
  mock::smtp_sink sink;
  timestamp clock(std::chrono::seconds(1'796'000'000));
  auto cfg = base_config(sink.port());
  cfg.erase("default_to");
  smtp::notifier n(svc(&clock), smtp::config_from_json(cfg).value());
  CHECK(n.send("report.reminder", reminder("thcs-khac")).value() == 0);
  CHECK(sink.connections() == 0);
  CHECK(n.send("report.reminder", json{{"unit", "x"}}).err().code == errc::missing_field);
}

TEST_CASE("a server that stalls, drips or never ends a line is given up on in time") {
  using mode = mock::smtp_sink::mode;
  for (auto m : {mode::stall_after_greeting, mode::drip, mode::endless_line}) {
    CAPTURE(static_cast<int>(m));
    mock::smtp_sink sink;
    sink.behaviour = m;
    timestamp clock(std::chrono::seconds(1'796'000'000));
    auto cfg = base_config(sink.port());
    cfg["timeout_ms"] = 300;
    cfg["total_timeout_ms"] = 900;
    smtp::notifier n(svc(&clock), smtp::config_from_json(cfg).value());
    auto t0 = std::chrono::steady_clock::now();
    auto r = n.send("report.reminder", reminder());
    auto took = std::chrono::steady_clock::now() - t0;
    REQUIRE_FALSE(r);
    CHECK(took < std::chrono::milliseconds(1500));
    if (m == mode::endless_line)
      CHECK(r.err().code == errc::too_large);
    else
      CHECK(r.err().code == errc::io_error);
  }
}

TEST_CASE("no server at all is an I/O error") {
  std::uint16_t port;
  {
    mock::smtp_sink gone;
    port = gone.port();
  }
  timestamp clock(std::chrono::seconds(1'796'000'000));
  smtp::notifier n(svc(&clock), smtp::config_from_json(base_config(port)).value());
  auto r = n.send("report.reminder", reminder());
  REQUIRE_FALSE(r);
  CHECK(r.err().code == errc::io_error);
  CHECK(r.err().message_vi.find("Không kết nối được") != std::string::npos);
}

TEST_CASE("encoded words stay within 75 characters and cut between code points") {
  std::string s;
  for (int i = 0; i < 40; ++i) s += "Phổ biến ";
  auto enc = smtp::encode_header_words(s);
  CHECK(decode_words(enc) == s);
  std::size_t at = 0;
  for (;;) {
    auto end = enc.find("\r\n ", at);
    auto word = enc.substr(at, end == std::string::npos ? std::string::npos : end - at);
    CHECK(word.size() <= 75);
    if (end == std::string::npos) break;
    at = end + 3;
  }
  CHECK(smtp::encode_header_words("Plain ASCII") == "Plain ASCII");
  CHECK(smtp::encode_header_words("=?x?=") != "=?x?=");
}

TEST_CASE("loaded through the host, the plugin is a reports notifier of channel email") {
  mock::smtp_sink sink;
  plugin::host_options o;
  o.enabled = true;
  o.use_env_path = false;
  o.dirs = {PBGDPL_PLUGIN_DIR};
  plugin::plugin_host host(o);
  auto n = plugin::open_notifier(host, "smtp", base_config(sink.port()));
  REQUIRE(n);
  CHECK((*n)->name() == "email");
  CHECK((*n)->send("report.reminder", reminder()).value() == 1);
  CHECK((*n)->send("report.reminder", reminder()).value() == 0);
  auto s = sink.sessions(1);
  REQUIRE(s.size() == 1);
  CHECK(s[0].commands[2] == "RCPT TO:<hieutruong@thcs-leloi.edu.vn>");
  auto bad = base_config(sink.port());
  bad["from"] = "no address";
  auto refused = plugin::open_notifier(host, "smtp", bad);
  REQUIRE_FALSE(refused);
  CHECK(refused.err().message_en.find("Malformed e-mail address") != std::string::npos);
}
