// The webhook notifier against local receivers that check the signature the way a receiver of
// the portal's own webhooks does, and its once-per-event promise across failures and restarts.
#include "mock_server.hpp"
#include "webhook.hpp"

#include <pbgdpl/trust/hmac.hpp>

#include <pbgdpl/plugin/host.hpp>

#include <doctest/doctest.h>

#include <fstream>

#include <unistd.h>

using namespace pbgdpl;
using namespace pbgdpl::plugin;

namespace {

const std::string secret_a = "0123456789abcdef-secret-A";
const std::string secret_b = "0123456789abcdef-secret-B";

struct tmpdir {
  std::filesystem::path path;
  tmpdir() {
    path = std::filesystem::temp_directory_path() / ("pbgdpl-webhook-" + random_id_string().substr(0, 12));
    std::filesystem::create_directories(path);
  }
  ~tmpdir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

services svc(timestamp* clock, std::vector<std::string>* logs = nullptr) {
  services s;
  s.http = mock::transport;
  s.now = [clock] { return *clock; };
  s.log = [logs](pbgdpl_log_level, std::string_view m) {
    if (logs) logs->emplace_back(m);
  };
  return s;
}

json reminder(std::string id = "ky-2026.thcs-le-loi.7") {
  return json{{"id", id},
              {"unit", "thcs-le-loi"},
              {"units", {"thcs-le-loi", "phong-gd-ba-dinh"}},
              {"template_name", "Báo cáo PBGDPL"},
              {"due_on", "2026-12-15"},
              {"occurred_at", "2026-12-08T00:00:00+07:00"}};
}

}  // namespace

TEST_CASE("an event is POSTed signed like the portal's webhooks, with the same payload shape") {
  timestamp clock(std::chrono::seconds(1'800'000'000));
  mock::server rx([](const mock::seen&) { return mock::reply(204, ""); });
  auto cfg = webhook::config_from_json(
                 {{"endpoints", {{{"url", rx.base() + "/hook"}, {"secret", secret_a}, {"id", "truong"}}}}})
                 .value();
  webhook::notifier n(svc(&clock), cfg);
  auto sent = n.send("report.reminder", reminder());
  REQUIRE(sent);
  CHECK(*sent == 1);
  auto seen = rx.requests();
  REQUIRE(seen.size() == 1);
  const auto& r = seen[0];
  CHECK(r.method == "POST");
  CHECK(r.target == "/hook");
  CHECK(r.header("content-type") == "application/json");
  CHECK(r.header("x-pbgdpl-event") == "report.reminder");
  CHECK(r.header("x-pbgdpl-timestamp") == "1800000000");
  auto sig = r.header("x-pbgdpl-signature");
  REQUIRE(sig.rfind("sha256=", 0) == 0);
  // What a receiver checks: HMAC-SHA256(secret, timestamp + "." + raw body).
  CHECK(
      trust::verify_hmac_sha256_hex(secret_a, r.header("x-pbgdpl-timestamp") + "." + r.body, sig.substr(7)));
  CHECK_FALSE(
      trust::verify_hmac_sha256_hex(secret_b, r.header("x-pbgdpl-timestamp") + "." + r.body, sig.substr(7)));
  auto body = json::parse(r.body);
  CHECK(body["event"] == "report.reminder");
  CHECK(body["webhook"] == "truong");
  CHECK(body["delivery"] == r.header("x-pbgdpl-delivery"));
  CHECK(body["delivery"] == webhook::delivery_id("truong", "report.reminder", "ky-2026.thcs-le-loi.7"));
  CHECK(body["occurred_at"] == "2026-12-08T00:00:00+07:00");
  CHECK(body["data"] == reminder());
  // The same event again reaches nobody.
  auto again = n.send("report.reminder", reminder());
  REQUIRE(again);
  CHECK(*again == 0);
  CHECK(rx.count() == 1);
  // Another event does.
  CHECK(n.send("report.reminder", reminder("other")).value() == 1);
}

TEST_CASE("a failing endpoint fails the send, and the next send reaches only it") {
  timestamp clock(std::chrono::seconds(1'800'000'000));
  mock::server ok([](const mock::seen&) { return mock::reply(200, "{}"); });
  bool down = true;
  mock::server flaky(
      [&down](const mock::seen&) { return down ? mock::reply(503, "{}") : mock::reply(200, "{}"); });
  auto cfg =
      webhook::config_from_json({{"endpoints",
                                  {{{"url", ok.base() + "/a"}, {"secret", secret_a}},
                                   {{"url", flaky.base() + "/b?token=do-not-log"}, {"secret", secret_b}}}}})
          .value();
  std::vector<std::string> logs;
  webhook::notifier n(svc(&clock, &logs), cfg);
  auto first = n.send("report.reminder", reminder());
  REQUIRE_FALSE(first);
  CHECK(first.err().code == errc::io_error);
  CHECK(first.err().message_en.find("endpoint-2: HTTP 503") != std::string::npos);
  CHECK(first.err().message_vi.find("Không gửi được") != std::string::npos);
  CHECK(first.err().describe().find("do-not-log") == std::string::npos);
  for (const auto& l : logs) CHECK(l.find("do-not-log") == std::string::npos);
  down = false;
  auto second = n.send("report.reminder", reminder());
  REQUIRE(second);
  CHECK(*second == 1);
  CHECK(ok.count() == 1);
  CHECK(flaky.count() == 2);
}

TEST_CASE("deliveries are remembered across a restart, and a corrupt memory is an error") {
  timestamp clock(std::chrono::seconds(1'800'000'000));
  tmpdir dir;
  mock::server rx([](const mock::seen&) { return mock::reply(200, "{}"); });
  json cfg{{"endpoints", {{{"url", rx.base()}, {"secret", secret_a}, {"events", {"report.reminder"}}}}},
           {"state_dir", dir.path.string()}};
  {
    webhook::notifier n(svc(&clock), webhook::config_from_json(cfg).value());
    CHECK(n.send("report.reminder", reminder()).value() == 1);
    CHECK(n.send("article.published", json{{"id", "a1"}}).value() == 0);  // not subscribed
  }
  {
    webhook::notifier n(svc(&clock), webhook::config_from_json(cfg).value());
    CHECK(n.send("report.reminder", reminder()).value() == 0);
  }
  CHECK(rx.count() == 1);
  std::ofstream(dir.path / "webhook-webhook.json")
      << "{\"format\":\"pbgdpl-delivered\",\"version\":1,\"entries\":[";
  try {
    webhook::notifier n(svc(&clock), webhook::config_from_json(cfg).value());
    FAIL("a corrupt file was accepted");
  } catch (const exception& e) {
    CHECK(e.err().code == errc::corrupt);
  }
}

TEST_CASE("webhook configuration and events are checked") {
  auto cfg = [](json ep) { return webhook::config_from_json({{"endpoints", {std::move(ep)}}}); };
  CHECK(cfg({{"url", "http://127.0.0.1:9"}, {"secret", "short"}}).err().code == errc::invalid_argument);
  CHECK(cfg({{"url", "file:///etc/passwd"}, {"secret", secret_a}}).err().code == errc::invalid_argument);
  CHECK(cfg({{"url", "http://127.0.0.1:9/\r\nX: y"}, {"secret", secret_a}}).err().code ==
        errc::invalid_argument);
  CHECK(cfg({{"url", "http://127.0.0.1:9"}, {"secret", secret_a}, {"sekret", 1}}).err().code ==
        errc::invalid_argument);
  CHECK(webhook::config_from_json({{"endpoints", json::array()}}).err().code == errc::missing_field);
  CHECK(webhook::config_from_json(
            {{"endpoints", {{{"url", "http://a"}, {"secret", secret_a}}}}, {"name", "../x"}})
            .err()
            .code == errc::invalid_argument);
  timestamp clock(std::chrono::seconds(1'800'000'000));
  webhook::notifier n(svc(&clock), cfg({{"url", "http://127.0.0.1:9"}, {"secret", secret_a}}).value());
  CHECK(n.send("Report Reminder", reminder()).err().code == errc::invalid_argument);
  CHECK(n.send("report.reminder", json{{"unit", "x"}}).err().code == errc::missing_field);
  CHECK(n.send("report.reminder", json::array()).err().code == errc::wrong_type);
}

TEST_CASE("loaded through the host, the plugin is a reports notifier of channel webhook") {
  mock::server rx([](const mock::seen&) { return mock::reply(200, "{}"); });
  plugin::host_options o;
  o.enabled = true;
  o.use_env_path = false;
  o.dirs = {PBGDPL_PLUGIN_DIR};
  o.http_allow_loopback = true;
  plugin::plugin_host host(o);
  auto n = plugin::open_notifier(host, "webhook",
                                 {{"endpoints", {{{"url", rx.base() + "/in"}, {"secret", secret_a}}}}});
  REQUIRE(n);
  CHECK((*n)->name() == "webhook");
  CHECK((*n)->send("report.reminder", reminder()).value() == 1);
  CHECK((*n)->send("report.reminder", reminder()).value() == 0);
  REQUIRE(rx.count() == 1);
  auto r = rx.requests()[0];
  CHECK(trust::verify_hmac_sha256_hex(secret_a, r.header("x-pbgdpl-timestamp") + "." + r.body,
                                      r.header("x-pbgdpl-signature").substr(7)));
  // The host's policy holds: without loopback allowed, the POST is refused and the send fails.
  plugin::host_options strict = o;
  strict.http_allow_loopback = false;
  plugin::plugin_host closed(strict);
  auto n2 = plugin::open_notifier(closed, "webhook",
                                  {{"endpoints", {{{"url", rx.base() + "/in"}, {"secret", secret_a}}}}});
  REQUIRE(n2);
  CHECK_FALSE((*n2)->send("report.reminder", reminder("another")));
  CHECK(rx.count() == 1);
}

TEST_CASE("red team: a library another user put in a sticky world-writable directory is not loaded") {
  // The sticky bit (/tmp) keeps others from replacing our files, not from adding their own.
  if (::geteuid() != 0) {
    MESSAGE("skipped: giving the files to another user needs root");
    return;
  }
  tmpdir shared;
  std::filesystem::permissions(shared.path, std::filesystem::perms::all | std::filesystem::perms::sticky_bit);
  for (const char* name : {"webhook.json", "pbgdpl-webhook.so"})
    std::filesystem::copy_file(std::filesystem::path(PBGDPL_PLUGIN_DIR) / name, shared.path / name);
  plugin::host_options o;
  o.enabled = true;
  o.use_env_path = false;
  o.dirs = {shared.path};
  const json config = {{"endpoints", {{{"url", "http://127.0.0.1:9/in"}, {"secret", secret_a}}}}};
  {
    plugin::plugin_host ours(o);  // our own files there load
    CHECK(plugin::open_notifier(ours, "webhook", config));
  }
  const auto nobody = 65534;
  REQUIRE(::chown((shared.path / "pbgdpl-webhook.so").c_str(), nobody, nobody) == 0);
  REQUIRE(::chown((shared.path / "webhook.json").c_str(), nobody, nobody) == 0);
  plugin::plugin_host host(o);
  auto n = plugin::open_notifier(host, "webhook", config);
  REQUIRE_FALSE(n);
  CHECK(n.err().path == "unsafe_library_path");
  CHECK(n.err().message_en.find("pbgdpl-webhook.so") != std::string::npos);
}

TEST_CASE("red team: a 2xx answer with a Latin-1 header still counts as delivered (no second POST)") {
  // The host hands the plugin the response as JSON: a header byte that is not UTF-8 must not turn
  // a delivered event into a failure that the next send repeats.
  mock::server rx([](const mock::seen&) { return mock::reply(200, "{}", {{"X-Note", "caf\xe9"}}); });
  plugin::host_options o;
  o.enabled = true;
  o.use_env_path = false;
  o.dirs = {PBGDPL_PLUGIN_DIR};
  o.http_allow_loopback = true;
  plugin::plugin_host host(o);
  auto n = plugin::open_notifier(host, "webhook",
                                 {{"endpoints", {{{"url", rx.base() + "/in"}, {"secret", secret_a}}}}});
  REQUIRE(n);
  auto first = (*n)->send("report.reminder", reminder("latin-1"));
  CHECK(first);
  if (first) CHECK(*first == 1);
  CHECK((*n)->send("report.reminder", reminder("latin-1")).value_or(99) == 0);
  CHECK(rx.count() == 1);
}

TEST_CASE("red team: a plugin directory inside a world-writable directory is not trusted") {
  // Whoever can write the parent can rename the plugin directory away and put their own in its
  // place between the host's checks and dlopen: the parents count as much as the directory.
  tmpdir top;
  auto open_dir = top.path / "shared";
  auto plugins = open_dir / "plugins";
  std::filesystem::create_directories(plugins);
  std::filesystem::permissions(open_dir, std::filesystem::perms::all);  // 0777, no sticky bit
  for (const char* name : {"webhook.json", "pbgdpl-webhook.so"})
    std::filesystem::copy_file(std::filesystem::path(PBGDPL_PLUGIN_DIR) / name, plugins / name);
  plugin::host_options o;
  o.enabled = true;
  o.use_env_path = false;
  o.dirs = {plugins};
  plugin::plugin_host host(o);
  auto n = plugin::open_notifier(host, "webhook",
                                 {{"endpoints", {{{"url", "http://127.0.0.1:9/in"}, {"secret", secret_a}}}}});
  REQUIRE_FALSE(n);
  CHECK(n.err().path == "unsafe_library_path");
  CHECK(n.err().message_vi.find("ghi được") != std::string::npos);
}
