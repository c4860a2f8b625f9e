// The plugin host against the ABI fixtures (tests/plugins/fixtures): each way a plugin or its
// manifest can be wrong gives its own error, and none takes the host down.
#include <pbgdpl/plugin/host.hpp>

#include <pbgdpl/http/server.hpp>

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <future>
#include <set>
#include <filesystem>
#include <fstream>
#include <thread>

using namespace pbgdpl;
namespace fs = std::filesystem;

namespace {

const fs::path fixtures = PBGDPL_FIXTURE_DIR;

// A fresh plugin directory (0755) under the build's temp space, removed afterwards.
struct plugin_dir {
  fs::path path;
  plugin_dir() {
    static int n = 0;
    path = fs::temp_directory_path() / ("pbgdpl-plugin-test-" + std::to_string(::getpid()) + "-" + std::to_string(++n));
    fs::remove_all(path);
    fs::create_directories(path);
    fs::permissions(path, fs::perms(0755));
  }
  ~plugin_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  // Copies a fixture library in as `name`.
  fs::path add_library(const std::string& fixture, const std::string& name) const {
    auto to = path / name;
    fs::copy_file(fixtures / fixture / (fixture + ".so"), to, fs::copy_options::overwrite_existing);
    fs::permissions(to, fs::perms(0755));
    return to;
  }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name, std::ios::binary) << text;
  }
  // A manifest for `id` naming `library`, with the given ABI and kinds.
  void manifest(const std::string& id, const std::string& library, int major = PBGDPL_ABI_MAJOR, int minor = PBGDPL_ABI_MINOR,
                const std::string& kinds = R"(["notifier"])", const std::string& file = "") const {
    write(file.empty() ? id + ".json" : file,
          R"({"id": ")" + id + R"(", "library": ")" + library + R"(", "abi": {"major": )" + std::to_string(major) +
              R"(, "minor": )" + std::to_string(minor) + R"(}, "kinds": )" + kinds +
              R"(, "version": "1.0.0", "license": "MIT", "description": "A fixture"})");
  }
};

plugin::host_options options_for(const plugin_dir& d) {
  plugin::host_options o;
  o.enabled = true;
  o.dirs = {d.path};
  o.use_env_path = false;
  return o;
}

// The load error a failed create() gives: its path names the load_errc.
std::string failure_of(plugin::plugin_host& h, std::string_view id, const json& config = json::object()) {
  auto r = h.create(id, config);
  if (r) return "loaded";
  CHECK_FALSE(r.err().message_vi.empty());
  CHECK_FALSE(r.err().message_en.empty());
  return r.err().path;
}

}  // namespace

TEST_CASE("plugin loading is off unless the host enables it") {
  plugin_dir d;
  d.add_library("good", "good.so");
  d.manifest("fixture", "good.so");
  auto o = options_for(d);
  o.enabled = false;
  plugin::plugin_host h(o);
  auto r = h.create("fixture", json::object());
  REQUIRE_FALSE(r);
  CHECK(r.err().path == "disabled");
  CHECK(r.err().code == errc::permission_denied);
}

TEST_CASE("a plugin built for an older ABI minor is accepted and works") {
  plugin_dir d;
  d.add_library("good", "good.so");
  d.manifest("fixture", "good.so");
  auto o = options_for(d);
  o.abi.minor = PBGDPL_ABI_MINOR + 1;  // a host one minor newer than the fixture
  std::vector<std::string> lines;
  std::mutex mu;
  o.log = [&](pbgdpl_log_level, std::string_view id, std::string_view m) {
    std::lock_guard lock(mu);
    lines.push_back(std::string(id) + ": " + std::string(m));
  };
  o.clock = [] { return timestamp{std::chrono::seconds{1'700'000'000}}; };
  plugin::plugin_host h(o);
  auto n = plugin::open_notifier(h, "fixture", json::object());
  REQUIRE(n);
  CHECK((*n)->name() == "fixture");
  auto sent = (*n)->send("report.reminder", json{{"id", "e1"}});
  REQUIRE(sent);
  CHECK(*sent == 3);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0] == "fixture: send 1 at 1700000000000");
}

TEST_CASE("a plugin built for a newer ABI minor is refused") {
  plugin_dir d;
  d.add_library("new_minor", "new.so");
  SUBCASE("on the manifest's word, before its code runs") {
    d.manifest("fixture", "new.so", PBGDPL_ABI_MAJOR, PBGDPL_ABI_MINOR + 1);
    plugin::plugin_host h(options_for(d));
    CHECK(failure_of(h, "fixture") == "abi_minor_too_new");
  }
  SUBCASE("when its entry point refuses the host") {
    d.manifest("fixture", "new.so");
    plugin::plugin_host h(options_for(d));
    auto r = h.create("fixture", json::object());
    REQUIRE_FALSE(r);
    CHECK(r.err().path == "abi_minor_too_new");
    CHECK(r.err().code == errc::unsupported_version);
    CHECK(r.err().message_en.find("new.so") != std::string::npos);
  }
}

TEST_CASE("a plugin built for another ABI major is refused") {
  plugin_dir d;
  d.add_library("other_major", "major.so");
  SUBCASE("manifest") {
    d.manifest("fixture", "major.so", PBGDPL_ABI_MAJOR + 1, 0);
    plugin::plugin_host h(options_for(d));
    CHECK(failure_of(h, "fixture") == "abi_major_mismatch");
  }
  SUBCASE("descriptor") {
    d.manifest("fixture", "major.so");
    plugin::plugin_host h(options_for(d));
    CHECK(failure_of(h, "fixture") == "abi_major_mismatch");
  }
}

TEST_CASE("a library without the entry symbol is entry_missing") {
  plugin_dir d;
  d.add_library("no_entry", "none.so");
  d.manifest("fixture", "none.so");
  plugin::plugin_host h(options_for(d));
  CHECK(failure_of(h, "fixture") == "entry_missing");
}

TEST_CASE("a descriptor larger than the host knows is bad_struct_size") {
  plugin_dir d;
  d.add_library("big_struct", "big.so");
  d.manifest("fixture", "big.so");
  plugin::plugin_host h(options_for(d));
  CHECK(failure_of(h, "fixture") == "bad_struct_size");
}

TEST_CASE("a kind declared without its table is missing_kind_table") {
  plugin_dir d;
  d.add_library("no_table", "notable.so");
  d.manifest("fixture", "notable.so");
  plugin::plugin_host h(options_for(d));
  CHECK(failure_of(h, "fixture") == "missing_kind_table");
}

TEST_CASE("a manifest that lies about its library is descriptor_mismatch") {
  plugin_dir d;
  d.add_library("good", "good.so");
  SUBCASE("another id") {
    d.manifest("somebody", "good.so");
    plugin::plugin_host h(options_for(d));
    CHECK(failure_of(h, "somebody") == "descriptor_mismatch");
  }
  SUBCASE("other kinds") {
    d.manifest("fixture", "good.so", PBGDPL_ABI_MAJOR, PBGDPL_ABI_MINOR, R"(["notifier", "store"])");
    plugin::plugin_host h(options_for(d));
    CHECK(failure_of(h, "fixture") == "descriptor_mismatch");
  }
}

TEST_CASE("missing, malformed and unreadable manifests each have their error") {
  plugin_dir d;
  d.add_library("good", "good.so");
  plugin::plugin_host h(options_for(d));
  CHECK(failure_of(h, "fixture") == "not_found");
  d.write("fixture.json", "{\"id\": \"fixture\", ");
  CHECK(failure_of(h, "fixture") == "manifest_invalid");
  d.write("fixture.json", R"({"id": "fixture", "library": "good.so", "abi": {"major": 1, "minor": 0}, "kinds": ["notifier"], "version": "1"})");
  CHECK(failure_of(h, "fixture") == "manifest_invalid");  // no license
  d.write("fixture.json", R"({"id": "Fix Ture", "library": "good.so"})");
  CHECK(failure_of(h, "fixture") == "manifest_invalid");
  fs::remove(d.path / "fixture.json");
  REQUIRE(::mkfifo((d.path / "fixture.json").c_str(), 0644) == 0);  // a FIFO must not block the host
  auto start = std::chrono::steady_clock::now();
  CHECK(failure_of(h, "fixture") == "manifest_unreadable");
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
  std::vector<plugin::load_error> problems;
  CHECK(h.discover(&problems).empty());
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].code == plugin::load_errc::manifest_unreadable);
}

TEST_CASE("a library named with a slash or dot-dot is unsafe_library_path") {
  plugin_dir d;
  d.add_library("good", "good.so");
  plugin::plugin_host h(options_for(d));
  for (std::string lib : {"../good.so", "sub/good.so", "/tmp/good.so", "..", "."}) {
    CAPTURE(lib);
    d.manifest("fixture", lib);
    CHECK(failure_of(h, "fixture") == "unsafe_library_path");
  }
}

TEST_CASE("a library that is a FIFO, a directory or missing is refused without blocking") {
  plugin_dir d;
  d.manifest("fixture", "lib.so");
  plugin::plugin_host h(options_for(d));
  CHECK(failure_of(h, "fixture") == "library_missing");
  REQUIRE(::mkfifo((d.path / "lib.so").c_str(), 0644) == 0);
  auto start = std::chrono::steady_clock::now();
  CHECK(failure_of(h, "fixture") == "library_not_regular_file");
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
  fs::remove(d.path / "lib.so");
  fs::create_directory(d.path / "lib.so");
  CHECK(failure_of(h, "fixture") == "library_not_regular_file");
  fs::remove(d.path / "lib.so");
  d.write("lib.so", "not an ELF file");
  fs::permissions(d.path / "lib.so", fs::perms(0755));
  CHECK(failure_of(h, "fixture") == "dlopen_failed");
}

TEST_CASE("a symlink out of the plugin directory is refused, one inside it is followed") {
  plugin_dir d, elsewhere;
  auto outside = elsewhere.add_library("good", "good.so");
  fs::create_symlink(outside, d.path / "link.so");
  d.manifest("fixture", "link.so");
  plugin::plugin_host h(options_for(d));
  CHECK(failure_of(h, "fixture") == "unsafe_library_path");
  d.add_library("good", "good.so.1");
  fs::create_symlink("good.so.1", d.path / "good.so");
  d.manifest("fixture", "good.so");
  CHECK(failure_of(h, "fixture") == "loaded");
}

TEST_CASE("a library anyone may write is unsafe_library_path") {
  plugin_dir d;
  auto lib = d.add_library("good", "good.so");
  fs::permissions(lib, fs::perms(0777));
  d.manifest("fixture", "good.so");
  plugin::plugin_host h(options_for(d));
  CHECK(failure_of(h, "fixture") == "unsafe_library_path");
}

TEST_CASE("two manifests with one id are duplicate_id and neither loads") {
  plugin_dir d, e;
  d.add_library("good", "good.so");
  e.add_library("good", "good.so");
  d.manifest("fixture", "good.so");
  e.manifest("fixture", "good.so");
  auto o = options_for(d);
  o.dirs.push_back(e.path);
  o.dirs.push_back(d.path);  // the same directory twice is one directory
  plugin::plugin_host h(o);
  CHECK(failure_of(h, "fixture") == "duplicate_id");
  std::vector<plugin::load_error> problems;
  auto found = h.discover(&problems);
  CHECK(found.size() == 1);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].code == plugin::load_errc::duplicate_id);
}

TEST_CASE("PBGDPL_PLUGIN_PATH adds directories to the search") {
  plugin_dir d;
  d.add_library("good", "good.so");
  d.manifest("fixture", "good.so");
  auto o = options_for(d);
  o.dirs.clear();
  o.use_env_path = true;
  ::setenv("PBGDPL_PLUGIN_PATH", ("/nonexistent:" + d.path.string()).c_str(), 1);
  plugin::plugin_host h(o);
  CHECK(failure_of(h, "fixture") == "loaded");
  ::unsetenv("PBGDPL_PLUGIN_PATH");
  plugin::plugin_host h2(o);
  CHECK(failure_of(h2, "fixture") == "not_found");
}

TEST_CASE("a plugin that throws across the ABI does not take the host down") {
  plugin_dir d;
  d.add_library("throwing", "throwing.so");
  d.add_library("good", "good.so");
  d.manifest("throwing", "throwing.so");
  d.manifest("fixture", "good.so");
  plugin::plugin_host h(options_for(d));
  auto r = h.create("throwing", json{{"throw", true}});
  REQUIRE_FALSE(r);
  CHECK(r.err().path == "plugin_threw");
  auto n = plugin::open_notifier(h, "throwing", json::object());
  REQUIRE(n);
  auto sent = (*n)->send("x", json::object());
  REQUIRE_FALSE(sent);
  CHECK(sent.err().code == errc::internal);
  CHECK(sent.err().path == "plugin_threw");
  // The host goes on: the other plugin still loads and answers.
  auto good = plugin::open_notifier(h, "fixture", json::object());
  if (!good) FAIL(good.err().describe());
  CHECK((*good)->send("x", json::object()).value() == 3);
}

TEST_CASE("a create that fails gives the plugin's own bilingual error") {
  plugin_dir d;
  d.add_library("good", "good.so");
  d.manifest("fixture", "good.so");
  plugin::plugin_host h(options_for(d));
  auto r = h.create("fixture", json{{"fail", true}});
  REQUIRE_FALSE(r);
  CHECK(r.err().path == "create_failed");
  CHECK(r.err().code == errc::invalid_argument);
  CHECK(r.err().message_vi.find("Cấu hình sai") != std::string::npos);
  CHECK(r.err().message_en.find("Bad configuration") != std::string::npos);
  CHECK_FALSE(h.create("fixture", json::array()));  // a configuration is an object
}

TEST_CASE("a store plugin answering garbage gives errors, never a crash") {
  plugin_dir d;
  d.add_library("garbage", "garbage.so");
  d.manifest("fixture", "garbage.so", PBGDPL_ABI_MAJOR, PBGDPL_ABI_MINOR, R"(["notifier", "store"])");
  std::vector<std::string> lines;
  auto o = options_for(d);
  o.log = [&](pbgdpl_log_level, std::string_view, std::string_view m) { lines.emplace_back(m); };
  plugin::plugin_host h(o);
  auto db = plugin::open_store(h, "fixture", json::object());
  REQUIRE(db);
  auto& s = **db;
  CHECK(s.read("article", "fine"));
  for (const char* id : {"notjson", "wrongshape", "wrongtypes", "otherid", "badutf8", "nullbuf", "deep"}) {
    CAPTURE(id);
    auto r = s.read("article", id);
    REQUIRE_FALSE(r);
    CHECK(r.err().code != errc::ok);
    CHECK(r.err().message_en.find("fixture") != std::string::npos);
  }
  auto bad_status = s.read("article", "badstatus");
  REQUIRE_FALSE(bad_status);
  CHECK(bad_status.err().code == errc::internal);
  auto garbage_error = s.read("article", "garbage_error");
  REQUIRE_FALSE(garbage_error);
  CHECK(garbage_error.err().code == errc::not_found);  // the status decides when the error is unreadable
  auto lying = s.read("article", "lying_error");
  REQUIRE_FALSE(lying);
  CHECK(lying.err().code == errc::conflict);
  CHECK_FALSE(s.list_records("article", {}));  // a unit record in a list of articles
  store::search_request sr;
  sr.q = "x";
  CHECK_FALSE(s.search(sr));
  CHECK_FALSE(s.audit_log("article", "a", 1));  // two entries for a limit of one
  auto polled = s.poll_changes();
  REQUIRE_FALSE(polled);
  CHECK(polled.err().code == errc::io_error);
  CHECK(s.change_stamp() == std::optional<std::uint64_t>(7));
  // Change batches reach the store's listeners; the malformed one is dropped and logged.
  std::vector<store::change> seen;
  auto sub = s.subscribe([&](const std::vector<store::change>& b) { seen.insert(seen.end(), b.begin(), b.end()); });
  store::record rec;
  rec.kind = "article";
  rec.id = "x";
  rec.version = 1;
  CHECK(s.write(store::write_op::create, rec, 0, "tester"));
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].id == "x");
  CHECK(seen[0].audit_seq == 9);
  CHECK(std::any_of(lines.begin(), lines.end(), [](const std::string& l) { return l.find("store_changed") != std::string::npos; }));
  // The transaction runs its body; what the body throws comes back out.
  int ran = 0;
  CHECK(s.transaction([&]() -> result<void> {
    ++ran;
    return {};
  }));
  CHECK(ran == 1);
  CHECK_THROWS_AS((void)s.transaction([&]() -> result<void> { throw std::runtime_error("body"); }), std::runtime_error);
  auto failed = s.transaction([&]() -> result<void> { return error(errc::conflict, "/x", "xung đột", "conflict"); });
  REQUIRE_FALSE(failed);
  CHECK(failed.err().path == "/x");
}

TEST_CASE("the SDK's plugin serves every kind through the host") {
  plugin::host_options o;
  o.enabled = true;
  o.use_env_path = false;
  o.dirs = {fixtures / "sdkfix"};
  plugin::plugin_host h(o);
  auto found = h.discover();
  REQUIRE(found.size() == 1);
  CHECK(found[0].id == "sdkfix");
  CHECK(found[0].kinds == 0x1fu);
  auto checked = h.check("sdkfix");
  REQUIRE(checked);
  CHECK(checked->version == "2.1.0");

  SUBCASE("store: writes, reads, lists, errors keep their code, changes and transactions") {
    auto db = plugin::open_store(h, "sdkfix", json::object());
    REQUIRE(db);
    auto& s = **db;
    std::vector<store::change> seen;
    auto sub = s.subscribe([&](const std::vector<store::change>& b) { seen.insert(seen.end(), b.begin(), b.end()); });
    auto stamp0 = s.change_stamp();
    REQUIRE(stamp0);
    store::record r;
    r.kind = "article";
    r.id = "a1";
    r.version = 1;
    r.unit = "u1";
    r.body = json{{"id", "a1"}, {"title", "Tuyên truyền"}};
    r.sort_key = "2024";
    REQUIRE(s.write(store::write_op::create, r, 0, "tester"));
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].unit == "u1");
    auto again = s.write(store::write_op::create, r, 0, "tester");
    REQUIRE_FALSE(again);
    CHECK(again.err().code == errc::already_exists);
    auto got = s.read("article", "a1");
    REQUIRE(got);
    CHECK(got->body["title"] == "Tuyên truyền");
    CHECK(got->unit == "u1");
    CHECK(s.read("article", "nope").err().code == errc::not_found);
    auto page = s.list_records("article", {});
    REQUIRE(page);
    CHECK(page->items.size() == 1);
    auto log = s.audit_log("article", "a1", 10);
    REQUIRE(log);
    REQUIRE(log->size() == 1);
    CHECK(log->front().actor == "tester");
    CHECK(*s.change_stamp() != *stamp0);
    // A transaction whose body fails leaves nothing; its error is the body's.
    auto t = s.transaction([&]() -> result<void> {
      store::record r2 = r;
      r2.id = "a2";
      if (auto w = s.write(store::write_op::create, r2, 0, "tester"); !w) return w;
      return error(errc::conflict, "/why", "dừng", "stop");
    });
    REQUIRE_FALSE(t);
    CHECK(t.err().path == "/why");
    CHECK(s.read("article", "a2").err().code == errc::not_found);
    CHECK(seen.size() == 1);
    // Committed, the batch arrives once.
    REQUIRE(s.transaction([&]() -> result<void> {
      store::record r3 = r;
      r3.id = "a3";
      return s.write(store::write_op::create, r3, 0, "tester");
    }));
    CHECK(seen.size() == 2);
  }

  SUBCASE("notifier, publisher, exporter, connector") {
    auto n = plugin::open_notifier(h, "sdkfix", json::object());
    REQUIRE(n);
    CHECK((*n)->name() == "sdk-test");
    CHECK((*n)->send("report.reminder", json{{"to", {"a", "b"}}}).value() == 2);
    auto threw = (*n)->send("throw", json::object());  // the SDK's barrier: internal, not a crash
    REQUIRE_FALSE(threw);
    CHECK(threw.err().code == errc::internal);
    CHECK(threw.err().message_en.find("send was asked to throw") != std::string::npos);

    auto p = plugin::open_publisher(h, "sdkfix", json::object());
    REQUIRE(p);
    auto first = (*p)->publish(json{{"id", "post-1"}, {"text", "Xin chào"}});
    REQUIRE(first);
    CHECK((*first)["state"] == "sent");
    CHECK((*p)->publish(json{{"id", "post-1"}}).value() == *first);
    CHECK((*p)->publish(json{{"text", "no id"}}).err().code == errc::missing_field);
    CHECK((*p)->drain(5).value()["max"] == 5);

    auto x = plugin::open_exporter(h, "sdkfix", json::object());
    REQUIRE(x);
    REQUIRE((*x)->formats().size() == 1);
    CHECK((*x)->formats()[0].extension == "csv");
    store::record r;
    r.kind = "article";
    r.id = "a1";
    r.version = 3;
    CHECK((*x)->export_records("csv", {r}).value() == "kind,id,version\narticle,a1,3\n");
    CHECK((*x)->export_records("xlsx", {r}).err().code == errc::invalid_argument);

    auto c = plugin::open_connector(h, "sdkfix", json::object());
    REQUIRE(c);
    // NFD in, NFC out (the host's json_normalize).
    auto imported = (*c)->import_catalogue("json", "{\"documents\": [{\"title\": \"Lua\xcc\xa3\xcc\x82t\"}]}");
    REQUIRE(imported);
    CHECK((*imported)["legal_documents"][0]["title"] == "Lu\xe1\xba\xadt");
    CHECK((*imported)["warnings"].is_array());
    CHECK((*c)->import_catalogue("csv", "").err().code == errc::invalid_argument);
    CHECK((*c)->import_catalogue("json", "{\"documents\": ").err().code == errc::parse_error);
    auto exported = (*c)->export_catalogue("json", json{{"legal_documents", json::array()}});
    REQUIRE(exported);
    CHECK(json::parse(*exported).contains("legal_documents"));
  }

  SUBCASE("a configuration the plugin refuses is create_failed with its error") {
    auto r = h.create("sdkfix", json{{"fail", true}});
    REQUIRE_FALSE(r);
    CHECK(r.err().path == "create_failed");
    CHECK(r.err().code == errc::invalid_argument);
    CHECK(r.err().message_en.find("The configuration asks to fail") != std::string::npos);
    auto crash = h.create("sdkfix", json{{"crash", true}});
    REQUIRE_FALSE(crash);
    CHECK(crash.err().code == errc::internal);
    CHECK(crash.err().message_en.find("crash requested") != std::string::npos);
  }

  SUBCASE("a kind the plugin does not provide is refused by the typed handle") {
    plugin_dir d;
    d.add_library("good", "good.so");
    d.manifest("fixture", "good.so");
    plugin::host_options o2 = options_for(d);
    plugin::plugin_host h2(o2);
    CHECK_FALSE(plugin::open_store(h2, "fixture", json::object()));
    CHECK_FALSE(plugin::open_publisher(h2, "fixture", json::object()));
  }
}

TEST_CASE("plugins reach only the hosts the host allows, over its own client") {
  std::atomic<int> hits{0};
  http::server_config cfg;
  cfg.address = "127.0.0.1";
  cfg.port = 0;
  cfg.threads = 1;
  http::server srv(cfg, [&](http::request& req) {
    ++hits;
    if (req.path() == "/moved") {
      auto r = http::response::text("moved", http::status::found);
      r.headers.emplace_back("Location", "http://192.0.2.1/elsewhere");
      return r;
    }
    return http::response::text("remote-" + std::string(req.header("X-Post")), http::status::created);
  });
  srv.start();
  const std::string url = "http://127.0.0.1:" + std::to_string(srv.port()) + "/post";

  plugin::host_options o;
  o.enabled = true;
  o.use_env_path = false;
  o.dirs = {fixtures / "sdkfix"};
  SUBCASE("loopback allowed") {
    o.http_allow_loopback = true;
    plugin::plugin_host h(o);
    auto p = plugin::open_publisher(h, "sdkfix", json{{"post_url", url}});
    REQUIRE(p);
    auto sent = (*p)->publish(json{{"id", "p1"}});
    REQUIRE(sent);
    CHECK((*sent)["http_status"] == 201);
    CHECK(hits == 1);
  }
  SUBCASE("not on the allow list") {
    o.http_allowed_hosts = {"graph.facebook.com"};
    plugin::plugin_host h(o);
    auto p = plugin::open_publisher(h, "sdkfix", json{{"post_url", url}});
    REQUIRE(p);
    auto sent = (*p)->publish(json{{"id", "p1"}});
    REQUIRE_FALSE(sent);
    CHECK(sent.err().code == errc::permission_denied);
    CHECK(hits == 0);
  }
  SUBCASE("what a plugin may not ask for") {
    o.http_allow_loopback = true;
    auto services = plugin::detail::make_host_services(o);
    plugin::http_request r;
    r.url = url;
    r.headers = {{"Host", "evil.example"}};
    CHECK(services->http("t", r).err().code == errc::permission_denied);
    r.headers = {{"X-A", "b\r\nX-Injected: 1"}};
    CHECK(services->http("t", r).err().code == errc::invalid_argument);
    r.headers = {};
    r.method = "CONNECT";
    CHECK(services->http("t", r).err().code == errc::invalid_argument);
    r.method = "POST";
    r.body = std::string(o.http_max_body + 1, 'x');
    CHECK(services->http("t", r).err().code == errc::too_large);
    r.body.clear();
    r.url = "http://10.0.0.1/";
    CHECK(services->http("t", r).err().code == errc::permission_denied);
    CHECK(hits == 0);
    r.url = url;
    r.headers = {{"X-Post", "7"}};
    auto ok = services->http("t", r);
    REQUIRE(ok);
    CHECK(ok->status == 201);
    CHECK(ok->body == "remote-7");
    // No redirect is followed: a POST's comes back as the answer, a GET's is an error.
    r.url = "http://127.0.0.1:" + std::to_string(srv.port()) + "/moved";
    auto moved = services->http("t", r);
    REQUIRE(moved);
    CHECK(moved->status == 302);
    CHECK(moved->header("location") == std::optional<std::string>("http://192.0.2.1/elsewhere"));
    r.method = "GET";
    CHECK(services->http("t", r).err().code == errc::io_error);
    CHECK(hits == 3);
  }
  srv.stop();
}

TEST_CASE("calls into a plugin that is not thread-safe are serialised") {
  plugin_dir d;
  d.add_library("good", "good.so");
  d.manifest("fixture", "good.so");
  auto o = options_for(d);
  std::mutex mu;
  std::set<std::string> counts;
  o.log = [&](pbgdpl_log_level, std::string_view, std::string_view m) {
    std::lock_guard lock(mu);
    counts.insert(std::string(m.substr(0, m.find(" at "))));
  };
  plugin::plugin_host h(o);
  auto n = plugin::open_notifier(h, "fixture", json::object());
  if (!n) FAIL(n.err().describe());
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int k = 0; k < 200; ++k)
        if (!(*n)->send("x", json::object())) ++failures;
    });
  for (auto& t : threads) t.join();
  CHECK(failures == 0);
  // The fixture counts without atomics: 800 distinct counts only if no two calls overlapped.
  CHECK(counts.size() == 800);
  CHECK(counts.count("send 800") == 1);
}

TEST_CASE("store listeners run after the plugin's call, outside the instance's lock") {
  plugin::host_options o;
  o.enabled = true;
  o.use_env_path = false;
  o.dirs = {fixtures / "sdkfix"};
  plugin::plugin_host h(o);
  auto db = plugin::open_store(h, "sdkfix", json::object());
  REQUIRE(db);
  auto& s = **db;
  bool other_thread_read = false;
  auto sub = s.subscribe([&](const std::vector<store::change>& batch) {
    // Another thread reads the store while this listener waits for it: under the instance's
    // lock this would wait forever.
    auto f = std::async(std::launch::async, [&] { return bool(s.read(batch.at(0).kind, batch.at(0).id)); });
    other_thread_read = f.wait_for(std::chrono::seconds(5)) == std::future_status::ready && f.get();
  });
  store::record r;
  r.kind = "article";
  r.id = "a1";
  r.version = 1;
  r.body = json{{"id", "a1"}};
  REQUIRE(s.write(store::write_op::create, r, 0, "t"));
  CHECK(other_thread_read);
  // A second handle on one instance does not lose the first's listener when it goes.
  auto inst = h.create("sdkfix", json::object());
  REQUIRE(inst);
  auto first = plugin::store_of(*inst);
  int heard = 0;
  auto sub1 = (*first)->subscribe([&](const std::vector<store::change>&) { ++heard; });
  { auto second = plugin::store_of(*inst); }
  r.id = "a2";
  REQUIRE((*first)->write(store::write_op::create, r, 0, "t"));
  CHECK(heard == 1);
}

TEST_CASE("a plugin loaded after another was unloaded is itself, not the one before") {
  // A C++ plugin stays mapped after dlclose; the dynamic loader still knows it by the name it was
  // opened with, which must not become the next plugin's name.
  plugin_dir d;
  d.add_library("good", "good.so");
  d.manifest("fixture", "good.so");
  for (int round = 0; round < 3; ++round) {
    {
      plugin::host_options o;
      o.enabled = true;
      o.use_env_path = false;
      o.dirs = {fixtures / "sdkfix"};
      plugin::plugin_host h(o);
      auto m = h.check("sdkfix");
      REQUIRE(m);
    }
    plugin::plugin_host h(options_for(d));
    auto m = h.check("fixture");
    if (!m) FAIL(m.err().describe());
    CHECK(m->id == "fixture");
  }
}
